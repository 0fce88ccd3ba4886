//! One migration with a deep operator chain (`OR`, `||`, `::`, `[]`, `UNION ALL`, ...) of up to 65,535 links: never
//! a stack overflow, whether the chain is parsed or reported unparsed past the guard.
#![no_main]

use libfuzzer_sys::fuzz_target;
use migrate_lint_fuzz::{deep_chain, lint_and_check, migration};

fuzz_target!(|data: &[u8]| {
    lint_and_check(&[migration(0, &deep_chain(data))], &[true]);
});
