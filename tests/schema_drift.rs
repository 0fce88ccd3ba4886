//! schema-drift against the real Prisma CLI (6.19, tests/support/prisma.rs): for every schema of the fixtures, of the
//! shared corpus and of tests/schema_drift/ (one Prisma feature each), Prisma's own `migrate diff --from-empty` SQL as
//! the only migration must show no drift; then each schema is changed one element at a time with no migration
//! (a field dropped, a type changed, `@unique` added, a column renamed with `@map`, ...), and every change must be
//! reported, naming that element.

mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use migrate_lint::input::prisma_schema::{parse_field_refs, Schema};
use migrate_lint::rules::drift::locate::schema_for;
use migrate_lint::rules::drift::FoundSchema;
use migrate_lint::rules::settings::{RunState, Settings};
use migrate_lint::syntax::source::SourceFile;
use support::files::{git, write};
use support::lint::lint_in;
use support::pg::TestPg;
use support::prisma::{self, From};
use support::run::run;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A schema file or folder, by a short name.
struct Case {
    name: String,
    schema: PathBuf,
}

fn is_postgres(schema: &Path) -> bool {
    Schema::load(schema, None).is_ok_and(|s| {
        s.datasource
            .iter()
            .any(|(k, v)| k == "provider" && v.contains("postgresql"))
    })
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    let mut fixtures: Vec<_> = fs::read_dir(repo().join("fixtures"))
        .unwrap()
        .map(|e| e.unwrap().path().join("prisma/schema.prisma"))
        .filter(|p| p.is_file() && is_postgres(p))
        .collect();
    fixtures.sort();
    for schema in fixtures {
        let name = schema.parent().unwrap().parent().unwrap();
        out.push(Case {
            name: format!("fixtures/{}", name.file_name().unwrap().to_string_lossy()),
            schema,
        });
    }
    let corpus = repo().join("../shared/corpus");
    let mut histories: Vec<PathBuf> = Vec::new();
    for entry in fs::read_dir(&corpus).into_iter().flatten().flatten() {
        let dir = entry.path();
        if dir.join("migrations").is_dir() {
            histories.push(dir);
        } else if dir.is_dir() {
            for sub in fs::read_dir(&dir).unwrap().flatten() {
                if sub.path().join("migrations").is_dir() {
                    histories.push(sub.path());
                }
            }
        }
    }
    histories.sort();
    for dir in histories {
        let schema = schema_for(&dir.join("migrations"))
            .expect("readable")
            .expect("corpus schema");
        out.push(Case {
            name: dir.strip_prefix(&corpus).unwrap().display().to_string(),
            schema,
        });
    }
    let mut written: Vec<_> = fs::read_dir(repo().join("tests/schema_drift"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "prisma"))
        .collect();
    written.sort();
    for schema in written {
        out.push(Case {
            name: schema.file_name().unwrap().to_string_lossy().into_owned(),
            schema,
        });
    }
    out
}

/// A project holding `schema` (copied: one file as `prisma/schema.prisma`, a folder's files into `prisma/schema/`)
/// and an empty `prisma/migrations/0_init/`.
fn project(schema: &Path) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let prisma = dir.path().join("prisma");
    fs::create_dir_all(prisma.join("migrations/0_init")).unwrap();
    let target = if schema.is_file() {
        let file = prisma.join("schema.prisma");
        fs::copy(schema, &file).unwrap();
        file
    } else {
        let folder = prisma.join("schema");
        fs::create_dir_all(&folder).unwrap();
        for (i, file) in Schema::load(schema, None).unwrap().files.iter().enumerate() {
            let name = file.file_name().unwrap().to_string_lossy();
            fs::copy(file, folder.join(format!("{i}_{name}"))).unwrap();
        }
        folder
    };
    // Schemas written for Prisma 7 keep the URL in prisma.config.ts; Prisma 6 wants it in the datasource.
    let files = if target.is_dir() {
        fs::read_dir(&target)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect()
    } else {
        vec![target.clone()]
    };
    for file in files {
        let text = fs::read_to_string(&file).unwrap();
        let Some(at) = text.find("datasource ") else {
            continue;
        };
        let open = at + text[at..].find('{').unwrap() + 1;
        let block = &text[open..open + text[open..].find('}').unwrap()];
        if !block.lines().any(|l| l.trim_start().starts_with("url")) {
            let patched = format!(
                "{}\n  url = env(\"DATABASE_URL\"){}",
                &text[..open],
                &text[open..]
            );
            fs::write(&file, patched).unwrap();
        }
    }
    (dir, target)
}

