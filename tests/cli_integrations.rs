//! The CI and pre-commit integrations, end to end through the binary, on the demo project in `fixtures/ci-demo`:
//! output formats, --quiet / --statistics / --severity-threshold, a pre-commit style invocation, --changed-since,
//! `explain` and `init`.

mod support;

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;
use support::files::{copy_dir, git};
use support::run::{command, run_command, Run};

const M1: &str = "prisma/migrations/20240101000000_init/migration.sql";
const M2: &str = "prisma/migrations/20240201000000_add_bio/migration.sql";
const M3: &str = "prisma/migrations/20240301000000_rename_nickname/migration.sql";

fn demo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/ci-demo")
}

fn run_in(dir: &Path, args: &[&str]) -> Run {
    run_with_path(dir, args, None)
}

fn run_with_path(dir: &Path, args: &[&str], path_env: Option<&Path>) -> Run {
    let mut command = command();
    command.current_dir(dir).args(args).env_remove("NO_COLOR");
    if let Some(p) = path_env {
        command.env("PATH", p);
    }
    run_command(&mut command)
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

/// A copy of the demo project in a temporary folder, for tests that change files.
fn demo_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&demo(), tmp.path());
    tmp
}

/// (rule, path) of every diagnostic in `--format json` output.
fn findings(stdout: &str) -> Vec<(String, String)> {
    json(stdout)["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["path"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(r, p)| (r.to_string(), p.to_string()))
        .collect()
}

const ALL_FINDINGS: &[(&str, &str)] = &[
    ("fk-without-index", M1),
    ("set-not-null", M2),
    ("unparsed-statement", M2),
    ("rename-without-map", M3),
    ("not-null-without-default", M3),
];

#[test]
fn human_format_reports_every_finding_and_fails_on_errors() {
    let r = run_in(&demo(), &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    for (rule, path) in ALL_FINDINGS {
        assert!(
            r.stdout.contains(&format!("[{rule}]")),
            "{rule} missing:\n{}",
            r.stdout
        );
        assert!(r.stdout.contains(path), "{path} missing");
    }
    assert!(
        r.stdout.contains("2 errors, 2 warnings, 1 info in 3 files"),
        "{}",
        r.stdout
    );
}

#[test]
fn json_format_lists_findings_with_relative_paths() {
    let r = run_in(&demo(), &["--format", "json"]);
    assert_eq!(r.code, 1);
    assert_eq!(findings(&r.stdout), pairs(ALL_FINDINGS));
}

fn sarif_validator() -> jsonschema::Validator {
    let schema_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sarif-schema-2.1.0.json");
    let mut schema = json(&fs::read_to_string(schema_path).unwrap());
    // The official schema's `language` patterns have a stray `]`, a literal in JavaScript's lenient regex syntax
    // but an error to the strict check jsonschema runs on the schema itself: escape it, same meaning.
    let fixed = escape_stray_bracket(&mut schema);
    assert_eq!(fixed, 2, "run.language and toolComponent.language");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

fn escape_stray_bracket(value: &mut Value) -> usize {
    const STRAY: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
    match value {
        Value::Object(map) => {
            let mut n = 0;
            for (key, v) in map.iter_mut() {
                if key == "pattern" && v == STRAY {
                    *v = Value::from(STRAY.replace("}]?", "}\\]?"));
                    n += 1;
                } else {
                    n += escape_stray_bracket(v);
                }
            }
            n
        }
        Value::Array(items) => items.iter_mut().map(escape_stray_bracket).sum(),
        _ => 0,
    }
}

fn assert_valid_sarif(log: &Value) {
    let validator = sarif_validator();
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema violations:\n{}",
        errors.join("\n")
    );
}

#[test]
fn sarif_output_is_valid_and_describes_rules_and_results() {
    let r = run_in(&demo(), &["--format", "sarif"]);
    assert_eq!(r.code, 1);
    let log = json(&r.stdout);
    assert_valid_sarif(&log);
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "migrate-lint");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), migrate_lint::rules::RULES.len());
    for (descriptor, rule) in rules.iter().zip(migrate_lint::rules::RULES) {
        assert_eq!(descriptor["id"], rule.id);
        assert_eq!(descriptor["shortDescription"]["text"], rule.summary);
        let full = descriptor["fullDescription"]["text"].as_str().unwrap();
        assert!(!full.is_empty() && rule.doc.contains(full.split(' ').next().unwrap()));
        let help = descriptor["helpUri"].as_str().unwrap();
        assert!(help.ends_with(&format!("/rules/{}.md", rule.id)), "{help}");
    }
    let drop_table = rules.iter().find(|d| d["id"] == "drop-table").unwrap();
    assert_eq!(drop_table["defaultConfiguration"]["level"], "error");
    let results = run["results"].as_array().unwrap();
    let got: Vec<(String, String)> = results
        .iter()
        .map(|res| {
            let rule = res["ruleId"].as_str().unwrap().to_string();
            let index = res["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(
                rules[index]["id"].as_str().unwrap(),
                rule,
                "ruleIndex points at its rule"
            );
            let uri = res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .to_string();
            (rule, uri)
        })
        .collect();
    assert_eq!(got, pairs(ALL_FINDINGS));
    let levels: Vec<&str> = results
        .iter()
        .map(|r| r["level"].as_str().unwrap())
        .collect();
    assert_eq!(levels, ["warning", "warning", "note", "error", "error"]);
    // `ALTER TABLE "User" DROP COLUMN "nickname",` on line 10: the clause starts at column 20.
    let region = &results[3]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (
            &region["startLine"],
            &region["startColumn"],
            &region["endLine"],
            &region["endColumn"]
        ),
        (
            &Value::from(10),
            &Value::from(20),
            &Value::from(10),
            &Value::from(42)
        )
    );
}

