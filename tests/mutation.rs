//! Mutation testing of the two inputs: a few hundred randomly damaged rule files and
//! cases, from a fixed seed, must never make kzrules panic or hang.
//!
//! - rule files: every embedded file (the calendar too) is mutated in turn; the rule
//!   set is compiled under `catch_unwind`, and when it still compiles, a few cases are
//!   evaluated with it (with and without tracing);
//! - cases: realistic cases are mutated as JSON values (types, dates, numbers, kinds,
//!   keys) and as text (cuts, insertions), then read and evaluated under `catch_unwind`.
//!
//! Each input runs on the test's own thread: a hang would be the test never finishing.
//! This is what carries the "no panic" guarantee in `cargo test`; `fuzz/` holds the
//! coverage-guided version of the same harnesses.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::panic::{catch_unwind, AssertUnwindSafe};

use chrono::NaiveDate;
use kzrules::case::read_case;
use kzrules::compile::compile;
use kzrules::eval::{evaluate_with, Options};
use kzrules::ir::Program;
use kzrules::source::SourceFile;
use serde_json::{json, Value};

const RULE_MUTANTS: usize = 300;
const CASE_MUTANTS: usize = 400;
const SEED: u64 = 0x6b7a_7275_6c65_7321;

/// splitmix64: small, fast and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            usize::try_from(self.next() % n as u64).unwrap()
        }
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 6, 1).unwrap()
}

/// Cases the mutants start from, and the cases a mutated rule set is run on.
fn base_cases() -> Vec<String> {
    let mut cases = vec![std::fs::read_to_string("examples/arrival.json").unwrap()];
    cases.push(
        json!({
            "case": "cis-worker", "as_of": "2024-09-30",
            "person": {"citizenship": "UZ", "birth_date": "1990-05-01", "documents": [
                {"kind": "passport", "valid_until": "2026-01-01", "blank_pages": 1},
                {"kind": "work_permit", "region": "Atyrau", "valid_from": "2024-01-01", "valid_until": "2024-08-31"},
                {"kind": "employment_contract", "valid_from": "2024-01-01", "valid_until": "2024-12-31"}
            ], "penalties": [{"article": "517", "date": "2023-12-01"}]},
            "host": {"kind": "legal_entity", "size": "medium",
                     "penalties": [{"article": "518", "date": "2023-11-02"}, {"article": "518", "date": "2024-02-02"}]},
            "purpose": "work", "planned_stay_days": 300,
            "events": [
                {"id": "in", "kind": "entry", "date": "2024-01-15", "time": "08:10"},
                {"kind": "notification", "date": "2024-01-22", "for": "in"},
                {"kind": "address_change", "date": "2024-03-01"},
                {"kind": "notification", "date": "2024-03-04"},
                {"kind": "region_trip", "date": "2024-04-02", "region": "Mangystau"},
                {"kind": "notification", "date": "2024-04-10"},
                {"kind": "return", "date": "2024-07-20"},
                {"kind": "trp_application", "date": "2024-02-20"},
                {"kind": "work_permit_renewal_application", "date": "2024-08-15"}
            ]
        })
        .to_string(),
    );
    cases.push(
        json!({
            "case": "visa-free-repeat", "as_of": "2021-03-01",
            "person": {"citizenship": "GB", "documents": [{"kind": "passport", "valid_until": "2021-05-01"}]},
            "host": {"kind": "individual"}, "purpose": "business",
            "events": [
                {"kind": "exit", "date": "2019-02-01"},
                {"kind": "entry", "date": "2019-03-01"}, {"kind": "exit", "date": "2019-05-20"},
                {"kind": "entry", "date": "2019-06-01"}, {"kind": "exit", "date": "2019-06-29"},
                {"kind": "entry", "date": "2020-03-01"}, {"kind": "exit", "date": "2020-09-01"},
                {"kind": "entry", "date": "2021-01-01"}
            ]
        })
        .to_string(),
    );
    cases.push(
        json!({
            "case": "visa-holder", "as_of": "2025-12-01",
            "person": {"citizenship": "CN", "birth_date": "2012-02-29", "documents": [
                {"kind": "passport", "valid_until": "2025-09-01"},
                {"kind": "visa", "category": "B2", "entries": "multiple", "valid_from": "2025-01-01", "valid_until": "2025-06-30"},
                {"kind": "visa", "category": "B2", "entries": "multiple", "valid_from": "2025-07-01", "valid_until": "2025-11-30"},
                {"kind": "residence_permit", "valid_from": "2025-10-01"}
            ]},
            "host": {"kind": "hotel", "size": "small"}, "purpose": "tourism",
            "events": [
                {"kind": "entry", "date": "2025-01-05"},
                {"kind": "visa_extension_application", "date": "2025-06-20"},
                {"kind": "exit", "date": "2025-01-05"},
                {"kind": "entry", "date": "2025-01-05", "time": "23:59"},
                {"kind": "notification", "date": "2025-01-10"}
            ]
        })
        .to_string(),
    );
    cases
}

