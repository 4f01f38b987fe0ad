//! JUnit XML output: one test suite per case, one test case per obligation and per
//! finding, so that CI systems show late and overdue duties as failed tests.
//!
//! The document is streamed: [`header`], one [`suite`] per case, [`footer`]. That is
//! why the `<testsuites>` element carries no totals. Every text taken from a case or a
//! rule is escaped for XML 1.0; characters XML 1.0 forbids are replaced by U+FFFD.

use std::fmt::Write as _;

use crate::eval::result::{CheckResult, Citation, Finding, Obligation, Severity, Status};
use crate::report::escape::{xml_attribute, xml_text};
use crate::report::text::{cite, penalty_text};
use crate::report::{CaseFailure, Outcome};

/// The document's start: the XML declaration and the opening `<testsuites>` tag.
pub fn header() -> String {
    String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"kzrules\">\n")
}

/// One case as a `<testsuite>`: a test case per obligation (late and overdue ones
/// fail) and per finding (error findings fail); a case that could not be read is a
/// suite with one test case in error.
pub fn suite(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Checked(result) => checked_suite(result),
        Outcome::Failed(failure) => failed_suite(failure),
    }
}

/// The document's end: the closing `</testsuites>` tag.
pub fn footer() -> String {
    String::from("</testsuites>\n")
}

/// Every citation, one per line.
fn citation_lines(citations: &[Citation]) -> String {
    let mut out = String::new();
    for c in citations {
        let seed = c
            .seed
            .as_ref()
            .map(|s| format!(" [{s}]"))
            .unwrap_or_default();
        let _ = writeln!(out, "  {}, {}{}", c.source, c.reference, seed);
    }
    out
}

/// `rule: event on date, due date`: stable across runs of the same case.
fn obligation_name(o: &Obligation) -> String {
    let id = o
        .trigger
        .id
        .as_ref()
        .map(|i| format!(" ({i})"))
        .unwrap_or_default();
    format!(
        "{}: {}{} on {}, due {}",
        o.rule, o.trigger.event, id, o.trigger.date, o.due
    )
}

/// The one-line failure message of a late or overdue obligation.
fn obligation_message(o: &Obligation) -> String {
    let mut parts = vec![format!(
        "{}: {} late, due {}",
        o.status.as_str(),
        crate::english::counted(o.days_late.unsigned_abs(), "day"),
        o.due
    )];
    if let Some(p) = penalty_text(o) {
        parts.push(format!("penalty {p}"));
    }
    let c = cite(&o.citations);
    if !c.is_empty() {
        parts.push(c);
    }
    parts.join("; ")
}

/// The longer description in a failure's body.
fn obligation_body(o: &Obligation) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} must {}", o.bearer.as_str(), o.action);
    let _ = writeln!(out, "trigger: {} on {}", o.trigger.event, o.trigger.date);
    let _ = writeln!(out, "due: {}", o.due);
    let _ = writeln!(out, "status: {}", o.status.as_str());
    match o.fulfilled_on {
        Some(d) => {
            let _ = writeln!(out, "fulfilled on: {d}");
        }
        None => {
            let _ = writeln!(out, "not fulfilled");
        }
    }
    if o.days_late > 0 {
        let _ = writeln!(out, "days late: {}", o.days_late);
    }
    if let Some(p) = penalty_text(o) {
        let _ = writeln!(out, "penalty: {p}");
    }
    if !o.citations.is_empty() {
        let _ = writeln!(out, "citations:");
        out.push_str(&citation_lines(&o.citations));
    }
    out
}

fn obligation_case(out: &mut String, o: &Obligation) {
    let _ = write!(
        out,
        "    <testcase classname=\"{}\" name=\"{}\"",
        xml_attribute(&o.rule),
        xml_attribute(&obligation_name(o))
    );
    match o.status {
        Status::Late | Status::Overdue => {
            let _ = write!(
                out,
                ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>\n",
                xml_attribute(&obligation_message(o)),
                o.status.as_str(),
                xml_text(&obligation_body(o))
            );
        }
        Status::Met | Status::Open => {
            let _ = write!(
                out,
                ">\n      <system-out>{}</system-out>\n    </testcase>\n",
                xml_text(&obligation_body(o))
            );
        }
    }
}

/// `severity: message (detail); citation`.
fn finding_message(f: &Finding) -> String {
    let detail = f
        .detail
        .as_ref()
        .map(|d| format!(" ({d})"))
        .unwrap_or_default();
    let c = cite(&f.citations);
    let c = if c.is_empty() { c } else { format!("; {c}") };
    format!("{}: {}{}{}", f.severity.as_str(), f.message, detail, c)
}

