//! FOREIGN KEY or CHECK constraints validated in one go on a table that already has rows.

use super::locks::{transactions, LockMode, NewObjects};
use super::{Category, Check, MigrationContext, Rule};
use crate::diagnostic::{Finding, Severity};
use crate::ops::{display_ident, ConstraintKind, OpKind};

pub const RULE: Rule = Rule {
    id: "constraint-not-valid",
    default_severity: Severity::Warning,
    enabled_by_default: true,
    category: Category::Locking,
    summary: "ADD FOREIGN KEY / CHECK without NOT VALID checks every row while blocking writes (or all access)",
    doc: include_str!("../../rules/constraint-not-valid.md"),
    checks: &[Check::Migration(check)],
};

fn check(ctx: &MigrationContext, out: &mut Vec<Finding>) {
    let txs = transactions(ctx);
    let mut new = NewObjects::default();
    // NOT VALID constraints added in this migration: (table key, name, transaction id, lock mode).
    let mut not_valid_adds: Vec<(String, String, usize, LockMode)> = Vec::new();
    for (replayed, tx) in ctx.ops.iter().zip(&txs) {
        let kind = &replayed.op.kind;
        match kind {
            OpKind::AddConstraint {
                table,
                constraint,
                not_valid,
            } if !new.has_table(table) => {
                let (lock, locked) = match &constraint.kind {
                    ConstraintKind::ForeignKey { ref_table, .. } => (
                        LockMode::ShareRowExclusive,
                        // A referenced table created in this migration is empty and unused: its lock hurts no one.
                        if ref_table == table || new.has_table(ref_table) {
                            LockMode::ShareRowExclusive.describe(table)
                        } else {
                            LockMode::ShareRowExclusive
                                .describe_on(&format!("{table} and {ref_table}"))
                        },
                    ),
                    ConstraintKind::Check { .. } => (
                        LockMode::AccessExclusive,
                        LockMode::AccessExclusive.describe(table),
                    ),
                    _ => {
                        new.record(kind);
                        continue;
                    }
                };
                let what = match &constraint.kind {
                    ConstraintKind::ForeignKey { .. } => "FOREIGN KEY",
                    _ => "CHECK",
                };
                let name = constraint
                    .name
                    .as_deref()
                    .map(|n| format!(" {}", display_ident(n)))
                    .unwrap_or_default();
                if *not_valid {
                    if let Some(n) = &constraint.name {
                        not_valid_adds.push((table.key(), n.clone(), tx.id, lock));
                    }
                } else {
                    out.push(ctx.finding(
                        &replayed.op,
                        format!(
                            "adding {what}{name} to {table} checks every existing row while holding {locked}"
                        ),
                        Some(format!(
                            "add it with NOT VALID (instant; new rows are still checked), then run `ALTER TABLE \
                             {table} VALIDATE CONSTRAINT ...` in a later migration: validation only takes {}",
                            LockMode::ShareUpdateExclusive.name()
                        )),
                    ));
                }
            }
            OpKind::ValidateConstraint { table, name } => {
                let added = not_valid_adds
                    .iter()
                    .find(|(t, n, id, _)| *t == table.key() && n == name && *id == tx.id);
                if let Some((_, _, _, lock)) = added {
                    out.push(ctx.finding(
                        &replayed.op,
                        format!(
                            "VALIDATE CONSTRAINT {} runs in the same transaction that added it NOT VALID, so the \
                             lock taken by the ADD, {}, is still held while every row is checked: NOT VALID gains nothing",
                            display_ident(name),
                            lock.describe(table)
                        ),
                        Some(
                            "move VALIDATE CONSTRAINT into a later migration, so it runs in its own transaction \
                             under SHARE UPDATE EXCLUSIVE only"
                                .to_string(),
                        ),
                    ));
                }
            }
            _ => {}
        }
        new.record(kind);
    }
}
