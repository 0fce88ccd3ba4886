//! Keeps, between runs, the catalog as it was before the first reported file of a history, so that a run on the
//! newest migrations (a pre-commit hook) neither reads nor replays the others.
//!
//! One file per history, in a folder of its own (`.migrate-lint-cache` unless told otherwise): a JSON [`Snapshot`]
//! with a format number, led by its hash, read whole. A snapshot is used
//! only when this very binary wrote it, for the same history folder and the same earlier files, each unchanged:
//! same size, times, device and inode as discovery saw before the file was read, or else the same content, which is
//! then read and hashed. Times are trusted only for a file already a second old then, since a file written twice
//! within one tick of the file system's clock keeps its times. A snapshot written for fewer earlier files (a
//! migration was added since) still serves those: all of it is restored, the files after it are replayed on top,
//! and a snapshot for them all is written.
//!
//! Only the objects the linted files mention are restored, with every index of each table, the table of each index,
//! and every enum: what a rule looks up in the catalog is reached from the names of its statement, as
//! [`crate::engine::relevance`] also relies on. `tests/replay_needed.rs` checks that a restored run finds exactly what a
//! full replay finds.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::hash::{Hash, Hasher};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::catalog::{Catalog, Index, Table};
use crate::input::discover::Migration;
use crate::input::{project_file, read};

/// The folder a run uses when not told another (relative to the working directory).
pub const DEFAULT_DIR: &str = ".migrate-lint-cache";

/// The file that marks a folder as the cache's own (the cache-directory tag backup tools also skip).
const OWNER_MARKER: &str = "CACHEDIR.TAG";
const OWNER_TAG: &str = "Signature: 8a477f597d28d172789f06886806bc55\n\
                         # This folder is migrate-lint's cache: it may delete any snapshot in it.\n";

/// Bumped whenever what a snapshot holds changes meaning.
const FORMAT: u32 = 4;

/// A file's times are trusted only when they are older than this at the moment it is read.
const SETTLED: Duration = Duration::from_secs(1);

/// An earlier file of the history as the cache records it.
pub struct Earlier {
    pub path: PathBuf,
    /// Its [`stamp`], taken before it was read; None when it cannot be trusted (too recent, or no metadata).
    pub stamp: Option<String>,
    /// [`content_hash`] of its text.
    pub hash: String,
}

/// What [`Cache::load`] found (by default: nothing, an empty catalog before the first file).
#[derive(Default)]
pub struct Loaded {
    /// The catalog after the first `covers` earlier files: only the objects the names reach when it covers them
    /// all, else all of it, so that the files after it can be replayed on top.
    pub catalog: Catalog,
    pub covers: usize,
    /// Those files, as the next snapshot records them.
    pub files: Vec<Earlier>,
    /// How many of them were read to compare their content.
    pub compared: usize,
}

pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    pub fn at(dir: PathBuf) -> Cache {
        Cache { dir }
    }

    /// The history at `root` as the cache knows it: its absolute path, and its snapshot's file (named after a hash
    /// of that path).
    fn identify(&self, root: &Path) -> Option<(String, PathBuf)> {
        let absolute = fs::canonicalize(root).ok()?.to_str()?.to_string();
        let file = format!("{}.snapshot", hex_hash(absolute.as_bytes()));
        Some((absolute, self.dir.join(file)))
    }

    /// The catalog after `earlier` (the first files of the history at `root`, in order), restoring the objects
    /// `names` reach (None restores everything); or, when the snapshot was written for fewer of them (a migration was
    /// added since), the whole catalog after those. An error says why the cache cannot be used.
    pub fn load(
        &self,
        root: &Path,
        earlier: &[Migration],
        project: Option<&Path>,
        names: Option<&[String]>,
    ) -> Result<Loaded, String> {
        let (root, path) = self
            .identify(root)
            .ok_or("the folder has no UTF-8 absolute path")?;
        let bytes =
            project_file::read_regular(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut snapshot = Snapshot::from_json(&bytes)
            .ok_or("unreadable snapshot (written by another version?)")?;
        if Some(&snapshot.exe) != exe_fingerprint().as_ref() {
            return Err("written by another build of migrate-lint".into());
        }
        if snapshot.root != root {
            return Err("written for another folder".into());
        }
        let covers = snapshot.files.len();
        if covers > earlier.len() {
            return Err(format!(
                "written for {covers} earlier migrations, not {}",
                earlier.len()
            ));
        }
        let checks: Vec<Result<Unchanged, String>> = snapshot
            .files
            .par_iter()
            .zip(earlier)
            .map(|(recorded, migration)| recorded.check(migration, project))
            .collect();
        let checks: Vec<Unchanged> = checks.into_iter().collect::<Result<_, _>>()?;
        let compared = checks
            .iter()
            .filter(|c| matches!(c, Unchanged::ByContent(_)))
            .count();
        // Files found unchanged by content (touched, checked out again, or too recent last time) get their stamps
        // now, so the next run need not read them. (A snapshot for more files is written anyway.)
        let restamped = checks
            .iter()
            .any(|c| matches!(c, Unchanged::ByContent(Some(_))));
        for (recorded, check) in snapshot.files.iter_mut().zip(checks) {
            if let Unchanged::ByContent(now) = check {
                recorded.stamp = now;
            }
        }
        let every = covers == earlier.len();
        if every && restamped {
            if let Ok(bytes) = snapshot.to_json() {
                let _ = self.write(&path, &bytes);
            }
        }
        let files = snapshot
            .files
            .iter()
            .map(|recorded| Earlier {
                path: PathBuf::from(&recorded.path),
                stamp: recorded.stamp.clone(),
                hash: recorded.hash.clone(),
            })
            .collect();
        Ok(Loaded {
            catalog: snapshot.restore(names.filter(|_| every)),
            covers,
            files,
            compared,
        })
    }

    /// Writes the snapshot of `catalog`, the catalog after `earlier`. Written whole to a temporary file and then
    /// renamed, so a concurrent run reads the old snapshot or the new one, never a part.
    pub fn save(&self, root: &Path, earlier: &[Earlier], catalog: &Catalog) -> io::Result<()> {
        let Some(exe) = exe_fingerprint() else {
            return Err(io::Error::other("cannot identify this binary"));
        };
        let (root, path) = self
            .identify(root)
            .ok_or_else(|| io::Error::other("the folder has no UTF-8 absolute path"))?;
        let bytes = Snapshot::of(exe, root, earlier, catalog)
            .ok_or_else(|| io::Error::other("a path is not UTF-8"))?
            .to_json()?;
        self.claim()?;
        self.write(&path, &bytes)?;
        self.prune();
        Ok(())
    }

    /// Makes sure the cache folder is the cache's own: made here, or empty, it gets the marker file (and a
    /// `.gitignore` so it never shows in `git status`); a folder holding anything without the marker belongs to
    /// someone else (`--cache-dir .` or `/`), and nothing is written, overwritten or deleted there.
    fn claim(&self) -> io::Result<()> {
        if self.owned() {
            return Ok(());
        }
        fs::create_dir_all(&self.dir)?;
        // Empty, or as earlier versions left it (they wrote no marker): the cache's own.
        let foreign = fs::read_dir(&self.dir)?.flatten().any(|entry| {
            let name = entry.file_name();
            name != ".gitignore" && !is_cache_file(Path::new(&name))
        });
        if foreign {
            return Err(io::Error::other(format!(
                "{} holds files and was not made by migrate-lint (no {OWNER_MARKER}): the cache is kept elsewhere or \
                 not at all",
                self.dir.display()
            )));
        }
        fs::write(self.dir.join(".gitignore"), "*\n")?;
        fs::write(self.dir.join(OWNER_MARKER), OWNER_TAG)
    }

    /// Whether the folder carries the marker this cache writes when it makes the folder.
    fn owned(&self) -> bool {
        project_file::read_regular(&self.dir.join(OWNER_MARKER))
            .is_ok_and(|marker| marker.starts_with(OWNER_TAG.as_bytes()))
    }

    /// Writes a snapshot whole to a temporary file and renames it into place.
    fn write(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        let temporary = path.with_extension(format!("tmp{}", std::process::id()));
        let written = fs::File::create(&temporary)
            .and_then(|mut f| f.write_all(bytes))
            .and_then(|()| fs::rename(&temporary, path));
        if written.is_err() {
            let _ = fs::remove_file(&temporary);
        }
        written
    }

    /// Removes the snapshots of history folders that no longer exist (a deleted checkout's, a test's temporary
    /// folder), and temporary files an interrupted run left over an hour ago, so the cache does not grow without end.
    fn prune(&self) {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return;
        };
        if !self.owned() {
            return;
        }
        let an_hour_ago = SystemTime::now().checked_sub(Duration::from_secs(3600));
        for path in entries.flatten().map(|e| e.path()) {
            if !is_cache_file(&path) {
                continue;
            }
            let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            let gone = extension == "snapshot"
                && root_of(&path).is_some_and(|root| !Path::new(&root).exists());
            let left_over = extension.starts_with("tmp")
                && fs::metadata(&path)
                    .and_then(|m| m.modified())
                    .is_ok_and(|modified| Some(modified) < an_hour_ago);
            if gone || left_over {
                let _ = fs::remove_file(&path);
            }
        }
    }
}

