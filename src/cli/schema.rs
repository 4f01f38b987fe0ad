//! `kzrules schema`: the JSON Schemas (draft 2020-12) of the case facts and the check
//! result.

use clap::ValueEnum;

use super::{project_program, write_stdout};
use crate::load::Choice;

/// The schemas `kzrules schema` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    /// The case facts (input).
    Case,
    /// The check result (output): a case's result, or the error record of a case of a
    /// batch that could not be checked.
    Result,
    /// The result of `kzrules plan` (output).
    Plan,
}

/// `kzrules schema`: print one of the JSON Schemas, with the names of the rule set's
/// vocabulary (the project's rules, or `--rules DIR`).
pub(super) fn schema(which: SchemaKind, choice: Choice<'_>) -> u8 {
    let (_, program) = match project_program(choice) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let mut schema = match which {
        SchemaKind::Case => schemars::schema_for!(crate::case::Case),
        SchemaKind::Result => schemars::schema_for!(crate::report::ResultLine),
        SchemaKind::Plan => schemars::schema_for!(crate::tools::plan::PlanResult),
    };
    crate::case::with_vocabulary(&mut schema, &program.vocabulary);
    match serde_json::to_string_pretty(&schema) {
        Ok(mut s) => {
            s.push('\n');
            write_stdout(&s)
        }
        Err(e) => {
            errln!("error: cannot print the schema: {e}");
            2
        }
    }
}
