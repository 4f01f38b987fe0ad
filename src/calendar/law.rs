//! The law applied to what the calendar data file states: from the [`Facts`] that
//! `file.rs` reads, [`build`] computes the [`Calendar`] of the covered years, and
//! [`compute_year`] the calendar of a year the data does not cover, from the law alone.
//!
//! It first checks the facts as a whole (one `covers` line, one `year` and one
//! `kurban_ait` line per covered year, nothing defined twice, nothing outside the
//! covered years), then applies the three mechanisms of the law in order:
//!
//! 1. [`holiday_dates`]: a holiday in force on a date makes it a day off (Law "On
//!    holidays" art. 5), and so does the first day of Kurban Ait;
//! 2. [`weekend_moves`]: a holiday on a Saturday or Sunday moves its day off to the
//!    next free working day, except 7 January and Kurban Ait (Labour Code art. 84
//!    p. 5);
//! 3. [`check_transfers`]: a decree moves a day off from a Saturday or Sunday to a
//!    weekday (Labour Code art. 85 p. 3), checked against the days off of 1 and 2;
//!
//! and finally keeps every year as a [`Year`]: a bit set of its business days and its
//! special days ([`year_of`]). Every problem is a [`Diagnostic`] at its place in the
//! file.
//!
//! A year the data does not cover goes through mechanisms 1 and 2 only, with the
//! holidays of the file in force that year and Kurban Ait estimated from the Islamic
//! calendar ([`estimated_kurban_ait`]); it is provisional ([`compute_year`]).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};
use icu_calendar::cal::Hijri;
use icu_calendar::{Date, Iso};

use super::{day_month, is_weekend, weekday_name, Calendar, DayKind, Year};
use crate::diagnostic::Diagnostic;
use crate::source::{SourceFile, Span};

/// The name given to the first day of Kurban Ait.
const KURBAN_AIT: &str = "Kurban Ait";

/// The help of every duplicate definition.
const DUPLICATE_HELP: &str = "keep one definition; to change a holiday from a date on, end the old one with `until` and start the new one with `from`";

/// A `covers FIRST to LAST` line.
#[derive(Debug, Clone)]
pub(super) struct CoversDef {
    pub(super) first: i32,
    pub(super) last: i32,
    pub(super) span: Span,
}

/// A `year YYYY [provisional "..."] source "..."` line.
#[derive(Debug, Clone)]
pub(super) struct YearDef {
    pub(super) year: i32,
    pub(super) source: String,
    /// Why the year's calendar is provisional, when it is marked so.
    pub(super) provisional: Option<String>,
    pub(super) span: Span,
}

/// A `holiday "NAME" MM-DD ...` line: a holiday and the period it is in force.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(super) struct HolidayDef {
    pub(super) name: String,
    pub(super) month: u32,
    pub(super) day: u32,
    /// Its day off stays on the date even on a Saturday or Sunday.
    pub(super) never_moves: bool,
    pub(super) from: Option<NaiveDate>,
    pub(super) until: Option<NaiveDate>,
    pub(super) span: Span,
}

/// A `kurban_ait YYYY-MM-DD [estimated]` line.
#[derive(Debug, Clone)]
pub(super) struct KurbanDef {
    pub(super) date: NaiveDate,
    /// The date is estimated, not yet announced.
    pub(super) estimated: bool,
    pub(super) span: Span,
}

/// A first day of Kurban Ait, announced or estimated.
#[derive(Debug, Clone, Copy)]
struct KurbanDay {
    date: NaiveDate,
    estimated: bool,
}

/// A `transfer day_off ... working ... decree "..."` line.
#[derive(Debug, Clone)]
pub(super) struct TransferDef {
    pub(super) day_off: NaiveDate,
    pub(super) day_off_span: Span,
    pub(super) working: NaiveDate,
    pub(super) working_span: Span,
    pub(super) decree: String,
}

/// Every well-formed line of the data file, in file order.
#[derive(Debug, Default)]
pub(super) struct Facts {
    /// Whether any line starts with `covers` (even a bad one).
    pub(super) covers_seen: bool,
    pub(super) covers: Vec<CoversDef>,
    pub(super) years: Vec<YearDef>,
    pub(super) holidays: Vec<HolidayDef>,
    pub(super) kurban: Vec<KurbanDef>,
    pub(super) transfers: Vec<TransferDef>,
}

