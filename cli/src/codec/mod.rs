//! The run-time codec: JSON to netlink attributes and back, driven by the schema IR
//! instead of compiled types, so any YNL spec works without a rebuild.

pub mod decode;
pub mod encode;
pub mod message;
pub mod path;
pub mod policy;
pub mod raw;
pub mod scalar;
pub mod structs;
pub mod text;

use serde_json::Value;

/// Something wrong with the bytes being decoded, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Attribute path with schema names, e.g. `linkinfo.data.id`; `<top>` for the
    /// message's own attributes.
    pub path: String,
    /// What is wrong, in the codec's words (e.g. `length 3, expected 4`).
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl Problem {
    /// The problem as a JSON string (`path: message`).
    pub fn to_json(&self) -> Value {
        Value::String(self.to_string())
    }
}

/// `path.name`, or `name` at the top.
pub fn join_path(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

/// `path[i]`.
pub fn join_index(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

/// The codec's description of an error without the numeric attribute path in front
/// (the CLI prints its own path, with schema names).
pub fn wire_message(e: &nlwire::Error) -> String {
    let s = e.to_string();
    if let Some(p) = e.path() {
        let prefix = format!("{p}: ");
        if let Some(rest) = s.strip_prefix(&prefix) {
            return rest.to_string();
        }
    }
    s
}

#[cfg(test)]
mod tests;
