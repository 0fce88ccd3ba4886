//! A model of the database schema, built by replaying every migration's operations in order.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use crate::ops::{
    ColumnSpec, Constraint, ConstraintKind, DefaultExpr, ObjName, Op, OpKind, SqlType,
};

/// Where an object was defined: file index (in lint order) and byte span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: usize,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, Default)]
pub struct Catalog {
    tables: BTreeMap<String, Table>,
    indexes: HashMap<String, Index>,
    enums: HashMap<String, Vec<String>>,
}

#[derive(Debug, Clone)]
pub struct Table {
    pub name: ObjName,
    pub columns: Vec<Column>,
    pub constraints: Vec<ConstraintInfo>,
    pub origin: Origin,
}

#[derive(Debug, Clone)]
pub struct Column {
    pub name: String,
    pub ty: SqlType,
    pub not_null: bool,
    pub default: Option<DefaultExpr>,
}

#[derive(Debug, Clone)]
pub struct ConstraintInfo {
    /// The constraint's name, PostgreSQL's generated one when the SQL gave none.
    pub name: String,
    pub kind: ConstraintKind,
    pub not_valid: bool,
    pub origin: Origin,
}

#[derive(Debug, Clone)]
pub struct Index {
    pub name: String,
    /// Catalog key of the indexed table.
    pub table: String,
    pub columns: Vec<Option<String>>,
    pub unique: bool,
    pub partial: bool,
    pub origin: Origin,
}

impl Table {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    fn column_mut(&mut self, name: &str) -> Option<&mut Column> {
        self.columns.iter_mut().find(|c| c.name == name)
    }
}

