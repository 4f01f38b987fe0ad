//! `kzrules diff`: what a rule change does to cases.

use std::path::PathBuf;

use chrono::NaiveDate;

use super::{no_case_files, report_rules_error, write_stdout};
use crate::ir::Program;
use crate::load::inputs::case_files;
use crate::load::{RuleSet, RulesError};
use crate::tools::diff::{diff as diff_cases, render, DiffFormat};

/// The arguments of `kzrules diff`.
#[derive(Debug, Clone, clap::Args)]
pub struct DiffArgs {
    /// The old rules: a folder, or a git revision of `rules/` (e.g. `HEAD~1`).
    #[arg(long, value_name = "RULES")]
    pub old: String,
    /// The new rules: a folder, or a git revision of `rules/` (default: the project's
    /// rule folder, found from the current folder upward).
    #[arg(long, value_name = "RULES")]
    pub new: Option<String>,
    /// Case files or folders (default: the project's `cases` folder in kzrules.toml).
    pub cases: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// Exit 0 even when something changed.
    #[arg(long)]
    pub report_only: bool,
    /// Judge the cases on this day (default: their `as_of`, else today in Kazakhstan, UTC+5).
    #[arg(long, value_name = "DATE", value_parser = super::parse_date)]
    pub as_of: Option<NaiveDate>,
}

/// Compile a rule set given as a folder (or file) or a git revision; errors go to
/// stderr, a git revision's naming `which` rules they are.
fn load_rules(spec: &str, which: &str) -> Result<Program, u8> {
    match RuleSet::named(spec).program() {
        Ok(program) => Ok(program),
        Err(RulesError::Git(message)) => {
            errln!("error: {which} rules: {message} (help: give a rule folder or a git revision such as `HEAD~1` or `main`)");
            Err(2)
        }
        Err(e) => Err(report_rules_error(e)),
    }
}

/// `kzrules diff`: exit 0 when nothing changed (or with `--report-only`), 1 when
/// something changed, 2 when the rules or a case cannot be read or judged (such a case
/// is reported in the report, and the other cases are compared).
pub(super) fn diff(args: &DiffArgs) -> u8 {
    let project = match super::project(crate::load::Choice::Discover) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let new_name = match (&args.new, project.rules_folder()) {
        (Some(new), _) => new.clone(),
        (None, Some(folder)) => folder.display().to_string(),
        (None, None) => {
            errln!("error: no rule folder here to compare with `--old` (help: give `--new RULES`, or run in a folder with a `rules/` folder or a kzrules.toml: docs/project.md)");
            return 2;
        }
    };
    let project_cases;
    let cases = if args.cases.is_empty() {
        match project.cases_folder() {
            Some(folder) => {
                project_cases = [folder];
                &project_cases[..]
            }
            None => {
                errln!("error: no case given (help: name case files or folders, or set `cases` in kzrules.toml: docs/project.md)");
                return 2;
            }
        }
    } else {
        &args.cases[..]
    };
    let old = match load_rules(&args.old, "old") {
        Ok(p) => p,
        Err(code) => return code,
    };
    let new = match load_rules(&new_name, "new") {
        Ok(p) => p,
        Err(code) => return code,
    };
    let listing = case_files(cases);
    for skipped in &listing.skipped {
        errln!("note: {skipped}");
    }
    if listing.found.is_empty() {
        return no_case_files(cases);
    }
    let report = diff_cases(
        (&args.old, &old),
        (&new_name, &new),
        listing.found,
        args.as_of,
    );
    for failure in &report.unjudged {
        errln!("{}", failure.one_line());
    }
    let written = write_stdout(&render(&report, args.format));
    if written != 0 || !report.unjudged.is_empty() {
        return 2;
    }
    u8::from(report.changed() && !args.report_only)
}
