//! Tolerant reader of Prisma schema files.
//!
//! Only what the linter needs is extracted: models (and views), their fields,
//! ids, uniques, indexes and name mappings, plus enums. Anything that does not
//! look like Prisma is skipped; parsing never fails and never panics.

use std::borrow::Cow;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::input::project_file::{self, ReadError};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schema {
    pub models: Vec<Model>,
    pub enums: Vec<EnumDef>,
    pub files: Vec<PathBuf>,
    /// `key = value` settings of `datasource` blocks (`provider`, `schemas`, `relationMode`, ...), values as written.
    pub datasource: Vec<(String, String)>,
    /// The first `datasource` block's name: native types are written `@<name>.VarChar(10)`.
    pub datasource_name: Option<String>,
    /// One per file: the byte offset of each of its lines as `SourceFile` numbers them, noted while reading it, so a
    /// finding on the schema needs no second pass over the file to place it.
    pub line_starts: Vec<Vec<usize>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Model {
    /// Prisma model name.
    pub name: String,
    /// `@@map("x")` value, else the model name.
    pub db_name: String,
    /// Shared by the blocks of one file.
    pub file: Arc<Path>,
    /// 1-based line of `model X {`.
    pub line: usize,
    /// 1-based line of the closing `}` (last line of the file if unclosed).
    pub end_line: usize,
    pub fields: Vec<Field>,
    /// `@@id([a, b])` field names, when written ([`Model::id_fields`] also reads the fields marked `@id`).
    pub block_id: Vec<String>,
    /// Declared with `view`, not `model`.
    pub is_view: bool,
    /// Every block attribute (`@@id`, `@@index`, `@@schema`, ...) with its arguments and 1-based line.
    pub attributes: Vec<Attribute>,
}

/// One `@name(...)` or `@@name(...)` attribute as written, on one line, with its arguments split once (in the pass
/// that found their end) into ranges of that text: one copy per attribute, however many arguments it has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// As written, e.g. `@db.VarChar(255)` or `@@index([a, b], map: "x")` (a multi-line one joined by spaces).
    pub raw: String,
    /// Byte range of the name in `raw`.
    name: Span,
    /// Byte range of the text inside the parentheses in `raw`, when written with them.
    args: Option<Span>,
    /// Each argument split at top-level commas: its name's range for `name: value`, and the value's.
    parts: Parts,
    /// 1-based line.
    pub line: usize,
}

/// A byte range in an [`Attribute`]'s `raw` text.
type Span = (usize, usize);

/// One argument: its name's span when written `name: value`, and the value's.
type Part = (Option<Span>, Span);

/// An attribute's arguments. Nearly every attribute has at most one, kept without an allocation of its own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Parts {
    first: Option<Part>,
    rest: Vec<Part>,
}

/// The texts of `parts`, whose spans are in `raw`: (argument name for `name: value`, value).
fn part_texts<'t: 'p, 'p>(
    raw: &'t str,
    parts: &'p Parts,
) -> impl Iterator<Item = (Option<&'t str>, &'t str)> + 'p {
    let text = |(a, b): Span| raw.get(a..b).unwrap_or("");
    parts
        .iter()
        .map(move |&(name, value)| (name.map(text), text(value)))
}

impl Parts {
    fn push(&mut self, part: Part) {
        match self.first {
            None => self.first = Some(part),
            Some(_) => self.rest.push(part),
        }
    }

    fn iter(&self) -> impl Iterator<Item = &Part> {
        self.first.iter().chain(&self.rest)
    }

    fn iter_mut(&mut self) -> impl Iterator<Item = &mut Part> {
        self.first.iter_mut().chain(&mut self.rest)
    }
}

impl Attribute {
    fn text(&self, (start, end): Span) -> &str {
        self.raw.get(start..end).unwrap_or("")
    }

    /// Name without the `@` / `@@`, e.g. `index`, `db.VarChar`.
    pub fn name(&self) -> &str {
        self.text(self.name)
    }

    /// The text inside the parentheses (`@db.VarChar` and `@db.VarChar()` differ from `@db.VarChar(10)`).
    pub fn args_text(&self) -> Option<&str> {
        self.args.map(|span| self.text(span))
    }

    /// The arguments: (argument name for `name: value`, value as written, trimmed).
    pub fn args(&self) -> impl Iterator<Item = (Option<&str>, &str)> {
        part_texts(&self.raw, &self.parts)
    }

    /// The named argument, else (when `positional`) the first unnamed one.
    pub fn arg(&self, name: &str, positional: bool) -> Option<&str> {
        find_arg(self.args(), name, positional)
    }

    /// [`first_args`] of this attribute's arguments.
    pub fn first_args<const N: usize>(&self, names: [Option<&str>; N]) -> [Option<&str>; N] {
        first_args(self.args(), names)
    }

    /// The named (or first positional) argument as a string literal.
    pub fn string_arg(&self, name: &str, positional: bool) -> Option<String> {
        self.arg(name, positional).and_then(parse_string)
    }
}

/// One entry of a field list such as `[a, b(sort: Desc, ops: raw("x"))]`, borrowed from the attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldRef<'a> {
    pub name: &'a str,
    /// The text inside the entry's parentheses, if any.
    args: &'a str,
}

impl<'a> FieldRef<'a> {
    /// The entry's named argument (`sort`, `ops`, ...).
    pub fn arg(&self, name: &str) -> Option<&'a str> {
        parse_args(self.args).find_map(|(n, v)| (n == Some(name)).then_some(v))
    }
}

/// `[a, b(sort: Desc)]` with each entry's arguments; a bare `a` is accepted too.
pub fn parse_field_refs(value: &str) -> Vec<FieldRef<'_>> {
    field_refs(value).collect()
}

/// [`parse_field_refs`] one entry at a time.
pub fn field_refs(value: &str) -> impl Iterator<Item = FieldRef<'_>> {
    let value = value.trim();
    let inner = value.strip_prefix('[').unwrap_or(value);
    let inner = inner.strip_suffix(']').unwrap_or(inner);
    split_top(inner).filter_map(|item| {
        let name = &item[..dotted_name_end(item, 0)];
        if name.is_empty() {
            return None;
        }
        let rest = item[name.len()..].trim();
        let args = rest
            .strip_prefix('(')
            .and_then(|r| r.strip_suffix(')'))
            .unwrap_or("");
        Some(FieldRef { name, args })
    })
}

/// Splits at top-level commas (outside strings and brackets), trimmed, empty parts dropped.
pub fn split_arguments(text: &str) -> impl Iterator<Item = &str> {
    split_top(text)
}

/// Unquote a Prisma string literal (`"a\"b"` → `a"b`); None when `value` is not one.
pub fn parse_string_literal(value: &str) -> Option<String> {
    parse_string(value)
}

