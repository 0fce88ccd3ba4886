//! A throwaway PostgreSQL server for integration tests.
//!
//! Use `TestPg::shared()` (one server per test binary, started on first use)
//! plus `unique_database()` per test, so tests run in parallel without
//! seeing each other's tables. `TestPg::start()` gives a private server that
//! is stopped on `Drop`.
//!
//! Statics are never dropped, so every server also gets a small watchdog
//! shell process (in its own process group, so Ctrl-C on the test does not
//! kill it first) that waits for the test process to disappear, then stops
//! the server and deletes its directory. That covers normal exit, panics and
//! SIGKILL alike. Even if the watchdog is lost, a leftover server only holds
//! a random loopback port and a temp dir.
//!
//! Authentication: `postgres` is trusted on 127.0.0.1 and the Unix socket;
//! every other role must give its password (scram-sha-256), so tests can
//! exercise real password failures with `create_login_role()`.
//!
//! Binaries are looked up in `$MIGRATE_LINT_PG_BINDIR`, `pg_config
//! --bindir`, the newest `/usr/lib/postgresql/*/bin`, then `PATH`. When none
//! has `initdb`, tests panic unless `MIGRATE_LINT_SKIP_PG=1` is set and they
//! use the `*_or_skip` constructors.

use std::fs;
use std::net::TcpListener;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use tempfile::TempDir;

pub const SKIP_ENV: &str = "MIGRATE_LINT_SKIP_PG";
pub const BINDIR_ENV: &str = "MIGRATE_LINT_PG_BINDIR";

pub struct TestPg {
    pub port: u16,
    /// Superuser URL of the `postgres` database.
    pub url: String,
    bindir: PathBuf,
    data_dir: PathBuf,
    run_as: RunAs,
    watchdog: Option<Child>,
    root: TempDir,
}

/// How server binaries get launched: they refuse to run as root.
#[derive(Clone, Debug)]
enum RunAs {
    Me,
    Runuser(PathBuf),
    Su,
}

enum StartError {
    NoBinaries(String),
    Failed(String),
}

static SHARED: OnceLock<TestPg> = OnceLock::new();
static DB_COUNTER: AtomicU64 = AtomicU64::new(0);

impl TestPg {
    /// Starts a private server; panics with the reason if it cannot.
    pub fn start() -> TestPg {
        match try_start() {
            Ok(pg) => pg,
            Err(StartError::NoBinaries(m)) => panic!(
                "{m}\nInstall PostgreSQL (see .ci/install-postgres.sh) or set {SKIP_ENV}=1 to skip."
            ),
            Err(StartError::Failed(m)) => panic!("{m}"),
        }
    }

    /// Like `start`, but returns None (and says so) when no PostgreSQL is
    /// installed and `MIGRATE_LINT_SKIP_PG=1`. Any other failure panics.
    pub fn start_or_skip() -> Option<TestPg> {
        match try_start() {
            Ok(pg) => Some(pg),
            Err(StartError::NoBinaries(m)) if skip_allowed() => {
                println!("skipped: {m} ({SKIP_ENV}=1)");
                None
            }
            Err(StartError::NoBinaries(m)) => panic!(
                "{m}\nInstall PostgreSQL (see .ci/install-postgres.sh) or set {SKIP_ENV}=1 to skip."
            ),
            Err(StartError::Failed(m)) => panic!("{m}"),
        }
    }

