//! ADD COLUMN whose value must be computed and written for every existing row.

use super::locks::LockMode;
use super::{Category, Check, OpContext, Rule};
use crate::diagnostic::{Finding, Severity};
use crate::ops::{display_ident, OpKind};

pub const RULE: Rule = Rule {
    id: "volatile-default",
    default_severity: Severity::Warning,
    enabled_by_default: true,
    category: Category::Locking,
    summary: "ADD COLUMN with a volatile default, serial/identity or GENERATED STORED rewrites the table",
    doc: include_str!("../../rules/volatile-default.md"),
    checks: &[Check::Op(check)],
};

fn check(ctx: &OpContext, out: &mut Vec<Finding>) {
    let OpKind::AddColumn { table, column } = &ctx.op.kind else {
        return;
    };
    if !ctx.is_preexisting(table) {
        return;
    }
    let old_postgres = ctx.settings.postgres_version < 11;
    let why = if column.generated {
        "a serial, identity or generated column is computed for every existing row".to_string()
    } else {
        match &column.default {
            Some(d) if d.volatile => format!("the default `{}` is volatile, so it is evaluated for every existing row", d.text),
            Some(d) if old_postgres && !d.text.eq_ignore_ascii_case("null") => format!(
                "before PostgreSQL 11 any default (here `{}`) is written into every existing row",
                d.text
            ),
            _ => return,
        }
    };
    out.push(ctx.finding(
        format!(
            "adding {table}.{} rewrites the whole table: {why}, while holding {}",
            display_ident(&column.name),
            LockMode::AccessExclusive.describe(table)
        ),
        Some(if old_postgres && !column.generated {
            "add the column without a default, set the default in a second statement (applies to new rows only), \
             then backfill existing rows in batches"
                .to_string()
        } else {
            "add the column without the default (or as a plain nullable column), set the default afterwards so only \
             new rows use it, and backfill existing rows in batches from the application"
                .to_string()
        }),
    ));
}
