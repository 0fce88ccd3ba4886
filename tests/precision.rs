//! False findings the error rules (and a few warnings) used to make on real histories, each as a readable bad/good
//! pair: the "good" migration is one a rule used to flag although PostgreSQL 15 (or Prisma) shows no harm. Facts that
//! needed a server were checked on PostgreSQL 15.18 (initdb/pg_ctl in /tmp, `psql -f`), as each test says.

mod support;

use support::lint::{finding, lint as lint_history, lint_after, Settings, Severity, SourceFile};

/// An existing table with rows, as Prisma writes it.
const SETUP: &str = r#"CREATE TABLE "Account" ("id" TEXT NOT NULL, "about" TEXT, "reason" TEXT, "userId" TEXT NOT NULL, "prompt" TEXT NOT NULL, "address" CIDR, "at" TIMESTAMP(3), "slot" TIME(3), "gap" INTERVAL(3), "email" VARCHAR(100), CONSTRAINT "Account_pkey" PRIMARY KEY ("id"));
CREATE TABLE "User" ("id" TEXT NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));
CREATE TYPE "Kind" AS ENUM ('Post');
ALTER TABLE "Account" ADD COLUMN "kind" "Kind";
"#;

#[derive(Debug)]
struct Found {
    rule: &'static str,
    line: usize,
    severity: Severity,
    message: String,
}

fn lint(migration: &str) -> Vec<Found> {
    let files = vec![
        SourceFile::new(
            "0_setup".into(),
            "0_setup".into(),
            "0_setup".into(),
            SETUP.to_string(),
        ),
        SourceFile::new(
            "1_m".into(),
            "1_m".into(),
            "1_m".into(),
            migration.to_string(),
        ),
    ];
    let result = lint_history(&files, &[false, true], &Settings::default());
    result
        .diagnostics
        .into_iter()
        .map(|d| Found {
            rule: d.rule,
            line: files[d.file].line_col(d.span.start).0,
            severity: d.severity,
            message: d.message,
        })
        .collect()
}

/// `(rule, line)` of every finding, in order.
fn rules(migration: &str) -> Vec<(&'static str, usize)> {
    lint(migration).iter().map(|f| (f.rule, f.line)).collect()
}

/// `(rule, line)` of the error findings: the ones that fail CI.
fn errors(migration: &str) -> Vec<(&'static str, usize)> {
    lint(migration)
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| (f.rule, f.line))
        .collect()
}

fn has(migration: &str, rule: &str) -> bool {
    lint(migration).iter().any(|f| f.rule == rule)
}

// rename-without-map: pair a DROP and an ADD only on evidence.

#[test]
fn a_drop_and_an_add_with_unrelated_names_is_a_drop_not_a_rename() {
    // inbox-zero 20250420131728: `id` dropped, `about` added; both text, nothing else in common.
    let bad = "ALTER TABLE \"Account\" DROP COLUMN \"reason\",\nADD COLUMN \"completedAt\" TEXT;\n";
    assert_eq!(errors(bad), [("drop-column", 1)]);
    // A real rename in Prisma's shape: the same type, nullability and default, and related names.
    let renamed =
        "ALTER TABLE \"Account\" DROP COLUMN \"userId\",\nADD COLUMN \"user_id\" TEXT NOT NULL;\n";
    let found = lint(renamed);
    assert!(
        found
            .iter()
            .any(|f| f.rule == "rename-without-map" && f.message.contains("\"user_id\"")),
        "{found:?}"
    );
    assert!(!found.iter().any(|f| f.rule == "drop-column"), "{found:?}");
}

#[test]
fn names_that_share_a_word_or_differ_by_a_letter_pair_as_a_rename() {
    for (old, new) in [("about", "abouts"), ("reason", "cancelReason")] {
        let sql =
            format!("ALTER TABLE \"Account\" DROP COLUMN \"{old}\",\nADD COLUMN \"{new}\" TEXT;\n");
        assert!(
            has(&sql, "rename-without-map"),
            "{old} -> {new}: {:?}",
            rules(&sql)
        );
    }
    // Nullability differs: Prisma's rename keeps the field's optionality, so this is two changes.
    let sql = "ALTER TABLE \"Account\" DROP COLUMN \"about\",\nADD COLUMN \"abouts\" TEXT NOT NULL DEFAULT '';\n";
    assert_eq!(errors(sql), [("drop-column", 1)]);
}

