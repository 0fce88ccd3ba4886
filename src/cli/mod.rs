//! The command line: read configuration, discover histories, lint each, render, and pick the exit code.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use clap::{Parser, Subcommand};
use rayon::prelude::*;

use crate::drift::{self, FoundSchema};
use crate::engine::baseline;
use crate::engine::cache::{self, Cache};
use crate::input::applied;
pub mod commands;
use crate::engine::lint::{lint_history, lint_history_from, LintResult, Restored};
use crate::engine::relevance;
use crate::input::discover::{list_paths, History, Listing, Migration};
use crate::input::prisma_schema::{find_schema_for_migrations, Schema};
use crate::input::project_file;
use crate::report::{
    escape_controls, fails, render_github, render_gitlab, render_human, render_sarif,
    render_statistics, write_json, Format, Report,
};
use crate::rules::config::{self, Config};
use crate::rules::diagnostic::{Diagnostic, Severity};
use crate::rules::settings::Settings;
use crate::rules::RULES;
use crate::syntax::source::SourceFile;

#[derive(Debug, Parser)]
#[command(
    name = "migrate-lint",
    version,
    about = "Lint Prisma/PostgreSQL migrations for data loss, broken clients and long locks"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,

    /// Migrations folders, single migration folders or migration.sql files. Default: `migrations` from lint.toml,
    /// else every Prisma migrations folder below the current directory.
    paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,

    /// Configuration file (default: the nearest lint.toml in this folder or above).
    #[arg(long, value_name = "PATH")]
    config: Option<PathBuf>,

    /// Major version of the target PostgreSQL, 9 to 18 (overrides lint.toml; default 15).
    #[arg(long, value_name = "N", value_parser = postgres_version_arg)]
    postgres_version: Option<u32>,

    /// Report only migrations added or modified since this git ref (against its merge base with HEAD, plus
    /// untracked files); earlier migrations are still replayed for context.
    #[arg(long, value_name = "GIT_REF")]
    changed_since: Option<String>,

    /// Print only error-severity findings (the summary still counts all).
    #[arg(long, short)]
    quiet: bool,

    /// After the output, count the findings per rule (on stderr for machine formats).
    #[arg(long)]
    statistics: bool,

    /// The lowest severity that fails the run with exit code 1.
    #[arg(long, value_enum, value_name = "SEVERITY", default_value_t = Threshold::Error)]
    severity_threshold: Threshold,

    /// Show, for each finding, the safe SQL (split into migrations) and the schema.prisma edit.
    #[arg(long)]
    fix_suggestions: bool,

    /// Git ref whose migrations count as applied, e.g. `origin/main`, or `HEAD` in a pre-commit hook (overrides
    /// `base` in lint.toml). Enables edited-applied-migration and migration-out-of-order.
    #[arg(long, value_name = "GIT_REF")]
    base: Option<String>,

    /// Read applied migrations from this database's `_prisma_migrations` table (read-only). Without a value, the
    /// URL comes from DATABASE_URL.
    #[arg(long, value_name = "URL", num_args = 0..=1)]
    database_url: Option<Option<String>>,

    /// Print notes to stderr, e.g. which checks were skipped and why.
    #[arg(long)]
    verbose: bool,

    /// Prisma version that applies the migrations, e.g. 6.1.0 (overrides lint.toml; before 7.4 a multi-statement
    /// file runs as one transaction, which is also assumed when unset).
    #[arg(long, value_name = "X.Y.Z", value_parser = parse_prisma_version)]
    prisma_version: Option<(u32, u32, u32)>,

    /// Report only findings that are not in this baseline file (see --write-baseline).
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,

    /// Write every current finding to FILE as the accepted baseline, and exit 0.
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,

    /// Where a run on some files of a history (a pre-commit hook) keeps the catalog of the earlier migrations, so the
    /// next such run need not read them (default: .migrate-lint-cache, which ignores itself in git; none when the CI
    /// environment variable is set, unless this is given).
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,

    /// Neither read nor write that cache.
    #[arg(long)]
    no_cache: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Threshold {
    Error,
    Warning,
    Info,
}

