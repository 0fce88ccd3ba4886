//! A deterministic fuzz test over the whole pipeline (split → parse → lower → catalog → rules): random migrations
//! built from SQL fragments never panic, every diagnostic span lies inside its file on char boundaries, and the last
//! file linted alone (replaying only what matters to it) finds what the full replay finds.
//! `fuzz/` holds the coverage-guided version of the same property for longer runs.

mod support;

use migrate_lint::engine::lint::{lint_history_replaying, Replayed};
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
    for round in 0..1500 {
        let files: Vec<SourceFile> = (0..1 + rng.next() % 4)
            .map(|i| {
                let name = format!("{round}_{i}");
                SourceFile::new(
                    name.clone().into(),
                    name.clone(),
                    name,
                    random_migration(&mut rng),
                )
            })
            .collect();
        let report = vec![true; files.len()];
        let result = lint_history(&files, &report, &Settings::default());
        // Linting the last file alone replays only what matters to it, and must find the same.
        let last = files.len() - 1;
        let mut only_last = vec![false; files.len()];
        only_last[last] = true;
        let alone =
            lint_history_replaying(&files, &only_last, &Settings::default(), Replayed::Needed);
        assert_eq!(
            alone.diagnostics.iter().collect::<Vec<_>>(),
            result
                .diagnostics
                .iter()
                .filter(|d| d.file == last)
                .collect::<Vec<_>>(),
            "round {round}: the last file alone differs from the full replay: {:#?}",
            files.iter().map(|f| &f.text).collect::<Vec<_>>()
        );
        for d in &result.diagnostics {
            let text = &files[d.file].text;
            assert!(
                d.span.start <= d.span.end && d.span.end <= text.len(),
                "round {round}: span {:?} outside {} bytes ({})",
                d.span,
                text.len(),
                d.rule
            );
            assert!(
                text.is_char_boundary(d.span.start) && text.is_char_boundary(d.span.end),
                "round {round}: span {:?} splits a character ({})",
                d.span,
                d.rule
            );
        }
    }
}

/// The links of `fuzz/`'s `deep_chain` target: each parses into a tree as deep as the chain is long.
const CHAIN_LINKS: &[&str] = &[
    " OR \"id\" = 1",
    " AND \"id\"",
    " || 'a'",
    "::int",
    "[1]",
    " UNION ALL SELECT 1",
    " + 1",
    " -> 'a'",
    " IS NOT NULL",
    " COLLATE \"C\"",
    " AT TIME ZONE 'UTC'",
];

/// Issue #18 case 1 through the library, on the caller's thread (a test thread's small stack): a chain of 30,000
/// links of each kind, within the guard or past it, is linted on the linter's own deep stacks, never overflowing.
#[test]
fn deep_operator_chains_never_overflow_the_stack() {
    for (i, link) in CHAIN_LINKS.iter().enumerate() {
        let head = [
            "SELECT 1",
            "DELETE FROM \"T\" WHERE \"id\" = 0",
            "CREATE VIEW \"v\" AS SELECT 1",
        ][i % 3];
        let text = format!("{head}{};\nDROP TABLE \"T\";\n", link.repeat(30_000));
        let files = [
            ("1.sql", "CREATE TABLE \"T\" (\"id\" INTEGER);".to_string()),
            ("2.sql", text),
        ]
        .map(|(name, text)| SourceFile::new(name.into(), name.into(), name.into(), text));
        let result = lint_history(&files, &[true, true], &Settings::default());
        assert!(
            result.diagnostics.iter().any(|d| d.rule == "drop-table"),
            "{link}: the statement after the chain is linted"
        );
    }
}
