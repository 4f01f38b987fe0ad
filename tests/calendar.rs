//! Tests of the working-day calendar: the embedded data against FACTS.md's table,
//! counting examples, properties, and parse errors of broken data.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeSet;
use std::sync::OnceLock;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use kzrules::calendar::{
    calendar_days_before, estimated_kurban_ait, within_calendar_days, Calendar, CalendarError,
    Count, DayKind, FIRST_COMPUTED_YEAR, LAST_COMPUTED_YEAR,
};
use kzrules::diagnostic::Diagnostic;
use kzrules::source::SourceFile;
use proptest::prelude::*;

const DATA: &str = include_str!("../rules/calendar.kzcal");
const DATA_NAME: &str = "rules/calendar.kzcal";
const FACTS: &str = include_str!("data/calendar_facts.txt");

/// A diagnostic as miette draws it, without colour.
fn render(error: &dyn miette::Diagnostic) -> String {
    let mut out = String::new();
    miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
        .render_report(&mut out, error)
        .unwrap();
    out
}

fn calendar() -> &'static Calendar {
    static CALENDAR: OnceLock<Calendar> = OnceLock::new();
    CALENDAR.get_or_init(|| match parse(DATA_NAME, DATA) {
        Ok(calendar) => calendar,
        Err(errors) => {
            let rendered: Vec<String> = errors.iter().map(|e| render(e)).collect();
            panic!(
                "{} errors in the data:\n{}",
                errors.len(),
                rendered.join("\n")
            );
        }
    })
}

