//! Statements lowered without sqlparser (src/ops/prisma_shapes.rs) are exactly what parsing them gives: on every
//! statement of the shared corpus and of the fixtures, on every combination of the shapes' optional parts, and on
//! random damage to them, a statement read from its tokens parses, and lowering its AST gives the same operations.
//! Most of the corpus's statements must take the short way (else its saving is gone).

mod support;

use std::path::Path;

use migrate_lint::ops::{lower_prisma_shape, lower_statement};
use migrate_lint::syntax::parse::parse_statement;
use migrate_lint::syntax::split::split;

/// How many statements of `text` were read from their tokens; panics, naming `origin`, where that disagrees with
/// parsing.
fn check(text: &str, origin: &str) -> usize {
    let mut shaped = 0;
    for raw in split(text).statements {
        if raw.unterminated.is_some() {
            continue;
        }
        let Some(ops) = lower_prisma_shape(text, &raw.tokens, &raw.span) else {
            continue;
        };
        shaped += 1;
        let statement = text[raw.span.clone()].to_string();
        let parsed = parse_statement(text, raw);
        assert!(
            parsed.ast.is_ok(),
            "{origin}: read from tokens, but sqlparser rejects it ({:?}): {statement}",
            parsed.ast.err()
        );
        assert_eq!(lower_statement(text, &parsed), ops, "{origin}: {statement}");
    }
    shaped
}

fn check_tree(root: &Path) -> usize {
    let mut shaped = 0;
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "sql") {
            if let Ok(text) = std::fs::read_to_string(entry.path()) {
                shaped += check(&text, &entry.path().display().to_string());
            }
        }
    }
    shaped
}

#[test]
fn shapes_read_from_tokens_are_what_parsing_gives_on_the_corpus() {
    let Some(root) = support::corpus::corpus_root() else {
        return;
    };
    let shaped = check_tree(&root);
    eprintln!("{shaped} statements read from their tokens");
    // 6,568 of the corpus's 7,576 statements are in Prisma's own forms.
    assert!(shaped > 6_000, "only {shaped} statements read from tokens");
}

#[test]
fn shapes_read_from_tokens_are_what_parsing_gives_on_the_fixtures() {
    let shaped = check_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"));
    assert!(shaped > 10, "only {shaped} statements read from tokens");
}

/// Every shape the grammar allows, with each optional part present and absent, in both letter cases and with line
/// breaks instead of spaces.
fn every_shape() -> Vec<String> {
    let names = ["\"Name\"", "plain_name", "\"we\"\"ird\"", "\"é\"", "\"on\""];
    let tables = [
        "\"User\"",
        "users",
        "\"public\".\"User\"",
        "billing.\"Log\"",
    ];
    let mut shapes = Vec::new();
    for (i, name) in names.iter().enumerate() {
        for (j, table) in tables.iter().enumerate() {
            let other = tables[(j + 1) % tables.len()];
            let column = names[(i + 2) % names.len()];
            for unique in ["", "UNIQUE "] {
                for concurrently in ["", "CONCURRENTLY "] {
                    for if_not_exists in ["", "IF NOT EXISTS "] {
                        for using in ["", " USING gin", " USING BTREE"] {
                            for order in ["", " ASC", " DESC", " DESC NULLS LAST", " NULLS FIRST"] {
                                shapes.push(format!(
                                    "CREATE {unique}INDEX {concurrently}{if_not_exists}{name} ON \
                                     {table}{using}({column}{order}, \"b\");"
                                ));
                            }
                        }
                    }
                }
            }
            for if_exists in ["", "IF EXISTS "] {
                for on_delete in [
                    "",
                    " ON DELETE CASCADE",
                    " ON DELETE SET NULL",
                    " ON DELETE NO ACTION",
                ] {
                    for on_update in [
                        "",
                        " ON UPDATE RESTRICT",
                        " ON UPDATE SET DEFAULT",
                        " ON UPDATE CASCADE",
                    ] {
                        shapes.push(format!(
                            "ALTER TABLE {if_exists}{table} ADD CONSTRAINT {name} FOREIGN KEY \
                             ({column}, \"b\") REFERENCES {other}(\"id\", {column}){on_delete}{on_update};"
                        ));
                        shapes.push(format!(
                            "ALTER TABLE {table} ADD CONSTRAINT {name} FOREIGN KEY ({column}) \
                             REFERENCES {other} (\"id\"){on_update}{on_delete};"
                        ));
                    }
                }
            }
        }
    }
    shapes.extend(table_shapes());
    let lower: Vec<String> = shapes.iter().map(|s| lower_keywords(s)).collect();
    let broken: Vec<String> = shapes.iter().map(|s| s.replace(' ', "\n  ")).collect();
    shapes.extend(lower);
    shapes.extend(broken);
    shapes
}

