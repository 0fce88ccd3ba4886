//! transaction-control-in-migration (rules/transaction-control-in-migration.md): BEGIN / COMMIT / ROLLBACK inside a
//! migration Prisma runs as one batch (each behaviour observed on PostgreSQL 15 in tests/truth.rs).

use insta::assert_snapshot;

use crate::support::case::Case;

const RULE: &str = "transaction-control-in-migration";

const USERS: &str = r#"CREATE TABLE "User" ("id" TEXT NOT NULL, "name" VARCHAR(10), CONSTRAINT "User_pkey" PRIMARY KEY ("id"));
"#;

#[test]
fn bad_commit_in_the_middle_of_the_file() {
    let case = Case::new(RULE).setup(USERS).migration(
        r#"CREATE TABLE "Team" ("id" TEXT NOT NULL, CONSTRAINT "Team_pkey" PRIMARY KEY ("id"));
COMMIT;
CREATE TABLE "Member" ("id" TEXT NOT NULL, CONSTRAINT "Member_pkey" PRIMARY KEY ("id"));
"#,
    );
    assert_snapshot!(case.bad());
}

#[test]
fn bad_begin_that_nothing_closes() {
    let case = Case::new(RULE).setup(USERS).migration(
        r#"BEGIN;
CREATE TABLE "Team" ("id" TEXT NOT NULL, CONSTRAINT "Team_pkey" PRIMARY KEY ("id"));
"#,
    );
    assert_snapshot!(case.bad());
}

#[test]
fn bad_rollback_undoes_the_file() {
    let case = Case::new(RULE).setup(USERS).migration(
        r#"CREATE TABLE "Team" ("id" TEXT NOT NULL, CONSTRAINT "Team_pkey" PRIMARY KEY ("id"));
ROLLBACK;
"#,
    );
    assert_snapshot!(case.bad());
}

#[test]
fn good_begin_and_commit_around_the_whole_file() {
    Case::new(RULE)
        .setup(USERS)
        .migration(
            r#"BEGIN;
CREATE TABLE "Team" ("id" TEXT NOT NULL, CONSTRAINT "Team_pkey" PRIMARY KEY ("id"));
CREATE TABLE "Member" ("id" TEXT NOT NULL, CONSTRAINT "Member_pkey" PRIMARY KEY ("id"));
COMMIT;
"#,
        )
        .good();
}

/// Prisma 7.4 and later send each statement alone: a COMMIT between them changes nothing.
#[test]
fn good_commit_between_statements_with_prisma_7_4() {
    Case::new(RULE)
        .setup(USERS)
        .prisma(7, 4, 0)
        .migration(
            r#"CREATE TABLE "Team" ("id" TEXT NOT NULL, CONSTRAINT "Team_pkey" PRIMARY KEY ("id"));
COMMIT;
CREATE TABLE "Member" ("id" TEXT NOT NULL, CONSTRAINT "Member_pkey" PRIMARY KEY ("id"));
"#,
        )
        .good();
}
