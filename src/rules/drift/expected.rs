//! What `prisma migrate dev` creates from a schema on PostgreSQL: tables, columns with Prisma's type mapping and
//! defaults, keys, indexes, foreign keys with Prisma's default actions, enums and implicit many-to-many tables, under
//! Prisma's default names. Checked against the real CLI's SQL by tests/schema_drift.rs.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::fmt;

use crate::input::prisma_schema::{
    field_refs, parse_string_literal, Attribute, EnumDef, Field, Model, Schema,
};
use crate::ops::{IndexKey, ObjName};

use super::values::{bytea_hex, classify_default, prisma_name, DefaultValue, MAX_IDENTIFIER};
use super::Map;

/// A line of the schema: which of its files (index into [`Schema::files`]) and the 1-based line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Place {
    pub file: usize,
    pub line: usize,
}

#[derive(Debug, Default)]
pub struct Expected<'a> {
    pub tables: Vec<Table<'a>>,
    pub enums: Vec<Enum<'a>>,
    /// The schemas Prisma manages (`None`: the default one), so objects elsewhere are none of its business.
    pub schemas: Vec<Option<String>>,
}

#[derive(Debug)]
pub struct Table<'a> {
    pub name: ObjName,
    /// How the schema names it: `model User`, or the implicit many-to-many relation `_PostToTag`.
    pub label: Label<'a>,
    pub place: Place,
    pub columns: Vec<Column<'a>>,
    pub primary_key: Option<Key<'a>>,
    pub indexes: Vec<Index<'a>>,
    pub foreign_keys: Vec<ForeignKey<'a>>,
}

/// Columns borrow from the schema and spell their label only for a message: a schema has thousands of them, and
/// nearly all match.
#[derive(Debug)]
pub struct Column<'a> {
    pub name: &'a str,
    pub label: ColumnLabel<'a>,
    pub place: Place,
    /// The type Prisma's SQL declares, spelled as the catalog spells a type (`varchar(255)`, `numeric(65,30)`,
    /// `"Role"[]`), so nearly every column compares equal as written.
    pub sql_type: Cow<'static, str>,
    pub list: bool,
    pub not_null: bool,
    pub default: DefaultValue,
}

/// `Model.field` (or `_AToB.A` for an implicit many-to-many table).
#[derive(Debug)]
pub struct ColumnLabel<'a> {
    owner: Cow<'a, str>,
    field: &'a str,
}

impl fmt::Display for ColumnLabel<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.owner, self.field)
    }
}

/// How the schema declares a table, index, key or enum, spelled only for a message.
#[derive(Debug)]
pub enum Label<'a> {
    /// `model User`.
    Model(&'a str),
    /// `enum Role`.
    Enum(&'a str),
    /// `@unique on Post.slug`.
    Unique(&'a str, &'a str),
    /// `relation Post.author`.
    Relation(&'a str, &'a str),
    /// `@@index(fields: [a, b], map: "x")`, its arguments as written.
    Block(&'a Attribute),
    Text(String),
}

impl fmt::Display for Label<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Label::Model(name) => write!(f, "model {name}"),
            Label::Enum(name) => write!(f, "enum {name}"),
            Label::Unique(model, field) => write!(f, "@unique on {model}.{field}"),
            Label::Relation(model, field) => write!(f, "relation {model}.{field}"),
            Label::Block(attr) => write!(f, "@@{}({})", attr.name(), attr_text(attr)),
            Label::Text(text) => f.write_str(text),
        }
    }
}

#[derive(Debug)]
pub struct Key<'a> {
    pub name: String,
    pub columns: Vec<&'a str>,
    pub place: Place,
}

#[derive(Debug)]
pub struct Index<'a> {
    pub name: String,
    pub columns: Vec<&'a str>,
    pub unique: bool,
    /// `btree` unless `type:` says otherwise.
    pub method: Cow<'a, str>,
    /// One per column.
    pub keys: Vec<IndexKey>,
    /// How the schema declares it (`@unique on Post.slug`, `@@index([a, b])`).
    pub label: Label<'a>,
    pub place: Place,
}

