//! The built binary, run as a user runs it: the one way the tests start it.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// The binary, without colour, ready for arguments, environment and a working directory.
pub fn command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_migrate-lint"));
    command.env("NO_COLOR", "1");
    command
}

/// The binary run as a user that file permissions apply to: this user, or `nobody` (through `setpriv`) when the
/// tests run as root, whom a folder at mode 000 does not stop. `Err` says why neither can be had. The files it must
/// reach have to be readable by others.
pub fn command_without_privileges() -> Result<Command, String> {
    if !is_root() {
        return Ok(command());
    }
    let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"]
        .into_iter()
        .find(|p| Path::new(p).is_file())
        .ok_or("running as root and there is no setpriv to run as nobody")?;
    let mut command = Command::new(setpriv);
    command
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(env!("CARGO_BIN_EXE_migrate-lint"))
        .env("NO_COLOR", "1");
    Ok(command)
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// What a run printed and how it exited.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// stdout as JSON (`--format json`, `sarif`, `gitlab`); fails showing both streams when it is not.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

/// Runs `command` to its end; fails if a signal killed it (a crash).
pub fn run_command(command: &mut Command) -> Run {
    let out = command.output().expect("run migrate-lint");
    Run {
        code: out.status.code().expect("exited, not killed by a signal"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs the binary with `args` in `dir`.
pub fn run(dir: &Path, args: &[&str]) -> Run {
    run_command(command().args(args).current_dir(dir))
}

/// `(rule, path, line)` of every diagnostic of a `--format json` report.
pub fn found(json: &Value) -> Vec<(String, String, Option<u64>)> {
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

/// The rule of every diagnostic of a JSON report, in order.
pub fn rules_of(report: &Value) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .expect("diagnostics array")
        .iter()
        .map(|d| d["rule"].as_str().unwrap().to_string())
        .collect()
}

/// A run that wrote a JSON report: its exit code, its stderr and the report.
pub struct JsonRun {
    pub code: i32,
    pub stderr: String,
    pub report: Value,
}

/// Runs `command` (the binary with `--format json`); fails on a signal or on output that is not JSON.
pub fn json_run(command: &mut Command) -> JsonRun {
    let run = run_command(command);
    JsonRun {
        code: run.code,
        report: run.json(),
        stderr: run.stderr,
    }
}
