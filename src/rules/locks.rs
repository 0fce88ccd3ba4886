//! What the lock rules share: which lock an operation takes on which table, which tables are new in this
//! migration, how statements group into transactions, and which type changes PostgreSQL can do without a rewrite.

use super::{MigrationContext, OpContext};
use crate::catalog::Catalog;
use crate::diagnostic::Finding;
use crate::ops::{
    display_ident, ConstraintKind, DmlKind, MaintenanceCommand, ObjName, OpKind, TransactionControl,
};
use crate::parse::Statement;
use crate::suggestion::{index_then_constraint, locked, Placement, Suggestion};

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
    {
        LockMode::ShareUpdateExclusive
    } else {
        LockMode::AccessExclusive
    }
}

/// The table an index belongs to, if the catalog knows the index.
pub fn index_table(catalog: &Catalog, index: &ObjName) -> Option<ObjName> {
    catalog.table_of_index(index).map(|t| t.name.clone())
}

/// foldhash instead of SipHash: every operation of a migration is recorded and looked up here.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// Tables, indexes and columns created in the migration being walked, each with the operation that created it:
/// locks on them hurt no one, and no running client or stored row depends on them. The replay records every
/// operation once; rules ask what existed [`before`](NewObjects::before) a given operation.
#[derive(Debug, Default)]
pub struct NewObjects {
    /// Catalog key → index (in the migration) of the operation that created it.
    tables: HashMap<String, usize>,
    indexes: HashMap<String, usize>,
    /// Columns added to tables that existed before: table key → column → index of the operation.
    columns: HashMap<String, HashMap<String, usize>>,
    /// How many operations were recorded.
    recorded: usize,
}

/// [`NewObjects`] as they were just before one operation of the migration.
#[derive(Debug, Clone, Copy)]
pub struct NewObjectsAt<'a> {
    all: &'a NewObjects,
    before: usize,
}

impl NewObjects {
    /// What was created before operation `index` of the migration.
    pub fn before(&self, index: usize) -> NewObjectsAt<'_> {
        NewObjectsAt {
            all: self,
            before: index,
        }
    }

    /// What was created by the operations recorded so far.
    pub fn now(&self) -> NewObjectsAt<'_> {
        self.before(self.recorded)
    }

    pub fn has_table(&self, table: &ObjName) -> bool {
        self.now().has_table(table)
    }

    pub fn has_column(&self, table: &ObjName, column: &str) -> bool {
        self.now().has_column(table, column)
    }

    /// Call after each operation, in order.
    pub fn record(&mut self, kind: &OpKind) {
        let at = self.recorded;
        self.recorded += 1;
        // The first creation counts: a name created twice existed from the first time on.
        match kind {
            OpKind::CreateTable { table, .. } => {
                self.tables.entry(table.key()).or_insert(at);
            }
            OpKind::RenameTable { table, new_name } if self.has_table(table) => {
                let renamed = ObjName::new(table.schema.clone(), new_name.clone()).key();
                self.tables.entry(renamed).or_insert(at);
            }
            OpKind::CreateIndex(spec) => {
                if let Some(name) = &spec.name {
                    let key = ObjName::new(spec.table.schema.clone(), name.clone()).key();
                    self.indexes.entry(key).or_insert(at);
                }
            }
            OpKind::AddColumn { table, column } => {
                let columns = self.columns.entry(table.key()).or_default();
                columns.entry(column.name.clone()).or_insert(at);
            }
            OpKind::RenameColumn { table, old, new } if self.has_column(table, old) => {
                let columns = self.columns.entry(table.key()).or_default();
                columns.entry(new.clone()).or_insert(at);
            }
            _ => {}
        }
    }
}

impl NewObjectsAt<'_> {
    fn created(&self, at: Option<&usize>) -> bool {
        at.is_some_and(|&at| at < self.before)
    }

    pub fn has_table(&self, table: &ObjName) -> bool {
        self.created(self.all.tables.get(&*table.key_ref()))
    }

    pub fn has_index(&self, index: &ObjName) -> bool {
        self.created(self.all.indexes.get(&*index.key_ref()))
    }

    /// The column was added in this migration (or its whole table was created in it).
    pub fn has_column(&self, table: &ObjName, column: &str) -> bool {
        self.has_table(table)
            || self.created(
                self.all
                    .columns
                    .get(&*table.key_ref())
                    .and_then(|columns| columns.get(column)),
            )
    }

    /// The locks an operation takes on tables that held data before this migration.
    pub fn existing_locks(&self, kind: &OpKind, catalog: &Catalog) -> Vec<(LockMode, ObjName)> {
        if let OpKind::DropIndex { index, .. } = kind {
            if self.has_index(index) {
                return Vec::new();
            }
        }
        locks_taken(kind, catalog)
            .into_iter()
            .filter(|(_, t)| !self.has_table(t))
            .collect()
    }
}

