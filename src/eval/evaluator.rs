//! The evaluator: runs a compiled [`Program`] over one case's [`Facts`].
//!
//! For every rule version in force on a trigger's day it finds the duties that apply,
//! counts their deadlines on the calendar, tries the exceptions, pairs the duty with
//! the event that fulfils it, and judges it on the `as_of` day. Findings are judged
//! on the whole case. With tracing on, each result carries its derivation for
//! `kzrules explain`.

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::Serialize;

use crate::calendar::{calendar_days_before, within_calendar_days, CalendarError, SkippedDay};
use crate::case::Facts;
use crate::eval::result::{
    Bearer, CheckResult, Exemption, FactNeeded, Finding, Obligation, Penalty, Status, Trigger,
};
use crate::ir::{Cond, Duty, Fine, Limit, Measure, PenaltyCond, Program, Rule, Start};
use crate::vocab::{DocumentKind, EventKind};
use crate::vocab::{PeriodUnit, Unit, Window};

/// Why a case could not be judged.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum EvalError {
    /// A deadline falls in a year the calendar has no data for.
    #[error("case `{case}`: {source}")]
    #[diagnostic(code(kzrules::calendar::out_of_range), help("{help}"))]
    Calendar {
        /// The case id.
        case: String,
        /// The calendar's error.
        source: Box<CalendarError>,
        /// What to do.
        help: String,
    },
}

impl EvalError {
    /// The error's stable code (docs/errors.md), as its diagnostic gives it.
    pub fn code(&self) -> &'static str {
        match self {
            EvalError::Calendar { .. } => "kzrules::calendar::out_of_range",
        }
    }
}

/// How one result was derived, for `kzrules explain`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    /// `obligation`, `exemption`, `finding` or `fact_needed`.
    pub kind: String,
    /// The rule's id.
    pub rule: String,
    /// The rule's title and its period in force.
    pub title: String,
    /// The derivation, step by step.
    pub steps: Vec<String>,
    /// The parts of the rules this result exercised, for test coverage:
    /// `RULE#V/duty#N`, `RULE#V/exception#N`, `RULE#V/finding#N`,
    /// `penalty SCHEDULE#V/branch#N`, where V numbers the versions of the rule or
    /// schedule from 0, the earliest.
    pub covered: Vec<String>,
}

/// Options of one evaluation.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Record the derivation of each result.
    pub trace: bool,
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
    steps: Vec<String>,
    covered: Vec<String>,
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
        result: CheckResult {
            case: facts.case.clone(),
            as_of,
            obligations: Vec::new(),
            exemptions: Vec::new(),
            findings: Vec::new(),
            facts_needed: Vec::new(),
            receipt: None,
        },
        explanations: Vec::new(),
        drafts: Vec::new(),
    };
    for rule in &program.rules {
        run.duties_of(rule)?;
    }
    run.fulfil();
    for rule in program.rules.iter().filter(|r| r.period.contains(as_of)) {
        run.findings_of(rule);
    }
    run.result
        .obligations
        .sort_by(|a, b| (a.due, &a.trigger.date, &a.rule).cmp(&(b.due, &b.trigger.date, &b.rule)));
    run.result.facts_needed.dedup();
    Ok((run.result, run.explanations))
}

struct Run<'p, 'f> {
    program: &'p Program,
    facts: &'f Facts,
    as_of: NaiveDate,
    trace: bool,
    result: CheckResult,
    explanations: Vec<Explanation>,
    drafts: Vec<Draft<'p>>,
}

fn add_days(date: NaiveDate, n: i64) -> Option<NaiveDate> {
    if n >= 0 {
        date.checked_add_days(Days::new(n.unsigned_abs()))
    } else {
        date.checked_sub_days(Days::new(n.unsigned_abs()))
    }
}

fn title_of(rule: &Rule) -> String {
    format!("{} (in force {})", rule.title, rule.period.describe())
}

