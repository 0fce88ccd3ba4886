//! A run that reports some files of a history replays only the statements of the other files that can matter to
//! them (`relevance`). It must find exactly what a full replay finds: checked here on every history of
//! ../shared/corpus and on the fixtures, with every rule on and suggestions kept (they read the catalog too).

mod support;

use std::path::{Path, PathBuf};

use migrate_lint::engine::cache;
use migrate_lint::engine::lint::{lint_history, HistoryRun, Replayed, Restored};
use migrate_lint::engine::relevance::file_mentions;
use migrate_lint::input::discover::discover_paths;
use migrate_lint::rules::diagnostic::Diagnostic;
use migrate_lint::rules::settings::RunState;
use migrate_lint::rules::settings::Settings;
use migrate_lint::rules::RULES;
use migrate_lint::syntax::source::SourceFile;
use support::random::Lcg;

fn every_rule_on() -> Settings {
    let mut settings = Settings::default();
    for rule in RULES {
        settings
            .severities
            .insert(rule.id.to_string(), Some(rule.default_severity));
    }
    settings
}

fn histories(root: &Path) -> Vec<(PathBuf, Vec<SourceFile>)> {
    let (histories, errors) = discover_paths(&[root.to_path_buf()]);
    assert!(errors.is_empty(), "{errors:?}");
    histories
        .into_iter()
        .map(|h| {
            let files = h
                .migrations
                .iter()
                .map(|m| {
                    let bytes = std::fs::read(&m.sql).unwrap();
                    let text = String::from_utf8_lossy(&bytes).into_owned();
                    SourceFile::new(
                        m.sql.clone(),
                        m.sql.display().to_string(),
                        m.name.clone(),
                        text,
                    )
                })
                .collect();
            (h.root, files)
        })
        .collect()
}

/// Lints the whole history once, then each sampled file alone with only the needed statements replayed, and
/// compares. Returns how many files were compared.
fn check_history(root: &Path, files: &[SourceFile], samples: usize) -> usize {
    let (settings, state) = (every_rule_on(), RunState::default());
    let how = || HistoryRun::new(&settings, &state);
    let step = (files.len() / samples.max(1)).max(1);
    let mut chosen: Vec<usize> = (0..files.len()).step_by(step).collect();
    chosen.push(files.len() - 1);
    chosen.dedup();
    let all = vec![true; files.len()];
    let (full, catalogs_before) = lint_history(
        files,
        &all,
        HistoryRun {
            keep_before: &chosen,
            ..how()
        },
    );
    let full = full.diagnostics;
    for &i in &chosen {
        let mut report = vec![false; files.len()];
        report[i] = true;
        let alone = lint_history(files, &report, how()).0.diagnostics;
        let expected: Vec<&Diagnostic> = full.iter().filter(|d| d.file == i).collect();
        let got: Vec<&Diagnostic> = alone.iter().collect();
        assert_eq!(
            got,
            expected,
            "{}: {} linted alone (only needed statements replayed) differs from the full replay",
            root.display(),
            files[i].migration
        );
    }
    // The comparison above assumes a file's findings do not depend on which other files are reported.
    let last = files.len() - 1;
    let mut report = vec![false; files.len()];
    report[last] = true;
    let all_replayed = lint_history(
        files,
        &report,
        HistoryRun {
            replayed: Replayed::All,
            ..how()
        },
    )
    .0
    .diagnostics;
    assert_eq!(
        all_replayed.iter().collect::<Vec<_>>(),
        full.iter().filter(|d| d.file == last).collect::<Vec<_>>(),
        "{}: reporting one file changed its findings",
        root.display()
    );
    check_restored(root, files, &full, &chosen, catalogs_before);
    chosen.len()
}

