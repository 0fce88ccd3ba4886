//! The pipeline for one migration history: split → parse → lower → replay into the catalog → rules.

use rayon::prelude::*;

use crate::catalog::Catalog;
use crate::engine::relevance;
use crate::engine::suppress::{apply as apply_suppressions, directives, FileSuppressions};
use crate::ops::{fully_recognized, lower_from_tokens, lower_prisma_shape, lower_statement, Op};
use crate::rules::diagnostic::{Diagnostic, Finding};
use crate::rules::settings::{RunState, Settings};
use crate::rules::{
    Check, HistoryCheck, HistoryContext, MigrationCheck, MigrationContext, NewObjects, OpCheck,
    OpContext, ReplayedOp, Rule, StatementCheck, StatementContext, RULES,
};
use crate::syntax::parse::{parse_statement, Statement};
use crate::syntax::source::SourceFile;
use crate::syntax::split::{split, Comment};

#[derive(Debug, Default)]
pub struct LintResult {
    pub diagnostics: Vec<Diagnostic>,
    pub statements: usize,
    pub unparsed: usize,
}

/// Files analysed in parallel before their replay.
const PARALLEL_BATCH: usize = 64;

/// Needed statements that are analysed in one batch however many files they are spread over.
const FEW_STATEMENTS: usize = 5_000;

/// A file after splitting, parsing and lowering: everything that does not depend on earlier migrations.
#[derive(Default)]
pub struct AnalyzedFile {
    pub statements: Vec<Statement>,
    /// Per statement: rejected by sqlparser but fully read from tokens.
    pub recognized_by_tokens: Vec<bool>,
    pub ops: Vec<Op>,
    pub comments: Vec<Comment>,
}

pub fn analyze(file: &SourceFile) -> AnalyzedFile {
    on_deep_stacks(|| analyze_needed(file, None))
}

/// Runs `work` on the linter's own threads, whose stacks hold the deepest tree the parser is given
/// ([`crate::syntax::parse::MAX_CHAIN`]); rayon's default threads (2 MiB) overflow on far shorter operator chains.
pub(crate) fn on_deep_stacks<R: Send>(work: impl FnOnce() -> R + Send) -> R {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    let pool = POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .stack_size(crate::syntax::parse::LINT_STACK_BYTES)
            .thread_name(|i| format!("lint-{i}"))
            .build()
            .ok()
    });
    match pool {
        Some(pool) => pool.install(work),
        // No threads to be had: lint on this one rather than not at all.
        None => work(),
    }
}

/// [`analyze`], parsing and lowering only the statements `needed` marks (all of them when None); the others are left
/// out of the result.
fn analyze_needed(file: &SourceFile, needed: Option<&[bool]>) -> AnalyzedFile {
    let text = &file.text;
    if needed.is_some_and(|n| !n.contains(&true)) {
        return AnalyzedFile::default();
    }
    let split = split(text);
    let mut analyzed = AnalyzedFile {
        statements: Vec::with_capacity(split.statements.len()),
        recognized_by_tokens: Vec::with_capacity(split.statements.len()),
        ops: Vec::new(),
        comments: split.comments,
    };
    // One statement at a time, so only one AST is alive per thread.
    for (index, raw) in split.statements.into_iter().enumerate() {
        if needed.is_some_and(|n| !n.get(index).copied().unwrap_or(true)) {
            continue;
        }
        // The shapes Prisma writes need no parse: their tokens say all that sqlparser would. Nor do the statements
        // read from tokens whatever sqlparser makes of them (data changes, SET, WITH, CREATE FUNCTION, ...).
        let shape = match raw.unterminated {
            None => lower_prisma_shape(text, &raw.tokens, &raw.span)
                .or_else(|| lower_from_tokens(text, &raw.tokens, &raw.span)),
            Some(_) => None,
        };
        let statement = match shape {
            Some(ops) => {
                analyzed.ops.extend(ops);
                Statement::known_to_parse(raw)
            }
            None => {
                let parsed = parse_statement(text, raw);
                analyzed.ops.extend(lower_statement(text, &parsed));
                parsed.without_ast()
            }
        };
        analyzed
            .recognized_by_tokens
            .push(statement.failure.is_some() && fully_recognized(text, &statement.tokens));
        analyzed.statements.push(statement);
    }
    analyzed
}

