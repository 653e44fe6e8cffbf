//! Target: the codec's policy validator against a deliberately naive reference checker.
//!
//! Both read the same static policy tables; the reference re-implements the rules with a
//! flat list of attributes per level and no shared code, so a disagreement is a bug in one.

use nlwire::{AttrKind, AttrPolicy, Limits, Policy};

static INNER: Policy = Policy::new(
    "inner",
    &[
        AttrPolicy::new("id", 1, AttrKind::U32).required(),
        AttrPolicy::new("label", 2, AttrKind::String).max_len(8),
        AttrPolicy::new("inner", 3, AttrKind::Nested).nested(&INNER),
    ],
);

static ONE_OF: Policy = Policy::new(
    "one-of",
    &[
        AttrPolicy::new("a", 1, AttrKind::U16),
        AttrPolicy::new("b", 2, AttrKind::Binary).exact_len(4),
    ],
)
.exactly_one();

/// The policy every input is checked against: one entry of every kind.
pub static TOP: Policy = Policy::new(
    "top",
    &[
        AttrPolicy::new("flag", 1, AttrKind::Flag),
        AttrPolicy::new("u8", 2, AttrKind::U8).range(1, 100),
        AttrPolicy::new("u16", 3, AttrKind::U16)
            .big_endian()
            .range(0, 4096),
        AttrPolicy::new("u32", 4, AttrKind::U32)
            .flags_mask(0xff)
            .reject_duplicate(),
        AttrPolicy::new("u64", 5, AttrKind::U64),
        AttrPolicy::new("s8", 6, AttrKind::S8).range(-5, 5),
        AttrPolicy::new("s32", 7, AttrKind::S32),
        AttrPolicy::new("uint", 8, AttrKind::Uint).range(0, 1 << 40),
        AttrPolicy::new("sint", 9, AttrKind::Sint),
        AttrPolicy::new("name", 10, AttrKind::String)
            .max_len(16)
            .required(),
        AttrPolicy::new("text", 11, AttrKind::StringUnterminated).max_len(32),
        AttrPolicy::new("blob", 12, AttrKind::Binary)
            .min_len(2)
            .max_len(20),
        AttrPolicy::new("struct", 13, AttrKind::Binary).exact_len(12),
        AttrPolicy::new("nest", 14, AttrKind::Nested).nested(&INNER),
        AttrPolicy::new("list", 15, AttrKind::NestedArray).nested(&INNER),
        AttrPolicy::new("any", 16, AttrKind::Nested),
        AttrPolicy::new("one", 17, AttrKind::Nested).nested(&ONE_OF),
        AttrPolicy::new("bf", 18, AttrKind::Bitfield32),
        AttrPolicy::new("pad", 19, AttrKind::Pad),
        AttrPolicy::new("multi", 20, AttrKind::U8).multi(),
    ],
);

struct Ref {
    limits: Limits,
    attrs: usize,
}

