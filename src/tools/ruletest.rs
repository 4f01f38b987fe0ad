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
const TEST_FIELDS: &[&str] = &["name", "about", "as_of", "case", "expect"];

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
}

impl Category {
    /// Every category, in the order of a check result.
    pub const ALL: [Category; 4] = [
        Category::Obligations,
        Category::Exemptions,
        Category::Findings,
        Category::FactsNeeded,
    ];

    /// The category's field name in `expect` and in a check result.
    pub fn key(self) -> &'static str {
        match self {
            Category::Obligations => "obligations",
            Category::Exemptions => "exemptions",
            Category::Findings => "findings",
            Category::FactsNeeded => "facts_needed",
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

/// Builds test-file errors located in one text.
struct Reader<'t> {
    file: String,
    text: &'t str,
}

impl Reader<'_> {
    fn error(
        &self,
        code: &str,
        segs: &[Seg],
        message: String,
        help: Option<String>,
    ) -> TestFileError {
        let place = if code == "kzrules::test::unknown_field" {
            json_locate_key(self.text, segs)
        } else {
            json_locate(self.text, segs)
        };
        let (line, column) = match place {
            Some((start, _)) => {
                let (l, c) = line_col(self.text, start);
                (Some(l), Some(c))
            }
            None => (None, None),
        };
        TestFileError::new(
            self.file.clone(),
            FailureDetail {
                code: code.to_string(),
                path: render_path(segs),
                line,
                column,
                message,
                help,
            },
        )
    }
}

/// Read and check one test file.
pub fn read_test(file: &Path) -> Result<RuleTest, TestFileError> {
    let shown = file.display().to_string();
    let plain = |code: &str, message: String, help: &str| -> TestFileError {
        TestFileError::new(
            shown.clone(),
            FailureDetail {
                code: code.to_string(),
                path: String::new(),
                line: None,
                column: None,
                message,
                help: Some(help.to_string()),
            },
        )
    };
    let size = std::fs::metadata(file)
        .map_err(|e| {
            plain(
                "kzrules::test::read",
                format!("cannot read the test: {e}"),
                "check the path",
            )
        })?
        .len();
    if size > MAX_TEST_FILE_BYTES {
        return Err(plain(
            "kzrules::test::limit",
            format!("the test is {size} bytes, more than {MAX_TEST_FILE_BYTES}"),
            "split it into several tests",
        ));
    }
    let bytes = std::fs::read(file).map_err(|e| {
        plain(
            "kzrules::test::read",
            format!("cannot read the test: {e}"),
            "check the path",
        )
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        plain(
            "kzrules::test::encoding",
            format!(
                "the test is not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
            "save the test as UTF-8 JSON",
        )
    })?;
    parse_test(file, &text)
}

/// Check a test file's text; `file` names it in errors.
pub fn parse_test(file: &Path, text: &str) -> Result<RuleTest, TestFileError> {
    let reader = Reader {
        file: file.display().to_string(),
        text,
    };
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let value: Value = serde_json::from_str(body).map_err(|e| -> TestFileError {
        TestFileError::new(
            reader.file.clone(),
            FailureDetail {
                code: String::from("kzrules::test::syntax"),
                path: String::new(),
                line: Some(e.line()),
                column: Some(e.column()),
                message: {
                    let m = e.to_string();
                    match m.rfind(" at line ") {
                        Some(at) => m.get(..at).unwrap_or(&m).to_string(),
                        None => m,
                    }
                },
                help: Some(String::from(
                    "a rule test is one JSON object: see docs/ci.md",
                )),
            },
        )
    })?;
    let Value::Object(top) = &value else {
        return Err(reader.error(
            "kzrules::test::wrong_type",
            &[],
            String::from("a rule test is a JSON object"),
            Some(String::from(
                "write `{\"name\": ..., \"case\": {...}, \"expect\": {...}}`",
            )),
        ));
    };
    for key in top.keys() {
        if !TEST_FIELDS.contains(&key.as_str()) {
            return Err(reader.error(
                "kzrules::test::unknown_field",
                &[Seg::Key(key.clone())],
                format!("unknown field `{key}`"),
                Some(crate::diagnostic::suggest::did_you_mean(
                    key,
                    TEST_FIELDS.iter().copied(),
                )),
            ));
        }
    }
    let string_field = |key: &str, required: bool| -> Result<Option<String>, TestFileError> {
        match top.get(key) {
            None if required => Err(reader.error(
                "kzrules::test::missing_field",
                &[],
                format!("the test has no `{key}`"),
                Some(format!("add `\"{key}\": \"...\"`")),
            )),
            None | Some(Value::Null) if !required => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(reader.error(
                "kzrules::test::wrong_type",
                &[Seg::Key(key.to_string())],
                format!("`{key}` must be a string"),
                None,
            )),
            None => Ok(None),
        }
    };
    let name = string_field("name", true)?.unwrap_or_default();
    let about = string_field("about", false)?;
    let test_as_of = match string_field("as_of", false)? {
        None => None,
        Some(s) => Some(NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|_| {
            reader.error(
                "kzrules::test::bad_date",
                &[Seg::Key(String::from("as_of"))],
                format!("`{s}` is not a date"),
                Some(String::from("write YYYY-MM-DD, a real calendar day")),
            )
        })?),
    };
    let facts = read_case_part(&reader, top.get("case"))?;
    let Some(as_of) = test_as_of.or(facts.as_of) else {
        return Err(reader.error(
            "kzrules::test::no_as_of",
            &[],
            String::from("neither the test nor its case gives `as_of`"),
            Some(String::from(
                "add `\"as_of\": \"YYYY-MM-DD\"` so that the test judges the same day every time it runs",
            )),
        ));
    };
    let expect = read_expect(&reader, top.get("expect"))?;
    Ok(RuleTest {
        file: file.to_path_buf(),
        name,
        about,
        as_of,
        facts,
        expect,
    })
}

