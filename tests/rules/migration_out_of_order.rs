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
