//! One JSON object for machines: diagnostics with 1-based positions, and a summary.

use std::io::{self, Write};

use serde::Serialize;

use super::Report;
use crate::fix::plan::MigrationPlan;
use crate::fix::Suggestion;
use crate::rules::diagnostic::{Diagnostic, Severity};

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    rule: &'a str,
    severity: Severity,
    path: &'a str,
    /// Positions are null for a file that is not on disk (an applied migration that was deleted).
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suggestion: Option<&'a Suggestion>,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    statements: usize,
    unparsed: usize,
    errors: usize,
    warnings: usize,
}

/// The whole report, as one value.
#[derive(Serialize)]
struct JsonReport<'a> {
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: Summary,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    input_errors: &'a [String],
    /// With `--fix-suggestions`: the plan of each migration not applied yet.
    #[serde(skip_serializing_if = "<[MigrationPlan]>::is_empty")]
    plans: &'a [MigrationPlan],
}

/// Writes the report as pretty JSON, then a newline.
pub fn write_json(report: &Report, out: &mut impl Write) -> io::Result<()> {
    write_json_with_plans(report, &[], out)
}

/// [`write_json`] with the plans of `--fix-suggestions` after the summary.
pub fn write_json_with_plans(
    report: &Report,
    plans: &[MigrationPlan],
    out: &mut impl Write,
) -> io::Result<()> {
    let whole = JsonReport {
        diagnostics: report
            .shown()
            .filter_map(|d| json_diagnostic(report, d))
            .collect(),
        summary: summary(report),
        input_errors: report.input_errors,
        plans,
    };
    serde_json::to_writer_pretty(&mut *out, &whole)?;
    out.write_all(b"\n")
}

fn json_diagnostic<'a>(report: &'a Report, d: &'a Diagnostic) -> Option<JsonDiagnostic<'a>> {
    let file = report.files.get(d.file)?;
    let position = |offset| (!file.missing).then(|| file.line_col(offset));
    let (line, column) = position(d.span.start).unzip();
    let (end_line, end_column) = position(d.span.end).unzip();
    Some(JsonDiagnostic {
        rule: d.rule,
        severity: d.severity,
        path: &file.display,
        line,
        column,
        end_line,
        end_column,
        message: &d.message,
        help: d.help.as_deref(),
        suggestion: d.suggestion.as_deref().filter(|_| report.suggestions),
    })
}

fn summary(report: &Report) -> Summary {
    Summary {
        files: report.reported_files,
        statements: report.statements,
        unparsed: report.unparsed,
        errors: report.count(Severity::Error),
        warnings: report.count(Severity::Warning),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::source::SourceFile;

    #[test]
    fn the_report_is_pretty_json_with_positions_null_for_a_missing_file() {
        let files = [
            SourceFile::new(
                "a".into(),
                "a.sql".into(),
                "a".into(),
                "SELECT\n  1;\n".into(),
            ),
            SourceFile::missing("b".into(), "b\".sql".into(), "b".into()),
        ];
        let diagnostic = |file, severity| Diagnostic {
            rule: "drop-column",
            severity,
            file,
            span: 3..9,
            message: "a \"quoted\"\nmessage".into(),
            help: (file == 0).then(|| "help".to_string()),
            suggestion: None,
        };
        let diagnostics = [
            diagnostic(0, Severity::Error),
            diagnostic(1, Severity::Warning),
        ];
        let errors = ["c.sql: cannot read".to_string()];
        let report = Report {
            files: &files,
            diagnostics: &diagnostics,
            statements: 3,
            unparsed: 1,
            reported_files: 2,
            input_errors: &errors,
            min_shown: Severity::Info,
            suggestions: false,
        };
        let mut written = Vec::new();
        write_json(&report, &mut written).unwrap();
        let expected = r#"{
  "diagnostics": [
    {
      "rule": "drop-column",
      "severity": "error",
      "path": "a.sql",
      "line": 1,
      "column": 4,
      "end_line": 2,
      "end_column": 3,
      "message": "a \"quoted\"\nmessage",
      "help": "help"
    },
    {
      "rule": "drop-column",
      "severity": "warning",
      "path": "b\".sql",
      "line": null,
      "column": null,
      "end_line": null,
      "end_column": null,
      "message": "a \"quoted\"\nmessage"
    }
  ],
  "summary": {
    "files": 2,
    "statements": 3,
    "unparsed": 1,
    "errors": 1,
    "warnings": 1
  },
  "input_errors": [
    "c.sql: cannot read"
  ]
}
"#;
        assert_eq!(String::from_utf8(written).unwrap(), expected);
    }
}
