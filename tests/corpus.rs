//! The real migration histories in ../shared/corpus: no crash, exit 0 or 1, every unparsed statement listed with
//! its location, and the number of unparsed statements per corpus never goes up.

use serde_json::Value;

mod support;
use support::corpus::corpus_root;

fn baseline() -> Vec<(String, u64)> {
    include_str!("corpus_unparsed.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (path, count) = l.rsplit_once(' ').expect("`<path> <count>`");
            (path.to_string(), count.parse().expect("a count"))
        })
        .collect()
}

#[test]
fn every_corpus_lints_cleanly_and_unparsed_counts_never_grow() {
    let Some(root) = corpus_root() else { return };
    let expected = baseline();
    for (history, allowed) in &expected {
        let dir = root.join(history);
        assert!(
            dir.is_dir(),
            "{history} listed in corpus_unparsed.txt but missing"
        );
        let out = support::run::command()
            .args(["--format", "json"])
            .arg(&dir)
            .output()
            .unwrap();
        let code = out.status.code();
        assert!(
            matches!(code, Some(0 | 1)),
            "{history}: exit {code:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        let unparsed: Vec<&Value> = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["rule"] == "unparsed-statement")
            .collect();
        assert_eq!(
            unparsed.len() as u64,
            report["summary"]["unparsed"].as_u64().unwrap()
        );
        for d in &unparsed {
            assert!(d["path"].as_str().unwrap().ends_with(".sql"));
            assert!(
                d["line"].as_u64().unwrap() >= 1 && d["end_line"].as_u64() >= d["line"].as_u64()
            );
        }
        let count = unparsed.len() as u64;
        println!("{history}: {count} unparsed (baseline {allowed})");
        assert!(
            count <= *allowed,
            "{history}: {count} unparsed statements, baseline {allowed}"
        );
    }
    let listed = |p: &str| expected.iter().any(|(h, _)| h == p);
    for entry in std::fs::read_dir(&root).unwrap().flatten() {
        for history in [entry.path().join("migrations")].into_iter().chain(
            std::fs::read_dir(entry.path())
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path().join("migrations")),
        ) {
            if history.is_dir() {
                let rel = history
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                assert!(listed(&rel), "{rel} is not in tests/corpus_unparsed.txt");
            }
        }
    }
}

/// Suggestions on real migrations hold up too: every statement they write is one statement the linter reads in
/// full. Statements a whole-migration rewrite carries over unchanged (a DO block) are the user's own.
#[test]
fn every_suggested_statement_on_the_corpus_parses() {
    let Some(root) = corpus_root() else { return };
    let mut checked = 0;
    let mut failures = Vec::new();
    for (history, _) in baseline() {
        let out = support::run::command()
            .args(["--format", "json", "--fix-suggestions"])
            .arg(root.join(&history))
            .output()
            .unwrap();
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut suggestions: Vec<(&Value, String)> = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                let path = d["path"].as_str().unwrap_or_default();
                (
                    &d["suggestion"],
                    std::fs::read_to_string(path).unwrap_or_default(),
                )
            })
            .collect();
        while let Some((s, original)) = suggestions.pop() {
            if s["alternative"].is_object() {
                suggestions.push((&s["alternative"], original.clone()));
            }
            for statement in s["sql"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|m| m.as_array().into_iter().flatten().filter_map(Value::as_str))
            {
                checked += 1;
                let parts = migrate_lint::syntax::split::split(statement).statements;
                let ok = parts.len() == 1 && {
                    let parsed = migrate_lint::syntax::parse::parse_statement(
                        statement,
                        parts.into_iter().next().unwrap(),
                    );
                    parsed.ast.is_ok()
                        || migrate_lint::ops::fully_recognized(statement, &parsed.tokens)
                };
                let carried_over = original.contains(statement.trim_end_matches(';'));
                if !ok && !carried_over {
                    failures.push(format!("{history}: {statement}"));
                }
            }
        }
    }
    assert!(checked > 0, "the corpus produced no suggested SQL");
    assert!(failures.is_empty(), "{failures:#?}");
}