/// The attribute, copied out of its line.
fn attribute(attr: Attr, line: usize) -> Attribute {
    Attribute {
        raw: attr.raw.to_string(),
        name: attr.name,
        args: attr.args,
        parts: attr.parts,
        line,
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    /// `@map("x")` value.
    pub map: Option<String>,
    /// Type without `?` / `[]`; `Unsupported("x")` is kept whole.
    pub type_name: String,
    pub optional: bool,
    pub list: bool,
    /// 1-based line.
    pub line: usize,
    /// Its attributes in the order written, e.g. `@id`, `@default(now())`.
    pub attributes: Vec<Attribute>,
    pub is_id: bool,
    pub is_unique: bool,
}

impl Field {
    /// The column's name: `@map("x")`, else the field's.
    pub fn db_name(&self) -> &str {
        self.map.as_deref().unwrap_or(&self.name)
    }

    /// The first field attribute called `name` (`id`, `default`, `db.VarChar`, ...); a stray `@@` one on the field's
    /// line is not one.
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes
            .iter()
            .find(|a| a.name() == name && !a.raw.starts_with("@@"))
    }

    /// Inner text of the first `@default(...)`, trimmed.
    pub fn default(&self) -> Option<&str> {
        self.attribute("default")
            .and_then(Attribute::args_text)
            .map(trim)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumDef {
    pub name: String,
    pub db_name: String,
    /// `@@schema("x")`.
    pub schema: Option<String>,
    /// (Prisma name, database name from `@map` or the name).
    pub values: Vec<(String, String)>,
    /// Shared by the blocks of one file.
    pub file: Arc<Path>,
    pub line: usize,
}

impl Schema {
    /// The namespace of native types: `db` in `@db.VarChar(10)`, the datasource's name (Prisma rejects any other).
    pub fn native_namespace(&self) -> &str {
        self.datasource_name.as_deref().unwrap_or("db")
    }

    /// Parse one file's text (`file` is only recorded for locations).
    pub fn parse_str(text: &str, file: &Path) -> Schema {
        Parser::new(file).run(text)
    }

    /// Load a `.prisma` file, or every `*.prisma` below a folder (recursive, sorted by path, skipping
    /// `node_modules`), merged into one schema. Each file is read as [`project_file`] reads what the project names:
    /// only a regular file, and only when it resolves inside `project` (a [`project_file::project_root`]) if given.
    pub fn load(path: &Path, project: Option<&Path>) -> Result<Schema, ReadError> {
        Schema::load_with_texts(path, project).map(|(schema, _)| schema)
    }

    /// [`Schema::load`], also returning each file's text (one per [`Schema::files`]), read once.
    pub fn load_with_texts(
        path: &Path,
        project: Option<&Path>,
    ) -> Result<(Schema, Vec<String>), ReadError> {
        let failed = |path: &Path, message: String| ReadError {
            path: path.to_path_buf(),
            message,
        };
        let is_dir = fs::metadata(path)
            .map_err(|e| failed(path, format!("cannot read: {e}")))?
            .is_dir();
        let files = if is_dir {
            let mut files = Vec::new();
            collect_prisma_files(path, &mut files, true)
                .map_err(|e| failed(path, format!("cannot read: {e}")))?;
            files.sort();
            files
        } else {
            vec![path.to_path_buf()]
        };
        let mut schema = Schema::default();
        let mut texts = Vec::with_capacity(files.len());
        for file in files {
            let bytes =
                project_file::read(&file, project).map_err(|message| failed(&file, message))?;
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
            schema.datasource_name = schema.datasource_name.or(part.datasource_name);
            schema.line_starts.extend(part.line_starts);
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
    /// The id's field names: `@@id([a, b])`, else the field(s) marked `@id`.
    pub fn id_fields(&self) -> impl Iterator<Item = &str> {
        let marked = self.block_id.is_empty();
        let block = self.block_id.iter().map(String::as_str);
        let fields = self.fields.iter().filter(move |f| marked && f.is_id);
        block.chain(fields.map(|f| f.name.as_str()))
    }

    /// Field whose `db_name` matches the column: exact, then case-insensitive.
    pub fn field_for_column(&self, column: &str) -> Option<&Field> {
        self.fields
            .iter()
            .find(|f| f.db_name() == column)
            .or_else(|| {
                self.fields
                    .iter()
                    .find(|f| f.db_name().eq_ignore_ascii_case(column))
            })
    }
}

/// The input error for a schema file that cannot be read, naming it as `display` shows paths.
pub fn unreadable(e: &ReadError, display: &dyn Fn(&Path) -> String) -> String {
    format!(
        "{}: cannot read the Prisma schema: {}",
        display(&e.path),
        e.message
    )
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
// Lexing helpers: bytes while ASCII (every delimiter is), characters decoded only past a non-ASCII byte.

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
    // Stopped at the end or at an ASCII character `keep` refuses: no need to decode the rest.
    if bytes.get(ascii).is_none_or(u8::is_ascii) {
        return from + ascii;
    }
    let tail = &rest[ascii..];
    from + ascii + tail.find(|c: char| !keep(c)).unwrap_or(tail.len())
}

/// Byte classes for the two runs the parser steps over most: names and the spaces that align a schema's columns.
const NAME: u8 = 1;
const DOTTED_NAME: u8 = 2;
const SPACE: u8 = 4;
static CLASSES: [u8; 256] = {
    let mut classes = [0; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() || c == b'_' {
            classes[b] = NAME | DOTTED_NAME;
        }
        // The ASCII characters `char::is_whitespace` accepts (U+000B included).
        if matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r') {
            classes[b] = SPACE;
        }
        b += 1;
    }
    classes[b'.' as usize] = DOTTED_NAME;
    classes
};

/// [`run_end`] for a class of [`CLASSES`]: a table lookup per ASCII byte, characters decoded only past one.
#[inline]
fn class_end(text: &str, from: usize, class: u8) -> usize {
    let bytes = text.as_bytes();
    let mut i = from;
    while i < bytes.len() && CLASSES[usize::from(bytes[i])] & class != 0 {
        i += 1;
    }
    match bytes.get(i) {
        Some(b) if !b.is_ascii() => class_end_past_ascii(text, i, class),
        _ => i,
    }
}

/// [`class_end`] from a non-ASCII character on: rare, so kept out of the inlined loop.
#[cold]
#[inline(never)]
fn class_end_past_ascii(text: &str, from: usize, class: u8) -> usize {
    run_end(text, from, |c| match class {
        SPACE => c.is_whitespace(),
        NAME => is_ident(c),
        DOTTED_NAME => is_ident(c) || c == '.',
        _ => false,
    })
}

/// Where the name (letters, digits, `_`) starting at `from` ends.
fn name_end(text: &str, from: usize) -> usize {
    class_end(text, from, NAME)
}

/// Where the dotted name (`db.VarChar`, `Unsupported`) starting at `from` ends.
fn dotted_name_end(text: &str, from: usize) -> usize {
    class_end(text, from, DOTTED_NAME)
}

/// Where the whitespace starting at `from` ends.
fn space_end(text: &str, from: usize) -> usize {
    class_end(text, from, SPACE)
}

/// The lines of a schema file as Prisma cuts them: at `\n`, `\r\n` or a lone `\r`, without their breaks (a final
/// break ends the last line, as in [`str::lines`]).
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let (line, next) = match memchr::memchr2(b'\n', b'\r', rest.as_bytes()) {
            Some(at) if rest[at..].starts_with("\r\n") => (&rest[..at], at + 2),
            Some(at) => (&rest[..at], at + 1),
            None => (rest, rest.len()),
        };
        rest = &rest[next..];
        Some(line)
    })
}

/// The line break a schema file uses (its first), for edits that keep it: `\n` when it has none.
pub fn line_break(text: &str) -> &'static str {
    match memchr::memchr2(b'\n', b'\r', text.as_bytes()).map(|at| &text[at..]) {
        Some(rest) if rest.starts_with("\r\n") => "\r\n",
        Some(rest) if rest.starts_with('\r') => "\r",
        _ => "\n",
    }
}

/// One line of a schema with its comments cut.
struct Line<'a> {
    /// 1-based.
    number: usize,
    text: Cow<'a, str>,
    /// Net change of the `(` / `[` depth, outside strings.
    depth: i64,
    /// A string is still open at the line's end: a broken line, as strings never span lines in Prisma.
    open_string: bool,
}

