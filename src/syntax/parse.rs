//! Parse each split statement on its own with sqlparser, so one unsupported statement never hides the rest.

use std::ops::Range;

use sqlparser::ast;
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Token as SqlToken, TokenWithSpan, Tokenizer};

use crate::syntax::parser_tokens::parser_tokens;
use crate::syntax::split::{all_tokens, RawStatement, Token, TokenKind};

/// One statement of a migration file, with its parse result. Only lowering reads the AST.
#[derive(Debug, Clone)]
pub struct ParsedStatement {
    /// Byte span in the file, up to and including the terminating `;`.
    pub span: Range<usize>,
    pub tokens: Vec<Token>,
    /// Boxed: a Statement is some 3.4 KiB, and each move of it was a copy of that.
    pub ast: Result<Box<ast::Statement>, ParseFailure>,
}

/// What the rules keep of a statement once it is lowered. The AST is dropped then: it is many times the size of the
/// text, and holding every file's ASTs at once made memory, not parsing, the linter's main cost.
#[derive(Debug, Clone)]
pub struct Statement {
    /// Byte span in the file, up to and including the terminating `;`.
    pub span: Range<usize>,
    pub tokens: Vec<Token>,
    /// Why sqlparser rejected the statement, if it did.
    pub failure: Option<ParseFailure>,
    /// `tokens` are some of them only ([`RawStatement::thinned`]): [`Statement::all_tokens`] has them all.
    pub thinned: bool,
}

impl Statement {
    /// A statement known to parse (its shape says so), kept without parsing it.
    pub fn known_to_parse(raw: RawStatement) -> Statement {
        Statement {
            span: raw.span,
            tokens: raw.tokens,
            failure: None,
            thinned: raw.thinned,
        }
    }

    /// Every token of the statement, one at a time ([`RawStatement::all_tokens`]).
    pub fn all_tokens<'a>(&'a self, src: &'a str) -> impl Iterator<Item = Token> + 'a {
        all_tokens(src, &self.span, &self.tokens, self.thinned)
    }
}

