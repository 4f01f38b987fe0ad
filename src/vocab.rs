//! The words of the law that every phase shares: the kinds of events, documents, hosts
//! and purposes a case speaks of; who bears a duty; how serious a finding is; a
//! citation; the units of a deadline; comparisons and windows, with their meaning.
//!
//! This module imports nothing of the crate: the syntax, the compiler, the IR, the case
//! reader, the evaluator and the reports all speak these words.

use std::fmt;
use std::sync::Arc;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

macro_rules! named_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident ($what:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = $json:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            Serialize, Deserialize, JsonSchema,
        )]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every value, in the order of the declaration.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The JSON name of every value, in the order of `ALL`.
            pub const NAMES: &'static [&'static str] = &[$($json),+];
            /// What a value of this type is called in messages.
            pub const WHAT: &'static str = $what;

            /// The name used in JSON.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $json,)+
                }
            }

            /// The value with the JSON name `name`, if there is one.
            pub fn from_name(name: &str) -> Option<Self> {
                match name {
                    $($json => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// The classes of names the rule files declare (their vocabulary).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Class {
    /// `event ID { ... }`
    Event,
    /// `document ID { ... }`
    Document,
    /// `purpose ID { ... }`
    Purpose,
}

/// The names declared by every vocabulary compiled in this process, each stored once for
/// the life of the process: a kind is a `Copy` reference to its name. Only declarations
/// add names (a rule file or a stored program); reading a case only looks them up, so an
/// input cannot grow the table.
type Names = [std::collections::HashSet<&'static str>; 3];

fn interned() -> &'static std::sync::RwLock<Names> {
    static NAMES: std::sync::OnceLock<std::sync::RwLock<Names>> = std::sync::OnceLock::new();
    NAMES.get_or_init(Default::default)
}

impl Class {
    fn index(self) -> usize {
        match self {
            Class::Event => 0,
            Class::Document => 1,
            Class::Purpose => 2,
        }
    }
}

/// The stored copy of a declared name, storing it on first use.
fn intern(class: Class, name: &str) -> &'static str {
    if let Some(found) = lookup(class, name) {
        return found;
    }
    let mut names = interned()
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let Some(set) = names.get_mut(class.index()) else {
        return "";
    };
    if let Some(found) = set.get(name) {
        return found;
    }
    let stored: &'static str = Box::leak(name.to_owned().into_boxed_str());
    set.insert(stored);
    stored
}

/// The stored copy of a name some vocabulary declared, if any did.
///
/// Each thread keeps the names it has found (a name is never removed), so reading a batch
/// of cases on several threads takes no lock and writes no shared memory per name.
fn lookup(class: Class, name: &str) -> Option<&'static str> {
    thread_local! {
        static FOUND: std::cell::RefCell<[Vec<&'static str>; 3]> = Default::default();
    }
    let cached = FOUND.with(|found| {
        found
            .borrow()
            .get(class.index())
            .and_then(|names| names.iter().copied().find(|n| *n == name))
    });
    if cached.is_some() {
        return cached;
    }
    let stored = {
        let names = interned()
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        names.get(class.index())?.get(name).copied()
    }?;
    FOUND.with(|found| {
        if let Some(names) = found.borrow_mut().get_mut(class.index()) {
            names.push(stored);
        }
    });
    Some(stored)
}

/// A kind whose names the rule files declare ([`DocumentKind`], [`EventKind`], [`Purpose`]).
pub trait Declared: Copy + 'static {
    /// What a value is called in messages.
    const WHAT: &'static str;
    /// The class of declarations it comes from.
    const CLASS: Class;
    /// The kind named `name`, if a vocabulary compiled in this process declares it.
    fn known(name: &str) -> Option<Self>;
}

macro_rules! declared_kind {
    (
        $(#[$meta:meta])*
        pub struct $name:ident ($what:literal, $class:expr);
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(&'static str);

        impl $name {
            /// What a value of this type is called in messages.
            pub const WHAT: &'static str = $what;
            /// The class of declarations this kind comes from.
            pub const CLASS: Class = $class;

            /// The kind named `name`, as a declaration in the rule files makes it.
            pub fn declare(name: &str) -> Self {
                $name(intern($class, name))
            }

            /// The kind named `name` if a vocabulary compiled in this process declares it
            /// (whether the case's rule set does is the case reader's check).
            pub fn known(name: &str) -> Option<Self> {
                lookup($class, name).map($name)
            }

            /// The name used in JSON and in the rule files.
            pub fn as_str(self) -> &'static str {
                self.0
            }
        }

        impl Declared for $name {
            const WHAT: &'static str = $what;
            const CLASS: Class = $class;
            fn known(name: &str) -> Option<Self> {
                $name::known(name)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.0)
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.0)
            }
        }

        /// Deserializing declares the name: for stored programs and other trusted data.
        /// Cases are read with [`$name::known`] (`case::model`), which declares nothing.
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct Name;
                impl serde::de::Visitor<'_> for Name {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str(concat!("the name of a declared ", $what))
                    }
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<$name, E> {
                        Ok($name::declare(v))
                    }
                }
                d.deserialize_str(Name)
            }
        }

        impl JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($name))
            }

            fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
                <String as JsonSchema>::json_schema(generator)
            }
        }
    };
}

