//! The catalog as a small document model (blocks and inlines), independent of its
//! output format.

/// A piece of running text.
#[derive(Debug, Clone)]
pub(super) enum Inline {
    /// Plain text.
    Text(String),
    /// A name or a value as written in rule files.
    Code(String),
    /// Emphasised text.
    Strong(String),
    /// A link to a heading of the catalog: text and anchor.
    Link(Vec<Inline>, String),
}

/// A block of the document.
#[derive(Debug, Clone)]
pub(super) enum Block {
    /// A heading; its anchor is the GitHub slug of its text.
    Heading(u8, Vec<Inline>),
    /// A paragraph.
    Paragraph(Vec<Inline>),
    /// A bulleted list.
    List(Vec<Vec<Inline>>),
    /// A table: header cells and rows of cells.
    Table(Vec<&'static str>, Vec<Vec<Vec<Inline>>>),
    /// A code block with its language.
    Code(&'static str, String),
}

pub(super) fn text(s: impl Into<String>) -> Inline {
    Inline::Text(s.into())
}

pub(super) fn code(s: impl Into<String>) -> Inline {
    Inline::Code(s.into())
}

pub(super) fn strong(s: impl Into<String>) -> Inline {
    Inline::Strong(s.into())
}

/// The plain text of inlines, as GitHub reads a heading to make its anchor.
pub(super) fn plain(inlines: &[Inline]) -> String {
    let mut out = String::new();
    for inline in inlines {
        match inline {
            Inline::Text(s) | Inline::Code(s) | Inline::Strong(s) => out.push_str(s),
            Inline::Link(inner, _) => out.push_str(&plain(inner)),
        }
    }
    out
}

/// GitHub's anchor for a heading: lowercase, letters, digits, `-` and `_` kept, spaces
/// made `-`, everything else dropped. HTML headings get the same ids, so that links work
/// in both formats.
pub(super) fn slug(heading: &str) -> String {
    heading
        .chars()
        .filter_map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                Some(c.to_lowercase().collect::<String>())
            } else if c == ' ' {
                Some(String::from("-"))
            } else {
                None
            }
        })
        .collect()
}
