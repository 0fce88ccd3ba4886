//! Find migration histories: Prisma `migrations/` folders, single migrations, or folders of ordered `*.sql` files.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::input::project_file;

/// One ordered history of migrations, replayed as a whole.
#[derive(Debug, Clone)]
pub struct History {
    /// The migrations folder.
    pub root: PathBuf,
    /// Migrations in the order Prisma applies them (by folder name).
    pub migrations: Vec<Migration>,
    /// Only these files are reported; `None` reports every migration.
    pub report_only: Option<Vec<PathBuf>>,
    /// `provider` from `migration_lock.toml`, when there is one.
    pub provider: Option<String>,
    /// Where its files may resolve ([`project_file::project_root`]); `None` when the folder cannot be resolved.
    pub project: Option<PathBuf>,
    /// Entries that should be migrations and are not readable ones: a migration folder without a regular
    /// `migration.sql` (Prisma stops with P3015), an unreadable folder, a `migration_lock.toml` that is not a file.
    pub problems: Vec<DiscoverError>,
}

#[derive(Debug, Clone)]
pub struct Migration {
    pub name: String,
    pub sql: PathBuf,
    /// The file as discovery saw it (it may have changed since): reading it needs no size of its own, and the cache
    /// stamps it without looking at it again.
    pub found: Option<fs::Metadata>,
    /// Discovery saw no symbolic link between the migrations folder and the file, so the file lies inside the
    /// project and is read without resolving its path (a resolve is a system call per folder of the path).
    pub unlinked: bool,
}

