//! The subcommands besides linting: `explain <rule>` and `init`.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;

use crate::input::discover::find_roots;
use crate::rules::config::{closest_rule, FILE_NAME};
use crate::rules::{self, RULES};

/// The rule's page, or an error suggesting the nearest id.
pub fn explain(id: &str) -> Result<&'static str, String> {
    match rules::find(id) {
        Some(rule) => Ok(rule.doc),
        None => {
            let hint = closest_rule(id)
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            Err(format!(
                "unknown rule `{id}`{hint}; `migrate-lint rules` lists them"
            ))
        }
    }
}

/// Writes a commented `lint.toml` into `dir`, never over an existing one. Returns the path written.
pub fn init(dir: &Path) -> Result<std::path::PathBuf, String> {
    let path = dir.join(FILE_NAME);
    let text = init_template(dir);
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => format!(
                "{}: already exists; not overwriting it (edit it, or delete it and run init again)",
                path.display()
            ),
            _ => format!("{}: cannot create: {e}", path.display()),
        })?;
    file.write_all(text.as_bytes())
        .map_err(|e| format!("{}: cannot write: {e}", path.display()))?;
    Ok(path)
}

/// The `lint.toml` that `init` writes: every setting, explained; `migrations` filled in when exactly one Prisma
/// migrations folder is found below `dir`.
pub fn init_template(dir: &Path) -> String {
    let roots = find_roots(dir);
    let found = match roots.as_slice() {
        [root] => root
            .strip_prefix(dir)
            .ok()
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .filter(|p| !p.is_empty()),
        _ => None,
    };
    let migrations = match found {
        Some(p) => format!("migrations = {}", toml_string(&p)),
        None => "# migrations = \"prisma/migrations\"".to_string(),
    };
    let mut rules = String::new();
    for rule in RULES {
        if rule.enabled_by_default {
            rules.push_str(&format!(
                "# {} = \"{}\"\n",
                rule.id,
                rule.default_severity.as_str()
            ));
        } else {
            // Opt-in rules are off until a severity is set.
            rules.push_str(&format!(
                "# {} = \"off\"  # opt-in: \"{}\" turns it on\n",
                rule.id,
                rule.default_severity.as_str()
            ));
        }
    }
    format!(
        "# migrate-lint configuration, written by `migrate-lint init`.
# migrate-lint reads the nearest lint.toml in the current folder or above; `--config PATH` picks another.
# Unknown keys are errors, so a typo never silently disables a check.

# Where the migrations are, relative to this file: one path or a list. Without it, migrate-lint lints the paths
# given on the command line, else every Prisma migrations folder below the current directory.
{migrations}

# Major version of the PostgreSQL you deploy to. Some verdicts changed in 11 and 12. Default: 15.
postgres_version = 15

# Git ref whose migrations count as applied, for edited-applied-migration and migration-out-of-order
# (`--base REF` overrides it). Unset: those rules need `--base` or `--database-url` to run.
# base = \"origin/main\"

# The Prisma version that applies the migrations. Before 7.4 Prisma sends a multi-statement migration.sql as one
# transaction, so CONCURRENTLY fails there and locks are held until the file ends. Without it, migrate-lint assumes
# that older behaviour. `--prisma-version` overrides it.
# prisma_version = \"6.1.0\"

# A `SET lock_timeout` longer than this is as good as none for missing-lock-timeout. Default: \"10s\".
# max_lock_timeout = \"10s\"

# Per-rule severity: \"error\" (fails the run), \"warning\", \"info\" or \"off\".
# Each line below shows a rule's default; uncomment and change it to override.
# `migrate-lint explain <rule>` tells what a rule checks and why.
[rules]
{rules}"
    )
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}
