//! drop-column (rules/drop-column.md): dropping a column that existed before the migration.

use insta::assert_snapshot;

use crate::support::case::Case;

const RULE: &str = "drop-column";

const USER: &str = r#"CREATE TABLE "User" ("id" TEXT NOT NULL, "nickname" TEXT, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));"#;

#[test]
fn bad_drops_a_column_that_existed() {
    let case = Case::new(RULE).setup(USER).migration(
        r#"SET lock_timeout = '5s';
ALTER TABLE "User" DROP COLUMN "nickname";
"#,
    );
    assert_snapshot!(case.bad());
}

#[test]
fn good_drops_a_column_created_in_the_same_migration() {
    Case::new(RULE)
        .setup(USER)
        .migration(
            r#"SET lock_timeout = '5s';
CREATE TABLE "Draft" ("id" TEXT NOT NULL, "tmp" TEXT);
ALTER TABLE "Draft" DROP COLUMN "tmp";
"#,
        )
        .good();
}

/// A drop paired with an add of the same type and a related name is Prisma's rename: reported once, as
/// rename-without-map.
#[test]
fn good_drop_paired_with_an_add_of_the_same_type() {
    Case::new(RULE)
        .setup(USER)
        .migration(
            r#"SET lock_timeout = '5s';
ALTER TABLE "User" DROP COLUMN "nickname",
ADD COLUMN "userNickname" TEXT;"#,
        )
        .good();
}

/// Beside an add of an unrelated name, the drop is a drop.
#[test]
fn bad_drop_beside_an_add_of_an_unrelated_name() {
    let case = Case::new(RULE).setup(USER).migration(
        r#"SET lock_timeout = '5s';
ALTER TABLE "User" DROP COLUMN "nickname",
ADD COLUMN "handle" TEXT;"#,
    );
    assert_snapshot!(case.bad());
}

#[test]
fn bad_drop_column_if_exists() {
    let case = Case::new(RULE).setup(USER).migration(
        r#"SET lock_timeout = '5s';
ALTER TABLE "User" DROP COLUMN IF EXISTS "nickname";"#,
    );
    assert_snapshot!(case.bad());
}

/// The plain DDL in a DO block's body is checked like any other statement.
#[test]
fn all_drop_inside_a_do_block() {
    let case = Case::new(RULE).setup(USER).migration(
        r#"SET lock_timeout = '5s';
DO $$
BEGIN
  ALTER TABLE "User" DROP COLUMN "nickname";
END
$$;"#,
    );
    assert_snapshot!(case.all_findings());
}

/// Prisma's incompatible type change drops and adds the same column: change-column-type reports it (as an error), not
/// drop-column.
#[test]
fn good_prisma_drop_and_add_of_the_same_column_is_a_type_change() {
    Case::new(RULE)
        .setup(r#"CREATE TABLE "User" ("id" SERIAL NOT NULL, "rating" TEXT, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));"#)
        .migration(
            r#"SET lock_timeout = '5s';
ALTER TABLE "User" DROP COLUMN "rating",
ADD COLUMN     "rating" INTEGER;
"#,
        )
        .good();
}
