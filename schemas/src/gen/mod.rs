//! Rust generation: a resolved [`Family`] becomes the annotated structs, enums and
//! messages of `nlwire`'s derives (`#[derive(nlwire::AttrSet)]`, `SubMessage`, `Message`,
//! `#[nlwire::wire]`), plus constants for definitions, commands and multicast groups.
//!
//! The generator writes annotations only; the derives turn them into encoders, zero-copy
//! decoders and policy tables, exactly as for hand-written types.
//!
//! What a family becomes (items are emitted into the module that includes them):
//!
//! | spec | Rust |
//! |---|---|
//! | family `name`, `version`, `protocol`/`protonum` | `FAMILY_NAME: &str`, `VERSION: u8`, `PROTOCOL: u32` (the socket protocol) |
//! | `const` definition | `pub const NAME` (`u32`, `i64`, `u64` or `&str`) |
//! | `enum` definition | a newtype over the integer (`u32`, wider when an attribute needs it) with one associated const per entry, `ENTRIES`, `name()`, `from_name()`, `known()`, `From` both ways and a `Debug` that prints names (numbers for unlisted values) |
//! | `flags` definition | the same as a bit set: consts are masks (`1 << bit`), `ALL`, `contains`, `names()`, `\|`, `&`; `Debug` prints `a \| b` and unnamed bits in hex |
//! | integer attribute with `enum:` | the enum's or flags' newtype (`Option<Color>`) under the attribute's own kind (`u8`, `be16`, ...): encoded at that width, any value of it decoded (unlisted ones too), checks applied to the integer; an enum read with `enum-as-flags` holds a bit-set companion (`<Enum>Flags`, as for `flags`) |
//! | `struct` definition | `#[nlwire::wire(size = N)]` struct; `#[be]`/`#[le]` integers, `[u8; N]` for binary, string and pad members |
//! | attribute set | `#[derive(nlwire::AttrSet)]` struct: one `Option<T>` field per attribute (`Vec<T>` for `multi-attr`, `bool` for `flag`), `pad` attributes skipped; sets named in [`Options::list_set`] become an attribute enum used as `Vec<Enum>` (an ordered list, like OVS actions); sets named in [`Options::extern_set`] are not generated but referenced by path |
//! | `binary` with `struct:` | the struct (`fixed`); with `sub-type: binary` as well, a packed array of it: `Vec<Struct>`, decoded as a `&[Struct]` view (`array`) |
//! | `binary` with `sub-type: u32` (any integer) | `Vec` of the zerocopy integer in the attribute's byte order (`array`) |
//! | `sub-message` | `#[derive(nlwire::SubMessage)]` enum, one variant per format |
//! | operations | `cmd::OP` (request ids), `reply::OP` (reply/notification ids); for genetlink families `msg::<Op>Request` / `<Op>Reply` / `<Op>` (notifications, events) with `#[derive(nlwire::Message)]`, the op's fixed header and attribute set |
//! | `mcast-groups` | `mcgrp::NAME`: the group name (genetlink) or number (netlink-raw) |
//!
//! Nests are written with `NLA_F_NESTED` (`flagged`) where the kernel demands it: in
//! `netlink-raw` families and in sets a strictly validated request reaches (genetlink ops
//! without `dont-validate: [strict]`), in sets no request reaches (YNL's default), and on
//! attributes whose doc carries the `[nla-f-nested]` tag (OVS psample); see
//! [`Attr::needs_nested_flag`](crate::Attr::needs_nested_flag).
//!
//! Nests that recurse (OVS `encap` in a flow key) are boxed (`Option<Box<KeyAttrs>>`, decoded
//! lazily); lists (`Vec`) need no box. Names: types in `UpperCamelCase`, fields in
//! `snake_case`, constants in `SHOUTY_CASE`; keywords get a trailing `_` (`type_`), names
//! starting with a digit a prefix (`n6rd_prefix`, `_8021Q`), and a name that would clash
//! (with another item, a derive's `<Name>View`, or the prelude: a set called `string`) gets
//! a suffix (`StringAttrs`). Every item carries the spec's `doc:` (as plain text, so no
//! doc test or link is made of it) and its C name.
//!
//! ## Limits (what the derives cannot express yet)
//!
//! - netlink-raw families get constants, structs, sets and sub-messages, but no message
//!   structs: `#[derive(Message)]` always writes a `genlmsghdr` (derive/src/message.rs).
//! - A sub-message whose selector is in an enclosing set (tc `tca-stats-attrs.app`), or one
//!   inside a list set or repeated, is kept as bytes with a doc note: the derive takes only
//!   selectors of the same set (derive/src/set.rs).
//! - Checks on indexed-array entries are not enforced (the derive has no per-entry checks).
//! - Signed integers with an explicit byte order become `fixed` zerocopy types (no derive
//!   kind).
//! - `fixed` structs must have exactly their size on the wire; YNL lets kernel structs grow.
//! - Members of `struct` definitions with an `enum` stay integers (zerocopy byte-order
//!   types lay them out); the enum's newtype is named in the doc. So do attributes whose
//!   width the newtype cannot hold (one enum used as an `s16` and as a `uint`), C arrays and
//!   `bitfield32`. No implicit range checks are derived from enums, so newer kernels'
//!   values decode.
//! - YNL cannot say that a set is an ordered list or that an attribute is required: lists
//!   are named with [`Options::list_set`], and every attribute is optional.
//! - Messages carry the whole attribute set of the op; the attributes each direction uses
//!   are listed in their docs.
//!
//! ```
//! let f = nlwire_schema::builtin::load("ovs_vport").unwrap()?;
//! let code = nlwire_schema::codegen::to_string(&f);
//! assert!(code.contains("pub struct Vport {"));
//! assert!(code.contains("#[nla(type = 3, string, max_len = 15)]"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod defs;
mod docs;
mod graph;
mod names;
mod nested_flag;
mod ops;
mod reach;
mod sets;

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};

