//! The Prisma CLI harness itself (tests/support/prisma.rs): what Prisma 6.19 writes from empty for each fixture's
//! schema.prisma runs on PostgreSQL 15, and migrate-lint reads every statement of it (nothing left unparsed), so the
//! suites built on the harness compare real Prisma output with real behaviour.

mod support;

use std::fs;
use std::path::Path;

use support::pg::TestPg;
use support::prisma::{self, From};

fn postgres_schemas() -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")).unwrap() {
        let schema = entry.unwrap().path().join("prisma/schema.prisma");
        if schema.is_file()
            && fs::read_to_string(&schema)
                .unwrap()
                .contains("\"postgresql\"")
        {
            out.push(schema);
        }
    }
    out.sort();
    out
}

#[test]
fn prisma_from_empty_sql_for_every_fixture_schema_runs_on_postgres_and_parses() {
    if !prisma::available_or_skip() {
        return;
    }
    let schemas = postgres_schemas();
    assert!(schemas.len() >= 4, "fixture schemas: {schemas:?}");
    let pg = TestPg::shared();
    for schema in schemas {
        let url = pg.unique_database("prisma_cli");
        let sql = prisma::migrate_diff(&url, From::Empty, &schema).unwrap();
        assert!(sql.contains("CREATE TABLE"), "{}: {sql}", schema.display());

        // Prisma sends a migration as one simple query; so do we.
        pg.client_for(&url).batch_execute(&sql).unwrap_or_else(|e| {
            panic!(
                "{}: Prisma's SQL fails on PostgreSQL: {e}\n{sql}",
                schema.display()
            )
        });

        let dir = tempfile::tempdir().unwrap();
        let migration = dir.path().join("migrations/20240101000000_init");
        fs::create_dir_all(&migration).unwrap();
        fs::write(migration.join("migration.sql"), &sql).unwrap();
        let out = support::run::command()
            .args(["--format", "json", "--no-cache"])
            .arg(dir.path().join("migrations"))
            .output()
            .unwrap();
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!("{e}: {}", String::from_utf8_lossy(&out.stderr));
        });
        let unparsed: Vec<_> = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["rule"] == "unparsed-statement")
            .collect();
        assert!(unparsed.is_empty(), "{}: {unparsed:?}", schema.display());
    }
}
