//! The command line: `kzrules check`, `compile`, `calendar`, `explain`, `schema`, and the
//! analysts' tools. Exit codes (docs/contract.md): 0 nothing late, 1 something late or an
//! error finding, 2 the input or the rules could not be read.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use rayon::prelude::*;

use crate::case::{read_case, CaseError, MAX_INPUT_BYTES};
use crate::compile::{compile, Compiled};
use crate::diagnostic::Diagnostics;
use crate::eval::result::Receipt;
use crate::eval::{evaluate_with, Options};
use crate::ir::Program;
use crate::report::diagnostics::DiagnosticFormat;
use crate::report::{CaseFailure, FailureDetail, Format, Outcome, Renderer};

/// Kazakhstan's migration law as executable, cited, testable rules.
#[derive(Debug, Parser)]
#[command(name = "kzrules", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check cases against the rules: obligations, exemptions and findings.
    ///
    /// Takes case files, folders (every `*.json` below them) or `-` for JSON Lines on
    /// standard input. Exit 0: nothing late; 1: something late or overdue, or an error
    /// finding; 2: a case or the rules could not be read.
    Check {
        /// Case files, folders, or `-` for JSON Lines on standard input.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// Rule folder to use instead of the rules built into kzrules.
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
        /// Judge the cases on this day (YYYY-MM-DD) instead of their `as_of` or today.
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        as_of: Option<NaiveDate>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Compile rule files and report every problem (exit 2 on an error).
    Compile {
        /// Rule folder (default: the rules built into kzrules).
        dir: Option<PathBuf>,
        /// Output format for the diagnostics.
        #[arg(long, value_enum, default_value_t = DiagnosticFormat::Human)]
        format: DiagnosticFormat,
    },
    /// Explain how each result of a case was derived, day by day.
    Explain {
        /// The case file.
        case: PathBuf,
        /// Only this rule.
        #[arg(long, value_name = "ID")]
        rule: Option<String>,
        /// Rule folder to use instead of the built-in rules.
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
        /// Judge the case on this day.
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        as_of: Option<NaiveDate>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
        format: ExplainFormat,
    },
    /// The business-day calendar: `calendar YEAR` lists the days off and working
    /// weekend days; `calendar add DATE N business_days|calendar_days` counts.
    Calendar {
        /// `YEAR`, or `add DATE N business_days|calendar_days`.
        #[arg(required = true, num_args = 1..=4)]
        args: Vec<String>,
        /// Rule folder whose calendar to use.
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
    },
    /// Print the JSON Schema (draft 2020-12) of case facts or of check results.
    Schema {
        /// Which schema.
        #[arg(value_enum)]
        which: SchemaKind,
    },
    /// Run the rule tests beside the rules (`DIR/tests/*.json`); exit 1 if one fails.
    Test {
        /// Rule folder (default: `rules`).
        dir: Option<PathBuf>,
        /// Report the rules, exceptions and penalty branches no test exercised.
        #[arg(long)]
        coverage: bool,
    },
    /// Format rule files in the one canonical layout (keeps every comment).
    Fmt {
        /// Rule files or folders (default: `rules`).
        paths: Vec<PathBuf>,
        /// Change nothing; list the files that are not formatted and exit 1 if any.
        #[arg(long)]
        check: bool,
    },
    /// Show what a rule change does to cases: results that appear, disappear or change.
    Diff {
        /// The old rules: a folder, or a git revision of `rules/` (e.g. `HEAD~1`).
        #[arg(long, value_name = "RULES")]
        old: String,
        /// The new rules: a folder, or a git revision of `rules/`.
        #[arg(long, value_name = "RULES")]
        new: String,
        /// Case files or folders.
        #[arg(required = true)]
        cases: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = crate::tools::diff::DiffFormat::Text)]
        format: crate::tools::diff::DiffFormat,
        /// Exit 0 even when something changed.
        #[arg(long)]
        report_only: bool,
        /// Judge the cases on this day.
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        as_of: Option<NaiveDate>,
    },
    /// Print the rule catalog generated from the rule files.
    Doc {
        /// Output format.
        #[arg(long, value_enum, default_value_t = crate::tools::doc::DocFormat::Markdown)]
        format: crate::tools::doc::DocFormat,
        /// Rule folder (default: the built-in rules).
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
    },
    /// Print shell completions.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    Man,
}