fn finding_case(out: &mut String, f: &Finding) {
    let _ = writeln!(
        out,
        "    <testcase classname=\"{}\" name=\"{}\">",
        xml_attribute(&f.rule),
        xml_attribute(&format!("{}: {}", f.rule, f.message))
    );
    let mut body = finding_message(f);
    body.push('\n');
    if !f.citations.is_empty() {
        body.push_str("citations:\n");
        body.push_str(&citation_lines(&f.citations));
    }
    if f.severity == Severity::Error {
        let _ = writeln!(
            out,
            "      <failure message=\"{}\" type=\"error\">{}</failure>",
            xml_attribute(&finding_message(f)),
            xml_text(&body)
        );
    } else {
        let _ = writeln!(out, "      <system-out>{}</system-out>", xml_text(&body));
    }
    out.push_str("    </testcase>\n");
}

/// Exemptions and facts still needed: not tests, but worth reading.
fn suite_notes(result: &CheckResult) -> String {
    let mut out = String::new();
    for e in &result.exemptions {
        let on = e
            .trigger
            .as_ref()
            .map(|t| format!(" ({})", t.words()))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "exempt: {}: {}{}; {}",
            e.rule,
            e.reason,
            on,
            cite(&e.citations)
        );
    }
    for f in &result.fees {
        let _ = writeln!(
            out,
            "state fee: {}: {}; {}",
            f.what,
            f.amount_words(),
            cite(&f.citations)
        );
    }
    for n in &result.facts_needed {
        let _ = writeln!(out, "fact needed: {}: `{}`: {}", n.rule, n.fact, n.reason);
    }
    out
}

fn checked_suite(result: &CheckResult) -> String {
    let tests = result.obligations.len() + result.findings.len();
    let failures = result
        .obligations
        .iter()
        .filter(|o| o.status.is_violation())
        .count()
        + result
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\">",
        xml_attribute(&result.case)
    );
    out.push_str("    <properties>\n");
    let _ = writeln!(
        out,
        "      <property name=\"as_of\" value=\"{}\"/>",
        result.as_of
    );
    if let Some(r) = &result.receipt {
        let _ = writeln!(
            out,
            "      <property name=\"kzrules\" value=\"{}\"/>",
            xml_attribute(&r.kzrules)
        );
        let _ = writeln!(
            out,
            "      <property name=\"rules_sha256\" value=\"{}\"/>",
            xml_attribute(&r.rules_sha256)
        );
        if let Some(rules) = &r.rules {
            let _ = writeln!(
                out,
                "      <property name=\"rules\" value=\"{}\"/>",
                xml_attribute(rules)
            );
        }
    }
    out.push_str("    </properties>\n");
    for o in &result.obligations {
        obligation_case(&mut out, o);
    }
    for f in &result.findings {
        finding_case(&mut out, f);
    }
    let notes = suite_notes(result);
    if !notes.is_empty() {
        let _ = writeln!(out, "    <system-out>{}</system-out>", xml_text(&notes));
    }
    out.push_str("  </testsuite>\n");
    out
}