#[derive(Debug)]
pub struct ForeignKey<'a> {
    pub name: String,
    pub columns: Vec<&'a str>,
    pub ref_table: ObjName,
    pub ref_columns: Vec<&'a str>,
    pub on_delete: &'static str,
    pub on_update: &'static str,
    pub label: Label<'a>,
    pub place: Place,
}

#[derive(Debug)]
pub struct Enum<'a> {
    pub name: ObjName,
    pub label: Label<'a>,
    pub values: Vec<&'a str>,
    pub place: Place,
}

/// Everything Prisma would create for `schema`.
pub fn expected<'a>(schema: &'a Schema) -> Expected<'a> {
    let setting = |key: &str| {
        schema
            .datasource
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    let listed: Vec<String> = setting("schemas")
        .map(parse_field_refs_strings)
        .unwrap_or_default();
    let multi = !listed.is_empty();
    let schema_of = |attrs: &[Attribute]| -> Option<String> {
        if !multi {
            return None;
        }
        attrs
            .iter()
            .find(|a| a.name() == "schema")
            .and_then(|a| a.string_arg("name", true))
    };
    let foreign_keys = setting("relationMode")
        .and_then(parse_string_literal)
        .as_deref()
        != Some("prisma");
    let file_of = |path: &std::path::Path| file_index(schema, path);
    // By name, the first one declared (as a search from the start finds it): fields and relations look them up.
    let mut enums: Map<&str, &EnumDef> =
        Map::with_capacity_and_hasher(schema.enums.len(), Default::default());
    for e in &schema.enums {
        enums.entry(e.name.as_str()).or_insert(e);
    }
    let mut tables: Map<&str, &Model> =
        Map::with_capacity_and_hasher(schema.models.len(), Default::default());
    for m in schema.models.iter().filter(|m| !m.is_view) {
        tables.entry(m.name.as_str()).or_insert(m);
    }
    let native = format!("{}.", schema.native_namespace());
    let lookups = Lookups {
        enums,
        tables,
        native,
    };

    let mut out = Expected {
        // `public` is the default schema, which names leave out (as [`ObjName::new`] does).
        schemas: if multi {
            listed
                .iter()
                .map(|s| Some(s.clone()).filter(|s| s != "public"))
                .collect()
        } else {
            vec![None]
        },
        ..Expected::default()
    };
    for e in &schema.enums {
        let enum_schema = if multi { e.schema.clone() } else { None };
        out.enums.push(Enum {
            name: ObjName::new(enum_schema, e.db_name.clone()),
            label: Label::Enum(&e.name),
            values: e.values.iter().map(|(_, db)| db.as_str()).collect(),
            place: Place {
                file: file_of(&e.file),
                line: e.line,
            },
        });
    }
    let models: Vec<&Model> = schema.models.iter().filter(|m| !m.is_view).collect();
    out.tables.reserve(models.len());
    for model in &models {
        let file = file_of(&model.file);
        let place = |line| Place { file, line };
        let table = ObjName::new(schema_of(&model.attributes), model.db_name.clone());
        // Prisma's own bookkeeping table, in whichever schema: its SQL leaves out a model mapped to it.
        if table.name == "_prisma_migrations" {
            continue;
        }
        let mut t = Table {
            name: table,
            label: Label::Model(&model.name),
            place: place(model.line),
            columns: Vec::with_capacity(model.fields.len()),
            primary_key: None,
            indexes: Vec::new(),
            foreign_keys: Vec::new(),
        };
        // A long model's fields by name, made when first needed: a field list names each of its fields.
        let by_name: OnceCell<Map<&str, &Field>> = OnceCell::new();
        let field_of = |field: &'a str| -> Option<&'a Field> {
            if model.fields.len() <= 32 {
                model.fields.iter().find(|f| f.name == field)
            } else {
                let index = by_name.get_or_init(|| {
                    let mut index =
                        Map::with_capacity_and_hasher(model.fields.len(), Default::default());
                    for f in &model.fields {
                        index.entry(f.name.as_str()).or_insert(f);
                    }
                    index
                });
                index.get(field).copied()
            }
        };
        let column_of = |field: &'a str| field_of(field).map_or(field, |f| f.db_name());
        for field in &model.fields {
            let attrs = FieldAttributes::of(&field.attributes, &lookups.native);
            let column = column(&lookups, multi, model, field, &attrs, place(field.line));
            if let Some(column) = column {
                if let Some(id) = attrs.id {
                    let map = id.string_arg("map", false);
                    t.primary_key = Some(Key {
                        name: map.unwrap_or_else(|| prisma_name(&model.db_name, &[], "pkey")),
                        columns: vec![column.name],
                        place: place(field.line),
                    });
                }
                if let Some(unique) = attrs.unique {
                    let name = unique
                        .string_arg("map", false)
                        .unwrap_or_else(|| prisma_name(&model.db_name, &[column.name], "key"));
                    let descending = unique.arg("sort", false) == Some("Desc");
                    t.indexes.push(Index {
                        name,
                        columns: vec![column.name],
                        unique: true,
                        method: Cow::Borrowed("btree"),
                        keys: vec![IndexKey {
                            descending,
                            opclass: None,
                        }],
                        label: Label::Unique(&model.name, &field.name),
                        place: place(field.line),
                    });
                }
                t.columns.push(column);
            } else if let Some(relation) = attrs.relation {
                if let (true, Some(fk)) = (
                    foreign_keys,
                    foreign_key(&lookups, model, field, relation, &field_of, &schema_of),
                ) {
                    t.foreign_keys.push(ForeignKey {
                        place: place(field.line),
                        ..fk
                    });
                }
            }
        }
        for attr in &model.attributes {
            // Only keys and indexes list fields (`@@map("x")` and `@@schema("x")` have a positional string).
            let kind = attr.name();
            if !matches!(kind, "id" | "unique" | "index") {
                continue;
            }
            // `fields:` may also be written as the first unnamed argument.
            let [named_fields, unnamed, index_type, map, name_arg] = attr.first_args([
                Some("fields"),
                None,
                Some("type"),
                Some("map"),
                Some("name"),
            ]);
            // The listed fields' columns, and for an index how each key is sorted and compared, in one pass.
            let mut columns = Vec::new();
            let mut keys = Vec::new();
            for f in named_fields.or(unnamed).into_iter().flat_map(field_refs) {
                columns.push(column_of(f.name));
                if kind != "id" {
                    keys.push(IndexKey {
                        descending: f.arg("sort") == Some("Desc"),
                        opclass: f.arg("ops").and_then(opclass),
                    });
                }
            }
            let map = || map.and_then(parse_string_literal);
            match kind {
                "id" if !columns.is_empty() => {
                    t.primary_key = Some(Key {
                        name: map().unwrap_or_else(|| prisma_name(&model.db_name, &[], "pkey")),
                        columns,
                        place: place(attr.line),
                    });
                }
                "unique" | "index" if !columns.is_empty() => {
                    let unique = kind == "unique";
                    let suffix = if unique { "key" } else { "idx" };
                    let method = match index_type {
                        Some(kind) => Cow::Owned(kind.to_ascii_lowercase()),
                        None => Cow::Borrowed("btree"),
                    };
                    // On `@@index`, `name:` is the database name too (Prisma 2's spelling of `map:`).
                    let name = map().or_else(|| {
                        (!unique)
                            .then(|| name_arg.and_then(parse_string_literal))
                            .flatten()
                    });
                    t.indexes.push(Index {
                        name: name.unwrap_or_else(|| prisma_name(&model.db_name, &columns, suffix)),
                        keys,
                        columns,
                        unique,
                        method,
                        label: Label::Block(attr),
                        place: place(attr.line),
                    });
                }
                _ => {}
            }
        }
        out.tables.push(t);
    }
    out.tables.extend(implicit_many_to_many(
        schema,
        &lookups,
        &models,
        multi,
        &schema_of,
        foreign_keys,
    ));
    out
}

