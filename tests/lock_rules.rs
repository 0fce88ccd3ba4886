//! Branches of the lock-safety rules beyond their pages' examples: version awareness, new-table exemptions,
//! transaction grouping, the enum swap, and suppression.

use migrate_lint::engine::lint::lint_history;
use migrate_lint::rules::diagnostic::Severity;
use migrate_lint::rules::settings::{IgnoreEntry, Settings};
use migrate_lint::syntax::source::SourceFile;

const USERS: &str = r#"CREATE TABLE "User" ("id" TEXT NOT NULL, "name" VARCHAR(10), "n" INTEGER, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));
CREATE TABLE "Post" ("id" TEXT NOT NULL, "authorId" TEXT NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));
CREATE INDEX "Post_authorId_idx" ON "Post"("authorId");
CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN', 'GUEST');
ALTER TABLE "User" ADD COLUMN "role" "Role" NOT NULL DEFAULT 'USER';
"#;

struct Found {
    rule: &'static str,
    line: usize,
    message: String,
}

fn lint_with(settings: &Settings, setup: &str, migrations: &[&str]) -> Vec<Found> {
    let mut files = vec![SourceFile::new(
        "0_setup".into(),
        "0_setup".into(),
        "0_setup".into(),
        setup.to_string(),
    )];
    for (i, text) in migrations.iter().enumerate() {
        let name = format!("{}_m", i + 1);
        files.push(SourceFile::new(
            name.clone().into(),
            name.clone(),
            name,
            text.to_string(),
        ));
    }
    let mut report = vec![true; files.len()];
    report[0] = false;
    let result = lint_history(&files, &report, settings);
    result
        .diagnostics
        .into_iter()
        .map(|d| Found {
            rule: d.rule,
            line: files[d.file].line_col(d.span.start).0,
            message: d.message,
        })
        .collect()
}

fn lint(setup: &str, migration: &str) -> Vec<Found> {
    lint_with(&Settings::default(), setup, &[migration])
}

fn rules(found: &[Found]) -> Vec<&'static str> {
    found.iter().map(|f| f.rule).collect()
}

fn version(pg: u32) -> Settings {
    Settings {
        postgres_version: pg,
        ..Settings::default()
    }
}

fn prisma(v: (u32, u32, u32)) -> Settings {
    Settings {
        prisma_version: Some(v),
        ..Settings::default()
    }
}

#[test]
fn nothing_fires_on_tables_created_in_the_same_migration() {
    let found = lint(
        USERS,
        r#"CREATE TABLE "Tag" ("id" TEXT NOT NULL, "label" VARCHAR(5), "n" INTEGER);
CREATE INDEX "Tag_label_idx" ON "Tag"("label");
ALTER TABLE "Tag" ADD CONSTRAINT "Tag_pkey" PRIMARY KEY ("id");
ALTER TABLE "Tag" ADD CONSTRAINT "Tag_label_key" UNIQUE ("label");
ALTER TABLE "Tag" ALTER COLUMN "n" SET DATA TYPE BIGINT;
ALTER TABLE "Tag" ADD COLUMN "uid" UUID NOT NULL DEFAULT gen_random_uuid();
ALTER TABLE "Tag" ADD CONSTRAINT "Tag_n_check" CHECK ("n" > 0);
INSERT INTO "Tag" SELECT "id", NULL, 1, gen_random_uuid() FROM "User";
UPDATE "Tag" SET "n" = 2;
TRUNCATE "Tag";
CLUSTER "Tag" USING "Tag_pkey";
DROP INDEX "Tag_label_idx";
"#,
    );
    assert!(found.is_empty(), "{:?}", rules(&found));
}

#[test]
fn lock_messages_name_the_mode_the_table_and_what_is_blocked() {
    let found = lint(
        USERS,
        r#"CREATE INDEX "Post_id_authorId_idx" ON "Post"("id", "authorId");
ALTER TABLE "User" ALTER COLUMN "n" SET DATA TYPE BIGINT;
"#,
    );
    let index = found
        .iter()
        .find(|f| f.rule == "create-index-non-concurrently")
        .unwrap();
    assert!(
        index.message.contains("SHARE lock on \"Post\""),
        "{}",
        index.message
    );
    assert!(
        index.message.contains("blocks all writes"),
        "{}",
        index.message
    );
    let ty = found
        .iter()
        .find(|f| f.rule == "change-column-type")
        .unwrap();
    assert!(
        ty.message.contains("ACCESS EXCLUSIVE lock on \"User\""),
        "{}",
        ty.message
    );
    assert!(
        ty.message.contains("all reads and writes"),
        "{}",
        ty.message
    );
    assert!(
        ty.message.contains("from integer to bigint"),
        "{}",
        ty.message
    );
}

