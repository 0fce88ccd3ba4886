//! Renames that break running clients, including Prisma's DROP + ADD "rename" that loses the data.

use super::shared::{column_rename_pairs, table_rename_pairs};
use super::{Category, Check, MigrationContext, Rule};
use crate::fix::{Placement, SchemaIntent, Suggestion};
use crate::ops::{display_ident, ObjName, OpKind, SqlType};
use crate::rules::diagnostic::{Finding, Severity};

pub const RULE: Rule = Rule {
    id: "rename-without-map",
    default_severity: Severity::Error,
    enabled_by_default: true,
    category: Category::Correctness,
    summary: "renaming a column or table (or DROP + ADD of the same shape) breaks running clients; use @map/@@map",
    doc: include_str!("../../rules/rename-without-map.md"),
    checks: &[Check::Migration(check)],
};

fn check(ctx: &MigrationContext, out: &mut Vec<Finding>) {
    for replayed in ctx.ops.iter().filter(|r| !r.only_new_objects()) {
        match &replayed.op.kind {
            OpKind::RenameColumn { table, old, new } => out.push(ctx.finding(
                replayed.op,
                format!(
                    "renaming {table}.{} to {} breaks every running instance of the current Prisma Client: \
                     they still select {} by name and fail until the new code is deployed everywhere",
                    display_ident(old),
                    display_ident(new),
                    display_ident(old)
                ),
                Some(format!(
                    "keep the column and rename only the Prisma field: `{new} <Type> @map(\"{old}\")`"
                )),
            )
            .with_suggestion(|| {
                let before = ctx.catalog_before.table(table).and_then(|t| t.column(old));
                map_field(
                    table,
                    old,
                    new,
                    before.map_or_else(|| SqlType::new("text"), |c| c.ty.clone()),
                    before.is_none_or(|c| !c.not_null),
                    "remove the RENAME COLUMN from this migration",
                )
            })),
            OpKind::RenameTable { table, new_name } => out.push(ctx.finding(
                replayed.op,
                format!(
                    "renaming {table} to {} breaks every running instance of the current Prisma Client: they \
                     still query {table} and fail until the new code is deployed everywhere",
                    display_ident(new_name)
                ),
                Some(format!(
                    "keep the table and rename only the Prisma model, with `@@map(\"{}\")`",
                    table.name
                )),
            )
            .with_suggestion(|| map_model(
                &table.name,
                new_name,
                "remove the RENAME TO from this migration",
            ))),
            _ => {}
        }
    }
    for pair in column_rename_pairs(ctx) {
        out.push(ctx.finding(
            pair.dropped.op,
            format!(
                "this drops {table}.{old} and adds {table}.{new} of the same type ({ty}): that is how Prisma \
                 writes a field rename without `@map`, and it deletes every value of {old} instead of keeping \
                 it; running clients that select {old} fail as well",
                table = pair.table,
                old = display_ident(pair.dropped_column),
                new = display_ident(pair.added_column),
                ty = pair.ty,
            ),
            Some(format!(
                "if this is a rename, keep the column: write `{new} <Type> @map(\"{old}\")` in schema.prisma \
                 and remove the DROP/ADD from this migration",
                new = pair.added_column,
                old = pair.dropped_column
            )),
        )
        .with_suggestion(|| map_field(
            pair.table,
            pair.dropped_column,
            pair.added_column,
            SqlType::new(pair.ty.clone()),
            !pair.added_not_null,
            "remove the DROP COLUMN and the ADD COLUMN from this migration (delete the migration if nothing else is \
             left in it)",
        )));
    }
    for pair in table_rename_pairs(ctx) {
        out.push(ctx.finding(
            pair.dropped.op,
            format!(
                "this drops {old} and creates {new} with the same columns: that is how Prisma writes a model \
                 rename without `@@map`, and it deletes every row of {old}; running clients that query {old} \
                 fail as well",
                old = pair.old,
                new = pair.new,
            ),
            Some(format!(
                "if this is a rename, keep the table: add `@@map(\"{}\")` to the renamed model and remove the \
                 DROP/CREATE from this migration",
                pair.old.name
            )),
        )
        .with_suggestion(|| map_model(
            &pair.old.name,
            &pair.new.name,
            "remove the DROP TABLE and the CREATE TABLE (with its indexes and constraints) from this migration \
             (delete the migration if nothing else is left in it)",
        )));
    }
}

/// A field rename done only in Prisma: no SQL at all.
fn map_field(
    table: &ObjName,
    old: &str,
    new: &str,
    sql_type: SqlType,
    optional: bool,
    remove: &str,
) -> Suggestion {
    Suggestion::new(
        format!(
            "keep the column {}: rename only the Prisma field, mapped to the old column",
            display_ident(old)
        ),
        Placement::Replace,
        Vec::new(),
    )
    .schema(SchemaIntent::MapField {
        table: table.clone(),
        old_column: old.to_string(),
        new_column: new.to_string(),
        sql_type,
        optional,
    })
    .note(remove)
}

/// A model rename done only in Prisma: no SQL at all.
fn map_model(old: &str, new: &str, remove: &str) -> Suggestion {
    Suggestion::new(
        format!(
            "keep the table {}: rename only the Prisma model, mapped to the old table",
            display_ident(old)
        ),
        Placement::Replace,
        Vec::new(),
    )
    .schema(SchemaIntent::MapModel {
        old_table: old.to_string(),
        new_table: new.to_string(),
    })
    .note(remove)
}
