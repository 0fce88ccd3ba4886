//! End-to-end tests: run the built binary on the projects under `fixtures/` and check its JSON (and human) output.

mod support;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;
use support::files::{crate_dir, fixture_copy};
use support::run::{command, run as run_in, Run};

/// The rules these fixtures were designed to exercise. The lock-safety rules also fire on them (e.g.
/// missing-lock-timeout); they have their own examples in tests/rules/, so `findings` leaves them out.
const CORE_RULES: [&str; 7] = [
    "not-null-without-default",
    "set-not-null",
    "drop-column",
    "drop-table",
    "rename-without-map",
    "fk-without-index",
    "unparsed-statement",
];

const BLOG: &str = "fixtures/blog/prisma/migrations";
const EDGE: &str = "fixtures/edge/prisma/migrations";

/// Runs with `--format json` and returns the run and the parsed report.
fn json_in(dir: &Path, args: &[&str]) -> (Run, Value) {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let run = run_in(dir, &all);
    let json = run.json();
    (run, json)
}

fn json(args: &[&str]) -> (Run, Value) {
    json_in(&crate_dir(), args)
}

/// Every diagnostic, of any rule.
fn all_diagnostics(report: &Value) -> &Vec<Value> {
    report["diagnostics"].as_array().expect("diagnostics array")
}

/// The diagnostics of the core rules (see `CORE_RULES`).
fn diagnostics(report: &Value) -> Vec<&Value> {
    all_diagnostics(report)
        .iter()
        .filter(|d| CORE_RULES.contains(&s(&d["rule"])))
        .collect()
}

fn summary(report: &Value, key: &str) -> u64 {
    report["summary"][key]
        .as_u64()
        .unwrap_or_else(|| panic!("summary.{key} missing in {report}"))
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))
}

fn n(v: &Value) -> usize {
    v.as_u64().unwrap_or_else(|| panic!("not a number: {v}")) as usize
}

/// The migration a diagnostic is in: the folder of `migration.sql`, or the file name of a flat `*.sql`.
fn migration_of(path: &str) -> String {
    let p = Path::new(path);
    if p.file_name().is_some_and(|f| f == "migration.sql") {
        p.parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into()
    } else {
        p.file_name().unwrap().to_string_lossy().into()
    }
}

/// (rule, migration, line) of every diagnostic of the core rules, sorted.
fn findings(report: &Value) -> Vec<(String, String, usize)> {
    let mut all: Vec<_> = diagnostics(report)
        .iter()
        .filter(|d| CORE_RULES.contains(&s(&d["rule"])))
        .map(|d| {
            (
                s(&d["rule"]).to_string(),
                migration_of(s(&d["path"])),
                n(&d["line"]),
            )
        })
        .collect();
    all.sort();
    all
}

fn expected(items: &[(&str, &str, usize)]) -> Vec<(String, String, usize)> {
    let mut all: Vec<_> = items
        .iter()
        .map(|(r, m, l)| (r.to_string(), m.to_string(), *l))
        .collect();
    all.sort();
    all
}

fn migration_text(root: &str, migration: &str) -> String {
    let path = crate_dir().join(root).join(migration).join("migration.sql");
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// 1-based (line, column) of the only occurrence of `needle` in a migration (works for CRLF files too).
fn locate(root: &str, migration: &str, needle: &str) -> (usize, usize) {
    let text = migration_text(root, migration);
    let hits: Vec<(usize, usize)> = text
        .split('\n')
        .enumerate()
        .filter_map(|(i, l)| l.find(needle).map(|b| (i + 1, l[..b].chars().count() + 1)))
        .collect();
    assert_eq!(
        hits.len(),
        1,
        "`{needle}` should occur once in {migration}: {hits:?}"
    );
    hits[0]
}

fn line_of(root: &str, migration: &str, needle: &str) -> usize {
    locate(root, migration, needle).0
}

fn of_rule<'a>(report: &'a Value, rule: &str) -> Vec<&'a Value> {
    all_diagnostics(report)
        .iter()
        .filter(|d| d["rule"] == rule)
        .collect()
}

fn count_severity(report: &Value, severity: &str) -> u64 {
    all_diagnostics(report)
        .iter()
        .filter(|d| d["severity"] == severity)
        .count() as u64
}

const SLUG: &str = "20240201090000_add_post_slug";
const REQUIRE_NAME: &str = "20240210110000_require_user_name";
const RENAMES: &str = "20240301080000_rename_post_fields";
const COMMENTS: &str = "20240108093000_add_comments";
const DROP_LEGACY: &str = "20240315140000_drop_legacy";
const DROP_INDEX: &str = "20240320090000_drop_title_index";

