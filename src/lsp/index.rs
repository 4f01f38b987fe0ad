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
}

impl NameKind {
    /// The declaration's keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            NameKind::Rule => "rule",
            NameKind::Set => "set",
            NameKind::Parameter => "parameter",
            NameKind::Penalty => "penalty",
            NameKind::Source => "source",
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
            Item::Fee(f) => {
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
            RuleClause::Duty(d) => {
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
            | RuleClause::Action(_)
            | RuleClause::On(_) => {}
        }
    }
}
