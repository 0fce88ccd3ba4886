//! The command line: read configuration, discover histories, lint each, render, and pick the exit code.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

pub mod commands;
use crate::engine::baseline;
use crate::engine::cache;
use crate::engine::fix_run::{self, PlannedFix};
use crate::engine::session::{self, Options};
use crate::input::read::display_path;
use crate::report::{
    escape_controls, escape_controls_but_lines, fails, render_github, render_gitlab, render_human,
    render_sarif, render_statistics, write_json_with_plans, Format, Report,
};
use crate::rules::config::{self, Config};
use crate::rules::diagnostic::Severity;
use crate::rules::RULES;

#[derive(Debug, Clone, Parser)]
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

    /// Show, for each migration that is not applied yet, the plan `--fix` would write, as a diff.
    #[arg(long)]
    fix_suggestions: bool,

    /// Rewrite the migrations that are not applied yet (not committed at HEAD or --base, not in the database of
    /// --database-url) to fix the findings at or above --severity-threshold, and edit schema.prisma to match.
    #[arg(long)]
    fix: bool,

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

#[derive(Debug, Clone, Subcommand)]
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
            Ok(page) => print_text(&page),
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
    let options = match options(cli) {
        Ok(options) => options,
        Err(e) => {
            eprintln!("error: {}", escape_controls(&e.to_string()));
            return 2;
        }
    };
    let outcome = match session::lint(&options) {
        Ok(outcome) => outcome,
        Err(e) => {
            eprintln!("error: {}", escape_controls(&e.to_string()));
            return 2;
        }
    };
    for note in &outcome.notes {
        eprintln!("note: {}", escape_controls(note));
    }
    if cli.fix {
        return fix_and_lint_again(cli, &outcome.plans, &outcome.input_errors);
    }
    for e in &outcome.input_errors {
        eprintln!("error: {}", escape_controls(&e.to_string()));
    }
    if let Some(path) = &cli.write_baseline {
        let input_errors = &outcome.input_errors;
        return match baseline::write(path, &outcome.diagnostics, &outcome.files) {
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
    let report = Report {
        files: &outcome.files,
        diagnostics: &outcome.diagnostics,
        statements: outcome.statements,
        unparsed: outcome.unparsed,
        reported_files: outcome.reported_files,
        input_errors: &outcome.input_errors,
        min_shown: min_shown(cli),
        // Humans read the plans below instead of one suggestion per finding.
        suggestions: cli.fix_suggestions && cli.format != Format::Human,
    };
    // Reports run to megabytes: a larger buffer writes them in fewer calls.
    let mut out = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let plans_shown: Vec<_> = if cli.fix_suggestions {
        outcome
            .plans
            .iter()
            .flatten()
            .map(|p| p.plan.clone())
            .collect()
    } else {
        Vec::new()
    };
    let written = write_report(&report, &plans_shown, &mut out, cli.format, cli.statistics)
        .and_then(|()| {
            if cli.fix_suggestions && cli.format == Format::Human {
                write_plans(&mut out, &outcome.plans)?;
                if outcome.plans.iter().all(Vec::is_empty) {
                    write_no_plan(&mut out, &outcome.applied_unplanned)?;
                }
            }
            out.flush()
        });
    if let Err(e) = written {
        eprintln!("error: cannot write output: {e}");
        return 2;
    }
    if !outcome.input_errors.is_empty() {
        2
    } else if fails(&outcome.diagnostics, cli.severity_threshold.severity()) {
        1
    } else {
        0
    }
}

/// The run's options: the arguments over lint.toml over the defaults.
fn options(cli: &Cli) -> Result<Options, String> {
    let config = load_config(cli)?;
    let mut settings = config.settings;
    if let Some(v) = cli.postgres_version {
        settings.postgres_version = v;
    }
    if let Some(v) = cli.prisma_version {
        settings.prisma_version = Some(v);
    }
    let (database_url, swallowed_path) = database_url_arg(cli);
    let paths = if let Some(path) = swallowed_path {
        cli.paths.iter().cloned().chain([path]).collect()
    } else if !cli.paths.is_empty() {
        cli.paths.clone()
    } else if !config.migrations.is_empty() {
        config.migrations
    } else {
        vec![PathBuf::from(".")]
    };
    // A CI job starts from a fresh checkout: a snapshot would only cost its writing, unless a folder is kept.
    let in_ci = std::env::var("CI").is_ok_and(|v| !matches!(v.as_str(), "" | "0" | "false"));
    let cache_dir = match &cli.cache_dir {
        _ if cli.no_cache => None,
        Some(dir) => Some(dir.clone()),
        None if in_ci => None,
        None => Some(PathBuf::from(cache::DEFAULT_DIR)),
    };
    Ok(Options {
        paths,
        settings,
        changed_since: cli.changed_since.clone(),
        base: cli.base.clone().or(config.base),
        database_url,
        cache_dir,
        fix_suggestions: cli.fix_suggestions,
        fix: cli.fix,
        fix_threshold: cli.severity_threshold.severity(),
        // A baseline being written takes every finding.
        baseline: cli
            .baseline
            .clone()
            .filter(|_| cli.write_baseline.is_none()),
        verbose: cli.verbose,
    })
}

/// Writes the plans of `--fix`, then lints again and reports what is left (its exit code is the run's).
fn fix_and_lint_again(cli: &Cli, plans: &[Vec<PlannedFix>], errors: &[String]) -> u8 {
    if !errors.is_empty() {
        for e in errors {
            eprintln!("error: {}", escape_controls(e));
        }
        eprintln!("error: nothing was fixed");
        return 2;
    }
    use std::fmt::Write as _;
    // What was done, said once it is all known; it quotes the migrations' names and SQL, so their control
    // characters are escaped.
    let mut said = String::new();
    let say = |said: &str| eprint!("{}", escape_controls_but_lines(said));
    for history in plans.iter().filter(|p| !p.is_empty()) {
        if let Err(e) = fix_run::write(history) {
            say(&said);
            eprintln!("error: {}", escape_controls(&e.to_string()));
            return 2;
        }
        for planned in history {
            let plan = &planned.plan;
            let names: Vec<&str> = plan.replacement.iter().map(|m| m.name.as_str()).collect();
            let _ = writeln!(
                said,
                "fixed {} ({}): {}",
                plan.migration,
                plan.fixes.join(", "),
                if names.is_empty() {
                    "nothing is left of it: deleted".to_string()
                } else {
                    format!("now {}", names.join(", "))
                }
            );
            for change in &plan.schema {
                let _ = writeln!(
                    said,
                    "  edited {}:{} ({})",
                    change.file, change.line, change.why
                );
            }
            for (i, step) in plan.later.iter().enumerate() {
                let _ = writeln!(said, "  later release, step {}: {}", i + 1, step.what);
                if let Some(sql) = &step.sql {
                    for line in sql.lines() {
                        let _ = writeln!(said, "      {line}");
                    }
                }
            }
            for finding in &plan.unfixed {
                let _ = writeln!(said, "  not fixed: {finding}");
            }
        }
    }
    say(&said);
    let mut again = cli.clone();
    again.fix = false;
    run(&again)
}

/// `--fix-suggestions` for humans: each plan as a short diff.
fn write_plans(out: &mut impl Write, plans: &[Vec<PlannedFix>]) -> io::Result<()> {
    for planned in plans.iter().flatten() {
        let root = display_path(&planned.root);
        writeln!(
            out,
            "\n{}",
            escape_controls_but_lines(&planned.plan.render(&planned.original, &root))
        )?;
    }
    Ok(())
}

/// `--fix-suggestions` for humans when no plan was printed because the migrations with findings are applied: one line
/// that says so, rather than silence.
fn write_no_plan(out: &mut impl Write, applied: &[(String, Vec<String>)]) -> io::Result<()> {
    if applied.is_empty() {
        return Ok(());
    }
    let mut holders: Vec<&str> = applied
        .iter()
        .flat_map(|(_, h)| h.iter().map(String::as_str))
        .collect();
    holders.sort_unstable();
    holders.dedup();
    let (n, s, is) = match applied.len() {
        1 => (1, "", "is"),
        n => (n, "s", "are"),
    };
    writeln!(
        out,
        "\nno fix plan: the {n} migration{s} with findings {is} already applied ({}); a fix goes in a new migration",
        escape_controls(&holders.join(", "))
    )
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
    plans: &[crate::fix::plan::MigrationPlan],
    out: &mut impl Write,
    format: Format,
    statistics: bool,
) -> io::Result<()> {
    match format {
        Format::Json => write_json_with_plans(report, plans, out)?,
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

/// `--database-url` without a value followed by a path takes the path as its value: give it back to the paths.
fn database_url_arg(cli: &Cli) -> (Option<Option<String>>, Option<PathBuf>) {
    match &cli.database_url {
        Some(Some(value)) if !value.contains("://") && Path::new(value).exists() => {
            (Some(None), Some(PathBuf::from(value)))
        }
        other => (other.clone(), None),
    }
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
