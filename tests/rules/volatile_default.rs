//! volatile-default (rules/volatile-default.md): a new column whose value is computed for every existing row.

use insta::assert_snapshot;

use crate::support::case::Case;

const RULE: &str = "volatile-default";

const USERS: &str = r#"CREATE TABLE "User" ("id" TEXT NOT NULL, "name" VARCHAR(10), "n" INTEGER, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));
CREATE TABLE "Post" ("id" TEXT NOT NULL, "authorId" TEXT NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));
CREATE INDEX "Post_authorId_idx" ON "Post"("authorId");
CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN', 'GUEST');
ALTER TABLE "User" ADD COLUMN "role" "Role" NOT NULL DEFAULT 'USER';
"#;

const CONSTANT_DEFAULT: &str = r#"SET lock_timeout = '5s';
ALTER TABLE "User" ADD COLUMN "active" BOOLEAN NOT NULL DEFAULT true;
"#;

#[test]
fn bad_volatile_default() {
    let case = Case::new(RULE).setup(USERS).migration(
        r#"SET lock_timeout = '5s';
ALTER TABLE "User" ADD COLUMN "publicId" UUID NOT NULL DEFAULT gen_random_uuid();
"#,
    );
    assert_snapshot!(case.bad());
}

#[test]
fn bad_serial_column() {
    let case = Case::new(RULE).setup(USERS).migration(
        r#"SET lock_timeout = '5s';
ALTER TABLE "User" ADD COLUMN "seq" SERIAL NOT NULL;
"#,
    );
    assert_snapshot!(case.bad());
}

#[test]
fn bad_identity_column() {
    let case = Case::new(RULE).setup(USERS).migration(
        r#"SET lock_timeout = '5s';
ALTER TABLE "User" ADD COLUMN "seq" BIGINT GENERATED ALWAYS AS IDENTITY;
"#,
    );
    assert_snapshot!(case.bad());
}

#[test]
fn bad_stored_generated_column() {
    let case = Case::new(RULE).setup(USERS).migration(
        r#"SET lock_timeout = '5s';
ALTER TABLE "User" ADD COLUMN "upper" TEXT GENERATED ALWAYS AS (upper("name")) STORED;
"#,
    );
    assert_snapshot!(case.bad());
}

#[test]
fn bad_constant_default_before_postgres_11() {
    let case = Case::new(RULE)
        .setup(USERS)
        .postgres(10)
        .migration(CONSTANT_DEFAULT);
    assert_snapshot!(case.bad());
}

#[test]
fn clean_constant_default() {
    Case::new(RULE)
        .setup(USERS)
        .migration(CONSTANT_DEFAULT)
        .clean();
}

#[test]
fn good_table_created_in_the_same_migration() {
    Case::new(RULE)
        .setup(USERS)
        .migration(
            r#"CREATE TABLE "Tag" ("id" TEXT NOT NULL);
ALTER TABLE "Tag" ADD COLUMN "uid" UUID NOT NULL DEFAULT gen_random_uuid();
"#,
        )
        .good();
}

/// Functions the history creates: VOLATILE unless declared otherwise (checked on PostgreSQL 15 in tests/truth.rs).
const FUNCTIONS: &str = r#"CREATE FUNCTION make_tag() RETURNS text LANGUAGE sql AS $$ SELECT md5(random()::text) $$;
CREATE FUNCTION fixed_tag() RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'tag' $$;
CREATE OR REPLACE FUNCTION "stableTag"() RETURNS text LANGUAGE sql STABLE AS $$ SELECT current_user::text $$;
"#;

#[test]
fn bad_default_from_a_function_the_history_created_volatile() {
    let case = Case::new(RULE)
        .setup(&format!("{USERS}{FUNCTIONS}"))
        .migration(
            r#"SET lock_timeout = '5s';
ALTER TABLE "User" ADD COLUMN "tag" TEXT NOT NULL DEFAULT make_tag();
"#,
        );
    assert_snapshot!(case.bad());
}

#[test]
fn bad_default_from_an_unknown_function() {
    let case = Case::new(RULE).setup(USERS).migration(
        r#"SET lock_timeout = '5s';
ALTER TABLE "User" ADD COLUMN "uid" TEXT NOT NULL DEFAULT uuid();
"#,
    );
    assert_snapshot!(case.bad());
}

#[test]
fn good_default_from_functions_declared_immutable_or_stable() {
    for default in [
        "fixed_tag()",
        "\"stableTag\"()",
        "upper(fixed_tag())",
        "('x'::varchar(10))",
        "now()",
    ] {
        Case::new(RULE)
            .setup(&format!("{USERS}{FUNCTIONS}"))
            .migration(&format!(
                "SET lock_timeout = '5s';\nALTER TABLE \"User\" ADD COLUMN \"tag\" TEXT NOT NULL DEFAULT {default};\n"
            ))
            .good();
    }
}
