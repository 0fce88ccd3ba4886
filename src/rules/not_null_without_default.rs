//! `ADD COLUMN ... NOT NULL` without a default on a table that already has rows.

use super::{Category, Check, OpContext, Rule};
use crate::catalog::Catalog;
use crate::fix::{
    batch_key, batched_update, default_for_type, locked, object_name, Placement, SchemaIntent,
    Suggestion, LOCK_TIMEOUT,
};
use crate::ops::{
    display_ident, quote_ident, ColumnSpec, Constraint, ConstraintKind, DmlKind, ObjName, OpKind,
};
use crate::rules::diagnostic::{Finding, Severity};

pub const RULE: Rule = Rule {
    id: "not-null-without-default",
    default_severity: Severity::Error,
    enabled_by_default: true,
    category: Category::Correctness,
    summary:
        "ADD COLUMN ... NOT NULL without DEFAULT on an existing table fails once the table has rows",
    doc: include_str!("../../rules/not-null-without-default.md"),
    checks: &[Check::Op(check)],
};

fn check(ctx: &OpContext, out: &mut Vec<Finding>) {
    let OpKind::AddColumn { table, column } = &ctx.op.kind else {
        return;
    };
    if !column.not_null
        || column.default.is_some()
        || column.generated
        || !ctx.is_preexisting(table)
    {
        return;
    }
    if emptied_before(ctx, table) {
        return;
    }
    let unique = is_unique(ctx, table, &column.name);
    let help = if unique {
        format!(
            "the column is unique, so no single default fits: add it as nullable, backfill {table} with distinct \
             values in batches, then make it NOT NULL in a later migration"
        )
    } else {
        format!(
            "give the column a default (`@default(...)` in schema.prisma, `DEFAULT ...` here), or add it as \
             nullable, backfill {table} in batches, then make it NOT NULL in a later migration"
        )
    };
    out.push(ctx.finding(
        format!(
            "adding the required column {} to {table} without a default fails on any non-empty table: \
             PostgreSQL has no value for the existing rows (error 23502 not_null_violation), so the \
             deploy stops at this migration",
            display_ident(&column.name)
        ),
        Some(help),
    ).with_suggestion(|| suggest(table, column, ctx.catalog, unique)));
}

/// An unconditional `DELETE FROM t` or `TRUNCATE t` earlier in the migration leaves no row to fail on (checked on
/// PostgreSQL 15: the ADD succeeds after the DELETE in the same transaction).
fn emptied_before(ctx: &OpContext, table: &ObjName) -> bool {
    ctx.migration_ops
        .iter()
        .take_while(|op| op.span.start < ctx.op.span.start)
        .any(|op| match &op.kind {
            OpKind::Dml {
                kind: DmlKind::Delete,
                table: t,
                bounded: false,
            } => t == table,
            OpKind::Truncate { tables } => tables.contains(table),
            _ => false,
        })
}

/// The column is unique: inline, or (as Prisma writes `@unique`) by an index or constraint later in the migration.
fn is_unique(ctx: &OpContext, table: &ObjName, column: &str) -> bool {
    let just_this = |columns: &[String]| columns.len() == 1 && columns[0] == column;
    let unique_constraint = |c: &Constraint| {
        matches!(&c.kind, ConstraintKind::Unique { columns, .. } | ConstraintKind::PrimaryKey { columns, .. }
            if columns.is_empty() || just_this(columns))
    };
    let added = ctx.migration_ops.iter().any(|op| match &op.kind {
        OpKind::CreateIndex(spec) => {
            spec.unique
                && !spec.partial
                && &spec.table == table
                && spec.columns == [Some(column.to_string())]
        }
        OpKind::AddConstraint {
            table: t,
            constraint,
            ..
        } => t == table && unique_constraint(constraint),
        _ => false,
    });
    let inline = matches!(&ctx.op.kind, OpKind::AddColumn { column: c, .. } if c.constraints.iter().any(unique_constraint));
    added || inline
}

