//! The stay allowance (`allowance[]` of a result) against worked examples computed by
//! hand: the window for day D is D-179..D, entry and exit days both count, each day
//! once, leaving does not reset the count of days in any 180 days, days under a residence
//! permit do not count, and a stay is judged by the rule version in force on its entry.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::OnceLock;

use chrono::NaiveDate;
use kzrules::case::read_case;
use kzrules::eval::result::{Allowance, CheckResult};
use kzrules::ir::Program;
use serde_json::json;

fn program() -> &'static Program {
    static PROGRAM: OnceLock<Program> = OnceLock::new();
    PROGRAM.get_or_init(
        || match kzrules::compile::compile(kzrules::load::rules::embedded()) {
            Ok(compiled) => compiled.program,
            Err(diagnostics) => panic!("the embedded rules do not compile:\n{diagnostics}"),
        },
    )
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A GB tourist with a passport, a hotel host, the given stays (entry, optional exit)
/// and extra documents, judged on `as_of`.
fn judge(
    as_of: &str,
    stays: &[(&str, Option<&str>)],
    documents: &[serde_json::Value],
) -> CheckResult {
    let mut events = Vec::new();
    for (entry, exit) in stays {
        events.push(json!({"kind": "entry", "date": entry}));
        if let Some(exit) = exit {
            events.push(json!({"kind": "exit", "date": exit}));
        }
    }
    let mut docs = vec![json!({"kind": "passport", "valid_until": "2035-01-01", "blank_pages": 8})];
    docs.extend(documents.iter().cloned());
    let case = json!({
        "case": "allowance",
        "as_of": as_of,
        "person": {"citizenship": "GB", "birth_date": "1980-05-05", "documents": docs},
        "host": {"kind": "hotel", "size": "small"},
        "purpose": "tourism",
        "events": events,
    });
    let facts = read_case(&case.to_string(), &program().vocabulary).unwrap();
    kzrules::eval::evaluate(program(), &facts, date(as_of)).unwrap()
}

fn record<'r>(result: &'r CheckResult, limit: &str) -> &'r Allowance {
    result
        .allowance
        .iter()
        .find(|a| a.limit == limit)
        .unwrap_or_else(|| panic!("no `{limit}` in {:#?}", result.allowance))
}

/// (days_used, days_left, latest_exit, next_full_entry)
fn numbers(a: &Allowance) -> (i64, i64, Option<NaiveDate>, Option<NaiveDate>) {
    (a.days_used, a.days_left, a.latest_exit, a.next_full_entry)
}

#[test]
fn thirty_days_per_entry_first_trip() {
    // Entry 1 March 2024, judged 10 March: days 1-10 of the stay used. 30 days from entry
    // end on 30 March (1 March + 29): 20 days left. 10 days in the 180 ending 10 March;
    // a stay from 1 March could go on to 29 May (1 March + 89) under 90 in 180, 80 days
    // after 10 March. A new entry today allows a full 30 days (9 earlier days + 30 <= 90).
    let r = judge("2024-03-10", &[("2024-03-01", None)], &[]);
    assert_eq!(r.allowance.len(), 2, "{:#?}", r.allowance);
    let per_entry = record(&r, "30 days from each entry");
    assert_eq!(per_entry.rule, "visa_free_stay");
    assert_eq!(
        numbers(per_entry),
        (10, 20, Some(date("2024-03-30")), Some(date("2024-03-10")))
    );
    let rolling = record(&r, "90 days in any 180 days");
    assert_eq!(
        numbers(rolling),
        (10, 80, Some(date("2024-05-29")), Some(date("2024-03-10")))
    );
    // The duty to leave is due on the earlier of the two, as the allowance says.
    let leave = r
        .obligations
        .iter()
        .find(|o| o.rule == "visa_free_stay")
        .unwrap();
    assert_eq!(leave.due, date("2024-03-30"));
}

#[test]
fn acceptance_gb_85_of_180_days_inside() {
    // Stays 1 Feb-1 Mar (30 days), 20 Mar-18 Apr (30), 1-10 May (10), and since 16 June
    // (15 days to 30 June): 85 days in the 180 ending 30 June 2024 (3 Jan-30 Jun).
    // 30 days from the entry of 16 June: leave by 15 July, 15 days left. 90 in 180: no
    // day leaves the window before 5 July (its window starts 8 January), so day 90 is
    // 5 July: 5 days left. The duty to leave is due 5 July, the earlier.
    // Leaving on 30 June, a full 30-day stay is possible from an entry on 25 July: its
    // 30th day, 23 August, has a window from 26 February holding 5+30+10+15 = 60 days.
    let r = judge(
        "2024-06-30",
        &[
            ("2024-02-01", Some("2024-03-01")),
            ("2024-03-20", Some("2024-04-18")),
            ("2024-05-01", Some("2024-05-10")),
            ("2024-06-16", None),
        ],
        &[],
    );
    let per_entry = record(&r, "30 days from each entry");
    assert_eq!(
        numbers(per_entry),
        (15, 15, Some(date("2024-07-15")), Some(date("2024-06-30")))
    );
    let rolling = record(&r, "90 days in any 180 days");
    assert_eq!(
        numbers(rolling),
        (85, 5, Some(date("2024-07-05")), Some(date("2024-07-25")))
    );
    let leave = r
        .obligations
        .iter()
        .find(|o| o.rule == "visa_free_stay" && o.trigger.date == date("2024-06-16"))
        .unwrap();
    assert_eq!(leave.due, date("2024-07-05"));
    // The text names both limits with their days.
    let text = kzrules::report::text::render(&r, false);
    assert!(
        text.contains("90 days in any 180 days: 85 days used, 5 days left, leave by 2024-07-05"),
        "{text}"
    );
    assert!(
        text.contains("30 days from each entry: 15 days used, 15 days left, leave by 2024-07-15"),
        "{text}"
    );
}

