//! Kazakhstan's working-day calendar (five-day working week), read from a data file.
//!
//! The data file (`rules/calendar.kzcal`, format in `docs/calendar.md`) lists the
//! holidays with the period each is in force, the first day of Kurban Ait of every
//! year, and the yearly decree transfers. [`Calendar::parse`] applies the three
//! mechanisms of the law to it once and keeps, per covered year, a bit set of the
//! business days and a table of the reasons for every special day:
//!
//! 1. a holiday is a day off (Law "On holidays" art. 5);
//! 2. a holiday on a Saturday or Sunday moves its day off to the next free working day,
//!    except 7 January and the first day of Kurban Ait (Labour Code art. 84 p. 5);
//! 3. a decree moves a day off from a Saturday or Sunday to a weekday (Labour Code
//!    art. 85 p. 3).
//!
//! Counting ("within N business days of X", "no later than N business days before
//! Y") never leaves the covered years: a date or a count outside them is an
//! [`CalendarError::OutOfRange`] error, never a year without holidays.
//!
//! This file holds the computed [`Calendar`] and the counting on it. The reader of
//! the data file is in `file.rs`; the three mechanisms of the law, which turn what the
//! file states into days off and working days, are in `law.rs`.

use std::collections::BTreeMap;
use std::ops::RangeInclusive;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::Serialize;

mod file;
mod law;

/// What a date is in the calendar, with the reason when it is not an ordinary day.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DayKind {
    /// An ordinary working weekday.
    Business,
    /// An ordinary Saturday or Sunday.
    Weekend,
    /// A day that would be off (a Saturday or Sunday, or once a weekday that a moved
    /// holiday had made a day off) and that a decree made a working day.
    WorkingWeekend {
        /// Why it is a working day, in words, naming the decree.
        reason: String,
    },
    /// A holiday (on a weekday, or on a weekend day, whose day off may have moved).
    Holiday {
        /// The holiday's name; several names joined by " and " when two coincide.
        name: String,
    },
    /// A weekday off because a holiday on a Saturday or Sunday moved its day off here.
    MovedHoliday {
        /// The holiday whose day off this is.
        name: String,
        /// The holiday's own date (a Saturday or Sunday).
        from: NaiveDate,
    },
    /// A weekday that a decree made a day off in exchange for a working day.
    DecreeDayOff {
        /// The day (usually a Saturday or Sunday) the decree made a working day.
        working_day: NaiveDate,
        /// The decree, as named in the data file.
        source: String,
    },
}

impl DayKind {
    /// Whether work is done that day (a business day counts in business-day limits).
    pub fn is_business(&self) -> bool {
        matches!(self, DayKind::Business | DayKind::WorkingWeekend { .. })
    }

    /// The reason in words, e.g. "Nauryz meiramy", "day off moved from Saturday
    /// 2024-03-23 (Nauryz meiramy)", "day off moved by decree (...) from working
    /// Saturday 2024-05-04". A plain weekend day says "weekend": use
    /// [`DayKind::reason_on`] to get "Saturday" or "Sunday".
    pub fn reason(&self) -> String {
        match self {
            DayKind::Business => "business day".to_string(),
            DayKind::Weekend => "weekend".to_string(),
            DayKind::WorkingWeekend { reason } => reason.clone(),
            DayKind::Holiday { name } => name.clone(),
            DayKind::MovedHoliday { name, from } => format!(
                "day off moved from {} {} ({name})",
                weekday_name(from.weekday()),
                from
            ),
            DayKind::DecreeDayOff {
                working_day,
                source,
            } => format!(
                "day off moved by decree ({source}) from working {} {}",
                weekday_name(working_day.weekday()),
                working_day
            ),
        }
    }

