//! `DROP SCHEMA` / `DROP DATABASE` in a migration.

use super::{Category, Check, OpContext, Rule};
use crate::fix::{Placement, Suggestion};
use crate::ops::{ContainerKind, OpKind};
use crate::rules::diagnostic::{Finding, Severity};

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
        )
    .with_suggestion(|| suggest(what, name)));
    }
}

/// The DROP leaves the migration; what really is unused goes object by object.
fn suggest(what: &str, name: &dyn std::fmt::Display) -> Suggestion {
    Suggestion::new(
        format!("remove the {what} {name} from the migration"),
        Placement::Replace,
        Vec::new(),
    )
    .note(
        "expand and contract: first remove every model of it from schema.prisma and deploy; then, after a backup, \
         let Prisma generate the DROP TABLE of each unused table (each reviewed, see drop-table)",
    )
}