impl Migration {
    /// The file's size when it was found.
    pub fn size(&self) -> Option<u64> {
        self.found.as_ref().map(fs::Metadata::len)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoverError {
    pub path: PathBuf,
    pub message: String,
}

/// Folders never searched for migrations.
const SKIPPED_DIRS: &[&str] = &["node_modules", ".git", "target"];

/// Resolves user-given paths (files or folders) into histories.
pub fn discover_paths(paths: &[PathBuf]) -> (Vec<History>, Vec<DiscoverError>) {
    let listed = list_paths(paths);
    (
        listed.listings.par_iter().map(Listing::history).collect(),
        listed.errors,
    )
}

/// A migrations folder whose entries are read but not yet looked into: which entries are migrations takes a stat
/// each, so [`Listing::history`] can be left to the thread that lints the history.
#[derive(Debug)]
pub struct Listing {
    root: PathBuf,
    entries: Vec<fs::DirEntry>,
    /// Was the folder named in full (else only `files` are reported).
    full: bool,
    files: Vec<PathBuf>,
    /// `provider` from the folder's `migration_lock.toml`, read with its entries.
    provider: Option<String>,
    project: Option<PathBuf>,
    /// What was wrong with `migration_lock.toml`.
    problems: Vec<DiscoverError>,
}

/// The migrations folders user-given paths resolve to, each with its entries read.
#[derive(Debug)]
pub struct Listed {
    pub listings: Vec<Listing>,
    /// What could not be read and may hide migrations: the run is incomplete.
    pub errors: Vec<DiscoverError>,
    /// Folders a search could not read that hide no history ([`Search::skipped`]).
    pub skipped: Vec<DiscoverError>,
}

/// Resolves user-given paths (files or folders) into migrations folders and reads each folder's entries.
pub fn list_paths(paths: &[PathBuf]) -> Listed {
    // Per migrations folder: was it named in full, and which single files were named.
    let mut requested: BTreeMap<PathBuf, (bool, Vec<PathBuf>)> = BTreeMap::new();
    let mut errors = Vec::new();
    let mut skipped = Vec::new();
    for path in paths {
        match classify(path) {
            Ok(Target::Root(root)) => requested.entry(root).or_default().0 = true,
            Ok(Target::Single { root, file }) => requested.entry(root).or_default().1.push(file),
            Ok(Target::Search(dir)) => {
                let search = find_roots(&dir);
                errors.extend(search.unreadable);
                skipped.extend(search.skipped);
                if search.roots.is_empty() {
                    errors.push(DiscoverError {
                        path: path.clone(),
                        message: "no migrations found here (expected `migration_lock.toml`, \
                                  `<name>/migration.sql` folders or `*.sql` files)"
                            .into(),
                    });
                }
                for root in search.roots {
                    requested.entry(root).or_default().0 = true;
                }
            }
            Err(message) => errors.push(DiscoverError {
                path: path.clone(),
                message,
            }),
        }
    }
    // Folders are read in parallel: a search can find many, and each read waits on the file system.
    let read: Vec<_> = requested
        .into_par_iter()
        .map(|(root, (full, files))| {
            let entries = fs::read_dir(&root).map_err(|e| DiscoverError {
                path: root.clone(),
                message: format!("cannot read folder: {e}"),
            })?;
            let project = project_file::project_root(&root);
            let (provider, problems) = match read_provider(&root, project.as_deref()) {
                Ok(provider) => (provider, Vec::new()),
                Err(problem) => (None, vec![problem]),
            };
            Ok(Listing {
                entries: entries.flatten().collect(),
                provider,
                project,
                problems,
                root,
                full,
                files,
            })
        })
        .collect();
    let mut listings = Vec::with_capacity(read.len());
    for listing in read {
        match listing {
            Ok(listing) => listings.push(listing),
            Err(e) => errors.push(e),
        }
    }
    Listed {
        listings,
        errors,
        skipped,
    }
}

impl Listing {
    /// Whether every migration of the folder is reported (the folder was named, not only some of its files).
    pub fn reports_all(&self) -> bool {
        self.full
    }

    /// How many entries the folder has: about how many migrations, before they are looked into.
    pub fn entries(&self) -> usize {
        self.entries.len()
    }

    /// `provider` from the folder's `migration_lock.toml`, when there is one.
    pub fn provider(&self) -> Option<&str> {
        self.provider.as_deref()
    }

    /// The folder's migrations in order, and which of them are reported.
    pub fn history(&self) -> History {
        let has_lock = fs::symlink_metadata(self.root.join("migration_lock.toml")).is_ok();
        let (migrations, problems) = migrations(&self.entries, has_lock);
        let mut history = self.history_of(migrations);
        history.problems.extend(problems);
        history
    }

    fn history_of(&self, migrations: Vec<Migration>) -> History {
        let mut history = History {
            root: self.root.clone(),
            migrations,
            report_only: None,
            provider: self.provider.clone(),
            project: self.project.clone(),
            problems: self.problems.clone(),
        };
        // Named files are recorded by their migration's own path, so later steps compare paths exactly.
        let mut reported = Vec::with_capacity(self.files.len());
        for file in &self.files {
            match position_of(&history.migrations, file) {
                Some(i) => reported.push(history.migrations[i].sql.clone()),
                None => {
                    // Not part of the folder's history (e.g. `foo.txt` passed by hand): lint it after the history.
                    history.migrations.push(Migration {
                        name: file_stem(file),
                        sql: file.clone(),
                        found: None,
                        unlinked: false,
                    });
                    reported.push(file.clone());
                }
            }
        }
        if !self.full {
            history.report_only = Some(reported);
        }
        history
    }
}

/// What a search for migrations folders found.
#[derive(Debug, Default)]
pub struct Search {
    pub roots: Vec<PathBuf>,
    /// Folders that could not be searched and may hide a history: the run is incomplete.
    pub unreadable: Vec<DiscoverError>,
    /// Folders that could not be searched, beside found histories and named like none (a database volume owned by
    /// another user): worth a note, not a failure.
    pub skipped: Vec<DiscoverError>,
}

/// Every migrations folder below `dir`, and the folders that could not be searched.
pub fn find_roots(dir: &Path) -> Search {
    let mut search = Search::default();
    let mut walker = WalkDir::new(dir).follow_links(false).into_iter();
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(entry) => entry,
            // A folder at mode 000, or one whose path is longer than the system allows (PATH_MAX).
            Err(e) => {
                let path = e.path().unwrap_or(dir).to_path_buf();
                let error = DiscoverError {
                    message: match e.io_error() {
                        Some(io) => format!("cannot read folder: {io}"),
                        None => format!("cannot read folder: {e}"),
                    },
                    path,
                };
                let denied = e
                    .io_error()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::PermissionDenied);
                if denied
                    && !may_hold_migrations(error.path.strip_prefix(dir).unwrap_or(&error.path))
                {
                    search.skipped.push(error);
                } else {
                    search.unreadable.push(error);
                }
                continue;
            }
        };
        if !entry.file_type().is_dir() {
            continue;
        }
        let name = entry.file_name().to_string_lossy();
        if entry.depth() > 0 && SKIPPED_DIRS.contains(&name.as_ref()) {
            walker.skip_current_dir();
            continue;
        }
        // Searching finds Prisma folders only: a stray `seed.sql` does not make a folder a migration history.
        if is_prisma_root(entry.path()) {
            search.roots.push(entry.path().to_path_buf());
            walker.skip_current_dir();
        }
    }
    // With nothing found, any folder that could not be searched may be where the history is.
    if search.roots.is_empty() {
        search.unreadable.append(&mut search.skipped);
    }
    search
}

