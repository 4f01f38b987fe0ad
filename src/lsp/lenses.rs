//! Code lenses above each rule: how many rule tests (`tests/*.json` beside the rules,
//! `kzrules test`) exercise it and whether they pass, with a command that runs them.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use lsp_types::{CodeLens, Command};

use crate::ir::Program;
use crate::tools::ruletest::{read_test, run_test, TESTS_FOLDER};

use super::index::NameKind;
use super::workspace::Analysis;

/// The command a lens runs: the rule tests of one rule (argument: the rule id).
pub const RUN_RULE_TESTS: &str = "kzrules.runRuleTests";

/// One rule test, run.
#[derive(Debug, Clone)]
pub struct TestRun {
    /// Its name.
    pub name: String,
    /// Its file.
    pub file: PathBuf,
    /// The rules its results come from.
    pub rules: BTreeSet<String>,
    /// Whether it passed.
    pub passed: bool,
}

/// Run every readable rule test of `folder/tests` against `program`, with tracing, to
/// know which rules each exercises.
pub fn run_tests(program: &Program, folder: &Path) -> Vec<TestRun> {
    let Ok(entries) = std::fs::read_dir(folder.join(TESTS_FOLDER)) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .filter_map(|file| {
            let test = read_test(&file, &program.vocabulary).ok()?;
            let outcome = run_test(program, &test, true);
            let (rules, passed) = match outcome {
                Ok(o) => (
                    o.explanations
                        .iter()
                        .filter(|e| e.kind != "not_applicable")
                        .map(|e| e.rule.clone())
                        .collect(),
                    o.failures.is_empty(),
                ),
                Err(_) => (BTreeSet::new(), false),
            };
            Some(TestRun {
                name: test.name,
                file,
                rules,
                passed,
            })
        })
        .collect()
}

/// `3 tests · all pass`, `3 tests · 1 fails`, `no tests`.
pub fn summary(runs: &[&TestRun]) -> String {
    let n = runs.len();
    let failed = runs.iter().filter(|r| !r.passed).count();
    match (n, failed) {
        (0, _) => String::from("no tests"),
        (1, 0) => String::from("1 test · passes"),
        (1, _) => String::from("1 test · fails"),
        (n, 0) => format!("{n} tests · all pass"),
        (n, 1) => format!("{n} tests · 1 fails"),
        (n, f) => format!("{n} tests · {f} fail"),
    }
}

/// The tests that exercise a rule.
pub fn of_rule<'a>(runs: &'a [TestRun], rule: &str) -> Vec<&'a TestRun> {
    runs.iter().filter(|r| r.rules.contains(rule)).collect()
}

/// A lens above each rule declaration of document `file`; `runs` is `None` when the
/// rules do not compile.
pub fn lenses(analysis: &Analysis, file: u32, runs: Option<&[TestRun]>) -> Vec<CodeLens> {
    let Some(doc) = analysis.of_span(file) else {
        return Vec::new();
    };
    analysis
        .index
        .occurrences
        .iter()
        .filter(|o| o.span.file == file && o.kind == NameKind::Rule)
        .filter_map(|o| {
            let decl = o.declaration?;
            let title = match runs {
                Some(runs) => summary(&of_rule(runs, &o.name)),
                None => String::from("tests: the rules do not compile"),
            };
            let start = doc.lines.position(doc.text(), decl.start as usize);
            Some(CodeLens {
                range: lsp_types::Range::new(start, start),
                command: Some(Command {
                    title,
                    command: String::from(RUN_RULE_TESTS),
                    arguments: Some(vec![serde_json::Value::String(o.name.clone())]),
                }),
                data: None,
            })
        })
        .collect()
}

/// What running a rule's tests gave, in one message.
pub fn report(rule: &str, runs: &[TestRun]) -> String {
    let mine = of_rule(runs, rule);
    let mut out = format!("{rule}: {}", summary(&mine));
    for r in mine.iter().filter(|r| !r.passed) {
        out.push_str(&format!(
            "; FAILED: {} ({})",
            r.name,
            r.file
                .file_name()
                .map(|f| f.to_string_lossy())
                .unwrap_or_default()
        ));
    }
    out
}
