//! Rule diagnostics on the command line: `--message-format short`, `kzrules
//! explain-code`, SARIF when the rule folder cannot be read, and help links that point
//! at the anchors GitHub renders for docs/errors.md.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use assert_cmd::Command;
use serde_json::Value;

fn kzrules() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kzrules"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE");
    cmd
}

/// A folder holding one rule file with the text given.
fn rule_folder(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("r.kzr"), text).unwrap();
    dir
}

const MISSPELT: &str = "source law \"Law\"\n\
    rule r {\n  titel \"R\"\n  cite law \"art. 1\"\n  bearer host\n  action \"notify\"\n  \
    notify within 3 business_days of entry\n}\n";

#[test]
fn short_format_is_one_line_per_problem() {
    let dir = rule_folder(MISSPELT);
    let out = kzrules()
        .args(["compile", "--message-format", "short"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    let file = dir.path().join("r.kzr");
    assert_eq!(
        lines[0],
        format!(
            "{}:3:3: error[kzrules::syntax]: unknown keyword `titel` (help: did you mean `title`?)",
            file.display()
        )
    );
}

#[test]
fn short_format_for_check_and_test_too() {
    let dir = rule_folder(MISSPELT);
    let check = kzrules()
        .args(["check", "--message-format", "short", "--rules"])
        .arg(dir.path())
        .arg("examples/arrival.json")
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(2));
    let stderr = String::from_utf8(check.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains(":3:3: error[kzrules::syntax]: unknown keyword `titel`"));
    let test = kzrules()
        .args(["test", "--message-format", "short"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(test.status.code(), Some(2));
    let stderr = String::from_utf8(test.stderr).unwrap();
    assert!(stderr.contains(":3:3: error[kzrules::syntax]"), "{stderr}");
}

#[test]
fn the_long_message_is_printed_once() {
    let dir = rule_folder(MISSPELT);
    let out = kzrules().arg("compile").arg(dir.path()).output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.matches("titel").count(), 2, "{stderr}"); // message and source line
    assert_eq!(
        stderr.matches("did you mean `title`").count(),
        1,
        "{stderr}"
    );
}

#[test]
fn json_and_sarif_carry_the_fix() {
    let dir = rule_folder(MISSPELT);
    let out = kzrules()
        .args(["compile", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = &v["diagnostics"][0];
    let offset = MISSPELT.find("titel").unwrap();
    assert_eq!(
        d["fix"],
        serde_json::json!({"offset": offset, "length": 5, "replacement": "title"})
    );
    let out = kzrules()
        .args(["compile", "--format", "sarif"])
        .arg(dir.path())
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let fix = &v["runs"][0]["results"][0]["fixes"][0]["artifactChanges"][0]["replacements"][0];
    assert_eq!(fix["deletedRegion"]["byteOffset"], offset);
    assert_eq!(fix["deletedRegion"]["byteLength"], 5);
    assert_eq!(fix["insertedContent"]["text"], "title");
}

#[test]
fn an_unreadable_rule_folder_is_a_sarif_result() {
    for format in ["sarif", "json", "github"] {
        let out = kzrules()
            .args(["compile", "--format", format, "no/such/folder"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{format}");
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert!(!stdout.is_empty(), "{format}: an empty output");
        let code = if format == "github" {
            "kzrules%3A%3Arules%3A%3Aread"
        } else {
            "kzrules::rules::read"
        };
        assert!(stdout.contains(code), "{format}: {stdout}");
        if format == "sarif" {
            let v: Value = serde_json::from_str(&stdout).unwrap();
            let result = &v["runs"][0]["results"][0];
            assert_eq!(result["ruleId"], "kzrules::rules::read");
            assert_eq!(result["level"], "error");
            assert!(result["message"]["text"]
                .as_str()
                .unwrap()
                .contains("no/such/folder"));
            assert_eq!(
                result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                "no/such/folder"
            );
        }
    }
}

/// GitHub's anchor for a heading, written independently of the program's: lowercase,
/// punctuation other than `-` and `_` removed, spaces as `-`, a repeat with `-N`.
fn github_anchors(markdown: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut in_code = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code || !line.starts_with('#') {
            continue;
        }
        let title = line.trim_start_matches('#').trim().to_string();
        let slug: String = title
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
            .map(|c| if c == ' ' { '-' } else { c })
            .collect();
        let repeats = out.iter().filter(|(_, a)| *a == slug).count();
        let anchor = if repeats == 0 {
            slug
        } else {
            format!("{slug}-{repeats}")
        };
        out.push((title, anchor));
    }
    out
}

#[test]
fn every_codes_help_link_is_an_anchor_github_renders() {
    let errors = std::fs::read_to_string("docs/errors.md").unwrap();
    let anchors = github_anchors(&errors);
    let codes: Vec<&(String, String)> = anchors
        .iter()
        .filter(|(title, _)| title.starts_with("kzrules::"))
        .collect();
    assert!(codes.len() > 40, "{codes:?}");
    for (code, anchor) in codes {
        assert_eq!(
            kzrules::report::diagnostics::help_link(code),
            format!("docs/errors.md#{anchor}"),
            "the link of `{code}`"
        );
    }
    assert_eq!(
        kzrules::report::diagnostics::help_link("kzrules::rules::read"),
        "docs/errors.md#kzrulesrulesread"
    );
}

#[test]
fn explain_code_prints_the_section() {
    let out = kzrules()
        .args(["explain-code", "kzrules::overlap"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.starts_with("kzrules::overlap\n\n"), "{stdout}");
    assert!(stdout.contains("in force on the same days"), "{stdout}");
    assert!(!stdout.contains("### "), "{stdout}");
    // The prefix may be left out.
    let short = kzrules()
        .args(["explain-code", "overlap"])
        .output()
        .unwrap();
    assert_eq!(short.stdout, stdout.as_bytes());
}

#[test]
fn explain_code_of_an_unknown_code_suggests_one() {
    let out = kzrules()
        .args(["explain-code", "kzrules::overlpa"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("no diagnostic code `kzrules::overlpa`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("did you mean `kzrules::overlap`?"),
        "{stderr}"
    );
}

#[test]
fn explain_code_lists_every_code() {
    let errors = std::fs::read_to_string("docs/errors.md").unwrap();
    let headings = errors
        .lines()
        .filter(|l| l.starts_with("### kzrules::"))
        .count();
    for args in [&["explain-code"][..], &["explain-code", "--list"]] {
        let out = kzrules().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert_eq!(stdout.lines().count(), headings, "{stdout}");
        assert!(stdout
            .lines()
            .any(|l| l.starts_with("kzrules::lookalike  ")));
    }
}

/// Apply every fix of `kzrules compile --format json` (last first), until none is left.
fn apply_fixes(dir: &std::path::Path, file: &std::path::Path) -> usize {
    let mut applied = 0;
    for _ in 0..8 {
        let out = kzrules()
            .args(["compile", "--format", "json"])
            .arg(dir)
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut fixes: Vec<(usize, usize, String)> = v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| !d["fix"].is_null())
            .map(|d| {
                let f = &d["fix"];
                (
                    f["offset"].as_u64().unwrap() as usize,
                    f["length"].as_u64().unwrap() as usize,
                    f["replacement"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        if fixes.is_empty() {
            break;
        }
        fixes.sort();
        let mut text = std::fs::read_to_string(file).unwrap();
        for (offset, length, replacement) in fixes.iter().rev() {
            text.replace_range(*offset..offset + length, replacement);
            applied += 1;
        }
        std::fs::write(file, text).unwrap();
    }
    applied
}

#[test]
fn applying_the_fixes_makes_the_files_compile() {
    for name in [
        "misspelt_title",
        "misspelt_cite",
        "misspelt_unless",
        "misspelt_because",
        "lookalike_letter",
        "typographic_quotes",
        "unclosed_block",
        "date_not_iso",
    ] {
        let text = std::fs::read_to_string(format!("tests/bad/rules/{name}.kzr")).unwrap();
        let dir = rule_folder(&text);
        let file = dir.path().join("r.kzr");
        let applied = apply_fixes(dir.path(), &file);
        assert!(applied > 0, "{name}: no fix");
        let out = kzrules().arg("compile").arg(dir.path()).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{name} after {applied} fixes:\n{}\n{}",
            std::fs::read_to_string(&file).unwrap(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