/// Whether a folder (relative to the search) is or lies inside one named for migrations or Prisma. Any other folder
/// that denies reading was made on this machine (git cannot commit one), typically a database volume owned by
/// another user; a path past PATH_MAX can be committed, so that stays an error wherever it is.
fn may_hold_migrations(relative: &Path) -> bool {
    relative.components().any(|c| {
        let name = c.as_os_str().to_string_lossy().to_ascii_lowercase();
        name.contains("migration") || name == "prisma"
    })
}

enum Target {
    Root(PathBuf),
    Single { root: PathBuf, file: PathBuf },
    Search(PathBuf),
}

fn classify(path: &Path) -> Result<Target, String> {
    let meta = fs::metadata(path).map_err(|e| format!("cannot read: {e}"))?;
    if meta.is_file() {
        let parent = parent_of(path);
        // `<root>/<name>/migration.sql` or `<root>/<file>.sql`.
        let root = if is_prisma_migration_dir(&parent) && !is_flat_root(&parent) {
            parent_of(&parent)
        } else {
            parent
        };
        return Ok(Target::Single {
            root,
            file: path.to_path_buf(),
        });
    }
    if is_migrations_root(path) {
        return Ok(Target::Root(path.to_path_buf()));
    }
    let sql = path.join("migration.sql");
    if sql.is_file() {
        return Ok(Target::Single {
            root: parent_of(path),
            file: sql,
        });
    }
    Ok(Target::Search(path.to_path_buf()))
}

fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() && path != Path::new(".") => p.to_path_buf(),
        // `migration.sql` or `.`: the parent is only known from the absolute path.
        _ => path
            .canonicalize()
            .ok()
            .and_then(|p| p.parent().map(Path::to_path_buf))
            .unwrap_or_else(|| PathBuf::from("..")),
    }
}

/// The migration whose file is `file`. `classify` derives the root from the file's own path, so the history
/// spells a named file's path exactly as it was given.
fn position_of(migrations: &[Migration], file: &Path) -> Option<usize> {
    migrations.iter().position(|m| m.sql == file)
}

fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A Prisma migrations folder, or a folder of `*.sql` files.
fn is_migrations_root(dir: &Path) -> bool {
    is_prisma_root(dir) || is_flat_root(dir)
}

fn is_prisma_root(dir: &Path) -> bool {
    dir.join("migration_lock.toml").is_file() || has_migration_children(dir)
}

fn has_migration_children(dir: &Path) -> bool {
    fs::read_dir(dir).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.path().join("migration.sql").is_file())
    })
}

