//! The two statements Prisma writes most, lowered straight from their tokens, without sqlparser.
//!
//! `CREATE [UNIQUE] INDEX "name" ON "table"("column", ...)` and `ALTER TABLE "table" ADD CONSTRAINT "name"
//! FOREIGN KEY (...) REFERENCES "other"(...) ON DELETE ... ON UPDATE ...` are over a third of the shared corpus's
//! statements (2,778 of 7,576); reading them here takes 7% off a corpus run's CPU time. Only a strict subset of the
//! grammar is read, in which every token is certain (quoted names, or unquoted ASCII words that are no SQL keyword at
//! all; only spaces, tabs and line breaks between tokens): sqlparser accepts every such statement, and lowering its
//! AST gives the very operations read here. Anything else (an expression key, `WHERE`, `INCLUDE`, `NOT VALID`,
//! `DEFERRABLE`, a comment in the statement, ...) answers `None` and is parsed as usual, so a malformed statement
//! still gets the parser's message. tests/prisma_shapes.rs holds both ways equal on the corpus, the fixtures, every
//! optional part and random damage to them.

use std::ops::Range;

use super::{Constraint, ConstraintKind, IndexSpec, ObjName, Op, OpKind};
use crate::cursor::Cursor;
use crate::parser_tokens::is_keyword;
use crate::split::{ident_value, Token, TokenKind};

/// The operations of the statement at `span` (whose tokens are `tokens`, without the closing `;`) when it has one of
/// the shapes above, else `None`.
pub fn lower_prisma_shape(src: &str, tokens: &[Token], span: &Range<usize>) -> Option<Vec<Op>> {
    let first = tokens.first()?;
    if !(first.is_word(src, "create") || first.is_word(src, "alter"))
        || !plain_gaps(src, tokens, span)
    {
        return None;
    }
    let mut c = Cursor::new(src, tokens);
    if c.eat("create") {
        let index = create_index(&mut c, src)?;
        return Some(vec![Op {
            span: span.clone(),
            kind: OpKind::CreateIndex(index),
        }]);
    }
    c.eat("alter");
    let (table, constraint) = add_foreign_key(&mut c, src, tokens.last()?.span.end)?;
    Some(vec![Op {
        span: constraint.span.clone(),
        kind: OpKind::AddConstraint {
            table,
            constraint,
            not_valid: false,
        },
    }])
}

/// `[UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS] name ON table [USING method] (key [ASC|DESC] [NULLS FIRST|LAST],
/// ...)` after `CREATE`.
fn create_index(c: &mut Cursor, src: &str) -> Option<IndexSpec> {
    let unique = c.eat("unique");
    if !c.eat("index") {
        return None;
    }
    let concurrently = c.eat("concurrently");
    c.eat_all(&["if", "not", "exists"]);
    let name = certain_ident(c, src)?;
    if !c.eat("on") {
        return None;
    }
    let table = certain_name(c, src)?;
    if c.eat("using") && !INDEX_METHODS.iter().any(|m| c.eat(m)) {
        return None;
    }
    let columns = parenthesized(c, |c| {
        let column = certain_ident(c, src)?;
        let _ = c.eat("asc") || c.eat("desc");
        if c.eat("nulls") && !(c.eat("first") || c.eat("last")) {
            return None;
        }
        Some(Some(column))
    })?;
    c.at_end().then_some(IndexSpec {
        name: Some(name),
        table,
        columns,
        unique,
        partial: false,
        concurrently,
    })
}

/// PostgreSQL's built-in index access methods.
const INDEX_METHODS: &[&str] = &["btree", "hash", "gist", "spgist", "gin", "brin"];

