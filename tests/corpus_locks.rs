//! Acceptance on the real Prisma histories in ../shared/corpus (when present): no lock rule reports a lock on a table
//! that was created earlier in the same migration file. The check reads the table names from the findings' messages
//! and the CREATE TABLE operations from the file, independently of the rules' own bookkeeping.

use migrate_lint::engine::lint::analyze;
use migrate_lint::input::discover::discover_paths;
use migrate_lint::ops::OpKind;
use migrate_lint::rules::settings::Settings;
use migrate_lint::rules::{find, Category};
use migrate_lint::syntax::source::SourceFile;

mod support;

use support::lint::lint as lint_history;

/// `... lock on "A" and "B" (it blocks ...)` → [`"A"`, `"B"`].
fn locked_tables(message: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = message;
    while let Some(i) = rest.find(" lock on ") {
        rest = &rest[i + " lock on ".len()..];
        let end = rest.find(" (it blocks").unwrap_or(rest.len());
        out.extend(
            rest[..end]
                .split(" and ")
                .filter(|t| t.starts_with('"'))
                .map(str::to_string),
        );
    }
    out
}

#[test]
fn locked_table_names_are_read_from_messages() {
    assert_eq!(
        locked_tables("holding a SHARE ROW EXCLUSIVE lock on \"Post\" and \"a\".\"User\" (it blocks all writes)"),
        vec!["\"Post\"", "\"a\".\"User\""]
    );
}

#[test]
fn no_lock_finding_on_a_table_created_earlier_in_the_same_file() {
    let Some(root) = support::corpus::corpus_root() else {
        return;
    };
    let (histories, _) = discover_paths(std::slice::from_ref(&root));
    assert!(
        !histories.is_empty(),
        "no histories found in {}",
        root.display()
    );
    let mut checked = 0;
    let mut violations = Vec::new();
    for history in &histories {
        let files: Vec<SourceFile> = history
            .migrations
            .iter()
            .filter_map(|m| {
                let text = std::fs::read_to_string(&m.sql).ok()?;
                Some(SourceFile::new(
                    m.sql.clone(),
                    m.name.clone(),
                    m.name.clone(),
                    text,
                ))
            })
            .collect();
        let report = vec![true; files.len()];
        let result = lint_history(&files, &report, &Settings::default());
        for d in &result.diagnostics {
            let rule = find(d.rule).expect("registered rule");
            if rule.category != Category::Locking {
                continue;
            }
            let file = &files[d.file];
            let created_before: Vec<String> = analyze(file)
                .ops
                .iter()
                .filter(|op| op.span.start < d.span.start)
                .filter_map(|op| match &op.kind {
                    OpKind::CreateTable { table, .. } => Some(table.to_string()),
                    _ => None,
                })
                .collect();
            for table in locked_tables(&d.message) {
                checked += 1;
                if created_before.contains(&table) {
                    violations.push(format!("{} {}: {}", file.migration, d.rule, d.message));
                }
            }
        }
    }
    assert!(
        checked > 100,
        "expected many lock findings on the corpus, got {checked}"
    );
    assert!(violations.is_empty(), "{violations:#?}");
}
