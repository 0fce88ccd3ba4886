//! ADD COLUMN whose value must be computed and written for every existing row.

use super::{Category, Check, OpContext, Rule};
use crate::catalog::Catalog;
use crate::fix::{batch_key, batched_update, locked, Placement, Suggestion};
use crate::ops::{display_ident, quote_ident, ColumnSpec, ObjName, OpKind};
use crate::pg::locks::LockMode;
use crate::rules::diagnostic::{Finding, Severity};
use crate::syntax::split::{ident_value, split, TokenKind};

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
    let why = if column.generated {
        "a serial, identity or generated column is computed for every existing row".to_string()
    } else {
        match &column.default {
            Some(d) if d.volatile => format!(
                "the default `{}` is volatile, so it is evaluated for every existing row",
                d.text
            ),
            Some(d) => match volatile_call(ctx.catalog, &d.text) {
                Some((name, true)) => format!(
                    "the default calls {name}(), which a migration created without IMMUTABLE or STABLE, so it is \
                     VOLATILE (PostgreSQL's default) and evaluated for every existing row"
                ),
                Some((name, false)) => format!(
                    "the default calls {name}(), which no migration creates and which is not a built-in function \
                     known to be IMMUTABLE or STABLE: a function is VOLATILE unless its CREATE FUNCTION (or its \
                     extension) declares otherwise, and a volatile default is evaluated for every existing row"
                ),
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
            "adding {table}.{} rewrites the whole table: {why}, while holding {}",
            display_ident(&column.name),
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

/// Built-in functions a default commonly calls that are IMMUTABLE or STABLE (PostgreSQL's pg_proc), so the value is
/// computed once and stored in the catalog. The volatile built-ins are known when the default is read.
const NON_VOLATILE_BUILTINS: &[&str] = &[
    "now",
    "current_timestamp",
    "localtimestamp",
    "current_time",
    "localtime",
    "statement_timestamp",
    "transaction_timestamp",
    "current_setting",
    "coalesce",
    "nullif",
    "greatest",
    "least",
    "lower",
    "upper",
    "trim",
    "btrim",
    "ltrim",
    "rtrim",
    "concat",
    "concat_ws",
    "format",
    "length",
    "substring",
    "substr",
    "replace",
    "left",
    "right",
    "split_part",
    "md5",
    "encode",
    "decode",
    "to_char",
    "to_date",
    "to_timestamp",
    "to_number",
    "date_trunc",
    "date_part",
    "extract",
    "make_interval",
    "make_date",
    "make_time",
    "make_timestamp",
    "make_timestamptz",
    "timezone",
    "abs",
    "round",
    "floor",
    "ceil",
    "ceiling",
    "power",
    "sqrt",
    "json_build_object",
    "jsonb_build_object",
    "json_build_array",
    "jsonb_build_array",
    "to_json",
    "to_jsonb",
    "array_to_json",
    "string_to_array",
    "array_length",
    "cast",
    "row",
    "uuid_nil",
    "int4range",
    "int8range",
    "tstzrange",
    "daterange",
    "numrange",
    "point",
    "char_length",
    "octet_length",
    "initcap",
    "lpad",
    "rpad",
    "repeat",
    "regexp_replace",
    "translate",
];

/// The first function a default calls that is volatile for all we know: `(name, true)` for one a migration created
/// without IMMUTABLE or STABLE, `(name, false)` for one neither created by the history nor a known built-in (a
/// function is VOLATILE unless declared otherwise). None when every call is known not to be volatile.
fn volatile_call(catalog: &Catalog, text: &str) -> Option<(String, bool)> {
    if !text.contains('(') {
        return None;
    }
    let split = split(text);
    let tokens = &split.statements.first()?.tokens;
    for (i, token) in tokens.iter().enumerate() {
        if !tokens.get(i + 1).is_some_and(|t| t.is_punct(text, "(")) {
            continue;
        }
        let Some(name) = ident_value(token, text) else {
            continue;
        };
        // `x::varchar(10)`, `CAST(x AS numeric(10, 2))`: a type modifier, not a call.
        let before = |back: usize| i.checked_sub(back).and_then(|j| tokens.get(j));
        if before(1).is_some_and(|t| t.is_punct(text, "::") || t.is_word(text, "as")) {
            continue;
        }
        let schema = before(1)
            .filter(|t| t.is_punct(text, "."))
            .and_then(|_| before(2))
            .and_then(|t| ident_value(t, text));
        if schema.as_deref() == Some("pg_catalog") {
            continue;
        }
        let function = ObjName::new(schema, name.clone());
        match catalog.function_volatile(&function) {
            Some(true) => return Some((function.to_string(), true)),
            Some(false) => continue,
            None if function.schema.is_none()
                && token.kind == TokenKind::Word
                && NON_VOLATILE_BUILTINS.contains(&name.as_str()) =>
            {
                continue
            }
            None => return Some((function.to_string(), false)),
        }
    }
    None
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