/// The lines of a schema as [`lines`] cuts them, with `//` and `/* */` comments removed: one per input line,
/// so line numbers stay valid. An unclosed quote ends at the line's end instead of swallowing the file.
struct Lines<'a> {
    rest: &'a str,
    number: usize,
    /// Inside a `/* */` comment that began on an earlier line.
    in_block: bool,
    /// The byte offset of each line read so far, and of the one after the last line break: [`SourceFile`]'s line
    /// starts, noted on the way.
    ///
    /// [`SourceFile`]: crate::syntax::source::SourceFile
    starts: Vec<usize>,
    /// The length of the whole text.
    len: usize,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        let mut starts = Vec::with_capacity(text.len() / 32 + 1);
        starts.push(0);
        Lines {
            rest: text.strip_prefix('\u{feff}').unwrap_or(text),
            number: 0,
            in_block: false,
            starts,
            len: text.len(),
        }
    }
}

impl Lines<'_> {
    /// Steps over the line that ends at byte `end` of the rest (read elsewhere) and its line break.
    fn skip_line(&mut self, end: usize) {
        self.number += 1;
        let next = match self.rest.as_bytes().get(end..end + 2) {
            Some(b"\r\n") => end + 2,
            _ => end + 1,
        };
        self.step(next);
    }

    /// Moves the rest to byte `next` of it, past a line break when there is one before it.
    fn step(&mut self, next: usize) {
        match self.rest.get(next..) {
            Some(rest) => {
                self.rest = rest;
                self.starts.push(self.len - rest.len());
            }
            None => self.rest = "",
        }
    }
}

impl<'a> Iterator for Lines<'a> {
    type Item = Line<'a>;

    fn next(&mut self) -> Option<Line<'a>> {
        if self.rest.is_empty() {
            return None;
        }
        self.number += 1;
        // Bytes: every character looked for is ASCII, and no byte of a multi-byte UTF-8 character is.
        let bytes = self.rest.as_bytes();
        let (mut i, mut depth, mut open_string) = (0, 0, false);
        let mut cut = None;
        let mut block = self.in_block;
        // One pass to the line's end or its `//`: nearly every line is borrowed whole or up to its comment.
        while !block && i < bytes.len() {
            if !LINE_STOPS[usize::from(bytes[i])] {
                i += 1;
                continue;
            }
            match bytes[i] {
                b'\n' | b'\r' => break,
                b'"' => {
                    i = string_end(bytes, i);
                    if bytes.get(i) != Some(&b'"') {
                        open_string = true;
                        break;
                    }
                }
                b'(' | b'[' => depth += 1,
                b')' | b']' => depth -= 1,
                b'/' if bytes.get(i + 1) == Some(&b'/') => {
                    cut = Some(i);
                    break;
                }
                b'/' if bytes.get(i + 1) == Some(&b'*') => block = true,
                _ => {}
            }
            i += 1;
        }
        let end = match bytes.get(i) {
            Some(b'\n' | b'\r') => i,
            _ => memchr::memchr2(b'\n', b'\r', &bytes[i.min(bytes.len())..])
                .map_or(bytes.len(), |at| i + at),
        };
        let line = &self.rest[..end];
        // A line ends at `\n`, `\r\n` or a lone `\r`, as Prisma reads a schema (and as `SourceFile` numbers lines).
        let next = match bytes.get(end..end + 2) {
            Some(b"\r\n") => end + 2,
            _ => end + 1,
        };
        self.step(next);
        let text = if block {
            let text = strip_block_comments(line, &mut self.in_block);
            (depth, open_string) = bracket_delta(&text);
            Cow::Owned(text)
        } else {
            Cow::Borrowed(&line[..cut.unwrap_or(line.len())])
        };
        Some(Line {
            number: self.number,
            text,
            depth,
            open_string,
        })
    }
}

/// The bytes [`Lines`] looks at; it steps over the others one comparison each.
static LINE_STOPS: [bool; 256] = stop_table(b"\n\r\"()[]/");

/// A lookup table that is true for `looked_at`'s bytes.
const fn stop_table(looked_at: &[u8]) -> [bool; 256] {
    let mut stops = [false; 256];
    let mut i = 0;
    while i < looked_at.len() {
        stops[looked_at[i] as usize] = true;
        i += 1;
    }
    stops
}

/// Index of the quote that closes the string opening at `open`, else of the line's end (`\n` or the end of input).
fn string_end(bytes: &[u8], open: usize) -> usize {
    let mut i = open + 1;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' | b'\n' | b'\r' => return i,
            // An escape never takes the line's end with it.
            b'\\' if !matches!(bytes.get(i + 1), Some(b'\n' | b'\r')) => i += 2,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// A line that is in or opens a `/* */` comment, with its comments cut (a closed block comment leaves a space).
fn strip_block_comments(raw: &str, in_block: &mut bool) -> String {
    let mut line = String::with_capacity(raw.len());
    let mut in_str = false;
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if *in_block {
            if c == '*' && chars.peek() == Some(&'/') {
                chars.next();
                *in_block = false;
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
                *in_block = true;
            }
            _ => line.push(c),
        }
    }
    line
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
    // The keyword, then whitespace: picked by the first byte and compared in place, as every field line is asked too
    // (`line` comes trimmed).
    let (keyword, kind) = match line.as_bytes().first() {
        Some(b'm') => ("model", BlockKind::Model),
        Some(b'v') => ("view", BlockKind::View),
        Some(b'e') => ("enum", BlockKind::Enum),
        Some(b'd') => ("datasource", BlockKind::Datasource),
        Some(b't') => ("type", BlockKind::Other),
        Some(b'g') => ("generator", BlockKind::Other),
        _ => return None,
    };
    let rest = line.strip_prefix(keyword)?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let rest = rest.trim_start();
    let (name, after) = rest.split_at(name_end(rest, 0));
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

/// Index just past the string opening at `open` (the end of `chars` when unclosed).
fn skip_string(chars: &[u8], open: usize) -> usize {
    (string_end(chars, open) + 1).min(chars.len())
}

/// An attribute as written, borrowed from its line, its arguments split in the same pass that found their end.
struct Attr<'a> {
    block: bool,
    /// Name, argument and part ranges are relative to `raw`.
    raw: &'a str,
    name: Span,
    args: Option<Span>,
    parts: Parts,
}

impl<'a> Attr<'a> {
    fn name(&self) -> &'a str {
        self.raw.get(self.name.0..self.name.1).unwrap_or("")
    }

    fn arg(&self, name: &str, positional: bool) -> Option<&'a str> {
        find_arg(part_texts(self.raw, &self.parts), name, positional)
    }
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
        i = dotted_name_end(text, i);
        if i == name_start {
            continue;
        }
        let name = (name_start - begin, i - begin);
        let j = space_end(text, i);
        let (mut args, mut parts) = (None, Parts::default());
        if chars.get(j) == Some(&b'(') {
            let (close, _) = scan_args(text, j, &mut parts);
            args = Some((j + 1, close));
            i = (close + 1).min(chars.len());
        }
        let raw = text.get(begin..i).unwrap_or("").trim_end();
        // Relative to `raw`; trimming its end never cuts into the name or a closed argument list.
        let relative = |(a, b): Span| ((a - begin).min(raw.len()), (b - begin).min(raw.len()));
        for (name, value) in parts.iter_mut() {
            *name = name.map(relative);
            *value = relative(*value);
        }
        return Some(Attr {
            block,
            raw,
            name,
            args: args.map(relative),
            parts,
        });
    })
}

