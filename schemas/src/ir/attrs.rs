//! Attribute sets, attributes and their types, sub-messages.

use std::collections::HashMap;

use super::{DefId, IntType, Pos, SetId, SubMsgId};

/// Type of an attribute (or the `sub-type` of one).
///
/// ```
/// use nlwire_schema::{AttrType, IntType};
/// assert_eq!(AttrType::parse("u16"), Some(AttrType::Int(IntType::U16)));
/// assert_eq!(AttrType::parse("indexed-array"), Some(AttrType::IndexedArray));
/// assert_eq!(AttrType::Sint.as_str(), "sint");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AttrType {
    /// Reserved id, never sent.
    Unused,
    /// Alignment padding, skipped.
    Pad,
    /// Zero-length; presence is the value.
    Flag,
    /// Fixed-width integer.
    Int(IntType),
    /// Unsigned integer of 4 or 8 bytes.
    Uint,
    /// Signed integer of 4 or 8 bytes.
    Sint,
    /// NUL-terminated string.
    String,
    /// Bytes, a struct or a C array.
    Binary,
    /// `struct nla_bitfield32`.
    Bitfield32,
    /// Nested attributes.
    Nest,
    /// Nested entries whose type field is the index.
    IndexedArray,
    /// Nesting levels whose type fields carry values (nlctrl policies).
    NestTypeValue,
    /// Payload whose format a selector attribute picks.
    SubMessage,
}

impl AttrType {
    /// Parses a type name.
    ///
    /// ```
    /// assert!(nlwire_schema::AttrType::parse("array-nest").is_none());
    /// ```
    pub fn parse(s: &str) -> Option<Self> {
        if let Some(t) = IntType::parse(s) {
            return Some(Self::Int(t));
        }
        Some(match s {
            "unused" => Self::Unused,
            "pad" => Self::Pad,
            "flag" => Self::Flag,
            "uint" => Self::Uint,
            "sint" => Self::Sint,
            "string" => Self::String,
            "binary" => Self::Binary,
            "bitfield32" => Self::Bitfield32,
            "nest" => Self::Nest,
            "indexed-array" => Self::IndexedArray,
            "nest-type-value" => Self::NestTypeValue,
            "sub-message" => Self::SubMessage,
            _ => return None,
        })
    }

    /// The spelling in specs.
    ///
    /// ```
    /// assert_eq!(nlwire_schema::AttrType::NestTypeValue.as_str(), "nest-type-value");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Int(t) => t.as_str(),
            Self::Unused => "unused",
            Self::Pad => "pad",
            Self::Flag => "flag",
            Self::Uint => "uint",
            Self::Sint => "sint",
            Self::String => "string",
            Self::Binary => "binary",
            Self::Bitfield32 => "bitfield32",
            Self::Nest => "nest",
            Self::IndexedArray => "indexed-array",
            Self::NestTypeValue => "nest-type-value",
            Self::SubMessage => "sub-message",
        }
    }

    /// True for integer types: fixed-width, `uint` and `sint`.
    ///
    /// ```
    /// assert!(nlwire_schema::AttrType::Uint.is_integer());
    /// ```
    pub fn is_integer(self) -> bool {
        matches!(self, Self::Int(_) | Self::Uint | Self::Sint)
    }

    /// True for types whose payload is nested attributes.
    ///
    /// ```
    /// assert!(nlwire_schema::AttrType::Nest.is_nested());
    /// ```
    pub fn is_nested(self) -> bool {
        matches!(self, Self::Nest | Self::IndexedArray | Self::NestTypeValue)
    }
}

/// Byte order of an integer.
///
/// ```
/// assert_eq!(nlwire_schema::ByteOrder::default(), nlwire_schema::ByteOrder::Host);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum ByteOrder {
    /// Host order (no `byte-order` key).
    #[default]
    Host,
    /// `little-endian`.
    LittleEndian,
    /// `big-endian`.
    BigEndian,
}

