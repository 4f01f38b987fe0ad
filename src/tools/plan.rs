//! The trip planner (`kzrules plan`): planned trips are added to a case as entry and exit
//! events and the same evaluator judges them. The allowance on a trip's entry day gives
//! each limit's latest exit; the result judged on the case's own day gives the duties the
//! trips create, with their due days.

use chrono::{Days, NaiveDate};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::case::{prepare, Case, CaseError, Event};
use crate::eval::result::{Allowance, Bearer, CheckResult, Citations};
use crate::eval::{evaluate, EvalError};
use crate::ir::Program;
use crate::vocab::EventKind;

/// One planned trip: an entry and, when known, the exit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trip {
    /// The planned day of entry.
    pub enter: NaiveDate,
    /// The planned day of exit; `None`: as long as the law allows.
    pub leave: Option<NaiveDate>,
}

/// Why trips cannot be planned: the input is wrong.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// A trip's exit before its entry, trips out of order or overlapping, a trip before
    /// the case's judging day.
    #[error("{0}")]
    Trips(String),
    /// The case with the trips added is not a valid case (e.g. the person is still inside
    /// on the planned entry day).
    #[error("the case with the planned trips is not valid: {}", .0.one_line())]
    Case(CaseError),
    /// The evaluator refused the case.
    #[error(transparent)]
    Eval(#[from] EvalError),
}

/// What the planner says about a set of trips (the JSON of `kzrules plan`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PlanResult {
    /// The case's id.
    pub case: String,
    /// The day the case is judged on; planned trips begin on or after it.
    pub as_of: NaiveDate,
    /// Whether every trip is lawful as planned.
    pub lawful: bool,
    /// One verdict per trip, in date order.
    pub trips: Vec<TripVerdict>,
}

/// One planned trip, judged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TripVerdict {
    /// The planned day of entry.
    pub enter: NaiveDate,
    /// The planned day of exit: as given, or (none given) the latest lawful exit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leave: Option<NaiveDate>,
    /// Whether the exit was given (`false`: the trip was planned to the latest exit).
    pub leave_given: bool,
    /// Whether the trip is lawful as planned.
    pub lawful: bool,
    /// The longest lawful stay from the entry, in days (entry and exit days counted);
    /// absent when no stay limit applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub longest_stay_days: Option<i64>,
    /// The last day on which the person may leave; absent when no stay limit applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_exit: Option<NaiveDate>,
    /// When the trip as planned breaks a limit: the first day over it, and which.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breaks: Option<Breach>,
    /// The stay limits on the day of entry.
    pub allowance: Vec<Allowance>,
    /// The duties the trip creates, with their due days, in due order.
    pub duties: Vec<PlannedDuty>,
}

/// The first day a trip is over a limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Breach {
    /// The first day over the limit.
    pub first_day: NaiveDate,
    /// The catalog id of the rule.
    pub rule: String,
    /// The limit in words.
    pub limit: String,
    /// The legal sources of the limit.
    pub citations: Citations,
}

/// A duty a planned trip creates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PlannedDuty {
    /// The catalog id of the rule.
    pub rule: String,
    /// Who must act.
    pub bearer: Bearer,
    /// Who must act, by name where the case gives one ("Hotel Almaty (the host)").
    pub who: String,
    /// What must be done.
    pub action: String,
    /// What starts it: the event kind (or document end) and its day.
    pub trigger: String,
    /// The last day on which the duty is met in time.
    pub due: NaiveDate,
    /// For the duty to leave: whether the planned exit is in time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub planned_exit_in_time: Option<bool>,
    /// The legal sources of the duty.
    pub citations: Citations,
}

impl PlanResult {
    /// The exit status of `kzrules plan`: 0 lawful, 1 not lawful.
    pub fn exit_code(&self) -> u8 {
        u8::from(!self.lawful)
    }
}

