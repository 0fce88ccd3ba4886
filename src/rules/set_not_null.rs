//! `ALTER COLUMN ... SET NOT NULL` on a table that already has rows.

use super::{Category, Check, OpContext, Rule};
use crate::catalog::Table;
use crate::diagnostic::{Finding, Severity};
use crate::ops::{display_ident, ConstraintKind, OpKind};

pub const RULE: Rule = Rule {
    id: "set-not-null",
    default_severity: Severity::Warning,
    enabled_by_default: true,
    category: Category::Locking,
    summary: "SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock",
    doc: include_str!("../../rules/set-not-null.md"),
    checks: &[Check::Op(check)],
};

fn check(ctx: &OpContext, out: &mut Vec<Finding>) {
    let OpKind::SetNotNull { table, column } = &ctx.op.kind else {
        return;
    };
    if !ctx.is_preexisting(table) {
        return;
    }
    // Since PostgreSQL 12 a validated `CHECK (col IS NOT NULL)` lets SET NOT NULL skip the scan.
    if ctx.settings.postgres_version >= 12
        && ctx
            .catalog
            .table(table)
            .is_some_and(|t| has_validated_not_null_check(t, column))
    {
        return;
    }
    let help = if ctx.settings.postgres_version >= 12 {
        format!(
            "add `CHECK ({col} IS NOT NULL) NOT VALID`, then `VALIDATE CONSTRAINT` in a separate migration \
             (no long lock), then SET NOT NULL (which then skips the scan) and drop the check",
            col = display_ident(column)
        )
    } else {
        "before PostgreSQL 12 SET NOT NULL always scans: run it in a quiet window, with a short lock_timeout"
            .to_string()
    };
    out.push(ctx.finding(
        format!(
            "SET NOT NULL on {table}.{} takes an ACCESS EXCLUSIVE lock and scans every row: all reads and \
             writes to {table} wait until the scan ends, and the migration fails if any row is NULL",
            display_ident(column)
        ),
        Some(help),
    ));
}

fn has_validated_not_null_check(table: &Table, column: &str) -> bool {
    table.constraints.iter().any(|c| {
        !c.not_valid
            && matches!(&c.kind, ConstraintKind::Check { expr } if {
                let e = expr.to_ascii_lowercase().replace('"', "");
                let e = e.trim_matches(|ch| ch == '(' || ch == ')');
                e == format!("{} is not null", column.to_ascii_lowercase())
            })
    })
}