/// `display-hint` values.
///
/// ```
/// use nlwire_schema::DisplayHint;
/// let f = nlwire_schema::builtin::load("ovs_flow").unwrap()?;
/// assert_eq!(f.set("flow-attrs").unwrap().attr("ufid").unwrap().display_hint, Some(DisplayHint::Hex));
/// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/specs/corner-genl.yaml"))?;
/// assert_eq!(f.set("dev").unwrap().attr("uuid").unwrap().display_hint, Some(DisplayHint::Uuid));
/// # Ok::<(), nlwire_schema::SchemaError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DisplayHint {
    /// `hex`.
    Hex,
    /// `mac`.
    Mac,
    /// `fddi`.
    Fddi,
    /// `ipv4`.
    Ipv4,
    /// `ipv6`.
    Ipv6,
    /// `ipv4-or-v6`.
    Ipv4OrV6,
    /// `uuid`.
    Uuid,
}

/// An attribute set.
///
/// ```
/// let f = nlwire_schema::builtin::load("ovs_flow").unwrap()?;
/// let s = f.set("tunnel-key-attrs").unwrap();
/// assert_eq!(s.attr_by_value(0).unwrap().name, "id");
/// assert_eq!(s.name_prefix, "ovs-tunnel-key-attr-");
/// # Ok::<(), nlwire_schema::SchemaError>(())
/// ```
#[derive(Clone, Debug)]
pub struct AttrSet {
    /// Name.
    pub name: String,
    /// Documentation.
    pub doc: Option<String>,
    /// C enum prefix: `name-prefix`, the superset's, or `<family>-a-[<set>-]`.
    pub name_prefix: String,
    /// C enum type name; `None` when not given or given as null.
    pub enum_name: Option<String>,
    /// `attr-cnt-name`.
    pub attr_cnt_name: Option<String>,
    /// `attr-max-name`.
    pub attr_max_name: Option<String>,
    /// C header that already defines it.
    pub header: Option<String>,
    /// The superset, for a subset.
    pub subset_of: Option<SetId>,
    /// Attributes in spec order.
    pub attrs: Vec<Attr>,
    /// Where it is written.
    pub pos: Pos,
    pub(crate) by_name: HashMap<String, usize>,
    pub(crate) by_value: HashMap<u16, usize>,
}

impl AttrSet {
    /// An attribute by name.
    ///
    /// ```
    /// let f = nlwire_schema::builtin::load("nlctrl").unwrap()?;
    /// assert_eq!(f.set("ctrl-attrs").unwrap().attr("version").unwrap().value, 3);
    /// # Ok::<(), nlwire_schema::SchemaError>(())
    /// ```
    pub fn attr(&self, name: &str) -> Option<&Attr> {
        self.position(name).map(|i| &self.attrs[i])
    }

    /// Index in [`AttrSet::attrs`] of an attribute by name.
    ///
    /// ```
    /// let f = nlwire_schema::builtin::load("nlctrl").unwrap()?;
    /// // `unspec` (id 0) comes first.
    /// assert_eq!(f.set("ctrl-attrs").unwrap().position("version"), Some(3));
    /// # Ok::<(), nlwire_schema::SchemaError>(())
    /// ```
    pub fn position(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }

    /// An attribute by id; the first one in spec order if ids repeat.
    ///
    /// ```
    /// let f = nlwire_schema::builtin::load("nlctrl").unwrap()?;
    /// assert_eq!(f.set("ctrl-attrs").unwrap().attr_by_value(1).unwrap().name, "family-id");
    /// # Ok::<(), nlwire_schema::SchemaError>(())
    /// ```
    pub fn attr_by_value(&self, value: u16) -> Option<&Attr> {
        self.by_value.get(&value).map(|&i| &self.attrs[i])
    }

    /// Largest attribute id (0 for an empty set).
    ///
    /// ```
    /// let f = nlwire_schema::builtin::load("nlctrl").unwrap()?;
    /// assert_eq!(f.set("ctrl-attrs").unwrap().max_value(), 10);
    /// # Ok::<(), nlwire_schema::SchemaError>(())
    /// ```
    pub fn max_value(&self) -> u16 {
        self.attrs.iter().map(|a| a.value).max().unwrap_or(0)
    }
}

