//! The library, in-process: every test that lints without the binary goes through here, so a change of the
//! library's entry points is fixed in this one file.

use migrate_lint::engine::lint::{lint_history, HistoryRun};
use migrate_lint::report::{write_diagnostics, Report};

pub use migrate_lint::engine::lint::LintResult;
pub use migrate_lint::input::applied::{AppliedSet, AppliedSource, AppliedState};
pub use migrate_lint::rules::diagnostic::{Diagnostic, Severity};
pub use migrate_lint::rules::settings::{IgnoreEntry, RunState, Settings};
pub use migrate_lint::rules::{find, Category, Rule, RULES};
pub use migrate_lint::syntax::source::SourceFile;

/// A migration file named `name` (its display path and migration name too).
pub fn file(name: &str, text: &str) -> SourceFile {
    SourceFile::new(name.into(), name.into(), name.into(), text.to_string())
}

/// A migration of a Prisma history: `prisma/migrations/<name>/migration.sql`, named `name`.
pub fn migration(name: &str, text: &str) -> SourceFile {
    let path = format!("prisma/migrations/{name}/migration.sql");
    SourceFile::new(path.clone().into(), path, name.into(), text.to_string())
}

/// An applied migration with no file on disk (the caller of the library adds one per deleted migration).
pub fn deleted_migration(name: &str) -> SourceFile {
    let path = format!("prisma/migrations/{name}/migration.sql");
    SourceFile::missing(path.clone().into(), path, name.into())
}

/// Lints a history in order; findings are kept for the files where `report` is true.
pub fn lint(files: &[SourceFile], report: &[bool], settings: &Settings) -> LintResult {
    lint_in(files, report, settings, &RunState::default())
}

/// [`lint`] with the run's state: the applied migrations, whether suggestions are kept.
pub fn lint_in(
    files: &[SourceFile],
    report: &[bool],
    settings: &Settings,
    state: &RunState,
) -> LintResult {
    lint_history(files, report, HistoryRun::new(settings, state)).0
}

/// Lints `setup` (not reported) followed by `migrations` (reported), named `0_setup`, `1_m`, `2_m`, ...
pub fn lint_after(
    settings: &Settings,
    setup: &str,
    migrations: &[&str],
) -> (Vec<SourceFile>, Vec<Diagnostic>) {
    let mut files = vec![file("0_setup", setup)];
    files.extend(
        migrations
            .iter()
            .enumerate()
            .map(|(i, text)| file(&format!("{}_m", i + 1), text)),
    );
    let report: Vec<bool> = (0..files.len()).map(|i| i > 0).collect();
    let diagnostics = lint(&files, &report, settings).diagnostics;
    (files, diagnostics)
}

/// The first finding of `rule` when `sql` is linted as a migration after `setup` (not reported), with the default
/// settings; None when the rule does not fire.
pub fn finding(setup: &str, sql: &str, rule: &str) -> Option<Diagnostic> {
    lint_after(&Settings::default(), setup, &[sql])
        .1
        .into_iter()
        .find(|d| d.rule == rule)
}

/// The diagnostics as the human format prints them, without colour or the summary line.
pub fn render(files: &[SourceFile], diagnostics: &[Diagnostic]) -> String {
    let report = Report {
        files,
        diagnostics,
        statements: 0,
        unparsed: 0,
        reported_files: files.len(),
        input_errors: &[],
        min_shown: Severity::Info,
        suggestions: false,
    };
    let mut out = codespan_reporting::term::termcolor::NoColor::new(Vec::new());
    write_diagnostics(&report, &mut out).expect("render to memory");
    String::from_utf8(out.into_inner()).expect("UTF-8 output")
}

/// Settings with `rule` on at its default severity (the style rules are off by default).
pub fn settings_with(rule: &Rule) -> Settings {
    let mut settings = Settings::default();
    // An opt-in rule is switched on; a rule on by default keeps no entry, so a finding's own severity shows.
    if !rule.enabled_by_default {
        settings
            .severities
            .insert(rule.id.to_string(), Some(rule.default_severity));
    }
    settings
}

/// The warning that a unique index built CONCURRENTLY over existing values fails on duplicate rows: a fix or
/// suggestion that moves a unique index to CONCURRENTLY keeps it, since no rewrite of the SQL removes duplicates.
pub fn is_duplicates_warning(rule: &str, message: &str) -> bool {
    rule == "create-index-non-concurrently"
        && message.starts_with("CREATE UNIQUE INDEX CONCURRENTLY")
        && message.contains("23505")
}
