//! One rule's example, for `tests/rules/<rule>.rs`: the history before it, the migration under test, what is already
//! applied and the settings; then `bad()` (every finding is this rule's; returns them rendered for the snapshot),
//! `good()` (none is this rule's), `clean()` (no finding of any rule) or `all_findings()` (rendered, for a case about
//! how this rule meets others).
//!
//! Files are named like a Prisma history so the rendered paths are stable: each `setup` is
//! `prisma/migrations/0_setup<n>/migration.sql` (replayed, not reported), each `migration` is `<n>_migration`
//! (reported), `later` is `8_later` and `deleted` is `9_deleted`.

use super::lint::{
    deleted_migration, lint_in, migration, render, settings_with, AppliedSet, AppliedSource,
    AppliedState, Diagnostic, Rule, RunState, Settings, SourceFile,
};

pub struct Case {
    rule: &'static Rule,
    setup: Vec<String>,
    migrations: Vec<String>,
    settings: Settings,
    applied: Option<Applied>,
    schema: Option<std::sync::Arc<migrate_lint::rules::drift::FoundSchema>>,
}

/// What a source of applied history (a git ref or a database) holds beyond the setup migrations.
#[derive(Default)]
struct Applied {
    in_database: bool,
    migration_as: Option<String>,
    failed_as: Option<String>,
    later: Option<String>,
    deleted: Option<String>,
}

impl Case {
    /// A case of the rule `id`, which is on at its default severity (even an opt-in style rule); other rules keep
    /// their defaults.
    pub fn new(id: &str) -> Case {
        let rule = super::lint::find(id).unwrap_or_else(|| panic!("no rule `{id}`"));
        let settings = settings_with(rule);
        Case {
            rule,
            setup: Vec::new(),
            migrations: Vec::new(),
            settings,
            applied: None,
            schema: None,
        }
    }

    /// An earlier migration: replayed into the catalog, not reported.
    pub fn setup(mut self, sql: &str) -> Case {
        self.setup.push(sql.to_string());
        self
    }

    /// A migration under test (several are linted in order, all reported).
    pub fn migration(mut self, sql: &str) -> Case {
        self.migrations.push(sql.to_string());
        self
    }

    /// The target PostgreSQL major version (default 15).
    pub fn postgres(mut self, major: u32) -> Case {
        self.settings.postgres_version = major;
        self
    }

    /// The Prisma version that applies the migrations (default: none configured).
    pub fn prisma(mut self, major: u32, minor: u32, patch: u32) -> Case {
        self.settings.prisma_version = Some((major, minor, patch));
        self
    }

    /// Any other setting (lint.toml `[[ignore]]`, severities, ...).
    pub fn settings(mut self, change: impl FnOnce(&mut Settings)) -> Case {
        change(&mut self.settings);
        self
    }

    /// The setup migrations are applied, as the git ref `origin/main` says (`--base origin/main`).
    pub fn applied_at_git_ref(mut self) -> Case {
        self.applied
            .get_or_insert_with(Applied::default)
            .in_database = false;
        self
    }

    /// The setup migrations are applied, as the `_prisma_migrations` table of a database says (`--database-url`):
    /// checksums only, no texts.
    pub fn applied_in_database(mut self) -> Case {
        self.applied
            .get_or_insert_with(Applied::default)
            .in_database = true;
        self
    }

    /// The first migration under test was applied with this content.
    pub fn applied_as(mut self, sql: &str) -> Case {
        self.applied
            .get_or_insert_with(Applied::default)
            .migration_as = Some(sql.to_string());
        self
    }

    /// The first migration under test was started with this content and never finished (a database row).
    pub fn failed_as(mut self, sql: &str) -> Case {
        let applied = self.applied.get_or_insert_with(Applied::default);
        applied.in_database = true;
        applied.failed_as = Some(sql.to_string());
        self
    }

    /// An applied migration that sorts after the migrations under test (`8_later`, on disk).
    pub fn later(mut self, sql: &str) -> Case {
        self.applied.get_or_insert_with(Applied::default).later = Some(sql.to_string());
        self
    }

    /// An applied migration (`9_deleted`) whose file is gone.
    pub fn deleted(mut self, sql: &str) -> Case {
        self.applied.get_or_insert_with(Applied::default).deleted = Some(sql.to_string());
        self
    }

