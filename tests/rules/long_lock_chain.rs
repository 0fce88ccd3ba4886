//! long-lock-chain (rules/long-lock-chain.md): a slow statement while an earlier one of the transaction holds ACCESS EXCLUSIVE on another table.

use insta::assert_snapshot;

use crate::support::case::Case;

const RULE: &str = "long-lock-chain";

const USERS: &str = r#"CREATE TABLE "User" ("id" TEXT NOT NULL, "name" VARCHAR(10), "n" INTEGER, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));
CREATE TABLE "Post" ("id" TEXT NOT NULL, "authorId" TEXT NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));
CREATE INDEX "Post_authorId_idx" ON "Post"("authorId");
CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN', 'GUEST');
ALTER TABLE "User" ADD COLUMN "role" "Role" NOT NULL DEFAULT 'USER';
"#;

const CHAIN: &str = r#"SET lock_timeout = '5s';
ALTER TABLE "User" ADD COLUMN "a" TEXT;
-- migrate-lint-ignore create-index-non-concurrently: small table
CREATE INDEX "Post_id_authorId_idx" ON "Post"("id", "authorId");
"#;

#[test]
fn bad_index_build_after_an_exclusive_lock_on_another_table() {
    let case = Case::new(RULE).setup(USERS).migration(CHAIN);
    assert_snapshot!(case.bad());
}

#[test]
fn clean_prisma_7_4_runs_each_statement_alone() {
    Case::new(RULE)
        .setup(USERS)
        .prisma(7, 4, 0)
        .migration(CHAIN)
        .clean();
}

#[test]
fn good_no_slow_statement_after_the_lock() {
    Case::new(RULE)
        .setup(USERS)
        .migration(
            r#"SET lock_timeout = '5s';
ALTER TABLE "User" ADD COLUMN "nickname" TEXT;
"#,
        )
        .good();
}
