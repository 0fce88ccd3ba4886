//! missing-lock-timeout (rules/missing-lock-timeout.md): a blocking lock on a table with rows taken with no lock_timeout set.

use insta::assert_snapshot;

use crate::support::case::Case;

const RULE: &str = "missing-lock-timeout";

const USERS: &str = r#"CREATE TABLE "User" ("id" TEXT NOT NULL, "name" VARCHAR(10), "n" INTEGER, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));
CREATE TABLE "Post" ("id" TEXT NOT NULL, "authorId" TEXT NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));
CREATE INDEX "Post_authorId_idx" ON "Post"("authorId");
CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN', 'GUEST');
ALTER TABLE "User" ADD COLUMN "role" "Role" NOT NULL DEFAULT 'USER';
"#;

const TWO_CHANGES: &str = r#"ALTER TABLE "User" ADD COLUMN "a" TEXT;
ALTER TABLE "Post" ADD COLUMN "b" TEXT;
"#;

#[test]
fn bad_first_blocking_statement_without_a_timeout() {
    let case = Case::new(RULE)
        .setup(USERS)
        .migration(r#"ALTER TABLE "User" ADD COLUMN "nickname" TEXT;"#);
    assert_snapshot!(case.bad());
}

#[test]
fn bad_reported_once_per_migration() {
    let case = Case::new(RULE).setup(USERS).migration(TWO_CHANGES);
    assert_snapshot!(case.bad());
}

#[test]
fn bad_zero_is_no_timeout() {
    let case = Case::new(RULE).setup(USERS).migration(
        r#"SET lock_timeout = 0;
ALTER TABLE "User" ADD COLUMN "a" TEXT;
ALTER TABLE "Post" ADD COLUMN "b" TEXT;
"#,
    );
    assert_snapshot!(case.bad());
}

#[test]
fn bad_a_timeout_set_after_the_lock_is_too_late() {
    let case = Case::new(RULE).setup(USERS).migration(
        r#"ALTER TABLE "User" ADD COLUMN "a" TEXT;
ALTER TABLE "Post" ADD COLUMN "b" TEXT;
SET lock_timeout = '1s';
"#,
    );
    assert_snapshot!(case.bad());
}

/// CREATE TRIGGER takes SHARE ROW EXCLUSIVE on its table (proven in tests/truth.rs), whatever its form.
#[test]
fn bad_create_trigger() {
    let case = Case::new(RULE).setup(USERS).migration(r#"CREATE TRIGGER "User_touch" BEFORE UPDATE ON "User" FOR EACH ROW EXECUTE FUNCTION touch();"#);
    assert_snapshot!(case.bad());
}

#[test]
fn all_create_or_replace_trigger_on_a_qualified_table() {
    let case = Case::new(RULE).setup(USERS).migration(r#"CREATE OR REPLACE TRIGGER t AFTER INSERT OR UPDATE OF "name" ON public."User" FOR EACH ROW EXECUTE PROCEDURE touch('a');"#);
    assert_snapshot!(case.all_findings());
}

#[test]
fn bad_create_constraint_trigger() {
    let case = Case::new(RULE).setup(USERS).migration(r#"CREATE CONSTRAINT TRIGGER t AFTER INSERT ON "User" DEFERRABLE FOR EACH ROW EXECUTE FUNCTION touch();"#);
    assert_snapshot!(case.bad());
}

#[test]
fn clean_row_locks_only() {
    Case::new(RULE)
        .setup(USERS)
        .migration(r#"UPDATE "User" SET "n" = 1 WHERE "id" = 'a';"#)
        .clean();
}

#[test]
fn good_timeout_set_first() {
    Case::new(RULE)
        .setup(USERS)
        .migration(
            r#"SET lock_timeout = '5s';
ALTER TABLE "User" ADD COLUMN "nickname" TEXT;
"#,
        )
        .good();
}

#[test]
fn clean_trigger_on_a_table_created_in_the_same_migration() {
    Case::new(RULE)
        .setup(USERS)
        .migration(
            r#"CREATE TABLE "Log" ("id" TEXT);
CREATE TRIGGER t AFTER INSERT ON "Log" FOR EACH ROW EXECUTE FUNCTION touch();
"#,
        )
        .clean();
}

/// Table changes modelled only by their lock are judged by it (each mode checked against pg_locks in
/// tests/truth.rs).
#[test]
fn bad_enable_row_level_security() {
    let case = Case::new(RULE)
        .setup(USERS)
        .migration(r#"ALTER TABLE "User" ENABLE ROW LEVEL SECURITY;"#);
    assert_snapshot!(case.bad());
}

#[test]
fn bad_disable_trigger() {
    let case = Case::new(RULE)
        .setup(USERS)
        .migration(r#"ALTER TABLE "User" DISABLE TRIGGER ALL;"#);
    assert_snapshot!(case.bad());
}

#[test]
fn all_set_storage() {
    let case = Case::new(RULE)
        .setup(USERS)
        .migration(r#"ALTER TABLE "User" ALTER COLUMN "n" SET STORAGE PLAIN;"#);
    assert_snapshot!(case.all_findings());
}

#[test]
fn bad_create_policy() {
    let case = Case::new(RULE)
        .setup(USERS)
        .migration(r#"CREATE POLICY "own" ON "User" USING (true);"#);
    assert_snapshot!(case.bad());
}

#[test]
fn bad_drop_policy() {
    let case = Case::new(RULE)
        .setup(USERS)
        .migration(r#"DROP POLICY IF EXISTS "own" ON "User";"#);
    assert_snapshot!(case.bad());
}

#[test]
fn good_set_statistics_blocks_no_traffic() {
    Case::new(RULE)
        .setup(USERS)
        .migration(r#"ALTER TABLE "User" ALTER COLUMN "n" SET STATISTICS 100;"#)
        .good();
}

#[test]
fn good_set_fillfactor_blocks_no_traffic() {
    Case::new(RULE)
        .setup(USERS)
        .migration(r#"ALTER TABLE "User" SET (fillfactor = 70);"#)
        .good();
}
