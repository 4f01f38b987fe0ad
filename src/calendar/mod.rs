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
//! A year the data does not cover, from [`FIRST_COMPUTED_YEAR`] (2012, when the
//! migration rules came into force) to [`LAST_COMPUTED_YEAR`], is computed from the
//! law on first use: mechanisms 1 and 2 with the holidays of the file in force that
//! year, no decree transfers, and the first day of Kurban Ait estimated from the
//! Islamic calendar (Umm al-Qura). Such a year is *provisional*, and so is a covered
//! year the file marks `provisional` or whose Kurban Ait it marks `estimated`:
//! [`Calendar::is_provisional`] says why, and a count over any day of such a year
//! says so in [`Count::provisional`].
//!
//! Counting ("within N business days of X", "no later than N business days before
//! Y") never leaves the years the calendar answers for: a date or a count outside them
//! is an [`CalendarError::OutOfRange`] error, never a year without holidays.
//!
//! This file holds the computed [`Calendar`] and the counting on it. The reader of
//! the data file is in `file.rs`; the three mechanisms of the law, which turn what the
//! file states into days off and working days, are in `law.rs`.

use std::collections::BTreeMap;
use std::ops::RangeInclusive;
use std::sync::OnceLock;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::dates::month_name;
use crate::diagnostic::Diagnostic;

mod file;
mod law;

pub use law::estimated_kurban_ait;

/// The first year computed from the law when the data file does not cover it: the
/// migration rules came into force in 2012. Earlier years need data.
pub const FIRST_COMPUTED_YEAR: i32 = 2012;

/// The last year computed from the law: the last year a date in a rule or case file can
/// name (`YYYY-MM-DD`). Later years are [`CalendarError::OutOfRange`].
pub const LAST_COMPUTED_YEAR: i32 = 9999;

/// How close to the end of the last verified year [`Calendar::data_ends_soon`] warns.
pub const DATA_ENDS_SOON_DAYS: i64 = 90;

