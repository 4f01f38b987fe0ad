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
#[derive(Debug)]
pub enum Input {
    /// One case file.
    File(PathBuf),
    /// JSON Lines, one case a line: standard input (`None`) or a `.jsonl` file.
    Lines(Option<PathBuf>),
    /// A place below a folder that could not be walked: it is reported where it
    /// stands, as a case that could not be read, and the rest is checked.
    Failed(FolderError),
}

/// Why a place below a folder could not be walked for case files.
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
    /// A symbolic link leads back into a folder that holds it (or to itself).
    #[error("`{}` is a symbolic link loop: it leads back to `{}`", path.display(), target.display())]
    Loop {
        /// The link.
        path: PathBuf,
        /// Where it leads: a folder it is inside, or itself.
        target: PathBuf,
    },
}

impl FolderError {
    /// The place: the folder or the link.
    pub fn path(&self) -> &Path {
        match self {
            FolderError::TooDeep { path }
            | FolderError::Read { path, .. }
            | FolderError::Loop { path, .. } => path,
        }
    }

    /// The stable code (docs/errors.md).
    pub fn code(&self) -> &'static str {
        match self {
            FolderError::TooDeep { .. } => "kzrules::folder::too_deep",
            FolderError::Read { .. } => "kzrules::folder::read",
            FolderError::Loop { .. } => "kzrules::folder::loop",
        }
    }

    /// How to fix it.
    pub fn help(&self) -> &'static str {
        match self {
            FolderError::TooDeep { .. } => {
                "name the deeper folder on the command line, or flatten the folders"
            }
            FolderError::Read { .. } => "check the folder's permissions",
            FolderError::Loop { .. } => "remove the link, or point it outside the folders it is in",
        }
    }
}

/// A file below a folder that is named like a case file but is not a regular file (a
/// FIFO, a socket, a device): it is not opened, and the walk goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The file.
    pub path: PathBuf,
    /// What it is, e.g. `a FIFO`.
    pub kind: &'static str,
}

impl std::fmt::Display for Skipped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "`{}` is {}, not a case file: skipped",
            self.path.display(),
            self.kind
        )
    }
}

/// What the inputs named on the command line hold, and what was passed over.
#[derive(Debug)]
pub struct Listing<T> {
    /// The inputs, in order.
    pub found: Vec<T>,
    /// The files named like case files that were not read.
    pub skipped: Vec<Skipped>,
}

/// The inputs named on the command line: a folder becomes its `*.json` files (sorted,
/// subfolders too, with a place that cannot be walked as [`Input::Failed`]), `-`
/// standard input, a `.jsonl` file JSON Lines, anything else a case file.
pub fn inputs(named: &[PathBuf]) -> Listing<Input> {
    let mut found = Vec::new();
    let mut skipped = Vec::new();
    for input in named {
        if input.as_os_str() == "-" {
            found.push(Input::Lines(None));
        } else if input.is_dir() {
            let listing = json_files(input);
            skipped.extend(listing.skipped);
            found.extend(listing.found.into_iter().map(|entry| match entry {
                Ok(path) => Input::File(path),
                Err(error) => Input::Failed(error),
            }));
        } else if input.extension().is_some_and(|e| e == "jsonl") {
            found.push(Input::Lines(Some(input.clone())));
        } else {
            found.push(Input::File(input.clone()));
        }
    }
    Listing { found, skipped }
}

/// The case files named on the command line: files as given, a folder's `*.json` files
/// (sorted, subfolders too), each place that could not be walked where it stands.
pub fn case_files(named: &[PathBuf]) -> Listing<Result<PathBuf, FolderError>> {
    let mut found = Vec::new();
    let mut skipped = Vec::new();
    for input in named {
        if input.is_dir() {
            let listing = json_files(input);
            found.extend(listing.found);
            skipped.extend(listing.skipped);
        } else {
            found.push(Ok(input.clone()));
        }
    }
    Listing { found, skipped }
}

/// Every `*.json` file below a folder (subfolders too, at most [`MAX_FOLDER_DEPTH`]
/// deep, following symbolic links), sorted, with each place that cannot be walked (a
/// folder that cannot be read or is too deep, a link loop) at its place in the order.
/// Files that are not regular files (FIFOs, sockets, devices) are never opened: those
/// named `*.json` are listed as skipped.
pub fn json_files(dir: &Path) -> Listing<Result<PathBuf, FolderError>> {
    let mut walk = Walk {
        found: Vec::new(),
        skipped: Vec::new(),
        ancestors: Vec::new(),
    };
    walk.folder(dir, 0);
    let mut found = walk.found;
    found.sort_by(|a, b| entry_path(a).cmp(entry_path(b)));
    Listing {
        found,
        skipped: walk.skipped,
    }
}

fn entry_path(entry: &Result<PathBuf, FolderError>) -> &Path {
    match entry {
        Ok(path) => path,
        Err(error) => error.path(),
    }
}

/// A folder walk in progress.
struct Walk {
    found: Vec<Result<PathBuf, FolderError>>,
    skipped: Vec<Skipped>,
    /// The folders being walked, from the top, as their real paths: a link back to one
    /// of them is a loop.
    ancestors: Vec<PathBuf>,
}

