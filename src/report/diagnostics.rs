//! Rule-file diagnostics for `kzrules compile --format human|json|sarif|github`.
//!
//! Every format gives the same place for a diagnostic: the file name as given, the
//! 1-based line and column (in characters) of the span's start, and where the source
//! text is at hand, the span's end.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use miette::{GraphicalReportHandler, GraphicalTheme, SourceSpan};
use serde::Serialize;
use serde_json::{json, Value};

use crate::diagnostic::{Diagnostic, Diagnostics, Level};

/// The output formats of `kzrules compile`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiagnosticFormat {
    /// For people: each diagnostic drawn with its source lines, then a count.
    Human,
    /// One JSON document: `{"diagnostics": [...], "errors": N, "warnings": N}`.
    Json,
    /// SARIF 2.1.0, for code scanning tools.
    Sarif,
    /// GitHub Actions workflow commands: one `::error`/`::warning` line each.
    Github,
}

/// How rule diagnostics are written for people (`--message-format`): drawn with their
/// source lines, or one line each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum MessageFormat {
    /// Each diagnostic drawn with its source lines, label and help.
    #[default]
    Human,
    /// One line per problem: `file:line:col: severity[code]: message (help: ...)`.
    Short,
}

/// One line per diagnostic, `file:line:col: severity[code]: message (help: ...)`, as
/// compilers and linters print them.
pub fn short(diagnostics: &Diagnostics) -> String {
    let mut out = String::new();
    for d in &diagnostics.list {
        out.push_str(&d.one_line());
        out.push('\n');
    }
    out
}

/// Diagnostics for people in a message format (`colour` only for the human one).
pub fn render_for_people(diagnostics: &Diagnostics, format: MessageFormat, colour: bool) -> String {
    match format {
        MessageFormat::Human => human(diagnostics, colour),
        MessageFormat::Short => short(diagnostics),
    }
}

/// Diagnostics rendered in a format; `colour` only matters for [`DiagnosticFormat::Human`].
pub fn render(diagnostics: &Diagnostics, format: DiagnosticFormat, colour: bool) -> String {
    match format {
        DiagnosticFormat::Human => human(diagnostics, colour),
        DiagnosticFormat::Json => json_document(diagnostics),
        DiagnosticFormat::Sarif => sarif(diagnostics),
        DiagnosticFormat::Github => github(diagnostics),
    }
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warning => "warning",
    }
}

fn counts(diagnostics: &Diagnostics) -> (usize, usize) {
    let errors = diagnostics.error_count();
    (errors, diagnostics.list.len() - errors)
}

/// `message (help: ...)`.
fn message_with_help(d: &Diagnostic) -> String {
    match &d.help {
        Some(h) => format!("{} (help: {h})", d.message),
        None => d.message.clone(),
    }
}

// ---------------------------------------------------------------- human

fn human(diagnostics: &Diagnostics, colour: bool) -> String {
    let mut out = if colour {
        let handler = GraphicalReportHandler::new_themed(GraphicalTheme::unicode()).with_width(100);
        let mut out = String::new();
        for d in &diagnostics.list {
            let _ = handler.render_report(&mut out, d);
            out.push('\n');
        }
        out
    } else {
        diagnostics.render_plain()
    };
    let (errors, warnings) = counts(diagnostics);
    let _ = writeln!(
        out,
        "{}, {}",
        crate::english::counted(errors as u64, "error"),
        crate::english::counted(warnings as u64, "warning")
    );
    out
}

// ---------------------------------------------------------------- json

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'a str,
    level: &'static str,
    message: &'a str,
    file: &'a str,
    line: usize,
    column: usize,
    offset: usize,
    length: usize,
    label: &'a str,
    help: Option<&'a str>,
    related: Option<Box<JsonDiagnostic<'a>>>,
    /// A fix an editor can apply: `replacement` in place of `length` bytes at `offset`.
    fix: Option<&'a crate::diagnostic::Fix>,
}

