//! `kzrules check`: judge case files, folders and JSON Lines, streaming the results in
//! input order. A batch is checked in chunks of at most `CHUNK` cases and `CHUNK_BYTES`
//! of case text on every core, so that memory stays flat however many cases there are
//! and however long they are.

use std::path::PathBuf;

use chrono::NaiveDate;
use rayon::prelude::*;

use super::output::{Closed, Stdout};
use super::{colour_stdout, load_program, no_case_files, project, say_rules};
use crate::case::read_case;
use crate::eval::result::style::CitationStyle;
use crate::eval::result::Receipt;
use crate::eval::{evaluate_with, judging_day, Options};
use crate::ir::Program;
use crate::load::inputs::{read_case_file, CaseLines, CaseText, Input};
use crate::load::Choice;
use crate::report::{CaseFailure, FailureDetail, Format, Outcome, Renderer};

/// Check one case's text.
fn check_one(
    program: &Program,
    receipt: &Receipt,
    case: &CaseText,
    as_of: Option<NaiveDate>,
    options: Options,
) -> Outcome {
    let text = match &case.text {
        Ok(t) => t,
        Err(error) => {
            return Outcome::Failed(Box::new(CaseFailure {
                case: None,
                input: case.input.clone(),
                error: FailureDetail::from(error),
            }))
        }
    };
    let facts = match read_case(text, &program.vocabulary) {
        Ok(f) => f,
        Err(e) => return Outcome::Failed(Box::new(CaseFailure::unreadable(&case.input, &e))),
    };
    let day = judging_day(as_of, facts.as_of);
    match evaluate_with(program, &facts, day, options) {
        Ok((mut result, _)) => {
            result.receipt = Some(receipt.clone());
            Outcome::Checked(Box::new(result))
        }
        Err(e) => Outcome::Failed(Box::new(CaseFailure {
            case: Some(facts.case.clone()),
            input: case.input.clone(),
            error: FailureDetail {
                code: e.code().to_string(),
                path: String::new(),
                line: None,
                column: None,
                message: e.to_string(),
                help: miette::Diagnostic::help(&e).map(|h| h.to_string()),
            },
        })),
    }
}

/// How many cases are checked together in a batch at most: enough for both cores, few
/// enough that memory stays flat.
const CHUNK: usize = 4096;

/// How much case text a chunk holds at most (64 MiB): a chunk is checked once it has
/// [`CHUNK`] cases or this much text, whichever comes first, so that a batch of long
/// histories holds a bounded amount of memory too. One case larger than this is a
/// chunk of its own.
const CHUNK_BYTES: usize = 64 * 1024 * 1024;

/// Cases read and not yet checked, in input order.
#[derive(Default)]
struct Chunk {
    cases: Vec<CaseText>,
    bytes: usize,
}

impl Chunk {
    /// Add a case; whether the chunk is now full.
    fn push(&mut self, case: CaseText) -> bool {
        self.bytes = self
            .bytes
            .saturating_add(case.text.as_ref().map_or(0, String::len));
        self.cases.push(case);
        self.cases.len() >= CHUNK || self.bytes >= CHUNK_BYTES
    }

    fn take(&mut self) -> Vec<CaseText> {
        self.bytes = 0;
        std::mem::take(&mut self.cases)
    }
}

/// One case of a batch, checked and rendered.
struct Piece {
    exit_code: u8,
    failure: Option<String>,
    text: String,
    totals: crate::report::markdown::Totals,
    /// For the HTML page: the case's entry in the index.
    index: Option<crate::report::IndexEntry>,
}

struct Batch<'a> {
    program: &'a Program,
    receipt: &'a Receipt,
    as_of: Option<NaiveDate>,
    options: Options,
    renderer: Renderer,
    out: Stdout,
    worst: u8,
    /// Whether the header was written: it is, before the first case.
    started: bool,
    /// How many cases (read or not) the batch has had.
    seen: usize,
    chunk: Chunk,
}

