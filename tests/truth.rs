//! The truth suite: every runtime claim a rule makes (a lock mode, what it blocks, a rewrite, a scan, a failure) is
//! observed on a real PostgreSQL, and the rule's message is checked to say what was observed. Every fix suggestion is
//! then run the way Prisma runs migrations (each file as one simple-query batch) against a database holding rows.
//!
//! Locks are observed by running the migration inside `BEGIN` on one connection and reading `pg_locks` for that
//! backend from another; what they block is probed from a third connection with a short `lock_timeout`. Rewrites are
//! `pg_relation_filenode` changes; scans are `seq_scan` deltas in `pg_stat_xact_user_tables` of the migrating
//! transaction. `CLAIMS` below is both what the tests expect and the source of the generated `rules/README.md`.

mod support;

use std::collections::BTreeMap;
use std::thread;
use std::time::{Duration, Instant};

use migrate_lint::fix::{Placement, Suggestion};
use migrate_lint::rules::diagnostic::Diagnostic;
use migrate_lint::rules::settings::Settings;
use migrate_lint::rules::{find, RULES};
use postgres::Client;
use support::lint::{file, lint as lint_history};
use support::pages::{example, Example};
use support::pg::TestPg;

/// What the table in rules/README.md says about a rule, and the test that proves it.
struct Claim {
    rule: &'static str,
    /// Strongest table lock the bad statement holds, as pg_locks shows it ("" when the claim is not about a lock).
    lock: &'static str,
    /// What application traffic waits on the locked table.
    blocks: &'static str,
    rewrite: &'static str,
    /// The observed hazard, in a few words.
    hazard: &'static str,
    tests: &'static [&'static str],
}

const CLAIMS: &[Claim] = &[
    Claim {
        rule: "not-null-without-default",
        lock: "ACCESS EXCLUSIVE",
        blocks: "reads and writes",
        rewrite: "no",
        hazard: "fails with 23502 on a non-empty table",
        tests: &["not_null_without_default_fails_on_a_non_empty_table"],
    },
    Claim {
        rule: "set-not-null",
        lock: "ACCESS EXCLUSIVE",
        blocks: "reads and writes",
        rewrite: "no (full scan)",
        hazard: "scans every row; fails with 23502 on a NULL",
        tests: &["set_not_null_scans_under_access_exclusive"],
    },
    Claim {
        rule: "drop-column",
        lock: "ACCESS EXCLUSIVE",
        blocks: "reads and writes",
        rewrite: "no",
        hazard: "running clients' queries fail with 42703",
        tests: &["drop_column_breaks_running_clients"],
    },
    Claim {
        rule: "drop-table",
        lock: "ACCESS EXCLUSIVE",
        blocks: "reads and writes",
        rewrite: "no",
        hazard: "rows gone; running clients fail with 42P01",
        tests: &["drop_table_breaks_running_clients"],
    },
    Claim {
        rule: "rename-without-map",
        lock: "ACCESS EXCLUSIVE",
        blocks: "reads and writes",
        rewrite: "no",
        hazard: "old values gone; old column fails with 42703",
        tests: &["rename_without_map_loses_the_values"],
    },
    Claim {
        rule: "fk-without-index",
        lock: "",
        blocks: "",
        rewrite: "",
        hazard: "each parent DELETE seq-scans the child",
        tests: &["fk_without_index_scans_the_child_on_parent_delete"],
    },
    Claim {
        rule: "create-index-non-concurrently",
        lock: "SHARE",
        blocks: "writes",
        rewrite: "no (full scan)",
        hazard: "INSERT waits for the whole build",
        tests: &["create_index_non_concurrently_blocks_writes"],
    },
    Claim {
        rule: "drop-index-non-concurrently",
        lock: "ACCESS EXCLUSIVE",
        blocks: "reads and writes",
        rewrite: "no",
        hazard: "waits behind running queries; new ones queue behind it",
        tests: &["drop_index_non_concurrently_blocks_reads_and_writes"],
    },
    Claim {
        rule: "concurrently-in-transaction",
        lock: "",
        blocks: "",
        rewrite: "",
        hazard: "CONCURRENTLY or VACUUM fails with 25001 in a multi-statement file",
        tests: &["concurrently_in_transaction_fails_in_one_batch"],
    },
    Claim {
        rule: "transaction-control-in-migration",
        lock: "",
        blocks: "",
        rewrite: "",
        hazard: "a COMMIT mid-batch keeps what precedes it when a later statement fails; an unclosed BEGIN leaves the transaction open",
        tests: &["transaction_control_changes_how_a_batch_runs"],
    },
    Claim {
        rule: "constraint-not-valid",
        lock: "SHARE ROW EXCLUSIVE",
        blocks: "writes (both tables)",
        rewrite: "no (full scan)",
        hazard: "validates every row (a CHECK under ACCESS EXCLUSIVE); NOT VALID + VALIDATE takes SHARE UPDATE EXCLUSIVE",
        tests: &["constraint_not_valid_locks_both_tables_and_scans"],
    },
    Claim {
        rule: "unique-constraint-locks",
        lock: "ACCESS EXCLUSIVE",
        blocks: "reads and writes",
        rewrite: "no (index build)",
        hazard: "index built under ACCESS EXCLUSIVE",
        tests: &["unique_constraint_builds_its_index_under_access_exclusive"],
    },
    Claim {
        rule: "primary-key-locks",
        lock: "ACCESS EXCLUSIVE",
        blocks: "reads and writes",
        rewrite: "no (index build)",
        hazard: "index built under ACCESS EXCLUSIVE",
        tests: &["primary_key_builds_its_index_under_access_exclusive"],
    },
    Claim {
        rule: "change-column-type",
        lock: "ACCESS EXCLUSIVE",
        blocks: "reads and writes",
        rewrite: "yes, unless binary-coercible",
        hazard: "int→bigint rewrites; varchar(n)→varchar(m>n)/text, numeric precision up, varbit(n)→varbit(m>n) do not",
        tests: &[
            "change_column_type_rewrites_unless_binary_coercible",
            "change_column_type_flags_exactly_the_rewriting_changes",
        ],
    },
    Claim {
        rule: "volatile-default",
        lock: "ACCESS EXCLUSIVE",
        blocks: "reads and writes",
        rewrite: "yes",
        hazard: "volatile default, serial, identity, stored generated rewrite; a constant or now() does not",
        tests: &[
            "volatile_default_rewrites_the_table",
            "volatile_default_flags_exactly_the_rewriting_columns",
        ],
    },
    Claim {
        rule: "enum-value-in-transaction",
        lock: "",
        blocks: "",
        rewrite: "",
        hazard: "fails with 55P04 (unsafe use of new value)",
        tests: &["enum_value_used_in_the_same_batch_fails"],
    },
    Claim {
        rule: "missing-lock-timeout",
        lock: "ACCESS EXCLUSIVE",
        blocks: "reads and writes (queued)",
        rewrite: "no",
        hazard: "waits behind a reader while every query queues behind it",
        tests: &[
            "missing_lock_timeout_queues_traffic_behind_the_migration",
            "lock_modes_named_by_the_linter_are_the_ones_postgres_takes",
        ],
    },
    Claim {
        rule: "long-lock-chain",
        lock: "ACCESS EXCLUSIVE",
        blocks: "reads and writes",
        rewrite: "no",
        hazard: "first lock held until the batch ends",
        tests: &["long_lock_chain_holds_the_first_lock_until_the_batch_ends"],
    },
    Claim {
        rule: "data-backfill-in-migration",
        lock: "ROW EXCLUSIVE",
        blocks: "schema changes; updates of touched rows",
        rewrite: "no",
        hazard: "every row locked until the migration ends",
        tests: &["data_backfill_locks_every_row"],
    },
    Claim {
        rule: "truncate",
        lock: "ACCESS EXCLUSIVE",
        blocks: "reads and writes",
        rewrite: "yes (new empty file)",
        hazard: "all rows gone",
        tests: &["truncate_deletes_every_row_under_access_exclusive"],
    },
    Claim {
        rule: "drop-schema-or-database",
        lock: "ACCESS EXCLUSIVE",
        blocks: "reads and writes",
        rewrite: "",
        hazard: "every table in it gone (42P01)",
        tests: &["drop_schema_deletes_its_tables"],
    },
    Claim {
        rule: "table-rewrite-command",
        lock: "ACCESS EXCLUSIVE",
        blocks: "reads and writes",
        rewrite: "yes",
        hazard: "CLUSTER and VACUUM FULL rewrite under ACCESS EXCLUSIVE",
        tests: &["rewrite_commands_rewrite_under_access_exclusive"],
    },
    Claim {
        rule: "identifier-too-long",
        lock: "",
        blocks: "",
        rewrite: "",
        hazard: "name silently truncated to 63 bytes",
        tests: &["long_identifier_is_truncated"],
    },
    Claim {
        rule: "rename-enum-value",
        lock: "",
        blocks: "",
        rewrite: "",
        hazard: "old label rejected with 22P02",
        tests: &["renamed_enum_value_rejects_the_old_label"],
    },
];

fn claim(rule: &str) -> &'static Claim {
    CLAIMS
        .iter()
        .find(|c| c.rule == rule)
        .unwrap_or_else(|| panic!("no claim for {rule}"))
}

// ---------------------------------------------------------------------------------------------------------------
// Linting

/// The findings of `rule` on `migration` after `setup`, as the library reports them (with suggestions).
fn lint_rule(rule: &str, setup: &str, migration: &str) -> Vec<Diagnostic> {
    let files = [file("0_setup", setup), file("1_migration", migration)];
    lint_history(&files, &[false, true], &Settings::default())
        .diagnostics
        .into_iter()
        .filter(|d| d.rule == rule)
        .collect()
}

/// The one finding of `rule` on `migration` after `setup`.
fn only_finding(rule: &str, setup: &str, migration: &str) -> Diagnostic {
    let mut findings = lint_rule(rule, setup, migration);
    assert_eq!(findings.len(), 1, "{rule} on {migration}: {findings:?}");
    findings.remove(0)
}

fn page(rule: &str) -> &'static str {
    find(rule).unwrap_or_else(|| panic!("no rule {rule}")).doc
}

/// The rule's bad example and its first finding on it.
fn bad(rule: &str) -> (Example, Diagnostic) {
    let ex = example(page(rule), "Bad");
    let finding = lint_rule(rule, &ex.setup, &ex.migration)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("{rule}: no finding on its bad example"));
    (ex, finding)
}

fn good(rule: &str) -> Example {
    example(page(rule), "Good")
}

fn assert_says(rule: &str, message: &str, words: &[&str]) {
    for w in words {
        assert!(
            message.contains(w),
            "{rule}: the message should say `{w}` (observed on PostgreSQL), but says: {message}"
        );
    }
}

// ---------------------------------------------------------------------------------------------------------------
// PostgreSQL

