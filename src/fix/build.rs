//! Builds one migration's plan from its statements, the catalog before it, and its findings.
//!
//! Each operation gets a fate (kept, removed, rewritten); statements are rebuilt from the clauses that remain, and the
//! pieces a fix adds go right after their statement, alone in a folder of their own (`CONCURRENTLY`, a new enum value),
//! or into a final folder (`VALIDATE CONSTRAINT`). Every folder that locks an existing table starts with one
//! `SET lock_timeout`. The names in the SQL are the real ones, read from the catalog.

use std::collections::BTreeSet;
use std::ops::Range;

use super::plan::{LaterKind, LaterStep};
use super::schema::SchemaFix;
use super::{
    batch_key, batched_update, column_list, default_for_type, object_name, with_concurrently,
    PrismaDefault, SchemaIntent, Suggestion, LOCK_TIMEOUT,
};
use crate::catalog::Catalog;
use crate::ops::{quote_ident, ColumnSpec, ConstraintKind, ObjName, Op, OpKind, SqlType};

/// A finding at or above the threshold, as the plan needs it.
pub struct FixFinding<'a> {
    pub rule: &'static str,
    pub span: Range<usize>,
    pub line: usize,
    pub suggestion: Option<&'a Suggestion>,
}

/// What the project around a migration tells its plan.
#[derive(Debug, Default)]
pub struct Project {
    /// Prisma manages the schema (a schema.prisma beside the migrations, or a PostgreSQL migration_lock.toml): a
    /// unique key is then a unique index, as Prisma writes `@unique`.
    pub prisma: bool,
    /// `(table, name)` of every constraint a migration of the history drops or renames as a constraint: such a name
    /// must stay a constraint (`DROP CONSTRAINT` refuses a bare index).
    pub constraints_named: BTreeSet<(String, String)>,
}

/// The plan's content before folders get names.
#[derive(Debug, Default)]
pub struct Built {
    /// The migration.sql of each replacement folder, in order.
    pub folders: Vec<String>,
    pub schema: Vec<SchemaFix>,
    pub later: Vec<LaterStep>,
    pub fixes: BTreeSet<&'static str>,
    pub unfixed: Vec<String>,
}

/// Rules whose fix is the plan's shape itself, with nothing to do at the finding.
const SHAPE_RULES: &[&str] = &["missing-lock-timeout"];

#[derive(Debug, Clone, PartialEq)]
enum Fate {
    Keep,
    Drop,
    Rewrite(String),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Slot {
    /// In the current folder, in statement order.
    Current,
    /// Alone in a folder of its own (CONCURRENTLY, ADD VALUE).
    Alone,
    /// First in a new folder, which the next statements join: a transaction of its own.
    NewFolder,
}

struct Piece {
    sql: String,
    /// Leading comments and blank lines as written.
    trivia: String,
    slot: Slot,
    /// Whether it locks a table that exists before this migration.
    locks_existing: bool,
}

struct Planner<'a> {
    text: &'a str,
    ops: &'a [Op],
    catalog: &'a Catalog,
    project: &'a Project,
    fates: Vec<Fate>,
    /// Statements to add right after the statement holding op `i`.
    after: Vec<(usize, Piece)>,
    /// Statements to add right before the statement holding op `i`.
    before: Vec<(usize, Piece)>,
    /// Statements of the final folder (VALIDATE).
    last: Vec<Piece>,
    alone_ops: BTreeSet<usize>,
    /// Ops whose statement starts a new folder.
    new_folder_ops: BTreeSet<usize>,
    /// Tables created in this migration: new and empty, so no lock or data rule applies to them.
    created: BTreeSet<String>,
    built: Built,
}

/// `statements`: the byte span of each statement of `text`, in order; `ops`: their operations.
pub fn build(
    text: &str,
    statements: &[Range<usize>],
    ops: &[Op],
    catalog: &Catalog,
    project: &Project,
    findings: &[FixFinding],
) -> Built {
    let created = ops
        .iter()
        .filter_map(|op| match &op.kind {
            OpKind::CreateTable { table, .. } => Some(table.name.clone()),
            _ => None,
        })
        .collect();
    let mut p = Planner {
        text,
        ops,
        catalog,
        project,
        fates: vec![Fate::Keep; ops.len()],
        after: Vec::new(),
        before: Vec::new(),
        last: Vec::new(),
        alone_ops: BTreeSet::new(),
        new_folder_ops: BTreeSet::new(),
        created,
        built: Built::default(),
    };
    for finding in findings {
        let fixed = p.fix(finding);
        if fixed {
            p.built.fixes.insert(finding.rule);
        } else {
            p.built
                .unfixed
                .push(format!("{} (line {})", finding.rule, finding.line));
        }
    }
    p.assemble(statements);
    p.built
}

