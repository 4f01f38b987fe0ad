//! `kzrules test` and `kzrules diff`, run as the built binary.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;

fn kzrules() -> Command {
    let mut c = Command::cargo_bin("kzrules").unwrap();
    c.env("NO_COLOR", "1");
    c
}

fn run(args: &[&str], dir: Option<&Path>) -> Output {
    let mut c = kzrules();
    c.args(args);
    if let Some(d) = dir {
        c.current_dir(d);
    }
    c.output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A copy of the shipped rule files (not their tests) in `to`.
fn copy_rules(to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(manifest().join("rules")).unwrap() {
        let path = entry.unwrap().path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if path.is_file() && (ext == "kzr" || ext == "kzcal") {
            std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
        }
    }
}

/// The arrival rule counts 5 business days instead of 3.
fn slow_arrival(rules: &Path) {
    let file = rules.join("notifications.kzr");
    let before = std::fs::read_to_string(&file).unwrap();
    let after = before.replace(
        "notify within 3 business_days of entry",
        "notify within 5 business_days of entry",
    );
    assert_ne!(
        before, after,
        "the arrival rule no longer reads as the test expects"
    );
    std::fs::write(&file, after).unwrap();
}

// ---------------------------------------------------------------------------------------
// kzrules test
// ---------------------------------------------------------------------------------------

#[test]
fn the_shipped_rule_tests_pass_and_cover_the_rules() {
    let out = run(&["test", "rules", "--coverage"], Some(&manifest()));
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
    assert!(!stdout.contains("FAILED"), "{stdout}");
    assert!(stdout.contains("coverage: "), "{stdout}");
    // Every catalog rule id has at least one test that names it.
    let mut all = String::new();
    for entry in std::fs::read_dir(manifest().join("rules/tests")).unwrap() {
        all.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    for id in [
        "arrival_notification",
        "address_change_notification",
        "region_trip_notification",
        "temporary_residence_permit",
        "work_permit_renewal",
        "visa_extension",
        "visa_free_stay",
        "visa_stay",
        "passport_validity",
        "business_trip_limit",
        "business_visit_limit",
        "invitation_ban",
        "tax_residency",
    ] {
        assert!(
            all.contains(&format!("\"rule\": \"{id}\"")),
            "no rule test expects `{id}`"
        );
    }
}

const PASSING: &str = r#"{
  "name": "arrival met on the third business day",
  "as_of": "2024-03-25",
  "case": {
    "case": "t1",
    "person": {"citizenship": "GB"},
    "host": {"kind": "legal_entity", "size": "large"},
    "events": [
      {"kind": "entry", "date": "2024-03-15", "time": "23:50"},
      {"kind": "notification", "date": "2024-03-19"}
    ]
  },
  "expect": {
    "obligations": [
      {"rule": "arrival_notification", "due": "2024-03-19", "status": "met"},
      {"rule": "visa_free_stay", "due": "2024-04-13", "status": "open"}
    ]
  }
}"#;

#[test]
fn a_failing_rule_test_prints_a_diff_and_exits_1() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = tmp.path().join("rules");
    copy_rules(&rules);
    std::fs::create_dir_all(rules.join("tests")).unwrap();
    std::fs::write(rules.join("tests/a_passing.json"), PASSING).unwrap();
    // The same case expecting the wrong due day, and leaving out the visa-free stay.
    let failing = PASSING
        .replace("\"2024-03-19\", \"status\": \"met\"", "\"2024-03-18\", \"status\": \"met\"")
        .replace(
            ",\n      {\"rule\": \"visa_free_stay\", \"due\": \"2024-04-13\", \"status\": \"open\"}",
            "",
        );
    assert_ne!(failing, PASSING);
    std::fs::write(rules.join("tests/b_failing.json"), failing).unwrap();

    let out = run(&["test", rules.to_str().unwrap()], None);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.contains("test a_passing: arrival met on the third business day ... ok"),
        "{stdout}"
    );
    assert!(
        stdout.contains("test b_failing: arrival met on the third business day ... FAILED"),
        "{stdout}"
    );
    assert!(stdout.contains("-    \"due\": \"2024-03-18\","), "{stdout}");
    assert!(stdout.contains("+    \"due\": \"2024-03-19\","), "{stdout}");
    assert!(stdout.contains("expected, not found:"), "{stdout}");
    assert!(stdout.contains("found, not expected:"), "{stdout}");
    assert!(stdout.contains("\"rule\":\"visa_free_stay\""), "{stdout}");
    assert!(stdout.contains("1 passed, 1 failed"), "{stdout}");

    // With the rule changed to 5 business days, the passing test fails too.
    slow_arrival(&rules);
    std::fs::remove_file(rules.join("tests/b_failing.json")).unwrap();
    let out = run(&["test", rules.to_str().unwrap()], None);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("+    \"due\": \"2024-03-26\","), "{stdout}");
    assert!(stdout.contains("0 passed, 1 failed"), "{stdout}");
}

