//! One JSON object for machines: diagnostics with 1-based positions, and a summary.

use std::io::{self, Write};

use rayon::prelude::*;
use serde::Serialize;

use super::Report;
use crate::fix::plan::MigrationPlan;
use crate::fix::Suggestion;
use crate::rules::diagnostic::{Diagnostic, Severity};

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    rule: &'a str,
    severity: Severity,
    path: &'a str,
    /// Positions are null for a file that is not on disk (an applied migration that was deleted).
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suggestion: Option<&'a Suggestion>,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    statements: usize,
    unparsed: usize,
    errors: usize,
    warnings: usize,
}

/// Diagnostics rendered by one parallel task, and chunks rendered in one wave.
const CHUNK: usize = 64;
const WAVE: usize = 8;

/// Writes the report, then a newline, byte for byte as `serde_json::to_writer_pretty` writes the whole report as one
/// value. The diagnostics are rendered in parallel chunks: a corpus's report is megabytes, and rendering it alone
/// after the parallel lint was a tenth of a run. They are rendered a wave of chunks at a time into buffers that are
/// reused, each wave written while the next is rendered: buffers for the whole report took a fresh page of memory
/// every 4 KiB, and those page faults cost more than the rendering.
pub fn write_json(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut stream = JsonStream::default();
    let mut rendering: Vec<Vec<u8>> = Vec::new();
    let mut writing: Vec<Vec<u8>> = Vec::new();
    for diagnostics in report
        .diagnostics
        .chunks(CHUNK * WAVE)
        .map(Some)
        .chain([None])
    {
        let mut rendered = Ok(());
        // The output (stdout's lock) stays on this thread; the workers render.
        let written = rayon::in_place_scope(|scope| {
            scope.spawn(|_| {
                rendered = render_wave(report, diagnostics.unwrap_or_default(), &mut rendering)
            });
            stream.diagnostics(out, &writing)
        });
        rendered?;
        written?;
        std::mem::swap(&mut rendering, &mut writing);
    }
    stream.finish(report, out)
}

/// The shown diagnostics of `report` as [`JsonStream::diagnostics`] takes them, in pieces (parallel chunks). A run
/// renders each history's as soon as it is linted, while other histories are still being linted, instead of all of
/// them at the end.
pub fn render_diagnostics(report: &Report) -> io::Result<Vec<Vec<u8>>> {
    let mut pieces = Vec::new();
    render_wave(report, report.diagnostics, &mut pieces)?;
    Ok(pieces)
}

/// [`write_json`] as the report grows: the diagnostics as they are rendered by [`render_diagnostics`], piece by
/// piece, then the rest once everything is known. A run writes each history's findings as soon as that history and
/// the ones before it are linted, so writing megabytes is not left to the end.
#[derive(Default)]
pub struct JsonStream {
    started: bool,
    /// Whether a diagnostic was written: each is led by a comma, which the first one drops.
    any: bool,
    /// With `--fix-suggestions`: the plan of each migration not applied yet, written after the summary.
    pub plans: Vec<MigrationPlan>,
}

impl JsonStream {
    /// Writes the next rendered diagnostics of the report.
    pub fn diagnostics(&mut self, out: &mut dyn Write, rendered: &[Vec<u8>]) -> io::Result<()> {
        if !self.started {
            out.write_all(b"{\n  \"diagnostics\": [")?;
            self.started = true;
        }
        for piece in rendered.iter().filter(|b| !b.is_empty()) {
            out.write_all(if self.any { piece } else { &piece[1..] })?;
            self.any = true;
        }
        Ok(())
    }

    /// Writes the rest of `report`, whose diagnostics have all been written.
    pub fn finish(mut self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        self.diagnostics(out, &[])?;
        out.write_all(if self.any { b"\n  ]" } else { b"]" })?;
        out.write_all(b",\n  \"summary\": ")?;
        write_nested(out, &summary(report), 1)?;
        if !report.input_errors.is_empty() {
            out.write_all(b",\n  \"input_errors\": ")?;
            write_nested(out, &report.input_errors, 1)?;
        }
        if !self.plans.is_empty() {
            out.write_all(b",\n  \"plans\": ")?;
            write_nested(out, &self.plans, 1)?;
        }
        out.write_all(b"\n}\n")
    }
}

/// Renders `diagnostics` in parallel, a chunk into each of `buffers` (as many as there are chunks; those already
/// there are reused).
fn render_wave(
    report: &Report,
    diagnostics: &[Diagnostic],
    buffers: &mut Vec<Vec<u8>>,
) -> io::Result<()> {
    buffers.resize_with(diagnostics.len().div_ceil(CHUNK), Vec::new);
    buffers
        .par_iter_mut()
        .zip(diagnostics.par_chunks(CHUNK))
        .try_for_each(|(buffer, chunk)| {
            buffer.clear();
            // Sized for the usual diagnostic (under 1 KiB) at once: growing by doubling touches twice the memory.
            buffer.reserve(chunk.len() * 1024);
            render_chunk(report, chunk, buffer)
        })
}