/// The schema's enums and models (not views) by their Prisma name, and how its native types start.
struct Lookups<'a> {
    enums: Map<&'a str, &'a EnumDef>,
    tables: Map<&'a str, &'a Model>,
    /// `db.` for `@db.VarChar(10)`: the datasource's name and a dot.
    native: String,
}

/// The field attributes Prisma maps to SQL, each the first one so named, found in one pass over the field's.
#[derive(Default)]
struct FieldAttributes<'a> {
    id: Option<&'a Attribute>,
    unique: Option<&'a Attribute>,
    default: Option<&'a Attribute>,
    relation: Option<&'a Attribute>,
    /// `@db.VarChar(255)` and the like.
    native: Option<&'a Attribute>,
}

impl<'a> FieldAttributes<'a> {
    /// `native`: how the datasource's native types start (`db.`).
    fn of(attrs: &'a [Attribute], native: &str) -> Self {
        let mut found = FieldAttributes::default();
        for attr in attrs {
            let slot = match attr.name() {
                "id" => &mut found.id,
                "unique" => &mut found.unique,
                "default" => &mut found.default,
                "relation" => &mut found.relation,
                name if name.starts_with(native) => &mut found.native,
                _ => continue,
            };
            slot.get_or_insert(attr);
        }
        found
    }
}

