//! Migration files read into [`SourceFile`]s: in parallel, in order, each refused when too large and linted as far as
//! possible when not UTF-8; and paths shown as the user gave them.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::discover::{History, Migration};
use super::project_file;
use crate::syntax::source::SourceFile;

/// Reads every migration of a history; unreadable or non-UTF-8 files are reported
/// and linted as far as possible.
pub fn read_history(history: &History) -> (Vec<SourceFile>, Vec<bool>, Vec<String>) {
    let (sources, mut errors) = read_migrations(&history.migrations, history.project.as_deref());
    errors.splice(0..0, problems_of(history));
    let report = sources
        .iter()
        .map(|source| match &history.report_only {
            None => true,
            Some(only) => only.contains(&source.path),
        })
        .collect();
    (sources, report, errors)
}

/// Reads migrations in parallel (a history can have hundreds), kept in order: the files that could be read, and
/// what was wrong with the others (or with their bytes).
pub fn read_migrations(
    migrations: &[Migration],
    project: Option<&Path>,
) -> (Vec<SourceFile>, Vec<String>) {
    gathered(
        migrations
            .par_iter()
            .map(|m| read_migration(m, project))
            .collect(),
    )
}

/// What discovery found wrong in a history's folder, as input errors naming the path.
pub fn problems_of(history: &History) -> impl Iterator<Item = String> + '_ {
    history
        .problems
        .iter()
        .map(|p| format!("{}: {}", display_path(&p.path), p.message))
}

/// One migration file, and what was wrong with it: no file when it cannot be read or is too large; a file with
/// replaced bytes and an error when it is not UTF-8.
type ReadMigration = (Option<SourceFile>, Option<String>);

fn gathered(read: Vec<ReadMigration>) -> (Vec<SourceFile>, Vec<String>) {
    let (files, errors): (Vec<_>, Vec<_>) = read.into_iter().unzip();
    (
        files.into_iter().flatten().collect(),
        errors.into_iter().flatten().collect(),
    )
}

pub fn read_migration(migration: &Migration, project: Option<&Path>) -> ReadMigration {
    let path = &migration.sql;
    let display = display_path(path);
    let bytes = match migration_bytes(migration, project) {
        Ok(bytes) => bytes,
        Err(e) => return (None, Some(format!("{display}: {e}"))),
    };
    let (text, error) = match String::from_utf8(bytes) {
        Ok(text) => (text, None),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let line = bytes[..valid].iter().filter(|b| **b == b'\n').count() + 1;
            (
                String::from_utf8_lossy(&bytes).into_owned(),
                Some(format!(
                    "{display}:{line}: not valid UTF-8 (byte {valid}); invalid bytes were replaced to lint the rest"
                )),
            )
        }
    };
    let source = SourceFile::new(path.clone(), display, migration.name.clone(), text);
    (Some(source), error)
}

/// A migration's bytes, read by the project's policy ([`project_file`]); the error says why not, without the path.
pub fn migration_bytes(migration: &Migration, project: Option<&Path>) -> Result<Vec<u8>, String> {
    let path = &migration.sql;
    match &migration.found {
        Some(found) if migration.unlinked => project_file::read_found(path, found),
        _ => project_file::read(path, project),
    }
}

/// Paths as the user gave them, without a leading `./`; absolute ones (e.g. from lint.toml) relative to the working
/// directory when inside it, so CI annotations and SARIF URIs point at repository files.
pub fn display_path(path: &Path) -> String {
    // Relative paths are shown as given; only absolute ones need the working directory (looked up once).
    static WORKING_DIR: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    let relative = path
        .is_absolute()
        .then(|| {
            let cwd = WORKING_DIR.get_or_init(|| std::env::current_dir().ok()?.canonicalize().ok());
            path.strip_prefix(cwd.as_ref()?).ok()
        })
        .flatten();
    let shown = relative.unwrap_or(path).to_string_lossy();
    shown.strip_prefix("./").unwrap_or(&shown).to_string()
}
