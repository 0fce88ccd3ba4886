//! The command line: read configuration, discover histories, lint each, render, and pick the exit code.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::baseline;
use crate::config::{self, Config};
use crate::diagnostic::{Diagnostic, Severity};
use crate::discover::{discover_paths, History};
use crate::lint::lint_history;
use crate::report::{render_human, render_json, Format, Report};
use crate::rules::RULES;
use crate::source::SourceFile;

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

    /// Major version of the target PostgreSQL (overrides lint.toml; default 15).
    #[arg(long, value_name = "N")]
    postgres_version: Option<u32>,

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
}

fn parse_prisma_version(text: &str) -> Result<(u32, u32, u32), String> {
    config::parse_version(text).ok_or_else(|| format!("`{text}` is not a version like 6.1.0"))
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List every rule with its id, default severity and summary.
    Rules,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Rules) => {
            print_rules();
            ExitCode::SUCCESS
        }
        None => ExitCode::from(run(&cli)),
    }
}

fn print_rules() {
    for rule in RULES {
        println!(
            "{:<30} {:<8} {:<12} {}",
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
}

/// Exit codes: 0 clean, 1 an error-severity finding, 2 a usage, configuration or input error.
fn run(cli: &Cli) -> u8 {
    let mut config = match load_config(cli) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
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
            eprintln!("error: {e}");
            return 2;
        }
    };
    let paths = if !cli.paths.is_empty() {
        cli.paths.clone()
    } else if !config.migrations.is_empty() {
        config.migrations.clone()
    } else {
        vec![PathBuf::from(".")]
    };

    let (histories, discover_errors) = discover_paths(&paths);
    let mut input_errors: Vec<String> = discover_errors
        .iter()
        .map(|e| format!("{}: {}", display_path(&e.path), e.message))
        .collect();

    let mut files = Vec::new();
    let mut diagnostics = Vec::new();
    let (mut statements, mut unparsed, mut reported_files) = (0, 0, 0);
    for history in &histories {
        if let Some(provider) = history.provider.as_deref().filter(|p| *p != "postgresql") {
            input_errors.push(format!(
                "{}: provider is \"{provider}\" in migration_lock.toml; migrate-lint checks PostgreSQL \
                 migrations only, so this folder was skipped",
                display_path(&history.root.join("migration_lock.toml"))
            ));
            continue;
        }
        let (sources, report, read_errors) = read_history(history);
        input_errors.extend(read_errors);
        let result = lint_history(&sources, &report, &config.settings);
        let offset = files.len();
        diagnostics.extend(result.diagnostics.into_iter().map(|d| Diagnostic {
            file: d.file + offset,
            ..d
        }));
        statements += result.statements;
        unparsed += result.unparsed;
        reported_files += report.iter().filter(|r| **r).count();
        files.extend(sources);
    }

    for e in &input_errors {
        eprintln!("error: {e}");
    }
    if let Some(path) = &cli.write_baseline {
        return match baseline::write(path, &diagnostics, &files) {
            Ok(n) => {
                eprintln!("wrote {n} accepted findings to {}", display_path(path));
                0
            }
            Err(e) => {
                eprintln!("error: {e}");
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
    };
    match cli.format {
        Format::Json => println!("{}", render_json(&report)),
        Format::Human => {
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            if let Err(e) = render_human(&report, color) {
                eprintln!("error: cannot write output: {e}");
                return 2;
            }
        }
    }
    if !input_errors.is_empty() {
        2
    } else if diagnostics.iter().any(|d| d.severity == Severity::Error) {
        1
    } else {
        0
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

/// Reads every migration of a history; unreadable or non-UTF-8 files are reported and linted as far as possible.
fn read_history(history: &History) -> (Vec<SourceFile>, Vec<bool>, Vec<String>) {
    let mut sources = Vec::new();
    let mut report = Vec::new();
    let mut errors = Vec::new();
    for migration in &history.migrations {
        let display = display_path(&migration.sql);
        let text = match std::fs::read(&migration.sql) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => text,
                Err(e) => {
                    let valid = e.utf8_error().valid_up_to();
                    let bytes = e.into_bytes();
                    let line = bytes[..valid].iter().filter(|b| **b == b'\n').count() + 1;
                    errors.push(format!(
                        "{display}:{line}: not valid UTF-8 (byte {valid}); invalid bytes were replaced to lint the rest"
                    ));
                    String::from_utf8_lossy(&bytes).into_owned()
                }
            },
            Err(e) => {
                errors.push(format!("{display}: cannot read: {e}"));
                continue;
            }
        };
        let reported = match &history.report_only {
            None => true,
            Some(only) => only.iter().any(|p| same_file(p, &migration.sql)),
        };
        sources.push(SourceFile::new(
            migration.sql.clone(),
            display,
            migration.name.clone(),
            text,
        ));
        report.push(reported);
    }
    (sources, report, errors)
}

fn same_file(a: &Path, b: &Path) -> bool {
    a == b || matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
}

/// Paths as the user gave them, without a leading `./`.
fn display_path(path: &Path) -> String {
    let shown = path.to_string_lossy();
    shown.strip_prefix("./").unwrap_or(&shown).to_string()
}
