//! Tests of reading, matching and running rule tests.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use super::*;
use crate::compile::builtin_vocabulary as vocab;
use serde_json::json;

#[test]
fn partial_items_match_recursively() {
    let actual = json!({"rule": "a", "due": "2024-03-19", "penalty": {"article": "518 part 1", "fine_mci": [20, 20]}});
    assert!(item_matches(&json!({"rule": "a"}), &actual));
    assert!(item_matches(
        &json!({"penalty": {"fine_mci": [20, 20]}}),
        &actual
    ));
    assert!(!item_matches(
        &json!({"penalty": {"fine_mci": [20]}}),
        &actual
    ));
    assert!(!item_matches(&json!({"due": "2024-03-20"}), &actual));
    assert!(item_matches(&json!({"fulfilled_on": null}), &actual));
    assert!(!item_matches(&json!({"penalty": null}), &actual));
    assert!(item_matches(
        &json!({"days_late": 1.0}),
        &json!({"days_late": 1})
    ));
}

#[test]
fn matching_is_a_multiset_matching_not_greedy() {
    // Greedy would give the loose item the first actual and leave the strict one alone.
    let expected = vec![json!({"rule": "a"}), json!({"rule": "a", "due": "1"})];
    let actual = vec![
        json!({"rule": "a", "due": "1"}),
        json!({"rule": "a", "due": "2"}),
    ];
    assert!(compare(Category::Obligations, &expected, &actual).is_none());
    let too_few = vec![json!({"rule": "a"})];
    let failure = compare(Category::Obligations, &too_few, &actual).unwrap();
    assert_eq!(failure.missing.len(), 0);
    assert_eq!(failure.unexpected.len(), 1);
    let duplicate = vec![
        json!({"rule": "a", "due": "1"}),
        json!({"rule": "a", "due": "1"}),
    ];
    let failure = compare(Category::Obligations, &duplicate, &actual).unwrap();
    assert_eq!(failure.missing.len(), 1);
    assert_eq!(failure.unexpected.len(), 1);
}

#[test]
fn the_diff_shows_the_field_that_differs() {
    let expected = vec![json!({"rule": "a", "due": "2024-03-19", "status": "met"})];
    let actual = vec![json!({"rule": "a", "due": "2024-03-20", "status": "met", "action": "x"})];
    let failure = compare(Category::Obligations, &expected, &actual).unwrap();
    assert!(
        failure.diff.contains("-    \"due\": \"2024-03-19\""),
        "{}",
        failure.diff
    );
    assert!(
        failure.diff.contains("+    \"due\": \"2024-03-20\""),
        "{}",
        failure.diff
    );
    assert!(!failure.diff.contains("action"), "{}", failure.diff);
}

#[test]
fn errors_name_the_json_path_and_the_line() {
    let text = "{\n  \"name\": \"x\",\n  \"as_of\": \"2024-01-01\",\n  \"case\": {\"case\": \"c\", \"person\": {\"citizenship\": \"GB\"},\n    \"events\": [{\"kind\": \"entry\", \"date\": \"2024-13-01\"}]},\n  \"expect\": {\"obligations\": []}\n}\n";
    let err = parse_test(Path::new("t.json"), text, vocab()).unwrap_err();
    assert_eq!(err.path, "case.events[0].date");
    assert_eq!(err.line, Some(5));
    assert_eq!(err.code, "kzrules::case::bad_date");

    let text = "{\"name\": \"x\", \"as_of\": \"2024-01-01\",\n \"case\": {\"case\": \"c\", \"person\": {\"citizenship\": \"GB\"}, \"events\": []},\n \"expect\": {\"obligations\": [{\"rule\": \"a\", \"stauts\": \"met\"}]}}";
    let err = parse_test(Path::new("t.json"), text, vocab()).unwrap_err();
    assert_eq!(err.path, "expect.obligations[0].stauts");
    assert_eq!(err.line, Some(3));
    // The column of the unknown key itself: ` "expect": {"obligations": [{"rule": "a", `
    // is 42 characters.
    assert_eq!(err.column, Some(43));
    assert!(err.help.clone().unwrap().contains("did you mean `status`?"));

    let text = "{\"name\": \"x\", \"as_of\": \"2024-01-01\", \"case\": {\"case\": \"c\", \"person\": {\"citizenship\": \"GB\"}, \"events\": []}, \"expect\": {\"obligations\": [{\"penalty\": {\"fine\": 1}}]}}";
    let err = parse_test(Path::new("t.json"), text, vocab()).unwrap_err();
    assert_eq!(err.path, "expect.obligations[0].penalty.fine");

    let text = "{\"name\": \"x\", \"case\": {\"case\": \"c\", \"person\": {\"citizenship\": \"GB\"}, \"events\": []}, \"expect\": {\"obligations\": []}}";
    let err = parse_test(Path::new("t.json"), text, vocab()).unwrap_err();
    assert_eq!(err.code, "kzrules::test::no_as_of");

    let text = "{\"name\": \"x\", \"as_of\": \"2024-01-01\", \"case\": {\"case\": \"c\", \"person\": {\"citizenship\": \"GB\"}, \"events\": []}, \"expect\": {}}";
    let err = parse_test(Path::new("t.json"), text, vocab()).unwrap_err();
    assert_eq!(err.code, "kzrules::test::empty_expect");

    let text = "{\"name\": \"x\", \"as_of\": \"2024-01-01\", \"cas\": {}}";
    let err = parse_test(Path::new("t.json"), text, vocab()).unwrap_err();
    assert_eq!(err.path, "cas");
    assert!(err.help.clone().unwrap().contains("did you mean `case`?"));
}

