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

/// Each default, on a "tag" column added to the preexisting "User", is not reported.
fn good_defaults(setup: &str, defaults: &[&str]) {
    for default in defaults {
        Case::new(RULE)
            .setup(setup)
            .migration(&format!(
                "SET lock_timeout = '5s';\nALTER TABLE \"User\" ADD COLUMN \"tag\" TEXT NOT NULL DEFAULT {default};\n"
            ))
            .good();
    }
}

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
    good_defaults(
        &format!("{USERS}{FUNCTIONS}"),
        &[
            "fixed_tag()",
            "\"stableTag\"()",
            "upper(fixed_tag())",
            "('x'::varchar(10))",
            "now()",
        ],
    );
}

/// Type modifiers are not calls: `varying(10)`, `numeric(10,2)`, `timestamp(3) with time zone` (PG15 adds these
/// without a rewrite: they are constant casts).
#[test]
fn good_default_casts_with_type_modifiers() {
    good_defaults(
        USERS,
        &[
            "'x'::character varying(10)",
            "CAST('x' AS character varying(10))",
            "B'101'::bit varying(5)",
            "1::double precision",
            "'2020-01-01'::timestamp(3) with time zone",
            "1::numeric(10,2)",
            "CAST(1 AS numeric(10, 2))",
            "('x'::character varying(10))::text",
        ],
    );
}

/// IMMUTABLE or STABLE built-ins (PG15 pg_proc.provolatile 'i' or 's'): computed once, no rewrite.
#[test]
fn good_default_from_non_volatile_builtins() {
    good_defaults(
        USERS,
        &[
            "to_tsvector('english', 'a b')::text",
            "encode(sha256('x'::bytea), 'hex')",
            "md5('x')",
            "date('2020-01-01')::text",
            "array_fill(0, ARRAY[3])::text",
            "lower('X')",
            "upper('x')",
            "concat('a', 'b')",
            "coalesce(NULL, 'x')",
            "array_to_string(ARRAY['a'], ',')",
            "to_hex(255)",
            "jsonb_set('{}'::jsonb, '{a}', '1')::text",
        ],
    );
}

/// A LANGUAGE sql function without volatility whose body is a constant SELECT: PostgreSQL 15 inlines it and adds the
/// column without a rewrite (checked: same relfilenode), so the finding only says "may rewrite".
#[test]
fn bad_default_from_a_created_sql_function_says_may() {
    let case = Case::new(RULE)
        .setup(&format!(
            "{USERS}CREATE FUNCTION const_tag() RETURNS text LANGUAGE sql AS $$ SELECT 'tag' $$;\n"
        ))
        .migration(
            r#"SET lock_timeout = '5s';
ALTER TABLE "User" ADD COLUMN "tag" TEXT NOT NULL DEFAULT const_tag();
"#,
        );
    assert_snapshot!(case.bad());
}

/// A cast with a type modifier next to a real call: the call is still seen.
#[test]
fn bad_unknown_call_after_a_type_modifier() {
    let case = Case::new(RULE).setup(USERS).migration(
        r#"SET lock_timeout = '5s';
ALTER TABLE "User" ADD COLUMN "tag" TEXT NOT NULL DEFAULT CAST('x' AS character varying(10)) || uuid();
"#,
    );
    assert_snapshot!(case.bad());
}
