//! `kzrules fmt`: format rule files in place, or list those not formatted.

use std::path::PathBuf;

use super::colour_stderr;
use super::output::{err_text, Stdout};
use crate::tools::fmt::{format_paths, FileOutcome, FileProblem};

/// `kzrules fmt`: list the files changed (with `--check`, those not formatted, and exit 1
/// if there is one); exit 2 when a file cannot be read, parsed or written, or is
/// read-only.
pub(super) fn fmt(paths: &[PathBuf], check: bool) -> u8 {
    // No path: the project's rule folder, found from the current folder upward.
    let project_rules;
    let paths = if paths.is_empty() {
        let project = match super::project(crate::load::Choice::Discover) {
            Ok(p) => p,
            Err(code) => return code,
        };
        match project.rules_folder() {
            Some(folder) => {
                project_rules = [folder.to_path_buf()];
                &project_rules[..]
            }
            None => paths,
        }
    } else {
        paths
    };
    let report = match format_paths(paths, check) {
        Ok(report) => report,
        Err(e) => {
            errln!("error: {e}");
            return 2;
        }
    };
    let failed = report.failed();
    let summary = report.check_summary();
    let colour = colour_stderr();
    // A closed pipe (`| head`) must not hide the other files' problems.
    let mut stdout = Stdout::new("the output");
    for file in report.files {
        match file.outcome {
            FileOutcome::Unchanged => {}
            FileOutcome::Changed => {
                stdout.write(&format!("{}\n", file.path.display()));
            }
            FileOutcome::Failed(FileProblem::Read(e)) => {
                errln!("{:?}", miette::Report::new(e));
            }
            FileOutcome::Failed(FileProblem::Format(diagnostics)) => {
                err_text(&crate::report::diagnostics::render_for_people(
                    &diagnostics,
                    super::message_format(),
                    colour,
                ));
                errln!("error: `{}` was left as it is", file.path.display());
            }
            FileOutcome::Failed(FileProblem::ReadOnly) => {
                errln!(
                    "error: `{}` is read-only: it was left as it is (help: make it writable to format it)",
                    file.path.display()
                );
            }
            FileOutcome::Failed(FileProblem::Write(e)) => {
                errln!("error: cannot write `{}`: {e}", file.path.display());
            }
        }
    }
    let written = stdout.finish();
    if failed || written != 0 {
        2
    } else if let Some(summary) = summary {
        errln!("{summary}");
        1
    } else {
        0
    }
}
