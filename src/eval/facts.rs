//! Case facts: the input of `kzrules check` (spec/CASES.md, "Case facts (input)").
//!
//! Reading a case goes in two steps; [`read_case`] does both:
//!
//! 1. [`parse_case`] reads the JSON text into a [`Case`]: syntax, field names, types, the
//!    names of kinds and other enum values, dates (`2024-02-30` does not exist), formats
//!    (`citizenship`, `time`), date order within one record (`valid_from` / `valid_until`,
//!    `birth_date` / `as_of`) and the size limits ([`MAX_INPUT_BYTES`], [`MAX_EVENTS`],
//!    [`MAX_DOCUMENTS`], [`MAX_PENALTIES`], [`MAX_STRING_CHARS`], [`MAX_DEPTH`]).
//! 2. [`prepare`] checks what needs the whole case (event `id`s unique, every `for` naming an
//!    event, entries and exits alternating), sorts the events into time order and works out
//!    the stays, giving the [`Facts`] the evaluator runs on.
//!
//! Every error is a [`CaseError`]: a stable code ([`CaseErrorKind::code`]), the JSON path
//! (`person.documents[1].kind`, `events[3].date`), the line and column in the text, what is
//! wrong in plain words and the fix. Errors of [`prepare`] carry the path only; [`read_case`]
//! (or [`CaseError::locate`]) adds the line, column and span from the text.
//!
//! The structs below are also the published JSON Schema of the input: their doc comments
//! become the schema's descriptions.

use std::collections::HashMap;
use std::fmt::{self, Write as _};

use chrono::{Days, NaiveDate};
use miette::{Diagnostic, LabeledSpan, SourceSpan};
use schemars::JsonSchema;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::dates::{parse_date, parse_time};
use crate::diagnostic::suggest::{did_you_mean_among as did_you_mean, nearest};
use crate::english::{article, name_list, plural, shorten, thousands, upper_first};
use crate::source::{line_column as line_col, strip_bom};
pub use crate::vocab::{DocumentKind, Entries, EventKind, HostKind, HostSize, Purpose};

/// The largest case text read, in bytes (16 MiB).
pub const MAX_INPUT_BYTES: usize = 16 * 1024 * 1024;
/// The most events one case may have.
pub const MAX_EVENTS: usize = 10_000;
/// The most documents one person may have.
pub const MAX_DOCUMENTS: usize = 100;
/// The most penalty records in one list (`person.penalties`, `host.penalties`).
pub const MAX_PENALTIES: usize = 1_000;
/// The longest string (value or `meta` key), in characters.
pub const MAX_STRING_CHARS: usize = 4_096;
/// The deepest nesting of arrays and objects (serde_json's own limit).
pub const MAX_DEPTH: usize = 128;

// ---------------------------------------------------------------------------------------
// Input types
// ---------------------------------------------------------------------------------------

/// One case: the facts about one foreigner's stay in Kazakhstan that the rules are applied to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// The case's id, echoed in every result.
    #[schemars(length(max = MAX_STRING_CHARS))]
    pub case: String,
    /// The day the case is judged on (YYYY-MM-DD); `--as-of` overrides it; without either, today.
    #[serde(
        default,
        deserialize_with = "de_opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub as_of: Option<NaiveDate>,
    /// The foreigner.
    pub person: Person,
    /// The receiving (host, inviting) party.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<Host>,
    /// The purpose of the stay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<Purpose>,
    /// How long the stay is planned to last, in days counted from entry (the entry day is
    /// day 1); used while no `exit` is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub planned_stay_days: Option<u32>,
    /// What happened, in any order: entries, exits, notifications, applications.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = MAX_EVENTS))]
    pub events: Vec<Event>,
    /// Free-form data, carried through untouched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Value>,
}

/// The foreigner the case is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// Citizenship: an ISO 3166-1 alpha-2 code in capitals, e.g. `RU`, `KG`, `GB`, `US`.
    #[schemars(regex(pattern = r"^[A-Z]{2}$"))]
    pub citizenship: String,
    /// Date of birth (YYYY-MM-DD); needed by age rules (children under 16).
    #[serde(
        default,
        deserialize_with = "de_opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub birth_date: Option<NaiveDate>,
    /// The person's name, carried through untouched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = MAX_STRING_CHARS))]
    pub name: Option<String>,
    /// Passports, visas, permits and contracts the person holds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = MAX_DOCUMENTS))]
    pub documents: Vec<Document>,
    /// Administrative penalties already imposed on the person.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = MAX_PENALTIES))]
    pub penalties: Vec<PenaltyRecord>,
    /// Free-form data, carried through untouched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Value>,
}

/// A document the person holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// What the document is.
    pub kind: DocumentKind,
    /// The first day the document is valid (inclusive); absent: valid since before the case.
    #[serde(
        default,
        deserialize_with = "de_opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub valid_from: Option<NaiveDate>,
    /// The last day the document is valid (inclusive); absent: no end known.
    #[serde(
        default,
        deserialize_with = "de_opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub valid_until: Option<NaiveDate>,
    /// A visa's Kazakhstan category: `A5`, `B1`, `B2`, `B3`, `B10`, `B12`, `C2`, `C3`, `C5`,
    /// `C9`, `C12`, `B15`, `B20`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = MAX_STRING_CHARS))]
    pub category: Option<String>,
    /// A visa's number of entries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entries: Option<Entries>,
    /// A passport's number of blank pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blank_pages: Option<u32>,
    /// A work permit's region: the region the permit was granted for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = MAX_STRING_CHARS))]
    pub region: Option<String>,
    /// Free-form data, carried through untouched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Value>,
}

impl Document {
    /// Whether the document is valid on `date`: `valid_from` and `valid_until` are
    /// inclusive, and a missing bound is open.
    pub fn valid_on(&self, date: NaiveDate) -> bool {
        self.valid_from.is_none_or(|from| from <= date)
            && self.valid_until.is_none_or(|until| date <= until)
    }
}

/// The receiving (host, inviting) party.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Host {
    /// What kind of party the host is.
    pub kind: HostKind,
    /// The host's size class; picks the fine column of the Administrative Offences Code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<HostSize>,
    /// Administrative penalties already imposed on the host (repeat offences, invitation ban).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = MAX_PENALTIES))]
    pub penalties: Vec<PenaltyRecord>,
}

/// An administrative penalty already imposed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PenaltyRecord {
    /// The article of the Administrative Offences Code, e.g. `518`.
    #[schemars(length(max = MAX_STRING_CHARS))]
    pub article: String,
    /// The day the penalty was imposed (YYYY-MM-DD).
    #[serde(deserialize_with = "de_date")]
    pub date: NaiveDate,
}

/// Something that happened in the case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// The event's own id, unique in the case; a fulfilling event names it in `for`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = MAX_STRING_CHARS))]
    pub id: Option<String>,
    /// What happened.
    pub kind: EventKind,
    /// The day it happened (YYYY-MM-DD).
    #[serde(deserialize_with = "de_date")]
    pub date: NaiveDate,
    /// The time of day (HH:MM, 24-hour clock), where it matters; orders events on one day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"))]
    pub time: Option<String>,
    /// The region, where it matters (a `region_trip`'s destination).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = MAX_STRING_CHARS))]
    pub region: Option<String>,
    /// On a fulfilling event: the `id` of the event it answers; it then fulfils exactly the
    /// obligations that event triggered.
    #[serde(rename = "for", default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = MAX_STRING_CHARS))]
    pub r#for: Option<String>,
    /// Free-form data, carried through untouched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Value>,
}

fn de_date<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    let s = String::deserialize(d)?;
    parse_date(&s).map_err(|p| D::Error::custom(p.message(&s)))
}

fn de_opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    match Option::<String>::deserialize(d)? {
        None => Ok(None),
        Some(s) => parse_date(&s)
            .map(Some)
            .map_err(|p| D::Error::custom(p.message(&s))),
    }
}

// ---------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------

/// What kind of input error a [`CaseError`] is. Each kind has a stable diagnostic code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CaseErrorKind {
    /// The text is not JSON (`kzrules::case::syntax`).
    Syntax,
    /// A field no record of that place has (`kzrules::case::unknown_field`).
    UnknownField,
    /// An event kind, document kind or other enum value that does not exist
    /// (`kzrules::case::unknown_value`).
    UnknownValue,
    /// A value of the wrong JSON type (`kzrules::case::wrong_type`).
    WrongType,
    /// A required field is missing (`kzrules::case::missing_field`).
    MissingField,
    /// A field given twice in one object (`kzrules::case::duplicate_field`).
    DuplicateField,
    /// A date not in the form YYYY-MM-DD, or one that does not exist (`kzrules::case::bad_date`).
    BadDate,
    /// A value in the wrong form: a citizenship code, a time of day, a planned stay of 0 days
    /// (`kzrules::case::bad_value`).
    BadValue,
    /// Dates in the wrong order: `valid_from` after `valid_until`, `birth_date` after `as_of`
    /// (`kzrules::case::date_order`).
    DateOrder,
    /// Two events with one `id` (`kzrules::case::duplicate_id`).
    DuplicateId,
    /// A `for` that names no event (`kzrules::case::unknown_for`).
    UnknownFor,
    /// Entries and exits that do not alternate (`kzrules::case::event_order`).
    EventOrder,
    /// Input over a size limit (`kzrules::case::limit`).
    Limit,
}

impl CaseErrorKind {
    /// Every kind.
    pub const ALL: &'static [CaseErrorKind] = &[
        CaseErrorKind::Syntax,
        CaseErrorKind::UnknownField,
        CaseErrorKind::UnknownValue,
        CaseErrorKind::WrongType,
        CaseErrorKind::MissingField,
        CaseErrorKind::DuplicateField,
        CaseErrorKind::BadDate,
        CaseErrorKind::BadValue,
        CaseErrorKind::DateOrder,
        CaseErrorKind::DuplicateId,
        CaseErrorKind::UnknownFor,
        CaseErrorKind::EventOrder,
        CaseErrorKind::Limit,
    ];

    /// The stable diagnostic code, e.g. `kzrules::case::unknown_field`.
    pub fn code(self) -> &'static str {
        match self {
            CaseErrorKind::Syntax => "kzrules::case::syntax",
            CaseErrorKind::UnknownField => "kzrules::case::unknown_field",
            CaseErrorKind::UnknownValue => "kzrules::case::unknown_value",
            CaseErrorKind::WrongType => "kzrules::case::wrong_type",
            CaseErrorKind::MissingField => "kzrules::case::missing_field",
            CaseErrorKind::DuplicateField => "kzrules::case::duplicate_field",
            CaseErrorKind::BadDate => "kzrules::case::bad_date",
            CaseErrorKind::BadValue => "kzrules::case::bad_value",
            CaseErrorKind::DateOrder => "kzrules::case::date_order",
            CaseErrorKind::DuplicateId => "kzrules::case::duplicate_id",
            CaseErrorKind::UnknownFor => "kzrules::case::unknown_for",
            CaseErrorKind::EventOrder => "kzrules::case::event_order",
            CaseErrorKind::Limit => "kzrules::case::limit",
        }
    }

    /// The short label put under the place in the text.
    fn label(self) -> &'static str {
        match self {
            CaseErrorKind::Syntax => "here",
            CaseErrorKind::UnknownField => "unknown field",
            CaseErrorKind::UnknownValue => "unknown name",
            CaseErrorKind::WrongType => "wrong type",
            CaseErrorKind::MissingField => "in this object",
            CaseErrorKind::DuplicateField => "given again here",
            CaseErrorKind::BadDate => "not a date",
            CaseErrorKind::BadValue => "wrong form",
            CaseErrorKind::DateOrder => "out of order",
            CaseErrorKind::DuplicateId => "id used twice",
            CaseErrorKind::UnknownFor => "no event has this id",
            CaseErrorKind::EventOrder => "this event",
            CaseErrorKind::Limit => "over the limit",
        }
    }
}

