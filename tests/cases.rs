//! The case corpus: every `tests/cases/*.json` is a realistic case in the input format of
//! spec/CASES.md, judged by the embedded rules through the library API.
//!
//! Each case file carries its expectation in its own `meta` (carried through untouched):
//! `expect`, the answer computed by hand from the law and the counting conventions, in
//! words, and `check`, the machine-readable part of it. A check item is one of
//!
//! - `{"rule": ID, "trigger": DATE, "status": S, "due": DATE, "days_late": N,
//!   "fulfilled_on": DATE, "bearer": B, "penalty": BOOL, "article": A, "warning": BOOL,
//!   "fine_mci": [MIN, MAX], "fine_kzt": [MIN, MAX]}`: an obligation (only `rule` is
//!   required; every field given must match);
//! - `{"exemption": ID, "trigger": DATE, "reason": TEXT, "cites": TEXT}`: an exemption
//!   whose reason contains TEXT and one of whose citations (source, reference or seed)
//!   contains the `cites` text;
//! - `{"finding": ID, "severity": S}`: a finding;
//! - `{"fact_needed": ID, "fact": PATH}`: a fact the rules could not do without.
//!
//! The check is exhaustive: every obligation, exemption, finding and fact needed in the
//! result must be matched by its own check item, and every check item must be matched (an
//! empty `check` says that the rules rightly say nothing about the case). Only
//! when the check passes is the result compared with its insta snapshot (the result
//! without a receipt, with `expect` as the snapshot's description), so a wrong result can
//! never be written as a snapshot. Create or update the snapshots with
//! `INSTA_UPDATE=always cargo test --test cases`, and read each new one against its
//! `expect` before keeping it.
//!
//! A case file is named `RULE__situation.json` after the catalog rule it is about (or
//! after the mechanism, e.g. `same_day_exit_and_entry__two_stays.json`), its `case` id is
//! the file's stem, and it sets `as_of`. [`every_rule_has_cases`] keeps at least three
//! case files on every rule of the rule set.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use chrono::NaiveDate;
use kzrules::case::read_case;
use kzrules::eval::result::{
    Bearer, CheckResult, Exemption, FactNeeded, Finding, Obligation, Severity, Status,
};
use kzrules::ir::Program;
use serde::Deserialize;
use serde_json::Value;

/// The least number of case files that must exercise each rule of the rule set.
const CASES_PER_RULE: usize = 3;

fn program() -> &'static Program {
    static PROGRAM: OnceLock<Program> = OnceLock::new();
    PROGRAM.get_or_init(
        || match kzrules::compile::compile(kzrules::load::rules::embedded()) {
            Ok(compiled) => compiled.program,
            Err(diagnostics) => panic!("the embedded rules do not compile:\n{diagnostics}"),
        },
    )
}

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases")
}

/// An expected obligation: every field given must match.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ObligationCheck {
    rule: String,
    trigger: Option<NaiveDate>,
    bearer: Option<Bearer>,
    status: Option<Status>,
    due: Option<NaiveDate>,
    days_late: Option<i64>,
    fulfilled_on: Option<NaiveDate>,
    penalty: Option<bool>,
    article: Option<String>,
    warning: Option<bool>,
    fine_mci: Option<[u32; 2]>,
    fine_kzt: Option<[u64; 2]>,
}

/// An expected exemption.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExemptionCheck {
    exemption: String,
    trigger: Option<NaiveDate>,
    reason: Option<String>,
    cites: Option<String>,
}

/// An expected finding.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FindingCheck {
    finding: String,
    severity: Option<Severity>,
}

/// An expected fact needed.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FactCheck {
    fact_needed: String,
    fact: Option<String>,
}

#[derive(Debug)]
enum Check {
    Obligation(ObligationCheck),
    Exemption(ExemptionCheck),
    Finding(FindingCheck),
    Fact(FactCheck),
}

