//! Syntax: rule file text → AST with spans (grammar in `grammar/kzrules.pest`).
//!
//! A syntax error is reported in the analyst's words ("expected a number of days"),
//! never with the grammar's rule names, at the exact place, with the file name.

pub mod ast;

use pest::error::{ErrorVariant, InputLocation};
use pest::iterators::Pair;
use pest::Parser as _;

use crate::diagnostic::Diagnostic;
use crate::source::{SourceFile, Span, Spanned};
use ast::*;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/kzrules.pest"]
struct RuleParser;

/// Parse one rule file. `file_index` is the file's index in the rule set, kept in spans.
/// Every syntax error of the file is reported (see [`parse_recovering`]).
pub fn parse(file_index: u32, source: &SourceFile) -> Result<File, Vec<Diagnostic>> {
    let (file, errors) = parse_recovering(file_index, source);
    if errors.is_empty() {
        Ok(file)
    } else {
        Err(errors)
    }
}

/// How deep `(` and `{` may nest in a rule file.
pub const MAX_NESTING: usize = 32;

/// The characters of `text` that stand outside strings and comments, with their offsets:
/// what the bracket checks look at.
fn code_chars(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let mut in_string = false;
    let mut in_comment = false;
    let mut escaped = false;
    text.char_indices().filter(move |&(_, c)| {
        if in_comment {
            in_comment = c != '\n';
        } else if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' || c == '\n' {
                in_string = false;
            }
        } else {
            match c {
                '#' => in_comment = true,
                '"' => in_string = true,
                _ => return true,
            }
        }
        false
    })
}

/// The offset of the first bracket nested deeper than [`MAX_NESTING`], outside strings
/// and comments.
fn too_deep(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (offset, c) in code_chars(text) {
        match c {
            '(' | '{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(offset);
                }
            }
            ')' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// The words that start a declaration at the beginning of a line.
const DECLARATIONS: &[&str] = &[
    "source",
    "set",
    "parameter",
    "penalty",
    "fee",
    "rule",
    "exempt",
    "extend",
];

/// Parse one rule file, recovering after a syntax error: the file is cut before every
/// line that starts (in its first column) with a declaration keyword, each piece is
/// parsed alone, and the declarations of the pieces that parse are kept. So one typo
/// in one rule does not hide the problems of the next ones.
pub fn parse_recovering(file_index: u32, source: &SourceFile) -> (File, Vec<Diagnostic>) {
    let text: &str = &source.text;
    // The parser and the compiler recurse into brackets: refuse absurd nesting before
    // it can exhaust the stack.
    if let Some(offset) = too_deep(text) {
        let error = Diagnostic::error(
            "kzrules::too_deep",
            source,
            Span::new(file_index, offset, offset + 1),
            format!("brackets nested more than {MAX_NESTING} deep"),
        )
        .label(format!("bracket number {}", MAX_NESTING + 1))
        .help("write the condition with fewer brackets: `and` binds tighter than `or`, so most need none");
        return (File::default(), vec![error]);
    }
    // A file that parses whole is taken whole: the cut is only a way to go on after an error.
    if let Ok(pairs) = RuleParser::parse(Rule::file, text) {
        return build(file_index, 0, source, pairs);
    }
    let mut starts = vec![0usize];
    let mut offset = 0usize;
    for line in text.split_inclusive('\n') {
        let starts_declaration = DECLARATIONS.iter().any(|k| {
            line.strip_prefix(k)
                .is_some_and(|rest| rest.starts_with(' ') || rest.starts_with('\t'))
        });
        if starts_declaration && offset > 0 {
            starts.push(offset);
        }
        offset += line.len();
    }
    starts.push(text.len());
    let mut file = File::default();
    let mut errors = Vec::new();
    for window in starts.windows(2) {
        let (Some(&start), Some(&end)) = (window.first(), window.get(1)) else {
            continue;
        };
        let Some(piece) = text.get(start..end) else {
            continue;
        };
        match RuleParser::parse(Rule::file, piece) {
            Ok(pairs) => {
                let (mut part, mut part_errors) = build(file_index, start, source, pairs);
                file.items.append(&mut part.items);
                errors.append(&mut part_errors);
            }
            Err(error) => errors.push(syntax_error(source, file_index, start, piece, &error)),
        }
    }
    (file, errors)
}

/// The AST of a parsed piece of a file that starts at byte `base`.
fn build(
    file_index: u32,
    base: usize,
    source: &SourceFile,
    pairs: pest::iterators::Pairs<'_, Rule>,
) -> (File, Vec<Diagnostic>) {
    let mut builder = Builder {
        file: file_index,
        base,
        source,
        errors: Vec::new(),
    };
    let mut file = File::default();
    for pair in pairs.flatten().take(1) {
        for item in pair.into_inner() {
            if let Some(item) = builder.item(item) {
                file.items.push(item);
            }
        }
    }
    (file, builder.errors)
}

/// The grammar's rules in the analyst's words, for "expected ..." messages.
fn describe(rule: Rule) -> &'static str {
    match rule {
        Rule::EOI => "the end of the file",
        Rule::item
        | Rule::source_decl
        | Rule::set_decl
        | Rule::parameter_decl
        | Rule::penalty_decl
        | Rule::rule_decl
        | Rule::exemption_decl
        | Rule::extension
        | Rule::fee_decl
        | Rule::event_decl
        | Rule::document_decl
        | Rule::purpose_decl
        | Rule::verb_decl => "a declaration (`rule`, `penalty`, `parameter`, `set`, `source`, `exempt`, `extend`, `fee`, `event`, `document`, `purpose` or `verb`)",
        Rule::event_clause => "an event clause (`title`, `cite`, `role`, `}`)",
        Rule::document_clause => "a document clause (`title`, `cite`, `fields`, `role`, `}`)",
        Rule::purpose_clause => "a purpose clause (`title`, `cite`, `}`)",
        Rule::verb_clause => "a verb clause (`title`, `cite`, `fulfilled_by`, `}`)",
        Rule::role => "`role ROLE`",
        Rule::fields => "`fields FIELD, FIELD`",
        Rule::fulfilled_by => "`fulfilled_by EVENT`",
        Rule::fee_clause => "a fee clause (`title`, `cite`, `in_force`, `on`, `when`, `amount`, `}`)",
        Rule::fee_amount => "`amount N mci`",
        Rule::decimal => "an amount in MCI (e.g. `0.5` or `30`)",
        Rule::ident => "a name (lowercase letters, digits and `_`)",
        Rule::string | Rule::string_text => "a text in double quotes",
        Rule::date => "a date (YYYY-MM-DD)",
        Rule::number => "a number",
        Rule::country | Rule::country_list | Rule::country_set => "a country code (two capital letters, e.g. `KG`)",
        Rule::code | Rule::code_set => "a visa category (e.g. `C3`)",
        Rule::title => "`title`",
        Rule::citation => "`cite`",
        Rule::in_force => "`in_force`",
        Rule::in_force_from => "`from DATE`",
        Rule::in_force_until => "`until DATE`",
        Rule::members => "`members`",
        Rule::parameter_value => "`value`",
        Rule::value_until => "`until DATE`",
        Rule::branch => "a penalty branch (`when ...:` or `otherwise:`)",
        Rule::otherwise => "`otherwise`",
        Rule::penalty_cond | Rule::days_late_cond | Rule::repeated_cond => {
            "a penalty condition (`days_late at_most N`, `repeated \"518\" within 12 months`, `host is individual`)"
        }
        Rule::sanction | Rule::warning_or_fine | Rule::warning | Rule::fine | Rule::no_penalty => "`warning`, `fine N mci` or `no_penalty`",
        Rule::sized_amounts | Rule::sized_amount | Rule::host_size => {
            "a host size (`small`, `medium`, `large`, `non_profit`, `official`)"
        }
        Rule::amount => "an amount (`N` or `N to M`)",
        Rule::compare => "`at_most`, `at_least`, `over` or `under`",
        Rule::rule_clause
        | Rule::bearer
        | Rule::action
        | Rule::on_clause
        | Rule::when_clause
        | Rule::penalty_ref
        | Rule::finding
        | Rule::basis => "a rule clause (`title`, `cite`, `bearer`, `action`, a duty, `when`, `unless`, `penalty`, `finding`, `basis`, `}`)",
        Rule::or_later => "`or_later` and a deadline",
        Rule::day_of_stay => "`day_of_stay at_most N`",
        Rule::after_event => "`after EVENT`",
        Rule::without_basis => "`without_basis`",
        Rule::unless_clause => "`unless`",
        Rule::severity => "`error`, `warning` or `info`",
        Rule::duty | Rule::verb | Rule::apply_verb => "a duty (e.g. `notify within 3 business_days of entry`)",
        Rule::within_of | Rule::before_expiry | Rule::by_expiry | Rule::monthly | Rule::rolling => {
            "a deadline (`within N business_days of EVENT`, `no_later_than N calendar_days before expiry_of DOCUMENT`, `by expiry_of DOCUMENT`, `by day N of each month from EVENT`, `within N days in any M days`)"
        }
        Rule::unit => "`business_days` or `calendar_days`",
        Rule::triggers => "an event kind (e.g. `entry`)",
        Rule::condition | Rule::conjunction | Rule::negation | Rule::not => "a condition",
        Rule::holder_of => "`holder_of DOCUMENT`",
        Rule::doc_filter | Rule::category_filter | Rule::entries_filter | Rule::length_filter | Rule::employer_filter => {
            "`category CODE`, `entries single`, `longer_than N months` or `employer other_than host`"
        }
        Rule::issued_in_stay => "`issued_in_stay`",
        Rule::citizen_of => "`citizen_of SET`",
        Rule::age_under => "`age under N`",
        Rule::stay_longer => "`stay longer_than N days`",
        Rule::is_cond | Rule::ident_set => "`SUBJECT is VALUE`",
        Rule::date_cond | Rule::date_expr => "`expiry_of DOCUMENT before ...`",
        Rule::period_unit => "`months` or `days`",
        Rule::measure_cond | Rule::measure | Rule::measure_name | Rule::measure_arg => "a measure (e.g. `days_in_kazakhstan`)",
        Rule::window | Rule::per_year | Rule::any_months | Rule::last_months | Rule::last_days => {
            "`per calendar_year`, `in any N months`, `in the last N months` or `in the last N days`"
        }
        Rule::file | Rule::WHITESPACE | Rule::COMMENT | Rule::id_char | Rule::keyword => "more text",
        Rule::set_clause | Rule::parameter_clause | Rule::penalty_clause | Rule::penalty_atom | Rule::limit | Rule::atom => "a clause",
    }
}