struct Db {
    pg: &'static TestPg,
    url: String,
}

impl Db {
    fn new(prefix: &str) -> Option<Db> {
        let pg = TestPg::shared_or_skip()?;
        let url = pg.unique_database(prefix);
        Some(Db { pg, url })
    }

    fn client(&self) -> Client {
        self.pg.client_for(&self.url)
    }

    /// A new connection that gives up on a lock after 100 ms.
    fn impatient(&self) -> Client {
        let mut c = self.client();
        run(&mut c, "SET lock_timeout = '100ms'");
        c
    }

    /// Runs `sql` as one batch on a new connection and panics on failure.
    fn run(&self, sql: &str) {
        run(&mut self.client(), sql);
    }
}

fn run(c: &mut Client, sql: &str) {
    if let Err(e) = c.batch_execute(sql) {
        panic!("running {sql:?}: {}", describe(&e));
    }
}

fn describe(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => e.to_string(),
    }
}

fn sqlstate(e: &postgres::Error) -> String {
    e.code().map(|c| c.code().to_string()).unwrap_or_default()
}

/// Runs `sql` as one batch and returns the SQLSTATE it fails with.
fn failure(c: &mut Client, sql: &str) -> (String, String) {
    match c.batch_execute(sql) {
        Ok(()) => panic!("expected {sql:?} to fail, it succeeded"),
        Err(e) => (sqlstate(&e), describe(&e)),
    }
}

fn quoted(table: &str) -> String {
    format!("\"{table}\"")
}

fn filenode(c: &mut Client, table: &str) -> u32 {
    c.query_one(
        "SELECT pg_relation_filenode($1::text::regclass)",
        &[&quoted(table)],
    )
    .expect("filenode")
    .get(0)
}

fn count(c: &mut Client, sql: &str) -> i64 {
    c.query_one(sql, &[])
        .unwrap_or_else(|e| panic!("{sql}: {}", describe(&e)))
        .get(0)
}

const MODES: &[&str] = &[
    "ACCESS SHARE",
    "ROW SHARE",
    "ROW EXCLUSIVE",
    "SHARE UPDATE EXCLUSIVE",
    "SHARE",
    "SHARE ROW EXCLUSIVE",
    "EXCLUSIVE",
    "ACCESS EXCLUSIVE",
];

fn mode_rank(mode: &str) -> usize {
    MODES
        .iter()
        .position(|m| *m == mode)
        .unwrap_or_else(|| panic!("unknown lock mode {mode}"))
}

/// `AccessExclusiveLock` → `ACCESS EXCLUSIVE`.
fn mode_name(pg_mode: &str) -> String {
    let mut out = String::new();
    for ch in pg_mode.trim_end_matches("Lock").chars() {
        if ch.is_uppercase() && !out.is_empty() {
            out.push(' ');
        }
        out.push(ch.to_ascii_uppercase());
    }
    out
}

/// The strongest lock backend `pid` holds (or waits for, when `granted` is false) on `table`.
fn strongest_lock(observer: &mut Client, pid: i32, table: &str, granted: bool) -> Option<String> {
    observer
        .query(
            "SELECT l.mode FROM pg_locks l WHERE l.pid = $1 AND l.granted = $2 AND l.locktype = 'relation' \
             AND l.relation = $3::text::regclass",
            &[&pid, &granted, &quoted(table)],
        )
        .expect("pg_locks")
        .iter()
        .map(|r| mode_name(r.get(0)))
        .max_by_key(|m| mode_rank(m))
}

/// Whether a read and a write on `table` from another connection get their locks within 100 ms.
fn probe(db: &Db, table: &str) -> (bool, bool) {
    let attempt = |sql: String| match db.impatient().batch_execute(&sql) {
        Ok(()) => true,
        Err(e) if sqlstate(&e) == "55P03" => false,
        Err(e) => panic!("{sql}: {}", describe(&e)),
    };
    let t = quoted(table);
    // DELETE ... WHERE false takes the ROW EXCLUSIVE lock every INSERT/UPDATE/DELETE takes, and changes nothing.
    (
        attempt(format!("SELECT 1 FROM {t} LIMIT 1")),
        attempt(format!("DELETE FROM {t} WHERE false")),
    )
}

/// The words of `LockMode::blocks` that describe what was observed, when reads or writes were blocked.
fn blocks_words(read_ok: bool, write_ok: bool) -> Option<&'static str> {
    match (read_ok, write_ok) {
        (false, false) => Some("all reads and writes"),
        (true, false) => Some("all writes, not reads"),
        (true, true) => None,
        (false, true) => panic!("a lock that blocks reads but not writes"),
    }
}

/// The message says what the probes saw: which traffic is blocked, or (when none is) no claim that any is.
fn assert_blocks(rule: &str, message: &str, read_ok: bool, write_ok: bool) {
    match blocks_words(read_ok, write_ok) {
        Some(words) => assert_says(rule, message, &[words]),
        None => assert!(
            !message.contains("blocks all"),
            "{rule}: reads and writes went on, but the message says: {message}"
        ),
    }
}

fn backend_pid(c: &mut Client) -> i32 {
    c.query_one("SELECT pg_backend_pid()", &[]).unwrap().get(0)
}

/// A migration running inside an open transaction, so its locks stay visible.
struct Held {
    client: Client,
    pid: i32,
    scans_before: BTreeMap<String, i64>,
}

/// Sequential scans this transaction started on each table (pending counters include earlier transactions of the
/// backend, so only differences inside one transaction mean anything).
fn xact_seq_scans(c: &mut Client) -> BTreeMap<String, i64> {
    c.query(
        "SELECT relid::regclass::text, seq_scan FROM pg_stat_xact_user_tables",
        &[],
    )
    .expect("pg_stat_xact_user_tables")
    .iter()
    .map(|r| (r.get(0), r.get(1)))
    .collect()
}

impl Held {
    fn start(db: &Db, sql: &str) -> Held {
        Self::try_start(db, sql).unwrap_or_else(|e| panic!("running {sql:?}: {}", describe(&e)))
    }

    fn try_start(db: &Db, sql: &str) -> Result<Held, postgres::Error> {
        let mut client = db.client();
        let pid = backend_pid(&mut client);
        run(&mut client, "BEGIN");
        let scans_before = xact_seq_scans(&mut client);
        client.batch_execute(sql)?;
        Ok(Held {
            client,
            pid,
            scans_before,
        })
    }

    /// Sequential scans of `table` the held statements did.
    fn seq_scans(&mut self, table: &str) -> i64 {
        let key = quoted(table);
        let after = xact_seq_scans(&mut self.client);
        after.get(&key).copied().unwrap_or(0) - self.scans_before.get(&key).copied().unwrap_or(0)
    }

    fn lock(&self, db: &Db, table: &str) -> Option<String> {
        strongest_lock(&mut db.client(), self.pid, table, true)
    }

    /// The held statements gave `table` a new file (a dropped table has none, which is no rewrite).
    fn rewrote(&mut self, db: &Db, table: &str) -> bool {
        let inside: Option<u32> = self
            .client
            .query_one(
                "SELECT pg_relation_filenode(to_regclass($1))",
                &[&quoted(table)],
            )
            .unwrap()
            .get(0);
        inside.is_some_and(|node| node != filenode(&mut db.client(), table))
    }

    /// The lock and the rewrite on `table` are the ones `rule`'s claim names.
    fn assert_claim(&mut self, db: &Db, rule: &str, table: &str) {
        let claim = claim(rule);
        assert_eq!(
            self.lock(db, table).as_deref(),
            Some(claim.lock),
            "{rule}: lock on {table} held by the migration"
        );
        assert_eq!(
            self.rewrote(db, table),
            claim.rewrite.starts_with("yes"),
            "{rule}: the claim says rewrite `{}` on {table}",
            claim.rewrite
        );
    }

    fn rollback(mut self) {
        run(&mut self.client, "ROLLBACK");
    }
}

/// Holds `migration` open and checks, for each table, the lock the claim names and what that lock blocks against
/// the message. Returns the open transaction for further checks.
fn assert_lock_claim(db: &Db, rule: &str, migration: &str, message: &str, tables: &[&str]) -> Held {
    let expected = claim(rule).lock;
    let mut held = Held::start(db, migration);
    for table in tables {
        held.assert_claim(db, rule, table);
        let (read_ok, write_ok) = probe(db, table);
        assert_says(rule, message, &[expected, &quoted(table)]);
        assert_blocks(rule, message, read_ok, write_ok);
    }
    held
}

/// `INSERT INTO "T" SELECT ... FROM generate_series(1, rows)` with a value for every column, so any table of the
/// examples gets rows. Text keys are `'v' || g` everywhere, so a text foreign key finds its parent row.
fn fill(c: &mut Client, table: &str, rows: i64) {
    let columns = c
        .query(
            "SELECT quote_ident(a.attname), format_type(a.atttypid, a.atttypmod), t.typcategory::text, t.typname::text \
             FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid \
             WHERE a.attrelid = $1::text::regclass AND a.attnum > 0 AND NOT a.attisdropped \
             AND a.attgenerated = '' AND a.attidentity = '' ORDER BY a.attnum",
            &[&table],
        )
        .expect("columns");
    let (names, values): (Vec<String>, Vec<String>) = columns
        .iter()
        .map(|r| {
            let (name, ty, category, typname): (String, String, String, String) =
                (r.get(0), r.get(1), r.get(2), r.get(3));
            let value = match (category.as_str(), typname.as_str()) {
                (_, "uuid") => "gen_random_uuid()".to_string(),
                ("S", _) => format!("('v' || g)::{ty}"),
                ("N", _) => format!("g::{ty}"),
                ("B", _) => "(g % 2 = 0)".to_string(),
                ("D", _) => format!("now()::{ty}"),
                ("E", _) => format!("(enum_range(NULL::{ty}))[1]"),
                _ => "NULL".to_string(),
            };
            (name, value)
        })
        .unzip();
    run(
        c,
        &format!(
            "SET session_replication_role = replica; \
             INSERT INTO {table} ({}) SELECT {} FROM generate_series(1, {rows}) g; \
             SET session_replication_role = DEFAULT; ANALYZE {table};",
            names.join(", "),
            values.join(", ")
        ),
    );
}

/// Every table outside the system schemas, as `regclass` text.
fn user_tables(c: &mut Client) -> Vec<String> {
    c.query(
        "SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE c.relkind = 'r' AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1",
        &[],
    )
    .expect("tables")
    .iter()
    .map(|r| r.get(0))
    .collect()
}

/// Runs `sql` on its own connection in a thread, once `wait_for` says the lock queue is set up.
fn spawn_batch(db: &Db, sql: &str) -> (i32, thread::JoinHandle<Result<(), String>>) {
    let mut c = db.client();
    let pid = backend_pid(&mut c);
    let sql = sql.to_string();
    let handle = thread::spawn(move || c.batch_execute(&sql).map_err(|e| describe(&e)));
    (pid, handle)
}

