//! `kzrules plan`: planned trips judged by the same evaluator. The worked example is
//! examples/plan.json: a GB tourist with 85 days in the 180 days ending 30 June 2024
//! (1 Feb-1 Mar, 20 Mar-18 Apr, 1-10 May, 16-30 Jun), outside from 30 June.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use assert_cmd::Command;

fn kzrules() -> Command {
    let mut cmd = Command::cargo_bin("kzrules").unwrap();
    cmd.env("NO_COLOR", "1").env("KZRULES_TODAY", "2024-06-30");
    cmd
}

fn plan_json(args: &[&str]) -> (Option<i32>, serde_json::Value) {
    let out = kzrules()
        .args(["plan", "examples/plan.json", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code(), value)
}

#[test]
fn a_30_day_trip_too_soon_breaks_90_in_180_on_its_sixth_day() {
    // Entering 10 July: the window of 10 July (13 Jan-10 Jul) holds 85 + 1 = 86 days; no
    // earlier day leaves it before 14 July, so the 90th day is 14 July: a stay of 5 days.
    // 30 days to 8 August would be over the limit from 15 July.
    let (code, v) = plan_json(&["--enter", "2024-07-10", "--days", "30"]);
    assert_eq!(code, Some(1));
    assert_eq!(v["lawful"], false);
    let trip = &v["trips"][0];
    assert_eq!(trip["leave"], "2024-08-08");
    assert_eq!(trip["longest_stay_days"], 5);
    assert_eq!(trip["latest_exit"], "2024-07-14");
    assert_eq!(trip["breaks"]["first_day"], "2024-07-15");
    assert_eq!(trip["breaks"]["limit"], "90 days in any 180 days");
    assert_eq!(trip["breaks"]["rule"], "visa_free_stay");
    // The duties: the hotel's arrival notification within 3 business days (Wednesday
    // 10 July: 10, 11, 12 July), and the duty to leave, whose planned exit is late.
    let duties = trip["duties"].as_array().unwrap();
    let arrival = duties
        .iter()
        .find(|d| d["rule"] == "arrival_notification")
        .unwrap();
    assert_eq!(arrival["due"], "2024-07-12");
    assert_eq!(arrival["who"], "Hotel Almaty (the host)");
    let leave = duties
        .iter()
        .find(|d| d["rule"] == "visa_free_stay")
        .unwrap();
    assert_eq!(leave["due"], "2024-07-14");
    assert_eq!(leave["planned_exit_in_time"], false);
}

#[test]
fn without_an_exit_the_trip_runs_to_the_latest_lawful_exit() {
    let (code, v) = plan_json(&["--enter", "2024-07-10"]);
    assert_eq!(code, Some(0));
    let trip = &v["trips"][0];
    assert_eq!(trip["leave_given"], false);
    assert_eq!(trip["leave"], "2024-07-14");
    assert_eq!(trip["lawful"], true);
}

#[test]
fn a_full_stay_from_the_next_full_entry_and_a_second_trip() {
    // From 25 July a full 30 days (to 23 August) fits: the window of 23 August (26 Feb-
    // 23 Aug) holds 5 + 30 + 10 + 15 = 60 earlier days and the 30 new ones. A second
    // trip from 10 September: up to 14 September the window (from 19 March on) still
    // holds 30 + 10 + 15 + 30 = 85 earlier days (the February stay has left it), and
    // 85 + 5 = 90 on 14 September; on 15 September
    // the window starts 20 March and still holds the 30 days of 20 Mar-18 Apr, so
    // 85 + 6 = 91: the 10-day trip breaks the limit from 15 September.
    let (code, v) = plan_json(&[
        "--enter",
        "2024-07-25",
        "--leave",
        "2024-08-23",
        "--enter",
        "2024-09-10",
        "--leave",
        "2024-09-19",
    ]);
    assert_eq!(code, Some(1));
    let first = &v["trips"][0];
    assert_eq!(first["lawful"], true);
    assert_eq!(first["longest_stay_days"], 30);
    let second = &v["trips"][1];
    assert_eq!(second["lawful"], false);
    assert_eq!(second["latest_exit"], "2024-09-14");
    assert_eq!(second["longest_stay_days"], 5);
    assert_eq!(second["breaks"]["first_day"], "2024-09-15");
}

#[test]
fn bad_trips_exit_2_with_the_fix() {
    kzrules()
        .args([
            "plan",
            "examples/plan.json",
            "--enter",
            "2024-07-10",
            "--leave",
            "2024-07-01",
        ])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicates::str::contains(
            "give an exit on or after the entry",
        ));
    kzrules()
        .args(["plan", "examples/plan.json", "--enter", "2024-06-01"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "before the judging day 2024-06-30",
        ));
    // Still inside on the judging day: the stay must end before a new entry.
    kzrules()
        .args(["plan", "examples/trips.json", "--enter", "2024-07-10"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "two entries with no exit between them",
        ));
    kzrules()
        .args([
            "plan",
            "examples/plan.json",
            "--enter",
            "2024-07-10",
            "--days",
            "3",
            "--leave",
            "2024-07-20",
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "either with --leave or with --days",
        ));
}

#[test]
fn the_plan_in_text_and_json() {
    let text = kzrules()
        .args([
            "plan",
            "examples/plan.json",
            "--enter",
            "2024-07-10",
            "--days",
            "30",
        ])
        .output()
        .unwrap();
    assert_eq!(text.status.code(), Some(1));
    insta::assert_snapshot!("plan_text", String::from_utf8(text.stdout).unwrap());
    let (_, json) = plan_json(&["--enter", "2024-07-25", "--days", "30"]);
    insta::assert_json_snapshot!("plan_json", json);
}

#[test]
fn the_plan_is_valid_against_its_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("docs/schema/plan.schema.json").unwrap())
            .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let (_, v) = plan_json(&["--enter", "2024-07-10", "--days", "30"]);
    let errors: Vec<String> = validator.iter_errors(&v).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn the_readme_shows_what_the_planner_prints() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let after = readme.split("The planner prints").nth(1).unwrap();
    let block = after.split("```\n").nth(1).unwrap();
    let out = kzrules()
        .args([
            "plan",
            "examples/plan.json",
            "--enter",
            "2024-07-10",
            "--days",
            "30",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim_end(),
        block.trim_end(),
        "README.md's planner example is stale"
    );
}
