//! Go to definition, find references, rename, and the symbols of a document and of the
//! rule set, from the index of names.

use std::collections::HashMap;

use lsp_types::{
    DocumentSymbol, Location, SymbolInformation, SymbolKind, TextEdit, Url, WorkspaceEdit,
};

use crate::source::Span;

use super::index::{NameKind, Occurrence};
use super::workspace::Analysis;

fn location(analysis: &Analysis, span: Span) -> Option<Location> {
    let doc = analysis.of_span(span.file)?;
    let url = doc.url.clone()?;
    Some(Location::new(
        url,
        doc.lines
            .range(doc.text(), span.start as usize, span.end as usize),
    ))
}

/// The declarations of the name at the cursor (several for versions).
pub fn definition(analysis: &Analysis, file: u32, offset: usize) -> Vec<Location> {
    let Some(o) = analysis.index.at(file, offset) else {
        return Vec::new();
    };
    analysis
        .index
        .declarations(o.kind, &o.name)
        .filter_map(|d| location(analysis, d.span))
        .collect()
}

/// Every place the name at the cursor is written; its declarations too when asked.
pub fn references(
    analysis: &Analysis,
    file: u32,
    offset: usize,
    declarations: bool,
) -> Vec<Location> {
    let Some(o) = analysis.index.at(file, offset) else {
        return Vec::new();
    };
    analysis
        .index
        .all_of(o.kind, &o.name)
        .filter(|r| declarations || !r.is_declaration())
        .filter_map(|r| location(analysis, r.span))
        .collect()
}

/// Why a rename was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenameError {
    /// No name at the cursor.
    #[error("there is no rule, set, parameter, penalty schedule or source name here")]
    NoName,
    /// The new name is not a name.
    #[error(
        "`{0}` is not a name: write lowercase letters, digits and `_`, starting with a letter"
    )]
    BadName(String),
    /// The new name is taken.
    #[error("`{0}` is already declared: renaming would create a duplicate")]
    Taken(String),
    /// A word of the vocabulary: cases name it too.
    #[error("`{0}` is a word of the vocabulary that case files name too: renaming it here would leave them behind; declare the new name beside it and change the cases first")]
    Vocabulary(String),
}

/// Rename the name at the cursor everywhere it is written.
pub fn rename(
    analysis: &Analysis,
    file: u32,
    offset: usize,
    new_name: &str,
) -> Result<WorkspaceEdit, RenameError> {
    let o: &Occurrence = analysis.index.at(file, offset).ok_or(RenameError::NoName)?;
    if matches!(
        o.kind,
        NameKind::Event
            | NameKind::Document
            | NameKind::Purpose
            | NameKind::Verb
            | NameKind::Application
    ) {
        return Err(RenameError::Vocabulary(o.name.clone()));
    }
    let valid = new_name.starts_with(|c: char| c.is_ascii_lowercase())
        && new_name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !valid {
        return Err(RenameError::BadName(new_name.to_string()));
    }
    if new_name != o.name && analysis.index.is_declared(new_name) {
        return Err(RenameError::Taken(new_name.to_string()));
    }
    let mut changes: HashMap<Url, Vec<TextEdit>> = HashMap::new();
    for r in analysis.index.all_of(o.kind, &o.name) {
        if let Some(l) = location(analysis, r.span) {
            changes
                .entry(l.uri)
                .or_default()
                .push(TextEdit::new(l.range, new_name.to_string()));
        }
    }
    Ok(WorkspaceEdit {
        changes: Some(changes),
        ..WorkspaceEdit::default()
    })
}

fn symbol_kind(kind: NameKind) -> SymbolKind {
    match kind {
        NameKind::Rule => SymbolKind::FUNCTION,
        NameKind::Set => SymbolKind::ENUM,
        NameKind::Parameter => SymbolKind::CONSTANT,
        NameKind::Penalty => SymbolKind::STRUCT,
        NameKind::Source => SymbolKind::MODULE,
        NameKind::Event => SymbolKind::EVENT,
        NameKind::Document | NameKind::Purpose => SymbolKind::ENUM_MEMBER,
        NameKind::Verb | NameKind::Application => SymbolKind::OPERATOR,
    }
}

/// The outline of a document: its declarations in file order.
#[allow(deprecated)] // `DocumentSymbol::deprecated` must be written out
pub fn document_symbols(analysis: &Analysis, file: u32) -> Vec<DocumentSymbol> {
    let Some(doc) = analysis.of_span(file) else {
        return Vec::new();
    };
    analysis
        .index
        .occurrences
        .iter()
        .filter(|o| o.span.file == file)
        .filter_map(|o| {
            let decl = o.declaration?;
            Some(DocumentSymbol {
                name: o.name.clone(),
                detail: Some(o.kind.keyword().to_string()),
                kind: symbol_kind(o.kind),
                tags: None,
                deprecated: None,
                range: doc
                    .lines
                    .range(doc.text(), decl.start as usize, decl.end as usize),
                selection_range: doc.lines.range(
                    doc.text(),
                    o.span.start as usize,
                    o.span.end as usize,
                ),
                children: None,
            })
        })
        .collect()
}

/// The declarations of the rule set whose name contains `query` (any case).
#[allow(deprecated)] // `SymbolInformation::deprecated` must be written out
pub fn workspace_symbols(analysis: &Analysis, query: &str) -> Vec<SymbolInformation> {
    let query = query.to_lowercase();
    analysis
        .index
        .occurrences
        .iter()
        .filter(|o| o.is_declaration() && o.name.contains(&query))
        .filter_map(|o| {
            Some(SymbolInformation {
                name: o.name.clone(),
                kind: symbol_kind(o.kind),
                tags: None,
                deprecated: None,
                location: location(analysis, o.span)?,
                container_name: Some(o.kind.keyword().to_string()),
            })
        })
        .collect()
}
