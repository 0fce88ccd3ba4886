//! Dropping a table that running application instances still use.

use super::shared::{if_exists, table_rename_pairs};
use super::{Category, Check, MigrationContext, Rule};
use crate::fix::{Placement, SchemaIntent, Suggestion, LOCK_TIMEOUT};
use crate::ops::{ObjName, OpKind};
use crate::rules::diagnostic::{Finding, Severity};

pub const RULE: Rule = Rule {
    id: "drop-table",
    default_severity: Severity::Error,
    enabled_by_default: true,
    category: Category::Correctness,
    summary: "DROP TABLE loses the data and breaks every running Prisma Client that queries it",
    doc: include_str!("../../rules/drop-table.md"),
    checks: &[Check::Migration(check)],
};

fn check(ctx: &MigrationContext, out: &mut Vec<Finding>) {
    // A drop that pairs with a create of the same shape is reported once, by rename-without-map.
    let renames = table_rename_pairs(ctx);
    for replayed in ctx.ops.iter().filter(|r| !r.new_table) {
        let OpKind::DropTable { table } = &replayed.op.kind else {
            continue;
        };
        if renames.iter().any(|p| std::ptr::eq(p.dropped, replayed)) {
            continue;
        }
        // `DROP TABLE IF EXISTS` of a table no migration made: nothing of the history is lost (at most a table made
        // outside it, which the statement itself expects may not be there).
        if ctx.catalog_before.table(table).is_none() && if_exists(ctx, replayed.op) {
            continue;
        }
        out.push(ctx.finding(
            replayed.op,
            format!(
                "dropping {table} deletes all its rows for good, and every running instance of the current \
                 Prisma Client that queries {table} fails from this moment until the new code is deployed \
                 everywhere"
            ),
            Some(
                "expand and contract: first deploy code that no longer uses the model (or mark it `@@ignore`), \
                 then drop the table in a later migration"
                    .to_string(),
            ),
        )
        .with_suggestion(|| suggest(table)));
    }
}

/// Expand and contract: hide the model (`@@ignore`) and deploy; drop the table in a later release.
fn suggest(table: &ObjName) -> Suggestion {
    Suggestion::new(
        format!("keep {table} for now: mark the model `@@ignore` and deploy, then drop the table in a later release"),
        Placement::Replace,
        vec![vec![LOCK_TIMEOUT.to_string(), format!("DROP TABLE {table};")]],
    )
    .later_from(0)
    .schema(SchemaIntent::IgnoreModel {
        table: table.clone(),
    })
    .note(format!(
        "remove the DROP TABLE from this migration; the DROP ships in a later release, once no running instance \
         queries {table}, together with removing the model from schema.prisma"
    ))
}
