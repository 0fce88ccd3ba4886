//! schema.prisma and the migrations disagree: a change made without `prisma migrate dev` (or with `db push`), or SQL
//! the schema does not declare. Reported at the schema line, or at the migration that created the extra object.

use super::{Category, Check, HistoryContext, Rule};
use crate::catalog::Origin;
use crate::fix::Suggestion;
use crate::rules::diagnostic::{Finding, Severity};
use crate::rules::drift::compare::{differences, At, Difference};
use crate::rules::drift::expected::expected;
use crate::rules::drift::{Map, Set};
use crate::syntax::source::SourceFile;

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
    // Each place's group in `groups`: a hostile schema can have a difference on each of a million lines.
    let mut group_of: Map<At, usize> = Map::default();
    // Dynamic SQL (`EXECUTE` in a DO block) may rename or drop what it names, out of a static replay's sight.
    // Looked for only once a difference is found (most histories have none).
    let mut dynamic: Option<Set<&str>> = None;
    for difference in differences(&expected, ctx.catalog, ctx.files) {
        let dynamic = dynamic.get_or_insert_with(|| quoted_in(&dynamic_sql_lines(ctx.files)));
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
        match group_of.get(&at) {
            Some(&i) => groups[i].1.push(difference),
            None => {
                group_of.insert(at.clone(), groups.len());
                groups.push((at, vec![difference]));
            }
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

/// The lines of the history that start with the `EXECUTE` keyword (after blanks, and followed by a blank, quote, `$`
/// or `(`), as `str::lines` cuts them. memchr finds each `X`; where it is the second letter of the word, only the
/// blanks before the word are read back, and the line's end is looked for only when nothing else stands before it:
/// each file is read once, however many such words one line holds.
fn dynamic_sql_lines(files: &[SourceFile]) -> Vec<&str> {
    let mut lines = Vec::new();
    for file in files {
        let text = file.text.as_str();
        let bytes = text.as_bytes();
        for x in memchr::memchr2_iter(b'X', b'x', bytes) {
            let Some(word) = x.checked_sub(1) else {
                continue;
            };
            if !bytes
                .get(word..word + 7)
                .is_some_and(|w| w.eq_ignore_ascii_case(b"EXECUTE"))
            {
                continue;
            }
            // Back over blanks to the line's start (a line break is a blank too, and ends the walk).
            let before = text[..word]
                .char_indices()
                .rev()
                .find(|&(_, c)| c == '\n' || !c.is_whitespace());
            let start = match before {
                None => 0,
                Some((at, '\n')) => at + 1,
                Some(_) => continue,
            };
            // As `str::lines`: a `\r` goes with the `\n` after it.
            let end = match memchr::memchr(b'\n', &bytes[word..]).map(|i| word + i) {
                Some(n) if bytes[n - 1] == b'\r' => n - 1,
                Some(n) => n,
                None => bytes.len(),
            };
            // The word, one of the bytes that may follow it, and more after.
            if end > word + 8 && matches!(bytes[word + 7], b' ' | b'\t' | b'\'' | b'$' | b'(') {
                lines.push(&text[start..end]);
            }
        }
    }
    lines
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
/// What dynamic SQL lines quote: the text between each two quotes that follow each other. A name without quotes is
/// written `"name"` in a line exactly when it is one of these, so each difference looks its names up once, however
/// many lines and differences there are.
fn quoted_in<'a>(lines: &[&'a str]) -> Set<&'a str> {
    let mut quoted = Set::default();
    for line in lines {
        let quotes: Vec<usize> = memchr::memchr_iter(b'"', line.as_bytes()).collect();
        quoted.extend(quotes.windows(2).map(|pair| &line[pair[0] + 1..pair[1]]));
    }
    quoted
}

/// Whether a difference names (in quotes) an object that is not a table of the catalog and that dynamic SQL quotes.
fn touched_by_dynamic_sql(text: &str, dynamic: &Set<&str>, ctx: &HistoryContext) -> bool {
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
        .any(|name| dynamic.contains(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dynamic_sql_is_every_line_that_starts_with_execute_as_str_lines_cuts_them() {
        let text = "DO $$\nBEGIN\n  EXECUTE 'ALTER INDEX \"a\" RENAME TO \"b\"';\r\n\texecute(format('DROP INDEX %I', n));\n\
                    SELECT 1; EXECUTE 'x';\nEXECUTEx 'y';\n  EXECUTE \nExecute $q$ DROP TABLE \"t\" $q$;\nEND $$;\nEXECUTE 'z'";
        let file = SourceFile::new("m.sql".into(), "m.sql".into(), "m".into(), text.into());
        assert_eq!(
            dynamic_sql_lines(std::slice::from_ref(&file)),
            [
                "  EXECUTE 'ALTER INDEX \"a\" RENAME TO \"b\"';",
                "\texecute(format('DROP INDEX %I', n));",
                "Execute $q$ DROP TABLE \"t\" $q$;",
                "EXECUTE 'z'",
            ]
        );
    }
}
