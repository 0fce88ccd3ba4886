//! The catalog the migrations build against what Prisma would create ([`super::expected`]): every difference Prisma's
//! next `migrate dev` would turn into a migration, and none of the ones it treats as equal.

use std::cell::OnceCell;

use crate::catalog::{Catalog, Column as ActualColumn, Origin, Table as ActualTable};
use crate::ops::{integer_of_serial, ConstraintKind, IndexKey, ObjName};
use crate::syntax::source::SourceFile;

use super::expected::{Column, Expected, Place, Table};
use super::values::{
    canonical_type, classify_default, default_opclass, is_serial, truncate, DefaultValue,
};
use super::{Map, Set};

/// Where a difference is reported: the schema line that declares the object, or the migration that created an
/// object the schema lacks.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum At {
    Schema(Place),
    Migration(Origin),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub at: At,
    /// One sentence, without the advice (the rule adds it).
    pub text: String,
    /// The schema has it and no migration creates it (else: the migrations have it and the schema does not, or the
    /// two disagree).
    pub missing_in_migrations: bool,
}

/// Every difference, in schema order, then the objects only the migrations have (`files`: the history's migrations,
/// which the catalog's origins index).
pub fn differences(
    expected: &Expected,
    catalog: &Catalog,
    files: &[SourceFile],
) -> Vec<Difference> {
    let mut out = Vec::new();
    for e in &expected.enums {
        let Some(labels) = catalog.enum_labels(&e.name) else {
            out.push(missing(
                e.place,
                format!(
                    "{} is in schema.prisma but no migration creates type {}",
                    e.label, e.name
                ),
            ));
            continue;
        };
        // Prisma compares the set of values, not their order (values added later with ADD VALUE come last).
        let have = NameIndex::new(labels.iter().map(String::as_str).collect());
        let want = NameIndex::new(e.values.clone());
        for value in e.values.iter().filter(|v| have.position(v).is_none()) {
            out.push(missing(
                e.place,
                format!(
                    "value '{value}' of {} is in schema.prisma but no migration adds it to type {}",
                    e.label, e.name
                ),
            ));
        }
        for value in labels.iter().filter(|l| want.position(l).is_none()) {
            out.push(changed(
                At::Schema(e.place),
                format!(
                    "type {} has value '{value}' in the migrations that {} lacks",
                    e.name, e.label
                ),
            ));
        }
    }
    for table in &expected.tables {
        match catalog.table(&table.name) {
            None => out.push(missing(
                table.place,
                format!(
                    "{} is in schema.prisma but no migration creates table {}",
                    table.label, table.name
                ),
            )),
            // What a statement the linter could not read did to it is unknown: no evidence of a difference.
            Some(actual) if actual.unread => {}
            Some(actual) => compare_table(table, actual, catalog, files, &mut out),
        }
    }
    let managed = |name: &ObjName| expected.schemas.contains(&name.schema);
    let declared_tables: Set<&ObjName> = expected.tables.iter().map(|t| &t.name).collect();
    for actual in catalog.tables() {
        let declared = declared_tables.contains(&actual.name);
        if !declared
            && managed(&actual.name)
            && actual.name.name != "_prisma_migrations"
            && !temporary(files, &actual.origin)
        {
            out.push(changed(
                At::Migration(actual.origin.clone()),
                format!(
                    "table {} is created by the migrations but schema.prisma has no model for it",
                    actual.name
                ),
            ));
        }
    }
    let declared_enums: Set<&ObjName> = expected.enums.iter().map(|e| &e.name).collect();
    // Made for the first type the schema lacks (most histories have none).
    let mut created: Option<TypesCreated> = None;
    for (key, _) in catalog.enum_entries() {
        let name = match key.split_once('.') {
            Some((schema, name)) => ObjName::new(Some(schema.to_string()), name),
            None => ObjName::bare(key),
        };
        let declared = declared_enums.contains(&name);
        if !declared && managed(&name) {
            let created = created.get_or_insert_with(|| TypesCreated::new(files));
            if let Some(origin) = created.origin(&name) {
                out.push(changed(
                    At::Migration(origin),
                    format!(
                        "type {name} is created by the migrations but schema.prisma has no enum for it"
                    ),
                ));
            }
        }
    }
    out
}

fn missing(place: Place, text: String) -> Difference {
    Difference {
        at: At::Schema(place),
        text,
        missing_in_migrations: true,
    }
}

