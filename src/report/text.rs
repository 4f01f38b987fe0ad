//! Text output for people: one line per obligation, then exemptions, findings and the
//! facts still needed. Colour only when writing to a terminal.

use std::fmt::Write as _;

use chrono::NaiveDate;

use crate::eval::result::{
    Allowance, Bearer, CheckResult, Citation, Obligation, Parties, Severity, Status,
};

const RESET: &str = "\x1b[0m";
const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";

fn paint(colour: bool, code: &str, text: &str) -> String {
    if colour {
        format!("{code}{text}{RESET}")
    } else {
        text.to_string()
    }
}

/// `source ref`, the first citation of a list.
pub fn cite(citations: &[Citation]) -> String {
    match citations.first() {
        Some(c) => format!("{}, {}", c.source, c.reference),
        None => String::new(),
    }
}

use crate::english::thousands;

/// A penalty in words: "518 part 1: fine 20 MCI (73,840 tenge)".
pub fn penalty_text(o: &Obligation) -> Option<String> {
    let p = o.penalty.as_ref()?;
    let mut parts = Vec::new();
    if p.warning {
        parts.push(String::from("warning"));
    }
    if p.fine_mci != [0, 0] {
        let mci = if p.fine_mci[0] == p.fine_mci[1] {
            format!("{}", p.fine_mci[0])
        } else {
            format!("{}-{}", p.fine_mci[0], p.fine_mci[1])
        };
        let kzt = match p.fine_kzt {
            None => String::from(" (tenge not known yet: the year's MCI is not set)"),
            Some(_) if p.mci_kzt.is_none() => String::new(),
            Some([min, max]) if min == max => format!(" ({} tenge)", thousands(min)),
            Some([min, max]) => format!(" ({}-{} tenge)", thousands(min), thousands(max)),
        };
        parts.push(format!("fine {mci} MCI{kzt}"));
    }
    Some(format!("art. {}: {}", p.article, parts.join(" or ")))
}

/// One stay limit's allowance in words: "30 days from each entry: 10 days used, 20 days
/// left, leave by 2024-04-13; a full stay again from 2024-03-25".
pub fn allowance_text(a: &Allowance) -> String {
    let mut text = format!(
        "{}: {} used, {} left",
        a.limit,
        days(a.days_used),
        days(a.days_left)
    );
    if let Some(exit) = a.latest_exit {
        let _ = write!(text, ", leave by {exit}");
    }
    if let Some(next) = a.next_full_entry {
        let _ = write!(text, "; a full stay again from {next}");
    }
    text
}

/// "1 day", "20 days".
fn days(n: i64) -> String {
    format!("{n} day{}", if n == 1 { "" } else { "s" })
}

/// Who carries a duty, in words: the host party's name (or kind), the person's name.
pub fn who(o: &Obligation, parties: &Parties) -> String {
    match o.bearer {
        Bearer::Host => parties
            .host
            .clone()
            .unwrap_or_else(|| String::from("the host")),
        Bearer::Foreigner => match &parties.person {
            Some(name) => format!("{name} (the foreigner)"),
            None => String::from("the foreigner"),
        },
        Bearer::Employer => String::from("the employer"),
    }
}

/// Whether an obligation's fulfilment is only planned: an event after the judging day.
pub fn is_planned(o: &Obligation, as_of: NaiveDate) -> bool {
    o.fulfilled_on.is_some_and(|d| d > as_of)
}

/// The word for where a duty stands, for people: a fulfilment after the judging day is a
/// plan, never "met" or "late".
pub fn standing(o: &Obligation, as_of: NaiveDate) -> &'static str {
    if is_planned(o, as_of) {
        "planned"
    } else {
        o.status.as_str()
    }
}

/// Where a duty stands, in words: "done 2024-03-20, 1 day late", "not done yet, 3 days
/// left", "planned for 2024-06-01 (in time)".
pub fn state_text(o: &Obligation, as_of: NaiveDate) -> String {
    match o.fulfilled_on {
        Some(d) if d > as_of => {
            if d <= o.due {
                format!("planned for {d} (in time)")
            } else {
                format!(
                    "planned for {d}, {} after the due day",
                    days((d - o.due).num_days())
                )
            }
        }
        Some(d) if o.days_late > 0 => format!("done {d}, {} late", days(o.days_late)),
        Some(d) => format!("done {d}"),
        None if o.status == Status::Overdue => format!("not done, {} late", days(o.days_late)),
        None => match (o.due - as_of).num_days() {
            0 => String::from("not done yet, due today"),
            n => format!("not done yet, {} left", days(n)),
        },
    }
}

