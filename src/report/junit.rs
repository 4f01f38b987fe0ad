//! JUnit XML output (filled in below).
use crate::report::Outcome;
/// The document's start.
pub fn header() -> String {
    String::new()
}
/// One case as a test suite.
pub fn suite(_outcome: &Outcome) -> String {
    String::new()
}
/// The document's end.
pub fn footer() -> String {
    String::new()
}
