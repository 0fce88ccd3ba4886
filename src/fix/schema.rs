//! The schema.prisma side of a plan: what must change so that Prisma sees exactly the migrations now on disk, turned
//! into line edits of the schema file(s).
//!
//! Some edits are computed (a `@map`, a `@default`); others put back what the schema had at the base (`--base`, or
//! `HEAD`): a field's old type, an enum's removed value, a dropped model kept with `@@ignore`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::plan::SchemaChange;
use super::{prisma_type, resolve, EditAction, SchemaIntent};
use crate::input::prisma_schema::{self, Schema};
use crate::ops::SqlType;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaFix {
    /// An edit a rule's suggestion describes.
    Intent(SchemaIntent),
    /// The column's field as it is at the base.
    RevertField { table: String, column: String },
    /// A new optional field for a new column, below the field of `after_column`.
    AddField {
        table: String,
        column: String,
        sql_type: SqlType,
        after_column: String,
    },
    /// The enum as it is at the base (its removed values back).
    RestoreEnum { type_name: String },
    /// The model as it is at the base, with `@@ignore` and without relation fields.
    RestoreModelIgnored { table: String },
    /// The model's id (`@@id([...])` or a field's `@id`) goes until a later release adds the primary key.
    RemoveId { table: String },
}

/// The schema now (with its files' text) and at the base.
pub struct SchemaState {
    pub current: Schema,
    pub texts: HashMap<PathBuf, String>,
    pub base: Option<Schema>,
    pub base_texts: HashMap<PathBuf, String>,
}

impl SchemaState {
    fn line(&self, file: &Path, line: usize) -> Option<&str> {
        prisma_schema::lines(self.texts.get(file)?).nth(line.checked_sub(1)?)
    }

