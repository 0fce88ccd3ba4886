//! Lowering from sqlparser's AST: the DDL the catalog and the rules care about.

use std::borrow::Cow;
use std::ops::Range;

use sqlparser::ast::{
    self, AlterColumnOperation, AlterIndexOperation, AlterTableOperation, AlterTypeOperation,
    ColumnOption, Expr, ObjectName, ObjectNamePart, ObjectType, RenameTableNameKind,
    TableConstraint, UserDefinedTypeRepresentation,
};

use super::do_block::lower_do_block;
use super::from_tokens::{
    alter_table_clauses, clause_words, create_table_items, lower_simple, lower_tokens, unread_table,
};
use super::{
    quote_literal, ColumnSpec, Constraint, ConstraintKind, DefaultExpr, IndexKey, IndexSpec,
    ObjName, Op, OpKind, SqlType,
};
use crate::syntax::parse::ParsedStatement;
use crate::syntax::split::{ident_value, Token};

/// The operations one statement performs, in order.
pub fn lower_statement(src: &str, stmt: &ParsedStatement) -> Vec<Op> {
    if let Some(ops) = lower_simple(src, &stmt.tokens, &stmt.span) {
        return ops;
    }
    if let Some(ops) = lower_do_block(src, &stmt.tokens) {
        return ops;
    }
    match &stmt.ast {
        Ok(ast) => lower_ast(src, stmt, ast),
        Err(_) => {
            let mut ops = lower_tokens(src, &stmt.tokens, &stmt.span);
            ops.extend(unread_table(src, &stmt.tokens).map(|table| Op {
                span: stmt.span.clone(),
                kind: OpKind::Unread { table },
            }));
            ops
        }
    }
}

