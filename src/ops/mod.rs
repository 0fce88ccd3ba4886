//! The lint-relevant meaning of a statement, independent of how it was recognised.
//!
//! sqlparser's AST is large and changes between releases, and some real statements only parse with our token
//! fallback. Both paths lower into these few operations, which the catalog replays and the rules inspect.

mod do_block;
mod from_ast;
mod from_tokens;
mod names;
mod prisma_shapes;

pub use from_ast::lower_statement;
pub(crate) use from_ast::normalize_type;
pub use from_tokens::{fully_recognized, lower_tokens};
pub use names::{display_ident, quote_ident, quote_literal, ObjName};
pub use prisma_shapes::lower_prisma_shape;

/// The operations of a statement whose tokens hold all a rule reads of it: transaction control, `SET`, data changes,
/// `TRUNCATE`, `CREATE FUNCTION`, `VACUUM` / `CLUSTER` / `REINDEX`, `DROP SCHEMA` / `DATABASE`, and `WITH` (opaque
/// but for a `SELECT ... INTO` table); `None` for any other.
/// Lowering these never looks at sqlparser's tree, so they are not parsed: the parse cost a tenth of a corpus run for
/// a syntax verdict alone (PostgreSQL gives that at deploy), and sqlparser's tree of a 5 MB `INSERT ... VALUES` took
/// over 1 GB. A long data statement's thinned tokens keep its outer words, which is all its op needs; the rules that
/// read more of it (a WHERE's keys) lex it again one token at a time.
pub fn lower_from_tokens(
    src: &str,
    tokens: &[crate::syntax::split::Token],
    span: &Range<usize>,
) -> Option<Vec<Op>> {
    // A `;` inside is a BEGIN ATOMIC body the splitter kept whole, or a misread one that holds the statements after
    // it: only the parse tells (it reports more than one statement), and its first words must not stand for them all.
    if tokens.iter().any(|t| t.is_punct(src, ";")) {
        return None;
    }
    from_tokens::lower_simple(src, tokens, span)
}

use std::ops::Range;

use serde::{Deserialize, Serialize};

/// The operations of one `ALTER TABLE` with the effect PostgreSQL gives them. It runs the subcommands in passes, every
/// DROP DEFAULT before any SET DEFAULT: on PostgreSQL 15, `SET DEFAULT 42, DROP DEFAULT` leaves 42 (Prisma's SQL for
/// `autoincrement()` changed to a literal relies on it), so a DROP DEFAULT after a SET DEFAULT of the same column
/// changes nothing and is left out. The others keep their written order (rules and fixes read spans in that order).
fn without_overridden_drop_defaults(mut ops: Vec<Op>) -> Vec<Op> {
    let mut set: Vec<(ObjName, String)> = Vec::new();
    ops.retain(|op| match &op.kind {
        OpKind::SetDefault { table, column, .. } => {
            set.push((table.clone(), column.clone()));
            true
        }
        OpKind::DropDefault { table, column } => {
            !set.iter().any(|(t, c)| t == table && c == column)
        }
        _ => true,
    });
    ops
}

