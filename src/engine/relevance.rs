//! When a run reports only some files of a history (a pre-commit hook, `--changed-since`), most of the other files
//! cannot change anything those files' rules look at. This finds, without parsing, the statements of the other
//! files that can; only they are parsed and replayed. A large history then costs a split of each file instead of a
//! parse of each statement.
//!
//! It has no grammar of its own: a statement of one of the shapes Prisma writes is read into operations by
//! [`lower_prisma_shape`], the one reader of those statements, and what its operations touch, rename, reference and
//! name links it to others. Every other statement is always replayed, linked by the names in it.
//!
//! Tables, types and indexes share one namespace, and the catalog entry of one is written only by statements whose
//! subject it is (CREATE/ALTER/DROP TABLE or TYPE, CREATE INDEX ... ON it), by a rename to its name, and by statements
//! that are always replayed. Starting from every name the reported files mention:
//! - a statement is needed when its subject, the name it renames to, or an index or constraint name it defines is
//!   needed; then every name it mentions is needed (its old name, the types of its columns, its indexes), except the
//!   tables its foreign keys reference;
//! - of a referenced table only the renames matter (a rename rewrites the keys that reference it), so a rename of it
//!   is needed, and the new name is followed the same way;
//! - every statement of another shape is always replayed; when it mentions a needed name, every name it mentions is
//!   needed (a DO block that renames a table, `ALTER INDEX a RENAME TO b`). Data statements (INSERT, UPDATE,
//!   DELETE) change no catalog entry and are never needed.
//!
//! Names are compared without their schema, so a name in two schemas is simply needed in both; a needed name that
//! names nothing costs nothing. Where the tokens cannot tell (an index name nothing defines, `$$` bodies nested too
//! deep), everything is replayed. `tests/replay_needed.rs` checks that a file linted alone finds exactly what the
//! full replay finds.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::OnceLock;

use crate::ops::{lower_prisma_shape, Constraint, ConstraintKind, Op, OpKind};
use crate::syntax::cursor::Cursor;
use crate::syntax::split::{ident_value, split, Token, TokenKind};

/// What replaying a statement of an unreported file can depend on or change, read from its tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    /// A statement about one table or type: changes only the entry of `subject` (or of `renamed_to`, which it
    /// becomes).
    Object {
        subject: String,
        renamed_to: Option<String>,
        /// Tables its foreign keys reference.
        references: Vec<String>,
        /// Indexes and constraints it names (an index may be looked up by the name of the constraint it backs).
        defines: Vec<String>,
        /// Where the statement is in its file: every name in it is read from there, only once it is needed (most
        /// statements never are, and reading their names was most of the cost).
        span: Range<usize>,
        mentions: OnceLock<Vec<String>>,
    },
    /// INSERT, UPDATE, DELETE: no catalog entry changes.
    Data,
    /// `$$` bodies nested too deep to read, or a reported data statement past 64 KiB whose tokens keep only its outer
    /// words ([`crate::syntax::split::RawStatement::thinned`]): what the statement names is unknown, so everything is
    /// replayed.
    Unreadable,
    /// Anything else: always replayed; the names it mentions (inside `$$` bodies too) link to one another.
    Other {
        mentions: Vec<String>,
        /// The names in object positions (after TABLE, INDEX, TYPE, ON, REFERENCES, TO, ...): what links it to other
        /// statements.
        objects: Vec<String>,
        /// Existing indexes it names (`DROP INDEX`, `ALTER INDEX`, `REINDEX INDEX`): the statements that define
        /// them are needed, since a rule may ask which table an index is on.
        index_refs: Vec<String>,
    },
}

/// The shapes of a file's statements, in `split` order. A reported file's statements are all [`Shape::Other`]: every
/// name they mention is one their rules may look up.
pub fn file_shapes(text: &str, reported: bool) -> Vec<Shape> {
    split(text)
        .statements
        .iter()
        .map(|s| {
            if reported && s.thinned {
                Shape::Unreadable
            } else if reported {
                other(text, &s.tokens)
            } else {
                shape(text, &s.tokens)
            }
        })
        .collect()
}

/// Every name a file's statements mention (in their `$$` bodies too), or None when bodies nest too deep to read or a
/// statement was thinned: what must be restored from a cached catalog before the file is replayed
/// ([`crate::engine::cache`]).
pub fn file_mentions(text: &str) -> Option<Vec<String>> {
    let mut names = Vec::new();
    for statement in split(text).statements {
        if statement.thinned {
            return None;
        }
        match other(text, &statement.tokens) {
            Shape::Other {
                mentions,
                objects,
                index_refs,
            } => names.extend(mentions.into_iter().chain(objects).chain(index_refs)),
            _ => return None,
        }
    }
    Some(names)
}

