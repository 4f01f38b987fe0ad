//! Report: check results and rule diagnostics rendered for people and machines.
//!
//! Each output format is rendered in one place: [`text`], [`json`], [`junit`],
//! [`markdown`], [`ics`] and [`html`] for check results, [`diagnostics`] for rule files. A
//! batch is rendered as it streams: a header, one piece per case in input order, a
//! footer, so that memory stays flat however many cases there are.

pub mod diagnostics;
pub mod escape;
pub mod explain;
pub mod html;
pub mod ics;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod text;

use serde::Serialize;

use crate::case::CaseError;
use crate::eval::result::CheckResult;

/// The output formats of `kzrules check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// For people: one line per obligation.
    Text,
    /// One JSON document per case (JSON Lines in batches), as docs/contract.md says.
    Json,
    /// JUnit XML: one test case per obligation and finding.
    Junit,
    /// A Markdown summary table, for a CI job summary.
    Markdown,
    /// iCalendar: one event per open or overdue obligation, on its due day.
    Ics,
    /// One self-contained HTML page: a timeline of stays and deadlines, the window
    /// usage chart, then the tables; a batch gets one section per case and an index.
    Html,
}

/// One line of `kzrules check --format json`: a case's result, or the error record of a
/// case that could not be checked (`kzrules schema result` describes both).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum ResultLine {
    /// The case was checked: everything the rules say about it.
    Checked(Box<CheckResult>),
    /// The case could not be read or judged: where it came from and why.
    Failed(Box<CaseFailure>),
}

/// A case of a batch that could not be checked: its error record (it has an `error` and
/// no `obligations`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct CaseFailure {
    /// The case's id, when it could be read.
    pub case: Option<String>,
    /// Where the case came from: a file path, or `stdin line N`.
    pub input: String,
    /// The error.
    pub error: FailureDetail,
}

/// What went wrong with a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct FailureDetail {
    /// A stable code, e.g. `kzrules::case::bad_date`.
    pub code: String,
    /// The JSON path of the place, e.g. `events[0].date`.
    pub path: String,
    /// The line in the input, where known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// The column in the input, where known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl From<&CaseError> for FailureDetail {
    fn from(error: &CaseError) -> Self {
        FailureDetail {
            code: error.code().to_string(),
            path: error.path.clone(),
            line: error.line,
            column: error.column,
            message: error.message.clone(),
            help: error.help.clone(),
        }
    }
}

impl CaseFailure {
    /// A case the case reader refused: its id when it could be read, where it came
    /// from, and the reader's error.
    pub fn unreadable(input: &str, error: &CaseError) -> CaseFailure {
        CaseFailure {
            case: error.case.clone(),
            input: input.to_string(),
            error: FailureDetail::from(error),
        }
    }

    /// `input:line:column: path: message (help)`, one line.
    pub fn one_line(&self) -> String {
        let mut place = self.input.clone();
        if let (Some(l), Some(c)) = (self.error.line, self.error.column) {
            place.push_str(&format!(":{l}:{c}"));
        }
        let path = if self.error.path.is_empty() {
            String::new()
        } else {
            format!("{}: ", self.error.path)
        };
        let mut out = format!(
            "{place}: error[{}]: {path}{}",
            self.error.code, self.error.message
        );
        if let Some(h) = &self.error.help {
            out.push_str(&format!(" (help: {h})"));
        }
        out
    }
}

/// What checking one case gave.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// The case was judged.
    Checked(Box<CheckResult>),
    /// The case could not be read or judged.
    Failed(Box<CaseFailure>),
}

impl Outcome {
    /// The exit status this outcome alone gives: 0, 1 or 2.
    pub fn exit_code(&self) -> u8 {
        match self {
            Outcome::Checked(r) => r.exit_code(),
            Outcome::Failed(_) => 2,
        }
    }
}

/// A case in the HTML page's index: its id, its anchor and its exit status.
pub type IndexEntry = (String, String, u8);

/// Renders a batch in one format, piece by piece.
#[derive(Debug)]
pub struct Renderer {
    format: Format,
    colour: bool,
    totals: markdown::Totals,
    /// The HTML page's index: each case's id, anchor and exit status.
    index: Vec<IndexEntry>,
    /// How JSON results write their citations.
    citations: crate::eval::result::style::CitationStyle,
    /// With `--citations ref`, the first record: every citation by its id.
    citation_index: String,
}

