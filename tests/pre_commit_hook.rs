//! The pre-commit hooks of `.pre-commit-hooks.yaml`, run the way pre-commit runs them: their `entry` command line in
//! the repository root, with no file names (`pass_filenames: false`) on every commit (`always_run: true`), after the
//! commit's changes are staged. pre-commit never passes a deleted file, so the hook must find deletions itself.

mod support;

use std::fs;
use std::path::Path;

use serde_json::Value;
use support::files::git;
use support::run::{command, run_command};

const INIT: &str = "CREATE TABLE \"User\" (\"id\" SERIAL NOT NULL, \"name\" TEXT, CONSTRAINT \"User_pkey\" PRIMARY KEY (\"id\"));\n";
/// Has a finding of its own (drop-column, an error), so a hook that reported committed migrations would fail.
const DROP: &str = "ALTER TABLE \"User\" DROP COLUMN \"name\";\n";
const ADD_EMAIL: &str = "ALTER TABLE \"User\" ADD COLUMN \"email\" TEXT;\n";

/// The hooks' definitions: (id, language, entry, pass_filenames, always_run), read from the file pre-commit reads.
fn hooks() -> Vec<(String, String, String, String, String)> {
    let text =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml"))
            .unwrap();
    let mut hooks = Vec::new();
    for block in text.split("\n- ").skip(1) {
        let field = |name: &str| {
            block
                .lines()
                .find_map(|l| {
                    l.trim()
                        .strip_prefix(&format!("{name}:"))
                        .map(|v| v.trim().to_string())
                })
                .unwrap_or_default()
        };
        hooks.push((
            field("id"),
            field("language"),
            field("entry"),
            field("pass_filenames"),
            field("always_run"),
        ));
    }
    hooks
}

/// The one command line both hooks run (they differ only in how pre-commit installs the binary).
fn entry_args() -> Vec<String> {
    let hooks = hooks();
    let entry = &hooks[0].2;
    let args: Vec<String> = entry.split_whitespace().map(String::from).collect();
    assert_eq!(args[0], "migrate-lint", "{entry}");
    args[1..].to_vec()
}

struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    /// A repository with no commit yet.
    fn empty() -> Repo {
        let repo = Repo {
            dir: tempfile::tempdir().unwrap(),
        };
        git(repo.dir.path(), &["init", "-q"]);
        git(
            repo.dir.path(),
            &["config", "user.email", "dev@example.com"],
        );
        git(repo.dir.path(), &["config", "user.name", "dev"]);
        repo.write(
            "prisma/migrations/migration_lock.toml",
            "provider = \"postgresql\"\n",
        );
        repo
    }

    /// A repository whose last commit has two migrations, the second with a finding of its own.
    fn committed() -> Repo {
        let repo = Repo::empty();
        repo.write("prisma/migrations/20240101000000_init/migration.sql", INIT);
        repo.write("prisma/migrations/20240201000000_drop/migration.sql", DROP);
        git(repo.dir.path(), &["add", "-A"]);
        git(repo.dir.path(), &["commit", "-qm", "migrations"]);
        repo
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.dir.path().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    /// Runs the hook's entry as pre-commit does (no file names), with JSON output: exit code, report, stderr.
    fn hook(&self) -> (i32, Value, String) {
        let run = run_command(
            command()
                .current_dir(self.dir.path())
                .args(entry_args())
                .args(["--format", "json"]),
        );
        (run.code, run.json(), run.stderr)
    }
}

