//! `lint.toml`: where the migrations are, the target PostgreSQL version, the git base, and per-rule severities.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::input::project_file::repository_of;
use crate::rules::diagnostic::Severity;
use crate::rules::settings::{duration_ms, IgnoreEntry, Settings};
use crate::rules::RULES;

pub const FILE_NAME: &str = "lint.toml";

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    migrations: Option<OneOrMany>,
    postgres_version: Option<u32>,
    base: Option<String>,
    /// `"6.1.0"`: decides whether a multi-statement file runs as one transaction.
    prisma_version: Option<String>,
    /// `"10s"`: a longer `SET lock_timeout` counts as none.
    max_lock_timeout: Option<String>,
    #[serde(default)]
    rules: HashMap<String, Level>,
    #[serde(default)]
    ignore: Vec<IgnoreFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IgnoreFile {
    migration: String,
    rule: String,
    reason: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged, expecting = "expected a path or a list of paths")]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Level {
    Error,
    Warning,
    Info,
    Off,
}

/// A loaded configuration: settings plus the migrations paths (resolved against the config's folder).
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub path: Option<PathBuf>,
    pub migrations: Vec<PathBuf>,
    /// Git ref whose migrations count as applied (`--base` overrides it).
    pub base: Option<String>,
    pub settings: Settings,
}

/// `lint.toml` in `start` or the nearest folder above it, as a path relative to `start` (`../lint.toml`), so that
/// paths configured in it are shown relative to where the user runs the linter.
pub fn find_config(start: &Path) -> Option<PathBuf> {
    let depth = start.canonicalize().ok()?.ancestors().count();
    let mut dir = start.to_path_buf();
    for _ in 0..depth {
        let candidate = dir.join(FILE_NAME);
        if candidate.is_file() {
            return Some(
                candidate
                    .strip_prefix("./")
                    .map(Path::to_path_buf)
                    .unwrap_or(candidate),
            );
        }
        dir = dir.join("..");
    }
    None
}

/// The PostgreSQL major versions the rules know (9 stands for 9.x): lock levels and rewrites differ by version, and
/// a version outside these would silently get some version's behaviour.
pub const SUPPORTED_POSTGRES: std::ops::RangeInclusive<u32> = 9..=18;

/// `postgres_version` (lint.toml) or `--postgres-version`, when it is one the rules know.
pub fn check_postgres_version(version: u32) -> Result<u32, String> {
    if SUPPORTED_POSTGRES.contains(&version) {
        Ok(version)
    } else {
        Err(format!(
            "postgres_version {version} is not supported: give a major version from {} to {}",
            SUPPORTED_POSTGRES.start(),
            SUPPORTED_POSTGRES.end()
        ))
    }
}

