//! One lint run, as the library offers it: [`lint`] takes the [`Options`] (the paths, the settings, where applied
//! migrations and the cache are) and returns the [`Outcome`] (every file, finding and input error), doing what lies
//! between: discovery, reading, the applied sources, the cache, linting the histories in parallel, resolving fix
//! suggestions against the Prisma schema, and the baseline. Rendering and the exit code are the caller's.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use rayon::prelude::*;

use super::baseline;
use super::cache::{self, Cache};
use super::fix_run::{self, HistoryPlans, PlannedFix};
use super::lint::{lint_history, on_deep_stacks, HistoryRun, LintResult, Replayed, Restored};
use super::relevance;
use crate::input::applied;
use crate::input::changed::restrict_to_changed;
use crate::input::discover::{list_paths, History, Listing, Migration};
use crate::input::prisma_schema::{unreadable, Schema};
use crate::input::read::{display_path, problems_of, read_history, read_migrations};
use crate::rules::diagnostic::{Diagnostic, Severity};
use crate::rules::drift::{self, FoundSchema};
use crate::rules::settings::{RunState, Settings};
use crate::syntax::source::SourceFile;

/// What to lint, and how.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Migrations folders, single migration folders or migration.sql files.
    pub paths: Vec<PathBuf>,
    pub settings: Settings,
    /// Report only migrations changed since this git ref (earlier ones are still replayed).
    pub changed_since: Option<String>,
    /// The git ref whose migrations count as applied.
    pub base: Option<String>,
    /// Read applied migrations from this database (`Some(None)`: the URL in DATABASE_URL).
    pub database_url: Option<Option<String>>,
    /// Where a run on the newest files of a history keeps the catalog of the earlier ones; None: no cache.
    pub cache_dir: Option<PathBuf>,
    /// Keep each finding's fix suggestion, resolved against the Prisma schema, and plan each unapplied migration's
    /// fix (what `--fix-suggestions` shows).
    pub fix_suggestions: bool,
    /// Plan the fixes `--fix` writes (of the findings at or above `fix_threshold`).
    pub fix: bool,
    /// The lowest severity a plan fixes.
    pub fix_threshold: Severity,
    /// Report only findings not in this baseline file.
    pub baseline: Option<PathBuf>,
    /// Collect notes on what was skipped or restored, and why.
    pub verbose: bool,
}

/// Everything a run found, in discovery order.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Every file of every history (a finding's `file` indexes here).
    pub files: Vec<SourceFile>,
    pub diagnostics: Vec<Diagnostic>,
    pub statements: usize,
    pub unparsed: usize,
    /// How many files on disk were reported on.
    pub reported_files: usize,
    /// Files or sources that could not be read: the run is incomplete (exit code 2), the rest was linted.
    pub input_errors: Vec<String>,
    /// With [`Options::verbose`]: what was skipped or restored, and why.
    pub notes: Vec<String>,
    /// With [`Options::fix`] or [`Options::fix_suggestions`]: each history's plans of the migrations not applied yet.
    pub plans: Vec<Vec<PlannedFix>>,
    /// With a plan asked for: the applied migrations with a finding to fix, which get no plan, and the sources that
    /// hold them.
    pub applied_unplanned: Vec<(String, Vec<String>)>,
}

/// Lints every history `options` names. An error stops the run before anything is linted (an unknown git ref for
/// `changed_since`, an unreadable baseline).
///
/// All of it runs in the linter's one thread pool: work started from rayon's global pool waited there for the
/// linter's threads, and the run paid for twice the threads the cores can run (about a fifth of a corpus run's wall
/// time on 2 cores).
pub fn lint(options: &Options) -> Result<Outcome, String> {
    on_deep_stacks(|| lint_on_threads(options))
}

