//! `--fix-suggestions` end to end on fixtures/suggest, whose schema.prisma renames tables and columns with
//! `@@map` / `@map`: the schema edits must name the models and fields, not the SQL names.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use support::files::copy_dir;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/suggest")
}

/// Runs the binary; it must write nothing to stderr.
fn run(dir: &Path, args: &[&str]) -> (String, i32) {
    let run = support::run::run(dir, args);
    assert!(run.stderr.is_empty(), "stderr: {}", run.stderr);
    (run.stdout, run.code)
}

fn json(dir: &Path, args: &[&str]) -> Value {
    let (out, _) = run(dir, args);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

fn diagnostic<'a>(report: &'a Value, rule: &str) -> &'a Value {
    let all = report["diagnostics"].as_array().expect("diagnostics");
    let found: Vec<&Value> = all.iter().filter(|d| d["rule"] == rule).collect();
    assert_eq!(found.len(), 1, "{rule}: {found:?}");
    found[0]
}

#[test]
fn json_schema_edits_name_models_and_fields_through_map() {
    let report = json(
        &fixture(),
        &["--fix-suggestions", "--format", "json", "prisma/migrations"],
    );
    let schema = |rule: &str| diagnostic(&report, rule)["suggestion"]["schema"].clone();

    assert_eq!(
        schema("rename-without-map"),
        serde_json::json!({
            "file": "prisma/schema.prisma", "model": "User", "field": "fullName", "line": 16,
            "action": "change", "text": "fullName String? @map(\"name\")", "resolved": true
        })
    );
    assert_eq!(
        schema("fk-without-index"),
        serde_json::json!({
            "file": "prisma/schema.prisma", "model": "Post", "line": 29,
            "action": "add", "text": "@@index([authorId])", "resolved": true
        })
    );
    assert_eq!(
        schema("not-null-without-default"),
        serde_json::json!({
            "file": "prisma/schema.prisma", "model": "User", "field": "role", "line": 17,
            "action": "change", "text": "role Role @map(\"role\") @default(MEMBER)", "resolved": true
        })
    );
    let nullable = &diagnostic(&report, "not-null-without-default")["suggestion"]["alternative"];
    assert_eq!(nullable["schema"]["text"], "role Role? @map(\"role\")");
    assert_eq!(nullable["sql"].as_array().map(Vec::len), Some(5));

    // The field is already gone from schema.prisma: add it back, hidden from the client, in its model.
    let drop = &diagnostic(&report, "drop-column")["suggestion"];
    assert_eq!(drop["schema"]["model"], "User");
    assert_eq!(drop["schema"]["text"], "nickname String? @ignore");
    assert_eq!(drop["schema"]["resolved"], false);
    assert_eq!(drop["later_from"], 1);
    assert_eq!(
        drop["sql"],
        serde_json::json!([
            [
                "SET lock_timeout = '5s';",
                "ALTER TABLE \"users\" ALTER COLUMN \"nickname\" DROP NOT NULL;"
            ],
            [
                "SET lock_timeout = '5s';",
                "ALTER TABLE \"users\" DROP COLUMN \"nickname\";"
            ]
        ])
    );

    let fk_sql = &diagnostic(&report, "fk-without-index")["suggestion"]["sql"];
    assert_eq!(
        fk_sql,
        &serde_json::json!([[
            "CREATE INDEX CONCURRENTLY \"posts_author_id_idx\" ON \"posts\"(\"author_id\");"
        ]])
    );
    // set-not-null needs no schema change.
    assert!(diagnostic(&report, "set-not-null")["suggestion"]
        .get("schema")
        .is_none());
}

/// fixtures/suggest in a git repository where the first migration and the schema are committed and the second
/// migration is not: what `--fix` may rewrite.
fn uncommitted_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture(), dir.path());
    let git = |args: &[&str]| {
        let ok = Command::new("git")
            .current_dir(dir.path())
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .status()
            .unwrap()
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"]);
    git(&[
        "add",
        "prisma/schema.prisma",
        "prisma/migrations/20240101000000_init",
    ]);
    git(&["commit", "-qm", "init"]);
    dir
}