/// The `case` part, read by the case reader; errors name their place in the test file.
fn read_case_part(reader: &Reader<'_>, case: Option<&Value>) -> Result<Facts, TestFileError> {
    let case_segs = [Seg::Key(String::from("case"))];
    let Some(case) = case else {
        return Err(reader.error(
            "kzrules::test::missing_field",
            &[],
            String::from("the test has no `case`"),
            Some(String::from(
                "add `\"case\": {...}`, a case as docs/contract.md describes it",
            )),
        ));
    };
    if !case.is_object() {
        return Err(reader.error(
            "kzrules::test::wrong_type",
            &case_segs,
            String::from("`case` must be an object: a case as docs/contract.md describes it"),
            None,
        ));
    }
    let prefixed = |path: &str| {
        if path.is_empty() {
            String::from("case")
        } else if path.starts_with('[') {
            format!("case{path}")
        } else {
            format!("case.{path}")
        }
    };
    // Read the case's own text, so that errors carry the line and column in the file.
    if let Some((start, end)) = json_locate(reader.text, &case_segs) {
        if let Some(slice) = reader.text.get(start..end) {
            return read_case(slice).map_err(|e| {
                let offset = e.span.map_or(start, |s| start + s.offset());
                let (line, column) = line_col(reader.text, offset);
                let mut error = FailureDetail::from(&e);
                error.path = prefixed(&e.path);
                error.line = Some(line);
                error.column = Some(column);
                TestFileError::new(reader.file.clone(), error)
            });
        }
    }
    parse_case_value(case.clone())
        .and_then(prepare)
        .map_err(|e| {
            let mut err = reader.error(e.code(), &case_segs, e.message.clone(), e.help.clone());
            err.0.error.path = prefixed(&e.path);
            err
        })
}

