//! `--fix` proven with Prisma itself, one test per schema edit in fixtures/fix.
//!
//! Each scenario is a Prisma project whose first migration (fixtures/fix/init.sql, Prisma's SQL for base.prisma) and
//! schema are committed in a temporary git repository, and whose new migration (`<scenario>/migration.sql`, what
//! Prisma 6.19 writes from base.prisma to `<scenario>/schema.prisma`; scripts/gen-fix-fixtures.sh regenerates them) and
//! schema edit are not (a scenario may instead bring a multi-file `schema/` folder with its `base/` and init.sql, or an
//! edit.sed: the hand edit of a `--create-only` migration; see tests/support/fix_project.rs). After `migrate-lint --fix
//! --severity-threshold warning`:
//! 1. the committed migration is byte-identical;
//! 2. linting what changed since HEAD finds no error, nor any warning (the run fixes warnings too);
//! 3. Prisma agrees: its SQL from empty for the edited schema.prisma and the migrations now on disk build the same
//!    catalog on PostgreSQL 15 (columns with type, nullability and default; indexes; primary, unique and foreign keys;
//!    enums; CHECK constraints and NOT VALID are left out, as Prisma ignores them);
//! 4. deploy on data: the committed migration, rows in every table (nullable columns half NULL), then every new
//!    migration folder in order, each file sent as one simple query as Prisma does: all succeed, no row is lost.

mod support;

use std::fs;
use std::path::Path;

use support::pg::TestPg;
use support::prisma::{self, From};

use support::files::git;
use support::fix_project::{
    fixtures, lint, migrations_dir, project, schema_path, schema_text, INIT,
};
use support::lint::is_duplicates_warning;

const ROWS: i64 = 10;

/// Migration folders on disk, in the order Prisma applies them.
fn migration_folders(dir: &Path) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = fs::read_dir(migrations_dir(dir))
        .unwrap()
        .filter_map(|e| {
            let e = e.unwrap();
            let sql = e.path().join("migration.sql");
            sql.is_file().then(|| {
                (
                    e.file_name().to_string_lossy().into_owned(),
                    fs::read_to_string(sql).unwrap(),
                )
            })
        })
        .collect();
    out.sort();
    out
}

/// What Prisma and PostgreSQL see of a database, one line per object, sorted. A unique constraint is listed as its
/// unique index (the index line): Prisma reads both as `@unique`, and writes a unique index for either.
fn catalog(client: &mut postgres::Client) -> Vec<String> {
    let sql = "
      SELECT 'column ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
             || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
             || coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '')
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
      UNION ALL
      SELECT 'index ' || pg_get_indexdef(x.indexrelid) || CASE WHEN x.indisvalid THEN '' ELSE ' INVALID' END
      FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public'
      UNION ALL
      SELECT 'constraint ' || c.relname || '.' || co.conname || ' ' || replace(pg_get_constraintdef(co.oid), ' NOT VALID', '')
      FROM pg_constraint co JOIN pg_class c ON c.oid = co.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND co.contype IN ('p', 'f')
      UNION ALL
      SELECT 'enum ' || t.typname || ' (' || string_agg(e.enumlabel, ', ' ORDER BY e.enumsortorder) || ')'
      FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = 'public' GROUP BY t.typname
      ORDER BY 1";
    client
        .query(sql, &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

/// Every file of the project outside .git, with its content.
fn files(root: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for e in fs::read_dir(&dir).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                if !path.ends_with(".git") {
                    dirs.push(path);
                }
            } else {
                let name = path.strip_prefix(root).unwrap().display().to_string();
                out.insert(name, fs::read(&path).unwrap());
            }
        }
    }
    out
}

