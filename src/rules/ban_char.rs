//! char(n) pads values with spaces; use text or varchar (an opt-in style rule).

use super::shared::{base_type, declared_types, retyped_as_text};
use super::{Category, Check, OpContext, Rule};
use crate::ops::display_ident;
use crate::rules::diagnostic::{Finding, Severity};

pub const RULE: Rule = Rule {
    id: "ban-char",
    default_severity: Severity::Warning,
    enabled_by_default: false,
    category: Category::Style,
    summary: "char(n) pads values with spaces; use text or varchar",
    doc: include_str!("../../rules/ban-char.md"),
    checks: &[Check::Op(check)],
};

fn check(ctx: &OpContext, out: &mut Vec<Finding>) {
    for (table, column, ty) in declared_types(&ctx.op.kind) {
        if base_type(ty) != "char" {
            continue;
        }
        out.push(ctx.finding(
            format!("{table}.{} is {ty}: char(n) pads every value with spaces to n characters, which surprises comparisons and wastes space", display_ident(column)),
            Some("use text (or varchar(n) if a limit is really needed)".to_string()),
        )
        .with_suggestion(|| retyped_as_text(ctx, table, column, ty, "@db.Char", "values are no longer padded with spaces")));
    }
}
