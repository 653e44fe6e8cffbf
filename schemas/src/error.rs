//! Load and check errors, each pointing at a line of the spec file.

use std::fmt;

/// A line and column in a spec file, both counted from 1 (0 when unknown).
///
/// ```
/// let f = nlwire_schema::load_str("name: x\ndoc: x\nattribute-sets: []\noperations:\n  list:\n    - {name: a, doc: x}\n", "x.yaml").unwrap();
/// assert_eq!(f.op("a").unwrap().pos, nlwire_schema::Pos { line: 6, column: 14 });
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    /// Line, from 1.
    pub line: u32,
    /// Column, from 1.
    pub column: u32,
}

/// What went wrong; one variant per kind of mistake so that callers and tests can match.
///
/// ```
/// use nlwire_schema::ErrorKind;
/// let spec = "name: x\ndoc: x\nattribute-sets:\n  - name: a\n    attributes:\n      - {name: b, type: u33}\noperations: {list: []}\n";
/// let err = nlwire_schema::load_str(spec, "x.yaml").unwrap_err();
/// assert!(matches!(&err.errors[0].kind, ErrorKind::UnknownType { name, .. } if name == "u33"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The file could not be read.
    Io {
        /// The OS error text.
        message: String,
    },
    /// The input is larger than the loader accepts.
    TooLarge {
        /// Input length in bytes.
        len: usize,
        /// The limit.
        limit: usize,
    },
    /// YAML syntax, a value of the wrong shape, an unknown or missing key, or a parser budget breach.
    Yaml {
        /// The parser's message.
        message: String,
    },
    /// A name that must be one of a fixed list is not (`byte-order: middle-endian`).
    BadValue {
        /// The key.
        key: &'static str,
        /// What was written.
        value: String,
        /// The accepted values.
        expected: &'static str,
    },
    /// A type name that is not a netlink type (`type: u33`).
    UnknownType {
        /// `type` or `sub-type`.
        key: &'static str,
        /// What was written.
        name: String,
    },
    /// A reference to an attribute set that does not exist.
    UnknownAttrSet {
        /// The referring key (`nested-attributes`, `attribute-set`, `subset-of`).
        key: &'static str,
        /// The missing set.
        name: String,
    },
    /// A reference to a definition that does not exist.
    UnknownDefinition {
        /// The referring key (`struct`, `enum`, `fixed-header`, `flags-mask`, `len`, ...).
        key: &'static str,
        /// The missing definition.
        name: String,
    },
    /// A reference to a definition of the wrong kind (`struct: some-enum`).
    WrongDefinitionKind {
        /// The referring key.
        key: &'static str,
        /// The definition.
        name: String,
        /// What the key needs.
        expected: &'static str,
        /// What the definition is.
        found: &'static str,
    },
    /// A reference to a sub-message that does not exist.
    UnknownSubMessage {
        /// The referring key.
        key: &'static str,
        /// The missing sub-message.
        name: String,
    },
    /// A reference to an op that does not exist or cannot be used there.
    UnknownOp {
        /// The referring key (`notify`).
        key: &'static str,
        /// The missing op.
        name: String,
    },
    /// A reference to a multicast group that does not exist.
    UnknownMcastGroup {
        /// The referring key (`mcgrp`).
        key: &'static str,
        /// The missing group.
        name: String,
    },
    /// A reference to an attribute that is not in the set it must be in.
    UnknownAttr {
        /// The referring key (`attributes`, `selector`).
        key: &'static str,
        /// The missing attribute.
        name: String,
        /// The set searched.
        set: String,
    },
    /// A sub-message selector that is neither in the attribute's set nor in a set that nests it.
    UnknownSelector {
        /// The selector attribute.
        name: String,
        /// The set of the sub-message attribute.
        set: String,
    },
    /// A subset attribute that its superset does not have.
    NotInSuperset {
        /// The attribute.
        name: String,
        /// The superset named by `subset-of`.
        superset: String,
    },
    /// Two items of one namespace share a name.
    DuplicateName {
        /// What kind of item (`attribute`, `attribute-set`, ...).
        what: &'static str,
        /// The name.
        name: String,
        /// Line of the first one.
        first_line: u32,
    },
    /// Two items share a numeric value that must be unique.
    DuplicateValue {
        /// What kind of value (`attribute value`, `request value`, ...).
        what: &'static str,
        /// The value.
        value: i128,
        /// The item that has it first.
        other: String,
        /// Line of that item.
        other_line: u32,
    },
    /// A number outside the range its use allows.
    OutOfRange {
        /// The key, or the kind of implicit value (`value`).
        key: &'static str,
        /// The number.
        value: i128,
        /// Smallest accepted.
        min: i128,
        /// Largest accepted.
        max: i128,
    },
    /// A limit or length that is neither an integer, a const nor a type limit.
    BadLimit {
        /// The key (`max`, `len`, ...).
        key: &'static str,
        /// What was written.
        text: String,
        /// Why it does not resolve.
        reason: String,
    },
    /// A key that the item needs is absent.
    Missing {
        /// The missing key.
        key: &'static str,
        /// Why it is needed.
        why: &'static str,
    },
    /// A key that is not allowed here (by protocol level, by type, or with another key).
    NotAllowed {
        /// The key.
        key: &'static str,
        /// Why not.
        why: String,
    },
    /// A name that breaks the naming pattern of the protocol level.
    BadName {
        /// The name.
        name: String,
        /// The pattern it must match.
        pattern: &'static str,
    },
    /// Structs or subsets that refer to themselves, or nest too deep.
    Cycle {
        /// The key that forms the cycle (`struct`, `subset-of`).
        key: &'static str,
        /// The name where the cycle was found.
        name: String,
    },
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io { message } => write!(f, "cannot read: {message}"),
            Self::TooLarge { len, limit } => {
                write!(f, "input is {len} bytes, more than the limit of {limit}")
            }
            Self::Yaml { message } => write!(f, "{message}"),
            Self::BadValue {
                key,
                value,
                expected,
            } => write!(f, "{key} \"{value}\" is not one of: {expected}"),
            Self::UnknownType { key, name } => write!(f, "{key} \"{name}\" is not a known type"),
            Self::UnknownAttrSet { key, name } => {
                write!(f, "{key} \"{name}\" does not exist")
            }
            Self::UnknownDefinition { key, name } => {
                write!(f, "{key} \"{name}\" is not a definition")
            }
            Self::WrongDefinitionKind {
                key,
                name,
                expected,
                found,
            } => write!(f, "{key} \"{name}\" is a {found}, not a {expected}"),
            Self::UnknownSubMessage { key, name } => {
                write!(f, "{key} \"{name}\" is not a sub-message")
            }
            Self::UnknownOp { key, name } => write!(f, "{key} \"{name}\" is not an op"),
            Self::UnknownMcastGroup { key, name } => {
                write!(f, "{key} \"{name}\" is not a multicast group")
            }
            Self::UnknownAttr { key, name, set } => write!(
                f,
                "{key}: attribute \"{name}\" is not in attribute-set \"{set}\""
            ),
            Self::UnknownSelector { name, set } => write!(
                f,
                "selector \"{name}\" is neither in attribute-set \"{set}\" nor in a set that nests it"
            ),
            Self::NotInSuperset { name, superset } => write!(
                f,
                "subset-of: attribute \"{name}\" is not in attribute-set \"{superset}\""
            ),
            Self::DuplicateName {
                what,
                name,
                first_line,
            } => write!(
                f,
                "{what} \"{name}\" is defined twice (first at line {first_line})"
            ),
            Self::DuplicateValue {
                what,
                value,
                other,
                other_line,
            } => write!(
                f,
                "{what} {value} is already used by \"{other}\" (line {other_line})"
            ),
            Self::OutOfRange {
                key,
                value,
                min,
                max,
            } => write!(f, "{key} {value} is outside {min}..={max}"),
            Self::BadLimit { key, text, reason } => write!(f, "{key} \"{text}\": {reason}"),
            Self::Missing { key, why } => write!(f, "{key} is required: {why}"),
            Self::NotAllowed { key, why } => write!(f, "{key} is not allowed: {why}"),
            Self::BadName { name, pattern } => {
                write!(f, "name \"{name}\" does not match {pattern}")
            }
            Self::Cycle { key, name } => {
                write!(
                    f,
                    "{key} \"{name}\" refers back to itself or nests too deep"
                )
            }
        }
    }
}

