//! The spellings that mean the same to Prisma and PostgreSQL: type aliases, defaults written many ways, and names cut
//! to PostgreSQL's 63 bytes.

use crate::ops::{integer_of_serial, normalize_type};

/// PostgreSQL keeps the first 63 bytes of an identifier.
pub const MAX_IDENTIFIER: usize = 63;

/// A column default as far as Prisma tells defaults apart.
#[derive(Debug, Clone, PartialEq)]
pub enum DefaultValue {
    None,
    /// A sequence (`serial`, `nextval(...)`, `autoincrement()`).
    Autoincrement,
    /// `now()`, `CURRENT_TIMESTAMP`.
    Now,
    /// A literal, unquoted (`'a'::text` is `a`).
    Value(String),
    /// An array literal's items (`ARRAY[]::TEXT[]` and `'{}'` are both empty).
    List(Vec<String>),
    /// Any other expression, compacted (lower case outside quotes, no spaces).
    Expr(String),
    /// `dbgenerated()` with no expression: whatever the database has.
    Any,
}

impl DefaultValue {
    /// For messages.
    pub fn describe(&self) -> String {
        match self {
            DefaultValue::None => "no default".into(),
            DefaultValue::Autoincrement => "autoincrement()".into(),
            DefaultValue::Now => "now()".into(),
            DefaultValue::Value(v) => format!("'{v}'"),
            DefaultValue::List(items) => format!("[{}]", items.join(", ")),
            DefaultValue::Expr(e) => e.clone(),
            DefaultValue::Any => "any default".into(),
        }
    }

    /// Whether `sql` is this default as Prisma's SQL writes it (`CURRENT_TIMESTAMP`, `'ACTIVE'`, `false`, `0`), so
    /// that [`classify_default`] of it would give this default back: nearly every default of a history in sync, known
    /// without classifying it. `false` says nothing: the caller classifies then.
    pub fn written_as(&self, sql: &str) -> bool {
        match self {
            DefaultValue::Now => sql == "CURRENT_TIMESTAMP",
            // A quote would be doubled in SQL, and a call such as `nextval(` inside the quotes is classified apart.
            DefaultValue::Value(v) if !v.contains(['\'', '(']) => {
                sql.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) == Some(v.as_str())
                    || (sql == v && (v == "true" || v == "false" || is_plain_number(v)))
            }
            _ => false,
        }
    }

    /// Whether Prisma sees no difference between these two defaults.
    pub fn same(&self, other: &DefaultValue) -> bool {
        match (self, other) {
            (DefaultValue::Any, _) | (_, DefaultValue::Any) => true,
            (DefaultValue::Value(a), DefaultValue::Value(b)) => same_literal(a, b),
            (DefaultValue::List(a), DefaultValue::List(b)) => same_items(a, b),
            // An uncast `'{a,b}'` on an array column.
            (DefaultValue::Value(v), DefaultValue::List(l))
            | (DefaultValue::List(l), DefaultValue::Value(v)) => {
                brace_items(v).is_some_and(|items| same_items(&items, l))
            }
            (a, b) => a == b,
        }
    }
}

/// A number equal to itself (NaN is not: two of them are two different defaults to [`same_literal`]).
fn is_plain_number(text: &str) -> bool {
    text.parse::<f64>().is_ok_and(|x| !x.is_nan())
}

/// `2020-01-01T00:00:00Z` and `2020-01-01 00:00:00 +00:00` (Prisma's SQL spelling) as digits and offset.
fn timestamp_key(text: &str) -> Option<(String, String)> {
    let text = text.trim();
    let bytes = text.as_bytes();
    let date_like = bytes.len() >= 10
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && bytes[4] == b'-'
        && bytes[7] == b'-';
    if !date_like {
        return None;
    }
    let offset_at = text[10..]
        .find(['+', '-', 'Z', 'z'])
        .map_or(text.len(), |i| i + 10);
    let mut digits: String = text[..offset_at]
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    while digits.len() > 14 && digits.ends_with('0') {
        digits.pop();
    }
    let offset = &text[offset_at..];
    let sign = if offset.starts_with('-') { '-' } else { '+' };
    let mut zone: String = offset.chars().filter(char::is_ascii_digit).collect();
    while zone.len() < 4 {
        zone.push('0');
    }
    if zone.chars().all(|c| c == '0') {
        return Some((digits, "+0000".into()));
    }
    Some((digits, format!("{sign}{zone}")))
}

