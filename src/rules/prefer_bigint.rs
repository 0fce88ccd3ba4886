//! 32-bit integer columns can run out of values; prefer bigint (an opt-in style rule).

use super::shared::{base_type, declared_types, retyped};
use super::{Category, Check, OpContext, Rule};
use crate::ops::display_ident;
use crate::rules::diagnostic::{Finding, Severity};

pub const RULE: Rule = Rule {
    id: "prefer-bigint",
    default_severity: Severity::Warning,
    enabled_by_default: false,
    category: Category::Style,
    summary: "32-bit integer columns can run out of values; prefer bigint",
    doc: include_str!("../../rules/prefer-bigint.md"),
    checks: &[Check::Op(check)],
};

fn check(ctx: &OpContext, out: &mut Vec<Finding>) {
    for (table, column, ty) in declared_types(&ctx.op.kind) {
        if !(matches!(
            base_type(ty),
            "integer"
                | "smallint"
                | "serial"
                | "smallserial"
                | "serial4"
                | "serial2"
                | "int2"
                | "int4"
        )) {
            continue;
        }
        out.push(ctx.finding(
            format!("{table}.{} is {ty}: a 32-bit (or 16-bit) integer runs out at 2,147,483,647 (32,767), and widening it later rewrites the table under an ACCESS EXCLUSIVE lock", display_ident(column)),
            Some("use bigint: `BigInt` in Prisma (`@default(autoincrement())` gives bigserial)".to_string()),
        )
        .with_suggestion(|| retyped(
            ctx,
            table,
            column,
            ty,
            if base_type(ty).contains("serial") {
                "bigserial"
            } else {
                "bigint"
            },
            None,
            format!(
                "fields that reference {} (relation scalars) become BigInt too, so the foreign keys match",
                display_ident(column)
            ),
        )));
    }
}
