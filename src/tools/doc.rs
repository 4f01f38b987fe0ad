//! `kzrules doc` (being written).
use std::path::Path;
/// Output formats of `kzrules doc`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DocFormat {
    /// Markdown.
    Markdown,
    /// HTML.
    Html,
}
/// Run `kzrules doc`.
pub fn run(_format: DocFormat, _rules: Option<&Path>) -> u8 {
    eprintln!("error: `kzrules doc` is not available in this build");
    2
}