/// The column a scalar field becomes, or None for a relation field (or a type Prisma would reject).
fn column<'a>(
    lookups: &Lookups<'a>,
    multi: bool,
    model: &'a Model,
    field: &'a Field,
    attrs: &FieldAttributes,
    place: Place,
) -> Option<Column<'a>> {
    let native = attrs.native;
    let default = attrs.default.and_then(|d| d.arg("value", true));
    let autoincrement = default == Some("autoincrement()");
    let (base, enum_def) = base_type(&lookups.enums, multi, field, native, autoincrement)?;
    let sql_type = if field.list {
        Cow::Owned([&base, "[]"].concat())
    } else {
        base
    };
    let default = match default {
        Some(value) => prisma_default(value, field, enum_def.map(|e| &e.values[..])),
        None => DefaultValue::None,
    };
    Some(Column {
        name: field.db_name(),
        label: ColumnLabel {
            owner: Cow::Borrowed(&model.name),
            field: &field.name,
        },
        place,
        sql_type,
        list: field.list,
        not_null: !field.optional && !field.list,
        default,
    })
}

/// The SQL type of a field's column, without `[]`: a scalar's, its enum's (qualified when in another schema than the
/// default one; the enum is returned too) or an `Unsupported` type's; None for a relation field (or a type Prisma
/// would reject).
fn base_type<'a>(
    enums: &Map<&str, &'a EnumDef>,
    multi: bool,
    field: &Field,
    native: Option<&Attribute>,
    autoincrement: bool,
) -> Option<(Cow<'static, str>, Option<&'a EnumDef>)> {
    // Scalars first: Prisma rejects an enum named as one, and most fields are scalars.
    if let Some(sql) = sql_type(&field.type_name, native, autoincrement) {
        return Some((sql, None));
    }
    if let Some(&e) = enums.get(field.type_name.as_str()) {
        let sql = match e.schema.as_deref().filter(|s| multi && *s != "public") {
            Some(s) => format!("{}.{}", quoted(s), quoted(&e.db_name)),
            None => quoted(&e.db_name),
        };
        return Some((Cow::Owned(sql), Some(e)));
    }
    let inner = field
        .type_name
        .strip_prefix("Unsupported(")
        .and_then(|t| t.strip_suffix(')'))?;
    parse_string_literal(inner).map(|sql| (Cow::Owned(sql), None))
}

