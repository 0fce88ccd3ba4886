//! A migration that failed in the database and was never resolved.

use super::shared::steps_from_help;
use super::{Category, Check, HistoryContext, Rule};
use crate::input::applied::AppliedState;
use crate::rules::diagnostic::{Finding, Severity};

pub const RULE: Rule = Rule {
    enabled_by_default: true,
    id: "failed-migration",
    default_severity: Severity::Error,
    category: Category::Correctness,
    summary:
        "the database records a failed migration: `prisma migrate deploy` refuses to run (P3009)",
    doc: include_str!("../../rules/failed-migration.md"),
    checks: &[Check::History(check)],
};

fn check(ctx: &HistoryContext, out: &mut Vec<Finding>) {
    let first = out.len();
    find(ctx, out);
    steps_from_help(
        &mut out[first..],
        "repair the database, then record how the failed migration ended",
    );
}

fn find(ctx: &HistoryContext, out: &mut Vec<Finding>) {
    let Some(applied) = ctx.state.applied.as_deref() else {
        return;
    };
    // The first file of each name, looked up once per applied migration (a table can hold 100,000).
    let mut by_name = std::collections::HashMap::new();
    for (index, file) in ctx.files.iter().enumerate() {
        by_name.entry(file.migration.as_str()).or_insert(index);
    }
    for source in &applied.sources {
        for m in &source.migrations {
            let AppliedState::Failed { started_at } = &m.state else {
                continue;
            };
            let Some(&index) = by_name.get(m.name.as_str()) else {
                continue;
            };
            out.push(Finding {
                suggestion: None,
                suggestion_wanted: ctx.state.keep_suggestions,
                severity: None,
                file: index,
                span: ctx.files[index].line_span(1),
                message: format!(
                    "migration `{}` failed ({}, started {started_at}) and was neither finished nor rolled back: \
                     `prisma migrate deploy` stops with P3009 until it is resolved",
                    m.name, source.label
                ),
                help: Some(format!(
                    "check how far it got and repair the database by hand, then run `prisma migrate resolve \
                     --rolled-back {0}` to run the (fixed) file again, or `prisma migrate resolve --applied {0}` if \
                     you completed it by hand",
                    m.name
                )),
            });
        }
    }
}
