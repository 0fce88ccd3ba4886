//! Hostile input: each case gives a clear message naming the file (exit 2) or a finding, never a crash, and the
//! other files of the history are still linted.

mod support;

use std::fs;
use std::path::Path;

use support::run::{json_run, rules_of, JsonRun};

fn lint(path: &Path) -> JsonRun {
    json_run(
        support::run::command()
            .args(["--format", "json"])
            .arg(path)
            .env("NO_COLOR", "1"),
    )
}

/// A history whose second migration drops a column: the finding that must survive any hostile neighbour.
fn history_with(hostile_name: &str, hostile: &[u8]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |name: &str, bytes: &[u8]| {
        fs::create_dir_all(root.join(name)).unwrap();
        fs::write(root.join(name).join("migration.sql"), bytes).unwrap();
    };
    write(
        "20240101000000_init",
        b"CREATE TABLE \"User\" (\"id\" TEXT NOT NULL, \"old\" TEXT);\n",
    );
    write(
        "20240102000000_drop",
        b"ALTER TABLE \"User\" DROP COLUMN \"old\";\n",
    );
    write(hostile_name, hostile);
    dir
}

fn assert_drop_still_found(o: &JsonRun) {
    assert!(
        rules_of(&o.report).iter().any(|r| r == "drop-column"),
        "the other files must still be linted: {}",
        o.report
    );
}

#[test]
fn file_over_the_size_limit_is_refused_by_name() {
    let dir = history_with("20240103000000_huge", b"");
    let huge = dir.path().join("20240103000000_huge/migration.sql");
    // A sparse 100 MB file: cheap to make, and the linter must not read it whole.
    fs::File::create(&huge).unwrap().set_len(100 << 20).unwrap();
    let o = lint(dir.path());
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains("20240103000000_huge/migration.sql"),
        "{}",
        o.stderr
    );
    assert!(o.stderr.contains("larger than"), "{}", o.stderr);
    assert_drop_still_found(&o);
}

#[test]
fn deeply_nested_parentheses_are_an_unparsed_statement() {
    let sql = format!("SELECT {}1{};\n", "(".repeat(100_000), ")".repeat(100_000));
    let dir = history_with("20240103000000_nested", sql.as_bytes());
    let o = lint(dir.path());
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(rules_of(&o.report)
        .iter()
        .any(|r| r == "unparsed-statement"));
    assert_drop_still_found(&o);
}

#[test]
fn deeply_nested_block_comments_are_one_comment() {
    let sql = format!(
        "{}x{}\nALTER TABLE \"User\" ADD COLUMN \"n\" TEXT;",
        "/*".repeat(100_000),
        "*/".repeat(100_000)
    );
    let dir = history_with("20240103000000_comments", sql.as_bytes());
    let o = lint(dir.path());
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert_eq!(o.report["summary"]["unparsed"], 0, "{}", o.report);
    assert_drop_still_found(&o);
}

/// Dollar quotes nested 20,000 deep in an earlier migration: reading the names inside `$$` bodies for a run that
/// reports a later file alone must not recurse without bound.
#[test]
fn deeply_nested_dollar_quotes_in_the_history_do_not_crash_a_one_file_run() {
    let depth = 20_000;
    let open: String = (0..depth).map(|i| format!("$t{i}$ ")).collect();
    let close: String = (0..depth).rev().map(|i| format!(" $t{i}$")).collect();
    let sql = format!("DO {open}ALTER TABLE \"User\" ADD COLUMN \"n\" TEXT;{close};\n");
    let dir = history_with("20240101500000_nested", sql.as_bytes());
    let o = lint(&dir.path().join("20240102000000_drop/migration.sql"));
    assert!(matches!(o.code, 0 | 1), "{}", o.stderr);
    assert_drop_still_found(&o);
}

/// procfs (like some network file systems) reports a size of 0 for a file with content: the size is only a hint.
#[cfg(target_os = "linux")]
#[test]
fn a_file_whose_size_says_zero_is_still_read() {
    let dir = history_with("20240103000000_proc", b"");
    let file = dir.path().join("20240103000000_proc/migration.sql");
    fs::remove_file(&file).unwrap();
    std::os::unix::fs::symlink("/proc/version", &file).unwrap();
    assert_eq!(fs::metadata(&file).unwrap().len(), 0);
    let o = lint(dir.path());
    let unparsed_there = o.report["diagnostics"].as_array().unwrap().iter().any(|d| {
        d["rule"] == "unparsed-statement" && d["path"].as_str().unwrap().contains("_proc")
    });
    assert!(
        unparsed_there,
        "its text (not SQL) must be read: {}",
        o.report
    );
    assert_drop_still_found(&o);
}

