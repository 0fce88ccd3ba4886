//! `ALTER TYPE ... ADD VALUE` where PostgreSQL refuses it, or followed by a use of the value in the same transaction.

use super::transactions::{split_suggestion, transactions};
use super::{Category, Check, MigrationContext, Rule};
use crate::fix::Suggestion;
use crate::ops::{quote_literal, ObjName, OpKind};
use crate::rules::diagnostic::{Finding, Severity};
use crate::syntax::parse::Statement;
use crate::syntax::split::{ident_value, Token, TokenKind};

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
                let literal = quote_literal(value);
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
                        let src = &ctx.file.text;
                        let spelt =
                            |t: &Token| t.kind == TokenKind::String && t.text(src) == literal;
                        // Only a value read as the enum counts: `'v'::"Kind"`, or a statement on a table with a
                        // column of the enum (a trigger's text argument that spells the value is no use of it).
                        let (mut cast, mut spelt_anywhere) = (false, false);
                        let (mut before, mut last): (Option<Token>, Option<Token>) = (None, None);
                        for token in statement.all_tokens(src) {
                            cast |= before.as_ref().is_some_and(spelt)
                                && last.as_ref().is_some_and(|t| t.text(src) == "::")
                                && ident_value(&token, src).is_some_and(|t| t == name.name);
                            spelt_anywhere |= spelt(&token);
                            before = last.replace(token);
                        }
                        let typed_table = op
                            .kind
                            .table()
                            .is_some_and(|t| has_enum_column(ctx, t, name));
                        ((cast || typed_table) && spelt_anywhere).then_some(op)
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

/// The table has a column of the enum, before this migration or added by it.
fn has_enum_column(ctx: &MigrationContext, table: &ObjName, name: &ObjName) -> bool {
    let is_enum = |ty: &str| {
        let base = ty.trim_end_matches("[]");
        let last = base.rsplit('.').next().unwrap_or(base);
        match last.strip_prefix('"').and_then(|l| l.strip_suffix('"')) {
            Some(quoted) => quoted.replace("\"\"", "\"") == name.name,
            None => last.eq_ignore_ascii_case(&name.name),
        }
    };
    let before = ctx
        .catalog_before
        .table(table)
        .is_some_and(|t| t.columns.iter().any(|c| is_enum(&c.ty.text)));
    before
        || ctx.ops.iter().any(|r| match &r.op.kind {
            OpKind::AddColumn { table: t, column } => t == table && is_enum(&column.ty.text),
            OpKind::CreateTable {
                table: t, columns, ..
            } => t == table && columns.iter().any(|c| is_enum(&c.ty.text)),
            OpKind::AlterColumnType {
                table: t, new_type, ..
            } => t == table && is_enum(&new_type.text),
            _ => false,
        })
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
