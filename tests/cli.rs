//! The `kzrules` command as CI meets it: exit codes, what goes to stdout and stderr,
//! batches in order.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use assert_cmd::Command;
use predicates::prelude::*;

fn kzrules() -> Command {
    let mut c = Command::cargo_bin("kzrules").unwrap();
    c.env("NO_COLOR", "1");
    c
}

fn case(id: &str, entry: &str, notified: &str) -> String {
    format!(
        r#"{{"case": "{id}", "as_of": "2024-04-30", "person": {{"citizenship": "GB", "documents": [{{"kind": "visa", "category": "C3", "entries": "multiple", "valid_from": "2024-01-01", "valid_until": "2024-12-31"}}]}}, "host": {{"kind": "legal_entity", "size": "medium"}}, "events": [{{"kind": "entry", "date": "{entry}"}}, {{"kind": "notification", "date": "{notified}"}}]}}"#
    )
}

#[test]
fn a_case_on_time_exits_0() {
    kzrules()
        .args(["check", "tests/data/cases_md_case.json"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "met     notify the migration service of the foreigner's arrival",
        ))
        .stdout(predicate::str::contains(
            "arrival_notification, after the entry on",
        ));
}

#[test]
fn a_late_notification_exits_1_with_the_penalty() {
    kzrules()
        .args(["check", "examples/arrival.json"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "late    notify the migration service of the foreigner's arrival",
        ))
        .stdout(predicate::str::contains(
            "art. 518 part 1: fine 20 MCI (73,840 tenge)",
        ));
}

#[test]
fn json_output_follows_the_contract() {
    let out = kzrules()
        .args(["check", "--format", "json", "examples/arrival.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let o = &v["obligations"][0];
    assert_eq!(o["rule"], "arrival_notification");
    assert_eq!(o["due"], "2024-03-19");
    assert_eq!(o["status"], "late");
    assert_eq!(o["days_late"], 1);
    assert_eq!(o["penalty"]["article"], "518 part 1");
    assert_eq!(o["penalty"]["fine_mci"], serde_json::json!([20, 20]));
    assert_eq!(o["penalty"]["fine_kzt"], serde_json::json!([73840, 73840]));
    assert_eq!(o["citations"][0]["ref"], "art. 6 para. 4");
    assert!(v["receipt"]["rules_sha256"].as_str().unwrap().len() == 64);
}

#[test]
fn as_of_on_the_command_line_overrides_the_case() {
    let out = kzrules()
        .args([
            "check",
            "--format",
            "json",
            "--as-of",
            "2024-03-18",
            "tests/data/cases_md_case.json",
        ])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["as_of"], "2024-03-18");
}

#[test]
fn an_impossible_as_of_is_refused() {
    kzrules()
        .args(["check", "--as-of", "2024-02-30", "examples/arrival.json"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("`2024-02-30` is not a date"));
}

#[test]
fn a_broken_case_exits_2_with_nothing_on_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("typo.json");
    std::fs::write(
        &path,
        r#"{"case": "x", "person": {"citizenshp": "GB"}, "events": []}"#,
    )
    .unwrap();
    kzrules()
        .args(["check", path.to_str().unwrap()])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("person.citizenshp"))
        .stderr(predicate::str::contains("citizenship"));
}

