//! Reading Prisma's `_prisma_migrations` table (read-only) so the linter can tell which migration files a
//! database has applied, and with which checksum.

use std::str::FromStr;
use std::sync::Arc;

use postgres::config::SslMode;
use postgres::error::SqlState;
use postgres::{Client, Config, IsolationLevel, NoTls};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationRow {
    pub migration_name: String,
    /// As stored: lowercase hex, or unpadded hex for rows written by old
    /// Prisma versions.
    pub checksum: String,
    /// `finished_at IS NOT NULL`
    pub finished: bool,
    /// `rolled_back_at IS NOT NULL`
    pub rolled_back: bool,
    /// Text form of `started_at`, only meant for messages.
    pub started_at: String,
}

/// Query parameters the postgres crate understands. Everything else
/// (Prisma's `schema`, `connection_limit`, `sslaccept`, ...) would make its
/// parser fail, so it is dropped before parsing.
const PASSTHROUGH_PARAMS: &[&str] = &[
    "user",
    "password",
    "dbname",
    "options",
    "application_name",
    "host",
    "hostaddr",
    "port",
    "connect_timeout",
    "tcp_user_timeout",
    "keepalives",
    "keepalives_idle",
    "keepalives_interval",
    "keepalives_retries",
    "target_session_attrs",
    "channel_binding",
];

/// Without a timeout an unreachable host would hang the linter for minutes; a server that accepts and never
/// answers, forever. The URL's `connect_timeout` (else this) bounds each network step: connecting (TCP, TLS and the
/// startup handshake), and the read, whose lock_timeout and statement_timeout it also sets.
const DEFAULT_CONNECT_TIMEOUT_SECS: &str = "10";

/// What we took out of the URL ourselves.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ParsedUrl {
    /// The URL with only parameters the postgres crate accepts.
    conn_url: String,
    tls: bool,
    schema: String,
    sslrootcert: Option<String>,
    /// Seconds each network step may take ([`DEFAULT_CONNECT_TIMEOUT_SECS`]).
    timeout_secs: u64,
}

fn parse_url(url: &str) -> Result<ParsedUrl, String> {
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        return Err(format!(
            "unsupported database URL {} (expected postgresql://...)",
            describe_url(url)
        ));
    }
    let without_fragment = url.split('#').next().unwrap_or(url);
    let (base, query) = match without_fragment.split_once('?') {
        Some((b, q)) => (b, q),
        None => (without_fragment, ""),
    };

    let mut kept: Vec<&str> = Vec::new();
    let mut tls = false;
    let mut schema = String::from("public");
    let mut sslrootcert = None;
    let mut timeout_secs = None;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = percent_decode(raw_value);
        match key {
            "sslmode" => {
                tls = match value.as_str() {
                    "require" | "verify-ca" | "verify-full" => true,
                    "disable" | "allow" | "prefer" => false,
                    // The value is not echoed: nothing of the query string is.
                    _ => {
                        return Err(
                            "unsupported sslmode (expected disable, allow, prefer, require, \
                                    verify-ca or verify-full)"
                                .to_string(),
                        )
                    }
                }
            }
            "schema" => schema = value,
            "sslrootcert" => sslrootcert = Some(value),
            // Zero (libpq: wait forever) or nonsense gets the default: nothing waits forever.
            "connect_timeout" => timeout_secs = value.parse::<u64>().ok().filter(|t| *t > 0),
            k if PASSTHROUGH_PARAMS.contains(&k) => kept.push(pair),
            _ => {}
        }
    }
    let timeout_secs = timeout_secs.unwrap_or_else(|| {
        DEFAULT_CONNECT_TIMEOUT_SECS
            .parse()
            .expect("a number of seconds")
    });
    let timeout_param = format!("connect_timeout={timeout_secs}");
    kept.push(&timeout_param);
    Ok(ParsedUrl {
        conn_url: format!("{base}?{}", kept.join("&")),
        tls,
        schema,
        sslrootcert,
        timeout_secs,
    })
}