/// Column types: every built-in type the shapes read, with and without its arguments, and user types; some arrays.
fn column_types() -> Vec<String> {
    #[rustfmt::skip]
    let plain = [
        "TEXT", "INTEGER", "INT", "INT4", "BIGINT", "INT8", "SMALLINT", "INT2", "BOOLEAN", "BOOL", "REAL",
        "FLOAT4", "FLOAT8", "JSONB", "JSON", "UUID", "BYTEA", "DATE", "INET", "CITEXT", "XML", "MONEY", "SERIAL",
        "BIGSERIAL", "SMALLSERIAL", "OID", "DOUBLE PRECISION", "\"Role\"", "\"we\"\"ird\"",
    ];
    let sized = [
        "VARCHAR",
        "CHAR",
        "CHARACTER",
        "BIT",
        "VARBIT",
        "TIMESTAMP",
        "TIMESTAMPTZ",
        "TIME",
        "TIMETZ",
    ];
    let mut types: Vec<String> = plain.iter().map(|t| t.to_string()).collect();
    for t in sized {
        types.extend([t.to_string(), format!("{t}(3)")]);
    }
    for t in ["DECIMAL", "NUMERIC"] {
        types.extend([
            t.to_string(),
            format!("{t}(10)"),
            format!("{t}(65,30)"),
            format!("{t}(65, 30)"),
        ]);
    }
    let arrays: Vec<String> = types.iter().step_by(3).map(|t| format!("{t}[]")).collect();
    types.extend(arrays);
    types
}

#[rustfmt::skip]
const DEFAULTS: &[&str] = &[
    "'USER'", "'it''s'", "''", "'{}'", "0", "42", "1.5", "-1", "-0.5", "true", "FALSE", "NULL", "null",
    "CURRENT_TIMESTAMP", "current_date", "now()", "gen_random_uuid()", "uuid_generate_v4()",
];

/// `CREATE TABLE` and `ALTER TABLE` with every column type, option order and default value, and every clause.
fn table_shapes() -> Vec<String> {
    let options = |d: &str| {
        [
            String::new(),
            " NOT NULL".to_string(),
            " NULL".to_string(),
            format!(" NOT NULL DEFAULT {d}"),
            format!(" DEFAULT {d}"),
            format!(" DEFAULT {d} NOT NULL"),
            format!(" NULL DEFAULT {d} NULL"),
        ]
    };
    let mut shapes = Vec::new();
    let mut n = 0;
    for ty in column_types() {
        for option in options(DEFAULTS[n % DEFAULTS.len()]) {
            n += 1;
            shapes.push(format!(
                "CREATE TABLE \"T\" (\"id\" TEXT NOT NULL, \"c\" {ty}{option}, \
                 CONSTRAINT \"T_pkey\" PRIMARY KEY (\"id\"));"
            ));
            shapes.push(format!("ALTER TABLE \"T\" ADD COLUMN \"c\" {ty}{option};"));
        }
        let d = DEFAULTS[n % DEFAULTS.len()];
        shapes.push(format!(
            "ALTER TABLE \"T\" ALTER COLUMN \"c\" SET DATA TYPE {ty}, ALTER COLUMN \"d\" TYPE {ty}, \
             ALTER COLUMN \"e\" SET DEFAULT {d};"
        ));
    }
    for d in DEFAULTS {
        shapes.push(format!(
            "ALTER TABLE \"T\" ALTER COLUMN \"e\" SET DEFAULT {d};"
        ));
        shapes.push(format!(
            "CREATE TABLE IF NOT EXISTS t (c TEXT DEFAULT {d});"
        ));
    }
    shapes.extend([
        "CREATE TABLE \"public\".\"T\" (\"a\" INTEGER, \"b\" TEXT, PRIMARY KEY (\"a\", \"b\"), \
         CONSTRAINT \"T_b_key\" UNIQUE (\"b\"), UNIQUE (\"a\"), \"c\" TEXT, CONSTRAINT \"T_fk\" FOREIGN \
         KEY (\"b\") REFERENCES \"U\"(\"id\") ON DELETE CASCADE ON UPDATE CASCADE, FOREIGN KEY (\"a\") \
         REFERENCES s.u (ref_id));"
            .to_string(),
        "ALTER TABLE \"T\" ADD COLUMN \"a\" TEXT, DROP COLUMN \"b\", DROP COLUMN IF EXISTS \"b2\", \
         ALTER COLUMN \"c\" SET NOT NULL, ALTER COLUMN \"d\" DROP NOT NULL, ALTER COLUMN \"e\" DROP DEFAULT, \
         DROP CONSTRAINT \"x\", DROP CONSTRAINT IF EXISTS \"y\", ADD CONSTRAINT \"p\" PRIMARY KEY (\"a\"), \
         ADD CONSTRAINT \"u\" UNIQUE (\"a\", \"c\");"
            .to_string(),
        "ALTER TABLE \"t\" ADD CONSTRAINT \"f\" FOREIGN KEY (\"c\") REFERENCES \"u\"(\"id\"), ADD COLUMN \"d\" INT;"
            .to_string(),
        "ALTER TABLE \"T\" RENAME COLUMN \"a\" TO \"b\";".to_string(),
        "ALTER TABLE \"T\" RENAME CONSTRAINT \"a\" TO \"b\";".to_string(),
        "ALTER TABLE \"T\" RENAME TO \"U\";".to_string(),
        "ALTER TABLE IF EXISTS audit_log RENAME TO old_log;".to_string(),
    ]);
    shapes.extend(
        [
            "CREATE TYPE \"Role\" AS ENUM ('USER', 'ADMIN', 'it''s', '', 'é');",
            "CREATE TYPE billing.\"State\" AS ENUM ('a');",
            "ALTER TYPE \"Role\" ADD VALUE 'OWNER';",
            "ALTER TYPE \"public\".\"Role\" ADD VALUE 'we''ll';",
            "ALTER TYPE \"Role\" RENAME VALUE 'USER' TO 'MEMBER';",
            "DROP TABLE \"T\";",
            "DROP TABLE IF EXISTS \"a\", billing.b;",
            "DROP INDEX \"T_a_idx\";",
            "DROP INDEX IF EXISTS \"public\".\"i\", j;",
            "DROP TYPE \"Role\";",
            "DROP TYPE IF EXISTS \"Role\", \"State\";",
        ]
        .map(String::from),
    );
    shapes
}

