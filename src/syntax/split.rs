//! Splits a PostgreSQL migration file into raw statements.
//!
//! This is a lexer, not a parser: it only knows enough of PostgreSQL's lexical
//! rules to find top-level `;` reliably. It never panics and runs in linear time.

use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Unquoted identifier or keyword.
    Word,
    /// `"..."` with `""` as an escaped quote.
    QuotedIdent,
    /// `'...'`, including any `E`/`B`/`X`/`N`/`U&` prefix.
    String,
    /// `$tag$ ... $tag$`, delimiters included.
    DollarString,
    /// `123`, `1.5`, `.5`, `1e10`.
    Number,
    /// Positional parameter such as `$1`.
    Param,
    /// Any other single char, or one of `::` `<=` `>=` `<>` `!=` `||` `->` `->>`.
    Punct,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    /// Byte span in the file text.
    pub span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// `-- ...` excludes the line break; `/* ... */` includes its delimiters.
    pub span: Range<usize>,
    pub block: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawStatement {
    /// From the first token to the terminating `;` inclusive (or the last token when there is no final `;`).
    pub span: Range<usize>,
    /// Tokens of this statement, excluding comments and the terminating `;`.
    pub tokens: Vec<Token>,
    /// Set when the statement ends inside an unterminated quote, quoted identifier, dollar body or block comment:
    /// (byte offset where that construct started, a short description).
    pub unterminated: Option<(usize, &'static str)>,
    /// `tokens` leave out what a long data statement holds past [`LARGE_DATA_STATEMENT`] bytes, but for its
    /// outermost words; [`RawStatement::all_tokens`] has them all again.
    pub thinned: bool,
}

/// A data statement (`INSERT`, `UPDATE`, `DELETE`) longer than this keeps, past it, only the words outside the
/// parentheses then open: what reading its table and whether it is bounded needs. A 24-byte token per 3 bytes of
/// `VALUES` made the tokens of a 5 MB `INSERT` 15 times its size.
pub const LARGE_DATA_STATEMENT: usize = 64 << 10;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SplitFile {
    pub statements: Vec<RawStatement>,
    pub comments: Vec<Comment>,
}

impl RawStatement {
    /// Every token of the statement, one at a time: its own, or when it is [`RawStatement::thinned`], all of them
    /// lexed again (never all held at once).
    pub fn all_tokens<'a>(&'a self, text: &'a str) -> impl Iterator<Item = Token> + 'a {
        all_tokens(text, &self.span, &self.tokens, self.thinned)
    }
}

/// The tokens of the statement at `span`: `kept`, or when they were thinned, all of them lexed again one by one.
pub fn all_tokens<'a>(
    text: &'a str,
    span: &Range<usize>,
    kept: &'a [Token],
    thinned: bool,
) -> impl Iterator<Item = Token> + 'a {
    let (kept, lexed) = if thinned {
        (None, Some(tokens_in(text, span)))
    } else {
        (Some(kept.iter().cloned()), None)
    };
    kept.into_iter()
        .flatten()
        .chain(lexed.into_iter().flatten())
}

impl Token {
    /// The token's text; empty if the span does not fit `src` (wrong source passed).
    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        src.get(self.span.clone()).unwrap_or("")
    }

    /// Case-insensitive keyword test for Word tokens.
    pub fn is_word(&self, src: &str, kw: &str) -> bool {
        self.kind == TokenKind::Word && self.text(src).eq_ignore_ascii_case(kw)
    }

    /// Whether this is the punctuation `p`.
    pub fn is_punct(&self, src: &str, p: &str) -> bool {
        self.kind == TokenKind::Punct && self.text(src) == p
    }
}

/// The value of an identifier token: Word → lowercase (PostgreSQL folds unquoted
/// identifiers), QuotedIdent → unescaped contents as written (`""` → `"`).
/// None for other kinds.
pub fn ident_value(token: &Token, src: &str) -> Option<String> {
    let text = src.get(token.span.clone())?;
    match token.kind {
        // PostgreSQL only folds ASCII letters in multibyte encodings such as UTF-8.
        TokenKind::Word => Some(text.to_ascii_lowercase()),
        TokenKind::QuotedIdent => {
            let body = text.strip_prefix('"')?;
            let mut out = String::with_capacity(body.len());
            let mut chars = body.chars().peekable();
            while let Some(c) = chars.next() {
                if c == '"' {
                    // A lone quote closes the identifier; a doubled one is a literal quote.
                    if chars.next_if_eq(&'"').is_none() {
                        break;
                    }
                }
                out.push(c);
            }
            Some(out)
        }
        _ => None,
    }
}