fn d(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// The calendar of the data `text` of a file named `name`, or its diagnostics.
fn parse(name: &str, text: &str) -> Result<Calendar, Vec<Diagnostic>> {
    Calendar::parse(&SourceFile::new(name, text), 0)
}

/// The code of a counting error.
fn code(error: &CalendarError) -> String {
    miette::Diagnostic::code(error)
        .map(|c| c.to_string())
        .unwrap_or_default()
}

/// The days a count passed over, with their reasons.
fn skipped_days(count: &Count) -> Vec<(NaiveDate, &str)> {
    count
        .skipped
        .iter()
        .map(|s| (s.date, s.reason.as_str()))
        .collect()
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

// ---------------------------------------------------------------------------
// The data against FACTS.md
// ---------------------------------------------------------------------------

struct YearFacts {
    year: i32,
    off: BTreeSet<NaiveDate>,
    decree: BTreeSet<NaiveDate>,
    working: BTreeSet<NaiveDate>,
    working_weekday: BTreeSet<NaiveDate>,
}

fn parse_facts() -> Vec<YearFacts> {
    let mut years = Vec::new();
    for line in FACTS.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('|').map(str::trim).collect();
        assert_eq!(fields.len(), 4, "bad facts line: {line}");
        let year: i32 = fields[0].parse().unwrap();
        let dates = |field: &str, label: &str| -> Vec<(NaiveDate, bool)> {
            let rest = field
                .strip_prefix(label)
                .and_then(|r| r.strip_prefix(':'))
                .unwrap_or_else(|| panic!("field `{field}` should start with `{label}:`"));
            rest.split_whitespace()
                .map(|item| {
                    let (starred, dm) = match item.strip_prefix('*') {
                        Some(dm) => (true, dm),
                        None => (false, item),
                    };
                    let (day, month) = dm.split_once('.').unwrap();
                    let date =
                        NaiveDate::from_ymd_opt(year, month.parse().unwrap(), day.parse().unwrap())
                            .unwrap_or_else(|| panic!("bad date {item} in {year}"));
                    (date, starred)
                })
                .collect()
        };
        let off = dates(fields[1], "off");
        years.push(YearFacts {
            year,
            off: off.iter().map(|(date, _)| *date).collect(),
            decree: off
                .iter()
                .filter(|(_, s)| *s)
                .map(|(date, _)| *date)
                .collect(),
            working: dates(fields[2], "working")
                .into_iter()
                .map(|(x, _)| x)
                .collect(),
            working_weekday: dates(fields[3], "working_weekday")
                .into_iter()
                .map(|(x, _)| x)
                .collect(),
        });
    }
    years
}

#[test]
fn embedded_data_parses_and_covers_2019_to_2027() {
    let cal = calendar();
    assert_eq!(cal.years(), 2019..=2027);
    assert_eq!(cal.file_name(), DATA_NAME);
    for year in cal.years() {
        assert!(cal.year_source(year).is_some_and(|s| !s.is_empty()));
    }
    // 2019 to 2026 are verified, 2027 is provisional.
    for year in 2019..=2026 {
        assert_eq!(cal.is_provisional(year), None, "{year}");
    }
    assert!(cal.is_provisional(2027).is_some());
}

#[test]
fn every_year_matches_the_facts_table() {
    let cal = calendar();
    let facts = parse_facts();
    let fact_years: BTreeSet<i32> = facts.iter().map(|f| f.year).collect();
    for year in 2020..=2026 {
        assert!(fact_years.contains(&year), "facts file lacks {year}");
    }
    for fact in &facts {
        let listing = cal.year_listing(fact.year).unwrap();
        let off: BTreeSet<NaiveDate> = listing
            .iter()
            .filter(|(_, kind)| !kind.is_business())
            .map(|(date, _)| *date)
            .collect();
        let working: BTreeSet<NaiveDate> = listing
            .iter()
            .filter(|(date, kind)| kind.is_business() && is_weekend(*date))
            .map(|(date, _)| *date)
            .collect();
        let working_weekday: BTreeSet<NaiveDate> = listing
            .iter()
            .filter(|(date, kind)| kind.is_business() && !is_weekend(*date))
            .map(|(date, _)| *date)
            .collect();
        let decree: BTreeSet<NaiveDate> = listing
            .iter()
            .filter(|(_, kind)| matches!(kind, DayKind::DecreeDayOff { .. }))
            .map(|(date, _)| *date)
            .collect();
        assert_eq!(off, fact.off, "weekdays off of {}", fact.year);
        assert_eq!(
            working, fact.working,
            "working weekend days of {}",
            fact.year
        );
        assert_eq!(
            working_weekday, fact.working_weekday,
            "working weekdays of {}",
            fact.year
        );
        assert_eq!(decree, fact.decree, "decree transfers of {}", fact.year);
        // The listing is in date order and holds only weekdays off and working days.
        assert!(listing.windows(2).all(|w| w[0].0 < w[1].0));
        // Every other day of the year is an ordinary one.
        let mut date = NaiveDate::from_ymd_opt(fact.year, 1, 1).unwrap();
        while date.year() == fact.year {
            let expected_business = if fact.off.contains(&date) {
                false
            } else if fact.working.contains(&date) || fact.working_weekday.contains(&date) {
                true
            } else {
                !is_weekend(date)
            };
            assert_eq!(
                cal.is_business_day(date).unwrap(),
                expected_business,
                "business day {date}"
            );
            assert_eq!(cal.day(date).unwrap().is_business(), expected_business);
            date = date.succ_opt().unwrap();
        }
    }
}

#[test]
fn specific_days_of_2024_and_2022() {
    let cal = calendar();
    for off in ["2024-03-25", "2024-05-08", "2024-07-08", "2024-12-16"] {
        assert!(!cal.is_business_day(d(off)).unwrap(), "{off} is off");
    }
    assert!(cal.is_business_day(d("2024-05-04")).unwrap());
    assert!(!cal.is_business_day(d("2022-05-10")).unwrap());

    assert_eq!(
        cal.day(d("2024-03-25")).unwrap(),
        DayKind::MovedHoliday {
            name: "Nauryz meiramy".to_string(),
            from: d("2024-03-23"),
        }
    );
    assert_eq!(
        cal.day(d("2024-03-25")).unwrap().reason(),
        "day off moved from Saturday 2024-03-23 (Nauryz meiramy)"
    );
    assert_eq!(
        cal.day(d("2024-03-21")).unwrap(),
        DayKind::Holiday {
            name: "Nauryz meiramy".to_string()
        }
    );
    // Two together: Saturday 7 May 2022 moved past Monday 9 May (a holiday) to Tuesday.
    assert_eq!(
        cal.day(d("2022-05-10")).unwrap(),
        DayKind::MovedHoliday {
            name: "Defender of the Fatherland Day".to_string(),
            from: d("2022-05-07"),
        }
    );
    match cal.day(d("2024-05-08")).unwrap() {
        DayKind::DecreeDayOff {
            working_day,
            source,
        } => {
            assert_eq!(working_day, d("2024-05-04"));
            assert!(source.contains("2024"), "{source}");
        }
        other => panic!("2024-05-08 is {other:?}"),
    }
    let reason = cal.day(d("2024-05-08")).unwrap().reason();
    assert!(reason.starts_with("day off moved by decree ("), "{reason}");
    assert!(reason.ends_with("working Saturday 2024-05-04"), "{reason}");
    let working = cal.day(d("2024-05-04")).unwrap();
    assert!(matches!(working, DayKind::WorkingWeekend { .. }));
    assert!(working.is_business());
    assert!(working.reason().contains("2024-05-08"));
    assert_eq!(cal.day(d("2024-05-05")).unwrap(), DayKind::Weekend);
    assert_eq!(
        cal.day(d("2024-05-05")).unwrap().reason_on(d("2024-05-05")),
        "Sunday"
    );
    assert_eq!(cal.day(d("2024-05-06")).unwrap(), DayKind::Business);
}

#[test]
fn holidays_that_never_move() {
    let cal = calendar();
    // Kurban Ait on Saturday 9 July 2022 and Sunday 16 June 2024: no day off moved.
    assert!(matches!(
        cal.day(d("2022-07-09")).unwrap(),
        DayKind::Holiday { .. }
    ));
    assert!(cal.is_business_day(d("2022-07-11")).unwrap());
    assert!(cal.is_business_day(d("2024-06-17")).unwrap());
    // 7 January 2023 was a Saturday: Monday 9 January is a working day.
    assert!(cal.is_business_day(d("2023-01-09")).unwrap());
    assert_eq!(
        cal.day(d("2023-01-07")).unwrap().reason_on(d("2023-01-07")),
        "Orthodox Christmas (Saturday)"
    );
}

#[test]
fn holidays_change_by_law() {
    let cal = calendar();
    // 25 October: not a holiday in 2021, a holiday from 2022.
    assert!(cal.is_business_day(d("2021-10-25")).unwrap());
    assert!(!cal.is_business_day(d("2022-10-25")).unwrap());
    // 1 December: a holiday until 2021.
    assert!(!cal.is_business_day(d("2021-12-01")).unwrap());
    assert!(cal.is_business_day(d("2022-12-01")).unwrap());
    // 17 December: Saturday in 2022, no longer a holiday, so Monday 19 is working.
    assert!(cal.is_business_day(d("2022-12-19")).unwrap());
    // 30 August: Sunday in 2026 and no holiday any more, so Monday 31 is working.
    assert!(cal.is_business_day(d("2026-08-31")).unwrap());
    assert_eq!(cal.day(d("2026-08-30")).unwrap(), DayKind::Weekend);
}

#[test]
fn victory_day_2020_moved_by_decree() {
    let cal = calendar();
    assert!(!cal.is_business_day(d("2020-05-08")).unwrap());
    assert!(cal.is_business_day(d("2020-05-11")).unwrap());
    let kind = cal.day(d("2020-05-11")).unwrap();
    assert!(kind.reason().contains("Victory Day"), "{}", kind.reason());
    // Nauryz 2020: Saturday 21 and Sunday 22 moved past Monday 23 to 24 and 25.
    assert_eq!(
        cal.day(d("2020-03-25")).unwrap(),
        DayKind::MovedHoliday {
            name: "Nauryz meiramy".to_string(),
            from: d("2020-03-22"),
        }
    );
}

// ---------------------------------------------------------------------------
// Counting
// ---------------------------------------------------------------------------

#[test]
fn three_business_days_from_tuesday_19_march_2024() {
    let count = calendar().within_business_days(d("2024-03-19"), 3).unwrap();
    assert_eq!(count.due, d("2024-03-26"));
    assert_eq!(
        count.counted,
        vec![d("2024-03-19"), d("2024-03-20"), d("2024-03-26")]
    );
    let skipped = skipped_days(&count);
    assert_eq!(
        skipped,
        vec![
            (d("2024-03-21"), "Nauryz meiramy"),
            (d("2024-03-22"), "Nauryz meiramy"),
            (d("2024-03-23"), "Nauryz meiramy (Saturday)"),
            (d("2024-03-24"), "Sunday"),
            (
                d("2024-03-25"),
                "day off moved from Saturday 2024-03-23 (Nauryz meiramy)"
            ),
        ]
    );
}

#[test]
fn three_business_days_from_friday_15_march_2024() {
    let count = calendar().within_business_days(d("2024-03-15"), 3).unwrap();
    assert_eq!(count.due, d("2024-03-19"));
    assert_eq!(
        count.counted,
        vec![d("2024-03-15"), d("2024-03-18"), d("2024-03-19")]
    );
    let skipped: Vec<&str> = count.skipped.iter().map(|s| s.reason.as_str()).collect();
    assert_eq!(skipped, vec!["Saturday", "Sunday"]);
}

#[test]
fn a_start_on_a_day_off_counts_from_the_next_business_day() {
    // Saturday 23 March 2024: day 1 is Tuesday 26 March.
    let count = calendar().within_business_days(d("2024-03-23"), 1).unwrap();
    assert_eq!(count.due, d("2024-03-26"));
    assert_eq!(count.skipped.len(), 3);
}

#[test]
fn business_days_before_counts_back_without_the_end_day() {
    let cal = calendar();
    // Before Tuesday 26 March 2024: 25 (moved), 24, 23 (weekend), 22, 21 (Nauryz) are
    // passed over; 20 is day 1, 19 day 2, 18 day 3.
    let count = cal.business_days_before(d("2024-03-26"), 3).unwrap();
    assert_eq!(count.due, d("2024-03-18"));
    assert_eq!(
        count.counted,
        vec![d("2024-03-20"), d("2024-03-19"), d("2024-03-18")]
    );
    assert_eq!(count.skipped.len(), 5);
    // Before a Monday: Friday is day 1.
    assert_eq!(
        cal.business_days_before(d("2024-04-15"), 1).unwrap().due,
        d("2024-04-12")
    );
}

#[test]
fn zero_business_days_is_an_error() {
    let err = calendar()
        .within_business_days(d("2024-03-19"), 0)
        .unwrap_err();
    assert_eq!(code(&err), "kzrules::calendar::invalid_count");
    assert!(calendar().business_days_before(d("2024-03-19"), 0).is_err());
}

#[test]
fn calendar_days() {
    // Entry 1 July, 30 days: the last day is 30 July.
    assert_eq!(
        within_calendar_days(d("2024-07-01"), 30),
        Some(d("2024-07-30"))
    );
    assert_eq!(
        within_calendar_days(d("2024-07-01"), 1),
        Some(d("2024-07-01"))
    );
    assert_eq!(within_calendar_days(d("2024-07-01"), 0), None);
    assert_eq!(within_calendar_days(NaiveDate::MAX, 2), None);
    assert_eq!(
        calendar_days_before(d("2024-03-10"), 5),
        Some(d("2024-03-05"))
    );
    assert_eq!(
        calendar_days_before(d("2024-03-10"), 0),
        Some(d("2024-03-10"))
    );
    assert_eq!(calendar_days_before(NaiveDate::MIN, 1), None);
}

#[test]
fn years_outside_the_data_are_refused() {
    // Before 2012 (when the migration rules came into force) nothing is computed.
    let cal = calendar();
    let err = cal.day(d("2011-05-04")).unwrap_err();
    match &err {
        CalendarError::OutOfRange {
            year,
            first,
            last,
            file,
        } => {
            assert_eq!((*year, *first, *last), (2011, 2019, 2027));
            assert_eq!(file, DATA_NAME);
        }
        other => panic!("expected OutOfRange, got {other:?}"),
    }
    let message = err.to_string();
    assert!(message.contains("2011"), "{message}");
    assert!(message.contains("2012 to 9999"), "{message}");
    assert!(message.contains("extend"), "{message}");
    assert!(message.contains(DATA_NAME), "{message}");
    assert_eq!(code(&err), "kzrules::calendar::out_of_range");
    assert!(cal.is_business_day(d("2011-05-05")).is_err());
    assert!(cal.year_listing(2011).is_err());
    assert!(cal.year_listing(10000).is_err());
    assert!(cal.year_listing(i32::MIN).is_err());
    assert!(cal.year_listing(i32::MAX).is_err());
    assert!(cal.within_business_days(d("2011-01-06"), 1).is_err());
    assert!(cal
        .day(NaiveDate::from_ymd_opt(10000, 1, 3).unwrap())
        .is_err());
    assert!(matches!(
        cal.business_days_before(d("2012-01-01"), 1),
        Err(CalendarError::OutOfRange { year: 2011, .. })
    ));
    assert_eq!((FIRST_COMPUTED_YEAR, LAST_COMPUTED_YEAR), (2012, 9999));
    for year in [2011, 10000] {
        assert!(!cal.answers_for(year), "{year}");
        assert_eq!(cal.year_source(year), None);
        assert_eq!(cal.is_provisional(year), None);
    }
}

#[test]
fn a_count_running_past_the_computed_years_is_refused() {
    let cal = calendar();
    // Thursday 30 December 9999: day 3 would fall in 10000.
    assert!(matches!(
        cal.within_business_days(d("9999-12-30"), 3),
        Err(CalendarError::OutOfRange { year: 10000, .. })
    ));
    assert_eq!(
        cal.within_business_days(d("9999-12-30"), 2).unwrap().due,
        d("9999-12-31")
    );
    // A count longer than the days left is refused at once.
    assert!(matches!(
        cal.within_business_days(d("2019-01-02"), u32::MAX),
        Err(CalendarError::OutOfRange { year: 10000, .. })
    ));
    assert!(matches!(
        cal.business_days_before(d("2024-01-10"), u32::MAX),
        Err(CalendarError::OutOfRange { year: 2011, .. })
    ));
    assert!(matches!(
        cal.business_days_before(d("2012-01-10"), 10),
        Err(CalendarError::OutOfRange { year: 2011, .. })
    ));
}

// ---------------------------------------------------------------------------
// 2027: in the data, provisional
// ---------------------------------------------------------------------------

fn holiday(name: &str) -> DayKind {
    DayKind::Holiday {
        name: name.to_string(),
    }
}

fn moved(name: &str, from: &str) -> DayKind {
    DayKind::MovedHoliday {
        name: name.to_string(),
        from: d(from),
    }
}

fn estimated(name: &str) -> DayKind {
    DayKind::EstimatedHoliday {
        name: name.to_string(),
    }
}

/// One test per day off of 2027 that the law gives (as the `holidays` package v0.101,
/// July 2026, lists them), and the estimated Kurban Ait.
macro_rules! days_of_2027 {
    ($($test:ident: $date:literal => $kind:expr;)*) => {
        $(
            #[test]
            fn $test() {
                let cal = calendar();
                assert_eq!(cal.day(d($date)).unwrap(), $kind, "{}", $date);
                assert!(!cal.is_business_day(d($date)).unwrap(), "{} is off", $date);
            }
        )*
    };
}

days_of_2027! {
    off_2027_01_01_new_year: "2027-01-01" => holiday("New Year");
    off_2027_01_04_new_year_moved_from_saturday: "2027-01-04" => moved("New Year", "2027-01-02");
    off_2027_01_07_orthodox_christmas: "2027-01-07" => holiday("Orthodox Christmas");
    off_2027_03_08_womens_day: "2027-03-08" => holiday("International Women's Day");
    off_2027_03_15_constitution_day: "2027-03-15" => holiday("Constitution Day");
    off_2027_03_22_nauryz: "2027-03-22" => holiday("Nauryz meiramy");
    off_2027_03_23_nauryz: "2027-03-23" => holiday("Nauryz meiramy");
    off_2027_03_24_nauryz_moved_from_sunday: "2027-03-24" => moved("Nauryz meiramy", "2027-03-21");
    off_2027_05_03_unity_day_moved_from_saturday: "2027-05-03" => moved("Kazakhstan People's Unity Day", "2027-05-01");
    off_2027_05_07_defender_day: "2027-05-07" => holiday("Defender of the Fatherland Day");
    off_2027_05_10_victory_day_moved_from_sunday: "2027-05-10" => moved("Victory Day", "2027-05-09");
    off_2027_07_06_capital_day: "2027-07-06" => holiday("Capital Day");
    off_2027_10_25_republic_day: "2027-10-25" => holiday("Republic Day");
    off_2027_12_16_independence_day: "2027-12-16" => holiday("Independence Day");
    off_2027_05_16_kurban_ait_estimated_sunday: "2027-05-16" => estimated("Kurban Ait");
}

#[test]
fn year_2027_has_exactly_the_law_s_days_off_and_is_provisional() {
    let cal = calendar();
    let listing = cal.year_listing(2027).unwrap();
    let days: Vec<String> = listing
        .iter()
        .map(|(date, _)| date.format("%d.%m").to_string())
        .collect();
    assert_eq!(
        days.join(" "),
        "01.01 04.01 07.01 08.03 15.03 22.03 23.03 24.03 03.05 07.05 10.05 06.07 25.10 16.12"
    );
    // No decree transfer yet: no working weekend day, no day off by decree.
    assert!(listing.iter().all(|(_, kind)| !kind.is_business()));
    assert!(listing
        .iter()
        .all(|(_, kind)| !matches!(kind, DayKind::DecreeDayOff { .. })));
    assert_eq!(
        cal.is_provisional(2027),
        Some("no decree transfers are published yet; Kurban Ait (16 May) is estimated")
    );
    let source = cal.year_source(2027).unwrap();
    assert!(source.contains("holidays package"), "{source}");
    assert!(
        source.ends_with("; provisional: no decree transfers are published yet; Kurban Ait (16 May) is estimated"),
        "{source}"
    );
    // Kurban Ait on a Sunday never moves; 30 August is no holiday any more.
    assert!(cal.is_business_day(d("2027-05-17")).unwrap());
    assert!(cal.is_business_day(d("2027-08-30")).unwrap());
    let kurban = cal.day(d("2027-05-16")).unwrap();
    assert!(kurban.is_estimated());
    assert_eq!(
        kurban.reason_on(d("2027-05-16")),
        "Kurban Ait (estimated date, Sunday)"
    );
    assert_eq!(kurban.reason(), "Kurban Ait (estimated date)");
    assert!(!cal.day(d("2027-05-10")).unwrap().is_estimated());
}

#[test]
fn three_business_days_from_wednesday_30_december_2026_run_into_provisional_2027() {
    let count = calendar().within_business_days(d("2026-12-30"), 3).unwrap();
    assert_eq!(count.due, d("2027-01-05"));
    assert_eq!(
        count.counted,
        vec![d("2026-12-30"), d("2026-12-31"), d("2027-01-05")]
    );
    let skipped = skipped_days(&count);
    assert_eq!(
        skipped,
        vec![
            (d("2027-01-01"), "New Year"),
            (d("2027-01-02"), "New Year (Saturday)"),
            (d("2027-01-03"), "Sunday"),
            (
                d("2027-01-04"),
                "day off moved from Saturday 2027-01-02 (New Year)"
            ),
        ]
    );
    assert_eq!(
        count.provisional.as_deref(),
        Some("counted over days of 2027 (1 to 5 January), whose calendar is provisional: no decree transfers are published yet; Kurban Ait (16 May) is estimated")
    );
}

#[test]
fn a_count_says_provisional_only_when_it_touches_a_provisional_year() {
    let cal = calendar();
    // Inside 2026: verified.
    let count = cal.within_business_days(d("2026-12-28"), 4).unwrap();
    assert_eq!(count.due, d("2026-12-31"));
    assert_eq!(count.provisional, None);
    // Landing on a day of 2027.
    let count = cal.within_business_days(d("2027-03-01"), 1).unwrap();
    assert_eq!(
        count.provisional.as_deref(),
        Some("counted over days of 2027 (1 March), whose calendar is provisional: no decree transfers are published yet; Kurban Ait (16 May) is estimated")
    );
    // Counting back from 2027 over its first days to 2026.
    let count = cal.business_days_before(d("2027-01-05"), 1).unwrap();
    assert_eq!(count.due, d("2026-12-31"));
    let note = count.provisional.unwrap();
    assert!(
        note.starts_with(
            "counted over days of 2027 (1 to 4 January), whose calendar is provisional"
        ),
        "{note}"
    );
    // Over the estimated Kurban Ait and across months.
    let count = cal.within_business_days(d("2027-05-14"), 2).unwrap();
    assert_eq!(count.due, d("2027-05-17"));
    let note = count.provisional.unwrap();
    assert!(note.contains("(14 to 17 May)"), "{note}");
    // Over two provisional years: 2027 (data) and 2028 (computed).
    let count = cal.within_business_days(d("2027-12-30"), 3).unwrap();
    let note = count.provisional.unwrap();
    assert!(
        note.starts_with("counted over days of 2027 (30 to 31 December) and 2028 (1 to "),
        "{note}"
    );
    assert!(
        note.contains(
            "whose calendars are provisional. 2027: no decree transfers are published yet"
        ),
        "{note}"
    );
    assert!(note.contains(" 2028: computed from the law"), "{note}");
}

#[test]
fn data_ends_soon_warns_90_days_before_the_last_verified_day() {
    let cal = calendar();
    let last = d("2026-12-31");
    // 2027 is provisional: 2026 is the last verified year.
    assert_eq!(cal.data_ends_soon(d("2026-12-01")), Some((2027, last)));
    assert_eq!(cal.data_ends_soon(d("2026-10-02")), Some((2027, last)));
    assert_eq!(cal.data_ends_soon(d("2026-10-01")), None);
    assert_eq!(cal.data_ends_soon(d("2024-06-01")), None);
    // Past the cliff it still warns.
    assert_eq!(cal.data_ends_soon(d("2027-02-01")), Some((2027, last)));
    assert_eq!(cal.data_ends_soon(d("2031-02-01")), Some((2027, last)));
    // A file whose last year is verified.
    let small = parse("small.kzcal", BASE).unwrap();
    assert_eq!(
        small.data_ends_soon(d("2024-12-01")),
        Some((2025, d("2024-12-31")))
    );
    assert_eq!(small.data_ends_soon(d("2024-06-01")), None);
    // Nothing verified: nothing to warn about.
    let provisional = parse(
        "provisional.kzcal",
        &BASE.replace(
            "year 2024 source",
            "year 2024 provisional \"a test\" source",
        ),
    )
    .unwrap();
    assert_eq!(provisional.data_ends_soon(d("2024-12-01")), None);
}

// ---------------------------------------------------------------------------
// Years the data does not cover: computed from the law, provisional
// ---------------------------------------------------------------------------

#[test]
fn year_2031_is_computed_from_the_law() {
    let cal = calendar();
    assert!(cal.answers_for(2031));
    let reason = cal.is_provisional(2031).unwrap();
    assert_eq!(
        reason,
        "computed from the law without the year's decree transfers (not in rules/calendar.kzcal); Kurban Ait (2 April) is estimated"
    );
    let source = cal.year_source(2031).unwrap();
    assert!(
        source.starts_with("computed from the holidays of rules/calendar.kzcal in force in 2031"),
        "{source}"
    );
    assert!(
        source.ends_with(&format!("; provisional: {reason}")),
        "{source}"
    );

    // 15 March (Constitution Day, from 2027) is a Saturday: its day off moves to
    // Monday 17 March (the `holidays` package has 2031-03-17 and 2031-10-27 too).
    assert_eq!(
        cal.day(d("2031-03-15")).unwrap(),
        holiday("Constitution Day")
    );
    assert_eq!(
        cal.day(d("2031-03-15")).unwrap().reason_on(d("2031-03-15")),
        "Constitution Day (Saturday)"
    );
    assert_eq!(
        cal.day(d("2031-03-17")).unwrap(),
        moved("Constitution Day", "2031-03-15")
    );
    // Nauryz: Friday 21, Saturday 22 and Sunday 23 March; 22 and 23 move to Monday 24
    // and Tuesday 25.
    assert_eq!(cal.day(d("2031-03-21")).unwrap(), holiday("Nauryz meiramy"));
    assert_eq!(
        cal.day(d("2031-03-24")).unwrap(),
        moved("Nauryz meiramy", "2031-03-22")
    );
    assert_eq!(
        cal.day(d("2031-03-25")).unwrap(),
        moved("Nauryz meiramy", "2031-03-23")
    );
    assert_eq!(
        cal.day(d("2031-07-07")).unwrap(),
        moved("Capital Day", "2031-07-06")
    );
    assert_eq!(
        cal.day(d("2031-10-27")).unwrap(),
        moved("Republic Day", "2031-10-25")
    );
    // Kurban Ait, estimated: Wednesday 2 April 2031.
    assert_eq!(estimated_kurban_ait(2031), vec![d("2031-04-02")]);
    let kurban = cal.day(d("2031-04-02")).unwrap();
    assert_eq!(kurban, estimated("Kurban Ait"));
    assert!(kurban.is_estimated());
    assert!(!cal.is_business_day(d("2031-04-02")).unwrap());
    // No decree transfers, and every weekday off is a holiday or a moved one.
    let listing = cal.year_listing(2031).unwrap();
    assert!(listing.iter().all(|(date, kind)| !is_weekend(*date)
        && matches!(
            kind,
            DayKind::Holiday { .. }
                | DayKind::MovedHoliday { .. }
                | DayKind::EstimatedHoliday { .. }
        )));
    assert_eq!(listing.len(), 15, "{listing:?}");
    // A count in 2031 says so.
    let count = cal.within_business_days(d("2031-03-20"), 2).unwrap();
    assert_eq!(count.due, d("2031-03-26"));
    assert!(count
        .provisional
        .unwrap()
        .starts_with("counted over days of 2031 (20 to 26 March), whose calendar is provisional: computed from the law"));
}

#[test]
fn a_gregorian_year_can_hold_two_kurban_aits() {
    let cal = calendar();
    assert_eq!(
        estimated_kurban_ait(2039),
        vec![d("2039-01-05"), d("2039-12-26")]
    );
    assert!(cal.day(d("2039-01-05")).unwrap().is_estimated());
    assert!(cal.day(d("2039-12-26")).unwrap().is_estimated());
    assert!(cal
        .is_provisional(2039)
        .unwrap()
        .ends_with("Kurban Ait (5 January and 26 December) is estimated"));
}

#[test]
fn the_estimate_matches_the_announced_kurban_ait_within_a_day() {
    // 2012-2018: the dates of the `holidays` package (confirmed years); 2019-2026: the
    // data file. Kazakhstan followed Umm al-Qura except in 2015 and 2016, a day later.
    let announced = [
        "2012-10-26",
        "2013-10-15",
        "2014-10-04",
        "2015-09-24",
        "2016-09-12",
        "2017-09-01",
        "2018-08-21",
        "2019-08-11",
        "2020-07-31",
        "2021-07-20",
        "2022-07-09",
        "2023-06-28",
        "2024-06-16",
        "2025-06-06",
        "2026-05-27",
    ];
    for text in announced {
        let date = d(text);
        let estimate = estimated_kurban_ait(date.year());
        assert_eq!(estimate.len(), 1, "{text}: {estimate:?}");
        let off_by = (date - estimate[0]).num_days();
        let expected = if matches!(date.year(), 2015 | 2016) {
            1
        } else {
            0
        };
        assert_eq!(off_by, expected, "{text}: estimated {}", estimate[0]);
    }
    for year in 2019..=2026 {
        let kurban = calendar().day(estimated_kurban_ait(year)[0]).unwrap();
        assert!(kurban.reason().contains("Kurban Ait"), "{year}: {kurban:?}");
        assert!(!kurban.is_estimated(), "{year}: announced, not estimated");
    }
}

#[test]
fn years_2012_to_2018_are_computed() {
    let cal = calendar();
    for year in 2012..=2018 {
        let reason = cal.is_provisional(year).unwrap();
        assert!(
            reason.starts_with("computed from the law without the year's decree transfers"),
            "{year}: {reason}"
        );
        assert!(cal
            .year_listing(year)
            .unwrap()
            .iter()
            .all(|(_, kind)| matches!(
                kind,
                DayKind::Holiday { .. }
                    | DayKind::MovedHoliday { .. }
                    | DayKind::EstimatedHoliday { .. }
            )));
    }
    // Weekend moves that the `holidays` package's tests list for these years.
    for (date, name) in [
        ("2012-12-03", "First President Day"),
        ("2013-07-08", "Capital Day"),
        ("2013-12-02", "First President Day"),
        ("2014-03-10", "International Women's Day"),
        ("2014-07-07", "Capital Day"),
        ("2014-09-01", "Constitution Day"),
        ("2015-03-09", "International Women's Day"),
        ("2015-05-11", "Victory Day"),
        ("2015-08-31", "Constitution Day"),
        ("2016-05-02", "Kazakhstan People's Unity Day"),
        ("2016-05-10", "Defender of the Fatherland Day"),
        ("2016-12-19", "Independence Day"),
        ("2017-01-03", "New Year"),
        ("2017-05-08", "Defender of the Fatherland Day"),
        ("2017-12-18", "Independence Day"),
        ("2017-12-19", "Independence Day"),
        ("2018-12-03", "First President Day"),
        ("2018-12-18", "Independence Day"),
    ] {
        match cal.day(d(date)).unwrap() {
            DayKind::MovedHoliday { name: moved, .. } => assert_eq!(moved, name, "{date}"),
            other => panic!("{date}: {other:?}"),
        }
    }
    // Defender of the Fatherland Day is a day off from 2013; 25 October was not a
    // holiday from 2009 to 2021; 17 December was.
    assert!(cal.is_business_day(d("2012-05-07")).unwrap());
    assert!(!cal.is_business_day(d("2013-05-07")).unwrap());
    assert!(cal.is_business_day(d("2013-10-25")).unwrap());
    assert!(!cal.is_business_day(d("2014-12-17")).unwrap());
    // Kurban Ait 2015, estimated on Wednesday 23 September (announced: 24).
    assert!(cal.day(d("2015-09-23")).unwrap().is_estimated());
    // The first day answered for.
    assert_eq!(cal.day(d("2012-01-01")).unwrap(), holiday("New Year"));
    let count = cal.within_business_days(d("2012-01-01"), 1).unwrap();
    assert_eq!(count.due, d("2012-01-04"));
    assert!(count.provisional.unwrap().contains("2012 (1 to 4 January)"));
}

#[test]
fn a_file_that_covers_years_before_2012_leaves_a_gap() {
    let text = BASE
        .replace("covers 2024 to 2024", "covers 2005 to 2005")
        .replace("year 2024", "year 2005")
        .replace("kurban_ait 2024-06-16", "kurban_ait 2005-01-21");
    let cal = parse("old.kzcal", &text).unwrap();
    assert!(cal.answers_for(2005));
    assert!(!cal.answers_for(2006));
    assert!(cal.answers_for(2012));
    assert!(matches!(
        cal.within_business_days(d("2005-12-30"), 2),
        Err(CalendarError::OutOfRange { year: 2006, .. })
    ));
    assert!(matches!(
        cal.within_business_days(d("2005-12-30"), u32::MAX),
        Err(CalendarError::OutOfRange { year: 2006, .. })
    ));
    assert!(matches!(
        cal.business_days_before(d("2012-01-03"), 3),
        Err(CalendarError::OutOfRange { year: 2011, .. })
    ));
    // The computed years use the file's holidays: here New Year and Victory Day only.
    assert_eq!(cal.year_listing(2031).unwrap().len(), 3);
}

#[test]
fn computed_years_agree_across_threads_and_clones() {
    let cal = parse(DATA_NAME, DATA).unwrap();
    let listings: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|_| scope.spawn(|| cal.year_listing(2045).unwrap()))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(listings.windows(2).all(|w| w[0] == w[1]));
    let clone = cal.clone();
    assert_eq!(clone.year_listing(2045).unwrap(), listings[0]);
    assert_eq!(
        clone.year_listing(2046).unwrap(),
        cal.year_listing(2046).unwrap()
    );
}

