//! A migration that is already applied was edited, deleted or renamed.

use std::collections::{HashMap, HashSet};

use super::shared::steps_from_help;
use super::{Category, Check, HistoryContext, Rule};
use crate::input::applied::checksum::{checksum_hex, checksum_matches, matching_checksums};
use crate::input::applied::diff::line_diff;
use crate::input::applied::{AppliedMigration, AppliedState};
use crate::rules::diagnostic::{Finding, Severity};
use crate::syntax::source::SourceFile;

pub const RULE: Rule = Rule {
    enabled_by_default: true,
    id: "edited-applied-migration",
    default_severity: Severity::Error,
    category: Category::Correctness,
    summary:
        "an applied migration was edited, deleted or renamed: databases and the files disagree",
    doc: include_str!("../../rules/edited-applied-migration.md"),
    checks: &[Check::History(check)],
};

fn check(ctx: &HistoryContext, out: &mut Vec<Finding>) {
    let first = out.len();
    find(ctx, out);
    steps_from_help(
        &mut out[first..],
        "put the applied migration back as it was applied; make the change in a new migration",
    );
}

fn find(ctx: &HistoryContext, out: &mut Vec<Finding>) {
    let Some(applied) = ctx.state.applied.as_deref() else {
        return;
    };
    let on_disk = |f: &&SourceFile| !f.missing;
    // Files by name, looked up once per applied migration: a table can hold 100,000 of them.
    let (mut present, mut placeholders) = (HashSet::new(), HashMap::new());
    for (index, file) in ctx.files.iter().enumerate() {
        if file.missing {
            placeholders.entry(file.migration.as_str()).or_insert(index);
        } else {
            present.insert(file.migration.as_str());
        }
    }
    // Edited: same name, other content. One finding per file, naming every source that disagrees.
    for (index, file) in ctx.files.iter().enumerate().filter(|(_, f)| on_disk(f)) {
        let mismatches: Vec<(&str, &AppliedMigration)> = applied
            .sources
            .iter()
            .filter_map(|s| {
                let m = s.get(&file.migration)?;
                let edited = m.state == AppliedState::Applied
                    && !checksum_matches(&m.checksum, file.text.as_bytes());
                edited.then_some((s.label.as_str(), m))
            })
            .collect();
        let Some((_, first)) = mismatches.first() else {
            continue;
        };
        let labels: Vec<&str> = mismatches.iter().map(|(l, _)| *l).collect();
        let diff = mismatches
            .iter()
            .find_map(|(_, m)| m.text.as_deref())
            .map(|old| line_diff(old, &file.text));
        let (summary, line) = match diff {
            Some(d) if d.added + d.removed == 0 => (
                "; no line changed, only the bytes at the end of the file".to_string(),
                d.first_changed_line,
            ),
            Some(d) => (
                format!(
                    "; {}{} line{} added, {} removed, first change at line {}",
                    if d.exact { "" } else { "at most " },
                    d.added,
                    if d.added == 1 { "" } else { "s" },
                    d.removed,
                    d.first_changed_line
                ),
                d.first_changed_line,
            ),
            None => (String::new(), 1),
        };
        out.push(Finding {
            suggestion: None,
            suggestion_wanted: ctx.state.keep_suggestions,
            severity: None,
            file: index,
            span: file.line_span(line),
            message: format!(
                "migration `{}` was edited after it was applied ({}){summary}; applied checksum {}, file checksum {}",
                file.migration,
                labels.join(", "),
                first.checksum,
                checksum_hex(file.text.as_bytes()),
            ),
            help: Some(help(&file.migration, &file.display, &labels)),
        });
    }

    // Deleted or renamed: applied names with no file. A new file with the same content is the same migration renamed.
    let mut seen = HashSet::new();
    for source in &applied.sources {
        // The files this source has no entry for, by every checksum that matches them (the first file wins).
        let mut new_files: HashMap<String, usize> = HashMap::new();
        for (index, file) in ctx.files.iter().enumerate() {
            if !file.missing && source.get(&file.migration).is_none() {
                for checksum in matching_checksums(file.text.as_bytes()) {
                    new_files.entry(checksum).or_insert(index);
                }
            }
        }
        for m in source
            .migrations
            .iter()
            .filter(|m| m.state == AppliedState::Applied)
        {
            if present.contains(m.name.as_str()) {
                continue;
            }
            let renamed = new_files
                .get(&m.checksum)
                .map(|&index| (index, &ctx.files[index]));
            let finding = match renamed {
                Some((index, file)) => Finding {
                    suggestion: None,
                    suggestion_wanted: ctx.state.keep_suggestions,
                    severity: None,
                    file: index,
                    span: file.line_span(1),
                    message: format!(
                        "migration `{}` is the applied migration `{}` renamed ({}): Prisma finds `{}` missing \
                         and runs `{}` again as a new migration",
                        file.migration, m.name, source.label, m.name, file.migration
                    ),
                    help: Some(format!(
                        "rename the folder back to `{}`; a migration's name is its identity once applied",
                        m.name
                    )),
                },
                None => {
                    let Some(&index) = placeholders.get(m.name.as_str()) else {
                        continue;
                    };
                    Finding {
                        suggestion: None,
                        suggestion_wanted: ctx.state.keep_suggestions,
                        severity: None,
                        file: index,
                        span: 0..0,
                        message: format!(
                            "applied migration `{}` was deleted ({}): fresh databases no longer get its changes, \
                             and `prisma migrate dev` reports the history as diverged",
                            m.name, source.label
                        ),
                        help: Some(format!(
                            "restore `{}` unchanged from version control; to undo what it did, write a new migration",
                            m.name
                        )),
                    }
                }
            };
            if seen.insert((finding.file, finding.message.clone())) {
                out.push(finding);
            }
        }
    }
}

