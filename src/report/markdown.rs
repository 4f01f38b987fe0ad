//! Markdown summary output: a table with one row per case, for a CI job summary
//! (`$GITHUB_STEP_SUMMARY` and the like), and a totals line at the end.
//!
//! The table is streamed: [`header`], one [`row`] per case, [`footer`] with the
//! [`Totals`] the renderer counted on the way.

use crate::eval::result::{CheckResult, Severity, Status};
use crate::report::Outcome;

/// How many late or overdue obligations a row names before it says "and N more".
const LISTED: usize = 5;

/// Counts over a batch, for the totals line.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Totals {
    /// Cases seen, read or not.
    pub cases: usize,
    /// Cases that could not be read or judged.
    pub failed: usize,
    /// Obligations met in time.
    pub met: usize,
    /// Obligations not yet due.
    pub open: usize,
    /// Obligations fulfilled after their due day.
    pub late: usize,
    /// Obligations not fulfilled and past their due day.
    pub overdue: usize,
    /// Findings of severity `error`.
    pub error_findings: usize,
    /// The worst exit status so far: 0, 1 or 2.
    pub exit_code: u8,
}

impl Totals {
    /// Add the counts of another batch (the totals of cases counted elsewhere).
    pub fn merge(&mut self, other: &Totals) {
        self.cases += other.cases;
        self.failed += other.failed;
        self.met += other.met;
        self.open += other.open;
        self.late += other.late;
        self.overdue += other.overdue;
        self.error_findings += other.error_findings;
        self.exit_code = self.exit_code.max(other.exit_code);
    }

    /// Count one outcome.
    pub fn add(&mut self, outcome: &Outcome) {
        self.cases += 1;
        self.exit_code = self.exit_code.max(outcome.exit_code());
        match outcome {
            Outcome::Failed(_) => self.failed += 1,
            Outcome::Checked(r) => {
                let c = Counts::of(r);
                self.met += c.met;
                self.open += c.open;
                self.late += c.late;
                self.overdue += c.overdue;
                self.error_findings += c.errors;
            }
        }
    }
}

/// One case's counts.
struct Counts {
    met: usize,
    open: usize,
    late: usize,
    overdue: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
}

impl Counts {
    fn of(result: &CheckResult) -> Self {
        let status = |s: Status| result.obligations.iter().filter(|o| o.status == s).count();
        let severity = |s: Severity| result.findings.iter().filter(|f| f.severity == s).count();
        Counts {
            met: status(Status::Met),
            open: status(Status::Open),
            late: status(Status::Late),
            overdue: status(Status::Overdue),
            errors: severity(Severity::Error),
            warnings: severity(Severity::Warning),
            infos: severity(Severity::Info),
        }
    }
}

/// Text made safe for one table cell: `|` escaped, line breaks turned into spaces,
/// `<` and `&` written as entities so that nothing is taken for HTML.
fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '&' => out.push_str("&amp;"),
            '\r' | '\n' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// The heading and the table's head.
pub fn header() -> String {
    String::from(
        "## kzrules check\n\n\
         | case | met | open | late | overdue | findings | result |\n\
         |---|---:|---:|---:|---:|---|---|\n",
    )
}

/// The findings cell: `0`, or e.g. `1 error, 2 warnings`.
fn findings_cell(c: &Counts) -> String {
    let mut parts = Vec::new();
    if c.errors > 0 {
        parts.push(crate::english::counted(c.errors as u64, "error"));
    }
    if c.warnings > 0 {
        parts.push(crate::english::counted(c.warnings as u64, "warning"));
    }
    if c.infos > 0 {
        parts.push(format!("{} info", c.infos));
    }
    if parts.is_empty() {
        String::from("0")
    } else {
        parts.join(", ")
    }
}

/// The result cell of a judged case: ✅, or ❌ and what is wrong, compactly.
fn result_cell(result: &CheckResult) -> String {
    if result.exit_code() == 0 {
        return format!("✅{}", fees_note(result));
    }
    let mut wrong: Vec<String> = result
        .obligations
        .iter()
        .filter(|o| o.status.is_violation())
        .map(|o| format!("{} {} {} d", o.rule, o.status.as_str(), o.days_late))
        .collect();
    wrong.extend(
        result
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| format!("{} error", f.rule)),
    );
    let more = wrong.len().saturating_sub(LISTED);
    wrong.truncate(LISTED);
    let mut out = format!("❌ {}", wrong.join(", "));
    if more > 0 {
        out.push_str(&format!(" and {more} more"));
    }
    out.push_str(&fees_note(result));
    out
}

/// The state fees of a case, after its result: `; state fees 30.5 MCI`; nothing without fees.
fn fees_note(result: &CheckResult) -> String {
    if result.fees.is_empty() {
        return String::new();
    }
    let total: f64 = result.fees.iter().map(|f| f.fee_mci).sum();
    format!(
        "; state fees {} MCI ({})",
        (total * 100.0).round() / 100.0,
        crate::english::counted(result.fees.len() as u64, "fee")
    )
}

/// One case's row.
pub fn row(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Checked(r) => {
            let c = Counts::of(r);
            format!(
                "| {} | {} | {} | {} | {} | {} | {} |\n",
                cell(&r.case),
                c.met,
                c.open,
                c.late,
                c.overdue,
                cell(&findings_cell(&c)),
                cell(&result_cell(r))
            )
        }
        Outcome::Failed(f) => {
            let name = f.case.as_deref().unwrap_or(&f.input);
            format!(
                "| {} | – | – | – | – | – | {} |\n",
                cell(name),
                cell(&format!("❌ unreadable: {}", f.one_line()))
            )
        }
    }
}