impl Catalog {
    pub fn table(&self, name: &ObjName) -> Option<&Table> {
        self.tables.get(&name.key())
    }

    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.tables.values()
    }

    pub fn index(&self, name: &ObjName) -> Option<&Index> {
        self.indexes.get(&name.key())
    }

    /// Indexes of a table, including those backing its primary key and unique constraints.
    pub fn indexes_of<'a>(&'a self, table: &'a ObjName) -> impl Iterator<Item = &'a Index> + 'a {
        let key = table.key();
        self.indexes.values().filter(move |i| i.table == key)
    }

    pub fn enum_labels(&self, name: &ObjName) -> Option<&[String]> {
        self.enums.get(&name.key()).map(Vec::as_slice)
    }

    /// Applies one operation. Operations on unknown objects are ignored: the history may be partial.
    pub fn apply(&mut self, op: &Op, file: usize) {
        let origin = |span: &Range<usize>| Origin {
            file,
            span: span.clone(),
        };
        match &op.kind {
            OpKind::CreateTable {
                table,
                columns,
                constraints,
            } => {
                self.drop_table(table);
                self.tables.insert(
                    table.key(),
                    Table {
                        name: table.clone(),
                        columns: columns.iter().map(column_from_spec).collect(),
                        constraints: Vec::new(),
                        origin: origin(&op.span),
                    },
                );
                let inline = columns.iter().flat_map(|c| c.constraints.iter());
                for constraint in inline.chain(constraints) {
                    self.add_constraint(table, constraint, false, file);
                }
            }
            OpKind::DropTable { table } => self.drop_table(table),
            OpKind::RenameTable { table, new_name } => self.rename_table(table, new_name),
            OpKind::AddColumn { table, column } => {
                let Some(t) = self.tables.get_mut(&table.key()) else {
                    return;
                };
                if t.column(&column.name).is_none() {
                    t.columns.push(column_from_spec(column));
                }
                for constraint in &column.constraints {
                    self.add_constraint(table, constraint, false, file);
                }
            }
            OpKind::DropColumn { table, column } => self.drop_column(table, column),
            OpKind::RenameColumn { table, old, new } => self.rename_column(table, old, new),
            OpKind::AlterColumnType {
                table,
                column,
                new_type,
                ..
            } => self.with_column(table, column, |c| c.ty = new_type.clone()),
            OpKind::SetNotNull { table, column } => {
                self.with_column(table, column, |c| c.not_null = true)
            }
            OpKind::DropNotNull { table, column } => {
                self.with_column(table, column, |c| c.not_null = false)
            }
            OpKind::SetDefault {
                table,
                column,
                default,
            } => self.with_column(table, column, |c| c.default = Some(default.clone())),
            OpKind::DropDefault { table, column } => {
                self.with_column(table, column, |c| c.default = None)
            }
            OpKind::AddConstraint {
                table,
                constraint,
                not_valid,
            } => self.add_constraint(table, constraint, *not_valid, file),
            OpKind::DropConstraint { table, name } => {
                if let Some(t) = self.tables.get_mut(&table.key()) {
                    t.constraints.retain(|c| &c.name != name);
                }
                self.indexes
                    .remove(&ObjName::new(table.schema.clone(), name.clone()).key());
            }
            OpKind::ValidateConstraint { table, name } => {
                if let Some(t) = self.tables.get_mut(&table.key()) {
                    for c in t.constraints.iter_mut().filter(|c| &c.name == name) {
                        c.not_valid = false;
                    }
                }
            }
            OpKind::RenameConstraint { table, old, new } => {
                if let Some(t) = self.tables.get_mut(&table.key()) {
                    for c in t.constraints.iter_mut().filter(|c| &c.name == old) {
                        c.name = new.clone();
                    }
                }
                // A primary key or unique constraint's index carries its name.
                self.rename_index(&ObjName::new(table.schema.clone(), old.clone()), new);
            }
            OpKind::CreateIndex(spec) => {
                let Some(name) = &spec.name else {
                    // Unnamed indexes get generated names we do not need to track to check coverage.
                    let generated = format!("{}_{}_idx", spec.table.name, spec.columns.len());
                    self.insert_index(
                        &spec.table,
                        generated,
                        spec.columns.clone(),
                        spec.unique,
                        spec.partial,
                        origin(&op.span),
                    );
                    return;
                };
                self.insert_index(
                    &spec.table,
                    name.clone(),
                    spec.columns.clone(),
                    spec.unique,
                    spec.partial,
                    origin(&op.span),
                );
            }
            OpKind::DropIndex { index, .. } => {
                self.indexes.remove(&index.key());
            }
            OpKind::RenameIndex { index, new_name } => self.rename_index(index, new_name),
            OpKind::CreateEnum { name, labels } => {
                self.enums.insert(name.key(), labels.clone());
            }
            OpKind::AddEnumValue { name, value } => {
                if let Some(labels) = self.enums.get_mut(&name.key()) {
                    if !labels.contains(value) {
                        labels.push(value.clone());
                    }
                }
            }
            OpKind::RenameEnumValue { name, old, new } => {
                if let Some(labels) = self.enums.get_mut(&name.key()) {
                    for l in labels.iter_mut().filter(|l| *l == old) {
                        *l = new.clone();
                    }
                }
            }
            OpKind::RenameType { name, new_name } => {
                if let Some(labels) = self.enums.remove(&name.key()) {
                    let renamed = ObjName::new(name.schema.clone(), new_name.clone());
                    self.enums.insert(renamed.key(), labels);
                }
            }
            OpKind::DropType { name } => {
                self.enums.remove(&name.key());
            }
            OpKind::Transaction(_)
            | OpKind::Set { .. }
            | OpKind::Dml { .. }
            | OpKind::Truncate { .. }
            | OpKind::Maintenance { .. }
            | OpKind::DropContainer { .. }
            | OpKind::Opaque { .. } => {}
        }
    }

    fn with_column(&mut self, table: &ObjName, column: &str, f: impl FnOnce(&mut Column)) {
        if let Some(c) = self
            .tables
            .get_mut(&table.key())
            .and_then(|t| t.column_mut(column))
        {
            f(c);
        }
    }

    fn insert_index(
        &mut self,
        table: &ObjName,
        name: String,
        columns: Vec<Option<String>>,
        unique: bool,
        partial: bool,
        origin: Origin,
    ) {
        let key = ObjName::new(table.schema.clone(), name.clone()).key();
        self.indexes.insert(
            key,
            Index {
                name,
                table: table.key(),
                columns,
                unique,
                partial,
                origin,
            },
        );
    }

    fn add_constraint(
        &mut self,
        table: &ObjName,
        constraint: &Constraint,
        not_valid: bool,
        file: usize,
    ) {
        if !self.tables.contains_key(&table.key()) {
            return;
        }
        let mut kind = constraint.kind.clone();
        let name = constraint
            .name
            .clone()
            .unwrap_or_else(|| default_constraint_name(&table.name, &kind));
        let origin = Origin {
            file,
            span: constraint.span.clone(),
        };
        // PRIMARY KEY / UNIQUE build (or adopt) an index named after the constraint.
        match &mut kind {
            ConstraintKind::PrimaryKey {
                columns,
                using_index,
            }
            | ConstraintKind::Unique {
                columns,
                using_index,
            } => {
                if let Some(index_name) = using_index {
                    let index_key = ObjName::new(table.schema.clone(), index_name.clone()).key();
                    if let Some(index) = self.indexes.remove(&index_key) {
                        *columns = index.columns.iter().flatten().cloned().collect();
                    }
                }
                let columns = columns.iter().cloned().map(Some).collect();
                self.insert_index(table, name.clone(), columns, true, false, origin.clone());
            }
            _ => {}
        }
        if let Some(t) = self.tables.get_mut(&table.key()) {
            t.constraints.retain(|c| c.name != name);
            t.constraints.push(ConstraintInfo {
                name,
                kind,
                not_valid,
                origin,
            });
        }
    }

    fn drop_table(&mut self, table: &ObjName) {
        let key = table.key();
        if self.tables.remove(&key).is_some() {
            self.indexes.retain(|_, i| i.table != key);
        }
    }

    fn rename_table(&mut self, table: &ObjName, new_name: &str) {
        let old_key = table.key();
        let Some(mut t) = self.tables.remove(&old_key) else {
            return;
        };
        let renamed = ObjName::new(table.schema.clone(), new_name.to_string());
        let new_key = renamed.key();
        t.name = renamed.clone();
        self.tables.insert(new_key.clone(), t);
        for index in self.indexes.values_mut().filter(|i| i.table == old_key) {
            index.table = new_key.clone();
        }
        // Foreign keys point at the table itself, not its name.
        for t in self.tables.values_mut() {
            for c in &mut t.constraints {
                if let ConstraintKind::ForeignKey { ref_table, .. } = &mut c.kind {
                    if ref_table.key() == old_key {
                        *ref_table = renamed.clone();
                    }
                }
            }
        }
    }

    fn drop_column(&mut self, table: &ObjName, column: &str) {
        let key = table.key();
        let Some(t) = self.tables.get_mut(&key) else {
            return;
        };
        t.columns.retain(|c| c.name != column);
        // PostgreSQL drops indexes and constraints that use the column.
        t.constraints
            .retain(|c| !constraint_columns(&c.kind).iter().any(|c| c == column));
        self.indexes.retain(|_, i| {
            i.table != key || !i.columns.iter().any(|c| c.as_deref() == Some(column))
        });
    }

    fn rename_column(&mut self, table: &ObjName, old: &str, new: &str) {
        let key = table.key();
        let Some(t) = self.tables.get_mut(&key) else {
            return;
        };
        if let Some(c) = t.column_mut(old) {
            c.name = new.to_string();
        }
        let rename = |c: &mut String| {
            if c == old {
                *c = new.to_string();
            }
        };
        for c in &mut t.constraints {
            match &mut c.kind {
                ConstraintKind::PrimaryKey { columns, .. }
                | ConstraintKind::Unique { columns, .. }
                | ConstraintKind::ForeignKey { columns, .. } => columns.iter_mut().for_each(rename),
                _ => {}
            }
        }
        for i in self.indexes.values_mut().filter(|i| i.table == key) {
            i.columns.iter_mut().flatten().for_each(rename);
        }
    }

    fn rename_index(&mut self, index: &ObjName, new_name: &str) {
        let Some(mut i) = self.indexes.remove(&index.key()) else {
            return;
        };
        let old_name = std::mem::replace(&mut i.name, new_name.to_string());
        let table_key = i.table.clone();
        self.indexes.insert(
            ObjName::new(index.schema.clone(), new_name.to_string()).key(),
            i,
        );
        // Renaming a constraint's index renames the constraint.
        if let Some(t) = self.tables.get_mut(&table_key) {
            for c in t.constraints.iter_mut().filter(|c| c.name == old_name) {
                c.name = new_name.to_string();
            }
        }
    }
}

