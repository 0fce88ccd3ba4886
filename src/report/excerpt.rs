//! What a human-readable finding shows of its file: the span's lines, each long one cut to a window around the span
//! (as rustc and ruff do), so 200 findings on a 1 MB line print a few KB each, not the whole line each time.

use std::ops::Range;

use codespan_reporting::files::{Error, Files};

use crate::syntax::source::{floor_char_boundary, SourceFile};

/// Lines up to this many bytes (longer than any in the corpus) are shown whole; a longer one is cut to this many
/// bytes around the span.
const WIDTH: usize = 640;
/// How much of a cut line is kept before the span.
const BEFORE: usize = 80;

/// `text` with each character a terminal would act on ([`super::unsafe_on_terminal`]) replaced by a `?` per byte,
/// so every byte offset still points where it did; `None` when there is none. Line breaks stay: a shown line never
/// holds one.
pub fn shown_text(text: &str) -> Option<String> {
    let keep = |c: char| matches!(c, '\t' | '\n' | '\r') || !super::unsafe_on_terminal(c);
    if !super::any_unsafe(text, true, |c| !keep(c)) {
        return None;
    }
    Some(
        text.chars()
            .map(|c| match keep(c) {
                true => c.to_string(),
                false => "?".repeat(c.len_utf8()),
            })
            .collect(),
    )
}

/// One file seen through one finding's span, for codespan-reporting.
pub struct Excerpt<'a> {
    file: &'a SourceFile,
    /// The file's text as shown: [`shown_text`]'s when the file holds what a terminal would act on.
    text: &'a str,
    /// The file's path, control characters escaped ([`super::escape_controls`]).
    name: String,
    start_line: usize,
    end_line: usize,
    label: Range<usize>,
}

impl<'a> Excerpt<'a> {
    /// `shown` is the file's text to print, byte for byte as long as it ([`shown_text`]).
    pub fn new(file: &'a SourceFile, shown: &'a str, span: Range<usize>) -> Self {
        let text = &file.text;
        let start = floor_char_boundary(text, span.start);
        let end = floor_char_boundary(text, span.end.max(start));
        let mut excerpt = Excerpt {
            file,
            text: if shown.len() == text.len() {
                shown
            } else {
                text
            },
            name: super::escape_controls(&file.display).into_owned(),
            start_line: file.line_index(start),
            end_line: file.line_index(end),
            label: start..end,
        };
        if excerpt.start_line == excerpt.end_line {
            // A span longer than the window is underlined as far as the window goes.
            let shown = excerpt.window(excerpt.start_line).unwrap_or(0..0);
            excerpt.label.end = end.min(shown.end).max(start);
        }
        excerpt
    }

    /// The span to underline: the finding's span, cut at the window's end when it is longer.
    pub fn label(&self) -> Range<usize> {
        self.label.clone()
    }

    /// The shown part of a line: all of it when short, else a window around where the span starts (on its first
    /// line) or ends (on its last), or the line's start.
    fn window(&self, index: usize) -> Option<Range<usize>> {
        let line = self.file.line_range(index)?;
        if line.len() <= WIDTH {
            return Some(line);
        }
        let text = &self.file.text;
        let anchor = if index == self.start_line {
            self.label.start
        } else if index == self.end_line {
            self.label.end.saturating_sub(WIDTH - BEFORE)
        } else {
            line.start
        };
        let start = floor_char_boundary(text, anchor.saturating_sub(BEFORE).max(line.start));
        let end = floor_char_boundary(text, (start + WIDTH).min(line.end));
        Some(start..end)
    }
}

impl<'a> Files<'a> for Excerpt<'_> {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, (): ()) -> Result<&'a str, Error> {
        Ok(&self.name)
    }

    fn source(&'a self, (): ()) -> Result<&'a str, Error> {
        Ok(self.text)
    }

    fn line_index(&'a self, (): (), byte_index: usize) -> Result<usize, Error> {
        Ok(self.file.line_index(byte_index))
    }

    fn line_range(&'a self, (): (), line_index: usize) -> Result<Range<usize>, Error> {
        self.window(line_index).ok_or(Error::LineTooLarge {
            given: line_index,
            max: self.file.line_index(usize::MAX),
        })
    }

    /// Counted from the line's real start, not the window's.
    fn column_number(
        &'a self,
        (): (),
        line_index: usize,
        byte_index: usize,
    ) -> Result<usize, Error> {
        let line = self.file.line_range(line_index).unwrap_or(0..0);
        let end = floor_char_boundary(&self.file.text, byte_index.clamp(line.start, line.end));
        Ok(self.file.text[line.start..end].chars().count() + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new("m.sql".into(), "m.sql".into(), "m".into(), text.to_string())
    }

    #[test]
    fn a_short_line_is_shown_whole() {
        let f = file("SELECT 1;\nDROP TABLE x;\n");
        let e = Excerpt::new(&f, &f.text, 10..23);
        assert_eq!(e.line_range((), 1).unwrap(), 10..23);
        assert_eq!(e.label(), 10..23);
        assert_eq!(e.column_number((), 1, 15).unwrap(), 6);
    }

    #[test]
    fn a_long_line_is_cut_around_the_span_and_columns_stay_real() {
        let text = format!("{}DROP TABLE x;{}", "é".repeat(10_000), " ".repeat(10_000));
        let f = file(&text);
        let at = text.find("DROP").unwrap();
        let e = Excerpt::new(&f, &f.text, at..text.len());
        let shown = e.line_range((), 0).unwrap();
        assert!(shown.len() <= WIDTH && shown.start <= at && at - shown.start <= BEFORE);
        assert!(text.is_char_boundary(shown.start) && text.is_char_boundary(shown.end));
        assert_eq!(e.label(), at..shown.end);
        assert_eq!(e.column_number((), 0, at).unwrap(), 10_001);
    }

    #[test]
    fn a_span_over_long_lines_shows_its_start_and_its_end() {
        let long = "x".repeat(5_000);
        let text = format!("{long}\n{long}\n{long}");
        let f = file(&text);
        let (start, end) = (4_000, 5_001 + 5_001 + 3_000);
        let e = Excerpt::new(&f, &f.text, start..end);
        assert_eq!(e.label(), start..end);
        let first = e.line_range((), 0).unwrap();
        assert!(first.contains(&start) && first.len() <= WIDTH);
        let last = e.line_range((), 2).unwrap();
        assert!(last.start <= end && end <= last.end && last.len() <= WIDTH);
        assert!(e.line_range((), 1).unwrap().len() <= WIDTH);
        assert!(e.line_range((), 3).is_err());
    }
}
