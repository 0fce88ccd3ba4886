//! Lowering from tokens: statements whose lint-relevant facts are simpler to read from tokens than from the AST,
//! and the fallback for valid PostgreSQL that sqlparser cannot parse (e.g. `DROP INDEX CONCURRENTLY`).

use std::ops::Range;

use super::{
    ContainerKind, DmlKind, IndexKey, IndexSpec, MaintenanceCommand, ObjName, Op, OpKind,
    TransactionControl,
};
use crate::syntax::cursor::{top_level, Cursor};
use crate::syntax::split::{ident_value, Token, TokenKind};

/// Names as lowering reads them: at most one schema part.
pub(super) trait ReadNames {
    /// `a`, `"A"`, `s.a`: a possibly schema-qualified name.
    fn name(&mut self) -> Option<ObjName>;
    /// Comma-separated names up to the end or a keyword that is not a name.
    fn names(&mut self) -> Vec<ObjName>;
}

impl ReadNames for Cursor<'_> {
    fn name(&mut self) -> Option<ObjName> {
        let first = self.ident()?;
        if self.eat_punct(".") {
            let second = self.ident()?;
            return Some(ObjName::new(Some(first), second));
        }
        Some(ObjName::bare(first))
    }

    fn names(&mut self) -> Vec<ObjName> {
        self.comma_separated(|c| c.name())
    }
}

/// Splits tokens at commas outside parentheses, returning the byte span of each part.
pub(super) fn split_top_level(tokens: &[Token], src: &str) -> Vec<Range<usize>> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start: Option<usize> = None;
    let mut end = 0;
    for t in tokens {
        if t.is_punct(src, "(") || t.is_punct(src, "[") {
            depth += 1;
        } else if t.is_punct(src, ")") || t.is_punct(src, "]") {
            depth = depth.saturating_sub(1);
        } else if depth == 0 && t.is_punct(src, ",") {
            if let Some(s) = start.take() {
                parts.push(s..end);
            }
            continue;
        }
        start.get_or_insert(t.span.start);
        end = t.span.end;
    }
    if let Some(s) = start {
        parts.push(s..end);
    }
    parts
}

/// The operation clauses of `ALTER TABLE [IF EXISTS] [ONLY] name [*] op, op, ...`, one span per clause.
pub(super) fn alter_table_clauses(tokens: &[Token], src: &str) -> Vec<Range<usize>> {
    let mut c = Cursor::new(src, tokens);
    match alter_table_head(&mut c) {
        Some(_) => split_top_level(c.rest(), src),
        None => Vec::new(),
    }
}

/// `ALTER TABLE [IF EXISTS] [ONLY] name [*]`: the table, with the cursor left at the first clause.
fn alter_table_head(c: &mut Cursor<'_>) -> Option<ObjName> {
    if !c.eat_all(&["alter", "table"]) {
        return None;
    }
    c.eat_all(&["if", "exists"]);
    c.eat("only");
    let table = c.name()?;
    c.eat_punct("*");
    Some(table)
}

/// The leading words of a clause, upper-cased, skipping quoted names, up to the first value or punctuation.
pub(super) fn clause_words(clause: &str) -> String {
    let mut words = Vec::new();
    for w in clause.split_whitespace() {
        // A name: quoted, or unquoted and schema-qualified (`public.part`); a number such as `1.5` ends the words.
        let qualified = w.contains('.')
            && !w.starts_with(|c: char| c.is_ascii_digit())
            && w.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
        if w.starts_with('"') || qualified {
            continue;
        }
        if !w.chars().all(|c| c.is_ascii_alphabetic()) {
            break;
        }
        words.push(w.to_ascii_uppercase());
    }
    words.join(" ")
}

/// The items inside the outermost parentheses of `CREATE TABLE name ( item, item, ... )`.
pub(super) fn create_table_items(tokens: &[Token], src: &str) -> Vec<Range<usize>> {
    let Some(open) = tokens.iter().position(|t| t.is_punct(src, "(")) else {
        return Vec::new();
    };
    let mut depth = 0usize;
    let mut close = tokens.len();
    for (i, t) in tokens.iter().enumerate().skip(open) {
        if t.is_punct(src, "(") {
            depth += 1;
        } else if t.is_punct(src, ")") {
            depth -= 1;
            if depth == 0 {
                close = i;
                break;
            }
        }
    }
    split_top_level(tokens.get(open + 1..close).unwrap_or(&[]), src)
}