/// Prisma's SQL type for a scalar, with its `@db.*` native type when one is given, in the catalog's spelling of the
/// type Prisma writes (lower case, `DECIMAL` as `numeric`: `ops::normalize_type`); None when `scalar` is not one.
fn sql_type(
    scalar: &str,
    native: Option<&Attribute>,
    autoincrement: bool,
) -> Option<Cow<'static, str>> {
    let plain = match scalar {
        "String" => "text",
        "Boolean" => "boolean",
        "Int" => "integer",
        "BigInt" => "bigint",
        "Float" => "double precision",
        "Decimal" => "numeric(65,30)",
        "DateTime" => "timestamp(3)",
        "Json" => "jsonb",
        "Bytes" => "bytea",
        _ => return None,
    };
    // `name(a,b)` from the attribute's arguments, or `name` when it has none.
    let with_args = |name: &str, a: &Attribute| {
        let mut sql = String::with_capacity(name.len() + 8);
        sql.push_str(name);
        for (i, (_, value)) in a.args().enumerate() {
            sql.push(if i == 0 { '(' } else { ',' });
            sql.push_str(value.trim());
        }
        if sql.len() > name.len() {
            sql.push(')');
        }
        sql
    };
    let base = match native {
        Some(a) => {
            // After the datasource's name and its dot (`db.VarChar`).
            let name = a.name().split_once('.').map_or("", |(_, name)| name);
            let sql = match name {
                "Text" => "text",
                "Char" => "char",
                "VarChar" => "varchar",
                "Bit" => "bit",
                "VarBit" => "varbit",
                "Uuid" => "uuid",
                "Xml" => "xml",
                "Inet" => "inet",
                "Citext" => "citext",
                "Boolean" => "boolean",
                "Integer" => "integer",
                "SmallInt" => "smallint",
                "Oid" => "oid",
                "BigInt" => "bigint",
                "DoublePrecision" => "double precision",
                "Real" => "real",
                "Decimal" => "numeric",
                "Money" => "money",
                "Timestamp" => "timestamp",
                "Timestamptz" => "timestamptz",
                "Date" => "date",
                "Time" => "time",
                "Timetz" => "timetz",
                "Json" => "json",
                "JsonB" => "jsonb",
                "ByteA" => "bytea",
                other => return Some(Cow::Owned(with_args(&other.to_ascii_lowercase(), a))),
            };
            if a.args().next().is_none() {
                Cow::Borrowed(sql)
            } else {
                Cow::Owned(with_args(sql, a))
            }
        }
        None => plain.into(),
    };
    // `autoincrement()` makes the column a serial of its integer type.
    Some(match (autoincrement, &*base) {
        (true, "integer") => "serial".into(),
        (true, "bigint") => "bigserial".into(),
        (true, "smallint") => "smallserial".into(),
        _ => base,
    })
}

/// The database default of `@default(value)`: none for the values Prisma Client generates.
fn prisma_default(
    value: &str,
    field: &Field,
    enum_values: Option<&[(String, String)]>,
) -> DefaultValue {
    let value = value.trim();
    let call = value.split('(').next().unwrap_or("").trim();
    match call {
        "autoincrement" => return DefaultValue::Autoincrement,
        "now" => return DefaultValue::Now,
        "uuid" | "cuid" | "nanoid" | "ulid" => return DefaultValue::None,
        "dbgenerated" => {
            let inner = value
                .strip_prefix("dbgenerated(")
                .and_then(|v| v.strip_suffix(')'))
                .unwrap_or("");
            return match parse_string_literal(inner) {
                Some(sql) => classify_default(&sql),
                // `dbgenerated()` leaves the default to the database: Prisma does not compare it.
                None => DefaultValue::Any,
            };
        }
        _ => {}
    }
    if field.type_name.starts_with("Unsupported") {
        return DefaultValue::Any;
    }
    let literal = |item: &str| -> String {
        let item = item.trim();
        if let Some(s) = parse_string_literal(item) {
            // A Bytes default is base64 in the schema and hex in Prisma's SQL.
            if field.type_name == "Bytes" {
                if let Some(hex) = bytea_hex(&s) {
                    return hex;
                }
            }
            return s;
        }
        if let Some(values) = enum_values {
            if let Some((_, db)) = values.iter().find(|(name, _)| name == item) {
                return db.clone();
            }
        }
        item.to_string()
    };
    if let Some(inner) = value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
        let items = crate::input::prisma_schema::split_arguments(inner);
        return DefaultValue::List(items.map(literal).collect());
    }
    DefaultValue::Value(literal(value))
}

