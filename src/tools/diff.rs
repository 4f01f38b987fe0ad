//! `kzrules diff`: what a rule change does to cases.
//!
//! Both rule sets judge every case on the same day (`--as-of`, else the case's `as_of`,
//! else today); each obligation, exemption and finding that appears, disappears or
//! changes is reported, grouped by rule. Obligations and exemptions are matched by
//! (rule, trigger event, trigger date), findings by (rule, message). The rule sets come
//! compiled (a folder, a single rule file or a git revision's `rules/`, read by
//! [`crate::load::rules`]); the report is a value, rendered as text, Markdown or JSON.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value;

use crate::case::read_case;
use crate::eval::result::{CheckResult, Exemption, Finding, Obligation, Trigger};
use crate::eval::{evaluate_with, judging_day, EvalError, Options};
use crate::ir::Program;
use crate::load::inputs::{read_case_file, CaseText, FolderError, ReadError};
use crate::report::text::penalty_text;
use crate::report::{CaseFailure, FailureDetail};
pub use crate::tools::rule_changes::{rule_changes, RuleChange, RuleChangeKind};

/// Output formats of `kzrules diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// For people.
    Text,
    /// For a review comment.
    Markdown,
    /// As data.
    Json,
}

/// What kind of result an item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// An obligation.
    Obligation,
    /// An exemption.
    Exemption,
    /// A finding.
    Finding,
}

impl ItemKind {
    /// The word used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Obligation => "obligation",
            ItemKind::Exemption => "exemption",
            ItemKind::Finding => "finding",
        }
    }
}

/// How an item changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// Only the new rules give it.
    Added,
    /// Only the old rules give it.
    Removed,
    /// Both give it, with different values.
    Changed,
}

impl Change {
    /// The word used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Changed => "changed",
        }
    }
}

/// One field that differs between the old and the new item.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    /// The field, e.g. `due`.
    pub field: String,
    /// The old value (`null` when absent).
    pub old: Value,
    /// The new value.
    pub new: Value,
    /// The old value in words.
    #[serde(skip)]
    pub old_text: String,
    /// The new value in words.
    #[serde(skip)]
    pub new_text: String,
}

/// One item of one case that appears, disappears or changes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemChange {
    /// The case's id.
    pub case: String,
    /// The case file.
    pub input: String,
    /// The day both rule sets judged the case on.
    pub as_of: NaiveDate,
    /// Obligation, exemption or finding.
    pub kind: ItemKind,
    /// Added, removed or changed.
    pub change: Change,
    /// The rule.
    pub rule: String,
    /// The trigger (obligations and exemptions).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trigger: Option<Trigger>,
    /// The message (findings).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The fields that differ (changed items).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldChange>,
    /// The item under the old rules.
    pub old: Option<Value>,
    /// The item under the new rules.
    pub new: Option<Value>,
    /// The item in words (added and removed items).
    #[serde(skip)]
    pub summary: String,
}

/// The changes of one rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleChanges {
    /// The rule.
    pub rule: String,
    /// How many cases it changed in.
    pub cases: usize,
    /// Items added.
    pub added: usize,
    /// Items removed.
    pub removed: usize,
    /// Items changed.
    pub changed: usize,
    /// Every change, by case in input order.
    pub changes: Vec<ItemChange>,
}

/// The whole report: the `--format json` output.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiffReport {
    /// The old rule set as given.
    pub old: String,
    /// The new rule set as given.
    pub new: String,
    /// How many cases were judged.
    pub cases: usize,
    /// The cases that could not be judged, in input order, each with its error as
    /// `kzrules check` gives it (left out when every case was judged).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unjudged: Vec<CaseFailure>,
    /// How many cases changed.
    pub cases_changed: usize,
    /// Items added, over all rules.
    pub added: usize,
    /// Items removed, over all rules.
    pub removed: usize,
    /// Items changed, over all rules.
    pub changed: usize,
    /// The changes, by rule id.
    pub rules: Vec<RuleChanges>,
    /// The rules whose definitions differ between the rule sets, whether or not a
    /// case's result changed (left out when none does).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rule_changes: Vec<RuleChange>,
}

