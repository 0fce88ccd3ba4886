//! truncate (rules/truncate.md): TRUNCATE of a table that has rows.

use insta::assert_snapshot;

use crate::support::case::Case;

const RULE: &str = "truncate";

const SESSION: &str =
    r#"CREATE TABLE "Session" ("id" TEXT NOT NULL, CONSTRAINT "Session_pkey" PRIMARY KEY ("id"));"#;

#[test]
fn bad_truncate_of_an_existing_table() {
    let case = Case::new(RULE).setup(SESSION).migration(
        r#"SET lock_timeout = '5s';
TRUNCATE TABLE "Session";
"#,
    );
    assert_snapshot!(case.bad());
}

#[test]
fn good_table_created_in_the_same_migration() {
    Case::new(RULE)
        .setup(SESSION)
        .migration(
            r#"CREATE TABLE "Scratch" ("id" TEXT NOT NULL);
TRUNCATE TABLE "Scratch";
"#,
        )
        .good();
}

#[test]
fn bad_each_existing_table_of_one_truncate() {
    let case = Case::new(RULE)
        .setup(SESSION)
        .setup(r#"CREATE TABLE "Token" ("id" TEXT NOT NULL);"#)
        .migration("SET lock_timeout = '5s';\nTRUNCATE \"Session\", \"Token\";");
    assert_snapshot!(case.bad());
}
