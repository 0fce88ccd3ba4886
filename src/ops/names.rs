//! Object names as PostgreSQL resolves them: unquoted identifiers fold to lower case, `public.` is the default schema.

use std::borrow::Cow;
use std::fmt;

/// PostgreSQL's longest identifier (NAMEDATALEN - 1).
const MAX_IDENTIFIER_BYTES: usize = 63;

/// A possibly schema-qualified name, with identifier values already folded/unquoted.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct ObjName {
    pub schema: Option<String>,
    pub name: String,
}

impl ObjName {
    pub fn new(schema: Option<String>, name: impl Into<String>) -> Self {
        // `public.x` and `x` are the same object for a Prisma migration (search_path is the schema).
        let schema = schema.filter(|s| s != "public");
        let mut name = name.into();
        // PostgreSQL keeps the first 63 bytes of a longer name: a later statement may use the cut name.
        if name.len() > MAX_IDENTIFIER_BYTES {
            let mut end = MAX_IDENTIFIER_BYTES;
            while !name.is_char_boundary(end) {
                end -= 1;
            }
            name.truncate(end);
        }
        ObjName { schema, name }
    }

    pub fn bare(name: impl Into<String>) -> Self {
        ObjName::new(None, name)
    }

    /// The catalog key: exact name, prefixed by its schema unless it is the default one.
    pub fn key(&self) -> String {
        self.key_ref().into_owned()
    }

    /// [`ObjName::key`] without a copy for a name in the default schema (nearly all of them), for lookups.
    pub fn key_ref(&self) -> Cow<'_, str> {
        match &self.schema {
            Some(s) => Cow::Owned(format!("{s}.{}", self.name)),
            None => Cow::Borrowed(&self.name),
        }
    }
}

impl fmt::Display for ObjName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(s) = &self.schema {
            write_quoted(f, s)?;
            f.write_str(".")?;
        }
        write_quoted(f, &self.name)
    }
}

/// [`quote_ident`] written straight into `out` (names are printed in most messages).
fn write_quoted(out: &mut impl fmt::Write, value: &str) -> fmt::Result {
    out.write_char('"')?;
    for (i, part) in value.split('"').enumerate() {
        if i > 0 {
            out.write_str("\"\"")?;
        }
        out.write_str(part)?;
    }
    out.write_char('"')
}

/// SQL spelling of an identifier: double-quoted, as Prisma writes them, so case and keywords are safe.
pub fn quote_ident(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    // Writing to a String cannot fail.
    let _ = write_quoted(&mut out, value);
    out
}

/// SQL spelling of a string: single-quoted, a quote inside doubled.
pub fn quote_literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// Spelling for prose: quoted, like in the migration.
pub fn display_ident(value: &str) -> String {
    quote_ident(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_schema_is_the_default() {
        assert_eq!(
            ObjName::new(Some("public".into()), "User").key(),
            ObjName::bare("User").key()
        );
        assert_eq!(ObjName::new(Some("audit".into()), "log").key(), "audit.log");
    }

    #[test]
    fn long_names_are_cut_to_63_bytes_as_postgres_does() {
        let long = "ThreadTracker_emailAccountId_type_resolved_followUpAppliedAt_idx";
        assert_eq!(ObjName::bare(long).name, &long[..63]);
        assert_eq!(ObjName::bare("é".repeat(40)).name.len(), 62);
    }

    #[test]
    fn display_quotes_and_escapes() {
        assert_eq!(
            ObjName::new(Some("a".into()), "we\"ird").to_string(),
            "\"a\".\"we\"\"ird\""
        );
        assert_eq!(quote_ident("\"a\"\"b"), "\"\"\"a\"\"\"\"b\"");
        assert_eq!(quote_ident(""), "\"\"");
    }
}
