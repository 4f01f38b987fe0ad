//! Evaluation: case facts, the business-day calendar and the evaluator.

pub mod evaluator;
pub mod result;

pub use evaluator::{evaluate, evaluate_with, EvalError, Explanation, Options};
