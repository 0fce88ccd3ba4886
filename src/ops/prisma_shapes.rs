//! The statements Prisma writes, lowered straight from their tokens, without sqlparser.
//!
//! `CREATE TABLE`, `CREATE [UNIQUE] INDEX` and `ALTER TABLE` with Prisma's clauses (add, drop and alter columns; add
//! and drop constraints; renames), enum types and their values, and `DROP` of a table, index or type are seven
//! eighths of the shared corpus's statements (6,568 of 7,576), and reading them here instead of parsing them takes a
//! fifth off a corpus run's CPU time. Only a strict subset of the grammar is read, in which every token is certain:
//! quoted names or unquoted ASCII words that are no SQL keyword at all, column types and default values from lists
//! of those sqlparser prints as they are written, and only spaces, tabs and line breaks between tokens. sqlparser
//! accepts every such statement, and lowering its AST gives the very operations read here. Anything else (an
//! expression, `WHERE`, `COLLATE`, `USING`, `NOT VALID`, a comment in the statement, ...) answers `None` and is
//! parsed as usual, so a malformed statement still gets the parser's message. tests/prisma_shapes.rs holds both ways
//! equal on the corpus, the fixtures, every optional part of the shapes and random damage to them.

use std::ops::Range;

use super::from_ast::normalize_type;
use super::{
    ColumnSpec, Constraint, ConstraintKind, DefaultExpr, IndexKey, IndexSpec, ObjName, Op, OpKind,
    SqlType,
};
use crate::syntax::cursor::Cursor;
use crate::syntax::parser_tokens::{is_keyword, is_plain_decimal, unquote};
use crate::syntax::split::{ident_value, Token, TokenKind};

/// The operations of the statement at `span` (whose tokens are `tokens`, without the closing `;`) when it has one of
/// the shapes above, else `None`.
pub fn lower_prisma_shape(src: &str, tokens: &[Token], span: &Range<usize>) -> Option<Vec<Op>> {
    // The first word first: most other statements leave here, before their gaps are looked at.
    let first = tokens.first()?;
    if !["create", "alter", "drop"]
        .iter()
        .any(|w| first.is_word(src, w))
        || !plain_gaps(src, tokens, span)
    {
        return None;
    }
    let mut c = Cursor::new(src, tokens);
    let op = |kind| Op {
        span: span.clone(),
        kind,
    };
    let ops = if c.eat("create") {
        vec![op(if c.eat("table") {
            create_table(&mut c)?
        } else if c.eat("type") {
            create_enum(&mut c)?
        } else {
            OpKind::CreateIndex(create_index(&mut c)?)
        })]
    } else if c.eat_all(&["alter", "type"]) {
        vec![op(alter_enum(&mut c)?)]
    } else if c.eat("alter") {
        alter_table(&mut c)?
    } else {
        c.eat("drop");
        drop_objects(&mut c)?.into_iter().map(op).collect()
    };
    c.at_end().then_some(ops)
}

/// `name AS ENUM ('label', ...)` after `CREATE TYPE`.
fn create_enum(c: &mut Cursor) -> Option<OpKind> {
    let name = certain_name(c)?;
    if !c.eat_all(&["as", "enum"]) {
        return None;
    }
    let labels = parenthesized(c, string_value)?;
    Some(OpKind::CreateEnum { name, labels })
}

/// `name ADD VALUE 'label'` or `name RENAME VALUE 'old' TO 'new'` after `ALTER TYPE`.
fn alter_enum(c: &mut Cursor) -> Option<OpKind> {
    let name = certain_name(c)?;
    if c.eat_all(&["add", "value"]) {
        let value = string_value(c)?;
        return Some(OpKind::AddEnumValue { name, value });
    }
    if c.eat_all(&["rename", "value"]) {
        let old = string_value(c)?;
        let new = c.eat("to").then(|| string_value(c))??;
        return Some(OpKind::RenameEnumValue { name, old, new });
    }
    None
}

