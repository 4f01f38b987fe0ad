//! Checks of the fields that serde cannot express: formats, date order, limits, `meta`.

use super::*;
use crate::vocab::{country_name, country_suggestion, is_country};

/// Checks of the parsed case that do not need the whole event list: sizes, formats and the
/// date order within one record. In the order of the fields in the text, as far as possible.
pub(crate) fn validate_fields(case: &Case, vocab: &Vocabulary) -> Result<(), CaseError> {
    check_declared(case, vocab)?;
    count_limit(&case.events, MAX_EVENTS, "events", || vec![key("events")])?;
    count_limit(&case.person.documents, MAX_DOCUMENTS, "documents", || {
        vec![key("person"), key("documents")]
    })?;
    count_limit(
        &case.person.penalties,
        MAX_PENALTIES,
        "penalty records",
        || vec![key("person"), key("penalties")],
    )?;
    if let Some(name) = case.host.as_ref().and_then(|h| h.name.as_ref()) {
        text_limit(name, || vec![key("host"), key("name")])?;
    }
    if let Some(host) = &case.host {
        count_limit(&host.penalties, MAX_PENALTIES, "penalty records", || {
            vec![key("host"), key("penalties")]
        })?;
        if let Some(staff) = &host.staff {
            validate_staff(staff)?;
        }
    }

    text_limit(&case.case, || vec![key("case")])?;
    if let (Some(birth), Some(as_of)) = (case.person.birth_date, case.as_of) {
        if birth > as_of {
            return Err(CaseError::new(
                CaseErrorKind::DateOrder,
                vec![key("person"), key("birth_date")],
                format!("the birth date {birth} is after the case's `as_of` date {as_of}"),
                Some("check the birth date and `as_of`".to_string()),
            ));
        }
    }
    validate_person(&case.person)?;
    if let Some(host) = &case.host {
        for (i, p) in host.penalties.iter().enumerate() {
            text_limit(&p.article, || {
                vec![key("host"), key("penalties"), Seg::Index(i), key("article")]
            })?;
        }
    }
    if case.planned_stay_days == Some(0) {
        return Err(CaseError::new(
            CaseErrorKind::BadValue,
            vec![key("planned_stay_days")],
            "a planned stay of 0 days is not a stay".to_string(),
            Some(
                "give the planned length in days, counting the entry day, or leave the field out"
                    .to_string(),
            ),
        ));
    }
    for (i, event) in case.events.iter().enumerate() {
        validate_event(event, i)?;
    }
    if let Some(meta) = &case.meta {
        check_meta(meta, vec![key("meta")])?;
    }
    Ok(())
}

/// The staff numbers: each count at most [`MAX_STAFF`], and at least one employee.
pub(crate) fn validate_staff(staff: &Staff) -> Result<(), CaseError> {
    for (group, count) in [
        ("categories_1_2", &staff.categories_1_2),
        ("categories_3_4", &staff.categories_3_4),
    ] {
        for (field, n) in [
            ("kazakhstan", count.kazakhstan),
            ("foreign", count.foreign),
            ("eaeu", count.eaeu),
        ] {
            if n > MAX_STAFF {
                return Err(CaseError::new(
                    CaseErrorKind::Limit,
                    vec![key("host"), key("staff"), key(group), key(field)],
                    format!(
                        "{} employees is more than one employer can have (at most {})",
                        thousands(u64::from(n)),
                        thousands(u64::from(MAX_STAFF))
                    ),
                    Some(
                        "give the employer's list number of employees in these categories"
                            .to_string(),
                    ),
                ));
            }
        }
    }
    if staff.total() == 0 {
        return Err(CaseError::new(
            CaseErrorKind::BadValue,
            vec![key("host"), key("staff")],
            "the staff counts no employee in any category: an employer that employs the \
             foreigner has at least one"
                .to_string(),
            Some(
                "give the employer's list number of employees by category and citizenship, \
                 or leave `staff` out"
                    .to_string(),
            ),
        ));
    }
    Ok(())
}

