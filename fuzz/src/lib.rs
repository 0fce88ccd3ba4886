//! What every fuzz target checks: the whole pipeline (split → parse → ops → catalog → rules) runs
//! without panicking, every finding points inside its file, on char boundaries, and a run that reports some files
//! (replaying only what they need of the others) finds what a full replay finds.

use migrate_lint::engine::lint::{lint_history, lint_history_replaying, Replayed};
use migrate_lint::rules::settings::Settings;
use migrate_lint::syntax::source::SourceFile;

/// Separates migration files in the history target's input.
pub const FILE_SEPARATOR: &str = "\n---\n";

/// A migration file named like Prisma's folders, so the order of `texts` is the history's order.
pub fn migration(index: usize, text: &str) -> SourceFile {
    let name = format!("2024010100{index:04}_fuzz");
    SourceFile::new(
        format!("{name}/migration.sql").into(),
        format!("{name}/migration.sql"),
        name,
        text.to_string(),
    )
}

/// Lints `files` as one history and panics on any finding whose span is not a valid slice of its file.
pub fn lint_and_check(files: &[SourceFile], report: &[bool]) {
    let result = lint_history(files, report, &Settings::default());
    if report.contains(&false) {
        let full = lint_history_replaying(files, report, &Settings::default(), Replayed::All);
        assert_eq!(
            result.diagnostics, full.diagnostics,
            "replaying only the needed statements changed the findings"
        );
    }
    for d in &result.diagnostics {
        let file = files
            .get(d.file)
            .unwrap_or_else(|| panic!("{}: file index {} of {}", d.rule, d.file, files.len()));
        assert!(
            report[d.file],
            "{}: finding in a file that is not reported",
            d.rule
        );
        let text = &file.text;
        assert!(
            d.span.start <= d.span.end && d.span.end <= text.len(),
            "{}: span {:?} outside a file of {} bytes",
            d.rule,
            d.span,
            text.len()
        );
        assert!(
            text.is_char_boundary(d.span.start) && text.is_char_boundary(d.span.end),
            "{}: span {:?} not on char boundaries of {:?}",
            d.rule,
            d.span,
            text
        );
        let (start_line, _) = file.line_col(d.span.start);
        let (end_line, _) = file.line_col(d.span.end);
        assert!(
            start_line <= end_line,
            "{}: span {:?} ends before it starts",
            d.rule,
            d.span
        );
        assert_eq!(
            file.slice(&d.span).len(),
            d.span.len(),
            "{}: span {:?} does not slice",
            d.rule,
            d.span
        );
    }
}
