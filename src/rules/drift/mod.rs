//! Static schema drift: the catalog at the end of the history against what Prisma would create from schema.prisma,
//! with no database.
//!
//! [`locate`] finds the schema beside a migrations folder, [`expected`] maps it to tables, columns, keys, indexes
//! and enums as Prisma's `migrate dev` creates them on PostgreSQL, [`compare`] lists the differences Prisma's next
//! migration would act on (and none of those it treats as equal), and `super::schema_drift` reports them.

pub mod compare;
pub mod expected;
pub mod locate;
pub mod values;

use std::path::Path;

/// Hash maps and sets of the drift check: foldhash instead of SipHash, seeded per process (a schema's names are
/// hashed by the thousand, and nothing outside the run chooses them to collide with a seed it cannot see).
pub type Map<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
pub type Set<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;

use crate::input::prisma_schema::Schema;
use crate::input::project_file::ReadError;
use crate::syntax::source::SourceFile;

/// A schema found for a history, with its files' texts so findings can point at their lines.
#[derive(Debug)]
pub struct FoundSchema {
    pub schema: Schema,
    /// One per [`Schema::files`], in that order. Findings on them use the file index `history files + i`: the caller
    /// appends these after the history's files.
    pub sources: Vec<SourceFile>,
}

impl FoundSchema {
    /// Reads the schema file or folder at `path` as [`Schema::load`] does (inside `project` when given); `display`
    /// shows a path to the user.
    pub fn load(
        path: &Path,
        project: Option<&Path>,
        display: &dyn Fn(&Path) -> String,
    ) -> Result<FoundSchema, ReadError> {
        let (mut schema, texts) = Schema::load_with_texts(path, project)?;
        let mut sources = Vec::with_capacity(schema.files.len());
        let line_starts = std::mem::take(&mut schema.line_starts);
        for ((file, text), starts) in schema.files.iter().zip(texts).zip(line_starts) {
            let name = file
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            let source = SourceFile::new(file.clone(), display(file), name, text);
            sources.push(source.with_line_starts(starts));
        }
        Ok(FoundSchema { schema, sources })
    }

    /// The schema's datasource names PostgreSQL (or names no provider, as in a schema folder's model files).
    pub fn is_postgres(&self) -> bool {
        self.schema
            .datasource
            .iter()
            .find(|(k, _)| k == "provider")
            .is_none_or(|(_, v)| v.contains("postgres"))
    }
}
