//! fk-without-index (rules/fk-without-index.md): a foreign key whose columns lead no index of their table.

use insta::assert_snapshot;

use crate::support::case::Case;

const RULE: &str = "fk-without-index";

const USER: &str =
    r#"CREATE TABLE "User" ("id" TEXT NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));"#;

#[test]
fn bad_foreign_key_without_an_index() {
    let case = Case::new(RULE).setup(USER).migration(r#"SET lock_timeout = '5s';
CREATE TABLE "Post" ("id" TEXT NOT NULL, "authorId" TEXT NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
"#);
    assert_snapshot!(case.bad());
}

/// The foreign key's checks look up non-null keys only, so an index of exactly those rows serves them.
#[test]
fn good_partial_index_of_the_non_null_keys() {
    Case::new(RULE)
        .setup(USER)
        .migration(
            r#"SET lock_timeout = '5s';
CREATE TABLE "Post" ("id" TEXT NOT NULL, "authorId" TEXT, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));
CREATE INDEX "Post_authorId_idx" ON "Post"("authorId") WHERE "authorId" IS NOT NULL;
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id");"#,
        )
        .good();
}

#[test]
fn bad_partial_index_of_other_rows_does_not_count() {
    let case = Case::new(RULE).setup(USER).migration(
        r#"SET lock_timeout = '5s';
CREATE TABLE "Post" ("id" TEXT NOT NULL, "authorId" TEXT, "draft" BOOLEAN NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));
CREATE INDEX "Post_authorId_idx" ON "Post"("authorId") WHERE "draft";
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id");"#,
    );
    assert_snapshot!(case.bad());
}

#[test]
fn bad_column_second_in_the_index() {
    let case = Case::new(RULE).setup(USER).migration(r#"SET lock_timeout = '5s';
CREATE TABLE "Post" ("id" TEXT NOT NULL, "authorId" TEXT NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));
CREATE INDEX "Post_id_authorId_idx" ON "Post"("id", "authorId");
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id");
"#);
    assert_snapshot!(case.bad());
}

#[test]
fn good_indexed_foreign_key() {
    Case::new(RULE).setup(USER).migration(r#"SET lock_timeout = '5s';
CREATE TABLE "Post" ("id" TEXT NOT NULL, "authorId" TEXT NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));
CREATE INDEX "Post_authorId_idx" ON "Post"("authorId");
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
"#).good();
}

#[test]
fn good_leading_columns_of_a_composite_index() {
    Case::new(RULE).setup(USER).migration(r#"SET lock_timeout = '5s';
CREATE TABLE "Post" ("id" TEXT NOT NULL, "authorId" TEXT NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));
CREATE INDEX "Post_authorId_id_idx" ON "Post"("authorId", "id");
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id");
"#).good();
}

/// Judged on the schema at the end of the linted history.
#[test]
fn good_index_added_by_a_later_migration() {
    Case::new(RULE).setup(USER).migration(r#"SET lock_timeout = '5s';
CREATE TABLE "Post" ("id" TEXT NOT NULL, "authorId" TEXT NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id");
"#).migration(r#"CREATE INDEX CONCURRENTLY "Post_authorId_idx" ON "Post"("authorId");"#).good();
}