/// The literal tokens (keywords, punctuation) the grammar would accept at the furthest
/// place a parse of `text` reached, with that place: pest's expected tokens there.
fn expected_tokens(text: &str) -> Option<(usize, Vec<String>)> {
    // pest's detail is a global switch read when a parse starts, and costs every parse
    // about as much again: it is on only for this parse. The lock keeps another thread
    // from switching it off before this parse has started.
    static DETAIL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let guard = DETAIL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    pest::set_error_detail(true);
    let result = RuleParser::parse(Rule::file, text);
    pest::set_error_detail(false);
    drop(guard);
    let error = result.err()?;
    let attempts = error.parse_attempts()?;
    // pest does not name the token type; its text is the literal (`title`, `}`), or
    // `a..z` for a range and `BUILTIN_RULE`, which no keyword looks like.
    let tokens = attempts
        .expected_tokens()
        .into_iter()
        .map(|t| t.to_string())
        .collect();
    Some((attempts.max_position, tokens))
}

/// The keywords among tokens.
fn keywords(tokens: &[String]) -> Vec<String> {
    tokens
        .iter()
        .filter(|t| t.len() > 1 && t.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        .cloned()
        .collect()
}

/// A word of the rule language: letters (of any script, to catch look-alikes), digits, `_`.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The byte range of the word around `at` in `text` (empty when none is there).
fn word_around(text: &str, at: usize) -> (usize, usize) {
    let before = text.get(..at).unwrap_or("");
    let start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_word_char(*c))
        .last()
        .map_or(at, |(i, _)| i);
    let after = text.get(at..).unwrap_or("");
    let end = after
        .char_indices()
        .find(|(_, c)| !is_word_char(*c))
        .map_or(text.len(), |(i, _)| at + i);
    (start, end)
}

