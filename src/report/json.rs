//! JSON output: one document per case, on one line (JSON Lines in batches).

use crate::eval::result::CheckResult;
use crate::report::CaseFailure;

/// A check result as one line of JSON (with its newline).
pub fn line(result: &CheckResult) -> String {
    let mut out = serde_json::to_string(result).unwrap_or_else(|e| {
        format!(
            "{{\"case\":{:?},\"error\":{{\"code\":\"kzrules::output\",\"message\":{:?}}}}}",
            result.case,
            e.to_string()
        )
    });
    out.push('\n');
    out
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
