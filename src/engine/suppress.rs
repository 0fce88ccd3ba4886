//! Accepting findings on purpose: `-- migrate-lint-ignore` comments in the migration and `[[ignore]]` entries in
//! lint.toml (for migrations that were applied already and cannot be edited without changing their checksum).

use std::ops::Range;

use crate::fix::Suggestion;
use crate::rules::config::closest_rule;
use crate::rules::diagnostic::Diagnostic;
use crate::rules::settings::Settings;
use crate::rules::{self, Rule};
use crate::syntax::source::SourceFile;
use crate::syntax::split::Comment;

const STATEMENT_DIRECTIVE: &str = "migrate-lint-ignore";
const FILE_DIRECTIVE: &str = "migrate-lint-ignore-file";

/// One `migrate-lint-ignore` comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    pub span: Range<usize>,
    pub rules: Vec<String>,
    pub reason: Option<String>,
    /// The statement it applies to, or `None` for the whole file.
    pub scope: Option<Range<usize>>,
}

/// What the suppression pass needs to know about one linted file.
pub struct FileSuppressions {
    pub file: usize,
    pub directives: Vec<Directive>,
}

/// Reads the directives of a file. A statement directive belongs to the statement after it, unless it trails a
/// statement on the same line; one with no statement after it applies to nothing (and is reported as unused).
pub fn directives(text: &str, comments: &[Comment], statements: &[Range<usize>]) -> Vec<Directive> {
    let mut out = Vec::new();
    for comment in comments.iter().filter(|c| !c.block) {
        let body = text
            .get(comment.span.clone())
            .unwrap_or("")
            .trim_start_matches('-')
            .trim();
        let (rest, file_wide) = if let Some(rest) = body.strip_prefix(FILE_DIRECTIVE) {
            (rest, true)
        } else if let Some(rest) = body.strip_prefix(STATEMENT_DIRECTIVE) {
            (rest, false)
        } else {
            continue;
        };
        // `migrate-lint-ignored` or `migrate-lint-ignore-filex` are not directives.
        if !(rest.is_empty() || rest.starts_with(char::is_whitespace) || rest.starts_with(':')) {
            continue;
        }
        let (list, reason) = match rest.split_once(':') {
            Some((list, reason)) => (list, Some(reason.trim()).filter(|r| !r.is_empty())),
            None => (rest, None),
        };
        let rules = list
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|r| !r.is_empty())
            .map(str::to_string)
            .collect();
        let scope = if file_wide {
            None
        } else {
            Some(statement_for(text, &comment.span, statements).unwrap_or(comment.span.clone()))
        };
        out.push(Directive {
            span: comment.span.clone(),
            rules,
            reason: reason.map(str::to_string),
            scope,
        });
    }
    out
}

fn statement_for(
    text: &str,
    comment: &Range<usize>,
    statements: &[Range<usize>],
) -> Option<Range<usize>> {
    let next = statements.partition_point(|s| s.start < comment.end);
    if let Some(previous) = next.checked_sub(1).and_then(|i| statements.get(i)) {
        // Inside a multi-line statement: it is about that statement.
        if comment.end <= previous.end {
            return Some(previous.clone());
        }
        let between = text.get(previous.end..comment.start).unwrap_or("\n");
        if previous.end <= comment.start && !between.contains(['\n', '\r']) {
            return Some(previous.clone());
        }
    }
    statements.get(next).cloned()
}

