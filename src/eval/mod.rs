//! Evaluation: the evaluator runs the IR over a case's facts; the result it gives and
//! the trace of how.

pub mod evaluator;
pub mod result;
pub mod trace;

use chrono::NaiveDate;

use crate::ir::Program;

pub use evaluator::{evaluate, evaluate_with, EvalError, Options};
pub use trace::{Explanation, Step};

/// Kazakhstan's offset from UTC: one time zone, UTC+5, for the whole country since
/// 1 March 2024 (before, Almaty and the east were UTC+6; "today" is always now, so the
/// present offset is the one that matters).
const KAZAKHSTAN_UTC_OFFSET_HOURS: i32 = 5;

/// Today's date in Kazakhstan, whatever the machine's time zone: a case is judged by
/// the law's calendar day, and a machine on UTC lags it by five hours. The environment
/// variable `KZRULES_TODAY=YYYY-MM-DD` sets it instead, for a run that must give the
/// same answer on any day (a CI job replaying an old result, the tests).
pub fn today() -> NaiveDate {
    std::env::var("KZRULES_TODAY")
        .ok()
        .and_then(|s| crate::dates::parse_date(&s).ok())
        .unwrap_or_else(|| today_in_kazakhstan(chrono::Utc::now()))
}

/// The date in Kazakhstan at the instant `now`.
pub fn today_in_kazakhstan(now: chrono::DateTime<chrono::Utc>) -> NaiveDate {
    match chrono::FixedOffset::east_opt(KAZAKHSTAN_UTC_OFFSET_HOURS * 3600) {
        Some(offset) => now.with_timezone(&offset).date_naive(),
        None => now.date_naive(),
    }
}

/// The day a case is judged on: the day given for the run (`--as-of`), else the case's
/// own `as_of`, else today.
pub fn judging_day(given: Option<NaiveDate>, case: Option<NaiveDate>) -> NaiveDate {
    given.or(case).unwrap_or_else(today)
}

/// The receipt a result carries: this kzrules's version and the rule set's SHA-256.
pub fn receipt(program: &Program) -> result::Receipt {
    result::Receipt {
        kzrules: env!("CARGO_PKG_VERSION").to_string(),
        rules_sha256: program.sha256.clone(),
        rules: None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use chrono::{NaiveDate, TimeZone, Utc};

    #[test]
    fn today_is_kazakhstan_s_date_not_the_machine_s() {
        // 20:00 UTC on 31 December is 01:00 on 1 January in Astana.
        let evening = Utc.with_ymd_and_hms(2026, 12, 31, 20, 0, 0).unwrap();
        assert_eq!(
            super::today_in_kazakhstan(evening),
            NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()
        );
        let noon = Utc.with_ymd_and_hms(2026, 12, 31, 12, 0, 0).unwrap();
        assert_eq!(
            super::today_in_kazakhstan(noon),
            NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()
        );
    }
}
