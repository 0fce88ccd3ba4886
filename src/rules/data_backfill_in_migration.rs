//! Bulk data changes on existing tables inside a schema migration.

use super::{Category, Check, OpContext, Rule};
use crate::fix::{batch_key, Placement, Suggestion};
use crate::ops::{DmlKind, ObjName, OpKind};
use crate::pg::locks::LockMode;
use crate::rules::diagnostic::{Finding, Severity};

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
    )
    .with_suggestion(|| suggest(ctx, *kind, table)));
}

/// The statement leaves the migration; the notes give its batched form to run from a script.
fn suggest(ctx: &OpContext, kind: DmlKind, table: &ObjName) -> Suggestion {
    let key = batch_key(ctx.catalog, table);
    let statement = ctx
        .file
        .slice(&ctx.op.span)
        .trim()
        .trim_end_matches(';')
        .trim_end();
    let batch = match kind {
        DmlKind::Delete => format!("DELETE FROM {table} WHERE {key} IN (SELECT {key} FROM {table} LIMIT 1000);"),
        DmlKind::Update => format!(
            "{statement} WHERE {key} IN (SELECT {key} FROM {table} WHERE <rows not yet updated> LIMIT 1000);"
        ),
        DmlKind::Insert => format!("{statement} ORDER BY <key> LIMIT 1000 OFFSET <rows copied so far>;"),
    };
    Suggestion::new(
        format!("take the data change on {table} out of the migration and run it in batches"),
        Placement::Replace,
        Vec::new(),
    )
    .note(format!(
        "run it from a script or job after deploying, one short transaction per batch, until a batch touches no \
         rows: `{batch}`"
    ))
    .note("keep the migration to schema changes: it replays on every environment, including a fresh database")
}
