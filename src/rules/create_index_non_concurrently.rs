//! `CREATE INDEX` without `CONCURRENTLY` on a table that already has rows.

use super::{Category, Check, OpContext, Rule};
use crate::fix::{column_list, with_concurrently, Placement, Suggestion};
use crate::ops::{display_ident, quote_ident, ConstraintKind, IndexSpec, ObjName, OpKind};
use crate::pg::locks::LockMode;
use crate::rules::diagnostic::{Finding, Severity};

pub const RULE: Rule = Rule {
    id: "create-index-non-concurrently",
    default_severity: Severity::Warning,
    enabled_by_default: true,
    category: Category::Locking,
    summary: "CREATE INDEX without CONCURRENTLY blocks writes to the table while the index builds",
    doc: include_str!("../../rules/create-index-non-concurrently.md"),
    checks: &[Check::Op(check)],
};

fn check(ctx: &OpContext, out: &mut Vec<Finding>) {
    let OpKind::CreateIndex(spec) = &ctx.op.kind else {
        return;
    };
    if !ctx.is_preexisting(&spec.table) {
        return;
    }
    let name = spec
        .name
        .as_deref()
        .map(|n| format!("{} ", display_ident(n)))
        .unwrap_or_default();
    // A unique index over columns that already held values (Prisma's `@unique` on an existing field) fails when two
    // rows share a value.
    let existing: Vec<&String> = spec.columns.iter().flatten().collect();
    let on_existing_values = spec.unique
        && !existing.is_empty()
        && existing.len() == spec.columns.len()
        && existing.iter().all(|c| {
            !ctx.created_here.has_column(&spec.table, c)
                && ctx
                    .catalog
                    .table(&spec.table)
                    .is_none_or(|t| t.column(c).is_some())
        })
        && !already_unique(ctx, spec, &existing);
    if spec.concurrently {
        if on_existing_values {
            out.push(concurrent_unique(ctx, spec, &existing, &name));
        }
        return;
    }
    let duplicates = if on_existing_values {
        format!(
            "; and since the rows already hold values in {}, the build fails with \"could not create unique index\" (SQLSTATE \
             23505) if any two rows share them, leaving the migration failed",
            column_list(&existing.iter().map(|c| c.to_string()).collect::<Vec<_>>())
        )
    } else {
        String::new()
    };
    let check_first = if on_existing_values {
        format!(
            "; first check for duplicates (`SELECT {cols}, count(*) FROM {table} GROUP BY {cols} HAVING count(*) > 1`) \
             and resolve them",
            cols = column_list(&existing.iter().map(|c| c.to_string()).collect::<Vec<_>>()),
            table = spec.table
        )
    } else {
        String::new()
    };
    out.push(ctx.finding(
        format!(
            "CREATE {}INDEX {name}takes {} until the index is built, which takes as long as reading the whole \
             table{duplicates}",
            if spec.unique { "UNIQUE " } else { "" },
            LockMode::Share.describe(&spec.table),
        ),
        Some(format!(
            "use CREATE INDEX CONCURRENTLY, alone in its own migration file (a multi-statement file runs as one \
             transaction, where CONCURRENTLY fails); the index and the schema still match, so Prisma is \
             satisfied{check_first}"
        )),
    )
    .with_suggestion(|| suggest(ctx.file.slice(&ctx.op.span), spec)));
}

/// CONCURRENTLY spares the writes, not the duplicates: the build still fails on two equal rows, and a failed
/// concurrent build leaves its index behind, INVALID (PostgreSQL 15, tests/truth.rs).
fn concurrent_unique(
    ctx: &OpContext,
    spec: &IndexSpec,
    columns: &[&String],
    name: &str,
) -> Finding {
    let cols = column_list(&columns.iter().map(|c| c.to_string()).collect::<Vec<_>>());
    let drop = spec
        .name
        .as_deref()
        .map(|n| {
            format!(
                "DROP INDEX CONCURRENTLY {}",
                ObjName::new(spec.table.schema.clone(), n.to_string())
            )
        })
        .unwrap_or_else(|| "DROP INDEX CONCURRENTLY on it".to_string());
    // With IF NOT EXISTS the retry skips the build (a NOTICE) and succeeds; without, it fails with 42P07.
    let words: Vec<String> = ctx
        .file
        .slice(&ctx.op.span)
        .split_whitespace()
        .map(|w| w.to_ascii_uppercase())
        .collect();
    let if_not_exists = words.windows(3).any(|w| w == ["IF", "NOT", "EXISTS"]);
    let retry = if if_not_exists {
        format!(
            "a retry then skips the build (IF NOT EXISTS) and succeeds with the INVALID index in place, so drop it \
             first ({drop})"
        )
    } else {
        format!("it must be dropped ({drop}) before the migration can run again")
    };
    ctx.finding(
        format!(
            "CREATE UNIQUE INDEX CONCURRENTLY {name}fails with \"could not create unique index\" (SQLSTATE 23505) if \
             any two rows of {table} already share {cols}, and the failed build leaves the index behind, INVALID: \
             {retry}",
            table = spec.table
        ),
        Some(format!(
            "first check for duplicates (`SELECT {cols}, count(*) FROM {table} GROUP BY {cols} HAVING count(*) > 1`) \
             and resolve them; an INVALID index left by a failed build shows in `SELECT indexrelid::regclass FROM \
             pg_index WHERE NOT indisvalid`",
            table = spec.table
        )),
    )
}

/// Some of `columns` are already unique together (the primary key, a unique constraint or a full unique index), or
/// were until this migration dropped that key with no write since, so no two rows can share the new index's values.
fn already_unique(ctx: &OpContext, spec: &IndexSpec, columns: &[&String]) -> bool {
    let covered = |key: &[String]| !key.is_empty() && key.iter().all(|k| columns.contains(&k));
    let by_constraint = ctx.catalog.table(&spec.table).is_some_and(|t| {
        t.constraints.iter().any(|c| match &c.kind {
            ConstraintKind::PrimaryKey { columns, .. } | ConstraintKind::Unique { columns, .. } => {
                covered(columns)
            }
            _ => false,
        })
    });
    by_constraint
        || ctx
            .catalog
            .dropped_unique_keys(&spec.table, ctx.file_index)
            .any(covered)
        || ctx.catalog.indexes_of(&spec.table).any(|i| {
            i.unique
                && !i.partial
                && i.columns
                    .iter()
                    .cloned()
                    .collect::<Option<Vec<String>>>()
                    .is_some_and(|key| covered(&key))
        })
}

/// The same index, built CONCURRENTLY, alone in its migration.
fn suggest(statement: &str, spec: &IndexSpec) -> Suggestion {
    let concurrent = with_concurrently(statement).unwrap_or_else(|| {
        let columns: Vec<String> = spec.columns.iter().flatten().cloned().collect();
        format!(
            "CREATE {}INDEX CONCURRENTLY {}ON {}({});",
            if spec.unique { "UNIQUE " } else { "" },
            spec.name
                .as_deref()
                .map(|n| format!("{} ", quote_ident(n)))
                .unwrap_or_default(),
            spec.table,
            column_list(&columns)
        )
    });
    Suggestion::new(
        format!("build the index on {} CONCURRENTLY, in a migration of its own", spec.table),
        Placement::Replace,
        vec![vec![concurrent]],
    )
    .note(
        "the statement must be the only one in its migration.sql (a multi-statement file runs as one transaction, \
         where CONCURRENTLY fails); if the build fails it leaves an INVALID index: drop it and run the migration again",
    )
}
