//! data-backfill-in-migration (rules/data-backfill-in-migration.md): a bulk data change on a table with rows.

use insta::assert_snapshot;

use crate::support::case::Case;

const RULE: &str = "data-backfill-in-migration";

const USERS: &str = r#"CREATE TABLE "User" ("id" TEXT NOT NULL, "name" VARCHAR(10), "n" INTEGER, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));
CREATE TABLE "Post" ("id" TEXT NOT NULL, "authorId" TEXT NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));
CREATE INDEX "Post_authorId_idx" ON "Post"("authorId");
CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN', 'GUEST');
ALTER TABLE "User" ADD COLUMN "role" "Role" NOT NULL DEFAULT 'USER';
"#;

#[test]
fn bad_update_without_where() {
    let case = Case::new(RULE)
        .setup(USERS)
        .migration(r#"UPDATE "User" SET "name" = 'free';"#);
    assert_snapshot!(case.bad());
}

#[test]
fn bad_delete_without_where() {
    let case = Case::new(RULE)
        .setup(USERS)
        .migration(r#"DELETE FROM "Post";"#);
    assert_snapshot!(case.bad());
}

#[test]
fn bad_insert_select() {
    let case = Case::new(RULE)
        .setup(USERS)
        .migration(r#"INSERT INTO "Post" ("id", "authorId") SELECT "id", "id" FROM "User";"#);
    assert_snapshot!(case.bad());
}

#[test]
fn good_update_with_where() {
    Case::new(RULE)
        .setup(USERS)
        .migration(r#"UPDATE "User" SET "name" = 'free' WHERE "id" = 'admin';"#)
        .good();
}

#[test]
fn clean_insert_values() {
    Case::new(RULE)
        .setup(USERS)
        .migration(r#"INSERT INTO "Post" ("id", "authorId") VALUES ('1', '1');"#)
        .clean();
}

/// Prisma's "redefine table" pattern.
#[test]
fn good_copy_into_a_table_created_in_the_same_migration() {
    Case::new(RULE)
        .setup(USERS)
        .migration(
            r#"CREATE TABLE "new_Post" ("id" TEXT NOT NULL, "authorId" TEXT NOT NULL);
INSERT INTO "new_Post" ("id", "authorId") SELECT "id", "authorId" FROM "Post";
"#,
        )
        .good();
}

/// A WHERE on data, not on a key, matches any number of rows: every NULL row here (PostgreSQL 15 locks each one until
/// the migration commits, tests/truth.rs).
#[test]
fn bad_update_where_column_is_null() {
    let case = Case::new(RULE)
        .setup(USERS)
        .migration(r#"UPDATE "User" SET "name" = 'anonymous' WHERE "name" IS NULL;"#);
    assert_snapshot!(case.bad());
}

#[test]
fn bad_update_from_another_table() {
    let case = Case::new(RULE).setup(USERS).migration(
        r#"UPDATE "Post" p SET "authorId" = u."id" FROM "User" u WHERE p."authorId" = u."name";"#,
    );
    assert_snapshot!(case.bad());
}

#[test]
fn bad_delete_with_a_where_on_data() {
    let case = Case::new(RULE)
        .setup(USERS)
        .migration(r#"DELETE FROM "User" WHERE "role" = 'GUEST' OR "id" = 'x';"#);
    assert_snapshot!(case.bad());
}

#[test]
fn good_update_and_delete_pinned_by_a_key() {
    for migration in [
        r#"UPDATE "User" SET "name" = 'root' WHERE "id" IN ('a', 'b') AND "name" IS NULL;"#,
        r#"UPDATE "User" u SET "n" = -1 WHERE u."id" = 'admin'::text;"#,
        r#"DELETE FROM "Post" WHERE 'p1' = "id";"#,
        // One batch, the form the fixes suggest.
        r#"UPDATE "User" SET "name" = 'x' WHERE "id" IN (SELECT "id" FROM "User" WHERE "name" IS NULL LIMIT 1000);"#,
    ] {
        Case::new(RULE).setup(USERS).migration(migration).good();
    }
}