fn lower_ast(src: &str, stmt: &ParsedStatement, ast: &ast::Statement) -> Vec<Op> {
    let whole = stmt.span.clone();
    let op = |kind| {
        vec![Op {
            span: whole.clone(),
            kind,
        }]
    };
    match ast {
        ast::Statement::CreateTable(ct) => {
            let items = create_table_items(&stmt.tokens, src);
            // Each item's first identifier, read once (a wide table has as many items as columns).
            let item_names: Vec<Option<String>> = items
                .iter()
                .map(|r| first_ident_in(&stmt.tokens, src, r))
                .collect();
            let item_named = |name: &str| {
                items
                    .iter()
                    .zip(&item_names)
                    .find(|(_, first)| first.as_deref() == Some(name))
                    .map(|(r, _)| r.clone())
            };
            let table = obj_name(&ct.name);
            let columns: Vec<ColumnSpec> = ct
                .columns
                .iter()
                .map(|c| {
                    let span = item_named(&ident(&c.name)).unwrap_or(whole.clone());
                    column_spec(c, span)
                })
                .collect();
            // Table-level constraints follow the columns in source order far more often than not.
            let mut constraint_items = items
                .iter()
                .zip(&item_names)
                .filter(|(_, first)| !columns.iter().any(|c| Some(&c.name) == first.as_ref()))
                .map(|(r, _)| r.clone());
            let constraints = ct
                .constraints
                .iter()
                .filter_map(|tc| {
                    let span = constraint_items.next().unwrap_or(whole.clone());
                    table_constraint(tc, span)
                })
                .collect();
            op(OpKind::CreateTable {
                table,
                columns,
                constraints,
            })
        }
        ast::Statement::AlterTable(at) => {
            let table = obj_name(&at.name);
            let clauses = alter_table_clauses(&stmt.tokens, src);
            // Clause spans line up with operations one to one; if not, point at the whole statement.
            let aligned = clauses.len() == at.operations.len();
            let ops = at
                .operations
                .iter()
                .enumerate()
                .flat_map(|(i, operation)| {
                    let span = if aligned {
                        clauses[i].clone()
                    } else {
                        whole.clone()
                    };
                    alter_table_op(&table, operation, span)
                })
                .collect();
            super::without_overridden_drop_defaults(ops)
        }
        ast::Statement::CreateIndex(ci) => {
            let columns: Vec<Option<String>> = ci
                .columns
                .iter()
                .map(|c| match &c.column.expr {
                    Expr::Identifier(i) => Some(ident(i)),
                    _ => None,
                })
                .collect();
            op(OpKind::CreateIndex(IndexSpec {
                name: ci.name.as_ref().map(|n| obj_name(n).name),
                table: obj_name(&ci.table_name),
                partial: ci
                    .predicate
                    .as_ref()
                    .is_some_and(|p| !keys_not_null(p, &columns)),
                columns,
                unique: ci.unique,
                concurrently: ci.concurrently,
                method: ci
                    .using
                    .as_ref()
                    .map(|m| m.to_string().to_ascii_lowercase()),
                keys: index_keys(&ci.columns),
            }))
        }
        ast::Statement::Drop {
            object_type, names, ..
        } => names
            .iter()
            .filter_map(|n| {
                let name = obj_name(n);
                let kind = match object_type {
                    ObjectType::Table => OpKind::DropTable { table: name },
                    ObjectType::Index => OpKind::DropIndex {
                        index: name,
                        concurrently: false,
                    },
                    ObjectType::Type => OpKind::DropType { name },
                    _ => return None,
                };
                Some(Op {
                    span: whole.clone(),
                    kind,
                })
            })
            .collect(),
        ast::Statement::AlterIndex { name, operation } => match operation {
            AlterIndexOperation::RenameIndex { index_name } => op(OpKind::RenameIndex {
                index: obj_name(name),
                new_name: obj_name(index_name).name,
            }),
        },
        ast::Statement::CreateType {
            name,
            representation: Some(UserDefinedTypeRepresentation::Enum { labels }),
        } => op(OpKind::CreateEnum {
            name: obj_name(name),
            labels: labels.iter().map(|l| l.value.clone()).collect(),
        }),
        ast::Statement::AlterType(at) => {
            let name = obj_name(&at.name);
            match &at.operation {
                AlterTypeOperation::Rename(r) => op(OpKind::RenameType {
                    name,
                    new_name: ident(&r.new_name),
                }),
                AlterTypeOperation::AddValue(v) => op(OpKind::AddEnumValue {
                    name,
                    value: v.value.value.clone(),
                }),
                AlterTypeOperation::RenameValue(v) => op(OpKind::RenameEnumValue {
                    name,
                    old: v.from.value.clone(),
                    new: v.to.value.clone(),
                }),
            }
        }
        // `SELECT ... INTO t` and `CREATE MATERIALIZED VIEW v` make a relation that later statements of the history
        // may index or drop: the catalog must know it, without columns.
        ast::Statement::Query(q) => {
            let into = match q.body.as_ref() {
                ast::SetExpr::Select(select) => {
                    select.into.as_ref().and_then(|i| i.targets.first())
                }
                _ => None,
            };
            let table = match into {
                Some(Expr::Identifier(i)) => Some(ObjName::new(None, ident(i))),
                Some(Expr::CompoundIdentifier(parts)) if !parts.is_empty() => {
                    let mut names: Vec<String> = parts.iter().map(ident).collect();
                    let name = names.pop().unwrap_or_default();
                    Some(ObjName::new(names.pop(), name))
                }
                _ => None,
            };
            let mut ops: Vec<Op> = table
                .map(|table| Op {
                    span: whole.clone(),
                    kind: OpKind::CreateTable {
                        table,
                        columns: Vec::new(),
                        constraints: Vec::new(),
                    },
                })
                .into_iter()
                .collect();
            ops.extend(
                lower_tokens(src, &stmt.tokens, &stmt.span)
                    .into_iter()
                    .filter(|o| !matches!(o.kind, OpKind::CreateTable { .. })),
            );
            ops
        }
        ast::Statement::CreateView(view) if view.materialized => op(OpKind::CreateTable {
            table: obj_name(&view.name),
            columns: Vec::new(),
            constraints: Vec::new(),
        }),
        // Everything else either has no catalog effect we model or is read from tokens.
        _ => lower_tokens(src, &stmt.tokens, &stmt.span)
            .into_iter()
            .filter(|o| !matches!(o.kind, OpKind::CreateTable { .. }))
            .collect(),
    }
}

