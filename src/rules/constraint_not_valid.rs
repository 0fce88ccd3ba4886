//! FOREIGN KEY or CHECK constraints validated in one go on a table that already has rows.

use super::transactions::transactions;
use super::transactions::{alone_at, split_suggestion};
use super::{Category, Check, MigrationContext, Rule};
use crate::fix::{locked, object_name, Placement, Suggestion};
use crate::ops::{display_ident, quote_ident, Constraint, ConstraintKind, ObjName, OpKind};
use crate::pg::locks::LockMode;
use crate::rules::diagnostic::{Finding, Severity};

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
    // NOT VALID constraints added in this migration: (table key, name, transaction id, lock mode).
    let mut not_valid_adds: Vec<(String, String, usize, LockMode)> = Vec::new();
    for (index, (replayed, tx)) in ctx.ops.iter().zip(&txs).enumerate() {
        let kind = &replayed.op.kind;
        let new = ctx.created.before(index);
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
                        replayed.op,
                        format!(
                            "adding {what}{name} to {table} checks every existing row while holding {locked}"
                        ),
                        Some(format!(
                            "add it with NOT VALID (instant; new rows are still checked), then run `ALTER TABLE \
                             {table} VALIDATE CONSTRAINT ...` in a later migration: validation only takes {}",
                            LockMode::ShareUpdateExclusive.name()
                        )),
                    )
                    .with_suggestion(|| suggest_not_valid(ctx.file.slice(&replayed.op.span), table, constraint)));
                }
            }
            OpKind::ValidateConstraint { table, name } => {
                let added = not_valid_adds
                    .iter()
                    .find(|(t, n, id, _)| *t == table.key() && n == name && *id == tx.id);
                if let Some((_, _, _, lock)) = added {
                    out.push(ctx.finding(
                        replayed.op,
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
                    )
                    .with_suggestion(|| suggest_later_validate(ctx, &replayed.op.span)));
                }
            }
            _ => {}
        }
    }
}

/// ADD ... NOT VALID (quick), then VALIDATE CONSTRAINT in the next migration (SHARE UPDATE EXCLUSIVE only).
fn suggest_not_valid(clause: &str, table: &ObjName, constraint: &Constraint) -> Suggestion {
    let clause = clause.trim().trim_end_matches(';').trim_end();
    let mut statement = if clause.to_ascii_lowercase().starts_with("alter") {
        clause.to_string()
    } else {
        format!("ALTER TABLE {table} {clause}")
    };
    let name = match &constraint.name {
        Some(name) => name.clone(),
        None => {
            let (columns, suffix) = match &constraint.kind {
                ConstraintKind::ForeignKey { columns, .. } => (columns.clone(), "fkey"),
                _ => (Vec::new(), "check"),
            };
            let parts: Vec<&str> = columns.iter().map(String::as_str).collect();
            let name = object_name(&table.name, &parts, suffix);
            // Name it, so the next migration can validate it by name.
            if let Some(at) = statement.to_ascii_lowercase().find("add ") {
                statement.insert_str(at + 4, &format!("CONSTRAINT {} ", quote_ident(&name)));
            }
            name
        }
    };
    Suggestion::new(
        format!("add {} NOT VALID, then validate it in the next migration", display_ident(&name)),
        Placement::Replace,
        vec![
            locked([format!("{statement} NOT VALID;")]),
            vec![format!("ALTER TABLE {table} VALIDATE CONSTRAINT {};", quote_ident(&name))],
        ],
    )
    .note(
        "NOT VALID is instant and new rows are checked at once; VALIDATE CONSTRAINT then checks the existing rows \
         under SHARE UPDATE EXCLUSIVE, so reads and writes continue. schema.prisma needs no change",
    )
}

/// The same migration with the VALIDATE moved into a migration of its own, after the one that adds it.
fn suggest_later_validate(ctx: &MigrationContext, validate: &std::ops::Range<usize>) -> Suggestion {
    split_suggestion(
        ctx,
        "commit the NOT VALID constraint first: VALIDATE CONSTRAINT in a migration of its own",
        &alone_at(validate.start),
    )
}
