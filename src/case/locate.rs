//! Finding a JSON path in a JSON text (for line and column) and the path at a byte offset.

use super::*;

/// The byte offset of serde_json's error position (line from 1, column = bytes read on the
/// line, so pointing at the last byte read).
pub(crate) fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut start = 0;
    if line > 1 {
        let mut seen = 1;
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                seen += 1;
                if seen == line {
                    start = i + 1;
                    break;
                }
            }
        }
    }
    (start + column.saturating_sub(1)).min(text.len())
}

pub(crate) fn skip_ws(b: &[u8], mut pos: usize) -> usize {
    while matches!(b.get(pos), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        pos += 1;
    }
    pos
}

/// The end of the string starting (at its `"`) at `pos`, if it is closed.
pub(crate) fn skip_string(b: &[u8], pos: usize) -> Option<usize> {
    let mut i = pos + 1;
    loop {
        match b.get(i)? {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
}

/// The end of the array or object starting at `pos` when it closes on the same line within
/// 200 bytes (so that a label can underline it whole); else just past its bracket.
pub(crate) fn short_container_end(b: &[u8], pos: usize) -> usize {
    let mut depth = 0usize;
    let mut i = pos;
    while i < pos + 200 {
        match b.get(i) {
            None | Some(b'\n') => break,
            Some(b'"') => match skip_string(b, i) {
                Some(end) => {
                    i = end;
                    continue;
                }
                None => break,
            },
            Some(b'{' | b'[') => depth += 1,
            Some(b'}' | b']') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i + 1;
                }
            }
            Some(_) => {}
        }
        i += 1;
    }
    pos + 1
}

pub(crate) fn skip_scalar(b: &[u8], mut pos: usize) -> usize {
    while let Some(c) = b.get(pos) {
        if matches!(c, b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r' | b':') {
            break;
        }
        pos += 1;
    }
    pos
}

/// What a scan of the text looks for.
pub(crate) enum Goal<'g> {
    /// The span of the value (or key) at a path.
    Find { target: &'g [Seg], key: bool },
    /// The path where the parser was at a byte offset.
    At(usize),
}

pub(crate) enum Found {
    Span(usize, usize),
    Path(Vec<Seg>),
}

#[derive(Clone, Copy)]
pub(crate) enum ScanState {
    Value,
    ValueOrEnd,
    KeyOrEnd,
    AfterValue,
}

/// A small tolerant JSON scanner that tracks the path; used only to explain errors.
/// Iterative, so deep nesting cannot overflow the stack.
pub(crate) fn scan(text: &str, goal: Goal<'_>) -> Option<Found> {
    let b = text.as_bytes();
    let mut path: Vec<Seg> = Vec::new();
    let mut objects: Vec<bool> = Vec::new();
    let mut pos = 0;
    let mut state = ScanState::Value;
    let give_up = |path: Vec<Seg>, goal: &Goal<'_>| match goal {
        Goal::At(_) => Some(Found::Path(path)),
        Goal::Find { .. } => None,
    };
    loop {
        pos = skip_ws(b, pos);
        if let Goal::At(offset) = goal {
            if pos >= offset {
                return Some(Found::Path(path));
            }
        }
        let Some(&c) = b.get(pos) else {
            return give_up(path, &goal);
        };
        match state {
            ScanState::Value | ScanState::ValueOrEnd => {
                if matches!(state, ScanState::ValueOrEnd) && c == b']' {
                    path.pop();
                    objects.pop();
                    pos += 1;
                    state = ScanState::AfterValue;
                    continue;
                }
                let end = match c {
                    b'{' | b'[' => pos + 1,
                    b'"' => match skip_string(b, pos) {
                        Some(end) => end,
                        None => return give_up(path, &goal),
                    },
                    _ => skip_scalar(b, pos),
                };
                if end == pos {
                    return give_up(path, &goal);
                }
                if let Goal::Find { target, key: false } = goal {
                    if path == target {
                        let end = match c {
                            b'{' | b'[' => short_container_end(b, pos),
                            _ => end,
                        };
                        return Some(Found::Span(pos, end - pos));
                    }
                }
                match c {
                    b'{' => {
                        objects.push(true);
                        state = ScanState::KeyOrEnd;
                    }
                    b'[' => {
                        objects.push(false);
                        path.push(Seg::Index(0));
                        state = ScanState::ValueOrEnd;
                    }
                    _ => state = ScanState::AfterValue,
                }
                pos = end;
            }
            ScanState::KeyOrEnd => {
                if c == b'}' {
                    objects.pop();
                    pos += 1;
                    state = ScanState::AfterValue;
                    continue;
                }
                if c != b'"' {
                    return give_up(path, &goal);
                }
                let Some(end) = skip_string(b, pos) else {
                    return give_up(path, &goal);
                };
                let raw = text.get(pos..end).unwrap_or_default();
                let name = serde_json::from_str::<String>(raw).unwrap_or_default();
                path.push(Seg::Key(name));
                if let Goal::Find { target, key: true } = goal {
                    if path == target {
                        return Some(Found::Span(pos, end - pos));
                    }
                }
                pos = skip_ws(b, end);
                if b.get(pos) != Some(&b':') {
                    return give_up(path, &goal);
                }
                pos += 1;
                state = ScanState::Value;
            }
            ScanState::AfterValue => match objects.last() {
                None => return give_up(path, &goal),
                Some(true) => {
                    path.pop();
                    match c {
                        b',' => state = ScanState::KeyOrEnd,
                        b'}' => {
                            objects.pop();
                            state = ScanState::AfterValue;
                        }
                        _ => return give_up(path, &goal),
                    }
                    pos += 1;
                }
                Some(false) => {
                    match c {
                        b',' => {
                            if let Some(Seg::Index(i)) = path.last_mut() {
                                *i += 1;
                            }
                            state = ScanState::Value;
                        }
                        b']' => {
                            path.pop();
                            objects.pop();
                            state = ScanState::AfterValue;
                        }
                        _ => return give_up(path, &goal),
                    }
                    pos += 1;
                }
            },
        }
    }
}

/// The byte span of the value (or with `key`, the key) at `target` in `text`.
pub fn find_span(text: &str, target: &[Seg], key: bool) -> Option<(usize, usize)> {
    match scan(text, Goal::Find { target, key })? {
        Found::Span(start, len) => Some((start, len)),
        Found::Path(_) => None,
    }
}

/// The path the parser was in at byte `offset`.
pub fn path_at(text: &str, offset: usize) -> Vec<Seg> {
    match scan(text, Goal::At(offset)) {
        Some(Found::Path(path)) => path,
        _ => Vec::new(),
    }
}

/// The end of the whole JSON value starting at `pos` (a container up to its closing
/// bracket, however long), or `None` when the text ends first.
fn value_end(b: &[u8], pos: usize) -> Option<usize> {
    match b.get(pos)? {
        b'"' => skip_string(b, pos),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = pos;
            loop {
                match b.get(i)? {
                    b'"' => {
                        i = skip_string(b, i)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        _ => Some(skip_scalar(b, pos)),
    }
}

/// The byte range (start, end) of the whole value at `target` in `text`: a container
/// from its opening to its closing bracket, so that the slice is that value's JSON text.
pub fn value_range(text: &str, target: &[Seg]) -> Option<(usize, usize)> {
    let (start, _) = find_span(text, target, false)?;
    Some((start, value_end(text.as_bytes(), start)?))
}
