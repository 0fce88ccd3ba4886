//! GitHub Actions workflow commands: one `::error` / `::warning` / `::notice` line per finding, which GitHub shows
//! as an annotation on the pull request's diff.

use super::{escape_controls, escape_controls_but_lines, uri_path, Report};
use crate::rules::diagnostic::Severity;

pub fn render_github(report: &Report) -> String {
    let mut out = String::new();
    for d in report.shown() {
        let Some(file) = report.files.get(d.file) else {
            continue;
        };
        let (line, col) = file.line_col(d.span.start);
        let (end_line, end_col) = file.line_col(d.span.end);
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        out.push_str(&format!(
            "::{command} file={},line={line},col={col},endLine={end_line},endColumn={end_col},title={}::{}\n",
            escape_property(&uri_path(&escape_controls(&file.display))),
            escape_property(d.rule),
            escape_data(&escape_controls_but_lines(&message)),
        ));
    }
    for e in report.input_errors {
        out.push_str(&format!(
            "::error title=migrate-lint::{}\n",
            escape_data(&escape_controls_but_lines(e))
        ));
    }
    // The commands themselves are hidden in the job log: leave one readable line there.
    out.push_str(&format!(
        "migrate-lint: {} error(s), {} warning(s), {} info in {} file(s)\n",
        report.count(Severity::Error),
        report.count(Severity::Warning),
        report.count(Severity::Info),
        report.reported_files
    ));
    out
}

/// The message part of a workflow command: `%`, CR and LF would end or corrupt the command.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A `key=value` property: additionally `:` ends the property list and `,` separates properties.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::diagnostic::Diagnostic;
    use crate::syntax::source::SourceFile;

    #[test]
    fn escapes_data_and_properties() {
        assert_eq!(
            escape_data("100% sure\r\nnext: a,b"),
            "100%25 sure%0D%0Anext: a,b"
        );
        assert_eq!(escape_property("C:\\dir,x%\n"), "C%3A\\dir%2Cx%25%0A");
    }

    #[test]
    fn one_annotation_per_finding_with_one_based_positions() {
        let files = [SourceFile::new(
            "x".into(),
            "db\\a,b:c/migration.sql".into(),
            "a".into(),
            "SELECT 1;\n  DROP TABLE \"T\";\n".into(),
        )];
        let diagnostics = [
            Diagnostic {
                rule: "drop-table",
                severity: Severity::Error,
                file: 0,
                span: 12..27,
                message: "drops 50% of\nthe data".into(),
                help: Some("don't".into()),
                suggestion: None,
            },
            Diagnostic {
                rule: "unparsed-statement",
                severity: Severity::Info,
                file: 0,
                span: 0..8,
                message: "m".into(),
                help: None,
                suggestion: None,
            },
        ];
        let report = Report {
            files: &files,
            diagnostics: &diagnostics,
            statements: 2,
            unparsed: 0,
            reported_files: 1,
            input_errors: &[],
            min_shown: Severity::Info,
            suggestions: false,
        };
        assert_eq!(
            render_github(&report),
            "::error file=db/a%2Cb%3Ac/migration.sql,line=2,col=3,endLine=2,endColumn=18,title=drop-table::\
             drops 50%25 of%0Athe data%0Ahelp: don't\n\
             ::notice file=db/a%2Cb%3Ac/migration.sql,line=1,col=1,endLine=1,endColumn=9,title=unparsed-statement::m\n\
             migrate-lint: 1 error(s), 0 warning(s), 1 info in 1 file(s)\n"
        );
    }
}
