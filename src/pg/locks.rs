//! PostgreSQL's table locks: which lock each operation takes on which table, which statements refuse a transaction
//! block, and which take long on a table with data.

use crate::catalog::Catalog;
use crate::ops::{ConstraintKind, DmlKind, MaintenanceCommand, ObjName, OpKind};

use super::functions::volatile_call;
use super::types::is_binary_coercible;

/// The PostgreSQL table lock modes migrations take, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LockMode {
    RowExclusive,
    ShareUpdateExclusive,
    Share,
    ShareRowExclusive,
    AccessExclusive,
}

impl LockMode {
    pub fn name(self) -> &'static str {
        match self {
            LockMode::RowExclusive => "ROW EXCLUSIVE",
            LockMode::ShareUpdateExclusive => "SHARE UPDATE EXCLUSIVE",
            LockMode::Share => "SHARE",
            LockMode::ShareRowExclusive => "SHARE ROW EXCLUSIVE",
            LockMode::AccessExclusive => "ACCESS EXCLUSIVE",
        }
    }

    /// What application traffic waits while the lock is held (or queued).
    pub fn blocks(self) -> &'static str {
        match self {
            LockMode::RowExclusive => "other schema changes",
            LockMode::ShareUpdateExclusive => {
                "other schema changes and VACUUM, not reads or writes"
            }
            LockMode::Share | LockMode::ShareRowExclusive => "all writes, not reads",
            LockMode::AccessExclusive => "all reads and writes",
        }
    }

    /// Locks that block ordinary traffic, so waiting for them in the lock queue stalls it too.
    pub fn blocks_traffic(self) -> bool {
        self >= LockMode::Share
    }

    /// `an ACCESS EXCLUSIVE lock on "T" (it blocks all reads and writes)`.
    pub fn describe(self, table: &ObjName) -> String {
        self.describe_on(&table.to_string())
    }

    /// Like [`LockMode::describe`], for a target spelt out by the caller.
    pub fn describe_on(self, target: &str) -> String {
        let article = if self == LockMode::AccessExclusive {
            "an"
        } else {
            "a"
        };
        format!(
            "{article} {} lock on {target} (it blocks {})",
            self.name(),
            self.blocks()
        )
    }
}

/// The table locks an operation takes, strongest per table. Index operations resolve their table in `catalog`.
pub fn locks_taken(kind: &OpKind, catalog: &Catalog) -> Vec<(LockMode, ObjName)> {
    use LockMode::*;
    let on = |mode, table: &ObjName| vec![(mode, table.clone())];
    match kind {
        OpKind::AddColumn { table, .. }
        | OpKind::DropColumn { table, .. }
        | OpKind::RenameColumn { table, .. }
        | OpKind::RenameTable { table, .. }
        | OpKind::AlterColumnType { table, .. }
        | OpKind::SetNotNull { table, .. }
        | OpKind::DropNotNull { table, .. }
        | OpKind::SetDefault { table, .. }
        | OpKind::DropDefault { table, .. }
        | OpKind::DropConstraint { table, .. }
        | OpKind::RenameConstraint { table, .. }
        | OpKind::DropTable { table } => on(AccessExclusive, table),
        OpKind::AddConstraint {
            table, constraint, ..
        } => match &constraint.kind {
            ConstraintKind::ForeignKey { ref_table, .. } => vec![
                (ShareRowExclusive, table.clone()),
                (ShareRowExclusive, ref_table.clone()),
            ],
            _ => on(AccessExclusive, table),
        },
        OpKind::ValidateConstraint { table, .. } => on(ShareUpdateExclusive, table),
        OpKind::CreateTable {
            constraints,
            columns,
            ..
        } => columns
            .iter()
            .flat_map(|c| &c.constraints)
            .chain(constraints)
            .filter_map(|c| match &c.kind {
                ConstraintKind::ForeignKey { ref_table, .. } => {
                    Some((ShareRowExclusive, ref_table.clone()))
                }
                _ => None,
            })
            .collect(),
        OpKind::CreateIndex(spec) if spec.concurrently => on(ShareUpdateExclusive, &spec.table),
        OpKind::CreateIndex(spec) => on(Share, &spec.table),
        OpKind::DropIndex {
            index,
            concurrently,
        } => match index_table(catalog, index) {
            Some(table) if *concurrently => vec![(ShareUpdateExclusive, table)],
            Some(table) => vec![(AccessExclusive, table)],
            None => Vec::new(),
        },
        OpKind::Truncate { tables } => tables
            .iter()
            .map(|t| (AccessExclusive, t.clone()))
            .collect(),
        OpKind::Maintenance { command, target } => {
            let Some(target) = target else {
                return Vec::new();
            };
            match command {
                MaintenanceCommand::VacuumFull | MaintenanceCommand::Cluster => {
                    on(AccessExclusive, target)
                }
                MaintenanceCommand::Reindex { concurrently: true } => {
                    on(ShareUpdateExclusive, target)
                }
                MaintenanceCommand::Reindex {
                    concurrently: false,
                } => match index_table(catalog, target) {
                    Some(table) => on(Share, &table),
                    None => on(Share, target),
                },
            }
        }
        OpKind::Dml { table, .. } => on(RowExclusive, table),
        OpKind::OtherTableChange { table, what } => on(other_change_lock(what), table),
        _ => Vec::new(),
    }
}