fn changed(at: At, text: String) -> Difference {
    Difference {
        at,
        text,
        missing_in_migrations: false,
    }
}

fn compare_table(
    table: &Table,
    actual: &ActualTable,
    catalog: &Catalog,
    files: &[SourceFile],
    out: &mut Vec<Difference>,
) {
    // Which actual columns a schema field matched: the others are the undeclared ones.
    let mut matched = vec![false; actual.columns.len()];
    // Prisma's SQL lists the columns in the schema's order, and a column added later comes last: each field's column
    // is looked for just after the previous field's, and searched for by name only when it is not there.
    let mut by_name: Option<NameIndex> = None;
    let mut next = 0;
    for column in &table.columns {
        let at = match actual.columns.get(next).filter(|c| c.name == column.name) {
            Some(_) => Some(next),
            None => by_name
                .get_or_insert_with(|| {
                    NameIndex::new(actual.columns.iter().map(|c| c.name.as_str()).collect())
                })
                .position(column.name),
        };
        if let Some(at) = at {
            matched[at] = true;
            next = at + 1;
        }
        let found = at.map(|at| &*actual.columns[at]);
        match found {
            None => out.push(missing(
                column.place,
                format!(
                    "{} is in schema.prisma but no migration creates column {}.{}",
                    column.label,
                    table.name,
                    crate::ops::quote_ident(column.name)
                ),
            )),
            Some(found) => compare_column(column, found, out),
        }
    }
    let mut declared: Option<NameIndex> = None;
    for (i, found) in actual.columns.iter().enumerate() {
        if matched[i] {
            continue;
        }
        let declared = declared
            .get_or_insert_with(|| NameIndex::new(table.columns.iter().map(|c| c.name).collect()))
            .position(&found.name)
            .is_some();
        if !declared {
            out.push(changed(
                At::Migration(found.origin.clone()),
                format!(
                    "column {}.{} is created by the migrations but {} has no field for it",
                    table.name,
                    crate::ops::quote_ident(&found.name),
                    table.label
                ),
            ));
        }
    }

    let actual_pk = actual.constraints.iter().find_map(|c| match &c.kind {
        ConstraintKind::PrimaryKey { columns, .. } => Some((c, columns)),
        _ => None,
    });
    match (&table.primary_key, actual_pk) {
        (Some(key), None) => out.push(missing(
            key.place,
            format!(
                "the primary key \"{}\" of {} is in schema.prisma but no migration creates it on {}",
                key.name, table.label, table.name
            ),
        )),
        (None, Some((c, _))) => out.push(changed(
            At::Migration(c.origin.clone()),
            format!(
                "primary key \"{}\" of {} is created by the migrations but {} declares no id",
                c.name, table.name, table.label
            ),
        )),
        (Some(key), Some((c, columns))) => {
            if columns[..] != key.columns[..] {
                out.push(changed(
                    At::Schema(key.place),
                    format!(
                        "the primary key of {} is ({}) in schema.prisma but ({}) in the migrations",
                        table.label,
                        key.columns.join(", "),
                        columns.join(", ")
                    ),
                ));
            } else if truncate(&c.name) != truncate(&key.name) {
                out.push(changed(
                    At::Schema(key.place),
                    format!(
                        "the primary key of {} is named \"{}\" in the migrations but \"{}\" by schema.prisma",
                        table.label, c.name, key.name
                    ),
                ));
            }
        }
        (None, None) => {}
    }

    compare_indexes(
        table,
        actual,
        catalog,
        files,
        actual_pk.map(|(c, _)| c.name.as_str()),
        out,
    );
    compare_foreign_keys(table, actual, out);
}

