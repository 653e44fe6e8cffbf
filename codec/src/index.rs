//! A one-pass index from attribute type to attribute, so typed getters are O(1).

use crate::attr::{Attr, Attrs};
use crate::error::{AttrPath, Error, Result};
use crate::limits::Limits;

/// The attributes of one set, indexed by type in a single pass over the bytes.
///
/// Types below `N` get a slot (a repeated type keeps its last occurrence, as the kernel
/// and OVS do); types at or above `N` are counted as unknown and otherwise ignored. The
/// index lives on the stack: building it allocates nothing.
///
/// ```
/// use nlwire::{AttrIndex, MsgBuf};
/// let mut b = MsgBuf::new();
/// b.put_attr_u32(1, 10).unwrap();
/// b.put_attr_str(2, "dp0").unwrap();
/// b.put_attr_u32(40, 0).unwrap();
/// let idx = AttrIndex::<8>::parse(b.as_slice()).unwrap();
/// assert_eq!(idx.get(1).unwrap().get_u32().unwrap(), 10);
/// assert_eq!(idx.require(2, "name").unwrap().get_str().unwrap(), "dp0");
/// assert!(idx.get(3).is_none());
/// assert_eq!(idx.unknown(), 1);
/// ```
#[derive(Clone, Debug)]
pub struct AttrIndex<'a, const N: usize> {
    bytes: &'a [u8],
    /// Per type: 0 when absent, else [`Slot`]-packed payload offset, length and raw type.
    slots: [u64; N],
    seen: usize,
    unknown: usize,
}

/// A slot packs one attribute into 8 bytes, so that clearing and filling the index costs
/// a quarter of storing `Option<Attr>` (24 bytes): payload offset + 1 in the low 32
/// bits (never 0 for a present attribute), payload length in the next 16, raw type in the
/// top 16.
struct Slot;

impl Slot {
    #[inline]
    fn pack(offset: usize, len: usize, raw_type: u16) -> u64 {
        (offset as u64 + 1) | (len as u64) << 32 | u64::from(raw_type) << 48
    }

    #[inline]
    fn unpack<'a>(bytes: &'a [u8], slot: u64) -> Option<Attr<'a>> {
        let offset = (slot as u32 as usize).checked_sub(1)?;
        let len = (slot >> 32) as u16 as usize;
        let payload = bytes.get(offset..offset + len)?;
        Some(Attr::new((slot >> 48) as u16, payload))
    }
}

impl<'a, const N: usize> AttrIndex<'a, N> {
    /// Indexes `bytes` under [`Limits::DEFAULT`].
    pub fn parse(bytes: &'a [u8]) -> Result<Self> {
        Self::parse_with(bytes, &Limits::DEFAULT)
    }

    /// Indexes `bytes`, refusing more than `limits.max_attrs` attributes.
    /// Bytes above `u32::MAX - 1` are refused with [`Error::TooLarge`] (no netlink
    /// message is that long).
    pub fn parse_with(bytes: &'a [u8], limits: &Limits) -> Result<Self> {
        const MAX: usize = u32::MAX as usize - 1;
        if bytes.len() > MAX {
            return Err(Error::TooLarge {
                len: bytes.len(),
                limit: MAX,
            });
        }
        let mut idx = AttrIndex {
            bytes,
            slots: [0; N],
            seen: 0,
            unknown: 0,
        };
        let base = bytes.as_ptr() as usize;
        for a in Attrs::new(bytes) {
            let a = a?;
            idx.seen += 1;
            if idx.seen > limits.max_attrs {
                return Err(Error::TooManyAttrs {
                    limit: limits.max_attrs,
                });
            }
            match idx.slots.get_mut(a.ty() as usize) {
                Some(slot) => {
                    let offset = a.payload().as_ptr() as usize - base;
                    *slot = Slot::pack(offset, a.len(), a.raw_type());
                }
                None => idx.unknown += 1,
            }
        }
        Ok(idx)
    }

    /// The attribute of type `ty`, if present.
    #[inline]
    pub fn get(&self, ty: u16) -> Option<Attr<'a>> {
        Slot::unpack(self.bytes, *self.slots.get(ty as usize)?)
    }

    /// The attribute of type `ty`, or [`Error::Missing`] naming it.
    pub fn require(&self, ty: u16, name: &'static str) -> Result<Attr<'a>> {
        self.get(ty).ok_or(Error::Missing {
            path: AttrPath::root(),
            name,
            ty,
        })
    }

    /// Applies `f` to the attribute of type `ty` if present.
    ///
    /// ```
    /// let idx = nlwire::AttrIndex::<4>::parse(&[8, 0, 1, 0, 5, 0, 0, 0]).unwrap();
    /// assert_eq!(idx.map(1, |a| a.get_u32()).unwrap(), Some(5));
    /// assert!(idx.map(1, |a| a.get_u16()).is_err());
    /// ```
    pub fn map<T>(&self, ty: u16, f: impl FnOnce(Attr<'a>) -> Result<T>) -> Result<Option<T>> {
        match self.get(ty) {
            None => Ok(None),
            Some(a) => f(a).map(Some),
        }
    }

    /// How many attributes the bytes held, known or not.
    pub fn count(&self) -> usize {
        self.seen
    }

    /// How many attributes had a type at or above `N`.
    pub fn unknown(&self) -> usize {
        self.unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MsgBuf;
    use crate::consts::NLA_F_NESTED;

    #[test]
    fn slots_keep_flags_empty_payloads_and_the_last_repeat() {
        let mut b = MsgBuf::new();
        b.put_attr_flag(1).unwrap();
        b.put_attr_u32(2, 7).unwrap();
        b.put_attr_u32(2, 9).unwrap();
        let n = b.start_nested_flagged(3);
        b.put_attr_u8(1, 5).unwrap();
        b.end_nested(n).unwrap();
        b.put_attr(0, &[0xaa; 300]).unwrap();
        let idx = AttrIndex::<4>::parse(b.as_slice()).unwrap();
        let flag = idx.get(1).unwrap();
        assert!(flag.is_empty());
        assert_eq!(idx.get(2).unwrap().get_u32().unwrap(), 9);
        let nest = idx.get(3).unwrap();
        assert_eq!(nest.raw_type(), 3 | NLA_F_NESTED);
        assert_eq!(nest.payload(), &[5, 0, 1, 0, 5, 0, 0, 0][..]);
        assert_eq!(idx.get(0).unwrap().payload(), &[0xaa; 300][..]);
        assert_eq!((idx.count(), idx.unknown()), (5, 0));
        assert!(idx.get(4).is_none() && idx.get(u16::MAX).is_none());
    }

    #[test]
    fn every_attribute_agrees_with_the_iterator() {
        let mut b = MsgBuf::new();
        for ty in 0..64u16 {
            b.put_attr(ty, &vec![ty as u8; ty as usize * 3]).unwrap();
        }
        let idx = AttrIndex::<64>::parse(b.as_slice()).unwrap();
        for a in Attrs::new(b.as_slice()) {
            let a = a.unwrap();
            assert_eq!(idx.get(a.ty()), Some(a));
        }
    }
}