/// The example test of docs/ci.md passes on the shipped rules and, with the arrival rule
/// at 5 business days, fails with the output the page shows.
#[test]
fn the_example_of_docs_ci_runs_as_shown() {
    let docs = std::fs::read_to_string(manifest().join("docs/ci.md")).unwrap();
    let start = docs.find("```json\n{\n  \"name\"").unwrap() + "```json\n".len();
    let example = &docs[start..start + docs[start..].find("```").unwrap()];
    let shown_start = docs.find("```\nrunning 1 rule test").unwrap() + "```\n".len();
    let shown = &docs[shown_start..shown_start + docs[shown_start..].find("```").unwrap()];

    let tmp = tempfile::tempdir().unwrap();
    let rules = tmp.path().join("rules");
    copy_rules(&rules);
    std::fs::create_dir_all(rules.join("tests")).unwrap();
    std::fs::write(rules.join("tests/arrival.json"), example).unwrap();
    let out = run(&["test"], Some(tmp.path()));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));

    slow_arrival(&rules);
    let out = run(&["test"], Some(tmp.path()));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), shown);
}

#[test]
fn coverage_lists_what_no_test_exercised() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = tmp.path().join("rules");
    copy_rules(&rules);
    std::fs::create_dir_all(rules.join("tests")).unwrap();
    std::fs::write(rules.join("tests/only.json"), PASSING).unwrap();
    let out = run(&["test", rules.to_str().unwrap(), "--coverage"], None);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("not exercised by any test:"), "{stdout}");
    // The test's arrival duty is exercised; its exception and the penalty branches are not.
    assert!(
        !stdout.contains("  arrival_notification duty#0"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "  arrival_notification exception#0: unless the foreigner holds a residence permit"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("  penalty host_party branch#0: when host is individual"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  visa_free_stay (in force from 2012-01-21 until 2020-01-10) duty#0"),
        "{stdout}"
    );
    let line = stdout
        .lines()
        .find(|l| l.starts_with("coverage: "))
        .unwrap();
    assert!(line.starts_with("coverage: 2 of "), "{line}");
}

#[test]
fn unreadable_rule_tests_exit_2_naming_the_file_and_the_place() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = tmp.path().join("rules");
    copy_rules(&rules);

    // No tests folder.
    let out = run(&["test", rules.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("tests"), "{}", text(&out.stderr));

    std::fs::create_dir_all(rules.join("tests")).unwrap();
    let bad_case = PASSING.replace("\"date\": \"2024-03-19\"", "\"date\": \"2024-03-32\"");
    std::fs::write(rules.join("tests/bad_case.json"), bad_case).unwrap();
    let bad_expect = PASSING.replace("\"status\": \"met\"", "\"stauts\": \"met\"");
    std::fs::write(rules.join("tests/bad_expect.json"), bad_expect).unwrap();
    std::fs::write(rules.join("tests/ok.json"), PASSING).unwrap();
    let out = run(&["test", rules.to_str().unwrap()], None);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("bad_case.json:10:"), "{stderr}");
    assert!(stderr.contains("case.events[1].date"), "{stderr}");
    assert!(stderr.contains("bad_expect.json:15:"), "{stderr}");
    assert!(stderr.contains("expect.obligations[0].stauts"), "{stderr}");
    assert!(stderr.contains("did you mean `status`?"), "{stderr}");
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("1 passed, 0 failed, 2 could not be read or judged"),
        "{stdout}"
    );
}

// ---------------------------------------------------------------------------------------
// kzrules diff
// ---------------------------------------------------------------------------------------

/// Three cases: two whose arrival notice changes with a 5-day count, one that the
/// change does not touch (a residence permit holder: exempt either way).
fn write_cases(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join("friday_night.json"),
        r#"{"case": "friday-night", "as_of": "2024-03-25",
            "person": {"citizenship": "GB"},
            "host": {"kind": "legal_entity", "size": "large"},
            "events": [{"kind": "entry", "date": "2024-03-15", "time": "23:50"},
                       {"kind": "notification", "date": "2024-03-20"}]}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("never_notified.json"),
        r#"{"case": "never-notified", "as_of": "2024-04-15",
            "person": {"citizenship": "GB"},
            "host": {"kind": "legal_entity", "size": "small"},
            "events": [{"kind": "entry", "date": "2024-04-01"}]}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("resident.json"),
        r#"{"case": "resident", "as_of": "2024-03-25",
            "person": {"citizenship": "GB",
                       "documents": [{"kind": "residence_permit", "valid_until": "2030-01-01"}]},
            "host": {"kind": "legal_entity", "size": "large"},
            "events": [{"kind": "entry", "date": "2024-03-15"}]}"#,
    )
    .unwrap();
}

