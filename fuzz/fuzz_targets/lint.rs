//! One migration file of arbitrary bytes (read lossily, as the CLI does with invalid UTF-8).
#![no_main]

use libfuzzer_sys::fuzz_target;
use migrate_lint_fuzz::{lint_and_check, migration};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    lint_and_check(&[migration(0, &text)], &[true]);
});