#[test]
fn a_column_filled_from_the_dropped_one_is_not_a_loss_of_its_values() {
    // The values survive in the new column; running clients that select the old one still fail.
    let sql = "ALTER TABLE \"Account\" ADD COLUMN \"about_text\" TEXT;\nUPDATE \"Account\" SET \"about_text\" = \"about\";\nALTER TABLE \"Account\" DROP COLUMN \"about\";\n";
    let found = lint(sql);
    let drop = found
        .iter()
        .find(|f| f.rule == "drop-column")
        .expect("the drop still breaks running clients");
    assert!(drop.message.contains("copied"), "{}", drop.message);
    assert!(
        !drop.message.contains("deletes its data"),
        "{}",
        drop.message
    );
    assert!(
        !found.iter().any(|f| f.rule == "rename-without-map"),
        "{found:?}"
    );
}

#[test]
fn a_shadow_column_swap_is_a_type_change_not_a_loss() {
    // langfuse 20240405124810_prompt_to_json: the values are converted into a new column that takes the old name.
    let swap = r#"ALTER TABLE "Account" ADD COLUMN "json_prompt" JSONB;
UPDATE "Account" SET "json_prompt" = to_json("prompt"::text)::json;
ALTER TABLE "Account" DROP COLUMN "prompt";
ALTER TABLE "Account" RENAME COLUMN "json_prompt" TO "prompt";
ALTER TABLE "Account" ADD COLUMN "type" TEXT NOT NULL DEFAULT 'text';
"#;
    let found = lint(swap);
    assert!(
        !found
            .iter()
            .any(|f| matches!(f.rule, "drop-column" | "rename-without-map")),
        "{found:?}"
    );
    let change = found
        .iter()
        .find(|f| f.rule == "change-column-type")
        .expect("a type change for running clients");
    assert_eq!(change.line, 3);
    assert!(
        change.message.contains("from text to jsonb"),
        "{}",
        change.message
    );
    // Without the copy the swap keeps the name but not the values.
    let lost = "ALTER TABLE \"Account\" ADD COLUMN \"json_prompt\" JSONB;\nALTER TABLE \"Account\" DROP COLUMN \"prompt\";\nALTER TABLE \"Account\" RENAME COLUMN \"json_prompt\" TO \"prompt\";\n";
    assert!(has(lost, "drop-column"), "{:?}", rules(lost));
}

// drop-table: only tables the history knows hold rows.

#[test]
fn dropping_a_table_made_earlier_in_the_migration_is_not_a_loss() {
    // inbox-zero 20251009133101: `SELECT ... INTO TEMP TABLE` then `DROP TABLE` of it.
    for made in [
        "SELECT * INTO TEMP TABLE \"tmp\" FROM \"Account\";",
        "CREATE TABLE \"tmp\" AS SELECT \"id\" FROM \"Account\";",
        "CREATE TEMP TABLE \"tmp\" AS SELECT \"id\" FROM \"Account\";",
        // sqlparser 0.64 cannot read this one (ON CONFLICT in a CTE); the tokens still show the INTO.
        "WITH made AS (\n  INSERT INTO \"User\" (\"id\") SELECT \"id\" FROM \"Account\" ON CONFLICT (\"id\") DO NOTHING RETURNING \"id\"\n)\nSELECT * INTO TEMP TABLE \"tmp\" FROM made;",
    ] {
        let sql = format!("{made}\nDROP TABLE \"tmp\";\n");
        assert!(!has(&sql, "drop-table"), "{made}: {:?}", rules(&sql));
    }
    // A table of the history still is.
    assert_eq!(
        rules("DROP TABLE \"User\";\n").first(),
        Some(&("drop-table", 1))
    );
}

#[test]
fn drop_table_if_exists_of_a_table_no_migration_made_is_not_an_error() {
    // trigger.dev 20231115134828: `DROP TABLE IF EXISTS` of a table the history never created, then CREATE TABLE.
    let sql = "DROP TABLE IF EXISTS \"run_executions\";\nCREATE TABLE \"run_executions\" (\"id\" SERIAL PRIMARY KEY);\n";
    assert!(!has(sql, "drop-table"), "{:?}", rules(sql));
    // IF EXISTS on a table the history did create is still a loss.
    assert!(has("DROP TABLE IF EXISTS \"User\";\n", "drop-table"));
    // The same for columns.
    assert!(!has(
        "ALTER TABLE \"Account\" DROP COLUMN IF EXISTS \"never_added\";\n",
        "drop-column"
    ));
    assert!(has(
        "ALTER TABLE \"Account\" DROP COLUMN IF EXISTS \"about\";\n",
        "drop-column"
    ));
}