impl Threshold {
    fn severity(self) -> Severity {
        match self {
            Threshold::Error => Severity::Error,
            Threshold::Warning => Severity::Warning,
            Threshold::Info => Severity::Info,
        }
    }
}

fn parse_prisma_version(text: &str) -> Result<(u32, u32, u32), String> {
    config::parse_version(text).ok_or_else(|| format!("`{text}` is not a version like 6.1.0"))
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List every rule with its id, default severity and summary.
    Rules,
    /// Print a rule's page: what it checks, why it matters, bad and good examples, the fix.
    Explain {
        /// A rule id, as `migrate-lint rules` lists them.
        rule: String,
    },
    /// Write a commented lint.toml into the current folder (never over an existing one).
    Init,
}

/// The command line's work, and the process's exit code.
pub fn main() -> u8 {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Rules) => print_text(&rules_table()),
        Some(Command::Explain { rule }) => match commands::explain(&rule) {
            Ok(page) => print_text(page),
            Err(e) => {
                eprintln!("error: {}", escape_controls(&e.to_string()));
                2
            }
        },
        Some(Command::Init) => match commands::init(Path::new(".")) {
            Ok(path) => print_text(&format!("wrote {}\n", display_path(&path))),
            Err(e) => {
                eprintln!("error: {}", escape_controls(&e.to_string()));
                2
            }
        },
        None => run(&cli),
    }
}

fn postgres_version_arg(value: &str) -> Result<u32, String> {
    let version = value
        .parse()
        .map_err(|_| format!("`{value}` is not a major version such as 15"))?;
    config::check_postgres_version(version)
}

/// Prints to stdout; a closed pipe is an error (exit 2), not the panic `print!` makes of it.
fn print_text(text: &str) -> u8 {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: cannot write output: {e}");
            2
        }
    }
}

fn rules_table() -> String {
    let mut table = String::new();
    for rule in RULES {
        table += &format!(
            "{:<30} {:<8} {:<12} {}\n",
            rule.id,
            // Opt-in rules are off until lint.toml gives them a severity.
            if rule.enabled_by_default {
                rule.default_severity.as_str()
            } else {
                "off"
            },
            rule.category.as_str(),
            rule.summary
        );
    }
    table
}