/// "`what` is defined twice", at `span`, with the first definition at `first` as a
/// related diagnostic.
pub(super) fn duplicate(file: &SourceFile, what: &str, span: Span, first: Span) -> Diagnostic {
    let code = "kzrules::calendar::duplicate";
    let first =
        Diagnostic::error(code, file, first, "first defined here").label("first defined here");
    Diagnostic::error(code, file, span, format!("{what} is defined twice"))
        .label("defined again here")
        .help(DUPLICATE_HELP)
        .with_related(first)
}

/// Where the checks report: the data file and its errors so far.
struct Checks<'a> {
    file: &'a SourceFile,
    errors: &'a mut Vec<Diagnostic>,
}

impl Checks<'_> {
    fn error(&self, code: &'static str, span: Span, message: String) -> Diagnostic {
        Diagnostic::error(code, self.file, span, message)
    }

    fn push(&mut self, diagnostic: Diagnostic) {
        self.errors.push(diagnostic);
    }

    fn duplicate(&mut self, what: &str, span: Span, first: Span) {
        let d = duplicate(self.file, what, span, first);
        self.push(d);
    }

    fn outside_covers(&mut self, covers: &CoversDef, what: String, span: Span) {
        let (first, last) = (covers.first, covers.last);
        let d = self
            .error(
                "kzrules::calendar::outside_covers",
                span,
                format!("{what} is outside the covered years {first} to {last}"),
            )
            .label(format!("outside {first} to {last}"))
            .help("extend the `covers` line (and add the year's `year` and `kurban_ait` lines) or correct the date");
        self.push(d);
    }
}

/// Checks the facts of file `file` (number `file_index` in the rule set) as a whole
/// and computes the calendar. Returns `None` when it cannot be computed (no valid
/// `covers` line); every problem is pushed to `errors`.
pub(super) fn build(
    file: &SourceFile,
    file_index: u32,
    facts: &Facts,
    errors: &mut Vec<Diagnostic>,
) -> Option<Calendar> {
    let mut cx = Checks { file, errors };
    let mut covers_iter = facts.covers.iter();
    let Some(covers) = covers_iter.next() else {
        // Only when the file has no `covers` line at all (a bad one is reported).
        if !facts.covers_seen {
            let d = cx
                .error(
                    "kzrules::calendar::missing_covers",
                    Span::new(file_index, 0, 0),
                    "the calendar data has no `covers` line".to_string(),
                )
                .label("no `covers` line in this file")
                .help("add a line `covers FIRST to LAST` naming the years the data covers");
            cx.push(d);
        }
        return None;
    };
    for again in covers_iter {
        cx.duplicate("`covers`", again.span, covers.span);
    }
    let (first, last) = (covers.first, covers.last);
    let (Some(range_start), Some(range_end)) = (
        NaiveDate::from_ymd_opt(first, 1, 1),
        NaiveDate::from_ymd_opt(last, 12, 31),
    ) else {
        let d = cx
            .error(
                "kzrules::calendar::bad_range",
                covers.span,
                format!("years {first} to {last} cannot be represented"),
            )
            .label("this range")
            .help("use years between 1 and 9999");
        cx.push(d);
        return None;
    };
    let range = range_start..=range_end;

    let year_defs = check_years(&mut cx, covers, &facts.years);
    let kurban = check_kurban_ait(&mut cx, covers, &facts.kurban);
    let holidays = check_holidays(&mut cx, &facts.holidays);

    // Mechanism 1: holidays (and Kurban Ait) as days off.
    let kurban_days: BTreeMap<i32, Vec<KurbanDay>> = kurban
        .iter()
        .map(|(year, def)| {
            let day = KurbanDay {
                date: def.date,
                estimated: def.estimated,
            };
            (*year, vec![day])
        })
        .collect();
    let on_date = holiday_dates(first, last, &holidays, &kurban_days);
    // Mechanism 2: weekend holidays move their days off.
    let moved = weekend_moves(&on_date, range_end);
    let mut special = special_days(&on_date, &moved);

    // Mechanism 3: decree transfers, checked against the days off of mechanisms 1-2.
    let applied = check_transfers(&mut cx, covers, &facts.transfers, &special);
    special.extend(applied);
    special.retain(|date, _| range.contains(date));

    let data = (first..=last)
        .map(|year| {
            let (source, marked) = match year_defs.get(&year) {
                Some(def) => (def.source.clone(), def.provisional.clone()),
                None => (String::new(), None),
            };
            let estimated: Vec<NaiveDate> = kurban_days
                .get(&year)
                .into_iter()
                .flatten()
                .filter(|day| day.estimated)
                .map(|day| day.date)
                .collect();
            let mut reasons: Vec<String> = marked.into_iter().collect();
            if !estimated.is_empty() {
                reasons.push(format!(
                    "Kurban Ait ({}) is estimated",
                    dates_text(&estimated)
                ));
            }
            let provisional = (!reasons.is_empty()).then(|| reasons.join("; "));
            let source = match &provisional {
                Some(reason) => format!("{source}; provisional: {reason}"),
                None => source,
            };
            year_of(year, &special, source, provisional)
        })
        .collect();

    Some(Calendar {
        file_name: file.name.clone(),
        first,
        last,
        data,
        holidays,
        computed: OnceLock::new(),
    })
}

