//! The labeled set: corpus findings judged by hand (tests/labeled/findings.tsv) and hazardous migrations that must be
//! found (tests/labeled/hazards.sql). Prints precision per rule and recall; fails when a labeled finding or hazard
//! changes verdict (re-judge it and update its row), and when an error rule keeps a labeled false finding.

mod support;

use std::collections::BTreeMap;
use std::path::Path;

use migrate_lint::rules::diagnostic::Severity;
use migrate_lint::rules::settings::Settings;
use migrate_lint::rules::{find, RULES};
use migrate_lint::syntax::source::SourceFile;
use support::lint::lint as lint_history;

struct Row {
    truly: bool,
    reported: bool,
    rule: String,
    migration: String,
    line: u64,
    says: String,
    reason: String,
}

fn rows() -> Vec<Row> {
    let text = include_str!("labeled/findings.tsv");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("verdict\t") && !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 7, "7 tab-separated fields: {l}");
            let row = Row {
                truly: match f[0] {
                    "true" => true,
                    "false" => false,
                    other => panic!("verdict must be true or false, not {other}: {l}"),
                },
                reported: match f[1] {
                    "reported" => true,
                    "gone" => false,
                    other => panic!("now must be reported or gone, not {other}: {l}"),
                },
                rule: f[2].to_string(),
                migration: f[3].to_string(),
                line: f[4].parse().expect("line number"),
                says: f[5].to_string(),
                reason: f[6].to_string(),
            };
            assert!(find(&row.rule).is_some(), "unknown rule {}", row.rule);
            assert!(row.reason.len() > 20, "a one-line reason: {l}");
            row
        })
        .collect()
}

/// `(rule, migration folder relative to the corpus, line, message)` of every finding on every corpus history.
fn corpus_findings(root: &Path) -> Vec<(String, String, u64, String)> {
    let root = &root.canonicalize().unwrap();
    let mut histories: Vec<_> = walk(root);
    histories.sort();
    let mut out = Vec::new();
    for migrations in histories {
        let run = support::run::command()
            .args(["--format", "json"])
            .arg(&migrations)
            .output()
            .unwrap();
        assert!(
            run.status.code().is_some_and(|c| c <= 1),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let report: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
        for d in report["diagnostics"].as_array().unwrap() {
            let path = Path::new(d["path"].as_str().unwrap());
            let folder = path
                .parent()
                .unwrap()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            out.push((
                d["rule"].as_str().unwrap().to_string(),
                folder,
                d["line"].as_u64().unwrap_or(0),
                d["message"].as_str().unwrap().to_string(),
            ));
        }
    }
    out
}

/// Every `migrations` folder below the corpus root.
fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if !path.is_dir() {
            continue;
        }
        if path.file_name().is_some_and(|n| n == "migrations") {
            found.push(path);
        } else {
            found.extend(walk(&path));
        }
    }
    found
}

struct Hazard {
    rule: String,
    found: bool,
    why: String,
    sql: String,
}

fn hazards() -> (String, Vec<Hazard>) {
    let text = include_str!("labeled/hazards.sql");
    let setup_start = text.find("-- setup\n").expect("a setup block") + "-- setup\n".len();
    let first = setup_start + text[setup_start..].find("-- hazard:").expect("hazards");
    let setup = text[setup_start..first].to_string();
    let mut out = Vec::new();
    for block in text[first..]
        .split("-- hazard:")
        .filter(|b| !b.trim().is_empty())
    {
        let (head, sql) = block.split_once('\n').expect("a header line");
        let f: Vec<&str> = head.split('|').map(str::trim).collect();
        assert_eq!(f.len(), 3, "`-- hazard: rule | found|missed | why`: {head}");
        assert!(find(f[0]).is_some(), "unknown rule {}", f[0]);
        out.push(Hazard {
            rule: f[0].to_string(),
            found: match f[1] {
                "found" => true,
                "missed" => false,
                other => panic!("found or missed, not {other}"),
            },
            why: f[2].to_string(),
            sql: sql.to_string(),
        });
    }
    (setup, out)
}

fn rules_found(setup: &str, sql: &str) -> Vec<&'static str> {
    let files = vec![
        SourceFile::new(
            "0_setup".into(),
            "0_setup".into(),
            "0_setup".into(),
            setup.to_string(),
        ),
        SourceFile::new(
            "1_hazard".into(),
            "1_hazard".into(),
            "1_hazard".into(),
            sql.to_string(),
        ),
    ];
    lint_history(&files, &[false, true], &Settings::default())
        .diagnostics
        .into_iter()
        .map(|d| d.rule)
        .collect()
}