/// Waits until backend `pid` waits for a lock on `table`, and returns the mode it asks for.
fn waiting_lock(db: &Db, pid: i32, table: &str) -> String {
    let mut observer = db.client();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(mode) = strongest_lock(&mut observer, pid, table, false) {
            return mode;
        }
        assert!(
            Instant::now() < deadline,
            "backend {pid} never waited for a lock on {table}"
        );
        thread::sleep(Duration::from_millis(20));
    }
}

macro_rules! db_or_skip {
    ($prefix:expr) => {
        match Db::new($prefix) {
            Some(db) => db,
            None => return,
        }
    };
}

const ROWS: i64 = 20_000;

// ---------------------------------------------------------------------------------------------------------------
// Rule claims

#[test]
fn not_null_without_default_fails_on_a_non_empty_table() {
    let rule = "not-null-without-default";
    let (ex, finding) = bad(rule);
    assert_says(rule, &finding.message, &["23502", "non-empty table"]);
    let db = db_or_skip!("truth_nn");
    db.run(&ex.setup);
    let mut c = db.client();
    fill(&mut c, "\"User\"", ROWS);
    let (state, _) = failure(&mut c, &ex.migration);
    assert_eq!(state, "23502");

    // On an empty table the same statement succeeds: the claim is about rows, not the statement.
    let empty = db_or_skip!("truth_nn_empty");
    empty.run(&ex.setup);
    let mut held = Held::start(&empty, &ex.migration);
    held.assert_claim(&empty, rule, "User");
    held.rollback();
    empty.run(&ex.migration);
}

#[test]
fn set_not_null_scans_under_access_exclusive() {
    let rule = "set-not-null";
    let (ex, finding) = bad(rule);
    assert_says(
        rule,
        &finding.message,
        &["scans every row", "fails if any row is NULL"],
    );
    let db = db_or_skip!("truth_snn");
    db.run(&ex.setup);
    let mut c = db.client();
    fill(&mut c, "\"User\"", ROWS);
    let mut held = assert_lock_claim(&db, rule, &ex.migration, &finding.message, &["User"]);
    assert!(held.seq_scans("User") > 0, "SET NOT NULL did not scan");
    held.rollback();

    run(&mut c, "INSERT INTO \"User\" (\"id\") VALUES ('no-email')");
    let (state, _) = failure(&mut c, &ex.migration);
    assert_eq!(state, "23502");

    // The page's good example: behind a validated CHECK, SET NOT NULL skips the scan.
    let ok = good(rule);
    let db = db_or_skip!("truth_snn_good");
    let mut c = db.client();
    let (create, rest) = ok.setup.split_once('\n').unwrap();
    run(&mut c, create);
    fill(&mut c, "\"User\"", ROWS);
    run(&mut c, rest);
    let mut held = Held::start(&db, &ok.migration);
    assert_eq!(
        held.seq_scans("User"),
        0,
        "SET NOT NULL scanned despite the check"
    );
    held.rollback();
}

#[test]
fn create_index_non_concurrently_blocks_writes() {
    let rule = "create-index-non-concurrently";
    let (ex, finding) = bad(rule);
    let db = db_or_skip!("truth_cinc");
    db.run(&ex.setup);
    fill(&mut db.client(), "\"Post\"", ROWS);
    let mut held = assert_lock_claim(&db, rule, &ex.migration, &finding.message, &["Post"]);
    assert!(held.seq_scans("Post") > 0, "the index build read no table");
    // A real INSERT waits for the SHARE lock.
    let (state, _) = failure(
        &mut db.impatient(),
        "INSERT INTO \"Post\" (\"id\", \"authorId\") VALUES ('new', 'v1')",
    );
    assert_eq!(state, "55P03");
    held.rollback();

    // CONCURRENTLY alone in its batch runs outside a transaction block and leaves a valid index.
    db.run(&good(rule).migration);
    let valid = count(
        &mut db.client(),
        "SELECT count(*) FROM pg_index WHERE indexrelid = '\"Post_authorId_idx\"'::regclass AND indisvalid",
    );
    assert_eq!(valid, 1);

    // A unique index over values the rows already hold (Prisma's `@unique` on an existing field) fails on duplicates,
    // as the message says; over a column added in the same migration it is not said.
    let unique = "SET lock_timeout = '5s';\nCREATE UNIQUE INDEX \"Post_authorId_key\" ON \"Post\"(\"authorId\");";
    let finding = only_finding(rule, &ex.setup, unique);
    assert_says(rule, &finding.message, &["23505", "share them"]);
    run(&mut db.client(), "UPDATE \"Post\" SET \"authorId\" = 'v1'");
    let (state, message) = failure(&mut db.client(), unique);
    assert_eq!(state, "23505", "{message}");
    assert!(
        message.contains("could not create unique index"),
        "{message}"
    );
    // CONCURRENTLY fails on the same duplicates, and leaves the index behind INVALID: the same migration run again
    // fails until it is dropped.
    let concurrent =
        "CREATE UNIQUE INDEX CONCURRENTLY \"Post_authorId_key\" ON \"Post\"(\"authorId\");";
    let finding = only_finding(rule, &ex.setup, concurrent);
    assert_says(
        rule,
        &finding.message,
        &["23505", "INVALID", "must be dropped"],
    );
    assert_eq!(failure(&mut db.client(), concurrent).0, "23505");
    let invalid = "SELECT count(*) FROM pg_index WHERE indexrelid = '\"Post_authorId_key\"'::regclass AND NOT indisvalid";
    assert_eq!(count(&mut db.client(), invalid), 1);
    assert_eq!(
        count(
            &mut db.client(),
            "SELECT count(*) FROM pg_index WHERE NOT indisvalid AND indexrelid::regclass::text = '\"Post_authorId_key\"'"
        ),
        1,
        "the help's query finds it"
    );
    assert_eq!(failure(&mut db.client(), concurrent).0, "42P07");
    // With IF NOT EXISTS the retry succeeds and keeps the INVALID index, as the message says.
    let skipping = concurrent.replace("CONCURRENTLY", "CONCURRENTLY IF NOT EXISTS");
    let finding = only_finding(rule, &ex.setup, &skipping);
    assert_says(rule, &finding.message, &["23505", "INVALID index in place"]);
    run(&mut db.client(), &skipping);
    assert_eq!(count(&mut db.client(), invalid), 1);
    run(
        &mut db.client(),
        "DROP INDEX CONCURRENTLY \"Post_authorId_key\"",
    );
    let added = "SET lock_timeout = '5s';\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\nCREATE UNIQUE INDEX \"Post_slug_key\" ON \"Post\"(\"slug\");";
    let findings = lint_rule(rule, &ex.setup, added);
    assert!(
        findings.iter().all(|f| !f.message.contains("23505")),
        "{findings:?}"
    );
}

#[test]
fn drop_index_non_concurrently_blocks_reads_and_writes() {
    let rule = "drop-index-non-concurrently";
    let (ex, finding) = bad(rule);
    let db = db_or_skip!("truth_dinc");
    db.run(&ex.setup);
    fill(&mut db.client(), "\"Post\"", ROWS);
    assert_lock_claim(&db, rule, &ex.migration, &finding.message, &["Post"]).rollback();

    // "It waits for every running query on the table first, and everything queues behind it."
    assert_says(
        rule,
        &finding.message,
        &["waits for every running query", "queues behind it"],
    );
    let mut reader = db.client();
    run(&mut reader, "BEGIN; SELECT count(*) FROM \"Post\";");
    // A longer lock_timeout, so a slow machine cannot time out the wait this test causes on purpose.
    let (pid, drop) = spawn_batch(&db, &ex.migration.replace("'5s'", "'60s'"));
    assert_eq!(waiting_lock(&db, pid, "Post"), claim(rule).lock);
    assert_eq!(
        probe(&db, "Post"),
        (false, false),
        "new queries did not queue behind DROP INDEX"
    );
    run(&mut reader, "COMMIT");
    drop.join()
        .unwrap()
        .expect("DROP INDEX completes once the reader ends");

    // CONCURRENTLY alone in its batch runs outside a transaction block.
    db.run("CREATE INDEX \"Post_slug_idx\" ON \"Post\"(\"slug\");");
    db.run(&good(rule).migration);
}

#[test]
fn constraint_not_valid_locks_both_tables_and_scans() {
    let rule = "constraint-not-valid";
    let (ex, finding) = bad(rule);
    assert_says(rule, &finding.message, &["checks every existing row"]);
    let db = db_or_skip!("truth_cnv");
    db.run(&ex.setup);
    let mut c = db.client();
    fill(&mut c, "\"User\"", ROWS);
    fill(&mut c, "\"Post\"", ROWS);
    let mut held = assert_lock_claim(
        &db,
        rule,
        &ex.migration,
        &finding.message,
        &["Post", "User"],
    );
    assert!(
        held.seq_scans("Post") > 0,
        "adding the foreign key did not scan Post"
    );
    held.rollback();

    // NOT VALID: the same brief lock, no scan; VALIDATE then scans under SHARE UPDATE EXCLUSIVE only.
    let not_valid = good(rule).migration;
    let mut held = Held::start(&db, &not_valid);
    assert_eq!(held.seq_scans("Post"), 0, "NOT VALID scanned");
    held.rollback();
    db.run(&not_valid);
    let mut held = Held::start(
        &db,
        "ALTER TABLE \"Post\" VALIDATE CONSTRAINT \"Post_authorId_fkey\";",
    );
    assert_eq!(
        held.lock(&db, "Post").as_deref(),
        Some("SHARE UPDATE EXCLUSIVE")
    );
    assert!(held.seq_scans("Post") > 0, "VALIDATE did not scan");
    assert_eq!(
        probe(&db, "Post"),
        (true, true),
        "VALIDATE blocked traffic on Post"
    );
    assert_eq!(
        probe(&db, "User"),
        (true, true),
        "VALIDATE blocked traffic on User"
    );
    held.rollback();

    // A CHECK constraint validates under ACCESS EXCLUSIVE, as the message for it says.
    let check = "SET lock_timeout = '5s';\nALTER TABLE \"Post\" ADD CONSTRAINT \"Post_authorId_check\" CHECK (\"authorId\" <> '');";
    let findings = lint_rule(rule, &ex.setup, check);
    assert_eq!(findings.len(), 1, "{rule} misses a CHECK");
    let mut held = Held::start(&db, check);
    assert_eq!(held.lock(&db, "Post").as_deref(), Some("ACCESS EXCLUSIVE"));
    assert!(
        held.seq_scans("Post") > 0,
        "adding the CHECK did not scan Post"
    );
    assert_says(
        rule,
        &findings[0].message,
        &[
            "ACCESS EXCLUSIVE lock on \"Post\"",
            "checks every existing row",
        ],
    );
    assert_blocks(
        rule,
        &findings[0].message,
        probe(&db, "Post").0,
        probe(&db, "Post").1,
    );
    held.rollback();
}

