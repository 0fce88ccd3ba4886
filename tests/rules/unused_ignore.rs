//! unused-ignore (rules/unused-ignore.md): a suppression comment that suppresses nothing.

use insta::assert_snapshot;

use crate::support::case::Case;

const RULE: &str = "unused-ignore";

const USERS: &str = r#"CREATE TABLE "User" ("id" TEXT NOT NULL, "name" VARCHAR(10), "n" INTEGER, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));
CREATE TABLE "Post" ("id" TEXT NOT NULL, "authorId" TEXT NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));
CREATE INDEX "Post_authorId_idx" ON "Post"("authorId");
CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN', 'GUEST');
ALTER TABLE "User" ADD COLUMN "role" "Role" NOT NULL DEFAULT 'USER';
"#;

#[test]
fn bad_rule_that_does_not_fire_here() {
    let case = Case::new(RULE).migration(
        r#"-- migrate-lint-ignore drop-table: legacy table
CREATE TABLE "Session" ("id" TEXT NOT NULL, CONSTRAINT "Session_pkey" PRIMARY KEY ("id"));
"#,
    );
    assert_snapshot!(case.bad());
}

/// truncate is not reported on DROP TABLE.
#[test]
fn bad_one_of_two_rules_unused() {
    let case = Case::new(RULE).setup(USERS).migration(
        r#"SET lock_timeout = '5s';
-- migrate-lint-ignore drop-table, truncate: archived in S3
DROP TABLE "Post";
"#,
    );
    assert_snapshot!(case.bad());
}

#[test]
fn all_misspelt_rule_suggests_the_right_one() {
    let case = Case::new(RULE).setup(USERS).migration(
        r#"SET lock_timeout = '5s';
-- migrate-lint-ignore drop-tabel: archived
DROP TABLE "Post";
"#,
    );
    assert_snapshot!(case.all_findings());
}

/// An ignore comment covers only the next statement.
#[test]
fn all_comment_not_directly_above_its_statement() {
    let case = Case::new(RULE).setup(USERS).migration(
        r#"-- migrate-lint-ignore drop-table: archived
SET lock_timeout = '5s';
DROP TABLE "Post";
"#,
    );
    assert_snapshot!(case.all_findings());
}

#[test]
fn clean_ignore_file_with_a_reason() {
    Case::new(RULE)
        .setup(USERS)
        .migration(
            r#"-- migrate-lint-ignore-file drop-table, missing-lock-timeout: both archived
DROP TABLE "Post";
DROP TABLE "User";
"#,
        )
        .clean();
}

#[test]
fn good_ignore_that_suppresses() {
    Case::new(RULE)
        .setup(USERS)
        .migration(
            r#"SET lock_timeout = '5s';
-- migrate-lint-ignore drop-table: sessions moved to Redis in v4.2, no code reads this table
DROP TABLE "Post";
"#,
        )
        .good();
}
