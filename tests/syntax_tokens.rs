//! Meaning comes from the parse tree only: a comment between any two tokens of a rule
//! file changes nothing. Every shipped rule file is rewritten with `# c` and a newline
//! between every pair of tokens, parsed, and compared with the original (syntax trees
//! compared without their spans), and the rewritten rule set must compile.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use kzrules::compile::compile;
use kzrules::source::SourceFile;
use kzrules::syntax::ast::{InForce, Item, RuleClause};
use kzrules::syntax::parse;
use kzrules::tools::fmt::tree_without_spans;

/// The tokens of a rule file: texts in double quotes, comments, runs of letters, digits,
/// `_` and `-` (names, numbers, dates), and single punctuation characters.
fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let len = if c.is_whitespace() || c == '\u{feff}' {
            rest = &rest[c.len_utf8()..];
            continue;
        } else if c == '"' {
            let mut escaped = false;
            let mut end = rest.len();
            for (i, ch) in rest.char_indices().skip(1) {
                if escaped {
                    escaped = false;
                } else if ch == '\\' {
                    escaped = true;
                } else if ch == '"' {
                    end = i + 1;
                    break;
                }
            }
            end
        } else if c == '#' {
            rest.find('\n').unwrap_or(rest.len())
        } else if c.is_ascii_digit() {
            // A number, a date or a decimal (`0.5`): one token.
            rest.find(|ch: char| !(ch.is_alphanumeric() || ch == '_' || ch == '-' || ch == '.'))
                .unwrap_or(rest.len())
        } else if c.is_alphanumeric() || c == '_' || c == '-' {
            rest.find(|ch: char| !(ch.is_alphanumeric() || ch == '_' || ch == '-'))
                .unwrap_or(rest.len())
        } else {
            c.len_utf8()
        };
        out.push(&rest[..len]);
        rest = &rest[len..];
    }
    out
}

/// The text with `# c` and a newline between every pair of tokens.
fn with_comments(text: &str) -> String {
    let mut out = String::new();
    for token in tokens(text) {
        out.push_str(token);
        if token.starts_with('#') {
            out.push('\n');
        }
        out.push_str(" # c\n");
    }
    out
}

fn shipped() -> Vec<SourceFile> {
    kzrules::load::rules::embedded()
}

#[test]
fn a_comment_between_any_two_tokens_changes_nothing() {
    let mut commented = Vec::new();
    let mut checked = 0;
    for file in shipped() {
        if !file.name.ends_with(".kzr") {
            commented.push(file);
            continue;
        }
        let original = parse(0, &file).unwrap_or_else(|e| panic!("{}: {e:?}", file.name));
        let text = with_comments(&file.text);
        assert!(text.matches("# c\n").count() > 10, "{}", file.name);
        let again = SourceFile::new(file.name.clone(), text.as_str());
        let tree = parse(0, &again).unwrap_or_else(|e| {
            panic!(
                "{} with comments does not parse: {}",
                file.name,
                e.iter()
                    .map(|d| d.one_line())
                    .collect::<Vec<_>>()
                    .join("\n")
            )
        });
        assert_eq!(
            tree_without_spans(&tree),
            tree_without_spans(&original),
            "{}: a comment changed the syntax tree",
            file.name
        );
        commented.push(again);
        checked += 1;
    }
    assert!(checked >= 5, "only {checked} rule files");
    let compiled = compile(commented).unwrap_or_else(|d| panic!("{}", d.render_plain()));
    let original = compile(shipped()).unwrap();
    assert_eq!(
        compiled.program.rules.len(),
        original.program.rules.len(),
        "the same rules"
    );
    for (a, b) in compiled.program.rules.iter().zip(&original.program.rules) {
        assert_eq!((&a.id, a.period), (&b.id, b.period), "the same periods");
    }
}

/// `in_force until # note` with the date on the next line: an `until` date, not a `from`.
#[test]
fn a_comment_after_until_keeps_the_date_an_until_date() {
    let text = "source law \"Law\"\n\
                rule r {\n  title \"R\"\n  in_force until # the law's end\n    2020-12-31\n  \
                cite law \"art. 1\"\n  bearer host\n  action \"notify\"\n  \
                notify within 3 business_days of entry\n}\n\
                penalty p {\n  in_force from # start\n 2015-01-01 until\n# end\n2016-01-01\n  \
                cite law \"art. 2\"\n  otherwise: article \"1\" warning\n}\n";
    let file = SourceFile::new("until.kzr", text);
    let tree = parse(0, &file).unwrap();
    let dates = |f: &InForce| {
        (
            f.from.as_ref().map(|d| d.node.clone()),
            f.until.as_ref().map(|d| d.node.clone()),
        )
    };
    let mut periods = Vec::new();
    for item in &tree.items {
        match item {
            Item::Rule(r) => {
                for c in &r.clauses {
                    if let RuleClause::InForce(f) = &c.node {
                        periods.push(dates(f));
                    }
                }
            }
            Item::Penalty(p) => periods.extend(p.in_force.iter().map(|f| dates(&f.node))),
            _ => {}
        }
    }
    let day = |d: &str| Some(String::from(d));
    assert_eq!(
        periods,
        [
            (None, day("2020-12-31")),
            (day("2015-01-01"), day("2016-01-01"))
        ]
    );
}

/// `holder_of visa # note` then `category` on the next line: still a category filter.
#[test]
fn a_comment_inside_a_document_filter_keeps_the_filter() {
    let text = "source law \"Law\"\n\
                rule r {\n  title \"R\"\n  cite law \"art. 1\"\n  bearer host\n  action \"notify\"\n  \
                notify within 3 business_days of entry\n  \
                unless holder_of visa # which\n  category # the code\n C3 entries # how many\n single\n}\n";
    let file = SourceFile::new("filter.kzr", text);
    let debug = tree_without_spans(&parse(0, &file).unwrap());
    assert!(
        debug.contains("Category([Spanned { node: \"C3\""),
        "{debug}"
    );
    assert!(
        debug.contains("Entries(Spanned { node: \"single\""),
        "{debug}"
    );
}
