//! `--database-url`: applied migrations read from a real `_prisma_migrations` table (started by the test harness),
//! through the command line and its JSON output.

mod support;

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::found;
use migrate_lint::input::applied::checksum::checksum_hex;
use serde_json::Value;
use sha2::{Digest, Sha256};
use support::pg::{TestPg, PRISMA_TABLE};

const INIT: &str = "CREATE TABLE \"User\" (\"id\" SERIAL NOT NULL, CONSTRAINT \"User_pkey\" PRIMARY KEY (\"id\"));\n";
const POST: &str = "CREATE TABLE \"Post\" (\"id\" SERIAL NOT NULL);\n";

#[derive(Clone, Copy, PartialEq)]
enum Row {
    Finished,
    Failed,
    RolledBack,
}

/// A database whose `_prisma_migrations` holds `rows`: (name, checksum, state).
fn database(pg: &TestPg, prefix: &str, rows: &[(&str, &str, Row)]) -> String {
    let url = pg.unique_database(prefix);
    let mut client = pg.client_for(&url);
    client.batch_execute(PRISMA_TABLE).unwrap();
    for (i, (name, checksum, state)) in rows.iter().enumerate() {
        let finished = *state == Row::Finished;
        let rolled_back = *state == Row::RolledBack;
        client
            .execute(
                "INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, finished_at, \
                 rolled_back_at, applied_steps_count) VALUES ($1, $2, $3, now(), \
                 CASE WHEN $4 THEN now() END, CASE WHEN $5 THEN now() END, 1)",
                &[&i.to_string(), checksum, name, &finished, &rolled_back],
            )
            .unwrap();
    }
    url
}

/// A project folder with `prisma/migrations/<name>/migration.sql` for each `(name, text)`.
fn project(migrations: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("prisma/migrations");
    fs::create_dir_all(&root).unwrap();
    fs::write(
        root.join("migration_lock.toml"),
        "provider = \"postgresql\"\n",
    )
    .unwrap();
    for (name, text) in migrations {
        fs::create_dir_all(root.join(name)).unwrap();
        fs::write(root.join(name).join("migration.sql"), text).unwrap();
    }
    dir
}

