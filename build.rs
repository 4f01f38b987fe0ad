//! Embeds the rule files of `rules/` in the binary, so that `kzrules check` works
//! anywhere without `--rules`, and the program they compile to, so that it starts
//! without parsing them.
//!
//! The program is compiled here by the crate's own compiler: the modules up to
//! `compile` (the ground layer, `syntax`, `ir`, `compile`) are included by path, so the
//! embedded program and the binary's IR always come from the same source. It is stored
//! with postcard; `load::rules::embedded_program` reads it. When the rule files do not
//! compile, no program is embedded and the binary compiles them at run time, reporting
//! every problem as before.

// The included modules are the library's; here only `compile` and the IR's serde are used.
#![allow(dead_code, unused_imports, unused_macros)]

use std::fmt::Write as _;
use std::path::Path;

#[path = "src/calendar/mod.rs"]
mod calendar;
#[path = "src/compile/mod.rs"]
mod compile;
#[path = "src/dates.rs"]
mod dates;
#[path = "src/diagnostic/mod.rs"]
mod diagnostic;
#[path = "src/english.rs"]
mod english;
#[path = "src/ir/mod.rs"]
mod ir;
#[path = "src/source.rs"]
mod source;
#[path = "src/syntax/mod.rs"]
mod syntax;
#[path = "src/vocab.rs"]
mod vocab;

fn main() {
    let dir = Path::new("rules");
    println!("cargo:rerun-if-changed=rules");
    let mut names: Vec<String> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .filter(|e| e.path().is_file())
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| n.ends_with(".kzr") || n.ends_with(".kzcal"))
            .collect(),
        Err(_) => Vec::new(),
    };
    names.sort();
    let mut code = String::from("/// The rule files of `rules/`, as (file name, text).\npub const EMBEDDED: &[(&str, &str)] = &[\n");
    let mut files = Vec::new();
    for name in &names {
        println!("cargo:rerun-if-changed=rules/{name}");
        let _ = writeln!(
            code,
            "    ({name:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/rules/{name}\"))),"
        );
        match std::fs::read_to_string(dir.join(name)) {
            Ok(text) => files.push(source::SourceFile::new(format!("rules/{name}"), text)),
            Err(e) => println!("cargo:warning=cannot read rules/{name}: {e}"),
        }
    }
    code.push_str("];\n");
    let out = std::env::var("OUT_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_default();

    // The compiled program, or nothing when the rules do not compile (or a file could
    // not be read): then the binary compiles them at run time and reports why.
    let program: Vec<u8> = if files.len() == names.len() {
        match compile::compile(files) {
            Ok(compiled) => postcard::to_allocvec(&compiled.program).unwrap_or_default(),
            Err(_) => Vec::new(),
        }
    } else {
        Vec::new()
    };
    if let Err(e) = std::fs::write(out.join("embedded_program.postcard"), &program) {
        println!("cargo:warning=cannot write the embedded program: {e}");
    }
    code.push_str(
        "/// The program `rules/` compiles to, as postcard bytes; empty when it does not compile.\n\
         pub const EMBEDDED_PROGRAM: &[u8] = include_bytes!(concat!(env!(\"OUT_DIR\"), \"/embedded_program.postcard\"));\n",
    );
    if let Err(e) = std::fs::write(out.join("embedded_rules.rs"), code) {
        println!("cargo:warning=cannot write the embedded rules: {e}");
    }
}
