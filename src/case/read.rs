//! Reading a case text: JSON syntax, serde into the model, errors explained with their place.

use super::*;

pub(crate) fn limit_error(segs: Vec<Seg>, message: String, help: &str) -> CaseError {
    CaseError::new(CaseErrorKind::Limit, segs, message, Some(help.to_string()))
}

pub(crate) fn depth_error(segs: Vec<Seg>) -> CaseError {
    limit_error(
        segs,
        format!("arrays and objects are nested more than {MAX_DEPTH} deep"),
        "a case needs only a few levels; flatten the data under `meta`",
    )
}

/// Reads a case from JSON text: syntax, fields, types, names, dates and formats, and the size
/// limits. Errors carry the path, line, column and span.
///
/// A UTF-8 byte order mark at the start is skipped. Checks that need the whole case (ids,
/// `for`, the order of entries and exits) are [`prepare`]'s; [`read_case`] does both.
pub fn parse_case(text: &str, vocab: &Vocabulary) -> Result<Case, CaseError> {
    if text.len() > MAX_INPUT_BYTES {
        return Err(limit_error(
            Vec::new(),
            format!(
                "the input is {} bytes; at most {} bytes (16 MiB) are read",
                thousands(text.len() as u64),
                thousands(MAX_INPUT_BYTES as u64)
            ),
            "split the input into several cases",
        ));
    }
    let (body, base) = strip_bom(text);
    match serde_json::from_str::<Case>(body) {
        Ok(case) => match validate_fields(&case, vocab) {
            Ok(()) => Ok(case),
            Err(err) => Err(err.with_case(case.case).locate(text)),
        },
        Err(err) => Err(explain(body, base, &err, vocab)),
    }
}

/// Reads a case from an already parsed JSON value, with the same checks as [`parse_case`];
/// errors carry the path but no line or column.
pub fn parse_case_value(value: Value, vocab: &Vocabulary) -> Result<Case, CaseError> {
    if nested_deeper_than(&value, MAX_DEPTH) {
        return Err(depth_error(Vec::new()));
    }
    let case_id = value
        .get("case")
        .and_then(Value::as_str)
        .map(|s| shorten(s, 200));
    let problems = shape_problems(&value, vocab);
    if let Some(mut err) = problems
        .into_iter()
        .min_by_key(|e| e.kind == CaseErrorKind::MissingField)
    {
        err.0.case = case_id;
        return Err(err);
    }
    let case = serde_json::from_value::<Case>(value).map_err(|e| {
        let mut err = CaseError::new(
            CaseErrorKind::WrongType,
            Vec::new(),
            strip_position(&e.to_string()),
            None,
        );
        err.0.case = case_id.clone();
        err
    })?;
    match validate_fields(&case, vocab) {
        Ok(()) => Ok(case),
        Err(err) => Err(err.with_case(case.case)),
    }
}

/// Reads a case from JSON text and prepares it: [`parse_case`] then [`prepare`], with every
/// error located in the text.
pub fn read_case(text: &str, vocab: &Vocabulary) -> Result<Facts, CaseError> {
    let case = parse_case(text, vocab)?;
    let id = case.case.clone();
    prepare_checked(case, vocab.event_roles()).map_err(|mut err| {
        err.0.case = Some(id);
        err.locate(text)
    })
}

/// serde_json's message without its " at line L column C".
pub(crate) fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message.get(..at).unwrap_or(message).to_string(),
        None => message.to_string(),
    }
}

/// Turns serde_json's error on `body` into a [`CaseError`] that names the place and the fix.
pub(crate) fn explain(
    body: &str,
    base: usize,
    err: &serde_json::Error,
    vocab: &Vocabulary,
) -> CaseError {
    use serde_json::error::Category;
    let offset = offset_of(body, err.line(), err.column());
    match err.classify() {
        Category::Syntax | Category::Eof | Category::Io => {
            let raw = strip_position(&err.to_string());
            let segs = path_at(body, offset);
            let mut out = if raw.starts_with("recursion limit exceeded") {
                depth_error(segs)
            } else {
                let (message, help) = explain_syntax(body, offset, &raw);
                CaseError::new(CaseErrorKind::Syntax, segs, message, help)
            };
            // At the end of the text, point at its last character rather than past it.
            let at = match body.trim_end().char_indices().last() {
                Some((last, _)) if offset > last => last,
                _ => offset,
            };
            out.set_span(body, base, at, 1);
            out
        }
        Category::Data => {
            let value = match serde_json::from_str::<Value>(body) {
                Ok(value) => value,
                Err(syntax) => return explain(body, base, &syntax, vocab),
            };
            let case_id = value
                .get("case")
                .and_then(Value::as_str)
                .map(|s| shorten(s, 200));
            // serde_json stopped at the first problem in the text: report the problem of the
            // walk nearest to where it stopped (a missing field only when nothing else is
            // wrong there). Only the chosen one is located, so a large text is scanned twice
            // at most.
            let stopped = path_at(body, offset);
            let chosen = shape_problems(&value, vocab)
                .into_iter()
                .enumerate()
                .max_by_key(|(i, e)| {
                    let anchor = match (e.point, e.segs.split_last()) {
                        (Point::Parent, Some((_, parent))) => parent,
                        _ => e.segs.as_slice(),
                    };
                    let common = anchor
                        .iter()
                        .zip(&stopped)
                        .take_while(|(a, b)| a == b)
                        .count();
                    (
                        common,
                        e.kind != CaseErrorKind::MissingField,
                        std::cmp::Reverse(*i),
                    )
                })
                .map(|(_, e)| e);
            let mut out = match chosen {
                Some(e) => e.locate_with(body, base),
                None => fallback(body, base, offset, err),
            };
            out.0.case = case_id;
            out
        }
    }
}

