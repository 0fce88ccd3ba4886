//! not-null-without-default (rules/not-null-without-default.md): a required column added without a default to a table that has rows.

use insta::assert_snapshot;

use crate::support::case::Case;

const RULE: &str = "not-null-without-default";

const USER: &str =
    r#"CREATE TABLE "User" ("id" TEXT NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));"#;

#[test]
fn bad_required_column_without_a_default() {
    let case = Case::new(RULE).setup(USER).migration(
        r#"SET lock_timeout = '5s';
ALTER TABLE "User" ADD COLUMN "name" TEXT NOT NULL;
"#,
    );
    assert_snapshot!(case.bad());
}

/// A unique column cannot take one default for every row: the help says to backfill distinct values. The inline
/// UNIQUE also builds its index under ACCESS EXCLUSIVE, which unique-constraint-locks reports beside it.
#[test]
fn all_unique_required_column_has_no_single_default() {
    let case = Case::new(RULE).setup(USER).migration(
        r#"SET lock_timeout = '5s';
ALTER TABLE "User" ADD COLUMN "email" TEXT NOT NULL UNIQUE;
"#,
    );
    assert_snapshot!(case.all_findings());
}

#[test]
fn good_required_column_with_a_default() {
    Case::new(RULE)
        .setup(USER)
        .migration(
            r#"SET lock_timeout = '5s';
ALTER TABLE "User" ADD COLUMN "name" TEXT NOT NULL DEFAULT '';
"#,
        )
        .good();
}

#[test]
fn good_nullable_column() {
    Case::new(RULE)
        .setup(USER)
        .migration(
            r#"SET lock_timeout = '5s';
ALTER TABLE "User" ADD COLUMN "name" TEXT;
"#,
        )
        .good();
}

#[test]
fn good_table_created_in_the_same_migration() {
    Case::new(RULE)
        .setup(USER)
        .migration(
            r#"CREATE TABLE "Team" ("id" TEXT NOT NULL);
ALTER TABLE "Team" ADD COLUMN "name" TEXT NOT NULL;
"#,
        )
        .good();
}

/// An unconditional DELETE earlier in the migration empties the table (langfuse 20240807111359; checked on
/// PostgreSQL 15: the ADD succeeds after the DELETE in the same transaction).
#[test]
fn good_table_emptied_earlier_in_the_migration() {
    Case::new(RULE)
        .setup(USER)
        .migration(
            "SET lock_timeout = '5s';\nDELETE FROM \"User\";\nALTER TABLE \"User\" ADD COLUMN \"n\" INTEGER NOT NULL;",
        )
        .good();
}
