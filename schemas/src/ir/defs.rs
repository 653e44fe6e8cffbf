//! Definitions: consts, enums and flags, packed structs.

use super::{ByteOrder, DefId, DisplayHint, Pos};

/// A `definitions:` entry.
///
/// ```
/// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/specs/corner-genl.yaml")).unwrap();
/// assert_eq!(f.def("max-errno").unwrap().as_const_int(), Some(4095));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Definition {
    /// Name.
    pub name: String,
    /// Documentation.
    pub doc: Option<String>,
    /// C header that already defines it.
    pub header: Option<String>,
    /// Where C renders it.
    pub scope: Scope,
    /// Where it is written.
    pub pos: Pos,
    /// What it defines.
    pub kind: DefKind,
}

impl Definition {
    /// The enum or flags, if it is one.
    ///
    /// ```
    /// let f = nlwire_schema::builtin::load("nlctrl").unwrap()?;
    /// assert!(f.def("op-flags").unwrap().as_enum().unwrap().flags);
    /// # Ok::<(), nlwire_schema::SchemaError>(())
    /// ```
    pub fn as_enum(&self) -> Option<&EnumDef> {
        match &self.kind {
            DefKind::Enum(e) => Some(e),
            _ => None,
        }
    }

    /// The struct, if it is one.
    ///
    /// ```
    /// let f = nlwire_schema::builtin::load("ovs_flow").unwrap()?;
    /// assert_eq!(f.def("ovs-flow-stats").unwrap().as_struct().unwrap().size, 16);
    /// # Ok::<(), nlwire_schema::SchemaError>(())
    /// ```
    pub fn as_struct(&self) -> Option<&StructDef> {
        match &self.kind {
            DefKind::Struct(s) => Some(s),
            _ => None,
        }
    }

    /// The value of an integer const.
    ///
    /// ```
    /// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/specs/corner-legacy.yaml")).unwrap();
    /// assert_eq!(f.def("label-len").unwrap().as_const_int(), Some(32));
    /// ```
    pub fn as_const_int(&self) -> Option<i128> {
        match &self.kind {
            DefKind::Const(ConstValue::Int(v)) => Some(*v),
            _ => None,
        }
    }

    /// `const`, `enum`, `flags` or `struct`.
    ///
    /// ```
    /// let f = nlwire_schema::builtin::load("nlctrl").unwrap()?;
    /// assert_eq!(f.def("op-flags").unwrap().kind_name(), "flags");
    /// # Ok::<(), nlwire_schema::SchemaError>(())
    /// ```
    pub fn kind_name(&self) -> &'static str {
        match &self.kind {
            DefKind::Const(_) => "const",
            DefKind::Enum(e) if e.flags => "flags",
            DefKind::Enum(_) => "enum",
            DefKind::Struct(_) => "struct",
        }
    }
}

/// Where a C generator renders a definition.
///
/// ```
/// let f = nlwire_schema::builtin::load("nlctrl").unwrap()?;
/// assert_eq!(f.def("op-flags").unwrap().scope, nlwire_schema::Scope::Uapi);
/// # Ok::<(), nlwire_schema::SchemaError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Scope {
    /// uAPI header (the default).
    #[default]
    Uapi,
    /// Kernel-only header.
    Kernel,
    /// User-space-only header.
    User,
}

/// What a definition defines.
///
/// ```
/// use nlwire_schema::DefKind;
/// let f = nlwire_schema::builtin::load("ovs_flow").unwrap()?;
/// assert!(matches!(f.def("ovs-header").unwrap().kind, DefKind::Struct(_)));
/// # Ok::<(), nlwire_schema::SchemaError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DefKind {
    /// `const`.
    Const(ConstValue),
    /// `enum` or `flags`.
    Enum(EnumDef),
    /// `struct`.
    Struct(StructDef),
}

/// Value of a `const` definition.
///
/// ```
/// use nlwire_schema::ConstValue;
/// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/specs/corner-genl.yaml")).unwrap();
/// assert_eq!(f.def("events-group").unwrap().kind, nlwire_schema::DefKind::Const(ConstValue::Str("events".into())));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConstValue {
    /// Integer.
    Int(i128),
    /// String.
    Str(String),
}

