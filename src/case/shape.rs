//! The expected shape of a case, walked beside the JSON to explain structural errors in the analyst's words.

use super::*;

/// The shape a value must have. Mirrors the serde types above (a test checks it against the
/// generated JSON Schema); used only to explain why serde rejected an input.
#[derive(Clone, Copy)]
pub(crate) enum Shape {
    Text,
    Date,
    Count,
    Choice(&'static str, &'static [&'static str]),
    /// A kind the rule set's vocabulary declares: its names come with the walk.
    Declared(Class),
    Obj(&'static ObjShape),
    List(&'static Shape, &'static str),
    Any,
}

pub(crate) struct FieldShape {
    pub(crate) name: &'static str,
    pub(crate) shape: Shape,
    pub(crate) required: bool,
    pub(crate) nullable: bool,
}

pub(crate) struct ObjShape {
    /// The record in messages, e.g. "an event".
    pub(crate) what: &'static str,
    /// The record's field list in messages, e.g. "an event's fields".
    pub(crate) fields_of: &'static str,
    pub(crate) example: &'static str,
    pub(crate) fields: &'static [FieldShape],
}

impl ObjShape {
    pub(crate) fn field(&self, name: &str) -> Option<&FieldShape> {
        self.fields.iter().find(|f| f.name == name)
    }

    pub(crate) fn names(&self) -> Vec<&'static str> {
        self.fields.iter().map(|f| f.name).collect()
    }

    pub(crate) fn has_meta(&self) -> bool {
        self.field("meta").is_some()
    }
}

pub(crate) const fn req(name: &'static str, shape: Shape) -> FieldShape {
    FieldShape {
        name,
        shape,
        required: true,
        nullable: false,
    }
}

pub(crate) const fn opt(name: &'static str, shape: Shape) -> FieldShape {
    FieldShape {
        name,
        shape,
        required: false,
        nullable: true,
    }
}

pub(crate) const fn list(
    name: &'static str,
    item: &'static Shape,
    noun: &'static str,
) -> FieldShape {
    FieldShape {
        name,
        shape: Shape::List(item, noun),
        required: false,
        nullable: false,
    }
}

pub(crate) static PENALTY: ObjShape = ObjShape {
    what: "a penalty record",
    fields_of: "A penalty record's fields",
    example: r#"{"article": "518", "date": "2023-11-02"}"#,
    fields: &[req("article", Shape::Text), req("date", Shape::Date)],
};
pub(crate) static PENALTY_ITEM: Shape = Shape::Obj(&PENALTY);

pub(crate) static DOCUMENT: ObjShape = ObjShape {
    what: "a document",
    fields_of: "A document's fields",
    example: r#"{"kind": "passport", "valid_until": "2030-01-01"}"#,
    fields: &[
        req("kind", Shape::Declared(Class::Document)),
        opt("valid_from", Shape::Date),
        opt("valid_until", Shape::Date),
        opt("category", Shape::Text),
        opt("entries", Shape::Choice(Entries::WHAT, Entries::NAMES)),
        opt("blank_pages", Shape::Count),
        opt("region", Shape::Text),
        opt("employer", Shape::Text),
        opt("meta", Shape::Any),
    ],
};
pub(crate) static DOCUMENT_ITEM: Shape = Shape::Obj(&DOCUMENT);

pub(crate) static PERSON: ObjShape = ObjShape {
    what: "the person",
    fields_of: "The person's fields",
    example: r#"{"citizenship": "GB", "birth_date": "1985-04-02"}"#,
    fields: &[
        req("citizenship", Shape::Text),
        opt("birth_date", Shape::Date),
        opt("name", Shape::Text),
        list("documents", &DOCUMENT_ITEM, "documents"),
        list("penalties", &PENALTY_ITEM, "penalty records"),
        opt("meta", Shape::Any),
    ],
};

pub(crate) static HOST: ObjShape = ObjShape {
    what: "the host",
    fields_of: "The host's fields",
    example: r#"{"kind": "legal_entity", "size": "large"}"#,
    fields: &[
        req("kind", Shape::Choice(HostKind::WHAT, HostKind::NAMES)),
        opt("size", Shape::Choice(HostSize::WHAT, HostSize::NAMES)),
        opt("name", Shape::Text),
        list("penalties", &PENALTY_ITEM, "penalty records"),
        opt("form", Shape::Choice(HostForm::WHAT, HostForm::NAMES)),
        opt("staff", Shape::Obj(&STAFF)),
    ],
};

pub(crate) static STAFF_COUNT: ObjShape = ObjShape {
    what: "a staff count",
    fields_of: "A staff count's fields",
    example: r#"{"kazakhstan": 14, "foreign": 4}"#,
    fields: &[
        req("kazakhstan", Shape::Count),
        req("foreign", Shape::Count),
        FieldShape {
            name: "eaeu",
            shape: Shape::Count,
            required: false,
            nullable: false,
        },
    ],
};

pub(crate) static STAFF: ObjShape = ObjShape {
    what: "the host's staff",
    fields_of: "The staff's fields",
    example: r#"{"categories_1_2": {"kazakhstan": 14, "foreign": 4}, "categories_3_4": {"kazakhstan": 180, "foreign": 12}}"#,
    fields: &[
        req("categories_1_2", Shape::Obj(&STAFF_COUNT)),
        req("categories_3_4", Shape::Obj(&STAFF_COUNT)),
    ],
};

pub(crate) static EVENT: ObjShape = ObjShape {
    what: "an event",
    fields_of: "An event's fields",
    example: r#"{"kind": "entry", "date": "2024-03-15"}"#,
    fields: &[
        opt("id", Shape::Text),
        req("kind", Shape::Declared(Class::Event)),
        req("date", Shape::Date),
        opt("time", Shape::Text),
        opt("region", Shape::Text),
        opt("for", Shape::Text),
        opt("meta", Shape::Any),
    ],
};
pub(crate) static EVENT_ITEM: Shape = Shape::Obj(&EVENT);

pub(crate) static CASE: ObjShape = ObjShape {
    what: "the case",
    fields_of: "The case's fields",
    example: r#"{"case": "c-1", "person": {"citizenship": "GB"}, "events": []}"#,
    fields: &[
        req("case", Shape::Text),
        opt("as_of", Shape::Date),
        req("person", Shape::Obj(&PERSON)),
        opt("host", Shape::Obj(&HOST)),
        opt("purpose", Shape::Declared(Class::Purpose)),
        opt("planned_stay_days", Shape::Count),
        list("events", &EVENT_ITEM, "events"),
        opt("meta", Shape::Any),
    ],
};

/// At most this many structural problems are collected before the earliest is chosen.
pub(crate) const MAX_PROBLEMS: usize = 32;

/// "a" or "an" + noun for what a value is.
pub(crate) fn found(v: &Value) -> String {
    match v {
        Value::Null => "null".to_string(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("the number `{n}`"),
        Value::String(s) => format!("the text \"{}\"", shorten(s, 40)),
        Value::Array(_) => "a list".to_string(),
        Value::Object(_) => "an object".to_string(),
    }
}

pub(crate) fn expected(shape: Shape) -> String {
    match shape {
        Shape::Text => "text in double quotes".to_string(),
        Shape::Date => "a date in double quotes, like \"2024-03-15\"".to_string(),
        Shape::Count => "a whole number of 0 or more".to_string(),
        Shape::Choice(what, _) => format!("{} {what} in double quotes", article(what)),
        Shape::Declared(class) => {
            let what = class_what(class);
            format!("{} {what} in double quotes", article(what))
        }
        Shape::Obj(obj) => format!("{} as an object {{...}}", obj.what),
        Shape::List(_, noun) => format!("a list [...] of {noun}"),
        Shape::Any => "any value".to_string(),
    }
}

/// What a kind of a class is called in messages.
pub(crate) fn class_what(class: Class) -> &'static str {
    match class {
        Class::Event => EventKind::WHAT,
        Class::Document => DocumentKind::WHAT,
        Class::Purpose => Purpose::WHAT,
    }
}

/// The names the vocabulary declares for a class, in declaration order.
pub(crate) fn class_names(vocab: &Vocabulary, class: Class) -> Vec<&'static str> {
    match class {
        Class::Event => vocab.event_names(),
        Class::Document => vocab.document_names(),
        Class::Purpose => vocab.purpose_names(),
    }
}

/// The error for `s`, which is not one of `names`: what it is not, and the nearest name.
pub(crate) fn not_one_of(s: &str, what: &str, names: &[&str]) -> (String, String) {
    let intro = upper_first(&plural(what));
    (
        format!("`{}` is not {} {what}", shorten(s, 40), article(what)),
        did_you_mean(s, names, &intro, names.len()),
    )
}

pub(crate) fn example(shape: Shape, vocab: &Vocabulary) -> String {
    match shape {
        Shape::Declared(class) => format!(
            "\"{}\"",
            class_names(vocab, class)
                .first()
                .copied()
                .unwrap_or_default()
        ),
        Shape::Text => "\"...\"".to_string(),
        Shape::Date => "\"YYYY-MM-DD\"".to_string(),
        Shape::Count => "1".to_string(),
        Shape::Choice(_, names) => format!("\"{}\"", names.first().copied().unwrap_or_default()),
        Shape::Obj(obj) => obj.example.to_string(),
        Shape::List(..) => "[]".to_string(),
        Shape::Any => "{}".to_string(),
    }
}

pub(crate) struct Walk<'v> {
    pub(crate) path: Vec<Seg>,
    pub(crate) out: Vec<CaseError>,
    pub(crate) vocab: &'v Vocabulary,
}

