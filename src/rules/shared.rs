//! Analyses more than one rule needs.

use super::{MigrationContext, OpContext, ReplayedOp};
use crate::fix::{index_then_constraint, locked, Placement, SchemaIntent, Suggestion};
use crate::ops::{display_ident, ConstraintKind, ObjName, OpKind};
use crate::ops::{quote_ident, SqlType};
use crate::pg::locks::LockMode;
use crate::rules::diagnostic::Finding;

/// A DROP COLUMN and an ADD COLUMN of the same type on the same table in one migration: what Prisma generates when a
/// field is renamed without `@map`.
pub struct ColumnRenamePair<'a> {
    pub table: &'a ObjName,
    pub dropped: &'a ReplayedOp<'a>,
    pub dropped_column: &'a str,
    pub added_column: &'a str,
    pub added_not_null: bool,
    pub ty: String,
}

/// A DROP TABLE and a CREATE TABLE with the same columns in one migration: a model renamed without `@@map`.
pub struct TableRenamePair<'a> {
    pub dropped: &'a ReplayedOp<'a>,
    pub old: &'a ObjName,
    pub new: &'a ObjName,
}

pub fn column_rename_pairs<'a>(ctx: &'a MigrationContext<'a>) -> Vec<ColumnRenamePair<'a>> {
    let mut pairs = Vec::new();
    let mut used = vec![false; ctx.ops.len()];
    for dropped in ctx.ops.iter().filter(|r| !r.only_new_objects()) {
        let OpKind::DropColumn { table, column } = &dropped.op.kind else {
            continue;
        };
        let Some(old) = ctx
            .catalog_before
            .table(table)
            .and_then(|t| t.column(column))
        else {
            continue;
        };
        let existed_before = |name: &str| {
            ctx.catalog_before
                .table(table)
                .is_some_and(|t| t.column(name).is_some())
        };
        let candidate = ctx.ops.iter().enumerate().find(|(i, added)| {
            !used[*i]
                && matches!(&added.op.kind, OpKind::AddColumn { table: t, column: c }
                    if t == table && c.ty == old.ty && c.name != *column && !existed_before(&c.name))
        });
        if let Some((i, added)) = candidate {
            used[i] = true;
            if let OpKind::AddColumn { column: c, .. } = &added.op.kind {
                pairs.push(ColumnRenamePair {
                    table,
                    dropped,
                    dropped_column: column,
                    added_column: &c.name,
                    added_not_null: c.not_null,
                    ty: old.ty.text.clone(),
                });
            }
        }
    }
    pairs
}

pub fn table_rename_pairs<'a>(ctx: &'a MigrationContext<'a>) -> Vec<TableRenamePair<'a>> {
    let mut pairs = Vec::new();
    for dropped in ctx.ops.iter().filter(|r| !r.new_table) {
        let OpKind::DropTable { table: old } = &dropped.op.kind else {
            continue;
        };
        let Some(before) = ctx.catalog_before.table(old) else {
            continue;
        };
        let mut old_columns: Vec<(&str, &str)> = before
            .columns
            .iter()
            .map(|c| (c.name.as_str(), c.ty.text.as_str()))
            .collect();
        old_columns.sort_unstable();
        let created = ctx.ops.iter().find(|r| match &r.op.kind {
            OpKind::CreateTable { table, columns, .. } if table != old && !columns.is_empty() => {
                let mut new_columns: Vec<(&str, &str)> = columns
                    .iter()
                    .map(|c| (c.name.as_str(), c.ty.text.as_str()))
                    .collect();
                new_columns.sort_unstable();
                new_columns == old_columns
            }
            _ => false,
        });
        if let Some(created) = created {
            if let OpKind::CreateTable { table: new, .. } = &created.op.kind {
                pairs.push(TableRenamePair { dropped, old, new });
            }
        }
    }
    pairs
}

/// The column types an operation declares: every column of CREATE TABLE, an added column, a new column type.
pub fn declared_types(kind: &OpKind) -> Vec<(&ObjName, &str, &str)> {
    match kind {
        OpKind::CreateTable { table, columns, .. } => columns
            .iter()
            .map(|c| (table, c.name.as_str(), c.ty.text.as_str()))
            .collect(),
        OpKind::AddColumn { table, column } => {
            vec![(table, column.name.as_str(), column.ty.text.as_str())]
        }
        OpKind::AlterColumnType {
            table,
            column,
            new_type,
            ..
        } => vec![(table, column.as_str(), new_type.text.as_str())],
        _ => Vec::new(),
    }
}

/// A type without its array suffix and modifiers: `varchar(20)[]` → `varchar`.
pub fn base_type(ty: &str) -> &str {
    let ty = ty.trim_end_matches("[]");
    ty.split('(').next().unwrap_or(ty)
}

