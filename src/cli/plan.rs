//! `kzrules plan`: is a planned trip lawful, how long may it last, what duties it brings.
//! Exit 0: every trip lawful as planned; 1: a trip is not; 2: bad input.

use std::path::Path;

use chrono::NaiveDate;
use clap::ValueEnum;

use super::{project_program, write_stdout};
use crate::case::parse_case;
use crate::eval::judging_day;
use crate::load::Choice;
use crate::tools::plan::{plan, text, Trip};

/// Output formats of `kzrules plan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    /// For people.
    Text,
    /// One JSON document (`kzrules schema plan`).
    Json,
}

/// The trips of the command line: entries in date order, each paired with the exit
/// (`--leave`) or the length (`--days`) given in the same order; the last trip may have
/// neither (as long as the law allows).
pub(super) fn trips(
    enter: &[NaiveDate],
    leave: &[NaiveDate],
    days: &[u32],
) -> Result<Vec<Trip>, String> {
    if !leave.is_empty() && !days.is_empty() {
        return Err(String::from(
            "give the trips' ends either with --leave or with --days, not both",
        ));
    }
    let ends = leave.len().max(days.len());
    if ends > enter.len() || ends + 1 < enter.len() {
        return Err(format!(
            "{} --enter but {ends} --leave/--days: give one end per trip (the last trip may have none)",
            enter.len()
        ));
    }
    let mut out = Vec::with_capacity(enter.len());
    for (i, e) in enter.iter().enumerate() {
        let end = match (leave.get(i), days.get(i)) {
            (Some(l), _) => Some(*l),
            (None, Some(0)) => return Err(String::from("--days must be at least 1")),
            (None, Some(n)) => e.checked_add_days(chrono::Days::new(u64::from(*n - 1))),
            (None, None) => None,
        };
        out.push(Trip {
            enter: *e,
            leave: end,
        });
    }
    Ok(out)
}

/// `kzrules plan`.
pub(super) fn plan_command(
    case: &Path,
    trips: &[Trip],
    choice: Choice<'_>,
    as_of: Option<NaiveDate>,
    format: PlanFormat,
) -> u8 {
    let (_, program) = match project_program(choice) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let (parsed, input) = match super::read_one_case(case, |t| parse_case(t, &program.vocabulary)) {
        Ok(read) => read,
        Err(code) => return code,
    };
    let day = judging_day(as_of, parsed.as_of);
    let result = match plan(&program, &parsed, day, trips) {
        Ok(r) => r,
        Err(e) => {
            errln!("{input}: error: {e}");
            return 2;
        }
    };
    let out = match format {
        PlanFormat::Text => text(&result),
        PlanFormat::Json => match serde_json::to_string_pretty(&result) {
            Ok(j) => j + "\n",
            Err(e) => {
                errln!("error: cannot write the plan as JSON: {e}");
                return 2;
            }
        },
    };
    write_stdout(&out).max(result.exit_code())
}