/// Where an operation runs, transaction-wise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TxPos {
    /// Operations with the same id commit together, so locks taken by the first are held through the last.
    pub id: usize,
    /// Inside a transaction block (explicit, or the implicit one of a multi-statement file): CONCURRENTLY and
    /// (before PostgreSQL 12) `ADD VALUE` fail here.
    pub in_block: bool,
}

/// The transaction of every operation of the migration, index for index with `ctx.ops`.
pub fn transactions(ctx: &MigrationContext) -> Vec<TxPos> {
    let implicit = ctx.settings.file_is_one_transaction() && ctx.statements.len() > 1;
    let mut out = Vec::with_capacity(ctx.ops.len());
    let mut next_id = 1;
    let mut current = 0;
    let mut explicit = false;
    for replayed in ctx.ops {
        match &replayed.op.kind {
            OpKind::Transaction(TransactionControl::Begin) => {
                if !implicit {
                    current = next_id;
                    next_id += 1;
                }
                explicit = true;
                out.push(TxPos {
                    id: current,
                    in_block: true,
                });
            }
            OpKind::Transaction(_) => {
                out.push(TxPos {
                    id: current,
                    in_block: true,
                });
                explicit = false;
                current = next_id;
                next_id += 1;
            }
            _ if explicit || implicit => out.push(TxPos {
                id: current,
                in_block: true,
            }),
            _ => {
                out.push(TxPos {
                    id: next_id,
                    in_block: false,
                });
                next_id += 1;
            }
        }
    }
    out
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
        _ => None,
    }
}

/// Statement text isolated by `isolate`: the CONCURRENTLY statements, alone.
pub fn alone_if_concurrent(
    ctx: &MigrationContext,
    statement: &Statement,
    text: &str,
) -> Option<Vec<String>> {
    ctx.ops
        .iter()
        .any(|r| statement.span.contains(&r.op.span.start) && concurrent_kind(&r.op.kind).is_some())
        .then(|| vec![text.to_string()])
}

/// A suggestion that replaces the whole migration with [`split_migration`]'s migrations.
pub fn split_suggestion(
    ctx: &MigrationContext,
    summary: &str,
    isolate: &dyn Fn(&Statement, &str) -> Option<Vec<String>>,
) -> Suggestion {
    let split = split_migration(ctx, isolate);
    let several = split.len() > 1;
    Suggestion::new(summary, Placement::ReplaceMigration, split).notes_if(
        several,
        "each migration below is a migration folder of its own, named to sort in this order",
    )
}

/// For [`split_suggestion`]: the statement holding byte `at` goes alone into a migration of its own.
pub fn alone_at(at: usize) -> impl Fn(&Statement, &str) -> Option<Vec<String>> {
    move |statement, text| statement.span.contains(&at).then(|| vec![text.to_string()])
}

/// The migration's statements regrouped into migrations: each statement `isolate` picks becomes the migration it
/// returns, the others stay together in their order, each group starting with `SET lock_timeout` unless it sets one.
/// BEGIN / COMMIT go: every migration file is its own transaction.
fn split_migration(
    ctx: &MigrationContext,
    isolate: &dyn Fn(&Statement, &str) -> Option<Vec<String>>,
) -> Vec<Vec<String>> {
    let has_op = |s: &Statement, pick: &dyn Fn(&OpKind) -> bool| {
        ctx.ops
            .iter()
            .any(|r| s.span.contains(&r.op.span.start) && pick(&r.op.kind))
    };
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut group: Vec<String> = Vec::new();
    let mut group_sets_timeout = false;
    let flush = |group: &mut Vec<String>, sets_timeout: &mut bool, out: &mut Vec<Vec<String>>| {
        if !group.is_empty() {
            let statements = std::mem::take(group);
            out.push(if *sets_timeout {
                statements
            } else {
                locked(statements)
            });
        }
        *sets_timeout = false;
    };
    for statement in ctx.statements {
        let text = format!(
            "{};",
            ctx.file
                .slice(&statement.span)
                .trim()
                .trim_end_matches(';')
                .trim_end()
        );
        if has_op(statement, &|k| matches!(k, OpKind::Transaction(_))) {
            continue;
        }
        if let Some(alone) = isolate(statement, &text) {
            flush(&mut group, &mut group_sets_timeout, &mut out);
            out.push(alone);
            continue;
        }
        group_sets_timeout |= has_op(
            statement,
            &|k| matches!(k, OpKind::Set { name, .. } if name == "lock_timeout"),
        );
        group.push(text);
    }
    flush(&mut group, &mut group_sets_timeout, &mut out);
    // A group left with nothing but settings changes nothing.
    out.retain(|m| !m.iter().all(|s| s.to_ascii_uppercase().starts_with("SET ")));
    out
}