impl Batch<'_> {
    /// Whether writing failed: nothing more is read then.
    fn stopped(&self) -> bool {
        self.out.closed() == Some(Closed::Failed)
    }

    /// Add a case to the chunk, checking the chunk when it is full.
    fn push(&mut self, case: CaseText) {
        self.seen += 1;
        if self.chunk.push(case) {
            self.flush();
        }
    }

    /// Check the cases of the chunk.
    fn flush(&mut self) {
        let cases = self.chunk.take();
        if !cases.is_empty() {
            self.run(cases);
        }
    }

    fn run(&mut self, cases: Vec<CaseText>) {
        if !self.started {
            self.started = true;
            let header = self.renderer.header();
            self.out.write(&header);
        }
        let program = self.program;
        let receipt = self.receipt;
        let as_of = self.as_of;
        let options = self.options;
        let renderer = &self.renderer;
        let base = self.seen - cases.len();
        // Check and render on the worker threads, so that the result is built, turned
        // into text and freed on one thread; this thread only writes in input order.
        let pieces: Vec<Piece> = cases
            .par_iter()
            .enumerate()
            .map(|(i, c)| {
                let outcome = check_one(program, receipt, c, as_of, options);
                let position = base + i + 1;
                let mut totals = crate::report::markdown::Totals::default();
                totals.add(&outcome);
                Piece {
                    exit_code: outcome.exit_code(),
                    failure: match &outcome {
                        Outcome::Failed(f) => Some(f.one_line()),
                        Outcome::Checked(_) => None,
                    },
                    text: renderer.piece_at(&outcome, position),
                    totals,
                    index: renderer.index_entry(&outcome, position),
                }
            })
            .collect();
        drop(cases);
        for piece in pieces {
            self.worst = self.worst.max(piece.exit_code);
            self.renderer.count(&piece.totals);
            if let Some(entry) = piece.index {
                self.renderer.push_index(entry);
            }
            if let Some(line) = &piece.failure {
                errln!("{line}");
            }
            self.out.write(&piece.text);
        }
    }

    /// Check JSON Lines cases in chunks, as they are read; how many there were.
    fn lines(&mut self, cases: impl Iterator<Item = CaseText>) -> usize {
        let mut count = 0;
        for case in cases {
            count += 1;
            self.push(case);
            if self.stopped() {
                break;
            }
        }
        count
    }
}

/// `kzrules check`: judge cases and write their results in one format.
pub(super) fn check(
    inputs: &[PathBuf],
    choice: Choice<'_>,
    as_of: Option<NaiveDate>,
    strict_calendar: bool,
    format: Option<Format>,
    citations: CitationStyle,
) -> u8 {
    let project = match project(choice) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let format = format
        .or_else(|| project.settings.check_format())
        .unwrap_or(Format::Text);
    if citations != CitationStyle::Full && format != Format::Json {
        errln!("error: `--citations ref` is for `--format json`; the other formats write citations in full");
        return 2;
    }
    let options = Options {
        trace: false,
        strict_calendar: strict_calendar || project.settings.strict_calendar == Some(true),
        timeline: format == Format::Html,
    };
    // No case named: the project's case folder.
    let project_cases;
    let inputs = if inputs.is_empty() {
        match project.cases_folder() {
            Some(folder) => {
                project_cases = [folder];
                &project_cases[..]
            }
            None => {
                errln!("error: no case given (help: name case files or folders, `-` for JSON Lines on standard input, or set `cases` in kzrules.toml: docs/project.md)");
                return 2;
            }
        }
    } else {
        inputs
    };
    let program = match load_program(&project) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let receipt = super::receipt(&project, &program);
    let code = judge(
        inputs, &program, &receipt, as_of, options, format, citations,
    );
    // In the formats for people, the rule set used is named on standard error.
    if code < 2 && !matches!(format, Format::Json) {
        say_rules(&project, &program.sha256);
    }
    code
}

