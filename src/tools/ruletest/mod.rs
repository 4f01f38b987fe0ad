//! `kzrules test`: the rule tests that sit beside the rules, in `DIR/tests/*.json`.
//!
//! A test file is one JSON object (docs/ci.md, "Rule tests"):
//!
//! ```json
//! {
//!   "name": "arrival notified on the third business day",
//!   "about": "seed 002: Friday 23:50 is day 1, the Tuesday is day 3",
//!   "as_of": "2024-03-25",
//!   "case": { "case": "...", "person": {...}, "events": [...] },
//!   "expect": {
//!     "obligations": [{"rule": "arrival_notification", "due": "2024-03-19", "status": "met"}],
//!     "exemptions": [],
//!     "findings": []
//!   }
//! }
//! ```
//!
//! `case` is a case in the format of docs/contract.md, read by the case reader. An expected
//! item lists only the fields that matter; it matches an actual item when every field
//! it gives equals the actual one (objects compared the same way, recursively; arrays
//! element by element; a field the actual item leaves out counts as `null`). Each
//! category listed in `expect` must match exactly, as a multiset: every actual item is
//! matched by one expected item and every expected item by one actual item. A category
//! left out of `expect` is not checked.
//!
//! With `--coverage`, the tests run with tracing on and the parts of the rules they
//! exercised (`RULE/duty#N`, `RULE/exception#N`, `RULE/finding#N`,
//! `penalty ID/branch#N`) are compared with every part of the program.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rayon::prelude::*;
use serde_json::{Map, Value};

use crate::case::{find_span, render_path, value_range, Seg};
use crate::case::{parse_case_value, prepare, read_case, Facts};
use crate::eval::{evaluate_with, EvalError, Explanation, Options};
use crate::ir::coverage::{parts, CoverageId, Part};
use crate::ir::Program;
use crate::report::{CaseFailure, FailureDetail};
use crate::source::{line_column as line_col, strip_bom};

/// The folder of a rule folder that holds its tests.
pub const TESTS_FOLDER: &str = "tests";

/// The largest test file read, in bytes.
pub const MAX_TEST_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// The fields of a test file.
const TEST_FIELDS: &[&str] = &[
    "name",
    "about",
    "as_of",
    "strict_calendar",
    "case",
    "expect",
];

/// A part of a check result that a test can expect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    /// `obligations[]`.
    Obligations,
    /// `exemptions[]`.
    Exemptions,
    /// `findings[]`.
    Findings,
    /// `facts_needed[]`.
    FactsNeeded,
    /// `allowance[]`.
    Allowance,
}

impl Category {
    /// Every category, in the order of a check result.
    pub const ALL: [Category; 5] = [
        Category::Obligations,
        Category::Exemptions,
        Category::Findings,
        Category::FactsNeeded,
        Category::Allowance,
    ];

    /// The category's field name in `expect` and in a check result.
    pub fn key(self) -> &'static str {
        match self {
            Category::Obligations => "obligations",
            Category::Exemptions => "exemptions",
            Category::Findings => "findings",
            Category::FactsNeeded => "facts_needed",
            Category::Allowance => "allowance",
        }
    }

    fn from_key(key: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.key() == key)
    }

    /// The fields shown for an actual item that no expected item asked about.
    fn default_shape(self) -> Value {
        match self {
            Category::Obligations => serde_json::json!({
                "rule": null,
                "trigger": {"event": null, "date": null},
                "due": null,
                "status": null,
                "days_late": null,
                "fulfilled_on": null,
                "penalty": {"article": null, "warning": null, "fine_mci": null, "fine_kzt": null}
            }),
            Category::Exemptions => serde_json::json!({
                "rule": null,
                "reason": null,
                "trigger": {"event": null, "date": null}
            }),
            Category::Findings => serde_json::json!({
                "rule": null,
                "severity": null,
                "message": null
            }),
            Category::FactsNeeded => serde_json::json!({
                "rule": null,
                "fact": null,
                "reason": null
            }),
            Category::Allowance => serde_json::json!({
                "rule": null,
                "limit": null,
                "days_used": null,
                "days_left": null,
                "latest_exit": null,
                "next_full_entry": null
            }),
        }
    }
}

/// A rule test, read and checked.
#[derive(Debug, Clone)]
pub struct RuleTest {
    /// The file it was read from.
    pub file: PathBuf,
    /// Its name.
    pub name: String,
    /// What it is about, in words.
    pub about: Option<String>,
    /// The day the case is judged on: the test's `as_of`, else the case's.
    pub as_of: NaiveDate,
    /// `"strict_calendar": true`: a deadline on a provisional calendar year fails the
    /// test instead of giving the provisional result.
    pub strict_calendar: bool,
    /// The case, prepared for the evaluator.
    pub facts: Facts,
    /// The expected items of each category the test checks.
    pub expect: Vec<(Category, Vec<Value>)>,
}

