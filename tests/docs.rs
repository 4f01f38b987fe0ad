//! Documentation that cannot go stale: every error code in the source has its section in
//! docs/errors.md, every file named in docs/architecture.md exists, the README's
//! commands work, and no document sends its reader outside the repository.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;

fn source_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            source_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The error codes written in the source outside tests: `"kzrules::..."` literals and
/// `code(kzrules::...)` attributes.
fn codes_in_source() -> Vec<String> {
    let mut files = Vec::new();
    source_files(Path::new("src"), &mut files);
    let mut codes = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        // Leave out test modules: they make up codes on purpose.
        let text = text.split("#[cfg(test)]").next().unwrap_or("");
        for (i, _) in text.match_indices("kzrules::") {
            let before = &text[..i];
            if !(before.ends_with('"') || before.ends_with("code(")) {
                continue;
            }
            let code: String = text[i..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            let code = code.trim_end_matches(':').to_string();
            if code.matches("::").count() >= 1
                && !code.ends_with("::case")
                && !codes.contains(&code)
            {
                codes.push(code);
            }
        }
    }
    codes.sort();
    codes
}

#[test]
fn every_error_code_has_a_section() {
    let docs = std::fs::read_to_string("docs/errors.md").unwrap();
    let codes = codes_in_source();
    assert!(codes.len() > 40, "found only {codes:?}");
    let missing: Vec<&String> = codes
        .iter()
        .filter(|c| !docs.contains(&format!("### {c}\n")))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/errors.md has no section for {missing:?}"
    );
}

#[test]
fn every_path_in_the_architecture_exists() {
    let docs = std::fs::read_to_string("docs/architecture.md").unwrap();
    let mut missing = Vec::new();
    for (i, _) in docs.match_indices('`') {
        let rest = &docs[i + 1..];
        let Some(end) = rest.find('`') else { continue };
        let word = &rest[..end];
        let looks_like_path = (word.starts_with("src/")
            || word.starts_with("tests/")
            || word.starts_with("rules/")
            || word.starts_with("grammar/")
            || word.starts_with("benches/")
            || word.starts_with("fuzz/")
            || word == "build.rs")
            && !word.contains('*')
            && !word.contains(' ');
        if looks_like_path && !Path::new(word).exists() {
            missing.push(word.to_string());
        }
    }
    missing.sort();
    missing.dedup();
    assert!(
        missing.is_empty(),
        "docs/architecture.md names files that do not exist: {missing:?}"
    );
}

#[test]
fn the_readme_names_its_two_commands() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    assert!(readme.contains("cargo run --release -- check examples/arrival.json"));
    assert!(readme.contains("cargo test"));
    assert!(Path::new("examples/arrival.json").exists());
    let ci = std::fs::read_to_string(".ci/run").unwrap();
    assert!(ci.contains("cargo test"));
}

#[test]
fn the_users_sentence_stands_in_the_rules() {
    let rules = std::fs::read_to_string("rules/notifications.kzr").unwrap();
    assert!(
        rules.contains("notify within 3 business_days of entry unless holder_of residence_permit")
    );
}

#[test]
fn the_readme_shows_what_the_main_command_prints() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let after = readme.split("The first prints").nth(1).unwrap();
    let block = after.split("```\n").nth(1).unwrap();
    let out = assert_cmd::Command::cargo_bin("kzrules")
        .unwrap()
        .env("NO_COLOR", "1")
        .args(["check", "examples/arrival.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let printed = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        printed.trim_end(),
        block.trim_end(),
        "README.md's example output is stale"
    );
}

// The tutorial's typo, and every other command and output of docs/tutorial.md, are
// checked by running the tutorial: tests/tutorial.rs.

#[test]
fn no_document_points_outside_the_repository() {
    // The contract and the catalog are docs/contract.md and docs/catalog.md; the copies
    // they were first written in are not part of the repository.
    const OUTSIDE: [&str; 5] = ["CASES.md", "CATALOG.md", "../shared", "/work/", "../seeds"];
    let mut files = vec![std::path::PathBuf::from("README.md")];
    for dir in ["docs", "tests/cases"] {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "md" || e == "json") {
                files.push(path);
            }
        }
    }
    source_files(Path::new("src"), &mut files);
    let mut found = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            for pattern in OUTSIDE {
                if line.contains(pattern) {
                    found.push(format!("{}:{}: `{pattern}`", file.display(), n + 1));
                }
            }
        }
    }
    assert!(files.len() > 50, "only {} files read", files.len());
    assert!(
        found.is_empty(),
        "these send the reader outside the repository (name docs/contract.md, \
         docs/catalog.md or docs/language.md instead):\n{}",
        found.join("\n")
    );
}
