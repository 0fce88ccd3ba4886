//! The cache of earlier migrations' catalog (`src/engine/cache.rs`), through the binary as a pre-commit hook runs it: a run
//! on the newest migration restores the catalog instead of reading the others, finds exactly what a run without the
//! cache finds, and never uses a snapshot that an edit, a damaged file or a rename has made wrong.

mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use support::run::{command, json_run, rules_of, run_command, JsonRun};

fn lint(file: &Path, cache: &Path, extra: &[&str]) -> JsonRun {
    json_run(
        command()
            .args(["--format", "json", "--verbose", "--cache-dir"])
            .arg(cache)
            .args(extra)
            .arg(file),
    )
}

const INIT: &str = r#"CREATE TABLE "User" ("id" TEXT NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));
CREATE TABLE "Post" ("id" TEXT NOT NULL, "authorId" TEXT NOT NULL, "editorId" TEXT NOT NULL,
    CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));
CREATE TABLE "Draft" ("id" TEXT NOT NULL, "authorId" TEXT NOT NULL);
"#;
const INDEX: &str = r#"CREATE INDEX "Post_authorId_idx" ON "Post"("authorId");
"#;
/// The same size as INDEX, and the foreign key below is then no longer covered.
const OTHER_INDEX: &str = r#"CREATE INDEX "Post_authorId_idx" ON "Post"("editorId");
"#;
const FOREIGN_KEY: &str = r#"ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
"#;

/// A history of three migrations whose last adds a foreign key that the second one's index covers; returns the
/// folder, the second file and the last file.
fn history() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let migrations = dir.path().join("prisma/migrations");
    let write = |name: &str, text: &str| {
        let folder = migrations.join(name);
        fs::create_dir_all(&folder).unwrap();
        fs::write(folder.join("migration.sql"), text).unwrap();
        folder.join("migration.sql")
    };
    write("20240101000000_init", INIT);
    let index = write("20240102000000_index", INDEX);
    let last = write("20240103000000_fk", FOREIGN_KEY);
    (dir, index, last)
}

fn restored(run: &JsonRun) -> bool {
    run.stderr.contains("came from the cache")
}

/// From the note of a run that used the cache: how many earlier migrations the snapshot covered, of how many.
fn covered(run: &JsonRun) -> (usize, usize) {
    let note = run
        .stderr
        .lines()
        .find(|l| l.contains("came from the cache"))
        .unwrap_or_else(|| panic!("not restored: {}", run.stderr));
    let words: Vec<&str> = note.split(' ').collect();
    let at = words.iter().position(|w| *w == "catalog").unwrap();
    (
        words[at + 2].parse().unwrap(),
        words[at + 5].parse().unwrap(),
    )
}

#[test]
fn a_second_run_on_the_newest_migration_restores_the_catalog_and_finds_the_same() {
    let (dir, _, last) = history();
    let cache = dir.path().join("cache");
    let uncached = lint(&last, &cache, &["--no-cache"]);
    assert!(!cache.exists(), "--no-cache wrote {}", cache.display());

    let first = lint(&last, &cache, &[]);
    assert!(
        first.stderr.contains("the cache was written"),
        "{}",
        first.stderr
    );
    assert_eq!(fs::read_to_string(cache.join(".gitignore")).unwrap(), "*\n");
    let second = lint(&last, &cache, &[]);
    assert!(restored(&second), "{}", second.stderr);

    assert!(rules_of(&uncached.report).contains(&"constraint-not-valid".to_string()));
    assert!(!rules_of(&uncached.report).contains(&"fk-without-index".to_string()));
    for run in [&first, &second] {
        assert_eq!(run.report, uncached.report);
        assert_eq!(run.code, uncached.code);
    }
}

#[test]
fn a_run_on_every_migration_neither_reads_nor_writes_the_cache() {
    let (dir, _, last) = history();
    let cache = dir.path().join("cache");
    let run = lint(last.parent().unwrap().parent().unwrap(), &cache, &[]);
    assert_eq!(run.report["summary"]["files"], 3, "{}", run.report);
    assert!(!cache.exists());
}