/// Exit codes: 0 clean, 1 a finding at or above the severity threshold, 2 a usage, configuration or input error.
fn run(cli: &Cli) -> u8 {
    let mut config = match load_config(cli) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {}", escape_controls(&e.to_string()));
            return 2;
        }
    };
    if let Some(v) = cli.postgres_version {
        config.settings.postgres_version = v;
    }
    if let Some(v) = cli.prisma_version {
        config.settings.prisma_version = Some(v);
    }
    let mut baseline = match cli.baseline.as_deref().map(baseline::load).transpose() {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {}", escape_controls(&e.to_string()));
            return 2;
        }
    };
    let (database_url, swallowed_path) = database_url_arg(cli);
    let paths = if let Some(path) = swallowed_path {
        cli.paths.iter().cloned().chain([path]).collect()
    } else if !cli.paths.is_empty() {
        cli.paths.clone()
    } else if !config.migrations.is_empty() {
        config.migrations.clone()
    } else {
        vec![PathBuf::from(".")]
    };

    let (listings, discover_errors) = list_paths(&paths);
    // Which entries are migrations is looked into by the thread that lints the history, while the others lint,
    // unless `--changed-since` must see every history first.
    let histories: Option<Vec<History>> = match &cli.changed_since {
        Some(git_ref) => {
            let mut histories: Vec<History> = listings.par_iter().map(Listing::history).collect();
            if let Err(e) = crate::input::changed::restrict_to_changed(&mut histories, git_ref) {
                eprintln!("error: {}", escape_controls(&e.to_string()));
                return 2;
            }
            Some(histories)
        }
        None => None,
    };
    let mut input_errors: Vec<String> = discover_errors
        .iter()
        .map(|e| format!("{}: {}", display_path(&e.path), e.message))
        .collect();
    let base = cli.base.clone().or(config.base.clone());
    let database = match applied::read_database(database_url.as_ref(), listings.len()) {
        Ok(rows) => rows,
        Err(e) => {
            input_errors.push(e);
            None
        }
    };
    if cli.verbose && base.is_none() && database.is_none() {
        let why = if database_url.is_some() {
            "the database could not be read"
        } else {
            "no --base or --database-url given"
        };
        eprintln!(
            "note: edited-applied-migration, migration-out-of-order, failed-migration: {why}; skipped"
        );
    }

    let (mut files, mut diagnostics) = (Vec::new(), Vec::new());
    let (mut statements, mut unparsed, mut reported_files) = (0, 0, 0);
    // Histories are independent: lint them in parallel, then merge in discovery order.
    let sizes: Vec<usize> = match &histories {
        Some(histories) => histories.iter().map(|h| h.migrations.len()).collect(),
        None => listings.iter().map(Listing::entries).collect(),
    };
    let outcomes = largest_first(&sizes, |i| {
        let (base, database) = (base.as_deref(), database.as_ref());
        match &histories {
            Some(histories) => lint_one(&histories[i], cli, &config, base, database),
            None => lint_listing(&listings[i], cli, &config, base, database),
        }
    });
    for outcome in outcomes {
        for note in &outcome.notes {
            eprintln!("note: {}", escape_controls(note));
        }
        input_errors.extend(outcome.errors);
        let Some((sources, report, result)) = outcome.linted else {
            continue;
        };
        let offset = files.len();
        diagnostics.extend(result.diagnostics.into_iter().map(|d| Diagnostic {
            file: d.file + offset,
            ..d
        }));
        statements += result.statements;
        unparsed += result.unparsed;
        reported_files += report
            .iter()
            .zip(&sources)
            .filter(|(r, f)| **r && !f.missing)
            .count();
        files.extend(sources);
    }

    for e in &input_errors {
        eprintln!("error: {}", escape_controls(&e.to_string()));
    }
    if let Some(path) = &cli.write_baseline {
        return match baseline::write(path, &diagnostics, &files) {
            Ok(n) if !input_errors.is_empty() => {
                // The files behind the errors were not (fully) linted: their findings are missing from it.
                eprintln!(
                    "error: wrote {n} accepted findings to {}, but the baseline is incomplete: fix the {} input \
                     error{} above and write it again",
                    display_path(path),
                    input_errors.len(),
                    if input_errors.len() == 1 { "" } else { "s" }
                );
                2
            }
            Ok(n) => {
                eprintln!("wrote {n} accepted findings to {}", display_path(path));
                0
            }
            Err(e) => {
                eprintln!("error: {}", escape_controls(&e.to_string()));
                2
            }
        };
    }
    if let Some(baseline) = &mut baseline {
        baseline.filter(&mut diagnostics, &files);
    }
    let report = Report {
        files: &files,
        diagnostics: &diagnostics,
        statements,
        unparsed,
        reported_files,
        input_errors: &input_errors,
        min_shown: min_shown(cli),
        suggestions: cli.fix_suggestions,
    };
    let mut out = io::BufWriter::new(io::stdout().lock());
    if let Err(e) = write_report(&report, &mut out, cli.format, cli.statistics) {
        eprintln!("error: cannot write output: {e}");
        return 2;
    }
    if !input_errors.is_empty() {
        2
    } else if fails(&diagnostics, cli.severity_threshold.severity()) {
        1
    } else {
        0
    }
}

/// Diagnostics below this severity are counted but not printed.
fn min_shown(cli: &Cli) -> Severity {
    if cli.quiet {
        Severity::Error
    } else {
        Severity::Info
    }
}

