//! What the criterion benchmarks share: the generated cases, the built-in program, the
//! judging day of cases that give none.

use std::path::Path;
use std::process::Command;

use chrono::NaiveDate;
use kzrules::compile::compile;
use kzrules::ir::Program;

/// How many generated cases the batch benchmarks run over (seed 1).
pub const BATCH: usize = 1000;

/// The case lines the benchmarks run over: `KZRULES_BENCH_CASES`, else generated.
pub fn case_lines() -> Vec<String> {
    let text = match std::env::var_os("KZRULES_BENCH_CASES") {
        Some(path) => std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read `{}`: {e}", Path::new(&path).display())),
        None => {
            let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/gen_cases.py");
            let out = Command::new("python3")
                .arg(&script)
                .args(["-n", &BATCH.to_string(), "--seed", "1"])
                .output()
                .unwrap_or_else(|e| {
                    panic!("cannot run `python3 {}`: {e}; set KZRULES_BENCH_CASES to a JSON Lines file", script.display())
                });
            assert!(
                out.status.success(),
                "gen_cases.py failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            String::from_utf8(out.stdout).expect("gen_cases.py prints UTF-8")
        }
    };
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect()
}

/// The built-in rules, compiled.
pub fn program() -> Program {
    compile(kzrules::load::rules::embedded())
        .expect("the embedded rules compile")
        .program
}

/// The judging day of a case without `as_of`.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 6, 1).expect("a date")
}