/// The shape of one statement of an unreported file. An object statement is one of the shapes Prisma writes, read
/// into operations by [`lower_prisma_shape`] (the one reader of those statements): what its operations touch,
/// rename, reference and name is its shape. Every other statement is always replayed.
pub fn shape(src: &str, tokens: &[Token]) -> Shape {
    let word = |kw: &str| tokens.first().is_some_and(|t| t.is_word(src, kw));
    if word("insert") || word("update") || word("delete") {
        return Shape::Data;
    }
    let span = tokens.first().map_or(0, |t| t.span.start)..tokens.last().map_or(0, |t| t.span.end);
    let object = if has_foreign_shape(src, tokens) {
        None
    } else {
        lower_prisma_shape(src, tokens, &span).and_then(|ops| object_of(&ops))
    };
    match object {
        Some(Object {
            subject,
            renamed_to,
            references,
            defines,
        }) => Shape::Object {
            subject,
            renamed_to,
            references,
            defines,
            span,
            mentions: OnceLock::new(),
        },
        None => other(src, tokens),
    }
}

/// What an object statement's operations touch, rename, reference and name.
#[derive(Debug, Default, PartialEq)]
struct Object {
    subject: String,
    renamed_to: Option<String>,
    references: Vec<String>,
    defines: Vec<String>,
}

/// The object the operations of one statement are about, when they all change one table or type; None for any other
/// operation (`DROP INDEX` and `ALTER INDEX` name an index, which only its definition links to a table).
fn object_of(ops: &[Op]) -> Option<Object> {
    let mut object = Object::default();
    let mut subject: Option<&str> = None;
    for op in ops {
        match &op.kind {
            OpKind::CreateTable {
                columns,
                constraints,
                ..
            } => {
                object.constrain(constraints);
                for column in columns {
                    object.constrain(&column.constraints);
                }
            }
            OpKind::AddColumn { column, .. } => object.constrain(&column.constraints),
            OpKind::AddConstraint { constraint, .. } => {
                object.constrain(std::slice::from_ref(constraint))
            }
            OpKind::CreateIndex(index) => object.defines.extend(index.name.clone()),
            OpKind::DropConstraint { name, .. } | OpKind::RenameConstraint { new: name, .. } => {
                object.defines.push(name.clone())
            }
            OpKind::RenameTable { new_name, .. } | OpKind::RenameType { new_name, .. } => {
                object.renamed_to = Some(new_name.clone())
            }
            _ => {}
        }
        // A type's statements, or one table's (DROP INDEX and ALTER INDEX name no table: `table()` is None).
        let name = match &op.kind {
            OpKind::CreateEnum { name, .. }
            | OpKind::AddEnumValue { name, .. }
            | OpKind::RenameEnumValue { name, .. }
            | OpKind::RenameType { name, .. }
            | OpKind::DropType { name } => name,
            kind => kind.table()?,
        };
        if subject.is_some_and(|s| s != name.name) {
            return None;
        }
        subject = Some(&name.name);
    }
    object.subject = subject?.to_string();
    Some(object)
}

impl Object {
    /// The names of constraints (and of the indexes PRIMARY KEY and UNIQUE adopt), and the tables foreign keys
    /// reference.
    fn constrain(&mut self, constraints: &[Constraint]) {
        for constraint in constraints {
            self.defines.extend(constraint.name.clone());
            match &constraint.kind {
                ConstraintKind::PrimaryKey { using_index, .. }
                | ConstraintKind::Unique { using_index, .. } => {
                    self.defines.extend(using_index.clone())
                }
                ConstraintKind::ForeignKey { ref_table, .. } => {
                    self.references.push(ref_table.name.clone())
                }
                _ => {}
            }
        }
    }
}

/// A statement of another shape, with the names in its `$$` bodies (a DO block's DDL).
fn other(src: &str, tokens: &[Token]) -> Shape {
    let (mut all_mentions, mut all_objects) = (Vec::new(), Vec::new());
    let complete = each_chunk(src, tokens, &mut |text, tokens| {
        all_mentions.extend(mentions(text, tokens));
        all_objects.extend(objects(text, tokens));
    });
    if !complete {
        return Shape::Unreadable;
    }
    Shape::Other {
        mentions: all_mentions,
        objects: all_objects,
        index_refs: index_refs(src, tokens),
    }
}

/// Existing indexes a DROP INDEX, ALTER INDEX or REINDEX INDEX names.
fn index_refs(src: &str, tokens: &[Token]) -> Vec<String> {
    let mut t = Cursor::at(src, tokens, 0);
    if !((t.eat("drop") || t.eat("alter") || t.eat("reindex")) && t.eat("index")) {
        return Vec::new();
    }
    t.eat("concurrently");
    if t.eat("if") {
        t.eat("exists");
    }
    t.comma_separated(|c| c.last_name())
}