#[test]
fn provisional_and_estimated_in_the_data_file() {
    let text = BASE
        .replace(
            "year 2024 source \"test\"",
            "year 2024 provisional \"no decree yet\" source \"test\"",
        )
        .replace("kurban_ait 2024-06-16", "kurban_ait 2024-06-16 estimated");
    let cal = parse("p.kzcal", &text).unwrap();
    assert_eq!(
        cal.is_provisional(2024),
        Some("no decree yet; Kurban Ait (16 June) is estimated")
    );
    assert_eq!(
        cal.year_source(2024),
        Some("test; provisional: no decree yet; Kurban Ait (16 June) is estimated")
    );
    assert!(cal.day(d("2024-06-16")).unwrap().is_estimated());

    // An estimated Kurban Ait alone makes the year provisional.
    let text = BASE.replace(
        "kurban_ait 2024-06-16",
        "kurban_ait 2024-06-17 estimated source \"Umm al-Qura\"",
    );
    let cal = parse("e.kzcal", &text).unwrap();
    assert_eq!(
        cal.is_provisional(2024),
        Some("Kurban Ait (17 June) is estimated")
    );
    assert_eq!(cal.day(d("2024-06-17")).unwrap(), estimated("Kurban Ait"));
    assert_eq!(
        cal.year_source(2024),
        Some("test; provisional: Kurban Ait (17 June) is estimated")
    );

    // A verified year says nothing.
    let cal = parse("v.kzcal", BASE).unwrap();
    assert_eq!(cal.is_provisional(2024), None);
    assert_eq!(cal.year_source(2024), Some("test"));
    assert_eq!(
        cal.within_business_days(d("2024-06-14"), 2)
            .unwrap()
            .provisional,
        None
    );

    // `provisional` needs its reason, in quotes (the year is then missing too).
    let errors = errors_of(&BASE.replace("year 2024 source", "year 2024 provisional source"));
    assert_eq!(
        codes(&errors),
        vec![
            "kzrules::calendar::missing_year",
            "kzrules::calendar::syntax"
        ]
    );
    let help = errors[1].help.as_deref().unwrap();
    assert!(help.contains("provisional \"REASON\""), "{help}");
    let errors = errors_of(&BASE.replace("year 2024 source", "year 2024 provisional \" \" source"));
    assert_eq!(
        codes(&errors),
        vec![
            "kzrules::calendar::missing_year",
            "kzrules::calendar::syntax"
        ]
    );
    assert!(
        errors[1].to_string().contains("needs the reason"),
        "{}",
        errors[1]
    );
    let errors = errors_of(&BASE.replace(
        "kurban_ait 2024-06-16",
        "kurban_ait 2024-06-16 estimated estimated",
    ));
    assert_eq!(
        codes(&errors),
        vec![
            "kzrules::calendar::missing_kurban_ait",
            "kzrules::calendar::duplicate"
        ]
    );
}

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