/// The statement with its unquoted words in lower case.
fn lower_keywords(statement: &str) -> String {
    let mut out = String::new();
    let mut quoted = false;
    for ch in statement.chars() {
        if ch == '"' {
            quoted = !quoted;
        }
        out.push(if quoted { ch } else { ch.to_ascii_lowercase() });
    }
    out
}

#[test]
fn every_optional_part_of_the_shapes_is_read_as_parsing_reads_it() {
    let shapes = every_shape();
    for (n, shape) in shapes.iter().enumerate() {
        assert_eq!(check(shape, &format!("shape {n}")), 1, "not read: {shape}");
    }
}

#[test]
fn statements_outside_the_shapes_are_left_to_the_parser() {
    for statement in [
        // Comments, keywords as names, empty and three-part names: the parser's reading could differ.
        "CREATE INDEX \"a\" ON \"t\" /* why */ (\"c\");",
        "CREATE INDEX \"a\" ON select(\"c\");",
        "CREATE INDEX \"a\" ON \"t\"(name);",
        "CREATE INDEX \"\" ON \"t\"(\"c\");",
        "CREATE INDEX \"a\" ON \"d\".\"s\".\"t\"(\"c\");",
        "CREATE INDEX \"a\" ON \"t\"(\"c\")\u{0c};",
        "CREATE INDEX \"a\" ON \"t\"(\"c\") -- trailing\n;",
        // Parts the shapes do not read.
        "CREATE INDEX ON \"t\"(\"c\");",
        "CREATE INDEX \"a\" ON ONLY \"t\"(\"c\");",
        "CREATE INDEX \"a\" ON \"t\"(\"c\") WHERE \"c\" > 0;",
        "CREATE INDEX \"a\" ON \"t\"(\"c\") INCLUDE (\"d\");",
        "CREATE INDEX \"a\" ON \"t\"(lower(\"c\"));",
        "CREATE INDEX \"a\" ON \"t\"(\"c\" text_pattern_ops);",
        "CREATE INDEX \"a\" ON \"t\"(\"c\" COLLATE \"C\");",
        "CREATE INDEX \"a\" ON \"t\" USING ivfflat (\"c\");",
        "CREATE INDEX \"a\" ON \"t\"();",
        "CREATE INDEX \"a\" ON \"t\"(\"c\",);",
        "CREATE INDEX \"a\" ON \"t\"(\"c\"",
        "ALTER TABLE \"t\" ADD CONSTRAINT \"f\" FOREIGN KEY (\"c\") REFERENCES \"u\";",
        "ALTER TABLE \"t\" ADD CONSTRAINT \"f\" FOREIGN KEY (\"c\") REFERENCES \"u\"(\"id\") NOT VALID;",
        "ALTER TABLE \"t\" ADD CONSTRAINT \"f\" FOREIGN KEY (\"c\") REFERENCES \"u\"(\"id\") DEFERRABLE;",
        "ALTER TABLE \"t\" ADD CONSTRAINT \"f\" FOREIGN KEY (\"c\") REFERENCES \"u\"(\"id\") MATCH FULL;",
        "ALTER TABLE \"t\" ADD CONSTRAINT \"f\" FOREIGN KEY (\"c\") REFERENCES \"u\"(\"id\") ON DELETE SET NULL (\"c\");",
        "ALTER TABLE \"t\" ADD CONSTRAINT \"f\" FOREIGN KEY (\"c\") REFERENCES \"u\"(\"id\") ON DELETE CASCADE ON DELETE CASCADE;",
        "ALTER TABLE \"t\" ADD CONSTRAINT \"f\" FOREIGN KEY (\"c\") REFERENCES \"u\"(\"id\") ON DELETE;",
        "ALTER TABLE ONLY \"t\" ADD CONSTRAINT \"f\" FOREIGN KEY (\"c\") REFERENCES \"u\"(\"id\");",
        "ALTER TABLE \"t\" ADD FOREIGN KEY (\"c\") REFERENCES \"u\"(\"id\") NOT VALID;",
        // Columns and types outside the shapes.
        "CREATE TABLE \"t\" ();",
        "CREATE TABLE \"t\" (\"c\" TEXT COLLATE \"C\");",
        "CREATE TABLE \"t\" (\"c\" TEXT PRIMARY KEY);",
        "CREATE TABLE \"t\" (\"c\" TEXT UNIQUE);",
        "CREATE TABLE \"t\" (\"c\" INT GENERATED ALWAYS AS IDENTITY);",
        "CREATE TABLE \"t\" (\"c\" INT CHECK (\"c\" > 0));",
        "CREATE TABLE \"t\" (\"c\" INT REFERENCES \"u\"(\"id\"));",
        "CREATE TABLE \"t\" (\"constraint\" INT, CONSTRAINT \"p\" PRIMARY KEY (\"constraint\"));",
        "CREATE TABLE \"t\" (\"c\" INT, CHECK (\"c\" > 0));",
        "CREATE TABLE \"t\" (\"c\" INT) PARTITION BY RANGE (\"c\");",
        "CREATE TABLE \"t\" (\"c\" INT,);",
        "CREATE TABLE \"t\" (\"c\");",
        "CREATE TABLE \"t\" (\"c\" TEXT(5));",
        "CREATE TABLE \"t\" (\"c\" VARCHAR(5, 3));",
        "CREATE TABLE \"t\" (\"c\" VARCHAR(x));",
        "CREATE TABLE \"t\" (\"c\" CHARACTER VARYING(5));",
        "CREATE TABLE \"t\" (\"c\" TIMESTAMP(3) WITH TIME ZONE);",
        "CREATE TABLE \"t\" (\"c\" INTEGER[3]);",
        "CREATE TABLE \"t\" (\"c\" TEXT[][]);",
        "CREATE TABLE \"t\" (\"c\" \"public\".\"Role\");",
        "CREATE TABLE \"t\" (\"c\" geometry);",
        "CREATE TABLE \"t\" (\"c\" JSONB DEFAULT '{}'::jsonb);",
        "CREATE TABLE \"t\" (\"c\" TEXT DEFAULT E'x');",
        "CREATE TABLE \"t\" (\"c\" TEXT DEFAULT 'a\\b');",
        "CREATE TABLE \"t\" (\"c\" INT DEFAULT - 1);",
        "CREATE TABLE \"t\" (\"c\" INT DEFAULT 1e5);",
        "CREATE TABLE \"t\" (\"c\" INT DEFAULT 1 + 1);",
        "CREATE TABLE \"t\" (\"c\" TIMESTAMP DEFAULT now(3));",
        "CREATE TABLE \"t\" (\"c\" TIMESTAMP DEFAULT now ());",
        "CREATE TABLE \"t\" (\"c\" TIMESTAMP DEFAULT CURRENT_TIMESTAMP(3));",
        "CREATE TABLE \"t\" (\"c\" TEXT DEFAULT \"x\"());",
        "CREATE TABLE \"t\" (\"c\" TEXT DEFAULT);",
        // Clauses outside the shapes.
        "ALTER TABLE \"t\" ADD \"c\" TEXT;",
        "ALTER TABLE \"t\" ADD COLUMN IF NOT EXISTS \"c\" TEXT;",
        "ALTER TABLE \"t\" ALTER COLUMN \"c\" TYPE TEXT USING \"c\"::text;",
        "ALTER TABLE \"t\" ALTER COLUMN \"c\" SET STATISTICS 100;",
        "ALTER TABLE \"t\" DROP COLUMN \"c\" CASCADE;",
        "ALTER TABLE \"t\" RENAME COLUMN \"a\" TO \"b\", ADD COLUMN \"c\" TEXT;",
        "ALTER TABLE \"t\" ADD COLUMN \"c\" TEXT, RENAME TO \"u\";",
        "ALTER TABLE \"t\" ENABLE ROW LEVEL SECURITY;",
        "ALTER TABLE \"t\";",
        // Types and drops outside the shapes.
        "CREATE TYPE \"E\" AS ENUM ();",
        "CREATE TYPE \"E\" AS ENUM ('a\\b');",
        "CREATE TYPE \"E\" AS ENUM (E'a');",
        "CREATE TYPE \"E\" AS ENUM ('a',);",
        "CREATE TYPE \"C\" AS (\"a\" INT);",
        "ALTER TYPE \"E\" ADD VALUE IF NOT EXISTS 'x';",
        "ALTER TYPE \"E\" ADD VALUE 'x' BEFORE 'y';",
        "ALTER TYPE \"E\" RENAME TO \"F\";",
        "ALTER TYPE \"E\" RENAME VALUE 'a';",
        "DROP TABLE \"t\" CASCADE;",
        "DROP INDEX CONCURRENTLY \"i\";",
        "DROP SCHEMA \"s\";",
        "DROP VIEW \"v\";",
        "DROP TABLE;",
        "DROP TABLE \"a\",;",
    ] {
        let raw = split(statement).statements.remove(0);
        assert_eq!(
            lower_prisma_shape(statement, &raw.tokens, &raw.span),
            None,
            "{statement}"
        );
    }
}

