//! `kzrules fmt`: the shipped rule files are formatted, formatting is idempotent, keeps
//! every comment and never changes the syntax tree, and white space added between tokens
//! does not change the result.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use kzrules::source::SourceFile;
use kzrules::tools::fmt::{format_source, tree_without_spans};
use proptest::prelude::*;

fn shipped() -> Vec<(PathBuf, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut files: Vec<(PathBuf, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "kzr"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p, text)
        })
        .collect();
    files.sort();
    assert!(files.len() >= 5, "the rule files were not found");
    files
}

fn fmt(text: &str) -> String {
    match format_source(text) {
        Ok(formatted) => formatted,
        Err(errors) => panic!(
            "cannot format:\n{}\n---\n{text}",
            errors
                .iter()
                .map(|e| e.one_line())
                .collect::<Vec<_>>()
                .join("\n")
        ),
    }
}

/// The syntax tree without places: `Citation`, `Branch`, `Unless` and others keep a span
/// as a plain field, which `==` compares, so the trees are compared without spans.
fn tree(text: &str) -> String {
    let parsed = kzrules::syntax::parse(0, &SourceFile::new("t.kzr", text)).unwrap();
    tree_without_spans(&parsed)
}

/// A token or comment and the white space before it.
#[derive(Debug, Clone)]
struct Piece {
    space: String,
    token: String,
    comment: bool,
}

/// Split a rule file into tokens, comments and the white space between them; the last
/// piece is the white space at the end (an empty token).
fn pieces(text: &str) -> Vec<Piece> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        let mut space = String::new();
        while i < chars.len() && matches!(chars[i], ' ' | '\t' | '\r' | '\n') {
            space.push(chars[i]);
            i += 1;
        }
        if i == chars.len() {
            out.push(Piece {
                space,
                token: String::new(),
                comment: false,
            });
            return out;
        }
        let start = i;
        let c = chars[i];
        if c == '#' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
        } else if "{}(),:".contains(c) {
            i += 1;
        } else {
            while i < chars.len()
                && !matches!(chars[i], ' ' | '\t' | '\r' | '\n' | '"' | '#')
                && !"{}(),:".contains(chars[i])
            {
                i += 1;
            }
        }
        out.push(Piece {
            space,
            token: chars[start..i.min(chars.len())].iter().collect(),
            comment: c == '#',
        });
    }
}

fn comments(text: &str) -> Vec<String> {
    pieces(text)
        .into_iter()
        .filter(|p| p.comment)
        .map(|p| p.token.trim_end().to_string())
        .collect()
}

/// A hand-written file in a poor layout, with comments in awkward places. (Clauses are
/// not written in the first column: the syntax's error recovery cuts a file before every
/// line that starts there with a declaration keyword such as `penalty`.)
const MESSY: &str = r#"


# The first comment.   
source   migration_law "Law on migration"   source aoc "Code"
rule   demo_rule{title"A rule" # after the title
  in_force from 2020-01-01 until 2020-12-31
 cite migration_law "art. 1" seed "000.txt"    bearer host action "do it"



  # about the duty
      notify within 3 business_days of entry # why three
  when citizen_of {AZ,UZ} and ( holder_of visa or age under 16 ) unless holder_of residence_permit because "holds one" cite migration_law "art. 2"
  notify
  within
  5
  calendar_days of address_change unless age under 2
    penalty late


  # closing remark

}
penalty late { title "Late" when days_late at_most 3 : article "1" warning
 otherwise: article "1 part 2" fine small 10 , medium 15 , large 20 , non_profit 10 , official 10 mci }
set s { title "S" members AU, AT, BH, BE, BG, CA, CL, CO, HR, CY, CZ, DK, EE, FI, FR, DE, GR, HU, IS, ID, IE, IL, IT, JP, KW }
extend demo_rule due from 2020-03-16 to 2020-07-09 until 2020-07-10 because "a very long reason that does not fit on the line" cite aoc "x"
exempt from demo_rule when purpose is business because "why""#;