const FIRST_DAY: &str = "2019-01-01";
const COVERED_DAYS: u64 = 2922; // 2019-01-01 ..= 2026-12-31
const COMPUTED_DAYS: u64 = 32507; // 2012-01-01 ..= 2100-12-31

fn covered_date(offset: u64) -> NaiveDate {
    d(FIRST_DAY).checked_add_days(Days::new(offset)).unwrap()
}

proptest! {
    #[test]
    fn adding_business_days_lands_on_a_business_day(offset in 0..COVERED_DAYS - 200, n in 1u32..60) {
        let cal = calendar();
        let start = covered_date(offset);
        let count = cal.within_business_days(start, n).unwrap();
        prop_assert!(cal.is_business_day(count.due).unwrap());
        prop_assert!(count.due >= start);
        prop_assert_eq!(count.counted.len(), n as usize);
        prop_assert_eq!(count.counted.last().copied(), Some(count.due));
        prop_assert!(count.counted.windows(2).all(|w| w[0] < w[1]));
        prop_assert!(count.counted.iter().all(|x| cal.is_business_day(*x).unwrap()));
        prop_assert!(count.skipped.iter().all(|s| !cal.is_business_day(s.date).unwrap()));
        // Every day from the start to the due date is counted or skipped.
        let days = (count.due - start).num_days() + 1;
        prop_assert_eq!(days as usize, count.counted.len() + count.skipped.len());
    }

    #[test]
    fn adding_business_days_is_monotonic(offset in 0..COVERED_DAYS - 200, n in 1u32..60) {
        let cal = calendar();
        let start = covered_date(offset);
        let a = cal.within_business_days(start, n).unwrap().due;
        let b = cal.within_business_days(start, n + 1).unwrap().due;
        prop_assert!(a < b);
    }

    #[test]
    fn counting_back_and_forth_agree(offset in 200..COVERED_DAYS, n in 1u32..60) {
        let cal = calendar();
        let y = covered_date(offset);
        prop_assume!(cal.is_business_day(y).unwrap());
        let before = cal.business_days_before(y, n).unwrap();
        prop_assert!(before.due < y);
        prop_assert!(cal.is_business_day(before.due).unwrap());
        let forth = cal.within_business_days(before.due, n + 1).unwrap();
        prop_assert_eq!(forth.due, y);
    }

    #[test]
    fn every_date_from_2012_to_2100_has_a_day_kind(offset in 0..COMPUTED_DAYS) {
        let cal = calendar();
        let date = d("2012-01-01").checked_add_days(Days::new(offset)).unwrap();
        let kind = cal.day(date).unwrap();
        prop_assert_eq!(cal.is_business_day(date).unwrap(), kind.is_business());
        prop_assert_eq!(kind.is_estimated(), matches!(kind, DayKind::EstimatedHoliday { .. }));
        if kind.is_estimated() {
            prop_assert!(cal.is_provisional(date.year()).is_some());
        }
        // Verified years are the data's 2019 to 2026; every other one is provisional.
        prop_assert_eq!(
            cal.is_provisional(date.year()).is_none(),
            (2019..=2026).contains(&date.year())
        );
        prop_assert!(cal.year_source(date.year()).is_some());
    }

    #[test]
    fn a_count_is_provisional_when_it_touches_a_provisional_year(offset in 0..COMPUTED_DAYS - 200, n in 1u32..60) {
        let cal = calendar();
        let start = d("2012-01-01").checked_add_days(Days::new(offset)).unwrap();
        let count = cal.within_business_days(start, n).unwrap();
        prop_assert!(cal.is_business_day(count.due).unwrap());
        let touches = start
            .iter_days()
            .take_while(|day| *day <= count.due)
            .any(|day| cal.is_provisional(day.year()).is_some());
        prop_assert_eq!(count.provisional.is_some(), touches);
    }

    #[test]
    fn calendar_days_back_and_forth(offset in 0..COVERED_DAYS, n in 1u32..400) {
        let x = covered_date(offset);
        let last = within_calendar_days(x, n).unwrap();
        prop_assert_eq!((last - x).num_days(), i64::from(n) - 1);
        prop_assert_eq!(calendar_days_before(last, n - 1), Some(x));
    }
}