/// The calendar of `year`, which the data file `file_name` does not cover, computed
/// from the law: the `holidays` in force that year (mechanism 1), the weekend move
/// (mechanism 2), no decree transfers, and the first day of Kurban Ait estimated from
/// the Islamic calendar. It is always provisional.
pub(super) fn compute_year(year: i32, holidays: &[HolidayDef], file_name: &str) -> Year {
    let estimated = estimated_kurban_ait(year);
    let days = estimated
        .iter()
        .map(|date| KurbanDay {
            date: *date,
            estimated: true,
        })
        .collect();
    let kurban_days = BTreeMap::from([(year, days)]);
    let on_date = holiday_dates(year, year, holidays, &kurban_days);
    let special = match NaiveDate::from_ymd_opt(year, 12, 31) {
        Some(dec31) => special_days(&on_date, &weekend_moves(&on_date, dec31)),
        None => BTreeMap::new(),
    };
    let kurban = if estimated.is_empty() {
        String::from("Kurban Ait could not be estimated")
    } else {
        format!("Kurban Ait ({}) is estimated", dates_text(&estimated))
    };
    let reason = format!(
        "computed from the law without the year's decree transfers (not in {file_name}); {kurban}"
    );
    let source = format!(
        "computed from the holidays of {file_name} in force in {year} (Law \"On holidays\" art. 5), the weekend move (Labour Code art. 84 p. 5) and Kurban Ait from the Umm al-Qura calendar; provisional: {reason}"
    );
    year_of(year, &special, source, Some(reason))
}

/// The first day of Kurban Ait, 10 Dhu al-Hijjah, in the Gregorian `year`, estimated
/// from the Umm al-Qura calendar (ICU4X; outside 1882-2174 its tabular fallback).
/// A Gregorian year holds one such day, or two (the Islamic year is 354 or 355 days
/// long): both are returned, in date order. The Spiritual Administration of Muslims of
/// Kazakhstan announces the real date: since 2012 the same day, except a day later in
/// 2015 and 2016 (24 September, 12 September; dates of the `holidays` package).
pub fn estimated_kurban_ait(year: i32) -> Vec<NaiveDate> {
    let hijri = Hijri::new_umm_al_qura();
    let Ok(jan1) = Date::try_new_iso(year, 1, 1) else {
        return Vec::new();
    };
    // The Islamic year under way on 1 January; its 10 Dhu al-Hijjah may still fall in
    // this Gregorian year, and that of the next Islamic year may too. The one after
    // starts more than 354 days after 1 January, so its Dhu al-Hijjah is later still.
    let islamic = jan1.to_calendar(hijri).year().extended_year();
    (islamic..=islamic.saturating_add(1))
        .filter_map(|h| Date::try_new_hijri_with_calendar(h, 12, 10, hijri).ok())
        .filter_map(|date| {
            let iso = date.to_calendar(Iso);
            NaiveDate::from_ymd_opt(
                iso.year().extended_year(),
                u32::from(iso.month().ordinal),
                u32::from(iso.day_of_month().0),
            )
        })
        .filter(|date| date.year() == year)
        .collect()
}

/// "16 May" or "4 January and 24 December".
fn dates_text(dates: &[NaiveDate]) -> String {
    let texts: Vec<String> = dates.iter().map(|date| day_month(*date)).collect();
    texts.join(" and ")
}