/// PostgreSQL can change `old` to `new` without rewriting the table or scanning it (a binary-coercible change, or a
/// typmod change its support functions accept). Only proven cases are listed; anything else counts as a rewrite.
/// Each case was checked on PostgreSQL 15 (the relfilenode stays the same); `char(n)` → `text` does rewrite (its
/// cast strips trailing spaces), so it is not listed.
pub fn is_binary_coercible(old: &str, new: &str) -> bool {
    if old == new {
        return true;
    }
    let (old_base, old_args) = split_type(old);
    let (new_base, new_args) = split_type(new);
    match (old_base, new_base) {
        // Raising or removing the length limit; varchar and text share their representation.
        ("varchar", "varchar") => match (old_args.as_slice(), new_args.as_slice()) {
            (_, []) => true,
            ([n], [m]) => m >= n,
            _ => false,
        },
        ("varchar", "text") => true,
        ("text", "varchar") => new_args.is_empty(),
        // Same as varchar: a longer or no length limit (tests/truth.rs checks it on PostgreSQL).
        ("varbit", "varbit") => match (old_args.as_slice(), new_args.as_slice()) {
            (_, []) => true,
            ([n], [m]) => m >= n,
            _ => false,
        },
        // Same scale and no lower precision; or no limit at all.
        ("numeric", "numeric") => match (old_args.as_slice(), new_args.as_slice()) {
            (_, []) => true,
            ([p], [p2]) => p2 >= p,
            ([p], [p2, 0]) => p2 >= p,
            ([p, s], [p2, s2]) => s2 == s && p2 >= p,
            _ => false,
        },
        // Every cidr value is a valid inet (checked on PostgreSQL 15: no rewrite).
        ("cidr", "inet") => true,
        // More fractional-second digits (or the default 6) keep every value (time and interval checked on
        // PostgreSQL 15: no rewrite).
        ("timestamp", "timestamp")
        | ("timestamptz", "timestamptz")
        | ("time", "time")
        | ("timetz", "timetz")
        | ("interval", "interval") => match (old_args.as_slice(), new_args.as_slice()) {
            (_, []) => true,
            ([p], [p2]) => p2 >= p,
            _ => false,
        },
        _ => false,
    }
}

/// `numeric(10,2)` → (`numeric`, [10, 2]); unparsable arguments make the type opaque (no args, unequal base).
fn split_type(ty: &str) -> (&str, Vec<u32>) {
    let Some(open) = ty.find('(') else {
        return (ty, Vec::new());
    };
    if !ty.ends_with(')') {
        return (ty, Vec::new());
    }
    let args: Option<Vec<u32>> = ty[open + 1..ty.len() - 1]
        .split(',')
        .map(|a| a.trim().parse().ok())
        .collect();
    match args {
        Some(args) => (&ty[..open], args),
        None => (ty, Vec::new()),
    }
}

/// Statements that take long on a table with data (scan, rewrite, index build, bulk DML).
pub fn is_slow(kind: &OpKind, old_type: Option<&str>, postgres_version: u32) -> bool {
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
        OpKind::ValidateConstraint { .. } | OpKind::SetNotNull { .. } => true,
        OpKind::AlterColumnType {
            new_type, using, ..
        } => {
            using.is_some() || !old_type.is_some_and(|old| is_binary_coercible(old, &new_type.text))
        }
        OpKind::AddColumn { column, .. } => {
            column.generated
                || column.default.as_ref().is_some_and(|d| {
                    d.volatile || (postgres_version < 11 && !d.text.eq_ignore_ascii_case("null"))
                })
        }
        OpKind::Dml { kind, bounded, .. } => !bounded || *kind != DmlKind::Insert,
        OpKind::Maintenance { command, .. } => {
            !matches!(command, MaintenanceCommand::Reindex { concurrently: true })
        }
        _ => false,
    }
}

/// Which constraint builds an index when added without `USING INDEX`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum IndexedConstraint {
    PrimaryKey,
    Unique,
}