/// A constant default when the type has an obvious one, else (and as the alternative) nullable → backfill →
/// validated check → SET NOT NULL.
fn suggest(table: &ObjName, column: &ColumnSpec, catalog: &Catalog, unique: bool) -> Suggestion {
    let col = quote_ident(&column.name);
    let ty = &column.ty.text;
    // One constant for every existing row would collide on a unique column.
    let typed_default = default_for_type(&column.ty, catalog).filter(|_| !unique);
    let check = quote_ident(&object_name(&table.name, &[&column.name], "not_null"));

    let mut staged = vec![locked([format!(
        "ALTER TABLE {table} ADD COLUMN {col} {ty};"
    )])];
    let fill_note = match &typed_default {
        Some((value, _)) => {
            // Batches keep each UPDATE's row locks and WAL burst short.
            staged.push(vec![batched_update(
                table,
                &batch_key(catalog, table),
                &format!("{col} = {value}"),
                &format!("{col} IS NULL"),
            )]);
            "migration 2 fills one batch of 1000 rows: run its statement repeatedly (from a script or psql) until \
             it updates no rows before applying migration 3, and use the real value each row needs instead of the \
             placeholder default where there is one"
                .to_string()
        }
        None if unique => format!(
            "{col} is unique: fill it with a distinct, real value for every existing row of {table}, in batches \
             (e.g. 1000 rows per UPDATE until none is NULL), between migration 1 and migration 2"
        ),
        None => format!(
            "fill {col} for every existing row of {table}, in batches (e.g. 1000 rows per UPDATE until none is \
             NULL), between migration 1 and migration 2"
        ),
    };
    staged.push(vec![
        LOCK_TIMEOUT.to_string(),
        format!("ALTER TABLE {table} ADD CONSTRAINT {check} CHECK ({col} IS NOT NULL) NOT VALID;"),
    ]);
    staged.push(vec![format!(
        "ALTER TABLE {table} VALIDATE CONSTRAINT {check};"
    )]);
    staged.push(vec![
        LOCK_TIMEOUT.to_string(),
        format!("ALTER TABLE {table} ALTER COLUMN {col} SET NOT NULL;"),
        format!("ALTER TABLE {table} DROP CONSTRAINT {check};"),
    ]);
    let nullable = Suggestion::new(
        format!("add {col} as nullable, backfill it in batches, then make it NOT NULL behind a validated check"),
        Placement::Replace,
        staged,
    )
    .schema(SchemaIntent::MakeOptional {
        table: table.clone(),
        column: column.name.clone(),
        sql_type: column.ty.clone(),
    })
    .note(fill_note)
    .note(
        "VALIDATE CONSTRAINT scans under SHARE UPDATE EXCLUSIVE (reads and writes continue); SET NOT NULL then \
         skips its scan (PostgreSQL 12 and later). Once the last migration is applied, make the field required \
         again in schema.prisma: Prisma then sees no difference to migrate",
    );

    let nullable = if column.constraints.is_empty() {
        nullable
    } else {
        nullable.note(INLINE_CONSTRAINTS)
    };
    let Some((value, prisma_default)) = typed_default else {
        return nullable;
    };
    Suggestion::new(
        format!("add {col} with the constant default {value}: stored once in the catalog, no table rewrite"),
        Placement::Replace,
        vec![locked([format!(
            "ALTER TABLE {table} ADD COLUMN {col} {ty} NOT NULL DEFAULT {value};"
        )])],
    )
    .schema(SchemaIntent::SetDefault {
        table: table.clone(),
        column: column.name.clone(),
        sql_type: column.ty.clone(),
        default: prisma_default,
    })
    .alternative(nullable)
    .notes_if(!column.constraints.is_empty(), INLINE_CONSTRAINTS)
}

const INLINE_CONSTRAINTS: &str =
    "the column's inline constraints (PRIMARY KEY, UNIQUE, REFERENCES, CHECK) are not \
                                  repeated above: add them back as in the original statement";
