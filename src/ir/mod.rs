//! The IR: what the evaluator runs. Names are resolved to typed values (event and
//! document kinds are the vocabulary's declared names, country sets are sorted code lists, dates are dates), so
//! evaluation never touches rule text. Spans stay beside the IR for `explain`.

pub mod coverage;
pub mod vocabulary;
pub mod words;

pub use vocabulary::{DocumentTerm, EventRoles, EventTerm, Term, VerbTerm, Vocabulary};

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;
use crate::source::{SourceFile, Span};
use crate::vocab::{Bearer, Citations, Severity};
use crate::vocab::{Compare, PeriodUnit, Unit};
use crate::vocab::{DocumentKind, Entries, EventKind, HostForm, HostKind, HostSize, Purpose};

/// A compiled rule set: the first of the two calls of the library API.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Program {
    /// Every rule version, ordered by id, then by the first day in force.
    pub rules: Vec<Rule>,
    /// Every penalty schedule version, by id.
    pub penalties: BTreeMap<String, Vec<PenaltySchedule>>,
    /// Dated parameters (`mci`), by id, each ordered by its first day.
    pub parameters: BTreeMap<String, Vec<ParameterValue>>,
    /// State fees, in declaration order.
    pub fees: Vec<Fee>,
    /// The kinds of events, documents and purposes, and the verbs, the files declare.
    pub vocabulary: Vocabulary,
    /// The business-day calendar.
    pub calendar: Calendar,
    /// The rule files it was compiled from, in name order (not serialized: the
    /// embedded program takes the embedded files, `load::rules::embedded_program`).
    #[serde(skip)]
    pub files: Vec<SourceFile>,
    /// SHA-256 over the files' names and texts: the rule set's identity in receipts.
    pub sha256: String,
}

/// A period in force, both ends inclusive; `None` is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Period {
    /// First day.
    pub from: Option<NaiveDate>,
    /// Last day.
    pub until: Option<NaiveDate>,
}

impl Period {
    /// Whether `date` falls in the period.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from.is_none_or(|f| date >= f) && self.until.is_none_or(|u| date <= u)
    }

    /// Whether two periods share a day.
    pub fn overlaps(&self, other: &Period) -> bool {
        let start = match (self.from, other.from) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        let end = match (self.until, other.until) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        match (start, end) {
            (Some(s), Some(e)) => s <= e,
            _ => true,
        }
    }

    /// `from 2022-01-01 until 2022-12-31`, `from 2022-01-01`, `always`.
    pub fn describe(&self) -> String {
        match (self.from, self.until) {
            (Some(f), Some(u)) => format!("from {f} until {u}"),
            (Some(f), None) => format!("from {f}"),
            (None, Some(u)) => format!("until {u}"),
            (None, None) => String::from("always"),
        }
    }
}

/// A state fee that each event of some kinds costs (`fee ID { ... }`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Fee {
    /// The fee's id.
    pub id: String,
    /// What the fee is for.
    pub title: String,
    /// The days it is in force (the event's day decides).
    pub period: Period,
    /// The events that cost it.
    pub triggers: Vec<EventKind>,
    /// Conditions that must all hold on the event's day.
    pub when: Vec<Cond>,
    /// The amount in hundredths of an MCI.
    pub hundredths: u32,
    /// Its legal sources.
    #[serde(with = "stored_citations")]
    pub citations: Citations,
    /// Where it is written.
    pub span: Span,
}

/// One version of a catalog rule.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Rule {
    /// The catalog id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The days it is in force.
    pub period: Period,
    /// Its legal sources.
    #[serde(with = "stored_citations")]
    pub citations: Citations,
    /// Who carries its duties.
    pub bearer: Bearer,
    /// What the duty is, in words.
    pub action: String,
    /// The duties; the first whose condition holds for a trigger gives the obligation's
    /// trigger, and all that hold give deadlines (the earliest wins).
    pub duties: Vec<Duty>,
    /// The findings.
    pub findings: Vec<FindingRule>,
    /// Conditions that must all hold for the rule to apply.
    pub when: Vec<Cond>,
    /// Exceptions that take the rule away.
    pub exceptions: Vec<Exception>,
    /// The penalty schedule for a late or overdue duty.
    pub penalty: Option<String>,
    /// Amnesties that move due days (for bases: the last day with a basis).
    pub extensions: Vec<Extension>,
    /// The legal bases of stay (`basis`): a day of a stay is covered when one holds.
    pub bases: Vec<Basis>,
    /// Where the rule is written.
    pub span: Span,
}

/// A legal basis of stay: covers a day of a stay when `at_entry` held on the stay's
/// entry day and `while_` holds on the day.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Basis {
    /// The basis in words.
    pub name: String,
    /// Judged on the stay's entry day.
    pub at_entry: Option<Cond>,
    /// Judged on each day.
    pub while_: Cond,
    /// Its sources (the rule's when it names none).
    #[serde(with = "stored_citations")]
    pub citations: Citations,
    /// Where it is written.
    pub span: Span,
}

