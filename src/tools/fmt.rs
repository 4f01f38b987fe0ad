//! `kzrules fmt`: the one canonical layout of rule files (`*.kzr`).
//!
//! The formatter works on tokens. It lays out again the white space between the words,
//! texts, punctuation and comments of a file and never changes one of them, so that a
//! formatted file means what it meant before. The parse tree only tells it where each
//! statement starts. Before anything is written the result is checked: parsed again it
//! must give the same syntax tree, and lexed again the same tokens and comments; if not,
//! the file is left as it is and an error is reported.
//!
//! The layout, which docs/language.md refers to:
//!
//! - A declaration (`source`, `set`, `parameter`, `penalty`, `rule`, `exempt`, `extend`,
//!   `fee`, `event`, `document`, `purpose`, `verb`) starts a line at column 0. The `{` of a block ends the declaration's first line; its
//!   `}` stands alone on a line, at the declaration's indentation.
//! - Each clause of a block (`title`, `in_force`, `cite`, `members`, `value`, `bearer`,
//!   `action`, `on`, `when`, `unless`, `penalty`, `finding`, `role`, `fields`,
//!   `fulfilled_by`, a duty, a penalty branch)
//!   starts a line, indented two spaces per brace level.
//! - An `unless` that the file starts a line with starts a line as a clause of its
//!   block, also when the grammar reads it as part of the duty before it: written on a
//!   duty or apart, an exception takes the whole rule away (docs/language.md), and a
//!   blank line or a comment the analyst put before it stays. An `unless` written on the
//!   duty's line (`notify within 3 business_days of entry unless holder_of
//!   residence_permit`) stays on the duty's first line when it fits there and no
//!   `because` or `cite` comes before it on that line; otherwise it starts a line as a
//!   clause of the block too. Where an `unless` starts a line is the one choice of the
//!   analyst the layout keeps.
//! - A statement (a declaration without its block, or a clause) is written on one line
//!   when it fits in 100 columns. Otherwise it breaks before the parts that start with
//!   `when`, `unless`, `because`, `cite`, `at_entry`, `while` or `or_later` inside it:
//!   each such part stays on the line when it still fits there and starts a new line
//!   when it does not (for `unless`, see
//!   above). A part too long for a line of its own breaks after its commas (the same
//!   way), which wraps long lists of countries. A statement with no such place to break
//!   stays on one long line.
//! - Continuation lines (every line of a statement after its first) are indented two
//!   spaces more than their statement. Because the parse decides where a statement
//!   starts, the indentation shows what a clause belongs to: a `cite` or `when` indented
//!   under a duty or an `unless` is part of it.
//! - Tokens are separated by one space, except none before `,`, `:`, `)` and the `}` of a
//!   set written inside a condition (`{C3, B2}`), and none after `(` and that set's `{`.
//! - Comments are kept as they are, without trailing white space. A comment written after
//!   code stays at the end of the line that holds that code, one space after it, and the
//!   code after it starts a new line. A comment on a line of its own stays on a line of
//!   its own, indented like the code line that follows it (like the block's clauses when
//!   `}` follows, and as a continuation line inside a statement).
//! - Blank lines between statements and own-line comments are kept, a run of them
//!   collapsed to one; there is none at the start of the file, right after `{`, right
//!   before `}`, or inside a statement.
//! - Lines end with `\n` and no trailing white space; a file that holds anything ends
//!   with one newline.
//!
//! `kzrules fmt [PATHS] [--check]` formats the `*.kzr` files of the folders and the files
//! named (default `rules`), rewriting each changed file in place (the same file, so that
//! hard links stay one file and its owner and mode stay as they are) once the new text
//! is known to parse to the same tree, and lists the files changed; `--check` changes
//! nothing, lists the files that are not formatted and exits 1 if there is one. A file
//! that cannot be read, does not parse or is read-only is left as it is, its problem is
//! reported, and the exit code is 2.

use std::collections::BTreeMap;
use std::io::{Seek, Write};
use std::path::{Path, PathBuf};

use pest::Parser as _;

use crate::compile::RULE_EXTENSION;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::rules::LoadError;
use crate::source::SourceFile;

/// The column a statement is kept within when it has places to break.
pub const MAX_WIDTH: usize = 100;

