//! A model of the database schema, built by replaying every migration's operations in order.

use std::ops::Range;
use std::sync::Arc;

use imbl::OrdMap;
use serde::{Deserialize, Serialize};

use crate::ops::{
    integer_of_serial, quote_ident, serial_of_integer, ColumnSpec, Constraint, ConstraintKind,
    DefaultExpr, IndexKey, ObjName, Op, OpKind, SqlType,
};

/// Where an object was defined: file index (in lint order) and byte span.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Origin {
    pub file: usize,
    pub span: Range<usize>,
}

/// foldhash instead of SipHash: names are hashed on every lookup of the replay, and its per-process seed still keeps
/// crafted names from colliding on purpose.
type HashMap<K, V> =
    imbl::GenericHashMap<K, V, foldhash::fast::RandomState, imbl::shared_ptr::DefaultSharedPtr>;

/// Persistent maps of objects shared behind `Arc` and copied on write: a snapshot (the catalog the cache keeps from
/// before a file) costs O(1), and every change after it O(log n) plus the size of the one table it touches.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    tables: OrdMap<Arc<str>, Arc<Table>>,
    indexes: HashMap<Arc<str>, Arc<Index>>,
    enums: HashMap<Arc<str>, Arc<Vec<String>>>,
    /// Functions the history created, by catalog key: whether each is VOLATILE.
    functions: HashMap<Arc<str>, bool>,
    /// Unique keys the file being applied dropped, while nothing since could have changed their values.
    dropped_unique: DroppedUnique,
}

/// Full unique keys (table key, columns) one migration file dropped. Their rows held no two equal values when the key
/// went, so until the file writes to the table (or renames, retypes or drops a column) a unique index built again
/// over those columns cannot meet duplicates.
#[derive(Debug, Clone, Default)]
struct DroppedUnique {
    file: usize,
    keys: Vec<(String, Vec<String>)>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Table {
    pub name: ObjName,
    /// Shared with earlier snapshots until changed: copying a table on write copies pointers, not columns.
    pub columns: Vec<Arc<Column>>,
    pub constraints: Vec<Arc<ConstraintInfo>>,
    pub origin: Origin,
    /// Catalog keys of this table's indexes, so per-table work never scans every index.
    index_keys: Vec<Arc<str>>,
    /// A statement sqlparser could not read created or altered it ([`OpKind::Unread`]): its columns, keys and indexes
    /// here may not be the database's.
    #[serde(default)]
    pub unread: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    pub ty: SqlType,
    pub not_null: bool,
    /// NOT NULL only because the type is a serial ([`ColumnSpec::not_null_from_serial`]), never set or dropped since.
    #[serde(default)]
    pub not_null_from_serial: bool,
    pub default: Option<DefaultExpr>,
    /// The clause that added the column.
    #[serde(default)]
    pub origin: Origin,
}

impl Column {
    /// Sets or drops the default. Once its sequence's default is set or dropped, a serial is the plain integer type
    /// PostgreSQL made.
    fn replace_default(&mut self, default: Option<DefaultExpr>) {
        if let Some(integer) = integer_of_serial(&self.ty.text) {
            self.ty = SqlType::new(integer);
        }
        self.default = default;
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ConstraintInfo {
    /// The constraint's name, PostgreSQL's generated one when the SQL gave none.
    pub name: String,
    pub kind: ConstraintKind,
    pub not_valid: bool,
    pub origin: Origin,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Index {
    pub name: String,
    /// Catalog key of the indexed table.
    pub table: String,
    pub columns: Vec<Option<String>>,
    pub unique: bool,
    pub partial: bool,
    pub origin: Origin,
    /// `USING method` as written (None: btree).
    #[serde(default)]
    pub method: Option<String>,
    /// Sort order and operator class per key (empty: all plain ascending).
    #[serde(default)]
    pub keys: Vec<IndexKey>,
}

/// A type's name as a column type spells it, `"s"."n"`, `s.n`, `"n"` or `n`: its schema when written, and its name
/// (quotes taken off, `""` read as `"`).
fn split_type_name(text: &str) -> (Option<String>, String) {
    let unquote = |part: &str| match part.strip_prefix('"').and_then(|p| p.strip_suffix('"')) {
        Some(quoted) => quoted.replace("\"\"", "\""),
        None => part.to_string(),
    };
    // The dot after the first part: after its closing quote when quoted (a quoted name may hold a dot).
    let first_end = match text.strip_prefix('"') {
        Some(rest) => {
            let bytes = rest.as_bytes();
            let mut i = 0;
            while i < bytes.len() {
                match (bytes[i], bytes.get(i + 1)) {
                    (b'"', Some(b'"')) => i += 2,
                    (b'"', _) => break,
                    _ => i += 1,
                }
            }
            (i + 2).min(text.len())
        }
        None => text.find('.').unwrap_or(text.len()),
    };
    match text[first_end..].strip_prefix('.') {
        Some(name) => (Some(unquote(&text[..first_end])), unquote(name)),
        None => (None, unquote(text)),
    }
}

impl Table {
    /// Catalog keys of this table's indexes.
    pub fn index_keys(&self) -> &[Arc<str>] {
        &self.index_keys
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name).map(|c| &**c)
    }

    fn column_mut(&mut self, name: &str) -> Option<&mut Column> {
        self.columns
            .iter_mut()
            .find(|c| c.name == name)
            .map(Arc::make_mut)
    }
}

impl Catalog {
    pub fn table(&self, name: &ObjName) -> Option<&Table> {
        self.tables.get(&*name.key_ref()).map(|t| &**t)
    }

    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.tables.values().map(|t| &**t)
    }

    pub fn index(&self, name: &ObjName) -> Option<&Index> {
        self.indexes.get(&*name.key_ref()).map(|i| &**i)
    }

    /// Indexes of a table, including those backing its primary key and unique constraints.
    pub fn indexes_of<'a>(&'a self, table: &'a ObjName) -> impl Iterator<Item = &'a Index> + 'a {
        self.table(table)
            .into_iter()
            .flat_map(|t| self.indexes_of_table(t))
    }

