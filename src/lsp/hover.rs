//! Hover: what the word under the cursor is. A rule (title, versions, bearer, action,
//! citations), a set (members per version), a parameter (values by date), a penalty
//! schedule (branches), a source (its act), a keyword (docs/language.md), a document or
//! event kind, a country code.

use std::fmt::Write as _;

use crate::syntax::ast::{self, CiteClause, InForce, Item, RuleClause, Spanned};

use super::index::NameKind;
use super::words::keyword_help;
use super::workspace::Analysis;

/// The word of `text` around byte `offset` (letters, digits, `_`) and where it starts.
pub fn word_at(text: &str, offset: usize) -> Option<(usize, &str)> {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let offset = offset.min(text.len());
    let before = text.get(..offset)?;
    let start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| ident(*c))
        .last()
        .map_or(offset, |(i, _)| i);
    let after = text.get(offset..)?;
    let end = offset + after.find(|c: char| !ident(c)).unwrap_or(after.len());
    let word = text.get(start..end)?;
    (!word.is_empty()).then_some((start, word))
}

/// The hover text (Markdown) at byte `offset` of document `file`.
pub fn hover(analysis: &Analysis, file: u32, offset: usize) -> Option<String> {
    if let Some(o) = analysis.index.at(file, offset) {
        return symbol(analysis, o.kind, &o.name);
    }
    let doc = analysis.of_span(file)?;
    let (_, word) = word_at(doc.text(), offset)?;
    if word.len() == 2 && crate::vocab::is_country(word) {
        let name = crate::vocab::country_name(word)?;
        let sets: Vec<String> = sets(analysis)
            .filter(|s| s.members.iter().any(|m| m.node == word))
            .map(|s| format!("`{}`{}", s.id.node, period(&s.in_force)))
            .collect();
        let mut out = format!("**{word}**: {name} (ISO 3166-1 alpha-2)");
        if !sets.is_empty() {
            let _ = write!(out, "\n\nmember of {}", sets.join(", "));
        }
        return Some(out);
    }
    for kind in [NameKind::Event, NameKind::Document, NameKind::Purpose] {
        if analysis.index.declarations(kind, word).next().is_some() {
            return symbol(analysis, kind, word);
        }
    }
    keyword_help(word).map(|help| format!("**`{word}`** (keyword)\n\n{help}"))
}

fn trees(analysis: &Analysis) -> impl Iterator<Item = &Item> {
    analysis
        .documents
        .iter()
        .filter_map(|d| d.tree.as_ref())
        .flat_map(|t| t.items.iter())
}

fn sets(analysis: &Analysis) -> impl Iterator<Item = &ast::SetDecl> {
    trees(analysis).filter_map(|i| match i {
        Item::Set(s) => Some(s),
        _ => None,
    })
}

/// ` (in force from A until B)`, or nothing for no period.
fn period(in_force: &[Spanned<InForce>]) -> String {
    let Some(p) = in_force.first() else {
        return String::new();
    };
    let mut out = String::from(" (in force");
    if let Some(from) = &p.node.from {
        let _ = write!(out, " from {}", from.node);
    }
    if let Some(until) = &p.node.until {
        let _ = write!(out, " until {}", until.node);
    }
    out.push(')');
    out
}

fn source_title<'a>(analysis: &'a Analysis, id: &str) -> Option<&'a str> {
    trees(analysis).find_map(|i| match i {
        Item::Source(s) if s.id.node == id => Some(s.name.node.as_str()),
        _ => None,
    })
}

fn citations(analysis: &Analysis, cites: &[&CiteClause], out: &mut String) {
    if cites.is_empty() {
        return;
    }
    out.push_str("\n\ncitations:");
    for c in cites {
        let title = source_title(analysis, &c.source.node).unwrap_or("(not declared)");
        let _ = write!(
            out,
            "\n- {} (`{}`), {}",
            title, c.source.node, c.reference.node
        );
        if let Some(seed) = &c.seed {
            let _ = write!(out, ", seed `{}`", seed.node);
        }
    }
}

/// A term of the built-in vocabulary (of a rule folder without its own).
fn builtin_term(kind: NameKind, name: &str) -> Option<String> {
    let v = crate::compile::builtin_vocabulary();
    let (title, roles, citations): (&str, Vec<&str>, &[crate::vocab::Citation]) = match kind {
        NameKind::Event => {
            let e = v.event(name)?;
            let roles = e.roles.iter().map(|r| r.as_str()).collect();
            (&e.term.title, roles, &e.term.citations)
        }
        NameKind::Document => {
            let d = v.document(name)?;
            let roles = d.roles.iter().map(|r| r.as_str()).collect();
            (&d.term.title, roles, &d.term.citations)
        }
        NameKind::Purpose => {
            let p = v.purpose(name)?;
            (&p.title, Vec::new(), &p.citations)
        }
        NameKind::Verb | NameKind::Application => {
            let x = v.verb(name, kind == NameKind::Application)?;
            (&x.title, Vec::new(), &x.citations)
        }
        _ => return None,
    };
    let mut out = format!(
        "**{} `{name}`** (built-in vocabulary): {title}",
        kind.keyword()
    );
    if !roles.is_empty() {
        let words: Vec<String> = roles.iter().map(|r| format!("`{r}`")).collect();
        let _ = write!(out, "\n\nrole: {}", words.join(", "));
    }
    if !citations.is_empty() {
        out.push_str("\n\ncitations:");
        for c in citations {
            let _ = write!(out, "\n- {}, {}", c.source, c.reference);
            if let Some(seed) = &c.seed {
                let _ = write!(out, ", seed `{seed}`");
            }
        }
    }
    Some(out)
}

