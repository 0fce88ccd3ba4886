//! ignore-without-reason (rules/ignore-without-reason.md): a suppression comment that gives no reason.

use insta::assert_snapshot;

use crate::support::case::Case;

const RULE: &str = "ignore-without-reason";

const USERS: &str = r#"CREATE TABLE "User" ("id" TEXT NOT NULL, "name" VARCHAR(10), "n" INTEGER, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));
CREATE TABLE "Post" ("id" TEXT NOT NULL, "authorId" TEXT NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));
CREATE INDEX "Post_authorId_idx" ON "Post"("authorId");
CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN', 'GUEST');
ALTER TABLE "User" ADD COLUMN "role" "Role" NOT NULL DEFAULT 'USER';
"#;

#[test]
fn bad_ignore_without_a_reason() {
    let case = Case::new(RULE).setup(USERS).migration(
        r#"SET lock_timeout = '5s';
-- migrate-lint-ignore drop-table
DROP TABLE "Post";
"#,
    );
    assert_snapshot!(case.bad());
}

#[test]
fn bad_ignore_file_without_a_reason() {
    let case = Case::new(RULE).setup(USERS).migration(
        r#"-- migrate-lint-ignore-file drop-table
SET lock_timeout = '5s';
DROP TABLE "Post";
"#,
    );
    assert_snapshot!(case.bad());
}

#[test]
fn good_reason_after_a_colon() {
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