/// The schema-drift findings of a lint of the project's migrations: (path, line, message).
fn drift(project: &Path) -> Vec<(String, u64, String)> {
    let report = run(
        project,
        &["--format", "json", "--no-cache", "prisma/migrations"],
    )
    .json();
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "schema-drift")
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap_or(0),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The schema-drift messages of `sql` as the only migration, linted with `schema` (one file) by the library: the
/// many changed schemas need no process each.
fn drift_of(sql: &str, schema: &str) -> Vec<String> {
    drift_of_history(&[sql], schema)
}

/// [`drift_of`] for a history of several migrations, in order.
fn drift_of_history(sqls: &[&str], schema: &str) -> Vec<String> {
    let path = Path::new("schema.prisma");
    let source = |name: &str, text: &str| {
        SourceFile::new(name.into(), name.into(), name.into(), text.to_string())
    };
    let state = RunState {
        schema: Some(Arc::new(FoundSchema {
            schema: Schema::parse_str(schema, path),
            sources: vec![source("schema.prisma", schema)],
        })),
        ..RunState::default()
    };
    let files: Vec<SourceFile> = (0..)
        .zip(sqls)
        .map(|(i, sql)| source(&format!("{i}_step"), sql))
        .collect();
    let report = vec![true; files.len()];
    lint_in(&files, &report, &Settings::default(), &state)
        .diagnostics
        .into_iter()
        .filter(|d| d.rule == "schema-drift")
        .map(|d| d.message)
        .collect()
}

/// Prisma's from-empty SQL for every schema, four Prisma processes at a time (each takes seconds).
fn from_empty(cases: &[(String, PathBuf)]) -> Vec<String> {
    let pg = TestPg::shared();
    let url = pg.unique_database("schema_drift");
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<String>>> = Mutex::new(cases.iter().map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some((name, schema)) = cases.get(i) else {
                    break;
                };
                let sql = prisma::migrate_diff(&url, From::Empty, schema)
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                results.lock().unwrap()[i] = Some(sql);
            });
        }
    });
    results
        .into_inner()
        .unwrap()
        .into_iter()
        .flatten()
        .collect()
}

const SCALARS: &[&str] = &[
    "String", "Boolean", "Int", "BigInt", "Float", "Decimal", "DateTime", "Json", "Bytes",
];

/// One change to a schema and the words its finding must contain.
struct Mutation {
    what: String,
    text: String,
    expect: String,
}

