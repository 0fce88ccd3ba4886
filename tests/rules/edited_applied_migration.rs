//! edited-applied-migration (rules/edited-applied-migration.md): an applied migration edited, deleted or renamed.

use insta::assert_snapshot;

use crate::support::case::Case;

const RULE: &str = "edited-applied-migration";

const POST: &str = r#"CREATE TABLE "Post" ("id" SERIAL NOT NULL, "title" TEXT NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));
"#;

#[test]
fn bad_edited_after_it_was_applied() {
    let case = Case::new(RULE).applied_as(POST).migration(r#"CREATE TABLE "Post" ("id" SERIAL NOT NULL, "title" TEXT NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));
ALTER TABLE "Post" ADD COLUMN "subtitle" TEXT;
"#);
    assert_snapshot!(case.bad());
}

/// A database keeps checksums only: no count of changed lines.
#[test]
fn bad_edited_in_the_database() {
    let case = Case::new(RULE).applied_in_database().applied_as(POST).migration(r#"CREATE TABLE "Post" ("id" SERIAL NOT NULL, "title" TEXT NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));
ALTER TABLE "Post" ADD COLUMN "subtitle" TEXT;
"#);
    assert_snapshot!(case.bad());
}

#[test]
fn bad_whitespace_only_edit() {
    let case = Case::new(RULE).applied_as(POST).migration(r#"CREATE TABLE "Post" ("id" SERIAL NOT NULL, "title" TEXT NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));

"#);
    assert_snapshot!(case.bad());
}

#[test]
fn bad_comment_only_edit() {
    let case = Case::new(RULE).applied_as(POST).migration(r#"-- creates the posts
CREATE TABLE "Post" ("id" SERIAL NOT NULL, "title" TEXT NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));
"#);
    assert_snapshot!(case.bad());
}

#[test]
fn bad_deleted() {
    let case = Case::new(RULE)
        .applied_at_git_ref()
        .applied_as("SELECT 1;\n")
        .deleted(POST)
        .migration(
            r#"SELECT 1;
"#,
        );
    assert_snapshot!(case.bad());
}

/// A new file with the content of a deleted applied one is that migration renamed.
#[test]
fn bad_renamed() {
    let case = Case::new(RULE).applied_at_git_ref().deleted(POST).migration(r#"CREATE TABLE "Post" ("id" SERIAL NOT NULL, "title" TEXT NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));
"#);
    assert_snapshot!(case.bad());
}

/// Prisma's checksum ignores LF versus CRLF.
#[test]
fn good_line_endings_only() {
    Case::new(RULE).applied_as(POST).migration(r#"CREATE TABLE "Post" ("id" SERIAL NOT NULL, "title" TEXT NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));
"#).good();
}

#[test]
fn good_change_in_a_new_migration() {
    Case::new(RULE)
        .setup(POST)
        .applied_at_git_ref()
        .migration(
            r#"SET lock_timeout = '5s';
ALTER TABLE "Post" ADD COLUMN "subtitle" TEXT;
"#,
        )
        .good();
}