fn assert_index_built_under_access_exclusive(rule: &str, table: &str, prefix: &str) {
    let (ex, finding) = bad(rule);
    assert_says(rule, &finding.message, &["builds a unique index"]);
    let db = db_or_skip!(prefix);
    db.run(&ex.setup);
    fill(&mut db.client(), &quoted(table), ROWS);
    let mut held = assert_lock_claim(&db, rule, &ex.migration, &finding.message, &[table]);
    assert!(held.seq_scans(table) > 0, "no index build read {table}");
    held.rollback();

    // The page's good example: the index is built concurrently beforehand, the constraint only adopts it.
    let ok = good(rule);
    let db = db_or_skip!(&format!("{prefix}_good"));
    let mut c = db.client();
    let (create, index) = ok.setup.split_once('\n').unwrap();
    run(&mut c, create);
    fill(&mut c, &quoted(table), ROWS);
    run(&mut c, index);
    let mut held = Held::start(&db, &ok.migration);
    assert_eq!(held.seq_scans(table), 0, "USING INDEX read {table}");
    held.rollback();
}

#[test]
fn unique_constraint_builds_its_index_under_access_exclusive() {
    assert_index_built_under_access_exclusive("unique-constraint-locks", "User", "truth_ucl");
}

#[test]
fn primary_key_builds_its_index_under_access_exclusive() {
    assert_index_built_under_access_exclusive("primary-key-locks", "Tag", "truth_pkl");
}

#[test]
fn change_column_type_rewrites_unless_binary_coercible() {
    let rule = "change-column-type";
    let (ex, finding) = bad(rule);
    assert_says(rule, &finding.message, &["rewrites the whole table"]);
    let db = db_or_skip!("truth_cct");
    db.run(&ex.setup);
    let mut c = db.client();
    fill(&mut c, "\"Order\"", ROWS);
    assert_lock_claim(&db, rule, &ex.migration, &finding.message, &["Order"]).rollback();
    let before = filenode(&mut c, "Order");
    run(&mut c, &ex.migration);
    assert_ne!(
        filenode(&mut c, "Order"),
        before,
        "int → bigint did not rewrite"
    );

    // Binary-coercible changes: the linter is quiet, and PostgreSQL keeps the file.
    let ok = good(rule);
    let to_text =
        "SET lock_timeout = '5s';\nALTER TABLE \"Order\" ALTER COLUMN \"note\" SET DATA TYPE TEXT;";
    for migration in [ok.migration.as_str(), to_text] {
        assert!(
            lint_rule(rule, &ok.setup, migration).is_empty(),
            "{rule} flags {migration}"
        );
        let db = db_or_skip!("truth_cct_good");
        db.run(&ok.setup);
        let mut c = db.client();
        fill(&mut c, "\"Order\"", ROWS);
        let before = filenode(&mut c, "Order");
        run(&mut c, migration);
        assert_eq!(
            filenode(&mut c, "Order"),
            before,
            "{migration} rewrote the table"
        );
    }
}

/// The linter flags exactly the type changes that rewrite: each pair is run on PostgreSQL and compared.
/// A type change PostgreSQL makes without a rewrite still re-checks the CHECK constraints on the column: a full scan
/// under ACCESS EXCLUSIVE, which change-column-type reports. A NOT VALID CHECK is not re-checked.
#[test]
fn change_column_type_rechecks_a_check_constraint_without_rewriting() {
    let rule = "change-column-type";
    let setup = "CREATE TABLE \"T\" (\"id\" TEXT NOT NULL, \"name\" VARCHAR(10), \"other\" VARCHAR(10), \"loose\" VARCHAR(10), CONSTRAINT \"T_pkey\" PRIMARY KEY (\"id\"), CONSTRAINT \"T_name_check\" CHECK (char_length(\"name\") > 0));
ALTER TABLE \"T\" ADD CONSTRAINT \"T_loose_check\" CHECK (char_length(\"loose\") > 0) NOT VALID;";
    let checked = "SET lock_timeout = '5s';\nALTER TABLE \"T\" ALTER COLUMN \"name\" SET DATA TYPE VARCHAR(20);";
    let unchecked = "SET lock_timeout = '5s';\nALTER TABLE \"T\" ALTER COLUMN \"other\" SET DATA TYPE VARCHAR(20);";
    let not_valid = "SET lock_timeout = '5s';\nALTER TABLE \"T\" ALTER COLUMN \"loose\" SET DATA TYPE VARCHAR(20);";
    let finding = only_finding(rule, setup, checked);
    assert_says(
        rule,
        &finding.message,
        &["\"T_name_check\"", "ACCESS EXCLUSIVE", "no rewrite"],
    );
    assert!(lint_rule(rule, setup, unchecked).is_empty());
    assert!(lint_rule(rule, setup, not_valid).is_empty());
    let db = db_or_skip!("truth_cct_check");
    db.run(setup);
    run(
        &mut db.client(),
        "INSERT INTO \"T\" SELECT g::text, 'n', 'o', 'l' FROM generate_series(1, 1000) g",
    );
    for (migration, scans) in [(checked, true), (unchecked, false), (not_valid, false)] {
        let mut held = Held::start(&db, migration);
        assert!(!held.rewrote(&db, "T"), "{migration} rewrote");
        assert_eq!(held.seq_scans("T") > 0, scans, "{migration}: scan");
        assert_eq!(held.lock(&db, "T").as_deref(), Some("ACCESS EXCLUSIVE"));
        held.rollback();
    }
}

