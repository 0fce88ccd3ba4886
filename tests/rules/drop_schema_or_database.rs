//! drop-schema-or-database (rules/drop-schema-or-database.md): DROP SCHEMA and DROP DATABASE.

use insta::assert_snapshot;

use crate::support::case::Case;

const RULE: &str = "drop-schema-or-database";

const USERS: &str = r#"CREATE TABLE "User" ("id" TEXT NOT NULL, "name" VARCHAR(10), "n" INTEGER, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));
CREATE TABLE "Post" ("id" TEXT NOT NULL, "authorId" TEXT NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));
CREATE INDEX "Post_authorId_idx" ON "Post"("authorId");
CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN', 'GUEST');
ALTER TABLE "User" ADD COLUMN "role" "Role" NOT NULL DEFAULT 'USER';
"#;

#[test]
fn bad_drop_schema() {
    let case = Case::new(RULE).migration(r#"DROP SCHEMA "analytics" CASCADE;"#);
    assert_snapshot!(case.bad());
}

#[test]
fn bad_drop_database() {
    let case = Case::new(RULE)
        .setup(USERS)
        .migration(r#"DROP DATABASE app;"#);
    assert_snapshot!(case.bad());
}

#[test]
fn good_create_schema() {
    Case::new(RULE)
        .migration(r#"CREATE SCHEMA IF NOT EXISTS "analytics";"#)
        .good();
}