/// Appends the shown ones of `diagnostics`, each led by `,\n    `.
fn render_chunk(report: &Report, diagnostics: &[Diagnostic], out: &mut Vec<u8>) -> io::Result<()> {
    for d in diagnostics.iter().filter(|d| report.is_shown(d)) {
        if let Some(diagnostic) = json_diagnostic(report, d) {
            out.extend_from_slice(b",\n    ");
            write_diagnostic(out, &diagnostic)?;
        }
    }
    Ok(())
}

/// Appends `d` as `write_nested(out, d, 2)` does, by hand unless it has a suggestion: serde's general path (a
/// formatter call per token, an escape check per byte) was most of the cost of rendering thousands of diagnostics.
fn write_diagnostic(out: &mut Vec<u8>, d: &JsonDiagnostic) -> io::Result<()> {
    if d.suggestion.is_some() {
        return write_nested(out, d, 2);
    }
    // `"key": ` on a line of its own, after the field before it.
    let key = |out: &mut Vec<u8>, key: &str| {
        out.extend_from_slice(b",\n      \"");
        out.extend_from_slice(key.as_bytes());
        out.extend_from_slice(b"\": ");
    };
    let string_field = |out: &mut Vec<u8>, name: &str, value: &str| {
        key(out, name);
        write_string(out, value);
    };
    out.extend_from_slice(b"{\n      \"rule\": ");
    write_string(out, d.rule);
    string_field(out, "severity", d.severity.as_str());
    string_field(out, "path", d.path);
    for (name, value) in [
        ("line", d.line),
        ("column", d.column),
        ("end_line", d.end_line),
        ("end_column", d.end_column),
    ] {
        key(out, name);
        match value {
            Some(n) => write_number(out, n),
            None => out.extend_from_slice(b"null"),
        }
    }
    string_field(out, "message", d.message);
    if let Some(help) = d.help {
        string_field(out, "help", help);
    }
    out.extend_from_slice(b"\n    }");
    Ok(())
}

/// `value` as a JSON string, escaped as serde_json escapes it.
fn write_string(out: &mut Vec<u8>, value: &str) {
    let escaped = |b: u8| b < 0x20 || b == b'"' || b == b'\\';
    let bytes = value.as_bytes();
    out.push(b'"');
    // Where the next byte to escape is, skipping sixteen bytes at a time where there is none (a check the compiler
    // turns into vector code; messages quote names, so most strings have some).
    let (mut plain_from, mut at) = (0, 0);
    while at < bytes.len() {
        if let Some(block) = bytes.get(at..at + 16) {
            if !block.iter().fold(false, |any, &b| any | escaped(b)) {
                at += 16;
                continue;
            }
        }
        let b = bytes[at];
        at += 1;
        if !escaped(b) {
            continue;
        }
        out.extend_from_slice(&bytes[plain_from..at - 1]);
        plain_from = at;
        let short = match b {
            b'"' => b'"',
            b'\\' => b'\\',
            b'\n' => b'n',
            b'\r' => b'r',
            b'\t' => b't',
            0x08 => b'b',
            0x0c => b'f',
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.extend_from_slice(&[HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xf)]]);
                continue;
            }
        };
        out.extend_from_slice(&[b'\\', short]);
    }
    out.extend_from_slice(&bytes[plain_from..]);
    out.push(b'"');
}

fn write_number(out: &mut Vec<u8>, mut n: usize) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

fn json_diagnostic<'a>(report: &'a Report, d: &'a Diagnostic) -> Option<JsonDiagnostic<'a>> {
    let file = report.files.get(d.file)?;
    let position = |offset| (!file.missing).then(|| file.line_col(offset));
    let (line, column) = position(d.span.start).unzip();
    let (end_line, end_column) = position(d.span.end).unzip();
    Some(JsonDiagnostic {
        rule: d.rule,
        severity: d.severity,
        path: &file.display,
        line,
        column,
        end_line,
        end_column,
        message: &d.message,
        help: d.help.as_deref(),
        suggestion: d.suggestion.as_deref().filter(|_| report.suggestions),
    })
}

fn summary(report: &Report) -> Summary {
    Summary {
        files: report.reported_files,
        statements: report.statements,
        unparsed: report.unparsed,
        errors: report.count(Severity::Error),
        warnings: report.count(Severity::Warning),
    }
}

