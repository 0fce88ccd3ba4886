//! schema-drift (rules/schema-drift.md): schema.prisma and the catalog the migrations build disagree.

use insta::assert_snapshot;

use crate::support::case::Case;

const RULE: &str = "schema-drift";

const USER: &str = r#"CREATE TABLE "User" ("id" SERIAL NOT NULL, "email" TEXT NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");"#;

const SCHEMA: &str = "model User {
  id    Int    @id @default(autoincrement())
  email String @unique
}
";

#[test]
fn bad_a_field_no_migration_creates() {
    let case = Case::new(RULE)
        .setup(USER)
        .migration(r#"CREATE TABLE "Tag" ("id" SERIAL NOT NULL, CONSTRAINT "Tag_pkey" PRIMARY KEY ("id"));"#)
        .schema(&format!(
            "{}model Tag {{\n  id   Int    @id @default(autoincrement())\n  name String\n}}\n",
            SCHEMA
        ));
    assert_snapshot!(case.bad());
}

#[test]
fn bad_an_index_created_by_hand_that_the_schema_lacks() {
    let case = Case::new(RULE)
        .setup(USER)
        .migration(r#"CREATE INDEX "User_lower_email" ON "User"("email" DESC);"#)
        .settings(|s| {
            s.severities
                .insert("create-index-non-concurrently".into(), None);
            s.severities.insert("missing-lock-timeout".into(), None);
        })
        .schema(SCHEMA);
    assert_snapshot!(case.bad());
}

#[test]
fn good_the_schema_matches_the_history() {
    Case::new(RULE)
        .setup(USER)
        .migration(r#"ALTER TABLE "User" ADD COLUMN "name" TEXT;"#)
        .schema("model User {\n  id    Int     @id @default(autoincrement())\n  email String  @unique\n  name  String?\n}\n")
        .good();
}

#[test]
fn good_what_prisma_treats_as_equal() {
    // A UNIQUE constraint for a unique index, enum values in another order, NOT NULL and '{}' on a list column.
    Case::new(RULE)
        .setup(r#"CREATE TYPE "Role" AS ENUM ('B', 'A');
CREATE TABLE "T" ("id" INTEGER NOT NULL, "code" TEXT NOT NULL, "role" "Role" NOT NULL, "tags" TEXT[] NOT NULL DEFAULT '{}',
  CONSTRAINT "T_pkey" PRIMARY KEY ("id"), CONSTRAINT "T_code_key" UNIQUE ("code"));"#)
        .migration(r#"CREATE VIEW "v" AS SELECT 1;"#)
        .schema("enum Role {\n  A\n  B\n}\n\nmodel T {\n  id   Int      @id\n  code String   @unique\n  role Role\n  tags String[] @default([])\n}\n")
        .good();
}

/// Valid PostgreSQL that sqlparser 0.64 cannot read (both statements run on PostgreSQL 15): what they did to a table's
/// columns, keys and indexes is unknown, so the table's contents are not compared (unparsed-statement reports them).
const UNREAD: &str = r#"CREATE TABLE "U" ("id" INTEGER NOT NULL, "v" TEXT, CONSTRAINT "U_pkey" PRIMARY KEY ("id")) WITH (fillfactor = 70) TABLESPACE pg_default;
ALTER TABLE "User" ADD COLUMN "x" TEXT COMPRESSION pglz COLLATE "C";"#;

#[test]
fn good_tables_changed_by_statements_sqlparser_cannot_read() {
    Case::new(RULE)
        .setup(USER)
        .migration(UNREAD)
        .schema(&format!(
            "{}\nmodel U {{\n  id Int     @id\n  v  String?\n}}\n",
            SCHEMA.replace("@unique\n", "@unique\n  x     String?\n")
        ))
        .good();
}

#[test]
fn bad_a_table_created_by_a_statement_sqlparser_cannot_read_that_the_schema_lacks() {
    let case = Case::new(RULE)
        .setup(USER)
        .migration(UNREAD)
        .settings(|s| {
            s.severities.insert("unparsed-statement".into(), None);
            s.severities.insert("missing-lock-timeout".into(), None);
        })
        .schema(SCHEMA);
    assert_snapshot!(case.bad());
}