/// The lock of a table change modelled only by its leading words (PostgreSQL's ALTER TABLE and CREATE TRIGGER /
/// POLICY pages; tests/truth.rs checks them against pg_locks). Anything not listed takes ACCESS EXCLUSIVE, the
/// default for ALTER TABLE.
fn other_change_lock(what: &str) -> LockMode {
    let words: Vec<&str> = what.split(' ').collect();
    let has = |w: &str| words.contains(&w);
    if let Some(mode) = what.strip_prefix("LOCK ") {
        // LOCK TABLE in the mode it names; the weaker modes block no traffic, like ROW EXCLUSIVE.
        return match mode {
            "ACCESS EXCLUSIVE" => LockMode::AccessExclusive,
            // EXCLUSIVE blocks every write but not plain reads, like SHARE ROW EXCLUSIVE.
            "EXCLUSIVE" | "SHARE ROW EXCLUSIVE" => LockMode::ShareRowExclusive,
            "SHARE" => LockMode::Share,
            "SHARE UPDATE EXCLUSIVE" => LockMode::ShareUpdateExclusive,
            _ => LockMode::RowExclusive,
        };
    }
    if what == "DROP TRIGGER" {
        LockMode::AccessExclusive
    } else if has("TRIGGER") {
        // CREATE TRIGGER, ENABLE / DISABLE [ALWAYS | REPLICA] TRIGGER.
        LockMode::ShareRowExclusive
    } else if has("STATISTICS")
        // `SET ( storage_parameter = ... )` / `RESET ( ... )`: the words stop at the parenthesis.
        || what == "SET"
        || what == "RESET"
        || what.starts_with("CLUSTER ON")
        || what.starts_with("SET WITHOUT CLUSTER")
        || what.starts_with("ATTACH PARTITION")
        || is_detach_concurrently(what)
    {
        LockMode::ShareUpdateExclusive
    } else {
        LockMode::AccessExclusive
    }
}

/// `DETACH PARTITION name CONCURRENTLY`, by its clause's words: SHARE UPDATE EXCLUSIVE, and refused in a
/// transaction block.
fn is_detach_concurrently(what: &str) -> bool {
    what.starts_with("DETACH PARTITION") && what.split(' ').any(|w| w == "CONCURRENTLY")
}

/// The table an index belongs to, if the catalog knows the index.
pub fn index_table(catalog: &Catalog, index: &ObjName) -> Option<ObjName> {
    catalog.table_of_index(index).map(|t| t.name.clone())
}

/// `CREATE INDEX CONCURRENTLY`, `VACUUM` and the like: statements that fail inside a transaction block.
pub fn concurrent_kind(kind: &OpKind) -> Option<&'static str> {
    match kind {
        OpKind::CreateIndex(spec) if spec.concurrently => Some("CREATE INDEX CONCURRENTLY"),
        OpKind::DropIndex {
            concurrently: true, ..
        } => Some("DROP INDEX CONCURRENTLY"),
        OpKind::Maintenance {
            command: MaintenanceCommand::Reindex { concurrently: true },
            ..
        } => Some("REINDEX CONCURRENTLY"),
        // VACUUM in any form refuses a transaction block too (verified on PostgreSQL 15 in tests/truth.rs).
        OpKind::Maintenance {
            command: MaintenanceCommand::VacuumFull,
            ..
        } => Some("VACUUM FULL"),
        OpKind::Opaque { what } if what == "VACUUM" => Some("VACUUM"),
        OpKind::OtherTableChange { what, .. } if is_detach_concurrently(what) => {
            Some("DETACH PARTITION ... CONCURRENTLY")
        }
        _ => None,
    }
}

/// Statements that take long on a table with data (scan, rewrite, index build, bulk DML).
pub fn is_slow(
    kind: &OpKind,
    old_type: Option<&str>,
    postgres_version: u32,
    catalog: &Catalog,
) -> bool {
    match kind {
        OpKind::CreateIndex(spec) => !spec.concurrently,
        OpKind::AddConstraint {
            constraint,
            not_valid,
            ..
        } => match &constraint.kind {
            ConstraintKind::ForeignKey { .. } | ConstraintKind::Check { .. } => !not_valid,
            ConstraintKind::PrimaryKey { using_index, .. }
            | ConstraintKind::Unique { using_index, .. } => using_index.is_none(),
            ConstraintKind::Other => true,
        },
        // PostgreSQL 15 skips the scan for a constraint that is already valid.
        OpKind::ValidateConstraint { table, name } => catalog
            .table(table)
            .and_then(|t| t.constraints.iter().find(|c| &c.name == name))
            .is_none_or(|c| c.not_valid),
        OpKind::SetNotNull { .. } => true,
        OpKind::AlterColumnType {
            new_type, using, ..
        } => {
            using.is_some() || !old_type.is_some_and(|old| is_binary_coercible(old, &new_type.text))
        }
        OpKind::AddColumn { column, .. } => {
            column.generated
                || column.default.as_ref().is_some_and(|d| {
                    d.volatile
                        || volatile_call(catalog, &d.text).is_some()
                        || (postgres_version < 11 && !d.text.eq_ignore_ascii_case("null"))
                })
        }
        OpKind::Dml { kind, bounded, .. } => !bounded || *kind != DmlKind::Insert,
        OpKind::Maintenance { command, .. } => {
            !matches!(command, MaintenanceCommand::Reindex { concurrently: true })
        }
        _ => false,
    }
}