fn blog_expected() -> Vec<(String, String, usize)> {
    expected(&[
        (
            "fk-without-index",
            COMMENTS,
            line_of(BLOG, COMMENTS, "ADD CONSTRAINT \"Comment_postId_fkey\""),
        ),
        (
            "not-null-without-default",
            SLUG,
            line_of(BLOG, SLUG, "ADD COLUMN     \"slug\""),
        ),
        (
            "set-not-null",
            REQUIRE_NAME,
            line_of(BLOG, REQUIRE_NAME, "SET NOT NULL"),
        ),
        (
            "rename-without-map",
            RENAMES,
            line_of(BLOG, RENAMES, "RENAME COLUMN \"content\""),
        ),
        (
            // "summary" and "excerpt" share no word: a drop (of the same loss), not a proven rename.
            "drop-column",
            RENAMES,
            line_of(BLOG, RENAMES, "DROP COLUMN \"summary\""),
        ),
        (
            "unparsed-statement",
            DROP_LEGACY,
            line_of(BLOG, DROP_LEGACY, "DO $$"),
        ),
        (
            "drop-column",
            DROP_LEGACY,
            line_of(BLOG, DROP_LEGACY, "DROP COLUMN \"legacyId\""),
        ),
        (
            "drop-table",
            DROP_LEGACY,
            line_of(BLOG, DROP_LEGACY, "DROP TABLE \"Newsletter\""),
        ),
    ])
}

// ---------------------------------------------------------------------------------------------------------------
// blog

#[test]
fn blog_reports_exactly_the_designed_findings() {
    let (run, report) = json(&[BLOG]);
    assert_eq!(run.code, 1, "stderr: {}", run.stderr);
    assert_eq!(findings(&report), blog_expected());
    // Post.authorId has @@index, the m2m table has its AB_unique/B_index: only Comment.postId is reported.
    let fk = of_rule(&report, "fk-without-index");
    assert_eq!(fk.len(), 1);
    assert!(s(&fk[0]["message"]).contains("Comment_postId_fkey"));
}

#[test]
fn blog_add_column_points_at_its_clause_not_the_alter_table_line() {
    let (_, report) = json(&[BLOG]);
    let d = of_rule(&report, "not-null-without-default");
    assert_eq!(d.len(), 1);
    let (line, column) = locate(BLOG, SLUG, "ADD COLUMN     \"slug\"");
    let alter_line = line_of(BLOG, SLUG, "ALTER TABLE \"Post\"");
    assert_ne!(
        line, alter_line,
        "fixture: the clause must be on its own line"
    );
    assert_eq!((n(&d[0]["line"]), n(&d[0]["column"])), (line, column));
    assert_eq!(
        s(&d[0]["path"]),
        format!("{BLOG}/{SLUG}/migration.sql"),
        "path as given"
    );
}

#[test]
fn blog_summary_matches_the_diagnostics() {
    let (_, report) = json(&[BLOG]);
    assert_eq!(summary(&report, "errors"), count_severity(&report, "error"));
    assert_eq!(
        summary(&report, "warnings"),
        count_severity(&report, "warning")
    );
    // 5 core errors, and 2 of schema-drift: the blog's many-to-many table is Prisma 5's (a unique index on A, B)
    // where Prisma 6 makes a primary key, and its next `migrate dev` would change it.
    assert_eq!(summary(&report, "errors"), 5 + 2);
    assert_eq!(of_rule(&report, "schema-drift").len(), 2);
    let core_warnings = diagnostics(&report)
        .into_iter()
        .filter(|d| d["severity"] == "warning")
        .count();
    assert_eq!(core_warnings, 2);
    // The lock rules add 6 missing-lock-timeout and 1 create-index-non-concurrently warnings.
    assert_eq!(summary(&report, "warnings"), 9);
    assert_eq!(
        summary(&report, "unparsed") as usize,
        of_rule(&report, "unparsed-statement").len()
    );
    // `DROP INDEX CONCURRENTLY IF EXISTS` is read in full from tokens, so only the DO block counts.
    assert_eq!(summary(&report, "unparsed"), 1);
    assert_eq!(summary(&report, "files"), 8);
    assert!(summary(&report, "statements") >= 20);
    assert!(report.get("input_errors").is_none(), "{report}");
}