#[test]
fn an_edited_earlier_migration_is_read_again_even_with_its_size_and_time_kept() {
    let (dir, index, last) = history();
    let cache = dir.path().join("cache");
    // Files a second old are checked by their times alone: make this one old, then edit it behind the cache's back.
    std::thread::sleep(Duration::from_millis(1100));
    let before = lint(&last, &cache, &[]);
    assert!(
        before.stderr.contains("the cache was written"),
        "{}",
        before.stderr
    );
    assert!(restored(&lint(&last, &cache, &[])));

    let modified = fs::metadata(&index).unwrap().modified().unwrap();
    fs::write(&index, OTHER_INDEX).unwrap();
    let file = fs::File::options().write(true).open(&index).unwrap();
    file.set_modified(modified).unwrap();
    assert_eq!(fs::metadata(&index).unwrap().len(), INDEX.len() as u64);
    // Only the status-change time (which no tool can set back) still tells, once it is a second old too.
    std::thread::sleep(Duration::from_millis(1100));

    let after = lint(&last, &cache, &[]);
    assert!(!restored(&after), "{}", after.stderr);
    assert!(after.stderr.contains("changed"), "{}", after.stderr);
    assert!(rules_of(&after.report).contains(&"fk-without-index".to_string()));
    assert_eq!(after.report, lint(&last, &cache, &["--no-cache"]).report);
}

/// An earlier migration turned into a link outside the project (here to `/proc/self/environ`, the CI secrets) is
/// not read to compare it with the snapshot: the cache reads files by the same rule as the linter does.
#[cfg(target_os = "linux")]
#[test]
fn an_earlier_migration_linked_outside_the_project_is_not_read_to_check_the_cache() {
    let (dir, index, last) = history();
    let cache = dir.path().join("cache");
    lint(&last, &cache, &[]);
    assert!(restored(&lint(&last, &cache, &[])));

    fs::remove_file(&index).unwrap();
    std::os::unix::fs::symlink("/proc/self/environ", &index).unwrap();
    let run = lint(&last, &cache, &[]);
    assert!(!restored(&run), "{}", run.stderr);
    let why = run
        .stderr
        .lines()
        .find(|l| l.contains("the cache was not used"))
        .unwrap_or_else(|| panic!("no note on the cache: {}", run.stderr));
    assert!(
        why.contains("_index/migration.sql: a link to /proc/")
            && why.contains("outside the project"),
        "{why}"
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
}

#[test]
fn a_renamed_earlier_migration_is_not_served_from_the_cache() {
    let (dir, index, last) = history();
    let cache = dir.path().join("cache");
    lint(&last, &cache, &[]);
    assert!(restored(&lint(&last, &cache, &[])));

    let moved = index
        .parent()
        .unwrap()
        .with_file_name("20240102000001_index");
    fs::rename(index.parent().unwrap(), &moved).unwrap();
    let run = lint(&last, &cache, &[]);
    assert!(!restored(&run), "{}", run.stderr);
    assert!(run.stderr.contains("is new or renamed"), "{}", run.stderr);
    assert_eq!(run.report, lint(&last, &cache, &["--no-cache"]).report);
}

#[test]
fn a_migration_added_since_is_replayed_on_top_of_the_snapshot() {
    let (dir, index, last) = history();
    let cache = dir.path().join("cache");
    lint(&last, &cache, &[]);
    assert_eq!(covered(&lint(&last, &cache, &[])), (2, 2));

    let added = index
        .parent()
        .unwrap()
        .with_file_name("20240102000002_more");
    fs::create_dir_all(&added).unwrap();
    // The newest migration does not name "Draft", which is now its "Post" (without the index): only a whole
    // snapshot has it.
    let swap = "DROP TABLE \"Post\";\nALTER TABLE \"Draft\" RENAME TO \"Post\";\n";
    fs::write(added.join("migration.sql"), swap).unwrap();
    let run = lint(&last, &cache, &[]);
    assert_eq!(covered(&run), (2, 3), "{}", run.stderr);
    assert!(
        run.stderr.contains("the cache was written"),
        "{}",
        run.stderr
    );
    assert!(rules_of(&run.report).contains(&"fk-without-index".to_string()));
    assert_eq!(run.report, lint(&last, &cache, &["--no-cache"]).report);
    assert_eq!(covered(&lint(&last, &cache, &[])), (3, 3));
}

#[test]
fn a_damaged_snapshot_is_ignored_and_written_again() {
    let (dir, _, last) = history();
    let cache = dir.path().join("cache");
    let expected = lint(&last, &cache, &[]);
    let snapshot = fs::read_dir(&cache)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "snapshot"))
        .expect("a snapshot");
    let good = fs::read(&snapshot).unwrap();
    // Cut short, every byte after the first line flipped, and a huge number: none may crash or be believed.
    let first_line = good.iter().position(|&b| b == b'\n').unwrap();
    let mut flipped = good.clone();
    flipped[first_line + 1..].iter_mut().for_each(|b| *b = !*b);
    let huge = String::from_utf8_lossy(&good).replacen(":2,", ":18446744073709551000,", 1);
    // And one bit changed, all through the file: a column, index or key name that still reads well is the worst.
    let one_bit = (0..good.len()).step_by(3).map(|at| {
        let mut bytes = good.clone();
        bytes[at] ^= 1;
        bytes
    });
    let damaged_ones = [
        good[..good.len() / 2].to_vec(),
        flipped,
        huge.into_bytes(),
        b"\0\0".to_vec(),
    ];
    for damaged in damaged_ones.into_iter().chain(one_bit) {
        fs::write(&snapshot, damaged).unwrap();
        let run = lint(&last, &cache, &[]);
        assert_eq!(run.report, expected.report, "{}", run.stderr);
        assert_eq!(run.code, expected.code);
    }
    assert!(
        restored(&lint(&last, &cache, &[])),
        "the snapshot was not written again"
    );
}