/// Run a closure, turning a panic into its message.
fn no_panic<T>(what: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(what)).map_err(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_string()))
            .unwrap_or_else(|| String::from("a panic"))
    })
}

/// Read and evaluate a case (traced or not); any outcome but a panic is fine.
fn check(program: &Program, text: &str, trace: bool) {
    if let Ok(facts) = read_case(text, &program.vocabulary) {
        let as_of = facts.as_of.unwrap_or_else(day);
        let _ = evaluate_with(
            program,
            &facts,
            as_of,
            Options {
                trace,
                ..Options::default()
            },
        );
    }
}

// ---------------------------------------------------------------------------------------
// Rule files

const RULE_TOKENS: &[&str] = &[
    "(",
    ")",
    "{",
    "}",
    "\"",
    "#",
    ",",
    ":",
    "0",
    "1",
    "31",
    "4294967295",
    "4294967296",
    "99999999999999999999",
    "2024-02-30",
    "2024-02-29",
    "9999-12-31",
    "0000-01-01",
    "2031-01-01",
    "rule",
    "when",
    "unless",
    "not",
    "and",
    "or",
    "within",
    "days",
    "business_days",
    "calendar_days",
    "in any",
    "of",
    "entry",
    "exit",
    "holder_of",
    "visa",
    "citizen_of",
    "eaeu",
    "expiry_of",
    "plus",
    "months",
    "before",
    "penalty",
    "host_party",
    "extend",
    "exempt from",
    "cite",
    "seed",
    "in_force from",
    "until",
    "per calendar_year",
    "over",
    "at_least",
    "no_later_than",
    "by expiry_of",
    "otherwise:",
    "fine",
    "mci",
    "to",
    "warning",
    "repeated \"518\"",
    "days_late",
    "\n",
    " ",
    "é",
    "\u{0}",
    "☃",
    "\r\n",
    "\t",
];

/// One random change to a text, at character boundaries.
fn mutate_text(rng: &mut Rng, text: &str, tokens: &[&str]) -> String {
    let chars: Vec<char> = text.chars().collect();
    let at = rng.below(chars.len() + 1);
    let rest = |from: usize| chars[from.min(chars.len())..].iter().collect::<String>();
    let head = |to: usize| chars[..to.min(chars.len())].iter().collect::<String>();
    match rng.below(8) {
        // Cut the text short.
        0 => head(at),
        // Delete a run of characters.
        1 => format!("{}{}", head(at), rest(at + 1 + rng.below(40))),
        // Insert a token.
        2 | 3 => format!("{}{}{}", head(at), rng.pick(tokens), rest(at)),
        // Replace a character with a token.
        4 => format!("{}{}{}", head(at), rng.pick(tokens), rest(at + 1)),
        // Duplicate a run.
        5 => {
            let len = 1 + rng.below(200);
            let run: String = chars[at.min(chars.len())..(at + len).min(chars.len())]
                .iter()
                .collect();
            format!("{}{run}{run}{}", head(at), rest(at + len))
        }
        // Swap two lines.
        6 => {
            let mut lines: Vec<&str> = text.lines().collect();
            if lines.len() > 1 {
                let (a, b) = (rng.below(lines.len()), rng.below(lines.len()));
                lines.swap(a, b);
            }
            lines.join("\n")
        }
        // Change a digit.
        _ => {
            let digits: Vec<usize> = chars
                .iter()
                .enumerate()
                .filter(|(_, c)| c.is_ascii_digit())
                .map(|(i, _)| i)
                .collect();
            if digits.is_empty() {
                return text.to_string();
            }
            let i = *rng.pick(&digits);
            let d = char::from(b'0' + u8::try_from(rng.below(10)).unwrap());
            format!("{}{d}{}", head(i), rest(i + 1))
        }
    }
}

