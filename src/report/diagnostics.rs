//! Rule-file diagnostics in human, JSON, SARIF and GitHub formats (placeholder until filled in).
use crate::diagnostic::Diagnostics;
/// The formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiagnosticFormat {
    /// For people.
    Human,
    /// JSON.
    Json,
    /// SARIF 2.1.0.
    Sarif,
    /// GitHub annotations.
    Github,
}
/// Render diagnostics.
pub fn render(diagnostics: &Diagnostics, _format: DiagnosticFormat, _colour: bool) -> String {
    diagnostics.render_plain()
}
