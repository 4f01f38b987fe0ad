//! `kzrules doc`: docs/catalog.md is the generator's output (so it cannot go stale),
//! every catalog id is in it, the HTML page is well formed and escapes the rule text,
//! the rule tests are listed under their rules; and the editor files are valid and know
//! every keyword of the grammar.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use kzrules::compile::compile;
use kzrules::ir::Program;
use kzrules::source::SourceFile;
use kzrules::tools::doc::{catalog_html, catalog_markdown, REGENERATE};

/// The rule ids of the catalog (docs/catalog.md) that users' scripts depend on.
const CATALOG_IDS: [&str; 13] = [
    "arrival_notification",
    "address_change_notification",
    "region_trip_notification",
    "temporary_residence_permit",
    "work_permit_renewal",
    "visa_extension",
    "visa_free_stay",
    "visa_stay",
    "passport_validity",
    "business_trip_limit",
    "business_visit_limit",
    "invitation_ban",
    "tax_residency",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn program_of(files: Vec<SourceFile>) -> Program {
    match compile(files) {
        Ok(compiled) => compiled.program,
        Err(diagnostics) => panic!("the rules do not compile:\n{}", diagnostics.render_plain()),
    }
}

/// The built-in rules, as `kzrules doc` compiles them.
fn program() -> Program {
    program_of(kzrules::load::rules::embedded())
}

#[test]
fn the_catalog_in_docs_is_up_to_date() {
    // `kzrules doc` reads the rule tests from `rules/tests`, relative to the folder it is
    // run in; cargo runs the tests in the crate's folder.
    assert_eq!(std::env::current_dir().unwrap(), root());
    let expected = catalog_markdown(&program(), Some(Path::new("rules")));
    let actual = std::fs::read_to_string(root().join("docs/catalog.md")).unwrap_or_default();
    if actual != expected {
        let diff = similar::TextDiff::from_lines(&actual, &expected);
        let shown: String = diff
            .unified_diff()
            .context_radius(1)
            .to_string()
            .lines()
            .take(40)
            .collect::<Vec<_>>()
            .join("\n");
        panic!("docs/catalog.md is out of date: regenerate it with `{REGENERATE}`\n{shown}");
    }
}

#[test]
fn every_catalog_id_is_in_the_catalog() {
    let catalog = catalog_markdown(&program(), Some(Path::new("rules")));
    let missing: Vec<&str> = CATALOG_IDS
        .iter()
        .copied()
        .filter(|id| !catalog.contains(&format!("\n### `{id}`\n")))
        .collect();
    assert!(missing.is_empty(), "no section for {missing:?}");
}

#[test]
fn the_catalog_is_deterministic() {
    let program = program();
    let rules = Some(Path::new("rules"));
    assert_eq!(
        catalog_markdown(&program, rules),
        catalog_markdown(&program, rules)
    );
    assert_eq!(catalog_html(&program, rules), catalog_html(&program, rules));
}

#[test]
fn the_catalog_shows_each_rule_as_written_and_in_words() {
    let catalog = catalog_markdown(&program(), None);
    // The rule text, from the `rule` keyword to its closing brace.
    assert!(catalog.contains("```kzrules\n"));
    assert!(catalog.contains("rule arrival_notification {\n"));
    // Deadlines and the penalty in words.
    assert!(catalog.contains("within 3 business days of each `entry`"));
    assert!(catalog.contains("| at most 3 days late | 517 part 3 | warning |"));
    // The parameter table.
    assert!(catalog.contains("### Parameter `mci`"));
    assert!(catalog.contains("| from 2024-01-01 | 3692 |"));
    assert!(catalog.contains("| 2026-01-01 to 2026-12-31 | 4325 |"));
}

/// A rule whose texts need escaping, added to the built-in rules.
fn program_with_awkward_texts() -> Program {
    let mut files = kzrules::load::rules::embedded();
    files.push(SourceFile::new(
        "rules/zz_probe.kzr",
        r#"rule zz_probe {
  title "<script>alert(1)</script> & | *x*"
  in_force from 2020-01-01
  cite aoc "art. <1> | 2" seed "000_c9626e242dc8474e.txt"
  bearer host
  action "notify <b>someone</b>"
  notify within 3 business_days of entry
}
"#,
    ));
    program_of(files)
}