#[test]
fn the_locator_finds_nested_places() {
    let text = r#"{"a": [1, {"b\"c": "x", "d": [true, null]}], "e": 2}"#;
    let (s, e) = json_locate(
        text,
        &[
            Seg::Key("a".into()),
            Seg::Index(1),
            Seg::Key("d".into()),
            Seg::Index(1),
        ],
    )
    .unwrap();
    assert_eq!(&text[s..e], "null");
    let (s, e) = json_locate(
        text,
        &[Seg::Key("a".into()), Seg::Index(1), Seg::Key("b\"c".into())],
    )
    .unwrap();
    assert_eq!(&text[s..e], "\"x\"");
    let (s, e) = json_locate(text, &[Seg::Key("e".into())]).unwrap();
    assert_eq!(&text[s..e], "2");
    assert!(json_locate(text, &[Seg::Key("z".into())]).is_none());
    // Text that is not JSON ends the search instead of looping.
    assert!(json_locate("[}", &[Seg::Index(1)]).is_none());
    assert!(json_locate("{\"a\": [1 }", &[Seg::Key("b".into())]).is_none());
    let (s, e) = json_locate_key(
        text,
        &[Seg::Key("a".into()), Seg::Index(1), Seg::Key("d".into())],
    )
    .unwrap();
    assert_eq!(&text[s..e], "\"d\"");
}

#[test]
fn a_subset_match_allows_items_the_test_does_not_list() {
    let actual = vec![
        json!({"rule": "a", "due": "1"}),
        json!({"rule": "b", "due": "2"}),
    ];
    let only_a = vec![json!({"rule": "a"})];
    assert!(compare(Category::Obligations, &only_a, &actual).is_some());
    assert!(compare_with(Category::Obligations, &only_a, &actual, Match::Subset).is_none());
    // Each expected item still needs an actual item of its own.
    let two_a = vec![json!({"rule": "a"}), json!({"rule": "a"})];
    let failure = compare_with(Category::Obligations, &two_a, &actual, Match::Subset).unwrap();
    assert_eq!(failure.missing.len(), 1);
    // Nothing listed: a subset test checks nothing; an exact one checks emptiness.
    assert!(compare_with(Category::Obligations, &[], &actual, Match::Subset).is_none());
    assert!(compare(Category::Obligations, &[], &actual).is_some());
}

#[test]
fn match_is_read_and_checked() {
    let base = |m: &str| {
        format!("{{\"name\": \"x\", \"as_of\": \"2024-01-01\", {m}\"case\": {{\"case\": \"c\", \"person\": {{\"citizenship\": \"GB\"}}, \"events\": []}}, \"expect\": {{\"obligations\": []}}}}")
    };
    let t = parse_test(Path::new("t.json"), &base(""), vocab()).unwrap();
    assert_eq!(t.matching, Match::Exact);
    let t = parse_test(
        Path::new("t.json"),
        &base("\"match\": \"subset\", "),
        vocab(),
    )
    .unwrap();
    assert_eq!(t.matching, Match::Subset);
    let err = parse_test(Path::new("t.json"), &base("\"match\": true, "), vocab()).unwrap_err();
    assert_eq!(err.path, "match");
    assert_eq!(err.code, "kzrules::test::wrong_type");
}