const UNTERM_STRING: &str = "unterminated string literal";
const UNTERM_IDENT: &str = "unterminated quoted identifier";
const UNTERM_DOLLAR: &str = "unterminated dollar-quoted string";
const UNTERM_COMMENT: &str = "unterminated block comment";

// Every byte of a multibyte UTF-8 char is >= 0x80, so treating those bytes as
// identifier bytes keeps all token boundaries on char boundaries.
fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

fn is_ident_cont(b: u8) -> bool {
    is_ident_start(b) || b.is_ascii_digit() || b == b'$'
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

enum Item {
    Token(Token),
    Comment(Comment),
}

type Unterminated = Option<(usize, &'static str)>;

struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Lexer<'a> {
    fn new(src: &'a str) -> Self {
        let pos = if src.starts_with('\u{feff}') {
            '\u{feff}'.len_utf8()
        } else {
            0
        };
        Lexer {
            src,
            bytes: src.as_bytes(),
            pos,
        }
    }

    fn peek(&self, off: usize) -> Option<u8> {
        self.bytes.get(self.pos.saturating_add(off)).copied()
    }

    fn bump_while(&mut self, pred: impl Fn(u8) -> bool) {
        while self.peek(0).is_some_and(&pred) {
            self.pos += 1;
        }
    }

    /// Next token or comment, plus where it started if it runs off the end of input.
    fn next_item(&mut self) -> Option<(Item, Unterminated)> {
        self.bump_while(is_space);
        let start = self.pos;
        let b = self.peek(0)?;
        let next = self.peek(1);
        let mut unterm = None;
        let kind = match b {
            b'-' if next == Some(b'-') => {
                let rest = self.bytes.get(start..).unwrap_or_default();
                // PostgreSQL's scanner ends the comment at a CR as at an LF: what follows a lone CR runs.
                let nl = memchr::memchr2(b'\n', b'\r', rest);
                self.pos = nl.map_or(self.bytes.len(), |n| start + n);
                let c = Comment {
                    span: start..self.pos,
                    block: false,
                };
                return Some((Item::Comment(c), None));
            }
            b'/' if next == Some(b'*') => {
                if !self.block_comment() {
                    unterm = Some((start, UNTERM_COMMENT));
                }
                let c = Comment {
                    span: start..self.pos,
                    block: true,
                };
                return Some((Item::Comment(c), unterm));
            }
            b'\'' => {
                if !self.quoted(b'\'', false) {
                    unterm = Some((start, UNTERM_STRING));
                }
                TokenKind::String
            }
            b'"' => {
                if !self.quoted(b'"', false) {
                    unterm = Some((start, UNTERM_IDENT));
                }
                TokenKind::QuotedIdent
            }
            b'$' => self.dollar(&mut unterm),
            b'0'..=b'9' => self.number(),
            b'.' if next.is_some_and(|c| c.is_ascii_digit()) => self.number(),
            _ if is_ident_start(b) => self.word_or_prefixed_string(&mut unterm),
            _ => {
                let len = match (b, next, self.peek(2)) {
                    (b'-', Some(b'>'), Some(b'>')) => 3,
                    (b':', Some(b':'), _)
                    | (b'<', Some(b'=' | b'>'), _)
                    | (b'>', Some(b'='), _)
                    | (b'!', Some(b'='), _)
                    | (b'|', Some(b'|'), _)
                    | (b'-', Some(b'>'), _) => 2,
                    _ => 1,
                };
                // `b` is ASCII here (non-ASCII bytes start words), so this stays on a boundary.
                self.pos += len;
                TokenKind::Punct
            }
        };
        let token = Token {
            kind,
            span: start..self.pos,
        };
        Some((Item::Token(token), unterm))
    }

    /// Consumes a nested `/* ... */`; false if input ends first.
    fn block_comment(&mut self) -> bool {
        self.pos += 2;
        let mut depth = 1usize;
        loop {
            match (self.peek(0), self.peek(1)) {
                (None, _) => return false,
                (Some(b'/'), Some(b'*')) => {
                    depth += 1;
                    self.pos += 2;
                }
                (Some(b'*'), Some(b'/')) => {
                    self.pos += 2;
                    depth -= 1;
                    if depth == 0 {
                        return true;
                    }
                }
                _ => self.pos += 1,
            }
        }
    }

    /// Consumes a quoted construct starting at the opening `quote`; a doubled
    /// quote is an escape. False if input ends first.
    fn quoted(&mut self, quote: u8, backslash_escapes: bool) -> bool {
        self.pos += 1;
        while let Some(b) = self.peek(0) {
            self.pos += 1;
            if backslash_escapes && b == b'\\' {
                // May land inside a multibyte char; scanning continues bytewise
                // and only stops on ASCII, so final positions stay on boundaries.
                if self.peek(0).is_some() {
                    self.pos += 1;
                }
            } else if b == quote {
                if self.peek(0) == Some(quote) {
                    self.pos += 1;
                } else {
                    return true;
                }
            }
        }
        false
    }

    fn dollar(&mut self, unterm: &mut Unterminated) -> TokenKind {
        let start = self.pos;
        if self.peek(1).is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
            self.bump_while(|c| c.is_ascii_digit());
            return TokenKind::Param;
        }
        // Tag: empty, or identifier chars (no `$`) not starting with a digit.
        let mut end = start + 1;
        while self
            .bytes
            .get(end)
            .is_some_and(|&c| c != b'$' && is_ident_cont(c))
        {
            end += 1;
        }
        if self.bytes.get(end) != Some(&b'$') {
            self.pos += 1;
            return TokenKind::Punct;
        }
        let body = end + 1;
        let tag = self.src.get(start..body).unwrap_or("$$");
        let close = self.src.get(body..).and_then(|rest| rest.find(tag));
        match close {
            Some(off) => self.pos = body + off + tag.len(),
            None => {
                self.pos = self.bytes.len();
                *unterm = Some((start, UNTERM_DOLLAR));
            }
        }
        TokenKind::DollarString
    }

    fn digits(&mut self) {
        // Digits with PostgreSQL 16 style `_` separators between them.
        while let Some(c) = self.peek(0) {
            let sep = c == b'_' && self.peek(1).is_some_and(|d| d.is_ascii_digit());
            if c.is_ascii_digit() || sep {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn number(&mut self) -> TokenKind {
        self.digits();
        if self.peek(0) == Some(b'.') && self.peek(1) != Some(b'.') {
            self.pos += 1;
            self.digits();
        }
        if matches!(self.peek(0), Some(b'e' | b'E')) {
            let skip = if matches!(self.peek(1), Some(b'+' | b'-')) {
                2
            } else {
                1
            };
            if self.peek(skip).is_some_and(|c| c.is_ascii_digit()) {
                self.pos += skip;
                self.digits();
            }
        }
        TokenKind::Number
    }

    fn word_or_prefixed_string(&mut self, unterm: &mut Unterminated) -> TokenKind {
        let start = self.pos;
        let first = self.peek(0).unwrap_or(0).to_ascii_lowercase();
        let prefix_len = match (first, self.peek(1), self.peek(2)) {
            (b'e' | b'b' | b'x' | b'n', Some(b'\''), _) => 1,
            (b'u', Some(b'&'), Some(b'\'')) => 2,
            _ => 0,
        };
        if prefix_len > 0 {
            self.pos += prefix_len;
            if !self.quoted(b'\'', first == b'e') {
                *unterm = Some((start, UNTERM_STRING));
            }
            return TokenKind::String;
        }
        self.pos += 1;
        self.bump_while(is_ident_cont);
        TokenKind::Word
    }
}

/// Statement under construction.
#[derive(Default)]
struct Pending {
    start: Option<usize>,
    tokens: Vec<Token>,
    unterminated: Unterminated,
    /// Open BEGIN ATOMIC / CASE blocks inside a routine body.
    atomic_depth: usize,
    /// End of the last token, kept or not.
    end: usize,
    /// It starts with INSERT, UPDATE or DELETE.
    data: bool,
    /// Open parentheses, counted in data statements only.
    depth: usize,
    /// Past [`LARGE_DATA_STATEMENT`]: the depth whose words are still kept.
    thin_at: Option<usize>,
}

impl Pending {
    fn push(&mut self, t: Token, src: &str) {
        self.end = t.span.end;
        if self.tokens.is_empty() {
            self.data = ["insert", "update", "delete"]
                .iter()
                .any(|kw| t.is_word(src, kw));
        }
        if !self.data {
            self.tokens.push(t);
            return;
        }
        let closes = t.is_punct(src, ")");
        if t.is_punct(src, "(") {
            self.depth += 1;
        } else if closes {
            self.depth = self.depth.saturating_sub(1);
        }
        match self.thin_at {
            None => {
                self.tokens.push(t);
                let length = self.end - self.start.unwrap_or(self.end);
                if length > LARGE_DATA_STATEMENT {
                    self.thin_at = Some(self.depth);
                }
            }
            // A parenthesis open when thinning began still closes, so the kept tokens stay balanced.
            Some(level) if closes && self.depth < level => {
                self.thin_at = Some(self.depth);
                self.tokens.push(t);
            }
            Some(level) if t.kind == TokenKind::Word && self.depth == level => self.tokens.push(t),
            Some(_) => {}
        }
    }

    fn track_atomic(&mut self, t: &Token, src: &str) {
        if t.kind != TokenKind::Word {
            return;
        }
        let after_begin = self.tokens.last().is_some_and(|p| p.is_word(src, "begin"));
        if after_begin && t.is_word(src, "atomic") && is_routine_head(&self.tokens, src) {
            self.atomic_depth += 1;
        } else if self.atomic_depth > 0 {
            // After `.` or AS a reserved word is a column label (`t.case`, `SELECT 1 AS end`), not a keyword.
            let label = self
                .tokens
                .last()
                .is_some_and(|p| p.is_punct(src, ".") || p.is_word(src, "as"));
            if label {
                return;
            }
            if t.is_word(src, "case") {
                self.atomic_depth += 1;
            } else if t.is_word(src, "end") {
                self.atomic_depth -= 1;
            }
        }
    }

    fn finish(&mut self, end: Option<usize>, src_len: usize) -> Option<RawStatement> {
        // The token list stays for the next statement, grown to fit this one, and the statement gets an exact copy:
        // one allocation each, instead of one per doubling of a list that starts empty.
        let mut list = std::mem::take(&mut self.tokens);
        let taken = std::mem::take(self);
        let tokens = list.to_vec();
        list.clear();
        self.tokens = list;
        let start = taken.start?;
        let end = match (end, taken.unterminated) {
            (Some(e), _) => e,
            (None, Some(_)) => src_len,
            (None, None) => taken.end.max(start),
        };
        Some(RawStatement {
            span: start..end,
            tokens,
            unterminated: taken.unterminated,
            thinned: taken.thin_at.is_some(),
        })
    }
}

/// `CREATE [OR REPLACE] FUNCTION|PROCEDURE`, the only place BEGIN ATOMIC bodies occur.
fn is_routine_head(tokens: &[Token], src: &str) -> bool {
    let word = |i: usize, kw: &str| tokens.get(i).is_some_and(|t| t.is_word(src, kw));
    if !word(0, "create") {
        return false;
    }
    let i = if word(1, "or") && word(2, "replace") {
        3
    } else {
        1
    };
    word(i, "function") || word(i, "procedure")
}

/// Splits a whole migration file into statements at top-level `;`.
///
/// An unterminated block comment outside any statement still yields a
/// statement (with no tokens) so the problem is not silently lost.
pub fn split(text: &str) -> SplitFile {
    let mut out = SplitFile::default();
    let mut lexer = Lexer::new(text);
    let mut cur = Pending::default();
    while let Some((item, unterm)) = lexer.next_item() {
        match item {
            Item::Comment(c) => {
                if unterm.is_some() {
                    cur.start.get_or_insert(c.span.start);
                    cur.unterminated = unterm;
                }
                out.comments.push(c);
            }
            Item::Token(t) => {
                let is_semi = t.is_punct(text, ";");
                if is_semi && cur.atomic_depth == 0 {
                    out.statements
                        .extend(cur.finish(Some(t.span.end), text.len()));
                    continue;
                }
                cur.start.get_or_insert(t.span.start);
                cur.track_atomic(&t, text);
                if unterm.is_some() {
                    cur.unterminated = unterm;
                }
                cur.push(t, text);
            }
        }
    }
    out.statements.extend(cur.finish(None, text.len()));
    out
}

/// Every token of the statement at `span` (a [`RawStatement`]'s), lexed again from the text: those a thinned
/// statement left out too. Comments and the terminating `;` are not tokens.
pub fn tokens_in<'a>(text: &'a str, span: &Range<usize>) -> impl Iterator<Item = Token> + 'a {
    let end = span.end;
    let mut lexer = Lexer {
        src: text,
        bytes: text.as_bytes(),
        pos: span.start,
    };
    std::iter::from_fn(move || loop {
        let (item, _) = lexer.next_item()?;
        match item {
            Item::Token(t) if t.span.end > end => return None,
            Item::Token(t) if t.span.end == end && t.is_punct(text, ";") => return None,
            Item::Token(t) => return Some(t),
            Item::Comment(_) => continue,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stmts(src: &str) -> Vec<&str> {
        split(src)
            .statements
            .iter()
            .map(|s| &src[s.span.clone()])
            .collect()
    }

    fn toks(src: &str) -> Vec<(TokenKind, &str)> {
        split(src)
            .statements
            .iter()
            .flat_map(|s| s.tokens.iter().map(|t| (t.kind, t.text(src))))
            .collect()
    }

    fn comments(src: &str) -> Vec<&str> {
        split(src)
            .comments
            .iter()
            .map(|c| &src[c.span.clone()])
            .collect()
    }

    #[test]
    fn basic_split_and_last_without_semicolon() {
        let src = "SELECT 1;\n\nSELECT 2 ;;  ; SELECT 3";
        assert_eq!(stmts(src), ["SELECT 1;", "SELECT 2 ;", "SELECT 3"]);
        let f = split(src);
        assert_eq!(f.statements[0].span, 0..9);
        assert_eq!(f.statements[2].span, 26..34);
        assert!(f.statements.iter().all(|s| s.unterminated.is_none()));
        assert!(split("").statements.is_empty());
        assert!(split(" \n\t;;\n").statements.is_empty());
    }

    #[test]
    fn comments_are_recorded_not_tokens() {
        let src =
            "-- lint: ignore; DROP TABLE x;\nSELECT 1 /* ; */ + 2; -- tail;\n/* a /* b; */ c */";
        assert_eq!(stmts(src), ["SELECT 1 /* ; */ + 2;"]);
        assert_eq!(
            comments(src),
            [
                "-- lint: ignore; DROP TABLE x;",
                "/* ; */",
                "-- tail;",
                "/* a /* b; */ c */"
            ]
        );
        let f = split(src);
        assert!(!f.comments[0].block);
        assert!(f.comments[1].block && f.comments[3].block);
        assert_eq!(
            toks(src),
            [
                (TokenKind::Word, "SELECT"),
                (TokenKind::Number, "1"),
                (TokenKind::Punct, "+"),
                (TokenKind::Number, "2"),
            ]
        );
    }

    #[test]
    fn only_comments_file() {
        let src = "-- nothing here;\n/* nor; here */\n";
        let f = split(src);
        assert!(f.statements.is_empty());
        assert_eq!(f.comments.len(), 2);
    }

    #[test]
    fn string_escapes() {
        let src = r"SELECT E'\';', 'it''s;', e'a\\'; SELECT '--x', '\';";
        assert_eq!(
            stmts(src),
            [r"SELECT E'\';', 'it''s;', e'a\\';", r"SELECT '--x', '\';"]
        );
        assert_eq!(
            toks(src),
            [
                (TokenKind::Word, "SELECT"),
                (TokenKind::String, r"E'\';'"),
                (TokenKind::Punct, ","),
                (TokenKind::String, "'it''s;'"),
                (TokenKind::Punct, ","),
                (TokenKind::String, r"e'a\\'"),
                (TokenKind::Word, "SELECT"),
                (TokenKind::String, "'--x'"),
                (TokenKind::Punct, ","),
                (TokenKind::String, r"'\'"),
            ]
        );
        assert!(comments(src).is_empty());
        let src = "SELECT B'01', X'ff', N'n;', U&'d;', Ex";
        let kinds: Vec<_> = toks(src).into_iter().filter(|t| t.1 != ",").collect();
        assert_eq!(
            kinds,
            [
                (TokenKind::Word, "SELECT"),
                (TokenKind::String, "B'01'"),
                (TokenKind::String, "X'ff'"),
                (TokenKind::String, "N'n;'"),
                (TokenKind::String, "U&'d;'"),
                (TokenKind::Word, "Ex"),
            ]
        );
    }

    #[test]
    fn quoted_identifiers() {
        let src = r#"CREATE TABLE "a;b" ("x""y" int, Foo int);"#;
        let f = split(src);
        assert_eq!(f.statements.len(), 1);
        let t = &f.statements[0].tokens;
        assert_eq!(t[2].kind, TokenKind::QuotedIdent);
        assert_eq!(t[2].text(src), r#""a;b""#);
        assert_eq!(ident_value(&t[2], src).as_deref(), Some("a;b"));
        assert_eq!(ident_value(&t[4], src).as_deref(), Some(r#"x"y"#));
        assert_eq!(ident_value(&t[7], src).as_deref(), Some("foo"));
        assert_eq!(ident_value(&t[3], src), None);
        assert!(t[0].is_word(src, "create") && !t[2].is_word(src, "a;b"));
    }

    #[test]
    fn dollar_quoting() {
        let src = "DO $$ BEGIN PERFORM 1; END $$;\nCREATE FUNCTION f() RETURNS int AS $body$ SELECT '$$'; $x$ $body$ LANGUAGE sql;\nSELECT $a$ x $b$ ; $b$ y $a$;";
        assert_eq!(
            stmts(src),
            [
                "DO $$ BEGIN PERFORM 1; END $$;",
                "CREATE FUNCTION f() RETURNS int AS $body$ SELECT '$$'; $x$ $body$ LANGUAGE sql;",
                "SELECT $a$ x $b$ ; $b$ y $a$;",
            ]
        );
        let t = toks(src);
        assert_eq!(
            t[1],
            (TokenKind::DollarString, "$$ BEGIN PERFORM 1; END $$")
        );
        assert!(t.contains(&(TokenKind::DollarString, "$body$ SELECT '$$'; $x$ $body$")));
        assert!(t.contains(&(TokenKind::DollarString, "$a$ x $b$ ; $b$ y $a$")));
    }

    #[test]
    fn params_and_dollar_in_words() {
        let src = "SELECT $1, a$b, $2::int, $ ;";
        assert_eq!(
            toks(src),
            [
                (TokenKind::Word, "SELECT"),
                (TokenKind::Param, "$1"),
                (TokenKind::Punct, ","),
                (TokenKind::Word, "a$b"),
                (TokenKind::Punct, ","),
                (TokenKind::Param, "$2"),
                (TokenKind::Punct, "::"),
                (TokenKind::Word, "int"),
                (TokenKind::Punct, ","),
                (TokenKind::Punct, "$"),
            ]
        );
        // `x$$` is one word, so no dollar body swallows the `;`.
        assert_eq!(stmts("SELECT x$$; SELECT 2;").len(), 2);
    }

    #[test]
    fn operators_and_numbers() {
        let src = "a::b<=c>=d<>e!=f||g->h->>i<j-k 1 1.5 .5 1e10 2.5E-3 1_000 1.";
        let t: Vec<_> = toks(src).into_iter().map(|t| t.1).collect();
        assert_eq!(
            t,
            [
                "a", "::", "b", "<=", "c", ">=", "d", "<>", "e", "!=", "f", "||", "g", "->", "h",
                "->>", "i", "<", "j", "-", "k", "1", "1.5", ".5", "1e10", "2.5E-3", "1_000", "1."
            ]
        );
        let nums = toks(src)
            .iter()
            .filter(|t| t.0 == TokenKind::Number)
            .count();
        assert_eq!(nums, 7);
    }

    #[test]
    fn crlf_and_bom() {
        let src = "\u{feff}SELECT 1; -- c\r\nSELECT 2;\r\n";
        let f = split(src);
        assert_eq!(stmts(src), ["SELECT 1;", "SELECT 2;"]);
        assert_eq!(f.statements[0].span, 3..12);
        assert_eq!(comments(src), ["-- c"]);
        assert_eq!(f.statements[1].tokens[0].text(src), "SELECT");
        assert!(split("\u{feff}").statements.is_empty());
    }

    #[test]
    fn non_ascii() {
        let src = "SELECT café, 'ü;ö' FROM \"naïve\"; SELECT é;";
        assert_eq!(
            stmts(src),
            ["SELECT café, 'ü;ö' FROM \"naïve\";", "SELECT é;"]
        );
        let f = split(src);
        let t = &f.statements[0].tokens;
        assert_eq!((t[1].kind, t[1].text(src)), (TokenKind::Word, "café"));
        assert_eq!((t[3].kind, t[3].text(src)), (TokenKind::String, "'ü;ö'"));
        assert_eq!(ident_value(&t[5], src).as_deref(), Some("naïve"));
        // Only ASCII letters fold, as in PostgreSQL with UTF-8.
        let src = "ÉCOLE";
        let t = &split(src).statements[0].tokens[0];
        assert_eq!(ident_value(t, src).as_deref(), Some("École"));
    }

    #[test]
    fn unterminated_constructs() {
        let cases = [
            ("SELECT 1; SELECT 'abc;\nSELECT 2;", 17, UNTERM_STRING),
            ("SELECT 1; SELECT E'a\\';", 17, UNTERM_STRING),
            ("SELECT 1; SELECT \"ab;", 17, UNTERM_IDENT),
            ("SELECT 1; DO $x$ a; $$; ", 13, UNTERM_DOLLAR),
            ("SELECT 1; SELECT /* a /* b */ ;", 17, UNTERM_COMMENT),
        ];
        for (src, at, what) in cases {
            let f = split(src);
            assert_eq!(f.statements.len(), 2, "{src}");
            let s = &f.statements[1];
            assert_eq!(s.span, 10..src.len(), "{src}");
            assert_eq!(s.unterminated, Some((at, what)), "{src}");
            assert!(f.statements[0].unterminated.is_none());
        }
        // Unterminated comment with no statement around it is still reported.
        let src = "SELECT 1;\n/* never closed; SELECT 2;";
        let f = split(src);
        assert_eq!(f.statements.len(), 2);
        assert!(f.statements[1].tokens.is_empty());
        assert_eq!(f.statements[1].span, 10..src.len());
        assert_eq!(f.statements[1].unterminated, Some((10, UNTERM_COMMENT)));
        assert_eq!(f.comments[0].span, 10..src.len());
    }

    #[test]
    fn begin_atomic_body() {
        let src = "CREATE OR REPLACE FUNCTION f(a int) RETURNS int LANGUAGE sql\n\
                   BEGIN ATOMIC\n  SELECT CASE WHEN a > 0 THEN 1 ELSE 0 END;\n  SELECT 2;\nEND;\n\
                   CREATE PROCEDURE p() BEGIN ATOMIC INSERT INTO t VALUES (1); END;\n\
                   SELECT 'begin atomic'; BEGIN; SELECT 3; END;";
        let s = stmts(src);
        assert_eq!(s.len(), 6, "{s:#?}");
        assert!(s[0].starts_with("CREATE OR REPLACE") && s[0].ends_with("SELECT 2;\nEND;"));
        assert_eq!(
            s[1],
            "CREATE PROCEDURE p() BEGIN ATOMIC INSERT INTO t VALUES (1); END;"
        );
        assert_eq!(
            &s[2..],
            ["SELECT 'begin atomic';", "BEGIN;", "SELECT 3;", "END;"]
        );
        // Body `;` tokens are kept, the terminator is not.
        let f = split(src);
        let semis = f.statements[0]
            .tokens
            .iter()
            .filter(|t| t.text(src) == ";")
            .count();
        assert_eq!(semis, 2);
    }

    /// PostgreSQL takes reserved words as column labels after `.` and AS (checked on PostgreSQL 15: `SELECT t.case`
    /// and `SELECT 1 AS end` run in a BEGIN ATOMIC body); they neither open nor close a CASE there.
    #[test]
    fn begin_atomic_body_with_case_and_end_as_column_labels() {
        for body in ["SELECT t.case FROM t;", "SELECT 1 AS end;"] {
            let src = format!(
                "CREATE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  {body}\nEND;\nDROP TABLE \"User\";"
            );
            let s = stmts(&src);
            assert_eq!(s.len(), 2, "{s:#?}");
            assert!(s[0].ends_with(&format!("{body}\nEND;")), "{s:#?}");
            assert_eq!(s[1], "DROP TABLE \"User\";");
        }
    }

    #[test]
    fn large_inputs() {
        let src = "SELECT 1;\n".repeat(200_000);
        let f = split(&src);
        assert_eq!(f.statements.len(), 200_000);
        assert_eq!(f.statements[199_999].span.end, src.len() - 1);

        let depth = 100_000;
        let src = format!("SELECT {}1{};", "(".repeat(depth), ")".repeat(depth));
        let f = split(&src);
        assert_eq!(f.statements.len(), 1);
        assert_eq!(f.statements[0].tokens.len(), 2 * depth + 2);

        let src = format!("SELECT {}", "/*".repeat(depth));
        let f = split(&src);
        assert_eq!(f.comments.len(), 1);
        assert_eq!(f.statements[0].unterminated, Some((7, UNTERM_COMMENT)));
    }

    #[test]
    fn a_long_data_statement_keeps_only_its_outer_words() {
        let rows: Vec<String> = (0..200_000)
            .map(|i| format!("('id-{i}', {i}, now())"))
            .collect();
        let src = format!(
            "INSERT INTO \"Big\" (\"id\", \"n\", \"t\") VALUES {} ON CONFLICT DO NOTHING;\n\
             DELETE FROM \"Big\" WHERE \"n\" IN ({}) AND (x = 1)",
            rows.join(", "),
            (0..400_000)
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
        let f = split(&src);
        assert_eq!(f.statements.len(), 2);
        for s in &f.statements {
            assert!(s.thinned);
            // The bound that matters: what is kept is a small part of the text, not 24 bytes per 3 of it.
            let kept = s.tokens.len() * std::mem::size_of::<Token>();
            assert!(kept < s.span.len() / 4, "{kept} bytes of tokens");
            let all: Vec<Token> = tokens_in(&src, &s.span).collect();
            let mut kept = s.tokens.iter();
            assert!(
                kept.all(|t| all
                    .binary_search_by_key(&t.span.start, |a| a.span.start)
                    .is_ok()),
                "kept tokens are real tokens"
            );
        }
        // Head, 9 tokens a row and the commas between rows, tail; head, numbers and commas, tail.
        let count = |i: usize| tokens_in(&src, &f.statements[i].span).count();
        assert_eq!(count(0), 11 + 9 * 200_000 + 199_999 + 4);
        assert_eq!(count(1), 7 + 400_000 + 399_999 + 7);
        let words = |s: &RawStatement| -> Vec<&str> {
            s.tokens
                .iter()
                .skip_while(|t| t.span.start < s.span.start + LARGE_DATA_STATEMENT)
                .map(|t| t.text(&src))
                .collect()
        };
        // Past the limit: the outer words, and the parenthesis that was open then, closing.
        let past = words(&f.statements[0]);
        assert!(
            past.ends_with(&["ON", "CONFLICT", "DO", "NOTHING"]) && past.len() <= 7,
            "{past:?}"
        );
        let past = words(&f.statements[1]);
        assert!(past.ends_with(&[")", "AND"]) && past.len() <= 3, "{past:?}");
        assert_eq!(
            f.statements[1].span.end,
            src.len(),
            "the last token ends the last statement"
        );
        let last = tokens_in(&src, &f.statements[1].span).last().unwrap();
        assert_eq!(last.text(&src), ")");
        let semi = tokens_in(&src, &f.statements[0].span).last().unwrap();
        assert_eq!(
            semi.text(&src),
            "NOTHING",
            "the terminating `;` is no token"
        );
        // Short data statements and long statements of other kinds keep every token.
        let text = "INSERT INTO t /* ; */ VALUES (1, 2) -- end\n;";
        let short = split(text);
        assert!(!short.statements[0].thinned);
        assert_eq!(short.statements[0].tokens.len(), 9);
        let again: Vec<Token> = tokens_in(text, &short.statements[0].span).collect();
        assert_eq!(again, short.statements[0].tokens);
        let select = format!(
            "SELECT {};",
            (0..30_000)
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(",")
        );
        let f = split(&select);
        assert!(!f.statements[0].thinned);
        assert_eq!(f.statements[0].tokens.len(), 60_000);
    }

    #[test]
    fn random_fragments_hold_invariants() {
        const FRAGMENTS: [&str; 24] = [
            "'",
            "\"",
            "$$",
            "$a$",
            "$1",
            "--",
            "/*",
            "*/",
            ";",
            "\n",
            "\r\n",
            "é",
            "x",
            "E'",
            "\\",
            " ",
            "begin",
            "atomic",
            "end",
            "create function",
            "U&'",
            ".5",
            "->>",
            "\u{feff}",
        ];
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut rand = move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as usize
        };
        for _ in 0..20_000 {
            let n = rand() % 30;
            let src: String = (0..n)
                .map(|_| FRAGMENTS[rand() % FRAGMENTS.len()])
                .collect();
            let f = split(&src);
            let ok = |r: &Range<usize>| {
                r.start <= r.end
                    && r.end <= src.len()
                    && src.is_char_boundary(r.start)
                    && src.is_char_boundary(r.end)
            };
            let mut prev_end = 0;
            for s in &f.statements {
                assert!(ok(&s.span), "{src:?}");
                assert!(s.span.start >= prev_end, "{src:?}");
                prev_end = s.span.end;
                for t in &s.tokens {
                    assert!(ok(&t.span) && t.span.start < t.span.end, "{src:?}");
                    assert!(
                        t.span.start >= s.span.start && t.span.end <= s.span.end,
                        "{src:?}"
                    );
                    let _ = ident_value(t, &src);
                }
            }
            let mut prev_end = 0;
            for c in &f.comments {
                assert!(ok(&c.span) && c.span.start >= prev_end, "{src:?}");
                prev_end = c.span.end;
            }
        }
    }
}
