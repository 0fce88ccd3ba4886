//! The real Prisma CLI (tests/prisma, run through scripts/prisma) for suites that prove what migrate-lint says
//! against what Prisma itself generates.
//!
//! Prisma connects to `DATABASE_URL` even to diff two schema files, so each call gets the URL of a running server
//! (a [`super::pg::TestPg`]). When the CLI is not installed (`npm ci --prefix tests/prisma`), tests panic unless
//! `MIGRATE_LINT_SKIP_PRISMA=1` is set and they use [`available_or_skip`]; `.ci/run` installs it.

use std::path::{Path, PathBuf};
use std::process::Command;

pub const SKIP_ENV: &str = "MIGRATE_LINT_SKIP_PRISMA";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn installed() -> bool {
    repo()
        .join("tests/prisma/node_modules/prisma/build/index.js")
        .is_file()
}

/// True when the CLI can run; false (with a note on stderr) only when it is missing and skipping is allowed.
pub fn available_or_skip() -> bool {
    if installed() {
        return true;
    }
    if std::env::var_os(SKIP_ENV).is_some() {
        eprintln!("skipping: the Prisma CLI is not installed and {SKIP_ENV} is set");
        return false;
    }
    panic!("the Prisma CLI is not installed: run `npm ci --prefix tests/prisma` (or set {SKIP_ENV}=1 to skip)");
}

/// Where a diff starts: nothing, or a schema file or folder.
pub enum From<'a> {
    Empty,
    Schema(&'a Path),
}

/// The SQL script of `prisma migrate diff` from `from` to the schema `to`, as Prisma writes it into a migration.
pub fn migrate_diff(database_url: &str, from: From<'_>, to: &Path) -> Result<String, String> {
    let mut cmd = Command::new(repo().join("scripts/prisma"));
    cmd.args(["migrate", "diff"]);
    match from {
        From::Empty => {
            cmd.arg("--from-empty");
        }
        From::Schema(path) => {
            cmd.arg("--from-schema-datamodel").arg(path);
        }
    }
    cmd.arg("--to-schema-datamodel").arg(to).arg("--script");
    cmd.env("DATABASE_URL", database_url);
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run scripts/prisma: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "prisma migrate diff to {} failed ({}):\n{}{}",
            to.display(),
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    String::from_utf8(out.stdout).map_err(|e| format!("prisma wrote non-UTF-8 SQL: {e}"))
}
