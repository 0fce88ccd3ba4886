//! Which migrations are already applied, and with which content: from a git ref (`--base`) or from a live database's
//! `_prisma_migrations` table (`--database-url`). Rules compare this list with the local files.

use crate::input::discover::History;
use crate::syntax::source::SourceFile;

pub mod checksum;
pub mod database;
pub mod diff;
pub mod git;

/// One source of "applied": a git ref or a database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedSource {
    /// How the source is named in messages, e.g. `git ref origin/main` or `database postgres://app:***@db/app`.
    pub label: String,
    /// What the source says was applied, sorted by name (one entry per name): [`AppliedSource::get`] looks a name
    /// up in it.
    pub migrations: Vec<AppliedMigration>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedMigration {
    /// The migration's name (its folder name).
    pub name: String,
    /// The checksum recorded when it was applied (lowercase hex SHA-256; legacy rows may be unpadded).
    pub checksum: String,
    /// The applied text, when the source has it (a git ref does, a database does not): used for the diff summary.
    pub text: Option<String>,
    pub state: AppliedState,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppliedState {
    /// Finished: its changes are in the database.
    Applied,
    /// Started and neither finished nor rolled back: `prisma migrate deploy` refuses to run (P3009).
    Failed { started_at: String },
}

/// Every source given for one migrations folder; empty when none was given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppliedSet {
    pub sources: Vec<AppliedSource>,
}

impl AppliedSource {
    /// A source built from files (e.g. a git ref): every file counts as applied with its own checksum.
    pub fn from_texts(label: String, texts: Vec<(String, String)>) -> Self {
        let mut migrations: Vec<AppliedMigration> = texts
            .into_iter()
            .map(|(name, text)| AppliedMigration {
                checksum: checksum::checksum_hex(text.as_bytes()),
                name,
                text: Some(text),
                state: AppliedState::Applied,
            })
            .collect();
        migrations.sort_by(|a, b| a.name.cmp(&b.name));
        migrations.dedup_by(|a, b| a.name == b.name);
        AppliedSource { label, migrations }
    }

    /// The applied migration of this name.
    pub fn get(&self, name: &str) -> Option<&AppliedMigration> {
        let at = self
            .migrations
            .binary_search_by(|m| m.name.as_str().cmp(name))
            .ok()?;
        self.migrations.get(at)
    }

    /// A source built from `_prisma_migrations` rows. Rolled-back rows do not count; a name with a finished row
    /// counts as applied even if an earlier attempt failed.
    pub fn from_rows(label: String, rows: Vec<database::MigrationRow>) -> Self {
        let mut migrations: Vec<AppliedMigration> = Vec::new();
        // Each name's entry: a table can hold 100,000 rows, and a search per row made reading it quadratic.
        let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        for row in rows.into_iter().filter(|r| !r.rolled_back) {
            let state = if row.finished {
                AppliedState::Applied
            } else {
                AppliedState::Failed {
                    started_at: row.started_at,
                }
            };
            let entry = AppliedMigration {
                name: row.migration_name,
                checksum: row.checksum,
                text: None,
                state,
            };
            match index.get(&entry.name).map(|&i| &mut migrations[i]) {
                // A finished row wins over a failed attempt; the latest finished row wins over older ones.
                Some(existing) if entry.state == AppliedState::Applied => *existing = entry,
                Some(existing) if existing.state != AppliedState::Applied => *existing = entry,
                Some(_) => {}
                None => {
                    index.insert(entry.name.clone(), migrations.len());
                    migrations.push(entry);
                }
            }
        }
        migrations.sort_by(|a, b| a.name.cmp(&b.name));
        AppliedSource { label, migrations }
    }
}

impl AppliedSet {
    /// Names that some source lists but that are not among `local` names, sorted.
    pub fn missing_locally<'a>(&'a self, local: &[&str]) -> Vec<&'a str> {
        let local: std::collections::HashSet<&str> = local.iter().copied().collect();
        let mut names: Vec<&str> = self
            .sources
            .iter()
            .flat_map(|s| s.migrations.iter().map(|m| m.name.as_str()))
            .filter(|name| !local.contains(name))
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }
}

