//! The folders under src/ are layers (listed in src/lib.rs): a module imports only from its own layer and the layers
//! below it, so a reader can take them bottom-up and a change ripples only upward.

use std::fs;
use std::path::Path;

/// Lowest first, as src/lib.rs lists them.
const LAYERS: &[&str] = &[
    "syntax", "input", "ops", "catalog", "pg", "fix", "rules", "engine", "report", "cli",
];

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every `crate::<layer>` named in code (comments aside) of one file.
fn layers_used(text: &str) -> Vec<&str> {
    let mut used = Vec::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            let name: &str = rest
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .next()
                .unwrap_or("");
            if let Some(layer) = LAYERS.iter().find(|l| **l == name) {
                used.push(*layer);
            }
        }
    }
    used
}

#[test]
fn no_module_imports_from_a_layer_above_its_own() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut upward = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(&src).unwrap();
        let top = relative
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let Some(own) = LAYERS
            .iter()
            .position(|l| *l == top.trim_end_matches(".rs"))
        else {
            continue;
        };
        for used in layers_used(&fs::read_to_string(file).unwrap()) {
            if LAYERS.iter().position(|l| *l == used).unwrap() > own {
                upward.push(format!("{} uses crate::{used}", relative.display()));
            }
        }
    }
    assert!(upward.is_empty(), "upward imports:\n{}", upward.join("\n"));
}

#[test]
fn src_has_at_most_twelve_entries_each_layer_documented() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let entries: Vec<_> = fs::read_dir(&src)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(entries.len() <= 12, "{} entries in src/", entries.len());
    for layer in LAYERS {
        let module = if src.join(layer).is_dir() {
            src.join(layer).join("mod.rs")
        } else {
            src.join(format!("{layer}.rs"))
        };
        let text = fs::read_to_string(&module).unwrap();
        assert!(
            text.starts_with("//! "),
            "{} has no module comment",
            module.display()
        );
    }
}

#[test]
fn the_check_sees_an_upward_import_and_ignores_comments() {
    assert_eq!(layers_used("use crate::engine::lint;\n"), ["engine"]);
    assert_eq!(
        layers_used("/// see `crate::engine::suppress`\n"),
        Vec::<&str>::new()
    );
    assert_eq!(
        layers_used("let x = crate::ops::y(crate::pg::z);"),
        ["ops", "pg"]
    );
}
