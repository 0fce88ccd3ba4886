//! ADD COLUMN whose value must be computed and written for every existing row.

use super::{Category, Check, OpContext, Rule};
use crate::fix::{batch_key, batched_update, locked, Placement, Suggestion};
use crate::ops::{display_ident, quote_ident, ColumnSpec, ObjName, OpKind};
use crate::pg::functions::{volatile_call, VolatileCall};
use crate::pg::locks::LockMode;
use crate::rules::diagnostic::{Finding, Severity};

pub const RULE: Rule = Rule {
    id: "volatile-default",
    default_severity: Severity::Warning,
    enabled_by_default: true,
    category: Category::Locking,
    summary:
        "ADD COLUMN with a volatile default, serial/identity or GENERATED STORED rewrites the table",
    doc: include_str!("../../rules/volatile-default.md"),
    checks: &[Check::Op(check)],
};

fn check(ctx: &OpContext, out: &mut Vec<Finding>) {
    let OpKind::AddColumn { table, column } = &ctx.op.kind else {
        return;
    };
    if !ctx.is_preexisting(table) {
        return;
    }
    let old_postgres = ctx.settings.postgres_version < 11;
    // Whether the rewrite is certain, or depends on a function's volatility we cannot see.
    let mut certain = true;
    let why = if column.generated {
        "a serial, identity or generated column is computed for every existing row".to_string()
    } else {
        match &column.default {
            Some(d) if d.volatile => format!(
                "the default `{}` is volatile, so it is evaluated for every existing row",
                d.text
            ),
            Some(d) => match volatile_call(ctx.catalog, &d.text) {
                Some(VolatileCall { name, created }) => {
                    certain = false;
                    if created {
                        format!(
                            "the default calls {name}(), which a migration created without IMMUTABLE or STABLE, so \
                             it is VOLATILE (PostgreSQL's default) and evaluated for every existing row, unless \
                             PostgreSQL inlines it (a LANGUAGE sql function whose body is a constant SELECT)"
                        )
                    } else {
                        format!(
                            "the default calls {name}(), which no migration creates and which is not a built-in \
                             function known to be IMMUTABLE or STABLE: unless its CREATE FUNCTION (or its extension) \
                             declares it IMMUTABLE or STABLE it is VOLATILE (the default) and evaluated for every \
                             existing row"
                        )
                    }
                }
                None if old_postgres && !d.text.eq_ignore_ascii_case("null") => format!(
                    "before PostgreSQL 11 any default (here `{}`) is written into every existing row",
                    d.text
                ),
                None => return,
            },
            None => return,
        }
    };
    out.push(ctx.finding(
        format!(
            "adding {table}.{} {} the whole table: {why}, while holding {}",
            display_ident(&column.name),
            if certain { "rewrites" } else { "may rewrite" },
            LockMode::AccessExclusive.describe(table)
        ),
        Some(if old_postgres && !column.generated {
            "add the column without a default, set the default in a second statement (applies to new rows only), \
             then backfill existing rows in batches"
                .to_string()
        } else {
            "add the column without the default (or as a plain nullable column), set the default afterwards so only \
             new rows use it, and backfill existing rows in batches from the application"
                .to_string()
        }),
    )
    .with_suggestion(|| suggest(ctx, table, column)));
}

/// Add the column plain, set the default for new rows, and backfill the existing rows in batches.
fn suggest(ctx: &OpContext, table: &ObjName, column: &ColumnSpec) -> Suggestion {
    let col = quote_ident(&column.name);
    let ty = &column.ty.text;
    let Some(default) = column.default.as_ref().filter(|_| !column.generated) else {
        let plain = match ty.as_str() {
            "serial" | "serial4" => "integer",
            "bigserial" | "serial8" => "bigint",
            "smallserial" | "serial2" => "smallint",
            other => other,
        };
        return Suggestion::new(
            format!("add {col} as a plain nullable {plain} column and fill it outside the migration"),
            Placement::Replace,
            vec![locked([format!("ALTER TABLE {table} ADD COLUMN {col} {plain};")])],
        )
        .note(
            "serial, identity and GENERATED columns are computed for every existing row when added: fill the \
             column in batches from a script instead, and have the application (or a trigger) set it for new rows",
        );
    };
    let value = &default.text;
    Suggestion::new(
        format!("add {col} without a default, default new rows to {value}, backfill the rest in batches"),
        Placement::Replace,
        vec![
            locked([
                format!("ALTER TABLE {table} ADD COLUMN {col} {ty};"),
                format!("ALTER TABLE {table} ALTER COLUMN {col} SET DEFAULT {value};"),
            ]),
            vec![batched_update(
                table,
                &batch_key(ctx.catalog, table),
                &format!("{col} = {value}"),
                &format!("{col} IS NULL"),
            )],
        ],
    )
    .note(
        "migration 2 fills one batch of 1000 rows: run it until it updates no rows. SET DEFAULT only applies to rows \
         inserted later, so it rewrites nothing",
    )
    .notes_if(
        column.not_null,
        "the column was NOT NULL: once the backfill is done, add that the scan-free way not-null-without-default \
         suggests (CHECK ... NOT VALID, VALIDATE CONSTRAINT, SET NOT NULL)",
    )
}