/// Connects, opens a READ ONLY transaction and reads `_prisma_migrations`
/// (in the schema named by the URL's `schema` parameter, default `public`)
/// ordered by `started_at, migration_name`.
///
/// A missing table is an error: silently treating it as "nothing applied"
/// would hide a wrong URL or schema. No error message contains the password.
pub fn read_applied(url: &str) -> Result<Vec<MigrationRow>, String> {
    let secrets = password_forms(url);
    read_applied_inner(url).map_err(|e| scrub(&e, &secrets))
}

/// What the thread that talks to the database reports.
enum Progress {
    Connected,
    Done(Result<Vec<MigrationRow>, String>),
}

/// Talks to the database on a thread of its own, and gives up on it after the timeout of each step: the postgres
/// crate's connect_timeout covers the TCP connection only, not a server that accepts it and then never answers.
fn read_applied_inner(url: &str) -> Result<Vec<MigrationRow>, String> {
    let parsed = parse_url(url)?;
    let shown = describe_url(url);
    let secs = parsed.timeout_secs;
    let (sender, progress) = std::sync::mpsc::channel();
    let reader = {
        let shown = shown.clone();
        move || {
            let report = sender.clone();
            let rows = connect_and_read(&parsed, &shown, || {
                let _ = report.send(Progress::Connected);
            });
            let _ = sender.send(Progress::Done(rows));
        }
    };
    std::thread::Builder::new()
        .name("database".into())
        .spawn(reader)
        .map_err(|e| format!("could not start reading the database: {e}"))?;
    let step = std::time::Duration::from_secs(secs);
    match progress.recv_timeout(step) {
        Ok(Progress::Connected) => {}
        Ok(Progress::Done(rows)) => return rows,
        Err(_) => {
            return Err(format!(
                "could not connect to {shown}: no answer within {secs} s (connect_timeout; TLS and startup \
                 included)"
            ))
        }
    }
    // The server ends the read at its statement_timeout; a second more for the answer to arrive.
    match progress.recv_timeout(step + std::time::Duration::from_secs(1)) {
        Ok(Progress::Done(rows)) => rows,
        _ => Err(format!(
            "no answer from {shown} within {secs} s while reading _prisma_migrations"
        )),
    }
}

fn connect_and_read(
    parsed: &ParsedUrl,
    shown: &str,
    connected: impl FnOnce(),
) -> Result<Vec<MigrationRow>, String> {
    let mut config = Config::from_str(&parsed.conn_url)
        .map_err(|e| format!("invalid database URL {shown}: {e}"))?;
    let db = config
        .get_dbname()
        .or(config.get_user())
        .unwrap_or("postgres")
        .to_string();

    let mut client = if parsed.tls {
        config.ssl_mode(SslMode::Require);
        let tls = tls_connector(parsed.sslrootcert.as_deref())?;
        config.connect(tls)
    } else {
        config.ssl_mode(SslMode::Disable);
        config.connect(NoTls)
    }
    .map_err(|e| format!("could not connect to {shown}: {}", describe(&e)))?;
    connected();
    read_table(&mut client, &parsed.schema, &db, parsed.timeout_secs)
}