use crate::ir::{DefKind, Family, SetId, SubMsgId};
use crate::{Diagnostic, SchemaError};

use self::graph::Node;
use self::names::Names;

/// Generation options.
///
/// ```
/// let opts = nlwire_schema::codegen::Options::new().list_set("action-attrs");
/// assert_eq!(opts.list_sets(), ["action-attrs"]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    krate: String,
    list_sets: Vec<String>,
    extern_sets: Vec<(String, String)>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            krate: "::nlwire".into(),
            list_sets: Vec::new(),
            extern_sets: Vec::new(),
        }
    }
}

impl Options {
    /// The defaults: runtime crate `::nlwire`, every set a struct.
    ///
    /// ```
    /// assert!(nlwire_schema::codegen::Options::new().list_sets().is_empty());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Path of the runtime crate in generated code (default `::nlwire`), for crates that
    /// rename the dependency.
    ///
    /// ```
    /// let o = nlwire_schema::codegen::Options::new().crate_path("::nl");
    /// assert_eq!(o.crate_path_str(), "::nl");
    /// ```
    pub fn crate_path(mut self, path: impl Into<String>) -> Self {
        self.krate = path.into();
        self
    }

    /// The runtime crate path.
    ///
    /// ```
    /// assert_eq!(nlwire_schema::codegen::Options::new().crate_path_str(), "::nlwire");
    /// ```
    pub fn crate_path_str(&self) -> &str {
        &self.krate
    }

    /// Models attribute set `name` as an ordered list of attributes: an attribute enum,
    /// used as `Vec<Enum>` wherever the set is nested. YNL cannot say that a set is a list
    /// (OVS `action-attrs`: actions repeat and their order matters); a struct would keep one
    /// value per attribute.
    ///
    /// ```
    /// let f = nlwire_schema::builtin::load("ovs_flow").unwrap()?;
    /// let opts = nlwire_schema::codegen::Options::new().list_set("action-attrs");
    /// let code = nlwire_schema::codegen::to_string_with(&f, &opts).unwrap();
    /// assert!(code.contains("pub enum ActionAttrs"));
    /// assert!(code.contains("pub actions: Option<Vec<ActionAttrs>>"));
    /// # Ok::<(), nlwire_schema::SchemaError>(())
    /// ```
    pub fn list_set(mut self, name: impl Into<String>) -> Self {
        self.list_sets.push(name.into());
        self
    }