/// Single-element changes of a one-file schema, each to an element of its own kind.
fn mutations(text: &str) -> Vec<Mutation> {
    let schema = Schema::parse_str(text, Path::new("schema.prisma"));
    let lines: Vec<&str> = text.lines().collect();
    let with_line = |line: usize, new: &str| -> String {
        let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        out[line - 1] = new.to_string();
        out.join("\n") + "\n"
    };
    let relation_mode_prisma = schema
        .datasource
        .iter()
        .any(|(k, v)| k == "relationMode" && v.contains("prisma"));
    let mut out = Vec::new();
    let enums: Vec<&str> = schema.enums.iter().map(|e| e.name.as_str()).collect();
    let models = schema.models.iter().filter(|m| !m.is_view);
    let mut done: Vec<&str> = Vec::new();
    for model in models {
        // Fields a relation, a key or an index names: mutating them changes more than one element.
        let relations = model
            .fields
            .iter()
            .filter_map(|f| f.attribute("relation")?.arg("fields", false));
        let keys = model
            .attributes
            .iter()
            .filter(|a| matches!(a.name(), "id" | "unique" | "index"))
            .filter_map(|a| a.arg("fields", true));
        let used: Vec<String> = relations
            .chain(keys)
            .flat_map(parse_field_refs)
            .map(|r| r.name.to_string())
            .chain(model.id_fields().map(str::to_string))
            .chain(
                model
                    .fields
                    .iter()
                    .filter(|f| f.is_unique)
                    .map(|f| f.name.clone()),
            )
            .collect();
        let scalar = |f: &&migrate_lint::input::prisma_schema::Field| {
            (SCALARS.contains(&f.type_name.as_str()) || enums.contains(&f.type_name.as_str()))
                && !f.list
                && !f.is_id
                && !used.contains(&f.name)
        };
        for field in model.fields.iter().filter(scalar) {
            // Attributes go before a trailing comment.
            let line = lines[field.line - 1];
            let line = line.split("//").next().unwrap_or(line).trim_end();
            let label = format!("{}.{}", model.name, field.name);
            let mut push = |kind: &'static str, text: String, expect: String| {
                if !done.contains(&kind) {
                    done.push(kind);
                    out.push(Mutation {
                        what: format!("{kind} {label}"),
                        text,
                        expect,
                    });
                }
            };
            let mut rest: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
            rest.remove(field.line - 1);
            push(
                "drop field",
                rest.join("\n") + "\n",
                format!("\"{}\"", field.db_name()),
            );
            if !field.optional {
                let changed = line.replacen(&field.type_name, &format!("{}?", field.type_name), 1);
                push(
                    "make optional",
                    with_line(field.line, &changed),
                    label.clone(),
                );
            }
            // A new type, without the native type and default of the old one.
            let new_type = if field.type_name == "String" {
                "Int"
            } else {
                "String"
            };
            let mut changed = format!("  {} {new_type}", field.name);
            if field.optional {
                changed.push('?');
            }
            if let Some(map) = field.attributes.iter().find(|a| a.name() == "map") {
                changed = format!("{changed} {}", map.raw);
            }
            push(
                "change type",
                with_line(field.line, &changed),
                label.clone(),
            );
            if !field.is_unique {
                push(
                    "add @unique",
                    with_line(field.line, &format!("{line} @unique")),
                    format!("@unique on {label}"),
                );
            }
            if field.db_name() == field.name {
                push(
                    "rename with @map",
                    with_line(
                        field.line,
                        &format!("{line} @map(\"{}_renamed\")", field.name),
                    ),
                    format!("{}_renamed", field.name),
                );
            }
            if field.default().is_none() && field.type_name == "Int" {
                push(
                    "add a default",
                    with_line(field.line, &format!("{line} @default(42)")),
                    label.clone(),
                );
            }
            let closing = lines[model.end_line - 1];
            push(
                "add @@index",
                with_line(
                    model.end_line,
                    &format!("  @@index([{}])\n{closing}", field.name),
                ),
                format!("@@index([{}])", field.name),
            );
        }
        for field in &model.fields {
            let line = lines[field.line - 1];
            if relation_mode_prisma
                || field
                    .attribute("relation")
                    .and_then(|r| r.arg("fields", false))
                    .is_none()
                || done.contains(&"change onDelete")
            {
                continue;
            }
            let changed = if line.contains("onDelete: Cascade") {
                line.replace("onDelete: Cascade", "onDelete: NoAction")
            } else if line.contains("onDelete:") {
                let at = line.find("onDelete:").unwrap();
                let end = line[at..].find([',', ')']).map_or(line.len(), |i| at + i);
                format!("{}onDelete: Cascade{}", &line[..at], &line[end..])
            } else {
                let close = line.rfind(')').unwrap();
                format!("{}, onDelete: NoAction{}", &line[..close], &line[close..])
            };
            done.push("change onDelete");
            out.push(Mutation {
                what: format!("change onDelete {}.{}", model.name, field.name),
                text: with_line(field.line, &changed),
                expect: format!("relation {}.{}", model.name, field.name),
            });
        }
    }
    if let Some(e) = schema.enums.first() {
        out.push(Mutation {
            what: format!("add a value to enum {}", e.name),
            text: with_line(e.line, &format!("{}\n  ADDED_VALUE", lines[e.line - 1])),
            expect: "ADDED_VALUE".into(),
        });
    }
    out.push(Mutation {
        what: "add a model".into(),
        text: format!("{text}\nmodel AddedModel {{\n  id Int @id\n}}\n"),
        expect: "model AddedModel".into(),
    });
    out
}

