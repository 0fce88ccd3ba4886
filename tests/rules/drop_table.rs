//! drop-table (rules/drop-table.md): dropping a table that existed before the migration.

use insta::assert_snapshot;

use crate::support::case::Case;

const RULE: &str = "drop-table";

const SESSION: &str = r#"CREATE TABLE "Session" ("id" TEXT NOT NULL, "token" TEXT NOT NULL, CONSTRAINT "Session_pkey" PRIMARY KEY ("id"));"#;

#[test]
fn bad_drops_a_table_that_existed() {
    let case = Case::new(RULE).setup(SESSION).migration(
        r#"SET lock_timeout = '5s';
DROP TABLE "Session";
"#,
    );
    assert_snapshot!(case.bad());
}

#[test]
fn bad_drop_if_exists_of_a_table_that_exists() {
    let case = Case::new(RULE).setup(SESSION).migration(
        r#"SET lock_timeout = '5s';
DROP TABLE IF EXISTS "Session";
"#,
    );
    assert_snapshot!(case.bad());
}

#[test]
fn good_table_created_in_the_same_migration() {
    Case::new(RULE)
        .setup(SESSION)
        .migration(
            r#"SET lock_timeout = '5s';
CREATE TABLE "Scratch" ("id" TEXT NOT NULL);
DROP TABLE "Scratch";
"#,
        )
        .good();
}

/// The history may not hold every table (a squashed baseline, a table made by hand): only a table created in this
/// migration is known to be new.
#[test]
fn bad_table_the_history_never_created_counts_as_existing() {
    let case = Case::new(RULE)
        .setup(SESSION)
        .migration("SET lock_timeout = '5s';\nDROP TABLE \"Legacy\";");
    assert_snapshot!(case.bad());
}

/// `IF EXISTS` of a table the history never created says the author does not expect it to be there.
#[test]
fn good_drop_if_exists_of_a_table_the_history_never_created() {
    Case::new(RULE)
        .setup(SESSION)
        .migration("SET lock_timeout = '5s';\nDROP TABLE IF EXISTS \"Legacy\";")
        .good();
}

/// A table made by `SELECT ... INTO` earlier in the migration (inbox-zero's temp_created_rules) holds no one's rows.
#[test]
fn good_table_made_by_select_into_in_the_same_migration() {
    Case::new(RULE)
        .setup(SESSION)
        .migration(
            "SET lock_timeout = '5s';\nSELECT * INTO TEMP TABLE \"tmp\" FROM \"Session\";\nDROP TABLE \"tmp\";",
        )
        .good();
}
