//! `ALTER COLUMN ... TYPE` that rewrites a table with data, judged against the column's type before the change.

use std::collections::HashMap;

use super::shared::{drop_add_retypes, shadow_swaps};
use super::{Category, Check, MigrationContext, ReplayedOp, Rule};
use crate::fix::{batch_key, batched_update, locked, Placement, Suggestion};
use crate::ops::{display_ident, quote_ident, quote_literal, ConstraintKind, ObjName, OpKind};
use crate::pg::locks::LockMode;
use crate::pg::types::is_binary_coercible;
use crate::rules::diagnostic::{Finding, Severity};
use crate::syntax::split::{ident_value, split};

pub const RULE: Rule = Rule {
    id: "change-column-type",
    default_severity: Severity::Warning,
    enabled_by_default: true,
    category: Category::Locking,
    summary: "ALTER COLUMN TYPE rewrites the table under ACCESS EXCLUSIVE unless the change is binary-coercible",
    doc: include_str!("../../rules/change-column-type.md"),
    checks: &[Check::Migration(check)],
};

/// Prisma's way to remove enum values: rename the type to `X_old`, create `X`, convert columns, drop `X_old`.
struct EnumSwap {
    /// The type the columns are converted to (`X` or `X_new`).
    name: ObjName,
    /// The enum being replaced, as named before the migration.
    old: ObjName,
    removed: Vec<String>,
    /// Labels the new type has and the old one lacks.
    added: Vec<String>,
}

/// The name of a CHECK constraint of the table (before this migration) that reads `column`: a type change re-checks
/// it on every row even when it rewrites nothing (observed on PostgreSQL 15). A NOT VALID one is skipped by
/// PostgreSQL and stays not valid, so it costs nothing.
fn check_on_column(ctx: &MigrationContext, table: &ObjName, column: &str) -> Option<String> {
    let t = ctx.catalog_before.table(table)?;
    t.constraints.iter().find_map(|c| {
        let ConstraintKind::Check { expr } = &c.kind else {
            return None;
        };
        if c.not_valid {
            return None;
        }
        let tokens = split(expr).statements.into_iter().next()?.tokens;
        tokens
            .iter()
            .any(|tok| ident_value(tok, expr).as_deref() == Some(column))
            .then(|| c.name.clone())
    })
}