named_enum! {
    /// How many entries a visa allows.
    pub enum Entries ("number of entries") {
        /// One entry.
        Single = "single",
        /// Any number of entries.
        Multiple = "multiple",
    }
}

named_enum! {
    /// What the evaluator needs to know of an event kind: a role the vocabulary gives it
    /// (`role opens_stay`). Each role is held by exactly one event kind.
    pub enum EventRole ("event role") {
        /// The event opens a stay (an entry into Kazakhstan).
        OpensStay = "opens_stay",
        /// The event closes a stay (an exit); it also fulfils a duty to leave.
        ClosesStay = "closes_stay",
        /// The event starts a trip to another region of Kazakhstan.
        LeavesRegion = "leaves_region",
        /// The event ends a trip to another region.
        ReturnsFromRegion = "returns_from_region",
    }
}

named_enum! {
    /// What the evaluator needs to know of a document kind: a role the vocabulary gives it
    /// (`role passport`). A role may be held by several document kinds.
    pub enum DocumentRole ("document role") {
        /// The foreigner's passport: its blank pages are counted.
        Passport = "passport",
        /// A permit of residence: the days it is valid are residence, not a stay that the
        /// limits of days in a window count.
        ResidencePermit = "residence_permit",
        /// A work permit: its region bounds the holder's trips.
        WorkPermit = "work_permit",
    }
}

named_enum! {
    /// The fields a document may carry besides its validity; a document kind's
    /// declaration names the ones it has (`fields category, entries`).
    pub enum DocumentField ("document field") {
        /// A visa's category (`C3`, `B20`, ...).
        Category = "category",
        /// A visa's number of entries.
        Entries = "entries",
        /// A passport's number of blank pages.
        BlankPages = "blank_pages",
        /// The region a permit was granted for.
        Region = "region",
        /// The employer a work permit was issued to.
        Employer = "employer",
    }
}

named_enum! {
    /// What kind of party the host is.
    pub enum HostKind ("host kind") {
        /// A company or other organisation.
        LegalEntity = "legal_entity",
        /// A private person.
        Individual = "individual",
        /// A hotel or other accommodation provider.
        Hotel = "hotel",
    }
}

named_enum! {
    /// The host's size class, which picks the fine column of the Administrative Offences Code.
    pub enum HostSize ("host size") {
        /// A small business.
        Small = "small",
        /// A medium-sized business.
        Medium = "medium",
        /// A large business.
        Large = "large",
        /// A non-profit organisation.
        NonProfit = "non_profit",
        /// An official.
        Official = "official",
    }
}

named_enum! {
    /// What kind of organisation an employing host is, where the work permit rules treat
    /// it apart (the local-content shares).
    pub enum HostForm ("host form") {
        /// A state institution or a state-owned enterprise.
        State = "state",
        /// A branch or representative office of a foreign legal entity.
        ForeignBranch = "foreign_branch",
        /// Any other organisation.
        Other = "other",
    }
}

declared_kind! {
    /// What a document is: a document kind declared in the rule files (`document ID { ... }`).
    pub struct DocumentKind ("document kind", Class::Document);
}

declared_kind! {
    /// What happened: an event kind declared in the rule files (`event ID { ... }`).
    pub struct EventKind ("event kind", Class::Event);
}

declared_kind! {
    /// The purpose of the stay: a purpose declared in the rule files (`purpose ID { ... }`).
    pub struct Purpose ("purpose", Class::Purpose);
}

/// The citations of a rule, shared by every result that rule gives (a result holds a
/// reference, not a copy).
pub type Citations = Arc<[Citation]>;

/// A legal source a result rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Citation {
    /// The legal act, e.g. "Law of the Republic of Kazakhstan On Population Migration".
    pub source: String,
    /// The article, paragraph or clause, e.g. "art. 6 para. 4".
    #[serde(rename = "ref")]
    pub reference: String,
    /// The seed document the rule was taken from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<String>,
}

impl Citation {
    /// The citation's short stable id, as `kzrules check --citations ref` writes it:
    /// the first 12 hexadecimal digits of the SHA-256 of its source, reference and seed.
    /// The same text gives the same id in every rule set and every version of kzrules.
    pub fn id(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut hasher = Sha256::new();
        hasher.update(self.source.as_bytes());
        hasher.update([0]);
        hasher.update(self.reference.as_bytes());
        hasher.update([0]);
        if let Some(seed) = &self.seed {
            hasher.update(seed.as_bytes());
        }
        let digest = hasher.finalize();
        digest
            .iter()
            .take(CITATION_ID_LENGTH / 2)
            .fold(String::new(), |mut out, byte| {
                use fmt::Write as _;
                let _ = write!(out, "{byte:02x}");
                out
            })
    }
}

