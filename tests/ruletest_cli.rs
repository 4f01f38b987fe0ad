//! Rule tests an analyst keeps (docs/ci.md): `"match": "subset"`, `--filter`,
//! `--format json|junit`, `--min-coverage`, `--update`; and `kzrules diff` naming a
//! changed rule no case exercises. Run as the built binary in temporary folders.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;

use serde_json::Value;

mod common;
use common::{manifest, run, text};

/// A copy of the shipped rule files in `to`, with an empty `tests/` beside them.
fn copy_rules(to: &Path) {
    common::copy_rules(to);
    std::fs::create_dir_all(to.join("tests")).unwrap();
}

/// A case whose arrival notice is late, with other obligations (the visa's stay).
const CASE: &str = r#"{
    "case": "t1",
    "person": {"citizenship": "GB",
               "documents": [{"kind": "visa", "category": "C3", "entries": "multiple",
                              "valid_from": "2024-01-10", "valid_until": "2025-01-09"}]},
    "host": {"kind": "legal_entity", "size": "large"},
    "events": [
      {"kind": "entry", "date": "2024-03-15", "time": "23:50"},
      {"kind": "notification", "date": "2024-03-20"}
    ]
  }"#;

fn test_file(name: &str, matching: Option<&str>, expect: &str) -> String {
    let matching = matching.map_or(String::new(), |m| format!("  \"match\": \"{m}\",\n"));
    format!(
        "{{\n  \"name\": \"{name}\",\n  \"as_of\": \"2024-03-25\",\n{matching}  \"case\": {CASE},\n  \"expect\": {expect}\n}}\n"
    )
}

const ONLY_ARRIVAL: &str =
    r#"{"obligations": [{"rule": "arrival_notification", "status": "late", "days_late": 1}]}"#;

