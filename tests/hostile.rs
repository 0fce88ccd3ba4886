//! Hostile input: each case gives a clear message naming the file (exit 2) or a finding, never a crash, and the
//! other files of the history are still linted.

mod support;

use std::fs;
use std::path::Path;
use std::process::Command;

use support::files::git;
use support::run::{found, json_run, rules_of, JsonRun};

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

/// Adds a migration to the history at `dir`.
fn add_migration(dir: &Path, name: &str, sql: &str) {
    fs::create_dir_all(dir.join(name)).unwrap();
    fs::write(dir.join(name).join("migration.sql"), sql).unwrap();
}

/// Adds an `Account` table keyed by `id`, made before the hostile migration.
fn add_account_table(dir: &Path) {
    add_migration(
        dir,
        "20240101500000_account",
        "CREATE TABLE \"Account\" (\"id\" TEXT NOT NULL, \"note\" TEXT, CONSTRAINT \"Account_pkey\" PRIMARY KEY (\"id\"));\n",
    );
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

/// A statement the splitter kept whole around a `;` (a BEGIN ATOMIC body it misread) holds every statement up to the
/// next `end`: it must be parsed and reported, never read from its first words alone, which would hide the DROP.
#[test]
fn a_statement_glued_past_its_semicolon_does_not_hide_what_follows() {
    // Invalid SQL (a CASE with no END) that PostgreSQL rejects, so the whole migration would fail; the linter must
    // still not be silent about it.
    let sql = "CREATE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT CASE;\nEND;\n\
               DROP TABLE \"User\";\nSELECT 1 end;\n";
    let dir = history_with("20240103000000_glued", sql.as_bytes());
    let o = lint(dir.path());
    assert!(
        rules_of(&o.report)
            .iter()
            .any(|r| r == "unparsed-statement" || r == "drop-table"),
        "{}",
        o.report
    );
    assert_drop_still_found(&o);
}

/// `t.case` is a column: the function ends at its END, and the DROP after it is found (PostgreSQL 15 runs both).
#[test]
fn a_begin_atomic_body_with_a_column_named_case_does_not_hide_a_drop() {
    let dir = history_with(
        "20240103000000_atomic",
        b"CREATE TABLE \"t\" (\"case\" INTEGER);\nCREATE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT t.case FROM t;\nEND;\nDROP TABLE \"User\";\n",
    );
    let o = lint(dir.path());
    assert!(
        rules_of(&o.report).iter().any(|r| r == "drop-table"),
        "{}",
        o.report
    );
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

/// A procfs file reports a size of 0 and is outside the project (case 9): refused by name, never read, whatever
/// its size says.
#[cfg(target_os = "linux")]
#[test]
fn a_procfs_file_is_outside_the_project_and_not_read() {
    let dir = history_with("20240103000000_proc", b"");
    let file = dir.path().join("20240103000000_proc/migration.sql");
    fs::remove_file(&file).unwrap();
    std::os::unix::fs::symlink("/proc/version", &file).unwrap();
    let o = lint(dir.path());
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("_proc/migration.sql: a link to /proc/version, outside the project"),
        "{}",
        o.stderr
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
    // `loop` is a folder of folders (no migration of its own, skipped); `self` leads nowhere: an input error.
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        o.stderr.contains("/self: a link that leads nowhere"),
        "{}",
        o.stderr
    );
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

/// A project holding a Prisma history (with a dropped column) under `prisma/migrations`, readable by everyone.
#[cfg(unix)]
fn project_with_history() -> tempfile::TempDir {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let history = history_with("20240103000000_ok", b"SELECT 1;\n");
    for entry in fs::read_dir(history.path()).unwrap() {
        let entry = entry.unwrap();
        let to = dir.path().join("prisma/migrations").join(entry.file_name());
        fs::create_dir_all(&to).unwrap();
        fs::copy(entry.path().join("migration.sql"), to.join("migration.sql")).unwrap();
    }
    dir
}

/// Runs a search from `.` (no path given) in `dir` as a user who cannot read the folders at mode 000 (`nobody` when the
/// tests run as root, whom mode 000 does not stop); `None` when no such user can be had.
#[cfg(unix)]
fn search_as_nobody(dir: &Path, locked: &[&str], args: &[&str]) -> Option<JsonRun> {
    use std::os::unix::fs::PermissionsExt;
    for folder in locked {
        fs::create_dir_all(dir.join(folder)).unwrap();
    }
    // Deepest first: a folder at 000 cannot be entered to lock what it holds.
    for folder in locked.iter().rev() {
        fs::set_permissions(dir.join(folder), fs::Permissions::from_mode(0o000)).unwrap();
    }
    let mut command = match support::run::command_without_privileges() {
        Ok(command) => command,
        Err(why) => {
            eprintln!("skipped: {why}");
            return None;
        }
    };
    let o = json_run(
        command
            .args(["--format", "json"])
            .args(args)
            .current_dir(dir),
    );
    // Let the temporary folder be removed.
    for folder in locked {
        fs::set_permissions(dir.join(folder), fs::Permissions::from_mode(0o755)).unwrap();
    }
    Some(o)
}

/// Case 3: a search from `.` met a folder it cannot read and went on without a word. A folder that may hold a history
/// (a `migrations` or `prisma` folder, or anything inside one) fails the run, named; so does any unreadable folder
/// when nothing was found at all.
#[cfg(unix)]
#[test]
fn a_search_names_the_folders_it_cannot_read_that_may_hold_migrations() {
    for locked in [
        &["packages/billing/prisma"][..],
        &["db/migrations"],
        &["prisma/migrations/20240101000000_x"],
    ] {
        let dir = project_with_history();
        let Some(o) = search_as_nobody(dir.path(), locked, &[]) else {
            return;
        };
        assert_eq!(o.code, 2, "{locked:?}: {}", o.stderr);
        assert!(
            o.stderr.contains(&format!("{}: cannot read", locked[0])),
            "{locked:?}: {}",
            o.stderr
        );
        assert_drop_still_found(&o);
    }
    // Nothing readable found: the unreadable folder is why, whatever its name.
    let dir = tempfile::tempdir().unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    }
    fs::create_dir_all(dir.path().join("pgdata/prisma/migrations/20240101000000_x")).unwrap();
    let Some(o) = search_as_nobody(dir.path(), &["pgdata"], &[]) else {
        return;
    };
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("pgdata: cannot read folder: Permission denied"),
        "{}",
        o.stderr
    );
    assert!(o.stderr.contains("no migrations found"), "{}", o.stderr);
}

