//! Case inputs: case files, folders of them, and JSON Lines (standard input, `-`, or a
//! `.jsonl` file), read with the size limit of docs/contract.md. An input that cannot be
//! read as text is a value ([`ReadError`]) for the report, not the end of a batch.

use std::io::BufRead;
use std::path::{Path, PathBuf};

use crate::case::MAX_INPUT_BYTES;
use crate::report::FailureDetail;

/// How deep below a folder named on the command line case files are looked for.
pub const MAX_FOLDER_DEPTH: usize = 32;

/// Where cases come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// One case file.
    File(PathBuf),
    /// JSON Lines, one case a line: standard input (`None`) or a `.jsonl` file.
    Lines(Option<PathBuf>),
}

/// Why the case files below a folder could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum FolderError {
    /// Folders inside folders, deeper than [`MAX_FOLDER_DEPTH`].
    #[error("`{}`: folders nested more than {MAX_FOLDER_DEPTH} deep", path.display())]
    TooDeep {
        /// The folder too deep.
        path: PathBuf,
    },
    /// A folder could not be read.
    #[error("cannot read `{}`: {error}", path.display())]
    Read {
        /// The folder.
        path: PathBuf,
        /// What the system said.
        error: std::io::Error,
    },
}

/// The inputs named on the command line: a folder becomes its `*.json` files (sorted,
/// subfolders too), `-` standard input, a `.jsonl` file JSON Lines, anything else a
/// case file.
pub fn inputs(named: &[PathBuf]) -> Result<Vec<Input>, FolderError> {
    let mut out = Vec::new();
    for input in named {
        if input.as_os_str() == "-" {
            out.push(Input::Lines(None));
        } else if input.is_dir() {
            out.extend(json_files(input)?.into_iter().map(Input::File));
        } else if input.extension().is_some_and(|e| e == "jsonl") {
            out.push(Input::Lines(Some(input.clone())));
        } else {
            out.push(Input::File(input.clone()));
        }
    }
    Ok(out)
}

/// The case files named on the command line: files as given, a folder's `*.json` files
/// (sorted, subfolders too).
pub fn case_files(named: &[PathBuf]) -> Result<Vec<PathBuf>, FolderError> {
    let mut out = Vec::new();
    for input in named {
        if input.is_dir() {
            out.extend(json_files(input)?);
        } else {
            out.push(input.clone());
        }
    }
    Ok(out)
}

/// Every `*.json` file below a folder (subfolders too, at most [`MAX_FOLDER_DEPTH`]
/// deep), sorted.
pub fn json_files(dir: &Path) -> Result<Vec<PathBuf>, FolderError> {
    let mut files = Vec::new();
    collect_json(dir, &mut files, 0)?;
    files.sort();
    Ok(files)
}

fn collect_json(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) -> Result<(), FolderError> {
    if depth > MAX_FOLDER_DEPTH {
        return Err(FolderError::TooDeep {
            path: dir.to_path_buf(),
        });
    }
    let read_error = |error| FolderError::Read {
        path: dir.to_path_buf(),
        error,
    };
    for entry in std::fs::read_dir(dir).map_err(read_error)? {
        let path = entry.map_err(read_error)?.path();
        if path.is_dir() {
            collect_json(&path, out, depth + 1)?;
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
    Ok(())
}

/// Why a case input could not be read as text.
#[derive(Debug)]
pub enum ReadError {
    /// A case file could not be read.
    File(std::io::Error),
    /// A case file is larger than [`MAX_INPUT_BYTES`]: its size.
    FileTooLarge(u64),
    /// A case file is not UTF-8: the offset of its first bad byte.
    FileEncoding(usize),
    /// A line of JSON Lines could not be read.
    Line(std::io::Error),
    /// A line is longer than [`MAX_INPUT_BYTES`]: its length, read through to its end.
    LineTooLong(usize),
    /// A line is not UTF-8: the offset of its first bad byte.
    LineEncoding(usize),
}

impl ReadError {
    /// The stable code (docs/errors.md).
    pub fn code(&self) -> &'static str {
        match self {
            ReadError::File(_) | ReadError::Line(_) => "kzrules::case::read",
            ReadError::FileTooLarge(_) | ReadError::LineTooLong(_) => "kzrules::case::limit",
            ReadError::FileEncoding(_) | ReadError::LineEncoding(_) => "kzrules::case::encoding",
        }
    }

    /// How to fix it, where there is something to say.
    pub fn help(&self) -> Option<&'static str> {
        match self {
            ReadError::File(_) => Some("check the path"),
            ReadError::FileTooLarge(_) | ReadError::LineTooLong(_) => {
                Some("split it into several cases")
            }
            ReadError::FileEncoding(_) => Some("save the case as UTF-8 JSON"),
            ReadError::Line(_) => None,
            ReadError::LineEncoding(_) => Some("write JSON Lines in UTF-8"),
        }
    }
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::File(e) => write!(f, "cannot read the case: {e}"),
            ReadError::FileTooLarge(size) => {
                write!(f, "the case is {size} bytes, more than {MAX_INPUT_BYTES}")
            }
            ReadError::FileEncoding(offset) => write!(
                f,
                "the case is not UTF-8 text (invalid byte at offset {offset})"
            ),
            ReadError::Line(e) => write!(f, "cannot read the line: {e}"),
            ReadError::LineTooLong(length) => write!(
                f,
                "the line is more than {MAX_INPUT_BYTES} bytes long ({length} bytes read)"
            ),
            ReadError::LineEncoding(offset) => write!(
                f,
                "the line is not UTF-8 text (invalid byte at offset {offset})"
            ),
        }
    }
}