fn same_items(a: &[String], b: &[String]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same_literal(a, b))
}

/// `2.50` and `2.5` are one number; JSON spacing does not matter; bytea's hex digits are one value in either case.
fn same_literal(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    // Whatever the column's type (not known here): a text default that differs only so is missed, rather than a
    // bytea one written in upper case reported.
    let hex = |s: &str| {
        s.strip_prefix("\\x")
            .is_some_and(|d| d.bytes().all(|b| b.is_ascii_hexdigit()))
    };
    if hex(a) && hex(b) {
        return a.eq_ignore_ascii_case(b);
    }
    if let (Ok(x), Ok(y)) = (a.trim().parse::<f64>(), b.trim().parse::<f64>()) {
        return x == y;
    }
    if let (Some(x), Some(y)) = (timestamp_key(a), timestamp_key(b)) {
        return x == y;
    }
    let compact = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    compact(a) == compact(b)
}

/// A Bytes default as Prisma writes it: the schema's base64 as bytea's hex form, `\x68656c6c6f` for `aGVsbG8=`. None
/// when `base64` is not base64 as Prisma accepts it (standard alphabet, `=` padding to a multiple of four, no bits
/// left over), which Prisma rejects (P1012).
pub fn bytea_hex(base64: &str) -> Option<String> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let digits = base64.trim_end_matches('=').as_bytes();
    let padding = base64.len() - digits.len();
    if base64.len() % 4 != 0 || padding > 2 || digits.len() % 4 == 1 {
        return None;
    }
    let mut out = String::from("\\x");
    let (mut bits, mut count) = (0u32, 0);
    for &c in digits {
        bits = (bits << 6) | u32::from(value(c)?);
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push_str(&format!("{:02x}", (bits >> count) & 0xff));
        }
    }
    // The bits of a last, partial byte must be zero.
    (bits & ((1 << count) - 1) == 0).then_some(out)
}

/// What a default's SQL text means.
pub fn classify_default(sql: &str) -> DefaultValue {
    let text = strip_parens(sql.trim());
    // Compared without lower-case copies: every column default of a history is classified.
    let is = |text: &str, word: &str| text.eq_ignore_ascii_case(word);
    if contains_ignoring_case(text, "nextval(") {
        return DefaultValue::Autoincrement;
    }
    let uncast = strip_casts(text);
    let timestamp_call = uncast
        .get(.."current_timestamp(".len())
        .is_some_and(|start| is(start, "current_timestamp("));
    if ["now()", "current_timestamp", "transaction_timestamp()"]
        .iter()
        .any(|word| is(uncast, word))
        || timestamp_call
    {
        return DefaultValue::Now;
    }
    if let Some(items) = array_items(uncast) {
        return DefaultValue::List(items);
    }
    if let Some(s) = string_literal(uncast) {
        // An array written as `'{a,b}'::text[]`.
        if text.ends_with("[]") {
            if let Some(items) = brace_items(&s) {
                return DefaultValue::List(items);
            }
        }
        return DefaultValue::Value(s);
    }
    let plain = strip_parens(uncast);
    if plain.parse::<f64>().is_ok() || is(uncast, "true") || is(uncast, "false") {
        return DefaultValue::Value(uncast.to_ascii_lowercase());
    }
    DefaultValue::Expr(compact_expr(text))
}

/// `(x)` → `x`, repeatedly.
fn strip_parens(mut text: &str) -> &str {
    while let Some(inner) = text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        // Only when the outer pair matches: `(a) + (b)` stays.
        if !balanced(inner) {
            break;
        }
        text = inner.trim();
    }
    text
}

