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

/// CONCURRENTLY spares the writes but not the duplicates: the build fails with 23505 and leaves an INVALID index that
/// must be dropped before a retry (PostgreSQL 15, tests/truth.rs).
#[test]
fn bad_unique_index_concurrently_on_an_existing_column() {
    let case = Case::new(RULE).setup(USERS).migration(
        r#"CREATE UNIQUE INDEX CONCURRENTLY "User_name_key" ON "User"("name");
"#,
    );
    assert_snapshot!(case.bad());
}

/// IF NOT EXISTS turns the retry into a silent success that keeps the INVALID index (PostgreSQL 15, tests/truth.rs).
#[test]
fn bad_unique_index_concurrently_if_not_exists() {
    let case = Case::new(RULE).setup(USERS).migration(
        r#"CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "User_name_key" ON "User"("name");
"#,
    );
    assert_snapshot!(case.bad());
}

#[test]
fn good_unique_index_concurrently_on_a_column_of_this_migration_or_an_existing_key() {
    for sql in [
        "CREATE INDEX CONCURRENTLY \"User_name_idx\" ON \"User\"(\"name\");\n",
        "CREATE UNIQUE INDEX CONCURRENTLY \"User_id_name_key\" ON \"User\"(\"id\", \"name\");\n",
    ] {
        Case::new(RULE).setup(USERS).migration(sql).good();
    }
}

/// A unique index dropped and built again over the same columns (or a superset) in one migration: its rows held no
/// two equal values when the old index went, so the new build cannot meet duplicates.
#[test]
fn bad_unique_index_rebuilt_says_nothing_of_duplicates() {
    for rebuilt in [
        r#"SET lock_timeout = '5s';
-- migrate-lint-ignore drop-index-non-concurrently: small table
DROP INDEX "User_name_key";
CREATE UNIQUE INDEX "User_name_key" ON "User"("name");
"#,
        r#"SET lock_timeout = '5s';
-- migrate-lint-ignore drop-index-non-concurrently: small table
DROP INDEX "User_name_key";
CREATE UNIQUE INDEX "User_name_n_key" ON "User"("name", "n");
"#,
    ] {
        let case = Case::new(RULE)
            .setup(&format!(
                "{USERS}CREATE UNIQUE INDEX \"User_name_key\" ON \"User\"(\"name\");\n"
            ))
            .migration(rebuilt);
        let found = case.bad();
        assert!(!found.contains("23505"), "{found}");
    }
}

/// A write between the drop and the build may have made two rows equal: the warning stays.
#[test]
fn bad_unique_index_rebuilt_after_a_write_warns_of_duplicates() {
    let case = Case::new(RULE)
        .setup(&format!(
            "{USERS}CREATE UNIQUE INDEX \"User_name_key\" ON \"User\"(\"name\");\n"
        ))
        .migration(
            r#"SET lock_timeout = '5s';
-- migrate-lint-ignore drop-index-non-concurrently: small table
DROP INDEX "User_name_key";
UPDATE "User" SET "name" = 'x' WHERE "id" = 'a';
CREATE UNIQUE INDEX "User_name_key" ON "User"("name");
"#,
        );
    let found = case.bad();
    assert!(found.contains("23505"), "{found}");
}