#[test]
fn json_lines_on_stdin_come_back_in_order() {
    let mut input = String::new();
    for i in 0..36 {
        let day = 1 + (i % 28);
        let entry = format!("2024-02-{day:02}");
        input.push_str(&case(&format!("case-{i:02}"), &entry, &entry));
        input.push('\n');
    }
    let out = kzrules()
        .args(["check", "--format", "json", "-"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let ids: Vec<String> = text
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["case"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let expected: Vec<String> = (0..36).map(|i| format!("case-{i:02}")).collect();
    assert_eq!(ids, expected);
}

#[test]
fn a_folder_with_one_broken_case_exits_2_and_reports_the_others() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.json"),
        case("a", "2024-03-04", "2024-03-04"),
    )
    .unwrap();
    std::fs::write(dir.path().join("b.json"), r#"{"case": "b", "person": {"citizenship": "GB"}, "events": [{"kind": "entry", "date": "2024-02-30"}]}"#).unwrap();
    std::fs::write(
        dir.path().join("c.json"),
        case("c", "2024-03-04", "2024-03-12"),
    )
    .unwrap();
    let out = kzrules()
        .args(["check", "--format", "json", dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["case"], "a");
    assert_eq!(lines[1]["case"], "b");
    assert_eq!(lines[1]["error"]["code"], "kzrules::case::bad_date");
    assert_eq!(lines[1]["error"]["path"], "events[0].date");
    assert_eq!(lines[2]["case"], "c");
    assert_eq!(lines[2]["obligations"][0]["status"], "late");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("b.json"), "{stderr}");
}

#[test]
fn a_broken_rule_folder_exits_2_naming_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("broken.kzr"),
        "source law \"Law\"\nrule arrival_notification {\n  title \"x\"\n  cite law \"art. 1\"\n  bearer host\n  action \"notify\"\n  notify within 3 bussiness_days of entry\n}\n",
    )
    .unwrap();
    kzrules()
        .args([
            "check",
            "--rules",
            dir.path().to_str().unwrap(),
            "examples/arrival.json",
        ])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("broken.kzr:7:19"))
        .stderr(predicate::str::contains("kzrules::syntax"))
        .stderr(predicate::str::contains("business_days"));
}

#[test]
fn compile_reports_in_github_format() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("r.kzr"),
        "rule arrival_notification {\n  title \"x\"\n  bearer host\n  action \"notify\"\n  notify within 3 business_days of entyr\n}\n",
    )
    .unwrap();
    kzrules()
        .args([
            "compile",
            dir.path().to_str().unwrap(),
            "--format",
            "github",
        ])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("::error file="))
        .stdout(
            predicate::str::contains("kzrules%3A%3Ano_citation")
                .or(predicate::str::contains("no_citation")),
        )
        .stdout(predicate::str::contains("entry"));
}

#[test]
fn the_shipped_rules_compile() {
    kzrules().args(["compile", "rules"]).assert().code(0);
}

#[test]
fn calendar_lists_the_days_of_2024() {
    kzrules()
        .args(["calendar", "2024"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("2024-03-25"))
        .stdout(predicate::str::contains("2024-05-08"))
        .stdout(predicate::str::contains("2024-07-08"))
        .stdout(predicate::str::contains("2024-12-16"))
        .stdout(predicate::str::contains("2024-05-04 Sat working"));
    kzrules()
        .args(["calendar", "2022"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("2022-05-10"));
}

#[test]
fn calendar_refuses_a_year_without_data() {
    // Years from 2012 on are computed from the law; 2011 has no data.
    kzrules()
        .args(["calendar", "2011"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("2011"))
        .stderr(predicate::str::contains("calendar.kzcal"));
}

#[test]
fn calendar_add_counts_business_days() {
    kzrules()
        .args(["calendar", "add", "2024-03-19", "3", "business_days"])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("2024-03-26"))
        .stdout(predicate::str::contains("2024-03-21"))
        .stdout(predicate::str::contains("2024-03-22"))
        .stdout(predicate::str::contains("2024-03-25"));
}

#[test]
fn explain_names_the_skipped_days() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nauryz.json");
    std::fs::write(&path, case("nauryz", "2024-03-19", "2024-03-26")).unwrap();
    kzrules()
        .args([
            "explain",
            path.to_str().unwrap(),
            "--rule",
            "arrival_notification",
        ])
        .assert()
        .stdout(predicate::str::contains("2024-03-21 (Nauryz"))
        .stdout(predicate::str::contains("2024-03-22 (Nauryz"))
        .stdout(predicate::str::contains("2024-03-25"))
        .stdout(predicate::str::contains("last day 2024-03-26"))
        .stdout(predicate::str::contains("art. 6 para. 4"));
}

#[test]
fn a_deadline_in_a_provisional_year_is_judged_and_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new-year.json");
    // Wednesday 30 December 2026: 30 and 31 December are days 1-2; 1-4 January 2027 are
    // off (New Year, the weekend, Saturday 2 January moved to Monday 4 January); Tuesday
    // 5 January is day 3, on the provisional calendar of 2027.
    let text = r#"{"case": "new-year", "as_of": "2027-01-20", "person": {"citizenship": "GB"}, "host": {"kind": "legal_entity", "size": "large"}, "events": [{"kind": "entry", "date": "2026-12-30"}, {"kind": "notification", "date": "2027-01-05"}]}"#;
    std::fs::write(&path, text).unwrap();
    let out = kzrules()
        .args(["check", "--format", "json", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let o = &v["obligations"][0];
    assert_eq!(o["rule"], "arrival_notification");
    assert_eq!(o["due"], "2027-01-05");
    assert_eq!(o["status"], "met");
    let why = o["provisional"].as_str().unwrap();
    assert!(why.contains("2027"), "{why}");
    kzrules()
        .args(["check", path.to_str().unwrap()])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("by 2027-01-05*"))
        .stdout(predicate::str::contains("* provisional: "));
    kzrules()
        .args(["check", "--strict-calendar", path.to_str().unwrap()])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("kzrules::calendar::provisional"));
}

