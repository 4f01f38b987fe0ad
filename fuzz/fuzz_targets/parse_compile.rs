//! Rule text → `syntax::parse` and `compile` with the embedded calendar, then every
//! diagnostic drawn. Any input may be refused; none may panic, hang or crash.

#![no_main]

use kzrules::compile::compile;
use kzrules::source::SourceFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source = SourceFile::new("fuzz.kzr", text);
    let _ = kzrules::syntax::parse(0, &source);
    let mut files: Vec<SourceFile> = kzrules::load::rules::embedded()
        .into_iter()
        .filter(|f| f.name.ends_with(".kzcal"))
        .collect();
    files.push(source);
    match compile(files) {
        Ok(compiled) => {
            let _ = compiled.warnings.render_plain();
        }
        Err(diagnostics) => {
            let _ = diagnostics.render_plain();
            for d in &diagnostics.list {
                let _ = d.one_line();
            }
        }
    }
});