    /// The sets modelled as lists.
    ///
    /// ```
    /// assert!(nlwire_schema::codegen::Options::default().list_sets().is_empty());
    /// ```
    pub fn list_sets(&self) -> &[String] {
        &self.list_sets
    }

    /// Takes attribute set `name` from elsewhere instead of generating it: every attribute
    /// that nests it holds `path` (a type deriving `AttrSet`, usually the same set generated
    /// for another family; `Vec<path>` when the set is also a [`list_set`](Self::list_set)).
    /// Sets, sub-messages, enums and structs that only extern sets use are not generated
    /// either. This is how one family reuses another's types when its spec repeats them
    /// (OVS `ovs_packet` carries `ovs_flow`'s keys and actions); check that the two specs
    /// agree with [`Family::compare_set`](crate::Family::compare_set).
    ///
    /// ```
    /// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/specs/ovs_packet.yaml")).unwrap();
    /// let opts = nlwire_schema::codegen::Options::new()
    ///     .extern_set("key-attrs", "crate::ovs_flow::KeyAttrs");
    /// let code = nlwire_schema::codegen::to_string_with(&f, &opts).unwrap();
    /// assert!(code.contains("pub key: Option<crate::ovs_flow::KeyAttrs>"));
    /// assert!(!code.contains("pub struct KeyAttrs"));
    /// ```
    pub fn extern_set(mut self, name: impl Into<String>, path: impl Into<String>) -> Self {
        self.extern_sets.push((name.into(), path.into()));
        self
    }

    /// The extern sets and their Rust paths.
    ///
    /// ```
    /// let o = nlwire_schema::codegen::Options::new().extern_set("a", "crate::x::A");
    /// assert_eq!(o.extern_sets(), [("a".to_owned(), "crate::x::A".to_owned())]);
    /// ```
    pub fn extern_sets(&self) -> &[(String, String)] {
        &self.extern_sets
    }
}

/// Why generation failed: an option that does not fit the family.
///
/// ```
/// let f = nlwire_schema::builtin::load("ovs_flow").unwrap()?;
/// let opts = nlwire_schema::codegen::Options::new().list_set("no-such-set");
/// let e = nlwire_schema::codegen::to_tokens(&f, &opts).unwrap_err();
/// assert!(e.to_string().contains("no-such-set"));
/// # Ok::<(), nlwire_schema::SchemaError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenError {
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for GenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for GenError {}

/// The generated items of a family as tokens (what the `schema!` macro expands to).
///
/// ```
/// let f = nlwire_schema::builtin::load("nlctrl").unwrap()?;
/// let tokens = nlwire_schema::codegen::to_tokens(&f, &Default::default())?;
/// assert!(tokens.to_string().contains("CtrlAttrs"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn to_tokens(family: &Family, options: &Options) -> Result<TokenStream, GenError> {
    Gen::new(family, options)?.family()
}

/// The generated code of a family as formatted Rust source, with default options.
///
/// ```
/// let f = nlwire_schema::builtin::load("ovs_datapath").unwrap()?;
/// let code = nlwire_schema::codegen::to_string(&f);
/// assert!(code.contains("pub const FAMILY_NAME: &str = \"ovs_datapath\";"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn to_string(family: &Family) -> String {
    // Default options name no set, so generation cannot fail.
    to_string_with(family, &Options::default()).unwrap_or_else(|e| format!("// {e}\n"))
}

