//! `kzrules compile`: compile a rule set and report every problem.

use super::{colour_stdout, project, report_rules_error, say_rules, write_stdout};
use crate::compile::{compile, rule_set_hash};
use crate::diagnostic::Diagnostics;
use crate::eval::today;
use crate::load::{Choice, RulesError};
use crate::report::diagnostics::{DiagnosticFormat, MessageFormat};

/// `kzrules compile`: every problem of a rule set (the one chosen, else the project's,
/// else the built-in one); exit 2 on an error, and on a warning when the project sets
/// `warnings_as_errors`. A rule folder that cannot be read is a diagnostic like the
/// others, so that the machine formats (SARIF, JSON, GitHub) carry it too.
pub(super) fn compile_command(
    choice: Choice<'_>,
    format: DiagnosticFormat,
    message_format: MessageFormat,
) -> u8 {
    let project = match project(choice) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let files = match project.rules.files() {
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
    let sha256 = rule_set_hash(&files);
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
    let strict = project.settings.warnings_as_errors == Some(true);
    let failed = !ok || (strict && !diagnostics.list.is_empty());
    let colour = colour_stdout();
    let rendered = match (format, message_format) {
        (DiagnosticFormat::Human, MessageFormat::Short) => {
            crate::report::diagnostics::short(&diagnostics)
        }
        _ => crate::report::diagnostics::render(&diagnostics, format, colour),
    };
    let code = if failed { 2 } else { 0 };
    match format {
        DiagnosticFormat::Human => {
            super::output::err_text(&rendered);
            if !failed {
                errln!("compiled {count} files");
            } else if ok {
                errln!("error: warnings are errors in this project (`warnings_as_errors = true` in kzrules.toml)");
            }
            say_rules(&project, &sha256);
            code
        }
        _ => write_stdout(&rendered).max(code),
    }
}
