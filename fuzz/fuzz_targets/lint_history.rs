//! A history of several migration files, split at `\n---\n`, so the catalog replay sees objects created, altered
//! and dropped across files. An even first byte reports every file (a CI run); an odd one only the last (a
//! pre-commit run, where earlier files are replayed for context only).
#![no_main]

use libfuzzer_sys::fuzz_target;
use migrate_lint_fuzz::{lint_and_check, migration, FILE_SEPARATOR};

fuzz_target!(|data: &[u8]| {
    let report_all = data.first().is_none_or(|b| b % 2 == 0);
    let text = String::from_utf8_lossy(data);
    let files: Vec<_> = text
        .split(FILE_SEPARATOR)
        .take(64)
        .enumerate()
        .map(|(i, t)| migration(i, t))
        .collect();
    let last = files.len() - 1;
    let report: Vec<bool> = (0..files.len()).map(|i| report_all || i == last).collect();
    lint_and_check(&files, &report);
});
