//! Migrations present at a git ref (`--base <ref>`): every one of them counts as applied, with its content there.
//!
//! Uses the `git` command line, so worktrees, packed refs and partial clones behave exactly as for the user.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use crate::input::project_file::MAX_FILE_BYTES;

/// The migrations under `root` (a migrations folder in the working tree) as they are at `git_ref`: name and text.
/// Prisma folders (`<name>/migration.sql`) and flat `<name>.sql` files, like discovery finds them locally.
pub fn migrations_at(root: &Path, git_ref: &str) -> Result<Vec<(String, String)>, String> {
    let root = root
        .canonicalize()
        .map_err(|e| format!("{}: cannot read folder: {e}", root.display()))?;
    let located = git(&root, &["rev-parse", "--show-toplevel", "--show-prefix"]).map_err(|e| {
        if e == GIT_MISSING {
            e
        } else {
            format!("{}: not inside a git repository ({e})", root.display())
        }
    })?;
    let mut lines = located.lines();
    let top = lines.next().unwrap_or_default().to_string();
    let prefix = lines.next().unwrap_or_default().to_string();
    let commit = format!("{git_ref}^{{commit}}");
    let resolved = git(
        Path::new(&top),
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &commit,
        ],
    );
    match resolved {
        Ok(_) => {}
        Err(e) if e == GIT_MISSING => return Err(e),
        // Before the first commit (a pre-commit hook's `--base HEAD`) nothing is applied.
        Err(_) if git_ref == "HEAD" && crate::input::changed::head_is_unborn(Path::new(&top)) => {
            return Ok(Vec::new())
        }
        Err(_) => return Err(format!("unknown git ref `{git_ref}` (in {top})")),
    }

    // `-l` adds each blob's size, so a file too large is refused before it is read; `-z` leaves names unquoted.
    let listing = git(
        Path::new(&top),
        &[
            "ls-tree",
            "-r",
            "-z",
            "-l",
            "--full-name",
            &commit,
            "--",
            if prefix.is_empty() { "." } else { &prefix },
        ],
    )
    .map_err(|e| format!("cannot list {prefix} at `{git_ref}`: {e}"))?;
    let wanted = migration_blobs(&listing, &prefix, MAX_FILE_BYTES)
        .map_err(|e| format!("{e} at `{git_ref}`"))?;
    let texts = read_blobs(Path::new(&top), &wanted)?;
    Ok(wanted
        .into_iter()
        .map(|blob| blob.name)
        .zip(texts)
        .collect())
}

/// A migration file in git's tree: its migration's name, its path from the repository's top, its object id and size.
#[derive(Debug, PartialEq)]
struct Blob {
    name: String,
    path: String,
    object: String,
    size: u64,
}

/// The migrations among `ls-tree -r -z -l` entries (`<mode> <type> <object> <size>\t<path>`, NUL-terminated) below
/// `prefix`; an error naming the first one larger than `cap`.
fn migration_blobs(listing: &str, prefix: &str, cap: u64) -> Result<Vec<Blob>, String> {
    let mut blobs = Vec::new();
    for entry in listing.split('\0').filter(|e| !e.is_empty()) {
        let Some((meta, path)) = entry.split_once('\t') else {
            continue;
        };
        let Some(inside) = path.strip_prefix(prefix) else {
            continue;
        };
        let name = match inside.split('/').collect::<Vec<_>>().as_slice() {
            [folder, "migration.sql"] => folder.to_string(),
            [file] if file.ends_with(".sql") => file.trim_end_matches(".sql").to_string(),
            _ => continue,
        };
        // A submodule (`commit`) has no text to read.
        let [_mode, "blob", object, size] = meta.split_whitespace().collect::<Vec<_>>()[..] else {
            continue;
        };
        let size: u64 = size.parse().unwrap_or(u64::MAX);
        if size > cap {
            return Err(format!(
                "{path}: {} MiB is larger than the {} MiB a file may have here; not read",
                size >> 20,
                cap >> 20
            ));
        }
        blobs.push(Blob {
            name,
            path: path.to_string(),
            object: object.to_string(),
            size,
        });
    }
    Ok(blobs)
}