/// A blank line and the totals line.
pub fn footer(totals: &Totals) -> String {
    let unreadable = if totals.failed > 0 {
        format!(" ({} unreadable)", totals.failed)
    } else {
        String::new()
    };
    let mark = if totals.exit_code == 0 { "✅" } else { "❌" };
    format!(
        "\n**Total:** {}{}: {} met, {} open, {} late, {} overdue, {}; {} exit {}\n",
        crate::english::counted(totals.cases as u64, "case"),
        unreadable,
        totals.met,
        totals.open,
        totals.late,
        totals.overdue,
        crate::english::counted(totals.error_findings as u64, "error finding"),
        mark,
        totals.exit_code
    )
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
    use crate::report::{CaseFailure, FailureDetail, Format, Renderer};

    fn result(json: &str) -> CheckResult {
        serde_json::from_str(json).unwrap()
    }

    const VIOLATING: &str = r#"{
      "case": "nu|2024|0042", "as_of": "2024-03-25",
      "obligations": [
        {"rule": "arrival_notification", "bearer": "host", "action": "notify",
         "trigger": {"event": "entry", "date": "2024-03-15"}, "due": "2024-03-19",
         "status": "late", "fulfilled_on": "2024-03-20", "days_late": 1, "citations": []},
        {"rule": "exit_registration", "bearer": "foreigner", "action": "leave",
         "trigger": {"event": "exit", "date": "2024-03-16"}, "due": "2024-03-18",
         "status": "overdue", "days_late": 7, "citations": []},
        {"rule": "visa_extension", "bearer": "foreigner", "action": "apply",
         "trigger": {"event": "expiry", "date": "2024-04-30"}, "due": "2024-04-20",
         "status": "open", "days_late": 0, "citations": []}
      ],
      "exemptions": [],
      "findings": [
        {"rule": "passport_validity", "severity": "error", "message": "short", "citations": []},
        {"rule": "stay_limit", "severity": "warning", "message": "close", "citations": []}
      ]
    }"#;

    const CLEAN: &str = r#"{
      "case": "ok-1", "as_of": "2024-03-25",
      "obligations": [
        {"rule": "arrival_notification", "bearer": "host", "action": "notify",
         "trigger": {"event": "entry", "date": "2024-03-15"}, "due": "2024-03-19",
         "status": "met", "fulfilled_on": "2024-03-19", "days_late": 0, "citations": []}
      ],
      "exemptions": [], "findings": []
    }"#;

    fn failure() -> Outcome {
        Outcome::Failed(Box::new(CaseFailure {
            case: Some(String::from("bad-1")),
            input: String::from("stdin line 3"),
            error: FailureDetail {
                code: String::from("kzrules::case::bad_date"),
                path: String::from("as_of"),
                line: None,
                column: None,
                message: String::from("a|b\nc"),
                help: None,
            },
        }))
    }

    #[test]
    fn rows() {
        let row_v = row(&Outcome::Checked(Box::new(result(VIOLATING))));
        assert_eq!(
            row_v,
            "| nu\\|2024\\|0042 | 0 | 1 | 1 | 1 | 1 error, 1 warning | ❌ arrival_notification late 1 d, \
             exit_registration overdue 7 d, passport_validity error |\n"
        );
        let row_c = row(&Outcome::Checked(Box::new(result(CLEAN))));
        assert_eq!(row_c, "| ok-1 | 1 | 0 | 0 | 0 | 0 | ✅ |\n");
        let row_f = row(&failure());
        assert_eq!(
            row_f,
            "| bad-1 | – | – | – | – | – | ❌ unreadable: stdin line 3: error[kzrules::case::bad_date]: as_of: a\\|b c |\n"
        );
    }

    #[test]
    fn table_through_renderer() {
        let mut r = Renderer::new(Format::Markdown, false);
        let mut out = r.header();
        out.push_str(&r.case(&Outcome::Checked(Box::new(result(VIOLATING)))));
        out.push_str(&r.case(&Outcome::Checked(Box::new(result(CLEAN)))));
        out.push_str(&r.case(&failure()));
        out.push_str(&r.footer());
        assert!(out.starts_with(
            "## kzrules check\n\n| case | met | open | late | overdue | findings | result |\n"
        ));
        assert!(out.ends_with(
            "\n\n**Total:** 3 cases (1 unreadable): 1 met, 1 open, 1 late, 1 overdue, 1 error finding; ❌ exit 2\n"
        ));
        // Every table line has the same number of unescaped cell separators.
        for line in out.lines().filter(|l| l.starts_with('|')) {
            assert_eq!(line.replace("\\|", "").matches('|').count(), 8, "{line}");
        }
    }

    #[test]
    fn long_lists_are_cut() {
        let mut r = result(VIOLATING);
        let o = r.obligations[1].clone();
        for _ in 0..6 {
            r.obligations.push(o.clone());
        }
        let out = row(&Outcome::Checked(Box::new(r)));
        assert!(out.contains("overdue 7 d and 4 more |"), "{out}");
    }

    #[test]
    fn empty_batch() {
        let t = Totals::default();
        assert_eq!(
            footer(&t),
            "\n**Total:** 0 cases: 0 met, 0 open, 0 late, 0 overdue, 0 error findings; ✅ exit 0\n"
        );
    }
}
