//! iCalendar output (RFC 5545): one all-day event per open or overdue obligation, on
//! its due day, so that deadlines can be subscribed to in a calendar.
//!
//! The calendar is streamed: [`header`], [`events`] per case, [`footer`]. Lines end in
//! CRLF, text values are escaped, and lines longer than 75 octets are folded without
//! splitting a UTF-8 character. `DTSTAMP` is the case's `as_of` day at midnight UTC,
//! so that the same case gives the same calendar byte for byte.

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use crate::eval::result::{CheckResult, Obligation, Status};
use crate::report::escape::ical_text;
use crate::report::text::penalty_text;

/// The longest content line in octets, without its CRLF (RFC 5545 §3.1).
const MAX_OCTETS: usize = 75;

/// The calendar's start.
pub fn header() -> String {
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//kzrules//kzrules//EN",
        "CALSCALE:GREGORIAN",
    ] {
        push_line(&mut out, line);
    }
    out
}

/// One case's events: a `VEVENT` per obligation that is `open` or `overdue`.
pub fn events(result: &CheckResult) -> String {
    let mut out = String::new();
    for o in &result.obligations {
        if matches!(o.status, Status::Open | Status::Overdue) {
            event(&mut out, result, o);
        }
    }
    out
}

/// The calendar's end.
pub fn footer() -> String {
    let mut out = String::new();
    push_line(&mut out, "END:VCALENDAR");
    out
}

