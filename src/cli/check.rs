//! `kzrules check`: judge case files, folders and JSON Lines, streaming the results in
//! input order. A batch is checked in chunks of `CHUNK` cases on every core, so that
//! memory stays flat however many cases there are.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rayon::prelude::*;

use super::{colour_stdout, load_program, no_case_files};
use crate::case::read_case;
use crate::eval::{evaluate_with, judging_day, receipt, Options};
use crate::ir::Program;
use crate::load::inputs::{read_case_file, CaseLines, CaseText, Input};
use crate::report::{CaseFailure, FailureDetail, Format, Outcome, Renderer};

/// Check one case's text.
fn check_one(
    program: &Program,
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
    let facts = match read_case(text) {
        Ok(f) => f,
        Err(e) => return Outcome::Failed(Box::new(CaseFailure::unreadable(&case.input, &e))),
    };
    let day = judging_day(as_of, facts.as_of);
    match evaluate_with(program, &facts, day, options) {
        Ok((mut result, _)) => {
            result.receipt = Some(receipt(program));
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

/// How many cases are checked together in a batch: enough for both cores, few enough
/// that memory stays flat.
const CHUNK: usize = 4096;

/// One case of a batch, checked and rendered.
struct Piece {
    exit_code: u8,
    failure: Option<String>,
    text: String,
    totals: crate::report::markdown::Totals,
}

struct Batch<'a> {
    program: &'a Program,
    as_of: Option<NaiveDate>,
    options: Options,
    renderer: Renderer,
    out: std::io::BufWriter<std::io::StdoutLock<'static>>,
    worst: u8,
    single: bool,
    broken_pipe: bool,
}

impl Batch<'_> {
    fn run(&mut self, cases: Vec<CaseText>) {
        let program = self.program;
        let as_of = self.as_of;
        let options = self.options;
        let renderer = &self.renderer;
        // Check and render on the worker threads, so that the result is built, turned
        // into text and freed on one thread; this thread only writes in input order.
        let pieces: Vec<Piece> = cases
            .par_iter()
            .map(|c| {
                let outcome = check_one(program, c, as_of, options);
                let mut totals = crate::report::markdown::Totals::default();
                totals.add(&outcome);
                Piece {
                    exit_code: outcome.exit_code(),
                    failure: match &outcome {
                        Outcome::Failed(f) => Some(f.one_line()),
                        Outcome::Checked(_) => None,
                    },
                    text: renderer.piece(&outcome),
                    totals,
                }
            })
            .collect();
        for piece in pieces {
            self.worst = self.worst.max(piece.exit_code);
            self.renderer.count(&piece.totals);
            if let Some(line) = &piece.failure {
                eprintln!("{line}");
                if self.single {
                    continue;
                }
            }
            self.write(&piece.text);
        }
    }

    fn write(&mut self, text: &str) {
        if self.broken_pipe || text.is_empty() {
            return;
        }
        if let Err(e) = self.out.write_all(text.as_bytes()) {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                self.broken_pipe = true;
            } else {
                eprintln!("error: cannot write the output: {e}");
                self.worst = 2;
                self.broken_pipe = true;
            }
        }
    }

    /// Check JSON Lines cases in chunks, as they are read.
    fn lines(&mut self, cases: impl Iterator<Item = CaseText>) {
        let mut chunk = Vec::with_capacity(CHUNK);
        for case in cases {
            chunk.push(case);
            if chunk.len() >= CHUNK {
                self.run(std::mem::take(&mut chunk));
            }
        }
        if !chunk.is_empty() {
            self.run(chunk);
        }
    }
}

/// `kzrules check`: judge cases and write their results in one format.
pub(super) fn check(
    inputs: &[PathBuf],
    rules: Option<&Path>,
    as_of: Option<NaiveDate>,
    strict_calendar: bool,
    format: Format,
) -> u8 {
    let options = Options {
        trace: false,
        strict_calendar,
    };
    let program = match load_program(rules) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let sources = match crate::load::inputs::inputs(inputs) {
        Ok(s) => s,
        Err(message) => {
            eprintln!("error: {message}");
            return 2;
        }
    };
    if sources.is_empty() {
        return no_case_files(inputs);
    }
    let single = matches!(sources.as_slice(), [Input::File(_)]);
    let colour = colour_stdout();
    let mut batch = Batch {
        program: &program,
        as_of,
        options,
        renderer: Renderer::new(format, colour),
        out: std::io::BufWriter::new(std::io::stdout().lock()),
        worst: 0,
        single,
        broken_pipe: false,
    };
    if single {
        // One case: nothing on standard output unless it could be checked.
        if let Some(Input::File(path)) = sources.first() {
            let outcome = check_one(&program, &read_case_file(path), as_of, options);
            if let Outcome::Failed(f) = &outcome {
                eprintln!("{}", f.one_line());
                return 2;
            }
            let text = format!(
                "{}{}{}",
                batch.renderer.header(),
                batch.renderer.case(&outcome),
                batch.renderer.footer()
            );
            batch.write(&text);
            let _ = batch.out.flush();
            return outcome.exit_code().max(batch.worst);
        }
    }
    let header = batch.renderer.header();
    batch.write(&header);
    let mut files = Vec::new();
    for source in sources {
        match source {
            Input::File(path) => {
                files.push(read_case_file(&path));
                if files.len() >= CHUNK {
                    batch.run(std::mem::take(&mut files));
                }
            }
            Input::Lines(path) => {
                if !files.is_empty() {
                    batch.run(std::mem::take(&mut files));
                }
                match path {
                    None => batch.lines(CaseLines::new(std::io::stdin().lock(), "stdin")),
                    Some(p) => match std::fs::File::open(&p) {
                        Ok(f) => batch.lines(CaseLines::new(
                            std::io::BufReader::new(f),
                            &p.display().to_string(),
                        )),
                        Err(e) => {
                            eprintln!("error: cannot read `{}`: {e}", p.display());
                            batch.worst = 2;
                        }
                    },
                }
            }
        }
    }
    if !files.is_empty() {
        batch.run(files);
    }
    let footer = batch.renderer.footer();
    batch.write(&footer);
    if let Err(e) = batch.out.flush() {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: cannot write the output: {e}");
            return 2;
        }
    }
    batch.worst
}