impl Walk<'_> {
    pub(crate) fn push(
        &mut self,
        kind: CaseErrorKind,
        message: String,
        help: String,
        point: Point,
    ) {
        if self.out.len() < MAX_PROBLEMS {
            let err = CaseError::new(kind, self.path.clone(), message, Some(help)).pointing(point);
            self.out.push(err);
        }
    }

    pub(crate) fn full(&self) -> bool {
        self.out.len() >= MAX_PROBLEMS
    }

    pub(crate) fn value(&mut self, v: &Value, shape: Shape) {
        match (shape, v) {
            (Shape::Any, _) | (Shape::Text, Value::String(_)) => {}
            (Shape::Date, Value::String(s)) => {
                if let Err(problem) = parse_date(s) {
                    self.push(
                        CaseErrorKind::BadDate,
                        problem.message(s),
                        problem.help(s),
                        Point::Value,
                    );
                }
            }
            (Shape::Count, Value::Number(n))
                if n.as_u64().is_some_and(|n| n <= u64::from(u32::MAX)) => {}
            (Shape::Choice(what, names), Value::String(s)) => {
                if !names.contains(&s.as_str()) {
                    let (message, help) = not_one_of(s, what, names);
                    self.push(CaseErrorKind::UnknownValue, message, help, Point::Value);
                }
            }
            (Shape::Declared(class), Value::String(s)) => {
                let names = class_names(self.vocab, class);
                if !names.contains(&s.as_str()) {
                    let (message, help) = not_one_of(s, class_what(class), &names);
                    self.push(CaseErrorKind::UnknownValue, message, help, Point::Value);
                }
            }
            (Shape::Obj(obj), Value::Object(map)) => self.object(map, obj),
            (Shape::List(item, _), Value::Array(items)) => {
                for (i, v) in items.iter().enumerate() {
                    if self.full() {
                        break;
                    }
                    self.path.push(Seg::Index(i));
                    self.value(v, *item);
                    self.path.pop();
                }
            }
            (shape, v) => {
                let message = format!("expected {}, found {}", expected(shape), found(v));
                let help = wrong_type_help(shape, v, self.vocab);
                self.push(CaseErrorKind::WrongType, message, help, Point::Value);
            }
        }
    }

    pub(crate) fn object(&mut self, map: &serde_json::Map<String, Value>, obj: &ObjShape) {
        let mut unknown = false;
        for (k, v) in map {
            if self.full() {
                return;
            }
            self.path.push(Seg::Key(k.clone()));
            match obj.field(k) {
                Some(field) if field.nullable && v.is_null() => {}
                Some(field) => self.value(v, field.shape),
                None => {
                    unknown = true;
                    let names = obj.names();
                    let mut help = did_you_mean(k, &names, obj.fields_of, names.len());
                    if obj.has_meta() {
                        help.push_str("; put free-form data under `meta`");
                    }
                    self.push(
                        CaseErrorKind::UnknownField,
                        format!("`{}` is not a field of {}", shorten(k, 40), obj.what),
                        help,
                        Point::Key,
                    );
                }
            }
            self.path.pop();
        }
        // A required field missing next to an unknown one is most likely misspelt: the
        // unknown field is the one to report.
        if unknown {
            return;
        }
        for field in obj.fields.iter().filter(|f| f.required) {
            if !map.contains_key(field.name) {
                self.path.push(key(field.name));
                self.push(
                    CaseErrorKind::MissingField,
                    format!("{} has no `{}`, which is required", obj.what, field.name),
                    format!(
                        "add \"{}\": {}",
                        field.name,
                        example(field.shape, self.vocab)
                    ),
                    Point::Parent,
                );
                self.path.pop();
            }
        }
    }
}

