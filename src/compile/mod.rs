//! Compile: AST → names resolved, types and static checks → IR ([`crate::ir::Program`]).
//!
//! Every problem in every file is reported at once, each with a stable code, the
//! file, line and column, a label on the exact span and a help line.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use crate::calendar::Calendar;
use crate::diagnostic::suggest::did_you_mean;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::ir::*;
use crate::source::{SourceFile, Span};
use crate::syntax::ast::{self, Text};
use crate::vocab::{Bearer, Citation, Severity};
use crate::vocab::{DocumentKind, Entries, EventKind, HostKind, HostSize, Purpose};

/// The file extension of rule files.
pub const RULE_EXTENSION: &str = "kzr";
/// The file extension of the calendar data file.
pub const CALENDAR_EXTENSION: &str = "kzcal";

/// A compiled program and the warnings found on the way.
#[derive(Debug)]
pub struct Compiled {
    /// The program.
    pub program: Program,
    /// Warnings: the rule set works, but something looks wrong.
    pub warnings: Diagnostics,
}

/// Compile a rule set: every `*.kzr` file and exactly one `*.kzcal` calendar file.
///
/// On failure, every error (and warning) found in every file is returned.
pub fn compile(mut files: Vec<SourceFile>) -> Result<Compiled, Diagnostics> {
    files.sort_by(|a, b| a.name.cmp(&b.name));
    let mut diagnostics = Diagnostics::default();
    let sha256 = rule_set_hash(&files);

    let mut calendar = None;
    let mut calendar_files = 0usize;
    let mut parsed = Vec::new();
    for (index, file) in files.iter().enumerate() {
        let index = u32::try_from(index).unwrap_or(u32::MAX);
        if file.name.ends_with(&format!(".{CALENDAR_EXTENSION}")) {
            calendar_files += 1;
            if calendar_files > 1 {
                diagnostics.push(
                    Diagnostic::without_place(
                        "kzrules::calendar_twice",
                        &file.name,
                        "the rule set has two calendar files",
                    )
                    .help("keep one `*.kzcal` file in the rules folder"),
                );
                continue;
            }
            match Calendar::parse(file, index) {
                Ok(c) => calendar = Some(c),
                Err(errors) => diagnostics.list.extend(errors),
            }
        } else {
            let (ast, errors) = crate::syntax::parse_recovering(index, file);
            for e in errors {
                diagnostics.push(e);
            }
            parsed.push((index, ast));
        }
    }

    let mut lowering = Lowering::new(&files);
    lowering.declare(&parsed);
    lowering.lower(&parsed);
    diagnostics.list.append(&mut lowering.diagnostics.list);

    let calendar = match calendar {
        Some(c) => Some(c),
        // A calendar file with errors has been reported already.
        None if calendar_files > 0 => None,
        None => {
            diagnostics.push(
                Diagnostic::without_place(
                    "kzrules::no_calendar",
                    "rules",
                    "the rule set has no calendar file",
                )
                .help("add the business-day calendar, e.g. copy `rules/calendar.kzcal` into the rules folder"),
            );
            None
        }
    };

    diagnostics.sort();
    if diagnostics.has_errors() {
        // A declaration that failed to parse may have used what now looks unused.
        diagnostics.list.retain(|d| d.code != "kzrules::unused");
        return Err(diagnostics);
    }
    let Some(calendar) = calendar else {
        return Err(diagnostics);
    };
    let program = Program {
        rules: lowering.rules,
        penalties: lowering.penalties,
        parameters: lowering.parameters,
        calendar,
        files,
        sha256,
    };
    Ok(Compiled {
        program,
        warnings: diagnostics,
    })
}

/// SHA-256 over the files' names and texts, in name order.
fn rule_set_hash(files: &[SourceFile]) -> String {
    let mut hasher = Sha256::new();
    for f in files {
        let base = f.name.rsplit('/').next().unwrap_or(&f.name);
        hasher.update(base.as_bytes());
        hasher.update([0]);
        hasher.update(f.text.as_bytes());
        hasher.update([0]);
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Names of things a rule file can declare, for "is a ..., not a ..." messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Source,
    Set,
    Parameter,
    Penalty,
    Rule,
}

impl Kind {
    fn noun(self) -> &'static str {
        match self {
            Kind::Source => "a legal source",
            Kind::Set => "a set of countries",
            Kind::Parameter => "a parameter",
            Kind::Penalty => "a penalty schedule",
            Kind::Rule => "a rule",
        }
    }
}

/// A declared name: its kind and where it is declared.
#[derive(Debug, Clone)]
struct Declared {
    kind: Kind,
    span: Span,
    used: bool,
}

/// The longest window of `within N days in any M days`: ten years. The evaluator counts
/// such a limit day by day, so the bound keeps every check fast.
pub const MAX_WINDOW_DAYS: u32 = 3660;

/// The verbs a duty may start with, and the event that fulfils each.
pub const VERBS: &[(&str, EventKind)] = &[
    ("notify", EventKind::Notification),
    ("leave", EventKind::Exit),
];

/// What `apply for X` may name, and the event that fulfils each.
pub const APPLICATIONS: &[(&str, EventKind)] = &[
    ("temporary_residence_permit", EventKind::TrpApplication),
    ("visa_extension", EventKind::VisaExtensionApplication),
    (
        "work_permit_renewal",
        EventKind::WorkPermitRenewalApplication,
    ),
];

/// The facts an `is` condition may test.
pub const IS_SUBJECTS: &[&str] = &["purpose", "host", "host_size"];

/// The measures a finding may compare.
pub const MEASURES: &[&str] = &[
    "days_in_kazakhstan",
    "region_trip_days_outside_permit_region",
    "host_penalties",
    "blank_pages_of_passport",
];

/// The known names of an enum, for "did you mean".
fn names<T: Copy>(all: &[T], name: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|v| name(*v)).collect()
}

