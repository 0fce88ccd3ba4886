//! `CONCURRENTLY` (and `VACUUM`) where PostgreSQL refuses it: inside a transaction block.

use super::transactions::{alone_if_concurrent, split_suggestion, transactions};
use super::{Category, Check, MigrationContext, Rule};
use crate::fix::Suggestion;
use crate::pg::locks::concurrent_kind;
use crate::rules::diagnostic::{Finding, Severity};

pub const RULE: Rule = Rule {
    id: "concurrently-in-transaction",
    default_severity: Severity::Error,
    enabled_by_default: true,
    category: Category::Correctness,
    summary:
        "CONCURRENTLY or VACUUM inside a transaction (or a multi-statement Prisma migration) fails",
    doc: include_str!("../../rules/concurrently-in-transaction.md"),
    checks: &[Check::Migration(check)],
};

fn check(ctx: &MigrationContext, out: &mut Vec<Finding>) {
    let txs = transactions(ctx);
    let implicit = ctx.settings.file_is_one_transaction() && ctx.statements.len() > 1;
    for (replayed, tx) in ctx.ops.iter().zip(&txs) {
        let Some(what) = concurrent_kind(&replayed.op.kind) else {
            continue;
        };
        if !tx.in_block {
            continue;
        }
        let why = if implicit {
            let version = match ctx.settings.prisma_version {
                Some((a, b, c)) => format!("Prisma {a}.{b}.{c}"),
                None => "Prisma before 7.4 (set `prisma_version` in lint.toml if yours is newer)"
                    .to_string(),
            };
            format!(
                "this file has {} statements and {version} sends it as one transaction",
                ctx.statements.len()
            )
        } else {
            "it runs inside BEGIN ... COMMIT".to_string()
        };
        out.push(
            ctx.finding(
                replayed.op,
                format!(
                    "{what} cannot run inside a transaction block and {why}: the migration fails with \"cannot run \
                     inside a transaction block\" (SQLSTATE 25001) and is left marked as failed"
                ),
                Some(format!(
                    "move the {what} statement into a migration file of its own, with nothing else in it"
                )),
            )
            .with_suggestion(|| suggest(ctx)),
        );
    }
}

/// One migration per CONCURRENTLY statement, the other statements around them in order.
fn suggest(ctx: &MigrationContext) -> Suggestion {
    split_suggestion(
        ctx,
        "split the file: each CONCURRENTLY statement alone in a migration of its own, the rest around it in order",
        &|statement, text| alone_if_concurrent(ctx, statement, text),
    )
    .note(
        "each migration below is a migration folder of its own, named to sort in this order; if this migration \
         already failed somewhere, run `prisma migrate resolve --rolled-back <name>` there before deploying the split",
    )
}