#[test]
fn concurrently_depends_on_prisma_version_and_explicit_transactions() {
    let two = "CREATE INDEX CONCURRENTLY \"a\" ON \"Post\"(\"authorId\");\nCREATE INDEX CONCURRENTLY \"b\" ON \"Post\"(\"id\");\n";
    let old = lint_with(&prisma((6, 1, 0)), USERS, &[two]);
    assert_eq!(rules(&old), vec!["concurrently-in-transaction"; 2]);
    assert!(
        old[0].message.contains("Prisma 6.1.0"),
        "{}",
        old[0].message
    );
    assert!(lint_with(&prisma((7, 4, 0)), USERS, &[two]).is_empty());
    let explicit = "BEGIN;\nCREATE INDEX CONCURRENTLY \"a\" ON \"Post\"(\"authorId\");\nCOMMIT;\n";
    let found = lint_with(&prisma((7, 4, 0)), USERS, &[explicit]);
    assert_eq!(rules(&found), vec!["concurrently-in-transaction"]);
    assert!(found[0].message.contains("BEGIN"), "{}", found[0].message);
    let alone = "DROP INDEX CONCURRENTLY IF EXISTS \"a\";\n";
    assert!(lint(USERS, alone).is_empty());
}

#[test]
fn validate_in_the_same_transaction_as_not_valid_is_a_finding() {
    let add = "ALTER TABLE \"Post\" ADD CONSTRAINT \"Post_authorId_fkey\" FOREIGN KEY (\"authorId\") REFERENCES \"User\"(\"id\") NOT VALID;\n";
    let validate = "ALTER TABLE \"Post\" VALIDATE CONSTRAINT \"Post_authorId_fkey\";\n";
    let same = format!("SET lock_timeout = '5s';\n{add}{validate}");
    let found = lint(USERS, &same);
    assert_eq!(rules(&found), vec!["constraint-not-valid"]);
    assert_eq!(found[0].line, 3);
    assert!(
        found[0].message.contains("SHARE ROW EXCLUSIVE"),
        "{}",
        found[0].message
    );
    let later = lint_with(
        &Settings::default(),
        USERS,
        &[&format!("SET lock_timeout = '5s';\n{add}"), validate],
    );
    assert!(later.is_empty(), "{:?}", rules(&later));
    let check = lint(
        USERS,
        "SET lock_timeout = '5s';\nALTER TABLE \"User\" ADD CONSTRAINT \"n_positive\" CHECK (\"n\" > 0);\n",
    );
    assert_eq!(rules(&check), vec!["constraint-not-valid"]);
    assert!(
        check[0]
            .message
            .contains("ACCESS EXCLUSIVE lock on \"User\""),
        "{}",
        check[0].message
    );
}

#[test]
fn type_changes_are_judged_against_the_old_type() {
    let ok = "SET lock_timeout = '5s';\nALTER TABLE \"User\" ALTER COLUMN \"name\" SET DATA TYPE TEXT;\n";
    assert!(lint(USERS, ok).is_empty());
    // The second change starts from varchar(20), which the first one produced in this migration.
    let narrowing = "SET lock_timeout = '5s';\nALTER TABLE \"User\" ALTER COLUMN \"name\" SET DATA TYPE VARCHAR(20);\nALTER TABLE \"User\" ALTER COLUMN \"name\" SET DATA TYPE VARCHAR(15);\n";
    let found = lint(USERS, narrowing);
    assert_eq!(rules(&found), vec!["change-column-type"]);
    assert!(
        found[0].message.contains("from varchar(20) to varchar(15)"),
        "{}",
        found[0].message
    );
    let using = "SET lock_timeout = '5s';\nALTER TABLE \"User\" ALTER COLUMN \"name\" SET DATA TYPE VARCHAR(20) USING upper(\"name\");\n";
    assert_eq!(rules(&lint(USERS, using)), vec!["change-column-type"]);
    let new_column = "SET lock_timeout = '5s';\nALTER TABLE \"User\" ADD COLUMN \"x\" INTEGER;\nALTER TABLE \"User\" ALTER COLUMN \"x\" SET DATA TYPE BIGINT;\n";
    assert!(lint(USERS, new_column).is_empty());
}