/// Reads the argument list whose `(` is at `open`: returns the index of its closing `)` (the line's end when
/// unclosed) and whether a brace or comment stands in it outside strings, and pushes each top-level argument's trimmed
/// span, with its name's when written `name: value`.
// Bytes: every character looked for is ASCII, and no byte of a multi-byte UTF-8 character is, so every index
// falls on a character boundary.
fn scan_args(text: &str, open: usize, parts: &mut Parts) -> (usize, bool) {
    let bytes = text.as_bytes();
    let (mut start, mut line_syntax) = (open + 1, false);
    loop {
        let end = next_top_level(bytes, start, &mut line_syntax);
        if let Some(part) = argument(text, start.min(end), end) {
            parts.push(part);
        }
        match bytes.get(end) {
            Some(b',') => start = end + 1,
            // The closing bracket, or the end when the list is never closed.
            _ => return (end, line_syntax),
        }
    }
}

/// The argument written in `text[start..end]`, trimmed, as (its name's span when written `name: value`, its value's
/// span) in `text`; None when it is blank. Names and blanks are stepped over by bytes while ASCII (nearly always).
fn argument(text: &str, start: usize, end: usize) -> Option<Part> {
    let bytes = text.as_bytes();
    // Blanks may run on past `end` (a line break ends a plain line's list): not this argument's.
    let first = space_end(text, start).min(end);
    if first == end {
        return None;
    }
    let mut last = end;
    while CLASSES[usize::from(bytes[last - 1])] & SPACE != 0 {
        last -= 1;
    }
    if !bytes[last - 1].is_ascii() {
        // A character past ASCII at the end: std's trim knows which are blanks.
        last = first + text[first..last].trim_end().len();
    }
    let name = name_end(text, first).min(last);
    let colon = space_end(text, name).min(last);
    if name > first && colon < last && bytes[colon] == b':' {
        let value = space_end(text, colon + 1).min(last);
        return Some((Some((first, name)), (value, last)));
    }
    Some((None, (first, last)))
}

/// From `from`, the index of the first `,` outside strings and the brackets opened after `from`, or of the first
/// bracket that closes one opened before it, or of the line's end (a string left open ends there too); else the end.
/// Sets `line_syntax` when it passes what the line reader reads otherwise: a `{` or `}` (brackets here, not there) or
/// a comment's `//` or `/*`.
// Bytes: every delimiter is ASCII, and no byte of a multi-byte UTF-8 character is.
fn next_top_level(bytes: &[u8], from: usize, line_syntax: &mut bool) -> usize {
    let (mut depth, mut i) = (0i64, from);
    while i < bytes.len() {
        if !ARGUMENT_STOPS[usize::from(bytes[i])] {
            i += 1;
            continue;
        }
        match bytes[i] {
            b'"' => {
                let close = string_end(bytes, i);
                if bytes.get(close) != Some(&b'"') {
                    return close;
                }
                i = close + 1;
                continue;
            }
            b'\n' | b'\r' => return i,
            b'(' | b'[' => depth += 1,
            b')' | b']' if depth == 0 => return i,
            b')' | b']' => depth -= 1,
            b'{' => {
                *line_syntax = true;
                depth += 1;
            }
            b'}' => {
                *line_syntax = true;
                if depth == 0 {
                    return i;
                }
                depth -= 1;
            }
            b',' if depth == 0 => return i,
            b'/' if matches!(bytes.get(i + 1), Some(b'/' | b'*')) => *line_syntax = true,
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}

/// The bytes [`next_top_level`] looks at; it steps over the others one comparison each.
static ARGUMENT_STOPS: [bool; 256] = stop_table(b"\"()[]{},\n\r/");

/// Split on top-level commas (outside strings and brackets), trimmed, empty parts dropped. A stray closing bracket
/// stays in its part.
fn split_top(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut start = 0;
    std::iter::from_fn(move || {
        while start <= bytes.len() {
            let mut end = next_top_level(bytes, start, &mut false);
            while matches!(bytes.get(end), Some(b')' | b']' | b'}')) {
                end = next_top_level(bytes, end + 1, &mut false);
            }
            let part = trim(text.get(start..end).unwrap_or(""));
            start = end + 1;
            if !part.is_empty() {
                return Some(part);
            }
        }
        None
    })
}

/// Arguments as (name for `name: value`, value), borrowed from `args`.
fn parse_args(args: &str) -> impl Iterator<Item = (Option<&str>, &str)> {
    split_top(args).map(split_named)
}

/// One trimmed argument as (its name, its value trimmed) when written `name: value`, else (None, the argument).
fn split_named(arg: &str) -> (Option<&str>, &str) {
    let text = |(start, end): Span| &arg[start..end];
    match argument(arg, 0, arg.len()) {
        Some((name, value)) => (name.map(text), text(value)),
        None => (None, ""),
    }
}

/// Unquote a Prisma string literal as Prisma decodes it (`\n`, `\t`, `\r`, `\b`, `\f`, `\uXXXX` with surrogate
/// pairs; any other escaped character stands for itself); an unterminated one keeps what it has.
fn parse_string(value: &str) -> Option<String> {
    let inner = value.trim().strip_prefix('"')?;
    // Nearly every literal has no escape: copied whole, up to its closing quote (or the end when unclosed).
    match memchr::memchr2(b'"', b'\\', inner.as_bytes()) {
        Some(end) if inner.as_bytes()[end] == b'"' => return Some(inner[..end].to_string()),
        None => return Some(inner.to_string()),
        Some(_) => {}
    }
    let mut chars = inner.chars();
    let mut out = String::with_capacity(inner.len());
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(out),
            '\\' => match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some('b') => out.push('\u{8}'),
                Some('f') => out.push('\u{c}'),
                Some('u') => match unicode_escape(&mut chars) {
                    Some(decoded) => out.push(decoded),
                    None => out.push('u'),
                },
                Some(other) => out.push(other),
                None => break,
            },
            _ => out.push(c),
        }
    }
    Some(out)
}

/// The character of a `\u` escape whose four hex digits `chars` starts with (consumed only when they are there), a
/// UTF-16 surrogate pair written as two escapes included; a lone surrogate is U+FFFD.
fn unicode_escape(chars: &mut std::str::Chars) -> Option<char> {
    let code_unit = |chars: &mut std::str::Chars| -> Option<u32> {
        let digits = chars.as_str().get(..4)?;
        let unit = u32::from_str_radix(digits, 16).ok()?;
        // Four ASCII hex digits: `from_str_radix` also takes a sign, which is not one.
        digits.bytes().all(|b| b.is_ascii_hexdigit()).then(|| {
            chars.nth(3);
            unit
        })
    };
    let unit = code_unit(chars)?;
    if !(0xD800..0xDC00).contains(&unit) {
        return Some(char::from_u32(unit).unwrap_or('\u{fffd}'));
    }
    // A high surrogate: its low half follows as another `\u` escape.
    let mut after = chars.clone();
    let low = (after.next() == Some('\\') && after.next() == Some('u'))
        .then(|| code_unit(&mut after))
        .flatten()
        .filter(|low| (0xDC00..0xE000).contains(low));
    match low {
        Some(low) => {
            *chars = after;
            char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
        }
        None => Some('\u{fffd}'),
    }
}

/// The names of [`parse_field_refs`]: `[a, b(sort: Desc)]` → `["a", "b"]`.
fn parse_field_list(value: &str) -> Vec<String> {
    parse_field_refs(value)
        .iter()
        .map(|r| r.name.to_string())
        .collect()
}

