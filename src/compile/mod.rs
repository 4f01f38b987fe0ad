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

mod checks;
mod conditions;
mod declarations;
mod rules;
mod vocabulary;
use crate::source::{SourceFile, Span};
use crate::syntax::ast::{self, Text};
use crate::vocab::DocumentField;
use crate::vocab::{Bearer, Citation, Severity};
use crate::vocab::{DocumentKind, Entries, EventKind, HostForm, HostKind, HostSize, Purpose};

/// The file extension of rule files.
pub const RULE_EXTENSION: &str = "kzr";
/// The file extension of the calendar data file.
pub const CALENDAR_EXTENSION: &str = "kzcal";
/// The name of the file that declares a rule set's vocabulary (`event`, `document`,
/// `purpose`, `verb`). A rule set without one has the built-in vocabulary
/// (`rules/vocabulary.kzr`), to which its files may add kinds.
pub const VOCABULARY_FILE: &str = "vocabulary.kzr";

/// Whether a rule file is a vocabulary file, by its name.
pub fn is_vocabulary_file(name: &str) -> bool {
    name.rsplit(['/', '\\', ':']).next().unwrap_or(name) == VOCABULARY_FILE
}

pub use vocabulary::builtin_vocabulary;

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
    if !files.iter().any(|f| is_vocabulary_file(&f.name)) {
        lowering.vocab = builtin_vocabulary().clone();
    }
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
        fees: lowering.fees,
        vocabulary: lowering.vocab,
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
pub fn rule_set_hash(files: &[SourceFile]) -> String {
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

/// The facts an `is` condition may test.
pub const IS_SUBJECTS: &[&str] = &["purpose", "host", "host_size", "host_form"];

/// The measures a finding may compare.
pub const MEASURES: &[&str] = &[
    "days_in_kazakhstan",
    "region_trip_days_outside_permit_region",
    "host_penalties",
    "blank_pages_of_passport",
    "local_content_categories_1_2",
    "local_content_categories_3_4",
    "employees",
];

/// "Did you mean" for a name of the vocabulary; when no declared name is near, how to
/// declare it (`declaration`, e.g. `event hiring { title "..." cite ... }`).
fn help_or_declare(word: &str, known: &[&str], declaration: &str) -> String {
    let help = did_you_mean(word, known.iter().copied());
    if crate::diagnostic::suggest::nearest(word, known.iter().copied()).is_some() {
        help
    } else {
        format!("{help}; a new one is declared in the vocabulary: `{declaration}`")
    }
}

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
    fees: Vec<crate::ir::Fee>,
    vocab: Vocabulary,
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
            fees: Vec::new(),
            vocab: Vocabulary::default(),
        }
    }

    pub(super) fn file(&self, span: Span) -> &SourceFile {
        static EMPTY: std::sync::OnceLock<SourceFile> = std::sync::OnceLock::new();
        self.files
            .get(span.file as usize)
            .unwrap_or_else(|| EMPTY.get_or_init(|| SourceFile::new("<unknown>", "")))
    }

    pub(super) fn error(
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

    pub(super) fn at(
        &self,
        code: &'static str,
        span: Span,
        message: impl Into<String>,
    ) -> Diagnostic {
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
                    ast::Item::Exemption(_)
                    | ast::Item::Extension(_)
                    | ast::Item::Fee(_)
                    | ast::Item::Term(_) => continue,
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
    pub(super) fn resolve(&mut self, name: &Text, kind: Kind) -> bool {
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

    pub(super) fn date(&mut self, text: &Text) -> Option<NaiveDate> {
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

    pub(super) fn period(&mut self, clauses: &[&ast::InForce], owner: Span) -> Period {
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

    pub(super) fn citations(&mut self, citations: &[ast::CiteClause]) -> Vec<Citation> {
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
        // rules refer to, then the rules, then what refers to rules. The vocabulary
        // comes before all of them.
        self.vocabulary(parsed);
        let items = || parsed.iter().flat_map(|(_, file)| file.items.iter());
        for item in items() {
            match item {
                ast::Item::Set(s) => self.set(s),
                ast::Item::Parameter(p) => self.parameter(p),
                ast::Item::Penalty(p) => self.penalty(p),
                ast::Item::Fee(f) => self.fee(f),
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
}