    /// The server shared by every test in this binary.
    pub fn shared() -> &'static TestPg {
        SHARED.get_or_init(TestPg::start)
    }

    /// `shared()`, or None when skipping is allowed and PostgreSQL is absent.
    pub fn shared_or_skip() -> Option<&'static TestPg> {
        if let Some(pg) = SHARED.get() {
            return Some(pg);
        }
        if skip_allowed() && find_bindir().is_err() {
            println!("skipped: no PostgreSQL binaries found ({SKIP_ENV}=1)");
            return None;
        }
        Some(Self::shared())
    }

    /// URL for `db` as the trusted superuser.
    pub fn url_for(&self, db: &str) -> String {
        format!("postgresql://postgres@127.0.0.1:{}/{db}", self.port)
    }

    /// URL for `db` as `user` with `password` (percent-encoded here).
    pub fn url_with_password(&self, user: &str, password: &str, db: &str) -> String {
        format!(
            "postgresql://{}:{}@127.0.0.1:{}/{db}",
            encode(user),
            encode(password),
            self.port
        )
    }

    /// Superuser client on the `postgres` database.
    pub fn client(&self) -> postgres::Client {
        self.client_for(&self.url)
    }

    pub fn client_for(&self, url: &str) -> postgres::Client {
        postgres::Client::connect(url, postgres::NoTls)
            .unwrap_or_else(|e| panic!("connecting to {url}: {e}"))
    }

    /// Creates database `name` (plain identifier) and returns its URL.
    pub fn create_database(&self, name: &str) -> String {
        assert_identifier(name);
        self.client()
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .unwrap_or_else(|e| panic!("CREATE DATABASE {name}: {e}"));
        self.url_for(name)
    }

    /// Creates a database with a name no other test in any process uses.
    pub fn unique_database(&self, prefix: &str) -> String {
        let n = DB_COUNTER.fetch_add(1, Ordering::Relaxed);
        let prefix: String = prefix
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .take(40)
            .collect();
        self.create_database(&format!("{prefix}_{}_{n}", std::process::id()))
    }

    /// A role that must log in with a password (see module docs).
    pub fn create_login_role(&self, name: &str, password: &str) {
        assert_identifier(name);
        let pw = password.replace('\'', "''");
        self.client()
            .batch_execute(&format!("CREATE ROLE \"{name}\" LOGIN PASSWORD '{pw}'"))
            .unwrap_or_else(|e| panic!("CREATE ROLE {name}: {e}"));
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    pub fn log_path(&self) -> PathBuf {
        self.data_dir.join("server.log")
    }

    fn stop(&self) {
        let _ = build_command(
            &self.run_as,
            &self.bindir.join("pg_ctl"),
            &stop_args(&self.data_dir),
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    }
}

impl Drop for TestPg {
    fn drop(&mut self) {
        self.stop();
        if let Some(mut w) = self.watchdog.take() {
            let _ = w.kill();
            let _ = w.wait();
        }
        // `root` (the TempDir) is removed after this, once the server is down.
    }
}

fn stop_args(data_dir: &Path) -> Vec<String> {
    vec![
        "-D".into(),
        data_dir.display().to_string(),
        "-m".into(),
        "immediate".into(),
        "stop".into(),
    ]
}

fn skip_allowed() -> bool {
    std::env::var(SKIP_ENV).map(|v| v == "1").unwrap_or(false)
}

fn assert_identifier(name: &str) {
    assert!(
        !name.is_empty()
            && name.len() < 64
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
        "test database/role names must be plain identifiers, got {name:?}"
    );
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn has_initdb(dir: &Path) -> bool {
    dir.join("initdb").is_file() && dir.join("pg_ctl").is_file()
}

fn find_bindir() -> Result<PathBuf, String> {
    if let Ok(dir) = std::env::var(BINDIR_ENV) {
        let dir = PathBuf::from(dir);
        if has_initdb(&dir) {
            return Ok(dir);
        }
        return Err(format!(
            "{BINDIR_ENV}={} has no initdb/pg_ctl",
            dir.display()
        ));
    }
    // pg_config may come from libpq-dev without a server next to it.
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if out.status.success() && has_initdb(&dir) {
            return Ok(dir);
        }
    }
    let mut versioned: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_str()?.split('.').next()?.parse().ok()?;
            Some((version, e.path().join("bin")))
        })
        .filter(|(_, dir)| has_initdb(dir))
        .collect();
    versioned.sort();
    if let Some((_, dir)) = versioned.pop() {
        return Ok(dir);
    }
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            if has_initdb(&dir) {
                return Ok(dir);
            }
        }
    }
    Err(
        "no PostgreSQL server binaries (initdb, pg_ctl) found via pg_config, \
         /usr/lib/postgresql/*/bin or PATH"
            .to_string(),
    )
}

fn is_root() -> bool {
    match fs::metadata("/proc/self") {
        Ok(m) => m.uid() == 0,
        Err(_) => Command::new("id")
            .arg("-u")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
            .unwrap_or(false),
    }
}

