//! The resolved settings rules and the engine consult (from lint.toml and the command line).

use std::collections::HashMap;
use std::sync::Arc;

use crate::applied::AppliedSet;

use crate::diagnostic::Severity;
use crate::rules::Rule;

#[derive(Debug, Clone)]
pub struct Settings {
    /// Major version of the target PostgreSQL; some verdicts changed in 11 and 12.
    pub postgres_version: u32,
    /// Per-rule severity overrides; `None` turns the rule off.
    pub severities: HashMap<String, Option<Severity>>,
    /// What is already applied (`--base`, `--database-url`), for one migrations folder; `None` when no source was
    /// given, and the rules about applied history do nothing. Applied migrations not on disk are reported on a
    /// `SourceFile::missing` placeholder that the caller adds for each of `AppliedSet::missing_locally`.
    pub applied: Option<Arc<AppliedSet>>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            postgres_version: 15,
            severities: HashMap::new(),
            applied: None,
        }
    }
}

impl Settings {
    /// The severity a rule reports at, or `None` when it is off.
    pub fn severity_of(&self, rule: &Rule) -> Option<Severity> {
        match self.severities.get(rule.id) {
            Some(level) => *level,
            None => Some(rule.default_severity),
        }
    }
}
