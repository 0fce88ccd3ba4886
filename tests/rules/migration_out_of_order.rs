//! migration-out-of-order (rules/migration-out-of-order.md): a new migration sorting before one already applied.

use insta::assert_snapshot;

use crate::support::case::Case;

const RULE: &str = "migration-out-of-order";

const TAG: &str =
    r#"CREATE TABLE "Tag" ("id" SERIAL NOT NULL, CONSTRAINT "Tag_pkey" PRIMARY KEY ("id"));"#;

#[test]
fn bad_new_migration_before_an_applied_one() {
    let case = Case::new(RULE).later(TAG).migration(r#"CREATE TABLE "Comment" ("id" SERIAL NOT NULL, CONSTRAINT "Comment_pkey" PRIMARY KEY ("id"));"#);
    assert_snapshot!(case.bad());
}

#[test]
fn good_new_migration_after_the_applied_ones() {
    Case::new(RULE).setup(TAG).applied_at_git_ref().migration(r#"CREATE TABLE "Comment" ("id" SERIAL NOT NULL, CONSTRAINT "Comment_pkey" PRIMARY KEY ("id"));"#).good();
}

#[test]
fn bad_against_the_database() {
    let case = Case::new(RULE)
        .applied_in_database()
        .later(TAG)
        .migration(r#"CREATE TABLE "Comment" ("id" SERIAL NOT NULL, CONSTRAINT "Comment_pkey" PRIMARY KEY ("id"));"#);
    assert_snapshot!(case.bad());
}

/// Without `--base` or `--database-url` nothing is known to be applied.
#[test]
fn good_without_an_applied_source() {
    Case::new(RULE)
        .migration(r#"CREATE TABLE "Comment" ("id" SERIAL NOT NULL, CONSTRAINT "Comment_pkey" PRIMARY KEY ("id"));"#)
        .migration(TAG)
        .good();
}
