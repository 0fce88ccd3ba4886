//! Identifiers longer than PostgreSQL's 63-byte limit, which it truncates with only a NOTICE.

use super::{Category, Check, Rule, StatementContext};
use crate::fix::{truncate_identifier, Placement, Suggestion};
use crate::ops::{display_ident, quote_ident};
use crate::rules::diagnostic::{Finding, Severity};
use crate::syntax::split::{ident_value, Token};

pub const RULE: Rule = Rule {
    id: "identifier-too-long",
    default_severity: Severity::Warning,
    enabled_by_default: true,
    category: Category::Correctness,
    summary: "identifiers longer than 63 bytes are truncated by PostgreSQL (with only a NOTICE)",
    doc: include_str!("../../rules/identifier-too-long.md"),
    checks: &[Check::Statement(check)],
};

/// NAMEDATALEN - 1.
const MAX_BYTES: usize = 63;

fn check(ctx: &StatementContext, out: &mut Vec<Finding>) {
    let src = &ctx.file.text;
    let mut seen: Vec<String> = Vec::new();
    let tokens = || ctx.statement.all_tokens(src);
    let word = |t: &Token, w: &str| t.text(src).eq_ignore_ascii_case(w);
    // An identifier's value is never longer than its spelling (quotes and escapes only shrink it): most statements
    // have no token that long, and one pass over them says so.
    if !tokens().any(|t| t.span.len() > MAX_BYTES) {
        return;
    }
    // A name that only refers to an existing object finds it under the truncated name all the same: every name of
    // a DROP, and the old name of a RENAME (what comes before its last TO).
    if tokens().next().is_some_and(|t| word(&t, "drop")) {
        return;
    }
    let references_end = if tokens().any(|t| word(&t, "rename")) {
        tokens()
            .filter(|t| word(t, "to"))
            .last()
            .map_or(0, |t| t.span.start)
    } else {
        0
    };
    for token in tokens().filter(|t| t.span.start >= references_end) {
        if token.span.len() <= MAX_BYTES {
            continue;
        }
        let Some(value) = ident_value(&token, src) else {
            continue;
        };
        if value.len() <= MAX_BYTES || seen.contains(&value) {
            continue;
        }
        let truncated = truncate_identifier(&value);
        out.push(Finding {
            suggestion: None,
            suggestion_wanted: ctx.state.keep_suggestions,
            severity: None,
            file: ctx.file_index,
            span: token.span.clone(),
            message: format!(
                "{} is {} bytes long; PostgreSQL truncates it to 63 bytes ({}) with only a NOTICE, so the \
                 object gets another name than the one written, two long names can collide, and Prisma sees drift",
                display_ident(&value),
                value.len(),
                display_ident(truncated)
            ),
            help: Some(
                "give the object a shorter name (`map: \"...\"` on the index, constraint or relation in \
                 schema.prisma, or `@@map` / `@map`)"
                    .to_string(),
            ),
        }
        .with_suggestion(|| suggest(ctx)));
        seen.push(value);
    }
}

/// The statement with every long identifier spelt as PostgreSQL stores it: the same objects, names that match.
fn suggest(ctx: &StatementContext) -> Suggestion {
    let src = &ctx.file.text;
    let span = &ctx.statement.span;
    let mut text = String::new();
    let mut at = span.start;
    let mut renamed = Vec::new();
    for token in ctx.statement.all_tokens(src) {
        let Some(value) = ident_value(&token, src).filter(|v| v.len() > MAX_BYTES) else {
            continue;
        };
        let short = truncate_identifier(&value).to_string();
        text.push_str(&src[at..token.span.start]);
        text.push_str(&quote_ident(&short));
        at = token.span.end;
        if !renamed.iter().any(|(v, _)| *v == value) {
            renamed.push((value, short));
        }
    }
    text.push_str(&src[at..span.end]);
    let text = format!("{};", text.trim().trim_end_matches(';').trim_end());
    let mut suggestion = Suggestion::new(
        "write the names as PostgreSQL stores them (63 bytes), or choose shorter ones",
        Placement::Replace,
        vec![vec![text]],
    );
    for (long, short) in &renamed {
        suggestion = suggestion.note(format!(
            "in schema.prisma name it explicitly so Prisma generates the same name: `map: \"{short}\"` on the \
             @@index / @@unique / @relation, or `@map(\"{short}\")` / `@@map(\"{short}\")` on a field or model \
             (it was {}); a shorter, readable name of your own works the same way",
            display_ident(long)
        ));
    }
    suggestion
}
