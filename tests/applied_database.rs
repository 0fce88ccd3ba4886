//! `--database-url` against a real PostgreSQL (started by the test harness): first the `_prisma_migrations` reader
//! itself (rows, schemas, read-only session, passwords, TLS), then applied migrations through the command line and
//! its JSON output.

mod support;

use std::fs;
use std::path::Path;

use migrate_lint::input::applied::checksum::{checksum_hex, checksum_matches};
use migrate_lint::input::applied::database::{read_applied, MigrationRow};
use serde_json::Value;
use sha2::{Digest, Sha256};
use support::pg::{TestPg, PRISMA_TABLE};
use support::run::{command, found, run_command};

// The reader.

const INIT_SQL: &[u8] = b"CREATE TABLE \"User\" (id SERIAL PRIMARY KEY);\n";

/// A database holding a Prisma table with a finished, a failed and a
/// rolled-back migration (inserted out of order on purpose).
fn seeded_db(pg: &TestPg, prefix: &str) -> String {
    let url = pg.unique_database(prefix);
    let mut c = pg.client_for(&url);
    c.batch_execute(PRISMA_TABLE).unwrap();
    let rows = [
        // id, name, finished, rolled back, started
        (
            "3",
            "20240103000000_broken",
            false,
            true,
            "2024-01-03 10:00:00+00",
        ),
        (
            "1",
            "20240101000000_init",
            true,
            false,
            "2024-01-01 10:00:00+00",
        ),
        (
            "2",
            "20240102000000_failed",
            false,
            false,
            "2024-01-02 10:00:00+00",
        ),
        // Same start time as the failed one: name decides the order.
        (
            "4",
            "20240102000000_aaa",
            true,
            false,
            "2024-01-02 10:00:00+00",
        ),
    ];
    for (id, name, finished, rolled_back, started) in rows {
        c.execute(
            "INSERT INTO _prisma_migrations \
             (id, checksum, finished_at, migration_name, rolled_back_at, started_at, applied_steps_count) \
             VALUES ($1, $2, CASE WHEN $3 THEN $5::text::timestamptz END, $4, \
                     CASE WHEN $6 THEN $5::text::timestamptz END, $5::text::timestamptz, 1)",
            &[&id, &checksum_hex(INIT_SQL), &finished, &name, &started, &rolled_back],
        )
        .unwrap();
    }
    url
}

#[test]
fn reads_finished_failed_and_rolled_back_rows_in_order() {
    let Some(pg) = TestPg::shared_or_skip() else {
        return;
    };
    let url = seeded_db(pg, "applied_rows");
    let got = read_applied(&url).unwrap();
    let names: Vec<&str> = got.iter().map(|m| m.migration_name.as_str()).collect();
    assert_eq!(
        names,
        [
            "20240101000000_init",
            "20240102000000_aaa",
            "20240102000000_failed",
            "20240103000000_broken"
        ]
    );
    let init = &got[0];
    assert_eq!((init.finished, init.rolled_back), (true, false), "{init:?}");
    assert!(init.started_at.starts_with("2024-01-01"), "{init:?}");
    assert_eq!(init.checksum, checksum_hex(INIT_SQL));
    assert!(checksum_matches(&init.checksum, INIT_SQL));
    assert_eq!((got[2].finished, got[2].rolled_back), (false, false));
    assert_eq!((got[3].finished, got[3].rolled_back), (false, true));
}

#[test]
fn empty_table_is_an_empty_list() {
    let Some(pg) = TestPg::shared_or_skip() else {
        return;
    };
    let url = pg.unique_database("applied_empty");
    pg.client_for(&url).batch_execute(PRISMA_TABLE).unwrap();
    assert_eq!(read_applied(&url).unwrap(), Vec::<MigrationRow>::new());
}

#[test]
fn missing_table_is_an_error_naming_the_database() {
    let Some(pg) = TestPg::shared_or_skip() else {
        return;
    };
    let url = pg.unique_database("applied_missing");
    let db = url.rsplit('/').next().unwrap().to_string();
    let err = read_applied(&url).unwrap_err();
    assert!(
        err.starts_with(&format!("no _prisma_migrations table in {db}")),
        "{err}"
    );
    let err = read_applied(&format!("{url}?schema=nowhere")).unwrap_err();
    assert!(err.contains("no _prisma_migrations table"), "{err}");
}