/// `ADD PRIMARY KEY` / `ADD UNIQUE` without `USING INDEX` on an existing table: the index is built under an ACCESS
/// EXCLUSIVE lock. Shared by primary-key-locks and unique-constraint-locks, which differ only in wording.
pub fn check_constraint_index_build(
    ctx: &OpContext,
    out: &mut Vec<Finding>,
    which: IndexedConstraint,
) {
    let OpKind::AddConstraint {
        table, constraint, ..
    } = &ctx.op.kind
    else {
        return;
    };
    let columns = match (&constraint.kind, which) {
        (
            ConstraintKind::PrimaryKey {
                using_index: None,
                columns,
            },
            IndexedConstraint::PrimaryKey,
        )
        | (
            ConstraintKind::Unique {
                using_index: None,
                columns,
            },
            IndexedConstraint::Unique,
        ) => columns,
        _ => return,
    };
    if !ctx.is_preexisting(table) {
        return;
    }
    let cols = columns
        .iter()
        .map(|c| display_ident(c))
        .collect::<Vec<_>>()
        .join(", ");
    let (clause, extra_check, keyword, after) = match which {
        IndexedConstraint::PrimaryKey => (
            "ADD PRIMARY KEY",
            " (and checks the columns for NULLs)",
            "PRIMARY KEY",
            "(the columns must already be NOT NULL)",
        ),
        IndexedConstraint::Unique => ("ADD UNIQUE", "", "UNIQUE", "(instant)"),
    };
    out.push(
        ctx.finding(
            format!(
                "{clause} ({cols}) builds a unique index on {table}{extra_check} while holding {} until the build \
                 ends",
                LockMode::AccessExclusive.describe(table)
            ),
            Some(format!(
                "in one migration file of its own: `CREATE UNIQUE INDEX CONCURRENTLY \"idx\" ON {table} ({cols});` \
                 then in the next: `ALTER TABLE {table} ADD CONSTRAINT ... {keyword} USING INDEX \"idx\";` {after}"
            )),
        )
        .with_suggestion(|| index_then_constraint(
            table,
            constraint.name.as_deref(),
            columns,
            which == IndexedConstraint::PrimaryKey,
        )),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The operations of a migration, through the real split, parse and lowering.
    fn kinds(sql: &str) -> Vec<OpKind> {
        crate::split::split(sql)
            .statements
            .into_iter()
            .flat_map(|raw| {
                let parsed = crate::parse::parse_statement(sql, raw);
                crate::ops::lower_statement(sql, &parsed)
            })
            .map(|op| op.kind)
            .collect()
    }

    #[test]
    fn new_objects_are_new_only_after_the_operation_that_creates_them() {
        let mut new = NewObjects::default();
        for kind in kinds(
            r#"ALTER TABLE "Old" ADD COLUMN "c" TEXT;
            CREATE TABLE "T" ("id" TEXT);
            ALTER TABLE "T" RENAME TO "U";
            CREATE INDEX "U_id_idx" ON "U"("id");
            DROP TABLE "U";
            CREATE TABLE "U" ("id" TEXT);"#,
        ) {
            new.record(&kind);
        }
        let (old, t, u) = (ObjName::bare("Old"), ObjName::bare("T"), ObjName::bare("U"));
        assert!(!new.before(0).has_column(&old, "c") && new.before(1).has_column(&old, "c"));
        assert!(!new.before(0).has_column(&old, "d"));
        assert!(!new.before(1).has_table(&t) && new.before(2).has_table(&t));
        // The renamed table is new from the rename on, and stays new from then (its second CREATE changes nothing).
        assert!(!new.before(2).has_table(&u) && new.before(3).has_table(&u));
        assert!(new.before(6).has_table(&u));
        let index = ObjName::bare("U_id_idx");
        assert!(!new.before(3).has_index(&index) && new.before(4).has_index(&index));
        assert!(new.has_table(&u) && !new.has_table(&old));
    }

    #[test]
    fn only_proven_type_changes_are_binary_coercible() {
        assert!(is_binary_coercible("varchar(10)", "varchar(20)"));
        assert!(is_binary_coercible("varchar(10)", "varchar"));
        assert!(is_binary_coercible("varchar(10)", "text"));
        assert!(is_binary_coercible("numeric(10,2)", "numeric(12,2)"));
        assert!(is_binary_coercible("numeric(10,2)", "numeric"));
        assert!(is_binary_coercible("timestamp(3)", "timestamp(6)"));
        assert!(is_binary_coercible("timestamptz(3)", "timestamptz"));
        assert!(!is_binary_coercible("varchar(20)", "varchar(10)"));
        assert!(!is_binary_coercible("text", "varchar(10)"));
        assert!(!is_binary_coercible("numeric(10,2)", "numeric(12,3)"));
        assert!(!is_binary_coercible("integer", "bigint"));
        assert!(!is_binary_coercible("timestamp(3)", "timestamptz(3)"));
        assert!(!is_binary_coercible("timestamp(6)", "timestamp(3)"));
        assert!(!is_binary_coercible("char(10)", "text"));
        assert!(!is_binary_coercible("varchar(10)[]", "varchar(20)[]"));
        assert!(is_binary_coercible("varbit(8)", "varbit(16)"));
        assert!(is_binary_coercible("varbit(8)", "varbit"));
        assert!(!is_binary_coercible("varbit(16)", "varbit(8)"));
    }
}
