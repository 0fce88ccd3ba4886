//! `ALTER TYPE ... ADD VALUE` where PostgreSQL refuses it, or followed by a use of the value in the same transaction.

use super::transactions::{split_suggestion, transactions};
use super::{Category, Check, MigrationContext, Rule};
use crate::fix::Suggestion;
use crate::ops::OpKind;
use crate::rules::diagnostic::{Finding, Severity};
use crate::syntax::parse::Statement;
use crate::syntax::split::TokenKind;

pub const RULE: Rule = Rule {
    id: "enum-value-in-transaction",
    default_severity: Severity::Error,
    enabled_by_default: true,
    category: Category::Correctness,
    summary: "ADD VALUE fails in a transaction before PostgreSQL 12, and the new value cannot be used in the same one",
    doc: include_str!("../../rules/enum-value-in-transaction.md"),
    checks: &[Check::Migration(check)],
};

fn check(ctx: &MigrationContext, out: &mut Vec<Finding>) {
    let txs = transactions(ctx);
    let mut created_enums = Vec::new();
    for (i, (replayed, tx)) in ctx.ops.iter().zip(&txs).enumerate() {
        match &replayed.op.kind {
            OpKind::CreateEnum { name, .. } => created_enums.push(name.clone()),
            // A type created in the same transaction may take and use new values (PostgreSQL allows it).
            OpKind::AddEnumValue { name, .. } if created_enums.contains(name) => {}
            OpKind::AddEnumValue { name, value } => {
                if tx.in_block && ctx.settings.postgres_version < 12 {
                    out.push(ctx.finding(
                        replayed.op,
                        format!(
                            "ALTER TYPE {name} ADD VALUE cannot run inside a transaction block before PostgreSQL 12 \
                             (target: {}), and this statement runs in one: the migration fails",
                            ctx.settings.postgres_version
                        ),
                        Some(
                            "put the ADD VALUE statement alone in its own migration file".to_string(),
                        ),
                    )
                    .with_suggestion(|| suggest(ctx)));
                    continue;
                }
                if !tx.in_block {
                    continue;
                }
                let literal = format!("'{}'", value.replace('\'', "''"));
                // The first later statement of the same transaction that spells the new value.
                let later = ctx.ops[i + 1..]
                    .iter()
                    .zip(&txs[i + 1..])
                    .filter(|(_, t)| t.id == tx.id)
                    .map(|(r, _)| &r.op)
                    .filter(|op| op.span.start >= replayed.op.span.end)
                    // Another enum's DDL may spell the same label without using this one.
                    .filter(|op| {
                        !matches!(
                            op.kind,
                            OpKind::AddEnumValue { .. }
                                | OpKind::CreateEnum { .. }
                                | OpKind::RenameEnumValue { .. }
                        )
                    })
                    .find_map(|op| {
                        let statement = ctx.statements.iter().find(|s| {
                            s.span.start <= op.span.start && op.span.start < s.span.end
                        })?;
                        statement
                            .tokens
                            .iter()
                            .any(|t| {
                                t.kind == TokenKind::String && t.text(&ctx.file.text) == literal
                            })
                            .then_some(op)
                    });
                if let Some(use_op) = later {
                    out.push(ctx.finding(
                        use_op,
                        format!(
                            "this statement uses {literal}, which ALTER TYPE {name} ADD VALUE added earlier in the \
                             same transaction: PostgreSQL rejects it (\"unsafe use of new value\") until that \
                             transaction commits, so the migration fails"
                        ),
                        Some(
                            "move ADD VALUE into its own migration file, before the migration that uses the value"
                                .to_string(),
                        ),
                    )
                    .with_suggestion(|| suggest(ctx)));
                }
            }
            _ => {}
        }
    }
}

/// ADD VALUE committed in a migration of its own, before the statements that use the value.
fn suggest(ctx: &MigrationContext) -> Suggestion {
    // Every ADD VALUE of the file, so no other new value is left to be used in its own transaction.
    let isolate = |statement: &Statement, text: &str| {
        ctx.ops
            .iter()
            .any(|r| {
                statement.span.contains(&r.op.span.start)
                    && matches!(r.op.kind, OpKind::AddEnumValue { .. })
            })
            .then(|| vec![text.to_string()])
    };
    split_suggestion(
        ctx,
        "commit ADD VALUE in a migration of its own, before the migration that uses the new value",
        &isolate,
    )
}
