//! `kzrules schema`: the JSON Schemas (draft 2020-12) of the case facts and the check
//! result.

use clap::ValueEnum;

use super::write_stdout;

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

/// `kzrules schema`: print one of the JSON Schemas.
pub(super) fn schema(which: SchemaKind) -> u8 {
    let schema = match which {
        SchemaKind::Case => schemars::schema_for!(crate::case::Case),
        SchemaKind::Result => schemars::schema_for!(crate::report::ResultLine),
        SchemaKind::Plan => schemars::schema_for!(crate::tools::plan::PlanResult),
    };
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