#[test]
fn blog_lists_every_unparsed_statement_with_its_location() {
    let (_, report) = json(&[BLOG]);
    let mut got: Vec<(String, usize, usize, usize)> = of_rule(&report, "unparsed-statement")
        .iter()
        .map(|d| {
            assert_eq!(d["severity"], "info");
            (
                migration_of(s(&d["path"])),
                n(&d["line"]),
                n(&d["column"]),
                n(&d["end_line"]),
            )
        })
        .collect();
    got.sort();
    let do_line = line_of(BLOG, DROP_LEGACY, "DO $$");
    let do_end = line_of(BLOG, DROP_LEGACY, "$$;");
    assert_eq!(got, vec![(DROP_LEGACY.to_string(), do_line, 1, do_end)]);
}

#[test]
fn blog_drop_index_concurrently_is_understood_not_reported() {
    let (_, report) = json(&[BLOG]);
    assert!(
        !diagnostics(&report)
            .into_iter()
            .any(|d| migration_of(s(&d["path"])) == DROP_INDEX),
        "{report}"
    );
    assert!(migration_text(BLOG, DROP_INDEX).contains("DROP INDEX CONCURRENTLY IF EXISTS"));
}

#[test]
fn blog_covers_every_rule() {
    let (_, report) = json(&[BLOG]);
    let seen: BTreeSet<&str> = diagnostics(&report)
        .into_iter()
        .map(|d| s(&d["rule"]))
        .collect();
    assert_eq!(seen, CORE_RULES.iter().copied().collect());
}

// ---------------------------------------------------------------------------------------------------------------
// clean

