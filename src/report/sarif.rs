//! SARIF 2.1.0 (the format GitHub code scanning uploads): one run whose driver lists every rule, and one result per
//! finding with a 1-based region. Columns count Unicode code points, as the run declares.

use serde::Serialize;
use serde_json::{json, Value};

use super::{uri_path, Report};
use crate::rules::diagnostic::Severity;
use crate::rules::{Rule, RULES};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Where the project lives (Cargo.toml `repository`); rule help links point at `rules/<id>.md` in it.
const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

pub fn help_uri(rule_id: &str) -> String {
    format!("{REPOSITORY}/blob/main/rules/{rule_id}.md")
}

pub fn render_sarif(report: &Report) -> String {
    let rules: Vec<Value> = RULES.iter().map(rule_descriptor).collect();
    // Results are typed, not `json!` values: a corpus has thousands, and building and freeing a tree of maps per
    // result took longer than the lint. Fields are in the alphabetical order the value maps print keys in.
    let results: Vec<SarifResult> = report
        .shown_with_fingerprints()
        .filter_map(|(d, file, fingerprint)| {
            let rule_index = RULES.iter().position(|r| r.id == d.rule)?;
            let (start_line, start_column) = file.line_col(d.span.start);
            let (end_line, end_column) = file.line_col(d.span.end);
            let text = match &d.help {
                Some(help) => format!("{}\nhelp: {help}", d.message),
                None => d.message.clone(),
            };
            Some(SarifResult {
                level: level(d.severity),
                locations: [Location {
                    physical_location: PhysicalLocation {
                        artifact_location: ArtifactLocation {
                            uri: artifact_uri(&file.display),
                        },
                        region: Region {
                            end_column,
                            end_line,
                            start_column,
                            start_line,
                        },
                    },
                }],
                message: Message { text },
                partial_fingerprints: Fingerprints {
                    clause: fingerprint,
                },
                rule_id: d.rule,
                rule_index,
            })
        })
        .collect();
    let notifications: Vec<Value> = report
        .input_errors
        .iter()
        .map(|e| json!({ "level": "error", "message": { "text": e } }))
        .collect();
    let log = Log {
        schema: SCHEMA,
        runs: [Run {
            column_kind: "unicodeCodePoints",
            invocations: [json!({
                "executionSuccessful": report.input_errors.is_empty(),
                "toolExecutionNotifications": notifications,
            })],
            results,
            tool: json!({
                "driver": {
                    "name": "migrate-lint",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": REPOSITORY,
                    "rules": rules,
                }
            }),
        }],
        version: "2.1.0",
    };
    serde_json::to_string_pretty(&log).unwrap_or_else(|_| "{}".to_string())
}

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: [Run<'a>; 1],
    version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    column_kind: &'static str,
    invocations: [Value; 1],
    results: Vec<SarifResult<'a>>,
    tool: Value,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    level: &'static str,
    locations: [Location; 1],
    message: Message,
    partial_fingerprints: Fingerprints,
    rule_id: &'a str,
    rule_index: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    end_column: usize,
    end_line: usize,
    start_column: usize,
    start_line: usize,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

#[derive(Serialize)]
struct Fingerprints {
    #[serde(rename = "migrateLintClause/v1")]
    clause: String,
}

fn rule_descriptor(rule: &Rule) -> Value {
    json!({
        "id": rule.id,
        "name": camel_case(rule.id),
        "shortDescription": { "text": rule.summary },
        "fullDescription": { "text": what_it_does(rule.doc) },
        "helpUri": help_uri(rule.id),
        "help": { "text": rule.summary, "markdown": rule.doc },
        "defaultConfiguration": { "level": level(rule.default_severity) },
        "properties": { "tags": [rule.category.as_str()] },
    })
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The "What it does" section of a rule page, as one paragraph.
pub fn what_it_does(doc: &str) -> String {
    let Some(start) = doc.find("## What it does\n") else {
        return String::new();
    };
    let body = &doc[start + "## What it does\n".len()..];
    let body = &body[..body.find("\n## ").unwrap_or(body.len())];
    body.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// SARIF's `name` is a readable identifier: `drop-column` → `DropColumn`.
fn camel_case(id: &str) -> String {
    id.split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// A relative path becomes a relative URI reference (forward slashes, percent-encoded); an absolute one a `file:`
/// URI.
fn artifact_uri(display: &str) -> String {
    let path = uri_path(display);
    let mut out = String::new();
    let bytes = path.as_bytes();
    // `C:/...` is an absolute Windows path; `c:x/...` is not (it would read as a URI scheme).
    let drive =
        bytes.len() > 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'/';
    if path.starts_with('/') {
        out.push_str("file://");
    } else if drive {
        out.push_str("file:///");
    }
    for (i, byte) in path.bytes().enumerate() {
        // A `:` is kept only after a drive letter: elsewhere it could make a segment look like a scheme.
        let keep = byte.is_ascii_alphanumeric()
            || b"-._~/!$&'()*+,;=@".contains(&byte)
            || (byte == b':' && drive && i == 1);
        if keep {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_encoded_and_forward_slashed() {
        assert_eq!(
            artifact_uri("prisma\\migrations\\1_new models copy\\migration.sql"),
            "prisma/migrations/1_new%20models%20copy/migration.sql"
        );
        assert_eq!(
            artifact_uri("/srv/app/m#1/x.sql"),
            "file:///srv/app/m%231/x.sql"
        );
        assert_eq!(artifact_uri("db/é.sql"), "db/%C3%A9.sql");
    }

    /// #18: a relative path whose first segment holds `:` would read as a URI scheme (`c:` or `a:`); only a drive
    /// letter followed by a slash is an absolute Windows path.
    #[test]
    fn colons_never_make_a_relative_path_a_scheme() {
        assert_eq!(artifact_uri("c:x/m.sql"), "c%3Ax/m.sql");
        assert_eq!(artifact_uri("a:b/c:d.sql"), "a%3Ab/c%3Ad.sql");
        assert_eq!(artifact_uri("C:\\repo\\m.sql"), "file:///C:/repo/m.sql");
        assert_eq!(artifact_uri("/srv/a:b.sql"), "file:///srv/a%3Ab.sql");
    }

    #[test]
    fn full_description_is_the_what_it_does_section() {
        let doc = "# x\n\n## What it does\nFinds a\nthing.\n\n## Why\nno\n";
        assert_eq!(what_it_does(doc), "Finds a thing.");
        for rule in RULES {
            assert!(!what_it_does(rule.doc).is_empty(), "{}", rule.id);
        }
    }

    /// Typed results print their keys in the same (alphabetical) order as the `json!` maps around them, so the log
    /// reads as one consistent document, as it did when every part was a map.
    #[test]
    fn keys_come_out_in_alphabetical_order() {
        use crate::rules::diagnostic::Diagnostic;
        use crate::syntax::source::SourceFile;
        let files = [SourceFile::new(
            "a".into(),
            "a.sql".into(),
            "a".into(),
            "ALTER TABLE x DROP y;".into(),
        )];
        let diagnostics = [Diagnostic {
            rule: "drop-column",
            severity: Severity::Error,
            file: 0,
            span: 0..20,
            message: "m".into(),
            help: Some("h".into()),
            suggestion: None,
        }];
        let errors = ["b.sql: cannot read".to_string()];
        let report = Report {
            files: &files,
            diagnostics: &diagnostics,
            statements: 1,
            unparsed: 0,
            reported_files: 1,
            input_errors: &errors,
            min_shown: Severity::Info,
            suggestions: false,
        };
        let written = render_sarif(&report);
        let as_maps: Value = serde_json::from_str(&written).unwrap();
        assert_eq!(written, serde_json::to_string_pretty(&as_maps).unwrap());
        assert_eq!(as_maps["runs"][0]["results"][0]["ruleId"], "drop-column");
    }

    #[test]
    fn names_are_camel_case() {
        assert_eq!(camel_case("fk-without-index"), "FkWithoutIndex");
    }
}
