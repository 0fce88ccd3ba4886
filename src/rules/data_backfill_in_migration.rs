//! Bulk data changes on existing tables inside a schema migration.

use super::{Category, Check, OpContext, Rule};
use crate::catalog::Catalog;
use crate::fix::{batch_key, Placement, Suggestion};
use crate::ops::{ConstraintKind, DmlKind, ObjName, OpKind};
use crate::pg::locks::LockMode;
use crate::rules::diagnostic::{Finding, Severity};
use crate::syntax::cursor::top_level;
use crate::syntax::split::{ident_value, split, Token, TokenKind};

pub const RULE: Rule = Rule {
    id: "data-backfill-in-migration",
    default_severity: Severity::Warning,
    enabled_by_default: true,
    category: Category::Locking,
    summary:
        "UPDATE/DELETE whose WHERE pins no key, or INSERT ... SELECT, on an existing table inside the migration",
    doc: include_str!("../../rules/data-backfill-in-migration.md"),
    checks: &[Check::Op(check)],
};

fn check(ctx: &OpContext, out: &mut Vec<Finding>) {
    let OpKind::Dml {
        kind,
        table,
        bounded,
    } = &ctx.op.kind
    else {
        return;
    };
    if !ctx.is_preexisting(table) {
        return;
    }
    let what = match (kind, bounded) {
        (DmlKind::Update, false) => "UPDATE without WHERE rewrites every row of",
        (DmlKind::Delete, false) => "DELETE without WHERE removes every row of",
        (DmlKind::Insert, false) => "INSERT ... SELECT copies a whole query result into",
        (DmlKind::Insert, true) => return,
        (_, true) if pins_a_key(ctx.catalog, table, ctx.file.slice(&ctx.op.span)) => return,
        (DmlKind::Update, true) => {
            "UPDATE whose WHERE pins no key (it matches any number of rows, up to all of them) is a backfill of"
        }
        (DmlKind::Delete, true) => {
            "DELETE whose WHERE pins no key removes, for good, every production row it matches (any number, up to \
             all of them) from"
        }
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

/// Whether the top-level WHERE of an UPDATE / DELETE pins its rows by a key: one of its AND-ed terms sets every
/// column of the primary key or of a unique index to constants (`"id" = 'x'`, `"id" IN (1, 2)`). A WHERE on other
/// columns (`"plan" IS NULL`, `"status" = 'old'`), a join (`UPDATE ... FROM ... WHERE`) or an OR matches rows by the
/// data, however many there are. A table the catalog does not know is keyed by a column named `id`.
fn pins_a_key(catalog: &Catalog, table: &ObjName, statement: &str) -> bool {
    let Some(raw) = split(statement).statements.into_iter().next() else {
        return false;
    };
    // All of them: past 64 KiB the split keeps only a data statement's outer words, and a key may be pinned there.
    let tokens = &raw.into_all_tokens(statement);
    let Some(start) = top_level_where(tokens, statement) else {
        return false;
    };
    // The AND-ed terms of the WHERE, up to RETURNING; an OR at the top makes the rows a matter of the data.
    let mut terms: Vec<&[Token]> = Vec::new();
    let mut term_start = start + 1;
    let mut end = tokens.len();
    for i in top_level(statement, tokens).filter(|&i| i > start) {
        let t = &tokens[i];
        if t.is_word(statement, "or") {
            return false;
        }
        if t.is_word(statement, "and") || t.is_word(statement, "returning") {
            terms.push(&tokens[term_start..i]);
            term_start = i + 1;
            if t.is_word(statement, "returning") {
                end = i;
                break;
            }
        }
    }
    if term_start < end {
        terms.push(&tokens[term_start..end]);
    }
    // `key IN (SELECT key ... LIMIT n)`: one batch of at most n rows, the form the fixes suggest.
    if terms.iter().any(|term| is_batch(term, statement)) {
        return true;
    }
    let pinned: Vec<String> = terms
        .iter()
        .filter_map(|term| pinned_column(term, statement))
        .collect();
    key_sets(catalog, table)
        .iter()
        .any(|key| !key.is_empty() && key.iter().all(|c| pinned.contains(c)))
}

/// A term `x IN (SELECT ... LIMIT <number>)`: it matches at most that many rows.
fn is_batch(term: &[Token], src: &str) -> bool {
    let Some(open) = term.windows(3).position(|w| {
        w[0].is_word(src, "in") && w[1].is_punct(src, "(") && w[2].is_word(src, "select")
    }) else {
        return false;
    };
    let inner = &term[open + 2..];
    top_level(src, inner).any(|i| {
        inner[i].is_word(src, "limit")
            && inner
                .get(i + 1)
                .is_some_and(|t| t.kind == TokenKind::Number)
    })
}

/// The index of the statement's top-level WHERE (not one of a subquery).
fn top_level_where(tokens: &[Token], src: &str) -> Option<usize> {
    top_level(src, tokens)
        .filter(|&i| tokens[i].is_word(src, "where"))
        .last()
}

/// The column a WHERE term sets to constants: `[t.]col = const`, `const = [t.]col`, `[t.]col IN (const, ...)`.
fn pinned_column(term: &[Token], src: &str) -> Option<String> {
    // A literal or parameter, maybe negative, maybe cast (`'x'::text`, `$1`, `-5`).
    let is_const = |ts: &[Token]| {
        let ts = match ts.first() {
            Some(t) if t.is_punct(src, "-") => &ts[1..],
            _ => ts,
        };
        ts.first().is_some_and(|t| {
            matches!(
                t.kind,
                TokenKind::String | TokenKind::Number | TokenKind::Param
            )
        }) && ts.get(1).is_none_or(|t| t.is_punct(src, "::"))
    };
    // `[qualifier .] column` at the start of `ts`: the column and the tokens after it.
    let column_at = |ts: &[Token]| -> Option<(String, usize)> {
        match ts {
            [_, dot, col, ..] if dot.is_punct(src, ".") => Some((ident_value(col, src)?, 3)),
            [col, ..] => Some((ident_value(col, src)?, 1)),
            [] => None,
        }
    };
    if let Some(eq) = term.iter().position(|t| t.is_punct(src, "=")) {
        let (left, right) = (&term[..eq], &term[eq + 1..]);
        for (side, other) in [(left, right), (right, left)] {
            if let Some((column, used)) = column_at(side) {
                if used == side.len() && is_const(other) {
                    return Some(column);
                }
            }
        }
        return None;
    }
    let (column, used) = column_at(term)?;
    let rest = &term[used..];
    let in_list = rest.first()?.is_word(src, "in")
        && rest.get(1)?.is_punct(src, "(")
        && rest.last()?.is_punct(src, ")")
        && rest[2..rest.len() - 1]
            .split(|t| t.is_punct(src, ","))
            .all(is_const);
    in_list.then_some(column)
}

/// Column sets that identify one row: the primary key and each unique index; `id` for a table the catalog lacks.
fn key_sets(catalog: &Catalog, table: &ObjName) -> Vec<Vec<String>> {
    let Some(t) = catalog.table(table) else {
        return vec![vec!["id".to_string()]];
    };
    let primary = t.constraints.iter().filter_map(|c| match &c.kind {
        ConstraintKind::PrimaryKey { columns, .. } => Some(columns.clone()),
        _ => None,
    });
    let unique = catalog
        .indexes_of(table)
        .filter(|i| i.unique && !i.partial)
        .filter_map(|i| i.columns.iter().cloned().collect::<Option<Vec<String>>>());
    primary.chain(unique).collect()
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
    // A WHERE of its own stays, AND-ed with the batch of keys.
    let own_where = split(statement)
        .statements
        .into_iter()
        .next()
        .and_then(|raw| {
            let tokens = raw.into_all_tokens(statement);
            Some(
                tokens
                    .get(top_level_where(&tokens, statement)?)?
                    .span
                    .clone(),
            )
        });
    if let (Some(at), DmlKind::Update | DmlKind::Delete) = (own_where, kind) {
        let head = statement[..at.start].trim_end();
        let condition = statement[at.end..].trim();
        let pending = match kind {
            DmlKind::Update => "<rows not yet updated>",
            _ => "<rows still matching>",
        };
        let batch = format!(
            "{head} WHERE ({condition}) AND {table}.{key} IN (SELECT {key} FROM {table} WHERE {pending} LIMIT 1000);"
        );
        return batched(table, &batch);
    }
    let batch = match kind {
        DmlKind::Delete => format!("DELETE FROM {table} WHERE {key} IN (SELECT {key} FROM {table} LIMIT 1000);"),
        DmlKind::Update => format!(
            "{statement} WHERE {key} IN (SELECT {key} FROM {table} WHERE <rows not yet updated> LIMIT 1000);"
        ),
        DmlKind::Insert => format!("{statement} ORDER BY <key> LIMIT 1000 OFFSET <rows copied so far>;"),
    };
    batched(table, &batch)
}

/// The statement out of the migration, with its batched form `batch` to run from a script.
fn batched(table: &ObjName, batch: &str) -> Suggestion {
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