pub(crate) fn validate_person(person: &Person) -> Result<(), CaseError> {
    let at = |field: &str| vec![key("person"), key(field)];
    check_citizenship(&person.citizenship, at("citizenship"))?;
    if let Some(name) = &person.name {
        text_limit(name, || at("name"))?;
    }
    for (i, doc) in person.documents.iter().enumerate() {
        let doc_at = |field: &str| vec![key("person"), key("documents"), Seg::Index(i), key(field)];
        for (field, value) in [
            ("category", &doc.category),
            ("region", &doc.region),
            ("employer", &doc.employer),
        ] {
            if let Some(value) = value {
                text_limit(value, || doc_at(field))?;
            }
        }
        if let (Some(from), Some(until)) = (doc.valid_from, doc.valid_until) {
            if from > until {
                return Err(CaseError::new(
                    CaseErrorKind::DateOrder,
                    doc_at("valid_until"),
                    format!(
                        "the {} is valid until {until}, before it is valid from {from}",
                        doc.kind
                    ),
                    Some(
                        "check `valid_from` and `valid_until`; both days are included".to_string(),
                    ),
                ));
            }
        }
        if let Some(meta) = &doc.meta {
            check_meta(meta, doc_at("meta"))?;
        }
    }
    for (i, p) in person.penalties.iter().enumerate() {
        text_limit(&p.article, || {
            vec![
                key("person"),
                key("penalties"),
                Seg::Index(i),
                key("article"),
            ]
        })?;
    }
    if let Some(meta) = &person.meta {
        check_meta(meta, at("meta"))?;
    }
    Ok(())
}

/// Every kind the case names is one its rule set declares (serde accepted any name some
/// vocabulary in this process declares).
pub(crate) fn check_declared(case: &Case, vocab: &Vocabulary) -> Result<(), CaseError> {
    let check = |name: &str, class: Class, segs: &dyn Fn() -> Vec<Seg>| {
        let declared = match class {
            Class::Event => vocab.event(name).is_some(),
            Class::Document => vocab.document(name).is_some(),
            Class::Purpose => vocab.purpose(name).is_some(),
        };
        if declared {
            return Ok(());
        }
        let names = class_names(vocab, class);
        let (message, help) = not_one_of(name, class_what(class), &names);
        Err(CaseError::new(
            CaseErrorKind::UnknownValue,
            segs(),
            message,
            Some(help),
        ))
    };
    if let Some(purpose) = case.purpose {
        check(purpose.as_str(), Class::Purpose, &|| vec![key("purpose")])?;
    }
    for (i, d) in case.person.documents.iter().enumerate() {
        check(d.kind.as_str(), Class::Document, &|| {
            vec![key("person"), key("documents"), Seg::Index(i), key("kind")]
        })?;
    }
    for (i, e) in case.events.iter().enumerate() {
        check(e.kind.as_str(), Class::Event, &|| {
            vec![key("events"), Seg::Index(i), key("kind")]
        })?;
    }
    Ok(())
}

pub(crate) fn validate_event(event: &Event, i: usize) -> Result<(), CaseError> {
    let at = |field: &str| vec![key("events"), Seg::Index(i), key(field)];
    for (field, value) in [
        ("id", &event.id),
        ("region", &event.region),
        ("for", &event.r#for),
    ] {
        if let Some(value) = value {
            text_limit(value, || at(field))?;
        }
    }
    if let Some(time) = &event.time {
        if parse_time(time).is_none() {
            let help = match time.split_once(':') {
                Some((h, m)) if h.len() == 1 && parse_time(&format!("0{h}:{m}")).is_some() => {
                    format!("did you mean `0{h}:{m}`? Times are written HH:MM on a 24-hour clock")
                }
                _ => "write the time as HH:MM on a 24-hour clock, e.g. `09:05` or `23:50`"
                    .to_string(),
            };
            return Err(CaseError::new(
                CaseErrorKind::BadValue,
                at("time"),
                format!(
                    "`{}` is not a time of day in the form HH:MM",
                    shorten(time, 40)
                ),
                Some(help),
            ));
        }
    }
    if let Some(meta) = &event.meta {
        check_meta(meta, at("meta"))?;
    }
    Ok(())
}

pub(crate) fn check_citizenship(code: &str, segs: Vec<Seg>) -> Result<(), CaseError> {
    if is_country(code) {
        return Ok(());
    }
    let two_capitals = code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase());
    let help = match country_suggestion(code) {
        Some(better) => format!(
            "did you mean `{better}` ({})? Give the country's two-letter ISO 3166-1 code",
            country_name(better).unwrap_or_default()
        ),
        None if code.len() == 3 && code.bytes().all(|b| b.is_ascii_alphabetic()) => {
            "this looks like a three-letter code; give the two-letter ISO 3166-1 code, e.g. `GB` for `GBR`".to_string()
        }
        None => "give the two-letter ISO 3166-1 code, e.g. `KZ`, `RU`, `KG`, `GB`, `US`".to_string(),
    };
    let message = if two_capitals {
        format!("`{code}` is not a country: no country has that ISO 3166-1 alpha-2 code")
    } else {
        format!(
            "`{}` is not a two-letter country code (ISO 3166-1 alpha-2)",
            shorten(code, 40)
        )
    };
    Err(CaseError::new(
        CaseErrorKind::BadValue,
        segs,
        message,
        Some(help),
    ))
}