impl<'p> Run<'p, '_> {
    fn explain(&mut self, kind: &str, rule: &Rule, steps: Vec<String>, covered: Vec<String>) {
        if self.trace {
            self.explanations.push(Explanation {
                kind: kind.to_string(),
                rule: rule.id.clone(),
                title: title_of(rule),
                steps,
                covered,
            });
        }
    }

    /// `RULE#V`: the rule's id and the number of its version (0 the earliest), for
    /// coverage ids.
    fn version_id(&self, rule: &Rule) -> String {
        let version = self
            .program
            .rules
            .iter()
            .take_while(|r| !std::ptr::eq(*r, rule))
            .filter(|r| r.id == rule.id)
            .count();
        format!("{}#{version}", rule.id)
    }

    /// The facts of the case as they stand on a day, in one line, for `explain`.
    fn facts_on(&self, day: NaiveDate) -> String {
        let facts = self.facts;
        let mut parts = vec![format!("citizenship {}", facts.person.citizenship)];
        if let Some(birth) = facts.person.birth_date {
            let age = facts
                .age_on(day)
                .map_or(String::new(), |a| format!(", {a} years old on {day}"));
            parts.push(format!("born {birth}{age}"));
        }
        if let Some(purpose) = facts.purpose {
            parts.push(format!("purpose {}", purpose.as_str()));
        }
        if let Some(host) = &facts.host {
            parts.push(format!(
                "host {}{}",
                host.kind.as_str(),
                host.size
                    .map_or(String::new(), |s| format!(" ({})", s.as_str()))
            ));
        }
        let documents: Vec<String> = facts
            .person
            .documents
            .iter()
            .filter(|d| d.valid_on(day))
            .map(|d| {
                let mut words = d.kind.as_str().replace('_', " ");
                if let Some(category) = &d.category {
                    words.push_str(&format!(" {category}"));
                }
                if let Some(entries) = d.entries {
                    words.push_str(&format!(" {}-entry", entries.as_str()));
                }
                if let Some(until) = d.valid_until {
                    words.push_str(&format!(" until {until}"));
                }
                words
            })
            .collect();
        parts.push(if documents.is_empty() {
            format!("no document valid on {day}")
        } else {
            format!("valid on {day}: {}", documents.join(", "))
        });
        if let Some(stay) = facts.stay_containing(day) {
            let start = stay
                .start
                .map_or(String::from("before the records"), |s| s.to_string());
            let end = match (stay.end, facts.stay_end_or_planned(stay)) {
                (Some(exit), _) => format!("exit {exit}"),
                (None, Some(planned)) => format!("planned to {planned}"),
                (None, None) => String::from("no exit known"),
            };
            parts.push(format!("stay from {start}, {end}"));
        }
        format!("facts: {}", parts.join("; "))
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
                    steps: vec![format!("`{}` is needed: {}", item.fact, item.reason)],
                    covered: Vec::new(),
                });
            }
            self.result.facts_needed.push(item);
        }
    }

    fn calendar_error(&self, source: CalendarError) -> EvalError {
        EvalError::Calendar {
            case: self.facts.case.clone(),
            help: String::from(
                "add the year's holidays, Kurban Ait date and decree transfers (docs/calendar.md, \"How to add a year\")",
            ),
            source: Box::new(source),
        }
    }

    /// Every trigger of a rule version: events of its duties' kinds, and ends of documents.
    fn duties_of(&mut self, rule: &'p Rule) -> Result<(), EvalError> {
        if rule.duties.is_empty() {
            return Ok(());
        }
        let mut event_kinds: Vec<EventKind> = Vec::new();
        let mut expiry_kinds: Vec<DocumentKind> = Vec::new();
        for duty in &rule.duties {
            match &duty.trigger {
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
            steps.push(format!(
                "trigger: {}{}",
                trigger.words(),
                trigger
                    .id
                    .as_ref()
                    .map(|i| format!(" (id `{i}`)"))
                    .unwrap_or_default()
            ));
            steps.push(format!("rule version in force {}", rule.period.describe()));
            steps.push(self.facts_on(day));
        }
        for cond in &rule.when {
            match self.truth(cond, context) {
                Truth::True => {
                    if self.trace {
                        steps.push(format!(
                            "condition holds: {}",
                            crate::compile::describe_condition(cond)
                        ));
                    }
                }
                Truth::False => {
                    if self.trace {
                        steps.push(format!(
                            "condition does not hold: {}",
                            crate::compile::describe_condition(cond)
                        ));
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
                            steps.push(format!(
                                "duty applies: {}",
                                crate::compile::describe_condition(c)
                            ));
                        }
                    }
                    applicable.push(duty);
                    if self.trace {
                        covered.push(format!("{}/duty#{index}", self.version_id(rule)));
                    }
                }
                Truth::False => {
                    if self.trace {
                        if let Some(c) = &duty.when {
                            steps.push(format!(
                                "duty does not apply: not {}",
                                crate::compile::describe_condition(c)
                            ));
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
                steps.push(String::from("no duty applies"));
                self.explain("not_applicable", rule, steps, Vec::new());
            }
            return Ok(());
        };
        let fulfilment = first.fulfilment;

        // The due day: the earliest of every applicable deadline.
        let mut due: Option<NaiveDate> = None;
        for duty in &applicable {
            for limit in &duty.limits {
                if let Some(d) = self.limit(rule, *limit, day, &mut steps)? {
                    due = Some(due.map_or(d, |e| e.min(d)));
                }
            }
        }
        let Some(mut due) = due else {
            return Ok(());
        };
        for extension in &rule.extensions {
            if due >= extension.from && due <= extension.to {
                if self.trace {
                    steps.push(format!(
                        "amnesty: due day {due} falls from {} to {}, moved to {} ({})",
                        extension.from, extension.to, extension.until, extension.reason
                    ));
                }
                due = extension.until;
            }
        }
        if self.trace {
            steps.push(format!("due: {due}"));
        }

        // Exceptions, on the trigger's day and on the due day.
        for (index, exception) in rule.exceptions.iter().enumerate() {
            let mut holds = self.truth(&exception.condition, context);
            if holds != Truth::True {
                let at_due = self.truth(
                    &exception.condition,
                    Context {
                        day: Some(due),
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
                        steps.push(format!("exception applies: {}", exception.reason));
                        covered.push(format!("{}/exception#{index}", self.version_id(rule)));
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
                        steps.push(format!("exception does not apply: {}", exception.reason));
                    }
                }
                Truth::Unknown(fact) => {
                    if self.trace {
                        steps.push(format!(
                            "exception undecided for want of `{fact}`: {} (the duty is kept)",
                            exception.reason
                        ));
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
            steps,
            covered,
        });
        Ok(())
    }

    /// The last day allowed by one deadline, counted from the trigger's day.
    fn limit(
        &mut self,
        rule: &Rule,
        limit: Limit,
        day: NaiveDate,
        steps: &mut Vec<String>,
    ) -> Result<Option<NaiveDate>, EvalError> {
        let trace = self.trace;
        let skipped_text = |skipped: &[SkippedDay]| -> String {
            if skipped.is_empty() {
                String::from("no day skipped")
            } else {
                let list: Vec<String> = skipped
                    .iter()
                    .map(|s| format!("{} ({})", s.date, s.reason))
                    .collect();
                format!("skipped {}", list.join(", "))
            }
        };
        match limit {
            Limit::Within {
                n,
                unit: Unit::BusinessDays,
            } => {
                let count = self
                    .program
                    .calendar
                    .within_business_days(day, n)
                    .map_err(|e| self.calendar_error(e))?;
                if trace {
                    let counted: Vec<String> = count
                        .counted
                        .iter()
                        .enumerate()
                        .map(|(i, d)| format!("day {} {} ({})", i + 1, d, d.weekday()))
                        .collect();
                    steps.push(format!(
                        "within {n} business days of {day}: {}; {}; last day {}",
                        counted.join(", "),
                        skipped_text(&count.skipped),
                        count.due
                    ));
                }
                Ok(Some(count.due))
            }
            Limit::Within {
                n,
                unit: Unit::CalendarDays,
            } => {
                let due = within_calendar_days(day, n);
                if trace {
                    if let Some(d) = due {
                        steps.push(format!(
                            "within {n} calendar days of {day} (day 1): last day {d}"
                        ));
                    }
                }
                Ok(due)
            }
            Limit::Before {
                n,
                unit: Unit::BusinessDays,
            } => {
                let count = self
                    .program
                    .calendar
                    .business_days_before(day, n)
                    .map_err(|e| self.calendar_error(e))?;
                if trace {
                    steps.push(format!(
                        "no later than {n} business days before {day}: {}; last day {}",
                        skipped_text(&count.skipped),
                        count.due
                    ));
                }
                Ok(Some(count.due))
            }
            Limit::Before {
                n,
                unit: Unit::CalendarDays,
            } => {
                let due = calendar_days_before(day, n);
                if trace {
                    if let Some(d) = due {
                        steps.push(format!(
                            "no later than {n} calendar days before {day}: last day {d}"
                        ));
                    }
                }
                Ok(due)
            }
            Limit::ByExpiry(kind) => {
                let end = self.document_chain_end(kind, day);
                if trace {
                    match end {
                        Some(e) => steps.push(format!(
                            "by the end of the {} valid on {day}: {e}",
                            kind.as_str().replace('_', " ")
                        )),
                        None => steps.push(format!(
                            "no {} with an end date valid on {day}",
                            kind.as_str().replace('_', " ")
                        )),
                    }
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
                Ok(end)
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
                        steps.push(format!(
                            "at most {days} days in Kazakhstan in any {window} days: the last day within the limit is {d}"
                        ));
                    }
                }
                Ok(last)
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

    /// The last day D from `start` on such that on every day from `start` to D, the days
    /// in Kazakhstan in the `window` days ending that day are at most `days` (the stay
    /// that begins on `start` counted as going on).
    fn rolling_last_day(&self, start: NaiveDate, days: u32, window: u32) -> Option<NaiveDate> {
        let before = add_days(start, -1)?;
        let mut day = start;
        // Each day of the stay adds one day, so the limit is passed within `days + 1` days.
        for offset in 0..=i64::from(days) {
            day = add_days(start, offset)?;
            let window_start = add_days(day, 1 - i64::from(window))?;
            let earlier = self.facts.days_in_kazakhstan(window_start, before, before);
            let in_window = i64::from(earlier) + offset + 1;
            if in_window > i64::from(days) {
                return add_days(day, -1);
            }
        }
        Some(day)
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
        let mut used = vec![false; self.facts.events.len()];
        for draft in drafts {
            let fulfilled = self.fulfilment_for(&draft, &mut used);
            self.judge(draft, fulfilled);
        }
    }

    fn fulfilment_for(&self, draft: &Draft<'_>, used: &mut [bool]) -> Option<(NaiveDate, usize)> {
        let events = &self.facts.events;
        if draft.fulfilment == EventKind::Exit {
            // Leaving fulfils every duty to leave of the stay it closes.
            let stay = self.facts.stay_containing(draft.trigger.date)?;
            let exit = stay.exit?;
            return events.get(exit).map(|e| (e.event.date, exit));
        }
        // An event that names the trigger with `for`.
        if let Some(trigger) = draft.trigger_event {
            if let Some((i, e)) = events
                .iter()
                .enumerate()
                .find(|(_, e)| e.answers == Some(trigger) && e.event.kind == draft.fulfilment)
            {
                if let Some(u) = used.get_mut(i) {
                    *u = true;
                }
                return Some((e.event.date, i));
            }
        }
        // Otherwise the earliest unused one on or after the trigger.
        let after = match draft.trigger_event {
            Some(_) => draft.trigger.date,
            None => draft.earliest_fulfilment,
        };
        let (i, e) = events.iter().enumerate().find(|(i, e)| {
            e.event.kind == draft.fulfilment
                && e.answers.is_none()
                && e.event.r#for.is_none()
                && e.event.date >= after
                && !used.get(*i).copied().unwrap_or(true)
        })?;
        if let Some(u) = used.get_mut(i) {
            *u = true;
        }
        Some((e.event.date, i))
    }

    fn judge(&mut self, draft: Draft<'p>, fulfilled: Option<(NaiveDate, usize)>) {
        let Draft {
            rule,
            trigger,
            due,
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
                    steps.push(format!("fulfilled on {date} by {path}"));
                }
                if date <= due {
                    (Status::Met, 0, Some(date))
                } else {
                    (Status::Late, (date - due).num_days(), Some(date))
                }
            }
            None => {
                if self.trace {
                    steps.push(String::from("no fulfilling event in the case"));
                }
                if self.as_of <= due {
                    (Status::Open, 0, None)
                } else {
                    (Status::Overdue, (self.as_of - due).num_days(), None)
                }
            }
        };
        if self.trace {
            steps.push(format!(
                "status on {}: {}, {days_late} day{} late",
                self.as_of,
                status.as_str(),
                if days_late == 1 { "" } else { "s" }
            ));
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
            citations: rule.citations.clone(),
        });
    }

    /// The penalty for a duty late by `days_late` days after `due`.
    fn penalty(
        &mut self,
        rule: &Rule,
        due: NaiveDate,
        days_late: i64,
        steps: &mut Vec<String>,
        covered: &mut Vec<String>,
    ) -> Option<Penalty> {
        let id = rule.penalty.as_deref()?;
        let violation = due.succ_opt().unwrap_or(due);
        let Some(schedule) = self.program.penalty_schedule(id, violation) else {
            if self.trace {
                steps.push(format!(
                    "no version of penalty `{id}` in force on {violation}"
                ));
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
                covered.push(format!(
                    "penalty {}#{}/branch#{index}",
                    schedule.id,
                    self.program
                        .penalties
                        .get(&schedule.id)
                        .and_then(|v| v.iter().position(|x| std::ptr::eq(x, schedule)))
                        .unwrap_or(0)
                ));
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
        if mci.is_none() && fine_mci != [0, 0] {
            self.need(
                rule,
                String::from("mci"),
                format!("no MCI value in force on {violation}: add one to `parameter mci`"),
            );
        }
        let kzt = |n: u32| u64::from(n) * u64::from(mci_kzt.unwrap_or(0));
        if self.trace {
            let host_words = match host {
                Some(h) => format!(
                    "host {} of size {}",
                    h.kind.as_str(),
                    h.size.map_or("not given", |s| s.as_str())
                ),
                None => String::from("no host given"),
            };
            let earlier: Vec<String> = records
                .iter()
                .filter(|p| p.date < violation)
                .map(|p| format!("art. {} on {}", p.article, p.date))
                .collect();
            steps.push(format!(
                "penalty facts: {host_words}; earlier penalties of the {}: {}",
                rule.bearer.as_str(),
                if earlier.is_empty() {
                    String::from("none")
                } else {
                    earlier.join(", ")
                }
            ));
            steps.push(format!(
                "penalty: schedule `{}` ({}), violation on {violation}, {days_late} day{} late: article {}{}{}",
                schedule.id,
                schedule.period.describe(),
                if days_late == 1 { "" } else { "s" },
                branch.article,
                if branch.warning { ", warning" } else { "" },
                if fine_mci == [0, 0] {
                    String::new()
                } else {
                    let mci_words = if fine_mci[0] == fine_mci[1] {
                        fine_mci[0].to_string()
                    } else {
                        format!("{} to {}", fine_mci[0], fine_mci[1])
                    };
                    format!(
                        ", fine {mci_words} MCI x {} tenge (the MCI in force on {violation})",
                        mci_kzt.map_or(String::from("?"), |m| m.to_string())
                    )
                }
            ));
        }
        Some(Penalty {
            article: branch.article.clone(),
            warning: branch.warning,
            fine_mci,
            fine_kzt: [kzt(fine_mci[0]), kzt(fine_mci[1])],
            mci_kzt,
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
                        let mut steps = vec![format!(
                            "condition holds on {}: {}",
                            self.as_of,
                            crate::compile::describe_condition(&finding.condition)
                        )];
                        if let Some(d) = &detail {
                            steps.push(d.clone());
                        }
                        self.explain(
                            "finding",
                            rule,
                            steps,
                            vec![format!("{}/finding#{index}", self.version_id(rule))],
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
        self.truth_detail(cond, context).0
    }

    /// A condition's truth, with the measured value where there is one.
    fn truth_detail(&self, cond: &Cond, context: Context) -> (Truth, Option<String>) {
        let facts = self.facts;
        let day_or_as_of = context.day.unwrap_or(context.as_of);
        match cond {
            Cond::Or(parts) => {
                let mut unknown = None;
                for p in parts {
                    match self.truth_detail(p, context) {
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
                    match self.truth_detail(p, context) {
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
            } => {
                let held = facts.documents_of(*kind).any(|d| {
                    context.day.is_none_or(|day| d.valid_on(day))
                        && (categories.is_empty()
                            || d.category
                                .as_ref()
                                .is_some_and(|c| categories.iter().any(|x| x == c)))
                        && entries.is_none_or(|e| d.entries == Some(e))
                });
                (Truth::from_bool(held), None)
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
                let detail = format!(
                    "the {} ends on {l}, the {} on {r}",
                    left.as_str().replace('_', " "),
                    right.as_str().replace('_', " ")
                );
                (Truth::from_bool(l2 < r2), Some(detail))
            }
            Cond::Measure {
                measure,
                window,
                compare,
                bound,
            } => self.measure(measure, *window, *compare, *bound, context),
        }
    }

    fn measure(
        &self,
        measure: &Measure,
        window: Option<Window>,
        compare: crate::vocab::Compare,
        bound: u32,
        context: Context,
    ) -> (Truth, Option<String>) {
        let facts = self.facts;
        let as_of = context.as_of;
        let bound = i64::from(bound);
        match measure {
            Measure::BlankPagesOfPassport => {
                let passports: Vec<_> = facts.documents_of(DocumentKind::Passport).collect();
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
                        Some(format!(
                            "{pages} blank page{}",
                            if pages == 1 { "" } else { "s" }
                        )),
                    ),
                    None => (
                        Truth::Unknown(String::from("person.documents[].blank_pages (passport)")),
                        None,
                    ),
                }
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
            if e.event.kind != EventKind::RegionTrip {
                continue;
            }
            let back = events
                .iter()
                .skip(i + 1)
                .find(|r| {
                    matches!(
                        r.event.kind,
                        EventKind::Return | EventKind::Exit | EventKind::RegionTrip
                    )
                })
                .map_or(as_of, |r| r.event.date);
            let permit = self
                .facts
                .document_valid_on(DocumentKind::WorkPermit, e.event.date);
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
                Some(format!("{v} {what} from {from} to {to}")),
            ),
            None => (Truth::False, None),
        }
    }
}
