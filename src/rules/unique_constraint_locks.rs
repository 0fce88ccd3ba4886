//! `ADD CONSTRAINT ... UNIQUE` that builds its index under an ACCESS EXCLUSIVE lock.

use super::shared::{check_constraint_index_build, IndexedConstraint, PRISMA_UNIQUE};
use super::{Category, Check, OpContext, Rule};
use crate::ops::{display_ident, ConstraintKind, OpKind};
use crate::pg::locks::LockMode;
use crate::rules::diagnostic::{Finding, Severity};

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
    check_constraint_index_build(ctx, out, IndexedConstraint::Unique);
    // `ADD COLUMN c t UNIQUE` builds the same index over every row (checked on PostgreSQL 15), even though the new
    // column holds only NULLs or its default.
    let OpKind::AddColumn { table, column } = &ctx.op.kind else {
        return;
    };
    let inline_unique = column
        .constraints
        .iter()
        .any(|c| matches!(c.kind, ConstraintKind::Unique { .. }));
    if inline_unique && ctx.is_preexisting(table) {
        out.push(ctx.finding(
            format!(
                "ADD COLUMN {} ... UNIQUE builds a unique index on {table} while holding {} until the build ends",
                display_ident(&column.name),
                LockMode::AccessExclusive.describe(table)
            ),
            Some(format!(
                "add the column without UNIQUE, then in a migration file of its own `CREATE UNIQUE INDEX \
                 CONCURRENTLY \"idx\" ON {table} ({});`, then `ALTER TABLE {table} ADD CONSTRAINT ... UNIQUE USING \
                 INDEX \"idx\";` {PRISMA_UNIQUE}",
                display_ident(&column.name)
            )),
        ));
    }
}
