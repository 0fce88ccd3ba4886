//! rename-enum-value (rules/rename-enum-value.md): renaming a value of an enum that existed before the migration.

use insta::assert_snapshot;

use crate::support::case::Case;

const RULE: &str = "rename-enum-value";

const STATUS: &str = r#"CREATE TYPE "Status" AS ENUM ('ACTIVE', 'DISABLED');"#;

#[test]
fn bad_rename_value_of_an_existing_enum() {
    let case = Case::new(RULE)
        .setup(STATUS)
        .migration(r#"ALTER TYPE "Status" RENAME VALUE 'DISABLED' TO 'SUSPENDED';"#);
    assert_snapshot!(case.bad());
}

#[test]
fn good_enum_created_in_the_same_migration() {
    Case::new(RULE)
        .migration(
            r#"CREATE TYPE "Status" AS ENUM ('ACTIVE', 'DISABLED');
ALTER TYPE "Status" RENAME VALUE 'DISABLED' TO 'SUSPENDED';
"#,
        )
        .good();
}