fn read_table(
    client: &mut Client,
    schema: &str,
    db: &str,
    timeout_secs: u64,
) -> Result<Vec<MigrationRow>, String> {
    let mut tx = client
        .build_transaction()
        .read_only(true)
        .isolation_level(IsolationLevel::RepeatableRead)
        .start()
        .map_err(|e| format!("could not start a read-only transaction: {}", describe(&e)))?;
    // A table locked by a migration in progress (or anything else) fails the read instead of stalling it; the lock
    // timeout is a little shorter so that the error names the lock as the cause.
    let lock_ms = timeout_secs * 1000 - 250;
    tx.batch_execute(&format!(
        "SET LOCAL lock_timeout = '{lock_ms}ms'; SET LOCAL statement_timeout = '{timeout_secs}s'"
    ))
    .map_err(|e| format!("could not set the read's timeouts: {}", describe(&e)))?;

    let sql = format!(
        "SELECT migration_name::text, checksum::text, finished_at IS NOT NULL, \
         rolled_back_at IS NOT NULL, started_at::text \
         FROM {}._prisma_migrations ORDER BY started_at, migration_name",
        quote_ident(schema)
    );
    let rows = tx.query(sql.as_str(), &[]).map_err(|e| {
        if e.code() == Some(&SqlState::UNDEFINED_TABLE)
            || e.code() == Some(&SqlState::INVALID_SCHEMA_NAME)
        {
            format!("no _prisma_migrations table in {db} (schema \"{schema}\")")
        } else {
            format!(
                "could not read _prisma_migrations in {db}: {}",
                describe(&e)
            )
        }
    })?;

    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let field = |e: postgres::Error| format!("unexpected _prisma_migrations row: {e}");
        out.push(MigrationRow {
            migration_name: row.try_get(0).map_err(field)?,
            checksum: row.try_get(1).map_err(field)?,
            finished: row.try_get(2).map_err(field)?,
            rolled_back: row.try_get(3).map_err(field)?,
            started_at: row.try_get(4).map_err(field)?,
        });
    }
    // Only reads happened; rolling back keeps it that way even if a
    // view or function on the server tried otherwise.
    tx.rollback()
        .map_err(|e| format!("could not end transaction: {}", describe(&e)))?;
    Ok(out)
}

/// The server's own message is more useful than the crate's generic
/// "db error" wrapper.
fn describe(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{}: {}", db.severity(), db.message()),
        // The cause (connection refused, timed out, ...) is in the source.
        None => match std::error::Error::source(e) {
            Some(cause) => format!("{e}: {cause}"),
            None => e.to_string(),
        },
    }
}

