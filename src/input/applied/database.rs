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

/// Without a timeout an unreachable host would hang the linter for minutes.
const DEFAULT_CONNECT_TIMEOUT_SECS: &str = "10";

/// What we took out of the URL ourselves.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ParsedUrl {
    /// The URL with only parameters the postgres crate accepts.
    conn_url: String,
    tls: bool,
    schema: String,
    sslrootcert: Option<String>,
}

fn parse_url(url: &str) -> Result<ParsedUrl, String> {
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        return Err(format!(
            "unsupported database URL {} (expected postgresql://...)",
            redact_url(url)
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
    let mut has_timeout = false;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = percent_decode(raw_value);
        match key {
            "sslmode" => {
                tls = match value.as_str() {
                    "require" | "verify-ca" | "verify-full" => true,
                    "disable" | "allow" | "prefer" => false,
                    other => return Err(format!("unsupported sslmode '{other}'")),
                }
            }
            "schema" => schema = value,
            "sslrootcert" => sslrootcert = Some(value),
            k if PASSTHROUGH_PARAMS.contains(&k) => {
                has_timeout |= k == "connect_timeout";
                kept.push(pair);
            }
            _ => {}
        }
    }
    let timeout_param = format!("connect_timeout={DEFAULT_CONNECT_TIMEOUT_SECS}");
    if !has_timeout {
        kept.push(&timeout_param);
    }
    Ok(ParsedUrl {
        conn_url: format!("{base}?{}", kept.join("&")),
        tls,
        schema,
        sslrootcert,
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

fn read_applied_inner(url: &str) -> Result<Vec<MigrationRow>, String> {
    let parsed = parse_url(url)?;
    let shown = redact_url(url);
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

    read_table(&mut client, &parsed.schema, &db)
}

fn read_table(client: &mut Client, schema: &str, db: &str) -> Result<Vec<MigrationRow>, String> {
    let mut tx = client
        .build_transaction()
        .read_only(true)
        .isolation_level(IsolationLevel::RepeatableRead)
        .start()
        .map_err(|e| format!("could not start a read-only transaction: {}", describe(&e)))?;

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
        None => e.to_string(),
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

/// Replaces the password of a `postgres://user:password@host/db` URL (and
/// any `password=` query parameter) with `***`.
pub fn redact_url(url: &str) -> String {
    let (head, query) = match url.split_once('?') {
        Some((h, q)) => (h, Some(q)),
        None => (url, None),
    };
    let mut out = match head.find("://") {
        Some(i) => {
            let (scheme, rest) = head.split_at(i + 3);
            // Last '@' so an unencoded '@' in the password is still covered.
            match rest.rfind('@') {
                Some(at) => {
                    let (userinfo, hostpart) = rest.split_at(at);
                    match userinfo.split_once(':') {
                        Some((user, _)) => format!("{scheme}{user}:***{hostpart}"),
                        None => head.to_string(),
                    }
                }
                None => head.to_string(),
            }
        }
        None => head.to_string(),
    };
    if let Some(q) = query {
        let params: Vec<String> = q
            .split('&')
            .map(|p| match p.split_once('=') {
                Some(("password", _)) => "password=***".to_string(),
                _ => p.to_string(),
            })
            .collect();
        out.push('?');
        out.push_str(&params.join("&"));
    }
    out
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
    fn redacts_userinfo_password() {
        assert_eq!(
            redact_url("postgresql://app:hunter2@db.example:5432/app?schema=public"),
            "postgresql://app:***@db.example:5432/app?schema=public"
        );
        assert_eq!(
            redact_url("postgres://app:p%40ss@localhost/db"),
            "postgres://app:***@localhost/db"
        );
        // Unencoded '@' inside the password must not leak the tail.
        assert_eq!(
            redact_url("postgres://app:a@b@localhost/db"),
            "postgres://app:***@localhost/db"
        );
    }

    #[test]
    fn redacts_query_password_and_leaves_others() {
        assert_eq!(
            redact_url("postgres://localhost/db?user=a&password=s3cret&sslmode=require"),
            "postgres://localhost/db?user=a&password=***&sslmode=require"
        );
        assert_eq!(
            redact_url("postgres://app@localhost/db"),
            "postgres://app@localhost/db"
        );
        assert_eq!(
            redact_url("postgres://localhost/db"),
            "postgres://localhost/db"
        );
        assert_eq!(redact_url("not a url"), "not a url");
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
