//! Rendering of lint results: human (codespan-reporting), JSON, SARIF, GitHub workflow commands, GitLab Code
//! Quality.

mod excerpt;
mod github;
mod gitlab;
mod human;
mod json;
mod sarif;

pub use github::render_github;
pub use gitlab::render_gitlab;
pub use human::{render_human, render_suggestion, write_diagnostics};
pub use json::{write_json, write_json_with_plans};
pub use sarif::render_sarif;

use sha2::{Digest, Sha256};

use crate::rules::diagnostic::{Diagnostic, Severity};
use crate::syntax::source::SourceFile;

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
    /// Diagnostics below this severity are counted in summaries but not printed (`--quiet` sets `Error`).
    pub min_shown: Severity,
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

    /// The diagnostics to print.
    /// The shown diagnostics with their file and stable fingerprint (for the formats that carry one).
    pub fn shown_with_fingerprints(
        &self,
    ) -> impl Iterator<Item = (&Diagnostic, &SourceFile, String)> {
        self.diagnostics
            .iter()
            .zip(fingerprints(self))
            .filter(|(d, _)| self.is_shown(d))
            .filter_map(|(d, print)| Some((d, self.files.get(d.file)?, print)))
    }

    pub fn shown(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(move |d| self.is_shown(d))
    }

    /// Whether a diagnostic is printed (the others are only counted).
    pub fn is_shown(&self, d: &Diagnostic) -> bool {
        d.severity >= self.min_shown
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands: annotations on the pull request diff.
    Github,
    /// GitLab Code Quality report (a JSON array).
    Gitlab,
}

/// Per-rule counts of all findings (not only the shown ones), most frequent first, for `--statistics`.
pub fn render_statistics(report: &Report) -> String {
    let mut counts: Vec<(&str, Severity, usize)> = Vec::new();
    for d in report.diagnostics {
        match counts.iter_mut().find(|(rule, _, _)| *rule == d.rule) {
            Some(entry) => {
                entry.1 = entry.1.max(d.severity);
                entry.2 += 1;
            }
            None => counts.push((d.rule, d.severity, 1)),
        }
    }
    counts.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(b.0)));
    let mut out = String::new();
    for (rule, severity, n) in counts {
        out.push_str(&format!("{n:>5}  {rule:<26} {severity}\n"));
    }
    out
}

/// A fingerprint per diagnostic (same order) that survives unrelated edits: it hashes the rule, the path, the
/// offending clause with its whitespace normalised, and how many identical clauses came before it, but never a
/// line number.
pub fn fingerprints(report: &Report) -> Vec<String> {
    let mut seen: std::collections::HashMap<[u8; 32], usize> = std::collections::HashMap::new();
    report
        .diagnostics
        .iter()
        .map(|d| {
            let (path, clause) = match report.files.get(d.file) {
                Some(file) => (uri_path(&file.display), normalise(file.slice(&d.span))),
                None => (String::new(), String::new()),
            };
            let mut base = Sha256::new();
            for part in [d.rule, path.as_str(), clause.as_str()] {
                base.update(part.as_bytes());
                base.update([0]);
            }
            let base: [u8; 32] = base.finalize().into();
            let occurrence = seen.entry(base).or_default();
            *occurrence += 1;
            let occurrence = *occurrence - 1;
            let mut full = Sha256::new();
            full.update(base);
            full.update(occurrence.to_string().as_bytes());
            full.finalize()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        })
        .collect()
}

fn normalise(clause: &str) -> String {
    clause.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text from files, folder names or the database, as terminals and CI logs get it: control characters escaped
/// (`\n` as the two characters `\` `n`), so that a name holding a line break cannot start a line of its own, which
/// GitHub Actions would run as a workflow command (`::error::...`) whatever the output format.
pub fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    escape_unsafe(text, |_| false)
}

/// [`escape_controls`] for text of several lines: line breaks kept, every other control character escaped.
pub fn escape_controls_but_lines(text: &str) -> std::borrow::Cow<'_, str> {
    escape_unsafe(text, |c| c == '\n')
}

fn escape_unsafe(text: &str, keep: impl Fn(char) -> bool) -> std::borrow::Cow<'_, str> {
    let escaped = |c: char| unsafe_on_terminal(c) && !keep(c);
    if !any_unsafe(text, false, escaped) {
        return std::borrow::Cow::Borrowed(text);
    }
    text.chars()
        .map(|c| match escaped(c) {
            true => c.escape_default().to_string(),
            false => c.to_string(),
        })
        .collect()
}