/// `TABLE | INDEX | TYPE [IF EXISTS] name, ...` after `DROP`: one operation per name.
fn drop_objects(c: &mut Cursor) -> Option<Vec<OpKind>> {
    let kind: fn(ObjName) -> OpKind = if c.eat("table") {
        |table| OpKind::DropTable { table }
    } else if c.eat("index") {
        |index| OpKind::DropIndex {
            index,
            concurrently: false,
        }
    } else if c.eat("type") {
        |name| OpKind::DropType { name }
    } else {
        return None;
    };
    c.eat_all(&["if", "exists"]);
    comma_list(c, |c| certain_name(c).map(kind))
}

/// The value of a plain string literal (`'...'`, quotes doubled inside, no backslash).
fn string_value(c: &mut Cursor) -> Option<String> {
    let text = c
        .peek()
        .filter(|t| t.kind == TokenKind::String)?
        .text(c.src());
    if text.contains('\\') {
        return None;
    }
    let value = unquote(text, '\'')?;
    c.pos += 1;
    Some(value)
}

/// `[IF NOT EXISTS] table (column or constraint, ...)` after `CREATE TABLE`.
fn create_table(c: &mut Cursor) -> Option<OpKind> {
    c.eat_all(&["if", "not", "exists"]);
    let table = certain_name(c)?;
    if !c.eat_punct("(") {
        return None;
    }
    let (mut columns, mut constraints) = (Vec::new(), Vec::new());
    let mut constraint_words = Vec::new();
    loop {
        let start = c.peek()?.span.start;
        if let Some(word) = CONSTRAINT_STARTS.iter().find(|w| c.is(w)) {
            let (name, kind) = table_constraint(c)?;
            constraint_words.push(*word);
            constraints.push(Constraint {
                name,
                kind,
                span: start..c.previous()?.span.end,
            });
        } else {
            columns.push(column_def(c)?);
        }
        if !c.eat_punct(",") {
            break;
        }
    }
    // Lowering the AST tells constraints from columns by their first word; a column named like one would confuse it.
    if !c.eat_punct(")")
        || columns
            .iter()
            .any(|column: &ColumnSpec| constraint_words.contains(&column.name.as_str()))
    {
        return None;
    }
    Some(OpKind::CreateTable {
        table,
        columns,
        constraints,
    })
}

/// The words a table constraint of the shapes starts with.
const CONSTRAINT_STARTS: &[&str] = &["constraint", "primary", "unique", "foreign"];

/// `[CONSTRAINT name] PRIMARY KEY (columns)`, `... UNIQUE (columns)` or `... FOREIGN KEY (columns) REFERENCES table
/// (columns) [ON DELETE action] [ON UPDATE action]`.
fn table_constraint(c: &mut Cursor) -> Option<(Option<String>, ConstraintKind)> {
    let name = if c.eat("constraint") {
        Some(certain_ident(c)?)
    } else {
        None
    };
    let kind = if c.eat_all(&["primary", "key"]) {
        ConstraintKind::PrimaryKey {
            columns: parenthesized(c, certain_ident)?,
            using_index: None,
        }
    } else if c.eat("unique") {
        ConstraintKind::Unique {
            columns: parenthesized(c, certain_ident)?,
            using_index: None,
        }
    } else if c.eat_all(&["foreign", "key"]) {
        foreign_key(c)?
    } else {
        return None;
    };
    Some((name, kind))
}

/// `(columns) REFERENCES table (columns) [ON DELETE action] [ON UPDATE action]` after `FOREIGN KEY`.
fn foreign_key(c: &mut Cursor) -> Option<ConstraintKind> {
    let columns = parenthesized(c, certain_ident)?;
    if !c.eat("references") {
        return None;
    }
    let ref_table = certain_name(c)?;
    let ref_columns = parenthesized(c, certain_ident)?;
    let (mut on_delete, mut on_update) = (None, None);
    while c.eat("on") {
        let seen = if c.eat("delete") {
            &mut on_delete
        } else if c.eat("update") {
            &mut on_update
        } else {
            return None;
        };
        if seen.is_some() {
            return None;
        }
        *seen = Some(referential_action(c)?);
    }
    Some(ConstraintKind::ForeignKey {
        columns,
        ref_table,
        ref_columns,
        on_delete: on_delete.map(str::to_string),
        on_update: on_update.map(str::to_string),
    })
}