impl<'a> JsonDiagnostic<'a> {
    fn of(d: &'a Diagnostic) -> Self {
        JsonDiagnostic {
            code: d.code,
            level: level_name(d.level),
            message: &d.message,
            file: &d.file,
            line: d.line,
            column: d.column,
            offset: d.offset,
            length: d.length,
            label: &d.label,
            help: d.help.as_deref(),
            related: d
                .related
                .as_deref()
                .map(|r| Box::new(JsonDiagnostic::of(r))),
            fix: d.fix.as_ref(),
        }
    }
}

#[derive(Serialize)]
struct JsonDocument<'a> {
    diagnostics: Vec<JsonDiagnostic<'a>>,
    errors: usize,
    warnings: usize,
}

fn json_document(diagnostics: &Diagnostics) -> String {
    let (errors, warnings) = counts(diagnostics);
    let doc = JsonDocument {
        diagnostics: diagnostics.list.iter().map(JsonDiagnostic::of).collect(),
        errors,
        warnings,
    };
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_else(|e| {
        json!({"diagnostics": [], "errors": errors, "warnings": warnings, "output_error": e.to_string()})
            .to_string()
    });
    out.push('\n');
    out
}

// ---------------------------------------------------------------- sarif

const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The line and column (1-based, in characters, exclusive) just after the span, when
/// the diagnostic carries its source text and the span is not empty.
fn span_end(d: &Diagnostic) -> Option<(usize, usize)> {
    if d.length == 0 {
        return None;
    }
    let source = miette::Diagnostic::source_code(d)?;
    let span = SourceSpan::new(d.offset.into(), d.length);
    let contents = source.read_span(&span, 0, 0).ok()?;
    if contents.span().offset() != d.offset || contents.data().len() != d.length {
        return None;
    }
    let text = std::str::from_utf8(contents.data()).ok()?;
    match text.rfind('\n') {
        None => Some((d.line, d.column + text.chars().count())),
        Some(i) => {
            let tail = text.get(i + 1..)?;
            Some((
                d.line + text.matches('\n').count(),
                tail.chars().count() + 1,
            ))
        }
    }
}