/// Whether `text` holds a character that `unsafe_here` accepts, of those [`unsafe_on_terminal`] accepts. Only the
/// characters that start with a byte one of those can start with are decoded: an ASCII control or DEL, or the lead
/// byte of the C1 controls (0xC2), of U+061C (0xD8) or of the other bidirectional controls (0xE2). Messages, help
/// texts and whole files with findings go through here, nearly all without any such byte.
/// With `breaks_kept`, tabs and line breaks are never unsafe here (every file has them), so they are not looked at.
pub(crate) fn any_unsafe(
    text: &str,
    breaks_kept: bool,
    unsafe_here: impl Fn(char) -> bool,
) -> bool {
    let kept = |b: u8| breaks_kept & ((b == b'\t') | (b == b'\n') | (b == b'\r'));
    let may_start_one =
        |b: u8| ((b < 0x20) & !kept(b)) | (b == 0x7f) | (b == 0xc2) | (b == 0xd8) | (b == 0xe2);
    let bytes = text.as_bytes();
    // Without an early exit the compiler tests a vector of bytes at a time: nearly every text has none of them.
    if !bytes.iter().fold(false, |seen, &b| seen | may_start_one(b)) {
        return false;
    }
    // Each of those bytes starts a character: ASCII, or a UTF-8 lead byte (never a continuation byte).
    (0..bytes.len())
        .filter(|&i| may_start_one(bytes[i]))
        .any(|i| text[i..].chars().next().is_some_and(&unsafe_here))
}

/// A character a terminal or a CI log acts on instead of showing it: C0 and C1 controls (ESC starts the sequences
/// that move the cursor, erase lines or reset the screen) and the bidirectional controls that reorder the text shown
/// around them.
pub fn unsafe_on_terminal(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A path with forward slashes, as CI systems expect.
pub(crate) fn uri_path(display: &str) -> String {
    display.replace('\\', "/")
}

/// The exit code's question: does any finding reach `threshold` (`--severity-threshold`)?
pub fn fails(diagnostics: &[Diagnostic], threshold: Severity) -> bool {
    diagnostics.iter().any(|d| d.severity >= threshold)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte look-up finds exactly what a walk over every character finds (each code point of the first three
    /// UTF-8 lengths, and some of the fourth), alone and between other text.
    #[test]
    fn any_unsafe_finds_what_a_walk_over_every_character_finds() {
        let chars = (0..0x1_0000u32)
            .chain(0x1_0000..0x1_0400)
            .filter_map(char::from_u32);
        for c in chars {
            for text in [c.to_string(), format!("ab\u{e9}{c}z")] {
                assert_eq!(
                    any_unsafe(&text, false, unsafe_on_terminal),
                    text.chars().any(unsafe_on_terminal),
                    "U+{:04X}",
                    u32::from(c)
                );
                let shown_as_is = |c: char| matches!(c, '\t' | '\n' | '\r');
                let unsafe_but_breaks = |c: char| unsafe_on_terminal(c) && !shown_as_is(c);
                assert_eq!(
                    any_unsafe(&text, true, unsafe_but_breaks),
                    text.chars().any(unsafe_but_breaks),
                    "U+{:04X} with tabs and line breaks kept",
                    u32::from(c)
                );
            }
        }
    }

    fn diag(rule: &'static str, span: std::ops::Range<usize>) -> Diagnostic {
        Diagnostic {
            rule,
            severity: Severity::Error,
            file: 0,
            span,
            message: "m".into(),
            help: None,
            suggestion: None,
        }
    }

    fn prints(files: &[SourceFile], diagnostics: &[Diagnostic]) -> Vec<String> {
        fingerprints(&Report {
            files,
            diagnostics,
            statements: 0,
            unparsed: 0,
            reported_files: 1,
            input_errors: &[],
            min_shown: Severity::Info,
            suggestions: false,
        })
    }

    fn file(text: &str) -> SourceFile {
        SourceFile::new(
            "m.sql".into(),
            "m/migration.sql".into(),
            "m".into(),
            text.into(),
        )
    }

    #[test]
    fn fingerprint_ignores_line_shifts_and_whitespace_but_not_the_clause() {
        let a = "DROP TABLE \"A\";\n";
        let shifted = "\n\n-- note\nDROP  TABLE\n\"A\";\n";
        let start = shifted.find("DROP").unwrap();
        let one = prints(&[file(a)], &[diag("drop-table", 0..14)]);
        let two = prints(
            &[file(shifted)],
            &[diag("drop-table", start..shifted.find(';').unwrap())],
        );
        assert_eq!(one, two);
        let other = prints(&[file("DROP TABLE \"B\";")], &[diag("drop-table", 0..14)]);
        assert_ne!(one, other);
        let other_rule = prints(&[file(a)], &[diag("drop-column", 0..14)]);
        assert_ne!(one, other_rule);
    }

    #[test]
    fn identical_clauses_get_distinct_fingerprints() {
        let text = "DROP TABLE \"A\";\nDROP TABLE \"A\";\n";
        let f = prints(
            &[file(text)],
            &[diag("drop-table", 0..14), diag("drop-table", 16..30)],
        );
        assert_ne!(f[0], f[1]);
        assert_eq!(f[0].len(), 64);
    }

    #[test]
    fn threshold_picks_what_fails() {
        let mut warning = diag("set-not-null", 0..1);
        warning.severity = Severity::Warning;
        let ds = [warning];
        assert!(!fails(&ds, Severity::Error));
        assert!(fails(&ds, Severity::Warning));
        assert!(fails(&ds, Severity::Info));
    }
}
