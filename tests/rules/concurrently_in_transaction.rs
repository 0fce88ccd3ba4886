//! concurrently-in-transaction (rules/concurrently-in-transaction.md): CONCURRENTLY or VACUUM inside a transaction block, where PostgreSQL refuses it.

use insta::assert_snapshot;

use crate::support::case::Case;

const RULE: &str = "concurrently-in-transaction";

const USERS: &str = r#"CREATE TABLE "User" ("id" TEXT NOT NULL, "name" VARCHAR(10), "n" INTEGER, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));
CREATE TABLE "Post" ("id" TEXT NOT NULL, "authorId" TEXT NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));
CREATE INDEX "Post_authorId_idx" ON "Post"("authorId");
CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN', 'GUEST');
ALTER TABLE "User" ADD COLUMN "role" "Role" NOT NULL DEFAULT 'USER';
"#;

const TWO_CONCURRENT_INDEXES: &str = r#"CREATE INDEX CONCURRENTLY "a" ON "Post"("authorId");
CREATE INDEX CONCURRENTLY "b" ON "Post"("id");
"#;

/// Without a configured Prisma version, a multi-statement file is one transaction.
#[test]
fn bad_two_concurrent_indexes_in_one_file() {
    let case = Case::new(RULE)
        .setup(USERS)
        .migration(TWO_CONCURRENT_INDEXES);
    assert_snapshot!(case.bad());
}

#[test]
fn bad_prisma_before_7_4_runs_the_file_as_one_transaction() {
    let case = Case::new(RULE)
        .setup(USERS)
        .prisma(6, 1, 0)
        .migration(TWO_CONCURRENT_INDEXES);
    assert_snapshot!(case.bad());
}

#[test]
fn clean_prisma_7_4_runs_each_statement_alone() {
    Case::new(RULE)
        .setup(USERS)
        .prisma(7, 4, 0)
        .migration(TWO_CONCURRENT_INDEXES)
        .clean();
}

#[test]
fn bad_explicit_transaction_block_with_prisma_7_4() {
    let case = Case::new(RULE).setup(USERS).prisma(7, 4, 0).migration(
        r#"BEGIN;
CREATE INDEX CONCURRENTLY "a" ON "Post"("authorId");
COMMIT;
"#,
    );
    assert_snapshot!(case.bad());
}

/// PostgreSQL refuses VACUUM, FULL or not, in a transaction block, and a multi-statement file is one (proven in
/// tests/truth.rs). VACUUM FULL is also a table rewrite.
#[test]
fn all_vacuum_full_beside_another_statement() {
    let case = Case::new(RULE).setup(USERS).migration(
        r#"SET lock_timeout = '5s';
VACUUM FULL "User";
"#,
    );
    assert_snapshot!(case.all_findings());
}

#[test]
fn bad_vacuum_beside_another_statement() {
    let case = Case::new(RULE).setup(USERS).migration(
        r#"SET lock_timeout = '5s';
VACUUM "User";
"#,
    );
    assert_snapshot!(case.bad());
}

#[test]
fn bad_vacuum_in_an_explicit_block() {
    let case = Case::new(RULE).setup(USERS).migration(
        r#"BEGIN;
VACUUM (ANALYZE) "User";
COMMIT;
"#,
    );
    assert_snapshot!(case.bad());
}

#[test]
fn clean_drop_index_concurrently_alone() {
    Case::new(RULE)
        .setup(USERS)
        .migration(r#"DROP INDEX CONCURRENTLY IF EXISTS "a";"#)
        .clean();
}

#[test]
fn good_one_concurrent_index_alone() {
    Case::new(RULE)
        .setup(USERS)
        .migration(r#"CREATE INDEX CONCURRENTLY "Post_authorId_idx" ON "Post"("authorId");"#)
        .good();
}

#[test]
fn good_vacuum_alone() {
    Case::new(RULE)
        .setup(USERS)
        .migration(r#"VACUUM "User";"#)
        .good();
}

#[test]
fn good_vacuum_full_alone() {
    Case::new(RULE)
        .setup(USERS)
        .migration(r#"VACUUM FULL "User";"#)
        .good();
}

const PARTITIONED: &str = r#"CREATE TABLE "Event" ("id" INTEGER NOT NULL, "at" DATE NOT NULL) PARTITION BY RANGE ("at");
CREATE TABLE "Event_2020" PARTITION OF "Event" FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');
CREATE TABLE "Event_2021" PARTITION OF "Event" FOR VALUES FROM ('2021-01-01') TO ('2022-01-01');
"#;

/// PostgreSQL 15 refuses it in a multi-statement simple query with 25001 (tests/truth.rs).
#[test]
fn bad_detach_partition_concurrently_beside_another_statement() {
    let case = Case::new(RULE).setup(PARTITIONED).migration(
        r#"SET lock_timeout = '5s';
ALTER TABLE "Event" DETACH PARTITION "Event_2020" CONCURRENTLY;
"#,
    );
    assert_snapshot!(case.bad());
}

#[test]
fn bad_detach_partition_concurrently_in_an_explicit_block() {
    let case = Case::new(RULE)
        .setup(PARTITIONED)
        .prisma(7, 4, 0)
        .migration(
            r#"BEGIN;
ALTER TABLE "Event" DETACH PARTITION public.event_2021 CONCURRENTLY;
COMMIT;
"#,
        );
    assert_snapshot!(case.bad());
}

#[test]
fn good_detach_partition_concurrently_alone() {
    Case::new(RULE)
        .setup(PARTITIONED)
        .migration(r#"ALTER TABLE "Event" DETACH PARTITION "Event_2020" CONCURRENTLY;"#)
        .good();
}
