//! `struct nla_bitfield32`.

use crate::attr::Attr;
use crate::buf::MsgBuf;
use crate::error::Result;
use crate::policy::AttrKind;

#[cfg(feature = "arbitrary")]
use crate::policy::AttrPolicy;
#[cfg(feature = "arbitrary")]
use arbitrary::Unstructured;

use crate::__private::*;

/// `struct nla_bitfield32`: `value` bits, and which of them (`selector`) are meaningful.
///
/// ```
/// use nlwire::{AttrSet, Encode, view::Bitfield32};
/// #[derive(Debug, PartialEq, nlwire::AttrSet)]
/// struct Dump { #[nla(type = 2, bitfield32)] flags: Option<Bitfield32> }
/// let d = Dump { flags: Some(Bitfield32 { value: 1, selector: 3 }) };
/// let bytes = d.encode_to_vec()?;
/// assert_eq!(bytes.len(), 12);
/// assert_eq!(Dump::decode(&bytes)?.flags, Some(Bitfield32 { value: 1, selector: 3 }));
/// # Ok::<(), nlwire::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Bitfield32 {
    /// The bit values.
    pub value: u32,
    /// The bits that `value` sets or clears.
    pub selector: u32,
}

impl Field<kind::Bitfield32> for Bitfield32 {
    type View<'a> = Bitfield32;
    const KIND: AttrKind = AttrKind::Bitfield32;
    #[inline]
    fn put(&self, buf: &mut MsgBuf<'_>, ty: u16) -> Result<()> {
        let mut b = [0u8; 8];
        b[..4].copy_from_slice(&self.value.to_ne_bytes());
        b[4..].copy_from_slice(&self.selector.to_ne_bytes());
        buf.put_attr(ty, &b)
    }
    #[inline]
    fn get<'a>(a: Attr<'a>, _cx: &mut DecodeCx) -> Result<Bitfield32> {
        let b: [u8; 8] = exact_bytes(&a)?;
        Ok(Bitfield32 {
            value: u32::from_ne_bytes([b[0], b[1], b[2], b[3]]),
            selector: u32::from_ne_bytes([b[4], b[5], b[6], b[7]]),
        })
    }
    #[inline]
    fn from_view(view: Bitfield32) -> Self {
        view
    }
    #[inline]
    fn int_of(view: &Bitfield32) -> Option<i128> {
        Some(i128::from(view.value | view.selector))
    }
    #[cfg(feature = "arbitrary")]
    fn arbitrary_field(u: &mut Unstructured<'_>, p: &AttrPolicy) -> arbitrary::Result<Self> {
        let mask = p.flags_mask.unwrap_or(u64::from(u32::MAX)) as u32;
        let selector = u.arbitrary::<u32>()? & mask;
        let value = u.arbitrary::<u32>()? & selector;
        Ok(Bitfield32 { value, selector })
    }
}