/// Writes the report, and the statistics when asked, to stdout (`out`). A closed pipe (`| head`) is an error to
/// report, where `print!` would panic.
fn write_report(
    report: &Report,
    out: &mut impl Write,
    format: Format,
    statistics: bool,
) -> io::Result<()> {
    match format {
        Format::Json => write_json(report, out)?,
        Format::Sarif => writeln!(out, "{}", render_sarif(report))?,
        Format::Gitlab => writeln!(out, "{}", render_gitlab(report))?,
        Format::Github => write!(out, "{}", render_github(report))?,
        Format::Human => {
            let color = io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            render_human(report, color)?;
        }
    }
    if statistics {
        // Machine formats keep stdout parseable.
        match format {
            Format::Human | Format::Github => write!(out, "{}", render_statistics(report))?,
            _ => io::stderr().write_all(render_statistics(report).as_bytes())?,
        }
    }
    out.flush()
}

/// Resolves the schema edits of the suggestions against the schema.prisma beside the migrations folder, if any.
fn resolve_suggestions(
    history: &History,
    diagnostics: &mut [Diagnostic],
    errors: &mut Vec<String>,
) {
    let schema = find_schema_for_migrations(&history.root).and_then(|path| {
        Schema::load(&path)
            .map_err(|e| {
                errors.push(format!(
                    "{}: cannot read the Prisma schema: {e}",
                    display_path(&path)
                ))
            })
            .ok()
    });
    for suggestion in diagnostics.iter_mut().filter_map(|d| d.suggestion.as_mut()) {
        suggestion.resolve_schema(schema.as_ref(), &display_path);
    }
}

/// `--database-url` without a value followed by a path takes the path as its value: give it back to the paths.
fn database_url_arg(cli: &Cli) -> (Option<Option<String>>, Option<PathBuf>) {
    match &cli.database_url {
        Some(Some(value)) if !value.contains("://") && Path::new(value).exists() => {
            (Some(None), Some(PathBuf::from(value)))
        }
        other => (other.clone(), None),
    }
}

/// `lint(i)` for every `i` below `sizes.len()`, in that order. They run in parallel, largest first, each started by
/// the next thread that is free: in discovery order a large history could start last and then run alone while the
/// other cores idle.
fn largest_first<T: Send>(sizes: &[usize], lint: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(sizes[i]));
    let (order, next, lint) = (&order, &AtomicUsize::new(0), &lint);
    let mut outcomes: Vec<Option<T>> = sizes.iter().map(|_| None).collect();
    let (sender, finished) = std::sync::mpsc::channel();
    rayon::in_place_scope(|scope| {
        // One loop per thread, pinned to it (a broadcast): a loop that was merely spawned could be picked up by a
        // thread waiting inside another history's parallel work, which would then finish every history left before
        // going back to its own.
        scope.spawn_broadcast(move |_, _| {
            while let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
                // The receiver lives until every sender is gone.
                let _ = sender.send((i, lint(i)));
            }
        });
        for (i, outcome) in finished {
            outcomes[i] = Some(outcome);
        }
    });
    outcomes.into_iter().flatten().collect()
}

/// What linting one history produced: its files and result (unless it was skipped), input errors, verbose notes.
struct HistoryOutcome {
    linted: Option<(Vec<SourceFile>, Vec<bool>, LintResult)>,
    errors: Vec<String>,
    notes: Vec<String>,
}

/// Lints a listed folder (a folder of another database is skipped unread: `lint_one` says why).
fn lint_listing(
    listing: &Listing,
    cli: &Cli,
    config: &Config,
    base: Option<&str>,
    database: Option<&(String, Vec<applied::database::MigrationRow>)>,
) -> HistoryOutcome {
    lint_one(&listing.history(), cli, config, base, database)
}

/// Whether migrations of a `migration_lock.toml` provider are PostgreSQL's (no lock file: assumed so).
fn is_linted_provider(provider: Option<&str>) -> bool {
    provider.is_none_or(|p| p == "postgresql")
}