/// One step of a JSON path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg {
    Key(String),
    Index(usize),
}

fn key(k: &str) -> Seg {
    Seg::Key(k.to_string())
}

/// What of the place at the path an error points at in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Point {
    /// The value at the path.
    Value,
    /// The key of the last step (an unknown field).
    Key,
    /// The object holding the last step (a missing field).
    Parent,
}

/// An error in a case's input: what is wrong, where, and how to fix it.
///
/// The error names the JSON path (`path`), and where the text is known, the line, column and
/// byte span. It renders with colour and the source through [`miette`] (attach the text with
/// `miette::Report::new(err).with_source_code(...)`; `span` is a byte span in the text given
/// to [`parse_case`] / [`read_case`]), or on one line without colour with
/// [`CaseError::one_line`]. The details are boxed (an error stays one pointer wide) and read
/// through `Deref`: `err.path`, `err.kind`, `err.help`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {}", place(&.0.path), .0.message)]
pub struct CaseError(Box<CaseErrorDetail>);

/// The details of a [`CaseError`], read through it (`err.path`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseErrorDetail {
    /// What kind of error it is; gives the stable code.
    pub kind: CaseErrorKind,
    /// The JSON path of the place, e.g. `events[3].date`; empty for the whole input.
    pub path: String,
    /// What is wrong, in plain words.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// The line in the text (from 1), where known.
    pub line: Option<usize>,
    /// The column in the text (from 1, in characters), where known.
    pub column: Option<usize>,
    /// The byte span of the place in the text, where known.
    pub span: Option<SourceSpan>,
    /// The JSON path of a second place the error involves (the other event of a contradiction
    /// or of a duplicate id).
    pub also: Option<String>,
    /// The byte span of the second place, where known.
    pub also_span: Option<SourceSpan>,
    /// The case's id, when it could be read despite the error (for batch reports).
    pub case: Option<String>,
    segs: Vec<Seg>,
    also_segs: Vec<Seg>,
    point: Point,
}

impl std::ops::Deref for CaseError {
    type Target = CaseErrorDetail;

    fn deref(&self) -> &CaseErrorDetail {
        &self.0
    }
}

fn place(path: &str) -> &str {
    if path.is_empty() {
        "top level"
    } else {
        path
    }
}

impl CaseError {
    fn new(kind: CaseErrorKind, segs: Vec<Seg>, message: String, help: Option<String>) -> Self {
        CaseError(Box::new(CaseErrorDetail {
            kind,
            path: render_path(&segs),
            message,
            help,
            line: None,
            column: None,
            span: None,
            also: None,
            also_span: None,
            case: None,
            segs,
            also_segs: Vec::new(),
            point: Point::Value,
        }))
    }

    fn pointing(mut self, point: Point) -> Self {
        self.0.point = point;
        self
    }

    fn with_also(mut self, segs: Vec<Seg>) -> Self {
        self.0.also = Some(render_path(&segs));
        self.0.also_segs = segs;
        self
    }

    /// The same error, marked as belonging to the case with id `case` (for batch reports).
    pub fn with_case(mut self, case: impl Into<String>) -> Self {
        self.0.case = Some(case.into());
        self
    }

    /// The stable diagnostic code, e.g. `kzrules::case::bad_date`.
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }

    /// The error on one line without colour: `path: message (help)`.
    pub fn one_line(&self) -> String {
        match &self.help {
            Some(help) => format!("{}: {} ({help})", place(&self.path), self.message),
            None => format!("{}: {}", place(&self.path), self.message),
        }
    }

    /// Fills in the line, column and spans from the case's text, where they are not known
    /// yet (errors of [`prepare`] carry the path only).
    pub fn locate(self, text: &str) -> Self {
        let (body, base) = strip_bom(text);
        self.locate_with(body, base)
    }

    /// [`CaseError::locate`] on `body`, a text whose first `base` bytes were cut off.
    fn locate_with(mut self, body: &str, base: usize) -> Self {
        if self.span.is_none() {
            let found = match self.point {
                Point::Value => find_span(body, &self.segs, false),
                Point::Key => find_span(body, &self.segs, true),
                Point::Parent => match self.segs.split_last() {
                    Some((_, parent)) => find_span(body, parent, false),
                    None => None,
                },
            };
            if let Some((start, len)) = found {
                self.set_span(body, base, start, len);
            }
        }
        if self.also_span.is_none() && !self.also_segs.is_empty() {
            if let Some((start, len)) = find_span(body, &self.also_segs, false) {
                self.0.also_span = Some(SourceSpan::new((base + start).into(), len));
            }
        }
        self
    }

    fn set_span(&mut self, body: &str, base: usize, start: usize, len: usize) {
        let (line, column) = line_col(body, start);
        self.0.line = Some(line);
        self.0.column = Some(column);
        self.0.span = Some(SourceSpan::new((base + start).into(), len));
    }
}

impl Diagnostic for CaseError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.kind.code()))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display + 'a>)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let main = self
            .span
            .map(|s| LabeledSpan::new_primary_with_span(Some(self.kind.label().to_string()), s));
        let other = self
            .also_span
            .map(|s| LabeledSpan::new_with_span(Some("the other one".to_string()), s));
        if main.is_none() && other.is_none() {
            return None;
        }
        Some(Box::new(main.into_iter().chain(other)))
    }
}

fn is_plain_key(k: &str) -> bool {
    !k.is_empty()
        && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && !k.as_bytes().first().is_some_and(u8::is_ascii_digit)
}

fn render_path(segs: &[Seg]) -> String {
    const HEAD: usize = 8;
    const TAIL: usize = 4;
    if segs.len() > HEAD + TAIL + 4 {
        let (head, rest) = segs.split_at(HEAD);
        let (_, tail) = rest.split_at(rest.len() - TAIL);
        return format!(
            "{}…{} ({} levels deep)",
            render_path(head),
            render_path(tail),
            segs.len()
        );
    }
    let mut out = String::new();
    for seg in segs {
        match seg {
            Seg::Key(k) if is_plain_key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Key(k) => {
                let quoted = serde_json::to_string(&shorten(k, 40)).unwrap_or_default();
                let _ = write!(out, "[{quoted}]");
            }
            Seg::Index(i) => {
                let _ = write!(out, "[{i}]");
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Locating paths in the text
// ---------------------------------------------------------------------------------------

/// The byte offset of serde_json's error position (line from 1, column = bytes read on the
/// line, so pointing at the last byte read).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut start = 0;
    if line > 1 {
        let mut seen = 1;
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                seen += 1;
                if seen == line {
                    start = i + 1;
                    break;
                }
            }
        }
    }
    (start + column.saturating_sub(1)).min(text.len())
}

fn skip_ws(b: &[u8], mut pos: usize) -> usize {
    while matches!(b.get(pos), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        pos += 1;
    }
    pos
}

/// The end of the string starting (at its `"`) at `pos`, if it is closed.
fn skip_string(b: &[u8], pos: usize) -> Option<usize> {
    let mut i = pos + 1;
    loop {
        match b.get(i)? {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
}

/// The end of the array or object starting at `pos` when it closes on the same line within
/// 200 bytes (so that a label can underline it whole); else just past its bracket.
fn short_container_end(b: &[u8], pos: usize) -> usize {
    let mut depth = 0usize;
    let mut i = pos;
    while i < pos + 200 {
        match b.get(i) {
            None | Some(b'\n') => break,
            Some(b'"') => match skip_string(b, i) {
                Some(end) => {
                    i = end;
                    continue;
                }
                None => break,
            },
            Some(b'{' | b'[') => depth += 1,
            Some(b'}' | b']') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i + 1;
                }
            }
            Some(_) => {}
        }
        i += 1;
    }
    pos + 1
}

fn skip_scalar(b: &[u8], mut pos: usize) -> usize {
    while let Some(c) = b.get(pos) {
        if matches!(c, b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r' | b':') {
            break;
        }
        pos += 1;
    }
    pos
}

/// What a scan of the text looks for.
enum Goal<'g> {
    /// The span of the value (or key) at a path.
    Find { target: &'g [Seg], key: bool },
    /// The path where the parser was at a byte offset.
    At(usize),
}

enum Found {
    Span(usize, usize),
    Path(Vec<Seg>),
}

#[derive(Clone, Copy)]
enum ScanState {
    Value,
    ValueOrEnd,
    KeyOrEnd,
    AfterValue,
}

/// A small tolerant JSON scanner that tracks the path; used only to explain errors.
/// Iterative, so deep nesting cannot overflow the stack.
fn scan(text: &str, goal: Goal<'_>) -> Option<Found> {
    let b = text.as_bytes();
    let mut path: Vec<Seg> = Vec::new();
    let mut objects: Vec<bool> = Vec::new();
    let mut pos = 0;
    let mut state = ScanState::Value;
    let give_up = |path: Vec<Seg>, goal: &Goal<'_>| match goal {
        Goal::At(_) => Some(Found::Path(path)),
        Goal::Find { .. } => None,
    };
    loop {
        pos = skip_ws(b, pos);
        if let Goal::At(offset) = goal {
            if pos >= offset {
                return Some(Found::Path(path));
            }
        }
        let Some(&c) = b.get(pos) else {
            return give_up(path, &goal);
        };
        match state {
            ScanState::Value | ScanState::ValueOrEnd => {
                if matches!(state, ScanState::ValueOrEnd) && c == b']' {
                    path.pop();
                    objects.pop();
                    pos += 1;
                    state = ScanState::AfterValue;
                    continue;
                }
                let end = match c {
                    b'{' | b'[' => pos + 1,
                    b'"' => match skip_string(b, pos) {
                        Some(end) => end,
                        None => return give_up(path, &goal),
                    },
                    _ => skip_scalar(b, pos),
                };
                if end == pos {
                    return give_up(path, &goal);
                }
                if let Goal::Find { target, key: false } = goal {
                    if path == target {
                        let end = match c {
                            b'{' | b'[' => short_container_end(b, pos),
                            _ => end,
                        };
                        return Some(Found::Span(pos, end - pos));
                    }
                }
                match c {
                    b'{' => {
                        objects.push(true);
                        state = ScanState::KeyOrEnd;
                    }
                    b'[' => {
                        objects.push(false);
                        path.push(Seg::Index(0));
                        state = ScanState::ValueOrEnd;
                    }
                    _ => state = ScanState::AfterValue,
                }
                pos = end;
            }
            ScanState::KeyOrEnd => {
                if c == b'}' {
                    objects.pop();
                    pos += 1;
                    state = ScanState::AfterValue;
                    continue;
                }
                if c != b'"' {
                    return give_up(path, &goal);
                }
                let Some(end) = skip_string(b, pos) else {
                    return give_up(path, &goal);
                };
                let raw = text.get(pos..end).unwrap_or_default();
                let name = serde_json::from_str::<String>(raw).unwrap_or_default();
                path.push(Seg::Key(name));
                if let Goal::Find { target, key: true } = goal {
                    if path == target {
                        return Some(Found::Span(pos, end - pos));
                    }
                }
                pos = skip_ws(b, end);
                if b.get(pos) != Some(&b':') {
                    return give_up(path, &goal);
                }
                pos += 1;
                state = ScanState::Value;
            }
            ScanState::AfterValue => match objects.last() {
                None => return give_up(path, &goal),
                Some(true) => {
                    path.pop();
                    match c {
                        b',' => state = ScanState::KeyOrEnd,
                        b'}' => {
                            objects.pop();
                            state = ScanState::AfterValue;
                        }
                        _ => return give_up(path, &goal),
                    }
                    pos += 1;
                }
                Some(false) => {
                    match c {
                        b',' => {
                            if let Some(Seg::Index(i)) = path.last_mut() {
                                *i += 1;
                            }
                            state = ScanState::Value;
                        }
                        b']' => {
                            path.pop();
                            objects.pop();
                            state = ScanState::AfterValue;
                        }
                        _ => return give_up(path, &goal),
                    }
                    pos += 1;
                }
            },
        }
    }
}

