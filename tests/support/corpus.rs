//! The shared corpus of real migrations.

/// ../shared/corpus beside this checkout. CI always has it; elsewhere it is optional, and the tests that need it
/// skip (saying so).
pub fn corpus_root() -> Option<std::path::PathBuf> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if root.is_dir() {
        return Some(root);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "../shared/corpus is missing on CI"
    );
    eprintln!("skipped: no ../shared/corpus beside this checkout");
    None
}
