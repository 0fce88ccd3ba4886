//! unique-constraint-locks (rules/unique-constraint-locks.md): a unique constraint whose index is built under ACCESS EXCLUSIVE.

use insta::assert_snapshot;

use crate::support::case::Case;

const RULE: &str = "unique-constraint-locks";

const USER: &str = r#"CREATE TABLE "User" ("id" TEXT NOT NULL, "email" TEXT NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));"#;

#[test]
fn bad_unique_constraint_on_an_existing_table() {
    let case = Case::new(RULE).setup(USER).migration(
        r#"SET lock_timeout = '5s';
ALTER TABLE "User" ADD CONSTRAINT "User_email_key" UNIQUE ("email");
"#,
    );
    assert_snapshot!(case.bad());
}

#[test]
fn good_using_an_index_built_concurrently() {
    Case::new(RULE)
        .setup(USER)
        .setup(r#"CREATE UNIQUE INDEX CONCURRENTLY "User_email_key" ON "User"("email");"#)
        .migration(
            r#"SET lock_timeout = '5s';
ALTER TABLE "User" ADD CONSTRAINT "User_email_key" UNIQUE USING INDEX "User_email_key";
"#,
        )
        .good();
}

#[test]
fn good_table_created_in_the_same_migration() {
    Case::new(RULE)
        .setup(USER)
        .migration(
            r#"CREATE TABLE "Tag" ("id" TEXT NOT NULL, "label" TEXT);
ALTER TABLE "Tag" ADD CONSTRAINT "Tag_label_key" UNIQUE ("label");
"#,
        )
        .good();
}

/// An inline UNIQUE builds its index over every existing row under the ADD COLUMN's ACCESS EXCLUSIVE lock.
#[test]
fn bad_add_column_with_inline_unique() {
    let case = Case::new(RULE).setup(USER).migration(
        "SET lock_timeout = '5s';\nALTER TABLE \"User\" ADD COLUMN \"handle\" TEXT UNIQUE;",
    );
    assert_snapshot!(case.bad());
}
