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
use crate::eval::result::CheckResult;
use crate::eval::{evaluate_with, EvalError, Explanation, Options};
use crate::ir::coverage::{parts, CoverageId, Part};
use crate::ir::Program;
use crate::ir::Vocabulary;
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
    "match",
    "case",
    "expect",
];

/// How a test's expected items are held against the actual ones of each category it
/// lists (the test's `"match"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Match {
    /// `"exact"` (the default): every actual item is matched by one expected item and
    /// every expected item by one actual item.
    #[default]
    Exact,
    /// `"subset"`: every expected item is matched by its own actual item; actual items
    /// the test does not list are allowed.
    Subset,
}

impl Match {
    /// The value of `"match"` in a test file.
    pub fn key(self) -> &'static str {
        match self {
            Match::Exact => "exact",
            Match::Subset => "subset",
        }
    }
}

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
    /// `fees[]`: checked only when listed (a corpus case need not give it).
    Fees,
    /// `allowance[]`.
    Allowance,
}

impl Category {
    /// Every category, in the order of a check result.
    pub const ALL: [Category; 4] = [
        Category::Obligations,
        Category::Exemptions,
        Category::Findings,
        Category::FactsNeeded,
    ];

    /// The categories a test may list besides `ALL`.
    pub const OPTIONAL: [Category; 2] = [Category::Fees, Category::Allowance];

