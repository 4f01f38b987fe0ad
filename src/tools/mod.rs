//! The analysts' tools built on the pipeline: rule tests, formatting, the effect of a
//! rule change on cases, and the generated catalog. Each returns what it found (a
//! report, rendered text, the files it changed); the commands in `cli` write it and
//! choose the exit code.

pub mod diff;
pub mod doc;
pub mod fmt;
pub mod plan;
pub mod rule_changes;
pub mod ruletest;