impl Planner<'_> {
    /// The ops a finding is about: those whose clause overlaps its span.
    fn ops_at(&self, span: &Range<usize>) -> Vec<usize> {
        (0..self.ops.len())
            .filter(|&i| {
                let s = &self.ops[i].span;
                s.start < span.end.max(span.start + 1) && span.start < s.end
            })
            .collect()
    }

    fn is_new(&self, table: &ObjName) -> bool {
        self.created.contains(&table.name)
    }

    /// Applies the fix of one finding; false when this rule has no automatic fix here.
    fn fix(&mut self, finding: &FixFinding) -> bool {
        if SHAPE_RULES.contains(&finding.rule) {
            return true;
        }
        let at = self.ops_at(&finding.span);
        let Some(&i) = at.first() else {
            return false;
        };
        // Another fix already removed the statement (a rename kept the column): nothing is left to fix.
        if at.iter().all(|&j| self.fates[j] == Fate::Drop) {
            return true;
        }
        let kind = self.ops[i].kind.clone();
        let intent = finding.suggestion.and_then(|s| s.schema_intent.clone());
        match (finding.rule, &kind) {
            ("rename-without-map", _) => match intent {
                Some(SchemaIntent::MapField {
                    table,
                    old_column,
                    new_column,
                    ..
                }) => {
                    self.keep_column(&table, &old_column, &new_column);
                    self.built
                        .schema
                        .push(SchemaFix::Intent(intent_of(finding)));
                    true
                }
                Some(SchemaIntent::MapModel {
                    old_table,
                    new_table,
                }) => {
                    self.keep_table(&old_table, &new_table);
                    self.built
                        .schema
                        .push(SchemaFix::Intent(intent_of(finding)));
                    true
                }
                _ => false,
            },
            // Prisma's incompatible type change: the same column dropped and added back, in one statement.
            ("drop-column" | "change-column-type", OpKind::DropColumn { table, column })
                if self.readded(i, table, column).is_some() =>
            {
                let add = self.readded(i, table, column).unwrap_or(i);
                let OpKind::AddColumn { column: spec, .. } = &self.ops[add].kind else {
                    return false;
                };
                let new_type = spec.ty.clone();
                self.fates[i] = Fate::Drop;
                self.fates[add] = Fate::Drop;
                self.expand_column(i, table, column, &new_type);
                true
            }
            (
                "change-column-type",
                OpKind::AddColumn {
                    table,
                    column: spec,
                },
            ) if self.dropped_before(i, table, &spec.name).is_some() => {
                let drop = self.dropped_before(i, table, &spec.name).unwrap_or(i);
                self.fates[i] = Fate::Drop;
                self.fates[drop] = Fate::Drop;
                self.expand_column(drop, table, &spec.name, &spec.ty);
                true
            }
            ("drop-column", OpKind::DropColumn { table, column }) => {
                self.fates[i] = Fate::Drop;
                let before = self.catalog.table(table).and_then(|t| t.column(column));
                let relax = before.is_some_and(|c| c.not_null && c.default.is_none());
                if relax {
                    self.after.push((
                        i,
                        self.piece(
                            format!(
                                "ALTER TABLE {table} ALTER COLUMN {} DROP NOT NULL;",
                                quote_ident(column)
                            ),
                            true,
                        ),
                    ));
                }
                if let Some(intent) = intent {
                    self.built.schema.push(SchemaFix::Intent(intent));
                }
                self.built.later.push(LaterStep {
                    kind: LaterKind::Migration,
                    what: format!(
                        "once no running code reads {table}.{}: drop the column, and remove the @ignore field",
                        quote_ident(column)
                    ),
                    sql: Some(format!(
                        "{LOCK_TIMEOUT}\nALTER TABLE {table} DROP COLUMN {};",
                        quote_ident(column)
                    )),
                });
                true
            }
            ("drop-table", OpKind::DropTable { table }) => {
                self.fates[i] = Fate::Drop;
                self.built.schema.push(SchemaFix::RestoreModelIgnored {
                    table: table.name.clone(),
                });
                self.built.later.push(LaterStep {
                    kind: LaterKind::Migration,
                    what: format!(
                        "once no running code reads {table}: drop the table, and remove the @@ignore model"
                    ),
                    sql: Some(format!("{LOCK_TIMEOUT}\nDROP TABLE {table};")),
                });
                true
            }
            ("set-not-null", OpKind::SetNotNull { table, column }) => {
                // The primary key that needs this NOT NULL waits for it: its plan covers both.
                if let Some(pk) = self.primary_key_needing(table, column) {
                    return self.index_then_constraint(pk);
                }
                self.fates[i] = Fate::Drop;
                let sql_type = self.column_type(table, column);
                self.built
                    .schema
                    .push(SchemaFix::Intent(SchemaIntent::MakeOptional {
                        table: table.clone(),
                        column: column.clone(),
                        sql_type: sql_type.clone(),
                    }));
                self.later_not_null(table, column, &sql_type);
                true
            }
            ("not-null-without-default", OpKind::AddColumn { table, column }) => {
                // A unique column has no single default that fits every existing row.
                let unique = column.constraints.iter().any(|c| {
                    matches!(
                        c.kind,
                        ConstraintKind::Unique { .. } | ConstraintKind::PrimaryKey { .. }
                    )
                });
                if unique {
                    return false;
                }
                let Some((sql, prisma)) = self.default_for(&column.ty) else {
                    return false;
                };
                let clause = &self.text[self.ops[i].span.clone()];
                self.fates[i] = Fate::Rewrite(format!("{} DEFAULT {sql}", clause.trim_end()));
                self.built
                    .schema
                    .push(SchemaFix::Intent(SchemaIntent::SetDefault {
                        table: table.clone(),
                        column: column.name.clone(),
                        sql_type: column.ty.clone(),
                        default: prisma,
                    }));
                true
            }
            (
                "change-column-type",
                OpKind::AlterColumnType {
                    table,
                    column,
                    new_type,
                    ..
                },
            ) => {
                if let Some(enum_name) = self.enum_swap(new_type) {
                    return self.keep_enum(&enum_name, finding);
                }
                self.fates[i] = Fate::Drop;
                // A default changed in the same statement belongs to the new column now.
                for j in self.same_statement(i) {
                    if matches!(&self.ops[j].kind, OpKind::SetDefault { table: t, column: c, .. } | OpKind::DropDefault { table: t, column: c } if t == table && c == column)
                    {
                        self.fates[j] = Fate::Drop;
                    }
                }
                self.expand_column(i, table, column, new_type);
                true
            }
            ("create-index-non-concurrently", OpKind::CreateIndex(_)) => {
                let statement = self.statement_text(i);
                let Some(sql) = with_concurrently(&statement) else {
                    return false;
                };
                self.fates[i] = Fate::Rewrite(sql);
                self.alone_ops.insert(i);
                true
            }
            ("drop-index-non-concurrently", OpKind::DropIndex { index, .. }) => {
                self.fates[i] = Fate::Rewrite(format!("DROP INDEX CONCURRENTLY {index};"));
                self.alone_ops.insert(i);
                true
            }
            (
                "constraint-not-valid",
                OpKind::AddConstraint {
                    table,
                    constraint,
                    not_valid: false,
                },
            ) => {
                let Some(name) = constraint.name.clone() else {
                    return false;
                };
                let clause = &self.text[self.ops[i].span.clone()];
                self.fates[i] = Fate::Rewrite(format!("{} NOT VALID", clause.trim_end()));
                self.last.push(self.piece(
                    format!(
                        "ALTER TABLE {table} VALIDATE CONSTRAINT {};",
                        quote_ident(&name)
                    ),
                    true,
                ));
                true
            }
            ("constraint-not-valid", OpKind::ValidateConstraint { .. }) => {
                let sql = self.statement_text(i);
                self.fates[i] = Fate::Drop;
                self.last.push(self.piece(sql, true));
                true
            }
            (
                "fk-without-index",
                OpKind::AddConstraint {
                    table, constraint, ..
                },
            ) => {
                let ConstraintKind::ForeignKey { columns, .. } = &constraint.kind else {
                    return false;
                };
                let parts: Vec<&str> = columns.iter().map(String::as_str).collect();
                let name = quote_ident(&object_name(&table.name, &parts, "idx"));
                let cols = column_list(columns);
                if self.is_new(table) {
                    let piece =
                        self.piece(format!("CREATE INDEX {name} ON {table}({cols});"), false);
                    self.after.push((i, piece));
                } else {
                    let mut piece = self.piece(
                        format!("CREATE INDEX CONCURRENTLY {name} ON {table}({cols});"),
                        false,
                    );
                    piece.slot = Slot::Alone;
                    self.after.push((i, piece));
                }
                self.built
                    .schema
                    .push(SchemaFix::Intent(SchemaIntent::AddIndex {
                        table: table.clone(),
                        columns: columns.clone(),
                    }));
                true
            }
            ("primary-key-locks" | "unique-constraint-locks", OpKind::AddConstraint { .. }) => {
                self.index_then_constraint(i)
            }
            ("unique-constraint-locks", OpKind::AddColumn { table, column }) => {
                self.unique_after_column(i, table, column)
            }
            // As the rule's suggestion: the file runs as the one transaction Prisma gives it.
            ("transaction-control-in-migration", _) => {
                for j in 0..self.ops.len() {
                    if matches!(self.ops[j].kind, OpKind::Transaction(_)) {
                        self.fates[j] = Fate::Drop;
                    }
                }
                true
            }
            // The slow statement starts a folder, so a transaction, of its own: the earlier lock is released
            // first. Inside an explicit BEGIN/COMMIT that would split the transaction the author wrote.
            ("long-lock-chain", _) => {
                let explicit = self
                    .ops
                    .iter()
                    .any(|op| matches!(op.kind, OpKind::Transaction(_)));
                if explicit {
                    return false;
                }
                self.new_folder_ops.insert(i);
                true
            }
            ("enum-value-in-transaction", _) => {
                let adds: Vec<usize> = (0..self.ops.len())
                    .filter(|&j| matches!(self.ops[j].kind, OpKind::AddEnumValue { .. }))
                    .collect();
                if adds.is_empty() {
                    return false;
                }
                self.alone_ops.extend(adds);
                true
            }
            _ => false,
        }
    }

    fn piece(&self, sql: String, locks_existing: bool) -> Piece {
        Piece {
            sql,
            trivia: String::new(),
            slot: Slot::Current,
            locks_existing,
        }
    }

    fn column_type(&self, table: &ObjName, column: &str) -> SqlType {
        self.catalog
            .table(table)
            .and_then(|t| t.column(column))
            .map(|c| c.ty.clone())
            .unwrap_or_else(|| SqlType::new("text"))
    }

    /// A constant default for a column type; enums created earlier in this migration count.
    fn default_for(&self, ty: &SqlType) -> Option<(String, PrismaDefault)> {
        if let Some(found) = default_for_type(ty, self.catalog) {
            return Some(found);
        }
        let mut with_new = self.catalog.clone();
        for op in self.ops {
            if matches!(op.kind, OpKind::CreateEnum { .. }) {
                with_new.apply(op, usize::MAX);
            }
        }
        default_for_type(ty, &with_new)
    }

    /// The whole statement holding op `i`, as written.
    fn statement_text(&self, i: usize) -> String {
        self.text[self.ops[i].span.clone()].trim().to_string()
    }

    /// Ops of the same ALTER TABLE statement as op `i` (same table, clauses separated only by commas).
    fn same_statement(&self, i: usize) -> Vec<usize> {
        let table = self.ops[i].kind.table();
        (0..self.ops.len())
            .filter(|&j| {
                j != i && self.ops[j].kind.table() == table && {
                    let (a, b) = (&self.ops[i].span, &self.ops[j].span);
                    // Clauses of one statement may share its span: nothing then stands between them.
                    let between = self.text.get(a.end.min(b.end)..a.start.max(b.start));
                    !between.unwrap_or("").contains(';')
                }
            })
            .collect()
    }

    /// The ADD COLUMN of the same column right after its DROP COLUMN, in the same statement.
    fn readded(&self, i: usize, table: &ObjName, column: &str) -> Option<usize> {
        self.same_statement(i).into_iter().find(|&j| {
            matches!(&self.ops[j].kind, OpKind::AddColumn { table: t, column: c } if t == table && c.name == column)
        })
    }

    /// The DROP COLUMN of the same column right before its ADD COLUMN, in the same statement.
    fn dropped_before(&self, i: usize, table: &ObjName, column: &str) -> Option<usize> {
        self.same_statement(i).into_iter().find(|&j| {
            matches!(&self.ops[j].kind, OpKind::DropColumn { table: t, column: c } if t == table && c == column)
        })
    }

    /// A column rename kept as the old column: the DROP and ADD go, and so do the index drop and rebuild Prisma
    /// writes around them.
    fn keep_column(&mut self, table: &ObjName, old: &str, new: &str) {
        let old_indexes: Vec<String> = self
            .catalog
            .indexes_of(table)
            .filter(|ix| ix.columns.iter().any(|c| c.as_deref() == Some(old)))
            .map(|ix| ix.name.clone())
            .collect();
        for (i, op) in self.ops.iter().enumerate() {
            let drop = match &op.kind {
                OpKind::DropColumn { table: t, column } => t == table && column == old,
                OpKind::AddColumn { table: t, column } => t == table && column.name == new,
                OpKind::DropIndex { index, .. } => old_indexes.contains(&index.name),
                OpKind::CreateIndex(spec) => {
                    &spec.table == table && spec.columns.iter().any(|c| c.as_deref() == Some(new))
                }
                _ => false,
            };
            if drop {
                self.fates[i] = Fate::Drop;
            }
        }
    }

    /// A table rename kept as the old table: everything Prisma writes for the old and the new table goes, with the
    /// foreign keys of other tables that point at either.
    fn keep_table(&mut self, old: &str, new: &str) {
        let names = [old, new];
        let points_here = |table: &ObjName, name: &str| {
            self.catalog.table(table).is_some_and(|t| {
                t.constraints.iter().any(|c| {
                    c.name == name
                        && matches!(&c.kind, ConstraintKind::ForeignKey { ref_table, .. } if names.contains(&ref_table.name.as_str()))
                })
            })
        };
        for i in 0..self.ops.len() {
            let drop = match &self.ops[i].kind {
                OpKind::CreateIndex(spec) => names.contains(&spec.table.name.as_str()),
                OpKind::DropConstraint { table, name } => {
                    names.contains(&table.name.as_str()) || points_here(table, name)
                }
                OpKind::AddConstraint {
                    table, constraint, ..
                } => {
                    names.contains(&table.name.as_str())
                        || matches!(&constraint.kind, ConstraintKind::ForeignKey { ref_table, .. } if names.contains(&ref_table.name.as_str()))
                }
                kind => kind
                    .table()
                    .is_some_and(|t| names.contains(&t.name.as_str())),
            };
            if drop {
                self.fates[i] = Fate::Drop;
            }
        }
    }

    /// Prisma's enum swap retypes columns to `"<E>_new"`: the enum's name when this migration renames it back.
    fn enum_swap(&self, new_type: &SqlType) -> Option<String> {
        let inner = new_type.text.trim_matches('"');
        self.ops.iter().find_map(|op| match &op.kind {
            OpKind::RenameType { name, new_name } if name.name == inner => Some(new_name.clone()),
            _ => None,
        })
    }

    /// An enum value removal stays for a later release: the swap (its whole block) leaves this migration, the schema
    /// keeps the value, and the rows using it move first.
    fn keep_enum(&mut self, enum_name: &str, finding: &FixFinding) -> bool {
        let temp_new = format!("{enum_name}_new");
        let temp_old = format!("{enum_name}_old");
        let mut retyped: Vec<(ObjName, String)> = Vec::new();
        for op in self.ops {
            if let OpKind::AlterColumnType {
                table,
                column,
                new_type,
                ..
            } = &op.kind
            {
                if new_type.text.trim_matches('"') == temp_new {
                    retyped.push((table.clone(), column.clone()));
                }
            }
        }
        let mut removed = Vec::new();
        for i in 0..self.ops.len() {
            let drop = match &self.ops[i].kind {
                OpKind::CreateEnum { name, .. } => name.name == temp_new,
                OpKind::RenameType { name, .. } => {
                    [enum_name, temp_new.as_str()].contains(&name.name.as_str())
                }
                OpKind::DropType { name } => name.name == temp_old,
                OpKind::AlterColumnType { table, column, .. }
                | OpKind::SetDefault { table, column, .. }
                | OpKind::DropDefault { table, column } => {
                    retyped.iter().any(|(t, c)| t == table && c == column)
                }
                _ => false,
            };
            if drop {
                self.fates[i] = Fate::Drop;
                removed.push(self.statement_text_whole(i));
            }
        }
        // BEGIN/COMMIT left around nothing go too.
        let transaction_empty = self
            .ops
            .iter()
            .zip(&self.fates)
            .all(|(op, fate)| *fate == Fate::Drop || matches!(op.kind, OpKind::Transaction(_)));
        if transaction_empty {
            for i in 0..self.ops.len() {
                if matches!(self.ops[i].kind, OpKind::Transaction(_)) {
                    self.fates[i] = Fate::Drop;
                }
            }
        }
        self.built.schema.push(SchemaFix::RestoreEnum {
            type_name: enum_name.to_string(),
        });
        let columns: Vec<String> = retyped
            .iter()
            .map(|(t, c)| format!("{t}.{}", quote_ident(c)))
            .collect();
        self.built.later.push(LaterStep {
            kind: LaterKind::Script,
            what: format!(
                "move every row off the removed value(s) of {} (columns {}), in batches, outside any migration; \
                 deploy code that no longer writes them first",
                quote_ident(enum_name),
                columns.join(", ")
            ),
            sql: None,
        });
        let mut swap = vec![LOCK_TIMEOUT.to_string()];
        swap.extend(removed.into_iter().filter(|s| !s.is_empty()));
        self.built.later.push(LaterStep {
            kind: LaterKind::Migration,
            what: format!(
                "then remove the value(s) from enum {} in schema.prisma and deploy this migration (it rewrites {}, \
                 under ACCESS EXCLUSIVE: a quiet hour)",
                quote_ident(enum_name),
                columns.join(", ")
            ),
            sql: Some(swap.join("\n")),
        });
        let _ = finding;
        true
    }

    /// The statement of op `i` rebuilt around that one clause (for a later migration).
    fn statement_text_whole(&self, i: usize) -> String {
        let op = &self.ops[i];
        let clause = self.text[op.span.clone()].trim().trim_end_matches(';');
        match &op.kind {
            OpKind::AlterColumnType { table, .. }
            | OpKind::SetDefault { table, .. }
            | OpKind::DropDefault { table, .. } => format!("ALTER TABLE {table} {clause};"),
            _ => format!("{clause};"),
        }
    }

    /// Expand and contract for a type change: a new column of the new type now, a batched backfill, the switch in a
    /// later release.
    fn expand_column(&mut self, i: usize, table: &ObjName, column: &str, new_type: &SqlType) {
        let new_column = format!("{column}_new");
        let new_col = quote_ident(&new_column);
        let col = quote_ident(column);
        let type_sql = sql_type_text(new_type);
        self.after.push((
            i,
            self.piece(
                format!("ALTER TABLE {table} ADD COLUMN {new_col} {type_sql};"),
                !self.is_new(table),
            ),
        ));
        self.built.schema.push(SchemaFix::RevertField {
            table: table.name.clone(),
            column: column.to_string(),
        });
        self.built.schema.push(SchemaFix::AddField {
            table: table.name.clone(),
            column: new_column.clone(),
            sql_type: new_type.clone(),
            after_column: column.to_string(),
        });
        let key = batch_key(self.catalog, table);
        self.built.later.push(LaterStep {
            kind: LaterKind::Script,
            what: format!(
                "deploy code that writes both {col} and {new_col}, then copy the old values in batches, outside any \
                 migration, until it updates no row (check the cast first)"
            ),
            sql: Some(batched_update(
                table,
                &key,
                &format!("{new_col} = {col}::{type_sql}"),
                &format!("{new_col} IS NULL AND {col} IS NOT NULL"),
            )),
        });
        self.built.later.push(LaterStep {
            kind: LaterKind::Schema,
            what: format!(
                "switch: the field of {col} maps to {new_col} with the new type (`@map(\"{new_column}\")`), the old \
                 field goes; make it required the scan-free way if it must be"
            ),
            sql: None,
        });
        self.built.later.push(LaterStep {
            kind: LaterKind::Migration,
            what: format!("once no running code reads {col}: drop it"),
            sql: Some(format!(
                "{LOCK_TIMEOUT}\nALTER TABLE {table} DROP COLUMN {col};"
            )),
        });
    }

    /// The later release of a NOT NULL: backfill, then a validated check makes SET NOT NULL skip its scan.
    fn later_not_null(&mut self, table: &ObjName, column: &str, sql_type: &SqlType) {
        let col = quote_ident(column);
        let check = quote_ident(&object_name(&table.name, &[column], "not_null"));
        let value = default_for_type(sql_type, self.catalog)
            .map_or_else(|| "<value>".to_string(), |(sql, _)| sql);
        let key = batch_key(self.catalog, table);
        self.built.later.push(LaterStep {
            kind: LaterKind::Script,
            what: format!(
                "deploy code that always writes {col}, then fill the NULLs in batches, outside any migration, until it \
                 updates no row"
            ),
            sql: Some(batched_update(
                table,
                &key,
                &format!("{col} = {value}"),
                &format!("{col} IS NULL"),
            )),
        });
        self.built.later.push(LaterStep {
            kind: LaterKind::Migration,
            what: format!(
                "then make the field required in schema.prisma and write these three migrations (the check proves \
                 {col} has no NULL, so SET NOT NULL skips its scan)"
            ),
            sql: Some(format!(
                "{LOCK_TIMEOUT}\nALTER TABLE {table} ADD CONSTRAINT {check} CHECK ({col} IS NOT NULL) NOT VALID;\n\
                 -- next migration\nALTER TABLE {table} VALIDATE CONSTRAINT {check};\n\
                 -- next migration\n{LOCK_TIMEOUT}\nALTER TABLE {table} ALTER COLUMN {col} SET NOT NULL;\n\
                 ALTER TABLE {table} DROP CONSTRAINT {check};"
            )),
        });
    }

    /// A kept `ADD PRIMARY KEY` of this migration on `table` whose columns include `column`, nullable before it.
    fn primary_key_needing(&self, table: &ObjName, column: &str) -> Option<usize> {
        (0..self.ops.len()).find(|&j| {
            self.fates[j] != Fate::Drop
                && matches!(&self.ops[j].kind, OpKind::AddConstraint { table: t, constraint, .. }
                    if t == table && matches!(&constraint.kind, ConstraintKind::PrimaryKey { columns, using_index: None }
                        if columns.iter().any(|c| c == column)))
                && self.nullable_before(table, column)
        })
    }

    fn nullable_before(&self, table: &ObjName, column: &str) -> bool {
        self.catalog
            .table(table)
            .and_then(|t| t.column(column))
            .is_some_and(|c| !c.not_null)
    }

    /// Is `name` already an index or constraint name in the schema of `table`?
    fn name_taken(&self, table: &ObjName, name: &str) -> bool {
        self.catalog
            .index(&ObjName::new(table.schema.clone(), name.to_string()))
            .is_some()
            || self.catalog.tables().any(|t| {
                t.name.schema == table.schema && t.constraints.iter().any(|c| c.name == name)
            })
    }

    /// Does a unique key planned for `table` end as its unique index alone, with no constraint on it? In a Prisma
    /// project, yes: Prisma writes `@unique` as a unique index, and when the `@unique` goes it writes
    /// `DROP INDEX`, which PostgreSQL refuses for an index a constraint owns (2BP01), so an attached constraint
    /// would fail the user's next migration at deploy. Prisma reads the index alone as the same `@unique` (its
    /// diff stays empty), and a foreign key may reference it. It stays a constraint where the SQL needs one: no
    /// Prisma (the author wrote a constraint, and their own SQL may drop it as one), a name a migration drops or
    /// renames as a constraint (`DROP CONSTRAINT` refuses an index), or a name already taken, which only
    /// `ADD CONSTRAINT ... USING INDEX` can hand over. All checked on PostgreSQL 15.
    fn unique_stays_an_index(&self, table: &ObjName, name: &str) -> bool {
        self.project.prisma
            && !self.name_taken(table, name)
            && !self
                .project
                .constraints_named
                .contains(&(table.name.clone(), name.to_string()))
    }

    /// `ADD PRIMARY KEY` / `ADD UNIQUE` on an existing table without the long lock: the unique index is built
    /// CONCURRENTLY in a folder of its own, then attached as the constraint (`USING INDEX`, an instant under
    /// ACCESS EXCLUSIVE); a unique key that [stays an index](Self::unique_stays_an_index) ends there. A primary key on a column that may hold NULL cannot be attached (PostgreSQL would scan
    /// the table to set NOT NULL, and fail on the first NULL), so it waits for a later release: fill the NULLs,
    /// prove NOT NULL with a validated CHECK (SET NOT NULL then skips its scan, PostgreSQL 12+), then the index and
    /// the key. Checked on PostgreSQL 15.
    fn index_then_constraint(&mut self, i: usize) -> bool {
        let OpKind::AddConstraint {
            table, constraint, ..
        } = &self.ops[i].kind
        else {
            return false;
        };
        let (columns, primary) = match &constraint.kind {
            ConstraintKind::PrimaryKey {
                columns,
                using_index: None,
            } => (columns.clone(), true),
            ConstraintKind::Unique {
                columns,
                using_index: None,
            } => (columns.clone(), false),
            _ => return false,
        };
        let table = table.clone();
        let (kind, suffix) = if primary {
            ("PRIMARY KEY", "pkey")
        } else {
            ("UNIQUE", "key")
        };
        let parts: Vec<&str> = columns.iter().map(String::as_str).collect();
        let name = constraint
            .name
            .clone()
            .unwrap_or_else(|| object_name(&table.name, &parts, suffix));
        // While the old key keeps its name (Prisma drops and re-adds `<table>_pkey`), the new index gets another
        // one until the constraint renames it.
        let index = if self.name_taken(&table, &name) {
            object_name(&table.name, &parts, &format!("{suffix}_new"))
        } else {
            name.clone()
        };
        let (name_sql, index_sql) = (quote_ident(&name), quote_ident(&index));
        let cols = column_list(&columns);
        let build = format!("CREATE UNIQUE INDEX CONCURRENTLY {index_sql} ON {table}({cols});");
        if !primary && self.unique_stays_an_index(&table, &name) {
            self.fates[i] = Fate::Drop;
            let mut piece = self.piece(build, false);
            piece.slot = Slot::Alone;
            self.after.push((i, piece));
            return true;
        }
        let attach = format!("ADD CONSTRAINT {name_sql} {kind} USING INDEX {index_sql}");
        let nullable: Vec<String> = columns
            .iter()
            .filter(|c| primary && self.nullable_before(&table, c))
            .cloned()
            .collect();
        if nullable.is_empty() {
            let mut piece = self.piece(build, false);
            piece.slot = Slot::Alone;
            self.before.push((i, piece));
            self.fates[i] = Fate::Rewrite(attach);
            return true;
        }
        // The old key would have to go now and the new one later: not planned.
        let drops_key = self.ops.iter().any(|op| {
            matches!(&op.kind, OpKind::DropConstraint { table: t, name: n } if *t == table && self.catalog.table(t).is_some_and(|tb| tb.constraints.iter().any(|c| &c.name == n && matches!(c.kind, ConstraintKind::PrimaryKey { .. }))))
        });
        if drops_key {
            return false;
        }
        self.fates[i] = Fate::Drop;
        for j in 0..self.ops.len() {
            if matches!(&self.ops[j].kind, OpKind::SetNotNull { table: t, column } if *t == table && nullable.contains(column))
            {
                self.fates[j] = Fate::Drop;
            }
        }
        for column in &nullable {
            let fix = SchemaFix::Intent(SchemaIntent::MakeOptional {
                table: table.clone(),
                column: column.clone(),
                sql_type: self.column_type(&table, column),
            });
            if !self.built.schema.contains(&fix) {
                self.built.schema.push(fix);
            }
        }
        self.built.schema.push(SchemaFix::RemoveId {
            table: table.name.clone(),
        });
        let key = batch_key(self.catalog, &table);
        let mut proofs = Vec::new();
        for column in &nullable {
            let col = quote_ident(column);
            let value = default_for_type(&self.column_type(&table, column), self.catalog)
                .map_or_else(|| "<value>".to_string(), |(sql, _)| sql);
            self.built.later.push(LaterStep {
                kind: LaterKind::Script,
                what: format!(
                    "deploy code that always writes {col}, then fill its NULLs in batches, outside any migration, \
                     until it updates no row"
                ),
                sql: Some(batched_update(
                    &table,
                    &key,
                    &format!("{col} = {value}"),
                    &format!("{col} IS NULL"),
                )),
            });
            proofs.push((
                col,
                quote_ident(&object_name(&table.name, &[column], "not_null")),
            ));
        }
        let mut steps = vec![format!(
            "{LOCK_TIMEOUT}\n{}",
            proofs
                .iter()
                .map(|(col, check)| format!(
                    "ALTER TABLE {table} ADD CONSTRAINT {check} CHECK ({col} IS NOT NULL) NOT VALID;"
                ))
                .collect::<Vec<_>>()
                .join("\n")
        )];
        steps.push(
            proofs
                .iter()
                .map(|(_, check)| format!("ALTER TABLE {table} VALIDATE CONSTRAINT {check};"))
                .collect::<Vec<_>>()
                .join("\n"),
        );
        let mut set = vec![LOCK_TIMEOUT.to_string()];
        for (col, check) in &proofs {
            set.push(format!(
                "ALTER TABLE {table} ALTER COLUMN {col} SET NOT NULL;"
            ));
            set.push(format!("ALTER TABLE {table} DROP CONSTRAINT {check};"));
        }
        steps.push(set.join("\n"));
        steps.push(build);
        steps.push(format!("{LOCK_TIMEOUT}\nALTER TABLE {table} {attach};"));
        self.built.later.push(LaterStep {
            kind: LaterKind::Migration,
            what: format!(
                "then make the fields required and put the {} back in schema.prisma, and write these {} migrations \
                 (the validated checks let SET NOT NULL skip its scan; the key's index is built CONCURRENTLY and \
                 attached in an instant)",
                if columns.len() > 1 { "@@id" } else { "@id" },
                steps.len()
            ),
            sql: Some(steps.join("\n-- next migration\n")),
        });
        true
    }

    /// `ADD COLUMN c t UNIQUE` on an existing table: the column is added without UNIQUE, then its unique index is
    /// built CONCURRENTLY in a folder of its own under the name PostgreSQL and Prisma give it
    /// (`<table>_<column>_key`), and attached as the constraint unless it
    /// [stays an index](Self::unique_stays_an_index). Only the plain inline form, one unnamed UNIQUE, is rewritten.
    fn unique_after_column(&mut self, i: usize, table: &ObjName, column: &ColumnSpec) -> bool {
        let uniques = column
            .constraints
            .iter()
            .filter(|c| matches!(c.kind, ConstraintKind::Unique { .. }))
            .count();
        let clause = &self.text[self.ops[i].span.clone()];
        let Some(without) = (uniques == 1)
            .then(|| without_keyword(clause, "unique"))
            .flatten()
        else {
            return false;
        };
        if without_keyword(clause, "constraint").is_some() {
            return false;
        }
        let key = object_name(&table.name, &[&column.name], "key");
        let (name, col) = (quote_ident(&key), quote_ident(&column.name));
        self.fates[i] = Fate::Rewrite(without);
        let mut build = self.piece(
            format!("CREATE UNIQUE INDEX CONCURRENTLY {name} ON {table}({col});"),
            false,
        );
        build.slot = Slot::Alone;
        self.after.push((i, build));
        if self.unique_stays_an_index(table, &key) {
            return true;
        }
        let attach = self.piece(
            format!("ALTER TABLE {table} ADD CONSTRAINT {name} UNIQUE USING INDEX {name};"),
            true,
        );
        self.after.push((i, attach));
        true
    }

    /// Does op `i` lock a table that existed before this migration?
    fn locks_existing(&self, i: usize) -> bool {
        match &self.ops[i].kind {
            OpKind::CreateTable { constraints, .. } => constraints
                .iter()
                .any(|c| self.references_existing(&c.kind)),
            OpKind::CreateEnum { .. } | OpKind::Transaction(_) | OpKind::Set { .. } => false,
            OpKind::CreateIndex(spec) => !spec.concurrently && !self.is_new(&spec.table),
            OpKind::AddConstraint {
                table, constraint, ..
            } => !self.is_new(table) || self.references_existing(&constraint.kind),
            kind => kind.table().is_none_or(|t| !self.is_new(t)),
        }
    }

    fn references_existing(&self, kind: &ConstraintKind) -> bool {
        matches!(kind, ConstraintKind::ForeignKey { ref_table, .. } if !self.is_new(ref_table))
    }

    /// Rebuilds the statements and groups them into folders.
    fn assemble(&mut self, statements: &[Range<usize>]) {
        let mut pieces: Vec<Piece> = Vec::new();
        let mut previous_end = 0;
        for span in statements {
            let span = span.clone();
            let trivia = self.text[previous_end..span.start].to_string();
            previous_end = span.end;
            let ops: Vec<usize> = (0..self.ops.len())
                .filter(|&i| {
                    span.start <= self.ops[i].span.start && self.ops[i].span.end <= span.end
                })
                .collect();
            for (at, piece) in std::mem::take(&mut self.before) {
                if ops.contains(&at) {
                    pieces.push(piece);
                } else {
                    self.before.push((at, piece));
                }
            }
            let sql = self.render_statement(&span, &ops);
            let alone = ops.iter().any(|i| self.alone_ops.contains(i));
            let new_folder = ops.iter().any(|i| self.new_folder_ops.contains(i));
            if let Some(sql) = sql {
                pieces.push(Piece {
                    sql,
                    trivia,
                    slot: match (alone, new_folder) {
                        (true, _) => Slot::Alone,
                        (false, true) => Slot::NewFolder,
                        (false, false) => Slot::Current,
                    },
                    locks_existing: ops
                        .iter()
                        .any(|&i| self.fates[i] != Fate::Drop && self.locks_existing(i)),
                });
            }
            for (at, piece) in std::mem::take(&mut self.after) {
                if ops.contains(&at) {
                    pieces.push(piece);
                } else {
                    self.after.push((at, piece));
                }
            }
        }
        let mut folders: Vec<Vec<Piece>> = Vec::new();
        let mut current: Vec<Piece> = Vec::new();
        for piece in pieces {
            match piece.slot {
                Slot::Current => current.push(piece),
                Slot::Alone => {
                    if !current.is_empty() {
                        folders.push(std::mem::take(&mut current));
                    }
                    folders.push(vec![piece]);
                }
                Slot::NewFolder => {
                    if !current.is_empty() {
                        folders.push(std::mem::take(&mut current));
                    }
                    current.push(piece);
                }
            }
        }
        if !current.is_empty() {
            folders.push(current);
        }
        // VALIDATE runs in a transaction of its own, after everything else.
        if !self.last.is_empty() {
            folders.push(std::mem::take(&mut self.last));
        }
        self.built.folders = folders
            .into_iter()
            .filter(|f| !f.iter().all(|p| is_transaction_control(&p.sql)))
            .map(|folder| {
                let mut out = String::new();
                let lock = folder.len() > 1 || folder[0].slot != Slot::Alone;
                if lock && folder.iter().any(|p| p.locks_existing) && !has_lock_timeout(&folder) {
                    out.push_str(LOCK_TIMEOUT);
                    out.push('\n');
                }
                for (n, piece) in folder.iter().enumerate() {
                    let trivia = if n == 0 {
                        piece.trivia.trim_start_matches(['\n', '\r'])
                    } else if piece.trivia.is_empty() {
                        "\n"
                    } else {
                        &piece.trivia
                    };
                    out.push_str(trivia);
                    out.push_str(&piece.sql);
                }
                out.push('\n');
                out
            })
            .collect();
    }

    fn render_statement(&self, span: &Range<usize>, ops: &[usize]) -> Option<String> {
        let text = &self.text[span.clone()];
        if ops.iter().all(|&i| self.fates[i] == Fate::Keep) {
            return Some(text.to_string());
        }
        if ops.iter().all(|&i| self.fates[i] == Fate::Drop) {
            return None;
        }
        let first = &self.ops[ops[0]].span;
        if first.start == span.start {
            // A whole-statement operation.
            return match &self.fates[ops[0]] {
                Fate::Rewrite(sql) => Some(sql.clone()),
                _ => Some(text.to_string()),
            };
        }
        let prefix = &self.text[span.start..first.start];
        let clauses: Vec<String> = ops
            .iter()
            .filter_map(|&i| match &self.fates[i] {
                Fate::Keep => Some(self.text[self.ops[i].span.clone()].to_string()),
                Fate::Drop => None,
                Fate::Rewrite(sql) => Some(sql.clone()),
            })
            .collect();
        Some(format!("{prefix}{};", clauses.join(",\n")))
    }
}