fn compare_column(column: &Column, found: &ActualColumn, out: &mut Vec<Difference>) {
    let at = At::Schema(column.place);
    let name = &column.label;
    // Nearly every type is spelled as the catalog spells it, or differs in case outside quotes (an `Unsupported`
    // one): no canonical form needed then.
    let (want, have) = (&*column.sql_type, found.ty.text.as_str());
    let same_spelling = want == have || (!want.contains('"') && want.eq_ignore_ascii_case(have));
    if !same_spelling && canonical_type(want) != canonical_type(have) {
        out.push(changed(
            at.clone(),
            format!(
                "{name} is {} in schema.prisma but {} in the migrations",
                column.sql_type, found.ty.text
            ),
        ));
    }
    // Prisma writes an optional `autoincrement()` field as a serial without NOT NULL, which PostgreSQL makes NOT NULL
    // (prisma/orm#8663): that column is Prisma's own SQL for the schema. A NOT NULL written or set is compared.
    let serial_not_null = !column.not_null
        && found.not_null_from_serial
        && matches!(column.default, DefaultValue::Autoincrement);
    // Prisma leaves NOT NULL off list columns and does not compare it there.
    if !column.list && column.not_null != found.not_null && !serial_not_null {
        let (schema_says, migrations_say) = if column.not_null {
            ("required", "nullable")
        } else {
            ("optional", "NOT NULL")
        };
        out.push(changed(
            at.clone(),
            format!(
                "{name} is {schema_says} in schema.prisma but {migrations_say} in the migrations"
            ),
        ));
    }
    // Nearly every default is written as Prisma's SQL writes the schema's: the same without classifying it.
    if found
        .default
        .as_ref()
        .is_some_and(|d| column.default.written_as(&d.text))
    {
        return;
    }
    let actual_default = match &found.default {
        Some(d) => classify_default(&d.text),
        // The catalog spells types normalised (`serial`, `bigserial`): no need to normalise them again.
        None if integer_of_serial(&found.ty.text).is_some() => DefaultValue::Autoincrement,
        None => DefaultValue::None,
    };
    // `autoincrement()` on a type that has no serial (`@db.Oid`): Prisma writes the column with no default when it
    // creates it, and adds a sequence when the attribute comes later.
    let sequence_optional = matches!(column.default, DefaultValue::Autoincrement)
        && matches!(actual_default, DefaultValue::None)
        && !is_serial(&column.sql_type);
    if !column.default.same(&actual_default) && !sequence_optional {
        out.push(changed(
            at,
            format!(
                "{name} has {} in schema.prisma but {} in the migrations",
                describe_default(&column.default),
                describe_default(&actual_default)
            ),
        ));
    }
}

fn describe_default(d: &DefaultValue) -> String {
    match d {
        DefaultValue::None => "no default".into(),
        other => format!("default {}", other.describe()),
    }
}

