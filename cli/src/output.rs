//! How results reach the user: JSON for machines, an indented tree on a terminal, and
//! a progress spinner on stderr during long dumps (only when stderr is a terminal).

use std::io::{IsTerminal, Write};

use indicatif::{ProgressBar, ProgressStyle};
use serde_json::Value;

use crate::tree;

/// Output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// serde_json, pretty-printed.
    Json,
    /// Indented tree.
    Tree,
}

impl Format {
    /// `-o json` wins, then `-o tree`; otherwise a tree on a terminal and JSON when piped.
    pub fn choose(json: bool, tree: bool) -> Format {
        if json {
            Format::Json
        } else if tree || std::io::stdout().is_terminal() {
            Format::Tree
        } else {
            Format::Json
        }
    }
}

/// Prints one value in `format` to stdout. A closed pipe (`| head`) ends quietly.
pub fn print(format: Format, v: &Value) {
    let text = match format {
        Format::Json => serde_json::to_string_pretty(v).unwrap_or_default(),
        Format::Tree => tree::render(v),
    };
    emit(&text);
}

/// Prints one value as a single JSON line (for streams: monitor, decode).
pub fn print_line(format: Format, v: &Value) {
    let text = match format {
        Format::Json => serde_json::to_string(v).unwrap_or_default(),
        Format::Tree => tree::render(v),
    };
    emit(&text);
}

/// Writes a line to stdout; exits quietly when the reader has gone away.
pub fn emit(text: &str) {
    let mut out = std::io::stdout().lock();
    if writeln!(out, "{text}").and_then(|()| out.flush()).is_err() {
        std::process::exit(0);
    }
}

/// A spinner counting messages, drawn on stderr only when it is a terminal.
pub fn progress(what: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::new_spinner();
    pb.set_style(
        ProgressStyle::with_template("{spinner} {msg}: {pos} messages, {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    pb.set_message(what.to_string());
    pb.enable_steady_tick(std::time::Duration::from_millis(120));
    pb
}
