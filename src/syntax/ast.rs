//! The abstract syntax tree of a rule file. Every node keeps its span. A `Spanned<T>`
//! compares without its span; declarations and clauses also carry a plain `span` field
//! for the whole construct, which does compare (`tools::fmt::tree_without_spans` gives a
//! tree to compare by meaning alone). Names are still text here: the compiler resolves
//! them.

pub use crate::source::{Span, Spanned};
pub use crate::vocab::{Compare, PeriodUnit, Unit, Window};

/// Text with its place.
pub type Text = Spanned<String>;

/// One rule file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct File {
    /// The declarations, in file order.
    pub items: Vec<Item>,
}

/// A top-level declaration.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// `source ID "name"`
    Source(SourceDecl),
    /// `set ID { ... }`
    Set(SetDecl),
    /// `parameter ID { ... }`
    Parameter(ParameterDecl),
    /// `penalty ID { ... }`
    Penalty(PenaltyDecl),
    /// `rule ID { ... }`
    Rule(RuleDecl),
    /// `exempt from RULE when COND because "..." cite ...`
    Exemption(ExemptionDecl),
    /// `extend RULE and RULE due from ... to ... until ...`
    Extension(Extension),
    /// `fee ID { ... }`
    Fee(FeeDecl),
    /// `event ID { ... }`, `document ID { ... }`, `purpose ID { ... }`, `verb ... { ... }`
    Term(TermDecl),
}

/// What a vocabulary declaration declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TermClass {
    /// `event ID { ... }`: a kind of event.
    Event,
    /// `document ID { ... }`: a kind of document.
    Document,
    /// `purpose ID { ... }`: a purpose of a stay.
    Purpose,
    /// `verb ... { ... }`: a verb a duty starts with.
    Verb,
}

impl TermClass {
    /// The keyword that declares it.
    pub fn keyword(self) -> &'static str {
        match self {
            TermClass::Event => "event",
            TermClass::Document => "document",
            TermClass::Purpose => "purpose",
            TermClass::Verb => "verb",
        }
    }
}

/// A word of the vocabulary: `event ID { title ... role ROLE cite ... }`,
/// `document ID { title ... fields F, F role ROLE cite ... }`, `purpose ID { ... }`,
/// `verb NAME { title ... fulfilled_by EVENT cite ... }` (`verb apply for NAME { ... }`).
#[derive(Debug, Clone, PartialEq)]
pub struct TermDecl {
    /// What it declares.
    pub class: TermClass,
    /// The name (for `verb apply for NAME`, the `NAME`).
    pub id: Text,
    /// `verb apply for NAME`.
    pub application: bool,
    /// Its title.
    pub title: Vec<Text>,
    /// Its legal sources.
    pub citations: Vec<CiteClause>,
    /// `role ROLE` clauses.
    pub roles: Vec<Text>,
    /// `fields F, F` (documents).
    pub fields: Vec<Text>,
    /// `fulfilled_by EVENT` (verbs).
    pub fulfilled_by: Vec<Text>,
    /// The whole declaration.
    pub span: Span,
}

/// `fee ID { title ... on EVENT when COND amount N mci cite ... }`: a state fee.
#[derive(Debug, Clone, PartialEq)]
pub struct FeeDecl {
    /// The fee's name.
    pub id: Text,
    /// Its title: what the fee is for.
    pub title: Vec<Text>,
    /// Its period in force.
    pub in_force: Vec<Spanned<InForce>>,
    /// Its legal sources.
    pub citations: Vec<CiteClause>,
    /// The events that cost it.
    pub on: Vec<Vec<Text>>,
    /// Conditions on the event's day.
    pub when: Vec<Spanned<Cond>>,
    /// The amount in hundredths of an MCI (`0.5 mci` is 50).
    pub amount: Vec<Spanned<u32>>,
    /// The whole declaration.
    pub span: Span,
}

/// `exempt from RULE when COND because "..." cite ...`
#[derive(Debug, Clone, PartialEq)]
pub struct ExemptionDecl {
    /// The rule it takes away.
    pub rule: Text,
    /// The exception itself.
    pub exception: Unless,
}

