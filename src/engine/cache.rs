//! Keeps, between runs, the catalog as it was before the first reported file of a history, so that a run on the
//! newest migrations (a pre-commit hook) neither reads nor replays the others.
//!
//! One file per history, in a folder of its own (`.migrate-lint-cache` unless told otherwise). A snapshot is used
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

use std::collections::HashSet;
use std::fs;
use std::hash::{Hash, Hasher};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use rayon::prelude::*;

use crate::catalog::{Catalog, Index, Table};
use crate::input::discover::Migration;

/// The folder a run uses when not told another (relative to the working directory).
pub const DEFAULT_DIR: &str = ".migrate-lint-cache";

/// Bumped whenever what a snapshot holds changes meaning.
const FORMAT: &str = "migrate-lint cache 1";

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
        names: Option<&[String]>,
    ) -> Result<Loaded, String> {
        let (root, path) = self
            .identify(root)
            .ok_or("the folder has no UTF-8 absolute path")?;
        let opened = fs::File::open(&path).and_then(|f| Ok((f.metadata()?.len(), f)));
        let (size, file) = opened.map_err(|e| format!("{}: {e}", path.display()))?;
        let unreadable = || "unreadable snapshot (written by another version?)".to_string();
        let snapshot = Snapshot::open(Stored::File(file, size)).ok_or_else(unreadable)?;
        let head = snapshot.head().ok_or_else(unreadable)?;
        if Some(head.exe) != exe_fingerprint().as_deref() {
            return Err("written by another build of migrate-lint".into());
        }
        if head.root != root {
            return Err("written for another folder".into());
        }
        let covers = head.files.len();
        if covers > earlier.len() {
            return Err(format!(
                "written for {covers} earlier migrations, not {}",
                earlier.len()
            ));
        }
        let checks: Vec<Result<Unchanged, String>> = head
            .files
            .par_iter()
            .zip(earlier)
            .map(|(recorded, migration)| recorded.check(migration))
            .collect();
        let checks: Vec<Unchanged> = checks.into_iter().collect::<Result<_, _>>()?;
        let every = covers == earlier.len();
        let catalog = snapshot
            .restore(head.enums, names.filter(|_| every))
            .ok_or_else(unreadable)?;
        // Files found unchanged by content (touched, checked out again, or too recent last time) get their stamps
        // now, so the next run need not read them. (A snapshot for more files is written anyway.)
        let settled = |c: &Unchanged| matches!(c, Unchanged::ByContent(Some(_)));
        if every && checks.iter().any(settled) {
            let _ = self.restamp(&snapshot, &head, &checks, &path);
        }
        let compared = checks
            .iter()
            .filter(|c| matches!(c, Unchanged::ByContent(_)))
            .count();
        let files = head
            .files
            .iter()
            .zip(checks)
            .map(|(recorded, check)| Earlier {
                path: PathBuf::from(recorded.path),
                stamp: match check {
                    Unchanged::ByStamp => recorded.stamp.map(str::to_string),
                    Unchanged::ByContent(now) => now,
                },
                hash: recorded.hash.to_string(),
            })
            .collect();
        Ok(Loaded {
            catalog,
            covers,
            files,
            compared,
        })
    }

    /// Writes `snapshot` again with the stamps `checks` found.
    fn restamp(
        &self,
        snapshot: &Snapshot,
        head: &Head,
        checks: &[Unchanged],
        path: &Path,
    ) -> Option<()> {
        let files: Vec<String> = head
            .files
            .iter()
            .zip(checks)
            .map(|(recorded, check)| {
                let stamp = match check {
                    Unchanged::ByStamp => recorded.stamp,
                    Unchanged::ByContent(now) => now.as_deref(),
                };
                file_line(stamp, recorded.hash, recorded.path)
            })
            .collect();
        let objects = snapshot.head.lines().last()?;
        let mut bytes = head_text(head.exe, head.root, &files, head.enums, objects).into_bytes();
        let old_head = snapshot.starts_at;
        bytes.extend(
            snapshot
                .stored
                .read(old_head, snapshot.stored.size().checked_sub(old_head)?)?,
        );
        self.write(path, &bytes).ok()
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
        let bytes = encode(&exe, &root, earlier, catalog).ok_or_else(|| {
            io::Error::other("a name or path holds a tab or line break, or the catalog has no JSON")
        })?;
        fs::create_dir_all(&self.dir)?;
        // The folder ignores itself, so it never shows in `git status`.
        let ignore = self.dir.join(".gitignore");
        if !ignore.exists() {
            fs::write(ignore, "*\n")?;
        }
        self.write(&path, &bytes)?;
        self.prune();
        Ok(())
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
        let an_hour_ago = SystemTime::now().checked_sub(Duration::from_secs(3600));
        for path in entries.flatten().map(|e| e.path()) {
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

/// The history folder a snapshot was written for, from its head.
fn root_of(snapshot: &Path) -> Option<String> {
    let mut start = [0u8; 4096];
    let read = fs::File::open(snapshot).and_then(|mut f| io::Read::read(&mut f, &mut start));
    let start = String::from_utf8_lossy(&start[..read.ok()?]).into_owned();
    let root = start.lines().find_map(|l| l.strip_prefix("root "))?;
    Some(root.to_string())
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

/// A snapshot: a text head, read whole, then a hash table of the objects and their JSON, read only where needed.
///
/// ```text
/// migrate-lint cache 1 <length of the head in bytes> <hash of the rest of the head>
/// exe <fingerprint>
/// root <absolute folder>
/// files <n>
/// <stamp or -> <content hash> <path>            (n lines, in history order)
/// enums <JSON list of [key, labels]>
/// objects <buckets> <length of the directory> <its hash>
/// ```
/// Then the directory's bucket starts (buckets + 1 little-endian u64) and the hashes of the buckets' lines (buckets
/// u64), its lines bucket after bucket, and the JSON of every table and index. A name line `N <kind> <key>\t<name>`
/// leads from an object's own name (kind T for a table, I for an index) to its catalog key; a key line
/// `K <kind> <offset> <length> <hash> <key>` leads from a key to its JSON. A line is in the bucket of the hash of
/// its name or key. Every piece is checked against its hash when it is read.
fn encode(exe: &str, root: &str, earlier: &[Earlier], catalog: &Catalog) -> Option<Vec<u8>> {
    let plain = |s: &str| !s.contains(['\t', '\n', '\r']);
    if !plain(exe) || !plain(root) {
        return None;
    }
    let mut files = Vec::with_capacity(earlier.len());
    for file in earlier {
        let path = file.path.to_str().filter(|p| plain(p))?;
        files.push(file_line(file.stamp.as_deref(), &file.hash, path));
    }
    let enums: Vec<(&str, &[String])> = catalog.enum_entries().collect();
    let enums = serde_json::to_string(&enums).ok()?;

    let mut lines: Vec<(u64, String)> = Vec::new();
    let mut json = Vec::new();
    let mut object = |kind: char, name: &str, key: &str, value: Vec<u8>| {
        lines.push((
            hash_bytes(name.as_bytes()),
            format!("N {kind} {key}\t{name}\n"),
        ));
        let line = format!(
            "K {kind} {} {} {} {key}\n",
            json.len(),
            value.len(),
            hex_hash(&value)
        );
        lines.push((hash_bytes(key.as_bytes()), line));
        json.extend(value);
        plain(name) && plain(key)
    };
    for (key, table) in catalog.table_entries() {
        if !object('T', &table.name.name, key, serde_json::to_vec(table).ok()?) {
            return None;
        }
    }
    for (key, index) in catalog.index_entries() {
        if !object('I', &index.name, key, serde_json::to_vec(index).ok()?) {
            return None;
        }
    }
    let buckets = (lines.len() / 4).max(1) as u64;
    lines.sort_by_key(|(hash, _)| hash % buckets);
    let mut directory = String::new();
    let mut starts = Vec::with_capacity(buckets as usize + 1);
    let mut hashes = Vec::with_capacity(buckets as usize);
    let mut line = lines.iter().peekable();
    for bucket in 0..buckets {
        let start = directory.len();
        starts.push(start as u64);
        while let Some((_, text)) = line.next_if(|(hash, _)| hash % buckets == bucket) {
            directory += text;
        }
        hashes.push(hash_bytes(&directory.as_bytes()[start..]));
    }
    starts.push(directory.len() as u64);
    let directory_hash = hex_hash(directory.as_bytes());
    let objects = format!("objects {buckets} {} {directory_hash}", directory.len());

    let mut bytes = head_text(exe, root, &files, &enums, &objects).into_bytes();
    bytes.extend(starts.iter().chain(&hashes).flat_map(|s| s.to_le_bytes()));
    bytes.extend(directory.into_bytes());
    bytes.extend(json);
    Some(bytes)
}

/// A snapshot's head, from its parts: the build and folder, a line per earlier file, the enums, and the line that
/// gives the directory's size.
fn head_text(exe: &str, root: &str, files: &[String], enums: &str, objects: &str) -> String {
    let mut rest = format!("exe {exe}\nroot {root}\nfiles {}\n", files.len());
    rest.extend(files.iter().map(String::as_str));
    rest += &format!("enums {enums}\n{objects}\n");
    with_first_line(&rest)
}

/// The head of a snapshot: its first line, which gives the head's length (its own included, which may take a digit
/// more) and the hash of the rest, then the rest.
fn with_first_line(rest: &str) -> String {
    let hash = hex_hash(rest.as_bytes());
    let mut length = rest.len();
    loop {
        let first = format!("{FORMAT} {length} {hash}\n");
        if first.len() + rest.len() == length {
            return first + rest;
        }
        length = first.len() + rest.len();
    }
}

/// Whether `bytes` hash to the hexadecimal `expected`: every piece of a snapshot is checked as it is read, so a
/// damaged one is never half believed.
fn hashes_to(bytes: &[u8], expected: &str) -> bool {
    hex_hash(bytes) == expected
}

/// One earlier file's line in a snapshot's head.
fn file_line(stamp: Option<&str>, hash: &str, path: &str) -> String {
    format!("{} {hash} {path}\n", stamp.unwrap_or("-"))
}

/// Where a snapshot's bytes are: in memory, or in its file of this size (read piece by piece).
enum Stored<'a> {
    Bytes(&'a [u8]),
    File(fs::File, u64),
}

impl Stored<'_> {
    fn size(&self) -> u64 {
        match self {
            Stored::Bytes(bytes) => bytes.len() as u64,
            Stored::File(_, size) => *size,
        }
    }

    /// The bytes at `offset`; None past the end (a damaged snapshot's lengths are never trusted further).
    fn read(&self, offset: u64, len: u64) -> Option<Vec<u8>> {
        let end = offset.checked_add(len)?;
        match self {
            Stored::Bytes(bytes) => Some(
                bytes
                    .get(usize::try_from(offset).ok()?..usize::try_from(end).ok()?)?
                    .to_vec(),
            ),
            Stored::File(file, size) => {
                if end > *size {
                    return None;
                }
                let mut buffer = vec![0; usize::try_from(len).ok()?];
                read_exact_at(file, &mut buffer, offset).ok()?;
                Some(buffer)
            }
        }
    }
}

#[cfg(unix)]
fn read_exact_at(file: &fs::File, buffer: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buffer, offset)
}

#[cfg(not(unix))]
fn read_exact_at(mut file: &fs::File, buffer: &mut [u8], offset: u64) -> io::Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    file.seek(SeekFrom::Start(offset))?;
    file.read_exact(buffer)
}

