//! Set-up shared by the tests that run the built binary in temporary folders.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

/// Run `kzrules ARGS` in `dir`, without colour, on a fixed today.
pub fn run(args: &[&str], dir: &Path) -> Output {
    Command::cargo_bin("kzrules")
        .unwrap()
        .env("NO_COLOR", "1")
        .env("KZRULES_TODAY", "2024-06-01")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

/// Bytes as text, for messages and `contains`.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The repository's folder.
pub fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A copy of the shipped rule files (not their tests) in `to`.
pub fn copy_rules(to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(manifest().join("rules")).unwrap() {
        let path = entry.unwrap().path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if path.is_file() && (ext == "kzr" || ext == "kzcal") {
            std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
        }
    }
}