// ---------------------------------------------------------------------------
// Parse errors
// ---------------------------------------------------------------------------

const BASE: &str = r#"covers 2024 to 2024
year 2024 source "test"
holiday "New Year" 01-01
holiday "Victory Day" 05-09
kurban_ait 2024-06-16
"#;

fn errors_of(text: &str) -> Vec<Diagnostic> {
    match parse("broken.kzcal", text) {
        Ok(_) => panic!("expected errors in:\n{text}"),
        Err(errors) => errors,
    }
}

fn codes(errors: &[Diagnostic]) -> Vec<String> {
    errors.iter().map(|e| e.code.to_string()).collect()
}

#[test]
fn the_base_snippet_is_valid() {
    let cal = parse("base.kzcal", BASE).unwrap();
    assert_eq!(cal.years(), 2024..=2024);
    assert!(!cal.is_business_day(d("2024-05-09")).unwrap());
}

#[test]
fn every_error_of_a_file_is_reported() {
    let text = format!(
        "{BASE}holliday \"Extra\" 06-01\n\
         kurban_ait 2024-02-30\n\
         transfer day_off 2024-05-08 working 2024-05-06 decree \"D\" source \"S\"\n\
         transfer day_off 2024-05-10 working 2024-05-11 decree \"D\"\n"
    );
    let errors = errors_of(&text);
    assert_eq!(
        codes(&errors),
        vec![
            "kzrules::calendar::unknown_keyword",
            "kzrules::calendar::bad_date",
            "kzrules::calendar::transfer_working_not_weekend",
            "kzrules::calendar::missing_source",
        ]
    );
    for error in &errors {
        assert_eq!(error.file, "broken.kzcal", "{error:?}");
        assert!(
            miette::Diagnostic::source_code(error).is_some(),
            "{error:?}"
        );
        assert!(!error.label.is_empty(), "{error:?}");
        assert!(error.help.is_some(), "{error:?}");
    }
    // The unknown keyword gets a suggestion; the bad date says why.
    assert!(errors[0].help.as_ref().unwrap().contains("`holiday`"));
    let bad_date = render(&errors[1]);
    assert!(bad_date.contains("broken.kzcal"), "{bad_date}");
    assert!(bad_date.contains("2024-02-30"), "{bad_date}");
    assert!(bad_date.contains("February 2024 has 29 days"), "{bad_date}");
    // The label is on the exact place.
    let at = text.find("2024-02-30").unwrap();
    assert_eq!(
        (errors[1].offset, errors[1].length),
        (at, "2024-02-30".len())
    );
    assert_eq!(errors[1].line, 7);
}