/// Which statements of unreported files [`lint_history`] parses and replays.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Replayed {
    /// Only those that can change what the reported files' rules see ([`crate::engine::relevance`]).
    #[default]
    Needed,
    /// Every statement (what `Needed` must always agree with).
    All,
}

/// The catalog after the first `files` files of a history, restored from the cache ([`crate::engine::cache`]).
#[derive(Default)]
pub struct Restored {
    pub files: usize,
    pub catalog: Catalog,
}

/// How [`lint_history`] lints a history, beyond its files: the configuration, the run's state, and what a cached
/// run starts from and keeps. [`HistoryRun::new`] lints from nothing, replaying only what the reported files need.
pub struct HistoryRun<'a> {
    pub settings: &'a Settings,
    pub state: &'a RunState,
    /// Ignored (every statement is replayed) when a catalog is restored or kept.
    pub replayed: Replayed,
    /// The files it covers are neither analysed nor replayed (their texts are not read), and every statement after
    /// them is replayed. The restored catalog must hold every object the later files mention
    /// ([`crate::engine::relevance::file_mentions`]).
    pub restored: Restored,
    /// Keep the catalog as it was before each of these files (what the cache stores; none may be a restored file,
    /// and an index past the last file keeps the final catalog).
    pub keep_before: &'a [usize],
}

impl<'a> HistoryRun<'a> {
    pub fn new(settings: &'a Settings, state: &'a RunState) -> Self {
        HistoryRun {
            settings,
            state,
            replayed: Replayed::Needed,
            restored: Restored::default(),
            keep_before: &[],
        }
    }
}

/// Lints a whole history, in order; findings are kept only for files where `report` is true. Returns the catalogs
/// [`HistoryRun::keep_before`] asks for, in that order.
pub fn lint_history(
    files: &[SourceFile],
    report: &[bool],
    how: HistoryRun,
) -> (LintResult, Vec<Catalog>) {
    on_deep_stacks(|| run(files, report, how))
}

/// Splitting, parsing and lowering need no history, so each batch of files is analysed in parallel while the
/// previous batch is replayed in order (`rayon::join`: the calling thread replays, idle workers analyse). At most two
/// batches of analysed files are alive at a time.
fn run(files: &[SourceFile], report: &[bool], how: HistoryRun) -> (LintResult, Vec<Catalog>) {
    let HistoryRun {
        settings,
        state,
        replayed,
        restored,
        keep_before,
    } = how;
    let reported = |i: usize| report.get(i).copied().unwrap_or(false);
    let start = restored.files.min(files.len());
    // What follows a restored catalog is replayed whole (relevance reads the files from the first one), and so is
    // a history whose catalog is kept (the cache must hold every object).
    let replay_needed = replayed == Replayed::Needed && start == 0 && keep_before.is_empty();

    // schema-drift compares the whole final catalog, so it needs every statement.
    let replay_needed = replay_needed && state.schema.is_none();
    let needed: Option<Vec<Vec<bool>>> =
        (replay_needed && !(0..files.len()).all(reported)).then(|| {
            let shapes: Vec<_> = files
                .par_iter()
                .enumerate()
                .map(|(i, f)| relevance::file_shapes(&f.text, reported(i)))
                .collect();
            let texts: Vec<&str> = files.iter().map(|f| f.text.as_str()).collect();
            relevance::needed(&shapes, &texts, report)
        });
    let needed_in = |file: usize| needed.as_ref().and_then(|n| n.get(file)).map(Vec::as_slice);

    let mut replay = Replay {
        files,
        report,
        settings,
        state,
        catalog: restored.catalog,
        checks: Checks::active(settings),
        findings: Findings {
            found: Vec::new(),
            scratch: Vec::new(),
        },
        suppressions: Vec::new(),
        result: LintResult::default(),
        keep_before,
        kept: vec![None; keep_before.len()],
    };
    // Batches bound the memory of analysed files; when few statements are needed, one batch saves the
    // hand-overs between threads, which then cost more than the work.
    let needed_statements: usize = needed
        .iter()
        .flatten()
        .map(|file| file.iter().filter(|n| **n).count())
        .sum();
    let batch_size = if needed.is_some() && needed_statements <= FEW_STATEMENTS {
        files.len().max(1)
    } else {
        PARALLEL_BATCH
    };
    let mut pending: Option<(usize, Vec<AnalyzedFile>)> = None;
    for (batch_index, batch) in files[start..].chunks(batch_size).enumerate() {
        let first = start + batch_index * batch_size;
        let (analyzed, ()) = rayon::join(
            || {
                batch
                    .par_iter()
                    .enumerate()
                    .map(|(i, f)| analyze_needed(f, needed_in(first + i)))
                    .collect::<Vec<_>>()
            },
            || replay.batch(pending.take()),
        );
        pending = Some((first, analyzed));
    }
    replay.batch(pending);
    // A file past the last one: the catalog after the whole history.
    let kept = std::mem::take(&mut replay.kept)
        .into_iter()
        .map(|kept| kept.unwrap_or_else(|| replay.catalog.clone()))
        .collect();
    (replay.finish(), kept)
}