#[test]
fn human_output_shows_one_short_plan_per_uncommitted_migration() {
    let dir = uncommitted_copy();
    let (out, code) = run(
        dir.path(),
        &[
            "--fix-suggestions",
            "--severity-threshold",
            "warning",
            "prisma/migrations",
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(
        out.matches("\nfix ").count(),
        1,
        "one plan, for the uncommitted migration: {out}"
    );
    assert!(out.contains("fix 20240201000000_changes ("), "{out}");
    assert!(
        !out.contains("suggested fix"),
        "no per-finding blocks: {out}"
    );
    // The rename keeps the column: the DROP/ADD pair goes, and the field maps to the old column.
    assert!(
        out.contains(
            "-ALTER TABLE \"users\" DROP COLUMN \"name\",\n-ADD COLUMN \"full_name\" TEXT;"
        ),
        "{out}"
    );
    assert!(out.contains("+  fullName String? @map(\"name\")"), "{out}");
    // SET NOT NULL waits for a later release (backfill first); the field stays optional until then.
    assert!(
        out.contains("+  email String? @map(\"email_address\")"),
        "{out}"
    );
    assert!(
        out.contains("(script): deploy code that always writes \"email_address\""),
        "{out}"
    );
    // The contract steps are printed as later releases, never as migrations of this deploy.
    assert!(
        out.contains("(migration): once no running code reads \"users\".\"nickname\""),
        "{out}"
    );
}

#[test]
fn committed_migrations_get_no_plan() {
    let blog = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/blog");
    let (out, code) = run(&blog, &["--fix-suggestions", "prisma/migrations"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("error["),
        "the findings are still reported: {out}"
    );
    assert!(
        !out.contains("\nfix "),
        "every fixtures/blog migration is committed: {out}"
    );
}

#[test]
fn suggestions_are_shown_only_with_the_flag() {
    let (human, _) = run(&fixture(), &["prisma/migrations"]);
    assert!(!human.contains("suggested fix"), "{human}");
    assert!(!human.contains("```"), "{human}");
    let report = json(&fixture(), &["--format", "json", "prisma/migrations"]);
    for d in report["diagnostics"].as_array().unwrap() {
        assert!(d.get("suggestion").is_none(), "{d}");
    }
}

#[test]
fn without_a_schema_the_edit_uses_sql_names_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let migrations = dir.path().join("db/migrations");
    copy_dir(&fixture().join("prisma/migrations"), &migrations);
    let report = json(
        dir.path(),
        &["--fix-suggestions", "--format", "json", "db/migrations"],
    );
    let fk = &diagnostic(&report, "fk-without-index")["suggestion"];
    assert_eq!(
        fk["schema"],
        serde_json::json!({
            "model": "posts", "action": "add", "text": "@@index([author_id])", "resolved": false
        })
    );
    let notes = fk["notes"].to_string();
    assert!(notes.contains("no schema.prisma was found"), "{notes}");
    let rename = &diagnostic(&report, "rename-without-map")["suggestion"]["schema"];
    assert_eq!(rename["text"], "full_name String? @map(\"name\")");
}

/// package.json (or prisma.config.ts) may name the schema, as for schema-drift: the edits go to that file, not to
/// another schema.prisma beside the migrations.
#[test]
fn the_schema_package_json_names_gets_the_edits() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture(), dir.path());
    let prisma = dir.path().join("prisma");
    std::fs::rename(prisma.join("schema.prisma"), prisma.join("app.prisma")).unwrap();
    std::fs::write(
        prisma.join("schema.prisma"),
        "datasource db {\n  provider = \"postgresql\"\n  url = env(\"DATABASE_URL\")\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("package.json"),
        r#"{"name": "app", "prisma": {"schema": "prisma/app.prisma"}}"#,
    )
    .unwrap();
    let report = json(
        dir.path(),
        &["--fix-suggestions", "--format", "json", "prisma/migrations"],
    );
    assert_eq!(
        diagnostic(&report, "fk-without-index")["suggestion"]["schema"],
        serde_json::json!({
            "file": "prisma/app.prisma", "model": "Post", "line": 29,
            "action": "add", "text": "@@index([authorId])", "resolved": true
        })
    );
}
