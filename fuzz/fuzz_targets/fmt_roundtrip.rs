//! `kzrules fmt` keeps meaning and is idempotent: for any rule text that formats,
//! parse(fmt(x)) has the same tree as parse(x), and fmt(fmt(x)) == fmt(x).

#![no_main]

use kzrules::source::SourceFile;
use kzrules::tools::fmt::{format_source, tree_without_spans};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(formatted) = format_source(text) else {
        return;
    };
    let before = kzrules::syntax::parse(0, &SourceFile::new("input", text));
    let after = kzrules::syntax::parse(0, &SourceFile::new("input", formatted.as_str()));
    match (before, after) {
        (Ok(before), Ok(after)) => assert_eq!(
            tree_without_spans(&before),
            tree_without_spans(&after),
            "formatting changed the tree of:\n{text}\n---- formatted:\n{formatted}"
        ),
        (before, after) => panic!(
            "formatted a text whose parse gives {:?}, to one whose parse gives {:?}",
            before.is_ok(),
            after.is_ok()
        ),
    }
    match format_source(&formatted) {
        Ok(again) => assert_eq!(again, formatted, "formatting is not idempotent on:\n{text}"),
        Err(e) => panic!("the formatted text does not format again: {e:?}\n{formatted}"),
    }
});