// not-null-without-default: an emptied table has no row to fail on.

#[test]
fn a_required_column_after_deleting_every_row_is_fine() {
    // langfuse 20240807111359 lines 77-83. Checked on PostgreSQL 15: `BEGIN; DELETE FROM t; ALTER TABLE t ADD
    // COLUMN n int NOT NULL;` succeeds on a table that had a row; without the DELETE it fails (23502).
    let good =
        "DELETE FROM \"Account\";\nALTER TABLE \"Account\" ADD COLUMN \"n\" INTEGER NOT NULL;\n";
    assert!(!has(good, "not-null-without-default"), "{:?}", rules(good));
    let truncated =
        "TRUNCATE \"Account\";\nALTER TABLE \"Account\" ADD COLUMN \"n\" INTEGER NOT NULL;\n";
    assert!(
        !has(truncated, "not-null-without-default"),
        "{:?}",
        rules(truncated)
    );
    // A DELETE with a WHERE, or one after the ADD, leaves rows.
    let bad = "DELETE FROM \"Account\" WHERE \"about\" IS NULL;\nALTER TABLE \"Account\" ADD COLUMN \"n\" INTEGER NOT NULL;\n";
    assert!(has(bad, "not-null-without-default"));
    let late =
        "ALTER TABLE \"Account\" ADD COLUMN \"n\" INTEGER NOT NULL;\nDELETE FROM \"Account\";\n";
    assert!(has(late, "not-null-without-default"));
}

// enum-value-in-transaction: only a use typed as the enum.

#[test]
fn a_trigger_argument_spelling_a_new_value_is_not_a_use_of_it() {
    // Checked on PostgreSQL 15: `BEGIN; ALTER TYPE k ADD VALUE 'C'; CREATE TRIGGER tr ... EXECUTE FUNCTION f('C');
    // COMMIT;` succeeds (the argument is text); `UPDATE t SET k = 'D'` after `ADD VALUE 'D'` fails ("unsafe use of new
    // value").
    let good = "ALTER TYPE \"Kind\" ADD VALUE 'Comment';\nCREATE TRIGGER \"tr\" AFTER INSERT ON \"Account\" FOR EACH ROW EXECUTE FUNCTION notify('Comment');\n";
    assert!(!has(good, "enum-value-in-transaction"), "{:?}", rules(good));
    let bad =
        "ALTER TYPE \"Kind\" ADD VALUE 'Comment';\nUPDATE \"Account\" SET \"kind\" = 'Comment';\n";
    assert!(lint(bad)
        .iter()
        .any(|f| f.rule == "enum-value-in-transaction" && f.line == 2));
    let cast = "ALTER TYPE \"Kind\" ADD VALUE 'Comment';\nSELECT 'Comment'::\"Kind\";\n";
    assert!(has(cast, "enum-value-in-transaction"), "{:?}", rules(cast));
}

// change-column-type: what PostgreSQL 15 changes without a rewrite.

#[test]
fn type_changes_without_a_rewrite_are_not_reported() {
    // Checked on PostgreSQL 15: the relfilenode stays the same for each of these on a table with a row.
    for change in [
        "ALTER COLUMN \"email\" TYPE TEXT USING \"email\"::TEXT",
        "ALTER COLUMN \"email\" TYPE TEXT USING (\"email\"::text)",
        "ALTER COLUMN \"address\" TYPE INET",
        "ALTER COLUMN \"at\" TYPE TIMESTAMP(6)",
        "ALTER COLUMN \"slot\" TYPE TIME(6)",
        "ALTER COLUMN \"gap\" TYPE INTERVAL(6)",
    ] {
        let sql = format!("ALTER TABLE \"Account\" {change};\n");
        assert!(
            !has(&sql, "change-column-type"),
            "{change}: {:?}",
            rules(&sql)
        );
    }
    // text -> varchar(20) checks every value and rewrites (relfilenode changed on PostgreSQL 15).
    assert!(has(
        "ALTER TABLE \"Account\" ALTER COLUMN \"about\" TYPE VARCHAR(20);\n",
        "change-column-type"
    ));
    // A USING that computes a value rewrites.
    assert!(has(
        "ALTER TABLE \"Account\" ALTER COLUMN \"email\" TYPE TEXT USING lower(\"email\");\n",
        "change-column-type"
    ));
}