fn is_error(rule: &str) -> bool {
    find(rule).is_some_and(|r| r.default_severity == Severity::Error)
}

#[test]
fn labeled_findings_keep_their_verdicts_and_error_rules_have_no_false_finding() {
    let rows = rows();
    assert!(
        rows.len() >= 200,
        "at least 200 labeled findings, not {}",
        rows.len()
    );
    let Some(root) = support::corpus::corpus_root() else {
        return;
    };
    let findings = corpus_findings(&root);
    let mut changed = Vec::new();
    // rule -> (labeled findings reported now that are true, all labeled findings reported now)
    let mut precision: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for row in &rows {
        let reported = findings.iter().any(|(rule, folder, line, message)| {
            *rule == row.rule
                && *folder == row.migration
                && *line == row.line
                && message.contains(&row.says)
        });
        if reported != row.reported {
            changed.push(format!(
                "{} {}:{} was {}, now {} (labeled {}: {})",
                row.rule,
                row.migration,
                row.line,
                if row.reported { "reported" } else { "gone" },
                if reported { "reported" } else { "gone" },
                row.truly,
                row.reason
            ));
        }
        let entry = precision.entry(row.rule.as_str()).or_default();
        if reported {
            entry.1 += 1;
            entry.0 += usize::from(row.truly);
        }
    }
    println!("precision per rule on the labeled corpus findings (true / reported):");
    for (rule, (truly, reported)) in &precision {
        let ratio = if *reported == 0 {
            1.0
        } else {
            *truly as f64 / *reported as f64
        };
        println!("  {rule:32} {truly:3} / {reported:3} = {ratio:.2}");
    }
    let true_rows = rows.iter().filter(|r| r.truly).count();
    let true_kept = rows.iter().filter(|r| r.truly && r.reported).count();
    println!("recall on labeled true findings: {true_kept} / {true_rows}");
    assert!(
        changed.is_empty(),
        "labeled findings changed verdict:\n{}",
        changed.join("\n")
    );

    let false_errors: Vec<_> = rows
        .iter()
        .filter(|r| !r.truly && r.reported && is_error(&r.rule))
        .map(|r| format!("{} {}:{}", r.rule, r.migration, r.line))
        .collect();
    assert!(
        false_errors.is_empty(),
        "error rules with a labeled false finding: {false_errors:?}"
    );
    // Every error rule that fires on the corpus has labeled findings.
    for (rule, ..) in &findings {
        if is_error(rule) {
            assert!(
                rows.iter().any(|r| r.rule == *rule),
                "no labeled finding of error rule {rule}"
            );
        }
    }
}

#[test]
fn labeled_hazards_are_found_as_recorded() {
    let (setup, hazards) = hazards();
    assert!(
        hazards.len() >= 50,
        "at least 50 hazards, not {}",
        hazards.len()
    );
    let mut changed = Vec::new();
    let mut per_rule: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for h in &hazards {
        let found = rules_found(&setup, &h.sql).contains(&h.rule.as_str());
        let entry = per_rule.entry(h.rule.as_str()).or_default();
        entry.1 += 1;
        entry.0 += usize::from(found);
        if found != h.found {
            changed.push(format!(
                "{} ({}) is now {}:\n{}",
                h.rule,
                h.why,
                if found { "found" } else { "missed" },
                h.sql
            ));
        }
    }
    let total: usize = per_rule.values().map(|v| v.1).sum();
    let found: usize = per_rule.values().map(|v| v.0).sum();
    println!("recall on labeled hazards: {found} / {total}");
    for (rule, (f, t)) in &per_rule {
        println!("  {rule:32} {f} / {t}");
    }
    assert!(
        changed.is_empty(),
        "hazards changed verdict (update their label):\n{}",
        changed.join("\n\n")
    );
    // Every error rule a migration file can trigger is exercised (the applied-history rules need a database,
    // schema-drift a schema.prisma: tests/schema_drift.rs and tests/schema_drift_corpus.rs hold its hazards).
    let needs_history = [
        "edited-applied-migration",
        "failed-migration",
        "ignore-without-reason",
        "schema-drift",
    ];
    for rule in RULES
        .iter()
        .filter(|r| r.default_severity == Severity::Error && !needs_history.contains(&r.id))
    {
        assert!(
            hazards.iter().any(|h| h.rule == rule.id),
            "no hazard for error rule {}",
            rule.id
        );
    }
}
