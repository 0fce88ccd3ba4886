//! unparsed-statement (rules/unparsed-statement.md): a statement the SQL parser could not read.

use insta::assert_snapshot;

use crate::support::case::Case;

const RULE: &str = "unparsed-statement";

#[test]
fn bad_missing_comma() {
    let case =
        Case::new(RULE).migration(r#"CREATE TABLE "Note" ("id" TEXT NOT NULL "body" TEXT);"#);
    assert_snapshot!(case.bad());
}

#[test]
fn good_valid_sql() {
    Case::new(RULE)
        .migration(r#"CREATE TABLE "Note" ("id" TEXT NOT NULL, "body" TEXT);"#)
        .good();
}

/// Valid PostgreSQL that sqlparser rejects (`WHERE CURRENT OF` a cursor). A data change is read from its tokens (its
/// table, whether a WHERE bounds it) and never parsed, as are transaction control, SET, CREATE FUNCTION and the
/// maintenance commands: nothing a rule checks is missing.
#[test]
fn good_a_data_change_is_read_from_tokens_not_parsed() {
    Case::new(RULE)
        .migration(r#"UPDATE "Note" SET "body" = DEFAULT WHERE CURRENT OF "notes";"#)
        .good();
}

/// sqlparser rejects it; its tokens say all there is.
#[test]
fn good_drop_index_concurrently_is_read_from_tokens() {
    Case::new(RULE)
        .migration(r#"DROP INDEX CONCURRENTLY IF EXISTS "Note_body_idx";"#)
        .good();
}

/// A DO block's body is PL/pgSQL, opaque to the parser: the note says what was not checked, not a parser error.
#[test]
fn bad_do_block_is_partly_checked() {
    let case = Case::new(RULE).migration(
        r#"DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'Mood') THEN
    CREATE TYPE "Mood" AS ENUM ('HAPPY', 'SAD');
  END IF;
END
$$;"#,
    );
    assert_snapshot!(case.bad());
}