    /// The reason in words for this kind on `date`: like [`DayKind::reason`], but a
    /// weekend day says "Saturday" or "Sunday", and a holiday on a weekend day says so
    /// ("Kurban Ait (Sunday)").
    pub fn reason_on(&self, date: NaiveDate) -> String {
        let weekend = is_weekend(date);
        match self {
            DayKind::Weekend => weekday_name(date.weekday()).to_string(),
            DayKind::Holiday { name } if weekend => {
                format!("{name} ({})", weekday_name(date.weekday()))
            }
            other => other.reason(),
        }
    }
}

/// A day passed over while counting business days.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct SkippedDay {
    /// The day.
    pub date: NaiveDate,
    /// Why it is not a business day, in words (e.g. "Saturday", "Nauryz meiramy").
    pub reason: String,
}

/// The result of a business-day count.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Count {
    /// The last day: the Nth business day counted.
    pub due: NaiveDate,
    /// Every day passed over (not a business day), in counting order, with its reason.
    pub skipped: Vec<SkippedDay>,
    /// The business days counted, day 1 to day N, in counting order (for a count
    /// backwards, day 1 is the business day just before the end date).
    pub counted: Vec<NaiveDate>,
}

/// A date the calendar cannot answer for, or a count it cannot make.
///
/// Problems in the data file itself are [`Diagnostic`](crate::diagnostic::Diagnostic)s
/// returned by [`Calendar::parse`].
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum CalendarError {
    /// A date (or a count reaching a date) outside the covered years.
    #[error("no calendar data for year {year}: {file} covers {first} to {last}; extend the data file {file} to cover {year}")]
    #[diagnostic(
        code(kzrules::calendar::out_of_range),
        help("add the year to {file}: widen its `covers` line and add the year's `year`, `kurban_ait` and decree `transfer` lines (see docs/calendar.md)")
    )]
    OutOfRange {
        /// The year asked for.
        year: i32,
        /// The first covered year.
        first: i32,
        /// The last covered year.
        last: i32,
        /// The data file's name.
        file: String,
    },
    /// A business-day count of zero days.
    #[error("a count of {n} business days: the count must be at least 1")]
    #[diagnostic(
        code(kzrules::calendar::invalid_count),
        help("\"within N business days\" needs N >= 1")
    )]
    InvalidCount {
        /// The count given.
        n: u32,
    },
}

/// Kazakhstan's working-day calendar over the covered years, precomputed.
#[derive(Debug, Clone)]
pub struct Calendar {
    file_name: String,
    first: i32,
    last: i32,
    /// Per covered year (index `year - first`), bit `ordinal0` set for a business day.
    business: Vec<[u64; 6]>,
    /// Every day that is not an ordinary weekday or weekend day, with its kind.
    special: BTreeMap<NaiveDate, DayKind>,
    /// The `source` of every covered year.
    year_sources: BTreeMap<i32, String>,
}

impl Calendar {
    /// The data file's name, as given to [`Calendar::parse`].
    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// The covered years.
    pub fn years(&self) -> RangeInclusive<i32> {
        self.first..=self.last
    }

    /// The `source` given for a covered year in the data file.
    pub fn year_source(&self, year: i32) -> Option<&str> {
        self.year_sources.get(&year).map(String::as_str)
    }

    /// What `date` is; [`CalendarError::OutOfRange`] outside the covered years.
    pub fn day(&self, date: NaiveDate) -> Result<DayKind, CalendarError> {
        self.check_year(date.year())?;
        Ok(match self.special.get(&date) {
            Some(kind) => kind.clone(),
            None if is_weekend(date) => DayKind::Weekend,
            None => DayKind::Business,
        })
    }