/// What [`MESSY`] must become.
const MESSY_FORMATTED: &str = "# The first comment.
source migration_law \"Law on migration\"
source aoc \"Code\"
rule demo_rule {
  title \"A rule\" # after the title
  in_force from 2020-01-01 until 2020-12-31
  cite migration_law \"art. 1\" seed \"000.txt\"
  bearer host
  action \"do it\"

  # about the duty
  notify within 3 business_days of entry # why three
    when citizen_of {AZ, UZ} and (holder_of visa or age under 16)
  unless holder_of residence_permit because \"holds one\" cite migration_law \"art. 2\"
  notify within 5 calendar_days of address_change unless age under 2
  penalty late

  # closing remark
}
penalty late {
  title \"Late\"
  when days_late at_most 3: article \"1\" warning
  otherwise: article \"1 part 2\" fine small 10, medium 15, large 20, non_profit 10, official 10 mci
}
set s {
  title \"S\"
  members AU, AT, BH, BE, BG, CA, CL, CO, HR, CY, CZ, DK, EE, FI, FR, DE, GR, HU, IS, ID, IE, IL,
    IT, JP, KW
}
extend demo_rule due from 2020-03-16 to 2020-07-09 until 2020-07-10
  because \"a very long reason that does not fit on the line\" cite aoc \"x\"
exempt from demo_rule when purpose is business because \"why\"
";

#[test]
fn every_shipped_rule_file_is_formatted() {
    let unformatted: Vec<String> = shipped()
        .into_iter()
        .filter(|(_, text)| fmt(text) != *text)
        .map(|(path, _)| path.display().to_string())
        .collect();
    assert!(
        unformatted.is_empty(),
        "not formatted (run `cargo run -q -- fmt`): {unformatted:?}"
    );
}

#[test]
fn a_messy_file_gets_the_canonical_layout() {
    let formatted = fmt(MESSY);
    similar_asserts(&formatted, MESSY_FORMATTED);
}

fn similar_asserts(actual: &str, expected: &str) {
    if actual != expected {
        let diff = similar::TextDiff::from_lines(expected, actual);
        panic!(
            "the layout differs (- expected, + actual):\n{}",
            diff.unified_diff()
        );
    }
}

#[test]
fn an_unless_keeps_its_line() {
    // Written on the duty's line, an `unless` stays there when it fits ...
    let on_the_line = "rule x {
  notify within 3 business_days of entry unless holder_of residence_permit
    because \"holds a residence permit: its holders are exempt from notification\"
}
";
    assert_eq!(fmt(on_the_line), on_the_line);
    // ... and written on a line of its own, it stays a clause of the rule, with the
    // blank line before it, although the grammar reads it as part of the duty.
    let apart = "rule x {
  notify within 3 business_days of entry

  unless holder_of residence_permit because \"holds one\"
}
";
    assert_eq!(fmt(apart), apart);
    assert_eq!(tree(apart), tree(&apart.replace("\n\n  unless", " unless")));
    // An `unless` never follows a `because` on a line, and one that does not fit on
    // the duty's line starts a line as a clause.
    let crowded = "rule x { notify within 3 business_days of entry when age under 60 \
                   unless age under 2 because \"b\" unless age under 1 because \"c\" }";
    let laid_out = "rule x {
  notify within 3 business_days of entry when age under 60 unless age under 2 because \"b\"
  unless age under 1 because \"c\"
}
";
    assert_eq!(fmt(crowded), laid_out);
    assert_eq!(fmt(laid_out), laid_out);
}

#[test]
fn formatting_is_idempotent() {
    let mut texts: Vec<String> = shipped().into_iter().map(|(_, t)| t).collect();
    texts.push(MESSY.to_string());
    for text in texts {
        let once = fmt(&text);
        assert_eq!(fmt(&once), once);
    }
}

#[test]
fn formatting_keeps_every_comment() {
    let mut texts: Vec<String> = shipped().into_iter().map(|(_, t)| t).collect();
    texts.push(MESSY.to_string());
    let mut total = 0;
    for text in texts {
        let before = comments(&text);
        assert_eq!(comments(&fmt(&text)), before);
        total += before.len();
    }
    // The shipped files explain their choices in comments: make sure some were counted.
    assert!(total > 50, "only {total} comments counted");
}

#[test]
fn formatting_keeps_the_syntax_tree() {
    let mut texts: Vec<String> = shipped().into_iter().map(|(_, t)| t).collect();
    texts.push(MESSY.to_string());
    for text in texts {
        assert_eq!(tree(&fmt(&text)), tree(&text));
    }
}

#[test]
fn the_tree_comparison_sees_a_change() {
    // The comparison used above is not blind: one changed number is a different tree.
    let text = "rule x { notify within 3 business_days of entry }";
    assert_ne!(tree(text), tree(&text.replace('3', "4")));
    assert_eq!(tree(text), tree(&text.replace(' ', "\n ")));
}

#[test]
fn line_endings_do_not_matter() {
    for (_, text) in shipped() {
        assert_eq!(fmt(&text.replace('\n', "\r\n")), fmt(&text));
    }
}

