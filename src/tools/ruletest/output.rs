//! The rule tests' results as data: JSON and JUnit XML (`kzrules test --format`).

use std::fmt::Write as _;

use super::*;
use crate::report::escape::{xml_attribute, xml_text};

/// The rule set the tests ran against, named in the machine formats.
#[derive(Debug, Clone, Copy)]
pub struct RulesUsed<'a> {
    /// `built-in`, or the rule folder.
    pub label: &'a str,
    /// The rule set's SHA-256.
    pub sha256: &'a str,
}

impl TestResult {
    /// `passed`, `failed` or `error`.
    pub fn status(&self) -> &'static str {
        match self.verdict {
            Verdict::Passed => "passed",
            Verdict::Failed(_) => "failed",
            Verdict::Unreadable(_) | Verdict::Unjudged(_) => "error",
        }
    }
}

fn failure_summary(f: &CategoryFailure, how: Match) -> String {
    match how {
        Match::Subset => format!(
            "{}: {} expected item(s) not found",
            f.category.key(),
            f.missing.len()
        ),
        Match::Exact => format!(
            "{}: {} expected item(s) not found, {} actual item(s) not expected",
            f.category.key(),
            f.missing.len(),
            f.unexpected.len()
        ),
    }
}

impl TestRun {
    /// The results as one JSON document (docs/ci.md, "Choosing tests, machine formats, updating").
    pub fn json(&self, rules: RulesUsed<'_>) -> String {
        let tests: Vec<Value> = self
            .results
            .iter()
            .map(|r| {
                let how = r.test.as_ref().map_or(Match::Exact, |t| t.matching);
                let mut item = serde_json::json!({
                    "file": r.file.display().to_string(),
                    "name": r.name(),
                    "status": r.status(),
                    "match": how.key(),
                });
                if let Verdict::Failed(failures) = &r.verdict {
                    let list: Vec<Value> = failures
                        .iter()
                        .map(|f| {
                            serde_json::json!({
                                "category": f.category.key(),
                                "summary": failure_summary(f, how),
                                "missing": f.missing,
                                "unexpected": if how == Match::Exact { f.unexpected.clone() } else { Vec::new() },
                                "diff": f.diff,
                            })
                        })
                        .collect();
                    if let Some(map) = item.as_object_mut() {
                        map.insert(String::from("failures"), Value::Array(list));
                    }
                }
                if let Some(problem) = r.problem() {
                    if let Some(map) = item.as_object_mut() {
                        map.insert(String::from("error"), Value::String(problem));
                    }
                }
                item
            })
            .collect();
        let mut doc = serde_json::json!({
            "folder": self.folder.display().to_string(),
            "rules": rules.label,
            "rules_sha256": rules.sha256,
            "passed": self.passed(),
            "failed": self.failed(),
            "errors": self.broken(),
            "filtered_out": self.filtered_out,
            "tests": tests,
        });
        if let Some(c) = &self.coverage {
            let coverage = serde_json::json!({
                "exercised": c.hit,
                "parts": c.total,
                "percent": (c.percent * 10.0).round() / 10.0,
                "not_exercised": c.missed,
            });
            if let Some(map) = doc.as_object_mut() {
                map.insert(String::from("coverage"), coverage);
            }
        }
        let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
        out.push('\n');
        out
    }

    /// The results as JUnit XML: one test suite, one test case per rule test.
    pub fn junit(&self, rules: RulesUsed<'_>) -> String {
        let tests = self.results.len();
        let (failures, errors) = (self.failed(), self.broken());
        let folder = xml_attribute(&self.folder.display().to_string());
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(
            out,
            "<testsuites name=\"kzrules test\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">"
        );
        let _ = writeln!(
            out,
            "  <testsuite name=\"{folder}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"0\">"
        );
        out.push_str("    <properties>\n");
        let _ = writeln!(
            out,
            "      <property name=\"rules\" value=\"{}\"/>",
            xml_attribute(rules.label)
        );
        let _ = writeln!(
            out,
            "      <property name=\"rules_sha256\" value=\"{}\"/>",
            xml_attribute(rules.sha256)
        );
        if let Some(c) = &self.coverage {
            let _ = writeln!(
                out,
                "      <property name=\"coverage_percent\" value=\"{:.1}\"/>",
                c.percent
            );
        }
        out.push_str("    </properties>\n");
        for r in &self.results {
            let _ = write!(
                out,
                "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\"",
                xml_attribute(r.name()),
                xml_attribute(&r.stem),
                xml_attribute(&r.file.display().to_string())
            );
            match &r.verdict {
                Verdict::Passed => out.push_str("/>\n"),
                Verdict::Failed(list) => {
                    out.push_str(">\n");
                    let how = r.test.as_ref().map_or(Match::Exact, |t| t.matching);
                    let message: Vec<String> =
                        list.iter().map(|f| failure_summary(f, how)).collect();
                    let body = match &r.test {
                        Some(test) => failure_text(test, list),
                        None => String::new(),
                    };
                    let _ = writeln!(
                        out,
                        "      <failure message=\"{}\" type=\"mismatch\">{}</failure>",
                        xml_attribute(&message.join("; ")),
                        xml_text(&body)
                    );
                    out.push_str("    </testcase>\n");
                }
                Verdict::Unreadable(_) | Verdict::Unjudged(_) => {
                    out.push_str(">\n");
                    let problem = r.problem().unwrap_or_default();
                    let _ = writeln!(
                        out,
                        "      <error message=\"{}\" type=\"{}\"/>",
                        xml_attribute(&problem),
                        if matches!(r.verdict, Verdict::Unreadable(_)) {
                            "unreadable"
                        } else {
                            "unjudged"
                        }
                    );
                    out.push_str("    </testcase>\n");
                }
            }
        }
        out.push_str("  </testsuite>\n</testsuites>\n");
        out
    }
}
