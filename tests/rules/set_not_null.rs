//! set-not-null (rules/set-not-null.md): `SET NOT NULL` on a column of a table that has rows, without a validated check to skip the scan.

use insta::assert_snapshot;

use crate::support::case::Case;

const RULE: &str = "set-not-null";

const USER: &str = r#"CREATE TABLE "User" ("id" TEXT NOT NULL, "email" TEXT, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));"#;

const VALIDATED_CHECK: &str = r#"ALTER TABLE "User" ADD CONSTRAINT "User_email_not_null" CHECK ("email" IS NOT NULL) NOT VALID;
ALTER TABLE "User" VALIDATE CONSTRAINT "User_email_not_null";
"#;

#[test]
fn bad_set_not_null_on_an_existing_table() {
    let case = Case::new(RULE).setup(USER).migration(
        r#"SET lock_timeout = '5s';
ALTER TABLE "User" ALTER COLUMN "email" SET NOT NULL;
"#,
    );
    assert_snapshot!(case.bad());
}

/// A NOT VALID check proves nothing about the rows yet: PostgreSQL still scans.
#[test]
fn bad_check_not_validated_yet() {
    let case = Case::new(RULE).setup(USER).setup(r#"ALTER TABLE "User" ADD CONSTRAINT "User_email_not_null" CHECK ("email" IS NOT NULL) NOT VALID;"#).migration(r#"SET lock_timeout = '5s';
ALTER TABLE "User" ALTER COLUMN "email" SET NOT NULL;
"#);
    assert_snapshot!(case.bad());
}

/// PostgreSQL 12 is the first to use a validated check instead of the scan.
#[test]
fn bad_before_postgres_12_a_validated_check_does_not_help() {
    let case = Case::new(RULE)
        .setup(USER)
        .setup(VALIDATED_CHECK)
        .postgres(11)
        .migration(
            r#"SET lock_timeout = '5s';
ALTER TABLE "User" ALTER COLUMN "email" SET NOT NULL;
"#,
        );
    assert_snapshot!(case.bad());
}

#[test]
fn good_after_a_validated_check() {
    Case::new(RULE)
        .setup(USER)
        .setup(VALIDATED_CHECK)
        .migration(
            r#"SET lock_timeout = '5s';
ALTER TABLE "User" ALTER COLUMN "email" SET NOT NULL;
"#,
        )
        .good();
}

#[test]
fn good_table_created_in_the_same_migration() {
    Case::new(RULE)
        .migration(
            r#"CREATE TABLE "Team" ("id" TEXT NOT NULL, "name" TEXT);
ALTER TABLE "Team" ALTER COLUMN "name" SET NOT NULL;
"#,
        )
        .good();
}
