//! Completion that knows where the cursor is: the clauses of the block it is in, the
//! kinds after `holder_of`, `of`, `on` and `for`, the declared names after `citizen_of`,
//! `cite`, `penalty`, `exempt from` and `extend`, country codes inside a set's braces,
//! and a snippet for a new rule with its required clauses.

use lsp_types::{CompletionItem, CompletionItemKind, InsertTextFormat};

use crate::vocab::{DocumentField, DocumentRole, EventRole, HostForm, HostKind, HostSize};

use super::index::{Index, NameKind};

/// The block the cursor is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Block {
    /// `rule`, `set`, `parameter` or `penalty`.
    Declaration(&'static str),
    /// A literal set of codes: `{AZ, UZ}` after `citizen_of` or `members`; `category {`.
    Codes { categories: bool },
}

/// What stands before the cursor: the words (strings and comments left out) and the
/// blocks open.
struct Context<'t> {
    words: Vec<&'t str>,
    blocks: Vec<Block>,
    line_start: bool,
}

fn context(text: &str) -> Context<'_> {
    let mut words: Vec<&str> = Vec::new();
    let mut blocks = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '#' => {
                for (_, c) in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '"' => {
                let mut escaped = false;
                for (_, c) in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == '"' || c == '\n' {
                        break;
                    }
                }
                words.push("\"\"");
            }
            '{' => {
                let n = words.len();
                let keyword = n.checked_sub(2).and_then(|k| words.get(k)).copied();
                let block = match keyword {
                    Some("rule") => Block::Declaration("rule"),
                    Some("set") => Block::Declaration("set"),
                    Some("parameter") => Block::Declaration("parameter"),
                    Some("penalty") if blocks.is_empty() => Block::Declaration("penalty"),
                    Some("event") if blocks.is_empty() => Block::Declaration("event"),
                    Some("document") if blocks.is_empty() => Block::Declaration("document"),
                    Some("purpose") if blocks.is_empty() => Block::Declaration("purpose"),
                    Some("verb" | "for") if blocks.is_empty() => Block::Declaration("verb"),
                    _ => Block::Codes {
                        categories: words.last() == Some(&"category"),
                    },
                };
                blocks.push(block);
                words.push("{");
            }
            '}' => {
                blocks.pop();
                words.push("}");
            }
            c if c.is_ascii_alphanumeric() || c == '_' => {
                let mut end = i + c.len_utf8();
                while let Some(&(j, d)) = chars.peek() {
                    if d.is_ascii_alphanumeric() || d == '_' || d == '-' {
                        end = j + d.len_utf8();
                        chars.next();
                    } else {
                        break;
                    }
                }
                words.push(text.get(i..end).unwrap_or(""));
            }
            c if c.is_whitespace() => {}
            _ => words.push(text.get(i..i + c.len_utf8()).unwrap_or("")),
        }
    }
    let line = text.rsplit('\n').next().unwrap_or("");
    Context {
        words,
        blocks,
        line_start: line.trim().is_empty(),
    }
}

fn item(label: &str, kind: CompletionItemKind, detail: &str) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail: (!detail.is_empty()).then(|| detail.to_string()),
        ..CompletionItem::default()
    }
}

fn keywords(words: &[&str]) -> Vec<CompletionItem> {
    words
        .iter()
        .map(|w| item(w, CompletionItemKind::KEYWORD, ""))
        .collect()
}

fn names(index: &Index, kind: NameKind) -> Vec<CompletionItem> {
    let item_kind = match kind {
        NameKind::Rule => CompletionItemKind::FUNCTION,
        NameKind::Set => CompletionItemKind::ENUM,
        NameKind::Parameter => CompletionItemKind::CONSTANT,
        NameKind::Penalty => CompletionItemKind::STRUCT,
        NameKind::Source => CompletionItemKind::MODULE,
        NameKind::Event => CompletionItemKind::EVENT,
        NameKind::Document | NameKind::Purpose => CompletionItemKind::ENUM_MEMBER,
        NameKind::Verb | NameKind::Application => CompletionItemKind::OPERATOR,
    };
    index
        .names(kind)
        .into_iter()
        .map(|n| item(n, item_kind, kind.keyword()))
        .collect()
}

fn values(names: &[&str], what: &str) -> Vec<CompletionItem> {
    names
        .iter()
        .map(|n| item(n, CompletionItemKind::ENUM_MEMBER, what))
        .collect()
}

