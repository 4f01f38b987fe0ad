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
mod explain_code;
mod fmt;
mod lsp;
mod output;
mod plan;
mod schema;
mod test;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Parser, Subcommand};

use crate::eval::result::style::CitationStyle;
use crate::ir::Program;
use crate::load::{discover, Choice, Project, RulesError};
use crate::report::diagnostics::{DiagnosticFormat, MessageFormat};
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
    /// How rule-file problems are written for people: drawn with their source lines
    /// (`human`), or one line each, `file:line:col: severity[code]: message` (`short`).
    #[arg(long, global = true, value_enum, default_value_t = MessageFormat::Human)]
    pub message_format: MessageFormat,
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
        /// Case files, folders, or `-` for JSON Lines on standard input (default: the
        /// project's `cases` folder named in kzrules.toml).
        inputs: Vec<PathBuf>,
        #[command(flatten)]
        rules: RulesArgs,
        /// Judge the cases on this day (YYYY-MM-DD) instead of their `as_of` or today
        /// (today's date in Kazakhstan, UTC+5, whatever the machine's time zone).
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        as_of: Option<NaiveDate>,
        /// Refuse a case whose deadline is counted over a provisional calendar year
        /// (no decree transfers published yet, or an estimated holiday) instead of
        /// giving the result marked provisional.
        #[arg(long)]
        strict_calendar: bool,
        /// Output format (default: the project's `format`, else text).
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// With `--format json`: write each citation in full, or as its short stable id
        /// (`ref`), the ids' full texts given once, in the first record.
        #[arg(long, value_enum, value_name = "STYLE", default_value_t = CitationStyle::Full)]
        citations: CitationStyle,
    },
    /// Compile rule files and report every problem (exit 2 on an error).
    Compile {
        /// Rule folder (default: the project's, found from the current folder upward;
        /// else the rules built into kzrules).
        dir: Option<PathBuf>,
        /// Compile the rules built into kzrules, whatever project the folder is in.
        #[arg(long, conflicts_with = "dir")]
        builtin: bool,
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
        #[command(flatten)]
        rules: RulesArgs,
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
        #[command(flatten)]
        rules: RulesArgs,
    },
    /// Print the JSON Schema (draft 2020-12) of case facts or of check results.
    Schema {
        /// Which schema.
        #[arg(value_enum)]
        which: SchemaKind,
        #[command(flatten)]
        rules: RulesArgs,
    },
    /// Run the rule tests beside the rules (`DIR/tests/*.json`); exit 1 if one fails.
    Test(test::TestArgs),
    /// Format rule files in the one canonical layout (keeps every comment).
    Fmt {
        /// Rule files or folders (default: the project's rule folder, found from the
        /// current folder upward; else `rules`).
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
        #[command(flatten)]
        rules: RulesArgs,
    },
    /// Print the section of docs/errors.md that explains a diagnostic code.
    ///
    /// `kzrules explain-code kzrules::syntax` (the `kzrules::` may be left out); without a
    /// code, or with `--list`, list every code.
    ExplainCode {
        /// The code, e.g. `kzrules::overlap` or `overlap`.
        code: Option<String>,
        /// List every code with its first line.
        #[arg(long)]
        list: bool,
    },
    /// Run the language server (LSP over standard input and output) for editors.
    ///
    /// It serves `--rules DIR`, else the `rules` folder of the editor's workspace:
    /// diagnostics, hover, definitions, references, rename, completion, formatting,
    /// quick fixes and rule-test lenses (editors/README.md).
    Lsp {
        /// Rule folder to serve instead of the workspace's `rules` folder.
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
    },
    /// Plan trips: lawful or not, the first day over which limit, the longest lawful stay
    /// and latest exit, the duties each trip creates with their due days.
    ///
    /// `--enter DATE` once per trip, each with `--leave DATE` or `--days N` in the same
    /// order (the last trip may have neither: as long as the law allows). Exit 0: every
    /// trip lawful as planned; 1: a trip is not; 2: bad input.
    Plan {
        /// The case file (the person, the documents, the trips so far).
        case: PathBuf,
        /// A planned day of entry (YYYY-MM-DD); repeat for several trips.
        #[arg(long, required = true, value_name = "DATE", value_parser = parse_date)]
        enter: Vec<NaiveDate>,
        /// The planned day of exit of each trip, in the order of --enter.
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        leave: Vec<NaiveDate>,
        /// The planned length of each trip in days (entry and exit days counted).
        #[arg(long, value_name = "N")]
        days: Vec<u32>,
        #[command(flatten)]
        rules: RulesArgs,
        /// The day the plan is made on (default: the case's `as_of`, else today).
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        as_of: Option<NaiveDate>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = plan::PlanFormat::Text)]
        format: plan::PlanFormat,
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

/// Which rule set a command uses: `--rules DIR`, `--builtin`, or (neither given) the
/// project found from the current folder upward (docs/project.md).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct RulesArgs {
    /// Rule folder to use instead of the project's (found from the current folder
    /// upward: a kzrules.toml, else a `rules/` folder; else the built-in rules).
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// Use the rules built into kzrules, whatever project the folder is in.
    #[arg(long, conflicts_with = "rules")]
    pub builtin: bool,
}

