//! The HTML report (`--format html` of `check` and `explain`): one self-contained page,
//! no network and no script, styles inline, readable on a phone and on paper. Per case: a
//! timeline drawn in SVG (one bar per stay, one mark per deadline with its status in
//! colour, shape and word, penalties, amnesty periods, the days counting towards
//! 90 in any 180 days as a chart with the 90-day line), then the obligations,
//! exemptions, findings, stay allowance and citations as tables; `explain` adds the
//! derivations day by day. A batch is one section per case, with an index.

use std::fmt::Write as _;

use chrono::NaiveDate;

use crate::eval::result::{CheckResult, Citation, Obligation, Status};
use crate::eval::trace::Explanation;
use crate::report::escape::{xml_attribute as attr, xml_text as esc};
use crate::report::text::{allowance_text, fact_words, penalty_text, standing, state_text, who};
use crate::report::CaseFailure;

const STYLE: &str = r#"
:root { --ink: #1b1f24; --dim: #57606a; --line: #d0d7de; --met: #1a7f37; --open: #9a6700;
  --late: #cf222e; --planned: #6e7781; --stay: #0969da; --amnesty: #bf8700; }
* { box-sizing: border-box; }
body { font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
  margin: 0 auto; padding: 1rem; max-width: 72rem; display: flex; flex-direction: column; }
header.page { order: -2; }
nav#index { order: -1; border: 1px solid var(--line); padding: .5rem 1rem; margin: .5rem 0 1rem; }
h1 { font-size: 1.5rem; margin: .2rem 0; } h2 { font-size: 1.3rem; margin: 1.5rem 0 .3rem; }
h3 { font-size: 1.05rem; margin: 1rem 0 .3rem; }
section.case { border-top: 3px solid var(--ink); margin-top: 1rem; }
.meta, .cite { color: var(--dim); font-size: .9rem; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .95rem; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem; border-bottom: 1px solid var(--line); }
.status { font-weight: 700; white-space: nowrap; } .d { white-space: nowrap; }
.status.met { color: var(--met); } .status.open { color: var(--open); }
.status.late, .status.overdue { color: var(--late); } .status.planned { color: var(--planned); }
.next { border-left: 4px solid var(--open); padding: .4rem .8rem; background: #fff8e1; }
svg.timeline { width: 100%; height: auto; border: 1px solid var(--line); background: #fff; }
svg text { font: 11px system-ui, sans-serif; fill: var(--ink); }
svg .axis { stroke: var(--line); } svg .asof { stroke: var(--ink); stroke-dasharray: 4 3; }
svg .stay { fill: var(--stay); } svg .stay.open-end { fill: url(#open-end); }
svg .amnesty { fill: var(--amnesty); fill-opacity: .18; stroke: var(--amnesty); }
svg .met { fill: var(--met); } svg .open { fill: var(--open); }
svg .late, svg .overdue { fill: var(--late); } svg .planned { fill: var(--planned); }
svg .penalty { fill: none; stroke: var(--late); stroke-width: 2; }
svg .usage { fill: none; stroke: var(--stay); stroke-width: 1.5; }
svg .limit { stroke: var(--late); stroke-dasharray: 6 3; }
pre { white-space: pre-wrap; font-size: .85rem; background: #f6f8fa; padding: .6rem; }
figure { margin: 0; }
.legend { display: flex; flex-wrap: wrap; gap: .2rem 1rem; font-size: .9rem; }
@media (max-width: 40rem) { body { padding: .5rem; font-size: 15px; } th, td { padding: .25rem; } }
@media print { body { max-width: none; } nav#index { display: none; } section.case { break-before: page; }
  section.case:first-of-type { break-before: auto; } .scroll { overflow: visible; } }
"#;

/// The page's head and its opening, before the first case.
pub fn header(title: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <header class=\"page\"><h1>{}</h1><p class=\"meta\">kzrules {}: what Kazakhstan's migration law says about each case. \
         <a href=\"#index\">Index of cases</a></p></header>\n<main>\n",
        esc(title),
        esc(title),
        env!("CARGO_PKG_VERSION")
    )
}

/// The index of the cases and the page's end, after the last case: `(case id, anchor,
/// exit status)` of each case in order. The index is written last (the cases stream)
/// and shown first.
pub fn footer(index: &[(String, String, u8)]) -> String {
    let mut out = String::from(
        "</main>\n<nav id=\"index\" aria-label=\"Index of cases\"><h2>Cases</h2><ol>\n",
    );
    for (case, anchor, code) in index {
        let word = match code {
            0 => "nothing late",
            1 => "something late or an error",
            _ => "could not be read",
        };
        let _ = writeln!(
            out,
            "<li><a href=\"#{}\">{}</a>: {word}</li>",
            attr(anchor),
            esc(case)
        );
    }
    out.push_str("</ol></nav>\n</body>\n</html>\n");
    out
}

/// The anchor of the case at `position` (1-based) of the page.
pub fn anchor(position: usize) -> String {
    format!("case-{position}")
}

/// A case that could not be read, in its place.
pub fn failure(f: &CaseFailure, position: usize) -> String {
    format!(
        "<section class=\"case\" id=\"{}\"><h2>{} could not be read</h2><p class=\"status late\">{}</p></section>\n",
        anchor(position),
        esc(f.case.as_deref().unwrap_or(&f.input)),
        esc(&f.one_line())
    )
}

/// One whole page for one case (with its derivations for `explain`).
pub fn page(result: &CheckResult, explanations: Option<&[&Explanation]>) -> String {
    let title = format!("kzrules report: {}", result.case);
    let mut out = header(&title);
    out.push_str(&section(result, explanations, 1));
    out.push_str(&footer(&[(
        result.case.clone(),
        anchor(1),
        result.exit_code(),
    )]));
    out
}

fn status_class(o: &Obligation, as_of: NaiveDate) -> &'static str {
    match standing(o, as_of) {
        "planned" => "planned",
        _ => o.status.as_str(),
    }
}

/// One case's section.
pub fn section(
    result: &CheckResult,
    explanations: Option<&[&Explanation]>,
    position: usize,
) -> String {
    let as_of = result.as_of;
    let mut out = String::new();
    let person = result
        .parties
        .person
        .as_ref()
        .map(|n| format!(": {}", esc(n)))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "<section class=\"case\" id=\"{}\" aria-labelledby=\"{}-title\">\n<h2 id=\"{}-title\">Case {}{person}</h2>\n<p class=\"meta\">judged as of {as_of}</p>",
        anchor(position),
        anchor(position),
        anchor(position),
        esc(&result.case)
    );
    let next = result
        .obligations
        .iter()
        .find(|o| o.due >= as_of && (o.fulfilled_on.is_none() || standing(o, as_of) == "planned"));
    if let Some(o) = next {
        let _ = writeln!(
            out,
            "<p class=\"next\"><strong>Next:</strong> {}, by {}, {}: {}</p>",
            esc(&o.action),
            o.due,
            esc(&who(o, &result.parties)),
            esc(&state_text(o, as_of))
        );
    }
    out.push_str(&timeline(result, position));
    obligations(&mut out, result);
    if !result.exemptions.is_empty() {
        out.push_str("<h3>Exemptions</h3>\n<div class=\"scroll\"><table><thead><tr><th scope=\"col\">rule</th><th scope=\"col\">why</th><th scope=\"col\">event</th><th scope=\"col\">source</th></tr></thead><tbody>\n");
        for e in &result.exemptions {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"cite\">{}</td></tr>",
                esc(&e.rule),
                esc(&e.reason),
                e.trigger
                    .as_ref()
                    .map(|t| esc(&t.words()))
                    .unwrap_or_default(),
                esc(&crate::report::text::cite(&e.citations))
            );
        }
        out.push_str("</tbody></table></div>\n");
    }
    if !result.findings.is_empty() {
        out.push_str("<h3>Findings</h3>\n<div class=\"scroll\"><table><thead><tr><th scope=\"col\">severity</th><th scope=\"col\">what</th><th scope=\"col\">rule</th><th scope=\"col\">source</th></tr></thead><tbody>\n");
        for f in &result.findings {
            let class = match f.severity.as_str() {
                "error" => "late",
                "warning" => "open",
                _ => "planned",
            };
            let detail = f
                .detail
                .as_ref()
                .map(|d| format!(" ({})", esc(d)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "<tr><td class=\"status {class}\">{}</td><td>{}{detail}</td><td>{}</td><td class=\"cite\">{}</td></tr>",
                f.severity.as_str(),
                esc(&f.message),
                esc(&f.rule),
                esc(&crate::report::text::cite(&f.citations))
            );
        }
        out.push_str("</tbody></table></div>\n");
    }
    if !result.allowance.is_empty() {
        out.push_str("<h3>Stay allowance</h3>\n<div class=\"scroll\"><table><thead><tr><th scope=\"col\">limit</th><th scope=\"col\">days used</th><th scope=\"col\">days left</th><th scope=\"col\">latest exit</th><th scope=\"col\">next full stay from</th><th scope=\"col\">rule</th></tr></thead><tbody>\n");
        for a in &result.allowance {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"d\">{}</td><td class=\"d\">{}</td><td>{}</td></tr>",
                esc(&a.limit),
                a.days_used,
                a.days_left,
                a.latest_exit
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| String::from("(outside)")),
                a.next_full_entry
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| String::from("-")),
                esc(&a.rule)
            );
        }
        out.push_str("</tbody></table></div>\n");
        let _ = writeln!(
            out,
            "<p class=\"meta\">{}</p>",
            result
                .allowance
                .iter()
                .map(|a| esc(&allowance_text(a)))
                .collect::<Vec<_>>()
                .join("; ")
        );
    }
    if !result.facts_needed.is_empty() {
        out.push_str("<h3>Facts needed</h3>\n<ul>\n");
        for n in &result.facts_needed {
            let _ = writeln!(
                out,
                "<li><strong>{}</strong>: {} ({})</li>",
                esc(&fact_words(&n.fact)),
                esc(&n.reason),
                esc(&n.rule)
            );
        }
        out.push_str("</ul>\n");
    }
    citations(&mut out, result);
    if let Some(explanations) = explanations {
        out.push_str("<h3>How each result was derived, day by day</h3>\n<pre>");
        out.push_str(&esc(&crate::report::explain::text(result, explanations)));
        out.push_str("</pre>\n");
    }
    out.push_str("</section>\n");
    out
}

