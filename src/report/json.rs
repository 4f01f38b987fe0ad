//! JSON output: one document per case, on one line (JSON Lines in batches).

use std::collections::BTreeMap;

use crate::eval::result::style::{with_style, CitationStyle};
use crate::eval::result::{CheckResult, Citation};
use crate::ir::Program;
use crate::report::CaseFailure;

/// A check result as one line of JSON (with its newline), citations in full.
pub fn line(result: &CheckResult) -> String {
    line_with(result, CitationStyle::Full)
}

/// A check result as one line of JSON (with its newline), citations in `style`.
pub fn line_with(result: &CheckResult, style: CitationStyle) -> String {
    // A result is a few kilobytes: one allocation of that size instead of a dozen growths.
    let mut buffer = Vec::with_capacity(16 * 1024);
    let written = with_style(style, || serde_json::to_writer(&mut buffer, result));
    if let Err(e) = written {
        buffer = serde_json::json!({
            "case": result.case,
            "error": {"code": "kzrules::output", "message": e.to_string()}
        })
        .to_string()
        .into_bytes();
    }
    buffer.push(b'\n');
    // serde_json writes UTF-8 only.
    String::from_utf8(buffer).unwrap_or_default()
}

/// A case that could not be checked, as one line of JSON: `{"case", "input", "error"}`.
pub fn failure_line(failure: &CaseFailure) -> String {
    let mut out = serde_json::to_string(failure)
        .unwrap_or_else(|_| String::from("{\"error\":{\"code\":\"kzrules::output\"}}"));
    out.push('\n');
    out
}

/// A check result as indented JSON, for a single case on a terminal.
pub fn pretty(result: &CheckResult) -> String {
    let mut out = serde_json::to_string_pretty(result).unwrap_or_default();
    out.push('\n');
    out
}

/// The first record of `kzrules check --format json --citations ref`: every citation of
/// the rule set by its id, `{"citations": {"ID": {"source", "ref", "seed"}, ...}}`, one
/// line. Results then give each citation by its id alone.
pub fn citation_index(program: &Program) -> String {
    let mut lists: Vec<&[Citation]> = Vec::new();
    for rule in &program.rules {
        lists.push(&rule.citations);
        lists.extend(rule.exceptions.iter().map(|e| &*e.citations));
        lists.extend(rule.extensions.iter().map(|e| &*e.citations));
    }
    lists.extend(program.penalties.values().flatten().map(|p| &*p.citations));
    lists.extend(program.parameters.values().flatten().map(|v| &*v.citations));
    let index: BTreeMap<String, &Citation> =
        lists.into_iter().flatten().map(|c| (c.id(), c)).collect();
    /// The record, its citations' fields in the results' order.
    #[derive(serde::Serialize)]
    struct Index<'a> {
        citations: BTreeMap<String, &'a Citation>,
    }
    let mut out = serde_json::to_string(&Index { citations: index })
        .unwrap_or_else(|_| String::from("{\"citations\":{}}"));
    out.push('\n');
    out
}