fn failed_suite(failure: &CaseFailure) -> String {
    let name = failure.case.as_deref().unwrap_or(&failure.input);
    let line = failure.one_line();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "  <testsuite name=\"{}\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\">",
        xml_attribute(name)
    );
    let _ = writeln!(
        out,
        "    <testcase classname=\"kzrules.input\" name=\"{}\">",
        xml_attribute(&failure.input)
    );
    let _ = writeln!(
        out,
        "      <error message=\"{}\" type=\"{}\">{}</error>",
        xml_attribute(&line),
        xml_attribute(&failure.error.code),
        xml_text(&line)
    );
    out.push_str("    </testcase>\n  </testsuite>\n");
    out
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
    use crate::report::escape::xml_allowed;
    use crate::report::FailureDetail;

    pub(crate) const CASE: &str = r#"{
      "case": "nu-2024-0042 <&> \"q\" 'a'",
      "as_of": "2024-03-25",
      "obligations": [
        {"rule": "arrival_notification", "bearer": "host",
         "action": "notify the migration service of the foreigner's arrival",
         "trigger": {"event": "entry", "date": "2024-03-15"},
         "due": "2024-03-19", "status": "met", "fulfilled_on": "2024-03-19", "days_late": 0,
         "citations": [{"source": "Law On Population Migration", "ref": "art. 6 para. 4",
                        "seed": "002_8e643583c74fac94.txt"}]},
        {"rule": "address_change", "bearer": "host", "action": "report the new address",
         "trigger": {"event": "address_change", "date": "2024-03-16"},
         "due": "2024-03-20", "status": "late", "fulfilled_on": "2024-03-21", "days_late": 1,
         "penalty": {"article": "518 part 1", "warning": true, "fine_mci": [10, 20],
                     "fine_kzt": [36920, 73840], "mci_kzt": 3692},
         "citations": [{"source": "Rules \u0001of <registration>", "ref": "para. 7"}]},
        {"rule": "exit_registration", "bearer": "foreigner", "action": "leave & deregister",
         "trigger": {"event": "exit", "date": "2024-03-17"},
         "due": "2024-03-18", "status": "overdue", "days_late": 7,
         "citations": [{"source": "Law", "ref": "art. 9"}]},
        {"rule": "visa_extension", "bearer": "foreigner", "action": "apply to extend the visa",
         "trigger": {"event": "expiry", "date": "2024-04-30"},
         "due": "2024-04-20", "status": "open", "days_late": 0,
         "citations": [{"source": "Law", "ref": "art. 10"}]}
      ],
      "exemptions": [
        {"rule": "temporary_residence_permit", "reason": "holds a Kazakhstan visa",
         "citations": [{"source": "Law", "ref": "art. 11"}]}
      ],
      "findings": [
        {"rule": "passport_validity", "severity": "error",
         "message": "passport expires less than 3 months after the visa", "citations": []},
        {"rule": "stay_limit", "severity": "warning", "message": "90 of 90 days used",
         "detail": "2024-01-01..2024-03-25", "citations": [{"source": "Law", "ref": "art. 12"}]},
        {"rule": "tax_residency", "severity": "info", "message": "not a tax resident", "citations": []}
      ]
    }"#;

    pub(crate) fn result() -> CheckResult {
        serde_json::from_str(CASE).unwrap()
    }

    fn failure() -> CaseFailure {
        CaseFailure {
            case: None,
            input: String::from("cases/bad <1>.json"),
            error: FailureDetail {
                code: String::from("kzrules::case::bad_date"),
                path: String::from("events[0].date"),
                line: Some(3),
                column: Some(14),
                message: String::from("\"2024-02-30\" is not a date"),
                help: Some(String::from("write YYYY-MM-DD")),
            },
        }
    }

    /// A small XML 1.0 well-formedness check: one root, balanced tags, quoted and
    /// unique attributes, known entities, no forbidden characters, no stray `<`/`&`.
    fn well_formed(doc: &str) -> Result<Vec<String>, String> {
        let rest = doc
            .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
            .ok_or("no declaration")?;
        if let Some(c) = rest.chars().find(|c| !xml_allowed(*c)) {
            return Err(format!("forbidden character {c:?}"));
        }
        let check_refs = |s: &str| -> Result<(), String> {
            let mut it = s.split('&');
            it.next();
            for part in it {
                let end = part.find(';').ok_or("unterminated reference")?;
                let name = &part[..end];
                let ok = matches!(name, "amp" | "lt" | "gt" | "quot" | "apos")
                    || name
                        .strip_prefix('#')
                        .and_then(|n| n.parse::<u32>().ok())
                        .and_then(char::from_u32)
                        .is_some_and(xml_allowed);
                if !ok {
                    return Err(format!("bad reference &{name};"));
                }
            }
            Ok(())
        };
        let name_ok = |n: &str| {
            !n.is_empty()
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
        };
        let mut stack: Vec<String> = Vec::new();
        let mut seen = Vec::new();
        let mut roots = 0;
        let mut s = rest;
        while !s.is_empty() {
            match s.find('<') {
                None => {
                    if !s.trim().is_empty() && stack.is_empty() {
                        return Err("text after root".into());
                    }
                    check_refs(s)?;
                    if s.contains('>') && stack.is_empty() {
                        return Err("stray >".into());
                    }
                    s = "";
                }
                Some(i) => {
                    let txt = &s[..i];
                    if stack.is_empty() && !txt.trim().is_empty() {
                        return Err(format!("text outside root: {txt:?}"));
                    }
                    if txt.contains('>') {
                        return Err(format!("unescaped > in text {txt:?}"));
                    }
                    check_refs(txt)?;
                    let after = &s[i + 1..];
                    let end = after.find('>').ok_or("unterminated tag")?;
                    let tag = &after[..end];
                    s = &after[end + 1..];
                    if let Some(name) = tag.strip_prefix('/') {
                        let open = stack.pop().ok_or("close without open")?;
                        if open != name.trim_end() {
                            return Err(format!("</{name}> closes <{open}>"));
                        }
                        continue;
                    }
                    let (tag, empty) = match tag.strip_suffix('/') {
                        Some(t) => (t, true),
                        None => (tag, false),
                    };
                    let name_end = tag.find(char::is_whitespace).unwrap_or(tag.len());
                    let name = &tag[..name_end];
                    if !name_ok(name) {
                        return Err(format!("bad element name {name:?}"));
                    }
                    if stack.is_empty() {
                        roots += 1;
                        if roots > 1 {
                            return Err("two roots".into());
                        }
                    }
                    let mut attrs = tag[name_end..].trim();
                    let mut names = Vec::new();
                    while !attrs.is_empty() {
                        let eq = attrs.find('=').ok_or("attribute without value")?;
                        let an = attrs[..eq].trim();
                        if !name_ok(an) || names.contains(&an) {
                            return Err(format!("bad or repeated attribute {an:?}"));
                        }
                        names.push(an);
                        let v = attrs[eq + 1..].trim_start();
                        let v = v.strip_prefix('"').ok_or("unquoted attribute")?;
                        let close = v.find('"').ok_or("unterminated attribute")?;
                        let value = &v[..close];
                        if value.contains('<') {
                            return Err("< in attribute".into());
                        }
                        check_refs(value)?;
                        attrs = v[close + 1..].trim_start();
                    }
                    seen.push(name.to_string());
                    if !empty {
                        stack.push(name.to_string());
                    }
                }
            }
        }
        if !stack.is_empty() {
            return Err(format!("unclosed {stack:?}"));
        }
        if roots != 1 {
            return Err("no root".into());
        }
        Ok(seen)
    }

    fn document(outcomes: &[Outcome]) -> String {
        let mut doc = header();
        for o in outcomes {
            doc.push_str(&suite(o));
        }
        doc.push_str(&footer());
        doc
    }

    #[test]
    fn batch_is_well_formed_xml() {
        let doc = document(&[
            Outcome::Checked(Box::new(result())),
            Outcome::Failed(Box::new(failure())),
        ]);
        let elements = well_formed(&doc).unwrap_or_else(|e| panic!("{e}\n{doc}"));
        assert_eq!(elements.iter().filter(|e| *e == "testsuite").count(), 2);
        assert_eq!(
            elements.iter().filter(|e| *e == "testcase").count(),
            4 + 3 + 1
        );
        assert_eq!(elements.iter().filter(|e| *e == "failure").count(), 3);
        assert_eq!(elements.iter().filter(|e| *e == "error").count(), 1);
        assert!(!doc.contains('\u{1}'));
    }

    #[test]
    fn empty_batch_is_well_formed() {
        well_formed(&document(&[])).unwrap();
    }

    #[test]
    fn counts_and_messages() {
        let out = suite(&Outcome::Checked(Box::new(result())));
        assert!(out.contains(
            "name=\"nu-2024-0042 &lt;&amp;&gt; &quot;q&quot; &apos;a&apos;\" tests=\"7\" failures=\"3\" errors=\"0\""
        ));
        assert!(out.contains(
            "<testcase classname=\"arrival_notification\" name=\"arrival_notification: entry on 2024-03-15, due 2024-03-19\""
        ));
        assert!(out.contains(
            "<failure message=\"late: 1 day late, due 2024-03-20; penalty art. 518 part 1: warning or fine 10-20 MCI (36,920-73,840 tenge); Rules \u{FFFD}of &lt;registration&gt;, para. 7\" type=\"late\">"
        ));
        assert!(
            out.contains("<failure message=\"overdue: 7 days late, due 2024-03-18; Law, art. 9\"")
        );
        assert!(out.contains(
            "<system-out>warning: 90 of 90 days used (2024-01-01..2024-03-25); Law, art. 12"
        ));
        assert!(out.contains("exempt: temporary_residence_permit"));
    }

    #[test]
    fn failed_case_is_one_error() {
        let out = suite(&Outcome::Failed(Box::new(failure())));
        assert!(out
            .contains("name=\"cases/bad &lt;1&gt;.json\" tests=\"1\" failures=\"0\" errors=\"1\""));
        assert!(out.contains(
            "<error message=\"cases/bad &lt;1&gt;.json:3:14: error[kzrules::case::bad_date]: events[0].date: &quot;2024-02-30&quot; is not a date (help: write YYYY-MM-DD)\" type=\"kzrules::case::bad_date\">"
        ));
    }

    #[test]
    fn escaping() {
        assert_eq!(
            xml_attribute("a\nb\t\u{0}\u{FFFE}c"),
            "a&#10;b&#9;\u{FFFD}\u{FFFD}c"
        );
        assert_eq!(xml_text("]]> & \r"), "]]&gt; &amp; &#13;");
        assert!(well_formed("<?xml version=\"1.0\" encoding=\"UTF-8\"?><a b=\"<\"/>").is_err());
        assert!(well_formed("<?xml version=\"1.0\" encoding=\"UTF-8\"?><a><b></a></b>").is_err());
    }
}