/// `text` without its one `keyword` (a whole word, any case, outside quotes) and the blank before it; `None` unless
/// it appears exactly once.
fn without_keyword(text: &str, keyword: &str) -> Option<String> {
    let mut found = Vec::new();
    let mut quote: Option<char> = None;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < text.len() {
        let c = bytes[i] as char;
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None => {
                let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
                let end = i + keyword.len();
                let matches = text
                    .get(i..end)
                    .is_some_and(|w| w.eq_ignore_ascii_case(keyword))
                    && (i == 0 || !word(bytes[i - 1]))
                    && bytes.get(end).is_none_or(|b| !word(*b));
                if matches {
                    found.push(i);
                    i = end;
                    continue;
                }
            }
        }
        i += 1;
    }
    let [at] = found.as_slice() else {
        return None;
    };
    let start = text[..*at].trim_end().len();
    Some(format!("{}{}", &text[..start], &text[at + keyword.len()..]))
}

fn intent_of(finding: &FixFinding) -> SchemaIntent {
    finding
        .suggestion
        .and_then(|s| s.schema_intent.clone())
        .expect("checked by the caller")
}

fn is_transaction_control(sql: &str) -> bool {
    let word = sql.trim().trim_end_matches(';').trim().to_ascii_uppercase();
    matches!(
        word.as_str(),
        "BEGIN" | "COMMIT" | "START TRANSACTION" | "END"
    )
}