#[test]
fn html_is_one_well_formed_self_contained_page() {
    let page = catalog_html(&program_with_awkward_texts(), Some(Path::new("rules")));
    assert!(page.starts_with("<!DOCTYPE html>"));
    let mut reader = quick_xml::Reader::from_str(&page);
    let mut elements = 0;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(quick_xml::events::Event::Start(_)) => elements += 1,
            Ok(_) => {}
            Err(e) => panic!("not well formed at byte {}: {e}", reader.buffer_position()),
        }
    }
    assert!(elements > 100);
    assert!(!page.contains("<script"));
    assert!(!page.contains("src="));
    assert!(!page.contains("href=\"http"));
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; | *x*"));
    assert!(page.contains("notify &lt;b&gt;someone&lt;/b&gt;"));
    // The rule as written is escaped too.
    assert!(page.contains("title &quot;&lt;script&gt;"));
}

#[test]
fn markdown_escapes_what_it_must() {
    let catalog = catalog_markdown(&program_with_awkward_texts(), None);
    // Outside code blocks, no raw HTML comes from the rule texts.
    let outside_code: String = catalog.split("```").step_by(2).collect();
    assert!(!outside_code.contains("<script>"));
    assert!(catalog.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; \\| \\*x\\*"));
    // In a table, a `|` of a text is escaped so that it does not end the cell.
    assert!(catalog.contains("| art. &lt;1&gt; \\| 2 |"));
    // The rule as written stays as written, in a code block.
    assert!(catalog.contains("  title \"<script>alert(1)</script> & | *x*\"\n"));
}

#[test]
fn rule_tests_are_listed_under_the_rules_their_expectations_name() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("tests")).unwrap();
    std::fs::write(
        dir.path().join("tests/probe.json"),
        r#"{"name": "a probe test", "case": {}, "expect": {"obligations": [{"rule": "visa_stay"}], "exemptions": [{"rule": "no_such_rule"}], "findings": []}}"#,
    )
    .unwrap();
    std::fs::write(dir.path().join("tests/broken.json"), "{").unwrap();
    let catalog = catalog_markdown(&program(), Some(dir.path()));
    let section = catalog
        .split("\n### `visa_stay`\n")
        .nth(1)
        .and_then(|rest| rest.split("\n#### ").next())
        .unwrap();
    assert!(section.contains("probe.json`: a probe test"), "{section}");
    let other = catalog
        .split("\n### `arrival_notification`\n")
        .nth(1)
        .and_then(|rest| rest.split("\n#### ").next())
        .unwrap();
    assert!(other.contains("**Tests:** no tests"), "{other}");
    assert!(catalog.contains("Test files that could not be read"));
    assert!(catalog.contains("broken.json"));
    assert!(catalog.contains("do not define: `no_such_rule`"));
}

#[test]
fn without_a_tests_folder_every_rule_says_no_tests() {
    let dir = tempfile::tempdir().unwrap();
    let program = program();
    let ids = program.rule_ids().len();
    for catalog in [
        catalog_markdown(&program, Some(dir.path())),
        catalog_markdown(&program, None),
    ] {
        assert_eq!(catalog.matches("**Tests:** no tests").count(), ids);
        assert!(catalog.contains("## Rule tests\n\nno tests\n"));
    }
}