fn tables(client: &mut postgres::Client) -> Vec<String> {
    client
        .query(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

/// `ROWS` rows in every table: row k has k (or a 43-character 'vk-xxx…', cut to the column's length) in every
/// column, the last enum label for enums (the one a removal drops), NULL in
/// nullable columns of even rows. Foreign keys point at row k of their table, so they hold; they are not checked
/// during the load (session_replication_role), which is all the order of tables would matter for.
fn fill(client: &mut postgres::Client) {
    let columns = client
        .query(
            "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                    (SELECT e.enumlabel FROM pg_enum e WHERE e.enumtypid = a.atttypid ORDER BY e.enumsortorder DESC LIMIT 1),
                    CASE WHEN a.atttypmod > 4 THEN a.atttypmod - 4 END
             FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
             ORDER BY 1, a.attnum",
            &[],
        )
        .unwrap();
    let mut sql = String::from("SET session_replication_role = replica;\n");
    for table in tables(client) {
        let cols: Vec<_> = columns
            .iter()
            .filter(|r| r.get::<_, String>(0) == table)
            .collect();
        for k in 1..=ROWS {
            let names: Vec<String> = cols
                .iter()
                .map(|r| format!("\"{}\"", r.get::<_, String>(1)))
                .collect();
            let values: Vec<String> = cols
                .iter()
                .map(|r| {
                    let ty: String = r.get(2);
                    let not_null: bool = r.get(3);
                    let label: Option<String> = r.get(4);
                    let max_length: Option<i32> = r.get(5);
                    if !not_null && k % 2 == 0 {
                        return "NULL".to_string();
                    }
                    match (label, ty.as_str()) {
                        (Some(label), _) => format!("'{label}'"),
                        (None, "integer" | "bigint" | "smallint") => k.to_string(),
                        (None, t) if t.starts_with("timestamp") => "now()".to_string(),
                        (None, "boolean") => "true".to_string(),
                        (None, "jsonb") => "'{}'".to_string(),
                        // Long enough that narrowing a varchar(64) to 32 would fail.
                        (None, _) => {
                            let text = format!("v{k}-{}", "x".repeat(40));
                            format!(
                                "'{}'",
                                &text[..text.len().min(max_length.unwrap_or(64) as usize)]
                            )
                        }
                    }
                })
                .collect();
            sql += &format!(
                "INSERT INTO \"{table}\" ({}) VALUES ({});\n",
                names.join(", "),
                values.join(", ")
            );
        }
    }
    sql += "SET session_replication_role = origin;\n";
    client.batch_execute(&sql).unwrap();
}

fn counts(client: &mut postgres::Client, tables: &[String]) -> Vec<(String, i64)> {
    tables
        .iter()
        .map(|t| {
            let n: i64 = client
                .query_one(&format!("SELECT count(*) FROM \"{t}\""), &[])
                .unwrap()
                .get(0);
            (t.clone(), n)
        })
        .collect()
}

fn scenario(name: &str) {
    if prisma::available_or_skip() {
        fixed(name);
    }
}

/// The scenario's project after `--fix`, through the four checks.
fn fixed(name: &str) -> tempfile::TempDir {
    let dir = project(name);
    let root = dir.path();
    let migrations = migrations_dir(root);
    let init_before = fs::read(migrations.join(INIT).join("migration.sql")).unwrap();

    let files_before = files(root);
    let (code, stdout, stderr) = lint(root, &["--fix", "--severity-threshold", "warning"]);
    assert!(
        code != 2,
        "{name}: --fix failed ({code}):\n{stdout}\n{stderr}"
    );
    let report = format!(
        "{name}:\n{stderr}\n{stdout}\nschema now:\n{}",
        schema_text(root)
    );

    // 1. The committed migration is untouched.
    let init_after = fs::read(migrations.join(INIT).join("migration.sql")).unwrap();
    assert_eq!(init_before, init_after, "{report}");
    assert_eq!(
        git(
            root,
            &[
                "status",
                "--porcelain",
                "--",
                &format!(
                    "{}/{INIT}",
                    migrations.strip_prefix(root).unwrap().display()
                )
            ]
        ),
        "",
        "{report}"
    );

    // Nothing else is written: only the new migration's folders and the schema files change.
    let files_after = files(root);
    let touched: Vec<&String> = files_before
        .iter()
        .chain(&files_after)
        .filter(|(path, text)| {
            files_before.get(*path) != Some(*text) || files_after.get(*path) != Some(*text)
        })
        .map(|(path, _)| path)
        .filter(|path| !path.ends_with(".prisma") && !path.contains("/20240201"))
        .collect();
    assert!(
        touched.is_empty(),
        "{report}\nother files written: {touched:?}"
    );

    // 2. What changed since HEAD lints without an error. A unique index over existing values, built CONCURRENTLY
    //    now, still fails on duplicate rows: no rewrite of the SQL removes that, so its warning may stay.
    let (code, stdout, stderr) = lint(root, &["--changed-since", "HEAD", "--format", "json"]);
    let json: serde_json::Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    let duplicates_left = |d: &serde_json::Value| {
        is_duplicates_warning(
            d["rule"].as_str().unwrap_or_default(),
            d["message"].as_str().unwrap_or_default(),
        )
    };
    let left: Vec<&serde_json::Value> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] != "info" && !duplicates_left(d))
        .collect();
    assert!(
        left.is_empty() && code == 0,
        "{report}\nfindings left after --fix: {left:#?}"
    );

    prisma_agrees_on_data(root, &report);
    dir
}