/// `TABLE [IF EXISTS] table ADD CONSTRAINT name FOREIGN KEY (columns) REFERENCES table (columns) [ON DELETE action]
/// [ON UPDATE action]` after `ALTER`, with the span of its one clause (from `ADD` to the statement's last token, which
/// ends at `statement_end`).
fn add_foreign_key(
    c: &mut Cursor,
    src: &str,
    statement_end: usize,
) -> Option<(ObjName, Constraint)> {
    if !c.eat("table") {
        return None;
    }
    c.eat_all(&["if", "exists"]);
    let table = certain_name(c, src)?;
    let clause_start = c.peek()?.span.start;
    if !c.eat_all(&["add", "constraint"]) {
        return None;
    }
    let name = certain_ident(c, src)?;
    if !c.eat_all(&["foreign", "key"]) {
        return None;
    }
    let columns = parenthesized(c, |c| certain_ident(c, src))?;
    if !c.eat("references") {
        return None;
    }
    let ref_table = certain_name(c, src)?;
    let ref_columns = parenthesized(c, |c| certain_ident(c, src))?;
    let (mut on_delete, mut on_update) = (false, false);
    while c.eat("on") {
        let seen = if c.eat("delete") {
            &mut on_delete
        } else if c.eat("update") {
            &mut on_update
        } else {
            return None;
        };
        if std::mem::replace(seen, true) || !referential_action(c, src) {
            return None;
        }
    }
    if !c.at_end() {
        return None;
    }
    Some((
        table,
        Constraint {
            name: Some(name),
            kind: ConstraintKind::ForeignKey {
                columns,
                ref_table,
                ref_columns,
            },
            span: clause_start..statement_end,
        },
    ))
}

/// `CASCADE`, `RESTRICT`, `NO ACTION`, `SET NULL` or `SET DEFAULT` (not PostgreSQL 15's `SET NULL (columns)`).
fn referential_action(c: &mut Cursor, src: &str) -> bool {
    c.eat("cascade")
        || c.eat("restrict")
        || c.eat_all(&["no", "action"])
        || (c.eat("set")
            && (c.eat("null") || c.eat("default"))
            && !c.peek().is_some_and(|t| t.is_punct(src, "(")))
}

/// `(item, ...)` with at least one item and nothing else inside.
fn parenthesized<T>(
    c: &mut Cursor,
    mut item: impl FnMut(&mut Cursor) -> Option<T>,
) -> Option<Vec<T>> {
    if !c.eat_punct("(") {
        return None;
    }
    let mut items = vec![item(c)?];
    while c.eat_punct(",") {
        items.push(item(c)?);
    }
    c.eat_punct(")").then_some(items)
}

/// `name` or `schema.name`, each part a [`certain_ident`].
fn certain_name(c: &mut Cursor, src: &str) -> Option<ObjName> {
    let first = certain_ident(c, src)?;
    if c.eat_punct(".") {
        let name = certain_ident(c, src)?;
        return Some(ObjName::new(Some(first), name));
    }
    Some(ObjName::bare(first))
}

/// An identifier sqlparser reads as the same name in any position: a non-empty quoted name, or an unquoted ASCII
/// word that is not one of its keywords (those it may read as syntax instead).
fn certain_ident(c: &mut Cursor, src: &str) -> Option<String> {
    let token = c.peek()?;
    let text = token.text(src);
    let certain = match token.kind {
        TokenKind::QuotedIdent => text.len() > 2,
        TokenKind::Word => text.is_ascii() && !is_keyword(text),
        _ => false,
    };
    if !certain {
        return None;
    }
    c.pos += 1;
    ident_value(token, src)
}

/// Whether only spaces, tabs and line breaks separate the tokens and follow the last up to the closing `;` (no comment,
/// nor a character sqlparser reads differently from PostgreSQL).
fn plain_gaps(src: &str, tokens: &[Token], span: &Range<usize>) -> bool {
    let plain = |gap: Range<usize>| {
        src.as_bytes().get(gap).is_some_and(|gap| {
            gap.iter()
                .all(|b| matches!(b, b' ' | b'\n' | b'\t' | b'\r'))
        })
    };
    let tail = tokens.last().map_or(span.start, |t| t.span.end)..span.end;
    let tail = match src.get(tail.clone()) {
        Some(text) if text.ends_with(';') => tail.start..tail.end - 1,
        _ => tail,
    };
    tokens
        .windows(2)
        .all(|pair| plain(pair[0].span.end..pair[1].span.start))
        && plain(tail)
}
