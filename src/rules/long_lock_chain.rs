//! Slow statements that run while an earlier ACCESS EXCLUSIVE lock of the same transaction is still held.

use super::transactions::{alone_if_concurrent, split_suggestion, transactions};
use super::{Category, Check, MigrationContext, Rule};
use crate::fix::{locked, with_concurrently, Suggestion};
use crate::ops::{ObjName, OpKind};
use crate::pg::locks::{is_slow, LockMode};
use crate::rules::diagnostic::{Finding, Severity};
use crate::syntax::parse::Statement;

pub const RULE: Rule = Rule {
    id: "long-lock-chain",
    default_severity: Severity::Warning,
    enabled_by_default: true,
    category: Category::Locking,
    summary:
        "an ACCESS EXCLUSIVE lock stays held while later slow statements of the same migration run",
    doc: include_str!("../../rules/long-lock-chain.md"),
    checks: &[Check::Migration(check)],
};

fn check(ctx: &MigrationContext, out: &mut Vec<Finding>) {
    let txs = transactions(ctx);
    // ACCESS EXCLUSIVE locks held so far: (table, transaction id, offset of the statement that took it; its line is
    // looked up only for a finding, as most files have none).
    let mut held: Vec<(ObjName, usize, usize)> = Vec::new();
    for (index, (replayed, tx)) in ctx.ops.iter().zip(&txs).enumerate() {
        let kind = &replayed.op.kind;
        let new = ctx.created.before(index);
        let locks = new.existing_locks(kind, ctx.catalog_before);
        let slow_on: Vec<&ObjName> = locks
            .iter()
            .filter(|(m, _)| *m != LockMode::RowExclusive || matches!(kind, OpKind::Dml { .. }))
            .map(|(_, t)| t)
            .collect();
        let old_type = match kind {
            OpKind::AlterColumnType { table, column, .. } => ctx
                .catalog_before
                .table(table)
                .and_then(|t| t.column(column))
                .map(|c| c.ty.text.as_str()),
            _ => None,
        };
        // Work on a table created in this migration is quick: the table is empty.
        let own_table_is_new = kind.table().is_some_and(|t| new.has_table(t));
        if !slow_on.is_empty()
            && !own_table_is_new
            && is_slow(
                kind,
                old_type,
                ctx.settings.postgres_version,
                ctx.catalog_before,
            )
        {
            if let Some((table, offset)) = validate_under_held_lock(ctx, kind, tx.id, &held) {
                let (line, _) = ctx.file.line_col(offset);
                out.push(ctx.finding(
                    replayed.op,
                    format!(
                        "VALIDATE CONSTRAINT checks every row of {table} while {}, taken on line {line}, is still \
                         held (the statements share one transaction): reads and writes of {table} wait for the whole \
                         check, so validating apart from the ADD gains nothing here",
                        LockMode::AccessExclusive.describe(table)
                    ),
                    Some(
                        "move VALIDATE CONSTRAINT into a migration file of its own, so it runs under SHARE UPDATE \
                         EXCLUSIVE only, which lets reads and writes go on"
                            .to_string(),
                    ),
                )
                .with_suggestion(|| suggest(ctx, &replayed.op.span)));
                return;
            }
            // Locks on other tables are the chain; another slow statement on the same table is its own rule's
            // business.
            let chained = held
                .iter()
                .find(|(t, id, _)| *id == tx.id && !slow_on.contains(&t));
            if let Some((table, _, offset)) = chained {
                let (line, _) = ctx.file.line_col(*offset);
                out.push(ctx.finding(
                    replayed.op,
                    format!(
                        "this slow statement runs while {}, taken on line {line}, is still held (the statements \
                         share one transaction), so {table} stays blocked for as long as this statement takes",
                        LockMode::AccessExclusive.describe(table)
                    ),
                    Some(
                        "split the migration: put the slow statement in its own migration file, so the quick \
                         ACCESS EXCLUSIVE change commits first and releases its lock"
                            .to_string(),
                    ),
                )
                .with_suggestion(|| suggest(ctx, &replayed.op.span)));
                return;
            }
        }
        for (mode, table) in locks {
            // A dropped table's queries fail after the commit anyway; its lock is not what hurts.
            let dropped = matches!(kind, OpKind::DropTable { .. });
            if mode == LockMode::AccessExclusive
                && !dropped
                && tx.in_block
                && !held.iter().any(|(t, _, _)| *t == table)
            {
                held.push((table, tx.id, replayed.op.span.start));
            }
        }
    }
}

/// A VALIDATE CONSTRAINT of a constraint that existed before this migration, on a table whose ACCESS EXCLUSIVE lock
/// this transaction already holds: its (table, offset of the statement that took the lock). A constraint added NOT
/// VALID in this migration is constraint-not-valid's finding; one already valid is not checked again.
fn validate_under_held_lock<'h>(
    ctx: &MigrationContext,
    kind: &OpKind,
    tx: usize,
    held: &'h [(ObjName, usize, usize)],
) -> Option<(&'h ObjName, usize)> {
    let OpKind::ValidateConstraint { table, name } = kind else {
        return None;
    };
    let not_valid = ctx
        .catalog_before
        .table(table)
        .is_some_and(|t| t.constraints.iter().any(|c| &c.name == name && c.not_valid));
    held.iter()
        .find(|(t, id, _)| not_valid && *id == tx && t == table)
        .map(|(t, _, offset)| (t, *offset))
}

/// The migration split at the slow statement, which gets a migration of its own (an index build CONCURRENTLY).
fn suggest(ctx: &MigrationContext, slow: &std::ops::Range<usize>) -> Suggestion {
    let isolate = |statement: &Statement, text: &str| {
        if !statement.span.contains(&slow.start) {
            return alone_if_concurrent(ctx, statement, text);
        }
        let index_build = ctx.ops.iter().any(|r| {
            statement.span.contains(&r.op.span.start)
                && matches!(&r.op.kind, OpKind::CreateIndex(_))
        });
        Some(match with_concurrently(text).filter(|_| index_build) {
            Some(concurrent) => vec![concurrent],
            None => locked([text.to_string()]),
        })
    };
    split_suggestion(
        ctx,
        "split the migration at the slow statement, so the ACCESS EXCLUSIVE change commits and releases its lock \
         first",
        &isolate,
    )
}
