//! The evaluator: runs a compiled [`Program`] over one case's [`Facts`].
//!
//! For every rule version in force on a trigger's day it finds the duties that apply,
//! counts their deadlines on the calendar, tries the exceptions, pairs the duty with
//! the event that fulfils it, and judges it on the `as_of` day. Findings are judged
//! on the whole case. With tracing on, each result carries its derivation for
//! `kzrules explain`.

mod right_of_stay;

use chrono::{Datelike, Days, Months, NaiveDate};

use crate::calendar::{calendar_days_before, within_calendar_days, CalendarError, Count};
use crate::case::{Facts, Stay};
use crate::eval::result::{
    Bearer, CheckResult, Exemption, FactNeeded, Fee, Finding, Obligation, Penalty, Status, Trigger,
};
use crate::eval::trace::{
    DocumentOnDay, ExceptionOutcome, Explanation, FactsOnDay, StayEnd, StayOnDay, Step,
};
use crate::ir::coverage::{CoverageId, Item, Owner};
use crate::ir::{Cond, Duty, Fine, Limit, Measure, PenaltyCond, Program, Rule, Start, Vocabulary};
use crate::vocab::{DocumentKind, DocumentRole, EventKind};
use crate::vocab::{PeriodUnit, Unit, Window};

mod allowance;

/// Why a case could not be judged.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum EvalError {
    /// With `strict_calendar`: a deadline counted over a provisional calendar year.
    #[error("case `{case}`: a deadline depends on a provisional calendar: {reason}")]
    #[diagnostic(
        code(kzrules::calendar::provisional),
        help("the year's calendar is not final (no decree transfers published, or an estimated holiday); judge without --strict-calendar to get the provisional result, or complete the year in the calendar file (docs/calendar.md)")
    )]
    ProvisionalCalendar {
        /// The case id.
        case: String,
        /// Which days and why.
        reason: String,
    },
}

impl EvalError {
    /// The error's stable code (docs/errors.md), as its diagnostic gives it.
    pub fn code(&self) -> &'static str {
        match self {
            EvalError::ProvisionalCalendar { .. } => "kzrules::calendar::provisional",
        }
    }
}

/// Options of one evaluation.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Record the derivation of each result.
    pub trace: bool,
    /// Refuse a case whose deadline is counted over a provisional calendar year, rather
    /// than give the provisional result.
    pub strict_calendar: bool,
    /// Fill `CheckResult::timeline` (the stays, the window usage day by day, the
    /// amnesty periods) for the HTML report.
    pub timeline: bool,
}

/// Three-valued truth: a condition may be undecidable for want of a fact.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Truth {
    True,
    False,
    /// The fact (a path in the case) that would decide it.
    Unknown(String),
}

impl Truth {
    fn from_bool(b: bool) -> Self {
        if b {
            Truth::True
        } else {
            Truth::False
        }
    }
}

/// A condition's truth and, where there is one, its measured value in words.
type Judged = (Truth, Option<String>);

/// The day and stay a condition is judged in.
#[derive(Debug, Clone, Copy)]
struct Context {
    /// The day; `None` for a finding judged on the whole case.
    day: Option<NaiveDate>,
    /// The day the case is judged on.
    as_of: NaiveDate,
}

/// A duty found for one trigger, before it is paired with its fulfilment.
struct Draft<'p> {
    rule: &'p Rule,
    fulfilment: EventKind,
    trigger_event: Option<usize>,
    trigger: Trigger,
    earliest_fulfilment: NaiveDate,
    due: NaiveDate,
    /// The first day after the due day on which an exception holds: days late stop there.
    exempt_from: Option<NaiveDate>,
    /// The sources of the duty line that gave the due day, when it names its own.
    citations: Option<crate::vocab::Citations>,
    /// Why the due day is provisional (a count over a provisional calendar year).
    provisional: Option<String>,
    steps: Vec<Step>,
    covered: Vec<CoverageId>,
}

/// Judge a case: the second of the two calls of the library API.
pub fn evaluate(
    program: &Program,
    facts: &Facts,
    as_of: NaiveDate,
) -> Result<CheckResult, EvalError> {
    evaluate_with(program, facts, as_of, Options::default()).map(|(r, _)| r)
}

/// Judge a case, with options; returns the result and, when tracing, the derivations.
pub fn evaluate_with(
    program: &Program,
    facts: &Facts,
    as_of: NaiveDate,
    options: Options,
) -> Result<(CheckResult, Vec<Explanation>), EvalError> {
    let mut run = Run {
        program,
        facts,
        as_of,
        trace: options.trace,
        strict_calendar: options.strict_calendar,
        result: CheckResult {
            case: facts.case.clone(),
            as_of,
            obligations: Vec::new(),
            exemptions: Vec::new(),
            findings: Vec::new(),
            facts_needed: Vec::new(),
            fees: Vec::new(),
            allowance: Vec::new(),
            receipt: None,
            parties: parties(facts),
            timeline: Default::default(),
        },
        explanations: Vec::new(),
        drafts: Vec::new(),
        bases_judged: std::cell::RefCell::new(Vec::new()),
        permits: std::cell::OnceCell::new(),
    };
    for rule in &program.rules {
        run.duties_of(rule)?;
    }
    run.fulfil();
    for rule in program.rules.iter().filter(|r| r.period.contains(as_of)) {
        run.findings_of(rule);
    }
    run.fees();
    run.result
        .obligations
        .sort_by(|a, b| (a.due, &a.trigger.date, &a.rule).cmp(&(b.due, &b.trigger.date, &b.rule)));
    run.allowance()?;
    if options.timeline {
        run.timeline();
    }
    run.result.facts_needed.dedup();
    Ok((run.result, run.explanations))
}

impl Run<'_, '_> {
    /// The state fees of the case: each event of a fee's kinds, on a day the fee is in
    /// force, whose conditions hold on that day. A condition that cannot be decided
    /// lists its fact in `facts_needed` and gives no fee.
    fn fees(&mut self) {
        let program = self.program;
        for sorted in &self.facts.events {
            let event = &sorted.event;
            for fee in &program.fees {
                if !fee.triggers.contains(&event.kind) || !fee.period.contains(event.date) {
                    continue;
                }
                let context = Context {
                    day: Some(event.date),
                    as_of: self.as_of,
                };
                let mut applies = true;
                for cond in &fee.when {
                    match self.truth(cond, context) {
                        Truth::True => {}
                        Truth::False => applies = false,
                        Truth::Unknown(fact) => {
                            applies = false;
                            self.result.facts_needed.push(FactNeeded {
                                rule: fee.id.clone(),
                                fact,
                                reason: format!(
                                    "to decide whether the {} of {} costs the fee",
                                    event.kind.as_str().replace('_', " "),
                                    event.date
                                ),
                            });
                        }
                    }
                    if !applies {
                        break;
                    }
                }
                if !applies {
                    continue;
                }
                let mci = program.parameter("mci", event.date).map(|m| m.value);
                // Hundredths of an MCI times the MCI: hundredths of a tenge, exact.
                let fee_kzt = mci.map(|m| {
                    let tiyn = u64::from(fee.hundredths).saturating_mul(m);
                    f64::from(u32::try_from(tiyn / 100).unwrap_or(u32::MAX))
                        + f64::from(u32::try_from(tiyn % 100).unwrap_or(0)) / 100.0
                });
                self.result.fees.push(Fee {
                    what: format!("{}: {} {}", fee.title, event.kind.as_str(), event.date),
                    fee_mci: f64::from(fee.hundredths) / 100.0,
                    fee_kzt,
                    citations: fee.citations.clone(),
                });
            }
        }
    }
}

/// The person's and the host's names for the text for people.
fn parties(facts: &Facts) -> crate::eval::result::Parties {
    let host = facts.host.as_ref().map(|h| match &h.name {
        Some(name) => format!("{name} (the host)"),
        None => match h.kind {
            crate::vocab::HostKind::LegalEntity => String::from("the host (a legal entity)"),
            crate::vocab::HostKind::Individual => String::from("the host (an individual)"),
            crate::vocab::HostKind::Hotel => String::from("the host (a hotel)"),
        },
    });
    crate::eval::result::Parties {
        person: facts.person.name.clone(),
        host,
    }
}

struct Run<'p, 'f> {
    program: &'p Program,
    facts: &'f Facts,
    as_of: NaiveDate,
    trace: bool,
    strict_calendar: bool,
    result: CheckResult,
    explanations: Vec<Explanation>,
    drafts: Vec<Draft<'p>>,
    /// `without_basis` of each rule id asked so far: it judges every day of every stay,
    /// and its answer depends only on the case, so it is worked out once per case.
    bases_judged: std::cell::RefCell<Vec<(String, Judged)>>,
    /// The periods under a residence or temporary residence permit, merged: made once
    /// per case, on the first count of days in a window.
    permits: std::cell::OnceCell<Vec<(NaiveDate, NaiveDate)>>,
}