fn compare_indexes(
    table: &Table,
    actual: &ActualTable,
    catalog: &Catalog,
    files: &[SourceFile],
    pk_name: Option<&str>,
    out: &mut Vec<Difference>,
) {
    // Partial and expression indexes are beyond what a schema can say: Prisma leaves them alone.
    let found: Vec<_> = catalog
        .indexes_of_table(actual)
        .filter(|i| !i.partial && !has_predicate(files, &i.origin))
        .filter(|i| i.columns.iter().all(Option::is_some))
        .filter(|i| Some(i.name.as_str()) != pk_name)
        .collect();
    // The index's columns, known to be plain ones (expression keys were left out above).
    fn columns_of(i: &crate::catalog::Index) -> impl Iterator<Item = &str> {
        i.columns.iter().flatten().map(String::as_str)
    }
    let mut used = vec![false; found.len()];
    let by_name = NameIndex::new(found.iter().map(|i| truncate(&i.name)).collect());
    let mut by_shape: Option<Unused<(bool, Vec<&str>)>> = None;
    for index in &table.indexes {
        let by_name = by_name.position(truncate(&index.name));
        let at = At::Schema(index.place);
        let position = by_name.filter(|&i| !used[i]).or_else(|| {
            let shapes = by_shape.get_or_insert_with(|| {
                Unused::new(found.iter().map(|f| (f.unique, columns_of(f).collect())))
            });
            shapes.first(&(index.unique, index.columns.clone()), &used)
        });
        let Some(position) = position else {
            out.push(missing(
                index.place,
                format!(
                    "{} is in schema.prisma but no migration creates {} \"{}\" on {}",
                    index.label,
                    if index.unique {
                        "unique index"
                    } else {
                        "index"
                    },
                    index.name,
                    table.name
                ),
            ));
            continue;
        };
        used[position] = true;
        let f = found[position];
        if truncate(&f.name) != truncate(&index.name) {
            out.push(changed(
                at.clone(),
                format!(
                    "{} is named \"{}\" in the migrations but \"{}\" by schema.prisma",
                    index.label, f.name, index.name
                ),
            ));
        }
        if !columns_of(f).eq(index.columns.iter().copied()) {
            out.push(changed(
                at.clone(),
                format!(
                    "{} covers ({}) in schema.prisma but index \"{}\" covers ({}) in the migrations",
                    index.label,
                    index.columns.join(", "),
                    f.name,
                    columns_of(f).collect::<Vec<_>>().join(", ")
                ),
            ));
        } else if f.unique != index.unique {
            out.push(changed(
                at.clone(),
                format!(
                    "{} is {} in schema.prisma but index \"{}\" is {} in the migrations",
                    index.label,
                    if index.unique { "unique" } else { "not unique" },
                    f.name,
                    if f.unique { "unique" } else { "not unique" }
                ),
            ));
        }
        let method = f.method.as_deref().unwrap_or("btree");
        if method != index.method {
            out.push(changed(
                at.clone(),
                format!(
                    "{} uses {} in schema.prisma but index \"{}\" uses {method} in the migrations",
                    index.label, index.method, f.name
                ),
            ));
        }
        let key = |keys: &[IndexKey], i: usize| keys.get(i).cloned().unwrap_or_default();
        for (i, column) in index.columns.iter().enumerate() {
            let (want, have) = (key(&index.keys, i), key(&f.keys, i));
            if want.descending != have.descending {
                out.push(changed(
                    at.clone(),
                    format!(
                        "{} sorts {column} {} in schema.prisma but index \"{}\" sorts it {}",
                        index.label,
                        order(want.descending),
                        f.name,
                        order(have.descending)
                    ),
                ));
            }
            let differs = !same_opclass(want.opclass.as_deref(), have.opclass.as_deref()) && {
                // A class left unwritten on one side is the default of the column's type for the method.
                let default = || {
                    let ty = actual.columns.iter().find(|c| c.name == *column)?;
                    default_opclass(method, &ty.ty.text)
                };
                let resolved = |written: Option<&str>| written.map(str::to_string).or_else(default);
                !same_opclass(
                    resolved(want.opclass.as_deref()).as_deref(),
                    resolved(have.opclass.as_deref()).as_deref(),
                )
            };
            if differs {
                out.push(changed(
                    at.clone(),
                    format!(
                        "{} uses operator class {} for {column} in schema.prisma but index \"{}\" uses {}",
                        index.label,
                        want.opclass.as_deref().unwrap_or("the default"),
                        f.name,
                        have.opclass.as_deref().unwrap_or("the default")
                    ),
                ));
            }
        }
    }
    for (f, _) in found.iter().zip(&used).filter(|(_, used)| !**used) {
        out.push(changed(
            At::Migration(f.origin.clone()),
            format!(
                "{} \"{}\" on {} is created by the migrations but schema.prisma does not declare it",
                if f.unique { "unique index" } else { "index" },
                f.name,
                table.name
            ),
        ));
    }
}

fn order(descending: bool) -> &'static str {
    if descending {
        "descending"
    } else {
        "ascending"
    }
}

/// `JsonbPathOps` and `jsonb_path_ops` are one class.
fn same_opclass(a: Option<&str>, b: Option<&str>) -> bool {
    let fold = |s: Option<&str>| s.map(|s| s.replace('_', "").to_ascii_lowercase());
    fold(a) == fold(b)
}