fn snippet(label: &str, detail: &str, body: &str) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(CompletionItemKind::SNIPPET),
        detail: Some(detail.to_string()),
        insert_text: Some(body.to_string()),
        insert_text_format: Some(InsertTextFormat::SNIPPET),
        ..CompletionItem::default()
    }
}

/// A new rule with the clauses every rule with a duty needs.
const RULE_SNIPPET: &str = "rule ${1:rule_id} {\n  title \"${2:what the rule is about}\"\n  in_force from ${3:2024-01-01}\n  cite ${4:source} \"${5:art. N para. M}\" seed \"${6:seed file}\"\n  bearer ${7|host,foreigner,employer|}\n  action \"${8:what must be done}\"\n\n  ${9:notify} within ${10:3} business_days of ${11:entry}\n}\n";

const CLAUSES: &[&str] = &[
    "title", "in_force", "cite", "bearer", "action", "on", "when", "unless", "finding", "penalty",
    "notify", "leave", "apply",
];
const CONDITIONS: &[&str] = &[
    "holder_of",
    "citizen_of",
    "age",
    "stay",
    "purpose",
    "host",
    "host_size",
    "host_form",
    "expiry_of",
    "days_in_kazakhstan",
    "region_trip_days_outside_permit_region",
    "host_penalties",
    "blank_pages_of_passport",
    "local_content_categories_1_2",
    "local_content_categories_3_4",
    "employees",
    "not",
];

