//! `CREATE INDEX` without `CONCURRENTLY` on a table that already has rows.

use super::locks::LockMode;
use super::{Category, Check, OpContext, Rule};
use crate::diagnostic::{Finding, Severity};
use crate::ops::{display_ident, OpKind};

pub const RULE: Rule = Rule {
    id: "create-index-non-concurrently",
    default_severity: Severity::Warning,
    enabled_by_default: true,
    category: Category::Locking,
    summary: "CREATE INDEX without CONCURRENTLY blocks writes to the table while the index builds",
    doc: include_str!("../../rules/create-index-non-concurrently.md"),
    checks: &[Check::Op(check)],
};

fn check(ctx: &OpContext, out: &mut Vec<Finding>) {
    let OpKind::CreateIndex(spec) = &ctx.op.kind else {
        return;
    };
    if spec.concurrently || !ctx.is_preexisting(&spec.table) {
        return;
    }
    let name = spec
        .name
        .as_deref()
        .map(|n| format!("{} ", display_ident(n)))
        .unwrap_or_default();
    out.push(ctx.finding(
        format!(
            "CREATE {}INDEX {name}takes {} until the index is built, which takes as long as reading the whole \
             table",
            if spec.unique { "UNIQUE " } else { "" },
            LockMode::Share.describe(&spec.table),
        ),
        Some(
            "use CREATE INDEX CONCURRENTLY, alone in its own migration file (a multi-statement file runs as one \
             transaction, where CONCURRENTLY fails); the index and the schema still match, so Prisma is satisfied"
                .to_string(),
        ),
    ));
}
