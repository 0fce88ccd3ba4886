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

mod change_column_type;
mod concurrently_in_transaction;
mod constraint_not_valid;
mod create_index_non_concurrently;
mod drop_column;
mod drop_index_non_concurrently;
mod drop_table;
mod enum_value_in_transaction;
mod fk_without_index;
mod not_null_without_default;
mod primary_key_locks;
mod rename_without_map;
mod set_not_null;
mod unique_constraint_locks;
mod volatile_default;
