//! `kzrules explain-code CODE`: the section of docs/errors.md that explains a diagnostic
//! code, from the copy built into the binary.

use super::write_stdout;
use crate::diagnostic::suggest::nearest;

/// docs/errors.md, as built in.
const ERRORS_MD: &str = include_str!("../../docs/errors.md");

/// Every code's section: `(code, text)`, the text without its heading, in the order of
/// docs/errors.md. A section is a `### CODE` heading and what follows it up to the next
/// heading.
fn sections() -> Vec<(&'static str, String)> {
    let mut out: Vec<(&'static str, String)> = Vec::new();
    let mut current: Option<(&'static str, String)> = None;
    for line in ERRORS_MD.lines() {
        if line.starts_with('#') {
            out.extend(current.take());
            if let Some(code) = line.strip_prefix("### ") {
                current = Some((code.trim(), String::new()));
            }
        } else if let Some((_, text)) = current.as_mut() {
            text.push_str(line);
            text.push('\n');
        }
    }
    out.extend(current);
    out
}

/// The first sentence of a section, on one line.
fn first_line(text: &str) -> String {
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match joined.find(". ") {
        Some(i) => joined.get(..=i).unwrap_or(&joined).to_string(),
        None => joined,
    }
}

/// `kzrules explain-code [CODE] [--list]`: exit 0, or 2 for an unknown code.
pub(super) fn explain_code(code: Option<&str>, list: bool) -> u8 {
    let sections = sections();
    let Some(code) = code.filter(|_| !list) else {
        let mut out = String::new();
        for (code, text) in &sections {
            out.push_str(&format!("{code}  {}\n", first_line(text)));
        }
        return write_stdout(&out);
    };
    let wanted = code.trim();
    let found = sections
        .iter()
        .find(|(c, _)| *c == wanted || c.strip_prefix("kzrules::") == Some(wanted));
    match found {
        Some((code, text)) => {
            let body = text.trim_matches('\n');
            write_stdout(&format!("{code}\n\n{body}\n"))
        }
        None => {
            let codes: Vec<&str> = sections.iter().map(|(c, _)| *c).collect();
            let long = if wanted.starts_with("kzrules::") {
                wanted.to_string()
            } else {
                format!("kzrules::{wanted}")
            };
            let list = "`kzrules explain-code --list` lists every code";
            errln!("error: no diagnostic code `{wanted}`");
            match nearest(&long, codes.iter().copied()) {
                Some(near) => errln!("  help: did you mean `{near}`? ({list})"),
                None => errln!("  help: {list}"),
            }
            2
        }
    }
}
