//! The check result: what the rules say about one case (docs/contract.md, "Check result").
//!
//! Field names are a contract with users' scripts: they may be added to, never renamed.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use crate::vocab::{Bearer, Citation, Citations, Severity};

/// Everything the rules say about one case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CheckResult {
    /// The case's id, echoed from the input.
    pub case: String,
    /// The day the case was judged on.
    pub as_of: NaiveDate,
    /// Every duty that arose in the case, one per trigger, in due-date order.
    pub obligations: Vec<Obligation>,
    /// Rules that would have applied but an exception took them away.
    pub exemptions: Vec<Exemption>,
    /// Results that are not deadlines.
    pub findings: Vec<Finding>,
    /// Facts a rule needed to decide but the case does not give.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub facts_needed: Vec<FactNeeded>,
    /// State fees the case's applications and events cost, in event order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fees: Vec<Fee>,
    /// What each stay limit that applies on `as_of` still allows: one record per limit.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowance: Vec<Allowance>,
    /// What the result was judged by, so that it can be reproduced later.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<Receipt>,
    /// Who the case is about, for the text for people; not part of the JSON contract.
    #[serde(skip)]
    pub parties: Parties,
    /// What the HTML report draws (with `Options::timeline`); not part of the JSON contract.
    #[serde(skip)]
    pub timeline: Timeline,
}

/// What the HTML report draws besides the result: the stays, the days counting towards
/// "90 in any 180 days" day by day, and the amnesty periods.
#[derive(Debug, Clone, Default)]
pub struct Timeline {
    /// The stays: their first day (`None`: begun before the records) and last day
    /// (`None`: still inside, no exit known).
    pub stays: Vec<(Option<NaiveDate>, Option<NaiveDate>)>,
    /// The first day of `usage`.
    pub usage_from: Option<NaiveDate>,
    /// For each day from `usage_from` on, the days in the 180 days ending that day that
    /// count towards a limit of days in any window (the evaluator's count).
    pub usage: Vec<i64>,
    /// The amnesty periods of the rules that overlap the drawing: the first and last due
    /// day they move, the day they move it to, and why.
    pub amnesties: Vec<(NaiveDate, NaiveDate, NaiveDate, String)>,
}

/// The names the text for people uses: the person's and the host party's.
#[derive(Debug, Clone, Default)]
pub struct Parties {
    /// The person's name, when the case gives one.
    pub person: Option<String>,
    /// The host party: its name, else its kind in words ("the host (a hotel)").
    pub host: Option<String>,
}

/// The tool version and rule set a result was judged by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Receipt {
    /// The kzrules version.
    pub kzrules: String,
    /// SHA-256 over the rule files (names and contents, in name order).
    pub rules_sha256: String,
    /// Where the rule set came from: `built-in`, or the rule folder (given with
    /// `--rules`, named by `kzrules.toml`, or found from the current folder upward).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules: Option<String>,
}

/// Where an obligation stands on the day the case is judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Fulfilled by the due day.
    Met,
    /// Fulfilled after the due day.
    Late,
    /// Not fulfilled, the due day not yet passed.
    Open,
    /// Not fulfilled, the due day passed.
    Overdue,
}

impl Status {
    /// The name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::Late => "late",
            Status::Open => "open",
            Status::Overdue => "overdue",
        }
    }

    /// Whether this status makes `kzrules check` exit 1.
    pub fn is_violation(self) -> bool {
        matches!(self, Status::Late | Status::Overdue)
    }
}

/// The event that triggered an obligation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Trigger {
    /// The event kind, e.g. `entry`, or the document kind and `_expiry` for a document's end,
    /// e.g. `visa_expiry`.
    pub event: String,
    /// The event's date.
    pub date: NaiveDate,
    /// The event's own id, when the case gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

impl Trigger {
    /// `entry on 2024-03-15`.
    pub fn words(&self) -> String {
        format!("{} on {}", self.event, self.date)
    }
}

/// One duty that arose in a case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Obligation {
    /// The catalog id of the rule.
    pub rule: String,
    /// Who must act.
    pub bearer: Bearer,
    /// What must be done.
    pub action: String,
    /// What started the duty.
    pub trigger: Trigger,
    /// The last day on which the duty is met in time.
    pub due: NaiveDate,
    /// Where the duty stands.
    pub status: Status,
    /// The day the duty was fulfilled, if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fulfilled_on: Option<NaiveDate>,
    /// Calendar days after `due`, to the fulfilment or to `as_of`; 0 otherwise.
    pub days_late: i64,
    /// The penalty, only when late or overdue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub penalty: Option<Penalty>,
    /// The legal sources of the duty.
    #[serde(serialize_with = "style::serialize")]
    #[schemars(with = "Vec<crate::vocab::CitationOrId>")]
    pub citations: Citations,
    /// Present when the due day, the days late or the penalty depends on a day of a
    /// provisional calendar year or an estimated holiday: which day, and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisional: Option<String>,
}

