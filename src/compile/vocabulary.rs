//! The vocabulary: `event`, `document`, `purpose` and `verb` declarations lowered to
//! [`crate::ir::Vocabulary`], with their checks (a title and a citation each, known roles
//! and fields, every role the evaluator needs held once), and the lookups by which rules
//! name kinds.

use super::*;
use crate::ir::{DocumentTerm, EventTerm, Term, VerbTerm};
use crate::syntax::ast::{TermClass, TermDecl};
use crate::vocab::{DocumentField, DocumentRole, EventRole};

/// Where the terms of the built-in vocabulary are declared, in a rule set that does not
/// hold their file: no file of it.
pub(super) const BUILTIN: Span = Span {
    file: u32::MAX,
    start: 0,
    end: 0,
};

/// The built-in vocabulary (`rules/vocabulary.kzr`, with the sources it cites), compiled
/// once: the vocabulary of a rule set without a `vocabulary.kzr` of its own. Its terms'
/// spans are [`BUILTIN`].
pub fn builtin_vocabulary() -> &'static Vocabulary {
    static VOCABULARY: std::sync::OnceLock<Vocabulary> = std::sync::OnceLock::new();
    VOCABULARY.get_or_init(|| {
        let files = [
            SourceFile::new(
                "rules/vocabulary.kzr",
                include_str!("../../rules/vocabulary.kzr"),
            ),
            SourceFile::new("rules/sources.kzr", include_str!("../../rules/sources.kzr")),
        ];
        let parsed: Vec<(u32, ast::File)> = files
            .iter()
            .zip(0u32..)
            .map(|(f, i)| (i, crate::syntax::parse_recovering(i, f).0))
            .collect();
        let mut lowering = Lowering::new(&files);
        lowering.declare(&parsed);
        lowering.vocabulary(&parsed);
        let mut vocab = lowering.vocab;
        for e in &mut vocab.events {
            e.term.span = BUILTIN;
        }
        for d in &mut vocab.documents {
            d.term.span = BUILTIN;
        }
        for p in &mut vocab.purposes {
            p.span = BUILTIN;
        }
        for v in &mut vocab.verbs {
            v.span = BUILTIN;
        }
        vocab
    })
}

