//! Statements the SQL parser could not read: reported so nobody mistakes silence for safety.

use super::{Category, Check, Rule, StatementContext};
use crate::rules::diagnostic::{Finding, Severity};

pub const RULE: Rule = Rule {
    id: "unparsed-statement",
    default_severity: Severity::Info,
    enabled_by_default: true,
    category: Category::Analysis,
    summary: "a statement the SQL parser could not read is only checked for a few known forms",
    doc: include_str!("../../rules/unparsed-statement.md"),
    checks: &[Check::Statement(check)],
};

fn check(ctx: &StatementContext, out: &mut Vec<Finding>) {
    let Some(failure) = &ctx.statement.failure else {
        return;
    };
    if ctx.recognized_by_tokens {
        return;
    }
    let is_do_block = ctx
        .statement
        .tokens
        .first()
        .is_some_and(|t| t.is_word(&ctx.file.text, "do"));
    let message = if is_do_block {
        "DO block: the plain DDL statements in its body are checked, but its PL/pgSQL logic and any dynamic \
         SQL (EXECUTE) are not"
            .to_string()
    } else {
        let (line, column) = ctx.file.line_col(failure.offset);
        format!(
            "the SQL parser could not read this statement ({} at {line}:{column}), so only its known forms \
             (DROP/CREATE INDEX, CREATE TABLE, DML) are checked",
            failure.message
        )
    };
    out.push(Finding {
        file: ctx.file_index,
        span: ctx.statement.span.clone(),
        message,
        help: Some(
            "if the SQL is valid PostgreSQL, review it by hand; if it is a typo, PostgreSQL will reject the \
             migration too"
                .to_string(),
        ),
        // Nothing to suggest: the linter does not know what the statement does.
        suggestion: None,
        suggestion_wanted: ctx.state.keep_suggestions,
        severity: None,
    });
}