/// Day `n` of `date`'s month, or the month's last day when it is shorter.
fn day_in_month(date: NaiveDate, n: u32) -> NaiveDate {
    let mut d = n.clamp(1, 31);
    loop {
        if let Some(found) = date.with_day(d) {
            return found;
        }
        if d <= 28 {
            return date;
        }
        d -= 1;
    }
}

fn add_days(date: NaiveDate, n: i64) -> Option<NaiveDate> {
    if n >= 0 {
        date.checked_add_days(Days::new(n.unsigned_abs()))
    } else {
        date.checked_sub_days(Days::new(n.unsigned_abs()))
    }
}

/// The periods under a permit of residence (a document with `role residence_permit`), which are not a
/// stay a limit of days in a window governs: sorted, and merged where they overlap or touch.
fn permit_periods(facts: &Facts, vocabulary: &Vocabulary) -> Vec<(NaiveDate, NaiveDate)> {
    let mut permits: Vec<(NaiveDate, NaiveDate)> = facts
        .person
        .documents
        .iter()
        .filter(|d| vocabulary.document_is(d.kind, DocumentRole::ResidencePermit))
        .map(|d| {
            (
                d.valid_from.unwrap_or(NaiveDate::MIN),
                d.valid_until.unwrap_or(NaiveDate::MAX),
            )
        })
        .collect();
    permits.sort();
    let mut merged: Vec<(NaiveDate, NaiveDate)> = Vec::with_capacity(permits.len());
    for (a, b) in permits {
        match merged.last_mut() {
            Some(last) if a <= last.1.succ_opt().unwrap_or(last.1) => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    merged
}

/// Whether a comparison that holds could stop holding when more days are counted
/// (`at_most`, `under`): then unknown days make it undecidable.
fn compare_grows(compare: crate::vocab::Compare) -> bool {
    matches!(
        compare,
        crate::vocab::Compare::AtMost | crate::vocab::Compare::Under
    )
}

fn title_of(rule: &Rule) -> String {
    format!("{} (in force {})", rule.title, rule.period.describe())
}

impl<'p> Run<'p, '_> {
    fn explain(&mut self, kind: &str, rule: &Rule, steps: Vec<Step>, covered: Vec<CoverageId>) {
        if self.trace {
            self.explanations.push(Explanation {
                kind: kind.to_string(),
                rule: rule.id.clone(),
                title: title_of(rule),
                citations: rule.citations.clone(),
                steps,
                covered,
            });
        }
    }

    /// The facts of the case as they stand on a day, for `explain`.
    fn facts_on(&self, day: NaiveDate) -> FactsOnDay {
        let facts = self.facts;
        let documents = facts
            .person
            .documents
            .iter()
            .filter(|d| d.valid_on(day))
            .map(|d| DocumentOnDay {
                kind: d.kind,
                category: d.category.clone(),
                entries: d.entries,
                until: d.valid_until,
            })
            .collect();
        let stay = facts.stay_containing(day).map(|stay| StayOnDay {
            start: stay.start,
            end: match (stay.end, facts.stay_end_or_planned(stay)) {
                (Some(exit), _) => StayEnd::Exit(exit),
                (None, Some(planned)) => StayEnd::Planned(planned),
                (None, None) => StayEnd::Unknown,
            },
        });
        FactsOnDay {
            day,
            citizenship: facts.person.citizenship.clone(),
            birth: facts.person.birth_date.map(|b| (b, facts.age_on(day))),
            purpose: facts.purpose,
            host: facts.host.as_ref().map(|h| (h.kind, h.size)),
            documents,
            stay,
        }
    }

    fn need(&mut self, rule: &Rule, fact: String, reason: String) {
        let item = FactNeeded {
            rule: rule.id.clone(),
            fact,
            reason,
        };
        if !self.result.facts_needed.contains(&item) {
            if self.trace {
                self.explanations.push(Explanation {
                    kind: String::from("fact_needed"),
                    rule: rule.id.clone(),
                    title: title_of(rule),
                    citations: rule.citations.clone(),
                    steps: vec![Step::Needed {
                        fact: item.fact.clone(),
                        reason: item.reason.clone(),
                    }],
                    covered: Vec::new(),
                });
            }
            self.result.facts_needed.push(item);
        }
    }

    /// A deadline counted in business days: its last day and, when the count passed over
    /// a provisional calendar year, why it is provisional; an uncountable deadline is
    /// reported as undatable (no due day).
    fn business_days(
        &mut self,
        rule: &Rule,
        day: NaiveDate,
        count: Result<Count, CalendarError>,
        steps: &mut Vec<Step>,
        step: impl FnOnce(Count) -> Step,
    ) -> Result<Option<(NaiveDate, Option<String>)>, EvalError> {
        let count = match count {
            Ok(count) => count,
            Err(error) => {
                self.undatable(rule, day, &error);
                return Ok(None);
            }
        };
        let due = count.due;
        let provisional = self.provisional_allowed(count.provisional.clone())?;
        if self.trace {
            steps.push(step(count));
        }
        Ok(Some((due, provisional)))
    }

    /// A deadline the calendar cannot count (a day before 2012 or after 9999): this
    /// duty is reported as undatable with the reason; the rest of the case is judged.
    fn undatable(&mut self, rule: &Rule, day: NaiveDate, error: &CalendarError) {
        self.need(
            rule,
            String::from("calendar"),
            format!("the deadline counted from {day} cannot be dated: {error}"),
        );
    }

    /// A provisional count's reason, or with `strict_calendar` the refusal.
    fn provisional_allowed(&self, reason: Option<String>) -> Result<Option<String>, EvalError> {
        match reason {
            Some(reason) if self.strict_calendar => Err(EvalError::ProvisionalCalendar {
                case: self.facts.case.clone(),
                reason,
            }),
            other => Ok(other),
        }
    }

    /// Every trigger of a rule version: events of its duties' kinds, and ends of documents.
    fn duties_of(&mut self, rule: &'p Rule) -> Result<(), EvalError> {
        if rule.duties.is_empty() {
            return Ok(());
        }
        let mut event_kinds: Vec<EventKind> = Vec::new();
        let mut expiry_kinds: Vec<DocumentKind> = Vec::new();
        let mut monthly_kinds: Vec<EventKind> = Vec::new();
        for duty in &rule.duties {
            match &duty.trigger {
                Start::Monthly(kinds) => {
                    for k in kinds {
                        if !monthly_kinds.contains(k) {
                            monthly_kinds.push(*k);
                        }
                    }
                }
                Start::Events(kinds) => {
                    for k in kinds {
                        if !event_kinds.contains(k) {
                            event_kinds.push(*k);
                        }
                    }
                }
                Start::Expiry(kind) => {
                    if !expiry_kinds.contains(kind) {
                        expiry_kinds.push(*kind);
                    }
                }
            }
        }
        for (position, sorted) in self.facts.events.iter().enumerate() {
            let event = &sorted.event;
            if !event_kinds.contains(&event.kind) || !rule.period.contains(event.date) {
                continue;
            }
            let trigger = Trigger {
                event: event.kind.as_str().to_string(),
                date: event.date,
                id: event.id.clone(),
            };
            self.trigger(
                rule,
                Some(position),
                trigger,
                event.date,
                None,
                |t| matches!(&t, Start::Events(kinds) if kinds.contains(&event.kind)),
            )?;
        }
        self.monthly_triggers(rule, &monthly_kinds)?;
        for kind in expiry_kinds {
            let ends: Vec<(NaiveDate, Option<NaiveDate>)> = self
                .facts
                .documents_of(kind)
                .filter_map(|d| d.valid_until.map(|u| (u, d.valid_from)))
                .collect();
            for (end, from) in ends {
                if !rule.period.contains(end) {
                    continue;
                }
                // Only a document that ends while the stay goes on.
                let Some(stay) = self.facts.stay_containing(end) else {
                    continue;
                };
                let assumed = match self.facts.stay_end_or_planned(stay) {
                    Some(last) if last <= end => continue,
                    Some(_) => None,
                    None if self.as_of <= end => Some(format!(
                        "whether the stay goes on after the {} ends on {end} (assumed: it does)",
                        kind.as_str().replace('_', " ")
                    )),
                    None => None,
                };
                let trigger = Trigger {
                    event: format!("{}_expiry", kind.as_str()),
                    date: end,
                    id: None,
                };
                let earliest = from.unwrap_or(NaiveDate::MIN);
                self.trigger(rule, None, trigger, earliest, assumed, |t| {
                    *t == Start::Expiry(kind)
                })?;
            }
        }
        Ok(())
    }

    /// The months of a duty that recurs each month (`by day N of each month from EVENT`):
    /// from the month of each event of `kinds` to the month of `as_of`, ending with the
    /// month in which the event's stay ends. Each month is a trigger dated its first day
    /// (the event's day in the event's own month); a month whose due day comes before
    /// that day (an event after the 30th) has no duty.
    fn monthly_triggers(&mut self, rule: &'p Rule, kinds: &[EventKind]) -> Result<(), EvalError> {
        if kinds.is_empty() {
            return Ok(());
        }
        let days: Vec<u32> = rule
            .duties
            .iter()
            .flat_map(|d| d.limits.iter())
            .filter_map(|l| match l {
                Limit::DayOfMonth(n) => Some(*n),
                _ => None,
            })
            .collect();
        let Some(day_of_month) = days.iter().min().copied() else {
            return Ok(());
        };
        let starts: Vec<(NaiveDate, NaiveDate)> = self
            .facts
            .events
            .iter()
            .filter(|e| kinds.contains(&e.event.kind))
            .map(|e| {
                let date = e.event.date;
                let stay_end = self.facts.stay_containing(date).and_then(|s| s.end);
                let last = stay_end.map_or(self.as_of, |end| end.min(self.as_of));
                (date, last)
            })
            .collect();
        let mut seen: Vec<NaiveDate> = Vec::new();
        for (start, last) in starts {
            let Some(mut month) = start.with_day(1) else {
                continue;
            };
            while month <= last {
                let trigger_day = month.max(start);
                let due = day_in_month(month, day_of_month);
                if due >= trigger_day && rule.period.contains(trigger_day) && !seen.contains(&month)
                {
                    seen.push(month);
                    let trigger = Trigger {
                        event: String::from("month"),
                        date: trigger_day,
                        id: None,
                    };
                    self.trigger(
                        rule,
                        None,
                        trigger,
                        trigger_day,
                        None,
                        |t| matches!(t, Start::Monthly(k) if k.iter().any(|x| kinds.contains(x))),
                    )?;
                }
                let Some(next) = month.checked_add_months(Months::new(1)) else {
                    break;
                };
                month = next;
            }
        }
        Ok(())
    }

    /// One trigger of a rule: the duties that apply, their due day, the exceptions.
    fn trigger(
        &mut self,
        rule: &'p Rule,
        position: Option<usize>,
        trigger: Trigger,
        earliest_fulfilment: NaiveDate,
        assumed: Option<String>,
        matches: impl Fn(&Start) -> bool,
    ) -> Result<(), EvalError> {
        let day = trigger.date;
        let context = Context {
            day: Some(day),
            as_of: self.as_of,
        };
        let mut steps = Vec::new();
        if self.trace {
            steps.push(Step::Trigger(trigger.clone()));
            steps.push(Step::Version(rule.period));
            steps.push(Step::Facts(self.facts_on(day)));
        }
        for cond in &rule.when {
            match self.truth(cond, context) {
                Truth::True => {
                    if self.trace {
                        steps.push(Step::Condition {
                            cond: cond.clone(),
                            holds: true,
                        });
                    }
                }
                Truth::False => {
                    if self.trace {
                        steps.push(Step::Condition {
                            cond: cond.clone(),
                            holds: false,
                        });
                        self.explain("not_applicable", rule, steps, Vec::new());
                    }
                    return Ok(());
                }
                Truth::Unknown(fact) => {
                    self.need(
                        rule,
                        fact,
                        format!(
                            "to decide whether the rule applies to the {} of {day}",
                            trigger.event
                        ),
                    );
                    return Ok(());
                }
            }
        }
        let mut applicable: Vec<&'p Duty> = Vec::new();
        let mut covered = Vec::new();
        for (index, duty) in rule
            .duties
            .iter()
            .enumerate()
            .filter(|(_, d)| matches(&d.trigger))
        {
            let holds = match &duty.when {
                None => Truth::True,
                Some(c) => self.truth(c, context),
            };
            match holds {
                Truth::True => {
                    if self.trace {
                        if let Some(c) = &duty.when {
                            steps.push(Step::DutyCondition {
                                cond: c.clone(),
                                applies: true,
                            });
                        }
                    }
                    applicable.push(duty);
                    if self.trace {
                        covered.push(CoverageId::of_rule(self.program, rule, Item::Duty(index)));
                    }
                }
                Truth::False => {
                    if self.trace {
                        if let Some(c) = &duty.when {
                            steps.push(Step::DutyCondition {
                                cond: c.clone(),
                                applies: false,
                            });
                        }
                    }
                }
                Truth::Unknown(fact) => self.need(
                    rule,
                    fact,
                    format!(
                        "to decide whether a duty applies to the {} of {day}",
                        trigger.event
                    ),
                ),
            }
        }
        let Some(first) = applicable.first() else {
            if self.trace && !steps.is_empty() {
                steps.push(Step::NoDuty);
                self.explain("not_applicable", rule, steps, Vec::new());
            }
            return Ok(());
        };
        let fulfilment = first.fulfilment;

        // The due day: the earliest of every applicable deadline, provisional when the
        // count that gave it passed over a provisional calendar year.
        let mut due: Option<(NaiveDate, Option<String>)> = None;
        // The sources of the duty line that gives the due day (its branch of the law).
        let mut cited: Option<&'p Duty> = None;
        for duty in &applicable {
            for limit in &duty.limits {
                if let Some(d) = self.limit(rule, *limit, day, &mut steps)? {
                    due = match due {
                        Some(earlier) if earlier.0 <= d.0 => Some(earlier),
                        _ => {
                            cited = Some(duty);
                            Some(d)
                        }
                    };
                }
            }
        }
        let citations = cited
            .filter(|d| !d.citations.is_empty())
            .map(|d| d.citations.clone());
        let Some((mut due, provisional)) = due else {
            return Ok(());
        };
        // `or_later`: a day the due day is never before (a contract extends a stay, it
        // never shortens it); a document counts from its `valid_from` up to the day after
        // the due day, so that a contract signed after the entry extends the stay too.
        // Each day is compared as the amnesties leave it: a contract that ends after an
        // amnesty's window never takes away the amnesty the day without it would get.
        let amnestied = |mut d: NaiveDate| {
            for extension in &rule.extensions {
                if d >= extension.from && d <= extension.to {
                    d = extension.until;
                }
            }
            d
        };
        for duty in &applicable {
            for later in &duty.or_later {
                let day_of_later = match later.limit {
                    Limit::ByExpiry(kind) => {
                        let end = self.later_document_end(kind, day, due, later.issued_in_stay);
                        if self.trace {
                            steps.push(Step::ByDocumentEnd { kind, day, end });
                        }
                        end
                    }
                    other => self.limit(rule, other, day, &mut steps)?.map(|d| d.0),
                };
                if let Some(later_day) = day_of_later {
                    if amnestied(later_day) > amnestied(due) {
                        due = later_day;
                    }
                }
            }
        }
        for extension in &rule.extensions {
            if due >= extension.from && due <= extension.to {
                if self.trace {
                    steps.push(Step::Amnesty {
                        due,
                        from: extension.from,
                        to: extension.to,
                        until: extension.until,
                        reason: extension.reason.clone(),
                    });
                }
                due = extension.until;
            }
        }
        if self.trace {
            steps.push(Step::Due(due));
        }

        // Exceptions, on the trigger's day and on the due day (or the last day of the
        // trigger's stay when it ended before: an exemption never reaches back to a stay
        // that ended before its document began).
        let stay_end = self
            .facts
            .stay_containing(day)
            .and_then(|stay| stay.end)
            .filter(|end| *end >= day);
        let due_check = stay_end.map_or(due, |end| end.min(due));
        let mut exempt_from: Option<NaiveDate> = None;
        for (index, exception) in rule.exceptions.iter().enumerate() {
            let mut holds = self.truth(&exception.condition, context);
            if holds != Truth::True {
                let at_due = self.truth(
                    &exception.condition,
                    Context {
                        day: Some(due_check),
                        as_of: self.as_of,
                    },
                );
                if at_due == Truth::True {
                    holds = Truth::True;
                }
            }
            match holds {
                Truth::True => {
                    if self.trace {
                        steps.push(Step::Exception {
                            reason: exception.reason.clone(),
                            outcome: ExceptionOutcome::Applies,
                        });
                        covered.push(CoverageId::of_rule(
                            self.program,
                            rule,
                            Item::Exception(index),
                        ));
                        self.explain("exemption", rule, steps, covered);
                    }
                    self.result.exemptions.push(Exemption {
                        rule: rule.id.clone(),
                        reason: exception.reason.clone(),
                        trigger: Some(trigger),
                        citations: exception.citations.clone(),
                    });
                    return Ok(());
                }
                Truth::False => {
                    if self.trace {
                        steps.push(Step::Exception {
                            reason: exception.reason.clone(),
                            outcome: ExceptionOutcome::DoesNotApply,
                        });
                    }
                    if let Some(from) = self.exception_from(&exception.condition, due, stay_end) {
                        if exempt_from.is_none_or(|f| from < f) {
                            exempt_from = Some(from);
                            if self.trace {
                                steps.push(Step::ExemptFrom {
                                    day: from,
                                    reason: exception.reason.clone(),
                                });
                            }
                        }
                    }
                }
                Truth::Unknown(fact) => {
                    if self.trace {
                        steps.push(Step::Exception {
                            reason: exception.reason.clone(),
                            outcome: ExceptionOutcome::Undecided { fact: fact.clone() },
                        });
                    }
                    self.need(
                        rule,
                        fact,
                        format!(
                            "to decide the exception \"{}\" (the duty is kept until then)",
                            exception.reason
                        ),
                    );
                }
            }
        }
        if let Some(reason) = assumed {
            self.need(rule, String::from("planned_stay_days"), reason);
        }
        self.drafts.push(Draft {
            rule,
            fulfilment,
            trigger_event: position,
            trigger,
            earliest_fulfilment,
            due,
            exempt_from,
            citations,
            provisional,
            steps,
            covered,
        });
        Ok(())
    }

    /// The first day after `due` (up to `as_of` and the end of the trigger's stay) on
    /// which an exception holds: a document that begins then, an event recorded then.
    fn exception_from(
        &self,
        condition: &Cond,
        due: NaiveDate,
        stay_end: Option<NaiveDate>,
    ) -> Option<NaiveDate> {
        let last = stay_end.map_or(self.as_of, |end| end.min(self.as_of));
        let mut days: Vec<NaiveDate> = self
            .facts
            .person
            .documents
            .iter()
            .filter_map(|d| d.valid_from)
            .chain(self.facts.events.iter().map(|e| e.event.date))
            .filter(|d| *d > due && *d <= last)
            .collect();
        days.sort();
        days.dedup();
        days.into_iter().find(|d| {
            self.truth(
                condition,
                Context {
                    day: Some(*d),
                    as_of: self.as_of,
                },
            ) == Truth::True
        })
    }

    /// The last day allowed by one deadline, counted from the trigger's day.
    fn limit(
        &mut self,
        rule: &Rule,
        limit: Limit,
        day: NaiveDate,
        steps: &mut Vec<Step>,
    ) -> Result<Option<(NaiveDate, Option<String>)>, EvalError> {
        let trace = self.trace;
        match limit {
            Limit::Within {
                n,
                unit: Unit::BusinessDays,
            } => {
                let count = self.program.calendar.within_business_days(day, n);
                self.business_days(rule, day, count, steps, |count| Step::WithinBusinessDays {
                    n,
                    start: day,
                    count,
                })
            }
            Limit::Within {
                n,
                unit: Unit::CalendarDays,
            } => {
                let due = within_calendar_days(day, n);
                if trace {
                    if let Some(d) = due {
                        steps.push(Step::WithinCalendarDays {
                            n,
                            start: day,
                            due: d,
                        });
                    }
                }
                Ok(due.map(|d| (d, None)))
            }
            Limit::Before {
                n,
                unit: Unit::BusinessDays,
            } => {
                let count = self.program.calendar.business_days_before(day, n);
                self.business_days(rule, day, count, steps, |count| Step::BusinessDaysBefore {
                    n,
                    end: day,
                    count,
                })
            }
            Limit::Before {
                n,
                unit: Unit::CalendarDays,
            } => {
                let due = calendar_days_before(day, n);
                if trace {
                    if let Some(d) = due {
                        steps.push(Step::CalendarDaysBefore {
                            n,
                            end: day,
                            due: d,
                        });
                    }
                }
                Ok(due.map(|d| (d, None)))
            }
            Limit::ByExpiry(kind) => {
                let end = self.document_chain_end(kind, day);
                if trace {
                    steps.push(Step::ByDocumentEnd { kind, day, end });
                }
                if end.is_none() && self.facts.document_valid_on(kind, day).is_some() {
                    self.need(
                        rule,
                        String::from("person.documents[].valid_until"),
                        format!(
                            "the {} valid on {day} has no end date",
                            kind.as_str().replace('_', " ")
                        ),
                    );
                }
                Ok(end.map(|d| (d, None)))
            }
            Limit::DayOfMonth(n) => {
                let due = day_in_month(day, n);
                if trace {
                    steps.push(Step::WithinCalendarDays {
                        n: due.day(),
                        start: day.with_day(1).unwrap_or(day),
                        due,
                    });
                }
                Ok(Some((due, None)))
            }
            Limit::Rolling { days, window } => {
                let last = self.rolling_last_day(day, days, window);
                let window_start = add_days(day, 1 - i64::from(window));
                let before = add_days(day, -1);
                if let (Some(from), Some(to)) = (window_start, before) {
                    if let Some(exit) = self.facts.unknown_days_before(from, to) {
                        self.need(
                            rule,
                            format!("events[] (the entry of the stay that ended on {exit})"),
                            format!("the days in Kazakhstan before {exit} count towards {days} days in any {window}; only the known days were counted"),
                        );
                    }
                }
                if trace {
                    if let Some(d) = last {
                        steps.push(Step::Rolling {
                            days,
                            window,
                            last: d,
                        });
                    }
                }
                Ok(last.map(|d| (d, None)))
            }
        }
    }

    /// The end of the document of `kind` valid on `day`, following later documents of
    /// the same kind that start on or before the day after it ends (an extension).
    fn document_chain_end(&self, kind: DocumentKind, day: NaiveDate) -> Option<NaiveDate> {
        let mut end = self.facts.document_valid_on(kind, day)?.valid_until?;
        // Bounded: each step moves the end later, and there are finitely many documents.
        for _ in 0..self.facts.person.documents.len() {
            let next = self
                .facts
                .documents_of(kind)
                .filter(|d| {
                    d.valid_from
                        .is_none_or(|f| f <= end.succ_opt().unwrap_or(end))
                })
                .filter_map(|d| d.valid_until)
                .filter(|u| *u > end)
                .max();
            match next {
                Some(n) => end = n,
                None => break,
            }
        }
        Some(end)
    }

    /// For `or_later by expiry_of DOCUMENT`: the latest end (following the documents
    /// that continue it) of a document of `kind` valid on some day from `day` to the day
    /// after `due` (a contract signed after the entry counts from its `valid_from`); with
    /// `issued_in_stay`, only of one that begins after the entry day of `day`'s stay.
    fn later_document_end(
        &self,
        kind: DocumentKind,
        day: NaiveDate,
        due: NaiveDate,
        issued_in_stay: bool,
    ) -> Option<NaiveDate> {
        let limit = due.succ_opt().unwrap_or(due);
        let entry = self.facts.stay_containing(day).and_then(|s| s.start);
        self.facts
            .documents_of(kind)
            .filter(|d| d.valid_from.is_none_or(|f| f <= limit))
            .filter(|d| d.valid_until.is_none_or(|u| u >= day))
            .filter(|d| {
                !issued_in_stay
                    || d.valid_from
                        .zip(entry)
                        .is_some_and(|(from, entry)| from > entry)
            })
            .filter_map(|d| {
                let first = d.valid_from.map_or(day, |f| f.max(day));
                self.document_chain_end(kind, first)
            })
            .max()
    }

    /// The last day D from `start` on such that on every day from `start` to D, the days
    /// in Kazakhstan in the `window` days ending that day are at most `days` (the stay
    /// that begins on `start` counted as going on).
    fn rolling_last_day(&self, start: NaiveDate, days: u32, window: u32) -> Option<NaiveDate> {
        self.rolling_last_day_from(start, days, window, None, None)
    }

    /// [`Run::rolling_last_day`] for an entry on `start`, the stay open before it counted
    /// up to `open_until` (by default, the day before `start`), looking at most `longest`
    /// days ahead (by default, until the limit is passed).
    fn rolling_last_day_from(
        &self,
        start: NaiveDate,
        days: u32,
        window: u32,
        open_until: Option<NaiveDate>,
        longest: Option<u32>,
    ) -> Option<NaiveDate> {
        let before = add_days(start, -1)?;
        let open_until = open_until.map_or(before, |o| o.min(before));
        // Each day of the stay adds one day, so the limit is passed within `days + 1` days.
        let stop = i64::from(longest.map_or(days, |l| l.min(days + 1).saturating_sub(1)));
        // The days before `start` in the window: counted once, then, as the window moves
        // on a day, less the day that leaves it (a count of days is the sum of its days).
        let mut counted: Option<i64> = None;
        for offset in 0..=stop {
            let day = add_days(start, offset)?;
            let window_start = add_days(day, 1 - i64::from(window))?;
            let earlier = match counted {
                Some(earlier) => earlier,
                None => self.window_days(window_start, before, open_until),
            };
            let in_window = earlier + offset + 1;
            if in_window > i64::from(days) {
                return add_days(day, -1);
            }
            counted = Some(if window_start <= before {
                earlier - self.window_days(window_start, window_start, open_until)
            } else {
                0
            });
        }
        add_days(start, stop)
    }

    /// The days in `[from, to]` that count towards a limit of days in any window: days in
    /// Kazakhstan (a stay open after `open_until` counted up to it), except the days
    /// under a residence permit or a temporary residence permit, which are not a stay
    /// the limit governs.
    fn window_days(&self, from: NaiveDate, to: NaiveDate, open_until: NaiveDate) -> i64 {
        let facts = self.facts;
        let count =
            |a: NaiveDate, b: NaiveDate| i64::from(facts.days_in_kazakhstan(a, b, open_until));
        let merged = self
            .permits
            .get_or_init(|| permit_periods(facts, &self.program.vocabulary));
        if merged.is_empty() {
            return count(from, to);
        }
        let under_permit: i64 = merged
            .iter()
            .map(|(a, b)| count((*a).max(from), (*b).min(to)))
            .sum();
        count(from, to) - under_permit
    }

    /// Pair every draft with the event that fulfils it, then judge it.
    fn fulfil(&mut self) {
        let mut drafts = std::mem::take(&mut self.drafts);
        // The earliest duty first: by the trigger's day and time, then (for duties
        // triggered at the same moment, which the input order must not decide) by due
        // day and rule id.
        let events = &self.facts.events;
        let time = |d: &Draft<'_>| {
            d.trigger_event
                .and_then(|i| events.get(i))
                .and_then(|e| e.event.time.clone())
        };
        drafts.sort_by(|a, b| {
            (a.trigger.date, time(a), a.due, &a.rule.id, a.trigger_event).cmp(&(
                b.trigger.date,
                time(b),
                b.due,
                &b.rule.id,
                b.trigger_event,
            ))
        });
        let fulfilled = self.pair_fulfilments(&drafts);
        for (draft, fulfilled) in drafts.into_iter().zip(fulfilled) {
            self.judge(draft, fulfilled);
        }
    }

    /// The event that fulfils each draft (in the drafts' order), by the contract's
    /// matching: a duty to leave is fulfilled by the exit that closes its stay; an event
    /// that names the trigger with `for` fulfils exactly that trigger's duties; any other
    /// fulfilling event fulfils the earliest unfulfilled duty it can fulfil, whose trigger
    /// is on or before it and that belongs to its own stay (the stay it happens in or,
    /// after an exit, the stay that exit ended), and only when its stay holds none an
    /// earlier stay's. One late event is never counted against two stays.
    fn pair_fulfilments(&self, drafts: &[Draft<'_>]) -> Vec<Option<(NaiveDate, usize)>> {
        let events = &self.facts.events;
        let mut out: Vec<Option<(NaiveDate, usize)>> = vec![None; drafts.len()];
        let mut used = vec![false; events.len()];
        for (slot, draft) in out.iter_mut().zip(drafts) {
            if self.facts.roles.closes(draft.fulfilment) {
                // Leaving fulfils every duty to leave of the stay it closes.
                *slot = self
                    .facts
                    .stay_containing(draft.trigger.date)
                    .and_then(|stay| stay.exit)
                    .and_then(|exit| events.get(exit).map(|e| (e.event.date, exit)));
                continue;
            }
            let Some(trigger) = draft.trigger_event else {
                continue;
            };
            if let Some((i, e)) = events
                .iter()
                .enumerate()
                .find(|(_, e)| e.answers == Some(trigger) && e.event.kind == draft.fulfilment)
            {
                if let Some(u) = used.get_mut(i) {
                    *u = true;
                }
                *slot = Some((e.event.date, i));
            }
        }
        for (i, e) in events.iter().enumerate() {
            if e.answers.is_some()
                || e.event.r#for.is_some()
                || used.get(i).copied().unwrap_or(true)
            {
                continue;
            }
            let date = e.event.date;
            let open: Vec<usize> = drafts
                .iter()
                .enumerate()
                .filter(|(d, draft)| {
                    draft.fulfilment == e.event.kind
                        && !self.facts.roles.closes(draft.fulfilment)
                        && out.get(*d).is_some_and(Option::is_none)
                        && match draft.trigger_event {
                            Some(_) => draft.trigger.date <= date,
                            None => draft.earliest_fulfilment <= date,
                        }
                })
                .map(|(d, _)| d)
                .collect();
            let own = self.stay_of_event(date);
            let in_own_stay = open.iter().copied().find(|&d| {
                drafts
                    .get(d)
                    .and_then(|draft| self.facts.stay_containing(draft.trigger.date))
                    .zip(own)
                    .is_some_and(|(a, b)| a == b)
            });
            let Some(chosen) = in_own_stay.or_else(|| open.first().copied()) else {
                continue;
            };
            if let Some(slot) = out.get_mut(chosen) {
                *slot = Some((date, i));
            }
            if let Some(u) = used.get_mut(i) {
                *u = true;
            }
        }
        out
    }

    /// The stay an event on `date` belongs to: the stay it happens in, else (after an
    /// exit) the last stay that ended before it.
    fn stay_of_event(&self, date: NaiveDate) -> Option<&Stay> {
        self.facts.stay_containing(date).or_else(|| {
            self.facts
                .stays
                .iter()
                .rev()
                .find(|s| s.end.is_some_and(|end| end < date))
        })
    }

    fn judge(&mut self, draft: Draft<'p>, fulfilled: Option<(NaiveDate, usize)>) {
        let Draft {
            rule,
            trigger,
            due,
            exempt_from,
            citations,
            provisional,
            mut steps,
            mut covered,
            ..
        } = draft;
        let (status, days_late, fulfilled_on) = match fulfilled {
            Some((date, index)) => {
                if self.trace {
                    let path = self
                        .facts
                        .events
                        .get(index)
                        .map(|e| e.path())
                        .unwrap_or_default();
                    steps.push(Step::Fulfilled { date, path });
                }
                if date <= due {
                    (Status::Met, 0, Some(date))
                } else {
                    let stop = exempt_from.map_or(date, |f| f.min(date));
                    (Status::Late, (stop - due).num_days(), Some(date))
                }
            }
            None => {
                if self.trace {
                    steps.push(Step::NotFulfilled);
                }
                if self.as_of <= due {
                    (Status::Open, 0, None)
                } else {
                    let stop = exempt_from.map_or(self.as_of, |f| f.min(self.as_of));
                    (Status::Overdue, (stop - due).num_days(), None)
                }
            }
        };
        if self.trace {
            steps.push(Step::Status {
                as_of: self.as_of,
                status,
                days_late,
            });
        }
        let penalty = if status.is_violation() {
            self.penalty(rule, due, days_late, &mut steps, &mut covered)
        } else {
            None
        };
        self.explain("obligation", rule, steps, covered);
        self.result.obligations.push(Obligation {
            rule: rule.id.clone(),
            bearer: rule.bearer,
            action: rule.action.clone(),
            trigger,
            due,
            status,
            fulfilled_on,
            days_late,
            penalty,
            citations: citations.unwrap_or_else(|| rule.citations.clone()),
            provisional,
        });
    }

    /// The penalty for a duty late by `days_late` days after `due`.
    fn penalty(
        &mut self,
        rule: &Rule,
        due: NaiveDate,
        days_late: i64,
        steps: &mut Vec<Step>,
        covered: &mut Vec<CoverageId>,
    ) -> Option<Penalty> {
        let id = rule.penalty.as_deref()?;
        let violation = due.succ_opt().unwrap_or(due);
        let Some(schedule) = self.program.penalty_schedule(id, violation) else {
            if self.trace {
                steps.push(Step::NoPenaltyVersion {
                    id: id.to_string(),
                    violation,
                });
            }
            return None;
        };
        let host = self.facts.host.as_ref();
        let records = match rule.bearer {
            Bearer::Foreigner => &self.facts.person.penalties,
            _ => match host {
                Some(h) => &h.penalties,
                None => &self.facts.person.penalties,
            },
        };
        let mut chosen = None;
        'branches: for (index, branch) in schedule.branches.iter().enumerate() {
            for cond in &branch.conditions {
                let holds = match cond {
                    PenaltyCond::DaysLate(cmp, n) => cmp.holds(days_late, i64::from(*n)),
                    PenaltyCond::Repeated { article, months } => {
                        let since = violation
                            .checked_sub_months(Months::new(*months))
                            .unwrap_or(NaiveDate::MIN);
                        records.iter().any(|p| {
                            p.article.starts_with(article.as_str())
                                && p.date >= since
                                && p.date < violation
                        })
                    }
                    PenaltyCond::HostKind(kinds) => host.is_some_and(|h| kinds.contains(&h.kind)),
                    // Without a birth date the bearer is taken as an adult: the penalty is
                    // given, never waived on a guess.
                    PenaltyCond::AgeUnder(n) => {
                        rule.bearer == Bearer::Foreigner
                            && self.facts.age_on(violation).is_some_and(|age| age < *n)
                    }
                    PenaltyCond::HostSize(sizes) => host
                        .and_then(|h| h.size)
                        .is_some_and(|s| sizes.contains(&s)),
                };
                if !holds {
                    continue 'branches;
                }
            }
            chosen = Some(branch);
            if self.trace {
                covered.push(CoverageId {
                    owner: Owner::Penalty {
                        id: schedule.id.clone(),
                        version: self
                            .program
                            .penalties
                            .get(&schedule.id)
                            .and_then(|v| v.iter().position(|x| std::ptr::eq(x, schedule)))
                            .unwrap_or(0),
                    },
                    item: Item::Branch(index),
                });
            }
            break;
        }
        let branch = chosen?;
        let fine_mci: [u32; 2] = match &branch.fine {
            Fine::None => [0, 0],
            Fine::Flat(range) => *range,
            Fine::BySize(sizes) => match host.and_then(|h| h.size) {
                Some(size) => sizes
                    .iter()
                    .find(|(s, _)| *s == size)
                    .map(|(_, r)| *r)
                    .unwrap_or([0, 0]),
                None => {
                    self.need(
                        rule,
                        String::from("host.size"),
                        String::from("the fine depends on the host's size (the range of every size is given)"),
                    );
                    let min = sizes.iter().map(|(_, r)| r[0]).min().unwrap_or(0);
                    let max = sizes.iter().map(|(_, r)| r[1]).max().unwrap_or(0);
                    [min, max]
                }
            },
        };
        let mci = self.program.parameter("mci", violation);
        let mci_kzt = mci.and_then(|m| u32::try_from(m.value).ok());
        // A fine in MCI whose tenge value is not known: never another year's value.
        let unknown_mci = mci_kzt.is_none() && fine_mci != [0, 0];
        let note = unknown_mci.then(|| {
            format!(
                "the MCI in force on {violation} is not known yet (the republican budget law for {} sets it): the fine is known in MCI only",
                violation.year()
            )
        });
        let fine_kzt = match mci_kzt {
            Some(m) => Some(fine_mci.map(|n| u64::from(n) * u64::from(m))),
            None if fine_mci == [0, 0] => Some([0, 0]),
            None => None,
        };
        if self.trace {
            steps.push(Step::PenaltyFacts {
                host: host.map(|h| (h.kind, h.size)),
                bearer: rule.bearer,
                earlier: records
                    .iter()
                    .filter(|p| p.date < violation)
                    .map(|p| (p.article.clone(), p.date))
                    .collect(),
            });
            steps.push(Step::Penalty {
                schedule: schedule.id.clone(),
                period: schedule.period,
                violation,
                days_late,
                article: branch.article.clone(),
                warning: branch.warning,
                fine_mci,
                mci_kzt,
            });
        }
        Some(Penalty {
            article: branch.article.clone(),
            warning: branch.warning,
            fine_mci,
            fine_kzt,
            mci_kzt,
            note,
            citations: schedule.citations.clone(),
        })
    }

    fn findings_of(&mut self, rule: &Rule) {
        for (index, finding) in rule.findings.iter().enumerate() {
            let context = Context {
                day: None,
                as_of: self.as_of,
            };
            let (truth, detail) = self.truth_detail(&finding.condition, context);
            match truth {
                Truth::True => {
                    if self.trace {
                        let mut steps = vec![Step::FindingCondition {
                            as_of: self.as_of,
                            cond: finding.condition.clone(),
                        }];
                        if let Some(d) = &detail {
                            steps.push(Step::Detail(d.clone()));
                        }
                        self.explain(
                            "finding",
                            rule,
                            steps,
                            vec![CoverageId::of_rule(
                                self.program,
                                rule,
                                Item::Finding(index),
                            )],
                        );
                    }
                    self.result.findings.push(Finding {
                        rule: rule.id.clone(),
                        severity: finding.severity,
                        message: finding.message.clone(),
                        detail,
                        citations: rule.citations.clone(),
                    });
                }
                Truth::False => {}
                Truth::Unknown(fact) => {
                    self.need(rule, fact, format!("to decide: {}", finding.message))
                }
            }
        }
    }

    fn truth(&self, cond: &Cond, context: Context) -> Truth {
        self.condition(cond, context, false).0
    }

    /// A condition's truth, with the measured value where there is one.
    fn truth_detail(&self, cond: &Cond, context: Context) -> (Truth, Option<String>) {
        self.condition(cond, context, true)
    }

    /// A condition's truth and, when `words`, the measured value where there is one (the
    /// words cost more than the truth: most conditions are judged without them).
    fn condition(&self, cond: &Cond, context: Context, words: bool) -> (Truth, Option<String>) {
        let facts = self.facts;
        let day_or_as_of = context.day.unwrap_or(context.as_of);
        match cond {
            Cond::Or(parts) => {
                let mut unknown = None;
                for p in parts {
                    match self.condition(p, context, words) {
                        (Truth::True, d) => return (Truth::True, d),
                        (Truth::Unknown(f), _) => unknown = unknown.or(Some(f)),
                        (Truth::False, _) => {}
                    }
                }
                (unknown.map_or(Truth::False, Truth::Unknown), None)
            }
            Cond::And(parts) => {
                let mut unknown = None;
                let mut detail = None;
                for p in parts {
                    match self.condition(p, context, words) {
                        (Truth::False, _) => return (Truth::False, None),
                        (Truth::Unknown(f), _) => unknown = unknown.or(Some(f)),
                        (Truth::True, d) => detail = detail.or(d),
                    }
                }
                (unknown.map_or(Truth::True, Truth::Unknown), detail)
            }
            Cond::Not(inner) => match self.truth(inner, context) {
                Truth::True => (Truth::False, None),
                Truth::False => (Truth::True, None),
                u => (u, None),
            },
            Cond::HolderOf {
                kind,
                categories,
                entries,
                longer_than_months,
                other_employer,
            } => {
                // `employer other_than host` reads the documents valid on the day (in a
                // finding, on `as_of`): a permit for a former employer is no breach.
                let valid = |d: &crate::case::Document| {
                    if *other_employer {
                        d.valid_on(day_or_as_of)
                    } else {
                        context.day.is_none_or(|day| d.valid_on(day))
                    }
                };
                let mut detail = None;
                let held: Vec<&crate::case::Document> = facts
                    .documents_of(*kind)
                    .filter(|d| {
                        valid(d)
                            && (categories.is_empty()
                                || d.category
                                    .as_ref()
                                    .is_some_and(|c| categories.iter().any(|x| x == c)))
                            && entries.is_none_or(|e| d.entries == Some(e))
                    })
                    .filter(|d| match longer_than_months {
                        Some(months) => match longer_than(d, *months) {
                            Some(words) => {
                                detail = detail.take().or(Some(words));
                                true
                            }
                            None => false,
                        },
                        None => true,
                    })
                    .collect();
                if held.is_empty() {
                    return (Truth::False, None);
                }
                if !*other_employer {
                    return (Truth::True, detail);
                }
                // Every permit valid on the day names an employer, and none is the host.
                let mut unknown = None;
                for d in &held {
                    match other_employer_of(d, facts.host.as_ref()) {
                        Truth::False => return (Truth::False, None),
                        Truth::Unknown(fact) => unknown = unknown.take().or(Some(fact)),
                        Truth::True => {}
                    }
                }
                if let Some(fact) = unknown {
                    return (Truth::Unknown(fact), None);
                }
                let employers: Vec<&str> =
                    held.iter().filter_map(|d| d.employer.as_deref()).collect();
                let host = facts
                    .host
                    .as_ref()
                    .and_then(|h| h.name.as_deref())
                    .unwrap_or_default();
                (
                    Truth::True,
                    Some(format!(
                        "the work permit valid on {day_or_as_of} was issued to {}; the host is {host}",
                        employers.join(", ")
                    )),
                )
            }
            Cond::CitizenOf { versions, .. } => {
                let members = versions
                    .iter()
                    .find(|(p, _)| p.contains(day_or_as_of))
                    .map(|(_, m)| m);
                let is =
                    members.is_some_and(|m| m.binary_search(&facts.person.citizenship).is_ok());
                (Truth::from_bool(is), None)
            }
            Cond::AgeUnder(n) => match facts.age_on(day_or_as_of) {
                Some(age) => (Truth::from_bool(age < *n), None),
                None => (Truth::Unknown(String::from("person.birth_date")), None),
            },
            Cond::StayLongerThan(n) => {
                let Some(stay) = facts.stay_containing(day_or_as_of) else {
                    return (Truth::False, None);
                };
                let Some(start) = stay.start else {
                    return (
                        Truth::Unknown(String::from("events[] (the entry of the stay)")),
                        None,
                    );
                };
                let length = |end: NaiveDate| (end - start).num_days() + 1;
                match facts.stay_end_or_planned(stay) {
                    Some(end) => (Truth::from_bool(length(end) > i64::from(*n)), None),
                    None if length(context.as_of) > i64::from(*n) => (Truth::True, None),
                    None => (
                        Truth::Unknown(String::from("planned_stay_days (or an exit event)")),
                        None,
                    ),
                }
            }
            Cond::DayOfStay(compare, n) => {
                let Some(stay) = facts.stay_containing(day_or_as_of) else {
                    return (Truth::False, None);
                };
                match stay.start {
                    Some(start) => {
                        let number = (day_or_as_of - start).num_days() + 1;
                        (Truth::from_bool(compare.holds(number, i64::from(*n))), None)
                    }
                    None => (
                        Truth::Unknown(String::from("events[] (the entry of the stay)")),
                        None,
                    ),
                }
            }
            Cond::After(kind) => {
                let stay = context.day.and_then(|d| facts.stay_containing(d));
                let found = facts.events.iter().any(|e| {
                    e.event.kind == *kind
                        && e.event.date <= day_or_as_of
                        && match context.day {
                            Some(_) => {
                                stay.is_some() && facts.stay_containing(e.event.date) == stay
                            }
                            None => true,
                        }
                });
                (Truth::from_bool(found), None)
            }
            Cond::WithoutBasis(id) => {
                let known = self
                    .bases_judged
                    .borrow()
                    .iter()
                    .find(|(k, _)| k == id)
                    .map(|(_, v)| v.clone());
                let answer = known.unwrap_or_else(|| {
                    let answer = self.without_basis(id);
                    self.bases_judged
                        .borrow_mut()
                        .push((id.clone(), answer.clone()));
                    answer
                });
                (answer.0, answer.1.filter(|_| words))
            }
            Cond::Purpose(values) => match facts.purpose {
                Some(p) => (Truth::from_bool(values.contains(&p)), None),
                None => (Truth::Unknown(String::from("purpose")), None),
            },
            Cond::HostKind(values) => match &facts.host {
                Some(h) => (Truth::from_bool(values.contains(&h.kind)), None),
                None => (Truth::Unknown(String::from("host.kind")), None),
            },
            Cond::HostSize(values) => match facts.host.as_ref().and_then(|h| h.size) {
                Some(s) => (Truth::from_bool(values.contains(&s)), None),
                None => (Truth::Unknown(String::from("host.size")), None),
            },
            Cond::HostForm(values) => match facts.host.as_ref().and_then(|h| h.form) {
                Some(f) => (Truth::from_bool(values.contains(&f)), None),
                None => (Truth::Unknown(String::from("host.form")), None),
            },
            Cond::DateBefore {
                left,
                left_plus,
                right,
                right_plus,
            } => {
                let latest = |kind: DocumentKind| {
                    facts.documents_of(kind).filter_map(|d| d.valid_until).max()
                };
                let (Some(l), Some(r)) = (latest(*left), latest(*right)) else {
                    return (Truth::False, None);
                };
                let shift = |d: NaiveDate, plus: &Option<(u32, PeriodUnit)>| match plus {
                    Some((n, PeriodUnit::Months)) => d.checked_add_months(Months::new(*n)),
                    Some((n, PeriodUnit::Days)) => d.checked_add_days(Days::new(u64::from(*n))),
                    None => Some(d),
                };
                let (Some(l2), Some(r2)) = (shift(l, left_plus), shift(r, right_plus)) else {
                    return (Truth::False, None);
                };
                let detail = words.then(|| {
                    format!(
                        "the {} ends on {l}, the {} on {r}",
                        left.as_str().replace('_', " "),
                        right.as_str().replace('_', " ")
                    )
                });
                (Truth::from_bool(l2 < r2), detail)
            }
            Cond::Measure {
                measure,
                window,
                compare,
                bound,
            } => self.measure(measure, *window, *compare, *bound, context, words),
        }
    }

    fn measure(
        &self,
        measure: &Measure,
        window: Option<Window>,
        compare: crate::vocab::Compare,
        bound: u32,
        context: Context,
        words: bool,
    ) -> (Truth, Option<String>) {
        let facts = self.facts;
        let as_of = context.as_of;
        let bound = i64::from(bound);
        match measure {
            Measure::BlankPagesOfPassport => {
                let vocabulary = &self.program.vocabulary;
                let passports: Vec<_> = facts
                    .person
                    .documents
                    .iter()
                    .filter(|d| vocabulary.document_is(d.kind, DocumentRole::Passport))
                    .collect();
                if passports.is_empty() {
                    return (Truth::False, None);
                }
                let current = passports
                    .iter()
                    .filter(|d| d.valid_on(as_of))
                    .chain(passports.iter())
                    .find_map(|d| d.blank_pages);
                match current {
                    Some(pages) => (
                        Truth::from_bool(compare.holds(i64::from(pages), bound)),
                        words.then(|| {
                            format!("{pages} blank page{}", if pages == 1 { "" } else { "s" })
                        }),
                    ),
                    None => (
                        Truth::Unknown(String::from("person.documents[].blank_pages (passport)")),
                        None,
                    ),
                }
            }
            Measure::LocalContentCategories12 | Measure::LocalContentCategories34 => {
                let Some(staff) = facts.host.as_ref().and_then(|h| h.staff) else {
                    return (Truth::Unknown(String::from("host.staff")), None);
                };
                let (count, categories) = if *measure == Measure::LocalContentCategories12 {
                    (staff.categories_1_2, "1 and 2")
                } else {
                    (staff.categories_3_4, "3 and 4")
                };
                let kazakhstan = i64::from(count.kazakhstan);
                let counted = kazakhstan + i64::from(count.foreign);
                let eaeu = if count.eaeu > 0 {
                    format!(
                        "; {} EAEU citizen{} not counted",
                        count.eaeu,
                        if count.eaeu == 1 { "" } else { "s" }
                    )
                } else {
                    String::new()
                };
                if counted == 0 {
                    // No one counted in these categories: there is no share to compare.
                    return (
                        Truth::False,
                        Some(format!(
                            "no employee of categories {categories} counted{eaeu}"
                        )),
                    );
                }
                let detail = format!(
                    "{kazakhstan} Kazakhstan citizen{} of {counted} employees of categories {categories} ({}%){eaeu}",
                    if kazakhstan == 1 { "" } else { "s" },
                    percent(kazakhstan, counted)
                );
                // share = 100 × kazakhstan / counted, compared exactly: both sides × counted.
                let holds = compare.holds(100 * kazakhstan, bound * counted);
                (Truth::from_bool(holds), Some(detail))
            }
            Measure::Employees => {
                let Some(staff) = facts.host.as_ref().and_then(|h| h.staff) else {
                    return (Truth::Unknown(String::from("host.staff")), None);
                };
                let total = i64::try_from(staff.total()).unwrap_or(i64::MAX);
                (
                    Truth::from_bool(compare.holds(total, bound)),
                    Some(format!("{total} employees in categories 1 to 4")),
                )
            }
            Measure::DaysInKazakhstan if matches!(window, Some(Window::LastDays(_))) => {
                let n = match window {
                    Some(Window::LastDays(n)) => n,
                    _ => 0,
                };
                let to = context.day.unwrap_or(as_of);
                let Some(from) = add_days(to, 1 - i64::from(n)) else {
                    return (Truth::False, None);
                };
                let days = i64::from(facts.days_in_kazakhstan(from, to, as_of.max(to)));
                let detail =
                    words.then(|| format!("{days} days in Kazakhstan from {from} to {to}"));
                let judged = Truth::from_bool(compare.holds(days, bound));
                // Days of a stay begun before the records are not known.
                if judged == Truth::True && compare_grows(compare) {
                    if let Some(exit) = facts.unknown_days_before(from, to) {
                        return (
                            Truth::Unknown(format!(
                                "events[] (the entry of the stay that ended on {exit})"
                            )),
                            detail,
                        );
                    }
                }
                (judged, detail)
            }
            Measure::DaysInKazakhstan => {
                let Some(first) = facts.stays.iter().find_map(|s| s.start.or(s.end)) else {
                    return (Truth::False, None);
                };
                let last = facts
                    .stays
                    .last()
                    .map_or(as_of, |s| s.end.unwrap_or(as_of).max(as_of).min(as_of));
                let last = last.max(first);
                let ends: Vec<NaiveDate> = facts
                    .stays
                    .iter()
                    .map(|s| s.end.unwrap_or(as_of).min(as_of))
                    .collect();
                let judged = self.windowed(
                    window,
                    (first, last),
                    &ends,
                    compare,
                    bound,
                    "days in Kazakhstan",
                    words,
                    |from, to| i64::from(facts.days_in_kazakhstan(from, to, as_of)),
                );
                // Days before the exit of a stay begun before the records are not known:
                // a count that does not reach the bound on the known days cannot decide.
                if judged.0 == Truth::False {
                    if let Some(exit) = facts.unknown_days_before(NaiveDate::MIN, last) {
                        return (
                            Truth::Unknown(format!(
                                "events[] (the entry of the stay that ended on {exit})"
                            )),
                            judged.1,
                        );
                    }
                }
                judged
            }
            Measure::RegionTripDaysOutsidePermitRegion => {
                let trips = self.region_trips(as_of);
                let trips = match trips {
                    Ok(t) => t,
                    Err(fact) => return (Truth::Unknown(fact), None),
                };
                let (Some(first), Some(last)) =
                    (trips.first().map(|t| t.0), trips.iter().map(|t| t.1).max())
                else {
                    return (Truth::False, None);
                };
                let ends: Vec<NaiveDate> = trips.iter().map(|t| t.1).collect();
                self.windowed(
                    window,
                    (first, last),
                    &ends,
                    compare,
                    bound,
                    "days on trips to other regions",
                    words,
                    |from, to| {
                        trips
                            .iter()
                            .map(|(a, b)| {
                                let s = (*a).max(from);
                                let e = (*b).min(to);
                                if e >= s {
                                    (e - s).num_days() + 1
                                } else {
                                    0
                                }
                            })
                            .sum()
                    },
                )
            }
            Measure::HostPenalties(article) => {
                let Some(host) = &facts.host else {
                    return (Truth::False, None);
                };
                let mut dates: Vec<NaiveDate> = host
                    .penalties
                    .iter()
                    .filter(|p| p.article.starts_with(article.as_str()))
                    .map(|p| p.date)
                    .collect();
                dates.sort();
                let (Some(first), Some(last)) = (dates.first().copied(), dates.last().copied())
                else {
                    return (Truth::False, None);
                };
                self.windowed(
                    window,
                    (first, last),
                    &dates,
                    compare,
                    bound,
                    "penalties",
                    words,
                    |from, to| {
                        i64::try_from(dates.iter().filter(|d| **d >= from && **d <= to).count())
                            .unwrap_or(i64::MAX)
                    },
                )
            }
        }
    }

    /// Trips to regions other than the work permit's: (departure, return or as_of).
    fn region_trips(&self, as_of: NaiveDate) -> Result<Vec<(NaiveDate, NaiveDate)>, String> {
        let mut trips = Vec::new();
        let events = &self.facts.events;
        for (i, e) in events.iter().enumerate() {
            let roles = self.facts.roles;
            if !roles.leaves_region(e.event.kind) {
                continue;
            }
            let back = events
                .iter()
                .skip(i + 1)
                .find(|r| {
                    let kind = r.event.kind;
                    roles.returns_from_region(kind)
                        || roles.closes(kind)
                        || roles.leaves_region(kind)
                })
                .map_or(as_of, |r| r.event.date);
            let permit = self
                .program
                .vocabulary
                .documents_with(DocumentRole::WorkPermit)
                .find_map(|kind| self.facts.document_valid_on(kind, e.event.date));
            let Some(permit) = permit else { continue };
            let Some(permit_region) = permit.region.as_deref() else {
                return Err(String::from("person.documents[].region (work permit)"));
            };
            let Some(region) = e.event.region.as_deref() else {
                return Err(format!("{}.region", e.path()));
            };
            if !region.eq_ignore_ascii_case(permit_region) {
                trips.push((e.event.date, back.max(e.event.date)));
            }
        }
        // A trip that goes on to another region shares its hand-over day with the next
        // one: count every day once.
        trips.sort();
        let mut merged: Vec<(NaiveDate, NaiveDate)> = Vec::with_capacity(trips.len());
        for (start, end) in trips {
            match merged.last_mut() {
                Some(last) if start <= last.1 => last.1 = last.1.max(end),
                _ => merged.push((start, end)),
            }
        }
        Ok(merged)
    }

    /// The largest value of a measure over the windows (the calendar years from `first`
    /// to `last`, or the runs of N months ending on one of `ends`), compared with the bound.
    #[allow(clippy::too_many_arguments)]
    fn windowed(
        &self,
        window: Option<Window>,
        (first, last): (NaiveDate, NaiveDate),
        ends: &[NaiveDate],
        compare: crate::vocab::Compare,
        bound: i64,
        what: &str,
        words: bool,
        value: impl Fn(NaiveDate, NaiveDate) -> i64,
    ) -> (Truth, Option<String>) {
        let last_day = self.as_of;
        let mut best: Option<(i64, NaiveDate, NaiveDate)> = None;
        let mut consider = |v: i64, from: NaiveDate, to: NaiveDate| {
            if best.is_none_or(|(b, _, _)| v > b) {
                best = Some((v, from, to));
            }
        };
        match window {
            Some(Window::CalendarYear) | None => {
                for year in first.year()..=last.year() {
                    let (Some(from), Some(to)) = (
                        NaiveDate::from_ymd_opt(year, 1, 1),
                        NaiveDate::from_ymd_opt(year, 12, 31),
                    ) else {
                        continue;
                    };
                    consider(value(from, to), from, to);
                }
            }
            Some(Window::LastDays(days)) => {
                let from = add_days(last_day, 1 - i64::from(days)).unwrap_or(NaiveDate::MIN);
                consider(value(from, last_day), from, last_day);
            }
            Some(Window::LastMonths(months)) => {
                // The N months before the day the case is judged on, and that day.
                let from = last_day
                    .checked_sub_months(Months::new(months))
                    .unwrap_or(NaiveDate::MIN);
                consider(value(from, last_day), from, last_day);
            }
            Some(Window::AnyMonths(months)) => {
                // A measure of days or events grows while its window's end moves through a
                // stay (or up to an event) and can only fall between them, so its largest
                // value is found among the windows that end on the given ends.
                for end in ends.iter().copied().filter(|e| *e >= first && *e <= last) {
                    let from = end
                        .checked_sub_months(Months::new(months))
                        .and_then(|d| d.succ_opt())
                        .unwrap_or(NaiveDate::MIN);
                    consider(value(from, end), from, end);
                }
            }
        }
        match best {
            Some((v, from, to)) => (
                Truth::from_bool(compare.holds(v, bound)),
                words.then(|| format!("{v} {what} from {from} to {to}")),
            ),
            None => (Truth::False, None),
        }
    }
}

