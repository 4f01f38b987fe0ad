//! `kzrules fmt`: format rule files in place, or list those not formatted.

use std::io::Write;
use std::path::PathBuf;

use super::colour_stderr;
use crate::report::diagnostics::{render, DiagnosticFormat};
use crate::tools::fmt::{format_paths, FileOutcome, FileProblem};

/// `kzrules fmt`: list the files changed (with `--check`, those not formatted, and exit 1
/// if there is one); exit 2 when a file cannot be read, parsed or written, or is
/// read-only.
pub(super) fn fmt(paths: &[PathBuf], check: bool) -> u8 {
    let report = match format_paths(paths, check) {
        Ok(report) => report,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let failed = report.failed();
    let summary = report.check_summary();
    let colour = colour_stderr();
    let mut stdout = std::io::stdout().lock();
    for file in report.files {
        match file.outcome {
            FileOutcome::Unchanged => {}
            // A closed pipe (`| head`) must not hide the other files.
            FileOutcome::Changed => {
                let _ = writeln!(stdout, "{}", file.path.display());
            }
            FileOutcome::Failed(FileProblem::Read(e)) => {
                eprintln!("{:?}", miette::Report::new(e));
            }
            FileOutcome::Failed(FileProblem::Format(diagnostics)) => {
                eprint!("{}", render(&diagnostics, DiagnosticFormat::Human, colour));
                eprintln!("error: `{}` was left as it is", file.path.display());
            }
            FileOutcome::Failed(FileProblem::ReadOnly) => {
                eprintln!(
                    "error: `{}` is read-only: it was left as it is (help: make it writable to format it)",
                    file.path.display()
                );
            }
            FileOutcome::Failed(FileProblem::Write(e)) => {
                eprintln!("error: cannot write `{}`: {e}", file.path.display());
            }
        }
    }
    let _ = stdout.flush();
    if failed {
        2
    } else if let Some(summary) = summary {
        eprintln!("{summary}");
        1
    } else {
        0
    }
}
