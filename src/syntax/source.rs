//! A migration file's text and the mapping from byte offsets to 1-based line/column.

use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Where the file is on disk.
    pub path: PathBuf,
    /// The path as shown to the user (as given, or relative to the working directory).
    pub display: String,
    /// The migration's name (its folder name, or the file stem for flat `*.sql` folders).
    pub migration: String,
    pub text: String,
    /// A migration that a source of applied migrations knows but that is not on disk (deleted or renamed): it has no
    /// text, and findings on it have no line.
    pub missing: bool,
    /// Computed on first use: most files of a long history are replayed but never reported on.
    line_starts: std::sync::OnceLock<Vec<usize>>,
}

impl SourceFile {
    pub fn new(path: PathBuf, display: String, migration: String, text: String) -> Self {
        SourceFile {
            path,
            display,
            migration,
            text,
            missing: false,
            line_starts: std::sync::OnceLock::new(),
        }
    }

    /// This file with its line starts already known (the Prisma schema reader notes them as it reads): the byte
    /// offset of each line, as [`SourceFile::line_starts`] finds them.
    pub fn with_line_starts(self, starts: Vec<usize>) -> Self {
        let _ = self.line_starts.set(starts);
        self
    }

    /// A placeholder for an applied migration that is not on disk, so findings about it have a file to point at.
    pub fn missing(path: PathBuf, display: String, migration: String) -> Self {
        SourceFile {
            missing: true,
            ..SourceFile::new(path, display, migration, String::new())
        }
    }

    /// Byte span of a 1-based line, without its line break (clamped to the last line).
    pub fn line_span(&self, line: usize) -> std::ops::Range<usize> {
        let line_starts = self.line_starts();
        self.line_range(line.clamp(1, line_starts.len()) - 1)
            .unwrap_or(0..0)
    }

    /// The 0-based index of the line holding a byte offset (offsets past the end are on the last line).
    pub fn line_index(&self, offset: usize) -> usize {
        self.line_starts().partition_point(|&s| s <= offset).max(1) - 1
    }

    /// Byte span of a 0-based line, without its line break; `None` past the last line.
    pub fn line_range(&self, index: usize) -> Option<std::ops::Range<usize>> {
        let start = *self.line_starts().get(index)?;
        let end = memchr::memchr2(b'\n', b'\r', &self.text.as_bytes()[start..])
            .map_or(self.text.len(), |i| start + i);
        Some(start..end)
    }

    /// 1-based line and column (in characters) of a byte offset; offsets past the end clamp to the end.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let line_starts = self.line_starts();
        let line = line_starts.partition_point(|&s| s <= offset).max(1) - 1;
        let start = line_starts[line];
        let col = self.text[start..offset]
            .chars()
            // A carriage return or byte-order mark takes no column in an editor.
            .filter(|&c| c != '\r' && c != '\u{feff}')
            .count();
        (line + 1, col + 1)
    }

    /// The byte offset of each line: 0, and each offset after a line break (`\n`, `\r\n` or a lone `\r`).
    pub fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            // memchr's vector search: a report can need every line of a corpus, and `match_indices` stops per line.
            // A lone CR is a line break too (old Mac files, and PostgreSQL ends a `--` comment there); CRLF is one.
            let bytes = self.text.as_bytes();
            std::iter::once(0)
                .chain(
                    memchr::memchr2_iter(b'\n', b'\r', bytes)
                        .filter(|&i| bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n'))
                        .map(|i| i + 1),
                )
                .collect()
        })
    }

    pub fn slice(&self, span: &std::ops::Range<usize>) -> &str {
        self.text.get(span.clone()).unwrap_or("")
    }
}

/// The largest char boundary at or below `i` (std's version is not stable on our MSRV).
pub fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new("m.sql".into(), "m.sql".into(), "m".into(), text.into())
    }

    #[test]
    fn line_span_excludes_the_line_break() {
        let f = file("ab\r\ncd\nef");
        assert_eq!(f.slice(&f.line_span(1)), "ab");
        assert_eq!(f.slice(&f.line_span(2)), "cd");
        assert_eq!(f.slice(&f.line_span(3)), "ef");
        assert_eq!(f.slice(&f.line_span(9)), "ef");
        assert_eq!(file("").line_span(1), 0..0);
    }

    #[test]
    fn lines_and_columns_are_one_based() {
        let f = file("ab\ncd\n");
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(1), (1, 2));
        assert_eq!(f.line_col(3), (2, 1));
        assert_eq!(f.line_col(6), (3, 1));
    }

    #[test]
    fn crlf_counts_one_line_per_break() {
        let f = file("a\r\nbc\r\nd");
        assert_eq!(f.line_col(3), (2, 1));
        assert_eq!(f.line_col(4), (2, 2));
        assert_eq!(f.line_col(7), (3, 1));
    }

    #[test]
    fn columns_count_characters_and_offsets_clamp() {
        let f = file("é x");
        assert_eq!(f.line_col(3), (1, 3));
        assert_eq!(f.line_col(1), (1, 1), "inside a char rounds down");
        assert_eq!(f.line_col(999), (1, 4));
    }

    #[test]
    fn a_byte_order_mark_or_carriage_return_takes_no_column() {
        let f = file("\u{feff}ab\r\ncd\u{feff}e");
        assert_eq!(f.line_col(3), (1, 1), "after the mark");
        assert_eq!(f.line_col(4), (1, 2));
        assert_eq!(f.line_col(6), (1, 3), "the CR of a CRLF");
        assert_eq!(f.line_col(12), (2, 3), "after a mark inside the line");
    }
}