/// Statements lowered from tokens whether or not sqlparser understood them.
pub(super) fn lower_simple(src: &str, tokens: &[Token], span: &Range<usize>) -> Option<Vec<Op>> {
    let mut c = Cursor::new(src, tokens);
    let op = |kind| {
        Some(vec![Op {
            span: span.clone(),
            kind,
        }])
    };
    if let Some(function) = create_function(src, tokens) {
        return op(function);
    }
    if c.eat("begin") || c.eat_all(&["start", "transaction"]) {
        return op(OpKind::Transaction(TransactionControl::Begin));
    }
    if c.eat("commit") || c.eat("end") {
        return op(OpKind::Transaction(TransactionControl::Commit));
    }
    if c.eat("rollback") || c.eat("abort") {
        return op(OpKind::Transaction(TransactionControl::Rollback));
    }
    if c.eat("set") {
        c.eat("local");
        c.eat("session");
        let name = c.ident()?;
        if !(c.eat_punct("=") || c.eat("to")) {
            return op(OpKind::Opaque { what: "SET".into() });
        }
        let value = c
            .rest()
            .iter()
            .map(|t| t.text(src).trim_matches('\''))
            .collect::<Vec<_>>()
            .join(" ");
        return op(OpKind::Set { name, value });
    }
    if c.is("with") {
        // A CTE can hide any DML; we do not model it, only the table a final `SELECT ... INTO` makes.
        let mut ops = lower_tokens(src, tokens, span);
        ops.retain(|o| matches!(o.kind, OpKind::CreateTable { .. }));
        ops.push(Op {
            span: span.clone(),
            kind: OpKind::Opaque {
                what: "WITH".into(),
            },
        });
        return Some(ops);
    }
    if c.eat("update") {
        c.eat("only");
        let table = c.name()?;
        let bounded = has_top_level_word(c.rest(), src, "where");
        return op(OpKind::Dml {
            kind: DmlKind::Update,
            table,
            bounded,
        });
    }
    if c.eat_all(&["delete", "from"]) {
        c.eat("only");
        let table = c.name()?;
        let bounded = has_top_level_word(c.rest(), src, "where");
        return op(OpKind::Dml {
            kind: DmlKind::Delete,
            table,
            bounded,
        });
    }
    if c.eat_all(&["insert", "into"]) {
        let table = c.name()?;
        let bounded = !has_top_level_word(c.rest(), src, "select");
        return op(OpKind::Dml {
            kind: DmlKind::Insert,
            table,
            bounded,
        });
    }
    if c.eat("vacuum") {
        // `VACUUM (FULL, ...) t` or the old `VACUUM FULL [FREEZE] [VERBOSE] [ANALYZE] t`.
        let full = if c.eat_punct("(") {
            let options_end = c
                .rest()
                .iter()
                .position(|t| t.is_punct(src, ")"))
                .unwrap_or(0);
            let options = &c.rest()[..options_end];
            let full = options.iter().any(|t| t.is_word(src, "full"))
                && !options
                    .iter()
                    .any(|t| t.is_word(src, "false") || t.is_word(src, "off"));
            c.pos += options_end + 1;
            full
        } else {
            let full = c.eat("full");
            while c.eat("freeze") || c.eat("verbose") || c.eat("analyze") || c.eat("analyse") {}
            full
        };
        if !full {
            return op(OpKind::Opaque {
                what: "VACUUM".into(),
            });
        }
        let target = c.name();
        return op(OpKind::Maintenance {
            command: MaintenanceCommand::VacuumFull,
            target,
        });
    }
    if c.eat("cluster") {
        c.eat("verbose");
        let target = c.name();
        return op(OpKind::Maintenance {
            command: MaintenanceCommand::Cluster,
            target,
        });
    }
    if c.eat("reindex") {
        let mut concurrently = false;
        if c.eat_punct("(") {
            let options_end = c
                .rest()
                .iter()
                .position(|t| t.is_punct(src, ")"))
                .unwrap_or(0);
            // `CONCURRENTLY [boolean]`: on unless the value says false (`REINDEX (CONCURRENTLY false)` is a plain
            // REINDEX).
            let options = &c.rest()[..options_end];
            concurrently = options.iter().enumerate().any(|(i, t)| {
                t.is_word(src, "concurrently")
                    && !options.get(i + 1).is_some_and(|v| {
                        ["false", "off", "0"]
                            .iter()
                            .any(|f| v.text(src).eq_ignore_ascii_case(f))
                    })
            });
            c.pos += options_end + 1;
        }
        let _ = c.eat("index")
            || c.eat("table")
            || c.eat("schema")
            || c.eat("database")
            || c.eat("system");
        concurrently |= c.eat("concurrently");
        let target = c.name();
        return op(OpKind::Maintenance {
            command: MaintenanceCommand::Reindex { concurrently },
            target,
        });
    }
    if c.eat("drop") {
        let kind = if c.eat("schema") {
            ContainerKind::Schema
        } else if c.eat("database") {
            ContainerKind::Database
        } else {
            return None;
        };
        c.eat_all(&["if", "exists"]);
        let names = c.names();
        return op(OpKind::DropContainer { kind, names });
    }
    if c.eat("truncate") {
        c.eat("table");
        c.eat("only");
        let tables = c.names();
        return op(OpKind::Truncate { tables });
    }
    None
}

