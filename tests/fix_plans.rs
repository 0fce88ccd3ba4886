//! The shape of `--fix` plans on the Prisma-generated scenarios of fixtures/fix, read from `--fix-suggestions --format
//! json` (no database needed). tests/fix.rs proves the same plans with Prisma and PostgreSQL; these pin what the
//! plans say: which folders, which schema lines, which steps wait for a later release.

mod support;

use std::fs;

use serde_json::Value;
use support::fix_project::{fixtures, lint, project};

/// The plan for the scenario's uncommitted migration.
fn plan(scenario: &str) -> Value {
    plan_if_any(scenario).expect("plans")
}

/// The plan, unless the migration has nothing to fix.
fn plan_if_any(scenario: &str) -> Option<Value> {
    let dir = project(scenario);
    let (code, stdout, stderr) = lint(
        dir.path(),
        &[
            "--fix-suggestions",
            "--format",
            "json",
            "--severity-threshold",
            "warning",
        ],
    );
    assert!(code != 2, "{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let plans = report["plans"].as_array()?.clone();
    assert_eq!(
        plans.len(),
        1,
        "one plan, for the one uncommitted migration"
    );
    assert_eq!(plans[0]["migration"], format!("20240201000000_{scenario}"));
    Some(plans[0].clone())
}

fn folders(plan: &Value) -> Vec<(String, String)> {
    plan["replacement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["name"].as_str().unwrap().to_string(),
                m["sql"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The SQL of each folder of the scenario's plan.
fn folder_sql(scenario: &str) -> Vec<String> {
    folders(&plan(scenario))
        .into_iter()
        .map(|(_, sql)| sql)
        .collect()
}

fn schema_lines(plan: &Value) -> Vec<String> {
    plan["schema"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["insert"].as_array().unwrap().clone())
        .map(|l| l.as_str().unwrap().trim().to_string())
        .collect()
}

/// How many statements a migration.sql holds (its comments aside).
fn statements(sql: &str) -> usize {
    sql.lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .map(|l| l.matches(';').count())
        .sum()
}

#[test]
fn field_rename_maps_the_field_and_drops_nothing() {
    let plan = plan("rename_field");
    // The DROP/ADD pair and the index rebuilt around it all go: the migration is empty, so it is deleted.
    assert_eq!(folders(&plan), vec![]);
    assert_eq!(schema_lines(&plan), ["fullName String? @map(\"name\")"]);
    assert_eq!(plan["later"], serde_json::json!([]));
}

#[test]
fn model_rename_removes_the_whole_block_with_the_foreign_key_drops() {
    let plan = plan("rename_model");
    assert_eq!(
        folders(&plan),
        vec![],
        "DROP CONSTRAINT, DROP TABLE, CREATE TABLE, its index and foreign key: nothing is left"
    );
    assert_eq!(schema_lines(&plan), ["@@map(\"Profile\")"]);
}

#[test]
fn dropped_field_is_ignored_now_and_dropped_in_a_later_release() {
    let plan = plan("drop_field");
    assert_eq!(folders(&plan), vec![]);
    assert_eq!(schema_lines(&plan), ["bio String? @ignore"]);
    let later = plan["later"].as_array().unwrap();
    assert_eq!(later.len(), 1);
    assert_eq!(later[0]["kind"], "migration");
    assert!(later[0]["sql"]
        .as_str()
        .unwrap()
        .contains("ALTER TABLE \"User\" DROP COLUMN \"bio\";"));
}

#[test]
fn optional_to_required_waits_for_a_batched_backfill_in_a_later_release() {
    let plan = plan("optional_to_required");
    assert_eq!(
        folders(&plan),
        vec![],
        "SET NOT NULL would fail on the NULL rows"
    );
    assert_eq!(schema_lines(&plan), ["name String?"]);
    let later = plan["later"].as_array().unwrap();
    assert_eq!(later[0]["kind"], "script");
    let script = later[0]["sql"].as_str().unwrap();
    assert!(
        script.contains("LIMIT 1000") && script.contains("WHERE \"name\" IS NULL"),
        "{script}"
    );
    assert_eq!(later[1]["kind"], "migration");
    let migration = later[1]["sql"].as_str().unwrap();
    assert!(migration.contains("NOT VALID") && migration.contains("VALIDATE CONSTRAINT"));
}

#[test]
fn required_field_without_default_gets_a_constant_default_in_sql_and_schema() {
    let plan = plan("required_without_default");
    let folders = folders(&plan);
    assert_eq!(folders.len(), 1);
    assert_eq!(
        folders[0].1,
        "SET lock_timeout = '5s';\n-- AlterTable\nALTER TABLE \"User\" ADD COLUMN     \"nickname\" TEXT NOT NULL DEFAULT '';\n"
    );
    assert_eq!(schema_lines(&plan), ["nickname String @default(\"\")"]);
}

#[test]
fn relation_without_index_gets_not_valid_a_concurrent_index_and_a_separate_validate() {
    let plan = plan("relation_without_index");
    let names: Vec<String> = folders(&plan).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [
            "20240201000000_relation_without_index",
            "20240201000001_relation_without_index_2",
            "20240201000002_relation_without_index_3"
        ]
    );
    let sql: Vec<String> = folders(&plan).into_iter().map(|(_, s)| s).collect();
    assert!(sql[0].ends_with("ON DELETE SET NULL ON UPDATE CASCADE NOT VALID;\n"));
    assert_eq!(
        sql[1],
        "CREATE INDEX CONCURRENTLY \"Post_editorId_idx\" ON \"Post\"(\"editorId\");\n"
    );
    assert_eq!(
        sql[2],
        "SET lock_timeout = '5s';\nALTER TABLE \"Post\" VALIDATE CONSTRAINT \"Post_editorId_fkey\";\n"
    );
    assert_eq!(schema_lines(&plan), ["@@index([editorId])"]);
}

#[test]
fn prismas_incompatible_type_change_becomes_a_new_column_a_backfill_and_a_later_switch() {
    let plan = plan("incompatible_type_change");
    let folders = folders(&plan);
    assert_eq!(folders.len(), 1);
    assert!(
        !folders[0].1.contains("DROP COLUMN"),
        "no data is dropped: {}",
        folders[0].1
    );
    assert!(folders[0]
        .1
        .contains("ALTER TABLE \"User\" ADD COLUMN \"rating_new\" integer;"));
    assert_eq!(
        schema_lines(&plan),
        ["rating    String?", "ratingNew Int? @map(\"rating_new\")"]
    );
    let kinds: Vec<&str> = plan["later"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["script", "schema", "migration"]);
}

#[test]
fn int_to_bigint_expands_instead_of_rewriting_the_table() {
    let plan = plan("int_to_bigint");
    let sql = &folders(&plan)[0].1;
    assert!(!sql.contains("SET DATA TYPE"), "{sql}");
    assert!(sql.contains("ADD COLUMN \"views_new\" bigint;"), "{sql}");
    assert_eq!(
        schema_lines(&plan),
        [
            "views     Int      @default(0)",
            "viewsNew BigInt? @map(\"views_new\")"
        ]
    );
}

#[test]
fn enum_value_removal_keeps_the_value_until_rows_move() {
    let plan = plan("enum_value_removal");
    assert_eq!(
        folders(&plan),
        vec![],
        "the whole swap block, BEGIN to COMMIT, leaves"
    );
    assert!(schema_lines(&plan).contains(&"GUEST".to_string()));
    let later = plan["later"].as_array().unwrap();
    assert_eq!(later[0]["kind"], "script");
    assert!(later[1]["sql"]
        .as_str()
        .unwrap()
        .contains("CREATE TYPE \"Role_new\""));
}

#[test]
fn enum_value_added_and_used_gets_a_folder_for_the_value() {
    let plan = plan("enum_value_added_and_used");
    let folders = folders(&plan);
    assert_eq!(folders.len(), 2);
    assert_eq!(
        folders[0].1,
        "-- AlterEnum\nALTER TYPE \"Role\" ADD VALUE 'OWNER';\n"
    );
    assert!(folders[1].1.contains("SET DEFAULT 'OWNER'"));
}

#[test]
fn fix_outside_git_without_a_database_refuses_and_writes_nothing() {
    let dir = project("drop_field");
    fs::remove_dir_all(dir.path().join(".git")).unwrap();
    let before = fs::read_to_string(dir.path().join("prisma/schema.prisma")).unwrap();
    let (code, _, stderr) = lint(dir.path(), &["--fix"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("--fix needs to know which migrations are applied"),
        "{stderr}"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("prisma/schema.prisma")).unwrap(),
        before
    );
    assert!(dir
        .path()
        .join("prisma/migrations/20240201000000_drop_field/migration.sql")
        .is_file());
}

#[test]
fn warnings_are_fixed_only_at_the_warning_threshold() {
    let dir = project("index_on_existing_table");
    let migration = dir
        .path()
        .join("prisma/migrations/20240201000000_index_on_existing_table/migration.sql");
    let before = fs::read_to_string(&migration).unwrap();
    let (code, _, stderr) = lint(dir.path(), &["--fix"]);
    assert_eq!(
        code, 0,
        "the default threshold is error: nothing to fix: {stderr}"
    );
    assert_eq!(fs::read_to_string(&migration).unwrap(), before);
}

#[test]
fn a_migration_recorded_in_the_database_is_never_rewritten() {
    use support::pg::{TestPg, PRISMA_TABLE};
    let Some(pg) = TestPg::shared_or_skip() else {
        return;
    };
    let dir = project("drop_field");
    // Not in git at all: only the database says what is applied, and it lists the new migration.
    fs::remove_dir_all(dir.path().join(".git")).unwrap();
    let url = pg.unique_database("fix_applied");
    let mut client = pg.client_for(&url);
    client.batch_execute(PRISMA_TABLE).unwrap();
    client
        .batch_execute(
            "INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, finished_at, applied_steps_count) \
             VALUES ('1', 'x', '20240201000000_drop_field', now(), now(), 1)",
        )
        .unwrap();
    let migration = dir
        .path()
        .join("prisma/migrations/20240201000000_drop_field/migration.sql");
    let before = fs::read_to_string(&migration).unwrap();
    let (code, _, stderr) = lint(dir.path(), &["--fix", "--database-url", &url]);
    assert_eq!(code, 1, "the drop stays, and so does its error: {stderr}");
    assert!(!stderr.contains("fixed "), "{stderr}");
    assert_eq!(fs::read_to_string(&migration).unwrap(), before);

    // The same migration, not recorded: the database alone lets --fix rewrite it.
    client
        .batch_execute("DELETE FROM _prisma_migrations")
        .unwrap();
    let (code, _, stderr) = lint(dir.path(), &["--fix", "--database-url", &url]);
    assert!(
        stderr.contains("fixed 20240201000000_drop_field"),
        "{stderr}"
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(!migration.exists());
    let schema = fs::read_to_string(dir.path().join("prisma/schema.prisma")).unwrap();
    assert!(schema.contains("  bio String? @ignore\n"), "{schema}");
}

/// The plan of `sql` after `before` (replayed), for findings of `rule` on the statement at `line`.
fn built(before: &str, sql: &str, rule: &'static str, at: &str) -> migrate_lint::fix::build::Built {
    built_in(&Default::default(), before, sql, rule, at)
}

/// [`built`] in a project: with Prisma, or with names its migrations use as constraints.
fn built_in(
    project: &migrate_lint::fix::build::Project,
    before: &str,
    sql: &str,
    rule: &'static str,
    at: &str,
) -> migrate_lint::fix::build::Built {
    use migrate_lint::catalog::Catalog;
    use migrate_lint::engine::lint::analyze;
    use migrate_lint::fix::build::{build, FixFinding};
    use migrate_lint::syntax::source::SourceFile;
    let file =
        |text: &str| SourceFile::new("m.sql".into(), "m.sql".into(), "m".into(), text.to_string());
    let mut catalog = Catalog::default();
    for op in analyze(&file(before)).ops {
        catalog.apply(&op, 0);
    }
    let analyzed = analyze(&file(sql));
    let start = sql.find(at).unwrap();
    let statements: Vec<_> = analyzed.statements.iter().map(|s| s.span.clone()).collect();
    let finding = FixFinding {
        rule,
        span: start..start + at.len(),
        line: 1,
        suggestion: None,
    };
    build(
        sql,
        &statements,
        &analyzed.ops,
        &catalog,
        project,
        &[finding],
    )
}

#[test]
fn a_type_change_reported_on_prismas_add_column_is_expanded_the_same_way() {
    let before = "CREATE TABLE \"User\" (\"id\" SERIAL NOT NULL, \"rating\" TEXT, CONSTRAINT \"User_pkey\" PRIMARY KEY (\"id\"));";
    let sql = "ALTER TABLE \"User\" DROP COLUMN \"rating\",\nADD COLUMN     \"rating\" INTEGER;\n";
    for (rule, at) in [
        ("change-column-type", "ADD COLUMN     \"rating\" INTEGER"),
        ("change-column-type", "DROP COLUMN \"rating\""),
        ("drop-column", "DROP COLUMN \"rating\""),
    ] {
        let plan = built(before, sql, rule, at);
        assert_eq!(
            plan.folders,
            ["SET lock_timeout = '5s';\nALTER TABLE \"User\" ADD COLUMN \"rating_new\" integer;\n"],
            "{rule} at {at}"
        );
        assert!(plan.fixes.contains(rule));
        assert_eq!(plan.later.len(), 3, "backfill, switch, drop");
    }
}

#[test]
fn findings_without_an_automatic_fix_stay_and_are_listed() {
    let dir = project("drop_field");
    let migration = dir
        .path()
        .join("prisma/migrations/20240201000000_drop_field/migration.sql");
    fs::write(
        &migration,
        "-- AlterTable\nALTER TABLE \"User\" DROP COLUMN \"bio\";\n\nTRUNCATE \"Post\";\n",
    )
    .unwrap();
    let (code, _, stderr) = lint(dir.path(), &["--fix"]);
    assert_eq!(code, 1, "the TRUNCATE error is left: {stderr}");
    assert!(
        stderr.contains("  not fixed: truncate (line 4)"),
        "{stderr}"
    );
    assert_eq!(
        fs::read_to_string(&migration).unwrap(),
        "SET lock_timeout = '5s';\nTRUNCATE \"Post\";\n",
        "the drop is fixed all the same, and what is left locks an existing table"
    );
}

#[test]
fn a_required_unique_column_gets_no_default_since_no_single_value_fits() {
    let before = "CREATE TABLE \"User\" (\"id\" SERIAL NOT NULL, CONSTRAINT \"User_pkey\" PRIMARY KEY (\"id\"));";
    let sql = "ALTER TABLE \"User\" ADD COLUMN \"email\" TEXT NOT NULL UNIQUE;\n";
    let plan = built(before, sql, "not-null-without-default", "ADD COLUMN");
    assert!(plan.fixes.is_empty());
    assert_eq!(plan.unfixed, ["not-null-without-default (line 1)"]);
}

/// Prisma turns `key String @unique` into `@id`: the key's index is built CONCURRENTLY alone, then attached.
#[test]
fn primary_key_on_a_not_null_column_is_built_concurrently_then_attached() {
    let plan = plan("primary_key");
    let sql = folder_sql("primary_key");
    assert_eq!(
        sql,
        [
            "CREATE UNIQUE INDEX CONCURRENTLY \"Flag_pkey\" ON \"Flag\"(\"key\");\n",
            "SET lock_timeout = '5s';\n-- AlterTable\nALTER TABLE \"Flag\" ADD CONSTRAINT \"Flag_pkey\" PRIMARY KEY USING INDEX \"Flag_pkey\";\n",
            "-- DropIndex\nDROP INDEX CONCURRENTLY \"Flag_key_key\";\n",
        ]
    );
    assert_eq!(schema_lines(&plan), Vec::<String>::new());
    assert_eq!(plan["later"], serde_json::json!([]));
}

/// `@@id([key, scope])` with `scope` optional before: the key waits for a later release (NULLs would fail it), and
/// nothing is written now.
#[test]
fn primary_key_on_a_nullable_column_waits_for_a_backfill_and_a_proven_not_null() {
    let plan = plan("primary_key_nullable");
    assert_eq!(folders(&plan), vec![], "nothing is left to run now");
    let changes: Vec<(u64, u64, Vec<String>)> = plan["schema"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["line"].as_u64().unwrap(),
                c["remove"].as_u64().unwrap(),
                serde_json::from_value(c["insert"].clone()).unwrap(),
            )
        })
        .collect();
    assert_eq!(
        changes,
        [
            (58, 1, vec!["  scope String?".to_string()]),
            (61, 1, vec![])
        ],
        "the field stays optional and the @@id leaves"
    );
    let later = plan["later"].as_array().unwrap();
    assert_eq!(later[0]["kind"], "script");
    assert!(later[0]["sql"]
        .as_str()
        .unwrap()
        .contains("WHERE \"scope\" IS NULL LIMIT 1000"));
    let migrations: Vec<&str> = later[1]["sql"]
        .as_str()
        .unwrap()
        .split("-- next migration\n")
        .collect();
    assert_eq!(
        migrations,
        [
            "SET lock_timeout = '5s';\nALTER TABLE \"Flag\" ADD CONSTRAINT \"Flag_scope_not_null\" CHECK (\"scope\" IS NOT NULL) NOT VALID;\n",
            "ALTER TABLE \"Flag\" VALIDATE CONSTRAINT \"Flag_scope_not_null\";\n",
            "SET lock_timeout = '5s';\nALTER TABLE \"Flag\" ALTER COLUMN \"scope\" SET NOT NULL;\nALTER TABLE \"Flag\" DROP CONSTRAINT \"Flag_scope_not_null\";\n",
            "CREATE UNIQUE INDEX CONCURRENTLY \"Flag_pkey\" ON \"Flag\"(\"key\", \"scope\");\n",
            "SET lock_timeout = '5s';\nALTER TABLE \"Flag\" ADD CONSTRAINT \"Flag_pkey\" PRIMARY KEY USING INDEX \"Flag_pkey\";",
        ]
    );
    let fixes: Vec<&str> = plan["fixes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert_eq!(
        fixes,
        ["missing-lock-timeout", "primary-key-locks", "set-not-null"]
    );
}

/// In a Prisma project the unique key ends as the index alone, named as the constraint was (Prisma's
/// `<Table>_<cols>_key`): Prisma writes `@unique` so, and its `DROP INDEX` for a removed `@unique` would fail on an
/// index a constraint owns (tests/fix.rs runs that next migration).
#[test]
fn unique_constraint_is_an_index_built_concurrently_alone_in_a_prisma_project() {
    let sql = folder_sql("unique_constraint");
    assert_eq!(
        sql,
        ["CREATE UNIQUE INDEX CONCURRENTLY \"Tag_name_key\" ON \"Tag\"(\"name\");\n"]
    );
}

/// Without Prisma, or where a migration drops or renames the name as a constraint, the index is attached as the
/// constraint the SQL wrote (`DROP CONSTRAINT` refuses a bare index on PostgreSQL 15).
#[test]
fn unique_constraint_is_attached_where_the_sql_needs_a_constraint() {
    use migrate_lint::fix::build::Project;
    let before = r#"CREATE TABLE "Tag" ("id" SERIAL NOT NULL, "name" TEXT NOT NULL, CONSTRAINT "Tag_pkey" PRIMARY KEY ("id"));"#;
    let sql = "ALTER TABLE \"Tag\" ADD CONSTRAINT \"Tag_name_key\" UNIQUE (\"name\");\n";
    let index = "CREATE UNIQUE INDEX CONCURRENTLY \"Tag_name_key\" ON \"Tag\"(\"name\");\n";
    let attached = [
        index,
        "SET lock_timeout = '5s';\nALTER TABLE \"Tag\" ADD CONSTRAINT \"Tag_name_key\" UNIQUE USING INDEX \"Tag_name_key\";\n",
    ];
    let plain = built(before, sql, "unique-constraint-locks", "ADD CONSTRAINT");
    assert_eq!(plain.folders, attached);
    let prisma = Project {
        prisma: true,
        ..Project::default()
    };
    let alone = built_in(
        &prisma,
        before,
        sql,
        "unique-constraint-locks",
        "ADD CONSTRAINT",
    );
    assert_eq!(alone.folders, [index]);
    let dropped_as_constraint = Project {
        prisma: true,
        constraints_named: [("Tag".to_string(), "Tag_name_key".to_string())].into(),
    };
    let kept = built_in(
        &dropped_as_constraint,
        before,
        sql,
        "unique-constraint-locks",
        "ADD CONSTRAINT",
    );
    assert_eq!(kept.folders, attached);
}

/// In a multi-file schema (prisma/schema/*.prisma, migrations inside), each edit goes to its model's file.
#[test]
fn multi_file_schema_edits_the_file_of_each_model() {
    let plan = plan("multi_file_schema");
    let edits: Vec<(String, String)> = plan["schema"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| {
            let file = c["file"].as_str().unwrap().to_string();
            c["insert"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |l| (file.clone(), l.as_str().unwrap().trim().to_string()))
        })
        .collect();
    assert_eq!(
        edits,
        [
            (
                "prisma/schema/post.prisma".to_string(),
                "slug String? @ignore".to_string()
            ),
            (
                "prisma/schema/user.prisma".to_string(),
                "rating String?".to_string()
            ),
            (
                "prisma/schema/user.prisma".to_string(),
                "ratingNew Int? @map(\"rating_new\")".to_string()
            ),
        ]
    );
}

/// Over every scenario: each written folder sets lock_timeout at most once (and first), a CONCURRENTLY statement is
/// alone in its folder, and no step of a later release is written.
#[test]
fn every_plan_keeps_lock_timeout_once_concurrently_alone_and_later_steps_unwritten() {
    let mut scenarios: Vec<String> = fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.path().join("migration.sql").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    scenarios.sort();
    assert!(scenarios.len() >= 35);
    for scenario in &scenarios {
        let Some(plan) = plan_if_any(scenario) else {
            continue;
        };
        let written = folders(&plan);
        for (name, sql) in &written {
            let count = sql.matches("lock_timeout").count();
            assert!(count <= 1, "{scenario}/{name}: {sql}");
            if count == 1 {
                assert!(
                    sql.starts_with("SET lock_timeout"),
                    "{scenario}/{name}: {sql}"
                );
            }
            if sql.contains("CONCURRENTLY") {
                assert_eq!(statements(sql), 1, "{scenario}/{name}: {sql}");
            }
        }
        for step in plan["later"].as_array().unwrap() {
            let Some(sql) = step["sql"].as_str() else {
                continue;
            };
            for statement in sql
                .lines()
                .filter(|l| !l.starts_with("--") && !l.starts_with("SET lock_timeout"))
                .filter(|l| !["BEGIN;", "COMMIT;"].contains(&l.trim()))
            {
                assert!(
                    written.iter().all(|(_, w)| !w.contains(statement)),
                    "{scenario}: the later step `{statement}` is written now"
                );
            }
        }
    }
}

/// long-lock-chain (its page's bad example, the index build's own finding ignored): the slow statement moves to a
/// folder of its own, so it no longer runs while the earlier ACCESS EXCLUSIVE lock is held (its own SHARE lock gets
/// its lock_timeout).
#[test]
fn a_long_lock_chain_is_broken_by_a_folder_of_its_own() {
    let before = r#"CREATE TABLE "User" ("id" TEXT NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));
CREATE TABLE "Post" ("id" TEXT NOT NULL, "authorId" TEXT NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));
"#;
    let sql = r#"SET lock_timeout = '5s';
ALTER TABLE "User" ADD COLUMN "nickname" TEXT;
-- migrate-lint-ignore create-index-non-concurrently: Post is small, its index builds in milliseconds
CREATE INDEX "Post_authorId_idx" ON "Post"("authorId");
"#;
    let plan = built(before, sql, "long-lock-chain", "CREATE INDEX");
    assert_eq!(plan.unfixed, Vec::<String>::new());
    assert_eq!(
        plan.folders,
        [
            "SET lock_timeout = '5s';\nALTER TABLE \"User\" ADD COLUMN \"nickname\" TEXT;\n",
            "SET lock_timeout = '5s';\n-- migrate-lint-ignore create-index-non-concurrently: Post is small, its index builds in milliseconds\nCREATE INDEX \"Post_authorId_idx\" ON \"Post\"(\"authorId\");\n",
        ]
    );
    // Inside an explicit BEGIN/COMMIT, a folder of its own would split the transaction: no automatic fix.
    let wrapped = format!("BEGIN;\n{sql}COMMIT;\n");
    let plan = built(before, &wrapped, "long-lock-chain", "CREATE INDEX");
    assert_eq!(plan.unfixed, ["long-lock-chain (line 1)"]);
}

/// `@id` becomes `@@id([id, userId])`: Prisma drops and re-adds `Profile_pkey`, so the new index is built under a
/// temporary name, which ADD CONSTRAINT ... USING INDEX renames to the key's (one statement, checked on PostgreSQL 15).
#[test]
fn a_changed_primary_key_builds_its_index_under_a_temporary_name() {
    let sql = folder_sql("primary_key_change");
    assert_eq!(
        sql,
        [
            "CREATE UNIQUE INDEX CONCURRENTLY \"Profile_id_userId_pkey_new\" ON \"Profile\"(\"id\", \"userId\");\n",
            "SET lock_timeout = '5s';\n-- AlterTable\nALTER TABLE \"Profile\" DROP CONSTRAINT \"Profile_pkey\",\nADD CONSTRAINT \"Profile_pkey\" PRIMARY KEY USING INDEX \"Profile_id_userId_pkey_new\";\n",
        ]
    );
}

/// `ADD COLUMN "handle" TEXT UNIQUE` (a hand edit): the column comes without UNIQUE, then its index CONCURRENTLY
/// alone, named `User_handle_key` as PostgreSQL and Prisma name it; in this Prisma project it stays an index (see
/// above), and without Prisma it is attached as the constraint the SQL wrote.
#[test]
fn an_inline_unique_column_gets_its_index_concurrently() {
    let sql = folder_sql("unique_inline_column");
    let column = "SET lock_timeout = '5s';\n-- AlterTable\nALTER TABLE \"User\" ADD COLUMN     \"handle\" TEXT;\n";
    let index = "CREATE UNIQUE INDEX CONCURRENTLY \"User_handle_key\" ON \"User\"(\"handle\");\n";
    assert_eq!(sql, [column, index]);

    let before =
        r#"CREATE TABLE "User" ("id" SERIAL NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));"#;
    let sql = "-- AlterTable\nALTER TABLE \"User\" ADD COLUMN     \"handle\" TEXT UNIQUE;\n";
    let plain = built(before, sql, "unique-constraint-locks", "ADD COLUMN");
    assert_eq!(
        plain.folders,
        [
            column,
            index,
            "SET lock_timeout = '5s';\nALTER TABLE \"User\" ADD CONSTRAINT \"User_handle_key\" UNIQUE USING INDEX \"User_handle_key\";\n",
        ]
    );
}

/// transaction-control-in-migration: the file loses its BEGIN / COMMIT / ROLLBACK, as the rule's suggestion says,
/// and runs as the one transaction Prisma gives it.
#[test]
fn transaction_control_leaves_the_file() {
    let before =
        r#"CREATE TABLE "User" ("id" TEXT NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));"#;
    let sql = "SET lock_timeout = '5s';\nALTER TABLE \"User\" ADD COLUMN \"a\" TEXT;\nCOMMIT;\nALTER TABLE \"User\" ADD COLUMN \"b\" TEXT;\n";
    let plan = built(before, sql, "transaction-control-in-migration", "COMMIT");
    assert_eq!(plan.unfixed, Vec::<String>::new());
    assert_eq!(
        plan.folders,
        ["SET lock_timeout = '5s';\nALTER TABLE \"User\" ADD COLUMN \"a\" TEXT;\nALTER TABLE \"User\" ADD COLUMN \"b\" TEXT;\n"]
    );
}

/// Every migration with a finding is committed at HEAD: no migration may be rewritten, and the human report says so in
/// one line instead of printing no plan at all. JSON keeps its shape (no plan, no such line).
#[test]
fn no_plan_when_the_migrations_with_findings_are_committed_says_so() {
    let dir = project("unique_constraint");
    support::files::git(dir.path(), &["add", "-A"]);
    support::files::git(dir.path(), &["commit", "-qm", "unique"]);
    let args = ["--fix-suggestions", "--severity-threshold", "warning"];
    let (code, stdout, stderr) = lint(dir.path(), &args);
    assert_eq!(code, 1, "{stderr}");
    let said: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("no fix plan"))
        .collect();
    assert_eq!(
        said,
        ["no fix plan: the 1 migration with findings is already applied (git ref HEAD); a fix goes in a new migration"],
        "{stdout}"
    );
    let (_, json, _) = lint(dir.path(), &[&args[..], &["--format", "json"]].concat());
    assert!(!json.contains("no fix plan"), "{json}");
    let report: Value = serde_json::from_str(&json).unwrap();
    assert!(
        report["plans"].as_array().is_none_or(Vec::is_empty),
        "{json}"
    );

    // With a plan to show, or no finding to fix, the line is not printed.
    let fresh = project("unique_constraint");
    let (_, stdout, _) = lint(fresh.path(), &args);
    assert!(!stdout.contains("no fix plan"), "{stdout}");
    let (_, stdout, _) = lint(dir.path(), &["--fix-suggestions"]);
    assert!(!stdout.contains("no fix plan"), "{stdout}");
}