pub fn load(path: &Path) -> Result<Config, String> {
    let bytes = crate::input::project_file::read_regular(path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let text =
        String::from_utf8(bytes).map_err(|_| format!("{}: not valid UTF-8", path.display()))?;
    let config = parse(&text, path)?;
    migrations_inside_project(&config.migrations, path, &text)?;
    Ok(config)
}

/// A committed lint.toml may only point at migrations inside its own project: its repository, else the working
/// folder when lint.toml is inside it (a checkout without `.git`, such as a build context), else its own folder.
/// `migrations = "../other-repo"` would otherwise print another checkout's SQL in this one's CI. Paths that do not
/// exist are left to discovery, which reports them.
fn migrations_inside_project(
    migrations: &[PathBuf],
    path: &Path,
    text: &str,
) -> Result<(), String> {
    let Some(folder) = path
        .parent()
        .map(|p| {
            if p.as_os_str().is_empty() {
                Path::new(".")
            } else {
                p
            }
        })
        .and_then(|p| p.canonicalize().ok())
    else {
        return Ok(());
    };
    let working = std::env::current_dir().and_then(|d| d.canonicalize()).ok();
    let project = repository_of(&folder)
        .or_else(|| working.filter(|w| folder.starts_with(w)))
        .unwrap_or(folder);
    for configured in migrations {
        let Ok(resolved) = configured.canonicalize() else {
            continue;
        };
        if !resolved.starts_with(&project) {
            let line = line_of(text, "migrations")
                .map(|l| format!(":{l}"))
                .unwrap_or_default();
            return Err(format!(
                "{}{line}: migrations path {} is {}, outside the project ({}); not searched",
                path.display(),
                configured.display(),
                resolved.display(),
                project.display()
            ));
        }
    }
    Ok(())
}

pub fn parse(text: &str, path: &Path) -> Result<Config, String> {
    let file: ConfigFile = toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
        let at = line.map(|l| format!(":{l}")).unwrap_or_default();
        format!("{}{at}: {}", path.display(), e.message())
    })?;
    let mut severities = HashMap::new();
    for (id, level) in &file.rules {
        if !RULES.iter().any(|r| r.id == id) {
            let hint = closest_rule(id)
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            let line = line_of(text, id)
                .map(|l| format!(":{l}"))
                .unwrap_or_default();
            return Err(format!(
                "{}{line}: unknown rule `{id}` in [rules]{hint}",
                path.display()
            ));
        }
        let severity = match level {
            Level::Error => Some(Severity::Error),
            Level::Warning => Some(Severity::Warning),
            Level::Info => Some(Severity::Info),
            Level::Off => None,
        };
        severities.insert(id.clone(), severity);
    }
    let prisma_version = match &file.prisma_version {
        None => None,
        Some(v) => Some(parse_version(v).ok_or_else(|| {
            let line = line_of(text, "prisma_version")
                .map(|l| format!(":{l}"))
                .unwrap_or_default();
            format!(
                "{}{line}: prisma_version `{v}` is not a version like \"6.1.0\"",
                path.display()
            )
        })?),
    };
    let max_lock_timeout_ms = match &file.max_lock_timeout {
        None => Settings::default().max_lock_timeout_ms,
        Some(v) => duration_ms(v).ok_or_else(|| {
            let line = line_of(text, "max_lock_timeout")
                .map(|l| format!(":{l}"))
                .unwrap_or_default();
            format!(
                "{}{line}: max_lock_timeout `{v}` is not a duration like \"10s\"",
                path.display()
            )
        })?,
    };
    let mut ignores = Vec::new();
    for entry in &file.ignore {
        let at = line_of(text, &format!("migration = \"{}\"", entry.migration))
            .map(|l| format!(":{l}"))
            .unwrap_or_default();
        if !RULES.iter().any(|r| r.id == entry.rule) {
            let hint = closest_rule(&entry.rule)
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            return Err(format!(
                "{}{at}: unknown rule `{}` in [[ignore]]{hint}",
                path.display(),
                entry.rule
            ));
        }
        let reason = entry.reason.as_deref().map(str::trim).unwrap_or("");
        if reason.is_empty() {
            return Err(format!(
                "{}{at}: [[ignore]] for `{}` in {} needs a `reason`: say why the finding is accepted",
                path.display(),
                entry.rule,
                entry.migration
            ));
        }
        ignores.push(IgnoreEntry {
            migration: entry.migration.clone(),
            rule: entry.rule.clone(),
            reason: reason.to_string(),
        });
    }
    if let Some(version) = file.postgres_version {
        check_postgres_version(version).map_err(|e| {
            let line = line_of(text, "postgres_version")
                .map(|l| format!(":{l}"))
                .unwrap_or_default();
            format!("{}{line}: {e}", path.display())
        })?;
    }
    let base = path.parent().unwrap_or(Path::new("."));
    let migrations = match file.migrations {
        None => Vec::new(),
        Some(OneOrMany::One(p)) => vec![base.join(p)],
        Some(OneOrMany::Many(ps)) => ps.into_iter().map(|p| base.join(p)).collect(),
    };
    Ok(Config {
        path: Some(path.to_path_buf()),
        migrations,
        base: file.base,
        settings: Settings {
            postgres_version: file.postgres_version.unwrap_or(15),
            severities,
            prisma_version,
            ignores,
            max_lock_timeout_ms,
        },
    })
}

/// `7`, `7.4`, `7.4.1` (a pre-release suffix such as `-dev.3` is ignored).
pub fn parse_version(text: &str) -> Option<(u32, u32, u32)> {
    let core = text.trim().split(['-', '+']).next()?;
    let mut parts = core.split('.').map(|p| p.parse::<u32>());
    let major = parts.next()?.ok()?;
    let minor = parts.next().transpose().ok()?.unwrap_or(0);
    let patch = parts.next().transpose().ok()?.unwrap_or(0);
    parts.next().is_none().then_some((major, minor, patch))
}

fn line_of(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            let l = l.trim_start();
            l.starts_with(key) || l.starts_with(&format!("\"{key}\""))
        })
        .map(|i| i + 1)
}

