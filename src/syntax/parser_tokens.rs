//! The splitter's tokens in sqlparser's form, so a statement is tokenized once instead of twice (sqlparser's own
//! tokenizer was the largest single cost of a lint run).
//!
//! Only forms whose sqlparser token is certain are converted: words and quoted identifiers in ASCII, plain strings,
//! dollar-quoted bodies, plain decimal numbers and punctuation that sqlparser cannot glue to a neighbour. Anything
//! else (prefixed strings such as `E'..'`, operators like `@>`, parameters, exponents, non-ASCII words, optimizer
//! hint comments, which sqlparser reads from whitespace) gives `None`, and sqlparser tokenizes that statement itself.
//! tests/parser_tokens.rs holds both ways to the same tokens and the same AST on every statement of the corpus.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;
use std::sync::OnceLock;

use sqlparser::ast::DollarQuotedString;
use sqlparser::keywords::{Keyword, ALL_KEYWORDS, ALL_KEYWORDS_INDEX};
use sqlparser::tokenizer::{Span, Token, TokenWithSpan, Word};

use crate::syntax::split::{Token as SplitToken, TokenKind};

/// sqlparser's tokens for the statement at `span` of `src` (whose tokens the splitter found, all but the closing `;`),
/// without whitespace and with empty spans; `None` when a token is outside the forms this module is sure of.
///
/// The spans are empty because only error messages read them: a statement that fails to parse is parsed again from
/// sqlparser's own tokens, so its message points at the right place.
pub fn parser_tokens(
    src: &str,
    span: &Range<usize>,
    tokens: &[SplitToken],
) -> Option<Vec<TokenWithSpan>> {
    let mut out = Vec::with_capacity(tokens.len() + 1);
    let mut previous: Option<&SplitToken> = None;
    for token in tokens {
        let text = src.get(token.span.clone())?;
        if let Some(previous) = previous {
            let gap = src.get(previous.span.end..token.span.start)?;
            if !gap_is_plain(gap) || glued(previous, gap, token, src) {
                return None;
            }
        }
        out.push(TokenWithSpan::new(
            convert(token.kind, text)?,
            Span::empty(),
        ));
        previous = Some(token);
    }
    let rest = src.get(previous.map_or(span.start, |t| t.span.end)..span.end)?;
    if let Some(gap) = rest.strip_suffix(';') {
        if !gap_is_plain(gap)
            || previous.is_some_and(|p| is_operator(p, src) && gap.starts_with(['-', '/']))
        {
            return None;
        }
        out.push(TokenWithSpan::new(Token::SemiColon, Span::empty()));
    }
    Some(out)
}

fn convert(kind: TokenKind, text: &str) -> Option<Token> {
    Some(match kind {
        TokenKind::Word if text.is_ascii() => Token::Word(Word {
            value: text.to_string(),
            quote_style: None,
            keyword: keyword(text),
        }),
        TokenKind::QuotedIdent if text.is_ascii() => Token::Word(Word {
            value: unquote(text, '"')?,
            quote_style: Some('"'),
            keyword: Keyword::NoKeyword,
        }),
        // No prefix: `E`, `U&`, `B`, `X` and `N` change the meaning. A backslash is an ordinary character here, for
        // PostgreSQL (standard_conforming_strings) as for sqlparser's PostgreSQL dialect.
        TokenKind::String if text.starts_with('\'') => {
            Token::SingleQuotedString(unquote(text, '\'')?)
        }
        TokenKind::DollarString => {
            let tag_end = text.get(1..)?.find('$')? + 1;
            let tag = &text[1..tag_end];
            let body = text.get(tag_end + 1..text.len().checked_sub(tag_end + 1)?)?;
            Token::DollarQuotedString(DollarQuotedString {
                value: body.to_string(),
                tag: (!tag.is_empty()).then(|| tag.to_string()),
            })
        }
        TokenKind::Number if is_plain_decimal(text) => Token::Number(text.to_string(), false),
        TokenKind::Punct => punct(text)?,
        _ => return None,
    })
}