/// Output formats of `kzrules explain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    /// For people.
    Text,
    /// The same as data.
    Json,
}

/// The schemas `kzrules schema` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    /// The case facts (input).
    Case,
    /// The check result (output).
    Result,
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("`{s}` is not a date: write YYYY-MM-DD, a real calendar day"))
}

/// Run the command line; returns the process's exit code.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    ExitCode::from(dispatch(cli))
}

fn dispatch(cli: Cli) -> u8 {
    match cli.command {
        Command::Check {
            inputs,
            rules,
            as_of,
            format,
        } => check(&inputs, rules.as_deref(), as_of, format),
        Command::Compile { dir, format } => compile_command(dir.as_deref(), format),
        Command::Explain {
            case,
            rule,
            rules,
            as_of,
            format,
        } => explain(&case, rule.as_deref(), rules.as_deref(), as_of, format),
        Command::Calendar { args, rules } => calendar(&args, rules.as_deref()),
        Command::Schema { which } => schema(which),
        Command::Test { dir, coverage } => crate::tools::ruletest::run(dir.as_deref(), coverage),
        Command::Fmt { paths, check } => crate::tools::fmt::run(&paths, check),
        Command::Diff {
            old,
            new,
            cases,
            format,
            report_only,
            as_of,
        } => crate::tools::diff::run(&crate::tools::diff::DiffArgs {
            old,
            new,
            cases,
            format,
            report_only,
            as_of,
        }),
        Command::Doc { format, rules } => crate::tools::doc::run(format, rules.as_deref()),
        Command::Completions { shell } => {
            let mut command = Cli::command();
            clap_complete::generate(shell, &mut command, "kzrules", &mut std::io::stdout());
            0
        }
        Command::Man => {
            let man = clap_mangen::Man::new(Cli::command());
            let mut out = Vec::new();
            match man.render(&mut out) {
                Ok(()) => write_stdout(&String::from_utf8_lossy(&out)),
                Err(e) => {
                    eprintln!("error: cannot render the man page: {e}");
                    2
                }
            }
        }
    }
}

/// Write to standard output; a closed pipe (`| head`) is no error, any other failure
/// is exit 2.
pub fn write_stdout(text: &str) -> u8 {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => 0,
        // A closed pipe (e.g. `| head`) is not an error of the input.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(e) => {
            eprintln!("error: cannot write the output: {e}");
            2
        }
    }
}

fn colour_stderr() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Load and compile the rules: the built-in ones or a folder's. Errors go to stderr.
pub fn load_program(rules: Option<&Path>) -> Result<Program, u8> {
    match compile(rule_files(rules)?) {
        Ok(Compiled { program, .. }) => Ok(program),
        Err(diagnostics) => {
            eprint!(
                "{}",
                crate::report::diagnostics::render(
                    &diagnostics,
                    DiagnosticFormat::Human,
                    colour_stderr()
                )
            );
            Err(2)
        }
    }
}

/// The rule files: the built-in ones, or a folder's. A folder that cannot be read is
/// reported on stderr (exit 2).
pub fn rule_files(rules: Option<&Path>) -> Result<Vec<crate::source::SourceFile>, u8> {
    match rules {
        None => Ok(crate::rules::embedded()),
        Some(dir) => crate::rules::from_path(dir).map_err(|e| {
            eprintln!("{:?}", miette::Report::new(e));
            2
        }),
    }
}

fn compile_command(dir: Option<&Path>, format: DiagnosticFormat) -> u8 {
    let files = match rule_files(dir) {
        Ok(f) => f,
        Err(code) => return code,
    };
    let count = files.len();
    let (diagnostics, ok): (Diagnostics, bool) = match compile(files) {
        Ok(c) => (c.warnings, true),
        Err(d) => (d, false),
    };
    let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let rendered = crate::report::diagnostics::render(&diagnostics, format, colour);
    let code = if ok { 0 } else { 2 };
    match format {
        DiagnosticFormat::Human => {
            eprint!("{rendered}");
            if ok {
                eprintln!("compiled {count} files");
            }
            code
        }
        _ => write_stdout(&rendered).max(code),
    }
}

/// Where a case comes from.
enum Source {
    /// One case file.
    File(PathBuf),
    /// JSON Lines: from standard input or a `.jsonl` file.
    Lines(Option<PathBuf>),
}