/// Whether a file has a name the cache writes: `<16 hex digits>.snapshot` or `<16 hex digits>.tmp<process id>`.
fn is_cache_file(path: &Path) -> bool {
    let stem = path.file_stem().and_then(|s| s.to_str());
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    stem.is_some_and(|s| s.len() == 16 && s.bytes().all(|b| b.is_ascii_hexdigit()))
        && (extension == "snapshot"
            || extension
                .strip_prefix("tmp")
                .is_some_and(|pid| pid.bytes().all(|b| b.is_ascii_digit())))
}

/// The history folder a snapshot was written for.
fn root_of(snapshot: &Path) -> Option<String> {
    Some(Snapshot::from_json(&project_file::read_regular(snapshot).ok()?)?.root)
}

/// What may have changed when a file changed: size, modification and status-change times, device and inode, as
/// discovery saw them (else as they are now). None when the file's times are too recent to tell a later write apart
/// (under a second old).
pub fn stamp(migration: &Migration) -> Option<String> {
    let looked;
    let meta = match &migration.found {
        Some(found) => found,
        None => {
            looked = fs::metadata(&migration.sql).ok()?;
            &looked
        }
    };
    let modified = meta.modified().ok()?;
    let recent = SystemTime::now().checked_sub(SETTLED)?;
    if modified > recent {
        return None;
    }
    let nanos = |t: SystemTime| {
        t.duration_since(SystemTime::UNIX_EPOCH)
            .ok()
            .map(|d| d.as_nanos())
    };
    let mut stamp = format!("{}.{}", meta.len(), nanos(modified)?);
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let changed = SystemTime::UNIX_EPOCH
            + Duration::new(
                u64::try_from(meta.ctime()).ok()?,
                u32::try_from(meta.ctime_nsec()).ok()?,
            );
        if changed > recent {
            return None;
        }
        stamp += &format!(".{}.{}.{}", nanos(changed)?, meta.dev(), meta.ino());
    }
    Some(stamp)
}

/// What the cache compares a file's text by.
pub fn content_hash(text: &str) -> String {
    hex_hash(text.as_bytes())
}

/// How a snapshot writes a hash.
fn hex_hash(bytes: &[u8]) -> String {
    format!("{:016x}", hash_bytes(bytes))
}

fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut hasher);
    hasher.finish()
}

/// This binary: a rebuilt or upgraded one may lower or replay differently.
fn exe_fingerprint() -> Option<String> {
    let exe = std::env::current_exe().ok()?;
    let meta = fs::metadata(&exe).ok()?;
    let modified = meta
        .modified()
        .ok()?
        .duration_since(SystemTime::UNIX_EPOCH)
        .ok()?;
    Some(format!(
        "{} {} {} {}",
        env!("CARGO_PKG_VERSION"),
        meta.len(),
        modified.as_nanos(),
        exe.display()
    ))
}

/// What a snapshot file holds, as JSON.
#[derive(Serialize, Deserialize)]
struct Snapshot {
    /// [`FORMAT`]: a snapshot of another format is not read.
    format: u32,
    /// The binary that wrote it ([`exe_fingerprint`]).
    exe: String,
    /// The history folder's absolute path.
    root: String,
    /// The earlier files, in history order.
    files: Vec<Recorded>,
    /// The catalog after them, by catalog key.
    tables: Vec<(String, Table)>,
    indexes: Vec<(String, Index)>,
    enums: Vec<(String, Vec<String>)>,
    /// Functions the history created, and whether each is VOLATILE.
    functions: Vec<(String, bool)>,
}

/// An earlier file as the snapshot recorded it.
#[derive(Serialize, Deserialize)]
struct Recorded {
    stamp: Option<String>,
    hash: String,
    path: String,
}

impl Snapshot {
    fn of(exe: String, root: String, earlier: &[Earlier], catalog: &Catalog) -> Option<Snapshot> {
        let files = earlier
            .iter()
            .map(|file| {
                Some(Recorded {
                    stamp: file.stamp.clone(),
                    hash: file.hash.clone(),
                    path: file.path.to_str()?.to_string(),
                })
            })
            .collect::<Option<_>>()?;
        Some(Snapshot {
            format: FORMAT,
            exe,
            root,
            files,
            tables: catalog
                .table_entries()
                .map(|(key, table)| (key.to_string(), table.clone()))
                .collect(),
            indexes: catalog
                .index_entries()
                .map(|(key, index)| (key.to_string(), index.clone()))
                .collect(),
            enums: catalog
                .enum_entries()
                .map(|(key, labels)| (key.to_string(), labels.to_vec()))
                .collect(),
            functions: catalog
                .function_entries()
                .map(|(key, volatile)| (key.to_string(), volatile))
                .collect(),
        })
    }