impl Check {
    /// Read one check item; the key that names the rule says which kind it is.
    fn parse(item: &Value) -> Result<Check, String> {
        let object = item
            .as_object()
            .ok_or_else(|| format!("a check item must be an object: {item}"))?;
        let kinds: Vec<&str> = ["rule", "exemption", "finding", "fact_needed"]
            .into_iter()
            .filter(|k| object.contains_key(*k))
            .collect();
        let bad = |e: serde_json::Error| format!("check item {item}: {e}");
        match kinds.as_slice() {
            ["rule"] => serde_json::from_value(item.clone())
                .map(Check::Obligation)
                .map_err(bad),
            ["exemption"] => serde_json::from_value(item.clone())
                .map(Check::Exemption)
                .map_err(bad),
            ["finding"] => serde_json::from_value(item.clone())
                .map(Check::Finding)
                .map_err(bad),
            ["fact_needed"] => serde_json::from_value(item.clone())
                .map(Check::Fact)
                .map_err(bad),
            _ => Err(format!(
                "check item {item} must have exactly one of `rule`, `exemption`, `finding`, `fact_needed`"
            )),
        }
    }

    /// The rule the item is about.
    fn rule(&self) -> &str {
        match self {
            Check::Obligation(c) => &c.rule,
            Check::Exemption(c) => &c.exemption,
            Check::Finding(c) => &c.finding,
            Check::Fact(c) => &c.fact_needed,
        }
    }
}

/// Whether `actual` matches an expected field; a field not given matches anything.
fn same<T: PartialEq>(expected: &Option<T>, actual: &T) -> bool {
    expected.as_ref().is_none_or(|e| e == actual)
}

impl ObligationCheck {
    fn matches(&self, o: &Obligation) -> bool {
        let penalty_matches = match &o.penalty {
            Some(p) => {
                same(&self.article, &p.article)
                    && same(&self.warning, &p.warning)
                    && same(&self.fine_mci, &p.fine_mci)
                    && same(&self.fine_kzt, &p.fine_kzt)
            }
            None => {
                self.article.is_none()
                    && self.warning.is_none()
                    && self.fine_mci.is_none()
                    && self.fine_kzt.is_none()
            }
        };
        self.rule == o.rule
            && same(&self.trigger, &o.trigger.date)
            && same(&self.bearer, &o.bearer)
            && same(&self.status, &o.status)
            && same(&self.due, &o.due)
            && same(&self.days_late, &o.days_late)
            && self.fulfilled_on.is_none_or(|f| o.fulfilled_on == Some(f))
            && same(&self.penalty, &o.penalty.is_some())
            && penalty_matches
    }
}

impl ExemptionCheck {
    fn matches(&self, e: &Exemption) -> bool {
        self.exemption == e.rule
            && self
                .trigger
                .is_none_or(|t| e.trigger.as_ref().is_some_and(|x| x.date == t))
            && self
                .reason
                .as_ref()
                .is_none_or(|r| e.reason.contains(r.as_str()))
            && self.cites.as_ref().is_none_or(|text| {
                e.citations.iter().any(|c| {
                    c.source.contains(text.as_str())
                        || c.reference.contains(text.as_str())
                        || c.seed.as_deref().is_some_and(|s| s.contains(text.as_str()))
                })
            })
    }
}

impl FindingCheck {
    fn matches(&self, f: &Finding) -> bool {
        self.finding == f.rule && same(&self.severity, &f.severity)
    }
}

impl FactCheck {
    fn matches(&self, f: &FactNeeded) -> bool {
        self.fact_needed == f.rule && same(&self.fact, &f.fact)
    }
}

fn show_obligation(o: &Obligation) -> String {
    let penalty = o.penalty.as_ref().map_or(String::new(), |p| {
        format!(
            ", penalty {} warning={} fine_mci={:?} fine_kzt={:?}",
            p.article, p.warning, p.fine_mci, p.fine_kzt
        )
    });
    format!(
        "obligation {} (trigger {} {}): {} due {} fulfilled {} days_late {}{penalty}",
        o.rule,
        o.trigger.event,
        o.trigger.date,
        o.status.as_str(),
        o.due,
        o.fulfilled_on.map_or(String::from("-"), |d| d.to_string()),
        o.days_late
    )
}

