//! A migration that queues for a traffic-blocking lock with no `lock_timeout`.

use super::transactions::{alone_if_concurrent, split_suggestion};
use super::{Category, Check, MigrationContext, Rule};
use crate::ops::{MaintenanceCommand, OpKind};
use crate::pg::locks::LockMode;
use crate::rules::diagnostic::{Finding, Severity};
use crate::rules::settings::duration_ms;

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
    // A timeout set earlier in the file that is longer than the ceiling: as good as none.
    let mut too_long: Option<&str> = None;
    for (index, replayed) in ctx.ops.iter().enumerate() {
        let kind = &replayed.op.kind;
        let new = ctx.created.before(index);
        if let OpKind::Set { name, value } = kind {
            if name == "lock_timeout" {
                // `0` disables the timeout again.
                if is_zero(value) {
                    too_long = None;
                    continue;
                }
                if duration_ms(value).is_some_and(|ms| ms > ctx.settings.max_lock_timeout_ms) {
                    too_long = Some(value);
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
            // A SELECT does not conflict with SHARE or SHARE ROW EXCLUSIVE (checked on PostgreSQL 15), only writers do.
            let waits_for = if *mode == LockMode::AccessExclusive {
                "if any transaction holds a lock on {table} (even a long SELECT)"
            } else {
                "if any transaction has written to {table} and not yet committed"
            }
            .replace("{table}", &table.to_string());
            let queued = if *mode == LockMode::AccessExclusive {
                "every query"
            } else {
                "every write"
            };
            let retry = format!(
                "if the lock is not granted in time the migration fails: mark it with `prisma migrate resolve \
                 --rolled-back {}` and deploy again at a quieter moment (Prisma sets no lock_timeout)",
                ctx.file.migration
            );
            // VACUUM cannot run in a transaction block, and a SET before it would make the file one.
            let alone = matches!(
                kind,
                OpKind::Maintenance {
                    command: MaintenanceCommand::VacuumFull,
                    ..
                }
            );
            let help = if alone {
                format!(
                    "set the timeout on the role that runs migrations (`ALTER ROLE <role> SET lock_timeout = \
                     '5s';`): VACUUM cannot run in a transaction block, so a SET in the same file breaks it; {retry}"
                )
            } else {
                format!("start the migration with `SET lock_timeout = '5s';` so it fails fast instead of stalling traffic; {retry}")
            };
            let finding = ctx.finding(
                replayed.op,
                format!(
                    "this statement needs {}, and {set}: {waits_for}, the migration waits for it, and {queued} on \
                     {table} queues behind the migration meanwhile",
                    mode.describe(table),
                    set = match too_long {
                        Some(v) => format!(
                            "the lock_timeout set before it ('{}') is longer than the {}ms ceiling (`max_lock_timeout`), \
                             as good as none",
                            v.trim_matches('\''),
                            ctx.settings.max_lock_timeout_ms
                        ),
                        None => "no lock_timeout is set".to_string(),
                    },
                ),
                Some(help),
            );
            // The plan below starts the file with a SET, which a VACUUM cannot follow: the help's role setting is the
            // whole advice there.
            if alone {
                out.push(finding);
                return;
            }
            out.push(finding.with_suggestion(||
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