fn compare_foreign_keys<'a>(table: &Table, actual: &'a ActualTable, out: &mut Vec<Difference>) {
    let found: Vec<_> = actual
        .constraints
        .iter()
        .filter_map(|c| match &c.kind {
            ConstraintKind::ForeignKey {
                columns,
                ref_table,
                ref_columns,
                on_delete,
                on_update,
            } => Some((c, columns, ref_table, ref_columns, on_delete, on_update)),
            _ => None,
        })
        .collect();
    let mut used = vec![false; found.len()];
    let by_name = NameIndex::new(found.iter().map(|f| truncate(&f.0.name)).collect());
    let mut by_shape: Option<Unused<(Vec<&str>, String)>> = None;
    for fk in &table.foreign_keys {
        let at = At::Schema(fk.place);
        let by_name = by_name.position(truncate(&fk.name));
        let position = by_name.filter(|&i| !used[i]).or_else(|| {
            let shapes = by_shape.get_or_insert_with(|| {
                Unused::new(found.iter().map(|f| {
                    let columns = f.1.iter().map(String::as_str).collect();
                    (columns, f.2.key_ref().into_owned())
                }))
            });
            let key = (fk.columns.clone(), fk.ref_table.key_ref().into_owned());
            shapes.first(&key, &used)
        });
        let Some(position) = position else {
            out.push(missing(
                fk.place,
                format!(
                    "{} is in schema.prisma but no migration creates foreign key \"{}\" on {}",
                    fk.label, fk.name, table.name
                ),
            ));
            continue;
        };
        used[position] = true;
        let (c, columns, ref_table, ref_columns, on_delete, on_update) = found[position];
        if truncate(&c.name) != truncate(&fk.name) {
            out.push(changed(
                at.clone(),
                format!(
                    "the foreign key of {} is named \"{}\" in the migrations but \"{}\" by schema.prisma",
                    fk.label, c.name, fk.name
                ),
            ));
        }
        if columns[..] != fk.columns[..]
            || ref_table.key_ref() != fk.ref_table.key_ref()
            || ref_columns[..] != fk.ref_columns[..]
        {
            out.push(changed(
                at.clone(),
                format!(
                    "{} references {}({}) from ({}) in schema.prisma but foreign key \"{}\" references {}({}) from ({})",
                    fk.label,
                    fk.ref_table,
                    fk.ref_columns.join(", "),
                    fk.columns.join(", "),
                    c.name,
                    ref_table,
                    ref_columns.join(", "),
                    columns.join(", ")
                ),
            ));
        }
        let action = |a: &'a Option<String>| a.as_deref().unwrap_or("NO ACTION");
        for (what, want, have) in [
            ("ON DELETE", fk.on_delete, action(on_delete)),
            ("ON UPDATE", fk.on_update, action(on_update)),
        ] {
            if want != have {
                out.push(changed(
                    at.clone(),
                    format!(
                        "{} is {what} {want} in schema.prisma but foreign key \"{}\" is {what} {have} in the migrations",
                        fk.label, c.name
                    ),
                ));
            }
        }
    }
    for (f, _) in found.iter().zip(&used).filter(|(_, used)| !**used) {
        out.push(changed(
            At::Migration(f.0.origin.clone()),
            format!(
                "foreign key \"{}\" on {} is created by the migrations but schema.prisma has no relation for it",
                f.0.name, table.name
            ),
        ));
    }
}

/// An index created with a `WHERE` clause (the catalog's `partial` leaves out predicates that only skip NULL keys).
fn has_predicate(files: &[SourceFile], origin: &Origin) -> bool {
    files
        .get(origin.file)
        .and_then(|f| f.text.get(origin.span.clone()))
        .is_some_and(|text| has_word(text, b"where"))
}

/// Whether `word` (lower case ASCII) stands between whitespace (or the ends) in `text`, in any case. memchr finds
/// the candidates: an index's origin can be a whole CREATE TABLE, and every index of the history is checked.
fn has_word(text: &str, word: &[u8]) -> bool {
    let bytes = text.as_bytes();
    let (lower, upper) = (word[0], word[0].to_ascii_uppercase());
    memchr::memchr2_iter(lower, upper, bytes).any(|at| {
        let end = at + word.len();
        bytes
            .get(at..end)
            .is_some_and(|w| w.eq_ignore_ascii_case(word))
            && text[..at]
                .chars()
                .next_back()
                .is_none_or(char::is_whitespace)
            && text[end..].chars().next().is_none_or(char::is_whitespace)
    })
}

/// A `CREATE TEMP TABLE`: gone when its session (or transaction) ends, so no database keeps it.
fn temporary(files: &[SourceFile], origin: &Origin) -> bool {
    let Some(text) = files
        .get(origin.file)
        .and_then(|f| f.text.get(origin.span.clone()))
    else {
        return false;
    };
    let words: Vec<String> = text
        .split_whitespace()
        .take(3)
        .map(str::to_ascii_lowercase)
        .collect();
    words.first().is_some_and(|w| w == "create")
        && words[1..]
            .iter()
            .any(|w| matches!(w.as_str(), "temp" | "temporary"))
}

/// Where the history creates each type, for the types the schema lacks: a quoted name right after `CREATE TYPE` (ASCII
/// case aside), or after `CREATE TYPE "schema".`, in the last file that has one, at its first place there, with the
/// statement around it. Read in one pass over the files' quotes: a history creating many types the schema lacks was
/// searched again for each of them.
struct TypesCreated {
    /// (schema, ASCII lower-case, when written qualified; name) → where.
    created: Map<(Option<String>, String), Created>,
}