fn alter_table_op(table: &ObjName, operation: &AlterTableOperation, span: Range<usize>) -> Vec<Op> {
    let table = table.clone();
    let kind = match operation {
        AlterTableOperation::AddColumn { column_def, .. } => OpKind::AddColumn {
            table,
            column: column_spec(column_def, span.clone()),
        },
        AlterTableOperation::DropColumn { column_names, .. } => {
            return column_names
                .iter()
                .map(|c| Op {
                    span: span.clone(),
                    kind: OpKind::DropColumn {
                        table: table.clone(),
                        column: ident(c),
                    },
                })
                .collect();
        }
        AlterTableOperation::RenameColumn {
            old_column_name,
            new_column_name,
        } => OpKind::RenameColumn {
            table,
            old: ident(old_column_name),
            new: ident(new_column_name),
        },
        AlterTableOperation::RenameTable { table_name } => {
            let new = match table_name {
                RenameTableNameKind::As(n) | RenameTableNameKind::To(n) => obj_name(n),
            };
            OpKind::RenameTable {
                table,
                new_name: new.name,
            }
        }
        AlterTableOperation::AddConstraint {
            constraint,
            not_valid,
        } => match table_constraint(constraint, span.clone()) {
            Some(constraint) => OpKind::AddConstraint {
                table,
                constraint,
                not_valid: *not_valid,
            },
            None => return Vec::new(),
        },
        AlterTableOperation::DropConstraint { name, .. } => OpKind::DropConstraint {
            table,
            name: ident(name),
        },
        AlterTableOperation::DropPrimaryKey { .. } => OpKind::DropConstraint {
            name: format!("{}_pkey", table.name),
            table,
        },
        AlterTableOperation::ValidateConstraint { name } => OpKind::ValidateConstraint {
            table,
            name: ident(name),
        },
        AlterTableOperation::RenameConstraint { old_name, new_name } => OpKind::RenameConstraint {
            table,
            old: ident(old_name),
            new: ident(new_name),
        },
        AlterTableOperation::AlterColumn { column_name, op } => {
            let column = ident(column_name);
            match op {
                AlterColumnOperation::SetNotNull => OpKind::SetNotNull { table, column },
                AlterColumnOperation::DropNotNull => OpKind::DropNotNull { table, column },
                AlterColumnOperation::SetDefault { value } => OpKind::SetDefault {
                    table,
                    column,
                    default: DefaultExpr::new(default_text(value)),
                },
                AlterColumnOperation::DropDefault => OpKind::DropDefault { table, column },
                AlterColumnOperation::SetDataType {
                    data_type, using, ..
                } => OpKind::AlterColumnType {
                    table,
                    column,
                    new_type: sql_type(data_type),
                    using: using.as_ref().map(|u| u.to_string()),
                },
                _ => other_change(table, &format!("ALTER COLUMN {op}")),
            }
        }
        _ => other_change(table, &operation.to_string()),
    };
    vec![Op { span, kind }]
}

/// An ALTER TABLE clause we model only by its lock, named by its leading keywords.
fn other_change(table: ObjName, clause: &str) -> OpKind {
    OpKind::OtherTableChange {
        table,
        what: clause_words(clause),
    }
}

