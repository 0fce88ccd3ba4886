//! What every fuzz target checks: the whole pipeline (split → parse → ops → catalog → rules) runs
//! without panicking, every finding points inside its file, on char boundaries, and a run that reports some files
//! (replaying only what they need of the others) finds what a full replay finds.

use migrate_lint::engine::lint::{lint_history, HistoryRun, Replayed};
use migrate_lint::rules::settings::{RunState, Settings};
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
    let (settings, state) = (Settings::default(), RunState::default());
    let (result, _) = lint_history(files, report, HistoryRun::new(&settings, &state));
    if report.contains(&false) {
        let all = HistoryRun {
            replayed: Replayed::All,
            ..HistoryRun::new(&settings, &state)
        };
        let (full, _) = lint_history(files, report, all);
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

/// Links of the operator chains that parse into trees as deep as they are long (issue #18, case 1).
pub const CHAIN_LINKS: &[&str] = &[
    " OR \"id\" = 1",
    " AND \"id\"",
    " || 'a'",
    "::int",
    "[1]",
    " UNION ALL SELECT 1",
    " + 1",
    " -> 'a'",
    " IS NOT NULL",
    " COLLATE \"C\"",
    " AT TIME ZONE 'UTC'",
];

/// A migration holding one deep chain, chosen by the fuzzer's bytes: the first picks the link (and the statement
/// around it), the next two how many times it repeats (up to 65,535: past the parser's guard too), the rest is text
/// after the chain.
pub fn deep_chain(data: &[u8]) -> String {
    let pick = data.first().copied().unwrap_or(0) as usize;
    let count = u16::from_le_bytes([
        data.get(1).copied().unwrap_or(0),
        data.get(2).copied().unwrap_or(0),
    ]);
    let link = CHAIN_LINKS[pick % CHAIN_LINKS.len()];
    let (head, close) = [
        ("SELECT 1", ""),
        ("DELETE FROM \"T\" WHERE \"id\" = 0", ""),
        ("CREATE VIEW \"v\" AS SELECT 1", ""),
        (
            "ALTER TABLE \"T\" ADD CONSTRAINT \"c\" CHECK (\"id\" > 0",
            ")",
        ),
    ][(pick / CHAIN_LINKS.len()) % 4];
    let tail = String::from_utf8_lossy(data.get(3..).unwrap_or_default());
    format!(
        "CREATE TABLE \"T\" (\"id\" INTEGER);\n{head}{}{close};\n{tail}",
        link.repeat(count as usize)
    )
}