/// The spaces of one level of indentation.
const INDENT: usize = 2;

/// The keywords that start a part of a statement, before which a long statement breaks.
const CLAUSE_KEYWORDS: [&str; 7] = [
    "when", "unless", "because", "cite", "at_entry", "while", "or_later",
];

/// A parser of the same grammar as [`crate::syntax`], kept apart so that the formatter
/// can read the parse tree's statement boundaries without going through the AST.
mod grammar {
    #[derive(pest_derive::Parser)]
    #[grammar = "../grammar/kzrules.pest"]
    pub(super) struct LayoutParser;
}

use grammar::{LayoutParser, Rule};

/// What a token of the text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A keyword, name, number, date or code.
    Word,
    /// A text in double quotes, escapes and all.
    Text,
    /// One of `{ } ( ) , :`.
    Punct,
    /// A comment, from `#` to the end of the line, trailing white space removed.
    Comment,
}

/// What a token does in the layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// It continues the statement before it.
    Continue,
    /// It starts a statement at this brace depth.
    Start(usize),
    /// It is the `{` of a block.
    Open,
    /// It is the `}` of a block at this depth.
    Close(usize),
}

/// One token or comment with what stands before it.
#[derive(Debug, Clone, Copy)]
struct Token<'a> {
    kind: Kind,
    text: &'a str,
    start: usize,
    /// How many line breaks separate it from the token before.
    newlines_before: usize,
    role: Role,
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

fn is_punct(c: char) -> bool {
    matches!(c, '{' | '}' | '(' | ')' | ',' | ':')
}

/// Split a text into tokens and comments, the way the grammar sees them.
fn lex(text: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut newlines = 0;
    while let Some(&(start, c)) = chars.peek() {
        if is_space(c) {
            if c == '\n' {
                newlines += 1;
            }
            chars.next();
            continue;
        }
        let (kind, end) = if c == '#' {
            // A comment runs to the end of the line; the line break is white space.
            let mut end = text.len();
            while let Some(&(i, d)) = chars.peek() {
                if d == '\n' {
                    end = i;
                    break;
                }
                chars.next();
            }
            (Kind::Comment, end)
        } else if c == '"' {
            chars.next();
            let mut end = text.len();
            let mut escaped = false;
            for (i, d) in chars.by_ref() {
                if escaped {
                    escaped = false;
                } else if d == '\\' {
                    escaped = true;
                } else if d == '"' {
                    end = i + 1;
                    break;
                }
            }
            (Kind::Text, end)
        } else if is_punct(c) {
            chars.next();
            (Kind::Punct, start + c.len_utf8())
        } else {
            let mut end = text.len();
            while let Some(&(i, d)) = chars.peek() {
                if is_space(d) || is_punct(d) || d == '"' || d == '#' {
                    end = i;
                    break;
                }
                chars.next();
            }
            (Kind::Word, end)
        };
        let raw = text.get(start..end).unwrap_or("");
        let token_text = if kind == Kind::Comment {
            raw.trim_end()
        } else {
            raw
        };
        tokens.push(Token {
            kind,
            text: token_text,
            start,
            newlines_before: newlines,
            role: Role::Continue,
        });
        newlines = 0;
    }
    tokens
}