/// The generated code of a family as formatted Rust source.
///
/// Formatted with prettyplease (feature `format`, on by default), then with `rustfmt` when
/// one is found (`$RUSTFMT` or on `PATH`), so the output is what `cargo fmt` would leave.
///
/// ```
/// let f = nlwire_schema::builtin::load("ovs_vport").unwrap()?;
/// let code = nlwire_schema::codegen::to_string_with(&f, &Default::default())?;
/// assert!(code.starts_with("// Generated by nlwire-schema"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn to_string_with(family: &Family, options: &Options) -> Result<String, GenError> {
    let tokens = to_tokens(family, options)?;
    let body = format_tokens(tokens)?;
    Ok(format!(
        "// Generated by nlwire-schema from the `{}` spec. Do not edit: change the spec and\n\
         // regenerate.\n\n{body}",
        family.name
    ))
}

#[cfg(feature = "format")]
fn format_tokens(tokens: TokenStream) -> Result<String, GenError> {
    let file: syn::File = syn::parse2(tokens).map_err(|e| GenError {
        message: format!("internal: generated code does not parse: {e}"),
    })?;
    let pretty = prettyplease::unparse(&file);
    Ok(rustfmt(&pretty).unwrap_or(pretty))
}

#[cfg(not(feature = "format"))]
fn format_tokens(tokens: TokenStream) -> Result<String, GenError> {
    Ok(tokens.to_string())
}

/// Runs `rustfmt` (from `$RUSTFMT`, else `PATH`) over `code`; `None` when there is none or
/// it fails.
#[cfg(feature = "format")]
fn rustfmt(code: &str) -> Option<String> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let bin = std::env::var_os("RUSTFMT").unwrap_or_else(|| "rustfmt".into());
    let mut child = Command::new(bin)
        .args(["--edition", "2024", "--emit", "stdout", "--quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut stdin = child.stdin.take()?;
    let input = code.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().ok()?;
    writer.join().ok()?.ok()?;
    (out.status.success() && !out.stdout.is_empty())
        .then(|| String::from_utf8(out.stdout).ok())
        .flatten()
}

/// Why [`compile`] failed.
///
/// ```
/// let e = nlwire_schema::compile("/no/such/spec.yaml", std::env::temp_dir()).unwrap_err();
/// assert!(matches!(e, nlwire_schema::CompileError::Schema(_)));
/// assert!(e.to_string().contains("/no/such/spec.yaml"));
/// ```
#[derive(Debug)]
pub enum CompileError {
    /// The spec does not load or check (file, line and key in each diagnostic).
    Schema(SchemaError),
    /// The options do not fit the spec.
    Gen(GenError),
    /// The output could not be written.
    Io(PathBuf, std::io::Error),
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Schema(e) => write!(f, "{e}"),
            Self::Gen(e) => write!(f, "{e}"),
            Self::Io(p, e) => write!(f, "{}: {e}", p.display()),
        }
    }
}

impl std::error::Error for CompileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Schema(e) => Some(e),
            Self::Gen(e) => Some(e),
            Self::Io(_, e) => Some(e),
        }
    }
}

impl From<SchemaError> for CompileError {
    fn from(e: SchemaError) -> Self {
        Self::Schema(e)
    }
}

/// Build-script generation with options: load specs, generate, write readable files.
///
/// ```no_run
/// // build.rs
/// let out = std::env::var_os("OUT_DIR").unwrap();
/// nlwire_schema::Builder::new()
///     .list_set("action-attrs")
///     .compile("specs/ovs_flow.yaml", &out)
///     .unwrap_or_else(|e| panic!("{e}"));
/// // lib.rs: pub mod ovs_flow { include!(concat!(env!("OUT_DIR"), "/ovs_flow.rs")); }
/// ```
#[derive(Clone, Debug, Default)]
pub struct Builder {
    options: Options,
    rerun: bool,
}

impl Builder {
    /// Default options; prints `cargo:rerun-if-changed` lines when run by cargo.
    ///
    /// ```
    /// let b = nlwire_schema::Builder::new();
    /// assert!(b.options().list_sets().is_empty());
    /// ```
    pub fn new() -> Self {
        Builder {
            options: Options::default(),
            rerun: std::env::var_os("CARGO_MANIFEST_DIR").is_some()
                && std::env::var_os("OUT_DIR").is_some(),
        }
    }