#[test]
fn prisma_from_empty_sql_shows_no_drift_and_each_change_to_the_schema_is_reported() {
    if !prisma::available_or_skip() {
        return;
    }
    let cases = cases();
    let written = cases.iter().filter(|c| c.name.ends_with(".prisma")).count();
    assert!(written >= 40, "written schemas: {written}");
    let projects: Vec<_> = cases.iter().map(|c| project(&c.schema)).collect();
    let schemas: Vec<_> = cases
        .iter()
        .zip(&projects)
        .map(|(c, (_, schema))| (c.name.clone(), schema.clone()))
        .collect();
    let sqls = from_empty(&schemas);
    let mut failures = Vec::new();
    let (mut mutated, mut reported) = (0, 0);
    for ((case, sql), (dir, schema)) in cases.iter().zip(&sqls).zip(&projects) {
        fs::write(
            dir.path().join("prisma/migrations/0_init/migration.sql"),
            sql,
        )
        .unwrap();
        let found = drift(dir.path());
        if !found.is_empty() {
            failures.push(format!(
                "{}: drift on Prisma's own SQL: {found:#?}",
                case.name
            ));
        }
        if !schema.is_file() {
            continue;
        }
        let original = fs::read_to_string(schema).unwrap();
        // The library agrees with the command line on the unchanged schema.
        assert!(drift_of(sql, &original).is_empty() == found.is_empty());
        for mutation in mutations(&original) {
            mutated += 1;
            let found = drift_of(sql, &mutation.text);
            if found.iter().any(|m| m.contains(&mutation.expect)) {
                reported += 1;
            } else {
                failures.push(format!(
                    "{}: {} not reported (expected a finding naming `{}`): {found:#?}",
                    case.name, mutation.what, mutation.expect
                ));
            }
        }
    }
    eprintln!(
        "{} schemas round-tripped, {reported} of {mutated} changes reported",
        cases.len()
    );
    assert!(mutated >= 200, "only {mutated} changes tried");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// An optional `autoincrement()` field matches a serial whose NOT NULL only its type implies (Prisma's own SQL), not
/// a NOT NULL written in the SQL: that one is a real difference (PostgreSQL 15 keeps both as written).
#[test]
fn an_optional_autoincrement_field_matches_only_a_serial_left_to_its_type() {
    let schema =
        "datasource db {\n  provider = \"postgresql\"\n  url = env(\"DATABASE_URL\")\n}\n\n\
                  model T {\n  id Int @id\n  m Int? @default(autoincrement())\n}\n";
    let table = |column: &str| {
        format!(
            "CREATE SEQUENCE \"T_m_seq\";\nCREATE TABLE \"T\" (\n    \"id\" INTEGER NOT NULL,\n    \"m\" {column},\n\n    \
             CONSTRAINT \"T_pkey\" PRIMARY KEY (\"id\")\n);\n"
        )
    };
    assert_eq!(drift_of(&table("SERIAL"), schema), Vec::<String>::new());
    for written in [
        "SERIAL NOT NULL",
        "INTEGER NOT NULL DEFAULT nextval('\"T_m_seq\"'::regclass)",
    ] {
        let found = drift_of(&table(written), schema);
        assert!(
            found.iter().any(|m| m.contains("T.m is optional")),
            "{written}: {found:#?}"
        );
    }
    let set_later = format!(
        "{}ALTER TABLE \"T\" ALTER COLUMN \"m\" SET NOT NULL;\n",
        table("SERIAL")
    );
    assert!(!drift_of(&set_later, schema).is_empty());
}

/// Histories Prisma writes in two steps (from-empty SQL of the first schema, then its diff to the second) show no
/// drift against the second schema, as PostgreSQL 15 runs them (a random round of 722 such histories found these):
/// - `autoincrement()` added to an `Oid` column gets a sequence only then;
/// - `autoincrement()` changed to a literal is `SET DEFAULT 42, DROP DEFAULT`, which leaves 42 (DROP DEFAULT runs
///   first), and removed it is `DROP DEFAULT` on a serial, which leaves an integer without a default;
/// - a value removed from an enum of another schema recreates the type there and renames it back.
#[test]
fn a_history_prisma_writes_in_two_steps_shows_no_drift() {
    if !prisma::available_or_skip() {
        return;
    }
    let head =
        "datasource db {\n  provider = \"postgresql\"\n  url      = env(\"DATABASE_URL\")\n}\n\n";
    let multi =
        "datasource db {\n  provider = \"postgresql\"\n  url      = env(\"DATABASE_URL\")\n  \
                 schemas  = [\"public\", \"other\"]\n}\n\n";
    let enum_in_other = |values: &str| {
        format!(
            "{multi}enum E {{\n{values}\n  @@schema(\"other\")\n}}\n\n\
             model T {{\n  id Int  @id\n  e  E\n  l  E[]\n\n  @@schema(\"public\")\n}}\n"
        )
    };
    let serial = |n: &str| {
        format!("{head}model T {{\n  id Int @id @default(autoincrement())\n  n  Int{n}\n}}\n")
    };
    let steps = [
        (
            format!("{head}model T {{\n  id Int @id\n  o  Int @db.Oid\n}}\n"),
            format!(
                "{head}model T {{\n  id Int @id\n  o  Int @default(autoincrement()) @db.Oid\n}}\n"
            ),
        ),
        (
            serial(" @default(autoincrement())"),
            serial(" @default(42)"),
        ),
        (serial(" @default(autoincrement())"), serial("")),
        (enum_in_other("  A\n  B\n"), enum_in_other("  A\n")),
    ];
    let pg = TestPg::shared();
    let url = pg.unique_database("schema_drift_steps");
    let dir = tempfile::tempdir().unwrap();
    for (first, second) in steps {
        let (a, b) = (dir.path().join("a.prisma"), dir.path().join("b.prisma"));
        fs::write(&a, &first).unwrap();
        fs::write(&b, &second).unwrap();
        let init = prisma::migrate_diff(&url, From::Empty, &a).unwrap();
        let step = prisma::migrate_diff(&url, From::Schema(&a), &b).unwrap();
        assert!(
            step.contains("ALTER"),
            "Prisma's step changes something: {step}"
        );
        let found = drift_of_history(&[&init, &step], &second);
        assert!(found.is_empty(), "{step}\n{second}: {found:#?}");
    }
}

/// A project whose one migration creates "User" (id, email) and whose schema adds `name`: one schema-drift finding.
fn drifting_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("prisma/migrations/0_init/migration.sql"),
        "CREATE TABLE \"User\" (\"id\" SERIAL NOT NULL, \"email\" TEXT NOT NULL, CONSTRAINT \"User_pkey\" PRIMARY KEY (\"id\"));\n",
    );
    write(
        &dir.path().join("prisma/schema.prisma"),
        "datasource db {\n  provider = \"postgresql\"\n  url = env(\"DATABASE_URL\")\n}\n\nmodel User {\n  id    Int    @id @default(autoincrement())\n  email String\n  name  String\n}\n",
    );
    dir
}

