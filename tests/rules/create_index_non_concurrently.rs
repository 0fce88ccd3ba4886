//! create-index-non-concurrently (rules/create-index-non-concurrently.md): an index built without CONCURRENTLY on a table that has rows.

use insta::assert_snapshot;

use crate::support::case::Case;

const RULE: &str = "create-index-non-concurrently";

const USERS: &str = r#"CREATE TABLE "User" ("id" TEXT NOT NULL, "name" VARCHAR(10), "n" INTEGER, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));
CREATE TABLE "Post" ("id" TEXT NOT NULL, "authorId" TEXT NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));
CREATE INDEX "Post_authorId_idx" ON "Post"("authorId");
CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN', 'GUEST');
ALTER TABLE "User" ADD COLUMN "role" "Role" NOT NULL DEFAULT 'USER';
"#;

/// The message names the lock, the table and what it blocks.
#[test]
fn bad_index_on_an_existing_table() {
    let case = Case::new(RULE).setup(USERS).migration(
        r#"SET lock_timeout = '5s';
CREATE INDEX "Post_id_authorId_idx" ON "Post"("id", "authorId");
"#,
    );
    assert_snapshot!(case.bad());
}

#[test]
fn bad_unique_index() {
    let case = Case::new(RULE).setup(USERS).migration(
        r#"SET lock_timeout = '5s';
CREATE UNIQUE INDEX "User_name_key" ON "User"("name");
"#,
    );
    assert_snapshot!(case.bad());
}

/// "Post" still holds its rows when the index is built; only afterwards is it dropped and created anew.
#[test]
fn all_a_table_created_later_in_the_migration_does_not_excuse_what_came_before() {
    let case = Case::new(RULE).setup(USERS).migration(
        r#"CREATE INDEX "Post_id_idx" ON "Post"("id");
DROP TABLE "Post";
CREATE TABLE "Post" ("id" TEXT NOT NULL);
"#,
    );
    assert_snapshot!(case.all_findings());
}

#[test]
fn good_concurrently() {
    Case::new(RULE)
        .setup(USERS)
        .migration(
            r#"CREATE INDEX CONCURRENTLY "Post_id_authorId_idx" ON "Post"("id", "authorId");"#,
        )
        .good();
}

#[test]
fn good_table_created_in_the_same_migration() {
    Case::new(RULE)
        .setup(USERS)
        .migration(
            r#"CREATE TABLE "Tag" ("id" TEXT NOT NULL, "label" TEXT);
CREATE INDEX "Tag_label_idx" ON "Tag"("label");
"#,
        )
        .good();
}

/// Prisma's `@unique` on an existing field: the build also fails when two rows share a value (PostgreSQL 15: 23505,
/// tests/truth.rs).
#[test]
fn bad_unique_index_on_an_existing_column() {
    let case = Case::new(RULE).setup(USERS).migration(
        r#"SET lock_timeout = '5s';
CREATE UNIQUE INDEX "User_name_key" ON "User"("name");
"#,
    );
    assert_snapshot!(case.bad());
}
