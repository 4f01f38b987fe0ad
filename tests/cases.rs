//! The case corpus: every `tests/cases/*.json` is a realistic case in the input format of
//! docs/contract.md, judged by the embedded rules through the library API.
//!
//! Each case file carries its expectation in its own `meta` (carried through untouched),
//! in the format of the rule tests (`kzrules test`, docs/tutorial.md): `about`, the answer
//! computed by hand from the law and the counting conventions, in words, and `expect`,
//! the machine-readable part of it, checked by the same comparer as the rule tests
//! (`kzrules::tools::ruletest::compare`): for each of `obligations`, `exemptions`,
//! `findings` and `facts_needed`, every actual item must be matched by its own expected
//! item and every expected item by an actual one; an expected item gives only the fields
//! it checks (`"trigger": {"date": "2024-03-15"}`), and `"penalty": null` says there is
//! none. All four lists are required: an empty list says that the rules rightly say
//! nothing of that kind about the case. Only when the expectation holds is the result
//! compared with its insta snapshot (the result without a receipt, with `about` as the
//! snapshot's description), so a wrong result can never be written as a snapshot. Create
//! or update the snapshots with `INSTA_UPDATE=always cargo test --test cases`, and read
//! each new one against its `about` before keeping it.
//!
//! A case file is named `RULE__situation.json` after the catalog rule it is about (or
//! after the mechanism, e.g. `same_day_exit_and_entry__two_stays.json`), its `case` id is
//! the file's stem, and it sets `as_of`. [`every_rule_has_cases`] keeps at least three
//! case files on every rule of the rule set.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use kzrules::case::read_case;
use kzrules::eval::result::CheckResult;
use kzrules::ir::Program;
use kzrules::tools::ruletest::{compare, Category};
use serde_json::Value;

/// The least number of case files that must exercise each rule of the rule set.
const CASES_PER_RULE: usize = 3;

fn program() -> &'static Program {
    static PROGRAM: OnceLock<Program> = OnceLock::new();
    PROGRAM.get_or_init(
        || match kzrules::compile::compile(kzrules::load::rules::embedded()) {
            Ok(compiled) => compiled.program,
            Err(diagnostics) => panic!("the embedded rules do not compile:\n{diagnostics}"),
        },
    )
}

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases")
}

/// A case file read and judged: its expectation and the result.
struct Judged {
    about: String,
    expect: Vec<(Category, Vec<Value>)>,
    result: CheckResult,
}

/// The expected items of every category; all four of the first must be given, and
/// `allowance` is checked where a case gives it.
fn expectation(meta: &Value) -> Result<Vec<(Category, Vec<Value>)>, String> {
    let expect = meta
        .get("expect")
        .and_then(Value::as_object)
        .ok_or("`meta.expect` must be an object of expected items per category")?;
    if let Some(other) = expect.keys().find(|k| {
        Category::ALL
            .iter()
            .chain(Category::OPTIONAL.iter())
            .all(|c| c.key() != k.as_str())
    }) {
        return Err(format!(
            "`meta.expect.{other}` is not a category of a result"
        ));
    }
    Category::ALL
        .into_iter()
        .filter(|c| *c != Category::Allowance || expect.contains_key(c.key()))
        .map(|category| {
            let items = expect
                .get(category.key())
                .and_then(Value::as_array)
                .ok_or_else(|| {
                    format!(
                        "`meta.expect.{}` must be a list (empty when there is none)",
                        category.key()
                    )
                })?;
            Ok((category, items.clone()))
        })
        .chain(Category::OPTIONAL.into_iter().filter_map(|category| {
            let items = expect.get(category.key())?;
            Some(
                items
                    .as_array()
                    .map(|list| (category, list.clone()))
                    .ok_or_else(|| format!("`meta.expect.{}` must be a list", category.key())),
            )
        }))
        .collect()
}

fn judge(path: &Path) -> Result<Judged, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read: {e}"))?;
    let facts = read_case(&text, &program().vocabulary)
        .map_err(|e| format!("not a valid case: {}", e.one_line()))?;
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    if facts.case != stem {
        return Err(format!(
            "the case id `{}` differs from the file name `{stem}`",
            facts.case
        ));
    }
    let as_of = facts
        .as_of
        .ok_or("the case has no `as_of`: its result would depend on today")?;
    let meta = facts.meta.as_ref().ok_or("the case has no `meta`")?;
    let about = meta
        .get("about")
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .ok_or("`meta.about` must be the expectation in words")?
        .to_string();
    let expect = expectation(meta)?;
    let result = kzrules::eval::evaluate(program(), &facts, as_of)
        .map_err(|e| format!("evaluation failed: {e}"))?;
    Ok(Judged {
        about,
        expect,
        result,
    })
}

