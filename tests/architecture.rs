//! The layers of the crate, checked over the source: a module may import only the
//! modules of its own layer's ground and of the layers below it (docs/architecture.md,
//! "Invariants"). A `crate::` path anywhere in a file (in a `use` line or inline) counts.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The ground modules, in the order in which each may import only those before it (no
/// cycles); the first layer.
const GROUND_ORDER: &[&str] = &[
    "source",
    "english",
    "dates",
    "vocab",
    "diagnostic",
    "calendar",
];

/// The layers, bottom first. A module may use the modules of lower layers; the ground
/// modules may use each other but nothing above them (checked separately: no cycles).
const LAYERS: &[&[&str]] = &[
    GROUND_ORDER,
    &["syntax"],
    &["ir"],
    &["compile"],
    &["case"],
    &["eval"],
    &["report"],
    &["load"],
    &["tools"],
    &["lsp"],
    &["cli"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file of `src/` belongs to (`src/case/read.rs` → `case`).
fn module_of(path: &Path) -> String {
    let rel = path.strip_prefix("src").unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

/// Every module named by a `crate::NAME` path in the text, outside comments.
fn imports(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            let after = &rest[i + "crate::".len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.insert(name);
            }
            rest = after;
        }
        // `use crate::{a, b}` groups.
        if let Some(i) = code.find("crate::{") {
            let group = &code[i + "crate::{".len()..];
            for part in group.split([',', '}']) {
                let name: String = part
                    .trim()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.insert(name);
                }
            }
        }
    }
    out
}

#[test]
fn no_module_imports_a_layer_above_it() {
    let mut files = Vec::new();
    rust_files(Path::new("src"), &mut files);
    files.sort();
    let mut wrong = Vec::new();
    for file in &files {
        let module = module_of(file);
        if module == "lib" || module == "main" {
            continue;
        }
        let Some(own) = layer_of(&module) else {
            wrong.push(format!(
                "{}: module `{module}` is in no layer",
                file.display()
            ));
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap();
        for used in imports(&text) {
            if used == module {
                continue;
            }
            let Some(layer) = layer_of(&used) else {
                continue;
            };
            let upward = if own == 0 && layer == 0 {
                let rank = |m: &str| GROUND_ORDER.iter().position(|g| *g == m).unwrap();
                rank(&used) > rank(&module)
            } else {
                layer >= own
            };
            if upward {
                wrong.push(format!(
                    "{}: `{module}` imports `{used}`, which is not below it",
                    file.display()
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the layers:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn every_module_of_the_crate_is_in_a_layer() {
    let lib = std::fs::read_to_string("src/lib.rs").unwrap();
    let modules: Vec<&str> = lib
        .lines()
        .filter_map(|l| l.strip_prefix("pub mod "))
        .map(|l| l.trim_end_matches(';'))
        .collect();
    assert!(modules.len() >= 10, "{modules:?}");
    for m in modules {
        assert!(
            layer_of(m).is_some(),
            "`{m}` is in no layer of tests/architecture.rs"
        );
    }
}
