//! Dates and times as the law's texts, rule files and case files write them: strictly
//! `YYYY-MM-DD` and `HH:MM`, with what is wrong and the fix in plain words.

use chrono::NaiveDate;

use crate::english::shorten;

/// The months' names in English, January first.
pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The English name of month `month` (1 to 12).
pub fn month_name(month: u32) -> Option<&'static str> {
    let index = usize::try_from(month.checked_sub(1)?).ok()?;
    MONTHS.get(index).copied()
}

/// The number of days of `month` in `year`.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    (28..=31)
        .rev()
        .find(|&d| NaiveDate::from_ymd_opt(year, month, d).is_some())
        .unwrap_or(28)
}

/// Why a day-of-month does not exist in plain words: `February 2023 has 28 days, not 29`
/// (without a year: `February has at most 29 days, not 30`), or `there is no month 13`.
pub fn month_problem(year: Option<i32>, month: u32, day: u32) -> String {
    let Some(name) = month_name(month) else {
        return format!("there is no month {month}");
    };
    let days = days_in_month(year.unwrap_or(2000), month);
    match year {
        Some(y) => format!("{name} {y} has {days} days, not {day}"),
        None => format!("{name} has at most {days} days, not {day}"),
    }
}

/// Why a string is not a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateProblem {
    /// Not in the form YYYY-MM-DD.
    Form,
    /// The month is not 01 to 12.
    NoMonth(u32),
    /// The day is not in the month.
    NoDay {
        /// The year written.
        year: i32,
        /// The month written.
        month: u32,
        /// The day written.
        day: u32,
    },
}

fn digit(b: u8) -> Option<u32> {
    b.is_ascii_digit().then(|| u32::from(b - b'0'))
}

/// Parses a date strictly in the form `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Result<NaiveDate, DateProblem> {
    let [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = *s.as_bytes() else {
        return Err(DateProblem::Form);
    };
    let num = |bytes: &[u8]| {
        bytes
            .iter()
            .try_fold(0u32, |acc, &b| digit(b).map(|d| acc * 10 + d))
    };
    let (Some(year), Some(month), Some(day)) =
        (num(&[y0, y1, y2, y3]), num(&[m0, m1]), num(&[d0, d1]))
    else {
        return Err(DateProblem::Form);
    };
    let year = i32::try_from(year).map_err(|_| DateProblem::Form)?;
    if !(1..=12).contains(&month) {
        return Err(DateProblem::NoMonth(month));
    }
    NaiveDate::from_ymd_opt(year, month, day).ok_or(DateProblem::NoDay { year, month, day })
}

impl DateProblem {
    /// What is wrong with `s`, in plain words.
    pub fn message(self, s: &str) -> String {
        let s = shorten(s, 40);
        match self {
            DateProblem::Form => format!("`{s}` is not a date in the form YYYY-MM-DD"),
            DateProblem::NoMonth(m) => {
                format!("the date `{s}` does not exist: there is no month {m}")
            }
            DateProblem::NoDay { day: 0, .. } => {
                format!("the date `{s}` does not exist: there is no day 0")
            }
            DateProblem::NoDay { year, month, .. } => {
                let name = month_name(month).unwrap_or("that month");
                format!(
                    "the date `{s}` does not exist: {name} {year} has {} days",
                    days_in_month(year, month)
                )
            }
        }
    }

    /// How to fix `s`.
    pub fn help(self, s: &str) -> String {
        if let Some(better) = date_suggestion(s) {
            return format!("did you mean `{better}`? Dates are written YYYY-MM-DD");
        }
        if let Some(day) = s.get(..10).filter(|d| parse_date(d).is_ok()) {
            if matches!(s.as_bytes().get(10), Some(b'T' | b' ')) {
                return format!(
                    "write the date alone, `{day}`; an event's time of day goes in `time` as HH:MM"
                );
            }
        }
        match self {
            DateProblem::Form => "write the date as YYYY-MM-DD, e.g. `2024-03-15`".to_string(),
            _ => "write a date that exists, as YYYY-MM-DD".to_string(),
        }
    }
}

/// A well-formed `YYYY-MM-DD` spelling of a date written another common way
/// (`15.03.2024`, `2024/03/15`, `2024-3-5`), if it exists.
pub fn date_suggestion(s: &str) -> Option<String> {
    let sep = s.chars().find(|c| matches!(c, '.' | '/' | '-'))?;
    let mut parts = s.split(sep);
    let (a, b, c) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let all_digits =
        |p: &str| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit());
    if !(all_digits(a) && all_digits(b) && all_digits(c)) {
        return None;
    }
    let (y, m, d) = if a.len() == 4 && b.len() <= 2 && c.len() <= 2 {
        (a, b, c)
    } else if c.len() == 4 && sep == '.' && a.len() <= 2 && b.len() <= 2 {
        (c, b, a)
    } else {
        return None;
    };
    let date = NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)?;
    let better = date.format("%Y-%m-%d").to_string();
    (better != s).then_some(better)
}

/// Minutes after midnight of a strict `HH:MM` time.
pub fn parse_time(s: &str) -> Option<u16> {
    let [h0, h1, b':', m0, m1] = *s.as_bytes() else {
        return None;
    };
    let h = digit(h0)? * 10 + digit(h1)?;
    let m = digit(m0)? * 10 + digit(m1)?;
    (h < 24 && m < 60).then(|| u16::try_from(h * 60 + m).unwrap_or(0))
}
