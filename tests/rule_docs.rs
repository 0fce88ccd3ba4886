//! Every rule's page runs: its bad example must produce exactly that rule's finding, its good example none.
//!
//! Code blocks: ```` ```sql setup ```` is an earlier migration, ```` ```sql ```` the migration under test. For the rules
//! about applied history, the setup counts as applied, and ```` ```sql applied ```` / ```` ```sql failed ```` give the
//! content the migration under test was recorded with, ```` ```sql later ```` an applied migration sorting after it.
//! ```` ```prisma ```` is the schema beside the migrations (schema-drift).

mod support;

use support::case::Case;
use support::lint::{Category, Rule, Severity, RULES};
use support::pages::{example, Example};

/// Lints the example with its applied history (the setup counts as applied), the default settings plus `rule` turned
/// on (opt-in rules are off by default).
fn lint_messages(rule: &Rule, ex: &Example) -> Vec<(&'static str, Severity, String)> {
    let mut case = Case::new(rule.id)
        .setup(&ex.setup)
        .migration(&ex.migration)
        .applied_at_git_ref();
    if !ex.applied.is_empty() {
        case = case.applied_as(&ex.applied);
    }
    if !ex.failed.is_empty() {
        case = case.failed_as(&ex.failed);
    }
    if !ex.later.is_empty() {
        case = case.later(&ex.later);
    }
    if !ex.schema.is_empty() {
        case = case.schema(&ex.schema);
    }
    case.findings()
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