/// One error: where it is, which item it is in, and what is wrong.
///
/// Displays as `file:line: context: message`, for example
/// `ovs_flow.yaml:123: attribute-set "flow-attrs" attribute "key": nested-attributes "no-such-set" does not exist`.
///
/// ```
/// let spec = "name: x\ndoc: x\nattribute-sets: []\noperations:\n  list:\n    - {name: get, doc: x, attribute-set: nope, do: {}}\n";
/// let err = nlwire_schema::load_str(spec, "x.yaml").unwrap_err();
/// assert_eq!(err.errors[0].to_string(), "x.yaml:6: op \"get\": attribute-set \"nope\" does not exist");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// File name as given to the loader.
    pub file: String,
    /// Where the offending text is written.
    pub pos: Pos,
    /// Where that text is used, when it is reached through a YAML alias.
    pub used_at: Option<Pos>,
    /// The item the error is in, such as `attribute-set "flow-attrs" attribute "key"`; may be empty.
    pub context: String,
    /// The error.
    pub kind: ErrorKind,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: ", self.file, self.pos.line)?;
        if !self.context.is_empty() {
            write!(f, "{}: ", self.context)?;
        }
        write!(f, "{}", self.kind)?;
        if let Some(used) = self.used_at {
            write!(f, " (used through an alias at line {})", used.line)?;
        }
        Ok(())
    }
}

/// All errors found in one spec, in file order.
///
/// ```
/// let spec = "name: x\ndoc: x\nattribute-sets:\n  - name: a\n    attributes:\n      - {name: b, type: nest, nested-attributes: n1}\n      - {name: c, type: nest, nested-attributes: n2}\noperations: {list: []}\n";
/// let err = nlwire_schema::load_str(spec, "x.yaml").unwrap_err();
/// assert_eq!(err.errors.len(), 2);
/// assert!(err.to_string().contains("x.yaml:7:"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaError {
    /// The errors, at least one, sorted by line.
    pub errors: Vec<Diagnostic>,
}

impl SchemaError {
    /// An error holding one diagnostic.
    ///
    /// ```
    /// use nlwire_schema::{Diagnostic, ErrorKind, Pos, SchemaError};
    /// let e = SchemaError::single(Diagnostic {
    ///     file: "x.yaml".into(), pos: Pos::default(), used_at: None, context: String::new(),
    ///     kind: ErrorKind::Io { message: "gone".into() },
    /// });
    /// assert_eq!(e.errors.len(), 1);
    /// ```
    pub fn single(d: Diagnostic) -> Self {
        Self { errors: vec![d] }
    }
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SchemaError {}