fn titles(title: &[ast::Text]) -> String {
    title
        .first()
        .map_or(String::new(), |t| format!(": {}", t.node))
}

/// The text a span covers, on one line.
fn snippet(analysis: &Analysis, span: ast::Span) -> String {
    analysis
        .of_span(span.file)
        .and_then(|d| d.text().get(span.start as usize..span.end as usize))
        .unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn symbol(analysis: &Analysis, kind: NameKind, name: &str) -> Option<String> {
    let mut out = String::new();
    match kind {
        NameKind::Rule => {
            for r in trees(analysis).filter_map(|i| match i {
                Item::Rule(r) if r.id.node == name => Some(r),
                _ => None,
            }) {
                let mut title = String::new();
                let mut in_force = Vec::new();
                let mut cites = Vec::new();
                let mut lines = Vec::new();
                for c in &r.clauses {
                    match &c.node {
                        RuleClause::Title(t) => title = format!(": {}", t.node),
                        RuleClause::InForce(p) => in_force.push(Spanned::new(p.clone(), c.span)),
                        RuleClause::Cite(cite) => cites.push(cite),
                        RuleClause::Bearer(b) => lines.push(format!("bearer: {}", b.node)),
                        RuleClause::Action(a) => lines.push(format!("action: {}", a.node)),
                        RuleClause::Penalty(p) => lines.push(format!("penalty: `{}`", p.node)),
                        _ => {}
                    }
                }
                if !out.is_empty() {
                    out.push_str("\n\n---\n\n");
                }
                let _ = write!(
                    out,
                    "**rule `{name}`**{title}\n\nversion{}",
                    period(&in_force)
                );
                if in_force.is_empty() {
                    out.push_str(" (in force always)");
                }
                for l in lines {
                    let _ = write!(out, "\n\n{l}");
                }
                citations(analysis, &cites, &mut out);
            }
        }
        NameKind::Set => {
            for s in sets(analysis).filter(|s| s.id.node == name) {
                if !out.is_empty() {
                    out.push_str("\n\n---\n\n");
                }
                let members: Vec<&str> = s.members.iter().map(|m| m.node.as_str()).collect();
                let _ = write!(
                    out,
                    "**set `{name}`**{}\n\nversion{}: {} member{}: {}",
                    titles(&s.title),
                    if s.in_force.is_empty() {
                        String::from(" (in force always)")
                    } else {
                        period(&s.in_force)
                    },
                    members.len(),
                    if members.len() == 1 { "" } else { "s" },
                    members.join(", ")
                );
                citations(analysis, &s.citations.iter().collect::<Vec<_>>(), &mut out);
            }
        }
        NameKind::Parameter => {
            for p in trees(analysis).filter_map(|i| match i {
                Item::Parameter(p) if p.id.node == name => Some(p),
                _ => None,
            }) {
                let _ = write!(
                    out,
                    "**parameter `{name}`**{}\n\n| value | from | until |\n|---|---|---|",
                    titles(&p.title)
                );
                for (i, v) in p.values.iter().enumerate() {
                    // Without `until`, a value holds until the next one; the last, for ever.
                    let open = if i + 1 == p.values.len() {
                        "no end"
                    } else {
                        "the next value"
                    };
                    let _ = write!(
                        out,
                        "\n| {} | {} | {} |",
                        v.value.node,
                        v.from.node,
                        v.until.as_ref().map_or(open, |u| u.node.as_str())
                    );
                }
            }
        }
        NameKind::Penalty => {
            for p in trees(analysis).filter_map(|i| match i {
                Item::Penalty(p) if p.id.node == name => Some(p),
                _ => None,
            }) {
                if !out.is_empty() {
                    out.push_str("\n\n---\n\n");
                }
                let _ = write!(
                    out,
                    "**penalty schedule `{name}`**{}\n\nversion{}; branches, tried in order:\n",
                    titles(&p.title),
                    if p.in_force.is_empty() {
                        String::from(" (in force always)")
                    } else {
                        period(&p.in_force)
                    },
                );
                for b in &p.branches {
                    let _ = write!(out, "\n1. `{}`", snippet(analysis, b.span));
                }
                citations(analysis, &p.citations.iter().collect::<Vec<_>>(), &mut out);
            }
        }
        NameKind::Event
        | NameKind::Document
        | NameKind::Purpose
        | NameKind::Verb
        | NameKind::Application => {
            let Some(t) = trees(analysis).find_map(|i| match i {
                Item::Term(t) if t.id.node == name && NameKind::of_term(t) == kind => Some(t),
                _ => None,
            }) else {
                return builtin_term(kind, name);
            };
            let _ = write!(out, "**{} `{name}`**{}", kind.keyword(), titles(&t.title));
            for (what, list) in [
                ("role", &t.roles),
                ("fields", &t.fields),
                ("fulfilled by", &t.fulfilled_by),
            ] {
                if !list.is_empty() {
                    let words: Vec<String> = list.iter().map(|x| format!("`{}`", x.node)).collect();
                    let _ = write!(out, "\n\n{what}: {}", words.join(", "));
                }
            }
            citations(analysis, &t.citations.iter().collect::<Vec<_>>(), &mut out);
        }
        NameKind::Source => {
            let title = source_title(analysis, name)?;
            let cited = analysis
                .index
                .all_of(NameKind::Source, name)
                .filter(|o| !o.is_declaration())
                .count();
            let _ = write!(
                out,
                "**source `{name}`**: {title}\n\ncited {cited} time{}",
                if cited == 1 { "" } else { "s" }
            );
        }
    }
    (!out.is_empty()).then_some(out)
}