    /// The category's field name in `expect` and in a check result.
    pub fn key(self) -> &'static str {
        match self {
            Category::Obligations => "obligations",
            Category::Exemptions => "exemptions",
            Category::Findings => "findings",
            Category::FactsNeeded => "facts_needed",
            Category::Fees => "fees",
            Category::Allowance => "allowance",
        }
    }

    fn from_key(key: &str) -> Option<Category> {
        Category::ALL
            .into_iter()
            .chain(Category::OPTIONAL)
            .find(|c| c.key() == key)
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
            Category::Fees => serde_json::json!({
                "what": null,
                "fee_mci": null,
                "fee_kzt": null
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
    /// How its expected items are held against the actual ones.
    pub matching: Match,
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
mod output;
mod read;
#[cfg(test)]
mod tests;
mod update;

pub use compare::{compare, compare_with, item_matches, CategoryFailure};
pub use output::RulesUsed;
#[cfg(test)]
use read::*;
pub use read::{parse_test, read_test};
pub use update::{updates, write_updates, Update, UpdateError};

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
    /// The check result the test's case gave.
    pub result: CheckResult,
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
    let failures = test
        .expect
        .iter()
        .filter_map(|(category, expected)| {
            compare_with(
                *category,
                expected,
                &actual_items(&result, *category),
                test.matching,
            )
        })
        .collect();
    Ok(TestOutcome {
        failures,
        explanations,
        result,
    })
}

/// The items of one category of a check result, as JSON.
pub fn actual_items(result: &CheckResult, category: Category) -> Vec<Value> {
    let value = match category {
        Category::Obligations => serde_json::to_value(&result.obligations),
        Category::Exemptions => serde_json::to_value(&result.exemptions),
        Category::Findings => serde_json::to_value(&result.findings),
        Category::FactsNeeded => serde_json::to_value(&result.facts_needed),
        Category::Fees => serde_json::to_value(&result.fees),
        Category::Allowance => serde_json::to_value(&result.allowance),
    };
    match value {
        Ok(Value::Array(items)) => items,
        _ => Vec::new(),
    }
}

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
    /// No test's file or name holds a filter.
    #[error("no rule test in `{}` has {} in its file name or its name (help: `kzrules test` lists every test)", path.display(), filters.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(" or "))]
    NoMatch {
        /// The folder.
        path: PathBuf,
        /// The filters given.
        filters: Vec<String>,
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
    if test.matching == Match::Subset {
        out.push_str("match: subset (actual items the test does not list are allowed)\n");
    }
    for f in failures {
        if test.matching == Match::Subset {
            out.push_str(&format!(
                "{}: {} expected item(s) not found\n",
                f.category.key(),
                f.missing.len(),
            ));
        } else {
            out.push_str(&format!(
                "{}: {} expected item(s) not found, {} actual item(s) not expected\n",
                f.category.key(),
                f.missing.len(),
                f.unexpected.len()
            ));
        }
        out.push_str(&f.diff);
        if !f.missing.is_empty() {
            out.push_str("expected, not found:\n");
            for item in &f.missing {
                out.push_str(&format!("  {item}\n"));
            }
        }
        if !f.unexpected.is_empty() && test.matching == Match::Exact {
            out.push_str("found, not expected:\n");
            for item in &f.unexpected {
                out.push_str(&format!("  {item}\n"));
            }
        }
    }
    out
}

/// Which tests to run and how.
#[derive(Debug, Clone, Default)]
pub struct TestOptions {
    /// Collect the coverage (runs the tests with tracing on).
    pub coverage: bool,
    /// Run only the tests whose file name (without `.json`) or `name` holds one of
    /// these texts; every test when empty.
    pub filters: Vec<String>,
}

/// What became of one test.
#[derive(Debug)]
pub enum Verdict {
    /// Every category it lists matched.
    Passed,
    /// These categories did not match.
    Failed(Vec<CategoryFailure>),
    /// The file could not be read.
    Unreadable(TestFileError),
    /// The case could not be judged.
    Unjudged(EvalError),
}

/// One test file and what running it gave.
#[derive(Debug)]
pub struct TestResult {
    /// The file.
    pub file: PathBuf,
    /// The file's name without `.json`.
    pub stem: String,
    /// The test, when its file could be read.
    pub test: Option<RuleTest>,
    /// What became of it.
    pub verdict: Verdict,
    /// The check result its case gave, when it could be judged.
    pub result: Option<CheckResult>,
}

impl TestResult {
    /// The test's name, else its file's.
    pub fn name(&self) -> &str {
        self.test.as_ref().map_or(&self.stem, |t| t.name.as_str())
    }

    /// One line for a test that could not be read or judged.
    pub fn problem(&self) -> Option<String> {
        match &self.verdict {
            Verdict::Unreadable(error) => Some(error.one_line()),
            Verdict::Unjudged(e) => {
                Some(format!("{}: error[{}]: {e}", self.file.display(), e.code()))
            }
            Verdict::Passed | Verdict::Failed(_) => None,
        }
    }
}

/// How much of the rules the tests exercised.
#[derive(Debug, Clone, PartialEq)]
pub struct Coverage {
    /// Parts exercised.
    pub hit: usize,
    /// Parts in all.
    pub total: usize,
    /// `hit` of `total` in percent (100 when there is no part).
    pub percent: f64,
    /// The parts no test exercised, one line each (`RULE id: description`).
    pub missed: Vec<String>,
}

/// What running the rule tests gave.
#[derive(Debug)]
pub struct TestRun {
    /// The tests' folder.
    pub folder: PathBuf,
    /// The tests run, in file-name order.
    pub results: Vec<TestResult>,
    /// How many tests the filters left out.
    pub filtered_out: usize,
    /// With `coverage`, how much of the rules the tests run exercised.
    pub coverage: Option<Coverage>,
}

impl TestRun {
    /// How many tests passed.
    pub fn passed(&self) -> usize {
        self.count(|v| matches!(v, Verdict::Passed))
    }

    /// How many tests failed.
    pub fn failed(&self) -> usize {
        self.count(|v| matches!(v, Verdict::Failed(_)))
    }

    /// How many tests could not be read or judged.
    pub fn broken(&self) -> usize {
        self.count(|v| matches!(v, Verdict::Unreadable(_) | Verdict::Unjudged(_)))
    }

    fn count(&self, which: impl Fn(&Verdict) -> bool) -> usize {
        self.results.iter().filter(|r| which(&r.verdict)).count()
    }

    /// One line for each test that could not be read or judged, in file order.
    pub fn problems(&self) -> Vec<String> {
        self.results
            .iter()
            .filter_map(TestResult::problem)
            .collect()
    }

    /// The report for people: one line per test, the failures' diffs, the verdict and,
    /// asked for, the coverage.
    pub fn text(&self) -> String {
        let run = self.results.len();
        let mut out = format!(
            "running {run} rule test{} from `{}`\n",
            if run == 1 { "" } else { "s" },
            self.folder.display()
        );
        let mut details = Vec::new();
        for r in &self.results {
            match (&r.verdict, &r.test) {
                (Verdict::Unreadable(_), _) | (Verdict::Unjudged(_), None) => {
                    out.push_str(&format!("test {} ... ERROR (cannot be read)\n", r.stem));
                }
                (Verdict::Unjudged(_), Some(test)) => out.push_str(&format!(
                    "test {}: {} ... ERROR (cannot be judged)\n",
                    r.stem, test.name
                )),
                (Verdict::Passed, _) => {
                    out.push_str(&format!("test {}: {} ... ok\n", r.stem, r.name()));
                }
                (Verdict::Failed(failures), test) => {
                    out.push_str(&format!("test {}: {} ... FAILED\n", r.stem, r.name()));
                    if let Some(test) = test {
                        details.push(failure_text(test, failures));
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
        let (passed, failed, broken) = (self.passed(), self.failed(), self.broken());
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
        if self.filtered_out > 0 {
            out.push_str(&format!(", {} filtered out", self.filtered_out));
        }
        out.push('\n');
        if let Some(coverage) = &self.coverage {
            out.push('\n');
            out.push_str(&coverage.text());
        }
        out
    }
}

/// Run the tests of a rule set, `DIR/tests/*.json` beside the rules of `dir` (a folder,
/// or a rule file whose folder holds `tests/`), against its compiled `program`; with
/// `coverage`, collect the parts of the rules the tests run exercised.
pub fn run_tests(
    program: &Program,
    dir: &Path,
    options: &TestOptions,
) -> Result<TestRun, TestsError> {
    let folder = tests_folder(dir);
    let files = test_files(&folder)?;
    if files.is_empty() {
        return Err(TestsError::NoTests { path: folder });
    }
    let read: Vec<(PathBuf, Result<RuleTest, TestFileError>)> = files
        .par_iter()
        .map(|f| (f.clone(), read_test(f, &program.vocabulary)))
        .collect();
    let total = read.len();
    let selected: Vec<(PathBuf, Result<RuleTest, TestFileError>)> = read
        .into_iter()
        .filter(|(file, test)| {
            options.filters.is_empty()
                || options.filters.iter().any(|f| {
                    stem_of(file).contains(f.as_str())
                        || test.as_ref().is_ok_and(|t| t.name.contains(f.as_str()))
                })
        })
        .collect();
    if selected.is_empty() {
        return Err(TestsError::NoMatch {
            path: folder,
            filters: options.filters.clone(),
        });
    }
    let filtered_out = total - selected.len();
    let trace = options.coverage;
    let ran: Vec<(TestResult, Vec<Explanation>)> = selected
        .into_par_iter()
        .map(|(file, test)| {
            let stem = stem_of(&file);
            let test = match test {
                Err(error) => {
                    let result = TestResult {
                        file,
                        stem,
                        test: None,
                        verdict: Verdict::Unreadable(error),
                        result: None,
                    };
                    return (result, Vec::new());
                }
                Ok(test) => test,
            };
            let (verdict, result, explanations) = match run_test(program, &test, trace) {
                Err(e) => (Verdict::Unjudged(e), None, Vec::new()),
                Ok(outcome) => {
                    let verdict = if outcome.failures.is_empty() {
                        Verdict::Passed
                    } else {
                        Verdict::Failed(outcome.failures)
                    };
                    (verdict, Some(outcome.result), outcome.explanations)
                }
            };
            let result = TestResult {
                file,
                stem,
                test: Some(test),
                verdict,
                result,
            };
            (result, explanations)
        })
        .collect();
    let coverage = trace.then(|| {
        let explanations: Vec<&Explanation> = ran.iter().flat_map(|(_, e)| e).collect();
        coverage(program, &explanations)
    });
    Ok(TestRun {
        folder,
        results: ran.into_iter().map(|(r, _)| r).collect(),
        filtered_out,
        coverage,
    })
}

/// The tests' folder of a rule folder (or of a rule file's folder).
pub fn tests_folder(dir: &Path) -> PathBuf {
    let base = if dir.is_file() {
        dir.parent().unwrap_or(Path::new("."))
    } else {
        dir
    };
    base.join(TESTS_FOLDER)
}

/// A file's name without its extension.
fn stem_of(file: &Path) -> String {
    file.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------
// Coverage.
// ---------------------------------------------------------------------------------------

/// How much of the rules the explanations exercised.
pub fn coverage(program: &Program, explanations: &[&Explanation]) -> Coverage {
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
    Coverage {
        hit,
        total,
        percent,
        missed: missed
            .iter()
            .map(|p| format!("{} {}: {}", p.label, p.id.item, p.description))
            .collect(),
    }
}

impl Coverage {
    /// The coverage report: how many parts the tests exercised, and every part they
    /// did not.
    pub fn text(&self) -> String {
        let mut out = format!(
            "coverage: {} of {} duties, exceptions, findings and penalty branches exercised ({:.1}%)\n",
            self.hit, self.total, self.percent
        );
        if self.missed.is_empty() {
            out.push_str("every part of the rules is exercised by a test\n");
        } else {
            out.push_str("not exercised by any test:\n");
            for line in &self.missed {
                out.push_str(&format!("  {line}\n"));
            }
        }
        out
    }
}
