//! `BEGIN`, `COMMIT` and `ROLLBACK` written into a migration file: they change which statements commit together.

use super::transactions::{alone_if_concurrent, split_suggestion};
use super::{Category, Check, MigrationContext, Rule};
use crate::fix::Suggestion;
use crate::ops::{OpKind, TransactionControl};
use crate::rules::diagnostic::{Finding, Severity};

pub const RULE: Rule = Rule {
    id: "transaction-control-in-migration",
    default_severity: Severity::Warning,
    enabled_by_default: true,
    category: Category::Correctness,
    summary:
        "COMMIT or ROLLBACK inside a migration, or a BEGIN nothing closes, changes what commits",
    doc: include_str!("../../rules/transaction-control-in-migration.md"),
    checks: &[Check::Migration(check)],
};

fn check(ctx: &MigrationContext, out: &mut Vec<Finding>) {
    let mut found = Vec::new();
    find(ctx, &mut found);
    out.extend(
        found
            .into_iter()
            .map(|f| f.with_suggestion(|| suggest(ctx))),
    );
}

/// The file without its BEGIN, COMMIT and ROLLBACK: one transaction, as Prisma runs it (CONCURRENTLY statements still
/// alone in migrations of their own).
fn suggest(ctx: &MigrationContext) -> Suggestion {
    split_suggestion(
        ctx,
        "drop BEGIN / COMMIT / ROLLBACK: the file then runs as the one transaction Prisma gives it",
        &|statement, text| alone_if_concurrent(ctx, statement, text),
    )
    .note(
        "if a COMMIT was there so that later statements could use enum values added before it, split the file at \
         the COMMIT into two migrations instead",
    )
}

fn find(ctx: &MigrationContext, out: &mut Vec<Finding>) {
    // Prisma before 7.4 sends a multi-statement file as one simple query: PostgreSQL runs it as one implicit
    // transaction, which a COMMIT or ROLLBACK ends and the next statement starts again (PostgreSQL 15, tests/truth.rs).
    let implicit = ctx.settings.file_is_one_transaction() && ctx.statements.len() > 1;
    let mut open_begin = None;
    for (index, replayed) in ctx.ops.iter().enumerate() {
        let OpKind::Transaction(control) = replayed.op.kind else {
            continue;
        };
        let work_after = ctx.ops[index + 1..]
            .iter()
            .any(|r| !matches!(r.op.kind, OpKind::Transaction(_)));
        match control {
            TransactionControl::Begin => open_begin = Some(replayed.op),
            TransactionControl::Commit => {
                if implicit && work_after {
                    out.push(ctx.finding(
                        replayed.op,
                        "COMMIT ends the transaction the file runs in (Prisma sends it as one batch): the statements \
                         before it stay committed even if a later one fails, so a failure leaves the migration \
                         half-applied (Prisma marks it failed; after `prisma migrate resolve --rolled-back`, the next \
                         deploy runs the committed statements again), and the statements after it run as a \
                         transaction of their own"
                            .to_string(),
                        Some(
                            "remove BEGIN and COMMIT (Prisma already runs the file as one transaction; it writes them \
                             around its own enum changes); if the COMMIT is there so that later statements can use \
                             enum values added before it, split the file at the COMMIT into two migrations instead"
                                .to_string(),
                        ),
                    ));
                }
                open_begin = None;
            }
            TransactionControl::Rollback => {
                if implicit || open_begin.is_some() {
                    out.push(ctx.finding(
                        replayed.op,
                        "ROLLBACK undoes every statement of the transaction before it, yet the batch succeeds: \
                         Prisma sends the whole file as one simple query and PostgreSQL returns no error for it, \
                         while the changes before the ROLLBACK are gone"
                            .to_string(),
                        Some(
                            "remove the ROLLBACK: a migration that should not apply its changes should not contain \
                             them"
                                .to_string(),
                        ),
                    ));
                }
                open_begin = None;
            }
        }
    }
    if let Some(begin) = open_begin {
        out.push(ctx.finding(
            begin,
            "BEGIN opens a transaction block that nothing in this file closes: the batch ends with the transaction \
             still open, so nothing of it is committed by the file (other sessions do not see the changes, and they \
             are gone if the connection closes first); if a statement fails, the session is left in an aborted \
             transaction where every later command fails with 25P02 until a ROLLBACK"
                .to_string(),
            Some(
                "remove the BEGIN (Prisma already runs a multi-statement file as one transaction), or end the file \
                 with COMMIT"
                    .to_string(),
            ),
        ));
    }
}