/// A document valid for more than `months` months: `valid_until` after the day `months`
/// months after `valid_from` (a period counted in months ends on the same day of the last
/// month). With the detail, or `None` when it is not, or when either end is unknown.
fn longer_than(d: &crate::case::Document, months: u32) -> Option<String> {
    let (from, until) = (d.valid_from?, d.valid_until?);
    let limit = from.checked_add_months(Months::new(months))?;
    (until > limit).then(|| {
        format!(
            "the {} is valid from {from} until {until}, past {limit}",
            d.kind.as_str().replace('_', " ")
        )
    })
}

/// Whether a document's `employer` is not the host: `False` when the document names no
/// employer; `Unknown` when the host or its name is not given.
fn other_employer_of(d: &crate::case::Document, host: Option<&crate::case::Host>) -> Truth {
    let Some(employer) = d.employer.as_deref() else {
        return Truth::False;
    };
    match host.and_then(|h| h.name.as_deref()) {
        Some(name) => Truth::from_bool(same_name_key(employer) != same_name_key(name)),
        None => Truth::Unknown(String::from("host.name")),
    }
}

/// A name as compared: letters and digits only, lower case, one space between words, so
/// that quotes, punctuation and spacing do not make two names differ.
fn same_name_key(name: &str) -> String {
    name.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// `part` of `whole` in percent, to one decimal (`whole` > 0).
fn percent(part: i64, whole: i64) -> String {
    let tenths = (part * 1000 + whole / 2) / whole;
    if tenths % 10 == 0 {
        format!("{}", tenths / 10)
    } else {
        format!("{}.{}", tenths / 10, tenths % 10)
    }
}