// ---------------------------------------------------------------------------------------
// Reading the cases.
// ---------------------------------------------------------------------------------------

/// One case judged under both rule sets.
struct Judged {
    input: String,
    old: CheckResult,
    new: CheckResult,
}

/// The two rule sets of a diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The old rules.
    Old,
    /// The new rules.
    New,
}

impl Side {
    /// The word used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Old => "old",
            Side::New => "new",
        }
    }
}

/// Why a case could not be judged under both rule sets.
#[derive(Debug)]
pub enum JudgeError {
    /// The case file could not be read as text.
    Read {
        /// The case file.
        input: String,
        /// Why.
        error: ReadError,
    },
    /// The case reader refused the case.
    Case(Box<CaseFailure>),
    /// One rule set could not judge the case.
    Eval {
        /// The case file.
        input: String,
        /// The case's id.
        case: String,
        /// Which rule set.
        side: Side,
        /// Why.
        error: EvalError,
    },
}

impl JudgeError {
    /// The case that could not be judged, as `kzrules check` reports a case it could
    /// not check.
    pub fn failure(&self) -> CaseFailure {
        match self {
            JudgeError::Read { input, error } => {
                let mut detail = FailureDetail::from(error);
                // Only an oversized case and a folder are shown with their fix here.
                if !matches!(error, ReadError::FileTooLarge(_) | ReadError::Folder(_)) {
                    detail.help = None;
                }
                CaseFailure {
                    case: None,
                    input: input.clone(),
                    error: detail,
                }
            }
            JudgeError::Case(failure) => (**failure).clone(),
            JudgeError::Eval {
                input,
                case,
                side,
                error,
            } => CaseFailure {
                case: Some(case.clone()),
                input: input.clone(),
                error: FailureDetail {
                    code: error.code().to_string(),
                    path: String::new(),
                    line: None,
                    column: None,
                    message: format!("under the {} rules: {error}", side.as_str()),
                    help: None,
                },
            },
        }
    }

    /// `input: error[code]: message`, one line.
    pub fn one_line(&self) -> String {
        self.failure().one_line()
    }
}

fn judge(
    file: Result<PathBuf, FolderError>,
    old: &Program,
    new: &Program,
    as_of: Option<NaiveDate>,
) -> Result<Judged, JudgeError> {
    let CaseText { input, text } = match file {
        Ok(path) => read_case_file(&path),
        Err(error) => CaseText::failed(error),
    };
    let text = match text {
        Ok(text) => text,
        Err(error) => return Err(JudgeError::Read { input, error }),
    };
    // Read against the new rule set's vocabulary: a kind only the old one declares is
    // reported as unknown.
    let facts = read_case(&text, &new.vocabulary)
        .map_err(|e| JudgeError::Case(Box::new(CaseFailure::unreadable(&input, &e))))?;
    let day = judging_day(as_of, facts.as_of);
    let run = |program: &Program, side: Side| {
        evaluate_with(program, &facts, day, Options::default())
            .map(|(r, _)| r)
            .map_err(|error| JudgeError::Eval {
                input: input.clone(),
                case: facts.case.clone(),
                side,
                error,
            })
    };
    let old = run(old, Side::Old)?;
    let new = run(new, Side::New)?;
    Ok(Judged { input, old, new })
}

// ---------------------------------------------------------------------------------------
// Comparing.
// ---------------------------------------------------------------------------------------

fn date_text(d: Option<NaiveDate>) -> String {
    d.map_or(String::from("none"), |d| d.to_string())
}

fn penalty_value(o: &Obligation) -> Value {
    match &o.penalty {
        None => Value::Null,
        Some(p) => serde_json::json!({
            "article": p.article,
            "warning": p.warning,
            "fine_mci": p.fine_mci,
            "fine_kzt": p.fine_kzt,
        }),
    }
}