fn check(ctx: &MigrationContext, out: &mut Vec<Finding>) {
    let swaps = enum_swaps(ctx);
    // Per swap: the converted columns of existing tables, and the first such conversion.
    let mut swap_columns: Vec<(Vec<String>, Vec<String>, Option<&ReplayedOp>)> = swaps
        .iter()
        .map(|_| (Vec::new(), Vec::new(), None))
        .collect();
    let mut types: HashMap<(String, String), String> = HashMap::new();
    for (index, replayed) in ctx.ops.iter().enumerate() {
        let kind = &replayed.op.kind;
        let new = ctx.created.before(index);
        if let OpKind::AlterColumnType {
            table,
            column,
            new_type,
            using,
        } = kind
        {
            let key = (table.key(), column.clone());
            let old = types.get(&key).cloned().or_else(|| {
                ctx.catalog_before
                    .table(table)
                    .and_then(|t| t.column(column))
                    .map(|c| c.ty.text.clone())
            });
            types.insert(key, new_type.text.clone());
            let existing = !new.has_table(table) && !replayed.only_new_objects();
            let swap =
                type_name(&new_type.text).and_then(|n| swaps.iter().position(|s| s.name == n));
            match swap {
                Some(i) if existing => {
                    let (columns, tables, first) = &mut swap_columns[i];
                    columns.push(format!("{table}.{}", display_ident(column)));
                    if !tables.contains(&table.to_string()) {
                        tables.push(table.to_string());
                    }
                    first.get_or_insert(replayed);
                }
                Some(_) => {}
                None if existing => {
                    let coercible = using
                        .as_deref()
                        .is_none_or(|u| is_plain_cast(u, column, &new_type.text))
                        && old
                            .as_deref()
                            .is_some_and(|o| is_binary_coercible(o, &new_type.text));
                    if coercible {
                        if let Some(check) = check_on_column(ctx, table, column) {
                            out.push(ctx.finding(
                                replayed.op,
                                format!(
                                    "changing {table}.{} to {} needs no rewrite, but PostgreSQL re-checks the CHECK \
                                     constraint {} on every row, a full scan while holding {}",
                                    display_ident(column),
                                    new_type.text,
                                    display_ident(&check),
                                    LockMode::AccessExclusive.describe(table)
                                ),
                                Some(
                                    "on a large table, drop the CHECK constraint, change the type, then add the \
                                     constraint back NOT VALID and VALIDATE CONSTRAINT it in a later migration"
                                        .to_string(),
                                ),
                            ));
                        }
                    } else {
                        out.push(rewrite_finding(
                            ctx,
                            replayed,
                            table,
                            column,
                            old.as_deref(),
                            &new_type.text,
                        ));
                    }
                }
                None => {}
            }
        }
    }
    for retype in drop_add_retypes(ctx) {
        let col = display_ident(retype.column);
        let starts = match &retype.added.default {
            Some(default) => format!("its default {}", default.text),
            None if retype.added.not_null => {
                "no value (the ADD fails on a table with rows)".to_string()
            }
            None => "NULL".to_string(),
        };
        out.push(
            ctx.finding(
                retype.dropped.op,
                format!(
                    "{table}.{col} changes from {old} to {new} by DROP COLUMN and ADD COLUMN (Prisma's way when no \
                     cast converts the values): every value of {col} is deleted, each row holds {starts} instead, and \
                     every running instance of the current Prisma Client still reads and writes {col} as {old}",
                    table = retype.table,
                    old = retype.old_type.text,
                    new = retype.added.ty.text,
                ),
                Some(
                    "expand and contract: keep the field as it is, add a column of the new type under another name, \
                     copy the values in batches outside any migration (converting them as your code needs), switch \
                     the code to it, then drop the old column in a later release"
                        .to_string(),
                ),
            )
            .at_severity(Severity::Error)
            .with_suggestion(|| {
                suggest_expand(
                    ctx,
                    retype.dropped,
                    retype.table,
                    retype.column,
                    &retype.added.ty.text,
                )
            }),
        );
    }
    for swap in shadow_swaps(ctx)
        .iter()
        .filter(|s| s.old_type != s.new_type)
    {
        out.push(ctx.finding(
            swap.dropped.op,
            format!(
                "{table}.{col} changes from {old} to {new} by a shadow column (add, copy, drop, rename): the \
                 values and the name survive, but every running instance of the current Prisma Client still \
                 reads and writes {col} as {old} until the new code is deployed everywhere",
                table = swap.table,
                col = display_ident(swap.column),
                old = swap.old_type.text,
                new = swap.new_type.text,
            ),
            Some(
                "make sure the running code accepts both types (or deploy it first), or add the new column under a \
                 new name and switch the code to it before dropping the old one"
                    .to_string(),
            ),
        ));
    }
    for (swap, (columns, tables, first)) in swaps.iter().zip(swap_columns) {
        let Some(first) = first else {
            continue;
        };
        let removed = if swap.removed.is_empty() {
            "no values are removed".to_string()
        } else {
            let values = swap
                .removed
                .iter()
                .map(|v| format!("'{v}'"))
                .collect::<Vec<_>>()
                .join(", ");
            format!(
                "it removes {values}: the conversion fails if any row still holds one, and running clients that \
                 still write them get errors"
            )
        };
        out.push(ctx.finding(
            first.op,
            format!(
                "Prisma's enum swap for {} (create the new type, convert the columns with USING, drop the old type) \
                 rewrites {} while holding {} until every row is converted; {removed}",
                swap.old,
                columns.join(", "),
                LockMode::AccessExclusive.describe_on(&tables.join(" and "))
            ),
            Some(
                "first deploy code that no longer uses the removed values and update the rows that hold them (in \
                 batches), then run the swap in a quiet window with a short lock_timeout"
                    .to_string(),
            ),
        )
        .with_suggestion(|| suggest_enum(swap)));
    }
}