#[test]
fn clean_history_has_no_errors_or_warnings() {
    let (run, report) = json(&["fixtures/clean/prisma/migrations"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let bad: Vec<_> = all_diagnostics(&report)
        .iter()
        .filter(|d| d["severity"] == "error" || d["severity"] == "warning")
        .collect();
    assert!(bad.is_empty(), "{bad:#?}");
    assert_eq!(summary(&report, "errors"), 0);
    assert_eq!(summary(&report, "warnings"), 0);
    assert_eq!(summary(&report, "files"), 4);
    assert_eq!(summary(&report, "unparsed"), 0);
}

// ---------------------------------------------------------------------------------------------------------------
// edge

const SPACES: &str = "20240102000000_new models copy";
const CRLF: &str = "20240103000000_crlf";
const SEQUENCE: &str = "20240104000000_sequence_owner";
const NO_NEWLINE: &str = "20240106000000_no_final_newline";
const EDGE_INIT: &str = "20240101000000_init";

#[test]
fn edge_reports_exactly_the_designed_findings() {
    let (run, report) = json(&[EDGE]);
    assert_eq!(run.code, 1, "stderr: {}", run.stderr);
    assert_eq!(
        findings(&report),
        expected(&[
            (
                "rename-without-map",
                SPACES,
                line_of(
                    EDGE,
                    SPACES,
                    "ALTER TABLE Accounts DROP COLUMN \"nickname\""
                ),
            ),
            (
                "not-null-without-default",
                CRLF,
                line_of(EDGE, CRLF, "ADD COLUMN \"score\"")
            ),
            ("set-not-null", CRLF, line_of(EDGE, CRLF, "SET NOT NULL")),
            (
                "drop-table",
                CRLF,
                line_of(EDGE, CRLF, "DROP TABLE public.orgs")
            ),
            (
                "unparsed-statement",
                SEQUENCE,
                line_of(EDGE, SEQUENCE, "ALTER SEQUENCE")
            ),
            (
                "drop-column",
                SEQUENCE,
                line_of(EDGE, SEQUENCE, "DROP COLUMN \"email\"")
            ),
            (
                "drop-column",
                NO_NEWLINE,
                line_of(EDGE, NO_NEWLINE, "DROP COLUMN plan")
            ),
        ])
    );
}

#[test]
fn edge_crlf_file_reports_lines_and_columns_right() {
    let text = migration_text(EDGE, CRLF);
    assert!(
        text.contains("\r\n") && !text.replace("\r\n", "").contains('\n'),
        "fixture must use CRLF line ends (check git's autocrlf)"
    );
    let (_, report) = json(&[EDGE]);
    let in_crlf: Vec<_> = diagnostics(&report)
        .into_iter()
        .filter(|d| migration_of(s(&d["path"])) == CRLF)
        .map(|d| {
            (
                s(&d["rule"]).to_string(),
                n(&d["line"]),
                n(&d["column"]),
                n(&d["end_line"]),
            )
        })
        .collect();
    let add = locate(EDGE, CRLF, "ADD COLUMN \"score\"");
    let set = locate(EDGE, CRLF, "ALTER COLUMN \"orgId\"");
    let drop = locate(EDGE, CRLF, "DROP TABLE");
    assert_eq!(
        in_crlf,
        vec![
            ("not-null-without-default".into(), add.0, add.1, add.0),
            ("set-not-null".into(), set.0, set.1, set.0),
            ("drop-table".into(), drop.0, drop.1, drop.0),
        ]
    );
}

#[test]
fn edge_names_resolve_across_quoting_and_schema() {
    let (_, report) = json(&[EDGE]);
    // `public.accounts`, `"accounts"`, `Accounts`, `ACCOUNTS` are one table: the same-migration changes in init are
    // on a new table, and the FK on `ACCOUNTS` is covered by the index on `"accounts"`.
    let init: Vec<_> = diagnostics(&report)
        .into_iter()
        .filter(|d| migration_of(s(&d["path"])) == EDGE_INIT)
        .collect();
    assert!(init.is_empty(), "{init:#?}");
    assert!(of_rule(&report, "fk-without-index").is_empty());
    // `ALTER TABLE Accounts DROP COLUMN "nickname", ADD COLUMN "nickName" TEXT` finds the TEXT column of
    // `public.accounts` from an earlier migration, so it is a rename pair, not a plain drop.
    let renames = of_rule(&report, "rename-without-map");
    assert_eq!(renames.len(), 1);
    assert!(s(&renames[0]["message"]).contains("nickname"));
    assert!(s(&renames[0]["message"]).contains("nickName"));
    assert!(!diagnostics(&report)
        .into_iter()
        .any(|d| d["rule"] == "drop-column" && migration_of(s(&d["path"])) == SPACES));
}

#[test]
fn edge_comments_function_bodies_and_strings_are_silent() {
    let (_, report) = json(&[EDGE]);
    let spaces: Vec<_> = diagnostics(&report)
        .into_iter()
        .filter(|d| migration_of(s(&d["path"])) == SPACES)
        .map(|d| (s(&d["rule"]), n(&d["line"])))
        .collect();
    let real = line_of(EDGE, SPACES, "ALTER TABLE Accounts DROP COLUMN");
    assert_eq!(spaces, vec![("rename-without-map", real)]);
    // The folder name with spaces is kept as is in the path.
    let d = &of_rule(&report, "rename-without-map")[0];
    assert_eq!(s(&d["path"]), format!("{EDGE}/{SPACES}/migration.sql"));
}

#[test]
fn edge_finding_after_an_unparsed_statement_is_still_reported() {
    let (_, report) = json(&[EDGE]);
    let in_file: Vec<_> = diagnostics(&report)
        .into_iter()
        .filter(|d| migration_of(s(&d["path"])) == SEQUENCE)
        .map(|d| (s(&d["rule"]), n(&d["line"])))
        .collect();
    assert_eq!(
        in_file,
        vec![
            (
                "unparsed-statement",
                line_of(EDGE, SEQUENCE, "ALTER SEQUENCE")
            ),
            ("drop-column", line_of(EDGE, SEQUENCE, "DROP COLUMN")),
        ]
    );
    assert_eq!(summary(&report, "unparsed"), 1);
}

#[test]
fn edge_typescript_only_folder_is_skipped() {
    let ts = crate_dir().join(EDGE).join("20240105000000_backfill_plans");
    assert!(ts.join("migration.ts").is_file() && !ts.join("migration.sql").exists());
    let (run, report) = json(&[EDGE]);
    assert_eq!(summary(&report, "files"), 5, "only SQL migrations count");
    assert!(!run.stdout.contains("backfill_plans"));
    assert!(run.stderr.is_empty(), "{}", run.stderr);
}

#[test]
fn edge_file_without_final_newline_or_semicolon() {
    let text = migration_text(EDGE, NO_NEWLINE);
    assert!(!text.ends_with('\n') && !text.trim_end().ends_with(';'));
    let (_, report) = json(&[EDGE]);
    let d: Vec<_> = diagnostics(&report)
        .into_iter()
        .filter(|d| migration_of(s(&d["path"])) == NO_NEWLINE)
        .collect();
    assert_eq!(d.len(), 1, "{d:#?}");
    let (line, column) = locate(EDGE, NO_NEWLINE, "DROP COLUMN plan");
    assert_eq!(d[0]["rule"], "drop-column");
    assert_eq!((n(&d[0]["line"]), n(&d[0]["column"])), (line, column));
    assert_eq!(n(&d[0]["end_line"]), line);
}

// ---------------------------------------------------------------------------------------------------------------
// single file mode

#[test]
fn single_file_reports_only_that_file() {
    let file = format!("{BLOG}/{SLUG}/migration.sql");
    let (run, report) = json(&[&file]);
    assert_eq!(run.code, 1, "stderr: {}", run.stderr);
    assert_eq!(
        findings(&report),
        expected(&[(
            "not-null-without-default",
            SLUG,
            line_of(BLOG, SLUG, "ADD COLUMN     \"slug\"")
        )])
    );
    assert_eq!(summary(&report, "files"), 1);
    assert_eq!(s(&diagnostics(&report)[0]["path"]), file);
}

#[test]
fn single_file_uses_the_earlier_history() {
    // The DROP "summary" is only reported when the catalog knows the column, which only the init migration says.
    let expected_renames = expected(&[
        (
            "rename-without-map",
            RENAMES,
            line_of(BLOG, RENAMES, "RENAME COLUMN \"content\""),
        ),
        (
            // "summary" and "excerpt" share no word: a drop (of the same loss), not a proven rename.
            "drop-column",
            RENAMES,
            line_of(BLOG, RENAMES, "DROP COLUMN \"summary\""),
        ),
    ]);
    let file = format!("{BLOG}/{RENAMES}/migration.sql");
    let folder = format!("{BLOG}/{RENAMES}");
    for arg in [&file, &folder] {
        let (run, report) = json(&[arg]);
        assert_eq!(run.code, 1, "{arg}: {}", run.stderr);
        assert_eq!(findings(&report), expected_renames, "{arg}");
        assert_eq!(summary(&report, "files"), 1, "{arg}");
    }
}

#[test]
fn single_migration_folder_with_spaces() {
    let folder = format!("{EDGE}/{SPACES}");
    let (run, report) = json(&[&folder]);
    assert_eq!(run.code, 1, "stderr: {}", run.stderr);
    assert_eq!(
        findings(&report),
        expected(&[(
            "rename-without-map",
            SPACES,
            line_of(EDGE, SPACES, "ALTER TABLE Accounts DROP COLUMN")
        )])
    );
    assert_eq!(summary(&report, "files"), 1);
}

#[test]
fn single_file_of_objects_created_in_that_file_is_clean() {
    let (run, report) = json(&[&format!("{EDGE}/{EDGE_INIT}/migration.sql")]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(diagnostics(&report).is_empty());
}

// ---------------------------------------------------------------------------------------------------------------
// paths

#[test]
fn paths_are_shown_as_given_without_leading_dot_slash() {
    let (_, report) = json(&["./fixtures/flat"]);
    for d in diagnostics(&report) {
        let path = s(&d["path"]);
        assert!(path.starts_with("fixtures/flat/"), "{path}");
    }
    let (_, report) = json(&[BLOG]);
    for d in diagnostics(&report) {
        assert!(s(&d["path"]).starts_with(&format!("{BLOG}/")));
    }
}

#[test]
fn no_arguments_discovers_prisma_migrations_from_the_project() {
    // A temp copy: a lint.toml above fixtures/ (with its own `migrations`) must not take part.
    let (_tmp, project) = fixture_copy("blog");
    let (run, report) = json_in(&project, &[]);
    assert_eq!(run.code, 1, "stderr: {}", run.stderr);
    assert_eq!(findings(&report), blog_expected());
    for d in diagnostics(&report) {
        let path = s(&d["path"]);
        assert!(
            path.starts_with("prisma/migrations/") && path.ends_with("/migration.sql"),
            "{path}"
        );
    }
}

#[test]
fn relative_file_from_inside_the_project() {
    let file = format!("migrations/{SLUG}/migration.sql");
    let (_, report) = json_in(&crate_dir().join("fixtures/blog/prisma"), &[&file]);
    assert_eq!(diagnostics(&report).len(), 1);
    assert_eq!(s(&diagnostics(&report)[0]["path"]), file);
}

#[test]
fn migrations_from_config_are_shown_relative_to_the_working_dir() {
    let (_tmp, project) = fixture_copy("blog");
    fs::write(
        project.join("lint.toml"),
        "migrations = \"prisma/migrations\"\n",
    )
    .unwrap();
    let (_, report) = json_in(&project, &[]);
    assert_eq!(findings(&report), blog_expected());
    for d in diagnostics(&report) {
        let path = s(&d["path"]);
        assert!(path.starts_with("prisma/migrations/"), "{path}");
    }
}

// ---------------------------------------------------------------------------------------------------------------
// flat folders

#[test]
fn flat_folder_reports_in_file_name_order() {
    let (run, report) = json(&["fixtures/flat"]);
    assert_eq!(run.code, 1, "stderr: {}", run.stderr);
    let got: Vec<(String, String, usize)> = diagnostics(&report)
        .into_iter()
        .map(|d| {
            (
                s(&d["rule"]).to_string(),
                s(&d["path"]).to_string(),
                n(&d["line"]),
            )
        })
        .collect();
    let flat_line = |file: &str, needle: &str| {
        let text = fs::read_to_string(crate_dir().join("fixtures/flat").join(file)).unwrap();
        text.lines().position(|l| l.contains(needle)).unwrap() + 1
    };
    assert_eq!(
        got,
        vec![
            (
                "not-null-without-default".into(),
                "fixtures/flat/002_add_status.sql".into(),
                flat_line("002_add_status.sql", "ADD COLUMN status"),
            ),
            (
                "set-not-null".into(),
                "fixtures/flat/003_require_phone.sql".into(),
                flat_line("003_require_phone.sql", "SET NOT NULL"),
            ),
            (
                "drop-column".into(),
                "fixtures/flat/010_drop_phone.sql".into(),
                flat_line("010_drop_phone.sql", "DROP COLUMN phone"),
            ),
        ]
    );
    assert_eq!(summary(&report, "files"), 4);
}

// ---------------------------------------------------------------------------------------------------------------
// mysql provider

#[test]
fn mysql_provider_is_refused_clearly() {
    for arg in ["fixtures/mysql/prisma/migrations", "fixtures/mysql"] {
        let (run, report) = json(&[arg]);
        assert_eq!(run.code, 2, "{arg}");
        assert!(
            run.stderr
                .contains("fixtures/mysql/prisma/migrations/migration_lock.toml"),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains("\"mysql\""), "{}", run.stderr);
        assert!(diagnostics(&report).is_empty());
        assert_eq!(summary(&report, "files"), 0);
    }
}

// ---------------------------------------------------------------------------------------------------------------
// configuration

fn blog_with_config(config: &str) -> (tempfile::TempDir, PathBuf) {
    let (tmp, project) = fixture_copy("blog");
    fs::write(project.join("lint.toml"), config).unwrap();
    (tmp, project)
}

fn without_rule(all: Vec<(String, String, usize)>, rule: &str) -> Vec<(String, String, usize)> {
    all.into_iter().filter(|f| f.0 != rule).collect()
}

#[test]
fn config_turns_a_rule_off() {
    let (_tmp, project) = blog_with_config("[rules]\ndrop-column = \"off\"\n");
    let (run, report) = json_in(&project, &["prisma/migrations"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        findings(&report),
        without_rule(blog_expected(), "drop-column")
    );
    assert_eq!(summary(&report, "errors"), 3 + 2, "and 2 of schema-drift");
}

#[test]
fn config_changes_severity_and_exit_code() {
    let (_tmp, project) = blog_with_config("[rules]\ndrop-column = \"warning\"\n");
    let (run, report) = json_in(&project, &["prisma/migrations"]);
    assert_eq!(run.code, 1, "other errors remain");
    let drops = of_rule(&report, "drop-column");
    assert_eq!(drops.len(), 2);
    assert_eq!(drops[0]["severity"], "warning");
    assert_eq!(
        summary(&report, "warnings"),
        4 + 7,
        "2 core + the 2 demoted drops + 7 lock warnings"
    );

    let (_tmp, project) = blog_with_config(
        "[rules]\nnot-null-without-default = \"warning\"\ndrop-column = \"warning\"\n\
         drop-table = \"info\"\nrename-without-map = \"warning\"\nschema-drift = \"info\"\n",
    );
    let (run, report) = json_in(&project, &["prisma/migrations"]);
    assert_eq!(run.code, 0, "no error-severity finding left");
    assert_eq!(findings(&report), blog_expected());
    assert_eq!(summary(&report, "errors"), 0);
    assert_eq!(of_rule(&report, "drop-table")[0]["severity"], "info");
}

#[test]
fn config_unknown_key_names_file_and_line() {
    let (_tmp, project) = blog_with_config("postgres_version = 15\nfail_on = \"warning\"\n");
    let run = run_in(&project, &["--format", "json", "prisma/migrations"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("lint.toml:2"), "{}", run.stderr);
    assert!(run.stderr.contains("fail_on"), "{}", run.stderr);
}

#[test]
fn config_unknown_rule_suggests_a_name() {
    let (_tmp, project) = blog_with_config("[rules]\ndrop-colunm = \"off\"\n");
    let run = run_in(&project, &["--format", "json", "prisma/migrations"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("lint.toml:2"), "{}", run.stderr);
    assert!(run.stderr.contains("drop-colunm"), "{}", run.stderr);
    assert!(
        run.stderr.contains("did you mean `drop-column`"),
        "{}",
        run.stderr
    );
}

#[test]
fn config_option_wins_over_discovery() {
    let (_tmp, project) = blog_with_config("[rules]\ndrop-column = \"off\"\n");
    fs::write(
        project.join("other.toml"),
        "[rules]\ndrop-table = \"off\"\n",
    )
    .unwrap();
    let (run, report) = json_in(&project, &["--config", "other.toml", "prisma/migrations"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        findings(&report),
        without_rule(blog_expected(), "drop-table")
    );
    // A broken --config is an error even when a good lint.toml would be found.
    fs::write(project.join("broken.toml"), "[rules]\nnope = \"off\"\n").unwrap();
    let run = run_in(
        &project,
        &[
            "--format",
            "json",
            "--config",
            "broken.toml",
            "prisma/migrations",
        ],
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("broken.toml:2"), "{}", run.stderr);
}

// ---------------------------------------------------------------------------------------------------------------
// bad input

#[test]
fn missing_path_is_an_input_error() {
    let run = run_in(
        &crate_dir(),
        &["--format", "json", "fixtures/no-such-project"],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("fixtures/no-such-project"),
        "{}",
        run.stderr
    );
}

#[test]
fn non_utf8_file_is_reported_and_the_rest_still_linted() {
    let (_tmp, project) = fixture_copy("blog");
    let migration = "20240115100000_add_tags";
    let path = project
        .join("prisma/migrations")
        .join(migration)
        .join("migration.sql");
    let text = fs::read_to_string(&path).unwrap();
    let marker = "-- CreateIndex";
    let line = text.lines().position(|l| l == marker).unwrap() + 1;
    let mut bytes = text.into_bytes();
    let at = bytes
        .windows(marker.len())
        .position(|w| w == marker.as_bytes())
        .unwrap()
        + marker.len();
    bytes.splice(at..at, [b' ', 0xff, 0xfe]);
    fs::write(&path, bytes).unwrap();

    let (run, report) = json_in(&project, &["prisma/migrations"]);
    assert_eq!(run.code, 2);
    let shown = format!("prisma/migrations/{migration}/migration.sql:{line}");
    assert!(
        run.stderr.contains(&shown),
        "want {shown} in {}",
        run.stderr
    );
    let errors = report["input_errors"].as_array().expect("input_errors");
    assert!(errors.iter().any(|e| s(e).contains(&shown)), "{errors:?}");
    assert_eq!(findings(&report), blog_expected());
}

/// A small project: a table, an empty migration, and a migration starting with a UTF-8 BOM.
fn empty_and_bom_project() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let migrations = tmp.path().join("prisma/migrations");
    for (name, bytes) in [
        (
            "20240101000000_init",
            b"CREATE TABLE \"T\" (\"id\" INTEGER NOT NULL, \"x\" TEXT);\n".to_vec(),
        ),
        ("20240102000000_empty", Vec::new()),
        (
            "20240103000000_bom",
            [
                &b"\xef\xbb\xbf"[..],
                b"ALTER TABLE \"T\" DROP COLUMN \"x\";\n",
            ]
            .concat(),
        ),
    ] {
        fs::create_dir_all(migrations.join(name)).unwrap();
        fs::write(migrations.join(name).join("migration.sql"), bytes).unwrap();
    }
    fs::write(
        migrations.join("migration_lock.toml"),
        "provider = \"postgresql\"\n",
    )
    .unwrap();
    let project = tmp.path().to_path_buf();
    (tmp, project)
}

#[test]
fn empty_and_bom_files_do_not_crash() {
    let (_tmp, project) = empty_and_bom_project();
    let (run, report) = json_in(&project, &["prisma/migrations"]);
    assert_eq!(run.code, 1, "stderr: {}", run.stderr);
    assert_eq!(
        findings(&report),
        expected(&[("drop-column", "20240103000000_bom", 1)])
    );
    assert_eq!(summary(&report, "files"), 3);
    assert_eq!(summary(&report, "unparsed"), 0);
}

#[test]
fn bom_is_not_counted_as_a_column() {
    let (_tmp, project) = empty_and_bom_project();
    let (_, report) = json_in(&project, &["prisma/migrations"]);
    let d = &diagnostics(&report)[0];
    // `ALTER TABLE "T" DROP COLUMN`: DROP is the 17th character an editor shows.
    assert_eq!(n(&d["column"]), 17);
}

#[test]
fn unreadable_file_is_an_input_error() {
    use std::os::unix::fs::PermissionsExt;
    let (_tmp, project) = fixture_copy("blog");
    let path = project
        .join("prisma/migrations")
        .join(COMMENTS)
        .join("migration.sql");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o000)).unwrap();
    let (run, report) = json_in(&project, &["prisma/migrations"]);
    if fs::read(&path).is_ok() {
        // Running as root: chmod 000 does not stop reading, so the file is linted as usual.
        eprintln!("skipping the unreadable-file assertion: the file is still readable (root?)");
        assert_eq!(findings(&report), blog_expected());
        return;
    }
    assert_eq!(run.code, 2);
    let shown = format!("prisma/migrations/{COMMENTS}/migration.sql");
    assert!(run.stderr.contains(&shown), "{}", run.stderr);
    assert!(
        of_rule(&report, "not-null-without-default").len() == 1,
        "other files are still linted"
    );
}

// ---------------------------------------------------------------------------------------------------------------
// human format

#[test]
fn human_output_without_color() {
    let run = run_in(&crate_dir(), &[BLOG]);
    assert_eq!(run.code, 1);
    assert!(!run.stdout.contains('\x1b'), "ESC in output");
    let (_, report) = json(&[BLOG]);
    for d in diagnostics(&report) {
        let rule = s(&d["rule"]);
        assert!(run.stdout.contains(rule), "{rule} missing");
        let location = format!("{}:{}:{}", s(&d["path"]), n(&d["line"]), n(&d["column"]));
        assert!(run.stdout.contains(&location), "{location} missing");
    }
    let summary_line = format!(
        "{} errors, {} warnings, {} info in {} files ({} statements, {} not parsed)",
        summary(&report, "errors"),
        summary(&report, "warnings"),
        count_severity(&report, "info"),
        summary(&report, "files"),
        summary(&report, "statements"),
        summary(&report, "unparsed"),
    );
    assert!(
        run.stdout.lines().any(|l| l == summary_line),
        "want `{summary_line}` in\n{}",
        run.stdout
    );
}

// ---------------------------------------------------------------------------------------------------------------
// rules subcommand

#[test]
fn rules_lists_every_rule() {
    let run = run_in(&crate_dir(), &["rules"]);
    assert_eq!(run.code, 0);
    let ids: BTreeSet<&str> = run
        .stdout
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    let registry: BTreeSet<&str> = migrate_lint::rules::RULES.iter().map(|r| r.id).collect();
    assert_eq!(ids, registry);
    assert!(CORE_RULES.iter().all(|id| ids.contains(id)));
    assert_eq!(
        run.stdout.lines().filter(|l| !l.trim().is_empty()).count(),
        registry.len()
    );
}

#[test]
fn flat_single_file_uses_the_files_before_it() {
    let (run, report) = json(&["fixtures/flat/010_drop_phone.sql"]);
    assert_eq!(run.code, 1, "stderr: {}", run.stderr);
    assert_eq!(
        findings(&report),
        expected(&[("drop-column", "010_drop_phone.sql", 2)])
    );
    assert_eq!(summary(&report, "files"), 1);
}

#[test]
fn do_block_is_reported_as_partly_checked_not_as_a_parser_error() {
    let (_, report) = json(&[BLOG]);
    let notes = of_rule(&report, "unparsed-statement");
    assert_eq!(notes.len(), 1);
    let message = s(&notes[0]["message"]);
    assert!(message.starts_with("DO block:"), "{message}");
    assert!(!message.contains("Expected:"), "{message}");
}

/// Histories are linted concurrently; a scheduling mistake there shows up as a hang, so this run has a deadline.
#[test]
fn several_histories_in_one_run_are_all_linted() {
    let mut child = command()
        .args(["--format", "json", BLOG, EDGE, "fixtures/flat"])
        .current_dir(crate_dir())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("linting three histories did not finish within 60 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let roots: Vec<&str> = all_diagnostics(&report)
        .iter()
        .map(|d| {
            let path = s(&d["path"]);
            ["fixtures/blog", "fixtures/edge", "fixtures/flat"]
                .into_iter()
                .find(|root| path.starts_with(root))
                .unwrap_or(path)
        })
        .collect();
    let mut order = roots.clone();
    order.dedup();
    assert_eq!(
        order,
        ["fixtures/blog", "fixtures/edge", "fixtures/flat"],
        "grouped by history, in path order"
    );
    let (_, blog) = json(&[BLOG]);
    assert_eq!(
        roots.iter().filter(|r| **r == "fixtures/blog").count(),
        all_diagnostics(&blog).len(),
        "the same findings as a run of that history alone"
    );
}
