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

/// Prisma's SQL for `@default(autoincrement())` changed to `@default(42)`: PostgreSQL runs every DROP DEFAULT of an
/// ALTER TABLE before any SET DEFAULT, whatever their order, so the column keeps 42 (checked on PostgreSQL 15).
#[test]
fn good_drop_default_runs_before_set_default_in_one_alter_table() {
    Case::new(RULE)
        .setup(r#"CREATE TABLE "T" ("id" SERIAL NOT NULL, "n" SERIAL NOT NULL, CONSTRAINT "T_pkey" PRIMARY KEY ("id"));"#)
        .migration("ALTER TABLE \"T\" ALTER COLUMN \"n\" SET DEFAULT 42,\nALTER COLUMN \"n\" DROP DEFAULT;")
        .schema("model T {\n  id Int @id @default(autoincrement())\n  n  Int @default(42)\n}\n")
        .good();
}

/// A serial whose default is dropped is a plain integer without one (PostgreSQL 15: `integer`, no default), as
/// Prisma writes it when `@default(autoincrement())` is removed.
#[test]
fn good_a_serial_whose_default_is_dropped() {
    Case::new(RULE)
        .setup(r#"CREATE TABLE "T" ("id" SERIAL NOT NULL, "n" SERIAL NOT NULL, CONSTRAINT "T_pkey" PRIMARY KEY ("id"));"#)
        .migration(r#"ALTER TABLE "T" ALTER COLUMN "n" DROP DEFAULT;"#)
        .schema("model T {\n  id Int @id @default(autoincrement())\n  n  Int\n}\n")
        .good();
}

#[test]
fn bad_a_serial_whose_default_is_dropped_while_the_schema_keeps_autoincrement() {
    let case = Case::new(RULE)
        .setup(r#"CREATE TABLE "T" ("id" SERIAL NOT NULL, "n" SERIAL NOT NULL, CONSTRAINT "T_pkey" PRIMARY KEY ("id"));"#)
        .migration(r#"ALTER TABLE "T" ALTER COLUMN "n" DROP DEFAULT;"#)
        .settings(|s| {
            s.severities.insert("missing-lock-timeout".into(), None);
        })
        .schema("model T {\n  id Int @id @default(autoincrement())\n  n  Int @default(autoincrement())\n}\n");
    assert_snapshot!(case.bad());
}

/// Prisma's SQL for an enum value removed from an enum of another schema: the new type is renamed within that
/// schema, and the column is then of type "other"."E" (PostgreSQL 15).
#[test]
fn good_an_enum_of_another_schema_recreated_without_a_value() {
    Case::new(RULE)
        .setup(r#"CREATE SCHEMA IF NOT EXISTS "other";
CREATE TYPE "other"."E" AS ENUM ('A', 'B');
CREATE TABLE "T" ("id" INTEGER NOT NULL, "e" "other"."E" NOT NULL, CONSTRAINT "T_pkey" PRIMARY KEY ("id"));"#)
        .migration(r#"BEGIN;
CREATE TYPE "other"."E_new" AS ENUM ('A');
ALTER TABLE "T" ALTER COLUMN "e" TYPE "other"."E_new" USING ("e"::text::"other"."E_new");
ALTER TYPE "other"."E" RENAME TO "E_old";
ALTER TYPE "other"."E_new" RENAME TO "E";
DROP TYPE "other"."E_old";
COMMIT;"#)
        .schema("datasource db {\n  provider = \"postgresql\"\n  url      = env(\"DATABASE_URL\")\n  schemas  = [\"public\", \"other\"]\n}\n\nenum E {\n  A\n\n  @@schema(\"other\")\n}\n\nmodel T {\n  id Int @id\n  e  E\n\n  @@schema(\"public\")\n}\n")
        .good();
}

/// Clauses sqlparser cannot read that change no column, key or index (`SET STATISTICS`, `CLUSTER ON`, `SET
/// STORAGE`, ..., valid on PostgreSQL 15) leave the table compared: here with the field no migration creates.
#[test]
fn bad_a_table_altered_by_an_unreadable_clause_that_keeps_its_columns_is_still_compared() {
    let case = Case::new(RULE)
        .setup(USER)
        .migration(
            r#"ALTER TABLE "User" ALTER COLUMN "email" SET STATISTICS 1000;
ALTER TABLE "User" CLUSTER ON "User_email_key";
CREATE TEMP TABLE "User" ("id" INTEGER) WITH (fillfactor = 70) ON COMMIT DROP TABLESPACE pg_default;"#,
        )
        .settings(|s| {
            s.severities.insert("unparsed-statement".into(), None);
            s.severities.insert("missing-lock-timeout".into(), None);
        })
        .schema(&SCHEMA.replace("@unique\n", "@unique\n  name  String\n"));
    assert_snapshot!(case.bad());
}

/// A serial retyped to bigint keeps its sequence's default (PostgreSQL 15: `bigint`, `nextval(...)`): a `BigInt`
/// autoincrement id, as a hand-mended Prisma migration writes it (Prisma's own `SET DATA TYPE BIGSERIAL` fails).
#[test]
fn good_a_serial_retyped_to_bigint_keeps_its_autoincrement() {
    Case::new(RULE)
        .setup(
            r#"CREATE TABLE "T" ("id" SERIAL NOT NULL, CONSTRAINT "T_pkey" PRIMARY KEY ("id"));"#,
        )
        .migration(r#"ALTER TABLE "T" ALTER COLUMN "id" SET DATA TYPE BIGINT;"#)
        .schema("model T {\n  id BigInt @id @default(autoincrement())\n}\n")
        .good();
}

/// An operator class written in the schema or the SQL that is the default for the column's type and the index's
/// method is the same index (PostgreSQL 15 stores the default either way; Prisma's diff between the two is empty).
#[test]
fn good_an_operator_class_that_is_the_default_for_its_type() {
    Case::new(RULE)
        .setup(r#"CREATE TABLE "T" ("id" INTEGER NOT NULL, "c" INTEGER[], "j" JSONB NOT NULL, "t" TEXT NOT NULL, "n" INTEGER NOT NULL,
  CONSTRAINT "T_pkey" PRIMARY KEY ("id"));"#)
        .migration(r#"CREATE INDEX "T_c_idx" ON "T" USING GIN ("c");
CREATE INDEX "T_j_idx" ON "T" USING GIN ("j" jsonb_ops);
CREATE INDEX "T_t_idx" ON "T" USING SPGIST ("t");
CREATE INDEX "T_n_idx" ON "T" USING BRIN ("n" int4_minmax_ops);"#)
        .schema("model T {\n  id Int   @id\n  c  Int[]\n  j  Json\n  t  String\n  n  Int\n\n  \
                 @@index([c(ops: ArrayOps)], type: Gin)\n  @@index([j], type: Gin)\n  \
                 @@index([t(ops: TextOps)], type: SpGist)\n  @@index([n], type: Brin)\n}\n")
        .good();
}

#[test]
fn bad_an_operator_class_other_than_the_default() {
    let case = Case::new(RULE)
        .setup(r#"CREATE TABLE "T" ("id" INTEGER NOT NULL, "j" JSONB NOT NULL, CONSTRAINT "T_pkey" PRIMARY KEY ("id"));"#)
        .migration(r#"CREATE INDEX "T_j_idx" ON "T" USING GIN ("j");"#)
        .settings(|s| {
            s.severities
                .insert("create-index-non-concurrently".into(), None);
            s.severities.insert("missing-lock-timeout".into(), None);
        })
        .schema("model T {\n  id Int  @id\n  j  Json\n\n  @@index([j(ops: JsonbPathOps)], type: Gin)\n}\n");
    assert_snapshot!(case.bad());
}

/// With `schemas = ["public", "other"]`, Prisma manages `public` too: a table or enum left there that the schema no
/// longer declares is dropped by the next `migrate dev` (Prisma 6.19.3's diff: `DROP TABLE "A"; DROP TYPE "E";`).
#[test]
fn bad_a_table_and_enum_left_in_public_when_the_schema_lists_several_schemas() {
    let case = Case::new(RULE)
        .setup(r#"CREATE TYPE "E" AS ENUM ('X');
CREATE TABLE "A" ("id" INTEGER NOT NULL, "e" "E" NOT NULL, CONSTRAINT "A_pkey" PRIMARY KEY ("id"));"#)
        .migration(r#"CREATE TABLE "B" ("id" INTEGER NOT NULL, CONSTRAINT "B_pkey" PRIMARY KEY ("id"));"#)
        .schema("datasource db {\n  provider = \"postgresql\"\n  url      = env(\"DATABASE_URL\")\n  schemas  = [\"public\", \"other\"]\n}\n\nmodel B {\n  id Int @id\n\n  @@schema(\"public\")\n}\n");
    assert_snapshot!(case.bad());
}