fn is_prisma_migration_dir(dir: &Path) -> bool {
    dir.join("migration.sql").is_file()
}

/// A folder of ordered `*.sql` migrations (not a Prisma migration folder itself).
fn is_flat_root(dir: &Path) -> bool {
    !is_prisma_migration_dir(dir)
        && fs::read_dir(dir).is_ok_and(|entries| {
            entries.flatten().any(|e| {
                let p = e.path();
                p.is_file() && is_sql(&p)
            })
        })
}

/// The migrations among a folder's entries, in the order Prisma applies them, and the entries that should be
/// migrations but are not readable ones.
fn migrations(entries: &[fs::DirEntry], has_lock: bool) -> (Vec<Migration>, Vec<DiscoverError>) {
    // One stat per entry, and a history can have hundreds: in parallel.
    let found: Vec<Result<Migration, Option<DiscoverError>>> =
        entries.par_iter().map(migration_in).collect();
    // In a Prisma history every folder is a migration (Prisma stops with P3015 at one without migration.sql); in a
    // folder of `*.sql` files, subfolders are something else.
    let prisma = has_lock
        || found.iter().any(|f| {
            f.as_ref()
                .is_ok_and(|m| m.sql.file_name().is_some_and(|n| n == "migration.sql"))
        });
    let mut migrations = Vec::new();
    let mut problems = Vec::new();
    for entry in found {
        match entry {
            Ok(migration) => migrations.push(migration),
            Err(Some(problem)) if prisma => problems.push(problem),
            Err(_) => {}
        }
    }
    // Prisma applies migrations in folder-name order.
    migrations.sort_by(in_order);
    problems.sort_by(|a, b| a.path.cmp(&b.path));
    (migrations, problems)
}

fn in_order(a: &Migration, b: &Migration) -> std::cmp::Ordering {
    a.name.cmp(&b.name).then_with(|| a.sql.cmp(&b.sql))
}

/// The migration an entry of a migrations folder holds, looked up with a stat. Else, for an entry that is (or links
/// to) a folder, or a link that leads nowhere, what is wrong with it as a Prisma migration folder (`None`: the entry
/// is no migration at all, e.g. a README).
fn migration_in(entry: &fs::DirEntry) -> Result<Migration, Option<DiscoverError>> {
    let path = entry.path();
    if entry.file_name().to_string_lossy().starts_with('.') {
        return Err(None);
    }
    let folder = folder_migration(entry);
    let problem = |message: String| {
        Err(Some(DiscoverError {
            path: path.clone(),
            message,
        }))
    };
    // The entry's own type comes with the folder listing: only a link needs a stat to say what it leads to.
    let entry_type = entry.file_type().ok().filter(|t| !t.is_symlink());
    let it = match entry_type {
        Some(t) if t.is_dir() => Ok(Entry::Folder),
        // Not a link: what it is now, without following one it may have become since it was listed.
        Some(_) => fs::symlink_metadata(&path).map(Entry::Other),
        None => fs::metadata(&path).map(|found| match found.is_dir() {
            true => Entry::Folder,
            false => Entry::Other(found),
        }),
    };
    match it {
        Ok(Entry::Folder) => match sql_metadata(&folder.sql) {
            Ok((found, linked)) if found.is_file() => Ok(Migration {
                found: Some(found),
                unlinked: entry_type.is_some() && !linked,
                ..folder
            }),
            Ok((found, _)) => problem(format!(
                "migration.sql is {}, not a regular file: Prisma stops here (P3015)",
                project_file::kind(&found)
            )),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                match fs::symlink_metadata(&folder.sql) {
                    Ok(_) => problem(
                        "migration.sql is a link that leads nowhere: Prisma stops here (P3015)"
                            .into(),
                    ),
                    // A folder of other files (real projects keep TypeScript data migrations so) is no SQL history.
                    Err(_) if fs::read_dir(&path).is_ok_and(|mut e| e.next().is_some()) => {
                        Err(None)
                    }
                    Err(_) => problem(
                        "an empty migration folder (no migration.sql): Prisma stops here (P3015)"
                            .into(),
                    ),
                }
            }
            Err(e) => problem(format!("cannot read migration.sql: {e}")),
        },
        // A flat `*.sql` migration.
        Ok(Entry::Other(found)) if found.is_file() && is_sql(&path) => Ok(Migration {
            found: Some(found),
            unlinked: entry_type.is_some(),
            ..flat_migration(path)
        }),
        Ok(Entry::Other(_)) => Err(None),
        Err(e) if fs::symlink_metadata(&path).is_ok() => {
            problem(format!("a link that leads nowhere: {e}"))
        }
        Err(e) => problem(format!("cannot read: {e}")),
    }
}