fn find<T: Copy>(all: &[T], name: fn(T) -> &'static str, text: &str) -> Option<T> {
    all.iter().copied().find(|v| name(*v) == text)
}

struct Lowering<'a> {
    files: &'a [SourceFile],
    diagnostics: Diagnostics,
    declared: HashMap<String, Declared>,
    sources: HashMap<String, String>,
    sets: HashMap<String, Vec<(Period, Vec<String>)>>,
    rules: Vec<Rule>,
    penalties: BTreeMap<String, Vec<PenaltySchedule>>,
    parameters: BTreeMap<String, Vec<ParameterValue>>,
}

impl<'a> Lowering<'a> {
    fn new(files: &'a [SourceFile]) -> Self {
        Lowering {
            files,
            diagnostics: Diagnostics::default(),
            declared: HashMap::new(),
            sources: HashMap::new(),
            sets: HashMap::new(),
            rules: Vec::new(),
            penalties: BTreeMap::new(),
            parameters: BTreeMap::new(),
        }
    }

    fn file(&self, span: Span) -> &SourceFile {
        static EMPTY: std::sync::OnceLock<SourceFile> = std::sync::OnceLock::new();
        self.files
            .get(span.file as usize)
            .unwrap_or_else(|| EMPTY.get_or_init(|| SourceFile::new("<unknown>", "")))
    }

    fn error(
        &mut self,
        code: &'static str,
        span: Span,
        message: String,
        label: &str,
        help: String,
    ) {
        let d = Diagnostic::error(code, self.file(span), span, message)
            .label(label)
            .help(help);
        self.diagnostics.push(d);
    }

    fn at(&self, code: &'static str, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(code, self.file(span), span, message)
    }

    /// First pass: every declared name, so that order in and across files does not matter.
    fn declare(&mut self, parsed: &[(u32, ast::File)]) {
        for (_, file) in parsed {
            for item in &file.items {
                let (id, kind) = match item {
                    ast::Item::Source(s) => (&s.id, Kind::Source),
                    ast::Item::Set(s) => (&s.id, Kind::Set),
                    ast::Item::Parameter(p) => (&p.id, Kind::Parameter),
                    ast::Item::Penalty(p) => (&p.id, Kind::Penalty),
                    ast::Item::Rule(r) => (&r.id, Kind::Rule),
                    ast::Item::Exemption(_) | ast::Item::Extension(_) => continue,
                };
                match self.declared.get(&id.node) {
                    Some(previous)
                        if previous.kind == kind
                            && matches!(kind, Kind::Rule | Kind::Penalty | Kind::Set) =>
                    {
                        // Versions: checked for overlapping periods when lowered.
                    }
                    Some(previous) => {
                        let first = self
                            .at(
                                "kzrules::duplicate_name",
                                previous.span,
                                "first declared here",
                            )
                            .label("first declared here");
                        let d = self
                            .at(
                                "kzrules::duplicate_name",
                                id.span,
                                format!("`{}` is declared twice", id.node),
                            )
                            .label("declared again here")
                            .help(format!(
                                "`{}` is already {}; give this one another name",
                                id.node,
                                previous.kind.noun()
                            ))
                            .with_related(first);
                        self.diagnostics.push(d);
                    }
                    None => {
                        self.declared.insert(
                            id.node.clone(),
                            Declared {
                                kind,
                                span: id.span,
                                used: false,
                            },
                        );
                    }
                }
                if let ast::Item::Source(s) = item {
                    self.sources.insert(s.id.node.clone(), s.name.node.clone());
                }
            }
        }
    }

    /// Look a name up as a `kind`; report an unknown name or one of another kind.
    fn resolve(&mut self, name: &Text, kind: Kind) -> bool {
        match self.declared.get_mut(&name.node) {
            Some(d) if d.kind == kind => {
                d.used = true;
                true
            }
            Some(d) => {
                let other = d.kind;
                self.error(
                    "kzrules::type_mismatch",
                    name.span,
                    format!("`{}` is {}, not {}", name.node, other.noun(), kind.noun()),
                    &format!("expected {}", kind.noun()),
                    format!("name {} here", kind.noun()),
                );
                false
            }
            None => {
                let known: Vec<&str> = self
                    .declared
                    .iter()
                    .filter(|(_, d)| d.kind == kind)
                    .map(|(k, _)| k.as_str())
                    .collect();
                let mut known_sorted = known.clone();
                known_sorted.sort_unstable();
                let code = match kind {
                    Kind::Rule => "kzrules::unknown_rule",
                    Kind::Source => "kzrules::unknown_source",
                    Kind::Set => "kzrules::unknown_set",
                    _ => "kzrules::unknown_name",
                };
                let help = format!(
                    "declare it (`{}`) or use a known name: {}",
                    match kind {
                        Kind::Source => "source ID \"name of the act\"",
                        Kind::Set => "set ID { members ... }",
                        Kind::Parameter => "parameter ID { ... }",
                        Kind::Penalty => "penalty ID { ... }",
                        Kind::Rule => "rule ID { ... }",
                    },
                    did_you_mean(&name.node, known_sorted.iter().copied())
                );
                self.error(
                    code,
                    name.span,
                    format!(
                        "unknown {} `{}`",
                        kind.noun().trim_start_matches("a "),
                        name.node
                    ),
                    "not declared",
                    help,
                );
                false
            }
        }
    }