/// Where statements start and blocks open and close, by byte offset, from the parse
/// tree; `None` when the text does not parse.
fn statement_roles(text: &str) -> Option<(BTreeMap<usize, Role>, Vec<usize>)> {
    let files = LayoutParser::parse(Rule::file, text).ok()?;
    let mut roles = BTreeMap::new();
    // For each block, the offset after which its `{` comes (the end of its name).
    let mut opens = Vec::new();
    // Whether only white space stands between the start of its line and `offset`.
    let starts_line = |offset: usize| {
        let before = text.get(..offset).unwrap_or("");
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        before
            .get(line_start..)
            .is_some_and(|s| s.trim().is_empty())
    };
    for file in files {
        for item in file.into_inner() {
            if item.as_rule() == Rule::EOI {
                continue;
            }
            let depth = 0;
            let span = item.as_span();
            roles.insert(span.start(), Role::Start(depth));
            if matches!(
                item.as_rule(),
                Rule::set_decl
                    | Rule::parameter_decl
                    | Rule::penalty_decl
                    | Rule::rule_decl
                    | Rule::fee_decl
                    | Rule::event_decl
                    | Rule::document_decl
                    | Rule::purpose_decl
                    | Rule::verb_decl
            ) {
                let mut inner = item.into_inner();
                if let Some(name) = inner.next() {
                    opens.push(name.as_span().end());
                }
                for clause in inner {
                    roles.insert(clause.as_span().start(), Role::Start(depth + 1));
                    // An `unless` of a duty that starts a line is laid out as a clause
                    // of the block: it is an exception of the whole rule all the same.
                    if clause.as_rule() == Rule::duty {
                        for part in clause.into_inner() {
                            let start = part.as_span().start();
                            if part.as_rule() == Rule::unless_clause && starts_line(start) {
                                roles.insert(start, Role::Start(depth + 1));
                            }
                        }
                    }
                }
                roles.insert(span.end().saturating_sub(1), Role::Close(depth));
            }
        }
    }
    Some((roles, opens))
}

/// The text's tokens with their layout roles; `None` when the parse tree's boundaries do
/// not fall on tokens (which would be a bug of the lexer).
fn tokens_with_roles(text: &str) -> Option<Vec<Token<'_>>> {
    let (roles, opens) = statement_roles(text)?;
    let mut tokens = lex(text);
    let mut matched = 0;
    for token in tokens.iter_mut() {
        if token.kind == Kind::Comment {
            continue;
        }
        if let Some(role) = roles.get(&token.start) {
            token.role = *role;
            matched += 1;
        }
    }
    for open in opens {
        let brace = tokens
            .iter_mut()
            .find(|t| t.start >= open && t.kind == Kind::Punct && t.text == "{")?;
        brace.role = Role::Open;
    }
    (matched == roles.len()).then_some(tokens)
}

/// Whether a token is a clause keyword before which a long statement breaks.
fn is_clause_keyword(token: &Token<'_>) -> bool {
    token.kind == Kind::Word
        && token.role == Role::Continue
        && CLAUSE_KEYWORDS.contains(&token.text)
}

/// Whether a brace is part of a condition's set (`{C3, B2}`) rather than a block.
fn is_inline_brace(token: &Token<'_>, brace: &str) -> bool {
    token.kind == Kind::Punct && token.text == brace && token.role == Role::Continue
}

/// The separator between two tokens on one line: one space or nothing.
fn separator(before: &Token<'_>, after: &Token<'_>) -> &'static str {
    let tight_after = after.kind == Kind::Punct
        && (matches!(after.text, "," | ":" | ")") || is_inline_brace(after, "}"));
    let tight_before =
        before.kind == Kind::Punct && (before.text == "(" || is_inline_brace(before, "{"));
    if tight_after || tight_before {
        ""
    } else {
        " "
    }
}

fn width(text: &str) -> usize {
    text.chars().count()
}

