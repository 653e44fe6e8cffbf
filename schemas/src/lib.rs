//! Loader, IR and checks for the Linux kernel's YNL netlink spec format.
//!
//! [`load`] and [`load_str`] parse a spec (any of the four protocol levels: `genetlink`,
//! `genetlink-c`, `genetlink-legacy`, `netlink-raw`), number everything as the kernel's
//! tooling does, resolve every reference to an index, and check the result. Every error
//! names the file, the line and the offending key; all errors of a spec come back at once.
//!
//! ```
//! let f = nlwire_schema::builtin::load("ovs_flow").unwrap()?;
//! let flow = f.set("flow-attrs").unwrap();
//! let key = flow.attr("key").unwrap();
//! assert_eq!((key.value, f[key.nested.unwrap()].name.as_str()), (1, "key-attrs"));
//! # Ok::<(), nlwire_schema::SchemaError>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod builtin;
mod check;
#[path = "gen/mod.rs"]
pub mod codegen;
mod error;
pub mod ir;
mod level;
mod parse;
mod raw;
mod resolve;
pub mod rules;

use std::path::Path;

pub use codegen::{Builder, CompileError, compile};
pub use error::{Diagnostic, ErrorKind, Pos, SchemaError};
pub use ir::*;
pub use parse::MAX_SPEC_BYTES;

/// Loads, resolves and checks a spec file.
///
/// Diagnostics name the file as given in `path`.
///
/// ```
/// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/specs/nlctrl.yaml")).unwrap();
/// assert_eq!(f.op("getfamily").unwrap().req_value, Some(3));
/// let e = nlwire_schema::load("no/such/spec.yaml").unwrap_err();
/// assert!(e.to_string().starts_with("no/such/spec.yaml"));
/// ```
pub fn load(path: impl AsRef<Path>) -> Result<Family, SchemaError> {
    let path = path.as_ref();
    let name = path.display().to_string();
    let text = parse::read(path, &name)?;
    load_str(&text, &name)
}

/// Loads, resolves and checks a spec held in memory; `file_name` is used in diagnostics.
///
/// ```
/// let spec = "
/// name: demo
/// doc: A demo family.
/// attribute-sets:
///   - name: main
///     attributes:
///       - {name: unspec, type: unused, value: 0}
///       - {name: id, type: u32}
/// operations:
///   list:
///     - {name: get, doc: Get., attribute-set: main, do: {request: {attributes: [id]}}}
/// ";
/// let f = nlwire_schema::load_str(spec, "demo.yaml").unwrap();
/// assert_eq!(f.set("main").unwrap().attr("id").unwrap().value, 1);
/// assert_eq!(f.op("get").unwrap().req_value, Some(1));
/// ```
pub fn load_str(text: &str, file_name: &str) -> Result<Family, SchemaError> {
    let raw = parse::parse(text, file_name)?;
    resolve::resolve(&raw, file_name).map_err(|mut errors| {
        errors.sort_by(|a, b| (a.pos, &a.context).cmp(&(b.pos, &b.context)));
        errors.dedup();
        SchemaError { errors }
    })
}
