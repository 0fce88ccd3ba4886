//! ban-char (rules/ban-char.md): char(n) columns (opt-in style rule).

use insta::assert_snapshot;

use crate::support::case::Case;

const RULE: &str = "ban-char";

#[test]
fn bad_char() {
    let case = Case::new(RULE).migration(r#"CREATE TABLE "Country" ("code" CHAR(2) NOT NULL);"#);
    assert_snapshot!(case.bad());
}

#[test]
fn bad_character() {
    let case =
        Case::new(RULE).migration(r#"CREATE TABLE "Country" ("code" CHARACTER(3) NOT NULL);"#);
    assert_snapshot!(case.bad());
}

#[test]
fn good_text() {
    Case::new(RULE)
        .migration(r#"CREATE TABLE "Country" ("code" TEXT NOT NULL);"#)
        .good();
}