#[test]
fn fix_suggestions_and_fix_give_only_the_prisma_command() {
    let dir = drifting_project();
    let report = run(
        dir.path(),
        &[
            "--format",
            "json",
            "--no-cache",
            "--fix-suggestions",
            "prisma/migrations",
        ],
    )
    .json();
    let found = report["diagnostics"].as_array().unwrap();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0]["rule"], "schema-drift");
    assert!(found[0]["message"].as_str().unwrap().contains(
        "User.name is in schema.prisma but no migration creates column \"User\".\"name\""
    ));
    assert_eq!(
        found[0]["suggestion"]["summary"],
        "run `npx prisma migrate dev --name add_missing_schema_changes`"
    );
    assert_eq!(found[0]["suggestion"]["sql"], serde_json::json!([]));

    // --fix writes nothing: the migration is Prisma's to write (the migrations are untracked, so not applied).
    git(dir.path(), &["init", "-q"]);
    let files = [
        "prisma/migrations/0_init/migration.sql",
        "prisma/schema.prisma",
    ];
    let read = || -> Vec<Vec<u8>> {
        files
            .iter()
            .map(|f| fs::read(dir.path().join(f)).unwrap())
            .collect()
    };
    let before = read();
    let fixed = run(dir.path(), &["--no-cache", "--fix", "prisma/migrations"]);
    assert_eq!(before, read());
    assert!(
        fixed
            .stdout
            .contains("run `npx prisma migrate dev --name add_missing_schema_changes`"),
        "{}",
        fixed.stdout
    );
    let folders = fs::read_dir(dir.path().join("prisma/migrations")).unwrap();
    assert_eq!(folders.count(), 1, "no migration folder written");
}

