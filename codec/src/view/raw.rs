//! What a view keeps of what it did not know: the count of skipped attributes, and
//! attributes kept raw.

use core::marker::PhantomData;

use crate::attr::Attr;
use crate::buf::MsgBuf;
use crate::error::Result;

#[cfg(feature = "arbitrary")]
use crate::__private::arbitrary_bytes;
#[cfg(feature = "arbitrary")]
use crate::policy::{AttrKind, AttrPolicy};
#[cfg(feature = "arbitrary")]
use arbitrary::Unstructured;

/// Bookkeeping carried by every derived view: how many attributes of unknown types the
/// decoder skipped. (Also gives the view its lifetime when no field borrows.)
///
/// ```
/// let m = nlwire::view::ViewMeta::new(2);
/// assert_eq!(m.unknown(), 2);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ViewMeta<'a> {
    unknown: u32,
    _p: PhantomData<&'a ()>,
}

impl ViewMeta<'_> {
    /// Metadata for a set in which `unknown` attributes were skipped (see [`ViewMeta`]).
    #[inline]
    pub fn new(unknown: u32) -> Self {
        ViewMeta {
            unknown,
            _p: PhantomData,
        }
    }

    /// Attributes of unknown types that were skipped (see [`ViewMeta`]).
    #[inline]
    pub fn unknown(&self) -> usize {
        self.unknown as usize
    }
}

/// An attribute kept as it came (an `#[nla(unknown)]` enum variant): its type and payload.
///
/// ```
/// let raw = nlwire::view::RawAttr { ty: 40, payload: vec![1, 2] };
/// assert_eq!(raw.ty, 40);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct RawAttr {
    /// Attribute type (flag bits included, as received).
    pub ty: u16,
    /// Payload bytes.
    pub payload: Vec<u8>,
}

impl RawAttr {
    /// Appends the attribute.
    ///
    /// ```
    /// let mut b = nlwire::MsgBuf::new();
    /// nlwire::view::RawAttr { ty: 40, payload: vec![1] }.put(&mut b)?;
    /// assert_eq!(b.as_slice(), &[5, 0, 40, 0, 1, 0, 0, 0]);
    /// # Ok::<(), nlwire::Error>(())
    /// ```
    #[inline]
    pub fn put(&self, buf: &mut MsgBuf<'_>) -> Result<()> {
        buf.put_attr(self.ty, &self.payload)
    }

    /// The owned form of a received attribute.
    ///
    /// ```
    /// use nlwire::{Attr, view::RawAttr};
    /// let r = RawAttr::from_attr(Attr::new(40, &[1, 2]));
    /// assert_eq!((r.ty, r.payload), (40, vec![1, 2]));
    /// ```
    pub fn from_attr(a: Attr<'_>) -> Self {
        RawAttr {
            ty: a.raw_type(),
            payload: a.payload().to_vec(),
        }
    }

    /// An arbitrary attribute whose type is none of `known` (so it decodes as unknown).
    ///
    /// ```
    /// use nlwire::{arbitrary::Unstructured, view::RawAttr};
    /// let r = RawAttr::arbitrary_unknown(&mut Unstructured::new(&[1, 0, 0, 0]), &[1, 2])?;
    /// assert!(r.ty != 1 && r.ty != 2);
    /// # Ok::<(), nlwire::arbitrary::Error>(())
    /// ```
    #[cfg(feature = "arbitrary")]
    pub fn arbitrary_unknown(u: &mut Unstructured<'_>, known: &[u16]) -> arbitrary::Result<Self> {
        let mut ty = u.int_in_range(0..=crate::consts::NLA_TYPE_MASK)?;
        while known.contains(&ty) {
            ty = (ty + 1) & crate::consts::NLA_TYPE_MASK;
        }
        let payload = arbitrary_bytes(u, &AttrPolicy::new("unknown", ty, AttrKind::Binary))?;
        Ok(RawAttr { ty, payload })
    }
}
