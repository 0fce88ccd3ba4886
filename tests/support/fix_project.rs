//! The projects of the `--fix` scenarios (fixtures/fix): the first migration and base.prisma committed in a fresh git
//! repository, the scenario's migration and schema.prisma edit not, as a developer has them before committing.
//!
//! A scenario may bring its own base (`<scenario>/base.prisma` and `<scenario>/init.sql`). One whose schema is a
//! `schema/` folder of several .prisma files (and whose base is a `base/` folder) is laid out as Prisma's multi-file
//! projects are: `prisma/schema/*.prisma`, with the migrations in `prisma/schema/migrations`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::files::git;

pub const INIT: &str = "20240101000000_init";

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/fix")
}

/// The project's migrations folder.
pub fn migrations_dir(root: &Path) -> PathBuf {
    let inside = root.join("prisma/schema/migrations");
    if inside.is_dir() {
        inside
    } else {
        root.join("prisma/migrations")
    }
}

/// The project's schema: `prisma/schema` (multi-file) or `prisma/schema.prisma`.
pub fn schema_path(root: &Path) -> PathBuf {
    let folder = root.join("prisma/schema");
    if folder.is_dir() {
        folder
    } else {
        root.join("prisma/schema.prisma")
    }
}

/// The schema's text: every file, with its name, in order.
pub fn schema_text(root: &Path) -> String {
    let path = schema_path(root);
    if path.is_file() {
        return fs::read_to_string(path).unwrap();
    }
    let mut files: Vec<PathBuf> = fs::read_dir(&path)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "prisma"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| {
            format!(
                "// {}\n{}",
                f.file_name().unwrap().to_string_lossy(),
                fs::read_to_string(f).unwrap()
            )
        })
        .collect()
}

pub fn lint(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let migrations = migrations_dir(dir);
    let out = Command::new(env!("CARGO_BIN_EXE_migrate-lint"))
        .current_dir(dir)
        .args(args)
        .arg(migrations.strip_prefix(dir).unwrap())
        .env_remove("CI")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Copies a schema file, or every file of a schema folder into `to` (a folder).
fn copy_schema(from: &Path, to: &Path) {
    if from.is_file() {
        fs::copy(from, to).unwrap();
        return;
    }
    if to.is_dir() {
        for e in fs::read_dir(to).unwrap() {
            let path = e.unwrap().path();
            if path.extension().is_some_and(|e| e == "prisma") {
                fs::remove_file(path).unwrap();
            }
        }
    }
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

/// The project with the scenario's edit made but not committed.
pub fn project(scenario: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let source = fixtures().join(scenario);
    let multi_file = source.join("schema").is_dir();
    let (schema, migrations) = if multi_file {
        let folder = dir.path().join("prisma/schema");
        (folder.clone(), folder.join("migrations"))
    } else {
        (
            dir.path().join("prisma/schema.prisma"),
            dir.path().join("prisma/migrations"),
        )
    };
    fs::create_dir_all(migrations.join(INIT)).unwrap();
    fs::write(
        migrations.join("migration_lock.toml"),
        "provider = \"postgresql\"\n",
    )
    .unwrap();
    let own = |name: &str| {
        let path = source.join(name);
        if path.exists() {
            path
        } else {
            fixtures().join(name)
        }
    };
    fs::copy(own("init.sql"), migrations.join(INIT).join("migration.sql")).unwrap();
    let base = if multi_file {
        source.join("base")
    } else {
        own("base.prisma")
    };
    copy_schema(&base, &schema);
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "init"]);
    let new = migrations.join(format!("20240201000000_{scenario}"));
    fs::create_dir_all(&new).unwrap();
    fs::copy(source.join("migration.sql"), new.join("migration.sql")).unwrap();
    let edited = if multi_file {
        source.join("schema")
    } else {
        source.join("schema.prisma")
    };
    copy_schema(&edited, &schema);
    dir
}
