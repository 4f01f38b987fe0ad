//! Standard output and standard error, written in one place that never panics.
//!
//! A closed pipe on standard output (`kzrules check ... | head -1`) ends the output
//! quietly: whoever read it has what they wanted. Any other failure to write standard
//! output (a full disk, `> /dev/full`) is said in one line on standard error and ends
//! the command with exit 2. A failure to write standard error itself cannot be said
//! anywhere: it is remembered, and the process exits 2 (see [`exit_code`]).

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set when standard error could not be written (a closed pipe included: what was to
/// be said was lost).
static STDERR_FAILED: AtomicBool = AtomicBool::new(false);

/// Set when standard output could not be written, other than by a closed pipe.
static STDOUT_FAILED: AtomicBool = AtomicBool::new(false);

/// Set when the reader of standard output went away (a closed pipe).
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Whether the reader of standard output went away: nothing more is said then, not
/// even on standard error.
pub(super) fn stdout_closed() -> bool {
    STDOUT_CLOSED.load(Ordering::Relaxed)
}

/// Write a line to standard error; a failure is remembered for the exit code.
pub(super) fn err_line(text: &str) {
    let mut line = String::with_capacity(text.len() + 1);
    line.push_str(text);
    line.push('\n');
    err_text(&line);
}

/// Write text to standard error as it is; a failure is remembered for the exit code.
pub(super) fn err_text(text: &str) {
    let mut err = std::io::stderr().lock();
    if err
        .write_all(text.as_bytes())
        .and_then(|()| err.flush())
        .is_err()
    {
        STDERR_FAILED.store(true, Ordering::Relaxed);
    }
}

/// The exit code of the process: the command's, or 2 when standard output or standard
/// error could not be written.
pub(super) fn exit_code(code: u8) -> u8 {
    if STDERR_FAILED.load(Ordering::Relaxed) || STDOUT_FAILED.load(Ordering::Relaxed) {
        code.max(2)
    } else {
        code
    }
}

/// Why standard output takes no more text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Closed {
    /// The reader went away (a closed pipe): not an error.
    Pipe,
    /// Writing failed; it was said on standard error: exit 2.
    Failed,
}

/// Buffered standard output that reports its first failure and then takes nothing
/// more.
pub(super) struct Stdout {
    /// `None` once writing failed.
    out: Option<std::io::BufWriter<std::io::StdoutLock<'static>>>,
    what: &'static str,
    closed: Option<Closed>,
}

impl Stdout {
    /// Standard output, naming what is written (`the output`, `the catalog`) when it
    /// fails.
    pub(super) fn new(what: &'static str) -> Self {
        Stdout {
            out: Some(std::io::BufWriter::new(std::io::stdout().lock())),
            what,
            closed: None,
        }
    }

    /// Why standard output takes no more text, if it does not.
    pub(super) fn closed(&self) -> Option<Closed> {
        self.closed
    }

    /// Write text; after a failure nothing more is written.
    pub(super) fn write(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        if let Some(out) = &mut self.out {
            if let Err(e) = out.write_all(text.as_bytes()) {
                self.fail(&e);
            }
        }
    }

    /// Write everything still buffered; the exit code of the writing: 0, or 2 when
    /// standard output failed.
    pub(super) fn finish(&mut self) -> u8 {
        if let Some(out) = &mut self.out {
            if let Err(e) = out.flush() {
                self.fail(&e);
            }
        }
        match self.closed {
            Some(Closed::Failed) => 2,
            Some(Closed::Pipe) | None => 0,
        }
    }

    fn fail(&mut self, error: &std::io::Error) {
        if error.kind() == std::io::ErrorKind::BrokenPipe {
            self.closed = Some(Closed::Pipe);
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
        } else {
            self.closed = Some(Closed::Failed);
            STDOUT_FAILED.store(true, Ordering::Relaxed);
            err_line(&format!("error: cannot write {}: {error}", self.what));
        }
        // What is still buffered cannot be written either: drop it without trying.
        if let Some(out) = self.out.take() {
            let (_, _) = out.into_parts();
        }
    }
}

/// Write all of `text` to standard output, naming `what` it is when it fails; the exit
/// code of the writing (0, or 2).
pub(super) fn write_all(text: &str, what: &'static str) -> u8 {
    let mut out = Stdout::new(what);
    out.write(text);
    out.finish()
}
