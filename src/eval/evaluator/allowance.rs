//! What the stay limits still allow on the judging day (`allowance[]` of the result).
//!
//! The allowance is read off the same compiled duties to leave and counted by the same
//! deadline code as the obligations: the stay that contains `as_of` is judged by the
//! rule version in force on its entry, the duties whose conditions hold on that day give
//! the limits, and each limit's last day is the evaluator's own due day (with its
//! amnesties). Outside Kazakhstan, the limits are those an entry on `as_of` would start.

use chrono::NaiveDate;

use super::{add_days, Context, Run, Truth};
use crate::eval::result::Allowance;
use crate::eval::EvalError;
use crate::ir::words::document_words;
use crate::ir::{Limit, Rule, Start};
use crate::vocab::Unit;

/// One limit that applies, with the rule that sets it.
struct Applied<'p> {
    rule: &'p Rule,
    limit: Limit,
}

impl<'p> Run<'p, '_> {
    /// Fill `result.allowance`: one record per stay limit that applies on `as_of`.
    pub(super) fn allowance(&mut self) -> Result<(), EvalError> {
        let as_of = self.as_of;
        let (entry, inside) = match self.facts.stay_containing(as_of) {
            // A stay begun before the records: its days so far are not known.
            Some(stay) => match stay.start {
                Some(start) => (start, true),
                None => return Ok(()),
            },
            None => (as_of, false),
        };
        let applied = self.limits_on(entry);
        // The longest stay any entry may give: the smallest cap of the limits that apply.
        let full = applied
            .iter()
            .filter_map(|a| match a.limit {
                Limit::Within {
                    n,
                    unit: Unit::CalendarDays,
                } => Some(n),
                Limit::Rolling { days, .. } => Some(days),
                _ => None,
            })
            .min();
        let mut records: Vec<Allowance> = Vec::new();
        for Applied { rule, limit } in applied {
            let Some((last, _)) = self.limit(rule, limit, entry, &mut Vec::new())? else {
                continue;
            };
            let last = rule.extensions.iter().fold(last, |due, e| {
                if due >= e.from && due <= e.to {
                    e.until
                } else {
                    due
                }
            });
            let stay_days = if inside {
                (as_of - entry).num_days() + 1
            } else {
                0
            };
            let (days_used, next_full_entry) = match limit {
                Limit::Rolling { days, window } => {
                    let from = add_days(as_of, 1 - i64::from(window)).unwrap_or(NaiveDate::MIN);
                    let used = self.window_days(from, as_of, as_of);
                    let full = full.unwrap_or(days);
                    (used, self.next_full_entry(days, window, full))
                }
                Limit::ByExpiry(_) => (stay_days, None),
                _ => (stay_days, Some(as_of)),
            };
            let days_left = if inside {
                (last - as_of).num_days()
            } else {
                (last - as_of).num_days() + 1
            }
            .max(0);
            let record = Allowance {
                rule: rule.id.clone(),
                limit: limit_in_words(limit),
                days_used,
                days_left,
                latest_exit: inside.then_some(last),
                next_full_entry,
                citations: rule.citations.clone(),
            };
            if !records
                .iter()
                .any(|r| r.rule == record.rule && r.limit == record.limit)
            {
                records.push(record);
            }
        }
        self.result.allowance = records;
        Ok(())
    }

    /// The limits of the duties to leave that an entry on `entry` starts: rule versions
    /// in force that day whose conditions hold, duties whose conditions hold, and no
    /// exception that holds on that day or on `as_of`. An undecidable condition gives no
    /// limit (the evaluator lists the missing fact); an undecidable exception keeps it.
    fn limits_on(&self, entry: NaiveDate) -> Vec<Applied<'p>> {
        let program = self.program;
        let on_entry = Context {
            day: Some(entry),
            as_of: self.as_of,
        };
        let on_as_of = Context {
            day: Some(self.as_of),
            as_of: self.as_of,
        };
        let mut out = Vec::new();
        for rule in program.rules.iter().filter(|r| r.period.contains(entry)) {
            let roles = self.facts.roles;
            let leaves_on_entry = |start: &Start| matches!(start, Start::Events(kinds) if kinds.iter().any(|k| roles.opens(*k)));
            if !rule
                .duties
                .iter()
                .any(|d| roles.closes(d.fulfilment) && leaves_on_entry(&d.trigger))
            {
                continue;
            }
            if !rule
                .when
                .iter()
                .all(|c| self.truth(c, on_entry) == Truth::True)
            {
                continue;
            }
            if rule.exceptions.iter().any(|e| {
                self.truth(&e.condition, on_entry) == Truth::True
                    || self.truth(&e.condition, on_as_of) == Truth::True
            }) {
                continue;
            }
            for duty in rule
                .duties
                .iter()
                .filter(|d| roles.closes(d.fulfilment) && leaves_on_entry(&d.trigger))
            {
                let holds = duty
                    .when
                    .as_ref()
                    .is_none_or(|c| self.truth(c, on_entry) == Truth::True);
                if holds {
                    out.extend(duty.limits.iter().map(|limit| Applied {
                        rule,
                        limit: *limit,
                    }));
                }
            }
        }
        out
    }

    /// The first day from `as_of` on (from the recorded exit of the stay that contains
    /// `as_of`, which otherwise is taken to end on `as_of`) on which an entry allows a
    /// stay of `full` days under "at most `days` in any `window` days".
    fn next_full_entry(&self, days: u32, window: u32, full: u32) -> Option<NaiveDate> {
        let as_of = self.as_of;
        let start = self
            .facts
            .stay_containing(as_of)
            .and_then(|s| s.end)
            .map_or(as_of, |end| end.max(as_of));
        if let Some(found) = self.next_full_entry_counted(start, days, window, full) {
            return found;
        }
        // After `window` days every day counted before `start` has left the window.
        for offset in 0..=i64::from(window) {
            let day = add_days(start, offset)?;
            let last = self.rolling_last_day_from(day, days, window, Some(as_of), Some(full))?;
            if (last - day).num_days() + 1 >= i64::from(full) {
                return Some(day);
            }
        }
        None
    }

    /// [`Self::next_full_entry`] from the days counted once: an entry on `d` allows `full`
    /// days when, on the last day `d + full - 1` of that stay, the days of the window
    /// before `d` and the stay's own days are at most `days`. (On each earlier day of the
    /// stay there are no more: one more day of the stay adds one, and the window gives
    /// back at most one.) Each day's count is taken once, from the window before `start`
    /// to the window after it, with the same `window_days` the walk uses; `None` when a
    /// date is out of range or a day counts other than 0 or 1, and the walk decides.
    fn next_full_entry_counted(
        &self,
        start: NaiveDate,
        days: u32,
        window: u32,
        full: u32,
    ) -> Option<Option<NaiveDate>> {
        let w = i64::from(window);
        // The walk stops a stay at `days + 1` days: a longer one is never allowed.
        let stop = i64::from(full.min(days + 1)) - 1;
        if stop + 1 < i64::from(full) {
            return Some(None);
        }
        let first = add_days(start, 1 - w)?;
        add_days(start, w)?;
        let open_until = self.as_of;
        // prefix[i]: the days counted from `first` to the day before `first + i`.
        let mut prefix: Vec<i64> = Vec::with_capacity(usize::try_from(2 * w).ok()?);
        prefix.push(0);
        let mut total = 0;
        for i in 0..(2 * w - 1) {
            let day = add_days(first, i)?;
            let counted = self.window_days(day, day, open_until);
            if !(0..=1).contains(&counted) {
                return None;
            }
            total += counted;
            prefix.push(total);
        }
        // The days counted in `[a, b]` (offsets from `first`), 0 when empty.
        let sum = |a: i64, b: i64| -> i64 {
            if a > b {
                return 0;
            }
            let at = |i: i64| {
                usize::try_from(i)
                    .ok()
                    .and_then(|i| prefix.get(i).copied())
                    .unwrap_or(0)
            };
            at(b + 1) - at(a)
        };
        for offset in 0..=w {
            // The entry `start + offset`; its stay's last day `start + offset + stop`; that
            // day's window from `start + offset + stop - w + 1`, of which the days before
            // the entry were counted before it.
            let entry = offset + w - 1;
            let before = sum(entry + stop - w + 1, entry - 1);
            if before + stop < i64::from(days) {
                return Some(add_days(start, offset));
            }
        }
        Some(None)
    }
}

