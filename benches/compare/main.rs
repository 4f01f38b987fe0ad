//! kzrules against a minimal hand-written evaluator of two of its rules
//! (`arrival_notification` and `temporary_residence_permit`, `handwritten.rs`), on the same
//! generated cases, in one run (docs/performance.md, "Against a hand-written evaluator").
//!
//! Before anything is measured, every case is judged by the hand-written evaluator and by
//! kzrules with those two rules alone (the embedded program with its other rules and the
//! fees removed): their obligations, exemptions and needed facts must be the same JSON, or
//! the run stops naming the first case that differs. So the rows below are equal work.
//!
//! Groups (one thread, per case; 1,000 cases of `benches/gen_cases.py --seed 1`, or the
//! JSON Lines file named by `KZRULES_BENCH_CASES`):
//! - `compare_evaluate/*`: evaluation alone, over cases already read: kzrules with the
//!   whole catalog, kzrules with the two rules, the hand-written evaluator;
//! - `compare_read/*`: reading the case text alone (kzrules' `read_case`, the hand-written
//!   serde structs);
//! - `compare_check_json/*`: text in, JSON out, as a batch does it.
//!
//! ```text
//! cargo bench --bench compare
//! cargo test --bench compare          # the agreement check alone, each benchmark run once
//! ```
//!
//! With `KZRULES_COMPARE_PROCESS=handwritten` or `=kzrules_two_rules` the binary does not
//! benchmark: it reads JSON Lines cases on standard input and writes one JSON line per case
//! on standard output, on one thread (`benches/compare.sh` times it as a process).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../common/mod.rs"]
mod common;
mod handwritten;

use std::collections::BTreeMap;
use std::hint::black_box;
use std::io::{BufRead, Write};

use chrono::NaiveDate;
use criterion::{criterion_group, Criterion, Throughput};
use kzrules::case::{read_case, Facts};
use kzrules::eval::{evaluate_with, Options};
use kzrules::ir::Program;

use common::{case_lines, program, today};
use handwritten::BusinessDays;

/// The rules the hand-written evaluator implements.
const RULES: [&str; 2] = ["arrival_notification", "temporary_residence_permit"];

/// The embedded program with only the two rules (every version of each) and no fees.
fn two_rules() -> Program {
    let mut program = program();
    program.rules.retain(|r| RULES.contains(&r.id.as_str()));
    program.fees.clear();
    assert_eq!(
        program
            .rules
            .iter()
            .map(|r| r.id.as_str())
            .collect::<Vec<_>>(),
        RULES,
        "each of the two rules has one version"
    );
    program
}

fn as_of(facts: &Facts) -> NaiveDate {
    facts.as_of.unwrap_or_else(today)
}

/// kzrules' result for the fields the hand-written evaluator gives.
fn kzrules_value(program: &Program, line: &str) -> serde_json::Value {
    let facts = read_case(line, &program.vocabulary).expect("a generated case reads");
    let (result, _) =
        evaluate_with(program, &facts, as_of(&facts), Options::default()).expect("evaluates");
    let mut value = serde_json::json!({
        "case": result.case,
        "as_of": result.as_of,
        "obligations": result.obligations,
        "exemptions": result.exemptions,
    });
    if !result.facts_needed.is_empty() {
        value["facts_needed"] = serde_json::json!(result.facts_needed);
    }
    value
}