/// Everything known as applied for the migrations folder `root`: the files at the git ref `base`, and the rows read
/// from a database (`(redacted URL, rows)`). Problems are returned as messages; the sources that worked still count.
pub fn collect(
    root: &std::path::Path,
    base: Option<&str>,
    database: Option<&(String, Vec<database::MigrationRow>)>,
) -> (AppliedSet, Vec<String>) {
    let mut set = AppliedSet::default();
    let mut errors = Vec::new();
    if let Some(git_ref) = base {
        match git::migrations_at(root, git_ref) {
            Ok(texts) => set.sources.push(AppliedSource::from_texts(
                format!("git ref {git_ref}"),
                texts,
            )),
            Err(e) => errors.push(format!("--base {git_ref}: {e}")),
        }
    }
    if let Some((url, rows)) = database {
        set.sources.push(AppliedSource::from_rows(
            format!("database {url}"),
            rows.clone(),
        ));
    }
    (set, errors)
}

/// The `_prisma_migrations` rows for `--database-url` (`Some(None)`: the flag without a value, so DATABASE_URL), with
/// the redacted URL for messages. `histories` is how many migrations folders are linted: a database belongs to one.
pub fn read_database(
    database_url: Option<&Option<String>>,
    histories: usize,
) -> Result<Option<(String, Vec<database::MigrationRow>)>, String> {
    let Some(given) = database_url else {
        return Ok(None);
    };
    let url = match given {
        Some(url) => url.clone(),
        None => std::env::var("DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty())
            .ok_or("--database-url was given without a URL and DATABASE_URL is not set")?,
    };
    if histories != 1 {
        return Err(format!(
            "--database-url describes one migrations folder, but {histories} were found; name the one the database \
             belongs to"
        ));
    }
    let rows = database::read_applied(&url)?;
    Ok(Some((database::describe_url(&url), rows)))
}

/// An empty placeholder for each applied migration with no file on disk, so findings about it have a path (where the
/// file was).
pub fn missing_placeholders(
    history: &History,
    set: &AppliedSet,
    local: &[SourceFile],
) -> Vec<SourceFile> {
    let local: Vec<&str> = local.iter().map(|s| s.migration.as_str()).collect();
    let flat = !history.migrations.is_empty()
        && history
            .migrations
            .iter()
            .all(|m| m.sql.file_name().is_none_or(|n| n != "migration.sql"));
    set.missing_locally(&local)
        .into_iter()
        .map(|name| {
            let path = if flat {
                history.root.join(format!("{name}.sql"))
            } else {
                history.root.join(name).join("migration.sql")
            };
            let shown = path.to_string_lossy();
            let display = shown.strip_prefix("./").unwrap_or(&shown).to_string();
            SourceFile::missing(path, display, name.to_string())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::database::MigrationRow;
    use super::*;

    fn row(name: &str, checksum: &str, finished: bool, rolled_back: bool) -> MigrationRow {
        MigrationRow {
            migration_name: name.into(),
            checksum: checksum.into(),
            finished,
            rolled_back,
            started_at: "2024-01-01 00:00:00+00".into(),
        }
    }

    #[test]
    fn rolled_back_rows_are_not_applied_and_a_retry_wins() {
        let source = AppliedSource::from_rows(
            "db".into(),
            vec![
                row("1_init", "aa", true, false),
                row("2_bad", "bb", false, true),
                row("3_retry", "c1", false, true),
                row("3_retry", "c2", true, false),
                row("4_failed", "dd", false, false),
            ],
        );
        let got: Vec<(&str, &str, bool)> = source
            .migrations
            .iter()
            .map(|m| {
                (
                    m.name.as_str(),
                    m.checksum.as_str(),
                    m.state == AppliedState::Applied,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("1_init", "aa", true),
                ("3_retry", "c2", true),
                ("4_failed", "dd", false)
            ]
        );
    }

    #[test]
    fn missing_locally_lists_each_name_once() {
        let set = AppliedSet {
            sources: vec![
                AppliedSource::from_texts("a".into(), vec![("2_b".into(), "x".into())]),
                AppliedSource::from_texts(
                    "b".into(),
                    vec![("2_b".into(), "x".into()), ("1_a".into(), "y".into())],
                ),
            ],
        };
        assert_eq!(set.missing_locally(&["1_a"]), vec!["2_b"]);
    }
}
