//! Fix suggestions: the safe SQL (split into the migrations it needs) and the schema.prisma edit for a finding.
//!
//! Rules build a [`Suggestion`] from the operation and the catalog, so the SQL uses the real table, column, type and
//! constraint names. The schema edit is first an [`SchemaIntent`] in SQL names; once linting is done the command line
//! resolves it against the project's schema.prisma ([`Suggestion::resolve_schema`]), mapping tables and columns to
//! models and fields through `@@map` / `@map`. Rules never read files.
//!
//! `--fix` builds on these: [`build`] makes one [`plan::MigrationPlan`] per migration from all of its findings
//! together, and [`schema`] turns its schema.prisma side into line edits.

pub mod build;
pub mod plan;
pub mod schema;

use serde::Serialize;

use crate::catalog::Catalog;
use crate::input::prisma_schema::{Field, Model, Schema};
use crate::ops::{quote_ident, quote_literal, ConstraintKind, ObjName, SqlType};

/// What suggested migrations start with wherever a strong lock remains: fail fast instead of queueing traffic.
pub const LOCK_TIMEOUT: &str = "SET lock_timeout = '5s';";

/// PostgreSQL truncates longer identifiers silently.
const MAX_IDENT_BYTES: usize = 63;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    /// One line: what to do.
    pub summary: String,
    /// How the migrations below relate to the migration with the finding.
    pub placement: Placement,
    /// Migrations to write, in order; each is a list of statements. A statement that needs a migration of its own
    /// (e.g. `CREATE INDEX CONCURRENTLY`) is alone in its list.
    pub sql: Vec<Vec<String>>,
    /// Index into `sql` of the first migration that belongs to a later release, after the code from the earlier
    /// step is deployed everywhere (the "contract" step of expand and contract).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub later_from: Option<usize>,
    /// The schema.prisma edit, once resolved (see [`Suggestion::resolve_schema`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema: Option<SchemaEdit>,
    #[serde(skip)]
    pub schema_intent: Option<SchemaIntent>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Another safe way, when there is a real choice (e.g. a default, or nullable and backfill).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alternative: Option<Box<Suggestion>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Placement {
    /// The offending statement goes; these migrations take its place.
    Replace,
    /// The whole migration with the finding goes (it is split or rewritten); these migrations take its place.
    ReplaceMigration,
    /// The offending migration stays; these migrations follow it.
    After,
}

/// A schema.prisma edit as the user applies it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchemaEdit {
    /// The schema file, when a schema was found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    pub model: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// For a field `change`: the field's line. For a model `change` (its `@@map`): the model's first line. For
    /// `add`: the line of the model's closing `}` (insert above it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    pub action: EditAction,
    /// The line to add, or the line as it should read after the change.
    pub text: String,
    /// The model (and field) were found in schema.prisma; otherwise the names are the SQL names.
    pub resolved: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EditAction {
    Add,
    Change,
    Remove,
}

impl EditAction {
    pub fn as_str(self) -> &'static str {
        match self {
            EditAction::Add => "add",
            EditAction::Change => "change",
            EditAction::Remove => "remove",
        }
    }
}

/// A schema edit in SQL terms, as a rule knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaIntent {
    /// Give the column's field this default.
    SetDefault {
        table: ObjName,
        column: String,
        sql_type: SqlType,
        default: PrismaDefault,
    },
    /// Make the column's field optional (`?`).
    MakeOptional {
        table: ObjName,
        column: String,
        sql_type: SqlType,
    },
    /// Keep the column but hide the field from the client (`@ignore`), optional when it has no default.
    IgnoreField {
        table: ObjName,
        column: String,
        sql_type: SqlType,
        optional: bool,
    },
    /// Keep the table but hide the model from the client (`@@ignore`).
    IgnoreModel { table: ObjName },
    /// The field now named `new_column` keeps the database column `old_column`.
    MapField {
        table: ObjName,
        old_column: String,
        new_column: String,
        sql_type: SqlType,
        optional: bool,
    },
    /// The model now mapped to `new_table` keeps the database table `old_table`.
    MapModel {
        old_table: String,
        new_table: String,
    },
    /// The column's field gets the Prisma type and native type (`@db.…`, under the datasource's name once resolved)
    /// of `sql_type`: `native` replaces any native attribute (`None`: the type is Prisma's default for the field type,
    /// no attribute).
    NativeType {
        table: ObjName,
        column: String,
        sql_type: SqlType,
        native: Option<String>,
    },
    /// An index on these columns.
    AddIndex {
        table: ObjName,
        columns: Vec<String>,
    },
}

