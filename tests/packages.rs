//! The npm and PyPI packages that `scripts/dist` builds, installed the way a fresh CI runner installs them, and the
//! files that name their version (pre-commit's shim, the GitHub Action).
//!
//! The install test builds the `dist` profile (fat LTO: minutes), so `cargo test` skips it; CI runs it once:
//! `cargo test --test packages -- --ignored` (see .ci/run). It needs npm and python3 with venv.

mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

#[test]
fn pre_commit_shim_and_action_pin_this_version() {
    let pyproject = fs::read_to_string(root().join("pyproject.toml")).unwrap();
    let pins: Vec<&str> = pyproject
        .lines()
        .filter(|l| l.contains("migrate-lint=="))
        .collect();
    assert_eq!(
        pins,
        [format!("dependencies = [\"migrate-lint=={}\"]", version())],
        "pyproject.toml"
    );

    let action = fs::read_to_string(root().join("action.yml")).unwrap();
    let runs: Vec<&str> = action.lines().filter(|l| l.contains("npx")).collect();
    assert_eq!(runs.len(), 1, "{runs:?}");
    assert!(
        runs[0].contains(&format!(" migrate-lint@{} --format github ", version())),
        "action.yml: {}",
        runs[0]
    );

    // The README's `npx migrate-lint@X` lines name this version too.
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    let pinned: Vec<&str> = readme
        .split("migrate-lint@")
        .skip(1)
        .map(|rest| rest.split([' ', '\n']).next().unwrap())
        .collect();
    assert!(!pinned.is_empty());
    for pin in pinned {
        assert!(
            pin == version() || pin == "<commit>",
            "README pins migrate-lint@{pin}, Cargo.toml has {}",
            version()
        );
    }
}

fn is_set_by_cargo_test(name: &str) -> bool {
    [
        "CARGO_MANIFEST_",
        "CARGO_PKG_",
        "CARGO_CRATE_",
        "CARGO_BIN_",
        "CARGO_PRIMARY_",
        "CARGO_TARGET_TMPDIR",
    ]
    .iter()
    .any(|prefix| name.starts_with(prefix))
}

/// Runs a command, failing the test with its output when it cannot start.
fn run(command: &mut Command) -> Output {
    command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"))
}

