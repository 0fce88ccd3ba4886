//! `--base <git-ref>`: edited, deleted, renamed and out-of-order migrations, in throwaway git repositories, through
//! the command line and its JSON output.

mod support;

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;
use support::files::git;
use support::run::{command, found, run_command};

const INIT: &str = "CREATE TABLE \"User\" (\"id\" SERIAL NOT NULL, CONSTRAINT \"User_pkey\" PRIMARY KEY (\"id\"));\n";
const POST: &str = "CREATE TABLE \"Post\" (\"id\" SERIAL NOT NULL, \"title\" TEXT NOT NULL);\n\
                    CREATE TABLE \"Tag\" (\"id\" SERIAL NOT NULL);\n";

struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    /// A repository whose `HEAD` has two applied migrations.
    fn new() -> Repo {
        let repo = Repo {
            dir: tempfile::tempdir().unwrap(),
        };
        git(repo.dir.path(), &["init", "-q"]);
        git(
            repo.dir.path(),
            &["config", "user.email", "dev@example.com"],
        );
        git(repo.dir.path(), &["config", "user.name", "dev"]);
        git(repo.dir.path(), &["config", "core.autocrlf", "false"]);
        repo.write(
            "prisma/migrations/migration_lock.toml",
            "provider = \"postgresql\"\n",
        );
        repo.write("prisma/migrations/20240101000000_init/migration.sql", INIT);
        repo.write("prisma/migrations/20240201000000_post/migration.sql", POST);
        repo.commit();
        repo
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.path(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    fn commit(&self) {
        git(self.dir.path(), &["add", "-A"]);
        git(self.dir.path(), &["commit", "-qm", "migrations"]);
    }

    /// Runs the linter in the repository on `prisma/migrations` with JSON output.
    fn lint(&self, args: &[&str]) -> (i32, Value, String) {
        run_in(self.dir.path(), args)
    }
}

fn run_in(dir: &Path, args: &[&str]) -> (i32, Value, String) {
    let run = run_command(
        command()
            .current_dir(dir)
            .args(["--format", "json"])
            .args(args)
            .arg("prisma/migrations"),
    );
    (run.code, run.json(), run.stderr)
}

fn message(json: &Value, rule: &str) -> String {
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == rule)
        .unwrap_or_else(|| panic!("no {rule} in {json}"))["message"]
        .as_str()
        .unwrap()
        .to_string()
}

const POST_PATH: &str = "prisma/migrations/20240201000000_post/migration.sql";

#[test]
fn unchanged_history_and_a_new_migration_are_clean() {
    let repo = Repo::new();
    repo.write(
        "prisma/migrations/20240301000000_more/migration.sql",
        "SET lock_timeout = '5s';\nALTER TABLE \"Post\" ADD COLUMN \"body\" TEXT;\n",
    );
    let (code, json, stderr) = repo.lint(&["--base", "HEAD"]);
    assert_eq!(found(&json), vec![], "{stderr}");
    assert_eq!(code, 0);
}

#[test]
fn edit_points_at_the_first_changed_line_with_both_checksums() {
    let repo = Repo::new();
    let edited = POST.replace(
        "\"Tag\" (\"id\" SERIAL NOT NULL)",
        "\"Tag\" (\"id\" SERIAL NOT NULL, \"name\" TEXT)",
    );
    repo.write(POST_PATH, &edited);
    let (code, json, _) = repo.lint(&["--base", "HEAD"]);
    assert_eq!(
        found(&json),
        vec![("edited-applied-migration".into(), POST_PATH.into(), Some(2))]
    );
    assert_eq!(code, 1);
    let msg = message(&json, "edited-applied-migration");
    let applied = migrate_lint::input::applied::checksum::checksum_hex(POST.as_bytes());
    let now = migrate_lint::input::applied::checksum::checksum_hex(edited.as_bytes());
    assert!(msg.contains(&applied) && msg.contains(&now), "{msg}");
    assert!(msg.contains("1 line added, 1 removed"), "{msg}");
    let help = json["diagnostics"][0]["help"].as_str().unwrap();
    assert!(
        help.contains("prisma migrate resolve") && help.contains("new migration"),
        "{help}"
    );
    // No SQL can undo an edit: the suggestion is the command that restores the applied file.
    let (_, json, _) = repo.lint(&["--base", "HEAD", "--fix-suggestions"]);
    let suggestion = &json["diagnostics"][0]["suggestion"];
    assert_eq!(suggestion["sql"], serde_json::json!([]));
    let notes = suggestion["notes"].to_string();
    assert!(
        notes.contains(&format!("git checkout HEAD -- {POST_PATH}")),
        "{notes}"
    );
}