/// A `@default(...)` argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrismaDefault {
    Literal(String),
    /// An enum label as stored in PostgreSQL; the Prisma value name may differ through `@map`.
    EnumLabel {
        type_name: String,
        label: String,
    },
}

impl Suggestion {
    pub fn new(summary: impl Into<String>, placement: Placement, sql: Vec<Vec<String>>) -> Self {
        Suggestion {
            summary: summary.into(),
            placement,
            sql,
            later_from: None,
            schema: None,
            schema_intent: None,
            notes: Vec::new(),
            alternative: None,
        }
    }

    /// No SQL can fix this: the notes say what to do (commands, files to restore). The migration stays as it is.
    pub fn notes_only(summary: impl Into<String>) -> Self {
        Suggestion::new(summary, Placement::After, Vec::new())
    }

    pub fn later_from(mut self, index: usize) -> Self {
        self.later_from = Some(index);
        self
    }

    pub fn schema(mut self, intent: SchemaIntent) -> Self {
        self.schema_intent = Some(intent);
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn notes_if(self, condition: bool, note: &str) -> Self {
        if condition {
            self.note(note)
        } else {
            self
        }
    }

    pub fn alternative(mut self, other: Suggestion) -> Self {
        self.alternative = Some(Box::new(other));
        self
    }

    /// Turns the schema intent into an edit, with model and field names from `schema` when it has them.
    /// `file_display` names a schema file as the user should see it.
    pub fn resolve_schema(
        &mut self,
        schema: Option<&Schema>,
        file_display: &dyn Fn(&std::path::Path) -> String,
    ) {
        if let Some(intent) = &self.schema_intent {
            let edit = resolve(intent, schema, file_display);
            if !edit.resolved {
                self.notes.push(unresolved_reason(intent, schema));
            }
            self.schema = Some(edit);
        }
        if let Some(alternative) = &mut self.alternative {
            alternative.resolve_schema(schema, file_display);
        }
    }
}

/// Why an edit kept the SQL names, and what the user does about it.
fn unresolved_reason(intent: &SchemaIntent, schema: Option<&Schema>) -> String {
    let Some(schema) = schema else {
        return "no schema.prisma was found beside the migrations folder, so the model could not be resolved: \
                the edit uses the SQL table and column names"
            .to_string();
    };
    let table = intent.table_name();
    match schema.model_for_table(table) {
        None => format!(
            "no model in schema.prisma maps to the table {}: the edit uses the SQL name; if the model was \
             deleted, put it back first (`prisma db pull` writes it)",
            quote_ident(table)
        ),
        Some(model) => format!(
            "model `{}` has no field for this column, so the edit names the field after the column: add it \
             back as shown",
            model.name
        ),
    }
}

impl SchemaIntent {
    /// The SQL table whose model the edit goes to.
    pub fn table_name(&self) -> &str {
        match self {
            SchemaIntent::SetDefault { table, .. }
            | SchemaIntent::MakeOptional { table, .. }
            | SchemaIntent::IgnoreField { table, .. }
            | SchemaIntent::IgnoreModel { table }
            | SchemaIntent::MapField { table, .. }
            | SchemaIntent::NativeType { table, .. }
            | SchemaIntent::AddIndex { table, .. } => &table.name,
            SchemaIntent::MapModel { new_table, .. } => new_table,
        }
    }
}

/// The edit for `intent` against `schema` (model and field names resolved through `@@map` / `@map`).
pub fn resolve(
    intent: &SchemaIntent,
    schema: Option<&Schema>,
    file_display: &dyn Fn(&std::path::Path) -> String,
) -> SchemaEdit {
    let model_of = |table: &str| schema.and_then(|s| s.model_for_table(table));
    let unresolved = |model: &str, field: Option<&str>, line, action, text: String| SchemaEdit {
        file: None,
        model: model.to_string(),
        field: field.map(str::to_string),
        line,
        action,
        text,
        resolved: false,
    };
    let on_model = |model: &Model, field: Option<&Field>, action, text: String| SchemaEdit {
        file: Some(file_display(&model.file)),
        model: model.name.clone(),
        field: field.map(|f| f.name.clone()),
        line: Some(match (action, field) {
            (EditAction::Add, _) | (_, None) => model.end_line,
            (_, Some(f)) => f.line,
        }),
        action,
        text,
        resolved: true,
    };
    // A field edit: the field's line rewritten, or (without the field) a line in SQL names.
    let field_edit = |table: &ObjName,
                      column: &str,
                      sql_type: &SqlType,
                      rewrite: &dyn Fn(FieldLine) -> FieldLine| {
        let fallback = FieldLine::from_sql(column, sql_type, schema);
        match model_of(&table.name) {
            Some(model) => match model.field_for_column(column) {
                Some(field) => on_model(
                    model,
                    Some(field),
                    EditAction::Change,
                    rewrite(FieldLine::from_field(field)).render(),
                ),
                None => SchemaEdit {
                    resolved: false,
                    field: Some(column.to_string()),
                    ..on_model(model, None, EditAction::Add, rewrite(fallback).render())
                },
            },
            None => unresolved(
                &table.name,
                Some(column),
                None,
                EditAction::Change,
                rewrite(fallback).render(),
            ),
        }
    };
    let block_edit = |table: &str, text: String| match model_of(table) {
        Some(model) => on_model(model, None, EditAction::Add, text),
        None => unresolved(table, None, None, EditAction::Add, text),
    };

    match intent {
        SchemaIntent::SetDefault {
            table,
            column,
            sql_type,
            default,
        } => {
            let value = match default {
                PrismaDefault::Literal(v) => v.clone(),
                PrismaDefault::EnumLabel { type_name, label } => schema
                    .and_then(|s| s.enum_for_type(type_name))
                    .and_then(|e| e.values.iter().find(|(_, db)| db == label))
                    .map(|(name, _)| name.clone())
                    .unwrap_or_else(|| label.clone()),
            };
            field_edit(table, column, sql_type, &|mut line| {
                line.optional = false;
                line.set_attribute("@default(", format!("@default({value})"));
                line
            })
        }
        SchemaIntent::MakeOptional {
            table,
            column,
            sql_type,
        } => field_edit(table, column, sql_type, &|mut line| {
            line.optional = !line.list;
            line
        }),
        SchemaIntent::IgnoreField {
            table,
            column,
            sql_type,
            optional,
        } => field_edit(table, column, sql_type, &|mut line| {
            line.optional |= *optional && !line.list;
            line.set_attribute("@ignore", "@ignore".to_string());
            line
        }),
        SchemaIntent::IgnoreModel { table } => block_edit(&table.name, "@@ignore".to_string()),
        SchemaIntent::MapField {
            table,
            old_column,
            new_column,
            sql_type,
            optional,
        } => field_edit(table, new_column, sql_type, &|mut line| {
            if line.from_sql {
                line.optional = *optional && !line.list;
            }
            line.set_attribute("@map(", format!("@map({})", prisma_string(old_column)));
            line
        }),
        SchemaIntent::NativeType {
            table,
            column,
            sql_type,
            native,
        } => field_edit(table, column, sql_type, &|mut line| {
            line.type_name = prisma_type(sql_type, schema).0;
            // Written `@db.` by the rules, under the datasource's name in the schema.
            let prefix = format!("@{}.", schema.map_or("db", Schema::native_namespace));
            line.attributes.retain(|a| !a.starts_with(&prefix));
            line.attributes
                .extend(native.as_ref().map(|n| n.replacen("@db.", &prefix, 1)));
            line
        }),
        SchemaIntent::MapModel {
            old_table,
            new_table,
        } => {
            let text = format!("@@map({})", prisma_string(old_table));
            match model_of(new_table) {
                // The model already maps to the new table: that `@@map` changes instead of a second one.
                Some(model) if model.db_name != model.name => SchemaEdit {
                    line: Some(model.line),
                    ..on_model(model, None, EditAction::Change, text)
                },
                _ => block_edit(new_table, text),
            }
        }
        SchemaIntent::AddIndex { table, columns } => {
            let model = model_of(&table.name);
            let fields: Option<Vec<String>> = model.and_then(|m| {
                columns
                    .iter()
                    .map(|c| m.field_for_column(c).map(|f| f.name.clone()))
                    .collect()
            });
            let names = fields.clone().unwrap_or_else(|| columns.clone());
            let edit = block_edit(&table.name, format!("@@index([{}])", names.join(", ")));
            SchemaEdit {
                resolved: edit.resolved && fields.is_some(),
                ..edit
            }
        }
    }
}

/// A field line being rewritten: name, type, and attributes as written.
struct FieldLine {
    name: String,
    type_name: String,
    optional: bool,
    list: bool,
    attributes: Vec<String>,
    /// Built from SQL names, not read from schema.prisma.
    from_sql: bool,
}

impl FieldLine {
    fn from_field(field: &Field) -> Self {
        FieldLine {
            name: field.name.clone(),
            type_name: field.type_name.clone(),
            optional: field.optional,
            list: field.list,
            attributes: field.attributes.iter().map(|a| a.raw.clone()).collect(),
            from_sql: false,
        }
    }

