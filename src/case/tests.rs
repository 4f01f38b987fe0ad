//! Tests of reading and preparing cases.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use super::*;
use crate::compile::builtin_vocabulary as vocab;

const EXAMPLE: &str = r#"{
  "case": "nu-2024-0042",
  "as_of": "2024-03-25",
  "person": {
    "citizenship": "GB",
    "birth_date": "1985-04-02",
    "documents": [
      {"kind": "passport", "valid_until": "2030-01-01", "blank_pages": 4},
      {"kind": "visa", "category": "C3", "entries": "multiple",
       "valid_from": "2024-01-10", "valid_until": "2025-01-09"},
      {"kind": "work_permit", "region": "Atyrau",
       "valid_from": "2024-01-05", "valid_until": "2025-01-04"}
    ]
  },
  "host": {
    "kind": "legal_entity",
    "size": "large",
    "penalties": [{"article": "518", "date": "2023-11-02"}]
  },
  "purpose": "work",
  "planned_stay_days": 200,
  "events": [
    {"kind": "entry", "date": "2024-03-15", "time": "23:50"},
    {"kind": "notification", "date": "2024-03-19"},
    {"kind": "region_trip", "date": "2024-04-02", "region": "Mangystau"},
    {"kind": "return", "date": "2024-04-10"},
    {"kind": "exit", "date": "2024-06-01"}
  ]
}"#;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A minimal case with the given events (a JSON array's inside).
fn with_events(events: &str) -> String {
    format!(r#"{{"case": "t", "person": {{"citizenship": "KZ"}}, "events": [{events}]}}"#)
}

fn err(text: &str) -> CaseError {
    match read_case(text, vocab()) {
        Ok(_) => panic!("expected an error for {text}"),
        Err(e) => e,
    }
}

#[test]
fn the_example_of_the_spec_parses() {
    let facts = read_case(EXAMPLE, vocab()).unwrap();
    assert_eq!(facts.case, "nu-2024-0042");
    assert_eq!(facts.as_of, Some(d("2024-03-25")));
    assert_eq!(facts.person.documents.len(), 3);
    assert_eq!(facts.purpose, Some(Purpose::declare("work")));
    assert_eq!(facts.host.as_ref().unwrap().size, Some(HostSize::Large));
    assert_eq!(facts.events.len(), 5);
    assert_eq!(
        facts.stays,
        vec![Stay {
            entry: Some(0),
            exit: Some(4),
            start: Some(d("2024-03-15")),
            end: Some(d("2024-06-01")),
        }]
    );
    let visa = facts
        .document_valid_on(DocumentKind::declare("visa"), d("2024-03-15"))
        .unwrap();
    assert_eq!(visa.category.as_deref(), Some("C3"));
    assert_eq!(visa.entries, Some(Entries::Multiple));
    assert_eq!(facts.age_on(d("2024-03-25")), Some(38));
    assert_eq!(facts.age_on(d("2024-04-02")), Some(39));
}

#[test]
fn a_case_round_trips_through_json() {
    let case = parse_case(EXAMPLE, vocab()).unwrap();
    let text = serde_json::to_string(&case).unwrap();
    assert_eq!(parse_case(&text, vocab()).unwrap(), case);
    let value = serde_json::from_str::<Value>(EXAMPLE).unwrap();
    assert_eq!(parse_case_value(value, vocab()).unwrap(), case);
}

#[test]
fn a_typo_in_a_field_names_the_path_and_the_nearest_field() {
    let text = EXAMPLE.replace("\"citizenship\"", "\"citizenshp\"");
    let e = err(&text);
    assert_eq!(e.kind, CaseErrorKind::UnknownField);
    assert_eq!(e.code(), "kzrules::case::unknown_field");
    assert_eq!(e.path, "person.citizenshp");
    let help = e.help.as_deref().unwrap();
    assert!(help.starts_with("did you mean `citizenship`?"), "{help}");
    assert!(help.contains("`birth_date`"), "{help}");
    assert_eq!((e.line, e.column), (Some(5), Some(5)));
    let span = e.span.unwrap();
    assert_eq!(
        &text[span.offset()..span.offset() + span.len()],
        "\"citizenshp\""
    );
    assert_eq!(e.case.as_deref(), Some("nu-2024-0042"));
}

#[test]
fn an_unknown_field_at_the_top_suggests_the_known_one() {
    let e = err(r#"{"case": "t", "person": {"citizenship": "KZ"}, "evnets": []}"#);
    assert_eq!(e.path, "evnets");
    assert!(e
        .help
        .as_deref()
        .unwrap()
        .contains("did you mean `events`?"));
    assert!(e.help.as_deref().unwrap().contains("`meta`"));
}

#[test]
fn an_unknown_event_kind_suggests_the_nearest() {
    let e = err(&with_events(r#"{"kind": "entyr", "date": "2024-03-15"}"#));
    assert_eq!(e.kind, CaseErrorKind::UnknownValue);
    assert_eq!(e.path, "events[0].kind");
    assert_eq!(e.message, "`entyr` is not an event kind");
    let help = e.help.as_deref().unwrap();
    assert!(help.starts_with("did you mean `entry`?"), "{help}");
    assert!(help.contains("`work_permit_renewal_application`"), "{help}");
}

#[test]
fn an_unknown_document_kind_suggests_the_nearest() {
    let text = EXAMPLE.replace("\"work_permit\"", "\"work-permit\"");
    let e = err(&text);
    assert_eq!(e.path, "person.documents[2].kind");
    assert!(e
        .help
        .as_deref()
        .unwrap()
        .starts_with("did you mean `work_permit`?"));
    let text = EXAMPLE.replace("\"large\"", "\"huge\"");
    let e = err(&text);
    assert_eq!(e.path, "host.size");
    assert!(e.help.as_deref().unwrap().contains("`non_profit`"));
}

#[test]
fn an_impossible_date_is_a_bad_date() {
    let e = err(&with_events(r#"{"kind": "entry", "date": "2024-02-30"}"#));
    assert_eq!(e.kind, CaseErrorKind::BadDate);
    assert_eq!(e.code(), "kzrules::case::bad_date");
    assert_eq!(e.path, "events[0].date");
    assert!(e.message.contains("does not exist"), "{}", e.message);
    assert!(
        e.message.contains("February 2024 has 29 days"),
        "{}",
        e.message
    );
    let e = err(&with_events(r#"{"kind": "entry", "date": "2023-13-01"}"#));
    assert!(e.message.contains("no month 13"), "{}", e.message);
}

#[test]
fn a_date_in_another_form_gets_a_suggestion() {
    let e = err(&with_events(r#"{"kind": "entry", "date": "15.03.2024"}"#));
    assert_eq!(e.kind, CaseErrorKind::BadDate);
    assert!(e.help.as_deref().unwrap().contains("`2024-03-15`"));
    let e = err(&with_events(r#"{"kind": "entry", "date": "2024-3-5"}"#));
    assert!(e.help.as_deref().unwrap().contains("`2024-03-05`"));
    let e = err(&with_events(
        r#"{"kind": "entry", "date": "2024-03-15T10:00"}"#,
    ));
    assert!(e.help.as_deref().unwrap().contains("`time`"));
    let e = err(&with_events(r#"{"kind": "entry", "date": 20240315}"#));
    assert_eq!(e.kind, CaseErrorKind::WrongType);
}

#[test]
fn two_entries_without_an_exit_name_both_events() {
    let text = with_events(
        r#"{"kind": "entry", "date": "2024-03-01"},
               {"kind": "notification", "date": "2024-03-02"},
               {"kind": "entry", "date": "2024-03-15"}"#,
    );
    let e = err(&text);
    assert_eq!(e.kind, CaseErrorKind::EventOrder);
    assert_eq!(e.path, "events[2]");
    assert_eq!(e.also.as_deref(), Some("events[0]"));
    assert!(e.message.contains("events[0]") && e.message.contains("events[2]"));
    assert!(e.span.is_some() && e.also_span.is_some());
    assert_eq!(e.line, Some(3));
}

#[test]
fn two_exits_without_an_entry_name_both_events() {
    let e = err(&with_events(
        r#"{"kind": "exit", "date": "2024-03-01"}, {"kind": "exit", "date": "2024-03-15"}"#,
    ));
    assert_eq!(e.kind, CaseErrorKind::EventOrder);
    assert_eq!(e.path, "events[1]");
    assert_eq!(e.also.as_deref(), Some("events[0]"));
    assert!(e.message.starts_with("two exits"));
}

#[test]
fn an_exit_before_any_entry_closes_an_earlier_stay() {
    let facts = read_case(
        &with_events(
            r#"{"kind": "entry", "date": "2024-03-10"}, {"kind": "exit", "date": "2024-03-01"}"#,
        ),
        vocab(),
    )
    .unwrap();
    assert_eq!(facts.events[0].index, 1);
    assert_eq!(
        facts.stays,
        vec![
            Stay {
                entry: None,
                exit: Some(0),
                start: None,
                end: Some(d("2024-03-01"))
            },
            Stay {
                entry: Some(1),
                exit: None,
                start: Some(d("2024-03-10")),
                end: None
            },
        ]
    );
}

#[test]
fn on_one_day_without_times_an_exit_comes_before_an_entry() {
    let facts = read_case(
        &with_events(
            r#"{"kind": "entry", "date": "2024-01-01"},
               {"kind": "notification", "date": "2024-03-01"},
               {"kind": "entry", "date": "2024-03-01"},
               {"kind": "exit", "date": "2024-03-01"}"#,
        ),
        vocab(),
    )
    .unwrap();
    let order: Vec<usize> = facts.events.iter().map(|e| e.index).collect();
    assert_eq!(order, vec![0, 3, 2, 1]);
    assert_eq!(facts.stays.len(), 2);
    assert_eq!(facts.stays[1].start, Some(d("2024-03-01")));
    // The day of leaving and coming back is the later stay's and is counted once.
    assert_eq!(
        facts.stay_containing(d("2024-03-01")),
        Some(&facts.stays[1])
    );
    assert_eq!(
        facts.days_in_kazakhstan(d("2024-02-28"), d("2024-03-02"), d("2024-03-02")),
        4
    );
}

#[test]
fn times_order_events_on_one_day() {
    let facts = read_case(
        &with_events(
            r#"{"kind": "exit", "date": "2024-03-01", "time": "18:00"},
               {"kind": "entry", "date": "2024-03-01", "time": "08:00"},
               {"kind": "notification", "date": "2024-03-01", "time": "09:00"}"#,
        ),
        vocab(),
    )
    .unwrap();
    let order: Vec<usize> = facts.events.iter().map(|e| e.index).collect();
    assert_eq!(order, vec![1, 2, 0]);
    assert_eq!(facts.stays.len(), 1);
}

#[test]
fn ids_must_be_unique_and_for_must_name_one() {
    let e = err(&with_events(
        r#"{"id": "e1", "kind": "entry", "date": "2024-03-01"},
               {"id": "e1", "kind": "notification", "date": "2024-03-02"}"#,
    ));
    assert_eq!(e.kind, CaseErrorKind::DuplicateId);
    assert_eq!(e.path, "events[1].id");
    assert_eq!(e.also.as_deref(), Some("events[0].id"));

    let e = err(&with_events(
        r#"{"id": "arrival", "kind": "entry", "date": "2024-03-01"},
               {"kind": "notification", "date": "2024-03-02", "for": "arival"}"#,
    ));
    assert_eq!(e.kind, CaseErrorKind::UnknownFor);
    assert_eq!(e.code(), "kzrules::case::unknown_for");
    assert_eq!(e.path, "events[1].for");
    assert!(e.message.contains("`arival`"));
    assert!(e
        .help
        .as_deref()
        .unwrap()
        .starts_with("did you mean `arrival`?"));
    assert_eq!(e.line, Some(2));

    let facts = read_case(
        &with_events(
            r#"{"kind": "notification", "date": "2024-03-02", "for": "a"},
               {"id": "a", "kind": "entry", "date": "2024-03-01"}"#,
        ),
        vocab(),
    )
    .unwrap();
    assert_eq!(facts.events[1].answers, Some(0));
    assert_eq!(facts.event_by_id("a"), Some(0));
}

#[test]
fn wrong_types_say_what_is_expected() {
    let text = EXAMPLE.replace("200", "\"200\"");
    let e = err(&text);
    assert_eq!(e.kind, CaseErrorKind::WrongType);
    assert_eq!(e.path, "planned_stay_days");
    assert!(
        e.message.starts_with("expected a whole number"),
        "{}",
        e.message
    );
    assert_eq!(e.help.as_deref(), Some("remove the quotes: 200"));

    let e = err(r#"{"case": "t", "person": {"citizenship": "KZ"},
            "events": {"kind": "entry", "date": "2024-03-01"}}"#);
    assert_eq!(e.path, "events");
    assert!(e.message.contains("found an object"), "{}", e.message);
    assert!(e.help.as_deref().unwrap().contains("in a list"));

    let e = err(r#"{"case": 42, "person": {"citizenship": "KZ"}}"#);
    assert_eq!(e.path, "case");
    assert_eq!(
        e.help.as_deref(),
        Some("put the value in double quotes: \"42\"")
    );

    let e = err("[]");
    assert_eq!(e.kind, CaseErrorKind::WrongType);
    assert_eq!(e.path, "");
    assert!(e
        .one_line()
        .starts_with("top level: expected the case as an object"));

    for e in [&err(&text), &err("[]")] {
        for word in ["u32", "String", "NaiveDate", "Vec", "struct", "enum"] {
            assert!(!e.one_line().contains(word), "{}", e.one_line());
        }
    }
}

#[test]
fn the_first_problem_in_the_text_is_reported() {
    let e = err(r#"{"case": 5, "person": {"citizenshp": "KZ"}}"#);
    assert_eq!(e.path, "case");
    let e = err(r#"{"person": {"citizenshp": "KZ"}, "case": 5}"#);
    assert_eq!(e.path, "person.citizenshp");
    let e = err(&with_events(
        r#"{"kind": "entry", "date": "2024-03-01"}, {"kind": "exit"}, {"kind": "ext", "date": "2024-03-01"}"#,
    ));
    assert_eq!(e.path, "events[1].date");
    let value = serde_json::json!({"case": "t", "person": {"citizenship": "KZ", "nmae": "A"}});
    let e = parse_case_value(value, vocab()).unwrap_err();
    assert_eq!(e.path, "person.nmae");
    assert!(e
        .help
        .as_deref()
        .unwrap()
        .starts_with("did you mean `name`?"));
    assert_eq!(e.line, None);
    // A short known name inside an unknown one is no suggestion.
    let e = err(&with_events(
        r#"{"kind": "entry", "date": "2024-03-01", "valid_from": "x"}"#,
    ));
    assert!(!e.help.as_deref().unwrap().starts_with("did you mean"));
}

#[test]
fn a_large_input_with_a_late_error_is_explained_quickly() {
    let item = format!("\"{}\"", "x".repeat(100));
    let items = vec![item.as_str(); 140_000].join(",\n");
    let text = format!(
        r#"{{"case": "t", "person": {{"citizenship": "KZ"}}, "meta": [{items}], "evnts": []}}"#
    );
    assert!(text.len() < MAX_INPUT_BYTES);
    let started = std::time::Instant::now();
    let e = err(&text);
    assert_eq!(e.path, "evnts");
    assert_eq!(e.line, Some(140_000));
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
}

#[test]
fn a_missing_field_points_at_its_object() {
    let text = with_events(r#"{"kind": "entry"}"#);
    let e = err(&text);
    assert_eq!(e.kind, CaseErrorKind::MissingField);
    assert_eq!(e.path, "events[0].date");
    assert_eq!(e.help.as_deref(), Some("add \"date\": \"YYYY-MM-DD\""));
    let span = e.span.unwrap();
    assert_eq!(&text[span.offset()..=span.offset()], "{");
    let e = err(r#"{"person": {"citizenship": "KZ"}}"#);
    assert_eq!(e.path, "case");
}

#[test]
fn a_field_given_twice_is_an_error() {
    let e = err(&with_events(
        r#"{"kind": "entry", "date": "2024-03-01", "kind": "exit"}"#,
    ));
    assert_eq!(e.kind, CaseErrorKind::DuplicateField);
    assert_eq!(e.path, "events[0].kind");
    assert_eq!(e.column, Some(99));
}

#[test]
fn syntax_errors_give_the_line() {
    let text = &EXAMPLE[..EXAMPLE.len() / 2];
    let e = err(text);
    assert_eq!(e.kind, CaseErrorKind::Syntax);
    assert!(e.line.is_some());
    assert!(e.message.starts_with("the text ends"), "{}", e.message);
    let e = err("{\"case\": 't'}");
    assert_eq!(e.path, "case");
    assert!(e.help.as_deref().unwrap().contains("double quotes"));
    let e = err("");
    assert_eq!(e.message, "the input is empty");
    let e = err(r#"{"case": "t",}"#);
    assert_eq!(e.kind, CaseErrorKind::Syntax);
    let e = err("{\"case\": \"t\", \"person\": {\"citizenship\": \"K\n");
    assert_eq!(e.message, "the text ends inside a string");
    assert_eq!((e.line, e.column), (Some(1), Some(42)));
}

#[test]
fn deep_nesting_is_a_clean_limit_error() {
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    let text = format!(r#"{{"case": "t", "person": {{"citizenship": "KZ"}}, "meta": {deep}}}"#);
    let e = err(&text);
    assert_eq!(e.kind, CaseErrorKind::Limit);
    assert_eq!(e.code(), "kzrules::case::limit");
    assert!(e.path.starts_with("meta[0][0]"), "{}", e.path);
    assert!(e.message.contains("128"));

    let very_deep = "[".repeat(100_000);
    assert_eq!(err(&very_deep).kind, CaseErrorKind::Limit);

    let mut value = Value::Null;
    for _ in 0..300 {
        value = Value::Array(vec![value]);
    }
    let case = serde_json::json!({"case": "t", "person": {"citizenship": "KZ"}, "meta": value});
    assert_eq!(
        parse_case_value(case, vocab()).unwrap_err().kind,
        CaseErrorKind::Limit
    );
}

#[test]
fn huge_strings_and_inputs_hit_limits() {
    let name = "x".repeat(MAX_STRING_CHARS + 1);
    let text = format!(r#"{{"case": "t", "person": {{"citizenship": "KZ", "name": "{name}"}}}}"#);
    let e = err(&text);
    assert_eq!(e.kind, CaseErrorKind::Limit);
    assert_eq!(e.path, "person.name");
    assert!(
        e.message.contains("4,097") && e.message.contains("4,096"),
        "{}",
        e.message
    );

    let ok = "ж".repeat(MAX_STRING_CHARS);
    let text = format!(r#"{{"case": "t", "person": {{"citizenship": "KZ", "name": "{ok}"}}}}"#);
    assert!(read_case(&text, vocab()).is_ok());

    let text = format!(
        r#"{{"case": "t", "person": {{"citizenship": "KZ"}}, "meta": {{"a": [{{"b": "{name}"}}]}}}}"#
    );
    assert_eq!(err(&text).path, "meta.a[0].b");

    let huge = " ".repeat(MAX_INPUT_BYTES + 1);
    let e = err(&huge);
    assert_eq!(e.kind, CaseErrorKind::Limit);
    assert!(e.message.contains("16 MiB"));
}

#[test]
fn too_many_events_is_a_limit() {
    let one = r#"{"kind": "notification", "date": "2024-03-01"}"#;
    let events = vec![one; MAX_EVENTS + 1].join(",");
    let e = err(&with_events(&events));
    assert_eq!(e.kind, CaseErrorKind::Limit);
    assert_eq!(e.path, "events");
    assert!(e.message.contains("10,001"));
    let events = vec![one; MAX_EVENTS].join(",");
    assert!(read_case(&with_events(&events), vocab()).is_ok());
}

#[test]
fn formats_and_date_order_are_checked() {
    let e = err(&EXAMPLE.replace("\"GB\"", "\"gb\""));
    assert_eq!(e.kind, CaseErrorKind::BadValue);
    assert_eq!(e.path, "person.citizenship");
    assert!(e.help.as_deref().unwrap().contains("`GB`"));

    let e = err(&EXAMPLE.replace("23:50", "9:05"));
    assert_eq!(e.kind, CaseErrorKind::BadValue);
    assert_eq!(e.path, "events[0].time");
    assert!(e.help.as_deref().unwrap().contains("`09:05`"));
    assert_eq!(
        err(&EXAMPLE.replace("23:50", "24:00")).kind,
        CaseErrorKind::BadValue
    );

    let e = err(&EXAMPLE.replace("\"2025-01-09\"", "\"2023-01-09\""));
    assert_eq!(e.kind, CaseErrorKind::DateOrder);
    assert_eq!(e.path, "person.documents[1].valid_until");

    let e = err(&EXAMPLE.replace("1985-04-02", "2025-04-02"));
    assert_eq!(e.kind, CaseErrorKind::DateOrder);
    assert_eq!(e.path, "person.birth_date");

    let e = err(&EXAMPLE.replace("\"planned_stay_days\": 200", "\"planned_stay_days\": 0"));
    assert_eq!(e.kind, CaseErrorKind::BadValue);
}

#[test]
fn a_byte_order_mark_is_skipped() {
    let text = format!("\u{feff}{EXAMPLE}");
    assert!(read_case(&text, vocab()).is_ok());
    let text = text.replace("citizenship", "citizenshp");
    let e = err(&text);
    let span = e.span.unwrap();
    assert_eq!(
        &text[span.offset()..span.offset() + span.len()],
        "\"citizenshp\""
    );
}

#[test]
fn one_line_and_miette_rendering() {
    let text = with_events(r#"{"kind": "entry", "date": "2024-02-30"}"#);
    let e = err(&text);
    assert_eq!(
        e.one_line(),
        "events[0].date: the date `2024-02-30` does not exist: February 2024 has 29 days \
             (write a date that exists, as YYYY-MM-DD)"
    );
    assert_eq!(
        e.to_string(),
        "events[0].date: the date `2024-02-30` does not exist: February 2024 has 29 days"
    );
    let report = miette::Report::new(e).with_source_code(text);
    let mut out = String::new();
    miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
        .render_report(&mut out, report.as_ref())
        .unwrap();
    assert!(out.contains("kzrules::case::bad_date"), "{out}");
    assert!(out.contains("not a date"), "{out}");
}

#[test]
fn every_error_kind_has_a_distinct_code() {
    let mut codes: Vec<&str> = CaseErrorKind::ALL.iter().map(|k| k.code()).collect();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), CaseErrorKind::ALL.len());
    assert!(codes.iter().all(|c| c.starts_with("kzrules::case::")));
}

#[test]
fn enum_names_are_the_json_names() {
    fn check<T: Serialize + for<'de> Deserialize<'de> + PartialEq + fmt::Debug + Copy>(
        all: &[T],
        names: &[&str],
        as_str: fn(T) -> &'static str,
        from_name: fn(&str) -> Option<T>,
    ) {
        assert_eq!(all.len(), names.len());
        for (&v, &name) in all.iter().zip(names) {
            assert_eq!(as_str(v), name);
            assert_eq!(serde_json::to_value(v).unwrap(), Value::from(name));
            assert_eq!(from_name(name), Some(v));
        }
    }
    check(
        Entries::ALL,
        Entries::NAMES,
        Entries::as_str,
        Entries::from_name,
    );
    check(
        HostKind::ALL,
        HostKind::NAMES,
        HostKind::as_str,
        HostKind::from_name,
    );
    check(
        HostSize::ALL,
        HostSize::NAMES,
        HostSize::as_str,
        HostSize::from_name,
    );
}

/// The shape table that explains errors must agree with the serde types, which the
/// generated schema reflects.
#[test]
fn the_shape_table_matches_the_schema() {
    let schema = serde_json::to_value(schemars::schema_for!(Case)).unwrap();
    let defs = &schema["$defs"];
    let pairs: [(&Value, &ObjShape); 6] = [
        (&schema, &CASE),
        (&defs["Person"], &PERSON),
        (&defs["Document"], &DOCUMENT),
        (&defs["Host"], &HOST),
        (&defs["PenaltyRecord"], &PENALTY),
        (&defs["Event"], &EVENT),
    ];
    for (def, shape) in pairs {
        let mut props: Vec<&str> = def["properties"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut fields = shape.names();
        props.sort_unstable();
        fields.sort_unstable();
        assert_eq!(props, fields, "{}", shape.what);
        let mut required: Vec<&str> = def["required"]
            .as_array()
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut req: Vec<&str> = shape
            .fields
            .iter()
            .filter(|f| f.required)
            .map(|f| f.name)
            .collect();
        required.sort_unstable();
        req.sort_unstable();
        assert_eq!(required, req, "{}", shape.what);
        assert_eq!(def["additionalProperties"], Value::Bool(false));
    }
}

fn facts_of(events: &str, planned: Option<u32>) -> Facts {
    let mut case = parse_case(&with_events(events), vocab()).unwrap();
    case.planned_stay_days = planned;
    case.person.birth_date = Some(d("2010-06-15"));
    prepare(case, vocab()).unwrap()
}

#[test]
fn stays_and_days() {
    let facts = facts_of(
        r#"{"kind": "exit", "date": "2024-01-05"},
               {"kind": "entry", "date": "2024-02-01"},
               {"kind": "exit", "date": "2024-02-10"},
               {"kind": "entry", "date": "2024-03-01"}"#,
        Some(30),
    );
    assert_eq!(facts.stays.len(), 3);
    let (first, second, open) = (&facts.stays[0], &facts.stays[1], &facts.stays[2]);
    assert_eq!(facts.stay_containing(d("2023-12-01")), Some(first));
    assert_eq!(facts.stay_containing(d("2024-01-05")), Some(first));
    assert_eq!(facts.stay_containing(d("2024-01-06")), None);
    assert_eq!(facts.stay_containing(d("2024-02-10")), Some(second));
    assert_eq!(facts.stay_containing(d("2024-02-11")), None);
    assert_eq!(facts.stay_containing(d("2025-01-01")), Some(open));

    assert_eq!(facts.stay_end_or_planned(first), Some(d("2024-01-05")));
    assert_eq!(facts.stay_end_or_planned(open), Some(d("2024-03-30")));
    assert_eq!(facts.stay_end_on(d("2024-03-02")), Some(d("2024-03-30")));

    // [2024-01-01, 2024-03-05] as of 2024-03-05: of the stay begun before the records
    // only its exit day is known, then 10 + 5 days.
    assert_eq!(
        facts.days_in_kazakhstan(d("2024-01-01"), d("2024-03-05"), d("2024-03-05")),
        16
    );
    assert_eq!(
        facts.unknown_days_before(d("2024-01-01"), d("2024-03-05")),
        Some(d("2024-01-05"))
    );
    assert_eq!(
        facts.days_in_kazakhstan(d("2024-02-05"), d("2024-02-06"), d("2024-03-05")),
        2
    );
    assert_eq!(
        facts.days_in_kazakhstan(d("2024-03-01"), d("2024-12-31"), d("2024-02-20")),
        0
    );
    assert_eq!(
        facts.days_in_kazakhstan(d("2024-03-05"), d("2024-01-01"), d("2024-03-05")),
        0
    );

    let no_plan = facts_of(r#"{"kind": "entry", "date": "2024-03-01"}"#, None);
    assert_eq!(no_plan.stay_end_or_planned(&no_plan.stays[0]), None);
    let one_day = facts_of(r#"{"kind": "entry", "date": "2024-03-01"}"#, Some(1));
    assert_eq!(
        one_day.stay_end_or_planned(&one_day.stays[0]),
        Some(d("2024-03-01"))
    );
}

#[test]
fn documents_and_age() {
    let mut case = parse_case(EXAMPLE, vocab()).unwrap();
    case.person.documents.push(Document {
        kind: DocumentKind::declare("visa"),
        valid_from: None,
        valid_until: Some(d("2026-01-01")),
        category: Some("B2".into()),
        entries: None,
        blank_pages: None,
        region: None,
        employer: None,
        meta: None,
    });
    let facts = prepare(case, vocab()).unwrap();
    assert_eq!(facts.documents_of(DocumentKind::declare("visa")).count(), 2);
    let on = |s: &str| {
        facts
            .document_valid_on(DocumentKind::declare("visa"), d(s))
            .and_then(|v| v.category.as_deref())
    };
    assert_eq!(on("2024-01-01"), Some("B2"));
    assert_eq!(on("2024-06-01"), Some("B2"));
    assert_eq!(on("2025-12-31"), Some("B2"));
    assert_eq!(on("2026-01-02"), None);
    assert!(facts
        .document_valid_on(DocumentKind::declare("residence_permit"), d("2024-06-01"))
        .is_none());
    assert_eq!(facts.age_on(d("1985-04-01")), None);
    assert_eq!(facts.age_on(d("2001-04-02")), Some(16));
    assert_eq!(facts.age_on(d("2001-04-01")), Some(15));
}

#[test]
fn prepare_checks_a_case_built_in_code() {
    let mut case = parse_case(EXAMPLE, vocab()).unwrap();
    case.person.citizenship = "Kazakhstan".into();
    let e = prepare(case, vocab()).unwrap_err();
    assert_eq!(e.path, "person.citizenship");
    assert_eq!(e.line, None);
    let e = e.locate(EXAMPLE);
    assert_eq!(e.line, Some(5));
}

/// The broken cases under tests/bad/cases fail with the code their name says.
#[test]
fn the_bad_case_fixtures_fail_as_named() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad/cases");
    let expected = [
        ("unknown_field.json", CaseErrorKind::UnknownField),
        ("unknown_event_kind.json", CaseErrorKind::UnknownValue),
        ("bad_date.json", CaseErrorKind::BadDate),
        ("wrong_type.json", CaseErrorKind::WrongType),
        ("truncated.json", CaseErrorKind::Syntax),
        ("two_entries.json", CaseErrorKind::EventOrder),
        ("unknown_for.json", CaseErrorKind::UnknownFor),
    ];
    for (name, kind) in expected {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        let e = err(&text);
        assert_eq!(e.kind, kind, "{name}: {}", e.one_line());
        assert!(e.line.is_some(), "{name}: no line");
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

    /// Cutting or changing the example anywhere never panics, and every error names a
    /// place in the text.
    #[test]
    fn mangled_cases_never_panic(at in 0usize..EXAMPLE.len(), cut in 0usize..20, with in "[\\[\\]{}\",:a-z0-9 ]{0,3}") {
        let mut text = EXAMPLE.as_bytes().to_vec();
        let end = (at + cut).min(text.len());
        text.splice(at..end, with.bytes());
        if let Ok(text) = String::from_utf8(text) {
            if let Err(e) = read_case(&text, vocab()) {
                proptest::prop_assert!(!e.message.is_empty());
                let _ = e.one_line();
            }
        }
    }
}

/// The stays of a case with the given events (`[kind, date]`), as (start, end) pairs.
fn stays_of(events: &[(&str, &str)]) -> Vec<(Option<String>, Option<String>)> {
    let events: Vec<String> = events
        .iter()
        .map(|(kind, date)| format!(r#"{{"kind": "{kind}", "date": "{date}"}}"#))
        .collect();
    let text = format!(
        r#"{{"case": "c", "person": {{"citizenship": "GB"}}, "events": [{}]}}"#,
        events.join(", ")
    );
    let facts = read_case(&text, vocab()).unwrap();
    facts
        .stays
        .iter()
        .map(|s| (s.start.map(|d| d.to_string()), s.end.map(|d| d.to_string())))
        .collect()
}

#[test]
fn an_untimed_entry_and_exit_on_one_day_follow_the_contract() {
    let day = |s: &str| Some(s.to_string());
    // Nothing before: a day visit, whatever the written order.
    for events in [
        [("exit", "2024-03-01"), ("entry", "2024-03-01")],
        [("entry", "2024-03-01"), ("exit", "2024-03-01")],
    ] {
        assert_eq!(
            stays_of(&events),
            vec![(day("2024-03-01"), day("2024-03-01"))]
        );
    }
    // A stay open before: the foreigner left and came back, two stays.
    assert_eq!(
        stays_of(&[
            ("entry", "2024-02-01"),
            ("entry", "2024-03-01"),
            ("exit", "2024-03-01"),
        ]),
        vec![
            (day("2024-02-01"), day("2024-03-01")),
            (day("2024-03-01"), None)
        ]
    );
    // Nothing before, but the next move is an exit: inside after the day, so the exit
    // closes a stay begun before the records and the entry opens the next.
    assert_eq!(
        stays_of(&[
            ("entry", "2024-03-01"),
            ("exit", "2024-03-01"),
            ("exit", "2024-03-20"),
        ]),
        vec![
            (None, day("2024-03-01")),
            (day("2024-03-01"), day("2024-03-20"))
        ]
    );
    // A day visit followed by a later stay is no "two entries" error.
    assert_eq!(
        stays_of(&[
            ("exit", "2024-03-01"),
            ("entry", "2024-03-01"),
            ("entry", "2024-04-01"),
            ("exit", "2024-04-05"),
        ])
        .len(),
        2
    );
}

/// A case whose host gives `staff` (a JSON object's text).
fn with_staff(staff: &str) -> String {
    format!(
        r#"{{"case": "t", "person": {{"citizenship": "GB"}},
  "host": {{"kind": "legal_entity", "form": "other", "staff": {staff}}}}}"#
    )
}

#[test]
fn staff_numbers_are_read_and_checked() {
    let facts = read_case(
        &with_staff(
            r#"{"categories_1_2": {"kazakhstan": 7, "foreign": 3, "eaeu": 5},
            "categories_3_4": {"kazakhstan": 90, "foreign": 10}}"#,
        ),
        vocab(),
    )
    .unwrap();
    let host = facts.host.unwrap();
    assert_eq!(host.form, Some(HostForm::Other));
    let staff = host.staff.unwrap();
    assert_eq!(staff.categories_1_2.eaeu, 5);
    assert_eq!(staff.categories_3_4.eaeu, 0);
    assert_eq!(staff.total(), 115);

    // No employee at all: impossible for an employer of the foreigner.
    let e = err(&with_staff(
        r#"{"categories_1_2": {"kazakhstan": 0, "foreign": 0},
            "categories_3_4": {"kazakhstan": 0, "foreign": 0}}"#,
    ));
    assert_eq!(e.kind, CaseErrorKind::BadValue);
    assert_eq!(e.path, "host.staff");
    assert!(e.message.contains("no employee"), "{}", e.message);
    assert!(e.line.is_some());

    // More employees than one employer can have.
    let e = err(&with_staff(
        r#"{"categories_1_2": {"kazakhstan": 1, "foreign": 0},
            "categories_3_4": {"kazakhstan": 1, "foreign": 20000000}}"#,
    ));
    assert_eq!(e.kind, CaseErrorKind::Limit);
    assert_eq!(e.path, "host.staff.categories_3_4.foreign");
    assert!(e.message.contains("20,000,000"), "{}", e.message);

    // A negative count, a missing group and a misspelt field are explained in words.
    let e = err(&with_staff(
        r#"{"categories_1_2": {"kazakhstan": -1, "foreign": 0},
            "categories_3_4": {"kazakhstan": 1, "foreign": 0}}"#,
    ));
    assert_eq!(e.kind, CaseErrorKind::WrongType);
    assert_eq!(e.path, "host.staff.categories_1_2.kazakhstan");
    let e = err(&with_staff(
        r#"{"categories_1_2": {"kazakhstan": 1, "foreign": 0}}"#,
    ));
    assert_eq!(e.kind, CaseErrorKind::MissingField);
    assert!(e.message.contains("categories_3_4"), "{}", e.message);
    let e = err(&with_staff(
        r#"{"categories_1_2": {"kazakhstan": 1, "foreigners": 0},
            "categories_3_4": {"kazakhstan": 1, "foreign": 0}}"#,
    ));
    assert_eq!(e.kind, CaseErrorKind::UnknownField);
    assert!(e.help.as_deref().unwrap_or("").contains("foreign"), "{e:?}");
}

#[test]
fn a_work_permits_employer_is_read() {
    let text = r#"{"case": "t", "person": {"citizenship": "GB", "documents": [
        {"kind": "work_permit", "employer": "Steppe Mining LLP"}]}}"#;
    let facts = read_case(text, vocab()).unwrap();
    assert_eq!(
        facts.person.documents[0].employer.as_deref(),
        Some("Steppe Mining LLP")
    );
}