/// `q...q` with doubled `q` as one, the whole text being one literal (the splitter guarantees the closing quote).
pub fn unquote(text: &str, q: char) -> Option<String> {
    let body = text.strip_prefix(q)?.strip_suffix(q)?;
    if !body.contains(q) {
        return Some(body.to_string());
    }
    let (doubled, single) = if q == '"' {
        ("\"\"", "\"")
    } else {
        ("''", "'")
    };
    Some(body.replace(doubled, single))
}

/// `123` or `1.5`: other number forms (`.5`, `1e5`, `1_000`, `0x1F`) depend on sqlparser's dialect rules.
pub fn is_plain_decimal(text: &str) -> bool {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, "1"));
    !whole.is_empty()
        && !fraction.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
}

fn punct(text: &str) -> Option<Token> {
    Some(match text {
        "(" => Token::LParen,
        ")" => Token::RParen,
        "," => Token::Comma,
        ";" => Token::SemiColon,
        "." => Token::Period,
        "=" => Token::Eq,
        "<" => Token::Lt,
        ">" => Token::Gt,
        "+" => Token::Plus,
        "-" => Token::Minus,
        "*" => Token::Mul,
        "/" => Token::Div,
        "%" => Token::Mod,
        "[" => Token::LBracket,
        "]" => Token::RBracket,
        "::" => Token::DoubleColon,
        "<=" => Token::LtEq,
        ">=" => Token::GtEq,
        "<>" | "!=" => Token::Neq,
        "||" => Token::StringConcat,
        "->" => Token::Arrow,
        "->>" => Token::LongArrow,
        _ => return None,
    })
}

/// Spaces, tabs, line breaks and comments, but no optimizer hint (sqlparser makes `/*+` and `--+` comments part of
/// its AST) and no vertical tab or form feed (PostgreSQL's whitespace, not sqlparser's).
fn gap_is_plain(gap: &str) -> bool {
    // Most gaps are a space or a line break and an indent.
    gap.bytes()
        .all(|b| matches!(b, b' ' | b'\n' | b'\t' | b'\r'))
        || !(gap.contains(['\u{0b}', '\u{0c}']) || gap.contains("/*+") || gap.contains("--+"))
}

/// Whether sqlparser could read `a`, the `gap` and the token `b` after it differently from how the splitter did:
/// operator characters it joins into one operator (`=>`, `<=>`, `||/`, even `<>/*` before a comment; `t.*` stays
/// two), a period or letter after a number, a number after a period (`t.1` is a field access).
fn glued(a: &SplitToken, gap: &str, b: &SplitToken, src: &str) -> bool {
    if is_operator(a, src) && gap.starts_with(['-', '/']) {
        return true;
    }
    if !gap.is_empty() {
        return false;
    }
    (is_operator(a, src) && is_operator(b, src) && !(a.text(src) == "." && b.text(src) == "*"))
        || (a.kind == TokenKind::Number && (b.kind != TokenKind::Punct || b.text(src) == "."))
        || (b.kind == TokenKind::Number && a.text(src) == ".")
}

fn is_operator(token: &SplitToken, src: &str) -> bool {
    token.kind == TokenKind::Punct && !matches!(token.text(src), "(" | ")" | "," | ";" | "[" | "]")
}

/// Whether sqlparser's tokenizer makes a keyword of this unquoted word.
pub fn is_keyword(word: &str) -> bool {
    keyword(word) != Keyword::NoKeyword
}

