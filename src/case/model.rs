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
    /// The purpose of the stay: a purpose the rule set's vocabulary declares.
    #[serde(
        default,
        deserialize_with = "de_opt_declared",
        skip_serializing_if = "Option::is_none"
    )]
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
    /// What the document is: a document kind the rule set's vocabulary declares.
    #[serde(deserialize_with = "de_declared")]
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
    /// A work permit's employer: the name of the employer the permit was issued to,
    /// written as the host's `name` when the host is that employer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = MAX_STRING_CHARS))]
    pub employer: Option<String>,
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
    /// What kind of organisation the host is, where the work permit rules treat it apart:
    /// `state` (a state institution or state-owned enterprise), `foreign_branch` (a branch
    /// or representative office of a foreign legal entity), `other`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<HostForm>,
    /// The host's staff by category, when the host employs the foreigner: the numbers the
    /// employer gives the employment department for the local-content shares of the work
    /// permit rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff: Option<Staff>,
}

/// An employer's list number of employees in the categories of the work permit rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Staff {
    /// Categories 1 and 2: chief heads and their deputies; heads of structural divisions.
    pub categories_1_2: StaffCount,
    /// Categories 3 and 4: specialists; skilled workers.
    pub categories_3_4: StaffCount,
}

impl Staff {
    /// Every employee counted, in all categories, EAEU citizens included.
    pub fn total(&self) -> u64 {
        self.categories_1_2.total() + self.categories_3_4.total()
    }
}

/// Employees of some categories, by citizenship.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffCount {
    /// Employees who are citizens of Kazakhstan.
    #[schemars(range(max = MAX_STAFF))]
    pub kazakhstan: u32,
    /// Foreign employees (and stateless persons), EAEU citizens left out.
    #[schemars(range(max = MAX_STAFF))]
    pub foreign: u32,
    /// Employees who are citizens of the other EAEU member states: not counted in the
    /// local-content shares.
    #[serde(default, skip_serializing_if = "is_zero")]
    #[schemars(range(max = MAX_STAFF))]
    pub eaeu: u32,
}

impl StaffCount {
    /// Every employee counted, EAEU citizens included.
    pub fn total(&self) -> u64 {
        u64::from(self.kazakhstan) + u64::from(self.foreign) + u64::from(self.eaeu)
    }
}

fn is_zero(n: &u32) -> bool {
    *n == 0
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
    /// What happened: an event kind the rule set's vocabulary declares.
    #[serde(deserialize_with = "de_declared")]
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

/// A kind some vocabulary declares; whether the case's rule set does is checked after
/// (`validate`), and an unknown name is explained by the shape walk with the rule set's
/// names. Reading never declares a name.
pub(crate) fn de_declared<'de, D: Deserializer<'de>, K: Declared>(d: D) -> Result<K, D::Error> {
    d.deserialize_str(KnownName(std::marker::PhantomData))
}

pub(crate) fn de_opt_declared<'de, D: Deserializer<'de>, K: Declared>(
    d: D,
) -> Result<Option<K>, D::Error> {
    d.deserialize_option(Optional(KnownName::<K>(std::marker::PhantomData)))
}

/// Reads a declared name without copying it.
struct KnownName<K>(std::marker::PhantomData<K>);

impl<K: Declared> serde::de::Visitor<'_> for KnownName<K> {
    type Value = K;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", article(K::WHAT), K::WHAT)
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<K, E> {
        K::known(v).ok_or_else(|| E::custom(format_args!("unknown {}", K::WHAT)))
    }
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

/// An optional value written as a string: `null` or absent is `None`, else the string as
/// the visitor `V` reads it (a date, a declared name).
struct Optional<V>(V);

impl<'de, V: serde::de::Visitor<'de>> serde::de::Visitor<'de> for Optional<V> {
    type Value = Option<V::Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)?;
        f.write_str(" or null")
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self.0).map(Some)
    }
}

pub(crate) fn de_date<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    d.deserialize_str(DateVisitor)
}

pub(crate) fn de_opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    d.deserialize_option(Optional(DateVisitor))
}