#[test]
fn lines_end_cleanly_and_the_file_ends_with_one_newline() {
    for (_, text) in shipped() {
        let formatted = fmt(&text);
        assert!(formatted.ends_with('\n') && !formatted.ends_with("\n\n"));
        for line in formatted.lines() {
            assert_eq!(line, line.trim_end());
            let indent = line.len() - line.trim_start().len();
            assert_eq!(indent % 2, 0, "odd indentation: {line:?}");
        }
        assert!(!formatted.contains("\n\n\n"));
        assert!(!formatted.contains("{\n\n"));
        assert!(!formatted.contains("\n\n}"));
    }
}

#[test]
fn a_file_that_does_not_parse_is_refused() {
    let errors =
        format_source("rule x { notify within three business_days of entry }").unwrap_err();
    assert!(!errors.is_empty());
    assert!(errors
        .iter()
        .any(|e| e.code == "kzrules::syntax" && e.message.contains("expected")));
}

#[test]
fn an_empty_file_stays_empty() {
    assert_eq!(fmt(""), "");
    assert_eq!(fmt("\n\n  \n"), "");
    assert_eq!(fmt("# only a comment  \n\n"), "# only a comment\n");
}

fn folder_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

#[test]
fn check_lists_unformatted_files_and_changes_nothing() {
    let good = fmt(MESSY);
    let dir = folder_with(&[("a.kzr", MESSY), ("b.kzr", &good), ("notes.txt", "x")]);
    let output = Command::cargo_bin("kzrules")
        .unwrap()
        .args(["fmt", "--check"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1);
    assert!(stdout.contains("a.kzr"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.kzr")).unwrap(),
        MESSY
    );
}

#[test]
fn fmt_rewrites_and_lists_the_files_changed() {
    let dir = folder_with(&[("a.kzr", MESSY), ("b.kzr", MESSY_FORMATTED)]);
    let output = Command::cargo_bin("kzrules")
        .unwrap()
        .arg("fmt")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1);
    assert!(stdout.contains("a.kzr"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.kzr")).unwrap(),
        MESSY_FORMATTED
    );
    // No temporary file is left behind.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    // Now everything is formatted.
    Command::cargo_bin("kzrules")
        .unwrap()
        .args(["fmt", "--check"])
        .arg(dir.path())
        .assert()
        .code(0)
        .stdout("");
}

#[test]
fn an_unparsable_file_exits_2_and_is_left_untouched() {
    let bad = "rule x {\n  notify within three business_days of entry\n}\n";
    let dir = folder_with(&[("bad.kzr", bad), ("a.kzr", MESSY)]);
    let output = Command::cargo_bin("kzrules")
        .unwrap()
        .arg("fmt")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("bad.kzr"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("bad.kzr")).unwrap(),
        bad
    );
    // The other file is still formatted.
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.kzr")).unwrap(),
        MESSY_FORMATTED
    );
}