/// The registered rule id nearest to a misspelt one, if any is close.
pub fn closest_rule(id: &str) -> Option<&'static str> {
    RULES
        .iter()
        .map(|r| (edit_distance(id, r.id), r.id))
        .filter(|(d, _)| *d <= 3.max(id.len() / 3))
        .min()
        .map(|(_, r)| r)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = if ca == *cb {
                previous
            } else {
                1 + previous.min(row[j]).min(row[j + 1])
            };
            previous = current;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Config, String> {
        parse(text, Path::new("cfg/lint.toml"))
    }

    #[test]
    fn full_config_resolves_paths_and_levels() {
        let c = parse_str(
            "migrations = \"prisma/migrations\"\npostgres_version = 11\n[rules]\ndrop-column = \"warning\"\nset-not-null = \"off\"\n",
        )
        .unwrap();
        assert_eq!(c.migrations, vec![PathBuf::from("cfg/prisma/migrations")]);
        assert_eq!(c.settings.postgres_version, 11);
        assert_eq!(
            c.settings.severities.get("drop-column"),
            Some(&Some(Severity::Warning))
        );
        assert_eq!(c.settings.severities.get("set-not-null"), Some(&None));
    }

    #[test]
    fn unknown_key_names_key_file_and_line() {
        let e = parse_str("postgres_version = 15\nmigratons = \"x\"\n").unwrap_err();
        assert!(e.starts_with("cfg/lint.toml:2:"), "{e}");
        assert!(e.contains("migratons"), "{e}");
    }

    /// #18: a wrong type names what is expected, not serde's "untagged enum OneOrMany".
    #[test]
    fn migrations_of_the_wrong_type_says_what_is_expected() {
        let e = parse_str("migrations = 5\n").unwrap_err();
        assert!(e.contains("expected a path or a list of paths"), "{e}");
        assert!(!e.contains("OneOrMany"), "{e}");
    }

    /// #18: a PostgreSQL version no rule knows is refused, with the supported range.
    #[test]
    fn postgres_version_out_of_range_is_refused_with_the_range() {
        for bad in ["0", "8", "99"] {
            let e = parse_str(&format!("postgres_version = {bad}\n")).unwrap_err();
            assert!(e.contains("cfg/lint.toml:1"), "{e}");
            assert!(e.contains("9 to 18"), "{e}");
        }
        assert_eq!(
            parse_str("postgres_version = 9\n")
                .unwrap()
                .settings
                .postgres_version,
            9
        );
    }

    #[test]
    fn unknown_rule_suggests_the_nearest() {
        let e = parse_str("[rules]\ndrop-colum = \"off\"\n").unwrap_err();
        assert!(e.contains("cfg/lint.toml:2"), "{e}");
        assert!(e.contains("did you mean `drop-column`"), "{e}");
    }

    #[test]
    fn base_ref_is_read() {
        let c = parse_str("base = \"origin/main\"\n").unwrap();
        assert_eq!(c.base.as_deref(), Some("origin/main"));
        assert_eq!(parse_str("").unwrap().base, None);
    }

    #[test]
    fn prisma_version_and_ignores_are_read() {
        let c = parse_str(
            "prisma_version = \"6.1.0\"\n[[ignore]]\nmigration = \"20240101_init\"\nrule = \"drop-table\"\nreason = \"table was empty\"\n",
        )
        .unwrap();
        assert_eq!(c.settings.prisma_version, Some((6, 1, 0)));
        assert!(c.settings.file_is_one_transaction());
        assert_eq!(c.settings.ignores.len(), 1);
        assert_eq!(c.settings.ignores[0].migration, "20240101_init");
        let newer = parse_str("prisma_version = \"7.4\"\n").unwrap();
        assert!(!newer.settings.file_is_one_transaction());
    }

    #[test]
    fn ignore_without_reason_or_with_unknown_rule_is_an_error() {
        let e = parse_str("[[ignore]]\nmigration = \"m1\"\nrule = \"drop-table\"\n").unwrap_err();
        assert!(e.contains("cfg/lint.toml:2") && e.contains("reason"), "{e}");
        let e =
            parse_str("[[ignore]]\nmigration = \"m1\"\nrule = \"drop-tabel\"\nreason = \"x\"\n")
                .unwrap_err();
        assert!(e.contains("did you mean `drop-table`"), "{e}");
        assert!(parse_str("prisma_version = \"six\"\n").is_err());
    }

    #[test]
    fn versions_parse() {
        assert_eq!(parse_version("7"), Some((7, 0, 0)));
        assert_eq!(parse_version("7.4.0-dev.12"), Some((7, 4, 0)));
        assert_eq!(parse_version("x.1"), None);
        assert_eq!(parse_version("1.2.3.4"), None);
    }

    #[test]
    fn bad_level_is_an_error() {
        assert!(parse_str("[rules]\ndrop-column = \"loud\"\n").is_err());
    }
}