impl Lowering<'_> {
    /// First of all: the vocabulary, so that rules in any file can name its kinds.
    pub(super) fn vocabulary(&mut self, parsed: &[(u32, ast::File)]) {
        let terms = || {
            parsed
                .iter()
                .flat_map(|(_, file)| file.items.iter())
                .filter_map(|item| match item {
                    ast::Item::Term(t) => Some(t),
                    _ => None,
                })
        };
        let mut seen: HashMap<(TermClass, bool, &str), Span> = HashMap::new();
        for t in terms() {
            if let Some(first) = seen.get(&(t.class, t.application, t.id.node.as_str())) {
                let first = self
                    .at("kzrules::duplicate_name", *first, "first declared here")
                    .label("first declared here");
                self.diagnostics.push(
                    self.at(
                        "kzrules::duplicate_name",
                        t.id.span,
                        format!("{} `{}` is declared twice", t.class.keyword(), t.id.node),
                    )
                    .label("declared again here")
                    .help("delete one of the two declarations")
                    .with_related(first),
                );
                continue;
            }
            seen.insert((t.class, t.application, t.id.node.as_str()), t.id.span);
            if self.builtin_has(t) {
                self.error(
                    "kzrules::duplicate_name",
                    t.id.span,
                    format!(
                        "{} `{}` is in the built-in vocabulary already",
                        t.class.keyword(),
                        t.id.node
                    ),
                    "declared again here",
                    format!(
                        "remove this declaration, or give the rules their own `{VOCABULARY_FILE}` (a copy of `rules/{VOCABULARY_FILE}`) to change the built-in one"
                    ),
                );
                continue;
            }
            self.term_clauses(t);
        }
        // Verbs name events: after every event is known.
        for t in terms().filter(|t| t.class == TermClass::Verb) {
            if seen.get(&(t.class, t.application, t.id.node.as_str())) == Some(&t.id.span) {
                self.verb_term(t);
            }
        }
        self.check_roles(parsed);
    }

    /// Whether the built-in vocabulary (of a rule set without its own) declares `t`'s name.
    fn builtin_has(&self, t: &TermDecl) -> bool {
        let v = &self.vocab;
        let name = t.id.node.as_str();
        match t.class {
            TermClass::Event => v.event(name).is_some_and(|e| e.term.span == BUILTIN),
            TermClass::Document => v.document(name).is_some_and(|d| d.term.span == BUILTIN),
            TermClass::Purpose => v.purpose(name).is_some_and(|p| p.span == BUILTIN),
            TermClass::Verb => v
                .verb(name, t.application)
                .is_some_and(|x| x.span == BUILTIN),
        }
    }

    /// The title, citations and class-specific clauses of one declaration.
    fn term_clauses(&mut self, t: &TermDecl) {
        let keyword = t.class.keyword();
        if t.title.len() != 1 {
            self.error(
                "kzrules::missing_clause",
                t.id.span,
                format!("{keyword} `{}` needs exactly one `title`", t.id.node),
                "one `title`",
                format!("write one `title \"what this {keyword} is\"`"),
            );
        }
        if t.citations.is_empty() {
            self.error(
                "kzrules::no_citation",
                t.id.span,
                format!("{keyword} `{}` cites no source", t.id.node),
                "no `cite`",
                String::from(
                    "add `cite SOURCE \"article\" seed \"file\"`: where the law speaks of it",
                ),
            );
        }
        let title = t.title.first().map(|x| x.node.clone()).unwrap_or_default();
        let citations = self.citations(&t.citations);
        let span = t.id.span;
        match t.class {
            TermClass::Event => {
                let roles = self.roles(&t.roles, EventRole::ALL, EventRole::as_str, "event role");
                self.vocab.events.push(EventTerm {
                    term: Term {
                        kind: EventKind::declare(&t.id.node),
                        title,
                        citations,
                        span,
                    },
                    roles,
                });
            }
            TermClass::Document => {
                let roles = self.roles(
                    &t.roles,
                    DocumentRole::ALL,
                    DocumentRole::as_str,
                    "document role",
                );
                let fields = self.roles(
                    &t.fields,
                    DocumentField::ALL,
                    DocumentField::as_str,
                    "document field",
                );
                self.vocab.documents.push(DocumentTerm {
                    term: Term {
                        kind: DocumentKind::declare(&t.id.node),
                        title,
                        citations,
                        span,
                    },
                    fields,
                    roles,
                });
            }
            TermClass::Purpose => self.vocab.purposes.push(Term {
                kind: Purpose::declare(&t.id.node),
                title,
                citations,
                span,
            }),
            TermClass::Verb => {}
        }
    }

    /// A verb: its fulfilling event, which must be a declared event kind.
    fn verb_term(&mut self, t: &TermDecl) {
        let Some(event) = t.fulfilled_by.first() else {
            self.error(
                "kzrules::missing_clause",
                t.id.span,
                format!("verb `{}` needs `fulfilled_by EVENT`", t.id.node),
                "no `fulfilled_by`",
                String::from(
                    "name the event kind that fulfils the duty, e.g. `fulfilled_by notification`",
                ),
            );
            return;
        };
        let Some(fulfilled_by) = self.event(event) else {
            return;
        };
        let citations = self.citations(&t.citations);
        self.vocab.verbs.push(VerbTerm {
            name: t.id.node.clone(),
            application: t.application,
            title: t.title.first().map(|x| x.node.clone()).unwrap_or_default(),
            fulfilled_by,
            citations,
            span: t.id.span,
        });
    }

    /// Names from a closed list (roles, fields), each reported when unknown or repeated.
    fn roles<T: Copy + PartialEq>(
        &mut self,
        texts: &[Text],
        all: &[T],
        name: fn(T) -> &'static str,
        what: &str,
    ) -> Vec<T> {
        let mut out = Vec::new();
        for text in texts {
            match find(all, name, &text.node) {
                Some(v) if out.contains(&v) => self.error(
                    "kzrules::duplicate_clause",
                    text.span,
                    format!("the {what} `{}` is given twice", text.node),
                    "given again",
                    String::from("remove the second one"),
                ),
                Some(v) => out.push(v),
                None => self.error(
                    "kzrules::unknown_role",
                    text.span,
                    format!("unknown {what} `{}`", text.node),
                    &format!("not {}", crate::english::with_article(what)),
                    did_you_mean(&text.node, names(all, name).iter().copied()),
                ),
            }
        }
        out
    }

    /// Every event role held by exactly one event kind.
    fn check_roles(&mut self, parsed: &[(u32, ast::File)]) {
        for &role in EventRole::ALL {
            let holders: Vec<&EventTerm> = self
                .vocab
                .events
                .iter()
                .filter(|e| e.roles.contains(&role))
                .collect();
            if let [first, second, ..] = holders.as_slice() {
                let (first_span, second_span) = (first.term.span, second.term.span);
                let (a, b) = (first.term.kind, second.term.kind);
                let mut d = self
                    .at(
                        "kzrules::role_twice",
                        second_span,
                        format!("both `{a}` and `{b}` have `role {role}`"),
                    )
                    .label("second holder");
                if first_span == BUILTIN {
                    d = d.help(format!(
                        "`{a}` holds it in the built-in vocabulary: remove the role here, or give the rules their own `{VOCABULARY_FILE}` (a copy of `rules/{VOCABULARY_FILE}`) and move the role there"
                    ));
                } else {
                    let related = self
                        .at("kzrules::role_twice", first_span, "held here")
                        .label("first holder");
                    d = d
                        .help("one event kind holds each role: remove the role from one of them")
                        .with_related(related);
                }
                self.diagnostics.push(d);
            }
        }
        let missing: Vec<&str> = EventRole::ALL
            .iter()
            .filter(|r| self.vocab.event_with(**r).is_none())
            .map(|r| r.as_str())
            .collect();
        if missing.is_empty() {
            return;
        }
        // Point at the first event declaration, else at the start of the first rule file.
        let at = self
            .vocab
            .events
            .first()
            .map(|e| e.term.span)
            .or_else(|| parsed.first().map(|(file, _)| Span::new(*file, 0, 0)));
        let list = missing
            .iter()
            .map(|r| format!("`role {r}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let message = if self.vocab.events.is_empty() {
            String::from("the rule set declares no event kinds")
        } else {
            format!("no event kind has {list}")
        };
        let help = String::from(
            "the evaluator needs an event that opens a stay, one that closes it, and a trip to another region and its return: copy `rules/vocabulary.kzr` into the rules folder, or give the roles, e.g. `event entry { title \"Entry\" role opens_stay cite ... }`",
        );
        let d = match at {
            Some(span) => self
                .at("kzrules::missing_role", span, message)
                .label("roles missing"),
            None => Diagnostic::without_place("kzrules::missing_role", "rules", message),
        };
        self.diagnostics.push(d.help(help));
    }
}