/// An `enum` or `flags` definition with its entries numbered.
///
/// ```
/// let f = nlwire_schema::builtin::load("nlctrl").unwrap()?;
/// let e = f.def("op-flags").unwrap().as_enum().unwrap();
/// assert_eq!(e.entry("cmd-cap-do").unwrap().value, 1);
/// assert_eq!(e.user_value(e.entry("cmd-cap-do").unwrap()), 2);
/// # Ok::<(), nlwire_schema::SchemaError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnumDef {
    /// `flags`: entry values are bit positions.
    pub flags: bool,
    /// Entries in spec order.
    pub entries: Vec<EnumEntry>,
    /// C entry prefix (default `<family>-<name>-`).
    pub name_prefix: String,
    /// C enum type name; `None` when not given or given as null.
    pub enum_name: Option<String>,
    /// `render-max`.
    pub render_max: bool,
    /// `enum-cnt-name`.
    pub enum_cnt_name: Option<String>,
}

impl EnumDef {
    /// An entry by name.
    ///
    /// ```
    /// let f = nlwire_schema::builtin::load("nlctrl").unwrap()?;
    /// assert_eq!(f.def("attr-type").unwrap().as_enum().unwrap().entry("u8").unwrap().value, 2);
    /// # Ok::<(), nlwire_schema::SchemaError>(())
    /// ```
    pub fn entry(&self, name: &str) -> Option<&EnumEntry> {
        self.entries.iter().find(|e| e.name == name)
    }

    /// The first entry whose raw value (bit position for flags) is `value`.
    ///
    /// ```
    /// let f = nlwire_schema::builtin::load("nlctrl").unwrap()?;
    /// assert_eq!(f.def("attr-type").unwrap().as_enum().unwrap().entry_by_value(2).unwrap().name, "u8");
    /// # Ok::<(), nlwire_schema::SchemaError>(())
    /// ```
    pub fn entry_by_value(&self, value: i64) -> Option<&EnumEntry> {
        self.entries.iter().find(|e| e.value == value)
    }

    /// The value on the wire: the raw value for enums, `1 << value` for flags.
    ///
    /// ```
    /// let f = nlwire_schema::builtin::load("nlctrl").unwrap()?;
    /// let e = f.def("op-flags").unwrap().as_enum().unwrap();
    /// assert_eq!(e.user_value(e.entry("uns-admin-perm").unwrap()), 16);
    /// # Ok::<(), nlwire_schema::SchemaError>(())
    /// ```
    pub fn user_value(&self, entry: &EnumEntry) -> i128 {
        if self.flags {
            1i128 << entry.value
        } else {
            entry.value.into()
        }
    }

    /// OR of every entry taken as a bit position (for flags, or for an enum used with `enum-as-flags`).
    ///
    /// ```
    /// let f = nlwire_schema::builtin::load("nlctrl").unwrap()?;
    /// assert_eq!(f.def("op-flags").unwrap().as_enum().unwrap().mask(), 0x1f);
    /// # Ok::<(), nlwire_schema::SchemaError>(())
    /// ```
    pub fn mask(&self) -> u64 {
        self.entries
            .iter()
            .filter(|e| (0..64).contains(&e.value))
            .fold(0, |m, e| m | (1u64 << e.value))
    }

    /// Smallest and largest raw value, or `None` without entries.
    ///
    /// ```
    /// let f = nlwire_schema::builtin::load("nlctrl").unwrap()?;
    /// assert_eq!(f.def("attr-type").unwrap().as_enum().unwrap().range(), Some((0, 17)));
    /// # Ok::<(), nlwire_schema::SchemaError>(())
    /// ```
    pub fn range(&self) -> Option<(i64, i64)> {
        let min = self.entries.iter().map(|e| e.value).min()?;
        let max = self.entries.iter().map(|e| e.value).max()?;
        Some((min, max))
    }
}

/// One enum or flags entry.
///
/// ```
/// let f = nlwire_schema::builtin::load("nlctrl").unwrap()?;
/// let e = &f.def("attr-type").unwrap().as_enum().unwrap().entries[0];
/// assert_eq!((e.name.as_str(), e.value), ("invalid", 0));
/// # Ok::<(), nlwire_schema::SchemaError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnumEntry {
    /// Name.
    pub name: String,
    /// Raw value: the number for enums, the bit position for flags.
    pub value: i64,
    /// Documentation.
    pub doc: Option<String>,
    /// Where it is written.
    pub pos: Pos,
}

/// A packed C struct (no implicit padding), with member offsets computed.
///
/// ```
/// let f = nlwire_schema::builtin::load("ovs_flow").unwrap()?;
/// let s = f.def("ovs-key-ethernet").unwrap().as_struct().unwrap();
/// assert_eq!((s.size, s.members[1].offset), (12, 6));
/// # Ok::<(), nlwire_schema::SchemaError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StructDef {
    /// Members in layout order.
    pub members: Vec<Member>,
    /// Total size in bytes.
    pub size: u32,
}

