//! Text → raw model, with bounded work.

use std::path::Path;

use serde_saphyr::{Budget, MessageFormatter, Options};

use crate::error::{Diagnostic, ErrorKind, Pos, SchemaError};
use crate::raw::RawFamily;

/// Largest spec accepted, in bytes (the biggest kernel spec, tc, is about 120 KiB).
///
/// ```
/// let big = " ".repeat(nlwire_schema::MAX_SPEC_BYTES + 1);
/// let err = nlwire_schema::load_str(&big, "big.yaml").unwrap_err();
/// assert!(matches!(err.errors[0].kind, nlwire_schema::ErrorKind::TooLarge { .. }));
/// ```
pub const MAX_SPEC_BYTES: usize = 4 << 20;

/// YAML 1.2 core schema (the kernel's schema files declare `%YAML 1.2`), so `no` and `off`
/// are names, not booleans; parser budgets sized well above the largest kernel spec.
fn options() -> Options {
    let mut budget = Budget::default();
    budget.max_reader_input_bytes = Some(MAX_SPEC_BYTES);
    budget.max_events = 1_000_000;
    budget.max_nodes = 250_000;
    budget.max_aliases = 10_000;
    budget.max_anchors = 10_000;
    budget.max_depth = 32;
    budget.max_documents = 1;
    budget.max_total_scalar_bytes = MAX_SPEC_BYTES;
    budget.max_recorded_anchor_events = 500_000;
    budget.max_recorded_anchor_bytes = MAX_SPEC_BYTES;
    budget.max_inclusion_depth = 0;
    let mut options = Options::default();
    options.budget = Some(budget);
    options.alias_limits.max_total_replayed_events = 500_000;
    options.alias_limits.max_replay_stack_depth = 16;
    options.with_snippet = false;
    options.strict_booleans = true;
    options
}

fn diagnostic(file: &str, pos: Pos, kind: ErrorKind) -> SchemaError {
    SchemaError::single(Diagnostic {
        file: file.to_owned(),
        pos,
        used_at: None,
        context: String::new(),
        kind,
    })
}

/// Reads a spec file, refusing files larger than [`MAX_SPEC_BYTES`].
pub(crate) fn read(path: &Path, name: &str) -> Result<String, SchemaError> {
    let io = |e: std::io::Error| {
        let kind = ErrorKind::Io {
            message: e.to_string(),
        };
        diagnostic(name, Pos::default(), kind)
    };
    let len = std::fs::metadata(path).map_err(io)?.len();
    let len = usize::try_from(len).unwrap_or(usize::MAX);
    if len > MAX_SPEC_BYTES {
        let kind = ErrorKind::TooLarge {
            len,
            limit: MAX_SPEC_BYTES,
        };
        return Err(diagnostic(name, Pos::default(), kind));
    }
    std::fs::read_to_string(path).map_err(io)
}

/// Parses spec text into the raw model.
pub(crate) fn parse(text: &str, file: &str) -> Result<RawFamily, SchemaError> {
    if text.len() > MAX_SPEC_BYTES {
        let kind = ErrorKind::TooLarge {
            len: text.len(),
            limit: MAX_SPEC_BYTES,
        };
        return Err(diagnostic(file, Pos::default(), kind));
    }
    serde_saphyr::from_str_with_options(text, options()).map_err(|e| {
        let pos = e.location().map_or_else(Pos::default, |l| Pos {
            line: u32::try_from(l.line()).unwrap_or(u32::MAX),
            column: u32::try_from(l.column()).unwrap_or(u32::MAX),
        });
        let message: String = serde_saphyr::DefaultMessageFormatter
            .format_message(&e)
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        diagnostic(file, pos, ErrorKind::Yaml { message })
    })
}