/// For each file, for each statement (in `split` order): whether it must be parsed and replayed, given the shapes
/// [`file_shapes`] read from `texts`. Every statement of a reported file is needed.
pub fn needed(shapes: &[Vec<Shape>], texts: &[&str], report: &[bool]) -> Vec<Vec<bool>> {
    let everything = || shapes.iter().map(|s| vec![true; s.len()]).collect();
    if shapes
        .iter()
        .flatten()
        .any(|s| matches!(s, Shape::Unreadable))
    {
        return everything();
    }
    let links = Links::new(shapes, report);
    if !links.explains_index_lookups() {
        return everything();
    }
    let mut walk = Walk {
        links: &links,
        shapes,
        texts,
        needed: shapes
            .iter()
            .enumerate()
            .map(|(file, statements)| {
                let reported = report.get(file).copied().unwrap_or(false);
                statements
                    .iter()
                    .map(|s| reported || matches!(s, Shape::Other { .. }))
                    .collect()
            })
            .collect(),
        expanded: HashSet::new(),
        seen: HashSet::new(),
        seen_with_definitions: HashSet::new(),
        renamed: HashSet::new(),
        wanted: links.seeds.clone(),
        followed: Vec::new(),
    };
    walk.run();
    walk.needed
}

/// A statement: (file, index in the file).
type At = (usize, usize);

/// What links statements to names, built once from the shapes.
struct Links<'a> {
    /// Object statements by subject and rename target.
    by_subject: HashMap<&'a str, Vec<At>>,
    /// Object statements by the index and constraint names they define.
    by_definition: HashMap<&'a str, Vec<At>>,
    /// Renames by their old name.
    renames_of: HashMap<&'a str, Vec<At>>,
    /// Always-replayed statements of unreported files, by the object names they mention.
    others_mentioning: HashMap<&'a str, Vec<At>>,
    /// Every name a reported file mentions.
    seeds: Vec<(&'a str, bool)>,
    /// Indexes a reported file drops, alters or reindexes.
    index_lookups: Vec<&'a str>,
    /// Every index any statement drops, alters or reindexes: the names that may have been generated.
    index_refs: HashSet<&'a str>,
}

impl<'a> Links<'a> {
    fn new(shapes: &'a [Vec<Shape>], report: &[bool]) -> Self {
        let mut links = Links {
            by_subject: HashMap::new(),
            by_definition: HashMap::new(),
            renames_of: HashMap::new(),
            others_mentioning: HashMap::new(),
            seeds: Vec::new(),
            index_lookups: Vec::new(),
            index_refs: HashSet::new(),
        };
        let mut unreported_others: Vec<(At, &'a [String])> = Vec::new();
        let mut object_names: HashSet<&'a str> = HashSet::new();
        for (file, statements) in shapes.iter().enumerate() {
            let reported = report.get(file).copied().unwrap_or(false);
            for (index, statement) in statements.iter().enumerate() {
                match statement {
                    Shape::Object {
                        subject,
                        renamed_to,
                        defines,
                        ..
                    } => {
                        for name in std::iter::once(subject).chain(renamed_to) {
                            links
                                .by_subject
                                .entry(name)
                                .or_default()
                                .push((file, index));
                            object_names.insert(name);
                        }
                        for name in defines {
                            links
                                .by_definition
                                .entry(name)
                                .or_default()
                                .push((file, index));
                            object_names.insert(name);
                        }
                        if renamed_to.is_some() {
                            links
                                .renames_of
                                .entry(subject)
                                .or_default()
                                .push((file, index));
                        }
                    }
                    Shape::Other {
                        mentions,
                        objects,
                        index_refs,
                    } if reported => {
                        links
                            .seeds
                            .extend(mentions.iter().map(|m| (m.as_str(), true)));
                        links
                            .index_lookups
                            .extend(index_refs.iter().map(String::as_str));
                        links
                            .index_refs
                            .extend(index_refs.iter().map(String::as_str));
                        object_names.extend(objects.iter().map(String::as_str));
                    }
                    Shape::Other {
                        mentions,
                        objects,
                        index_refs,
                    } => {
                        unreported_others.push(((file, index), mentions));
                        links
                            .index_refs
                            .extend(index_refs.iter().map(String::as_str));
                        object_names.extend(objects.iter().map(String::as_str));
                    }
                    Shape::Data | Shape::Unreadable => {}
                }
            }
        }
        // An always-replayed statement links only through object names: keywords and column names it shares with
        // a reported file are not links.
        for (at, mentions) in unreported_others {
            for name in mentions
                .iter()
                .filter(|m| object_names.contains(m.as_str()))
            {
                links.others_mentioning.entry(name).or_default().push(at);
            }
        }
        links
    }

    /// Tables whose name and `_` start this name: where an index with a generated name (`Post_authorId_idx`) is.
    fn table_prefixes(&self, name: &'a str) -> impl Iterator<Item = &'a str> + '_ {
        name.match_indices('_')
            .map(move |(at, _)| &name[..at])
            .filter(|prefix| self.by_subject.contains_key(prefix))
    }

    /// Every index a reported file names is found: by a statement that defines or mentions it, or by its generated
    /// name. If not, the walk cannot tell which table it is on.
    fn explains_index_lookups(&self) -> bool {
        self.index_lookups.iter().all(|&index| {
            self.by_definition.contains_key(index)
                || self.others_mentioning.contains_key(index)
                || self.table_prefixes(index).next().is_some()
        })
    }
}

/// The walk from the reported files' names to every statement they need.
struct Walk<'l, 'a> {
    links: &'l Links<'a>,
    shapes: &'a [Vec<Shape>],
    texts: &'l [&'l str],
    needed: Vec<Vec<bool>>,
    /// Statements whose names were followed (a rename needed only as a rename is not, until wanted whole).
    expanded: HashSet<At>,
    seen: HashSet<&'a str>,
    seen_with_definitions: HashSet<&'a str>,
    renamed: HashSet<&'a str>,
    /// Names whose history is needed; `true`: the statements defining an index of that name too.
    wanted: Vec<(&'a str, bool)>,
    /// Referenced tables whose renames are needed.
    followed: Vec<&'a str>,
}

impl<'a> Walk<'_, 'a> {
    fn run(&mut self) {
        loop {
            if let Some((name, definitions_too)) = self.wanted.pop() {
                self.want(name, definitions_too);
            } else if let Some(name) = self.followed.pop() {
                self.follow_renames(name);
            } else {
                break;
            }
        }
    }

