//! The rule registry and the contexts rules see.
//!
//! Each rule lives in its own file with a `RULE` constant and a page in `rules/<id>.md`; adding a rule is that file,
//! that page, its `mod` line and one line in the `registry!` list below. Beside the rules: what they report
//! ([`diagnostic`]), what they are told ([`settings`], read from lint.toml by [`config`]), and what several share
//! (what the migration created so far, its [`transactions`], `shared`).

use crate::catalog::Catalog;
use crate::ops::{ObjName, Op};
use crate::rules::diagnostic::{Finding, Severity};
use crate::rules::settings::{RunState, Settings};
use crate::syntax::parse::Statement;
use crate::syntax::source::SourceFile;

pub mod config;
pub mod diagnostic;
pub mod drift;
mod new_objects;
pub mod settings;
mod shared;
pub mod transactions;

pub use new_objects::{NewObjects, NewObjectsAt};

mod ban_char;
mod change_column_type;
mod concurrently_in_transaction;
mod constraint_not_valid;
mod create_index_non_concurrently;
mod data_backfill_in_migration;
mod drop_column;
mod drop_index_non_concurrently;
mod drop_schema_or_database;
mod drop_table;
mod edited_applied_migration;
mod enum_value_in_transaction;
mod failed_migration;
mod fk_without_index;
mod identifier_too_long;
mod ignore_without_reason;
mod long_lock_chain;
mod migration_out_of_order;
mod missing_lock_timeout;
mod not_null_without_default;
mod prefer_bigint;
mod prefer_text;
mod prefer_timestamptz;
mod primary_key_locks;
mod rename_enum_value;
mod rename_without_map;
mod schema_drift;
mod set_not_null;
mod table_rewrite_command;
mod transaction_control_in_migration;
mod truncate;
mod unique_constraint_locks;
mod unparsed_statement;
mod unused_ignore;
mod volatile_default;

macro_rules! registry {
    ($($rule:ident),* $(,)?) => {
        /// Every rule, in the order they are documented.
        pub static RULES: &[Rule] = &[$($rule::RULE),*];
    };
}

registry! {
    not_null_without_default,
    set_not_null,
    drop_column,
    drop_table,
    rename_without_map,
    fk_without_index,
    create_index_non_concurrently,
    drop_index_non_concurrently,
    concurrently_in_transaction,
    transaction_control_in_migration,
    constraint_not_valid,
    unique_constraint_locks,
    primary_key_locks,
    change_column_type,
    volatile_default,
    enum_value_in_transaction,
    missing_lock_timeout,
    long_lock_chain,
    data_backfill_in_migration,
    truncate,
    drop_schema_or_database,
    table_rewrite_command,
    identifier_too_long,
    rename_enum_value,
    prefer_timestamptz,
    prefer_bigint,
    prefer_text,
    ban_char,
    unparsed_statement,
    edited_applied_migration,
    migration_out_of_order,
    failed_migration,
    ignore_without_reason,
    unused_ignore,
    schema_drift,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    /// The migration fails, or loses data, or breaks running application instances.
    Correctness,
    /// The migration holds locks that stall production traffic.
    Locking,
    /// The linter could not fully understand the input, or a suppression comment is wrong.
    Analysis,
    /// Conventions a team may opt into; off by default.
    Style,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Correctness => "correctness",
            Category::Locking => "locking",
            Category::Analysis => "analysis",
            Category::Style => "style",
        }
    }
}

pub struct Rule {
    /// Stable id: used in config, suppressions and output.
    pub id: &'static str,
    pub default_severity: Severity,
    /// Off unless lint.toml sets a severity for it (opt-in style rules).
    pub enabled_by_default: bool,
    pub category: Category,
    /// One line for `migrate-lint rules`.
    pub summary: &'static str,
    /// The rule's page, `rules/<id>.md`.
    pub doc: &'static str,
    pub checks: &'static [Check],
}