/// How many hexadecimal digits a citation id ([`Citation::id`]) has.
pub const CITATION_ID_LENGTH: usize = 12;

/// A citation as `kzrules check` writes it: in full (`--citations full`, the default) or
/// as its id (`--citations ref`), whose full text the batch's first record gives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum CitationOrId {
    /// The citation in full.
    Full(Citation),
    /// The citation's id ([`Citation::id`]): 12 hexadecimal digits.
    Id(#[schemars(regex(pattern = r"^[0-9a-f]{12}$"))] String),
}

/// Who carries a duty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Bearer {
    /// The receiving (host, inviting) party.
    Host,
    /// The foreigner.
    Foreigner,
    /// The employer.
    Employer,
}

impl Bearer {
    /// The name used in rule files and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Bearer::Host => "host",
            Bearer::Foreigner => "foreigner",
            Bearer::Employer => "employer",
        }
    }
}

/// How serious a finding is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// For information.
    Info,
    /// Worth a look.
    Warning,
    /// A breach: makes `kzrules check` exit 1.
    Error,
}

impl Severity {
    /// The name used in rule files and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A comparison of a number with a bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Compare {
    /// `at_most N`: ≤ N
    AtMost,
    /// `at_least N`: ≥ N
    AtLeast,
    /// `over N`: > N
    Over,
    /// `under N`: < N
    Under,
}

impl Compare {
    /// Whether `value` passes the comparison with `bound`.
    pub fn holds(self, value: i64, bound: i64) -> bool {
        match self {
            Compare::AtMost => value <= bound,
            Compare::AtLeast => value >= bound,
            Compare::Over => value > bound,
            Compare::Under => value < bound,
        }
    }

    /// The keyword.
    pub fn as_str(self) -> &'static str {
        match self {
            Compare::AtMost => "at_most",
            Compare::AtLeast => "at_least",
            Compare::Over => "over",
            Compare::Under => "under",
        }
    }
}

/// Day-counting unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Unit {
    /// Business days on the calendar.
    BusinessDays,
    /// Calendar days.
    CalendarDays,
}

impl Unit {
    /// The keyword.
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::BusinessDays => "business_days",
            Unit::CalendarDays => "calendar_days",
        }
    }
}

/// Unit of a date offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PeriodUnit {
    /// Months.
    Months,
    /// Days.
    Days,
}

/// The period a measure is taken over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Window {
    /// `per calendar_year`
    CalendarYear,
    /// `in any N months`
    AnyMonths(u32),
    /// `in the last N months`: the N months that end on the day the case is judged on.
    LastMonths(u32),
    /// `in the last N days`: the N days that end on the day judged (a finding: `as_of`).
    LastDays(u32),
}

// ---------------------------------------------------------------------------------------
// Countries

/// Codes that ISO 3166-1 reserves for a country without assigning them, and the assigned
/// code of that country (`UK` is the United Kingdom's reserved code; its code is `GB`).
const RESERVED_COUNTRY_CODES: &[(&str, &str)] =
    &[("UK", "GB"), ("EL", "GR"), ("FX", "FR"), ("EW", "EE")];

/// Whether `code` is an assigned ISO 3166-1 alpha-2 country code, written in capitals.
pub fn is_country(code: &str) -> bool {
    code.len() == 2
        && code.bytes().all(|b| b.is_ascii_uppercase())
        && celes::Country::from_alpha2(code).is_ok()
}

/// The country's English name, for an assigned code: `the Russian Federation`.
pub fn country_name(code: &str) -> Option<String> {
    let name = celes::Country::from_alpha2(code).ok()?.long_name;
    let words: Vec<String> = name
        .split(' ')
        .enumerate()
        .map(|(i, w)| match w {
            "The" if i == 0 => String::from("the"),
            "Of" | "And" | "The" | "Da" | "De" => w.to_lowercase(),
            _ => w.to_string(),
        })
        .collect();
    Some(words.join(" "))
}

/// The assigned alpha-2 code that someone who wrote `written` most likely meant: a
/// reserved code (`UK` → `GB`), a code in small letters (`gb` → `GB`), an alpha-3 code
/// (`GBR` → `GB`) or a country's name (`Russia` → `RU`).
pub fn country_suggestion(written: &str) -> Option<&'static str> {
    let upper = written.trim().to_ascii_uppercase();
    if let Some((_, code)) = RESERVED_COUNTRY_CODES.iter().find(|(r, _)| *r == upper) {
        return Some(code);
    }
    let squeezed: String = written
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-' && *c != '_' && *c != '.')
        .collect();
    written
        .trim()
        .parse::<celes::Country>()
        .or_else(|_| squeezed.parse::<celes::Country>())
        .ok()
        .map(|c| c.alpha2)
        .filter(|code| *code != written)
}
