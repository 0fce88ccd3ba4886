//! A forward reader over one statement's tokens, shared by the modules that read statements from tokens instead of
//! from the AST: `ops::from_tokens` (lowering) and `relevance` (what a statement can change).

use crate::syntax::split::{ident_value, Token, TokenKind};

pub struct Cursor<'a> {
    src: &'a str,
    tokens: &'a [Token],
    /// The next token's index; readers may move it back to retry.
    pub pos: usize,
}

impl<'a> Cursor<'a> {
    pub fn new(src: &'a str, tokens: &'a [Token]) -> Self {
        Cursor::at(src, tokens, 0)
    }

    /// A reader at token `pos`.
    pub fn at(src: &'a str, tokens: &'a [Token], pos: usize) -> Self {
        Cursor { src, tokens, pos }
    }

    pub fn peek(&self) -> Option<&'a Token> {
        self.tokens.get(self.pos)
    }

    /// The token read last.
    pub fn previous(&self) -> Option<&'a Token> {
        self.tokens.get(self.pos.checked_sub(1)?)
    }

    /// The text the tokens are spans of.
    pub fn src(&self) -> &'a str {
        self.src
    }

    /// Whether the keyword is next.
    pub fn is(&self, kw: &str) -> bool {
        self.peek().is_some_and(|t| t.is_word(self.src, kw))
    }

    /// Consumes the keyword if it is next.
    pub fn eat(&mut self, kw: &str) -> bool {
        let hit = self.is(kw);
        self.pos += usize::from(hit);
        hit
    }

    /// Consumes the whole keyword sequence, or nothing.
    pub fn eat_all(&mut self, kws: &[&str]) -> bool {
        let hit = kws.iter().enumerate().all(|(i, kw)| {
            self.tokens
                .get(self.pos + i)
                .is_some_and(|t| t.is_word(self.src, kw))
        });
        if hit {
            self.pos += kws.len();
        }
        hit
    }

    /// Consumes the punctuation if it is next.
    pub fn eat_punct(&mut self, p: &str) -> bool {
        let hit = self.peek().is_some_and(|t| t.is_punct(self.src, p));
        self.pos += usize::from(hit);
        hit
    }

    /// Consumes an identifier (a word or a quoted name) and gives its value.
    pub fn ident(&mut self) -> Option<String> {
        let value = ident_value(self.peek()?, self.src)?;
        self.pos += 1;
        Some(value)
    }

    /// Skips a balanced parenthesised group starting here; false if there is none.
    pub fn skip_group(&mut self) -> bool {
        if !self.eat_punct("(") {
            return false;
        }
        let mut depth = 1;
        while let Some(t) = self.peek() {
            self.pos += 1;
            if t.kind == TokenKind::Punct {
                match t.text(self.src) {
                    "(" => depth += 1,
                    ")" => {
                        depth -= 1;
                        if depth == 0 {
                            return true;
                        }
                    }
                    _ => {}
                }
            }
        }
        false
    }

    /// Items read by `item`, separated by commas, up to the first that does not read.
    pub fn comma_separated<T>(&mut self, mut item: impl FnMut(&mut Self) -> Option<T>) -> Vec<T> {
        let mut items = Vec::new();
        while let Some(one) = item(self) {
            items.push(one);
            if !self.eat_punct(",") {
                break;
            }
        }
        items
    }

    /// Whether nothing but `;` is left.
    pub fn at_end(&self) -> bool {
        self.rest().iter().all(|t| t.is_punct(self.src, ";"))
    }

    /// The tokens not read yet.
    pub fn rest(&self) -> &'a [Token] {
        self.tokens.get(self.pos..).unwrap_or(&[])
    }
}

/// The positions of the tokens outside any parentheses (a subquery's or a call's words are not the statement's own),
/// the parentheses themselves left out.
pub fn top_level<'a>(src: &'a str, tokens: &'a [Token]) -> impl Iterator<Item = usize> + 'a {
    let mut depth = 0usize;
    tokens.iter().enumerate().filter_map(move |(i, t)| {
        if t.is_punct(src, "(") {
            depth += 1;
            None
        } else if t.is_punct(src, ")") {
            depth = depth.saturating_sub(1);
            None
        } else {
            (depth == 0).then_some(i)
        }
    })
}
