//! Analyses more than one rule needs.

use super::{MigrationContext, OpContext, ReplayedOp};
use crate::catalog::Column;
use crate::fix::{index_then_constraint, locked, Placement, SchemaIntent, Suggestion};
use crate::ops::{display_ident, ColumnSpec, ConstraintKind, DmlKind, ObjName, Op, OpKind};
use crate::ops::{quote_ident, SqlType};
use crate::pg::locks::LockMode;
use crate::rules::diagnostic::Finding;
use crate::syntax::split::ident_value;

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

/// Pairs a DROP COLUMN with an ADD COLUMN only on evidence: the same type, nullability and default, names that look
/// related (or a migration named as a rename that names one of them), and no other candidate on either side. A drop
/// whose values were copied into another column first is no loss, so it never pairs.
pub fn column_rename_pairs<'a>(ctx: &'a MigrationContext<'a>) -> Vec<ColumnRenamePair<'a>> {
    // Read at the first candidate pair only: most migrations drop no column, and this runs for every one.
    let mut migration_words: Option<Vec<String>> = None;
    // Every (drop, add) that could be a rename, as indexes into ctx.ops.
    let mut edges: Vec<(usize, usize, bool)> = Vec::new();
    for (d, dropped) in ctx.ops.iter().enumerate() {
        if dropped.only_new_objects() {
            continue;
        }
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
        if copied_into(ctx, table, column).is_some() {
            continue;
        }
        for (a, added) in ctx.ops.iter().enumerate() {
            let OpKind::AddColumn {
                table: t,
                column: c,
            } = &added.op.kind
            else {
                continue;
            };
            let same_shape = t == table
                && c.ty == old.ty
                && c.not_null == old.not_null
                && c.default.as_ref().map(|d| &d.text) == old.default.as_ref().map(|d| &d.text);
            if !same_shape
                || c.name == *column
                || ctx
                    .catalog_before
                    .table(table)
                    .is_some_and(|t| t.column(&c.name).is_some())
            {
                continue;
            }
            let exact = words(column).concat() == words(&c.name).concat();
            let migration_words = migration_words.get_or_insert_with(|| words(&ctx.file.migration));
            let named = migration_words.iter().any(|w| w.starts_with("renam"))
                && [column.as_str(), c.name.as_str()].iter().any(|n| {
                    words(n).iter().any(|w| {
                        w.len() > 2 && w != "id" && migration_words.iter().any(|m| same_word(m, w))
                    })
                });
            if exact || named || related_names(column, &c.name) {
                edges.push((d, a, exact));
            }
        }
    }
    // Same spelling in another case convention first (createdAt -> created_at), then pairs with one candidate each.
    let mut chosen: Vec<(usize, usize)> =
        edges.iter().filter(|e| e.2).map(|e| (e.0, e.1)).collect();
    let taken =
        |chosen: &[(usize, usize)], d: usize, a: usize| chosen.iter().any(|c| c.0 == d || c.1 == a);
    let open: Vec<(usize, usize)> = edges
        .iter()
        .filter(|e| !e.2 && !taken(&chosen, e.0, e.1))
        .map(|e| (e.0, e.1))
        .collect();
    for &(d, a) in &open {
        if open.iter().filter(|e| e.0 == d).count() == 1
            && open.iter().filter(|e| e.1 == a).count() == 1
        {
            chosen.push((d, a));
        }
    }
    chosen.sort_unstable();
    chosen
        .into_iter()
        .filter_map(|(d, a)| {
            let (OpKind::DropColumn { table, column }, OpKind::AddColumn { column: c, .. }) =
                (&ctx.ops[d].op.kind, &ctx.ops[a].op.kind)
            else {
                return None;
            };
            Some(ColumnRenamePair {
                table,
                dropped: &ctx.ops[d],
                dropped_column: column,
                added_column: &c.name,
                added_not_null: c.not_null,
                ty: c.ty.text.clone(),
            })
        })
        .collect()
}