/// A data error the shape walk did not explain: a field given twice, or something new.
pub(crate) fn fallback(
    body: &str,
    base: usize,
    offset: usize,
    err: &serde_json::Error,
) -> CaseError {
    let raw = strip_position(&err.to_string());
    let segs = path_at(body, offset);
    let mut at = (offset, 1);
    let mut out = if raw.starts_with("duplicate field") {
        let name = match segs.last() {
            Some(Seg::Key(k)) => k.clone(),
            _ => raw.split('`').nth(1).unwrap_or_default().to_string(),
        };
        // serde_json stops just after the repeated key: point at the key itself.
        let quoted = format!("\"{name}\"");
        if let Some(start) = body
            .get(..(offset + 1).min(body.len()))
            .and_then(|b| b.rfind(&quoted))
        {
            at = (start, quoted.len());
        }
        CaseError::new(
            CaseErrorKind::DuplicateField,
            segs,
            format!(
                "the field `{}` is given twice in one object",
                shorten(&name, 40)
            ),
            Some(format!("keep one `{}`", shorten(&name, 40))),
        )
    } else {
        CaseError::new(CaseErrorKind::WrongType, segs, raw, None)
    };
    out.set_span(body, base, at.0, at.1);
    out
}

/// Plain words and a fix for one of serde_json's syntax messages.
pub(crate) fn explain_syntax(body: &str, offset: usize, raw: &str) -> (String, Option<String>) {
    let at = body.as_bytes().get(offset).copied();
    let s = |m: &str| m.to_string();
    if body.trim().is_empty() {
        return (
            s("the input is empty"),
            Some(s("give a case as a JSON object {...}")),
        );
    }
    match raw {
        "EOF while parsing an object" => (
            s("the text ends inside an object"),
            Some(s("close every `{` with a `}`; the file may be cut short")),
        ),
        "EOF while parsing a list" => (
            s("the text ends inside a list"),
            Some(s("close every `[` with a `]`; the file may be cut short")),
        ),
        "EOF while parsing a string" => (
            s("the text ends inside a string"),
            Some(s("close the string with a `\"`; the file may be cut short")),
        ),
        "EOF while parsing a value" => (
            s("the text ends where a value was expected"),
            Some(s("the file may be cut short")),
        ),
        "expected `,` or `}`" => (
            s("expected `,` or `}` after a field's value"),
            Some(s("separate fields with commas, and check for a missing quote")),
        ),
        "expected `,` or `]`" => (
            s("expected `,` or `]` after a list item"),
            Some(s("separate list items with commas, and check for a missing quote or `}`")),
        ),
        "expected `:`" => (
            s("expected `:` after a field name"),
            Some(s("write fields as \"name\": value")),
        ),
        "key must be a string" => (
            s("a field name must be in double quotes"),
            Some(match at {
                Some(b'\'') => s("use double quotes \", not single quotes"),
                Some(b'}') => s("remove the comma after the last field"),
                _ => s("write fields as \"name\": value"),
            }),
        ),
        "trailing comma" => (
            s("there is a comma after the last item"),
            Some(s("remove the comma")),
        ),
        "trailing characters" => (
            s("there is more text after the end of the case"),
            Some(s("give one case per file; several cases go in several files or as JSON Lines, one per line")),
        ),
        "expected value" | "expected ident" => (
            s("expected a value: text in double quotes, a number, true, false, null, an object or a list"),
            Some(match at {
                Some(b'\'') => s("use double quotes \", not single quotes"),
                Some(b']' | b'}') => s("remove the comma before this, or give the missing value"),
                _ => s("put text in double quotes; write true, false and null in lower case"),
            }),
        ),
        "control character (\\u0000-\\u001F) found while parsing a string"
            if body.get(offset..).is_none_or(|rest| rest.trim().is_empty()) =>
        {
            (
                s("the text ends inside a string"),
                Some(s("close the string with a `\"`; the file may be cut short")),
            )
        }
        "control character (\\u0000-\\u001F) found while parsing a string" => (
            s("a string contains a raw line break, tab or other control character"),
            Some(s("write a line break as \\n and a tab as \\t")),
        ),
        "invalid escape" | "invalid unicode code point" | "lone leading surrogate in hex escape"
        | "unexpected end of hex escape" => (
            s("a string contains an invalid backslash escape"),
            Some(s("write a backslash as \\\\")),
        ),
        "invalid number" => (s("this is not a valid number"), Some(s("write numbers like 200"))),
        "number out of range" => (s("this number is too large"), None),
        _ => (raw.to_string(), None),
    }
}
