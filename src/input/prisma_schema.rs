//! Tolerant reader of Prisma schema files.
//!
//! Only what the linter needs is extracted: models (and views), their fields,
//! ids, uniques, indexes and name mappings, plus enums. Anything that does not
//! look like Prisma is skipped; parsing never fails and never panics.

use std::borrow::Cow;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schema {
    pub models: Vec<Model>,
    pub enums: Vec<EnumDef>,
    pub files: Vec<PathBuf>,
    /// `key = value` settings of `datasource` blocks (`provider`, `schemas`, `relationMode`, ...), values as written.
    pub datasource: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Model {
    /// Prisma model name.
    pub name: String,
    /// `@@map("x")` value, else the model name.
    pub db_name: String,
    pub file: PathBuf,
    /// 1-based line of `model X {`.
    pub line: usize,
    /// 1-based line of the closing `}` (last line of the file if unclosed).
    pub end_line: usize,
    pub fields: Vec<Field>,
    /// `@@id([a, b])` field names, or the field(s) marked `@id`.
    pub id: Vec<String>,
    /// `@@unique([..])` and field-level `@unique`, in source order.
    pub uniques: Vec<Vec<String>>,
    /// `@@index([..])` field names with per-field arguments stripped.
    pub indexes: Vec<Vec<String>>,
    /// `@@ignore`.
    pub ignored: bool,
    /// Declared with `view`, not `model`.
    pub is_view: bool,
    /// Every block attribute (`@@id`, `@@index`, `@@schema`, ...) with its arguments and 1-based line.
    pub attributes: Vec<Attribute>,
}

/// One `@name(...)` or `@@name(...)` attribute, its arguments split at top-level commas.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// Name without the `@` / `@@`, e.g. `index`, `db.VarChar`.
    pub name: String,
    /// (argument name for `name: value`, value as written).
    pub args: Vec<(Option<String>, String)>,
    /// Whether it was written with parentheses (`@db.VarChar` and `@db.VarChar()` differ from `@db.VarChar(10)`).
    pub has_args: bool,
    pub line: usize,
}

impl Attribute {
    /// The named argument, else (when `positional`) the first unnamed one.
    pub fn arg(&self, name: &str, positional: bool) -> Option<&str> {
        arg_value(&self.args, name, positional)
    }

    /// The named (or first positional) argument as a string literal.
    pub fn string_arg(&self, name: &str, positional: bool) -> Option<String> {
        self.arg(name, positional).and_then(parse_string)
    }
}

/// One entry of a field list such as `[a, b(sort: Desc, ops: raw("x"))]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldRef {
    pub name: String,
    pub args: Vec<(Option<String>, String)>,
}

/// `[a, b(sort: Desc)]` with each entry's arguments; a bare `a` is accepted too.
pub fn parse_field_refs(value: &str) -> Vec<FieldRef> {
    let value = value.trim();
    let inner = value.strip_prefix('[').unwrap_or(value);
    let inner = inner.strip_suffix(']').unwrap_or(inner);
    split_top(inner)
        .into_iter()
        .filter_map(|item| {
            let name = &item[..run_end(item, 0, |c| is_ident(c) || c == '.')];
            if name.is_empty() {
                return None;
            }
            let rest = item[name.len()..].trim();
            let args = rest
                .strip_prefix('(')
                .and_then(|r| r.strip_suffix(')'))
                .map(parse_args)
                .unwrap_or_default();
            Some(FieldRef {
                name: name.to_string(),
                args,
            })
        })
        .collect()
}

/// Splits at top-level commas (outside strings and brackets), trimmed, empty parts dropped.
pub fn split_arguments(text: &str) -> Vec<&str> {
    split_top(text)
}

/// Unquote a Prisma string literal (`"a\"b"` → `a"b`); None when `value` is not one.
pub fn parse_string_literal(value: &str) -> Option<String> {
    parse_string(value)
}