#[test]
fn timestamp_to_timestamptz_says_the_rewrite_depends_on_the_time_zone() {
    // Checked on PostgreSQL 15: no rewrite with `SET TimeZone = 'UTC'`, a rewrite with 'Europe/Paris'.
    let change = finding(
        SETUP,
        "ALTER TABLE \"Account\" ALTER COLUMN \"at\" SET DATA TYPE TIMESTAMPTZ(3);\n",
        "change-column-type",
    )
    .expect("still a warning");
    assert!(
        change
            .message
            .contains("unless the session TimeZone is UTC"),
        "{}",
        change.message
    );
}

// identifier-too-long: only names that define something.

#[test]
fn long_names_that_only_refer_to_an_object_are_not_reported() {
    let long = "a".repeat(70);
    let refer = format!(
        "DROP INDEX IF EXISTS \"{long}\";\nALTER INDEX \"{long}\" RENAME TO \"short_idx\";\nALTER TABLE \"Account\" RENAME CONSTRAINT \"{long}\" TO \"short_check\";\n"
    );
    assert!(!has(&refer, "identifier-too-long"), "{:?}", rules(&refer));
    let define = format!("CREATE INDEX \"{long}\" ON \"Account\"(\"about\");\n");
    let too_long = finding(SETUP, &define, "identifier-too-long").expect("a defining name");
    // PostgreSQL 15 prints `NOTICE: identifier ... will be truncated`: not silent.
    assert!(
        !too_long.message.contains("silently"),
        "{}",
        too_long.message
    );
    assert!(too_long.message.contains("NOTICE"), "{}", too_long.message);
}

// fk-without-index and indexes on new objects.

#[test]
fn a_partial_index_on_the_non_null_keys_covers_a_foreign_key() {
    // Rows with a NULL key reference nothing, so a DELETE on the parent never looks for them.
    let sql = "ALTER TABLE \"Account\" ADD COLUMN \"ownerId\" TEXT;\nALTER TABLE \"Account\" ADD CONSTRAINT \"Account_ownerId_fkey\" FOREIGN KEY (\"ownerId\") REFERENCES \"User\"(\"id\") NOT VALID;\nCREATE INDEX CONCURRENTLY \"Account_ownerId_idx\" ON \"Account\"(\"ownerId\") WHERE \"ownerId\" IS NOT NULL;\n";
    assert!(!has(sql, "fk-without-index"), "{:?}", rules(sql));
    let other = sql.replace("WHERE \"ownerId\" IS NOT NULL", "WHERE \"about\" IS NULL");
    assert!(has(&other, "fk-without-index"), "{:?}", rules(&other));
}

#[test]
fn an_index_on_a_materialized_view_made_in_the_same_file_locks_nothing_in_use() {
    let sql = "CREATE MATERIALIZED VIEW \"stats\" AS SELECT \"id\" FROM \"Account\";\nCREATE INDEX \"stats_id_idx\" ON \"stats\"(\"id\");\n";
    assert!(
        !has(sql, "create-index-non-concurrently"),
        "{:?}",
        rules(sql)
    );
}

// missing-lock-timeout: what each lock waits for, and what to do when it times out.

#[test]
fn missing_lock_timeout_says_what_really_blocks_the_lock() {
    // Checked on PostgreSQL 15 (FACTS.md): a SELECT does not block SHARE (CREATE INDEX); it blocks ACCESS EXCLUSIVE.
    let f = finding(
        SETUP,
        "CREATE INDEX \"Account_about_idx\" ON \"Account\"(\"about\");\n",
        "missing-lock-timeout",
    )
    .expect("CREATE INDEX waits for writers");
    assert!(!f.message.contains("SELECT"), "{}", f.message);
    assert!(f.message.contains("writes"), "{}", f.message);
    assert!(
        f.help
            .as_deref()
            .unwrap_or_default()
            .contains("prisma migrate resolve --rolled-back"),
        "{:?}",
        f.help
    );
    let f = finding(
        SETUP,
        "ALTER TABLE \"Account\" ADD COLUMN \"x\" TEXT UNIQUE;\n",
        "missing-lock-timeout",
    )
    .expect("ACCESS EXCLUSIVE");
    assert!(f.message.contains("even a long SELECT"), "{}", f.message);
}

