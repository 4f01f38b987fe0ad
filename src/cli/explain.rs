//! `kzrules explain`: how each result of a case was derived, day by day.

use std::path::Path;

use chrono::NaiveDate;
use clap::ValueEnum;

use super::{project_program, say_rules, write_stdout};
use crate::case::read_case;
use crate::eval::{evaluate_with, judging_day, Options};
use crate::load::Choice;

/// Output formats of `kzrules explain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    /// For people.
    Text,
    /// The same as data.
    Json,
    /// One self-contained HTML page: the check report's timeline and tables, and the
    /// derivations day by day.
    Html,
}

/// `kzrules explain`: how each result of one case was derived.
pub(super) fn explain(
    case: &Path,
    rule: Option<&str>,
    choice: Choice<'_>,
    as_of: Option<NaiveDate>,
    format: ExplainFormat,
) -> u8 {
    let (project, program) = match project_program(choice) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    if let Some(id) = rule {
        let ids = program.rule_ids();
        if !ids.contains(&id) {
            errln!(
                "error: unknown rule `{id}` ({})",
                crate::diagnostic::suggest::did_you_mean(id, ids.iter().copied())
            );
            return 2;
        }
    }
    let (facts, _) = match super::read_one_case(case, |t| read_case(t, &program.vocabulary)) {
        Ok(read) => read,
        Err(code) => return code,
    };
    let day = judging_day(as_of, facts.as_of);
    let (mut result, explanations) = match evaluate_with(
        &program,
        &facts,
        day,
        Options {
            trace: true,
            strict_calendar: false,
            timeline: format == ExplainFormat::Html,
        },
    ) {
        Ok(r) => r,
        Err(e) => {
            errln!("{:?}", miette::Report::new(e));
            return 2;
        }
    };
    result.receipt = Some(super::receipt(&project, &program));
    let explanations: Vec<_> = explanations
        .into_iter()
        .filter(|e| rule.is_none_or(|r| e.rule == r))
        .collect();
    let explanations: Vec<&crate::eval::Explanation> = explanations.iter().collect();
    let out = match format {
        ExplainFormat::Json => crate::report::explain::json(&result, &explanations),
        ExplainFormat::Text => crate::report::explain::text(&result, &explanations),
        ExplainFormat::Html => crate::report::html::page(&result, Some(&explanations)),
    };
    let code = write_stdout(&out).max(result.exit_code());
    if format == ExplainFormat::Text && code < 2 {
        say_rules(&project, &program.sha256);
    }
    code
}
