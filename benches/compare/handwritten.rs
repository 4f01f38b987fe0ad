//! A minimal hand-written evaluator of two of kzrules' rules, `arrival_notification` and
//! `temporary_residence_permit` (rules/notifications.kzr, rules/residence.kzr), for the
//! comparison of docs/performance.md ("Against a hand-written evaluator").
//!
//! It does what a programmer would write for these two rules alone: its own minimal serde
//! structs borrowing from the case text, dates as day numbers, the country sets, amnesties,
//! penalty schedule and MCI values as constants, and the business days as a table built
//! once from kzrules' calendar (`Calendar::is_business_day`), so that both count on the
//! same calendar; a count that reaches a provisional or uncovered year asks the calendar
//! itself (`Calendar::within_business_days`) for its due day and its reason. It gives the
//! same obligations (due day, status, fulfilment, days late, penalty, citations),
//! exemptions and needed facts as kzrules with those two rules alone, in the same JSON
//! shape; `main.rs` checks that on every generated case before it measures anything.
//!
//! What it leaves out, because kzrules does it for every rule and these two do not need
//! it: the case's validation (unknown fields, limits, ids and `for` checked, error
//! positions), other rules, findings, fees, the allowance, tracing.

use std::borrow::Cow;

use chrono::{Datelike, Months, NaiveDate};
use kzrules::calendar::Calendar;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::value::RawValue;
use std::sync::OnceLock;

/// A day as a number (days from the common era, chrono's `num_days_from_ce`).
pub type Day = i32;

fn day_of(date: NaiveDate) -> Day {
    date.num_days_from_ce()
}

fn date_of(day: Day) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(day).unwrap_or(NaiveDate::MIN)
}

fn parse_day(s: &str) -> Option<Day> {
    let b = s.as_bytes();
    if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let mut v = 0u32;
        for c in b.get(r)? {
            if !c.is_ascii_digit() {
                return None;
            }
            v = v * 10 + u32::from(c - b'0');
        }
        Some(v)
    };
    let year = i32::try_from(num(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, num(5..7)?, num(8..10)?).map(day_of)
}

fn de_day<'de, D: Deserializer<'de>>(d: D) -> Result<Day, D::Error> {
    let s = Cow::<'de, str>::deserialize(d)?;
    parse_day(&s).ok_or_else(|| serde::de::Error::custom(format!("not a date: {s}")))
}

fn de_opt_day<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Day>, D::Error> {
    match Option::<Cow<'de, str>>::deserialize(d)? {
        None => Ok(None),
        Some(s) => parse_day(&s)
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom(format!("not a date: {s}"))),
    }
}

fn de_minute<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u16>, D::Error> {
    let Some(s) = Option::<Cow<'de, str>>::deserialize(d)? else {
        return Ok(None);
    };
    let b = s.as_bytes();
    let digit = |i: usize| {
        b.get(i)
            .filter(|c| c.is_ascii_digit())
            .map(|c| u16::from(c - b'0'))
    };
    match (b.len(), digit(0), digit(1), b.get(2), digit(3), digit(4)) {
        (5, Some(h1), Some(h0), Some(b':'), Some(m1), Some(m0)) => {
            Ok(Some((h1 * 10 + h0) * 60 + m1 * 10 + m0))
        }
        _ => Err(serde::de::Error::custom(format!("not a time: {s}"))),
    }
}

// ---------------------------------------------------------------------------------------
// The case: only what the two rules read.

#[derive(Deserialize)]
struct Case<'a> {
    #[serde(borrow)]
    case: Cow<'a, str>,
    #[serde(default, deserialize_with = "de_opt_day")]
    as_of: Option<Day>,
    #[serde(borrow)]
    person: Person<'a>,
    #[serde(default, borrow)]
    host: Option<Host<'a>>,
    #[serde(default)]
    planned_stay_days: Option<u32>,
    #[serde(default, borrow)]
    events: Vec<Event<'a>>,
}

#[derive(Deserialize)]
struct Person<'a> {
    #[serde(borrow)]
    citizenship: Cow<'a, str>,
    #[serde(default, deserialize_with = "de_opt_day")]
    birth_date: Option<Day>,
    #[serde(default)]
    documents: Vec<Document>,
    #[serde(default, borrow)]
    penalties: Vec<PenaltyRecord<'a>>,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum DocKind {
    Visa,
    ResidencePermit,
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
struct Document {
    kind: DocKind,
    #[serde(default, deserialize_with = "de_opt_day")]
    valid_from: Option<Day>,
    #[serde(default, deserialize_with = "de_opt_day")]
    valid_until: Option<Day>,
}