/// `userId`, `user_id`, `UserID2` → `["user", "id", "2"]`: the words of a name in any case convention.
fn words(name: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut prev: Option<char> = None;
    for ch in name.chars() {
        let boundary = match prev {
            _ if !ch.is_alphanumeric() => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
                prev = None;
                continue;
            }
            Some(p) => {
                (p.is_lowercase() && ch.is_uppercase()) || (p.is_alphabetic() != ch.is_alphabetic())
            }
            None => false,
        };
        if boundary && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        current.extend(ch.to_lowercase());
        prev = Some(ch);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// One word in singular or plural.
fn same_word(a: &str, b: &str) -> bool {
    a.trim_end_matches('s') == b.trim_end_matches('s')
}

/// Names one could be renamed to from the other: a letter or two apart (`skipConversations`, `skipConversation`), or
/// every word of one found in the other (`profileBio`, `bio`; not for references, `...Id`). A name that gains or
/// loses `Id` now holds a reference, not the same value.
fn related_names(a: &str, b: &str) -> bool {
    let (wa, wb) = (words(a), words(b));
    if wa.iter().any(|w| w == "id") != wb.iter().any(|w| w == "id") {
        return false;
    }
    let (na, nb) = (wa.concat(), wb.concat());
    let shorter = na.len().min(nb.len());
    let distance = edit_distance(&na, &nb);
    if (distance <= 1 && shorter >= 4) || (distance <= 2 && shorter >= 8) {
        return true;
    }
    // A reference that loses or gains a word (`eventLogId`, `eventId`) points somewhere else more often than not.
    if wa.iter().any(|w| w == "id") {
        return false;
    }
    let (small, large) = if wa.len() <= wb.len() {
        (&wa, &wb)
    } else {
        (&wb, &wa)
    };
    let significant: Vec<&String> = small.iter().filter(|w| w.len() > 2 && *w != "id").collect();
    !significant.is_empty() && small.iter().all(|w| large.iter().any(|l| same_word(l, w)))
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (row[j + 1] + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// The column added in this migration that an UPDATE of `table`, before the column is dropped, fills from
/// `column` (`UPDATE t SET new = f(old)`): the values survive there.
pub fn copied_into<'a>(
    ctx: &'a MigrationContext<'a>,
    table: &ObjName,
    column: &str,
) -> Option<&'a str> {
    let drop_at = ctx.ops.iter().find(|r| matches!(&r.op.kind, OpKind::DropColumn { table: t, column: c } if t == table && c == column))?.op.span.start;
    let added: Vec<&str> = ctx
        .ops
        .iter()
        .filter_map(|r| match &r.op.kind {
            OpKind::AddColumn {
                table: t,
                column: c,
            } if t == table => Some(c.name.as_str()),
            _ => None,
        })
        .collect();
    ctx.ops
        .iter()
        .filter(|r| r.op.span.start < drop_at)
        .filter(|r| matches!(&r.op.kind, OpKind::Dml { kind: DmlKind::Update, table: t, .. } if t == table))
        .find_map(|r| {
            let statement = ctx.statements.iter().find(|s| s.span.start <= r.op.span.start && r.op.span.start < s.span.end)?;
            // One pass, holding no list of names: a long UPDATE's tokens are lexed again for this.
            let (mut reads_column, mut named) = (false, vec![false; added.len()]);
            for ident in statement.all_tokens(&ctx.file.text).filter_map(|t| ident_value(&t, &ctx.file.text)) {
                reads_column |= ident == column;
                for (seen, a) in named.iter_mut().zip(&added) {
                    *seen |= ident == *a;
                }
            }
            if !reads_column {
                return None;
            }
            added.iter().zip(named).find(|(_, seen)| *seen).map(|(a, _)| *a)
        })
}

/// Prisma's incompatible type change: `DROP COLUMN "x", ADD COLUMN "x" <other type>`. The name survives, the values
/// do not: the new column starts empty.
pub struct DropAddRetype<'a> {
    pub table: &'a ObjName,
    pub column: &'a str,
    pub dropped: &'a ReplayedOp<'a>,
    pub added: &'a ColumnSpec,
    pub old_type: SqlType,
}