/// Reads many blobs with one `git cat-file --batch` (one process instead of one per migration). It is asked for object
/// ids, one a line: a path would need to be a line too, and a name may hold a newline.
fn read_blobs(top: &Path, blobs: &[Blob]) -> Result<Vec<String>, String> {
    if blobs.is_empty() {
        return Ok(Vec::new());
    }
    let mut child = Command::new("git")
        .arg("-C")
        .arg(top)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(spawn_error)?;
    let mut request = String::new();
    for blob in blobs {
        request.push_str(&blob.object);
        request.push('\n');
    }
    // Each answer is a header, the blob and a newline; the sizes are known, so no more than that is read.
    let expected: u64 = blobs
        .iter()
        .map(|b| b.size + b.object.len() as u64 + 32)
        .sum();
    let mut stdin = child.stdin.take().ok_or("git cat-file: no stdin")?;
    // Write from another thread: git answers while we still write, and both pipes could fill up.
    let writer = std::thread::spawn(move || stdin.write_all(request.as_bytes()));
    let mut out = Vec::new();
    let mut stdout = child.stdout.take().ok_or("git cat-file: no stdout")?;
    stdout
        .by_ref()
        .take(expected)
        .read_to_end(&mut out)
        .map_err(|e| format!("git cat-file: {e}"))?;
    drop(stdout);
    let _ = writer.join();
    let status = child.wait().map_err(|e| format!("git cat-file: {e}"))?;
    if !status.success() {
        return Err(format!("git cat-file failed ({status})"));
    }
    let mut texts = Vec::with_capacity(blobs.len());
    let mut rest = &out[..];
    for blob in blobs {
        let path = &blob.path;
        let header_end = rest
            .iter()
            .position(|b| *b == b'\n')
            .ok_or_else(|| format!("git cat-file: truncated output at {path}"))?;
        let header = String::from_utf8_lossy(&rest[..header_end]).into_owned();
        let size = header
            .rsplit(' ')
            .next()
            .and_then(|s| s.parse::<usize>().ok())
            .filter(|&s| header.contains(" blob ") && s as u64 == blob.size)
            .ok_or_else(|| format!("cannot read {path} at the base ref: {header}"))?;
        let body = rest
            .get(header_end + 1..header_end + 1 + size)
            .ok_or_else(|| format!("git cat-file: truncated output at {path}"))?;
        texts.push(String::from_utf8_lossy(body).into_owned());
        rest = rest.get(header_end + 2 + size..).unwrap_or_default();
    }
    Ok(texts)
}

/// Runs git in `dir`; its stdout, or its stderr as the error.
fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(spawn_error)?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).trim().to_string())
    }
}

const GIT_MISSING: &str = "`git` was not found on PATH; --base needs git";

fn spawn_error(e: std::io::Error) -> String {
    if e.kind() == std::io::ErrorKind::NotFound {
        GIT_MISSING.to_string()
    } else {
        format!("cannot run git: {e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blobs_are_listed_by_object_and_a_large_one_is_refused_unread() {
        let listing = "100644 blob 1111 12582912\tdb/migrations/1_a\nb/migration.sql\0\
                       100644 blob 2222 7\tdb/migrations/2_b.sql\0\
                       100644 blob 3333 5\tdb/migrations/migration_lock.toml\0\
                       160000 commit 4444       -\tdb/migrations/3_sub/migration.sql\0\
                       100644 blob 5555 9\tother/4_c.sql\0";
        let blobs = migration_blobs(listing, "db/migrations/", 64 << 20).unwrap();
        let names: Vec<_> = blobs
            .iter()
            .map(|b| (b.name.as_str(), b.object.as_str(), b.size))
            .collect();
        assert_eq!(names, [("1_a\nb", "1111", 12 << 20), ("2_b", "2222", 7)]);
        let e = migration_blobs(listing, "db/migrations/", 10 << 20).unwrap_err();
        assert!(
            e.starts_with("db/migrations/1_a\nb/migration.sql: 12 MiB is larger than the 10 MiB"),
            "{e}"
        );
    }
}
