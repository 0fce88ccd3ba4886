//! What the migration being walked created so far (tables, indexes, columns): locks on them hurt no one, and no
//! running client or stored row depends on them. The engine records each operation; rules ask.

use crate::catalog::Catalog;
use crate::ops::{ObjName, OpKind};
use crate::pg::locks::{locks_taken, LockMode};

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

#[cfg(test)]
mod tests {
    use super::*;

    /// The operations of a migration, through the real split, parse and lowering.
    fn kinds(sql: &str) -> Vec<OpKind> {
        crate::syntax::split::split(sql)
            .statements
            .into_iter()
            .flat_map(|raw| {
                let parsed = crate::syntax::parse::parse_statement(sql, raw);
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
}
