//! `--fix` and `--fix-suggestions` for one migrations folder: which migrations may be rewritten, their plans, and
//! writing them.
//!
//! Only a migration that no database can have run is rewritten: one that is neither committed at the base (`--base`,
//! else `HEAD`) nor recorded in `_prisma_migrations` (`--database-url`). Nothing else is written but the replacement
//! folders and the schema file(s).

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::catalog::Catalog;
use crate::engine::lint::analyze;
use crate::fix::build::{build, FixFinding, Project};
use crate::fix::plan::{MigrationPlan, PlannedMigration};
use crate::fix::schema::{self, SchemaState};
use crate::input::applied::{self, database::MigrationRow};
use crate::input::discover::History;
use crate::input::prisma_schema::{unreadable, Schema};
use crate::input::project_file::{self, ReadError};
use crate::ops::OpKind;
use crate::rules::diagnostic::{Diagnostic, Severity};
use crate::rules::drift;
use crate::syntax::source::SourceFile;

/// A plan with the text of the migration it replaces.
#[derive(Debug)]
pub struct PlannedFix {
    pub plan: MigrationPlan,
    pub original: String,
    /// The migration's folder, and the migrations folder.
    pub folder: PathBuf,
    pub root: PathBuf,
}

/// The plans of one history.
#[derive(Debug, Default)]
pub struct HistoryPlans {
    pub fixes: Vec<PlannedFix>,
    /// The applied migrations with a finding at or above the threshold, left without a plan, and the sources that
    /// hold them (`git ref HEAD`, `database ...`).
    pub applied: Vec<(String, Vec<String>)>,
}

/// Plans for every migration of `history` that is not applied and has a finding at or above `threshold`. When neither
/// git nor a database can tell what is applied, `strict` (`--fix`) is an error, and otherwise (`--fix-suggestions`, a
/// preview) every migration gets its plan.
#[allow(clippy::too_many_arguments)]
pub fn plan_history(
    history: &History,
    sources: &[SourceFile],
    diagnostics: &[Diagnostic],
    threshold: Severity,
    base: &str,
    database: Option<&(String, Vec<MigrationRow>)>,
    display: &dyn Fn(&Path) -> String,
    strict: bool,
) -> Result<HistoryPlans, String> {
    let (set, errors) = applied::collect(&history.root, Some(base), database);
    // Outside git, the database alone says what is applied.
    if let (Some(e), true) = (errors.first(), strict && database.is_none()) {
        return Err(format!(
            "--fix needs to know which migrations are applied: {e}"
        ));
    }
    let applied: HashSet<&str> = set
        .sources
        .iter()
        .flat_map(|s| s.migrations.iter().map(|m| m.name.as_str()))
        .collect();
    let state = schema_state(history, base, display)?;
    let names: Vec<&str> = sources.iter().map(|s| s.migration.as_str()).collect();
    let analyzed: Vec<_> = sources.iter().map(analyze).collect();
    let project = Project {
        prisma: state.is_some() || history.provider.as_deref() == Some("postgresql"),
        constraints_named: analyzed
            .iter()
            .flat_map(|a| &a.ops)
            .filter_map(|op| match &op.kind {
                OpKind::DropConstraint { table, name }
                | OpKind::RenameConstraint {
                    table, old: name, ..
                } => Some((table.name.clone(), name.clone())),
                _ => None,
            })
            .collect(),
    };
    let mut catalog = Catalog::default();
    let mut plans = Vec::new();
    let mut unplanned = Vec::new();
    for ((index, file), analyzed) in sources.iter().enumerate().zip(&analyzed) {
        let mine: Vec<&Diagnostic> = diagnostics
            .iter()
            .filter(|d| d.file == index && d.severity >= threshold)
            .collect();
        if !mine.is_empty() && applied.contains(file.migration.as_str()) {
            let holders = set
                .sources
                .iter()
                .filter(|s| s.migrations.iter().any(|m| m.name == file.migration))
                .map(|s| s.label.clone())
                .collect();
            unplanned.push((file.migration.clone(), holders));
        }
        if !mine.is_empty() && !applied.contains(file.migration.as_str()) && !file.missing {
            let findings: Vec<FixFinding> = mine
                .iter()
                .map(|d| FixFinding {
                    rule: d.rule,
                    span: d.span.clone(),
                    line: file.text[..d.span.start.min(file.text.len())]
                        .matches('\n')
                        .count()
                        + 1,
                    suggestion: d.suggestion.as_deref(),
                })
                .collect();
            let statements: Vec<_> = analyzed.statements.iter().map(|s| s.span.clone()).collect();
            let built = build(
                &file.text,
                &statements,
                &analyzed.ops,
                &catalog,
                &project,
                &findings,
            );
            let mut unfixed = built.unfixed;
            let (schema, errors) = match (&state, built.schema.is_empty()) {
                (_, true) => (Vec::new(), Vec::new()),
                (Some(state), false) => schema::changes(&built.schema, state, display),
                (None, false) => (
                    Vec::new(),
                    vec!["no schema.prisma was found beside the migrations folder".to_string()],
                ),
            };
            if let (Some(e), true) = (errors.first(), strict) {
                return Err(format!("{}: the schema.prisma edit: {e}", file.migration));
            }
            unfixed.extend(
                errors
                    .into_iter()
                    .map(|e| format!("the schema.prisma edit: {e}")),
            );
            let folder = file
                .path
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default();
            let later_names: Vec<&str> = names[index + 1..].to_vec();
            let plan = MigrationPlan {
                replacement: name_folders(&file.migration, built.folders, &later_names),
                migration: file.migration.clone(),
                schema,
                later: built.later,
                unfixed,
                fixes: built.fixes.into_iter().collect(),
            };
            if !plan.fixes.is_empty() {
                plans.push(PlannedFix {
                    plan,
                    original: file.text.clone(),
                    folder,
                    root: history.root.clone(),
                });
            }
        }
        for op in &analyzed.ops {
            catalog.apply(op, index);
        }
    }
    Ok(HistoryPlans {
        fixes: plans,
        applied: unplanned,
    })
}

