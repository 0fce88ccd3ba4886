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
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub fn new(path: PathBuf, display: String, migration: String, text: String) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile {
            path,
            display,
            migration,
            text,
            line_starts,
        }
    }

    /// 1-based line and column (in characters) of a byte offset; offsets past the end clamp to the end.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let line = self.line_starts.partition_point(|&s| s <= offset).max(1) - 1;
        let start = self.line_starts[line];
        let col = self.text[start..offset]
            .chars()
            // A carriage return or byte-order mark takes no column in an editor.
            .filter(|&c| c != '\r' && c != '\u{feff}')
            .count();
        (line + 1, col + 1)
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
}
