//! The vocabulary of a rule set: the kinds of events, documents and purposes a case may
//! name, and the verbs that duties start with, as the rule files declare them
//! (`event`, `document`, `purpose`, `verb`). What the evaluator must understand of a kind
//! (an event that opens a stay, a document that is a passport) is a declared role.

use serde::{Deserialize, Serialize};

use crate::source::Span;
use crate::vocab::{
    Citation, DocumentField, DocumentKind, DocumentRole, EventKind, EventRole, Purpose,
};

/// One declared term: its name, title, citations and where it is declared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Term<K> {
    /// The name, as cases and rules write it.
    pub kind: K,
    /// What it is, in a sentence.
    pub title: String,
    /// Where the law speaks of it.
    pub citations: Vec<Citation>,
    /// The declaration's name in its file.
    pub span: Span,
}

/// A declared event kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventTerm {
    /// Name, title, citations.
    pub term: Term<EventKind>,
    /// What the evaluator knows of it.
    pub roles: Vec<EventRole>,
}

/// A declared document kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentTerm {
    /// Name, title, citations.
    pub term: Term<DocumentKind>,
    /// The fields a document of this kind may carry besides its validity.
    pub fields: Vec<DocumentField>,
    /// What the evaluator knows of it.
    pub roles: Vec<DocumentRole>,
}

/// A declared verb: the word a duty starts with, and the event that fulfils it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerbTerm {
    /// `notify`, or for an application the thing applied for (`apply for trp_extension`
    /// is `trp_extension` with `application` set).
    pub name: String,
    /// Whether the verb is written `apply for NAME`.
    pub application: bool,
    /// What doing it means, in a sentence.
    pub title: String,
    /// The event kind that fulfils a duty with this verb.
    pub fulfilled_by: EventKind,
    /// Where the law speaks of it.
    pub citations: Vec<Citation>,
    /// The declaration's name in its file.
    pub span: Span,
}

impl VerbTerm {
    /// The verb as a duty writes it: `notify`, `apply for trp_extension`.
    pub fn written(&self) -> String {
        if self.application {
            format!("apply for {}", self.name)
        } else {
            self.name.clone()
        }
    }
}

/// Everything a rule set declares about the words of its cases.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Vocabulary {
    /// Event kinds, in declaration order.
    pub events: Vec<EventTerm>,
    /// Document kinds, in declaration order.
    pub documents: Vec<DocumentTerm>,
    /// Purposes of a stay, in declaration order.
    pub purposes: Vec<Term<Purpose>>,
    /// Verbs, in declaration order.
    pub verbs: Vec<VerbTerm>,
}

impl Vocabulary {
    /// The declared event kind named `name`.
    pub fn event(&self, name: &str) -> Option<&EventTerm> {
        self.events.iter().find(|e| e.term.kind.as_str() == name)
    }

    /// The declared document kind named `name`.
    pub fn document(&self, name: &str) -> Option<&DocumentTerm> {
        self.documents.iter().find(|d| d.term.kind.as_str() == name)
    }

    /// The declared purpose named `name`.
    pub fn purpose(&self, name: &str) -> Option<&Term<Purpose>> {
        self.purposes.iter().find(|p| p.kind.as_str() == name)
    }

    /// The declared verb written `name` (`apply for` when `application`).
    pub fn verb(&self, name: &str, application: bool) -> Option<&VerbTerm> {
        self.verbs
            .iter()
            .find(|v| v.name == name && v.application == application)
    }

    /// The event kind that holds `role`.
    pub fn event_with(&self, role: EventRole) -> Option<EventKind> {
        self.events
            .iter()
            .find(|e| e.roles.contains(&role))
            .map(|e| e.term.kind)
    }

    /// The document kinds that hold `role`.
    pub fn documents_with(&self, role: DocumentRole) -> impl Iterator<Item = DocumentKind> + '_ {
        self.documents
            .iter()
            .filter(move |d| d.roles.contains(&role))
            .map(|d| d.term.kind)
    }

    /// Whether the document kind `kind` holds `role`.
    pub fn document_is(&self, kind: DocumentKind, role: DocumentRole) -> bool {
        self.documents
            .iter()
            .any(|d| d.term.kind == kind && d.roles.contains(&role))
    }

    /// The names of the declared event kinds, in declaration order.
    pub fn event_names(&self) -> Vec<&'static str> {
        self.events.iter().map(|e| e.term.kind.as_str()).collect()
    }

    /// The names of the declared document kinds, in declaration order.
    pub fn document_names(&self) -> Vec<&'static str> {
        self.documents
            .iter()
            .map(|d| d.term.kind.as_str())
            .collect()
    }

    /// The names of the declared purposes, in declaration order.
    pub fn purpose_names(&self) -> Vec<&'static str> {
        self.purposes.iter().map(|p| p.kind.as_str()).collect()
    }

    /// The roles of events the evaluator reads, resolved once.
    pub fn event_roles(&self) -> EventRoles {
        EventRoles {
            opens_stay: self.event_with(EventRole::OpensStay),
            closes_stay: self.event_with(EventRole::ClosesStay),
            leaves_region: self.event_with(EventRole::LeavesRegion),
            returns_from_region: self.event_with(EventRole::ReturnsFromRegion),
        }
    }
}

/// The event kinds that hold the evaluator's roles (a compiled rule set has all four).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EventRoles {
    /// `role opens_stay`: an entry.
    pub opens_stay: Option<EventKind>,
    /// `role closes_stay`: an exit.
    pub closes_stay: Option<EventKind>,
    /// `role leaves_region`: a trip to another region.
    pub leaves_region: Option<EventKind>,
    /// `role returns_from_region`: the return from it.
    pub returns_from_region: Option<EventKind>,
}

impl EventRoles {
    /// Whether `kind` opens a stay.
    pub fn opens(&self, kind: EventKind) -> bool {
        self.opens_stay == Some(kind)
    }

    /// Whether `kind` closes a stay.
    pub fn closes(&self, kind: EventKind) -> bool {
        self.closes_stay == Some(kind)
    }

    /// Whether `kind` starts a trip to another region.
    pub fn leaves_region(&self, kind: EventKind) -> bool {
        self.leaves_region == Some(kind)
    }

    /// Whether `kind` ends a trip to another region.
    pub fn returns_from_region(&self, kind: EventKind) -> bool {
        self.returns_from_region == Some(kind)
    }
}
