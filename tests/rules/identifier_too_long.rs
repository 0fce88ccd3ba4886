//! identifier-too-long (rules/identifier-too-long.md): identifiers over PostgreSQL's 63 bytes, which it truncates.

use insta::assert_snapshot;

use crate::support::case::Case;

const RULE: &str = "identifier-too-long";

#[test]
fn bad_column_name_over_63_bytes() {
    let case = Case::new(RULE).migration(r#"CREATE TABLE "Subscription" ("id" TEXT NOT NULL, "organizationBillingAccountExternalReferenceIdentifierForInvoices" TEXT);"#);
    assert_snapshot!(case.bad());
}

/// 32 two-byte characters are 64 bytes.
#[test]
fn bad_counted_in_bytes_not_characters() {
    let case = Case::new(RULE)
        .migration(r#"CREATE TABLE "éééééééééééééééééééééééééééééééé" ("id" TEXT);"#);
    assert_snapshot!(case.bad());
}

#[test]
fn clean_exactly_63_bytes() {
    Case::new(RULE).migration(r#"CREATE TABLE "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" ("id" TEXT);"#).clean();
}

#[test]
fn good_short_names() {
    Case::new(RULE)
        .migration(r#"CREATE TABLE "Subscription" ("id" TEXT NOT NULL, "billingAccountRef" TEXT);"#)
        .good();
}

/// A long name that only refers to an existing index (its old name in a rename, a DROP) finds it all the same.
#[test]
fn good_long_names_that_only_refer_to_an_index() {
    let long = "a".repeat(70);
    Case::new(RULE)
        .migration(&format!(
            "ALTER INDEX \"{long}\" RENAME TO \"short_idx\";\nDROP INDEX IF EXISTS \"{long}\";"
        ))
        .good();
}
