//! Static attribute policies and a validator that says which attribute failed and why.
//!
//! A [`Policy`] carries what the kernel's own policy dump (`CTRL_CMD_GETPOLICY`) exposes
//! per attribute: kind, length bounds, value range, flags mask and nested policy, plus
//! the userspace rules the kernel leaves to callers (required, may repeat). Semantics:
//! unknown types are skipped (and can be collected), strings need exactly one trailing
//! NUL, a repeated attribute keeps its last value unless the policy rejects duplicates,
//! stray bytes after the last attribute are an error, missing required attributes are
//! reported by name.
//!
//! This file holds the tables, which depend on nothing else in the crate; the checks and
//! the walk over them (`Policy::validate`, and the per-kind checks generated decoders call
//! too) are in `policy/validate.rs`.

mod validate;

/// The wire kind of an attribute. Numbered as the kernel's `NL_ATTR_TYPE_*` where one
/// exists (see [`AttrKind::kernel_type`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AttrKind {
    /// No payload.
    Flag,
    /// 1-byte unsigned.
    U8,
    /// 2-byte unsigned, host order (or network order with `be`).
    U16,
    /// 4-byte unsigned.
    U32,
    /// 8-byte unsigned (only 4-byte aligned on the wire).
    U64,
    /// 1-byte signed.
    S8,
    /// 2-byte signed.
    S16,
    /// 4-byte signed.
    S32,
    /// 8-byte signed.
    S64,
    /// Variable-width unsigned: 4 or 8 bytes.
    Uint,
    /// Variable-width signed: 4 or 8 bytes.
    Sint,
    /// Opaque bytes, or a fixed struct when `min_len == max_len`.
    Binary,
    /// Text with exactly one NUL, in the last byte.
    String,
    /// Text whose NUL may be missing (YNL `unterminated-ok`).
    StringUnterminated,
    /// Nested attributes of the `nested` policy.
    Nested,
    /// Nested list: each inner attribute (whatever its type) holds attributes of the
    /// `nested` policy (YNL `indexed-array` of nests, OVS meter bands).
    NestedArray,
    /// `struct nla_bitfield32`: value and selector, 8 bytes.
    Bitfield32,
    /// Alignment padding, ignored.
    Pad,
}

impl AttrKind {
    /// The kernel's `NL_ATTR_TYPE_*` number for this kind, as a policy dump reports it.
    ///
    /// ```
    /// assert_eq!(nlwire::AttrKind::U32.kernel_type(), 4);
    /// assert_eq!(nlwire::AttrKind::Nested.kernel_type(), 13);
    /// ```
    pub const fn kernel_type(self) -> u32 {
        match self {
            AttrKind::Flag => 1,
            AttrKind::U8 => 2,
            AttrKind::U16 => 3,
            AttrKind::U32 => 4,
            AttrKind::U64 => 5,
            AttrKind::S8 => 6,
            AttrKind::S16 => 7,
            AttrKind::S32 => 8,
            AttrKind::S64 => 9,
            AttrKind::Binary | AttrKind::Pad => 10,
            AttrKind::StringUnterminated => 11,
            AttrKind::String => 12,
            AttrKind::Nested => 13,
            AttrKind::NestedArray => 14,
            AttrKind::Bitfield32 => 15,
            AttrKind::Sint => 16,
            AttrKind::Uint => 17,
        }
    }

    /// Payload length bounds implied by the kind alone.
    pub const fn default_len(self) -> (u32, u32) {
        match self {
            AttrKind::Flag => (0, 0),
            AttrKind::U8 | AttrKind::S8 => (1, 1),
            AttrKind::U16 | AttrKind::S16 => (2, 2),
            AttrKind::U32 | AttrKind::S32 => (4, 4),
            AttrKind::U64 | AttrKind::S64 | AttrKind::Bitfield32 => (8, 8),
            AttrKind::Uint | AttrKind::Sint => (4, 8),
            AttrKind::String => (1, u32::MAX),
            _ => (0, u32::MAX),
        }
    }
}

/// An inclusive value range for integer kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ValueRange {
    /// Smallest allowed value.
    pub min: i128,
    /// Largest allowed value.
    pub max: i128,
}

/// The rules for one attribute type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AttrPolicy {
    /// Name used in error paths and policy comparisons.
    pub name: &'static str,
    /// Attribute type number.
    pub ty: u16,
    /// Wire kind.
    pub kind: AttrKind,
    /// Smallest payload length.
    pub min_len: u32,
    /// Largest payload length (`u32::MAX` for none).
    pub max_len: u32,
    /// Must be present.
    pub required: bool,
    /// May appear several times (a YNL `multi-attr`).
    pub multi: bool,
    /// A repeat is an error instead of "last one wins".
    pub reject_duplicate: bool,
    /// Integer values must fall in this range.
    pub range: Option<ValueRange>,
    /// Integer values must have no bits outside this mask.
    pub flags_mask: Option<u64>,
    /// Big-endian integer on the wire.
    pub big_endian: bool,
    /// Policy of the nested attributes (for `Nested` and `NestedArray`).
    pub nested: Option<&'static Policy>,
}

