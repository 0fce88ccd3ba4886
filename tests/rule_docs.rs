//! Every rule's page runs: its bad example must produce exactly that rule's finding, its good example none.

use migrate_lint::diagnostic::Severity;
use migrate_lint::lint::lint_history;
use migrate_lint::rules::{Category, Rule, RULES};
use migrate_lint::settings::Settings;
use migrate_lint::source::SourceFile;

/// The `sql setup` (earlier migration) and `sql` (migration under test) blocks of one section of a page.
fn example(doc: &str, section: &str) -> (String, String) {
    let start = doc
        .find(&format!("## {section}\n"))
        .unwrap_or_else(|| panic!("no `## {section}` section"));
    let body = &doc[start + section.len() + 4..];
    let body = &body[..body.find("\n## ").unwrap_or(body.len())];
    let (mut setup, mut migration) = (String::new(), String::new());
    let mut rest = body;
    while let Some(open) = rest.find("```sql") {
        let after = &rest[open + 6..];
        let (info, code) = after.split_once('\n').expect("code block");
        let end = code.find("```").expect("closed code block");
        match info.trim() {
            "setup" => setup.push_str(&code[..end]),
            "" => migration.push_str(&code[..end]),
            other => panic!("unknown code block tag `{other}`"),
        }
        rest = &code[end + 3..];
    }
    assert!(!migration.is_empty(), "`## {section}` has no ```sql block");
    (setup, migration)
}

/// Lints with the default settings plus `rule` turned on (opt-in rules are off by default).
fn lint(rule: &Rule, setup: &str, migration: &str) -> Vec<(&'static str, Severity)> {
    lint_messages(rule, setup, migration)
        .into_iter()
        .map(|(id, severity, _)| (id, severity))
        .collect()
}

fn lint_messages(
    rule: &Rule,
    setup: &str,
    migration: &str,
) -> Vec<(&'static str, Severity, String)> {
    let file = |name: &str, text: &str| {
        SourceFile::new(name.into(), name.into(), name.into(), text.to_string())
    };
    let files = [file("0_setup", setup), file("1_example", migration)];
    let mut settings = Settings::default();
    settings
        .severities
        .insert(rule.id.to_string(), Some(rule.default_severity));
    lint_history(&files, &[false, true], &settings)
        .diagnostics
        .into_iter()
        .map(|d| (d.rule, d.severity, d.message))
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
        let (setup, migration) = example(rule.doc, "Bad");
        let found = lint(rule, &setup, &migration);
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
            let (setup, migration) = example(rule.doc, "Good");
            let found = lint(rule, &setup, &migration);
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
        let (setup, migration) = example(rule.doc, "Bad");
        for (_, _, message) in lint_messages(rule, &setup, &migration) {
            assert!(
                message.contains(" lock on \"") && message.contains("(it blocks "),
                "{}: {message}",
                rule.id
            );
        }
    }
}