/// What a date is in the calendar, with the reason when it is not an ordinary day.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
    /// A holiday whose date is estimated, not announced: the first day of Kurban Ait
    /// of a provisional year (marked `estimated` in the data file, or computed from
    /// the Islamic calendar). A day off like [`DayKind::Holiday`], but the real day
    /// off may fall a day before or after.
    EstimatedHoliday {
        /// The holiday's name ("Kurban Ait"); several names joined by " and " when a
        /// fixed holiday falls on the same date.
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

    /// Whether the day is a holiday whose date is estimated, not announced.
    pub fn is_estimated(&self) -> bool {
        matches!(self, DayKind::EstimatedHoliday { .. })
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
            DayKind::EstimatedHoliday { name } => format!("{name} (estimated date)"),
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
    /// ("Kurban Ait (Sunday)", "Kurban Ait (estimated date, Sunday)").
    pub fn reason_on(&self, date: NaiveDate) -> String {
        let weekend = is_weekend(date);
        match self {
            DayKind::Weekend => weekday_name(date.weekday()).to_string(),
            DayKind::Holiday { name } if weekend => {
                format!("{name} ({})", weekday_name(date.weekday()))
            }
            DayKind::EstimatedHoliday { name } if weekend => {
                format!("{name} (estimated date, {})", weekday_name(date.weekday()))
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
    /// When the count passed over or landed on a day of a provisional year (see
    /// [`Calendar::is_provisional`]): a sentence naming those days and why the year is
    /// provisional, e.g. "counted over days of 2027 (1 to 5 January), whose calendar
    /// is provisional: no decree transfers are published yet; Kurban Ait (16 May) is
    /// estimated". `None` when every day counted over is verified.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provisional: Option<String>,
}

/// A date the calendar cannot answer for, or a count it cannot make.
///
/// Problems in the data file itself are [`Diagnostic`](crate::diagnostic::Diagnostic)s
/// returned by [`Calendar::parse`].
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum CalendarError {
    /// A date (or a count reaching a date) in a year that the data file does not cover
    /// and that is not computed either (before 2012, after 9999).
    #[error("no calendar data for year {year}: {file} covers {first} to {last}, and other years are computed from the law only from 2012 to 9999{}", extend_hint(*year, file))]
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

/// One year of the calendar, computed.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Year {
    /// Bit `ordinal0` set for a business day.
    business: [u64; 6],
    /// Every day of the year that is not an ordinary weekday or weekend day.
    #[serde(with = "stored_days")]
    special: BTreeMap<NaiveDate, DayKind>,
    /// Where the year's calendar comes from ([`Calendar::year_source`]).
    source: String,
    /// Why the year is provisional ([`Calendar::is_provisional`]).
    provisional: Option<String>,
}

impl Year {
    fn is_business(&self, date: NaiveDate) -> bool {
        let ordinal = usize::try_from(date.ordinal0()).unwrap_or(0);
        let word = self.business.get(ordinal / 64).copied().unwrap_or(0);
        (word >> (ordinal % 64)) & 1 == 1
    }

    fn kind(&self, date: NaiveDate) -> DayKind {
        match self.special.get(&date) {
            Some(kind) => kind.clone(),
            None if is_weekend(date) => DayKind::Weekend,
            None => DayKind::Business,
        }
    }
}

/// Kazakhstan's working-day calendar: the covered years precomputed, the others from
/// [`FIRST_COMPUTED_YEAR`] to [`LAST_COMPUTED_YEAR`] computed on first use and kept.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Calendar {
    file_name: String,
    first: i32,
    last: i32,
    /// The covered years, index `year - first`.
    data: Vec<Year>,
    /// The holidays of the data file, to compute the years it does not cover.
    holidays: Vec<law::HolidayDef>,
    /// The computed years, index `year - FIRST_COMPUTED_YEAR`, each computed on first
    /// use (the table itself is made on the first use of any computed year).
    #[serde(skip)]
    computed: OnceLock<Vec<OnceLock<Box<Year>>>>,
}

impl Calendar {
    /// The data file's name, as given to [`Calendar::parse`].
    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// The same calendar read from a file of another name (a copy of the same text).
    pub fn renamed(mut self, file_name: &str) -> Calendar {
        self.file_name = file_name.to_string();
        self
    }

    /// The years the data file covers (`covers FIRST to LAST`). The calendar also
    /// answers for every other year from [`FIRST_COMPUTED_YEAR`] to
    /// [`LAST_COMPUTED_YEAR`] (see [`Calendar::answers_for`]).
    pub fn years(&self) -> RangeInclusive<i32> {
        self.first..=self.last
    }

    /// Whether the calendar answers for `year`: covered by the data file, or computed.
    pub fn answers_for(&self, year: i32) -> bool {
        self.years().contains(&year) || (FIRST_COMPUTED_YEAR..=LAST_COMPUTED_YEAR).contains(&year)
    }

    /// Where the calendar of `year` comes from: for a covered year the `source` given
    /// in the data file, for a computed one the law; either followed by
    /// "; provisional: " and the reason when the year is provisional. `None` when the
    /// calendar does not answer for the year.
    pub fn year_source(&self, year: i32) -> Option<&str> {
        self.year(year).ok().map(|y| y.source.as_str())
    }

    /// Why the calendar of `year` is provisional, or `None` when it is verified (or not
    /// answered for). A covered year is provisional when the data file marks it so
    /// (`year 2027 provisional "..."`) or marks its Kurban Ait `estimated`, e.g. "no
    /// decree transfers are published yet; Kurban Ait (16 May) is estimated". A
    /// computed year always is: no decree transfers are known for it and its Kurban
    /// Ait is estimated.
    pub fn is_provisional(&self, year: i32) -> Option<&str> {
        self.year(year).ok()?.provisional.as_deref()
    }

    /// The warning before the cliff: when the last verified covered year (the last one
    /// that is not provisional) ends within [`DATA_ENDS_SOON_DAYS`] (90) days of
    /// `today`, or has already ended, the year to add or to verify next and the last
    /// verified day (31 December of that year). `None` when it ends later, or when no
    /// covered year is verified.
    pub fn data_ends_soon(&self, today: NaiveDate) -> Option<(i32, NaiveDate)> {
        let verified = (self.first..=self.last)
            .rev()
            .find(|year| self.is_provisional(*year).is_none())?;
        let last_day = NaiveDate::from_ymd_opt(verified, 12, 31)?;
        ((last_day - today).num_days() <= DATA_ENDS_SOON_DAYS)
            .then(|| (verified.saturating_add(1), last_day))
    }

    /// [`Calendar::data_ends_soon`] as a warning for `kzrules compile` and `kzrules test`
    /// (`kzrules::calendar::data_ends_soon`), naming the year to add and how.
    pub fn data_ends_soon_warning(&self, today: NaiveDate) -> Option<Diagnostic> {
        let (year, last_day) = self.data_ends_soon(today)?;
        let days = (last_day - today).num_days();
        let when = match days {
            ..=-1 => format!("ended {} days ago", -days),
            0 => String::from("is today"),
            1 => String::from("is tomorrow"),
            n => format!("is in {n} days"),
        };
        let message = format!(
            "the calendar's last verified day, {last_day}, {when}: after it, deadlines are counted on a provisional calendar"
        );
        let help = if self.is_provisional(year).is_some() {
            format!(
                "complete {year} in {}: add the decree `transfer` lines of the Ministry of Labour's order and the announced `kurban_ait` date, then drop `provisional` from its `year` line (docs/calendar.md, \"How to add a year\")",
                self.file_name
            )
        } else {
            format!(
                "add {year} to {}: widen `covers`, add its `year` line, the announced `kurban_ait` date and the decree `transfer` lines (docs/calendar.md, \"How to add a year\")",
                self.file_name
            )
        };
        Some(
            Diagnostic::without_place(
                "kzrules::calendar::data_ends_soon",
                &self.file_name,
                message,
            )
            .help(help)
            .warning(),
        )
    }

    /// What `date` is; [`CalendarError::OutOfRange`] in a year the calendar does not
    /// answer for.
    pub fn day(&self, date: NaiveDate) -> Result<DayKind, CalendarError> {
        Ok(self.year(date.year())?.kind(date))
    }

    /// Whether `date` is a business day (a bit-set lookup, no allocation unless the
    /// date is out of range or its year is computed for the first time).
    pub fn is_business_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        Ok(self.year(date.year())?.is_business(date))
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
        self.year(end.year())?;
        let start = end
            .pred_opt()
            .ok_or_else(|| self.out_of_range(end.year()))?;
        self.count(start, n, Direction::Backward)
    }

    /// Every weekday off and every working weekend day of the year, in date order,
    /// with its [`DayKind`] (also a weekday made a working day by decree, as Monday
    /// 11 May 2020). Whether the year is provisional is [`Calendar::is_provisional`].
    pub fn year_listing(&self, year: i32) -> Result<Vec<(NaiveDate, DayKind)>, CalendarError> {
        Ok(self
            .year(year)?
            .special
            .iter()
            .filter(|(date, kind)| {
                matches!(kind, DayKind::WorkingWeekend { .. })
                    || (!is_weekend(**date) && !kind.is_business())
            })
            .map(|(date, kind)| (*date, kind.clone()))
            .collect())
    }

    /// The calendar of `year`: covered, or computed (on first use), or out of range.
    fn year(&self, year: i32) -> Result<&Year, CalendarError> {
        if let Some(covered) = index(year, self.first).and_then(|i| self.data.get(i)) {
            return Ok(covered);
        }
        let slot = index(year, FIRST_COMPUTED_YEAR)
            .filter(|_| year <= LAST_COMPUTED_YEAR)
            .and_then(|i| {
                let slots = self.computed.get_or_init(|| {
                    (FIRST_COMPUTED_YEAR..=LAST_COMPUTED_YEAR)
                        .map(|_| OnceLock::new())
                        .collect()
                });
                slots.get(i)
            })
            .ok_or_else(|| self.out_of_range(year))?;
        Ok(slot.get_or_init(|| Box::new(law::compute_year(year, &self.holidays, &self.file_name))))
    }

    fn out_of_range(&self, year: i32) -> CalendarError {
        CalendarError::OutOfRange {
            year,
            first: self.first,
            last: self.last,
            file: self.file_name.clone(),
        }
    }

    /// The years the calendar answers for without a gap that hold `year`: the covered
    /// years and the computed ones, joined when they meet.
    fn run_of(&self, year: i32) -> Option<RangeInclusive<i32>> {
        let covered = self.first..=self.last;
        let computed = FIRST_COMPUTED_YEAR..=LAST_COMPUTED_YEAR;
        let meet = self.first <= LAST_COMPUTED_YEAR.saturating_add(1)
            && FIRST_COMPUTED_YEAR <= self.last.saturating_add(1);
        if meet {
            let joined = self.first.min(FIRST_COMPUTED_YEAR)..=self.last.max(LAST_COMPUTED_YEAR);
            return joined.contains(&year).then_some(joined);
        }
        [covered, computed].into_iter().find(|r| r.contains(&year))
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
        // A count of more days than are left before the end of the years answered for
        // cannot end inside them: refuse it at once rather than walk to the end.
        let run = self
            .run_of(start.year())
            .ok_or_else(|| self.out_of_range(start.year()))?;
        let (bound, beyond) = match direction {
            Direction::Forward => (
                NaiveDate::from_ymd_opt(*run.end(), 12, 31),
                run.end().saturating_add(1),
            ),
            Direction::Backward => (
                NaiveDate::from_ymd_opt(*run.start(), 1, 1),
                run.start().saturating_sub(1),
            ),
        };
        let days_left = bound.map_or(0, |b| (b - start).num_days().abs() + 1);
        if i64::from(n) > days_left {
            return Err(self.out_of_range(beyond));
        }

        let wanted = usize::try_from(n).unwrap_or(usize::MAX);
        let mut counted = Vec::new();
        let mut skipped = Vec::new();
        // The provisional years passed over, with the first and last day of each.
        let mut provisional: BTreeMap<i32, (NaiveDate, NaiveDate)> = BTreeMap::new();
        let mut date = start;
        let mut year_number = date.year();
        let mut year = self.year(year_number)?;
        // Each step moves one day; `self.year` fails once the date leaves the years
        // answered for, so the loop ends after at most that number of days.
        loop {
            if date.year() != year_number {
                year_number = date.year();
                year = self.year(year_number)?;
            }
            if year.provisional.is_some() {
                let span = provisional.entry(date.year()).or_insert((date, date));
                span.0 = span.0.min(date);
                span.1 = span.1.max(date);
            }
            if year.is_business(date) {
                counted.push(date);
                if counted.len() >= wanted {
                    return Ok(Count {
                        due: date,
                        skipped,
                        counted,
                        provisional: self.provisional_note(&provisional),
                    });
                }
            } else {
                let reason = year.kind(date).reason_on(date);
                skipped.push(SkippedDay { date, reason });
            }
            let next = match direction {
                Direction::Forward => date.succ_opt(),
                Direction::Backward => date.pred_opt(),
            };
            date = next.ok_or_else(|| self.out_of_range(date.year()))?;
        }
    }

    /// The sentence of [`Count::provisional`] for the provisional years a count passed
    /// over, each with its first and last day counted over.
    fn provisional_note(&self, years: &BTreeMap<i32, (NaiveDate, NaiveDate)>) -> Option<String> {
        let clauses: Vec<(String, &str)> = years
            .iter()
            .map(|(year, (from, to))| {
                let days = format!("{year} ({})", day_span(*from, *to));
                (days, self.is_provisional(*year).unwrap_or_default())
            })
            .collect();
        match clauses.as_slice() {
            [] => None,
            [(days, reason)] => Some(format!(
                "counted over days of {days}, whose calendar is provisional: {reason}"
            )),
            many => {
                let days: Vec<&str> = many.iter().map(|(d, _)| d.as_str()).collect();
                let reasons: Vec<String> = years
                    .keys()
                    .zip(many)
                    .map(|(year, (_, reason))| format!("{year}: {reason}."))
                    .collect();
                Some(format!(
                    "counted over days of {}, whose calendars are provisional. {}",
                    days.join(" and "),
                    reasons.join(" ")
                ))
            }
        }
    }
}

/// `year - first` as an index, when `year` is not before `first`.
fn index(year: i32, first: i32) -> Option<usize> {
    usize::try_from(year.checked_sub(first)?).ok()
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

/// The end of [`CalendarError::OutOfRange`]'s message: how to get the year, when a
/// data file can hold it (a year of four digits).
fn extend_hint(year: i32, file: &str) -> String {
    if (1..=LAST_COMPUTED_YEAR).contains(&year) {
        format!("; extend the data file {file} to cover {year}")
    } else {
        String::from(", the last year a date can name")
    }
}

/// "16 May".
fn day_month(date: NaiveDate) -> String {
    format!(
        "{} {}",
        date.day(),
        month_name(date.month()).unwrap_or_default()
    )
}

/// "5 January", "1 to 5 January", "30 March to 2 April" (both days in one year).
fn day_span(from: NaiveDate, to: NaiveDate) -> String {
    if from == to {
        day_month(from)
    } else if from.month() == to.month() {
        format!("{} to {}", from.day(), day_month(to))
    } else {
        format!("{} to {}", day_month(from), day_month(to))
    }
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

/// The special days of a year as the embedded program stores them: the compact format
/// (postcard) cannot read [`DayKind`]'s JSON form (tagged by `kind`), so a plain copy.
mod stored_days {
    use std::collections::BTreeMap;

    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::DayKind;

    #[derive(Serialize, Deserialize)]
    enum Stored {
        Business,
        Weekend,
        WorkingWeekend(String),
        Holiday(String),
        EstimatedHoliday(String),
        MovedHoliday(String, NaiveDate),
        DecreeDayOff(NaiveDate, String),
    }

    pub fn serialize<S: Serializer>(
        days: &BTreeMap<NaiveDate, DayKind>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        let stored: Vec<(NaiveDate, Stored)> = days
            .iter()
            .map(|(date, kind)| {
                let kind = match kind.clone() {
                    DayKind::Business => Stored::Business,
                    DayKind::Weekend => Stored::Weekend,
                    DayKind::WorkingWeekend { reason } => Stored::WorkingWeekend(reason),
                    DayKind::Holiday { name } => Stored::Holiday(name),
                    DayKind::EstimatedHoliday { name } => Stored::EstimatedHoliday(name),
                    DayKind::MovedHoliday { name, from } => Stored::MovedHoliday(name, from),
                    DayKind::DecreeDayOff {
                        working_day,
                        source,
                    } => Stored::DecreeDayOff(working_day, source),
                };
                (*date, kind)
            })
            .collect();
        stored.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<BTreeMap<NaiveDate, DayKind>, D::Error> {
        let stored: Vec<(NaiveDate, Stored)> = Vec::deserialize(d)?;
        Ok(stored
            .into_iter()
            .map(|(date, kind)| {
                let kind = match kind {
                    Stored::Business => DayKind::Business,
                    Stored::Weekend => DayKind::Weekend,
                    Stored::WorkingWeekend(reason) => DayKind::WorkingWeekend { reason },
                    Stored::Holiday(name) => DayKind::Holiday { name },
                    Stored::EstimatedHoliday(name) => DayKind::EstimatedHoliday { name },
                    Stored::MovedHoliday(name, from) => DayKind::MovedHoliday { name, from },
                    Stored::DecreeDayOff(working_day, source) => DayKind::DecreeDayOff {
                        working_day,
                        source,
                    },
                };
                (date, kind)
            })
            .collect())
    }
}
