//! JSON output: one document per case, on one line (JSON Lines in batches).

use crate::eval::result::CheckResult;
use crate::report::CaseFailure;

/// A check result as one line of JSON (with its newline).
pub fn line(result: &CheckResult) -> String {
    // A result is a few kilobytes: one allocation of that size instead of a dozen growths.
    let mut buffer = Vec::with_capacity(16 * 1024);
    if let Err(e) = serde_json::to_writer(&mut buffer, result) {
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