/// When a rule runs, and what it sees.
pub enum Check {
    /// Once per statement (e.g. to report what could not be parsed).
    Statement(StatementCheck),
    /// Once per operation, with the catalog as it was just before the operation.
    Op(OpCheck),
    /// Once per migration file, after it was replayed.
    Migration(MigrationCheck),
    /// Once, with the catalog at the end of the linted history.
    History(HistoryCheck),
}

pub type StatementCheck = fn(&StatementContext, &mut Vec<Finding>);
pub type OpCheck = fn(&OpContext, &mut Vec<Finding>);
pub type MigrationCheck = fn(&MigrationContext, &mut Vec<Finding>);
pub type HistoryCheck = fn(&HistoryContext, &mut Vec<Finding>);

pub fn find(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

pub struct StatementContext<'a> {
    pub statement: &'a Statement,
    /// sqlparser rejected the statement, but its whole grammar was read from tokens (e.g. `DROP INDEX CONCURRENTLY`).
    pub recognized_by_tokens: bool,
    pub file: &'a SourceFile,
    pub file_index: usize,
    pub settings: &'a Settings,
    pub state: &'a RunState,
}

pub struct OpContext<'a> {
    pub op: &'a Op,
    /// Every operation of this migration, in order, the later ones too (e.g. a UNIQUE index added after a column).
    pub migration_ops: &'a [Op],
    pub file: &'a SourceFile,
    pub file_index: usize,
    /// The schema just before this operation.
    pub catalog: &'a Catalog,
    /// What earlier operations of this migration created: locks and rewrites on those tables hurt no one.
    pub created_here: NewObjectsAt<'a>,
    pub settings: &'a Settings,
    pub state: &'a RunState,
}

impl OpContext<'_> {
    /// A table that already held data before this migration (or that we cannot prove is new).
    pub fn is_preexisting(&self, table: &ObjName) -> bool {
        !self.created_here.has_table(table)
    }

    pub fn finding(&self, message: String, help: Option<String>) -> Finding {
        Finding {
            file: self.file_index,
            span: self.op.span.clone(),
            message,
            help,
            suggestion: None,
            suggestion_wanted: self.state.keep_suggestions,
            severity: None,
        }
    }
}

/// An operation as replayed, with what was known about its table at that moment.
#[derive(Debug, Clone)]
pub struct ReplayedOp<'a> {
    pub op: &'a Op,
    /// The operation's table was created earlier in the same migration.
    pub new_table: bool,
    /// The operation's column was added earlier in the same migration (on a new or an existing table).
    pub new_column: bool,
}

impl ReplayedOp<'_> {
    /// The operation touches only objects this migration created, so no running client or stored row is affected.
    pub fn only_new_objects(&self) -> bool {
        self.new_table || self.new_column
    }
}

pub struct MigrationContext<'a> {
    pub file: &'a SourceFile,
    pub file_index: usize,
    /// The operations of this migration, in order.
    pub ops: &'a [ReplayedOp<'a>],
    /// The statements of this migration, in order (the operations come from them).
    pub statements: &'a [Statement],
    /// The schema before this migration started.
    pub catalog_before: &'a Catalog,
    /// What each operation of this migration created (ask [`NewObjects::before`] an operation).
    pub created: &'a NewObjects,
    pub settings: &'a Settings,
    pub state: &'a RunState,
}

impl MigrationContext<'_> {
    pub fn finding(&self, op: &Op, message: String, help: Option<String>) -> Finding {
        Finding {
            file: self.file_index,
            span: op.span.clone(),
            message,
            help,
            suggestion: None,
            suggestion_wanted: self.state.keep_suggestions,
            severity: None,
        }
    }
}

pub struct HistoryContext<'a> {
    pub files: &'a [SourceFile],
    /// Which of `files` are reported.
    pub report: &'a [bool],
    /// The schema after the last migration.
    pub catalog: &'a Catalog,
    pub settings: &'a Settings,
    pub state: &'a RunState,
}