impl std::error::Error for ReadError {}

/// One case's text, or why it could not be read, and where it came from.
#[derive(Debug)]
pub struct CaseText {
    /// A file path, or `NAME line N` for JSON Lines.
    pub input: String,
    /// The text.
    pub text: Result<String, ReadError>,
}

/// Read one case file, refusing one over [`MAX_INPUT_BYTES`] before reading it.
pub fn read_case_file(path: &Path) -> CaseText {
    let input = path.display().to_string();
    let text = match std::fs::metadata(path) {
        Err(e) => Err(ReadError::File(e)),
        Ok(m) if m.len() > MAX_INPUT_BYTES as u64 => Err(ReadError::FileTooLarge(m.len())),
        Ok(_) => match std::fs::read(path) {
            Err(e) => Err(ReadError::File(e)),
            Ok(bytes) => String::from_utf8(bytes)
                .map_err(|e| ReadError::FileEncoding(e.utf8_error().valid_up_to())),
        },
    };
    CaseText { input, text }
}

/// The cases of JSON Lines, one a line, named `NAME line N`; blank lines are skipped. A
/// line is held in memory only up to [`MAX_INPUT_BYTES`]: a longer one is read through
/// to its end and given as [`ReadError::LineTooLong`].
pub struct CaseLines<R> {
    reader: R,
    name: String,
    number: usize,
}

impl<R: BufRead> CaseLines<R> {
    /// The cases of `reader`, named after `name` (`stdin`, or the file's path).
    pub fn new(reader: R, name: &str) -> Self {
        CaseLines {
            reader,
            name: name.to_string(),
            number: 0,
        }
    }
}

impl<R: BufRead> Iterator for CaseLines<R> {
    type Item = CaseText;

    fn next(&mut self) -> Option<CaseText> {
        loop {
            let line = match read_bounded_line(&mut self.reader) {
                Ok(None) => return None,
                Ok(Some(line)) => line,
                Err(e) => Line::Failed(e),
            };
            self.number += 1;
            let input = format!("{} line {}", self.name, self.number);
            let text = match line {
                Line::TooLong(length) => Err(ReadError::LineTooLong(length)),
                Line::Failed(e) => Err(ReadError::Line(e)),
                Line::Text(bytes) => {
                    if bytes.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    String::from_utf8(bytes)
                        .map_err(|e| ReadError::LineEncoding(e.utf8_error().valid_up_to()))
                }
            };
            return Some(CaseText { input, text });
        }
    }
}

/// One line of JSON Lines input.
enum Line {
    /// The line, without its newline.
    Text(Vec<u8>),
    /// A line longer than a case may be: its length (it was skipped, not kept).
    TooLong(usize),
    /// The input could not be read.
    Failed(std::io::Error),
}

/// Read one line, keeping at most [`MAX_INPUT_BYTES`] of it in memory: a longer line
/// is read through to its end and reported by its length. `None` at the end of input.
fn read_bounded_line(reader: &mut dyn BufRead) -> std::io::Result<Option<Line>> {
    let mut line = Vec::new();
    let mut length = 0usize;
    let mut too_long = false;
    loop {
        let available = reader.fill_buf()?;
        if available.is_empty() {
            if length == 0 {
                return Ok(None);
            }
            break;
        }
        let (piece, found_newline) = match available.iter().position(|b| *b == b'\n') {
            Some(i) => (available.get(..i).unwrap_or(&[]), true),
            None => (available, false),
        };
        length += piece.len();
        if !too_long {
            if length > MAX_INPUT_BYTES {
                too_long = true;
                line = Vec::new();
            } else {
                line.extend_from_slice(piece);
            }
        }
        let consumed = piece.len() + usize::from(found_newline);
        reader.consume(consumed);
        if found_newline {
            length += 1;
            break;
        }
    }
    Ok(Some(if too_long {
        Line::TooLong(length)
    } else {
        Line::Text(line)
    }))
}

/// A read error as a batch reports it: its code, the message and the fix.
impl From<&ReadError> for FailureDetail {
    fn from(error: &ReadError) -> Self {
        FailureDetail {
            code: error.code().to_string(),
            path: String::new(),
            line: None,
            column: None,
            message: error.to_string(),
            help: error.help().map(String::from),
        }
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

    #[test]
    fn lines_are_numbered_and_blank_lines_skipped() {
        let input: &[u8] = b"{\"a\": 1}\n\n  \n\xff\n{\"b\": 2}";
        let cases: Vec<CaseText> = CaseLines::new(input, "stdin").collect();
        let inputs: Vec<&str> = cases.iter().map(|c| c.input.as_str()).collect();
        assert_eq!(inputs, ["stdin line 1", "stdin line 4", "stdin line 5"]);
        assert_eq!(cases[0].text.as_deref().unwrap(), "{\"a\": 1}");
        let bad = cases[1].text.as_ref().unwrap_err();
        assert_eq!(bad.code(), "kzrules::case::encoding");
        assert_eq!(
            bad.to_string(),
            "the line is not UTF-8 text (invalid byte at offset 0)"
        );
        assert_eq!(cases[2].text.as_deref().unwrap(), "{\"b\": 2}");
    }

    #[test]
    fn a_missing_file_is_a_read_error() {
        let case = read_case_file(Path::new("no/such/case.json"));
        assert_eq!(case.input, "no/such/case.json");
        let err = case.text.unwrap_err();
        assert_eq!(err.code(), "kzrules::case::read");
        assert_eq!(err.help(), Some("check the path"));
    }
}