/// The foreign key a relation field with `fields:` and `references:` creates.
fn foreign_key<'a>(
    lookups: &Lookups<'a>,
    model: &'a Model,
    field: &'a Field,
    relation: &'a Attribute,
    field_of: &dyn Fn(&'a str) -> Option<&'a Field>,
    schema_of: &dyn Fn(&[Attribute]) -> Option<String>,
) -> Option<ForeignKey<'a>> {
    // The relation's name may come unnamed first (`@relation("R", fields: ...)`): only named arguments are read here.
    let [fields, references, on_delete, on_update, map] = relation.first_args([
        Some("fields"),
        Some("references"),
        Some("onDelete"),
        Some("onUpdate"),
        Some("map"),
    ]);
    let (fields, references) = (fields?, references?);
    let target = *lookups.tables.get(field.type_name.as_str())?;
    // SET NULL only when every column of the key may be NULL: an optional relation on a required column restricts.
    let mut nullable = field.optional;
    let columns: Vec<&str> = field_refs(fields)
        .map(|r| {
            let found = field_of(r.name);
            nullable &= found.is_none_or(|f| f.optional);
            found.map_or(r.name, |f| f.db_name())
        })
        .collect();
    let ref_columns: Vec<&str> = field_refs(references)
        .map(|r| {
            target
                .fields
                .iter()
                .find(|f| f.name == r.name)
                .map_or(r.name, |f| f.db_name())
        })
        .collect();
    let action = |arg: Option<&str>, default: &'static str| match arg {
        Some("Cascade") => "CASCADE",
        Some("Restrict") => "RESTRICT",
        Some("NoAction") => "NO ACTION",
        Some("SetNull") => "SET NULL",
        Some("SetDefault") => "SET DEFAULT",
        _ => default,
    };
    Some(ForeignKey {
        name: map
            .and_then(parse_string_literal)
            .unwrap_or_else(|| prisma_name(&model.db_name, &columns, "fkey")),
        columns,
        ref_table: ObjName::new(schema_of(&target.attributes), target.db_name.clone()),
        ref_columns,
        on_delete: action(on_delete, if nullable { "SET NULL" } else { "RESTRICT" }),
        on_update: action(on_update, "CASCADE"),
        label: Label::Relation(&model.name, &field.name),
        place: Place { file: 0, line: 0 },
    })
}