/// Lints one history.
fn lint_one(
    history: &History,
    cli: &Cli,
    config: &Config,
    base: Option<&str>,
    database: Option<&(String, Vec<applied::database::MigrationRow>)>,
) -> HistoryOutcome {
    let mut errors = Vec::new();
    let mut notes = Vec::new();
    if let Some(provider) = history
        .provider
        .as_deref()
        .filter(|p| !is_linted_provider(Some(p)))
    {
        errors.push(format!(
            "{}: provider is \"{provider}\" in migration_lock.toml; migrate-lint checks PostgreSQL \
             migrations only, so this folder was skipped",
            display_path(&history.root.join("migration_lock.toml"))
        ));
        return HistoryOutcome {
            linted: None,
            errors,
            notes,
        };
    }
    let mut settings = config.settings.clone();
    settings.keep_suggestions = cli.fix_suggestions;
    settings.schema = drift_schema(history, cli, &settings, &mut errors, &mut notes);
    // The cache stands in for the earlier files only where nothing else reads them (applied migrations do).
    if base.is_none() && database.is_none() {
        if let Some((cache, first)) = cache_for(history, cli) {
            let (sources, report, result) = lint_cached(
                history,
                &cache,
                first,
                &settings,
                &mut errors,
                cli.verbose.then_some(&mut notes),
            );
            let (sources, report) = with_schema_files((sources, report), &settings);
            return finish_history(history, cli, sources, report, result, errors, notes);
        }
    }
    let (mut sources, mut report, read_errors) = read_history(history);
    errors.extend(read_errors);
    if base.is_some() || database.is_some() {
        let (set, applied_errors) = applied::collect(&history.root, base, database);
        errors.extend(applied_errors);
        if cli.verbose {
            for source in &set.sources {
                notes.push(format!(
                    "{}: {} applied migration(s) per {}",
                    display_path(&history.root),
                    source.migrations.len(),
                    source.label
                ));
            }
        }
        let placeholders = applied::missing_placeholders(history, &set, &sources);
        report.extend(placeholders.iter().map(|_| true));
        sources.extend(placeholders);
        settings.applied = Some(Arc::new(set));
    }
    let result = lint_history(&sources, &report, &settings);
    let (sources, report) = with_schema_files((sources, report), &settings);
    finish_history(history, cli, sources, report, result, errors, notes)
}

/// The schema `schema-drift` compares the history with: found beside the folder, when the rule is on and the run
/// reports the newest migration (a run on older ones says nothing about the schema of today).
fn drift_schema(
    history: &History,
    cli: &Cli,
    settings: &Settings,
    errors: &mut Vec<String>,
    notes: &mut Vec<String>,
) -> Option<Arc<FoundSchema>> {
    let rule = crate::rules::find("schema-drift")?;
    settings.severity_of(rule)?;
    let newest = history.migrations.last()?;
    if history
        .report_only
        .as_ref()
        .is_some_and(|only| !only.contains(&newest.sql))
    {
        return None;
    }
    let Some(path) = drift::locate::schema_for(&history.root) else {
        if cli.verbose {
            notes.push(format!(
                "{}: no Prisma schema beside this folder, so schema-drift was not checked",
                display_path(&history.root)
            ));
        }
        return None;
    };
    match FoundSchema::load(&path, &|p: &Path| display_path(p)) {
        Ok(found) if found.is_postgres() => Some(Arc::new(found)),
        Ok(_) => None,
        Err(e) => {
            errors.push(format!(
                "{}: cannot read the Prisma schema: {e}",
                display_path(&path)
            ));
            None
        }
    }
}

/// Findings of schema-drift on the schema point past the history's files (`Settings::schema`): append them.
fn with_schema_files(
    (mut sources, mut report): (Vec<SourceFile>, Vec<bool>),
    settings: &Settings,
) -> (Vec<SourceFile>, Vec<bool>) {
    if let Some(found) = &settings.schema {
        report.extend(found.sources.iter().map(|_| false));
        sources.extend(found.sources.iter().cloned());
    }
    (sources, report)
}

fn finish_history(
    history: &History,
    cli: &Cli,
    sources: Vec<SourceFile>,
    report: Vec<bool>,
    mut result: LintResult,
    mut errors: Vec<String>,
    notes: Vec<String>,
) -> HistoryOutcome {
    if cli.fix_suggestions {
        resolve_suggestions(history, &mut result.diagnostics, &mut errors);
    }
    HistoryOutcome {
        linted: Some((sources, report, result)),
        errors,
        notes,
    }
}

