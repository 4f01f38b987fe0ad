//! `kzrules compile`: compile a rule set and report every problem.

use std::path::Path;

use super::{colour_stdout, rule_files, write_stdout};
use crate::compile::compile;
use crate::diagnostic::Diagnostics;
use crate::eval::today;
use crate::report::diagnostics::DiagnosticFormat;

/// `kzrules compile`: every problem of a rule set; exit 2 on an error.
pub(super) fn compile_command(dir: Option<&Path>, format: DiagnosticFormat) -> u8 {
    let files = match rule_files(dir) {
        Ok(f) => f,
        Err(code) => return code,
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
    let rendered = crate::report::diagnostics::render(&diagnostics, format, colour);
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