    fn want(&mut self, name: &'a str, definitions_too: bool) {
        let links = self.links;
        let first = self.seen.insert(name);
        let first_with_definitions = definitions_too && self.seen_with_definitions.insert(name);
        // A dropped or altered index that no statement names may have a generated name (snake_case column names
        // are not taken for one).
        if first_with_definitions && links.index_refs.contains(name) {
            self.wanted
                .extend(links.table_prefixes(name).map(|table| (table, true)));
        }
        // An always-replayed statement that names a wanted name (`ALTER INDEX a RENAME TO b`, a DO block that
        // renames a table) links the other names it mentions to it.
        let others = links.others_mentioning.get(name).filter(|_| first);
        for &at in others.into_iter().flatten() {
            if self.expanded.insert(at) {
                if let Shape::Other { mentions, .. } = &self.shapes[at.0][at.1] {
                    self.wanted
                        .extend(mentions.iter().map(|m| (m.as_str(), true)));
                }
            }
        }
        let by_subject = links.by_subject.get(name).filter(|_| first);
        let by_definition = links
            .by_definition
            .get(name)
            .filter(|_| first_with_definitions);
        for &at in by_subject.into_iter().chain(by_definition).flatten() {
            self.needed[at.0][at.1] = true;
            if self.expanded.insert(at) {
                self.expand_object(at);
            }
        }
    }

    /// A needed object statement: every name it mentions is wanted, but of the tables its foreign keys reference
    /// only the renames.
    fn expand_object(&mut self, (file, index): At) {
        let Shape::Object {
            references,
            span,
            mentions,
            ..
        } = &self.shapes[file][index]
        else {
            return;
        };
        let mentions = mentions.get_or_init(|| {
            let text = self
                .texts
                .get(file)
                .and_then(|t| t.get(span.clone()))
                .unwrap_or("");
            split(text)
                .statements
                .iter()
                .flat_map(|s| self::mentions(text, &s.tokens))
                .collect()
        });
        let linked = mentions.iter().filter(|m| !references.contains(m));
        self.wanted.extend(linked.map(|m| (m.as_str(), true)));
        self.followed.extend(references.iter().map(String::as_str));
    }

    fn follow_renames(&mut self, name: &'a str) {
        if !self.renamed.insert(name) {
            return;
        }
        let links = self.links;
        // A rename inside an always-replayed statement (a DO block) is followed too.
        for &(file, index) in links.others_mentioning.get(name).into_iter().flatten() {
            if let Shape::Other { objects, .. } = &self.shapes[file][index] {
                self.followed.extend(objects.iter().map(String::as_str));
            }
        }
        for &(file, index) in links.renames_of.get(name).into_iter().flatten() {
            self.needed[file][index] = true;
            if let Shape::Object {
                renamed_to: Some(to),
                ..
            } = &self.shapes[file][index]
            {
                self.followed.push(to);
            }
        }
    }
}

/// Words after which a statement names an object.
const OBJECT_POSITIONS: &[&str] = &[
    "table",
    "index",
    "type",
    "on",
    "references",
    "to",
    "view",
    "sequence",
    "into",
    "from",
    "update",
    "constraint",
];

/// Words that follow such a word where no name does (`ON DELETE CASCADE`, `ON UPDATE SET NULL`).
const NOT_NAMES: &[&str] = &[
    "delete", "update", "cascade", "restrict", "set", "no", "action", "null", "default",
];

/// Words that may stand between such a word and the name.
const NAME_PREFIXES: &[&str] = &["if", "not", "exists", "only", "concurrently", "unique"];

