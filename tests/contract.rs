//! The input/output contract of docs/contract.md: the JSON Schemas under docs/schema/ are
//! generated from the Rust types and current, and docs/contract.md is kept in step with them
//! and with the program: its JSON examples are valid and are what `kzrules check` prints,
//! every schema property and value is named in it, and every field its tables list exists.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use assert_cmd::Command;

fn schema(which: &str) -> serde_json::Value {
    let out = Command::cargo_bin("kzrules")
        .unwrap()
        .args(["schema", which])
        .output()
        .unwrap();
    assert!(out.status.success());
    serde_json::from_slice(&out.stdout).unwrap()
}

fn committed(which: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(format!("docs/schema/{which}.schema.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn committed_schemas_are_current() {
    for which in ["case", "result", "plan"] {
        assert_eq!(
            schema(which),
            committed(which),
            "docs/schema/{which}.schema.json is stale: run `cargo run -q -- schema {which} > docs/schema/{which}.schema.json`"
        );
    }
}

#[test]
fn schemas_are_draft_2020_12() {
    for which in ["case", "result", "plan"] {
        assert_eq!(
            committed(which)["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
    }
}

fn validate(which: &str, instance: &serde_json::Value) -> Vec<String> {
    let validator = jsonschema::validator_for(&committed(which)).unwrap();
    validator
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path))
        .collect()
}

#[test]
fn a_case_with_a_typo_is_invalid_against_the_schema() {
    let mut case: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("tests/data/cases_md_case.json").unwrap())
            .unwrap();
    case["person"]["citizenshp"] = serde_json::json!("GB");
    assert!(!validate("case", &case).is_empty());
}

#[test]
fn real_results_are_valid_against_the_schema() {
    let out = Command::cargo_bin("kzrules")
        .unwrap()
        .args([
            "check",
            "--format",
            "json",
            "tests/data/cases_md_case.json",
            "examples/arrival.json",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    for line in lines {
        let value: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(validate("result", &value), Vec::<String>::new(), "{line}");
    }
}

#[test]
fn a_batchs_error_records_are_valid_against_the_result_schema() {
    let out = Command::cargo_bin("kzrules")
        .unwrap()
        .args([
            "check",
            "--format",
            "json",
            "examples/arrival.json",
            "tests/bad/cases/bad_date.json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    let failure: serde_json::Value = serde_json::from_str(lines[1]).unwrap();
    assert!(failure.get("error").is_some(), "{text}");
    for line in lines {
        let value: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(validate("result", &value), Vec::<String>::new(), "{line}");
    }
    // An object that is neither a result nor an error record is not valid.
    assert!(!validate("result", &serde_json::json!({"error": {"code": 1}})).is_empty());
}

#[test]
fn results_with_citations_by_id_are_valid_against_the_schema() {
    let out = Command::cargo_bin("kzrules")
        .unwrap()
        .args([
            "check",
            "--format",
            "json",
            "--citations",
            "ref",
            "tests/data/cases_md_case.json",
            "examples/arrival.json",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    // The index of the citations, then the two results.
    assert_eq!(lines.len(), 3, "{text}");
    for line in &lines[1..] {
        let value: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(
            value["obligations"][0]["citations"][0].is_string(),
            "{line}"
        );
        assert_eq!(validate("result", &value), Vec::<String>::new(), "{line}");
    }
}

// docs/contract.md, kept in step with the schemas and the program.

use serde_json::Value;

const CONTRACT: &str = "docs/contract.md";

fn contract() -> String {
    std::fs::read_to_string(CONTRACT).unwrap()
}

/// A fenced code block: its info string (`json`), its text and the line it starts on.
struct Block {
    info: String,
    text: String,
    line: usize,
}

/// The fenced code blocks of a Markdown text, and the text outside them.
fn split_markdown(text: &str) -> (Vec<Block>, String) {
    let mut blocks = Vec::new();
    let mut prose = String::new();
    let mut open: Option<Block> = None;
    for (i, line) in text.lines().enumerate() {
        let fence = line.trim_start().starts_with("```");
        match open.take() {
            None if fence => {
                open = Some(Block {
                    info: line.trim_start().trim_start_matches('`').trim().to_string(),
                    text: String::new(),
                    line: i + 1,
                });
            }
            None => {
                prose.push_str(line);
                prose.push('\n');
            }
            Some(block) if fence => blocks.push(block),
            Some(mut block) => {
                block.text.push_str(line);
                block.text.push('\n');
                open = Some(block);
            }
        }
    }
    assert!(open.is_none(), "{CONTRACT}: a code block is not closed");
    (blocks, prose)
}

/// What a JSON example of the contract is, by its top-level fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Example {
    Case,
    Result,
    /// A batch's line for a case that could not be checked.
    Failure,
}

/// Every ```json block of docs/contract.md, parsed, with its kind and line.
fn json_examples() -> Vec<(Example, Value, usize)> {
    let (blocks, _) = split_markdown(&contract());
    let mut out = Vec::new();
    for block in blocks.iter().filter(|b| b.info == "json") {
        let value: Value = serde_json::from_str(&block.text).unwrap_or_else(|e| {
            panic!(
                "{CONTRACT}:{}: the JSON example does not parse: {e}",
                block.line
            )
        });
        let has = |key: &str| value.get(key).is_some();
        let kind = if has("person") {
            Example::Case
        } else if has("obligations") {
            Example::Result
        } else if has("error") {
            Example::Failure
        } else {
            panic!(
                "{CONTRACT}:{}: a JSON example must be a whole case (with `person`), a whole \
                 result (with `obligations`) or a batch's error line (with `error`)",
                block.line
            )
        };
        out.push((kind, value, block.line));
    }
    out
}

#[test]
fn every_json_example_is_valid_against_its_schema() {
    let examples = json_examples();
    for kind in [Example::Case, Example::Result, Example::Failure] {
        assert!(
            examples.iter().any(|(k, _, _)| *k == kind),
            "{CONTRACT} has no {kind:?} example"
        );
    }
    let mut errors = Vec::new();
    for (kind, value, line) in &examples {
        let which = match kind {
            Example::Case => "case",
            // A batch's error line is one of the two shapes of a result line.
            Example::Result | Example::Failure => "result",
        };
        for e in validate(which, value) {
            errors.push(format!("{CONTRACT}:{line}: not a valid {which}: {e}"));
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

/// The case a result example is the result of: a case example of the contract with the same
/// id, else `tests/cases/ID.json`, else a file of `examples/` with that id.
fn case_of(id: &str, examples: &[(Example, Value, usize)]) -> Value {
    if let Some((_, case, _)) = examples
        .iter()
        .find(|(k, v, _)| *k == Example::Case && v["case"] == id)
    {
        return case.clone();
    }
    let read = |path: &std::path::Path| -> Value {
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    };
    let corpus = std::path::PathBuf::from(format!("tests/cases/{id}.json"));
    if corpus.exists() {
        return read(&corpus);
    }
    for entry in std::fs::read_dir("examples").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let case = read(&path);
            if case["case"] == id {
                return case;
            }
        }
    }
    panic!("{CONTRACT}: a result example is of the case `{id}`, which is neither a case example of the contract nor in tests/cases/ or examples/")
}

/// Whether `example` is part of `real`: every field it gives is in `real` with the same
/// value; a list gives some of the items of the real list, in the same order (a scalar list
/// or an empty list, all of them); of the receipt, only the fields are compared, since the
/// rule set's hash changes with every rule edit.
fn part_of(example: &Value, real: &Value, path: &str, errors: &mut Vec<String>) {
    match (example, real) {
        (Value::Object(e), Value::Object(r)) => {
            for (key, value) in e {
                let here = format!("{path}.{key}");
                match r.get(key) {
                    None => errors.push(format!("{here}: not in the output")),
                    Some(real) if here == ".receipt" => {
                        let fields = |v: &Value| {
                            v.as_object()
                                .map(|o| o.keys().cloned().collect::<Vec<_>>())
                                .unwrap_or_default()
                        };
                        if fields(value) != fields(real) {
                            errors.push(format!("{here}: the output has the fields {real}"));
                        }
                    }
                    Some(real) => part_of(value, real, &here, errors),
                }
            }
        }
        (Value::Array(e), Value::Array(r))
            if !e.is_empty() && e.iter().all(|x| x.is_object() || x.is_array()) =>
        {
            let mut next = 0;
            for (i, item) in e.iter().enumerate() {
                // The differences from each remaining item of the output.
                let candidates: Vec<(usize, Vec<String>)> = (next..r.len())
                    .map(|j| {
                        let mut errs = Vec::new();
                        part_of(item, &r[j], &format!("{path}[{j}]"), &mut errs);
                        (j, errs)
                    })
                    .collect();
                match candidates.iter().find(|(_, errs)| errs.is_empty()) {
                    Some((j, _)) => next = j + 1,
                    None => {
                        let nearest = candidates
                            .iter()
                            .min_by_key(|(_, errs)| errs.len())
                            .map(|(_, errs)| errs.join("; "))
                            .unwrap_or_else(|| String::from("the output has no more items"));
                        errors.push(format!(
                            "{path}[{i}] of the example is not in the output (in this order); nearest: {nearest}"
                        ));
                    }
                }
            }
        }
        _ if example == real => {}
        _ => errors.push(format!(
            "{path}: the example says {example}, the output {real}"
        )),
    }
}

#[test]
fn every_result_example_is_what_check_prints() {
    let examples = json_examples();
    let dir = tempfile::tempdir().unwrap();
    let mut errors = Vec::new();
    let mut checked = 0;
    for (kind, example, line) in &examples {
        if *kind != Example::Result {
            continue;
        }
        let id = example["case"].as_str().unwrap();
        let file = dir.path().join(format!("{checked}.json"));
        std::fs::write(&file, case_of(id, &examples).to_string()).unwrap();
        let out = Command::cargo_bin("kzrules")
            .unwrap()
            .args(["check", "--format", "json"])
            .arg(&file)
            .output()
            .unwrap();
        let real: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "case `{id}`: no result ({e}): {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
        let mut errs = Vec::new();
        part_of(example, &real, "", &mut errs);
        errors.extend(
            errs.into_iter()
                .map(|e| format!("{CONTRACT}:{line}: the result of `{id}`: {e}")),
        );
        checked += 1;
    }
    assert!(checked >= 2, "{CONTRACT} has {checked} result examples");
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

/// The fields of a JSON value and of the objects in it, as `a.b.c` paths.
fn shape(value: &Value, path: &str, out: &mut Vec<String>) {
    if let Value::Object(o) = value {
        for (key, v) in o {
            let here = format!("{path}.{key}");
            out.push(here.clone());
            shape(v, &here, out);
        }
    }
}

#[test]
fn the_batch_error_example_is_what_check_prints() {
    let examples = json_examples();
    let (_, example, line) = examples
        .iter()
        .find(|(k, _, _)| *k == Example::Failure)
        .unwrap();
    // The batch the example was taken from: its second line has a misspelt field.
    let input = "{\"case\":\"a\",\"person\":{\"citizenship\":\"GB\"}}\n\
                 {\"case\":\"b\",\"person\":{\"citizenship\":\"GB\",\"citizenshp\":\"x\"}}\n";
    let out = Command::cargo_bin("kzrules")
        .unwrap()
        .args(["check", "--format", "json", "--as-of", "2024-03-25", "-"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8(out.stdout).unwrap();
    let real: Value = serde_json::from_str(text.lines().nth(1).unwrap()).unwrap();
    let (mut want, mut got) = (Vec::new(), Vec::new());
    shape(example, "", &mut want);
    shape(&real, "", &mut got);
    assert_eq!(want, got, "{CONTRACT}:{line}: the fields of the error line");
    for field in [
        "/case",
        "/input",
        "/error/code",
        "/error/path",
        "/error/line",
        "/error/column",
    ] {
        assert_eq!(
            example.pointer(field),
            real.pointer(field),
            "{CONTRACT}:{line}: {field} of the error line"
        );
    }
}

/// The words written in backticks in the contract's prose: each span, and each name in it
/// (`penalty.fine_kzt` names `penalty` and `fine_kzt`).
fn backticked_words() -> Vec<String> {
    let (_, prose) = split_markdown(&contract());
    let mut words = Vec::new();
    for (i, span) in prose.split('`').enumerate() {
        if i % 2 == 1 {
            words.push(span.to_string());
            words.extend(
                span.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .filter(|w| !w.is_empty())
                    .map(str::to_string),
            );
        }
    }
    words
}

/// Every property name and every `const` value in a schema, recursively (`$defs` too).
fn names_in(schema: &Value, properties: &mut Vec<String>, values: &mut Vec<String>) {
    match schema {
        Value::Object(o) => {
            for (key, v) in o {
                if key == "properties" {
                    if let Value::Object(p) = v {
                        properties.extend(p.keys().cloned());
                    }
                }
                if key == "const" {
                    if let Value::String(s) = v {
                        values.push(s.clone());
                    }
                }
                names_in(v, properties, values);
            }
        }
        Value::Array(a) => a.iter().for_each(|v| names_in(v, properties, values)),
        _ => {}
    }
}

#[test]
fn every_schema_property_and_value_is_named_in_the_contract() {
    let words = backticked_words();
    let mut missing = Vec::new();
    for which in ["case", "result", "plan"] {
        let (mut properties, mut values) = (Vec::new(), Vec::new());
        names_in(&committed(which), &mut properties, &mut values);
        assert!(properties.len() > 20, "{which}: {properties:?}");
        for name in properties.iter().chain(&values) {
            if !words.contains(name) {
                missing.push(format!("{which}: `{name}`"));
            }
        }
    }
    missing.sort();
    missing.dedup();
    assert!(
        missing.is_empty(),
        "{CONTRACT} does not name these (in backticks): {missing:?}"
    );
}

/// One row of a field table: the field paths of its first cell, whether its `type` cell
/// says "required", and its line.
struct FieldRow {
    fields: Vec<String>,
    required: Option<bool>,
    line: usize,
}

/// The rows of the contract's field tables: the tables whose first column is `field`.
fn field_rows() -> Vec<FieldRow> {
    let text = contract();
    let mut rows = Vec::new();
    let mut header: Option<Vec<String>> = None;
    for (i, line) in text.lines().enumerate() {
        if !line.starts_with('|') {
            header = None;
            continue;
        }
        let cells: Vec<String> = line
            .trim_matches('|')
            .split('|')
            .map(|c| c.trim().to_string())
            .collect();
        let Some(head) = &header else {
            header = Some(cells);
            continue;
        };
        if head.first().map(String::as_str) != Some("field") || cells[0].starts_with("---") {
            continue;
        }
        let fields = cells[0]
            .split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect();
        let required = (head.get(1).map(String::as_str) == Some("type"))
            .then(|| cells.get(1).is_some_and(|c| c.contains("required")));
        rows.push(FieldRow {
            fields,
            required,
            line: i + 1,
        });
    }
    rows
}

/// Follow `$ref` and a nullable `anyOf` to the schema that describes a value.
fn deref<'a>(root: &'a Value, mut node: &'a Value) -> &'a Value {
    for _ in 0..16 {
        if let Some(r) = node.get("$ref").and_then(Value::as_str) {
            node = root
                .pointer(r.trim_start_matches('#'))
                .unwrap_or(&Value::Null);
        } else if let Some(any) = node.get("anyOf").and_then(Value::as_array) {
            match any.iter().find(|v| v.get("type") != Some(&"null".into())) {
                Some(v) => node = v,
                None => break,
            }
        } else {
            break;
        }
    }
    node
}

/// Resolve a field path (`person.documents[].kind`) from a schema node: whether its last
/// field is required, or `None` when the path does not exist there.
fn resolve(root: &Value, start: &Value, path: &str) -> Option<bool> {
    let mut node = start;
    let mut required = None;
    for segment in path.split('.') {
        let (name, list) = match segment.strip_suffix("[]") {
            Some(name) => (name, true),
            None => (segment, false),
        };
        let object = deref(root, node);
        let child = object.get("properties")?.get(name)?;
        required = Some(
            object
                .get("required")
                .and_then(Value::as_array)
                .is_some_and(|r| r.iter().any(|f| f == name)),
        );
        node = child;
        if list {
            node = deref(root, node).get("items")?;
        }
    }
    required
}

/// Whether each way a field path resolves (from the root or from a definition of either
/// schema) says it is required.
fn resolutions(path: &str, schemas: &[Value]) -> Vec<bool> {
    let mut out = Vec::new();
    for root in schemas {
        let mut starts = vec![root];
        if let Some(Value::Object(defs)) = root.get("$defs") {
            starts.extend(defs.values());
        }
        out.extend(starts.into_iter().filter_map(|s| resolve(root, s, path)));
    }
    out
}

#[test]
fn every_field_of_the_contracts_tables_is_in_a_schema() {
    let schemas = [committed("case"), committed("result"), committed("plan")];
    let rows = field_rows();
    let count: usize = rows.iter().map(|r| r.fields.len()).sum();
    assert!(
        count > 60,
        "{CONTRACT}: only {count} fields found in its tables"
    );
    let mut errors = Vec::new();
    for row in &rows {
        assert!(
            !row.fields.is_empty(),
            "{CONTRACT}:{}: a field table's row names no field in backticks",
            row.line
        );
        for field in &row.fields {
            let found = resolutions(field, &schemas);
            if found.is_empty() {
                errors.push(format!(
                    "{CONTRACT}:{}: `{field}` is in neither schema",
                    row.line
                ));
            } else if let Some(says) = row.required {
                if !found.contains(&says) {
                    errors.push(format!(
                        "{CONTRACT}:{}: `{field}` is {}required in the schema, the table says otherwise",
                        row.line,
                        if says { "not " } else { "" }
                    ));
                }
            }
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

/// The anchor GitHub gives a heading: lower case, punctuation other than `-` and `_`
/// dropped, spaces as `-`; a repeated heading gets `-1`, `-2`, ...
fn anchors(markdown: &str) -> Vec<String> {
    let (_, prose) = split_markdown(markdown);
    let mut out: Vec<String> = Vec::new();
    for line in prose.lines() {
        let Some(title) = line.strip_prefix('#') else {
            continue;
        };
        let title = title.trim_start_matches('#').trim();
        let slug: String = title
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
            .map(|c| if c == ' ' { '-' } else { c })
            .collect();
        let repeats = out
            .iter()
            .filter(|a| **a == slug || a.starts_with(&format!("{slug}-")))
            .filter(|a| {
                a.strip_prefix(&format!("{slug}-"))
                    .is_none_or(|n| n.chars().all(|c| c.is_ascii_digit()))
            })
            .count();
        out.push(if repeats == 0 {
            slug
        } else {
            format!("{slug}-{repeats}")
        });
    }
    out
}

#[test]
fn the_contracts_links_and_files_exist() {
    let text = contract();
    let (_, prose) = split_markdown(&text);
    let mut errors = Vec::new();
    let mut links = 0;
    for (i, _) in prose.match_indices("](") {
        let rest = &prose[i + 2..];
        let target = &rest[..rest.find(')').unwrap()];
        links += 1;
        if target.starts_with("https://") {
            continue;
        }
        let (file, anchor) = target.split_once('#').unwrap_or((target, ""));
        let path = if file.is_empty() {
            std::path::PathBuf::from(CONTRACT)
        } else {
            std::path::Path::new("docs").join(file)
        };
        if file.starts_with('/') || file.starts_with("../..") || !path.exists() {
            errors.push(format!(
                "the link `{target}` leads to no file of the repository"
            ));
        } else if !anchor.is_empty()
            && !anchors(&std::fs::read_to_string(&path).unwrap()).contains(&anchor.to_string())
        {
            errors.push(format!("the link `{target}`: no heading has that anchor"));
        }
    }
    assert!(links > 20, "{CONTRACT}: only {links} links found");
    // Files named in backticks, e.g. `tests/cases/...json`.
    for word in backticked_words() {
        let looks_like_path = ["tests/", "examples/", "docs/", "rules/", "src/"]
            .iter()
            .any(|p| word.starts_with(p))
            && !word.contains(' ')
            && !word.contains('*');
        if looks_like_path && !std::path::Path::new(&word).exists() {
            errors.push(format!("`{word}` does not exist"));
        }
    }
    assert!(errors.is_empty(), "{CONTRACT}: {}", errors.join("\n"));
}