/// What differs between the expectation and the result, one diff per category.
fn problems(judged: &Judged) -> Vec<String> {
    let actual = serde_json::to_value(&judged.result).unwrap();
    judged
        .expect
        .iter()
        .filter_map(|(category, expected)| {
            let items = actual
                .get(category.key())
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            compare(*category, expected, &items)
                .map(|failure| format!("{}:\n{}", category.key(), failure.diff))
        })
        .collect()
}

#[test]
fn case() {
    let mut failures: Vec<String> = Vec::new();
    insta::glob!("cases/*.json", |path| {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match judge(path) {
            Err(e) => failures.push(format!("{name}: {e}")),
            Ok(judged) => {
                let problems = problems(&judged);
                if problems.is_empty() {
                    let mut result = judged.result;
                    result.receipt = None;
                    insta::with_settings!({
                        description => judged.about,
                        omit_expression => true,
                    }, {
                        insta::assert_json_snapshot!(result);
                    });
                } else {
                    // Shown at once too: a snapshot failure of another case ends the glob
                    // before the summary below.
                    let failure = format!(
                        "{name}: the result does not agree with `meta.expect` (snapshot not compared)\n    about: {}\n{}",
                        judged.about,
                        problems.join("\n")
                    );
                    eprintln!("{failure}\n");
                    failures.push(failure);
                }
            }
        }
    });
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// The expectation is checked, not taken on trust: a changed field fails the comparer.
#[test]
fn a_wrong_expectation_fails() {
    let path =
        cases_dir().join("arrival_notification__friday_night_late_wednesday_large_host.json");
    let mut judged = judge(&path).unwrap();
    assert!(problems(&judged).is_empty());
    let (_, obligations) = &mut judged.expect[0];
    obligations[0]["due"] = Value::from("2024-03-20");
    let found = problems(&judged);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("2024-03-20"), "{}", found[0]);
    // An item the result has but the expectation does not list is a failure too.
    let (_, obligations) = &mut judged.expect[0];
    obligations.remove(0);
    assert!(!problems(&judged).is_empty());
}

/// Every rule of the rule set is exercised by at least three case files: named in their
/// expectations or in their file names.
#[test]
fn every_rule_has_cases() {
    let mut files_per_rule: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut expected_rules: BTreeSet<String> = BTreeSet::new();
    let mut files = 0;
    for entry in std::fs::read_dir(cases_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        files += 1;
        let value: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        // A file named `RULE__situation.json` exercises RULE, even when its expectation
        // is empty (a case where the rule rightly says nothing).
        if let Some((prefix, _)) = name.split_once("__") {
            files_per_rule
                .entry(prefix.to_string())
                .or_default()
                .insert(name.clone());
        }
        let expect = expectation(&value["meta"]).unwrap_or_else(|e| panic!("{name}: {e}"));
        for (category, items) in expect {
            if category == Category::Fees {
                // A fee is no rule's: it is declared with `fee`.
                continue;
            }
            for item in items {
                let rule = item["rule"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{name}: an expected item without `rule`: {item}"))
                    .to_string();
                expected_rules.insert(rule.clone());
                files_per_rule.entry(rule).or_default().insert(name.clone());
            }
        }
    }
    assert!(files > 0, "no case files in {}", cases_dir().display());
    let rules: BTreeSet<&str> = program().rules.iter().map(|r| r.id.as_str()).collect();
    let unknown: Vec<String> = expected_rules
        .iter()
        .filter(|r| !rules.contains(r.as_str()))
        .cloned()
        .collect();
    assert!(
        unknown.is_empty(),
        "expectations name unknown rules: {unknown:?}"
    );
    let thin: Vec<String> = rules
        .iter()
        .filter_map(|rule| {
            let n = files_per_rule.get(*rule).map_or(0, BTreeSet::len);
            (n < CASES_PER_RULE).then(|| format!("{rule}: {n}"))
        })
        .collect();
    assert!(
        thin.is_empty(),
        "rules expected by fewer than {CASES_PER_RULE} case files: {thin:?}"
    );
}
