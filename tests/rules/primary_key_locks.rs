//! primary-key-locks (rules/primary-key-locks.md): a primary key whose index is built under ACCESS EXCLUSIVE.

use insta::assert_snapshot;

use crate::support::case::Case;

const RULE: &str = "primary-key-locks";

const TAG: &str = r#"CREATE TABLE "Tag" ("name" TEXT NOT NULL, "slug" TEXT NOT NULL);"#;

#[test]
fn bad_primary_key_on_an_existing_table() {
    let case = Case::new(RULE).setup(TAG).migration(
        r#"SET lock_timeout = '5s';
ALTER TABLE "Tag" ADD CONSTRAINT "Tag_pkey" PRIMARY KEY ("name", "slug");
"#,
    );
    assert_snapshot!(case.bad());
}

/// What Prisma writes when `@id` becomes `@@id([name, slug])`.
#[test]
fn bad_prisma_changes_the_id() {
    let case = Case::new(RULE)
        .setup(TAG)
        .setup(r#"ALTER TABLE "Tag" ADD CONSTRAINT "Tag_pkey" PRIMARY KEY ("name");"#)
        .migration(
            r#"SET lock_timeout = '5s';
ALTER TABLE "Tag" DROP CONSTRAINT "Tag_pkey",
ADD CONSTRAINT "Tag_pkey" PRIMARY KEY ("name", "slug");
"#,
        );
    assert_snapshot!(case.bad());
}

#[test]
fn good_using_an_index_built_concurrently() {
    Case::new(RULE)
        .setup(TAG)
        .setup(r#"CREATE UNIQUE INDEX CONCURRENTLY "Tag_pkey" ON "Tag"("name", "slug");"#)
        .migration(
            r#"SET lock_timeout = '5s';
ALTER TABLE "Tag" ADD CONSTRAINT "Tag_pkey" PRIMARY KEY USING INDEX "Tag_pkey";
"#,
        )
        .good();
}

#[test]
fn good_table_created_in_the_same_migration() {
    Case::new(RULE)
        .setup(TAG)
        .migration(
            r#"CREATE TABLE "Label" ("name" TEXT NOT NULL);
ALTER TABLE "Label" ADD CONSTRAINT "Label_pkey" PRIMARY KEY ("name");
"#,
        )
        .good();
}
