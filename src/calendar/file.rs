//! The reader of the calendar data file (`*.kzcal`, format in `docs/calendar.md`).
//!
//! [`Calendar::parse`] splits the file into lines and tokens (words and quoted
//! texts), reads every line into the [`Facts`] of `law.rs` and hands them to
//! [`law::build`], which applies the law. Every problem, the reader's and the law's,
//! is a [`Diagnostic`] with a stable code `kzrules::calendar::...`, the exact place,
//! a label and a help text; all of them are reported, in file order.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::law::{self, CoversDef, Facts, HolidayDef, KurbanDef, TransferDef, YearDef};
use super::Calendar;
use crate::dates::month_problem;
use crate::diagnostic::suggest::nearest;
use crate::diagnostic::Diagnostic;
use crate::source::{SourceFile, Span};

/// The widest range of years one data file may cover.
const MAX_COVERED_YEARS: i32 = 200;

impl Calendar {
    /// Parses and checks the calendar data `file`, number `file_index` in the rule set
    /// (the index goes into the diagnostics' spans; the file's name into them and into
    /// [`CalendarError::OutOfRange`](super::CalendarError::OutOfRange)). Returns every
    /// error found in the file, not only the first, in file order.
    pub fn parse(file: &SourceFile, file_index: u32) -> Result<Calendar, Vec<Diagnostic>> {
        let mut cx = Cx {
            file,
            index: file_index,
            errors: Vec::new(),
        };
        let facts = parse_statements(&mut cx);
        let calendar = law::build(file, file_index, &facts, &mut cx.errors);
        match calendar {
            Some(calendar) if cx.errors.is_empty() => Ok(calendar),
            _ => {
                // In file order (a stable sort keeps the order of errors at one place).
                let mut errors = cx.errors;
                errors.sort_by_key(|error| error.offset);
                Err(errors)
            }
        }
    }
}

/// The reading context: the file and the errors found so far.
struct Cx<'a> {
    file: &'a SourceFile,
    /// The file's index in the rule set, for spans.
    index: u32,
    errors: Vec<Diagnostic>,
}

