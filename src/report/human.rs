//! Terminal output with source snippets, via codespan-reporting.

use std::io::{self, Write};

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, termcolor};

use super::Report;
use crate::diagnostic::Severity;

/// Writes the report; colour only when `color` is true (the caller checks for a terminal and NO_COLOR).
pub fn render_human(report: &Report, color: bool) -> io::Result<()> {
    let mut files = SimpleFiles::new();
    let ids: Vec<usize> = report
        .files
        .iter()
        .map(|f| files.add(f.display.clone(), f.text.clone()))
        .collect();
    let config = term::Config::default();
    let choice = if color {
        termcolor::ColorChoice::Auto
    } else {
        termcolor::ColorChoice::Never
    };
    let mut stdout = termcolor::StandardStream::stdout(choice);
    for d in report.diagnostics {
        let Some(&file_id) = ids.get(d.file) else {
            continue;
        };
        let base = match d.severity {
            Severity::Error => CsDiagnostic::error(),
            Severity::Warning => CsDiagnostic::warning(),
            Severity::Info => CsDiagnostic::note(),
        };
        let file = &report.files[d.file];
        let mut notes = Vec::new();
        let mut diagnostic = base.with_code(d.rule).with_message(&d.message);
        if file.missing {
            // Nothing on disk to show a snippet of: name the path instead.
            notes.push(format!("at {} (not on disk)", file.display));
        } else {
            diagnostic = diagnostic.with_labels(vec![Label::primary(file_id, d.span.clone())]);
        }
        if let Some(help) = &d.help {
            notes.push(format!("help: {help}"));
        }
        diagnostic = diagnostic.with_notes(notes);
        term::emit_to_write_style(&mut stdout, &config, &files, &diagnostic)
            .map_err(|e| io::Error::other(e.to_string()))?;
    }
    let errors = report.count(Severity::Error);
    let warnings = report.count(Severity::Warning);
    let infos = report.count(Severity::Info);
    writeln!(
        stdout,
        "{} error{}, {} warning{}, {} info in {} file{} ({} statements, {} not parsed)",
        errors,
        plural(errors),
        warnings,
        plural(warnings),
        infos,
        report.reported_files,
        plural(report.reported_files),
        report.statements,
        report.unparsed,
    )?;
    stdout.flush()
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
