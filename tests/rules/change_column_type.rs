//! change-column-type (rules/change-column-type.md): a type change that rewrites or rechecks a table with rows.

use insta::assert_snapshot;

use crate::support::case::Case;

const RULE: &str = "change-column-type";

const USERS: &str = r#"CREATE TABLE "User" ("id" TEXT NOT NULL, "name" VARCHAR(10), "n" INTEGER, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));
CREATE TABLE "Post" ("id" TEXT NOT NULL, "authorId" TEXT NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));
CREATE INDEX "Post_authorId_idx" ON "Post"("authorId");
CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN', 'GUEST');
ALTER TABLE "User" ADD COLUMN "role" "Role" NOT NULL DEFAULT 'USER';
"#;

const ORDER: &str = r#"CREATE TABLE "Order" ("id" TEXT NOT NULL, "note" VARCHAR(100), "total" DECIMAL(10,2), "at" TIMESTAMP(3), "body" TEXT, CONSTRAINT "Order_pkey" PRIMARY KEY ("id"));"#;

#[test]
fn bad_integer_to_bigint() {
    let case = Case::new(RULE).setup(USERS).migration(
        r#"SET lock_timeout = '5s';
ALTER TABLE "User" ALTER COLUMN "n" SET DATA TYPE BIGINT;
"#,
    );
    assert_snapshot!(case.bad());
}

/// The second change starts from varchar(20), which the first one produced in this migration.
#[test]
fn bad_narrowing_is_judged_against_the_type_this_migration_gave() {
    let case = Case::new(RULE).setup(USERS).migration(
        r#"SET lock_timeout = '5s';
ALTER TABLE "User" ALTER COLUMN "name" SET DATA TYPE VARCHAR(20);
ALTER TABLE "User" ALTER COLUMN "name" SET DATA TYPE VARCHAR(15);
"#,
    );
    assert_snapshot!(case.bad());
}

#[test]
fn bad_using_rewrites_even_a_widening() {
    let case = Case::new(RULE).setup(USERS).migration(
        r#"SET lock_timeout = '5s';
ALTER TABLE "User" ALTER COLUMN "name" SET DATA TYPE VARCHAR(20) USING upper("name");
"#,
    );
    assert_snapshot!(case.bad());
}

#[test]
fn bad_prisma_enum_swap_is_one_finding_naming_the_removed_values() {
    let case = Case::new(RULE).setup(USERS).migration(
        r#"SET lock_timeout = '5s';
BEGIN;
CREATE TYPE "Role_new" AS ENUM ('USER', 'ADMIN');
ALTER TABLE "User" ALTER COLUMN "role" DROP DEFAULT;
ALTER TABLE "User" ALTER COLUMN "role" TYPE "Role_new" USING ("role"::text::"Role_new");
ALTER TYPE "Role" RENAME TO "Role_old";
ALTER TYPE "Role_new" RENAME TO "Role";
DROP TYPE "Role_old";
ALTER TABLE "User" ALTER COLUMN "role" SET DEFAULT 'USER';
COMMIT;
"#,
    );
    assert_snapshot!(case.bad());
}

/// Older Prisma versions rename the type first, then create it again.
#[test]
fn bad_legacy_prisma_enum_swap() {
    let case = Case::new(RULE).setup(USERS).migration(
        r#"SET lock_timeout = '5s';
ALTER TYPE "Role" RENAME TO "Role_old";
CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');
ALTER TABLE "User" ALTER COLUMN "role" DROP DEFAULT;
ALTER TABLE "User" ALTER COLUMN "role" TYPE "Role" USING "role"::text::"Role";
DROP TYPE "Role_old";
"#,
    );
    assert_snapshot!(case.bad());
}

#[test]
fn clean_varchar_to_text() {
    Case::new(RULE)
        .setup(USERS)
        .migration(
            r#"SET lock_timeout = '5s';
ALTER TABLE "User" ALTER COLUMN "name" SET DATA TYPE TEXT;
"#,
        )
        .clean();
}

#[test]
fn clean_column_added_in_the_same_migration() {
    Case::new(RULE)
        .setup(USERS)
        .migration(
            r#"SET lock_timeout = '5s';
ALTER TABLE "User" ADD COLUMN "x" INTEGER;
ALTER TABLE "User" ALTER COLUMN "x" SET DATA TYPE BIGINT;
"#,
        )
        .clean();
}

#[test]
fn good_longer_varchar_and_larger_numeric_precision() {
    Case::new(RULE)
        .setup(ORDER)
        .migration(
            r#"SET lock_timeout = '5s';
ALTER TABLE "Order" ALTER COLUMN "note" SET DATA TYPE VARCHAR(500),
ALTER COLUMN "total" SET DATA TYPE DECIMAL(12,2);
"#,
        )
        .good();
}

