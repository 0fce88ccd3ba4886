//! `ADD PRIMARY KEY` that builds its index under an ACCESS EXCLUSIVE lock.

use super::shared::{check_constraint_index_build, IndexedConstraint};
use super::{Category, Check, OpContext, Rule};
use crate::rules::diagnostic::{Finding, Severity};

pub const RULE: Rule = Rule {
    id: "primary-key-locks",
    default_severity: Severity::Warning,
    enabled_by_default: true,
    category: Category::Locking,
    summary:
        "ADD PRIMARY KEY without USING INDEX builds the index while blocking all reads and writes",
    doc: include_str!("../../rules/primary-key-locks.md"),
    checks: &[Check::Op(check)],
};

fn check(ctx: &OpContext, out: &mut Vec<Finding>) {
    check_constraint_index_build(ctx, out, IndexedConstraint::PrimaryKey);
}