/// The compared fields of an obligation: (name, value, words).
fn obligation_fields(o: &Obligation) -> Vec<(&'static str, Value, String)> {
    vec![
        ("due", Value::String(o.due.to_string()), o.due.to_string()),
        (
            "status",
            Value::String(o.status.as_str().to_string()),
            o.status.as_str().to_string(),
        ),
        (
            "days_late",
            Value::from(o.days_late),
            o.days_late.to_string(),
        ),
        (
            "fulfilled_on",
            o.fulfilled_on
                .map_or(Value::Null, |d| Value::String(d.to_string())),
            date_text(o.fulfilled_on),
        ),
        (
            "penalty",
            penalty_value(o),
            penalty_text(o).unwrap_or_else(|| String::from("none")),
        ),
        (
            "bearer",
            Value::String(o.bearer.as_str().to_string()),
            o.bearer.as_str().to_string(),
        ),
    ]
}

fn exemption_fields(e: &Exemption) -> Vec<(&'static str, Value, String)> {
    vec![("reason", Value::String(e.reason.clone()), e.reason.clone())]
}

fn finding_fields(f: &Finding) -> Vec<(&'static str, Value, String)> {
    vec![
        (
            "severity",
            Value::String(f.severity.as_str().to_string()),
            f.severity.as_str().to_string(),
        ),
        (
            "detail",
            f.detail.clone().map_or(Value::Null, Value::String),
            f.detail.clone().unwrap_or_else(|| String::from("none")),
        ),
    ]
}

fn obligation_summary(o: &Obligation) -> String {
    let mut s = format!("due {}, {}", o.due, o.status.as_str());
    if o.days_late == 1 {
        s.push_str(", 1 day late");
    } else if o.days_late > 1 {
        s.push_str(&format!(", {} days late", o.days_late));
    }
    if let Some(d) = o.fulfilled_on {
        s.push_str(&format!(", done {d}"));
    }
    if let Some(p) = penalty_text(o) {
        s.push_str(&format!(", {p}"));
    }
    s
}

