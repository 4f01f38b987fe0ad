//! "Did you mean": one policy for every misspelt name, in rule files, the calendar file,
//! case files, rule-test files and command arguments.
//!
//! A known name is suggested when it is the same but for case, `-`, `_` and spaces, when
//! it is within a few edits (Damerau-Levenshtein: 1 edit up to 4 characters, 2 up to 8,
//! 3 beyond, and always fewer edits than the word has characters), or when one of the two
//! contains the other (4 characters at least). The nearest wins; on a tie, the first.

use crate::english::{name_list, shorten};

/// The known name nearest to `word`, if one is near enough to be a likely typo.
pub fn nearest<'a, I>(word: &str, names: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let word = normalise(&shorten(word, 100));
    let word_chars = word.chars().count();
    let mut best: Option<(usize, &'a str)> = None;
    for name in names {
        if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let norm = normalise(name);
        if norm == word {
            return Some(name);
        }
        let longest = word_chars.max(norm.chars().count());
        let allowed = match longest {
            0..=4 => 1,
            5..=8 => 2,
            _ => 3,
        };
        let distance = strsim::damerau_levenshtein(&word, &norm);
        let shorter = word_chars.min(norm.chars().count());
        let contained = shorter >= 4 && (norm.contains(&word) || word.contains(&norm));
        let score = if distance <= allowed && distance < word_chars {
            distance
        } else if contained {
            allowed + 1
        } else {
            continue;
        };
        if best.is_none_or(|(b, _)| score < b) {
            best = Some((score, name));
        }
    }
    best.map(|(_, name)| name)
}

/// A help line "did you mean `x`? (known names: ...)", or only the known names.
pub fn did_you_mean<'a, I>(word: &str, known: I) -> String
where
    I: IntoIterator<Item = &'a str> + Clone,
{
    let list: Vec<&str> = known.clone().into_iter().collect();
    let names = if list.is_empty() {
        String::from("none is declared")
    } else if list.len() <= 12 {
        format!(
            "known names: {}",
            name_list(list.iter().copied(), list.len())
        )
    } else {
        format!("{} known names", list.len())
    };
    match nearest(word, known) {
        Some(k) => format!("did you mean `{k}`? ({names})"),
        None => names,
    }
}

/// A help line "did you mean `x`? INTRO: `a`, `b`, ..." (at most `max` names listed), or
/// only the list.
pub fn did_you_mean_among(word: &str, names: &[&str], intro: &str, max: usize) -> String {
    let list = name_list(names.iter().copied(), max);
    match nearest(word, names.iter().copied()) {
        Some(n) => format!("did you mean `{n}`? {intro}: {list}"),
        None => format!("{intro}: {list}"),
    }
}

fn normalise(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '-' | ' ' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}