#[test]
fn sarif_for_a_clean_run_and_with_input_errors_is_still_valid() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("migrations/1_init");
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join("migration.sql"),
        "CREATE TABLE \"A\" (\"id\" INT);\n",
    )
    .unwrap();
    let r = run_in(tmp.path(), &["--format", "sarif", "migrations"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let log = json(&r.stdout);
    assert_valid_sarif(&log);
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 0);

    let r = run_in(tmp.path(), &["--format", "sarif", "migrations", "missing"]);
    assert_eq!(r.code, 2);
    let log = json(&r.stdout);
    assert_valid_sarif(&log);
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let note = invocation["toolExecutionNotifications"][0]["message"]["text"]
        .as_str()
        .unwrap();
    assert!(note.starts_with("missing:"), "{note}");
}

#[test]
fn the_schema_rejects_broken_sarif() {
    // The validation above can fail: a result with a 0 line and an unknown level is refused.
    let r = run_in(&demo(), &["--format", "sarif"]);
    let mut log = json(&r.stdout);
    log["runs"][0]["results"][0]["level"] = Value::from("fatal");
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        Value::from(0);
    assert!(!sarif_validator().is_valid(&log));
}

#[test]
fn github_format_writes_one_annotation_per_finding() {
    let r = run_in(&demo(), &["--format", "github"]);
    assert_eq!(r.code, 1);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 6, "{}", r.stdout);
    assert!(lines[0].starts_with(&format!(
        "::warning file={M1},line=24,col=20,endLine=24,endColumn="
    )));
    assert!(lines[0].contains(",title=fk-without-index::foreign key"));
    assert!(lines[2].starts_with(&format!("::notice file={M2},line=9,col=1,")));
    assert!(lines[3].starts_with(&format!(
        "::error file={M3},line=10,col=20,endLine=10,endColumn=42,title=rename-without-map::this drops"
    )));
    assert!(
        lines[3].contains("%0Ahelp: "),
        "help follows on its own line"
    );
    assert!(!lines[3].contains('\n'));
    assert_eq!(
        lines[5],
        "migrate-lint: 2 error(s), 2 warning(s), 1 info in 3 file(s)"
    );
}