/// `name type [NOT NULL | NULL | DEFAULT value]...`.
fn column_def(c: &mut Cursor) -> Option<ColumnSpec> {
    let name = certain_ident(c)?;
    let mut column = ColumnSpec::new(name, column_type(c)?);
    loop {
        if c.eat_all(&["not", "null"]) {
            (column.not_null, column.not_null_from_serial) = (true, false);
        } else if c.eat("null") {
            (column.not_null, column.not_null_from_serial) = (false, false);
        } else if c.eat("default") {
            column.default = Some(default_value(c)?);
        } else {
            return Some(column);
        }
    }
}

/// `TABLE [IF EXISTS] table clause, ...` after `ALTER`: one operation per clause, spanning it.
fn alter_table(c: &mut Cursor) -> Option<Vec<Op>> {
    if !c.eat("table") {
        return None;
    }
    c.eat_all(&["if", "exists"]);
    let table = certain_name(c)?;
    let ops = comma_list(c, |c| {
        let start = c.peek()?.span.start;
        let kind = alter_clause(c, &table, start)?;
        Some(Op {
            span: start..c.previous()?.span.end,
            kind,
        })
    })?;
    // PostgreSQL takes a rename only on its own.
    let renames = ops.iter().any(|op| {
        matches!(
            op.kind,
            OpKind::RenameColumn { .. }
                | OpKind::RenameConstraint { .. }
                | OpKind::RenameTable { .. }
        )
    });
    (!renames || ops.len() == 1).then(|| super::without_overridden_drop_defaults(ops))
}

/// One clause of `ALTER TABLE`, which starts at byte `start`.
fn alter_clause(c: &mut Cursor, table: &ObjName, start: usize) -> Option<OpKind> {
    let table = table.clone();
    if c.eat_all(&["add", "column"]) {
        return Some(OpKind::AddColumn {
            table,
            column: column_def(c)?,
        });
    }
    if c.eat("add") {
        if !c.is("constraint") {
            return None;
        }
        let (name, kind) = table_constraint(c)?;
        return Some(OpKind::AddConstraint {
            table,
            constraint: Constraint {
                name,
                kind,
                span: start..c.previous()?.span.end,
            },
            not_valid: false,
        });
    }
    if c.eat_all(&["drop", "column"]) {
        c.eat_all(&["if", "exists"]);
        let column = certain_ident(c)?;
        return Some(OpKind::DropColumn { table, column });
    }
    if c.eat_all(&["drop", "constraint"]) {
        c.eat_all(&["if", "exists"]);
        let name = certain_ident(c)?;
        return Some(OpKind::DropConstraint { table, name });
    }
    if c.eat_all(&["alter", "column"]) {
        let column = certain_ident(c)?;
        return Some(if c.eat_all(&["set", "not", "null"]) {
            OpKind::SetNotNull { table, column }
        } else if c.eat_all(&["drop", "not", "null"]) {
            OpKind::DropNotNull { table, column }
        } else if c.eat_all(&["drop", "default"]) {
            OpKind::DropDefault { table, column }
        } else if c.eat_all(&["set", "default"]) {
            OpKind::SetDefault {
                table,
                column,
                default: default_value(c)?,
            }
        } else if c.eat_all(&["set", "data", "type"]) || c.eat("type") {
            OpKind::AlterColumnType {
                table,
                column,
                new_type: column_type(c)?,
                using: None,
            }
        } else {
            return None;
        });
    }
    if c.eat_all(&["rename", "column"]) {
        let old = certain_ident(c)?;
        let new = c.eat("to").then(|| certain_ident(c))??;
        return Some(OpKind::RenameColumn { table, old, new });
    }
    if c.eat_all(&["rename", "constraint"]) {
        let old = certain_ident(c)?;
        let new = c.eat("to").then(|| certain_ident(c))??;
        return Some(OpKind::RenameConstraint { table, old, new });
    }
    if c.eat_all(&["rename", "to"]) {
        let new_name = certain_ident(c)?;
        return Some(OpKind::RenameTable { table, new_name });
    }
    None
}

