//! What generated encoders write beyond [`MsgBuf`]'s own attribute writers (which they
//! call directly: `put_attr`, `put_attr_str`, `put_attr_flag`, `start_nested` /
//! `end_nested`, the one writer for generated and hand-written code alike): a
//! sub-message nest and a fixed header. Also the attribute walk generated decoders name.

use crate::buf::MsgBuf;
use crate::error::Result;

use crate::__private::WireType;
use crate::traits::*;

/// The attribute walk generated decoders use: [`Attrs`](crate::Attrs) itself (the same
/// checks and errors; yields `Err` once and stops). The name stays for generated code.
///
/// ```
/// use nlwire::__private::AttrCursor;
/// let bytes = [5u8, 0, 1, 0, 9, 0, 0, 0, 4, 0, 2, 0];
/// let types: Vec<u16> = AttrCursor::new(&bytes).map(|a| a.unwrap().ty()).collect();
/// assert_eq!(types, [1, 2]);
/// assert!(AttrCursor::new(&[2, 0, 1, 0]).next().unwrap().is_err());
/// ```
pub type AttrCursor<'a> = crate::Attrs<'a>;

/// Appends a sub-message attribute: `ty` (with `NLA_F_NESTED` if asked) around the
/// variant's payload.
///
/// ```
/// #[derive(Debug, PartialEq, nlwire::SubMessage)]
/// enum Data { #[nla(value = "dummy")] Dummy }
/// let mut b = nlwire::MsgBuf::new();
/// nlwire::__private::put_sub_message(&Data::Dummy, &mut b, 2)?;
/// assert_eq!(b.as_slice(), &[4, 0, 2, 0]);
/// # Ok::<(), nlwire::Error>(())
/// ```
#[inline]
pub fn put_sub_message<T: SubMessage>(v: &T, buf: &mut MsgBuf<'_>, ty: u16) -> Result<()> {
    let nest = buf.start_nested(ty);
    v.encode_payload(buf)?;
    buf.end_nested(nest)
}

/// Appends a fixed header and zeroes up to the next 4-byte boundary (so attributes after
/// it are aligned).
///
/// ```
/// let mut b = nlwire::MsgBuf::new();
/// nlwire::__private::put_fixed(&mut b, &[1u8, 2, 3]);
/// assert_eq!(b.as_slice(), &[1, 2, 3, 0]);
/// ```
#[inline]
pub fn put_fixed<H: WireType>(buf: &mut MsgBuf<'_>, h: &H) {
    buf.put(h.as_bytes());
    let pad = crate::consts::align(size_of::<H>()) - size_of::<H>();
    buf.put_zeros(pad);
}