/// `source ID "full name of the legal act"`
#[derive(Debug, Clone, PartialEq)]
pub struct SourceDecl {
    /// The short name rules cite it by.
    pub id: Text,
    /// The act's full name.
    pub name: Text,
}

/// A period in force: `in_force from DATE until DATE`, both ends inclusive and optional.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct InForce {
    /// The first day, as written.
    pub from: Option<Text>,
    /// The last day, as written.
    pub until: Option<Text>,
}

/// `cite SOURCE "ref" seed "file"`
#[derive(Debug, Clone, PartialEq)]
pub struct CiteClause {
    /// The declared source's id.
    pub source: Text,
    /// Article, paragraph or clause.
    pub reference: Text,
    /// The seed document.
    pub seed: Option<Text>,
    /// The whole clause.
    pub span: Span,
}

/// `set ID { title ... members ... cite ... }`: a named set of countries.
#[derive(Debug, Clone, PartialEq)]
pub struct SetDecl {
    /// The set's name.
    pub id: Text,
    /// Its title.
    pub title: Vec<Text>,
    /// Its period in force.
    pub in_force: Vec<Spanned<InForce>>,
    /// Its members, ISO 3166-1 alpha-2 codes.
    pub members: Vec<Text>,
    /// Where the list comes from.
    pub citations: Vec<CiteClause>,
    /// The whole declaration.
    pub span: Span,
}

/// `parameter ID { title ... value N from DATE cite ... }`: a value that changes by date.
#[derive(Debug, Clone, PartialEq)]
pub struct ParameterDecl {
    /// The parameter's name.
    pub id: Text,
    /// Its title.
    pub title: Vec<Text>,
    /// Its values, each from a day on.
    pub values: Vec<ParameterValue>,
    /// The whole declaration.
    pub span: Span,
}

/// `value N from DATE cite ...`
#[derive(Debug, Clone, PartialEq)]
pub struct ParameterValue {
    /// The value.
    pub value: Spanned<u64>,
    /// The first day it is in force, as written.
    pub from: Text,
    /// The last day it is in force, as written; without it, until the next value.
    pub until: Option<Text>,
    /// Where it comes from.
    pub citations: Vec<CiteClause>,
    /// The whole clause.
    pub span: Span,
}

/// `penalty ID { ... branches ... }`: a penalty schedule.
#[derive(Debug, Clone, PartialEq)]
pub struct PenaltyDecl {
    /// The schedule's name.
    pub id: Text,
    /// Its title.
    pub title: Vec<Text>,
    /// Its period in force.
    pub in_force: Vec<Spanned<InForce>>,
    /// Its legal sources.
    pub citations: Vec<CiteClause>,
    /// The branches, tried in order.
    pub branches: Vec<Branch>,
    /// The whole declaration.
    pub span: Span,
}

/// `when COND and COND: article "..." SANCTION` or `otherwise: ...`
#[derive(Debug, Clone, PartialEq)]
pub struct Branch {
    /// The conditions, all of which must hold; empty for `otherwise`.
    pub conditions: Vec<Spanned<PenaltyCond>>,
    /// The article and part the sanction comes from.
    pub article: Text,
    /// The sanction.
    pub sanction: Spanned<Sanction>,
    /// The whole branch.
    pub span: Span,
}

/// A condition of a penalty branch.
#[derive(Debug, Clone, PartialEq)]
pub enum PenaltyCond {
    /// `days_late at_most 3`
    DaysLate(Compare, u32),
    /// `repeated "518" within 12 months`
    Repeated {
        /// The article prefix of earlier penalties that make this one a repeat.
        article: Text,
        /// How far back.
        months: u32,
    },
    /// `host is individual`
    Is(IsCond),
    /// `age under 16`: the bearer is younger on the day of the violation
    AgeUnder(u32),
}

/// What a penalty branch imposes.
#[derive(Debug, Clone, PartialEq)]
pub enum Sanction {
    /// `warning`
    Warning,
    /// `fine ...`
    Fine(FineAmount),
    /// `warning or fine ...`
    WarningOrFine(FineAmount),
    /// `no_penalty`
    NoPenalty,
}

