//! drop-index-non-concurrently (rules/drop-index-non-concurrently.md): an index dropped without CONCURRENTLY from a table that has rows.

use insta::assert_snapshot;

use crate::support::case::Case;

const RULE: &str = "drop-index-non-concurrently";

const POST: &str = r#"CREATE TABLE "Post" ("id" TEXT NOT NULL, "slug" TEXT NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));
CREATE INDEX "Post_slug_idx" ON "Post"("slug");
"#;

#[test]
fn bad_drop_index_of_an_existing_table() {
    let case = Case::new(RULE).setup(POST).migration(
        r#"SET lock_timeout = '5s';
DROP INDEX "Post_slug_idx";
"#,
    );
    assert_snapshot!(case.bad());
}

#[test]
fn good_concurrently() {
    Case::new(RULE)
        .setup(POST)
        .migration(r#"DROP INDEX CONCURRENTLY "Post_slug_idx";"#)
        .good();
}

#[test]
fn good_concurrently_if_exists() {
    Case::new(RULE)
        .setup(POST)
        .migration(r#"DROP INDEX CONCURRENTLY IF EXISTS "Post_slug_idx";"#)
        .good();
}

#[test]
fn good_index_of_a_table_created_in_the_same_migration() {
    Case::new(RULE)
        .setup(POST)
        .migration(
            r#"CREATE TABLE "Tag" ("id" TEXT NOT NULL, "label" TEXT);
CREATE INDEX "Tag_label_idx" ON "Tag"("label");
DROP INDEX "Tag_label_idx";
"#,
        )
        .good();
}
