//! Derivations in words: the typed steps of `eval::trace` as `kzrules explain` prints
//! them, in text and in JSON.

use chrono::Datelike as _;
use serde::Serialize;
use serde_json::json;

use crate::eval::result::CheckResult;
use crate::eval::trace::{ExceptionOutcome, Explanation, FactsOnDay, StayEnd, Step};
use crate::ir::coverage::CoverageId;
use crate::ir::words::condition_words;
use crate::report::text::cite;

/// One step in words.
pub fn step_words(step: &Step) -> String {
    match step {
        Step::Trigger(trigger) => format!(
            "trigger: {}{}",
            trigger.words(),
            trigger
                .id
                .as_ref()
                .map(|i| format!(" (id `{i}`)"))
                .unwrap_or_default()
        ),
        Step::Version(period) => format!("rule version in force {}", period.describe()),
        Step::Facts(facts) => facts_words(facts),
        Step::Condition { cond, holds: true } => {
            format!("condition holds: {}", condition_words(cond))
        }
        Step::Condition { cond, holds: false } => {
            format!("condition does not hold: {}", condition_words(cond))
        }
        Step::FindingCondition { as_of, cond } => {
            format!("condition holds on {as_of}: {}", condition_words(cond))
        }
        Step::DutyCondition {
            cond,
            applies: true,
        } => format!("duty applies: {}", condition_words(cond)),
        Step::DutyCondition {
            cond,
            applies: false,
        } => format!("duty does not apply: not {}", condition_words(cond)),
        Step::NoDuty => String::from("no duty applies"),
        Step::WithinBusinessDays { n, start, count } => {
            let counted: Vec<String> = count
                .counted
                .iter()
                .enumerate()
                .map(|(i, d)| format!("day {} {} ({})", i + 1, d, d.weekday()))
                .collect();
            format!(
                "within {n} business days of {start}: {}; {}; last day {}",
                counted.join(", "),
                skipped_words(count),
                count.due
            )
        }
        Step::WithinCalendarDays { n, start, due } => {
            format!("within {n} calendar days of {start} (day 1): last day {due}")
        }
        Step::BusinessDaysBefore { n, end, count } => format!(
            "no later than {n} business days before {end}: {}; last day {}",
            skipped_words(count),
            count.due
        ),
        Step::CalendarDaysBefore { n, end, due } => {
            format!("no later than {n} calendar days before {end}: last day {due}")
        }
        Step::ByDocumentEnd { kind, day, end } => {
            let kind = kind.as_str().replace('_', " ");
            match end {
                Some(e) => format!("by the end of the {kind} valid on {day}: {e}"),
                None => format!("no {kind} with an end date valid on {day}"),
            }
        }
        Step::Rolling { days, window, last } => format!(
            "at most {days} days in Kazakhstan in any {window} days: the last day within the limit is {last}"
        ),
        Step::Amnesty {
            due,
            from,
            to,
            until,
            reason,
        } => format!("amnesty: due day {due} falls from {from} to {to}, moved to {until} ({reason})"),
        Step::Due(due) => format!("due: {due}"),
        Step::ExemptFrom { day, reason } => format!(
            "exception applies only from {day}, after the due day: the days late stop counting that day ({reason})"
        ),
        Step::Exception { reason, outcome } => match outcome {
            ExceptionOutcome::Applies => format!("exception applies: {reason}"),
            ExceptionOutcome::DoesNotApply => format!("exception does not apply: {reason}"),
            ExceptionOutcome::Undecided { fact } => {
                format!("exception undecided for want of `{fact}`: {reason} (the duty is kept)")
            }
        },
        Step::Fulfilled { date, path } => format!("fulfilled on {date} by {path}"),
        Step::NotFulfilled => String::from("no fulfilling event in the case"),
        Step::Status {
            as_of,
            status,
            days_late,
        } => format!(
            "status on {as_of}: {}, {days_late} day{} late",
            status.as_str(),
            if *days_late == 1 { "" } else { "s" }
        ),
        Step::NoPenaltyVersion { id, violation } => {
            format!("no version of penalty `{id}` in force on {violation}")
        }
        Step::PenaltyFacts {
            host,
            bearer,
            earlier,
        } => {
            let host_words = match host {
                Some((kind, size)) => format!(
                    "host {} of size {}",
                    kind.as_str(),
                    size.map_or("not given", |s| s.as_str())
                ),
                None => String::from("no host given"),
            };
            let earlier: Vec<String> = earlier
                .iter()
                .map(|(article, date)| format!("art. {article} on {date}"))
                .collect();
            format!(
                "penalty facts: {host_words}; earlier penalties of the {}: {}",
                bearer.as_str(),
                if earlier.is_empty() {
                    String::from("none")
                } else {
                    earlier.join(", ")
                }
            )
        }
        Step::Penalty {
            schedule,
            period,
            violation,
            days_late,
            article,
            warning,
            fine_mci,
            mci_kzt,
        } => format!(
            "penalty: schedule `{schedule}` ({}), violation on {violation}, {days_late} day{} late: article {article}{}{}",
            period.describe(),
            if *days_late == 1 { "" } else { "s" },
            if *warning { ", warning" } else { "" },
            fine_words(*fine_mci, *mci_kzt, *violation)
        ),
        Step::Detail(detail) => detail.clone(),
        Step::Needed { fact, reason } => format!("`{fact}` is needed: {reason}"),
    }
}