fn column_spec(c: &ast::ColumnDef, span: Range<usize>) -> ColumnSpec {
    let name = ident(&c.name);
    let mut spec = ColumnSpec::new(name.clone(), sql_type(&c.data_type));
    for option in &c.options {
        let constraint_name = option.name.as_ref().map(ident);
        let mut constrain = |kind| {
            spec.constraints.push(Constraint {
                name: constraint_name.clone(),
                kind,
                span: span.clone(),
            })
        };
        match &option.option {
            ColumnOption::NotNull => (spec.not_null, spec.not_null_from_serial) = (true, false),
            ColumnOption::Null => (spec.not_null, spec.not_null_from_serial) = (false, false),
            ColumnOption::Default(expr) => {
                spec.default = Some(DefaultExpr::new(default_text(expr)))
            }
            ColumnOption::PrimaryKey(_) => {
                constrain(ConstraintKind::PrimaryKey {
                    columns: vec![name.clone()],
                    using_index: None,
                });
                (spec.not_null, spec.not_null_from_serial) = (true, false);
            }
            ColumnOption::Unique(_) => constrain(ConstraintKind::Unique {
                columns: vec![name.clone()],
                using_index: None,
            }),
            ColumnOption::ForeignKey(fk) => constrain(ConstraintKind::ForeignKey {
                columns: vec![name.clone()],
                ref_table: obj_name(&fk.foreign_table),
                ref_columns: fk.referred_columns.iter().map(ident).collect(),
                on_delete: fk.on_delete.map(|a| a.to_string()),
                on_update: fk.on_update.map(|a| a.to_string()),
            }),
            ColumnOption::Check(check) => constrain(ConstraintKind::Check {
                expr: check.expr.to_string(),
            }),
            ColumnOption::Generated { .. } => spec.generated = true,
            _ => {}
        }
    }
    spec
}

fn table_constraint(tc: &TableConstraint, span: Range<usize>) -> Option<Constraint> {
    let columns = |cols: &[ast::IndexColumn]| -> Vec<String> {
        cols.iter()
            .map(|c| match &c.column.expr {
                Expr::Identifier(i) => ident(i),
                other => other.to_string(),
            })
            .collect()
    };
    let (name, kind) = match tc {
        TableConstraint::PrimaryKey(pk) => (
            pk.name.as_ref().map(ident),
            ConstraintKind::PrimaryKey {
                columns: columns(&pk.columns),
                using_index: None,
            },
        ),
        TableConstraint::Unique(u) => (
            u.name.as_ref().map(ident),
            ConstraintKind::Unique {
                columns: columns(&u.columns),
                using_index: None,
            },
        ),
        TableConstraint::PrimaryKeyUsingIndex(u) => (
            u.name.as_ref().map(ident),
            ConstraintKind::PrimaryKey {
                columns: Vec::new(),
                using_index: Some(ident(&u.index_name)),
            },
        ),
        TableConstraint::UniqueUsingIndex(u) => (
            u.name.as_ref().map(ident),
            ConstraintKind::Unique {
                columns: Vec::new(),
                using_index: Some(ident(&u.index_name)),
            },
        ),
        TableConstraint::ForeignKey(fk) => (
            fk.name.as_ref().map(ident),
            ConstraintKind::ForeignKey {
                columns: fk.columns.iter().map(ident).collect(),
                ref_table: obj_name(&fk.foreign_table),
                ref_columns: fk.referred_columns.iter().map(ident).collect(),
                on_delete: fk.on_delete.map(|a| a.to_string()),
                on_update: fk.on_update.map(|a| a.to_string()),
            },
        ),
        TableConstraint::Check(c) => (
            c.name.as_ref().map(ident),
            ConstraintKind::Check {
                expr: c.expr.to_string(),
            },
        ),
        TableConstraint::Exclude(_) => (None, ConstraintKind::Other),
        _ => return None,
    };
    Some(Constraint { name, kind, span })
}

/// The sort order and operator class of each key; empty when every key is plain ascending.
fn index_keys(columns: &[ast::IndexColumn]) -> Vec<IndexKey> {
    let keys: Vec<IndexKey> = columns
        .iter()
        .map(|c| IndexKey {
            descending: matches!(c.column.options.sort, Some(ast::OrderBySort::Desc)),
            opclass: c.operator_class.as_ref().map(|n| obj_name(n).name),
        })
        .collect();
    if keys.iter().all(|k| *k == IndexKey::default()) {
        return Vec::new();
    }
    keys
}