/// The in-order half of [`lint_history`]: the catalog, and what the rules found so far.
struct Replay<'a> {
    files: &'a [SourceFile],
    report: &'a [bool],
    settings: &'a Settings,
    state: &'a RunState,
    catalog: Catalog,
    checks: Checks,
    findings: Findings,
    suppressions: Vec<FileSuppressions>,
    result: LintResult,
    /// Files before which the catalog is kept ([`HistoryRun::keep_before`]), and the catalogs kept so far.
    keep_before: &'a [usize],
    kept: Vec<Option<Catalog>>,
}

impl Replay<'_> {
    /// Replays a batch of analysed files that starts at file `first`.
    fn batch(&mut self, batch: Option<(usize, Vec<AnalyzedFile>)>) {
        let Some((first, analyzed)) = batch else {
            return;
        };
        for (offset, analyzed) in analyzed.into_iter().enumerate() {
            self.file(first + offset, analyzed);
        }
    }

    fn file(&mut self, file_index: usize, analyzed: AnalyzedFile) {
        for (slot, _) in self
            .keep_before
            .iter()
            .enumerate()
            .filter(|(_, &i)| i == file_index)
        {
            self.kept[slot] = Some(self.catalog.clone());
        }
        let (file, settings, state) = (&self.files[file_index], self.settings, self.state);
        let reported = self.report.get(file_index).copied().unwrap_or(false);
        if reported {
            self.result.statements += analyzed.statements.len();
            self.result.unparsed += analyzed
                .statements
                .iter()
                .zip(&analyzed.recognized_by_tokens)
                .filter(|(s, recognized)| s.failure.is_some() && !**recognized)
                .count();
            let spans: Vec<_> = analyzed.statements.iter().map(|s| s.span.clone()).collect();
            self.suppressions.push(FileSuppressions {
                file: file_index,
                directives: directives(&file.text, &analyzed.comments, &spans),
            });
        }
        let statements = analyzed
            .statements
            .iter()
            .zip(&analyzed.recognized_by_tokens);
        for (statement, recognized) in statements.filter(|_| reported) {
            let ctx = StatementContext {
                statement,
                recognized_by_tokens: *recognized,
                file,
                file_index,
                settings,
                state,
            };
            self.findings.run(&self.checks.statement, &ctx);
        }
        // What each operation creates follows from the operations alone, so the migration's checks run before any
        // of it is applied, on the catalog as it stands: the one before the migration, with no snapshot to keep
        // (copying on write every part of the catalog a migration changed after a snapshot of it was most of the
        // replay's cost).
        let mut created = NewObjects::default();
        if reported {
            let mut replayed = Vec::with_capacity(analyzed.ops.len());
            for op in &analyzed.ops {
                let new_table = op.kind.table().is_some_and(|t| created.has_table(t));
                let new_column = match (op.kind.table(), op.kind.column()) {
                    (Some(t), Some(c)) => created.has_column(t, c),
                    _ => false,
                };
                created.record(&op.kind);
                replayed.push(ReplayedOp {
                    op,
                    new_table,
                    new_column,
                });
            }
            let ctx = MigrationContext {
                file,
                file_index,
                ops: &replayed,
                statements: &analyzed.statements,
                catalog_before: &self.catalog,
                created: &created,
                settings,
                state,
            };
            self.findings.run(&self.checks.migration, &ctx);
        }
        for (index, op) in analyzed.ops.iter().enumerate() {
            if reported {
                let ctx = OpContext {
                    op,
                    migration_ops: &analyzed.ops,
                    file,
                    file_index,
                    catalog: &self.catalog,
                    created_here: created.before(index),
                    settings,
                    state,
                };
                self.findings.run(&self.checks.op, &ctx);
            }
            self.catalog.apply(op, file_index);
        }
    }

    /// Runs the whole-history checks and turns the findings of reported files into diagnostics.
    fn finish(mut self) -> LintResult {
        let (files, report, settings, state) = (self.files, self.report, self.settings, self.state);
        let ctx = HistoryContext {
            files,
            report,
            catalog: &self.catalog,
            settings,
            state,
        };
        self.findings.run(&self.checks.history, &ctx);
        let mut result = self.result;
        result.diagnostics = self
            .findings
            .found
            .into_iter()
            // Past the history's files are the schema's (`RunState::schema`), reported with it.
            .filter(|(_, f)| report.get(f.file).copied().unwrap_or(f.file >= files.len()))
            .filter_map(|(rule, f)| {
                Some(Diagnostic {
                    rule: rule.id,
                    severity: settings.finding_severity(rule, f.severity)?,
                    file: f.file,
                    span: f.span,
                    message: f.message,
                    help: f.help,
                    suggestion: f.suggestion,
                })
            })
            .collect();
        apply_suppressions(
            &mut result.diagnostics,
            files,
            &self.suppressions,
            settings,
            state.keep_suggestions,
        );
        result
            .diagnostics
            .sort_by(|a, b| (a.file, a.span.start, a.rule).cmp(&(b.file, b.span.start, b.rule)));
        result
    }
}