/// Checks 3 and 4: Prisma's SQL from empty for the schema on disk, and every migration folder deployed on data, build
/// the same catalog, and no row is lost.
fn prisma_agrees_on_data(root: &Path, report: &str) {
    // 3. Prisma agrees with the migrations on disk.
    let pg = TestPg::shared();
    let prisma_db = pg.unique_database("fix_prisma");
    let from_empty = prisma::migrate_diff(&prisma_db, From::Empty, &schema_path(root))
        .unwrap_or_else(|e| panic!("{report}\n{e}"));
    let mut prisma_client = pg.client_for(&prisma_db);
    prisma_client
        .batch_execute(&from_empty)
        .unwrap_or_else(|e| panic!("{report}\n{e}\n{from_empty}"));

    // 4. Deploy on data: the committed migration, rows everywhere, then each new folder as one simple query.
    let deploy_db = pg.unique_database("fix_deploy");
    let mut client = pg.client_for(&deploy_db);
    let folders = migration_folders(root);
    assert_eq!(folders[0].0, INIT);
    client.batch_execute(&folders[0].1).unwrap();
    fill(&mut client);
    let names = tables(&mut client);
    let before = counts(&mut client, &names);
    for (folder, sql) in &folders[1..] {
        client
            .batch_execute(sql)
            .unwrap_or_else(|e| panic!("{report}\n{folder} fails on data: {e:?}\n{sql}"));
    }
    let after = counts(
        &mut client,
        &before.iter().map(|(t, _)| t.clone()).collect::<Vec<_>>(),
    );
    assert_eq!(before, after, "{report}\nrows lost");

    let on_disk = catalog(&mut client);
    let from_prisma = catalog(&mut prisma_client);
    let only_disk: Vec<&String> = on_disk
        .iter()
        .filter(|l| !from_prisma.contains(l))
        .collect();
    let only_prisma: Vec<&String> = from_prisma
        .iter()
        .filter(|l| !on_disk.contains(l))
        .collect();
    assert!(
        only_disk.is_empty() && only_prisma.is_empty(),
        "{report}\nthe migrations on disk and Prisma's SQL for the schema differ:\nonly on disk: {only_disk:#?}\nonly from Prisma: {only_prisma:#?}"
    );
}