fn balanced(text: &str) -> bool {
    let mut depth = 0i32;
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            _ => {}
        }
    }
    depth == 0
}

/// Drops trailing `::type` casts outside quotes (`'a'::"Role"`, `'{}'::text[]`).
fn strip_casts(text: &str) -> &str {
    let mut end = text.len();
    loop {
        let head = &text[..end];
        let Some(at) = last_cast(head) else {
            return strip_parens(head.trim());
        };
        end = at;
    }
}

/// Byte offset of the last top-level `::` outside quotes.
fn last_cast(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let (mut single, mut double, mut depth) = (false, false, 0i32);
    let mut found = None;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\'' if !double => single = !single,
            b'"' if !single => double = !double,
            b'(' | b'[' if !single && !double => depth += 1,
            b')' | b']' if !single && !double => depth -= 1,
            b':' if !single && !double && depth == 0 && bytes.get(i + 1) == Some(&b':') => {
                found = Some(i);
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    found
}

/// `'it''s'` → `it's`; `E'..'` is read plainly.
fn string_literal(text: &str) -> Option<String> {
    let body = text
        .strip_prefix('\'')
        .or_else(|| text.strip_prefix("E'"))?
        .strip_suffix('\'')?;
    Some(body.replace("''", "'"))
}

/// `ARRAY['a', 'b']` → `[a, b]`.
fn array_items(text: &str) -> Option<Vec<String>> {
    let rest = text
        .get(..5)
        .filter(|h| h.eq_ignore_ascii_case("array"))
        .map(|_| text[5..].trim_start())?;
    let inner = rest.strip_prefix('[')?.strip_suffix(']')?;
    Some(
        split_items(inner)
            .into_iter()
            .map(|item| {
                let item = strip_casts(item.trim());
                string_literal(item).unwrap_or_else(|| item.to_ascii_lowercase())
            })
            .collect(),
    )
}

/// `{a,"b c"}` → `[a, b c]`.
fn brace_items(text: &str) -> Option<Vec<String>> {
    let inner = text.strip_prefix('{')?.strip_suffix('}')?;
    if inner.trim().is_empty() {
        return Some(Vec::new());
    }
    Some(
        split_items(inner)
            .into_iter()
            .map(|i| i.trim().trim_matches('"').to_string())
            .collect(),
    )
}

/// Splits at top-level commas outside quotes.
fn split_items(text: &str) -> Vec<&str> {
    if text.trim().is_empty() {
        return Vec::new();
    }
    let (mut out, mut start, mut depth) = (Vec::new(), 0, 0i32);
    let (mut single, mut double) = (false, false);
    for (i, c) in text.char_indices() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '(' | '[' if !single && !double => depth += 1,
            ')' | ']' if !single && !double => depth -= 1,
            ',' if !single && !double && depth == 0 => {
                out.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&text[start..]);
    out
}

/// Lower case outside quotes, no whitespace, no `public.` prefix: `gen_random_uuid()` however it was written.
fn compact_expr(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let (mut single, mut double) = (false, false);
    for c in text.chars() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            _ => {}
        }
        if single || double || c == '\'' || c == '"' {
            out.push(c);
        } else if !c.is_whitespace() {
            out.push(c.to_ascii_lowercase());
        }
    }
    out.replace("public.", "").replace("\"public\".", "")
}

/// A column type as PostgreSQL stores it, one spelling per type: aliases folded, serials their integer type,
/// `timestamp` its default precision 6, quotes and the `public` schema gone from user types.
pub fn canonical_type(sql: &str) -> String {
    let normalized = normalize_type(sql);
    let (base, array) = match normalized.strip_suffix("[]") {
        Some(b) => (b, "[]"),
        None => (normalized.as_str(), ""),
    };
    let base = base
        .strip_prefix("\"public\".")
        .or_else(|| base.strip_prefix("public."))
        .unwrap_or(base);
    let base = match base {
        "serial" | "serial4" => "integer".to_string(),
        "bigserial" | "serial8" => "bigint".to_string(),
        "smallserial" | "serial2" => "smallint".to_string(),
        "timestamp" | "timestamptz" | "time" | "timetz" => format!("{base}(6)"),
        "char" => "char(1)".to_string(),
        "bit" => "bit(1)".to_string(),
        "decimal" => "numeric".to_string(),
        quoted if quoted.starts_with('"') && quoted.ends_with('"') && quoted.len() > 1 => {
            quoted[1..quoted.len() - 1].replace("\"\"", "\"")
        }
        other => other.replace("decimal(", "numeric("),
    };
    format!("{base}{array}")
}