#[test]
fn diff_lists_the_cases_a_rule_change_affects() {
    let tmp = tempfile::tempdir().unwrap();
    let old = tmp.path().join("old");
    let new = tmp.path().join("new");
    let cases = tmp.path().join("cases");
    copy_rules(&old);
    copy_rules(&new);
    slow_arrival(&new);
    write_cases(&cases);
    let (old, new, cases) = (
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        cases.to_str().unwrap(),
    );

    let out = run(&["diff", "--old", old, "--new", new, cases], None);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("3 cases judged, 2 changed"), "{stdout}");
    let section = stdout
        .split("\narrival_notification: ")
        .nth(1)
        .expect("a section for arrival_notification");
    assert!(
        section.starts_with("0 added, 0 removed, 2 changed in 2 cases"),
        "{stdout}"
    );
    assert!(section.contains("case friday-night"), "{stdout}");
    // Friday 23:50: 5 business days over Nauryz end on Tuesday 26 March: met.
    assert!(
        section.contains("due 2024-03-19 -> 2024-03-26; status late -> met; days_late 1 -> 0"),
        "{stdout}"
    );
    assert!(section.contains("case never-notified"), "{stdout}");
    // Monday 1 April: 3 days end Wednesday 3 April, 5 days Friday 5 April.
    assert!(
        section.contains("due 2024-04-03 -> 2024-04-05; days_late 12 -> 10"),
        "{stdout}"
    );
    assert!(!stdout.contains("resident"), "{stdout}");
    assert!(!stdout.contains("\nvisa_free_stay:"), "{stdout}");

    // --report-only: the same report, exit 0.
    let out = run(
        &["diff", "--old", old, "--new", new, cases, "--report-only"],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout), stdout);

    // Markdown: a summary table and a table per rule.
    let out = run(
        &[
            "diff", "--old", old, "--new", new, cases, "--format", "markdown",
        ],
        None,
    );
    let markdown = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        markdown.contains("| `arrival_notification` | 2 | 0 | 0 | 2 |"),
        "{markdown}"
    );
    assert!(
        markdown.contains("### `arrival_notification`"),
        "{markdown}"
    );
    assert!(
        markdown.contains("| case | item | change | old | new |"),
        "{markdown}"
    );

    // JSON: data, grouped by rule.
    let out = run(
        &[
            "diff", "--old", old, "--new", new, cases, "--format", "json",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["cases"], 3);
    assert_eq!(json["cases_changed"], 2);
    assert_eq!(json["changed"], 2);
    let rule = &json["rules"][0];
    assert_eq!(rule["rule"], "arrival_notification");
    let friday = rule["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["case"] == "friday-night")
        .unwrap();
    assert_eq!(friday["kind"], "obligation");
    assert_eq!(friday["change"], "changed");
    assert_eq!(friday["trigger"]["date"], "2024-03-15");
    assert_eq!(friday["fields"][0]["field"], "due");
    assert_eq!(friday["fields"][0]["old"], "2024-03-19");
    assert_eq!(friday["fields"][0]["new"], "2024-03-26");
    assert_eq!(friday["old"]["status"], "late");
    assert_eq!(friday["new"]["status"], "met");

    // --as-of judges every case on one day: never-notified is then still open under the
    // new rules (due 5 April) but overdue under the old ones (due 3 April).
    let out = run(
        &[
            "diff",
            "--old",
            old,
            "--new",
            new,
            cases,
            "--as-of",
            "2024-04-04",
        ],
        None,
    );
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("due 2024-04-03 -> 2024-04-05; status overdue -> open; days_late 1 -> 0"),
        "{stdout}"
    );

    // The same rules twice: nothing changes.
    let out = run(&["diff", "--old", old, "--new", old, cases], None);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text(&out.stdout).contains("no change"),
        "{}",
        text(&out.stdout)
    );
    let out = run(
        &[
            "diff", "--old", old, "--new", old, cases, "--format", "markdown",
        ],
        None,
    );
    assert!(
        text(&out.stdout).contains("No change"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn diff_reports_added_and_removed_items() {
    let tmp = tempfile::tempdir().unwrap();
    let old = tmp.path().join("old");
    let new = tmp.path().join("new");
    let cases = tmp.path().join("cases");
    copy_rules(&old);
    copy_rules(&new);
    write_cases(&cases);
    // The arrival rule under another id: every arrival result moves from one id to the other.
    let file = new.join("notifications.kzr");
    let before = std::fs::read_to_string(&file).unwrap();
    let after = before.replace("rule arrival_notification {", "rule arrival_notice {");
    assert_ne!(before, after);
    std::fs::write(&file, after).unwrap();
    let (old, new, cases) = (
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        cases.to_str().unwrap(),
    );

    let out = run(&["diff", "--old", old, "--new", new, cases], None);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("3 cases judged, 3 changed"), "{stdout}");
    assert!(
        stdout.contains("\narrival_notice: 3 added, 0 removed, 0 changed in 3 cases"),
        "{stdout}"
    );
    assert!(
        stdout.contains("\narrival_notification: 0 added, 3 removed, 0 changed in 3 cases"),
        "{stdout}"
    );
    assert!(
        stdout.contains("- removed obligation, entry on 2024-03-15: due 2024-03-19, late, 1 day late, done 2024-03-20, art. 518 part 1: fine 20 MCI (73,840 tenge)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("+ added exemption, entry on 2024-03-15: holds a residence permit: its holders are exempt from notification"),
        "{stdout}"
    );

    let out = run(
        &[
            "diff", "--old", old, "--new", new, cases, "--format", "json",
        ],
        None,
    );
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (json["added"].as_u64(), json["removed"].as_u64()),
        (Some(3), Some(3))
    );
    let removed = &json["rules"][1];
    assert_eq!(removed["rule"], "arrival_notification");
    let resident = removed["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["case"] == "resident")
        .unwrap();
    assert_eq!(resident["kind"], "exemption");
    assert_eq!(resident["change"], "removed");
    assert_eq!(resident["new"], Value::Null);
    assert_eq!(
        resident["old"]["reason"],
        "holds a residence permit: its holders are exempt from notification"
    );
}

#[test]
fn diff_reads_rules_from_a_git_revision() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    copy_rules(&repo.join("rules"));
    write_cases(&repo.join("cases"));
    let git = |args: &[&str]| {
        let status = std::process::Command::new("git")
            .args([
                "-c",
                "user.name=kzrules",
                "-c",
                "user.email=kzrules@example.org",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .current_dir(repo)
            .output()
            .unwrap();
        assert!(
            status.status.success(),
            "git {args:?}: {}",
            text(&status.stderr)
        );
    };
    git(&["init", "-q"]);
    git(&["add", "rules"]);
    git(&["commit", "-q", "-m", "rules"]);
    slow_arrival(&repo.join("rules"));

    let out = run(
        &["diff", "--old", "HEAD", "--new", "rules", "cases"],
        Some(repo),
    );
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.contains("old `HEAD`, new `rules`: 3 cases judged, 2 changed"),
        "{stdout}"
    );
    assert!(stdout.contains("\narrival_notification: "), "{stdout}");

    // docs/ci.md shows this change against branch `main`, as text and as Markdown.
    git(&["branch", "-M", "main"]);
    let docs = std::fs::read_to_string(manifest().join("docs/ci.md")).unwrap();
    let block = |opening: &str| {
        let start = docs.find(opening).unwrap() + opening.find('\n').unwrap() + 1;
        docs[start..start + docs[start..].find("```").unwrap()].to_string()
    };
    let out = run(
        &["diff", "--old", "main", "--new", "rules", "cases/"],
        Some(repo),
    );
    assert_eq!(text(&out.stdout), block("```\nkzrules diff: old `main`"));
    let out = run(
        &[
            "diff", "--old", "main", "--new", "rules", "cases/", "--format", "markdown",
        ],
        Some(repo),
    );
    assert_eq!(text(&out.stdout), block("```markdown\n## kzrules diff"));

    // The committed rules against themselves.
    let out = run(
        &["diff", "--old", "HEAD", "--new", "HEAD", "cases"],
        Some(repo),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("no change"));

    // An unknown revision is a clear error.
    let out = run(
        &["diff", "--old", "no-such-branch", "--new", "rules", "cases"],
        Some(repo),
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("`no-such-branch` is neither a folder nor a git revision"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn diff_exits_2_on_an_unreadable_case() {
    let tmp = tempfile::tempdir().unwrap();
    let cases = tmp.path().join("cases");
    write_cases(&cases);
    std::fs::write(cases.join("broken.json"), r#"{"case": "b", "person": {"citizenship": "GB"}, "events": [{"kind": "entri", "date": "2024-01-01"}]}"#).unwrap();
    let rules = manifest().join("rules");
    let rules = rules.to_str().unwrap();
    let out = run(
        &[
            "diff",
            "--old",
            rules,
            "--new",
            rules,
            cases.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("broken.json"), "{stderr}");
    assert!(stderr.contains("events[0].kind"), "{stderr}");
    // The report still compares the other cases, and names the one it could not judge.
    let stdout = text(&out.stdout);
    assert!(stdout.contains("could not judge 1 case:\n"), "{stdout}");
    assert!(
        stdout.contains("broken.json:1:68: error[kzrules::case::unknown_value]: events[0].kind"),
        "{stdout}"
    );
}