#[test]
fn prisma_enum_swap_is_one_finding_naming_removed_values() {
    let swap = r#"SET lock_timeout = '5s';
BEGIN;
CREATE TYPE "Role_new" AS ENUM ('USER', 'ADMIN');
ALTER TABLE "User" ALTER COLUMN "role" DROP DEFAULT;
ALTER TABLE "User" ALTER COLUMN "role" TYPE "Role_new" USING ("role"::text::"Role_new");
ALTER TYPE "Role" RENAME TO "Role_old";
ALTER TYPE "Role_new" RENAME TO "Role";
DROP TYPE "Role_old";
ALTER TABLE "User" ALTER COLUMN "role" SET DEFAULT 'USER';
COMMIT;
"#;
    let found = lint(USERS, swap);
    assert_eq!(
        rules(&found),
        vec!["change-column-type"],
        "{:?}",
        found.iter().map(|f| &f.message).collect::<Vec<_>>()
    );
    let m = &found[0].message;
    assert!(m.contains("'GUEST'") && !m.contains("'ADMIN'"), "{m}");
    assert!(m.contains("\"User\".\"role\""), "{m}");
    assert!(m.contains("enum swap for \"Role\""), "{m}");
}

#[test]
fn prisma_legacy_enum_swap_is_one_finding_too() {
    let swap = r#"SET lock_timeout = '5s';
ALTER TYPE "Role" RENAME TO "Role_old";
CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');
ALTER TABLE "User" ALTER COLUMN "role" DROP DEFAULT;
ALTER TABLE "User" ALTER COLUMN "role" TYPE "Role" USING "role"::text::"Role";
DROP TYPE "Role_old";
"#;
    let found = lint(USERS, swap);
    assert_eq!(rules(&found), vec!["change-column-type"]);
    assert!(found[0].message.contains("'GUEST'"), "{}", found[0].message);
}

#[test]
fn volatile_default_depends_on_postgres_version() {
    let constant = "SET lock_timeout = '5s';\nALTER TABLE \"User\" ADD COLUMN \"active\" BOOLEAN NOT NULL DEFAULT true;\n";
    assert!(lint(USERS, constant).is_empty());
    assert_eq!(
        rules(&lint_with(&version(10), USERS, &[constant])),
        vec!["volatile-default"]
    );
    let serial =
        "SET lock_timeout = '5s';\nALTER TABLE \"User\" ADD COLUMN \"seq\" SERIAL NOT NULL;\n";
    assert_eq!(rules(&lint(USERS, serial)), vec!["volatile-default"]);
}

#[test]
fn enum_add_value_depends_on_version_and_use() {
    let two = "ALTER TYPE \"Role\" ADD VALUE 'EDITOR';\nALTER TYPE \"Other\" ADD VALUE 'EDITOR';\n";
    assert!(
        lint(USERS, two).is_empty(),
        "the same label in another enum is not a use"
    );
    assert_eq!(
        rules(&lint_with(&version(11), USERS, &[two])),
        vec!["enum-value-in-transaction"; 2]
    );
    let alone = "ALTER TYPE \"Role\" ADD VALUE 'EDITOR';\n";
    assert!(lint_with(&version(11), USERS, &[alone]).is_empty());
    let created_here = "CREATE TYPE \"Kind\" AS ENUM ('A');\nALTER TYPE \"Kind\" ADD VALUE 'B';\nCREATE TABLE \"K\" (\"k\" \"Kind\" DEFAULT 'B');\n";
    assert!(lint_with(&version(11), USERS, &[created_here]).is_empty());
    let used_split = lint_with(
        &Settings::default(),
        USERS,
        &[
            alone,
            "UPDATE \"User\" SET \"role\" = 'EDITOR' WHERE \"id\" = '1';\n",
        ],
    );
    assert!(used_split.is_empty(), "{:?}", rules(&used_split));
}

