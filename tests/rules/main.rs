//! Every rule as readable examples: `tests/rules/<rule_id>.rs` holds one rule's cases, `tests/rules/snapshots/` the
//! rendered diagnostics of its bad cases (`rules__<rule_id>__<case>.snap`: the human format, without colour).
//!
//! - `bad_*`: the rule fires and no other rule does; the snapshot shows its findings whole.
//! - `good_*`: the rule does not fire (others may); `clean_*`: nothing fires at all.
//! - `all_*`: how the rule meets others; the snapshot shows every finding.
//!
//! `Case` (tests/support/case.rs) takes the history before (`setup`), one or more migrations under test, settings
//! (`postgres`, `prisma`, `settings`) and applied history (`applied_as`, `failed_as`, `later`, `deleted`). Adding a
//! case is one test in the rule's file:
//!
//! ```ignore
//! #[test]
//! fn bad_drops_a_column_that_existed() {
//!     let case = Case::new(RULE).setup(USER).migration(r#"ALTER TABLE "User" DROP COLUMN "nickname";"#);
//!     assert_snapshot!(case.bad());
//! }
//! ```
//!
//! `INSTA_UPDATE=always cargo test --test rules <rule_id>` then writes its snapshot (without it, a new or changed one
//! lands beside it as `.snap.new` and the test fails; on CI it only fails). Read the snapshot before committing: a
//! snapshot of a wrong finding is a bug to fix, not a baseline. A new rule gets a file here and a `mod` line below.

#[path = "../support/mod.rs"]
mod support;

mod ban_char;
mod change_column_type;
mod concurrently_in_transaction;
mod constraint_not_valid;
mod create_index_non_concurrently;
mod data_backfill_in_migration;
mod drop_column;
mod drop_index_non_concurrently;
mod drop_schema_or_database;
mod drop_table;
mod edited_applied_migration;
mod enum_value_in_transaction;
mod failed_migration;
mod fk_without_index;
mod identifier_too_long;
mod ignore_without_reason;
mod long_lock_chain;
mod migration_out_of_order;
mod missing_lock_timeout;
mod not_null_without_default;
mod prefer_bigint;
mod prefer_text;
mod prefer_timestamptz;
mod primary_key_locks;
mod rename_enum_value;
mod rename_without_map;
mod set_not_null;
mod table_rewrite_command;
mod transaction_control_in_migration;
mod truncate;
mod unique_constraint_locks;
mod unparsed_statement;
mod unused_ignore;
mod volatile_default;

use support::lint::RULES;

/// Every registered rule has a file here, with at least one bad and one good case, whose `RULE` is that rule.
#[test]
fn every_rule_has_bad_and_good_examples() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/rules");
    for rule in RULES {
        let file = dir.join(format!("{}.rs", rule.id.replace('-', "_")));
        let text = std::fs::read_to_string(&file)
            .unwrap_or_else(|_| panic!("{}: no {}", rule.id, file.display()));
        assert!(text.contains("fn bad_"), "{}: no bad case", rule.id);
        assert!(
            text.contains("fn good_") || text.contains("fn clean_"),
            "{}: no good case",
            rule.id
        );
        assert!(
            text.contains(&format!("const RULE: &str = \"{}\";", rule.id)),
            "{}: RULE names another rule",
            rule.id
        );
    }
}

/// Every snapshot belongs to a case that still exists (a renamed or deleted case leaves its old snapshot behind).
#[test]
fn every_snapshot_has_its_case() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/rules");
    for entry in std::fs::read_dir(dir.join("snapshots")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let Some(stem) = name.strip_suffix(".snap") else {
            continue;
        };
        let (module, case) = stem
            .strip_prefix("rules__")
            .and_then(|rest| rest.split_once("__"))
            .unwrap_or_else(|| panic!("{name}: not rules__<rule_id>__<case>.snap"));
        let text = std::fs::read_to_string(dir.join(format!("{module}.rs"))).unwrap_or_default();
        assert!(
            text.contains(&format!("fn {case}()")),
            "{name}: no case `{case}` in tests/rules/{module}.rs"
        );
    }
}
