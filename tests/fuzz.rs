//! A deterministic fuzz test over the whole pipeline (split → parse → lower → catalog → rules): random migrations
//! built from SQL fragments never panic, every diagnostic span lies inside its file on char boundaries, and the last
//! file linted alone (replaying only what matters to it) finds what the full replay finds.
//! `fuzz/` holds the coverage-guided version of the same property for longer runs.

mod support;

// The fuzz crate's checks and inputs, shared so the two cannot drift apart.
#[path = "../fuzz/src/lib.rs"]
#[allow(dead_code)] // FILE_SEPARATOR serves only the fuzz crate's history target
mod fuzz_checks;

use fuzz_checks::{deep_chain, lint_and_check, migration, CHAIN_LINKS};
use migrate_lint::rules::settings::Settings;
use migrate_lint::syntax::source::SourceFile;
use support::lint::lint as lint_history;
use support::random::Lcg;

const FRAGMENTS: &[&str] = &[
    "CREATE TABLE ",
    "ALTER TABLE ",
    "DROP TABLE ",
    "CREATE UNIQUE INDEX ",
    "CREATE INDEX CONCURRENTLY ",
    "DROP INDEX ",
    "CONCURRENTLY ",
    "IF EXISTS ",
    "ADD COLUMN ",
    "DROP COLUMN ",
    "RENAME COLUMN ",
    " TO ",
    "RENAME TO ",
    "ALTER COLUMN ",
    "SET NOT NULL",
    "SET DATA TYPE ",
    "TYPE ",
    "ADD CONSTRAINT ",
    "FOREIGN KEY ",
    "REFERENCES ",
    "PRIMARY KEY ",
    "UNIQUE ",
    "CHECK ",
    "NOT VALID",
    "VALIDATE CONSTRAINT ",
    "USING INDEX ",
    "NOT NULL ",
    "DEFAULT ",
    "gen_random_uuid()",
    "now()",
    "'x'",
    "''",
    "E'\\''",
    "\"User\"",
    "\"Post\"",
    "\"a\"",
    "\"b\"",
    "public.",
    "users",
    "id",
    "TEXT",
    "INTEGER",
    "VARCHAR(3)",
    "\"Role\"",
    "CREATE TYPE ",
    "AS ENUM ",
    "ALTER TYPE ",
    "ADD VALUE ",
    "DO $$ BEGIN ",
    " END $$",
    "$$",
    "$t$",
    "(",
    ")",
    ",",
    ";",
    ";\n",
    "\r\n",
    " ",
    "--x\n",
    "/*",
    "*/",
    "é",
    "\u{feff}",
    "BEGIN;",
    "COMMIT;",
    "UPDATE ",
    "SET ",
    "WHERE ",
    "INSERT INTO ",
    "SELECT ",
    "DELETE FROM ",
    "TRUNCATE ",
    "\\",
    "\"",
    "'",
    ".",
    "::",
    "[]",
];

fn random_migration(rng: &mut Lcg) -> String {
    let len = rng.next() % 60;
    (0..len)
        .map(|_| FRAGMENTS[rng.next() % FRAGMENTS.len()])
        .collect()
}

#[test]
fn random_histories_never_panic_and_spans_stay_in_their_files() {
    let mut rng = Lcg(0x5eed);
    for _ in 0..1500 {
        let files: Vec<SourceFile> = (0..1 + rng.next() % 4)
            .map(|i| migration(i, &random_migration(&mut rng)))
            .collect();
        lint_and_check(&files, &vec![true; files.len()]);
        // Linting the last file alone replays only what matters to it, and must find what the full replay finds.
        let mut only_last = vec![false; files.len()];
        only_last[files.len() - 1] = true;
        lint_and_check(&files, &only_last);
    }
}

/// Issue #18 case 1 through the library, on the caller's thread (a test thread's small stack): a chain of 30,000
/// links of each kind, within the guard or past it, is linted on the linter's own deep stacks, never overflowing.
#[test]
fn deep_operator_chains_never_overflow_the_stack() {
    let [low, high] = 30_000u16.to_le_bytes();
    for (i, link) in CHAIN_LINKS.iter().enumerate() {
        // The fuzz target's input: which link and statement (each link with one of the four statements), how many
        // links, then the text after the chain.
        let pick = (i + CHAIN_LINKS.len() * (i % 4)) as u8;
        let mut data = vec![pick, low, high];
        data.extend_from_slice(b"\nDROP SCHEMA \"archive\";\n");
        let files = [migration(0, &deep_chain(&data))];
        let result = lint_history(&files, &[true], &Settings::default());
        assert!(
            result
                .diagnostics
                .iter()
                .any(|d| d.rule == "drop-schema-or-database"),
            "{link}: the statement after the chain is linted"
        );
    }
}