fn lint_on_threads(options: &Options) -> Result<Outcome, String> {
    let mut baseline = options
        .baseline
        .as_deref()
        .map(baseline::load)
        .transpose()?;
    let listed = list_paths(&options.paths);
    let listings = listed.listings;
    // Which entries are migrations is looked into by the thread that lints the history, while the others lint,
    // unless `changed_since` must see every history first.
    let histories: Option<Vec<History>> = match &options.changed_since {
        Some(git_ref) => {
            let mut histories: Vec<History> = listings.par_iter().map(Listing::history).collect();
            restrict_to_changed(&mut histories, git_ref)?;
            Some(histories)
        }
        None => None,
    };
    let mut outcome = Outcome {
        input_errors: listed
            .errors
            .iter()
            .map(|e| format!("{}: {}", display_path(&e.path), e.message))
            .collect(),
        ..Outcome::default()
    };
    if options.verbose {
        outcome.notes.extend(listed.skipped.iter().map(|e| {
            format!(
                "{}: {}; not searched (no migrations folder is named like it)",
                display_path(&e.path),
                e.message
            )
        }));
    }
    let base = options.base.as_deref();
    let database = match applied::read_database(options.database_url.as_ref(), listings.len()) {
        Ok(rows) => rows,
        Err(e) => {
            outcome.input_errors.push(e);
            None
        }
    };
    if options.verbose && base.is_none() && database.is_none() {
        let why = if options.database_url.is_some() {
            "the database could not be read"
        } else {
            "no --base or --database-url given"
        };
        outcome.notes.push(format!(
            "edited-applied-migration, migration-out-of-order, failed-migration: {why}; skipped"
        ));
    }
    // Histories are independent: lint them in parallel, then merge in discovery order.
    let sizes: Vec<usize> = match &histories {
        Some(histories) => histories.iter().map(|h| h.migrations.len()).collect(),
        None => listings.iter().map(Listing::entries).collect(),
    };
    let outcomes = largest_first(&sizes, |i| {
        let database = database.as_ref();
        match &histories {
            Some(histories) => lint_one(&histories[i], options, base, database),
            None => lint_listing(&listings[i], options, base, database),
        }
    });
    // Reserved once: grown history by history, the two lists were copied over and over in this single-threaded
    // step (1.0 to 1.3 ms of a corpus run before, 0.5 to 0.9 ms now).
    let linted = || outcomes.iter().filter_map(|h| h.linted.as_ref());
    outcome
        .files
        .reserve(linted().map(|(sources, _, _)| sources.len()).sum());
    outcome.diagnostics.reserve(
        linted()
            .map(|(_, _, result)| result.diagnostics.len())
            .sum(),
    );
    for history in outcomes {
        outcome.plans.push(history.plans.fixes);
        outcome.applied_unplanned.extend(history.plans.applied);
        outcome.notes.extend(history.notes);
        outcome.input_errors.extend(history.errors);
        let Some((sources, report, result)) = history.linted else {
            continue;
        };
        let offset = outcome.files.len();
        outcome
            .diagnostics
            .extend(result.diagnostics.into_iter().map(|d| Diagnostic {
                file: d.file + offset,
                ..d
            }));
        outcome.statements += result.statements;
        outcome.unparsed += result.unparsed;
        outcome.reported_files += report
            .iter()
            .zip(&sources)
            .filter(|(r, f)| **r && !f.missing)
            .count();
        outcome.files.extend(sources);
    }
    if let Some(baseline) = &mut baseline {
        baseline.filter(&mut outcome.diagnostics, &outcome.files);
    }
    Ok(outcome)
}

/// Resolves the schema edits of the suggestions against the history's schema, found as schema-drift finds it (the
/// path `prisma.config.ts` or `package.json` names, else beside the migrations folder), if any.
fn resolve_suggestions(
    history: &History,
    diagnostics: &mut [Diagnostic],
    errors: &mut Vec<String>,
) {
    let path = drift::locate::schema_for(&history.root).unwrap_or_else(|e| {
        // Said once: schema-drift, when on, has said it already, with what it could not check.
        let said = format!("{}: {}", display_path(&e.path), e.message);
        if !errors.iter().any(|error| error.starts_with(&said)) {
            errors.push(said);
        }
        None
    });
    let schema = path.and_then(|path| {
        Schema::load(&path, history.project.as_deref())
            .map_err(|e| errors.push(unreadable(&e, &display_path)))
            .ok()
    });
    for suggestion in diagnostics.iter_mut().filter_map(|d| d.suggestion.as_mut()) {
        suggestion.resolve_schema(schema.as_ref(), &display_path);
    }
}