#[test]
fn missing_lock_timeout_is_reported_once_and_zero_does_not_count() {
    let two = "ALTER TABLE \"User\" ADD COLUMN \"a\" TEXT;\nALTER TABLE \"Post\" ADD COLUMN \"b\" TEXT;\n";
    let found = lint(USERS, two);
    assert_eq!(rules(&found), vec!["missing-lock-timeout"]);
    assert_eq!(found[0].line, 1);
    let zero = format!("SET lock_timeout = 0;\n{two}");
    assert_eq!(rules(&lint(USERS, &zero)), vec!["missing-lock-timeout"]);
    let late = format!("{two}SET lock_timeout = '1s';\n");
    assert_eq!(rules(&lint(USERS, &late)), vec!["missing-lock-timeout"]);
    let row_lock_only = "UPDATE \"User\" SET \"n\" = 1 WHERE \"id\" = 'a';\n";
    assert!(lint(USERS, row_lock_only).is_empty());
}

#[test]
fn long_lock_chain_needs_one_transaction() {
    let chain = "SET lock_timeout = '5s';\nALTER TABLE \"User\" ADD COLUMN \"a\" TEXT;\n-- migrate-lint-ignore create-index-non-concurrently: small table\nCREATE INDEX \"Post_id_authorId_idx\" ON \"Post\"(\"id\", \"authorId\");\n";
    let found = lint(USERS, chain);
    assert_eq!(rules(&found), vec!["long-lock-chain"]);
    assert_eq!(found[0].line, 4);
    assert!(found[0].message.contains("line 2"), "{}", found[0].message);
    assert!(lint_with(&prisma((7, 4, 0)), USERS, &[chain]).is_empty());
}

#[test]
fn backfill_rewrite_schema_and_identifier_rules() {
    let insert =
        "INSERT INTO \"Post\" (\"id\", \"authorId\") SELECT \"id\", \"id\" FROM \"User\";\n";
    assert_eq!(
        rules(&lint(USERS, insert)),
        vec!["data-backfill-in-migration"]
    );
    let values = "INSERT INTO \"Post\" (\"id\", \"authorId\") VALUES ('1', '1');\n";
    assert!(lint(USERS, values).is_empty());
    assert!(lint(USERS, "VACUUM \"User\";\n").is_empty());
    let analyze = lint(USERS, "VACUUM (ANALYZE) \"User\";\n");
    assert!(!rules(&analyze).contains(&"table-rewrite-command"));
    // Alone in its file: VACUUM refuses any transaction block, so a `SET lock_timeout` beside it would fail the file.
    let found = lint(USERS, "VACUUM (FULL, ANALYZE) \"User\";\n");
    assert!(rules(&found).contains(&"table-rewrite-command"));
    assert!(!rules(&found).contains(&"concurrently-in-transaction"));
    let found = lint(USERS, "SET lock_timeout = '5s';\nREINDEX TABLE \"User\";\n");
    assert_eq!(rules(&found), vec!["table-rewrite-command"]);
    assert!(lint(USERS, "CLUSTER \"User\";\n")
        .iter()
        .any(|f| f.rule == "table-rewrite-command"));
    assert_eq!(
        rules(&lint(USERS, "DROP DATABASE app;\n")),
        vec!["drop-schema-or-database"]
    );
    let at_limit = format!("CREATE TABLE \"{}\" (\"id\" TEXT);\n", "a".repeat(63));
    assert!(lint(USERS, &at_limit).is_empty());
    let over = format!("CREATE TABLE \"{}\" (\"id\" TEXT);\n", "é".repeat(32));
    assert_eq!(rules(&lint(USERS, &over)), vec!["identifier-too-long"]);
}

#[test]
fn style_rules_are_off_until_configured() {
    let table = "CREATE TABLE \"E\" (\"id\" INTEGER, \"at\" TIMESTAMP(3), \"name\" VARCHAR(9), \"code\" CHAR(2));\n";
    assert!(lint(USERS, table).is_empty());
    let mut settings = Settings::default();
    for id in [
        "prefer-bigint",
        "prefer-timestamptz",
        "prefer-text",
        "ban-char",
    ] {
        settings
            .severities
            .insert(id.to_string(), Some(Severity::Info));
    }
    let mut found = rules(&lint_with(&settings, USERS, &[table]));
    found.sort();
    assert_eq!(
        found,
        vec![
            "ban-char",
            "prefer-bigint",
            "prefer-text",
            "prefer-timestamptz"
        ]
    );
}