impl Renderer {
    /// A renderer for a format; `colour` for text on a terminal.
    pub fn new(format: Format, colour: bool) -> Self {
        Renderer {
            format,
            colour,
            totals: markdown::Totals::default(),
            index: Vec::new(),
            citations: crate::eval::result::style::CitationStyle::Full,
            citation_index: String::new(),
        }
    }

    /// Write JSON results' citations in `style`; with `Ref`, the header is the index of
    /// `program`'s citations ([`json::citation_index`]). Other formats are unchanged.
    pub fn with_citations(
        mut self,
        style: crate::eval::result::style::CitationStyle,
        program: &crate::ir::Program,
    ) -> Self {
        self.citations = style;
        self.citation_index = match (self.format, style) {
            (Format::Json, crate::eval::result::style::CitationStyle::Ref) => {
                json::citation_index(program)
            }
            _ => String::new(),
        };
        self
    }

    /// What comes before the first case.
    pub fn header(&self) -> String {
        match self.format {
            Format::Junit => junit::header(),
            Format::Markdown => markdown::header(),
            Format::Ics => ics::header(),
            Format::Html => html::header("kzrules report"),
            Format::Json => self.citation_index.clone(),
            Format::Text => String::new(),
        }
    }

    /// The HTML page's index entry of a case at `position` (other formats keep no
    /// index): its id, anchor and exit status.
    pub fn index_entry(&self, outcome: &Outcome, position: usize) -> Option<IndexEntry> {
        (self.format == Format::Html).then(|| {
            let case = match outcome {
                Outcome::Checked(r) => r.case.clone(),
                Outcome::Failed(f) => f.case.clone().unwrap_or_else(|| f.input.clone()),
            };
            (case, html::anchor(position), outcome.exit_code())
        })
    }

    /// Add a case to the HTML page's index, in input order.
    pub fn push_index(&mut self, entry: IndexEntry) {
        self.index.push(entry);
    }

    /// One case's piece of the output (empty for a failure in text form: failures go
    /// to standard error there), counted into the running totals.
    pub fn case(&mut self, outcome: &Outcome) -> String {
        self.totals.add(outcome);
        let position = self.totals.cases;
        if let Some(entry) = self.index_entry(outcome, position) {
            self.push_index(entry);
        }
        self.piece_at(outcome, position)
    }

    /// One case's piece of the output, without counting it: it depends on the case
    /// alone, so batches render it on the thread that checked the case.
    pub fn piece(&self, outcome: &Outcome) -> String {
        self.piece_at(outcome, 1)
    }

    /// [`Renderer::piece`] for the case at `position` (1-based) of a batch, which the
    /// HTML page's anchors need.
    pub fn piece_at(&self, outcome: &Outcome, position: usize) -> String {
        match (self.format, outcome) {
            (Format::Html, Outcome::Checked(r)) => html::section(r, None, position),
            (Format::Html, Outcome::Failed(f)) => html::failure(f, position),
            (Format::Text, Outcome::Checked(r)) => text::render(r, self.colour),
            (Format::Text, Outcome::Failed(_)) => String::new(),
            (Format::Json, Outcome::Checked(r)) => json::line_with(r, self.citations),
            (Format::Json, Outcome::Failed(f)) => json::failure_line(f),
            (Format::Junit, o) => junit::suite(o),
            (Format::Markdown, o) => markdown::row(o),
            (Format::Ics, Outcome::Checked(r)) => ics::events(r),
            (Format::Ics, Outcome::Failed(_)) => String::new(),
        }
    }

    /// Count totals gathered elsewhere (by the threads of a batch) into this renderer's.
    pub fn count(&mut self, totals: &markdown::Totals) {
        self.totals.merge(totals);
    }

    /// What comes after the last case.
    pub fn footer(&self) -> String {
        match self.format {
            Format::Junit => junit::footer(),
            Format::Markdown => markdown::footer(&self.totals),
            Format::Ics => ics::footer(),
            Format::Html => html::footer(&self.index),
            Format::Text | Format::Json => String::new(),
        }
    }
}