/// `lint(i)` for every `i` below `sizes.len()`, in that order. They run in parallel, largest first, each started by
/// the next thread that is free: in discovery order a large history could start last and then run alone while the
/// other cores idle.
fn largest_first<T: Send>(sizes: &[usize], lint: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(sizes[i]));
    let (order, next, lint) = (&order, &AtomicUsize::new(0), &lint);
    // Filled by whichever thread lints each history; the scope returns once every loop has ended (a panic in one
    // comes out of the scope).
    let outcomes: Vec<Mutex<Option<T>>> = sizes.iter().map(|_| Mutex::new(None)).collect();
    let slots = &outcomes;
    rayon::in_place_scope(|scope| {
        // One loop per thread, pinned to it (a broadcast): a loop that was merely spawned could be picked up by a
        // thread waiting inside another history's parallel work, which would then finish every history left before
        // going back to its own.
        scope.spawn_broadcast(move |_, _| {
            while let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
                let outcome = lint(i);
                *slots[i].lock().unwrap_or_else(PoisonError::into_inner) = Some(outcome);
            }
        });
    });
    outcomes
        .into_iter()
        .map(|slot| {
            let outcome = slot.into_inner().unwrap_or_else(PoisonError::into_inner);
            outcome.expect("every history is linted")
        })
        .collect()
}

/// What linting one history produced: its files and result (unless it was skipped), input errors, verbose notes.
struct HistoryOutcome {
    linted: Option<(Vec<SourceFile>, Vec<bool>, LintResult)>,
    errors: Vec<String>,
    notes: Vec<String>,
    /// With `--fix` or `--fix-suggestions`: the plans of the migrations not applied yet.
    plans: HistoryPlans,
}

/// Lints a listed folder (a folder of another database is skipped unread: `lint_one` says why).
fn lint_listing(
    listing: &Listing,
    options: &Options,
    base: Option<&str>,
    database: Option<&(String, Vec<applied::database::MigrationRow>)>,
) -> HistoryOutcome {
    lint_one(&listing.history(), options, base, database)
}

/// Whether migrations of a `migration_lock.toml` provider are PostgreSQL's (no lock file: assumed so).
fn is_linted_provider(provider: Option<&str>) -> bool {
    provider.is_none_or(|p| p == "postgresql")
}

/// Lints one history.
fn lint_one(
    history: &History,
    options: &Options,
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
            plans: HistoryPlans::default(),
        };
    }
    let mut state = RunState {
        applied: None,
        schema: drift_schema(history, options, &mut errors, &mut notes),
        keep_suggestions: options.fix_suggestions || options.fix,
    };
    // The cache stands in for the earlier files only where nothing else reads them (applied migrations do).
    if base.is_none() && database.is_none() {
        if let Some((cache, first)) = cache_for(history, options) {
            let (sources, report, result) = lint_cached(
                history,
                &cache,
                first,
                HistoryRun::new(&options.settings, &state),
                &mut errors,
                options.verbose.then_some(&mut notes),
            );
            let (sources, report) = with_schema_files((sources, report), state.schema, &result);
            return finish_history(
                history,
                options,
                (sources, report, result),
                errors,
                notes,
                None,
            );
        }
    }
    let (mut sources, mut report, read_errors) = read_history(history);
    errors.extend(read_errors);
    if base.is_some() || database.is_some() {
        let (set, applied_errors) = applied::collect(&history.root, base, database);
        errors.extend(applied_errors);
        if options.verbose {
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
        state.applied = Some(Arc::new(set));
    }
    let (result, _) = lint_history(
        &sources,
        &report,
        HistoryRun::new(&options.settings, &state),
    );
    let (sources, report) = with_schema_files((sources, report), state.schema, &result);
    finish_history(
        history,
        options,
        (sources, report, result),
        errors,
        notes,
        database,
    )
}

/// The schema `schema-drift` compares the history with: found beside the folder, when the rule is on and the run
/// reports the newest migration (a run on older ones says nothing about the schema of today).
fn drift_schema(
    history: &History,
    options: &Options,
    errors: &mut Vec<String>,
    notes: &mut Vec<String>,
) -> Option<Arc<FoundSchema>> {
    let rule = crate::rules::find("schema-drift")?;
    options.settings.severity_of(rule)?;
    let newest = history.migrations.last()?;
    if history
        .report_only
        .as_ref()
        .is_some_and(|only| !only.contains(&newest.sql))
    {
        return None;
    }
    let path = match drift::locate::schema_for(&history.root) {
        Ok(Some(path)) => path,
        Ok(None) => {
            if options.verbose {
                notes.push(format!(
                    "{}: no Prisma schema beside this folder, so schema-drift was not checked",
                    display_path(&history.root)
                ));
            }
            return None;
        }
        Err(e) => {
            errors.push(format!(
                "{}: {}; schema-drift was not checked",
                display_path(&e.path),
                e.message
            ));
            return None;
        }
    };
    let project = history.project.as_deref();
    match FoundSchema::load(&path, project, &|p: &std::path::Path| display_path(p)) {
        Ok(found) if found.is_postgres() => Some(Arc::new(found)),
        Ok(_) => None,
        Err(e) => {
            errors.push(unreadable(&e, &display_path));
            None
        }
    }
}