/// (rule, file) of each error finding (those fail the commit).
fn findings(json: &Value) -> Vec<(String, String)> {
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["path"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn both_hooks_run_the_same_command_on_every_commit_without_file_names() {
    let hooks = hooks();
    let ids: Vec<&str> = hooks.iter().map(|h| h.0.as_str()).collect();
    assert_eq!(ids, ["migrate-lint", "migrate-lint-from-source"]);
    assert_eq!(
        hooks[0].1, "python",
        "the default hook installs the wheel with the prebuilt binary"
    );
    assert_eq!(hooks[1].1, "rust");
    for (id, _, entry, pass_filenames, always_run) in &hooks {
        assert_eq!(entry, &hooks[0].2, "{id}");
        assert_eq!(
            pass_filenames, "false",
            "{id}: pre-commit would pass no deleted file"
        );
        assert_eq!(
            always_run, "true",
            "{id}: a commit that only deletes a migration passes no file at all"
        );
    }
    assert_eq!(entry_args(), ["--base", "HEAD", "--changed-since", "HEAD"]);
}

#[test]
fn a_commit_without_migration_changes_is_clean_although_committed_ones_have_findings() {
    let repo = Repo::committed();
    repo.write("README.md", "docs\n");
    git(repo.dir.path(), &["add", "-A"]);
    let (code, json, stderr) = repo.hook();
    assert_eq!(code, 0, "{json}\n{stderr}");
    assert_eq!(findings(&json), []);
}

#[test]
fn a_staged_new_migration_is_linted_alone_with_the_history_as_context() {
    let repo = Repo::committed();
    repo.write(
        "prisma/migrations/20240301000000_email/migration.sql",
        ADD_EMAIL,
    );
    repo.write(
        "prisma/migrations/20240302000000_drop_email/migration.sql",
        "ALTER TABLE \"User\" DROP COLUMN \"email\";\n",
    );
    git(repo.dir.path(), &["add", "-A"]);
    let (code, json, stderr) = repo.hook();
    assert_eq!(code, 1, "{json}\n{stderr}");
    assert_eq!(
        findings(&json),
        [(
            "drop-column".to_string(),
            "prisma/migrations/20240302000000_drop_email/migration.sql".to_string()
        )]
    );
}

#[test]
fn deleting_a_committed_migration_is_caught_although_no_file_is_passed() {
    let repo = Repo::committed();
    git(
        repo.dir.path(),
        &["rm", "-rq", "prisma/migrations/20240101000000_init"],
    );
    let (code, json, stderr) = repo.hook();
    assert_eq!(code, 1, "{json}\n{stderr}");
    assert_eq!(
        findings(&json),
        [(
            "edited-applied-migration".to_string(),
            "prisma/migrations/20240101000000_init/migration.sql".to_string()
        )]
    );
    let message = json["diagnostics"][0]["message"].as_str().unwrap();
    assert!(message.contains("was deleted"), "{message}");
}

#[test]
fn editing_a_committed_migration_is_caught() {
    let repo = Repo::committed();
    repo.write(
        "prisma/migrations/20240101000000_init/migration.sql",
        &format!("{INIT}{ADD_EMAIL}"),
    );
    git(repo.dir.path(), &["add", "-A"]);
    let (code, json, stderr) = repo.hook();
    assert_eq!(code, 1, "{json}\n{stderr}");
    assert_eq!(
        findings(&json),
        [(
            "edited-applied-migration".to_string(),
            "prisma/migrations/20240101000000_init/migration.sql".to_string()
        )]
    );
}

#[test]
fn the_first_commit_of_a_repository_lints_every_staged_migration() {
    // No HEAD yet: nothing is applied, and every migration is new.
    let repo = Repo::empty();
    repo.write("prisma/migrations/20240101000000_init/migration.sql", INIT);
    repo.write("prisma/migrations/20240201000000_drop/migration.sql", DROP);
    git(repo.dir.path(), &["add", "-A"]);
    let (code, json, stderr) = repo.hook();
    assert_eq!(code, 1, "{json}\n{stderr}");
    assert_eq!(
        findings(&json),
        [(
            "drop-column".to_string(),
            "prisma/migrations/20240201000000_drop/migration.sql".to_string()
        )]
    );
    assert_eq!(json["summary"]["files"], 2, "{json}");
}

#[test]
fn the_first_commit_without_migrations_is_clean() {
    let repo = Repo::empty();
    let (code, json, stderr) = repo.hook();
    assert_eq!(code, 0, "{json}\n{stderr}");
    assert_eq!(findings(&json), []);
}
