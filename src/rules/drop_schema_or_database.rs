//! `DROP SCHEMA` / `DROP DATABASE` in a migration.

use super::{Category, Check, OpContext, Rule};
use crate::diagnostic::{Finding, Severity};
use crate::ops::{ContainerKind, OpKind};

pub const RULE: Rule = Rule {
    id: "drop-schema-or-database",
    default_severity: Severity::Error,
    enabled_by_default: true,
    category: Category::Correctness,
    summary: "DROP SCHEMA / DROP DATABASE deletes every object and row inside it",
    doc: include_str!("../../rules/drop-schema-or-database.md"),
    checks: &[Check::Op(check)],
};

fn check(ctx: &OpContext, out: &mut Vec<Finding>) {
    let OpKind::DropContainer { kind, names } = &ctx.op.kind else {
        return;
    };
    let what = match kind {
        ContainerKind::Schema => "DROP SCHEMA",
        ContainerKind::Database => "DROP DATABASE",
    };
    for name in names {
        out.push(ctx.finding(
            format!(
                "{what} {name} deletes every table, type and row it contains, for good, on every environment this \
                 migration reaches"
            ),
            Some(
                "never drop schemas or databases from a migration; if the objects are really unused, drop them one \
                 by one after a backup, where each drop is reviewed"
                    .to_string(),
            ),
        ));
    }
}
