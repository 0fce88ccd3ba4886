//! Bulk data changes on existing tables inside a schema migration.

use super::locks::LockMode;
use super::{Category, Check, OpContext, Rule};
use crate::diagnostic::{Finding, Severity};
use crate::ops::{DmlKind, OpKind};

pub const RULE: Rule = Rule {
    id: "data-backfill-in-migration",
    default_severity: Severity::Warning,
    enabled_by_default: true,
    category: Category::Locking,
    summary: "UPDATE/DELETE without WHERE, or INSERT ... SELECT, on an existing table inside the migration",
    doc: include_str!("../../rules/data-backfill-in-migration.md"),
    checks: &[Check::Op(check)],
};

fn check(ctx: &OpContext, out: &mut Vec<Finding>) {
    let OpKind::Dml {
        kind,
        table,
        bounded: false,
    } = &ctx.op.kind
    else {
        return;
    };
    if !ctx.is_preexisting(table) {
        return;
    }
    let what = match kind {
        DmlKind::Update => "UPDATE without WHERE rewrites every row of",
        DmlKind::Delete => "DELETE without WHERE removes every row of",
        DmlKind::Insert => "INSERT ... SELECT copies a whole query result into",
    };
    out.push(ctx.finding(
        format!(
            "{what} {table} in one transaction: it holds {} and locks every touched row until the migration \
             ends, blocking concurrent updates and deletes of those rows, and a large change bloats the table and \
             its WAL",
            LockMode::RowExclusive.describe(table)
        ),
        Some(
            "run the backfill outside the migration, in batches (e.g. by primary key ranges) from a script or job; \
             keep the migration to schema changes"
                .to_string(),
        ),
    ));
}
