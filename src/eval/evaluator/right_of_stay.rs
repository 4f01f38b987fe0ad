//! The right of stay: every day of every stay needs a legal basis (`basis` clauses of a
//! rule, docs/language.md "Right of stay"). A day is covered when one basis of the
//! rule's version in force that day holds: its `at_entry` condition on the stay's entry
//! day and its `while` condition on the day. An amnesty of the rule (`extend ... due
//! from ... to ... until ...`) covers the days after a last covered day that falls in its
//! period. `without_basis` holds when some day up to `as_of` is covered by nothing, and
//! says which day and why each basis fails on it.

use chrono::NaiveDate;

use super::{Context, Run, Truth};
use crate::case::Stay;
use crate::ir::words::condition_words;
use crate::ir::{Basis, Cond, Rule};
use crate::vocab::Compare;

/// The reason of a basis whose `at_entry` is a set the citizenship is never in.
const NOT_CITIZEN: &str = "not a citizen of the set";

/// The `at_entry` conditions judged so far for one stay: they are judged on its entry day,
/// so their truth does not change from one day of the stay to the next.
type EntryTruths<'r> = Vec<(&'r Basis, bool)>;

/// Whether one day of a stay is covered.
enum Cover {
    Yes,
    /// No basis holds; why each fails.
    No(Vec<String>),
    /// Undecidable for want of this fact.
    Unknown(String),
}

impl Run<'_, '_> {
    /// `without_basis` for the rule `id`: the first day of a stay, up to `as_of`, that no
    /// basis covers, with the reasons.
    pub(super) fn without_basis(&self, id: &str) -> (Truth, Option<String>) {
        let versions: Vec<&Rule> = self
            .program
            .rules
            .iter()
            .filter(|r| r.id == id && !r.bases.is_empty())
            .collect();
        let Some(earliest) = versions.first().copied() else {
            return (Truth::False, None);
        };
        let mut unknown: Option<String> = None;
        for stay in &self.facts.stays {
            let Some(first) = stay.start.or(stay.end) else {
                continue;
            };
            let mut at_entry: EntryTruths<'_> = Vec::new();
            let last = stay.end.unwrap_or(self.as_of).min(self.as_of);
            let mut day = first;
            let mut covered_before = false;
            let mut amnesty_until: Option<NaiveDate> = None;
            while day <= last {
                let version = versions
                    .iter()
                    .copied()
                    .find(|r| r.period.contains(day))
                    .or_else(|| {
                        earliest
                            .period
                            .from
                            .filter(|from| day < *from)
                            .map(|_| earliest)
                    });
                let Some(version) = version else {
                    // A day after the last version: no rule to judge it by.
                    covered_before = false;
                    day = match day.succ_opt() {
                        Some(d) => d,
                        None => break,
                    };
                    continue;
                };
                if amnesty_until.is_some_and(|until| day <= until) {
                    day = match day.succ_opt() {
                        Some(d) => d,
                        None => break,
                    };
                    continue;
                }
                match self.cover(version, stay, day, &mut at_entry) {
                    Cover::Yes => covered_before = true,
                    Cover::Unknown(fact) => {
                        unknown = unknown.or(Some(fact));
                        break;
                    }
                    Cover::No(reasons) => {
                        if covered_before {
                            let carried = day
                                .pred_opt()
                                .and_then(|l| amnesty(version, l))
                                .max(self.basis_ended_in_amnesty(version, stay, first, day));
                            if let Some(until) = carried {
                                if until >= day {
                                    amnesty_until = Some(until);
                                    continue;
                                }
                            }
                        }
                        return (
                            Truth::True,
                            Some(self.gap_words(version, earliest, stay, day, &reasons)),
                        );
                    }
                }
                day = match day.succ_opt() {
                    Some(d) => d,
                    None => break,
                };
            }
        }
        match unknown {
            Some(fact) => (Truth::Unknown(fact), None),
            None => (Truth::False, None),
        }
    }

    /// A basis whose own cover ended inside an amnesty's window, before `gap`, while
    /// another basis went on covering the stay: the latest day such an amnesty carries
    /// it to. (A contract that outlasts the neighbour's 90 days never takes away the
    /// amnesty those 90 days would have had.)
    fn basis_ended_in_amnesty(
        &self,
        rule: &Rule,
        stay: &Stay,
        first: NaiveDate,
        gap: NaiveDate,
    ) -> Option<NaiveDate> {
        let mut best: Option<NaiveDate> = None;
        let mut at_entry: EntryTruths<'_> = Vec::new();
        for extension in &rule.extensions {
            let mut day = extension.from.max(first);
            let end = extension.to.min(gap.pred_opt()?);
            while day <= end {
                let next = day.succ_opt()?;
                let ended = rule.bases.iter().any(|basis| {
                    self.basis_covers(basis, stay, day, &mut at_entry)
                        && !self.basis_covers(basis, stay, next, &mut at_entry)
                });
                if ended {
                    best = best.max(amnesty(rule, day));
                }
                day = next;
            }
        }
        best
    }

