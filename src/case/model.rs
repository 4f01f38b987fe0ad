//! The case as written: the input contract's types, their limits and their JSON Schema.

use super::*;

/// One case: the facts about one foreigner's stay in Kazakhstan that the rules are applied to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// The case's id, echoed in every result.
    #[schemars(length(max = MAX_STRING_CHARS))]
    pub case: String,
    /// The day the case is judged on (YYYY-MM-DD); `--as-of` overrides it; without either, today.
    #[serde(
        default,
        deserialize_with = "de_opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub as_of: Option<NaiveDate>,
    /// The foreigner.
    pub person: Person,
    /// The receiving (host, inviting) party.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<Host>,
    /// The purpose of the stay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<Purpose>,
    /// How long the stay is planned to last, in days counted from entry (the entry day is
    /// day 1); used while no `exit` is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub planned_stay_days: Option<u32>,
    /// What happened, in any order: entries, exits, notifications, applications.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = MAX_EVENTS))]
    pub events: Vec<Event>,
    /// Free-form data, carried through untouched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Value>,
}

/// The foreigner the case is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// Citizenship: an ISO 3166-1 alpha-2 code in capitals, e.g. `RU`, `KG`, `GB`, `US`.
    #[schemars(regex(pattern = r"^[A-Z]{2}$"))]
    pub citizenship: String,
    /// Date of birth (YYYY-MM-DD); needed by age rules (children under 16).
    #[serde(
        default,
        deserialize_with = "de_opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub birth_date: Option<NaiveDate>,
    /// The person's name, carried through untouched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = MAX_STRING_CHARS))]
    pub name: Option<String>,
    /// Passports, visas, permits and contracts the person holds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = MAX_DOCUMENTS))]
    pub documents: Vec<Document>,
    /// Administrative penalties already imposed on the person.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = MAX_PENALTIES))]
    pub penalties: Vec<PenaltyRecord>,
    /// Free-form data, carried through untouched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Value>,
}

/// A document the person holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// What the document is.
    pub kind: DocumentKind,
    /// The first day the document is valid (inclusive); absent: valid since before the case.
    #[serde(
        default,
        deserialize_with = "de_opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub valid_from: Option<NaiveDate>,
    /// The last day the document is valid (inclusive); absent: no end known.
    #[serde(
        default,
        deserialize_with = "de_opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub valid_until: Option<NaiveDate>,
    /// A visa's Kazakhstan category: `A5`, `B1`, `B2`, `B3`, `B10`, `B12`, `C2`, `C3`, `C5`,
    /// `C9`, `C12`, `B15`, `B20`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = MAX_STRING_CHARS))]
    pub category: Option<String>,
    /// A visa's number of entries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entries: Option<Entries>,
    /// A passport's number of blank pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blank_pages: Option<u32>,
    /// A work permit's region: the region the permit was granted for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = MAX_STRING_CHARS))]
    pub region: Option<String>,
    /// Free-form data, carried through untouched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Value>,
}

impl Document {
    /// Whether the document is valid on `date`: `valid_from` and `valid_until` are
    /// inclusive, and a missing bound is open.
    pub fn valid_on(&self, date: NaiveDate) -> bool {
        self.valid_from.is_none_or(|from| from <= date)
            && self.valid_until.is_none_or(|until| date <= until)
    }
}

/// The receiving (host, inviting) party.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Host {
    /// What kind of party the host is.
    pub kind: HostKind,
    /// The host's size class; picks the fine column of the Administrative Offences Code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<HostSize>,
    /// The host's name (a company, a hotel, a person), used in the text for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = MAX_STRING_CHARS))]
    pub name: Option<String>,
    /// Administrative penalties already imposed on the host (repeat offences, invitation ban).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = MAX_PENALTIES))]
    pub penalties: Vec<PenaltyRecord>,
}

/// An administrative penalty already imposed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PenaltyRecord {
    /// The article of the Administrative Offences Code, e.g. `518`.
    #[schemars(length(max = MAX_STRING_CHARS))]
    pub article: String,
    /// The day the penalty was imposed (YYYY-MM-DD).
    #[serde(deserialize_with = "de_date")]
    pub date: NaiveDate,
}

/// Something that happened in the case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// The event's own id, unique in the case; a fulfilling event names it in `for`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = MAX_STRING_CHARS))]
    pub id: Option<String>,
    /// What happened.
    pub kind: EventKind,
    /// The day it happened (YYYY-MM-DD).
    #[serde(deserialize_with = "de_date")]
    pub date: NaiveDate,
    /// The time of day (HH:MM, 24-hour clock), where it matters; orders events on one day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"))]
    pub time: Option<String>,
    /// The region, where it matters (a `region_trip`'s destination).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = MAX_STRING_CHARS))]
    pub region: Option<String>,
    /// On a fulfilling event: the `id` of the event it answers; it then fulfils exactly the
    /// obligations that event triggered.
    #[serde(rename = "for", default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = MAX_STRING_CHARS))]
    pub r#for: Option<String>,
    /// Free-form data, carried through untouched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Value>,
}

/// A date read straight from the JSON string, without copying it first (most case
/// texts have no escapes, so serde_json lends the string). The messages are those of
/// reading a `String` and then [`parse_date`].
struct DateVisitor;

impl serde::de::Visitor<'_> for DateVisitor {
    type Value = NaiveDate;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<NaiveDate, E> {
        parse_date(s).map_err(|p| E::custom(p.message(s)))
    }
}

/// An optional date: `null` or absent is `None`, else as [`de_date`].
struct OptDateVisitor;

impl<'de> serde::de::Visitor<'de> for OptDateVisitor {
    type Value = Option<NaiveDate>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("option")
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        de_date(d).map(Some)
    }
}

pub(crate) fn de_date<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    d.deserialize_str(DateVisitor)
}

pub(crate) fn de_opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    d.deserialize_option(OptDateVisitor)
}
