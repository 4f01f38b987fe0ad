//! The compiler's diagnostics in LSP terms, the quick fixes they offer ("did you mean",
//! a missing citation, an unused declaration) and formatting through `tools::fmt`.

use std::collections::HashMap;

use lsp_types::{
    CodeAction, CodeActionKind, DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag,
    Location, NumberOrString, Range, TextEdit, Url, WorkspaceEdit,
};

use crate::diagnostic::{Diagnostic, Level};

use super::index::NameKind;
use super::workspace::{Analysis, Document};

/// The suggestion of a "did you mean `x`?" help line.
pub fn suggestion(help: &str) -> Option<&str> {
    let rest = help.split("did you mean `").nth(1)?;
    rest.split('`').next().filter(|s| !s.is_empty())
}

fn location(analysis: &Analysis, d: &Diagnostic) -> Option<(Url, Range)> {
    let doc = analysis.named(&d.file)?;
    let url = doc.url.clone()?;
    Some((
        url,
        doc.lines.range(doc.text(), d.offset, d.offset + d.length),
    ))
}

/// A compiler diagnostic as the protocol's, with the document it belongs to: the same
/// code, message, label (as related information at its own place) and help; a "did
/// you mean" suggestion rides in `data`.
pub fn to_lsp(analysis: &Analysis, d: &Diagnostic) -> Option<(Url, lsp_types::Diagnostic)> {
    let (url, range) = location(analysis, d)?;
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let mut related = Vec::new();
    if !d.label.is_empty() && d.label != "here" && !d.message.starts_with(&d.label) {
        related.push(DiagnosticRelatedInformation {
            location: Location::new(url.clone(), range),
            message: d.label.clone(),
        });
    }
    let mut next = d.related.as_deref();
    while let Some(r) = next {
        if let Some((url, range)) = location(analysis, r) {
            let text = if r.label.is_empty() || r.label == "here" {
                r.message.clone()
            } else {
                format!("{}: {}", r.message, r.label)
            };
            related.push(DiagnosticRelatedInformation {
                location: Location::new(url, range),
                message: text,
            });
        }
        next = r.related.as_deref();
    }
    let data = d
        .help
        .as_deref()
        .and_then(suggestion)
        .map(|s| serde_json::json!({ "suggestion": s }));
    Some((
        url,
        lsp_types::Diagnostic {
            range,
            severity: Some(match d.level {
                Level::Error => DiagnosticSeverity::ERROR,
                Level::Warning => DiagnosticSeverity::WARNING,
            }),
            code: Some(NumberOrString::String(d.code.to_string())),
            source: Some(String::from("kzrules")),
            message,
            related_information: (!related.is_empty()).then_some(related),
            tags: (d.code == "kzrules::unused").then(|| vec![DiagnosticTag::UNNECESSARY]),
            data,
            ..lsp_types::Diagnostic::default()
        },
    ))
}

fn edit(url: &Url, edits: Vec<TextEdit>) -> WorkspaceEdit {
    WorkspaceEdit {
        changes: Some(HashMap::from([(url.clone(), edits)])),
        ..WorkspaceEdit::default()
    }
}

fn is_word(s: &str) -> bool {
    !s.is_empty() && !s.contains(|c: char| c.is_whitespace() || c == '"')
}

/// The bytes to replace with a suggestion: the diagnostic's span when it is one word
/// and the suggestion is near it (or nothing nearer), else the word just before the
/// span when the suggestion is near that one (a misspelt keyword the parser read past).
fn replaced(text: &str, d: &Diagnostic, suggestion: &str) -> Option<(usize, usize)> {
    let near = |w: &str| crate::diagnostic::suggest::nearest(w, [suggestion]).is_some();
    let start = d.offset.min(text.len());
    let span = text.get(start..start + d.length).filter(|s| is_word(s));
    let before = text.get(..start).and_then(|b| {
        let trimmed = b.trim_end();
        let word_start = trimmed
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_ascii_alphanumeric() || *c == '_')
            .last()
            .map(|(i, _)| i)?;
        Some((word_start, trimmed.len()))
    });
    let before_near = before.filter(|(s, e)| text.get(*s..*e).is_some_and(near));
    match (span, before_near) {
        (Some(w), _) if near(w) => Some((start, start + d.length)),
        (_, Some(b)) => Some(b),
        (Some(_), None) => Some((start, start + d.length)),
        (None, None) => None,
    }
}

/// The start of the line after the one byte `offset` is on.
fn next_line(text: &str, offset: usize) -> usize {
    text.get(offset..)
        .and_then(|r| r.find('\n'))
        .map_or(text.len(), |i| offset + i + 1)
}

/// `cite SOURCE "..." seed "..."` on its own line after the declaration's opening line
/// and its `title` and `in_force` lines.
fn cite_skeleton(analysis: &Analysis, doc: &Document, d: &Diagnostic) -> Option<TextEdit> {
    let text = doc.text();
    let line_end = next_line(text, d.offset);
    let opening = text.get(d.offset..line_end)?;
    if !opening.contains('{') {
        return None;
    }
    let mut at = line_end;
    loop {
        let line = text.get(at..next_line(text, at)).unwrap_or("");
        let first = line.split_whitespace().next().unwrap_or("");
        if at < text.len() && matches!(first, "title" | "in_force") {
            at = next_line(text, at);
        } else {
            break;
        }
    }
    let sources = analysis.index.names(NameKind::Source);
    let source = sources.first().copied().unwrap_or("SOURCE");
    let position = doc.lines.position(text, at);
    Some(TextEdit::new(
        Range::new(position, position),
        format!("  cite {source} \"art. N para. M\" seed \"SEED_FILE\"\n"),
    ))
}