macro_rules! scenarios {
    ($($name:ident),* $(,)?) => {
        $(#[test] fn $name() { scenario(stringify!($name)); })*

        #[test]
        fn every_fixture_is_a_scenario() {
            let listed = [$(stringify!($name)),*];
            let mut found: Vec<String> = fs::read_dir(fixtures())
                .unwrap()
                .map(|e| e.unwrap())
                .filter(|e| e.path().join("schema.prisma").is_file() || e.path().join("schema").is_dir())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            found.sort();
            let mut listed: Vec<String> = listed.iter().map(|s| s.to_string()).collect();
            listed.sort();
            assert_eq!(found, listed);
            assert!(listed.len() >= 25);
        }
    };
}

scenarios!(
    add_field_with_default,
    add_optional_field,
    composite_key,
    compound_unique,
    default_change,
    drop_field,
    drop_index,
    drop_model,
    drop_unique,
    enum_value_added_and_used,
    enum_value_removal,
    implicit_many_to_many,
    incompatible_type_change,
    index_on_existing_table,
    int_to_bigint,
    int_to_text,
    multi_file_schema,
    new_model,
    new_model_with_relation,
    on_delete_change,
    optional_to_required,
    optional_to_required_with_default,
    primary_key,
    primary_key_change,
    primary_key_nullable,
    relation_without_index,
    rename_field,
    rename_model,
    required_enum_field,
    required_to_optional,
    required_without_default,
    unique_constraint,
    unique_inline_column,
    unique_on_existing_data,
    varchar_narrowing,
);

/// The later release of `primary_key_nullable`, as --fix prints it, run on data after the folders --fix wrote: the
/// batched backfill until it updates no row, then each printed migration as one simple query. The key ends on
/// PostgreSQL 15 as Prisma's SQL for the `@@id` makes it, with no row lost; Prisma's own migration fails on the same
/// rows (a NULL in the key column).
#[test]
fn later_release_of_a_primary_key_on_a_nullable_column_runs_on_data() {
    if !prisma::available_or_skip() {
        return;
    }
    let dir = project("primary_key_nullable");
    let root = dir.path();
    let prisma_sql =
        fs::read_to_string(fixtures().join("primary_key_nullable/migration.sql")).unwrap();
    let (code, stdout, stderr) = lint(
        root,
        &[
            "--fix-suggestions",
            "--format",
            "json",
            "--severity-threshold",
            "warning",
        ],
    );
    assert_eq!(code, 1, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let later = report["plans"][0]["later"].as_array().unwrap().clone();
    let (code, _, stderr) = lint(root, &["--fix", "--severity-threshold", "warning"]);
    assert_eq!(code, 0, "{stderr}");

    let pg = TestPg::shared();
    let db = pg.unique_database("fix_later");
    let mut client = pg.client_for(&db);
    let folders = migration_folders(root);
    client.batch_execute(&folders[0].1).unwrap();
    fill(&mut client);
    let err = client.batch_execute(&prisma_sql).unwrap_err();
    assert!(
        format!("{err:?}").contains("contains null values"),
        "{err:?}"
    );
    for (_, sql) in &folders[1..] {
        client.batch_execute(sql).unwrap();
    }
    let names = tables(&mut client);
    let before = counts(&mut client, &names);

    let script = later[0]["sql"].as_str().unwrap();
    assert_eq!(later[0]["kind"], "script");
    for _ in 0..100 {
        if client.execute(script.trim_end_matches(';'), &[]).unwrap() == 0 {
            break;
        }
    }
    assert_eq!(later[1]["kind"], "migration");
    for migration in later[1]["sql"]
        .as_str()
        .unwrap()
        .split("-- next migration\n")
    {
        client
            .batch_execute(migration)
            .unwrap_or_else(|e| panic!("{e:?}\n{migration}"));
    }
    assert_eq!(before, counts(&mut client, &names), "rows lost");
    let key: String = client
        .query_one(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'Flag_pkey'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(key, "PRIMARY KEY (key, scope)");
}

/// The release after a fixed unique key: the developer removes the `@unique` again, and Prisma writes the migration
/// (`DROP INDEX`). It must deploy after the folders --fix wrote: PostgreSQL 15 refuses `DROP INDEX` for an index a
/// constraint owns (2BP01, "cannot drop index ... because constraint ... requires it"), so in a Prisma project the
/// fix ends with the unique index alone, as Prisma writes `@unique`. Checks 3 and 4 then hold again with it.
fn unique_removed_in_the_next_migration(name: &str, field: &str) {
    if !prisma::available_or_skip() {
        return;
    }
    let dir = fixed(name);
    let root = dir.path();
    let schema = schema_path(root);
    let before = fs::read_to_string(&schema).unwrap();
    let unique = before
        .lines()
        .find(|l| l.trim_start().starts_with(&format!("{field} ")) && l.ends_with(" @unique"))
        .unwrap_or_else(|| panic!("no `{field} ... @unique` in\n{before}"));
    let after = before.replacen(unique, unique.trim_end_matches(" @unique"), 1);
    let edited = root.join("edited.prisma");
    fs::write(&edited, &after).unwrap();
    let pg = TestPg::shared();
    let next = prisma::migrate_diff(
        &pg.unique_database("fix_next"),
        From::Schema(&schema),
        &edited,
    )
    .unwrap();
    assert!(next.contains("DROP INDEX"), "{next}");
    fs::rename(&edited, &schema).unwrap();
    let folder = migrations_dir(root).join(format!("20240301000000_drop_{field}_unique"));
    fs::create_dir_all(&folder).unwrap();
    fs::write(folder.join("migration.sql"), &next).unwrap();
    prisma_agrees_on_data(root, &format!("{name}, then:\n{next}"));
}

#[test]
fn unique_constraint_then_its_unique_removed() {
    unique_removed_in_the_next_migration("unique_constraint", "name");
}

#[test]
fn unique_inline_column_then_its_unique_removed() {
    unique_removed_in_the_next_migration("unique_inline_column", "handle");
}