impl RulesArgs {
    fn choice(&self) -> Choice<'_> {
        Choice::from_flags(self.rules.as_deref(), self.builtin)
    }
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

/// The `--message-format` of this run.
static MESSAGE_FORMAT: std::sync::OnceLock<MessageFormat> = std::sync::OnceLock::new();

fn message_format() -> MessageFormat {
    MESSAGE_FORMAT.get().copied().unwrap_or_default()
}

fn dispatch(cli: Cli) -> u8 {
    let _ = MESSAGE_FORMAT.set(cli.message_format);
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
            rules.choice(),
            as_of,
            strict_calendar,
            format,
            citations,
        ),
        Command::Compile {
            dir,
            builtin,
            format,
        } => compile::compile_command(
            Choice::from_flags(dir.as_deref(), builtin),
            format,
            cli.message_format,
        ),
        Command::Explain {
            case,
            rule,
            rules,
            as_of,
            format,
        } => explain::explain(&case, rule.as_deref(), rules.choice(), as_of, format),
        Command::Calendar { args, rules } => calendar::calendar(&args, rules.choice()),
        Command::Schema { which, rules } => schema::schema(which, rules.choice()),
        Command::Test(args) => test::test(&args),
        Command::Fmt { paths, check } => fmt::fmt(&paths, check),
        Command::Diff(args) => diff::diff(&args),
        Command::Doc { format, rules } => doc::doc(format, rules.choice()),
        Command::ExplainCode { code, list } => explain_code::explain_code(code.as_deref(), list),
        Command::Lsp { rules } => lsp::lsp(rules.as_deref()),
        Command::Plan {
            case,
            enter,
            leave,
            days,
            rules,
            as_of,
            format,
        } => match plan::trips(&enter, &leave, &days) {
            Ok(trips) => plan::plan_command(&case, &trips, rules.choice(), as_of, format),
            Err(message) => {
                errln!("error: {message}");
                2
            }
        },
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

/// The project of the current folder with the rule set chosen; a project file that
/// cannot be read is said on stderr (exit 2).
fn project(choice: Choice<'_>) -> Result<Project, u8> {
    let here = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    discover(&here, choice).map_err(|e| {
        errln!("{:?}", miette::Report::new(e));
        2
    })
}

/// Load and compile the project's rules. Errors go to stderr.
fn load_program(project: &Project) -> Result<Program, u8> {
    project.rules.program().map_err(report_rules_error)
}

/// The project a command uses and its rules, compiled. Errors go to stderr.
fn project_program(choice: Choice<'_>) -> Result<(Project, Program), u8> {
    let project = project(choice)?;
    let program = load_program(&project)?;
    Ok((project, program))
}

/// Say on standard error which rule set the command used:
/// `rules: rules (found from the current folder upward), sha256 ...`; nothing when the
/// reader of standard output went away (`| head`) or under `--message-format short`.
fn say_rules(project: &Project, sha256: &str) {
    if !output::stdout_closed() && message_format() != MessageFormat::Short {
        errln!(
            "rules: {} ({}), sha256 {sha256}",
            project.rules_label(),
            project.origin_words()
        );
    }
}

/// The receipt of a result judged by the project's rules.
fn receipt(project: &Project, program: &Program) -> crate::eval::result::Receipt {
    let mut receipt = crate::eval::receipt(program);
    receipt.rules = Some(project.rules_label());
    receipt
}

/// Say on stderr why a rule set could not be loaded; exit 2.
fn report_rules_error(error: RulesError) -> u8 {
    match error {
        RulesError::Read(e) => match message_format() {
            MessageFormat::Human => errln!("{:?}", miette::Report::new(e)),
            MessageFormat::Short => errln!("{}", e.to_diagnostic().one_line()),
        },
        RulesError::Git(e) => errln!("error: {e}"),
        RulesError::Compile(diagnostics) => {
            output::err_text(&crate::report::diagnostics::render_for_people(
                &diagnostics,
                message_format(),
                colour_stderr(),
            ))
        }
    }
    2
}

/// Read one case file and parse it with `parse` (`case::read_case` for facts,
/// `case::parse_case` for the case as written): the value and the input's name, or
/// exit 2 with the problem said on standard error in one line.
fn read_one_case<T>(
    case: &Path,
    parse: impl FnOnce(&str) -> Result<T, crate::case::CaseError>,
) -> Result<(T, String), u8> {
    let text = crate::load::inputs::read_case_file(case);
    let body = match &text.text {
        Ok(t) => t,
        Err(e) => {
            errln!("{}: error[{}]: {e}", text.input, e.code());
            return Err(2);
        }
    };
    match parse(body) {
        Ok(value) => Ok((value, text.input)),
        Err(e) => {
            errln!(
                "{}",
                crate::report::CaseFailure::unreadable(&text.input, &e).one_line()
            );
            Err(2)
        }
    }
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
