//! Function volatility: which calls in a default are evaluated once (IMMUTABLE, STABLE) and which for every row.

use crate::catalog::Catalog;
use crate::ops::ObjName;
use crate::syntax::split::{ident_value, split, TokenKind};

/// Built-in functions a default commonly calls that are IMMUTABLE or STABLE (PostgreSQL's pg_proc), so the value is
/// computed once and stored in the catalog. The volatile built-ins are known when the default is read.
const NON_VOLATILE_BUILTINS: &[&str] = &[
    "now",
    "current_timestamp",
    "localtimestamp",
    "current_time",
    "localtime",
    "statement_timestamp",
    "transaction_timestamp",
    "current_setting",
    "coalesce",
    "nullif",
    "greatest",
    "least",
    "lower",
    "upper",
    "trim",
    "btrim",
    "ltrim",
    "rtrim",
    "concat",
    "concat_ws",
    "format",
    "length",
    "substring",
    "substr",
    "replace",
    "left",
    "right",
    "split_part",
    "md5",
    "encode",
    "decode",
    "to_char",
    "to_date",
    "to_timestamp",
    "to_number",
    "date_trunc",
    "date_part",
    "extract",
    "make_interval",
    "make_date",
    "make_time",
    "make_timestamp",
    "make_timestamptz",
    "timezone",
    "abs",
    "round",
    "floor",
    "ceil",
    "ceiling",
    "power",
    "sqrt",
    "json_build_object",
    "jsonb_build_object",
    "json_build_array",
    "jsonb_build_array",
    "to_json",
    "to_jsonb",
    "array_to_json",
    "string_to_array",
    "array_length",
    "cast",
    "row",
    "uuid_nil",
    "int4range",
    "int8range",
    "tstzrange",
    "daterange",
    "numrange",
    "point",
    "char_length",
    "octet_length",
    "initcap",
    "lpad",
    "rpad",
    "repeat",
    "regexp_replace",
    "translate",
    "to_tsvector",
    "to_tsquery",
    "plainto_tsquery",
    "phraseto_tsquery",
    "websearch_to_tsquery",
    "setweight",
    "sha224",
    "sha256",
    "sha384",
    "sha512",
    "date",
    "array_fill",
    "array_append",
    "array_prepend",
    "array_cat",
    "array_remove",
    "array_replace",
    "array_to_string",
    "array_position",
    "cardinality",
    "jsonb_set",
    "jsonb_insert",
    "jsonb_strip_nulls",
    "json_object",
    "jsonb_object",
    "jsonb_typeof",
    "age",
    "date_bin",
    "justify_interval",
    "justify_days",
    "justify_hours",
    "position",
    "strpos",
    "reverse",
    "chr",
    "ascii",
    "quote_ident",
    "quote_literal",
    "quote_nullable",
    "regexp_match",
    "regexp_split_to_array",
    "starts_with",
    "to_hex",
    "overlay",
    "trunc",
    "mod",
    "div",
    "ln",
    "exp",
    "log",
    "sign",
    "pi",
    "degrees",
    "radians",
    "bit_length",
    "isfinite",
    "num_nonnulls",
    "num_nulls",
    "int4",
    "int8",
    "text",
    "bool",
    "numeric",
    "float8",
    "normalize",
    "unistr",
];

/// Words that can come before the word carrying a type modifier in a multi-word type name: `character varying(n)`,
/// `national character varying(n)`, `bit varying(n)`, `interval day to second(p)`.
const TYPE_LEADING_WORDS: &[&str] = &[
    "character",
    "char",
    "national",
    "bit",
    "day",
    "hour",
    "minute",
    "to",
];

/// A function an expression calls that is VOLATILE for all we know.
pub struct VolatileCall {
    pub name: String,
    /// A migration created it without IMMUTABLE or STABLE (else: neither the history nor the known built-ins have it,
    /// and a function is VOLATILE unless declared otherwise).
    pub created: bool,
}

/// The first function `text` (a default expression) calls that is volatile for all we know; None when every call is
/// known not to be volatile.
pub fn volatile_call(catalog: &Catalog, text: &str) -> Option<VolatileCall> {
    if !text.contains('(') {
        return None;
    }
    let split = split(text);
    let tokens = &split.statements.first()?.tokens;
    for (i, token) in tokens.iter().enumerate() {
        if !tokens.get(i + 1).is_some_and(|t| t.is_punct(text, "(")) {
            continue;
        }
        let Some(name) = ident_value(token, text) else {
            continue;
        };
        let before = |back: usize| i.checked_sub(back).and_then(|j| tokens.get(j));
        // `x::varchar(10)`, `CAST(x AS character varying(10))`, `::bit varying(5)`: a type name (of up to three
        // words) and its modifier, not a call.
        let type_start = (1..=4).find(|&back| {
            !before(back).is_some_and(|t| TYPE_LEADING_WORDS.iter().any(|w| t.is_word(text, w)))
        });
        if type_start
            .and_then(before)
            .is_some_and(|t| t.is_punct(text, "::") || t.is_word(text, "as"))
        {
            continue;
        }
        let schema = before(1)
            .filter(|t| t.is_punct(text, "."))
            .and_then(|_| before(2))
            .and_then(|t| ident_value(t, text));
        if schema.as_deref() == Some("pg_catalog") {
            continue;
        }
        let function = ObjName::new(schema, name.clone());
        match catalog.function_volatile(&function) {
            Some(true) => {
                return Some(VolatileCall {
                    name: function.to_string(),
                    created: true,
                })
            }
            Some(false) => continue,
            None if function.schema.is_none()
                && token.kind == TokenKind::Word
                && NON_VOLATILE_BUILTINS.contains(&name.as_str()) =>
            {
                continue
            }
            None => {
                return Some(VolatileCall {
                    name: function.to_string(),
                    created: false,
                })
            }
        }
    }
    None
}
