//! The `_prisma_migrations` reader against a real PostgreSQL: rows, schemas, read-only session, passwords, TLS.

mod support;

use migrate_lint::input::applied::checksum::{checksum_hex, checksum_matches};
use migrate_lint::input::applied::database::{read_applied, MigrationRow};
use support::pg::{TestPg, PRISMA_TABLE};

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
