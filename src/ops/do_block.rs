//! `DO` blocks: sqlparser does not parse them, but migrations often wrap plain DDL in one (usually to make it
//! conditional). The DDL statements of the body are lowered like top-level ones, with spans inside the body.

use std::ops::Range;

use super::{lower_statement, Op};
use crate::syntax::parse::parse_statement;
use crate::syntax::split::{split, RawStatement, Token, TokenKind};

/// Keywords that start a statement worth lowering; anything else in a body (assignments, RAISE, PERFORM) is skipped.
const DDL_STARTS: &[&str] = &["alter", "create", "drop", "comment"];

/// PL/pgSQL words after which a plain SQL statement can start inside the same `;`-terminated chunk.
const CONTROL_WORDS: &[&str] = &["then", "else", "begin", "loop", "declare"];

/// The operations of the plain DDL statements inside `DO $$ ... $$`, or None when this is not a DO block.
pub(super) fn lower_do_block(src: &str, tokens: &[Token]) -> Option<Vec<Op>> {
    let first = tokens.first()?;
    if !first.is_word(src, "do") {
        return None;
    }
    let body = tokens.iter().find(|t| t.kind == TokenKind::DollarString)?;
    let inner = dollar_body(src, &body.span)?;
    let body_text = src.get(inner.clone())?;
    let mut ops = Vec::new();
    for chunk in split(body_text).statements {
        let Some(statement) = plain_statement(body_text, chunk, inner.start) else {
            continue;
        };
        let parsed = parse_statement(src, statement);
        // A chunk that still does not parse is PL/pgSQL we do not model; only parsed DDL is trusted here.
        if parsed.ast.is_ok() {
            ops.extend(lower_statement(src, &parsed));
        }
    }
    Some(ops)
}

/// The byte range between the opening and closing `$tag$` of a dollar-quoted string.
fn dollar_body(src: &str, span: &Range<usize>) -> Option<Range<usize>> {
    let text = src.get(span.clone())?;
    let tag_len = text.get(1..)?.find('$')? + 2;
    let start = span.start + tag_len;
    let end = span.end.checked_sub(tag_len)?;
    (start <= end).then_some(start..end)
}

/// Drops leading PL/pgSQL control flow (`IF ... THEN`, `BEGIN`, `ELSE`) from a body chunk and returns the SQL
/// statement that follows, re-based onto file offsets, when it is DDL.
fn plain_statement(body: &str, chunk: RawStatement, offset: usize) -> Option<RawStatement> {
    let start = chunk
        .tokens
        .iter()
        .rposition(|t| CONTROL_WORDS.iter().any(|w| t.is_word(body, w)))
        .map_or(0, |i| i + 1);
    let tokens = chunk.tokens.get(start..)?;
    let head = tokens.first()?;
    if !DDL_STARTS.iter().any(|w| head.is_word(body, w)) {
        return None;
    }
    let shift = |r: &Range<usize>| r.start + offset..r.end + offset;
    Some(RawStatement {
        span: head.span.start + offset..chunk.span.end + offset,
        tokens: tokens
            .iter()
            .map(|t| Token {
                kind: t.kind,
                span: shift(&t.span),
            })
            .collect(),
        unterminated: chunk.unterminated,
        thinned: chunk.thinned,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::OpKind;

    fn ops_of(text: &str) -> Vec<Op> {
        let raw = split(text).statements.remove(0);
        lower_do_block(text, &raw.tokens).expect("a DO block")
    }

    #[test]
    fn conditional_ddl_in_a_do_block_is_lowered_with_file_spans() {
        let text = "DO $$\nBEGIN\n  IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'x') THEN\n    ALTER TABLE \"User\" DROP COLUMN \"legacy\";\n  END IF;\nEND $$;";
        let ops = ops_of(text);
        assert_eq!(ops.len(), 1);
        assert!(matches!(&ops[0].kind, OpKind::DropColumn { column, .. } if column == "legacy"));
        assert_eq!(&text[ops[0].span.clone()], "DROP COLUMN \"legacy\"");
    }

    #[test]
    fn plpgsql_statements_and_dynamic_sql_are_skipped() {
        let text = "DO $body$ DECLARE n int; BEGIN n := 1; RAISE NOTICE 'x'; PERFORM 1; EXECUTE 'DROP TABLE t'; END $body$;";
        assert!(ops_of(text).is_empty());
    }

    #[test]
    fn not_a_do_block() {
        let text = "SELECT 1;";
        let raw = split(text).statements.remove(0);
        assert!(lower_do_block(text, &raw.tokens).is_none());
    }
}
