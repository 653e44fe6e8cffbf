//! Writing attributes and message headers into a [`MsgBuf`].
//!
//! Attributes are appended at the tail (`put_attr*`) or prepended into the headroom
//! (`push_attr*`). Every attribute's padding is zeroed; a payload that does not fit the
//! 16-bit `nla_len` is refused with [`Error::AttrTooLarge`], never truncated.

use zerocopy::{Immutable, IntoBytes};

use crate::buf::MsgBuf;
use crate::consts::{NLA_F_NESTED, NLA_HDRLEN, NLA_MAX_PAYLOAD, NLMSG_HDRLEN, align};
use crate::error::{Error, Result};
use crate::header::{GenlMsgHdr, NlAttrHdr, NlMsgHdr};

/// A nested attribute opened by [`MsgBuf::start_nested`]; close it with
/// [`MsgBuf::end_nested`] or drop its contents with [`MsgBuf::cancel_nested`].
#[derive(Debug, PartialEq, Eq)]
#[must_use = "a nested attribute must be ended or cancelled"]
pub struct Nest {
    offset: usize,
}

/// A message opened by [`MsgBuf::start_msg`]; close it with [`MsgBuf::end_msg`].
#[derive(Debug, PartialEq, Eq)]
#[must_use = "a message must be ended to set its length"]
pub struct MsgStart {
    offset: usize,
}

impl MsgStart {
    /// Offset of the message's `nlmsghdr` within the buffer's data.
    pub fn offset(&self) -> usize {
        self.offset
    }
}

#[inline(always)]
fn check_payload(ty: u16, n: usize) -> Result<()> {
    if n > NLA_MAX_PAYLOAD {
        Err(too_large(ty, n))
    } else {
        Ok(())
    }
}

#[cold]
#[inline(never)]
fn too_large(ty: u16, len: usize) -> Error {
    Error::AttrTooLarge { ty, len }
}

#[cold]
#[inline(never)]
fn interior_nul(ty: u16) -> Error {
    Error::BadString {
        path: crate::error::AttrPath::root().child(ty),
        reason: crate::error::StringFault::InteriorNul,
    }
}

#[inline(always)]
fn write_attr_header(dst: &mut [u8], ty: u16, payload: usize) {
    let hdr = NlAttrHdr::new((NLA_HDRLEN + payload) as u16, ty);
    dst[..NLA_HDRLEN].copy_from_slice(hdr.as_bytes());
}

macro_rules! scalar_puts {
    ($($put:ident, $push:ident, $t:ty, $conv:ident, $doc:literal;)*) => {$(
        #[doc = concat!("Appends an attribute holding ", $doc, ".")]
        #[inline]
        pub fn $put(&mut self, ty: u16, v: $t) -> Result<()> {
            self.put_attr(ty, &v.$conv())
        }
        #[doc = concat!("Prepends an attribute holding ", $doc, ".")]
        pub fn $push(&mut self, ty: u16, v: $t) -> Result<()> {
            self.push_attr(ty, &v.$conv())
        }
    )*};
}

