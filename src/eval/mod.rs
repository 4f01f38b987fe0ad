//! Evaluation: case facts, the business-day calendar and the evaluator.

pub mod evaluator;
pub mod result;
pub mod trace;

pub use evaluator::{evaluate, evaluate_with, EvalError, Options};
pub use trace::{Explanation, Step};
