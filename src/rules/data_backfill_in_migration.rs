//! Bulk data changes on existing tables inside a schema migration.

use std::ops::Range;

use super::{Category, Check, OpContext, Rule};
use crate::catalog::Catalog;
use crate::fix::{batch_key, Placement, Suggestion};
use crate::ops::{ConstraintKind, DmlKind, ObjName, OpKind};
use crate::pg::locks::LockMode;
use crate::rules::diagnostic::{Finding, Severity};
use crate::syntax::cursor::top_level;
use crate::syntax::split::{ident_value, split, RawStatement, Token, TokenKind};

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
    // Every token, one at a time: past 64 KiB the split keeps only a data statement's outer words, and a key may be
    // pinned there; a term is held up to a bound, so a WHERE of millions of keys costs no memory.
    let mut terms: Option<Vec<Term>> = None;
    let mut term = Term::default();
    let mut depth = 0usize;
    for t in raw.all_tokens(statement) {
        if depth == 0 && t.is_word(statement, "where") {
            // The statement's own WHERE is its last top-level one.
            terms = Some(Vec::new());
            term = Term::default();
            continue;
        }
        if t.is_punct(statement, "(") {
            depth += 1;
        } else if t.is_punct(statement, ")") {
            depth = depth.saturating_sub(1);
        }
        let Some(done) = terms.as_mut() else {
            continue;
        };
        // The AND-ed terms of the WHERE, up to RETURNING; an OR at the top makes the rows a matter of the data.
        let top = depth == 0 && t.kind == TokenKind::Word;
        if top && t.is_word(statement, "or") {
            return false;
        }
        if top && (t.is_word(statement, "and") || t.is_word(statement, "returning")) {
            done.push(std::mem::take(&mut term));
            if t.is_word(statement, "returning") {
                break;
            }
            continue;
        }
        term.push(t, statement);
    }
    let Some(mut terms) = terms else {
        return false;
    };
    if !term.is_empty() {
        terms.push(term);
    }
    // `key IN (SELECT key ... LIMIT n)`: one batch of at most n rows, the form the fixes suggest.
    if terms.iter().any(|term| term.is_batch(statement)) {
        return true;
    }
    let pinned: Vec<String> = terms
        .iter()
        .filter_map(|term| term.pinned_column(statement))
        .collect();
    key_sets(catalog, table)
        .iter()
        .any(|key| !key.is_empty() && key.iter().all(|c| pinned.contains(c)))
}

/// The most tokens of a WHERE term held at once. A longer one pins its rows only as a list of constants
/// (`"id" IN (1, 2, ...)`), read as it streams by ([`InList`]).
const TERM_TOKENS: usize = 4096;

/// One AND-ed term of a WHERE: its tokens up to [`TERM_TOKENS`], and whether it is a list of constants.
#[derive(Default)]
struct Term {
    tokens: Vec<Token>,
    longer: bool,
    in_list: InList,
}

impl Term {
    fn push(&mut self, t: Token, src: &str) {
        self.in_list.push(&t, src);
        if self.tokens.len() < TERM_TOKENS {
            self.tokens.push(t);
        } else {
            self.longer = true;
        }
    }

    fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    fn is_batch(&self, src: &str) -> bool {
        !self.longer && is_batch(&self.tokens, src)
    }

    fn pinned_column(&self, src: &str) -> Option<String> {
        if self.longer {
            self.in_list.column(src)
        } else {
            pinned_column(&self.tokens, src)
        }
    }
}

/// `[t.]col IN (const, ...)` read one token at a time, as [`pinned_column`] reads it from a slice: the list runs from
/// the first `(` to the term's last token, a `)`, split at every comma.
#[derive(Default)]
struct InList {
    /// The tokens up to the list's `(`, then the first ones of the current item (all [`pinned_column`] looks at).
    head: Vec<Token>,
    column: Option<String>,
    /// Tokens of the current item, and whether every item before it was a constant.
    item_len: usize,
    constants: bool,
    last_closes: bool,
    failed: bool,
}

impl InList {
    fn push(&mut self, t: &Token, src: &str) {
        // A term with `=` anywhere is read as `a = b` ([`pinned_column`]), not as a list.
        self.failed |= t.is_punct(src, "=");
        if self.failed {
            return;
        }
        if self.column.is_none() {
            self.head.push(t.clone());
            if let [col @ .., open_in, open] = self.head.as_slice() {
                if open_in.is_word(src, "in") && open.is_punct(src, "(") {
                    let column = match col {
                        [_, dot, col] if dot.is_punct(src, ".") => ident_value(col, src),
                        [col] => ident_value(col, src),
                        _ => None,
                    };
                    self.failed = column.is_none();
                    self.column = column;
                    self.head.clear();
                    self.constants = true;
                    return;
                }
            }
            self.failed = self.head.len() > 4;
            return;
        }
        // The item before it ends at a comma; the last item ends with the term, before its `)`.
        self.last_closes = t.is_punct(src, ")");
        if t.is_punct(src, ",") {
            self.constants &= self.item_is_constant(src);
            self.head.clear();
            self.item_len = 0;
            return;
        }
        self.item_len += 1;
        if self.head.len() < 4 {
            self.head.push(t.clone());
        }
    }

    fn item_is_constant(&self, src: &str) -> bool {
        is_constant(&self.head[..self.head.len().min(self.item_len)], src)
    }

    fn column(&self, src: &str) -> Option<String> {
        if self.failed || !self.last_closes {
            return None;
        }
        // The last item without the closing `)`.
        let last = &self.head[..self.head.len().min(self.item_len - 1)];
        (self.constants && is_constant(last, src))
            .then(|| self.column.clone())
            .flatten()
    }
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

/// Where the statement's top-level WHERE is (not one of a subquery), read one token at a time.
fn top_level_where(raw: &RawStatement, src: &str) -> Option<Range<usize>> {
    let mut depth = 0usize;
    let mut found = None;
    for t in raw.all_tokens(src) {
        if t.is_punct(src, "(") {
            depth += 1;
        } else if t.is_punct(src, ")") {
            depth = depth.saturating_sub(1);
        } else if depth == 0 && t.is_word(src, "where") {
            found = Some(t.span);
        }
    }
    found
}

/// The column a WHERE term sets to constants: `[t.]col = const`, `const = [t.]col`, `[t.]col IN (const, ...)`.
fn pinned_column(term: &[Token], src: &str) -> Option<String> {
    let is_const = |ts: &[Token]| is_constant(ts, src);
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

/// A literal or parameter, maybe negative, maybe cast (`'x'::text`, `$1`, `-5`): its first three tokens tell.
fn is_constant(ts: &[Token], src: &str) -> bool {
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
        .and_then(|raw| top_level_where(&raw, statement));
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