impl Document {
    fn valid_on(&self, day: Day) -> bool {
        self.valid_from.is_none_or(|f| f <= day) && self.valid_until.is_none_or(|u| day <= u)
    }
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum HostKind {
    Individual,
    #[serde(other)]
    Other,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum HostSize {
    Small,
    Medium,
    Large,
    NonProfit,
    Official,
}

#[derive(Deserialize)]
struct Host<'a> {
    kind: HostKind,
    #[serde(default)]
    size: Option<HostSize>,
    #[serde(default, borrow)]
    penalties: Vec<PenaltyRecord<'a>>,
}

#[derive(Deserialize)]
struct PenaltyRecord<'a> {
    #[serde(borrow)]
    article: Cow<'a, str>,
    #[serde(deserialize_with = "de_day")]
    date: Day,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum EventKind {
    Entry,
    Exit,
    Notification,
    RegionTrip,
    Return,
    TrpApplication,
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
struct Event<'a> {
    #[serde(default, borrow)]
    id: Option<Cow<'a, str>>,
    kind: EventKind,
    #[serde(deserialize_with = "de_day")]
    date: Day,
    #[serde(default, deserialize_with = "de_minute")]
    time: Option<u16>,
    #[serde(rename = "for", default, borrow)]
    r#for: Option<Cow<'a, str>>,
}

// ---------------------------------------------------------------------------------------
// The output: the same JSON shape as kzrules' result for these fields.

/// A citation, as kzrules writes it.
#[derive(Serialize, Clone, Copy)]
pub struct Citation {
    source: &'static str,
    #[serde(rename = "ref")]
    reference: &'static str,
    seed: &'static str,
}

const MIGRATION_LAW: &str =
    "Law of the Republic of Kazakhstan On Population Migration (No. 477-IV of 22 July 2011)";
const ENTRY_RULES: &str = "Rules of entry and stay of immigrants in the Republic of Kazakhstan and their departure (Government Decree No. 148 of 21 January 2012)";
const ORDER_83: &str = "Rules for receiving persons informing the internal affairs bodies of immigrants staying with them (MIA order No. 83 of 27 January 2016)";
const AOC: &str =
    "Code of the Republic of Kazakhstan on Administrative Offences (No. 235-V of 5 July 2014)";
const BILATERAL: &str =
    "Bilateral agreements of the Republic of Kazakhstan on visa-free travel with neighbouring states";

/// A rule's list of citations, with its JSON made once (kzrules, too, writes each list's
/// JSON once per thread and copies it).
pub struct Cites {
    list: &'static [Citation],
    json: OnceLock<Box<RawValue>>,
}

impl Cites {
    const fn new(list: &'static [Citation]) -> Self {
        Cites {
            list,
            json: OnceLock::new(),
        }
    }
}

impl Serialize for Cites {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.json
            .get_or_init(|| {
                let text = serde_json::to_string(self.list).expect("citations serialize");
                RawValue::from_string(text).expect("valid JSON")
            })
            .serialize(s)
    }
}

const fn cite(source: &'static str, reference: &'static str, seed: &'static str) -> Citation {
    Citation {
        source,
        reference,
        seed,
    }
}

const SEED_000: &str = "000_c9626e242dc8474e.txt";
const SEED_001: &str = "001_339fd5bf1127cb2d.txt";
const SEED_002: &str = "002_8e643583c74fac94.txt";
const SEED_003: &str = "003_3dce242638d5b413.txt";
const SEED_004: &str = "004_75345c726fbb13d0.txt";

static ARRIVAL_CITES: Cites = Cites::new(&[
    cite(MIGRATION_LAW, "art. 6 para. 4", SEED_002),
    cite(ENTRY_RULES, "para. 9", SEED_004),
    cite(ORDER_83, "paras. 3, 6", SEED_001),
    cite(ENTRY_RULES, "para. 9", SEED_000),
    cite(ENTRY_RULES, "notification at each entry", SEED_003),
]);
static ARRIVAL_EXEMPT_CITES: Cites = Cites::new(&[cite(
    MIGRATION_LAW,
    "art. 6; FAQ on residence permit holders",
    SEED_002,
)]);
static TRP_CIS_CITES: Cites = Cites::new(&[
    cite(
        ENTRY_RULES,
        "TRP for CIS citizens within 30 calendar days of arrival",
        SEED_004,
    ),
    cite(
        ENTRY_RULES,
        "TRP: CIS 30 calendar days; at each entry",
        SEED_001,
    ),
]);
static TRP_EAEU_CITES: Cites = Cites::new(&[
    cite(
        ENTRY_RULES,
        "TRP: EAEU 90 calendar days; at each entry",
        SEED_001,
    ),
    cite(
        ENTRY_RULES,
        "temporary permit for EAEU citizens staying more than 90 calendar days",
        SEED_003,
    ),
]);
static TRP_DIFFERENT_CITES: Cites = Cites::new(&[
    cite(
        ENTRY_RULES,
        "TRP within 90 days for EAEU citizens and countries with a different order of stay",
        SEED_001,
    ),
    cite(
        BILATERAL,
        "table of neighbouring countries: 90 days, or 90 days within 180",
        SEED_004,
    ),
]);
static TRP_VISA_CITES: Cites = Cites::new(&[cite(
    ENTRY_RULES,
    "holders of Kazakhstani visas are exempted from obtaining the TRP",
    SEED_004,
)]);
static TRP_CHILD_CITES: Cites = Cites::new(&[cite(
    ENTRY_RULES,
    "children under 16 years old are exempted from obtaining the TRP",
    SEED_004,
)]);
static TRP_RP_CITES: Cites = Cites::new(&[cite(
    MIGRATION_LAW,
    "residence permit holders are exempt from migration requirements",
    SEED_002,
)]);
static HOST_PARTY_CITES: Cites = Cites::new(&[
    cite(AOC, "art. 518 parts 1 and 3", SEED_004),
    cite(
        AOC,
        "art. 518 part 1, text of December 2024",
        "domain/FACTS.md",
    ),
]);