/// The declaring statement with `column`'s type `old` written as `new` (for style rules: the type is still free to
/// choose where the column is declared), plus the schema.prisma change that makes Prisma generate it.
pub fn retyped(
    ctx: &OpContext,
    table: &ObjName,
    column: &str,
    old: &str,
    new: &str,
    native: Option<String>,
    schema_note: String,
) -> Suggestion {
    let intent = SchemaIntent::NativeType {
        table: table.clone(),
        column: column.to_string(),
        sql_type: SqlType::new(format!(
            "{new}{}",
            if old.ends_with("[]") { "[]" } else { "" }
        )),
        native,
    };
    let old = old.trim_end_matches("[]");
    let text = ctx
        .file
        .slice(&ctx.op.span)
        .trim()
        .trim_end_matches(';')
        .trim_end();
    let lower = text.to_ascii_lowercase();
    let statement = if lower.starts_with("create") || lower.starts_with("alter") {
        text.to_string()
    } else {
        format!("ALTER TABLE {table} {text}")
    };
    let lower = statement.to_ascii_lowercase();
    let at = statement
        .find(&quote_ident(column))
        .and_then(|c| lower[c..].find(old).map(|t| c + t));
    let Some(at) = at else {
        return Suggestion::notes_only(format!("declare {} as {new}", quote_ident(column)))
            .schema(intent)
            .note(schema_note);
    };
    let written = &statement[at..at + old.len()];
    let new = if written.chars().any(|c| c.is_ascii_uppercase()) {
        new.to_ascii_uppercase()
    } else {
        new.to_string()
    };
    let retyped = format!("{}{new}{};", &statement[..at], &statement[at + old.len()..]);
    // A table created here holds no rows; an ALTER works on one that may be in use.
    let migration = if lower.starts_with("create") {
        vec![retyped]
    } else {
        locked([retyped])
    };
    Suggestion::new(
        format!("declare {} as {new}", quote_ident(column)),
        Placement::Replace,
        vec![migration],
    )
    .schema(intent)
    .note(schema_note)
}

/// For findings whose fix is commands, not SQL (the applied history): a notes-only suggestion whose note is the
/// finding's help, which names the exact commands.
pub fn steps_from_help(findings: &mut [Finding], summary: &str) {
    for finding in findings.iter_mut().filter(|f| f.suggestion_wanted) {
        let mut suggestion = Suggestion::notes_only(summary);
        if let Some(help) = &finding.help {
            suggestion = suggestion.note(help.clone());
        }
        finding.suggestion = Some(Box::new(suggestion));
    }
}

/// [`retyped`] to text, which a String field is without its `@db.…` attribute.
pub fn retyped_as_text(
    ctx: &OpContext,
    table: &ObjName,
    column: &str,
    old: &str,
    attribute: &str,
    why: &str,
) -> Suggestion {
    let note = format!("text is what a String field is without `{attribute}`: {why}");
    retyped(ctx, table, column, old, "text", None, note)
}

/// Which constraint builds an index when added without `USING INDEX`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum IndexedConstraint {
    PrimaryKey,
    Unique,
}

/// `ADD PRIMARY KEY` / `ADD UNIQUE` without `USING INDEX` on an existing table: the index is built under an ACCESS
/// EXCLUSIVE lock. Shared by primary-key-locks and unique-constraint-locks, which differ only in wording.
pub fn check_constraint_index_build(
    ctx: &OpContext,
    out: &mut Vec<Finding>,
    which: IndexedConstraint,
) {
    let OpKind::AddConstraint {
        table, constraint, ..
    } = &ctx.op.kind
    else {
        return;
    };
    let columns = match (&constraint.kind, which) {
        (
            ConstraintKind::PrimaryKey {
                using_index: None,
                columns,
            },
            IndexedConstraint::PrimaryKey,
        )
        | (
            ConstraintKind::Unique {
                using_index: None,
                columns,
            },
            IndexedConstraint::Unique,
        ) => columns,
        _ => return,
    };
    if !ctx.is_preexisting(table) {
        return;
    }
    let cols = columns
        .iter()
        .map(|c| display_ident(c))
        .collect::<Vec<_>>()
        .join(", ");
    let (clause, extra_check, keyword, after) = match which {
        IndexedConstraint::PrimaryKey => (
            "ADD PRIMARY KEY",
            " (and checks the columns for NULLs)",
            "PRIMARY KEY",
            "(the columns must already be NOT NULL)",
        ),
        IndexedConstraint::Unique => ("ADD UNIQUE", "", "UNIQUE", "(instant)"),
    };
    out.push(
        ctx.finding(
            format!(
                "{clause} ({cols}) builds a unique index on {table}{extra_check} while holding {} until the build \
                 ends",
                LockMode::AccessExclusive.describe(table)
            ),
            Some(format!(
                "in one migration file of its own: `CREATE UNIQUE INDEX CONCURRENTLY \"idx\" ON {table} ({cols});` \
                 then in the next: `ALTER TABLE {table} ADD CONSTRAINT ... {keyword} USING INDEX \"idx\";` {after}"
            )),
        )
        .with_suggestion(|| index_then_constraint(
            table,
            constraint.name.as_deref(),
            columns,
            which == IndexedConstraint::PrimaryKey,
        )),
    );
}
