//! `kzrules diff` (being written).
use std::path::PathBuf;
use chrono::NaiveDate;
/// Output formats of `kzrules diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// For people.
    Text,
    /// For a review comment.
    Markdown,
    /// As data.
    Json,
}
/// The arguments of `kzrules diff`.
#[derive(Debug, Clone)]
pub struct DiffArgs {
    /// The old rules: a folder, or a git revision of `rules/`.
    pub old: String,
    /// The new rules: a folder, or a git revision of `rules/`.
    pub new: String,
    /// Case files or folders.
    pub cases: Vec<PathBuf>,
    /// Output format.
    pub format: DiffFormat,
    /// Exit 0 even when something changed.
    pub report_only: bool,
    /// Judge the cases on this day.
    pub as_of: Option<NaiveDate>,
}
/// Run `kzrules diff`.
pub fn run(_args: &DiffArgs) -> u8 {
    eprintln!("error: `kzrules diff` is not available in this build");
    2
}