    /// [`Catalog::indexes_of`] for a table already looked up.
    pub fn indexes_of_table<'a>(
        &'a self,
        table: &'a Table,
    ) -> impl Iterator<Item = &'a Index> + 'a {
        table
            .index_keys
            .iter()
            .filter_map(|key| self.indexes.get(key).map(|i| &**i))
    }

    /// The table an index belongs to.
    pub fn table_of_index(&self, index: &ObjName) -> Option<&Table> {
        let key = &self.index(index)?.table;
        self.tables.get(key.as_str()).map(|t| &**t)
    }

    pub fn enum_labels(&self, name: &ObjName) -> Option<&[String]> {
        self.enums.get(&*name.key_ref()).map(|l| l.as_slice())
    }

    /// Every table, index and enum by catalog key: what the cache stores.
    pub fn table_entries(&self) -> impl Iterator<Item = (&str, &Table)> {
        self.tables.iter().map(|(k, t)| (&**k, &**t))
    }

    pub fn index_entries(&self) -> impl Iterator<Item = (&str, &Index)> {
        self.indexes.iter().map(|(k, i)| (&**k, &**i))
    }

    pub fn enum_entries(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.enums.iter().map(|(k, l)| (&**k, l.as_slice()))
    }

    /// Whether a function the history created is VOLATILE; None for a function no migration created.
    /// Columns of the full unique keys of `table` that the migration file `file` dropped before this point, with no
    /// statement since that could have made two rows equal there.
    pub fn dropped_unique_keys<'a>(
        &'a self,
        table: &ObjName,
        file: usize,
    ) -> impl Iterator<Item = &'a [String]> + 'a {
        let key = table.key();
        let keys = if self.dropped_unique.file == file {
            &self.dropped_unique.keys[..]
        } else {
            &[]
        };
        keys.iter()
            .filter(move |(t, _)| *t == key)
            .map(|(_, columns)| &columns[..])
    }

    pub fn function_volatile(&self, name: &ObjName) -> Option<bool> {
        self.functions.get(&*name.key_ref()).copied()
    }

    pub fn function_entries(&self) -> impl Iterator<Item = (&str, bool)> {
        self.functions.iter().map(|(k, v)| (&**k, *v))
    }

    /// This catalog with these functions (as [`Catalog::function_entries`] gave them) added.
    pub fn with_functions(mut self, functions: Vec<(String, bool)>) -> Catalog {
        self.functions
            .extend(functions.into_iter().map(|(k, v)| (Arc::from(k), v)));
        self
    }

    /// A catalog of these entries, as [`Catalog::table_entries`] and the others gave them: all of another catalog, or
    /// the part of it the cache restores (every index of each table, and the table of each index, must be there too).
    pub fn from_entries(
        tables: Vec<(String, Table)>,
        indexes: Vec<(String, Index)>,
        enums: Vec<(String, Vec<String>)>,
    ) -> Catalog {
        Catalog {
            tables: tables
                .into_iter()
                .map(|(k, t)| (Arc::from(k), Arc::new(t)))
                .collect(),
            indexes: indexes
                .into_iter()
                .map(|(k, i)| (Arc::from(k), Arc::new(i)))
                .collect(),
            enums: enums
                .into_iter()
                .map(|(k, l)| (Arc::from(k), Arc::new(l)))
                .collect(),
            functions: HashMap::default(),
            dropped_unique: DroppedUnique::default(),
        }
    }

    /// Applies one operation. Operations on unknown objects are ignored: the history may be partial.
    pub fn apply(&mut self, op: &Op, file: usize) {
        let origin = |span: &Range<usize>| Origin {
            file,
            span: span.clone(),
        };
        self.keep_dropped_unique(&op.kind, file);
        match &op.kind {
            OpKind::CreateTable {
                table,
                columns,
                constraints,
            } => {
                self.drop_table(table);
                self.tables.insert(
                    table.key().into(),
                    Arc::new(Table {
                        name: table.clone(),
                        columns: columns
                            .iter()
                            .map(|c| Arc::new(column_from_spec(c, origin(&op.span))))
                            .collect(),
                        constraints: Vec::new(),
                        origin: origin(&op.span),
                        index_keys: Vec::new(),
                        unread: false,
                    }),
                );
                let inline = columns.iter().flat_map(|c| c.constraints.iter());
                for constraint in inline.chain(constraints) {
                    self.add_constraint(table, constraint, false, file);
                }
            }
            OpKind::DropTable { table } => self.drop_table(table),
            OpKind::RenameTable { table, new_name } => self.rename_table(table, new_name),
            OpKind::AddColumn { table, column } => {
                let Some(t) = self.table_mut(&table.key_ref()) else {
                    return;
                };
                if t.column(&column.name).is_none() {
                    t.columns
                        .push(Arc::new(column_from_spec(column, origin(&op.span))));
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
            } => self.with_column(table, column, |c| {
                // A serial retyped to another integer type keeps its sequence's default (PostgreSQL 15).
                c.ty = match integer_of_serial(&c.ty.text).and(serial_of_integer(&new_type.text)) {
                    Some(serial) => SqlType::new(serial),
                    None => new_type.clone(),
                }
            }),
            OpKind::SetNotNull { table, column } => self.with_column(table, column, |c| {
                (c.not_null, c.not_null_from_serial) = (true, false)
            }),
            OpKind::DropNotNull { table, column } => self.with_column(table, column, |c| {
                (c.not_null, c.not_null_from_serial) = (false, false)
            }),
            OpKind::SetDefault {
                table,
                column,
                default,
            } => self.with_column(table, column, |c| c.replace_default(Some(default.clone()))),
            OpKind::DropDefault { table, column } => {
                self.with_column(table, column, |c| c.replace_default(None))
            }
            OpKind::AddConstraint {
                table,
                constraint,
                not_valid,
            } => self.add_constraint(table, constraint, *not_valid, file),
            OpKind::DropConstraint { table, name } => {
                if let Some(t) = self.table_mut(&table.key_ref()) {
                    t.constraints.retain(|c| &c.name != name);
                }
                let index =
                    self.remove_index(&ObjName::new(table.schema.clone(), name.clone()).key());
                self.note_dropped(index);
            }
            OpKind::ValidateConstraint { table, name } => {
                if let Some(t) = self.table_mut(&table.key_ref()) {
                    for c in t.constraints.iter_mut().filter(|c| &c.name == name) {
                        Arc::make_mut(c).not_valid = false;
                    }
                }
            }
            OpKind::RenameConstraint { table, old, new } => {
                if let Some(t) = self.table_mut(&table.key_ref()) {
                    for c in t.constraints.iter_mut().filter(|c| &c.name == old) {
                        Arc::make_mut(c).name = new.clone();
                    }
                }
                // A primary key or unique constraint's index carries its name (an index of another table does not).
                let index = ObjName::new(table.schema.clone(), old.clone());
                if self
                    .indexes
                    .get(&*index.key_ref())
                    .is_some_and(|i| i.table == table.key())
                {
                    self.rename_index(&index, new);
                }
            }
            OpKind::CreateIndex(spec) => {
                // Unnamed indexes get generated names we do not need to track to check coverage.
                let name = spec
                    .name
                    .clone()
                    .unwrap_or_else(|| format!("{}_{}_idx", spec.table.name, spec.columns.len()));
                self.insert_index(
                    &spec.table,
                    Index {
                        name,
                        table: spec.table.key(),
                        columns: spec.columns.clone(),
                        unique: spec.unique,
                        partial: spec.partial,
                        origin: origin(&op.span),
                        method: spec.method.clone(),
                        keys: spec.keys.clone(),
                    },
                );
            }
            OpKind::DropIndex { index, .. } => {
                let index = self.remove_index(&index.key_ref());
                self.note_dropped(index);
            }
            OpKind::RenameIndex { index, new_name } => self.rename_index(index, new_name),
            OpKind::CreateEnum { name, labels } => {
                self.enums
                    .insert(name.key().into(), Arc::new(labels.clone()));
            }
            OpKind::AddEnumValue { name, value } => {
                if let Some(labels) = self.enums.get_mut(&*name.key_ref()).map(Arc::make_mut) {
                    if !labels.contains(value) {
                        labels.push(value.clone());
                    }
                }
            }
            OpKind::RenameEnumValue { name, old, new } => {
                if let Some(labels) = self.enums.get_mut(&*name.key_ref()).map(Arc::make_mut) {
                    for l in labels.iter_mut().filter(|l| *l == old) {
                        *l = new.clone();
                    }
                }
            }
            OpKind::RenameType { name, new_name } => {
                if let Some(labels) = self.enums.remove(&*name.key_ref()) {
                    let renamed = ObjName::new(name.schema.clone(), new_name.clone());
                    self.enums.insert(renamed.key().into(), labels);
                    self.retype_columns(name, new_name);
                }
            }
            OpKind::DropType { name } => {
                self.enums.remove(&*name.key_ref());
            }
            OpKind::CreateFunction { name, volatile } => {
                self.functions.insert(name.key().into(), *volatile);
            }
            OpKind::Unread { table } => {
                if let Some(t) = self.table_mut(&table.key_ref()) {
                    t.unread = true;
                }
            }
            OpKind::Transaction(_)
            | OpKind::Set { .. }
            | OpKind::Dml { .. }
            | OpKind::Truncate { .. }
            | OpKind::Maintenance { .. }
            | OpKind::DropContainer { .. }
            | OpKind::OtherTableChange { .. }
            | OpKind::Opaque { .. } => {}
        }
    }

    /// Columns refer to a type itself, not its name: after `ALTER TYPE "Role_new" RENAME TO "Role"` (how Prisma
    /// changes an enum's values) they are of type "Role".
    fn retype_columns(&mut self, old: &ObjName, new_name: &str) {
        let public = |schema: Option<&str>| schema.is_none_or(|s| s == "public");
        // The new spelling of a column type that names the old type (its array too), in the old type's schema.
        let of_old = |ty: &SqlType| -> Option<String> {
            // Every table's columns are looked at on each rename (Prisma renames a type to change an enum's values):
            // a type that does not even spell the name is passed over without a copy (a `"` is doubled in SQL).
            if !old.name.contains('"') && !ty.text.contains(old.name.as_str()) {
                return None;
            }
            let (base, array) = match ty.text.strip_suffix("[]") {
                Some(base) => (base, "[]"),
                None => (ty.text.as_str(), ""),
            };
            let (schema, name) = split_type_name(base);
            let same_schema = match (schema.as_deref(), old.schema.as_deref()) {
                (a, b) if public(a) && public(b) => true,
                (a, b) => a == b,
            };
            (name == old.name && same_schema).then(|| match schema.filter(|s| !public(Some(s))) {
                Some(schema) => {
                    format!("{}.{}{array}", quote_ident(&schema), quote_ident(new_name))
                }
                None => format!("{}{array}", quote_ident(new_name)),
            })
        };
        let keys: Vec<Arc<str>> = self
            .tables
            .iter()
            .filter(|(_, t)| t.columns.iter().any(|c| of_old(&c.ty).is_some()))
            .map(|(k, _)| k.clone())
            .collect();
        for key in keys {
            let Some(t) = self.table_mut(&key) else {
                continue;
            };
            for column in t.columns.iter_mut() {
                if let Some(renamed) = of_old(&column.ty) {
                    Arc::make_mut(column).ty = SqlType::new(renamed);
                }
            }
        }
    }

    /// Removes an index from the catalog and from its table's list.
    /// Forgets the dropped unique keys when `kind` starts another file or could change the values under them (writes,
    /// column changes, statements whose effect is not modelled); the others keep them.
    fn keep_dropped_unique(&mut self, kind: &OpKind, file: usize) {
        let keeps = self.dropped_unique.file == file
            && matches!(
                kind,
                OpKind::DropIndex { .. }
                    | OpKind::DropConstraint { .. }
                    | OpKind::CreateIndex(_)
                    | OpKind::AddConstraint { .. }
                    | OpKind::ValidateConstraint { .. }
                    | OpKind::RenameConstraint { .. }
                    | OpKind::RenameIndex { .. }
                    | OpKind::AddColumn { .. }
                    | OpKind::SetNotNull { .. }
                    | OpKind::DropNotNull { .. }
                    | OpKind::SetDefault { .. }
                    | OpKind::DropDefault { .. }
                    | OpKind::Set { .. }
            );
        if !keeps {
            self.dropped_unique = DroppedUnique {
                file,
                keys: Vec::new(),
            };
        }
    }

    /// Records a dropped index that kept a whole plain-column key unique.
    fn note_dropped(&mut self, index: Option<Arc<Index>>) {
        let Some(index) = index.filter(|i| i.unique && !i.partial) else {
            return;
        };
        if let Some(columns) = index
            .columns
            .iter()
            .cloned()
            .collect::<Option<Vec<String>>>()
        {
            self.dropped_unique
                .keys
                .push((index.table.clone(), columns));
        }
    }

    fn remove_index(&mut self, key: &str) -> Option<Arc<Index>> {
        let index = self.indexes.remove(key)?;
        if let Some(t) = self.table_mut(&index.table) {
            t.index_keys.retain(|k| &**k != key);
        }
        Some(index)
    }

    /// Copy-on-write access to a table.
    fn table_mut(&mut self, key: &str) -> Option<&mut Table> {
        self.tables.get_mut(key).map(Arc::make_mut)
    }

    fn with_column(&mut self, table: &ObjName, column: &str, f: impl FnOnce(&mut Column)) {
        if let Some(c) = self
            .table_mut(&table.key())
            .and_then(|t| t.column_mut(column))
        {
            f(c);
        }
    }

    fn insert_index(&mut self, table: &ObjName, index: Index) {
        let key: Arc<str> = ObjName::new(table.schema.clone(), index.name.clone())
            .key()
            .into();
        self.remove_index(&key);
        if let Some(t) = self.table_mut(&table.key_ref()) {
            t.index_keys.push(key.clone());
        }
        self.indexes.insert(key, Arc::new(index));
    }

    fn add_constraint(
        &mut self,
        table: &ObjName,
        constraint: &Constraint,
        not_valid: bool,
        file: usize,
    ) {
        if !self.tables.contains_key(&*table.key_ref()) {
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
                    if let Some(index) = self.remove_index(&index_key) {
                        *columns = index.columns.iter().flatten().cloned().collect();
                    }
                }
                let index = Index {
                    name: name.clone(),
                    table: table.key(),
                    columns: columns.iter().cloned().map(Some).collect(),
                    unique: true,
                    partial: false,
                    origin: origin.clone(),
                    method: None,
                    keys: Vec::new(),
                };
                self.insert_index(table, index);
            }
            _ => {}
        }
        if let Some(t) = self.table_mut(&table.key_ref()) {
            t.constraints.retain(|c| c.name != name);
            t.constraints.push(Arc::new(ConstraintInfo {
                name,
                kind,
                not_valid,
                origin,
            }));
        }
    }

    fn drop_table(&mut self, table: &ObjName) {
        if let Some(t) = self.tables.remove(&*table.key_ref()) {
            for key in &t.index_keys {
                self.indexes.remove(key);
            }
        }
    }

    fn rename_table(&mut self, table: &ObjName, new_name: &str) {
        let old_key = table.key();
        let renamed = ObjName::new(table.schema.clone(), new_name.to_string());
        let new_key = renamed.key();
        if let Some(mut t) = self.tables.remove(old_key.as_str()) {
            Arc::make_mut(&mut t).name = renamed.clone();
            for key in &t.index_keys {
                if let Some(index) = self.indexes.get_mut(key) {
                    Arc::make_mut(index).table = new_key.clone();
                }
            }
            self.tables.insert(new_key.as_str().into(), t);
        }
        // Foreign keys point at the table itself, not its name; this holds for a table the (partial) history never
        // created too, so a history replayed only in part (see `relevance`) agrees with a full replay.
        let references_old = |t: &Table| {
            t.constraints.iter().any(|c| {
                matches!(&c.kind, ConstraintKind::ForeignKey { ref_table, .. } if ref_table.key() == old_key)
            })
        };
        let referencing: Vec<Arc<str>> = self
            .tables
            .iter()
            .filter(|(_, t)| references_old(t))
            .map(|(k, _)| k.clone())
            .collect();
        for key in referencing {
            let Some(t) = self.table_mut(&key) else {
                continue;
            };
            // Only the foreign keys that change are copied out of the snapshot they share.
            let refers = |c: &ConstraintInfo| match &c.kind {
                ConstraintKind::ForeignKey { ref_table, .. } => ref_table.key() == old_key,
                _ => false,
            };
            for c in t.constraints.iter_mut().filter(|c| refers(c)) {
                if let ConstraintKind::ForeignKey { ref_table, .. } = &mut Arc::make_mut(c).kind {
                    *ref_table = renamed.clone();
                }
            }
        }
    }

    fn drop_column(&mut self, table: &ObjName, column: &str) {
        let key = table.key();
        let Some(t) = self.table_mut(&key) else {
            return;
        };
        t.columns.retain(|c| c.name != column);
        // PostgreSQL drops indexes and constraints that use the column.
        t.constraints
            .retain(|c| !constraint_columns(&c.kind).iter().any(|c| c == column));
        let keys = t.index_keys.clone();
        for key in keys {
            let uses_column = self
                .indexes
                .get(&key)
                .is_some_and(|i| i.columns.iter().any(|c| c.as_deref() == Some(column)));
            if uses_column {
                self.remove_index(&key);
            }
        }
    }

    fn rename_column(&mut self, table: &ObjName, old: &str, new: &str) {
        let key = table.key();
        let Some(t) = self.table_mut(&key) else {
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
        let uses_old = |c: &ConstraintInfo| constraint_columns(&c.kind).iter().any(|c| c == old);
        for c in t.constraints.iter_mut().filter(|c| uses_old(c)) {
            match &mut Arc::make_mut(c).kind {
                ConstraintKind::PrimaryKey { columns, .. }
                | ConstraintKind::Unique { columns, .. }
                | ConstraintKind::ForeignKey { columns, .. } => columns.iter_mut().for_each(rename),
                _ => {}
            }
        }
        for index_key in t.index_keys.clone() {
            if let Some(i) = self.indexes.get_mut(&index_key) {
                Arc::make_mut(i)
                    .columns
                    .iter_mut()
                    .flatten()
                    .for_each(rename);
            }
        }
    }

    fn rename_index(&mut self, index: &ObjName, new_name: &str) {
        let Some(mut i) = self.remove_index(&index.key_ref()) else {
            return;
        };
        let old_name = std::mem::replace(&mut Arc::make_mut(&mut i).name, new_name.to_string());
        let table_key = i.table.clone();
        let new_key: Arc<str> = ObjName::new(index.schema.clone(), new_name.to_string())
            .key()
            .into();
        if let Some(t) = self.table_mut(&table_key) {
            t.index_keys.push(new_key.clone());
        }
        self.indexes.insert(new_key, i);
        // Renaming a constraint's index renames the constraint.
        if let Some(t) = self.table_mut(&table_key) {
            for c in t.constraints.iter_mut().filter(|c| c.name == old_name) {
                Arc::make_mut(c).name = new_name.to_string();
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

fn column_from_spec(spec: &ColumnSpec, origin: Origin) -> Column {
    Column {
        name: spec.name.clone(),
        ty: spec.ty.clone(),
        not_null: spec.not_null,
        not_null_from_serial: spec.not_null_from_serial,
        default: spec.default.clone(),
        origin,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::lower_statement;
    use crate::syntax::parse::parse_statement;
    use crate::syntax::split::split;

    #[test]
    fn a_type_name_splits_into_its_schema_and_name_as_written() {
        let owned = |s: Option<&str>, n: &str| (s.map(str::to_string), n.to_string());
        assert_eq!(split_type_name("\"E\""), owned(None, "E"));
        assert_eq!(split_type_name("e"), owned(None, "e"));
        assert_eq!(
            split_type_name("\"other\".\"E_new\""),
            owned(Some("other"), "E_new")
        );
        assert_eq!(split_type_name("other.\"E\""), owned(Some("other"), "E"));
        assert_eq!(
            split_type_name("\"a.b\".\"say \"\"hi\"\"\""),
            owned(Some("a.b"), "say \"hi\"")
        );
        assert_eq!(split_type_name("\"a.b\""), owned(None, "a.b"));
    }

    fn replay(files: &[&str]) -> Catalog {
        let mut catalog = Catalog::default();
        for (i, text) in files.iter().enumerate() {
            for raw in split(text).statements {
                let statement = parse_statement(text, raw);
                for op in lower_statement(text, &statement) {
                    catalog.apply(&op, i);
                }
            }
        }
        catalog
    }

    fn t(name: &str) -> ObjName {
        ObjName::bare(name)
    }

    #[test]
    fn quoted_unquoted_and_public_names_meet() {
        let c = replay(&[
            "CREATE TABLE public.accounts (id int PRIMARY KEY);",
            "ALTER TABLE \"accounts\" ADD COLUMN a text; ALTER TABLE Accounts ADD COLUMN B int NOT NULL DEFAULT 0;",
        ]);
        let table = c.table(&t("accounts")).expect("table");
        let names: Vec<_> = table.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["id", "a", "b"]);
        assert!(table.column("b").unwrap().not_null);
        assert!(
            c.table(&t("Accounts")).is_none(),
            "quoted names keep their case"
        );
    }

    #[test]
    fn columns_track_type_nullability_and_default() {
        let c = replay(&[
            "CREATE TABLE \"U\" (\"e\" VARCHAR(10), \"n\" TEXT NOT NULL DEFAULT 'x');",
            "ALTER TABLE \"U\" ALTER COLUMN \"e\" SET DATA TYPE TEXT, ALTER COLUMN \"e\" SET NOT NULL, ALTER COLUMN \"n\" DROP NOT NULL, ALTER COLUMN \"n\" DROP DEFAULT;",
        ]);
        let u = c.table(&t("U")).unwrap();
        let e = u.column("e").unwrap();
        assert_eq!((e.ty.text.as_str(), e.not_null), ("text", true));
        let n = u.column("n").unwrap();
        assert!(!n.not_null && n.default.is_none());
    }

    #[test]
    fn renames_follow_through_constraints_and_indexes() {
        let c = replay(&[
            "CREATE TABLE \"A\" (\"id\" TEXT PRIMARY KEY); CREATE TABLE \"B\" (\"aId\" TEXT, CONSTRAINT \"B_aId_fkey\" FOREIGN KEY (\"aId\") REFERENCES \"A\"(\"id\"));",
            "CREATE INDEX \"B_aId_idx\" ON \"B\"(\"aId\");",
            "ALTER TABLE \"A\" RENAME TO \"Z\"; ALTER TABLE \"B\" RENAME COLUMN \"aId\" TO \"zId\"; ALTER INDEX \"B_aId_idx\" RENAME TO \"B_zId_idx\";",
        ]);
        let b = c.table(&t("B")).unwrap();
        let ConstraintKind::ForeignKey {
            columns, ref_table, ..
        } = &b.constraints[0].kind
        else {
            panic!("fk expected");
        };
        assert_eq!(
            (columns.as_slice(), ref_table.name.as_str()),
            (&["zId".to_string()][..], "Z")
        );
        let index = c.index(&t("B_zId_idx")).expect("renamed index");
        assert_eq!(index.columns, [Some("zId".to_string())]);
        assert!(c.index(&t("B_aId_idx")).is_none());
        assert_eq!(c.index(&t("A_pkey")).map(|i| i.table.as_str()), Some("Z"));
    }

    #[test]
    fn a_snapshot_keeps_its_constraints_while_the_catalog_changes_them() {
        let mut c = replay(&[
            "CREATE TABLE \"A\" (\"id\" TEXT PRIMARY KEY); CREATE TABLE \"B\" (\"aId\" TEXT);",
            "ALTER TABLE \"B\" ADD CONSTRAINT \"B_aId_fkey\" FOREIGN KEY (\"aId\") REFERENCES \"A\"(\"id\") NOT VALID;",
        ]);
        // The cache keeps the catalog as it was before a file while the replay goes on changing it.
        let before = c.clone();
        let later = "ALTER TABLE \"B\" VALIDATE CONSTRAINT \"B_aId_fkey\"; ALTER TABLE \"B\" RENAME COLUMN \"aId\" TO \"zId\"; ALTER TABLE \"A\" RENAME TO \"Z\"; ALTER TABLE \"B\" RENAME CONSTRAINT \"B_aId_fkey\" TO \"B_fk\";";
        for raw in split(later).statements {
            for op in lower_statement(later, &parse_statement(later, raw)) {
                c.apply(&op, 2);
            }
        }
        let fk = |catalog: &Catalog| {
            let constraint = catalog.table(&t("B")).unwrap().constraints[0].clone();
            let ConstraintKind::ForeignKey {
                columns, ref_table, ..
            } = &constraint.kind
            else {
                panic!("fk expected");
            };
            (
                constraint.name.clone(),
                constraint.not_valid,
                columns.clone(),
                ref_table.name.clone(),
            )
        };
        assert_eq!(
            fk(&before),
            (
                "B_aId_fkey".into(),
                true,
                vec!["aId".to_string()],
                "A".into()
            )
        );
        assert_eq!(
            fk(&c),
            ("B_fk".into(), false, vec!["zId".to_string()], "Z".into())
        );
    }

    #[test]
    fn dropping_a_column_drops_its_indexes_and_constraints() {
        let c = replay(&[
            "CREATE TABLE \"P\" (\"id\" TEXT, \"uId\" TEXT, CONSTRAINT \"P_u\" FOREIGN KEY (\"uId\") REFERENCES \"U\"(\"id\"));\nCREATE UNIQUE INDEX \"P_uId_key\" ON \"P\"(\"uId\");",
            "ALTER TABLE \"P\" DROP COLUMN \"uId\";",
        ]);
        assert!(c.table(&t("P")).unwrap().constraints.is_empty());
        assert!(c.index(&t("P_uId_key")).is_none());
    }

    #[test]
    fn primary_key_and_unique_constraints_are_indexes_and_drop_with_the_constraint() {
        let c = replay(&[
            "CREATE TABLE \"T\" (\"a\" INT, \"b\" INT, CONSTRAINT \"T_pkey\" PRIMARY KEY (\"a\", \"b\"));",
            "CREATE UNIQUE INDEX \"T_b_idx\" ON \"T\"(\"b\"); ALTER TABLE \"T\" ADD CONSTRAINT \"T_b_key\" UNIQUE USING INDEX \"T_b_idx\";",
        ]);
        let pkey = c.index(&t("T_pkey")).unwrap();
        assert_eq!(pkey.columns.len(), 2);
        assert!(pkey.unique);
        assert!(
            c.index(&t("T_b_idx")).is_none(),
            "USING INDEX adopts and renames"
        );
        assert_eq!(
            c.index(&t("T_b_key")).map(|i| i.columns.clone()),
            Some(vec![Some("b".to_string())])
        );
        let c2 = replay(&[
            "CREATE TABLE \"T\" (\"a\" INT, CONSTRAINT \"T_pkey\" PRIMARY KEY (\"a\"));",
            "ALTER TABLE \"T\" DROP CONSTRAINT \"T_pkey\";",
        ]);
        assert!(c2.index(&t("T_pkey")).is_none());
    }

    #[test]
    fn enums_and_not_valid_constraints() {
        let c = replay(&[
            "CREATE TYPE \"Role\" AS ENUM ('USER', 'ADMIN');",
            "ALTER TYPE \"Role\" ADD VALUE 'OWNER'; ALTER TYPE \"Role\" RENAME VALUE 'USER' TO 'MEMBER';",
            "CREATE TABLE \"U\" (\"id\" INT); ALTER TABLE \"U\" ADD CONSTRAINT \"c\" CHECK (\"id\" > 0) NOT VALID;",
        ]);
        assert_eq!(
            c.enum_labels(&t("Role")).unwrap(),
            ["MEMBER", "ADMIN", "OWNER"]
        );
        assert!(c.table(&t("U")).unwrap().constraints[0].not_valid);
        let validated = replay(&[
            "CREATE TABLE \"U\" (\"id\" INT); ALTER TABLE \"U\" ADD CONSTRAINT \"c\" CHECK (\"id\" > 0) NOT VALID;",
            "ALTER TABLE \"U\" VALIDATE CONSTRAINT \"c\";",
        ]);
        assert!(!validated.table(&t("U")).unwrap().constraints[0].not_valid);
    }

    #[test]
    fn drop_index_concurrently_is_understood_from_tokens() {
        let c = replay(&[
            "CREATE TABLE \"T\" (\"a\" INT); CREATE INDEX \"T_a_idx\" ON \"T\"(\"a\");",
            "DROP INDEX CONCURRENTLY IF EXISTS \"T_a_idx\";",
        ]);
        assert!(c.index(&t("T_a_idx")).is_none());
    }

    #[test]
    fn renaming_a_table_the_history_never_created_still_renames_the_keys_that_reference_it() {
        let c = replay(&[
            "CREATE TABLE \"Post\" (\"u\" TEXT REFERENCES \"User\"(\"id\"));",
            "ALTER TABLE \"User\" RENAME TO \"Account\";",
        ]);
        let post = c.table(&t("Post")).unwrap();
        assert!(
            post.constraints.iter().any(|k| matches!(
                &k.kind,
                ConstraintKind::ForeignKey { ref_table, .. } if ref_table.name == "Account"
            )),
            "{:?}",
            post.constraints
        );
    }

    #[test]
    fn renaming_a_constraint_does_not_rename_another_tables_index() {
        let c = replay(&[
            "CREATE TABLE \"A\" (\"x\" TEXT, CONSTRAINT \"k\" UNIQUE (\"x\"));\nCREATE TABLE \"B\" (\"y\" TEXT);",
            "ALTER TABLE \"B\" RENAME CONSTRAINT \"k\" TO \"k2\";",
        ]);
        assert!(c.index(&t("k")).is_some());
        assert!(c.index(&t("k2")).is_none());
    }

    #[test]
    fn foreign_key_actions_and_index_methods_sort_orders_and_operator_classes_are_kept() {
        // Prisma's shapes (read from tokens) and hand-written SQL (parsed) keep the same details.
        let c = replay(&[
            "CREATE TABLE \"A\" (\"id\" TEXT PRIMARY KEY, \"t\" TEXT[]);\nCREATE TABLE \"B\" (\"aId\" TEXT, \"x\" TEXT);\nALTER TABLE \"B\" ADD CONSTRAINT \"B_aId_fkey\" FOREIGN KEY (\"aId\") REFERENCES \"A\"(\"id\") ON DELETE SET NULL ON UPDATE CASCADE;\nCREATE INDEX \"B_x_aId_idx\" ON \"B\"(\"x\" DESC, \"aId\");\nCREATE INDEX \"A_t_idx\" ON \"A\" USING GIN (\"t\");",
            "CREATE INDEX b_x_ops ON \"B\" (\"x\" text_pattern_ops);\nALTER TABLE \"A\" ADD COLUMN \"y\" INT REFERENCES \"B\" (\"x\") ON DELETE CASCADE;",
        ]);
        let fk = |table: &str| -> Vec<(Option<String>, Option<String>)> {
            c.table(&t(table))
                .unwrap()
                .constraints
                .iter()
                .filter_map(|k| match &k.kind {
                    ConstraintKind::ForeignKey {
                        on_delete,
                        on_update,
                        ..
                    } => Some((on_delete.clone(), on_update.clone())),
                    _ => None,
                })
                .collect()
        };
        assert_eq!(fk("B"), [(Some("SET NULL".into()), Some("CASCADE".into()))]);
        assert_eq!(fk("A"), [(Some("CASCADE".into()), None)]);
        let desc = c.index(&t("B_x_aId_idx")).unwrap();
        assert_eq!(
            (
                desc.method.as_deref(),
                desc.keys.iter().map(|k| k.descending).collect::<Vec<_>>()
            ),
            (None, vec![true, false])
        );
        assert_eq!(
            c.index(&t("A_t_idx")).unwrap().method.as_deref(),
            Some("gin")
        );
        let ops = c.index(&t("b_x_ops")).unwrap();
        assert_eq!(ops.keys[0].opclass.as_deref(), Some("text_pattern_ops"));
        assert_eq!(
            c.table(&t("A")).unwrap().column("y").unwrap().origin.file,
            1
        );
    }

    #[test]
    fn columns_follow_their_enum_type_through_a_rename() {
        // How Prisma changes an enum's values.
        let c = replay(&[
            "CREATE TYPE \"Role\" AS ENUM ('A', 'B'); CREATE TABLE \"U\" (\"r\" \"Role\", \"rs\" \"Role\"[]);",
            "CREATE TYPE \"Role_new\" AS ENUM ('A');\nALTER TABLE \"U\" ALTER COLUMN \"r\" TYPE \"Role_new\" USING (\"r\"::text::\"Role_new\"), ALTER COLUMN \"rs\" TYPE \"public\".\"Role_new\"[] USING (\"rs\"::text::\"Role_new\"[]);\nALTER TYPE \"Role\" RENAME TO \"Role_old\";\nALTER TYPE \"Role_new\" RENAME TO \"Role\";\nDROP TYPE \"Role_old\";",
        ]);
        let u = c.table(&t("U")).unwrap();
        assert_eq!(u.column("r").unwrap().ty.text, "\"Role\"");
        assert_eq!(u.column("rs").unwrap().ty.text, "\"Role\"[]");
        assert_eq!(c.enum_labels(&t("Role")).unwrap(), ["A"]);
    }

    #[test]
    fn snapshots_do_not_see_later_changes() {
        let mut c = replay(&["CREATE TABLE \"T\" (\"a\" INT);"]);
        let before = c.clone();
        let text = "ALTER TABLE \"T\" ADD COLUMN \"b\" INT;";
        for raw in split(text).statements {
            for op in lower_statement(text, &parse_statement(text, raw)) {
                c.apply(&op, 1);
            }
        }
        assert_eq!(before.table(&t("T")).unwrap().columns.len(), 1);
        assert_eq!(c.table(&t("T")).unwrap().columns.len(), 2);
    }
}