/// A fine in MCI, flat or by host size.
#[derive(Debug, Clone, PartialEq)]
pub enum FineAmount {
    /// `fine 10 mci` or `fine 10 to 40 mci`
    Flat(Amount),
    /// `fine small 10, medium 15, large 20 mci`
    BySize(Vec<(Text, Amount)>),
}

/// `N` or `N to M` MCI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Amount {
    /// The least.
    pub min: u32,
    /// The most.
    pub max: u32,
}

/// `rule ID { ... }`
#[derive(Debug, Clone, PartialEq)]
pub struct RuleDecl {
    /// The catalog id.
    pub id: Text,
    /// The clauses, in file order.
    pub clauses: Vec<Spanned<RuleClause>>,
    /// The whole declaration.
    pub span: Span,
}

/// One clause of a rule.
#[derive(Debug, Clone, PartialEq)]
pub enum RuleClause {
    /// `title "..."`
    Title(Text),
    /// `in_force from ... until ...`
    InForce(InForce),
    /// `cite ...`
    Cite(CiteClause),
    /// `bearer host`
    Bearer(Text),
    /// `action "..."`
    Action(Text),
    /// `on entry or return`
    On(Vec<Text>),
    /// `when COND`: the rule applies only when it holds.
    When(Spanned<Cond>),
    /// `unless COND because "..."`
    Unless(Unless),
    /// `penalty ID`
    Penalty(Text),
    /// `finding SEVERITY "message" when COND`
    Finding(FindingDecl),
    /// `notify within 3 business_days of entry ...`
    Duty(Duty),
    /// `basis "..." at_entry COND while COND cite ...`
    Basis(BasisDecl),
}

/// `basis "words" [at_entry COND] while COND cite ...`: a legal basis of stay.
#[derive(Debug, Clone, PartialEq)]
pub struct BasisDecl {
    /// The basis in words.
    pub name: Text,
    /// Judged on the entry day of the stay.
    pub at_entry: Option<Spanned<Cond>>,
    /// Judged on each day.
    pub while_: Spanned<Cond>,
    /// Its sources.
    pub citations: Vec<CiteClause>,
}

/// An exception that takes a rule away.
#[derive(Debug, Clone, PartialEq)]
pub struct Unless {
    /// When it applies.
    pub condition: Spanned<Cond>,
    /// Why, in words for the exemption.
    pub because: Option<Text>,
    /// Its own sources, when they differ from the rule's.
    pub citations: Vec<CiteClause>,
    /// The whole clause.
    pub span: Span,
}

/// An amnesty: a due day from `from` to `to` of the named rules moves to `until`.
#[derive(Debug, Clone, PartialEq)]
pub struct Extension {
    /// The rules whose due days it moves.
    pub rules: Vec<Text>,
    /// First due day moved.
    pub from: Text,
    /// Last due day moved.
    pub to: Text,
    /// The new due day.
    pub until: Text,
    /// Why, in words.
    pub because: Option<Text>,
    /// Its sources.
    pub citations: Vec<CiteClause>,
}

/// `finding SEVERITY "message" when COND`
#[derive(Debug, Clone, PartialEq)]
pub struct FindingDecl {
    /// `error`, `warning` or `info`.
    pub severity: Text,
    /// The message.
    pub message: Text,
    /// When it is found.
    pub condition: Spanned<Cond>,
}

/// `VERB LIMIT and LIMIT ... when COND unless ...`
#[derive(Debug, Clone, PartialEq)]
pub struct Duty {
    /// What must be done.
    pub verb: Spanned<Verb>,
    /// The deadlines; the earliest wins.
    pub limits: Vec<Spanned<Limit>>,
    /// `or_later LIMIT [issued_in_stay]`: the due day is never before these.
    pub or_later: Vec<(Spanned<Limit>, bool)>,
    /// When this duty applies.
    pub when: Option<Spanned<Cond>>,
    /// Exceptions written on the duty's line.
    pub unless: Vec<Unless>,
    /// The duty's own sources (`cite` after its condition).
    pub citations: Vec<CiteClause>,
}

