//! Terminal output with source snippets, via codespan-reporting.

use std::io::{self, Write};

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::term;
use codespan_reporting::term::termcolor::{self, WriteColor};

use super::excerpt::{shown_text, Excerpt};
use super::{escape_controls, escape_controls_but_lines, Report};
use crate::fix::{EditAction, Placement, Suggestion};
use crate::rules::diagnostic::Severity;

/// Writes the report; colour only when `color` is true (the caller checks for a terminal and NO_COLOR).
pub fn render_human(report: &Report, color: bool) -> io::Result<()> {
    let choice = if color {
        termcolor::ColorChoice::Auto
    } else {
        termcolor::ColorChoice::Never
    };
    // Buffered: thousands of findings would otherwise be a write per line.
    let mut stdout = termcolor::BufferedStandardStream::stdout(choice);
    write_diagnostics(report, &mut stdout)?;
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

/// Each shown diagnostic with its source snippet, without the summary line (the per-rule example tests snapshot
/// this, uncoloured).
pub fn write_diagnostics(report: &Report, out: &mut dyn WriteColor) -> io::Result<()> {
    let config = term::Config::default();
    // Each file's text as shown, made once per file that has a finding and holds something a terminal would act on.
    let mut shown: Vec<Option<Option<String>>> = vec![None; report.files.len()];
    for d in report.shown() {
        let Some(file) = report.files.get(d.file) else {
            continue;
        };
        let text = shown[d.file].get_or_insert_with(|| shown_text(&file.text));
        let excerpt = Excerpt::new(file, text.as_deref().unwrap_or(&file.text), d.span.clone());
        let base = match d.severity {
            Severity::Error => CsDiagnostic::error(),
            Severity::Warning => CsDiagnostic::warning(),
            Severity::Info => CsDiagnostic::note(),
        };
        let mut notes = Vec::new();
        let mut diagnostic = base
            .with_code(d.rule)
            .with_message(escape_controls(&d.message));
        if file.missing {
            // Nothing on disk to show a snippet of: name the path instead.
            notes.push(format!(
                "at {} (not on disk)",
                escape_controls(&file.display)
            ));
        } else {
            diagnostic = diagnostic.with_labels(vec![Label::primary((), excerpt.label())]);
        }
        if let Some(help) = &d.help {
            notes.push(format!("help: {}", escape_controls(help)));
        }
        if let Some(suggestion) = d.suggestion.as_ref().filter(|_| report.suggestions) {
            // The SQL and schema lines it quotes hold the migration's names.
            let render =
                |s, label| escape_controls_but_lines(&render_suggestion(s, label)).into_owned();
            notes.push(render(suggestion, "suggested fix"));
            if let Some(other) = &suggestion.alternative {
                notes.push(render(other, "or"));
            }
        }
        diagnostic = diagnostic.with_notes(notes);
        term::emit_to_write_style(out, &config, &excerpt, &diagnostic)
            .map_err(|e| io::Error::other(e.to_string()))?;
    }
    Ok(())
}

/// A suggestion as one `help:` note: each migration headed and fenced, then the schema edit, then the notes.
pub fn render_suggestion(s: &Suggestion, label: &str) -> String {
    let mut out = format!("help: {label}: {}", s.summary);
    if !s.sql.is_empty() {
        out.push_str(match s.placement {
            Placement::Replace => "\n  instead of the highlighted SQL, write these migrations:",
            Placement::ReplaceMigration => {
                "\n  instead of this whole migration, write these migrations:"
            }
            Placement::After => "\n  keep this migration and add after it:",
        });
    }
    for (i, statements) in s.sql.iter().enumerate() {
        let when = match s.later_from {
            Some(later) if i >= later => {
                " (a later release, once the code without it is deployed everywhere)"
            }
            _ => "",
        };
        out.push_str(&format!("\n  migration {}{when}:\n    ```sql", i + 1));
        for statement in statements {
            // Every line of a multi-line statement stays inside the fence.
            for line in statement.lines() {
                out.push('\n');
                if !line.trim().is_empty() {
                    out.push_str("    ");
                    out.push_str(line);
                }
            }
        }
        out.push_str("\n    ```");
    }
    if let Some(edit) = &s.schema {
        let file = edit.file.as_deref().unwrap_or("schema.prisma");
        let place = match (edit.action, edit.line) {
            (EditAction::Add, Some(line)) => format!(" ({file}:{line}, above the closing brace)"),
            (_, Some(line)) => format!(" ({file}:{line})"),
            (_, None) => String::new(),
        };
        let what = match (edit.action, &edit.field) {
            (EditAction::Add, Some(field)) => {
                format!("add field `{field}` to model `{}`", edit.model)
            }
            (EditAction::Add, None) => format!("add to model `{}`", edit.model),
            (action, Some(field)) => {
                format!(
                    "{} field `{field}` of model `{}`",
                    action.as_str(),
                    edit.model
                )
            }
            (EditAction::Change, None) => format!("change the @@map of model `{}`", edit.model),
            (action, None) => format!("{} in model `{}`", action.as_str(), edit.model),
        };
        out.push_str(&format!(
            "\n  schema.prisma: {what}{place}:\n    ```prisma\n    {}\n    ```",
            edit.text
        ));
    }
    for note in &s.notes {
        out.push_str(&format!("\n  note: {note}"));
    }
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
