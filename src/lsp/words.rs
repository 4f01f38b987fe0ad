//! What the words of the rule language mean, for hover: the keywords (their paragraph of
//! docs/language.md, embedded at build time), the document and event kinds, the countries.

/// The rule language's reference, docs/language.md.
const LANGUAGE: &str = include_str!("../../docs/language.md");

/// The keywords of the grammar (`grammar/kzrules.pest`).
pub const KEYWORDS: &[&str] = &[
    "action",
    "after",
    "age",
    "and",
    "any",
    "apply",
    "article",
    "at_least",
    "at_most",
    "bearer",
    "because",
    "before",
    "business_days",
    "by",
    "calendar_days",
    "calendar_year",
    "category",
    "cite",
    "citizen_of",
    "days",
    "days_in_kazakhstan",
    "days_late",
    "due",
    "entries",
    "exempt",
    "expiry_of",
    "extend",
    "finding",
    "fine",
    "for",
    "from",
    "holder_of",
    "host_penalties",
    "in",
    "in_force",
    "is",
    "last",
    "leave",
    "longer_than",
    "mci",
    "members",
    "months",
    "no_later_than",
    "not",
    "notify",
    "of",
    "on",
    "or",
    "other_than",
    "otherwise",
    "over",
    "parameter",
    "penalty",
    "per",
    "plus",
    "repeated",
    "rule",
    "seed",
    "set",
    "source",
    "stay",
    "title",
    "to",
    "under",
    "unless",
    "until",
    "value",
    "warning",
    "when",
    "within",
];

/// Whether `word` is written as a whole token inside a code span (between backquotes)
/// of `text`.
fn names(text: &str, word: &str) -> bool {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    text.match_indices(word).any(|(i, _)| {
        let head = text.get(..i).unwrap_or("");
        let before = head.chars().next_back();
        let after = text.get(i + word.len()..).and_then(|s| s.chars().next());
        head.matches('`').count() % 2 == 1
            && !after.is_some_and(ident)
            && !before.is_some_and(ident)
    })
}

/// The paragraph of docs/language.md about a keyword: its section (`### \`rule\``),
/// else its table row with the table's header, else the first paragraph naming it.
pub fn keyword_help(word: &str) -> Option<String> {
    if !KEYWORDS.contains(&word) {
        return None;
    }
    let lines: Vec<&str> = LANGUAGE.lines().collect();
    // A section whose heading names the keyword.
    if let Some(start) = lines
        .iter()
        .position(|l| l.starts_with('#') && names(l, word))
    {
        return Some(section(&lines, start));
    }
    // A table row whose first cell names it.
    if let Some(row) = lines.iter().position(|l| {
        l.starts_with('|') && l.split('|').nth(1).is_some_and(|cell| names(cell, word))
    }) {
        let header = lines
            .get(..row)
            .unwrap_or(&[])
            .iter()
            .rposition(|l| !l.starts_with('|'))
            .map_or(0, |i| i + 1);
        let head = lines.get(header).unwrap_or(&"");
        let rule = lines.get(header + 1).unwrap_or(&"");
        let line = lines.get(row).unwrap_or(&"");
        return Some(format!("{head}\n{rule}\n{line}"));
    }
    // The first paragraph (outside code blocks) naming it.
    let mut in_code = false;
    let mut paragraph: Vec<&str> = Vec::new();
    for line in lines.iter().chain(std::iter::once(&"")) {
        if line.starts_with("```") {
            in_code = !in_code;
            paragraph.clear();
            continue;
        }
        if in_code {
            continue;
        }
        if line.trim().is_empty() {
            if paragraph.iter().any(|l| names(l, word)) {
                return Some(paragraph.join("\n"));
            }
            paragraph.clear();
        } else {
            paragraph.push(line);
        }
    }
    // The section of the first example (code block) that uses it.
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut in_code = false;
    let mut heading = 0;
    for (i, line) in lines.iter().enumerate() {
        if line.starts_with('#') && !in_code {
            heading = i;
        }
        if line.starts_with("```") {
            in_code = !in_code;
        } else if in_code && line.split(|c: char| !ident(c)).any(|w| w == word) {
            return Some(section(&lines, heading));
        }
    }
    None
}

/// The heading on line `start` of docs/language.md and its text up to the next
/// heading, at most 30 lines.
fn section(lines: &[&str], start: usize) -> String {
    let rest = lines.get(start + 1..).unwrap_or(&[]);
    let end = rest
        .iter()
        .position(|l| l.starts_with('#'))
        .unwrap_or(rest.len())
        .min(30);
    let body = rest.get(..end).unwrap_or(&[]).join("\n");
    format!("{}\n{}", lines.get(start).unwrap_or(&""), body.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_keyword_has_a_paragraph() {
        let missing: Vec<&&str> = KEYWORDS
            .iter()
            .filter(|k| keyword_help(k).is_none())
            .collect();
        assert!(
            missing.is_empty(),
            "no paragraph in docs/language.md: {missing:?}"
        );
    }

    #[test]
    fn a_declaration_keyword_gives_its_section() {
        let help = keyword_help("parameter").unwrap_or_default();
        assert!(help.starts_with("### `parameter`"), "{help}");
        let help = keyword_help("holder_of").unwrap_or_default();
        assert!(help.contains("| `holder_of DOCUMENT` |"), "{help}");
        assert!(help.starts_with("| condition | holds when |"), "{help}");
    }
}
