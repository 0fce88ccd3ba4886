//! failed-migration (rules/failed-migration.md): a migration the database recorded as started and never finished.

use insta::assert_snapshot;

use crate::support::case::Case;

const RULE: &str = "failed-migration";

const INVOICE: &str = r#"CREATE TABLE "Invoice" ("id" SERIAL NOT NULL, CONSTRAINT "Invoice_pkey" PRIMARY KEY ("id"));"#;

#[test]
fn bad_failed_row() {
    let case = Case::new(RULE).failed_as(INVOICE).migration(INVOICE);
    assert_snapshot!(case.bad());
}

#[test]
fn good_finished_row() {
    Case::new(RULE)
        .applied_in_database()
        .applied_as(INVOICE)
        .migration(INVOICE)
        .good();
}
