//! prefer-text (rules/prefer-text.md): varchar(n) columns (opt-in style rule).

use insta::assert_snapshot;

use crate::support::case::Case;

const RULE: &str = "prefer-text";

#[test]
fn bad_varchar_with_a_length() {
    let case = Case::new(RULE)
        .migration(r#"CREATE TABLE "User" ("id" TEXT NOT NULL, "name" VARCHAR(50) NOT NULL);"#);
    assert_snapshot!(case.bad());
}

#[test]
fn good_text() {
    Case::new(RULE)
        .migration(r#"CREATE TABLE "User" ("id" TEXT NOT NULL, "name" TEXT NOT NULL);"#)
        .good();
}

#[test]
fn good_varchar_without_a_length() {
    Case::new(RULE)
        .migration(r#"CREATE TABLE "User" ("id" TEXT NOT NULL, "name" VARCHAR NOT NULL);"#)
        .good();
}