/// The checks of the active rules, by the context they need, in registry order: each statement and operation is
/// offered only to the checks that look at it.
struct Checks {
    statement: Vec<(&'static Rule, StatementCheck)>,
    op: Vec<(&'static Rule, OpCheck)>,
    migration: Vec<(&'static Rule, MigrationCheck)>,
    history: Vec<(&'static Rule, HistoryCheck)>,
}

impl Checks {
    fn active(settings: &Settings) -> Checks {
        let mut checks = Checks {
            statement: Vec::new(),
            op: Vec::new(),
            migration: Vec::new(),
            history: Vec::new(),
        };
        for rule in RULES.iter().filter(|r| settings.severity_of(r).is_some()) {
            for check in rule.checks {
                match *check {
                    Check::Statement(f) => checks.statement.push((rule, f)),
                    Check::Op(f) => checks.op.push((rule, f)),
                    Check::Migration(f) => checks.migration.push((rule, f)),
                    Check::History(f) => checks.history.push((rule, f)),
                }
            }
        }
        checks
    }
}

/// A rule and its check that reads context `C`.
type RuleCheck<C> = (&'static Rule, fn(&C, &mut Vec<Finding>));

/// The findings of the active rules, in the order the checks ran.
/// Suggestions are left out by the rules themselves ([`Finding::with_suggestion`]) when the run does not show them.
struct Findings {
    found: Vec<(&'static Rule, Finding)>,
    /// Where one check writes its findings before they are tagged with its rule.
    scratch: Vec<Finding>,
}

impl Findings {
    /// Runs `checks` on `ctx` (a check list of [`Checks`], whose higher-ranked fn types are subtypes of these).
    fn run<C>(&mut self, checks: &[RuleCheck<C>], ctx: &C) {
        for &(rule, check) in checks {
            check(ctx, &mut self.scratch);
            self.found
                .extend(self.scratch.drain(..).map(|finding| (rule, finding)));
        }
    }
}