    /// See [`Options::list_set`].
    ///
    /// ```
    /// let b = nlwire_schema::Builder::new().list_set("action-attrs");
    /// assert_eq!(b.options().list_sets(), ["action-attrs"]);
    /// ```
    pub fn list_set(mut self, name: impl Into<String>) -> Self {
        self.options = self.options.list_set(name);
        self
    }

    /// See [`Options::extern_set`].
    ///
    /// ```
    /// let b = nlwire_schema::Builder::new().extern_set("key-attrs", "crate::ovs_flow::KeyAttrs");
    /// assert_eq!(b.options().extern_sets().len(), 1);
    /// ```
    pub fn extern_set(mut self, name: impl Into<String>, path: impl Into<String>) -> Self {
        self.options = self.options.extern_set(name, path);
        self
    }

    /// See [`Options::crate_path`].
    ///
    /// ```
    /// let b = nlwire_schema::Builder::new().crate_path("::nl");
    /// assert_eq!(b.options().crate_path_str(), "::nl");
    /// ```
    pub fn crate_path(mut self, path: impl Into<String>) -> Self {
        self.options = self.options.crate_path(path);
        self
    }

    /// Replaces all options.
    ///
    /// ```
    /// use nlwire_schema::{Builder, codegen::Options};
    /// let b = Builder::new().options_from(Options::new().list_set("x"));
    /// assert_eq!(b.options().list_sets(), ["x"]);
    /// ```
    pub fn options_from(mut self, options: Options) -> Self {
        self.options = options;
        self
    }