fn rewrite_finding(
    ctx: &MigrationContext,
    replayed: &ReplayedOp,
    table: &ObjName,
    column: &str,
    old: Option<&str>,
    new: &str,
) -> Finding {
    let from = match old {
        Some(old) => format!("from {old} "),
        None => String::new(),
    };
    let mut help = "expand and contract: add a column of the new type, backfill it in batches, switch the code \
                    to it, then drop the old column. Changes PostgreSQL does without a rewrite: varchar(n) to a \
                    longer varchar or text, numeric(p,s) to a larger p with the same s"
        .to_string();
    // PostgreSQL 12+ skips the rewrite when the session TimeZone is UTC (checked on PostgreSQL 15).
    let time_zone = old.is_some_and(|o| o.starts_with("timestamp(") || o == "timestamp")
        && new.starts_with("timestamptz")
        && ctx.settings.postgres_version >= 12;
    if time_zone {
        help.push_str(
            "; timestamp to timestamptz skips the rewrite only when the session TimeZone is UTC",
        );
    }
    ctx.finding(
        replayed.op,
        format!(
            "changing {table}.{} {from}to {new} rewrites the whole table and rebuilds its indexes{} while \
             holding {}{}",
            display_ident(column),
            if time_zone { " unless the session TimeZone is UTC" } else { "" },
            LockMode::AccessExclusive.describe(table),
            if old.is_none() {
                " (the old type is unknown to migrate-lint, so the change cannot be proven binary-coercible)"
            } else {
                ""
            }
        ),
        Some(help),
    )
    .with_suggestion(|| suggest_expand(ctx, replayed, table, column, new))
}

fn enum_swaps(ctx: &MigrationContext) -> Vec<EnumSwap> {
    let mut swaps = Vec::new();
    for (j, replayed) in ctx.ops.iter().enumerate() {
        let OpKind::CreateEnum { name, labels } = &replayed.op.kind else {
            continue;
        };
        // Older Prisma: `RENAME TO "X_old"` first, then `CREATE TYPE "X"`. Newer: `CREATE TYPE "X_new"`, convert,
        // then `RENAME "X" TO "X_old"` and `RENAME "X_new" TO "X"`.
        let renamed_before = ctx.ops[..j]
            .iter()
            .any(|r| matches!(&r.op.kind, OpKind::RenameType { name: n, .. } if n == name))
            .then(|| name.clone());
        let renamed_after = ctx.ops[j + 1..].iter().find_map(|r| match &r.op.kind {
            OpKind::RenameType { name: n, new_name } if n == name => {
                Some(ObjName::new(name.schema.clone(), new_name.clone()))
            }
            _ => None,
        });
        let Some(old) = renamed_before.or(renamed_after) else {
            continue;
        };
        let Some(old_labels) = ctx.catalog_before.enum_labels(&old) else {
            continue;
        };
        swaps.push(EnumSwap {
            name: name.clone(),
            old,
            removed: old_labels
                .iter()
                .filter(|l| !labels.contains(l))
                .cloned()
                .collect(),
            added: labels
                .iter()
                .filter(|l| !old_labels.contains(l))
                .cloned()
                .collect(),
        });
    }
    swaps
}