#[test]
fn a_cache_that_cannot_be_written_does_not_change_the_run() {
    let (dir, _, last) = history();
    let blocker = dir.path().join("not-a-folder");
    fs::write(&blocker, "").unwrap();
    let run = lint(&last, &blocker.join("cache"), &[]);
    assert!(
        run.stderr.contains("the cache was not written"),
        "{}",
        run.stderr
    );
    let expected = lint(&last, &blocker, &["--no-cache"]);
    assert_eq!(run.report, expected.report);
    assert_eq!(run.code, expected.code);
}

#[test]
fn snapshots_of_folders_that_are_gone_and_old_temporary_files_are_removed() {
    let cache = tempfile::tempdir().unwrap();
    let snapshots = || {
        fs::read_dir(cache.path())
            .unwrap()
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "snapshot"))
            .count()
    };
    let (gone, _, last) = history();
    lint(&last, cache.path(), &[]);
    assert_eq!(snapshots(), 1);
    // What a run killed while writing leaves: an old one goes, a recent one (maybe still being written) stays.
    let old = cache.path().join("0123456789abcdef.tmp4242");
    let recent = cache.path().join("0123456789abcdef.tmp4343");
    fs::write(&old, "partial").unwrap();
    fs::write(&recent, "partial").unwrap();
    let two_hours_ago = SystemTime::now() - Duration::from_secs(7200);
    let file = fs::File::options().write(true).open(&old).unwrap();
    file.set_modified(two_hours_ago).unwrap();
    drop(gone);
    let (_kept, _, last) = history();
    lint(&last, cache.path(), &[]);
    assert_eq!(
        snapshots(),
        1,
        "the first history's snapshot outlived its folder"
    );
    assert!(!old.exists() && recent.exists());
}