pub fn drop_add_retypes<'a>(ctx: &'a MigrationContext<'a>) -> Vec<DropAddRetype<'a>> {
    let mut out = Vec::new();
    for (d, dropped, table, column, old) in dropped_columns(ctx) {
        if dropped.only_new_objects() {
            continue;
        }
        let added = ctx.ops[d + 1..].iter().find_map(|r| match &r.op.kind {
            OpKind::AddColumn {
                table: t,
                column: c,
            } if t == table && c.name == *column => Some(c),
            _ => None,
        });
        if let Some(added) = added.filter(|c| c.ty != old.ty) {
            out.push(DropAddRetype {
                table,
                column,
                dropped,
                added,
                old_type: old.ty.clone(),
            });
        }
    }
    out
}

/// Each DROP COLUMN of a column that existed before this migration: its position, the op, table, column, and the
/// column as it was.
fn dropped_columns<'a>(
    ctx: &'a MigrationContext<'a>,
) -> impl Iterator<Item = (usize, &'a ReplayedOp<'a>, &'a ObjName, &'a str, &'a Column)> + 'a {
    ctx.ops.iter().enumerate().filter_map(|(d, dropped)| {
        let OpKind::DropColumn { table, column } = &dropped.op.kind else {
            return None;
        };
        let old = ctx.catalog_before.table(table)?.column(column)?;
        Some((d, dropped, table, column.as_str(), old))
    })
}

/// ADD `x_new`, fill it from `x`, DROP `x`, RENAME `x_new` TO `x`: the values and the name survive; the type may
/// change.
pub struct ShadowSwap<'a> {
    pub table: &'a ObjName,
    pub column: &'a str,
    pub dropped: &'a ReplayedOp<'a>,
    pub old_type: SqlType,
    pub new_type: SqlType,
}

pub fn shadow_swaps<'a>(ctx: &'a MigrationContext<'a>) -> Vec<ShadowSwap<'a>> {
    let mut swaps = Vec::new();
    for (d, dropped, table, column, old) in dropped_columns(ctx) {
        let Some(shadow) = copied_into(ctx, table, column) else {
            continue;
        };
        let renamed_back = ctx.ops[d + 1..].iter().any(|r| {
            matches!(&r.op.kind, OpKind::RenameColumn { table: t, old, new } if t == table && old == shadow && new == column)
        });
        let added = ctx.ops.iter().find_map(|r| match &r.op.kind {
            OpKind::AddColumn {
                table: t,
                column: c,
            } if t == table && c.name == shadow => Some(c),
            _ => None,
        });
        if let (true, Some(added)) = (renamed_back, added) {
            // The type the column ends with, when the migration converts the renamed column once more.
            let last_type = ctx.ops[d + 1..]
                .iter()
                .rev()
                .find_map(|r| match &r.op.kind {
                    OpKind::AlterColumnType {
                        table: t,
                        column: c,
                        new_type,
                        ..
                    } if t == table && c == column => Some(new_type),
                    _ => None,
                });
            swaps.push(ShadowSwap {
                table,
                column,
                dropped,
                old_type: old.ty.clone(),
                new_type: last_type.unwrap_or(&added.ty).clone(),
            });
        }
    }
    swaps
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

/// The operation's statement says `IF EXISTS`: it expects the object may be missing.
pub fn if_exists(ctx: &MigrationContext, op: &Op) -> bool {
    let src = &ctx.file.text;
    ctx.statements
        .iter()
        .find(|s| s.span.start <= op.span.start && op.span.start < s.span.end)
        .is_some_and(|s| {
            s.tokens.windows(2).any(|w| {
                w[0].text(src).eq_ignore_ascii_case("if")
                    && w[1].text(src).eq_ignore_ascii_case("exists")
            })
        })
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

/// The end of the help for a unique key built CONCURRENTLY: Prisma's `@unique` is the index alone, and the DROP INDEX
/// Prisma writes when it goes fails on an index a constraint owns (PostgreSQL 15, 2BP01; tests/fix.rs).
pub const PRISMA_UNIQUE: &str =
    "(instant); in a Prisma project stop at the index, which is what `@unique` makes: \
     Prisma removes one with DROP INDEX, and that fails on an index a constraint owns";

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
        IndexedConstraint::Unique => ("ADD UNIQUE", "", "UNIQUE", PRISMA_UNIQUE),
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
