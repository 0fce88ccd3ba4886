//! enum-value-in-transaction (rules/enum-value-in-transaction.md): a new enum value used, or added before PostgreSQL 12, inside one transaction.

use insta::assert_snapshot;

use crate::support::case::Case;

const RULE: &str = "enum-value-in-transaction";

const USERS: &str = r#"CREATE TABLE "User" ("id" TEXT NOT NULL, "name" VARCHAR(10), "n" INTEGER, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));
CREATE TABLE "Post" ("id" TEXT NOT NULL, "authorId" TEXT NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));
CREATE INDEX "Post_authorId_idx" ON "Post"("authorId");
CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN', 'GUEST');
ALTER TABLE "User" ADD COLUMN "role" "Role" NOT NULL DEFAULT 'USER';
"#;

const ADD_TWO: &str = r#"ALTER TYPE "Role" ADD VALUE 'EDITOR';
ALTER TYPE "Other" ADD VALUE 'EDITOR';
"#;

const ADD_AND_USE: &str = r#"ALTER TYPE "Role" ADD VALUE 'EDITOR';
UPDATE "User" SET "role" = 'EDITOR' WHERE "id" = 'u1';
"#;

#[test]
fn bad_new_value_used_in_the_same_transaction() {
    let case = Case::new(RULE).setup(USERS).migration(ADD_AND_USE);
    assert_snapshot!(case.bad());
}

#[test]
fn bad_before_postgres_12_any_add_in_a_transaction() {
    let case = Case::new(RULE).setup(USERS).postgres(11).migration(ADD_TWO);
    assert_snapshot!(case.bad());
}

#[test]
fn clean_the_same_label_in_another_enum_is_not_a_use() {
    Case::new(RULE).setup(USERS).migration(ADD_TWO).clean();
}

#[test]
fn clean_alone_in_its_file_before_postgres_12() {
    Case::new(RULE)
        .setup(USERS)
        .postgres(11)
        .migration(r#"ALTER TYPE "Role" ADD VALUE 'EDITOR';"#)
        .clean();
}

#[test]
fn clean_enum_created_in_the_same_transaction() {
    Case::new(RULE)
        .setup(USERS)
        .postgres(11)
        .migration(
            r#"CREATE TYPE "Kind" AS ENUM ('A');
ALTER TYPE "Kind" ADD VALUE 'B';
CREATE TABLE "K" ("k" "Kind" DEFAULT 'B');
"#,
        )
        .clean();
}

#[test]
fn clean_used_in_a_later_migration() {
    Case::new(RULE)
        .setup(USERS)
        .migration(r#"ALTER TYPE "Role" ADD VALUE 'EDITOR';"#)
        .migration(r#"UPDATE "User" SET "role" = 'EDITOR' WHERE "id" = '1';"#)
        .clean();
}

#[test]
fn good_prisma_7_4_runs_each_statement_alone() {
    Case::new(RULE)
        .setup(USERS)
        .prisma(7, 4, 0)
        .migration(ADD_AND_USE)
        .good();
}

/// A trigger's text argument that spells the new value is no use of the enum (checked on PostgreSQL 15: the
/// CREATE TRIGGER succeeds in the transaction of the ADD VALUE).
#[test]
fn good_trigger_argument_spelling_the_new_value() {
    Case::new(RULE)
        .setup(USERS)
        .migration(
            r#"ALTER TYPE "Role" ADD VALUE 'EDITOR';
CREATE TRIGGER "audit" AFTER INSERT ON "User" FOR EACH ROW EXECUTE FUNCTION notify('EDITOR');
"#,
        )
        .good();
}