#[test]
fn duplicates_and_overlaps() {
    let text = format!(
        "{BASE}holiday \"Victory Day again\" 05-09 from 2020-01-01\n\
         holiday \"New Year\" 01-01 until 2010-12-31\n\
         year 2024 source \"again\"\n\
         kurban_ait 2024-06-17\n\
         covers 2024 to 2024\n"
    );
    let errors = errors_of(&text);
    let codes = codes(&errors);
    // The 01-01 holiday until 2010 overlaps the open-ended one.
    assert_eq!(codes.len(), 5, "{codes:?}");
    assert!(
        codes.iter().all(|c| c == "kzrules::calendar::duplicate"),
        "{codes:?}"
    );
    // Each points at the second definition and, as a related diagnostic, the first.
    for error in &errors {
        assert_eq!(error.label, "defined again here", "{error:?}");
        let first = error.related.as_deref().unwrap();
        assert_eq!(first.label, "first defined here", "{error:?}");
        assert!(first.offset < error.offset, "{error:?}");
    }
    // A holiday replaced at a date is fine when the periods do not overlap.
    let fine = format!(
        "{BASE}holiday \"Old\" 10-25 until 2008-12-31\nholiday \"Republic Day\" 10-25 from 2022-09-29\n"
    );
    let cal = parse("fine.kzcal", &fine).unwrap();
    assert!(!cal.is_business_day(d("2024-10-25")).unwrap());
}