/// The day kinds of mechanisms 1-2: a holiday on its date (estimated when one of the
/// holidays on it is), a moved day off on its new date.
fn special_days(
    on_date: &BTreeMap<NaiveDate, Vec<HolidayHit>>,
    moved: &BTreeMap<NaiveDate, (String, NaiveDate)>,
) -> BTreeMap<NaiveDate, DayKind> {
    let mut special: BTreeMap<NaiveDate, DayKind> = BTreeMap::new();
    for (date, hits) in on_date {
        let names: Vec<&str> = hits.iter().map(|hit| hit.name.as_str()).collect();
        let name = names.join(" and ");
        let kind = if hits.iter().any(|hit| hit.estimated) {
            DayKind::EstimatedHoliday { name }
        } else {
            DayKind::Holiday { name }
        };
        special.insert(*date, kind);
    }
    for (date, (name, from)) in moved {
        special.insert(
            *date,
            DayKind::MovedHoliday {
                name: name.clone(),
                from: *from,
            },
        );
    }
    special
}

fn is_covered(covers: &CoversDef, year: i32) -> bool {
    (covers.first..=covers.last).contains(&year)
}

/// One `year` line per covered year; returns the lines by year.
fn check_years<'d>(
    cx: &mut Checks<'_>,
    covers: &CoversDef,
    defs: &'d [YearDef],
) -> BTreeMap<i32, &'d YearDef> {
    let mut years: BTreeMap<i32, &YearDef> = BTreeMap::new();
    for def in defs {
        if !is_covered(covers, def.year) {
            cx.outside_covers(covers, format!("year {}", def.year), def.span);
        } else if let Some(first) = years.get(&def.year) {
            cx.duplicate(&format!("year {}", def.year), def.span, first.span);
        } else {
            years.insert(def.year, def);
        }
    }
    for year in covers.first..=covers.last {
        if !years.contains_key(&year) {
            let d = cx
                .error(
                    "kzrules::calendar::missing_year",
                    covers.span,
                    format!("covered year {year} has no `year` line"),
                )
                .label(format!("covers {year}"))
                .help(format!("add `year {year} source \"...\"` naming where the year's calendar was checked, or narrow `covers`"));
            cx.push(d);
        }
    }
    years
}

/// One `kurban_ait` line per covered year; returns the lines by year.
fn check_kurban_ait<'d>(
    cx: &mut Checks<'_>,
    covers: &CoversDef,
    defs: &'d [KurbanDef],
) -> BTreeMap<i32, &'d KurbanDef> {
    let mut dates: BTreeMap<i32, &KurbanDef> = BTreeMap::new();
    for def in defs {
        let year = def.date.year();
        if !is_covered(covers, year) {
            cx.outside_covers(covers, format!("kurban_ait {}", def.date), def.span);
        } else if let Some(first) = dates.get(&year) {
            let what = format!("the first day of Kurban Ait of {year}");
            cx.duplicate(&what, def.span, first.span);
        } else {
            dates.insert(year, def);
        }
    }
    for year in covers.first..=covers.last {
        if !dates.contains_key(&year) {
            let d = cx
                .error(
                    "kzrules::calendar::missing_kurban_ait",
                    covers.span,
                    format!("covered year {year} has no `kurban_ait` date"),
                )
                .label(format!("covers {year}"))
                .help(format!("add `kurban_ait {year}-MM-DD source \"...\"` with the first day of Kurban Ait announced by the Spiritual Administration of Muslims of Kazakhstan"));
            cx.push(d);
        }
    }
    dates
}

/// Two definitions of one month-day must not overlap in time; returns the others.
fn check_holidays(cx: &mut Checks<'_>, defs: &[HolidayDef]) -> Vec<HolidayDef> {
    let mut holidays: Vec<HolidayDef> = Vec::new();
    for def in defs {
        let clash = holidays.iter().find(|other| {
            other.month == def.month
                && other.day == def.day
                && periods_overlap((other.from, other.until), (def.from, def.until))
        });
        if let Some(other) = clash {
            let what = format!(
                "a holiday on {:02}-{:02} (periods in force overlap)",
                def.month, def.day
            );
            cx.duplicate(&what, def.span, other.span);
        } else {
            holidays.push(def.clone());
        }
    }
    holidays
}

/// A holiday falling on a date.
#[derive(Debug, Clone)]
struct HolidayHit {
    name: String,
    /// Whether its day off moves when it falls on a weekend.
    moves: bool,
    /// Whether its date is estimated (Kurban Ait not yet announced).
    estimated: bool,
}