#[test]
fn the_calendar_of_2027_is_listed_as_provisional() {
    kzrules()
        .args(["calendar", "2027"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("# provisional:"))
        .stdout(predicate::str::contains("2027-01-04 Mon off"))
        .stdout(predicate::str::contains(
            "2027-03-15 Mon off     Constitution Day",
        ));
}

#[test]
fn completions_and_man_page_are_printed() {
    kzrules()
        .args(["completions", "bash"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("kzrules"));
    kzrules()
        .args(["man"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(".TH"));
}

#[test]
fn compile_gives_sarif_at_the_right_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("r.kzr"),
        "source law \"Law\"\n\nrule arrival_notification {\n  title \"x\"\n  cite law \"art. 1\"\n  bearer host\n  action \"notify\"\n  notify within 3 business_days of entyr\n}\n",
    )
    .unwrap();
    let out = kzrules()
        .args(["compile", dir.path().to_str().unwrap(), "--format", "sarif"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "kzrules::unknown_event");
    assert_eq!(result["level"], "error");
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 8);
    assert_eq!(region["startColumn"], 36);
    let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .unwrap();
    assert!(uri.ends_with("r.kzr"), "{uri}");
}

#[test]
fn junit_output_is_well_formed_xml_with_a_failure_per_late_duty() {
    let out = kzrules()
        .args([
            "check",
            "--format",
            "junit",
            "examples/arrival.json",
            "tests/data/cases_md_case.json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let xml = String::from_utf8(out.stdout).unwrap();
    let mut reader = quick_xml::Reader::from_str(&xml);
    let (mut suites, mut cases, mut failures, mut depth) = (0, 0, 0, 0i32);
    loop {
        match reader.read_event().unwrap() {
            quick_xml::events::Event::Start(e) => {
                depth += 1;
                match e.name().as_ref() {
                    b"testsuite" => suites += 1,
                    b"testcase" => cases += 1,
                    b"failure" => failures += 1,
                    _ => {}
                }
            }
            quick_xml::events::Event::Empty(e) => match e.name().as_ref() {
                b"testcase" => cases += 1,
                b"failure" => failures += 1,
                _ => {}
            },
            quick_xml::events::Event::End(_) => depth -= 1,
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(depth, 0, "{xml}");
    assert_eq!(suites, 2);
    assert!(cases >= 6, "{xml}");
    assert_eq!(failures, 1, "{xml}");
    assert!(
        xml.contains("art. 6 para. 4"),
        "the failure cites its article: {xml}"
    );
}

#[test]
fn ics_output_has_an_event_per_open_obligation() {
    let out = kzrules()
        .args(["check", "--format", "ics", "tests/data/cases_md_case.json"])
        .output()
        .unwrap();
    let ics = String::from_utf8(out.stdout).unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"));
    assert!(ics.ends_with("END:VCALENDAR\r\n"));
    // Two obligations are open on 2024-03-25: the notifications of the region trip and
    // of the return; the arrival was notified in time and the visa stay is met by the exit.
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 2, "{ics}");
    assert!(ics.contains("DTSTART;VALUE=DATE:20240404"));
    assert!(ics.contains("DTSTART;VALUE=DATE:20240412"));
    assert!(ics.lines().all(|l| l.len() <= 75), "{ics}");
}

#[test]
fn compile_and_test_warn_before_the_calendar_data_ends() {
    // The last verified year of the shipped calendar is 2026 (2027 is provisional).
    kzrules()
        .env("KZRULES_TODAY", "2026-12-02")
        .args(["compile", "rules"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "kzrules::calendar::data_ends_soon",
        ))
        .stderr(predicate::str::contains("2026-12-31, is in 29 days"))
        .stderr(predicate::str::contains("complete 2027"));
    kzrules()
        .env("KZRULES_TODAY", "2026-12-02")
        .args(["test", "rules"])
        .assert()
        .stderr(predicate::str::contains(
            "kzrules::calendar::data_ends_soon",
        ));
    kzrules()
        .env("KZRULES_TODAY", "2026-06-01")
        .args(["compile", "rules"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("data_ends_soon").not());
}

#[test]
fn state_fees_are_in_every_format_and_never_change_the_exit_code() {
    let file = "tests/cases/state_fees__2021_seed_004_table.json";
    kzrules()
        .args(["check", file])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("state fees:"))
        .stdout(predicate::str::contains(
            "Registration of a letter of invitation for a visa: invitation_application 2021-03-01: 0.5 MCI (1,458.50 tenge)",
        ))
        .stdout(predicate::str::contains(
            "residence_permit_application 2027-02-01: 4 MCI (tenge not known: no MCI for the year)",
        ));
    let json = kzrules()
        .args(["check", file, "--format", "json"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let fees = value["fees"].as_array().unwrap();
    assert_eq!(fees.len(), 5);
    assert_eq!(fees[1]["fee_mci"], 30.0);
    assert_eq!(fees[1]["fee_kzt"], 87510.0);
    assert!(fees[4]["fee_kzt"].is_null());
    kzrules()
        .args(["check", file, "--format", "junit"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "state fee: Extension of a visa-free stay (single-entry visa issued in Kazakhstan): visa_application 2021-06-01: 7 MCI (20,419 tenge)",
        ));
    kzrules()
        .args(["check", file, "--format", "markdown"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("✅; state fees 45.5 MCI (5 fees)"));
}

#[test]
fn citations_by_id_resolve_to_the_full_output() {
    // A batch of three cases, in full and by id: the ids, looked up in the first line,
    // give back exactly the full output.
    let input = format!(
        "{}\n{}\n{}\n",
        case("a", "2024-03-15", "2024-03-20"),
        case("b", "2024-03-15", "2024-03-18"),
        std::fs::read_to_string("examples/arrival.json")
            .unwrap()
            .replace('\n', " ")
    );
    let run = |citations: &str| {
        let out = kzrules()
            .args(["check", "--format", "json", "--citations", citations, "-"])
            .write_stdin(input.clone())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        String::from_utf8(out.stdout).unwrap()
    };
    let full: Vec<serde_json::Value> = run("full")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let by_id = run("ref");
    let mut lines = by_id.lines();
    let index: serde_json::Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    assert!(index.get("case").is_none());
    let index = index["citations"].as_object().unwrap();
    assert!(index.keys().all(|id| id.len() == 12));
    fn resolve(value: &mut serde_json::Value, index: &serde_json::Map<String, serde_json::Value>) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, v) in map.iter_mut() {
                    if key == "citations" {
                        for id in v.as_array_mut().unwrap() {
                            *id = index[id.as_str().expect("an id")].clone();
                        }
                    } else {
                        resolve(v, index);
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(|v| resolve(v, index)),
            _ => {}
        }
    }
    let resolved: Vec<serde_json::Value> = lines
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
            resolve(&mut v, index);
            v
        })
        .collect();
    assert_eq!(resolved.len(), 3);
    assert_eq!(resolved, full);
}

#[test]
fn citations_by_id_are_for_json_only() {
    kzrules()
        .args(["check", "--citations", "ref", "examples/arrival.json"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "`--citations ref` is for `--format json`",
        ));
}