const ARRIVAL: &str = "arrival_notification";
const TRP: &str = "temporary_residence_permit";
const ARRIVAL_ACTION: &str = "notify the migration service of the foreigner's arrival";
const TRP_ACTION: &str = "apply for the foreigner's temporary residence permit";

/// What became of a duty on the day the case is judged.
#[derive(Serialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Met,
    Late,
    Open,
    Overdue,
}

#[derive(Serialize)]
pub struct Trigger<'a> {
    event: &'static str,
    #[serde(serialize_with = "ser_day")]
    date: Day,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
}

#[derive(Serialize)]
pub struct Penalty {
    article: &'static str,
    warning: bool,
    fine_mci: [u32; 2],
    fine_kzt: Option<[u64; 2]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mci_kzt: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    citations: &'static Cites,
}

#[derive(Serialize)]
pub struct Obligation<'a> {
    rule: &'static str,
    bearer: &'static str,
    action: &'static str,
    trigger: Trigger<'a>,
    #[serde(serialize_with = "ser_day")]
    due: Day,
    pub status: Status,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "ser_opt_day"
    )]
    fulfilled_on: Option<Day>,
    days_late: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    penalty: Option<Penalty>,
    citations: &'static Cites,
    #[serde(skip_serializing_if = "Option::is_none")]
    provisional: Option<String>,
}

#[derive(Serialize)]
pub struct Exemption<'a> {
    rule: &'static str,
    reason: &'static str,
    trigger: Trigger<'a>,
    citations: &'static Cites,
}

#[derive(Serialize, PartialEq, Eq)]
pub struct FactNeeded {
    rule: &'static str,
    fact: &'static str,
    reason: String,
}

/// The result of one case.
#[derive(Serialize)]
pub struct Output<'a> {
    case: &'a str,
    #[serde(serialize_with = "ser_day")]
    as_of: Day,
    pub obligations: Vec<Obligation<'a>>,
    pub exemptions: Vec<Exemption<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub facts_needed: Vec<FactNeeded>,
}