fn has_lock_timeout(folder: &[Piece]) -> bool {
    folder
        .iter()
        .any(|p| p.sql.to_ascii_lowercase().contains("lock_timeout"))
}

/// A type as PostgreSQL reads it back (`integer`, `varchar(32)`, `"Role"`).
fn sql_type_text(ty: &SqlType) -> String {
    ty.text.clone()
}

#[cfg(test)]
mod tests {
    use super::without_keyword;

    #[test]
    fn a_keyword_goes_only_when_it_is_there_once_outside_quotes() {
        assert_eq!(
            without_keyword("ADD COLUMN \"handle\" TEXT UNIQUE", "unique").as_deref(),
            Some("ADD COLUMN \"handle\" TEXT")
        );
        assert_eq!(
            without_keyword("ADD COLUMN \"unique\" TEXT unique NOT NULL", "unique").as_deref(),
            Some("ADD COLUMN \"unique\" TEXT NOT NULL")
        );
        assert_eq!(without_keyword("ADD COLUMN \"u\" TEXT", "unique"), None);
        assert_eq!(
            without_keyword("ADD COLUMN u TEXT UNIQUE DEFAULT 'unique'", "unique").as_deref(),
            Some("ADD COLUMN u TEXT DEFAULT 'unique'")
        );
        assert_eq!(without_keyword("ADD COLUMN uniques TEXT", "unique"), None);
    }
}