/// The names in object positions of one statement's tokens: the last part of each (possibly schema-qualified) name.
fn objects(src: &str, tokens: &[Token]) -> Vec<String> {
    let mut out = Vec::new();
    let mut t = Cursor::at(src, tokens, 0);
    while let Some(token) = tokens.get(t.pos) {
        t.pos += 1;
        if OBJECT_POSITIONS.iter().any(|w| token.is_word(src, w)) {
            while NAME_PREFIXES.iter().any(|w| t.eat(w)) {}
            let at = t.pos;
            let keyword = tokens
                .get(at)
                .is_some_and(|n| NOT_NAMES.iter().any(|w| n.is_word(src, w)));
            match t.last_name().filter(|_| !keyword) {
                Some(name) => out.push(name),
                None => t.pos = at,
            }
        }
    }
    out
}

/// `$$` bodies nested deeper than this are not read (a DO block in a DO block is already rare).
const MAX_BODY_DEPTH: usize = 8;

/// Calls `f` with a statement's tokens and those of every statement in its `$$` bodies, without recursion. False
/// when bodies nest deeper than [`MAX_BODY_DEPTH`]: what they name is then unknown.
fn each_chunk<'s>(src: &'s str, tokens: &[Token], f: &mut impl FnMut(&'s str, &[Token])) -> bool {
    let bodies = |text: &'s str, tokens: &[Token], depth: usize| -> Vec<(&'s str, usize)> {
        tokens
            .iter()
            .filter(|t| t.kind == TokenKind::DollarString)
            .filter_map(|t| dollar_body(t.text(text)))
            .map(|body| (body, depth))
            .collect()
    };
    f(src, tokens);
    let mut pending = bodies(src, tokens, 1);
    while let Some((body, depth)) = pending.pop() {
        if depth > MAX_BODY_DEPTH {
            return false;
        }
        for statement in split(body).statements {
            f(body, &statement.tokens);
            pending.extend(bodies(body, &statement.tokens, depth + 1));
        }
    }
    true
}

/// The text between the delimiters of a `$tag$ ... $tag$` string.
fn dollar_body(text: &str) -> Option<&str> {
    let tag = text.get(1..)?.find('$')?;
    text.get(tag + 2..text.len().saturating_sub(tag + 2))
}

/// Every identifier value in one statement's tokens (not inside its strings).
fn mentions(src: &str, tokens: &[Token]) -> Vec<String> {
    tokens
        .iter()
        .filter(|t| !is_reserved(src, t))
        .filter_map(|t| ident_value(t, src))
        .collect()
}

/// PostgreSQL's fully reserved key words (Appendix C of its manual): no table or type can be named one unquoted,
/// so they never link statements, and leaving them out saves most of the work of reading names.
const RESERVED: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "both",
    "case",
    "cast",
    "check",
    "collate",
    "column",
    "constraint",
    "create",
    "current_catalog",
    "current_date",
    "current_role",
    "current_time",
    "current_timestamp",
    "current_user",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "false",
    "fetch",
    "for",
    "foreign",
    "from",
    "grant",
    "group",
    "having",
    "in",
    "initially",
    "intersect",
    "into",
    "lateral",
    "leading",
    "limit",
    "localtime",
    "localtimestamp",
    "not",
    "null",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "placing",
    "primary",
    "references",
    "returning",
    "select",
    "session_user",
    "some",
    "symmetric",
    "system_user",
    "table",
    "then",
    "to",
    "trailing",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "variadic",
    "when",
    "where",
    "window",
    "with",
];

fn is_reserved(src: &str, token: &Token) -> bool {
    token.kind == TokenKind::Word && {
        let word = token.text(src);
        RESERVED.iter().any(|k| k.eq_ignore_ascii_case(word))
    }
}

/// Names as relevance reads them: only the last part of a qualified name links statements.
trait ReadNames {
    /// A possibly schema-qualified name; its last part.
    fn last_name(&mut self) -> Option<String>;
}

impl ReadNames for Cursor<'_> {
    fn last_name(&mut self) -> Option<String> {
        let mut last = self.ident()?;
        while self.eat_punct(".") {
            last = self.ident()?;
        }
        Some(last)
    }
}

