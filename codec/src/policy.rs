//! Static attribute policies and a validator that says which attribute failed and why.
//!
//! A [`Policy`] carries what the kernel's own policy dump (`CTRL_CMD_GETPOLICY`) exposes
//! per attribute: kind, length bounds, value range, flags mask and nested policy, plus
//! the userspace rules the kernel leaves to callers (required, may repeat). Semantics:
//! unknown types are skipped (and can be collected), strings need exactly one trailing
//! NUL, a repeated attribute keeps its last value unless the policy rejects duplicates,
//! stray bytes after the last attribute are an error, missing required attributes are
//! reported by name.

use crate::attr::{Attr, Attrs};
use crate::error::{AttrPath, Error, Result, StringFault};
use crate::limits::Limits;

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

    fn int_value(&self, a: &Attr<'_>) -> Result<Option<i128>> {
        let be = self.big_endian;
        let v = match self.kind {
            AttrKind::U8 => a.get_u8()? as i128,
            AttrKind::U16 if be => a.get_be16()? as i128,
            AttrKind::U16 => a.get_u16()? as i128,
            AttrKind::U32 if be => a.get_be32()? as i128,
            AttrKind::U32 => a.get_u32()? as i128,
            AttrKind::U64 if be => a.get_be64()? as i128,
            AttrKind::U64 => a.get_u64()? as i128,
            AttrKind::S8 => a.get_s8()? as i128,
            AttrKind::S16 => a.get_s16()? as i128,
            AttrKind::S32 => a.get_s32()? as i128,
            AttrKind::S64 => a.get_s64()? as i128,
            AttrKind::Uint => a.get_uint()? as i128,
            AttrKind::Sint => a.get_sint()? as i128,
            AttrKind::Bitfield32 => a
                .payload()
                .get(..4)
                .and_then(|s| s.try_into().ok())
                .map_or(0, u32::from_ne_bytes) as i128,
            _ => return Ok(None),
        };
        Ok(Some(v))
    }

    /// Checks one attribute's payload against this entry (nested payloads included).
    fn check(&self, a: &Attr<'_>, depth: usize, cx: &mut Walk<'_>) -> Result<()> {
        let len = a.len();
        if (len as u64) < self.min_len as u64 || (len as u64) > self.max_len as u64 {
            return Err(Error::BadLength {
                path: AttrPath::root(),
                len,
                min: self.min_len as usize,
                max: if self.max_len == u32::MAX {
                    usize::MAX
                } else {
                    self.max_len as usize
                },
            });
        }
        match self.kind {
            AttrKind::String => {
                let p = a.payload();
                let reason = match p.iter().position(|b| *b == 0) {
                    None => Some(StringFault::NoNul),
                    Some(i) if i + 1 != p.len() => Some(StringFault::InteriorNul),
                    Some(_) => None,
                };
                if let Some(reason) = reason {
                    return Err(Error::BadString {
                        path: AttrPath::root(),
                        reason,
                    });
                }
            }
            AttrKind::Nested => {
                if let Some(p) = self.nested {
                    p.walk(a.payload(), depth + 1, cx)?;
                } else {
                    cx.structure(a.payload(), depth + 1)?;
                }
            }
            AttrKind::NestedArray => {
                cx.enter(depth + 1)?;
                for item in Attrs::new(a.payload()) {
                    let item = item?;
                    cx.count(&item)?;
                    let res = match self.nested {
                        Some(p) => p.walk(item.payload(), depth + 2, cx),
                        None => cx.structure(item.payload(), depth + 2),
                    };
                    res.map_err(|e| e.within(item.ty()))?;
                }
            }
            _ => {}
        }
        let strip = |e: Error| match e {
            Error::BadLength { len, min, max, .. } => Error::BadLength {
                path: AttrPath::root(),
                len,
                min,
                max,
            },
            other => other,
        };
        if let Some(v) = self.int_value(a).map_err(strip)? {
            if let Some(r) = self.range
                && (v < r.min || v > r.max)
            {
                return Err(Error::OutOfRange {
                    path: AttrPath::root(),
                    value: v,
                    min: r.min,
                    max: r.max,
                });
            }
            if let Some(mask) = self.flags_mask {
                let bits = v as u64;
                if bits & !mask != 0 {
                    return Err(Error::BadFlags {
                        path: AttrPath::root(),
                        value: bits,
                        mask,
                    });
                }
            }
        }
        Ok(())
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

/// Receives each attribute whose type a policy does not know, with its path.
pub type UnknownSink<'f> = &'f mut dyn FnMut(AttrPath, Attr<'_>);

/// Counters a walk keeps against [`Limits`], and where unknown attributes go.
struct Walk<'f> {
    limits: Limits,
    attrs: usize,
    unknown: Option<UnknownSink<'f>>,
}

impl Walk<'_> {
    fn enter(&self, depth: usize) -> Result<()> {
        if depth > self.limits.depth() {
            Err(Error::TooDeep {
                path: AttrPath::root(),
                limit: self.limits.depth(),
            })
        } else {
            Ok(())
        }
    }

    fn count(&mut self, _a: &Attr<'_>) -> Result<()> {
        self.attrs += 1;
        if self.attrs > self.limits.max_attrs {
            return Err(Error::TooManyAttrs {
                limit: self.limits.max_attrs,
            });
        }
        Ok(())
    }

    /// Checks the TLV structure of a region that has no policy.
    fn structure(&mut self, bytes: &[u8], depth: usize) -> Result<()> {
        self.enter(depth)?;
        for a in Attrs::new(bytes) {
            self.count(&a?)?;
        }
        Ok(())
    }
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

    /// Validates the attributes in `bytes` under [`Limits::DEFAULT`]. Errors name the
    /// failing attribute from this policy.
    pub fn validate(&'static self, bytes: &[u8]) -> Result<()> {
        self.validate_with(bytes, &Limits::DEFAULT, None)
    }

    /// Validates the attributes in `bytes` under `limits`, handing every attribute of a
    /// type the policy does not know to `unknown` (with its path) if given.
    ///
    /// ```
    /// use nlwire::{AttrKind, AttrPolicy, Limits, MsgBuf, Policy};
    /// static P: Policy = Policy::new("p", &[AttrPolicy::new("a", 1, AttrKind::U8)]);
    /// let mut b = MsgBuf::new();
    /// b.put_attr_u8(1, 1).unwrap();
    /// b.put_attr_u8(9, 1).unwrap();
    /// let mut seen = Vec::new();
    /// P.validate_with(b.as_slice(), &Limits::DEFAULT, Some(&mut |_, a| seen.push(a.ty()))).unwrap();
    /// assert_eq!(seen, [9]);
    /// ```
    pub fn validate_with(
        &'static self,
        bytes: &[u8],
        limits: &Limits,
        unknown: Option<UnknownSink<'_>>,
    ) -> Result<()> {
        if bytes.len() > limits.max_bytes {
            return Err(Error::TooLarge {
                len: bytes.len(),
                limit: limits.max_bytes,
            });
        }
        let mut cx = Walk {
            limits: *limits,
            attrs: 0,
            unknown,
        };
        self.walk(bytes, 1, &mut cx).map_err(|e| e.named_by(self))
    }

    fn walk(&self, bytes: &[u8], depth: usize, cx: &mut Walk<'_>) -> Result<()> {
        cx.enter(depth)?;
        let mut seen: u128 = 0;
        let mut total = 0usize;
        for a in Attrs::new(bytes) {
            let a = a?;
            cx.count(&a)?;
            total += 1;
            let Some(i) = self.attrs.binary_search_by_key(&a.ty(), |p| p.ty).ok() else {
                if let Some(f) = cx.unknown.as_mut() {
                    f(AttrPath::root().child(a.ty()), a);
                }
                continue;
            };
            let p = &self.attrs[i];
            if p.kind == AttrKind::Pad {
                continue;
            }
            let bit = if i < 128 { 1u128 << i } else { 0 };
            if seen & bit != 0 && p.reject_duplicate && !p.multi {
                return Err(Error::Duplicate {
                    path: AttrPath::root().child(p.ty),
                });
            }
            seen |= bit;
            p.check(&a, depth, cx).map_err(|e| e.within(p.ty))?;
        }
        if self.exactly_one && total != 1 {
            return Err(Error::NotExactlyOne {
                path: AttrPath::root(),
                found: total,
            });
        }
        for (i, p) in self.attrs.iter().enumerate().filter(|(_, p)| p.required) {
            let present = if i < 128 {
                seen & (1u128 << i) != 0
            } else {
                Attrs::new(bytes).any(|a| a.is_ok_and(|a| a.ty() == p.ty))
            };
            if !present {
                return Err(Error::Missing {
                    path: AttrPath::root(),
                    name: p.name,
                    ty: p.ty,
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MsgBuf;

    static IPV4: Policy = Policy::new("ipv4", &[]);
    static KEY_SORTED: Policy = Policy::new(
        "key",
        &[
            AttrPolicy::new("encap", 1, AttrKind::Nested).nested(&KEY_SORTED),
            AttrPolicy::new("in-port", 3, AttrKind::U32).reject_duplicate(),
            AttrPolicy::new("ethernet", 4, AttrKind::Binary).exact_len(12),
            AttrPolicy::new("ipv4", 7, AttrKind::Binary).exact_len(12),
        ],
    );
    static FLOW: Policy = Policy::new(
        "flow",
        &[
            AttrPolicy::new("key", 1, AttrKind::Nested)
                .nested(&KEY_SORTED)
                .required(),
            AttrPolicy::new("name", 2, AttrKind::String).max_len(16),
            AttrPolicy::new("tcp-flags", 4, AttrKind::U8).range(0, 63),
            AttrPolicy::new("features", 5, AttrKind::U32).flags_mask(0xf),
            AttrPolicy::new("pad", 11, AttrKind::Pad),
        ],
    );
    static SET: Policy = Policy::new("set", &[]).exactly_one();

    fn flow_with_ipv4_len(n: usize) -> Vec<u8> {
        let mut b = MsgBuf::new();
        let k = b.start_nested(1);
        b.put_attr_u32(3, 1).unwrap();
        b.put_attr(7, &vec![0; n]).unwrap();
        b.end_nested(k).unwrap();
        b.to_vec()
    }

    #[test]
    fn nested_length_error_names_the_path() {
        let e = FLOW.validate(&flow_with_ipv4_len(8)).unwrap_err();
        assert_eq!(e.to_string(), "key.ipv4: length 8, expected 12");
        assert!(FLOW.validate(&flow_with_ipv4_len(12)).is_ok());
    }

    #[test]
    fn missing_required_is_named() {
        let mut b = MsgBuf::new();
        b.put_attr_u8(4, 1).unwrap();
        assert_eq!(
            FLOW.validate(b.as_slice()),
            Err(Error::Missing {
                path: AttrPath::root(),
                name: "key",
                ty: 1
            })
        );
    }

    #[test]
    fn string_needs_exactly_one_trailing_nul_and_max_counts_it() {
        for (payload, ok) in [
            (&b"dp0\0"[..], true),
            (b"dp0", false),
            (b"d\0p0\0", false),
            (&[b'a'; 16][..], false),
        ] {
            let mut b = MsgBuf::new();
            let k = b.start_nested(1);
            b.end_nested(k).unwrap();
            b.put_attr(2, payload).unwrap();
            assert_eq!(FLOW.validate(b.as_slice()).is_ok(), ok, "{payload:?}");
        }
        let mut b = flow_with_ipv4_len(12);
        let mut m = MsgBuf::new();
        m.put(&b);
        m.put_attr_str(2, "sixteen-chars-xx").unwrap();
        b = m.to_vec();
        assert!(matches!(
            FLOW.validate(&b),
            Err(Error::BadLength {
                len: 17,
                min: 1,
                max: 16,
                ..
            })
        ));
    }

    #[test]
    fn unknown_types_are_ignored_and_duplicates_keep_last_unless_rejected() {
        let mut b = MsgBuf::new();
        b.put(&flow_with_ipv4_len(12));
        b.put_attr_u64(99, 1).unwrap();
        b.put_attr_u8(4, 1).unwrap();
        b.put_attr_u8(4, 2).unwrap();
        assert!(FLOW.validate(b.as_slice()).is_ok());
        let mut b = MsgBuf::new();
        let k = b.start_nested(1);
        b.put_attr_u32(3, 1).unwrap();
        b.put_attr_u32(3, 2).unwrap();
        b.end_nested(k).unwrap();
        assert_eq!(
            FLOW.validate(b.as_slice()).unwrap_err().to_string(),
            "key.in-port: attribute appears more than once"
        );
    }

    #[test]
    fn trailing_garbage_is_an_error() {
        let mut v = flow_with_ipv4_len(12);
        v.extend([1, 2]);
        assert!(matches!(
            FLOW.validate(&v),
            Err(Error::TrailingBytes { .. })
        ));
    }

    #[test]
    fn range_and_flags_mask() {
        let mut b = MsgBuf::new();
        b.put(&flow_with_ipv4_len(12));
        b.put_attr_u8(4, 64).unwrap();
        assert_eq!(
            FLOW.validate(b.as_slice()).unwrap_err().to_string(),
            "tcp-flags: value 64 outside 0..=63"
        );
        let mut b = MsgBuf::new();
        b.put(&flow_with_ipv4_len(12));
        b.put_attr_u32(5, 0x10).unwrap();
        assert!(matches!(
            FLOW.validate(b.as_slice()),
            Err(Error::BadFlags {
                value: 0x10,
                mask: 0xf,
                ..
            })
        ));
    }

    #[test]
    fn depth_limit_applies() {
        fn nest(b: &mut MsgBuf<'_>, levels: usize) {
            let n = b.start_nested(1);
            if levels > 1 {
                nest(b, levels - 1);
            }
            b.end_nested(n).unwrap();
        }
        let mut ok = MsgBuf::new();
        nest(&mut ok, 31);
        assert!(FLOW.validate(ok.as_slice()).is_ok());
        let mut deep = MsgBuf::new();
        nest(&mut deep, 40);
        let e = FLOW.validate(deep.as_slice()).unwrap_err();
        assert!(matches!(e, Error::TooDeep { limit: 32, .. }), "{e}");
        let small = Limits {
            max_depth: 4,
            ..Limits::DEFAULT
        };
        let mut four = MsgBuf::new();
        nest(&mut four, 4);
        assert!(FLOW.validate_with(four.as_slice(), &small, None).is_err());
    }

    #[test]
    fn exactly_one() {
        let mut b = MsgBuf::new();
        assert!(matches!(
            SET.validate(b.as_slice()),
            Err(Error::NotExactlyOne { found: 0, .. })
        ));
        b.put_attr_u32(3, 1).unwrap();
        assert!(SET.validate(b.as_slice()).is_ok());
        b.put_attr_u32(4, 1).unwrap();
        assert!(SET.validate(b.as_slice()).is_err());
    }

    #[test]
    fn attr_count_limit() {
        let mut b = MsgBuf::new();
        for _ in 0..100 {
            b.put_attr_flag(50).unwrap();
        }
        let l = Limits {
            max_attrs: 99,
            ..Limits::DEFAULT
        };
        assert_eq!(
            IPV4.validate_with(b.as_slice(), &l, None),
            Err(Error::TooManyAttrs { limit: 99 })
        );
        assert!(IPV4.validate(b.as_slice()).is_ok());
    }
}

#[cfg(test)]
mod path_tests {
    use super::*;
    use crate::MsgBuf;

    static ITEM: Policy = Policy::new(
        "item",
        &[AttrPolicy::new("id", 1, AttrKind::U32).required()],
    );
    static TOP: Policy = Policy::new(
        "top",
        &[AttrPolicy::new("list", 2, AttrKind::NestedArray).nested(&ITEM)],
    );

    #[test]
    fn nested_array_items_print_as_indexes() {
        let mut b = MsgBuf::new();
        let list = b.start_nested(2);
        let item = b.start_nested(3);
        b.put_attr_u16(1, 7).unwrap();
        b.end_nested(item).unwrap();
        b.end_nested(list).unwrap();
        let e = TOP.validate(b.as_slice()).unwrap_err();
        assert_eq!(e.to_string(), "list[3].id: length 2, expected 4");
        assert_eq!(e.path().unwrap().types(), &[2, 3, 1]);
    }
}