/// The cache's ways, as a pre-commit run takes them. Exact: the catalog before file `i` goes through the snapshot,
/// only the objects files `i..` mention come back, and those files are linted from there without the earlier files'
/// texts. Extended: the whole snapshot of an earlier chosen file comes back, and the files up to `i` are replayed on
/// top (a migration was added since the snapshot). The findings in files `i..` must be the full replay's.
fn check_restored(
    root: &Path,
    files: &[SourceFile],
    full: &[Diagnostic],
    chosen: &[usize],
    catalogs_before: Vec<migrate_lint::catalog::Catalog>,
) {
    let (settings, state) = (every_rule_on(), RunState::default());
    let mut previous: Option<(usize, migrate_lint::catalog::Catalog)> = None;
    for (&i, catalog) in chosen.iter().zip(catalogs_before).filter(|(&i, _)| i > 0) {
        let names: Option<Vec<String>> = files[i..]
            .iter()
            .map(|f| file_mentions(&f.text))
            .collect::<Option<Vec<_>>>()
            .map(|names| names.concat());
        let exact = cache::round_trip(&catalog, names.as_deref()).expect("the snapshot reads back");
        let mut starts = vec![("exact", i, exact)];
        if let Some((covers, earlier)) = previous.replace((i, catalog)) {
            let whole = cache::round_trip(&earlier, None).expect("the snapshot reads back");
            starts.push(("extended", covers, whole));
        }
        for (way, covers, catalog) in starts {
            let unread = files[..covers].iter().map(|f| {
                SourceFile::new(
                    f.path.clone(),
                    f.display.clone(),
                    f.migration.clone(),
                    String::new(),
                )
            });
            let linted: Vec<SourceFile> = unread.chain(files[covers..].iter().cloned()).collect();
            let mut report = vec![false; files.len()];
            report[i..].fill(true);
            let restored = Restored {
                files: covers,
                catalog,
            };
            let how = HistoryRun {
                restored,
                ..HistoryRun::new(&settings, &state)
            };
            let got = lint_history(&linted, &report, how).0;
            let expected: Vec<&Diagnostic> = full.iter().filter(|d| d.file >= i).collect();
            assert_eq!(
                got.diagnostics.iter().collect::<Vec<_>>(),
                expected,
                "{}: {} and later, linted from the cached catalog ({way}), differ from the full replay",
                root.display(),
                files[i].migration
            );
        }
    }
}

#[test]
fn linting_one_file_finds_what_a_full_replay_finds_on_the_corpus() {
    let Some(root) = support::corpus::corpus_root() else {
        return;
    };
    // About 40 files of each history; `MIGRATE_LINT_SAMPLES=100000` compares every file (10 s in release).
    let samples = std::env::var("MIGRATE_LINT_SAMPLES")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(40);
    let mut compared = 0;
    for (history, files) in histories(&root) {
        compared += check_history(&history, &files, samples);
    }
    assert!(compared > 200, "only {compared} files compared");
}

#[test]
fn linting_one_file_finds_what_a_full_replay_finds_on_the_fixtures() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    for entry in std::fs::read_dir(&fixtures).unwrap().flatten() {
        for (history, files) in histories(&entry.path()) {
            if !files.is_empty() {
                check_history(&history, &files, usize::MAX);
            }
        }
    }
}

/// One random, mostly valid schema change over a few tables, types and indexes that keep being renamed, dropped
/// and referenced: the links `relevance` must follow.
fn random_statement(rng: &mut Lcg) -> String {
    let t = |rng: &mut Lcg| format!("\"T{}\"", rng.below(5));
    let c = |rng: &mut Lcg| format!("\"c{}\"", rng.below(3));
    let i = |rng: &mut Lcg| format!("\"i{}\"", rng.below(4));
    let e = |rng: &mut Lcg| format!("\"E{}\"", rng.below(2));
    match rng.below(33) {
        0 | 1 => format!(
            "CREATE TABLE {} ({} TEXT NOT NULL, {} {}, CONSTRAINT {} PRIMARY KEY ({}));",
            t(rng),
            c(rng),
            c(rng),
            e(rng),
            i(rng),
            c(rng)
        ),
        2 => format!("CREATE TABLE {} ({} INTEGER REFERENCES {}({}));", t(rng), c(rng), t(rng), c(rng)),
        3 => format!("ALTER TABLE {} ADD COLUMN {} TEXT NOT NULL;", t(rng), c(rng)),
        4 => format!("ALTER TABLE {} DROP COLUMN {};", t(rng), c(rng)),
        5 => format!("ALTER TABLE {} RENAME TO {};", t(rng), t(rng)),
        6 => format!("ALTER TABLE {} RENAME COLUMN {} TO {};", t(rng), c(rng), c(rng)),
        7 => format!(
            "ALTER TABLE {} ADD CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {}({}) ON DELETE CASCADE;",
            t(rng),
            i(rng),
            c(rng),
            t(rng),
            c(rng)
        ),
        8 => format!("CREATE INDEX {} ON {}({});", i(rng), t(rng), c(rng)),
        9 => format!("CREATE UNIQUE INDEX ON {}({});", t(rng), c(rng)),
        10 => format!("DROP INDEX {};", i(rng)),
        11 => format!("ALTER INDEX {} RENAME TO {};", i(rng), i(rng)),
        12 => format!("DROP TABLE {};", t(rng)),
        13 => format!("CREATE TYPE {} AS ENUM ('a', 'b');", e(rng)),
        14 => format!("ALTER TYPE {} ADD VALUE 'c';", e(rng)),
        15 => format!("ALTER TYPE {} RENAME TO {};", e(rng), e(rng)),
        16 => format!("ALTER TABLE {} ALTER COLUMN {} SET NOT NULL;", t(rng), c(rng)),
        17 => format!("ALTER TABLE {} ALTER COLUMN {} TYPE {};", t(rng), c(rng), e(rng)),
        18 => format!("UPDATE {} SET {} = 'x';", t(rng), c(rng)),
        19 => format!("DO $$ BEGIN ALTER TABLE {} RENAME TO {}; END $$;", t(rng), t(rng)),
        20 => format!("ALTER TABLE {} RENAME CONSTRAINT {} TO {};", t(rng), i(rng), i(rng)),
        21 => format!("ALTER TABLE {} ADD CONSTRAINT {} UNIQUE ({});", t(rng), i(rng), c(rng)),
        22 => format!("DROP TABLE IF EXISTS public.{} CASCADE;", t(rng)),
        23 => format!("DROP TYPE {};", e(rng)),
        24 => format!("CREATE TABLE {} ({} TEXT UNIQUE, {} INTEGER);", t(rng), c(rng), c(rng)),
        25 => format!("ALTER TABLE {} ADD CONSTRAINT {} PRIMARY KEY USING INDEX {};", t(rng), i(rng), i(rng)),
        26 => format!("CREATE INDEX CONCURRENTLY IF NOT EXISTS {} ON public.{}({}, {});", i(rng), t(rng), c(rng), c(rng)),
        27 => format!("ALTER TABLE {} ALTER COLUMN {} SET DEFAULT 'a'::{};", t(rng), c(rng), e(rng)),
        28 => format!("CREATE TABLE {} (LIKE {});", t(rng), t(rng)),
        29 => format!("DO $$ BEGIN CREATE INDEX {} ON {}({}); END $$;", i(rng), t(rng), c(rng)),
        30 => format!(
            "DO $$ BEGIN ALTER TABLE {} ADD CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {}({}); END $$;",
            t(rng),
            i(rng),
            c(rng),
            t(rng),
            c(rng)
        ),
        31 => format!("DROP INDEX IF EXISTS public.{}, {};", i(rng), i(rng)),
        _ => format!("BEGIN;\nALTER TABLE {} ADD COLUMN {} {};\nCOMMIT;", t(rng), c(rng), e(rng)),
    }
}