/// The attribute with its arguments read (once: the parser's own uses read this too).
fn attribute(attr: &Attr, line: usize) -> Attribute {
    Attribute {
        name: attr.name.to_string(),
        args: attr.args.map(parse_args).unwrap_or_default(),
        has_args: attr.args.is_some(),
        line,
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    /// `@map("x")` value, else the field name.
    pub db_name: String,
    /// Type without `?` / `[]`; `Unsupported("x")` is kept whole.
    pub type_name: String,
    pub optional: bool,
    pub list: bool,
    /// 1-based line.
    pub line: usize,
    /// Raw attribute texts as written, e.g. `@id`, `@default(now())`.
    pub attributes: Vec<String>,
    /// The same attributes with their arguments read, one per entry of `attributes`.
    pub parsed_attributes: Vec<Attribute>,
    /// Names from `@relation(fields: [...])`.
    pub relation_fields: Vec<String>,
    pub is_id: bool,
    pub is_unique: bool,
    /// Inner text of `@default(...)`, trimmed.
    pub default: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumDef {
    pub name: String,
    pub db_name: String,
    /// `@@schema("x")`.
    pub schema: Option<String>,
    /// (Prisma name, database name from `@map` or the name).
    pub values: Vec<(String, String)>,
    pub file: PathBuf,
    pub line: usize,
}

impl Schema {
    /// Parse one file's text (`file` is only recorded for locations).
    pub fn parse_str(text: &str, file: &Path) -> Schema {
        Parser::new(file).run(text)
    }

    /// Load a `.prisma` file, or every `*.prisma` below a folder (recursive,
    /// sorted by path, skipping `node_modules`), merged into one schema.
    pub fn load(path: &Path) -> io::Result<Schema> {
        Schema::load_with_texts(path).map(|(schema, _)| schema)
    }

    /// [`Schema::load`], also returning each file's text (one per [`Schema::files`]), read once.
    pub fn load_with_texts(path: &Path) -> io::Result<(Schema, Vec<String>)> {
        let files = if fs::metadata(path)?.is_dir() {
            let mut files = Vec::new();
            collect_prisma_files(path, &mut files, true)?;
            files.sort();
            files
        } else {
            vec![path.to_path_buf()]
        };
        let mut schema = Schema::default();
        let mut texts = Vec::with_capacity(files.len());
        for file in files {
            let bytes =
                crate::input::project_file::read_regular(&file).map_err(std::io::Error::other)?;
            // Lossy so a stray non-UTF-8 byte does not hide the whole file.
            let text = match String::from_utf8(bytes) {
                Ok(text) => text,
                Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
            };
            let part = Schema::parse_str(&text, &file);
            schema.models.extend(part.models);
            schema.enums.extend(part.enums);
            schema.files.extend(part.files);
            schema.datasource.extend(part.datasource);
            texts.push(text);
        }
        Ok((schema, texts))
    }

    /// Model whose `db_name` matches the SQL table name: exact first, then
    /// ASCII-case-insensitive.
    pub fn model_for_table(&self, table: &str) -> Option<&Model> {
        self.models.iter().find(|m| m.db_name == table).or_else(|| {
            self.models
                .iter()
                .find(|m| m.db_name.eq_ignore_ascii_case(table))
        })
    }

    /// Enum whose `db_name` matches a Postgres type name: exact first, then
    /// ASCII-case-insensitive.
    pub fn enum_for_type(&self, db_type: &str) -> Option<&EnumDef> {
        self.enums
            .iter()
            .find(|e| e.db_name == db_type)
            .or_else(|| {
                self.enums
                    .iter()
                    .find(|e| e.db_name.eq_ignore_ascii_case(db_type))
            })
    }
}

impl Model {
    /// Field whose `db_name` matches the column: exact, then case-insensitive.
    pub fn field_for_column(&self, column: &str) -> Option<&Field> {
        self.fields
            .iter()
            .find(|f| f.db_name == column)
            .or_else(|| {
                self.fields
                    .iter()
                    .find(|f| f.db_name.eq_ignore_ascii_case(column))
            })
    }

    /// Is there an id, unique or index whose leading fields are exactly
    /// `fields`, in order? An empty `fields` never matches.
    pub fn has_index_leading(&self, fields: &[String]) -> bool {
        if fields.is_empty() {
            return false;
        }
        let leads =
            |cols: &Vec<String>| cols.len() >= fields.len() && cols[..fields.len()] == *fields;
        leads(&self.id) || self.uniques.iter().any(leads) || self.indexes.iter().any(leads)
    }
}

/// Find the schema for a migrations folder the way Prisma projects lay it out.
///
/// Looks beside the migrations folder for, in order: `schema.prisma` (the
/// whole folder if a `models/` folder with `.prisma` files sits next to it),
/// a `schema/` folder holding `.prisma` files, then any `*.prisma` files (the
/// one file, or the folder when there are several).
pub fn find_schema_for_migrations(migrations_dir: &Path) -> Option<PathBuf> {
    let parent = match migrations_dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        // `migrations` or `migrations/` relative to the cwd.
        Some(_) => PathBuf::from("."),
        None => migrations_dir.join(".."),
    };
    let has_models_dir = !direct_prisma_files(&parent.join("models")).is_empty();

    let main = parent.join("schema.prisma");
    // Prisma's multi-file layout keeps the migrations inside the `schema/` folder, beside schema.prisma (the
    // datasource) and the other files: all of them are the schema.
    let schema_folder =
        parent.file_name().is_some_and(|n| n == "schema") && direct_prisma_files(&parent).len() > 1;
    if main.is_file() {
        return Some(if has_models_dir || schema_folder {
            parent
        } else {
            main
        });
    }

    let folder = parent.join("schema");
    if folder.is_dir() {
        let mut files = Vec::new();
        if collect_prisma_files(&folder, &mut files, true).is_ok() && !files.is_empty() {
            return Some(folder);
        }
    }

    let siblings = direct_prisma_files(&parent);
    match siblings.len() {
        0 => None,
        1 if !has_models_dir => siblings.into_iter().next(),
        _ => Some(parent),
    }
}

fn is_prisma_file(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "prisma") && path.is_file()
}

fn direct_prisma_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| is_prisma_file(p))
        .collect();
    files.sort();
    files
}

