//! The subcommands besides linting: `explain <rule>` and `init`.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;

use crate::input::discover::find_roots;
use crate::rules::config::{closest_rule, FILE_NAME};
use crate::rules::{self, RULES};

/// The rule's page for a reader, or an error suggesting the nearest id: the examples without the markup the tests
/// read, and what `--fix` does.
pub fn explain(id: &str) -> Result<String, String> {
    match rules::find(id) {
        Some(rule) => Ok(format!(
            "{}\n\n## What --fix does\n{}\n",
            readable_examples(rule.doc).trim_end(),
            what_fix_does(rule.id)
        )),
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

/// The page's examples as one SQL block each: the test markup (```` ```sql setup ```` and the like, the history the
/// example runs after) becomes a comment line inside the block.
fn readable_examples(doc: &str) -> String {
    let lines: Vec<&str> = doc.lines().collect();
    let mut out = String::new();
    let mut in_labeled = false;
    let mut i = 0;
    while i < lines.len() {
        let label = match lines[i].trim_end() {
            "```sql setup" => Some("-- earlier migrations (already applied):"),
            "```sql applied" => Some("-- this migration as it was applied:"),
            "```sql failed" => Some("-- this migration as its failed attempt recorded it:"),
            "```sql later" => Some("-- an applied migration that sorts after this one:"),
            _ => None,
        };
        match label {
            Some(label) => {
                in_labeled = true;
                out += "```sql\n";
                out += label;
                out += "\n";
            }
            // A block closing right before the next one's opening: the two read as one.
            None if lines[i] == "```" && in_labeled => {
                in_labeled = false;
                if lines.get(i + 1).is_some_and(|l| l.trim_end() == "```sql") {
                    out += "-- this migration:\n";
                    i += 2;
                    continue;
                }
                out += "```\n";
            }
            None => {
                out += lines[i];
                out += "\n";
            }
        }
        i += 1;
    }
    out
}

/// What `--fix` writes for a rule's findings (tests/fix.rs proves these plans with Prisma).
fn what_fix_does(rule: &str) -> &'static str {
    match rule {
        "drop-column" => "Keeps the column: the DROP COLUMN leaves the migration, the field goes back into schema.prisma with \
            `@ignore` (optional, and the column made nullable, when it had no default), and the DROP is printed as a step of \
            a later release, once no running code reads it.",
        "drop-table" => "Keeps the table: the DROP TABLE leaves the migration, the model goes back into schema.prisma with \
            `@@ignore` (without its relation fields), and the DROP is printed as a step of a later release.",
        "rename-without-map" => "Keeps the data: the field gets `@map(\"old\")` (a model `@@map(\"Old\")`), and everything \
            Prisma wrote for the rename leaves the migration: the DROP and ADD, or the whole block of a table (its foreign-key \
            drops, table, indexes and constraints).",
        "not-null-without-default" => "Adds a constant `DEFAULT` to the ADD COLUMN and the same `@default(...)` to the field.",
        "set-not-null" => "Takes the SET NOT NULL out and leaves the field optional; prints the later release: a batched \
            backfill script, then NOT VALID check, VALIDATE, SET NOT NULL.",
        "change-column-type" => "Expand and contract: a new column of the new type now (the field keeps its old type, a \
            new optional field maps to the new column), then a batched backfill script and the switch in later releases; \
            the same for Prisma's DROP COLUMN and ADD COLUMN of the column. Prisma's enum value removal leaves the \
            migration whole, and the schema keeps the value until the rows move.",
        "unique-constraint-locks" => "Builds the unique index with CREATE UNIQUE INDEX CONCURRENTLY, alone in a migration \
            folder of its own; an inline ADD COLUMN ... UNIQUE adds the column without it first. In a Prisma project the \
            index is the key, as Prisma writes @unique (its DROP INDEX for a removed @unique fails on an index a \
            constraint owns); otherwise, or where a migration drops the name as a constraint, the next folder attaches \
            it with ADD CONSTRAINT ... UNIQUE USING INDEX (an instant).",
        "primary-key-locks" => "Builds the key's index CONCURRENTLY, alone in a migration folder of its own, then attaches \
            it with ADD CONSTRAINT ... PRIMARY KEY USING INDEX. When a key column may hold NULL, the key waits for a later \
            release (the fields stay optional and the id leaves schema.prisma): a batched backfill script, then a NOT VALID \
            check, VALIDATE, SET NOT NULL (no scan), the index CONCURRENTLY and USING INDEX, printed, never written.",
        "create-index-non-concurrently" => "Builds the index CONCURRENTLY, alone in a migration folder of its own.",
        "drop-index-non-concurrently" => "Drops the index CONCURRENTLY, alone in a migration folder of its own.",
        "constraint-not-valid" => "Adds the constraint NOT VALID, and VALIDATEs it in a migration folder of its own after \
            the others.",
        "fk-without-index" => "Adds the index (CONCURRENTLY and alone in its folder on an existing table) and `@@index` \
            to the model.",
        "enum-value-in-transaction" => "Puts ALTER TYPE ... ADD VALUE alone in a migration folder before the statements \
            that use the value.",
        "long-lock-chain" => "Starts a new migration folder (a transaction of its own) at the slow statement, so the \
            earlier ACCESS EXCLUSIVE lock is released before it runs; inside an explicit BEGIN/COMMIT it is not fixed.",
        "transaction-control-in-migration" => "Takes BEGIN, COMMIT and ROLLBACK out of the file, which then runs as the one \
            transaction Prisma gives it.",
        "missing-lock-timeout" => "Starts every migration folder it writes that locks an existing table with \
            `SET lock_timeout = '5s';`, once.",
        _ => "Nothing automatic: the finding stays, and the plan lists it as not fixed.",
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
    // A folder that cannot be searched only leaves `migrations` commented out.
    let search = find_roots(dir);
    let found = match search.roots.as_slice() {
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

# Where the migrations are, relative to this file and inside its project: one path or a list. Without it,
# migrate-lint lints the paths given on the command line, else every Prisma migrations folder below the current
# directory.
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