#[test]
fn honours_prisma_schema_param_and_ignores_other_prisma_params() {
    let Some(pg) = TestPg::shared_or_skip() else {
        return;
    };
    let url = pg.unique_database("applied_schema");
    let mut c = pg.client_for(&url);
    c.batch_execute("CREATE SCHEMA tenant; SET search_path = tenant;")
        .unwrap();
    c.batch_execute(PRISMA_TABLE).unwrap();
    c.execute(
        "INSERT INTO tenant._prisma_migrations (id, checksum, migration_name) VALUES ('1', 'abc', 'm1')",
        &[],
    )
    .unwrap();
    let got = read_applied(&format!(
        "{url}?schema=tenant&connection_limit=3&pool_timeout=5&sslmode=disable"
    ))
    .unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].migration_name, "m1");
    assert!(!got[0].finished && !got[0].rolled_back);
    // The default schema has no table.
    assert!(read_applied(&url).is_err());
}

#[test]
fn session_is_read_only() {
    let Some(pg) = TestPg::shared_or_skip() else {
        return;
    };
    let url = pg.unique_database("applied_ro");
    let mut c = pg.client_for(&url);
    c.batch_execute(&PRISMA_TABLE.replace("\"_prisma_migrations\"", "real_migrations"))
        .unwrap();
    c.batch_execute(
        "INSERT INTO real_migrations (id, checksum, migration_name) VALUES ('1', 'abc', 'm1');
         -- The view reports the transaction mode back through the name.
         CREATE VIEW _prisma_migrations AS
           SELECT id, checksum, finished_at,
                  current_setting('transaction_read_only') || ':' || migration_name AS migration_name,
                  logs, rolled_back_at, started_at, applied_steps_count
           FROM real_migrations;",
    )
    .unwrap();
    let got = read_applied(&url).unwrap();
    assert_eq!(got[0].migration_name, "on:m1");

    // And a write attempted from inside the read fails.
    c.batch_execute(
        "CREATE TABLE side_effects (x int);
         CREATE FUNCTION sneaky_write() RETURNS text LANGUAGE plpgsql VOLATILE AS
           $$ BEGIN INSERT INTO side_effects VALUES (1); RETURN 'wrote'; END $$;
         CREATE OR REPLACE VIEW _prisma_migrations AS
           SELECT id, checksum, finished_at, sneaky_write() AS migration_name,
                  logs, rolled_back_at, started_at, applied_steps_count
           FROM real_migrations;",
    )
    .unwrap();
    let err = read_applied(&url).unwrap_err();
    assert!(err.contains("read-only transaction"), "{err}");
    let n: i64 = c
        .query_one("SELECT count(*) FROM side_effects", &[])
        .unwrap()
        .get(0);
    assert_eq!(n, 0);
}

#[test]
fn password_login_works_and_wrong_password_is_not_leaked() {
    let Some(pg) = TestPg::shared_or_skip() else {
        return;
    };
    let url = seeded_db(pg, "applied_pw");
    let db = url.rsplit('/').next().unwrap().to_string();
    let role = format!("reader_{}", std::process::id());
    let password = "Corr3ct-h0rse@battery";
    pg.create_login_role(&role, password);
    pg.client_for(&url)
        .batch_execute(&format!("GRANT SELECT ON _prisma_migrations TO \"{role}\""))
        .unwrap();

    let good = pg.url_with_password(&role, password, &db);
    assert_eq!(read_applied(&good).unwrap().len(), 4);

    let wrong = "Wr0ng-s3cret@value";
    let bad = pg.url_with_password(&role, wrong, &db);
    let err = read_applied(&bad).unwrap_err();
    assert!(err.contains("password authentication failed"), "{err}");
    assert!(
        err.contains(&format!("/{db}:")),
        "names the database: {err}"
    );
    for leaked in [wrong, "Wr0ng-s3cret%40value", password] {
        assert!(!err.contains(leaked), "{err}");
    }
}

