//! Fix suggestions hold up: every suggested statement parses, and applying the suggested migrations in place of the
//! bad one does not bring the finding back.

mod support;

use migrate_lint::fix::{Placement, SchemaIntent, Suggestion};
use migrate_lint::ops::fully_recognized;
use migrate_lint::rules::diagnostic::Diagnostic;
use migrate_lint::rules::settings::Settings;
use migrate_lint::rules::RULES;
use migrate_lint::syntax::parse::parse_statement;
use migrate_lint::syntax::split::split;
use support::lint::{file, is_duplicates_warning, lint as lint_history, lint_in, RunState};
use support::pages::example;

/// Rules that cannot know a fix: everything else must ship a suggestion.
const WITHOUT_SUGGESTION: &[&str] = &["unparsed-statement"];

/// Rules whose fix is no SQL: their suggestion is notes only (the commands to run, the comment to write), so the
/// migration stays as it is and the finding stays until the user acts on the notes.
const NOTES_ONLY: &[&str] = &[
    // The comment is not SQL: the notes give the corrected comment.
    "ignore-without-reason",
    "unused-ignore",
];

/// Rules about the applied history: their findings need an applied set, and their fix restores a file or runs
/// `prisma migrate resolve` rather than rewriting SQL, so their notes-only suggestions are checked in
/// tests/applied_git.rs and tests/applied_database.rs.
/// Rules that compare the history with a schema.prisma, which these examples do not have; schema-drift's only
/// suggestion is the `prisma migrate dev` command (tests/rules/schema_drift.rs, tests/schema_drift.rs).
const NEEDS_A_SCHEMA: &[&str] = &["schema-drift"];

const APPLIED_HISTORY_RULES: &[&str] = &[
    "edited-applied-migration",
    "migration-out-of-order",
    "failed-migration",
];

/// Every rule on by default plus `rule` (opt-in rules are off by default), as tests/rule_docs.rs lints the pages.
fn settings_with(rule: &str) -> Settings {
    let mut settings = Settings::default();
    if let Some(r) = migrate_lint::rules::find(rule) {
        settings
            .severities
            .insert(r.id.to_string(), Some(r.default_severity));
    }
    settings
}

fn lint_bad(rule: &str, setup: &str, bad: &str) -> Vec<Diagnostic> {
    let files = [file("0_setup", setup), file("1_bad", bad)];
    lint_history(&files, &[false, true], &settings_with(rule)).diagnostics
}

fn assert_parses(statement: &str, context: &str) {
    let parts = split(statement).statements;
    assert_eq!(
        parts.len(),
        1,
        "{context}: `{statement}` is not exactly one statement"
    );
    let parsed = parse_statement(statement, parts.into_iter().next().unwrap());
    // What sqlparser lacks (`DROP INDEX CONCURRENTLY`, REINDEX) the linter reads in full from tokens.
    if let Err(e) = &parsed.ast {
        assert!(
            fully_recognized(statement, &parsed.tokens),
            "{context}: `{statement}` does not parse: {}",
            e.message
        );
    }
}

/// Replays setup, (the bad migration when the suggestion follows it), then each suggested migration as its own file,
/// and returns the diagnostics of every file but the setup, with the index of the first suggested file.
fn apply(
    rule: &str,
    setup: &str,
    bad: &str,
    suggestion: &Suggestion,
    upto: usize,
) -> (Vec<Diagnostic>, usize) {
    let mut files = vec![file("0_setup", setup)];
    if suggestion.placement == Placement::After {
        files.push(file("1_bad", bad));
    }
    let first_suggested = files.len();
    for (i, statements) in suggestion.sql[..upto].iter().enumerate() {
        files.push(file(
            &format!("{}_suggested", i + 2),
            &statements.join("\n"),
        ));
    }
    let mut report = vec![true; files.len()];
    report[0] = false;
    // A migration the suggestion follows keeps its other findings (each has a suggestion of its own); only `rule`
    // must be gone from it.
    let diagnostics = lint_history(&files, &report, &settings_with(rule))
        .diagnostics
        .into_iter()
        .filter(|d| d.file >= first_suggested || d.rule == rule)
        .filter(|d| !is_duplicates_warning(d.rule, &d.message))
        .collect();
    (diagnostics, first_suggested)
}

