//! SQL text before it means anything: a file's text and lines ([`source`]), the splitter that cuts it into statements
//! with exact byte spans ([`split`]), a cursor over their tokens ([`cursor`]), and sqlparser fed those tokens
//! ([`parser_tokens`], [`parse`]).

pub mod cursor;
pub mod parse;
pub mod parser_tokens;
pub mod source;
pub mod split;