#[test]
fn good_text_to_varchar_and_more_fractional_digits() {
    Case::new(RULE)
        .setup(ORDER)
        .migration(
            r#"SET lock_timeout = '5s';
ALTER TABLE "Order" ALTER COLUMN "body" SET DATA TYPE VARCHAR,
ALTER COLUMN "at" SET DATA TYPE TIMESTAMP(6);
"#,
        )
        .good();
}

/// No rewrite (varchar(10) to varchar(20)), but PostgreSQL 15 re-checks the CHECK constraint on the column: a full
/// scan under ACCESS EXCLUSIVE (tests/truth.rs).
#[test]
fn bad_type_change_rechecks_a_check_constraint() {
    let case = Case::new(RULE)
        .setup(r#"CREATE TABLE "Tag" ("id" TEXT NOT NULL, "name" VARCHAR(10), CONSTRAINT "Tag_pkey" PRIMARY KEY ("id"), CONSTRAINT "Tag_name_check" CHECK (char_length("name") > 0));"#)
        .migration(
            r#"SET lock_timeout = '5s';
ALTER TABLE "Tag" ALTER COLUMN "name" SET DATA TYPE VARCHAR(20);
"#,
        );
    assert_snapshot!(case.bad());
}

#[test]
fn good_type_change_without_a_check_on_the_column() {
    Case::new(RULE)
        .setup(r#"CREATE TABLE "Tag" ("id" TEXT NOT NULL, "name" VARCHAR(10), CONSTRAINT "Tag_pkey" PRIMARY KEY ("id"), CONSTRAINT "Tag_id_check" CHECK (char_length("id") > 0));"#)
        .migration(
            r#"SET lock_timeout = '5s';
ALTER TABLE "Tag" ALTER COLUMN "name" SET DATA TYPE VARCHAR(20);
"#,
        )
        .good();
}

/// A CHECK added NOT VALID is not verified by the type change: on PostgreSQL 15 no `verifying table` message at
/// client_min_messages = debug1, and the constraint stays not valid (tests/truth.rs).
#[test]
fn good_type_change_with_a_not_valid_check_on_the_column() {
    Case::new(RULE)
        .setup(r#"CREATE TABLE "Tag" ("id" TEXT NOT NULL, "name" VARCHAR(10), CONSTRAINT "Tag_pkey" PRIMARY KEY ("id"));
ALTER TABLE "Tag" ADD CONSTRAINT "Tag_name_check" CHECK (char_length("name") > 0) NOT VALID;"#)
        .migration(
            r#"SET lock_timeout = '5s';
ALTER TABLE "Tag" ALTER COLUMN "name" SET DATA TYPE VARCHAR(20);
"#,
        )
        .good();
}

const RATING: &str = r#"CREATE TABLE "User" ("id" SERIAL NOT NULL, "rating" TEXT, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));"#;

const RATING_TO_INT: &str = r#"SET lock_timeout = '5s';
-- AlterTable
ALTER TABLE "User" DROP COLUMN "rating",
ADD COLUMN     "rating" INTEGER;
"#;

/// What Prisma 6.19 writes for `rating String?` becoming `rating Int?` (fixtures/fix/incompatible_type_change): the
/// values are deleted, so it is an error, not the rewrite warning.
#[test]
fn bad_prisma_drop_and_add_of_the_same_column_deletes_its_values() {
    let case = Case::new(RULE).setup(RATING).migration(RATING_TO_INT);
    assert_snapshot!(case.bad());
}

/// Dropped and added back with the same type: no type changes; drop-column reports the lost values.
#[test]
fn good_drop_and_add_with_the_same_type_is_a_drop() {
    Case::new(RULE)
        .setup(RATING)
        .migration(
            r#"SET lock_timeout = '5s';
ALTER TABLE "User" DROP COLUMN "rating",
ADD COLUMN "rating" TEXT;
"#,
        )
        .good();
}

/// A table created in this migration holds no values to lose.
#[test]
fn good_drop_and_add_on_a_new_table() {
    Case::new(RULE)
        .migration(
            r#"CREATE TABLE "Draft" ("id" SERIAL NOT NULL, "rating" TEXT, CONSTRAINT "Draft_pkey" PRIMARY KEY ("id"));
ALTER TABLE "Draft" DROP COLUMN "rating",
ADD COLUMN "rating" INTEGER;
"#,
        )
        .good();
}

/// lint.toml's severity for the rule still decides.
#[test]
fn drop_and_add_follows_the_configured_severity() {
    let found = Case::new(RULE)
        .settings(|s| {
            s.severities.insert(
                RULE.to_string(),
                Some(crate::support::lint::Severity::Warning),
            );
        })
        .setup(RATING)
        .migration(RATING_TO_INT)
        .findings();
    let severities: Vec<_> = found.iter().map(|d| (d.rule, d.severity)).collect();
    assert_eq!(
        severities,
        [(RULE, crate::support::lint::Severity::Warning)]
    );
}