/// Shapes with a token dropped, doubled or replaced: whatever is still read from tokens must parse to the same.
#[test]
fn damaged_shapes_are_read_from_tokens_only_where_parsing_agrees() {
    #[rustfmt::skip]
    const REPLACEMENTS: &[&str] = &[
        "(", ")", ",", ".", ";", "\"x\"", "y", "ON", "INDEX", "UNIQUE", "USING", "hash", "ASC", "NULLS", "LAST",
        "FOREIGN", "KEY", "REFERENCES", "DELETE", "UPDATE", "SET", "NULL", "NO", "ACTION", "CASCADE", "IF",
        "EXISTS", "NOT", "''", "1", "--c\n", "/*c*/", "DEFAULT", "TEXT", "VARCHAR(3)", "DOUBLE", "[", "]", "[]",
        "-", "now()", "(3)", "ADD", "DROP", "COLUMN", "CONSTRAINT", "PRIMARY", "RENAME", "TO", "TYPE", "DATA",
        "ALTER", "TABLE", "CREATE", "\"constraint\"", "ENUM", "VALUE", "AS", "'x'", "INDEX", "CASCADE", "'a\\b'", "E'x'", "::", "1.5", "true", "CURRENT_TIMESTAMP",
    ];
    let shapes = every_shape();
    let rounds = support::random::env_number("MIGRATE_LINT_ROUNDS", 20_000) as usize;
    let mut rng =
        support::random::Lcg(support::random::env_number("MIGRATE_LINT_SEED", 0x5a_4a_9e));
    let mut shaped = 0;
    for round in 0..rounds {
        let shape = &shapes[rng.below(shapes.len())];
        let mut words: Vec<&str> = shape.split(' ').collect();
        let at = rng.below(words.len());
        match rng.below(3) {
            0 => {
                words.remove(at);
            }
            1 => words.insert(at, words[at]),
            _ => words[at] = REPLACEMENTS[rng.below(REPLACEMENTS.len())],
        }
        let damaged = words.join(" ");
        shaped += check(&damaged, &format!("round {round}"));
    }
    // Some damage leaves a valid shape (a doubled ASC is not one; a dropped UNIQUE is).
    assert!(
        shaped > rounds / 20,
        "only {shaped} damaged statements read"
    );
}
