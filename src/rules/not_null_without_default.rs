//! `ADD COLUMN ... NOT NULL` without a default on a table that already has rows.

use super::{Category, Check, OpContext, Rule};
use crate::diagnostic::{Finding, Severity};
use crate::ops::{display_ident, OpKind};

pub const RULE: Rule = Rule {
    id: "not-null-without-default",
    default_severity: Severity::Error,
    enabled_by_default: true,
    category: Category::Correctness,
    summary: "ADD COLUMN ... NOT NULL without DEFAULT on an existing table fails once the table has rows",
    doc: include_str!("../../rules/not-null-without-default.md"),
    checks: &[Check::Op(check)],
};

fn check(ctx: &OpContext, out: &mut Vec<Finding>) {
    let OpKind::AddColumn { table, column } = &ctx.op.kind else {
        return;
    };
    if !column.not_null || column.default.is_some() || column.generated || !ctx.is_preexisting(table) {
        return;
    }
    out.push(ctx.finding(
        format!(
            "adding the required column {} to {table} without a default fails on any non-empty table: \
             PostgreSQL has no value for the existing rows (error 23502 not_null_violation), so the \
             deploy stops at this migration",
            display_ident(&column.name)
        ),
        Some(format!(
            "give the column a default (`@default(...)` in schema.prisma, `DEFAULT ...` here), or add it as \
             nullable, backfill {table} in batches, then make it NOT NULL in a later migration"
        )),
    ));
}