/// How many earlier files a restoring run read to compare, from its note.
fn compared(run: &JsonRun) -> usize {
    let note = run
        .stderr
        .lines()
        .find(|l| l.contains("came from the cache"))
        .unwrap_or_else(|| panic!("not restored: {}", run.stderr));
    let count = note.rsplit_once('(').unwrap().1.split(' ').next().unwrap();
    count.parse().unwrap()
}

#[test]
fn a_touched_earlier_migration_is_compared_once_then_known_by_its_times_again() {
    let (dir, index, last) = history();
    let cache = dir.path().join("cache");
    std::thread::sleep(Duration::from_millis(1100));
    lint(&last, &cache, &[]);
    assert_eq!(compared(&lint(&last, &cache, &[])), 0);

    // The same content written again (as a checkout does): new times, so it is read once to compare.
    fs::write(&index, INDEX).unwrap();
    std::thread::sleep(Duration::from_millis(1100));
    assert_eq!(compared(&lint(&last, &cache, &[])), 1);
    assert_eq!(compared(&lint(&last, &cache, &[])), 0);
}

#[test]
fn files_too_recent_to_trust_their_times_are_compared_by_content() {
    let (dir, _, last) = history();
    let cache = dir.path().join("cache");
    lint(&last, &cache, &[]);
    // Written a moment ago: a second write within the same clock tick would keep the times, so they are not used.
    assert_eq!(compared(&lint(&last, &cache, &[])), 2);
}

#[test]
fn a_ci_job_keeps_no_cache_unless_given_a_folder() {
    let (dir, _, last) = history();
    let run = |env_ci: &str, extra: &[&str]| {
        run_command(
            command()
                .args(["--format", "json", "--verbose"])
                .args(extra)
                .arg(&last)
                .current_dir(dir.path())
                .env("CI", env_ci),
        )
        .stderr
    };
    let default_dir = dir.path().join(".migrate-lint-cache");
    let stderr = run("true", &[]);
    assert!(!stderr.contains("cache"), "{stderr}");
    assert!(!default_dir.exists());
    let stderr = run("false", &[]);
    assert!(stderr.contains("the cache was written"), "{stderr}");
    assert!(default_dir.join(".gitignore").exists());
    let kept = dir.path().join("kept");
    let stderr = run("true", &["--cache-dir", kept.to_str().unwrap()]);
    assert!(stderr.contains("the cache was written"), "{stderr}");
}

/// A table that a statement sqlparser cannot read created is still known as such when its catalog comes from the
/// cache: schema-drift then compares no column of it, as a run without the cache does (the snapshot keeps the mark).
#[test]
fn a_table_created_by_a_statement_sqlparser_cannot_read_stays_unchecked_from_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let prisma = dir.path().join("prisma");
    let write = |name: &str, text: &str| {
        let folder = prisma.join("migrations").join(name);
        fs::create_dir_all(&folder).unwrap();
        fs::write(folder.join("migration.sql"), text).unwrap();
        folder.join("migration.sql")
    };
    // Valid on PostgreSQL 15; sqlparser 0.64 stops at TABLESPACE.
    write(
        "1_init",
        r#"CREATE TABLE "U" ("id" INTEGER NOT NULL, "v" TEXT, CONSTRAINT "U_pkey" PRIMARY KEY ("id")) WITH (fillfactor = 70) TABLESPACE pg_default;
"#,
    );
    let last = write("2_view", "CREATE VIEW \"v\" AS SELECT 1;\n");
    fs::write(
        prisma.join("schema.prisma"),
        "datasource db {\n  provider = \"postgresql\"\n  url = env(\"DATABASE_URL\")\n}\n\nmodel U {\n  id Int @id\n  v  String?\n}\n",
    )
    .unwrap();
    let cache = dir.path().join("cache");
    let uncached = lint(&last, &cache, &["--no-cache"]);
    lint(&last, &cache, &[]);
    let second = lint(&last, &cache, &[]);
    assert!(restored(&second), "{}", second.stderr);
    assert!(!rules_of(&uncached.report).contains(&"schema-drift".to_string()));
    assert_eq!(second.report, uncached.report);
}