/// A column type whose printed form is its written one, up to case and spacing: a built-in type of [`TYPES`] with at
/// most the arguments it takes, or a quoted user type; either may be an array (`[]`). Normalised as lowering
/// normalises sqlparser's printed type.
fn column_type(c: &mut Cursor) -> Option<SqlType> {
    let token = c.peek()?;
    let text = token.text(c.src());
    let mut spelling = String::with_capacity(text.len() + 8);
    let arguments = match token.kind {
        TokenKind::QuotedIdent if text.len() > 2 => {
            spelling.push_str(text);
            c.pos += 1;
            0
        }
        TokenKind::Word if c.eat_all(&["double", "precision"]) => {
            spelling.push_str("double precision");
            0
        }
        TokenKind::Word => {
            let (name, arguments) = TYPES.iter().find(|(name, _)| c.is(name))?;
            spelling.push_str(name);
            c.pos += 1;
            *arguments
        }
        _ => return None,
    };
    if arguments > 0 && c.eat_punct("(") {
        for i in 0..arguments {
            spelling.push_str(if i == 0 { "(" } else { "," });
            let number = c
                .peek()
                .filter(|t| t.kind == TokenKind::Number)?
                .text(c.src());
            if !number.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            spelling.push_str(number);
            c.pos += 1;
            if i + 1 == arguments || !c.eat_punct(",") {
                break;
            }
        }
        if !c.eat_punct(")") {
            return None;
        }
        spelling.push(')');
    }
    if c.eat_punct("[") {
        if !c.eat_punct("]") {
            return None;
        }
        spelling.push_str("[]");
    }
    Some(SqlType::new(normalize_type(&spelling)))
}

/// Built-in types sqlparser prints as they are written, with how many arguments each may take. A type added here must
/// be added to tests/prisma_shapes.rs's `column_types`, which holds each to what parsing gives.
#[rustfmt::skip]
const TYPES: &[(&str, usize)] = &[
    ("text", 0), ("integer", 0), ("int", 0), ("int4", 0), ("bigint", 0), ("int8", 0), ("smallint", 0),
    ("int2", 0), ("boolean", 0), ("bool", 0), ("real", 0), ("float4", 0), ("float8", 0), ("jsonb", 0),
    ("json", 0), ("uuid", 0), ("bytea", 0), ("date", 0), ("inet", 0), ("citext", 0), ("xml", 0),
    ("money", 0), ("serial", 0), ("bigserial", 0), ("smallserial", 0), ("oid", 0), ("varchar", 1),
    ("char", 1), ("character", 1), ("bit", 1), ("varbit", 1), ("timestamp", 1), ("timestamptz", 1),
    ("time", 1), ("timetz", 1), ("decimal", 2), ("numeric", 2),
];

/// A default value printed as written: a string (no backslash), a number, `true`, `false`, `NULL`,
/// `CURRENT_TIMESTAMP`, `CURRENT_DATE`, or a call without arguments (`now()`); tests/prisma_shapes.rs's `DEFAULTS`
/// tries each form.
fn default_value(c: &mut Cursor) -> Option<DefaultExpr> {
    let token = c.peek()?;
    let src = c.src();
    let text = token.text(src);
    let value = match token.kind {
        TokenKind::String if text.starts_with('\'') && !text.contains('\\') => text.to_string(),
        TokenKind::Number if is_plain_decimal(text) => text.to_string(),
        TokenKind::Punct if text == "-" => {
            let number = c.rest().get(1).filter(|n| {
                n.kind == TokenKind::Number
                    && n.span.start == token.span.end
                    && is_plain_decimal(n.text(src))
            })?;
            c.pos += 1;
            format!("-{}", number.text(src))
        }
        TokenKind::Word if c.is("true") || c.is("false") || c.is("null") => {
            // sqlparser prints its own spelling of these.
            if c.is("null") {
                "NULL".to_string()
            } else {
                text.to_ascii_lowercase()
            }
        }
        TokenKind::Word if c.is("current_timestamp") || c.is("current_date") => text.to_string(),
        TokenKind::Word if !is_keyword(text) && text.is_ascii() => {
            let call = c.rest().get(1..3)?;
            if !(call[0].is_punct(src, "(") && call[1].is_punct(src, ")"))
                || call[0].span.start != token.span.end
                || call[1].span.start != call[0].span.end
            {
                return None;
            }
            c.pos += 2;
            format!("{text}()")
        }
        _ => return None,
    };
    c.pos += 1;
    Some(DefaultExpr::new(value))
}