/// Drops suppressed diagnostics and adds `ignore-without-reason` / `unused-ignore` findings.
pub fn apply(
    diagnostics: &mut Vec<Diagnostic>,
    files: &[SourceFile],
    suppressions: &[FileSuppressions],
    settings: &Settings,
    keep_suggestions: bool,
) {
    let mut meta = Vec::new();
    for fs in suppressions {
        for directive in &fs.directives {
            let mut used = vec![false; directive.rules.len()];
            diagnostics.retain(|d| {
                let in_scope = d.file == fs.file
                    && directive.scope.as_ref().is_none_or(|s| {
                        s.start <= d.span.start && d.span.start < s.end.max(s.start + 1)
                    });
                if !in_scope {
                    return true;
                }
                match directive.rules.iter().position(|r| r == d.rule) {
                    Some(i) => {
                        used[i] = true;
                        false
                    }
                    None => true,
                }
            });
            if directive.reason.is_none() {
                push_meta(
                    &mut meta,
                    &rules::find("ignore-without-reason"),
                    settings,
                    (fs.file, directive),
                    "this migrate-lint-ignore comment gives no reason, so nobody can review why the finding is \
                     accepted"
                        .to_string(),
                    "write the reason after a colon: `-- migrate-lint-ignore <rule>: <why this is safe>`",
                    format!(
                        "write the comment as `-- migrate-lint-ignore {}: <why this is safe>`",
                        directive.rules.join(", ")
                    ),
                );
            }
            for (rule, used) in directive.rules.iter().zip(used) {
                if used {
                    continue;
                }
                let reason = directive.reason.as_deref().unwrap_or("<why this is safe>");
                let fix = match closest_rule(rule).filter(|_| rules::find(rule).is_none()) {
                    Some(id) => format!("write the rule id as `{id}`: `-- migrate-lint-ignore {id}: {reason}`"),
                    None if directive.rules.len() > 1 => {
                        let others: Vec<&str> = directive
                            .rules
                            .iter()
                            .filter(|r| *r != rule)
                            .map(String::as_str)
                            .collect();
                        format!(
                            "drop `{rule}` from the comment: `-- migrate-lint-ignore {}: {reason}`",
                            others.join(", ")
                        )
                    }
                    None => "delete the comment, or move it to the line directly above the statement whose \
                             finding it accepts"
                        .to_string(),
                };
                let message = match rules::find(rule) {
                    None => {
                        let hint = closest_rule(rule)
                            .map(|s| format!(" (did you mean `{s}`?)"))
                            .unwrap_or_default();
                        format!("no rule is named `{rule}`{hint}, so this ignore suppresses nothing")
                    }
                    // A rule turned off in lint.toml reports nothing, so its ignore is not stale.
                    Some(r) if settings.severity_of(r).is_none() => continue,
                    Some(_) if directive.scope.is_none() => {
                        format!("`{rule}` reports nothing in this file, so this ignore suppresses nothing")
                    }
                    Some(_) => format!(
                        "`{rule}` reports nothing on the statement below this comment, so this ignore suppresses \
                         nothing"
                    ),
                };
                push_meta(
                    &mut meta,
                    &rules::find("unused-ignore"),
                    settings,
                    (fs.file, directive),
                    message,
                    "remove the comment, fix the rule id, or move it to the line directly above the statement",
                    fix,
                );
            }
        }
    }
    diagnostics.retain(|d| {
        !settings.ignores.iter().any(|i| {
            i.rule == d.rule
                && files
                    .get(d.file)
                    .is_some_and(|f| f.migration == i.migration)
        })
    });
    if !keep_suggestions {
        for diagnostic in &mut meta {
            diagnostic.suggestion = None;
        }
    }
    diagnostics.extend(meta);
}

fn push_meta(
    out: &mut Vec<Diagnostic>,
    rule: &Option<&'static Rule>,
    settings: &Settings,
    (file, directive): (usize, &Directive),
    message: String,
    help: &str,
    fix: String,
) {
    let Some(rule) = rule else {
        return;
    };
    let Some(severity) = settings.severity_of(rule) else {
        return;
    };
    out.push(Diagnostic {
        suggestion: Some(Box::new(
            Suggestion::notes_only("correct the migrate-lint-ignore comment").note(fix),
        )),
        rule: rule.id,
        severity,
        file,
        span: directive.span.clone(),
        message,
        help: Some(help.to_string()),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::split::split;

    fn parse(text: &str) -> Vec<Directive> {
        let s = split(text);
        let spans: Vec<_> = s.statements.iter().map(|s| s.span.clone()).collect();
        directives(text, &s.comments, &spans)
    }

    #[test]
    fn directive_reads_rules_reason_and_next_statement() {
        let text = "SELECT 1;\n-- migrate-lint-ignore drop-table, truncate: old data\n\nDROP TABLE \"a\";\n";
        let d = parse(text);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].rules, vec!["drop-table", "truncate"]);
        assert_eq!(d[0].reason.as_deref(), Some("old data"));
        let scope = d[0].scope.clone().unwrap();
        assert_eq!(&text[scope], "DROP TABLE \"a\";");
    }

    #[test]
    fn trailing_comment_applies_to_its_own_line() {
        let text = "DROP TABLE \"a\"; -- migrate-lint-ignore drop-table: gone\nSELECT 1;\n";
        let d = parse(text);
        assert_eq!(&text[d[0].scope.clone().unwrap()], "DROP TABLE \"a\";");
    }

    #[test]
    fn comment_inside_a_statement_applies_to_it() {
        let text = "ALTER TABLE \"a\"\n  -- migrate-lint-ignore drop-column: unused\n  DROP COLUMN \"b\";\nSELECT 1;\n";
        let d = parse(text);
        assert!(text[d[0].scope.clone().unwrap()].starts_with("ALTER TABLE"));
    }

    #[test]
    fn file_directive_and_missing_reason() {
        let d =
            parse("-- migrate-lint-ignore-file truncate\nSELECT 1;\n-- migrate-lint-ignored x\n");
        assert_eq!(d.len(), 1, "`migrate-lint-ignored` is not a directive");
        assert!(d[0].scope.is_none());
        assert_eq!(d[0].reason, None);
        assert_eq!(d[0].rules, vec!["truncate"]);
    }
}