/// `WHERE key IS NOT NULL [AND ...]` on key columns only: a lookup by key never matches the rows it leaves out, so
/// the index serves every key lookup (and uniqueness) like a complete one.
fn keys_not_null(predicate: &Expr, columns: &[Option<String>]) -> bool {
    match predicate {
        Expr::IsNotNull(e) => {
            matches!(e.as_ref(), Expr::Identifier(i) if columns.contains(&Some(ident(i))))
        }
        Expr::BinaryOp {
            left,
            op: ast::BinaryOperator::And,
            right,
        } => keys_not_null(left, columns) && keys_not_null(right, columns),
        Expr::Nested(e) => keys_not_null(e, columns),
        _ => false,
    }
}

/// A default's SQL text. sqlparser prints a string holding two quotes in a row as if they were one escaped quote (`''`
/// as `''''`, which reads back as `'`), so a string literal, alone, cast with `::`, in parentheses or in an array, is
/// written here.
fn default_text(expr: &Expr) -> String {
    match expr {
        Expr::Value(v) => match &v.value {
            ast::Value::SingleQuotedString(s) => quote_literal(s),
            ast::Value::NationalStringLiteral(s) => format!("N{}", quote_literal(s)),
            _ => expr.to_string(),
        },
        Expr::Cast {
            kind: ast::CastKind::DoubleColon,
            expr: inner,
            data_type,
            format: None,
        } => format!("{}::{data_type}", default_text(inner)),
        Expr::Nested(inner) => format!("({})", default_text(inner)),
        Expr::Array(array) => {
            let items: Vec<String> = array.elem.iter().map(default_text).collect();
            let keyword = if array.named { "ARRAY" } else { "" };
            format!("{keyword}[{}]", items.join(", "))
        }
        _ => expr.to_string(),
    }
}

/// PostgreSQL folds unquoted identifiers to lower case.
fn ident(i: &ast::Ident) -> String {
    match i.quote_style {
        Some(_) => i.value.clone(),
        None => i.value.to_ascii_lowercase(),
    }
}

fn obj_name(n: &ObjectName) -> ObjName {
    let mut parts: Vec<String> =
        n.0.iter()
            .filter_map(|p| match p {
                ObjectNamePart::Identifier(i) => Some(ident(i)),
                _ => None,
            })
            .collect();
    let name = parts.pop().unwrap_or_default();
    ObjName::new(parts.pop(), name)
}

fn sql_type(data_type: &ast::DataType) -> SqlType {
    match common_type(data_type) {
        Some(name) => SqlType::new(name),
        None => SqlType::new(normalize_type(&data_type.to_string())),
    }
}

/// The normalised spelling of the commonest column types, known without printing and normalising them (a wide
/// table has dozens of columns).
fn common_type(data_type: &ast::DataType) -> Option<&'static str> {
    use ast::DataType as T;
    Some(match data_type {
        T::Text => "text",
        T::Int(None) | T::Int4(None) | T::Integer(None) => "integer",
        T::BigInt(None) | T::Int8(None) => "bigint",
        T::SmallInt(None) => "smallint",
        T::Bool | T::Boolean => "boolean",
        T::DoublePrecision | T::Float8 => "double precision",
        T::JSON => "json",
        T::JSONB => "jsonb",
        T::Uuid => "uuid",
        T::Bytea => "bytea",
        T::Timestamp(Some(3), ast::TimezoneInfo::None) => "timestamp(3)",
        _ => return None,
    })
}

fn first_ident_in(tokens: &[Token], src: &str, span: &Range<usize>) -> Option<String> {
    // Tokens are in source order.
    let first = tokens.get(tokens.partition_point(|t| t.span.start < span.start))?;
    ident_value(first, src)
}

