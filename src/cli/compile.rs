//! `kzrules compile`: compile a rule set and report every problem.

use std::path::Path;

use super::{colour_stdout, report_rules_error, write_stdout};
use crate::compile::compile;
use crate::diagnostic::Diagnostics;
use crate::eval::today;
use crate::load::{RuleSet, RulesError};
use crate::report::diagnostics::{DiagnosticFormat, MessageFormat};

/// `kzrules compile`: every problem of a rule set; exit 2 on an error. A rule folder that
/// cannot be read is a diagnostic like the others, so that the machine formats (SARIF,
/// JSON, GitHub) carry it too.
pub(super) fn compile_command(
    dir: Option<&Path>,
    format: DiagnosticFormat,
    message_format: MessageFormat,
) -> u8 {
    let files = match RuleSet::embedded_or(dir).files() {
        Ok(f) => f,
        Err(RulesError::Read(e)) if format != DiagnosticFormat::Human => {
            let mut diagnostics = Diagnostics::default();
            diagnostics.push(e.to_diagnostic());
            let rendered = crate::report::diagnostics::render(&diagnostics, format, false);
            return write_stdout(&rendered).max(2);
        }
        Err(e) => return report_rules_error(e),
    };
    let count = files.len();
    let (diagnostics, ok): (Diagnostics, bool) = match compile(files) {
        Ok(c) => {
            let mut warnings = c.warnings;
            warnings
                .list
                .extend(c.program.calendar.data_ends_soon_warning(today()));
            (warnings, true)
        }
        Err(d) => (d, false),
    };
    let colour = colour_stdout();
    let rendered = match (format, message_format) {
        (DiagnosticFormat::Human, MessageFormat::Short) => {
            crate::report::diagnostics::short(&diagnostics)
        }
        _ => crate::report::diagnostics::render(&diagnostics, format, colour),
    };
    let code = if ok { 0 } else { 2 };
    match format {
        DiagnosticFormat::Human => {
            super::output::err_text(&rendered);
            if ok {
                errln!("compiled {count} files");
            }
            code
        }
        _ => write_stdout(&rendered).max(code),
    }
}
