//! Criterion benchmarks of the library's hot paths (docs/performance.md).
//!
//! - `compile/embedded`: parse and compile every file of `rules/` (the embedded copy);
//! - `check_one/*`: one case, `read_case` then `evaluate_with`;
//! - `stage/*`: the three stages of a batch apart, over the same cases (and the JSON
//!   without the citations, to show their share of the output's cost);
//! - `batch/*`: JSON Lines text end to end (read, evaluate, serialize to JSON Lines),
//!   on one thread and on rayon's pool, as cases per second.
//!
//! The cases come from `benches/gen_cases.py` (seed 1, 1,000 cases), or from the
//! JSON Lines file named by `KZRULES_BENCH_CASES`.
//!
//! ```text
//! cargo bench --bench kzrules                     # everything
//! cargo bench --bench kzrules -- batch            # one group
//! ```

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use kzrules::case::{read_case, Facts};
use kzrules::compile::compile;
use kzrules::eval::{evaluate_with, Options};
use kzrules::ir::Program;
use rayon::prelude::*;

#[path = "common/mod.rs"]
mod common;
use common::{case_lines, program, today};

/// One line end to end, as `kzrules check --format json -` does it: the result's JSON
/// line, or the error's code.
fn check_line(program: &Program, line: &str, out: &mut String) -> u8 {
    match read_case(line, &program.vocabulary) {
        Ok(facts) => {
            let day = facts.as_of.unwrap_or_else(today);
            match evaluate_with(program, &facts, day, Options::default()) {
                Ok((mut result, _)) => {
                    result.receipt = Some(kzrules::eval::receipt(program));
                    out.push_str(&kzrules::report::json::line(&result));
                    result.exit_code()
                }
                Err(e) => {
                    out.push_str(&e.to_string());
                    2
                }
            }
        }
        Err(e) => {
            out.push_str(e.code());
            2
        }
    }
}

fn bench_compile(c: &mut Criterion) {
    let mut group = c.benchmark_group("compile");
    group.bench_function("embedded", |b| {
        b.iter_batched(
            kzrules::load::rules::embedded,
            |files| compile(black_box(files)).expect("compiles"),
            BatchSize::SmallInput,
        );
    });
    // The error path: a rule file with a misspelt keyword (`titel`), which is parsed again
    // with pest's detailed attempts to find the keywords valid at its place.
    group.bench_function("misspelt_keyword", |b| {
        let text = include_str!("../tests/bad/rules/misspelt_title.kzr");
        b.iter(|| {
            let file = kzrules::source::SourceFile::new("r.kzr", black_box(text));
            kzrules::syntax::parse(0, &file).expect_err("a syntax error")
        });
    });
    // pest's detailed attempts are switched on only for the extra parses of an error:
    // a clean compile after a syntax error costs what it cost before.
    group.bench_function("embedded_after_a_syntax_error", |b| {
        b.iter_batched(
            kzrules::load::rules::embedded,
            |files| compile(black_box(files)).expect("compiles"),
            BatchSize::SmallInput,
        );
    });
    group.finish();
}

fn bench_check_one(c: &mut Criterion) {
    let program = program();
    let example = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/arrival.json"),
    )
    .expect("examples/arrival.json");
    let lines = case_lines();
    // The generated case whose size is the median: a typical case.
    let mut by_size: Vec<&String> = lines.iter().collect();
    by_size.sort_by_key(|l| l.len());
    let median = by_size[by_size.len() / 2].clone();

    let mut group = c.benchmark_group("check_one");
    for (name, text) in [
        ("examples_arrival", &example),
        ("generated_median", &median),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let facts =
                    read_case(black_box(text), &program.vocabulary).expect("the case reads");
                let day = facts.as_of.unwrap_or_else(today);
                evaluate_with(&program, &facts, day, Options::default()).expect("evaluates")
            });
        });
    }
    group.finish();
}