/// The width of the part of a statement that starts at `index`: up to the next clause
/// keyword, comment or statement, or (with `to_comma`) up to and with the next comma.
fn part_width(tokens: &[Token<'_>], index: usize, to_comma: bool) -> usize {
    let Some(first) = tokens.get(index) else {
        return 0;
    };
    let mut total = width(first.text);
    let mut previous = first;
    for token in tokens.iter().skip(index + 1) {
        if token.kind == Kind::Comment || token.role != Role::Continue || is_clause_keyword(token) {
            break;
        }
        total += width(separator(previous, token)) + width(token.text);
        if to_comma && token.kind == Kind::Punct && token.text == "," {
            break;
        }
        previous = token;
    }
    total
}

/// Lay the tokens out in the canonical layout.
fn layout(tokens: &[Token<'_>]) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut line: Option<String> = None;
    // The indentation of the statement being written, and whether a line of the
    // statement has been started.
    let mut statement_indent = 0;
    // The previous code token, for separators.
    let mut previous: Option<&Token<'_>> = None;
    // The next code token must start a line (after a comment, `{` or `}`).
    let mut force_break = false;
    // The last line written is the first line of a block (ends with `{`).
    let mut after_open = false;
    // The line being written is the first line of its statement, and it holds a
    // `because` or a `cite` (after which an `unless` does not join it).
    let mut first_line = false;
    let mut line_has_reason = false;

    let flush = |lines: &mut Vec<String>, line: &mut Option<String>| {
        if let Some(text) = line.take() {
            lines.push(text);
        }
    };
    let start_line = |lines: &mut Vec<String>,
                      line: &mut Option<String>,
                      indent: usize,
                      blank: bool,
                      text: &str| {
        if let Some(done) = line.take() {
            lines.push(done);
        }
        if blank && !lines.is_empty() {
            lines.push(String::new());
        }
        *line = Some(format!("{}{}", " ".repeat(indent), text));
    };

    for (index, token) in tokens.iter().enumerate() {
        if token.kind == Kind::Comment {
            let trailing = token.newlines_before == 0 && line.is_some();
            if trailing {
                if let Some(text) = line.as_mut() {
                    text.push(' ');
                    text.push_str(token.text);
                }
            } else {
                // Indented like the code line that follows.
                let next = tokens
                    .iter()
                    .skip(index + 1)
                    .find(|t| t.kind != Kind::Comment)
                    .map(|t| t.role);
                let (indent, inside_statement) = match next {
                    Some(Role::Start(depth)) => (depth * INDENT, false),
                    Some(Role::Close(depth)) => ((depth + 1) * INDENT, false),
                    Some(Role::Continue | Role::Open) => (statement_indent + INDENT, true),
                    None => (0, false),
                };
                let blank = token.newlines_before >= 2 && !after_open && !inside_statement;
                start_line(&mut lines, &mut line, indent, blank, token.text);
                flush(&mut lines, &mut line);
                after_open = false;
            }
            force_break = true;
            continue;
        }
        match token.role {
            Role::Start(depth) => {
                statement_indent = depth * INDENT;
                let blank = token.newlines_before >= 2 && !after_open;
                start_line(&mut lines, &mut line, statement_indent, blank, token.text);
                after_open = false;
                force_break = false;
                first_line = true;
                line_has_reason = false;
            }
            Role::Close(depth) => {
                statement_indent = depth * INDENT;
                start_line(&mut lines, &mut line, statement_indent, false, token.text);
                after_open = false;
                force_break = true;
            }
            Role::Open | Role::Continue => {
                let is_unless = is_clause_keyword(token) && token.text == "unless";
                let breaks = if force_break || line.is_none() {
                    true
                } else if token.role == Role::Open {
                    false
                } else {
                    let current = line.as_deref().map_or(0, width);
                    let sep = previous.map_or(0, |p| width(separator(p, token)));
                    if is_clause_keyword(token) {
                        (is_unless && (!first_line || line_has_reason))
                            || current + sep + part_width(tokens, index, false) > MAX_WIDTH
                    } else if previous.is_some_and(|p| p.kind == Kind::Punct && p.text == ",") {
                        current + sep + part_width(tokens, index, true) > MAX_WIDTH
                    } else {
                        false
                    }
                };
                if breaks {
                    // An `unless` that cannot stay on its duty's first line starts a
                    // line as a clause of the block, as if the file started one with it
                    // (so that formatting the result again changes nothing).
                    let indent = if is_unless {
                        statement_indent
                    } else {
                        statement_indent + INDENT
                    };
                    start_line(&mut lines, &mut line, indent, false, token.text);
                    after_open = false;
                    first_line = is_unless;
                    line_has_reason = false;
                } else if let Some(text) = line.as_mut() {
                    if let Some(p) = previous {
                        text.push_str(separator(p, token));
                    }
                    text.push_str(token.text);
                }
                if is_clause_keyword(token) && matches!(token.text, "because" | "cite") {
                    line_has_reason = true;
                }
                force_break = token.role == Role::Open;
                if token.role == Role::Open {
                    after_open = true;
                }
            }
        }
        previous = Some(token);
    }
    flush(&mut lines, &mut line);
    let mut out = String::new();
    for text in &lines {
        out.push_str(text.trim_end());
        out.push('\n');
    }
    out
}

/// An error of the formatter itself: the result would not mean what the file means.
fn internal_error(source: &SourceFile, what: &str) -> Diagnostic {
    Diagnostic::without_place(
        "kzrules::fmt",
        source.name.clone(),
        format!("cannot format `{}`: {what}", source.name),
    )
    .help("the file was left as it is; this is a bug of `kzrules fmt`, please report it with the file")
}

/// A syntax tree's structure without its places: its debug form with every span erased.
///
/// The AST's `Spanned` values ignore their spans in comparisons, but some nodes
/// (citations, branches, exceptions, ...) keep a span as a plain field, which `==` compares.
pub fn tree_without_spans(tree: &crate::syntax::ast::File) -> String {
    crate::source::debug_without_spans(tree)
}

fn same_tree(a: &crate::syntax::ast::File, b: &crate::syntax::ast::File) -> bool {
    a == b || tree_without_spans(a) == tree_without_spans(b)
}

/// Format one rule file. A file that does not parse is refused with its syntax errors.
pub fn format_file(source: &SourceFile) -> Result<String, Vec<Diagnostic>> {
    let tree = crate::syntax::parse(0, source)?;
    // A byte-order mark (old Windows editors) is read as white space and dropped: the
    // canonical layout is plain UTF-8.
    let (text, _) = crate::source::strip_bom(&source.text);
    let Some(tokens) = tokens_with_roles(text) else {
        return Err(vec![internal_error(
            source,
            "the statements do not fall on whole tokens",
        )]);
    };
    let formatted = layout(&tokens);
    // Formatting must never change meaning: same tokens, same comments, same tree.
    let same_tokens = lex(&formatted)
        .iter()
        .map(|t| (t.kind, t.text))
        .eq(tokens.iter().map(|t| (t.kind, t.text)));
    let again = SourceFile::new(source.name.clone(), formatted.as_str());
    let same_tree = crate::syntax::parse(0, &again).is_ok_and(|t| same_tree(&t, &tree));
    if !same_tokens || !same_tree {
        return Err(vec![internal_error(
            source,
            "the layout would change its tokens or its meaning",
        )]);
    }
    Ok(formatted)
}

/// Format the text of a rule file (named `input` in diagnostics). A text that does not
/// parse is refused with its syntax errors.
pub fn format_source(text: &str) -> Result<String, Vec<Diagnostic>> {
    format_file(&SourceFile::new("input", text))
}

/// Why the rule files named could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum PathsError {
    /// A folder could not be read.
    #[error("cannot read `{}`: {error}", path.display())]
    Read {
        /// The folder.
        path: PathBuf,
        /// What the system said.
        error: std::io::Error,
    },
    /// A folder holds no rule file.
    #[error("`{}` has no rule files (`*.{RULE_EXTENSION}`)", path.display())]
    NoRuleFiles {
        /// The folder.
        path: PathBuf,
    },
    /// A file named is not a rule file.
    #[error("`{}` is not a rule file (`*.{RULE_EXTENSION}`)", path.display())]
    NotARuleFile {
        /// The file.
        path: PathBuf,
    },
    /// Nothing is at the path.
    #[error("cannot read `{}`: no such file or folder", path.display())]
    Missing {
        /// The path.
        path: PathBuf,
    },
}

/// The rule files named by the paths: a folder means its `*.kzr` files (not those of its
/// subfolders), in name order.
fn rule_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, PathsError> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let read_error = |error| PathsError::Read {
                path: path.clone(),
                error,
            };
            let mut found = Vec::new();
            for entry in std::fs::read_dir(path).map_err(read_error)? {
                let p = entry.map_err(read_error)?.path();
                if p.is_file() && p.extension().is_some_and(|e| e == RULE_EXTENSION) {
                    found.push(p);
                }
            }
            if found.is_empty() {
                return Err(PathsError::NoRuleFiles { path: path.clone() });
            }
            found.sort();
            files.extend(found);
        } else if path.is_file() {
            if path.extension().is_none_or(|e| e != RULE_EXTENSION) {
                return Err(PathsError::NotARuleFile { path: path.clone() });
            }
            files.push(path.clone());
        } else {
            return Err(PathsError::Missing { path: path.clone() });
        }
    }
    Ok(files)
}