#[test]
fn mutated_rule_files_never_panic() {
    let embedded = kzrules::load::rules::embedded();
    let cases = base_cases();
    let mut rng = Rng(SEED);
    let mut failures = Vec::new();
    let mut compiled = 0;
    for n in 0..RULE_MUTANTS {
        let target = rng.below(embedded.len());
        let mut text = embedded[target].text.to_string();
        for _ in 0..=rng.below(3) {
            text = mutate_text(&mut rng, &text, RULE_TOKENS);
        }
        let mut files: Vec<SourceFile> = embedded.clone();
        files[target] = SourceFile::new(embedded[target].name.clone(), text.as_str());
        let outcome = no_panic(|| compile(files)).and_then(|result| match result {
            Ok(c) => {
                compiled += 1;
                let program = c.program;
                for (i, case) in cases.iter().enumerate() {
                    no_panic(|| check(&program, case, i % 2 == 0))?;
                }
                Ok(())
            }
            Err(diagnostics) => {
                // Rendering every diagnostic must not panic either.
                no_panic(|| {
                    let _ = diagnostics.render_plain();
                    for d in &diagnostics.list {
                        let _ = d.one_line();
                    }
                })
            }
        });
        if let Err(message) = outcome {
            failures.push(format!(
                "mutant {n} of `{}`: {message}\n{}",
                embedded[target].name,
                text.chars().take(2000).collect::<String>()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} panics:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    // Some mutants must compile, or the evaluation half of this test checks nothing.
    assert!(
        compiled > RULE_MUTANTS / 20,
        "only {compiled} mutants compiled"
    );
}

// ---------------------------------------------------------------------------------------
// Cases

const DATES: &[&str] = &[
    "2024-02-30",
    "2024-02-29",
    "2023-02-29",
    "2024-13-01",
    "2024-00-10",
    "0000-01-01",
    "0001-01-01",
    "9999-12-31",
    "2031-03-15",
    "2018-12-31",
    "2019-01-01",
    "2026-12-31",
    "2024-1-1",
    "24-01-01",
    "2024/01/01",
    "",
    "2024-03-15T10:00:00",
];
const KINDS: &[&str] = &[
    "entry",
    "exit",
    "notification",
    "address_change",
    "region_trip",
    "return",
    "trp_application",
    "trp_issued",
    "visa_extension_application",
    "work_permit_renewal_application",
    "passport",
    "visa",
    "residence_permit",
    "temporary_residence_permit",
    "work_permit",
    "employment_contract",
    "legal_entity",
    "individual",
    "hotel",
    "small",
    "large",
    "work",
    "transit",
    "single",
    "multiple",
    "entri",
    "",
    "ENTRY",
];

fn random_value(rng: &mut Rng, depth: usize) -> Value {
    match rng.below(if depth > 3 { 9 } else { 11 }) {
        0 => Value::Null,
        1 => json!(rng.below(2) == 1),
        2 => json!(rng.next() % 1000),
        3 => json!(-i64::try_from(rng.next() % 1000).unwrap()),
        4 => json!(*rng.pick(&[
            0u64,
            1,
            u64::from(u32::MAX),
            u64::from(u32::MAX) + 1,
            u64::MAX
        ])),
        5 => json!(*rng.pick(&[0.5f64, -0.0, 1e300, 3.0])),
        6 => json!(rng.pick(DATES)),
        7 => json!(rng.pick(KINDS)),
        8 => json!("x".repeat(rng.below(5000))),
        9 => Value::Array(
            (0..rng.below(4))
                .map(|_| random_value(rng, depth + 1))
                .collect(),
        ),
        _ => {
            let mut map = serde_json::Map::new();
            for _ in 0..rng.below(4) {
                let key = (*rng.pick(&["kind", "date", "id", "for", "x", "valid_until", "meta"]))
                    .to_string();
                map.insert(key, random_value(rng, depth + 1));
            }
            Value::Object(map)
        }
    }
}

/// Every place in a value: the path to it, as keys and indexes.
fn places(
    value: &Value,
    path: &mut Vec<Result<String, usize>>,
    out: &mut Vec<Vec<Result<String, usize>>>,
) {
    out.push(path.clone());
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                path.push(Ok(k.clone()));
                places(v, path, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                path.push(Err(i));
                places(v, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

fn at_mut<'a>(value: &'a mut Value, path: &[Result<String, usize>]) -> &'a mut Value {
    path.iter().fold(value, |v, step| match step {
        Ok(k) => &mut v[k.as_str()],
        Err(i) => &mut v[*i],
    })
}

/// One random change to a case as a JSON value.
fn mutate_value(rng: &mut Rng, case: &mut Value) {
    let mut all = Vec::new();
    places(case, &mut Vec::new(), &mut all);
    let path = rng.pick(&all).clone();
    match rng.below(7) {
        // Replace the value with one of another type or form.
        0 | 1 => *at_mut(case, &path) = random_value(rng, 0),
        // A date or a kind, where one may be expected.
        2 => *at_mut(case, &path) = json!(rng.pick(DATES)),
        3 => *at_mut(case, &path) = json!(rng.pick(KINDS)),
        // Remove a key or an item.
        4 => {
            if let Some((last, parent)) = path.split_last() {
                match (at_mut(case, parent), last) {
                    (Value::Object(map), Ok(k)) => {
                        map.remove(k);
                    }
                    (Value::Array(items), Err(i)) => {
                        items.remove(*i);
                    }
                    _ => {}
                }
            }
        }
        // Copy an item of a list (another entry, another notification).
        5 => {
            if let Value::Array(items) = at_mut(case, &path) {
                if !items.is_empty() {
                    let i = rng.below(items.len());
                    let item = items[i].clone();
                    items.insert(rng.below(items.len() + 1), item);
                }
            }
        }
        // Add a key.
        _ => {
            if let Value::Object(map) = at_mut(case, &path) {
                let key = (*rng.pick(&[
                    "time",
                    "region",
                    "id",
                    "for",
                    "size",
                    "category",
                    "entries",
                    "blank_pages",
                    "valid_from",
                    "birth_date",
                    "planned_stay_days",
                    "as_of",
                    "zzz",
                ]))
                .to_string();
                map.insert(key, random_value(rng, 0));
            }
        }
    }
}

const CASE_TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "\"",
    ",",
    ":",
    "null",
    "true",
    "-1",
    "1e999",
    "\\u0000",
    "\\ud800",
    "\"2024-02-30\"",
    "\u{feff}",
    "é",
    "\n",
    "[[[[[[[[[[",
    "{\"a\":",
    "0000",
];

#[test]
fn mutated_cases_never_panic() {
    let program = compile(kzrules::load::rules::embedded())
        .expect("the embedded rules compile")
        .program;
    let bases: Vec<Value> = base_cases()
        .iter()
        .map(|c| serde_json::from_str(c).unwrap())
        .collect();
    let mut rng = Rng(SEED ^ 0x5eed);
    let mut failures = Vec::new();
    let mut judged = 0;
    for n in 0..CASE_MUTANTS {
        let mut case = rng.pick(&bases).clone();
        for _ in 0..=rng.below(3) {
            mutate_value(&mut rng, &mut case);
        }
        let mut text = if rng.below(2) == 0 {
            case.to_string()
        } else {
            serde_json::to_string_pretty(&case).unwrap()
        };
        if rng.below(4) == 0 {
            text = mutate_text(&mut rng, &text, CASE_TOKENS);
        }
        let outcome = no_panic(|| {
            let read = read_case(&text, &program.vocabulary);
            if let Err(e) = &read {
                // Every way of showing the error must work too.
                let _ = e.one_line();
                let _ = e.to_string();
                let _ = format!(
                    "{:?}",
                    miette::Report::new(e.clone()).with_source_code(text.clone())
                );
            }
            if let Ok(facts) = read {
                let as_of = facts.as_of.unwrap_or_else(day);
                if let Ok((result, _)) = evaluate_with(
                    &program,
                    &facts,
                    as_of,
                    Options {
                        trace: n % 2 == 0,
                        ..Options::default()
                    },
                ) {
                    let _ = serde_json::to_string(&result).unwrap();
                    judged += 1;
                }
            }
        });
        if let Err(message) = outcome {
            failures.push(format!(
                "mutant {n}: {message}\n{}",
                text.chars().take(3000).collect::<String>()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} panics:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    assert!(
        judged > CASE_MUTANTS / 20,
        "only {judged} mutants were judged"
    );
}
