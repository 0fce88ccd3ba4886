//! rename-without-map (rules/rename-without-map.md): renaming a column or table that running code still uses by its old name.

use insta::assert_snapshot;

use crate::support::case::Case;

const RULE: &str = "rename-without-map";

const USER: &str = r#"CREATE TABLE "User" ("id" TEXT NOT NULL, "name" TEXT, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));"#;

/// What Prisma writes when a field is renamed without @map: reported once, not also as drop-column.
#[test]
fn bad_drop_and_add_of_the_same_type() {
    let case = Case::new(RULE).setup(USER).migration(
        r#"SET lock_timeout = '5s';
ALTER TABLE "User" DROP COLUMN "name",
ADD COLUMN "fullName" TEXT;
"#,
    );
    assert_snapshot!(case.bad());
}

#[test]
fn bad_rename_column() {
    let case = Case::new(RULE).setup(USER).migration(
        r#"SET lock_timeout = '5s';
ALTER TABLE "User" RENAME COLUMN "name" TO "fullName";
"#,
    );
    assert_snapshot!(case.bad());
}

#[test]
fn bad_rename_table() {
    let case = Case::new(RULE).setup(USER).migration(
        r#"SET lock_timeout = '5s';
ALTER TABLE "User" RENAME TO "Account";
"#,
    );
    assert_snapshot!(case.bad());
}

#[test]
fn bad_drop_and_create_of_a_table_with_the_same_columns() {
    let case = Case::new(RULE).setup(USER).migration(r#"SET lock_timeout = '5s';
DROP TABLE "User";
CREATE TABLE "Account" ("id" TEXT NOT NULL, "name" TEXT, CONSTRAINT "Account_pkey" PRIMARY KEY ("id"));
"#);
    assert_snapshot!(case.bad());
}

#[test]
fn good_new_column() {
    Case::new(RULE)
        .setup(USER)
        .migration(
            r#"SET lock_timeout = '5s';
ALTER TABLE "User" ADD COLUMN "bio" TEXT;
"#,
        )
        .good();
}

#[test]
fn good_index_rename() {
    Case::new(RULE)
        .setup(USER)
        .migration(
            r#"SET lock_timeout = '5s';
ALTER INDEX "User_pkey" RENAME TO "User_id_pkey";
"#,
        )
        .good();
}

#[test]
fn good_drop_and_add_of_another_type_is_a_drop() {
    Case::new(RULE)
        .setup(USER)
        .migration(
            r#"SET lock_timeout = '5s';
ALTER TABLE "User" DROP COLUMN "name",
ADD COLUMN "age" INTEGER;
"#,
        )
        .good();
}

/// A drop and an add of the same type whose names share nothing (inbox-zero's `id` and `about`) is a drop, reported
/// by drop-column, not a rename.
#[test]
fn good_drop_and_add_with_unrelated_names_is_a_drop() {
    Case::new(RULE)
        .setup(USER)
        .migration("SET lock_timeout = '5s';\nALTER TABLE \"User\" DROP COLUMN \"name\",\nADD COLUMN \"completedAt\" TEXT;")
        .good();
}

/// A shadow-column swap keeps the values and the name (langfuse's prompt_to_json): change-column-type reports it.
#[test]
fn good_shadow_column_swap() {
    Case::new(RULE)
        .setup(USER)
        .migration(
            r#"SET lock_timeout = '5s';
ALTER TABLE "User" ADD COLUMN "name_json" JSONB;
UPDATE "User" SET "name_json" = to_json("name");
ALTER TABLE "User" DROP COLUMN "name";
ALTER TABLE "User" RENAME COLUMN "name_json" TO "name";
"#,
        )
        .good();
}
