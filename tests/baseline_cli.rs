//! `--write-baseline` / `--baseline` through the command line, on real files.

mod support;

use std::fs;
use std::path::Path;

use support::files::write;

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let run = support::run::run(dir, args);
    (run.code, run.stdout, run.stderr)
}

#[test]
fn baseline_accepts_current_findings_and_survives_line_shifts() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(&root.join("lint.toml"), "");
    let m = root.join("migrations");
    write(
        &m.join("20240101000000_init/migration.sql"),
        "CREATE TABLE \"A\" (\"id\" TEXT);\nCREATE TABLE \"B\" (\"id\" TEXT);\n",
    );
    let drop_a = m.join("20240201000000_drop_a/migration.sql");
    write(&drop_a, "DROP TABLE \"A\";\n");

    let (code, _, _) = run(root, &["migrations"]);
    assert_eq!(code, 1, "drop-table is an error");

    let (code, _, stderr) = run(root, &["--write-baseline", "baseline.json", "migrations"]);
    assert_eq!(code, 0, "{stderr}");
    let json = fs::read_to_string(root.join("baseline.json")).unwrap();
    assert!(
        json.contains("\"migration\": \"20240201000000_drop_a\""),
        "{json}"
    );
    assert!(json.contains("\"rule\": \"drop-table\""), "{json}");

    let (code, stdout, _) = run(
        root,
        &[
            "--baseline",
            "baseline.json",
            "--format",
            "json",
            "migrations",
        ],
    );
    assert_eq!(code, 0, "{stdout}");
    assert!(!stdout.contains("drop-table"), "{stdout}");

    // A comment above the statement moves it down two lines: still the same finding.
    write(
        &drop_a,
        "-- We checked: nothing reads \"A\" any more.\n\nDROP TABLE \"A\";\n",
    );
    let (code, stdout, _) = run(
        root,
        &[
            "--baseline",
            "baseline.json",
            "--format",
            "json",
            "migrations",
        ],
    );
    assert_eq!(code, 0, "{stdout}");

    // A new finding is reported.
    write(
        &m.join("20240301000000_drop_b/migration.sql"),
        "DROP TABLE \"B\";\n",
    );
    let (code, stdout, _) = run(
        root,
        &[
            "--baseline",
            "baseline.json",
            "--format",
            "json",
            "migrations",
        ],
    );
    assert_eq!(code, 1);
    assert!(stdout.contains("20240301000000_drop_b"), "{stdout}");
    assert!(!stdout.contains("20240201000000_drop_a"), "{stdout}");

    // Changing the statement itself is a new finding too.
    write(&drop_a, "DROP TABLE IF EXISTS \"A\";\n");
    let (_, stdout, _) = run(
        root,
        &[
            "--baseline",
            "baseline.json",
            "--format",
            "json",
            "migrations",
        ],
    );
    assert!(stdout.contains("20240201000000_drop_a"), "{stdout}");
}

#[test]
fn unreadable_baseline_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("lint.toml"), "");
    write(&dir.path().join("bad.json"), "[1, 2]");
    let (code, _, stderr) = run(dir.path(), &["--baseline", "bad.json", "."]);
    assert_eq!(code, 2);
    assert!(stderr.contains("bad.json:1:"), "{stderr}");
    let (code, _, stderr) = run(dir.path(), &["--baseline", "missing.json", "."]);
    assert_eq!(code, 2);
    assert!(stderr.contains("missing.json"), "{stderr}");
}

#[test]
fn config_ignore_entries_apply_through_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let m = root.join("migrations");
    write(
        &m.join("20240101000000_init/migration.sql"),
        "CREATE TABLE \"A\" (\"id\" TEXT);\n",
    );
    write(
        &m.join("20240201000000_drop_a/migration.sql"),
        "SET lock_timeout = '5s';\nDROP TABLE \"A\";\n",
    );
    write(
        &root.join("lint.toml"),
        "[[ignore]]\nmigration = \"20240201000000_drop_a\"\nrule = \"drop-table\"\nreason = \"A was never used\"\n",
    );
    let (code, stdout, stderr) = run(root, &["--format", "json", "migrations"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(!stdout.contains("drop-table"), "{stdout}");
    write(
        &root.join("lint.toml"),
        "[[ignore]]\nmigration = \"x\"\nrule = \"drop-table\"\n",
    );
    let (code, _, stderr) = run(root, &["migrations"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("reason"), "{stderr}");
}

/// A JSON report's findings are rendered as each history is linted, except with a baseline, which may still drop some
/// after all histories are linted: both ways must give the same report, byte for byte.
#[test]
fn json_report_is_the_same_rendered_per_history_or_after_a_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(&root.join("lint.toml"), "");
    write(
        &root.join("empty-baseline.json"),
        "{ \"version\": 1, \"findings\": [] }",
    );
    // Three histories of different sizes (they are linted largest first), each with findings on several files.
    for (app, migrations) in [("a", 1), ("b", 3), ("c", 2)] {
        for i in 0..migrations {
            write(
                &root.join(format!("{app}/prisma/migrations/2024010{i}000000_m{i}/migration.sql")),
                &format!(
                    "{}CREATE TABLE \"T{i}\" (\"id\" TEXT);\nCREATE TABLE \"U{i}\" (\"t\" TEXT);\n\
                     ALTER TABLE \"U{i}\" ADD CONSTRAINT \"U{i}_t\" FOREIGN KEY (\"t\") REFERENCES \"T{i}\"(\"id\");\n",
                    // An error (drop-table) too, so `--quiet` still shows some.
                    if i > 0 { format!("DROP TABLE \"U{}\";\n", i - 1) } else { String::new() }
                ),
            );
        }
    }
    for extra in [&[][..], &["--fix-suggestions"], &["--quiet"]] {
        let early: Vec<&str> = ["--format", "json", "."]
            .iter()
            .copied()
            .chain(extra.iter().copied())
            .collect();
        let (code, early_out, stderr) = run(root, &early);
        assert!(code < 2, "{stderr}");
        let late: Vec<&str> = early
            .iter()
            .copied()
            .chain(["--baseline", "empty-baseline.json"])
            .collect();
        let (_, late_out, _) = run(root, &late);
        assert_eq!(early_out, late_out, "{extra:?}");
        let report: serde_json::Value = serde_json::from_str(&early_out).unwrap();
        let paths: Vec<&str> = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["path"].as_str().unwrap())
            .collect();
        assert!(
            ["b/", "c/"]
                .iter()
                .all(|app| paths.iter().any(|p| p.starts_with(app))),
            "{paths:?}"
        );
        assert!(
            paths.is_sorted_by_key(|p| &p[..1]),
            "histories in discovery order: {paths:?}"
        );
    }
}