/// Rounds of the random test; `MIGRATE_LINT_ROUNDS` runs more (60,000 take 80 s in a release build), and
/// `MIGRATE_LINT_SEED` another sequence, and `SHOW_ROUND=<n>` prints the files of round n.
const ROUNDS: usize = 300;

#[test]
fn linting_one_file_finds_what_a_full_replay_finds_on_random_histories() {
    let rounds = support::random::env_number("MIGRATE_LINT_ROUNDS", ROUNDS as u64) as usize;
    let mut rng = Lcg(support::random::env_number(
        "MIGRATE_LINT_SEED",
        0x00c0_ffee,
    ));
    for round in 0..rounds {
        let files: Vec<SourceFile> = (0..2 + rng.below(8))
            .map(|n| {
                let statements: Vec<String> = (0..1 + rng.below(4))
                    .map(|_| random_statement(&mut rng))
                    .collect();
                let name = format!("{round}_{n}");
                SourceFile::new(
                    name.clone().into(),
                    name.clone(),
                    name,
                    statements.join("\n"),
                )
            })
            .collect();
        if std::env::var("SHOW_ROUND").ok() == Some(round.to_string()) {
            for f in &files {
                eprintln!("--- {}\n{}", f.migration, f.text);
            }
        }
        let root = PathBuf::from(format!("random history {round}"));
        check_history(&root, &files, usize::MAX);
    }
}

/// A kept catalog (what the cache saves) holds every object of the files before it, even when only the last file is
/// reported and relevance would replay less (the cache then served a catalog without "A").
#[test]
fn a_kept_catalog_is_the_whole_replay_even_when_one_file_is_reported() {
    let files = [
        ("1_a", "CREATE TABLE \"A\" (\"id\" TEXT);"),
        ("2_b", "CREATE TABLE \"B\" (\"id\" TEXT);"),
        ("3_c", "ALTER TABLE \"B\" ADD COLUMN \"x\" TEXT;"),
    ]
    .map(|(name, text)| support::lint::migration(name, text));
    let (settings, state) = (Settings::default(), RunState::default());
    let how = HistoryRun {
        keep_before: &[2],
        ..HistoryRun::new(&settings, &state)
    };
    let (_, kept) = lint_history(&files, &[false, false, true], how);
    let a = migrate_lint::ops::ObjName::bare("A");
    assert!(kept[0].table(&a).is_some(), "the kept catalog lacks \"A\"");
}
