//! A migration that queues for a traffic-blocking lock with no `lock_timeout`.

use super::transactions::{alone_if_concurrent, split_suggestion};
use super::{Category, Check, MigrationContext, Rule};
use crate::ops::OpKind;
use crate::rules::diagnostic::{Finding, Severity};

pub const RULE: Rule = Rule {
    id: "missing-lock-timeout",
    default_severity: Severity::Warning,
    enabled_by_default: true,
    category: Category::Locking,
    summary: "a blocking lock on an existing table without an earlier SET lock_timeout",
    doc: include_str!("../../rules/missing-lock-timeout.md"),
    checks: &[Check::Migration(check)],
};

fn check(ctx: &MigrationContext, out: &mut Vec<Finding>) {
    for (index, replayed) in ctx.ops.iter().enumerate() {
        let kind = &replayed.op.kind;
        let new = ctx.created.before(index);
        if let OpKind::Set { name, value } = kind {
            if name == "lock_timeout" {
                // `0` disables the timeout again.
                if is_zero(value) {
                    continue;
                }
                return;
            }
        }
        let locks = new.existing_locks(kind, ctx.catalog_before);
        if let Some((mode, table)) = locks
            .iter()
            .filter(|(m, _)| m.blocks_traffic())
            .max_by_key(|(m, _)| *m)
        {
            out.push(ctx.finding(
                replayed.op,
                format!(
                    "this statement needs {}, and no lock_timeout is set: if any transaction holds a lock on \
                     {table} (even a long SELECT), the migration waits for it, and every query on {table} queues \
                     behind the migration meanwhile",
                    mode.describe(table)
                ),
                Some(
                    "start the migration with `SET lock_timeout = '5s';` so it fails fast instead of stalling \
                     traffic, and retry it later (Prisma sets no lock_timeout)"
                        .to_string(),
                ),
            )
            .with_suggestion(||
                split_suggestion(ctx, "start the migration with SET lock_timeout", &|statement, text| {
                    alone_if_concurrent(ctx, statement, text)
                })
                .note(format!(
                    "if the lock is not granted within 5s the migration fails instead of stalling traffic: run \
                     `prisma migrate resolve --rolled-back {}` and deploy again at a quieter moment",
                    ctx.file.migration
                )),
            ));
            return;
        }
    }
}

fn is_zero(value: &str) -> bool {
    let v = value.trim().trim_matches('\'').trim();
    v.trim_end_matches(|c: char| c.is_ascii_alphabetic()).trim() == "0"
}