fn obligations(out: &mut String, result: &CheckResult) {
    let as_of = result.as_of;
    out.push_str("<h3>Obligations</h3>\n");
    if result.obligations.is_empty() {
        out.push_str("<p>No obligations.</p>\n");
        return;
    }
    out.push_str("<div class=\"scroll\"><table><thead><tr><th scope=\"col\">status</th><th scope=\"col\">what to do</th><th scope=\"col\">by</th><th scope=\"col\">who</th><th scope=\"col\">where it stands</th><th scope=\"col\">source</th></tr></thead><tbody>\n");
    for o in &result.obligations {
        let penalty = penalty_text(o)
            .map(|p| {
                format!(
                    "<br><span class=\"status late\">penalty: {}</span>",
                    esc(&p)
                )
            })
            .unwrap_or_default();
        let provisional = o
            .provisional
            .as_ref()
            .map(|p| format!("<br><span class=\"meta\">provisional: {}</span>", esc(p)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "<tr><td class=\"status {}\">{}</td><td>{}<br><span class=\"meta\">{}, after the {} on {}</span></td><td class=\"d\">{}</td><td>{}</td><td>{}{penalty}{provisional}</td><td class=\"cite\">{}</td></tr>",
            status_class(o, as_of),
            standing(o, as_of),
            esc(&o.action),
            esc(&o.rule),
            esc(&o.trigger.event.replace('_', " ")),
            o.trigger.date,
            o.due,
            esc(&who(o, &result.parties)),
            esc(&state_text(o, as_of)),
            esc(&crate::report::text::cite(&o.citations))
        );
    }
    out.push_str("</tbody></table></div>\n");
}

fn citations(out: &mut String, result: &CheckResult) {
    let mut all: Vec<&Citation> = Vec::new();
    let lists = result
        .obligations
        .iter()
        .map(|o| &o.citations)
        .chain(result.exemptions.iter().map(|e| &e.citations))
        .chain(result.findings.iter().map(|f| &f.citations))
        .chain(result.allowance.iter().map(|a| &a.citations));
    for list in lists {
        for c in list.iter() {
            if !all.contains(&c) {
                all.push(c);
            }
        }
    }
    if all.is_empty() {
        return;
    }
    out.push_str("<h3>Citations</h3>\n<ul class=\"cite\">\n");
    for c in all {
        let seed = c
            .seed
            .as_ref()
            .map(|s| format!(" (source text {})", esc(s)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "<li>{}, {}{seed}</li>",
            esc(&c.source),
            esc(&c.reference)
        );
    }
    out.push_str("</ul>\n");
}

/// The drawing's geometry: days to x.
struct Scale {
    first: NaiveDate,
    days: i64,
    left: f64,
    width: f64,
}

impl Scale {
    fn x(&self, day: NaiveDate) -> f64 {
        let d = (day - self.first).num_days().clamp(0, self.days);
        self.left + self.width * (d as f64) / (self.days.max(1) as f64)
    }
}

/// The timeline of one case, in SVG, with a text alternative.
fn timeline(result: &CheckResult, position: usize) -> String {
    let t = &result.timeline;
    let Some(first) = t.usage_from else {
        return String::new();
    };
    let as_of = result.as_of;
    let days = i64::try_from(t.usage.len()).unwrap_or(0).max(1);
    let scale = Scale {
        first,
        days: days - 1,
        left: 90.0,
        width: 860.0,
    };
    let id = anchor(position);
    let (stays_y, marks_y, chart_top, chart_h) = (40.0, 95.0, 150.0, 120.0);
    let height = chart_top + chart_h + 40.0;
    let mut svg = String::new();
    let stays_count = t.stays.len();
    let marks_count = result.obligations.len();
    let _ = writeln!(
        svg,
        "<figure><svg class=\"timeline\" viewBox=\"0 0 960 {height}\" role=\"img\" aria-labelledby=\"{id}-svg-title {id}-svg-desc\" data-stays=\"{stays_count}\" data-deadlines=\"{marks_count}\">\n<title id=\"{id}-svg-title\">Timeline of case {}</title>\n<desc id=\"{id}-svg-desc\">{stays_count} stay(s) in Kazakhstan, {marks_count} deadline(s), and the days in Kazakhstan in the 180 days ending each day against the 90-day limit. The tables below give the same in words.</desc>",
        esc(&result.case)
    );
    svg.push_str("<defs><pattern id=\"open-end\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\"><rect width=\"8\" height=\"8\" fill=\"#0969da\" opacity=\".55\"/></pattern></defs>\n");
    // Amnesty periods, behind everything.
    for (from, _, until, reason) in &t.amnesties {
        let (x1, x2) = (scale.x(*from), scale.x(*until));
        let _ = writeln!(
            svg,
            "<rect class=\"amnesty\" x=\"{x1:.1}\" y=\"20\" width=\"{:.1}\" height=\"{:.1}\"><title>amnesty: {} (due days from {from} moved to {until})</title></rect><text x=\"{:.1}\" y=\"16\">amnesty</text>",
            (x2 - x1).max(2.0),
            height - 40.0,
            esc(reason),
            x1 + 2.0
        );
    }
    // Month ticks.
    let _ = writeln!(
        svg,
        "<line class=\"axis\" x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{}\" y2=\"{}\"/>",
        scale.left,
        scale.left + scale.width,
        height - 25.0,
        height - 25.0
    );
    let step = if days > 500 { 3 } else { 1 };
    let mut tick = first;
    let mut n = 0;
    while tick <= first + chrono::Days::new(u64::try_from(days).unwrap_or(0)) {
        use chrono::Datelike as _;
        if tick.day() == 1 {
            if n % step == 0 {
                let x = scale.x(tick);
                let _ = writeln!(
                    svg,
                    "<line class=\"axis\" x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"20\" y2=\"{}\"/><text x=\"{:.1}\" y=\"{}\">{}</text>",
                    height - 25.0,
                    x + 2.0,
                    height - 12.0,
                    tick.format("%b %Y")
                );
            }
            n += 1;
        }
        match tick.succ_opt() {
            Some(next) => tick = next,
            None => break,
        }
    }
    let _ = writeln!(svg, "<text x=\"4\" y=\"{}\">stays</text><text x=\"4\" y=\"{}\">deadlines</text><text x=\"4\" y=\"{}\">days in 180</text>", stays_y + 14.0, marks_y + 4.0, chart_top + chart_h / 2.0);
    // One bar per stay.
    let last_day = first + chrono::Days::new(u64::try_from(days - 1).unwrap_or(0));
    for (start, end) in &t.stays {
        let s = start.unwrap_or(first);
        let (e, open) = match end {
            Some(e) => (*e, false),
            None => (as_of.max(s), true),
        };
        let (x1, x2) = (scale.x(s), scale.x(e.min(last_day)));
        let label = format!(
            "stay {} to {}{} ({} days)",
            start.map_or_else(|| String::from("before the records"), |d| d.to_string()),
            e,
            if open { ", still inside" } else { "" },
            (e - s).num_days() + 1
        );
        let _ = writeln!(
            svg,
            "<rect class=\"stay{}\" data-kind=\"stay\" x=\"{x1:.1}\" y=\"{stays_y}\" width=\"{:.1}\" height=\"20\" rx=\"3\"><title>{}</title></rect>",
            if open { " open-end" } else { "" },
            (x2 - x1).max(3.0),
            esc(&label)
        );
    }
    // One mark per deadline: colour, shape and word.
    for (i, o) in result.obligations.iter().enumerate() {
        let class = status_class(o, as_of);
        let x = scale.x(o.due);
        let y = marks_y + if i % 2 == 0 { 0.0 } else { 22.0 };
        let shape = match (class, o.status) {
            ("planned", _) => format!(
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"10\" height=\"10\"/>",
                x - 5.0,
                y - 5.0
            ),
            (_, Status::Met) => format!("<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"6\"/>"),
            (_, Status::Open) => format!(
                "<polygon points=\"{:.1},{y:.1} {x:.1},{:.1} {:.1},{y:.1} {x:.1},{:.1}\"/>",
                x - 6.0,
                y - 6.0,
                x + 6.0,
                y + 6.0
            ),
            (_, Status::Late | Status::Overdue) => format!(
                "<polygon points=\"{:.1},{:.1} {x:.1},{:.1} {:.1},{:.1}\"/>",
                x - 6.0,
                y + 5.0,
                y - 7.0,
                x + 6.0,
                y + 5.0
            ),
        };
        let words = format!(
            "{}: {} by {} ({}), {}",
            standing(o, as_of),
            o.action,
            o.due,
            o.rule,
            state_text(o, as_of)
        );
        let _ = writeln!(
            svg,
            "<g class=\"{class}\" data-kind=\"deadline\" data-status=\"{}\"><title>{}</title>{shape}<text x=\"{:.1}\" y=\"{:.1}\">{}</text></g>",
            standing(o, as_of),
            esc(&words),
            x + if o.penalty.is_some() { 13.0 } else { 8.0 },
            y + 4.0,
            standing(o, as_of)
        );
        if let Some(p) = penalty_text(o) {
            let _ = writeln!(
                svg,
                "<g data-kind=\"penalty\"><title>penalty: {}</title><circle class=\"penalty\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"10\"/></g>",
                esc(&p)
            );
        }
    }
    // The window usage chart, with the 90-day line.
    let max = t.usage.iter().copied().max().unwrap_or(0).max(100);
    let y_of = |v: i64| chart_top + chart_h - chart_h * (v as f64) / (max as f64);
    let points: Vec<String> = t
        .usage
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let day = first + chrono::Days::new(u64::try_from(i).unwrap_or(0));
            format!("{:.1},{:.1}", scale.x(day), y_of(*v))
        })
        .collect();
    let peak = t.usage.iter().copied().max().unwrap_or(0);
    let _ = writeln!(
        svg,
        "<line class=\"axis\" x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\"/><line class=\"limit\" x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\"/><text x=\"{:.1}\" y=\"{:.1}\">90-day limit</text><text x=\"84\" y=\"{:.1}\" text-anchor=\"end\">0</text><text x=\"84\" y=\"{:.1}\" text-anchor=\"end\">90</text><polyline class=\"usage\" points=\"{}\"><title>days in Kazakhstan in the 180 days ending each day (highest: {peak})</title></polyline>",
        scale.left,
        scale.left + scale.width,
        chart_top + chart_h,
        chart_top + chart_h,
        scale.left,
        scale.left + scale.width,
        y_of(90),
        y_of(90),
        scale.left + scale.width - 70.0,
        y_of(90) - 3.0,
        chart_top + chart_h + 4.0,
        y_of(90) + 4.0,
        points.join(" ")
    );
    // The judging day.
    let x = scale.x(as_of);
    let _ = writeln!(
        svg,
        "<line class=\"asof\" x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"20\" y2=\"{:.1}\"/><text x=\"{:.1}\" y=\"30\">as of {as_of}</text>",
        height - 25.0,
        x + 3.0
    );
    svg.push_str("</svg>\n<figcaption class=\"legend\"><span>bars: stays</span><span>● met</span><span>◆ open</span><span>▲ late or overdue</span><span>■ planned</span><span>○ penalty</span><span>line: days in the last 180, dashed: the 90-day limit</span></figcaption></figure>\n");
    svg
}
