//! Reading a rule-test file: its fields, its case (read by the case reader, errors placed
//! in the test file) and its expectation.

use super::*;

/// Builds test-file errors located in one text.
pub(super) struct Reader<'t> {
    file: String,
    text: &'t str,
    vocab: &'t Vocabulary,
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
/// `vocab` is the rule set's vocabulary, which the test's case is read against.
pub fn read_test(file: &Path, vocab: &Vocabulary) -> Result<RuleTest, TestFileError> {
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
    parse_test(file, &text, vocab)
}

/// Check a test file's text; `file` names it in errors.
pub fn parse_test(file: &Path, text: &str, vocab: &Vocabulary) -> Result<RuleTest, TestFileError> {
    let reader = Reader {
        file: file.display().to_string(),
        text,
        vocab,
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
    let strict_calendar = match top.get("strict_calendar") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            return Err(reader.error(
                "kzrules::test::wrong_type",
                &[Seg::Key(String::from("strict_calendar"))],
                String::from("`strict_calendar` must be `true` or `false`"),
                None,
            ))
        }
    };
    let matching = match top.get("match") {
        None | Some(Value::Null) => Match::Exact,
        Some(Value::String(s)) if s == "exact" => Match::Exact,
        Some(Value::String(s)) if s == "subset" => Match::Subset,
        Some(other) => {
            let shown = match other {
                Value::String(s) => format!("`{s}`"),
                v => v.to_string(),
            };
            return Err(reader.error(
                "kzrules::test::wrong_type",
                &[Seg::Key(String::from("match"))],
                format!("`match` is {shown}, not `\"exact\"` or `\"subset\"`"),
                Some(String::from("`\"exact\"` (the default): the listed items and no others; `\"subset\"`: the listed items, others allowed")),
            ));
        }
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
        strict_calendar,
        matching,
        facts,
        expect,
    })
}

/// The `case` part, read by the case reader; errors name their place in the test file.
pub(super) fn read_case_part(
    reader: &Reader<'_>,
    case: Option<&Value>,
) -> Result<Facts, TestFileError> {
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
            return read_case(slice, reader.vocab).map_err(|e| {
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
    parse_case_value(case.clone(), reader.vocab)
        .and_then(|c| prepare(c, reader.vocab))
        .map_err(|e| {
            let mut err = reader.error(e.code(), &case_segs, e.message.clone(), e.help.clone());
            err.0.error.path = prefixed(&e.path);
            err
        })
}

/// The `expect` part: the categories, each a list of objects with known fields.
pub(super) fn read_expect(
    reader: &Reader<'_>,
    expect: Option<&Value>,
) -> Result<Vec<(Category, Vec<Value>)>, TestFileError> {
    let expect_seg = Seg::Key(String::from("expect"));
    let keys: Vec<&str> = Category::ALL
        .iter()
        .chain(Category::OPTIONAL.iter())
        .map(|c| c.key())
        .collect();
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
pub(super) fn schema_properties<'s>(
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
pub(super) fn schema_items<'s>(
    root: &'s Value,
    node: &'s Value,
    depth: usize,
) -> Option<&'s Value> {
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
pub(super) fn check_fields(
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
pub(super) fn json_locate(text: &str, path: &[Seg]) -> Option<(usize, usize)> {
    let (body, base) = strip_bom(text);
    value_range(body, path).map(|(start, end)| (base + start, base + end))
}

/// The byte span (start, end) of the last key of `path` (an object field's name).
pub(super) fn json_locate_key(text: &str, path: &[Seg]) -> Option<(usize, usize)> {
    locate_in(text, path, true)
}

pub(super) fn locate_in(text: &str, path: &[Seg], key: bool) -> Option<(usize, usize)> {
    let (body, base) = strip_bom(text);
    find_span(body, path, key).map(|(start, len)| (base + start, base + start + len))
}
