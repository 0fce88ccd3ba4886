//! Rendering of lint results: human (codespan-reporting) and JSON.

mod human;
mod json;

pub use human::{render_human, render_suggestion};
pub use json::render_json;

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::SourceFile;

/// Everything a renderer needs: the files (diagnostics index into them) and what was found.
pub struct Report<'a> {
    pub files: &'a [SourceFile],
    pub diagnostics: &'a [Diagnostic],
    pub statements: usize,
    pub unparsed: usize,
    /// Files that were linted and reported (not those only replayed for context).
    pub reported_files: usize,
    /// Input problems (unreadable files, bad config), each already naming its file.
    pub input_errors: &'a [String],
    /// Show each diagnostic's fix suggestion (`--fix-suggestions`).
    pub suggestions: bool,
}

impl Report<'_> {
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
}
