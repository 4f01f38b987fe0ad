//! `kzrules test`: run the rule tests beside a rule set.

use std::path::Path;

use super::{load_program, write_stdout};
use crate::eval::today;
use crate::tools::ruletest::run_tests;

/// `kzrules test`: read the rules of `dir` (default `rules`) and run the tests of
/// `dir/tests/*.json`. Exit 0 when every test passes, 1 when one fails, 2 when the rules
/// or a test cannot be read or judged.
pub(super) fn test(dir: Option<&Path>, coverage: bool) -> u8 {
    let dir = dir.unwrap_or(Path::new("rules"));
    let program = match load_program(Some(dir)) {
        Ok(p) => p,
        Err(code) => return code,
    };
    if let Some(warning) = program.calendar.data_ends_soon_warning(today()) {
        let mut warnings = crate::diagnostic::Diagnostics::default();
        warnings.push(warning);
        super::output::err_text(&crate::report::diagnostics::render_for_people(
            &warnings,
            super::message_format(),
            false,
        ));
    }
    let report = match run_tests(&program, dir, coverage) {
        Ok(report) => report,
        Err(e) => {
            errln!("error: {e}");
            return 2;
        }
    };
    for line in &report.problems {
        errln!("{line}");
    }
    let written = write_stdout(&report.text);
    if report.broken > 0 || written != 0 {
        2
    } else {
        u8::from(report.failed > 0)
    }
}