fn has_top_level_word(tokens: &[Token], src: &str, kw: &str) -> bool {
    top_level(src, tokens).any(|i| tokens[i].is_word(src, kw))
}

/// Valid PostgreSQL that sqlparser rejects but whose lint-relevant facts we read in full from tokens, so nothing is
/// lost: `DROP INDEX [CONCURRENTLY] [IF EXISTS] name [, ...] [CASCADE | RESTRICT]`, and the maintenance and
/// `DROP SCHEMA / DATABASE` commands that `lower_simple` always reads from tokens.
pub fn fully_recognized(src: &str, tokens: &[Token]) -> bool {
    let mut c = Cursor::new(src, tokens);
    if c.is("vacuum")
        || c.is("cluster")
        || c.is("reindex")
        || c.eat_all(&["drop", "schema"])
        || c.eat_all(&["drop", "database"])
    {
        return true;
    }
    if !c.eat_all(&["drop", "index"]) {
        return false;
    }
    c.eat("concurrently");
    c.eat_all(&["if", "exists"]);
    if c.names().is_empty() {
        return false;
    }
    let _ = c.eat("cascade") || c.eat("restrict");
    c.rest().is_empty()
}

/// The table a `CREATE TABLE` or `ALTER TABLE` that sqlparser rejected creates or alters, when what it did to the
/// table's columns, keys or indexes is unknown. None for a temporary table (another table than the one of its name
/// the history keeps), for an ALTER TABLE none of whose words can change them (`ALTER COLUMN c SET STATISTICS 100`,
/// `CLUSTER ON i`, `SET STORAGE`, `OWNER TO`: valid on PostgreSQL 15, and sqlparser 0.64 rejects them), and for other
/// statements (`CREATE TRIGGER`, `DROP INDEX CONCURRENTLY`, ...), which change no column or name no table.
pub(super) fn unread_table(src: &str, tokens: &[Token]) -> Option<ObjName> {
    const STRUCTURAL: [&str; 13] = [
        "add",
        "drop",
        "rename",
        "type",
        "default",
        "not",
        "identity",
        "generated",
        "expression",
        "inherit",
        "attach",
        "detach",
        "of",
    ];
    let mut c = Cursor::new(src, tokens);
    if let Some(table) = alter_table_head(&mut c) {
        let structural = c
            .rest()
            .iter()
            .any(|t| STRUCTURAL.iter().any(|w| t.is_word(src, w)));
        return structural.then_some(table);
    }
    if !c.eat("create") {
        return None;
    }
    create_table_head(&mut c)
        .filter(|(_, temporary)| !temporary)
        .map(|(table, _)| table)
}

/// After `CREATE`: `[GLOBAL | LOCAL] [TEMPORARY | TEMP] [UNLOGGED] TABLE [IF NOT EXISTS] name`, the table and whether
/// it is temporary.
fn create_table_head(c: &mut Cursor<'_>) -> Option<(ObjName, bool)> {
    let _ = c.eat("global") || c.eat("local");
    let temporary = c.eat("temporary") || c.eat("temp");
    c.eat("unlogged");
    if !c.eat("table") {
        return None;
    }
    c.eat_all(&["if", "not", "exists"]);
    Some((c.name()?, temporary))
}

/// What we can still tell from the tokens of a statement sqlparser rejected.
pub fn lower_tokens(src: &str, tokens: &[Token], span: &Range<usize>) -> Vec<Op> {
    let mut ops = Vec::new();
    // `[WITH ...] SELECT ... INTO [TEMP] [TABLE] t`: a table later statements may use and drop.
    if let Some(table) = select_into(src, tokens) {
        ops.push(Op {
            span: span.clone(),
            kind: OpKind::CreateTable {
                table,
                columns: Vec::new(),
                constraints: Vec::new(),
            },
        });
    }
    ops.extend(lower_other_tokens(src, tokens, span));
    ops
}