/// Prisma reads `\r\n` and a lone `\r` as line breaks, as `\n` (its `migrate diff` from empty gives the same SQL
/// for the three spellings of one schema: checked on Prisma 6.19.3 in this test).
#[test]
fn a_schema_with_cr_or_crlf_line_breaks_reads_as_with_lf() {
    let dir = drifting_project();
    let schema = dir.path().join("prisma/schema.prisma");
    let lf = fs::read_to_string(&schema).unwrap();
    let expected = drift(dir.path());
    assert_eq!(expected.len(), 1, "{expected:#?}");
    assert_eq!(expected[0].1, 9, "the line of `name String`: {expected:#?}");
    for newline in ["\r\n", "\r"] {
        fs::write(&schema, lf.replace('\n', newline)).unwrap();
        assert_eq!(drift(dir.path()), expected, "line breaks {newline:?}");
    }
    if !prisma::available_or_skip() {
        return;
    }
    let pg = TestPg::shared();
    let url = pg.unique_database("line_breaks");
    let sql_of = |path: &Path| prisma::migrate_diff(&url, From::Empty, path).unwrap();
    let sql = sql_of(&schema);
    assert!(sql.contains("CREATE TABLE \"User\""), "{sql}");
    fs::write(&schema, &lf).unwrap();
    assert_eq!(sql, sql_of(&schema));
}

#[test]
fn a_schema_found_nowhere_is_said_once_with_verbose() {
    let dir = drifting_project();
    fs::remove_file(dir.path().join("prisma/schema.prisma")).unwrap();
    let note = "no Prisma schema beside this folder, so schema-drift was not checked";
    let verbose = run(
        dir.path(),
        &["--no-cache", "--verbose", "prisma/migrations"],
    );
    assert_eq!(
        verbose.stderr.matches(note).count(),
        1,
        "{}",
        verbose.stderr
    );
    assert_eq!(verbose.code, 0, "{}", verbose.stderr);
    let quiet = run(dir.path(), &["--no-cache", "prisma/migrations"]);
    assert!(!quiet.stderr.contains(note));
}