fn show_exemption(e: &Exemption) -> String {
    let cited: Vec<String> = e
        .citations
        .iter()
        .map(|c| format!("{}, {}", c.source, c.reference))
        .collect();
    format!(
        "exemption {} (trigger {}): {} [cites: {}]",
        e.rule,
        e.trigger
            .as_ref()
            .map_or(String::from("-"), |t| format!("{} {}", t.event, t.date)),
        e.reason,
        cited.join("; ")
    )
}

fn show_finding(f: &Finding) -> String {
    format!(
        "finding {} {}: {}{}",
        f.rule,
        f.severity.as_str(),
        f.message,
        f.detail
            .as_ref()
            .map_or(String::new(), |d| format!(" ({d})"))
    )
}

fn show_fact(f: &FactNeeded) -> String {
    format!("fact needed {}: `{}` ({})", f.rule, f.fact, f.reason)
}

/// Pairs each check item with its own result item (in the items' order, first match);
/// returns what is missing and what is unexpected.
fn compare(result: &CheckResult, checks: &[Check]) -> Vec<String> {
    let mut used_obligations = vec![false; result.obligations.len()];
    let mut used_exemptions = vec![false; result.exemptions.len()];
    let mut used_findings = vec![false; result.findings.len()];
    let mut used_facts = vec![false; result.facts_needed.len()];
    let mut problems = Vec::new();

    fn take<T>(items: &[T], used: &mut [bool], matches: impl Fn(&T) -> bool) -> bool {
        for (item, taken) in items.iter().zip(used.iter_mut()) {
            if !*taken && matches(item) {
                *taken = true;
                return true;
            }
        }
        false
    }

    for check in checks {
        let found = match check {
            Check::Obligation(c) => {
                take(&result.obligations, &mut used_obligations, |o| c.matches(o))
            }
            Check::Exemption(c) => take(&result.exemptions, &mut used_exemptions, |e| c.matches(e)),
            Check::Finding(c) => take(&result.findings, &mut used_findings, |f| c.matches(f)),
            Check::Fact(c) => take(&result.facts_needed, &mut used_facts, |f| c.matches(f)),
        };
        if !found {
            let rule = check.rule();
            let mut same_rule: Vec<String> = Vec::new();
            same_rule.extend(
                result
                    .obligations
                    .iter()
                    .filter(|o| o.rule == rule)
                    .map(show_obligation),
            );
            same_rule.extend(
                result
                    .exemptions
                    .iter()
                    .filter(|e| e.rule == rule)
                    .map(show_exemption),
            );
            same_rule.extend(
                result
                    .findings
                    .iter()
                    .filter(|f| f.rule == rule)
                    .map(show_finding),
            );
            same_rule.extend(
                result
                    .facts_needed
                    .iter()
                    .filter(|f| f.rule == rule)
                    .map(show_fact),
            );
            let actual = if same_rule.is_empty() {
                String::from("nothing for this rule")
            } else {
                same_rule.join("; ")
            };
            problems.push(format!(
                "expected {check:?}\n      but the result has: {actual}"
            ));
        }
    }
    let unexpected = result
        .obligations
        .iter()
        .zip(&used_obligations)
        .filter(|(_, used)| !**used)
        .map(|(o, _)| show_obligation(o))
        .chain(
            result
                .exemptions
                .iter()
                .zip(&used_exemptions)
                .filter(|(_, used)| !**used)
                .map(|(e, _)| show_exemption(e)),
        )
        .chain(
            result
                .findings
                .iter()
                .zip(&used_findings)
                .filter(|(_, used)| !**used)
                .map(|(f, _)| show_finding(f)),
        )
        .chain(
            result
                .facts_needed
                .iter()
                .zip(&used_facts)
                .filter(|(_, used)| !**used)
                .map(|(f, _)| show_fact(f)),
        );
    problems.extend(unexpected.map(|u| format!("unexpected {u}")));
    problems
}