/// A snapshot's head, read; the rest stays where it is stored.
struct Snapshot<'a> {
    stored: Stored<'a>,
    head: String,
    buckets: u64,
    /// Where the directory's bucket starts, the buckets' hashes, its lines and the JSON begin.
    starts_at: u64,
    hashes_at: u64,
    directory_at: u64,
    directory_hash: String,
    json_at: u64,
}

/// What a snapshot's head says.
struct Head<'a> {
    exe: &'a str,
    root: &'a str,
    files: Vec<Recorded<'a>>,
    enums: &'a str,
}

/// An earlier file as the snapshot recorded it.
struct Recorded<'a> {
    stamp: Option<&'a str>,
    hash: &'a str,
    path: &'a str,
}

/// How an earlier file was found unchanged.
enum Unchanged {
    ByStamp,
    /// By its content, and this is its stamp now (taken before it was read).
    ByContent(Option<String>),
}

impl Recorded<'_> {
    /// Whether the file at `path` is the one recorded: by its stamp, else by its content.
    fn check(&self, migration: &Migration) -> Result<Unchanged, String> {
        let path = &migration.sql;
        if path.to_str() != Some(self.path) {
            return Err(format!("{} is new or renamed", path.display()));
        }
        let now = stamp(migration);
        if self.stamp.is_some() && now.as_deref() == self.stamp {
            return Ok(Unchanged::ByStamp);
        }
        let bytes = fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        // Lossy, as the linter reads it: a file with invalid UTF-8 was read the same way when it was recorded.
        if hashes_to(String::from_utf8_lossy(&bytes).as_bytes(), self.hash) {
            Ok(Unchanged::ByContent(now))
        } else {
            Err(format!("{} changed", path.display()))
        }
    }
}

