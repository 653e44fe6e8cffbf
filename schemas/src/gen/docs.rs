//! Doc comments from spec `doc:` text, made safe for rustdoc: spec prose is plain text, so
//! indentation (which would turn into code blocks that doc tests try to compile), list and
//! heading markers, brackets (intra-doc links) and angle brackets (HTML tags) are
//! neutralised, and bare URLs are wrapped.

use proc_macro2::TokenStream;
use quote::quote;

/// Escapes one line of spec prose.
fn escape_line(line: &str) -> String {
    let line = line.trim();
    let mut out = String::with_capacity(line.len() + 8);
    // Markdown block markers at the start of a line: `#`, `>`, `-`, ... and `1.` / `1)`.
    let mut line = line;
    if line.starts_with(['#', '>', '-', '+', '=', '|', '~']) {
        out.push('\\');
    } else if let Some(i) = line.find(['.', ')'])
        && i > 0
        && line[..i].chars().all(|c| c.is_ascii_digit())
    {
        out.push_str(&line[..i]);
        out.push('\\');
        line = &line[i..];
    }
    for word in split_keep_spaces(line) {
        if word.starts_with("http://") || word.starts_with("https://") {
            let end = word
                .trim_end_matches(['.', ',', ';', ':', ')', '\'', '"'])
                .len();
            out.push('<');
            out.push_str(&word[..end]);
            out.push('>');
            out.push_str(&word[end..]);
            continue;
        }
        for c in word.chars() {
            if matches!(c, '[' | ']' | '<' | '>' | '\\' | '*' | '`') {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

/// Splits into words and the whitespace runs between them, keeping both.
fn split_keep_spaces(s: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut in_space = None;
    for (i, c) in s.char_indices() {
        let space = c.is_whitespace();
        if in_space != Some(space) {
            if i > start {
                parts.push(&s[start..i]);
            }
            start = i;
            in_space = Some(space);
        }
    }
    if start < s.len() {
        parts.push(&s[start..]);
    }
    parts
}

/// Spec prose as doc lines: trimmed, escaped, runs of blank lines collapsed.
pub(crate) fn prose(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for l in text.lines() {
        let l = escape_line(l);
        if l.is_empty() && lines.last().is_none_or(String::is_empty) {
            continue;
        }
        lines.push(l);
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

/// Builds the doc attributes of one item: paragraphs separated by blank lines.
#[derive(Clone, Default)]
pub(crate) struct Doc {
    lines: Vec<String>,
}

impl Doc {
    /// A doc starting with the spec's prose, if any.
    pub(crate) fn spec(text: Option<&str>) -> Self {
        let mut d = Doc::default();
        if let Some(t) = text {
            d.lines = prose(t);
        }
        d
    }

    /// Appends a paragraph of generated text (markdown allowed, not escaped).
    pub(crate) fn para(mut self, text: impl Into<String>) -> Self {
        if !self.lines.is_empty() {
            self.lines.push(String::new());
        }
        self.lines.push(text.into());
        self
    }

    /// Appends a paragraph only when the doc is still empty.
    pub(crate) fn or(self, text: impl Into<String>) -> Self {
        if self.lines.is_empty() {
            self.para(text)
        } else {
            self
        }
    }

    /// The `#[doc = "..."]` attributes.
    pub(crate) fn tokens(&self) -> TokenStream {
        let lines = self.lines.iter().map(|l| {
            let l = if l.is_empty() {
                String::new()
            } else {
                format!(" {l}")
            };
            quote!(#[doc = #l])
        });
        quote!(#(#lines)*)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_is_neutralised() {
        let t = "  First line [x] <y>\n\n\n    indented code-like\n  - item\n  1. one\n see https://x.org/a.\n";
        assert_eq!(
            prose(t),
            [
                "First line \\[x\\] \\<y\\>",
                "",
                "indented code-like",
                "\\- item",
                "1\\. one",
                "see <https://x.org/a>.",
            ]
        );
    }
}
