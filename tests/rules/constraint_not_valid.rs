//! constraint-not-valid (rules/constraint-not-valid.md): a foreign key or check validated while it holds its lock.

use insta::assert_snapshot;

use crate::support::case::Case;

const RULE: &str = "constraint-not-valid";

const USERS: &str = r#"CREATE TABLE "User" ("id" TEXT NOT NULL, "name" VARCHAR(10), "n" INTEGER, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));
CREATE TABLE "Post" ("id" TEXT NOT NULL, "authorId" TEXT NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));
CREATE INDEX "Post_authorId_idx" ON "Post"("authorId");
CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN', 'GUEST');
ALTER TABLE "User" ADD COLUMN "role" "Role" NOT NULL DEFAULT 'USER';
"#;

#[test]
fn bad_foreign_key_without_not_valid() {
    let case = Case::new(RULE).setup(USERS).migration(r#"SET lock_timeout = '5s';
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
"#);
    assert_snapshot!(case.bad());
}

/// A CHECK takes ACCESS EXCLUSIVE on its table.
#[test]
fn bad_check_without_not_valid() {
    let case = Case::new(RULE).setup(USERS).migration(
        r#"SET lock_timeout = '5s';
ALTER TABLE "User" ADD CONSTRAINT "n_positive" CHECK ("n" > 0);
"#,
    );
    assert_snapshot!(case.bad());
}

#[test]
fn bad_validate_in_the_same_transaction_as_not_valid() {
    let case = Case::new(RULE).setup(USERS).migration(r#"SET lock_timeout = '5s';
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") NOT VALID;
ALTER TABLE "Post" VALIDATE CONSTRAINT "Post_authorId_fkey";
"#);
    assert_snapshot!(case.bad());
}

#[test]
fn clean_validate_in_a_later_migration() {
    Case::new(RULE).setup(USERS).migration(r#"SET lock_timeout = '5s';
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") NOT VALID;
"#).migration(r#"ALTER TABLE "Post" VALIDATE CONSTRAINT "Post_authorId_fkey";"#).clean();
}

#[test]
fn good_not_valid() {
    Case::new(RULE).setup(USERS).migration(r#"SET lock_timeout = '5s';
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE NOT VALID;
"#).good();
}

#[test]
fn all_foreign_key_to_a_new_table_names_only_the_existing_table() {
    let case = Case::new(RULE).setup(USERS).migration(
        r#"SET lock_timeout = '5s';
CREATE TABLE "Team" ("id" TEXT NOT NULL, CONSTRAINT "Team_pkey" PRIMARY KEY ("id"));
ALTER TABLE "User" ADD COLUMN "teamId" TEXT;
CREATE INDEX "User_teamId_idx" ON "User"("teamId");
ALTER TABLE "User" ADD CONSTRAINT "User_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id");
"#,
    );
    assert_snapshot!(case.all_findings());
}

#[test]
fn good_table_created_in_the_same_migration() {
    Case::new(RULE)
        .setup(USERS)
        .migration(
            r#"CREATE TABLE "Tag" ("id" TEXT NOT NULL, "n" INTEGER);
ALTER TABLE "Tag" ADD CONSTRAINT "Tag_n_check" CHECK ("n" > 0);
"#,
        )
        .good();
}