fn ser_day<S: serde::Serializer>(day: &Day, s: S) -> Result<S::Ok, S::Error> {
    let d = date_of(*day);
    let mut buf = [0u8; 10];
    let digits = |mut v: u32, out: &mut [u8]| {
        for c in out.iter_mut().rev() {
            *c = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    digits(u32::try_from(d.year()).unwrap_or(0), &mut buf[0..4]);
    buf[4] = b'-';
    digits(d.month(), &mut buf[5..7]);
    buf[7] = b'-';
    digits(d.day(), &mut buf[8..10]);
    s.serialize_str(std::str::from_utf8(&buf).unwrap_or("?"))
}

fn ser_opt_day<S: serde::Serializer>(day: &Option<Day>, s: S) -> Result<S::Ok, S::Error> {
    match day {
        Some(d) => ser_day(d, s),
        None => s.serialize_none(),
    }
}

// ---------------------------------------------------------------------------------------
// Business days.

/// The business days of the calendar's verified years as a table: for a day, the index of
/// the first business day on or after it, and the business days in order.
pub struct BusinessDays<'c> {
    calendar: &'c Calendar,
    first: Day,
    /// Per day from `first`: the number of business days before it.
    before: Vec<u32>,
    /// The business days in order.
    days: Vec<Day>,
}

impl<'c> BusinessDays<'c> {
    /// The table of every year of `calendar` that is covered and not provisional, from the
    /// first covered year up to the first provisional one.
    pub fn new(calendar: &'c Calendar) -> Self {
        let years = calendar.years();
        let first_year = *years.start();
        let last_year = years
            .clone()
            .take_while(|y| calendar.is_provisional(*y).is_none())
            .last()
            .unwrap_or(first_year - 1);
        let first = NaiveDate::from_ymd_opt(first_year, 1, 1).map_or(0, day_of);
        let end = NaiveDate::from_ymd_opt(last_year + 1, 1, 1).map_or(first, day_of);
        let mut before = Vec::new();
        let mut days = Vec::new();
        for day in first..end {
            before.push(u32::try_from(days.len()).unwrap_or(u32::MAX));
            if calendar.is_business_day(date_of(day)).unwrap_or(false) {
                days.push(day);
            }
        }
        BusinessDays {
            calendar,
            first,
            before,
            days,
        }
    }

    /// "Within n business days of `start`": the nth business day on or after `start`, and
    /// the calendar's reason when that count is provisional; `Err` with the calendar's
    /// message when it cannot be counted.
    fn within(&self, start: Day, n: u32) -> Result<(Day, Option<String>), String> {
        let fast = usize::try_from(start - self.first)
            .ok()
            .and_then(|i| self.before.get(i))
            .and_then(|&k| {
                let nth = usize::try_from(k + n.checked_sub(1)?).ok()?;
                self.days.get(nth).copied()
            });
        match fast {
            Some(due) => Ok((due, None)),
            None => match self.calendar.within_business_days(date_of(start), n) {
                Ok(count) => Ok((day_of(count.due), count.provisional)),
                Err(e) => Err(e.to_string()),
            },
        }
    }
}

// ---------------------------------------------------------------------------------------
// The evaluator.

const IN_FORCE_FROM: (i32, u32, u32) = (2012, 1, 21);

fn ymd(y: i32, m: u32, d: u32) -> Day {
    NaiveDate::from_ymd_opt(y, m, d).map_or(0, day_of)
}

/// The amnesties that move the TRP's due day (rules/stay.kzr): (from, to, until).
fn trp_amnesties() -> [(Day, Day, Day); 2] {
    [
        (ymd(2021, 1, 4), ymd(2021, 6, 3), ymd(2021, 6, 4)),
        (ymd(2022, 1, 5), ymd(2022, 1, 19), ymd(2022, 2, 18)),
    ]
}

/// The MCI in tenge in force on a day (rules/parameters.kzr).
fn mci(day: Day) -> Option<u32> {
    const VALUES: [((i32, u32, u32), u32); 9] = [
        ((2019, 1, 1), 2525),
        ((2020, 1, 1), 2651),
        ((2020, 4, 1), 2778),
        ((2021, 1, 1), 2917),
        ((2022, 1, 1), 3063),
        ((2023, 1, 1), 3450),
        ((2024, 1, 1), 3692),
        ((2025, 1, 1), 3932),
        ((2026, 1, 1), 4325),
    ];
    if day > ymd(2026, 12, 31) {
        return None;
    }
    VALUES
        .iter()
        .rev()
        .find(|((y, m, d), _)| ymd(*y, *m, *d) <= day)
        .map(|(_, v)| *v)
}

fn is_in(citizenship: &str, set: &[&str]) -> bool {
    set.contains(&citizenship)
}

const EAEU: &[&str] = &["AM", "BY", "KG", "RU"];
const CIS_OUTSIDE_EAEU: &[&str] = &["AZ", "MD", "TJ", "UZ"];
const DIFFERENT_ORDER: &[&str] = &["GE", "MD", "TJ", "UA"];

#[derive(Clone, Copy)]
struct Stay {
    start: Option<Day>,
    end: Option<Day>,
}

/// Three-valued truth.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Truth {
    True,
    False,
    Unknown(&'static str),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Rule {
    Arrival,
    Trp,
}

struct Draft {
    rule: Rule,
    /// The position of the entry in time order.
    entry: usize,
    day: Day,
    time: Option<u16>,
    due: Day,
    exempt_from: Option<Day>,
    citations: &'static Cites,
    provisional: Option<String>,
}

struct Run<'c, 'a> {
    case: &'c Case<'a>,
    /// Indices into `case.events`, in time order.
    order: Vec<usize>,
    stays: Vec<Stay>,
    as_of: Day,
    days: &'c BusinessDays<'c>,
    drafts: Vec<Draft>,
    exemptions: Vec<Exemption<'c>>,
    facts_needed: Vec<FactNeeded>,
}

/// Why a case could not be judged.
pub type Error = String;

/// Read one case (JSON) and judge it on its `as_of` (else `today`); the output borrows
/// the case's text.
pub fn check<'t>(
    text: &'t str,
    days: &BusinessDays<'_>,
    today: NaiveDate,
    out: &mut String,
) -> Result<usize, Error> {
    let case: Case<'t> = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let output = evaluate(&case, days, today)?;
    let n = output.obligations.len();
    let json = serde_json::to_string(&output).map_err(|e| e.to_string())?;
    out.push_str(&json);
    out.push('\n');
    Ok(n)
}

/// Judge a case given as text, returning the output as a JSON value (for the check
/// against kzrules).
pub fn check_value(
    text: &str,
    days: &BusinessDays<'_>,
    today: NaiveDate,
) -> Result<serde_json::Value, Error> {
    let case: Case<'_> = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let output = evaluate(&case, days, today)?;
    serde_json::to_value(&output).map_err(|e| e.to_string())
}

/// A case read into the hand-written structs, to time evaluation apart from reading.
pub struct Parsed<'t>(Case<'t>);

/// Read a case.
pub fn parse(text: &str) -> Result<Parsed<'_>, Error> {
    serde_json::from_str(text)
        .map(Parsed)
        .map_err(|e| e.to_string())
}

/// Judge a case read by [`parse`]: the number of obligations.
pub fn evaluate_parsed(
    case: &Parsed<'_>,
    days: &BusinessDays<'_>,
    today: NaiveDate,
) -> Result<usize, Error> {
    evaluate(&case.0, days, today).map(|o| o.obligations.len())
}