/// sqlparser's keyword for an unquoted word, as its tokenizer finds it (ASCII case-insensitive), by hash instead of
/// its binary search over some 900 keywords.
fn keyword(word: &str) -> Keyword {
    static KEYWORDS: OnceLock<KeywordTable> = OnceLock::new();
    let table = KEYWORDS.get_or_init(|| {
        let mut table = KeywordTable::default();
        table.map.reserve(ALL_KEYWORDS.len());
        for (name, keyword) in ALL_KEYWORDS.iter().zip(ALL_KEYWORDS_INDEX) {
            table.longest = table.longest.max(name.len());
            table.map.insert(name, *keyword);
        }
        table
    });
    let mut upper = [0u8; 64];
    let Some(buffer) = upper
        .get_mut(..word.len())
        .filter(|_| word.len() <= table.longest)
    else {
        return Keyword::NoKeyword;
    };
    buffer.copy_from_slice(word.as_bytes());
    buffer.make_ascii_uppercase();
    std::str::from_utf8(buffer)
        .ok()
        .and_then(|w| table.map.get(w).copied())
        .unwrap_or(Keyword::NoKeyword)
}

#[derive(Default)]
struct KeywordTable {
    map: HashMap<&'static str, Keyword, BuildHasherDefault<Fnv>>,
    longest: usize,
}

/// FNV-1a: keywords are short, and the standard hasher's DoS resistance buys nothing for a fixed table.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::split::split;
    use sqlparser::dialect::PostgreSqlDialect;
    use sqlparser::tokenizer::Tokenizer;

    fn ours(sql: &str) -> Option<Vec<Token>> {
        let statement = split(sql).statements.into_iter().next().unwrap();
        parser_tokens(sql, &statement.span, &statement.tokens)
            .map(|t| t.into_iter().map(|t| t.token).collect())
    }

    fn theirs(sql: &str) -> Vec<Token> {
        Tokenizer::new(&PostgreSqlDialect {}, sql)
            .with_unescape(true)
            .tokenize()
            .unwrap()
            .into_iter()
            .filter(|t| !matches!(t, Token::Whitespace(_)))
            .collect()
    }

    #[test]
    fn plain_ddl_converts_to_sqlparsers_own_tokens() {
        for sql in [
            r#"CREATE TABLE "User" ("id" TEXT NOT NULL, "n" DECIMAL(65,30) DEFAULT 1.5, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));"#,
            r#"ALTER TABLE public."a""b" ADD COLUMN x varchar(3)[] DEFAULT 'it''s'::text;"#,
            "DO $$ BEGIN PERFORM 1; END $$;",
            "DO $body$ SELECT 'x' $body$;",
            "UPDATE t SET a = b || 'c' WHERE d -> 'e' ->> 'f' <> '' AND g >= -2 /* note */ -- line\n;",
            "select * from t where a != 1 and b <= 2 and c % 3 = 0;",
        ] {
            assert_eq!(ours(sql), Some(theirs(sql)), "{sql}");
        }
    }

    #[test]
    fn forms_sqlparser_reads_its_own_way_are_left_to_it() {
        for sql in [
            "SELECT E'a\\nb';",
            "SELECT U&'\\0041';",
            "SELECT a @> b;",
            "SELECT a=>b;",
            "SELECT $1;",
            "SELECT :name;",
            "SELECT 1e5;",
            "SELECT .5;",
            "SELECT t.1;",
            "SELECT 1.;",
            "SELECT 1_000;",
            "SELECT /*+ SeqScan(t) */ * FROM t;",
            "SELECT \"naïve\";",
            "SELECT café;",
            "SELECT a <=> b;",
            "SELECT a #> b;",
        ] {
            assert_eq!(ours(sql), None, "{sql}");
        }
    }

    #[test]
    fn keywords_are_found_in_any_case_and_long_words_are_none() {
        assert_eq!(keyword("create"), Keyword::CREATE);
        assert_eq!(keyword("CrEaTe"), Keyword::CREATE);
        assert_eq!(keyword("users"), Keyword::NoKeyword);
        assert_eq!(keyword(&"a".repeat(200)), Keyword::NoKeyword);
        assert_eq!(keyword(""), Keyword::NoKeyword);
    }
}