/// The table a top-level `SELECT ... INTO` creates.
fn select_into(src: &str, tokens: &[Token]) -> Option<ObjName> {
    let mut depth = 0usize;
    let mut select = false;
    for (i, t) in tokens.iter().enumerate() {
        if t.is_punct(src, "(") {
            depth += 1;
        } else if t.is_punct(src, ")") {
            depth = depth.saturating_sub(1);
        } else if depth == 0 && t.is_word(src, "select") {
            select = true;
        } else if depth == 0 && select && t.is_word(src, "into") {
            let mut c = Cursor::at(src, tokens, i + 1);
            let _ = c.eat("temporary") || c.eat("temp") || c.eat("unlogged");
            c.eat("table");
            return c.name();
        } else if depth == 0 && (t.is_word(src, "insert") || t.is_word(src, "from")) {
            // INSERT INTO, or past the select list: no INTO target here.
            select = false;
        }
    }
    None
}

fn lower_other_tokens(src: &str, tokens: &[Token], span: &Range<usize>) -> Vec<Op> {
    let mut c = Cursor::new(src, tokens);
    let op = |kind| {
        vec![Op {
            span: span.clone(),
            kind,
        }]
    };
    if c.eat_all(&["drop", "index"]) {
        let concurrently = c.eat("concurrently");
        c.eat_all(&["if", "exists"]);
        return c
            .names()
            .into_iter()
            .map(|index| Op {
                span: span.clone(),
                kind: OpKind::DropIndex {
                    index,
                    concurrently,
                },
            })
            .collect();
    }
    if c.eat("create") {
        if let Some((what, table)) = trigger_or_policy_table(&mut c) {
            return op(OpKind::OtherTableChange { table, what });
        }
        let unique = c.eat("unique");
        if c.eat("index") {
            return create_index_from_tokens(&mut c, src, unique)
                .map(|spec| op(OpKind::CreateIndex(spec)))
                .unwrap_or_default();
        }
        if let Some((table, false)) = create_table_head(&mut c) {
            // Columns are unknown, but knowing the table exists keeps later rules from guessing.
            return op(OpKind::CreateTable {
                table,
                columns: Vec::new(),
                constraints: Vec::new(),
            });
        }
    }
    // ALTER TABLE forms sqlparser rejects (SET STORAGE, SET SCHEMA, ...) still lock the table.
    let mut alter = Cursor::new(src, tokens);
    if let Some(table) = alter_table_head(&mut alter) {
        return split_top_level(alter.rest(), src)
            .into_iter()
            .map(|clause| Op {
                span: clause.clone(),
                kind: OpKind::OtherTableChange {
                    table: table.clone(),
                    what: clause_words(&src[clause]),
                },
            })
            .collect();
    }
    // DROP TRIGGER [IF EXISTS] name ON table: ACCESS EXCLUSIVE on the table (checked on PostgreSQL 15).
    let mut trigger = Cursor::new(src, tokens);
    if trigger.eat_all(&["drop", "trigger"]) {
        while trigger.peek().is_some() && !trigger.eat("on") {
            trigger.pos += 1;
        }
        if let Some(table) = trigger.name() {
            return op(OpKind::OtherTableChange {
                table,
                what: "DROP TRIGGER".into(),
            });
        }
    }
    // LOCK [TABLE] [ONLY] name [, ...] [IN mode MODE] [NOWAIT]: the mode is ACCESS EXCLUSIVE unless named.
    let mut lock = Cursor::new(src, tokens);
    if lock.eat("lock") {
        lock.eat("table");
        lock.eat("only");
        let tables = lock.names();
        let mode = if lock.eat("in") {
            let mut words = Vec::new();
            while let Some(t) = lock.peek() {
                if t.is_word(src, "mode") {
                    break;
                }
                words.push(t.text(src).to_ascii_uppercase());
                lock.pos += 1;
            }
            words.join(" ")
        } else {
            "ACCESS EXCLUSIVE".to_string()
        };
        return tables
            .into_iter()
            .map(|table| Op {
                span: span.clone(),
                kind: OpKind::OtherTableChange {
                    table,
                    what: format!("LOCK {mode}"),
                },
            })
            .collect();
    }
    // ALTER / DROP POLICY name ON table.
    let mut policy = Cursor::new(src, tokens);
    if policy.eat_all(&["alter", "policy"]) || policy.eat_all(&["drop", "policy"]) {
        while policy.peek().is_some() && !policy.eat("on") {
            policy.pos += 1;
        }
        if let Some(table) = policy.name() {
            return op(OpKind::OtherTableChange {
                table,
                what: "POLICY".into(),
            });
        }
    }
    let what = tokens
        .iter()
        .take(2)
        .map(|t| t.text(src).to_ascii_uppercase())
        .collect::<Vec<_>>()
        .join(" ");
    op(OpKind::Opaque { what })
}