#[test]
fn inline_ignores_suppress_and_report_problems() {
    let drop = "SET lock_timeout = '5s';\n-- migrate-lint-ignore drop-table, truncate: archived in S3\nDROP TABLE \"Post\";\n";
    let found = lint(USERS, drop);
    assert_eq!(
        rules(&found),
        vec!["unused-ignore"],
        "truncate is not reported on DROP TABLE"
    );
    assert!(
        found[0].message.contains("`truncate`"),
        "{}",
        found[0].message
    );

    let misspelt = "SET lock_timeout = '5s';\n-- migrate-lint-ignore drop-tabel: archived\nDROP TABLE \"Post\";\n";
    let found = lint(USERS, misspelt);
    assert_eq!(rules(&found), vec!["unused-ignore", "drop-table"]);
    assert!(
        found[0].message.contains("did you mean `drop-table`"),
        "{}",
        found[0].message
    );

    let far = "-- migrate-lint-ignore drop-table: archived\nSET lock_timeout = '5s';\nDROP TABLE \"Post\";\n";
    assert_eq!(
        rules(&lint(USERS, far)),
        vec!["unused-ignore", "drop-table"],
        "only the next statement"
    );

    let file = "-- migrate-lint-ignore-file drop-table, missing-lock-timeout: both archived\nDROP TABLE \"Post\";\nDROP TABLE \"User\";\n";
    assert!(lint(USERS, file).is_empty());
    let file_no_reason =
        "-- migrate-lint-ignore-file drop-table\nSET lock_timeout = '5s';\nDROP TABLE \"Post\";\n";
    assert_eq!(
        rules(&lint(USERS, file_no_reason)),
        vec!["ignore-without-reason"]
    );
}

#[test]
fn config_ignores_drop_findings_of_one_migration_and_rule() {
    let mut settings = Settings::default();
    settings.ignores.push(IgnoreEntry {
        migration: "1_m".into(),
        rule: "drop-table".into(),
        reason: "applied long ago".into(),
    });
    let drop = "SET lock_timeout = '5s';\nDROP TABLE \"Post\";\n";
    let found = lint_with(
        &settings,
        USERS,
        &[drop, "SET lock_timeout = '5s';\nDROP TABLE \"User\";\n"],
    );
    assert_eq!(rules(&found), vec!["drop-table"]);
    assert!(found[0].message.contains("\"User\""));
}

#[test]
fn foreign_key_to_a_new_table_names_only_the_existing_table() {
    let found = lint(
        USERS,
        "SET lock_timeout = '5s';\nCREATE TABLE \"Team\" (\"id\" TEXT NOT NULL, CONSTRAINT \"Team_pkey\" PRIMARY KEY (\"id\"));\nALTER TABLE \"User\" ADD COLUMN \"teamId\" TEXT;\nCREATE INDEX \"User_teamId_idx\" ON \"User\"(\"teamId\");\nALTER TABLE \"User\" ADD CONSTRAINT \"User_teamId_fkey\" FOREIGN KEY (\"teamId\") REFERENCES \"Team\"(\"id\");\n",
    );
    let fk = found
        .iter()
        .find(|f| f.rule == "constraint-not-valid")
        .expect("finding");
    assert!(
        fk.message.contains("lock on \"User\" (it blocks"),
        "{}",
        fk.message
    );
    assert!(
        !fk.message.contains("lock on \"User\" and \"Team\""),
        "{}",
        fk.message
    );
}

/// PostgreSQL refuses VACUUM (FULL or not) in a transaction block, and a multi-statement file is one (proven in
/// tests/truth.rs).
#[test]
fn vacuum_in_a_multi_statement_file_or_a_block_fails() {
    for migration in [
        "SET lock_timeout = '5s';\nVACUUM FULL \"User\";\n",
        "SET lock_timeout = '5s';\nVACUUM \"User\";\n",
        "BEGIN;\nVACUUM (ANALYZE) \"User\";\nCOMMIT;\n",
    ] {
        assert!(
            rules(&lint(USERS, migration)).contains(&"concurrently-in-transaction"),
            "{migration}"
        );
    }
    for alone in ["VACUUM \"User\";\n", "VACUUM FULL \"User\";\n"] {
        assert!(
            !rules(&lint(USERS, alone)).contains(&"concurrently-in-transaction"),
            "{alone}"
        );
    }
}