    fn base_lines(&self, file: &Path, from: usize, to: usize) -> Vec<String> {
        self.base_texts
            .get(file)
            .map(|t| {
                prisma_schema::lines(t)
                    .skip(from - 1)
                    .take(to + 1 - from)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Line edits for the fixes, and why the others cannot be made.
pub fn changes(
    fixes: &[SchemaFix],
    state: &SchemaState,
    display: &dyn Fn(&Path) -> String,
) -> (Vec<SchemaChange>, Vec<String>) {
    let (mut out, mut errors) = (Vec::new(), Vec::new());
    for fix in fixes {
        match change(fix, state, display) {
            Ok(c) => out.push(c),
            Err(e) => errors.push(e),
        }
    }
    (out, errors)
}

fn change(
    fix: &SchemaFix,
    state: &SchemaState,
    display: &dyn Fn(&Path) -> String,
) -> Result<SchemaChange, String> {
    let edit_at = |path: &Path, line: usize, remove: usize, insert: Vec<String>, why: String| {
        let removed = (line..line + remove)
            .filter_map(|l| state.line(path, l).map(str::to_string))
            .collect();
        SchemaChange {
            file: display(path),
            path: path.to_path_buf(),
            line,
            remove,
            insert,
            why,
            removed,
        }
    };
    let base = || {
        state
            .base
            .as_ref()
            .ok_or("the schema at the base cannot be read (is the project in git?)")
    };
    match fix {
        SchemaFix::Intent(intent) => {
            let edit = resolve(intent, Some(&state.current), &|p| p.display().to_string());
            let Some(file) = edit.file.as_deref().map(PathBuf::from) else {
                return Err(format!(
                    "no model in schema.prisma maps to the table of `{}`",
                    edit.text
                ));
            };
            let line = edit.line.unwrap_or(1);
            let indent = "  ";
            let why = format!("{} in model `{}`", edit.action.as_str(), edit.model);
            Ok(match edit.action {
                EditAction::Change => {
                    edit_at(&file, line, 1, vec![format!("{indent}{}", edit.text)], why)
                }
                EditAction::Add | EditAction::Remove => {
                    edit_at(&file, line, 0, vec![format!("{indent}{}", edit.text)], why)
                }
            })
        }
        SchemaFix::RevertField { table, column } => {
            let base = base()?;
            let old_model = base
                .model_for_table(table)
                .ok_or_else(|| format!("no model maps to {table:?} at the base"))?;
            let old_field = old_model
                .field_for_column(column)
                .ok_or_else(|| format!("no field maps to {table}.{column} at the base"))?;
            let old_line = state.base_lines(&old_model.file, old_field.line, old_field.line);
            let model = state
                .current
                .model_for_table(table)
                .ok_or_else(|| format!("no model maps to {table:?}"))?;
            let why = format!("field `{}` keeps its type until the switch", old_field.name);
            Ok(match model.field_for_column(column) {
                Some(field) => edit_at(&model.file, field.line, 1, old_line, why),
                None => edit_at(&model.file, model.end_line, 0, old_line, why),
            })
        }
        SchemaFix::AddField {
            table,
            column,
            sql_type,
            after_column,
        } => {
            let model = state
                .current
                .model_for_table(table)
                .ok_or_else(|| format!("no model maps to {table:?}"))?;
            let (field_name, line) = match model.field_for_column(after_column) {
                Some(f) => (format!("{}New", f.name), f.line + 1),
                None => (column.clone(), model.end_line),
            };
            let (type_name, _) = prisma_type(sql_type, Some(&state.current));
            let mut text = format!("  {field_name} {type_name}? @map(\"{column}\")");
            if let Some(native) = native_attribute(sql_type, state.current.native_namespace()) {
                text.push(' ');
                text.push_str(&native);
            }
            Ok(edit_at(
                &model.file,
                line,
                0,
                vec![text],
                format!("new field `{field_name}` for the new column until the switch"),
            ))
        }
        SchemaFix::RestoreEnum { type_name } => {
            let base = base()?;
            let old = base
                .enum_for_type(type_name)
                .ok_or_else(|| format!("no enum maps to {type_name:?} at the base"))?;
            let old_text = state
                .base_texts
                .get(&*old.file)
                .ok_or("base schema text missing")?;
            let old_end = block_end(old_text, old.line);
            let lines = state.base_lines(&old.file, old.line, old_end);
            let why = format!("enum `{}` keeps its values until the rows move", old.name);
            match state.current.enum_for_type(type_name) {
                Some(now) => {
                    let text = state.texts.get(&*now.file).ok_or("schema text missing")?;
                    let end = block_end(text, now.line);
                    Ok(edit_at(&now.file, now.line, end + 1 - now.line, lines, why))
                }
                None => {
                    let file = state.current.files.first().ok_or("no schema file")?;
                    let end = state
                        .texts
                        .get(file)
                        .map_or(0, |t| prisma_schema::lines(t).count());
                    Ok(edit_at(file, end + 1, 0, blank_then(lines), why))
                }
            }
        }
        SchemaFix::RemoveId { table } => {
            let model = state
                .current
                .model_for_table(table)
                .ok_or_else(|| format!("no model maps to {table:?}"))?;
            let why = format!(
                "model `{}` keeps no primary key until the later release",
                model.name
            );
            for line in model.line..=model.end_line {
                let text = state.line(&model.file, line).unwrap_or_default();
                if text.trim_start().starts_with("@@id(") {
                    return Ok(edit_at(&model.file, line, 1, Vec::new(), why));
                }
            }
            let field = model
                .fields
                .iter()
                .find(|f| f.is_id)
                .ok_or_else(|| format!("model `{}` has no id to remove", model.name))?;
            let text = state.line(&model.file, field.line).unwrap_or_default();
            let without = without_id_attribute(text)
                .ok_or_else(|| format!("no @id on the line of field `{}`", field.name))?;
            Ok(edit_at(&model.file, field.line, 1, vec![without], why))
        }
        SchemaFix::RestoreModelIgnored { table } => {
            let base = base()?;
            let old = base
                .model_for_table(table)
                .ok_or_else(|| format!("no model maps to {table:?} at the base"))?;
            let model_names: Vec<&str> = base.models.iter().map(|m| m.name.as_str()).collect();
            let relation_lines: Vec<usize> = old
                .fields
                .iter()
                .filter(|f| model_names.contains(&f.type_name.as_str()))
                .map(|f| f.line)
                .collect();
            let mut lines: Vec<String> = (old.line..=old.end_line)
                .filter(|l| !relation_lines.contains(l))
                .flat_map(|l| state.base_lines(&old.file, l, l))
                .collect();
            let close = lines.pop().unwrap_or_else(|| "}".to_string());
            lines.push(String::new());
            lines.push("  @@ignore".to_string());
            lines.push(close);
            let file = state
                .current
                .files
                .iter()
                .find(|f| f.as_path() == &*old.file)
                .or(state.current.files.first())
                .ok_or("no schema file")?
                .clone();
            let end = state
                .texts
                .get(&file)
                .map_or(0, |t| prisma_schema::lines(t).count());
            Ok(edit_at(
                &file,
                end + 1,
                0,
                blank_then(lines),
                format!(
                    "model `{}` stays, ignored by the client, until the drop",
                    old.name
                ),
            ))
        }
    }
}

/// The line without its `@id` attribute (and the attribute's arguments), if it has one.
fn without_id_attribute(line: &str) -> Option<String> {
    let mut from = 0;
    while let Some(at) = line[from..].find("@id").map(|i| i + from) {
        let rest = &line[at + 3..];
        let word_ends = !rest.starts_with(|c: char| c.is_alphanumeric() || c == '_');
        let starts = at == 0 || line[..at].ends_with(char::is_whitespace);
        if word_ends && starts {
            let mut end = at + 3;
            if rest.starts_with('(') {
                let mut depth = 0;
                for (k, c) in rest.char_indices() {
                    match c {
                        '(' => depth += 1,
                        ')' => depth -= 1,
                        _ => {}
                    }
                    if depth == 0 {
                        end = at + 3 + k + 1;
                        break;
                    }
                }
            }
            return Some(format!("{}{}", line[..at].trim_end(), &line[end..]));
        }
        from = at + 3;
    }
    None
}

fn blank_then(mut lines: Vec<String>) -> Vec<String> {
    lines.insert(0, String::new());
    lines
}

/// The line of the `}` closing the block that starts at `line` (1-based).
fn block_end(text: &str, line: usize) -> usize {
    prisma_schema::lines(text)
        .enumerate()
        .skip(line)
        .find(|(_, l)| l.trim_start().starts_with('}'))
        .map_or(line, |(i, _)| i + 1)
}

/// The native attribute (`@db.`, `namespace` being the datasource's name) Prisma needs for a type that is not its
/// default for the field type.
fn native_attribute(sql_type: &SqlType, namespace: &str) -> Option<String> {
    let text = sql_type.text.as_str();
    let args = |prefix: &str| {
        text.strip_prefix(prefix)
            .and_then(|rest| rest.strip_prefix('('))
            .and_then(|rest| rest.strip_suffix(')'))
            .map(str::to_string)
    };
    if let Some(n) = args("varchar") {
        return Some(format!("@{namespace}.VarChar({n})"));
    }
    if let Some(n) = args("char") {
        return Some(format!("@{namespace}.Char({n})"));
    }
    None
}

/// Applies line edits to the files' text: each file's edits from the bottom up, so line numbers stay valid.
pub fn apply(
    texts: &HashMap<PathBuf, String>,
    changes: &[SchemaChange],
) -> HashMap<PathBuf, String> {
    let mut out = HashMap::new();
    for (path, text) in texts {
        let mut mine: Vec<&SchemaChange> = changes.iter().filter(|c| &c.path == path).collect();
        if mine.is_empty() {
            continue;
        }
        mine.sort_by_key(|c| std::cmp::Reverse((c.line, c.remove)));
        let mut lines: Vec<String> = prisma_schema::lines(text).map(str::to_string).collect();
        for c in mine {
            let at = (c.line - 1).min(lines.len());
            let end = (at + c.remove).min(lines.len());
            lines.splice(at..end, c.insert.iter().cloned());
        }
        // The file's own line breaks: a CRLF schema stays CRLF, so the edit is the only change git shows.
        let newline = prisma_schema::line_break(text);
        let mut new_text = lines.join(newline);
        new_text.push_str(newline);
        out.insert(path.clone(), new_text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{
        apply, native_attribute, without_id_attribute, HashMap, PathBuf, SchemaChange, SqlType,
    };

    /// A new field's native type is written under the datasource's name, as Prisma requires.
    #[test]
    fn a_new_fields_native_type_is_under_the_datasources_name() {
        let native = |ty: &str, namespace: &str| native_attribute(&SqlType::new(ty), namespace);
        assert_eq!(
            native("varchar(40)", "db").as_deref(),
            Some("@db.VarChar(40)")
        );
        assert_eq!(
            native("varchar(40)", "pg").as_deref(),
            Some("@pg.VarChar(40)")
        );
        assert_eq!(native("char(2)", "pg").as_deref(), Some("@pg.Char(2)"));
        assert_eq!(native("text", "pg"), None);
    }

    /// An edit to a CRLF (or CR) schema keeps its line breaks: `git diff` shows the edit, not every line changed.
    #[test]
    fn edits_keep_the_files_line_breaks() {
        let path = PathBuf::from("schema.prisma");
        let change = SchemaChange {
            file: "schema.prisma".into(),
            path: path.clone(),
            line: 3,
            remove: 1,
            insert: vec!["  email String @unique".into()],
            why: String::new(),
            removed: Vec::new(),
        };
        for newline in ["\r\n", "\r", "\n"] {
            let text = ["model User {", "  id Int @id", "  email String", "}", ""].join(newline);
            let texts = HashMap::from([(path.clone(), text)]);
            let edited = apply(&texts, std::slice::from_ref(&change));
            let expected = [
                "model User {",
                "  id Int @id",
                "  email String @unique",
                "}",
                "",
            ]
            .join(newline);
            assert_eq!(edited[&path], expected, "{newline:?}");
        }
    }

    #[test]
    fn id_attribute_goes_with_its_arguments() {
        assert_eq!(
            without_id_attribute("  key String @id @db.VarChar(8)").as_deref(),
            Some("  key String @db.VarChar(8)")
        );
        assert_eq!(
            without_id_attribute("  key String @id(map: \"k\") // note").as_deref(),
            Some("  key String // note")
        );
        assert_eq!(without_id_attribute("  idx String @idx"), None);
        assert_eq!(without_id_attribute("  @@id([a, b])"), None);
    }
}