/// A comparable item: its key, fields, JSON and words.
struct Item {
    kind: ItemKind,
    rule: String,
    trigger: Option<Trigger>,
    message: Option<String>,
    fields: Vec<(&'static str, Value, String)>,
    json: Value,
    summary: String,
}

impl Item {
    fn key(
        &self,
    ) -> (
        ItemKind,
        String,
        Option<(String, NaiveDate)>,
        Option<String>,
    ) {
        (
            self.kind,
            self.rule.clone(),
            self.trigger.as_ref().map(|t| (t.event.clone(), t.date)),
            self.message.clone(),
        )
    }
}

fn items(result: &CheckResult) -> Vec<Item> {
    let mut out = Vec::new();
    for o in &result.obligations {
        out.push(Item {
            kind: ItemKind::Obligation,
            rule: o.rule.clone(),
            trigger: Some(o.trigger.clone()),
            message: None,
            fields: obligation_fields(o),
            json: serde_json::to_value(o).unwrap_or(Value::Null),
            summary: obligation_summary(o),
        });
    }
    for e in &result.exemptions {
        out.push(Item {
            kind: ItemKind::Exemption,
            rule: e.rule.clone(),
            trigger: e.trigger.clone(),
            message: None,
            fields: exemption_fields(e),
            json: serde_json::to_value(e).unwrap_or(Value::Null),
            summary: e.reason.clone(),
        });
    }
    for f in &result.findings {
        out.push(Item {
            kind: ItemKind::Finding,
            rule: f.rule.clone(),
            trigger: None,
            message: Some(f.message.clone()),
            fields: finding_fields(f),
            json: serde_json::to_value(f).unwrap_or(Value::Null),
            summary: format!("{}: {}", f.severity.as_str(), f.message),
        });
    }
    out
}

/// The changes of one case; items with the same key are paired in order.
fn compare_case(judged: &Judged) -> Vec<ItemChange> {
    type Key = (
        ItemKind,
        String,
        Option<(String, NaiveDate)>,
        Option<String>,
    );
    let mut groups: BTreeMap<Key, (Vec<Item>, Vec<Item>)> = BTreeMap::new();
    for item in items(&judged.old) {
        groups.entry(item.key()).or_default().0.push(item);
    }
    for item in items(&judged.new) {
        groups.entry(item.key()).or_default().1.push(item);
    }
    let base = |item: &Item, change: Change| ItemChange {
        case: judged.new.case.clone(),
        input: judged.input.clone(),
        as_of: judged.new.as_of,
        kind: item.kind,
        change,
        rule: item.rule.clone(),
        trigger: item.trigger.clone(),
        message: item.message.clone(),
        fields: Vec::new(),
        old: None,
        new: None,
        summary: item.summary.clone(),
    };
    let mut out = Vec::new();
    for (_, (old, new)) in groups {
        let mut old = old.into_iter();
        let mut new = new.into_iter();
        loop {
            match (old.next(), new.next()) {
                (None, None) => break,
                (Some(o), None) => {
                    let mut c = base(&o, Change::Removed);
                    c.old = Some(o.json);
                    out.push(c);
                }
                (None, Some(n)) => {
                    let mut c = base(&n, Change::Added);
                    c.new = Some(n.json);
                    out.push(c);
                }
                (Some(o), Some(n)) => {
                    let fields: Vec<FieldChange> = o
                        .fields
                        .iter()
                        .zip(&n.fields)
                        .filter(|(a, b)| a.1 != b.1)
                        .map(|(a, b)| FieldChange {
                            field: a.0.to_string(),
                            old: a.1.clone(),
                            new: b.1.clone(),
                            old_text: a.2.clone(),
                            new_text: b.2.clone(),
                        })
                        .collect();
                    if !fields.is_empty() {
                        let mut c = base(&n, Change::Changed);
                        c.fields = fields;
                        c.old = Some(o.json);
                        c.new = Some(n.json);
                        out.push(c);
                    }
                }
            }
        }
    }
    out
}

/// Build the report from every case's changes (in case order).
fn report(
    old: &str,
    new: &str,
    cases: usize,
    changes: Vec<Vec<ItemChange>>,
    unjudged: Vec<CaseFailure>,
) -> DiffReport {
    let cases_changed = changes.iter().filter(|c| !c.is_empty()).count();
    let mut by_rule: BTreeMap<String, RuleChanges> = BTreeMap::new();
    for case_changes in changes {
        for change in case_changes {
            let entry = by_rule
                .entry(change.rule.clone())
                .or_insert_with(|| RuleChanges {
                    rule: change.rule.clone(),
                    cases: 0,
                    added: 0,
                    removed: 0,
                    changed: 0,
                    changes: Vec::new(),
                });
            match change.change {
                Change::Added => entry.added += 1,
                Change::Removed => entry.removed += 1,
                Change::Changed => entry.changed += 1,
            }
            // A rule's changes arrive case by case: count a case once.
            let new_case = entry
                .changes
                .last()
                .is_none_or(|last| last.input != change.input || last.case != change.case);
            if new_case {
                entry.cases += 1;
            }
            entry.changes.push(change);
        }
    }
    let rules: Vec<RuleChanges> = by_rule.into_values().collect();
    DiffReport {
        old: old.to_string(),
        new: new.to_string(),
        cases,
        unjudged,
        cases_changed,
        added: rules.iter().map(|r| r.added).sum(),
        removed: rules.iter().map(|r| r.removed).sum(),
        changed: rules.iter().map(|r| r.changed).sum(),
        rules,
        rule_changes: Vec::new(),
    }
}

// ---------------------------------------------------------------------------------------
// Rendering.
// ---------------------------------------------------------------------------------------

fn item_label(c: &ItemChange) -> String {
    match (&c.trigger, &c.message) {
        (Some(t), _) => format!("{}, {} on {}", c.kind.as_str(), t.event, t.date),
        (None, Some(m)) => format!("{} \"{m}\"", c.kind.as_str()),
        (None, None) => c.kind.as_str().to_string(),
    }
}

fn counts(added: usize, removed: usize, changed: usize) -> String {
    format!("{added} added, {removed} removed, {changed} changed")
}

/// The report for people.
pub fn render_text(r: &DiffReport) -> String {
    let mut out = format!(
        "kzrules diff: old `{}`, new `{}`: {} cases judged, {} changed\n",
        r.old, r.new, r.cases, r.cases_changed
    );
    if !r.unjudged.is_empty() {
        out.push_str(&format!(
            "could not judge {}:\n",
            crate::english::counted(u64::try_from(r.unjudged.len()).unwrap_or(u64::MAX), "case")
        ));
        for failure in &r.unjudged {
            out.push_str(&format!("  {}\n", failure.one_line()));
        }
    }
    out.push_str(&r.rule_changes_text());
    if r.rules.is_empty() {
        let text = if r.unjudged.is_empty() {
            "every case gives the same obligations, exemptions and findings under both rule sets\n"
        } else {
            "every case judged gives the same obligations, exemptions and findings under both rule sets\n"
        };
        if r.rule_changes.is_empty() {
            out.push_str("no change: ");
        } else {
            out.push_str("\nno case result changed: ");
        }
        out.push_str(text);
        return out;
    }
    for rule in &r.rules {
        out.push_str(&format!(
            "\n{}: {} in {} case{}\n",
            rule.rule,
            counts(rule.added, rule.removed, rule.changed),
            rule.cases,
            if rule.cases == 1 { "" } else { "s" }
        ));
        let mut last_case: Option<(&str, &str)> = None;
        for c in &rule.changes {
            if last_case != Some((c.input.as_str(), c.case.as_str())) {
                out.push_str(&format!(
                    "  case {} ({}, as of {})\n",
                    c.case, c.input, c.as_of
                ));
                last_case = Some((c.input.as_str(), c.case.as_str()));
            }
            let mark = match c.change {
                Change::Added => "+",
                Change::Removed => "-",
                Change::Changed => "~",
            };
            let what = match c.change {
                Change::Changed => c
                    .fields
                    .iter()
                    .map(|f| format!("{} {} -> {}", f.field, f.old_text, f.new_text))
                    .collect::<Vec<_>>()
                    .join("; "),
                _ => c.summary.clone(),
            };
            out.push_str(&format!(
                "    {mark} {} {}: {what}\n",
                c.change.as_str(),
                item_label(c)
            ));
        }
    }
    out.push_str(&format!(
        "\nsummary: {} of {} cases changed; {}\n",
        r.cases_changed,
        r.cases,
        counts(r.added, r.removed, r.changed)
    ));
    let width = r.rules.iter().map(|x| x.rule.len()).max().unwrap_or(0);
    for rule in &r.rules {
        out.push_str(&format!(
            "  {:<width$}  {} ({} case{})\n",
            rule.rule,
            counts(rule.added, rule.removed, rule.changed),
            rule.cases,
            if rule.cases == 1 { "" } else { "s" }
        ));
    }
    out
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// The report as a Markdown review comment: a summary table, then a table per rule.
pub fn render_markdown(r: &DiffReport) -> String {
    let mut out = format!(
        "## kzrules diff: `{}` → `{}`\n\n{} cases judged, {} changed.\n",
        cell(&r.old),
        cell(&r.new),
        r.cases,
        r.cases_changed
    );
    if !r.unjudged.is_empty() {
        out.push_str(&format!(
            "\n**Could not judge {}:**\n\n",
            crate::english::counted(u64::try_from(r.unjudged.len()).unwrap_or(u64::MAX), "case")
        ));
        for failure in &r.unjudged {
            out.push_str(&format!(
                "- `{}`: {}\n",
                cell(&failure.input).replace('`', "'"),
                cell(&failure.one_line())
            ));
        }
    }
    out.push_str(&r.rule_changes_markdown());
    if r.rules.is_empty() {
        out.push_str(if r.unjudged.is_empty() {
            "\nNo change: every case gives the same obligations, exemptions and findings under both rule sets.\n"
        } else {
            "\nNo change: every case judged gives the same obligations, exemptions and findings under both rule sets.\n"
        });
        return out;
    }
    out.push_str("\n| rule | cases | added | removed | changed |\n|---|---:|---:|---:|---:|\n");
    for rule in &r.rules {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            rule.rule, rule.cases, rule.added, rule.removed, rule.changed
        ));
    }
    for rule in &r.rules {
        out.push_str(&format!(
            "\n### `{}`\n\n| case | item | change | old | new |\n|---|---|---|---|---|\n",
            rule.rule
        ));
        for c in &rule.changes {
            let (old, new) = match c.change {
                Change::Added => (String::from("—"), c.summary.clone()),
                Change::Removed => (c.summary.clone(), String::from("—")),
                Change::Changed => (
                    c.fields
                        .iter()
                        .map(|f| format!("{}: {}", f.field, f.old_text))
                        .collect::<Vec<_>>()
                        .join("<br>"),
                    c.fields
                        .iter()
                        .map(|f| format!("{}: {}", f.field, f.new_text))
                        .collect::<Vec<_>>()
                        .join("<br>"),
                ),
            };
            out.push_str(&format!(
                "| `{}` ({}) | {} | {} | {} | {} |\n",
                cell(&c.case),
                cell(&c.input),
                cell(&item_label(c)),
                c.change.as_str(),
                cell(&old),
                cell(&new)
            ));
        }
    }
    out
}