/// An administrative penalty under the Administrative Offences Code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Penalty {
    /// The article and part, e.g. "518 part 1".
    pub article: String,
    /// Whether the sanction is (or may be) a warning.
    pub warning: bool,
    /// The fine in monthly calculation indices, `[min, max]`; `[0, 0]` for a warning alone.
    pub fine_mci: [u32; 2],
    /// The fine in tenge at the MCI of the violation's year, `[min, max]`; `null` (with
    /// `note` saying why) when that year's MCI is not known yet: never another year's.
    pub fine_kzt: Option<[u64; 2]>,
    /// The MCI value in tenge used for `fine_kzt`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mci_kzt: Option<u32>,
    /// Why a part of the penalty is not known, e.g. the tenge amount of a fine in a year
    /// whose MCI is not set yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The penalty schedule's sources.
    #[serde(
        default,
        skip_serializing_if = "<[Citation]>::is_empty",
        serialize_with = "style::serialize"
    )]
    #[schemars(with = "Vec<crate::vocab::CitationOrId>")]
    pub citations: Citations,
}

/// A rule that would have applied, taken away by an exception.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Exemption {
    /// The catalog id of the rule taken away.
    pub rule: String,
    /// Why the exception applies.
    pub reason: String,
    /// The event the rule would have been triggered by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger: Option<Trigger>,
    /// The exception's sources.
    #[serde(serialize_with = "style::serialize")]
    #[schemars(with = "Vec<crate::vocab::CitationOrId>")]
    pub citations: Citations,
}

/// A result that is not a deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Finding {
    /// The catalog id of the rule.
    pub rule: String,
    /// How serious it is.
    pub severity: Severity,
    /// What was found, in one line.
    pub message: String,
    /// The measured value and the period it was measured over, where there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The legal sources of the finding.
    #[serde(serialize_with = "style::serialize")]
    #[schemars(with = "Vec<crate::vocab::CitationOrId>")]
    pub citations: Citations,
}

/// A state fee an application or event of the case costs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Fee {
    /// What the fee is for, with the event and its day.
    pub what: String,
    /// The fee in monthly calculation indices (MCI), e.g. `0.5`.
    pub fee_mci: f64,
    /// The fee in tenge at the MCI in force on the event's day; `null` when that year's
    /// MCI is not known yet.
    pub fee_kzt: Option<f64>,
    /// The legal sources of the fee.
    #[serde(serialize_with = "style::serialize")]
    #[schemars(with = "Vec<crate::vocab::CitationOrId>")]
    pub citations: Citations,
}

impl Fee {
    /// The amount in words: `0.5 MCI (1,846 tenge)`, `30 MCI (87,510 tenge)`, or
    /// `4 MCI (tenge not known: no MCI for the year)`.
    pub fn amount_words(&self) -> String {
        let tenge = match self.fee_kzt {
            Some(kzt) => {
                let tiyn = (kzt * 100.0).round();
                let whole = (tiyn / 100.0).trunc();
                let cents = tiyn - whole * 100.0;
                let whole = crate::english::thousands(whole as u64);
                if cents > 0.0 {
                    format!("{whole}.{cents:02} tenge")
                } else {
                    format!("{whole} tenge")
                }
            }
            None => String::from("tenge not known: no MCI for the year"),
        };
        format!("{} MCI ({tenge})", self.fee_mci)
    }
}

/// What one stay limit still allows on the day the case is judged.
///
/// Days are counted as the evaluator counts them for the duty to leave: entry and exit
/// days both count, each day once, and days under a residence permit or a temporary
/// residence permit do not count towards a limit of days in any window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Allowance {
    /// The catalog id of the rule that sets the limit.
    pub rule: String,
    /// The limit in words, e.g. "30 days from each entry".
    pub limit: String,
    /// Days of the limit already spent on `as_of` (the current stay's days for a limit
    /// per entry, the days in the window ending on `as_of` for a limit in any window).
    pub days_used: i64,
    /// How many more days in a row the person may spend in Kazakhstan from `as_of` on:
    /// while inside, the days after `as_of` up to `latest_exit`; while outside, the
    /// length of the longest lawful stay beginning with an entry on `as_of`. 0 when the
    /// limit is already passed.
    pub days_left: i64,
    /// While the person is inside on `as_of`: the last day on which they may leave under
    /// this limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_exit: Option<NaiveDate>,
    /// The first day, from `as_of` on, on which an entry allows a full stay again (the
    /// longest stay any entry may give under the limits that apply); `null` for a limit
    /// set by a document's end, which no later entry renews.
    pub next_full_entry: Option<NaiveDate>,
    /// The legal sources of the limit.
    #[serde(serialize_with = "style::serialize")]
    #[schemars(with = "Vec<crate::vocab::CitationOrId>")]
    pub citations: Citations,
}