/// Errors below the top folder are ignored so one unreadable subfolder does
/// not make the whole schema unreadable.
fn collect_prisma_files(dir: &Path, out: &mut Vec<PathBuf>, top: bool) -> io::Result<()> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if top => return Err(e),
        Err(_) => return Ok(()),
    };
    for entry in entries.filter_map(|e| e.ok()) {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        // Symlinked folders are not followed, so loops cannot recurse forever.
        if kind.is_dir() {
            if entry.file_name() != "node_modules" {
                collect_prisma_files(&path, out, false)?;
            }
        } else if is_prisma_file(&path) {
            out.push(path);
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Lexing helpers. Everything works on chars, never on raw byte offsets.

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// [`str::trim`], stepping over ASCII whitespace byte by byte and decoding characters only at a non-ASCII edge:
/// every schema line and argument is trimmed, and nearly all of them have ASCII edges.
fn trim(text: &str) -> &str {
    // The ASCII characters `char::is_whitespace` accepts (U+000B included, unlike `u8::is_ascii_whitespace`).
    let space = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r');
    let bytes = text.as_bytes();
    let start = bytes.iter().position(|b| !space(b)).unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !space(b))
        .map_or(start, |i| i + 1);
    // Both cuts sit next to ASCII bytes, so on character boundaries.
    let inner = text.get(start..end).unwrap_or("");
    let edges = [inner.as_bytes().first(), inner.as_bytes().last()];
    if edges.iter().any(|b| b.is_some_and(|b| !b.is_ascii())) {
        inner.trim()
    } else {
        inner
    }
}

/// Byte index in `text` where the run of characters from `from` that `keep` accepts ends.
fn run_end(text: &str, from: usize, keep: impl Fn(char) -> bool) -> usize {
    let rest = text.get(from..).unwrap_or("");
    // Byte by byte while ASCII (nearly every name), by characters from the first other one on.
    let bytes = rest.as_bytes();
    let mut ascii = 0;
    while ascii < bytes.len() && bytes[ascii].is_ascii() && keep(char::from(bytes[ascii])) {
        ascii += 1;
    }
    let tail = &rest[ascii..];
    from + ascii + tail.find(|c: char| !keep(c)).unwrap_or(tail.len())
}

/// Remove `//` and `/* */` comments, one output line per input line so line
/// numbers stay valid. Strings never span lines in Prisma, so an unclosed
/// quote ends at the line end instead of swallowing the file.
fn strip_comments(text: &str) -> Vec<Cow<'_, str>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    let mut in_block = false;
    for raw in lines(text) {
        // Most lines have no comment, or a `//` one and no string: borrowed whole, or up to the comment.
        if let Some(end) = plain_line_end(raw).filter(|_| !in_block) {
            out.push(Cow::Borrowed(&raw[..end]));
            continue;
        }
        let mut line = String::with_capacity(raw.len());
        let mut in_str = false;
        let mut chars = raw.chars().peekable();
        while let Some(c) = chars.next() {
            if in_block {
                if c == '*' && chars.peek() == Some(&'/') {
                    chars.next();
                    in_block = false;
                    line.push(' ');
                }
                continue;
            }
            if in_str {
                line.push(c);
                if c == '\\' {
                    if let Some(n) = chars.next() {
                        line.push(n);
                    }
                } else if c == '"' {
                    in_str = false;
                }
                continue;
            }
            match c {
                '"' => {
                    in_str = true;
                    line.push(c);
                }
                '/' if chars.peek() == Some(&'/') => break,
                '/' if chars.peek() == Some(&'*') => {
                    chars.next();
                    in_block = true;
                }
                _ => line.push(c),
            }
        }
        out.push(Cow::Owned(line));
    }
    out
}

/// The lines of `text` as [`str::lines`] cuts them (at `\n`, a `\r` before it dropped), found by memchr.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text).filter(|t| !t.is_empty());
    std::iter::from_fn(move || {
        let current = rest?;
        match memchr::memchr(b'\n', current.as_bytes()) {
            Some(end) => {
                let line = &current[..end];
                rest = Some(&current[end + 1..]).filter(|r| !r.is_empty());
                Some(line.strip_suffix('\r').unwrap_or(line))
            }
            None => {
                rest = None;
                Some(current)
            }
        }
    })
}

/// Where a line with no `/*` outside strings before its first `//` ends once that comment is cut (strings kept as
/// written, an unclosed one to the line's end); None for the others, which need the full scan. Bytes: `/`, `*`, `\`
/// and `"` are ASCII, and no byte of a multi-byte character is.
fn plain_line_end(raw: &str) -> Option<usize> {
    let bytes = raw.as_bytes();
    let mut i = 0;
    // memchr jumps to the next quote or slash: most of a schema is neither.
    while let Some(at) = bytes
        .get(i..)
        .and_then(|rest| memchr::memchr2(b'"', b'/', rest))
    {
        let at = i + at;
        match (bytes[at], bytes.get(at + 1)) {
            (b'"', _) => i = skip_string(bytes, at),
            (_, Some(b'*')) => return None,
            (_, Some(b'/')) => return Some(at),
            _ => i = at + 1,
        }
    }
    Some(bytes.len())
}

/// Net bracket depth change of a comment-free line, ignoring strings, and
/// whether a string is left open.
fn bracket_delta(line: &str) -> (i64, bool) {
    let mut depth = 0i64;
    let mut in_str = false;
    let mut escaped = false;
    // Bytes: every character looked for is ASCII, and no byte of a multi-byte UTF-8 character is.
    for &c in line.as_bytes() {
        if in_str {
            if escaped {
                escaped = false;
            } else if c == b'\\' {
                escaped = true;
            } else if c == b'"' {
                in_str = false;
            }
            continue;
        }
        match c {
            b'"' => in_str = true,
            b'(' | b'[' => depth += 1,
            b')' | b']' => depth -= 1,
            _ => {}
        }
    }
    (depth, in_str)
}

/// A line that starts a new field (`name Type`) or block attribute cannot be
/// the continuation of an argument list.
fn starts_declaration(line: &str) -> bool {
    if line.starts_with("@@") {
        return true;
    }
    let name_end = line.find(|c: char| !is_ident(c)).unwrap_or(line.len());
    let (name, rest) = line.split_at(name_end);
    let after = rest.trim_start();
    !name.is_empty()
        && after.len() < rest.len()
        && after.starts_with(|c: char| c.is_alphabetic() || c == '_')
}

struct LogicalLine<'a> {
    line: usize,
    text: Cow<'a, str>,
}

