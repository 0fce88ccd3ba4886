//! long-lock-chain (rules/long-lock-chain.md): a slow statement while an earlier one of the transaction holds ACCESS EXCLUSIVE on another table (or a VALIDATE on the same one).

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

/// A foreign key added NOT VALID by an earlier migration, validated after an ACCESS EXCLUSIVE change of the same table.
const NOT_VALID_FK: &str = r#"ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") NOT VALID;
"#;

/// PostgreSQL 15: the ADD COLUMN's ACCESS EXCLUSIVE lock is held through the VALIDATE's scan (tests/truth.rs).
#[test]
fn bad_validate_while_the_same_table_is_locked_access_exclusive() {
    let case = Case::new(RULE)
        .setup(&format!("{USERS}{NOT_VALID_FK}"))
        .migration(
            r#"SET lock_timeout = '5s';
ALTER TABLE "Post" ADD COLUMN "title" TEXT;
ALTER TABLE "Post" VALIDATE CONSTRAINT "Post_authorId_fkey";
"#,
        );
    assert_snapshot!(case.bad());
}

#[test]
fn good_validate_alone() {
    Case::new(RULE)
        .setup(&format!("{USERS}{NOT_VALID_FK}"))
        .migration(
            r#"SET lock_timeout = '5s';
ALTER TABLE "Post" VALIDATE CONSTRAINT "Post_authorId_fkey";
"#,
        )
        .good();
}

/// VALIDATE of a constraint that is already valid does nothing (PostgreSQL 15: 0.2 ms against 240 ms on 2M rows).
#[test]
fn good_validate_of_an_already_valid_constraint() {
    Case::new(RULE)
        .setup(&format!(
            r#"{USERS}ALTER TABLE "Post" ADD CONSTRAINT "Post_id_check" CHECK (char_length("id") > 0);
"#
        ))
        .migration(
            r#"SET lock_timeout = '5s';
ALTER TABLE "Post" ADD COLUMN "title" TEXT;
ALTER TABLE "Post" VALIDATE CONSTRAINT "Post_id_check";
"#,
        )
        .good();
}

/// Nor is it a slow statement in a chain of locks on another table.
#[test]
fn good_validate_of_an_already_valid_constraint_after_a_lock_on_another_table() {
    Case::new(RULE)
        .setup(&format!(
            r#"{USERS}ALTER TABLE "Post" ADD CONSTRAINT "Post_id_check" CHECK (char_length("id") > 0);
"#
        ))
        .migration(
            r#"SET lock_timeout = '5s';
ALTER TABLE "User" ADD COLUMN "title" TEXT;
ALTER TABLE "Post" VALIDATE CONSTRAINT "Post_id_check";
"#,
        )
        .good();
}

/// A constraint added NOT VALID and validated in the same file is constraint-not-valid's finding, not this rule's.
#[test]
fn good_validate_of_a_constraint_added_in_the_same_file() {
    Case::new(RULE)
        .setup(USERS)
        .migration(
            r#"SET lock_timeout = '5s';
ALTER TABLE "User" ADD CONSTRAINT "User_n_check" CHECK ("n" > 0) NOT VALID;
ALTER TABLE "User" VALIDATE CONSTRAINT "User_n_check";
"#,
        )
        .good();
}

/// A default calling a function the history created without IMMUTABLE or STABLE rewrites the table, as volatile-default
/// says: a slow statement after an exclusive lock on another table.
#[test]
fn bad_user_function_default_after_an_exclusive_lock_on_another_table() {
    for function in [
        "CREATE FUNCTION make_tag() RETURNS text LANGUAGE sql AS $$ SELECT md5(random()::text) $$;\n",
        "",
    ] {
        let case = Case::new(RULE)
            .setup(&format!("{USERS}{function}"))
            .migration(
                r#"SET lock_timeout = '5s';
ALTER TABLE "User" ADD COLUMN "a" TEXT;
-- migrate-lint-ignore volatile-default: small table
ALTER TABLE "Post" ADD COLUMN "tag" TEXT DEFAULT make_tag();
"#,
            );
        let found = case.bad();
        assert!(found.contains("\"Post\""), "{found}");
    }
}

#[test]
fn good_immutable_function_default_after_an_exclusive_lock() {
    Case::new(RULE)
        .setup(&format!(
            "{USERS}CREATE FUNCTION fixed_tag() RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'tag' $$;\n"
        ))
        .migration(
            r#"SET lock_timeout = '5s';
ALTER TABLE "User" ADD COLUMN "a" TEXT;
ALTER TABLE "Post" ADD COLUMN "tag" TEXT DEFAULT fixed_tag();
"#,
        )
        .good();
}