/// A fact a rule needed but the case does not give.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct FactNeeded {
    /// The catalog id of the rule that could not decide.
    pub rule: String,
    /// The missing fact, as a path in the case, e.g. `person.birth_date`.
    pub fact: String,
    /// What the rule could not decide without it.
    pub reason: String,
}

/// Not part of the result (no JSON carries it): any two are equal, so that a result read
/// back from its JSON equals the one written.
impl PartialEq for Parties {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// Not part of the result (no JSON carries it): any two are equal, so that a result read
/// back from its JSON equals the one written.
impl PartialEq for Timeline {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl CheckResult {
    /// The exit status this result alone gives `kzrules check`: 1 for anything late,
    /// overdue or an error finding, 0 otherwise.
    pub fn exit_code(&self) -> u8 {
        let violated = self.obligations.iter().any(|o| o.status.is_violation())
            || self.findings.iter().any(|f| f.severity == Severity::Error);
        u8::from(violated)
    }
}

/// How the citations of a result are written: in full (the default) or as ids
/// (`kzrules check --citations ref`), each list's JSON made once per thread.
pub mod style {
    use std::cell::{Cell, RefCell};
    use std::collections::HashMap;

    use serde::{Serialize, Serializer};
    use serde_json::value::RawValue;

    use super::{Citation, Citations};

    /// How `kzrules check --format json` writes citations.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
    pub enum CitationStyle {
        /// Every citation in full: `{"source", "ref", "seed"}` (the contract's default).
        #[default]
        Full,
        /// Every citation as its short stable id; the batch's first record gives each
        /// id's full text.
        Ref,
    }

    /// The most citation lists kept per thread: the lists of a program are a few
    /// hundred; past this the cache starts again, so that it never grows without end.
    const CACHE_LIMIT: usize = 4096;

    /// A citation list's JSON, kept with the list itself so that its address is not
    /// reused while it is a key.
    struct Cached {
        _list: Citations,
        full: Box<RawValue>,
        ids: Box<RawValue>,
    }

    thread_local! {
        static STYLE: Cell<Option<CitationStyle>> = const { Cell::new(None) };
        static CACHE: RefCell<HashMap<usize, Cached>> = RefCell::new(HashMap::new());
    }

    /// Run `write` (a `serde_json` serialization of results) with the citations written
    /// in `style`, each list's JSON made once per thread and then copied. Outside it,
    /// citations serialize as plain values for any serializer.
    pub fn with_style<T>(style: CitationStyle, write: impl FnOnce() -> T) -> T {
        let before = STYLE.with(|s| s.replace(Some(style)));
        let out = write();
        STYLE.with(|s| s.set(before));
        out
    }

    /// The citations' ids, as a JSON array.
    fn ids_json(list: &[Citation]) -> String {
        let ids: Vec<String> = list.iter().map(Citation::id).collect();
        serde_json::to_string(&ids).unwrap_or_else(|_| String::from("[]"))
    }

    /// `serialize_with` of every `citations` field of a result.
    pub fn serialize<S: Serializer>(list: &Citations, serializer: S) -> Result<S::Ok, S::Error> {
        let Some(style) = STYLE.with(Cell::get) else {
            return list.serialize(serializer);
        };
        let key = list.as_ptr() as usize;
        CACHE.with(|cache| {
            let mut cache = cache.borrow_mut();
            if !cache.contains_key(&key) {
                if cache.len() >= CACHE_LIMIT {
                    cache.clear();
                }
                let full = serde_json::to_string(&**list).unwrap_or_else(|_| String::from("[]"));
                let made = RawValue::from_string(full)
                    .and_then(|full| Ok((full, RawValue::from_string(ids_json(list))?)));
                match made {
                    Ok((full, ids)) => {
                        cache.insert(
                            key,
                            Cached {
                                _list: list.clone(),
                                full,
                                ids,
                            },
                        );
                    }
                    Err(_) => return list.serialize(serializer),
                }
            }
            match (cache.get(&key), style) {
                (Some(cached), CitationStyle::Full) => cached.full.serialize(serializer),
                (Some(cached), CitationStyle::Ref) => cached.ids.serialize(serializer),
                (None, _) => list.serialize(serializer),
            }
        })
    }
}