    fn from_sql(column: &str, sql_type: &SqlType, schema: Option<&Schema>) -> Self {
        let (type_name, list) = prisma_type(sql_type, schema);
        FieldLine {
            name: column.to_string(),
            type_name,
            optional: false,
            list,
            attributes: Vec::new(),
            from_sql: true,
        }
    }

    /// Replaces the attribute starting with `prefix`, or appends it.
    fn set_attribute(&mut self, prefix: &str, attribute: String) {
        let existing = self.attributes.iter_mut().find(|a| {
            a.starts_with(prefix) || (prefix.ends_with('(') && **a == prefix[..prefix.len() - 1])
        });
        match existing {
            Some(a) => *a = attribute,
            None => self.attributes.push(attribute),
        }
    }

    fn render(&self) -> String {
        let mut out = format!("{} {}", self.name, self.type_name);
        if self.list {
            out.push_str("[]");
        } else if self.optional {
            out.push('?');
        }
        for a in &self.attributes {
            out.push(' ');
            out.push_str(a);
        }
        out
    }
}

fn prisma_string(value: &str) -> String {
    format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The Prisma scalar type for a PostgreSQL column type, and whether it is a list.
pub fn prisma_type(sql_type: &SqlType, schema: Option<&Schema>) -> (String, bool) {
    let (base, list) = match sql_type.text.strip_suffix("[]") {
        Some(b) => (b, true),
        None => (sql_type.text.as_str(), false),
    };
    if let Some(name) = user_type_name(base) {
        let prisma = schema
            .and_then(|s| s.enum_for_type(&name))
            .map(|e| e.name.clone())
            .unwrap_or(name);
        return (prisma, list);
    }
    let head = base.split('(').next().unwrap_or(base);
    let prisma = match head {
        "text" | "varchar" | "char" | "citext" | "uuid" | "xml" | "inet" => "String",
        "integer" | "smallint" | "serial" | "smallserial" => "Int",
        "bigint" | "bigserial" => "BigInt",
        "boolean" => "Boolean",
        "timestamp" | "timestamptz" | "date" | "time" | "timetz" => "DateTime",
        "numeric" | "money" => "Decimal",
        "double precision" | "real" => "Float",
        "json" | "jsonb" => "Json",
        "bytea" => "Bytes",
        other => return (format!("Unsupported({})", prisma_string(other)), list),
    };
    (prisma.to_string(), list)
}

/// The name of a quoted user type (`"Role"`, `"app"."Role"`), as PostgreSQL stores it.
fn user_type_name(base: &str) -> Option<String> {
    let last = base.rsplit("\".\"").next()?;
    let inner = last.strip_suffix('"')?;
    let inner = inner.strip_prefix('"').unwrap_or(inner);
    base.starts_with('"').then(|| inner.replace("\"\"", "\""))
}

/// A constant default for a column type: (SQL, Prisma). `None` when no value is a sensible default for every row.
pub fn default_for_type(sql_type: &SqlType, catalog: &Catalog) -> Option<(String, PrismaDefault)> {
    let lit =
        |sql: &str, prisma: &str| Some((sql.to_string(), PrismaDefault::Literal(prisma.into())));
    if sql_type.text.ends_with("[]") {
        return lit("'{}'", "[]");
    }
    if let Some(name) = user_type_name(&sql_type.text) {
        let label = catalog.enum_labels(&ObjName::bare(name.clone()))?.first()?;
        let sql = quote_literal(label);
        return Some((
            sql,
            PrismaDefault::EnumLabel {
                type_name: name,
                label: label.clone(),
            },
        ));
    }
    let head = sql_type.text.split('(').next().unwrap_or_default();
    match head {
        "text" | "varchar" | "char" | "citext" => lit("''", "\"\""),
        "integer" | "smallint" | "bigint" | "numeric" | "real" | "double precision" => {
            lit("0", "0")
        }
        "boolean" => lit("false", "false"),
        "timestamp" | "timestamptz" | "date" => lit("CURRENT_TIMESTAMP", "now()"),
        _ => None,
    }
}

/// The first 63 bytes of a name (on a character boundary): what PostgreSQL keeps of a longer identifier.
pub fn truncate_identifier(name: &str) -> &str {
    let mut cut = MAX_IDENT_BYTES.min(name.len());
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    &name[..cut]
}

/// `<table>_<parts>_<suffix>`, cut to PostgreSQL's identifier length the way Prisma names things.
pub fn object_name(table: &str, parts: &[&str], suffix: &str) -> String {
    let mut base = table.to_string();
    for p in parts {
        base.push('_');
        base.push_str(p);
    }
    let room = MAX_IDENT_BYTES.saturating_sub(suffix.len() + 1);
    if base.len() > room {
        let mut cut = room;
        while !base.is_char_boundary(cut) {
            cut -= 1;
        }
        base.truncate(cut);
    }
    format!("{base}_{suffix}")
}

/// A migration that takes a strong lock on an existing table: `SET lock_timeout` first, so it fails fast instead
/// of queueing traffic behind it.
pub fn locked(statements: impl IntoIterator<Item = String>) -> Vec<String> {
    std::iter::once(LOCK_TIMEOUT.to_string())
        .chain(statements)
        .collect()
}

/// `CREATE [UNIQUE] INDEX ...` (or `REINDEX TABLE|INDEX ...`) as written, with CONCURRENTLY after the `INDEX` /
/// `TABLE` keyword and one final `;`. `None` when the statement is not spelt that way.
pub fn with_concurrently(statement: &str) -> Option<String> {
    let text = statement.trim().trim_end_matches(';').trim_end();
    let words: Vec<(usize, &str)> = text
        .split_whitespace()
        .scan(0, |pos, w| {
            let at = text[*pos..].find(w).map(|i| i + *pos)?;
            *pos = at + w.len();
            Some((at, w))
        })
        .take(4)
        .collect();
    let lower: Vec<String> = words.iter().map(|(_, w)| w.to_ascii_lowercase()).collect();
    let keyword = match lower
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["create", "index", ..] | ["reindex", "table" | "index", ..] => 1,
        ["create", "unique", "index", ..] => 2,
        _ => return None,
    };
    if lower.get(keyword + 1).is_some_and(|w| w == "concurrently") {
        return Some(format!("{text};"));
    }
    let (at, word) = words[keyword];
    let cut = at + word.len();
    Some(format!("{} CONCURRENTLY{};", &text[..cut], &text[cut..]))
}

/// `ADD UNIQUE` / `ADD PRIMARY KEY` without the long lock: build the unique index CONCURRENTLY, then attach it as
/// the constraint (instant). PostgreSQL renames the index to the constraint's name, so both get the constraint's
/// name, or the one Prisma would give it.
pub fn index_then_constraint(
    table: &ObjName,
    name: Option<&str>,
    columns: &[String],
    primary: bool,
) -> Suggestion {
    let (kind, suffix, what) = if primary {
        ("PRIMARY KEY", "pkey", "primary key")
    } else {
        ("UNIQUE", "key", "unique")
    };
    let parts: Vec<&str> = columns.iter().map(String::as_str).collect();
    let name =
        quote_ident(&name.map_or_else(|| object_name(&table.name, &parts, suffix), str::to_string));
    Suggestion::new(
        format!("build the {what} index CONCURRENTLY, then attach it as the constraint (instant)"),
        Placement::Replace,
        vec![
            vec![format!(
                "CREATE UNIQUE INDEX CONCURRENTLY {name} ON {table}({});",
                column_list(columns)
            )],
            locked([format!("ALTER TABLE {table} ADD CONSTRAINT {name} {kind} USING INDEX {name};")]),
        ],
    )
    .note(
        "CREATE UNIQUE INDEX CONCURRENTLY must be alone in its migration.sql; ADD CONSTRAINT ... USING INDEX renames \
         the index to the constraint's name and takes its lock only for an instant",
    )
    .notes_if(
        !primary,
        "in a Prisma project, stop at the index (--fix does): Prisma writes @unique as a unique index, and the \
         DROP INDEX it writes when the @unique goes fails on an index a constraint owns",
    )
    .notes_if(
        primary,
        "ADD PRIMARY KEY USING INDEX needs every column NOT NULL already, or it scans the table to set it: make them \
         NOT NULL first, the scan-free way set-not-null suggests",
    )
}

/// One batch of a backfill: `UPDATE` the first `LIMIT` rows still matching `pending`, by `key`. Run it until it
/// updates no rows.
pub fn batched_update(table: &ObjName, key: &str, set: &str, pending: &str) -> String {
    format!(
        "UPDATE {table} SET {set} WHERE {key} IN (SELECT {key} FROM {table} WHERE {pending} LIMIT 1000);"
    )
}

/// The column to batch a backfill by: the one-column primary key, else `ctid`.
pub fn batch_key(catalog: &Catalog, table: &ObjName) -> String {
    let key = catalog.table(table).and_then(|t| {
        t.constraints.iter().find_map(|c| match &c.kind {
            ConstraintKind::PrimaryKey { columns, .. } if columns.len() == 1 => {
                Some(columns[0].clone())
            }
            _ => None,
        })
    });
    key.map_or_else(|| "ctid".to_string(), |k| quote_ident(&k))
}

/// `"a", "b"` for a column list.
pub fn column_list(columns: &[String]) -> String {
    columns
        .iter()
        .map(|c| quote_ident(c))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    const SCHEMA: &str = r#"
enum Role {
  MEMBER @map("member")
  ADMIN
  @@map("user_role")
}

model Account {
  id        String   @id
  fullName  String?  @map("full_name")
  role      Role     @map("role")
  ownerId   String   @map("owner_id")

  @@map("accounts")
}
"#;

    fn schema() -> Schema {
        Schema::parse_str(SCHEMA, Path::new("prisma/schema.prisma"))
    }

    fn edit(intent: SchemaIntent, schema: Option<&Schema>) -> SchemaEdit {
        let mut s = Suggestion::new("x", Placement::Replace, vec![]).schema(intent);
        s.resolve_schema(schema, &|p| p.display().to_string());
        s.schema.expect("edit")
    }

    #[test]
    fn field_edits_resolve_through_map_and_keep_attributes() {
        let e = edit(
            SchemaIntent::MapField {
                table: ObjName::bare("accounts"),
                old_column: "name".into(),
                new_column: "full_name".into(),
                sql_type: SqlType::new("text"),
                optional: true,
            },
            Some(&schema()),
        );
        assert_eq!(e.model, "Account");
        assert_eq!(e.field.as_deref(), Some("fullName"));
        assert_eq!(e.text, "fullName String? @map(\"name\")");
        assert_eq!(e.action, EditAction::Change);
        assert_eq!(e.line, Some(10));
        assert!(e.resolved);
    }

    #[test]
    fn enum_defaults_use_the_prisma_value_name() {
        let e = edit(
            SchemaIntent::SetDefault {
                table: ObjName::bare("accounts"),
                column: "role".into(),
                sql_type: SqlType::new("\"user_role\""),
                default: PrismaDefault::EnumLabel {
                    type_name: "user_role".into(),
                    label: "member".into(),
                },
            },
            Some(&schema()),
        );
        assert_eq!(e.text, "role Role @map(\"role\") @default(MEMBER)");
    }

    #[test]
    fn index_uses_field_names_and_without_schema_the_sql_names() {
        let intent = SchemaIntent::AddIndex {
            table: ObjName::bare("accounts"),
            columns: vec!["owner_id".into()],
        };
        let resolved = edit(intent.clone(), Some(&schema()));
        assert_eq!(
            (resolved.model.as_str(), resolved.text.as_str()),
            ("Account", "@@index([ownerId])")
        );
        assert_eq!(resolved.line, Some(15), "insert above the closing brace");
        let bare = edit(intent, None);
        assert_eq!(
            (bare.model.as_str(), bare.text.as_str(), bare.resolved),
            ("accounts", "@@index([owner_id])", false)
        );
    }

    #[test]
    fn unknown_field_is_built_from_the_sql_type() {
        let e = edit(
            SchemaIntent::IgnoreField {
                table: ObjName::bare("accounts"),
                column: "nickname".into(),
                sql_type: SqlType::new("varchar(40)"),
                optional: true,
            },
            Some(&schema()),
        );
        assert_eq!(e.model, "Account");
        assert_eq!(e.text, "nickname String? @ignore");
        assert_eq!(e.action, EditAction::Add);
        assert!(!e.resolved);
    }

    /// A native-type edit of an `Event` model whose native types are written under `namespace`: the new type replaces
    /// the field's native attribute and Prisma type, and is written under that name too (`@db.` under a `pg`
    /// datasource is an error Prisma reports, "The prefix db is invalid", and an `@pg.` attribute left beside the new
    /// one another).
    fn native_type_edits(namespace: &str) -> [String; 2] {
        let datasource = format!("datasource {namespace} {{\n  provider = \"postgresql\"\n}}\n");
        let schema = Schema::parse_str(
            &format!(
                "{datasource}model Event {{\n  id Int @id @{namespace}.SmallInt\n  \
                 at DateTime @default(now()) @{namespace}.Timestamp(3)\n}}\n"
            ),
            Path::new("schema.prisma"),
        );
        let edit_of = |column: &str, ty: &str, native: Option<&str>| {
            edit(
                SchemaIntent::NativeType {
                    table: ObjName::bare("Event"),
                    column: column.into(),
                    sql_type: SqlType::new(ty),
                    native: native.map(str::to_string),
                },
                Some(&schema),
            )
            .text
        };
        [
            edit_of("id", "bigint", None),
            edit_of("at", "timestamptz(3)", Some("@db.Timestamptz(3)")),
        ]
    }

    #[test]
    fn native_type_edit_replaces_the_db_attribute_and_the_prisma_type() {
        assert_eq!(
            native_type_edits("db"),
            [
                "id BigInt @id",
                "at DateTime @default(now()) @db.Timestamptz(3)"
            ]
        );
    }

    #[test]
    fn native_type_edit_uses_the_datasources_name() {
        assert_eq!(
            native_type_edits("pg"),
            [
                "id BigInt @id",
                "at DateTime @default(now()) @pg.Timestamptz(3)"
            ]
        );
    }

    #[test]
    fn model_rename_changes_an_existing_map() {
        let e = edit(
            SchemaIntent::MapModel {
                old_table: "account".into(),
                new_table: "accounts".into(),
            },
            Some(&schema()),
        );
        assert_eq!(
            (e.action, e.model.as_str(), e.text.as_str(), e.line),
            (EditAction::Change, "Account", "@@map(\"account\")", Some(8))
        );
    }

    #[test]
    fn concurrently_goes_after_the_index_keyword_as_written() {
        assert_eq!(
            with_concurrently("create unique index \"a\" on \"T\"(\"x\") where \"x\" > 0;\n")
                .as_deref(),
            Some("create unique index CONCURRENTLY \"a\" on \"T\"(\"x\") where \"x\" > 0;")
        );
        assert_eq!(
            with_concurrently("REINDEX  INDEX \"a\"").as_deref(),
            Some("REINDEX  INDEX CONCURRENTLY \"a\";")
        );
        assert_eq!(
            with_concurrently("CREATE INDEX CONCURRENTLY \"a\" ON \"T\"(\"x\");").as_deref(),
            Some("CREATE INDEX CONCURRENTLY \"a\" ON \"T\"(\"x\");"),
            "already concurrent: unchanged"
        );
        assert_eq!(with_concurrently("REINDEX (VERBOSE) TABLE \"T\";"), None);
        assert_eq!(with_concurrently("DROP INDEX \"a\";"), None);
    }

    #[test]
    fn names_are_cut_to_63_bytes() {
        let long = "t".repeat(70);
        let name = object_name(&long, &["c"], "idx");
        assert_eq!(name.len(), 63);
        assert!(name.ends_with("_idx"));
        assert_eq!(
            object_name("Post", &["authorId"], "idx"),
            "Post_authorId_idx"
        );
    }

    #[test]
    fn type_defaults() {
        let catalog = Catalog::default();
        let sql = |t: &str| default_for_type(&SqlType::new(t), &catalog).map(|(s, _)| s);
        assert_eq!(sql("varchar(20)").as_deref(), Some("''"));
        assert_eq!(sql("bigint").as_deref(), Some("0"));
        assert_eq!(sql("boolean").as_deref(), Some("false"));
        assert_eq!(sql("timestamp(3)").as_deref(), Some("CURRENT_TIMESTAMP"));
        assert_eq!(sql("uuid"), None);
        assert_eq!(
            sql("\"Unknown\""),
            None,
            "an enum the catalog does not know"
        );
    }
}
