//! Matching expected items against actual ones: a field-subset match per item, a
//! largest matching per category, and a diff of what does not match.

use super::*;

pub(super) fn numbers_equal(a: &serde_json::Number, b: &serde_json::Number) -> bool {
    match (a.as_i64(), b.as_i64(), a.as_u64(), b.as_u64()) {
        (Some(x), Some(y), _, _) => x == y,
        (_, _, Some(x), Some(y)) => x == y,
        _ => match (a.as_f64(), b.as_f64()) {
            (Some(x), Some(y)) => x == y,
            _ => false,
        },
    }
}

/// Whether an expected value matches an actual one: every field an expected object
/// gives equals the actual object's (a field the actual leaves out counts as `null`),
/// recursively; arrays element by element; numbers by value.
pub fn item_matches(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => e
            .iter()
            .all(|(k, v)| item_matches(v, a.get(k).unwrap_or(&Value::Null))),
        (Value::Array(e), Value::Array(a)) => {
            e.len() == a.len() && e.iter().zip(a).all(|(x, y)| item_matches(x, y))
        }
        (Value::Number(x), Value::Number(y)) => numbers_equal(x, y),
        _ => expected == actual,
    }
}

/// A largest matching of expected to actual items (each used once): for each expected
/// item, the index of its actual item.
pub(super) fn max_matching(expected: &[Value], actual: &[Value]) -> Vec<Option<usize>> {
    let edges: Vec<Vec<usize>> = expected
        .iter()
        .map(|e| {
            actual
                .iter()
                .enumerate()
                .filter(|(_, a)| item_matches(e, a))
                .map(|(i, _)| i)
                .collect()
        })
        .collect();
    let mut owner: Vec<Option<usize>> = vec![None; actual.len()];
    for e in 0..expected.len() {
        let mut seen = vec![false; actual.len()];
        augment(e, &edges, &mut owner, &mut seen);
    }
    let mut out = vec![None; expected.len()];
    for (a, o) in owner.iter().enumerate() {
        if let Some(slot) = o.and_then(|e| out.get_mut(e)) {
            *slot = Some(a);
        }
    }
    out
}

/// Kuhn's augmenting path from expected item `e`.
pub(super) fn augment(
    e: usize,
    edges: &[Vec<usize>],
    owner: &mut [Option<usize>],
    seen: &mut [bool],
) -> bool {
    let Some(candidates) = edges.get(e) else {
        return false;
    };
    for &a in candidates {
        if seen.get(a).copied().unwrap_or(true) {
            continue;
        }
        if let Some(s) = seen.get_mut(a) {
            *s = true;
        }
        let current = owner.get(a).copied().flatten();
        let free = match current {
            None => true,
            Some(other) => augment(other, edges, owner, seen),
        };
        if free {
            if let Some(o) = owner.get_mut(a) {
                *o = Some(e);
            }
            return true;
        }
    }
    false
}

/// How alike an expected and an actual item are: the number of equal leaves; 0 when
/// they name different rules.
pub(super) fn likeness(expected: &Value, actual: &Value) -> usize {
    if let (Some(e), Some(a)) = (expected.get("rule"), actual.get("rule")) {
        if e != a {
            return 0;
        }
    }
    fn leaves(e: &Value, a: &Value) -> usize {
        match (e, a) {
            (Value::Object(em), Value::Object(am)) => em
                .iter()
                .map(|(k, v)| leaves(v, am.get(k).unwrap_or(&Value::Null)))
                .sum(),
            _ => usize::from(item_matches(e, a)),
        }
    }
    leaves(expected, actual) + 1
}

/// The actual value cut down to the fields that `shape` has (a missing field is `null`).
pub(super) fn project(actual: &Value, shape: &Value) -> Value {
    match (shape, actual) {
        (Value::Object(s), Value::Object(a)) => Value::Object(
            s.iter()
                .map(|(k, v)| (k.clone(), project(a.get(k).unwrap_or(&Value::Null), v)))
                .collect(),
        ),
        (Value::Array(s), Value::Array(a)) if s.len() == a.len() => {
            Value::Array(s.iter().zip(a).map(|(x, y)| project(y, x)).collect())
        }
        _ => actual.clone(),
    }
}

