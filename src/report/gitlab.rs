//! GitLab Code Quality report: a JSON array of issues (the Code Climate subset GitLab reads), each with a
//! fingerprint that stays the same across runs so merge requests show only new findings.

use serde::Serialize;

use super::{uri_path, Report};
use crate::rules::diagnostic::Severity;
use crate::rules::{self, Category};

#[derive(Serialize)]
struct Issue<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    description: String,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    categories: [&'static str; 1],
    location: Location,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

pub fn render_gitlab(report: &Report) -> String {
    let issues: Vec<Issue> = report
        .shown_with_fingerprints()
        .map(|(d, file, fingerprint)| {
            let category = rules::find(d.rule).map(|r| r.category);
            Issue {
                kind: "issue",
                description: format!("{}: {}", d.rule, d.message),
                check_name: d.rule,
                fingerprint,
                severity: match d.severity {
                    Severity::Error => "critical",
                    Severity::Warning => "major",
                    Severity::Info => "info",
                },
                categories: [match category {
                    Some(Category::Locking) => "Performance",
                    Some(Category::Analysis) => "Clarity",
                    Some(Category::Style) => "Style",
                    Some(Category::Correctness) | None => "Bug Risk",
                }],
                location: Location {
                    path: uri_path(&file.display),
                    lines: Lines {
                        begin: file.line_col(d.span.start).0,
                        end: file.line_col(d.span.end).0,
                    },
                },
            }
        })
        .collect();
    serde_json::to_string_pretty(&issues).unwrap_or_else(|_| "[]".to_string())
}