/// `USING "col"::type` (or `CAST(col AS type)`) to the new type itself: the same conversion as no USING at all.
fn is_plain_cast(using: &str, column: &str, new_type: &str) -> bool {
    let compact: String = using
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    let compact = compact.trim_start_matches('(').trim_end_matches(')');
    let ty: String = new_type
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    let col = column.to_ascii_lowercase();
    let names = [col.clone(), format!("\"{col}\"")];
    names.iter().any(|n| {
        let cast = compact
            .strip_prefix(n.as_str())
            .and_then(|r| r.strip_prefix("::"));
        let call = compact
            .strip_prefix("cast(")
            .and_then(|r| r.strip_prefix(n.as_str()))
            .and_then(|r| r.strip_prefix("as"));
        cast.or(call)
            .is_some_and(|t| crate::ops::normalize_type(t) == crate::ops::normalize_type(&ty))
    })
}

/// `"Role"`, `role`, `"s"."Role"` as a type name; None for built-in types with modifiers or arrays.
fn type_name(text: &str) -> Option<ObjName> {
    if text.contains('(') || text.ends_with("[]") {
        return None;
    }
    let parts: Vec<String> = text
        .split('.')
        .map(
            |p| match p.strip_prefix('"').and_then(|p| p.strip_suffix('"')) {
                Some(q) => q.replace("\"\"", "\""),
                None => p.to_ascii_lowercase(),
            },
        )
        .collect();
    match parts.as_slice() {
        [name] => Some(ObjName::bare(name.clone())),
        [schema, name] => Some(ObjName::new(Some(schema.clone()), name.clone())),
        _ => None,
    }
}

/// Expand and contract: a new column of the new type, filled in batches; the switch and the drop come later.
fn suggest_expand(
    ctx: &MigrationContext,
    replayed: &ReplayedOp,
    table: &ObjName,
    column: &str,
    new_type: &str,
) -> Suggestion {
    let col = quote_ident(column);
    let new_col = quote_ident(&format!("{column}_new"));
    let value = match &replayed.op.kind {
        OpKind::AlterColumnType {
            using: Some(using), ..
        } => using.clone(),
        _ => format!("CAST({col} AS {new_type})"),
    };
    Suggestion::new(
        format!("expand and contract: add {new_col} as {new_type}, backfill it in batches, switch, drop {col} later"),
        Placement::Replace,
        vec![
            locked([format!("ALTER TABLE {table} ADD COLUMN {new_col} {new_type};")]),
            vec![batched_update(
                table,
                &batch_key(ctx.catalog_before, table),
                &format!("{new_col} = {value}"),
                &format!("{new_col} IS NULL AND {col} IS NOT NULL"),
            )],
        ],
    )
    .note(format!(
        "migration 2 converts one batch of 1000 rows: run it until it updates no rows. Meanwhile the application \
         writes both columns (or a trigger copies {col} into {new_col}), so no row is missed"
    ))
    .note(format!(
        "then switch: point the field at the new column (`@map(\"{column}_new\")` with the new `@db` type), deploy, \
         and drop {col} in a later release the way drop-column suggests"
    ))
}

/// Prisma's enum swap when it only adds values: ADD VALUE does the same without rewriting anything.
fn suggest_enum(swap: &EnumSwap) -> Suggestion {
    let old = &swap.old;
    if !swap.removed.is_empty() {
        return Suggestion::notes_only("remove the values in steps, then run the swap at a quiet moment")
            .note(format!(
                "1. deploy code that no longer writes or expects {}; 2. update the rows that hold them, in \
                 batches; 3. run the swap in its own migration starting with `SET lock_timeout = '5s';`, and retry \
                 on timeout",
                swap.removed
                    .iter()
                    .map(|v| format!("'{v}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
    }
    Suggestion::new(
        format!("add the new values to {old} with ADD VALUE: no column is converted, no table rewritten"),
        Placement::Replace,
        vec![swap
            .added
            .iter()
            .map(|v| format!("ALTER TYPE {old} ADD VALUE {};", quote_literal(v)))
            .collect()],
    )
    .note(
        "ADD VALUE appends the value (use `BEFORE '...'` to keep another order); commit it before any migration \
         that uses the new value. schema.prisma stays as you edited it",
    )
}