/// CREATE TRIGGER takes SHARE ROW EXCLUSIVE on its table (proven in tests/truth.rs), whatever its form.
#[test]
fn create_trigger_needs_a_lock_timeout_on_an_existing_table() {
    for trigger in [
        r#"CREATE TRIGGER "User_touch" BEFORE UPDATE ON "User" FOR EACH ROW EXECUTE FUNCTION touch();"#,
        r#"CREATE OR REPLACE TRIGGER t AFTER INSERT OR UPDATE OF "name" ON public."User" FOR EACH ROW EXECUTE PROCEDURE touch('a');"#,
        r#"CREATE CONSTRAINT TRIGGER t AFTER INSERT ON "User" DEFERRABLE FOR EACH ROW EXECUTE FUNCTION touch();"#,
    ] {
        let found = lint(USERS, &format!("{trigger}\n"));
        let timeout: Vec<_> = found
            .iter()
            .filter(|f| f.rule == "missing-lock-timeout")
            .collect();
        assert_eq!(timeout.len(), 1, "{trigger}: {:?}", rules(&found));
        assert!(
            timeout[0]
                .message
                .contains("SHARE ROW EXCLUSIVE lock on \"User\""),
            "{}",
            timeout[0].message
        );
    }
    let new_table = "CREATE TABLE \"Log\" (\"id\" TEXT);\nCREATE TRIGGER t AFTER INSERT ON \"Log\" FOR EACH ROW EXECUTE FUNCTION touch();\n";
    assert!(lint(USERS, new_table).is_empty());
}

/// ALTER TABLE clauses and policies modelled only by their lock still need a lock_timeout when that lock blocks
/// traffic, and not when it does not (each mode checked against pg_locks in tests/truth.rs).
#[test]
fn unmodelled_table_changes_are_judged_by_their_lock() {
    for (statement, mode) in [
        (
            r#"ALTER TABLE "User" ENABLE ROW LEVEL SECURITY;"#,
            Some("ACCESS EXCLUSIVE"),
        ),
        (
            r#"ALTER TABLE "User" DISABLE TRIGGER ALL;"#,
            Some("SHARE ROW EXCLUSIVE"),
        ),
        (
            r#"ALTER TABLE "User" ALTER COLUMN "n" SET STORAGE PLAIN;"#,
            Some("ACCESS EXCLUSIVE"),
        ),
        (
            r#"CREATE POLICY "own" ON "User" USING (true);"#,
            Some("ACCESS EXCLUSIVE"),
        ),
        (
            r#"DROP POLICY IF EXISTS "own" ON "User";"#,
            Some("ACCESS EXCLUSIVE"),
        ),
        (
            r#"ALTER TABLE "User" ALTER COLUMN "n" SET STATISTICS 100;"#,
            None,
        ),
        (r#"ALTER TABLE "User" SET (fillfactor = 70);"#, None),
    ] {
        let found = lint(USERS, &format!("{statement}\n"));
        let timeout: Vec<_> = found
            .iter()
            .filter(|f| f.rule == "missing-lock-timeout")
            .collect();
        match mode {
            Some(mode) => assert!(
                timeout.len() == 1
                    && timeout[0]
                        .message
                        .contains(&format!("{mode} lock on \"User\"")),
                "{statement}: {:?}",
                found.iter().map(|f| &f.message).collect::<Vec<_>>()
            ),
            None => assert!(timeout.is_empty(), "{statement}: {:?}", rules(&found)),
        }
    }
}

#[test]
fn a_table_created_later_in_the_migration_does_not_excuse_what_came_before() {
    // "Post" still holds its rows when the index is built; only afterwards is it dropped and created anew.
    let found = lint(
        USERS,
        r#"CREATE INDEX "Post_id_idx" ON "Post"("id");
DROP TABLE "Post";
CREATE TABLE "Post" ("id" TEXT NOT NULL);
"#,
    );
    assert!(
        found
            .iter()
            .any(|f| f.rule == "create-index-non-concurrently" && f.line == 1),
        "{:?}",
        rules(&found)
    );
}