/// Join physical lines while brackets stay open, so attribute arguments
/// written over several lines read as one. A closing `}` or a block header
/// stops the join so one unclosed `(` cannot eat the following blocks.
fn logical_lines(mut lines: Vec<Cow<'_, str>>) -> Vec<LogicalLine<'_>> {
    let mut out = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        let start = i;
        let mut text = std::mem::take(&mut lines[i]);
        // Only a line with an opening bracket can continue on the next one.
        let opens = memchr::memchr2(b'(', b'[', text.as_bytes()).is_some();
        let (mut depth, mut open_string) = if opens {
            bracket_delta(&text)
        } else {
            (0, false)
        };
        // An open string means a broken line (strings never span lines).
        while depth > 0 && !open_string && i + 1 < lines.len() {
            let next = trim(&lines[i + 1]);
            if next.starts_with('}') || parse_header(next).is_some() || starts_declaration(next) {
                break;
            }
            let joined = text.to_mut();
            joined.push(' ');
            joined.push_str(next);
            let (delta, open) = bracket_delta(next);
            depth += delta;
            open_string = open;
            i += 1;
        }
        if !trim(&text).is_empty() {
            out.push(LogicalLine {
                line: start + 1,
                text,
            });
        }
        i += 1;
    }
    out
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum BlockKind {
    Model,
    View,
    Enum,
    Datasource,
    Other,
}

struct Header {
    kind: BlockKind,
    name: String,
    /// `model A {}` on one line.
    closed: bool,
}

/// Recognise `keyword Name {` in a trimmed line; strict enough that a field called `type` or
/// `model` is never mistaken for a header.
fn parse_header(line: &str) -> Option<Header> {
    const KEYWORDS: [(&str, BlockKind); 6] = [
        ("model", BlockKind::Model),
        ("view", BlockKind::View),
        ("enum", BlockKind::Enum),
        ("datasource", BlockKind::Datasource),
        ("type", BlockKind::Other),
        ("generator", BlockKind::Other),
    ];
    // The keyword, then whitespace: compared in place, as every field line is asked too (`line` comes trimmed).
    if !matches!(
        line.as_bytes().first(),
        Some(b'm' | b'v' | b'e' | b'd' | b't' | b'g')
    ) {
        return None;
    }
    let (kind, rest) = KEYWORDS.iter().find_map(|&(keyword, kind)| {
        let rest = line.strip_prefix(keyword)?;
        rest.starts_with(char::is_whitespace)
            .then_some((kind, rest))
    })?;
    let rest = rest.trim_start();
    let name_end = rest.find(|c: char| !is_ident(c)).unwrap_or(rest.len());
    let (name, after) = rest.split_at(name_end);
    if name.is_empty() {
        return None;
    }
    let body = after.trim_start().strip_prefix('{')?;
    Some(Header {
        kind,
        name: name.to_string(),
        closed: body.contains('}'),
    })
}

/// Index just past the bracket that closes the one at `open`, and the index
/// of that closing bracket; the end of input if it is never closed.
// Bytes: every character looked for is ASCII and no byte of a multi-byte UTF-8 character is, so the indices
// returned fall on character boundaries (an escape's `\\` skips one byte: never a quote or bracket either way).
fn match_bracket(chars: &[u8], open: usize) -> (usize, usize) {
    let mut depth = 0i64;
    let mut in_str = false;
    let mut i = open;
    while i < chars.len() {
        let c = chars[i];
        if in_str {
            if c == b'\\' {
                i += 1;
            } else if c == b'"' {
                in_str = false;
            }
        } else {
            match c {
                b'"' => in_str = true,
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => {
                    depth -= 1;
                    if depth <= 0 {
                        return (i, i + 1);
                    }
                }
                _ => {}
            }
        }
        i += 1;
    }
    (chars.len(), chars.len())
}

fn skip_string(chars: &[u8], open: usize) -> usize {
    let mut i = open + 1;
    while i < chars.len() {
        match chars[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    chars.len()
}

/// An attribute as written, borrowed from its line; the parser copies only what the schema keeps.
struct Attr<'a> {
    block: bool,
    name: &'a str,
    args: Option<&'a str>,
    raw: &'a str,
}

/// Every `@name(...)` / `@@name(...)` from byte `start` on, with balanced args.
fn scan_attributes(text: &str, start: usize) -> impl Iterator<Item = Attr<'_>> {
    let chars = text.as_bytes();
    let mut i = start;
    std::iter::from_fn(move || loop {
        // memchr jumps to the next attribute or string.
        let at = memchr::memchr2(b'"', b'@', chars.get(i..)?)?;
        i += at;
        if chars[i] == b'"' {
            i = skip_string(chars, i);
            continue;
        }
        let begin = i;
        i += 1;
        let block = chars.get(i) == Some(&b'@');
        if block {
            i += 1;
        }
        let name_start = i;
        i = run_end(text, i, |c| is_ident(c) || c == '.');
        let name = &text[name_start..i];
        if name.is_empty() {
            continue;
        }
        let j = run_end(text, i, char::is_whitespace);
        let mut args = None;
        if chars.get(j) == Some(&b'(') {
            let (close, after) = match_bracket(chars, j);
            args = Some(text.get(j + 1..close).unwrap_or(""));
            i = after;
        }
        return Some(Attr {
            block,
            name,
            args,
            raw: text.get(begin..i).unwrap_or("").trim_end(),
        });
    })
}

/// Split on top-level commas (outside strings and brackets), trimmed, empty parts dropped.
fn split_top<'a>(text: &'a str) -> Vec<&'a str> {
    // Bytes: every delimiter is ASCII, and no byte of a multi-byte UTF-8 character is.
    let bytes = text.as_bytes();
    let mut parts = Vec::new();
    let mut push = |part: &'a str| {
        let part = trim(part);
        if !part.is_empty() {
            parts.push(part);
        }
    };
    let mut depth = 0i64;
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            b',' if depth <= 0 => {
                push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    push(text.get(start..).unwrap_or(""));
    parts
}

/// Arguments as (name for `name: value`, value).
fn parse_args(args: &str) -> Vec<(Option<String>, String)> {
    split_top(args)
        .into_iter()
        .map(|arg| {
            let (name, rest) = arg.split_at(run_end(arg, 0, is_ident));
            match rest.trim_start().strip_prefix(':') {
                Some(value) if !name.is_empty() => {
                    (Some(name.to_string()), trim(value).to_string())
                }
                _ => (None, arg.to_string()),
            }
        })
        .collect()
}

/// The named argument, else (when `positional`) the first unnamed one.
fn arg_value<'a>(
    args: &'a [(Option<String>, String)],
    name: &str,
    positional: bool,
) -> Option<&'a str> {
    args.iter()
        .find(|(n, _)| n.as_deref() == Some(name))
        .or_else(|| {
            if positional {
                args.iter().find(|(n, _)| n.is_none())
            } else {
                None
            }
        })
        .map(|(_, v)| v.as_str())
}