fn planned_event(kind: EventKind, date: NaiveDate) -> Event {
    Event {
        id: None,
        kind,
        date,
        time: None,
        region: None,
        r#for: None,
        meta: Some(serde_json::json!({"planned": true})),
    }
}

fn with_events(
    program: &Program,
    case: &Case,
    events: &[Event],
) -> Result<crate::case::Facts, PlanError> {
    let mut case = case.clone();
    case.events.extend(events.iter().cloned());
    prepare(case, &program.vocabulary).map_err(PlanError::Case)
}

/// Judge planned trips: the case with their entries and exits added, judged by the
/// same evaluator. `as_of` is the case's judging day; trips must begin on or after it,
/// in date order, without overlapping.
pub fn plan(
    program: &Program,
    case: &Case,
    as_of: NaiveDate,
    trips: &[Trip],
) -> Result<PlanResult, PlanError> {
    let mut previous: Option<NaiveDate> = None;
    for trip in trips {
        if trip.enter < as_of {
            return Err(PlanError::Trips(format!(
                "the trip entering on {} begins before the judging day {as_of}: plan trips from {as_of} on (or judge on an earlier day with --as-of)",
                trip.enter
            )));
        }
        if let Some(leave) = trip.leave {
            if leave < trip.enter {
                return Err(PlanError::Trips(format!(
                    "the trip entering on {} leaves on {leave}, before it enters: give an exit on or after the entry",
                    trip.enter
                )));
            }
        }
        if let Some(p) = previous {
            if trip.enter < p {
                return Err(PlanError::Trips(format!(
                    "the trip entering on {} begins before the previous trip ends ({p}): give trips in date order, each after the last one's exit",
                    trip.enter
                )));
            }
        }
        previous = Some(trip.leave.unwrap_or(NaiveDate::MAX));
    }
    let roles = program.vocabulary.event_roles();
    let (Some(entry), Some(exit)) = (roles.opens_stay, roles.closes_stay) else {
        return Err(PlanError::Trips(String::from(
            "the rule set's vocabulary has no event with `role opens_stay` or `role closes_stay`",
        )));
    };
    let mut events: Vec<Event> = Vec::new();
    let mut verdicts = Vec::new();
    for trip in trips {
        events.push(planned_event(entry, trip.enter));
        // The allowance on the day of entry, the trips before counted.
        let facts = with_events(program, case, &events)?;
        let on_entry = evaluate(program, &facts, trip.enter)?;
        let allowance = on_entry.allowance;
        let binding = allowance
            .iter()
            .filter_map(|a| a.latest_exit.map(|l| (l, a)))
            .min_by_key(|(l, _)| *l);
        let latest_exit = binding.map(|(l, _)| l);
        let longest_stay_days = latest_exit.map(|l| ((l - trip.enter).num_days() + 1).max(0));
        let (leave, leave_given) = match (trip.leave, latest_exit) {
            (Some(l), _) => (Some(l), true),
            (None, Some(l)) if l >= trip.enter => (Some(l), false),
            (None, _) => (None, false),
        };
        let breaks = match (binding, leave) {
            (Some((last, a)), Some(l)) if l > last || last < trip.enter => {
                let first_day = last
                    .checked_add_days(Days::new(1))
                    .unwrap_or(last)
                    .max(trip.enter);
                Some(Breach {
                    first_day,
                    rule: a.rule.clone(),
                    limit: a.limit.clone(),
                    citations: a.citations.clone(),
                })
            }
            (Some((last, a)), None) if last < trip.enter => Some(Breach {
                first_day: trip.enter,
                rule: a.rule.clone(),
                limit: a.limit.clone(),
                citations: a.citations.clone(),
            }),
            _ => None,
        };
        if let Some(l) = leave {
            events.push(planned_event(exit, l));
        }
        verdicts.push(TripVerdict {
            enter: trip.enter,
            leave,
            leave_given,
            lawful: breaks.is_none(),
            longest_stay_days,
            latest_exit,
            breaks,
            allowance,
            duties: Vec::new(),
        });
    }
    // The duties: the whole plan judged on the case's day.
    let facts = with_events(program, case, &events)?;
    let result = evaluate(program, &facts, as_of)?;
    for verdict in &mut verdicts {
        verdict.duties = duties_of_trip(&result, verdict.enter, verdict.leave);
    }
    Ok(PlanResult {
        case: case.case.clone(),
        as_of,
        lawful: verdicts.iter().all(|v| v.lawful),
        trips: verdicts,
    })
}

