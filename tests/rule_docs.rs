//! Every rule's page runs: its bad example must produce exactly that rule's finding, its good example none.
//!
//! Code blocks: ```` ```sql setup ```` is an earlier migration, ```` ```sql ```` the migration under test. For the rules
//! about applied history, the setup counts as applied, and ```` ```sql applied ```` / ```` ```sql failed ```` give the
//! content the migration under test was recorded with, ```` ```sql later ```` an applied migration sorting after it.

use std::sync::Arc;

use migrate_lint::input::applied::{AppliedSet, AppliedSource, AppliedState};

mod common;

use common::{example, Example};
use migrate_lint::drift::FoundSchema;
use migrate_lint::engine::lint::lint_history;
use migrate_lint::input::prisma_schema::Schema;
use migrate_lint::rules::diagnostic::Severity;
use migrate_lint::rules::settings::Settings;
use migrate_lint::rules::{Category, Rule, RULES};
use migrate_lint::syntax::source::SourceFile;

/// Lints the example with its applied history, the default settings plus `rule` turned on (opt-in rules are off by
/// default).
fn lint_messages(rule: &Rule, ex: &Example) -> Vec<(&'static str, Severity, String)> {
    let file = |name: &str, text: &str| {
        SourceFile::new(name.into(), name.into(), name.into(), text.to_string())
    };
    let mut files = vec![file("0_setup", &ex.setup), file("1_example", &ex.migration)];
    let mut applied = vec![("0_setup".to_string(), ex.setup.clone())];
    if !ex.applied.is_empty() {
        applied.push(("1_example".into(), ex.applied.clone()));
    }
    if !ex.later.is_empty() {
        files.push(file("2_later", &ex.later));
        applied.push(("2_later".into(), ex.later.clone()));
    }
    let mut source = AppliedSource::from_texts("the page's history".into(), applied);
    if !ex.failed.is_empty() {
        let mut failed =
            AppliedSource::from_texts("".into(), vec![("1_example".into(), ex.failed.clone())]);
        failed.migrations[0].state = AppliedState::Failed {
            started_at: "2024-01-01 00:00:00+00".into(),
        };
        source.migrations.extend(failed.migrations);
    }
    let mut settings = Settings {
        applied: Some(Arc::new(AppliedSet {
            sources: vec![source],
        })),
        ..Settings::default()
    };
    settings
        .severities
        .insert(rule.id.to_string(), Some(rule.default_severity));
    if !ex.schema.is_empty() {
        let path = std::path::Path::new("schema.prisma");
        settings.schema = Some(Arc::new(FoundSchema {
            schema: Schema::parse_str(&ex.schema, path),
            sources: vec![file("schema.prisma", &ex.schema)],
        }));
    }
    let report: Vec<bool> = (0..files.len()).map(|i| i == 1).collect();
    lint_history(&files, &report, &settings)
        .diagnostics
        .into_iter()
        .map(|d| (d.rule, d.severity, d.message))
        .collect()
}

fn lint(rule: &Rule, ex: &Example) -> Vec<(&'static str, Severity)> {
    lint_messages(rule, ex)
        .into_iter()
        .map(|(id, severity, _)| (id, severity))
        .collect()
}

#[test]
fn every_rule_has_a_page_titled_with_its_id_and_severity() {
    for rule in RULES {
        assert!(
            rule.doc.starts_with(&format!("# {}\n", rule.id)),
            "rules/{}.md must start with its id",
            rule.id
        );
        let severity = format!("**Severity:** {}", rule.default_severity);
        assert!(
            rule.doc.contains(&severity),
            "{}: page says another severity",
            rule.id
        );
        for section in ["## What it does", "## Bad", "## Good", "## Fix"] {
            assert!(rule.doc.contains(section), "{}: missing {section}", rule.id);
        }
    }
}

#[test]
fn bad_examples_produce_exactly_their_rule() {
    let mut failures = Vec::new();
    for rule in RULES {
        let found = lint(rule, &example(rule.doc, "Bad"));
        if found.is_empty() {
            failures.push(format!("{}: bad example produced nothing", rule.id));
        }
        for (id, _) in &found {
            if *id != rule.id {
                failures.push(format!("{}: bad example also produced {id}", rule.id));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn good_examples_produce_nothing() {
    let failures: Vec<String> = RULES
        .iter()
        .filter_map(|rule| {
            let found = lint(rule, &example(rule.doc, "Good"));
            (!found.is_empty()).then(|| format!("{}: good example produced {found:?}", rule.id))
        })
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Lock rules say which lock, on which table, and what it blocks (`LockMode::describe`). The two core lock rules
/// predate that wording and spell it out in their own words.
#[test]
fn lock_rule_messages_name_mode_table_and_what_is_blocked() {
    for rule in RULES
        .iter()
        .filter(|r| r.category == Category::Locking)
        .filter(|r| !["set-not-null", "fk-without-index"].contains(&r.id))
    {
        for (_, _, message) in lint_messages(rule, &example(rule.doc, "Bad")) {
            assert!(
                message.contains(" lock on \"") && message.contains("(it blocks "),
                "{}: {message}",
                rule.id
            );
        }
    }
}
