//! schema.prisma and the migrations disagree: a change made without `prisma migrate dev` (or with `db push`), or SQL
//! the schema does not declare. Reported at the schema line, or at the migration that created the extra object.

use super::{Category, Check, HistoryContext, Rule};
use crate::catalog::Origin;
use crate::fix::Suggestion;
use crate::rules::diagnostic::{Finding, Severity};
use crate::rules::drift::compare::{differences, At, Difference};
use crate::rules::drift::expected::expected;

pub const RULE: Rule = Rule {
    id: "schema-drift",
    default_severity: Severity::Error,
    enabled_by_default: true,
    category: Category::Correctness,
    summary: "schema.prisma declares what no migration creates, or the migrations create what it does not declare",
    doc: include_str!("../../rules/schema-drift.md"),
    checks: &[Check::History(check)],
};

fn check(ctx: &HistoryContext, out: &mut Vec<Finding>) {
    let Some(found) = ctx.state.schema.as_deref() else {
        return;
    };
    let expected = expected(&found.schema);
    let mut groups: Vec<(At, Vec<Difference>)> = Vec::new();
    // Dynamic SQL (`EXECUTE` in a DO block) may rename or drop what it names, out of a static replay's sight.
    // Looked for only once a difference is found (most histories have none).
    let mut dynamic: Option<Vec<&str>> = None;
    for difference in differences(&expected, ctx.catalog, ctx.files) {
        let dynamic = dynamic.get_or_insert_with(|| dynamic_sql_lines(ctx));
        if touched_by_dynamic_sql(&difference.text, dynamic, ctx) {
            continue;
        }
        // An object created in a migration this run does not report is shown at the schema's first line.
        let at = match &difference.at {
            At::Migration(origin) if !ctx.report.get(origin.file).copied().unwrap_or(false) => {
                At::Schema(crate::rules::drift::expected::Place { file: 0, line: 1 })
            }
            at => at.clone(),
        };
        match groups.iter_mut().find(|(a, _)| *a == at) {
            Some((_, list)) => list.push(difference),
            None => groups.push((at, vec![difference])),
        }
    }
    for (at, list) in groups {
        let (file, span) = match &at {
            At::Schema(place) => {
                let Some(source) = found.sources.get(place.file) else {
                    continue;
                };
                (ctx.files.len() + place.file, source.line_span(place.line))
            }
            At::Migration(origin) => (origin.file, origin.span.clone()),
        };
        let texts: Vec<String> = list
            .iter()
            .map(|d| match (&at, &d.at) {
                (At::Schema(_), At::Migration(origin)) => {
                    format!("{} (in migration {})", d.text, migration_name(ctx, origin))
                }
                _ => d.text.clone(),
            })
            .collect();
        let only_extra = list.iter().all(|d| matches!(d.at, At::Migration(_)));
        let name = migration_suggestion(&list);
        let command = format!("npx prisma migrate dev --name {name}");
        let help = if only_extra {
            format!(
                "the next `prisma migrate dev` drops or changes it: declare it in schema.prisma, or run `{command}` \
                 to write the migration that removes it"
            )
        } else {
            format!("run `{command}` and commit the migration it writes")
        };
        out.push(
            Finding {
                file,
                span,
                message: texts.join("; "),
                help: Some(help),
                suggestion: None,
                suggestion_wanted: ctx.state.keep_suggestions,
                severity: None,
            }
            .with_suggestion(|| Suggestion::notes_only(format!("run `{command}`"))),
        );
    }
}

/// The lines of the history that start with the `EXECUTE` keyword; only files that spell it are read line by line.
fn dynamic_sql_lines<'a>(ctx: &HistoryContext<'a>) -> Vec<&'a str> {
    ctx.files
        .iter()
        .filter(|f| spells_execute(&f.text))
        .flat_map(|f| f.text.lines())
        .filter(|line| {
            let line = line.trim_start().as_bytes();
            line.len() > 8
                && line[..7].eq_ignore_ascii_case(b"EXECUTE")
                && matches!(line[7], b' ' | b'\t' | b'\'' | b'$' | b'(')
        })
        .collect()
}

/// Whether `EXECUTE` (any case) is in the text: found from its `X`, the rarer letter, with memchr.
fn spells_execute(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr2_iter(b'X', b'x', bytes).any(|at| {
        at.checked_sub(1)
            .and_then(|start| bytes.get(start..start + 7))
            .is_some_and(|word| word.eq_ignore_ascii_case(b"EXECUTE"))
    })
}

/// A migration name for the command: what the first difference is about, in Prisma's snake case.
fn migration_suggestion(list: &[Difference]) -> String {
    if list.iter().all(|d| d.missing_in_migrations) {
        "add_missing_schema_changes".into()
    } else {
        "sync_schema".into()
    }
}

fn migration_name(ctx: &HistoryContext, origin: &Origin) -> String {
    ctx.files
        .get(origin.file)
        .map_or_else(String::new, |f| f.migration.clone())
}

/// Whether an index, key or type the difference names in quotes (not a table) is named on a line of dynamic SQL:
/// formbricks renames a foreign key and an index with `EXECUTE '...'` inside a DO block, when they exist.
fn touched_by_dynamic_sql(text: &str, dynamic: &[&str], ctx: &HistoryContext) -> bool {
    if dynamic.is_empty() {
        return false;
    }
    text.split('"')
        .skip(1)
        .step_by(2)
        .filter(|name| !name.is_empty())
        .filter(|name| {
            ctx.catalog
                .table(&crate::ops::ObjName::bare(*name))
                .is_none()
        })
        .any(|name| dynamic.iter().any(|t| t.contains(&format!("\"{name}\""))))
}