#[test]
fn the_doc_command_prints_markdown_and_html() {
    let markdown = assert_cmd::Command::cargo_bin("kzrules")
        .unwrap()
        .arg("doc")
        .output()
        .unwrap();
    assert_eq!(markdown.status.code(), Some(0));
    let expected = catalog_markdown(&program(), Some(Path::new("rules")));
    assert_eq!(String::from_utf8(markdown.stdout).unwrap(), expected);
    let html = assert_cmd::Command::cargo_bin("kzrules")
        .unwrap()
        .args(["doc", "--format", "html", "--rules", "rules"])
        .output()
        .unwrap();
    assert_eq!(html.status.code(), Some(0));
    assert!(String::from_utf8(html.stdout)
        .unwrap()
        .contains("<h3 id=\"visa_stay\">"));
}

// ---------------------------------------------------------------------------------------
// Editor support.

fn json(path: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(root().join(path)).unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("`{path}` is not JSON: {e}"))
}

/// The words of the `keyword` rule of grammar/kzrules.pest.
fn grammar_keywords() -> BTreeSet<String> {
    let grammar = std::fs::read_to_string(root().join("grammar/kzrules.pest")).unwrap();
    let start = grammar.find("\nkeyword = _{").expect("a `keyword` rule");
    let body = &grammar[start..];
    let body = &body[..body.find("\n}").unwrap()];
    body.split('"')
        .skip(1)
        .step_by(2)
        .map(String::from)
        .collect()
}

#[test]
fn the_editor_files_are_json() {
    for path in [
        "editors/kzrules.tmLanguage.json",
        "editors/vscode/package.json",
        "editors/vscode/language-configuration.json",
        "editors/vscode/syntaxes/kzrules.tmLanguage.json",
    ] {
        assert!(json(path).is_object(), "`{path}` is not an object");
    }
}

#[test]
fn the_textmate_grammar_knows_every_keyword() {
    let keywords = grammar_keywords();
    assert!(keywords.len() > 40, "only {} keywords read", keywords.len());
    let grammar = json("editors/kzrules.tmLanguage.json");
    let patterns = grammar["repository"]["keywords"]["patterns"]
        .as_array()
        .unwrap();
    let words: BTreeSet<String> = patterns
        .iter()
        .flat_map(|p| {
            p["match"]
                .as_str()
                .unwrap()
                .split(|c: char| !(c.is_ascii_lowercase() || c == '_'))
                .map(String::from)
                .collect::<Vec<_>>()
        })
        .collect();
    let missing: Vec<&String> = keywords.iter().filter(|k| !words.contains(*k)).collect();
    assert!(
        missing.is_empty(),
        "keywords missing from the TextMate grammar: {missing:?}"
    );
    assert_eq!(grammar["scopeName"], "source.kzrules");
}

#[test]
fn the_vscode_extension_declares_the_language_and_the_grammar() {
    let package = json("editors/vscode/package.json");
    let language = &package["contributes"]["languages"][0];
    assert_eq!(language["id"], "kzrules");
    assert!(language["extensions"]
        .as_array()
        .unwrap()
        .contains(&serde_json::json!(".kzr")));
    let configuration = language["configuration"].as_str().unwrap();
    let grammar = &package["contributes"]["grammars"][0];
    assert_eq!(grammar["language"], "kzrules");
    assert_eq!(grammar["scopeName"], "source.kzrules");
    let extension = root().join("editors/vscode");
    let grammar_path = extension.join(grammar["path"].as_str().unwrap());
    // The extension's copy of the grammar is the grammar.
    assert_eq!(
        std::fs::read_to_string(&grammar_path).unwrap(),
        std::fs::read_to_string(root().join("editors/kzrules.tmLanguage.json")).unwrap(),
        "copy editors/kzrules.tmLanguage.json to {}",
        grammar_path.display()
    );
    let config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(extension.join(configuration)).unwrap())
            .unwrap();
    assert_eq!(config["comments"]["lineComment"], "#");
    let brackets = config["brackets"].as_array().unwrap();
    assert!(brackets.contains(&serde_json::json!(["{", "}"])));
    assert!(brackets.contains(&serde_json::json!(["(", ")"])));
}
