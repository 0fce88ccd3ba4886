//! timestamp without time zone loses the offset; prefer timestamptz (an opt-in style rule).

use super::shared::{base_type, declared_types, retyped};
use super::{Category, Check, OpContext, Rule};
use crate::ops::display_ident;
use crate::rules::diagnostic::{Finding, Severity};

pub const RULE: Rule = Rule {
    id: "prefer-timestamptz",
    default_severity: Severity::Warning,
    enabled_by_default: false,
    category: Category::Style,
    summary: "timestamp without time zone loses the offset; prefer timestamptz",
    doc: include_str!("../../rules/prefer-timestamptz.md"),
    checks: &[Check::Op(check)],
};

fn check(ctx: &OpContext, out: &mut Vec<Finding>) {
    for (table, column, ty) in declared_types(&ctx.op.kind) {
        if base_type(ty) != "timestamp" {
            continue;
        }
        out.push(ctx.finding(
            format!("{table}.{} is {ty}: a timestamp without time zone stores wall-clock time with no offset, so values written from servers or sessions in different time zones cannot be compared", display_ident(column)),
            Some("use timestamptz: `@db.Timestamptz(3)` on the DateTime field".to_string()),
        )
        .with_suggestion(|| {
            let new = ty.trim_end_matches("[]").replacen("timestamp", "timestamptz", 1);
            let precision = new.strip_prefix("timestamptz").unwrap_or_default();
            retyped(
                ctx,
                table,
                column,
                ty,
                &new,
                Some(format!("@db.Timestamptz{precision}")),
                "timestamptz stores an instant: existing code keeps reading and writing JavaScript Dates".to_string(),
            )
        }));
    }
}