#[test]
fn border_run_does_not_reset_the_180_day_count() {
    // 1-30 Jan, out and back in on 30 Jan to 28 Feb, out and back in on 28 Feb to 28 Mar,
    // out and back in on 28 March: every day from 1 January on is a day in Kazakhstan
    // (a day of leaving and coming back counts once). 31 March is the 91st day: the 90
    // days ran out on 30 March, whatever the new entries. The per-entry count started
    // again on 28 March (4 days used, 26 left). A full 30-day stay after leaving on
    // 31 March: from 30 June (on 29 July the window from 1 February holds 60 days).
    let r = judge(
        "2024-03-31",
        &[
            ("2024-01-01", Some("2024-01-30")),
            ("2024-01-30", Some("2024-02-28")),
            ("2024-02-28", Some("2024-03-28")),
            ("2024-03-28", None),
        ],
        &[],
    );
    let rolling = record(&r, "90 days in any 180 days");
    assert_eq!(
        numbers(rolling),
        (91, 0, Some(date("2024-03-30")), Some(date("2024-06-30")))
    );
    let per_entry = record(&r, "30 days from each entry");
    assert_eq!(
        numbers(per_entry),
        (4, 26, Some(date("2024-04-26")), Some(date("2024-03-31")))
    );
    let leave = r
        .obligations
        .iter()
        .find(|o| o.rule == "visa_free_stay" && o.trigger.date == date("2024-03-28"))
        .unwrap();
    assert_eq!(leave.due, date("2024-03-30"));
    assert_eq!(leave.days_late, 1);
}

#[test]
fn days_under_a_residence_permit_do_not_count() {
    // A residence permit to 29 February 2024 covered the stay of 1 January-29 February
    // (60 days); the visa-free stay from 10 March has used 11 days by 20 March, and only
    // they count towards 90 in 180 (not 71). 90 days from 10 March: 7 June, 79 days
    // after 20 March.
    let r = judge(
        "2024-03-20",
        &[("2024-01-01", Some("2024-02-29")), ("2024-03-10", None)],
        &[
            json!({"kind": "residence_permit", "valid_from": "2023-06-01", "valid_until": "2024-02-29"}),
        ],
    );
    let rolling = record(&r, "90 days in any 180 days");
    assert_eq!(
        numbers(rolling),
        (11, 79, Some(date("2024-06-07")), Some(date("2024-03-20")))
    );
    let per_entry = record(&r, "30 days from each entry");
    assert_eq!(
        numbers(per_entry),
        (11, 19, Some(date("2024-04-08")), Some(date("2024-03-20")))
    );
}

#[test]
fn a_residence_permit_holder_has_no_stay_limit() {
    let r = judge(
        "2024-03-20",
        &[("2024-03-10", None)],
        &[
            json!({"kind": "residence_permit", "valid_from": "2023-06-01", "valid_until": "2026-02-28"}),
        ],
    );
    assert!(r.allowance.is_empty(), "{:#?}", r.allowance);
}

#[test]
fn regime_change_the_stay_is_judged_by_the_version_of_its_entry() {
    // Entered 20 December 2019, before 90 in 180 came in on 11 January 2020: only the 30
    // days per entry apply to this stay (to 18 January; 27 days used by 15 January).
    let before = judge("2020-01-15", &[("2019-12-20", None)], &[]);
    assert_eq!(before.allowance.len(), 1, "{:#?}", before.allowance);
    assert_eq!(
        numbers(record(&before, "30 days from each entry")),
        (27, 3, Some(date("2020-01-18")), Some(date("2020-01-15")))
    );
    // Entered 1 February 2020, after it: the 2019 stays (1-30 October, 10 November-
    // 9 December) count in the window of 25 August 2019-20 February 2020: 30+30+20 = 80.
    // Day 90 is 1 March (no 2019 day leaves the window before 29 March). A full 30-day
    // stay after leaving on 20 February: from 19 March (its 30th day, 17 April, has a
    // window from 21 October 2019 holding 10 + 30 + 20 + 30 = 90 days; an entry on
    // 18 March would reach 91 on 16 April, whose window starts on 20 October).
    let after = judge(
        "2020-02-20",
        &[
            ("2019-10-01", Some("2019-10-30")),
            ("2019-11-10", Some("2019-12-09")),
            ("2020-02-01", None),
        ],
        &[],
    );
    assert_eq!(
        numbers(record(&after, "90 days in any 180 days")),
        (80, 10, Some(date("2020-03-01")), Some(date("2020-03-19")))
    );
}

#[test]
fn outside_the_allowance_is_for_an_entry_on_the_judging_day() {
    // Left on 18 April after 60 days (1 Feb-1 Mar, 20 Mar-18 Apr); judged 1 May, outside:
    // an entry on 1 May may last 30 days (60 + 30 = 90), no latest exit while outside.
    let r = judge(
        "2024-05-01",
        &[
            ("2024-02-01", Some("2024-03-01")),
            ("2024-03-20", Some("2024-04-18")),
        ],
        &[],
    );
    let rolling = record(&r, "90 days in any 180 days");
    assert_eq!(numbers(rolling), (60, 30, None, Some(date("2024-05-01"))));
    let per_entry = record(&r, "30 days from each entry");
    assert_eq!(numbers(per_entry), (0, 30, None, Some(date("2024-05-01"))));
}
