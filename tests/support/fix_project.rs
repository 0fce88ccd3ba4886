//! The projects of the `--fix` scenarios (fixtures/fix): the first migration and base.prisma committed in a fresh git
//! repository, the scenario's migration and schema.prisma edit not, as a developer has them before committing.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

pub const INIT: &str = "20240101000000_init";

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/fix")
}

pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

pub fn lint(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_migrate-lint"))
        .current_dir(dir)
        .args(args)
        .arg("prisma/migrations")
        .env_remove("CI")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The project with the scenario's edit made but not committed.
pub fn project(scenario: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let migrations = dir.path().join("prisma/migrations");
    fs::create_dir_all(migrations.join(INIT)).unwrap();
    fs::write(
        migrations.join("migration_lock.toml"),
        "provider = \"postgresql\"\n",
    )
    .unwrap();
    fs::copy(
        fixtures().join("init.sql"),
        migrations.join(INIT).join("migration.sql"),
    )
    .unwrap();
    fs::copy(
        fixtures().join("base.prisma"),
        dir.path().join("prisma/schema.prisma"),
    )
    .unwrap();
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "init"]);
    let new = migrations.join(format!("20240201000000_{scenario}"));
    fs::create_dir_all(&new).unwrap();
    let source = fixtures().join(scenario);
    fs::copy(source.join("migration.sql"), new.join("migration.sql")).unwrap();
    fs::copy(
        source.join("schema.prisma"),
        dir.path().join("prisma/schema.prisma"),
    )
    .unwrap();
    dir
}