#[test]
fn a_missing_path_or_another_kind_of_file_exits_2() {
    Command::cargo_bin("kzrules")
        .unwrap()
        .args(["fmt", "--check", "no/such/folder"])
        .assert()
        .code(2);
    Command::cargo_bin("kzrules")
        .unwrap()
        .args(["fmt", "--check", "rules/calendar.kzcal"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("is not a rule file"));
}

/// One change to the white space before a piece.
/// What is allowed is decided on the formatted file (`original`), not on earlier changes.
fn mutate(pieces: &mut [Piece], original: &[Piece], at: usize, how: u8) {
    let previous_is_comment = at > 0 && original[at - 1].comment;
    let newlines = original[at].space.matches('\n').count();
    let has_newline = newlines > 0;
    let first_or_last = at == 0 || original[at].token.is_empty();
    // Whether an `unless` starts a line is the analyst's choice the layout keeps.
    let kept_break = original[at].token == "unless";
    let piece = &mut pieces[at];
    let spaces = ["  ", "\t", " \t "][usize::from(how) % 3];
    match how % 5 {
        // Extra spaces and tabs, anywhere: indentation, trailing, between tokens.
        0 => piece.space.push_str(spaces),
        1 => piece.space.insert_str(0, spaces),
        // A line break or a blank line inside a line, not before a comment (that would
        // move a trailing comment to a line of its own).
        2 | 3 if !has_newline && !piece.comment && !kept_break => {
            piece
                .space
                .push_str(if how % 5 == 2 { "\n" } else { "\n\n  \n" });
            piece.space.push_str(spaces);
        }
        // More blank lines where there is one already, and at the ends of the file.
        // (Added in front, so that the token keeps its column: the syntax's error
        // recovery cuts before a declaration keyword in the first column.)
        2 | 3 if newlines >= 2 || first_or_last => {
            piece.space.insert_str(0, "\n \n\n");
        }
        // A single line break between two statements becomes a space: statements
        // start lines by themselves (not next to a comment, which ends at the line's end).
        4 if newlines == 1
            && !kept_break
            && !piece.comment
            && !previous_is_comment
            && !first_or_last =>
        {
            piece.space = String::from(" ");
        }
        _ => piece.space.push(' '),
    }
}

/// The white space put before a token in a random layout: nothing (where the grammar
/// allows it), spaces, a line break or blank lines, each followed by an indentation.
fn random_space(how: u8, token: &Piece, previous: Option<&Piece>) -> String {
    let previous_is_comment = previous.is_some_and(|p| p.comment);
    let indent = ["  ", "", "\t", "     "][usize::from(how / 8) % 4];
    // A comment ends at the line's end; a line break before a comment would make a
    // trailing comment an own-line one (a different but valid layout, also tested).
    let break_needed = previous_is_comment;
    let punct = |p: &Piece| "{}(),:".contains(p.token.as_str()) && !p.token.is_empty();
    let may_touch = !break_needed
        && !token.comment
        && (punct(token) || previous.is_some_and(punct))
        && previous.is_some();
    match how % 8 {
        0 if may_touch => String::new(),
        0..=3 if !break_needed => " ".repeat(usize::from(how % 3) + 1),
        4 | 5 => format!("\n{indent}"),
        6 => format!("\n\n{indent}"),
        _ => format!("\n \n\n{indent}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Any layout of a shipped file's tokens formats to a fixed point with the same tree
    /// and the same comments. (A line never starts with a declaration keyword in its
    /// first column unless it did in the file: the syntax's recovery cuts there.)
    #[test]
    fn any_layout_formats_to_a_fixed_point(
        file in any::<prop::sample::Index>(),
        layout in prop::collection::vec(any::<u8>(), 2000),
    ) {
        let files = shipped();
        let (_, text) = &files[file.index(files.len())];
        let original = pieces(text);
        let mut changed = String::new();
        for (i, piece) in original.iter().enumerate() {
            let how = layout[i % layout.len()];
            let previous = i.checked_sub(1).map(|j| &original[j]);
            let at_line_start = piece.space.ends_with('\n') || i == 0;
            if at_line_start && !piece.space.is_empty() {
                // Keep the file's own line starts (declarations start in column 0).
                changed.push_str(&piece.space);
            } else if piece.token.is_empty() {
                changed.push('\n');
            } else {
                let mut space = random_space(how, piece, previous);
                if space.ends_with('\n') || space.is_empty() && i == 0 {
                    space.push(' ');
                }
                changed.push_str(&space);
            }
            changed.push_str(&piece.token);
        }
        let once = fmt(&changed);
        prop_assert_eq!(fmt(&once), once.clone());
        prop_assert_eq!(tree(&once), tree(text));
        prop_assert_eq!(comments(&once), comments(text));
    }

    #[test]
    fn white_space_between_tokens_does_not_change_the_result(
        file in any::<prop::sample::Index>(),
        changes in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..40),
    ) {
        let files = shipped();
        let (_, text) = &files[file.index(files.len())];
        // The gaps are classified on the formatted text (where every statement starts a
        // line); the shipped files are formatted, so this is the file itself.
        let expected = fmt(text);
        let original = pieces(&expected);
        let mut parts = original.clone();
        for (at, how) in changes {
            let index = at.index(parts.len());
            mutate(&mut parts, &original, index, how);
        }
        let changed: String = parts.iter().map(|p| format!("{}{}", p.space, p.token)).collect();
        prop_assert_eq!(fmt(&changed), expected);
    }
}

#[test]
fn a_byte_order_mark_is_read_as_white_space_and_dropped_by_fmt() {
    let body = "source law \"Law on Population Migration\"\n";
    let with_bom = format!("\u{feff}{body}");
    // The rules compile (an unused source is a warning, not an error).
    let file = SourceFile::new("bom.kzr", with_bom.as_str());
    assert!(kzrules::syntax::parse(0, &file).is_ok());
    // fmt drops the mark: the canonical layout is plain UTF-8.
    let formatted = format_source(&with_bom).unwrap();
    assert!(!formatted.starts_with('\u{feff}'), "{formatted:?}");
    assert_eq!(formatted, format_source(body).unwrap());
}
