//! `ALTER TYPE ... RENAME VALUE` on an enum that running clients use.

use super::{Category, Check, MigrationContext, Rule};
use crate::diagnostic::{Finding, Severity};
use crate::ops::OpKind;

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
                    &replayed.op,
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
                ));
            }
            _ => {}
        }
    }
}
