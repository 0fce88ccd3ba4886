//! prefer-bigint (rules/prefer-bigint.md): integer, smallint and serial columns (opt-in style rule).

use insta::assert_snapshot;

use crate::support::case::Case;

const RULE: &str = "prefer-bigint";

#[test]
fn bad_serial() {
    let case = Case::new(RULE)
        .migration(r#"CREATE TABLE "Event" ("id" SERIAL NOT NULL, "name" TEXT NOT NULL);"#);
    assert_snapshot!(case.bad());
}

#[test]
fn bad_integer_and_smallint() {
    let case = Case::new(RULE).migration(
        r#"CREATE TABLE "Event" ("id" BIGSERIAL NOT NULL, "count" INTEGER, "rank" SMALLINT);"#,
    );
    assert_snapshot!(case.bad());
}

#[test]
fn good_bigint() {
    Case::new(RULE)
        .migration(r#"CREATE TABLE "Event" ("id" BIGSERIAL NOT NULL, "count" BIGINT);"#)
        .good();
}