fn find_program(name: &str, extra: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    extra
        .iter()
        .map(PathBuf::from)
        .chain(std::env::split_paths(&path))
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

fn run_as_for_root() -> Result<RunAs, String> {
    let user_ok = Command::new("id")
        .arg("postgres")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !user_ok {
        return Err(
            "running as root but there is no 'postgres' user to run the server as \
                    (installing the postgresql package creates it)"
                .to_string(),
        );
    }
    if let Some(p) = find_program("runuser", &["/usr/sbin", "/sbin"]) {
        return Ok(RunAs::Runuser(p));
    }
    Ok(RunAs::Su)
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

fn build_command(run_as: &RunAs, prog: &Path, args: &[String]) -> Command {
    match run_as {
        RunAs::Me => {
            let mut c = Command::new(prog);
            c.args(args);
            c
        }
        RunAs::Runuser(runuser) => {
            let mut c = Command::new(runuser);
            c.args(["-u", "postgres", "--"]).arg(prog).args(args);
            c
        }
        RunAs::Su => {
            let line = std::iter::once(prog.display().to_string())
                .chain(args.iter().cloned())
                .map(|a| shell_quote(&a))
                .collect::<Vec<_>>()
                .join(" ");
            let mut c = Command::new("su");
            c.args(["postgres", "-s", "/bin/sh", "-c", &line]);
            c
        }
    }
}

/// The postgres user must be able to reach its data directory.
fn traversable_by_others(dir: &Path) -> bool {
    dir.ancestors().all(|d| {
        fs::metadata(d)
            .map(|m| m.permissions().mode() & 0o001 != 0)
            .unwrap_or(false)
    })
}

fn run_checked(mut cmd: Command, what: &str) -> Result<Output, String> {
    let out = cmd
        .output()
        .map_err(|e| format!("{what}: cannot run {cmd:?}: {e}"))?;
    if out.status.success() {
        Ok(out)
    } else {
        Err(format!(
            "{what} failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free loopback port: {e}"))
}

fn try_start() -> Result<TestPg, StartError> {
    let bindir = find_bindir().map_err(StartError::NoBinaries)?;
    let failed = StartError::Failed;
    let run_as = if is_root() {
        run_as_for_root().map_err(failed)?
    } else {
        RunAs::Me
    };

    let mut base = std::env::temp_dir();
    if !matches!(run_as, RunAs::Me) && !traversable_by_others(&base) {
        base = PathBuf::from("/tmp");
    }
    let root = tempfile::Builder::new()
        .prefix("migrate-lint-pg-")
        .tempdir_in(&base)
        .map_err(|e| failed(format!("creating temp dir in {}: {e}", base.display())))?;
    let data_dir = root.path().join("data");
    if !matches!(run_as, RunAs::Me) {
        let mut chown = Command::new("chown");
        chown.arg("-R").arg("postgres:").arg(root.path());
        run_checked(chown, "chown of the temp dir").map_err(failed)?;
    }
    let mut watchdog = WatchdogGuard(spawn_watchdog(&run_as, &bindir, &data_dir, root.path()));

    let s = |p: &Path| p.display().to_string();
    let initdb = build_command(
        &run_as,
        &bindir.join("initdb"),
        &[
            "-D".into(),
            s(&data_dir),
            "-U".into(),
            "postgres".into(),
            "-E".into(),
            "UTF8".into(),
            "--locale=C".into(),
            "-A".into(),
            "trust".into(),
            "--no-sync".into(),
        ],
    );
    run_checked(initdb, "initdb").map_err(failed)?;

    // Superuser trusted, everyone else needs a password: see module docs.
    // Truncating keeps the file's owner (postgres).
    fs::write(
        data_dir.join("pg_hba.conf"),
        "local all all trust\n\
         host all postgres 127.0.0.1/32 trust\n\
         host all all 127.0.0.1/32 scram-sha-256\n",
    )
    .map_err(|e| failed(format!("writing pg_hba.conf: {e}")))?;

    let log = data_dir.join("server.log");
    let mut last_error = String::new();
    // A port picked free can be taken before the server binds it; retry.
    for _ in 0..3 {
        let port = free_port().map_err(failed)?;
        let options = format!(
            "-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories='{}' \
             -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
             -c password_encryption=scram-sha-256",
            root.path().display()
        );
        let start = build_command(
            &run_as,
            &bindir.join("pg_ctl"),
            &[
                "-D".into(),
                s(&data_dir),
                "-l".into(),
                s(&log),
                "-w".into(),
                "-t".into(),
                "60".into(),
                "-o".into(),
                options,
                "start".into(),
            ],
        );
        match run_checked(start, "pg_ctl start") {
            Ok(_) => {
                return Ok(TestPg {
                    port,
                    url: format!("postgresql://postgres@127.0.0.1:{port}/postgres"),
                    bindir,
                    data_dir,
                    run_as,
                    watchdog: watchdog.0.take(),
                    root,
                });
            }
            Err(e) => {
                let tail = fs::read_to_string(&log).unwrap_or_default();
                let tail: Vec<&str> = tail.lines().rev().take(20).collect();
                let tail: Vec<&str> = tail.into_iter().rev().collect();
                last_error = format!("{e}\nserver log ({}):\n{}", log.display(), tail.join("\n"));
            }
        }
    }
    // A start that timed out may still leave a server behind.
    let _ = build_command(&run_as, &bindir.join("pg_ctl"), &stop_args(&data_dir))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    Err(failed(last_error))
}

/// Stops the server and removes its directory once this process is gone.
/// Started before initdb so a kill at any point leaves nothing behind.
fn spawn_watchdog(run_as: &RunAs, bindir: &Path, data_dir: &Path, root: &Path) -> Option<Child> {
    let stop = build_command(run_as, &bindir.join("pg_ctl"), &stop_args(data_dir));
    let script = "pid=$1; dir=$2; shift 2; \
                  while kill -0 \"$pid\" 2>/dev/null; do sleep 1; done; \
                  \"$@\" >/dev/null 2>&1; rm -rf \"$dir\"";
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(script)
        .arg("pg-watchdog")
        .arg(std::process::id().to_string())
        .arg(root)
        .arg(stop.get_program())
        .args(stop.get_args())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0);
    cmd.spawn().ok()
}

/// Kills the watchdog when start-up fails; the TempDir cleans the rest.
struct WatchdogGuard(Option<Child>);

impl Drop for WatchdogGuard {
    fn drop(&mut self) {
        if let Some(mut w) = self.0.take() {
            let _ = w.kill();
            let _ = w.wait();
        }
    }
}

/// The table exactly as Prisma's migrate creates it on PostgreSQL.
pub const PRISMA_TABLE: &str = r#"
CREATE TABLE "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
);
"#;
