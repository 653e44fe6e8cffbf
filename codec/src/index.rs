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
    slots: [Option<Attr<'a>>; N],
    seen: usize,
    unknown: usize,
}

impl<'a, const N: usize> AttrIndex<'a, N> {
    /// Indexes `bytes` under [`Limits::DEFAULT`].
    pub fn parse(bytes: &'a [u8]) -> Result<Self> {
        Self::parse_with(bytes, &Limits::DEFAULT)
    }

    /// Indexes `bytes`, refusing more than `limits.max_attrs` attributes.
    pub fn parse_with(bytes: &'a [u8], limits: &Limits) -> Result<Self> {
        let mut idx = AttrIndex {
            slots: [None; N],
            seen: 0,
            unknown: 0,
        };
        for a in Attrs::new(bytes) {
            let a = a?;
            idx.seen += 1;
            if idx.seen > limits.max_attrs {
                return Err(Error::TooManyAttrs {
                    limit: limits.max_attrs,
                });
            }
            match idx.slots.get_mut(a.ty() as usize) {
                Some(slot) => *slot = Some(a),
                None => idx.unknown += 1,
            }
        }
        Ok(idx)
    }

    /// The attribute of type `ty`, if present.
    pub fn get(&self, ty: u16) -> Option<Attr<'a>> {
        self.slots.get(ty as usize).copied().flatten()
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
