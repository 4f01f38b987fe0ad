//! Criterion benchmarks of the business-day calendar (docs/performance.md).
//!
//! - `calendar/parse`: read `rules/calendar.kzcal` and compute its years, as every
//!   process start does (`compile` calls it once);
//! - `calendar/first_use_of_a_computed_year`: the first question about a year the data
//!   does not cover (2031), which computes it from the law;
//! - `calendar/count_in_a_computed_year`: a 3-business-day count in 2031, once the
//!   year is computed.
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

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use kzrules::calendar::Calendar;
use kzrules::source::SourceFile;

const DATA: &str = include_str!("../rules/calendar.kzcal");

fn bench_parse(c: &mut Criterion) {
    let file = SourceFile::new("rules/calendar.kzcal", DATA);
    let mut group = c.benchmark_group("calendar");
    group.bench_function("parse", |b| {
        b.iter(|| Calendar::parse(black_box(&file), 0).expect("the data parses"));
    });
    let calendar = Calendar::parse(&file, 0).expect("the data parses");
    let day = NaiveDate::from_ymd_opt(2031, 3, 20).expect("a date");
    group.bench_function("first_use_of_a_computed_year", |b| {
        b.iter_batched(
            || calendar.clone(),
            |fresh| {
                fresh
                    .is_business_day(black_box(day))
                    .expect("2031 is computed")
            },
            BatchSize::SmallInput,
        );
    });
    calendar.is_business_day(day).expect("2031 is computed");
    group.bench_function("count_in_a_computed_year", |b| {
        b.iter(|| {
            calendar
                .within_business_days(black_box(day), 3)
                .expect("2031 is computed")
        });
    });
    group.finish();
}

criterion_group!(benches, bench_parse);
criterion_main!(benches);
