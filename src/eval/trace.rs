//! The derivation of a result, as data: the steps the evaluator took, typed, with the
//! values it used. The report layer writes them in words (`report::explain`); a
//! language server or another format can show them its own way.

use chrono::NaiveDate;

use crate::calendar::Count;
use crate::eval::result::{Status, Trigger};
use crate::ir::coverage::CoverageId;
use crate::ir::{Cond, Period};
use crate::vocab::{Bearer, Citations, DocumentKind, Entries, HostKind, HostSize, Purpose};

/// How one result was derived, for `kzrules explain` and the coverage of `kzrules test`.
#[derive(Debug, Clone)]
pub struct Explanation {
    /// `obligation`, `exemption`, `finding`, `not_applicable` or `fact_needed`.
    pub kind: String,
    /// The rule's id.
    pub rule: String,
    /// The rule's title and its period in force.
    pub title: String,
    /// The citations of the rule version applied.
    pub citations: Citations,
    /// The derivation, step by step.
    pub steps: Vec<Step>,
    /// The parts of the rules this result exercised, for test coverage.
    pub covered: Vec<CoverageId>,
}

/// One step of a derivation.
#[derive(Debug, Clone)]
pub enum Step {
    /// The event (or document end) that started the duty.
    Trigger(Trigger),
    /// The rule version applied.
    Version(Period),
    /// The facts of the case on the trigger's day.
    Facts(FactsOnDay),
    /// A condition of the rule (`when`), judged on the trigger's day.
    Condition {
        /// The condition.
        cond: Cond,
        /// Whether it holds.
        holds: bool,
    },
    /// A condition of a finding, judged on the day the case is judged on.
    FindingCondition {
        /// The day.
        as_of: NaiveDate,
        /// The condition.
        cond: Cond,
    },
    /// The condition of one duty.
    DutyCondition {
        /// The condition.
        cond: Cond,
        /// Whether the duty applies.
        applies: bool,
    },
    /// No duty of the rule applies.
    NoDuty,
    /// A deadline counted in business days forward: day 1 is the start when it is a
    /// business day.
    WithinBusinessDays {
        /// N.
        n: u32,
        /// The trigger's day.
        start: NaiveDate,
        /// The count: the days counted and skipped, the last day.
        count: Count,
    },
    /// A deadline counted in calendar days forward, the start being day 1.
    WithinCalendarDays {
        /// N.
        n: u32,
        /// The trigger's day.
        start: NaiveDate,
        /// The last day.
        due: NaiveDate,
    },
    /// A deadline counted in business days back from an end day.
    BusinessDaysBefore {
        /// N.
        n: u32,
        /// The end day.
        end: NaiveDate,
        /// The count.
        count: Count,
    },
    /// A deadline counted in calendar days back from an end day.
    CalendarDaysBefore {
        /// N.
        n: u32,
        /// The end day.
        end: NaiveDate,
        /// The last day.
        due: NaiveDate,
    },
    /// A deadline at the end of a document (extensions followed).
    ByDocumentEnd {
        /// The document kind.
        kind: DocumentKind,
        /// The day the document must be valid on.
        day: NaiveDate,
        /// Its end, when known.
        end: Option<NaiveDate>,
    },
    /// A limit of days in Kazakhstan in a rolling window.
    Rolling {
        /// The most days.
        days: u32,
        /// The window, in days.
        window: u32,
        /// The last day within the limit.
        last: NaiveDate,
    },
    /// An exception that holds only from a day after the due day: the days late stop
    /// counting on that day.
    ExemptFrom {
        /// The first day the exception holds.
        day: NaiveDate,
        /// Why.
        reason: String,
    },
    /// An amnesty moved the due day.
    Amnesty {
        /// The due day before.
        due: NaiveDate,
        /// The amnesty's first day.
        from: NaiveDate,
        /// The amnesty's last day.
        to: NaiveDate,
        /// The new due day.
        until: NaiveDate,
        /// Why.
        reason: String,
    },
    /// The due day.
    Due(NaiveDate),
    /// An exception judged.
    Exception {
        /// Its reason.
        reason: String,
        /// What came of it.
        outcome: ExceptionOutcome,
    },
    /// The event that fulfilled the duty.
    Fulfilled {
        /// Its day.
        date: NaiveDate,
        /// Its place in the case (`events[3]`).
        path: String,
    },
    /// No event fulfilled the duty.
    NotFulfilled,
    /// The status on the judging day.
    Status {
        /// The judging day.
        as_of: NaiveDate,
        /// The status.
        status: Status,
        /// Days late.
        days_late: i64,
    },
    /// The rule names a penalty schedule with no version in force on the violation's day.
    NoPenaltyVersion {
        /// The schedule.
        id: String,
        /// The violation's day.
        violation: NaiveDate,
    },
    /// The facts the penalty depends on.
    PenaltyFacts {
        /// The host's kind and size, when a host is given.
        host: Option<(HostKind, Option<HostSize>)>,
        /// Who bears the duty.
        bearer: Bearer,
        /// Earlier penalties of the bearer: article and day.
        earlier: Vec<(String, NaiveDate)>,
    },
    /// The penalty branch chosen.
    Penalty {
        /// The schedule's id.
        schedule: String,
        /// Its version's period.
        period: Period,
        /// The violation's day.
        violation: NaiveDate,
        /// Days late.
        days_late: i64,
        /// The article.
        article: String,
        /// Whether it is (or may be) a warning.
        warning: bool,
        /// The fine in MCI.
        fine_mci: [u32; 2],
        /// The MCI in tenge, when known.
        mci_kzt: Option<u32>,
    },
    /// A measure's value behind a finding, in words.
    Detail(String),
    /// A fact the rule needed but the case does not give.
    Needed {
        /// The fact's place in the case.
        fact: String,
        /// What it was needed for.
        reason: String,
    },
}

/// What came of an exception.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExceptionOutcome {
    /// It applies: the duty is taken away.
    Applies,
    /// It does not apply.
    DoesNotApply,
    /// The case lacks a fact to decide it: the duty is kept.
    Undecided {
        /// The fact.
        fact: String,
    },
}

/// The facts of a case as they stand on a day.
#[derive(Debug, Clone)]
pub struct FactsOnDay {
    /// The day.
    pub day: NaiveDate,
    /// The citizenship.
    pub citizenship: String,
    /// The birth date and the age on the day.
    pub birth: Option<(NaiveDate, Option<u32>)>,
    /// The purpose of the stay.
    pub purpose: Option<Purpose>,
    /// The host's kind and size.
    pub host: Option<(HostKind, Option<HostSize>)>,
    /// The documents valid on the day.
    pub documents: Vec<DocumentOnDay>,
    /// The stay the day falls in.
    pub stay: Option<StayOnDay>,
}

/// A document valid on a day.
#[derive(Debug, Clone)]
pub struct DocumentOnDay {
    /// Its kind.
    pub kind: DocumentKind,
    /// A visa's category.
    pub category: Option<String>,
    /// A visa's entries.
    pub entries: Option<Entries>,
    /// Its last day.
    pub until: Option<NaiveDate>,
}

/// The stay a day falls in.
#[derive(Debug, Clone)]
pub struct StayOnDay {
    /// Its first day, `None` when it began before the case's records.
    pub start: Option<NaiveDate>,
    /// How it ends.
    pub end: StayEnd,
}

/// How a stay ends.
#[derive(Debug, Clone, Copy)]
pub enum StayEnd {
    /// By an exit on that day.
    Exit(NaiveDate),
    /// Not known, but planned to that day.
    Planned(NaiveDate),
    /// Not known.
    Unknown,
}