/// The report as JSON (its shape is documented in docs/ci.md).
pub fn render_json(r: &DiffReport) -> String {
    let mut s = serde_json::to_string_pretty(r).unwrap_or_default();
    s.push('\n');
    s
}

/// The report in one format.
pub fn render(r: &DiffReport, format: DiffFormat) -> String {
    match format {
        DiffFormat::Text => render_text(r),
        DiffFormat::Markdown => render_markdown(r),
        DiffFormat::Json => render_json(r),
    }
}

impl DiffReport {
    /// Whether a case gives a different result under the new rules, or a rule's
    /// definition differs.
    pub fn changed(&self) -> bool {
        !self.rules.is_empty() || !self.rule_changes.is_empty()
    }

    /// The rule definitions that changed, one line each (text).
    fn rule_changes_text(&self) -> String {
        if self.rule_changes.is_empty() {
            return String::new();
        }
        let mut out = format!(
            "\nrules whose definition changed: {}\n",
            self.rule_changes.len()
        );
        for c in &self.rule_changes {
            out.push_str(&format!("  {}\n", c.line()));
        }
        out
    }

    /// The rule definitions that changed, as a Markdown list.
    fn rule_changes_markdown(&self) -> String {
        if self.rule_changes.is_empty() {
            return String::new();
        }
        let mut out = String::from("\n**Rules whose definition changed:**\n\n");
        for c in &self.rule_changes {
            out.push_str(&format!("- {}\n", cell(&c.line())));
        }
        out
    }
}