/// The named argument, else (when `positional`) the first unnamed one.
fn find_arg<'a>(
    args: impl Iterator<Item = (Option<&'a str>, &'a str)>,
    name: &str,
    positional: bool,
) -> Option<&'a str> {
    let [named, unnamed] = first_args(args, [Some(name), None]);
    named.or(unnamed.filter(|_| positional))
}

/// The first value of each argument `names` names (`None`: the first unnamed one), found in one pass: the value a
/// search for each name would find.
pub fn first_args<'a, const N: usize>(
    args: impl Iterator<Item = (Option<&'a str>, &'a str)>,
    names: [Option<&str>; N],
) -> [Option<&'a str>; N] {
    let mut found = [None; N];
    for (name, value) in args {
        if let Some(slot) = names.iter().position(|n| *n == name) {
            found[slot].get_or_insert(value);
        }
    }
    found
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
    file: Arc<Path>,
    schema: Schema,
    current: Block,
    /// Plain lines are read in place ([`Parser::simple_line`]); off only for the test that checks that reading
    /// against the general one.
    plain_lines: bool,
}

impl Parser {
    fn new(file: &Path) -> Self {
        Parser {
            file: Arc::from(file),
            schema: Schema {
                files: vec![file.to_path_buf()],
                ..Schema::default()
            },
            current: Block::None,
            plain_lines: true,
        }
    }

    fn run(mut self, text: &str) -> Schema {
        let mut lines = Lines::new(text);
        // The line after the current one, when a join looked at it and left it.
        let mut peeked: Option<Line> = None;
        let mut last_line = 1;
        loop {
            if self.plain_lines && peeked.is_none() {
                if let Some(number) = self.simple_line(&mut lines) {
                    last_line = number;
                    continue;
                }
            }
            let Some(line) = peeked.take().or_else(|| lines.next()) else {
                break;
            };
            let number = line.number;
            last_line = number;
            let mut text = line.text;
            let (mut depth, mut open_string) = (line.depth, line.open_string);
            // Join lines while brackets stay open, so arguments written over several lines read as one. A closing
            // `}`, a block header or a declaration stops the join, so one unclosed `(` cannot eat what follows.
            while depth > 0 && !open_string {
                let Some(next) = peeked.take().or_else(|| lines.next()) else {
                    break;
                };
                let next_text = trim(&next.text);
                if next_text.starts_with('}')
                    || parse_header(next_text).is_some()
                    || starts_declaration(next_text)
                {
                    peeked = Some(next);
                    break;
                }
                let joined = text.to_mut();
                joined.push(' ');
                joined.push_str(next_text);
                depth += next.depth;
                open_string = next.open_string;
                last_line = next.number;
            }
            let trimmed = trim(&text);
            if trimmed.is_empty() {
                continue;
            }
            if let Some(header) = parse_header(trimmed) {
                // A header inside a block means the previous block was never
                // closed: end it just before this line.
                self.finish(number.saturating_sub(1).max(1));
                let closed = header.closed;
                self.start(header, number);
                if closed {
                    self.finish(number);
                }
            } else if trimmed.starts_with('}') {
                self.finish(number);
            } else {
                self.body_line(trimmed, number);
            }
        }
        self.finish(last_line.max(1));
        self.schema.line_starts.push(lines.starts);
        self.schema
    }

    /// Reads the next line in place when it is blank, a comment, or a model's field on one line without a block
    /// comment, a string outside its attributes' arguments or a bracket outside them (nearly every line of a schema):
    /// the line's number, else `None` with nothing read, for [`Lines`] and the join to read it. What it reads is what
    /// those would: such a line opens no bracket, so it never joins the next. The readers below stop at the line's
    /// end themselves (nothing they accept spans a line break), so the line is not looked through for it first.
    fn simple_line(&mut self, lines: &mut Lines) -> Option<usize> {
        if lines.in_block || lines.rest.is_empty() {
            return None;
        }
        let bytes = lines.rest.as_bytes();
        let start = gap_end(bytes, 0);
        let number = lines.number + 1;
        let text = &lines.rest[start..];
        let head = text.as_bytes();
        let read = match (&mut self.current, head.first()) {
            (_, None | Some(b'\n' | b'\r' | b'/')) => content_end(head, 0),
            (_, Some(b'}')) => {
                let end = content_end(head, gap_end(head, 1))?;
                self.finish(number);
                Some(end)
            }
            (Block::Model(model), Some(b'@')) => simple_model_attributes(model, text, number),
            (Block::Model(model), _) => simple_field(text, number).map(|(field, end)| {
                model.fields.push(field);
                end
            }),
            (Block::Enum(def), Some(b'@')) => simple_enum_attributes(def, text),
            (Block::Enum(def), _) => simple_enum_value(def, text),
            _ => None,
        };
        let end = start + read?;
        // A `//` comment runs to the line's end.
        let end = match bytes.get(end) {
            Some(b'/') => {
                memchr::memchr2(b'\n', b'\r', &bytes[end..]).map_or(bytes.len(), |at| end + at)
            }
            _ => end,
        };
        lines.skip_line(end);
        Some(number)
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
                // Room for a dozen or so fields up front saves a model's (or view's) first regrowths of the list.
                fields: Vec::with_capacity(16),
                block_id: Vec::new(),
            }),
            BlockKind::Enum => Block::Enum(EnumDef {
                db_name: header.name.clone(),
                schema: None,
                name: header.name,
                values: Vec::new(),
                file: self.file.clone(),
                line,
            }),
            BlockKind::Datasource => {
                self.schema.datasource_name.get_or_insert(header.name);
                Block::Datasource
            }
            BlockKind::Other => Block::Other,
        };
    }

    fn finish(&mut self, end_line: usize) {
        match std::mem::replace(&mut self.current, Block::None) {
            Block::Model(mut m) => {
                m.end_line = end_line.max(m.line);
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
        add_model_attributes(model, scan_attributes(text, 0).filter(|a| a.block), line);
        return;
    }
    if let Some(field) = parse_field(text, line) {
        model.fields.push(field);
    }
}

/// A line's `@@` attributes of a model, in order: `@@map` names its table, `@@id` lists its key.
fn add_model_attributes<'a>(model: &mut Model, attrs: impl Iterator<Item = Attr<'a>>, line: usize) {
    for attr in attrs {
        let attr = attribute(attr, line);
        match attr.name() {
            "map" => {
                if let Some(name) = attr.string_arg("name", true) {
                    model.db_name = name;
                }
            }
            "id" => model.block_id = fields_arg(&attr),
            _ => {}
        }
        model.attributes.push(attr);
    }
}

/// A line's `@@` attributes of an enum: `@@map` names its type, `@@schema` its schema.
fn add_enum_attributes<'a>(def: &mut EnumDef, attrs: impl Iterator<Item = Attr<'a>>) {
    for attr in attrs {
        let value = attr.arg("name", true).and_then(parse_string);
        match attr.name() {
            "map" if value.is_some() => def.db_name = value.unwrap_or_default(),
            "schema" => def.schema = value,
            _ => {}
        }
    }
}

/// An enum value called `name`, with its line's attributes after the name: the first `@map` names it in the database.
fn add_enum_value<'a>(def: &mut EnumDef, name: &str, mut attrs: impl Iterator<Item = Attr<'a>>) {
    let name = name.to_string();
    let db_name = attrs
        .find(|a| !a.block && a.name() == "map")
        .and_then(|a| a.arg("name", true).and_then(parse_string))
        .unwrap_or_else(|| name.clone());
    def.values.push((name, db_name));
}

