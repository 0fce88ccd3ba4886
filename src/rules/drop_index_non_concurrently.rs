//! `DROP INDEX` without `CONCURRENTLY` on an index of a table that already has rows.

use super::{Category, Check, MigrationContext, Rule};
use crate::fix::{Placement, Suggestion};
use crate::ops::OpKind;
use crate::pg::locks::{index_table, LockMode};
use crate::rules::diagnostic::{Finding, Severity};

pub const RULE: Rule = Rule {
    id: "drop-index-non-concurrently",
    default_severity: Severity::Warning,
    enabled_by_default: true,
    category: Category::Locking,
    summary: "DROP INDEX without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the table",
    doc: include_str!("../../rules/drop-index-non-concurrently.md"),
    checks: &[Check::Migration(check)],
};

fn check(ctx: &MigrationContext, out: &mut Vec<Finding>) {
    for (index_of_op, replayed) in ctx.ops.iter().enumerate() {
        let kind = &replayed.op.kind;
        let new = ctx.created.before(index_of_op);
        if let OpKind::DropIndex {
            index,
            concurrently: false,
        } = kind
        {
            let table = index_table(ctx.catalog_before, index);
            let is_new = new.has_index(index) || table.as_ref().is_some_and(|t| new.has_table(t));
            if !is_new {
                let lock = match &table {
                    Some(t) => LockMode::AccessExclusive.describe(t),
                    None => LockMode::AccessExclusive.describe_on("the index's table"),
                };
                out.push(ctx.finding(
                    replayed.op,
                    format!("DROP INDEX {index} takes {lock}; it waits for every running query on the table first, and everything queues behind it"),
                    Some(
                        "use DROP INDEX CONCURRENTLY, alone in its own migration file (CONCURRENTLY fails inside a \
                         transaction, and a multi-statement file runs as one)"
                            .to_string(),
                    ),
                )
                .with_suggestion(||
                    Suggestion::new(
                        format!("drop {index} CONCURRENTLY, in a migration of its own"),
                        Placement::Replace,
                        vec![vec![format!("DROP INDEX CONCURRENTLY {index};")]],
                    )
                    .note(
                        "the statement must be the only one in its migration.sql: CONCURRENTLY fails inside the \
                         transaction a multi-statement file runs as",
                    ),
                ));
            }
        }
    }
}