/// A case file read and judged: its expectation and the result.
struct Judged {
    expect: String,
    checks: Vec<Check>,
    result: CheckResult,
}

fn judge(path: &Path) -> Result<Judged, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read: {e}"))?;
    let facts = read_case(&text).map_err(|e| format!("not a valid case: {}", e.one_line()))?;
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    if facts.case != stem {
        return Err(format!(
            "the case id `{}` differs from the file name `{stem}`",
            facts.case
        ));
    }
    let as_of = facts
        .as_of
        .ok_or("the case has no `as_of`: its result would depend on today")?;
    let meta = facts.meta.as_ref().ok_or("the case has no `meta`")?;
    let expect = meta
        .get("expect")
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .ok_or("`meta.expect` must be the expectation in words")?
        .to_string();
    let checks = meta
        .get("check")
        .and_then(Value::as_array)
        .ok_or("`meta.check` must be a list of check items")?
        .iter()
        .map(Check::parse)
        .collect::<Result<Vec<_>, _>>()?;
    let result = kzrules::eval::evaluate(program(), &facts, as_of)
        .map_err(|e| format!("evaluation failed: {e}"))?;
    Ok(Judged {
        expect,
        checks,
        result,
    })
}

#[test]
fn case() {
    let mut failures: Vec<String> = Vec::new();
    insta::glob!("cases/*.json", |path| {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match judge(path) {
            Err(e) => failures.push(format!("{name}: {e}")),
            Ok(judged) => {
                let problems = compare(&judged.result, &judged.checks);
                if problems.is_empty() {
                    let mut result = judged.result;
                    result.receipt = None;
                    insta::with_settings!({
                        description => judged.expect,
                        omit_expression => true,
                    }, {
                        insta::assert_json_snapshot!(result);
                    });
                } else {
                    // Shown at once too: a snapshot failure of another case ends the glob
                    // before the summary below.
                    let failure = format!(
                        "{name}: the result does not agree with `meta.check` (snapshot not compared)\n    expect: {}\n    {}",
                        judged.expect,
                        problems.join("\n    ")
                    );
                    eprintln!("{failure}\n");
                    failures.push(failure);
                }
            }
        }
    });
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// Every rule of the rule set is exercised by at least three case files: named in their
/// checks or in their file names.
#[test]
fn every_rule_has_cases() {
    let mut files_per_rule: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut checked_rules: BTreeSet<String> = BTreeSet::new();
    let mut files = 0;
    for entry in std::fs::read_dir(cases_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        files += 1;
        let value: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        // A file named `RULE__situation.json` exercises RULE, even when its check is
        // empty (a case where the rule rightly says nothing).
        if let Some((prefix, _)) = name.split_once("__") {
            files_per_rule
                .entry(prefix.to_string())
                .or_default()
                .insert(name.clone());
        }
        for item in value["meta"]["check"].as_array().into_iter().flatten() {
            let check = Check::parse(item).unwrap_or_else(|e| panic!("{name}: {e}"));
            checked_rules.insert(check.rule().to_string());
            files_per_rule
                .entry(check.rule().to_string())
                .or_default()
                .insert(name.clone());
        }
    }
    assert!(files > 0, "no case files in {}", cases_dir().display());
    let rules: BTreeSet<&str> = program().rules.iter().map(|r| r.id.as_str()).collect();
    let unknown: Vec<String> = checked_rules
        .iter()
        .filter(|r| !rules.contains(r.as_str()))
        .cloned()
        .collect();
    assert!(unknown.is_empty(), "checks name unknown rules: {unknown:?}");
    let thin: Vec<String> = rules
        .iter()
        .filter_map(|rule| {
            let n = files_per_rule.get(*rule).map_or(0, BTreeSet::len);
            (n < CASES_PER_RULE).then(|| format!("{rule}: {n}"))
        })
        .collect();
    assert!(
        thin.is_empty(),
        "rules checked by fewer than {CASES_PER_RULE} case files: {thin:?}"
    );
}
