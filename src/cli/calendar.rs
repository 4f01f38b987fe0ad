//! `kzrules calendar`: the business-day calendar of a rule set, listed or counted.

use super::{parse_date, project_program, say_rules, write_stdout};
use crate::load::Choice;

/// `kzrules calendar YEAR` and `kzrules calendar add DATE N UNIT`.
pub(super) fn calendar(args: &[String], choice: Choice<'_>) -> u8 {
    let (project, program) = match project_program(choice) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let code = answer(args, &program);
    if code == 0 {
        say_rules(&project, &program.sha256);
    }
    code
}

/// The listing or the count asked for, from the rule set's calendar.
fn answer(args: &[String], program: &crate::ir::Program) -> u8 {
    let calendar = &program.calendar;
    let usage = "usage: `kzrules calendar YEAR` or `kzrules calendar add DATE N business_days|calendar_days`";
    match args {
        [year] => {
            let Ok(year) = year.parse::<i32>() else {
                errln!("error: `{year}` is not a year ({usage})");
                return 2;
            };
            match calendar.year_listing(year) {
                Ok(days) => {
                    let mut out = String::new();
                    if let Some(why) = calendar.is_provisional(year) {
                        out.push_str(&format!("# provisional: {why}\n"));
                    }
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
                    errln!("{:?}", miette::Report::new(e));
                    2
                }
            }
        }
        [add, date, n, unit] if add == "add" => {
            let Ok(date) = parse_date(date) else {
                errln!("error: `{date}` is not a date: write YYYY-MM-DD, a real calendar day");
                return 2;
            };
            let Ok(n) = n.parse::<u32>() else {
                errln!("error: `{n}` is not a number of days");
                return 2;
            };
            if n == 0 {
                errln!("error: count at least 1 day: the start's own day is day 1");
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
                        if let Some(note) = &count.provisional {
                            out.push_str(&format!("  provisional: {note}\n"));
                        }
                        write_stdout(&out)
                    }
                    Err(e) => {
                        errln!("{:?}", miette::Report::new(e));
                        2
                    }
                },
                "calendar_days" => match crate::calendar::within_calendar_days(date, n) {
                    Some(due) => write_stdout(&format!(
                        "{due} (within {n} calendar days of {date}, {date} being day 1)\n"
                    )),
                    None => {
                        errln!("error: the count runs past the last date kzrules can represent");
                        2
                    }
                },
                other => {
                    errln!(
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
            errln!("error: {usage}");
            2
        }
    }
}
