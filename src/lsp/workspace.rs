//! The rule set the server serves: the rule folder's files with the open documents in
//! place of the files on disk, parsed, indexed and compiled after every change.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use lsp_types::Url;

use crate::compile::{compile, CALENDAR_EXTENSION, RULE_EXTENSION};
use crate::diagnostic::Diagnostic;
use crate::ir::Program;
use crate::source::SourceFile;
use crate::syntax::ast;

use super::index::Index;
use super::position::LineIndex;

/// One file of the rule set.
#[derive(Debug, Clone)]
pub struct Document {
    /// Its path; `None` for the built-in calendar a folder without one gets.
    pub path: Option<PathBuf>,
    /// Its URI, when it has a path.
    pub url: Option<Url>,
    /// Its name (as diagnostics give it) and text.
    pub source: SourceFile,
    /// Its lines.
    pub lines: LineIndex,
    /// Its syntax tree (what parses of it), for a rule file.
    pub tree: Option<ast::File>,
}

impl Document {
    /// The text.
    pub fn text(&self) -> &str {
        &self.source.text
    }

    /// Whether it is the calendar file.
    pub fn is_calendar(&self) -> bool {
        self.source
            .name
            .ends_with(&format!(".{CALENDAR_EXTENSION}"))
    }
}

/// The rule set analysed: its files in the compiler's order (a span's `file` is the
/// index of its document), every diagnostic, the program when it compiles, the names.
#[derive(Debug, Default)]
pub struct Analysis {
    /// The files, sorted by name as the compiler sorts them.
    pub documents: Vec<Document>,
    /// Every error and warning of the compiler.
    pub diagnostics: Vec<Diagnostic>,
    /// The program, when the rule set compiles.
    pub program: Option<Program>,
    /// The names and their places.
    pub index: Index,
}

impl Analysis {
    /// Read, parse and compile the rule files of `folder` (when there is one), with the
    /// texts of `open` in place of the files on disk and the open rule files of the
    /// folder that are not saved yet added.
    pub fn new(folder: Option<&Path>, open: &BTreeMap<PathBuf, String>) -> Analysis {
        let mut files: BTreeMap<PathBuf, Option<String>> = BTreeMap::new();
        if let Some(folder) = folder {
            if let Ok(entries) = std::fs::read_dir(folder) {
                for entry in entries.flatten() {
                    let path = entry.path();
                    if path.is_file() && is_rule_set_file(&path) {
                        files.insert(path, None);
                    }
                }
            }
            for (path, text) in open {
                if path.parent() == Some(folder) && is_rule_set_file(path) {
                    files.insert(path.clone(), Some(text.clone()));
                }
            }
        }
        let mut documents = Vec::new();
        for (path, text) in files {
            let text = match text {
                Some(t) => t,
                None => match crate::load::rules::read_rule_file(&path) {
                    Ok(f) => f.text.to_string(),
                    Err(_) => continue,
                },
            };
            let url = Url::from_file_path(&path).ok();
            documents.push(document(
                Some(path.clone()),
                url,
                path.display().to_string(),
                &text,
            ));
        }
        if !documents.iter().any(Document::is_calendar) && !documents.is_empty() {
            for f in crate::load::rules::embedded() {
                if f.name.ends_with(&format!(".{CALENDAR_EXTENSION}")) {
                    documents.push(document(None, None, f.name.clone(), &f.text));
                }
            }
        }
        documents.sort_by(|a, b| a.source.name.cmp(&b.source.name));
        for (i, d) in documents.iter_mut().enumerate() {
            if !d.is_calendar() {
                let index = u32::try_from(i).unwrap_or(u32::MAX);
                d.tree = Some(crate::syntax::parse_recovering(index, &d.source).0);
            }
        }
        let mut index = Index::new(documents.iter().filter_map(|d| d.tree.as_ref()));
        if !documents
            .iter()
            .any(|d| crate::compile::is_vocabulary_file(&d.source.name))
        {
            index.add_builtin_vocabulary(crate::compile::builtin_vocabulary());
        }
        let (program, diagnostics) = if documents.is_empty() {
            (None, Vec::new())
        } else {
            match compile(documents.iter().map(|d| d.source.clone()).collect()) {
                Ok(compiled) => (Some(compiled.program), compiled.warnings.list),
                Err(errors) => (None, errors.list),
            }
        };
        Analysis {
            documents,
            diagnostics,
            program,
            index,
        }
    }

    /// The document with this URI and its index.
    pub fn document(&self, url: &Url) -> Option<(u32, &Document)> {
        self.documents
            .iter()
            .enumerate()
            .find(|(_, d)| d.url.as_ref() == Some(url))
            .map(|(i, d)| (u32::try_from(i).unwrap_or(u32::MAX), d))
    }

    /// The document named `name` (a diagnostic's file).
    pub fn named(&self, name: &str) -> Option<&Document> {
        self.documents.iter().find(|d| d.source.name == name)
    }

    /// The document a span is in.
    pub fn of_span(&self, file: u32) -> Option<&Document> {
        self.documents.get(file as usize)
    }
}

fn document(path: Option<PathBuf>, url: Option<Url>, name: String, text: &str) -> Document {
    Document {
        path,
        url,
        lines: LineIndex::new(text),
        source: SourceFile::new(name, text),
        tree: None,
    }
}

/// Whether a path is a rule file or a calendar file, by its extension.
pub fn is_rule_set_file(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e == RULE_EXTENSION || e == CALENDAR_EXTENSION)
}

/// A path as the folder's listing gives it: its folder made canonical (links resolved),
/// so that an editor's path and the folder's agree.
pub fn normal_path(path: &Path) -> PathBuf {
    match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) => parent
            .canonicalize()
            .map_or_else(|_| path.to_path_buf(), |p| p.join(name)),
        _ => path.to_path_buf(),
    }
}
