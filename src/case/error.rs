//! The one error type of case files and rule-test files: a stable code, the JSON path, the place in the text, the problem and the fix.

use super::*;

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
    pub(crate) fn label(self) -> &'static str {
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
pub enum Seg {
    Key(String),
    Index(usize),
}

pub(crate) fn key(k: &str) -> Seg {
    Seg::Key(k.to_string())
}

/// What of the place at the path an error points at in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Point {
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
pub struct CaseError(pub(crate) Box<CaseErrorDetail>);

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
    pub(crate) segs: Vec<Seg>,
    pub(crate) also_segs: Vec<Seg>,
    pub(crate) point: Point,
}

impl std::ops::Deref for CaseError {
    type Target = CaseErrorDetail;

    fn deref(&self) -> &CaseErrorDetail {
        &self.0
    }
}

pub(crate) fn place(path: &str) -> &str {
    if path.is_empty() {
        "top level"
    } else {
        path
    }
}

impl CaseError {
    pub(crate) fn new(
        kind: CaseErrorKind,
        segs: Vec<Seg>,
        message: String,
        help: Option<String>,
    ) -> Self {
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

    pub(crate) fn pointing(mut self, point: Point) -> Self {
        self.0.point = point;
        self
    }

    pub(crate) fn with_also(mut self, segs: Vec<Seg>) -> Self {
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
    pub(crate) fn locate_with(mut self, body: &str, base: usize) -> Self {
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

    pub(crate) fn set_span(&mut self, body: &str, base: usize, start: usize, len: usize) {
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

pub(crate) fn is_plain_key(k: &str) -> bool {
    !k.is_empty()
        && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && !k.as_bytes().first().is_some_and(u8::is_ascii_digit)
}

pub fn render_path(segs: &[Seg]) -> String {
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
