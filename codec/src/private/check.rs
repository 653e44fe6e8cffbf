//! Checks generated decoders call.

use crate::attr::Attr;
use crate::error::{AttrPath, Error, Result};
use crate::header::{GenlMsgHdr, NlMsgHdr};
use crate::limits::Limits;
use crate::msg::Msg;
use crate::policy::AttrPolicy;

use crate::__private::*;
use crate::traits::*;

/// Checks a flag attribute: it carries no payload.
///
/// ```
/// use nlwire::{Attr, __private::check_flag};
/// assert!(check_flag(&Attr::new(6, &[])).is_ok());
/// assert!(check_flag(&Attr::new(6, &[1])).is_err());
/// ```
#[inline]
pub fn check_flag(a: &Attr<'_>) -> Result<()> {
    if a.is_empty() {
        Ok(())
    } else {
        Err(Error::BadLength {
            path: AttrPath::root().child(a.ty()),
            len: a.len(),
            min: 0,
            max: 0,
        })
    }
}

/// Checks a payload length against the policy entry's `min_len..=max_len`.
///
/// ```
/// use nlwire::{Attr, AttrKind, AttrPolicy, __private::check_len};
/// const P: AttrPolicy = AttrPolicy::new("ufid", 9, AttrKind::Binary).min_len(1).max_len(16);
/// assert!(check_len(&Attr::new(9, &[0; 16]), &P).is_ok());
/// assert!(check_len(&Attr::new(9, &[0; 17]), &P).is_err());
/// ```
#[inline]
pub fn check_len(a: &Attr<'_>, p: &AttrPolicy) -> Result<()> {
    let len = a.len() as u64;
    if len < u64::from(p.min_len) || len > u64::from(p.max_len) {
        return Err(Error::BadLength {
            path: AttrPath::root().child(a.ty()),
            len: a.len(),
            min: p.min_len as usize,
            max: if p.max_len == u32::MAX {
                usize::MAX
            } else {
                p.max_len as usize
            },
        });
    }
    Ok(())
}

/// Checks an integer against the policy entry's range and flags mask.
///
/// ```
/// use nlwire::{AttrKind, AttrPolicy, __private::check_int};
/// const P: AttrPolicy = AttrPolicy::new("tcp-flags", 4, AttrKind::U8).range(0, 63);
/// assert!(check_int(Some(63), &P).is_ok());
/// assert!(check_int(Some(64), &P).is_err());
/// ```
#[inline]
pub fn check_int(v: Option<i128>, p: &AttrPolicy) -> Result<()> {
    let Some(v) = v else { return Ok(()) };
    let path = AttrPath::root().child(p.ty);
    if let Some(r) = p.range
        && (v < r.min || v > r.max)
    {
        return Err(Error::OutOfRange {
            path,
            value: v,
            min: r.min,
            max: r.max,
        });
    }
    if let Some(mask) = p.flags_mask
        && (v as u64) & !mask != 0
    {
        return Err(Error::BadFlags {
            path,
            value: v as u64,
            mask,
        });
    }
    Ok(())
}

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

/// Checks a message's attribute area against `limits.max_bytes`.
///
/// ```
/// use nlwire::{Limits, __private::check_size};
/// let small = Limits { max_bytes: 4, ..Limits::DEFAULT };
/// assert!(check_size(&[0; 4], &small).is_ok());
/// assert!(check_size(&[0; 5], &small).is_err());
/// ```
#[inline]
pub fn check_size(bytes: &[u8], limits: &Limits) -> Result<()> {
    if bytes.len() > limits.max_bytes {
        return Err(Error::TooLarge {
            len: bytes.len(),
            limit: limits.max_bytes,
        });
    }
    Ok(())
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
