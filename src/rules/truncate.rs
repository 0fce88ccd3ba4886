//! `TRUNCATE` of a table that held data before this migration.

use super::locks::LockMode;
use super::{Category, Check, OpContext, Rule};
use crate::diagnostic::{Finding, Severity};
use crate::ops::OpKind;

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
        ));
    }
}
