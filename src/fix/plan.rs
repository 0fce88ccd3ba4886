//! `--fix` and `--fix-suggestions`: one plan per migration, built from all of its findings together.
//!
//! A [`MigrationPlan`] says what replaces the migration now (zero or more migration folders, the first keeping its
//! name, the others sorting right after it), the schema.prisma edit that keeps Prisma's view equal to those folders,
//! and the steps of later releases. Later steps are only printed: `prisma migrate deploy` applies every pending
//! migration at once, so a step that must wait for a backfill or a code deploy cannot sit in the migrations folder.

use serde::Serialize;

/// What `--fix` does to one migration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MigrationPlan {
    /// The migration's folder name.
    pub migration: String,
    /// The migrations that replace it, in order (empty: the migration is deleted, nothing is left of it).
    pub replacement: Vec<PlannedMigration>,
    /// The schema.prisma edits, as line edits.
    pub schema: Vec<SchemaChange>,
    /// Steps of later releases, in order: printed, never written.
    pub later: Vec<LaterStep>,
    /// Findings this plan does not fix (rule id and line), which stay.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unfixed: Vec<String>,
    /// The rules whose findings the plan fixes.
    pub fixes: Vec<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedMigration {
    /// Folder name, e.g. `20240201000001_add_email_2`.
    pub name: String,
    /// The whole migration.sql.
    pub sql: String,
}

/// One edit of a schema file: `remove` lines from `line` (1-based) replaced by `insert`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchemaChange {
    /// The file as the user sees it.
    pub file: String,
    #[serde(skip)]
    pub path: std::path::PathBuf,
    pub line: usize,
    pub remove: usize,
    pub insert: Vec<String>,
    /// What the edit does, in a few words.
    pub why: String,
    /// The lines removed, as they were (for the diff).
    #[serde(skip)]
    pub removed: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LaterStep {
    /// When and how: e.g. `script` (run outside any migration, repeat until it updates no row), `migration` (a new
    /// migration of a later release), `schema` (an edit of schema.prisma in that release).
    pub kind: LaterKind,
    pub what: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sql: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LaterKind {
    Script,
    Migration,
    Schema,
}

impl MigrationPlan {
    /// The plan as a short diff: folders removed and added, schema lines changed, and the later steps.
    pub fn render(&self, original_sql: &str, migrations_dir: &str) -> String {
        let mut out = format!(
            "fix {} ({}):\n",
            self.migration,
            if self.fixes.is_empty() {
                "nothing to fix".to_string()
            } else {
                self.fixes.join(", ")
            }
        );
        let same_first = self
            .replacement
            .first()
            .is_some_and(|m| m.name == self.migration);
        if same_first {
            let first = &self.replacement[0];
            out += &format!("--- {migrations_dir}/{}/migration.sql\n", self.migration);
            out += &format!("+++ {migrations_dir}/{}/migration.sql\n", first.name);
            out += &line_diff(original_sql, &first.sql);
        } else {
            out += &format!(
                "deleted {migrations_dir}/{}/migration.sql\n",
                self.migration
            );
        }
        for m in self.replacement.iter().skip(usize::from(same_first)) {
            out += &format!("+++ {migrations_dir}/{}/migration.sql (new)\n", m.name);
            for line in m.sql.lines() {
                out += &format!("+{line}\n");
            }
        }
        for change in &self.schema {
            out += &format!("@@ {}:{} ({})\n", change.file, change.line, change.why);
            for line in &change.removed {
                out += &format!("-{line}\n");
            }
            for line in &change.insert {
                out += &format!("+{line}\n");
            }
        }
        for (i, step) in self.later.iter().enumerate() {
            let kind = match step.kind {
                LaterKind::Script => "script",
                LaterKind::Migration => "migration",
                LaterKind::Schema => "schema.prisma",
            };
            out += &format!("later release, step {} ({kind}): {}\n", i + 1, step.what);
            if let Some(sql) = &step.sql {
                for line in sql.lines() {
                    out += &format!("    {line}\n");
                }
            }
        }
        for u in &self.unfixed {
            out += &format!("not fixed: {u}\n");
        }
        out
    }
}

/// A minimal line diff: the common head and tail are skipped, the middle shown as removed then added.
fn line_diff(old: &str, new: &str) -> String {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let head = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let tail = a[head..]
        .iter()
        .rev()
        .zip(b[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let mut out = String::new();
    for line in &a[head..a.len() - tail] {
        out += &format!("-{line}\n");
    }
    for line in &b[head..b.len() - tail] {
        out += &format!("+{line}\n");
    }
    out
}
