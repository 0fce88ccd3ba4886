//! Statements the SQL parser could not read: reported so nobody mistakes silence for safety.

use super::{Category, Check, Rule, StatementContext};
use crate::diagnostic::{Finding, Severity};
use crate::ops::{lower_statement, OpKind};

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
    let Err(failure) = &ctx.statement.ast else {
        return;
    };
    // Statements the token reader understands completely (`DROP INDEX CONCURRENTLY`, `REINDEX ... CONCURRENTLY`)
    // lose nothing to the parser failure.
    let ops = lower_statement(&ctx.file.text, ctx.statement);
    if !ops.is_empty()
        && ops.iter().all(|op| {
            matches!(
                op.kind,
                OpKind::DropIndex { .. } | OpKind::Maintenance { .. } | OpKind::DropContainer { .. }
            )
        })
    {
        return;
    }
    let (line, column) = ctx.file.line_col(failure.offset);
    out.push(Finding {
        file: ctx.file_index,
        span: ctx.statement.span.clone(),
        message: format!(
            "the SQL parser could not read this statement ({} at {line}:{column}), so only its known forms \
             (DROP/CREATE INDEX, CREATE TABLE, DML) are checked",
            failure.message
        ),
        help: Some(
            "if the SQL is valid PostgreSQL, review it by hand; if it is a typo, PostgreSQL will reject the \
             migration too"
                .to_string(),
        ),
    });
}
