//! `--changed-since <ref>`: which migration files were added or modified since a git ref, via the `git` CLI.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::input::discover::History;

/// Restricts each history's reported files to those changed since `git_ref` (tracked changes against the merge base
/// of `git_ref` and HEAD, plus untracked files). Earlier migrations stay in the history, replayed for context.
pub fn restrict_to_changed(histories: &mut [History], git_ref: &str) -> Result<(), String> {
    for history in histories {
        let changed = changed_files(&history.root, git_ref)?;
        let keep = |sql: &Path| {
            sql.canonicalize()
                .is_ok_and(|canonical| changed.contains(&canonical))
        };
        let selected: Vec<PathBuf> = match &history.report_only {
            Some(only) => only.iter().filter(|p| keep(p)).cloned().collect(),
            None => history
                .migrations
                .iter()
                .map(|m| m.sql.clone())
                .filter(|p| keep(p))
                .collect(),
        };
        history.report_only = Some(selected);
    }
    Ok(())
}

/// Canonical paths of the files below `dir` that differ from `git_ref` or are untracked (and not ignored).
pub fn changed_files(dir: &Path, git_ref: &str) -> Result<HashSet<PathBuf>, String> {
    let shown = dir.display();
    let top = PathBuf::from(
        git(dir, &["rev-parse", "--show-toplevel"]).map_err(|e| format!("{shown}: {e}"))?,
    );
    let commit = format!("{git_ref}^{{commit}}");
    if git(dir, &["rev-parse", "--verify", "--quiet", &commit]).is_err() {
        if git_ref == "HEAD" && head_is_unborn(dir) {
            // The first commit (a pre-commit hook's `--changed-since HEAD`): every file is new.
            let all = [
                "ls-files",
                "-z",
                "--cached",
                "--others",
                "--exclude-standard",
                "--full-name",
                "--",
                ".",
            ];
            let listed = git(dir, &all).map_err(|e| format!("{shown}: {e}"))?;
            return Ok(under_top(&top, &listed));
        }
        return Err(format!(
            "--changed-since: `{git_ref}` is not a commit, branch or tag in the git repository at {shown}"
        ));
    }
    // Against the merge base, so commits that landed on `git_ref` after this branch forked do not count.
    let base = git(dir, &["merge-base", git_ref, "HEAD"]).unwrap_or_else(|_| git_ref.to_string());
    let tracked = git(
        dir,
        &[
            "diff",
            "--name-only",
            // NUL-separated and unquoted: plain output quotes names holding `"`, a tab, a newline or non-ASCII.
            "-z",
            "--no-renames",
            "--diff-filter=d",
            &base,
            "--",
            ".",
        ],
    )
    .map_err(|e| format!("{shown}: {e}"))?;
    let untracked = git(
        dir,
        &[
            "ls-files",
            "-z",
            "--others",
            "--exclude-standard",
            "--full-name",
            "--",
            ".",
        ],
    )
    .map_err(|e| format!("{shown}: {e}"))?;
    Ok(under_top(&top, &format!("{tracked}\0{untracked}")))
}

/// Canonical paths of git's listed paths (`-z`: NUL-separated, relative to the repository's top folder).
fn under_top(top: &Path, listed: &str) -> HashSet<PathBuf> {
    listed
        .split('\0')
        .filter(|l| !l.is_empty())
        .filter_map(|relative| top.join(relative).canonicalize().ok())
        .collect()
}

/// Whether `dir` is in a repository with no commit yet, where `HEAD` names a branch that does not exist.
pub fn head_is_unborn(dir: &Path) -> bool {
    git(dir, &["rev-parse", "--verify", "--quiet", "HEAD"]).is_err()
        && git(dir, &["symbolic-ref", "--quiet", "HEAD"]).is_ok()
}

/// Runs git in `dir`; its stdout (trimmed unless NUL-separated: a name may end in a space), or its stderr as the
/// error.
fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "core.quotePath=false"])
        .args(args)
        .output()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                "--changed-since needs the `git` command, which was not found".to_string()
            }
            _ => format!("cannot run git: {e}"),
        })?;
    if output.status.success() {
        let stdout = String::from_utf8_lossy(&output.stdout);
        Ok(if args.contains(&"-z") {
            stdout.into_owned()
        } else {
            stdout.trim().to_string()
        })
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr).trim().to_string();
        Err(format!("git {}: {}", args.join(" "), stderr))
    }
}