/// Judge the inputs with the program and write the results.
fn judge(
    inputs: &[PathBuf],
    program: &Program,
    receipt: &Receipt,
    as_of: Option<NaiveDate>,
    options: Options,
    format: Format,
    citations: CitationStyle,
) -> u8 {
    let listing = crate::load::inputs::inputs(inputs);
    for skipped in &listing.skipped {
        errln!("note: {skipped}");
    }
    let sources = listing.found;
    if sources.is_empty() {
        return no_case_files(inputs);
    }
    let colour = colour_stdout();
    let mut renderer = Renderer::new(format, colour).with_citations(citations, program);
    if let [Input::File(path)] = sources.as_slice() {
        // One case: nothing on standard output unless it could be checked.
        let outcome = check_one(program, receipt, &read_case_file(path), as_of, options);
        if let Outcome::Failed(f) = &outcome {
            errln!("{}", f.one_line());
            return 2;
        }
        let text = format!(
            "{}{}{}",
            renderer.header(),
            renderer.case(&outcome),
            renderer.footer()
        );
        let mut out = Stdout::new("the output");
        out.write(&text);
        return outcome.exit_code().max(out.finish());
    }
    let mut batch = Batch {
        program,
        receipt,
        as_of,
        options,
        renderer,
        out: Stdout::new("the output"),
        worst: 0,
        started: false,
        seen: 0,
        chunk: Chunk::default(),
    };
    // The JSON Lines inputs that held no case.
    let mut empty = Vec::new();
    for source in sources {
        if batch.stopped() {
            break;
        }
        match source {
            Input::File(path) => batch.push(read_case_file(&path)),
            Input::Failed(error) => batch.push(CaseText::failed(error)),
            Input::Lines(path) => {
                batch.flush();
                let read = match &path {
                    None => batch.lines(CaseLines::new(std::io::stdin().lock(), "stdin")),
                    Some(p) => match std::fs::File::open(p) {
                        Ok(f) => batch.lines(CaseLines::new(
                            std::io::BufReader::new(f),
                            &p.display().to_string(),
                        )),
                        Err(e) => {
                            errln!("error: cannot read `{}`: {e}", p.display());
                            batch.worst = 2;
                            batch.seen += 1;
                            continue;
                        }
                    },
                };
                batch.flush();
                if read == 0 {
                    empty.push(path);
                }
            }
        }
    }
    if !batch.stopped() {
        batch.flush();
    }
    if batch.seen == 0 {
        // Only JSON Lines without a case: as a folder without case files, exit 2.
        let names: Vec<String> = empty
            .iter()
            .map(|p| match p {
                None => String::from("standard input"),
                Some(p) => format!("`{}`", p.display()),
            })
            .collect();
        errln!("error: no case read from {}", names.join(", "));
        return 2;
    }
    if batch.started {
        let footer = batch.renderer.footer();
        batch.out.write(&footer);
    }
    batch.worst.max(batch.out.finish())
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

    fn case(bytes: usize) -> CaseText {
        CaseText {
            input: String::from("t"),
            text: Ok("x".repeat(bytes)),
        }
    }

    #[test]
    fn a_chunk_is_full_at_its_count_or_its_bytes() {
        let mut chunk = Chunk::default();
        for _ in 1..CHUNK {
            assert!(!chunk.push(case(10)));
        }
        assert!(chunk.push(case(10)));
        assert_eq!(chunk.take().len(), CHUNK);
        assert_eq!(chunk.bytes, 0);
        // Four cases of 16 MiB fill it; a case that cannot be read counts no bytes.
        for _ in 0..3 {
            assert!(!chunk.push(case(16 * 1024 * 1024)));
            assert!(!chunk.push(CaseText {
                input: String::from("t"),
                text: Err(crate::load::inputs::ReadError::LineTooLong(usize::MAX)),
            }));
        }
        assert!(chunk.push(case(16 * 1024 * 1024)));
        assert_eq!(chunk.take().len(), 7);
        // One case larger than the bound is a chunk of its own.
        assert!(chunk.push(case(CHUNK_BYTES + 1)));
    }
}
