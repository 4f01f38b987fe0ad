//! Evaluation: case facts, the business-day calendar and the evaluator.

pub mod evaluator;
pub mod result;
pub mod trace;

use chrono::NaiveDate;

use crate::ir::Program;

pub use evaluator::{evaluate, evaluate_with, EvalError, Options};
pub use trace::{Explanation, Step};

/// Today, in local time.
pub fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// The day a case is judged on: the day given for the run (`--as-of`), else the case's
/// own `as_of`, else today.
pub fn judging_day(given: Option<NaiveDate>, case: Option<NaiveDate>) -> NaiveDate {
    given.or(case).unwrap_or_else(today)
}

/// The receipt a result carries: this kzrules's version and the rule set's SHA-256.
pub fn receipt(program: &Program) -> result::Receipt {
    result::Receipt {
        kzrules: env!("CARGO_PKG_VERSION").to_string(),
        rules_sha256: program.sha256.clone(),
    }
}