impl<'a> Snapshot<'a> {
    /// Reads the head; None when it is not a snapshot of this format.
    fn open(stored: Stored<'a>) -> Option<Snapshot<'a>> {
        // Every snapshot is longer than its first line and the start of the next.
        let probe = stored.read(0, 64)?;
        let first = probe.split(|&b| b == b'\n').next()?;
        let mut first = std::str::from_utf8(first)
            .ok()?
            .strip_prefix(FORMAT)?
            .split(' ');
        let (_, length, hash) = (first.next()?, first.next()?, first.next()?);
        let length: u64 = length.parse().ok()?;
        let head = String::from_utf8(stored.read(0, length)?).ok()?;
        let (_, rest) = head.split_once('\n')?;
        if !hashes_to(rest.as_bytes(), hash) {
            return None;
        }
        let mut objects = head.lines().last()?.strip_prefix("objects ")?.split(' ');
        let buckets: u64 = objects.next()?.parse().ok()?;
        let directory_len: u64 = objects.next()?.parse().ok()?;
        let directory_hash = objects.next()?.to_string();
        if buckets == 0 {
            return None;
        }
        let starts_at = length;
        let hashes_at = starts_at.checked_add(buckets.checked_add(1)?.checked_mul(8)?)?;
        let directory_at = hashes_at.checked_add(buckets.checked_mul(8)?)?;
        Some(Snapshot {
            stored,
            head,
            buckets,
            starts_at,
            hashes_at,
            directory_at,
            directory_hash,
            json_at: directory_at.checked_add(directory_len)?,
        })
    }

    fn head(&self) -> Option<Head<'_>> {
        let mut lines = self.head.lines().skip(1);
        let exe = lines.next()?.strip_prefix("exe ")?;
        let root = lines.next()?.strip_prefix("root ")?;
        let count: usize = lines.next()?.strip_prefix("files ")?.parse().ok()?;
        let mut files = Vec::with_capacity(count.min(1 << 20));
        for _ in 0..count {
            let mut parts = lines.next()?.splitn(3, ' ');
            let stamp = parts.next()?;
            files.push(Recorded {
                stamp: (stamp != "-").then_some(stamp),
                hash: parts.next()?,
                path: parts.next()?,
            });
        }
        let enums = lines.next()?.strip_prefix("enums ")?;
        Some(Head {
            exe,
            root,
            files,
            enums,
        })
    }