/// The act that fulfils a duty.
#[derive(Debug, Clone, PartialEq)]
pub enum Verb {
    /// `notify`, `leave`
    Plain(String),
    /// `apply for temporary_residence_permit`
    ApplyFor(Text),
}

/// One deadline of a duty.
#[derive(Debug, Clone, PartialEq)]
pub enum Limit {
    /// `within N UNIT of EVENT or EVENT`
    Within {
        /// N.
        n: u32,
        /// The unit.
        unit: Unit,
        /// The events that trigger the duty.
        triggers: Vec<Text>,
    },
    /// `no_later_than N UNIT before expiry_of DOCUMENT`
    BeforeExpiry {
        /// N.
        n: u32,
        /// The unit.
        unit: Unit,
        /// The document kind whose end triggers the duty.
        document: Text,
    },
    /// `by expiry_of DOCUMENT`
    ByExpiry {
        /// The document kind.
        document: Text,
    },
    /// `by day N of each month from EVENT or EVENT`
    Monthly {
        /// The day of the month (the month's last day when it has fewer).
        day: u32,
        /// The events from whose month the duty recurs.
        triggers: Vec<Text>,
    },
    /// `within N days in any M days`
    Rolling {
        /// The most days allowed.
        days: u32,
        /// The window.
        window: u32,
    },
}

/// A condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    /// `A or B`
    Or(Vec<Spanned<Cond>>),
    /// `A and B`
    And(Vec<Spanned<Cond>>),
    /// `not A`
    Not(Box<Spanned<Cond>>),
    /// `holder_of visa category C3 entries single`
    HolderOf {
        /// The document kind.
        document: Text,
        /// Filters on the document.
        filters: Vec<Spanned<DocFilter>>,
    },
    /// `citizen_of eaeu`, `citizen_of {AZ, UZ}`
    CitizenOf(CountryRef),
    /// `age under 16`
    AgeUnder(u32),
    /// `stay longer_than 30 days`
    StayLongerThan(u32),
    /// `day_of_stay at_most 30`
    DayOfStay(Compare, u32),
    /// `after trp_issued`
    After(Text),
    /// `without_basis`
    WithoutBasis,
    /// `purpose is business`
    Is(IsCond),
    /// `expiry_of passport before expiry_of visa plus 3 months`
    DateBefore(DateExpr, DateExpr),
    /// `days_in_kazakhstan per calendar_year over 120`
    Measure(MeasureCond),
}

/// `SUBJECT is VALUE` or `SUBJECT is {V1, V2}`
#[derive(Debug, Clone, PartialEq)]
pub struct IsCond {
    /// `purpose`, `host`, `host_size`.
    pub subject: Text,
    /// The values, any of which makes it hold.
    pub values: Vec<Text>,
}

/// A set of countries: a named set or literal codes.
#[derive(Debug, Clone, PartialEq)]
pub enum CountryRef {
    /// A declared `set`.
    Named(Text),
    /// `{AZ, UZ}` or `AZ`.
    Literal(Vec<Text>),
}

/// A filter on a document in `holder_of`.
#[derive(Debug, Clone, PartialEq)]
pub enum DocFilter {
    /// `category C3` or `category {C3, B2}`
    Category(Vec<Text>),
    /// `entries single`
    Entries(Text),
    /// `longer_than 12 months`: valid for more than that many months
    LongerThanMonths(u32),
    /// `employer other_than host`: issued to an employer that is not the host
    EmployerOtherThanHost,
}

/// `expiry_of DOCUMENT plus N months`
#[derive(Debug, Clone, PartialEq)]
pub struct DateExpr {
    /// The document kind.
    pub document: Text,
    /// An offset.
    pub plus: Option<(u32, PeriodUnit)>,
    /// The whole expression.
    pub span: Span,
}

/// `MEASURE [under "ARTICLE"] [WINDOW] COMPARE N`
#[derive(Debug, Clone, PartialEq)]
pub struct MeasureCond {
    /// The measure's name.
    pub measure: Text,
    /// An article prefix, for `host_penalties`.
    pub article: Option<Text>,
    /// The window it is measured over.
    pub window: Option<Spanned<Window>>,
    /// The comparison.
    pub compare: Compare,
    /// The bound.
    pub bound: u32,
}
