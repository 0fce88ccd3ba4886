//! Every rule as readable examples: `tests/rules/<rule_id>.rs` holds one rule's cases, `tests/rules/snapshots/` the
//! rendered diagnostics of its bad cases (`rules__<rule_id>__<case>.snap`, the human format without colour).
//!
//! A bad case must produce this rule's findings and no other rule's; its snapshot shows them whole. A good case must
//! produce none of this rule's findings. `Case` (tests/support/case.rs) also takes the history before (`setup`), more
//! migrations, settings and applied history.
//!
//! Adding a case is three lines in the rule's file:
//!
//! ```ignore
//! #[test]
//! fn bad_drops_a_column_that_existed() {
//!     assert_snapshot!(Case::new(RULE).setup(USER).migration(r#"ALTER TABLE "User" DROP COLUMN "name";"#).bad());
//! }
//! ```
//!
//! then `INSTA_UPDATE=always cargo test --test rules <rule_id>` writes the snapshot (or `cargo insta review`): read
//! it before committing, since a snapshot of a wrong finding is a bug, not a baseline. `cargo test --test rules
//! drop_column` runs one rule's cases.

#[path = "../support/mod.rs"]
mod support;

mod drop_column;
