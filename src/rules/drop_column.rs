//! Dropping a column that running application instances still read.

use super::shared::{column_rename_pairs, copied_into, drop_add_retypes, if_exists, shadow_swaps};
use super::{Category, Check, MigrationContext, Rule};
use crate::catalog::Column;
use crate::fix::{locked, Placement, SchemaIntent, Suggestion, LOCK_TIMEOUT};
use crate::ops::{display_ident, quote_ident, ObjName, OpKind, SqlType};
use crate::rules::diagnostic::{Finding, Severity};

pub const RULE: Rule = Rule {
    id: "drop-column",
    default_severity: Severity::Error,
    enabled_by_default: true,
    category: Category::Correctness,
    summary:
        "DROP COLUMN loses the data and breaks every running Prisma Client that still selects it",
    doc: include_str!("../../rules/drop-column.md"),
    checks: &[Check::Migration(check)],
};

fn check(ctx: &MigrationContext, out: &mut Vec<Finding>) {
    // A drop that pairs with an add is reported once, by rename-without-map.
    let renames = column_rename_pairs(ctx);
    // A shadow-column swap keeps the values and the name, and Prisma's DROP and ADD of the same column changes its
    // type: change-column-type reports both.
    let swaps = shadow_swaps(ctx);
    let retypes = drop_add_retypes(ctx);
    for replayed in ctx.ops.iter().filter(|r| !r.only_new_objects()) {
        let OpKind::DropColumn { table, column } = &replayed.op.kind else {
            continue;
        };
        if renames.iter().any(|p| std::ptr::eq(p.dropped, replayed))
            || swaps.iter().any(|s| std::ptr::eq(s.dropped, replayed))
            || retypes.iter().any(|r| std::ptr::eq(r.dropped, replayed))
        {
            continue;
        }
        let before = ctx
            .catalog_before
            .table(table)
            .and_then(|t| t.column(column));
        // `DROP COLUMN IF EXISTS` of a column no migration made loses nothing of the history.
        if before.is_none() && if_exists(ctx, replayed.op) {
            continue;
        }
        let col = display_ident(column);
        let data = match copied_into(ctx, table, column) {
            Some(copy) => format!(
                "the values of {table}.{col} were copied into {} by an UPDATE of this migration, but",
                display_ident(copy)
            ),
            None => format!("dropping {table}.{col} deletes its data for good, and"),
        };
        out.push(ctx.finding(
            replayed.op,
            format!(
                "{data} every running instance of the current Prisma Client still selects {col} by name: their \
                 queries on {table} fail from this moment until the new code is deployed everywhere"
            ),
            Some(
                "expand and contract: first deploy code whose schema.prisma no longer has the field, then drop \
                 the column in a later migration"
                    .to_string(),
            ),
        )
        .with_suggestion(|| suggest(table, column, before)));
    }
}

/// Expand and contract: hide the field (`@ignore`) and deploy; drop the column in a later release.
fn suggest(table: &ObjName, column: &str, before: Option<&Column>) -> Suggestion {
    let col = quote_ident(column);
    // Rows inserted by the new client omit an ignored field, so a required column without default must accept NULL.
    let must_relax = before.is_some_and(|c| c.not_null && c.default.is_none());
    let mut sql = Vec::new();
    if must_relax {
        sql.push(locked([format!(
            "ALTER TABLE {table} ALTER COLUMN {col} DROP NOT NULL;"
        )]));
    }
    let later = sql.len();
    sql.push(vec![
        LOCK_TIMEOUT.to_string(),
        format!("ALTER TABLE {table} DROP COLUMN {col};"),
    ]);
    Suggestion::new(
        format!(
            "keep {col} for now: mark the field `@ignore` and deploy, then drop the column in a later release"
        ),
        Placement::Replace,
        sql,
    )
    .later_from(later)
    .schema(SchemaIntent::IgnoreField {
        table: table.clone(),
        column: column.to_string(),
        sql_type: before.map_or_else(|| SqlType::new("text"), |c| c.ty.clone()),
        // The field the user puts back must accept what the column holds: NULLs, or none from the new client.
        optional: before.is_none_or(|c| !c.not_null || c.default.is_none()),
    })
    .note(format!(
        "the last migration ships in a later release, once no running instance selects {col}; then remove the \
         field from schema.prisma in that same change"
    ))
}
