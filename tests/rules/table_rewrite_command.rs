//! table-rewrite-command (rules/table-rewrite-command.md): VACUUM FULL, CLUSTER and REINDEX without CONCURRENTLY.

use insta::assert_snapshot;

use crate::support::case::Case;

const RULE: &str = "table-rewrite-command";

const USERS: &str = r#"CREATE TABLE "User" ("id" TEXT NOT NULL, "name" VARCHAR(10), "n" INTEGER, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));
CREATE TABLE "Post" ("id" TEXT NOT NULL, "authorId" TEXT NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));
CREATE INDEX "Post_authorId_idx" ON "Post"("authorId");
CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN', 'GUEST');
ALTER TABLE "User" ADD COLUMN "role" "Role" NOT NULL DEFAULT 'USER';
"#;

#[test]
fn bad_cluster() {
    let case = Case::new(RULE).setup(USERS).migration(
        r#"SET lock_timeout = '5s';
CLUSTER "User" USING "User_pkey";
"#,
    );
    assert_snapshot!(case.bad());
}

#[test]
fn bad_reindex_table() {
    let case = Case::new(RULE).setup(USERS).migration(
        r#"SET lock_timeout = '5s';
REINDEX TABLE "User";
"#,
    );
    assert_snapshot!(case.bad());
}

/// Alone in its file: VACUUM refuses any transaction block, so a `SET lock_timeout` beside it would fail the file
/// (and the file is not reported as concurrently-in-transaction).
#[test]
fn all_vacuum_full_alone_in_its_file() {
    let case = Case::new(RULE)
        .setup(USERS)
        .migration(r#"VACUUM (FULL, ANALYZE) "User";"#);
    assert_snapshot!(case.all_findings());
}

#[test]
fn all_cluster_without_a_lock_timeout() {
    let case = Case::new(RULE).setup(USERS).migration(r#"CLUSTER "User";"#);
    assert_snapshot!(case.all_findings());
}

#[test]
fn good_reindex_concurrently() {
    Case::new(RULE)
        .setup(USERS)
        .migration(r#"REINDEX TABLE CONCURRENTLY "User";"#)
        .good();
}

#[test]
fn good_vacuum_analyze() {
    Case::new(RULE)
        .setup(USERS)
        .migration(r#"VACUUM (ANALYZE) "User";"#)
        .good();
}

#[test]
fn clean_plain_vacuum() {
    Case::new(RULE)
        .setup(USERS)
        .migration(r#"VACUUM "User";"#)
        .clean();
}