    /// The JSON, led by a line with its hash: a damaged snapshot (a flipped bit that still reads as a name) is
    /// never believed.
    fn to_json(&self) -> io::Result<Vec<u8>> {
        let json = serde_json::to_vec(self)?;
        let mut bytes = format!("{}\n", hex_hash(&json)).into_bytes();
        bytes.extend(json);
        Ok(bytes)
    }

    /// None when the bytes are not a whole snapshot of this format.
    fn from_json(bytes: &[u8]) -> Option<Snapshot> {
        let newline = bytes.iter().position(|&b| b == b'\n')?;
        let (hash, json) = (&bytes[..newline], &bytes[newline + 1..]);
        (hash == hex_hash(json).as_bytes()).then_some(())?;
        let snapshot: Snapshot = serde_json::from_slice(json).ok()?;
        (snapshot.format == FORMAT).then_some(snapshot)
    }

    /// The catalog of the objects `names` reach (with every index of each table, the table of each index), or of
    /// all of them for None; every enum and function either way.
    fn restore(self, names: Option<&[String]>) -> Catalog {
        let Some(names) = names else {
            return Catalog::from_entries(self.tables, self.indexes, self.enums)
                .with_functions(self.functions);
        };
        let named: HashSet<&str> = names.iter().map(String::as_str).collect();
        let mut tables: HashMap<&str, &Table> = HashMap::new();
        let mut indexes: HashMap<&str, &Index> = HashMap::new();
        let table_at: HashMap<&str, &Table> =
            self.tables.iter().map(|(k, t)| (k.as_str(), t)).collect();
        let index_at: HashMap<&str, &Index> =
            self.indexes.iter().map(|(k, i)| (k.as_str(), i)).collect();
        let mut wanted: Vec<(bool, &str)> = self
            .tables
            .iter()
            .filter(|(_, t)| named.contains(t.name.name.as_str()))
            .map(|(k, _)| (true, k.as_str()))
            .chain(
                self.indexes
                    .iter()
                    .filter(|(_, i)| named.contains(i.name.as_str()))
                    .map(|(k, _)| (false, k.as_str())),
            )
            .collect();
        while let Some((is_table, key)) = wanted.pop() {
            if is_table {
                if let (Some(table), None) = (table_at.get(key), tables.get(key)) {
                    tables.insert(key, table);
                    wanted.extend(table.index_keys().iter().map(|k| (false, &**k)));
                }
            } else if let (Some(index), None) = (index_at.get(key), indexes.get(key)) {
                indexes.insert(key, index);
                wanted.push((true, index.table.as_str()));
            }
        }
        Catalog::from_entries(
            tables
                .into_iter()
                .map(|(key, table)| (key.to_string(), table.clone()))
                .collect(),
            indexes
                .into_iter()
                .map(|(key, index)| (key.to_string(), index.clone()))
                .collect(),
            self.enums,
        )
        .with_functions(self.functions)
    }
}

/// How an earlier file was found unchanged.
enum Unchanged {
    ByStamp,
    /// By its content, and this is its stamp now (taken before it was read).
    ByContent(Option<String>),
}

impl Recorded {
    /// Whether the file at `path` is the one recorded: by its stamp, else by its content.
    fn check(&self, migration: &Migration, project: Option<&Path>) -> Result<Unchanged, String> {
        let path = &migration.sql;
        if path.to_str() != Some(self.path.as_str()) {
            return Err(format!("{} is new or renamed", path.display()));
        }
        let now = stamp(migration);
        if self.stamp.is_some() && now == self.stamp {
            return Ok(Unchanged::ByStamp);
        }
        let bytes = read::migration_bytes(migration, project)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        // Lossy, as the linter reads it: a file with invalid UTF-8 was read the same way when it was recorded.
        if content_hash(&String::from_utf8_lossy(&bytes)) == self.hash {
            Ok(Unchanged::ByContent(now))
        } else {
            Err(format!("{} changed", path.display()))
        }
    }
}

/// The cache's bytes for a catalog, and the catalog they restore for some names: what `save` and `load` do,
/// without the files (for tests).
pub fn round_trip(catalog: &Catalog, names: Option<&[String]>) -> Option<Catalog> {
    let bytes = Snapshot::of("test".into(), "/".into(), &[], catalog)?
        .to_json()
        .ok()?;
    Some(Snapshot::from_json(&bytes)?.restore(names))
}