#[test]
fn change_column_type_flags_exactly_the_rewriting_changes() {
    let rule = "change-column-type";
    let cases = [
        ("INTEGER", "BIGINT"),
        ("INTEGER", "TEXT"),
        ("VARCHAR(100)", "VARCHAR(500)"),
        ("VARCHAR(100)", "TEXT"),
        ("VARCHAR(100)", "VARCHAR(50)"),
        ("TEXT", "VARCHAR(10)"),
        ("TEXT", "VARCHAR"),
        ("DECIMAL(10,2)", "DECIMAL(12,2)"),
        ("DECIMAL(10,2)", "DECIMAL(12,4)"),
        ("DECIMAL(10,2)", "DECIMAL"),
        ("DECIMAL", "DECIMAL(10,2)"),
        ("TIMESTAMP(3)", "TIMESTAMP(6)"),
        ("TIMESTAMP(6)", "TIMESTAMP(3)"),
        ("TIMESTAMP(3)", "TIMESTAMPTZ(3)"),
        ("VARCHAR(20)", "CHAR(20)"),
        ("CHAR(20)", "VARCHAR(20)"),
        ("BIT VARYING(8)", "BIT VARYING(16)"),
        ("VARBIT(16)", "VARBIT(8)"),
        ("VARBIT(8)", "VARBIT"),
    ];
    let Some(_) = TestPg::shared_or_skip() else {
        return;
    };
    let mut mismatches = Vec::new();
    for (i, (from, to)) in cases.iter().enumerate() {
        let setup = format!(
            "CREATE TABLE \"T\" (\"id\" TEXT NOT NULL, \"c\" {from}, CONSTRAINT \"T_pkey\" PRIMARY KEY (\"id\"));"
        );
        let migration = format!(
            "SET lock_timeout = '5s';\nALTER TABLE \"T\" ALTER COLUMN \"c\" SET DATA TYPE {to};"
        );
        let flagged = !lint_rule(rule, &setup, &migration).is_empty();
        let db = db_or_skip!(&format!("truth_cct_{i}"));
        let mut c = db.client();
        run(&mut c, &setup);
        run(
            &mut c,
            "INSERT INTO \"T\" SELECT g::text, NULL FROM generate_series(1, 100) g",
        );
        let before = filenode(&mut c, "T");
        // timestamp -> timestamptz skips the rewrite only when the session's zone is UTC (PostgreSQL 12+); the
        // linter cannot see the zone a deploy runs in, so the check uses one that is not UTC.
        run(&mut c, "SET TimeZone = 'America/New_York'");
        run(&mut c, &migration);
        let rewrote = filenode(&mut c, "T") != before;
        if flagged != rewrote {
            mismatches.push(format!(
                "{from} -> {to}: flagged {flagged}, rewrote {rewrote}"
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{rule} disagrees with PostgreSQL:\n{}",
        mismatches.join("\n")
    );
}

/// The linter flags exactly the added columns that rewrite the table.
#[test]
fn volatile_default_flags_exactly_the_rewriting_columns() {
    let rule = "volatile-default";
    let columns = [
        "\"a\" UUID NOT NULL DEFAULT gen_random_uuid()",
        "\"a\" TIMESTAMP(3) NOT NULL DEFAULT clock_timestamp()",
        "\"a\" DOUBLE PRECISION DEFAULT random()",
        "\"a\" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP",
        "\"a\" TIMESTAMP(3) NOT NULL DEFAULT now()",
        "\"a\" TEXT NOT NULL DEFAULT 'x'",
        "\"a\" INTEGER NOT NULL DEFAULT 0",
        "\"a\" SERIAL",
        "\"a\" BIGSERIAL",
        "\"a\" INTEGER GENERATED ALWAYS AS IDENTITY",
        "\"a\" INTEGER GENERATED ALWAYS AS (\"n\" * 2) STORED",
        "\"a\" TEXT",
        // A function is VOLATILE unless its CREATE FUNCTION says IMMUTABLE or STABLE.
        "\"a\" TEXT NOT NULL DEFAULT make_tag()",
        "\"a\" TEXT NOT NULL DEFAULT fixed_tag()",
        "\"a\" TEXT NOT NULL DEFAULT stable_tag()",
    ];
    let Some(_) = TestPg::shared_or_skip() else {
        return;
    };
    let setup = "CREATE TABLE \"T\" (\"id\" TEXT NOT NULL, \"n\" INTEGER, CONSTRAINT \"T_pkey\" PRIMARY KEY (\"id\"));
CREATE FUNCTION make_tag() RETURNS text LANGUAGE sql AS $$ SELECT md5(random()::text) $$;
CREATE FUNCTION fixed_tag() RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'tag' $$;
CREATE FUNCTION stable_tag() RETURNS text LANGUAGE sql STABLE AS $$ SELECT current_user::text $$;";
    let mut mismatches = Vec::new();
    for (i, column) in columns.iter().enumerate() {
        let migration = format!("SET lock_timeout = '5s';\nALTER TABLE \"T\" ADD COLUMN {column};");
        let flagged = !lint_rule(rule, setup, &migration).is_empty();
        let db = db_or_skip!(&format!("truth_vdc_{i}"));
        let mut c = db.client();
        run(&mut c, setup);
        run(
            &mut c,
            "INSERT INTO \"T\" SELECT g::text, g FROM generate_series(1, 100) g",
        );
        let before = filenode(&mut c, "T");
        run(&mut c, &migration);
        let rewrote = filenode(&mut c, "T") != before;
        if flagged != rewrote {
            mismatches.push(format!("{column}: flagged {flagged}, rewrote {rewrote}"));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{rule} disagrees with PostgreSQL:\n{}",
        mismatches.join("\n")
    );
}

#[test]
fn volatile_default_rewrites_the_table() {
    let rule = "volatile-default";
    let (ex, finding) = bad(rule);
    assert_says(rule, &finding.message, &["rewrites the whole table"]);
    let clock = "SET lock_timeout = '5s';\nALTER TABLE \"User\" ADD COLUMN \"seenAt\" TIMESTAMP(3) NOT NULL DEFAULT clock_timestamp();";
    let clock_finding = lint_rule(rule, &ex.setup, clock);
    assert_eq!(clock_finding.len(), 1, "{rule} misses clock_timestamp()");
    for (migration, message) in [
        (ex.migration.as_str(), &finding.message),
        (clock, &clock_finding[0].message),
    ] {
        let db = db_or_skip!("truth_vd");
        db.run(&ex.setup);
        let mut c = db.client();
        fill(&mut c, "\"User\"", ROWS);
        assert_lock_claim(&db, rule, migration, message, &["User"]).rollback();
        let before = filenode(&mut c, "User");
        run(&mut c, migration);
        assert_ne!(
            filenode(&mut c, "User"),
            before,
            "{migration} did not rewrite"
        );
    }
    // Evaluated once per row: every existing row got its own uuid.
    let db = db_or_skip!("truth_vd_rows");
    db.run(&ex.setup);
    let mut c = db.client();
    fill(&mut c, "\"User\"", ROWS);
    run(&mut c, &ex.migration);
    assert_eq!(
        count(&mut c, "SELECT count(DISTINCT \"publicId\") FROM \"User\""),
        ROWS
    );

    let ok = good(rule);
    assert!(lint_rule(rule, &ok.setup, &ok.migration).is_empty());
    let db = db_or_skip!("truth_vd_good");
    db.run(&ok.setup);
    let mut c = db.client();
    fill(&mut c, "\"User\"", ROWS);
    let before = filenode(&mut c, "User");
    run(&mut c, &ok.migration);
    assert_eq!(
        filenode(&mut c, "User"),
        before,
        "a constant default rewrote the table"
    );
}

#[test]
fn concurrently_in_transaction_fails_in_one_batch() {
    let rule = "concurrently-in-transaction";
    let (ex, finding) = bad(rule);
    assert_says(
        rule,
        &finding.message,
        &["25001", "cannot run inside a transaction block"],
    );
    let db = db_or_skip!("truth_cit");
    db.run(&ex.setup);
    let mut c = db.client();
    // Exactly how Prisma sends migration.sql: the whole file as one simple query.
    let (state, message) = failure(&mut c, &ex.migration);
    assert_eq!(state, "25001");
    assert!(
        message.contains("cannot run inside a transaction block"),
        "{message}"
    );
    run(&mut c, &good(rule).migration);

    // VACUUM (FULL or not) is refused the same way, and the rule says so.
    for vacuum in [
        "SET lock_timeout = '5s';\nVACUUM FULL \"Post\";",
        "SELECT 1;\nVACUUM \"Post\";",
    ] {
        let findings = lint_rule(rule, &ex.setup, vacuum);
        assert_eq!(findings.len(), 1, "{rule} misses {vacuum}");
        assert_says(rule, &findings[0].message, &["25001", "VACUUM"]);
        assert_eq!(failure(&mut c, vacuum).0, "25001", "{vacuum}");
    }

    // DETACH PARTITION ... CONCURRENTLY too, beside another statement or inside BEGIN ... COMMIT; alone it runs.
    run(
        &mut c,
        "CREATE TABLE \"Event\" (\"id\" INTEGER NOT NULL, \"at\" DATE NOT NULL) PARTITION BY RANGE (\"at\");
CREATE TABLE \"Event_2020\" PARTITION OF \"Event\" FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');",
    );
    let detach = "ALTER TABLE \"Event\" DETACH PARTITION \"Event_2020\" CONCURRENTLY;";
    for migration in [
        format!("SET lock_timeout = '5s';\n{detach}"),
        format!("BEGIN;\n{detach}\nCOMMIT;"),
    ] {
        let findings = lint_rule(rule, &ex.setup, &migration);
        assert_eq!(findings.len(), 1, "{rule} misses {migration}");
        assert_says(rule, &findings[0].message, &["25001", "DETACH PARTITION"]);
        let (state, message) = failure(&mut c, &migration);
        assert_eq!(state, "25001", "{migration}: {message}");
        assert!(
            message.contains("cannot run inside a transaction block"),
            "{message}"
        );
    }
    assert!(lint_rule(rule, &ex.setup, detach).is_empty());
    // The failed `BEGIN; ...` left this session in an aborted transaction block (its COMMIT never ran): a new one.
    run(&mut db.client(), detach);
}

/// BEGIN / COMMIT / ROLLBACK written into a migration that Prisma sends as one simple-query batch.
#[test]
fn transaction_control_changes_how_a_batch_runs() {
    let rule = "transaction-control-in-migration";
    let exists = |c: &mut Client, table: &str| {
        count(
            c,
            &format!("SELECT count(*) FROM pg_class WHERE relname = '{table}'"),
        ) == 1
    };
    let db = db_or_skip!("truth_tcm");
    let mut c = db.client();
    // A COMMIT mid-file: what precedes it stays even when a later statement fails; what follows is rolled back.
    let half = "CREATE TABLE \"A\" (\"id\" INTEGER);\nCOMMIT;\nCREATE TABLE \"B\" (\"id\" INTEGER);\nSELECT 1 / 0;";
    let finding = only_finding(rule, "", half);
    assert_says(rule, &finding.message, &["stay committed", "half-applied"]);
    assert_eq!(failure(&mut c, half).0, "22012");
    assert!(exists(&mut c, "A") && !exists(&mut c, "B"));
    // ... and the statements after it are still one implicit transaction: CONCURRENTLY still fails there.
    let after = "CREATE TABLE \"C\" (\"id\" INTEGER);\nCOMMIT;\nCREATE INDEX CONCURRENTLY \"C_id_idx\" ON \"C\"(\"id\");\nSELECT 1;";
    assert_eq!(failure(&mut c, after).0, "25001");
    assert!(lint_rule("concurrently-in-transaction", "", after).len() == 1);
    // A ROLLBACK undoes what precedes it, and the batch still succeeds.
    let undone = "CREATE TABLE \"D\" (\"id\" INTEGER);\nROLLBACK;";
    let finding = only_finding(rule, "", undone);
    assert_says(
        rule,
        &finding.message,
        &["undoes", "succeeds", "returns no error"],
    );
    run(&mut c, undone);
    assert!(!exists(&mut c, "D"));
    // A BEGIN no COMMIT closes: the batch succeeds with the transaction still open, invisible to other sessions,
    // and gone when the connection closes.
    let open = "BEGIN;\nCREATE TABLE \"E\" (\"id\" INTEGER);";
    let finding = only_finding(rule, "", open);
    assert_says(rule, &finding.message, &["still open", "25P02"]);
    let mut session = db.client();
    run(&mut session, open);
    assert!(!exists(&mut db.client(), "E"));
    // A failure inside that block leaves the session's transaction aborted: every later command fails with 25P02.
    assert_eq!(failure(&mut session, "SELECT 1 / 0;").0, "22012");
    assert_eq!(failure(&mut session, "SELECT 1;").0, "25P02");
    drop(session);
    assert!(!exists(&mut db.client(), "E"));
    // BEGIN ... COMMIT around the whole file changes nothing.
    let whole = "BEGIN;\nCREATE TABLE \"F\" (\"id\" INTEGER);\nCREATE TABLE \"G\" (\"id\" INTEGER);\nCOMMIT;";
    assert!(lint_rule(rule, "", whole).is_empty());
    run(&mut c, whole);
    assert!(exists(&mut c, "F") && exists(&mut c, "G"));
}

#[test]
fn enum_value_used_in_the_same_batch_fails() {
    let rule = "enum-value-in-transaction";
    let (ex, finding) = bad(rule);
    assert_says(rule, &finding.message, &["unsafe use of new value"]);
    let db = db_or_skip!("truth_evt");
    db.run(&ex.setup);
    let mut c = db.client();
    fill(&mut c, "\"User\"", 100);
    let (state, message) = failure(&mut c, &ex.migration);
    assert_eq!(state, "55P04");
    assert!(message.contains("unsafe use of new value"), "{message}");
    // Committed on its own first, the value is usable.
    run(&mut c, &good(rule).migration);
    run(
        &mut c,
        "UPDATE \"User\" SET \"role\" = 'EDITOR' WHERE \"id\" = 'v1'",
    );
}

/// The query a running Prisma Client sends: every scalar column by name.
fn client_query(columns: &[&str], table: &str) -> String {
    let list: Vec<String> = columns.iter().map(|c| quoted(c)).collect();
    format!("SELECT {} FROM {} LIMIT 10", list.join(", "), quoted(table))
}

/// The bad example holds the lock its rule claims, and once it has run, the previous Prisma Client's query (which
/// selects `columns` of `table` by name) fails with `code`. Returns the connection for further checks.
fn assert_breaks_old_client(
    db: &Db,
    rule: &str,
    ex: &Example,
    table: &str,
    columns: &[&str],
    code: &str,
) -> Client {
    db.run(&ex.setup);
    let mut c = db.client();
    fill(&mut c, &quoted(table), ROWS);
    let old_client = client_query(columns, table);
    run(&mut c, &old_client);
    let mut held = Held::start(db, &ex.migration);
    held.assert_claim(db, rule, table);
    held.rollback();
    run(&mut c, &ex.migration);
    assert_eq!(failure(&mut c, &old_client).0, code);
    c
}

#[test]
fn drop_column_breaks_running_clients() {
    let rule = "drop-column";
    let (ex, finding) = bad(rule);
    assert_says(
        rule,
        &finding.message,
        &["deletes its data", "queries on \"User\" fail"],
    );
    let db = db_or_skip!("truth_dc");
    assert_breaks_old_client(&db, rule, &ex, "User", &["id", "nickname"], "42703");
}

#[test]
fn drop_table_breaks_running_clients() {
    let rule = "drop-table";
    let (ex, finding) = bad(rule);
    assert_says(rule, &finding.message, &["deletes all its rows", "fails"]);
    let db = db_or_skip!("truth_dt");
    assert_breaks_old_client(&db, rule, &ex, "Session", &["id", "token"], "42P01");
}

#[test]
fn rename_without_map_loses_the_values() {
    let rule = "rename-without-map";
    let (ex, finding) = bad(rule);
    assert_says(
        rule,
        &finding.message,
        &["deletes every value of \"name\"", "select \"name\" fail"],
    );
    let db = db_or_skip!("truth_rwm");
    let mut c = assert_breaks_old_client(&db, rule, &ex, "User", &["id", "name"], "42703");
    assert_eq!(
        count(
            &mut c,
            "SELECT count(*) FROM \"User\" WHERE \"fullName\" IS NULL"
        ),
        ROWS,
        "the renamed column kept values"
    );
}

#[test]
fn fk_without_index_scans_the_child_on_parent_delete() {
    let rule = "fk-without-index";
    let (ex, finding) = bad(rule);
    assert_says(
        rule,
        &finding.message,
        &["every DELETE or key update on \"User\" scans \"Post\""],
    );
    let db = db_or_skip!("truth_fwi");
    db.run(&ex.setup);
    db.run(&ex.migration);
    let mut c = db.client();
    fill(&mut c, "\"User\"", ROWS);
    // Posts reference the first half of the users; the rest can be deleted.
    run(
        &mut c,
        "INSERT INTO \"Post\" SELECT 'p' || g, 'v' || (g % 10000 + 1) FROM generate_series(1, 20000) g; ANALYZE \"Post\";",
    );
    let delete = "DELETE FROM \"User\" WHERE \"id\" = 'v15000';";
    let mut held = Held::start(&db, delete);
    assert!(
        held.seq_scans("Post") > 0,
        "deleting a parent did not scan Post"
    );
    held.rollback();

    // With the suggested index (run as its own batch), the check uses it instead.
    let suggestion = finding
        .suggestion
        .expect("fk-without-index suggests an index");
    for migration in &suggestion.sql {
        run(&mut c, &migration.join("\n"));
    }
    let mut held = Held::start(&db, delete);
    assert_eq!(
        held.seq_scans("Post"),
        0,
        "the suggested index is not used by the check"
    );
    held.rollback();
}

/// The lock `missing-lock-timeout` names for a statement, parsed from `needs a(n) MODE lock on "T"`.
fn claimed_lock(message: &str) -> Option<(String, String)> {
    let rest = message.split_once("needs ")?.1;
    let rest = rest
        .strip_prefix("an ")
        .or_else(|| rest.strip_prefix("a "))?;
    let (mode, rest) = rest.split_once(" lock on ")?;
    let table = rest.split(' ').next()?.trim_matches('"').to_string();
    Some((mode.to_string(), table))
}

/// For each statement, the strongest lock `missing-lock-timeout` says it needs is the one PostgreSQL takes, on that
/// table, and a statement it says nothing about takes no lock that blocks traffic.
#[test]
fn lock_modes_named_by_the_linter_are_the_ones_postgres_takes() {
    let rule = "missing-lock-timeout";
    let setup = r#"CREATE TABLE "User" ("id" TEXT NOT NULL, "n" INTEGER, "req" TEXT NOT NULL DEFAULT '', CONSTRAINT "User_pkey" PRIMARY KEY ("id"));
CREATE TABLE "Post" ("id" TEXT NOT NULL, "authorId" TEXT, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));
CREATE INDEX "Post_authorId_idx" ON "Post"("authorId");
CREATE UNIQUE INDEX "User_n_key" ON "User"("n");
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") NOT VALID;
ALTER TABLE "User" ADD CONSTRAINT "User_n_check" CHECK ("n" > 0) NOT VALID;
CREATE FUNCTION "touch"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE POLICY "p" ON "User" USING (true);
"#;
    let statements = [
        r#"ALTER TABLE "User" ADD COLUMN "bio" TEXT;"#,
        r#"ALTER TABLE "User" DROP COLUMN "req";"#,
        r#"ALTER TABLE "User" RENAME COLUMN "req" TO "required";"#,
        r#"ALTER TABLE "User" RENAME TO "Person";"#,
        r#"ALTER TABLE "User" ALTER COLUMN "n" SET DEFAULT 1;"#,
        r#"ALTER TABLE "User" ALTER COLUMN "req" DROP DEFAULT;"#,
        r#"ALTER TABLE "User" ALTER COLUMN "req" DROP NOT NULL;"#,
        r#"ALTER TABLE "User" ALTER COLUMN "n" SET NOT NULL;"#,
        r#"ALTER TABLE "User" ALTER COLUMN "n" SET DATA TYPE BIGINT;"#,
        r#"ALTER TABLE "Post" ADD CONSTRAINT "Post_author2_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") NOT VALID;"#,
        r#"ALTER TABLE "Post" VALIDATE CONSTRAINT "Post_authorId_fkey";"#,
        r#"ALTER TABLE "User" VALIDATE CONSTRAINT "User_n_check";"#,
        r#"ALTER TABLE "User" ADD CONSTRAINT "User_req_check" CHECK ("req" <> 'x') NOT VALID;"#,
        r#"ALTER TABLE "User" ADD CONSTRAINT "User_n_unique" UNIQUE USING INDEX "User_n_key";"#,
        r#"ALTER TABLE "User" DROP CONSTRAINT "User_n_check";"#,
        r#"ALTER TABLE "Post" DROP CONSTRAINT "Post_authorId_fkey";"#,
        r#"ALTER TABLE "User" RENAME CONSTRAINT "User_n_check" TO "User_n_positive";"#,
        r#"CREATE INDEX "User_req_idx" ON "User"("req");"#,
        r#"DROP INDEX "Post_authorId_idx";"#,
        r#"REINDEX TABLE "Post";"#,
        r#"CLUSTER "Post" USING "Post_pkey";"#,
        r#"TRUNCATE TABLE "Post";"#,
        r#"DROP TABLE "Post";"#,
        r#"UPDATE "User" SET "n" = 100000 WHERE "id" = 'v1';"#,
        r#"INSERT INTO "User" ("id") VALUES ('new');"#,
        r#"DELETE FROM "Post" WHERE "id" = 'v1';"#,
        r#"CREATE TABLE "Comment" ("id" TEXT NOT NULL, "postId" TEXT NOT NULL REFERENCES "Post"("id"));"#,
        r#"CREATE TRIGGER "User_touch" BEFORE UPDATE ON "User" FOR EACH ROW EXECUTE FUNCTION "touch"();"#,
        r#"ALTER TABLE "User" SET (fillfactor = 70);"#,
        r#"COMMENT ON TABLE "User" IS 'people';"#,
        r#"ALTER TABLE "User" DISABLE TRIGGER ALL;"#,
        r#"ALTER TABLE "User" ENABLE ROW LEVEL SECURITY;"#,
        r#"CREATE POLICY "own" ON "User" USING (true);"#,
        r#"ALTER TABLE "User" REPLICA IDENTITY FULL;"#,
        r#"GRANT SELECT ON "User" TO PUBLIC;"#,
        r#"ALTER TABLE "User" ALTER COLUMN "id" SET STATISTICS 100;"#,
        r#"ALTER TABLE "User" OWNER TO CURRENT_USER;"#,
        r#"ANALYZE "User";"#,
        r#"ALTER TABLE "User" SET (fillfactor = 70), ENABLE TRIGGER ALL;"#,
        r#"ALTER TABLE "User" ALTER COLUMN "n" SET STORAGE PLAIN;"#,
        r#"ALTER TABLE "User" SET SCHEMA public;"#,
        r#"ALTER POLICY "p" ON "User" USING (false);"#,
    ];
    let db = db_or_skip!("truth_locks");
    let mut c = db.client();
    run(&mut c, setup);
    fill(&mut c, "\"User\"", 1000);
    fill(&mut c, "\"Post\"", 1000);
    let mut mismatches = Vec::new();
    for statement in statements {
        let claimed = lint_rule(rule, setup, statement)
            .first()
            .map(|f| claimed_lock(&f.message).expect("a lock in the message"));
        let held = Held::start(&db, statement);
        let observed: Vec<(String, String)> = ["User", "Post"]
            .iter()
            .filter_map(|t| held.lock(&db, t).map(|m| (m, t.to_string())))
            .collect();
        held.rollback();
        let blocking: Vec<&(String, String)> = observed
            .iter()
            .filter(|(m, _)| mode_rank(m) >= mode_rank("SHARE"))
            .collect();
        let agrees = match &claimed {
            None => blocking.is_empty(),
            Some((mode, table)) => {
                observed.iter().any(|(m, t)| m == mode && t == table)
                    && observed
                        .iter()
                        .all(|(m, _)| mode_rank(m) <= mode_rank(mode))
            }
        };
        if !agrees {
            mismatches.push(format!(
                "{statement}\n    linter: {claimed:?}\n    PostgreSQL: {observed:?}"
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{rule} names other locks than PostgreSQL takes:\n{}",
        mismatches.join("\n")
    );
}

#[test]
fn missing_lock_timeout_queues_traffic_behind_the_migration() {
    let rule = "missing-lock-timeout";
    let (ex, finding) = bad(rule);
    assert_says(
        rule,
        &finding.message,
        &["no lock_timeout is set", "queues behind the migration"],
    );
    let db = db_or_skip!("truth_mlt");
    db.run(&ex.setup);
    fill(&mut db.client(), "\"User\"", 1000);
    // A long-running reader, then the migration.
    let mut reader = db.client();
    run(&mut reader, "BEGIN; SELECT count(*) FROM \"User\";");
    let (pid, migration) = spawn_batch(&db, &ex.migration);
    let mode = waiting_lock(&db, pid, "User");
    assert_eq!(mode, claim(rule).lock);
    let (read_ok, write_ok) = probe(&db, "User");
    assert_says(rule, &finding.message, &[&mode]);
    assert_blocks(rule, &finding.message, read_ok, write_ok);
    run(&mut reader, "COMMIT");
    migration
        .join()
        .unwrap()
        .expect("the migration completes once the reader ends");

    // The good example gives up after its lock_timeout instead of queueing everyone.
    let ok = good(rule);
    let db = db_or_skip!("truth_mlt_good");
    db.run(&ok.setup);
    let mut reader = db.client();
    run(&mut reader, "BEGIN; SELECT count(*) FROM \"User\";");
    let (state, _) = failure(&mut db.client(), &ok.migration);
    assert_eq!(state, "55P03");
    run(&mut reader, "COMMIT");
}

#[test]
fn long_lock_chain_holds_the_first_lock_until_the_batch_ends() {
    let rule = "long-lock-chain";
    let (ex, finding) = bad(rule);
    assert_says(
        rule,
        &finding.message,
        &["is still held", "\"User\" stays blocked"],
    );
    let db = db_or_skip!("truth_llc");
    db.run(&ex.setup);
    fill(&mut db.client(), "\"User\"", 1000);
    fill(&mut db.client(), "\"Post\"", ROWS);
    // An open write on Post keeps the second statement (CREATE INDEX) waiting, standing in for a slow build.
    let mut writer = db.client();
    run(&mut writer, "BEGIN; DELETE FROM \"Post\" WHERE false;");
    // A longer lock_timeout, so a slow machine cannot time out the wait this test causes on purpose.
    let (pid, migration) = spawn_batch(&db, &ex.migration.replace("'5s'", "'60s'"));
    assert_eq!(waiting_lock(&db, pid, "Post"), "SHARE");
    // Meanwhile the first statement's lock on User is still held: User traffic is blocked.
    let held = strongest_lock(&mut db.client(), pid, "User", true);
    assert_eq!(held.as_deref(), Some(claim(rule).lock));
    let (read_ok, write_ok) = probe(&db, "User");
    assert_says(rule, &finding.message, &[claim(rule).lock]);
    assert_blocks(rule, &finding.message, read_ok, write_ok);
    run(&mut writer, "COMMIT");
    migration.join().unwrap().expect("the migration completes");
}

#[test]
fn long_lock_chain_validate_scans_under_the_held_access_exclusive_lock() {
    let rule = "long-lock-chain";
    let setup = "CREATE TABLE \"User\" (\"id\" TEXT NOT NULL, CONSTRAINT \"User_pkey\" PRIMARY KEY (\"id\"));
CREATE TABLE \"Post\" (\"id\" TEXT NOT NULL, \"authorId\" TEXT NOT NULL, CONSTRAINT \"Post_pkey\" PRIMARY KEY (\"id\"));
ALTER TABLE \"Post\" ADD CONSTRAINT \"Post_authorId_fkey\" FOREIGN KEY (\"authorId\") REFERENCES \"User\"(\"id\") NOT VALID;";
    let migration = "SET lock_timeout = '5s';
ALTER TABLE \"Post\" ADD COLUMN \"title\" TEXT;
ALTER TABLE \"Post\" VALIDATE CONSTRAINT \"Post_authorId_fkey\";";
    let finding = only_finding(rule, setup, migration);
    assert_says(
        rule,
        &finding.message,
        &["VALIDATE CONSTRAINT", "ACCESS EXCLUSIVE", "line 2"],
    );
    let db = db_or_skip!("truth_llc_validate");
    db.run(setup);
    fill(&mut db.client(), "\"User\"", ROWS);
    fill(&mut db.client(), "\"Post\"", ROWS);
    // Inside one transaction, as Prisma runs the file: the VALIDATE scanned Post while ACCESS EXCLUSIVE is held.
    let mut held = Held::start(&db, migration);
    assert!(held.seq_scans("Post") > 0, "VALIDATE did not scan Post");
    assert_eq!(held.lock(&db, "Post").as_deref(), Some("ACCESS EXCLUSIVE"));
    let (read_ok, write_ok) = probe(&db, "Post");
    assert!(!read_ok && !write_ok, "Post traffic was not blocked");
    held.rollback();
    // A constraint that is already valid is not checked again: no scan, no finding.
    let valid =
        "ALTER TABLE \"Post\" ADD CONSTRAINT \"Post_id_check\" CHECK (char_length(\"id\") > 0);";
    let again = "SET lock_timeout = '5s';
ALTER TABLE \"Post\" ADD COLUMN \"title\" TEXT;
ALTER TABLE \"Post\" VALIDATE CONSTRAINT \"Post_id_check\";";
    assert!(lint_rule(rule, &format!("{setup}\n{valid}"), again).is_empty());
    db.run(valid);
    let mut held = Held::start(&db, again);
    assert_eq!(
        held.seq_scans("Post"),
        0,
        "VALIDATE of a valid constraint scanned"
    );
    held.rollback();
}

#[test]
fn data_backfill_locks_every_row() {
    let rule = "data-backfill-in-migration";
    let (ex, finding) = bad(rule);
    assert_says(
        rule,
        &finding.message,
        &["locks every touched row until the migration ends"],
    );
    let db = db_or_skip!("truth_dbm");
    db.run(&ex.setup);
    fill(&mut db.client(), "\"User\"", ROWS);
    let held = assert_lock_claim(&db, rule, &ex.migration, &finding.message, &["User"]);
    // Reads and inserts go on, but an update of any row waits.
    let (state, _) = failure(
        &mut db.impatient(),
        "UPDATE \"User\" SET \"plan\" = 'pro' WHERE \"id\" = 'v12345'",
    );
    assert_eq!(state, "55P03");
    // ... and so does any schema change, as the message says.
    assert_says(rule, &finding.message, &["blocks other schema changes"]);
    let (state, _) = failure(
        &mut db.impatient(),
        "ALTER TABLE \"User\" ADD COLUMN \"other\" TEXT",
    );
    assert_eq!(state, "55P03");
    held.rollback();
}

/// An UPDATE whose WHERE pins no key is a backfill: `WHERE "plan" IS NULL` matched every row here, and each stays
/// locked until the migration commits.
#[test]
fn data_backfill_with_a_where_on_data_locks_every_matching_row() {
    let rule = "data-backfill-in-migration";
    let (ex, _) = bad(rule);
    let migration = "UPDATE \"User\" SET \"plan\" = 'free' WHERE \"plan\" IS NULL;";
    let finding = only_finding(rule, &ex.setup, migration);
    assert_says(
        rule,
        &finding.message,
        &["pins no key", "locks every touched row"],
    );
    let pinned = "UPDATE \"User\" SET \"plan\" = 'free' WHERE \"id\" = 'v1';";
    assert!(lint_rule(rule, &ex.setup, pinned).is_empty());
    let db = db_or_skip!("truth_dbm_where");
    db.run(&ex.setup);
    fill(&mut db.client(), "\"User\"", ROWS);
    run(&mut db.client(), "UPDATE \"User\" SET \"plan\" = NULL");
    let held = Held::start(&db, migration);
    let (state, _) = failure(
        &mut db.impatient(),
        "UPDATE \"User\" SET \"plan\" = 'pro' WHERE \"id\" = 'v12345'",
    );
    assert_eq!(state, "55P03");
    held.rollback();
}

#[test]
fn truncate_deletes_every_row_under_access_exclusive() {
    let rule = "truncate";
    let (ex, finding) = bad(rule);
    assert_says(rule, &finding.message, &["deletes every row"]);
    let db = db_or_skip!("truth_tr");
    db.run(&ex.setup);
    let mut c = db.client();
    fill(&mut c, "\"Session\"", ROWS);
    assert_lock_claim(&db, rule, &ex.migration, &finding.message, &["Session"]).rollback();
    run(&mut c, &ex.migration);
    assert_eq!(count(&mut c, "SELECT count(*) FROM \"Session\""), 0);
}

#[test]
fn drop_schema_deletes_its_tables() {
    let rule = "drop-schema-or-database";
    let (ex, finding) = bad(rule);
    assert_says(rule, &finding.message, &["deletes every table"]);
    let db = db_or_skip!("truth_dsd");
    let mut c = db.client();
    run(
        &mut c,
        "CREATE SCHEMA \"analytics\"; CREATE TABLE \"analytics\".\"Event\" (\"id\" TEXT PRIMARY KEY);",
    );
    fill(&mut c, "\"analytics\".\"Event\"", 100);
    let held = Held::start(&db, &ex.migration);
    let table = "analytics\".\"Event"; // quoted() makes it "analytics"."Event"
    assert_eq!(held.lock(&db, table).as_deref(), Some(claim(rule).lock));
    held.rollback();
    run(&mut c, &ex.migration);
    assert_eq!(
        failure(&mut c, "SELECT \"id\" FROM \"analytics\".\"Event\"").0,
        "42P01"
    );
}

#[test]
fn rewrite_commands_rewrite_under_access_exclusive() {
    let rule = "table-rewrite-command";
    let (ex, finding) = bad(rule);
    assert_says(rule, &finding.message, &["rewrites \"Event\""]);
    let db = db_or_skip!("truth_trc");
    db.run(&ex.setup);
    let mut c = db.client();
    fill(&mut c, "\"Event\"", ROWS);
    // The page's CLUSTER runs in a transaction block, so its lock is held open.
    assert_lock_claim(&db, rule, &ex.migration, &finding.message, &["Event"]).rollback();

    // VACUUM FULL refuses a transaction block (alone in its file it runs), so its lock is observed while it waits
    // behind a reader.
    let vacuum = "VACUUM FULL \"Event\";";
    let vacuum_finding = lint_rule(rule, &ex.setup, vacuum);
    assert_eq!(vacuum_finding.len(), 1, "{rule} misses VACUUM FULL");
    let message = &vacuum_finding[0].message;
    let before = filenode(&mut c, "Event");
    let mut reader = db.client();
    run(&mut reader, "BEGIN; SELECT count(*) FROM \"Event\";");
    let (pid, migration) = spawn_batch(&db, vacuum);
    let mode = waiting_lock(&db, pid, "Event");
    assert_eq!(mode, claim(rule).lock);
    assert_says(rule, message, &[&mode, "rewrites \"Event\""]);
    // Queued behind the reader, the request already blocks new traffic the way the granted lock will.
    let (read_ok, write_ok) = probe(&db, "Event");
    assert_blocks(rule, message, read_ok, write_ok);
    run(&mut reader, "COMMIT");
    migration.join().unwrap().expect("VACUUM FULL completes");
    assert_ne!(
        filenode(&mut c, "Event"),
        before,
        "VACUUM FULL did not rewrite"
    );
}

#[test]
fn long_identifier_is_truncated() {
    let rule = "identifier-too-long";
    let (ex, finding) = bad(rule);
    let db = db_or_skip!("truth_itl");
    let mut c = db.client();
    run(&mut c, &ex.migration);
    let stored: String = c
        .query_one(
            "SELECT attname::text FROM pg_attribute WHERE attrelid = '\"Subscription\"'::regclass AND attnum = 2",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(stored.len(), 63);
    assert_says(
        rule,
        &finding.message,
        &[&format!("(\"{stored}\")"), "63 bytes"],
    );
}

#[test]
fn renamed_enum_value_rejects_the_old_label() {
    let rule = "rename-enum-value";
    let (ex, finding) = bad(rule);
    assert_says(rule, &finding.message, &["rejected as invalid input"]);
    let db = db_or_skip!("truth_rev");
    let mut c = db.client();
    run(&mut c, &ex.setup);
    run(&mut c, "SELECT 'DISABLED'::\"Status\"");
    run(&mut c, &ex.migration);
    assert_eq!(failure(&mut c, "SELECT 'DISABLED'::\"Status\"").0, "22P02");
}

// ---------------------------------------------------------------------------------------------------------------
// Fix suggestions, run as Prisma runs them

/// Rules whose findings need an applied history (a git ref or a database): their fix restores files, see
/// tests/applied_git.rs.
const APPLIED_HISTORY_RULES: &[&str] = &[
    "edited-applied-migration",
    "migration-out-of-order",
    "failed-migration",
];

/// Rules whose fix is meant to change rows, so their data is not compared.
const CHANGES_DATA: &[(&str, &str)] = &[
    (
        "data-backfill-in-migration",
        "the fix still writes the rows, in batches",
    ),
    ("truncate", "the fix still deletes the rows"),
    ("drop-schema-or-database", "the fix still drops the schema"),
];

/// Per column of every table: non-NULL count and a digest of the values (as text, sorted), plus the row count.
fn fingerprint(c: &mut Client) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for table in user_tables(c) {
        out.insert(
            format!("{table} rows"),
            count(c, &format!("SELECT count(*) FROM {table}")).to_string(),
        );
        let columns: Vec<String> = c
            .query(
                "SELECT quote_ident(attname) FROM pg_attribute WHERE attrelid = $1::text::regclass \
                 AND attnum > 0 AND NOT attisdropped",
                &[&table],
            )
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        for col in columns {
            let row = c
                .query_one(
                    &format!(
                        "SELECT count({col})::text || ' ' || md5(coalesce(string_agg({col}::text, ',' ORDER BY {col}::text), '')) FROM {table}"
                    ),
                    &[],
                )
                .unwrap();
            out.insert(format!("{table}.{col}"), row.get(0));
        }
    }
    out
}

fn filenodes(c: &mut Client) -> BTreeMap<String, u32> {
    user_tables(c)
        .into_iter()
        .map(|t| {
            let node: u32 = c
                .query_one("SELECT pg_relation_filenode($1::text::regclass)", &[&t])
                .unwrap()
                .get(0);
            (t, node)
        })
        .collect()
}

/// A statement the user runs repeatedly until it changes nothing (the suggested batched backfill).
fn is_batch(statements: &[String]) -> bool {
    statements.len() == 1 && {
        let s = statements[0].to_ascii_uppercase();
        s.starts_with("UPDATE") && s.contains(" LIMIT ")
    }
}

/// Runs one suggested migration like `prisma migrate deploy` does, after checking, inside a held transaction, that
/// any lock blocking traffic on a table is only a catalog update (no scan, no rewrite of that table).
fn run_suggested_migration(db: &Db, context: &str, statements: &[String]) {
    let sql = statements.join("\n");
    if sql.to_ascii_uppercase().contains("CONCURRENTLY") {
        assert_eq!(
            statements.len(),
            1,
            "{context}: CONCURRENTLY shares its migration with other statements: {sql}"
        );
    }
    let mut c = db.client();
    if is_batch(statements) {
        // As the note says: repeat until no row is left to update.
        for _ in 0..1000 {
            let changed = c
                .execute(statements[0].as_str(), &[])
                .unwrap_or_else(|e| panic!("{context}: {sql}: {}", describe(&e)));
            if changed == 0 {
                return;
            }
        }
        panic!("{context}: the batch never finished: {sql}");
    }
    let tables = user_tables(&mut c);
    match Held::try_start(db, &sql) {
        Ok(mut held) => {
            for table in &tables {
                let name = table.trim_matches('"');
                let Some(mode) = held.lock(db, name) else {
                    continue;
                };
                if mode_rank(&mode) < mode_rank("SHARE") {
                    continue;
                }
                // NULL when the migration drops the table, which is no rewrite.
                let node: Option<u32> = held
                    .client
                    .query_one("SELECT pg_relation_filenode(to_regclass($1))", &[table])
                    .unwrap()
                    .get(0);
                assert!(
                    node.is_none() || node == Some(filenode(&mut c, name)),
                    "{context}: rewrites {table} under {mode}: {sql}"
                );
                assert_eq!(
                    held.seq_scans(name),
                    0,
                    "{context}: scans {table} under {mode}: {sql}"
                );
            }
            held.rollback();
        }
        // Not allowed in a transaction block (CONCURRENTLY, VACUUM): it must be alone in its file.
        Err(e) if sqlstate(&e) == "25001" => assert_eq!(
            statements.len(),
            1,
            "{context}: {sql} fails in a transaction block and shares its file"
        ),
        Err(e) => panic!("{context}: {sql}: {}", describe(&e)),
    }
    if let Err(e) = c.batch_execute(&sql) {
        panic!(
            "{context}: the suggested migration fails: {sql}: {}",
            describe(&e)
        );
    }
}

/// Applies one suggestion to a database holding the before-schema and rows; returns a reason when there is nothing
/// to run.
fn check_suggestion(rule: &str, ex: &Example, suggestion: &Suggestion, n: usize) -> Option<String> {
    let context = format!("{rule} ({})", suggestion.summary);
    if suggestion.sql.is_empty() {
        return Some(format!("{context}: no SQL, only a schema edit or notes"));
    }
    let db = Db::new(&format!("truth_fix_{n}"))?;
    let mut c = db.client();
    if !ex.setup.is_empty() {
        run(&mut c, &ex.setup);
    }
    for table in user_tables(&mut c) {
        fill(&mut c, &table, 5000);
    }
    let data_before = fingerprint(&mut c);
    let nodes_before = filenodes(&mut c);
    if suggestion.placement == Placement::After {
        run(&mut c, &ex.migration);
    }
    let now = suggestion.later_from.unwrap_or(suggestion.sql.len());
    for (i, migration) in suggestion.sql[..now].iter().enumerate() {
        run_suggested_migration(&db, &format!("{context} migration {}", i + 1), migration);
    }
    // Nothing is rewritten, every index is valid, and (unless the rule is about deleting) every value is kept.
    let nodes_after = filenodes(&mut c);
    for (table, node) in &nodes_before {
        if let Some(after) = nodes_after.get(table) {
            assert_eq!(after, node, "{context}: {table} was rewritten");
        }
    }
    assert_eq!(
        count(&mut c, "SELECT count(*) FROM pg_index WHERE NOT indisvalid"),
        0,
        "{context}: an index is left invalid"
    );
    if !CHANGES_DATA.iter().any(|(r, _)| *r == rule) {
        let data_after = fingerprint(&mut c);
        for (key, value) in &data_before {
            assert_eq!(
                data_after.get(key),
                Some(value),
                "{context}: {key} changed or is gone"
            );
        }
    }
    // The later release's migrations run too.
    for (i, migration) in suggestion.sql[now..].iter().enumerate() {
        run_suggested_migration(
            &db,
            &format!("{context} later migration {}", i + 1),
            migration,
        );
    }
    None
}

#[test]
fn suggested_fixes_run_on_postgres_and_keep_the_data() {
    if TestPg::shared_or_skip().is_none() {
        return;
    }
    let mut checked = Vec::new();
    let mut skipped = Vec::new();
    let mut n = 0;
    for rule in RULES {
        if APPLIED_HISTORY_RULES.contains(&rule.id) {
            skipped.push(format!("{}: needs an applied history", rule.id));
            continue;
        }
        let ex = example(rule.doc, "Bad");
        let findings = lint_rule(rule.id, &ex.setup, &ex.migration);
        let mut any = false;
        for finding in &findings {
            let mut next = finding.suggestion.as_deref();
            while let Some(suggestion) = next {
                any = true;
                n += 1;
                match check_suggestion(rule.id, &ex, suggestion, n) {
                    Some(reason) => skipped.push(reason),
                    None => checked.push(format!("{} ({})", rule.id, suggestion.summary)),
                }
                next = suggestion.alternative.as_deref();
            }
        }
        if !any {
            skipped.push(format!("{}: no suggestion on its bad example", rule.id));
        }
    }
    println!("checked:\n  {}", checked.join("\n  "));
    println!("skipped:\n  {}", skipped.join("\n  "));
    assert!(
        checked.len() >= 4,
        "too few suggestions were run: {checked:?}"
    );
}

// ---------------------------------------------------------------------------------------------------------------
// The generated table and coverage of the claims

/// Words in a message that claim something PostgreSQL does at runtime.
const CLAIM_WORDS: &[&str] = &[
    " lock",
    "rewrite",
    "scan",
    "fail",
    "error",
    "SQLSTATE",
    "deletes",
    "truncates",
    "rejected",
];

#[test]
fn every_runtime_claim_has_a_truth_test() {
    let source = include_str!("truth.rs");
    for rule in RULES {
        if APPLIED_HISTORY_RULES.contains(&rule.id) {
            continue;
        }
        let ex = example(rule.doc, "Bad");
        let claims_something = lint_rule(rule.id, &ex.setup, &ex.migration)
            .iter()
            .any(|d| CLAIM_WORDS.iter().any(|w| d.message.contains(w)));
        let known = CLAIMS.iter().any(|c| c.rule == rule.id);
        assert!(
            !claims_something || known || NO_RUNTIME_CLAIM.iter().any(|(r, _)| *r == rule.id),
            "{}: its message claims runtime behaviour but has no truth test",
            rule.id
        );
    }
    for c in CLAIMS {
        assert!(find(c.rule).is_some(), "claim for unknown rule {}", c.rule);
        for test in c.tests {
            assert!(
                source.contains(&format!("#[test]\nfn {test}()")),
                "{}: no test named {test}",
                c.rule
            );
        }
    }
}

/// Rules whose words match `CLAIM_WORDS` but claim nothing a database can show.
const NO_RUNTIME_CLAIM: &[(&str, &str)] = &[
    ("unparsed-statement", "about the linter's parser"),
    ("ignore-without-reason", "about a suppression comment"),
    ("unused-ignore", "about a suppression comment"),
];

fn rules_readme() -> String {
    let mut out = String::from(
        "# What each rule claims, proven on PostgreSQL 15\n\n\
         Generated by `tests/truth.rs` (`MIGRATE_LINT_BLESS=1 cargo test --test truth` rewrites it). Each row is \
         observed on a real server: the lock from `pg_locks` of the migrating backend, what it blocks by probing \
         from another connection, a rewrite by `pg_relation_filenode`, a scan by `pg_stat_xact_user_tables`. The \
         test also checks that the rule's message says what was observed. Fix suggestions are run as Prisma runs \
         migrations in `suggested_fixes_run_on_postgres_and_keep_the_data`.\n\n\
         | rule | lock mode | blocks | rewrite? | observed | proven by |\n|---|---|---|---|---|---|\n",
    );
    for rule in RULES {
        let Some(c) = CLAIMS.iter().find(|c| c.rule == rule.id) else {
            continue;
        };
        let or_dash = |s: &str| {
            if s.is_empty() {
                "—".to_string()
            } else {
                s.to_string()
            }
        };
        out.push_str(&format!(
            "| [`{}`]({}.md) | {} | {} | {} | {} | {} |\n",
            c.rule,
            c.rule,
            or_dash(c.lock),
            or_dash(c.blocks),
            or_dash(c.rewrite),
            c.hazard,
            c.tests
                .iter()
                .map(|t| format!("`{t}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    out
}

#[test]
fn rules_readme_is_up_to_date() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/rules/README.md");
    let expected = rules_readme();
    if std::env::var("MIGRATE_LINT_BLESS").as_deref() == Ok("1") {
        std::fs::write(path, &expected).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == expected,
        "rules/README.md is out of date: run `MIGRATE_LINT_BLESS=1 cargo test --test truth rules_readme`"
    );
}
