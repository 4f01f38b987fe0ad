//! The vocabulary in rule files: a kind of event, document or purpose declared in a rule
//! folder is read in cases, used by rules, listed by `kzrules schema case` and the
//! catalog, and a misspelt one is refused with the nearest declared name; a folder with
//! its own `vocabulary.kzr` replaces the built-in one.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{copy_rules, run, text};

/// A folder of rules of its own (no `vocabulary.kzr`): one new event and a rule on it.
fn project_with_a_new_event() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    std::fs::create_dir_all(&rules).unwrap();
    std::fs::write(
        rules.join("check_in.kzr"),
        r#"source entry_rules "Rules of entry and stay of immigrants"

event check_in {
  title "The foreigner checks in at a hotel"
  cite entry_rules "para. 9"
}

rule check_in_notification {
  title "Notification of a guest's check-in"
  cite entry_rules "para. 9"
  bearer host
  action "notify the migration service of the guest's check-in"
  notify within 3 business_days of check_in
}
"#,
    )
    .unwrap();
    dir
}

fn hotel_case(kind: &str) -> String {
    format!(
        r#"{{"case": "guest", "as_of": "2024-05-20", "person": {{"citizenship": "GB"}},
            "host": {{"kind": "hotel"}},
            "events": [{{"kind": "{kind}", "date": "2024-05-10"}},
                       {{"kind": "notification", "date": "2024-05-16"}}]}}"#
    )
}

#[test]
fn a_declared_event_is_read_and_judged() {
    let dir = project_with_a_new_event();
    std::fs::write(dir.path().join("case.json"), hotel_case("check_in")).unwrap();
    let out = run(&["check", "--format", "json", "case.json"], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let result: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let obligation = &result["obligations"][0];
    assert_eq!(obligation["rule"], "check_in_notification");
    assert_eq!(obligation["trigger"]["event"], "check_in");
    // Friday 10 May 2024: day 1; Monday 13: day 2; Tuesday 14: day 3.
    assert_eq!(obligation["due"], "2024-05-14");
    assert_eq!(obligation["status"], "late");
    assert_eq!(obligation["days_late"], 2);
}

#[test]
fn a_misspelt_kind_names_the_nearest_declared_one() {
    let dir = project_with_a_new_event();
    std::fs::write(dir.path().join("case.json"), hotel_case("check-in")).unwrap();
    let out = run(&["check", "case.json"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("events[0].kind"), "{err}");
    assert!(err.contains("did you mean `check_in`?"), "{err}");
    assert!(out.stdout.is_empty());
    // The built-in rules do not know it: the same case is refused by them.
    std::fs::write(dir.path().join("case.json"), hotel_case("check_in")).unwrap();
    let out = run(&["check", "--builtin", "case.json"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("`check_in` is not an event kind"));
}

#[test]
fn the_schema_and_the_catalog_list_the_declared_kinds() {
    let dir = project_with_a_new_event();
    let out = run(&["schema", "case"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let kinds: Vec<&str> = schema["$defs"]["EventKind"]["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["const"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"check_in"), "{kinds:?}");
    assert!(kinds.contains(&"entry"), "{kinds:?}");
    let out = run(&["schema", "case", "--builtin"], dir.path());
    assert!(!text(&out.stdout).contains("check_in"));

    let out = run(&["doc"], dir.path());
    let catalog = text(&out.stdout);
    assert!(
        catalog.contains("| `check_in` | The foreigner checks in at a hotel |"),
        "{catalog}"
    );
}

#[test]
fn a_folder_s_own_vocabulary_replaces_the_built_in_one() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    copy_rules(&rules);
    let vocabulary = std::fs::read_to_string(rules.join("vocabulary.kzr")).unwrap();
    std::fs::write(
        rules.join("vocabulary.kzr"),
        format!(
            "{vocabulary}\npurpose missionary {{\n  title \"Missionary activity\"\n  cite entry_rules \"TRP purposes: missionaries\" seed \"001_339fd5bf1127cb2d.txt\"\n}}\n"
        ),
    )
    .unwrap();
    let case = r#"{"case": "m", "as_of": "2024-03-20", "purpose": "missionary",
        "person": {"citizenship": "GB"}, "host": {"kind": "legal_entity"},
        "events": [{"kind": "entry", "date": "2024-03-15"},
                   {"kind": "notification", "date": "2024-03-18"}]}"#;
    std::fs::write(dir.path().join("case.json"), case).unwrap();
    let out = run(&["check", "case.json"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = run(&["check", "--builtin", "case.json"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("`missionary` is not a purpose"));

    // Without the roles, the folder's vocabulary is refused with what is missing.
    let without_entry = vocabulary.replace("  role opens_stay\n", "");
    std::fs::write(rules.join("vocabulary.kzr"), without_entry).unwrap();
    let out = run(&["compile"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("kzrules::missing_role"), "{err}");
    assert!(err.contains("`role opens_stay`"), "{err}");
}