/// Expand the inputs: folders become their `*.json` files (sorted), `-` standard input.
fn sources(inputs: &[PathBuf]) -> Result<Vec<Source>, String> {
    let mut out = Vec::new();
    for input in inputs {
        if input.as_os_str() == "-" {
            out.push(Source::Lines(None));
        } else if input.is_dir() {
            let mut files = Vec::new();
            collect_json(input, &mut files, 0)?;
            files.sort();
            out.extend(files.into_iter().map(Source::File));
        } else if input.extension().is_some_and(|e| e == "jsonl") {
            out.push(Source::Lines(Some(input.clone())));
        } else {
            out.push(Source::File(input.clone()));
        }
    }
    Ok(out)
}

/// Every `*.json` file below a folder (subfolders too, at most 32 deep), unsorted.
pub fn collect_json(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) -> Result<(), String> {
    if depth > 32 {
        return Err(format!(
            "`{}`: folders nested more than 32 deep",
            dir.display()
        ));
    }
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?;
        let path = entry.path();
        if path.is_dir() {
            collect_json(&path, out, depth + 1)?;
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
    Ok(())
}

/// Report that the inputs hold no case file; exit 2.
pub fn no_case_files(inputs: &[PathBuf]) -> u8 {
    let names: Vec<String> = inputs
        .iter()
        .map(|p| format!("`{}`", p.display()))
        .collect();
    eprintln!(
        "error: no case files (`*.json`) found in {}",
        names.join(", ")
    );
    2
}

/// One case's text and where it came from.
struct CaseText {
    input: String,
    text: Result<String, FailureDetail>,
}

fn read_case_file(path: &Path) -> CaseText {
    let input = path.display().to_string();
    let fail = |code: &str, message: String, help: &str| FailureDetail {
        code: code.to_string(),
        path: String::new(),
        line: None,
        column: None,
        message,
        help: Some(help.to_string()),
    };
    let text = match std::fs::metadata(path) {
        Err(e) => Err(fail(
            "kzrules::case::read",
            format!("cannot read the case: {e}"),
            "check the path",
        )),
        Ok(m) if m.len() > MAX_INPUT_BYTES as u64 => Err(fail(
            "kzrules::case::limit",
            format!("the case is {} bytes, more than {MAX_INPUT_BYTES}", m.len()),
            "split it into several cases",
        )),
        Ok(_) => match std::fs::read(path) {
            Err(e) => Err(fail(
                "kzrules::case::read",
                format!("cannot read the case: {e}"),
                "check the path",
            )),
            Ok(bytes) => String::from_utf8(bytes).map_err(|e| {
                fail(
                    "kzrules::case::encoding",
                    format!(
                        "the case is not UTF-8 text (invalid byte at offset {})",
                        e.utf8_error().valid_up_to()
                    ),
                    "save the case as UTF-8 JSON",
                )
            }),
        },
    };
    CaseText { input, text }
}

fn failure_from(input: &str, error: &CaseError) -> CaseFailure {
    CaseFailure {
        case: error.case.clone(),
        input: input.to_string(),
        error: FailureDetail {
            code: error.code().to_string(),
            path: error.path.clone(),
            line: error.line,
            column: error.column,
            message: error.message.clone(),
            help: error.help.clone(),
        },
    }
}

/// Check one case's text.
fn check_one(program: &Program, case: &CaseText, as_of: Option<NaiveDate>) -> Outcome {
    let text = match &case.text {
        Ok(t) => t,
        Err(detail) => {
            return Outcome::Failed(Box::new(CaseFailure {
                case: None,
                input: case.input.clone(),
                error: detail.clone(),
            }))
        }
    };
    let facts = match read_case(text) {
        Ok(f) => f,
        Err(e) => return Outcome::Failed(Box::new(failure_from(&case.input, &e))),
    };
    let day = as_of
        .or(facts.as_of)
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    match evaluate_with(program, &facts, day, Options::default()) {
        Ok((mut result, _)) => {
            result.receipt = Some(receipt(program));
            Outcome::Checked(Box::new(result))
        }
        Err(e) => Outcome::Failed(Box::new(CaseFailure {
            case: Some(facts.case.clone()),
            input: case.input.clone(),
            error: FailureDetail {
                code: String::from("kzrules::calendar::out_of_range"),
                path: String::new(),
                line: None,
                column: None,
                message: e.to_string(),
                help: miette::Diagnostic::help(&e).map(|h| h.to_string()),
            },
        })),
    }
}

/// The receipt every result carries.
pub fn receipt(program: &Program) -> Receipt {
    Receipt {
        kzrules: env!("CARGO_PKG_VERSION").to_string(),
        rules_sha256: program.sha256.clone(),
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
        let renderer = &self.renderer;
        // Check and render on the worker threads, so that the result is built, turned
        // into text and freed on one thread; this thread only writes in input order.
        let pieces: Vec<Piece> = cases
            .par_iter()
            .map(|c| {
                let outcome = check_one(program, c, as_of);
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

    fn lines(&mut self, mut reader: Box<dyn BufRead>, name: &str) {
        let mut chunk = Vec::with_capacity(CHUNK);
        let mut number = 0usize;
        loop {
            let line = match read_bounded_line(&mut reader) {
                Ok(None) => break,
                Ok(Some(line)) => line,
                Err(e) => Line::Failed(e),
            };
            number += 1;
            let input = format!("{name} line {number}");
            let line = match line {
                Line::Text(bytes) => Ok(bytes),
                Line::TooLong(length) => {
                    chunk.push(CaseText {
                        input,
                        text: Err(FailureDetail {
                            code: String::from("kzrules::case::limit"),
                            path: String::new(),
                            line: None,
                            column: None,
                            message: format!(
                                "the line is more than {MAX_INPUT_BYTES} bytes long ({length} bytes read)"
                            ),
                            help: Some(String::from("split it into several cases")),
                        }),
                    });
                    continue;
                }
                Line::Failed(e) => Err(e),
            };
            let case = match line {
                Err(e) => CaseText {
                    input,
                    text: Err(FailureDetail {
                        code: String::from("kzrules::case::read"),
                        path: String::new(),
                        line: None,
                        column: None,
                        message: format!("cannot read the line: {e}"),
                        help: None,
                    }),
                },
                Ok(bytes) => {
                    if bytes.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    let text = String::from_utf8(bytes).map_err(|e| FailureDetail {
                        code: String::from("kzrules::case::encoding"),
                        path: String::new(),
                        line: None,
                        column: None,
                        message: format!(
                            "the line is not UTF-8 text (invalid byte at offset {})",
                            e.utf8_error().valid_up_to()
                        ),
                        help: Some(String::from("write JSON Lines in UTF-8")),
                    });
                    CaseText { input, text }
                }
            };
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

fn check(inputs: &[PathBuf], rules: Option<&Path>, as_of: Option<NaiveDate>, format: Format) -> u8 {
    let program = match load_program(rules) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let sources = match sources(inputs) {
        Ok(s) => s,
        Err(message) => {
            eprintln!("error: {message}");
            return 2;
        }
    };
    if sources.is_empty() {
        return no_case_files(inputs);
    }
    let single = matches!(sources.as_slice(), [Source::File(_)]);
    let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut batch = Batch {
        program: &program,
        as_of,
        renderer: Renderer::new(format, colour),
        out: std::io::BufWriter::new(std::io::stdout().lock()),
        worst: 0,
        single,
        broken_pipe: false,
    };
    if single {
        // One case: nothing on standard output unless it could be checked.
        if let Some(Source::File(path)) = sources.first() {
            let outcome = check_one(&program, &read_case_file(path), as_of);
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
            Source::File(path) => {
                files.push(read_case_file(&path));
                if files.len() >= CHUNK {
                    batch.run(std::mem::take(&mut files));
                }
            }
            Source::Lines(path) => {
                if !files.is_empty() {
                    batch.run(std::mem::take(&mut files));
                }
                match path {
                    None => batch.lines(Box::new(std::io::stdin().lock()), "stdin"),
                    Some(p) => match std::fs::File::open(&p) {
                        Ok(f) => batch.lines(
                            Box::new(std::io::BufReader::new(f)),
                            &p.display().to_string(),
                        ),
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

fn explain(
    case: &Path,
    rule: Option<&str>,
    rules: Option<&Path>,
    as_of: Option<NaiveDate>,
    format: ExplainFormat,
) -> u8 {
    let program = match load_program(rules) {
        Ok(p) => p,
        Err(code) => return code,
    };
    if let Some(id) = rule {
        let ids = program.rule_ids();
        if !ids.contains(&id) {
            eprintln!(
                "error: unknown rule `{id}` ({})",
                crate::diagnostic::suggest::did_you_mean(id, ids.iter().copied())
            );
            return 2;
        }
    }
    let text = read_case_file(case);
    let body = match &text.text {
        Ok(t) => t,
        Err(d) => {
            eprintln!("{}: error[{}]: {}", text.input, d.code, d.message);
            return 2;
        }
    };
    let facts = match read_case(body) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{}", failure_from(&text.input, &e).one_line());
            return 2;
        }
    };
    let day = as_of
        .or(facts.as_of)
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let (result, explanations) = match evaluate_with(&program, &facts, day, Options { trace: true })
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{:?}", miette::Report::new(e));
            return 2;
        }
    };
    let explanations: Vec<_> = explanations
        .into_iter()
        .filter(|e| rule.is_none_or(|r| e.rule == r))
        .collect();
    let explanations: Vec<&crate::eval::Explanation> = explanations.iter().collect();
    let out = match format {
        ExplainFormat::Json => crate::report::explain::json(&result, &explanations),
        ExplainFormat::Text => crate::report::explain::text(&program, &result, &explanations),
    };
    write_stdout(&out).max(result.exit_code())
}

fn calendar(args: &[String], rules: Option<&Path>) -> u8 {
    let program = match load_program(rules) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let calendar = &program.calendar;
    let usage = "usage: `kzrules calendar YEAR` or `kzrules calendar add DATE N business_days|calendar_days`";
    match args {
        [year] => {
            let Ok(year) = year.parse::<i32>() else {
                eprintln!("error: `{year}` is not a year ({usage})");
                return 2;
            };
            match calendar.year_listing(year) {
                Ok(days) => {
                    let mut out = String::new();
                    for (date, kind) in days {
                        let what = if kind.is_business() { "working" } else { "off" };
                        out.push_str(&format!(
                            "{date} {} {what:<7} {}\n",
                            date.format("%a"),
                            kind.reason_on(date)
                        ));
                    }
                    write_stdout(&out)
                }
                Err(e) => {
                    eprintln!("{:?}", miette::Report::new(e));
                    2
                }
            }
        }
        [add, date, n, unit] if add == "add" => {
            let Ok(date) = parse_date(date) else {
                eprintln!("error: `{date}` is not a date: write YYYY-MM-DD, a real calendar day");
                return 2;
            };
            let Ok(n) = n.parse::<u32>() else {
                eprintln!("error: `{n}` is not a number of days");
                return 2;
            };
            if n == 0 {
                eprintln!("error: count at least 1 day: the start's own day is day 1");
                return 2;
            }
            match unit.as_str() {
                "business_days" => match calendar.within_business_days(date, n) {
                    Ok(count) => {
                        let mut out = format!("{} (within {n} business days of {date}, {date} being day 1 when it is a business day)\n", count.due);
                        for (i, d) in count.counted.iter().enumerate() {
                            out.push_str(&format!("  day {} {} {}\n", i + 1, d, d.format("%a")));
                        }
                        for s in &count.skipped {
                            out.push_str(&format!(
                                "  skipped {} {} {}\n",
                                s.date,
                                s.date.format("%a"),
                                s.reason
                            ));
                        }
                        write_stdout(&out)
                    }
                    Err(e) => {
                        eprintln!("{:?}", miette::Report::new(e));
                        2
                    }
                },
                "calendar_days" => match crate::calendar::within_calendar_days(date, n) {
                    Some(due) => write_stdout(&format!(
                        "{due} (within {n} calendar days of {date}, {date} being day 1)\n"
                    )),
                    None => {
                        eprintln!("error: the count runs past the last date kzrules can represent");
                        2
                    }
                },
                other => {
                    eprintln!(
                        "error: unknown unit `{other}` ({})",
                        crate::diagnostic::suggest::did_you_mean(
                            other,
                            ["business_days", "calendar_days"]
                        )
                    );
                    2
                }
            }
        }
        _ => {
            eprintln!("error: {usage}");
            2
        }
    }
}

fn schema(which: SchemaKind) -> u8 {
    let schema = match which {
        SchemaKind::Case => schemars::schema_for!(crate::case::Case),
        SchemaKind::Result => schemars::schema_for!(crate::eval::result::CheckResult),
    };
    match serde_json::to_string_pretty(&schema) {
        Ok(mut s) => {
            s.push('\n');
            write_stdout(&s)
        }
        Err(e) => {
            eprintln!("error: cannot print the schema: {e}");
            2
        }
    }
}