/// One attribute.
///
/// ```
/// use nlwire_schema::AttrType;
/// let f = nlwire_schema::builtin::load("ovs_flow").unwrap()?;
/// let key = f.set("flow-attrs").unwrap().attr("key").unwrap();
/// assert_eq!(key.ty, AttrType::Nest);
/// assert_eq!(f[key.nested.unwrap()].name, "key-attrs");
/// # Ok::<(), nlwire_schema::SchemaError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attr {
    /// Name.
    pub name: String,
    /// Documentation.
    pub doc: Option<String>,
    /// Attribute id (type field).
    pub value: u16,
    /// Type.
    pub ty: AttrType,
    /// Element type of an indexed-array, or of a C array in a binary: an integer type, or
    /// `binary` together with [`struct_`](Self::struct_) for a packed array of that struct
    /// (see [`Attr::struct_array`]).
    pub sub_type: Option<AttrType>,
    /// May repeat (`multi-attr`).
    pub multi: bool,
    /// Set of the nested attributes (nest, indexed-array of nests, nest-type-value).
    pub nested: Option<SetId>,
    /// Struct of a binary payload.
    pub struct_: Option<DefId>,
    /// Enum or flags of the value.
    pub enum_: Option<DefId>,
    /// Take the enum's entries as bit positions.
    pub enum_as_flags: bool,
    /// Sub-message of a sub-message attribute.
    pub sub_message: Option<SubMsgId>,
    /// Name of the attribute whose value picks the sub-message format; it is looked up in
    /// this set first, then in the sets that nest it.
    pub selector: Option<String>,
    /// Byte order of an integer payload.
    pub byte_order: ByteOrder,
    /// Formatting hint.
    pub display_hint: Option<DisplayHint>,
    /// Kernel input validation.
    pub checks: Checks,
    /// Names of the values carried in the type fields of a nest-type-value.
    pub type_value: Vec<String>,
    /// C enum prefix of this attribute alone.
    pub name_prefix: Option<String>,
    /// Where it is written.
    pub pos: Pos,
}

impl Attr {
    /// The element struct of a packed array of structs: a `binary` attribute with
    /// `sub-type: binary` and `struct:` (nlwire's reading of YNL's C arrays, whose
    /// `sub-type` names the element type, for elements that are structs). `None` for a
    /// single struct (`struct:` alone) and every other shape.
    ///
    /// ```
    /// let spec = "
    /// name: demo
    /// doc: A demo family.
    /// protocol: genetlink-legacy
    /// definitions:
    ///   - {name: pair, type: struct, members: [{name: a, type: u32}, {name: b, type: u32}]}
    /// attribute-sets:
    ///   - name: main
    ///     attributes:
    ///       - {name: pairs, type: binary, sub-type: binary, struct: pair}
    ///       - {name: one, type: binary, struct: pair}
    /// operations: {list: []}
    /// ";
    /// let f = nlwire_schema::load_str(spec, "demo.yaml").unwrap();
    /// let set = f.set("main").unwrap();
    /// let pair = set.attr("pairs").unwrap().struct_array().unwrap();
    /// assert_eq!(f[pair].name, "pair");
    /// assert!(set.attr("one").unwrap().struct_array().is_none());
    /// ```
    pub fn struct_array(&self) -> Option<DefId> {
        match (self.ty, self.sub_type) {
            (AttrType::Binary, Some(AttrType::Binary)) => self.struct_,
            _ => None,
        }
    }

    /// The bracketed tags that open the doc (`[not-in-6.1] [nla-f-nested] Text` gives
    /// `not-in-6.1` and `nla-f-nested`): nlwire's annotations of facts YNL has no key for,
    /// written where the spec's JSON schema allows free text.
    ///
    /// ```
    /// let spec = "
    /// name: demo
    /// doc: A demo family.
    /// attribute-sets:
    ///   - name: main
    ///     attributes:
    ///       - {name: n, type: nest, nested-attributes: main, doc: '[nla-f-nested] Strict.'}
    /// operations: {list: []}
    /// ";
    /// let f = nlwire_schema::load_str(spec, "demo.yaml").unwrap();
    /// let n = f.set("main").unwrap().attr("n").unwrap();
    /// assert_eq!(n.doc_tags().collect::<Vec<_>>(), ["nla-f-nested"]);
    /// assert!(n.needs_nested_flag());
    /// ```
    pub fn doc_tags(&self) -> impl Iterator<Item = &str> {
        let mut rest = self.doc.as_deref().unwrap_or("").trim_start();
        std::iter::from_fn(move || {
            let tag = rest.strip_prefix('[')?;
            let end = tag.find(']')?;
            let (tag, after) = (&tag[..end], &tag[end + 1..]);
            if tag.is_empty() || tag.contains(char::is_whitespace) {
                return None;
            }
            rest = after.trim_start();
            Some(tag)
        })
    }

