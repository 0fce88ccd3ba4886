//! The one policy for reading a file the project names (a migration, `migration_lock.toml`, a schema, `lint.toml`, a
//! baseline, a cache snapshot). Its content comes from pull requests, so a committed symlink to `/proc/self/environ`,
//! a FIFO or `/dev/zero` must be refused unread: only a regular file, only up to [`MAX_FILE_BYTES`], and for files
//! inside the project only when the path resolves inside it ([`project_root`]).

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Larger files are refused rather than read whole into memory: no real migration comes near this.
pub const MAX_FILE_BYTES: u64 = 64 << 20;

/// Where a migrations folder's files may resolve: the repository's top folder (the nearest folder above holding
/// `.git`), or the migrations folder's parent when there is no repository. Canonical, or `None` when the folder
/// cannot be resolved.
pub fn project_root(migrations: &Path) -> Option<PathBuf> {
    let folder = migrations.canonicalize().ok()?;
    repository_of(&folder).or_else(|| folder.parent().map(Path::to_path_buf))
}

/// The nearest folder at or above the canonical `folder` that holds `.git`.
pub fn repository_of(folder: &Path) -> Option<PathBuf> {
    folder
        .ancestors()
        .find(|dir| dir.join(".git").exists())
        .map(Path::to_path_buf)
}

/// Reads `path` if it resolves inside `root` (a [`project_root`]) to a regular file of at most [`MAX_FILE_BYTES`].
/// The error says why not, without the path (the caller names it).
pub fn read_in_project(path: &Path, root: &Path) -> Result<Vec<u8>, String> {
    let resolved = path
        .canonicalize()
        .map_err(|e| format!("cannot read: {e}"))?;
    if !resolved.starts_with(root) {
        return Err(format!(
            "a link to {}, outside the project ({}); not read",
            resolved.display(),
            root.display()
        ));
    }
    read_regular(&resolved)
}

/// A file that could not be read, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    pub path: PathBuf,
    pub message: String,
}

/// Reads a file the project names: inside `project` when there is one ([`read_in_project`]), else wherever it is
/// ([`read_regular`]: a folder that cannot be resolved has no project to keep to).
pub fn read(path: &Path, project: Option<&Path>) -> Result<Vec<u8>, String> {
    match project {
        Some(project) => read_in_project(path, project),
        None => read_regular(path),
    }
}

/// Reads `path` if it is (or links to) a regular file of at most [`MAX_FILE_BYTES`]: a FIFO would block the read
/// forever and a device (`/dev/zero`) never end it.
pub fn read_regular(path: &Path) -> Result<Vec<u8>, String> {
    let found = fs::metadata(path).map_err(|e| format!("cannot read: {e}"))?;
    read_found(path, &found)
}

/// Reads `path`, whose metadata `found` was just looked up, if that says it is a regular file; its size is read
/// only up to [`MAX_FILE_BYTES`] whatever the file has become since.
pub fn read_found(path: &Path, found: &fs::Metadata) -> Result<Vec<u8>, String> {
    if !found.is_file() {
        return Err(format!("not a regular file ({}); not read", kind(found)));
    }
    let file = fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    // One byte past the limit is read, to tell a file that is too large (its size can change after the stat). Sized
    // from the stat: a buffer grown by doubling held up to three times a large file while it was read.
    let expected = found.len().min(MAX_FILE_BYTES) as usize;
    let mut bytes = Vec::with_capacity(expected + 1);
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(format!(
            "{} MiB is larger than the {} MiB a file may have here; not read (is it a data dump?)",
            found.len().max(bytes.len() as u64) >> 20,
            MAX_FILE_BYTES >> 20
        ));
    }
    Ok(bytes)
}

/// What a file that is not regular is, for messages.
pub fn kind(found: &fs::Metadata) -> &'static str {
    let kind = found.file_type();
    if kind.is_dir() {
        "a folder"
    } else if kind.is_symlink() {
        "a symbolic link"
    } else {
        "a FIFO, socket or device"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_regular_file_inside_the_project_is_read_and_anything_else_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        fs::write(root.join("a.sql"), "SELECT 1;").unwrap();
        assert_eq!(
            read_in_project(&root.join("a.sql"), &root).unwrap(),
            b"SELECT 1;"
        );
        let e = read_in_project(&root, &root).unwrap_err();
        assert!(e.contains("not a regular file (a folder)"), "{e}");
        let e = read_in_project(Path::new("/etc/hostname"), &root).unwrap_err();
        assert!(
            e.contains("outside the project") || e.contains("cannot read"),
            "{e}"
        );
        let e = read_regular(&root.join("missing")).unwrap_err();
        assert!(e.starts_with("cannot read:"), "{e}");
    }
}