/// The cache a run uses for this history, and the index of its first reported file: only when the run reports
/// the newest migrations of a longer history (every file from the first reported one on), as a pre-commit hook does.
fn cache_for(history: &History, cli: &Cli) -> Option<(Cache, usize)> {
    let only = history.report_only.as_ref().filter(|_| !cli.no_cache)?;
    let reported = |m: &Migration| only.contains(&m.sql);
    let first = history.migrations.iter().position(reported)?;
    let suffix = history.migrations[first..].iter().all(reported);
    // A CI job starts from a fresh checkout: a snapshot would only cost its writing, unless a folder is kept.
    let in_ci = std::env::var("CI").is_ok_and(|v| !matches!(v.as_str(), "" | "0" | "false"));
    let dir = match &cli.cache_dir {
        Some(dir) => dir.clone(),
        None if in_ci => return None,
        None => PathBuf::from(cache::DEFAULT_DIR),
    };
    (first > 0 && suffix).then(|| (Cache::at(dir), first))
}

/// Lints a history whose files from `first` on are reported, starting from the catalog the cache restores for the
/// files before: all of them when they are unchanged, else those a snapshot covers and that are unchanged (a
/// migration was added since), else none. Earlier files the snapshot does not cover are read and replayed, and the
/// catalog before `first` is then saved for the next run.
fn lint_cached(
    history: &History,
    cache: &Cache,
    first: usize,
    settings: &Settings,
    errors: &mut Vec<String>,
    mut notes: Option<&mut Vec<String>>,
) -> (Vec<SourceFile>, Vec<bool>, LintResult) {
    let mut note = |text: String| {
        if let Some(notes) = notes.as_deref_mut() {
            notes.push(text);
        }
    };
    let (earlier, newest) = history.migrations.split_at(first);
    let (newest_files, newest_errors) = read_migrations(newest, history.project.as_deref());
    errors.extend(problems_of(history));
    errors.extend(newest_errors);
    let root = display_path(&history.root);
    let names: Option<Vec<String>> = newest_files
        .iter()
        .map(|f| relevance::file_mentions(&f.text))
        .collect::<Option<Vec<_>>>()
        .map(|names| names.concat());
    // schema-drift compares the whole catalog: restore all of it.
    let names = names.filter(|_| settings.schema.is_none());
    let loaded = cache
        .load(&history.root, earlier, names.as_deref())
        .map_err(|why| note(format!("{root}: the cache was not used: {why}")))
        .unwrap_or_default();
    let covers = loaded.covers;
    if covers > 0 {
        note(format!(
            "{root}: the catalog of {covers} of the {first} earlier migrations came from the cache \
             ({} of them read to compare)",
            loaded.compared
        ));
    }
    // The files the snapshot covers are not read: they are only names here, and the report leaves them out.
    let mut sources: Vec<SourceFile> = earlier[..covers]
        .iter()
        .map(|m| {
            let display = display_path(&m.sql);
            SourceFile::new(m.sql.clone(), display, m.name.clone(), String::new())
        })
        .collect();
    // Stamped before they are read: a file changed in between then fails the next run's check.
    let stamps: Vec<Option<String>> = earlier[covers..].par_iter().map(cache::stamp).collect();
    let (uncovered, uncovered_errors) =
        read_migrations(&earlier[covers..], history.project.as_deref());
    // A file that could not be read (or only in part) would be missing from the next run's errors.
    let complete = uncovered_errors.is_empty() && uncovered.len() == first - covers;
    errors.extend(uncovered_errors);
    let mut recorded = loaded.files;
    recorded.extend(
        uncovered
            .iter()
            .zip(stamps)
            .map(|(file, stamp)| cache::Earlier {
                path: file.path.clone(),
                stamp,
                hash: cache::content_hash(&file.text),
            }),
    );
    sources.extend(uncovered);
    let mut report = vec![false; sources.len()];
    report.extend(newest_files.iter().map(|_| true));
    sources.extend(newest_files);
    let restored = Restored {
        files: covers,
        catalog: loaded.catalog,
    };
    let keep: &[usize] = if covers < first { &[first] } else { &[] };
    let (result, kept) = lint_history_from(&sources, &report, settings, restored, keep);
    if let (Some(catalog), true) = (kept.first(), complete) {
        match cache.save(&history.root, &recorded, catalog) {
            Ok(()) => note(format!("{root}: the cache was written")),
            Err(e) => note(format!("{root}: the cache was not written: {e}")),
        }
    }
    (sources, report, result)
}