/// A letter of another script that looks like a Latin one: its Latin twin and script.
fn lookalike(c: char) -> Option<(char, &'static str)> {
    const TABLE: &[(char, char, &str)] = &[
        ('а', 'a', "Cyrillic"),
        ('в', 'b', "Cyrillic"),
        ('е', 'e', "Cyrillic"),
        ('ё', 'e', "Cyrillic"),
        ('і', 'i', "Cyrillic"),
        ('ј', 'j', "Cyrillic"),
        ('к', 'k', "Cyrillic"),
        ('м', 'm', "Cyrillic"),
        ('н', 'h', "Cyrillic"),
        ('о', 'o', "Cyrillic"),
        ('р', 'p', "Cyrillic"),
        ('с', 'c', "Cyrillic"),
        ('т', 't', "Cyrillic"),
        ('у', 'y', "Cyrillic"),
        ('х', 'x', "Cyrillic"),
        ('ѕ', 's', "Cyrillic"),
        ('һ', 'h', "Cyrillic"),
        ('ԁ', 'd', "Cyrillic"),
        ('ү', 'y', "Cyrillic"),
        ('А', 'A', "Cyrillic"),
        ('В', 'B', "Cyrillic"),
        ('Е', 'E', "Cyrillic"),
        ('І', 'I', "Cyrillic"),
        ('Ј', 'J', "Cyrillic"),
        ('К', 'K', "Cyrillic"),
        ('М', 'M', "Cyrillic"),
        ('Н', 'H', "Cyrillic"),
        ('О', 'O', "Cyrillic"),
        ('Р', 'P', "Cyrillic"),
        ('С', 'C', "Cyrillic"),
        ('Т', 'T', "Cyrillic"),
        ('У', 'Y', "Cyrillic"),
        ('Х', 'X', "Cyrillic"),
        ('Ѕ', 'S', "Cyrillic"),
        ('α', 'a', "Greek"),
        ('ε', 'e', "Greek"),
        ('ι', 'i', "Greek"),
        ('κ', 'k', "Greek"),
        ('ν', 'v', "Greek"),
        ('ο', 'o', "Greek"),
        ('ρ', 'p', "Greek"),
        ('τ', 't', "Greek"),
        ('υ', 'u', "Greek"),
        ('χ', 'x', "Greek"),
        ('Α', 'A', "Greek"),
        ('Β', 'B', "Greek"),
        ('Ε', 'E', "Greek"),
        ('Ζ', 'Z', "Greek"),
        ('Η', 'H', "Greek"),
        ('Ι', 'I', "Greek"),
        ('Κ', 'K', "Greek"),
        ('Μ', 'M', "Greek"),
        ('Ν', 'N', "Greek"),
        ('Ο', 'O', "Greek"),
        ('Ρ', 'P', "Greek"),
        ('Τ', 'T', "Greek"),
        ('Υ', 'Y', "Greek"),
        ('Χ', 'X', "Greek"),
    ];
    TABLE
        .iter()
        .find(|(other, _, _)| *other == c)
        .map(|(_, latin, script)| (*latin, *script))
}

/// A word that holds a letter of another script looking like a Latin one (`сite` with a
/// Cyrillic `с`): named, with the word in Latin letters as the fix.
fn lookalike_error(source: &SourceFile, file_index: u32, position: usize) -> Option<Diagnostic> {
    let text: &str = &source.text;
    let (start, end) = word_around(text, position);
    let word = text.get(start..end)?;
    let (offset, c, latin, script) = word
        .char_indices()
        .find_map(|(i, c)| lookalike(c).map(|(l, s)| (i, c, l, s)))?;
    let fixed: String = word
        .chars()
        .map(|c| lookalike(c).map_or(c, |(l, _)| l))
        .collect();
    let at = start + offset;
    Some(
        Diagnostic::error(
            "kzrules::lookalike",
            source,
            Span::new(file_index, at, at + c.len_utf8()),
            format!(
                "the `{c}` in `{word}` is {script} (U+{:04X}); type the Latin `{latin}`",
                u32::from(c)
            ),
        )
        .label(format!("{script} `{c}`"))
        .help(format!(
            "write `{fixed}`: keywords and names are written in Latin letters (a keyboard layout switched by mistake types look-alikes)"
        ))
        .fix(Span::new(file_index, start, end), fixed),
    )
}

/// A typographic quote from a word processor on the line of the error, named with the
/// straight quote as the fix.
fn quote_error(source: &SourceFile, file_index: u32, position: usize) -> Option<Diagnostic> {
    let text: &str = &source.text;
    let line_start = text.get(..position)?.rfind('\n').map_or(0, |i| i + 1);
    let line_end = text
        .get(position..)?
        .find('\n')
        .map_or(text.len(), |i| position + i);
    let line = text.get(line_start..line_end)?;
    let (offset, c) = line.char_indices().find(|(_, c)| {
        matches!(
            c,
            '“' | '”' | '„' | '‟' | '‘' | '’' | '‚' | '«' | '»' | '‹' | '›'
        )
    })?;
    let at = line_start + offset;
    let name = match c {
        '«' | '»' | '‹' | '›' => "a guillemet",
        _ => "a typographic quote",
    };
    Some(
        Diagnostic::error(
            "kzrules::typographic_quote",
            source,
            Span::new(file_index, at, at + c.len_utf8()),
            format!("`{c}` is {name} (U+{:04X}); type the straight `\"`", u32::from(c)),
        )
        .label(name)
        .help("texts are written between straight double quotes `\"`: a word processor or an autocorrecting editor puts curly ones")
        .fix(Span::new(file_index, at, at + c.len_utf8()), "\""),
    )
}

/// The brackets of `text` outside strings and comments: the offset of the first `{`
/// still open at its end.
fn unclosed_brace(text: &str) -> Option<usize> {
    let mut open: Vec<usize> = Vec::new();
    for (offset, c) in code_chars(text) {
        match c {
            '{' => open.push(offset),
            '}' => {
                open.pop();
            }
            _ => {}
        }
    }
    open.first().copied()
}

/// Whether only white space and comments stand in `text`.
fn blank(text: &str) -> bool {
    text.lines().all(|l| {
        l.trim_start_matches([' ', '\t', '\r', '\u{feff}'])
            .is_empty()
            || l.trim_start().starts_with('#')
    })
}

/// A block whose `}` is missing (the piece ends inside it): reported where it opens.
fn unclosed_error(
    source: &SourceFile,
    file_index: u32,
    base: usize,
    piece: &str,
    at: usize,
) -> Option<Diagnostic> {
    if !blank(piece.get(at..)?) {
        return None;
    }
    let open = unclosed_brace(piece)?;
    let mut words = piece.get(..open)?.split_whitespace().rev();
    let name = words.next()?;
    let kind = words.next()?;
    if !DECLARATIONS.contains(&kind) {
        return None;
    }
    // Where the `}` goes: after the block's last token, on a line of its own.
    let mut last = 0;
    let mut offset = 0;
    for line in piece.get(..at)?.split_inclusive('\n') {
        if !blank(line) {
            last = offset + line.trim_end().len();
        }
        offset += line.len();
    }
    let insert = base + last;
    Some(
        Diagnostic::error(
            "kzrules::unclosed",
            source,
            Span::new(file_index, base + open, base + open + 1),
            format!("the block of {kind} `{name}` opened here is not closed"),
        )
        .label("opened here")
        .help(format!("add `}}` after the last clause of {kind} `{name}`"))
        .fix(Span::new(file_index, insert, insert), "\n}"),
    )
}