/// A file name as a URI reference: forward slashes, and characters a URI may not
/// hold percent-encoded.
fn file_uri(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for b in name.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// The anchor GitHub gives a Markdown heading: lowercase, punctuation other than `-`
/// and `_` removed, each space a `-` (`kzrules::syntax` → `kzrulessyntax`). A heading
/// that repeats an earlier one gets `-1`, `-2`, ... (not needed for the codes' headings,
/// which are unique).
pub fn github_anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// The link to a code's section of docs/errors.md (its heading is the code).
pub fn help_link(code: &str) -> String {
    format!("docs/errors.md#{}", github_anchor(code))
}

fn physical_location(d: &Diagnostic) -> Value {
    let mut region = json!({"startLine": d.line, "startColumn": d.column});
    if let (Some((end_line, end_column)), Some(obj)) = (span_end(d), region.as_object_mut()) {
        obj.insert(String::from("endLine"), json!(end_line));
        obj.insert(String::from("endColumn"), json!(end_column));
    }
    json!({
        "artifactLocation": {"uri": file_uri(&d.file)},
        "region": region,
    })
}

fn sarif(diagnostics: &Diagnostics) -> String {
    // One rule per distinct code, in order of first appearance.
    let mut rule_index: BTreeMap<&str, usize> = BTreeMap::new();
    let mut rules = Vec::new();
    for d in &diagnostics.list {
        if !rule_index.contains_key(d.code) {
            rule_index.insert(d.code, rules.len());
            let doc = help_link(d.code);
            rules.push(json!({
                "id": d.code,
                "shortDescription": {"text": d.code},
                "help": {
                    "text": format!("See {doc}."),
                    "markdown": format!("See [{doc}]({doc})."),
                },
            }));
        }
    }
    let results: Vec<Value> = diagnostics
        .list
        .iter()
        .map(|d| {
            let mut result = json!({
                "ruleId": d.code,
                "ruleIndex": rule_index.get(d.code).copied().unwrap_or(0),
                "level": level_name(d.level),
                "message": {"text": message_with_help(d)},
                "locations": [{"physicalLocation": physical_location(d)}],
            });
            if let (Some(fix), Some(obj)) = (&d.fix, result.as_object_mut()) {
                obj.insert(
                    String::from("fixes"),
                    json!([{
                        "description": {"text": d.help.clone().unwrap_or_else(|| d.message.clone())},
                        "artifactChanges": [{
                            "artifactLocation": {"uri": file_uri(&d.file)},
                            "replacements": [{
                                "deletedRegion": {"byteOffset": fix.offset, "byteLength": fix.length},
                                "insertedContent": {"text": fix.replacement},
                            }],
                        }],
                    }]),
                );
            }
            if let (Some(r), Some(obj)) = (d.related.as_deref(), result.as_object_mut()) {
                obj.insert(
                    String::from("relatedLocations"),
                    json!([{
                        "id": 1,
                        "physicalLocation": physical_location(r),
                        "message": {"text": r.message},
                    }]),
                );
            }
            result
        })
        .collect();
    let mut driver = json!({
        "name": "kzrules",
        "version": env!("CARGO_PKG_VERSION"),
        "rules": rules,
    });
    let info = [env!("CARGO_PKG_REPOSITORY"), env!("CARGO_PKG_HOMEPAGE")]
        .into_iter()
        .find(|u| !u.is_empty());
    if let (Some(uri), Some(obj)) = (info, driver.as_object_mut()) {
        obj.insert(String::from("informationUri"), json!(uri));
    }
    let doc = json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": driver},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

// ---------------------------------------------------------------- github

/// Escaping of a workflow command's message.
fn github_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping of a workflow command's property value.
fn github_property(text: &str) -> String {
    github_data(text).replace(':', "%3A").replace(',', "%2C")
}

fn github(diagnostics: &Diagnostics) -> String {
    let mut out = String::new();
    for d in &diagnostics.list {
        let _ = writeln!(
            out,
            "::{} file={},line={},col={},title={}::{}",
            level_name(d.level),
            github_property(&d.file),
            d.line,
            d.column,
            github_property(d.code),
            github_data(&message_with_help(d))
        );
    }
    out
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use super::*;
    use crate::source::{SourceFile, Span};

    fn sample() -> Diagnostics {
        let file = SourceFile::new(
            "rules\\notify, 100%.kzr",
            "rule a {\n  due entry + 3 dayz\n}\nrule a {\n  «é» x\n}\n",
        );
        let first = Diagnostic::error(
            "kzrules::duplicate",
            &file,
            Span::new(0, 5, 6),
            "first definition",
        );
        let mut list = Diagnostics::default();
        list.push(
            Diagnostic::error(
                "kzrules::syntax",
                &file,
                Span::new(0, 25, 29),
                "unknown unit `dayz`",
            )
            .label("not a unit")
            .help("write `days`, `weeks`\nor `months`"),
        );
        list.push(
            Diagnostic::error(
                "kzrules::duplicate",
                &file,
                Span::new(0, 37, 38),
                "rule `a` is defined twice",
            )
            .with_related(first),
        );
        list.push(
            Diagnostic::error("kzrules::style", &file, Span::new(0, 43, 52), "odd: quotes")
                .warning(),
        );
        list.push(Diagnostic::without_place(
            "kzrules::syntax",
            "rules/empty.kzr",
            "empty file",
        ));
        list
    }

    #[test]
    fn human_has_reports_and_summary() {
        let d = sample();
        let plain = render(&d, DiagnosticFormat::Human, false);
        assert!(plain.starts_with(&d.render_plain()));
        assert!(plain.ends_with("3 errors, 1 warning\n"), "{plain}");
        assert!(plain.contains("unknown unit `dayz`"));
        assert!(!plain.contains('\x1b'));
        let coloured = render(&d, DiagnosticFormat::Human, true);
        assert!(coloured.contains("unknown unit `dayz`"));
        assert!(coloured.ends_with("3 errors, 1 warning\n"));
        let none = render(&Diagnostics::default(), DiagnosticFormat::Human, false);
        assert_eq!(none, "0 errors, 0 warnings\n");
    }

    #[test]
    fn json_document() {
        let out = render(&sample(), DiagnosticFormat::Json, false);
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["errors"], 3);
        assert_eq!(v["warnings"], 1);
        let first = &v["diagnostics"][0];
        assert_eq!(first["code"], "kzrules::syntax");
        assert_eq!(first["level"], "error");
        assert_eq!(first["line"], 2);
        assert_eq!(first["column"], 17);
        assert_eq!(first["offset"], 25);
        assert_eq!(first["length"], 4);
        assert_eq!(first["label"], "not a unit");
        assert_eq!(first["help"], "write `days`, `weeks`\nor `months`");
        assert_eq!(first["related"], Value::Null);
        assert_eq!(
            v["diagnostics"][1]["related"]["message"],
            "first definition"
        );
        assert_eq!(v["diagnostics"][1]["related"]["related"], Value::Null);
        assert_eq!(v["diagnostics"][2]["level"], "warning");
        let keys: Vec<&String> = first.as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), 12);
        assert_eq!(first["fix"], Value::Null);
    }

    #[test]
    fn sarif_has_the_required_keys() {
        let out = render(&sample(), DiagnosticFormat::Sarif, false);
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["$schema"], SARIF_SCHEMA);
        assert_eq!(v["version"], "2.1.0");
        let runs = v["runs"].as_array().unwrap();
        assert_eq!(runs.len(), 1);
        let driver = &runs[0]["tool"]["driver"];
        assert_eq!(driver["name"], "kzrules");
        assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
        let rules = driver["rules"].as_array().unwrap();
        let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
        assert_eq!(
            ids,
            ["kzrules::syntax", "kzrules::duplicate", "kzrules::style"]
        );
        for r in rules {
            assert!(r["shortDescription"]["text"].is_string());
            assert!(r["help"]["text"]
                .as_str()
                .unwrap()
                .contains("docs/errors.md#kzrules"));
        }
        let results = runs[0]["results"].as_array().unwrap();
        assert_eq!(results.len(), 4);
        for (r, rule) in results.iter().zip([0, 1, 2, 0]) {
            assert!(r["ruleId"].is_string());
            assert_eq!(r["ruleIndex"], rule);
            assert!(r["message"]["text"].is_string());
            let loc = &r["locations"][0]["physicalLocation"];
            assert!(loc["artifactLocation"]["uri"].is_string());
            assert!(loc["region"]["startLine"].is_u64());
            assert!(loc["region"]["startColumn"].is_u64());
        }
        let first = &results[0];
        assert_eq!(first["level"], "error");
        assert_eq!(
            first["message"]["text"],
            "unknown unit `dayz` (help: write `days`, `weeks`\nor `months`)"
        );
        let loc = &first["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "rules/notify,%20100%25.kzr");
        assert_eq!(
            loc["region"],
            json!({"startLine": 2, "startColumn": 17, "endLine": 2, "endColumn": 21})
        );
        // The related place of the duplicate.
        let rel = &results[1]["relatedLocations"][0];
        assert_eq!(rel["physicalLocation"]["region"]["startLine"], 1);
        assert_eq!(rel["message"]["text"], "first definition");
        // A span over non-ASCII text and a newline ends in characters, not bytes.
        assert_eq!(results[2]["level"], "warning");
        assert_eq!(
            results[2]["locations"][0]["physicalLocation"]["region"],
            json!({"startLine": 5, "startColumn": 3, "endLine": 6, "endColumn": 1})
        );
        // No place: no end.
        assert_eq!(
            results[3]["locations"][0]["physicalLocation"]["region"],
            json!({"startLine": 1, "startColumn": 1})
        );
    }

    #[test]
    fn github_lines_and_escaping() {
        let out = render(&sample(), DiagnosticFormat::Github, false);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 4);
        assert_eq!(
            lines[0],
            "::error file=rules\\notify%2C 100%25.kzr,line=2,col=17,title=kzrules%3A%3Asyntax::\
             unknown unit `dayz` (help: write `days`, `weeks`%0Aor `months`)"
        );
        assert!(lines[2].starts_with("::warning file="));
        assert!(lines[2].ends_with("::odd: quotes"));
        assert_eq!(github_data("a%b\r\nc"), "a%25b%0D%0Ac");
        assert_eq!(github_property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
