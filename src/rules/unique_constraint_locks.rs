//! `ADD CONSTRAINT ... UNIQUE` that builds its index under an ACCESS EXCLUSIVE lock.

use super::locks::LockMode;
use super::{Category, Check, OpContext, Rule};
use crate::diagnostic::{Finding, Severity};
use crate::ops::{display_ident, ConstraintKind, OpKind};
use crate::suggestion::index_then_constraint;

pub const RULE: Rule = Rule {
    id: "unique-constraint-locks",
    default_severity: Severity::Warning,
    enabled_by_default: true,
    category: Category::Locking,
    summary: "ADD UNIQUE without USING INDEX builds the index while blocking all reads and writes",
    doc: include_str!("../../rules/unique-constraint-locks.md"),
    checks: &[Check::Op(check)],
};

fn check(ctx: &OpContext, out: &mut Vec<Finding>) {
    let OpKind::AddConstraint {
        table, constraint, ..
    } = &ctx.op.kind
    else {
        return;
    };
    let ConstraintKind::Unique {
        using_index: None,
        columns,
    } = &constraint.kind
    else {
        return;
    };
    if !ctx.is_preexisting(table) {
        return;
    }
    let cols = columns.iter().map(|c| display_ident(c)).collect::<Vec<_>>().join(", ");
    out.push(ctx.finding(
        format!(
            "ADD UNIQUE ({cols}) builds a unique index on {table} while holding {} until the build ends",
            LockMode::AccessExclusive.describe(table)
        ),
        Some(format!(
            "in one migration file of its own: `CREATE UNIQUE INDEX CONCURRENTLY \"idx\" ON {table} ({cols});` then \
             in the next: `ALTER TABLE {table} ADD CONSTRAINT ... UNIQUE USING INDEX \"idx\";` (instant)"
        )),
    )
    .with_suggestion(index_then_constraint(
        table,
        constraint.name.as_deref(),
        columns,
        false,
    )));
}