/// Append one content line, folded to 75 octets, with its CRLF.
fn push_line(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > MAX_OCTETS {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

/// `YYYYMMDD`.
fn date(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

/// Only `[A-Za-z0-9.-]`; anything else becomes `-`.
fn sanitise(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// A UID that stays the same for the same obligation of the same case: the readable
/// parts, sanitised, and a short hash of the exact parts so that two ids that differ
/// only in characters the sanitising replaced still give two UIDs.
fn uid(result: &CheckResult, o: &Obligation) -> String {
    let trigger_id = o.trigger.id.as_deref().unwrap_or("");
    let mut hasher = Sha256::new();
    for part in [
        result.case.as_str(),
        o.rule.as_str(),
        o.trigger.event.as_str(),
        trigger_id,
        &o.trigger.date.to_string(),
        &o.due.to_string(),
    ] {
        hasher.update(part.as_bytes());
        hasher.update([0u8]);
    }
    let hash: String = hasher
        .finalize()
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect();
    let readable = sanitise(&format!(
        "{}.{}.{}.{}.{}",
        result.case,
        o.rule,
        o.trigger.event,
        date(o.trigger.date),
        date(o.due)
    ));
    format!("{readable}.{hash}@kzrules")
}

fn description(o: &Obligation) -> String {
    let mut lines = vec![
        format!("rule: {}", o.rule),
        format!("{} must {}", o.bearer.as_str(), o.action),
        format!("trigger: {} on {}", o.trigger.event, o.trigger.date),
        format!("due: {}", o.due),
    ];
    if o.days_late > 0 {
        let days = if o.days_late == 1 { "day" } else { "days" };
        lines.push(format!(
            "status: {}, {} {days} late",
            o.status.as_str(),
            o.days_late
        ));
    } else {
        lines.push(format!("status: {}", o.status.as_str()));
    }
    if let Some(p) = penalty_text(o) {
        lines.push(format!("penalty: {p}"));
    }
    for c in o.citations.iter() {
        lines.push(format!("citation: {}, {}", c.source, c.reference));
    }
    lines.join("\n")
}

fn event(out: &mut String, result: &CheckResult, o: &Obligation) {
    push_line(out, "BEGIN:VEVENT");
    push_line(out, &format!("UID:{}", uid(result, o)));
    push_line(out, &format!("DTSTAMP:{}T000000Z", date(result.as_of)));
    push_line(out, &format!("DTSTART;VALUE=DATE:{}", date(o.due)));
    if let Some(next) = o.due.succ_opt() {
        push_line(out, &format!("DTEND;VALUE=DATE:{}", date(next)));
    }
    push_line(
        out,
        &format!(
            "SUMMARY:{}",
            ical_text(&format!(
                "{}: {} (case {})",
                o.bearer.as_str(),
                o.action,
                result.case
            ))
        ),
    );
    push_line(out, &format!("DESCRIPTION:{}", ical_text(&description(o))));
    push_line(out, &format!("CATEGORIES:kzrules,{}", ical_text(&o.rule)));
    push_line(out, "TRANSP:TRANSPARENT");
    push_line(out, "END:VEVENT");
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

    const CASE: &str = r#"{
      "case": "nu-2024-0042", "as_of": "2024-03-25",
      "obligations": [
        {"rule": "arrival_notification", "bearer": "host",
         "action": "notify the migration service of the foreigner's arrival",
         "trigger": {"event": "entry", "date": "2024-03-15"}, "due": "2024-03-19",
         "status": "overdue", "days_late": 6,
         "penalty": {"article": "518 part 1", "warning": false, "fine_mci": [20, 20],
                     "fine_kzt": [73840, 73840], "mci_kzt": 3692},
         "citations": [{"source": "Закон Республики Казахстан «О миграции населения»",
                        "ref": "ст. 6 п. 4; пп. 1, 2"}]},
        {"rule": "exit_registration", "bearer": "foreigner", "action": "leave",
         "trigger": {"event": "exit", "date": "2024-03-16"}, "due": "2024-03-18",
         "status": "met", "fulfilled_on": "2024-03-18", "days_late": 0, "citations": []},
        {"rule": "visa_extension", "bearer": "foreigner",
         "action": "apply to extend the visa, \\ or leave;\nin time",
         "trigger": {"event": "expiry", "date": "2024-04-30"}, "due": "2024-12-31",
         "status": "open", "days_late": 0, "citations": []},
        {"rule": "late_one", "bearer": "host", "action": "x",
         "trigger": {"event": "entry", "date": "2024-03-15"}, "due": "2024-03-19",
         "status": "late", "fulfilled_on": "2024-03-20", "days_late": 1, "citations": []}
      ],
      "exemptions": [], "findings": []
    }"#;

    fn calendar() -> String {
        let result: CheckResult = serde_json::from_str(CASE).unwrap();
        format!("{}{}{}", header(), events(&result), footer())
    }

    /// The content lines after unfolding.
    fn unfolded(cal: &str) -> Vec<String> {
        cal.replace("\r\n ", "")
            .split("\r\n")
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect()
    }

    #[test]
    fn lines_are_crlf_and_short() {
        let cal = calendar();
        assert!(cal.ends_with("END:VCALENDAR\r\n"));
        assert!(!cal.replace("\r\n", "").contains('\n'));
        assert!(!cal.replace("\r\n", "").contains('\r'));
        for line in cal.split("\r\n") {
            assert!(line.len() <= MAX_OCTETS, "{} octets: {line}", line.len());
        }
        // Folding happened somewhere and split no character (the String is valid UTF-8
        // and every folded piece is too, which `split` on a &str guarantees).
        assert!(cal.contains("\r\n "));
    }

    #[test]
    fn events_for_open_and_overdue_only() {
        let lines = unfolded(&calendar());
        assert_eq!(lines[0], "BEGIN:VCALENDAR");
        assert_eq!(lines[3], "CALSCALE:GREGORIAN");
        assert_eq!(lines.iter().filter(|l| *l == "BEGIN:VEVENT").count(), 2);
        assert!(lines.contains(&String::from("DTSTAMP:20240325T000000Z")));
        assert!(lines.contains(&String::from("DTSTART;VALUE=DATE:20240319")));
        assert!(lines.contains(&String::from("DTEND;VALUE=DATE:20240320")));
        assert!(lines.contains(&String::from("DTEND;VALUE=DATE:20250101")));
        assert!(lines.contains(&String::from(
            "SUMMARY:host: notify the migration service of the foreigner's arrival (case nu-2024-0042)"
        )));
        assert!(lines.contains(&String::from(
            "SUMMARY:foreigner: apply to extend the visa\\, \\\\ or leave\\;\\nin time (case nu-2024-0042)"
        )));
        assert!(lines.contains(&String::from("CATEGORIES:kzrules,arrival_notification")));
        let desc = lines
            .iter()
            .find(|l| l.starts_with("DESCRIPTION:"))
            .unwrap();
        assert!(desc.contains("status: overdue\\, 6 days late\\n"), "{desc}");
        assert!(
            desc.contains("penalty: art. 518 part 1: fine 20 MCI (73\\,840 tenge)"),
            "{desc}"
        );
        assert!(desc.contains("ст. 6 п. 4\\; пп. 1\\, 2"), "{desc}");
        assert!(!lines
            .iter()
            .any(|l| l.contains("late_one") || l.contains("exit_registration")));
    }

    #[test]
    fn uids_are_stable_unique_and_clean() {
        let a = unfolded(&calendar());
        let b = unfolded(&calendar());
        let uids: Vec<&String> = a.iter().filter(|l| l.starts_with("UID:")).collect();
        assert_eq!(uids.len(), 2);
        assert_ne!(uids[0], uids[1]);
        assert_eq!(a, b);
        for u in uids {
            let id = u
                .strip_prefix("UID:")
                .unwrap()
                .strip_suffix("@kzrules")
                .unwrap();
            assert!(
                id.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-'),
                "{id}"
            );
            assert!(id.starts_with("nu-2024-0042."), "{id}");
        }
    }

    #[test]
    fn folding_keeps_characters_whole() {
        let mut out = String::new();
        let line = format!("SUMMARY:{}", "ж".repeat(100));
        push_line(&mut out, &line);
        for piece in out.split("\r\n") {
            assert!(piece.len() <= MAX_OCTETS);
        }
        assert_eq!(out.replace("\r\n ", ""), format!("{line}\r\n"));
        let mut exact = String::new();
        push_line(&mut exact, &"a".repeat(75));
        assert_eq!(exact, format!("{}\r\n", "a".repeat(75)));
        let mut over = String::new();
        push_line(&mut over, &"a".repeat(76));
        assert_eq!(over, format!("{}\r\n a\r\n", "a".repeat(75)));
    }

    #[test]
    fn text_escaping() {
        assert_eq!(ical_text("a,b;c\\d\r\ne\nf\u{7}"), "a\\,b\\;c\\\\d\\ne\\nf");
    }
}
