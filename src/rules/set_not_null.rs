//! `ALTER COLUMN ... SET NOT NULL` on a table that already has rows.

use super::{Category, Check, OpContext, Rule};
use crate::catalog::{ConstraintInfo, Table};
use crate::fix::{object_name, Placement, Suggestion, LOCK_TIMEOUT};
use crate::ops::{display_ident, quote_ident, ConstraintKind, ObjName, OpKind};
use crate::rules::diagnostic::{Finding, Severity};

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
    )
    .with_suggestion(|| suggest(
        table,
        column,
        ctx.settings.postgres_version,
        ctx.catalog
            .table(table)
            .and_then(|t| not_null_check(t, column))
            .map(|c| c.name.as_str()),
    )));
}

/// `existing_check`: a NOT VALID `CHECK (col IS NOT NULL)` an earlier migration already added, to validate instead
/// of adding another.
fn suggest(
    table: &ObjName,
    column: &str,
    postgres_version: u32,
    existing_check: Option<&str>,
) -> Suggestion {
    let col = quote_ident(column);
    let set_not_null = format!("ALTER TABLE {table} ALTER COLUMN {col} SET NOT NULL;");
    let pre_12 = "before PostgreSQL 12, SET NOT NULL scans the table even with a validated check: run it in a \
                  quiet window, with a short lock_timeout and retries";
    if postgres_version < 12 {
        return Suggestion::new(
            "no scan-free way before PostgreSQL 12: fail fast instead of queueing traffic",
            Placement::Replace,
            vec![vec![LOCK_TIMEOUT.to_string(), set_not_null]],
        )
        .note(pre_12);
    }
    let check = quote_ident(&existing_check.map_or_else(
        || object_name(&table.name, &[column], "not_null"),
        str::to_string,
    ));
    let mut sql = Vec::new();
    if existing_check.is_none() {
        sql.push(vec![
            LOCK_TIMEOUT.to_string(),
            format!(
                "ALTER TABLE {table} ADD CONSTRAINT {check} CHECK ({col} IS NOT NULL) NOT VALID;"
            ),
        ]);
    }
    sql.push(vec![format!(
        "ALTER TABLE {table} VALIDATE CONSTRAINT {check};"
    )]);
    sql.push(vec![
        LOCK_TIMEOUT.to_string(),
        set_not_null,
        format!("ALTER TABLE {table} DROP CONSTRAINT {check};"),
    ]);
    Suggestion::new(
        format!("prove {col} has no NULLs with a validated check, so SET NOT NULL skips its scan"),
        Placement::Replace,
        sql,
    )
    .note(
        "VALIDATE CONSTRAINT scans under SHARE UPDATE EXCLUSIVE, so reads and writes continue; it fails if a row \
         is still NULL: backfill first. schema.prisma needs no change",
    )
    .note(pre_12)
}

fn has_validated_not_null_check(table: &Table, column: &str) -> bool {
    not_null_check(table, column).is_some_and(|c| !c.not_valid)
}

/// A `CHECK (col IS NOT NULL)` on the table, validated or not.
fn not_null_check<'a>(table: &'a Table, column: &str) -> Option<&'a ConstraintInfo> {
    table.constraints.iter().map(|c| &**c).find(|c| {
        matches!(&c.kind, ConstraintKind::Check { expr } if {
            let e = expr.to_ascii_lowercase().replace('"', "");
            let e = e.trim_matches(|ch| ch == '(' || ch == ')');
            e == format!("{} is not null", column.to_ascii_lowercase())
        })
    })
}
