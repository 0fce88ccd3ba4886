//! Maintenance commands that rebuild a table or its indexes under a blocking lock.

use super::{Category, Check, OpContext, Rule};
use crate::fix::{with_concurrently, Placement, Suggestion};
use crate::ops::{MaintenanceCommand, ObjName, OpKind};
use crate::pg::locks::LockMode;
use crate::rules::diagnostic::{Finding, Severity};

pub const RULE: Rule = Rule {
    id: "table-rewrite-command",
    default_severity: Severity::Warning,
    enabled_by_default: true,
    category: Category::Locking,
    summary:
        "VACUUM FULL, CLUSTER and REINDEX without CONCURRENTLY lock the table while rebuilding it",
    doc: include_str!("../../rules/table-rewrite-command.md"),
    checks: &[Check::Op(check)],
};

fn check(ctx: &OpContext, out: &mut Vec<Finding>) {
    let OpKind::Maintenance { command, target } = &ctx.op.kind else {
        return;
    };
    if target.as_ref().is_some_and(|t| !ctx.is_preexisting(t)) {
        return;
    }
    let on = match target {
        Some(t) => t.to_string(),
        None => "every table it covers".to_string(),
    };
    let (what, lock, help) = match command {
        MaintenanceCommand::VacuumFull => (
            "VACUUM FULL rewrites",
            LockMode::AccessExclusive,
            "use plain VACUUM (no lock on traffic), or pg_repack to compact a table online"
                .to_string(),
        ),
        MaintenanceCommand::Cluster => (
            "CLUSTER rewrites",
            LockMode::AccessExclusive,
            "skip CLUSTER in migrations; pg_repack can reorder a table online".to_string(),
        ),
        MaintenanceCommand::Reindex { concurrently: true } => return,
        MaintenanceCommand::Reindex {
            concurrently: false,
        } => (
            "REINDEX rebuilds the indexes of",
            LockMode::Share,
            if ctx.settings.postgres_version >= 12 {
                "use REINDEX ... CONCURRENTLY, alone in its own migration file".to_string()
            } else {
                "before PostgreSQL 12 there is no REINDEX CONCURRENTLY: create a new index CONCURRENTLY, drop the \
                 old one CONCURRENTLY and rename"
                    .to_string()
            },
        ),
    };
    let lock = match target {
        Some(t) => lock.describe(t),
        None => lock.describe_on("each table"),
    };
    out.push(
        ctx.finding(
            format!(
                "{what} {on} while holding {lock}{}, for as long as the rebuild takes",
                if matches!(command, MaintenanceCommand::Reindex { .. }) {
                    ", and queries that would read through an index being rebuilt wait too"
                } else {
                    ""
                }
            ),
            Some(help),
        )
        .with_suggestion(|| suggest(ctx, *command, target.as_ref())),
    );
}

/// REINDEX CONCURRENTLY alone in its migration; VACUUM FULL and CLUSTER leave the migration for pg_repack.
fn suggest(ctx: &OpContext, command: MaintenanceCommand, target: Option<&ObjName>) -> Suggestion {
    let on = target.map_or_else(|| "the table".to_string(), |t| t.to_string());
    let concurrent = with_concurrently(ctx.file.slice(&ctx.op.span));
    match (command, concurrent) {
        (MaintenanceCommand::Reindex { .. }, Some(statement)) if ctx.settings.postgres_version >= 12 => {
            Suggestion::new(
                format!("rebuild the indexes of {on} CONCURRENTLY, in a migration of its own"),
                Placement::Replace,
                vec![vec![statement]],
            )
            .note("REINDEX CONCURRENTLY cannot run in a transaction: keep it the only statement of its migration.sql")
        }
        (MaintenanceCommand::Reindex { .. }, _) => Suggestion::new(
            "rebuild the index without blocking writes",
            Placement::Replace,
            Vec::new(),
        )
        .note(
            "CREATE INDEX CONCURRENTLY a copy under a new name, DROP INDEX CONCURRENTLY the old one, then ALTER INDEX \
             ... RENAME TO the old name: three migrations, each of one statement",
        ),
        _ => Suggestion::new(
            format!("take the rewrite of {on} out of the migration"),
            Placement::Replace,
            Vec::new(),
        )
        .note(format!(
            "plain VACUUM (outside a migration; autovacuum usually suffices) reclaims space for reuse without \
             blocking traffic; to compact or reorder {on} online, use pg_repack (`pg_repack --table=...`)"
        )),
    }
}
