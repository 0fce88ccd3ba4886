//! Helpers shared by integration tests.

#![allow(dead_code)]

/// The code blocks of one section of a rule page: ```` ```sql setup ```` is an earlier migration, ```` ```sql ````
/// the migration under test; for the rules about applied history, ```` ```sql applied ```` / ```` ```sql failed ````
/// give the content the migration under test was recorded with, ```` ```sql later ```` an applied migration sorting
/// after it.
#[derive(Default)]
pub struct Example {
    pub setup: String,
    pub migration: String,
    pub applied: String,
    pub failed: String,
    pub later: String,
    /// ```` ```prisma ````: the schema.prisma beside the migrations (for schema-drift).
    pub schema: String,
}

/// The code blocks of one section of a page.
pub fn example(doc: &str, section: &str) -> Example {
    let start = doc
        .find(&format!("## {section}\n"))
        .unwrap_or_else(|| panic!("no `## {section}` section"));
    let body = &doc[start + section.len() + 4..];
    let body = &body[..body.find("\n## ").unwrap_or(body.len())];
    let mut ex = Example::default();
    let mut rest = body;
    while let Some(open) = rest.find("```sql").or_else(|| rest.find("```prisma")) {
        let open = rest.find("```prisma").filter(|p| *p < open).unwrap_or(open);
        let after = &rest[open + 3..];
        let (info, code) = after.split_once('\n').expect("code block");
        let end = code.find("```").expect("closed code block");
        match info.trim().trim_start_matches("sql").trim() {
            "prisma" => ex.schema.push_str(&code[..end]),
            "setup" => ex.setup.push_str(&code[..end]),
            "" => ex.migration.push_str(&code[..end]),
            "applied" => ex.applied.push_str(&code[..end]),
            "failed" => ex.failed.push_str(&code[..end]),
            "later" => ex.later.push_str(&code[..end]),
            other => panic!("unknown code block tag `{other}`"),
        }
        rest = &code[end + 3..];
    }
    assert!(
        !ex.migration.is_empty(),
        "`## {section}` has no ```sql block"
    );
    ex
}

/// `(rule, path, line)` of every diagnostic of a `--format json` report.
pub fn found(json: &serde_json::Value) -> Vec<(String, String, Option<u64>)> {
    json["diagnostics"]
        .as_array()
        .expect("diagnostics array")
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["path"].as_str().unwrap().to_string(),
                d["line"].as_u64(),
            )
        })
        .collect()
}

/// ../shared/corpus beside this checkout. CI always has it; elsewhere it is optional, and the tests that need it
/// skip (saying so).
pub fn corpus_root() -> Option<std::path::PathBuf> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if root.is_dir() {
        return Some(root);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "../shared/corpus is missing on CI"
    );
    eprintln!("skipped: no ../shared/corpus beside this checkout");
    None
}

/// A tiny deterministic generator for the random tests (no dependency): a linear congruential generator.
pub struct Lcg(pub u64);

impl Lcg {
    pub fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as usize
    }

    /// A number below `n`.
    pub fn below(&mut self, n: usize) -> usize {
        self.next() % n
    }
}

/// A number from the environment (`MIGRATE_LINT_ROUNDS`, `MIGRATE_LINT_SEED`), for longer or other random runs.
pub fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A run of the binary that writes a JSON report: its exit code, its stderr and the report.
pub struct JsonRun {
    pub code: i32,
    pub stderr: String,
    pub report: serde_json::Value,
}

/// Runs `command` (the binary with `--format json`); fails on a signal or on output that is not JSON.
pub fn json_run(command: &mut std::process::Command) -> JsonRun {
    let out = command.output().expect("run migrate-lint");
    let stdout = String::from_utf8_lossy(&out.stdout);
    JsonRun {
        code: out.status.code().expect("exited, not killed by a signal"),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        report: serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("bad JSON ({e}): {stdout}")),
    }
}

/// The rule of every diagnostic of a JSON report, in order.
pub fn rules_of(report: &serde_json::Value) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap().to_string())
        .collect()
}
