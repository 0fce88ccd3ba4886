//! Statements lowered without sqlparser (src/ops/prisma_shapes.rs) are exactly what parsing them gives: on every
//! statement of the shared corpus and of the fixtures, on every combination of the shapes' optional parts, and on
//! random damage to them, a statement read from its tokens parses, and lowering its AST gives the same operations.
//! Most of the corpus's index and foreign-key statements must take the short way (else its saving is gone).

mod common;

use std::path::Path;

use migrate_lint::ops::{lower_prisma_shape, lower_statement};
use migrate_lint::parse::parse_statement;
use migrate_lint::split::split;

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
    let Some(root) = common::corpus_root() else {
        return;
    };
    let shaped = check_tree(&root);
    eprintln!("{shaped} statements read from their tokens");
    // The corpus holds some 2,900 CREATE INDEX and FOREIGN KEY statements, nearly all in Prisma's own form.
    assert!(shaped > 2_500, "only {shaped} statements read from tokens");
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
    let lower: Vec<String> = shapes.iter().map(|s| lower_keywords(s)).collect();
    let broken: Vec<String> = shapes.iter().map(|s| s.replace(' ', "\n  ")).collect();
    shapes.extend(lower);
    shapes.extend(broken);
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
        "CREATE TABLE \"t\" (\"c\" TEXT);",
        "ALTER TABLE \"t\" ADD CONSTRAINT \"f\" FOREIGN KEY (\"c\") REFERENCES \"u\";",
        "ALTER TABLE \"t\" ADD CONSTRAINT \"f\" FOREIGN KEY (\"c\") REFERENCES \"u\"(\"id\") NOT VALID;",
        "ALTER TABLE \"t\" ADD CONSTRAINT \"f\" FOREIGN KEY (\"c\") REFERENCES \"u\"(\"id\") DEFERRABLE;",
        "ALTER TABLE \"t\" ADD CONSTRAINT \"f\" FOREIGN KEY (\"c\") REFERENCES \"u\"(\"id\") MATCH FULL;",
        "ALTER TABLE \"t\" ADD CONSTRAINT \"f\" FOREIGN KEY (\"c\") REFERENCES \"u\"(\"id\") ON DELETE SET NULL (\"c\");",
        "ALTER TABLE \"t\" ADD CONSTRAINT \"f\" FOREIGN KEY (\"c\") REFERENCES \"u\"(\"id\") ON DELETE CASCADE ON DELETE CASCADE;",
        "ALTER TABLE \"t\" ADD CONSTRAINT \"f\" FOREIGN KEY (\"c\") REFERENCES \"u\"(\"id\") ON DELETE;",
        "ALTER TABLE \"t\" ADD CONSTRAINT \"f\" FOREIGN KEY (\"c\") REFERENCES \"u\"(\"id\"), ADD COLUMN \"d\" INT;",
        "ALTER TABLE ONLY \"t\" ADD CONSTRAINT \"f\" FOREIGN KEY (\"c\") REFERENCES \"u\"(\"id\");",
        "ALTER TABLE \"t\" ADD FOREIGN KEY (\"c\") REFERENCES \"u\"(\"id\");",
        "ALTER TABLE \"t\" ADD CONSTRAINT \"f\" UNIQUE (\"c\");",
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
        "EXISTS", "NOT", "''", "1", "--c\n", "/*c*/",
    ];
    let shapes = every_shape();
    let rounds = common::env_number("MIGRATE_LINT_ROUNDS", 20_000) as usize;
    let mut rng = common::Lcg(common::env_number("MIGRATE_LINT_SEED", 0x5a_4a_9e));
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
