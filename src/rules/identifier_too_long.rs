//! Identifiers longer than PostgreSQL's 63-byte limit, which it silently truncates.

use super::{Category, Check, Rule, StatementContext};
use crate::diagnostic::{Finding, Severity};
use crate::ops::display_ident;
use crate::split::ident_value;

pub const RULE: Rule = Rule {
    id: "identifier-too-long",
    default_severity: Severity::Warning,
    enabled_by_default: true,
    category: Category::Correctness,
    summary: "identifiers longer than 63 bytes are silently truncated by PostgreSQL",
    doc: include_str!("../../rules/identifier-too-long.md"),
    checks: &[Check::Statement(check)],
};

/// NAMEDATALEN - 1.
const MAX_BYTES: usize = 63;

fn check(ctx: &StatementContext, out: &mut Vec<Finding>) {
    let src = &ctx.file.text;
    let mut seen: Vec<String> = Vec::new();
    for token in &ctx.statement.tokens {
        let Some(value) = ident_value(token, src) else {
            continue;
        };
        if value.len() <= MAX_BYTES || seen.contains(&value) {
            continue;
        }
        let mut cut = MAX_BYTES;
        while !value.is_char_boundary(cut) {
            cut -= 1;
        }
        out.push(Finding {
            suggestion: None,
            file: ctx.file_index,
            span: token.span.clone(),
            message: format!(
                "{} is {} bytes long; PostgreSQL silently truncates it to 63 bytes ({}), so the object gets \
                 another name than the one written, two long names can collide, and Prisma sees drift",
                display_ident(&value),
                value.len(),
                display_ident(&value[..cut])
            ),
            help: Some(
                "give the object a shorter name (`map: \"...\"` on the index, constraint or relation in \
                 schema.prisma, or `@@map` / `@map`)"
                    .to_string(),
            ),
        });
        seen.push(value);
    }
}