/// Replace a file's text in place: the same file (inode) is written from its start and
/// cut to the new length, so that hard links and symbolic links keep pointing at the one
/// file. When writing fails part way, the old text is written back as far as possible.
fn write_in_place(path: &Path, old: &str, text: &str) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new().write(true).open(path)?;
    let mut replace = |text: &str| -> std::io::Result<()> {
        file.seek(std::io::SeekFrom::Start(0))?;
        file.write_all(text.as_bytes())?;
        file.set_len(text.len() as u64)?;
        file.sync_all()
    };
    if let Err(e) = replace(text) {
        let _ = replace(old);
        return Err(e);
    }
    Ok(())
}

/// Whether a file's permissions allow no one to write it.
fn read_only(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.permissions().readonly())
}

/// What became of one rule file.
#[derive(Debug)]
pub enum FileOutcome {
    /// It was formatted already.
    Unchanged,
    /// It was not formatted: it was rewritten, or with `check` it would be.
    Changed,
    /// It was left as it is: it cannot be read, does not parse, is read-only, or cannot
    /// be written.
    Failed(FileProblem),
}

/// Why a rule file was left as it is.
#[derive(Debug)]
pub enum FileProblem {
    /// It cannot be read.
    Read(LoadError),
    /// It does not parse, or its formatted text would not mean the same.
    Format(Diagnostics),
    /// It is not formatted, but read-only: it is not written.
    ReadOnly,
    /// The formatted text cannot be written.
    Write(std::io::Error),
}