impl StructDef {
    /// A member by name.
    ///
    /// ```
    /// let f = nlwire_schema::builtin::load("ovs_flow").unwrap()?;
    /// assert_eq!(f.def("ovs-header").unwrap().as_struct().unwrap().member("dp-ifindex").unwrap().size, 4);
    /// # Ok::<(), nlwire_schema::SchemaError>(())
    /// ```
    pub fn member(&self, name: &str) -> Option<&Member> {
        self.members.iter().find(|m| m.name == name)
    }
}

/// One struct member.
///
/// ```
/// use nlwire_schema::{ByteOrder, IntType, MemberType};
/// let f = nlwire_schema::builtin::load("ovs_flow").unwrap()?;
/// let m = &f.def("ovs-key-mpls").unwrap().as_struct().unwrap().members[0];
/// assert_eq!((m.ty, m.byte_order), (MemberType::Int(IntType::U32), ByteOrder::BigEndian));
/// # Ok::<(), nlwire_schema::SchemaError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    /// Name.
    pub name: String,
    /// Type.
    pub ty: MemberType,
    /// `len` of binary, string and pad members.
    pub len: Option<u32>,
    /// Byte order of integers.
    pub byte_order: ByteOrder,
    /// Documentation.
    pub doc: Option<String>,
    /// Enum of the value.
    pub enum_: Option<DefId>,
    /// Take the enum's entries as bit positions.
    pub enum_as_flags: bool,
    /// Formatting hint.
    pub display_hint: Option<DisplayHint>,
    /// Nested struct of a binary member.
    pub struct_: Option<DefId>,
    /// Offset in the struct.
    pub offset: u32,
    /// Size in bytes.
    pub size: u32,
    /// Where it is written.
    pub pos: Pos,
}

/// Fixed-width integer types.
///
/// ```
/// use nlwire_schema::IntType;
/// assert_eq!(IntType::S16.width(), 2);
/// assert!(IntType::S16.signed());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IntType {
    /// `u8`.
    U8,
    /// `u16`.
    U16,
    /// `u32`.
    U32,
    /// `u64`.
    U64,
    /// `s8`.
    S8,
    /// `s16`.
    S16,
    /// `s32`.
    S32,
    /// `s64`.
    S64,
}

impl IntType {
    /// Parses `u8` ... `s64`.
    ///
    /// ```
    /// assert_eq!(nlwire_schema::IntType::parse("u64"), Some(nlwire_schema::IntType::U64));
    /// ```
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "u8" => Self::U8,
            "u16" => Self::U16,
            "u32" => Self::U32,
            "u64" => Self::U64,
            "s8" => Self::S8,
            "s16" => Self::S16,
            "s32" => Self::S32,
            "s64" => Self::S64,
            _ => return None,
        })
    }

    /// Width in bytes.
    ///
    /// ```
    /// assert_eq!(nlwire_schema::IntType::U64.width(), 8);
    /// ```
    pub fn width(self) -> u32 {
        match self {
            Self::U8 | Self::S8 => 1,
            Self::U16 | Self::S16 => 2,
            Self::U32 | Self::S32 => 4,
            Self::U64 | Self::S64 => 8,
        }
    }

    /// True for `s*`.
    ///
    /// ```
    /// assert!(!nlwire_schema::IntType::U8.signed());
    /// ```
    pub fn signed(self) -> bool {
        matches!(self, Self::S8 | Self::S16 | Self::S32 | Self::S64)
    }

    /// Smallest and largest value.
    ///
    /// ```
    /// assert_eq!(nlwire_schema::IntType::S8.bounds(), (-128, 127));
    /// ```
    pub fn bounds(self) -> (i128, i128) {
        let bits = self.width() * 8;
        if self.signed() {
            (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
        } else {
            (0, (1i128 << bits) - 1)
        }
    }

    /// The spelling in specs.
    ///
    /// ```
    /// assert_eq!(nlwire_schema::IntType::S32.as_str(), "s32");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Self::U8 => "u8",
            Self::U16 => "u16",
            Self::U32 => "u32",
            Self::U64 => "u64",
            Self::S8 => "s8",
            Self::S16 => "s16",
            Self::S32 => "s32",
            Self::S64 => "s64",
        }
    }
}

/// Type of a struct member.
///
/// ```
/// use nlwire_schema::MemberType;
/// let f = nlwire_schema::builtin::load("ovs_flow").unwrap()?;
/// assert_eq!(f.def("ovs-key-ethernet").unwrap().as_struct().unwrap().members[0].ty, MemberType::Binary);
/// # Ok::<(), nlwire_schema::SchemaError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MemberType {
    /// A fixed-width integer.
    Int(IntType),
    /// A fixed-size char array.
    String,
    /// Bytes (`len`) or a nested struct.
    Binary,
    /// Padding bytes.
    Pad,
}
