//! Text output for people: one line per obligation, then exemptions, findings and the
//! facts still needed. Colour only when writing to a terminal.

use std::fmt::Write as _;

use crate::eval::result::{CheckResult, Citation, Obligation, Severity, Status};

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

fn status_word(o: &Obligation, colour: bool) -> String {
    let word = format!("{:<7}", o.status.as_str());
    let code = match o.status {
        Status::Met => GREEN,
        Status::Open => YELLOW,
        Status::Late | Status::Overdue => RED,
    };
    paint(colour, code, &word)
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

/// One case, for people.
pub fn render(result: &CheckResult, colour: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} {}",
        paint(colour, BOLD, "case"),
        paint(colour, BOLD, &result.case),
        paint(colour, DIM, &format!("(as of {})", result.as_of))
    );
    if result.obligations.is_empty() {
        let _ = writeln!(out, "  no obligations");
    }
    for o in &result.obligations {
        let late = if o.days_late > 0 {
            format!(
                "{} day{} late",
                o.days_late,
                if o.days_late == 1 { "" } else { "s" }
            )
        } else {
            String::new()
        };
        let fulfilled = o
            .fulfilled_on
            .map(|d| format!("done {d}"))
            .unwrap_or_else(|| String::from("not done"));
        let _ = writeln!(
            out,
            "  {} {:<28} {:<9} {} {} -> due {}{}, {}{}",
            status_word(o, colour),
            o.rule,
            o.bearer.as_str(),
            o.trigger.event,
            o.trigger.date,
            o.due,
            if o.provisional.is_some() { "*" } else { "" },
            fulfilled,
            if late.is_empty() {
                String::new()
            } else {
                format!(", {late}")
            },
        );
        let _ = writeln!(out, "          {}", paint(colour, DIM, &cite(&o.citations)));
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
    }
    if !result.exemptions.is_empty() {
        let _ = writeln!(out, "  exemptions:");
        for e in &result.exemptions {
            let on = e
                .trigger
                .as_ref()
                .map(|t| format!(" ({})", t.words()))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "    {:<28} {}{}  {}",
                e.rule,
                e.reason,
                on,
                paint(colour, DIM, &cite(&e.citations))
            );
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
                "    {} {:<22} {}{}  {}",
                paint(colour, code, &format!("{:<7}", f.severity.as_str())),
                f.rule,
                f.message,
                detail,
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
    if !result.facts_needed.is_empty() {
        let _ = writeln!(out, "  facts needed:");
        for n in &result.facts_needed {
            let _ = writeln!(out, "    {:<28} `{}`: {}", n.rule, n.fact, n.reason);
        }
    }
    out.push('\n');
    out
}
