//! What a rule reports, before any rendering.

use std::fmt;
use std::ops::Range;

use serde::Serialize;

use crate::fix::Suggestion;

/// Ordered from least to most severe; `Error` is the default threshold of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    #[default]
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A finding as a rule produces it: where, and what to tell the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Index of the file in lint order.
    pub file: usize,
    /// Byte span of the offending clause in that file.
    pub span: Range<usize>,
    pub message: String,
    pub help: Option<String>,
    /// The safe SQL and schema edit (shown with `--fix-suggestions`).
    pub suggestion: Option<Box<Suggestion>>,
    /// Whether this run prints suggestions. Building one can cost more than the finding (some rewrite their whole
    /// migration), so `with_suggestion` builds it only when it will be shown.
    pub suggestion_wanted: bool,
    /// This finding's severity when it differs from the rule's default (e.g. a type change that deletes the values
    /// is an error, while one that only rewrites is a warning); a severity set in lint.toml still wins.
    pub severity: Option<Severity>,
}

impl Finding {
    pub fn at_severity(mut self, severity: Severity) -> Self {
        self.severity = Some(severity);
        self
    }

    pub fn with_suggestion(mut self, build: impl FnOnce() -> Suggestion) -> Self {
        if self.suggestion_wanted {
            self.suggestion = Some(Box::new(build()));
        }
        self
    }
}

/// A finding with its rule and effective severity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: &'static str,
    pub severity: Severity,
    pub file: usize,
    pub span: Range<usize>,
    pub message: String,
    pub help: Option<String>,
    pub suggestion: Option<Box<Suggestion>>,
}