#[test]
fn whitespace_only_edit_is_an_edit() {
    let repo = Repo::new();
    repo.write(
        POST_PATH,
        &POST.replace("CREATE TABLE \"Tag\"", "CREATE TABLE  \"Tag\""),
    );
    let (_, json, _) = repo.lint(&["--base", "HEAD"]);
    assert_eq!(
        found(&json),
        vec![("edited-applied-migration".into(), POST_PATH.into(), Some(2))]
    );
}

#[test]
fn comment_only_edit_is_an_edit() {
    let repo = Repo::new();
    repo.write(POST_PATH, &format!("-- reviewed\n{POST}"));
    let (_, json, _) = repo.lint(&["--base", "HEAD"]);
    assert_eq!(
        found(&json),
        vec![("edited-applied-migration".into(), POST_PATH.into(), Some(1))]
    );
    assert!(message(&json, "edited-applied-migration").contains("1 line added, 0 removed"));
}

#[test]
fn crlf_only_change_is_not_an_edit() {
    let repo = Repo::new();
    repo.write(POST_PATH, &POST.replace('\n', "\r\n"));
    let (code, json, stderr) = repo.lint(&["--base", "HEAD"]);
    assert_eq!(found(&json), vec![], "{stderr}");
    assert_eq!(code, 0);
}