/// The columns a constraint is declared on (empty for CHECK and others).
pub fn constraint_columns(kind: &ConstraintKind) -> &[String] {
    match kind {
        ConstraintKind::PrimaryKey { columns, .. }
        | ConstraintKind::Unique { columns, .. }
        | ConstraintKind::ForeignKey { columns, .. } => columns,
        _ => &[],
    }
}

fn column_from_spec(spec: &ColumnSpec) -> Column {
    Column {
        name: spec.name.clone(),
        ty: spec.ty.clone(),
        not_null: spec.not_null,
        default: spec.default.clone(),
    }
}

/// PostgreSQL's names for unnamed constraints (`<table>_pkey`, `<table>_<cols>_key`, `..._fkey`, `..._check`).
fn default_constraint_name(table: &str, kind: &ConstraintKind) -> String {
    match kind {
        ConstraintKind::PrimaryKey { .. } => format!("{table}_pkey"),
        ConstraintKind::Unique { columns, .. } => format!("{table}_{}_key", columns.join("_")),
        ConstraintKind::ForeignKey { columns, .. } => format!("{table}_{}_fkey", columns.join("_")),
        ConstraintKind::Check { .. } => format!("{table}_check"),
        ConstraintKind::Other => format!("{table}_excl"),
    }
}