/// Removes the whole declaration (its lines) an `unused` warning points at.
fn remove_declaration(
    analysis: &Analysis,
    file: u32,
    doc: &Document,
    d: &Diagnostic,
) -> Option<TextEdit> {
    let o = analysis.index.at(file, d.offset)?;
    let decl = o.declaration?;
    let text = doc.text();
    let start = text
        .get(..decl.start as usize)?
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let mut end = next_line(text, decl.end as usize);
    // One blank line after it goes too.
    if text.get(end..).is_some_and(|r| r.starts_with('\n')) {
        end += 1;
    }
    Some(TextEdit::new(
        doc.lines.range(text, start, end),
        String::new(),
    ))
}

/// The quick fixes for the diagnostics of document `file` that touch `range`.
pub fn code_actions(analysis: &Analysis, file: u32, range: Range) -> Vec<CodeAction> {
    let Some(doc) = analysis.of_span(file) else {
        return Vec::new();
    };
    let Some(url) = doc.url.clone() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for d in analysis
        .diagnostics
        .iter()
        .filter(|d| d.file == doc.source.name)
    {
        let Some((_, lsp)) = to_lsp(analysis, d) else {
            continue;
        };
        if lsp.range.end < range.start || range.end < lsp.range.start {
            continue;
        }
        let fix = |title: String, edits: Vec<TextEdit>, preferred: bool| CodeAction {
            title,
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![lsp.clone()]),
            edit: Some(edit(&url, edits)),
            is_preferred: Some(preferred),
            ..CodeAction::default()
        };
        if let Some(s) = d.help.as_deref().and_then(suggestion) {
            if let Some((start, end)) = replaced(doc.text(), d, s) {
                let range = doc.lines.range(doc.text(), start, end);
                out.push(fix(
                    format!("Replace with `{s}`"),
                    vec![TextEdit::new(range, s.to_string())],
                    true,
                ));
            }
        }
        if d.code == "kzrules::no_citation" {
            if let Some(e) = cite_skeleton(analysis, doc, d) {
                out.push(fix(String::from("Insert a `cite` clause"), vec![e], true));
            }
        }
        if d.code == "kzrules::unused" {
            if let Some(e) = remove_declaration(analysis, file, doc, d) {
                out.push(fix(
                    String::from("Remove the unused declaration"),
                    vec![e],
                    false,
                ));
            }
        }
    }
    out
}

/// The edits that give a document the canonical layout (`kzrules fmt`): the changed
/// runs of lines, only those touching `range` when one is given. `None` when the file
/// does not parse.
pub fn format(doc: &Document, range: Option<Range>) -> Option<Vec<TextEdit>> {
    let formatted = crate::tools::fmt::format_file(&doc.source).ok()?;
    let old = doc.text();
    let diff = similar::TextDiff::from_lines(old, formatted.as_str());
    let old_lines = diff.old_slices();
    let new_lines = diff.new_slices();
    let mut starts = Vec::with_capacity(old_lines.len() + 1);
    let mut at = 0usize;
    for l in old_lines {
        starts.push(at);
        at += l.len();
    }
    starts.push(at);
    let mut edits = Vec::new();
    for op in diff.ops() {
        let (tag, old_range, new_range) = op.as_tag_tuple();
        if tag == similar::DiffTag::Equal {
            continue;
        }
        let start = starts.get(old_range.start).copied().unwrap_or(old.len());
        let end = starts.get(old_range.end).copied().unwrap_or(old.len());
        let lsp_range = doc.lines.range(old, start, end);
        if let Some(r) = range {
            let touches = lsp_range.start.line <= r.end.line && r.start.line <= lsp_range.end.line;
            if !touches {
                continue;
            }
        }
        let text: String = new_lines.get(new_range).unwrap_or(&[]).concat();
        edits.push(TextEdit::new(lsp_range, text));
    }
    Some(edits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{SourceFile, Span};

    fn fix_range(text: &str, start: usize, end: usize, help: &str) -> Option<String> {
        let file = SourceFile::new("a.kzr", text);
        let d =
            Diagnostic::error("kzrules::syntax", &file, Span::new(0, start, end), "m").help(help);
        let s = d.help.as_deref().and_then(suggestion)?;
        replaced(text, &d, s).map(|(a, b)| text.get(a..b).unwrap_or("").to_string())
    }

    #[test]
    fn a_suggestion_replaces_the_misspelt_word() {
        let text = "rule a {\n  titel \"Arrival\"\n}\n";
        let at = text.find("titel").unwrap_or(0);
        // The span on the misspelt word itself.
        assert_eq!(
            fix_range(text, at, at + 5, "did you mean `title`?").as_deref(),
            Some("titel")
        );
        // The span on what the parser met after it: the word before is replaced.
        let quote = text.find('"').unwrap_or(0);
        assert_eq!(
            fix_range(text, quote, quote + 9, "did you mean `title`?").as_deref(),
            Some("titel")
        );
        // A date written another way: the span, though it is far from the suggestion.
        let text = "  in_force from 21.01.2012\n";
        let at = text.find("21.").unwrap_or(0);
        assert_eq!(
            fix_range(
                text,
                at,
                at + 10,
                "did you mean `2012-01-21`? Dates are written YYYY-MM-DD"
            )
            .as_deref(),
            Some("21.01.2012")
        );
        assert_eq!(fix_range(text, at, at + 10, "write a date here"), None);
    }
}
