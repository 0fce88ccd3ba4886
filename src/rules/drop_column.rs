//! Dropping a column that running application instances still read.

use super::shared::column_rename_pairs;
use super::{Category, Check, MigrationContext, Rule};
use crate::diagnostic::{Finding, Severity};
use crate::ops::{display_ident, OpKind};

pub const RULE: Rule = Rule {
    id: "drop-column",
    default_severity: Severity::Error,
    enabled_by_default: true,
    category: Category::Correctness,
    summary: "DROP COLUMN loses the data and breaks every running Prisma Client that still selects it",
    doc: include_str!("../../rules/drop-column.md"),
    checks: &[Check::Migration(check)],
};

fn check(ctx: &MigrationContext, out: &mut Vec<Finding>) {
    // A drop that pairs with an add is reported once, by rename-without-map.
    let renames = column_rename_pairs(ctx);
    for replayed in ctx.ops.iter().filter(|r| !r.only_new_objects()) {
        let OpKind::DropColumn { table, column } = &replayed.op.kind else {
            continue;
        };
        if renames.iter().any(|p| std::ptr::eq(p.dropped, replayed)) {
            continue;
        }
        out.push(ctx.finding(
            &replayed.op,
            format!(
                "dropping {table}.{col} deletes its data for good, and every running instance of the current \
                 Prisma Client still selects {col} by name: their queries on {table} fail from this moment \
                 until the new code is deployed everywhere",
                col = display_ident(column)
            ),
            Some(
                "expand and contract: first deploy code whose schema.prisma no longer has the field, then drop \
                 the column in a later migration"
                    .to_string(),
            ),
        ));
    }
}