#[test]
fn a_lone_vacuum_full_is_not_told_to_add_a_set_statement() {
    // VACUUM cannot run in a transaction block, and a file of two statements is one (FACTS.md).
    let f = finding(SETUP, "VACUUM FULL \"Account\";\n", "missing-lock-timeout")
        .expect("VACUUM FULL takes ACCESS EXCLUSIVE");
    assert!(
        !f.help
            .as_deref()
            .unwrap_or_default()
            .contains("start the migration with"),
        "{:?}",
        f.help
    );
    assert!(
        f.help.as_deref().unwrap_or_default().contains("ALTER ROLE"),
        "{:?}",
        f.help
    );
    // Nor does its fix plan (support::lint keeps suggestions): a plan titled "start the migration with SET
    // lock_timeout" that adds no SET misleads.
    let (_, diagnostics) = lint_after(&Settings::default(), SETUP, &["VACUUM FULL \"Account\";\n"]);
    let d = diagnostics
        .iter()
        .find(|d| d.rule == "missing-lock-timeout")
        .expect("VACUUM FULL takes ACCESS EXCLUSIVE");
    if let Some(plan) = &d.suggestion {
        assert!(
            !plan.summary.contains("SET lock_timeout"),
            "{}",
            plan.summary
        );
    }
}

// `migrate-lint init`: the opt-in style rules are off until configured, and the template says so.

#[test]
fn init_lists_opt_in_rules_as_off() {
    let template = migrate_lint::cli::commands::init_template(std::path::Path::new("/nonexistent"));
    for rule in migrate_lint::rules::RULES {
        let line = template
            .lines()
            .find(|l| l.starts_with(&format!("# {} = ", rule.id)))
            .unwrap_or_else(|| panic!("no line for {}", rule.id));
        if rule.enabled_by_default {
            assert!(
                line.contains(&format!("\"{}\"", rule.default_severity.as_str())),
                "{line}"
            );
        } else {
            assert!(line.contains("\"off\""), "{line}");
            assert!(
                line.contains(&format!("\"{}\"", rule.default_severity.as_str())),
                "says how to enable: {line}"
            );
        }
    }
}

// Hazards from peers' test cases, with the forms that stay quiet.

#[test]
fn inline_unique_on_add_column_builds_its_index_under_access_exclusive() {
    // Checked on PostgreSQL 15 (FACTS.md): `ADD COLUMN c t UNIQUE` builds a unique index over every row.
    let bad = "ALTER TABLE \"User\" ADD COLUMN \"handle\" TEXT UNIQUE;\n";
    let f = finding(SETUP, bad, "unique-constraint-locks").expect("inline UNIQUE");
    assert!(f.message.contains("ACCESS EXCLUSIVE"), "{}", f.message);
    let new_table = "CREATE TABLE \"Tag\" (\"id\" TEXT);\nALTER TABLE \"Tag\" ADD COLUMN \"name\" TEXT UNIQUE;\n";
    assert!(
        !has(new_table, "unique-constraint-locks"),
        "{:?}",
        rules(new_table)
    );
    assert!(!has(
        "ALTER TABLE \"User\" ADD COLUMN \"handle\" TEXT;\n",
        "unique-constraint-locks"
    ));
}

#[test]
fn reindex_with_concurrently_false_is_a_plain_reindex() {
    assert!(has(
        "REINDEX (CONCURRENTLY false) TABLE \"User\";\n",
        "table-rewrite-command"
    ));
    assert!(has(
        "REINDEX (VERBOSE, CONCURRENTLY off) TABLE \"User\";\n",
        "table-rewrite-command"
    ));
    assert!(!has(
        "REINDEX (CONCURRENTLY) TABLE \"User\";\n",
        "table-rewrite-command"
    ));
    assert!(!has(
        "REINDEX (CONCURRENTLY true) TABLE \"User\";\n",
        "table-rewrite-command"
    ));
}

#[test]
fn drop_trigger_and_lock_table_take_their_locks() {
    // Checked on PostgreSQL 15 (FACTS.md): DROP TRIGGER takes ACCESS EXCLUSIVE on its table.
    let f = finding(
        SETUP,
        "DROP TRIGGER IF EXISTS \"audit\" ON \"User\";\n",
        "missing-lock-timeout",
    )
    .expect("a lock on User");
    assert!(f.message.contains("ACCESS EXCLUSIVE"), "{}", f.message);
    let f = finding(
        SETUP,
        "LOCK TABLE \"User\" IN SHARE MODE;\n",
        "missing-lock-timeout",
    )
    .expect("SHARE blocks writes");
    assert!(f.message.contains("a SHARE lock"), "{}", f.message);
    assert!(!has(
        "LOCK TABLE \"User\" IN ACCESS SHARE MODE;\n",
        "missing-lock-timeout"
    ));
}

