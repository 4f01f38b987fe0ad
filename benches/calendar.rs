//! Criterion benchmarks of the business-day calendar (docs/performance.md).
//!
//! - `calendar/parse`: read `rules/calendar.kzcal` and compute its years, as every
//!   process start does (`compile` calls it once).
//!
//! ```text
//! cargo bench --bench calendar
//! ```

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use kzrules::calendar::Calendar;
use kzrules::source::SourceFile;

const DATA: &str = include_str!("../rules/calendar.kzcal");

fn bench_parse(c: &mut Criterion) {
    let file = SourceFile::new("rules/calendar.kzcal", DATA);
    let mut group = c.benchmark_group("calendar");
    group.bench_function("parse", |b| {
        b.iter(|| Calendar::parse(black_box(&file), 0).expect("the data parses"));
    });
    group.finish();
}

criterion_group!(benches, bench_parse);
criterion_main!(benches);
