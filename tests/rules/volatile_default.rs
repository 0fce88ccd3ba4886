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