/// The acceptance for one bad migration: each finding of `rule` has a suggestion (and alternative) whose statements
/// parse, whose migrations before any later release produce no finding at all, and whose later-release migrations
/// bring back nothing but the deliberate contract step of the same rule.
fn assert_suggestions_hold(rule: &str, setup: &str, bad: &str) -> usize {
    let findings: Vec<Diagnostic> = lint_bad(rule, setup, bad)
        .into_iter()
        .filter(|d| d.rule == rule)
        .collect();
    assert!(
        !findings.is_empty(),
        "{rule}: the bad migration produced no finding"
    );
    let mut checked = 0;
    for finding in &findings {
        let Some(first) = &finding.suggestion else {
            assert!(
                WITHOUT_SUGGESTION.contains(&rule),
                "{rule}: finding without a suggestion: {}",
                finding.message
            );
            continue;
        };
        if NOTES_ONLY.contains(&rule) {
            assert!(
                first.sql.is_empty() && !first.notes.is_empty(),
                "{rule}: expected a notes-only suggestion, got {first:?}"
            );
            checked += 1;
            continue;
        }
        let mut next = Some(&**first);
        while let Some(suggestion) = next {
            let context = format!("{rule} ({})", suggestion.summary);
            for statement in suggestion.sql.iter().flatten() {
                assert_parses(statement, &context);
            }
            let now = suggestion.later_from.unwrap_or(suggestion.sql.len());
            let (immediate, _) = apply(rule, setup, bad, suggestion, now);
            assert!(
                immediate.is_empty(),
                "{context}: the suggested migrations produce {:?}",
                immediate
                    .iter()
                    .map(|d| (d.rule, &d.message))
                    .collect::<Vec<_>>()
            );
            let (all, first_suggested) = apply(rule, setup, bad, suggestion, suggestion.sql.len());
            for d in &all {
                assert!(
                    d.rule == rule && d.file >= first_suggested + now,
                    "{context}: applying every migration produces {} in file {}: {}",
                    d.rule,
                    d.file,
                    d.message
                );
            }
            checked += 1;
            next = suggestion.alternative.as_deref();
        }
    }
    checked
}

#[test]
fn every_rule_pages_bad_example_gets_a_suggestion_that_fixes_it() {
    for rule in RULES
        .iter()
        .filter(|r| !APPLIED_HISTORY_RULES.contains(&r.id) && !NEEDS_A_SCHEMA.contains(&r.id))
    {
        let ex = example(rule.doc, "Bad");
        let checked = assert_suggestions_hold(rule.id, &ex.setup, &ex.migration);
        if !WITHOUT_SUGGESTION.contains(&rule.id) {
            assert!(checked > 0, "{}: no suggestion checked", rule.id);
        }
    }
}

/// Suggestions are built only when a run shows them, and leaving them out changes no finding.
#[test]
fn findings_are_the_same_whether_or_not_suggestions_are_built() {
    for rule in RULES
        .iter()
        .filter(|r| !APPLIED_HISTORY_RULES.contains(&r.id) && !NEEDS_A_SCHEMA.contains(&r.id))
    {
        let ex = example(rule.doc, "Bad");
        let files = [file("0_setup", &ex.setup), file("1_bad", &ex.migration)];
        let settings = settings_with(rule.id);
        let with = lint_history(&files, &[false, true], &settings).diagnostics;
        let without_suggestions = RunState {
            keep_suggestions: false,
            ..RunState::default()
        };
        let without = lint_in(&files, &[false, true], &settings, &without_suggestions).diagnostics;
        assert!(
            without.iter().all(|d| d.suggestion.is_none()),
            "{}: a suggestion was kept",
            rule.id
        );
        if !WITHOUT_SUGGESTION.contains(&rule.id) {
            assert!(
                with.iter().any(|d| d.suggestion.is_some()),
                "{}: no suggestion built",
                rule.id
            );
        }
        let stripped: Vec<Diagnostic> = with
            .into_iter()
            .map(|d| Diagnostic {
                suggestion: None,
                ..d
            })
            .collect();
        assert_eq!(stripped, without, "{}", rule.id);
    }
}