/// Findings of schema-drift on the schema point past the history's files (`RunState::schema`): append them, when
/// there are any. The run is over, so the schema's files are moved, not copied, when nothing else holds them.
fn with_schema_files(
    (mut sources, mut report): (Vec<SourceFile>, Vec<bool>),
    schema: Option<Arc<FoundSchema>>,
    result: &LintResult,
) -> (Vec<SourceFile>, Vec<bool>) {
    let on_schema = result.diagnostics.iter().any(|d| d.file >= sources.len());
    if let Some(found) = schema.filter(|_| on_schema) {
        report.extend(found.sources.iter().map(|_| false));
        match Arc::try_unwrap(found) {
            Ok(found) => sources.extend(found.sources),
            Err(shared) => sources.extend(shared.sources.iter().cloned()),
        }
    }
    (sources, report)
}

fn finish_history(
    history: &History,
    options: &Options,
    (sources, report, mut result): (Vec<SourceFile>, Vec<bool>, LintResult),
    mut errors: Vec<String>,
    notes: Vec<String>,
    database: Option<&(String, Vec<applied::database::MigrationRow>)>,
) -> HistoryOutcome {
    let mut plans = HistoryPlans::default();
    if options.fix_suggestions || options.fix {
        resolve_suggestions(history, &mut result.diagnostics, &mut errors);
        let base = options.base.as_deref().unwrap_or("HEAD");
        match fix_run::plan_history(
            history,
            &sources,
            &result.diagnostics,
            options.fix_threshold,
            base,
            database,
            &display_path,
            options.fix,
        ) {
            Ok(p) => plans = p,
            // A schema that cannot be read was said above: no plan is made for its history.
            Err(e) if errors.contains(&e) => {}
            Err(e) => errors.push(format!("{}: {e}", display_path(&history.root))),
        }
    }
    // The drift check and the suggestions each read the schema: one file that cannot be read is one error.
    let mut seen = HashSet::new();
    errors.retain(|e| seen.insert(e.clone()));
    HistoryOutcome {
        linted: Some((sources, report, result)),
        errors,
        notes,
        plans,
    }
}

/// The cache a run uses for this history, and the index of its first reported file: only when the run reports
/// the newest migrations of a longer history (every file from the first reported one on), as a pre-commit hook does.
fn cache_for(history: &History, options: &Options) -> Option<(Cache, usize)> {
    // A plan replays every earlier file's text, which a cached run does not read.
    if options.fix || options.fix_suggestions {
        return None;
    }
    let dir = options.cache_dir.as_ref()?;
    let only = history.report_only.as_ref()?;
    let reported = |m: &Migration| only.contains(&m.sql);
    let first = history.migrations.iter().position(reported)?;
    let suffix = history.migrations[first..].iter().all(reported);
    (first > 0 && suffix).then(|| (Cache::at(dir.clone()), first))
}

/// Lints a history whose files from `first` on are reported, starting from the catalog the cache restores for the
/// files before: all of them when they are unchanged, else those a snapshot covers and that are unchanged (a
/// migration was added since), else none. Earlier files the snapshot does not cover are read and replayed, and the
/// catalog before `first` is then saved for the next run.
fn lint_cached(
    history: &History,
    cache: &Cache,
    first: usize,
    how: HistoryRun,
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
    let names = names.filter(|_| how.state.schema.is_none());
    let loaded = cache
        .load(
            &history.root,
            earlier,
            history.project.as_deref(),
            names.as_deref(),
        )
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
    let keep: &[usize] = if covers < first { &[first] } else { &[] };
    let how = HistoryRun {
        replayed: Replayed::All,
        restored: Restored {
            files: covers,
            catalog: loaded.catalog,
        },
        keep_before: keep,
        ..how
    };
    let (result, kept) = lint_history(&sources, &report, how);
    if let (Some(catalog), true) = (kept.first(), complete) {
        match cache.save(&history.root, &recorded, catalog) {
            Ok(()) => note(format!("{root}: the cache was written")),
            Err(e) => note(format!("{root}: the cache was not written: {e}")),
        }
    }
    (sources, report, result)
}