fn skipped_words(count: &crate::calendar::Count) -> String {
    if count.skipped.is_empty() {
        String::from("no day skipped")
    } else {
        let list: Vec<String> = count
            .skipped
            .iter()
            .map(|s| format!("{} ({})", s.date, s.reason))
            .collect();
        format!("skipped {}", list.join(", "))
    }
}

fn fine_words(fine_mci: [u32; 2], mci_kzt: Option<u32>, violation: chrono::NaiveDate) -> String {
    if fine_mci == [0, 0] {
        return String::new();
    }
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

fn facts_words(facts: &FactsOnDay) -> String {
    let day = facts.day;
    let mut parts = vec![format!("citizenship {}", facts.citizenship)];
    if let Some((birth, age)) = facts.birth {
        let age = age.map_or(String::new(), |a| format!(", {a} years old on {day}"));
        parts.push(format!("born {birth}{age}"));
    }
    if let Some(purpose) = facts.purpose {
        parts.push(format!("purpose {}", purpose.as_str()));
    }
    if let Some((kind, size)) = facts.host {
        parts.push(format!(
            "host {}{}",
            kind.as_str(),
            size.map_or(String::new(), |s| format!(" ({})", s.as_str()))
        ));
    }
    let documents: Vec<String> = facts
        .documents
        .iter()
        .map(|d| {
            let mut words = d.kind.as_str().replace('_', " ");
            if let Some(category) = &d.category {
                words.push_str(&format!(" {category}"));
            }
            if let Some(entries) = d.entries {
                words.push_str(&format!(" {}-entry", entries.as_str()));
            }
            if let Some(until) = d.until {
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
    if let Some(stay) = &facts.stay {
        let start = stay
            .start
            .map_or(String::from("before the records"), |s| s.to_string());
        let end = match stay.end {
            StayEnd::Exit(exit) => format!("exit {exit}"),
            StayEnd::Planned(planned) => format!("planned to {planned}"),
            StayEnd::Unknown => String::from("no exit known"),
        };
        parts.push(format!("stay from {start}, {end}"));
    }
    format!("facts: {}", parts.join("; "))
}

/// The explanations of a case as `kzrules explain --format json` prints them.
pub fn json(result: &CheckResult, explanations: &[&Explanation]) -> String {
    /// One explanation with its steps in words, fields in the contract's order.
    #[derive(Serialize)]
    struct InWords<'e> {
        kind: &'e str,
        rule: &'e str,
        title: &'e str,
        steps: Vec<String>,
        covered: &'e [CoverageId],
    }
    let list: Vec<InWords<'_>> = explanations
        .iter()
        .map(|e| InWords {
            kind: &e.kind,
            rule: &e.rule,
            title: &e.title,
            steps: e.steps.iter().map(step_words).collect(),
            covered: &e.covered,
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&json!({
        "case": result.case,
        "as_of": result.as_of,
        "explanations": list,
    }))
    .unwrap_or_default();
    s.push('\n');
    s
}

/// The explanations of a case as `kzrules explain` prints them.
pub fn text(result: &CheckResult, explanations: &[&Explanation]) -> String {
    let mut s = format!("case {} (as of {})\n", result.case, result.as_of);
    for e in explanations {
        let citation = cite(&e.citations);
        s.push_str(&format!(
            "\n{} {}: {}\n  cites {}\n",
            e.kind, e.rule, e.title, citation
        ));
        for step in &e.steps {
            s.push_str(&format!("  - {}\n", step_words(step)));
        }
    }
    if explanations.is_empty() {
        s.push_str("\nno rule applies to this case\n");
    }
    s
}
