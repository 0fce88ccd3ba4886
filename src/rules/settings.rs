//! The resolved settings rules and the engine consult (from lint.toml and the command line), and the state of one
//! run they read beside them.

use std::collections::HashMap;
use std::sync::Arc;

use crate::input::applied::AppliedSet;

use crate::rules::diagnostic::Severity;
use crate::rules::drift::FoundSchema;
use crate::rules::Rule;

#[derive(Debug, Clone)]
pub struct Settings {
    /// Major version of the target PostgreSQL; some verdicts changed in 11 and 12.
    pub postgres_version: u32,
    /// Per-rule severity overrides; `None` turns the rule off.
    pub severities: HashMap<String, Option<Severity>>,
    /// The Prisma version that applies the migrations (`major.minor.patch`), when configured.
    pub prisma_version: Option<(u32, u32, u32)>,
    /// `[[ignore]]` entries: findings of a rule in one migration, accepted with a reason.
    pub ignores: Vec<IgnoreEntry>,
    /// A `lock_timeout` longer than this (milliseconds) is as good as none (`max_lock_timeout` in lint.toml).
    pub max_lock_timeout_ms: u64,
}

/// What one run knows beyond the configuration, for one history: rules read it beside the [`Settings`].
#[derive(Debug, Clone)]
pub struct RunState {
    /// What is already applied (`--base`, `--database-url`), for one migrations folder; `None` when no source was
    /// given, and the rules about applied history do nothing. Applied migrations not on disk are reported on a
    /// `SourceFile::missing` placeholder that the caller adds for each of `AppliedSet::missing_locally`.
    pub applied: Option<Arc<AppliedSet>>,
    /// The Prisma schema to compare the history's final catalog with (`schema-drift`), for one migrations folder:
    /// set only when one was found and the run reports the newest migration. Findings on it use file indexes after
    /// the history's files; the caller appends `FoundSchema::sources` there.
    pub schema: Option<Arc<FoundSchema>>,
    /// Keep each finding's fix suggestion. Off when nobody will print them: a suggestion can hold a rewrite of its
    /// whole migration, and long histories have many findings.
    pub keep_suggestions: bool,
}

impl Default for RunState {
    fn default() -> Self {
        RunState {
            applied: None,
            schema: None,
            keep_suggestions: true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnoreEntry {
    /// The migration's folder name.
    pub migration: String,
    pub rule: String,
    pub reason: String,
}

/// A PostgreSQL time setting in milliseconds: `5000`, `5s`, `'500ms'`, `1min`, `1 h` (no unit: milliseconds, as for
/// `lock_timeout`); `None` when it is not one.
pub fn duration_ms(text: &str) -> Option<u64> {
    let t = text.trim().trim_matches('\'').trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let value: f64 = t[..split].parse().ok()?;
    let factor = match t[split..].trim() {
        "" | "ms" => 1.0,
        "us" => 0.001,
        "s" => 1_000.0,
        "min" => 60_000.0,
        "h" => 3_600_000.0,
        "d" => 86_400_000.0,
        _ => return None,
    };
    Some((value * factor) as u64)
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            postgres_version: 15,
            severities: HashMap::new(),
            prisma_version: None,
            ignores: Vec::new(),
            max_lock_timeout_ms: 10_000,
        }
    }
}

impl Settings {
    /// The severity a rule reports at, or `None` when it is off.
    pub fn severity_of(&self, rule: &Rule) -> Option<Severity> {
        match self.severities.get(rule.id) {
            Some(level) => *level,
            None => rule.enabled_by_default.then_some(rule.default_severity),
        }
    }

    /// The severity of one finding: lint.toml's for its rule when set, else the finding's own, else the rule's default.
    pub fn finding_severity(&self, rule: &Rule, finding: Option<Severity>) -> Option<Severity> {
        match self.severities.get(rule.id) {
            Some(level) => *level,
            None => rule
                .enabled_by_default
                .then(|| finding.unwrap_or(rule.default_severity)),
        }
    }

    /// Whether Prisma sends a multi-statement migration file as one implicit transaction. Prisma before 7.4 always
    /// does; with no configured version we assume it does, since that is the version that breaks.
    pub fn file_is_one_transaction(&self) -> bool {
        self.prisma_version.is_none_or(|v| v < (7, 4, 0))
    }
}
