//! Which schema belongs to a migrations folder: the one `prisma.config.ts` or `package.json#prisma.schema` names,
//! when it sits where Prisma keeps that folder's migrations, else the files beside the folder
//! ([`find_schema_for_migrations`]).

use std::fs;
use std::path::{Path, PathBuf};

use crate::input::prisma_schema::find_schema_for_migrations;
use crate::input::project_file::{self, ReadError};

/// The schema file or folder for the migrations at `migrations`, if any. The error names a file that would say
/// which schema it is (`prisma.config.ts`, `package.json`) but must not be read: then the schema is not known.
pub fn schema_for(migrations: &Path) -> Result<Option<PathBuf>, ReadError> {
    Ok(configured(migrations)?.or_else(|| find_schema_for_migrations(migrations)))
}

/// The schema a project's config names, when the migrations folder is beside it (Prisma keeps `migrations/` next to
/// the schema file, or inside the schema folder). Only the folder above the migrations and the one above that are
/// looked at, and never above the repository, so nothing outside the project is read.
fn configured(migrations: &Path) -> Result<Option<PathBuf>, ReadError> {
    let Some(beside) = fs::canonicalize(migrations)
        .ok()
        .and_then(|folder| folder.parent().map(Path::to_path_buf))
    else {
        return Ok(None);
    };
    let repository = project_file::repository_of(&beside);
    let mut dir = Some(beside.as_path());
    for _ in 0..2 {
        let Some(here) = dir.filter(|d| repository.as_deref().is_none_or(|r| d.starts_with(r)))
        else {
            break;
        };
        // Outside a repository, the config (one folder above the schema, as Prisma keeps it) is read in its folder.
        let root = repository.as_deref().unwrap_or(here);
        let mut named = config_file(&here.join("prisma.config.ts"), root)?
            .as_deref()
            .and_then(config_ts_schema);
        if named.is_none() {
            named = config_file(&here.join("package.json"), root)?
                .as_deref()
                .and_then(package_json_schema);
        }
        if let Some(path) = named.and_then(|n| fs::canonicalize(here.join(n)).ok()) {
            let home = if path.is_dir() {
                Some(path.as_path())
            } else {
                path.parent()
            };
            if home == Some(beside.as_path()) {
                return Ok(Some(path));
            }
        }
        dir = here.parent();
    }
    Ok(None)
}

/// The text of a file that may name the schema. None where there is none to read (no file, a dangling link, a
/// folder): no config, as for Prisma. Else it is read as the project's other files are, inside `root`, so a
/// committed FIFO, device or link elsewhere is an error, never a read that hangs or leaks.
fn config_file(path: &Path, root: &Path) -> Result<Option<String>, ReadError> {
    if fs::metadata(path).map_or(true, |found| found.is_dir()) {
        return Ok(None);
    }
    project_file::read_in_project(path, root)
        .map(|bytes| Some(String::from_utf8_lossy(&bytes).into_owned()))
        .map_err(|message| ReadError {
            path: path.to_path_buf(),
            message: format!("{message} (it may name the Prisma schema)"),
        })
}

/// `prisma.schema` of a `package.json`.
fn package_json_schema(text: &str) -> Option<String> {
    let json: serde_json::Value = serde_json::from_str(text).ok()?;
    Some(json.get("prisma")?.get("schema")?.as_str()?.to_string())
}

/// The string after `schema:` in a `defineConfig({ schema: 'prisma/schema.prisma' })`.
fn config_ts_schema(text: &str) -> Option<String> {
    let mut rest = text;
    while let Some(at) = rest.find("schema") {
        let before = rest[..at].chars().next_back();
        let after = rest[at + "schema".len()..].trim_start();
        rest = &rest[at + "schema".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
            continue;
        }
        let Some(value) = after.strip_prefix(':') else {
            continue;
        };
        let value = value.trim_start();
        let quote = value
            .chars()
            .next()
            .filter(|c| matches!(c, '\'' | '"' | '`'))?;
        let body = &value[1..];
        return body.find(quote).map(|end| body[..end].to_string());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_schema_path_of_a_prisma_config() {
        assert_eq!(
            config_ts_schema("export default defineConfig({\n  schema: 'prisma/app.prisma',\n});"),
            Some("prisma/app.prisma".into())
        );
        assert_eq!(
            config_ts_schema("const x = { migrations: { path: \"db\" }, schema: \"db/schema\" }"),
            Some("db/schema".into())
        );
        assert_eq!(config_ts_schema("export default defineConfig({})"), None);
    }

    #[test]
    fn a_configured_schema_wins_where_it_sits_beside_the_migrations() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("db/migrations")).unwrap();
        fs::write(root.join("db/a.prisma"), "model A {\n id Int @id\n}\n").unwrap();
        fs::write(root.join("db/b.prisma"), "model B {\n id Int @id\n}\n").unwrap();
        // Two files beside the migrations: without a config both are the schema.
        assert_eq!(
            schema_for(&root.join("db/migrations")),
            Ok(Some(root.join("db")))
        );
        fs::write(
            root.join("package.json"),
            r#"{"name": "x", "prisma": {"schema": "db/b.prisma"}}"#,
        )
        .unwrap();
        let found = schema_for(&root.join("db/migrations")).unwrap().unwrap();
        assert_eq!(found, fs::canonicalize(root.join("db/b.prisma")).unwrap());
        fs::write(
            root.join("prisma.config.ts"),
            "export default { schema: 'db/a.prisma' }",
        )
        .unwrap();
        let found = schema_for(&root.join("db/migrations")).unwrap().unwrap();
        assert_eq!(found, fs::canonicalize(root.join("db/a.prisma")).unwrap());
    }
}