/// A folder no one else may read beside a good history, such as a docker-compose PostgreSQL volume
/// (`./docker/pgdata`, uid 999, mode 700), is not the run's business: git cannot commit an unreadable folder, so it was
/// made on this machine, not by a pull request. Only `--verbose` mentions it.
#[cfg(unix)]
#[test]
fn an_unreadable_folder_beside_a_found_history_is_only_a_note() {
    for locked in [&["docker/pgdata"][..], &["pgdata"]] {
        let dir = project_with_history();
        let Some(o) = search_as_nobody(dir.path(), locked, &[]) else {
            return;
        };
        assert_eq!(o.code, 1, "{locked:?}: {}", o.stderr);
        assert!(!o.stderr.contains("pgdata"), "{locked:?}: {}", o.stderr);
        assert_drop_still_found(&o);
        let dir = project_with_history();
        let Some(o) = search_as_nobody(dir.path(), locked, &["--verbose"]) else {
            return;
        };
        assert_eq!(o.code, 1, "{locked:?}: {}", o.stderr);
        assert!(
            o.stderr
                .lines()
                .any(|l| l.contains("note")
                    && l.contains(&format!("{}: cannot read folder", locked[0]))),
            "{locked:?}: {}",
            o.stderr
        );
    }
}

/// Case 3: a folder whose path is longer than PATH_MAX (4,096 bytes on Linux) cannot be opened by its path; a search
/// from `.` skipped it silently.
#[cfg(unix)]
#[test]
fn a_search_names_a_folder_past_path_max() {
    let dir = project_with_history();
    // Built from the inside out, each step a rename between short paths: no call ever names the deep path.
    let mut inner = dir.path().join("nest");
    fs::create_dir_all(inner.join("prisma/migrations/20240101000000_x")).unwrap();
    for i in 0..20 {
        let outer = dir.path().join(format!("outer{i}"));
        fs::create_dir(&outer).unwrap();
        fs::rename(&inner, outer.join("d".repeat(250))).unwrap();
        inner = outer;
    }
    fs::rename(&inner, dir.path().join("deep")).unwrap();
    let o = json_run(
        support::run::command()
            .args(["--format", "json"])
            .current_dir(dir.path()),
    );
    assert_eq!(o.code, 2, "{}", o.stderr);
    let named = o
        .stderr
        .lines()
        .find(|l| l.contains("File name too long"))
        .unwrap_or_else(|| panic!("{}", o.stderr));
    assert!(
        named.contains(&format!("deep/{}/", "d".repeat(250))),
        "{named}"
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

/// Case 2: PostgreSQL's scanner ends a `--` comment at a lone CR as at LF, so the statement after it runs.
#[test]
fn a_lone_carriage_return_ends_a_line_comment() {
    let dir = history_with(
        "20240103000000_cr",
        b"-- drop the legacy column\rALTER TABLE \"User\" DROP COLUMN \"id\";\r",
    );
    let o = lint(dir.path());
    let found: Vec<_> = o.report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["path"].as_str().unwrap().contains("_cr/"))
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["line"].clone(),
                d["column"].clone(),
            )
        })
        .collect();
    // Line 2, column 20 (`DROP COLUMN`): a lone CR is a line break for lines and columns too (as in editors).
    assert!(
        found.contains(&("drop-column".to_string(), 2.into(), 20.into())),
        "{found:?}"
    );
    assert_drop_still_found(&o);
}

/// Case 2: in a file mixing CRLF, lone CR and LF, each break counts one line.
#[test]
fn lines_count_right_in_a_mixed_line_break_file() {
    let dir = history_with(
        "20240103000000_mixed",
        b"SELECT 1;\r\nSELECT 2;\rSELECT 3;\n\r  ALTER TABLE \"User\" DROP COLUMN \"id\";",
    );
    let o = lint(dir.path());
    let d = o.report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"].as_str().unwrap().contains("_mixed/") && d["rule"] == "drop-column")
        .cloned()
        .unwrap_or_else(|| panic!("{}", o.report));
    assert_eq!(
        (d["line"].clone(), d["column"].clone()),
        (5.into(), 22.into()),
        "{d}"
    );
}

/// Case 11: 200 findings on one 1 MB line print a window of the line around each span, not the whole line each time.
#[test]
fn findings_on_a_long_line_print_a_window_of_it() {
    let pad = format!("/* {} */ ", "x".repeat(5_000));
    let line: String = (0..200)
        .map(|i| format!("{pad}ALTER TABLE \"User\" ADD COLUMN \"c{i}\" TEXT NOT NULL;"))
        .collect();
    assert!(line.len() > 1_000_000);
    let dir = history_with("20240103000000_long", line.as_bytes());
    let out = support::run::command()
        .arg(dir.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let findings = stdout.matches("_long/migration.sql:1:").count();
    assert!(findings >= 200, "{findings} findings");
    assert!(
        stdout.len() < findings * 4_000,
        "{} bytes for {findings} findings",
        stdout.len()
    );
    // The window holds the span: the 200th `ADD COLUMN` is shown with its real column number.
    let column = line.find("ADD COLUMN \"c199\"").unwrap() + 1;
    let last = format!("_long/migration.sql:1:{column}\n");
    let at = stdout.find(&last).unwrap_or_else(|| panic!("no {last}"));
    assert!(
        stdout[at..(at + 2_000).min(stdout.len())].contains("ADD COLUMN \"c199\" TEXT NOT NULL")
    );
}

/// Case 1: the deep chains of the issue (each a tree as deep as the chain is long once parsed). Those within the
/// guard are linted; longer ones are an `unparsed-statement` at their line. Either way the statement after them in
/// the same file is still linted, and nothing crashes (a stack overflow aborted the whole run before).
#[test]
fn deep_operator_chains_are_linted_or_reported_unparsed_never_a_crash() {
    let drop = "\nALTER TABLE \"User\" DROP COLUMN \"id\";\n";
    let or_terms: Vec<String> = (0..40_000).map(|i| format!("\"id\"={i}")).collect();
    let unions: Vec<String> = (0..100_000).map(|i| format!("SELECT {i}")).collect();
    let shapes = [
        // PostgreSQL 15 runs this one. Its 80,000 operators (`=` and `OR`) are past the guard, but a data
        // statement this large (630 KB) is read from its tokens, never parsed (case 10): linted, not unparsed.
        (
            "or",
            format!("DELETE FROM \"User\" WHERE {};", or_terms.join(" OR ")),
            false,
        ),
        // The same chain in a query: past the guard.
        (
            "or_select",
            format!("SELECT 1 WHERE {};", or_terms.join(" OR ")),
            true,
        ),
        ("union", format!("{};", unions.join(" UNION ALL ")), true),
        (
            "cast",
            format!("SELECT 1{};", "::int".repeat(50_000)),
            false,
        ),
        (
            "concat",
            format!("SELECT 'a'{};", " || 'a'".repeat(50_000)),
            false,
        ),
        (
            "subscript",
            format!("SELECT x{};", "[1]".repeat(10_000)),
            false,
        ),
    ];
    for (name, chain, past_the_guard) in shapes {
        let dir = history_with(
            &format!("20240103000000_{name}"),
            format!("SELECT 1;\n{chain}{drop}").as_bytes(),
        );
        let o = lint(dir.path());
        assert!(matches!(o.code, 0 | 1), "{name}: {}", o.stderr);
        let in_file: Vec<(String, u64)> = o.report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["path"].as_str().unwrap().contains(&format!("_{name}/")))
            .map(|d| {
                (
                    d["rule"].as_str().unwrap().to_string(),
                    d["line"].as_u64().unwrap(),
                )
            })
            .collect();
        let unparsed = ("unparsed-statement".to_string(), 2);
        assert_eq!(
            in_file.contains(&unparsed),
            past_the_guard,
            "{name}: {in_file:?}"
        );
        assert!(
            in_file.contains(&("drop-column".to_string(), 3)),
            "{name}: the next statement is linted: {in_file:?}"
        );
    }
}

