//! The contract of spec/CASES.md: the JSON Schemas under docs/schema/ are generated from
//! the Rust types and current, and the contract's own examples are valid against them.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use assert_cmd::Command;

fn schema(which: &str) -> serde_json::Value {
    let out = Command::cargo_bin("kzrules")
        .unwrap()
        .args(["schema", which])
        .output()
        .unwrap();
    assert!(out.status.success());
    serde_json::from_slice(&out.stdout).unwrap()
}

fn committed(which: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(format!("docs/schema/{which}.schema.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn committed_schemas_are_current() {
    for which in ["case", "result"] {
        assert_eq!(
            schema(which),
            committed(which),
            "docs/schema/{which}.schema.json is stale: run `cargo run -q -- schema {which} > docs/schema/{which}.schema.json`"
        );
    }
}

#[test]
fn schemas_are_draft_2020_12() {
    for which in ["case", "result"] {
        assert_eq!(
            committed(which)["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
    }
}

fn validate(which: &str, instance: &serde_json::Value) -> Vec<String> {
    let validator = jsonschema::validator_for(&committed(which)).unwrap();
    validator
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path))
        .collect()
}

#[test]
fn the_contracts_case_example_is_valid() {
    let case: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("tests/data/cases_md_case.json").unwrap())
            .unwrap();
    assert_eq!(validate("case", &case), Vec::<String>::new());
}

#[test]
fn the_contracts_result_example_is_valid() {
    let result: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("tests/data/cases_md_result.json").unwrap())
            .unwrap();
    assert_eq!(validate("result", &result), Vec::<String>::new());
}

#[test]
fn a_case_with_a_typo_is_invalid_against_the_schema() {
    let mut case: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("tests/data/cases_md_case.json").unwrap())
            .unwrap();
    case["person"]["citizenshp"] = serde_json::json!("GB");
    assert!(!validate("case", &case).is_empty());
}

#[test]
fn real_results_are_valid_against_the_schema() {
    let out = Command::cargo_bin("kzrules")
        .unwrap()
        .args([
            "check",
            "--format",
            "json",
            "tests/data/cases_md_case.json",
            "examples/arrival.json",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    for line in lines {
        let value: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(validate("result", &value), Vec::<String>::new(), "{line}");
    }
}