impl MsgBuf<'_> {
    /// Appends an attribute header and `n` payload bytes (left as the storage held them),
    /// zeroes the padding, and returns the payload for the caller to fill: one tailroom
    /// reservation per attribute. Every attribute writer, the generated encoders' included,
    /// goes through here; it is inlined, so a fixed-size payload becomes a few stores.
    ///
    /// ```
    /// let mut b = nlwire::MsgBuf::new();
    /// b.put_attr_slot(5, 3).unwrap().copy_from_slice(b"abc");
    /// assert_eq!(b.as_slice(), &[7, 0, 5, 0, b'a', b'b', b'c', 0]);
    /// ```
    #[inline(always)]
    pub fn put_attr_slot(&mut self, ty: u16, n: usize) -> Result<&mut [u8]> {
        check_payload(ty, n)?;
        let total = NLA_HDRLEN + align(n);
        let slot = self.put_slot(total);
        write_attr_header(slot, ty, n);
        if total > NLA_HDRLEN {
            // Zero the last 4-byte word: it holds all the padding (at most 3 bytes), and
            // one word store is cheaper than a memset; the payload overwrites the rest.
            slot[total - 4..].copy_from_slice(&[0; 4]);
        }
        Ok(&mut slot[NLA_HDRLEN..NLA_HDRLEN + n])
    }

    /// Appends an attribute with a copy of `payload`.
    ///
    /// ```
    /// let mut b = nlwire::MsgBuf::new();
    /// b.put_attr(1, &[0xaa]).unwrap();
    /// assert_eq!(b.as_slice(), &[5, 0, 1, 0, 0xaa, 0, 0, 0]);
    /// assert!(b.put_attr(2, &vec![0; 65532]).is_err());
    /// ```
    #[inline(always)]
    pub fn put_attr(&mut self, ty: u16, payload: &[u8]) -> Result<()> {
        self.put_attr_slot(ty, payload.len())?
            .copy_from_slice(payload);
        Ok(())
    }

    /// Prepends an attribute with a copy of `payload` into the headroom.
    ///
    /// ```
    /// let mut b = nlwire::MsgBuf::new();
    /// b.put_attr_u8(2, 9).unwrap();
    /// b.push_attr(1, &[]).unwrap();
    /// assert_eq!(b.as_slice(), &[4, 0, 1, 0, 5, 0, 2, 0, 9, 0, 0, 0]);
    /// ```
    pub fn push_attr(&mut self, ty: u16, payload: &[u8]) -> Result<()> {
        check_payload(ty, payload.len())?;
        let n = payload.len();
        let slot = self.push_slot(NLA_HDRLEN + align(n));
        write_attr_header(slot, ty, n);
        slot[NLA_HDRLEN..NLA_HDRLEN + n].copy_from_slice(payload);
        slot[NLA_HDRLEN + n..].fill(0);
        Ok(())
    }

    /// Appends a flag: an attribute with no payload.
    ///
    /// ```
    /// let mut b = nlwire::MsgBuf::new();
    /// b.put_attr_flag(6)?;
    /// assert_eq!(b.as_slice(), &[4, 0, 6, 0]);
    /// # Ok::<(), nlwire::Error>(())
    /// ```
    #[inline(always)]
    pub fn put_attr_flag(&mut self, ty: u16) -> Result<()> {
        write_attr_header(self.put_slot(NLA_HDRLEN), ty, 0);
        Ok(())
    }

    /// Prepends a flag.
    pub fn push_attr_flag(&mut self, ty: u16) -> Result<()> {
        self.push_attr(ty, &[])
    }

    scalar_puts! {
        put_attr_u8, push_attr_u8, u8, to_ne_bytes, "a `u8`";
        put_attr_u16, push_attr_u16, u16, to_ne_bytes, "a host-order `u16`";
        put_attr_u32, push_attr_u32, u32, to_ne_bytes, "a host-order `u32`";
        put_attr_u64, push_attr_u64, u64, to_ne_bytes, "a host-order `u64`";
        put_attr_u128, push_attr_u128, u128, to_ne_bytes, "a host-order `u128` (an OVS UFID)";
        put_attr_s8, push_attr_s8, i8, to_ne_bytes, "an `i8`";
        put_attr_s16, push_attr_s16, i16, to_ne_bytes, "a host-order `i16`";
        put_attr_s32, push_attr_s32, i32, to_ne_bytes, "a host-order `i32`";
        put_attr_s64, push_attr_s64, i64, to_ne_bytes, "a host-order `i64`";
        put_attr_be16, push_attr_be16, u16, to_be_bytes, "a `u16` in network order";
        put_attr_be32, push_attr_be32, u32, to_be_bytes, "a `u32` in network order";
        put_attr_be64, push_attr_be64, u64, to_be_bytes, "a `u64` in network order";
    }

    /// Appends an unsigned integer in the kernel's `uint` form: 4 bytes when it fits, else 8.
    ///
    /// ```
    /// let mut b = nlwire::MsgBuf::new();
    /// b.put_attr_uint(1, 7).unwrap();
    /// b.put_attr_uint(2, 1 << 40).unwrap();
    /// assert_eq!(b.len(), 8 + 12);
    /// ```
    #[inline]
    pub fn put_attr_uint(&mut self, ty: u16, v: u64) -> Result<()> {
        match u32::try_from(v) {
            Ok(small) => self.put_attr_u32(ty, small),
            Err(_) => self.put_attr_u64(ty, v),
        }
    }

    /// Appends a signed integer in the kernel's `sint` form: 4 bytes when it fits, else 8.
    #[inline]
    pub fn put_attr_sint(&mut self, ty: u16, v: i64) -> Result<()> {
        match i32::try_from(v) {
            Ok(small) => self.put_attr_s32(ty, small),
            Err(_) => self.put_attr_s64(ty, v),
        }
    }

    /// Appends a string with its terminating NUL. A string that holds a NUL itself is
    /// refused, since the receiver would read only its first part.
    ///
    /// ```
    /// let mut b = nlwire::MsgBuf::new();
    /// b.put_attr_str(2, "ovs").unwrap();
    /// assert_eq!(b.as_slice(), &[8, 0, 2, 0, b'o', b'v', b's', 0]);
    /// assert!(b.put_attr_str(2, "a\0b").is_err());
    /// ```
    #[inline]
    pub fn put_attr_str(&mut self, ty: u16, s: &str) -> Result<()> {
        if s.as_bytes().contains(&0) {
            return Err(interior_nul(ty));
        }
        let slot = self.put_attr_slot(ty, s.len() + 1)?;
        slot[..s.len()].copy_from_slice(s.as_bytes());
        slot[s.len()] = 0;
        Ok(())
    }

    /// Appends a C string with its terminating NUL.
    #[inline]
    pub fn put_attr_cstr(&mut self, ty: u16, s: &core::ffi::CStr) -> Result<()> {
        self.put_attr(ty, s.to_bytes_with_nul())
    }

    /// Appends a fixed wire struct (any zerocopy `IntoBytes` type) as the payload.
    ///
    /// ```
    /// let mut b = nlwire::MsgBuf::new();
    /// b.put_attr_struct(1, &nlwire::GenlMsgHdr::new(3, 1)).unwrap();
    /// assert_eq!(b.as_slice(), &[8, 0, 1, 0, 3, 1, 0, 0]);
    /// ```
    #[inline]
    pub fn put_attr_struct<T: IntoBytes + Immutable + ?Sized>(
        &mut self,
        ty: u16,
        v: &T,
    ) -> Result<()> {
        self.put_attr(ty, v.as_bytes())
    }

    /// Opens a nested attribute without the `NLA_F_NESTED` bit (as OVS families expect).
    /// `ty` is written as given, so a caller may pass the flag bits itself.
    ///
    /// ```
    /// let mut b = nlwire::MsgBuf::new();
    /// let n = b.start_nested(2);
    /// b.put_attr_u32(1, 5).unwrap();
    /// b.end_nested(n).unwrap();
    /// assert_eq!(&b.as_slice()[..4], &[12, 0, 2, 0]);
    /// ```
    #[inline(always)]
    pub fn start_nested(&mut self, ty: u16) -> Nest {
        let offset = self.len();
        write_attr_header(self.put_slot(NLA_HDRLEN), ty, 0);
        Nest { offset }
    }

    /// Opens a nested attribute with the `NLA_F_NESTED` bit set.
    #[inline]
    pub fn start_nested_flagged(&mut self, ty: u16) -> Nest {
        self.start_nested(ty | NLA_F_NESTED)
    }

    fn nest_payload_len(&self, nest: &Nest) -> Result<usize> {
        self.len()
            .checked_sub(nest.offset + NLA_HDRLEN)
            .ok_or(Error::BadNest {
                offset: nest.offset,
            })
    }

    /// Closes a nested attribute: its `nla_len` covers everything written since it opened.
    /// A nest whose contents outgrew the 16-bit length is removed and reported
    /// ([`Error::AttrTooLarge`] with the type as written); a token the buffer no longer
    /// holds (after a [`clear`](Self::clear)) is [`Error::BadNest`].
    ///
    /// ```
    /// let mut b = nlwire::MsgBuf::new();
    /// let n = b.start_nested(1);
    /// b.put(&vec![0; 70_000]);
    /// assert!(b.end_nested(n).is_err());
    /// assert!(b.is_empty());
    /// ```
    #[inline(always)]
    pub fn end_nested(&mut self, nest: Nest) -> Result<()> {
        // One compare covers both faults: a stale token (the length underflows and wraps)
        // and an oversized nest.
        let len = self.len().wrapping_sub(nest.offset);
        if len.wrapping_sub(NLA_HDRLEN) > NLA_MAX_PAYLOAD {
            return Err(self.end_nested_failed(nest.offset));
        }
        match self.at_mut(nest.offset, 2) {
            Some(hdr) => hdr.copy_from_slice(&(len as u16).to_ne_bytes()),
            None => {
                return Err(Error::BadNest {
                    offset: nest.offset,
                });
            }
        }
        Ok(())
    }

    /// The slow half of [`end_nested`](Self::end_nested): the error, and the oversized
    /// nest removed.
    #[cold]
    #[inline(never)]
    fn end_nested_failed(&mut self, offset: usize) -> Error {
        let Some(raw) = self.at(offset + 2, 2) else {
            return Error::BadNest { offset };
        };
        let ty = u16::from_ne_bytes([raw[0], raw[1]]);
        let payload = self.len() - offset - NLA_HDRLEN;
        self.truncate(offset);
        too_large(ty, payload)
    }

    /// Drops a nested attribute and everything written into it.
    pub fn cancel_nested(&mut self, nest: Nest) {
        self.truncate(nest.offset);
    }

    /// Closes a nested attribute, or drops it when nothing was written into it.
    /// Returns `true` when it was dropped.
    ///
    /// ```
    /// let mut b = nlwire::MsgBuf::new();
    /// let n = b.start_nested(7);
    /// assert!(b.end_nested_non_empty(n).unwrap());
    /// assert!(b.is_empty());
    /// ```
    pub fn end_nested_non_empty(&mut self, nest: Nest) -> Result<bool> {
        if self.nest_payload_len(&nest)? == 0 {
            self.cancel_nested(nest);
            Ok(true)
        } else {
            self.end_nested(nest).map(|()| false)
        }
    }

    /// Appends an `nlmsghdr` (length, seq and pid 0; the length is set by
    /// [`end_msg`](Self::end_msg), seq and pid by the transport).
    ///
    /// ```
    /// let mut b = nlwire::MsgBuf::new();
    /// let m = b.start_msg(0x10, nlwire::consts::NLM_F_REQUEST);
    /// b.end_msg(m).unwrap();
    /// assert_eq!(&b.as_slice()[..4], &16u32.to_ne_bytes());
    /// ```
    pub fn start_msg(&mut self, ty: u16, flags: u16) -> MsgStart {
        let offset = self.len();
        self.put(NlMsgHdr::new(0, ty, flags, 0, 0).as_bytes());
        MsgStart { offset }
    }

    /// Appends an `nlmsghdr` and a `genlmsghdr` for a generic netlink request.
    ///
    /// ```
    /// use nlwire::consts::*;
    /// let mut b = nlwire::MsgBuf::new();
    /// let m = b.start_genl_msg(GENL_ID_CTRL, NLM_F_REQUEST, 3, 1);
    /// b.put_attr_str(2, "nlctrl").unwrap();
    /// b.end_msg(m).unwrap();
    /// assert_eq!(b.len(), 16 + 4 + 12);
    /// ```
    pub fn start_genl_msg(&mut self, family: u16, flags: u16, cmd: u8, version: u8) -> MsgStart {
        let m = self.start_msg(family, flags);
        self.put(GenlMsgHdr::new(cmd, version).as_bytes());
        m
    }

    /// Sets the message's `nlmsg_len` to cover everything written since it started, and
    /// pads the message to 4 bytes.
    pub fn end_msg(&mut self, m: MsgStart) -> Result<()> {
        let pad = align(self.len()) - self.len();
        self.put_zeros(pad);
        let len = self
            .len()
            .checked_sub(m.offset)
            .filter(|l| *l >= NLMSG_HDRLEN)
            .ok_or(Error::BadNest { offset: m.offset })?;
        let len32 = u32::try_from(len).map_err(|_| Error::MsgTooLarge { len })?;
        self.at_mut(m.offset, 4)
            .ok_or(Error::BadNest { offset: m.offset })?
            .copy_from_slice(&len32.to_ne_bytes());
        Ok(())
    }

    /// Prepends an `nlmsghdr` that covers all the data (built body-first, header last).
    ///
    /// ```
    /// let mut b = nlwire::MsgBuf::with_headroom(64, 16);
    /// b.put_attr_u32(1, 1).unwrap();
    /// b.push_nlmsghdr(0x10, 1).unwrap();
    /// assert_eq!(b.len(), 24);
    /// assert_eq!(&b.as_slice()[..4], &24u32.to_ne_bytes());
    /// ```
    pub fn push_nlmsghdr(&mut self, ty: u16, flags: u16) -> Result<()> {
        let len = align(self.len()) + NLMSG_HDRLEN;
        let len32 = u32::try_from(len).map_err(|_| Error::MsgTooLarge { len })?;
        let pad = align(self.len()) - self.len();
        self.put_zeros(pad);
        self.push(NlMsgHdr::new(len32, ty, flags, 0, 0).as_bytes());
        Ok(())
    }

    /// Prepends a `genlmsghdr` and then an `nlmsghdr` that covers all the data.
    pub fn push_genl_headers(
        &mut self,
        family: u16,
        flags: u16,
        cmd: u8,
        version: u8,
    ) -> Result<()> {
        self.push(GenlMsgHdr::new(cmd, version).as_bytes());
        self.push_nlmsghdr(family, flags)
    }
}

