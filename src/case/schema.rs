//! The JSON Schema of case facts with the rule set's vocabulary: the kinds of events and
//! documents and the purposes are the names the rule files declare, each with its title.

use super::*;

/// Write the vocabulary's names into a generated schema (of the case, the result or the
/// plan): `$defs.EventKind`, `$defs.DocumentKind` and `$defs.Purpose`, where present, list
/// the declared names, each with its title.
pub fn with_vocabulary(schema: &mut schemars::Schema, vocab: &Vocabulary) {
    let Some(defs) = schema.get_mut("$defs").and_then(Value::as_object_mut) else {
        return;
    };
    let events: Vec<(&str, &str)> = vocab
        .events
        .iter()
        .map(|e| (e.term.kind.as_str(), e.term.title.as_str()))
        .collect();
    let documents: Vec<(&str, &str)> = vocab
        .documents
        .iter()
        .map(|d| (d.term.kind.as_str(), d.term.title.as_str()))
        .collect();
    let purposes: Vec<(&str, &str)> = vocab
        .purposes
        .iter()
        .map(|p| (p.kind.as_str(), p.title.as_str()))
        .collect();
    for (name, what, names) in [
        ("EventKind", "What happened: an event kind", events),
        (
            "DocumentKind",
            "What a document is: a document kind",
            documents,
        ),
        ("Purpose", "The purpose of the stay: a purpose", purposes),
    ] {
        let Some(def) = defs.get_mut(name) else {
            continue;
        };
        let one_of: Vec<Value> = names
            .iter()
            .map(|(kind, title)| {
                serde_json::json!({
                    "description": format!("{title}."),
                    "type": "string",
                    "const": kind,
                })
            })
            .collect();
        *def = serde_json::json!({
            "description": format!("{what} the rule set's vocabulary declares (`event`, `document`, `purpose` in `rules/vocabulary.kzr` or the project's own rules)."),
            "oneOf": one_of,
        });
    }
}