/// Mechanism 1: the holidays in force (and Kurban Ait) on each date of the years.
fn holiday_dates(
    first: i32,
    last: i32,
    holidays: &[HolidayDef],
    kurban: &BTreeMap<i32, Vec<KurbanDay>>,
) -> BTreeMap<NaiveDate, Vec<HolidayHit>> {
    let mut on_date: BTreeMap<NaiveDate, Vec<HolidayHit>> = BTreeMap::new();
    for year in first..=last {
        for def in holidays {
            let Some(date) = NaiveDate::from_ymd_opt(year, def.month, def.day) else {
                continue; // 02-29 in a common year
            };
            let after_from = match def.from {
                Some(from) => from <= date,
                None => true,
            };
            let before_until = match def.until {
                Some(until) => date <= until,
                None => true,
            };
            if after_from && before_until {
                on_date.entry(date).or_default().push(HolidayHit {
                    name: def.name.clone(),
                    moves: !def.never_moves,
                    estimated: false,
                });
            }
        }
        for day in kurban.get(&year).into_iter().flatten() {
            on_date.entry(day.date).or_default().push(HolidayHit {
                name: KURBAN_AIT.to_string(),
                moves: false,
                estimated: day.estimated,
            });
        }
    }
    on_date
}

/// Mechanism 2: in date order, each movable holiday on a Saturday or Sunday moves its
/// day off to the next free working day (Monday to Friday, not a holiday, not taken
/// by an earlier move), up to `range_end`. Returns moved day -> (holiday, its date).
fn weekend_moves(
    on_date: &BTreeMap<NaiveDate, Vec<HolidayHit>>,
    range_end: NaiveDate,
) -> BTreeMap<NaiveDate, (String, NaiveDate)> {
    let mut moved: BTreeMap<NaiveDate, (String, NaiveDate)> = BTreeMap::new();
    for (date, hits) in on_date {
        if !is_weekend(*date) {
            continue;
        }
        for hit in hits.iter().filter(|hit| hit.moves) {
            // Each step moves one day on; the range end bounds the search.
            let mut candidate = date.succ_opt().filter(|c| *c <= range_end);
            while let Some(c) = candidate {
                if is_weekend(c) || on_date.contains_key(&c) || moved.contains_key(&c) {
                    candidate = c.succ_opt().filter(|c| *c <= range_end);
                } else {
                    break;
                }
            }
            if let Some(c) = candidate {
                moved.insert(c, (hit.name.clone(), *date));
            }
        }
    }
    moved
}

