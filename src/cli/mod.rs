//! The command line: `kzrules check`, `compile`, `calendar`, `explain`, `schema`, and the
//! analysts' tools. Exit codes (docs/contract.md): 0 nothing late, 1 something late or an
//! error finding, 2 the input or the rules could not be read.

/// Write a formatted line to standard error, never panicking (see [`output`]).
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::cli::output::err_line(&format!($($arg)*))
    };
}

mod calendar;
mod check;
mod compile;
mod completions;
mod diff;
mod doc;
mod explain;
mod fmt;
mod output;
mod schema;
mod test;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Parser, Subcommand};

use crate::eval::result::style::CitationStyle;
use crate::ir::Program;
use crate::load::{RuleSet, RulesError};
use crate::report::diagnostics::DiagnosticFormat;
use crate::report::Format;

pub use explain::ExplainFormat;
pub use schema::SchemaKind;

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
        /// Judge the cases on this day (YYYY-MM-DD) instead of their `as_of` or today
        /// (today's date in Kazakhstan, UTC+5, whatever the machine's time zone).
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        as_of: Option<NaiveDate>,
        /// Refuse a case whose deadline is counted over a provisional calendar year
        /// (no decree transfers published yet, or an estimated holiday) instead of
        /// giving the result marked provisional.
        #[arg(long)]
        strict_calendar: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// With `--format json`: write each citation in full, or as its short stable id
        /// (`ref`), the ids' full texts given once, in the first record.
        #[arg(long, value_enum, value_name = "STYLE", default_value_t = CitationStyle::Full)]
        citations: CitationStyle,
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
        /// Judge the case on this day (default: its `as_of`, else today in Kazakhstan, UTC+5).
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
    Diff(diff::DiffArgs),
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

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("`{s}` is not a date: write YYYY-MM-DD, a real calendar day"))
}

/// Run the command line; returns the process's exit code. Nothing here panics when
/// standard output or standard error cannot be written: that is exit 2.
pub fn run() -> ExitCode {
    let code = match Cli::try_parse() {
        Ok(cli) => dispatch(cli),
        // Help, the version, or a usage error, printed as clap prints them.
        Err(e) => match e.print() {
            Ok(()) => u8::try_from(e.exit_code()).unwrap_or(2),
            Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => {
                u8::try_from(e.exit_code()).unwrap_or(2)
            }
            Err(error) => {
                if !e.use_stderr() {
                    errln!("error: cannot write the output: {error}");
                }
                2
            }
        },
    };
    ExitCode::from(output::exit_code(code))
}

fn dispatch(cli: Cli) -> u8 {
    match cli.command {
        Command::Check {
            inputs,
            rules,
            as_of,
            strict_calendar,
            format,
            citations,
        } => check::check(
            &inputs,
            rules.as_deref(),
            as_of,
            strict_calendar,
            format,
            citations,
        ),
        Command::Compile { dir, format } => compile::compile_command(dir.as_deref(), format),
        Command::Explain {
            case,
            rule,
            rules,
            as_of,
            format,
        } => explain::explain(&case, rule.as_deref(), rules.as_deref(), as_of, format),
        Command::Calendar { args, rules } => calendar::calendar(&args, rules.as_deref()),
        Command::Schema { which } => schema::schema(which),
        Command::Test { dir, coverage } => test::test(dir.as_deref(), coverage),
        Command::Fmt { paths, check } => fmt::fmt(&paths, check),
        Command::Diff(args) => diff::diff(&args),
        Command::Doc { format, rules } => doc::doc(format, rules.as_deref()),
        Command::Completions { shell } => completions::completions(shell),
        Command::Man => completions::man(),
    }
}

/// Write to standard output; a closed pipe (`| head`) is no error, any other failure
/// is said on standard error and is exit 2.
fn write_stdout(text: &str) -> u8 {
    output::write_all(text, "the output")
}

/// Write to standard output, naming what is written (`the catalog`) when it fails.
fn write_stdout_named(text: &str, what: &'static str) -> u8 {
    output::write_all(text, what)
}

/// Whether to colour what goes to standard output: a terminal, and no `NO_COLOR`.
fn colour_stdout() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Whether to colour what goes to standard error: a terminal, and no `NO_COLOR`.
fn colour_stderr() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Load and compile the rules: the built-in ones or a folder's. Errors go to stderr.
fn load_program(rules: Option<&Path>) -> Result<Program, u8> {
    RuleSet::embedded_or(rules)
        .program()
        .map_err(report_rules_error)
}

/// Say on stderr why a rule set could not be loaded; exit 2.
fn report_rules_error(error: RulesError) -> u8 {
    match error {
        RulesError::Read(e) => errln!("{:?}", miette::Report::new(e)),
        RulesError::Git(e) => errln!("error: {e}"),
        RulesError::Compile(diagnostics) => output::err_text(&crate::report::diagnostics::render(
            &diagnostics,
            DiagnosticFormat::Human,
            colour_stderr(),
        )),
    }
    2
}

/// The rule files: the built-in ones, or a folder's. A folder that cannot be read is
/// reported on stderr (exit 2).
fn rule_files(rules: Option<&Path>) -> Result<Vec<crate::source::SourceFile>, u8> {
    RuleSet::embedded_or(rules)
        .files()
        .map_err(report_rules_error)
}

/// Report that the inputs hold no case file; exit 2.
fn no_case_files(inputs: &[PathBuf]) -> u8 {
    let names: Vec<String> = inputs
        .iter()
        .map(|p| format!("`{}`", p.display()))
        .collect();
    errln!(
        "error: no case files (`*.json`) found in {}",
        names.join(", ")
    );
    2
}