impl AttrPolicy {
    /// A policy entry of `kind` with the kind's default lengths and nothing else.
    ///
    /// ```
    /// use nlwire::{AttrKind, AttrPolicy};
    /// const NAME: AttrPolicy = AttrPolicy::new("name", 1, AttrKind::String).max_len(16).required();
    /// assert_eq!((NAME.min_len, NAME.max_len, NAME.required), (1, 16, true));
    /// ```
    pub const fn new(name: &'static str, ty: u16, kind: AttrKind) -> Self {
        let (min_len, max_len) = kind.default_len();
        AttrPolicy {
            name,
            ty,
            kind,
            min_len,
            max_len,
            required: false,
            multi: false,
            reject_duplicate: false,
            range: None,
            flags_mask: None,
            big_endian: false,
            nested: None,
        }
    }
    /// Sets the smallest payload length.
    pub const fn min_len(mut self, n: u32) -> Self {
        self.min_len = n;
        self
    }
    /// Sets the largest payload length.
    pub const fn max_len(mut self, n: u32) -> Self {
        self.max_len = n;
        self
    }
    /// Sets both lengths (a fixed struct).
    pub const fn exact_len(mut self, n: u32) -> Self {
        self.min_len = n;
        self.max_len = n;
        self
    }
    /// Marks the attribute required.
    pub const fn required(mut self) -> Self {
        self.required = true;
        self
    }
    /// Allows repeats.
    pub const fn multi(mut self) -> Self {
        self.multi = true;
        self
    }
    /// Makes a repeat an error.
    pub const fn reject_duplicate(mut self) -> Self {
        self.reject_duplicate = true;
        self
    }
    /// Sets an inclusive value range.
    pub const fn range(mut self, min: i128, max: i128) -> Self {
        self.range = Some(ValueRange { min, max });
        self
    }
    /// Sets a flags mask.
    pub const fn flags_mask(mut self, mask: u64) -> Self {
        self.flags_mask = Some(mask);
        self
    }
    /// Marks a big-endian integer.
    pub const fn big_endian(mut self) -> Self {
        self.big_endian = true;
        self
    }
    /// Sets the nested policy.
    pub const fn nested(mut self, p: &'static Policy) -> Self {
        self.nested = Some(p);
        self
    }
}

/// The policy of one attribute set.
///
/// ```
/// use nlwire::{AttrKind, AttrPolicy, MsgBuf, Policy};
/// static DP: Policy = Policy::new("datapath", &[
///     AttrPolicy::new("name", 1, AttrKind::String).max_len(16).required(),
///     AttrPolicy::new("upcall-pid", 2, AttrKind::U32),
/// ]);
/// let mut b = MsgBuf::new();
/// b.put_attr_u32(2, 0).unwrap();
/// let err = DP.validate(b.as_slice()).unwrap_err();
/// assert_eq!(err.to_string(), "<top>: required attribute name (type 1) is missing");
/// ```
#[derive(Debug, PartialEq, Eq)]
pub struct Policy {
    /// Name of the set.
    pub name: &'static str,
    /// Entries, sorted by type.
    pub attrs: &'static [AttrPolicy],
    /// The set must hold exactly one attribute (OVS's SET action).
    pub exactly_one: bool,
}

impl Policy {
    /// A policy over `attrs`, which must be sorted by type without repeats.
    pub const fn new(name: &'static str, attrs: &'static [AttrPolicy]) -> Self {
        let mut i = 1;
        while i < attrs.len() {
            assert!(
                attrs[i - 1].ty < attrs[i].ty,
                "policy entries must be sorted by type, without repeats"
            );
            i += 1;
        }
        Policy {
            name,
            attrs,
            exactly_one: false,
        }
    }

    /// The same policy for a set that must hold exactly one attribute.
    pub const fn exactly_one(mut self) -> Self {
        self.exactly_one = true;
        self
    }

    /// The entry for attribute type `ty`.
    ///
    /// ```
    /// use nlwire::{AttrKind, AttrPolicy, Policy};
    /// static P: Policy = Policy::new("p", &[AttrPolicy::new("a", 3, AttrKind::U8)]);
    /// assert_eq!(P.get(3).unwrap().name, "a");
    /// assert!(P.get(4).is_none());
    /// ```
    pub fn get(&self, ty: u16) -> Option<&'static AttrPolicy> {
        self.attrs
            .binary_search_by_key(&ty, |a| a.ty)
            .ok()
            .map(|i| &self.attrs[i])
    }

    /// Largest attribute type the policy knows (the kernel's `maxtype`).
    pub fn max_type(&self) -> u16 {
        self.attrs.last().map_or(0, |a| a.ty)
    }
}
