//! The names of a rule set and every place they are written: declarations (rules, sets,
//! parameters, penalty schedules, sources) and the references to them, read from the
//! syntax trees, so that it works while other parts of the rule set do not compile.

use crate::source::Span;
use crate::syntax::ast::{self, Cond, CountryRef, Item, RuleClause};

/// What a name names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NameKind {
    /// A rule id.
    Rule,
    /// A set of countries.
    Set,
    /// A parameter.
    Parameter,
    /// A penalty schedule.
    Penalty,
    /// A legal source.
    Source,
    /// An event kind of the vocabulary.
    Event,
    /// A document kind of the vocabulary.
    Document,
    /// A purpose of the vocabulary.
    Purpose,
    /// A verb of the vocabulary.
    Verb,
    /// What a duty may apply for (`verb apply for NAME`).
    Application,
}

impl NameKind {
    /// The kind of a vocabulary declaration.
    pub fn of_term(t: &ast::TermDecl) -> NameKind {
        match t.class {
            ast::TermClass::Event => NameKind::Event,
            ast::TermClass::Document => NameKind::Document,
            ast::TermClass::Purpose => NameKind::Purpose,
            ast::TermClass::Verb if t.application => NameKind::Application,
            ast::TermClass::Verb => NameKind::Verb,
        }
    }

    /// The declaration's keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            NameKind::Rule => "rule",
            NameKind::Set => "set",
            NameKind::Parameter => "parameter",
            NameKind::Penalty => "penalty",
            NameKind::Source => "source",
            NameKind::Event => "event",
            NameKind::Document => "document",
            NameKind::Purpose => "purpose",
            NameKind::Verb => "verb",
            NameKind::Application => "verb apply for",
        }
    }
}

/// One place a name is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    /// What it names.
    pub kind: NameKind,
    /// The name.
    pub name: String,
    /// Where the name is written.
    pub span: Span,
    /// For a declaration, the whole declaration; `None` for a reference.
    pub declaration: Option<Span>,
}

impl Occurrence {
    /// Whether this is where the name is declared.
    pub fn is_declaration(&self) -> bool {
        self.declaration.is_some()
    }
}

/// Every name of a rule set, declared and referred to, in file and text order.
#[derive(Debug, Clone, Default)]
pub struct Index {
    /// The occurrences.
    pub occurrences: Vec<Occurrence>,
}