/// Mechanism 3: checks every transfer against the days off of mechanisms 1-2
/// (`special`) and returns the day kinds of the valid ones.
fn check_transfers(
    cx: &mut Checks<'_>,
    covers: &CoversDef,
    defs: &[TransferDef],
    special: &BTreeMap<NaiveDate, DayKind>,
) -> Vec<(NaiveDate, DayKind)> {
    let mut applied: Vec<(NaiveDate, DayKind)> = Vec::new();
    let mut day_off_spans: BTreeMap<NaiveDate, Span> = BTreeMap::new();
    let mut working_spans: BTreeMap<NaiveDate, Span> = BTreeMap::new();
    for def in defs {
        let mut ok = true;
        for (date, date_span, role) in [
            (def.day_off, def.day_off_span, "day off"),
            (def.working, def.working_span, "working day"),
        ] {
            if !is_covered(covers, date.year()) {
                cx.outside_covers(covers, format!("transfer {role} {date}"), date_span);
                ok = false;
            }
        }
        if !ok {
            continue;
        }
        if let Some(first_span) = day_off_spans.get(&def.day_off) {
            let what = format!("a transfer of the day off {}", def.day_off);
            cx.duplicate(&what, def.day_off_span, *first_span);
            ok = false;
        }
        if let Some(first_span) = working_spans.get(&def.working) {
            let what = format!("a transfer of the working day {}", def.working);
            cx.duplicate(&what, def.working_span, *first_span);
            ok = false;
        }
        day_off_spans.entry(def.day_off).or_insert(def.day_off_span);
        working_spans.entry(def.working).or_insert(def.working_span);

        // The day off must be an ordinary working weekday.
        let day_off_problem = match special.get(&def.day_off) {
            _ if is_weekend(def.day_off) => {
                Some(format!("it is a {}", weekday_name(def.day_off.weekday())))
            }
            Some(kind) if !kind.is_business() => {
                Some(format!("it is already a day off ({})", kind.reason()))
            }
            _ => None,
        };
        if let Some(reason) = day_off_problem {
            let d = cx
                .error(
                    "kzrules::calendar::transfer_day_off_not_workday",
                    def.day_off_span,
                    format!(
                        "transfer: day off {} is not a working weekday: {reason}",
                        def.day_off
                    ),
                )
                .label(reason)
                .help("`day_off` is the weekday the decree makes a day off; it must be an ordinary working Monday to Friday");
            cx.push(d);
            ok = false;
        }

        // The working day must be an ordinary weekend day, or a weekday off only
        // because a weekend holiday moved there.
        let working_reason = match special.get(&def.working) {
            Some(DayKind::Holiday { name } | DayKind::EstimatedHoliday { name }) => {
                let d = cx
                    .error(
                        "kzrules::calendar::transfer_working_is_holiday",
                        def.working_span,
                        format!(
                            "transfer: working day {} is a holiday ({name})",
                            def.working
                        ),
                    )
                    .label(name.clone())
                    .help("a decree moves ordinary days off; a holiday stays a day off. Check the date");
                cx.push(d);
                None
            }
            Some(DayKind::MovedHoliday { name, from }) => Some(format!(
                "{} made a working day by decree ({}): the day off of {name} (from {} {from}) was moved on to {} {}",
                weekday_name(def.working.weekday()),
                def.decree,
                weekday_name(from.weekday()),
                weekday_name(def.day_off.weekday()),
                def.day_off
            )),
            _ if is_weekend(def.working) => Some(format!(
                "working {} by decree ({}): its day off moved to {} {}",
                weekday_name(def.working.weekday()),
                def.decree,
                weekday_name(def.day_off.weekday()),
                def.day_off
            )),
            _ => {
                let weekday = weekday_name(def.working.weekday());
                let d = cx
                    .error(
                        "kzrules::calendar::transfer_working_not_weekend",
                        def.working_span,
                        format!(
                            "transfer: working day {} is a {weekday}, not a Saturday or Sunday",
                            def.working
                        ),
                    )
                    .label(format!("a {weekday}"))
                    .help("a decree makes a Saturday or Sunday a working day (or, as in 2020, a weekday that was off only because a weekend holiday moved there); check the date");
                cx.push(d);
                None
            }
        };
        let (true, Some(reason)) = (ok, working_reason) else {
            continue;
        };
        applied.push((
            def.day_off,
            DayKind::DecreeDayOff {
                working_day: def.working,
                source: def.decree.clone(),
            },
        ));
        applied.push((def.working, DayKind::WorkingWeekend { reason }));
    }
    applied
}

/// The [`Year`] `year` out of the special days of the years (`special`): its bit set
/// of business days (bit `ordinal0` of the year) and its own special days.
fn year_of(
    year: i32,
    special: &BTreeMap<NaiveDate, DayKind>,
    source: String,
    provisional: Option<String>,
) -> Year {
    let mut business = [0u64; 6];
    let (Some(jan1), Some(dec31)) = (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) else {
        return Year {
            business,
            special: BTreeMap::new(),
            source,
            provisional,
        };
    };
    let set = |bits: &mut [u64; 6], date: NaiveDate, on: bool| {
        let ordinal = usize::try_from(date.ordinal0()).unwrap_or(0);
        if let Some(word) = bits.get_mut(ordinal / 64) {
            let bit = 1u64 << (ordinal % 64);
            if on {
                *word |= bit;
            } else {
                *word &= !bit;
            }
        }
    };
    for date in jan1.iter_days().take_while(|d| *d <= dec31) {
        set(&mut business, date, !is_weekend(date));
    }
    let own: BTreeMap<NaiveDate, DayKind> = special
        .range(jan1..=dec31)
        .map(|(date, kind)| (*date, kind.clone()))
        .collect();
    for (date, kind) in &own {
        set(&mut business, *date, kind.is_business());
    }
    Year {
        business,
        special: own,
        source,
        provisional,
    }
}

/// Whether two periods `[from, until]` (open where `None`) share a day.
fn periods_overlap(
    a: (Option<NaiveDate>, Option<NaiveDate>),
    b: (Option<NaiveDate>, Option<NaiveDate>),
) -> bool {
    let start = match (a.0, b.0) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, y) => x.or(y),
    };
    let end = match (a.1, b.1) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    };
    match (start, end) {
        (Some(s), Some(e)) => s <= e,
        _ => true,
    }
}
