//! The splitter's tokens handed to sqlparser (src/syntax/parser_tokens.rs) are exactly sqlparser's own: on every statement
//! of the shared corpus and of the fixtures, each converted statement has the tokens sqlparser's tokenizer makes
//! (whitespace aside) and parses to the same AST, and most statements convert (else the saving is gone).

mod support;

use std::path::Path;

use migrate_lint::syntax::parse::{parse_tokens, sqlparser_tokens};
use migrate_lint::syntax::parser_tokens::parser_tokens;
use migrate_lint::syntax::split::split;
use sqlparser::tokenizer::Token;

#[derive(Default)]
struct Tally {
    statements: usize,
    converted: usize,
}

/// Checks every statement of `text`, naming `origin` in failures.
fn check_file(text: &str, origin: &str, tally: &mut Tally) {
    for raw in split(text).statements {
        if raw.unterminated.is_some() {
            continue;
        }
        tally.statements += 1;
        let Some(ours) = parser_tokens(text, &raw.span, &raw.tokens) else {
            continue;
        };
        tally.converted += 1;
        let statement = &text[raw.span.clone()];
        let theirs = sqlparser_tokens(statement, raw.tokens.len()).unwrap_or_else(|e| {
            panic!("{origin}: converted, but sqlparser cannot tokenize ({e}): {statement}")
        });
        let words = |tokens: &[sqlparser::tokenizer::TokenWithSpan]| -> Vec<Token> {
            tokens
                .iter()
                .map(|t| t.token.clone())
                .filter(|t| !matches!(t, Token::Whitespace(_)))
                .collect()
        };
        assert_eq!(words(&ours), words(&theirs), "{origin}: {statement}");
        let (ours, theirs) = (parse_tokens(ours), parse_tokens(theirs));
        match (&ours, &theirs) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{origin}: {statement}"),
            (Err(_), Err(_)) => {}
            _ => panic!(
                "{origin}: one parse failed, the other did not: {ours:?} / {theirs:?}: {statement}"
            ),
        }
    }
}

fn check_tree(root: &Path, tally: &mut Tally) {
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "sql") {
            let Ok(text) = std::fs::read_to_string(entry.path()) else {
                continue;
            };
            check_file(&text, &entry.path().display().to_string(), tally);
        }
    }
}

#[test]
fn converted_tokens_are_sqlparsers_own_on_the_corpus() {
    let Some(root) = support::corpus::corpus_root() else {
        return;
    };
    let mut tally = Tally::default();
    check_tree(&root, &mut tally);
    assert!(
        tally.statements > 5000,
        "corpus shrank: {}",
        tally.statements
    );
    // Prisma writes plain DDL: nearly all of it converts.
    let share = tally.converted as f64 / tally.statements as f64;
    eprintln!(
        "{} of {} statements converted",
        tally.converted, tally.statements
    );
    assert!(share > 0.9, "only {:.1}% converted", share * 100.0);
}

#[test]
fn converted_tokens_are_sqlparsers_own_on_the_fixtures() {
    let mut tally = Tally::default();
    check_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"),
        &mut tally,
    );
    assert!(tally.converted > 0);
}

/// Random statements built from the pieces where two tokenizers can disagree: operators next to operators, numbers
/// next to periods and letters, prefixed strings, comments and hints, non-ASCII words.
#[test]
fn converted_tokens_are_sqlparsers_own_on_random_statements() {
    #[rustfmt::skip]
    const PIECES: &[&str] = &[
        "SELECT", "CREATE", "TABLE", "a", "b_1", "$x", "\"q\"", "\"a\"\"b\"", "\"\"", "'s'", "'it''s'", "''",
        "E'x'", "e'\\''", "N'n'", "B'1'", "X'1F'", "U&'a'", "U&\"a\"", "$$b$$", "$t$x$t$", "$1", "1", "12",
        "1.5", ".5", "1e3", "1.", "0x1F", "1_0", "(", ")", ",", ";", ".", "=", "<", ">", "+", "-", "*", "/",
        "%", "[", "]", "::", ":", "<=", ">=", "<>", "!=", "||", "->", "->>", "@", "#", "~", "!", "&", "|", "^",
        "?", " ", " ", " ", "\n", "\t", "\r\n", "\u{0c}", "--c\n", "/*c*/", "/*+h*/", "--+h\n", "/* /* */ */",
        "é", "\"é\"", "'é'", "\\",
    ];
    // Only what converts, so that gluing and gaps are tried hard.
    #[rustfmt::skip]
    const CONVERTIBLE: &[&str] = &[
        "SELECT", "a", "in", "\"q\"", "\"a\"\"b\"", "'s'", "'it''s'", "$$b$$", "$t$x$t$", "1", "1.5", "(", ")",
        ",", ";", ".", "=", "<", ">", "+", "-", "*", "/", "%", "[", "]", "::", "<=", ">=", "<>", "!=", "||", "->",
        "->>", " ", "\n", "--c\n", "/*c*/", "'a\\'", "'\\n'", "o.*", "\\",
    ];
    // MIGRATE_LINT_ROUNDS and MIGRATE_LINT_SEED run it longer or elsewhere.
    let rounds = support::random::env_number("MIGRATE_LINT_ROUNDS", 20_000);
    let mut rng = support::random::Lcg(support::random::env_number(
        "MIGRATE_LINT_SEED",
        0x70_6b_65_6e,
    ));
    let mut tally = Tally::default();
    for round in 0..rounds {
        let pieces = if round % 2 == 0 { PIECES } else { CONVERTIBLE };
        let text: String = (0..1 + rng.below(12))
            .map(|_| pieces[rng.below(pieces.len())])
            .collect();
        check_file(&text, &format!("round {round}"), &mut tally);
    }
    eprintln!(
        "{} of {} statements converted",
        tally.converted, tally.statements
    );
    assert!(
        tally.converted * 5 > tally.statements,
        "{} converted",
        tally.converted
    );
}
