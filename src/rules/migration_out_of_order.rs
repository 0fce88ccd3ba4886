//! A new migration whose folder sorts before the newest applied one.

use super::shared::steps_from_help;
use super::{Category, Check, HistoryContext, Rule};
use crate::input::applied::checksum::checksum_matches;
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
    let Some(applied) = ctx.settings.applied.as_deref() else {
        return;
    };
    for (index, file) in ctx.files.iter().enumerate().filter(|(_, f)| !f.missing) {
        let late = applied.sources.iter().find_map(|source| {
            if source.migrations.iter().any(|m| m.name == file.migration) {
                return None;
            }
            // A failed migration is not applied: once resolved it runs again, in folder order with the new one.
            let newest = source
                .migrations
                .iter()
                .filter(|m| m.state == AppliedState::Applied)
                .map(|m| m.name.as_str())
                .max()?;
            if file.migration.as_str() >= newest {
                return None;
            }
            // Same content as an applied migration that is gone: a rename, which edited-applied-migration reports.
            let renamed = source.migrations.iter().any(|m| {
                !ctx.files
                    .iter()
                    .any(|f| !f.missing && f.migration == m.name)
                    && checksum_matches(&m.checksum, file.text.as_bytes())
            });
            (!renamed).then_some((newest, source.label.as_str()))
        });
        let Some((newest, label)) = late else {
            continue;
        };
        out.push(Finding {
            suggestion: None,
            suggestion_wanted: ctx.settings.keep_suggestions,
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