/// What a migrations folder's entry is (after any link).
enum Entry {
    Folder,
    Other(fs::Metadata),
}

/// What `path` is, following a link, and whether it was one.
fn sql_metadata(path: &Path) -> std::io::Result<(fs::Metadata, bool)> {
    let own = fs::symlink_metadata(path)?;
    match own.file_type().is_symlink() {
        true => Ok((fs::metadata(path)?, true)),
        false => Ok((own, false)),
    }
}

/// `<entry>/migration.sql`, not looked at yet.
fn folder_migration(entry: &fs::DirEntry) -> Migration {
    Migration {
        name: entry.file_name().to_string_lossy().into_owned(),
        sql: entry.path().join("migration.sql"),
        found: None,
        unlinked: false,
    }
}

/// A flat `<name>.sql` migration, not looked at yet.
fn flat_migration(path: PathBuf) -> Migration {
    Migration {
        name: file_stem(&path),
        sql: path,
        found: None,
        unlinked: false,
    }
}

fn is_sql(path: &Path) -> bool {
    path.extension().is_some_and(|x| x == "sql")
}

/// `provider` from `migration_lock.toml`; no file is no provider, a file that cannot be read a problem.
fn read_provider(root: &Path, project: Option<&Path>) -> Result<Option<String>, DiscoverError> {
    let path = root.join("migration_lock.toml");
    if fs::symlink_metadata(&path).is_err() {
        return Ok(None);
    }
    let bytes = project_file::read(&path, project).map_err(|message| DiscoverError {
        path: path.clone(),
        message,
    })?;
    let value: Option<toml::Table> = toml::from_str(&String::from_utf8_lossy(&bytes)).ok();
    Ok(value.and_then(|v| v.get("provider")?.as_str().map(str::to_string)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(path: &Path) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, "SELECT 1;").unwrap();
    }

    #[test]
    fn search_finds_prisma_folders_and_skips_dependencies_and_stray_sql() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        touch(&root.join("app/prisma/migrations/20240101_init/migration.sql"));
        touch(&root.join("svc/db/migration/01_init/migration.sql"));
        touch(&root.join("node_modules/pkg/prisma/migrations/1_x/migration.sql"));
        touch(&root.join("scripts/seed.sql"));
        let search = find_roots(root);
        assert!(search.unreadable.is_empty() && search.skipped.is_empty());
        let mut found = search.roots;
        found.sort();
        assert_eq!(
            found,
            [
                root.join("app/prisma/migrations"),
                root.join("svc/db/migration")
            ]
        );
    }

    #[test]
    fn history_is_ordered_by_folder_name_and_skips_folders_without_sql() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        touch(&root.join("20240102_b/migration.sql"));
        touch(&root.join("01_init/migration.sql"));
        touch(&root.join("20240101_a copy/migration.sql"));
        fs::create_dir_all(root.join("20240103_data")).unwrap();
        fs::write(root.join("20240103_data/migration.ts"), "").unwrap();
        let Listed {
            listings, errors, ..
        } = list_paths(&[root.to_path_buf()]);
        assert!(errors.is_empty());
        // Three migrations and the data-only folder: the listing is only the folder's entries.
        assert_eq!(listings[0].entries(), 4);
        let history = listings[0].history();
        let names: Vec<_> = history.migrations.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["01_init", "20240101_a copy", "20240102_b"]);
    }

    #[test]
    fn a_history_holds_its_regular_migration_files_and_the_named_ones() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        touch(&root.join("1_a/migration.sql"));
        touch(&root.join("2_data/migration.ts"));
        fs::create_dir_all(root.join("3_folder_named_migration_sql/migration.sql")).unwrap();
        touch(&root.join("4_flat.sql"));
        touch(&root.join("5_folder.sql/migration.sql"));
        fs::create_dir_all(root.join("6_empty.sql")).unwrap();
        touch(&root.join("notes.txt"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::symlink;
            // Opening a FIFO would wait for a writer: it must be told apart without blocking.
            fs::create_dir_all(root.join("7_fifo")).unwrap();
            let fifo = root.join("7_fifo/migration.sql");
            let status = std::process::Command::new("mkfifo").arg(&fifo).status();
            assert!(status.is_ok_and(|s| s.success()), "mkfifo");
            symlink(root.join("1_a"), root.join("8_linked")).unwrap();
            symlink(root.join("9_loop"), root.join("9_loop")).unwrap();
            fs::create_dir_all(root.join("10_dangling")).unwrap();
            symlink(
                root.join("gone.sql"),
                root.join("10_dangling/migration.sql"),
            )
            .unwrap();
            // Opening fails with something other than "not found" (a loop): a stat then decides.
            fs::create_dir_all(root.join("11_looped")).unwrap();
            let looped = root.join("11_looped/migration.sql");
            symlink(&looped, &looped).unwrap();
        }
        let extra = root.join("notes.txt");
        let Listed {
            listings, errors, ..
        } = list_paths(&[root.to_path_buf(), extra.clone()]);
        assert!(errors.is_empty());
        let history = listings[0].history();
        let mut expected = vec!["1_a", "4_flat", "5_folder.sql"];
        if cfg!(unix) {
            expected.push("8_linked");
        }
        expected.push("notes");
        let names: Vec<_> = history.migrations.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(
            names, expected,
            "the named file outside the history comes last"
        );
        assert_eq!(history.migrations.last().unwrap().sql, extra);
    }

    #[test]
    fn a_named_file_reports_only_itself_within_its_history() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("migrations");
        touch(&root.join("1_a/migration.sql"));
        touch(&root.join("2_b/migration.sql"));
        let file = root.join("2_b/migration.sql");
        let (histories, errors) = discover_paths(std::slice::from_ref(&file));
        assert!(errors.is_empty());
        assert_eq!(histories.len(), 1);
        assert_eq!(histories[0].root, root);
        assert_eq!(histories[0].migrations.len(), 2);
        assert_eq!(histories[0].report_only, Some(vec![file]));
    }

    #[test]
    fn a_file_named_through_dot_dot_is_still_its_migration() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("migrations");
        touch(&root.join("1_a/migration.sql"));
        touch(&root.join("2_b/migration.sql"));
        let roundabout = root.join("1_a/../2_b/migration.sql");
        let (histories, errors) = discover_paths(&[roundabout]);
        assert!(errors.is_empty());
        let history = &histories[0];
        assert_eq!(history.migrations.len(), 2, "not added a second time");
        assert_eq!(
            history.report_only,
            Some(vec![history.migrations[1].sql.clone()]),
            "recorded by the migration's own path"
        );
    }

    #[test]
    fn an_explicit_flat_folder_is_a_history() {
        let dir = tempfile::tempdir().unwrap();
        touch(&dir.path().join("002_b.sql"));
        touch(&dir.path().join("001_a.sql"));
        let (histories, errors) = discover_paths(&[dir.path().to_path_buf()]);
        assert!(errors.is_empty());
        let names: Vec<_> = histories[0]
            .migrations
            .iter()
            .map(|m| m.name.as_str())
            .collect();
        assert_eq!(names, ["001_a", "002_b"]);
    }
}