/// A project folder with the shipped rules and the given tests.
fn project(tests: &[(&str, String)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    copy_rules(&rules);
    for (name, body) in tests {
        std::fs::write(rules.join("tests").join(format!("{name}.json")), body).unwrap();
    }
    dir
}

#[test]
fn a_subset_test_asserts_only_what_it_lists() {
    let dir = project(&[
        ("exact", test_file("exact arrival", None, ONLY_ARRIVAL)),
        (
            "subset",
            test_file("subset arrival", Some("subset"), ONLY_ARRIVAL),
        ),
        (
            "subset_wrong",
            test_file(
                "subset wrong",
                Some("subset"),
                r#"{"obligations": [{"rule": "arrival_notification", "status": "met"}]}"#,
            ),
        ),
    ]);
    let out = run(&["test"], dir.path());
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    // Exact (the default): the visa's obligation is not expected, so it fails.
    assert!(
        stdout.contains("test exact: exact arrival ... FAILED"),
        "{stdout}"
    );
    assert!(
        stdout.contains("test subset: subset arrival ... ok"),
        "{stdout}"
    );
    // A subset test still fails on a listed item that does not match.
    assert!(
        stdout.contains("test subset_wrong: subset wrong ... FAILED"),
        "{stdout}"
    );
    assert!(
        stdout.contains("obligations: 1 expected item(s) not found\n"),
        "{stdout}"
    );
    assert!(stdout.contains("1 passed, 2 failed"), "{stdout}");
    // A `match` that is neither is an error naming the choices.
    let dir = project(&[("bad", test_file("bad", Some("some"), ONLY_ARRIVAL))]);
    let out = run(&["test"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("`match` is `some`, not `\"exact\"` or `\"subset\"`"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_filter_runs_the_tests_it_names() {
    let dir = project(&[
        (
            "arrival_late",
            test_file("arrival late", Some("subset"), ONLY_ARRIVAL),
        ),
        ("other", test_file("something else", None, ONLY_ARRIVAL)),
    ]);
    let out = run(&["test", "--filter", "arrival"], dir.path());
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("running 1 rule test"), "{stdout}");
    assert!(
        stdout.contains("1 passed, 0 failed, 1 filtered out"),
        "{stdout}"
    );
    // By the test's name too.
    let out = run(&["test", "--filter", "something"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let out = run(&["test", "--filter", "nothing-like-it"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no rule test in"));
}

#[test]
fn results_as_json_and_junit() {
    let dir = project(&[
        ("a", test_file("passes", Some("subset"), ONLY_ARRIVAL)),
        ("b", test_file("fails <&>", None, ONLY_ARRIVAL)),
    ]);
    let out = run(&["test", "--format", "json", "--coverage"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["passed"], 1);
    assert_eq!(v["failed"], 1);
    assert_eq!(v["rules"], "rules");
    assert_eq!(v["rules_sha256"].as_str().unwrap().len(), 64);
    assert_eq!(v["tests"][0]["status"], "passed");
    assert_eq!(v["tests"][0]["match"], "subset");
    assert_eq!(v["tests"][1]["status"], "failed");
    assert_eq!(v["tests"][1]["failures"][0]["category"], "obligations");
    assert!(v["coverage"]["percent"].as_f64().unwrap() > 0.0);

    let out = run(&["test", "--format", "junit"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let xml = text(&out.stdout);
    assert!(
        xml.contains("tests=\"2\" failures=\"1\" errors=\"0\""),
        "{xml}"
    );
    assert!(xml.contains("name=\"fails &lt;&amp;&gt;\""), "{xml}");
    assert!(xml.contains("<failure message=\"obligations: 0 expected item(s) not found, 2 actual item(s) not expected\""), "{xml}");
    let mut reader = quick_xml::Reader::from_str(&xml);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("not XML: {e}\n{xml}"),
        }
    }
}

#[test]
fn a_minimum_coverage_fails_below_it() {
    let dir = project(&[("a", test_file("passes", Some("subset"), ONLY_ARRIVAL))]);
    let out = run(&["test", "--min-coverage", "90"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("less than the minimum 90%"), "{stderr}");
    assert!(text(&out.stdout).contains("coverage: "));
    let out = run(&["test", "--min-coverage", "1"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // From the project file.
    std::fs::write(dir.path().join("kzrules.toml"), "min_coverage = 90\n").unwrap();
    let out = run(&["test"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let out = run(&["test", "--min-coverage", "101"], dir.path());
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn update_writes_the_current_results_into_failing_tests_only() {
    let passing = test_file("passes", Some("subset"), ONLY_ARRIVAL);
    let failing = test_file(
        "fails",
        None,
        r#"{
    "obligations": [{"rule": "arrival_notification", "status": "met"}],
    "findings": []
  }"#,
    );
    let dir = project(&[("a", passing.clone()), ("b", failing.clone())]);
    let tests = dir.path().join("rules/tests");
    let out = run(&["test", "--update"], dir.path());
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("--- rules/tests/b.json"), "{stderr}");
    assert!(
        stderr.contains(
            "-    \"obligations\": [{\"rule\": \"arrival_notification\", \"status\": \"met\"}],"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("updated 1 test file"), "{stderr}");
    // The passing test is untouched; the failing one keeps everything but `expect`.
    assert_eq!(
        std::fs::read_to_string(tests.join("a.json")).unwrap(),
        passing
    );
    let updated = std::fs::read_to_string(tests.join("b.json")).unwrap();
    let before = failing.find("\"expect\"").unwrap();
    assert_eq!(updated[..before], failing[..before]);
    let v: Value = serde_json::from_str(&updated).unwrap();
    let obligations = v["expect"]["obligations"].as_array().unwrap();
    assert_eq!(obligations.len(), 3, "{updated}");
    assert_eq!(obligations[0]["rule"], "arrival_notification");
    assert_eq!(obligations[0]["status"], "late");
    assert_eq!(v["expect"]["findings"], serde_json::json!([]));
    // Now every test passes, and a second update changes nothing.
    let out = run(&["test"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let out = run(&["test", "--update"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stderr).contains("no failing test to update"));
}

#[test]
fn update_changes_nothing_when_a_chosen_test_is_broken() {
    let failing = test_file("fails", None, ONLY_ARRIVAL);
    let broken = test_file(
        "broken",
        None,
        r#"{"obligations": [{"rule": "x", "stauts": "met"}]}"#,
    );
    let dir = project(&[("a", failing.clone()), ("b", broken)]);
    let out = run(&["test", "--update"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("no file was changed"),
        "{}",
        text(&out.stderr)
    );
    let tests = dir.path().join("rules/tests");
    assert_eq!(
        std::fs::read_to_string(tests.join("a.json")).unwrap(),
        failing
    );
    // Naming only the good one updates it.
    let out = run(&["test", "--update", "a"], dir.path());
    assert_eq!(out.status.code(), Some(2), "the broken test still counts");
    assert_ne!(
        std::fs::read_to_string(tests.join("a.json")).unwrap(),
        failing
    );
    let left: Vec<_> = std::fs::read_dir(&tests)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("kzrules-update"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn diff_names_a_changed_rule_no_case_exercises() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old");
    let new = dir.path().join("new");
    copy_rules(&old);
    copy_rules(&new);
    let file = new.join("permits.kzr");
    let text_before = std::fs::read_to_string(&file).unwrap();
    let start = text_before.find("rule work_permit_renewal").unwrap();
    let title = text_before[start..].find("title \"").unwrap() + start + "title \"".len();
    let mut changed = text_before.clone();
    changed.insert_str(title, "Changed: ");
    std::fs::write(&file, changed).unwrap();
    let cases = dir.path().join("cases");
    std::fs::create_dir_all(&cases).unwrap();
    std::fs::copy(
        manifest().join("examples/arrival.json"),
        cases.join("a.json"),
    )
    .unwrap();
    let args = ["diff", "--old", "old", "--new", "new", "cases"];
    let out = run(&args, dir.path());
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.contains("  rule work_permit_renewal changed (title); "),
        "{stdout}"
    );
    assert!(stdout.contains("no case result changed"), "{stdout}");
    let mut md = args.to_vec();
    md.extend(["--format", "markdown"]);
    assert!(
        text(&run(&md, dir.path()).stdout).contains("- rule work_permit_renewal changed (title)")
    );
    let mut json = args.to_vec();
    json.extend(["--format", "json"]);
    let v: Value = serde_json::from_slice(&run(&json, dir.path()).stdout).unwrap();
    assert_eq!(v["rule_changes"][0]["rule"], "work_permit_renewal");
    assert_eq!(
        v["rule_changes"][0]["aspects"],
        serde_json::json!(["title"])
    );
    // The same rules: no change, exit 0, no `rule_changes`.
    let out = run(
        &[
            "diff", "--old", "old", "--new", "old", "cases", "--format", "json",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v.get("rule_changes").is_none());
}