/// `[UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS] name ON table [USING method] (key [ASC|DESC] [NULLS FIRST|LAST],
/// ...)` after `CREATE`.
fn create_index(c: &mut Cursor) -> Option<IndexSpec> {
    let unique = c.eat("unique");
    if !c.eat("index") {
        return None;
    }
    let concurrently = c.eat("concurrently");
    c.eat_all(&["if", "not", "exists"]);
    let name = certain_ident(c)?;
    if !c.eat("on") {
        return None;
    }
    let table = certain_name(c)?;
    let mut method = None;
    if c.eat("using") {
        method = Some(INDEX_METHODS.iter().find(|m| c.eat(m))?.to_string());
    }
    let mut keys = Vec::new();
    let columns = parenthesized(c, |c| {
        let column = certain_ident(c)?;
        let descending = !c.eat("asc") && c.eat("desc");
        if c.eat("nulls") && !(c.eat("first") || c.eat("last")) {
            return None;
        }
        keys.push(IndexKey {
            descending,
            opclass: None,
        });
        Some(Some(column))
    })?;
    if !keys.iter().any(|k| k.descending) {
        keys.clear();
    }
    Some(IndexSpec {
        // As the parser reads it: the name PostgreSQL keeps (its first 63 bytes).
        name: Some(ObjName::bare(name).name),
        table,
        columns,
        unique,
        partial: false,
        concurrently,
        method,
        keys,
    })
}

/// PostgreSQL's built-in index access methods.
const INDEX_METHODS: &[&str] = &["btree", "hash", "gist", "spgist", "gin", "brin"];

/// `CASCADE`, `RESTRICT`, `NO ACTION`, `SET NULL` or `SET DEFAULT` (PostgreSQL 15's `SET NULL (columns)` is left
/// unread, so the statement is not a shape).
fn referential_action(c: &mut Cursor) -> Option<&'static str> {
    if c.eat("cascade") {
        Some("CASCADE")
    } else if c.eat("restrict") {
        Some("RESTRICT")
    } else if c.eat_all(&["no", "action"]) {
        Some("NO ACTION")
    } else if c.eat_all(&["set", "null"]) {
        Some("SET NULL")
    } else if c.eat_all(&["set", "default"]) {
        Some("SET DEFAULT")
    } else {
        None
    }
}

/// `(item, ...)` with at least one item and nothing else inside.
fn parenthesized<T>(c: &mut Cursor, item: impl FnMut(&mut Cursor) -> Option<T>) -> Option<Vec<T>> {
    if !c.eat_punct("(") {
        return None;
    }
    let items = comma_list(c, item)?;
    c.eat_punct(")").then_some(items)
}

/// `item, ...`: at least one item, and one after each comma (no trailing comma, unlike
/// [`Cursor::comma_separated`]).
fn comma_list<T>(c: &mut Cursor, mut item: impl FnMut(&mut Cursor) -> Option<T>) -> Option<Vec<T>> {
    let mut items = vec![item(c)?];
    while c.eat_punct(",") {
        items.push(item(c)?);
    }
    Some(items)
}

/// `name` or `schema.name`, each part a [`certain_ident`].
fn certain_name(c: &mut Cursor) -> Option<ObjName> {
    let first = certain_ident(c)?;
    if c.eat_punct(".") {
        let name = certain_ident(c)?;
        return Some(ObjName::new(Some(first), name));
    }
    Some(ObjName::bare(first))
}

/// An identifier sqlparser reads as the same name in any position: a non-empty quoted name, or an unquoted ASCII
/// word that is not one of its keywords (those it may read as syntax instead).
fn certain_ident(c: &mut Cursor) -> Option<String> {
    let token = c.peek()?;
    let text = token.text(c.src());
    let certain = match token.kind {
        TokenKind::QuotedIdent => text.len() > 2,
        TokenKind::Word => text.is_ascii() && !is_keyword(text),
        _ => false,
    };
    if !certain {
        return None;
    }
    c.pos += 1;
    ident_value(token, c.src())
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