/// The first folder keeps the migration's name; the others get the next seconds of its timestamp (as Prisma names
/// folders), so they sort right after it, before any later migration.
fn name_folders(name: &str, folders: Vec<String>, later: &[&str]) -> Vec<PlannedMigration> {
    let (stamp, rest) = name.split_once('_').unwrap_or((name, "fix"));
    let number: Option<u64> = (stamp.len() == 14).then(|| stamp.parse().ok()).flatten();
    folders
        .into_iter()
        .enumerate()
        .map(|(i, sql)| {
            let name = if i == 0 {
                name.to_string()
            } else {
                let step = i + 1;
                match number.map(|n| next_second(n, i as u64)) {
                    Some(n)
                        if later
                            .iter()
                            .all(|l| format!("{n:014}_{rest}_{step}").as_str() < *l) =>
                    {
                        format!("{n:014}_{rest}_{step}")
                    }
                    _ => format!("{name}_{step}"),
                }
            };
            PlannedMigration { name, sql }
        })
        .collect()
}

/// `YYYYMMDDHHMMSS` plus `seconds`, carried into minutes and hours (a timestamp is a name, not a clock).
fn next_second(stamp: u64, seconds: u64) -> u64 {
    let (rest, ss) = (stamp / 100, stamp % 100 + seconds);
    let (rest, mm) = (rest / 100, rest % 100 + ss / 60);
    let (day, hh) = (rest / 100, rest % 100 + mm / 60);
    ((day * 100 + hh) * 100 + mm % 60) * 100 + ss % 60
}

/// The history's schema (found as schema-drift finds it), now and at `base`.
fn schema_state(
    history: &History,
    base: &str,
    display: &dyn Fn(&Path) -> String,
) -> Result<Option<SchemaState>, String> {
    let found = drift::locate::schema_for(&history.root)
        .map_err(|e| format!("{}: {}", display(&e.path), e.message))?;
    let Some(path) = found else {
        return Ok(None);
    };
    let project = history.project.as_deref();
    let current = Schema::load(&path, project).map_err(|e| unreadable(&e, display))?;
    let mut texts = HashMap::new();
    let mut base_texts = HashMap::new();
    let mut base_schema = Schema::default();
    for file in &current.files {
        // Read again, whole and strictly: the edits are written back into this text.
        let text = project_file::read(file, project)
            .and_then(|bytes| String::from_utf8(bytes).map_err(|e| e.to_string()))
            .map_err(|message| {
                let path = file.clone();
                unreadable(&ReadError { path, message }, display)
            })?;
        texts.insert(file.clone(), text);
        if let Some(old) = file_at(file, base) {
            let part = Schema::parse_str(&old, file);
            base_schema.models.extend(part.models);
            base_schema.enums.extend(part.enums);
            base_schema.files.extend(part.files);
            base_texts.insert(file.clone(), old);
        }
    }
    Ok(Some(SchemaState {
        current,
        texts,
        base: (!base_texts.is_empty()).then_some(base_schema),
        base_texts,
    }))
}

/// A file's text at a git ref, if git has it there.
fn file_at(file: &Path, git_ref: &str) -> Option<String> {
    let dir = file.parent()?;
    let name = file.file_name()?.to_str()?;
    let out = Command::new("git")
        .arg("-C")
        .arg(if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        })
        .args(["show", &format!("{git_ref}:./{name}")])
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8(out.stdout).ok())
        .flatten()
}

/// Writes the plans of one migrations folder: each migration's folder is replaced by its planned folders, and the
/// schema edits of all of them are made together (their line numbers are all against the schema as it is now).
pub fn write(fixes: &[PlannedFix]) -> Result<(), String> {
    let err = |p: &Path, e: std::io::Error| format!("{}: {e}", p.display());
    for fix in fixes {
        let sql = fix.folder.join("migration.sql");
        if fix.plan.replacement.first().map(|m| &m.name) != Some(&fix.plan.migration) {
            fs::remove_file(&sql).map_err(|e| err(&sql, e))?;
            // Only an empty folder goes: anything else in it is the user's.
            let _ = fs::remove_dir(&fix.folder);
        }
        for m in &fix.plan.replacement {
            let dir = fix.root.join(&m.name);
            fs::create_dir_all(&dir).map_err(|e| err(&dir, e))?;
            let path = dir.join("migration.sql");
            fs::write(&path, &m.sql).map_err(|e| err(&path, e))?;
        }
    }
    let changes: Vec<_> = fixes
        .iter()
        .flat_map(|f| f.plan.schema.iter().cloned())
        .collect();
    let mut texts = HashMap::new();
    for change in &changes {
        if !texts.contains_key(&change.path) {
            // Read as when the plan was made: the file the edits are written back into.
            let text = project_file::read_regular(&change.path)
                .and_then(|bytes| String::from_utf8(bytes).map_err(|e| e.to_string()))
                .map_err(|e| format!("{}: {e}", change.path.display()))?;
            texts.insert(change.path.clone(), text);
        }
    }
    for (path, text) in schema::apply(&texts, &changes) {
        fs::write(&path, text).map_err(|e| err(&path, e))?;
    }
    Ok(())
}