/// A field on one line, `text` starting at its name, when it is plain: the name and type in ASCII, then only
/// [`simple_attributes`]; with where its line's content ends ([`content_end`]). Else `None`, for [`parse_field`] to
/// read the line as written.
fn simple_field(text: &str, line: usize) -> Option<(Field, usize)> {
    let bytes = text.as_bytes();
    let starts_name =
        |at: usize| matches!(bytes.get(at), Some(b) if b.is_ascii_alphabetic() || *b == b'_');
    if !starts_name(0) {
        return None;
    }
    let name_end = name_end(text, 0);
    let i = gap_end(bytes, name_end);
    if i == name_end || !starts_name(i) {
        return None;
    }
    let type_end = dotted_name_end(text, i);
    if !bytes
        .get(type_end)
        .is_none_or(|&b| matches!(b, b' ' | b'\t' | b'?' | b'[' | b'@' | b'\n' | b'\r' | b'/'))
    {
        return None;
    }
    let (optional, list, after) = modifiers(bytes, type_end);
    let type_name = text[i..type_end].to_string();
    let mut field = new_field(&text[..name_end], type_name, optional, list, line);
    let end = simple_attributes(text, after, false, |attr| {
        add_attribute(&mut field, attr, line)
    })?;
    Some((field, end))
}

/// A model's `@@` attributes on one line, when they are all it has ([`simple_attributes`]): where the line's content
/// ends; `None`, with nothing changed, when the line is not that plain.
fn simple_model_attributes(model: &mut Model, text: &str, line: usize) -> Option<usize> {
    let mut attrs = Vec::new();
    let end = simple_attributes(text, 0, true, |attr| attrs.push(attr))?;
    add_model_attributes(model, attrs.into_iter(), line);
    Some(end)
}

/// An enum's `@@` attributes on one line, when they are all it has: where the line's content ends; `None`, with
/// nothing changed, when the line is not that plain.
fn simple_enum_attributes(def: &mut EnumDef, text: &str) -> Option<usize> {
    let mut attrs = Vec::new();
    let end = simple_attributes(text, 0, true, |attr| attrs.push(attr))?;
    add_enum_attributes(def, attrs.into_iter());
    Some(end)
}

/// An enum value on one line (ASCII name, then [`simple_attributes`]): where the line's content ends; `None`, with
/// nothing changed, when the line is not that plain.
fn simple_enum_value(def: &mut EnumDef, text: &str) -> Option<usize> {
    if !text
        .as_bytes()
        .first()
        .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
    {
        return None;
    }
    let end = name_end(text, 0);
    // Nearly every value has no attribute: the list then stays unallocated.
    let mut attrs = Vec::new();
    let content_end = simple_attributes(text, end, false, |attr| attrs.push(attr))?;
    add_enum_value(def, &text[..end], attrs.into_iter());
    Some(content_end)
}

/// Where the spaces and tabs from `from` end.
fn gap_end(bytes: &[u8], mut from: usize) -> usize {
    while matches!(bytes.get(from), Some(b' ' | b'\t')) {
        from += 1;
    }
    from
}

/// Gives `each` the attributes written in `text` from byte `i` on, when they are all its line has: spaces, and
/// `@name` (`@@name` when `block`) attributes whose argument lists close on the line with no brace or comment outside
/// their strings, up to the line's end or a `//` comment. Where the line's content ends ([`content_end`]), else
/// `None` at anything else, such as a string or bracket between them, for the caller to read the line as written
/// instead.
fn simple_attributes<'a>(
    text: &'a str,
    mut i: usize,
    block: bool,
    mut each: impl FnMut(Attr<'a>),
) -> Option<usize> {
    let bytes = text.as_bytes();
    loop {
        i = gap_end(bytes, i);
        let begin = i;
        match (bytes.get(i), bytes.get(i + 1)) {
            (Some(b'@'), Some(b'@')) if block => i += 2,
            (Some(b'@'), next) if !block && next != Some(&b'@') => i += 1,
            _ => return content_end(bytes, i),
        }
        let name_start = i;
        i = dotted_name_end(text, i);
        if i == name_start {
            return None;
        }
        let name = (name_start - begin, i - begin);
        let j = space_end(text, i);
        // Blanks that run into the next line are not this attribute's.
        let j = match bytes[i..j].iter().position(|&b| b == b'\n' || b == b'\r') {
            Some(at) => i + at,
            None => j,
        };
        let (mut args, mut parts) = (None, Parts::default());
        if bytes.get(j) == Some(&b'(') {
            let (close, line_syntax) = scan_args(text, j, &mut parts);
            // The scanner counts braces as brackets, the line reader does not: one outside a string could leave the
            // line open for it. The line reader also cuts comments.
            if bytes.get(close) != Some(&b')') || line_syntax {
                return None;
            }
            args = Some((j + 1 - begin, close - begin));
            for (name, value) in parts.iter_mut() {
                *name = name.map(|(a, b)| (a - begin, b - begin));
                *value = (value.0 - begin, value.1 - begin);
            }
            i = close + 1;
        }
        each(Attr {
            block,
            raw: &text[begin..i],
            name,
            args,
            parts,
        });
    }
}

/// Where a plain line's content ends, when byte `at` of its text ends it: the line's break, the end of the text, or
/// a `//` comment (which runs to the line's end). None at anything else.
fn content_end(bytes: &[u8], at: usize) -> Option<usize> {
    match bytes.get(at) {
        None | Some(b'\n' | b'\r') => Some(at),
        Some(b'/') if bytes.get(at + 1) == Some(&b'/') => Some(at),
        _ => None,
    }
}

/// After a field's type: `?` and `[]` as written (either order), and where they end.
fn modifiers(bytes: &[u8], mut i: usize) -> (bool, bool, usize) {
    let (mut optional, mut list) = (false, false);
    loop {
        match bytes.get(i) {
            Some(b'?') => {
                optional = true;
                i += 1;
            }
            Some(b'[') if bytes.get(i + 1) == Some(&b']') => {
                list = true;
                i += 2;
            }
            _ => return (optional, list, i),
        }
    }
}

fn new_field(name: &str, type_name: String, optional: bool, list: bool, line: usize) -> Field {
    Field {
        name: name.to_string(),
        map: None,
        type_name,
        optional,
        list,
        line,
        attributes: Vec::new(),
        is_id: false,
        is_unique: false,
    }
}

/// Adds an attribute written on the field's line; its own ones (not a stray `@@`) set the id, unique and map.
fn add_attribute(field: &mut Field, scanned: Attr, line: usize) {
    let block = scanned.block;
    let attr = attribute(scanned, line);
    if !block {
        match attr.name() {
            "id" => field.is_id = true,
            "unique" => field.is_unique = true,
            "map" => field.map = attr.string_arg("name", true).or(field.map.take()),
            _ => {}
        }
    }
    field.attributes.push(attr);
}

fn parse_field(text: &str, line: usize) -> Option<Field> {
    let first = text.chars().next()?;
    if !(first.is_alphabetic() || first == '_') {
        return None;
    }
    let chars = text.as_bytes();
    let mut i = name_end(text, 0);
    let name = &text[..i];
    let ws_start = i;
    i = space_end(text, i);
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
    i = dotted_name_end(text, i);
    if chars.get(i) == Some(&b'(') {
        // Unsupported("...") carries its database type in the parentheses.
        i = match_bracket(chars, i).1;
    }
    let type_name = text.get(type_start..i).unwrap_or("").to_string();
    let (optional, list, i) = modifiers(chars, i);
    let mut field = new_field(name, type_name, optional, list, line);
    for scanned in scan_attributes(text, i) {
        add_attribute(&mut field, scanned, line);
    }
    Some(field)
}

