//! How a migration's statements group into transactions, and the suggestion that regroups them into migrations of
//! their own (for statements that cannot run inside a transaction block, or locks that should not be held together).

use super::MigrationContext;
use crate::fix::{locked, Placement, Suggestion};
use crate::ops::{OpKind, TransactionControl};
use crate::pg::locks::concurrent_kind;
use crate::syntax::parse::Statement;

/// Where an operation runs, transaction-wise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TxPos {
    /// Operations with the same id commit together, so locks taken by the first are held through the last.
    pub id: usize,
    /// Inside a transaction block (explicit, or the implicit one of a multi-statement file): CONCURRENTLY and
    /// (before PostgreSQL 12) `ADD VALUE` fail here.
    pub in_block: bool,
}

/// The transaction of every operation of the migration, index for index with `ctx.ops`. In a file sent as one batch,
/// a BEGIN turns the implicit transaction into an explicit one (same id), and a COMMIT or ROLLBACK ends it: the next
/// statement starts another implicit one, still a transaction block (observed on PostgreSQL 15; what that means for
/// the migration is transaction-control-in-migration's finding).
pub fn transactions(ctx: &MigrationContext) -> Vec<TxPos> {
    let implicit = ctx.settings.file_is_one_transaction() && ctx.statements.len() > 1;
    let mut out = Vec::with_capacity(ctx.ops.len());
    let mut next_id = 1;
    let mut current = 0;
    let mut explicit = false;
    for replayed in ctx.ops {
        match &replayed.op.kind {
            OpKind::Transaction(TransactionControl::Begin) => {
                if !implicit {
                    current = next_id;
                    next_id += 1;
                }
                explicit = true;
                out.push(TxPos {
                    id: current,
                    in_block: true,
                });
            }
            OpKind::Transaction(_) => {
                out.push(TxPos {
                    id: current,
                    in_block: true,
                });
                explicit = false;
                current = next_id;
                next_id += 1;
            }
            _ if explicit || implicit => out.push(TxPos {
                id: current,
                in_block: true,
            }),
            _ => {
                out.push(TxPos {
                    id: next_id,
                    in_block: false,
                });
                next_id += 1;
            }
        }
    }
    out
}

/// Statement text isolated by `isolate`: the CONCURRENTLY statements, alone.
pub fn alone_if_concurrent(
    ctx: &MigrationContext,
    statement: &Statement,
    text: &str,
) -> Option<Vec<String>> {
    ctx.ops
        .iter()
        .any(|r| statement.span.contains(&r.op.span.start) && concurrent_kind(&r.op.kind).is_some())
        .then(|| vec![text.to_string()])
}

/// A suggestion that replaces the whole migration with [`split_migration`]'s migrations.
pub fn split_suggestion(
    ctx: &MigrationContext,
    summary: &str,
    isolate: &dyn Fn(&Statement, &str) -> Option<Vec<String>>,
) -> Suggestion {
    let split = split_migration(ctx, isolate);
    let several = split.len() > 1;
    Suggestion::new(summary, Placement::ReplaceMigration, split).notes_if(
        several,
        "each migration below is a migration folder of its own, named to sort in this order",
    )
}

/// For [`split_suggestion`]: the statement holding byte `at` goes alone into a migration of its own.
pub fn alone_at(at: usize) -> impl Fn(&Statement, &str) -> Option<Vec<String>> {
    move |statement, text| statement.span.contains(&at).then(|| vec![text.to_string()])
}

/// The migration's statements regrouped into migrations: each statement `isolate` picks becomes the migration it
/// returns, the others stay together in their order, each group starting with `SET lock_timeout` unless it sets one.
/// BEGIN / COMMIT go: every migration file is its own transaction.
fn split_migration(
    ctx: &MigrationContext,
    isolate: &dyn Fn(&Statement, &str) -> Option<Vec<String>>,
) -> Vec<Vec<String>> {
    let has_op = |s: &Statement, pick: &dyn Fn(&OpKind) -> bool| {
        ctx.ops
            .iter()
            .any(|r| s.span.contains(&r.op.span.start) && pick(&r.op.kind))
    };
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut group: Vec<String> = Vec::new();
    let mut group_sets_timeout = false;
    let flush = |group: &mut Vec<String>, sets_timeout: &mut bool, out: &mut Vec<Vec<String>>| {
        if !group.is_empty() {
            let statements = std::mem::take(group);
            out.push(if *sets_timeout {
                statements
            } else {
                locked(statements)
            });
        }
        *sets_timeout = false;
    };
    for statement in ctx.statements {
        let text = format!(
            "{};",
            ctx.file
                .slice(&statement.span)
                .trim()
                .trim_end_matches(';')
                .trim_end()
        );
        if has_op(statement, &|k| matches!(k, OpKind::Transaction(_))) {
            continue;
        }
        if let Some(alone) = isolate(statement, &text) {
            flush(&mut group, &mut group_sets_timeout, &mut out);
            out.push(alone);
            continue;
        }
        group_sets_timeout |= has_op(
            statement,
            &|k| matches!(k, OpKind::Set { name, .. } if name == "lock_timeout"),
        );
        group.push(text);
    }
    flush(&mut group, &mut group_sets_timeout, &mut out);
    // A group left with nothing but settings changes nothing.
    out.retain(|m| !m.iter().all(|s| s.to_ascii_uppercase().starts_with("SET ")));
    out
}