#[derive(Clone, Copy)]
struct Created {
    file: usize,
    /// The name's opening quote.
    at: usize,
    /// The statement: from the line (or statement) start to its `;`.
    start: usize,
    end: usize,
}

impl TypesCreated {
    fn new(files: &[SourceFile]) -> Self {
        let mut created: Map<(Option<String>, String), Created> = Map::default();
        for (file, f) in files.iter().enumerate() {
            let text = f.text.as_str();
            let quotes: Vec<usize> = memchr::memchr_iter(b'"', text.as_bytes()).collect();
            // Where statements and lines end, made once the file names a created type.
            let mut ends: Option<(Vec<usize>, Vec<usize>)> = None;
            for (k, pair) in quotes.windows(2).enumerate() {
                let (at, close) = (pair[0], pair[1]);
                let before = text[..at].trim_end();
                let follows_create =
                    |before: &str| strip_suffix_ignoring_case(before, "create type").is_some();
                // `"schema"."name"`: the schema's quoted name ends with the quote before, and a dot follows it.
                let schema =
                    k.checked_sub(2)
                        .map(|s| (quotes[s], quotes[k - 1]))
                        .filter(|&(_, shut)| {
                            before.len() == shut + 2 && text.as_bytes()[shut + 1] == b'.'
                        });
                let mut keys = Vec::new();
                if follows_create(before) {
                    keys.push(None);
                }
                if let Some((open, shut)) = schema {
                    if follows_create(text[..open].trim_end()) {
                        keys.push(Some(text[open + 1..shut].to_ascii_lowercase()));
                    }
                }
                if keys.is_empty() {
                    continue;
                }
                let (breaks, semicolons) = ends.get_or_insert_with(|| {
                    let bytes = text.as_bytes();
                    let breaks = memchr::memchr2_iter(b';', b'\n', bytes).collect();
                    let semicolons = memchr::memchr_iter(b';', bytes).collect();
                    (breaks, semicolons)
                });
                let start = match breaks.partition_point(|&b| b < at) {
                    0 => 0,
                    n => breaks[n - 1] + 1,
                };
                let end = semicolons
                    .get(semicolons.partition_point(|&b| b < at))
                    .map_or(text.len(), |&b| b + 1);
                let here = Created {
                    file,
                    at,
                    start,
                    end,
                };
                for schema in keys {
                    let entry = created
                        .entry((schema, text[at + 1..close].to_string()))
                        .or_insert(here);
                    // A later file wins; in one file, the first place.
                    if entry.file < file {
                        *entry = here;
                    }
                }
            }
        }
        TypesCreated { created }
    }

    fn origin(&self, name: &ObjName) -> Option<Origin> {
        let schema = name.schema.as_deref().unwrap_or("public");
        let bare = self.created.get(&(None, name.name.clone()));
        // The schema is matched ASCII case aside, and only when written in lower case (as Prisma writes it).
        let qualified = (!schema.bytes().any(|b| b.is_ascii_uppercase()))
            .then(|| {
                self.created
                    .get(&(Some(schema.to_string()), name.name.clone()))
            })
            .flatten();
        let found = [bare, qualified]
            .into_iter()
            .flatten()
            .max_by_key(|c| (c.file, std::cmp::Reverse(c.at)))?;
        Some(Origin {
            file: found.file,
            span: found.start..found.end,
        })
    }
}

/// Each name's first position among `names`.
fn first_by_name<'a>(names: impl ExactSizeIterator<Item = &'a str>) -> Map<&'a str, usize> {
    let mut first = Map::with_capacity_and_hasher(names.len(), Default::default());
    for (i, name) in names.enumerate() {
        first.entry(name).or_insert(i);
    }
    first
}

/// Where a name first is in a list: searched in a short one, looked up in a long one (a hostile schema's), through an
/// index made on the first lookup.
struct NameIndex<'a> {
    names: Vec<&'a str>,
    index: OnceCell<Map<&'a str, usize>>,
}

impl<'a> NameIndex<'a> {
    fn new(names: Vec<&'a str>) -> Self {
        NameIndex {
            names,
            index: OnceCell::new(),
        }
    }