    /// The options.
    ///
    /// ```
    /// assert_eq!(nlwire_schema::Builder::new().options().crate_path_str(), "::nlwire");
    /// ```
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Loads `spec`, generates its code and writes it to `out_dir/<family>.rs` (the family
    /// name in snake case: `ovs_flow.rs`, `rt_link.rs`); returns that path.
    ///
    /// ```
    /// let spec = concat!(env!("CARGO_MANIFEST_DIR"), "/specs/ovs_vport.yaml");
    /// let dir = std::env::temp_dir().join("nlwire-builder-doc");
    /// let path = nlwire_schema::Builder::new().compile(spec, &dir)?;
    /// assert!(path.ends_with("ovs_vport.rs"));
    /// # Ok::<(), nlwire_schema::CompileError>(())
    /// ```
    pub fn compile(
        &self,
        spec: impl AsRef<Path>,
        out_dir: impl AsRef<Path>,
    ) -> Result<PathBuf, CompileError> {
        let spec = spec.as_ref();
        if self.rerun {
            println!("cargo:rerun-if-changed={}", spec.display());
        }
        let family = crate::load(spec)?;
        let code = to_string_with(&family, &self.options).map_err(CompileError::Gen)?;
        let out_dir = out_dir.as_ref();
        std::fs::create_dir_all(out_dir).map_err(|e| CompileError::Io(out_dir.into(), e))?;
        let path = out_dir.join(format!("{}.rs", module_name(&family)));
        // Rewrite only on change, so that an unchanged spec does not rebuild dependents.
        if std::fs::read_to_string(&path).ok().as_deref() != Some(code.as_str()) {
            std::fs::write(&path, code).map_err(|e| CompileError::Io(path.clone(), e))?;
        }
        Ok(path)
    }
}

/// Build-script entry point: [`Builder::compile`] with default options.
///
/// ```
/// let spec = concat!(env!("CARGO_MANIFEST_DIR"), "/specs/nlctrl.yaml");
/// let path = nlwire_schema::compile(spec, std::env::temp_dir().join("nlwire-compile-doc"))?;
/// assert!(std::fs::read_to_string(path).unwrap().contains("pub struct CtrlAttrs"));
/// # Ok::<(), nlwire_schema::CompileError>(())
/// ```
pub fn compile(spec: impl AsRef<Path>, out_dir: impl AsRef<Path>) -> Result<PathBuf, CompileError> {
    Builder::new().compile(spec, out_dir)
}

/// The extern paths as written (`crate::ovs_flow::KeyAttrs`), for docs.
fn options_paths(paths: &[Option<TokenStream>]) -> Vec<Option<String>> {
    paths
        .iter()
        .map(|p| p.as_ref().map(|t| t.to_string().replace(' ', "")))
        .collect()
}

/// The module (and file) name for a family: its name in snake case.
///
/// ```
/// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/specs/corner-link.yaml")).unwrap();
/// assert_eq!(nlwire_schema::codegen::module_name(&f), "corner_link");
/// ```
pub fn module_name(family: &Family) -> String {
    names::snake(&family.name)
}

/// The diagnostic lines of a schema error, each `file:line: context: message`.
///
/// ```
/// let e = nlwire_schema::load_str("name: x\n", "x.yaml").unwrap_err();
/// assert!(nlwire_schema::codegen::diagnostics(&e)[0].starts_with("x.yaml:"));
/// ```
pub fn diagnostics(e: &SchemaError) -> Vec<String> {
    e.errors.iter().map(Diagnostic::to_string).collect()
}

/// Per-family generation state: every name assigned up front, recursion analysed.
pub(crate) struct Gen<'f> {
    pub(crate) f: &'f Family,
    pub(crate) krate: TokenStream,
    /// Crate path as written in `#[nla(crate = "...")]`, when not the default.
    pub(crate) krate_opt: Option<String>,
    /// Type name of each enum, flags and struct definition (`None` for consts).
    pub(crate) def_types: Vec<Option<String>>,
    /// Const name of each const definition.
    pub(crate) def_consts: Vec<Option<String>>,
    /// The integer inside each enum and flags newtype.
    pub(crate) def_reprs: Vec<Option<defs::Repr>>,
    /// Type name of the bit-set companion of each enum an attribute reads with
    /// `enum-as-flags`.
    pub(crate) bits_types: Vec<Option<String>>,
    /// The integer inside each bit-set companion.
    pub(crate) bits_reprs: Vec<Option<defs::Repr>>,
    /// Type name of each set.
    pub(crate) set_types: Vec<String>,
    /// Sets modelled as lists.
    pub(crate) list_sets: Vec<bool>,
    /// The Rust path of each extern set.
    pub(crate) extern_paths: Vec<Option<TokenStream>>,
    /// Which sets, sub-messages and definitions are emitted.
    pub(crate) kept: reach::Kept,
    /// Per set: are its nests written with `NLA_F_NESTED` (see `nested_flag`)?
    pub(crate) strict_sets: Vec<bool>,
    /// Type name of each sub-message.
    pub(crate) submsg_types: Vec<String>,
    /// Sub-messages whose selector values are integers.
    pub(crate) submsg_int: Vec<bool>,
    /// By-value edges that must be boxed.
    pub(crate) boxed: HashSet<(Node, Node)>,
}