/// Unquote a Prisma string literal; an unterminated one keeps what it has.
fn parse_string(value: &str) -> Option<String> {
    let mut chars = value.trim().chars();
    if chars.next() != Some('"') {
        return None;
    }
    let mut out = String::with_capacity(value.len());
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(out),
            '\\' => match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some(other) => out.push(other),
                None => break,
            },
            _ => out.push(c),
        }
    }
    Some(out)
}

/// `[a, b(sort: Desc)]` → `["a", "b"]`; a bare `a` is accepted too (the names of [`parse_field_refs`], whose
/// arguments are not read here).
fn parse_field_list(value: &str) -> Vec<String> {
    let value = value.trim();
    let inner = value.strip_prefix('[').unwrap_or(value);
    let inner = inner.strip_suffix(']').unwrap_or(inner);
    split_top(inner)
        .into_iter()
        .map(|item| &item[..run_end(item, 0, |c| is_ident(c) || c == '.')])
        .filter(|name| !name.is_empty())
        .map(str::to_string)
        .collect()
}

fn mapped_name(attr: &Attribute) -> Option<String> {
    attr.arg("name", true).and_then(parse_string)
}

fn fields_arg(attr: &Attribute) -> Vec<String> {
    attr.arg("fields", true)
        .map(parse_field_list)
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------
// Block parser.

enum Block {
    None,
    Model(Model),
    Enum(EnumDef),
    Datasource,
    Other,
}

struct Parser {
    file: PathBuf,
    schema: Schema,
    current: Block,
}

impl Parser {
    fn new(file: &Path) -> Self {
        Parser {
            file: file.to_path_buf(),
            schema: Schema {
                files: vec![file.to_path_buf()],
                ..Schema::default()
            },
            current: Block::None,
        }
    }

    fn run(mut self, text: &str) -> Schema {
        let physical = strip_comments(text);
        let last_line = physical.len().max(1);
        for ll in logical_lines(physical) {
            let trimmed = trim(&ll.text);
            if let Some(header) = parse_header(trimmed) {
                // A header inside a block means the previous block was never
                // closed: end it just before this line.
                self.finish(ll.line.saturating_sub(1).max(1));
                let closed = header.closed;
                self.start(header, ll.line);
                if closed {
                    self.finish(ll.line);
                }
            } else if trimmed.starts_with('}') {
                self.finish(ll.line);
            } else {
                self.body_line(trimmed, ll.line);
            }
        }
        self.finish(last_line);
        self.schema
    }

    fn start(&mut self, header: Header, line: usize) {
        self.current = match header.kind {
            BlockKind::Model | BlockKind::View => Block::Model(Model {
                is_view: header.kind == BlockKind::View,
                attributes: Vec::new(),
                db_name: header.name.clone(),
                name: header.name,
                file: self.file.clone(),
                line,
                end_line: line,
                fields: Vec::new(),
                id: Vec::new(),
                uniques: Vec::new(),
                indexes: Vec::new(),
                ignored: false,
            }),
            BlockKind::Enum => Block::Enum(EnumDef {
                db_name: header.name.clone(),
                schema: None,
                name: header.name,
                values: Vec::new(),
                file: self.file.clone(),
                line,
            }),
            BlockKind::Datasource => Block::Datasource,
            BlockKind::Other => Block::Other,
        };
    }

    fn finish(&mut self, end_line: usize) {
        match std::mem::replace(&mut self.current, Block::None) {
            Block::Model(mut m) => {
                m.end_line = end_line.max(m.line);
                if m.id.is_empty() {
                    m.id = m
                        .fields
                        .iter()
                        .filter(|f| f.is_id)
                        .map(|f| f.name.clone())
                        .collect();
                }
                self.schema.models.push(m);
            }
            Block::Enum(e) => self.schema.enums.push(e),
            Block::None | Block::Datasource | Block::Other => {}
        }
    }

    fn body_line(&mut self, text: &str, line: usize) {
        match &mut self.current {
            Block::Model(m) => model_line(m, text, line),
            Block::Enum(e) => enum_line(e, text),
            Block::Datasource => {
                if let Some((key, value)) = text.split_once('=') {
                    let key = key.trim();
                    if !key.is_empty() && key.chars().all(is_ident) {
                        let value = value.trim().to_string();
                        self.schema.datasource.push((key.to_string(), value));
                    }
                }
            }
            Block::None | Block::Other => {}
        }
    }
}

fn model_line(model: &mut Model, text: &str, line: usize) {
    if text.starts_with("@@") {
        for attr in scan_attributes(text, 0).filter(|a| a.block) {
            let attr = attribute(&attr, line);
            match attr.name.as_str() {
                "map" => {
                    if let Some(name) = mapped_name(&attr) {
                        model.db_name = name;
                    }
                }
                "id" => model.id = fields_arg(&attr),
                "unique" => {
                    let cols = fields_arg(&attr);
                    if !cols.is_empty() {
                        model.uniques.push(cols);
                    }
                }
                "index" => {
                    let cols = fields_arg(&attr);
                    if !cols.is_empty() {
                        model.indexes.push(cols);
                    }
                }
                "ignore" => model.ignored = true,
                _ => {}
            }
            model.attributes.push(attr);
        }
        return;
    }
    if let Some(field) = parse_field(text, line) {
        if field.is_unique {
            model.uniques.push(vec![field.name.clone()]);
        }
        model.fields.push(field);
    }
}

fn parse_field(text: &str, line: usize) -> Option<Field> {
    let first = text.chars().next()?;
    if !(first.is_alphabetic() || first == '_') {
        return None;
    }
    let chars = text.as_bytes();
    let mut i = run_end(text, 0, is_ident);
    let name = text[..i].to_string();
    let ws_start = i;
    i = run_end(text, i, char::is_whitespace);
    // `name Type` needs a gap and a type that starts like an identifier.
    if i == ws_start
        || !text[i..]
            .chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
    {
        return None;
    }
    let type_start = i;
    i = run_end(text, i, |c| is_ident(c) || c == '.');
    if chars.get(i) == Some(&b'(') {
        // Unsupported("...") carries its database type in the parentheses.
        i = match_bracket(chars, i).1;
    }
    let type_name = text.get(type_start..i).unwrap_or("").to_string();
    let mut optional = false;
    let mut list = false;
    loop {
        match chars.get(i) {
            Some(b'?') => {
                optional = true;
                i += 1;
            }
            Some(b'[') if chars.get(i + 1) == Some(&b']') => {
                list = true;
                i += 2;
            }
            _ => break,
        }
    }

    let mut field = Field {
        db_name: name.clone(),
        name,
        type_name,
        optional,
        list,
        line,
        attributes: Vec::new(),
        parsed_attributes: Vec::new(),
        relation_fields: Vec::new(),
        is_id: false,
        is_unique: false,
        default: None,
    };
    for raw in scan_attributes(text, i) {
        let attr = attribute(&raw, line);
        if !raw.block {
            match raw.name {
                "id" => field.is_id = true,
                "unique" => field.is_unique = true,
                "map" => {
                    if let Some(db) = mapped_name(&attr) {
                        field.db_name = db;
                    }
                }
                "default" => field.default = raw.args.map(|a| trim(a).to_string()),
                "relation" => {
                    field.relation_fields = attr
                        .arg("fields", false)
                        .map(parse_field_list)
                        .unwrap_or_default();
                }
                _ => {}
            }
        }
        field.parsed_attributes.push(attr);
        field.attributes.push(raw.raw.to_string());
    }
    Some(field)
}

fn enum_line(def: &mut EnumDef, text: &str) {
    if text.starts_with("@@") {
        for attr in scan_attributes(text, 0).filter(|a| a.block) {
            let attr = attribute(&attr, 0);
            let value = mapped_name(&attr);
            match attr.name.as_str() {
                "map" if value.is_some() => def.db_name = value.unwrap_or_default(),
                "schema" => def.schema = value,
                _ => {}
            }
        }
        return;
    }
    if !text
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
    {
        return;
    }
    let end = run_end(text, 0, is_ident);
    let name = text[..end].to_string();
    let db_name = scan_attributes(text, end)
        .find(|a| !a.block && a.name == "map")
        .and_then(|a| mapped_name(&attribute(&a, 0)))
        .unwrap_or_else(|| name.clone());
    def.values.push((name, db_name));
}

#[cfg(test)]
mod tests {
    use super::*;

    const BLOG: &str = r#"// Blog schema
datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

generator client {
  provider = "prisma-client-js"
}

/// A user of the blog.
model User {
  id        Int      @id @default(autoincrement())
  email     String   @unique @db.VarChar(255)
  fullName  String?  @map("full_name") // trailing comment
  role      Role     @default(USER)
  bio       String   @default("say \"hi\" // not a comment")
  posts     Post[]
  createdAt DateTime @default(now()) @map(name: "created_at")

  @@map("users")
}

model Post {
  id       Int      @id @default(autoincrement())
  title    String
  author   User     @relation("Authored", fields: [authorId], references: [id], onDelete: Cascade)
  authorId Int      @map("author_id")
  search   Unsupported("tsvector")?
  tags     String[]

  @@index([authorId])
  @@index([title, id(sort: Desc)], map: "post_title_idx")
  @@map(name: "posts")
}

model PostTag {
  postId Int
  tagId  Int
  note   String @default("a,b")

  @@id([postId, tagId])
  @@unique(fields: [tagId, postId], name: "tag_post")
  @@ignore
}

enum Role {
  USER  @map("user")
  ADMIN
  @@map("role_kind")
}

type Address {
  street String
}

view PostStats {
  postId Int @unique
  count  Int
}
"#;

    fn parse(text: &str) -> Schema {
        Schema::parse_str(text, Path::new("schema.prisma"))
    }

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn reads_models_fields_and_attributes() {
        let s = parse(BLOG);
        let model_names: Vec<&str> = s.models.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(model_names, ["User", "Post", "PostTag", "PostStats"]);

        let user = s.model_for_table("users").unwrap();
        assert_eq!(user.name, "User");
        assert_eq!((user.line, user.end_line), (12, 22));
        assert_eq!(user.id, names(&["id"]));
        assert_eq!(user.uniques, vec![names(&["email"])]);

        let email = user.field_for_column("email").unwrap();
        assert!(email.is_unique);
        assert_eq!(email.attributes, ["@unique", "@db.VarChar(255)"]);
        assert_eq!(email.line, 14);

        let full = user.field_for_column("full_name").unwrap();
        assert_eq!((full.name.as_str(), full.optional), ("fullName", true));
        assert_eq!(full.type_name, "String");

        let bio = user.field_for_column("bio").unwrap();
        assert_eq!(
            bio.default.as_deref(),
            Some(r#""say \"hi\" // not a comment""#)
        );

        let created = user.field_for_column("created_at").unwrap();
        assert_eq!(created.default.as_deref(), Some("now()"));
        assert_eq!(
            created.attributes,
            ["@default(now())", r#"@map(name: "created_at")"#]
        );

        let posts = user.fields.iter().find(|f| f.name == "posts").unwrap();
        assert!(posts.list && !posts.optional);
        assert_eq!(posts.type_name, "Post");
    }

    #[test]
    fn reads_relations_indexes_and_composite_keys() {
        let s = parse(BLOG);
        let post = s.model_for_table("posts").unwrap();
        let author = post.fields.iter().find(|f| f.name == "author").unwrap();
        assert_eq!(author.relation_fields, names(&["authorId"]));
        assert_eq!(post.field_for_column("author_id").unwrap().name, "authorId");
        assert_eq!(
            post.indexes,
            vec![names(&["authorId"]), names(&["title", "id"])]
        );

        let search = post.fields.iter().find(|f| f.name == "search").unwrap();
        assert_eq!(search.type_name, r#"Unsupported("tsvector")"#);
        assert!(search.optional);

        assert!(post.has_index_leading(&names(&["authorId"])));
        assert!(post.has_index_leading(&names(&["title"])));
        assert!(post.has_index_leading(&names(&["id"])));
        assert!(!post.has_index_leading(&names(&["title", "authorId"])));
        assert!(!post.has_index_leading(&[]));

        let tag = s.model_for_table("posttag").unwrap();
        assert_eq!(tag.name, "PostTag");
        assert!(tag.ignored);
        assert_eq!(tag.id, names(&["postId", "tagId"]));
        assert_eq!(tag.uniques, vec![names(&["tagId", "postId"])]);
        assert!(tag.has_index_leading(&names(&["postId"])));
        assert!(tag.has_index_leading(&names(&["tagId", "postId"])));
        assert_eq!(tag.fields.len(), 3);

        let view = s.model_for_table("PostStats").unwrap();
        assert_eq!(view.uniques, vec![names(&["postId"])]);
    }

    #[test]
    fn reads_enums_and_skips_other_blocks() {
        let s = parse(BLOG);
        assert_eq!(s.enums.len(), 1);
        let role = s.enum_for_type("role_kind").unwrap();
        assert_eq!(role.name, "Role");
        assert_eq!(role.line, 47);
        assert_eq!(
            role.values,
            vec![
                ("USER".to_string(), "user".to_string()),
                ("ADMIN".to_string(), "ADMIN".to_string())
            ]
        );
        assert!(s.enum_for_type("ROLE_KIND").is_some());
        assert!(s.enum_for_type("Role").is_none());
        assert!(s.model_for_table("Address").is_none());
        assert!(s.model_for_table("db").is_none());
    }

    #[test]
    fn exact_match_wins_over_case_insensitive() {
        let s = parse("model A {\n id Int @id\n @@map(\"Item\")\n}\nmodel B {\n id Int @id\n @@map(\"item\")\n}\n");
        assert_eq!(s.model_for_table("item").unwrap().name, "B");
        assert_eq!(s.model_for_table("Item").unwrap().name, "A");
        assert_eq!(s.model_for_table("ITEM").unwrap().name, "A");
        assert!(s.model_for_table("items").is_none());
    }

    #[test]
    fn bracket_depth_skips_strings() {
        for (line, expected) in [
            ("", (0, false)),
            ("a @default(now())", (0, false)),
            ("@@index([a, b(sort: Desc)]", (1, false)),
            (r#"@default("(") @map("]")"#, (0, false)),
            (r#"@relation(fields: [a], map: "x\"(")"#, (0, false)),
            (r#"@default("open ("#, (1, true)),
            (r#"@default("esc \"#, (1, true)),
            (r#"x("a\\") ]]"#, (-2, false)),
            ("é(ü[", (2, false)),
        ] {
            assert_eq!(bracket_delta(line), expected, "{line:?}");
        }
    }

    #[test]
    fn trim_is_str_trim() {
        for text in [
            "",
            " ",
            "a",
            " a ",
            "\t a b \r\n",
            "\x0b\x0ca\x0b",
            "\u{a0}a\u{a0}",
            " \u{85} é \u{2028} ",
            "é",
            " é",
            "é ",
            "\u{3000}",
            "a\u{a0} ",
            " \u{feff}x",
        ] {
            assert_eq!(trim(text), text.trim(), "{text:?}");
        }
    }

    #[test]
    fn lines_are_cut_as_str_lines_cuts_them() {
        for text in [
            "",
            "a",
            "a\n",
            "a\r\nb",
            "\n\n",
            "a\rb\r",
            "a\r\n\r\n",
            "\r\n",
            "é\nü\r\n",
        ] {
            assert_eq!(
                lines(text).collect::<Vec<_>>(),
                text.lines().collect::<Vec<_>>(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn comments_are_cut_outside_strings_only() {
        let lines = strip_comments(
            "a String @default(\"x // y\") // cut\nb String @default(\"q\\\"//\") @map(\"b\")\nc String @default(\"open // kept\n/* block */ d Int // e\n",
        );
        let lines: Vec<&str> = lines.iter().map(|l| l.as_ref()).collect();
        assert_eq!(
            lines,
            [
                "a String @default(\"x // y\") ",
                "b String @default(\"q\\\"//\") @map(\"b\")",
                "c String @default(\"open // kept",
                "  d Int ",
            ]
        );
    }

    #[test]
    fn tolerates_crlf_bom_tabs_comments_and_unicode() {
        let text = "\u{feff}model Ünïcode {\r\n\tid\tInt\t@id /* block\r\n comment */\r\n\tnäme String @map(\"nämé\") // ü\r\n\t@@index([\r\n\t  näme,\r\n\t  id\r\n\t])\r\n}\r\n";
        let s = parse(text);
        let m = s.model_for_table("Ünïcode").unwrap();
        assert_eq!((m.line, m.end_line), (1, 9));
        assert_eq!(m.fields.len(), 2);
        assert_eq!(m.field_for_column("nämé").unwrap().name, "näme");
        assert_eq!(m.field_for_column("nämé").unwrap().line, 4);
        assert_eq!(m.indexes, vec![names(&["näme", "id"])]);
        assert_eq!(m.id, names(&["id"]));
    }

    #[test]
    fn broken_syntax_is_skipped() {
        let text = "garbage here {{\nmodel A {\n  id Int @id\n  ??? nonsense\n  x String @default(\nmodel B {\n  id Int @id @default(\"unterminated)\n  y Int\n";
        let s = parse(text);
        assert_eq!(s.models.len(), 2);
        let a = &s.models[0];
        assert_eq!((a.name.as_str(), a.end_line), ("A", 5));
        assert_eq!(a.fields.len(), 2);
        let b = &s.models[1];
        assert_eq!((b.line, b.end_line), (6, 8));
        assert_eq!(b.fields.len(), 2);
        assert_eq!(b.id, names(&["id"]));

        // Fields named like block keywords are still fields.
        let s = parse("model T {\n  type String\n  model Int @default(1)\n}\n");
        assert_eq!(s.models[0].fields.len(), 2);
        let s = parse("model Empty {}\nenum E { }\n");
        assert_eq!((s.models[0].line, s.models[0].end_line), (1, 1));
        assert_eq!(s.enums.len(), 1);
    }

    #[test]
    fn joins_attribute_arguments_over_lines() {
        let text = "model Post {\n  author User @relation(\n    fields: [authorId, tenantId],\n    references: [id, tenantId]\n  )\n  authorId Int\n  @@unique(\n    [authorId]\n  )\n}\n";
        let post = &parse(text).models[0];
        assert_eq!(post.fields.len(), 2);
        assert_eq!(
            post.fields[0].relation_fields,
            names(&["authorId", "tenantId"])
        );
        assert_eq!(post.fields[1].line, 6);
        assert_eq!(post.uniques, vec![names(&["authorId"])]);
        assert_eq!(post.end_line, 10);
    }

    fn write(path: &Path, text: &str) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    #[test]
    fn loads_multi_file_folder() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("prisma/schema");
        for (path, text) in [
            (
                "schema.prisma",
                "datasource db {\n provider = \"postgresql\"\n}\n",
            ),
            (
                "user.prisma",
                "model User {\n id Int @id\n @@map(\"users\")\n}\n",
            ),
            (
                "blog/post.prisma",
                "model Post {\n id Int @id\n authorId Int\n}\n",
            ),
            ("node_modules/x/bad.prisma", "model Bad {\n id Int @id\n}\n"),
            ("notes.txt", "model Txt {\n}\n"),
        ] {
            write(&root.join(path), text);
        }
        fs::write(root.join("latin1.prisma"), b"model L {\n n\xe9 Int\n}\n").unwrap();

        let s = Schema::load(&root).unwrap();
        let models: Vec<&str> = s.models.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(models, ["Post", "L", "User"]);
        assert_eq!(s.files.len(), 4);
        assert_eq!(
            s.model_for_table("users").unwrap().file,
            root.join("user.prisma")
        );

        let single = Schema::load(&root.join("user.prisma")).unwrap();
        assert_eq!(single.models.len(), 1);
        assert!(Schema::load(&root.join("missing.prisma")).is_err());
    }

    #[test]
    fn finds_schema_beside_migrations() {
        let dir = tempfile::tempdir().unwrap();

        let single = dir.path().join("a/prisma");
        write(&single.join("schema.prisma"), "model A {\n id Int @id\n}\n");
        fs::create_dir_all(single.join("migrations")).unwrap();
        assert_eq!(
            find_schema_for_migrations(&single.join("migrations")),
            Some(single.join("schema.prisma"))
        );

        let multi = dir.path().join("b/prisma");
        for (path, model) in [("schema/main.prisma", "A"), ("schema/other.prisma", "B")] {
            write(
                &multi.join(path),
                &format!("model {model} {{\n id Int @id\n}}\n"),
            );
        }
        assert_eq!(
            find_schema_for_migrations(&multi.join("migrations")),
            Some(multi.join("schema"))
        );

        // Prisma 6 multi-file layout keeps migrations inside the schema folder.
        let inside = dir.path().join("c/prisma/schema");
        write(&inside.join("a.prisma"), "model A {\n id Int @id\n}\n");
        write(&inside.join("b.prisma"), "model B {\n id Int @id\n}\n");
        assert_eq!(
            find_schema_for_migrations(&inside.join("migrations")),
            Some(inside.clone())
        );

        // The same with the datasource in schema.prisma: still the whole folder.
        let named = dir.path().join("g/prisma/schema");
        write(&named.join("schema.prisma"), "datasource db {\n}\n");
        write(&named.join("user.prisma"), "model A {\n id Int @id\n}\n");
        assert_eq!(
            find_schema_for_migrations(&named.join("migrations")),
            Some(named.clone())
        );

        let custom = dir.path().join("d/db");
        write(&custom.join("app.prisma"), "model A {\n id Int @id\n}\n");
        assert_eq!(
            find_schema_for_migrations(&custom.join("migrations")),
            Some(custom.join("app.prisma"))
        );

        let models = dir.path().join("e/prisma");
        write(&models.join("schema.prisma"), "datasource db {\n}\n");
        write(
            &models.join("models/user.prisma"),
            "model User {\n id Int @id\n}\n",
        );
        let found = find_schema_for_migrations(&models.join("migrations")).unwrap();
        assert_eq!(found, models);
        assert_eq!(Schema::load(&found).unwrap().models.len(), 1);

        let none = dir.path().join("f/prisma");
        fs::create_dir_all(none.join("migrations")).unwrap();
        fs::create_dir_all(none.join("schema")).unwrap();
        assert_eq!(find_schema_for_migrations(&none.join("migrations")), None);
    }

    /// Tiny LCG so the mutilation test needs no dependencies.
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            self.0 >> 33
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }
    }

    fn exercise(text: &str) {
        let s = parse(text);
        for m in &s.models {
            let _ = m.field_for_column("id");
            let _ = m.has_index_leading(&m.id);
        }
        let _ = s.model_for_table("users");
    }

    #[test]
    fn never_panics_on_mutilated_input() {
        let source = format!("{BLOG}\r\nmodel Ünï {{\n  näme String @map(\"ñ\") /* x */\n}}\n");
        for (i, _) in source.char_indices() {
            exercise(&source[..i]);
            exercise(&source[i..]);
        }
        let noise: Vec<char> = "{}()[]\"\\@/*\n\r ,:?é€𝄞".chars().collect();
        let mut rng = Lcg(0x5eed);
        for _ in 0..3000 {
            let mut chars: Vec<char> = source.chars().collect();
            for _ in 0..1 + rng.below(8) {
                let at = rng.below(chars.len());
                if rng.below(2) == 0 && !chars.is_empty() {
                    chars.remove(at);
                } else {
                    chars.insert(at, noise[rng.below(noise.len())]);
                }
            }
            exercise(&chars.into_iter().collect::<String>());
        }
    }
}
