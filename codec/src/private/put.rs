//! The attribute writers generated encoders inline.

use crate::buf::MsgBuf;
use crate::error::{AttrPath, Error, Result};

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

#[cold]
#[inline(never)]
fn too_large(ty: u16, len: usize) -> Error {
    Error::AttrTooLarge { ty, len }
}

/// Appends attribute `ty` with `payload` (header, payload, zeroed padding): what
/// [`MsgBuf::put_attr`] does, written to inline so fixed-size payloads compile to a few
/// stores.
///
/// ```
/// let mut b = nlwire::MsgBuf::new();
/// nlwire::__private::put_attr_fast(&mut b, 1, &[0xaa])?;
/// assert_eq!(b.as_slice(), &[5, 0, 1, 0, 0xaa, 0, 0, 0]);
/// # Ok::<(), nlwire::Error>(())
/// ```
#[inline(always)]
pub fn put_attr_fast(buf: &mut MsgBuf<'_>, ty: u16, payload: &[u8]) -> Result<()> {
    let n = payload.len();
    if n > crate::consts::NLA_MAX_PAYLOAD {
        return Err(too_large(ty, n));
    }
    let total = 4 + crate::consts::align(n);
    let slot = buf.put_slot(total);
    slot[..2].copy_from_slice(&((4 + n) as u16).to_ne_bytes());
    slot[2..4].copy_from_slice(&ty.to_ne_bytes());
    slot[4..4 + n].copy_from_slice(payload);
    slot[4 + n..].fill(0);
    Ok(())
}

/// Appends a flag (an attribute without payload).
///
/// ```
/// let mut b = nlwire::MsgBuf::new();
/// nlwire::__private::put_flag(&mut b, 6)?;
/// assert_eq!(b.as_slice(), &[4, 0, 6, 0]);
/// # Ok::<(), nlwire::Error>(())
/// ```
#[inline(always)]
pub fn put_flag(buf: &mut MsgBuf<'_>, ty: u16) -> Result<()> {
    let slot = buf.put_slot(4);
    slot[..2].copy_from_slice(&4u16.to_ne_bytes());
    slot[2..4].copy_from_slice(&ty.to_ne_bytes());
    Ok(())
}

#[cold]
#[inline(never)]
fn nul_in_string(ty: u16) -> Error {
    Error::BadString {
        path: AttrPath::root().child(ty),
        reason: crate::error::StringFault::InteriorNul,
    }
}

/// Appends a string attribute with its NUL; a string holding a NUL is refused.
///
/// ```
/// use nlwire::__private::put_str_fast;
/// let mut b = nlwire::MsgBuf::new();
/// put_str_fast(&mut b, 3, "br0")?;
/// assert_eq!(b.as_slice(), &[8, 0, 3, 0, b'b', b'r', b'0', 0]);
/// assert!(put_str_fast(&mut b, 3, "a\0b").is_err());
/// # Ok::<(), nlwire::Error>(())
/// ```
#[inline]
pub fn put_str_fast(buf: &mut MsgBuf<'_>, ty: u16, s: &str) -> Result<()> {
    let b = s.as_bytes();
    if b.contains(&0) {
        return Err(nul_in_string(ty));
    }
    let n = b.len() + 1;
    if n > crate::consts::NLA_MAX_PAYLOAD {
        return Err(too_large(ty, n));
    }
    let total = 4 + crate::consts::align(n);
    let slot = buf.put_slot(total);
    slot[..2].copy_from_slice(&((4 + n) as u16).to_ne_bytes());
    slot[2..4].copy_from_slice(&ty.to_ne_bytes());
    slot[4..4 + b.len()].copy_from_slice(b);
    slot[4 + b.len()..].fill(0);
    Ok(())
}

/// Opens a nested attribute; returns its offset for [`nest_end`].
///
/// ```
/// use nlwire::__private::{nest_end, nest_start, put_flag};
/// let mut b = nlwire::MsgBuf::new();
/// let at = nest_start(&mut b, 1);
/// put_flag(&mut b, 2)?;
/// nest_end(&mut b, at)?;
/// assert_eq!(b.as_slice(), &[8, 0, 1, 0, 4, 0, 2, 0]);
/// # Ok::<(), nlwire::Error>(())
/// ```
#[inline(always)]
pub fn nest_start(buf: &mut MsgBuf<'_>, ty: u16) -> usize {
    let at = buf.len();
    let slot = buf.put_slot(4);
    slot[..2].copy_from_slice(&4u16.to_ne_bytes());
    slot[2..4].copy_from_slice(&ty.to_ne_bytes());
    at
}

/// Closes the nested attribute opened at `at`: its `nla_len` covers everything written
/// since. An oversized nest is removed and reported.
///
/// ```
/// use nlwire::__private::{nest_end, nest_start};
/// let mut b = nlwire::MsgBuf::new();
/// let at = nest_start(&mut b, 1);
/// b.put(&vec![0; 70_000]);
/// assert!(nest_end(&mut b, at).is_err());
/// assert!(b.is_empty());
/// ```
#[inline(always)]
pub fn nest_end(buf: &mut MsgBuf<'_>, at: usize) -> Result<()> {
    let len = buf.len() - at;
    if len > usize::from(u16::MAX) {
        return Err(nest_too_large(buf, at, len));
    }
    if let Some(hdr) = buf.at_mut(at, 2) {
        hdr.copy_from_slice(&(len as u16).to_ne_bytes());
    }
    Ok(())
}

#[cold]
#[inline(never)]
fn nest_too_large(buf: &mut MsgBuf<'_>, at: usize, len: usize) -> Error {
    let ty = buf
        .at(at + 2, 2)
        .map_or(0, |t| u16::from_ne_bytes([t[0], t[1]]));
    buf.truncate(at);
    Error::AttrTooLarge { ty, len: len - 4 }
}