    /// Whether a basis of `rule` covers `day` of `stay`. The bases that fail for the
    /// citizenship on the entry day are named together, after the others.
    ///
    /// Most days are covered: their truth is decided first, without words; the reasons
    /// (or the fact) are worked out only for a day that no basis covers.
    fn cover<'r>(
        &self,
        rule: &'r Rule,
        stay: &Stay,
        day: NaiveDate,
        at_entry: &mut EntryTruths<'r>,
    ) -> Cover {
        if rule
            .bases
            .iter()
            .any(|basis| self.basis_covers(basis, stay, day, at_entry))
        {
            return Cover::Yes;
        }
        self.uncovered(rule, stay, day)
    }

    /// Whether a basis covers the day: [`Run::basis_holds`] without the words.
    fn basis_covers<'r>(
        &self,
        basis: &'r Basis,
        stay: &Stay,
        day: NaiveDate,
        judged: &mut EntryTruths<'r>,
    ) -> bool {
        if let Some(at_entry) = &basis.at_entry {
            let Some(entry) = stay.start else {
                return false;
            };
            let holds = match judged.iter().find(|(b, _)| std::ptr::eq(*b, basis)) {
                Some((_, holds)) => *holds,
                None => {
                    let holds = self.truth(at_entry, self.on(entry)) == Truth::True;
                    judged.push((basis, holds));
                    holds
                }
            };
            if !holds {
                return false;
            }
        }
        self.truth(&basis.while_, self.on(day)) == Truth::True
    }

    /// Why no basis covers the day (each basis's reason), or the fact that would decide.
    fn uncovered(&self, rule: &Rule, stay: &Stay, day: NaiveDate) -> Cover {
        let mut reasons = Vec::new();
        let mut not_citizen: Vec<&str> = Vec::new();
        let mut unknown = None;
        for basis in &rule.bases {
            match self.basis_holds(basis, stay, day) {
                Ok(()) => return Cover::Yes,
                Err(Err(fact)) => unknown = unknown.or(Some(fact)),
                Err(Ok(why)) => match (&basis.at_entry, why.strip_prefix(NOT_CITIZEN)) {
                    (Some(Cond::CitizenOf { name, .. }), Some(_)) => {
                        if !not_citizen.contains(&name.as_str()) {
                            not_citizen.push(name);
                        }
                    }
                    _ => reasons.push(format!("{}: {why}", basis.name)),
                },
            }
        }
        if !not_citizen.is_empty() {
            let entry = stay.start.map(|s| format!(" ({s})")).unwrap_or_default();
            reasons.push(format!(
                "no visa-free regime: on the entry day{entry} {} is in none of {}",
                self.facts.person.citizenship,
                not_citizen
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        match unknown {
            Some(fact) => Cover::Unknown(fact),
            None => Cover::No(reasons),
        }
    }

    /// `Ok` when the basis covers the day; else why not, or the fact that would decide.
    fn basis_holds(
        &self,
        basis: &Basis,
        stay: &Stay,
        day: NaiveDate,
    ) -> Result<(), Result<String, String>> {
        if let Some(at_entry) = &basis.at_entry {
            let Some(entry) = stay.start else {
                return Err(Err(format!(
                    "events[] (the entry of the stay{})",
                    stay.end
                        .map(|e| format!(" that ended on {e}"))
                        .unwrap_or_default()
                )));
            };
            match self.truth(at_entry, self.on(entry)) {
                Truth::True => {}
                Truth::False
                    if matches!(at_entry, Cond::CitizenOf { versions, .. }
                    if !versions.iter().any(|(_, m)| m.binary_search(&self.facts.person.citizenship).is_ok())) =>
                {
                    return Err(Ok(NOT_CITIZEN.to_string()));
                }
                Truth::False => {
                    return Err(Ok(format!(
                        "on the entry day ({entry}) {}",
                        self.why_not(at_entry, entry)
                    )))
                }
                Truth::Unknown(fact) => return Err(Err(fact)),
            }
        }
        match self.truth(&basis.while_, self.on(day)) {
            Truth::True => Ok(()),
            Truth::False => Err(Ok(self.why_not(&basis.while_, day))),
            Truth::Unknown(fact) => Err(Err(fact)),
        }
    }

    fn on(&self, day: NaiveDate) -> Context {
        Context {
            day: Some(day),
            as_of: self.as_of,
        }
    }

    /// Why a condition that does not hold on `day` fails, in words.
    fn why_not(&self, cond: &Cond, day: NaiveDate) -> String {
        let facts = self.facts;
        match cond {
            Cond::And(parts) => parts
                .iter()
                .find(|p| self.truth(p, self.on(day)) != Truth::True)
                .map_or_else(|| condition_words(cond), |p| self.why_not(p, day)),
            Cond::Or(parts) => parts
                .iter()
                .map(|p| self.why_not(p, day))
                .collect::<Vec<_>>()
                .join(", and "),
            Cond::Not(inner) => format!("it is so that {}", condition_words(inner)),
            Cond::HolderOf { kind, .. } => {
                let what = kind.as_str().replace('_', " ");
                let ended = facts
                    .documents_of(*kind)
                    .filter_map(|d| d.valid_until)
                    .filter(|u| *u < day)
                    .max();
                let begins = facts
                    .documents_of(*kind)
                    .filter_map(|d| d.valid_from)
                    .filter(|f| *f > day)
                    .min();
                match (ended, begins) {
                    (Some(u), _) if facts.document_valid_on(*kind, day).is_none() => {
                        format!("the {what} ran out on {u}")
                    }
                    (_, Some(f)) if facts.document_valid_on(*kind, day).is_none() => {
                        format!("the {what} begins only on {f}")
                    }
                    _ if facts.document_valid_on(*kind, day).is_some() => {
                        format!("the {what} valid on {day} is not {}", condition_words(cond))
                    }
                    _ => format!("no {what} is recorded"),
                }
            }
            Cond::CitizenOf { name, versions } => {
                let citizenship = &facts.person.citizenship;
                let elsewhere = versions
                    .iter()
                    .filter(|(p, m)| !p.contains(day) && m.binary_search(citizenship).is_ok())
                    .map(|(p, _)| p.describe())
                    .collect::<Vec<_>>();
                if elsewhere.is_empty() {
                    format!("{citizenship} is not in `{name}`")
                } else {
                    format!(
                        "{citizenship} is not in `{name}` (it is in the set's version in force {}: the regime was suspended or not yet in force)",
                        elsewhere.join(", ")
                    )
                }
            }
            Cond::DayOfStay(compare, n) => {
                let number = facts
                    .stay_containing(day)
                    .and_then(|s| s.start)
                    .map(|start| (day - start).num_days() + 1);
                match (number, compare) {
                    (Some(k), Compare::AtMost | Compare::Under) => {
                        format!("{day} is day {k} of the stay, past the {n} days allowed")
                    }
                    (Some(k), _) => format!("{day} is day {k} of the stay"),
                    (None, _) => condition_words(cond),
                }
            }
            Cond::After(kind) => format!("no `{}` is recorded in the stay by {day}", kind.as_str()),
            Cond::Measure { compare, bound, .. } => match self.truth_detail(cond, self.on(day)) {
                (_, Some(detail)) => {
                    format!(
                        "{detail}, not {} {bound}",
                        crate::ir::words::compare_words(*compare)
                    )
                }
                (_, None) => format!("not so that {}", condition_words(cond)),
            },
            other => format!("not so that {}", condition_words(other)),
        }
    }

    fn gap_words(
        &self,
        version: &Rule,
        earliest: &Rule,
        stay: &Stay,
        day: NaiveDate,
        reasons: &[String],
    ) -> String {
        let place = match stay.start {
            Some(start) => format!(
                "day {} of the stay that began on {start}",
                (day - start).num_days() + 1
            ),
            None => String::from("the last day of a stay begun before the records"),
        };
        let note = match earliest.period.from {
            Some(from) if std::ptr::eq(version, earliest) && day < from => format!(
                " (judged by the earliest version of the rule, in force from {from}: the rules before it are not in this rule set)"
            ),
            _ => String::new(),
        };
        format!(
            "no legal basis of stay from {day}, {place}{note}: {}",
            reasons.join("; ")
        )
    }
}

/// The amnesties of `rule` applied in date order to the last covered day: the day they
/// carry it to, if any moves it.
fn amnesty(rule: &Rule, last_covered: NaiveDate) -> Option<NaiveDate> {
    let mut day = last_covered;
    for extension in &rule.extensions {
        if day >= extension.from && day <= extension.to {
            day = extension.until;
        }
    }
    (day != last_covered).then_some(day)
}
