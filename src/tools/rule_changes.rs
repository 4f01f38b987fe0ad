//! Which rules a change of the rule files changed, whatever the cases: for `kzrules
//! diff`, so that "rule X changed; no case exercises it" is said where comparing results
//! alone would say "no change".
//!
//! Two rule sets are compared rule id by rule id, version by version (in order of their
//! first day in force), aspect by aspect: `title`, `in force`, `citations`, `bearer`,
//! `action`, `duties` (triggers and deadlines), `conditions`, `exceptions`, `findings`,
//! `penalty` (the schedule named, and its branches) and `amnesties`. Where a rule is
//! written in its file (its span) is no aspect: moving a rule changes nothing.

use std::collections::{BTreeMap, BTreeSet};

use schemars::JsonSchema;
use serde::Serialize;

use crate::ir::{Program, Rule};

/// What happened to a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RuleChangeKind {
    /// Only the new rules have it.
    Added,
    /// Only the old rules have it.
    Removed,
    /// Both have it, and an aspect differs.
    Changed,
}

impl RuleChangeKind {
    /// The word.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleChangeKind::Added => "added",
            RuleChangeKind::Removed => "removed",
            RuleChangeKind::Changed => "changed",
        }
    }
}

/// One rule whose definition differs between the rule sets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleChange {
    /// The rule id.
    pub rule: String,
    /// Added, removed or changed.
    pub change: RuleChangeKind,
    /// The aspects that differ (`title`, `in force`, `duties`, ...; `versions` when
    /// a version was added or removed); empty for an added or removed rule.
    pub aspects: Vec<String>,
    /// How many of the cases judged have a result of this rule under either rule set
    /// (an obligation, exemption, finding or fact needed).
    pub cases: usize,
}

/// A rule's aspects, each as a text that is equal exactly when the aspect is.
fn aspects(rule: &Rule, program: &Program) -> Vec<(&'static str, String)> {
    let penalty = rule.penalty.as_ref().map(|id| {
        format!(
            "{id}: {}",
            without_spans(&format!("{:?}", program.penalties.get(id)))
        )
    });
    vec![
        ("title", rule.title.clone()),
        ("in force", crate::ir::words::period_words(&rule.period)),
        ("citations", format!("{:?}", rule.citations)),
        ("bearer", format!("{:?}", rule.bearer)),
        ("action", rule.action.clone()),
        ("duties", without_spans(&format!("{:?}", rule.duties))),
        ("conditions", without_spans(&format!("{:?}", rule.when))),
        (
            "exceptions",
            without_spans(&format!("{:?}", rule.exceptions)),
        ),
        ("findings", without_spans(&format!("{:?}", rule.findings))),
        ("penalty", penalty.unwrap_or_default()),
        (
            "amnesties",
            without_spans(&format!("{:?}", rule.extensions)),
        ),
    ]
}

/// A debug text without its `Span { .. }`s: where a thing is written is not what it is.
fn without_spans(debug: &str) -> String {
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug;
    while let Some(at) = rest.find("Span {") {
        out.push_str(rest.get(..at).unwrap_or(""));
        let after = rest.get(at..).unwrap_or("");
        rest = match after.find('}') {
            Some(end) => after.get(end + 1..).unwrap_or(""),
            None => "",
        };
    }
    out.push_str(rest);
    out
}

/// The rules whose definitions differ between `old` and `new`, by id; `exercised` gives,
/// for a rule id, how many judged cases have a result of it.
pub fn rule_changes(
    old: &Program,
    new: &Program,
    exercised: &BTreeMap<String, usize>,
) -> Vec<RuleChange> {
    let versions = |p: &Program| -> BTreeMap<String, Vec<Vec<(&'static str, String)>>> {
        let mut map: BTreeMap<String, Vec<Vec<(&'static str, String)>>> = BTreeMap::new();
        for rule in &p.rules {
            map.entry(rule.id.clone())
                .or_default()
                .push(aspects(rule, p));
        }
        map
    };
    let (old_rules, new_rules) = (versions(old), versions(new));
    let ids: BTreeSet<&String> = old_rules.keys().chain(new_rules.keys()).collect();
    let mut out = Vec::new();
    for id in ids {
        let cases = exercised.get(id).copied().unwrap_or(0);
        let change = |change, aspects| RuleChange {
            rule: id.clone(),
            change,
            aspects,
            cases,
        };
        match (old_rules.get(id), new_rules.get(id)) {
            (Some(_), None) => out.push(change(RuleChangeKind::Removed, Vec::new())),
            (None, Some(_)) => out.push(change(RuleChangeKind::Added, Vec::new())),
            (Some(o), Some(n)) => {
                let mut differ: Vec<String> = Vec::new();
                if o.len() != n.len() {
                    differ.push(String::from("versions"));
                }
                for (ov, nv) in o.iter().zip(n) {
                    for ((name, a), (_, b)) in ov.iter().zip(nv) {
                        if a != b && !differ.iter().any(|d| d == name) {
                            differ.push((*name).to_string());
                        }
                    }
                }
                if !differ.is_empty() {
                    out.push(change(RuleChangeKind::Changed, differ));
                }
            }
            (None, None) => {}
        }
    }
    out
}

impl RuleChange {
    /// `rule X changed (title, duties); no case exercises it`, in words.
    pub fn line(&self) -> String {
        let what = if self.aspects.is_empty() {
            String::new()
        } else {
            format!(" ({})", self.aspects.join(", "))
        };
        let cases = match self.cases {
            0 => String::from("no case exercises it"),
            1 => String::from("1 case has a result of it"),
            n => format!("{n} cases have a result of it"),
        };
        format!("rule {} {}{what}; {cases}", self.rule, self.change.as_str())
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use super::*;

    #[test]
    fn spans_are_no_aspect() {
        assert_eq!(
            without_spans("Duty { a: 1, span: Span { file: 0, start: 3, end: 9 } }"),
            "Duty { a: 1, span:  }"
        );
        assert_eq!(
            without_spans("X { span: Span { file: 1, start: 40, end: 90 } }"),
            without_spans("X { span: Span { file: 0, start: 3, end: 9 } }")
        );
    }

    #[test]
    fn a_changed_title_and_deadline_are_named() {
        let files = crate::load::rules::embedded();
        let old = crate::load::program(files.clone()).unwrap();
        let changed: Vec<crate::source::SourceFile> = files
            .iter()
            .map(|f| {
                let text = f
                    .text
                    .replace(
                        "title \"Notification of a foreigner's arrival\"",
                        "title \"Arrival notification\"",
                    )
                    .replace(
                        "notify within 3 business_days of entry",
                        "notify within 5 business_days of entry",
                    );
                crate::source::SourceFile::new(f.name.clone(), text)
            })
            .collect();
        let new = crate::load::program(changed).unwrap();
        assert!(rule_changes(&old, &old, &BTreeMap::new()).is_empty());
        let changes = rule_changes(&old, &new, &BTreeMap::new());
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert_eq!(changes[0].rule, "arrival_notification");
        assert_eq!(changes[0].aspects, vec!["title", "duties"]);
        assert_eq!(
            changes[0].line(),
            "rule arrival_notification changed (title, duties); no case exercises it"
        );
    }
}
