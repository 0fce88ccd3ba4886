//! Foreign keys whose referencing columns have no index.

use super::{Category, Check, HistoryContext, Rule};
use crate::catalog::{Catalog, Table};
use crate::fix::{column_list, object_name, Placement, SchemaIntent, Suggestion};
use crate::ops::{display_ident, quote_ident, ConstraintKind};
use crate::rules::diagnostic::{Finding, Severity};

pub const RULE: Rule = Rule {
    id: "fk-without-index",
    default_severity: Severity::Warning,
    enabled_by_default: true,
    category: Category::Locking,
    summary: "a foreign key without an index on its columns makes deletes and joins scan the table",
    doc: include_str!("../../rules/fk-without-index.md"),
    checks: &[Check::History(check)],
};

fn check(ctx: &HistoryContext, out: &mut Vec<Finding>) {
    for table in ctx.catalog.tables() {
        for constraint in &table.constraints {
            let ConstraintKind::ForeignKey {
                columns, ref_table, ..
            } = &constraint.kind
            else {
                continue;
            };
            if columns.is_empty() || is_covered(ctx.catalog, table, columns) {
                continue;
            }
            let cols = columns
                .iter()
                .map(|c| display_ident(c))
                .collect::<Vec<_>>()
                .join(", ");
            out.push(Finding {
                file: constraint.origin.file,
                span: constraint.origin.span.clone(),
                message: format!(
                    "foreign key {} on {} ({cols}) has no index on those columns: every DELETE or key update \
                     on {ref_table} scans {} to check references, holding its locks meanwhile, and joins on \
                     the relation scan too",
                    display_ident(&constraint.name),
                    table.name,
                    table.name
                ),
                help: Some(format!(
                    "add `@@index([{}])` to the model (Prisma does not index relation fields on PostgreSQL), \
                     which creates the index in a new migration",
                    columns.join(", ")
                )),
                suggestion: None,
                suggestion_wanted: ctx.state.keep_suggestions,
                severity: None,
            }
            .with_suggestion(|| suggest(table, columns)));
        }
    }
}

/// `CREATE INDEX CONCURRENTLY` named the way Prisma names `@@index`, alone in its migration (it cannot run inside
/// the transaction a multi-statement migration is).
fn suggest(table: &Table, columns: &[String]) -> Suggestion {
    let parts: Vec<&str> = columns.iter().map(String::as_str).collect();
    let index = quote_ident(&object_name(&table.name.name, &parts, "idx"));
    Suggestion::new(
        format!("index {} ({}) without blocking writes", table.name, column_list(columns)),
        Placement::After,
        vec![vec![format!(
            "CREATE INDEX CONCURRENTLY {index} ON {}({});",
            table.name,
            column_list(columns)
        )]],
    )
    .schema(SchemaIntent::AddIndex {
        table: table.name.clone(),
        columns: columns.to_vec(),
    })
    .note(
        "put the CREATE INDEX CONCURRENTLY alone in a new migration file, and add the @@index in the same \
         change so Prisma sees no difference",
    )
}

/// Some complete, non-partial index (or primary key / unique constraint) starts with exactly these columns.
fn is_covered(catalog: &Catalog, table: &Table, columns: &[String]) -> bool {
    catalog.indexes_of(&table.name).any(|index| {
        !index.partial
            && index.columns.len() >= columns.len()
            && index.columns[..columns.len()]
                .iter()
                .all(|c| c.as_ref().is_some_and(|c| columns.contains(c)))
    })
}