/// `CREATE [OR REPLACE] FUNCTION name (...) ...`: its name, and whether it is VOLATILE (unless it says IMMUTABLE or
/// STABLE; the body is one dollar-quoted or string token, so its words are not read as options).
fn create_function(src: &str, tokens: &[Token]) -> Option<OpKind> {
    let mut c = Cursor::new(src, tokens);
    if !c.eat("create") {
        return None;
    }
    c.eat_all(&["or", "replace"]);
    if !c.eat("function") {
        return None;
    }
    let name = c.name()?;
    let declared = |kw| c.rest().iter().any(|t| t.is_word(src, kw));
    let volatile = !(declared("immutable") || declared("stable"));
    Some(OpKind::CreateFunction { name, volatile })
}

/// After CREATE: `[OR REPLACE] [CONSTRAINT] TRIGGER name ... ON table` or `POLICY name ON table`, with its table.
fn trigger_or_policy_table(c: &mut Cursor<'_>) -> Option<(String, ObjName)> {
    let start = c.pos;
    c.eat_all(&["or", "replace"]);
    c.eat("constraint");
    let what = if c.eat("trigger") {
        "CREATE TRIGGER"
    } else if c.eat("policy") {
        "CREATE POLICY"
    } else {
        c.pos = start;
        return None;
    };
    while c.peek().is_some() && !c.eat("on") {
        c.pos += 1;
    }
    Some((what.to_string(), c.name()?))
}

fn create_index_from_tokens(c: &mut Cursor<'_>, src: &str, unique: bool) -> Option<IndexSpec> {
    let concurrently = c.eat("concurrently");
    c.eat_all(&["if", "not", "exists"]);
    let name = if c.is("on") { None } else { c.ident() };
    if !c.eat("on") {
        return None;
    }
    c.eat("only");
    let table = c.name()?;
    let method = if c.eat("using") {
        c.ident().map(|m| m.to_ascii_lowercase())
    } else {
        None
    };
    let rest = c.rest();
    let items = create_table_items(rest, src);
    let mut keys = Vec::new();
    let columns = items
        .iter()
        .map(|r| {
            let inside: Vec<&Token> = rest
                .iter()
                .filter(|t| t.span.start >= r.start && t.span.end <= r.end)
                .collect();
            // `"a" DESC NULLS LAST`, `"a" text_pattern_ops` are the column a; `lower("a")` is an expression.
            let mut key = IndexKey::default();
            let column = match inside.split_first() {
                Some((first, rest))
                    if rest
                        .iter()
                        .all(|t| matches!(t.kind, TokenKind::Word | TokenKind::QuotedIdent)) =>
                {
                    for word in rest.iter().filter_map(|t| ident_value(t, src)) {
                        match word.as_str() {
                            "desc" => key.descending = true,
                            "asc" | "nulls" | "first" | "last" => {}
                            _ => key.opclass = Some(word),
                        }
                    }
                    ident_value(first, src)
                }
                _ => None,
            };
            keys.push(key);
            column
        })
        .collect();
    if keys.iter().all(|k| *k == IndexKey::default()) {
        keys.clear();
    }
    Some(IndexSpec {
        name,
        table,
        columns,
        unique,
        partial: has_top_level_word(rest, src, "where"),
        concurrently,
        method,
        keys,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::split::split;

    fn recognized(text: &str) -> bool {
        let raw = split(text).statements.remove(0);
        fully_recognized(text, &raw.tokens)
    }

    #[test]
    fn drop_index_forms_are_fully_recognized() {
        assert!(recognized(
            "DROP INDEX CONCURRENTLY IF EXISTS \"public\".\"a_idx\";"
        ));
        assert!(recognized("drop index concurrently a, b cascade"));
        assert!(!recognized("DROP INDEX CONCURRENTLY a WHERE x;"));
        assert!(!recognized("DROP INDEX;"));
        assert!(!recognized("DROP TABLE a;"));
        assert!(recognized("REINDEX TABLE CONCURRENTLY \"User\";"));
        assert!(recognized("VACUUM (FULL) \"User\";"));
        assert!(recognized("DROP SCHEMA IF EXISTS audit CASCADE;"));
    }
}