/// The completions for a cursor after `before` (the text up to the cursor). `typed_char`:
/// the client asked because a trigger character (a space, `{`) was typed; then only the
/// places that expect a particular word answer, so that not every space opens a list.
pub fn complete(index: &Index, before: &str, typed_char: bool) -> Vec<CompletionItem> {
    // The word being typed is left out: the client filters by it.
    let typed = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_alphanumeric() || *c == '_')
        .last()
        .map_or(before.len(), |(i, _)| i);
    let ctx = context(before.get(..typed).unwrap_or(""));
    let prev = ctx.words.last().copied().unwrap_or("");
    let prev2 = ctx
        .words
        .len()
        .checked_sub(2)
        .and_then(|i| ctx.words.get(i))
        .copied()
        .unwrap_or("");
    let block = ctx.blocks.last().copied();
    // After `members`, past the codes and commas written so far.
    let code_like =
        |w: &&&str| **w == "," || (!w.is_empty() && w.chars().all(|c| c.is_ascii_uppercase()));
    let listed = ctx.words.iter().rev().take_while(code_like).count();
    let members = ctx
        .words
        .len()
        .checked_sub(listed + 1)
        .and_then(|i| ctx.words.get(i))
        == Some(&"members");
    if let Some(Block::Codes { categories: true }) = block {
        return Vec::new();
    }
    if members || matches!(block, Some(Block::Codes { .. })) {
        return celes::Country::get_countries()
            .iter()
            .filter(|c| crate::vocab::is_country(c.alpha2))
            .map(|c| item(c.alpha2, CompletionItemKind::ENUM_MEMBER, c.long_name))
            .collect();
    }
    let quiet = typed_char && typed == before.len();
    if ctx.line_start && !quiet {
        return match block {
            Some(Block::Declaration("rule")) => keywords(CLAUSES),
            Some(Block::Declaration("set")) => keywords(&["title", "in_force", "members", "cite"]),
            Some(Block::Declaration("parameter")) => keywords(&["title", "value", "cite"]),
            Some(Block::Declaration("event")) => keywords(&["title", "role", "cite"]),
            Some(Block::Declaration("document")) => keywords(&["title", "fields", "role", "cite"]),
            Some(Block::Declaration("purpose")) => keywords(&["title", "cite"]),
            Some(Block::Declaration("verb")) => keywords(&["title", "fulfilled_by", "cite"]),
            Some(Block::Declaration(_)) => {
                keywords(&["title", "in_force", "cite", "when", "otherwise"])
            }
            _ => {
                let mut out = keywords(&[
                    "source",
                    "set",
                    "parameter",
                    "penalty",
                    "rule",
                    "exempt",
                    "extend",
                    "fee",
                    "event",
                    "document",
                    "purpose",
                    "verb",
                ]);
                out.push(snippet(
                    "rule …",
                    "a new rule with its required clauses",
                    RULE_SNIPPET,
                ));
                out
            }
        };
    }
    match (prev2, prev) {
        (_, "holder_of" | "expiry_of") => return names(index, NameKind::Document),
        (_, "of" | "on" | "after" | "fulfilled_by") => return names(index, NameKind::Event),
        ("apply", "for") => return names(index, NameKind::Application),
        (_, "citizen_of") => return names(index, NameKind::Set),
        (_, "cite") => return names(index, NameKind::Source),
        (_, "penalty") if block.is_some() => return names(index, NameKind::Penalty),
        ("exempt", "from") | (_, "extend") => return names(index, NameKind::Rule),
        (_, "bearer") => return values(&["host", "foreigner", "employer"], "bearer"),
        ("work_permit", "employer") => return keywords(&["other_than"]),
        ("employer", "other_than") => return values(&["host"], "the host"),
        ("purpose", "is") => return names(index, NameKind::Purpose),
        ("host", "is") => return values(HostKind::NAMES, "host kind"),
        ("host_size", "is") => return values(HostSize::NAMES, "host size"),
        ("host_form", "is") => return values(HostForm::NAMES, "host form"),
        (_, "entries") => return values(&["single", "multiple"], "entries"),
        (_, "finding") => return values(&["error", "warning", "info"], "severity"),
        (_, "role") if block == Some(Block::Declaration("document")) => {
            return values(DocumentRole::NAMES, "document role")
        }
        (_, "role") => return values(EventRole::NAMES, "event role"),
        (_, "fields") => return values(DocumentField::NAMES, "document field"),
        (_, "when" | "unless" | "and" | "or" | "not") => {
            let mut out = keywords(CONDITIONS);
            if block == Some(Block::Declaration("penalty")) {
                out.extend(keywords(&["days_late", "repeated"]));
            }
            return out;
        }
        _ => {}
    }
    let mut out = Vec::new();
    if quiet || ctx.line_start {
        return out;
    }
    for kind in [
        NameKind::Set,
        NameKind::Penalty,
        NameKind::Source,
        NameKind::Rule,
        NameKind::Parameter,
    ] {
        out.extend(names(index, kind));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names of the built-in vocabulary, as a folder without its own has them.
    fn vocabulary() -> Index {
        let mut index = Index::default();
        index.add_builtin_vocabulary(crate::compile::builtin_vocabulary());
        index
    }

    fn labels(before: &str) -> Vec<String> {
        complete(&vocabulary(), before, false)
            .into_iter()
            .map(|c| c.label)
            .collect()
    }

    #[test]
    fn knows_where_it_is() {
        assert!(
            labels("rule a {\n  notify within 3 business_days of entry unless holder_of ")
                .contains(&String::from("residence_permit"))
        );
        assert!(labels("rule a {\n  ti").contains(&String::from("title")));
        assert!(labels("event e {\n  role ").contains(&String::from("opens_stay")));
        assert!(labels("document d {\n  role ").contains(&String::from("passport")));
        assert!(labels("document d {\n  fields ").contains(&String::from("blank_pages")));
        assert!(labels("document d {\n  fi").contains(&String::from("fields")));
        assert!(labels("verb v {\n  fulfilled_by ").contains(&String::from("notification")));
        assert!(labels("rule a {\n  when purpose is ").contains(&String::from("study")));
        assert!(labels("rule a {\n  on ").contains(&String::from("entry")));
        assert!(labels("set s {\n  members AM, K").contains(&String::from("KG")));
        assert!(labels("set s {\n  title \"a { b\"\n  ").contains(&String::from("members")));
        assert!(labels("rule a {\n  when citizen_of {AM, K").contains(&String::from("KG")));
        assert!(labels("").contains(&String::from("rule …")));
        assert!(
            labels("rule a {\n  finding error \"x\" when holder_of work_permit employer ")
                .contains(&String::from("other_than"))
        );
        assert!(labels("rule a {\n  when host_form is ").contains(&String::from("foreign_branch")));
        assert!(labels("rule a {\n}\n# set {\n").contains(&String::from("rule")));
        // A space typed at the start of a line or after a word that wants nothing in
        // particular opens no list; after `holder_of` it does.
        let index = vocabulary();
        let typed = |before: &str| complete(&index, before, true).len();
        assert_eq!(typed("rule a {\n  "), 0);
        assert_eq!(typed("rule a {\n  title \"x\" "), 0);
        assert_eq!(
            typed("rule a {\n  when holder_of "),
            index.names(NameKind::Document).len()
        );
    }
}