/// One operation with the byte span of the clause that performs it (e.g. the `ADD COLUMN` line).
#[derive(Debug, Clone, PartialEq)]
pub struct Op {
    pub span: Range<usize>,
    pub kind: OpKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum OpKind {
    CreateTable {
        table: ObjName,
        columns: Vec<ColumnSpec>,
        constraints: Vec<Constraint>,
    },
    DropTable {
        table: ObjName,
    },
    RenameTable {
        table: ObjName,
        new_name: String,
    },
    AddColumn {
        table: ObjName,
        column: ColumnSpec,
    },
    DropColumn {
        table: ObjName,
        column: String,
    },
    RenameColumn {
        table: ObjName,
        old: String,
        new: String,
    },
    AlterColumnType {
        table: ObjName,
        column: String,
        new_type: SqlType,
        using: Option<String>,
    },
    SetNotNull {
        table: ObjName,
        column: String,
    },
    DropNotNull {
        table: ObjName,
        column: String,
    },
    SetDefault {
        table: ObjName,
        column: String,
        default: DefaultExpr,
    },
    DropDefault {
        table: ObjName,
        column: String,
    },
    AddConstraint {
        table: ObjName,
        constraint: Constraint,
        not_valid: bool,
    },
    DropConstraint {
        table: ObjName,
        name: String,
    },
    ValidateConstraint {
        table: ObjName,
        name: String,
    },
    RenameConstraint {
        table: ObjName,
        old: String,
        new: String,
    },
    CreateIndex(IndexSpec),
    DropIndex {
        index: ObjName,
        concurrently: bool,
    },
    RenameIndex {
        index: ObjName,
        new_name: String,
    },
    CreateEnum {
        name: ObjName,
        labels: Vec<String>,
    },
    AddEnumValue {
        name: ObjName,
        value: String,
    },
    RenameEnumValue {
        name: ObjName,
        old: String,
        new: String,
    },
    RenameType {
        name: ObjName,
        new_name: String,
    },
    DropType {
        name: ObjName,
    },
    Transaction(TransactionControl),
    /// `SET [LOCAL] name = value`.
    Set {
        name: String,
        value: String,
    },
    Dml {
        kind: DmlKind,
        table: ObjName,
        /// UPDATE/DELETE with a WHERE clause, or INSERT with VALUES (not a SELECT).
        bounded: bool,
    },
    Truncate {
        tables: Vec<ObjName>,
    },
    /// `VACUUM FULL`, `CLUSTER`, `REINDEX`: maintenance commands that rebuild a table or its indexes.
    Maintenance {
        command: MaintenanceCommand,
        /// The table (or index, for `REINDEX INDEX`) named, if one is.
        target: Option<ObjName>,
    },
    /// `DROP SCHEMA` / `DROP DATABASE`.
    DropContainer {
        kind: ContainerKind,
        names: Vec<ObjName>,
    },
    /// A change to a table that matters only for its lock (`CREATE TRIGGER`, `ENABLE ROW LEVEL SECURITY`,
    /// `OWNER TO`, ...): `what` is the clause's leading words, upper-cased, for pg/locks.rs to map to a lock mode.
    OtherTableChange {
        table: ObjName,
        what: String,
    },
    /// `CREATE [OR REPLACE] FUNCTION name`: `volatile` unless it declares itself IMMUTABLE or STABLE (PostgreSQL's
    /// default is VOLATILE), which decides whether a DEFAULT calling it rewrites a table.
    CreateFunction {
        name: ObjName,
        volatile: bool,
    },
    /// A table that a statement sqlparser could not read creates or alters (`CREATE TABLE ... TABLESPACE t`,
    /// `ALTER TABLE ... COMPRESSION m`, both valid): what the statement did to its columns, keys and indexes is unknown.
    Unread {
        table: ObjName,
    },
    /// A statement whose effects we do not model (`DO` blocks, grants, ...).
    Opaque {
        what: String,
    },
}

impl OpKind {
    /// The table this operation changes, if it changes exactly one.
    pub fn table(&self) -> Option<&ObjName> {
        match self {
            OpKind::CreateTable { table, .. }
            | OpKind::DropTable { table }
            | OpKind::RenameTable { table, .. }
            | OpKind::AddColumn { table, .. }
            | OpKind::DropColumn { table, .. }
            | OpKind::RenameColumn { table, .. }
            | OpKind::AlterColumnType { table, .. }
            | OpKind::SetNotNull { table, .. }
            | OpKind::DropNotNull { table, .. }
            | OpKind::SetDefault { table, .. }
            | OpKind::DropDefault { table, .. }
            | OpKind::AddConstraint { table, .. }
            | OpKind::DropConstraint { table, .. }
            | OpKind::ValidateConstraint { table, .. }
            | OpKind::RenameConstraint { table, .. }
            | OpKind::Dml { table, .. } => Some(table),
            OpKind::CreateIndex(spec) => Some(&spec.table),
            _ => None,
        }
    }
}

impl OpKind {
    /// The existing column this operation changes, if any.
    pub fn column(&self) -> Option<&str> {
        match self {
            OpKind::DropColumn { column, .. }
            | OpKind::AlterColumnType { column, .. }
            | OpKind::SetNotNull { column, .. }
            | OpKind::DropNotNull { column, .. }
            | OpKind::SetDefault { column, .. }
            | OpKind::DropDefault { column, .. } => Some(column),
            OpKind::RenameColumn { old, .. } => Some(old),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransactionControl {
    Begin,
    Commit,
    Rollback,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaintenanceCommand {
    VacuumFull,
    Cluster,
    Reindex { concurrently: bool },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContainerKind {
    Schema,
    Database,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DmlKind {
    Insert,
    Update,
    Delete,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ColumnSpec {
    pub name: String,
    pub ty: SqlType,
    pub not_null: bool,
    /// NOT NULL only because the type is a serial: no NOT NULL, NULL or PRIMARY KEY was written.
    pub not_null_from_serial: bool,
    pub default: Option<DefaultExpr>,
    /// Inline PRIMARY KEY / UNIQUE / REFERENCES / CHECK, already turned into table constraints on this column.
    pub constraints: Vec<Constraint>,
    /// `GENERATED ALWAYS AS (...) STORED`, identity, or a serial type: values are computed for every row.
    pub generated: bool,
}

impl ColumnSpec {
    /// A column as its type alone makes it, before any option: a serial type is `NOT NULL` and generated.
    pub fn new(name: String, ty: SqlType) -> Self {
        let serial = integer_of_serial(&ty.text).is_some();
        ColumnSpec {
            name,
            ty,
            not_null: serial,
            not_null_from_serial: serial,
            default: None,
            constraints: Vec::new(),
            generated: serial,
        }
    }
}

/// A column type as written, normalised to lower case with quoted user types kept as they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SqlType {
    /// Display form, e.g. `varchar(255)`, `timestamp(3)`, `"Role"`, `text[]`.
    pub text: String,
}

/// Each serial type (and its other spelling) with the integer type (and its other spelling) it is.
const SERIALS: [[&str; 4]; 3] = [
    ["serial", "serial4", "integer", "int4"],
    ["bigserial", "serial8", "bigint", "int8"],
    ["smallserial", "serial2", "smallint", "int2"],
];

/// The integer type a serial type (as normalised, e.g. `bigserial`) is: an integer column whose default draws from a
/// sequence. None for any other type.
pub fn integer_of_serial(type_text: &str) -> Option<&'static str> {
    let [_, _, integer, _] = SERIALS.iter().find(|s| s[..2].contains(&type_text))?;
    Some(integer)
}

/// The serial type of an integer type (as normalised, e.g. `bigint`): what a serial retyped to it still is.
pub fn serial_of_integer(type_text: &str) -> Option<&'static str> {
    let [serial, ..] = SERIALS.iter().find(|s| s[2..].contains(&type_text))?;
    Some(serial)
}

impl SqlType {
    pub fn new(text: impl Into<String>) -> Self {
        SqlType { text: text.into() }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DefaultExpr {
    pub text: String,
    /// Calls a volatile function, so PostgreSQL must evaluate it for every existing row.
    pub volatile: bool,
}

impl DefaultExpr {
    pub fn new(text: impl Into<String>) -> Self {
        let text = text.into();
        let volatile = is_volatile_expr(&text);
        DefaultExpr { text, volatile }
    }
}

/// Functions whose value differs per row, so a DEFAULT using them cannot be stored once in the catalog.
const VOLATILE_FUNCTIONS: &[&str] = &[
    "random",
    "gen_random_uuid",
    "uuid_generate_v1",
    "uuid_generate_v1mc",
    "uuid_generate_v4",
    "clock_timestamp",
    "timeofday",
    "nextval",
    "gen_random_bytes",
    "uuidv7",
    "uuidv4",
];

fn is_volatile_expr(text: &str) -> bool {
    // Most defaults are literals: no call, nothing to look for.
    if !text.contains('(') {
        return false;
    }
    let lower = strip_string_literals(&text.to_ascii_lowercase());
    VOLATILE_FUNCTIONS.iter().any(|f| {
        lower.match_indices(f).any(|(i, _)| {
            let before_ok = lower[..i]
                .chars()
                .next_back()
                .is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
            let after = lower[i + f.len()..].trim_start();
            before_ok && after.starts_with('(')
        })
    })
}

/// Blanks out `'...'` literals so their contents are not mistaken for calls.
fn strip_string_literals(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    for c in text.chars() {
        if c == '\'' {
            in_string = !in_string;
            out.push(c);
        } else if in_string {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

#[derive(Debug, Clone, PartialEq)]
pub struct Constraint {
    pub name: Option<String>,
    pub kind: ConstraintKind,
    /// Where the constraint is written (its clause or column definition).
    pub span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ConstraintKind {
    PrimaryKey {
        columns: Vec<String>,
        using_index: Option<String>,
    },
    Unique {
        columns: Vec<String>,
        using_index: Option<String>,
    },
    ForeignKey {
        columns: Vec<String>,
        ref_table: ObjName,
        ref_columns: Vec<String>,
        /// `ON DELETE` / `ON UPDATE` as written, upper case (`CASCADE`, `SET NULL`, ...); None is PostgreSQL's
        /// `NO ACTION`. The schema-drift check compares them with Prisma's.
        #[serde(default)]
        on_delete: Option<String>,
        #[serde(default)]
        on_update: Option<String>,
    },
    Check {
        expr: String,
    },
    Other,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IndexSpec {
    pub name: Option<String>,
    pub table: ObjName,
    /// Key columns in order; `None` for an expression key.
    pub columns: Vec<Option<String>>,
    pub unique: bool,
    /// Has a WHERE that leaves out rows a key lookup can match (`WHERE key IS NOT NULL` does not).
    pub partial: bool,
    pub concurrently: bool,
    /// `USING method`, lower case, when written.
    pub method: Option<String>,
    /// Per key, in order: its sort order and operator class (empty when every key is plain ascending).
    pub keys: Vec<IndexKey>,
}

/// How one index key is sorted and compared, as far as Prisma's `@@index` can say it (`sort:`, `ops:`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexKey {
    pub descending: bool,
    /// Operator class, lower case unless quoted (`text_pattern_ops`).
    pub opclass: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn volatile_defaults_are_recognised_by_function_call() {
        assert!(DefaultExpr::new("gen_random_uuid()").volatile);
        assert!(DefaultExpr::new("(random() * 10)").volatile);
        assert!(DefaultExpr::new("nextval('a_id_seq'::regclass)").volatile);
        assert!(!DefaultExpr::new("now()").volatile);
        assert!(!DefaultExpr::new("CURRENT_TIMESTAMP").volatile);
        assert!(
            !DefaultExpr::new("'random()'").volatile,
            "text inside a string literal is not a call"
        );
        assert!(!DefaultExpr::new("my_random(1)").volatile);
    }
}
