//! The analysts' tools built on the pipeline: rule tests, formatting, the effect of a
//! rule change on cases, and the generated catalog.

pub mod diff;
pub mod doc;
pub mod fmt;
pub mod ruletest;
