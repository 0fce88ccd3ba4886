//! Prisma's checksum of a migration file, and its rule for when a recorded checksum still matches.

use sha2::{Digest, Sha256};

/// Lowercase, zero-padded hex SHA-256, as Prisma stores it today.
pub fn checksum_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes), true)
}

fn hex(digest: &[u8], padded: bool) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(digest.len() * 2);
    for b in digest {
        // Writing to a String cannot fail.
        let _ = if padded {
            write!(s, "{b:02x}")
        } else {
            write!(s, "{b:x}")
        };
    }
    s
}

/// Whether a stored checksum matches the file, by Prisma's rules: the file
/// as-is, with CRLF turned into LF, or with lone LF turned into CRLF (git
/// may have rewritten line endings since it was applied).
///
/// Old Prisma versions wrote each digest byte with `{:x}`, dropping the
/// zero of bytes below 0x10 anywhere in the string (prisma-engines#1887).
/// Like Prisma, a stored value that is not 64 characters long is compared
/// against that legacy rendering.
pub fn checksum_matches(stored: &str, file_bytes: &[u8]) -> bool {
    let legacy = !stored.is_empty() && stored.len() != 64;
    let candidates = [
        file_bytes.to_vec(),
        crlf_to_lf(file_bytes),
        lone_lf_to_crlf(file_bytes),
    ];
    candidates
        .iter()
        .any(|c| hex(&Sha256::digest(c), !legacy) == stored)
}

/// Every stored checksum that [`checksum_matches`] the file: hashed once, to look many stored checksums up in.
pub fn matching_checksums(file_bytes: &[u8]) -> Vec<String> {
    let mut forms = Vec::with_capacity(6);
    for candidate in [
        file_bytes.to_vec(),
        crlf_to_lf(file_bytes),
        lone_lf_to_crlf(file_bytes),
    ] {
        let digest = Sha256::digest(&candidate);
        forms.push(hex(&digest, true));
        // The legacy rendering counts only when it is not 64 characters long (else it is the padded one).
        let legacy = hex(&digest, false);
        if legacy.len() != 64 {
            forms.push(legacy);
        }
    }
    forms
}

fn crlf_to_lf(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
            i += 1;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

fn lone_lf_to_crlf(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 16);
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' && (i == 0 || bytes[i - 1] != b'\r') {
            out.push(b'\r');
        }
        out.push(b);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksum_hex_is_prisma_format() {
        // Value from Prisma's own test suite.
        assert_eq!(
            checksum_hex(b"hello"),
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
        );
    }

    #[test]
    fn same_text_matches() {
        let sql = b"CREATE TABLE a (id int);\n";
        assert!(checksum_matches(&checksum_hex(sql), sql));
    }

    #[test]
    fn line_ending_changes_match_both_ways() {
        let lf = b"CREATE TABLE a (id int);\nALTER TABLE a ADD b int;\n";
        let crlf = b"CREATE TABLE a (id int);\r\nALTER TABLE a ADD b int;\r\n";
        assert!(checksum_matches(&checksum_hex(lf), crlf));
        assert!(checksum_matches(&checksum_hex(crlf), lf));
    }

    #[test]
    fn content_changes_do_not_match() {
        let sql = b"CREATE TABLE a (id int);\n";
        let stored = checksum_hex(sql);
        for changed in [
            &b"CREATE TABLE a (id int); \n"[..],
            b"CREATE TABLE a (id int);\n\n",
            b"CREATE TABLE a  (id int);\n",
            b"-- note\nCREATE TABLE a (id int);\n",
            b"\xEF\xBB\xBFCREATE TABLE a (id int);\n",
            b"CREATE TABLE a (id int);",
            b"CREATE TABLE a (id int);\r",
        ] {
            assert!(!checksum_matches(&stored, changed), "{changed:?}");
        }
        assert!(!checksum_matches("", sql));
    }

    /// Finds a text whose digest has a byte below 0x10 that is not the first
    /// one, so "strip leading zeros" and per-byte legacy rendering differ.
    fn text_with_inner_small_byte() -> Vec<u8> {
        (0u32..)
            .map(|n| format!("SELECT {n};\n").into_bytes())
            .find(|t| {
                let d = Sha256::digest(t);
                d[0] >= 0x10 && d[1..].iter().any(|b| *b < 0x10)
            })
            .unwrap()
    }

    #[test]
    fn legacy_unpadded_checksum_matches() {
        let sql = text_with_inner_small_byte();
        let legacy = hex(&Sha256::digest(&sql), false);
        assert!(legacy.len() < 64);
        assert!(checksum_matches(&legacy, &sql));
        // Also across line endings, like the padded form.
        let crlf = lone_lf_to_crlf(&sql);
        assert!(checksum_matches(&legacy, &crlf));
        assert!(!checksum_matches(&legacy, b"SELECT 'other';\n"));
    }

    #[test]
    fn line_ending_helpers() {
        assert_eq!(crlf_to_lf(b"a\r\nb\rc\n"), b"a\nb\rc\n");
        assert_eq!(lone_lf_to_crlf(b"a\nb\r\nc\n"), b"a\r\nb\r\nc\r\n");
        assert_eq!(lone_lf_to_crlf(b"\n"), b"\r\n");
    }
}