fn help(name: &str, path: &str, sources: &[&str]) -> String {
    let base = sources
        .iter()
        .find_map(|s| s.strip_prefix("git ref "))
        .unwrap_or("<base>");
    format!(
        "restore the applied content (`git checkout {base} -- {path}`) and write a new migration for the change \
         instead: databases that already ran `{name}` never see the edit, and `prisma migrate dev` asks to reset the \
         development database. If every database already has the edited effect, make the record agree with \
         `prisma migrate resolve` (or update the stored checksum) so every environment matches"
    )
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::catalog::Catalog;
    use crate::input::applied::{AppliedSet, AppliedSource};
    use crate::rules::settings::{RunState, Settings};

    fn file(name: &str, text: &str) -> SourceFile {
        SourceFile::new(name.into(), format!("{name}.sql"), name.into(), text.into())
    }

    fn run(files: &[SourceFile], sources: Vec<AppliedSource>) -> Vec<Finding> {
        let settings = Settings::default();
        let state = RunState {
            applied: Some(Arc::new(AppliedSet { sources })),
            ..RunState::default()
        };
        let catalog = Catalog::default();
        let ctx = HistoryContext {
            files,
            report: &[],
            catalog: &catalog,
            settings: &settings,
            state: &state,
        };
        let mut out = Vec::new();
        check(&ctx, &mut out);
        out
    }

    #[test]
    fn an_edit_seen_by_two_sources_is_one_finding_naming_both() {
        let git = AppliedSource::from_texts(
            "git ref main".into(),
            vec![("1_a".into(), "SELECT 1;\n".into())],
        );
        let db = AppliedSource {
            label: "database db".into(),
            ..git.clone()
        };
        let found = run(&[file("1_a", "SELECT 2;\n")], vec![git, db]);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("(git ref main, database db)"),
            "{}",
            found[0].message
        );
        assert!(found[0]
            .help
            .as_deref()
            .unwrap()
            .contains("git checkout main -- 1_a.sql"));
    }

    #[test]
    fn a_failed_migration_may_be_edited() {
        let mut db = AppliedSource::from_texts(
            "database db".into(),
            vec![("1_a".into(), "SELECT 1;\n".into())],
        );
        db.migrations[0].state = AppliedState::Failed {
            started_at: "now".into(),
        };
        assert_eq!(run(&[file("1_a", "SELECT 2;\n")], vec![db]), vec![]);
    }

    #[test]
    fn a_deletion_is_reported_on_its_placeholder_only() {
        let git = AppliedSource::from_texts(
            "git ref main".into(),
            vec![
                ("1_a".into(), "SELECT 1;\n".into()),
                ("2_b".into(), "SELECT 2;\n".into()),
            ],
        );
        let missing = SourceFile::missing("2_b".into(), "2_b.sql".into(), "2_b".into());
        let found = run(&[file("1_a", "SELECT 1;\n"), missing], vec![git.clone()]);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].file, found[0].span.clone()), (1, 0..0));
        assert!(found[0].message.contains("`2_b` was deleted"));
        assert_eq!(run(&[file("1_a", "SELECT 1;\n")], vec![git]), vec![]);
    }
}