/// A missing fact, named by its path in the case, in words.
pub fn fact_words(path: &str) -> String {
    let known = [
        ("person.birth_date", "the date of birth of the person"),
        ("person.citizenship", "the citizenship of the person"),
        (
            "host.kind",
            "the kind of host party (legal entity, individual or hotel)",
        ),
        (
            "host.size",
            "the size of the host party (small, medium, large, non-profit or official)",
        ),
        ("purpose", "the purpose of the stay"),
        (
            "planned_stay_days",
            "how many days the stay is planned to last",
        ),
        (
            "planned_stay_days (or an exit event)",
            "how many days the stay is planned to last (or the day of exit)",
        ),
        (
            "events[] (the entry of the stay)",
            "the day of entry of the stay",
        ),
        (
            "person.documents[].blank_pages (passport)",
            "the number of blank pages in the passport",
        ),
        (
            "person.documents[].region (work permit)",
            "the region the work permit was granted for",
        ),
        (
            "person.documents[].valid_until",
            "the last day of validity of the document",
        ),
        ("calendar", "a calendar that can date the deadline"),
    ];
    if let Some((_, words)) = known.iter().find(|(p, _)| *p == path) {
        return (*words).to_string();
    }
    if let Some(exit) = path
        .strip_prefix("events[] (the entry of the stay that ended on ")
        .and_then(|r| r.strip_suffix(')'))
    {
        return format!("the day of entry of the stay that ended on {exit}");
    }
    if let Some(index) = path
        .strip_prefix("events[")
        .and_then(|r| r.strip_suffix("].region"))
        .and_then(|i| i.parse::<usize>().ok())
    {
        return format!("the region of the trip (event {} of the case)", index + 1);
    }
    format!("`{path}`")
}

/// One case, for people: who it is about, the next thing to do, then every obligation
/// in date order (what to do, by when, who, days left or late, then its citation), the
/// exemptions, findings, stay allowance and the facts still needed.
pub fn render(result: &CheckResult, colour: bool) -> String {
    let mut out = String::new();
    let as_of = result.as_of;
    let parties = &result.parties;
    let about = parties
        .person
        .as_ref()
        .map(|n| format!(": {n}"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{}{} {}",
        paint(colour, BOLD, &format!("case {}", result.case)),
        about,
        paint(colour, DIM, &format!("(as of {as_of})"))
    );
    if result.obligations.is_empty() {
        let _ = writeln!(out, "  no obligations");
    }
    let next = result
        .obligations
        .iter()
        .find(|o| o.due >= as_of && (o.fulfilled_on.is_none() || is_planned(o, as_of)));
    if let Some(o) = next {
        let _ = writeln!(
            out,
            "  {} {}, by {}, {}: {}",
            paint(colour, BOLD, "next:"),
            o.action,
            o.due,
            who(o, parties),
            state_text(o, as_of)
        );
    }
    for o in &result.obligations {
        let word = standing(o, as_of);
        let code = match (word, o.status) {
            ("planned", _) => DIM,
            (_, Status::Met) => GREEN,
            (_, Status::Open) => YELLOW,
            (_, Status::Late | Status::Overdue) => RED,
        };
        let _ = writeln!(
            out,
            "  {} {}",
            paint(colour, code, &format!("{word:<7}")),
            o.action
        );
        let _ = writeln!(
            out,
            "          by {}{}, {}: {}",
            o.due,
            if o.provisional.is_some() { "*" } else { "" },
            who(o, parties),
            state_text(o, as_of)
        );
        let _ = writeln!(
            out,
            "          {}",
            paint(
                colour,
                DIM,
                &format!(
                    "{}, after the {} on {}",
                    o.rule,
                    o.trigger.event.replace('_', " "),
                    o.trigger.date
                )
            )
        );
        if let Some(p) = penalty_text(o) {
            let _ = writeln!(out, "          penalty: {}", paint(colour, RED, &p));
        }
        if let Some(why) = &o.provisional {
            let _ = writeln!(
                out,
                "          {}",
                paint(colour, YELLOW, &format!("* provisional: {why}"))
            );
        }
        let _ = writeln!(out, "          {}", paint(colour, DIM, &cite(&o.citations)));
    }
    if !result.exemptions.is_empty() {
        let _ = writeln!(out, "  exemptions:");
        for e in &result.exemptions {
            let on = e
                .trigger
                .as_ref()
                .map(|t| format!(" ({})", t.words()))
                .unwrap_or_default();
            let _ = writeln!(out, "    {}: no {} duty{}", e.reason, e.rule, on);
            let _ = writeln!(out, "      {}", paint(colour, DIM, &cite(&e.citations)));
        }
    }
    if !result.findings.is_empty() {
        let _ = writeln!(out, "  findings:");
        for f in &result.findings {
            let code = match f.severity {
                Severity::Error => RED,
                Severity::Warning => YELLOW,
                Severity::Info => DIM,
            };
            let detail = f
                .detail
                .as_ref()
                .map(|d| format!(" ({d})"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "    {} {}{} [{}]",
                paint(colour, code, &format!("{:<7}", f.severity.as_str())),
                f.message,
                detail,
                f.rule
            );
            let _ = writeln!(
                out,
                "            {}",
                paint(colour, DIM, &cite(&f.citations))
            );
        }
    }
    if !result.fees.is_empty() {
        let _ = writeln!(out, "  state fees:");
        for f in &result.fees {
            let _ = writeln!(
                out,
                "    {}: {}  {}",
                f.what,
                f.amount_words(),
                paint(colour, DIM, &cite(&f.citations))
            );
        }
    }
    if !result.allowance.is_empty() {
        let _ = writeln!(out, "  stay allowance:");
        for a in &result.allowance {
            let _ = writeln!(out, "    {} [{}]", allowance_text(a), a.rule);
            let _ = writeln!(out, "      {}", paint(colour, DIM, &cite(&a.citations)));
        }
    }
    if !result.facts_needed.is_empty() {
        let _ = writeln!(out, "  facts needed:");
        for n in &result.facts_needed {
            let _ = writeln!(
                out,
                "    {}: {} [{}]",
                fact_words(&n.fact),
                n.reason,
                n.rule
            );
        }
    }
    out.push('\n');
    out
}