#[test]
fn deleted_migration_is_reported_without_a_line() {
    let repo = Repo::new();
    fs::remove_dir_all(repo.path("prisma/migrations/20240101000000_init")).unwrap();
    let (code, json, _) = repo.lint(&["--base", "HEAD"]);
    assert_eq!(
        found(&json),
        vec![(
            "edited-applied-migration".into(),
            "prisma/migrations/20240101000000_init/migration.sql".into(),
            None
        )]
    );
    assert!(message(&json, "edited-applied-migration").contains("was deleted"));
    assert_eq!(code, 1);
    assert_eq!(
        json["summary"]["files"], 1,
        "the placeholder is not a linted file"
    );

    // The human output names the path instead of showing a snippet.
    let out = command()
        .current_dir(repo.dir.path())
        .args(["--base", "HEAD", "prisma/migrations"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("at prisma/migrations/20240101000000_init/migration.sql (not on disk)"),
        "{text}"
    );
}

#[test]
fn renamed_migration_is_one_finding_on_the_new_name() {
    let repo = Repo::new();
    fs::rename(
        repo.path("prisma/migrations/20240101000000_init"),
        repo.path("prisma/migrations/20240101000000_initial"),
    )
    .unwrap();
    let (_, json, _) = repo.lint(&["--base", "HEAD"]);
    assert_eq!(
        found(&json),
        vec![(
            "edited-applied-migration".into(),
            "prisma/migrations/20240101000000_initial/migration.sql".into(),
            Some(1)
        )]
    );
    assert!(message(&json, "edited-applied-migration").contains("renamed"));
}

#[test]
fn new_migration_sorting_before_an_applied_one_is_out_of_order() {
    let repo = Repo::new();
    let late = "prisma/migrations/20240115000000_late/migration.sql";
    repo.write(late, "CREATE TABLE \"Late\" (\"id\" INT);\n");
    let (code, json, _) = repo.lint(&["--base", "HEAD"]);
    assert_eq!(
        found(&json),
        vec![("migration-out-of-order".into(), late.into(), Some(1))]
    );
    assert!(message(&json, "migration-out-of-order").contains("20240201000000_post"));
    assert_eq!(code, 0, "a warning does not fail the run");
    let (_, json, _) = repo.lint(&["--base", "HEAD", "--fix-suggestions"]);
    let notes = json["diagnostics"][0]["suggestion"]["notes"].to_string();
    assert!(
        notes.contains("rename the folder so it sorts after `20240201000000_post`"),
        "{notes}"
    );
}

#[test]
fn base_compares_with_an_older_commit_and_comes_from_lint_toml() {
    let repo = Repo::new();
    git(repo.dir.path(), &["branch", "main-before"]);
    repo.write(POST_PATH, &format!("{POST}-- later edit\n"));
    repo.commit();
    // HEAD has the edit committed: clean against HEAD, an edit against the older branch.
    assert_eq!(found(&repo.lint(&["--base", "HEAD"]).1), vec![]);
    repo.write("lint.toml", "base = \"main-before\"\n");
    let (_, json, _) = repo.lint(&[]);
    assert_eq!(
        found(&json),
        vec![("edited-applied-migration".into(), POST_PATH.into(), Some(3))]
    );
}

#[test]
fn works_from_a_subfolder_of_the_repository() {
    let repo = Repo::new();
    repo.write(POST_PATH, &format!("{POST}-- edit\n"));
    let (_, json, _) = run_in(&repo.path("prisma/.."), &["--base", "HEAD"]);
    assert_eq!(found(&json).len(), 1);
    let out = command()
        .current_dir(repo.path("prisma"))
        .args(["--format", "json", "--base", "HEAD", "migrations"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["diagnostics"][0]["rule"], "edited-applied-migration");
}

#[test]
fn unknown_ref_and_no_repository_are_clear_errors() {
    let repo = Repo::new();
    let (code, _, stderr) = repo.lint(&["--base", "no-such-branch"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("unknown git ref `no-such-branch`"),
        "{stderr}"
    );

    let plain = tempfile::tempdir().unwrap();
    fs::create_dir_all(plain.path().join("prisma/migrations/1_init")).unwrap();
    fs::write(
        plain.path().join("prisma/migrations/1_init/migration.sql"),
        INIT,
    )
    .unwrap();
    let (code, json, stderr) = run_in(plain.path(), &["--base", "HEAD"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("not inside a git repository"), "{stderr}");
    assert!(
        json["diagnostics"].as_array().is_some(),
        "the files are still linted"
    );
}

#[test]
fn without_a_source_the_rules_are_silent_and_verbose_says_so() {
    let repo = Repo::new();
    repo.write(POST_PATH, &format!("{POST}-- edit\n"));
    let (code, json, stderr) = repo.lint(&["--verbose"]);
    assert_eq!((code, found(&json)), (0, vec![]));
    assert!(
        stderr.contains("edited-applied-migration")
            && stderr.contains("no --base or --database-url given; skipped"),
        "{stderr}"
    );
    let (_, _, quiet) = repo.lint(&[]);
    assert!(!quiet.contains("skipped"), "{quiet}");
}

#[test]
fn folder_names_with_spaces_are_read_at_the_ref() {
    let repo = Repo::new();
    let copy = "prisma/migrations/20240301000000_new_models copy/migration.sql";
    repo.write(copy, "CREATE TABLE \"Copy\" (\"id\" INT);\n");
    repo.commit();
    assert_eq!(found(&repo.lint(&["--base", "HEAD"]).1), vec![]);
    repo.write(copy, "CREATE TABLE \"Copy\" (\"id\" BIGINT);\n");
    assert_eq!(
        found(&repo.lint(&["--base", "HEAD"]).1),
        vec![("edited-applied-migration".into(), copy.into(), Some(1))]
    );
}

#[test]
fn missing_git_is_a_clear_error() {
    let repo = Repo::new();
    let out = command()
        .current_dir(repo.dir.path())
        .env("PATH", "")
        .args(["--base", "HEAD", "prisma/migrations"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("`git` was not found on PATH"), "{stderr}");
}

#[test]
fn folder_names_with_a_newline_tab_or_quote_are_read_at_the_ref() {
    // `git cat-file --batch` reads one `<rev>:<path>` per line: a newline in a name split the request in two.
    let repo = Repo::new();
    let names = [
        "20240301000000_a\nb",
        "20240302000000_c\td",
        "20240303000000_e\"f",
    ];
    for (i, name) in names.iter().enumerate() {
        let sql = format!("CREATE TABLE \"T{i}\" (\"id\" INT);\n");
        repo.write(&format!("prisma/migrations/{name}/migration.sql"), &sql);
    }
    repo.commit();
    let (code, json, stderr) = repo.lint(&["--base", "HEAD"]);
    assert_eq!((code, found(&json)), (0, vec![]), "{stderr}");
    let (code, json, stderr) = repo.lint(&["--base", "HEAD", "--changed-since", "HEAD"]);
    assert_eq!((code, found(&json)), (0, vec![]), "{stderr}");

    let edited = format!("prisma/migrations/{}/migration.sql", names[0]);
    repo.write(&edited, "CREATE TABLE \"T0\" (\"id\" BIGINT);\n");
    let (code, json, stderr) = repo.lint(&["--base", "HEAD", "--changed-since", "HEAD"]);
    assert_eq!(
        found(&json),
        vec![("edited-applied-migration".into(), edited, Some(1))],
        "{stderr}"
    );
    assert_eq!(code, 1);
}