/// One spelling per PostgreSQL type, so `INT` and `integer`, `VARCHAR` and `character varying` compare equal.
pub(crate) fn normalize_type(text: &str) -> String {
    // One pass: lower-case outside double quotes (quoted user types keep their case), one space between words and
    // none before `(` or after `,`.
    let mut compact = String::with_capacity(text.len());
    let (mut quoted, mut space) = (false, false);
    for ch in text.chars() {
        if ch.is_whitespace() {
            space = !compact.is_empty();
            continue;
        }
        if ch == '"' {
            quoted = !quoted;
        }
        if space && ch != '(' && !compact.ends_with(',') {
            compact.push(' ');
        }
        space = false;
        compact.push(if quoted { ch } else { ch.to_ascii_lowercase() });
    }
    let (base, array) = match compact.strip_suffix("[]") {
        Some(base) => (base, "[]"),
        None => (compact.as_str(), ""),
    };
    let (head, args) = match base.find('(') {
        Some(i) if !base.starts_with('"') => {
            let close = base.rfind(')').unwrap_or(base.len().saturating_sub(1));
            let args = base.get(i..=close).unwrap_or("");
            let head = match base.get(close + 1..).unwrap_or("") {
                "" => Cow::Borrowed(base[..i].trim()),
                after => Cow::Owned(format!("{}{after}", &base[..i]).trim().to_string()),
            };
            (head, args)
        }
        _ => (Cow::Borrowed(base), ""),
    };
    // `pg_catalog.varchar` is the built-in type itself.
    let head = head.strip_prefix("public.").unwrap_or(&head);
    let head = head.strip_prefix("pg_catalog.").unwrap_or(head);
    format!("{}{args}{array}", canonical_type_name(head))
}

