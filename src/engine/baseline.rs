//! Baselines: accept every current finding once (`--write-baseline`), then report only new ones (`--baseline`).
//!
//! A finding is keyed by its migration's name, its rule, and a fingerprint of the statement it is in (SHA-256 of the
//! statement text with whitespace collapsed), so edits elsewhere in the file, such as an added comment that shifts
//! lines, keep it matched.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::rules::diagnostic::Diagnostic;
use crate::syntax::source::SourceFile;
use crate::syntax::split::split;

const VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Entry {
    pub migration: String,
    pub rule: String,
    pub fingerprint: String,
    /// For the humans reviewing the baseline file; not part of the key.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    version: u32,
    findings: Vec<Entry>,
}

/// The accepted findings, counted per key (a statement may have the same finding twice).
#[derive(Debug, Default)]
pub struct Baseline {
    counts: HashMap<(String, String, String), usize>,
}

/// The fingerprint of the statement containing `span` (or of the span's own text outside any statement).
pub fn fingerprint(file: &SourceFile, span: &Range<usize>) -> String {
    let statements: Vec<_> = split(&file.text)
        .statements
        .into_iter()
        .map(|s| s.span)
        .collect();
    fingerprint_in(file, &statements, span)
}

/// Fingerprints for many findings, splitting each file once.
#[derive(Default)]
struct Fingerprints {
    statements: HashMap<usize, Vec<Range<usize>>>,
}

impl Fingerprints {
    fn of(&mut self, files: &[SourceFile], index: usize, span: &Range<usize>) -> Option<String> {
        let file = files.get(index)?;
        let statements = self.statements.entry(index).or_insert_with(|| {
            split(&file.text)
                .statements
                .into_iter()
                .map(|s| s.span)
                .collect()
        });
        Some(fingerprint_in(file, statements, span))
    }
}

fn fingerprint_in(file: &SourceFile, statements: &[Range<usize>], span: &Range<usize>) -> String {
    let statement = statements
        .iter()
        .find(|s| s.start <= span.start && span.start < s.end.max(s.start + 1))
        .cloned()
        .unwrap_or(span.clone());
    let text = file.slice(&statement);
    let normalized = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let digest = Sha256::digest(normalized.as_bytes());
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

pub fn entries(diagnostics: &[Diagnostic], files: &[SourceFile]) -> Vec<Entry> {
    let mut prints = Fingerprints::default();
    let mut out: Vec<Entry> = diagnostics
        .iter()
        .filter_map(|d| {
            let fingerprint = prints.of(files, d.file, &d.span)?;
            Some(Entry {
                migration: files[d.file].migration.clone(),
                rule: d.rule.to_string(),
                fingerprint,
                message: d.message.clone(),
            })
        })
        .collect();
    out.sort_by(|a, b| {
        (&a.migration, &a.rule, &a.fingerprint).cmp(&(&b.migration, &b.rule, &b.fingerprint))
    });
    out
}

pub fn write(
    path: &Path,
    diagnostics: &[Diagnostic],
    files: &[SourceFile],
) -> Result<usize, String> {
    let file = BaselineFile {
        version: VERSION,
        findings: entries(diagnostics, files),
    };
    let count = file.findings.len();
    let json = serde_json::to_string_pretty(&file).map_err(|e| e.to_string())?;
    std::fs::write(path, json + "\n")
        .map_err(|e| format!("{}: cannot write baseline: {e}", path.display()))?;
    Ok(count)
}

pub fn load(path: &Path) -> Result<Baseline, String> {
    let bytes = crate::input::project_file::read_regular(path)
        .map_err(|e| format!("{}: baseline: {e}", path.display()))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| format!("{}: baseline: not valid UTF-8", path.display()))?;
    parse(&text).map_err(|e| format!("{}{e}", path.display()))
}

fn parse(text: &str) -> Result<Baseline, String> {
    let file: BaselineFile = serde_json::from_str(text)
        .map_err(|e| format!(":{}: not a migrate-lint baseline: {e}", e.line()))?;
    if file.version != VERSION {
        return Err(format!(
            ": baseline version {} is not supported (expected {VERSION}); write it again with --write-baseline",
            file.version
        ));
    }
    let mut baseline = Baseline::default();
    for e in file.findings {
        *baseline
            .counts
            .entry((e.migration, e.rule, e.fingerprint))
            .or_default() += 1;
    }
    Ok(baseline)
}

impl Baseline {
    /// Drops the diagnostics the baseline accepted; each entry accepts one finding.
    pub fn filter(&mut self, diagnostics: &mut Vec<Diagnostic>, files: &[SourceFile]) {
        let mut prints = Fingerprints::default();
        diagnostics.retain(|d| {
            let Some(fingerprint) = prints.of(files, d.file, &d.span) else {
                return true;
            };
            let key = (
                files[d.file].migration.clone(),
                d.rule.to_string(),
                fingerprint,
            );
            match self.counts.get_mut(&key) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    false
                }
                _ => true,
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::diagnostic::Severity;

    fn file(text: &str) -> SourceFile {
        SourceFile::new(
            "m/migration.sql".into(),
            "m".into(),
            "m".into(),
            text.into(),
        )
    }

    fn finding(f: &SourceFile, needle: &str) -> Diagnostic {
        let start = f.text.find(needle).unwrap();
        Diagnostic {
            rule: "drop-table",
            severity: Severity::Error,
            file: 0,
            span: start..start + needle.len(),
            message: "m".into(),
            help: None,
            suggestion: None,
        }
    }

    #[test]
    fn fingerprint_ignores_line_shifts_and_whitespace_but_not_edits() {
        let a = file("DROP TABLE \"a\";\n");
        let b = file("-- a comment added later\n\nDROP   TABLE\n  \"a\";\n");
        let c = file("DROP TABLE \"b\";\n");
        let fa = fingerprint(&a, &finding(&a, "DROP").span);
        assert_eq!(fa, fingerprint(&b, &finding(&b, "DROP").span));
        assert_ne!(fa, fingerprint(&c, &finding(&c, "DROP").span));
    }

    #[test]
    fn round_trip_accepts_each_finding_once() {
        let f = file("DROP TABLE \"a\";\n");
        let files = [f.clone()];
        let d = finding(&f, "DROP TABLE");
        let json = serde_json::to_string(&BaselineFile {
            version: VERSION,
            findings: entries(std::slice::from_ref(&d), &files),
        })
        .unwrap();
        let mut baseline = parse(&json).unwrap();
        let mut diagnostics = vec![d.clone(), d];
        baseline.filter(&mut diagnostics, &files);
        assert_eq!(diagnostics.len(), 1, "one entry accepts one finding");
    }

    #[test]
    fn bad_baseline_names_the_problem() {
        assert!(parse("{").unwrap_err().starts_with(":1:"));
        assert!(parse("{\"version\": 9, \"findings\": []}")
            .unwrap_err()
            .contains("version 9"));
    }
}