/// The byte span of the value (or with `key`, the key) at `target` in `text`.
fn find_span(text: &str, target: &[Seg], key: bool) -> Option<(usize, usize)> {
    match scan(text, Goal::Find { target, key })? {
        Found::Span(start, len) => Some((start, len)),
        Found::Path(_) => None,
    }
}

/// The path the parser was in at byte `offset`.
fn path_at(text: &str, offset: usize) -> Vec<Seg> {
    match scan(text, Goal::At(offset)) {
        Some(Found::Path(path)) => path,
        _ => Vec::new(),
    }
}

// ---------------------------------------------------------------------------------------
// The expected shape, for explaining structural errors
// ---------------------------------------------------------------------------------------

/// The shape a value must have. Mirrors the serde types above (a test checks it against the
/// generated JSON Schema); used only to explain why serde rejected an input.
#[derive(Clone, Copy)]
enum Shape {
    Text,
    Date,
    Count,
    Choice(&'static str, &'static [&'static str]),
    Obj(&'static ObjShape),
    List(&'static Shape, &'static str),
    Any,
}

struct FieldShape {
    name: &'static str,
    shape: Shape,
    required: bool,
    nullable: bool,
}

struct ObjShape {
    /// The record in messages, e.g. "an event".
    what: &'static str,
    /// The record's field list in messages, e.g. "an event's fields".
    fields_of: &'static str,
    example: &'static str,
    fields: &'static [FieldShape],
}

impl ObjShape {
    fn field(&self, name: &str) -> Option<&FieldShape> {
        self.fields.iter().find(|f| f.name == name)
    }

    fn names(&self) -> Vec<&'static str> {
        self.fields.iter().map(|f| f.name).collect()
    }

    fn has_meta(&self) -> bool {
        self.field("meta").is_some()
    }
}

const fn req(name: &'static str, shape: Shape) -> FieldShape {
    FieldShape {
        name,
        shape,
        required: true,
        nullable: false,
    }
}

const fn opt(name: &'static str, shape: Shape) -> FieldShape {
    FieldShape {
        name,
        shape,
        required: false,
        nullable: true,
    }
}

const fn list(name: &'static str, item: &'static Shape, noun: &'static str) -> FieldShape {
    FieldShape {
        name,
        shape: Shape::List(item, noun),
        required: false,
        nullable: false,
    }
}

static PENALTY: ObjShape = ObjShape {
    what: "a penalty record",
    fields_of: "A penalty record's fields",
    example: r#"{"article": "518", "date": "2023-11-02"}"#,
    fields: &[req("article", Shape::Text), req("date", Shape::Date)],
};
static PENALTY_ITEM: Shape = Shape::Obj(&PENALTY);

static DOCUMENT: ObjShape = ObjShape {
    what: "a document",
    fields_of: "A document's fields",
    example: r#"{"kind": "passport", "valid_until": "2030-01-01"}"#,
    fields: &[
        req(
            "kind",
            Shape::Choice(DocumentKind::WHAT, DocumentKind::NAMES),
        ),
        opt("valid_from", Shape::Date),
        opt("valid_until", Shape::Date),
        opt("category", Shape::Text),
        opt("entries", Shape::Choice(Entries::WHAT, Entries::NAMES)),
        opt("blank_pages", Shape::Count),
        opt("region", Shape::Text),
        opt("meta", Shape::Any),
    ],
};
static DOCUMENT_ITEM: Shape = Shape::Obj(&DOCUMENT);

static PERSON: ObjShape = ObjShape {
    what: "the person",
    fields_of: "The person's fields",
    example: r#"{"citizenship": "GB", "birth_date": "1985-04-02"}"#,
    fields: &[
        req("citizenship", Shape::Text),
        opt("birth_date", Shape::Date),
        opt("name", Shape::Text),
        list("documents", &DOCUMENT_ITEM, "documents"),
        list("penalties", &PENALTY_ITEM, "penalty records"),
        opt("meta", Shape::Any),
    ],
};

static HOST: ObjShape = ObjShape {
    what: "the host",
    fields_of: "The host's fields",
    example: r#"{"kind": "legal_entity", "size": "large"}"#,
    fields: &[
        req("kind", Shape::Choice(HostKind::WHAT, HostKind::NAMES)),
        opt("size", Shape::Choice(HostSize::WHAT, HostSize::NAMES)),
        list("penalties", &PENALTY_ITEM, "penalty records"),
    ],
};

static EVENT: ObjShape = ObjShape {
    what: "an event",
    fields_of: "An event's fields",
    example: r#"{"kind": "entry", "date": "2024-03-15"}"#,
    fields: &[
        opt("id", Shape::Text),
        req("kind", Shape::Choice(EventKind::WHAT, EventKind::NAMES)),
        req("date", Shape::Date),
        opt("time", Shape::Text),
        opt("region", Shape::Text),
        opt("for", Shape::Text),
        opt("meta", Shape::Any),
    ],
};
static EVENT_ITEM: Shape = Shape::Obj(&EVENT);

static CASE: ObjShape = ObjShape {
    what: "the case",
    fields_of: "The case's fields",
    example: r#"{"case": "c-1", "person": {"citizenship": "GB"}, "events": []}"#,
    fields: &[
        req("case", Shape::Text),
        opt("as_of", Shape::Date),
        req("person", Shape::Obj(&PERSON)),
        opt("host", Shape::Obj(&HOST)),
        opt("purpose", Shape::Choice(Purpose::WHAT, Purpose::NAMES)),
        opt("planned_stay_days", Shape::Count),
        list("events", &EVENT_ITEM, "events"),
        opt("meta", Shape::Any),
    ],
};

/// At most this many structural problems are collected before the earliest is chosen.
const MAX_PROBLEMS: usize = 32;

/// "a" or "an" + noun for what a value is.
fn found(v: &Value) -> String {
    match v {
        Value::Null => "null".to_string(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("the number `{n}`"),
        Value::String(s) => format!("the text \"{}\"", shorten(s, 40)),
        Value::Array(_) => "a list".to_string(),
        Value::Object(_) => "an object".to_string(),
    }
}

fn expected(shape: Shape) -> String {
    match shape {
        Shape::Text => "text in double quotes".to_string(),
        Shape::Date => "a date in double quotes, like \"2024-03-15\"".to_string(),
        Shape::Count => "a whole number of 0 or more".to_string(),
        Shape::Choice(what, _) => format!("{} {what} in double quotes", article(what)),
        Shape::Obj(obj) => format!("{} as an object {{...}}", obj.what),
        Shape::List(_, noun) => format!("a list [...] of {noun}"),
        Shape::Any => "any value".to_string(),
    }
}

fn example(shape: Shape) -> String {
    match shape {
        Shape::Text => "\"...\"".to_string(),
        Shape::Date => "\"YYYY-MM-DD\"".to_string(),
        Shape::Count => "1".to_string(),
        Shape::Choice(_, names) => format!("\"{}\"", names.first().copied().unwrap_or_default()),
        Shape::Obj(obj) => obj.example.to_string(),
        Shape::List(..) => "[]".to_string(),
        Shape::Any => "{}".to_string(),
    }
}

struct Walk {
    path: Vec<Seg>,
    out: Vec<CaseError>,
}

impl Walk {
    fn push(&mut self, kind: CaseErrorKind, message: String, help: String, point: Point) {
        if self.out.len() < MAX_PROBLEMS {
            let err = CaseError::new(kind, self.path.clone(), message, Some(help)).pointing(point);
            self.out.push(err);
        }
    }

    fn full(&self) -> bool {
        self.out.len() >= MAX_PROBLEMS
    }

    fn value(&mut self, v: &Value, shape: Shape) {
        match (shape, v) {
            (Shape::Any, _) | (Shape::Text, Value::String(_)) => {}
            (Shape::Date, Value::String(s)) => {
                if let Err(problem) = parse_date(s) {
                    self.push(
                        CaseErrorKind::BadDate,
                        problem.message(s),
                        problem.help(s),
                        Point::Value,
                    );
                }
            }
            (Shape::Count, Value::Number(n))
                if n.as_u64().is_some_and(|n| n <= u64::from(u32::MAX)) => {}
            (Shape::Choice(what, names), Value::String(s)) => {
                if !names.contains(&s.as_str()) {
                    let intro = upper_first(&plural(what));
                    self.push(
                        CaseErrorKind::UnknownValue,
                        format!("`{}` is not {} {what}", shorten(s, 40), article(what)),
                        did_you_mean(s, names, &intro, names.len()),
                        Point::Value,
                    );
                }
            }
            (Shape::Obj(obj), Value::Object(map)) => self.object(map, obj),
            (Shape::List(item, _), Value::Array(items)) => {
                for (i, v) in items.iter().enumerate() {
                    if self.full() {
                        break;
                    }
                    self.path.push(Seg::Index(i));
                    self.value(v, *item);
                    self.path.pop();
                }
            }
            (shape, v) => {
                let message = format!("expected {}, found {}", expected(shape), found(v));
                let help = wrong_type_help(shape, v);
                self.push(CaseErrorKind::WrongType, message, help, Point::Value);
            }
        }
    }

    fn object(&mut self, map: &serde_json::Map<String, Value>, obj: &ObjShape) {
        let mut unknown = false;
        for (k, v) in map {
            if self.full() {
                return;
            }
            self.path.push(Seg::Key(k.clone()));
            match obj.field(k) {
                Some(field) if field.nullable && v.is_null() => {}
                Some(field) => self.value(v, field.shape),
                None => {
                    unknown = true;
                    let names = obj.names();
                    let mut help = did_you_mean(k, &names, obj.fields_of, names.len());
                    if obj.has_meta() {
                        help.push_str("; put free-form data under `meta`");
                    }
                    self.push(
                        CaseErrorKind::UnknownField,
                        format!("`{}` is not a field of {}", shorten(k, 40), obj.what),
                        help,
                        Point::Key,
                    );
                }
            }
            self.path.pop();
        }
        // A required field missing next to an unknown one is most likely misspelt: the
        // unknown field is the one to report.
        if unknown {
            return;
        }
        for field in obj.fields.iter().filter(|f| f.required) {
            if !map.contains_key(field.name) {
                self.path.push(key(field.name));
                self.push(
                    CaseErrorKind::MissingField,
                    format!("{} has no `{}`, which is required", obj.what, field.name),
                    format!("add \"{}\": {}", field.name, example(field.shape)),
                    Point::Parent,
                );
                self.path.pop();
            }
        }
    }
}

fn wrong_type_help(shape: Shape, v: &Value) -> String {
    match (shape, v) {
        (_, Value::Null) => "give a value, or leave the field out".to_string(),
        (Shape::Text, Value::Number(_) | Value::Bool(_)) => {
            format!("put the value in double quotes: \"{v}\"")
        }
        (Shape::Date, _) => "write the date in double quotes as YYYY-MM-DD, e.g. \"2024-03-15\"".to_string(),
        (Shape::Count, Value::String(s)) if s.trim().parse::<u32>().is_ok() => {
            format!("remove the quotes: {}", s.trim())
        }
        (Shape::Count, Value::Number(n)) if n.as_u64().is_some() => {
            format!("the largest allowed is {}", u32::MAX)
        }
        (Shape::Count, _) => "write a whole number of 0 or more, without quotes, e.g. 200".to_string(),
        (Shape::Choice(_, names), _) => {
            format!("write one of {}, in double quotes", name_list(names.iter().copied(), names.len()))
        }
        (Shape::List(_, noun), Value::Object(_)) => {
            format!("put the {noun} in a list, even a single one: [{{...}}]")
        }
        (Shape::List(item, _), _) => format!("write a list, e.g. [{}]", example(*item)),
        (Shape::Obj(obj), Value::Array(_)) if std::ptr::eq(obj, &CASE) => {
            "give one case per file as an object {...}; several cases go in several files or as JSON Lines, one per line".to_string()
        }
        (Shape::Obj(obj), _) => format!("write it as an object, e.g. {}", obj.example),
        (shape, _) => format!("write {}", expected(shape)),
    }
}

/// All structural problems of `v` as a case (at most [`MAX_PROBLEMS`]).
fn shape_problems(v: &Value) -> Vec<CaseError> {
    let mut walk = Walk {
        path: Vec::new(),
        out: Vec::new(),
    };
    walk.value(v, Shape::Obj(&CASE));
    walk.out
}

/// Whether `v` nests arrays and objects deeper than `max` (iteratively).
fn nested_deeper_than(v: &Value, max: usize) -> bool {
    let mut stack: Vec<(&Value, usize)> = vec![(v, 1)];
    while let Some((v, depth)) = stack.pop() {
        match v {
            Value::Array(items) => {
                if depth > max {
                    return true;
                }
                stack.extend(items.iter().map(|c| (c, depth + 1)));
            }
            Value::Object(map) => {
                if depth > max {
                    return true;
                }
                stack.extend(map.values().map(|c| (c, depth + 1)));
            }
            _ => {}
        }
    }
    false
}

// ---------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------

fn limit_error(segs: Vec<Seg>, message: String, help: &str) -> CaseError {
    CaseError::new(CaseErrorKind::Limit, segs, message, Some(help.to_string()))
}

fn depth_error(segs: Vec<Seg>) -> CaseError {
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
pub fn parse_case(text: &str) -> Result<Case, CaseError> {
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
        Ok(case) => match validate_fields(&case) {
            Ok(()) => Ok(case),
            Err(err) => Err(err.with_case(case.case).locate(text)),
        },
        Err(err) => Err(explain(body, base, &err)),
    }
}

/// Reads a case from an already parsed JSON value, with the same checks as [`parse_case`];
/// errors carry the path but no line or column.
pub fn parse_case_value(value: Value) -> Result<Case, CaseError> {
    if nested_deeper_than(&value, MAX_DEPTH) {
        return Err(depth_error(Vec::new()));
    }
    let case_id = value
        .get("case")
        .and_then(Value::as_str)
        .map(|s| shorten(s, 200));
    let problems = shape_problems(&value);
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
    match validate_fields(&case) {
        Ok(()) => Ok(case),
        Err(err) => Err(err.with_case(case.case)),
    }
}

/// Reads a case from JSON text and prepares it: [`parse_case`] then [`prepare`], with every
/// error located in the text.
pub fn read_case(text: &str) -> Result<Facts, CaseError> {
    let case = parse_case(text)?;
    let id = case.case.clone();
    prepare_checked(case).map_err(|mut err| {
        err.0.case = Some(id);
        err.locate(text)
    })
}

/// serde_json's message without its " at line L column C".
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message.get(..at).unwrap_or(message).to_string(),
        None => message.to_string(),
    }
}

/// Turns serde_json's error on `body` into a [`CaseError`] that names the place and the fix.
fn explain(body: &str, base: usize, err: &serde_json::Error) -> CaseError {
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
                Err(syntax) => return explain(body, base, &syntax),
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
            let chosen = shape_problems(&value)
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
fn fallback(body: &str, base: usize, offset: usize, err: &serde_json::Error) -> CaseError {
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
fn explain_syntax(body: &str, offset: usize, raw: &str) -> (String, Option<String>) {
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

/// Checks of the parsed case that do not need the whole event list: sizes, formats and the
/// date order within one record. In the order of the fields in the text, as far as possible.
fn validate_fields(case: &Case) -> Result<(), CaseError> {
    count_limit(&case.events, MAX_EVENTS, "events", || vec![key("events")])?;
    count_limit(&case.person.documents, MAX_DOCUMENTS, "documents", || {
        vec![key("person"), key("documents")]
    })?;
    count_limit(
        &case.person.penalties,
        MAX_PENALTIES,
        "penalty records",
        || vec![key("person"), key("penalties")],
    )?;
    if let Some(host) = &case.host {
        count_limit(&host.penalties, MAX_PENALTIES, "penalty records", || {
            vec![key("host"), key("penalties")]
        })?;
    }

    text_limit(&case.case, || vec![key("case")])?;
    if let (Some(birth), Some(as_of)) = (case.person.birth_date, case.as_of) {
        if birth > as_of {
            return Err(CaseError::new(
                CaseErrorKind::DateOrder,
                vec![key("person"), key("birth_date")],
                format!("the birth date {birth} is after the case's `as_of` date {as_of}"),
                Some("check the birth date and `as_of`".to_string()),
            ));
        }
    }
    validate_person(&case.person)?;
    if let Some(host) = &case.host {
        for (i, p) in host.penalties.iter().enumerate() {
            text_limit(&p.article, || {
                vec![key("host"), key("penalties"), Seg::Index(i), key("article")]
            })?;
        }
    }
    if case.planned_stay_days == Some(0) {
        return Err(CaseError::new(
            CaseErrorKind::BadValue,
            vec![key("planned_stay_days")],
            "a planned stay of 0 days is not a stay".to_string(),
            Some(
                "give the planned length in days, counting the entry day, or leave the field out"
                    .to_string(),
            ),
        ));
    }
    for (i, event) in case.events.iter().enumerate() {
        validate_event(event, i)?;
    }
    if let Some(meta) = &case.meta {
        check_meta(meta, vec![key("meta")])?;
    }
    Ok(())
}

fn validate_person(person: &Person) -> Result<(), CaseError> {
    let at = |field: &str| vec![key("person"), key(field)];
    check_citizenship(&person.citizenship, at("citizenship"))?;
    if let Some(name) = &person.name {
        text_limit(name, || at("name"))?;
    }
    for (i, doc) in person.documents.iter().enumerate() {
        let doc_at = |field: &str| vec![key("person"), key("documents"), Seg::Index(i), key(field)];
        for (field, value) in [("category", &doc.category), ("region", &doc.region)] {
            if let Some(value) = value {
                text_limit(value, || doc_at(field))?;
            }
        }
        if let (Some(from), Some(until)) = (doc.valid_from, doc.valid_until) {
            if from > until {
                return Err(CaseError::new(
                    CaseErrorKind::DateOrder,
                    doc_at("valid_until"),
                    format!(
                        "the {} is valid until {until}, before it is valid from {from}",
                        doc.kind
                    ),
                    Some(
                        "check `valid_from` and `valid_until`; both days are included".to_string(),
                    ),
                ));
            }
        }
        if let Some(meta) = &doc.meta {
            check_meta(meta, doc_at("meta"))?;
        }
    }
    for (i, p) in person.penalties.iter().enumerate() {
        text_limit(&p.article, || {
            vec![
                key("person"),
                key("penalties"),
                Seg::Index(i),
                key("article"),
            ]
        })?;
    }
    if let Some(meta) = &person.meta {
        check_meta(meta, at("meta"))?;
    }
    Ok(())
}

fn validate_event(event: &Event, i: usize) -> Result<(), CaseError> {
    let at = |field: &str| vec![key("events"), Seg::Index(i), key(field)];
    for (field, value) in [
        ("id", &event.id),
        ("region", &event.region),
        ("for", &event.r#for),
    ] {
        if let Some(value) = value {
            text_limit(value, || at(field))?;
        }
    }
    if let Some(time) = &event.time {
        if parse_time(time).is_none() {
            let help = match time.split_once(':') {
                Some((h, m)) if h.len() == 1 && parse_time(&format!("0{h}:{m}")).is_some() => {
                    format!("did you mean `0{h}:{m}`? Times are written HH:MM on a 24-hour clock")
                }
                _ => "write the time as HH:MM on a 24-hour clock, e.g. `09:05` or `23:50`"
                    .to_string(),
            };
            return Err(CaseError::new(
                CaseErrorKind::BadValue,
                at("time"),
                format!(
                    "`{}` is not a time of day in the form HH:MM",
                    shorten(time, 40)
                ),
                Some(help),
            ));
        }
    }
    if let Some(meta) = &event.meta {
        check_meta(meta, at("meta"))?;
    }
    Ok(())
}

fn check_citizenship(code: &str, segs: Vec<Seg>) -> Result<(), CaseError> {
    let ok = code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase());
    if ok {
        return Ok(());
    }
    let help = if code.len() == 2 && code.bytes().all(|b| b.is_ascii_alphabetic()) {
        format!(
            "did you mean `{}`? Country codes are written in capitals",
            code.to_ascii_uppercase()
        )
    } else if code.len() == 3 && code.bytes().all(|b| b.is_ascii_alphabetic()) {
        "this looks like a three-letter code; give the two-letter ISO 3166-1 code, e.g. `GB` for `GBR`".to_string()
    } else {
        "give the two-letter ISO 3166-1 code, e.g. `KZ`, `RU`, `KG`, `GB`, `US`".to_string()
    };
    Err(CaseError::new(
        CaseErrorKind::BadValue,
        segs,
        format!(
            "`{}` is not a two-letter country code (ISO 3166-1 alpha-2)",
            shorten(code, 40)
        ),
        Some(help),
    ))
}

fn count_limit<T>(
    items: &[T],
    max: usize,
    noun: &str,
    segs: impl FnOnce() -> Vec<Seg>,
) -> Result<(), CaseError> {
    if items.len() <= max {
        return Ok(());
    }
    Err(limit_error(
        segs(),
        format!(
            "there are {} {noun} here; at most {} are allowed",
            thousands(items.len() as u64),
            thousands(max as u64)
        ),
        "split the case, or leave out what does not matter to it",
    ))
}

fn text_limit(s: &str, segs: impl FnOnce() -> Vec<Seg>) -> Result<(), CaseError> {
    if s.len() <= MAX_STRING_CHARS {
        return Ok(());
    }
    let chars = s.chars().count();
    if chars <= MAX_STRING_CHARS {
        return Ok(());
    }
    Err(limit_error(
        segs(),
        format!(
            "this text is {} characters long; at most {} are allowed",
            thousands(chars as u64),
            thousands(MAX_STRING_CHARS as u64)
        ),
        "shorten it",
    ))
}

enum MetaFrame<'a> {
    List(std::iter::Enumerate<std::slice::Iter<'a, Value>>),
    Map(serde_json::map::Iter<'a>),
}

/// Checks the string limit and nesting depth inside a free-form `meta` value, iteratively.
fn check_meta(root: &Value, base: Vec<Seg>) -> Result<(), CaseError> {
    let mut path = base;
    let mut frames: Vec<MetaFrame<'_>> = Vec::new();
    match root {
        Value::String(s) => return text_limit(s, || path),
        Value::Array(items) => frames.push(MetaFrame::List(items.iter().enumerate())),
        Value::Object(map) => frames.push(MetaFrame::Map(map.iter())),
        _ => return Ok(()),
    }
    // `path` has one step per frame but the first.
    while let Some(frame) = frames.last_mut() {
        let child = match frame {
            MetaFrame::List(items) => items.next().map(|(i, v)| (Seg::Index(i), v)),
            MetaFrame::Map(entries) => match entries.next() {
                Some((k, v)) => {
                    if k.len() > MAX_STRING_CHARS {
                        let mut key_path = path.clone();
                        key_path.push(Seg::Key(k.clone()));
                        text_limit(k, || key_path).map_err(|e| e.pointing(Point::Key))?;
                    }
                    Some((Seg::Key(k.clone()), v))
                }
                None => None,
            },
        };
        let Some((seg, v)) = child else {
            frames.pop();
            if !frames.is_empty() {
                path.pop();
            }
            continue;
        };
        path.push(seg);
        match v {
            Value::String(s) => {
                text_limit(s, || path.clone())?;
                path.pop();
            }
            Value::Array(items) if frames.len() < MAX_DEPTH => {
                frames.push(MetaFrame::List(items.iter().enumerate()));
            }
            Value::Object(map) if frames.len() < MAX_DEPTH => {
                frames.push(MetaFrame::Map(map.iter()));
            }
            Value::Array(_) | Value::Object(_) => return Err(depth_error(path)),
            _ => {
                path.pop();
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Prepared facts
// ---------------------------------------------------------------------------------------

/// An event in time order, with its place in the input.
#[derive(Debug, Clone, PartialEq)]
pub struct SortedEvent {
    /// The event's index in the input's `events` (for the path `events[index]`).
    pub index: usize,
    /// The event.
    pub event: Event,
    /// Where the event has `for`: the index in [`Facts::events`] of the event it answers.
    pub answers: Option<usize>,
}

impl SortedEvent {
    /// The event's JSON path in the input, e.g. `events[3]`.
    pub fn path(&self) -> String {
        format!("events[{}]", self.index)
    }
}

/// A stay in Kazakhstan: from an `entry` to the next `exit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stay {
    /// The entry, as an index into [`Facts::events`]; `None` for a stay begun before the
    /// case's records (closed by an exit before any entry).
    pub entry: Option<usize>,
    /// The exit, as an index into [`Facts::events`]; `None` while the stay is open.
    pub exit: Option<usize>,
    /// The entry date; `None` when begun before the records.
    pub start: Option<NaiveDate>,
    /// The exit date; `None` while the stay is open.
    pub end: Option<NaiveDate>,
}

/// A checked case, prepared for the evaluator: the events in time order and the stays.
///
/// The fields are the [`Case`]'s, except that the events are sorted into time order (by date,
/// then `time` where given; on one date, untimed exits and entries come before timed events,
/// an exit before an entry, and other untimed events after the timed ones; ties keep the
/// input order) and each keeps its input index.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    /// The case's id.
    pub case: String,
    /// The day the case is judged on, if the case gives one.
    pub as_of: Option<NaiveDate>,
    /// The foreigner.
    pub person: Person,
    /// The receiving party.
    pub host: Option<Host>,
    /// The purpose of the stay.
    pub purpose: Option<Purpose>,
    /// The planned length of a stay in days, counted from entry.
    pub planned_stay_days: Option<u32>,
    /// Free-form data.
    pub meta: Option<Value>,
    /// The events in time order.
    pub events: Vec<SortedEvent>,
    /// The stays in time order; only the last may be open.
    pub stays: Vec<Stay>,
}

/// Checks what needs the whole case and prepares it for the evaluator.
///
/// Runs the checks of [`parse_case`] on the fields too (so a `Case` built in code is checked
/// the same), then: event `id`s unique; every `for` names an event; entries and exits
/// alternate (an exit before any entry closes a stay begun before the records). Errors carry
/// the path; use [`CaseError::locate`] or [`read_case`] for the line and column.
pub fn prepare(case: Case) -> Result<Facts, CaseError> {
    validate_fields(&case)?;
    prepare_checked(case)
}

fn event_segs(index: usize) -> Vec<Seg> {
    vec![key("events"), Seg::Index(index)]
}

fn event_field_segs(index: usize, field: &str) -> Vec<Seg> {
    vec![key("events"), Seg::Index(index), key(field)]
}

/// The sort key of an event: date, minute of the day (untimed exits and entries at -1,
/// other untimed events at 1440), exit before entry before the rest, input index.
fn order_key(event: &Event, index: usize) -> (NaiveDate, i32, u8, usize) {
    // Untimed events of one day in the order they happen when nothing else is known:
    // an exit closes the stay before an entry opens the next, a trip to another region
    // departs before a return comes back. The input's order decides only between
    // events of one kind, which no result tells apart.
    let rank = match event.kind {
        EventKind::Exit => 0,
        EventKind::Entry => 1,
        EventKind::RegionTrip => 2,
        EventKind::Return => 3,
        _ => 4,
    };
    let minute = match event.time.as_deref().and_then(parse_time) {
        Some(m) => i32::from(m),
        None if rank < 2 => -1,
        None => 24 * 60,
    };
    (event.date, minute, rank, index)
}

fn prepare_checked(case: Case) -> Result<Facts, CaseError> {
    let Case {
        case,
        as_of,
        person,
        host,
        purpose,
        planned_stay_days,
        events,
        meta,
    } = case;

    // Ids unique.
    let mut ids: HashMap<&str, usize> = HashMap::new();
    for (i, event) in events.iter().enumerate() {
        if let Some(id) = event.id.as_deref() {
            if let Some(&first) = ids.get(id) {
                return Err(CaseError::new(
                    CaseErrorKind::DuplicateId,
                    event_field_segs(i, "id"),
                    format!(
                        "the id `{}` is already the id of events[{first}]",
                        shorten(id, 40)
                    ),
                    Some("give each event its own id".to_string()),
                )
                .with_also(event_field_segs(first, "id")));
            }
            ids.insert(id, i);
        }
    }

    // Every `for` names an event.
    for (i, event) in events.iter().enumerate() {
        let Some(target) = event.r#for.as_deref() else {
            continue;
        };
        if event.id.as_deref() == Some(target) {
            return Err(CaseError::new(
                CaseErrorKind::UnknownFor,
                event_field_segs(i, "for"),
                format!("`for` names the event's own id `{}`", shorten(target, 40)),
                Some(
                    "`for` names the event this one answers, e.g. the entry a notification is for"
                        .to_string(),
                ),
            ));
        }
        if !ids.contains_key(target) {
            let mut known: Vec<&str> = events.iter().filter_map(|e| e.id.as_deref()).collect();
            let help = if known.is_empty() {
                format!(
                    "no event has an id; give the answered event \"id\": \"{}\", or remove `for`",
                    shorten(target, 40)
                )
            } else {
                let suggestion = nearest(target, known.iter().copied());
                known.truncate(10);
                let list = name_list(known.iter().copied(), 10);
                match suggestion {
                    Some(s) => format!("did you mean `{s}`? Event ids in this case: {list}"),
                    None => format!("event ids in this case: {list}"),
                }
            };
            return Err(CaseError::new(
                CaseErrorKind::UnknownFor,
                event_field_segs(i, "for"),
                format!(
                    "`for` names the id `{}`, but no event has it",
                    shorten(target, 40)
                ),
                Some(help),
            ));
        }
    }
    drop(ids);

    // Sort into time order.
    let mut keyed: Vec<((NaiveDate, i32, u8, usize), Event)> = events
        .into_iter()
        .enumerate()
        .map(|(i, e)| (order_key(&e, i), e))
        .collect();
    keyed.sort_unstable_by_key(|(k, _)| *k);
    let mut sorted: Vec<SortedEvent> = keyed
        .into_iter()
        .map(|((_, _, _, index), event)| SortedEvent {
            index,
            event,
            answers: None,
        })
        .collect();
    let position: HashMap<String, usize> = sorted
        .iter()
        .enumerate()
        .filter_map(|(pos, e)| e.event.id.clone().map(|id| (id, pos)))
        .collect();
    for e in &mut sorted {
        e.answers = e
            .event
            .r#for
            .as_deref()
            .and_then(|f| position.get(f).copied());
    }

    let stays = work_out_stays(&sorted)?;
    Ok(Facts {
        case,
        as_of,
        person,
        host,
        purpose,
        planned_stay_days,
        meta,
        events: sorted,
        stays,
    })
}

fn order_error(first: &SortedEvent, second: &SortedEvent, kind: EventKind) -> CaseError {
    let (noun, missing) = match kind {
        EventKind::Entry => ("entries", "exit"),
        _ => ("exits", "entry"),
    };
    CaseError::new(
        CaseErrorKind::EventOrder,
        event_segs(second.index),
        format!(
            "two {noun} with no {missing} between them: {} on {} and {} on {}",
            first.path(),
            first.event.date,
            second.path(),
            second.event.date
        ),
        Some(format!(
            "add the `{missing}` between them, or remove the one recorded twice; on one day, give both a `time`"
        )),
    )
    .with_also(event_segs(first.index))
}

fn work_out_stays(sorted: &[SortedEvent]) -> Result<Vec<Stay>, CaseError> {
    let mut stays = Vec::new();
    let mut open: Option<(usize, &SortedEvent)> = None;
    let mut last_exit: Option<&SortedEvent> = None;
    for (pos, e) in sorted.iter().enumerate() {
        match e.event.kind {
            EventKind::Entry => {
                if let Some((_, first)) = open {
                    return Err(order_error(first, e, EventKind::Entry));
                }
                open = Some((pos, e));
            }
            EventKind::Exit => {
                match open.take() {
                    Some((entry, entry_event)) => stays.push(Stay {
                        entry: Some(entry),
                        exit: Some(pos),
                        start: Some(entry_event.event.date),
                        end: Some(e.event.date),
                    }),
                    None => {
                        if let Some(first) = last_exit {
                            return Err(order_error(first, e, EventKind::Exit));
                        }
                        stays.push(Stay {
                            entry: None,
                            exit: Some(pos),
                            start: None,
                            end: Some(e.event.date),
                        });
                    }
                }
                last_exit = Some(e);
            }
            _ => {}
        }
    }
    if let Some((entry, entry_event)) = open {
        stays.push(Stay {
            entry: Some(entry),
            exit: None,
            start: Some(entry_event.event.date),
            end: None,
        });
    }
    Ok(stays)
}

impl Facts {
    /// The person's documents of `kind`, in input order.
    pub fn documents_of(&self, kind: DocumentKind) -> impl Iterator<Item = &Document> + '_ {
        self.person.documents.iter().filter(move |d| d.kind == kind)
    }

    /// A document of `kind` valid on `date` (`valid_from` / `valid_until` inclusive, a
    /// missing bound open); of several, the one valid longest (the first of equals).
    pub fn document_valid_on(&self, kind: DocumentKind, date: NaiveDate) -> Option<&Document> {
        self.documents_of(kind).filter(|d| d.valid_on(date)).fold(
            None,
            |best: Option<&Document>, d| match best {
                Some(b)
                    if b.valid_until.unwrap_or(NaiveDate::MAX)
                        >= d.valid_until.unwrap_or(NaiveDate::MAX) =>
                {
                    Some(b)
                }
                _ => Some(d),
            },
        )
    }

    /// The person's age in full years on `date`; `None` without `birth_date` or before it.
    pub fn age_on(&self, date: NaiveDate) -> Option<u32> {
        self.person
            .birth_date
            .and_then(|birth| date.years_since(birth))
    }

    /// The event at `pos` in time order.
    pub fn event(&self, pos: usize) -> Option<&SortedEvent> {
        self.events.get(pos)
    }

    /// The stay that includes `date` (entry and exit days included; an open stay includes
    /// every day from its entry). When one stay ends and the next begins on `date`, the later.
    pub fn stay_containing(&self, date: NaiveDate) -> Option<&Stay> {
        let begun = self
            .stays
            .partition_point(|s| s.start.is_none_or(|start| start <= date));
        let stay = self.stays.get(begun.checked_sub(1)?)?;
        stay.end.is_none_or(|end| date <= end).then_some(stay)
    }

    /// The last day of `stay`: its exit date, else entry + `planned_stay_days` - 1, else `None`.
    pub fn stay_end_or_planned(&self, stay: &Stay) -> Option<NaiveDate> {
        if stay.end.is_some() {
            return stay.end;
        }
        let days = self.planned_stay_days?.checked_sub(1)?;
        stay.start?.checked_add_days(Days::new(u64::from(days)))
    }

    /// The number of days in `[from, to]` spent in Kazakhstan: days of stays, entry and exit
    /// days both counted, each day once (leaving and returning on one day is one day); an open
    /// stay counts up to `as_of`; a stay begun before the records counts only its exit day
    /// (the days before it are not known: see [`Facts::unknown_days_before`]).
    pub fn days_in_kazakhstan(&self, from: NaiveDate, to: NaiveDate, as_of: NaiveDate) -> u32 {
        if to < from {
            return 0;
        }
        let first = self
            .stays
            .partition_point(|s| s.end.is_some_and(|end| end < from));
        let mut total: i64 = 0;
        let mut counted_to: Option<NaiveDate> = None;
        for stay in self.stays.iter().skip(first) {
            // A stay begun before the records is known only by its exit day.
            let Some(known_start) = stay.start.or(stay.end) else {
                continue;
            };
            let mut start = known_start.max(from);
            if start > to {
                break;
            }
            if let Some(counted) = counted_to {
                if counted >= start {
                    match counted.succ_opt() {
                        Some(next) => start = next,
                        None => break,
                    }
                }
            }
            let end = stay.end.unwrap_or(as_of).min(to);
            if end >= start {
                total += (end - start).num_days() + 1;
                counted_to = Some(end);
            }
        }
        u32::try_from(total).unwrap_or(u32::MAX)
    }

    /// The exit day of a stay begun before the records that ends in `[from, to]`: the days
    /// before it are not known, so a count over that window may be too low.
    pub fn unknown_days_before(&self, from: NaiveDate, to: NaiveDate) -> Option<NaiveDate> {
        self.stays
            .iter()
            .filter(|s| s.start.is_none())
            .filter_map(|s| s.end)
            .find(|end| *end >= from && *end <= to)
    }

    /// The planned or actual last day of the stay that includes `date`.
    pub fn stay_end_on(&self, date: NaiveDate) -> Option<NaiveDate> {
        self.stay_containing(date)
            .and_then(|s| self.stay_end_or_planned(s))
    }

    /// The index in [`Facts::events`] of the event with `id`.
    pub fn event_by_id(&self, id: &str) -> Option<usize> {
        self.events
            .iter()
            .position(|e| e.event.id.as_deref() == Some(id))
    }
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

    const EXAMPLE: &str = r#"{
  "case": "nu-2024-0042",
  "as_of": "2024-03-25",
  "person": {
    "citizenship": "GB",
    "birth_date": "1985-04-02",
    "documents": [
      {"kind": "passport", "valid_until": "2030-01-01", "blank_pages": 4},
      {"kind": "visa", "category": "C3", "entries": "multiple",
       "valid_from": "2024-01-10", "valid_until": "2025-01-09"},
      {"kind": "work_permit", "region": "Atyrau",
       "valid_from": "2024-01-05", "valid_until": "2025-01-04"}
    ]
  },
  "host": {
    "kind": "legal_entity",
    "size": "large",
    "penalties": [{"article": "518", "date": "2023-11-02"}]
  },
  "purpose": "work",
  "planned_stay_days": 200,
  "events": [
    {"kind": "entry", "date": "2024-03-15", "time": "23:50"},
    {"kind": "notification", "date": "2024-03-19"},
    {"kind": "region_trip", "date": "2024-04-02", "region": "Mangystau"},
    {"kind": "return", "date": "2024-04-10"},
    {"kind": "exit", "date": "2024-06-01"}
  ]
}"#;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// A minimal case with the given events (a JSON array's inside).
    fn with_events(events: &str) -> String {
        format!(r#"{{"case": "t", "person": {{"citizenship": "KZ"}}, "events": [{events}]}}"#)
    }

    fn err(text: &str) -> CaseError {
        match read_case(text) {
            Ok(_) => panic!("expected an error for {text}"),
            Err(e) => e,
        }
    }

    #[test]
    fn the_example_of_the_spec_parses() {
        let facts = read_case(EXAMPLE).unwrap();
        assert_eq!(facts.case, "nu-2024-0042");
        assert_eq!(facts.as_of, Some(d("2024-03-25")));
        assert_eq!(facts.person.documents.len(), 3);
        assert_eq!(facts.purpose, Some(Purpose::Work));
        assert_eq!(facts.host.as_ref().unwrap().size, Some(HostSize::Large));
        assert_eq!(facts.events.len(), 5);
        assert_eq!(
            facts.stays,
            vec![Stay {
                entry: Some(0),
                exit: Some(4),
                start: Some(d("2024-03-15")),
                end: Some(d("2024-06-01")),
            }]
        );
        let visa = facts
            .document_valid_on(DocumentKind::Visa, d("2024-03-15"))
            .unwrap();
        assert_eq!(visa.category.as_deref(), Some("C3"));
        assert_eq!(visa.entries, Some(Entries::Multiple));
        assert_eq!(facts.age_on(d("2024-03-25")), Some(38));
        assert_eq!(facts.age_on(d("2024-04-02")), Some(39));
    }

    #[test]
    fn a_case_round_trips_through_json() {
        let case = parse_case(EXAMPLE).unwrap();
        let text = serde_json::to_string(&case).unwrap();
        assert_eq!(parse_case(&text).unwrap(), case);
        let value = serde_json::from_str::<Value>(EXAMPLE).unwrap();
        assert_eq!(parse_case_value(value).unwrap(), case);
    }

    #[test]
    fn a_typo_in_a_field_names_the_path_and_the_nearest_field() {
        let text = EXAMPLE.replace("\"citizenship\"", "\"citizenshp\"");
        let e = err(&text);
        assert_eq!(e.kind, CaseErrorKind::UnknownField);
        assert_eq!(e.code(), "kzrules::case::unknown_field");
        assert_eq!(e.path, "person.citizenshp");
        let help = e.help.as_deref().unwrap();
        assert!(help.starts_with("did you mean `citizenship`?"), "{help}");
        assert!(help.contains("`birth_date`"), "{help}");
        assert_eq!((e.line, e.column), (Some(5), Some(5)));
        let span = e.span.unwrap();
        assert_eq!(
            &text[span.offset()..span.offset() + span.len()],
            "\"citizenshp\""
        );
        assert_eq!(e.case.as_deref(), Some("nu-2024-0042"));
    }

    #[test]
    fn an_unknown_field_at_the_top_suggests_the_known_one() {
        let e = err(r#"{"case": "t", "person": {"citizenship": "KZ"}, "evnets": []}"#);
        assert_eq!(e.path, "evnets");
        assert!(e
            .help
            .as_deref()
            .unwrap()
            .contains("did you mean `events`?"));
        assert!(e.help.as_deref().unwrap().contains("`meta`"));
    }

    #[test]
    fn an_unknown_event_kind_suggests_the_nearest() {
        let e = err(&with_events(r#"{"kind": "entyr", "date": "2024-03-15"}"#));
        assert_eq!(e.kind, CaseErrorKind::UnknownValue);
        assert_eq!(e.path, "events[0].kind");
        assert_eq!(e.message, "`entyr` is not an event kind");
        let help = e.help.as_deref().unwrap();
        assert!(help.starts_with("did you mean `entry`?"), "{help}");
        assert!(help.contains("`work_permit_renewal_application`"), "{help}");
    }

    #[test]
    fn an_unknown_document_kind_suggests_the_nearest() {
        let text = EXAMPLE.replace("\"work_permit\"", "\"work-permit\"");
        let e = err(&text);
        assert_eq!(e.path, "person.documents[2].kind");
        assert!(e
            .help
            .as_deref()
            .unwrap()
            .starts_with("did you mean `work_permit`?"));
        let text = EXAMPLE.replace("\"large\"", "\"huge\"");
        let e = err(&text);
        assert_eq!(e.path, "host.size");
        assert!(e.help.as_deref().unwrap().contains("`non_profit`"));
    }

    #[test]
    fn an_impossible_date_is_a_bad_date() {
        let e = err(&with_events(r#"{"kind": "entry", "date": "2024-02-30"}"#));
        assert_eq!(e.kind, CaseErrorKind::BadDate);
        assert_eq!(e.code(), "kzrules::case::bad_date");
        assert_eq!(e.path, "events[0].date");
        assert!(e.message.contains("does not exist"), "{}", e.message);
        assert!(
            e.message.contains("February 2024 has 29 days"),
            "{}",
            e.message
        );
        let e = err(&with_events(r#"{"kind": "entry", "date": "2023-13-01"}"#));
        assert!(e.message.contains("no month 13"), "{}", e.message);
    }

    #[test]
    fn a_date_in_another_form_gets_a_suggestion() {
        let e = err(&with_events(r#"{"kind": "entry", "date": "15.03.2024"}"#));
        assert_eq!(e.kind, CaseErrorKind::BadDate);
        assert!(e.help.as_deref().unwrap().contains("`2024-03-15`"));
        let e = err(&with_events(r#"{"kind": "entry", "date": "2024-3-5"}"#));
        assert!(e.help.as_deref().unwrap().contains("`2024-03-05`"));
        let e = err(&with_events(
            r#"{"kind": "entry", "date": "2024-03-15T10:00"}"#,
        ));
        assert!(e.help.as_deref().unwrap().contains("`time`"));
        let e = err(&with_events(r#"{"kind": "entry", "date": 20240315}"#));
        assert_eq!(e.kind, CaseErrorKind::WrongType);
    }

    #[test]
    fn two_entries_without_an_exit_name_both_events() {
        let text = with_events(
            r#"{"kind": "entry", "date": "2024-03-01"},
               {"kind": "notification", "date": "2024-03-02"},
               {"kind": "entry", "date": "2024-03-15"}"#,
        );
        let e = err(&text);
        assert_eq!(e.kind, CaseErrorKind::EventOrder);
        assert_eq!(e.path, "events[2]");
        assert_eq!(e.also.as_deref(), Some("events[0]"));
        assert!(e.message.contains("events[0]") && e.message.contains("events[2]"));
        assert!(e.span.is_some() && e.also_span.is_some());
        assert_eq!(e.line, Some(3));
    }

    #[test]
    fn two_exits_without_an_entry_name_both_events() {
        let e = err(&with_events(
            r#"{"kind": "exit", "date": "2024-03-01"}, {"kind": "exit", "date": "2024-03-15"}"#,
        ));
        assert_eq!(e.kind, CaseErrorKind::EventOrder);
        assert_eq!(e.path, "events[1]");
        assert_eq!(e.also.as_deref(), Some("events[0]"));
        assert!(e.message.starts_with("two exits"));
    }

    #[test]
    fn an_exit_before_any_entry_closes_an_earlier_stay() {
        let facts = read_case(&with_events(
            r#"{"kind": "entry", "date": "2024-03-10"}, {"kind": "exit", "date": "2024-03-01"}"#,
        ))
        .unwrap();
        assert_eq!(facts.events[0].index, 1);
        assert_eq!(
            facts.stays,
            vec![
                Stay {
                    entry: None,
                    exit: Some(0),
                    start: None,
                    end: Some(d("2024-03-01"))
                },
                Stay {
                    entry: Some(1),
                    exit: None,
                    start: Some(d("2024-03-10")),
                    end: None
                },
            ]
        );
    }

    #[test]
    fn on_one_day_without_times_an_exit_comes_before_an_entry() {
        let facts = read_case(&with_events(
            r#"{"kind": "entry", "date": "2024-01-01"},
               {"kind": "notification", "date": "2024-03-01"},
               {"kind": "entry", "date": "2024-03-01"},
               {"kind": "exit", "date": "2024-03-01"}"#,
        ))
        .unwrap();
        let order: Vec<usize> = facts.events.iter().map(|e| e.index).collect();
        assert_eq!(order, vec![0, 3, 2, 1]);
        assert_eq!(facts.stays.len(), 2);
        assert_eq!(facts.stays[1].start, Some(d("2024-03-01")));
        // The day of leaving and coming back is the later stay's and is counted once.
        assert_eq!(
            facts.stay_containing(d("2024-03-01")),
            Some(&facts.stays[1])
        );
        assert_eq!(
            facts.days_in_kazakhstan(d("2024-02-28"), d("2024-03-02"), d("2024-03-02")),
            4
        );
    }

    #[test]
    fn times_order_events_on_one_day() {
        let facts = read_case(&with_events(
            r#"{"kind": "exit", "date": "2024-03-01", "time": "18:00"},
               {"kind": "entry", "date": "2024-03-01", "time": "08:00"},
               {"kind": "notification", "date": "2024-03-01", "time": "09:00"}"#,
        ))
        .unwrap();
        let order: Vec<usize> = facts.events.iter().map(|e| e.index).collect();
        assert_eq!(order, vec![1, 2, 0]);
        assert_eq!(facts.stays.len(), 1);
    }

    #[test]
    fn ids_must_be_unique_and_for_must_name_one() {
        let e = err(&with_events(
            r#"{"id": "e1", "kind": "entry", "date": "2024-03-01"},
               {"id": "e1", "kind": "notification", "date": "2024-03-02"}"#,
        ));
        assert_eq!(e.kind, CaseErrorKind::DuplicateId);
        assert_eq!(e.path, "events[1].id");
        assert_eq!(e.also.as_deref(), Some("events[0].id"));

        let e = err(&with_events(
            r#"{"id": "arrival", "kind": "entry", "date": "2024-03-01"},
               {"kind": "notification", "date": "2024-03-02", "for": "arival"}"#,
        ));
        assert_eq!(e.kind, CaseErrorKind::UnknownFor);
        assert_eq!(e.code(), "kzrules::case::unknown_for");
        assert_eq!(e.path, "events[1].for");
        assert!(e.message.contains("`arival`"));
        assert!(e
            .help
            .as_deref()
            .unwrap()
            .starts_with("did you mean `arrival`?"));
        assert_eq!(e.line, Some(2));

        let facts = read_case(&with_events(
            r#"{"kind": "notification", "date": "2024-03-02", "for": "a"},
               {"id": "a", "kind": "entry", "date": "2024-03-01"}"#,
        ))
        .unwrap();
        assert_eq!(facts.events[1].answers, Some(0));
        assert_eq!(facts.event_by_id("a"), Some(0));
    }

    #[test]
    fn wrong_types_say_what_is_expected() {
        let text = EXAMPLE.replace("200", "\"200\"");
        let e = err(&text);
        assert_eq!(e.kind, CaseErrorKind::WrongType);
        assert_eq!(e.path, "planned_stay_days");
        assert!(
            e.message.starts_with("expected a whole number"),
            "{}",
            e.message
        );
        assert_eq!(e.help.as_deref(), Some("remove the quotes: 200"));

        let e = err(r#"{"case": "t", "person": {"citizenship": "KZ"},
            "events": {"kind": "entry", "date": "2024-03-01"}}"#);
        assert_eq!(e.path, "events");
        assert!(e.message.contains("found an object"), "{}", e.message);
        assert!(e.help.as_deref().unwrap().contains("in a list"));

        let e = err(r#"{"case": 42, "person": {"citizenship": "KZ"}}"#);
        assert_eq!(e.path, "case");
        assert_eq!(
            e.help.as_deref(),
            Some("put the value in double quotes: \"42\"")
        );

        let e = err("[]");
        assert_eq!(e.kind, CaseErrorKind::WrongType);
        assert_eq!(e.path, "");
        assert!(e
            .one_line()
            .starts_with("top level: expected the case as an object"));

        for e in [&err(&text), &err("[]")] {
            for word in ["u32", "String", "NaiveDate", "Vec", "struct", "enum"] {
                assert!(!e.one_line().contains(word), "{}", e.one_line());
            }
        }
    }

    #[test]
    fn the_first_problem_in_the_text_is_reported() {
        let e = err(r#"{"case": 5, "person": {"citizenshp": "KZ"}}"#);
        assert_eq!(e.path, "case");
        let e = err(r#"{"person": {"citizenshp": "KZ"}, "case": 5}"#);
        assert_eq!(e.path, "person.citizenshp");
        let e = err(&with_events(
            r#"{"kind": "entry", "date": "2024-03-01"}, {"kind": "exit"}, {"kind": "ext", "date": "2024-03-01"}"#,
        ));
        assert_eq!(e.path, "events[1].date");
        let value = serde_json::json!({"case": "t", "person": {"citizenship": "KZ", "nmae": "A"}});
        let e = parse_case_value(value).unwrap_err();
        assert_eq!(e.path, "person.nmae");
        assert!(e
            .help
            .as_deref()
            .unwrap()
            .starts_with("did you mean `name`?"));
        assert_eq!(e.line, None);
        // A short known name inside an unknown one is no suggestion.
        let e = err(&with_events(
            r#"{"kind": "entry", "date": "2024-03-01", "valid_from": "x"}"#,
        ));
        assert!(!e.help.as_deref().unwrap().starts_with("did you mean"));
    }

    #[test]
    fn a_large_input_with_a_late_error_is_explained_quickly() {
        let item = format!("\"{}\"", "x".repeat(100));
        let items = vec![item.as_str(); 140_000].join(",\n");
        let text = format!(
            r#"{{"case": "t", "person": {{"citizenship": "KZ"}}, "meta": [{items}], "evnts": []}}"#
        );
        assert!(text.len() < MAX_INPUT_BYTES);
        let started = std::time::Instant::now();
        let e = err(&text);
        assert_eq!(e.path, "evnts");
        assert_eq!(e.line, Some(140_000));
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
    }

    #[test]
    fn a_missing_field_points_at_its_object() {
        let text = with_events(r#"{"kind": "entry"}"#);
        let e = err(&text);
        assert_eq!(e.kind, CaseErrorKind::MissingField);
        assert_eq!(e.path, "events[0].date");
        assert_eq!(e.help.as_deref(), Some("add \"date\": \"YYYY-MM-DD\""));
        let span = e.span.unwrap();
        assert_eq!(&text[span.offset()..=span.offset()], "{");
        let e = err(r#"{"person": {"citizenship": "KZ"}}"#);
        assert_eq!(e.path, "case");
    }

    #[test]
    fn a_field_given_twice_is_an_error() {
        let e = err(&with_events(
            r#"{"kind": "entry", "date": "2024-03-01", "kind": "exit"}"#,
        ));
        assert_eq!(e.kind, CaseErrorKind::DuplicateField);
        assert_eq!(e.path, "events[0].kind");
        assert_eq!(e.column, Some(99));
    }

    #[test]
    fn syntax_errors_give_the_line() {
        let text = &EXAMPLE[..EXAMPLE.len() / 2];
        let e = err(text);
        assert_eq!(e.kind, CaseErrorKind::Syntax);
        assert!(e.line.is_some());
        assert!(e.message.starts_with("the text ends"), "{}", e.message);
        let e = err("{\"case\": 't'}");
        assert_eq!(e.path, "case");
        assert!(e.help.as_deref().unwrap().contains("double quotes"));
        let e = err("");
        assert_eq!(e.message, "the input is empty");
        let e = err(r#"{"case": "t",}"#);
        assert_eq!(e.kind, CaseErrorKind::Syntax);
        let e = err("{\"case\": \"t\", \"person\": {\"citizenship\": \"K\n");
        assert_eq!(e.message, "the text ends inside a string");
        assert_eq!((e.line, e.column), (Some(1), Some(42)));
    }

    #[test]
    fn deep_nesting_is_a_clean_limit_error() {
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        let text = format!(r#"{{"case": "t", "person": {{"citizenship": "KZ"}}, "meta": {deep}}}"#);
        let e = err(&text);
        assert_eq!(e.kind, CaseErrorKind::Limit);
        assert_eq!(e.code(), "kzrules::case::limit");
        assert!(e.path.starts_with("meta[0][0]"), "{}", e.path);
        assert!(e.message.contains("128"));

        let very_deep = "[".repeat(100_000);
        assert_eq!(err(&very_deep).kind, CaseErrorKind::Limit);

        let mut value = Value::Null;
        for _ in 0..300 {
            value = Value::Array(vec![value]);
        }
        let case = serde_json::json!({"case": "t", "person": {"citizenship": "KZ"}, "meta": value});
        assert_eq!(
            parse_case_value(case).unwrap_err().kind,
            CaseErrorKind::Limit
        );
    }

    #[test]
    fn huge_strings_and_inputs_hit_limits() {
        let name = "x".repeat(MAX_STRING_CHARS + 1);
        let text =
            format!(r#"{{"case": "t", "person": {{"citizenship": "KZ", "name": "{name}"}}}}"#);
        let e = err(&text);
        assert_eq!(e.kind, CaseErrorKind::Limit);
        assert_eq!(e.path, "person.name");
        assert!(
            e.message.contains("4,097") && e.message.contains("4,096"),
            "{}",
            e.message
        );

        let ok = "ж".repeat(MAX_STRING_CHARS);
        let text = format!(r#"{{"case": "t", "person": {{"citizenship": "KZ", "name": "{ok}"}}}}"#);
        assert!(read_case(&text).is_ok());

        let text = format!(
            r#"{{"case": "t", "person": {{"citizenship": "KZ"}}, "meta": {{"a": [{{"b": "{name}"}}]}}}}"#
        );
        assert_eq!(err(&text).path, "meta.a[0].b");

        let huge = " ".repeat(MAX_INPUT_BYTES + 1);
        let e = err(&huge);
        assert_eq!(e.kind, CaseErrorKind::Limit);
        assert!(e.message.contains("16 MiB"));
    }

    #[test]
    fn too_many_events_is_a_limit() {
        let one = r#"{"kind": "notification", "date": "2024-03-01"}"#;
        let events = vec![one; MAX_EVENTS + 1].join(",");
        let e = err(&with_events(&events));
        assert_eq!(e.kind, CaseErrorKind::Limit);
        assert_eq!(e.path, "events");
        assert!(e.message.contains("10,001"));
        let events = vec![one; MAX_EVENTS].join(",");
        assert!(read_case(&with_events(&events)).is_ok());
    }

    #[test]
    fn formats_and_date_order_are_checked() {
        let e = err(&EXAMPLE.replace("\"GB\"", "\"gb\""));
        assert_eq!(e.kind, CaseErrorKind::BadValue);
        assert_eq!(e.path, "person.citizenship");
        assert!(e.help.as_deref().unwrap().contains("`GB`"));

        let e = err(&EXAMPLE.replace("23:50", "9:05"));
        assert_eq!(e.kind, CaseErrorKind::BadValue);
        assert_eq!(e.path, "events[0].time");
        assert!(e.help.as_deref().unwrap().contains("`09:05`"));
        assert_eq!(
            err(&EXAMPLE.replace("23:50", "24:00")).kind,
            CaseErrorKind::BadValue
        );

        let e = err(&EXAMPLE.replace("\"2025-01-09\"", "\"2023-01-09\""));
        assert_eq!(e.kind, CaseErrorKind::DateOrder);
        assert_eq!(e.path, "person.documents[1].valid_until");

        let e = err(&EXAMPLE.replace("1985-04-02", "2025-04-02"));
        assert_eq!(e.kind, CaseErrorKind::DateOrder);
        assert_eq!(e.path, "person.birth_date");

        let e = err(&EXAMPLE.replace("\"planned_stay_days\": 200", "\"planned_stay_days\": 0"));
        assert_eq!(e.kind, CaseErrorKind::BadValue);
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        let text = format!("\u{feff}{EXAMPLE}");
        assert!(read_case(&text).is_ok());
        let text = text.replace("citizenship", "citizenshp");
        let e = err(&text);
        let span = e.span.unwrap();
        assert_eq!(
            &text[span.offset()..span.offset() + span.len()],
            "\"citizenshp\""
        );
    }

    #[test]
    fn one_line_and_miette_rendering() {
        let text = with_events(r#"{"kind": "entry", "date": "2024-02-30"}"#);
        let e = err(&text);
        assert_eq!(
            e.one_line(),
            "events[0].date: the date `2024-02-30` does not exist: February 2024 has 29 days \
             (write a date that exists, as YYYY-MM-DD)"
        );
        assert_eq!(
            e.to_string(),
            "events[0].date: the date `2024-02-30` does not exist: February 2024 has 29 days"
        );
        let report = miette::Report::new(e).with_source_code(text);
        let mut out = String::new();
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .render_report(&mut out, report.as_ref())
            .unwrap();
        assert!(out.contains("kzrules::case::bad_date"), "{out}");
        assert!(out.contains("not a date"), "{out}");
    }

    #[test]
    fn every_error_kind_has_a_distinct_code() {
        let mut codes: Vec<&str> = CaseErrorKind::ALL.iter().map(|k| k.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), CaseErrorKind::ALL.len());
        assert!(codes.iter().all(|c| c.starts_with("kzrules::case::")));
    }

    #[test]
    fn enum_names_are_the_json_names() {
        fn check<T: Serialize + for<'de> Deserialize<'de> + PartialEq + fmt::Debug + Copy>(
            all: &[T],
            names: &[&str],
            as_str: fn(T) -> &'static str,
            from_name: fn(&str) -> Option<T>,
        ) {
            assert_eq!(all.len(), names.len());
            for (&v, &name) in all.iter().zip(names) {
                assert_eq!(as_str(v), name);
                assert_eq!(serde_json::to_value(v).unwrap(), Value::from(name));
                assert_eq!(from_name(name), Some(v));
            }
        }
        check(
            DocumentKind::ALL,
            DocumentKind::NAMES,
            DocumentKind::as_str,
            DocumentKind::from_name,
        );
        check(
            Entries::ALL,
            Entries::NAMES,
            Entries::as_str,
            Entries::from_name,
        );
        check(
            HostKind::ALL,
            HostKind::NAMES,
            HostKind::as_str,
            HostKind::from_name,
        );
        check(
            HostSize::ALL,
            HostSize::NAMES,
            HostSize::as_str,
            HostSize::from_name,
        );
        check(
            Purpose::ALL,
            Purpose::NAMES,
            Purpose::as_str,
            Purpose::from_name,
        );
        check(
            EventKind::ALL,
            EventKind::NAMES,
            EventKind::as_str,
            EventKind::from_name,
        );
    }

    /// The shape table that explains errors must agree with the serde types, which the
    /// generated schema reflects.
    #[test]
    fn the_shape_table_matches_the_schema() {
        let schema = serde_json::to_value(schemars::schema_for!(Case)).unwrap();
        let defs = &schema["$defs"];
        let pairs: [(&Value, &ObjShape); 6] = [
            (&schema, &CASE),
            (&defs["Person"], &PERSON),
            (&defs["Document"], &DOCUMENT),
            (&defs["Host"], &HOST),
            (&defs["PenaltyRecord"], &PENALTY),
            (&defs["Event"], &EVENT),
        ];
        for (def, shape) in pairs {
            let mut props: Vec<&str> = def["properties"]
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            let mut fields = shape.names();
            props.sort_unstable();
            fields.sort_unstable();
            assert_eq!(props, fields, "{}", shape.what);
            let mut required: Vec<&str> = def["required"]
                .as_array()
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let mut req: Vec<&str> = shape
                .fields
                .iter()
                .filter(|f| f.required)
                .map(|f| f.name)
                .collect();
            required.sort_unstable();
            req.sort_unstable();
            assert_eq!(required, req, "{}", shape.what);
            assert_eq!(def["additionalProperties"], Value::Bool(false));
        }
    }

    fn facts_of(events: &str, planned: Option<u32>) -> Facts {
        let mut case = parse_case(&with_events(events)).unwrap();
        case.planned_stay_days = planned;
        case.person.birth_date = Some(d("2010-06-15"));
        prepare(case).unwrap()
    }

    #[test]
    fn stays_and_days() {
        let facts = facts_of(
            r#"{"kind": "exit", "date": "2024-01-05"},
               {"kind": "entry", "date": "2024-02-01"},
               {"kind": "exit", "date": "2024-02-10"},
               {"kind": "entry", "date": "2024-03-01"}"#,
            Some(30),
        );
        assert_eq!(facts.stays.len(), 3);
        let (first, second, open) = (&facts.stays[0], &facts.stays[1], &facts.stays[2]);
        assert_eq!(facts.stay_containing(d("2023-12-01")), Some(first));
        assert_eq!(facts.stay_containing(d("2024-01-05")), Some(first));
        assert_eq!(facts.stay_containing(d("2024-01-06")), None);
        assert_eq!(facts.stay_containing(d("2024-02-10")), Some(second));
        assert_eq!(facts.stay_containing(d("2024-02-11")), None);
        assert_eq!(facts.stay_containing(d("2025-01-01")), Some(open));

        assert_eq!(facts.stay_end_or_planned(first), Some(d("2024-01-05")));
        assert_eq!(facts.stay_end_or_planned(open), Some(d("2024-03-30")));
        assert_eq!(facts.stay_end_on(d("2024-03-02")), Some(d("2024-03-30")));

        // [2024-01-01, 2024-03-05] as of 2024-03-05: of the stay begun before the records
        // only its exit day is known, then 10 + 5 days.
        assert_eq!(
            facts.days_in_kazakhstan(d("2024-01-01"), d("2024-03-05"), d("2024-03-05")),
            16
        );
        assert_eq!(
            facts.unknown_days_before(d("2024-01-01"), d("2024-03-05")),
            Some(d("2024-01-05"))
        );
        assert_eq!(
            facts.days_in_kazakhstan(d("2024-02-05"), d("2024-02-06"), d("2024-03-05")),
            2
        );
        assert_eq!(
            facts.days_in_kazakhstan(d("2024-03-01"), d("2024-12-31"), d("2024-02-20")),
            0
        );
        assert_eq!(
            facts.days_in_kazakhstan(d("2024-03-05"), d("2024-01-01"), d("2024-03-05")),
            0
        );

        let no_plan = facts_of(r#"{"kind": "entry", "date": "2024-03-01"}"#, None);
        assert_eq!(no_plan.stay_end_or_planned(&no_plan.stays[0]), None);
        let one_day = facts_of(r#"{"kind": "entry", "date": "2024-03-01"}"#, Some(1));
        assert_eq!(
            one_day.stay_end_or_planned(&one_day.stays[0]),
            Some(d("2024-03-01"))
        );
    }

    #[test]
    fn documents_and_age() {
        let mut case = parse_case(EXAMPLE).unwrap();
        case.person.documents.push(Document {
            kind: DocumentKind::Visa,
            valid_from: None,
            valid_until: Some(d("2026-01-01")),
            category: Some("B2".into()),
            entries: None,
            blank_pages: None,
            region: None,
            meta: None,
        });
        let facts = prepare(case).unwrap();
        assert_eq!(facts.documents_of(DocumentKind::Visa).count(), 2);
        let on = |s: &str| {
            facts
                .document_valid_on(DocumentKind::Visa, d(s))
                .and_then(|v| v.category.as_deref())
        };
        assert_eq!(on("2024-01-01"), Some("B2"));
        assert_eq!(on("2024-06-01"), Some("B2"));
        assert_eq!(on("2025-12-31"), Some("B2"));
        assert_eq!(on("2026-01-02"), None);
        assert!(facts
            .document_valid_on(DocumentKind::ResidencePermit, d("2024-06-01"))
            .is_none());
        assert_eq!(facts.age_on(d("1985-04-01")), None);
        assert_eq!(facts.age_on(d("2001-04-02")), Some(16));
        assert_eq!(facts.age_on(d("2001-04-01")), Some(15));
    }

    #[test]
    fn prepare_checks_a_case_built_in_code() {
        let mut case = parse_case(EXAMPLE).unwrap();
        case.person.citizenship = "Kazakhstan".into();
        let e = prepare(case).unwrap_err();
        assert_eq!(e.path, "person.citizenship");
        assert_eq!(e.line, None);
        let e = e.locate(EXAMPLE);
        assert_eq!(e.line, Some(5));
    }

    /// The broken cases under tests/bad/cases fail with the code their name says.
    #[test]
    fn the_bad_case_fixtures_fail_as_named() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad/cases");
        let expected = [
            ("unknown_field.json", CaseErrorKind::UnknownField),
            ("unknown_event_kind.json", CaseErrorKind::UnknownValue),
            ("bad_date.json", CaseErrorKind::BadDate),
            ("wrong_type.json", CaseErrorKind::WrongType),
            ("truncated.json", CaseErrorKind::Syntax),
            ("two_entries.json", CaseErrorKind::EventOrder),
            ("unknown_for.json", CaseErrorKind::UnknownFor),
        ];
        for (name, kind) in expected {
            let text = std::fs::read_to_string(dir.join(name)).unwrap();
            let e = err(&text);
            assert_eq!(e.kind, kind, "{name}: {}", e.one_line());
            assert!(e.line.is_some(), "{name}: no line");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

        /// Cutting or changing the example anywhere never panics, and every error names a
        /// place in the text.
        #[test]
        fn mangled_cases_never_panic(at in 0usize..EXAMPLE.len(), cut in 0usize..20, with in "[\\[\\]{}\",:a-z0-9 ]{0,3}") {
            let mut text = EXAMPLE.as_bytes().to_vec();
            let end = (at + cut).min(text.len());
            text.splice(at..end, with.bytes());
            if let Ok(text) = String::from_utf8(text) {
                if let Err(e) = read_case(&text) {
                    proptest::prop_assert!(!e.message.is_empty());
                    let _ = e.one_line();
                }
            }
        }
    }
}
