//! A new migration whose folder sorts before the newest applied one.

use std::collections::HashSet;

use super::shared::steps_from_help;
use super::{Category, Check, HistoryContext, Rule};
use crate::input::applied::checksum::matching_checksums;
use crate::input::applied::AppliedState;
use crate::rules::diagnostic::{Finding, Severity};

pub const RULE: Rule = Rule {
    enabled_by_default: true,
    id: "migration-out-of-order",
    default_severity: Severity::Warning,
    category: Category::Correctness,
    summary: "a new migration sorts before one that is already applied, so environments apply them in different orders",
    doc: include_str!("../../rules/migration-out-of-order.md"),
    checks: &[Check::History(check)],
};

fn check(ctx: &HistoryContext, out: &mut Vec<Finding>) {
    let first = out.len();
    find(ctx, out);
    steps_from_help(
        &mut out[first..],
        "rename the migration so it sorts after every applied one",
    );
}

fn find(ctx: &HistoryContext, out: &mut Vec<Finding>) {
    let Some(applied) = ctx.state.applied.as_deref() else {
        return;
    };
    let present: HashSet<&str> = ctx
        .files
        .iter()
        .filter(|f| !f.missing)
        .map(|f| f.migration.as_str())
        .collect();
    // Per source, computed once (it can list 100,000 migrations): the newest applied name, and the checksums of the
    // applied migrations that are gone from disk.
    let sources: Vec<_> = applied
        .sources
        .iter()
        .map(|source| {
            // A failed migration is not applied: once resolved it runs again, in folder order with the new one.
            let newest = source
                .migrations
                .iter()
                .filter(|m| m.state == AppliedState::Applied)
                .map(|m| m.name.as_str())
                .max();
            let gone: HashSet<&str> = source
                .migrations
                .iter()
                .filter(|m| !present.contains(m.name.as_str()))
                .map(|m| m.checksum.as_str())
                .collect();
            (source, newest, gone)
        })
        .collect();
    for (index, file) in ctx.files.iter().enumerate().filter(|(_, f)| !f.missing) {
        let late = sources.iter().find_map(|(source, newest, gone)| {
            if source.get(&file.migration).is_some() {
                return None;
            }
            let newest = (*newest)?;
            if file.migration.as_str() >= newest {
                return None;
            }
            // Same content as an applied migration that is gone: a rename, which edited-applied-migration reports.
            let renamed = matching_checksums(file.text.as_bytes())
                .iter()
                .any(|c| gone.contains(c.as_str()));
            (!renamed).then_some((newest, source.label.as_str()))
        });
        let Some((newest, label)) = late else {
            continue;
        };
        out.push(Finding {
            suggestion: None,
            suggestion_wanted: ctx.state.keep_suggestions,
            severity: None,
            file: index,
            span: file.line_span(1),
            message: format!(
                "new migration `{}` sorts before `{newest}`, which is already applied ({label}): existing databases \
                 run it after `{newest}`, fresh ones (and Prisma's shadow database) before it, so environments can \
                 end up with different schemas",
                file.migration
            ),
            help: Some(format!(
                "rename the folder so it sorts after `{newest}` (e.g. `prisma migrate dev` after rebasing gives it a \
                 current timestamp)"
            )),
        });
    }
}