/// One rule file and what became of it.
#[derive(Debug)]
pub struct FileReport {
    /// The file.
    pub path: PathBuf,
    /// What became of it.
    pub outcome: FileOutcome,
}

/// What `kzrules fmt` did: every rule file named, in order.
#[derive(Debug)]
pub struct FmtReport {
    /// Whether files were only checked, not written.
    pub check: bool,
    /// Each file, in the order they were named.
    pub files: Vec<FileReport>,
}

impl FmtReport {
    /// How many files were not formatted (rewritten, or listed by `check`).
    pub fn changed(&self) -> usize {
        self.files
            .iter()
            .filter(|f| matches!(f.outcome, FileOutcome::Changed))
            .count()
    }

    /// Whether a file was left as it is because of a problem.
    pub fn failed(&self) -> bool {
        self.files
            .iter()
            .any(|f| matches!(f.outcome, FileOutcome::Failed(_)))
    }

    /// With `check`, the line that says how many files are not formatted; `None` when
    /// every file is.
    pub fn check_summary(&self) -> Option<String> {
        let listed = self.changed();
        if !self.check || listed == 0 {
            return None;
        }
        let total = self.files.len();
        Some(format!(
            "{listed} of {total} rule file{} not formatted: run `kzrules fmt` to format {}",
            if total == 1 { " is" } else { "s are" },
            if listed == 1 { "it" } else { "them" }
        ))
    }
}

/// Format one rule file: in place, or with `check` only compare.
fn format_one(path: &Path, check: bool) -> FileOutcome {
    let source = match crate::load::rules::read_rule_file(path) {
        Ok(source) => source,
        Err(e) => return FileOutcome::Failed(FileProblem::Read(e)),
    };
    let formatted = match format_file(&source) {
        Ok(formatted) => formatted,
        Err(list) => return FileOutcome::Failed(FileProblem::Format(Diagnostics { list })),
    };
    if formatted == *source.text {
        return FileOutcome::Unchanged;
    }
    if !check {
        if read_only(path) {
            return FileOutcome::Failed(FileProblem::ReadOnly);
        }
        if let Err(e) = write_in_place(path, &source.text, &formatted) {
            return FileOutcome::Failed(FileProblem::Write(e));
        }
    }
    FileOutcome::Changed
}

/// Format the rule files of `paths` (default `rules`) in place; with `check`, change
/// nothing and only find the files that are not formatted. A file that cannot be read,
/// does not parse or cannot be written is left as it is, and the others are formatted.
pub fn format_paths(paths: &[PathBuf], check: bool) -> Result<FmtReport, PathsError> {
    let default = [PathBuf::from("rules")];
    let roots = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let files = rule_files(roots)?
        .into_iter()
        .map(|path| {
            let outcome = format_one(&path, check);
            FileReport { path, outcome }
        })
        .collect();
    Ok(FmtReport { check, files })
}