/// A misspelt keyword: the word at the error, else the word just before it (which the
/// grammar took for a name), compared with the keywords valid at its place only.
fn misspelt_error(
    source: &SourceFile,
    file_index: u32,
    base: usize,
    piece: &str,
    at: usize,
    expected_here: &[String],
) -> Option<Diagnostic> {
    let report = |start: usize, word: &str, keyword: &str| {
        let span = Span::new(file_index, base + start, base + start + word.len());
        Diagnostic::error(
            "kzrules::syntax",
            source,
            span,
            format!("unknown keyword `{word}`"),
        )
        .label("not a keyword here")
        .help(format!("did you mean `{keyword}`?"))
        .fix(span, keyword)
    };
    let nearest = |word: &str, keywords: &[String]| {
        crate::diagnostic::suggest::nearest(word, keywords.iter().map(String::as_str))
            .filter(|k| *k != word)
            .map(str::to_string)
    };
    // The word at the error.
    let (start, end) = word_around(piece, at);
    if start == at {
        if let Some(word) = piece.get(start..end).filter(|w| !w.is_empty()) {
            if let Some(k) = nearest(word, expected_here) {
                return Some(report(start, word, &k));
            }
        }
    }
    // The word before it: the grammar read it as a name (`titel "..."` as a duty).
    let before = piece.get(..at)?.trim_end();
    let (start, end) = word_around(piece, before.len());
    let word = piece.get(start..end)?;
    if end != before.len() || !word.starts_with(|c: char| c.is_ascii_lowercase()) {
        return None;
    }
    let mut blanked = String::with_capacity(piece.len());
    blanked.push_str(piece.get(..start)?);
    blanked.extend(std::iter::repeat_n('!', word.len()));
    blanked.push_str(piece.get(end..)?);
    let (reached, tokens) = expected_tokens(&blanked)?;
    if reached != start {
        return None;
    }
    nearest(word, &keywords(&tokens)).map(|k| report(start, word, &k))
}

fn syntax_error(
    source: &SourceFile,
    file_index: u32,
    base: usize,
    piece: &str,
    error: &pest::error::Error<Rule>,
) -> Diagnostic {
    let at = match error.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((start, _)) => start,
    };
    let position = base + at;
    let (reached, expected_there) = expected_tokens(piece).unwrap_or_default();
    // pest places the error where the rule that failed started (`age` of `age undr 18`);
    // its detailed attempts know the word after it that no token matched (`undr`).
    if reached > at {
        if let Some(d) = misspelt_error(
            source,
            file_index,
            base,
            piece,
            reached,
            &keywords(&expected_there),
        ) {
            return d;
        }
    }
    let expected_here = if reached == at {
        expected_there
    } else {
        Vec::new()
    };
    let wants_close = expected_here.iter().any(|t| t == "}");
    if let Some(d) = lookalike_error(source, file_index, position)
        .or_else(|| quote_error(source, file_index, position))
        .or_else(|| {
            wants_close
                .then(|| unclosed_error(source, file_index, base, piece, at))
                .flatten()
        })
    {
        return d;
    }
    let expected_here = keywords(&expected_here);
    if let Some(d) = misspelt_error(source, file_index, base, piece, at, &expected_here) {
        return d;
    }
    let rest = source.text.get(position..).unwrap_or("");
    // The offending word: a run of letters, digits and `_`, or else one character
    // (a bracket, a comma, a quote).
    let word_char = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    let word_len = match rest.chars().next() {
        Some(first) if word_char(first) => rest
            .char_indices()
            .find(|(_, c)| !word_char(*c))
            .map_or(rest.len(), |(i, _)| i),
        Some('"') => rest
            .char_indices()
            .skip(1)
            .find(|(_, c)| *c == '"' || *c == '\n')
            .map_or(rest.len(), |(i, c)| if c == '"' { i + 1 } else { i }),
        Some(first) => first.len_utf8(),
        None => 0,
    };
    let found: String = rest
        .get(..word_len)
        .unwrap_or("")
        .chars()
        .take(40)
        .collect();
    let expected = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            let mut unique = Vec::new();
            for w in positives.iter().map(|r| describe(*r)) {
                if !unique.contains(&w) {
                    unique.push(w);
                }
            }
            match unique.len() {
                0 => String::from("something else"),
                1 => unique.concat(),
                _ => {
                    let (last, head) = unique.split_last().map_or((&"", &[][..]), |(l, h)| (l, h));
                    format!("{} or {}", head.join(", "), last)
                }
            }
        }
        ErrorVariant::CustomError { message } => message.clone(),
    };
    let mut found_text = if found.is_empty() {
        String::from("the end of the file")
    } else {
        format!("`{found}`")
    };
    let mut span = Span::new(file_index, position, position + word_len);
    // A word near one the description names (`KGZ` for a country code, e.g. `KG`).
    let named: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    let mut help = match crate::diagnostic::suggest::nearest(&found, named.iter().copied()) {
        Some(k) if !found.is_empty() => format!("did you mean `{k}`?"),
        _ => String::from("docs/language.md shows what each clause looks like"),
    };
    let mut fix = None;
    // A date written another common way (`21.01.2012`, `2012/1/21`): the ISO form.
    let wants_date = matches!(&error.variant, ErrorVariant::ParsingError { positives, .. }
        if positives.contains(&Rule::date));
    let date_run: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || matches!(c, '.' | '/' | '-'))
        .collect();
    if wants_date {
        if let Some(iso) = crate::dates::date_suggestion(&date_run) {
            help = format!("did you mean `{iso}`? Dates are written YYYY-MM-DD");
            span = Span::new(file_index, position, position + date_run.len());
            found_text = format!("`{date_run}`");
            fix = Some(iso);
        }
    }
    if found.starts_with('"')
        && !rest
            .get(1..)
            .unwrap_or("")
            .lines()
            .next()
            .unwrap_or("")
            .contains('"')
    {
        help = String::from("close the text with `\"` on the same line");
    }
    let diagnostic = Diagnostic::error(
        "kzrules::syntax",
        source,
        span,
        format!("expected {expected}, found {found_text}"),
    )
    .label("not expected here")
    .help(help);
    match fix {
        Some(iso) => diagnostic.fix(span, iso),
        None => diagnostic,
    }
}

struct Builder<'a> {
    file: u32,
    /// Where the piece being built starts in the file.
    base: usize,
    source: &'a SourceFile,
    errors: Vec<Diagnostic>,
}