/// The `_AToB` tables of list relations that name no fields on either side.
fn implicit_many_to_many<'a>(
    schema: &Schema,
    lookups: &Lookups<'a>,
    models: &[&'a Model],
    multi: bool,
    schema_of: &dyn Fn(&[Attribute]) -> Option<String>,
    foreign_keys: bool,
) -> Vec<Table<'a>> {
    let file_of = |path: &std::path::Path| file_index(schema, path);
    // The list fields of a model type, each with (its model, the model it lists, its relation, the relation's name),
    // read once.
    let mut list_fields = Vec::new();
    for &model in models {
        for field in model.fields.iter().filter(|f| f.list) {
            let Some(&other) = lookups.tables.get(field.type_name.as_str()) else {
                continue;
            };
            let relation = FieldAttributes::of(&field.attributes, &lookups.native).relation;
            let relation_name = relation.and_then(|r| r.string_arg("name", true));
            list_fields.push((model, field, other, relation, relation_name));
        }
    }
    // Every list field's name by (its model, the model it lists, its relation's name): the other side of a relation
    // is looked up, not searched for among the other model's fields.
    let mut lists: Map<(*const Model, &str, Option<&str>), Vec<&str>> = Map::default();
    for (model, field, _, _, relation_name) in &list_fields {
        let key = (
            *model as *const Model,
            field.type_name.as_str(),
            relation_name.as_deref(),
        );
        lists.entry(key).or_default().push(&field.name);
    }
    // Each `_AToB` table made, with where it is in `tables` and for which pair of models: a relation is met from both
    // sides, and two pairs may share a relation's name (Prisma then makes the table of the pair declared last).
    let mut made: Map<String, (usize, [*const Model; 2])> = Map::default();
    let mut tables: Vec<Table> = Vec::new();
    for &(model, field, other, relation, ref relation_name) in &list_fields {
        if relation.is_some_and(|r| r.arg("fields", false).is_some()) {
            continue;
        }
        // The other side must be a list too (else it is a one-to-many relation).
        let key = (
            other as *const Model,
            model.name.as_str(),
            relation_name.as_deref(),
        );
        let opposite = lists.get(&key).is_some_and(|names| {
            names
                .iter()
                .any(|name| other.name != model.name || *name != field.name)
        });
        if !opposite {
            continue;
        }
        let (a, b) = if model.name <= other.name {
            (model, other)
        } else {
            (other, model)
        };
        let name = match relation_name {
            Some(name) => Cow::Borrowed(name.as_str()),
            None => Cow::Owned(format!("{}To{}", a.name, b.name)),
        };
        let table = format!("_{name}");
        let pair = [a as *const Model, b as *const Model];
        let replaces = match made.get(&table) {
            Some(&(_, seen)) if seen == pair => continue,
            Some(&(at, _)) => Some(at),
            None => None,
        };
        // The model's id column, with its type (an enum's too).
        let id_column = |m: &'a Model| -> Option<(&'a str, Cow<'static, str>, ObjName)> {
            let id = m.id_fields().next()?;
            let f = m.fields.iter().find(|f| f.name == id)?;
            let native = FieldAttributes::of(&f.attributes, &lookups.native).native;
            Some((
                f.db_name(),
                base_type(&lookups.enums, multi, f, native, false)?.0,
                ObjName::new(schema_of(&m.attributes), m.db_name.clone()),
            ))
        };
        let (Some((a_id, a_type, a_table)), Some((b_id, b_type, b_table))) =
            (id_column(a), id_column(b))
        else {
            continue;
        };
        let place = Place {
            file: file_of(&model.file),
            line: field.line,
        };
        let column = |n: &'static str, sql_type: Cow<'static, str>| Column {
            name: n,
            label: ColumnLabel {
                owner: Cow::Owned(table.clone()),
                field: n,
            },
            place,
            sql_type,
            list: false,
            not_null: true,
            default: DefaultValue::None,
        };
        // A long table name is cut before `_AB_pkey`, `_B_index`, `_A_fkey` and `_B_fkey`, which Prisma keeps whole
        // (unlike a model's key and index names, whose columns are cut too): by bytes for the foreign keys, by
        // characters for the other two, which PostgreSQL then cuts to 63 bytes (compared so).
        let by_chars = |suffix: &str| {
            let limit = MAX_IDENTIFIER - suffix.len() - 1;
            let end = table
                .char_indices()
                .nth(limit)
                .map_or(table.len(), |(at, _)| at);
            format!("{}_{suffix}", &table[..end])
        };
        let fk = |col: &'static str, ref_table: ObjName, ref_column: &'a str| ForeignKey {
            name: prisma_name(&table, &[], &format!("{col}_fkey")),
            columns: vec![col],
            ref_table,
            ref_columns: vec![ref_column],
            on_delete: "CASCADE",
            on_update: "CASCADE",
            label: Label::Text(format!("many-to-many relation {name}")),
            place,
        };
        let at = replaces.unwrap_or(tables.len());
        made.insert(table.clone(), (at, pair));
        let made_table = Table {
            name: ObjName::new(schema_of(&a.attributes), table.clone()),
            label: Label::Text(format!("many-to-many relation {name} (table {table})")),
            place,
            columns: vec![column("A", a_type), column("B", b_type)],
            primary_key: Some(Key {
                name: by_chars("AB_pkey"),
                columns: vec!["A", "B"],
                place,
            }),
            indexes: vec![Index {
                name: by_chars("B_index"),
                columns: vec!["B"],
                unique: false,
                method: Cow::Borrowed("btree"),
                keys: vec![IndexKey::default()],
                label: Label::Text(format!("many-to-many relation {name}")),
                place,
            }],
            foreign_keys: if foreign_keys {
                vec![fk("A", a_table, a_id), fk("B", b_table, b_id)]
            } else {
                Vec::new()
            },
        };
        match replaces {
            Some(at) => tables[at] = made_table,
            None => tables.push(made_table),
        }
    }
    tables
}