#[test]
fn a_one_megabyte_statement_is_linted() {
    let rows: Vec<String> = (0..40_000)
        .map(|i| format!("('id-{i}', 'value {i}')"))
        .collect();
    let sql = format!(
        "CREATE TABLE \"Big\" (\"id\" TEXT, \"v\" TEXT);\nINSERT INTO \"Big\" VALUES {};\n",
        rows.join(", ")
    );
    assert!(sql.len() > 1 << 20);
    let dir = history_with("20240103000000_big", sql.as_bytes());
    let o = lint(dir.path());
    assert_eq!(o.code, 1);
    assert_eq!(o.report["summary"]["unparsed"], 0, "{}", o.report);
    assert_drop_still_found(&o);
}

#[test]
fn binary_garbage_is_an_input_error_naming_the_file_and_line() {
    let mut bytes = b"SELECT 1;\nSELECT 2;\n".to_vec();
    bytes.extend((0u32..4096).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    let dir = history_with("20240103000000_binary", &bytes);
    let o = lint(dir.path());
    assert_eq!(o.code, 2);
    assert!(
        o.stderr
            .contains("20240103000000_binary/migration.sql:3: not valid UTF-8"),
        "{}",
        o.stderr
    );
    assert_drop_still_found(&o);
}

#[test]
fn nul_bytes_in_valid_utf8_do_not_crash() {
    let dir = history_with("20240103000000_nul", b"\0\0ALTER\0TABLE;\0");
    let o = lint(dir.path());
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert_drop_still_found(&o);
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_not_followed() {
    let dir = history_with("20240103000000_ok", b"SELECT 1;");
    std::os::unix::fs::symlink(dir.path(), dir.path().join("loop")).unwrap();
    std::os::unix::fs::symlink("self", dir.path().join("self")).unwrap();
    let o = lint(dir.path());
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert_eq!(o.report["summary"]["files"], 3, "{}", o.report);
    assert_drop_still_found(&o);
}

#[cfg(unix)]
#[test]
fn unreadable_file_is_named() {
    use std::os::unix::fs::PermissionsExt;
    let dir = history_with("20240103000000_secret", b"SELECT 1;");
    let secret = dir.path().join("20240103000000_secret/migration.sql");
    fs::set_permissions(&secret, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read(&secret).is_ok() {
        // Running as root: permissions do not stop reading, so there is nothing to observe here.
        eprintln!("skipped: this user can read a mode-000 file");
        return;
    }
    let o = lint(dir.path());
    assert_eq!(o.code, 2);
    assert!(
        o.stderr
            .contains("20240103000000_secret/migration.sql: cannot read"),
        "{}",
        o.stderr
    );
    assert_drop_still_found(&o);
}

/// `migrate-lint ... | head` closes the pipe before everything is written: each command and format says so and exits
/// 2, no panic.
#[test]
fn a_closed_output_pipe_is_an_error_not_a_panic() {
    let dir = history_with("20240103000000_more", b"DROP TABLE \"User\";\n");
    let path = dir.path().to_str().unwrap();
    let mut runs: Vec<Vec<&str>> = ["human", "json", "sarif", "github", "gitlab"]
        .into_iter()
        .map(|format| vec!["--statistics", "--format", format, path])
        .collect();
    runs.push(vec!["rules"]);
    runs.push(vec!["explain", "drop-column"]);
    // A JSON report is written while the histories are linted: one far larger than the output buffer fails then.
    let large = history_with(
        "20240103000000_more",
        &(0..400)
            .map(|i| format!("ALTER TABLE \"User\" ADD COLUMN \"c{i}\" TEXT NOT NULL;\n"))
            .collect::<String>()
            .into_bytes(),
    );
    let large_path = large.path().to_str().unwrap();
    runs.push(vec!["--format", "json", large_path]);
    for args in runs {
        // A pipe whose reading end is already closed: the first write fails, whatever its size.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = support::run::command()
            .args(&args)
            .env("NO_COLOR", "1")
            .stdout(writer)
            .output()
            .expect("run migrate-lint");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("cannot write output"), "{args:?}: {stderr}");
    }
}