/// The most days a drawing covers: about three years, ending on its last day.
const MAX_DRAWN_DAYS: i64 = 3 * 366;

/// The window of the usage chart: "90 days in any 180 days", the limit most stays meet.
const USAGE_WINDOW: u32 = 180;

impl Run<'_, '_> {
    /// Fill `result.timeline` for the HTML report: the stays, the days counting towards
    /// a limit of days in any 180 days on each day of the drawing (the evaluator's own
    /// count, the stay open on `as_of` counted up to it), and the amnesty periods.
    pub(super) fn timeline(&mut self) {
        let facts = self.facts;
        let as_of = self.as_of;
        let stays: Vec<(Option<NaiveDate>, Option<NaiveDate>)> =
            facts.stays.iter().map(|s| (s.start, s.end)).collect();
        let mut days: Vec<NaiveDate> = vec![as_of];
        days.extend(facts.stays.iter().filter_map(|s| s.start.or(s.end)));
        days.extend(facts.stays.iter().filter_map(|s| s.end));
        days.extend(self.result.obligations.iter().map(|o| o.due));
        days.extend(self.result.obligations.iter().map(|o| o.trigger.date));
        days.extend(self.result.allowance.iter().filter_map(|a| a.latest_exit));
        let (Some(first), Some(last)) = (days.iter().min().copied(), days.iter().max().copied())
        else {
            return;
        };
        let last = add_days(last, 14).unwrap_or(last);
        let first = add_days(first, -14)
            .unwrap_or(first)
            .max(add_days(last, -MAX_DRAWN_DAYS).unwrap_or(first));
        let mut usage = Vec::new();
        let mut day = first;
        while day <= last {
            let from = add_days(day, 1 - i64::from(USAGE_WINDOW)).unwrap_or(NaiveDate::MIN);
            usage.push(self.window_days(from, day, as_of));
            match day.succ_opt() {
                Some(next) => day = next,
                None => break,
            }
        }
        let mut amnesties: Vec<(NaiveDate, NaiveDate, NaiveDate, String)> = Vec::new();
        for rule in &self.program.rules {
            for e in &rule.extensions {
                let item = (e.from, e.to, e.until, e.reason.clone());
                if e.from <= last && e.until >= first && !amnesties.contains(&item) {
                    amnesties.push(item);
                }
            }
        }
        amnesties.sort();
        self.result.timeline = crate::eval::result::Timeline {
            stays,
            usage_from: Some(first),
            usage,
            amnesties,
        };
    }
}

/// A stay limit in words, for the allowance: "30 days from each entry".
fn limit_in_words(limit: Limit) -> String {
    let unit = |unit: Unit| match unit {
        Unit::CalendarDays => "days",
        Unit::BusinessDays => "business days",
    };
    match limit {
        Limit::Within { n, unit: u } => format!("{n} {} from each entry", unit(u)),
        Limit::Before { n, unit: u } => format!("leave {n} {} before", unit(u)),
        Limit::ByExpiry(kind) => format!("until the {} ends", document_words(kind)),
        Limit::Rolling { days, window } => format!("{days} days in any {window} days"),
        Limit::DayOfMonth(day) => format!("by day {day} of each month"),
    }
}
