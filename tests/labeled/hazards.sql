-- Hazardous migrations that must be found: each `-- hazard: <rule> | <found|missed> | <why>` block is one
-- migration, linted after the setup below (tables that hold rows in production). `missed` marks a hazard
-- migrate-lint does not catch yet (recall is measured, not assumed); the test fails when either side changes.

-- setup
CREATE TABLE "User" ("id" TEXT NOT NULL, "email" TEXT NOT NULL, "name" VARCHAR(10), "age" INTEGER, "seen" TIMESTAMP(3), "bio" TEXT, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));
CREATE TABLE "Post" ("id" TEXT NOT NULL, "authorId" TEXT NOT NULL, "title" TEXT NOT NULL, "views" INTEGER NOT NULL DEFAULT 0, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));
CREATE INDEX "Post_authorId_idx" ON "Post"("authorId");
CREATE INDEX "User_email_idx" ON "User"("email");
CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');
ALTER TABLE "User" ADD COLUMN "role" "Role" NOT NULL DEFAULT 'USER';
CREATE TABLE "Log" ("id" SERIAL NOT NULL, "msg" TEXT, CONSTRAINT "Log_pkey" PRIMARY KEY ("id"));
ALTER TABLE "Post" ADD CONSTRAINT "Post_views_check" CHECK ("views" >= 0) NOT VALID;
ALTER TABLE "User" ADD CONSTRAINT "User_name_check" CHECK ("name" <> '');
CREATE FUNCTION fixed_tag() RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'tag' $$;

