//! kzrules: Kazakhstan's migration law as executable, cited, testable rules.
//!
//! The pipeline runs one way: [`load`] reads rule sets and case inputs, [`syntax`]
//! parses rule files into an AST with spans, [`compile`] resolves names, checks types
//! and lowers the AST into an IR, [`eval`] runs the IR over a case's facts, and
//! [`report`] renders the results.
//! The two calls to remember are [`compile::compile`] and [`eval::evaluate`]:
//!
//! ```
//! use chrono::NaiveDate;
//! use kzrules::eval::result::Status;
//!
//! // The rules built into kzrules (a copy of `rules/`).
//! let program = kzrules::compile::compile(kzrules::load::rules::embedded())
//!     .expect("the shipped rules compile")
//!     .program;
//!
//! // Seed 002's example: an arrival at 23:50 on a Friday, notified on the Wednesday.
//! // A case is read against the rule set's vocabulary (its kinds of events and documents).
//! let facts = kzrules::case::read_case(r#"{
//!     "case": "friday-night",
//!     "person": {"citizenship": "GB"},
//!     "host": {"kind": "legal_entity", "size": "large"},
//!     "events": [
//!         {"kind": "entry", "date": "2024-03-15", "time": "23:50"},
//!         {"kind": "notification", "date": "2024-03-20"}
//!     ]
//! }"#, &program.vocabulary).expect("a valid case");
//!
//! let as_of = NaiveDate::from_ymd_opt(2024, 3, 25).expect("a date");
//! let result = kzrules::eval::evaluate(&program, &facts, as_of).expect("judged");
//!
//! let arrival = &result.obligations[0];
//! assert_eq!(arrival.rule, "arrival_notification");
//! assert_eq!(arrival.due.to_string(), "2024-03-19"); // Friday day 1, Monday 2, Tuesday 3
//! assert_eq!(arrival.status, Status::Late);
//! assert_eq!(arrival.days_late, 1);
//! let penalty = arrival.penalty.as_ref().expect("a penalty");
//! assert_eq!(penalty.article, "518 part 1");
//! assert_eq!(penalty.fine_mci, [20, 20]); // a large business
//! assert_eq!(penalty.fine_kzt, Some([73_840, 73_840])); // at the 2024 MCI of 3,692 tenge
//! ```

// Standard output and standard error are written only through `cli::output`, which
// never panics on a write error (`println!` and `eprintln!` do).
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod calendar;
pub mod case;
pub mod cli;
pub mod compile;
pub mod dates;
pub mod diagnostic;
pub mod english;
pub mod eval;
pub mod ir;
pub mod load;
pub mod lsp;
pub mod report;
pub mod source;
pub mod syntax;
pub mod tools;
pub mod vocab;
