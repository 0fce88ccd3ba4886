//! `TRUNCATE` of a table that held data before this migration.

use super::{Category, Check, OpContext, Rule};
use crate::fix::{batch_key, Placement, Suggestion};
use crate::ops::{ObjName, OpKind};
use crate::pg::locks::LockMode;
use crate::rules::diagnostic::{Finding, Severity};

pub const RULE: Rule = Rule {
    id: "truncate",
    default_severity: Severity::Error,
    enabled_by_default: true,
    category: Category::Correctness,
    summary: "TRUNCATE deletes every row of an existing table under an ACCESS EXCLUSIVE lock",
    doc: include_str!("../../rules/truncate.md"),
    checks: &[Check::Op(check)],
};

fn check(ctx: &OpContext, out: &mut Vec<Finding>) {
    let OpKind::Truncate { tables } = &ctx.op.kind else {
        return;
    };
    for table in tables.iter().filter(|t| ctx.is_preexisting(t)) {
        out.push(ctx.finding(
            format!(
                "TRUNCATE deletes every row of {table} for good, and takes {} while doing so",
                LockMode::AccessExclusive.describe(table)
            ),
            Some(
                "if the data really must go, delete it from a one-off script after a backup; a migration replays \
                 on every environment, including production"
                    .to_string(),
            ),
        )
    .with_suggestion(|| suggest(ctx, table)));
    }
}

/// The TRUNCATE leaves the migration; deleting the rows becomes a reviewed one-off job.
fn suggest(ctx: &OpContext, table: &ObjName) -> Suggestion {
    let key = batch_key(ctx.catalog, table);
    Suggestion::new(
        format!("keep {table}'s rows out of the migration: delete them from a one-off job if they must go"),
        Placement::Replace,
        Vec::new(),
    )
    .note(format!(
        "after a backup, run from a script until it deletes nothing: `DELETE FROM {table} WHERE {key} IN (SELECT \
         {key} FROM {table} LIMIT 1000);` (row locks only, reads and writes go on)"
    ))
}