fn succeed(command: &mut Command) -> Output {
    let out = run(command);
    assert!(
        out.status.success(),
        "{command:?} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Runs `command` and returns its output and wall time in seconds.
fn timed(command: &mut Command) -> (Output, f64) {
    let start = Instant::now();
    let out = run(command);
    (out, start.elapsed().as_secs_f64())
}

fn blog() -> PathBuf {
    root().join("fixtures/blog/prisma/migrations")
}

/// What the binary built by `cargo test` reports on fixtures/blog from `dir`: (exit code, stdout).
fn source_built(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = run(support::run::command()
        .current_dir(dir)
        .args(args)
        .arg(blog()));
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

/// The packaged binary must report what the source does: exit code 1 and the same JSON, which has the fixture's
/// real error findings.
fn assert_lints_the_blog(label: &str, out: &Output, dir: &Path) {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let (code, expected) = source_built(dir, &["--format", "json"]);
    assert_eq!(code, 1, "the source-built binary on fixtures/blog");
    assert_eq!(out.status.code(), Some(1), "{label}: {stdout}\n{stderr}");
    assert_eq!(
        stdout, expected,
        "{label}: not what the source-built binary reports"
    );
    let json: Value = serde_json::from_str(&stdout).unwrap();
    let errors: Vec<(&str, &str)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| (d["rule"].as_str().unwrap(), d["path"].as_str().unwrap()))
        .collect();
    for (rule, migration) in [
        ("drop-table", "20240315140000_drop_legacy"),
        ("drop-column", "20240315140000_drop_legacy"),
    ] {
        assert!(
            errors
                .iter()
                .any(|(r, p)| *r == rule && p.contains(migration)),
            "{label}: no {rule} in {migration}: {errors:?}"
        );
    }
}

#[test]
#[ignore = "builds the dist profile (fat LTO, minutes); CI runs it with --ignored"]
fn dist_packages_install_offline_and_lint_the_blog_fixture() {
    let mut dist = Command::new("python3");
    dist.arg("scripts/dist").current_dir(root());
    // What cargo sets for this test (CARGO_MANIFEST_DIR, CARGO_PKG_*, ...) would make ring's build script, which
    // watches CARGO_MANIFEST_DIR, and so everything above it, build again.
    for (name, _) in std::env::vars().filter(|(name, _)| is_set_by_cargo_test(name)) {
        dist.env_remove(name);
    }
    let (out, build) = timed(&mut dist);
    assert!(
        out.status.success(),
        "scripts/dist: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dist = root().join("target/dist");
    let listed: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    let v = version();
    let tarballs = [
        format!("migrate-lint-cli-linux-x64-{v}.tgz"),
        format!("migrate-lint-{v}.tgz"),
    ];
    assert_eq!(listed.len(), 3, "{listed:?}");
    for (listed, name) in listed.iter().zip(&tarballs) {
        assert_eq!(listed, &format!("target/dist/{name}"));
    }
    let wheel = root().join(&listed[2]);
    let wheel_name = wheel.file_name().unwrap().to_str().unwrap();
    assert!(
        wheel_name.starts_with(&format!("migrate_lint-{v}-py3-none-manylinux_2_"))
            && wheel_name.ends_with("_x86_64.whl"),
        "{wheel_name}"
    );

    let work = tempfile::tempdir().unwrap();
    let timings = npm(work.path(), &dist, &tarballs);
    let (venv_time, pip_time, pip_run) = python(work.path(), &dist);
    eprintln!(
        "scripts/dist {build:.1} s; npm: install {:.1} s, npx migrate-lint on fixtures/blog {:.2} s, the action's \
         command {:.2} s; python: venv {venv_time:.1} s, pip install {pip_time:.1} s, migrate-lint on \
         fixtures/blog {pip_run:.2} s",
        timings.0, timings.1, timings.2
    );
}

/// Installs both tarballs into an empty folder with no network and a fresh npm cache, as on a CI runner, and lints
/// fixtures/blog through `npx migrate-lint` and through the GitHub Action's command. Returns the three times.
fn npm(work: &Path, dist: &Path, tarballs: &[String]) -> (f64, f64, f64) {
    let project = work.join("npm-project");
    fs::create_dir(&project).unwrap();
    let npm_env = |command: &mut Command| {
        command
            .current_dir(&project)
            .env("npm_config_cache", work.join("npm-cache"))
            .env("npm_config_offline", "true")
            .env("npm_config_update_notifier", "false")
            .env_remove("MIGRATE_LINT_BINARY");
    };
    let mut install = Command::new("npm");
    install.args(["install", "--offline", "--no-audit", "--no-fund"]);
    install.args(tarballs.iter().map(|t| dist.join(t)));
    npm_env(&mut install);
    let (out, install_time) = timed(&mut install);
    assert!(
        out.status.success(),
        "npm install: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    // The launcher has no install script; the binary comes from the platform package, executable.
    let launcher: Value = serde_json::from_str(
        &fs::read_to_string(project.join("node_modules/migrate-lint/package.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(launcher["scripts"], Value::Null, "{launcher}");
    assert_eq!(
        launcher["optionalDependencies"]["@migrate-lint/cli-linux-x64"],
        version()
    );
    let platform: Value = serde_json::from_str(
        &fs::read_to_string(project.join("node_modules/@migrate-lint/cli-linux-x64/package.json"))
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        (&platform["os"], &platform["cpu"], &platform["scripts"]),
        (
            &serde_json::json!(["linux"]),
            &serde_json::json!(["x64"]),
            &Value::Null
        )
    );

    let mut npx = Command::new("npx");
    npx.args(["--offline", "migrate-lint", "--format", "json"])
        .arg(blog());
    npm_env(&mut npx);
    let (out, npx_time) = timed(&mut npx);
    assert_lints_the_blog("npx migrate-lint", &out, &project);

    let mut version_run = Command::new("npx");
    version_run.args(["--offline", "migrate-lint", "--version"]);
    npm_env(&mut version_run);
    let out = succeed(&mut version_run);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("migrate-lint {}\n", version())
    );

    // The action's `run:` line, with its input in the environment as GitHub passes it.
    let action = fs::read_to_string(root().join("action.yml")).unwrap();
    let line = action
        .lines()
        .find_map(|l| l.trim().strip_prefix("run: "))
        .unwrap();
    let mut step = Command::new("bash");
    step.args(["-c", line])
        .env("MIGRATE_LINT_ARGS", blog().display().to_string());
    npm_env(&mut step);
    let (out, action_time) = timed(&mut step);
    let (code, expected) = source_built(&project, &["--format", "github"]);
    assert_eq!((out.status.code(), code), (Some(1), 1), "the action's step");
    let annotations = String::from_utf8_lossy(&out.stdout);
    assert_eq!(annotations, expected, "the action's step");
    assert!(
        annotations.contains("::error file=") && annotations.contains("drop_legacy"),
        "{annotations}"
    );
    (install_time, npx_time, action_time)
}

/// Installs the wheel into a fresh venv from target/dist alone (no index), lints fixtures/blog with the venv's
/// `migrate-lint`, and uninstalls it (which removes the binary only if the wheel's RECORD lists it).
/// Returns the times of creating the venv, installing and linting.
fn python(work: &Path, dist: &Path) -> (f64, f64, f64) {
    let venv = work.join("venv");
    let (out, venv_time) = timed(Command::new("python3").args(["-m", "venv"]).arg(&venv));
    assert!(
        out.status.success(),
        "python3 -m venv: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pip = venv.join("bin/pip");
    let (out, pip_time) = timed(
        Command::new(&pip)
            .args([
                "install",
                "--no-index",
                "--no-cache-dir",
                "--disable-pip-version-check",
                "--find-links",
            ])
            .arg(dist)
            .arg("migrate-lint"),
    );
    assert!(
        out.status.success(),
        "pip install: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let binary = venv.join("bin/migrate-lint");
    let project = work.join("pip-project");
    fs::create_dir(&project).unwrap();
    let (out, run_time) = timed(
        Command::new(&binary)
            .args(["--format", "json"])
            .arg(blog())
            .current_dir(&project),
    );
    assert_lints_the_blog("the venv's migrate-lint", &out, &project);

    let shown = succeed(Command::new(&pip).args(["show", "--files", "migrate-lint"]));
    let shown = String::from_utf8_lossy(&shown.stdout);
    assert!(
        shown.contains(&format!("Version: {}", version())) && shown.contains("bin/migrate-lint"),
        "{shown}"
    );
    succeed(Command::new(&pip).args(["uninstall", "--yes", "migrate-lint"]));
    assert!(
        !binary.exists(),
        "pip uninstall left {}: the RECORD does not list it",
        binary.display()
    );
    (venv_time, pip_time, run_time)
}
