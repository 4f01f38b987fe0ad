//! `kzrules test --update`: the current results written into failing tests'
//! expectations (docs/ci.md, "Choosing tests, machine formats,
//! updating").
//!
//! Only the `expect` value of a file is replaced; every other byte stays as written.
//! Each category the test lists gets the actual items of that category, cut down to the
//! fields the test's items already give plus the usual ones (an exact test), or to the
//! fields the test's items give, for the rules they name (a `"match": "subset"` test).

use super::compare::{merge_shape, project};
use super::read::json_locate;
use super::*;

/// A test file and its new text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update {
    /// The test file.
    pub file: PathBuf,
    /// Its text now.
    pub old: String,
    /// Its text with the current results.
    pub new: String,
}

impl Update {
    /// A unified diff of the old text against the new, headed by the file name.
    pub fn diff(&self) -> String {
        let name = self.file.display().to_string();
        similar::TextDiff::from_lines(&self.old, &self.new)
            .unified_diff()
            .context_radius(3)
            .header(&name, &name)
            .to_string()
    }
}

/// Why the tests cannot be updated: nothing is written then.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UpdateError {
    /// A chosen test could not be read or judged.
    #[error("{count} chosen test(s) cannot be read or judged; no file was changed (help: fix them first, or leave them out with `--filter`)")]
    Broken {
        /// How many.
        count: usize,
    },
    /// A test file cannot be read again, or its `expect` cannot be found.
    #[error("cannot update `{file}`: {reason}; no file was changed")]
    File {
        /// The file.
        file: String,
        /// Why.
        reason: String,
    },
}

/// The new texts of the failing tests among those run whose file name or name holds
/// one of `names` (every failing test run when `names` is empty). Nothing is written.
pub fn updates(run: &TestRun, names: &[String]) -> Result<Vec<Update>, UpdateError> {
    let chosen = |r: &TestResult| {
        names.is_empty()
            || names
                .iter()
                .any(|n| r.stem.contains(n.as_str()) || r.name().contains(n.as_str()))
    };
    let broken = run
        .results
        .iter()
        .filter(|r| chosen(r) && r.problem().is_some())
        .count();
    if broken > 0 {
        return Err(UpdateError::Broken { count: broken });
    }
    let mut out = Vec::new();
    for r in run.results.iter().filter(|r| chosen(r)) {
        let (Verdict::Failed(_), Some(test), Some(result)) = (&r.verdict, &r.test, &r.result)
        else {
            continue;
        };
        let file_error = |reason: String| UpdateError::File {
            file: r.file.display().to_string(),
            reason,
        };
        let old = std::fs::read_to_string(&r.file).map_err(|e| file_error(e.to_string()))?;
        let new = rewrite(&old, test, result).ok_or_else(|| {
            file_error(String::from(
                "its `expect` object cannot be found in the text",
            ))
        })?;
        if new != old {
            out.push(Update {
                file: r.file.clone(),
                old,
                new,
            });
        }
    }
    Ok(out)
}

/// The test's text with its `expect` value replaced by the current results.
fn rewrite(text: &str, test: &RuleTest, result: &CheckResult) -> Option<String> {
    let (start, end) = json_locate(text, &[Seg::Key(String::from("expect"))])?;
    let line_start = text.get(..start)?.rfind('\n').map_or(0, |i| i + 1);
    let indent: String = text
        .get(line_start..start)?
        .chars()
        .take_while(|c| c.is_whitespace())
        .collect();
    let mut body = String::from("{\n");
    let count = test.expect.len();
    for (index, (category, expected)) in test.expect.iter().enumerate() {
        let items = expected_now(*category, expected, result, test.matching);
        let _ = write!(body, "{indent}  \"{}\": ", category.key());
        if items.is_empty() {
            body.push_str("[]");
        } else {
            body.push_str("[\n");
            let lines: Vec<String> = items
                .iter()
                .map(|item| {
                    format!(
                        "{indent}    {}",
                        serde_json::to_string(item).unwrap_or_default()
                    )
                })
                .collect();
            body.push_str(&lines.join(",\n"));
            let _ = write!(body, "\n{indent}  ]");
        }
        body.push_str(if index + 1 < count { ",\n" } else { "\n" });
    }
    let _ = write!(body, "{indent}}}");
    let mut out = String::with_capacity(text.len() + body.len());
    out.push_str(text.get(..start)?);
    out.push_str(&body);
    out.push_str(text.get(end..)?);
    Some(out)
}

/// The expected items one category gets from the current result.
fn expected_now(
    category: Category,
    expected: &[Value],
    result: &CheckResult,
    how: Match,
) -> Vec<Value> {
    let actual = actual_items(result, category);
    match how {
        Match::Exact => {
            let mut shape = category.default_shape();
            for e in expected {
                merge_shape(&mut shape, e);
            }
            actual.iter().map(|a| project(a, &shape)).collect()
        }
        Match::Subset => {
            let mut shape = Value::Object(Map::new());
            for e in expected {
                merge_shape(&mut shape, e);
            }
            if expected.is_empty() {
                shape = category.default_shape();
            }
            // The rules the test names; an item without `rule` names them all.
            let rules: Option<Vec<&Value>> = expected
                .iter()
                .map(|e| e.get("rule"))
                .collect::<Option<Vec<&Value>>>();
            actual
                .iter()
                .filter(|a| match (&rules, a.get("rule")) {
                    (Some(rules), Some(rule)) => rules.contains(&rule),
                    _ => true,
                })
                .map(|a| project(a, &shape))
                .collect()
        }
    }
}

/// Write the new texts: each to a temporary file beside its test, then renamed over it,
/// so that a test file is either the old text or the new one, never half written.
pub fn write_updates(updates: &[Update]) -> Result<(), UpdateError> {
    for u in updates {
        let error = |reason: String| UpdateError::File {
            file: u.file.display().to_string(),
            reason,
        };
        let name = u
            .file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temporary = u.file.with_file_name(format!(".{name}.kzrules-update"));
        std::fs::write(&temporary, &u.new).map_err(|e| error(e.to_string()))?;
        if let Err(e) = std::fs::rename(&temporary, &u.file) {
            let _ = std::fs::remove_file(&temporary);
            return Err(error(e.to_string()));
        }
    }
    Ok(())
}

use std::fmt::Write as _;