/// Judge each case file under the old and the new rules (named `old_name` and
/// `new_name` in the report) on the same day, and report what changed. A case that
/// cannot be read or judged (or a place of a folder that cannot be walked) is reported
/// as such, in input order, and the others are compared.
pub fn diff(
    (old_name, old): (&str, &Program),
    (new_name, new): (&str, &Program),
    files: Vec<Result<PathBuf, FolderError>>,
    as_of: Option<NaiveDate>,
) -> DiffReport {
    let judged: Vec<Result<Judged, JudgeError>> = files
        .into_par_iter()
        .map(|f| judge(f, old, new, as_of))
        .collect();
    let mut changes = Vec::new();
    let mut unjudged = Vec::new();
    let mut exercised: BTreeMap<String, usize> = BTreeMap::new();
    for j in judged {
        match j {
            Ok(judged) => {
                let mut rules: BTreeSet<&str> = BTreeSet::new();
                for result in [&judged.old, &judged.new] {
                    rules.extend(result.obligations.iter().map(|o| o.rule.as_str()));
                    rules.extend(result.exemptions.iter().map(|e| e.rule.as_str()));
                    rules.extend(result.findings.iter().map(|f| f.rule.as_str()));
                    rules.extend(result.facts_needed.iter().map(|f| f.rule.as_str()));
                }
                for rule in rules {
                    *exercised.entry(rule.to_string()).or_default() += 1;
                }
                changes.push(compare_case(&judged));
            }
            Err(e) => unjudged.push(e.failure()),
        }
    }
    let mut report = report(old_name, new_name, changes.len(), changes, unjudged);
    report.rule_changes = rule_changes(old, new, &exercised);
    report
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
    use crate::eval::result::{Bearer, Penalty, Severity, Status};

    fn obligation(rule: &str, due: &str, status: Status, days_late: i64) -> Obligation {
        Obligation {
            rule: rule.to_string(),
            bearer: Bearer::Host,
            action: String::from("act"),
            trigger: Trigger {
                event: String::from("entry"),
                date: NaiveDate::from_ymd_opt(2024, 3, 15).unwrap(),
                id: None,
            },
            due: due.parse().unwrap(),
            status,
            fulfilled_on: None,
            days_late,
            penalty: (days_late > 0).then(|| Penalty {
                article: String::from("518 part 1"),
                warning: false,
                fine_mci: [20, 20],
                fine_kzt: Some([73840, 73840]),
                note: None,
                mci_kzt: Some(3692),
                citations: Vec::new().into(),
            }),
            citations: Vec::new().into(),
            provisional: None,
        }
    }

    fn result(obligations: Vec<Obligation>, findings: Vec<Finding>) -> CheckResult {
        CheckResult {
            case: String::from("c"),
            as_of: NaiveDate::from_ymd_opt(2024, 3, 25).unwrap(),
            obligations,
            exemptions: Vec::new(),
            findings,
            facts_needed: Vec::new(),
            fees: Vec::new(),
            allowance: Vec::new(),
            parties: Default::default(),
            timeline: Default::default(),
            receipt: None,
        }
    }

    #[test]
    fn changes_are_matched_by_rule_and_trigger() {
        let finding = Finding {
            rule: String::from("tax_residency"),
            severity: Severity::Info,
            message: String::from("m"),
            detail: None,
            citations: Vec::new().into(),
        };
        let judged = Judged {
            input: String::from("c.json"),
            old: result(
                vec![
                    obligation("arrival_notification", "2024-03-19", Status::Overdue, 6),
                    obligation("visa_stay", "2025-01-09", Status::Open, 0),
                ],
                vec![finding],
            ),
            new: result(
                vec![
                    obligation("arrival_notification", "2024-03-21", Status::Overdue, 4),
                    obligation("visa_stay", "2025-01-09", Status::Open, 0),
                ],
                Vec::new(),
            ),
        };
        let changes = compare_case(&judged);
        assert_eq!(changes.len(), 2);
        let arrival = changes
            .iter()
            .find(|c| c.rule == "arrival_notification")
            .unwrap();
        assert_eq!(arrival.change, Change::Changed);
        let fields: Vec<&str> = arrival.fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["due", "days_late"]);
        let tax = changes.iter().find(|c| c.rule == "tax_residency").unwrap();
        assert_eq!(tax.change, Change::Removed);

        let report = report("a", "b", 1, vec![changes], Vec::new());
        assert_eq!(
            (report.cases_changed, report.changed, report.removed),
            (1, 1, 1)
        );
        let text = render_text(&report);
        assert!(text.contains("due 2024-03-19 -> 2024-03-21"), "{text}");
        let markdown = render_markdown(&report);
        assert!(
            markdown.contains("### `arrival_notification`"),
            "{markdown}"
        );
        let json: Value = serde_json::from_str(&render_json(&report)).unwrap();
        assert_eq!(
            json["rules"][0]["changes"][0]["fields"][0]["new"],
            "2024-03-21"
        );
    }
}