    fn position(&self, name: &str) -> Option<usize> {
        if self.names.len() <= 16 {
            return self.names.iter().position(|n| *n == name);
        }
        let index = self
            .index
            .get_or_init(|| first_by_name(self.names.iter().copied()));
        index.get(name).copied()
    }
}

/// The positions of a list's items by key, in order: the first one not used yet is found without going over the used
/// ones again, however many items share a key.
struct Unused<K> {
    positions: Map<K, (Vec<usize>, usize)>,
}

impl<K: std::hash::Hash + Eq> Unused<K> {
    fn new(keys: impl Iterator<Item = K>) -> Self {
        let mut positions: Map<K, (Vec<usize>, usize)> = Map::default();
        for (i, key) in keys.enumerate() {
            positions.entry(key).or_default().0.push(i);
        }
        Unused { positions }
    }

    /// The first position with `key` that `used` does not mark (a used one stays used).
    fn first(&mut self, key: &K, used: &[bool]) -> Option<usize> {
        let (list, next) = self.positions.get_mut(key)?;
        while list.get(*next).is_some_and(|&i| used[i]) {
            *next += 1;
        }
        list.get(*next).copied()
    }
}

/// `text` without `suffix` when it ends with it, ASCII case aside (`suffix` is lowercase where it has letters, as a
/// lowercased `text` must end with it).
fn strip_suffix_ignoring_case<'t>(text: &'t str, suffix: &str) -> Option<&'t str> {
    let cut = text.len().checked_sub(suffix.len())?;
    let lowercase = !suffix.bytes().any(|b| b.is_ascii_uppercase());
    (lowercase && text.as_bytes()[cut..].eq_ignore_ascii_case(suffix.as_bytes()))
        .then(|| &text[..cut])
}

#[cfg(test)]
mod tests {
    use super::{has_word, ObjName, SourceFile, TypesCreated};

    /// The statement each type's finding points at: the last file creating it, its first CREATE TYPE there, qualified
    /// by its schema (ASCII case aside) or not.
    #[test]
    fn a_type_is_found_where_the_last_file_creates_it() {
        let file =
            |text: &str| SourceFile::new("m.sql".into(), "m.sql".into(), "m".into(), text.into());
        let files = [
            file("CREATE TYPE \"Old\" AS ENUM ('a');\nCREATE TYPE \"Twice\" AS ENUM ('a');\n"),
            file("-- \"Twice\"\ncreate type \"Twice\" AS ENUM ('b');\nCREATE TYPE \"Twice\" AS ENUM ('c');\n"),
            file("CREATE TYPE \"Public\".\"Q\" AS ENUM ('a');\nCREATE TYPE \"other\". \"R\" AS ENUM ('a');"),
        ];
        let created = TypesCreated::new(&files);
        let at = |schema: Option<&str>, name: &str| {
            created
                .origin(&ObjName::new(schema.map(str::to_string), name))
                .map(|o| (o.file, files[o.file].text[o.span].to_string()))
        };
        let statement = |file, text: &str| Some((file, text.to_string()));
        assert_eq!(
            at(None, "Old"),
            statement(0, "CREATE TYPE \"Old\" AS ENUM ('a');")
        );
        assert_eq!(
            at(None, "Twice"),
            statement(1, "create type \"Twice\" AS ENUM ('b');")
        );
        assert_eq!(
            at(None, "Q"),
            statement(2, "CREATE TYPE \"Public\".\"Q\" AS ENUM ('a');")
        );
        assert_eq!(
            at(Some("other"), "R"),
            statement(2, "CREATE TYPE \"other\". \"R\" AS ENUM ('a');")
        );
        // Named only in a comment, or qualified by another schema: not created here.
        assert_eq!(at(None, "R"), None);
        assert_eq!(at(None, "Missing"), None);
    }

    #[test]
    fn a_predicate_is_the_word_where_in_any_case() {
        assert!(has_word(
            "CREATE INDEX \"i\" ON \"T\"(\"a\")\nWHERE \"a\" > 0",
            b"where"
        ));
        assert!(has_word("... where\t\"a\" IS NOT NULL", b"where"));
        assert!(!has_word(
            "CREATE INDEX \"nowhere\" ON \"T\"(\"Where\")",
            b"where"
        ));
        assert!(!has_word(
            "CREATE INDEX \"i\" ON \"T\"(where_clause)",
            b"where"
        ));
        assert!(!has_word("wher", b"where"));
    }
}
