//! English for messages and reports: counted nouns, articles, lists, thousands.

use std::fmt::Write as _;

/// `1 day`, `2 days`: a count with its noun.
pub fn counted(n: u64, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// `s` unless `n` is 1.
pub fn plural_s(n: u32) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The plural of a noun of the case contract's messages: `numbers of entries`, `hosts`.
pub fn plural(noun: &str) -> String {
    match noun.strip_prefix("number of ") {
        Some(rest) => format!("numbers of {rest}"),
        None => format!("{noun}s"),
    }
}

/// The indefinite article of `noun`: `a` or `an`.
pub fn article(noun: &str) -> &'static str {
    if noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// `a visa`, `an employment contract`.
pub fn with_article(noun: &str) -> String {
    format!("{} {noun}", article(noun))
}

/// `s` with its first letter in upper case.
pub fn upper_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Digits grouped by thousands: 73840 → "73,840".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `s` cut to `max` characters, with `…` when cut.
pub fn shorten(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        None => s.to_string(),
        Some((at, _)) => format!("{}…", s.get(..at).unwrap_or_default()),
    }
}

/// `names` as "`a`, `b`, `c`", at most `max` of them (then `, ...`), each cut to 40
/// characters.
pub fn name_list<'a>(names: impl IntoIterator<Item = &'a str>, max: usize) -> String {
    let mut out = String::new();
    for (count, name) in names.into_iter().enumerate() {
        if count == max {
            out.push_str(", ...");
            break;
        }
        if count > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "`{}`", shorten(name, 40));
    }
    out
}