/// Why a test file could not be read: the file, and the error with its code, JSON path,
/// place and fix, read through `Deref` (`err.path`). It is reported like a case that
/// could not be checked; boxed, so that an error stays one pointer wide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestFileError(Box<CaseFailure>);

impl std::ops::Deref for TestFileError {
    type Target = FailureDetail;

    fn deref(&self) -> &FailureDetail {
        &self.0.error
    }
}

impl TestFileError {
    fn new(file: String, error: FailureDetail) -> Self {
        TestFileError(Box::new(CaseFailure {
            case: None,
            input: file,
            error,
        }))
    }

    /// The test file.
    pub fn file(&self) -> &str {
        &self.0.input
    }

    /// `file:line:column: error[code]: path: message (help: ...)`, one line.
    pub fn one_line(&self) -> String {
        self.0.one_line()
    }
}

mod compare;
mod read;
#[cfg(test)]
mod tests;

pub use compare::{compare, item_matches, CategoryFailure};
#[cfg(test)]
use read::*;
pub use read::{parse_test, read_test};

// ---------------------------------------------------------------------------------------
// Running tests.
// ---------------------------------------------------------------------------------------

/// What running one test gave.
#[derive(Debug, Clone)]
pub struct TestOutcome {
    /// The categories that did not match; empty when the test passed.
    pub failures: Vec<CategoryFailure>,
    /// With tracing, the derivations (their `covered` ids give the coverage).
    pub explanations: Vec<Explanation>,
}

/// Run one test: judge its case and compare each category it lists.
pub fn run_test(program: &Program, test: &RuleTest, trace: bool) -> Result<TestOutcome, EvalError> {
    let (result, explanations) = evaluate_with(
        program,
        &test.facts,
        test.as_of,
        Options {
            trace,
            strict_calendar: test.strict_calendar,
            timeline: false,
        },
    )?;
    let actual_of = |category: Category| -> Vec<Value> {
        let value = match category {
            Category::Obligations => serde_json::to_value(&result.obligations),
            Category::Exemptions => serde_json::to_value(&result.exemptions),
            Category::Findings => serde_json::to_value(&result.findings),
            Category::FactsNeeded => serde_json::to_value(&result.facts_needed),
            Category::Allowance => serde_json::to_value(&result.allowance),
        };
        match value {
            Ok(Value::Array(items)) => items,
            _ => Vec::new(),
        }
    };
    let failures = test
        .expect
        .iter()
        .filter_map(|(category, expected)| compare(*category, expected, &actual_of(*category)))
        .collect();
    Ok(TestOutcome {
        failures,
        explanations,
    })
}

/// A test that was read, with what running it gave.
type Ran = (RuleTest, Result<TestOutcome, EvalError>);

/// Why the rule tests could not be run at all.
#[derive(Debug, thiserror::Error)]
pub enum TestsError {
    /// The tests' folder could not be read.
    #[error("cannot read `{}`: {error} (help: rule tests are `*.json` files in the `{TESTS_FOLDER}` folder beside the rules)", path.display())]
    Folder {
        /// The folder.
        path: PathBuf,
        /// What the system said.
        error: std::io::Error,
    },
    /// The folder holds no test.
    #[error("no rule tests (`*.json`) in `{}` (help: write one as docs/ci.md describes)", path.display())]
    NoTests {
        /// The folder.
        path: PathBuf,
    },
}

/// The `*.json` files of a folder (not its subfolders), sorted.
fn test_files(folder: &Path) -> Result<Vec<PathBuf>, TestsError> {
    let read_error = |error| TestsError::Folder {
        path: folder.to_path_buf(),
        error,
    };
    let entries = std::fs::read_dir(folder).map_err(read_error)?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.map_err(read_error)?.path();
        if path.is_file() && path.extension().is_some_and(|e| e == "json") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

fn failure_text(test: &RuleTest, failures: &[CategoryFailure]) -> String {
    let mut out = format!("---- {} ({}) ----\n", test.name, test.file.display());
    if let Some(about) = &test.about {
        out.push_str(&format!("about: {about}\n"));
    }
    out.push_str(&format!("as of {}\n", test.as_of));
    for f in failures {
        out.push_str(&format!(
            "{}: {} expected item(s) not found, {} actual item(s) not expected\n",
            f.category.key(),
            f.missing.len(),
            f.unexpected.len()
        ));
        out.push_str(&f.diff);
        if !f.missing.is_empty() {
            out.push_str("expected, not found:\n");
            for item in &f.missing {
                out.push_str(&format!("  {item}\n"));
            }
        }
        if !f.unexpected.is_empty() {
            out.push_str("found, not expected:\n");
            for item in &f.unexpected {
                out.push_str(&format!("  {item}\n"));
            }
        }
    }
    out
}

/// What running the rule tests gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestReport {
    /// The report: one line per test, the failures' diffs, the verdict and, asked for,
    /// the coverage.
    pub text: String,
    /// One line for each test that could not be read or judged, in file order.
    pub problems: Vec<String>,
    /// How many tests passed.
    pub passed: usize,
    /// How many tests failed.
    pub failed: usize,
    /// How many tests could not be read or judged.
    pub broken: usize,
}

