//! The document model written as Markdown (docs/catalog.md) or as one HTML page.

use std::fmt::Write as _;

use super::model::*;

// ---------------------------------------------------------------------------------------
// Markdown.

pub(super) fn escape_markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '*' | '|' | '[' | ']' | '`' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// A code span that holds any text: fenced with more backquotes than it contains.
pub(super) fn markdown_code(s: &str, in_table: bool) -> String {
    let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    // Inside a table cell a `|` ends the cell even in a code span.
    let body = if in_table {
        s.replace('|', "\\|")
    } else {
        s.to_string()
    };
    format!("{fence}{pad}{body}{pad}{fence}")
}

pub(super) fn markdown_inlines(inlines: &[Inline], in_table: bool) -> String {
    let mut out = String::new();
    for inline in inlines {
        match inline {
            Inline::Text(s) => out.push_str(&escape_markdown(s)),
            Inline::Code(s) => out.push_str(&markdown_code(s, in_table)),
            Inline::Strong(s) => {
                let _ = write!(out, "**{}**", escape_markdown(s));
            }
            Inline::Link(inner, anchor) => {
                let _ = write!(out, "[{}](#{anchor})", markdown_inlines(inner, in_table));
            }
        }
    }
    out
}

pub(super) fn render_markdown(blocks: &[Block]) -> String {
    let mut out = String::new();
    for block in blocks {
        if !out.is_empty() {
            out.push('\n');
        }
        match block {
            Block::Heading(level, inlines) => {
                let _ = writeln!(
                    out,
                    "{} {}",
                    "#".repeat(usize::from(*level)),
                    markdown_inlines(inlines, false)
                );
            }
            Block::Paragraph(inlines) => {
                let _ = writeln!(out, "{}", markdown_inlines(inlines, false));
            }
            Block::List(items) => {
                for item in items {
                    let _ = writeln!(out, "- {}", markdown_inlines(item, false));
                }
            }
            Block::Table(header, rows) => {
                let _ = writeln!(out, "| {} |", header.join(" | "));
                let _ = writeln!(
                    out,
                    "|{}",
                    header.iter().map(|_| "---|").collect::<String>()
                );
                for row in rows {
                    let cells: Vec<String> =
                        row.iter().map(|c| markdown_inlines(c, true)).collect();
                    let _ = writeln!(out, "| {} |", cells.join(" | "));
                }
            }
            Block::Code(language, code) => {
                let longest = code.split(|c| c != '`').map(str::len).max().unwrap_or(0);
                let fence = "`".repeat(longest.max(2) + 1);
                let _ = writeln!(out, "{fence}{language}\n{code}\n{fence}");
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// HTML.

pub(super) fn html_inlines(inlines: &[Inline]) -> String {
    let mut out = String::new();
    for inline in inlines {
        match inline {
            Inline::Text(s) => out.push_str(&crate::report::escape::xml_text(s)),
            Inline::Code(s) => {
                let _ = write!(out, "<code>{}</code>", crate::report::escape::xml_text(s));
            }
            Inline::Strong(s) => {
                let _ = write!(
                    out,
                    "<strong>{}</strong>",
                    crate::report::escape::xml_text(s)
                );
            }
            Inline::Link(inner, anchor) => {
                let _ = write!(
                    out,
                    "<a href=\"#{}\">{}</a>",
                    crate::report::escape::xml_text(anchor),
                    html_inlines(inner)
                );
            }
        }
    }
    out
}

pub(super) const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;line-height:1.45;color:#1b1b1b}\
code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em}\
pre{background:#f5f5f2;border:1px solid #ddd;padding:.75rem;overflow-x:auto}\
table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}\
th{background:#eee}h3{border-top:1px solid #ccc;padding-top:1rem}";

pub(super) fn render_html(blocks: &[Block]) -> String {
    let mut out = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n\
         <title>Rule catalog</title>\n",
    );
    let _ = writeln!(out, "<style>{STYLE}</style>\n</head>\n<body>");
    for block in blocks {
        match block {
            Block::Heading(level, inlines) => {
                let _ = writeln!(
                    out,
                    "<h{level} id=\"{}\">{}</h{level}>",
                    crate::report::escape::xml_text(&slug(&plain(inlines))),
                    html_inlines(inlines)
                );
            }
            Block::Paragraph(inlines) => {
                let _ = writeln!(out, "<p>{}</p>", html_inlines(inlines));
            }
            Block::List(items) => {
                out.push_str("<ul>\n");
                for item in items {
                    let _ = writeln!(out, "<li>{}</li>", html_inlines(item));
                }
                out.push_str("</ul>\n");
            }
            Block::Table(header, rows) => {
                out.push_str("<table>\n<thead><tr>");
                for h in header {
                    let _ = write!(out, "<th>{}</th>", crate::report::escape::xml_text(h));
                }
                out.push_str("</tr></thead>\n<tbody>\n");
                for row in rows {
                    out.push_str("<tr>");
                    for cell in row {
                        let _ = write!(out, "<td>{}</td>", html_inlines(cell));
                    }
                    out.push_str("</tr>\n");
                }
                out.push_str("</tbody>\n</table>\n");
            }
            Block::Code(language, code) => {
                let _ = writeln!(
                    out,
                    "<pre><code class=\"language-{language}\">{}</code></pre>",
                    crate::report::escape::xml_text(code)
                );
            }
        }
    }
    out.push_str("</body>\n</html>\n");
    out
}