#[test]
fn structural_errors() {
    let errors = errors_of("year 2024 source \"x\"\nkurban_ait 2024-06-16\n");
    assert_eq!(codes(&errors), vec!["kzrules::calendar::missing_covers"]);

    let errors = errors_of("covers 2024 to 2025\nyear 2024 source \"x\"\nkurban_ait 2024-06-16\n");
    assert_eq!(
        codes(&errors),
        vec![
            "kzrules::calendar::missing_year",
            "kzrules::calendar::missing_kurban_ait"
        ]
    );

    let errors = errors_of(&format!(
        "{BASE}kurban_ait 2025-06-06\ntransfer day_off 2023-05-08 working 2023-05-06 decree \"D\" source \"S\"\n"
    ));
    assert_eq!(
        codes(&errors),
        vec![
            "kzrules::calendar::outside_covers",
            "kzrules::calendar::outside_covers",
            "kzrules::calendar::outside_covers"
        ]
    );

    let errors = errors_of(&format!(
        "{BASE}holiday \"Bad\" 13-01\nholiday \"Bad\" 02-30\nholiday \"Range\" 06-01 from 2024-02-01 until 2024-01-01\n\
         holiday Unquoted 06-02\nholiday \"Unterminated 06-03\nyear 2024 source \"x\" source \"y\"\n\
         covers 2026 to 2024\ntransfer day_off 2024-05-10 working 2024-05-11 source \"S\"\n"
    ));
    assert_eq!(
        codes(&errors),
        vec![
            "kzrules::calendar::bad_date",
            "kzrules::calendar::bad_date",
            "kzrules::calendar::bad_range",
            "kzrules::calendar::syntax",
            "kzrules::calendar::syntax",
            "kzrules::calendar::duplicate",
            "kzrules::calendar::bad_range",
            "kzrules::calendar::missing_field",
        ]
    );
    assert!(
        errors[0].to_string().contains("no month 13"),
        "{}",
        errors[0]
    );
}

#[test]
fn transfer_checks() {
    let errors = errors_of(&format!(
        "{BASE}transfer day_off 2024-05-09 working 2024-05-04 decree \"D\" source \"S\"\n\
         transfer day_off 2024-05-11 working 2024-05-05 decree \"D\" source \"S\"\n\
         transfer day_off 2024-05-08 working 2024-01-01 decree \"D\" source \"S\"\n\
         transfer day_off 2024-05-07 working 2024-05-04 decree \"D\" source \"S\"\n"
    ));
    assert_eq!(
        codes(&errors),
        vec![
            "kzrules::calendar::transfer_day_off_not_workday",
            "kzrules::calendar::transfer_day_off_not_workday",
            "kzrules::calendar::transfer_working_is_holiday",
            "kzrules::calendar::duplicate",
        ]
    );
    assert!(
        errors[0].to_string().contains("Victory Day"),
        "{}",
        errors[0]
    );
    assert!(errors[1].to_string().contains("Saturday"), "{}", errors[1]);
}