    /// The directory lines of the bucket of `text`.
    fn bucket(&self, text: &str) -> Option<String> {
        let bucket = hash_bytes(text.as_bytes()) % self.buckets;
        let number = |at: u64| -> Option<u64> {
            let bytes = self.stored.read(at, 8)?;
            Some(u64::from_le_bytes(bytes.try_into().ok()?))
        };
        let start = number(self.starts_at.checked_add(bucket.checked_mul(8)?)?)?;
        let end = number(
            self.starts_at
                .checked_add(bucket.checked_add(1)?.checked_mul(8)?)?,
        )?;
        let hash = number(self.hashes_at.checked_add(bucket.checked_mul(8)?)?)?;
        let lines = self.stored.read(
            self.directory_at.checked_add(start)?,
            end.checked_sub(start)?,
        )?;
        (hash_bytes(&lines) == hash).then_some(())?;
        String::from_utf8(lines).ok()
    }

    /// The (kind, key) of every object named `name`.
    fn named(&self, name: &str) -> Option<Vec<(u8, String)>> {
        let lines = self.bucket(name)?;
        let mut found = Vec::new();
        for line in lines.lines() {
            let Some(rest) = line.strip_prefix("N ") else {
                continue;
            };
            let (kind_key, line_name) = rest.split_once('\t')?;
            let (kind, key) = kind_key.split_once(' ')?;
            if line_name == name {
                found.push((*kind.as_bytes().first()?, key.to_string()));
            }
        }
        Some(found)
    }