#[test]
fn unreachable_server_error_hides_password() {
    // No server needed: a port that was just free.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("postgresql://app:Sup3rSecret@127.0.0.1:{port}/app?connect_timeout=2");
    let err = read_applied(&url).unwrap_err();
    assert!(err.contains("could not connect"), "{err}");
    assert!(err.contains(&format!("127.0.0.1:{port}/app")), "{err}");
    assert!(!err.contains("Sup3rSecret"), "{err}");
}

#[test]
fn sslmode_require_insists_on_tls() {
    let Some(pg) = TestPg::shared_or_skip() else {
        return;
    };
    let url = seeded_db(pg, "applied_tls");
    // The test server has no TLS, so a required TLS session must fail
    // instead of silently falling back to plain text.
    for mode in ["require", "verify-full"] {
        let err = read_applied(&format!("{url}?sslmode={mode}")).unwrap_err();
        assert!(err.contains("could not connect"), "{mode}: {err}");
    }
    assert_eq!(
        read_applied(&format!("{url}?sslmode=prefer"))
            .unwrap()
            .len(),
        4
    );
}

#[test]
fn private_server_starts_and_stops() {
    let Some(pg) = TestPg::start_or_skip() else {
        return;
    };
    let dir = pg.data_dir().to_path_buf();
    let port = pg.port;
    let one: i32 = pg.client().query_one("SELECT 1", &[]).unwrap().get(0);
    assert_eq!(one, 1);
    assert!(pg.log_path().exists());
    drop(pg);
    assert!(!dir.exists(), "data dir left behind");
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
        "server still listening after drop"
    );
}

/// #18 case 7: a server that accepts the connection and never answers (here a listener that never reads) is given up
/// on after the URL's connect_timeout, TLS and startup handshakes included; before, the read hung forever.
#[test]
fn a_server_that_never_answers_times_out() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    for sslmode in ["disable", "require"] {
        let url =
            format!("postgresql://app@127.0.0.1:{port}/app?connect_timeout=1&sslmode={sslmode}");
        let started = std::time::Instant::now();
        let err = read_applied(&url).unwrap_err();
        let took = started.elapsed();
        assert!(
            took < std::time::Duration::from_secs(5),
            "{sslmode}: took {took:?}"
        );
        assert!(err.contains(&format!("127.0.0.1:{port}/app")), "{err}");
        assert!(err.contains("no answer within 1 s"), "{err}");
    }
    drop(listener);
}

/// #18 case 7: a `_prisma_migrations` locked by another session (`LOCK TABLE ... ACCESS EXCLUSIVE`, as an `ALTER
/// TABLE` would) makes the read fail after the lock_timeout it sets (the URL's connect_timeout), not wait forever.
#[test]
fn a_locked_migrations_table_times_out() {
    let Some(pg) = TestPg::shared_or_skip() else {
        return;
    };
    let url = seeded_db(pg, "locked");
    let mut holder = pg.client_for(&url);
    let mut tx = holder.transaction().unwrap();
    tx.batch_execute("LOCK TABLE _prisma_migrations IN ACCESS EXCLUSIVE MODE")
        .unwrap();
    let started = std::time::Instant::now();
    let err = read_applied(&format!("{url}?connect_timeout=1")).unwrap_err();
    let took = started.elapsed();
    tx.rollback().unwrap();
    assert!(took < std::time::Duration::from_secs(5), "took {took:?}");
    assert!(err.contains("lock timeout"), "{err}");
}

// Through the command line.

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
    let mut command = command();
    command
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .args(["--format", "json"])
        .args(args)
        .arg("prisma/migrations")
        .envs(env.iter().copied());
    let run = run_command(&mut command);
    (run.code, run.json(), run.stderr)
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
/// files): 239 s in a debug build. The bound is loose on purpose (a few seconds here when idle, 26 s at a load
/// average of 20): it only tells linear from quadratic, it is no speed target.
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
    assert!(took < std::time::Duration::from_secs(90), "took {took:?}");
}