    /// Whether `date` is a business day (a bit-set lookup, no allocation unless the
    /// date is out of range).
    pub fn is_business_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        let bits = usize::try_from(date.year() - self.first)
            .ok()
            .and_then(|i| self.business.get(i))
            .ok_or_else(|| self.out_of_range(date.year()))?;
        let ordinal = usize::try_from(date.ordinal0()).unwrap_or(0);
        let word = bits.get(ordinal / 64).copied().unwrap_or(0);
        Ok((word >> (ordinal % 64)) & 1 == 1)
    }

    /// "Within N business days of X": X is day 1 when it is a business day; when X is
    /// a day off, day 1 is the next business day. `n` must be at least 1.
    pub fn within_business_days(&self, start: NaiveDate, n: u32) -> Result<Count, CalendarError> {
        self.count(start, n, Direction::Forward)
    }

    /// "No later than N business days before Y": count N business days back from Y,
    /// Y itself not counted; the result is the Nth business day before Y. `n` must be
    /// at least 1.
    pub fn business_days_before(&self, end: NaiveDate, n: u32) -> Result<Count, CalendarError> {
        self.check_year(end.year())?;
        let start = end
            .pred_opt()
            .ok_or_else(|| self.out_of_range(end.year()))?;
        self.count(start, n, Direction::Backward)
    }

    /// Every weekday off and every working weekend day of the year, in date order,
    /// with its [`DayKind`] (also a weekday made a working day by decree, as Monday
    /// 11 May 2020).
    pub fn year_listing(&self, year: i32) -> Result<Vec<(NaiveDate, DayKind)>, CalendarError> {
        self.check_year(year)?;
        let (Some(jan1), Some(dec31)) = (
            NaiveDate::from_ymd_opt(year, 1, 1),
            NaiveDate::from_ymd_opt(year, 12, 31),
        ) else {
            return Err(self.out_of_range(year));
        };
        Ok(self
            .special
            .range(jan1..=dec31)
            .filter(|(date, kind)| {
                matches!(kind, DayKind::WorkingWeekend { .. })
                    || (!is_weekend(**date) && !kind.is_business())
            })
            .map(|(date, kind)| (*date, kind.clone()))
            .collect())
    }

    fn check_year(&self, year: i32) -> Result<(), CalendarError> {
        if self.years().contains(&year) {
            Ok(())
        } else {
            Err(self.out_of_range(year))
        }
    }

    fn out_of_range(&self, year: i32) -> CalendarError {
        CalendarError::OutOfRange {
            year,
            first: self.first,
            last: self.last,
            file: self.file_name.clone(),
        }
    }

    /// Counts `n` business days from `start` (included) in `direction`.
    fn count(
        &self,
        start: NaiveDate,
        n: u32,
        direction: Direction,
    ) -> Result<Count, CalendarError> {
        if n == 0 {
            return Err(CalendarError::InvalidCount { n });
        }
        let wanted = usize::try_from(n).unwrap_or(usize::MAX);
        let mut counted = Vec::new();
        let mut skipped = Vec::new();
        let mut date = start;
        // Each step moves one day; `is_business_day` fails once the date leaves the
        // covered years, so the loop ends after at most the covered number of days.
        loop {
            if self.is_business_day(date)? {
                counted.push(date);
                if counted.len() >= wanted {
                    return Ok(Count {
                        due: date,
                        skipped,
                        counted,
                    });
                }
            } else {
                let reason = self.day(date)?.reason_on(date);
                skipped.push(SkippedDay { date, reason });
            }
            let next = match direction {
                Direction::Forward => date.succ_opt(),
                Direction::Backward => date.pred_opt(),
            };
            date = next.ok_or_else(|| self.out_of_range(date.year()))?;
        }
    }
}

/// "Within N calendar days of X": X is day 1, the last day is X + N - 1 (no calendar
/// data needed). `None` when `n` is 0 or on date overflow.
pub fn within_calendar_days(start: NaiveDate, n: u32) -> Option<NaiveDate> {
    let extra = n.checked_sub(1)?;
    start.checked_add_days(Days::new(u64::from(extra)))
}

/// "No later than N calendar days before Y": Y - N. `None` on date overflow.
pub fn calendar_days_before(end: NaiveDate, n: u32) -> Option<NaiveDate> {
    end.checked_sub_days(Days::new(u64::from(n)))
}

#[derive(Debug, Clone, Copy)]
enum Direction {
    Forward,
    Backward,
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

fn weekday_name(weekday: Weekday) -> &'static str {
    match weekday {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}
