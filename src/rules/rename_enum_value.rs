//! `ALTER TYPE ... RENAME VALUE` on an enum that running clients use.

use super::{Category, Check, MigrationContext, Rule};
use crate::fix::{Placement, Suggestion};
use crate::ops::{quote_literal, ObjName, OpKind};
use crate::rules::diagnostic::{Finding, Severity};

pub const RULE: Rule = Rule {
    id: "rename-enum-value",
    default_severity: Severity::Error,
    enabled_by_default: true,
    category: Category::Correctness,
    summary: "RENAME VALUE breaks every running client that reads or writes the old value",
    doc: include_str!("../../rules/rename-enum-value.md"),
    checks: &[Check::Migration(check)],
};

fn check(ctx: &MigrationContext, out: &mut Vec<Finding>) {
    let mut created = Vec::new();
    for replayed in ctx.ops {
        match &replayed.op.kind {
            OpKind::CreateEnum { name, .. } => created.push(name.clone()),
            OpKind::RenameEnumValue { name, old, new } if !created.contains(name) => {
                out.push(ctx.finding(
                    replayed.op,
                    format!(
                        "renaming value '{old}' of {name} to '{new}' takes effect at once: every running instance \
                         of the current Prisma Client still sends '{old}' (rejected as invalid input) and fails to \
                         read rows holding '{new}'"
                    ),
                    Some(format!(
                        "expand and contract: ADD VALUE '{new}' in one migration, deploy code that writes '{new}' and \
                         reads both, migrate the rows, then remove '{old}' later; or keep the database value and \
                         rename only in Prisma with `@map(\"{old}\")`"
                    )),
                )
                .with_suggestion(|| suggest(name, old, new)));
            }
            _ => {}
        }
    }
}

/// Expand and contract: the new value next to the old one; or no database change at all, with `@map`.
fn suggest(name: &ObjName, old: &str, new: &str) -> Suggestion {
    Suggestion::new(
        format!("add {} next to {} and move the rows over in a later step", quote_literal(new), quote_literal(old)),
        Placement::Replace,
        vec![vec![format!("ALTER TYPE {name} ADD VALUE {};", quote_literal(new))]],
    )
    .note(format!(
        "then deploy code that writes {new} and reads both, update the rows holding {old} in batches (each column \
         of type {name}), and once nothing uses {old} remove it with Prisma's enum swap at a quiet moment",
        new = quote_literal(new),
        old = quote_literal(old)
    ))
    .alternative(
        Suggestion::new(
            "keep the database value: rename only the Prisma enum value",
            Placement::Replace,
            Vec::new(),
        )
        .note(format!("in schema.prisma write the value as `{new} @map(\"{old}\")`: no migration at all")),
    )
}
