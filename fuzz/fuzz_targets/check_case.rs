//! Case bytes → `read_case` → evaluated against the embedded rules (with and without
//! tracing) → the result as JSON. Any input may be refused; none may panic or hang.

#![no_main]

use std::sync::OnceLock;

use chrono::NaiveDate;
use kzrules::compile::compile;
use kzrules::ir::Program;
use kzrules::case::read_case;
use kzrules::eval::{evaluate_with, Options};
use libfuzzer_sys::fuzz_target;

fn program() -> &'static Program {
    static PROGRAM: OnceLock<Program> = OnceLock::new();
    PROGRAM.get_or_init(|| match compile(kzrules::load::rules::embedded()) {
        Ok(c) => c.program,
        Err(d) => panic!("the embedded rules do not compile: {d}"),
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match read_case(text) {
        Ok(facts) => {
            let as_of = facts
                .as_of
                .or_else(|| NaiveDate::from_ymd_opt(2024, 6, 1))
                .unwrap_or_default();
            let trace = data.len() % 2 == 0;
            if let Ok((result, _)) = evaluate_with(program(), &facts, as_of, Options { trace, ..Options::default() }) {
                let _ = kzrules::report::json::line(&result);
                let _ = kzrules::report::text::render(&result, false);
            }
        }
        Err(e) => {
            let _ = e.one_line();
            let _ = format!(
                "{:?}",
                miette::Report::new(e).with_source_code(text.to_string())
            );
        }
    }
});