/// The obligations triggered from a trip's entry to its exit (or from its entry on,
/// for an open trip).
fn duties_of_trip(
    result: &CheckResult,
    enter: NaiveDate,
    leave: Option<NaiveDate>,
) -> Vec<PlannedDuty> {
    result
        .obligations
        .iter()
        .filter(|o| o.trigger.date >= enter && leave.is_none_or(|l| o.trigger.date <= l))
        .map(|o| PlannedDuty {
            rule: o.rule.clone(),
            bearer: o.bearer,
            who: crate::report::text::who(o, &result.parties),
            action: o.action.clone(),
            trigger: o.trigger.words(),
            due: o.due,
            planned_exit_in_time: (o.trigger.event == "entry"
                && o.fulfilled_on.is_some()
                && leave.is_some()
                && o.fulfilled_on == leave)
                .then_some(o.status == crate::eval::result::Status::Met),
            citations: o.citations.clone(),
        })
        .collect()
}

/// The plan in words, for people.
pub fn text(plan: &PlanResult) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "case {} (as of {}): {}",
        plan.case,
        plan.as_of,
        if plan.lawful {
            "the plan is lawful"
        } else {
            "the plan is NOT lawful"
        }
    );
    for t in &plan.trips {
        let _ = write!(out, "\ntrip: enter {}", t.enter);
        match (t.leave, t.leave_given) {
            (Some(l), true) => {
                let _ = write!(out, ", leave {l} ({} days)", (l - t.enter).num_days() + 1);
            }
            (Some(l), false) => {
                let _ = write!(out, ", planned to the latest lawful exit {l}");
            }
            (None, _) => {}
        }
        let _ = writeln!(out, ": {}", if t.lawful { "lawful" } else { "NOT lawful" });
        if let Some(b) = &t.breaks {
            let _ = writeln!(
                out,
                "  breaks {} ({}) from {}",
                b.limit, b.rule, b.first_day
            );
            let _ = writeln!(out, "    {}", crate::report::text::cite(&b.citations));
        }
        match (t.longest_stay_days, t.latest_exit) {
            (Some(days), Some(exit)) if days > 0 => {
                let _ = writeln!(
                    out,
                    "  longest lawful stay from {}: {days} day{}, latest exit {exit}",
                    t.enter,
                    if days == 1 { "" } else { "s" }
                );
            }
            (Some(_), Some(_)) => {
                let _ = writeln!(out, "  no lawful stay is possible from {}", t.enter);
            }
            _ => {
                let _ = writeln!(out, "  no stay limit applies to this entry");
            }
        }
        for a in &t.allowance {
            let _ = writeln!(
                out,
                "  limit {}: {}",
                a.rule,
                crate::report::text::allowance_text(a)
            );
        }
        if !t.duties.is_empty() {
            let _ = writeln!(out, "  duties the trip creates:");
        }
        for d in &t.duties {
            let exit = match d.planned_exit_in_time {
                Some(true) => " (the planned exit is in time)",
                Some(false) => " (the planned exit is LATE)",
                None => "",
            };
            let _ = writeln!(
                out,
                "    by {}, {}: {}{exit} [{}, after the {}]",
                d.due, d.who, d.action, d.rule, d.trigger
            );
            let _ = writeln!(out, "      {}", crate::report::text::cite(&d.citations));
        }
    }
    out
}