impl ParsedStatement {
    pub fn without_ast(self) -> Statement {
        Statement {
            span: self.span,
            tokens: self.tokens,
            failure: self.ast.err(),
            thinned: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseFailure {
    /// The parser's message without its own (statement-relative) position.
    pub message: String,
    /// Byte offset in the file where the parser stopped.
    pub offset: usize,
}

// sqlparser recurses per nesting level; its own limit turns deep input into an error instead of a stack overflow.
const RECURSION_LIMIT: usize = 64;

/// The longest chain of operators (`OR`, `||`, `::`, `[]`, `UNION`, ...) a statement may hold to be parsed.
/// sqlparser reads such a chain in a loop, but builds a tree as deep as it is, and every walk over that tree (the
/// lowering, even dropping it) recurses once per link: past this, the statement is reported unparsed instead. Linting
/// runs on threads whose stack holds this depth ([`LINT_STACK_BYTES`]).
pub const MAX_CHAIN: usize = 50_000;

/// The stack of each thread that parses and lowers statements: room for a tree [`MAX_CHAIN`] deep twice over in a
/// debug build, whose frames are several times larger (measured: 100,000 `UNION ALL` in a view fit). Only the pages
/// a deep statement touches are used.
pub const LINT_STACK_BYTES: usize = 256 << 20;

pub fn parse_statement(file_text: &str, mut raw: RawStatement) -> ParsedStatement {
    if raw.thinned {
        // Its tokens were not all kept, as it was expected to be lowered from them alone; parsing needs them all.
        raw.tokens = raw.all_tokens(file_text).collect();
        raw.thinned = false;
    }
    let text = file_text.get(raw.span.clone()).unwrap_or("");
    let chain = longest_chain(file_text, &raw.tokens);
    let ast = match raw.unterminated {
        Some((at, what)) => Err(ParseFailure {
            message: what.to_string(),
            offset: at,
        }),
        None if chain > MAX_CHAIN => Err(ParseFailure {
            message: format!(
                "a chain of {chain} operators is longer than the {MAX_CHAIN} this linter analyses"
            ),
            offset: raw.span.start,
        }),
        None => parse_one(file_text, text, &raw).map_err(|e| failure(text, raw.span.start, e)),
    };
    ParsedStatement {
        span: raw.span,
        tokens: raw.tokens,
        ast,
    }
}

/// An upper bound of how deep a chain of infix or postfix operators nests the statement's tree: the operators
/// counted from the last comma at each open parenthesis or bracket, summed over the open ones. Lists (`VALUES` rows,
/// arguments, columns) are flat in the tree, so a comma starts a new count.
fn longest_chain(file_text: &str, tokens: &[Token]) -> usize {
    let mut open: Vec<usize> = vec![0];
    let (mut depth, mut longest) = (0usize, 0usize);
    for token in tokens {
        let text = file_text.get(token.span.clone()).unwrap_or("");
        let is_operator = match token.kind {
            TokenKind::Punct => !matches!(text, "(" | ")" | "]" | "," | ";" | "."),
            TokenKind::Word => [
                "AND",
                "OR",
                "UNION",
                "INTERSECT",
                "EXCEPT",
                "IS",
                "LIKE",
                "ILIKE",
            ]
            .iter()
            .any(|k| text.eq_ignore_ascii_case(k)),
            _ => false,
        };
        let closes = open.len() > 1 && matches!(text, ")" | "]");
        match text {
            _ if token.kind != TokenKind::Punct && !is_operator => {}
            "," => depth -= open.last_mut().map_or(0, std::mem::take),
            _ if closes => depth -= open.pop().unwrap_or(0),
            _ if is_operator => {
                if let Some(current) = open.last_mut() {
                    *current += 1;
                }
                depth += 1;
                longest = longest.max(depth);
            }
            _ => {}
        }
        if token.kind == TokenKind::Punct && matches!(text, "(" | "[") {
            open.push(0);
        }
    }
    longest
}

/// Parses from the splitter's tokens where they convert ([`parser_tokens`]); otherwise, and to place the message of
/// a failure, from sqlparser's own.
fn parse_one(
    file_text: &str,
    text: &str,
    raw: &RawStatement,
) -> Result<Box<ast::Statement>, ParserError> {
    if let Some(tokens) = parser_tokens(file_text, &raw.span, &raw.tokens) {
        if let Ok(statement) = parse_tokens(tokens) {
            return Ok(statement);
        }
    }
    parse_tokens(sqlparser_tokens(text, raw.tokens.len())?)
}

/// sqlparser's own tokens for `text`. sqlparser also makes a token of the whitespace between two, so twice as many as
/// `our_tokens` (plus room for comments) avoids regrowing its token list.
pub fn sqlparser_tokens(text: &str, our_tokens: usize) -> Result<Vec<TokenWithSpan>, ParserError> {
    let mut tokens = Vec::with_capacity(2 * our_tokens + 8);
    Tokenizer::new(&PostgreSqlDialect {}, text)
        .with_unescape(true)
        .tokenize_with_location_into_buf(&mut tokens)?;
    Ok(tokens)
}

/// The one statement `tokens` hold. It reads them as sqlparser's `parse_statements` does (empty statements skipped,
/// the same error when no `;` follows a statement) but keeps the first statement in a box instead of collecting them
/// all: each move of a Statement copies it.
pub fn parse_tokens(tokens: Vec<TokenWithSpan>) -> Result<Box<ast::Statement>, ParserError> {
    let dialect = PostgreSqlDialect {};
    let mut parser = Parser::new(&dialect)
        .with_recursion_limit(RECURSION_LIMIT)
        .with_tokens_with_locations(tokens);
    let mut first = None;
    let mut count = 0;
    let mut expecting_delimiter = false;
    loop {
        while parser.consume_token(&SqlToken::SemiColon) {
            expecting_delimiter = false;
        }
        match &parser.peek_token_ref().token {
            SqlToken::EOF => break,
            SqlToken::Word(word) if expecting_delimiter && word.keyword == Keyword::END => break,
            _ => {}
        }
        if expecting_delimiter {
            return parser.expected_ref("end of statement", parser.peek_token_ref());
        }
        let statement = parser.parse_statement()?;
        if first.is_none() {
            first = Some(Box::new(statement));
        }
        count += 1;
        expecting_delimiter = true;
    }
    match first {
        Some(statement) if count == 1 => Ok(statement),
        _ => Err(ParserError::ParserError(format!(
            "expected one statement, found {count}"
        ))),
    }
}

fn failure(text: &str, start: usize, error: ParserError) -> ParseFailure {
    let raw = match error {
        ParserError::TokenizerError(m) | ParserError::ParserError(m) => m,
        ParserError::RecursionLimitExceeded => "statement is nested too deeply to analyse".into(),
    };
    let (message, offset) = match raw.rfind(" at Line: ") {
        Some(i) => {
            let position = statement_offset(text, &raw[i + " at Line: ".len()..]);
            (raw[..i].to_string(), position)
        }
        None => (raw, 0),
    };
    ParseFailure {
        message: message.trim().to_string(),
        offset: start + offset,
    }
}

/// Turns sqlparser's `N, Column: M` (1-based, relative to the statement) into a byte offset in the statement.
fn statement_offset(text: &str, position: &str) -> usize {
    let mut parts = position.split(", Column: ");
    let line: usize = parts
        .next()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or(1);
    let column: usize = parts
        .next()
        .and_then(|c| c.trim().parse().ok())
        .unwrap_or(1);
    let mut offset = 0;
    for (n, l) in text.split_inclusive('\n').enumerate() {
        if n + 1 == line {
            let within = l
                .char_indices()
                .nth(column.saturating_sub(1))
                .map_or(l.trim_end().len(), |(i, _)| i);
            return offset + within;
        }
        offset += l.len();
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::split::split;

    fn parse_all(text: &str) -> Vec<ParsedStatement> {
        split(text)
            .statements
            .into_iter()
            .map(|raw| parse_statement(text, raw))
            .collect()
    }

    #[test]
    fn each_statement_parses_on_its_own() {
        let text = "CREATE TABLE a (id int);\nDO $$ BEGIN END $$;\nDROP TABLE a;";
        let statements = parse_all(text);
        assert_eq!(statements.len(), 3);
        assert!(statements[0].ast.is_ok());
        assert!(
            statements[2].ast.is_ok(),
            "a failure does not stop the next one"
        );
    }

    #[test]
    fn failure_offset_points_into_the_file() {
        let text = "SELECT 1;\nCREATE TABLE a (\n  id int\n  name text\n);";
        let statements = parse_all(text);
        let failure = statements[1].ast.as_ref().unwrap_err();
        assert!(!failure.message.contains("Line:"), "{}", failure.message);
        assert_eq!(&text[failure.offset..failure.offset + 4], "name");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = format!("SELECT {}1{};", "(".repeat(100_000), ")".repeat(100_000));
        let statements = parse_all(&text);
        assert!(statements[0].ast.is_err());
    }

    #[test]
    fn unterminated_input_is_reported_where_it_starts() {
        let text = "SELECT 1;\nSELECT 'abc";
        let statements = parse_all(text);
        let failure = statements[1].ast.as_ref().unwrap_err();
        assert_eq!(failure.offset, text.find('\'').unwrap());
    }
}
