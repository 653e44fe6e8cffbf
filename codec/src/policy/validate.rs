//! The validator: one check per attribute kind (payload length, string terminator,
//! integer range and mask), called by [`Policy::validate`] and by generated decoders
//! alike, and the walk of a set under the crate's one limit [`Budget`].

use crate::attr::{Attr, Attrs};
use crate::error::{AttrPath, Error, Result, StringFault};
use crate::limits::{Budget, Limits};

use super::{AttrKind, AttrPolicy, Policy};

#[cold]
#[inline(never)]
fn bad_length(ty: u16, len: usize, p: &AttrPolicy) -> Error {
    Error::BadLength {
        path: AttrPath::root().child(ty),
        len,
        min: p.min_len as usize,
        max: if p.max_len == u32::MAX {
            usize::MAX
        } else {
            p.max_len as usize
        },
    }
}

#[cold]
#[inline(never)]
fn out_of_range(ty: u16, value: i128, min: i128, max: i128) -> Error {
    Error::OutOfRange {
        path: AttrPath::root().child(ty),
        value,
        min,
        max,
    }
}

#[cold]
#[inline(never)]
fn bad_flags(ty: u16, value: u64, mask: u64) -> Error {
    Error::BadFlags {
        path: AttrPath::root().child(ty),
        value,
        mask,
    }
}

impl AttrPolicy {
    /// Checks the payload length of `a` against `min_len..=max_len` (the check of every
    /// kind; for a flag, that the payload is empty). The error names `a`'s type.
    ///
    /// ```
    /// use nlwire::{Attr, AttrKind, AttrPolicy};
    /// const P: AttrPolicy = AttrPolicy::new("ufid", 9, AttrKind::Binary).min_len(1).max_len(16);
    /// assert!(P.check_len(&Attr::new(9, &[0; 16])).is_ok());
    /// assert_eq!(
    ///     P.check_len(&Attr::new(9, &[0; 17])).unwrap_err().to_string(),
    ///     "#9: length 17, expected 1..=16"
    /// );
    /// ```
    #[inline]
    pub fn check_len(&self, a: &Attr<'_>) -> Result<()> {
        let len = a.len() as u64;
        if len < u64::from(self.min_len) || len > u64::from(self.max_len) {
            return Err(bad_length(a.ty(), a.len(), self));
        }
        Ok(())
    }

    /// Checks an integer value of attribute `ty` against the entry's range and flags
    /// mask (the check of every integer kind, after its payload was read).
    ///
    /// ```
    /// use nlwire::{AttrKind, AttrPolicy};
    /// const P: AttrPolicy = AttrPolicy::new("tcp-flags", 4, AttrKind::U8).range(0, 63);
    /// assert!(P.check_value(4, 63).is_ok());
    /// assert_eq!(P.check_value(4, 64).unwrap_err().to_string(), "#4: value 64 outside 0..=63");
    /// ```
    #[inline]
    pub fn check_value(&self, ty: u16, v: i128) -> Result<()> {
        if let Some(r) = self.range
            && (v < r.min || v > r.max)
        {
            return Err(out_of_range(ty, v, r.min, r.max));
        }
        if let Some(mask) = self.flags_mask
            && (v as u64) & !mask != 0
        {
            return Err(bad_flags(ty, v as u64, mask));
        }
        Ok(())
    }

    /// Checks a string payload: exactly one NUL, in the last byte.
    ///
    /// ```
    /// use nlwire::{Attr, AttrKind, AttrPolicy};
    /// const P: AttrPolicy = AttrPolicy::new("name", 2, AttrKind::String);
    /// assert!(P.check_string(&Attr::new(2, b"br0\0")).is_ok());
    /// assert!(P.check_string(&Attr::new(2, b"b\0r0\0")).is_err());
    /// ```
    pub fn check_string(&self, a: &Attr<'_>) -> Result<()> {
        let p = a.payload();
        let reason = match p.iter().position(|b| *b == 0) {
            None => StringFault::NoNul,
            Some(i) if i + 1 != p.len() => StringFault::InteriorNul,
            Some(_) => return Ok(()),
        };
        Err(Error::BadString {
            path: AttrPath::root().child(a.ty()),
            reason,
        })
    }

    /// The integer an attribute of this entry holds, for [`check_value`](Self::check_value)
    /// (`None` for kinds that are not integers).
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

    /// Checks one attribute against this entry, nested payloads included: the same
    /// per-kind checks a generated decoder makes, in the same order.
    fn check(&self, a: &Attr<'_>, cx: &mut Walk<'_>) -> Result<()> {
        self.check_len(a)?;
        match self.kind {
            AttrKind::String => self.check_string(a)?,
            AttrKind::Nested => {
                let res = match self.nested {
                    Some(p) => p.walk(a.payload(), cx),
                    None => cx.structure(a.payload()),
                };
                res.map_err(|e| e.within(self.ty))?;
            }
            AttrKind::NestedArray => self.check_items(a, cx).map_err(|e| e.within(self.ty))?,
            _ => {}
        }
        if let Some(v) = self.int_value(a)? {
            self.check_value(a.ty(), v)?;
        }
        Ok(())
    }

    /// Walks the items of a nested array, each a set of the nested policy.
    fn check_items(&self, a: &Attr<'_>, cx: &mut Walk<'_>) -> Result<()> {
        cx.budget.enter()?;
        for item in Attrs::new(a.payload()) {
            let item = item?;
            cx.budget.count_n(1)?;
            let res = match self.nested {
                Some(p) => p.walk(item.payload(), cx),
                None => cx.structure(item.payload()),
            };
            res.map_err(|e| e.within(item.ty()))?;
        }
        cx.budget.leave();
        Ok(())
    }
}

/// Receives each attribute whose type a policy does not know, with its path.
pub type UnknownSink<'f> = &'f mut dyn FnMut(AttrPath, Attr<'_>);

/// A walk's [`Budget`] and where unknown attributes go.
struct Walk<'f> {
    budget: Budget,
    unknown: Option<UnknownSink<'f>>,
}

impl Walk<'_> {
    /// Checks the TLV structure of a region that has no policy.
    fn structure(&mut self, bytes: &[u8]) -> Result<()> {
        self.budget.enter()?;
        for a in Attrs::new(bytes) {
            a?;
            self.budget.count_n(1)?;
        }
        self.budget.leave();
        Ok(())
    }
}

impl Policy {
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
        limits.check_size(bytes)?;
        let mut cx = Walk {
            budget: Budget::new(limits),
            unknown,
        };
        self.walk(bytes, &mut cx).map_err(|e| e.named_by(self))
    }

    /// Walks one set one level down (the budget enters and leaves that level).
    fn walk(&self, bytes: &[u8], cx: &mut Walk<'_>) -> Result<()> {
        cx.budget.enter()?;
        let mut seen: u128 = 0;
        let mut total = 0usize;
        for a in Attrs::new(bytes) {
            let a = a?;
            cx.budget.count_n(1)?;
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
            p.check(&a, cx)?;
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
        cx.budget.leave();
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