    fn date(&mut self, text: &Text) -> Option<NaiveDate> {
        match NaiveDate::parse_from_str(&text.node, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                self.error(
                    "kzrules::impossible_date",
                    text.span,
                    format!("the date `{}` does not exist", text.node),
                    "no such day",
                    String::from("write a real calendar date as YYYY-MM-DD (months 01-12, days as in that month)"),
                );
                None
            }
        }
    }

    fn period(&mut self, clauses: &[&ast::InForce], owner: Span) -> Period {
        let Some(first) = clauses.first() else {
            return Period::default();
        };
        if clauses.len() > 1 {
            self.error(
                "kzrules::duplicate_clause",
                owner,
                String::from("more than one `in_force` clause"),
                "here",
                String::from("give one `in_force from DATE until DATE`; write another version of the declaration for another period"),
            );
        }
        let from = first.from.as_ref().and_then(|d| self.date(d));
        let until = first.until.as_ref().and_then(|d| self.date(d));
        if let (Some(f), Some(u), Some(text)) = (from, until, first.until.as_ref()) {
            if u < f {
                self.error(
                    "kzrules::empty_period",
                    text.span,
                    format!("the period in force ends on {u}, before it starts on {f}"),
                    "ends before it starts",
                    String::from("swap the dates or correct one of them"),
                );
            }
        }
        Period { from, until }
    }

    fn citations(&mut self, citations: &[ast::CiteClause]) -> Vec<Citation> {
        let mut out = Vec::new();
        for c in citations {
            if self.resolve(&c.source, Kind::Source) {
                out.push(Citation {
                    source: self
                        .sources
                        .get(&c.source.node)
                        .cloned()
                        .unwrap_or_default(),
                    reference: c.reference.node.clone(),
                    seed: c.seed.as_ref().map(|s| s.node.clone()),
                });
            }
        }
        out
    }

    fn lower(&mut self, parsed: &[(u32, ast::File)]) {
        // Three passes, so that order in and across files does not matter: first what
        // rules refer to, then the rules, then what refers to rules.
        let items = || parsed.iter().flat_map(|(_, file)| file.items.iter());
        for item in items() {
            match item {
                ast::Item::Set(s) => self.set(s),
                ast::Item::Parameter(p) => self.parameter(p),
                ast::Item::Penalty(p) => self.penalty(p),
                _ => {}
            }
        }
        for item in items() {
            if let ast::Item::Rule(r) = item {
                self.rule(r);
            }
        }
        for item in items() {
            match item {
                ast::Item::Exemption(e) => self.exemption(e),
                ast::Item::Extension(e) => self.extension(e),
                _ => {}
            }
        }
        self.check_versions();
        self.check_references();
        self.rules
            .sort_by(|a, b| (&a.id, a.period.from).cmp(&(&b.id, b.period.from)));
    }

    /// An error for a country code that no country has (`UK`, `XX`).
    fn check_country(&mut self, code: &Text) -> bool {
        if crate::vocab::is_country(&code.node) {
            return true;
        }
        let help = match crate::vocab::country_suggestion(&code.node) {
            Some(better) => format!(
                "did you mean `{better}` ({})? Write the country's ISO 3166-1 alpha-2 code",
                crate::vocab::country_name(better).unwrap_or_default()
            ),
            None => {
                String::from("write an assigned ISO 3166-1 alpha-2 code, e.g. `KZ`, `RU`, `GB`")
            }
        };
        self.error(
            "kzrules::unknown_country",
            code.span,
            format!(
                "`{}` is not a country: no country has that ISO 3166-1 code",
                code.node
            ),
            "not an assigned country code",
            help,
        );
        false
    }

    fn set(&mut self, s: &ast::SetDecl) {
        let mut members = Vec::new();
        for m in &s.members {
            if !self.check_country(m) {
                continue;
            }
            if members.contains(&m.node) {
                self.error(
                    "kzrules::duplicate_member",
                    m.span,
                    format!("`{}` is listed twice in set `{}`", m.node, s.id.node),
                    "listed again",
                    String::from("remove one of them"),
                );
            } else {
                members.push(m.node.clone());
            }
        }
        members.sort();
        if s.citations.is_empty() {
            self.error(
                "kzrules::no_citation",
                s.id.span,
                format!("set `{}` cites no source", s.id.node),
                "no `cite`",
                String::from(
                    "add `cite SOURCE \"article\" seed \"file\"` naming where the list comes from",
                ),
            );
        }
        self.citations(&s.citations);
        let in_force: Vec<&ast::InForce> = s.in_force.iter().map(|i| &i.node).collect();
        let period = self.period(&in_force, s.id.span);
        let versions = self.sets.entry(s.id.node.clone()).or_default();
        if let Some((other, _)) = versions.iter().find(|(p, _)| p.overlaps(&period)) {
            let message = format!(
                "two versions of set `{}` are in force on the same days ({} and {})",
                s.id.node,
                other.describe(),
                period.describe()
            );
            let d = self
                .at("kzrules::overlap", s.id.span, message)
                .label("this version")
                .help("give the versions `in_force` periods that do not overlap");
            self.diagnostics.push(d);
            return;
        }
        versions.push((period, members));
    }

    fn parameter(&mut self, p: &ast::ParameterDecl) {
        // Each value with the places of the clause, its `from` and its end (`until`, or
        // the clause).
        let mut values: Vec<(ParameterValue, (Span, Span, Span))> = Vec::new();
        for v in &p.values {
            let Some(from) = self.date(&v.from) else {
                continue;
            };
            let until = match &v.until {
                None => None,
                Some(text) => {
                    let Some(until) = self.date(text) else {
                        continue;
                    };
                    if until < from {
                        self.error(
                            "kzrules::empty_period",
                            text.span,
                            format!(
                                "the value of `{}` ends on {until}, before it starts on {from}",
                                p.id.node
                            ),
                            "ends before it starts",
                            String::from("write an `until` date on or after the `from` date"),
                        );
                        continue;
                    }
                    Some(until)
                }
            };
            let citations = self.citations(&v.citations);
            if let Some((_, (earlier, _, _))) = values.iter().find(|(e, _)| e.from == from) {
                let first = self
                    .at("kzrules::overlap", *earlier, "the other value")
                    .label("also in force from this day");
                let d = self
                    .at(
                        "kzrules::overlap",
                        v.span,
                        format!("two values of `{}` are in force from {from}", p.id.node),
                    )
                    .label("second value for the same day")
                    .help("keep one value per day; a later value starts with its own `from` date")
                    .with_related(first);
                self.diagnostics.push(d);
                continue;
            }
            values.push((
                ParameterValue {
                    value: v.value.node,
                    from,
                    until,
                    citations: citations.into(),
                },
                (
                    v.span,
                    v.from.span,
                    v.until.as_ref().map_or(v.span, |u| u.span),
                ),
            ));
        }
        values.sort_by_key(|(v, _)| v.from);
        for pair in values.windows(2) {
            let [(first, (_, _, until_span)), (next, (_, next_from, _))] = pair else {
                continue;
            };
            if first.until.is_some_and(|until| until >= next.from) {
                let other = self
                    .at("kzrules::overlap", *next_from, "the next value starts here")
                    .label("the next value's first day");
                let d = self
                    .at(
                        "kzrules::overlap",
                        *until_span,
                        format!(
                            "a value of `{}` is still in force on {}, when the next one starts",
                            p.id.node, next.from
                        ),
                    )
                    .label("its `until` reaches into the next value")
                    .help("end the value (`until`) before the next value's `from` date")
                    .with_related(other);
                self.diagnostics.push(d);
            }
        }
        let values: Vec<ParameterValue> = values.into_iter().map(|(v, _)| v).collect();
        self.parameters.insert(p.id.node.clone(), values);
    }

    fn is_values(&mut self, cond: &ast::IsCond) -> Option<Cond> {
        let subject = cond.subject.node.as_str();
        match subject {
            "purpose" => {
                let values =
                    self.enum_values(&cond.values, Purpose::ALL, Purpose::as_str, "purpose")?;
                Some(Cond::Purpose(values))
            }
            "host" => {
                let values =
                    self.enum_values(&cond.values, HostKind::ALL, HostKind::as_str, "host kind")?;
                Some(Cond::HostKind(values))
            }
            "host_size" => {
                let values =
                    self.enum_values(&cond.values, HostSize::ALL, HostSize::as_str, "host size")?;
                Some(Cond::HostSize(values))
            }
            _ => {
                self.error(
                    "kzrules::unknown_fact",
                    cond.subject.span,
                    format!("unknown fact `{subject}`"),
                    "not a fact of a case",
                    did_you_mean(subject, IS_SUBJECTS.iter().copied()),
                );
                None
            }
        }
    }

    fn enum_values<T: Copy>(
        &mut self,
        values: &[Text],
        all: &[T],
        name: fn(T) -> &'static str,
        what: &str,
    ) -> Option<Vec<T>> {
        let mut out = Vec::new();
        let mut ok = true;
        for v in values {
            match find(all, name, &v.node) {
                Some(x) => out.push(x),
                None => {
                    ok = false;
                    self.error(
                        "kzrules::type_mismatch",
                        v.span,
                        format!("`{}` is not a {what}", v.node),
                        &format!("expected a {what}"),
                        did_you_mean(&v.node, names(all, name).iter().copied()),
                    );
                }
            }
        }
        ok.then_some(out)
    }

    fn document(&mut self, text: &Text) -> Option<DocumentKind> {
        let found = find(DocumentKind::ALL, DocumentKind::as_str, &text.node);
        if found.is_none() {
            self.error(
                "kzrules::unknown_document",
                text.span,
                format!("unknown document kind `{}`", text.node),
                "not a document kind",
                did_you_mean(
                    &text.node,
                    names(DocumentKind::ALL, DocumentKind::as_str)
                        .iter()
                        .copied(),
                ),
            );
        }
        found
    }

    fn event(&mut self, text: &Text) -> Option<EventKind> {
        let found = find(EventKind::ALL, EventKind::as_str, &text.node);
        if found.is_none() {
            self.error(
                "kzrules::unknown_event",
                text.span,
                format!("unknown event kind `{}`", text.node),
                "not an event kind",
                did_you_mean(
                    &text.node,
                    names(EventKind::ALL, EventKind::as_str).iter().copied(),
                ),
            );
        }
        found
    }

    fn condition(&mut self, cond: &ast::Spanned<ast::Cond>) -> Option<Cond> {
        match &cond.node {
            ast::Cond::Or(parts) => {
                let lowered: Vec<Option<Cond>> = parts.iter().map(|p| self.condition(p)).collect();
                Some(Cond::Or(lowered.into_iter().collect::<Option<Vec<_>>>()?))
            }
            ast::Cond::And(parts) => {
                let lowered: Vec<Option<Cond>> = parts.iter().map(|p| self.condition(p)).collect();
                Some(Cond::And(lowered.into_iter().collect::<Option<Vec<_>>>()?))
            }
            ast::Cond::Not(inner) => Some(Cond::Not(Box::new(self.condition(inner)?))),
            ast::Cond::HolderOf { document, filters } => {
                let kind = self.document(document);
                let mut categories = Vec::new();
                let mut entries = None;
                for f in filters {
                    match &f.node {
                        ast::DocFilter::Category(codes) => {
                            if kind.is_some() && kind != Some(DocumentKind::Visa) {
                                self.error(
                                    "kzrules::type_mismatch",
                                    f.span,
                                    format!(
                                        "only a visa has a category, not a `{}`",
                                        document.node
                                    ),
                                    "not a visa",
                                    String::from(
                                        "remove the filter or write `holder_of visa category ...`",
                                    ),
                                );
                            }
                            categories.extend(codes.iter().map(|c| c.node.clone()));
                        }
                        ast::DocFilter::Entries(e) => {
                            entries = self
                                .enum_values(
                                    std::slice::from_ref(e),
                                    Entries::ALL,
                                    Entries::as_str,
                                    "number of entries (`single` or `multiple`)",
                                )
                                .and_then(|v| v.first().copied());
                        }
                    }
                }
                Some(Cond::HolderOf {
                    kind: kind?,
                    categories,
                    entries,
                })
            }
            ast::Cond::CitizenOf(r) => match r {
                ast::CountryRef::Named(name) => {
                    if !self.resolve(name, Kind::Set) {
                        return None;
                    }
                    let versions = self.sets.get(&name.node).cloned().unwrap_or_default();
                    Some(Cond::CitizenOf {
                        name: name.node.clone(),
                        versions,
                    })
                }
                ast::CountryRef::Literal(codes) => {
                    for code in codes {
                        self.check_country(code);
                    }
                    let mut members: Vec<String> = codes.iter().map(|c| c.node.clone()).collect();
                    let name = members.join(", ");
                    members.sort();
                    Some(Cond::CitizenOf {
                        name,
                        versions: vec![(Period::default(), members)],
                    })
                }
            },
            ast::Cond::AgeUnder(n) => Some(Cond::AgeUnder(*n)),
            ast::Cond::StayLongerThan(n) => Some(Cond::StayLongerThan(*n)),
            ast::Cond::Is(is) => self.is_values(is),
            ast::Cond::DateBefore(left, right) => {
                let l = self.document(&left.document);
                let r = self.document(&right.document);
                Some(Cond::DateBefore {
                    left: l?,
                    left_plus: left.plus,
                    right: r?,
                    right_plus: right.plus,
                })
            }
            ast::Cond::Measure(m) => {
                let measure = match (m.measure.node.as_str(), &m.article) {
                    ("days_in_kazakhstan", None) => Measure::DaysInKazakhstan,
                    ("region_trip_days_outside_permit_region", None) => {
                        Measure::RegionTripDaysOutsidePermitRegion
                    }
                    ("blank_pages_of_passport", None) => Measure::BlankPagesOfPassport,
                    ("host_penalties", Some(article)) => {
                        Measure::HostPenalties(article.node.clone())
                    }
                    ("host_penalties", None) => {
                        self.error(
                            "kzrules::type_mismatch",
                            m.measure.span,
                            String::from(
                                "`host_penalties` needs the article they were imposed under",
                            ),
                            "which article?",
                            String::from(
                                "write `host_penalties under \"518\" in any 12 months at_least 2`",
                            ),
                        );
                        return None;
                    }
                    (name, Some(article)) if MEASURES.contains(&name) => {
                        self.error(
                            "kzrules::type_mismatch",
                            article.span,
                            format!("`{name}` is not counted under an article"),
                            "not allowed here",
                            String::from(
                                "remove `under \"...\"`; only `host_penalties` takes an article",
                            ),
                        );
                        return None;
                    }
                    (name, _) => {
                        self.error(
                            "kzrules::unknown_fact",
                            m.measure.span,
                            format!("unknown measure `{name}`"),
                            "not a measure",
                            did_you_mean(name, MEASURES.iter().copied()),
                        );
                        return None;
                    }
                };
                let needs_window = !matches!(measure, Measure::BlankPagesOfPassport);
                match (&m.window, needs_window) {
                    (None, true) => {
                        self.error(
                            "kzrules::missing_window",
                            m.measure.span,
                            format!("`{}` needs a period to be counted over", measure.name()),
                            "over which period?",
                            String::from(
                                "add `per calendar_year` or `in any 12 months` after the measure",
                            ),
                        );
                        return None;
                    }
                    (Some(w), false) => {
                        self.error(
                            "kzrules::type_mismatch",
                            w.span,
                            format!("`{}` is not counted over a period", measure.name()),
                            "not allowed here",
                            String::from("remove the period"),
                        );
                        return None;
                    }
                    _ => {}
                }
                Some(Cond::Measure {
                    measure,
                    window: m.window.as_ref().map(|w| w.node),
                    compare: m.compare,
                    bound: m.bound,
                })
            }
        }
    }

    fn exception(&mut self, u: &ast::Unless, rule_citations: &[Citation]) -> Option<Exception> {
        let condition = self.condition(&u.condition)?;
        let mut citations = self.citations(&u.citations);
        if citations.is_empty() {
            citations = rule_citations.to_vec();
        }
        let reason = match &u.because {
            Some(b) => b.node.clone(),
            None => crate::ir::words::condition_words(&condition),
        };
        Some(Exception {
            condition,
            reason,
            citations: citations.into(),
            span: u.span,
        })
    }

    fn penalty(&mut self, p: &ast::PenaltyDecl) {
        let in_force: Vec<&ast::InForce> = p.in_force.iter().map(|i| &i.node).collect();
        let period = self.period(&in_force, p.id.span);
        if p.citations.is_empty() {
            self.error(
                "kzrules::no_citation",
                p.id.span,
                format!("penalty `{}` cites no source", p.id.node),
                "no `cite`",
                String::from("add `cite SOURCE \"art. ... part ...\" seed \"file\"`"),
            );
        }
        let citations = self.citations(&p.citations);
        let mut branches = Vec::new();
        let mut otherwise_seen: Option<Span> = None;
        for b in &p.branches {
            if let Some(earlier) = otherwise_seen {
                let first = self
                    .at("kzrules::unreachable", earlier, "`otherwise` here")
                    .label("catches every case");
                self.diagnostics.push(
                    self.at(
                        "kzrules::unreachable",
                        b.span,
                        "this branch can never apply",
                    )
                    .label("after `otherwise`")
                    .help("move it before the `otherwise` branch")
                    .with_related(first)
                    .warning(),
                );
            }
            if b.conditions.is_empty() {
                otherwise_seen = Some(b.span);
            }
            let mut conditions = Vec::new();
            for c in &b.conditions {
                match &c.node {
                    ast::PenaltyCond::DaysLate(cmp, n) => {
                        conditions.push(PenaltyCond::DaysLate(*cmp, *n))
                    }
                    ast::PenaltyCond::Repeated { article, months } => {
                        conditions.push(PenaltyCond::Repeated {
                            article: article.node.clone(),
                            months: *months,
                        })
                    }
                    ast::PenaltyCond::Is(is) => match self.is_values(is) {
                        Some(Cond::HostKind(v)) => conditions.push(PenaltyCond::HostKind(v)),
                        Some(Cond::HostSize(v)) => conditions.push(PenaltyCond::HostSize(v)),
                        Some(_) => self.error(
                            "kzrules::type_mismatch",
                            is.subject.span,
                            format!("a penalty branch cannot test `{}`", is.subject.node),
                            "not allowed here",
                            String::from(
                                "a branch tests `days_late`, `repeated`, `host` or `host_size`",
                            ),
                        ),
                        None => {}
                    },
                }
            }
            let (warning, amount) = match &b.sanction.node {
                ast::Sanction::Warning => (true, None),
                ast::Sanction::Fine(f) => (false, Some(f)),
                ast::Sanction::WarningOrFine(f) => (true, Some(f)),
            };
            let fine = match amount {
                None => Fine::None,
                Some(ast::FineAmount::Flat(a)) => {
                    self.check_amount(a, b.sanction.span);
                    Fine::Flat([a.min, a.max])
                }
                Some(ast::FineAmount::BySize(sizes)) => {
                    let mut out = Vec::new();
                    for (size, a) in sizes {
                        self.check_amount(a, size.span);
                        if let Some(s) = self
                            .enum_values(
                                std::slice::from_ref(size),
                                HostSize::ALL,
                                HostSize::as_str,
                                "host size",
                            )
                            .and_then(|v| v.first().copied())
                        {
                            out.push((s, [a.min, a.max]));
                        }
                    }
                    Fine::BySize(out)
                }
            };
            branches.push(Branch {
                conditions,
                article: b.article.node.clone(),
                warning,
                fine,
            });
        }
        let schedule = PenaltySchedule {
            id: p.id.node.clone(),
            title: p.title.first().map(|t| t.node.clone()).unwrap_or_default(),
            period,
            citations: citations.into(),
            branches,
            span: p.id.span,
        };
        let versions = self.penalties.entry(p.id.node.clone()).or_default();
        if let Some(other) = versions.iter().find(|v| v.period.overlaps(&period)) {
            let message = format!(
                "two versions of penalty `{}` are in force on the same days ({} and {})",
                p.id.node,
                other.period.describe(),
                period.describe()
            );
            let d = self
                .at("kzrules::overlap", p.id.span, message)
                .label("this version")
                .help("give the versions `in_force` periods that do not overlap");
            self.diagnostics.push(d);
            return;
        }
        versions.push(schedule);
    }

    fn check_amount(&mut self, a: &ast::Amount, span: Span) {
        if a.max < a.min {
            self.error(
                "kzrules::empty_range",
                span,
                format!("the fine `{} to {}` ends below its start", a.min, a.max),
                "empty range",
                String::from("write the smaller amount first"),
            );
        }
    }

    fn rule(&mut self, r: &ast::RuleDecl) {
        let mut titles = Vec::new();
        let mut in_force = Vec::new();
        let mut cites = Vec::new();
        let mut bearers = Vec::new();
        let mut actions = Vec::new();
        let mut on = Vec::new();
        let mut whens = Vec::new();
        let mut unless = Vec::new();
        let mut penalties = Vec::new();
        let mut findings = Vec::new();
        let mut duties = Vec::new();
        for c in &r.clauses {
            match &c.node {
                ast::RuleClause::Title(t) => titles.push(t),
                ast::RuleClause::InForce(i) => in_force.push(i),
                ast::RuleClause::Cite(c) => cites.push(c.clone()),
                ast::RuleClause::Bearer(b) => bearers.push(b),
                ast::RuleClause::Action(a) => actions.push(a),
                ast::RuleClause::On(t) => on.push(t),
                ast::RuleClause::When(w) => whens.push(w),
                ast::RuleClause::Unless(u) => unless.push(u),
                ast::RuleClause::Penalty(p) => penalties.push(p),
                ast::RuleClause::Finding(f) => findings.push(f),
                ast::RuleClause::Duty(d) => duties.push((d, c.span)),
            }
        }
        let id = &r.id;
        if !id
            .node
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            self.error(
                "kzrules::bad_id",
                id.span,
                format!("the rule id `{}` is not a catalog id", id.node),
                "lowercase letters, digits and `_` only",
                String::from("use the id from the catalog (docs/catalog.md)"),
            );
        }
        self.one_of(&titles, "title", id, "title \"what the rule is about\"");
        if cites.is_empty() {
            self.error(
                "kzrules::no_citation",
                id.span,
                format!("rule `{}` cites no source", id.node),
                "no `cite`",
                String::from("add `cite SOURCE \"art. N para. M\" seed \"file\"`: every rule names the article it encodes"),
            );
        }
        let citations = self.citations(&cites);
        let period = self.period(&in_force, id.span);

        let bearer = if duties.is_empty() {
            Bearer::Host
        } else {
            self.one_of(&bearers, "bearer", id, "bearer host");
            self.one_of(&actions, "action", id, "action \"what must be done\"");
            match bearers.first() {
                Some(b) => match b.node.as_str() {
                    "host" => Bearer::Host,
                    "foreigner" => Bearer::Foreigner,
                    "employer" => Bearer::Employer,
                    other => {
                        self.error(
                            "kzrules::type_mismatch",
                            b.span,
                            format!("`{other}` is not a bearer"),
                            "expected a bearer",
                            did_you_mean(other, ["host", "foreigner", "employer"]),
                        );
                        Bearer::Host
                    }
                },
                None => Bearer::Host,
            }
        };

        let mut default_trigger: Option<Vec<EventKind>> = None;
        if let Some(first) = on.first() {
            let kinds: Vec<Option<EventKind>> = first.iter().map(|t| self.event(t)).collect();
            default_trigger = kinds.into_iter().collect();
        }

        let mut lowered_duties = Vec::new();
        for (d, span) in &duties {
            if let Some(duty) = self.duty(d, *span, default_trigger.as_ref()) {
                lowered_duties.push(duty);
            }
        }
        let mut exceptions = Vec::new();
        for (d, _) in &duties {
            for u in &d.unless {
                exceptions.extend(self.exception(u, &citations));
            }
        }
        for u in &unless {
            exceptions.extend(self.exception(u, &citations));
        }
        let when: Vec<Cond> = whens.iter().filter_map(|w| self.condition(w)).collect();

        let mut lowered_findings = Vec::new();
        for f in &findings {
            let severity = match f.severity.node.as_str() {
                "error" => Severity::Error,
                "warning" => Severity::Warning,
                _ => Severity::Info,
            };
            if let Some(condition) = self.condition(&f.condition) {
                lowered_findings.push(FindingRule {
                    severity,
                    message: f.message.node.clone(),
                    condition,
                    span: f.message.span,
                });
            }
        }
        if duties.is_empty() && findings.is_empty() {
            self.error(
                "kzrules::empty_rule",
                id.span,
                format!("rule `{}` has no duty and no finding", id.node),
                "says nothing",
                String::from(
                    "add a duty (e.g. `notify within 3 business_days of entry`) or a `finding`",
                ),
            );
        }

        let mut penalty = None;
        if penalties.len() > 1 {
            self.one_of(&penalties, "penalty", id, "penalty SCHEDULE");
        }
        if let Some(p) = penalties.first() {
            if self.resolve(p, Kind::Penalty) {
                penalty = Some(p.node.clone());
            }
        }

        self.rules.push(Rule {
            id: id.node.clone(),
            title: titles.first().map(|t| t.node.clone()).unwrap_or_default(),
            period,
            citations: citations.into(),
            bearer,
            action: actions.first().map(|a| a.node.clone()).unwrap_or_default(),
            duties: lowered_duties,
            findings: lowered_findings,
            when,
            exceptions,
            penalty,
            extensions: Vec::new(),
            span: id.span,
        });
    }

    fn one_of<T>(&mut self, clauses: &[&ast::Spanned<T>], name: &str, id: &Text, example: &str) {
        if clauses.is_empty() {
            self.error(
                "kzrules::missing_clause",
                id.span,
                format!("rule `{}` has no `{name}`", id.node),
                &format!("no `{name}`"),
                format!("add `{example}`"),
            );
        } else if let Some(second) = clauses.get(1) {
            self.error(
                "kzrules::duplicate_clause",
                second.span,
                format!("rule `{}` has more than one `{name}`", id.node),
                "second one",
                format!("keep one `{name}`"),
            );
        }
    }

    fn duty(
        &mut self,
        d: &ast::Duty,
        span: Span,
        default_trigger: Option<&Vec<EventKind>>,
    ) -> Option<Duty> {
        let fulfilment = match &d.verb.node {
            ast::Verb::Plain(v) => match VERBS.iter().find(|(name, _)| name == v) {
                Some((_, e)) => Some(*e),
                None => {
                    let mut known: Vec<&str> = VERBS.iter().map(|(n, _)| *n).collect();
                    known.push("apply for ...");
                    self.error(
                        "kzrules::unknown_verb",
                        d.verb.span,
                        format!("unknown duty `{v}`"),
                        "not a duty",
                        did_you_mean(v, known),
                    );
                    None
                }
            },
            ast::Verb::ApplyFor(what) => {
                match APPLICATIONS.iter().find(|(name, _)| *name == what.node) {
                    Some((_, e)) => Some(*e),
                    None => {
                        self.error(
                            "kzrules::unknown_verb",
                            what.span,
                            format!("unknown application `{}`", what.node),
                            "nothing to apply for by that name",
                            did_you_mean(&what.node, APPLICATIONS.iter().map(|(n, _)| *n)),
                        );
                        None
                    }
                }
            }
        };
        let mut trigger: Option<Start> = None;
        let mut trigger_failed = false;
        let mut limits = Vec::new();
        for l in &d.limits {
            let (limit, t) = match &l.node {
                ast::Limit::Within { n, unit, triggers } => {
                    let kinds: Vec<Option<EventKind>> =
                        triggers.iter().map(|t| self.event(t)).collect();
                    let kinds: Option<Vec<EventKind>> = kinds.into_iter().collect();
                    trigger_failed |= kinds.is_none();
                    (
                        Limit::Within { n: *n, unit: *unit },
                        kinds.map(Start::Events),
                    )
                }
                ast::Limit::BeforeExpiry { n, unit, document } => {
                    let kind = self.document(document);
                    trigger_failed |= kind.is_none();
                    (
                        Limit::Before { n: *n, unit: *unit },
                        kind.map(Start::Expiry),
                    )
                }
                ast::Limit::ByExpiry { document } => match self.document(document) {
                    Some(k) => (Limit::ByExpiry(k), None),
                    None => continue,
                },
                ast::Limit::Rolling { days, window } => {
                    if *window > MAX_WINDOW_DAYS {
                        self.error(
                            "kzrules::type_mismatch",
                            l.span,
                            format!("a window of {window} days is longer than kzrules counts ({MAX_WINDOW_DAYS} days)"),
                            "window too long",
                            String::from("the law's windows are 180 days or a year: write the window in days, at most ten years"),
                        );
                    }
                    if days > window {
                        self.error(
                            "kzrules::type_mismatch",
                            l.span,
                            format!("{days} days cannot fit in any {window} days"),
                            "impossible limit",
                            String::from("the first number is the most days allowed, the second the window: `within 90 days in any 180 days`"),
                        );
                    }
                    (
                        Limit::Rolling {
                            days: *days,
                            window: *window,
                        },
                        None,
                    )
                }
            };
            if matches!(
                limit,
                Limit::Within { n: 0, .. } | Limit::Rolling { days: 0, .. }
            ) {
                self.error(
                    "kzrules::type_mismatch",
                    l.span,
                    String::from("a deadline of 0 days"),
                    "0 days",
                    String::from("count at least 1 day: the trigger's own day is day 1"),
                );
            }
            if let Some(t) = t {
                if let Some(previous) = &trigger {
                    if *previous != t {
                        self.error(
                            "kzrules::two_triggers",
                            l.span,
                            String::from("a duty has two different triggers"),
                            "second trigger",
                            String::from("one duty counts from one kind of trigger: split it into two duty lines"),
                        );
                    }
                } else {
                    trigger = Some(t);
                }
            }
            limits.push(limit);
        }
        let trigger = match (trigger, default_trigger) {
            (Some(t), _) => Some(t),
            (None, Some(kinds)) => Some(Start::Events(kinds.clone())),
            (None, None) if trigger_failed => None,
            (None, None) => {
                self.error(
                    "kzrules::no_trigger",
                    d.verb.span,
                    String::from("the duty does not say what starts it"),
                    "from when?",
                    String::from("count from an event (`within 30 calendar_days of entry`), or add `on entry` to the rule"),
                );
                None
            }
        };
        let when = match &d.when {
            Some(w) => Some(self.condition(w)?),
            None => None,
        };
        Some(Duty {
            fulfilment: fulfilment?,
            trigger: trigger?,
            limits,
            when,
            span,
        })
    }

    fn extension(&mut self, e: &ast::Extension) {
        let from = self.date(&e.from);
        let to = self.date(&e.to);
        let until = self.date(&e.until);
        let citations = self.citations(&e.citations);
        if e.citations.is_empty() {
            self.error(
                "kzrules::no_citation",
                e.from.span,
                String::from("the amnesty cites no source"),
                "no `cite`",
                String::from("add `cite SOURCE \"decision\" seed \"file\"` naming the decision that grants it"),
            );
        }
        let (Some(from), Some(to), Some(until)) = (from, to, until) else {
            return;
        };
        if to < from {
            self.error(
                "kzrules::empty_period",
                e.to.span,
                format!("the amnesty's period ends on {to}, before it starts on {from}"),
                "ends before it starts",
                String::from("swap the dates or correct one of them"),
            );
        }
        if until < to {
            self.error(
                "kzrules::type_mismatch",
                e.until.span,
                format!(
                    "the amnesty moves due days to {until}, before the last day it covers ({to})"
                ),
                "earlier than the period",
                String::from("an amnesty moves a due day later: `until` is on or after `to`"),
            );
        }
        let extension = Extension {
            from,
            to,
            until,
            reason: e
                .because
                .as_ref()
                .map(|b| b.node.clone())
                .unwrap_or_else(|| String::from("amnesty")),
            citations: citations.into(),
        };
        for rule in &e.rules {
            if !self.resolve(rule, Kind::Rule) {
                continue;
            }
            for r in self.rules.iter_mut().filter(|r| r.id == rule.node) {
                r.extensions.push(extension.clone());
                r.extensions.sort_by_key(|x| x.from);
            }
        }
    }

    fn exemption(&mut self, e: &ast::ExemptionDecl) {
        if !self.resolve(&e.rule, Kind::Rule) {
            return;
        }
        let versions: Vec<usize> = self
            .rules
            .iter()
            .enumerate()
            .filter(|(_, r)| r.id == e.rule.node)
            .map(|(i, _)| i)
            .collect();
        let rule_citations = versions
            .first()
            .and_then(|i| self.rules.get(*i))
            .map(|r| r.citations.clone())
            .unwrap_or_default();
        if let Some(exception) = self.exception(&e.exception, &rule_citations) {
            for i in versions {
                if let Some(r) = self.rules.get_mut(i) {
                    r.exceptions.push(exception.clone());
                }
            }
        }
    }

    fn check_versions(&mut self) {
        let mut by_id: BTreeMap<&str, Vec<&Rule>> = BTreeMap::new();
        for r in &self.rules {
            by_id.entry(r.id.as_str()).or_default().push(r);
        }
        let mut found = Vec::new();
        for versions in by_id.values() {
            for (i, a) in versions.iter().enumerate() {
                for b in versions.iter().skip(i + 1) {
                    if a.period.overlaps(&b.period) {
                        found.push((a.id.clone(), a.span, a.period, b.span, b.period));
                    }
                }
            }
        }
        for (id, first_span, first_period, second_span, second_period) in found {
            let first = self
                .at("kzrules::overlap", first_span, "the other version")
                .label(format!("in force {}", first_period.describe()));
            let same = first_period == second_period;
            let message = if same {
                format!("rule `{id}` is defined twice")
            } else {
                format!(
                    "two versions of rule `{id}` are in force on the same days ({} and {})",
                    first_period.describe(),
                    second_period.describe()
                )
            };
            let d = self
                .at(
                    if same { "kzrules::duplicate_rule" } else { "kzrules::overlap" },
                    second_span,
                    message,
                )
                .label(format!("in force {}", second_period.describe()))
                .help(if same {
                    "remove one, or give each version its own `in_force` period"
                } else {
                    "give the versions `in_force` periods that do not overlap (the later one `from` the day after the earlier one's `until`)"
                })
                .with_related(first);
            self.diagnostics.push(d);
        }
    }

    fn check_references(&mut self) {
        let mut unused: Vec<(String, Declared)> = self
            .declared
            .iter()
            .filter(|(_, d)| !d.used && matches!(d.kind, Kind::Set | Kind::Penalty | Kind::Source))
            .map(|(k, d)| (k.clone(), d.clone()))
            .collect();
        unused.sort_by_key(|(_, d)| (d.span.file, d.span.start));
        for (name, d) in unused {
            let w = self
                .at(
                    "kzrules::unused",
                    d.span,
                    format!("{} `{name}` is never used", d.kind.noun()),
                )
                .label("declared here")
                .help("remove it, or refer to it from a rule")
                .warning();
            self.diagnostics.push(w);
        }
        if !self.penalties.is_empty() && !self.parameters.contains_key("mci") {
            self.diagnostics.push(
                Diagnostic::without_place(
                    "kzrules::missing_parameter",
                    "rules",
                    "penalties are defined but the parameter `mci` is not",
                )
                .help("declare `parameter mci { value N from DATE cite ... }` so that fines can be given in tenge"),
            );
        }
    }
}