#[test]
fn style_rules_know_every_spelling_of_their_types() {
    let mut settings = Settings::default();
    for id in ["prefer-text", "ban-char", "prefer-timestamptz"] {
        settings
            .severities
            .insert(id.to_string(), Some(Severity::Warning));
    }
    let style = |column: &str| -> Vec<&'static str> {
        let sql = format!("CREATE TABLE \"T\" (\"c\" {column});\n");
        let files = vec![SourceFile::new(
            "1_m".into(),
            "1_m".into(),
            "1_m".into(),
            sql,
        )];
        lint_history(&files, &[true], &settings)
            .diagnostics
            .into_iter()
            .map(|d| d.rule)
            .collect()
    };
    for (ty, rule) in [
        ("bpchar(2)", "ban-char"),
        ("nchar(2)", "ban-char"),
        ("pg_catalog.bpchar(2)", "ban-char"),
        ("varchar(9)[]", "prefer-text"),
        ("pg_catalog.varchar(9)", "prefer-text"),
        ("pg_catalog.timestamp(3)", "prefer-timestamptz"),
    ] {
        assert_eq!(style(ty), [rule], "{ty}");
    }
    assert!(style("pg_catalog.text").is_empty());
    // sqlparser 0.64 cannot read `national character(2)`: the statement is reported as unparsed, not guessed.
    assert_eq!(style("national character(2)"), ["unparsed-statement"]);
}

#[test]
fn a_lock_timeout_above_the_ceiling_is_as_good_as_none() {
    let long = "SET lock_timeout = '60s';\nALTER TABLE \"Account\" ADD COLUMN \"nick\" TEXT;\n";
    let f = finding(SETUP, long, "missing-lock-timeout").expect("60s is above the 10s ceiling");
    assert!(f.message.contains("60s"), "{}", f.message);
    for ok in ["'5s'", "'10s'", "10000", "'2min'"] {
        let sql = format!(
            "SET lock_timeout = {ok};\nALTER TABLE \"Account\" ADD COLUMN \"nick\" TEXT;\n"
        );
        let expect = ok == "'2min'";
        assert_eq!(has(&sql, "missing-lock-timeout"), expect, "{ok}");
    }
    // The ceiling is configurable.
    let config = migrate_lint::rules::config::parse(
        "max_lock_timeout = \"2min\"\n",
        std::path::Path::new("lint.toml"),
    )
    .expect("a duration");
    assert_eq!(config.settings.max_lock_timeout_ms, 120_000);
    let files = vec![
        SourceFile::new(
            "0_setup".into(),
            "0_setup".into(),
            "0_setup".into(),
            SETUP.to_string(),
        ),
        SourceFile::new("1_m".into(), "1_m".into(), "1_m".into(), long.to_string()),
    ];
    let result = lint_history(&files, &[false, true], &config.settings);
    assert!(!result
        .diagnostics
        .iter()
        .any(|d| d.rule == "missing-lock-timeout"));
    let bad = migrate_lint::rules::config::parse(
        "max_lock_timeout = \"soon\"\n",
        std::path::Path::new("lint.toml"),
    );
    assert!(bad.is_err_and(|e| e.contains("lint.toml:1") && e.contains("max_lock_timeout")));
}

#[test]
fn a_unique_index_over_existing_values_warns_of_duplicates_unless_a_key_rules_them_out() {
    // PostgreSQL 15: CREATE UNIQUE INDEX over rows sharing a value fails with 23505 (tests/truth.rs).
    let on_email = "CREATE UNIQUE INDEX \"Account_email_key\" ON \"Account\"(\"email\");\n";
    let f = finding(SETUP, on_email, "create-index-non-concurrently").expect("a SHARE lock");
    assert!(f.message.contains("23505"), "{}", f.message);
    // The primary key is among the columns: no two rows can share them (rallly's `("id", "poll_id")`).
    let with_key =
        "CREATE UNIQUE INDEX \"Account_id_email_key\" ON \"Account\"(\"id\", \"email\");\n";
    let f = finding(SETUP, with_key, "create-index-non-concurrently").expect("a SHARE lock");
    assert!(!f.message.contains("23505"), "{}", f.message);
}