/// Whether `text` holds `needle` in any ASCII letter case, without a lower-case copy of either.
fn contains_ignoring_case(text: &str, needle: &str) -> bool {
    text.as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Whether a type is a serial (its column gets a sequence default).
pub fn is_serial(sql: &str) -> bool {
    // Only a spelling with `serial` in it normalizes to one; nearly no column has it, and normalizing allocates.
    contains_ignoring_case(sql, "serial") && integer_of_serial(&normalize_type(sql)).is_some()
}

/// The operator class PostgreSQL 15 gives a key of an index of `method` on a column of type `sql_type` (as the catalog
/// spells it) when none is written (`pg_opclass.opcdefault`, binary-coercible types resolved as PostgreSQL resolves
/// them: `varchar` takes text's). Naming it is the same index. None where no default is known here.
pub fn default_opclass(method: &str, sql_type: &str) -> Option<String> {
    let normalized = normalize_type(sql_type);
    if normalized.ends_with("[]") {
        return matches!(method, "gin" | "btree" | "hash").then(|| "array_ops".to_string());
    }
    let base = normalized.split('(').next().unwrap_or("").trim();
    // From `normalize_type`'s one spelling of each type (its aliases are already folded) to PostgreSQL's type name.
    let type_name = match base {
        "integer" | "serial" | "serial4" => "int4",
        "bigint" | "bigserial" | "serial8" => "int8",
        "smallint" | "smallserial" | "serial2" => "int2",
        "real" => "float4",
        "double precision" => "float8",
        "numeric" => "numeric",
        "text" | "varchar" => "text",
        "char" => "bpchar",
        "timestamp" => "timestamp",
        "timestamptz" => "timestamptz",
        "time" => "time",
        "timetz" => "timetz",
        "boolean" => "bool",
        other
        @ ("date" | "uuid" | "bytea" | "inet" | "jsonb" | "tsvector" | "oid" | "interval") => other,
        _ => return None,
    };
    let class = match (method, type_name) {
        ("gin", "jsonb" | "tsvector") | ("gist", "tsvector") | ("spgist", "text" | "inet") => {
            format!("{type_name}_ops")
        }
        ("brin", "inet") => "inet_inclusion_ops".into(),
        ("brin", "jsonb" | "tsvector" | "bool") => return None,
        ("brin", _) => format!("{type_name}_minmax_ops"),
        ("btree" | "hash", "tsvector") => return None,
        ("btree" | "hash", _) => format!("{type_name}_ops"),
        _ => return None,
    };
    Some(class)
}

/// The first 63 bytes of a name (at a character boundary), as PostgreSQL and Prisma cut them.
pub fn truncate(name: &str) -> &str {
    if name.len() <= MAX_IDENTIFIER {
        return name;
    }
    let mut end = MAX_IDENTIFIER;
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    &name[..end]
}

/// Prisma's default constraint and index name: `<table>_<columns>_<suffix>`, the part before the suffix cut so the
/// whole fits in 63 bytes.
pub fn prisma_name(table: &str, columns: &[&str], suffix: &str) -> String {
    let mut name = String::with_capacity(MAX_IDENTIFIER + 1);
    name.push_str(table);
    for column in columns {
        name.push('_');
        name.push_str(column);
    }
    let limit = MAX_IDENTIFIER - suffix.len() - 1;
    if name.len() > limit {
        let mut end = limit;
        while !name.is_char_boundary(end) {
            end -= 1;
        }
        name.truncate(end);
    }
    name.push('_');
    name.push_str(suffix);
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Prisma 6.19.3's `migrate diff` writes `'\x68656c6c6f'`, `'\x'` and `'\x0001'` for the first three.
    #[test]
    fn bytes_defaults_are_written_in_hex() {
        for (base64, hex) in [
            ("aGVsbG8=", Some("\\x68656c6c6f")),
            ("", Some("\\x")),
            ("AAE=", Some("\\x0001")),
            ("/+4=", Some("\\xffee")),
            ("/w==", Some("\\xff")),
            // Prisma rejects each of these as "not a valid base64 string".
            ("aGVsbG8", None),
            ("aGVs=", None),
            ("aGVsbA", None),
            ("aGVsbB==", None),
            ("aGVsbG9=", None),
            ("a", None),
            ("aGV*", None),
            ("aGVsbG8===", None),
        ] {
            assert_eq!(bytea_hex(base64).as_deref(), hex, "{base64}");
        }
        let value = |s: &str| DefaultValue::Value(s.to_string());
        assert!(value("\\x68656C6C6F").same(&value("\\x68656c6c6f")));
        assert!(!value("\\x68656c6c6f").same(&value("\\x68656c6c6e")));
    }

    /// Every spelling of a type gives its class: `normalize_type` folds the aliases first.
    #[test]
    fn an_operator_class_default_is_found_for_each_spelling_of_a_type() {
        for (method, spellings, class) in [
            (
                "btree",
                &["integer", "INT", "int4", "serial", "serial4"][..],
                "int4_ops",
            ),
            ("btree", &["bigint", "INT8", "bigserial"], "int8_ops"),
            ("hash", &["smallint", "int2", "smallserial"], "int2_ops"),
            ("btree", &["real", "float4"], "float4_ops"),
            (
                "btree",
                &["double precision", "float8", "FLOAT"],
                "float8_ops",
            ),
            (
                "btree",
                &["numeric(65,30)", "DECIMAL(10, 2)"],
                "numeric_ops",
            ),
            (
                "spgist",
                &["text", "varchar(255)", "character varying"],
                "text_ops",
            ),
            (
                "btree",
                &["char(2)", "character(2)", "bpchar"],
                "bpchar_ops",
            ),
            (
                "brin",
                &["timestamp(3)", "timestamp without time zone"],
                "timestamp_minmax_ops",
            ),
            (
                "btree",
                &["timestamptz", "timestamp(3) with time zone"],
                "timestamptz_ops",
            ),
            ("btree", &["time", "time without time zone"], "time_ops"),
            ("btree", &["timetz", "time with time zone"], "timetz_ops"),
            ("btree", &["boolean", "bool"], "bool_ops"),
            ("gin", &["jsonb", "JSONB"], "jsonb_ops"),
            ("gin", &["text[]", "varchar(3)[]"], "array_ops"),
        ] {
            for spelling in spellings {
                assert_eq!(
                    default_opclass(method, spelling).as_deref(),
                    Some(class),
                    "{spelling}"
                );
            }
        }
        assert_eq!(default_opclass("btree", "tsvector"), None);
        assert_eq!(default_opclass("brin", "bool"), None);
    }

    /// `written_as` is a shortcut: where it says yes, classifying the text gives the same default back.
    #[test]
    fn a_default_written_as_prisma_writes_it_classifies_the_same() {
        let value = |s: &str| DefaultValue::Value(s.to_string());
        let cases = [
            (DefaultValue::Now, "CURRENT_TIMESTAMP", true),
            (DefaultValue::Now, "now()", false),
            (value("ACTIVE"), "'ACTIVE'", true),
            (value(""), "''", true),
            (value("a b"), "'a b'", true),
            (value("false"), "false", true),
            (value("0"), "0", true),
            (value("-1.5"), "-1.5", true),
            (value("0"), "'0'", true),
            // Each of these is left to classify (NaN is no number equal to itself).
            (value("NaN"), "NaN", false),
            (value("it's"), "'it''s'", false),
            (value("nextval(x)"), "'nextval(x)'", false),
            (value("ACTIVE"), "ACTIVE", false),
            (value("ACTIVE"), "'ACTIVE'::\"Status\"", false),
            (value("{}"), "'{}'", true),
            (DefaultValue::Autoincrement, "nextval('s'::regclass)", false),
            (DefaultValue::None, "", false),
        ];
        for (want, sql, written) in cases {
            assert_eq!(want.written_as(sql), written, "{want:?} {sql}");
            if written {
                assert!(want.same(&classify_default(sql)), "{want:?} {sql}");
            }
        }
    }

    #[test]
    fn serials_in_any_spelling() {
        for serial in [
            "SERIAL",
            "serial4",
            "BigSerial",
            " smallserial ",
            "SERIAL8",
            "public.serial",
        ] {
            assert!(is_serial(serial), "{serial}");
        }
        for other in ["integer", "\"serial\"", "serial[]", "serial_kind", "text"] {
            assert!(!is_serial(other), "{other}");
        }
    }

    #[test]
    fn defaults_written_differently_are_the_same() {
        let same = |a: &str, b: &str| classify_default(a).same(&classify_default(b));
        assert!(same("CURRENT_TIMESTAMP", "now()"));
        assert!(same("'USER'::\"Role\"", "'USER'"));
        assert!(same("ARRAY[]::TEXT[]", "'{}'::text[]"));
        assert!(same("ARRAY['a', 'b']::\"Role\"[]", "'{a,b}'::\"Role\"[]"));
        assert!(same("2.50", "2.5"));
        assert!(same("(-1)", "-1"));
        assert!(same("gen_random_uuid()", "GEN_RANDOM_UUID ( )"));
        assert!(same("'{\"a\": 1}'", "'{\"a\":1}'::jsonb"));
        assert!(same(
            "'2020-01-01T00:00:00Z'",
            "'2020-01-01 00:00:00 +00:00'"
        ));
        assert!(same("'2020-01-01T00:00:00.000Z'", "'2020-01-01 00:00:00'"));
        assert!(!same(
            "'2020-01-01T00:00:00Z'",
            "'2020-01-02 00:00:00 +00:00'"
        ));
        assert_eq!(
            classify_default("nextval('\"T_id_seq\"'::regclass)"),
            DefaultValue::Autoincrement
        );
        assert!(!same("'a'", "'b'"));
        assert!(!same("1", "2"));
        assert!(!same("now()", "'now'"));
    }

    #[test]
    fn types_are_compared_as_postgres_stores_them() {
        assert_eq!(
            canonical_type("DECIMAL(65,30)"),
            canonical_type("numeric(65, 30)")
        );
        assert_eq!(
            canonical_type("TIMESTAMP"),
            canonical_type("timestamp(6) without time zone")
        );
        assert_eq!(canonical_type("SERIAL"), "integer");
        assert_eq!(canonical_type("\"Role\"[]"), "Role[]");
        assert_eq!(canonical_type("\"public\".\"Role\""), "Role");
        assert_ne!(
            canonical_type("TIMESTAMP(3)"),
            canonical_type("TIMESTAMPTZ(3)")
        );
        assert_ne!(canonical_type("VARCHAR"), canonical_type("VARCHAR(255)"));
    }

    #[test]
    fn prisma_names_fit_in_63_bytes() {
        assert_eq!(prisma_name("User", &["email"], "key"), "User_email_key");
        let table = "AVeryLongModelNameThatGoesOnAndOnForeverAndEverAndEverAndEverX";
        // Both from Prisma 6.19's own SQL.
        assert_eq!(
            prisma_name(table, &[], "pkey"),
            "AVeryLongModelNameThatGoesOnAndOnForeverAndEverAndEverAndE_pkey"
        );
        assert_eq!(
            prisma_name(table, &["aVeryLongField"], "key"),
            "AVeryLongModelNameThatGoesOnAndOnForeverAndEverAndEverAndEv_key"
        );
        assert_eq!(truncate(&"é".repeat(40)).len(), 62);
    }
}