fn evaluate<'c>(
    case: &'c Case<'_>,
    days: &'c BusinessDays<'c>,
    today: NaiveDate,
) -> Result<Output<'c>, Error> {
    let as_of = case.as_of.unwrap_or_else(|| day_of(today));
    let order = time_order(&case.events);
    let stays = stays(&case.events, &order)?;
    let mut run = Run {
        case,
        order,
        stays,
        as_of,
        days,
        drafts: Vec::new(),
        exemptions: Vec::new(),
        facts_needed: Vec::new(),
    };
    let in_force = ymd(IN_FORCE_FROM.0, IN_FORCE_FROM.1, IN_FORCE_FROM.2);
    // kzrules goes rule by rule (in id order), each over the entries in time order: the
    // exemptions and needed facts come in that order.
    for rule in [Rule::Arrival, Rule::Trp] {
        for pos in 0..run.order.len() {
            let e = run.event(pos);
            if e.kind == EventKind::Entry && e.date >= in_force {
                match rule {
                    Rule::Arrival => run.arrival(pos)?,
                    Rule::Trp => run.trp(pos),
                }
            }
        }
    }
    let mut drafts = std::mem::take(&mut run.drafts);
    drafts.sort_by(|a, b| {
        let id = |r: Rule| if r == Rule::Arrival { ARRIVAL } else { TRP };
        (a.day, a.time, a.due, id(a.rule), a.entry).cmp(&(
            b.day,
            b.time,
            b.due,
            id(b.rule),
            b.entry,
        ))
    });
    let fulfilled = run.pair(&drafts);
    let mut obligations = Vec::with_capacity(drafts.len());
    for (draft, fulfilled) in drafts.into_iter().zip(fulfilled) {
        obligations.push(run.judge(draft, fulfilled));
    }
    obligations
        .sort_by(|a, b| (a.due, a.trigger.date, a.rule).cmp(&(b.due, b.trigger.date, b.rule)));
    let mut facts_needed = std::mem::take(&mut run.facts_needed);
    facts_needed.dedup();
    Ok(Output {
        case: &case.case,
        as_of,
        obligations,
        exemptions: run.exemptions,
        facts_needed,
    })
}