/// A duty: an act (the fulfilling event) due by a deadline after a trigger.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Duty {
    /// The event that fulfils it.
    pub fulfilment: EventKind,
    /// What starts it.
    pub trigger: Start,
    /// Its deadlines; the earliest wins.
    pub limits: Vec<Limit>,
    /// `or_later`: the due day is never before any of these days.
    pub or_later: Vec<OrLater>,
    /// When this duty applies.
    pub when: Option<Cond>,
    /// The duty's own sources; empty for the rule's.
    #[serde(with = "stored_citations")]
    pub citations: Citations,
    /// Where it is written.
    pub span: Span,
}

/// `or_later LIMIT [issued_in_stay]`: a day the due day is never before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrLater {
    /// The limit.
    pub limit: Limit,
    /// For `by expiry_of DOCUMENT`: only a document that begins after the entry day of
    /// the trigger's stay.
    pub issued_in_stay: bool,
}

/// What starts a duty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Start {
    /// Each event of these kinds.
    Events(Vec<EventKind>),
    /// The end of each document of this kind while a stay goes on.
    Expiry(DocumentKind),
    /// Each month from the month of each event of these kinds, while its stay goes on,
    /// up to the month of `as_of`.
    Monthly(Vec<EventKind>),
}

/// One deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Limit {
    /// N units counted forward from the trigger, the trigger's day being day 1.
    Within {
        /// N.
        n: u32,
        /// The unit.
        unit: Unit,
    },
    /// N units counted back from the trigger (a document's end).
    Before {
        /// N.
        n: u32,
        /// The unit.
        unit: Unit,
    },
    /// The last day of the document valid on the trigger's day.
    ByExpiry(DocumentKind),
    /// Day N of the trigger's month (its last day when the month is shorter).
    DayOfMonth(u32),
    /// At most `days` days in Kazakhstan in any `window` days.
    Rolling {
        /// The most days.
        days: u32,
        /// The window length.
        window: u32,
    },
}

/// A finding rule.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FindingRule {
    /// How serious.
    pub severity: Severity,
    /// What is found.
    pub message: String,
    /// When.
    pub condition: Cond,
    /// Where it is written.
    pub span: Span,
}

/// An exception.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Exception {
    /// When it applies.
    pub condition: Cond,
    /// Why, in words.
    pub reason: String,
    /// Its sources (the rule's when it names none).
    #[serde(with = "stored_citations")]
    pub citations: Citations,
    /// Where it is written.
    pub span: Span,
}

/// An amnesty moving due days.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Extension {
    /// First due day moved.
    pub from: NaiveDate,
    /// Last due day moved.
    pub to: NaiveDate,
    /// The new due day.
    pub until: NaiveDate,
    /// Why.
    pub reason: String,
    /// Its sources.
    #[serde(with = "stored_citations")]
    pub citations: Citations,
}

/// A condition over the facts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Cond {
    /// Any holds.
    Or(Vec<Cond>),
    /// All hold.
    And(Vec<Cond>),
    /// Does not hold.
    Not(Box<Cond>),
    /// Holds a document of this kind valid on the day, matching the filters.
    HolderOf {
        /// The kind.
        kind: DocumentKind,
        /// Visa categories, any of which matches; empty for any.
        categories: Vec<String>,
        /// Single or multiple entry.
        entries: Option<Entries>,
        /// Valid for more than this many months (`valid_from` to `valid_until`).
        longer_than_months: Option<u32>,
        /// Issued to an employer that is not the host (by the names as written).
        other_employer: bool,
    },
    /// A citizen of one of these countries, by the set's version in force on the day.
    CitizenOf {
        /// The set's name, or the codes as written.
        name: String,
        /// The set's versions: a period and its sorted ISO codes.
        versions: Vec<(Period, Vec<String>)>,
    },
    /// Younger than N full years on the day.
    AgeUnder(u32),
    /// The stay lasts more than N days (entry and exit days counted).
    StayLongerThan(u32),
    /// The day's number in its stay (the entry day is day 1) compared with N.
    DayOfStay(Compare, u32),
    /// An event of this kind in the day's stay, on or before the day.
    After(EventKind),
    /// Some day of a stay has no basis of the rule with this id.
    WithoutBasis(String),
    /// The purpose of stay is one of these.
    Purpose(Vec<Purpose>),
    /// The host is of one of these kinds.
    HostKind(Vec<HostKind>),
    /// The host is of one of these sizes.
    HostSize(Vec<HostSize>),
    /// The host is of one of these forms.
    HostForm(Vec<HostForm>),
    /// The end of one document (plus an offset) is before the end of another.
    DateBefore {
        /// Left document.
        left: DocumentKind,
        /// Left offset.
        left_plus: Option<(u32, PeriodUnit)>,
        /// Right document.
        right: DocumentKind,
        /// Right offset.
        right_plus: Option<(u32, PeriodUnit)>,
    },
    /// A measured quantity compared with a bound.
    Measure {
        /// What is measured.
        measure: Measure,
        /// Over which window.
        window: Option<crate::vocab::Window>,
        /// The comparison.
        compare: Compare,
        /// The bound.
        bound: u32,
    },
}

