//! An inline `migrate-lint-ignore` comment that does not say why.

use super::{Category, Rule};
use crate::rules::diagnostic::Severity;

/// Reported by the suppression pass in `crate::engine::suppress`, not by a check.
pub const RULE: Rule = Rule {
    id: "ignore-without-reason",
    default_severity: Severity::Error,
    enabled_by_default: true,
    category: Category::Analysis,
    summary: "a migrate-lint-ignore comment must give a reason after a colon",
    doc: include_str!("../../rules/ignore-without-reason.md"),
    checks: &[],
};