/// The events' time order (as kzrules sorts them: date, time, exit before entry before a
/// trip before a return before the rest, input order), with an untimed exit and entry of
/// one day turned round when no stay is open and the next move is not an exit.
fn time_order(events: &[Event<'_>]) -> Vec<usize> {
    let key = |i: usize| {
        let e = events.get(i)?;
        let rank = match e.kind {
            EventKind::Exit => 0u8,
            EventKind::Entry => 1,
            EventKind::RegionTrip => 2,
            EventKind::Return => 3,
            _ => 4,
        };
        let minute = match e.time {
            Some(m) => i32::from(m),
            None if rank < 2 => -1,
            None => 24 * 60,
        };
        Some((e.date, minute, rank, i))
    };
    let mut order: Vec<usize> = (0..events.len()).collect();
    order.sort_unstable_by_key(|&i| key(i));
    // Same-day untimed exit and entry.
    let at = |order: &[usize], p: usize| order.get(p).and_then(|&i| events.get(i));
    let kind = |order: &[usize], p: usize| at(order, p).map(|e| e.kind);
    let is_move = |k: Option<EventKind>| matches!(k, Some(EventKind::Entry | EventKind::Exit));
    let mut open = false;
    let mut p = 0;
    while p < order.len() {
        let Some(date) = at(&order, p).map(|e| e.date) else {
            break;
        };
        let day_end = (p..order.len())
            .find(|&q| at(&order, q).is_some_and(|e| e.date != date))
            .unwrap_or(order.len());
        // The entries and exits of the day: exactly two, or none to turn round.
        let mut moves = [0usize; 2];
        let mut count = 0;
        for q in p..day_end {
            if is_move(kind(&order, q)) {
                if let Some(slot) = moves.get_mut(count) {
                    *slot = q;
                }
                count += 1;
            }
        }
        if let (2, [a, b]) = (count, moves) {
            let untimed = |q: usize| at(&order, q).is_some_and(|e| e.time.is_none());
            if kind(&order, a) == Some(EventKind::Exit)
                && kind(&order, b) == Some(EventKind::Entry)
                && untimed(a)
                && untimed(b)
            {
                let next_is_exit = (day_end..order.len())
                    .map(|q| kind(&order, q))
                    .find(|k| is_move(*k))
                    .is_some_and(|k| k == Some(EventKind::Exit));
                if !open && !next_is_exit {
                    order.swap(a, b);
                }
            }
        }
        for q in p..day_end {
            match kind(&order, q) {
                Some(EventKind::Entry) => open = true,
                Some(EventKind::Exit) => open = false,
                _ => {}
            }
        }
        p = day_end;
    }
    order
}

fn stays(events: &[Event<'_>], order: &[usize]) -> Result<Vec<Stay>, Error> {
    let mut stays = Vec::new();
    let mut open: Option<Day> = None;
    let mut exited = false;
    for e in order.iter().filter_map(|&i| events.get(i)) {
        match e.kind {
            EventKind::Entry => {
                if open.is_some() {
                    return Err("two entries with no exit between them".into());
                }
                open = Some(e.date);
            }
            EventKind::Exit => {
                match open.take() {
                    Some(start) => stays.push(Stay {
                        start: Some(start),
                        end: Some(e.date),
                    }),
                    None if exited => return Err("two exits with no entry between them".into()),
                    None => stays.push(Stay {
                        start: None,
                        end: Some(e.date),
                    }),
                }
                exited = true;
            }
            _ => {}
        }
    }
    if let Some(start) = open {
        stays.push(Stay {
            start: Some(start),
            end: None,
        });
    }
    Ok(stays)
}

impl<'c> Run<'c, '_> {
    /// The event at `pos` in time order.
    fn event(&self, pos: usize) -> &'c Event<'c> {
        let case: &'c Case<'_> = self.case;
        &case.events[self.order[pos]]
    }

    /// The index of the stay that includes `day` (the later when one ends and the next
    /// begins that day).
    fn stay_containing(&self, day: Day) -> Option<usize> {
        let begun = self
            .stays
            .partition_point(|s| s.start.is_none_or(|start| start <= day));
        let i = begun.checked_sub(1)?;
        let stay = self.stays.get(i)?;
        stay.end.is_none_or(|end| day <= end).then_some(i)
    }

    fn stay_of_event(&self, day: Day) -> Option<usize> {
        self.stay_containing(day).or_else(|| {
            self.stays
                .iter()
                .rposition(|s| s.end.is_some_and(|end| end < day))
        })
    }

    fn holds(&self, kind: DocKind, day: Day) -> bool {
        self.case
            .person
            .documents
            .iter()
            .any(|d| d.kind == kind && d.valid_on(day))
    }

    fn age_under_16(&self, day: Day) -> Truth {
        let Some(birth) = self.case.person.birth_date else {
            return Truth::Unknown("person.birth_date");
        };
        match date_of(day).years_since(date_of(birth)) {
            Some(age) => {
                if age < 16 {
                    Truth::True
                } else {
                    Truth::False
                }
            }
            None => Truth::Unknown("person.birth_date"),
        }
    }

    /// The first day after `due` up to the end of the stay (or `as_of`) on which a
    /// document begins or an event happens and `holds` is true.
    fn exception_from(
        &self,
        due: Day,
        stay_end: Option<Day>,
        holds: impl Fn(Day) -> bool,
    ) -> Option<Day> {
        let last = stay_end.map_or(self.as_of, |end| end.min(self.as_of));
        let documents = self
            .case
            .person
            .documents
            .iter()
            .filter_map(|d| d.valid_from);
        let events = self.case.events.iter().map(|e| e.date);
        documents
            .chain(events)
            .filter(|d| *d > due && *d <= last && holds(*d))
            .min()
    }

    fn trigger(&self, pos: usize) -> Trigger<'c> {
        let e = self.event(pos);
        Trigger {
            event: "entry",
            date: e.date,
            id: e.id.as_deref(),
        }
    }

    /// The end of the stay an entry on `day` opens, when it ended on or after `day`.
    fn stay_end(&self, day: Day) -> Option<Day> {
        self.stay_containing(day)
            .and_then(|i| self.stays.get(i))
            .and_then(|s| s.end)
            .filter(|end| *end >= day)
    }

    fn need(&mut self, rule: &'static str, fact: &'static str, reason: String) {
        let item = FactNeeded { rule, fact, reason };
        if !self.facts_needed.contains(&item) {
            self.facts_needed.push(item);
        }
    }

    /// `arrival_notification`: notify within 3 business days of entry, unless a residence
    /// permit is held.
    fn arrival(&mut self, pos: usize) -> Result<(), Error> {
        let e = self.event(pos);
        let day = e.date;
        let (due, provisional) = match self.days.within(day, 3) {
            Ok(d) => d,
            Err(error) => {
                self.need(
                    ARRIVAL,
                    "calendar",
                    format!(
                        "the deadline counted from {} cannot be dated: {error}",
                        date_of(day)
                    ),
                );
                return Ok(());
            }
        };
        let stay_end = self.stay_end(day);
        let due_check = stay_end.map_or(due, |end| end.min(due));
        let rp = DocKind::ResidencePermit;
        if self.holds(rp, day) || self.holds(rp, due_check) {
            let trigger = self.trigger(pos);
            self.exemptions.push(Exemption {
                rule: ARRIVAL,
                reason: "holds a residence permit: its holders are exempt from notification",
                trigger,
                citations: &ARRIVAL_EXEMPT_CITES,
            });
            return Ok(());
        }
        let exempt_from = self.exception_from(due, stay_end, |d| self.holds(rp, d));
        self.drafts.push(Draft {
            rule: Rule::Arrival,
            entry: pos,
            day,
            time: e.time,
            due,
            exempt_from,
            citations: &ARRIVAL_CITES,
            provisional,
        });
        Ok(())
    }

    /// Whether the stay an entry on `day` opens is longer than `n` days (its exit, else
    /// its planned length, else its length so far when that already exceeds `n`).
    fn stay_longer_than(&self, day: Day, n: i32) -> Truth {
        let Some(stay) = self.stay_containing(day).and_then(|i| self.stays.get(i)) else {
            return Truth::False;
        };
        let Some(start) = stay.start else {
            return Truth::Unknown("events[] (the entry of the stay)");
        };
        let planned = || {
            let days = self.case.planned_stay_days?.checked_sub(1)?;
            Some(start + i32::try_from(days).ok()?)
        };
        let truth = |b: bool| if b { Truth::True } else { Truth::False };
        match stay.end.or_else(planned) {
            Some(end) => truth(end - start + 1 > n),
            None if self.as_of - start + 1 > n => Truth::True,
            None => Truth::Unknown("planned_stay_days (or an exit event)"),
        }
    }

    /// `temporary_residence_permit`: apply within 30 calendar days of entry (CIS outside
    /// the EAEU, stays over 30 days) or 90 (EAEU and the countries with a different order
    /// of stay, stays over 90 days), unless a visa, a child under 16, a residence permit.
    fn trp(&mut self, pos: usize) {
        let e = self.event(pos);
        let day = e.date;
        let citizen = self.case.person.citizenship.as_ref();
        let duties: [(bool, i32, &'static Cites); 3] = [
            (
                is_in(citizen, CIS_OUTSIDE_EAEU) && !is_in(citizen, DIFFERENT_ORDER),
                30,
                &TRP_CIS_CITES,
            ),
            (is_in(citizen, EAEU), 90, &TRP_EAEU_CITES),
            (is_in(citizen, DIFFERENT_ORDER), 90, &TRP_DIFFERENT_CITES),
        ];
        let mut chosen: Option<(Day, &'static Cites)> = None;
        for (citizen_holds, n, citations) in duties {
            if !citizen_holds {
                continue;
            }
            match self.stay_longer_than(day, n) {
                Truth::True => {
                    let due = day + n - 1;
                    if chosen.is_none_or(|(earlier, _)| due < earlier) {
                        chosen = Some((due, citations));
                    }
                }
                Truth::False => {}
                Truth::Unknown(fact) => self.need(
                    TRP,
                    fact,
                    format!(
                        "to decide whether a duty applies to the entry of {}",
                        date_of(day)
                    ),
                ),
            }
        }
        let Some((mut due, citations)) = chosen else {
            return;
        };
        for (from, to, until) in trp_amnesties() {
            if due >= from && due <= to {
                due = until;
            }
        }
        let stay_end = self.stay_end(day);
        let due_check = stay_end.map_or(due, |end| end.min(due));
        let mut exempt_from: Option<Day> = None;
        let mut earliest = |from: Option<Day>| {
            if let Some(f) = from {
                if exempt_from.is_none_or(|x| f < x) {
                    exempt_from = Some(f);
                }
            }
        };
        // A visa.
        let visa = DocKind::Visa;
        if self.holds(visa, day) || self.holds(visa, due_check) {
            self.exempt_trp(pos, "holds a Kazakhstan visa", &TRP_VISA_CITES);
            return;
        }
        earliest(self.exception_from(due, stay_end, |d| self.holds(visa, d)));
        // A child under 16.
        let child_reason = "a child under 16 years of age";
        let mut child = self.age_under_16(day);
        if child != Truth::True && self.age_under_16(due_check) == Truth::True {
            child = Truth::True;
        }
        match child {
            Truth::True => {
                self.exempt_trp(pos, child_reason, &TRP_CHILD_CITES);
                return;
            }
            Truth::False => {
                earliest(
                    self.exception_from(due, stay_end, |d| self.age_under_16(d) == Truth::True),
                );
            }
            Truth::Unknown(fact) => self.need(
                TRP,
                fact,
                format!("to decide the exception \"{child_reason}\" (the duty is kept until then)"),
            ),
        }
        // A residence permit.
        let rp = DocKind::ResidencePermit;
        if self.holds(rp, day) || self.holds(rp, due_check) {
            self.exempt_trp(pos, "holds a residence permit", &TRP_RP_CITES);
            return;
        }
        earliest(self.exception_from(due, stay_end, |d| self.holds(rp, d)));
        self.drafts.push(Draft {
            rule: Rule::Trp,
            entry: pos,
            day,
            time: e.time,
            due,
            exempt_from,
            citations,
            provisional: None,
        });
    }

    fn exempt_trp(&mut self, pos: usize, reason: &'static str, citations: &'static Cites) {
        let trigger = self.trigger(pos);
        self.exemptions.push(Exemption {
            rule: TRP,
            reason,
            trigger,
            citations,
        });
    }

    /// The event (day, index in time order) that fulfils each draft: an event naming the
    /// entry with `for`; else the earliest open duty of its kind triggered on or before
    /// it, in its own stay first.
    fn pair(&self, drafts: &[Draft]) -> Vec<Option<Day>> {
        let kind_of = |r: Rule| match r {
            Rule::Arrival => EventKind::Notification,
            Rule::Trp => EventKind::TrpApplication,
        };
        let mut out: Vec<Option<Day>> = vec![None; drafts.len()];
        let mut used = vec![false; self.order.len()];
        let answers = |e: &Event<'_>, entry: usize| {
            let id = self.event(entry).id.as_deref();
            id.is_some() && e.r#for.as_deref() == id
        };
        if self.case.events.iter().any(|e| e.r#for.is_some()) {
            for (slot, draft) in out.iter_mut().zip(drafts) {
                let kind = kind_of(draft.rule);
                if let Some(p) = (0..self.order.len()).find(|&p| {
                    let e = self.event(p);
                    e.kind == kind && answers(e, draft.entry)
                }) {
                    if let Some(u) = used.get_mut(p) {
                        *u = true;
                    }
                    *slot = Some(self.event(p).date);
                }
            }
        }
        for p in 0..self.order.len() {
            let e = self.event(p);
            if e.r#for.is_some() || used.get(p).copied().unwrap_or(true) {
                continue;
            }
            let date = e.date;
            let mut open = drafts.iter().enumerate().filter(|(d, draft)| {
                kind_of(draft.rule) == e.kind
                    && out.get(*d).is_some_and(Option::is_none)
                    && draft.day <= date
            });
            let Some((first, _)) = open.next() else {
                continue;
            };
            let own = self.stay_of_event(date);
            let same_stay = |d: &Draft| own.is_some() && self.stay_containing(d.day) == own;
            let chosen = match drafts.get(first) {
                Some(d) if same_stay(d) => first,
                _ => open.find(|(_, d)| same_stay(d)).map_or(first, |(i, _)| i),
            };
            if let Some(slot) = out.get_mut(chosen) {
                *slot = Some(date);
            }
            if let Some(u) = used.get_mut(p) {
                *u = true;
            }
        }
        out
    }

    fn judge(&mut self, draft: Draft, fulfilled: Option<Day>) -> Obligation<'c> {
        let due = draft.due;
        let (status, days_late) = match fulfilled {
            Some(date) if date <= due => (Status::Met, 0),
            Some(date) => (
                Status::Late,
                i64::from(draft.exempt_from.map_or(date, |f| f.min(date)) - due),
            ),
            None if self.as_of <= due => (Status::Open, 0),
            None => (
                Status::Overdue,
                i64::from(draft.exempt_from.map_or(self.as_of, |f| f.min(self.as_of)) - due),
            ),
        };
        let (rule, action) = match draft.rule {
            Rule::Arrival => (ARRIVAL, ARRIVAL_ACTION),
            Rule::Trp => (TRP, TRP_ACTION),
        };
        let penalty = if matches!(status, Status::Late | Status::Overdue) {
            self.host_party(rule, due)
        } else {
            None
        };
        Obligation {
            rule,
            bearer: "host",
            action,
            trigger: self.trigger(draft.entry),
            due,
            status,
            fulfilled_on: fulfilled,
            days_late,
            penalty,
            citations: draft.citations,
            provisional: draft.provisional,
        }
    }

    /// The penalty schedule `host_party` (AOC art. 518, rules/penalties.kzr).
    fn host_party(&mut self, rule: &'static str, due: Day) -> Option<Penalty> {
        let violation = due + 1;
        if violation < ymd(2015, 1, 1) {
            return None;
        }
        let host = self.case.host.as_ref();
        let records = match host {
            Some(h) => &h.penalties,
            None => &self.case.person.penalties,
        };
        let since = date_of(violation)
            .checked_sub_months(Months::new(12))
            .map_or(i32::MIN, day_of);
        let repeated = records
            .iter()
            .any(|p| p.article.starts_with("518") && p.date >= since && p.date < violation);
        let individual = host.is_some_and(|h| h.kind == HostKind::Individual);
        // (small, medium, large, non_profit, official) in MCI.
        let by_size = |fines: [u32; 5]| -> [u32; 2] {
            let [small, medium, large, non_profit, official] = fines;
            match host.and_then(|h| h.size) {
                Some(HostSize::Small) => [small; 2],
                Some(HostSize::Medium) => [medium; 2],
                Some(HostSize::Large) => [large; 2],
                Some(HostSize::NonProfit) => [non_profit; 2],
                Some(HostSize::Official) => [official; 2],
                None => [
                    fines.iter().copied().min().unwrap_or(0),
                    fines.iter().copied().max().unwrap_or(0),
                ],
            }
        };
        let needs_size = host.and_then(|h| h.size).is_none();
        let (article, warning, fine_mci) = if individual && repeated {
            (
                "518 part 3, repeated within a year (amount for individuals to be verified)",
                false,
                [10, 10],
            )
        } else if individual {
            ("518 part 1", true, [0, 0])
        } else if repeated {
            ("518 part 3", false, by_size([40, 70, 100, 40, 40]))
        } else {
            ("518 part 1", false, by_size([10, 15, 20, 10, 10]))
        };
        if !individual && needs_size {
            self.need(
                rule,
                "host.size",
                String::from(
                    "the fine depends on the host's size (the range of every size is given)",
                ),
            );
        }
        let mci_kzt = mci(violation);
        let note = (mci_kzt.is_none() && fine_mci != [0, 0]).then(|| {
            format!(
                "the MCI in force on {} is not known yet (the republican budget law for {} sets it): the fine is known in MCI only",
                date_of(violation),
                date_of(violation).year()
            )
        });
        let fine_kzt = match mci_kzt {
            Some(m) => Some(fine_mci.map(|n| u64::from(n) * u64::from(m))),
            None if fine_mci == [0, 0] => Some([0, 0]),
            None => None,
        };
        Some(Penalty {
            article,
            warning,
            fine_mci,
            fine_kzt,
            mci_kzt,
            note,
            citations: &HOST_PARTY_CITES,
        })
    }
}
