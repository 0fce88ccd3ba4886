//! Every rule's page runs: its bad example must produce exactly that rule's finding, its good example none.
//!
//! Code blocks: ```` ```sql setup ```` is an earlier migration, ```` ```sql ```` the migration under test. For the rules
//! about applied history, the setup counts as applied, and ```` ```sql applied ```` / ```` ```sql failed ```` give the
//! content the migration under test was recorded with, ```` ```sql later ```` an applied migration sorting after it.

use std::sync::Arc;

use migrate_lint::applied::{AppliedSet, AppliedSource, AppliedState};

mod common;

use common::{example, Example};
use migrate_lint::diagnostic::Severity;
use migrate_lint::lint::lint_history;
use migrate_lint::rules::RULES;
use migrate_lint::settings::Settings;
use migrate_lint::source::SourceFile;

fn lint(ex: &Example) -> Vec<(&'static str, Severity)> {
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
    let settings = Settings {
        applied: Some(Arc::new(AppliedSet {
            sources: vec![source],
        })),
        ..Settings::default()
    };
    let report: Vec<bool> = (0..files.len()).map(|i| i == 1).collect();
    lint_history(&files, &report, &settings)
        .diagnostics
        .into_iter()
        .map(|d| (d.rule, d.severity))
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
    for rule in RULES {
        let found = lint(&example(rule.doc, "Bad"));
        assert!(
            !found.is_empty(),
            "{}: bad example produced nothing",
            rule.id
        );
        for (id, _) in &found {
            assert_eq!(*id, rule.id, "{}: bad example also produced {id}", rule.id);
        }
    }
}

#[test]
fn good_examples_produce_nothing() {
    for rule in RULES {
        let found = lint(&example(rule.doc, "Good"));
        assert!(
            found.is_empty(),
            "{}: good example produced {found:?}",
            rule.id
        );
    }
}