fn gitlab(dir: &Path) -> Vec<Value> {
    let r = run_in(dir, &["--format", "gitlab"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    json(&r.stdout).as_array().unwrap().clone()
}

#[test]
fn gitlab_format_is_code_quality_json() {
    let issues = gitlab(&demo());
    let got: Vec<(String, String)> = issues
        .iter()
        .map(|i| {
            (
                i["check_name"].as_str().unwrap().to_string(),
                i["location"]["path"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(got, pairs(ALL_FINDINGS));
    let severities: Vec<&str> = issues
        .iter()
        .map(|i| i["severity"].as_str().unwrap())
        .collect();
    assert_eq!(
        severities,
        ["major", "major", "info", "critical", "critical"]
    );
    for issue in &issues {
        assert!(issue["description"].as_str().unwrap().len() > 20);
        assert_eq!(issue["fingerprint"].as_str().unwrap().len(), 64);
    }
    assert_eq!(issues[3]["location"]["lines"]["begin"], 10);
    let mut prints: Vec<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    prints.dedup();
    assert_eq!(prints.len(), issues.len(), "fingerprints are unique");
}

#[test]
fn gitlab_fingerprints_are_stable_across_runs_and_line_shifts() {
    let copy = demo_copy();
    let before = gitlab(copy.path());
    assert_eq!(before, gitlab(copy.path()), "same input, same report");

    let m3 = copy.path().join(M3);
    let text = fs::read_to_string(&m3).unwrap();
    fs::write(&m3, format!("\n-- reviewed\n{text}")).unwrap();
    let after = gitlab(copy.path());
    let print = |issues: &[Value], i: usize| issues[i]["fingerprint"].clone();
    for i in 0..before.len() {
        assert_eq!(
            print(&before, i),
            print(&after, i),
            "issue {i} kept its fingerprint"
        );
    }
    assert_eq!(
        after[3]["location"]["lines"]["begin"], 12,
        "the line did move"
    );

    // Changing the offending clause itself is a different finding.
    fs::write(
        &m3,
        text.replace("\"slug\" TEXT NOT NULL", "\"slug\" VARCHAR(20) NOT NULL"),
    )
    .unwrap();
    let changed = gitlab(copy.path());
    assert_eq!(print(&before, 3), print(&changed, 3));
    assert_ne!(print(&before, 4), print(&changed, 4));
}

#[test]
fn pre_commit_invocation_reports_only_the_changed_file_using_its_history() {
    // pre-commit runs `migrate-lint <changed files>`.
    let r = run_in(&demo(), &["--format", "json", M3]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    // rename-without-map (not drop-column) needs the column's type from the first migration.
    assert_eq!(
        findings(&r.stdout),
        pairs(&[("rename-without-map", M3), ("not-null-without-default", M3)])
    );
    assert_eq!(json(&r.stdout)["summary"]["files"], 1);

    let r = run_in(&demo(), &["--format", "json", M2]);
    assert_eq!(r.code, 0, "warnings and infos do not fail the commit");
    assert_eq!(
        findings(&r.stdout),
        pairs(&[("set-not-null", M2), ("unparsed-statement", M2)])
    );
}

#[test]
fn quiet_prints_only_errors_but_counts_everything() {
    let r = run_in(&demo(), &["--quiet"]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("error[rename-without-map]"));
    assert!(r.stdout.contains("error[not-null-without-default]"));
    assert!(!r.stdout.contains("warning["), "{}", r.stdout);
    assert!(!r.stdout.contains("note["), "{}", r.stdout);
    assert!(r.stdout.contains("2 errors, 2 warnings, 1 info in 3 files"));

    let r = run_in(&demo(), &["--quiet", "--format", "json"]);
    assert_eq!(
        findings(&r.stdout),
        pairs(&[("rename-without-map", M3), ("not-null-without-default", M3)])
    );
    assert_eq!(json(&r.stdout)["summary"]["warnings"], 2);
}

#[test]
fn statistics_count_per_rule_after_the_output() {
    let r = run_in(&demo(), &["--statistics"]);
    let tail: Vec<&str> = r.stdout.lines().rev().take(5).collect();
    for (rule, _) in ALL_FINDINGS {
        assert!(
            tail.iter()
                .any(|l| l.split_whitespace().collect::<Vec<_>>()[..2] == ["1", *rule]),
            "{rule} count missing:\n{}",
            r.stdout
        );
    }
    let copy = demo_copy();
    let m1 = copy.path().join(M1);
    let text = fs::read_to_string(&m1).unwrap();
    fs::write(&m1, format!("{text}\nALTER TABLE \"Post\" ADD CONSTRAINT \"Post_x_fkey\" FOREIGN KEY (\"title\") REFERENCES \"User\"(\"id\");\n")).unwrap();
    let r = run_in(copy.path(), &["--statistics", "--format", "json"]);
    json(&r.stdout);
    let line = r
        .stderr
        .lines()
        .find(|l| l.contains("fk-without-index"))
        .unwrap_or_else(|| panic!("machine formats put statistics on stderr:\n{}", r.stderr));
    assert_eq!(
        line.split_whitespace().collect::<Vec<_>>(),
        ["2", "fk-without-index", "warning"]
    );
}

#[test]
fn severity_threshold_picks_what_fails_the_run() {
    // The second migration alone has a warning and an info.
    let code = |args: &[&str]| {
        let mut all = vec![M2];
        all.extend_from_slice(args);
        run_in(&demo(), &all).code
    };
    assert_eq!(code(&[]), 0);
    assert_eq!(code(&["--severity-threshold", "error"]), 0);
    assert_eq!(code(&["--severity-threshold", "warning"]), 1);
    assert_eq!(code(&["--severity-threshold", "info"]), 1);
    assert_eq!(code(&["--severity-threshold", "loud"]), 2);
    // An error always fails.
    assert_eq!(
        run_in(&demo(), &[M3, "--severity-threshold", "warning"]).code,
        1
    );
}

#[test]
fn explain_prints_the_rule_page() {
    let r = run_in(&demo(), &["explain", "drop-column"]);
    assert_eq!(r.code, 0);
    let page = migrate_lint::rules::find("drop-column").unwrap().doc;
    let (head, _) = page.split_once("## Bad").unwrap();
    assert!(r.stdout.starts_with(head), "{}", r.stdout);
    // The examples read as SQL, without the markup the tests use.
    assert!(!r.stdout.contains("```sql setup"), "{}", r.stdout);
    assert!(r
        .stdout
        .contains("```sql\n-- earlier migrations (already applied):\nCREATE TABLE \"User\""));
    assert!(r.stdout.contains(
        "-- this migration:\nSET lock_timeout = '5s';\nALTER TABLE \"User\" DROP COLUMN"
    ));
    // Its Fix and what --fix does agree: the field stays, with @ignore.
    assert!(
        r.stdout.contains("## What --fix does\nKeeps the column"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("`@ignore`"));

    let r = run_in(&demo(), &["explain", "drop-colum"]);
    assert_eq!(r.code, 2);
    assert!(r.stdout.is_empty());
    assert!(
        r.stderr.contains("unknown rule `drop-colum`"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("did you mean `drop-column`"),
        "{}",
        r.stderr
    );
}

/// Top-level keys of a lint.toml, set or shown commented out (`# key = ...`).
fn documented_keys(text: &str) -> Vec<String> {
    let mut keys: Vec<String> = text
        .lines()
        .map(|l| l.trim_start_matches('#').trim())
        .take_while(|l| !l.starts_with('['))
        .filter_map(|l| l.split_once(" = ").map(|(k, _)| k.to_string()))
        .filter(|k| !k.contains(' '))
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

#[test]
fn init_writes_a_commented_config_that_loads_and_refuses_to_overwrite() {
    let copy = demo_copy();
    fs::remove_file(copy.path().join("lint.toml")).unwrap();
    let r = run_in(copy.path(), &["init"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let path = copy.path().join("lint.toml");
    let written = fs::read_to_string(&path).unwrap();
    let config = migrate_lint::rules::config::load(&path).expect("the written lint.toml loads");
    assert_eq!(
        config.migrations,
        vec![copy.path().join("prisma/migrations")],
        "found the migrations"
    );
    assert_eq!(config.settings.postgres_version, 15);
    assert!(config.settings.severities.is_empty(), "defaults only");
    for rule in migrate_lint::rules::RULES {
        // Opt-in rules are off until configured.
        let severity = if rule.enabled_by_default {
            rule.default_severity.as_str()
        } else {
            "off"
        };
        let line = format!("# {} = \"{severity}\"", rule.id);
        assert!(written.contains(&line), "missing `{line}`");
    }
    // Uncommenting a rule line yields a valid override.
    let uncommented = written.replace("# drop-table = \"error\"", "drop-table = \"off\"");
    let c = migrate_lint::rules::config::parse(&uncommented, &path).unwrap();
    assert_eq!(c.settings.severities.get("drop-table"), Some(&None));

    // The same settings as the repository's own example lint.toml.
    let repo = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("lint.toml")).unwrap();
    assert_eq!(documented_keys(&written), documented_keys(&repo));
    assert!(!documented_keys(&written).is_empty());

    // A linted run picks the written file up.
    assert_eq!(run_in(copy.path(), &[]).code, 1);

    fs::write(&path, "# mine\n").unwrap();
    let r = run_in(copy.path(), &["init"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("already exists"), "{}", r.stderr);
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "# mine\n",
        "left untouched"
    );
}

#[test]
fn init_without_migrations_leaves_the_path_commented() {
    let tmp = tempfile::tempdir().unwrap();
    assert_eq!(run_in(tmp.path(), &["init"]).code, 0);
    let path = tmp.path().join("lint.toml");
    let written = fs::read_to_string(&path).unwrap();
    assert!(written.contains("# migrations = \"prisma/migrations\""));
    let config = migrate_lint::rules::config::load(&path).unwrap();
    assert!(config.migrations.is_empty());
}

/// The demo project as a git repository whose one commit holds the first two migrations; the third is untracked.
fn demo_repo() -> tempfile::TempDir {
    let copy = demo_copy();
    let m3 = copy.path().join(M3);
    let m3_text = fs::read_to_string(&m3).unwrap();
    fs::remove_file(&m3).unwrap();
    git(copy.path(), &["init", "-q", "-b", "main"]);
    git(copy.path(), &["add", "."]);
    git(copy.path(), &["commit", "-q", "-m", "first two migrations"]);
    fs::write(&m3, m3_text).unwrap();
    copy
}

#[test]
fn changed_since_reports_new_and_modified_migrations_only() {
    let repo = demo_repo();
    let r = run_in(
        repo.path(),
        &["--format", "json", "--changed-since", "main"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        findings(&r.stdout),
        pairs(&[("rename-without-map", M3), ("not-null-without-default", M3)]),
        "only the untracked migration, with the earlier ones as context"
    );

    // Committed on a branch: still changed since main. A modified tracked file counts too.
    git(repo.path(), &["checkout", "-q", "-b", "feature"]);
    git(repo.path(), &["add", "."]);
    git(repo.path(), &["commit", "-q", "-m", "rename"]);
    let m2 = repo.path().join(M2);
    let text = fs::read_to_string(&m2).unwrap();
    fs::write(&m2, format!("{text}\n")).unwrap();
    let r = run_in(
        repo.path(),
        &["--format", "json", "--changed-since", "main"],
    );
    assert_eq!(
        findings(&r.stdout),
        pairs(&[
            ("set-not-null", M2),
            ("unparsed-statement", M2),
            ("rename-without-map", M3),
            ("not-null-without-default", M3),
        ])
    );

    // Nothing changed since HEAD once everything is committed.
    git(repo.path(), &["commit", "-q", "-am", "touch"]);
    let r = run_in(
        repo.path(),
        &["--format", "json", "--changed-since", "HEAD"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(findings(&r.stdout).is_empty());
    assert_eq!(json(&r.stdout)["summary"]["files"], 0);
}

#[test]
fn changed_since_with_named_files_reports_only_those_both_named_and_changed() {
    let repo = demo_repo();
    // M3 is new, M1 is not: naming both reports M3 only.
    let r = run_in(
        repo.path(),
        &["--format", "json", "--changed-since", "main", M1, M3],
    );
    assert_eq!(
        findings(&r.stdout),
        pairs(&[("rename-without-map", M3), ("not-null-without-default", M3)])
    );
}

#[test]
fn github_format_annotates_input_errors() {
    let r = run_in(&demo(), &["--format", "github", M1, "missing.sql"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stdout
            .lines()
            .any(|l| l.starts_with("::error title=migrate-lint::missing.sql: cannot read")),
        "{}",
        r.stdout
    );
}

#[test]
fn changed_since_with_an_unknown_ref_or_no_repository_is_a_usage_error() {
    let repo = demo_repo();
    let r = run_in(repo.path(), &["--changed-since", "no-such-branch"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("`no-such-branch` is not a commit"),
        "{}",
        r.stderr
    );

    let plain = demo_copy();
    let r = run_in(plain.path(), &["--changed-since", "main"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("not a git repository"), "{}", r.stderr);

    let empty_path = tempfile::tempdir().unwrap();
    let r = run_with_path(
        repo.path(),
        &["--changed-since", "main"],
        Some(empty_path.path()),
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("needs the `git` command"), "{}", r.stderr);
}
