//! Diagnostics about rule files: one type shared by the syntax and compile phases.
//!
//! A [`Diagnostic`] owns its named source and points at an exact span, so that miette
//! can draw it with the file name, line and column, and so that the machine formats
//! (JSON, SARIF, GitHub annotations) can give the same place.

use std::fmt;
use std::sync::Arc;

use miette::{LabeledSpan, NamedSource, SourceSpan};

use crate::source::{SourceFile, Span};

pub mod suggest;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// The rule set cannot be used.
    Error,
    /// The rule set can be used, but something looks wrong.
    Warning,
}

/// A fix a tool can apply: replace `length` bytes at byte `offset` of the file with
/// `replacement`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Fix {
    /// Byte offset of the text to replace.
    pub offset: usize,
    /// Its length in bytes (0: insert).
    pub length: usize,
    /// The new text.
    pub replacement: String,
}

/// One problem in a rule file, with its place, a label and a fix.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// A stable code, e.g. `kzrules::syntax`; each has a section in docs/errors.md.
    pub code: &'static str,
    /// Error or warning.
    pub level: Level,
    /// One line, lowercase, no final period.
    pub message: String,
    /// The text under the span.
    pub label: String,
    /// How to fix it.
    pub help: Option<String>,
    /// The file's name.
    pub file: String,
    /// 1-based line of the span's start.
    pub line: usize,
    /// 1-based column of the span's start.
    pub column: usize,
    /// Byte offset and length of the span.
    pub offset: usize,
    /// Length of the span in bytes.
    pub length: usize,
    /// Another place the message refers to (the first definition of a duplicate).
    pub related: Option<Box<Diagnostic>>,
    /// A machine-applicable fix: the text to put in place of a span (an editor's quick
    /// fix; the help says the same in words).
    pub fix: Option<Fix>,
    source: Option<Arc<NamedSource<Arc<str>>>>,
}

impl Diagnostic {
    /// An error at a span of a file.
    pub fn error(
        code: &'static str,
        file: &SourceFile,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        let start = span.start as usize;
        let end = (span.end as usize).max(start);
        let (line, column) = file.line_column(start);
        Diagnostic {
            code,
            level: Level::Error,
            message: message.into(),
            label: String::from("here"),
            help: None,
            file: file.name.clone(),
            line,
            column,
            offset: start,
            length: end - start,
            related: None,
            fix: None,
            source: Some(Arc::new(NamedSource::new(
                file.name.clone(),
                file.text.clone(),
            ))),
        }
    }

    /// An error about a whole file or about no place in particular.
    pub fn without_place(
        code: &'static str,
        file: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code,
            level: Level::Error,
            message: message.into(),
            label: String::new(),
            help: None,
            file: file.into(),
            line: 1,
            column: 1,
            offset: 0,
            length: 0,
            related: None,
            fix: None,
            source: None,
        }
    }

    /// The same diagnostic as a warning.
    pub fn warning(mut self) -> Self {
        self.level = Level::Warning;
        self
    }

    /// The same with a label under the span.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    /// The same with a help line.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The same with a second place it refers to.
    pub fn with_related(mut self, related: Diagnostic) -> Self {
        self.related = Some(Box::new(related));
        self
    }

    /// The same with a fix: `replacement` in place of the bytes of `span` (an empty span
    /// inserts).
    pub fn fix(mut self, span: Span, replacement: impl Into<String>) -> Self {
        let start = span.start as usize;
        self.fix = Some(Fix {
            offset: start,
            length: (span.end as usize).saturating_sub(start),
            replacement: replacement.into(),
        });
        self
    }

    /// `file:line:column: level[code]: message (help)`, one line, for logs and tests.
    pub fn one_line(&self) -> String {
        let level = match self.level {
            Level::Error => "error",
            Level::Warning => "warning",
        };
        let mut out = format!(
            "{}:{}:{}: {}[{}]: {}",
            self.file, self.line, self.column, level, self.code, self.message
        );
        if let Some(help) = &self.help {
            out.push_str(" (help: ");
            out.push_str(help);
            out.push(')');
        }
        // One line, whatever the message holds.
        out.replace(['\r', '\n'], " ")
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Diagnostic {}

impl miette::Diagnostic for Diagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.level {
            Level::Error => miette::Severity::Error,
            Level::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h.as_str()) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_deref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        let span = SourceSpan::new(self.offset.into(), self.length);
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(Some(self.label.clone()), span),
        )))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        self.related
            .as_deref()
            .map(|d| Box::new(std::iter::once(d as &dyn miette::Diagnostic)) as Box<_>)
    }
}

/// Every problem found in a rule set: the compiler reports them all at once.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics {
    /// The problems, in file and line order.
    pub list: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Whether any is an error.
    pub fn has_errors(&self) -> bool {
        self.list.iter().any(|d| d.level == Level::Error)
    }

    /// The number of errors.
    pub fn error_count(&self) -> usize {
        self.list.iter().filter(|d| d.level == Level::Error).count()
    }

    /// Add one.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.list.push(diagnostic);
    }

    /// Sort by file, then place.
    pub fn sort(&mut self) {
        self.list
            .sort_by(|a, b| (&a.file, a.offset).cmp(&(&b.file, b.offset)));
    }

    /// Every diagnostic rendered by miette, without colour (for snapshots and logs).
    pub fn render_plain(&self) -> String {
        let handler =
            miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
                .with_width(100);
        let mut out = String::new();
        for d in &self.list {
            let _ = handler.render_report(&mut out, d);
            out.push('\n');
        }
        out
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let errors = self.error_count();
        write!(
            f,
            "the rules have {} error{}",
            errors,
            if errors == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for Diagnostics {}

impl miette::Diagnostic for Diagnostics {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("kzrules::rules"))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        Some(Box::new(
            self.list.iter().map(|d| d as &dyn miette::Diagnostic),
        ))
    }
}