pub(crate) fn wrong_type_help(shape: Shape, v: &Value, vocab: &Vocabulary) -> String {
    match (shape, v) {
        (_, Value::Null) => "give a value, or leave the field out".to_string(),
        (Shape::Text, Value::Number(_) | Value::Bool(_)) => {
            format!("put the value in double quotes: \"{v}\"")
        }
        (Shape::Date, _) => "write the date in double quotes as YYYY-MM-DD, e.g. \"2024-03-15\"".to_string(),
        (Shape::Count, Value::String(s)) if s.trim().parse::<u32>().is_ok() => {
            format!("remove the quotes: {}", s.trim())
        }
        (Shape::Count, Value::Number(n)) if n.as_u64().is_some() => {
            format!("the largest allowed is {}", u32::MAX)
        }
        (Shape::Count, _) => "write a whole number of 0 or more, without quotes, e.g. 200".to_string(),
        (Shape::Choice(_, names), _) => {
            format!("write one of {}, in double quotes", name_list(names.iter().copied(), names.len()))
        }
        (Shape::Declared(class), _) => {
            let names = class_names(vocab, class);
            format!("write one of {}, in double quotes", name_list(names.iter().copied(), names.len()))
        }
        (Shape::List(_, noun), Value::Object(_)) => {
            format!("put the {noun} in a list, even a single one: [{{...}}]")
        }
        (Shape::List(item, _), _) => format!("write a list, e.g. [{}]", example(*item, vocab)),
        (Shape::Obj(obj), Value::Array(_)) if std::ptr::eq(obj, &CASE) => {
            "give one case per file as an object {...}; several cases go in several files or as JSON Lines, one per line".to_string()
        }
        (Shape::Obj(obj), _) => format!("write it as an object, e.g. {}", obj.example),
        (shape, _) => format!("write {}", expected(shape)),
    }
}

/// All structural problems of `v` as a case (at most [`MAX_PROBLEMS`]).
pub(crate) fn shape_problems(v: &Value, vocab: &Vocabulary) -> Vec<CaseError> {
    let mut walk = Walk {
        path: Vec::new(),
        out: Vec::new(),
        vocab,
    };
    walk.value(v, Shape::Obj(&CASE));
    walk.out
}

/// Whether `v` nests arrays and objects deeper than `max` (iteratively).
pub(crate) fn nested_deeper_than(v: &Value, max: usize) -> bool {
    let mut stack: Vec<(&Value, usize)> = vec![(v, 1)];
    while let Some((v, depth)) = stack.pop() {
        match v {
            Value::Array(items) => {
                if depth > max {
                    return true;
                }
                stack.extend(items.iter().map(|c| (c, depth + 1)));
            }
            Value::Object(map) => {
                if depth > max {
                    return true;
                }
                stack.extend(map.values().map(|c| (c, depth + 1)));
            }
            _ => {}
        }
    }
    false
}