fn tls_connector(
    rootcert: Option<&str>,
) -> Result<tokio_postgres_rustls::MakeRustlsConnect, String> {
    let mut roots = rustls::RootCertStore::empty();
    match rootcert {
        Some(path) => {
            use rustls::pki_types::pem::PemObject;
            use rustls::pki_types::CertificateDer;
            let certs = CertificateDer::pem_file_iter(path)
                .map_err(|e| format!("cannot read sslrootcert {path}: {e}"))?;
            for cert in certs {
                let cert = cert.map_err(|e| format!("bad certificate in {path}: {e}"))?;
                roots
                    .add(cert)
                    .map_err(|e| format!("bad certificate in {path}: {e}"))?;
            }
        }
        None => {
            let native = rustls_native_certs::load_native_certs();
            roots.add_parsable_certificates(native.certs);
        }
    }
    if roots.is_empty() {
        return Err("TLS requested but no trusted root certificates were found".to_string());
    }
    // Explicit provider: relying on the process default panics when more
    // than one crypto backend is compiled in.
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS setup failed: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// How messages name a database URL: host, port and database at most. Never the user, the password or the query
/// string, which may hold one (`password=`) or an API key (Prisma Accelerate's `prisma+postgres://...?api_key=`); a
/// URL that does not parse is not shown at all, since where its secret sits is unknown.
pub fn describe_url(url: &str) -> String {
    let scheme = url.split_once("://").map(|(scheme, _)| scheme).filter(|s| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    let Some(scheme) = scheme else {
        return "(not shown: it has no scheme such as postgresql://)".to_string();
    };
    if scheme != "postgres" && scheme != "postgresql" {
        return format!("{scheme}://... (the rest not shown)");
    }
    let config = parse_url(url)
        .ok()
        .and_then(|parsed| Config::from_str(&parsed.conn_url).ok());
    let Some(config) = config else {
        return "(not shown: it does not parse)".to_string();
    };
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .zip(
            config
                .get_ports()
                .iter()
                .map(Some)
                .chain(std::iter::repeat(None)),
        )
        .map(|(host, port)| {
            let host = match host {
                // An unencoded `@` in a password leaves its tail in the host name.
                postgres::config::Host::Tcp(name) => {
                    name.rsplit('@').next().unwrap_or("").to_string()
                }
                #[allow(unreachable_patterns)]
                other => format!("{other:?}"),
            };
            match port {
                Some(port) => format!("{host}:{port}"),
                None => host,
            }
        })
        .collect();
    let shown = format!(
        "{}/{}",
        hosts.join(","),
        config.get_dbname().unwrap_or_default()
    );
    // Text from the URL reaches terminals and CI annotations: no control characters.
    shown.chars().filter(|c| !c.is_control()).collect()
}

/// Every spelling of the password that might show up in a message.
fn password_forms(url: &str) -> Vec<String> {
    let mut found = Vec::new();
    let (head, query) = match url.split_once('?') {
        Some((h, q)) => (h, q),
        None => (url, ""),
    };
    if let Some(i) = head.find("://") {
        let rest = &head[i + 3..];
        if let Some(at) = rest.rfind('@') {
            if let Some((_, pw)) = rest[..at].split_once(':') {
                found.push(pw.to_string());
            }
        }
    }
    for p in query.split('&') {
        if let Some(("password", pw)) = p.split_once('=') {
            found.push(pw.to_string());
        }
    }
    let decoded: Vec<String> = found.iter().map(|p| percent_decode(p)).collect();
    found.extend(decoded);
    found.retain(|p| !p.is_empty());
    // Longest first so a password containing another one is fully replaced.
    found.sort_by_key(|p| std::cmp::Reverse(p.len()));
    found.dedup();
    found
}

fn scrub(message: &str, secrets: &[String]) -> String {
    secrets
        .iter()
        .fold(message.to_string(), |m, s| m.replace(s.as_str(), "***"))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok());
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_is_described_by_host_port_and_database_only() {
        assert_eq!(
            describe_url("postgresql://app:hunter2@db.example:5432/app?schema=public&password=x"),
            "db.example:5432/app"
        );
        assert_eq!(
            describe_url("postgres://app:a@b@localhost/db"),
            "localhost:5432/db"
        );
        assert_eq!(
            describe_url("postgres://h1:5432,h2:5433/db"),
            "h1:5432,h2:5433/db"
        );
        for secret in [
            "prisma+postgres://accelerate.prisma-data.net/?api_key=hunter2",
            "postgresql//app:hunter2@h/db",
            "postgres://app:hun/ter2@h/db",
            "not a url hunter2",
        ] {
            let shown = describe_url(secret);
            assert!(
                !shown.contains("hunter2") && !shown.contains("ter2"),
                "{secret}: {shown}"
            );
        }
    }

    #[test]
    fn scrub_removes_raw_and_decoded_password() {
        let secrets = password_forms("postgres://u:p%40ssword@h/db");
        let msg = scrub("failed for p@ssword and p%40ssword", &secrets);
        assert!(
            !msg.contains("p@ssword") && !msg.contains("p%40ssword"),
            "{msg}"
        );
    }

    #[test]
    fn parse_url_strips_prisma_params_and_reads_sslmode() {
        let p = parse_url(
            "postgresql://u:pw@h:5432/db?schema=tenant%20a&connection_limit=5&sslmode=verify-full&application_name=x",
        )
        .unwrap();
        assert_eq!(p.schema, "tenant a");
        assert!(p.tls);
        assert_eq!(
            p.conn_url,
            "postgresql://u:pw@h:5432/db?application_name=x&connect_timeout=10"
        );
        let p = parse_url("postgres://h/db?connect_timeout=3").unwrap();
        assert!(!p.tls);
        assert_eq!(p.schema, "public");
        assert_eq!(p.conn_url, "postgres://h/db?connect_timeout=3");
        assert!(parse_url("postgres://h/db?sslmode=bogus").is_err());
        assert!(parse_url("mysql://h/db").is_err());
    }

    #[test]
    fn unparsable_url_error_hides_password() {
        let err = read_applied("postgres://u:topsecret@h:notaport/db").unwrap_err();
        assert!(!err.contains("topsecret"), "{err}");
    }
}
