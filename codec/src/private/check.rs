//! The errors and set-level rules generated decoders share. The per-attribute checks are
//! the validator's own (`AttrPolicy::check_len`, `check_value`, `check_string`), so a
//! decoder and `Policy::validate` refuse an attribute for the same reason.

use crate::error::{AttrPath, Error, Result};
use crate::header::{GenlMsgHdr, NlMsgHdr};
use crate::msg::Msg;
use crate::policy::AttrPolicy;

use crate::__private::*;
use crate::traits::*;

/// The error for a missing required attribute of the current set.
///
/// ```
/// assert_eq!(
///     nlwire::__private::missing("pid", 1).to_string(),
///     "<top>: required attribute pid (type 1) is missing"
/// );
/// ```
#[cold]
pub fn missing(name: &'static str, ty: u16) -> Error {
    Error::Missing {
        path: AttrPath::root(),
        name,
        ty,
    }
}

/// The error for a repeated attribute the policy rejects repeats of.
///
/// ```
/// let e = nlwire::__private::duplicate(3);
/// assert_eq!(e.path().unwrap().types(), &[3]);
/// ```
#[cold]
pub fn duplicate(ty: u16) -> Error {
    Error::Duplicate {
        path: AttrPath::root().child(ty),
    }
}

/// The error for an "exactly one of" set holding `found` attributes.
///
/// ```
/// let e = nlwire::__private::not_exactly_one(2);
/// assert_eq!(e.to_string(), "<top>: expected exactly one attribute, found 2");
/// ```
#[cold]
pub fn not_exactly_one(found: usize) -> Error {
    Error::NotExactlyOne {
        path: AttrPath::root(),
        found,
    }
}

/// Decodes an "exactly one of" set: the payload must hold exactly one attribute, of a
/// type the union knows.
///
/// ```
/// use nlwire::{Limits, __private::{DecodeCx, decode_exactly_one}};
/// #[derive(Debug, PartialEq, nlwire::AttrSet)]
/// enum Set { #[nla(type = 15, u32)] SkbMark(u32) }
/// let mut cx = DecodeCx::new(&Limits::DEFAULT);
/// let one = [8u8, 0, 15, 0, 7, 0, 0, 0];
/// assert_eq!(decode_exactly_one::<Set>(&one, &mut cx)?, SetView::SkbMark(7));
/// assert!(decode_exactly_one::<Set>(&[], &mut cx).is_err());
/// # Ok::<(), nlwire::Error>(())
/// ```
pub fn decode_exactly_one<'a, E: AttrUnion>(
    bytes: &'a [u8],
    cx: &mut DecodeCx,
) -> Result<E::View<'a>> {
    let mut attrs = AttrCursor::new(bytes);
    let first = match attrs.next() {
        None => return Err(not_exactly_one(0)),
        Some(a) => a?,
    };
    cx.count()?;
    if attrs.next().is_some() {
        let extra = attrs.count() + 2;
        return Err(not_exactly_one(extra));
    }
    E::decode_attr(first, cx)?.ok_or(Error::Unexpected {
        expected: "an attribute type of the one-of set",
        found: u32::from(first.ty()),
    })
}

/// Splits a message into its genl header, fixed family header and attributes.
///
/// ```
/// use nlwire::{Msg, MsgBuf, OvsHeader, __private::split_genl};
/// let mut b = MsgBuf::new();
/// let m = b.start_genl_msg(0x1e, 1, 3, 1);
/// b.put(nlwire::zerocopy::IntoBytes::as_bytes(&OvsHeader::new(4)));
/// b.end_msg(m)?;
/// let msg = Msg::parse(b.as_slice())?;
/// let (_, genl, hdr, attrs) = split_genl::<OvsHeader>(&msg, "ovs_header")?;
/// assert_eq!((genl.cmd, hdr.dp_ifindex.get(), attrs.len()), (3, 4, 0));
/// # Ok::<(), nlwire::Error>(())
/// ```
#[inline]
pub fn split_genl<'a, H: WireType>(
    msg: &Msg<'a>,
    what: &'static str,
) -> Result<(&'a NlMsgHdr, &'a GenlMsgHdr, &'a H, &'a [u8])> {
    let (g, h, attrs) = msg.genl_fixed::<H>(what)?;
    Ok((msg.header(), g, h, attrs))
}

/// A netlink-raw message's headers and attributes: `nlmsghdr`, the fixed header `H`
/// right after it, and the attribute bytes.
#[inline]
pub fn split_raw<'a, H: WireType>(
    msg: &Msg<'a>,
    what: &'static str,
) -> Result<(&'a NlMsgHdr, &'a H, &'a [u8])> {
    let (h, attrs) = msg.fixed::<H>(what)?;
    Ok((msg.header(), h, attrs))
}

/// The policy entry of a field of type `T` holding kind `K`: the kind, its default
/// lengths (exact for fixed structs) and byte order. Annotations refine it with the
/// [`AttrPolicy`] builder methods.
///
/// ```
/// use nlwire::__private::{entry, kind};
/// const E: nlwire::AttrPolicy = entry::<u16, kind::Be16>("eth-type", 6);
/// assert!(E.big_endian);
/// assert_eq!((E.min_len, E.max_len), (2, 2));
/// ```
pub const fn entry<T: Field<K>, K>(name: &'static str, ty: u16) -> AttrPolicy {
    let mut p = AttrPolicy::new(name, ty, T::KIND);
    p.min_len = T::LEN.0;
    p.max_len = T::LEN.1;
    p.big_endian = T::BIG_ENDIAN;
    p
}
