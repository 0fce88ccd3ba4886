//! An inline `migrate-lint-ignore` comment that suppresses nothing.

use super::{Category, Rule};
use crate::rules::diagnostic::Severity;

/// Reported by the suppression pass in `crate::engine::suppress`, not by a check.
pub const RULE: Rule = Rule {
    id: "unused-ignore",
    default_severity: Severity::Warning,
    enabled_by_default: true,
    category: Category::Analysis,
    summary:
        "a migrate-lint-ignore comment that suppresses no finding (stale, misspelt, or misplaced)",
    doc: include_str!("../../rules/unused-ignore.md"),
    checks: &[],
};