impl Index {
    /// The names of every file's syntax tree.
    pub fn new<'a>(trees: impl IntoIterator<Item = &'a ast::File>) -> Self {
        let mut index = Index::default();
        for tree in trees {
            for item in &tree.items {
                index.item(item);
            }
        }
        index
    }

    /// The occurrence whose name covers byte `offset` of file `file`.
    pub fn at(&self, file: u32, offset: usize) -> Option<&Occurrence> {
        let offset = u32::try_from(offset).unwrap_or(u32::MAX);
        self.occurrences
            .iter()
            .find(|o| o.span.file == file && o.span.start <= offset && offset <= o.span.end)
    }

    /// Every occurrence of a name of a kind.
    pub fn all_of<'a>(
        &'a self,
        kind: NameKind,
        name: &'a str,
    ) -> impl Iterator<Item = &'a Occurrence> + 'a {
        self.occurrences
            .iter()
            .filter(move |o| o.kind == kind && o.name == name)
    }

    /// The declarations of a name of a kind (several for versions).
    pub fn declarations<'a>(
        &'a self,
        kind: NameKind,
        name: &'a str,
    ) -> impl Iterator<Item = &'a Occurrence> + 'a {
        self.all_of(kind, name).filter(|o| o.is_declaration())
    }

    /// The declared names of a kind, sorted, each once.
    pub fn names(&self, kind: NameKind) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .occurrences
            .iter()
            .filter(|o| o.kind == kind && o.is_declaration())
            .map(|o| o.name.as_str())
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    /// Whether any declaration has this name.
    pub fn is_declared(&self, name: &str) -> bool {
        self.occurrences
            .iter()
            .any(|o| o.is_declaration() && o.name == name)
    }

    /// The names of the built-in vocabulary, which a rule folder without a
    /// `vocabulary.kzr` has: declared in no file of it (their spans name no file).
    pub fn add_builtin_vocabulary(&mut self, vocab: &crate::ir::Vocabulary) {
        let nowhere = Span::new(u32::MAX, 0, 0);
        let names = vocab
            .events
            .iter()
            .map(|e| (NameKind::Event, e.term.kind.as_str().to_string()))
            .chain(
                vocab
                    .documents
                    .iter()
                    .map(|d| (NameKind::Document, d.term.kind.as_str().to_string())),
            )
            .chain(
                vocab
                    .purposes
                    .iter()
                    .map(|p| (NameKind::Purpose, p.kind.as_str().to_string())),
            )
            .chain(vocab.verbs.iter().map(|v| {
                let kind = if v.application {
                    NameKind::Application
                } else {
                    NameKind::Verb
                };
                (kind, v.name.clone())
            }));
        for (kind, name) in names {
            self.occurrences.push(Occurrence {
                kind,
                name,
                span: nowhere,
                declaration: Some(nowhere),
            });
        }
    }

    fn declare(&mut self, kind: NameKind, id: &ast::Text, declaration: Span) {
        self.occurrences.push(Occurrence {
            kind,
            name: id.node.clone(),
            span: id.span,
            declaration: Some(declaration),
        });
    }

    fn refer(&mut self, kind: NameKind, name: &ast::Text) {
        self.occurrences.push(Occurrence {
            kind,
            name: name.node.clone(),
            span: name.span,
            declaration: None,
        });
    }

    fn cites(&mut self, citations: &[ast::CiteClause]) {
        for c in citations {
            self.refer(NameKind::Source, &c.source);
        }
    }

    fn unless(&mut self, u: &ast::Unless) {
        self.cond(&u.condition.node);
        self.cites(&u.citations);
    }

    fn cond(&mut self, cond: &Cond) {
        match cond {
            Cond::Or(parts) | Cond::And(parts) => {
                for p in parts {
                    self.cond(&p.node);
                }
            }
            Cond::Not(inner) => self.cond(&inner.node),
            Cond::CitizenOf(CountryRef::Named(set)) => self.refer(NameKind::Set, set),
            Cond::HolderOf { document, .. } => self.refer(NameKind::Document, document),
            Cond::After(event) => self.refer(NameKind::Event, event),
            Cond::DateBefore(left, right) => {
                self.refer(NameKind::Document, &left.document);
                self.refer(NameKind::Document, &right.document);
            }
            Cond::Is(is) if is.subject.node == "purpose" => {
                for v in &is.values {
                    self.refer(NameKind::Purpose, v);
                }
            }
            _ => {}
        }
    }

    fn limit(&mut self, limit: &ast::Limit) {
        match limit {
            ast::Limit::Within { triggers, .. } | ast::Limit::Monthly { triggers, .. } => {
                for t in triggers {
                    self.refer(NameKind::Event, t);
                }
            }
            ast::Limit::BeforeExpiry { document, .. } | ast::Limit::ByExpiry { document } => {
                self.refer(NameKind::Document, document);
            }
            _ => {}
        }
    }

    fn item(&mut self, item: &Item) {
        match item {
            Item::Source(s) => self.declare(NameKind::Source, &s.id, s.id.span.to(s.name.span)),
            Item::Set(s) => {
                self.declare(NameKind::Set, &s.id, s.span);
                self.cites(&s.citations);
            }
            Item::Parameter(p) => {
                self.declare(NameKind::Parameter, &p.id, p.span);
                for v in &p.values {
                    self.cites(&v.citations);
                }
            }
            Item::Penalty(p) => {
                self.declare(NameKind::Penalty, &p.id, p.span);
                self.cites(&p.citations);
            }
            Item::Rule(r) => {
                self.declare(NameKind::Rule, &r.id, r.span);
                for clause in &r.clauses {
                    self.clause(&clause.node);
                }
            }
            Item::Exemption(e) => {
                self.refer(NameKind::Rule, &e.rule);
                self.unless(&e.exception);
            }
            Item::Extension(e) => {
                for r in &e.rules {
                    self.refer(NameKind::Rule, r);
                }
                self.cites(&e.citations);
            }
            Item::Term(t) => {
                let kind = NameKind::of_term(t);
                self.declare(kind, &t.id, t.span);
                for e in &t.fulfilled_by {
                    self.refer(NameKind::Event, e);
                }
                self.cites(&t.citations);
            }
            Item::Fee(f) => {
                for on in &f.on {
                    for e in on {
                        self.refer(NameKind::Event, e);
                    }
                }
                self.cites(&f.citations);
                for c in &f.when {
                    self.cond(&c.node);
                }
            }
        }
    }

    fn clause(&mut self, clause: &RuleClause) {
        match clause {
            RuleClause::Cite(c) => self.cites(std::slice::from_ref(c)),
            RuleClause::Penalty(p) => self.refer(NameKind::Penalty, p),
            RuleClause::When(c) => self.cond(&c.node),
            RuleClause::Unless(u) => self.unless(u),
            RuleClause::Finding(f) => self.cond(&f.condition.node),
            RuleClause::On(events) => {
                for e in events {
                    self.refer(NameKind::Event, e);
                }
            }
            RuleClause::Duty(d) => {
                for l in &d.limits {
                    self.limit(&l.node);
                }
                for (l, _) in &d.or_later {
                    self.limit(&l.node);
                }
                if let Some(w) = &d.when {
                    self.cond(&w.node);
                }
                for u in &d.unless {
                    self.unless(u);
                }
                self.cites(&d.citations);
            }
            RuleClause::Basis(b) => {
                if let Some(c) = &b.at_entry {
                    self.cond(&c.node);
                }
                self.cond(&b.while_.node);
                self.cites(&b.citations);
            }
            RuleClause::Title(_)
            | RuleClause::InForce(_)
            | RuleClause::Bearer(_)
            | RuleClause::Action(_) => {}
        }
    }
}