fn lint(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, Value, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_migrate-lint"));
    command
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .args(["--format", "json"])
        .args(args)
        .arg("prisma/migrations");
    for (k, v) in env {
        command.env(k, v);
    }
    let out = command.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let json = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    (
        out.status.code().unwrap(),
        json,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const INIT_PATH: &str = "prisma/migrations/1_init/migration.sql";
const POST_PATH: &str = "prisma/migrations/2_post/migration.sql";

#[test]
fn same_content_is_clean() {
    let Some(pg) = TestPg::shared_or_skip() else {
        return;
    };
    let url = database(
        pg,
        "same",
        &[
            ("1_init", &checksum_hex(INIT.as_bytes()), Row::Finished),
            ("2_post", &checksum_hex(POST.as_bytes()), Row::Finished),
        ],
    );
    // One file now has CRLF line endings: still the same migration for Prisma.
    let dir = project(&[("1_init", INIT), ("2_post", &POST.replace('\n', "\r\n"))]);
    let (code, json, stderr) = lint(dir.path(), &["--database-url", &url], &[]);
    assert_eq!((code, found(&json)), (0, vec![]), "{stderr}");
}

#[test]
fn edited_migration_is_reported_with_both_checksums() {
    let Some(pg) = TestPg::shared_or_skip() else {
        return;
    };
    let applied = checksum_hex(POST.as_bytes());
    let url = database(
        pg,
        "edited",
        &[
            ("1_init", &checksum_hex(INIT.as_bytes()), Row::Finished),
            ("2_post", &applied, Row::Finished),
        ],
    );
    let edited = format!("{POST}CREATE INDEX \"Post_id_idx\" ON \"Post\"(\"id\");\n");
    let dir = project(&[("1_init", INIT), ("2_post", &edited)]);
    let (code, json, _) = lint(dir.path(), &["--database-url", &url], &[]);
    assert_eq!(
        found(&json),
        vec![("edited-applied-migration".into(), POST_PATH.into(), Some(1))]
    );
    let message = json["diagnostics"][0]["message"].as_str().unwrap();
    assert!(message.contains(&applied), "{message}");
    assert!(
        message.contains(&checksum_hex(edited.as_bytes())),
        "{message}"
    );
    assert!(message.contains("(database 127.0.0.1:"), "{message}");
    assert_eq!(code, 1);
}

#[test]
fn applied_row_without_a_local_folder_is_reported() {
    let Some(pg) = TestPg::shared_or_skip() else {
        return;
    };
    let url = database(
        pg,
        "missing",
        &[
            ("1_init", &checksum_hex(INIT.as_bytes()), Row::Finished),
            ("2_post", &checksum_hex(POST.as_bytes()), Row::Finished),
        ],
    );
    let dir = project(&[("1_init", INIT)]);
    let (code, json, _) = lint(dir.path(), &["--database-url", &url], &[]);
    assert_eq!(
        found(&json),
        vec![("edited-applied-migration".into(), POST_PATH.into(), None)]
    );
    assert_eq!(code, 1);
}

#[test]
fn failed_row_blocks_deploy_and_rolled_back_rows_are_not_applied() {
    let Some(pg) = TestPg::shared_or_skip() else {
        return;
    };
    let url = database(
        pg,
        "failed",
        &[
            ("1_init", &checksum_hex(INIT.as_bytes()), Row::Finished),
            // Rolled back with other content, then edited: not applied, so not an edit.
            ("2_post", &checksum_hex(b"old attempt"), Row::RolledBack),
            ("3_index", &checksum_hex(b"whatever"), Row::Failed),
        ],
    );
    let dir = project(&[
        ("1_init", INIT),
        ("2_post", POST),
        ("3_index", "CREATE TABLE \"Tag\" (\"id\" TEXT);\n"),
    ]);
    let (code, json, _) = lint(dir.path(), &["--database-url", &url], &[]);
    assert_eq!(
        found(&json),
        vec![(
            "failed-migration".into(),
            "prisma/migrations/3_index/migration.sql".into(),
            Some(1)
        )]
    );
    let help = json["diagnostics"][0]["help"].as_str().unwrap();
    assert!(
        help.contains("prisma migrate resolve --rolled-back 3_index"),
        "{help}"
    );
    assert_eq!(code, 1);
    let (_, json, _) = lint(
        dir.path(),
        &["--database-url", &url, "--fix-suggestions"],
        &[],
    );
    let notes = json["diagnostics"][0]["suggestion"]["notes"].to_string();
    assert!(
        notes.contains("prisma migrate resolve --applied 3_index"),
        "{notes}"
    );
}

#[test]
fn legacy_unpadded_checksum_matches_and_still_detects_edits() {
    let Some(pg) = TestPg::shared_or_skip() else {
        return;
    };
    // A text whose digest has a byte below 0x10 after the first one: old Prisma wrote those with one hex digit.
    let text = (0u32..)
        .map(|n| format!("SELECT {n};\n"))
        .find(|t| {
            let d = Sha256::digest(t.as_bytes());
            d[0] >= 0x10 && d[1..].iter().any(|b| *b < 0x10)
        })
        .unwrap();
    let legacy: String = Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:x}"))
        .collect();
    assert!(legacy.len() < 64);
    let url = database(pg, "legacy", &[("1_init", &legacy, Row::Finished)]);
    let dir = project(&[("1_init", &text)]);
    let (code, json, stderr) = lint(dir.path(), &["--database-url", &url], &[]);
    assert_eq!((code, found(&json)), (0, vec![]), "{stderr}");

    fs::write(dir.path().join(INIT_PATH), format!("{text}-- edited\n")).unwrap();
    let (_, json, _) = lint(dir.path(), &["--database-url", &url], &[]);
    assert_eq!(
        found(&json),
        vec![("edited-applied-migration".into(), INIT_PATH.into(), Some(1))]
    );
}

#[test]
fn out_of_order_against_the_database() {
    let Some(pg) = TestPg::shared_or_skip() else {
        return;
    };
    let url = database(
        pg,
        "order",
        &[
            ("1_init", &checksum_hex(INIT.as_bytes()), Row::Finished),
            ("3_later", &checksum_hex(b"SELECT 1;\n"), Row::Finished),
        ],
    );
    let dir = project(&[
        ("1_init", INIT),
        ("2_post", POST),
        ("3_later", "SELECT 1;\n"),
    ]);
    let (_, json, _) = lint(dir.path(), &["--database-url", &url], &[]);
    assert_eq!(
        found(&json),
        vec![("migration-out-of-order".into(), POST_PATH.into(), Some(1))]
    );
}

#[test]
fn url_from_database_url_and_password_never_printed() {
    let Some(pg) = TestPg::shared_or_skip() else {
        return;
    };
    let url = database(
        pg,
        "password",
        &[("1_init", &checksum_hex(b"applied text\n"), Row::Finished)],
    );
    let db = url.rsplit('/').next().unwrap().to_string();
    let role = format!("linter_{}", std::process::id());
    let password = "s3cret-Pa55";
    pg.create_login_role(&role, password);
    pg.client_for(&url)
        .batch_execute(&format!("GRANT SELECT ON _prisma_migrations TO \"{role}\""))
        .unwrap();
    let dir = project(&[("1_init", INIT)]);

    // `--database-url` without a value (here before the path) reads DATABASE_URL.
    let good = pg.url_with_password(&role, password, &db);
    let (code, json, stderr) = lint(dir.path(), &["--database-url"], &[("DATABASE_URL", &good)]);
    assert_eq!(
        found(&json),
        vec![("edited-applied-migration".into(), INIT_PATH.into(), Some(1))],
        "{stderr}"
    );
    assert_eq!(code, 1);
    let all = format!("{json}{stderr}");
    assert!(!all.contains(password), "{all}");
    assert!(all.contains("database 127.0.0.1:"), "{all}");

    let bad = pg.url_with_password(&role, "wrong-Pa55", &db);
    let (code, _, stderr) = lint(dir.path(), &["--database-url", &bad], &[]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("could not connect") && !stderr.contains("wrong-Pa55"),
        "{stderr}"
    );
}

#[test]
fn database_url_flag_without_a_value_or_environment_is_an_error() {
    let dir = project(&[("1_init", INIT)]);
    let (code, _, stderr) = lint(dir.path(), &["--database-url"], &[]);
    assert_eq!(code, 2);
    assert!(stderr.contains("DATABASE_URL is not set"), "{stderr}");
}

/// #18 case 12: a `_prisma_migrations` table of 30,000 rows (none of them on disk: each a deleted migration) is read
/// and checked in linear time. Before, each row was looked up by a linear search (among the rows, then among the
/// files): minutes in a debug build. The bound is loose on purpose: a few seconds is linear, a minute is not.
#[test]
fn a_large_migrations_table_is_checked_in_linear_time() {
    let Some(pg) = TestPg::shared_or_skip() else {
        return;
    };
    let url = database(pg, "large", &[]);
    pg.client_for(&url)
        .batch_execute(
            "INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, finished_at, \
             applied_steps_count) SELECT i::text, md5(i::text) || md5(i::text), \
             '2023' || lpad(i::text, 10, '0') || '_gone', now(), now(), 1 FROM generate_series(1, 30000) i",
        )
        .unwrap();
    let dir = project(&[("20240101000000_init", INIT)]);
    let started = std::time::Instant::now();
    let (code, json, stderr) = lint(dir.path(), &["--database-url", &url], &[]);
    let took = started.elapsed();
    assert_eq!(code, 1, "{stderr}");
    let deleted = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "edited-applied-migration")
        .count();
    assert_eq!(deleted, 30_000);
    assert!(took < std::time::Duration::from_secs(20), "took {took:?}");
}