/// Which of the schema's files `path` is: compared as written (the parser copies the same path to every block).
fn file_index(schema: &Schema, path: &std::path::Path) -> usize {
    let path = path.as_os_str();
    schema
        .files
        .iter()
        .position(|f| f.as_os_str() == path)
        .unwrap_or(0)
}

fn quoted(name: &str) -> String {
    crate::ops::quote_ident(name)
}

/// `raw("text_pattern_ops")` or a named class such as `JsonbPathOps`.
fn opclass(value: &str) -> Option<String> {
    let value = value.trim();
    if let Some(inner) = value.strip_prefix("raw(").and_then(|v| v.strip_suffix(')')) {
        return parse_string_literal(inner).map(|s| s.to_ascii_lowercase());
    }
    // Prisma's names are the operator classes in CamelCase: `JsonbPathOps` is `jsonb_path_ops`.
    let mut out = String::new();
    for (i, c) in value.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    Some(out)
}

/// The strings of `["a", "b"]`.
fn parse_field_refs_strings(value: &str) -> Vec<String> {
    let value = value.trim();
    let inner = value.strip_prefix('[').unwrap_or(value);
    let inner = inner.strip_suffix(']').unwrap_or(inner);
    crate::input::prisma_schema::split_arguments(inner)
        .filter_map(parse_string_literal)
        .collect()
}

fn attr_text(attr: &Attribute) -> String {
    attr.args()
        .map(|(n, v)| match n {
            Some(n) => format!("{n}: {v}"),
            None => v.to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::normalize_type;

    /// Each type is spelled as the catalog spells the SQL Prisma writes for it, so a column in sync compares equal
    /// without a canonical form. The spellings on the right are Prisma 6.19.3's `migrate diff --from-empty` output
    /// for these fields.
    #[test]
    fn types_are_spelled_as_the_catalog_spells_prismas_sql() {
        let fields = [
            ("String", "", "TEXT"),
            ("Boolean", "", "BOOLEAN"),
            ("Int", "", "INTEGER"),
            ("Int", "@default(autoincrement())", "SERIAL"),
            ("BigInt", "@default(autoincrement())", "BIGSERIAL"),
            ("BigInt", "", "BIGINT"),
            ("Float", "", "DOUBLE PRECISION"),
            ("Decimal", "", "DECIMAL(65,30)"),
            ("DateTime", "", "TIMESTAMP(3)"),
            ("Json", "", "JSONB"),
            ("Bytes", "", "BYTEA"),
            ("String[]", "", "TEXT[]"),
            ("String", "@db.VarChar(255)", "VARCHAR(255)"),
            ("String", "@db.Char(3)", "CHAR(3)"),
            ("String", "@db.Uuid", "UUID"),
            ("String", "@db.Citext", "CITEXT"),
            ("Int", "@db.SmallInt", "SMALLINT"),
            ("Float", "@db.Real", "REAL"),
            ("Decimal", "@db.Decimal(10, 2)", "DECIMAL(10,2)"),
            ("Decimal", "@db.Money", "MONEY"),
            ("DateTime", "@db.Timestamptz(6)", "TIMESTAMPTZ(6)"),
            ("DateTime", "@db.Date", "DATE"),
            ("DateTime", "@db.Time(6)", "TIME(6)"),
            ("Json", "@db.Json", "JSON"),
            ("String", "@db.Xml", "XML"),
            ("String", "@db.Inet", "INET"),
            ("String", "@db.VarBit", "VARBIT"),
        ];
        let body: String = fields
            .iter()
            .enumerate()
            .map(|(i, (ty, attrs, _))| format!("  f{i} {ty} {attrs}\n"))
            .collect();
        let schema = Schema::parse_str(
            &format!("model T {{\n  id Int @id\n{body}}}\n"),
            std::path::Path::new("schema.prisma"),
        );
        let expected = expected(&schema);
        let columns = &expected.tables[0].columns[1..];
        assert_eq!(columns.len(), fields.len());
        for (column, (ty, attrs, prisma_sql)) in columns.iter().zip(fields) {
            assert_eq!(
                column.sql_type,
                normalize_type(prisma_sql),
                "{ty} {attrs}: Prisma writes {prisma_sql}"
            );
        }
    }
}