/// A quantity measured over the facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Measure {
    /// Days in Kazakhstan, entry and exit days counted.
    DaysInKazakhstan,
    /// Days on trips to regions other than the work permit's, departure and return days counted.
    RegionTripDaysOutsidePermitRegion,
    /// Penalties imposed on the host, under an article prefix.
    HostPenalties(String),
    /// Blank pages of the passport.
    BlankPagesOfPassport,
    /// The percentage of Kazakhstan citizens among the host's staff of categories 1 and 2
    /// (EAEU citizens not counted).
    LocalContentCategories12,
    /// The same for categories 3 and 4.
    LocalContentCategories34,
    /// The host's employees in all categories, EAEU citizens included.
    Employees,
}

impl Measure {
    /// The measure's name in rule files.
    pub fn name(&self) -> &'static str {
        match self {
            Measure::DaysInKazakhstan => "days_in_kazakhstan",
            Measure::RegionTripDaysOutsidePermitRegion => "region_trip_days_outside_permit_region",
            Measure::HostPenalties(_) => "host_penalties",
            Measure::BlankPagesOfPassport => "blank_pages_of_passport",
            Measure::LocalContentCategories12 => "local_content_categories_1_2",
            Measure::LocalContentCategories34 => "local_content_categories_3_4",
            Measure::Employees => "employees",
        }
    }
}

/// One version of a penalty schedule.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PenaltySchedule {
    /// Its name.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The days it is in force (by the violation's day).
    pub period: Period,
    /// Its sources.
    #[serde(with = "stored_citations")]
    pub citations: Citations,
    /// Branches, first match wins.
    pub branches: Vec<Branch>,
    /// Where the schedule's name is written.
    pub span: Span,
}

/// One branch of a schedule.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Branch {
    /// All must hold; empty for `otherwise`.
    pub conditions: Vec<PenaltyCond>,
    /// The article and part.
    pub article: String,
    /// Whether a warning may be given.
    pub warning: bool,
    /// The fine in MCI by host size (`None` key: any size); empty for a warning only.
    pub fine: Fine,
}

/// A fine, flat or by host size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Fine {
    /// No fine.
    None,
    /// The same for every bearer.
    Flat([u32; 2]),
    /// By host size.
    BySize(Vec<(HostSize, [u32; 2])>),
}

/// A condition of a branch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum PenaltyCond {
    /// Days late compared with a bound.
    DaysLate(Compare, u32),
    /// The bearer was penalised under an article prefix within N months before the violation.
    Repeated {
        /// Article prefix.
        article: String,
        /// Months back.
        months: u32,
    },
    /// The host is of these kinds.
    HostKind(Vec<HostKind>),
    /// The host is of these sizes.
    HostSize(Vec<HostSize>),
    /// The foreigner is younger than N full years on the day of the violation.
    AgeUnder(u32),
}

/// One dated value of a parameter.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ParameterValue {
    /// The value.
    pub value: u64,
    /// The first day it is in force.
    pub from: NaiveDate,
    /// The last day it is in force; without it, until the next value.
    pub until: Option<NaiveDate>,
    /// Its sources.
    #[serde(with = "stored_citations")]
    pub citations: Citations,
}

impl Program {
    /// The value of a parameter in force on a day.
    pub fn parameter(&self, id: &str, date: NaiveDate) -> Option<&ParameterValue> {
        self.parameters
            .get(id)?
            .iter()
            .rev()
            .find(|v| v.from <= date)
            .filter(|v| v.until.is_none_or(|until| date <= until))
    }

    /// The version of a penalty schedule in force on a day.
    pub fn penalty_schedule(&self, id: &str, date: NaiveDate) -> Option<&PenaltySchedule> {
        self.penalties
            .get(id)?
            .iter()
            .find(|p| p.period.contains(date))
    }

    /// The number of `rule`'s version among the versions of its id, 0 the earliest.
    pub fn rule_version(&self, rule: &Rule) -> usize {
        self.rules
            .iter()
            .take_while(|r| !std::ptr::eq(*r, rule))
            .filter(|r| r.id == rule.id)
            .count()
    }

    /// The distinct rule ids, in order.
    pub fn rule_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self.rules.iter().map(|r| r.id.as_str()).collect();
        ids.dedup();
        ids
    }
}

/// Citations as the embedded program stores them: plain tuples, since the compact
/// format (postcard) cannot skip a field the way the JSON output does (`seed`).
mod stored_citations {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::vocab::{Citation, Citations};

    type Stored = (String, String, Option<String>);

    pub fn serialize<S: Serializer>(citations: &Citations, s: S) -> Result<S::Ok, S::Error> {
        let stored: Vec<(&str, &str, Option<&str>)> = citations
            .iter()
            .map(|c| (c.source.as_str(), c.reference.as_str(), c.seed.as_deref()))
            .collect();
        stored.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Citations, D::Error> {
        let stored: Vec<Stored> = Vec::deserialize(d)?;
        Ok(stored
            .into_iter()
            .map(|(source, reference, seed)| Citation {
                source,
                reference,
                seed,
            })
            .collect())
    }
}
