//! kzrules: Kazakhstan's migration law as executable, cited, testable rules.
//!
//! The pipeline runs one way: [`syntax`] parses rule files into an AST with spans,
//! [`compile`] resolves names, checks types and lowers the AST into an IR,
//! [`eval`] runs the IR over a case's facts, and [`report`] renders the results.
//! The two calls to remember are [`compile::compile`] and [`eval::evaluate`].

pub mod cli;
pub mod compile;
pub mod diagnostic;
pub mod eval;
pub mod report;
pub mod rules;
pub mod syntax;
pub mod tools;