fn bench_stages(c: &mut Criterion) {
    let program = program();
    let lines = case_lines();
    let facts: Vec<Facts> = lines
        .iter()
        .filter_map(|l| read_case(l, &program.vocabulary).ok())
        .collect();
    let results: Vec<_> = facts
        .iter()
        .filter_map(|f| {
            evaluate_with(
                &program,
                f,
                f.as_of.unwrap_or_else(today),
                Options::default(),
            )
            .ok()
        })
        .map(|(r, _)| r)
        .collect();

    let mut group = c.benchmark_group("stage");
    group.throughput(Throughput::Elements(lines.len() as u64));
    group.bench_function("read_case", |b| {
        b.iter(|| {
            lines
                .iter()
                .filter(|l| read_case(black_box(l), &program.vocabulary).is_ok())
                .count()
        });
    });
    group.throughput(Throughput::Elements(facts.len() as u64));
    group.bench_function("evaluate", |b| {
        b.iter(|| {
            facts
                .iter()
                .filter(|f| {
                    evaluate_with(
                        &program,
                        f,
                        f.as_of.unwrap_or_else(today),
                        Options::default(),
                    )
                    .is_ok()
                })
                .count()
        });
    });
    group.bench_function("evaluate_traced", |b| {
        b.iter(|| {
            facts
                .iter()
                .filter(|f| {
                    evaluate_with(
                        &program,
                        f,
                        f.as_of.unwrap_or_else(today),
                        Options {
                            trace: true,
                            ..Options::default()
                        },
                    )
                    .is_ok()
                })
                .count()
        });
    });
    group.throughput(Throughput::Elements(results.len() as u64));
    group.bench_function("serialize_json", |b| {
        b.iter(|| {
            results
                .iter()
                .map(|r| kzrules::report::json::line(black_box(r)).len())
                .sum::<usize>()
        });
    });
    // The same results without their citations: how much of the output's cost the
    // citations are (each obligation repeats its rule's sources in full).
    let bare: Vec<_> = results
        .iter()
        .cloned()
        .map(|mut r| {
            for o in &mut r.obligations {
                o.citations = Vec::new().into();
                if let Some(p) = &mut o.penalty {
                    p.citations = Vec::new().into();
                }
            }
            for e in &mut r.exemptions {
                e.citations = Vec::new().into();
            }
            for f in &mut r.findings {
                f.citations = Vec::new().into();
            }
            r
        })
        .collect();
    group.bench_function("serialize_json_without_citations", |b| {
        b.iter(|| {
            bare.iter()
                .map(|r| kzrules::report::json::line(black_box(r)).len())
                .sum::<usize>()
        });
    });
    group.finish();
}

fn bench_batch(c: &mut Criterion) {
    let program = program();
    let lines = case_lines();
    let text = lines.join("\n");
    let mut group = c.benchmark_group("batch");
    group.throughput(Throughput::Elements(lines.len() as u64));
    group.sample_size(20);
    group.bench_function("jsonl_one_thread", |b| {
        b.iter(|| {
            let mut out = String::new();
            let mut worst = 0;
            for line in black_box(&text).lines() {
                worst = worst.max(check_line(&program, line, &mut out));
            }
            (worst, out.len())
        });
    });
    group.bench_function("jsonl_rayon", |b| {
        b.iter(|| {
            let pieces: Vec<(u8, String)> = black_box(&text)
                .lines()
                .collect::<Vec<_>>()
                .par_iter()
                .map(|line| {
                    let mut out = String::new();
                    let code = check_line(&program, line, &mut out);
                    (code, out)
                })
                .collect();
            let mut out = String::new();
            let mut worst = 0;
            for (code, piece) in &pieces {
                worst = worst.max(*code);
                out.push_str(piece);
            }
            (worst, out.len())
        });
    });
    group.finish();
}

criterion_group!(
    benches,
    bench_compile,
    bench_check_one,
    bench_stages,
    bench_batch
);
criterion_main!(benches);