/// The one name PostgreSQL's aliases of a built-in type share.
fn canonical_type_name(head: &str) -> &str {
    match head {
        "int" | "int4" | "integer" => "integer",
        "int8" | "bigint" => "bigint",
        "int2" | "smallint" => "smallint",
        "bool" | "boolean" => "boolean",
        // The national spellings are the same types (checked on PostgreSQL 15 with format_type).
        "varchar"
        | "character varying"
        | "national character varying"
        | "national char varying"
        | "nchar varying" => "varchar",
        "char" | "character" | "bpchar" | "nchar" | "national character" | "national char" => {
            "char"
        }
        "varbit" | "bit varying" => "varbit",
        "decimal" | "numeric" => "numeric",
        "float8" | "double precision" | "float" => "double precision",
        "float4" | "real" => "real",
        "timestamp" | "timestamp without time zone" => "timestamp",
        "timestamptz" | "timestamp with time zone" => "timestamptz",
        "time" | "time without time zone" => "time",
        "timetz" | "time with time zone" => "timetz",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The previous, allocation-heavy way to cut a spelling into name, arguments and array marker: the one-pass one
    /// must agree with it.
    fn reference(text: &str) -> String {
        // Lower-case everything outside double quotes (quoted user types keep their case).
        let mut lowered = String::with_capacity(text.len());
        let mut quoted = false;
        for ch in text.chars() {
            if ch == '"' {
                quoted = !quoted;
            }
            lowered.push(if quoted { ch } else { ch.to_ascii_lowercase() });
        }
        let compact = lowered.split_whitespace().collect::<Vec<_>>().join(" ");
        let compact = compact.replace(", ", ",").replace(" (", "(");
        let (array, base) = match compact.strip_suffix("[]") {
            Some(b) => ("[]", b.to_string()),
            None => ("", compact),
        };
        let (head, args) = match base.find('(') {
            Some(i) if !base.starts_with('"') => {
                let close = base.rfind(')').unwrap_or(base.len().saturating_sub(1));
                let args = base.get(i..=close).unwrap_or("").to_string();
                let head = format!("{}{}", &base[..i], base.get(close + 1..).unwrap_or(""));
                (head.trim().to_string(), args)
            }
            _ => (base.clone(), String::new()),
        };
        let head = head.strip_prefix("public.").unwrap_or(&head).to_string();
        format!("{}{args}{array}", canonical_type_name(&head))
    }

    /// sqlparser prints a string holding two quotes in a row as if they were one escaped quote (`''` as `''''`, which
    /// reads back as `'`): defaults are written with every quote doubled instead.
    #[test]
    fn string_defaults_keep_their_quotes() {
        let sql = "CREATE TABLE t (a TEXT DEFAULT '''''', b TEXT DEFAULT 'it''''s'::text, \
                   c TEXT DEFAULT ('x'''), d TEXT DEFAULT 'plain', e INT DEFAULT 1 + 2, \
                   f TEXT[] DEFAULT ARRAY['a''''b', 'c']::TEXT[], g TEXT[] DEFAULT ARRAY[]::TEXT[], \
                   h TEXT DEFAULT N'a''''b')";
        let dialect = sqlparser::dialect::PostgreSqlDialect {};
        let ast = sqlparser::parser::Parser::parse_sql(&dialect, sql).unwrap();
        let ast::Statement::CreateTable(table) = &ast[0] else {
            panic!("not a CREATE TABLE")
        };
        let defaults: Vec<String> = table
            .columns
            .iter()
            .map(|c| {
                column_spec(c, 0..0)
                    .default
                    .map(|d| d.text)
                    .unwrap_or_default()
            })
            .collect();
        assert_eq!(
            defaults,
            [
                "''''''",
                "'it''''s'::TEXT",
                "('x''')",
                "'plain'",
                "1 + 2",
                "ARRAY['a''''b', 'c']::TEXT[]",
                "ARRAY[]::TEXT[]",
                "N'a''''b'"
            ]
        );
    }

    #[test]
    fn common_types_are_spelt_as_normalising_their_text_spells_them() {
        let sql = "CREATE TABLE t (a TEXT, b INT, c INT4, d INTEGER, e BIGINT, f INT8, g SMALLINT, h BOOL, \
                   i BOOLEAN, j DOUBLE PRECISION, k FLOAT8, l JSON, m JSONB, n UUID, o BYTEA, p TIMESTAMP(3))";
        let dialect = sqlparser::dialect::PostgreSqlDialect {};
        let ast = sqlparser::parser::Parser::parse_sql(&dialect, sql).unwrap();
        let ast::Statement::CreateTable(table) = &ast[0] else {
            panic!("not a CREATE TABLE")
        };
        assert_eq!(table.columns.len(), 16);
        for column in &table.columns {
            let common = common_type(&column.data_type);
            assert_eq!(
                common,
                Some(normalize_type(&column.data_type.to_string()).as_str()),
                "{}",
                column.data_type
            );
        }
    }

    #[test]
    fn one_pass_normalisation_agrees_with_the_reference() {
        let pieces = [
            "INT",
            "int4",
            " ",
            "  ",
            "\t",
            "\n",
            "(",
            ")",
            ",",
            ", ",
            "3",
            "65",
            "[]",
            "\"",
            "Role",
            "public.",
            "character",
            "varying",
            "TIMESTAMP",
            "with",
            "time",
            "zone",
            "é",
            "a b",
            "DOUBLE",
            "PRECISION",
            "x",
        ];
        let mut state = 7u64;
        for _ in 0..200_000 {
            let mut text = String::new();
            for _ in 0..(state % 8) {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1);
                text.push_str(pieces[(state >> 33) as usize % pieces.len()]);
            }
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            assert_eq!(normalize_type(&text), reference(&text), "{text:?}");
        }
    }

    #[test]
    fn type_spellings_normalise() {
        assert_eq!(normalize_type("INT"), "integer");
        assert_eq!(normalize_type("CHARACTER VARYING(255)"), "varchar(255)");
        assert_eq!(normalize_type("TIMESTAMP(3)"), "timestamp(3)");
        assert_eq!(normalize_type("BIT VARYING(8)"), "varbit(8)");
        assert_eq!(
            normalize_type("TIMESTAMP(3) WITH TIME ZONE"),
            "timestamptz(3)"
        );
        assert_eq!(normalize_type("DECIMAL(65, 30)"), "numeric(65,30)");
        assert_eq!(normalize_type("\"Role\""), "\"Role\"");
        assert_eq!(normalize_type("\"Role\"[]"), "\"Role\"[]");
        assert_eq!(normalize_type("TEXT[]"), "text[]");
    }
}