fn load_config(cli: &Cli) -> Result<Config, String> {
    let path = match &cli.config {
        Some(p) => Some(p.clone()),
        None => config::find_config(Path::new(".")),
    };
    match path {
        Some(p) => config::load(&p),
        None => Ok(Config::default()),
    }
}

/// Reads every migration of a history; unreadable or non-UTF-8 files are reported
/// and linted as far as possible.
fn read_history(history: &History) -> (Vec<SourceFile>, Vec<bool>, Vec<String>) {
    let (sources, mut errors) = read_migrations(&history.migrations, history.project.as_deref());
    errors.splice(0..0, problems_of(history));
    let report = sources
        .iter()
        .map(|source| match &history.report_only {
            None => true,
            Some(only) => only.contains(&source.path),
        })
        .collect();
    (sources, report, errors)
}

/// What discovery found wrong in a history's folder, as input errors naming the path.
fn problems_of(history: &History) -> impl Iterator<Item = String> + '_ {
    history
        .problems
        .iter()
        .map(|p| format!("{}: {}", display_path(&p.path), p.message))
}

/// Reads migrations in parallel (a history can have hundreds), kept in order: the files that could be read, and
/// what was wrong with the others (or with their bytes).
fn read_migrations(
    migrations: &[Migration],
    project: Option<&Path>,
) -> (Vec<SourceFile>, Vec<String>) {
    gathered(
        migrations
            .par_iter()
            .map(|m| read_migration(m, project))
            .collect(),
    )
}

/// One migration file, and what was wrong with it: no file when it cannot be read or is too large; a file with
/// replaced bytes and an error when it is not UTF-8.
type ReadMigration = (Option<SourceFile>, Option<String>);

fn gathered(read: Vec<ReadMigration>) -> (Vec<SourceFile>, Vec<String>) {
    let (files, errors): (Vec<_>, Vec<_>) = read.into_iter().unzip();
    (
        files.into_iter().flatten().collect(),
        errors.into_iter().flatten().collect(),
    )
}

fn read_migration(migration: &Migration, project: Option<&Path>) -> ReadMigration {
    let path = &migration.sql;
    let display = display_path(path);
    let read = match project {
        Some(project) => project_file::read_in_project(path, project),
        None => project_file::read_regular(path),
    };
    let bytes = match read {
        Ok(bytes) => bytes,
        Err(e) => return (None, Some(format!("{display}: {e}"))),
    };
    let (text, error) = match String::from_utf8(bytes) {
        Ok(text) => (text, None),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let line = bytes[..valid].iter().filter(|b| **b == b'\n').count() + 1;
            (
                String::from_utf8_lossy(&bytes).into_owned(),
                Some(format!(
                    "{display}:{line}: not valid UTF-8 (byte {valid}); invalid bytes were replaced to lint the rest"
                )),
            )
        }
    };
    let source = SourceFile::new(path.clone(), display, migration.name.clone(), text);
    (Some(source), error)
}

/// Paths as the user gave them, without a leading `./`; absolute ones (e.g. from lint.toml) relative to the working
/// directory when inside it, so CI annotations and SARIF URIs point at repository files.
fn display_path(path: &Path) -> String {
    // Relative paths are shown as given; only absolute ones need the working directory (looked up once).
    static WORKING_DIR: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    let relative = path
        .is_absolute()
        .then(|| {
            let cwd = WORKING_DIR.get_or_init(|| std::env::current_dir().ok()?.canonicalize().ok());
            path.strip_prefix(cwd.as_ref()?).ok()
        })
        .flatten();
    let shown = relative.unwrap_or(path).to_string_lossy();
    shown.strip_prefix("./").unwrap_or(&shown).to_string()
}
