//! prefer-timestamptz (rules/prefer-timestamptz.md): timestamp without time zone (opt-in style rule).

use insta::assert_snapshot;

use crate::support::case::Case;

const RULE: &str = "prefer-timestamptz";

const EVENT: &str = r#"CREATE TABLE "Event" ("id" TEXT NOT NULL, "at" TIMESTAMPTZ(3));"#;

#[test]
fn bad_create_table() {
    let case = Case::new(RULE)
        .migration(r#"CREATE TABLE "Log" ("id" TEXT NOT NULL, "at" TIMESTAMP(3) NOT NULL);"#);
    assert_snapshot!(case.bad());
}

#[test]
fn bad_add_column() {
    let case = Case::new(RULE).setup(EVENT).migration(
        r#"SET lock_timeout = '5s';
ALTER TABLE "Event" ADD COLUMN "seenAt" TIMESTAMP(3);
"#,
    );
    assert_snapshot!(case.bad());
}

#[test]
fn all_alter_column_type_is_also_a_type_change() {
    let case = Case::new(RULE).setup(EVENT).migration(
        r#"SET lock_timeout = '5s';
ALTER TABLE "Event" ALTER COLUMN "at" SET DATA TYPE TIMESTAMP(3);
"#,
    );
    assert_snapshot!(case.all_findings());
}

#[test]
fn good_timestamptz() {
    Case::new(RULE)
        .migration(r#"CREATE TABLE "Log" ("id" TEXT NOT NULL, "at" TIMESTAMPTZ(3) NOT NULL);"#)
        .good();
}