    /// The doc carries the `[nla-f-nested]` tag ([`NESTED_FLAG_TAG`]): the kernel parses
    /// this nest strictly (`nla_parse_nested`) wherever it appears, so it must be sent
    /// with `NLA_F_NESTED`, even in a family whose requests are otherwise validated
    /// liberally.
    ///
    /// ```
    /// let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/specs");
    /// let f = nlwire_schema::load(format!("{dir}/ovs_flow.yaml")).unwrap();
    /// let actions = f.set("action-attrs").unwrap();
    /// assert!(actions.attr("psample").unwrap().needs_nested_flag());
    /// assert!(!actions.attr("sample").unwrap().needs_nested_flag());
    /// ```
    pub fn needs_nested_flag(&self) -> bool {
        self.doc_tags().any(|t| t == NESTED_FLAG_TAG)
    }
}

/// The doc tag that marks a nest the kernel parses strictly: see
/// [`Attr::needs_nested_flag`].
///
/// ```
/// assert_eq!(nlwire_schema::NESTED_FLAG_TAG, "nla-f-nested");
/// ```
pub const NESTED_FLAG_TAG: &str = "nla-f-nested";

/// Kernel input validation of an attribute, with const names and type limits resolved.
///
/// ```
/// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/specs/corner-genl.yaml")).unwrap();
/// let dev = f.set("dev").unwrap();
/// assert_eq!(dev.attr("ifindex").unwrap().checks.min, Some(1));
/// // Limits may name a type's bound or a const: `max: u32-max`, `max: max-errno`.
/// assert_eq!(dev.attr("count").unwrap().checks.max, Some(u32::MAX.into()));
/// assert_eq!(dev.attr("status").unwrap().checks.max, Some(4095));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Checks {
    /// Lower bound.
    pub min: Option<i128>,
    /// Upper bound.
    pub max: Option<i128>,
    /// Minimum length.
    pub min_len: Option<u32>,
    /// Maximum length (excluding the NUL of strings).
    pub max_len: Option<u32>,
    /// Exact length.
    pub exact_len: Option<u32>,
    /// Strings need not be NUL-terminated.
    pub unterminated_ok: bool,
    /// Flags definition whose bits are the allowed mask.
    pub flags_mask: Option<DefId>,
}

impl Checks {
    /// True when no check is given.
    ///
    /// ```
    /// assert!(nlwire_schema::Checks::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// A sub-message: payload formats picked by a selector value.
///
/// ```
/// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/specs/corner-link.yaml")).unwrap();
/// let m = f.sub_message("linkinfo-data-msg").unwrap();
/// let vlan = m.format("vlan").unwrap();
/// assert_eq!(f[vlan.attr_set.unwrap()].name, "vlan-attrs");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubMessage {
    /// Name.
    pub name: String,
    /// Formats in spec order.
    pub formats: Vec<SubMsgFormat>,
    /// Where it is written.
    pub pos: Pos,
}

impl SubMessage {
    /// The format for a selector value.
    ///
    /// ```
    /// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/specs/corner-qdisc.yaml")).unwrap();
    /// let netem = f.sub_message("options-msg").unwrap().format("netem").unwrap();
    /// assert_eq!(f[netem.fixed_header.unwrap()].name, "netem-qopt");
    /// assert_eq!(f[netem.attr_set.unwrap()].name, "netem-attrs");
    /// ```
    pub fn format(&self, value: &str) -> Option<&SubMsgFormat> {
        self.formats.iter().find(|f| f.value == value)
    }
}

/// One sub-message format: `[fixed header][attributes]`.
///
/// ```
/// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/specs/corner-qdisc.yaml")).unwrap();
/// let bfifo = f.sub_message("options-msg").unwrap().format("bfifo").unwrap();
/// assert!(bfifo.attr_set.is_none());
/// assert_eq!(f[bfifo.fixed_header.unwrap()].name, "fifo-qopt");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubMsgFormat {
    /// Selector value.
    pub value: String,
    /// Fixed header struct.
    pub fixed_header: Option<DefId>,
    /// Attribute set after the header.
    pub attr_set: Option<SetId>,
    /// Where it is written.
    pub pos: Pos,
}