/// Run the tests of a rule set, `DIR/tests/*.json` beside the rules of `dir` (a folder,
/// or a rule file whose folder holds `tests/`), against its compiled `program`; with
/// `coverage`, report the parts of the rules no test exercised.
pub fn run_tests(program: &Program, dir: &Path, coverage: bool) -> Result<TestReport, TestsError> {
    let base = if dir.is_file() {
        dir.parent().unwrap_or(Path::new("."))
    } else {
        dir
    };
    let folder = base.join(TESTS_FOLDER);
    let files = test_files(&folder)?;
    if files.is_empty() {
        return Err(TestsError::NoTests { path: folder });
    }
    let read: Vec<Result<RuleTest, TestFileError>> =
        files.par_iter().map(|f| read_test(f)).collect();
    let outcomes: Vec<Result<Ran, TestFileError>> = read
        .into_par_iter()
        .map(|t| {
            t.map(|test| {
                let outcome = run_test(program, &test, coverage);
                (test, outcome)
            })
        })
        .collect();

    let mut out = format!(
        "running {} rule test{} from `{}`\n",
        files.len(),
        if files.len() == 1 { "" } else { "s" },
        folder.display()
    );
    let mut details = Vec::new();
    let mut problems = Vec::new();
    let (mut passed, mut failed, mut broken) = (0usize, 0usize, 0usize);
    let mut explanations: Vec<&Explanation> = Vec::new();
    for (file, outcome) in files.iter().zip(&outcomes) {
        let stem = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        match outcome {
            Err(error) => {
                broken += 1;
                out.push_str(&format!("test {stem} ... ERROR (cannot be read)\n"));
                problems.push(error.one_line());
            }
            Ok((test, Err(e))) => {
                broken += 1;
                out.push_str(&format!(
                    "test {stem}: {} ... ERROR (cannot be judged)\n",
                    test.name
                ));
                problems.push(format!("{}: error[{}]: {e}", file.display(), e.code()));
            }
            Ok((test, Ok(result))) => {
                explanations.extend(result.explanations.iter());
                if result.failures.is_empty() {
                    passed += 1;
                    out.push_str(&format!("test {stem}: {} ... ok\n", test.name));
                } else {
                    failed += 1;
                    out.push_str(&format!("test {stem}: {} ... FAILED\n", test.name));
                    details.push(failure_text(test, &result.failures));
                }
            }
        }
    }
    if !details.is_empty() {
        out.push_str("\nfailures:\n\n");
        for d in &details {
            out.push_str(d);
            out.push('\n');
        }
    }
    let verdict = if failed == 0 && broken == 0 {
        "ok"
    } else {
        "FAILED"
    };
    out.push_str(&format!(
        "\ntest result: {verdict}. {passed} passed, {failed} failed"
    ));
    if broken > 0 {
        out.push_str(&format!(", {broken} could not be read or judged"));
    }
    out.push('\n');
    if coverage {
        out.push('\n');
        out.push_str(&coverage_report(program, &explanations));
    }
    Ok(TestReport {
        text: out,
        problems,
        passed,
        failed,
        broken,
    })
}

// ---------------------------------------------------------------------------------------
// Coverage.
// ---------------------------------------------------------------------------------------

/// The coverage report: how many parts the tests exercised, and every part they did not.
pub fn coverage_report(program: &Program, explanations: &[&Explanation]) -> String {
    let all = parts(program);
    let covered: BTreeSet<&CoverageId> = explanations.iter().flat_map(|e| &e.covered).collect();
    let missed: Vec<&Part> = all.iter().filter(|p| !covered.contains(&p.id)).collect();
    let total = all.len();
    let hit = total - missed.len();
    let percent = if total == 0 {
        100.0
    } else {
        (hit as f64) * 100.0 / (total as f64)
    };
    let mut out = format!(
        "coverage: {hit} of {total} duties, exceptions, findings and penalty branches exercised ({percent:.1}%)\n"
    );
    if missed.is_empty() {
        out.push_str("every part of the rules is exercised by a test\n");
    } else {
        out.push_str("not exercised by any test:\n");
        for p in missed {
            out.push_str(&format!("  {} {}: {}\n", p.label, p.id.item, p.description));
        }
    }
    out
}