/// Both shapes' fields.
pub(super) fn merge_shape(into: &mut Value, other: &Value) {
    match (into, other) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                match a.get_mut(k) {
                    Some(existing) => merge_shape(existing, v),
                    None => {
                        a.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (slot, other) => {
            if !slot.is_object() && other.is_object() {
                *slot = other.clone();
            }
        }
    }
}

/// One category of one test that did not match.
#[derive(Debug, Clone, PartialEq)]
pub struct CategoryFailure {
    /// The category.
    pub category: Category,
    /// A unified diff of the expected items against the actual ones (cut down to the
    /// fields the test asks about).
    pub diff: String,
    /// Expected items no actual item matched.
    pub missing: Vec<Value>,
    /// Actual items no expected item matched (cut down to the usual fields and those the
    /// test asks about).
    pub unexpected: Vec<Value>,
}

/// Compare one category; `None` when it matches exactly.
pub fn compare(
    category: Category,
    expected: &[Value],
    actual: &[Value],
) -> Option<CategoryFailure> {
    compare_with(category, expected, actual, Match::Exact)
}

/// Compare one category the test's way; `None` when it matches: exactly, or (with
/// [`Match::Subset`]) when every expected item has its own actual item.
pub fn compare_with(
    category: Category,
    expected: &[Value],
    actual: &[Value],
    how: Match,
) -> Option<CategoryFailure> {
    let matching = max_matching(expected, actual);
    let matched_actual: BTreeSet<usize> = matching.iter().flatten().copied().collect();
    if matching.iter().all(Option::is_some)
        && (how == Match::Subset || matched_actual.len() == actual.len())
    {
        return None;
    }
    let mut union = category.default_shape();
    for e in expected {
        merge_shape(&mut union, e);
    }
    // Pair the unmatched items that look alike, so that the diff shows the fields
    // that differ side by side.
    let free_expected: Vec<usize> = (0..expected.len())
        .filter(|e| matching.get(*e).copied().flatten().is_none())
        .collect();
    let free_actual: Vec<usize> = (0..actual.len())
        .filter(|a| !matched_actual.contains(a))
        .collect();
    let mut scored: Vec<(usize, usize, usize)> = Vec::new();
    for &e in &free_expected {
        for &a in &free_actual {
            if let (Some(ev), Some(av)) = (expected.get(e), actual.get(a)) {
                let score = likeness(ev, av);
                if score > 0 {
                    scored.push((score, e, a));
                }
            }
        }
    }
    scored.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
    let mut partner_of_actual: Vec<Option<usize>> = vec![None; actual.len()];
    for (e, m) in matching.iter().enumerate() {
        if let Some(slot) = m.and_then(|a| partner_of_actual.get_mut(a)) {
            *slot = Some(e);
        }
    }
    let mut paired_expected: BTreeSet<usize> = BTreeSet::new();
    for (_, e, a) in scored {
        if paired_expected.contains(&e) || partner_of_actual.get(a).copied().flatten().is_some() {
            continue;
        }
        if let Some(slot) = partner_of_actual.get_mut(a) {
            *slot = Some(e);
        }
        paired_expected.insert(e);
    }
    let mut left: Vec<Value> = Vec::new();
    let mut right: Vec<Value> = Vec::new();
    for (a, partner) in partner_of_actual.iter().enumerate() {
        let Some(av) = actual.get(a) else { continue };
        match partner.and_then(|e| expected.get(e)) {
            Some(ev) => {
                left.push(ev.clone());
                right.push(project(av, ev));
            }
            None => right.push(project(av, &union)),
        }
    }
    for e in &free_expected {
        if !paired_expected.contains(e) {
            if let Some(ev) = expected.get(*e) {
                left.push(ev.clone());
            }
        }
    }
    let pretty = |items: Vec<Value>| {
        let mut s = serde_json::to_string_pretty(&Value::Array(items)).unwrap_or_default();
        s.push('\n');
        s
    };
    let (left, right) = (pretty(left), pretty(right));
    let diff = similar::TextDiff::from_lines(&left, &right)
        .unified_diff()
        .context_radius(3)
        .header("expected", "actual")
        .to_string();
    Some(CategoryFailure {
        category,
        diff,
        missing: free_expected
            .iter()
            .filter_map(|e| expected.get(*e).cloned())
            .collect(),
        unexpected: free_actual
            .iter()
            .filter_map(|a| actual.get(*a).map(|v| project(v, &union)))
            .collect(),
    })
}