impl Builder<'_> {
    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        Span::new(self.file, self.base + s.start(), self.base + s.end())
    }

    fn text(&self, pair: &Pair<'_, Rule>) -> Text {
        Spanned::new(pair.as_str().to_string(), self.span(pair))
    }

    fn string(&self, pair: &Pair<'_, Rule>) -> Text {
        let raw = pair.as_str();
        let inner = raw.get(1..raw.len().saturating_sub(1)).unwrap_or("");
        let value = inner.replace("\\\"", "\"").replace("\\\\", "\\");
        Spanned::new(value, self.span(pair))
    }

    fn number(&mut self, pair: &Pair<'_, Rule>) -> u32 {
        match pair.as_str().parse::<u32>() {
            Ok(n) => n,
            Err(_) => {
                self.errors.push(
                    Diagnostic::error(
                        "kzrules::number",
                        self.source,
                        self.span(pair),
                        format!("the number `{}` is too large", pair.as_str()),
                    )
                    .label("too large")
                    .help("numbers of days, months and MCI are at most 4294967295"),
                );
                0
            }
        }
    }

    fn item(&mut self, pair: Pair<'_, Rule>) -> Option<Item> {
        match pair.as_rule() {
            Rule::source_decl => {
                let mut inner = pair.into_inner();
                let id = self.text(&inner.next()?);
                let name = self.string(&inner.next()?);
                Some(Item::Source(SourceDecl { id, name }))
            }
            Rule::set_decl => Some(Item::Set(self.set(pair)?)),
            Rule::parameter_decl => Some(Item::Parameter(self.parameter(pair)?)),
            Rule::penalty_decl => Some(Item::Penalty(self.penalty(pair)?)),
            Rule::rule_decl => Some(Item::Rule(self.rule(pair)?)),
            Rule::extension => Some(Item::Extension(self.extension(pair)?)),
            Rule::fee_decl => Some(Item::Fee(self.fee(pair)?)),
            Rule::event_decl => Some(Item::Term(self.term(pair, TermClass::Event)?)),
            Rule::document_decl => Some(Item::Term(self.term(pair, TermClass::Document)?)),
            Rule::purpose_decl => Some(Item::Term(self.term(pair, TermClass::Purpose)?)),
            Rule::verb_decl => Some(Item::Term(self.term(pair, TermClass::Verb)?)),
            Rule::exemption_decl => {
                let span = self.span(&pair);
                let mut inner = pair.into_inner();
                let rule = self.text(&inner.next()?);
                let condition = self.condition(inner.next()?)?;
                let mut because = None;
                let mut citations = Vec::new();
                for part in inner {
                    match part.as_rule() {
                        Rule::string => because = Some(self.string(&part)),
                        Rule::citation => citations.extend(self.citation(part)),
                        _ => {}
                    }
                }
                Some(Item::Exemption(ExemptionDecl {
                    rule,
                    exception: Unless {
                        condition,
                        because,
                        citations,
                        span,
                    },
                }))
            }
            _ => None,
        }
    }

    fn in_force(&self, pair: Pair<'_, Rule>) -> InForce {
        let mut in_force = InForce::default();
        for part in pair.into_inner() {
            let rule = part.as_rule();
            let Some(date) = part.into_inner().next() else {
                continue;
            };
            if rule == Rule::in_force_until {
                in_force.until = Some(self.text(&date));
            } else {
                in_force.from = Some(self.text(&date));
            }
        }
        in_force
    }

    fn citation(&self, pair: Pair<'_, Rule>) -> Option<CiteClause> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let source = self.text(&inner.next()?);
        let reference = self.string(&inner.next()?);
        let seed = inner.next().map(|p| self.string(&p));
        Some(CiteClause {
            source,
            reference,
            seed,
            span,
        })
    }

    fn set(&mut self, pair: Pair<'_, Rule>) -> Option<SetDecl> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let id = self.text(&inner.next()?);
        let mut decl = SetDecl {
            id,
            title: Vec::new(),
            in_force: Vec::new(),
            members: Vec::new(),
            citations: Vec::new(),
            span,
        };
        for clause in inner {
            match clause.as_rule() {
                Rule::title => decl
                    .title
                    .extend(clause.into_inner().next().map(|p| self.string(&p))),
                Rule::in_force => {
                    let s = self.span(&clause);
                    decl.in_force.push(Spanned::new(self.in_force(clause), s));
                }
                Rule::members => {
                    for list in clause.into_inner() {
                        decl.members
                            .extend(list.into_inner().map(|c| self.text(&c)));
                    }
                }
                Rule::citation => decl.citations.extend(self.citation(clause)),
                _ => {}
            }
        }
        Some(decl)
    }

    fn parameter(&mut self, pair: Pair<'_, Rule>) -> Option<ParameterDecl> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let id = self.text(&inner.next()?);
        let mut decl = ParameterDecl {
            id,
            title: Vec::new(),
            values: Vec::new(),
            span,
        };
        for clause in inner {
            match clause.as_rule() {
                Rule::title => decl
                    .title
                    .extend(clause.into_inner().next().map(|p| self.string(&p))),
                Rule::parameter_value => {
                    let span = self.span(&clause);
                    let mut parts = clause.into_inner();
                    let number = parts.next()?;
                    let value = Spanned::new(u64::from(self.number(&number)), self.span(&number));
                    let from = self.text(&parts.next()?);
                    let mut until = None;
                    let mut citations = Vec::new();
                    for part in parts {
                        if part.as_rule() == Rule::value_until {
                            until = part.into_inner().next().map(|d| self.text(&d));
                        } else {
                            citations.extend(self.citation(part));
                        }
                    }
                    decl.values.push(ParameterValue {
                        value,
                        from,
                        until,
                        citations,
                        span,
                    });
                }
                _ => {}
            }
        }
        Some(decl)
    }

    /// `event`, `document`, `purpose` or `verb`: a word of the vocabulary.
    fn term(&mut self, pair: Pair<'_, Rule>, class: TermClass) -> Option<TermDecl> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let head = inner.next()?;
        let (id, application) = if head.as_rule() == Rule::verb {
            let word = head.into_inner().next()?;
            if word.as_rule() == Rule::apply_verb {
                (self.text(&word.into_inner().next()?), true)
            } else {
                (self.text(&word), false)
            }
        } else {
            (self.text(&head), false)
        };
        let mut decl = TermDecl {
            class,
            id,
            application,
            title: Vec::new(),
            citations: Vec::new(),
            roles: Vec::new(),
            fields: Vec::new(),
            fulfilled_by: Vec::new(),
            span,
        };
        for clause in inner {
            match clause.as_rule() {
                Rule::title => decl
                    .title
                    .extend(clause.into_inner().next().map(|p| self.string(&p))),
                Rule::citation => decl.citations.extend(self.citation(clause)),
                Rule::role => decl
                    .roles
                    .extend(clause.into_inner().next().map(|p| self.text(&p))),
                Rule::fields => decl
                    .fields
                    .extend(clause.into_inner().map(|p| self.text(&p))),
                Rule::fulfilled_by => decl
                    .fulfilled_by
                    .extend(clause.into_inner().next().map(|p| self.text(&p))),
                _ => {}
            }
        }
        Some(decl)
    }

    fn fee(&mut self, pair: Pair<'_, Rule>) -> Option<FeeDecl> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let id = self.text(&inner.next()?);
        let mut decl = FeeDecl {
            id,
            title: Vec::new(),
            in_force: Vec::new(),
            citations: Vec::new(),
            on: Vec::new(),
            when: Vec::new(),
            amount: Vec::new(),
            span,
        };
        for clause in inner {
            let s = self.span(&clause);
            match clause.as_rule() {
                Rule::title => decl
                    .title
                    .extend(clause.into_inner().next().map(|p| self.string(&p))),
                Rule::in_force => decl.in_force.push(Spanned::new(self.in_force(clause), s)),
                Rule::citation => decl.citations.extend(self.citation(clause)),
                Rule::on_clause => {
                    if let Some(t) = clause.into_inner().next() {
                        decl.on.push(self.triggers(t));
                    }
                }
                Rule::when_clause => {
                    if let Some(c) = clause.into_inner().next().and_then(|c| self.condition(c)) {
                        decl.when.push(c);
                    }
                }
                Rule::fee_amount => {
                    if let Some(d) = clause.into_inner().next() {
                        let ds = self.span(&d);
                        decl.amount.push(Spanned::new(self.hundredths(&d), ds));
                    }
                }
                _ => {}
            }
        }
        Some(decl)
    }

    /// A decimal amount (`0.5`, `7`, `1.25`) in hundredths.
    fn hundredths(&mut self, pair: &Pair<'_, Rule>) -> u32 {
        let text = pair.as_str();
        let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
        let cents = format!("{frac:0<2}");
        match (whole.parse::<u32>(), cents.parse::<u32>()) {
            (Ok(w), Ok(c)) if w <= 1_000_000 => w * 100 + c,
            _ => {
                let s = self.span(pair);
                self.errors.push(
                    Diagnostic::error(
                        "kzrules::number",
                        self.source,
                        s,
                        format!("the amount `{text}` is too large"),
                    )
                    .label("too large")
                    .help("write an amount in MCI up to 1000000, with at most two decimals"),
                );
                0
            }
        }
    }

    fn penalty(&mut self, pair: Pair<'_, Rule>) -> Option<PenaltyDecl> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let id = self.text(&inner.next()?);
        let mut decl = PenaltyDecl {
            id,
            title: Vec::new(),
            in_force: Vec::new(),
            citations: Vec::new(),
            branches: Vec::new(),
            span,
        };
        for clause in inner {
            match clause.as_rule() {
                Rule::title => decl
                    .title
                    .extend(clause.into_inner().next().map(|p| self.string(&p))),
                Rule::in_force => {
                    let s = self.span(&clause);
                    decl.in_force.push(Spanned::new(self.in_force(clause), s));
                }
                Rule::citation => decl.citations.extend(self.citation(clause)),
                Rule::branch => {
                    if let Some(b) = self.branch(clause) {
                        decl.branches.push(b);
                    }
                }
                _ => {}
            }
        }
        Some(decl)
    }

    fn branch(&mut self, pair: Pair<'_, Rule>) -> Option<Branch> {
        let span = self.span(&pair);
        let mut conditions = Vec::new();
        let mut article = None;
        let mut sanction = None;
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::penalty_cond => {
                    for atom in part.into_inner() {
                        let s = self.span(&atom);
                        if let Some(c) = self.penalty_cond(atom) {
                            conditions.push(Spanned::new(c, s));
                        }
                    }
                }
                Rule::otherwise => {}
                Rule::string => article = Some(self.string(&part)),
                Rule::sanction => {
                    let s = self.span(&part);
                    sanction = Some(Spanned::new(self.sanction(part.into_inner().next()?)?, s));
                }
                _ => {}
            }
        }
        Some(Branch {
            conditions,
            article: article?,
            sanction: sanction?,
            span,
        })
    }

    fn penalty_cond(&mut self, pair: Pair<'_, Rule>) -> Option<PenaltyCond> {
        match pair.as_rule() {
            Rule::days_late_cond => {
                let mut inner = pair.into_inner();
                let compare = compare(&inner.next()?);
                let n = self.number(&inner.next()?);
                Some(PenaltyCond::DaysLate(compare, n))
            }
            Rule::repeated_cond => {
                let mut inner = pair.into_inner();
                let article = self.string(&inner.next()?);
                let months = self.number(&inner.next()?);
                Some(PenaltyCond::Repeated { article, months })
            }
            Rule::is_cond => Some(PenaltyCond::Is(self.is_cond(pair)?)),
            Rule::age_under => Some(PenaltyCond::AgeUnder(
                self.number(&pair.into_inner().next()?),
            )),
            _ => None,
        }
    }

    fn sanction(&mut self, pair: Pair<'_, Rule>) -> Option<Sanction> {
        match pair.as_rule() {
            Rule::warning => Some(Sanction::Warning),
            Rule::no_penalty => Some(Sanction::NoPenalty),
            Rule::fine => Some(Sanction::Fine(self.fine(pair)?)),
            Rule::warning_or_fine => Some(Sanction::WarningOrFine(
                self.fine(pair.into_inner().next()?)?,
            )),
            _ => None,
        }
    }

    fn fine(&mut self, pair: Pair<'_, Rule>) -> Option<FineAmount> {
        let inner = pair.into_inner().next()?;
        match inner.as_rule() {
            Rule::amount => Some(FineAmount::Flat(self.amount(inner)?)),
            Rule::sized_amounts => {
                let mut sizes = Vec::new();
                for sized in inner.into_inner() {
                    let mut parts = sized.into_inner();
                    let size = self.text(&parts.next()?);
                    let amount = self.amount(parts.next()?)?;
                    sizes.push((size, amount));
                }
                Some(FineAmount::BySize(sizes))
            }
            _ => None,
        }
    }

    fn amount(&mut self, pair: Pair<'_, Rule>) -> Option<Amount> {
        let mut inner = pair.into_inner();
        let min = self.number(&inner.next()?);
        let max = match inner.next() {
            Some(p) => self.number(&p),
            None => min,
        };
        Some(Amount { min, max })
    }

    fn rule(&mut self, pair: Pair<'_, Rule>) -> Option<RuleDecl> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let id = self.text(&inner.next()?);
        let mut clauses = Vec::new();
        for clause in inner {
            let s = self.span(&clause);
            let node = match clause.as_rule() {
                Rule::title => RuleClause::Title(self.string(&clause.into_inner().next()?)),
                Rule::in_force => RuleClause::InForce(self.in_force(clause)),
                Rule::citation => RuleClause::Cite(self.citation(clause)?),
                Rule::bearer => RuleClause::Bearer(self.text(&clause.into_inner().next()?)),
                Rule::action => RuleClause::Action(self.string(&clause.into_inner().next()?)),
                Rule::on_clause => RuleClause::On(self.triggers(clause.into_inner().next()?)),
                Rule::when_clause => {
                    let c = clause.into_inner().next()?;
                    RuleClause::When(self.condition(c)?)
                }
                Rule::unless_clause => RuleClause::Unless(self.unless(clause)?),
                Rule::penalty_ref => RuleClause::Penalty(self.text(&clause.into_inner().next()?)),
                Rule::finding => {
                    let mut parts = clause.into_inner();
                    let severity = self.text(&parts.next()?);
                    let message = self.string(&parts.next()?);
                    let condition = self.condition(parts.next()?)?;
                    RuleClause::Finding(FindingDecl {
                        severity,
                        message,
                        condition,
                    })
                }
                Rule::duty => RuleClause::Duty(self.duty(clause)?),
                Rule::basis => RuleClause::Basis(self.basis(clause)?),
                _ => continue,
            };
            clauses.push(Spanned::new(node, s));
        }
        Some(RuleDecl { id, clauses, span })
    }

    fn basis(&mut self, pair: Pair<'_, Rule>) -> Option<BasisDecl> {
        let text = pair.as_str().to_string();
        let mut inner = pair.into_inner();
        let name = self.string(&inner.next()?);
        let mut conditions = Vec::new();
        let mut citations = Vec::new();
        for part in inner {
            match part.as_rule() {
                Rule::condition => conditions.push(self.condition(part)?),
                Rule::citation => citations.extend(self.citation(part)),
                _ => {}
            }
        }
        let while_ = conditions.pop()?;
        let at_entry = if text.contains("at_entry") {
            conditions.pop()
        } else {
            None
        };
        Some(BasisDecl {
            name,
            at_entry,
            while_,
            citations,
        })
    }

    fn triggers(&self, pair: Pair<'_, Rule>) -> Vec<Text> {
        pair.into_inner().map(|p| self.text(&p)).collect()
    }

    fn unless(&mut self, pair: Pair<'_, Rule>) -> Option<Unless> {
        let span = self.span(&pair);
        let mut condition = None;
        let mut because = None;
        let mut citations = Vec::new();
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::condition => condition = self.condition(part),
                Rule::string => because = Some(self.string(&part)),
                Rule::citation => citations.extend(self.citation(part)),
                _ => {}
            }
        }
        Some(Unless {
            condition: condition?,
            because,
            citations,
            span,
        })
    }

    fn extension(&mut self, pair: Pair<'_, Rule>) -> Option<Extension> {
        let mut rules = Vec::new();
        let mut dates = Vec::new();
        let mut because = None;
        let mut citations = Vec::new();
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::ident => rules.push(self.text(&part)),
                Rule::date => dates.push(self.text(&part)),
                Rule::string => because = Some(self.string(&part)),
                Rule::citation => citations.extend(self.citation(part)),
                _ => {}
            }
        }
        let mut dates = dates.into_iter();
        Some(Extension {
            rules,
            from: dates.next()?,
            to: dates.next()?,
            until: dates.next()?,
            because,
            citations,
        })
    }

    fn duty(&mut self, pair: Pair<'_, Rule>) -> Option<Duty> {
        let mut verb = None;
        let mut limits = Vec::new();
        let mut or_later = Vec::new();
        let mut citations = Vec::new();
        let mut when = None;
        let mut unless = Vec::new();
        for part in pair.into_inner() {
            let s = self.span(&part);
            match part.as_rule() {
                Rule::verb => {
                    let inner = part.into_inner().next()?;
                    let v = match inner.as_rule() {
                        Rule::apply_verb => Verb::ApplyFor(self.text(&inner.into_inner().next()?)),
                        _ => Verb::Plain(inner.as_str().to_string()),
                    };
                    verb = Some(Spanned::new(v, s));
                }
                Rule::within_of
                | Rule::before_expiry
                | Rule::by_expiry
                | Rule::rolling
                | Rule::monthly => {
                    limits.extend(self.limit(part));
                }
                Rule::or_later => {
                    let mut inner = part.into_inner();
                    let limit = self.limit(inner.next()?)?;
                    or_later.push((limit, inner.next().is_some()));
                }
                Rule::condition => when = self.condition(part),
                Rule::citation => citations.extend(self.citation(part)),
                Rule::unless_clause => unless.extend(self.unless(part)),
                _ => {}
            }
        }
        Some(Duty {
            verb: verb?,
            limits,
            or_later,
            citations,
            when,
            unless,
        })
    }

    fn limit(&mut self, part: Pair<'_, Rule>) -> Option<Spanned<Limit>> {
        let s = self.span(&part);
        match part.as_rule() {
            Rule::within_of => {
                let mut inner = part.into_inner();
                let n = self.number(&inner.next()?);
                let unit = unit(&inner.next()?);
                let triggers = self.triggers(inner.next()?);
                Some(Spanned::new(Limit::Within { n, unit, triggers }, s))
            }
            Rule::before_expiry => {
                let mut inner = part.into_inner();
                let n = self.number(&inner.next()?);
                let unit = unit(&inner.next()?);
                let document = self.text(&inner.next()?);
                Some(Spanned::new(Limit::BeforeExpiry { n, unit, document }, s))
            }
            Rule::by_expiry => {
                let document = self.text(&part.into_inner().next()?);
                Some(Spanned::new(Limit::ByExpiry { document }, s))
            }
            Rule::rolling => {
                let mut inner = part.into_inner();
                let days = self.number(&inner.next()?);
                let window = self.number(&inner.next()?);
                Some(Spanned::new(Limit::Rolling { days, window }, s))
            }
            Rule::monthly => {
                let mut inner = part.into_inner();
                let day = self.number(&inner.next()?);
                let triggers = self.triggers(inner.next()?);
                Some(Spanned::new(Limit::Monthly { day, triggers }, s))
            }
            _ => None,
        }
    }

    fn condition(&mut self, pair: Pair<'_, Rule>) -> Option<Spanned<Cond>> {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::condition => {
                let mut parts: Vec<Spanned<Cond>> = Vec::new();
                for c in pair.into_inner() {
                    parts.push(self.condition(c)?);
                }
                if parts.len() == 1 {
                    parts.pop()
                } else {
                    Some(Spanned::new(Cond::Or(parts), span))
                }
            }
            Rule::conjunction => {
                let mut parts: Vec<Spanned<Cond>> = Vec::new();
                for c in pair.into_inner() {
                    parts.push(self.condition(c)?);
                }
                if parts.len() == 1 {
                    parts.pop()
                } else {
                    Some(Spanned::new(Cond::And(parts), span))
                }
            }
            Rule::negation => {
                let mut inner = pair.into_inner();
                let first = inner.next()?;
                if first.as_rule() == Rule::not {
                    let c = self.condition(inner.next()?)?;
                    Some(Spanned::new(Cond::Not(Box::new(c)), span))
                } else {
                    self.condition(first)
                }
            }
            Rule::holder_of => {
                let mut inner = pair.into_inner();
                let document = self.text(&inner.next()?);
                let mut filters = Vec::new();
                for f in inner {
                    let fs = self.span(&f);
                    let filter = f.into_inner().next()?;
                    let rule = filter.as_rule();
                    if rule == Rule::employer_filter {
                        filters.push(Spanned::new(DocFilter::EmployerOtherThanHost, fs));
                        continue;
                    }
                    let value = filter.into_inner().next()?;
                    if rule == Rule::category_filter {
                        let codes = value.into_inner().map(|c| self.text(&c)).collect();
                        filters.push(Spanned::new(DocFilter::Category(codes), fs));
                    } else if rule == Rule::length_filter {
                        let months = self.number(&value);
                        filters.push(Spanned::new(DocFilter::LongerThanMonths(months), fs));
                    } else {
                        filters.push(Spanned::new(DocFilter::Entries(self.text(&value)), fs));
                    }
                }
                Some(Spanned::new(Cond::HolderOf { document, filters }, span))
            }
            Rule::citizen_of => {
                let inner = pair.into_inner().next()?;
                let r = if inner.as_rule() == Rule::ident {
                    CountryRef::Named(self.text(&inner))
                } else {
                    let mut codes = Vec::new();
                    for p in inner.into_inner() {
                        if p.as_rule() == Rule::country {
                            codes.push(self.text(&p));
                        } else {
                            codes.extend(p.into_inner().map(|c| self.text(&c)));
                        }
                    }
                    CountryRef::Literal(codes)
                };
                Some(Spanned::new(Cond::CitizenOf(r), span))
            }
            Rule::age_under => {
                let n = self.number(&pair.into_inner().next()?);
                Some(Spanned::new(Cond::AgeUnder(n), span))
            }
            Rule::stay_longer => {
                let n = self.number(&pair.into_inner().next()?);
                Some(Spanned::new(Cond::StayLongerThan(n), span))
            }
            Rule::day_of_stay => {
                let mut inner = pair.into_inner();
                let cmp = compare(&inner.next()?);
                let n = self.number(&inner.next()?);
                Some(Spanned::new(Cond::DayOfStay(cmp, n), span))
            }
            Rule::after_event => {
                let event = self.text(&pair.into_inner().next()?);
                Some(Spanned::new(Cond::After(event), span))
            }
            Rule::without_basis => Some(Spanned::new(Cond::WithoutBasis, span)),
            Rule::is_cond => Some(Spanned::new(Cond::Is(self.is_cond(pair)?), span)),
            Rule::date_cond => {
                let mut inner = pair.into_inner();
                let a = self.date_expr(inner.next()?)?;
                let b = self.date_expr(inner.next()?)?;
                Some(Spanned::new(Cond::DateBefore(a, b), span))
            }
            Rule::measure_cond => {
                let mut inner = pair.into_inner();
                let measure_pair = inner.next()?;
                let mut m = measure_pair.into_inner();
                let measure = self.text(&m.next()?);
                let article = match m.next() {
                    Some(arg) => Some(self.string(&arg.into_inner().next()?)),
                    None => None,
                };
                let mut next = inner.next()?;
                let mut window = None;
                if next.as_rule() == Rule::window {
                    let ws = self.span(&next);
                    let w = match next.clone().into_inner().next() {
                        Some(kind) => {
                            let rule = kind.as_rule();
                            match kind.into_inner().next() {
                                Some(n) if rule == Rule::last_months => {
                                    Window::LastMonths(self.number(&n))
                                }
                                Some(n) if rule == Rule::last_days => {
                                    Window::LastDays(self.number(&n))
                                }
                                Some(n) => Window::AnyMonths(self.number(&n)),
                                None => Window::CalendarYear,
                            }
                        }
                        None => Window::CalendarYear,
                    };
                    window = Some(Spanned::new(w, ws));
                    next = inner.next()?;
                }
                let compare = compare(&next);
                let bound = self.number(&inner.next()?);
                Some(Spanned::new(
                    Cond::Measure(MeasureCond {
                        measure,
                        article,
                        window,
                        compare,
                        bound,
                    }),
                    span,
                ))
            }
            _ => None,
        }
    }

    fn is_cond(&self, pair: Pair<'_, Rule>) -> Option<IsCond> {
        let mut inner = pair.into_inner();
        let subject = self.text(&inner.next()?);
        let values = inner.next()?.into_inner().map(|v| self.text(&v)).collect();
        Some(IsCond { subject, values })
    }

    fn date_expr(&mut self, pair: Pair<'_, Rule>) -> Option<DateExpr> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let document = self.text(&inner.next()?);
        let plus = match inner.next() {
            Some(n) => {
                let n = self.number(&n);
                let unit = match inner.next().map(|u| u.as_str().to_string()).as_deref() {
                    Some("days") => PeriodUnit::Days,
                    _ => PeriodUnit::Months,
                };
                Some((n, unit))
            }
            None => None,
        };
        Some(DateExpr {
            document,
            plus,
            span,
        })
    }
}

fn compare(pair: &Pair<'_, Rule>) -> Compare {
    match pair.as_str() {
        "at_most" => Compare::AtMost,
        "at_least" => Compare::AtLeast,
        "over" => Compare::Over,
        _ => Compare::Under,
    }
}

fn unit(pair: &Pair<'_, Rule>) -> Unit {
    if pair.as_str() == "business_days" {
        Unit::BusinessDays
    } else {
        Unit::CalendarDays
    }
}