impl Ref {
    fn tlvs<'a>(&mut self, bytes: &'a [u8]) -> Option<Vec<(u16, &'a [u8])>> {
        let mut out = Vec::new();
        let mut pos = 0;
        while pos < bytes.len() {
            let rest = &bytes[pos..];
            if rest.len() < 4 {
                return None;
            }
            let len = u16::from_ne_bytes([rest[0], rest[1]]) as usize;
            let ty = u16::from_ne_bytes([rest[2], rest[3]]) & 0x3fff;
            if len < 4 || len > rest.len() {
                return None;
            }
            self.attrs += 1;
            if self.attrs > self.limits.max_attrs {
                return None;
            }
            out.push((ty, &rest[4..len]));
            pos += len.next_multiple_of(4).min(rest.len());
        }
        Some(out)
    }

    fn int(kind: AttrKind, be: bool, p: &[u8]) -> Option<i128> {
        let u = |n: usize| -> Option<u128> {
            let b = p.get(..n)?;
            let mut v = 0u128;
            if be {
                for x in b {
                    v = (v << 8) | *x as u128;
                }
            } else {
                for x in b.iter().rev() {
                    v = (v << 8) | *x as u128;
                }
            }
            Some(v)
        };
        let sign = |v: u128, bits: u32| -> i128 {
            let shift = 128 - bits;
            ((v << shift) as i128) >> shift
        };
        Some(match kind {
            AttrKind::U8 | AttrKind::U16 | AttrKind::U32 | AttrKind::U64 => u(p.len())? as i128,
            AttrKind::Uint => u(p.len())? as i128,
            AttrKind::S8 | AttrKind::S16 | AttrKind::S32 | AttrKind::S64 | AttrKind::Sint => {
                sign(u(p.len())?, 8 * p.len() as u32)
            }
            AttrKind::Bitfield32 => u(4)? as i128,
            _ => return None,
        })
    }

    fn structure(&mut self, bytes: &[u8], depth: usize) -> bool {
        depth <= self.limits.depth() && self.tlvs(bytes).is_some()
    }

    fn walk(&mut self, p: &Policy, bytes: &[u8], depth: usize) -> bool {
        if depth > self.limits.depth() {
            return false;
        }
        let Some(list) = self.tlvs(bytes) else {
            return false;
        };
        for (ty, payload) in &list {
            let Some(e) = p.attrs.iter().find(|e| e.ty == *ty) else {
                continue;
            };
            if e.kind == AttrKind::Pad {
                continue;
            }
            let len = payload.len() as u64;
            if len < e.min_len as u64 || len > e.max_len as u64 {
                return false;
            }
            if e.kind == AttrKind::String {
                let nuls = payload.iter().filter(|b| **b == 0).count();
                if nuls != 1 || payload.last() != Some(&0) {
                    return false;
                }
            }
            if matches!(e.kind, AttrKind::Uint | AttrKind::Sint) && len != 4 && len != 8 {
                return false;
            }
            let ok = match e.kind {
                AttrKind::Nested => match e.nested {
                    Some(np) => self.walk(np, payload, depth + 1),
                    None => self.structure(payload, depth + 1),
                },
                AttrKind::NestedArray => {
                    if depth + 1 > self.limits.depth() {
                        return false;
                    }
                    let Some(items) = self.tlvs(payload) else {
                        return false;
                    };
                    items.iter().all(|(_, ip)| match e.nested {
                        Some(np) => self.walk(np, ip, depth + 2),
                        None => self.structure(ip, depth + 2),
                    })
                }
                _ => true,
            };
            if !ok {
                return false;
            }
            if let Some(v) = Self::int(e.kind, e.big_endian, payload) {
                if e.range.is_some_and(|r| v < r.min || v > r.max) {
                    return false;
                }
                if e.flags_mask.is_some_and(|m| (v as u64) & !m != 0) {
                    return false;
                }
            }
            if e.reject_duplicate && !e.multi && list.iter().filter(|(t, _)| t == ty).count() > 1 {
                return false;
            }
        }
        if p.exactly_one && list.len() != 1 {
            return false;
        }
        p.attrs
            .iter()
            .filter(|e| e.required)
            .all(|e| list.iter().any(|(t, _)| *t == e.ty))
    }
}

/// Validates `data[1..]` against [`TOP`] with both checkers (nesting limit taken from
/// `data[0]`) and panics if they disagree on whether it is valid.
///
/// ```
/// nlwire_fuzz::policy_check(&[3, 4, 0, 1, 0]);
/// ```
pub fn policy_check(data: &[u8]) {
    let Some((first, bytes)) = data.split_first() else {
        return;
    };
    let limits = Limits {
        max_depth: 1 + (*first as usize % 6),
        ..Limits::DEFAULT
    };
    let codec = TOP.validate_with(bytes, &limits, None);
    let reference = Ref { limits, attrs: 0 }.walk(&TOP, bytes, 1);
    assert_eq!(
        codec.is_ok(),
        reference,
        "codec says {codec:?}, reference says {reference}"
    );
}