/// Case 8: no message prints a URL's password, query string or user: host, port and database at most. The URLs are
/// the issue's (a Prisma Accelerate URL whose api_key is the secret, a malformed one missing its `:`) and one whose
/// server refuses the connection (port 1 on this machine).
#[test]
fn database_url_secrets_are_never_printed() {
    let dir = history_with("20240103000000_ok", b"SELECT 1;\n");
    let urls = [
        "prisma+postgres://accelerate.prisma-data.net/?api_key=SECRETKEY",
        "postgresql//admin:SECRETPW@db.internal/app",
        "postgresql://admin:SECRETPW@127.0.0.1:1/app?password=SECRETQS&api_key=SECRETKEY",
        "postgresql://admin:SECRETPW@db.internal/SECRET?sslmode=SECRETMODE",
        "postgresql://admin:SECRET/PW@127.0.0.1:1/app",
        "postgres://127.0.0.1:1/app?options=-c%20SECRETOPT",
    ];
    for url in urls {
        for format in ["human", "json", "github"] {
            let out = support::run::command()
                .args(["--format", format, "--database-url", url])
                .arg(dir.path())
                .env("NO_COLOR", "1")
                .output()
                .unwrap();
            let all = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(out.status.code(), Some(2), "{url}: {all}");
            for secret in ["SECRET", "admin"] {
                assert!(
                    !all.contains(secret),
                    "{url} ({format}) printed {secret}: {all}"
                );
            }
            if url.contains("127.0.0.1") {
                assert!(
                    all.contains("127.0.0.1:1/app"),
                    "{url}: names host, port, database: {all}"
                );
            }
        }
    }
}

/// Also: after a failed database connection, `--verbose` says the checks were skipped because the database could
/// not be read, not that no `--database-url` was given.
#[test]
fn verbose_after_a_failed_connection_names_the_failure() {
    let dir = history_with("20240103000000_ok", b"SELECT 1;\n");
    let out = support::run::command()
        .args([
            "--verbose",
            "--database-url",
            "postgresql://127.0.0.1:1/app",
        ])
        .arg(dir.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        !stderr.contains("no --base or --database-url given"),
        "{stderr}"
    );
    assert!(
        stderr.contains("the database could not be read"),
        "{stderr}"
    );
}

/// Case 13: `--write-baseline` after an input error (here a file that is not UTF-8, which root cannot read past
/// either) exits 2 and says the baseline is incomplete: a baseline missing that file's findings would hide them.
#[test]
fn write_baseline_after_an_input_error_exits_2_and_says_it_is_incomplete() {
    let dir = history_with("20240103000000_binary", b"SELECT 1;\n\xff\xfe\n");
    let baseline = dir.path().join("baseline.json");
    let out = support::run::command()
        .arg("--write-baseline")
        .arg(&baseline)
        .arg(dir.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("not valid UTF-8"), "{stderr}");
    assert!(stderr.contains("baseline is incomplete"), "{stderr}");
}

