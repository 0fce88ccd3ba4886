//! varchar(n) limits are costly to change; prefer text (an opt-in style rule).

use super::shared::{base_type, declared_types, retyped_as_text};
use super::{Category, Check, OpContext, Rule};
use crate::ops::display_ident;
use crate::rules::diagnostic::{Finding, Severity};

pub const RULE: Rule = Rule {
    id: "prefer-text",
    default_severity: Severity::Warning,
    enabled_by_default: false,
    category: Category::Style,
    summary: "varchar(n) limits are costly to change; prefer text",
    doc: include_str!("../../rules/prefer-text.md"),
    checks: &[Check::Op(check)],
};

fn check(ctx: &OpContext, out: &mut Vec<Finding>) {
    for (table, column, ty) in declared_types(&ctx.op.kind) {
        if !(base_type(ty) == "varchar" && ty.trim_end_matches("[]").contains('(')) {
            continue;
        }
        out.push(ctx.finding(
            format!("{table}.{} is {ty}: raising a varchar limit is cheap, but lowering it rewrites the table, and the limit is usually arbitrary", display_ident(column)),
            Some("use text (`String` without `@db.VarChar(n)`), and validate lengths in the application or with a CHECK constraint".to_string()),
        )
        .with_suggestion(|| retyped_as_text(ctx, table, column, ty, "@db.VarChar", "check lengths in the application or with a CHECK constraint")));
    }
}