impl Walk {
    fn folder(&mut self, dir: &Path, depth: usize) {
        if depth > MAX_FOLDER_DEPTH {
            self.found.push(Err(FolderError::TooDeep {
                path: dir.to_path_buf(),
            }));
            return;
        }
        let read_error = |error| {
            Err(FolderError::Read {
                path: dir.to_path_buf(),
                error,
            })
        };
        let real = match std::fs::canonicalize(dir) {
            Ok(real) => real,
            Err(error) => return self.found.push(read_error(error)),
        };
        if self.ancestors.contains(&real) {
            self.found.push(Err(FolderError::Loop {
                path: dir.to_path_buf(),
                target: real,
            }));
            return;
        }
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(error) => return self.found.push(read_error(error)),
        };
        self.ancestors.push(real);
        for entry in entries {
            match entry {
                Ok(entry) => self.entry(&entry, depth),
                Err(error) => {
                    // The folder stopped being readable part way: say so once.
                    self.found.push(read_error(error));
                    break;
                }
            }
        }
        self.ancestors.pop();
    }

    fn entry(&mut self, entry: &std::fs::DirEntry, depth: usize) {
        let path = entry.path();
        let named_json = path.extension().is_some_and(|e| e == "json");
        // What the entry is, a symbolic link followed; neither opens it.
        let kind = match entry.file_type() {
            Ok(kind) if kind.is_symlink() => std::fs::metadata(&path).map(|m| m.file_type()),
            other => other,
        };
        let kind = match kind {
            Ok(kind) => kind,
            Err(error) => {
                if named_json {
                    // Reading it reports why it cannot be read, at its place.
                    self.found.push(Ok(path));
                } else if is_link_loop(&error) {
                    self.found.push(Err(FolderError::Loop {
                        target: path.clone(),
                        path,
                    }));
                }
                return;
            }
        };
        if kind.is_dir() {
            self.folder(&path, depth + 1);
        } else if named_json && kind.is_file() {
            self.found.push(Ok(path));
        } else if named_json {
            self.skipped.push(Skipped {
                path,
                kind: special_kind(&kind),
            });
        }
    }
}

/// Whether the system refused to follow a symbolic link because the links loop.
fn is_link_loop(error: &std::io::Error) -> bool {
    // ELOOP: 40 on Linux, 62 on the BSDs and macOS.
    let eloop = if cfg!(target_os = "linux") {
        Some(40)
    } else if cfg!(any(
        target_os = "macos",
        target_os = "freebsd",
        target_os = "openbsd",
        target_os = "netbsd"
    )) {
        Some(62)
    } else {
        None
    };
    eloop.is_some() && error.raw_os_error() == eloop
}

/// What a file that is neither a regular file nor a folder is, in words.
fn special_kind(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_block_device() || kind.is_char_device() {
            return "a device";
        }
    }
    let _ = kind;
    "not a regular file"
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
    /// A place below a folder could not be walked.
    Folder(FolderError),
}

impl ReadError {
    /// The stable code (docs/errors.md).
    pub fn code(&self) -> &'static str {
        match self {
            ReadError::File(_) | ReadError::Line(_) => "kzrules::case::read",
            ReadError::FileTooLarge(_) | ReadError::LineTooLong(_) => "kzrules::case::limit",
            ReadError::FileEncoding(_) | ReadError::LineEncoding(_) => "kzrules::case::encoding",
            ReadError::Folder(e) => e.code(),
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
            ReadError::Folder(e) => Some(e.help()),
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
            ReadError::Folder(e) => write!(f, "{e}"),
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

impl CaseText {
    /// A place below a folder that could not be walked, as an input that could not be
    /// read.
    pub fn failed(error: FolderError) -> CaseText {
        CaseText {
            input: error.path().display().to_string(),
            text: Err(ReadError::Folder(error)),
        }
    }
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
/// to its end and given as [`ReadError::LineTooLong`]. When the input cannot be read
/// (standard input is a folder, a disk fails), the error is given once, as the next
/// line, and the input ends there.
pub struct CaseLines<R> {
    reader: R,
    name: String,
    number: usize,
    failed: bool,
}

impl<R: BufRead> CaseLines<R> {
    /// The cases of `reader`, named after `name` (`stdin`, or the file's path).
    pub fn new(reader: R, name: &str) -> Self {
        CaseLines {
            reader,
            name: name.to_string(),
            number: 0,
            failed: false,
        }
    }
}

impl<R: BufRead> Iterator for CaseLines<R> {
    type Item = CaseText;

    fn next(&mut self) -> Option<CaseText> {
        if self.failed {
            return None;
        }
        loop {
            let line = match read_bounded_line(&mut self.reader) {
                Ok(None) => return None,
                Ok(Some(line)) => line,
                Err(e) => {
                    // An error that persists would come back on every read: stop here.
                    self.failed = true;
                    Line::Failed(e)
                }
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
        let available = match reader.fill_buf() {
            Ok(available) => available,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
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