/// Whether a word gives a table or type another source of columns, another identity or another schema than its own
/// statements do (`LIKE`, `INHERITS`, `PARTITION`, `ATTACH`, `SCHEMA`, `OF`, ...).
fn has_foreign_shape(src: &str, tokens: &[Token]) -> bool {
    // Every token of every file passes here in a one-file run: one lower-casing and one match per word.
    let mut lower = [0u8; 9];
    tokens.iter().any(|t| {
        let text = t.text(src).as_bytes();
        let Some(word) = lower.get_mut(..text.len()) else {
            return false;
        };
        if t.kind != TokenKind::Word {
            return false;
        }
        word.copy_from_slice(text);
        word.make_ascii_lowercase();
        matches!(
            &*word,
            b"like"
                | b"inherits"
                | b"inherit"
                | b"partition"
                | b"attach"
                | b"detach"
                | b"schema"
                | b"of"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shapes(text: &str) -> Vec<Shape> {
        file_shapes(text, false)
    }

    /// Subject, rename target and referenced tables of an object statement.
    type Linked = (String, Option<String>, Vec<String>);

    /// Subject, rename target and references of each statement; None for other shapes.
    fn objects(text: &str) -> Vec<Option<Linked>> {
        shapes(text)
            .into_iter()
            .map(|s| match s {
                Shape::Object {
                    subject,
                    renamed_to,
                    references,
                    ..
                } => Some((subject, renamed_to, references)),
                _ => None,
            })
            .collect()
    }

    fn object(subject: &str, renamed_to: Option<&str>, references: &[&str]) -> Option<Linked> {
        Some((
            subject.into(),
            renamed_to.map(Into::into),
            references.iter().map(|r| r.to_string()).collect(),
        ))
    }

    fn needed_of(files: &[&str], report: &[bool]) -> Vec<Vec<bool>> {
        let all: Vec<Vec<Shape>> = files
            .iter()
            .zip(report)
            .map(|(f, r)| file_shapes(f, *r))
            .collect();
        needed(&all, files, report)
    }

    #[test]
    fn statements_about_one_table_or_type_have_it_as_subject() {
        let text = r#"
            CREATE TABLE "Post" ("id" TEXT NOT NULL, "authorId" TEXT, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));
            CREATE UNIQUE INDEX "Post_slug_key" ON "Post"("slug");
            ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "public"."User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
            ALTER TABLE "Old" RENAME TO "New";
            ALTER TABLE "Post" RENAME COLUMN "a" TO "b";
            ALTER TABLE "Post" DROP CONSTRAINT "Post_authorId_fkey";
            DROP TABLE "Post";
            CREATE TYPE "Role" AS ENUM ('A', 'B');
            ALTER TYPE "Role" ADD VALUE 'C';
            DROP TYPE "Role_old";
        "#;
        assert_eq!(
            objects(text),
            vec![
                object("Post", None, &[]),
                object("Post", None, &[]),
                object("Post", None, &["User"]),
                object("Old", Some("New"), &[]),
                object("Post", None, &[]),
                object("Post", None, &[]),
                object("Post", None, &[]),
                object("Role", None, &[]),
                object("Role", None, &[]),
                object("Role_old", None, &[]),
            ]
        );
    }

    #[test]
    fn statements_beyond_the_shapes_prisma_writes_are_always_replayed() {
        let text = r#"
            CREATE INDEX ON public."Post" USING btree ("authorId");
            ALTER TABLE IF EXISTS ONLY "Old" RENAME TO "New";
            CREATE TABLE "Post" ("u" TEXT REFERENCES "User"("id"));
            ALTER TABLE "Post" ADD COLUMN "a" TEXT, DROP INDEX "i";
        "#;
        assert!(
            shapes(text)
                .iter()
                .all(|s| matches!(s, Shape::Other { .. })),
            "{:?}",
            shapes(text)
        );
    }

    #[test]
    fn index_and_constraint_names_are_what_the_operations_name() {
        let defined = |text: &str| match shapes(text).remove(0) {
            Shape::Object { defines, .. } => defines,
            shape => panic!("{shape:?}"),
        };
        assert_eq!(defined("CREATE UNIQUE INDEX \"i\" ON \"T\"(\"a\");"), ["i"]);
        assert_eq!(
            defined(
                "CREATE TABLE \"T\" (\"id\" TEXT, CONSTRAINT \"T_pkey\" PRIMARY KEY (\"id\"));"
            ),
            ["T_pkey"]
        );
        assert_eq!(
            defined("ALTER TABLE \"T\" DROP CONSTRAINT \"T_a_fkey\";"),
            ["T_a_fkey"]
        );
        assert_eq!(
            defined("ALTER TABLE \"T\" RENAME CONSTRAINT \"a\" TO \"b\";"),
            ["b"]
        );
        assert_eq!(
            defined("ALTER TABLE \"T\" ADD CONSTRAINT \"T_a_fkey\" FOREIGN KEY (\"a\") REFERENCES \"U\"(\"id\") ON DELETE RESTRICT ON UPDATE CASCADE;"),
            ["T_a_fkey"]
        );
        assert_eq!(
            defined("ALTER TABLE \"T\" RENAME COLUMN \"a\" TO \"b\";"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn an_always_replayed_statement_is_linked_by_the_names_in_object_positions() {
        let objects_of = |text: &str| {
            let statement = &split(text).statements[0];
            match other(text, &statement.tokens) {
                Shape::Other { objects, .. } => objects,
                shape => panic!("{shape:?}"),
            }
        };
        assert_eq!(
            objects_of("DO $$ BEGIN ALTER TABLE IF EXISTS public.\"A\" RENAME TO \"B\"; END $$;"),
            ["A", "B"]
        );
        assert_eq!(
            objects_of("DROP INDEX CONCURRENTLY IF EXISTS \"public\".\"i\";"),
            ["i"]
        );
        assert_eq!(
            objects_of("ALTER TABLE \"A\" ADD CONSTRAINT \"f\" FOREIGN KEY (\"x\") REFERENCES \"B\"(\"id\") ON DELETE CASCADE ON UPDATE SET NULL;"),
            ["A", "f", "B"]
        );
    }

    #[test]
    fn other_shapes_are_always_replayed_with_every_name_they_mention() {
        let text = r#"
            CREATE TABLE "Copy" (LIKE "Post");
            CREATE TABLE "Part" PARTITION OF "Post" FOR VALUES IN (1);
            CREATE TABLE "T" AS SELECT * FROM "Post";
            ALTER TABLE "Post" SET SCHEMA archive;
            ALTER TYPE "Role" SET SCHEMA archive;
            DROP INDEX "Post_slug_key";
            DROP TABLE "A", "B";
            DO $$ BEGIN ALTER TABLE "A" RENAME TO "B"; END $$;
        "#;
        let shapes = shapes(text);
        assert!(
            shapes.iter().all(|s| matches!(s, Shape::Other { .. })),
            "{shapes:?}"
        );
        let Shape::Other { mentions, .. } = &shapes[7] else {
            unreachable!()
        };
        assert!(
            mentions.contains(&"A".to_string()) && mentions.contains(&"B".to_string()),
            "{mentions:?}"
        );
    }

    #[test]
    fn bodies_nested_too_deep_to_read_replay_everything() {
        let open: String = (0..MAX_BODY_DEPTH + 2)
            .map(|i| format!("$t{i}$ "))
            .collect();
        let close: String = (0..MAX_BODY_DEPTH + 2)
            .rev()
            .map(|i| format!(" $t{i}$"))
            .collect();
        let files = [
            format!("DO {open}ALTER TABLE \"A\" RENAME TO \"B\";{close};"),
            "CREATE TABLE \"C\" (\"id\" TEXT);".to_string(),
            "ALTER TABLE \"B\" ADD COLUMN \"x\" TEXT;".to_string(),
        ];
        let files: Vec<&str> = files.iter().map(String::as_str).collect();
        assert!(matches!(shapes(files[0])[0], Shape::Unreadable));
        assert_eq!(
            needed_of(&files, &[false, false, true]),
            vec![vec![true], vec![true], vec![true]]
        );
    }

    /// Past 64 KiB a data statement keeps only its outer words: the names in its subqueries are unknown, so a
    /// reported file holding one replays everything, and the cache restores everything for it.
    #[test]
    fn a_thinned_statement_replays_everything() {
        let rows = vec!["('a')"; 20_000].join(", ");
        let files = [
            "CREATE TABLE \"A\" (\"x\" TEXT);".to_string(),
            "CREATE TABLE \"B\" (\"x\" TEXT);".to_string(),
            format!(
                "INSERT INTO \"A\" SELECT * FROM (VALUES {rows}) AS v (\"x\") WHERE v.\"x\" IN (SELECT \"x\" FROM \"B\");"
            ),
        ];
        let files: Vec<&str> = files.iter().map(String::as_str).collect();
        assert_eq!(
            needed_of(&files, &[false, false, true]),
            vec![vec![true], vec![true], vec![true]]
        );
        assert_eq!(file_mentions(files[2]), None);
    }

    #[test]
    fn data_statements_are_never_needed() {
        assert_eq!(
            shapes(
                "INSERT INTO \"Post\" VALUES (1); DELETE FROM \"Post\"; UPDATE \"Post\" SET a = 1;"
            ),
            vec![Shape::Data, Shape::Data, Shape::Data]
        );
    }

    /// The reported file changes Post, which was Old, whose status column has type Status, and whose foreign key
    /// references User; Tag is unrelated.
    #[test]
    fn needed_follows_subjects_renames_and_column_types() {
        let files = [
            "CREATE TABLE \"User\" (\"id\" TEXT);\nCREATE TABLE \"Tag\" (\"id\" TEXT);\nCREATE TYPE \"Status\" AS ENUM ('A');\nCREATE TABLE \"Old\" (\"id\" TEXT, \"status\" \"Status\");",
            "ALTER TABLE \"Old\" RENAME TO \"Post\";\nCREATE INDEX \"Tag_idx\" ON \"Tag\"(\"id\");\nALTER TYPE \"Status\" ADD VALUE 'B';",
            "ALTER TABLE \"Post\" ADD CONSTRAINT \"fk\" FOREIGN KEY (\"u\") REFERENCES \"User\"(\"id\");\nINSERT INTO \"Tag\" VALUES ('x');",
            "ALTER TABLE \"Post\" ADD COLUMN \"x\" TEXT;",
        ];
        assert_eq!(
            needed_of(&files, &[false, false, false, true]),
            vec![
                // Not User (only its renames matter to Post's key), not Tag; Status (Old's column) and Old.
                vec![false, false, true, true],
                // The rename to Post and Status's new value, not Tag's index.
                vec![true, false, true],
                // Post's foreign key; the INSERT changes no catalog entry.
                vec![true, false],
                vec![true],
            ]
        );
    }

    #[test]
    fn renames_of_a_referenced_table_are_followed() {
        let files = [
            "CREATE TABLE \"User\" (\"id\" TEXT);\nALTER TABLE \"Post\" ADD CONSTRAINT \"Post_u_fkey\" FOREIGN KEY (\"u\") REFERENCES \"User\"(\"id\");",
            "ALTER TABLE \"User\" RENAME TO \"Account\";\nALTER TABLE \"Account\" ADD COLUMN \"x\" TEXT;",
            "ALTER TABLE \"Account\" RENAME TO \"Member\";",
            "ALTER TABLE \"Post\" ADD COLUMN \"y\" TEXT;",
        ];
        assert_eq!(
            needed_of(&files, &[false, false, false, true]),
            vec![vec![false, true], vec![true, false], vec![true], vec![true]]
        );
    }

    #[test]
    fn the_table_of_an_index_a_reported_file_names_is_needed() {
        let files = [
            "CREATE TABLE \"Tag\" (\"id\" TEXT, CONSTRAINT \"Tag_pkey\" PRIMARY KEY (\"id\"));\nCREATE TABLE \"Other\" (\"id\" TEXT);",
            "CREATE INDEX \"Tag_idx\" ON \"Tag\"(\"id\");\nCREATE INDEX \"Other_id_idx\" ON \"Other\"(\"id\");",
            "DROP INDEX CONCURRENTLY IF EXISTS \"Tag_idx\";",
        ];
        let report = [false, false, true];
        assert_eq!(
            needed_of(&files, &report),
            vec![vec![true, false], vec![true, false], vec![true]]
        );
        // Backing a constraint: defined by the CONSTRAINT clause.
        let files = [
            files[0],
            files[1],
            "ALTER INDEX \"Tag_pkey\" RENAME TO \"Label_pkey\";",
        ];
        assert_eq!(
            needed_of(&files, &report),
            vec![vec![true, false], vec![true, false], vec![true]]
        );
        // A generated name is found by its table's name.
        let files = [files[0], files[1], "DROP INDEX \"Other_1_idx\";"];
        assert_eq!(
            needed_of(&files, &report),
            vec![vec![false, true], vec![false, true], vec![true]]
        );
        // A name nothing explains: everything is replayed.
        let files = [files[0], files[1], "DROP INDEX \"mystery\";"];
        assert_eq!(
            needed_of(&files, &report),
            vec![vec![true, true], vec![true, true], vec![true]]
        );
    }

    #[test]
    fn a_rename_first_needed_as_a_rename_is_followed_once_its_table_is_needed_whole() {
        // Post references User; the reported file also names User, so User's new name matters too.
        let files = [
            "CREATE TABLE \"Post\" (\"u\" TEXT REFERENCES \"User\"(\"id\"));",
            "ALTER TABLE \"User\" RENAME TO \"Account\";",
            "CREATE INDEX \"Account_idx\" ON \"Account\"(\"id\");",
            "ALTER TABLE \"Post\" ADD COLUMN \"x\" TEXT;\nUPDATE \"User\" SET \"id\" = '1';",
        ];
        assert_eq!(
            needed_of(&files, &[false, false, false, true]),
            vec![vec![true], vec![true], vec![true], vec![true, true]]
        );
    }

    #[test]
    fn an_index_dropped_in_the_history_does_not_make_its_table_needed() {
        let files = [
            "CREATE TABLE \"Tag\" (\"id\" TEXT);\nCREATE INDEX \"Tag_idx\" ON \"Tag\"(\"id\");",
            "DROP INDEX \"Tag_idx\";",
            "CREATE TABLE \"Post\" (\"id\" TEXT);",
        ];
        assert_eq!(
            needed_of(&files, &[false, false, true]),
            vec![vec![false, false], vec![true], vec![true]]
        );
    }

    #[test]
    fn an_index_renamed_in_the_history_links_its_old_name() {
        let files = [
            "CREATE TABLE \"Tag\" (\"id\" TEXT, CONSTRAINT \"Tag_pkey\" PRIMARY KEY (\"id\"));",
            "ALTER INDEX \"Tag_pkey\" RENAME TO \"Label_pkey\";\nCREATE TABLE \"Other\" (\"id\" TEXT);",
            "DROP INDEX \"Label_pkey\";",
        ];
        assert_eq!(
            needed_of(&files, &[false, false, true]),
            vec![vec![true], vec![true, false], vec![true]]
        );
    }

    #[test]
    fn always_replayed_statements_make_the_names_they_mention_needed() {
        let files = [
            "CREATE TABLE \"A\" (\"id\" TEXT);",
            "DO $$ BEGIN ALTER TABLE \"A\" RENAME TO \"B\"; END $$;",
            "ALTER TABLE \"B\" ADD COLUMN \"x\" TEXT;",
        ];
        assert_eq!(
            needed_of(&files, &[false, false, true]),
            vec![vec![true], vec![true], vec![true]]
        );
    }
}