/// The `expect` part: the categories, each a list of objects with known fields.
fn read_expect(
    reader: &Reader<'_>,
    expect: Option<&Value>,
) -> Result<Vec<(Category, Vec<Value>)>, TestFileError> {
    let expect_seg = Seg::Key(String::from("expect"));
    let keys: Vec<&str> = Category::ALL.iter().map(|c| c.key()).collect();
    let Some(expect) = expect else {
        return Err(reader.error(
            "kzrules::test::missing_field",
            &[],
            String::from("the test has no `expect`"),
            Some(format!(
                "add `\"expect\": {{...}}` with one or more of {}",
                keys.iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        ));
    };
    let Value::Object(map) = expect else {
        return Err(reader.error(
            "kzrules::test::wrong_type",
            std::slice::from_ref(&expect_seg),
            String::from("`expect` must be an object"),
            None,
        ));
    };
    if map.is_empty() {
        return Err(reader.error(
            "kzrules::test::empty_expect",
            std::slice::from_ref(&expect_seg),
            String::from("`expect` checks nothing"),
            Some(format!(
                "list one or more of {} (an empty list checks that nothing arises)",
                keys.iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        ));
    }
    let schema = schemars::schema_for!(crate::eval::result::CheckResult);
    let root = schema.as_value();
    let mut out = Vec::new();
    for (key, items) in map {
        let segs = vec![expect_seg.clone(), Seg::Key(key.clone())];
        let Some(category) = Category::from_key(key) else {
            return Err(reader.error(
                "kzrules::test::unknown_field",
                &segs,
                format!("unknown category `{key}`"),
                Some(crate::diagnostic::suggest::did_you_mean(
                    key,
                    keys.iter().copied(),
                )),
            ));
        };
        let Value::Array(list) = items else {
            return Err(reader.error(
                "kzrules::test::wrong_type",
                &segs,
                format!("`{key}` must be a list of expected items"),
                Some(String::from("write `[]` to check that nothing arises")),
            ));
        };
        let item_schema = root
            .get("properties")
            .and_then(|p| p.get(key))
            .and_then(|p| p.get("items"));
        for (index, item) in list.iter().enumerate() {
            let mut item_segs = segs.clone();
            item_segs.push(Seg::Index(index));
            if !item.is_object() {
                return Err(reader.error(
                    "kzrules::test::wrong_type",
                    &item_segs,
                    String::from("an expected item must be an object"),
                    Some(String::from("list the fields that matter, e.g. `{\"rule\": \"...\", \"status\": \"met\"}`")),
                ));
            }
            if let Some(node) = item_schema {
                check_fields(reader, root, node, item, &mut item_segs)?;
            }
        }
        out.push((category, list.clone()));
    }
    out.sort_by_key(|(c, _)| *c);
    Ok(out)
}

/// The object properties a schema node describes, following `$ref` and `anyOf`.
fn schema_properties<'s>(
    root: &'s Value,
    node: &'s Value,
    depth: usize,
) -> Option<&'s Map<String, Value>> {
    if depth > 16 {
        return None;
    }
    if let Some(Value::Object(p)) = node.get("properties") {
        return Some(p);
    }
    if let Some(Value::String(r)) = node.get("$ref") {
        let name = r.strip_prefix("#/$defs/")?;
        let target = root.get("$defs")?.get(name)?;
        return schema_properties(root, target, depth + 1);
    }
    for combinator in ["anyOf", "oneOf", "allOf"] {
        if let Some(Value::Array(options)) = node.get(combinator) {
            if let Some(p) = options
                .iter()
                .find_map(|o| schema_properties(root, o, depth + 1))
            {
                return Some(p);
            }
        }
    }
    None
}

/// The item schema of a list-valued schema node, following `$ref` and `anyOf`.
fn schema_items<'s>(root: &'s Value, node: &'s Value, depth: usize) -> Option<&'s Value> {
    if depth > 16 {
        return None;
    }
    if let Some(items) = node.get("items") {
        return Some(items);
    }
    if let Some(Value::String(r)) = node.get("$ref") {
        let name = r.strip_prefix("#/$defs/")?;
        return schema_items(root, root.get("$defs")?.get(name)?, depth + 1);
    }
    for combinator in ["anyOf", "oneOf", "allOf"] {
        if let Some(Value::Array(options)) = node.get(combinator) {
            if let Some(i) = options
                .iter()
                .find_map(|o| schema_items(root, o, depth + 1))
            {
                return Some(i);
            }
        }
    }
    None
}

/// Every field of an expected item must be a field of the result (a typo must not make
/// a test that can never pass for a reason nobody sees).
fn check_fields(
    reader: &Reader<'_>,
    root: &Value,
    node: &Value,
    value: &Value,
    segs: &mut Vec<Seg>,
) -> Result<(), TestFileError> {
    match value {
        Value::Object(map) => {
            let Some(props) = schema_properties(root, node, 0) else {
                return Ok(());
            };
            for (key, inner) in map {
                segs.push(Seg::Key(key.clone()));
                match props.get(key) {
                    None => {
                        return Err(reader.error(
                            "kzrules::test::unknown_field",
                            segs,
                            format!("unknown field `{key}`"),
                            Some(crate::diagnostic::suggest::did_you_mean(
                                key,
                                props.keys().map(String::as_str),
                            )),
                        ));
                    }
                    Some(child) => check_fields(reader, root, child, inner, segs)?,
                }
                segs.pop();
            }
            Ok(())
        }
        Value::Array(list) => {
            let Some(items) = schema_items(root, node, 0) else {
                return Ok(());
            };
            for (index, inner) in list.iter().enumerate() {
                segs.push(Seg::Index(index));
                check_fields(reader, root, items, inner, segs)?;
                segs.pop();
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// The byte range (start, end) of the whole value at `path` in the JSON `text`.
fn json_locate(text: &str, path: &[Seg]) -> Option<(usize, usize)> {
    let (body, base) = strip_bom(text);
    value_range(body, path).map(|(start, end)| (base + start, base + end))
}

/// The byte span (start, end) of the last key of `path` (an object field's name).
fn json_locate_key(text: &str, path: &[Seg]) -> Option<(usize, usize)> {
    locate_in(text, path, true)
}

fn locate_in(text: &str, path: &[Seg], key: bool) -> Option<(usize, usize)> {
    let (body, base) = strip_bom(text);
    find_span(body, path, key).map(|(start, len)| (base + start, base + start + len))
}

// ---------------------------------------------------------------------------------------
// Matching expected items against actual ones.
// ---------------------------------------------------------------------------------------

fn numbers_equal(a: &serde_json::Number, b: &serde_json::Number) -> bool {
    match (a.as_i64(), b.as_i64(), a.as_u64(), b.as_u64()) {
        (Some(x), Some(y), _, _) => x == y,
        (_, _, Some(x), Some(y)) => x == y,
        _ => match (a.as_f64(), b.as_f64()) {
            (Some(x), Some(y)) => x == y,
            _ => false,
        },
    }
}

/// Whether an expected value matches an actual one: every field an expected object
/// gives equals the actual object's (a field the actual leaves out counts as `null`),
/// recursively; arrays element by element; numbers by value.
pub fn item_matches(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => e
            .iter()
            .all(|(k, v)| item_matches(v, a.get(k).unwrap_or(&Value::Null))),
        (Value::Array(e), Value::Array(a)) => {
            e.len() == a.len() && e.iter().zip(a).all(|(x, y)| item_matches(x, y))
        }
        (Value::Number(x), Value::Number(y)) => numbers_equal(x, y),
        _ => expected == actual,
    }
}

/// A largest matching of expected to actual items (each used once): for each expected
/// item, the index of its actual item.
fn max_matching(expected: &[Value], actual: &[Value]) -> Vec<Option<usize>> {
    let edges: Vec<Vec<usize>> = expected
        .iter()
        .map(|e| {
            actual
                .iter()
                .enumerate()
                .filter(|(_, a)| item_matches(e, a))
                .map(|(i, _)| i)
                .collect()
        })
        .collect();
    let mut owner: Vec<Option<usize>> = vec![None; actual.len()];
    for e in 0..expected.len() {
        let mut seen = vec![false; actual.len()];
        augment(e, &edges, &mut owner, &mut seen);
    }
    let mut out = vec![None; expected.len()];
    for (a, o) in owner.iter().enumerate() {
        if let Some(slot) = o.and_then(|e| out.get_mut(e)) {
            *slot = Some(a);
        }
    }
    out
}

/// Kuhn's augmenting path from expected item `e`.
fn augment(e: usize, edges: &[Vec<usize>], owner: &mut [Option<usize>], seen: &mut [bool]) -> bool {
    let Some(candidates) = edges.get(e) else {
        return false;
    };
    for &a in candidates {
        if seen.get(a).copied().unwrap_or(true) {
            continue;
        }
        if let Some(s) = seen.get_mut(a) {
            *s = true;
        }
        let current = owner.get(a).copied().flatten();
        let free = match current {
            None => true,
            Some(other) => augment(other, edges, owner, seen),
        };
        if free {
            if let Some(o) = owner.get_mut(a) {
                *o = Some(e);
            }
            return true;
        }
    }
    false
}

/// How alike an expected and an actual item are: the number of equal leaves; 0 when
/// they name different rules.
fn likeness(expected: &Value, actual: &Value) -> usize {
    if let (Some(e), Some(a)) = (expected.get("rule"), actual.get("rule")) {
        if e != a {
            return 0;
        }
    }
    fn leaves(e: &Value, a: &Value) -> usize {
        match (e, a) {
            (Value::Object(em), Value::Object(am)) => em
                .iter()
                .map(|(k, v)| leaves(v, am.get(k).unwrap_or(&Value::Null)))
                .sum(),
            _ => usize::from(item_matches(e, a)),
        }
    }
    leaves(expected, actual) + 1
}

/// The actual value cut down to the fields that `shape` has (a missing field is `null`).
fn project(actual: &Value, shape: &Value) -> Value {
    match (shape, actual) {
        (Value::Object(s), Value::Object(a)) => Value::Object(
            s.iter()
                .map(|(k, v)| (k.clone(), project(a.get(k).unwrap_or(&Value::Null), v)))
                .collect(),
        ),
        (Value::Array(s), Value::Array(a)) if s.len() == a.len() => {
            Value::Array(s.iter().zip(a).map(|(x, y)| project(y, x)).collect())
        }
        _ => actual.clone(),
    }
}

/// Both shapes' fields.
fn merge_shape(into: &mut Value, other: &Value) {
    match (into, other) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                match a.get_mut(k) {
                    Some(existing) => merge_shape(existing, v),
                    None => {
                        a.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (slot, other) => {
            if !slot.is_object() && other.is_object() {
                *slot = other.clone();
            }
        }
    }
}

/// One category of one test that did not match.
#[derive(Debug, Clone, PartialEq)]
pub struct CategoryFailure {
    /// The category.
    pub category: Category,
    /// A unified diff of the expected items against the actual ones (cut down to the
    /// fields the test asks about).
    pub diff: String,
    /// Expected items no actual item matched.
    pub missing: Vec<Value>,
    /// Actual items no expected item matched (cut down to the usual fields and those the
    /// test asks about).
    pub unexpected: Vec<Value>,
}

/// Compare one category; `None` when it matches exactly.
pub fn compare(
    category: Category,
    expected: &[Value],
    actual: &[Value],
) -> Option<CategoryFailure> {
    let matching = max_matching(expected, actual);
    let matched_actual: BTreeSet<usize> = matching.iter().flatten().copied().collect();
    if matching.iter().all(Option::is_some) && matched_actual.len() == actual.len() {
        return None;
    }
    let mut union = category.default_shape();
    for e in expected {
        merge_shape(&mut union, e);
    }
    // Pair the unmatched items that look alike, so that the diff shows the fields
    // that differ side by side.
    let free_expected: Vec<usize> = (0..expected.len())
        .filter(|e| matching.get(*e).copied().flatten().is_none())
        .collect();
    let free_actual: Vec<usize> = (0..actual.len())
        .filter(|a| !matched_actual.contains(a))
        .collect();
    let mut scored: Vec<(usize, usize, usize)> = Vec::new();
    for &e in &free_expected {
        for &a in &free_actual {
            if let (Some(ev), Some(av)) = (expected.get(e), actual.get(a)) {
                let score = likeness(ev, av);
                if score > 0 {
                    scored.push((score, e, a));
                }
            }
        }
    }
    scored.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
    let mut partner_of_actual: Vec<Option<usize>> = vec![None; actual.len()];
    for (e, m) in matching.iter().enumerate() {
        if let Some(slot) = m.and_then(|a| partner_of_actual.get_mut(a)) {
            *slot = Some(e);
        }
    }
    let mut paired_expected: BTreeSet<usize> = BTreeSet::new();
    for (_, e, a) in scored {
        if paired_expected.contains(&e) || partner_of_actual.get(a).copied().flatten().is_some() {
            continue;
        }
        if let Some(slot) = partner_of_actual.get_mut(a) {
            *slot = Some(e);
        }
        paired_expected.insert(e);
    }
    let mut left: Vec<Value> = Vec::new();
    let mut right: Vec<Value> = Vec::new();
    for (a, partner) in partner_of_actual.iter().enumerate() {
        let Some(av) = actual.get(a) else { continue };
        match partner.and_then(|e| expected.get(e)) {
            Some(ev) => {
                left.push(ev.clone());
                right.push(project(av, ev));
            }
            None => right.push(project(av, &union)),
        }
    }
    for e in &free_expected {
        if !paired_expected.contains(e) {
            if let Some(ev) = expected.get(*e) {
                left.push(ev.clone());
            }
        }
    }
    let pretty = |items: Vec<Value>| {
        let mut s = serde_json::to_string_pretty(&Value::Array(items)).unwrap_or_default();
        s.push('\n');
        s
    };
    let (left, right) = (pretty(left), pretty(right));
    let diff = similar::TextDiff::from_lines(&left, &right)
        .unified_diff()
        .context_radius(3)
        .header("expected", "actual")
        .to_string();
    Some(CategoryFailure {
        category,
        diff,
        missing: free_expected
            .iter()
            .filter_map(|e| expected.get(*e).cloned())
            .collect(),
        unexpected: free_actual
            .iter()
            .filter_map(|a| actual.get(*a).map(|v| project(v, &union)))
            .collect(),
    })
}

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
    let (result, explanations) =
        evaluate_with(program, &test.facts, test.as_of, Options { trace })?;
    let actual_of = |category: Category| -> Vec<Value> {
        let value = match category {
            Category::Obligations => serde_json::to_value(&result.obligations),
            Category::Exemptions => serde_json::to_value(&result.exemptions),
            Category::Findings => serde_json::to_value(&result.findings),
            Category::FactsNeeded => serde_json::to_value(&result.facts_needed),
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

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn partial_items_match_recursively() {
        let actual = json!({"rule": "a", "due": "2024-03-19", "penalty": {"article": "518 part 1", "fine_mci": [20, 20]}});
        assert!(item_matches(&json!({"rule": "a"}), &actual));
        assert!(item_matches(
            &json!({"penalty": {"fine_mci": [20, 20]}}),
            &actual
        ));
        assert!(!item_matches(
            &json!({"penalty": {"fine_mci": [20]}}),
            &actual
        ));
        assert!(!item_matches(&json!({"due": "2024-03-20"}), &actual));
        assert!(item_matches(&json!({"fulfilled_on": null}), &actual));
        assert!(!item_matches(&json!({"penalty": null}), &actual));
        assert!(item_matches(
            &json!({"days_late": 1.0}),
            &json!({"days_late": 1})
        ));
    }

    #[test]
    fn matching_is_a_multiset_matching_not_greedy() {
        // Greedy would give the loose item the first actual and leave the strict one alone.
        let expected = vec![json!({"rule": "a"}), json!({"rule": "a", "due": "1"})];
        let actual = vec![
            json!({"rule": "a", "due": "1"}),
            json!({"rule": "a", "due": "2"}),
        ];
        assert!(compare(Category::Obligations, &expected, &actual).is_none());
        let too_few = vec![json!({"rule": "a"})];
        let failure = compare(Category::Obligations, &too_few, &actual).unwrap();
        assert_eq!(failure.missing.len(), 0);
        assert_eq!(failure.unexpected.len(), 1);
        let duplicate = vec![
            json!({"rule": "a", "due": "1"}),
            json!({"rule": "a", "due": "1"}),
        ];
        let failure = compare(Category::Obligations, &duplicate, &actual).unwrap();
        assert_eq!(failure.missing.len(), 1);
        assert_eq!(failure.unexpected.len(), 1);
    }

    #[test]
    fn the_diff_shows_the_field_that_differs() {
        let expected = vec![json!({"rule": "a", "due": "2024-03-19", "status": "met"})];
        let actual =
            vec![json!({"rule": "a", "due": "2024-03-20", "status": "met", "action": "x"})];
        let failure = compare(Category::Obligations, &expected, &actual).unwrap();
        assert!(
            failure.diff.contains("-    \"due\": \"2024-03-19\""),
            "{}",
            failure.diff
        );
        assert!(
            failure.diff.contains("+    \"due\": \"2024-03-20\""),
            "{}",
            failure.diff
        );
        assert!(!failure.diff.contains("action"), "{}", failure.diff);
    }

    #[test]
    fn errors_name_the_json_path_and_the_line() {
        let text = "{\n  \"name\": \"x\",\n  \"as_of\": \"2024-01-01\",\n  \"case\": {\"case\": \"c\", \"person\": {\"citizenship\": \"GB\"},\n    \"events\": [{\"kind\": \"entry\", \"date\": \"2024-13-01\"}]},\n  \"expect\": {\"obligations\": []}\n}\n";
        let err = parse_test(Path::new("t.json"), text).unwrap_err();
        assert_eq!(err.path, "case.events[0].date");
        assert_eq!(err.line, Some(5));
        assert_eq!(err.code, "kzrules::case::bad_date");

        let text = "{\"name\": \"x\", \"as_of\": \"2024-01-01\",\n \"case\": {\"case\": \"c\", \"person\": {\"citizenship\": \"GB\"}, \"events\": []},\n \"expect\": {\"obligations\": [{\"rule\": \"a\", \"stauts\": \"met\"}]}}";
        let err = parse_test(Path::new("t.json"), text).unwrap_err();
        assert_eq!(err.path, "expect.obligations[0].stauts");
        assert_eq!(err.line, Some(3));
        // The column of the unknown key itself: ` "expect": {"obligations": [{"rule": "a", `
        // is 42 characters.
        assert_eq!(err.column, Some(43));
        assert!(err.help.clone().unwrap().contains("did you mean `status`?"));

        let text = "{\"name\": \"x\", \"as_of\": \"2024-01-01\", \"case\": {\"case\": \"c\", \"person\": {\"citizenship\": \"GB\"}, \"events\": []}, \"expect\": {\"obligations\": [{\"penalty\": {\"fine\": 1}}]}}";
        let err = parse_test(Path::new("t.json"), text).unwrap_err();
        assert_eq!(err.path, "expect.obligations[0].penalty.fine");

        let text = "{\"name\": \"x\", \"case\": {\"case\": \"c\", \"person\": {\"citizenship\": \"GB\"}, \"events\": []}, \"expect\": {\"obligations\": []}}";
        let err = parse_test(Path::new("t.json"), text).unwrap_err();
        assert_eq!(err.code, "kzrules::test::no_as_of");

        let text = "{\"name\": \"x\", \"as_of\": \"2024-01-01\", \"case\": {\"case\": \"c\", \"person\": {\"citizenship\": \"GB\"}, \"events\": []}, \"expect\": {}}";
        let err = parse_test(Path::new("t.json"), text).unwrap_err();
        assert_eq!(err.code, "kzrules::test::empty_expect");

        let text = "{\"name\": \"x\", \"as_of\": \"2024-01-01\", \"cas\": {}}";
        let err = parse_test(Path::new("t.json"), text).unwrap_err();
        assert_eq!(err.path, "cas");
        assert!(err.help.clone().unwrap().contains("did you mean `case`?"));
    }

    #[test]
    fn the_locator_finds_nested_places() {
        let text = r#"{"a": [1, {"b\"c": "x", "d": [true, null]}], "e": 2}"#;
        let (s, e) = json_locate(
            text,
            &[
                Seg::Key("a".into()),
                Seg::Index(1),
                Seg::Key("d".into()),
                Seg::Index(1),
            ],
        )
        .unwrap();
        assert_eq!(&text[s..e], "null");
        let (s, e) = json_locate(
            text,
            &[Seg::Key("a".into()), Seg::Index(1), Seg::Key("b\"c".into())],
        )
        .unwrap();
        assert_eq!(&text[s..e], "\"x\"");
        let (s, e) = json_locate(text, &[Seg::Key("e".into())]).unwrap();
        assert_eq!(&text[s..e], "2");
        assert!(json_locate(text, &[Seg::Key("z".into())]).is_none());
        // Text that is not JSON ends the search instead of looping.
        assert!(json_locate("[}", &[Seg::Index(1)]).is_none());
        assert!(json_locate("{\"a\": [1 }", &[Seg::Key("b".into())]).is_none());
        let (s, e) = json_locate_key(
            text,
            &[Seg::Key("a".into()), Seg::Index(1), Seg::Key("d".into())],
        )
        .unwrap();
        assert_eq!(&text[s..e], "\"d\"");
    }
}