const USERS: &str = r#"CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');
CREATE TABLE "Member" ("id" TEXT NOT NULL, "role" "Role" NOT NULL, CONSTRAINT "Member_pkey" PRIMARY KEY ("id"));
CREATE TABLE "User" ("id" TEXT NOT NULL, "email" TEXT, "name" TEXT, "age" INTEGER NOT NULL,
  CONSTRAINT "User_pkey" PRIMARY KEY ("id"));
CREATE TABLE "Post" ("id" TEXT NOT NULL, "authorId" TEXT NOT NULL, "editorId" TEXT NOT NULL,
  CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));
CREATE INDEX "Post_authorId_idx" ON "Post"("authorId");
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id");
"#;

#[test]
fn suggestions_hold_beyond_the_page_examples() {
    let cases: &[(&str, &str)] = &[
        (
            "not-null-without-default",
            r#"ALTER TABLE "User" ADD COLUMN "role" "Role" NOT NULL;"#,
        ),
        (
            "not-null-without-default",
            r#"ALTER TABLE "User" ADD COLUMN "seenAt" TIMESTAMP(3) NOT NULL;"#,
        ),
        (
            "not-null-without-default",
            r#"ALTER TABLE "User" ADD COLUMN "active" BOOLEAN NOT NULL, ADD COLUMN "score" BIGINT NOT NULL;"#,
        ),
        (
            "not-null-without-default",
            r#"ALTER TABLE "User" ADD COLUMN "token" UUID NOT NULL;"#,
        ),
        (
            "not-null-without-default",
            r#"ALTER TABLE "User" ADD COLUMN "tags" TEXT[] NOT NULL;"#,
        ),
        (
            "set-not-null",
            r#"ALTER TABLE "User" ALTER COLUMN "name" SET NOT NULL;"#,
        ),
        ("drop-column", r#"ALTER TABLE "User" DROP COLUMN "age";"#),
        ("drop-table", r#"DROP TABLE "Post";"#),
        (
            "rename-without-map",
            r#"ALTER TABLE "User" RENAME COLUMN "email" TO "mail";"#,
        ),
        (
            "rename-without-map",
            r#"ALTER TABLE "User" RENAME TO "Member";"#,
        ),
        (
            "fk-without-index",
            r#"ALTER TABLE "Post" ADD CONSTRAINT "Post_editorId_fkey" FOREIGN KEY ("editorId") REFERENCES "User"("id");"#,
        ),
        // Lock rules: the branches their pages do not show.
        (
            "create-index-non-concurrently",
            r#"CREATE UNIQUE INDEX "User_email_key" ON "User"("email") WHERE "email" IS NOT NULL;"#,
        ),
        (
            "concurrently-in-transaction",
            "SET lock_timeout = '5s';\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\n\
             CREATE INDEX CONCURRENTLY \"User_name_idx\" ON \"User\"(\"name\");\n\
             ALTER TABLE \"Post\" ADD COLUMN \"title\" TEXT;",
        ),
        (
            "concurrently-in-transaction",
            "BEGIN;\nDROP INDEX CONCURRENTLY \"Post_authorId_idx\";\nCOMMIT;",
        ),
        (
            "constraint-not-valid",
            r#"ALTER TABLE "User" ADD CHECK ("age" >= 0);"#,
        ),
        (
            "constraint-not-valid",
            "SET lock_timeout = '5s';\n\
             ALTER TABLE \"User\" ADD CONSTRAINT \"User_age_check\" CHECK (\"age\" >= 0) NOT VALID;\n\
             ALTER TABLE \"User\" VALIDATE CONSTRAINT \"User_age_check\";",
        ),
        (
            "unique-constraint-locks",
            r#"ALTER TABLE "User" ADD UNIQUE ("email");"#,
        ),
        (
            "change-column-type",
            r#"ALTER TABLE "User" ALTER COLUMN "age" TYPE BIGINT USING "age"::bigint;"#,
        ),
        (
            "change-column-type",
            "CREATE TYPE \"Role_new\" AS ENUM ('USER', 'ADMIN', 'EDITOR');\n\
             ALTER TABLE \"Member\" ALTER COLUMN \"role\" TYPE \"Role_new\" USING (\"role\"::text::\"Role_new\");\n\
             ALTER TYPE \"Role\" RENAME TO \"Role_old\";\n\
             ALTER TYPE \"Role_new\" RENAME TO \"Role\";\n\
             DROP TYPE \"Role_old\";",
        ),
        (
            "volatile-default",
            r#"ALTER TABLE "User" ADD COLUMN "seq" SERIAL;"#,
        ),
        (
            "enum-value-in-transaction",
            "ALTER TYPE \"Role\" ADD VALUE 'EDITOR';\nALTER TYPE \"Role\" ADD VALUE 'OWNER';\n\
             UPDATE \"Member\" SET \"role\" = 'OWNER' WHERE \"id\" IN ('m1', 'm2');",
        ),
        (
            "enum-value-in-transaction",
            "BEGIN;\nALTER TYPE \"Role\" ADD VALUE 'EDITOR';\n\
             UPDATE \"Member\" SET \"role\" = 'EDITOR' WHERE \"id\" = 'm1';\nCOMMIT;",
        ),
        (
            "missing-lock-timeout",
            "ALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\n\
             CREATE INDEX CONCURRENTLY \"User_name_idx\" ON \"User\"(\"name\");",
        ),
        (
            "long-lock-chain",
            "SET lock_timeout = '5s';\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\n\
             CREATE INDEX \"Post_id_authorId_idx\" ON \"Post\"(\"id\", \"authorId\");",
        ),
        (
            "data-backfill-in-migration",
            r#"DELETE FROM "Post";"#,
        ),
        (
            "truncate",
            r#"TRUNCATE "Post", "User";"#,
        ),
        (
            "table-rewrite-command",
            r#"REINDEX TABLE "User";"#,
        ),
        (
            "table-rewrite-command",
            r#"CLUSTER "User" USING "User_pkey";"#,
        ),
        (
            "identifier-too-long",
            r#"CREATE INDEX CONCURRENTLY "User_name_email_and_a_very_long_suffix_that_goes_past_the_limit_idx" ON "User"("name", "email");"#,
        ),
        (
            "prefer-text",
            r#"ALTER TABLE "User" ADD COLUMN "bio" VARCHAR(280);"#,
        ),
    ];
    for (rule, bad) in cases {
        assert!(
            assert_suggestions_hold(rule, USERS, bad) > 0,
            "{rule}: {bad}"
        );
    }
    // A NOT VALID check from an earlier migration is validated, not added a second time.
    let with_check = format!(
        "{USERS}ALTER TABLE \"User\" ADD CONSTRAINT \"name_nn\" CHECK (\"name\" IS NOT NULL) NOT VALID;"
    );
    let set = r#"ALTER TABLE "User" ALTER COLUMN "name" SET NOT NULL;"#;
    assert_eq!(assert_suggestions_hold("set-not-null", &with_check, set), 1);
    let s = only_suggestion("set-not-null", &with_check, set);
    assert_eq!(
        s.sql[0],
        vec![r#"ALTER TABLE "User" VALIDATE CONSTRAINT "name_nn";"#]
    );
    // Inline constraints are not silently lost.
    let inline = only_suggestion(
        "not-null-without-default",
        USERS,
        r#"ALTER TABLE "User" ADD COLUMN "handle" TEXT NOT NULL UNIQUE;"#,
    );
    assert!(inline
        .notes
        .iter()
        .any(|n| n.contains("inline constraints")));
}

fn only_suggestion(rule: &str, setup: &str, bad: &str) -> Suggestion {
    let found: Vec<Diagnostic> = lint_bad(rule, setup, bad)
        .into_iter()
        .filter(|d| d.rule == rule)
        .collect();
    assert_eq!(found.len(), 1, "{rule}: {found:?}");
    *found[0].suggestion.clone().expect("a suggestion")
}

#[test]
fn not_null_default_is_picked_by_type_and_the_nullable_path_is_offered() {
    let enum_column = only_suggestion(
        "not-null-without-default",
        USERS,
        r#"ALTER TABLE "User" ADD COLUMN "role" "Role" NOT NULL;"#,
    );
    assert_eq!(
        enum_column.sql,
        vec![vec![
            "SET lock_timeout = '5s';".to_string(),
            r#"ALTER TABLE "User" ADD COLUMN "role" "Role" NOT NULL DEFAULT 'USER';"#.to_string()
        ]]
    );
    let nullable = enum_column.alternative.expect("the nullable path");
    assert_eq!(nullable.sql.len(), 5, "{:?}", nullable.sql);
    assert_eq!(
        nullable.sql[1],
        vec![
            r#"UPDATE "User" SET "role" = 'USER' WHERE "id" IN (SELECT "id" FROM "User" WHERE "role" IS NULL LIMIT 1000);"#
        ]
    );
    for strong in [&nullable.sql[2], &nullable.sql[4]] {
        assert_eq!(strong[0], "SET lock_timeout = '5s';");
    }

    let timestamp = only_suggestion(
        "not-null-without-default",
        USERS,
        r#"ALTER TABLE "User" ADD COLUMN "seenAt" TIMESTAMP(3) NOT NULL;"#,
    );
    assert!(timestamp.sql[0][1].ends_with("NOT NULL DEFAULT CURRENT_TIMESTAMP;"));

    // A unique column cannot take one constant for every row (the second row collides), whether the uniqueness is
    // inline or, as Prisma writes `@unique`, a CREATE UNIQUE INDEX later in the migration: only the nullable path,
    // backfilled with real, distinct values.
    for migration in [
        r#"ALTER TABLE "User" ADD COLUMN "slug" TEXT NOT NULL;
CREATE UNIQUE INDEX "User_slug_key" ON "User"("slug");"#,
        r#"ALTER TABLE "User" ADD COLUMN "slug" TEXT NOT NULL UNIQUE;"#,
    ] {
        let unique = only_suggestion("not-null-without-default", USERS, migration);
        assert!(unique.alternative.is_none(), "{migration}");
        assert!(
            unique
                .sql
                .iter()
                .flatten()
                .all(|s| !s.contains("DEFAULT") && !s.starts_with("UPDATE")),
            "{migration}: {:?}",
            unique.sql
        );
        assert!(
            unique.notes.iter().any(|n| n.contains("distinct")),
            "{:?}",
            unique.notes
        );
    }

    // No constant fits a uuid: only the nullable path, without a made-up backfill value.
    let uuid = only_suggestion(
        "not-null-without-default",
        USERS,
        r#"ALTER TABLE "User" ADD COLUMN "token" UUID NOT NULL;"#,
    );
    assert!(uuid.alternative.is_none());
    assert_eq!(uuid.sql.len(), 4);
    assert!(uuid.sql.iter().flatten().all(|s| !s.starts_with("UPDATE")));
}

#[test]
fn fk_index_is_alone_in_its_migration_and_named_like_prisma() {
    let s = only_suggestion(
        "fk-without-index",
        USERS,
        r#"ALTER TABLE "Post" ADD CONSTRAINT "Post_editorId_fkey" FOREIGN KEY ("editorId") REFERENCES "User"("id");"#,
    );
    assert_eq!(s.placement, Placement::After);
    assert_eq!(
        s.sql,
        vec![vec![
            r#"CREATE INDEX CONCURRENTLY "Post_editorId_idx" ON "Post"("editorId");"#.to_string()
        ]]
    );
}

#[test]
fn set_not_null_before_postgres_12_says_there_is_no_shortcut() {
    let files = [
        file("0_setup", USERS),
        file(
            "1_bad",
            r#"ALTER TABLE "User" ALTER COLUMN "name" SET NOT NULL;"#,
        ),
    ];
    let settings = Settings {
        postgres_version: 11,
        ..Settings::default()
    };
    let d = lint_history(&files, &[false, true], &settings).diagnostics;
    let set_not_null = d
        .iter()
        .find(|d| d.rule == "set-not-null")
        .expect("set-not-null");
    let s = set_not_null.suggestion.as_ref().expect("a suggestion");
    assert_eq!(
        s.sql,
        vec![vec![
            "SET lock_timeout = '5s';".to_string(),
            r#"ALTER TABLE "User" ALTER COLUMN "name" SET NOT NULL;"#.to_string()
        ]]
    );
    assert!(s.notes.iter().any(|n| n.contains("before PostgreSQL 12")));
}

#[test]
fn drop_keeps_the_drop_for_a_later_release() {
    let s = only_suggestion(
        "drop-column",
        USERS,
        r#"ALTER TABLE "User" DROP COLUMN "age";"#,
    );
    // "age" is required without default: rows the new client inserts must be allowed to omit it.
    assert_eq!(
        s.sql[0],
        vec![
            "SET lock_timeout = '5s';",
            r#"ALTER TABLE "User" ALTER COLUMN "age" DROP NOT NULL;"#
        ]
    );
    assert_eq!(s.later_from, Some(1));
    assert_eq!(s.sql[1][1], r#"ALTER TABLE "User" DROP COLUMN "age";"#);

    let nullable = only_suggestion(
        "drop-column",
        USERS,
        r#"ALTER TABLE "User" DROP COLUMN "name";"#,
    );
    assert_eq!(
        nullable.later_from,
        Some(0),
        "nothing to relax first: {:?}",
        nullable.sql
    );

    // The field put back with `@ignore` is optional unless the column is required with a default.
    let optional = |s: &Suggestion| match &s.schema_intent {
        Some(SchemaIntent::IgnoreField { optional, .. }) => *optional,
        other => panic!("expected an @ignore edit, got {other:?}"),
    };
    assert!(optional(&s));
    assert!(optional(&nullable));
    let with_default = only_suggestion(
        "drop-column",
        r#"CREATE TABLE "T" ("id" TEXT NOT NULL, "n" INTEGER NOT NULL DEFAULT 0);"#,
        r#"ALTER TABLE "T" DROP COLUMN "n";"#,
    );
    assert!(!optional(&with_default));
    assert_eq!(with_default.sql.len(), 1);
}

/// The lock suggestions keep what the statement says (names, WHERE, other statements) and change only what locks.
#[test]
fn lock_suggestions_rewrite_the_real_statements() {
    let sql = |rule: &str, bad: &str| only_suggestion(rule, USERS, bad).sql;
    assert_eq!(
        sql(
            "create-index-non-concurrently",
            r#"CREATE UNIQUE INDEX "User_email_key" ON "User"("email") WHERE "email" IS NOT NULL;"#
        ),
        vec![vec![
            r#"CREATE UNIQUE INDEX CONCURRENTLY "User_email_key" ON "User"("email") WHERE "email" IS NOT NULL;"#
        ]]
    );
    // The statements around the CONCURRENTLY one keep their order and get a lock_timeout of their own.
    assert_eq!(
        sql(
            "concurrently-in-transaction",
            "SET lock_timeout = '5s';\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\n\
             CREATE INDEX CONCURRENTLY \"User_name_idx\" ON \"User\"(\"name\");\n\
             ALTER TABLE \"Post\" ADD COLUMN \"title\" TEXT;"
        ),
        vec![
            vec![
                "SET lock_timeout = '5s';",
                r#"ALTER TABLE "User" ADD COLUMN "bio" TEXT;"#
            ],
            vec![r#"CREATE INDEX CONCURRENTLY "User_name_idx" ON "User"("name");"#],
            vec![
                "SET lock_timeout = '5s';",
                r#"ALTER TABLE "Post" ADD COLUMN "title" TEXT;"#
            ],
        ]
    );
    // An unnamed constraint gets a name, so the next migration can validate it.
    assert_eq!(
        sql(
            "constraint-not-valid",
            r#"ALTER TABLE "User" ADD CHECK ("age" >= 0);"#
        ),
        vec![
            vec![
                "SET lock_timeout = '5s';",
                r#"ALTER TABLE "User" ADD CONSTRAINT "User_check" CHECK ("age" >= 0) NOT VALID;"#
            ],
            vec![r#"ALTER TABLE "User" VALIDATE CONSTRAINT "User_check";"#],
        ]
    );
    assert_eq!(
        sql(
            "unique-constraint-locks",
            r#"ALTER TABLE "User" ADD UNIQUE ("email");"#
        ),
        vec![
            vec![r#"CREATE UNIQUE INDEX CONCURRENTLY "User_email_key" ON "User"("email");"#],
            vec![
                "SET lock_timeout = '5s';",
                r#"ALTER TABLE "User" ADD CONSTRAINT "User_email_key" UNIQUE USING INDEX "User_email_key";"#
            ],
        ]
    );
    // Prisma's enum swap that only adds a value becomes ADD VALUE: nothing is rewritten.
    assert_eq!(
        sql(
            "change-column-type",
            "CREATE TYPE \"Role_new\" AS ENUM ('USER', 'ADMIN', 'EDITOR');\n\
             ALTER TABLE \"Member\" ALTER COLUMN \"role\" TYPE \"Role_new\" USING (\"role\"::text::\"Role_new\");\n\
             ALTER TYPE \"Role\" RENAME TO \"Role_old\";\nALTER TYPE \"Role_new\" RENAME TO \"Role\";\n\
             DROP TYPE \"Role_old\";"
        ),
        vec![vec![r#"ALTER TYPE "Role" ADD VALUE 'EDITOR';"#]]
    );
    assert_eq!(
        sql("table-rewrite-command", r#"REINDEX TABLE "User";"#),
        vec![vec![r#"REINDEX TABLE CONCURRENTLY "User";"#]]
    );
    // Style rules: the type as written, and the field's native type in schema.prisma.
    let timestamptz = only_suggestion(
        "prefer-timestamptz",
        USERS,
        r#"CREATE TABLE "Log" ("id" TEXT NOT NULL, "at" TIMESTAMP(3) NOT NULL);"#,
    );
    assert_eq!(
        timestamptz.sql,
        vec![vec![
            r#"CREATE TABLE "Log" ("id" TEXT NOT NULL, "at" TIMESTAMPTZ(3) NOT NULL);"#
        ]]
    );
    assert!(
        matches!(&timestamptz.schema_intent, Some(SchemaIntent::NativeType { native: Some(n), .. }) if n == "@db.Timestamptz(3)"),
        "{:?}",
        timestamptz.schema_intent
    );
    assert_eq!(
        sql(
            "prefer-text",
            r#"ALTER TABLE "User" ADD COLUMN "bio" VARCHAR(280);"#
        ),
        vec![vec![
            "SET lock_timeout = '5s';",
            r#"ALTER TABLE "User" ADD COLUMN "bio" TEXT;"#
        ]]
    );
}