impl Cx<'_> {
    fn error(&self, code: &'static str, span: Span, message: String) -> Diagnostic {
        Diagnostic::error(code, self.file, span, message)
    }

    fn push(&mut self, diagnostic: Diagnostic) {
        self.errors.push(diagnostic);
    }

    fn syntax(&mut self, span: Span, message: String, label: &str, help: &str) {
        let d = self
            .error("kzrules::calendar::syntax", span, message)
            .label(label)
            .help(help);
        self.push(d);
    }

    fn bad_date(&mut self, tok: &Tok, what: &str, problem: String, help: &str) {
        let message = format!("bad {what} `{}`: {problem}", tok.text);
        let d = self
            .error("kzrules::calendar::bad_date", tok.span, message)
            .label(format!("not a valid {what}"))
            .help(help);
        self.push(d);
    }

    fn bad_range(&mut self, span: Span, message: String, help: String) {
        let d = self
            .error("kzrules::calendar::bad_range", span, message)
            .label("this range")
            .help(help);
        self.push(d);
    }

    fn missing_source(&mut self, what: String, span: Span) {
        let d = self
            .error(
                "kzrules::calendar::missing_source",
                span,
                format!("{what} has no source"),
            )
            .label("needs a `source`")
            .help("add `source \"...\"` naming the act or public page the fact was read from");
        self.push(d);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TokKind {
    Word,
    Text,
}

#[derive(Debug, Clone)]
struct Tok {
    kind: TokKind,
    /// The word, or the quoted text without quotes and escapes.
    text: String,
    span: Span,
}

/// Splits one line (starting at byte `base` of file number `file`) into tokens. On an
/// unterminated quoted text, returns the span from the quote to the line end.
fn tokenize(line: &str, base: usize, file: u32) -> Result<Vec<Tok>, Span> {
    let mut toks = Vec::new();
    let mut chars = line.char_indices().peekable();
    while let Some(&(i, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '#' {
            break;
        } else if c == '"' {
            chars.next();
            let mut text = String::new();
            let mut closed = None;
            while let Some((j, c2)) = chars.next() {
                match c2 {
                    '"' => {
                        closed = Some(j + 1);
                        break;
                    }
                    '\\' => match chars.next() {
                        Some((_, escaped)) => text.push(escaped),
                        None => break,
                    },
                    _ => text.push(c2),
                }
            }
            let Some(end) = closed else {
                return Err(Span::new(file, base + i, base + line.len()));
            };
            toks.push(Tok {
                kind: TokKind::Text,
                text,
                span: Span::new(file, base + i, base + end),
            });
        } else {
            let mut end = line.len();
            while let Some(&(j, c2)) = chars.peek() {
                if c2.is_whitespace() || c2 == '"' || c2 == '#' {
                    end = j;
                    break;
                }
                chars.next();
            }
            toks.push(Tok {
                kind: TokKind::Word,
                text: line.get(i..end).unwrap_or_default().to_string(),
                span: Span::new(file, base + i, base + end),
            });
        }
    }
    Ok(toks)
}

const KEYWORDS: [&str; 5] = ["covers", "year", "holiday", "kurban_ait", "transfer"];

const COVERS_SHAPE: &str = "write `covers FIRST to LAST`, e.g. `covers 2019 to 2026`";
const YEAR_SHAPE: &str = "write `year YYYY [provisional \"REASON\"] source \"...\"`, e.g. `year 2027 provisional \"no decree transfers are published yet\" source \"...\"`";
const HOLIDAY_SHAPE: &str = "write `holiday \"NAME\" MM-DD [never_moves] [from YYYY-MM-DD] [until YYYY-MM-DD] [source \"...\"]`";
const KURBAN_SHAPE: &str = "write `kurban_ait YYYY-MM-DD [estimated] [source \"...\"]`";
const TRANSFER_SHAPE: &str =
    "write `transfer day_off YYYY-MM-DD working YYYY-MM-DD decree \"...\" source \"...\"`";
const DATE_HELP: &str = "write dates as YYYY-MM-DD, e.g. 2024-05-08";
const MONTH_DAY_HELP: &str = "write a holiday's day as MM-DD, e.g. 03-21";

/// Parses every line; errors go to `cx`, good lines to the returned data.
fn parse_statements(cx: &mut Cx<'_>) -> Facts {
    let mut data = Facts::default();
    let mut offset = 0;
    let file = cx.file;
    for raw in file.text.split_inclusive('\n') {
        let base = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let toks = match tokenize(line, base, cx.index) {
            Ok(toks) => toks,
            Err(span) => {
                cx.syntax(
                    span,
                    "unterminated quoted text".to_string(),
                    "this text has no closing quote",
                    "close the text with `\"`; write a quote inside it as `\\\"`",
                );
                continue;
            }
        };
        let Some(first) = toks.first() else {
            continue;
        };
        let rest = toks.get(1..).unwrap_or_default();
        let line_span = toks
            .last()
            .map_or(first.span, |last| first.span.to(last.span));
        if first.kind != TokKind::Word {
            cx.syntax(
                first.span,
                "a line must start with a keyword".to_string(),
                "quoted text where a keyword belongs",
                "a line starts with one of: covers, year, holiday, kurban_ait, transfer",
            );
            continue;
        }
        match first.text.as_str() {
            "covers" => {
                data.covers_seen = true;
                if let Some(def) = parse_covers(cx, first, rest, line_span) {
                    data.covers.push(def);
                }
            }
            "year" => {
                if let Some(def) = parse_year_line(cx, first, rest, line_span) {
                    data.years.push(def);
                }
            }
            "holiday" => {
                if let Some(def) = parse_holiday(cx, first, rest, line_span) {
                    data.holidays.push(def);
                }
            }
            "kurban_ait" => {
                if let Some(def) = parse_kurban(cx, first, rest, line_span) {
                    data.kurban.push(def);
                }
            }
            "transfer" => {
                if let Some(def) = parse_transfer(cx, rest, line_span) {
                    data.transfers.push(def);
                }
            }
            other => {
                let suggestion = nearest(other, KEYWORDS.iter().copied());
                let help = match suggestion {
                    Some(k) => format!(
                        "did you mean `{k}`? A line starts with one of: {}",
                        KEYWORDS.join(", ")
                    ),
                    None => format!("a line starts with one of: {}", KEYWORDS.join(", ")),
                };
                let d = cx
                    .error(
                        "kzrules::calendar::unknown_keyword",
                        first.span,
                        format!("unknown keyword `{other}`"),
                    )
                    .label("not a keyword of the calendar format")
                    .help(help);
                cx.push(d);
            }
        }
    }
    data
}

/// Reports a missing value after `after` (or at the line end).
fn missing_value(cx: &mut Cx<'_>, after: &Tok, what: &str, shape: &str) {
    cx.syntax(
        after.span,
        format!("expected {what} after `{}`", after.text),
        &format!("{what} expected after this"),
        shape,
    );
}

fn unexpected(cx: &mut Cx<'_>, tok: &Tok, keyword: &str, shape: &str) {
    cx.syntax(
        tok.span,
        format!("unexpected `{}` in a `{keyword}` line", tok.text),
        "not expected here",
        shape,
    );
}

fn parse_covers(cx: &mut Cx<'_>, kw: &Tok, rest: &[Tok], line_span: Span) -> Option<CoversDef> {
    let Some(first_tok) = rest.first() else {
        missing_value(cx, kw, "a year", COVERS_SHAPE);
        return None;
    };
    let first = parse_year_number(cx, first_tok);
    match rest.get(1) {
        Some(t) if t.kind == TokKind::Word && t.text == "to" => {}
        Some(t) => {
            unexpected(cx, t, "covers", COVERS_SHAPE);
            return None;
        }
        None => {
            missing_value(cx, first_tok, "`to`", COVERS_SHAPE);
            return None;
        }
    }
    let Some(last_tok) = rest.get(2) else {
        missing_value(cx, rest.get(1).unwrap_or(first_tok), "a year", COVERS_SHAPE);
        return None;
    };
    let last = parse_year_number(cx, last_tok);
    if let Some(extra) = rest.get(3) {
        unexpected(cx, extra, "covers", COVERS_SHAPE);
        return None;
    }
    let (first, last) = (first?, last?);
    if first > last || last - first >= MAX_COVERED_YEARS {
        cx.bad_range(
            line_span,
            format!("`covers {first} to {last}` is not a valid range of years"),
            format!(
                "the first year must not be after the last, and at most {MAX_COVERED_YEARS} years are covered"
            ),
        );
        return None;
    }
    Some(CoversDef {
        first,
        last,
        span: line_span,
    })
}

fn parse_year_line(cx: &mut Cx<'_>, kw: &Tok, rest: &[Tok], line_span: Span) -> Option<YearDef> {
    let Some(year_tok) = rest.first() else {
        missing_value(cx, kw, "a year", YEAR_SHAPE);
        return None;
    };
    let year = parse_year_number(cx, year_tok);
    let opts = parse_options(
        cx,
        rest.get(1..).unwrap_or_default(),
        &[("provisional", Opt::Text), ("source", Opt::Text)],
        "year",
        YEAR_SHAPE,
    )?;
    let year = year?;
    let provisional = text_option(&opts, "provisional");
    if let (Some(found), None) = (opts.get("provisional"), &provisional) {
        let span = found.value.map_or(line_span, |tok| tok.span);
        cx.syntax(
            span,
            format!("year {year}: `provisional` needs the reason in words"),
            "empty reason",
            YEAR_SHAPE,
        );
        return None;
    }
    let source = text_option(&opts, "source");
    let Some(source) = source else {
        cx.missing_source(format!("year {year}"), line_span);
        return None;
    };
    Some(YearDef {
        year,
        source,
        provisional,
        span: line_span,
    })
}

fn parse_holiday(cx: &mut Cx<'_>, kw: &Tok, rest: &[Tok], line_span: Span) -> Option<HolidayDef> {
    let name = match rest.first() {
        Some(t) if t.kind == TokKind::Text && !t.text.trim().is_empty() => t.text.clone(),
        Some(t) if t.kind == TokKind::Text => {
            cx.syntax(
                t.span,
                "a holiday needs a name".to_string(),
                "empty name",
                HOLIDAY_SHAPE,
            );
            return None;
        }
        Some(t) => {
            cx.syntax(
                t.span,
                format!("expected the holiday's name in quotes, found `{}`", t.text),
                "name expected here",
                HOLIDAY_SHAPE,
            );
            return None;
        }
        None => {
            missing_value(cx, kw, "the holiday's name", HOLIDAY_SHAPE);
            return None;
        }
    };
    let Some(md_tok) = rest.get(1) else {
        missing_value(
            cx,
            rest.first().unwrap_or(kw),
            "a month-day (MM-DD)",
            HOLIDAY_SHAPE,
        );
        return None;
    };
    let month_day = parse_month_day(cx, md_tok);
    let opts = parse_options(
        cx,
        rest.get(2..).unwrap_or_default(),
        &[
            ("never_moves", Opt::Flag),
            ("from", Opt::Date),
            ("until", Opt::Date),
            ("source", Opt::Text),
        ],
        "holiday",
        HOLIDAY_SHAPE,
    )?;
    let from = date_option(cx, &opts, "from");
    let until = date_option(cx, &opts, "until");
    let (month, day) = month_day?;
    let from = from.ok()?;
    let until = until.ok()?;
    if let (Some(f), Some(u)) = (from, until) {
        if f > u {
            cx.bad_range(
                line_span,
                format!("holiday \"{name}\": `from {f}` is after `until {u}`"),
                "the period in force runs from `from` to `until`, both included".to_string(),
            );
            return None;
        }
    }
    Some(HolidayDef {
        name,
        month,
        day,
        never_moves: opts.contains_key("never_moves"),
        from,
        until,
        span: line_span,
    })
}

fn parse_kurban(cx: &mut Cx<'_>, kw: &Tok, rest: &[Tok], line_span: Span) -> Option<KurbanDef> {
    let Some(date_tok) = rest.first() else {
        missing_value(cx, kw, "a date", KURBAN_SHAPE);
        return None;
    };
    let date = parse_date(cx, date_tok);
    let opts = parse_options(
        cx,
        rest.get(1..).unwrap_or_default(),
        &[("estimated", Opt::Flag), ("source", Opt::Text)],
        "kurban_ait",
        KURBAN_SHAPE,
    )?;
    Some(KurbanDef {
        date: date?,
        estimated: opts.contains_key("estimated"),
        span: line_span,
    })
}

fn parse_transfer(cx: &mut Cx<'_>, rest: &[Tok], line_span: Span) -> Option<TransferDef> {
    let opts = parse_options(
        cx,
        rest,
        &[
            ("day_off", Opt::Date),
            ("working", Opt::Date),
            ("decree", Opt::Text),
            ("source", Opt::Text),
        ],
        "transfer",
        TRANSFER_SHAPE,
    )?;
    let day_off = date_option(cx, &opts, "day_off");
    let working = date_option(cx, &opts, "working");
    let decree = text_option(&opts, "decree");
    let source = text_option(&opts, "source");
    let mut complete = true;
    for (field, present) in [
        ("day_off", opts.contains_key("day_off")),
        ("working", opts.contains_key("working")),
        ("decree", decree.is_some()),
    ] {
        if !present {
            complete = false;
            let d = cx
                .error(
                    "kzrules::calendar::missing_field",
                    line_span,
                    format!("`transfer` line without `{field}`"),
                )
                .label(format!("needs `{field}`"))
                .help(TRANSFER_SHAPE);
            cx.push(d);
        }
    }
    if source.is_none() {
        complete = false;
        let what = match day_off {
            Ok(Some(d)) => format!("transfer of the day off {d}"),
            _ => "transfer".to_string(),
        };
        cx.missing_source(what, line_span);
    }
    let (Ok(Some(day_off)), Ok(Some(working)), Some(decree), true) =
        (day_off, working, decree, complete)
    else {
        return None;
    };
    let value_span = |key: &str| {
        opts.get(key)
            .and_then(|found| found.value)
            .map_or(line_span, |tok| tok.span)
    };
    Some(TransferDef {
        day_off,
        day_off_span: value_span("day_off"),
        working,
        working_span: value_span("working"),
        decree,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Opt {
    Flag,
    Date,
    Text,
}

#[derive(Debug, Clone, Copy)]
struct Found<'t> {
    value: Option<&'t Tok>,
}

type Opts<'t> = BTreeMap<&'static str, Found<'t>>;

/// Parses `key value` options (and flags) in any order; `None` after a structural
/// error (reported).
fn parse_options<'t>(
    cx: &mut Cx<'_>,
    toks: &'t [Tok],
    allowed: &[(&'static str, Opt)],
    keyword: &str,
    shape: &str,
) -> Option<Opts<'t>> {
    let mut found: Opts<'t> = BTreeMap::new();
    let mut key_spans: BTreeMap<&'static str, Span> = BTreeMap::new();
    let mut i = 0;
    while let Some(key_tok) = toks.get(i) {
        let spec = allowed
            .iter()
            .find(|(name, _)| key_tok.kind == TokKind::Word && *name == key_tok.text);
        let Some(&(name, opt)) = spec else {
            let names: Vec<&str> = allowed.iter().map(|(n, _)| *n).collect();
            cx.syntax(
                key_tok.span,
                format!("unexpected `{}` in a `{keyword}` line", key_tok.text),
                &format!("expected one of: {}", names.join(", ")),
                shape,
            );
            return None;
        };
        if let Some(first) = key_spans.get(name) {
            let what = format!("option `{name}` of this `{keyword}` line");
            let d = law::duplicate(cx.file, &what, key_tok.span, *first);
            cx.push(d);
            return None;
        }
        key_spans.insert(name, key_tok.span);
        if opt == Opt::Flag {
            found.insert(name, Found { value: None });
            i += 1;
            continue;
        }
        let value = toks.get(i + 1);
        let expected = match opt {
            Opt::Date => "a date (YYYY-MM-DD)",
            _ => "a quoted text",
        };
        let wanted_kind = match opt {
            Opt::Text => TokKind::Text,
            _ => TokKind::Word,
        };
        match value {
            Some(v) if v.kind == wanted_kind => {
                found.insert(name, Found { value: Some(v) });
            }
            Some(v) => {
                cx.syntax(
                    v.span,
                    format!("`{name}` needs {expected}, found `{}`", v.text),
                    &format!("{expected} expected"),
                    shape,
                );
                return None;
            }
            None => {
                missing_value(cx, key_tok, expected, shape);
                return None;
            }
        }
        i += 2;
    }
    Some(found)
}

fn text_option(opts: &Opts<'_>, key: &str) -> Option<String> {
    opts.get(key)
        .and_then(|found| found.value)
        .map(|tok| tok.text.trim().to_string())
        .filter(|text| !text.is_empty())
}

/// `Ok(None)` when absent, `Err(())` when present but bad (reported).
fn date_option(cx: &mut Cx<'_>, opts: &Opts<'_>, key: &str) -> Result<Option<NaiveDate>, ()> {
    match opts.get(key).and_then(|found| found.value) {
        None => Ok(None),
        Some(tok) => parse_date(cx, tok).map(Some).ok_or(()),
    }
}

/// Splits `text` into dash-separated groups of exactly the given digit counts.
fn digit_groups(text: &str, widths: &[usize]) -> Option<Vec<u32>> {
    let parts: Vec<&str> = text.split('-').collect();
    if parts.len() != widths.len() {
        return None;
    }
    parts
        .iter()
        .zip(widths)
        .map(|(part, width)| {
            if part.len() == *width && part.bytes().all(|b| b.is_ascii_digit()) {
                part.parse::<u32>().ok()
            } else {
                None
            }
        })
        .collect()
}

fn parse_date(cx: &mut Cx<'_>, tok: &Tok) -> Option<NaiveDate> {
    let Some(groups) = digit_groups(&tok.text, &[4, 2, 2]) else {
        cx.bad_date(
            tok,
            "date",
            "expected the form YYYY-MM-DD".to_string(),
            DATE_HELP,
        );
        return None;
    };
    let (Some(&y), Some(&m), Some(&d)) = (groups.first(), groups.get(1), groups.get(2)) else {
        return None;
    };
    let year = i32::try_from(y).ok()?;
    match NaiveDate::from_ymd_opt(year, m, d) {
        Some(date) => Some(date),
        None => {
            cx.bad_date(tok, "date", month_problem(Some(year), m, d), DATE_HELP);
            None
        }
    }
}

fn parse_month_day(cx: &mut Cx<'_>, tok: &Tok) -> Option<(u32, u32)> {
    let groups = match tok.kind {
        TokKind::Word => digit_groups(&tok.text, &[2, 2]),
        TokKind::Text => None,
    };
    let Some(groups) = groups else {
        cx.bad_date(
            tok,
            "month-day",
            "expected the form MM-DD".to_string(),
            MONTH_DAY_HELP,
        );
        return None;
    };
    let (Some(&m), Some(&d)) = (groups.first(), groups.get(1)) else {
        return None;
    };
    // 2000 is a leap year: 02-29 is a valid month-day (a day off in leap years only).
    if NaiveDate::from_ymd_opt(2000, m, d).is_none() {
        cx.bad_date(tok, "month-day", month_problem(None, m, d), MONTH_DAY_HELP);
        return None;
    }
    Some((m, d))
}

fn parse_year_number(cx: &mut Cx<'_>, tok: &Tok) -> Option<i32> {
    let year = match tok.kind {
        TokKind::Word => digit_groups(&tok.text, &[4])
            .and_then(|g| g.first().copied())
            .and_then(|y| i32::try_from(y).ok()),
        TokKind::Text => None,
    };
    if year.is_none() {
        cx.bad_date(
            tok,
            "year",
            "expected four digits".to_string(),
            "write a year as YYYY, e.g. 2024",
        );
    }
    year
}