/// Writes `value` as pretty JSON that sits `depth` levels deep in the report, so its lines are indented to match.
fn write_nested(
    out: &mut (impl Write + ?Sized),
    value: &impl Serialize,
    depth: usize,
) -> io::Result<()> {
    let formatter = PrettyAt {
        depth,
        has_value: false,
    };
    value.serialize(&mut serde_json::Serializer::with_formatter(out, formatter))?;
    Ok(())
}

/// serde_json's pretty formatting (two spaces a level), started `depth` levels in.
struct PrettyAt {
    depth: usize,
    has_value: bool,
}

impl PrettyAt {
    fn open<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            w.write_all(b"\n")?;
            self.indent(w)?;
        }
        w.write_all(bracket)
    }

    fn item<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(w)
    }

    fn indent<W: ?Sized + Write>(&self, w: &mut W) -> io::Result<()> {
        for _ in 0..self.depth {
            w.write_all(b"  ")?;
        }
        Ok(())
    }
}

impl serde_json::ser::Formatter for PrettyAt {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::source::SourceFile;

    /// The report as one serde value: what `write_json` must write byte for byte.
    #[derive(Serialize)]
    struct JsonReport<'a> {
        diagnostics: Vec<JsonDiagnostic<'a>>,
        summary: Summary,
        #[serde(skip_serializing_if = "<[String]>::is_empty")]
        input_errors: &'a [String],
    }

    fn reference(report: &Report) -> String {
        let whole = JsonReport {
            diagnostics: report
                .shown()
                .filter_map(|d| json_diagnostic(report, d))
                .collect(),
            summary: summary(report),
            input_errors: report.input_errors,
        };
        serde_json::to_string_pretty(&whole).unwrap() + "\n"
    }

    fn diagnostic(file: usize, severity: Severity, suggestion: bool) -> Diagnostic {
        Diagnostic {
            rule: "drop-column",
            severity,
            file,
            span: 3..9,
            message: "a \"quoted\"\nmessage".into(),
            help: (file == 0).then(|| {
                "help \\ with \t every\r\u{8}\u{c}\u{1}\u{1f}\u{7f} escape, ünïcode 🦀 and a long \
                  run of plain text past sixteen bytes\""
                    .to_string()
            }),
            suggestion: suggestion
                .then(|| Box::new(Suggestion::notes_only("why").note("note one"))),
        }
    }

    #[test]
    fn written_byte_for_byte_as_serde_writes_the_whole_report() {
        let files = [
            SourceFile::new(
                "a".into(),
                "a.sql".into(),
                "a".into(),
                "SELECT\n  1;\n".into(),
            ),
            SourceFile::new(
                "b".into(),
                "b.sql".into(),
                "b".into(),
                "ALTER TABLE x DROP y;".into(),
            ),
            // Not on disk (positions are null), with a name to escape.
            SourceFile::missing("c".into(), "dir\\\"c\".sql".into(), "c".into()),
        ];
        let errors = ["b.sql: cannot read".to_string()];
        // Several waves of parallel chunks, the first chunk with no error at all (so none of it is shown with
        // `--quiet`).
        let many: Vec<Diagnostic> = (0..2 * CHUNK * WAVE + 100)
            .map(|i| {
                let severity = if i > 70 && i % 3 == 0 {
                    Severity::Error
                } else {
                    Severity::Warning
                };
                diagnostic(i % 3, severity, i % 4 == 0)
            })
            .collect();
        for diagnostics in [&[][..], &many[..1], &many[..]] {
            for (input_errors, min_shown, suggestions) in [
                (&[][..], Severity::Info, false),
                (&errors[..], Severity::Error, true),
            ] {
                let report = Report {
                    files: &files,
                    diagnostics,
                    statements: 3,
                    unparsed: 1,
                    reported_files: 2,
                    input_errors,
                    min_shown,
                    suggestions,
                };
                let mut written = Vec::new();
                write_json(&report, &mut written).unwrap();
                assert_eq!(String::from_utf8(written).unwrap(), reference(&report));
                // The same diagnostics rendered in three pieces beforehand, as histories are.
                let thirds = diagnostics.len() / 3;
                let pieces: Vec<Vec<u8>> = [
                    &diagnostics[..thirds],
                    &diagnostics[thirds..2 * thirds],
                    &diagnostics[2 * thirds..],
                ]
                .iter()
                .flat_map(|part| {
                    render_diagnostics(&Report {
                        diagnostics: part,
                        ..report
                    })
                    .unwrap()
                })
                .collect();
                let mut written = Vec::new();
                let mut stream = JsonStream::default();
                for piece in pieces.chunks(2) {
                    stream.diagnostics(&mut written, piece).unwrap();
                }
                stream.finish(&report, &mut written).unwrap();
                assert_eq!(String::from_utf8(written).unwrap(), reference(&report));
            }
        }
    }
}
