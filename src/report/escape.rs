//! Escaping text for the formats that embed it: XML (JUnit, the HTML catalog) and
//! iCalendar.

/// Whether XML 1.0 allows the character at all (`Char` production).
pub fn xml_allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// Escapes markup characters; characters XML 1.0 forbids become U+FFFD. In an attribute
/// value, line breaks and tabs become character references so that attribute
/// normalisation keeps them.
fn xml(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            c if xml_allowed(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

/// Text escaped for XML (or HTML) element content.
pub fn xml_text(text: &str) -> String {
    xml(text, false)
}

/// Text escaped for an XML attribute value in double quotes.
pub fn xml_attribute(text: &str) -> String {
    xml(text, true)
}

/// A TEXT value escaped (RFC 5545 §3.3.11): `\`, `;`, `,` and line breaks; other
/// control characters are dropped.
pub fn ical_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}