/// Writes `seq` and `pid` into the `nlmsghdr` at the front of `msg` (what a transport does
/// just before sending). Returns `false` when `msg` is shorter than a header.
///
/// ```
/// let mut m = [0u8; 16];
/// assert!(nlwire::attr_put::set_seq_pid(&mut m, 7, 99));
/// assert_eq!(&m[8..12], &7u32.to_ne_bytes());
/// ```
pub fn set_seq_pid(msg: &mut [u8], seq: u32, pid: u32) -> bool {
    if msg.len() < NLMSG_HDRLEN {
        return false;
    }
    msg[8..12].copy_from_slice(&seq.to_ne_bytes());
    msg[12..16].copy_from_slice(&pid.to_ne_bytes());
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padding_is_zeroed_even_over_stale_bytes() {
        let mut b = MsgBuf::new();
        b.put(&[0xff; 32]);
        b.clear();
        b.put_attr(1, &[1]).unwrap();
        b.put_attr_u16(2, 0x0102).unwrap();
        assert_eq!(
            b.as_slice(),
            &[5, 0, 1, 0, 1, 0, 0, 0, 6, 0, 2, 0, 2, 1, 0, 0]
        );
    }

    #[test]
    fn scalar_sizes_match_nl_a_sizes() {
        let mut b = MsgBuf::new();
        b.put_attr_flag(1).unwrap();
        assert_eq!(b.len(), 4);
        b.put_attr_u8(1, 1).unwrap();
        assert_eq!(b.len(), 12);
        b.put_attr_u64(1, 1).unwrap();
        assert_eq!(b.len(), 24);
        b.put_attr_u128(1, 1).unwrap();
        assert_eq!(b.len(), 44);
        b.put_attr_be16(1, 0x0800).unwrap();
        assert_eq!(&b.as_slice()[48..50], &[0x08, 0x00]);
    }

    #[test]
    fn payload_limit_is_exact() {
        let mut b = MsgBuf::new();
        b.put_attr(1, &vec![0; NLA_MAX_PAYLOAD]).unwrap();
        assert_eq!(
            u16::from_ne_bytes([b.as_slice()[0], b.as_slice()[1]]),
            65535
        );
        let err = b.put_attr(1, &vec![0; NLA_MAX_PAYLOAD + 1]).unwrap_err();
        assert_eq!(err, Error::AttrTooLarge { ty: 1, len: 65532 });
        assert!(b.push_attr(1, &vec![0; NLA_MAX_PAYLOAD + 1]).is_err());
    }

    #[test]
    fn oversized_nest_is_refused_and_removed() {
        let mut b = MsgBuf::new();
        b.put_attr_u8(9, 1).unwrap();
        let n = b.start_nested(1);
        b.put_attr(2, &vec![0; 65000]).unwrap();
        b.put_attr(3, &[0; 600]).unwrap();
        assert!(matches!(
            b.end_nested(n),
            Err(Error::AttrTooLarge { ty: 1, .. })
        ));
        assert_eq!(b.len(), 8);
    }

    #[test]
    fn nested_flag_and_cancel() {
        let mut b = MsgBuf::new();
        let n = b.start_nested_flagged(25);
        b.put_attr_u32(1, 3).unwrap();
        b.end_nested(n).unwrap();
        assert_eq!(&b.as_slice()[..4], &[12, 0, 25, 0x80]);
        let n = b.start_nested(1);
        b.put_attr_u32(1, 3).unwrap();
        b.cancel_nested(n);
        assert_eq!(b.len(), 12);
    }

    #[test]
    fn stale_nest_token_is_an_error() {
        let mut b = MsgBuf::new();
        let n = b.start_nested(1);
        b.clear();
        assert_eq!(b.end_nested(n), Err(Error::BadNest { offset: 0 }));
    }
}