    /// The schema.prisma beside the migrations (schema-drift compares the history with it).
    pub fn schema(mut self, text: &str) -> Case {
        let path = std::path::Path::new("prisma/schema.prisma");
        let source = SourceFile::new(
            path.into(),
            "prisma/schema.prisma".into(),
            "schema.prisma".into(),
            text.to_string(),
        );
        self.schema = Some(std::sync::Arc::new(
            migrate_lint::rules::drift::FoundSchema {
                schema: migrate_lint::input::prisma_schema::Schema::parse_str(text, path),
                sources: vec![source],
            },
        ));
        self
    }

    /// Every finding must be this rule's, and there must be one: returns them as the human format prints them.
    pub fn bad(self) -> String {
        let (files, found) = self.lint();
        let id = self.rule.id;
        let rendered = render(&files, &found);
        assert!(!found.is_empty(), "expected a {id} finding, found none");
        assert!(
            found.iter().all(|d| d.rule == id),
            "expected only {id} findings, found:\n{rendered}"
        );
        rendered
    }

    /// No finding may be this rule's (other rules may fire).
    pub fn good(self) {
        let (files, found) = self.lint();
        let id = self.rule.id;
        assert!(
            found.iter().all(|d| d.rule != id),
            "expected no {id} finding, found:\n{}",
            render(&files, &found)
        );
    }

    /// No finding at all, of any rule.
    pub fn clean(self) {
        let (files, found) = self.lint();
        assert!(
            found.is_empty(),
            "expected no finding, found:\n{}",
            render(&files, &found)
        );
    }

    /// Every finding, of any rule, for checks a snapshot cannot state (e.g. over every rule page).
    pub fn findings(self) -> Vec<Diagnostic> {
        self.lint().1
    }

    /// Every finding, of any rule, rendered: for a case about how this rule meets others.
    pub fn all_findings(self) -> String {
        let (files, found) = self.lint();
        render(&files, &found)
    }

    fn lint(&self) -> (Vec<SourceFile>, Vec<Diagnostic>) {
        assert!(
            !self.migrations.is_empty(),
            "a case needs a migration under test"
        );
        let mut files = Vec::new();
        let mut report = Vec::new();
        for (i, sql) in self.setup.iter().enumerate() {
            let n = if i == 0 {
                String::new()
            } else {
                (i + 1).to_string()
            };
            files.push(migration(&format!("0_setup{n}"), sql));
            report.push(false);
        }
        for (i, sql) in self.migrations.iter().enumerate() {
            files.push(migration(&format!("{}_migration", i + 1), sql));
            report.push(true);
        }
        let mut state = RunState {
            applied: None,
            schema: self.schema.clone(),
            keep_suggestions: false,
        };
        if let Some(applied) = &self.applied {
            let mut texts: Vec<(String, String)> = files
                .iter()
                .filter(|f| f.migration.starts_with("0_setup"))
                .map(|f| (f.migration.clone(), f.text.clone()))
                .collect();
            if let Some(sql) = &applied.migration_as {
                texts.push(("1_migration".into(), sql.clone()));
            }
            if let Some(sql) = &applied.later {
                files.push(migration("8_later", sql));
                report.push(false);
                texts.push(("8_later".into(), sql.clone()));
            }
            if let Some(sql) = &applied.deleted {
                files.push(deleted_migration("9_deleted"));
                report.push(true);
                texts.push(("9_deleted".into(), sql.clone()));
            }
            let label = if applied.in_database {
                "database postgres://db/app"
            } else {
                "git ref origin/main"
            };
            let mut source = AppliedSource::from_texts(label.into(), texts);
            if let Some(sql) = &applied.failed_as {
                let mut failed = AppliedSource::from_texts(
                    String::new(),
                    vec![("1_migration".into(), sql.clone())],
                );
                failed.migrations[0].state = AppliedState::Failed {
                    started_at: "2024-01-01 00:00:00+00".into(),
                };
                source.migrations.extend(failed.migrations);
            }
            if applied.in_database {
                // A database keeps checksums, not texts.
                for m in &mut source.migrations {
                    m.text = None;
                }
            }
            state.applied = Some(std::sync::Arc::new(AppliedSet {
                sources: vec![source],
            }));
        }
        let found = lint_in(&files, &report, &self.settings, &state).diagnostics;
        // schema-drift's findings on the schema point past the migrations, where the command line appends it.
        if let Some(schema) = &self.schema {
            files.extend(schema.sources.iter().cloned());
        }
        (files, found)
    }
}