/// The agreement check: on every case, the hand-written evaluator gives the same JSON as
/// kzrules with the two rules alone. Returns what was compared, per rule and status, so
/// that a run shows the check was not empty.
fn check_agreement(program: &Program, days: &BusinessDays<'_>, lines: &[String]) -> String {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for line in lines {
        let expected = kzrules_value(program, line);
        let got = handwritten::check_value(line, days, today()).expect("the hand-written reads");
        if got != expected {
            panic!(
                "the hand-written evaluator differs from kzrules on case {}\nkzrules:     {}\nhand-written: {}",
                expected["case"], expected, got
            );
        }
        for o in expected["obligations"].as_array().into_iter().flatten() {
            let key = format!("{} {}", o["rule"], o["status"]).replace('"', "");
            *seen.entry(key).or_default() += 1;
        }
        for e in expected["exemptions"].as_array().into_iter().flatten() {
            let key = format!("{} exempt", e["rule"]).replace('"', "");
            *seen.entry(key).or_default() += 1;
        }
        for f in expected["facts_needed"].as_array().into_iter().flatten() {
            let key = format!("{} needs {}", f["rule"], f["fact"]).replace('"', "");
            *seen.entry(key).or_default() += 1;
        }
    }
    // Not an empty comparison: both rules give obligations of every status they can
    // have on these cases, and exemptions.
    for rule in RULES {
        for what in ["met", "late", "overdue", "exempt"] {
            let key = format!("{rule} {what}");
            assert!(
                seen.get(&key).copied().unwrap_or(0) > 0,
                "the cases give no `{key}`: the comparison would not cover it ({seen:?})"
            );
        }
    }
    seen.iter()
        .map(|(k, n)| format!("{k}: {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn bench_compare(c: &mut Criterion) {
    let full = program();
    let two = two_rules();
    let days = BusinessDays::new(&two.calendar);
    let lines = case_lines();
    let summary = check_agreement(&two, &days, &lines);
    let mut err = std::io::stderr();
    let _ = writeln!(
        err,
        "compare: the hand-written evaluator and kzrules with {} agree on {} cases ({summary})",
        RULES.join(" and "),
        lines.len()
    );

    let facts: Vec<Facts> = lines
        .iter()
        .map(|l| read_case(l, &two.vocabulary).expect("reads"))
        .collect();
    let parsed: Vec<handwritten::Parsed<'_>> = lines
        .iter()
        .map(|l| handwritten::parse(l).expect("reads"))
        .collect();
    let n = Throughput::Elements(lines.len() as u64);

    let mut group = c.benchmark_group("compare_evaluate");
    group.throughput(n.clone());
    for (name, program) in [("kzrules_catalog", &full), ("kzrules_two_rules", &two)] {
        group.bench_function(name, |b| {
            b.iter(|| {
                facts
                    .iter()
                    .map(|f| {
                        let (r, _) = evaluate_with(program, f, as_of(f), Options::default())
                            .expect("evaluates");
                        r.obligations.len()
                    })
                    .sum::<usize>()
            });
        });
    }
    group.bench_function("handwritten", |b| {
        b.iter(|| {
            parsed
                .iter()
                .map(|p| handwritten::evaluate_parsed(black_box(p), &days, today()).expect("ok"))
                .sum::<usize>()
        });
    });
    group.finish();

    let mut group = c.benchmark_group("compare_read");
    group.throughput(n.clone());
    group.bench_function("kzrules", |b| {
        b.iter(|| {
            lines
                .iter()
                .filter(|l| read_case(black_box(l), &two.vocabulary).is_ok())
                .count()
        });
    });
    group.bench_function("handwritten", |b| {
        b.iter(|| {
            lines
                .iter()
                .filter(|l| handwritten::parse(black_box(l)).is_ok())
                .count()
        });
    });
    group.finish();

    let mut group = c.benchmark_group("compare_check_json");
    group.throughput(n);
    for (name, program) in [("kzrules_catalog", &full), ("kzrules_two_rules", &two)] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut out = String::new();
                for line in &lines {
                    kzrules_line(program, black_box(line), &mut out);
                }
                out.len()
            });
        });
    }
    group.bench_function("handwritten", |b| {
        b.iter(|| {
            let mut out = String::new();
            for line in &lines {
                handwritten::check(black_box(line), &days, today(), &mut out).expect("ok");
            }
            out.len()
        });
    });
    group.finish();
}

/// One case through kzrules' library, text in, JSON line out (no receipt).
fn kzrules_line(program: &Program, line: &str, out: &mut String) {
    match read_case(line, &program.vocabulary) {
        Ok(facts) => match evaluate_with(program, &facts, as_of(&facts), Options::default()) {
            Ok((result, _)) => out.push_str(&kzrules::report::json::line(&result)),
            Err(e) => out.push_str(&e.to_string()),
        },
        Err(e) => out.push_str(e.code()),
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
}

/// `KZRULES_COMPARE_PROCESS`: JSON Lines in, JSON Lines out, one thread.
fn process(mode: &str) -> std::io::Result<()> {
    let program = two_rules();
    let days = BusinessDays::new(&program.calendar);
    let stdin = std::io::stdin().lock();
    let mut stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let mut out = String::new();
    for line in stdin.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        out.clear();
        match mode {
            "handwritten" => {
                if let Err(e) = handwritten::check(&line, &days, today(), &mut out) {
                    out.push_str(&e);
                    out.push('\n');
                }
            }
            "kzrules_two_rules" => kzrules_line(&program, &line, &mut out),
            other => {
                return Err(std::io::Error::other(format!(
                    "KZRULES_COMPARE_PROCESS: `{other}` is neither `handwritten` nor `kzrules_two_rules`"
                )))
            }
        }
        stdout.write_all(out.as_bytes())?;
    }
    stdout.flush()
}

criterion_group!(benches, bench_compare);

fn main() {
    if let Some(mode) = std::env::var_os("KZRULES_COMPARE_PROCESS") {
        if let Err(e) = process(&mode.to_string_lossy()) {
            let _ = writeln!(std::io::stderr(), "compare: {e}");
            std::process::exit(2);
        }
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
