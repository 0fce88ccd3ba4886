//! The library's one entry point, `engine::session::lint`: options in, the run's files, findings and input errors out
//! (what the binary renders).

use std::fs;
use std::path::PathBuf;

use migrate_lint::engine::session::{lint, Options};
use migrate_lint::rules::diagnostic::Severity;

fn blog() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/blog/prisma/migrations")
}

#[test]
fn a_history_is_discovered_read_and_linted() {
    let outcome = lint(&Options {
        paths: vec![blog()],
        ..Options::default()
    })
    .unwrap();
    assert!(
        outcome.input_errors.is_empty(),
        "{:?}",
        outcome.input_errors
    );
    assert!(outcome.files.len() > 1);
    // Every migration is reported; the blog's schema.prisma comes after them, for schema-drift's findings on it.
    let migrations = outcome
        .files
        .iter()
        .filter(|f| f.path.ends_with("migration.sql"))
        .count();
    assert_eq!(outcome.reported_files, migrations);
    assert_eq!(outcome.files.len(), migrations + 1);
    assert!(
        outcome
            .diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error),
        "the blog fixture has errors"
    );
    for d in &outcome.diagnostics {
        assert!(outcome.files[d.file].text.len() >= d.span.end);
    }
}

#[test]
fn only_the_named_file_is_reported_and_a_missing_path_is_an_input_error() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("migrations");
    fs::create_dir_all(root.join("1_init")).unwrap();
    fs::create_dir_all(root.join("2_drop")).unwrap();
    fs::write(
        root.join("1_init/migration.sql"),
        "CREATE TABLE \"User\" (\"id\" TEXT NOT NULL, \"name\" TEXT);",
    )
    .unwrap();
    let last = root.join("2_drop/migration.sql");
    fs::write(
        &last,
        "SET lock_timeout = '1s';\nALTER TABLE \"User\" DROP COLUMN \"name\";",
    )
    .unwrap();
    let outcome = lint(&Options {
        paths: vec![last.clone(), dir.path().join("nowhere")],
        ..Options::default()
    })
    .unwrap();
    assert_eq!(outcome.reported_files, 1);
    let rules: Vec<_> = outcome
        .diagnostics
        .iter()
        .map(|d| (d.rule, outcome.files[d.file].path.clone()))
        .collect();
    assert_eq!(rules, [("drop-column", last)]);
    assert_eq!(outcome.input_errors.len(), 1, "{:?}", outcome.input_errors);
    assert!(outcome.input_errors[0].contains("nowhere"));
}

#[test]
fn an_unknown_git_ref_stops_the_run_before_linting() {
    let result = lint(&Options {
        paths: vec![blog()],
        changed_since: Some("no-such-ref-anywhere".into()),
        ..Options::default()
    });
    assert!(result.is_err());
}