/// Case 10: a 5.6 MB `INSERT ... VALUES` is lowered from its tokens, not parsed into a tree hundreds of times its
/// size, and past its first 64 KiB the splitter keeps only its outer words. Peak memory (the high-water mark Linux
/// keeps for the process, read while it runs) was 440 MB in a debug build, then about 20 times the file while the
/// splitter kept a 24-byte token per 3 bytes of `VALUES`; the text and the process's own start leave it under 4.
/// A long UPDATE and DELETE read into a token each (their WHERE, twice) made it 5.4.
#[cfg(target_os = "linux")]
#[test]
fn a_large_insert_is_not_parsed_into_a_tree() {
    let rows: Vec<String> = (0..130_000)
        .map(|i| format!("('id-{i}', 'value {i}', {i}, now())"))
        .collect();
    // An UPDATE and a DELETE as long, of a table made before (its WHERE is read, and a fix suggested): reading them
    // must not hold every token either.
    let ids: Vec<String> = (0..400_000).map(|i| format!("'id-{i}'")).collect();
    let ids = ids.join(", ");
    let sql = format!(
        "CREATE TABLE \"Big\" (\"id\" TEXT, \"v\" TEXT, \"n\" INTEGER, \"t\" TIMESTAMPTZ);\n\
         INSERT INTO \"Big\" VALUES {};\nUPDATE \"Big\" SET \"v\" = 'x';\n\
         UPDATE \"User\" SET \"id\" = 'moved' WHERE \"id\" IN ({ids});\n\
         DELETE FROM \"User\" WHERE \"id\" IN ({ids});\n",
        rows.join(", ")
    );
    let size = sql.len();
    let dir = history_with("20240103000000_big", sql.as_bytes());
    let mut child = support::run::command()
        .args(["--format", "json"])
        .arg(dir.path())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak_kb = 0u64;
    while child.try_wait().unwrap().is_none() {
        let status = fs::read_to_string(&status_path).unwrap_or_default();
        if let Some(kb) = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        {
            peak_kb = peak_kb.max(kb);
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let out = child.wait_with_output().unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report["summary"]["statements"], 7,
        "all five statements are linted"
    );
    assert_eq!(report["summary"]["unparsed"], 0);
    assert!(peak_kb > 0, "no reading of the process's memory");
    assert!(
        peak_kb * 1024 < 4 * size as u64,
        "peak {peak_kb} kB for a file of {size} bytes"
    );
}

/// Case 5: migrations whose names git quotes in its plain output (`"`, tab, newline, non-ASCII) are found by
/// `--changed-since` (committed since the ref, and untracked) and by `--base` (read at the ref).
#[cfg(unix)]
#[test]
fn git_paths_with_odd_characters_are_not_lost() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let migrations = root.join("prisma/migrations");
    let write = |name: &str, sql: &str| {
        fs::create_dir_all(migrations.join(name)).unwrap();
        fs::write(migrations.join(name).join("migration.sql"), sql).unwrap();
    };
    write(
        "20240101000000_init",
        "CREATE TABLE \"User\" (\"id\" TEXT, \"a\" TEXT, \"b\" TEXT, \"c\" TEXT);\n",
    );
    git(root, &["init", "-q"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-qm", "init"]);
    // Applied at the base ref, then edited: --base must read it despite its name.
    write("20240102000000_quote\"d", "SELECT 1;\n");
    git(root, &["add", "."]);
    git(root, &["commit", "-qm", "quoted"]);
    git(root, &["tag", "base"]);
    write("20240102000000_quote\"d", "SELECT 2;\n");
    write(
        "20240103000000_tab\there",
        "ALTER TABLE \"User\" DROP COLUMN \"a\";\n",
    );
    git(root, &["add", "."]);
    git(root, &["commit", "-qm", "tab"]);
    write(
        "20240104000000_new\nline",
        "ALTER TABLE \"User\" DROP COLUMN \"b\";\n",
    );
    write(
        "20240105000000_caf\u{e9}",
        "ALTER TABLE \"User\" DROP COLUMN \"c\";\n",
    );

    let out = support::run::command()
        .args([
            "--format",
            "json",
            "--changed-since",
            "base",
            "--base",
            "base",
        ])
        .arg(&migrations)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let found: Vec<(String, String)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["path"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for (rule, folder) in [
        ("edited-applied-migration", "_quote\"d/"),
        ("drop-column", "_tab\there/"),
        ("drop-column", "_new\nline/"),
        ("drop-column", "_caf\u{e9}/"),
    ] {
        assert!(
            found.iter().any(|(r, p)| r == rule && p.contains(folder)),
            "{rule} in {folder:?}: {found:?} {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Also: text from the file system (here a folder name holding `\n::error::`) never starts a line of its own on
/// stdout or stderr, in any format: GitHub Actions runs every such line as a workflow command.
#[cfg(unix)]
#[test]
fn names_cannot_inject_workflow_commands() {
    let dir = history_with("20240103000000_x\n::error::injected", b"SELECT 1;\n\xff\n");
    for format in ["human", "json", "github", "sarif", "gitlab"] {
        let out = support::run::command()
            .args(["--format", format, "--statistics"])
            .arg(dir.path())
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let all = format!(
            "{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.status.code(), Some(2), "{all}");
        assert!(all.contains("injected"), "the folder is named: {all}");
        assert!(
            !all.lines()
                .any(|l| l.trim_start().starts_with("::error::injected")),
            "{format}: {all}"
        );
    }
}

/// Runs the linter on `path` with `args`, killing it (and failing) if it has not ended within 60 s: the cases below
/// used to hang.
fn lint_within_a_minute(path: &Path, args: &[&str]) -> JsonRun {
    let mut child = Command::new(env!("CARGO_BIN_EXE_migrate-lint"))
        .args(["--format", "json"])
        .args(args)
        .arg(path)
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Read as it is written: a report larger than the pipe's buffer would otherwise stall the run.
    let drain = |mut pipe: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut pipe, &mut bytes).unwrap();
            bytes
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > std::time::Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("migrate-lint {args:?} {} hung", path.display());
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    JsonRun {
        code: status.code().unwrap_or(-1),
        report: serde_json::from_slice(&stdout.join().unwrap()).unwrap_or(serde_json::Value::Null),
        stderr: String::from_utf8_lossy(&stderr.join().unwrap()).into_owned(),
    }
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let made = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(made.success());
}

/// Cases 3 and 4: a Prisma migration folder without a regular migration.sql (none, a folder, a FIFO, a socket, a
/// dangling or a looping link) is an input error naming the folder; Prisma stops there (P3015). Root reads
/// everything, so these shapes (which no user can read as a file) also cover the unreadable-file path.
#[cfg(unix)]
#[test]
fn a_migration_folder_without_a_regular_migration_sql_is_an_input_error() {
    let dir = history_with("20240103000000_fine", b"SELECT 1;\n");
    fs::write(
        dir.path().join("migration_lock.toml"),
        "provider = \"postgresql\"\n",
    )
    .unwrap();
    let folder = |name: &str| {
        let path = dir.path().join(name);
        fs::create_dir_all(&path).unwrap();
        path.join("migration.sql")
    };
    folder("20240104000000_none");
    fs::create_dir(folder("20240104000001_folder")).unwrap();
    mkfifo(&folder("20240104000002_fifo"));
    let _socket = std::os::unix::net::UnixListener::bind(folder("20240104000003_socket")).unwrap();
    std::os::unix::fs::symlink("missing.sql", folder("20240104000004_dangling")).unwrap();
    std::os::unix::fs::symlink("migration.sql", folder("20240104000005_looping")).unwrap();
    let o = lint_within_a_minute(dir.path(), &["--verbose"]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    for name in ["none", "folder", "fifo", "socket", "dangling", "looping"] {
        let line = o
            .stderr
            .lines()
            .find(|l| l.contains(&format!("_{name}")))
            .unwrap_or_else(|| panic!("{name} not named: {}", o.stderr));
        assert!(line.starts_with("error: "), "{line}");
    }
    assert_drop_still_found(&o);
}

/// Case 9: a committed `migration.sql` linked to a file outside the project (here `/proc/self/environ`, which holds
/// the CI secrets) is an input error naming the link, and its content is never printed. A link inside the project is
/// read.
#[cfg(target_os = "linux")]
#[test]
fn a_migration_linked_outside_the_project_is_not_read() {
    let dir = history_with("20240103000000_environ", b"");
    fs::create_dir(dir.path().join(".git")).unwrap();
    let link = dir.path().join("20240103000000_environ/migration.sql");
    fs::remove_file(&link).unwrap();
    std::os::unix::fs::symlink("/proc/self/environ", &link).unwrap();
    fs::create_dir_all(dir.path().join("shared")).unwrap();
    fs::write(
        dir.path().join("shared/drop.sql"),
        "ALTER TABLE \"User\" DROP COLUMN \"id\";\n",
    )
    .unwrap();
    fs::create_dir_all(dir.path().join("20240104000000_inside")).unwrap();
    std::os::unix::fs::symlink(
        "../shared/drop.sql",
        dir.path().join("20240104000000_inside/migration.sql"),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_migrate-lint"))
        .arg(dir.path())
        .env("NO_COLOR", "1")
        .env("MIGRATE_LINT_TEST_SECRET", "hunter2-in-the-environment")
        .output()
        .unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(2), "{all}");
    assert!(!all.contains("hunter2-in-the-environment"), "{all}");
    assert!(
        all.contains("_environ/migration.sql: a link to /proc/"),
        "{all}"
    );
    assert!(
        all.contains("_inside/migration.sql:1:"),
        "the link inside the project is read: {all}"
    );
}

/// Case 9 for a whole migration folder: a folder linked to one outside the project is not read, though the
/// `migration.sql` inside it is a plain file (discovery reads files inside the project without resolving their
/// paths, which only holds when no link is on the way).
#[cfg(target_os = "linux")]
#[test]
fn a_migration_folder_linked_outside_the_project_is_not_read() {
    let outside = tempfile::tempdir().unwrap();
    fs::write(
        outside.path().join("migration.sql"),
        "ALTER TABLE \"User\" DROP COLUMN \"id\";\n",
    )
    .unwrap();
    let dir = history_with("20240103000000_ok", b"SELECT 1;\n");
    fs::create_dir(dir.path().join(".git")).unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.path().join("20240104000000_linked")).unwrap();
    let o = lint(dir.path());
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("20240104000000_linked/migration.sql: a link to "),
        "{}",
        o.stderr
    );
    assert!(o.stderr.contains("outside the project"), "{}", o.stderr);
    assert_drop_still_found(&o);
    let linked = found(&o.report)
        .iter()
        .filter(|(_, path, _)| path.contains("_linked"))
        .count();
    assert_eq!(linked, 0, "the outside file was linted: {}", o.report);
}

/// Case 9 for lint.toml: a committed configuration may not point the linter at migrations outside its project, by
/// a path (`../outside`) or through a committed link (`db -> ../outside`): a configuration error naming lint.toml
/// and its line, and nothing of the other folder printed.
#[cfg(unix)]
#[test]
fn lint_toml_cannot_point_outside_its_project() {
    let top = tempfile::tempdir().unwrap();
    let outside = top.path().join("outside");
    fs::create_dir_all(outside.join("20240101000000_secret")).unwrap();
    fs::write(
        outside.join("20240101000000_secret/migration.sql"),
        "ALTER TABLE \"Secret\" DROP COLUMN \"token\";\n",
    )
    .unwrap();
    let repo = top.path().join("repo");
    fs::create_dir_all(repo.join(".git")).unwrap();
    std::os::unix::fs::symlink("../outside", repo.join("db")).unwrap();
    for configured in ["../outside", "db"] {
        fs::write(
            repo.join("lint.toml"),
            format!("# where the migrations are\nmigrations = \"{configured}\"\n"),
        )
        .unwrap();
        let o = support::run::run_command(
            support::run::command()
                .current_dir(&repo)
                .args(["--format", "json"]),
        );
        assert_eq!(o.code, 2, "{configured}: {}", o.stderr);
        assert!(
            o.stderr.contains("lint.toml:2: migrations path")
                && o.stderr.contains("outside the project"),
            "{configured}: {}",
            o.stderr
        );
        assert!(!format!("{}{}", o.stdout, o.stderr).contains("Secret"));
    }
    // Inside the project it is searched as before.
    fs::create_dir_all(repo.join("prisma/migrations/20240101000000_init")).unwrap();
    fs::write(
        repo.join("prisma/migrations/20240101000000_init/migration.sql"),
        "SELECT 1;\n",
    )
    .unwrap();
    fs::write(
        repo.join("lint.toml"),
        "migrations = \"prisma/migrations\"\n",
    )
    .unwrap();
    let o = json_run(
        support::run::command()
            .current_dir(&repo)
            .args(["--format", "json"]),
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(o.report["summary"]["files"], 1, "{}", o.report);
    // Without `.git` (a build context), a lint.toml in a subfolder may point up, within the working folder.
    fs::remove_dir(repo.join(".git")).unwrap();
    fs::create_dir_all(repo.join("ci")).unwrap();
    fs::write(
        repo.join("ci/lint.toml"),
        "migrations = \"../prisma/migrations\"\n",
    )
    .unwrap();
    let o = json_run(support::run::command().current_dir(&repo).args([
        "--format",
        "json",
        "--config",
        "ci/lint.toml",
    ]));
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(o.report["summary"]["files"], 1, "{}", o.report);
}

/// Case 7: a FIFO or `/dev/zero` where lint.toml, migration_lock.toml or a baseline is expected is refused at once
/// (it hung, or ate 5 GB in 5 s), naming the file.
#[cfg(target_os = "linux")]
#[test]
fn special_files_are_never_read() {
    let dir = history_with("20240103000000_ok", b"SELECT 1;\n");
    let lock = dir.path().join("migration_lock.toml");
    mkfifo(&lock);
    let o = lint_within_a_minute(dir.path(), &[]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        o.stderr.contains("migration_lock.toml: not a regular file"),
        "{}",
        o.stderr
    );
    assert_drop_still_found(&o);
    fs::remove_file(&lock).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &lock).unwrap();
    let o = lint_within_a_minute(dir.path(), &[]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("migration_lock.toml: a link to /dev/zero, outside the project"),
        "{}",
        o.stderr
    );
    let fifo = dir.path().join("fifo");
    mkfifo(&fifo);
    for flag in ["--config", "--baseline"] {
        for special in [fifo.to_str().unwrap(), "/dev/zero"] {
            let o = lint_within_a_minute(dir.path(), &[flag, special]);
            assert_eq!(o.code, 2, "{flag} {special}: {}", o.stderr);
            assert!(
                o.stderr.contains(special) && o.stderr.contains("not a regular file"),
                "{flag}: {}",
                o.stderr
            );
        }
    }
}

/// Case 6: `--cache-dir` pointed at a folder the cache did not make (no marker file) leaves everything there alone:
/// a user's old `*.tmp*` and `*.snapshot` files survive, and no `.gitignore` holding `*` appears. A fresh folder is
/// made, marked, and used.
#[test]
fn the_cache_touches_only_a_folder_it_made() {
    let dir = history_with("20240103000000_ok", b"SELECT 1;\n");
    let users = tempfile::tempdir().unwrap();
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
    for name in [
        "notes.tmp1",
        "photo.snapshot",
        "0123456789abcdef.snapshot",
        "0123456789abcdef.tmp42",
    ] {
        let file = fs::File::create(users.path().join(name)).unwrap();
        file.set_modified(old).unwrap();
    }
    let run = |cache: &Path| {
        lint_within_a_minute(
            &dir.path().join("20240103000000_ok/migration.sql"),
            &["--verbose", "--cache-dir", cache.to_str().unwrap()],
        )
    };
    let o = run(users.path());
    assert!(
        o.stderr.contains("not made by migrate-lint"),
        "{}",
        o.stderr
    );
    let mut left: Vec<String> = fs::read_dir(users.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(
        left,
        [
            "0123456789abcdef.snapshot",
            "0123456789abcdef.tmp42",
            "notes.tmp1",
            "photo.snapshot"
        ]
    );
    let fresh = users.path().join("fresh");
    let o = run(&fresh);
    assert!(o.stderr.contains("the cache was written"), "{}", o.stderr);
    assert!(fresh.join("CACHEDIR.TAG").is_file());
    let o = run(&fresh);
    assert!(o.stderr.contains("came from the cache"), "{}", o.stderr);
}

/// Case 10: a long UPDATE keeps only its outer words as tokens past 64 KiB; the rule that reads its WHERE must still
/// see every token of it, or a key pinned after the long part reads as no key (a false backfill warning).
#[test]
fn a_long_update_pinned_by_its_key_is_no_backfill() {
    let dir = history_with(
        "20240103000000_long",
        format!(
            "UPDATE \"Account\" SET \"note\" = '{}' WHERE \"id\" = 'a';\n",
            "x".repeat(100_000)
        )
        .as_bytes(),
    );
    add_account_table(dir.path());
    let o = lint(dir.path());
    let rules = rules_of(&o.report);
    assert!(
        !rules.iter().any(|r| r == "data-backfill-in-migration"),
        "{rules:?}"
    );
    // The same UPDATE without its WHERE is one.
    fs::write(
        dir.path().join("20240103000000_long/migration.sql"),
        format!(
            "UPDATE \"Account\" SET \"note\" = '{}';\n",
            "x".repeat(100_000)
        ),
    )
    .unwrap();
    let rules = rules_of(&lint(dir.path()).report);
    assert!(
        rules.iter().any(|r| r == "data-backfill-in-migration"),
        "{rules:?}"
    );
}

/// Case 10: a WHERE term of millions of keys is read as it streams by, not held: a key list longer than the terms
/// held whole still pins its rows, and one that is not all constants, or on another column, still does not.
#[test]
fn a_long_key_list_is_read_as_it_streams() {
    let keys: Vec<String> = (0..10_000).map(|i| format!("'k{i}'")).collect();
    let keys = keys.join(", ");
    let cases = [
        (format!("DELETE FROM \"Account\" WHERE \"id\" IN ({keys});"), false),
        (format!("UPDATE \"Account\" SET \"note\" = 'x' WHERE \"Account\".\"id\" IN ({keys}) RETURNING \"id\";"), false),
        (format!("DELETE FROM \"Account\" WHERE \"note\" IN ({keys});"), true),
        (format!("DELETE FROM \"Account\" WHERE \"id\" IN ({keys}, \"note\");"), true),
        (format!("DELETE FROM \"Account\" WHERE \"id\" IN ({keys}) OR \"note\" IS NULL;"), true),
        (format!("DELETE FROM \"Account\" WHERE \"id\" IN ({keys}, lower('A'));"), true),
    ];
    for (sql, backfill) in cases {
        let dir = history_with("20240103000000_long", sql.as_bytes());
        add_account_table(dir.path());
        let rules = rules_of(&lint(dir.path()).report);
        assert_eq!(
            rules.iter().any(|r| r == "data-backfill-in-migration"),
            backfill,
            "{}: {rules:?}",
            &sql[sql.len() - 60..]
        );
    }
}

/// Case 10: past 64 KiB a data statement keeps only its outer words, yet the split must still end it only at a `;`
/// PostgreSQL ends it at: the `;` in strings, dollar bodies and comments of its rows end nothing, and a `DROP TABLE`
/// after it, or after a second long statement, is found where it is.
#[test]
fn statements_after_a_thinned_one_are_found_where_they_are() {
    let row = "(1, 'a;', $q$x; DROP TABLE y; $q$, /* ; */ 'it''s;' -- ;\n)";
    let rows = vec![row; 2_000].join(",\n");
    assert!(rows.len() > 100_000);
    let update = format!("UPDATE \"U\" SET \"v\" = '{}';", "x;".repeat(40_000));
    let sql = format!(
        "INSERT INTO \"T\" VALUES {rows}; DROP TABLE \"T\";\n{update}\n  DROP TABLE \"U\";\n"
    );
    let insert_lines = rows.lines().count();
    let dir = history_with("20240103000000_thinned", sql.as_bytes());
    add_migration(
        dir.path(),
        "20240101500000_tables",
        "CREATE TABLE \"T\" (\"n\" INTEGER, \"a\" TEXT, \"b\" TEXT, \"c\" TEXT);\nCREATE TABLE \"U\" (\"v\" TEXT);\n",
    );
    let o = lint(dir.path());
    let found: Vec<_> = o.report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["path"].as_str().unwrap().contains("_thinned/") && d["rule"] == "drop-table")
        .map(|d| (d["line"].as_u64().unwrap(), d["column"].as_u64().unwrap()))
        .collect();
    // `INSERT ... VALUES` starts the rows' first line; the last row's `)` line holds `; DROP TABLE "T";`.
    let last_row_end = ")".len() + "; ".len() + 1;
    assert_eq!(
        found,
        [
            (insert_lines as u64, last_row_end as u64),
            (insert_lines as u64 + 2, 3)
        ],
        "{}",
        o.report
    );
}

/// A migration line holding many `EXECUTE` words (here a comment of 8 MB) once made schema-drift's dynamic-SQL scan
/// quadratic: it looked for the line's start and end at each of them. Only the first word of a line can start a
/// dynamic-SQL line, so the scan is linear now, and the drift is still reported.
#[test]
fn a_line_of_many_execute_words_does_not_slow_the_drift_check() {
    let dir = tempfile::tempdir().unwrap();
    let prisma = dir.path().join("prisma");
    support::files::write(
        &prisma.join("schema.prisma"),
        "datasource db {\n  provider = \"postgresql\"\n  url = env(\"DATABASE_URL\")\n}\n\nmodel Post {\n  id Int @id\n}\n",
    );
    let migrations = prisma.join("migrations");
    let sql = format!(
        "CREATE TABLE \"Other\" (\"id\" INTEGER NOT NULL);\n-- {}\n",
        "x EXECUTE ".repeat(800_000)
    );
    add_migration(&migrations, "20240101000000_init", &sql);
    let o = lint_within_a_minute(&migrations, &[]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        rules_of(&o.report).iter().any(|r| r == "schema-drift"),
        "{}",
        o.report
    );
}

/// A project whose `prisma/migrations` history drops a column, in a git repository, with `schema.prisma` beside it.
fn prisma_project(schema: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join(".git")).unwrap();
    let migrations = dir.path().join("prisma/migrations");
    add_migration(
        &migrations,
        "20240101000000_init",
        "CREATE TABLE \"User\" (\"id\" TEXT NOT NULL, \"old\" TEXT, CONSTRAINT \"User_pkey\" PRIMARY KEY (\"id\"));\n",
    );
    add_migration(
        &migrations,
        "20240102000000_drop",
        "ALTER TABLE \"User\" DROP COLUMN \"old\";\n",
    );
    support::files::write(&dir.path().join("prisma/schema.prisma"), schema);
    dir
}

const USER_SCHEMA: &str =
    "datasource db {\n  provider = \"postgresql\"\n  url = env(\"DATABASE_URL\")\n}\n\nmodel User {\n  id String @id\n}\n";

/// Case 9 for the Prisma schema: a committed `schema.prisma` (or a file of a schema folder) linked to a file outside
/// the project was read, and schema-drift printed its lines (here a secret default). Now it is an input error naming
/// the link, nothing of the outside file is printed, and the migrations are still linted, with `--fix-suggestions`
/// too (which reads the schema for its edits).
#[cfg(unix)]
#[test]
fn a_schema_linked_outside_the_project_is_not_read() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("other.prisma");
    support::files::write(
        &secret,
        &USER_SCHEMA.replace(
            "id String @id",
            "id String @id\n  token String @default(\"hunter2-outside\")",
        ),
    );
    let dir = prisma_project(USER_SCHEMA);
    let schema = dir.path().join("prisma/schema.prisma");
    fs::remove_file(&schema).unwrap();
    std::os::unix::fs::symlink(&secret, &schema).unwrap();
    let migrations = dir.path().join("prisma/migrations");
    for args in [&[][..], &["--fix-suggestions"][..]] {
        let o = lint_within_a_minute(&migrations, args);
        let all = format!("{}{}", o.report, o.stderr);
        assert_eq!(o.code, 2, "{args:?}: {all}");
        assert!(!all.contains("hunter2-outside"), "{args:?}: {all}");
        // Said once, though the drift check, the suggestions and the fix plan each read the schema.
        let said: Vec<&str> = o
            .stderr
            .lines()
            .filter(|l| l.contains("cannot read the Prisma schema"))
            .collect();
        assert_eq!(said.len(), 1, "{args:?}: said once: {}", o.stderr);
        let said = said
            .iter()
            .filter_map(|l| l.strip_prefix("error: "))
            .filter(|l| {
                l.contains("/prisma/schema.prisma: cannot read the Prisma schema: a link to ")
                    && l.ends_with("; not read")
                    && l.contains("outside the project")
            });
        assert_eq!(said.count(), 1, "{args:?}: said once: {}", o.stderr);
        assert_drop_still_found(&o);
    }
    // A file of a schema folder, the same.
    fs::remove_file(&schema).unwrap();
    support::files::write(&dir.path().join("prisma/schema/schema.prisma"), USER_SCHEMA);
    std::os::unix::fs::symlink(&secret, dir.path().join("prisma/schema/other.prisma")).unwrap();
    let o = lint_within_a_minute(&migrations, &[]);
    let all = format!("{}{}", o.report, o.stderr);
    assert_eq!(o.code, 2, "{all}");
    assert!(!all.contains("hunter2-outside"), "{all}");
    assert!(
        o.stderr
            .contains("other.prisma: cannot read the Prisma schema: a link to "),
        "{}",
        o.stderr
    );
    assert_drop_still_found(&o);
}

/// `USER_SCHEMA` with a field no migration creates: schema-drift reports it whenever it is checked.
fn drifting_schema() -> String {
    USER_SCHEMA.replace("id String @id", "id String @id\n  name String")
}

fn drift_checked(o: &JsonRun) -> bool {
    rules_of(&o.report).iter().any(|r| r == "schema-drift")
}

/// Case 7 for the files that name the schema: a FIFO called `prisma.config.ts` hung the drift check for good, and a
/// `package.json` linked to `/dev/zero` was read until memory ran out (7.5 GB in 20 s). Each is an input error naming
/// the file; schema-drift is not checked then (the schema the file would name is unknown), and the migrations are
/// still linted. Where there is nothing to read (a dangling link, a folder), there is no config, as before.
#[cfg(target_os = "linux")]
#[test]
fn special_files_that_would_name_the_schema_are_never_read() {
    let dir = prisma_project(&drifting_schema());
    let migrations = dir.path().join("prisma/migrations");
    let o = lint_within_a_minute(&migrations, &[]);
    assert!(o.code == 1 && drift_checked(&o), "{}", o.stderr);
    for name in ["prisma.config.ts", "package.json"] {
        for folder in ["prisma", "."] {
            let path = dir.path().join(folder).join(name);
            for special in ["fifo", "/dev/zero"] {
                if special == "fifo" {
                    mkfifo(&path);
                } else {
                    std::os::unix::fs::symlink(special, &path).unwrap();
                }
                let o = lint_within_a_minute(&migrations, &[]);
                assert_eq!(o.code, 2, "{folder}/{name} {special}: {}", o.stderr);
                assert!(
                    o.stderr.contains(&format!("{name}: "))
                        && o.stderr.contains("schema-drift was not checked"),
                    "{folder}/{name} {special}: {}",
                    o.stderr
                );
                assert!(!drift_checked(&o), "{}", o.report);
                assert_drop_still_found(&o);
                fs::remove_file(&path).unwrap();
            }
            std::os::unix::fs::symlink("missing.json", &path).unwrap();
            let o = lint_within_a_minute(&migrations, &[]);
            assert!(
                o.code == 1 && drift_checked(&o),
                "dangling {name}: {}",
                o.stderr
            );
            fs::remove_file(&path).unwrap();
            fs::create_dir(&path).unwrap();
            let o = lint_within_a_minute(&migrations, &[]);
            assert!(
                o.code == 1 && drift_checked(&o),
                "folder {name}: {}",
                o.stderr
            );
            fs::remove_dir(&path).unwrap();
        }
    }
    // A plain package.json without a schema setting changes nothing.
    support::files::write(&dir.path().join("package.json"), "{\"name\": \"app\"}\n");
    let o = lint_within_a_minute(&migrations, &[]);
    assert!(o.code == 1 && drift_checked(&o), "{}", o.stderr);
}

/// The files that may name the schema are looked for in the two folders above the migrations, but never above the
/// repository: a FIFO there is not read (it hung the run), and the drift check goes on.
#[cfg(unix)]
#[test]
fn nothing_above_the_repository_is_read_to_find_the_schema() {
    let dir = prisma_project(&drifting_schema());
    fs::remove_dir(dir.path().join(".git")).unwrap();
    fs::create_dir(dir.path().join("prisma/.git")).unwrap();
    mkfifo(&dir.path().join("prisma.config.ts"));
    let o = lint_within_a_minute(&dir.path().join("prisma/migrations"), &[]);
    assert!(o.code == 1 && drift_checked(&o), "{}", o.stderr);
    assert_drop_still_found(&o);
}

/// A Prisma project of one migration holding `sql`, with `schema` beside it (a datasource is put first).
fn drift_project(schema: &str, sql: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join(".git")).unwrap();
    let datasource =
        "datasource db {\n  provider = \"postgresql\"\n  url = env(\"DATABASE_URL\")\n}\n";
    support::files::write(
        &dir.path().join("prisma/schema.prisma"),
        &format!("{datasource}{schema}"),
    );
    add_migration(
        &dir.path().join("prisma/migrations"),
        "20240101000000_init",
        sql,
    );
    dir
}

/// Shapes a pull request can commit that made schema-drift quadratic (found by an attack on it; each ran past a minute
/// here, at 1 to 5 MB): a type named on 300k lines before its CREATE TYPE (the text before each mention was lowercased
/// again), 160k models no migration creates (each difference searched the list of places), 20k differences beside
/// 20k dynamic-SQL lines (each compared with every line), 160k columns in the other order (each searched by name),
/// an enum of 140k values in the other order, 100k indexes in the other order (searched by name) or all named
/// otherwise (each searched for by its columns among the others), an index of 160k
/// fields (each looked for among the model's fields) and 20k many-to-many relations (each looked for among the other
/// model's fields). Each now takes linear time, and its finding is still reported.
#[test]
fn hostile_schemas_and_histories_do_not_make_the_drift_check_quadratic() {
    let reversed = |n: usize, item: &dyn Fn(usize) -> String| {
        (0..n).rev().map(item).collect::<Vec<_>>().join(", ")
    };
    // A model with 100,000 indexes on one column, named `{prefix}{i}`, and a history creating indexes so named.
    let indexes = |prefix: &str, created: &mut dyn Iterator<Item = String>| {
        drift_project(
            &format!(
                "model T {{\n id Int @id\n a Int\n{}}}\n",
                (0..100_000)
                    .map(|i| format!(" @@index([a], map: \"{prefix}{i}\")\n"))
                    .collect::<String>()
            ),
            &format!(
                "CREATE TABLE \"T\" (\"id\" INTEGER NOT NULL, \"a\" INTEGER NOT NULL, CONSTRAINT \"T_pkey\" PRIMARY KEY (\"id\"));\n{}",
                created
                    .map(|name| format!("CREATE INDEX \"{name}\" ON \"T\"(\"a\");\n"))
                    .collect::<String>()
            ),
        )
    };
    let mut cases = vec![
        drift_project(
            "",
            &format!(
                "{}CREATE TYPE \"E\" AS ENUM ('a');\n",
                "-- \"E\"\n".repeat(300_000)
            ),
        ),
        drift_project(
            &(0..160_000)
                .map(|i| format!("model M{i} {{\n id Int @id\n}}\n"))
                .collect::<String>(),
            "SELECT 1;\n",
        ),
        drift_project(
            &format!(
                "model T {{\n id Int @id\n{}}}\n",
                (0..20_000).map(|i| format!(" f{i} Int\n")).collect::<String>()
            ),
            &format!(
                "CREATE TABLE \"T\" (\"id\" INTEGER NOT NULL, CONSTRAINT \"T_pkey\" PRIMARY KEY (\"id\"));\n\
                 DO $$\nBEGIN\n{}END $$;\n",
                "  EXECUTE 'SELECT 1';\n".repeat(20_000)
            ),
        ),
        drift_project(
            &format!(
                "model T {{\n id Int @id\n{}}}\n",
                (0..160_000).map(|i| format!(" c{i} Int\n")).collect::<String>()
            ),
            &format!(
                "CREATE TABLE \"T\" ({}, \"id\" INTEGER NOT NULL, \"extra\" TEXT, CONSTRAINT \"T_pkey\" PRIMARY KEY (\"id\"));\n",
                reversed(160_000, &|i| format!("\"c{i}\" INTEGER NOT NULL"))
            ),
        ),
        drift_project(
            &format!(
                "enum E {{\n{}}}\nmodel T {{\n id Int @id\n e E\n}}\n",
                (0..140_000).map(|i| format!(" v{i}\n")).collect::<String>()
            ),
            &format!(
                "CREATE TYPE \"E\" AS ENUM ({}, 'extra');\n\
                 CREATE TABLE \"T\" (\"id\" INTEGER NOT NULL, \"e\" \"E\" NOT NULL, CONSTRAINT \"T_pkey\" PRIMARY KEY (\"id\"));\n",
                reversed(140_000, &|i| format!("'v{i}'"))
            ),
        ),
        // 100,000 indexes in another order, then all named otherwise.
        indexes("i", &mut (1..100_000).rev().map(|i| format!("i{i}"))),
        indexes("s", &mut (0..100_000).map(|i| format!("m{i}"))),
        drift_project(
            &format!(
                "model T {{\n id Int @id\n{} @@index([{}])\n}}\n",
                (0..160_000).map(|i| format!(" f{i} Int\n")).collect::<String>(),
                reversed(160_000, &|i| format!("f{i}"))
            ),
            "SELECT 1;\n",
        ),
        drift_project(
            &["A", "B"]
                .iter()
                .map(|m| {
                    let other = if *m == "A" { "B" } else { "A" };
                    let fields: String = (0..20_000)
                        .map(|i| format!(" l{i} {other}[] @relation(\"R{i}\")\n"))
                        .collect();
                    format!("model {m} {{\n id Int @id\n{fields}}}\n")
                })
                .collect::<String>(),
            "SELECT 1;\n",
        ),
    ];
    // Many types the schema lacks: each one's CREATE TYPE was searched for again in the whole history.
    cases.push(drift_project(
        "",
        &(0..30_000)
            .map(|i| format!("CREATE TYPE \"E{i}\" AS ENUM ('a');\n"))
            .collect::<String>(),
    ));
    let expected = [
        "type \"E\" is created by the migrations but schema.prisma has no enum for it",
        "model M159999 is in schema.prisma but no migration creates table \"M159999\"",
        "T.f19999 is in schema.prisma but no migration creates column \"T\".\"f19999\"",
        "column \"T\".\"extra\" is created by the migrations but model T has no field for it",
        "type \"E\" has value 'extra' in the migrations that enum E lacks",
        "@@index([a], map: \"i0\") is named \"",
        "@@index([a], map: \"s99999\") is named \"m",
        "model T is in schema.prisma but no migration creates table \"T\"",
        "many-to-many relation R19999 (table _R19999) is in schema.prisma but no migration creates table \"_R19999\"",
        "type \"E29999\" is created by the migrations but schema.prisma has no enum for it",
    ];
    for (dir, message) in cases.iter().zip(expected) {
        let o = lint_within_a_minute(&dir.path().join("prisma/migrations"), &[]);
        assert_eq!(o.code, 1, "{message}: {}", o.stderr);
        let said = o.report["diagnostics"].as_array().unwrap().iter().any(|d| {
            d["rule"] == "schema-drift" && d["message"].as_str().unwrap().contains(message)
        });
        assert!(said, "{message}");
    }
}

/// Text a terminal or a CI log would act on, written into a migration: cursor moves and line erases (ESC), a bell, a
/// reset (ESC c), a C1 control sequence introducer and a right-to-left override (which reorders what is shown, as in
/// "Trojan Source"). Printed raw, they could erase or disguise the finding of the DROP above them. Each is shown
/// as a `?` per byte in the excerpt, escaped in messages, and never reaches the output.
#[test]
fn control_characters_in_a_migration_never_reach_the_terminal_or_the_ci_log() {
    let dir = tempfile::tempdir().unwrap();
    let migration = dir.path().join("m/1_a/migration.sql");
    fs::create_dir_all(migration.parent().unwrap()).unwrap();
    fs::write(
        &migration,
        "DROP TABLE \"User\"; -- \u{1b}[2K\u{1b}[1A\u{7}\u{1b}c\u{9b}2J\u{202e}ok\nDROP TABLE \"a\u{1b}[2Kb\";\n",
    )
    .unwrap();
    let unsafe_chars = ['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}'];
    for format in ["human", "github"] {
        let out = support::run::run(dir.path(), &["--format", format, "m"]);
        assert_eq!(out.code, 1, "{format}: {}", out.stderr);
        for c in unsafe_chars {
            assert!(
                !out.stdout.contains(c),
                "{format} printed {c:?}:\n{}",
                out.stdout
            );
        }
        assert!(
            out.stdout.contains("drop-table"),
            "{format}: {}",
            out.stdout
        );
        assert!(
            out.stdout.contains(r"a\u{1b}[2Kb"),
            "{format}: the name escaped in the message:\n{}",
            out.stdout
        );
    }
    let human = support::run::run(dir.path(), &["m"]).stdout;
    // Same length as the bytes replaced, so the underline stays under the statement.
    assert!(
        human.contains("DROP TABLE \"User\"; -- ?[2K?[1A??c??2J???ok"),
        "{human}"
    );
}