-- hazard: not-null-without-default | found | required column without default fails on a non-empty table
ALTER TABLE "User" ADD COLUMN "slug" TEXT NOT NULL;
-- hazard: not-null-without-default | found | Prisma's own form, a second clause of one ALTER TABLE
ALTER TABLE "Post" ADD COLUMN "body" TEXT, ADD COLUMN "kind" INTEGER NOT NULL;
-- hazard: not-null-without-default | found | a DELETE with a WHERE leaves rows
DELETE FROM "User" WHERE "age" IS NULL;
ALTER TABLE "User" ADD COLUMN "score" INTEGER NOT NULL;
-- hazard: set-not-null | found | scans the table under ACCESS EXCLUSIVE and fails on a NULL
ALTER TABLE "User" ALTER COLUMN "name" SET NOT NULL;
-- hazard: drop-column | found | values lost, running clients select the column
ALTER TABLE "User" DROP COLUMN "bio";
-- hazard: change-column-type | found | Prisma's incompatible type change (DROP and ADD of the column) drops every value
ALTER TABLE "User" DROP COLUMN "age", ADD COLUMN "age" TEXT;
-- hazard: drop-column | found | IF EXISTS on a column the history made still loses it
ALTER TABLE "User" DROP COLUMN IF EXISTS "seen";
-- hazard: drop-table | found | rows lost, running clients query the table
DROP TABLE "Log";
-- hazard: drop-table | found | IF EXISTS on a table the history made still loses it
DROP TABLE IF EXISTS "Log";
-- hazard: rename-without-map | found | renamed column breaks running clients
ALTER TABLE "User" RENAME COLUMN "bio" TO "about";
-- hazard: rename-without-map | found | renamed table breaks running clients
ALTER TABLE "Log" RENAME TO "AuditLog";
-- hazard: rename-without-map | found | Prisma's DROP + ADD for a field renamed in another case style
ALTER TABLE "Post" DROP COLUMN "authorId", ADD COLUMN "author_id" TEXT NOT NULL;
-- hazard: rename-without-map | found | Prisma's DROP + CREATE for a renamed model
DROP TABLE "Log";
CREATE TABLE "Logs" ("id" SERIAL NOT NULL, "msg" TEXT, CONSTRAINT "Logs_pkey" PRIMARY KEY ("id"));
-- hazard: fk-without-index | found | parent deletes scan the child table
ALTER TABLE "Log" ADD COLUMN "userId" TEXT;
ALTER TABLE "Log" ADD CONSTRAINT "Log_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") NOT VALID;
-- hazard: create-index-non-concurrently | found | SHARE lock blocks writes for the whole build
CREATE INDEX "User_name_idx" ON "User"("name");
-- hazard: create-index-non-concurrently | found | Prisma's @unique on an existing column
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
-- hazard: drop-index-non-concurrently | found | ACCESS EXCLUSIVE on the table
DROP INDEX "User_email_idx";
-- hazard: concurrently-in-transaction | found | CONCURRENTLY fails in a multi-statement file
CREATE INDEX CONCURRENTLY "User_name_idx" ON "User"("name");
CREATE INDEX CONCURRENTLY "User_age_idx" ON "User"("age");
-- hazard: concurrently-in-transaction | found | explicit BEGIN around CONCURRENTLY
BEGIN;
DROP INDEX CONCURRENTLY "User_email_idx";
COMMIT;
-- hazard: constraint-not-valid | found | FK validation scans under SHARE ROW EXCLUSIVE
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id");
-- hazard: constraint-not-valid | found | CHECK validation scans under ACCESS EXCLUSIVE
ALTER TABLE "User" ADD CONSTRAINT "User_age_check" CHECK ("age" > 0);
-- hazard: unique-constraint-locks | found | ADD UNIQUE builds the index under ACCESS EXCLUSIVE
ALTER TABLE "User" ADD CONSTRAINT "User_email_key" UNIQUE ("email");
-- hazard: unique-constraint-locks | found | inline UNIQUE on ADD COLUMN builds the index under ACCESS EXCLUSIVE (PostgreSQL 15)
ALTER TABLE "User" ADD COLUMN "handle" TEXT UNIQUE;
-- hazard: primary-key-locks | found | ADD PRIMARY KEY builds the index under ACCESS EXCLUSIVE
ALTER TABLE "Post" DROP CONSTRAINT "Post_pkey", ADD CONSTRAINT "Post_pkey" PRIMARY KEY ("id", "authorId");
-- hazard: change-column-type | found | integer to bigint rewrites the table
ALTER TABLE "Post" ALTER COLUMN "views" SET DATA TYPE BIGINT;
-- hazard: change-column-type | found | shortening varchar rewrites and may fail
ALTER TABLE "User" ALTER COLUMN "name" TYPE VARCHAR(5);
-- hazard: change-column-type | found | a computed USING rewrites
ALTER TABLE "User" ALTER COLUMN "email" TYPE TEXT USING lower("email");
-- hazard: change-column-type | found | timestamp to timestamptz rewrites unless the session is UTC
ALTER TABLE "User" ALTER COLUMN "seen" SET DATA TYPE TIMESTAMPTZ(3);
-- hazard: change-column-type | found | Prisma's enum swap removing a value
CREATE TYPE "Role_new" AS ENUM ('USER');
ALTER TABLE "User" ALTER COLUMN "role" DROP DEFAULT;
ALTER TABLE "User" ALTER COLUMN "role" TYPE "Role_new" USING ("role"::text::"Role_new");
ALTER TYPE "Role" RENAME TO "Role_old";
ALTER TYPE "Role_new" RENAME TO "Role";
DROP TYPE "Role_old";
-- hazard: volatile-default | found | volatile default rewrites every row
ALTER TABLE "User" ADD COLUMN "token" UUID NOT NULL DEFAULT gen_random_uuid();
-- hazard: volatile-default | found | a serial column is computed for every row
ALTER TABLE "User" ADD COLUMN "seq" SERIAL NOT NULL;
-- hazard: volatile-default | found | a function no migration declares IMMUTABLE or STABLE is VOLATILE (PostgreSQL 15 rewrites)
ALTER TABLE "User" ADD COLUMN "tag" TEXT DEFAULT make_tag();
-- hazard: enum-value-in-transaction | found | the new value is used in the same transaction
ALTER TYPE "Role" ADD VALUE 'OWNER';
UPDATE "User" SET "role" = 'OWNER' WHERE "id" = '1';
-- hazard: enum-value-in-transaction | found | a cast to the enum is a use too
ALTER TYPE "Role" ADD VALUE 'GUEST';
SELECT 'GUEST'::"Role";
-- hazard: missing-lock-timeout | found | ACCESS EXCLUSIVE queues every query behind it
ALTER TABLE "User" ADD COLUMN "nick" TEXT;
-- hazard: missing-lock-timeout | found | SHARE lock queues every write behind it
CREATE INDEX "Post_title_idx" ON "Post"("title");
-- hazard: missing-lock-timeout | found | SET lock_timeout = 0 disables it again
SET lock_timeout = 0;
ALTER TABLE "User" ADD COLUMN "nick" TEXT;
-- hazard: long-lock-chain | found | a slow statement while another table is locked ACCESS EXCLUSIVE
ALTER TABLE "User" ADD COLUMN "nick" TEXT;
CREATE INDEX "Post_title_idx" ON "Post"("title");
-- hazard: data-backfill-in-migration | found | UPDATE of every row in the migration's transaction
UPDATE "User" SET "bio" = '';
-- hazard: data-backfill-in-migration | found | INSERT ... SELECT copies a whole table
INSERT INTO "Log" ("msg") SELECT "email" FROM "User";
-- hazard: data-backfill-in-migration | found | a WHERE that pins no key is still a backfill of most rows
UPDATE "User" SET "bio" = '' WHERE "bio" IS NULL;
-- hazard: truncate | found | TRUNCATE deletes every row
TRUNCATE "Log";
-- hazard: drop-schema-or-database | found | drops everything in it
DROP SCHEMA "archive" CASCADE;
-- hazard: table-rewrite-command | found | VACUUM FULL rewrites under ACCESS EXCLUSIVE
VACUUM FULL "User";
-- hazard: table-rewrite-command | found | CLUSTER rewrites under ACCESS EXCLUSIVE
CLUSTER "User" USING "User_pkey";
-- hazard: table-rewrite-command | found | REINDEX without CONCURRENTLY blocks writes
REINDEX TABLE "User";
-- hazard: table-rewrite-command | found | REINDEX (CONCURRENTLY false) is a plain REINDEX
REINDEX (CONCURRENTLY false) TABLE "User";
-- hazard: identifier-too-long | found | the index gets a truncated name
CREATE INDEX "User_email_name_age_seen_bio_role_and_a_few_more_words_to_pass_63_idx" ON "User"("email");
-- hazard: rename-enum-value | found | running clients still send the old label
ALTER TYPE "Role" RENAME VALUE 'ADMIN' TO 'ADMINISTRATOR';
-- hazard: missing-lock-timeout | found | DROP TRIGGER takes ACCESS EXCLUSIVE on an existing table
DROP TRIGGER "audit" ON "User";
-- hazard: missing-lock-timeout | found | LOCK TABLE ... IN ACCESS EXCLUSIVE MODE blocks everything
LOCK TABLE "User" IN ACCESS EXCLUSIVE MODE;
-- hazard: missing-lock-timeout | found | a lock_timeout of a minute is as good as none
SET lock_timeout = '60s';
ALTER TABLE "User" ADD COLUMN "nick" TEXT;
-- hazard: constraint-not-valid | found | VALIDATE in the transaction that added the constraint NOT VALID keeps its lock
ALTER TABLE "User" ADD COLUMN "nick" TEXT;
ALTER TABLE "User" ADD CONSTRAINT "User_age_check" CHECK ("age" > 0) NOT VALID;
ALTER TABLE "User" VALIDATE CONSTRAINT "User_age_check";
-- hazard: concurrently-in-transaction | found | DETACH PARTITION CONCURRENTLY cannot run in a transaction block
ALTER TABLE "Log" DETACH PARTITION "Log_2020" CONCURRENTLY;
SELECT 1;
-- hazard: unparsed-statement | found | a genuine syntax error is reported, not skipped
ALTER TABLE "User" ADD COLUMN "a" TEXT "b" TEXT;
-- hazard: table-rewrite-command | found | REINDEX (CONCURRENTLY off, VERBOSE) is a plain REINDEX too
REINDEX (CONCURRENTLY off, VERBOSE) INDEX "User_email_idx";
-- hazard: unique-constraint-locks | found | CONSTRAINT ... UNIQUE inline on ADD COLUMN is the same build
ALTER TABLE "Post" ADD COLUMN "slug" TEXT CONSTRAINT "Post_slug_key" UNIQUE;
-- hazard: long-lock-chain | found | VALIDATE while an ACCESS EXCLUSIVE lock on the same table is held
ALTER TABLE "Post" ADD COLUMN "nick" TEXT;
ALTER TABLE "Post" VALIDATE CONSTRAINT "Post_views_check";
-- hazard: volatile-default | found | a function created without IMMUTABLE or STABLE in the same file is VOLATILE
CREATE FUNCTION make_tag() RETURNS text LANGUAGE sql AS $$ SELECT md5(random()::text) $$;
ALTER TABLE "User" ADD COLUMN "tag" TEXT DEFAULT make_tag();
-- hazard: change-column-type | found | a type change without rewrite re-checks a CHECK on the column under ACCESS EXCLUSIVE
ALTER TABLE "User" ALTER COLUMN "name" SET DATA TYPE VARCHAR(20);
-- hazard: data-backfill-in-migration | found | UPDATE ... FROM ... WHERE joins, so it updates every matching row
UPDATE "Post" SET "title" = u."name" FROM "User" u WHERE "Post"."authorId" = u."id";
-- hazard: data-backfill-in-migration | found | a DELETE whose WHERE pins no key removes production rows
DELETE FROM "Post" WHERE "views" = 0;
-- hazard: create-index-non-concurrently | found | Prisma's @unique on an existing column fails on duplicates (23505)
CREATE UNIQUE INDEX "User_name_key" ON "User"("name");
-- hazard: create-index-non-concurrently | found | a unique index built CONCURRENTLY over existing values still fails on duplicates (and leaves an INVALID index)
CREATE UNIQUE INDEX CONCURRENTLY "User_name_key" ON "User"("name");
-- hazard: transaction-control-in-migration | found | a COMMIT mid-file keeps what precedes it when a later statement fails
ALTER TABLE "User" ADD COLUMN "nick" TEXT;
COMMIT;
ALTER TABLE "Post" ADD COLUMN "nick" TEXT;
-- hazard: transaction-control-in-migration | found | a BEGIN nothing closes leaves the transaction open
BEGIN;
ALTER TABLE "User" ADD COLUMN "nick" TEXT;
-- hazard: concurrently-in-transaction | found | DETACH PARTITION CONCURRENTLY inside BEGIN ... COMMIT fails with 25001
BEGIN;
ALTER TABLE "Log" DETACH PARTITION "Log_2020" CONCURRENTLY;
COMMIT;
