//! `kzrules test`: run the rule tests beside a rule set.

use std::path::PathBuf;

use clap::ValueEnum;

use super::{load_program, project, say_rules, write_stdout};
use crate::eval::today;
use crate::load::Choice;
use crate::tools::ruletest::{run_tests, updates, write_updates, RulesUsed, TestOptions};

/// Output formats of `kzrules test`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TestFormat {
    /// One line per test, the failures' diffs, a summary.
    Text,
    /// One JSON document: every test's status and failures, the totals, the coverage.
    Json,
    /// JUnit XML: one test case per rule test.
    Junit,
}

/// The arguments of `kzrules test`.
#[derive(Debug, Clone, clap::Args)]
pub struct TestArgs {
    /// Rule folder whose `tests/` to run (default: the project's, found from the current
    /// folder upward).
    pub dir: Option<PathBuf>,
    /// Run only the tests whose file name or `name` holds this text (repeatable).
    #[arg(long, value_name = "TEXT")]
    pub filter: Vec<String>,
    /// Report the rules, exceptions and penalty branches no test exercised.
    #[arg(long)]
    pub coverage: bool,
    /// Exit 1 when the tests exercise less than this percentage of the rules' parts
    /// (implies `--coverage`; default: the project's `min_coverage`).
    #[arg(long, value_name = "PERCENT", value_parser = parse_percent)]
    pub min_coverage: Option<f64>,
    /// Write the current results into the failing tests (those whose file name or name
    /// holds a NAME given, else every failing test run), after showing the diff.
    #[arg(long, value_name = "NAME", num_args = 0..)]
    pub update: Option<Vec<String>>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TestFormat::Text)]
    pub format: TestFormat,
}

fn parse_percent(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(n) if (0.0..=100.0).contains(&n) => Ok(n),
        _ => Err(format!(
            "`{s}` is not a percentage: write a number from 0 to 100"
        )),
    }
}

/// `kzrules test`: read the rules of `dir` (default: the project's rule folder) and run
/// the tests of `dir/tests/*.json`. Exit 0 when every test passes, 1 when one fails or
/// the coverage is below the minimum, 2 when the rules or a test cannot be read or
/// judged.
pub(super) fn test(args: &TestArgs) -> u8 {
    let choice = args.dir.as_deref().map_or(Choice::Discover, Choice::Folder);
    let project = match project(choice) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let Some(dir) = project.rules_folder().map(std::path::Path::to_path_buf) else {
        errln!("error: no rule folder here: `kzrules test` runs the tests beside a rule folder (help: run it in a folder with a `rules/` folder or a kzrules.toml, or give the folder: `kzrules test DIR`; docs/project.md)");
        return 2;
    };
    let program = match load_program(&project) {
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
    let min_coverage = args.min_coverage.or(project.settings.min_coverage);
    let options = TestOptions {
        coverage: args.coverage || min_coverage.is_some(),
        filters: args.filter.clone(),
    };
    let run = match run_tests(&program, &dir, &options) {
        Ok(run) => run,
        Err(e) => {
            errln!("error: {e}");
            return 2;
        }
    };
    for line in run.problems() {
        errln!("{line}");
    }
    let label = project.rules_label();
    let rules = RulesUsed {
        label: &label,
        sha256: &program.sha256,
    };
    let text = match args.format {
        TestFormat::Text => run.text(),
        TestFormat::Json => run.json(rules),
        TestFormat::Junit => run.junit(rules),
    };
    let written = write_stdout(&text);
    let mut failing = run.failed();
    let mut code = if run.broken() > 0 || written != 0 {
        2
    } else {
        0
    };
    if let Some(names) = &args.update {
        match update(&run, names) {
            Ok(updated) => failing -= updated.min(failing),
            Err(()) => code = 2,
        }
    }
    if failing > 0 {
        code = code.max(1);
    }
    if let (Some(min), Some(coverage)) = (min_coverage, &run.coverage) {
        if coverage.percent + 1e-9 < min {
            errln!(
                "error: the tests exercise {:.1}% of the rules' parts, less than the minimum {min}% (help: write tests for the parts `kzrules test --coverage` lists)",
                coverage.percent
            );
            code = code.max(1);
        }
    }
    if args.format == TestFormat::Text {
        say_rules(&project, &program.sha256);
    }
    code
}

/// `--update`: show the diff of each failing test chosen, then write them all, or
/// none when one cannot be updated; how many were written.
fn update(run: &crate::tools::ruletest::TestRun, names: &[String]) -> Result<usize, ()> {
    let list = match updates(run, names) {
        Ok(list) => list,
        Err(e) => {
            errln!("error: {e}");
            return Err(());
        }
    };
    if list.is_empty() {
        errln!("update: no failing test to update");
        return Ok(0);
    }
    for u in &list {
        super::output::err_text(&u.diff());
    }
    match write_updates(&list) {
        Ok(()) => {
            errln!(
                "updated {} test file{} with the current results: review the diff above before committing",
                list.len(),
                if list.len() == 1 { "" } else { "s" }
            );
            Ok(list.len())
        }
        Err(e) => {
            errln!("error: {e}");
            Err(())
        }
    }
}
