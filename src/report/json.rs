//! One JSON object for machines: diagnostics with 1-based positions, and a summary.

use std::io::{self, Write};

use serde::Serialize;

use super::Report;
use crate::diagnostic::Severity;
use crate::suggestion::Suggestion;

#[derive(Serialize)]
struct JsonReport<'a> {
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: Summary,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    input_errors: &'a [String],
}

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

/// Streams the report (a corpus's report is megabytes: no need to hold it all), then a newline.
pub fn write_json(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let diagnostics = report
        .shown()
        .filter_map(|d| {
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
        })
        .collect();
    let report = JsonReport {
        diagnostics,
        summary: Summary {
            files: report.reported_files,
            statements: report.statements,
            unparsed: report.unparsed,
            errors: report.count(Severity::Error),
            warnings: report.count(Severity::Warning),
        },
        input_errors: report.input_errors,
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    out.write_all(b"\n")
}