    /// The JSON of the object of `kind` at catalog key `key`, if there is one.
    fn json(&self, kind: u8, key: &str) -> Option<Option<Vec<u8>>> {
        let lines = self.bucket(key)?;
        for line in lines.lines() {
            let Some(rest) = line.strip_prefix("K ") else {
                continue;
            };
            let mut parts = rest.splitn(5, ' ');
            let line_kind = *parts.next()?.as_bytes().first()?;
            let offset: u64 = parts.next()?.parse().ok()?;
            let len: u64 = parts.next()?.parse().ok()?;
            let hash = parts.next()?;
            if line_kind == kind && parts.next()? == key {
                let json = self.stored.read(self.json_at.checked_add(offset)?, len)?;
                return hashes_to(&json, hash).then_some(Some(json));
            }
        }
        Some(None)
    }

    /// The catalog of the objects `names` reach, or of all of them for None. None when something does not decode.
    fn restore(&self, enums: &str, names: Option<&[String]>) -> Option<Catalog> {
        let mut wanted: Vec<(u8, String)> = Vec::new();
        match names {
            Some(names) => {
                let unique: HashSet<&str> = names.iter().map(String::as_str).collect();
                for name in unique {
                    wanted.extend(self.named(name)?);
                }
            }
            None => wanted.extend(self.all_keys()?),
        }
        let (mut tables, mut indexes) = (Vec::new(), Vec::new());
        let mut done: HashSet<(u8, String)> = HashSet::new();
        while let Some((kind, key)) = wanted.pop() {
            if !done.insert((kind, key.clone())) {
                continue;
            }
            let Some(json) = self.json(kind, &key)? else {
                continue;
            };
            if kind == b'T' {
                let table: Table = serde_json::from_slice(&json).ok()?;
                wanted.extend(table.index_keys().iter().map(|k| (b'I', k.to_string())));
                tables.push((key, table));
            } else {
                let index: Index = serde_json::from_slice(&json).ok()?;
                wanted.push((b'T', index.table.clone()));
                indexes.push((key, index));
            }
        }
        let enums: Vec<(String, Vec<String>)> = serde_json::from_str(enums).ok()?;
        Some(Catalog::from_entries(tables, indexes, enums))
    }

    /// Every table and index key (when the names of the linted files cannot be read).
    fn all_keys(&self) -> Option<Vec<(u8, String)>> {
        let len = self.json_at - self.directory_at;
        let directory = self.stored.read(self.directory_at, len)?;
        if !hashes_to(&directory, &self.directory_hash) {
            return None;
        }
        let mut keys = Vec::new();
        for line in String::from_utf8(directory).ok()?.lines() {
            if let Some(rest) = line.strip_prefix("K ") {
                let mut parts = rest.splitn(5, ' ');
                let kind = *parts.next()?.as_bytes().first()?;
                keys.push((kind, parts.nth(3)?.to_string()));
            }
        }
        Some(keys)
    }
}

/// The cache's bytes for a catalog, and the catalog they restore for some names: what `save` and `load` do,
/// without the files (for tests).
pub fn round_trip(catalog: &Catalog, names: Option<&[String]>) -> Option<Catalog> {
    let bytes = encode("test", "/", &[], catalog)?;
    let snapshot = Snapshot::open(Stored::Bytes(&bytes))?;
    let head = snapshot.head()?;
    snapshot.restore(head.enums, names)
}
