//! Project discovery (docs/project.md), run as the built binary in temporary folders:
//! the rules a command uses are the project's, found from the current folder upward;
//! the built-in ones only outside any project, and every output says which.
//!
//! The repository itself has `rules/`, so every command here runs in a temporary folder.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;

mod common;
use common::{copy_rules, manifest, run, text};

/// A temporary folder that is no project (the temporary folder itself must not lie in
/// one, or the test would not test what it says).
fn outside() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for up in dir.path().ancestors() {
        assert!(
            !up.join("kzrules.toml").exists() && !up.join("rules").is_dir(),
            "the temporary folder lies in a project: {}",
            up.display()
        );
    }
    dir
}

/// A project folder with a copy of the shipped rules and the README's case.
fn project() -> tempfile::TempDir {
    let dir = outside();
    copy_rules(&dir.path().join("rules"));
    std::fs::copy(
        manifest().join("examples/arrival.json"),
        dir.path().join("case.json"),
    )
    .unwrap();
    dir
}

fn arrival_status(out: &Output) -> String {
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let o = v["obligations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["rule"] == "arrival_notification")
        .unwrap();
    format!("{} {}", o["due"], o["status"])
}

#[test]
fn a_broken_rule_file_of_the_project_fails_compile_with_no_arguments() {
    let dir = project();
    let out = run(&["compile"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("rules: rules (found from the current folder upward), sha256 "),
        "{}",
        text(&out.stderr)
    );
    let file = dir.path().join("rules/notifications.kzr");
    let rules = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, rules.replace("bearer host", "bearer hots")).unwrap();
    let out = run(&["compile"], dir.path());
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("rules/notifications.kzr"), "{stderr}");
    // From a folder below, the same project and the same file.
    let below = dir.path().join("cases/2024");
    std::fs::create_dir_all(&below).unwrap();
    let out = run(&["compile"], &below);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("notifications.kzr"));
    // The built-in rules, asked for, still compile.
    let out = run(&["compile", "--builtin"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("rules: built-in"));
}

#[test]
fn a_changed_rule_changes_check_in_its_folder() {
    let dir = project();
    let out = run(&["check", "case.json", "--format", "json"], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_eq!(arrival_status(&out), "\"2024-03-19\" \"late\"");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["receipt"]["rules"], "rules");
    let first = v["receipt"]["rules_sha256"].clone();

    let file = dir.path().join("rules/notifications.kzr");
    let rules = std::fs::read_to_string(&file).unwrap();
    let slower = rules.replace(
        "notify within 3 business_days of entry",
        "notify within 5 business_days of entry",
    );
    assert_ne!(rules, slower);
    std::fs::write(&file, slower).unwrap();
    let out = run(&["check", "case.json", "--format", "json"], dir.path());
    assert_eq!(arrival_status(&out), "\"2024-03-26\" \"met\"");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_ne!(v["receipt"]["rules_sha256"], first);

    // `--builtin` judges by the shipped rules again; text output names them on stderr.
    let out = run(&["check", "case.json", "--builtin"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("by 2024-03-19"));
    assert!(
        text(&out.stderr).contains("rules: built-in"),
        "{}",
        text(&out.stderr)
    );
    // `--rules` and `--builtin` together are a usage error.
    let out = run(
        &["check", "case.json", "--builtin", "--rules", "rules"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("cannot be used with"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn outside_any_project_the_built_in_rules_are_used_and_said_to_be() {
    let dir = outside();
    std::fs::copy(
        manifest().join("examples/arrival.json"),
        dir.path().join("case.json"),
    )
    .unwrap();
    let out = run(&["check", "case.json"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("rules: built-in (no kzrules.toml or rules/ folder found), sha256 "),
        "{stderr}"
    );
    let out = run(&["check", "case.json", "--format", "json"], dir.path());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["receipt"]["rules"], "built-in");
    let out = run(&["compile"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stderr).contains("rules: built-in"));
    // `test` needs a rule folder: a clear error, not the built-in rules.
    let out = run(&["test"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no rule folder here"));
    // An empty `rules/` folder makes no project.
    std::fs::create_dir(dir.path().join("rules")).unwrap();
    let out = run(&["compile"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stderr).contains("rules: built-in"));
}

#[test]
fn the_project_file_names_the_rules_and_the_defaults() {
    let dir = outside();
    copy_rules(&dir.path().join("law"));
    let cases = dir.path().join("cases");
    std::fs::create_dir_all(&cases).unwrap();
    std::fs::copy(
        manifest().join("examples/arrival.json"),
        cases.join("a.json"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("kzrules.toml"),
        "rules = \"law\"\ncases = \"cases\"\nformat = \"json\"\n",
    )
    .unwrap();
    // `check` alone: the project's cases, in its default format, by its rules.
    let below = dir.path().join("law");
    let out = run(&["check"], &below);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["case"], "arrival-friday-night");
    let shown = v["receipt"]["rules"].as_str().unwrap();
    assert!(shown.ends_with("law"), "{shown}");
    // The flag wins over the file.
    let out = run(&["check", "--format", "text"], dir.path());
    assert!(text(&out.stdout).starts_with("case arrival-friday-night"));
    assert!(
        text(&out.stderr).contains("rules: law (named by kzrules.toml)"),
        "{}",
        text(&out.stderr)
    );
    // A broken rule in the named folder is found.
    std::fs::write(dir.path().join("law/extra.kzr"), "rule {").unwrap();
    let out = run(&["compile"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("law/extra.kzr"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_misspelt_key_of_the_project_file_is_an_error_naming_the_nearest() {
    let dir = project();
    std::fs::write(
        dir.path().join("kzrules.toml"),
        "rules = \"rules\"\nstrict_calender = true\n",
    )
    .unwrap();
    let out = run(&["check", "case.json"], dir.path());
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("kzrules.toml:2:1: unknown key `strict_calender`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("did you mean `strict_calendar`"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
    std::fs::write(dir.path().join("kzrules.toml"), "min_coverage = \"high\"\n").unwrap();
    let out = run(&["compile"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("kzrules.toml:1:"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn warnings_as_errors_makes_a_warning_fail_compile() {
    let dir = project();
    // In December 2026 the calendar data ends within a month: a warning.
    let compile = |toml: &str| {
        std::fs::write(dir.path().join("kzrules.toml"), toml).unwrap();
        Command::cargo_bin("kzrules")
            .unwrap()
            .env("NO_COLOR", "1")
            .env("KZRULES_TODAY", "2026-12-20")
            .arg("compile")
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let out = compile("");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("1 warning"),
        "{}",
        text(&out.stderr)
    );
    let out = compile("warnings_as_errors = true\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("warnings are errors in this project"));
}

#[test]
fn fmt_with_no_path_formats_the_project_s_rules() {
    let dir = project();
    let below = dir.path().join("cases");
    std::fs::create_dir_all(&below).unwrap();
    let out = run(&["fmt", "--check"], &below);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let file = dir.path().join("rules/notifications.kzr");
    let rules = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        rules.replacen("  bearer host", "      bearer host", 1),
    )
    .unwrap();
    let out = run(&["fmt", "--check"], &below);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("notifications.kzr"),
        "{}",
        text(&out.stdout)
    );
}