pub(crate) fn count_limit<T>(
    items: &[T],
    max: usize,
    noun: &str,
    segs: impl FnOnce() -> Vec<Seg>,
) -> Result<(), CaseError> {
    if items.len() <= max {
        return Ok(());
    }
    Err(limit_error(
        segs(),
        format!(
            "there are {} {noun} here; at most {} are allowed",
            thousands(items.len() as u64),
            thousands(max as u64)
        ),
        "split the case, or leave out what does not matter to it",
    ))
}

pub(crate) fn text_limit(s: &str, segs: impl FnOnce() -> Vec<Seg>) -> Result<(), CaseError> {
    if s.len() <= MAX_STRING_CHARS {
        return Ok(());
    }
    let chars = s.chars().count();
    if chars <= MAX_STRING_CHARS {
        return Ok(());
    }
    Err(limit_error(
        segs(),
        format!(
            "this text is {} characters long; at most {} are allowed",
            thousands(chars as u64),
            thousands(MAX_STRING_CHARS as u64)
        ),
        "shorten it",
    ))
}

pub(crate) enum MetaFrame<'a> {
    List(std::iter::Enumerate<std::slice::Iter<'a, Value>>),
    Map(serde_json::map::Iter<'a>),
}

/// Checks the string limit and nesting depth inside a free-form `meta` value, iteratively.
pub(crate) fn check_meta(root: &Value, base: Vec<Seg>) -> Result<(), CaseError> {
    let mut path = base;
    let mut frames: Vec<MetaFrame<'_>> = Vec::new();
    match root {
        Value::String(s) => return text_limit(s, || path),
        Value::Array(items) => frames.push(MetaFrame::List(items.iter().enumerate())),
        Value::Object(map) => frames.push(MetaFrame::Map(map.iter())),
        _ => return Ok(()),
    }
    // `path` has one step per frame but the first.
    while let Some(frame) = frames.last_mut() {
        let child = match frame {
            MetaFrame::List(items) => items.next().map(|(i, v)| (Seg::Index(i), v)),
            MetaFrame::Map(entries) => match entries.next() {
                Some((k, v)) => {
                    if k.len() > MAX_STRING_CHARS {
                        let mut key_path = path.clone();
                        key_path.push(Seg::Key(k.clone()));
                        text_limit(k, || key_path).map_err(|e| e.pointing(Point::Key))?;
                    }
                    Some((Seg::Key(k.clone()), v))
                }
                None => None,
            },
        };
        let Some((seg, v)) = child else {
            frames.pop();
            if !frames.is_empty() {
                path.pop();
            }
            continue;
        };
        path.push(seg);
        match v {
            Value::String(s) => {
                text_limit(s, || path.clone())?;
                path.pop();
            }
            Value::Array(items) if frames.len() < MAX_DEPTH => {
                frames.push(MetaFrame::List(items.iter().enumerate()));
            }
            Value::Object(map) if frames.len() < MAX_DEPTH => {
                frames.push(MetaFrame::Map(map.iter()));
            }
            Value::Array(_) | Value::Object(_) => return Err(depth_error(path)),
            _ => {
                path.pop();
            }
        }
    }
    Ok(())
}