impl<'f> Gen<'f> {
    fn new(f: &'f Family, options: &Options) -> Result<Self, GenError> {
        let krate = syn::parse_str::<syn::Path>(&options.krate)
            .map_err(|_| GenError {
                message: format!("crate path `{}` is not a Rust path", options.krate),
            })?
            .into_token_stream();
        let mut list_sets = vec![false; f.attr_sets.len()];
        for name in &options.list_sets {
            let id = f.set_id(name).ok_or_else(|| GenError {
                message: format!(
                    "list set \"{name}\" is not an attribute set of family \"{}\"",
                    f.name
                ),
            })?;
            list_sets[id.0] = true;
        }
        let mut extern_paths = vec![None; f.attr_sets.len()];
        for (name, path) in &options.extern_sets {
            let id = f.set_id(name).ok_or_else(|| GenError {
                message: format!(
                    "extern set \"{name}\" is not an attribute set of family \"{}\"",
                    f.name
                ),
            })?;
            let p = syn::parse_str::<syn::Path>(path).map_err(|_| GenError {
                message: format!("extern set \"{name}\": `{path}` is not a Rust path"),
            })?;
            extern_paths[id.0] = Some(p.into_token_stream());
        }
        let is_extern: Vec<bool> = extern_paths.iter().map(Option::is_some).collect();
        let kept = reach::kept(f, &is_extern);
        let newtypes = defs::newtypes(f, |i| !is_extern[i] && kept.sets[i]);

        let mut types = Names::types();
        let mut consts = Names::with_reserved(&["FAMILY_NAME", "VERSION", "PROTOCOL"]);
        let mut def_types = Vec::new();
        let mut def_consts = Vec::new();
        let mut bits_types = Vec::new();
        // Names are claimed by the emitted items only, so that dropped ones take none.
        for (i, d) in f.definitions.iter().enumerate() {
            match &d.kind {
                DefKind::Const(_) => {
                    def_types.push(None);
                    def_consts.push(Some(consts.claim(&names::shouty(&d.name), "_DEF", &[])));
                }
                DefKind::Enum(_) | DefKind::Struct(_) => {
                    def_types.push(
                        kept.defs[i].then(|| types.claim(&names::camel(&d.name), "Def", &[])),
                    );
                    def_consts.push(None);
                }
            }
            let bits = kept.defs[i] && newtypes.bits_reprs[i].is_some();
            bits_types.push(
                bits.then(|| types.claim(&format!("{}Flags", names::camel(&d.name)), "Bits", &[])),
            );
        }
        let set_types = f
            .attr_sets
            .iter()
            .zip(&options_paths(&extern_paths))
            .enumerate()
            .map(|(i, (s, ext))| match ext {
                Some(p) => p.clone(),
                None if kept.sets[i] => types.claim(&names::camel(&s.name), "Attrs", &["View"]),
                None => String::new(),
            })
            .collect();
        let submsg_types = f
            .sub_messages
            .iter()
            .enumerate()
            .map(|(i, m)| {
                if kept.subs[i] {
                    types.claim(&names::camel(&m.name), "Msg", &["View"])
                } else {
                    String::new()
                }
            })
            .collect();
        let mut g = Gen {
            f,
            krate_opt: (options.krate != "::nlwire").then(|| options.krate.clone()),
            krate,
            def_types,
            def_consts,
            def_reprs: newtypes.reprs,
            bits_types,
            bits_reprs: newtypes.bits_reprs,
            set_types,
            list_sets,
            extern_paths,
            kept,
            strict_sets: nested_flag::strict_sets(f),
            submsg_types,
            submsg_int: Vec::new(),
            boxed: HashSet::new(),
        };
        g.submsg_int = sets::submsg_value_kinds(&g);
        g.boxed = graph::boxed_edges(&g);
        Ok(g)
    }

    /// The type of a set as held by a field: `Name` (`prefix` names the module that holds
    /// it), the path of an extern set, or `Vec<..>` of either for a list set.
    pub(crate) fn set_ty(&self, id: SetId, prefix: &TokenStream) -> TokenStream {
        let ty = match &self.extern_paths[id.0] {
            Some(path) => path.clone(),
            None => {
                let name = names::ident(&self.set_types[id.0]);
                quote!(#prefix #name)
            }
        };
        if self.list_sets[id.0] {
            quote!(Vec<#ty>)
        } else {
            ty
        }
    }

    /// True for the sets this family generates (neither extern nor used by extern sets
    /// alone).
    pub(crate) fn emits_set(&self, id: SetId) -> bool {
        self.extern_paths[id.0].is_none() && self.kept.sets[id.0]
    }

    /// The type name of a sub-message.
    pub(crate) fn submsg_ty(&self, id: SubMsgId) -> TokenStream {
        names::ident(&self.submsg_types[id.0]).into_token_stream()
    }

    /// `#[nla(crate = "...")]` when the crate path is not the default.
    pub(crate) fn nla_crate(&self) -> Option<TokenStream> {
        self.krate_opt.as_ref().map(|k| quote!(crate = #k,))
    }

    fn family(&self) -> Result<TokenStream, GenError> {
        let meta = ops::family_consts(self);
        let defs = defs::definitions(self);
        let sets = sets::attr_sets(self);
        let subs = sets::sub_messages(self);
        let ops = ops::operations(self);
        Ok(quote! {
            #meta
            #defs
            #sets
            #subs
            #ops
        })
    }
}