fn enum_line(def: &mut EnumDef, text: &str) {
    if text.starts_with("@@") {
        add_enum_attributes(def, scan_attributes(text, 0).filter(|a| a.block));
        return;
    }
    if !text
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
    {
        return;
    }
    let end = name_end(text, 0);
    add_enum_value(def, &text[..end], scan_attributes(text, end));
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

    /// Every `.prisma` file of the fixtures, the tests and the shared corpus (when it is beside this checkout).
    fn schema_files() -> Vec<PathBuf> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        // The corpus is beside the checkout on CI (and most machines), not beside a bare clone.
        let dirs = ["fixtures", "tests", "../shared/corpus"].map(|d| root.join(d));
        for dir in dirs.iter().filter(|d| d.is_dir()) {
            let walk = walkdir::WalkDir::new(dir).sort_by_file_name();
            for entry in walk
                .into_iter()
                .filter_entry(|e| e.file_name() != "node_modules")
            {
                let path = entry.unwrap().into_path();
                if path.extension().is_some_and(|e| e == "prisma") {
                    files.push(path);
                }
            }
        }
        files
    }

    /// Plain lines are read in place, without the general reader's comment, bracket and join handling: that reading
    /// must be the general one's, on real schemas and on each of them cut or with a stray character put in (brackets,
    /// quotes, comments, attributes, line breaks, odd spaces), which sends lines to one reader or the other.
    #[test]
    fn plain_lines_read_as_the_general_reader_reads_them() {
        let slowly = |text: &str| {
            Parser {
                plain_lines: false,
                ..Parser::new(Path::new("schema.prisma"))
            }
            .run(text)
        };
        let files = schema_files();
        assert!(files.len() >= 40, "{} schema files", files.len());
        let strays = [
            "(",
            ")",
            "[",
            "]",
            "{",
            "}",
            "\"",
            "/",
            "*",
            "\\",
            "@",
            "@@",
            "\n",
            "\r",
            "\r\n",
            "\t",
            "é",
            "\u{b}",
            "//",
            "/*",
            "*/",
            "?",
            ",",
            "model X {",
            "}\n",
            "\u{a0}",
        ];
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        // A brace closes a bracket for the argument scanner, not for the line reader (which then joins the next line).
        for text in [
            "enum E {\n  A @x((})\n  B\n}\n",
            "model M {\n  id Int @default((})\n  @id\n}\n",
            "model M {\n  id Int @default([})\n  @map(\"z\")\n}\n",
            "model M {\n  j Json @default(\"{}\") @x({)\n  @@map(\"m\")\n}\n",
            // Slashes in strings, comments in an argument list, a string or list left open at the line's end, and an
            // argument list on the next line: each read as the line reader cuts the lines.
            "model M {\n  u String @default(\"http://x/y\") // c \"\n  v Int @default(1 /* c */)\n  w Int @default(1 // c\n  )\n  x String @default(\"a\n  y Int @id\n(\"b\")\n  z Int @x(a\r\n  @@id([y])\r}\n",
            "enum E {\n  A @map(\"a/b\")//c\n  B @map(\"b\n  C\n}\n",
        ] {
            assert_eq!(parse(text), slowly(text), "{text:?}");
        }
        // The line starts noted on the way are the ones a report finds in the text.
        let starts_as_reported = |text: &str| {
            let file = crate::syntax::source::SourceFile::new(
                "s.prisma".into(),
                "s.prisma".into(),
                "s".into(),
                text.to_string(),
            );
            file.line_starts().to_vec()
        };
        for text in [
            "",
            "\n",
            "\r",
            "a\r\n",
            "\u{feff}model M {\r\n  id Int @id\r}\rx",
            "\u{feff}",
            "x\n\r\n\n",
        ] {
            assert_eq!(
                parse(text).line_starts,
                [starts_as_reported(text)],
                "{text:?}"
            );
        }
        let mut checked = 0;
        for file in files {
            let text = fs::read_to_string(&file).unwrap();
            assert_eq!(parse(&text), slowly(&text), "{}", file.display());
            assert_eq!(parse(&text).line_starts, [starts_as_reported(&text)]);
            for _ in 0..20 {
                let mut changed = text.clone();
                let mut at = next(changed.len() + 1);
                while !changed.is_char_boundary(at) {
                    at -= 1;
                }
                if next(3) == 0 {
                    let mut end = (at + next(40)).min(changed.len());
                    while !changed.is_char_boundary(end) {
                        end -= 1;
                    }
                    changed.replace_range(at..end, "");
                } else {
                    changed.insert_str(at, strays[next(strays.len())]);
                }
                let read = parse(&changed);
                assert_eq!(
                    read,
                    slowly(&changed),
                    "{} changed at byte {at}",
                    file.display()
                );
                assert_eq!(read.line_starts, [starts_as_reported(&changed)]);
                checked += 1;
            }
        }
        assert!(checked >= 800, "{checked}");
    }

    /// The field lists of a model's `@@name` attributes.
    fn lists(m: &Model, name: &str) -> Vec<Vec<String>> {
        m.attributes
            .iter()
            .filter(|a| a.name() == name)
            .map(fields_arg)
            .collect()
    }

    /// Field-level `@unique`s, then `@@unique`s.
    fn uniques(m: &Model) -> Vec<Vec<String>> {
        let fields = m.fields.iter().filter(|f| f.is_unique);
        fields
            .map(|f| vec![f.name.clone()])
            .chain(lists(m, "unique"))
            .collect()
    }

    fn relation_fields(f: &Field) -> Vec<String> {
        f.attribute("relation")
            .and_then(|r| r.arg("fields", false))
            .map(parse_field_list)
            .unwrap_or_default()
    }

    fn raw(field: &Field) -> Vec<&str> {
        field.attributes.iter().map(|a| a.raw.as_str()).collect()
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
        assert_eq!(user.id_fields().collect::<Vec<_>>(), ["id"]);
        assert_eq!(uniques(user), vec![names(&["email"])]);

        let email = user.field_for_column("email").unwrap();
        assert!(email.is_unique);
        assert_eq!(raw(email), ["@unique", "@db.VarChar(255)"]);
        assert_eq!(email.line, 14);

        let full = user.field_for_column("full_name").unwrap();
        assert_eq!((full.name.as_str(), full.optional), ("fullName", true));
        assert_eq!(full.type_name, "String");

        let bio = user.field_for_column("bio").unwrap();
        assert_eq!(bio.default(), Some(r#""say \"hi\" // not a comment""#));

        let created = user.field_for_column("created_at").unwrap();
        assert_eq!(created.default(), Some("now()"));
        assert_eq!(
            raw(created),
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
        assert_eq!(relation_fields(author), names(&["authorId"]));
        assert_eq!(post.field_for_column("author_id").unwrap().name, "authorId");
        assert_eq!(
            lists(post, "index"),
            vec![names(&["authorId"]), names(&["title", "id"])]
        );

        let search = post.fields.iter().find(|f| f.name == "search").unwrap();
        assert_eq!(search.type_name, r#"Unsupported("tsvector")"#);
        assert!(search.optional);

        let tag = s.model_for_table("posttag").unwrap();
        assert_eq!(tag.name, "PostTag");
        assert!(tag.attributes.iter().any(|a| a.name() == "ignore"));
        assert_eq!(tag.id_fields().collect::<Vec<_>>(), ["postId", "tagId"]);
        assert_eq!(uniques(tag), vec![names(&["tagId", "postId"])]);
        assert_eq!(tag.fields.len(), 3);

        let view = s.model_for_table("PostStats").unwrap();
        assert_eq!(uniques(view), vec![names(&["postId"])]);
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

    /// As Prisma 6.19.3 decodes them (its `migrate diff` writes `café`, `a😀z` and a real backspace and form feed).
    #[test]
    fn string_escapes_decode_as_prisma_decodes_them() {
        for (literal, decoded) in [
            (r#""caf\u00e9""#, "café"),
            (r#""a\uD83D\uDE00z""#, "a😀z"),
            (r#""a\bz\fy""#, "a\u{8}z\u{c}y"),
            (r#""say \"hi\" \\ \/""#, r#"say "hi" \ /"#),
            (r#""tab\tnew\nret\r""#, "tab\tnew\nret\r"),
            // Not an escape Prisma knows, or cut short: kept as lenient as before.
            (r#""\x41""#, "x41"),
            (r#""\u00""#, "u00"),
            (r#""\u+041""#, "u+041"),
            (r#""\uD83Dz""#, "\u{fffd}z"),
            (r#""\uDE00""#, "\u{fffd}"),
            (r#""open"#, "open"),
            (r#""open\"#, "open"),
            // No escape: copied whole up to the closing quote, whatever follows it.
            (r#""created_at""#, "created_at"),
            (r#"  "é ü"  "#, "é ü"),
            (r#""""#, ""),
            (r#""a"b""#, "a"),
            (r#""a" @map("b")"#, "a"),
        ] {
            assert_eq!(parse_string(literal).as_deref(), Some(decoded), "{literal}");
        }
        assert_eq!(parse_string("plain"), None);
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
    fn a_stray_closing_bracket_stays_in_its_argument() {
        let parts: Vec<&str> = split_arguments("a), b(c, d) ,, ]e").collect();
        assert_eq!(parts, ["a)", "b(c, d)", "]e"]);
        // `@@id([a](b, c))`: the list ends at its `]`, the rest is one broken entry named `a`.
        assert_eq!(parse_field_list("[a](b, c)"), names(&["a"]));
    }

    #[test]
    fn class_runs_end_where_the_char_runs_end() {
        for text in [
            "",
            "abc def",
            "a_1.b(",
            "näme String",
            "ab\u{a0}\u{2003} x",
            "  \t\u{a0}y",
            "é.ü@",
            "x\u{301}y z",
        ] {
            for from in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
                assert_eq!(
                    name_end(text, from),
                    run_end(text, from, is_ident),
                    "{text:?} {from}"
                );
                assert_eq!(
                    dotted_name_end(text, from),
                    run_end(text, from, |c| is_ident(c) || c == '.'),
                    "{text:?} {from}"
                );
                assert_eq!(
                    space_end(text, from),
                    run_end(text, from, char::is_whitespace),
                    "{text:?} {from}"
                );
            }
        }
    }

    #[test]
    fn an_argument_is_split_as_std_trims_and_splits_it() {
        // With std's trims: the name, blanks, a colon and the value, else the whole argument.
        let reference = |arg: &str| -> Option<(Option<String>, String)> {
            let arg = arg.trim();
            let name_len = arg.find(|c: char| !is_ident(c)).unwrap_or(arg.len());
            let (name, rest) = arg.split_at(name_len);
            match rest.trim_start().strip_prefix(':') {
                Some(value) if !name.is_empty() => Some((Some(name.into()), value.trim().into())),
                _ if arg.is_empty() => None,
                _ => Some((None, arg.into())),
            }
        };
        let pieces = [
            "", " ", "a", "name", "é", "\u{a0}", "\u{2003}", ":", " : ", "\t", "\u{b}", "\"x\"",
            "[a, b]", "_1", "a.b", "(", "é:", "\u{a0}:",
        ];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    for text in [format!("{a}{b}{c}"), format!("{a} {b}:{c}")] {
                        let framed = format!("({text},");
                        let read = argument(&framed, 1, framed.len() - 1).map(|(name, value)| {
                            let text = |(x, y): Span| framed[x..y].to_string();
                            (name.map(text), text(value))
                        });
                        assert_eq!(read, reference(&text), "{text:?}");
                    }
                }
            }
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
    fn lines_are_cut_at_each_line_break_prisma_reads() {
        let cases: [(&str, &[&str]); 10] = [
            ("", &[]),
            ("a", &["a"]),
            ("a\n", &["a"]),
            ("a\r\nb", &["a", "b"]),
            ("\n\n", &["", ""]),
            // A lone `\r` is a line break (old Mac files; Prisma reads them), where `str::lines` sees one line.
            ("a\rb\r", &["a", "b"]),
            ("a\r\r\nb", &["a", "", "b"]),
            ("a\r\n\r\n", &["a", ""]),
            ("\r\n", &[""]),
            ("é\nü\r\n", &["é", "ü"]),
        ];
        for (text, expected) in cases {
            assert_eq!(lines(text).collect::<Vec<_>>(), expected, "{text:?}");
            assert_eq!(stripped(text), expected, "{text:?}");
        }
        assert_eq!(
            [
                line_break("a\r\nb\n"),
                line_break("a\rb"),
                line_break("a\nb\r\n"),
                line_break("a")
            ],
            ["\r\n", "\r", "\n", "\n"]
        );
    }

    fn stripped(text: &str) -> Vec<String> {
        Lines::new(text).map(|l| l.text.into_owned()).collect()
    }

    #[test]
    fn a_block_comment_over_lines_keeps_the_line_count_and_the_depth_skips_it() {
        let text = "a Int @default(1 /* x )\n still ( comment\n end */ ) @map(\"(\") // )\nb (\n";
        let lines: Vec<Line> = Lines::new(text).collect();
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_ref()).collect();
        assert_eq!(texts, ["a Int @default(1 ", "", "  ) @map(\"(\") ", "b ("]);
        // Each line's depth is what a plain scan of its text finds, on the fast path and the slow one alike.
        for line in &lines {
            assert_eq!(
                (line.depth, line.open_string),
                bracket_delta(&line.text),
                "{:?}",
                line.text
            );
        }
        assert_eq!(lines.iter().map(|l| l.depth).sum::<i64>(), 1);
    }

    #[test]
    fn comments_are_cut_outside_strings_only() {
        let lines = stripped(
            "a String @default(\"x // y\") // cut\nb String @default(\"q\\\"//\") @map(\"b\")\nc String @default(\"open // kept\n/* block */ d Int // e\n",
        );
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
        assert_eq!(lists(m, "index"), vec![names(&["näme", "id"])]);
        assert_eq!(m.id_fields().collect::<Vec<_>>(), ["id"]);
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
        assert_eq!(b.id_fields().collect::<Vec<_>>(), ["id"]);

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
            relation_fields(&post.fields[0]),
            names(&["authorId", "tenantId"])
        );
        assert_eq!(post.fields[1].line, 6);
        assert_eq!(uniques(post), vec![names(&["authorId"])]);
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

        let s = Schema::load(&root, None).unwrap();
        let models: Vec<&str> = s.models.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(models, ["Post", "L", "User"]);
        assert_eq!(s.files.len(), 4);
        assert_eq!(
            s.model_for_table("users").unwrap().file,
            Arc::from(root.join("user.prisma"))
        );

        let single = Schema::load(&root.join("user.prisma"), None).unwrap();
        assert_eq!(single.models.len(), 1);
        assert!(Schema::load(&root.join("missing.prisma"), None).is_err());
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
        assert_eq!(Schema::load(&found, None).unwrap().models.len(), 1);

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
