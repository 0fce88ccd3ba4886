//! Migrations present at a git ref (`--base <ref>`): every one of them counts as applied, with its content there.
//!
//! Uses the `git` command line, so worktrees, packed refs and partial clones behave exactly as for the user.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};

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

    let listing = git(
        Path::new(&top),
        &[
            "ls-tree",
            "-r",
            "-z",
            "--full-name",
            "--name-only",
            &commit,
            "--",
            if prefix.is_empty() { "." } else { &prefix },
        ],
    )
    .map_err(|e| format!("cannot list {prefix} at `{git_ref}`: {e}"))?;
    let mut wanted: Vec<(String, String)> = Vec::new();
    for path in listing.split('\0').filter(|p| !p.is_empty()) {
        let Some(inside) = path.strip_prefix(&prefix) else {
            continue;
        };
        let name = match inside.split('/').collect::<Vec<_>>().as_slice() {
            [folder, "migration.sql"] => folder.to_string(),
            [file] if file.ends_with(".sql") => file.trim_end_matches(".sql").to_string(),
            _ => continue,
        };
        wanted.push((name, path.to_string()));
    }
    let texts = read_blobs(Path::new(&top), &commit, &wanted)?;
    Ok(wanted
        .into_iter()
        .map(|(name, _)| name)
        .zip(texts)
        .collect())
}

/// Reads many files at a ref with one `git cat-file --batch` (one process instead of one per migration).
fn read_blobs(top: &Path, commit: &str, files: &[(String, String)]) -> Result<Vec<String>, String> {
    if files.is_empty() {
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
    for (_, path) in files {
        request.push_str(&format!("{commit}:{path}\n"));
    }
    let mut stdin = child.stdin.take().ok_or("git cat-file: no stdin")?;
    // Write from another thread: git answers while we still write, and both pipes could fill up.
    let writer = std::thread::spawn(move || stdin.write_all(request.as_bytes()));
    let mut out = Vec::new();
    child
        .stdout
        .take()
        .ok_or("git cat-file: no stdout")?
        .read_to_end(&mut out)
        .map_err(|e| format!("git cat-file: {e}"))?;
    let _ = writer.join();
    let status = child.wait().map_err(|e| format!("git cat-file: {e}"))?;
    if !status.success() {
        return Err(format!("git cat-file failed ({status})"));
    }
    let mut texts = Vec::with_capacity(files.len());
    let mut rest = &out[..];
    for (_, path) in files {
        let header_end = rest
            .iter()
            .position(|b| *b == b'\n')
            .ok_or_else(|| format!("git cat-file: truncated output at {path}"))?;
        let header = String::from_utf8_lossy(&rest[..header_end]).into_owned();
        let size: usize = header
            .rsplit(' ')
            .next()
            .and_then(|s| s.parse().ok())
            .filter(|_| header.contains(" blob "))
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
