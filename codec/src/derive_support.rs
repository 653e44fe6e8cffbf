//! The runtime half of `nlwire-derive`: the traits derived types implement and the small,
//! stable helpers the generated code calls.
//!
//! Everything the derive macros emit goes through this module (plus [`MsgBuf`], [`Attr`],
//! [`Policy`] and [`Error`]), so generated code — hand-annotated or emitted by the schema
//! compiler — depends only on public, documented API.
//!
//! The three user-facing traits:
//! - [`AttrSet`] (with [`Encode`]): a set of attributes — a derived struct, an
//!   "exactly one of" enum, a list of attributes ([`Vec`] of an [`AttrUnion`]), a
//!   type-keyed list (`Vec<(u16, T)>`) or a lazily decoded [`Box`]. It encodes into a
//!   [`MsgBuf`], decodes into a borrowed view ([`AttrSet::View`]) without allocating, and
//!   carries its static [`Policy`].
//! - [`AttrUnion`]: one attribute out of several kinds — a derived enum. A `Vec` of it is an
//!   ordered list of attributes (OVS actions).
//! - [`Message`]: a generic netlink message — `nlmsghdr`, `genlmsghdr`, a fixed family
//!   header and an attribute set.
//!
//! ```
//! use nlwire::{AttrSet, Encode, MsgBuf};
//!
//! #[derive(Debug, PartialEq, nlwire::AttrSet)]
//! struct Datapath {
//!     #[nla(type = 1, string, max_len = 15)]
//!     name: Option<String>,
//!     #[nla(type = 2, u32)]
//!     upcall_pid: Option<u32>,
//! }
//!
//! let dp = Datapath { name: Some("ovs-system".into()), upcall_pid: Some(7) };
//! let mut buf = MsgBuf::new();
//! dp.encode(&mut buf)?;
//! let view: DatapathView<'_> = Datapath::decode(buf.as_slice())?;
//! assert_eq!(view.name, Some("ovs-system"));
//! assert_eq!(view.into_owned(), dp);
//! # Ok::<(), nlwire::Error>(())
//! ```
#![forbid(unsafe_code)]

use core::ffi::CStr;
use core::fmt;
use core::marker::PhantomData;
use std::ffi::CString;

use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use crate::attr::Attr;
use crate::buf::MsgBuf;
use crate::error::{AttrPath, Error, Result};
use crate::header::{GenlMsgHdr, NlMsgHdr};
use crate::limits::Limits;
use crate::msg::{Msg, MsgKind};
use crate::policy::{AttrKind, AttrPolicy, Policy};

#[cfg(feature = "arbitrary")]
use arbitrary::Unstructured;

/// Expands its input when `nlwire` is built with the `arbitrary` feature, and to nothing
/// otherwise. Derived code wraps its `arbitrary::Arbitrary` impls in it, so the impls
/// follow *nlwire's* feature, not a feature of the crate that uses the derive.
#[cfg(feature = "arbitrary")]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_arbitrary {
    ($($t:tt)*) => { $($t)* };
}

/// Expands its input when `nlwire` is built with the `arbitrary` feature, and to nothing
/// otherwise.
#[cfg(not(feature = "arbitrary"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_arbitrary {
    ($($t:tt)*) => {};
}

// ---------------------------------------------------------------------------------------
// Decode context
// ---------------------------------------------------------------------------------------

/// The state one decode carries down the nesting: [`Limits`] and the counters kept
/// against them.
///
/// A context made by [`DecodeCx::trusted`] re-decodes bytes an earlier pass has already
/// checked (the lazy list iterators use it): it has no limits and does not walk into lists
/// again.
///
/// ```
/// use nlwire::{Limits, derive_support::DecodeCx};
/// let mut cx = DecodeCx::new(&Limits { max_depth: 2, ..Limits::DEFAULT });
/// cx.enter().unwrap();
/// cx.enter().unwrap();
/// assert!(cx.enter().is_err());
/// ```
#[derive(Clone, Debug)]
pub struct DecodeCx {
    max_depth: usize,
    max_attrs: usize,
    depth: usize,
    attrs: usize,
    trusted: bool,
}

impl DecodeCx {
    /// A fresh context under `limits`, at depth 0 (the top-level set enters depth 1).
    ///
    /// ```
    /// let cx = nlwire::derive_support::DecodeCx::new(&nlwire::Limits::DEFAULT);
    /// assert_eq!((cx.depth(), cx.attrs(), cx.is_trusted()), (0, 0, false));
    /// ```
    #[inline]
    pub fn new(limits: &Limits) -> Self {
        DecodeCx {
            max_depth: limits.depth(),
            max_attrs: limits.max_attrs,
            depth: 0,
            attrs: 0,
            trusted: false,
        }
    }

    /// A context for bytes an earlier pass has validated: no limits, and lists are not
    /// walked again.
    ///
    /// ```
    /// assert!(nlwire::derive_support::DecodeCx::trusted().is_trusted());
    /// ```
    #[inline]
    pub const fn trusted() -> Self {
        DecodeCx {
            max_depth: usize::MAX,
            max_attrs: usize::MAX,
            depth: 0,
            attrs: 0,
            trusted: true,
        }
    }

    /// True for a [`trusted`](Self::trusted) context.
    ///
    /// ```
    /// use nlwire::derive_support::DecodeCx;
    /// assert!(!DecodeCx::new(&nlwire::Limits::DEFAULT).is_trusted());
    /// ```
    #[inline]
    pub fn is_trusted(&self) -> bool {
        self.trusted
    }

    /// Goes one nesting level down; fails with [`Error::TooDeep`] (path at the root) past
    /// the limit.
    ///
    /// ```
    /// use nlwire::{Limits, derive_support::DecodeCx};
    /// let mut cx = DecodeCx::new(&Limits { max_depth: 1, ..Limits::DEFAULT });
    /// assert!(cx.enter().is_ok());
    /// assert!(matches!(cx.enter(), Err(nlwire::Error::TooDeep { limit: 1, .. })));
    /// ```
    #[inline]
    pub fn enter(&mut self) -> Result<()> {
        self.depth += 1;
        if self.depth > self.max_depth {
            self.depth -= 1;
            return Err(Error::TooDeep {
                path: AttrPath::root(),
                limit: self.max_depth,
            });
        }
        Ok(())
    }

    /// Comes back up one nesting level.
    ///
    /// ```
    /// let mut cx = nlwire::derive_support::DecodeCx::new(&nlwire::Limits::DEFAULT);
    /// cx.enter()?;
    /// cx.leave();
    /// assert_eq!(cx.depth(), 0);
    /// # Ok::<(), nlwire::Error>(())
    /// ```
    #[inline]
    pub fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// Counts one attribute against [`Limits::max_attrs`].
    ///
    /// ```
    /// use nlwire::{Limits, derive_support::DecodeCx};
    /// let mut cx = DecodeCx::new(&Limits { max_attrs: 1, ..Limits::DEFAULT });
    /// assert!(cx.count().is_ok());
    /// assert_eq!(cx.count(), Err(nlwire::Error::TooManyAttrs { limit: 1 }));
    /// ```
    #[inline(always)]
    pub fn count(&mut self) -> Result<()> {
        self.count_n(1)
    }

    /// Counts `n` attributes at once against [`Limits::max_attrs`]: generated decoders count
    /// an attribute set's attributes in a local and add them when the set has been walked,
    /// so the walk keeps its counter in a register. The walk before the check is bounded by
    /// the set's bytes, so the limit still bounds the work of a decode.
    ///
    /// ```
    /// use nlwire::{Limits, derive_support::DecodeCx};
    /// let mut cx = DecodeCx::new(&Limits { max_attrs: 3, ..Limits::DEFAULT });
    /// assert!(cx.count_n(3).is_ok());
    /// assert_eq!(cx.count_n(1), Err(nlwire::Error::TooManyAttrs { limit: 3 }));
    /// ```
    #[inline(always)]
    pub fn count_n(&mut self, n: usize) -> Result<()> {
        // A trusted context has no limit (max_attrs = usize::MAX), so no branch on it here.
        self.attrs = self.attrs.saturating_add(n);
        if self.attrs > self.max_attrs {
            return Err(self.too_many());
        }
        Ok(())
    }

    #[cold]
    #[inline(never)]
    fn too_many(&self) -> Error {
        Error::TooManyAttrs {
            limit: self.max_attrs,
        }
    }

    /// Current nesting depth.
    ///
    /// ```
    /// let mut cx = nlwire::derive_support::DecodeCx::new(&nlwire::Limits::DEFAULT);
    /// cx.enter()?;
    /// assert_eq!(cx.depth(), 1);
    /// # Ok::<(), nlwire::Error>(())
    /// ```
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// Attributes counted so far.
    ///
    /// ```
    /// let mut cx = nlwire::derive_support::DecodeCx::new(&nlwire::Limits::DEFAULT);
    /// cx.count()?;
    /// assert_eq!(cx.attrs(), 1);
    /// # Ok::<(), nlwire::Error>(())
    /// ```
    pub fn attrs(&self) -> usize {
        self.attrs
    }
}

// ---------------------------------------------------------------------------------------
// Hot paths: attribute cursor and writers the generated code inlines
// ---------------------------------------------------------------------------------------

/// The attribute walk generated decoders use: [`Attrs`](crate::Attrs) itself (the same
/// checks and errors; yields `Err` once and stops). The name stays for generated code.
///
/// ```
/// use nlwire::derive_support::AttrCursor;
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
/// nlwire::derive_support::put_attr_fast(&mut b, 1, &[0xaa])?;
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
/// nlwire::derive_support::put_flag(&mut b, 6)?;
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
/// use nlwire::derive_support::put_str_fast;
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
/// use nlwire::derive_support::{nest_end, nest_start, put_flag};
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
/// use nlwire::derive_support::{nest_end, nest_start};
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

// ---------------------------------------------------------------------------------------
// The traits
// ---------------------------------------------------------------------------------------

/// Appends a value's attributes to a [`MsgBuf`] (no headers). Implemented by every
/// [`AttrSet`].
///
/// ```
/// use nlwire::{Encode, MsgBuf};
/// #[derive(nlwire::AttrSet)]
/// struct Port { #[nla(type = 1, u32)] no: Option<u32> }
/// let mut buf = MsgBuf::new();
/// Port { no: Some(3) }.encode(&mut buf)?;
/// assert_eq!(buf.as_slice(), &[8, 0, 1, 0, 3, 0, 0, 0]);
/// # Ok::<(), nlwire::Error>(())
/// ```
pub trait Encode {
    /// Appends the attributes to `buf`.
    fn encode(&self, buf: &mut MsgBuf<'_>) -> Result<()>;

    /// The attributes in a new `Vec` (allocates; for tests and one-off use).
    ///
    /// ```
    /// use nlwire::Encode;
    /// #[derive(nlwire::AttrSet)]
    /// struct Port { #[nla(type = 1, u32)] no: Option<u32> }
    /// assert_eq!(Port { no: None }.encode_to_vec()?, Vec::<u8>::new());
    /// # Ok::<(), nlwire::Error>(())
    /// ```
    fn encode_to_vec(&self) -> Result<Vec<u8>> {
        let mut buf = MsgBuf::new();
        self.encode(&mut buf)?;
        Ok(buf.to_vec())
    }
}

/// A set of attributes with an owned form (`Self`), a borrowed view and a static policy.
///
/// Derived for structs (`#[derive(nlwire::AttrSet)]`) and for "exactly one of" enums; also
/// implemented for `Vec<E: AttrUnion>` (a list of attributes), `Vec<(u16, T)>` (attributes
/// whose type is data, YNL `nest-type-value`) and `Box<T>` (decoded lazily, for recursive
/// sets).
///
/// ```
/// use nlwire::AttrSet;
/// #[derive(Debug, PartialEq, nlwire::AttrSet)]
/// struct Port { #[nla(type = 1, u32, required)] no: u32 }
/// let bytes = [8u8, 0, 1, 0, 3, 0, 0, 0];
/// assert_eq!(Port::decode(&bytes)?.no, 3);
/// assert_eq!(Port::decode_owned(&bytes)?, Port { no: 3 });
/// assert_eq!(Port::POLICY.get(1).unwrap().name, "no");
/// # Ok::<(), nlwire::Error>(())
/// ```
pub trait AttrSet: Encode + Sized + 'static {
    /// The borrowed, zero-copy decoded form.
    type View<'a>: Copy + fmt::Debug + PartialEq;

    /// The policy of the set's attributes (what `CTRL_CMD_GETPOLICY` would report).
    const POLICY: &'static Policy;

    /// The kind of an attribute holding this set: [`AttrKind::Nested`], or
    /// [`AttrKind::NestedArray`] for a type-keyed list.
    const KIND: AttrKind = AttrKind::Nested;

    /// Decodes the attributes in `bytes` (one pass) within `cx`. Error paths are relative
    /// to `bytes`. The depth for `bytes` has already been entered by the caller.
    fn decode_in<'a>(bytes: &'a [u8], cx: &mut DecodeCx) -> Result<Self::View<'a>>;

    /// The owned form of a view (allocates for strings, bytes and lists).
    fn from_view(view: Self::View<'_>) -> Self;

    /// Decodes `bytes` under [`Limits::DEFAULT`]; errors are named from [`Self::POLICY`].
    #[inline]
    fn decode(bytes: &[u8]) -> Result<Self::View<'_>> {
        Self::decode_with(bytes, &Limits::DEFAULT)
    }

    /// Decodes `bytes` under `limits`.
    ///
    /// ```
    /// use nlwire::{AttrSet, Limits};
    /// #[derive(nlwire::AttrSet)]
    /// struct Port { #[nla(type = 1, u32)] no: Option<u32> }
    /// let tight = Limits { max_attrs: 1, ..Limits::DEFAULT };
    /// let two = [8u8, 0, 1, 0, 3, 0, 0, 0, 8, 0, 1, 0, 4, 0, 0, 0];
    /// assert!(Port::decode_with(&two, &tight).is_err());
    /// ```
    fn decode_with<'a>(bytes: &'a [u8], limits: &Limits) -> Result<Self::View<'a>> {
        if bytes.len() > limits.max_bytes {
            return Err(Error::TooLarge {
                len: bytes.len(),
                limit: limits.max_bytes,
            });
        }
        let mut cx = DecodeCx::new(limits);
        let res = cx.enter().and_then(|()| Self::decode_in(bytes, &mut cx));
        res.map_err(|e| e.named_by(Self::POLICY))
    }

    /// Decodes `bytes` into the owned form.
    #[inline]
    fn decode_owned(bytes: &[u8]) -> Result<Self> {
        Self::decode(bytes).map(Self::from_view)
    }

    /// An arbitrary value that satisfies the set's annotations (lengths, ranges, masks,
    /// required attributes), so that it encodes and decodes back to itself.
    #[cfg(feature = "arbitrary")]
    fn arbitrary_set(u: &mut Unstructured<'_>) -> arbitrary::Result<Self> {
        let _ = u;
        Err(arbitrary::Error::IncorrectFormat)
    }
}

/// One attribute out of several kinds: a derived enum, one variant per attribute type.
///
/// A `Vec<E>` of it is an [`AttrSet`] (an ordered list where kinds may repeat, like OVS
/// actions), and the enum itself is an [`AttrSet`] that holds exactly one attribute (like
/// the OVS SET action's key).
///
/// ```
/// use nlwire::{AttrSet, AttrUnion, MsgBuf};
/// #[derive(Debug, PartialEq, nlwire::AttrSet)]
/// enum Action {
///     #[nla(type = 1, u32)] Output(u32),
///     #[nla(type = 5)] PopVlan,
/// }
/// let mut buf = MsgBuf::new();
/// Action::Output(2).encode_attr(&mut buf)?;
/// Action::PopVlan.encode_attr(&mut buf)?;
/// let list = <Vec<Action>>::decode(buf.as_slice())?;
/// let got: Vec<ActionView<'_>> = list.iter().collect();
/// assert_eq!(got, [ActionView::Output(2), ActionView::PopVlan]);
/// # Ok::<(), nlwire::Error>(())
/// ```
pub trait AttrUnion: Sized + 'static {
    /// The borrowed form of one attribute.
    type View<'a>: Copy + fmt::Debug + PartialEq;

    /// The policy of a list of these attributes (every kind may repeat).
    const LIST_POLICY: &'static Policy;

    /// The kind of an attribute holding a list of these: [`AttrKind::Nested`], or
    /// [`AttrKind::NestedArray`] for type-keyed entries.
    const LIST_KIND: AttrKind = AttrKind::Nested;

    /// Appends the value as one attribute.
    fn encode_attr(&self, buf: &mut MsgBuf<'_>) -> Result<()>;

    /// Decodes one attribute, or `Ok(None)` for a type the union does not know. Error
    /// paths include the attribute itself.
    fn decode_attr<'a>(a: Attr<'a>, cx: &mut DecodeCx) -> Result<Option<Self::View<'a>>>;

    /// The owned form of a view.
    fn from_view(view: Self::View<'_>) -> Self;

    /// An arbitrary value that encodes and decodes back to itself.
    #[cfg(feature = "arbitrary")]
    fn arbitrary_union(u: &mut Unstructured<'_>) -> arbitrary::Result<Self> {
        let _ = u;
        Err(arbitrary::Error::IncorrectFormat)
    }
}

/// The payload of a sub-message attribute, whose format is picked by the value of another
/// attribute (the selector) of the same set — YNL `sub-message`. Derived for enums with
/// `#[derive(nlwire::SubMessage)]`.
///
/// ```
/// use nlwire::derive_support::{Selector, SubMessage};
/// #[derive(Debug, PartialEq, nlwire::AttrSet)]
/// struct Vlan { #[nla(type = 1, u16)] id: Option<u16> }
/// #[derive(Debug, PartialEq, nlwire::SubMessage)]
/// enum LinkData {
///     #[nla(value = "vlan")] Vlan(Vlan),
///     #[nla(value = "dummy")] Dummy,
/// }
/// assert_eq!(LinkData::Dummy.selector(), Selector::Str("dummy"));
/// ```
pub trait SubMessage: Sized + 'static {
    /// The borrowed form.
    type View<'a>: Copy + fmt::Debug + PartialEq;

    /// Appends the payload (fixed header and/or attributes) of the variant.
    fn encode_payload(&self, buf: &mut MsgBuf<'_>) -> Result<()>;

    /// Decodes `payload` in the format `selector` picks, or `Ok(None)` for a selector value
    /// the enum does not know. Error paths are relative to the payload.
    fn decode_payload<'a>(
        selector: Selector<'_>,
        payload: &'a [u8],
        cx: &mut DecodeCx,
    ) -> Result<Option<Self::View<'a>>>;

    /// The owned form of a view.
    fn from_view(view: Self::View<'_>) -> Self;

    /// The selector value that picks this variant.
    fn selector(&self) -> Selector<'static>;

    /// An arbitrary value that encodes and decodes back to itself.
    #[cfg(feature = "arbitrary")]
    fn arbitrary_sub(u: &mut Unstructured<'_>) -> arbitrary::Result<Self>;
}

/// A generic netlink message: `nlmsghdr`, `genlmsghdr` (command and version), an optional
/// fixed family header (such as [`OvsHeader`](crate::OvsHeader)) and an attribute set.
/// Derived with `#[derive(nlwire::Message)]`.
///
/// ```
/// use nlwire::{AttrSet, Message, MsgBuf, OvsHeader, consts::NLM_F_REQUEST};
/// #[derive(Debug, PartialEq, nlwire::AttrSet)]
/// struct Dp { #[nla(type = 1, string)] name: Option<String> }
/// #[derive(Debug, PartialEq, nlwire::Message)]
/// #[nla(cmd = 3, version = 2)]
/// struct DpGet { #[nla(header)] hdr: OvsHeader, #[nla(attrs)] dp: Dp }
///
/// let msg = DpGet { hdr: OvsHeader::new(0), dp: Dp { name: Some("br0".into()) } };
/// let mut buf = MsgBuf::new();
/// msg.encode(&mut buf, 0x1c, NLM_F_REQUEST)?;
/// let view = DpGet::decode(buf.as_slice())?;
/// assert_eq!((view.genl.cmd, view.dp.name), (3, Some("br0")));
/// assert_eq!(view.into_owned(), msg);
/// # Ok::<(), nlwire::Error>(())
/// ```
pub trait Message: Sized {
    /// The borrowed form: headers as references into the buffer, attributes as a view.
    type View<'a>: Copy + fmt::Debug;

    /// `genlmsghdr.cmd` written by [`encode`](Self::encode) and expected by
    /// [`decode`](Self::decode).
    const CMD: u8;

    /// `genlmsghdr.version` written by [`encode`](Self::encode).
    const VERSION: u8;

    /// The policy of the message's attribute set.
    const POLICY: &'static Policy;

    /// Length of the fixed family header after `genlmsghdr` (4 for OVS's `ovs_header`, 0
    /// without one).
    const HEADER_LEN: usize;

    /// Where the attributes start in an encoded message: `nlmsghdr`, `genlmsghdr` and the
    /// fixed header. Extended-ack offsets are resolved to attribute paths from here.
    const ATTRS_AT: usize =
        crate::consts::NLMSG_HDRLEN + crate::consts::GENL_HDRLEN + Self::HEADER_LEN;

    /// Appends one complete message (`nlmsg_len` set, seq and pid 0) with `nlmsg_type =
    /// family` (the generic netlink family id, resolved at run time).
    fn encode(&self, buf: &mut MsgBuf<'_>, family: u16, flags: u16) -> Result<()>;

    /// Decodes the body of `msg` (genl header, family header, attributes) without checking
    /// the command. Errors are named from [`Self::POLICY`].
    fn decode_body<'a>(msg: Msg<'a>, limits: &Limits) -> Result<Self::View<'a>>;

    /// The owned form of a view.
    fn from_view(view: Self::View<'_>) -> Self;

    /// Decodes one message from the front of `bytes`: a kernel error message becomes
    /// [`Error::Kernel`], a command other than [`CMD`](Self::CMD) is
    /// [`Error::Unexpected`].
    #[inline]
    fn decode(bytes: &[u8]) -> Result<Self::View<'_>> {
        Self::decode_msg(Msg::parse(bytes)?, &Limits::DEFAULT)
    }

    /// [`decode`](Self::decode) for a message already framed (from
    /// [`Messages`](crate::Messages)), under `limits`.
    fn decode_msg<'a>(msg: Msg<'a>, limits: &Limits) -> Result<Self::View<'a>> {
        check_data_msg(&msg)?;
        let (genl, _) = msg.genl()?;
        if genl.cmd != Self::CMD {
            return Err(Error::Unexpected {
                expected: "the message's genl command",
                found: u32::from(genl.cmd),
            });
        }
        Self::decode_body(msg, limits)
    }

    /// [`decode`](Self::decode) accepting any command (replies that reuse one layout for
    /// several commands).
    fn decode_any_cmd(bytes: &[u8]) -> Result<Self::View<'_>> {
        let msg = Msg::parse(bytes)?;
        check_data_msg(&msg)?;
        Self::decode_body(msg, &Limits::DEFAULT)
    }

    /// Decodes into the owned form.
    fn decode_owned(bytes: &[u8]) -> Result<Self> {
        Self::decode(bytes).map(Self::from_view)
    }
}

/// Fails for every control message: NLMSG_ERROR (a kernel error, or an ACK where data
/// was expected), NLMSG_DONE, NLMSG_NOOP and NLMSG_OVERRUN are not the family's data.
fn check_data_msg(msg: &Msg<'_>) -> Result<()> {
    match msg.kind()? {
        MsgKind::Data => Ok(()),
        MsgKind::Error(e) if e.errno != 0 => Err(Error::Kernel { errno: e.errno }),
        _ => Err(Error::Unexpected {
            expected: "a data message",
            found: u32::from(msg.ty()),
        }),
    }
}

// ---------------------------------------------------------------------------------------
// Field kinds
// ---------------------------------------------------------------------------------------

/// Marker types naming the wire kind of a field: the `K` of [`Field<K>`].
///
/// ```
/// use nlwire::derive_support::{Field, kind};
/// assert_eq!(<u16 as Field<kind::Be16>>::KIND, nlwire::AttrKind::U16);
/// ```
pub mod kind {
    use core::marker::PhantomData;
    macro_rules! kinds {
        ($($name:ident => $doc:literal,)*) => {$(
            #[doc = $doc]
            #[derive(Clone, Copy, Debug)]
            pub struct $name;
        )*};
    }
    kinds! {
        U8 => "`u8`.",
        U16 => "`u16`, host order.",
        U32 => "`u32`, host order.",
        U64 => "`u64`, host order (4-byte aligned on the wire).",
        U128 => "`u128`, host order (16 bytes, an OVS UFID).",
        S8 => "`i8`.",
        S16 => "`i16`, host order.",
        S32 => "`i32`, host order.",
        S64 => "`i64`, host order.",
        Be16 => "`u16`, network order.",
        Be32 => "`u32`, network order.",
        Be64 => "`u64`, network order.",
        Le16 => "`u16`, little-endian.",
        Le32 => "`u32`, little-endian.",
        Le64 => "`u64`, little-endian.",
        Uint => "Variable-width unsigned (4 or 8 bytes).",
        Sint => "Variable-width signed (4 or 8 bytes).",
        Str => "NUL-terminated string.",
        StrUnterminated => "String whose NUL may be missing (YNL `unterminated-ok`).",
        Bytes => "Opaque bytes.",
        Fixed => "A fixed zerocopy struct.",
        Array => "A packed array of fixed zerocopy elements.",
        Nested => "A nested attribute set.",
        Bitfield32 => "`struct nla_bitfield32`.",
    }

    /// YNL `indexed-array`: entries of kind `K` whose attribute type is their index,
    /// numbered from `BASE` when encoding.
    ///
    /// ```
    /// use nlwire::derive_support::{Field, kind};
    /// let mut b = nlwire::MsgBuf::new();
    /// Field::<kind::IndexedArray<kind::U32, 1>>::put(&vec![7u32], &mut b, 5)?;
    /// assert_eq!(b.as_slice(), &[12, 0, 5, 0, 8, 0, 1, 0, 7, 0, 0, 0]);
    /// # Ok::<(), nlwire::Error>(())
    /// ```
    #[derive(Clone, Copy, Debug)]
    pub struct IndexedArray<K, const BASE: u16>(PhantomData<K>);
}

/// How a Rust type holds one attribute of kind `K`: encode, decode (into a borrowed view),
/// convert back to owned, and default policy bounds. Implemented here for every supported
/// (type, kind) pair; derived code only names them.
///
/// ```
/// use nlwire::derive_support::{Field, kind};
/// let mut buf = nlwire::MsgBuf::new();
/// Field::<kind::Be16>::put(&0x0800u16, &mut buf, 6)?;
/// assert_eq!(buf.as_slice(), &[6, 0, 6, 0, 0x08, 0x00, 0, 0]);
/// # Ok::<(), nlwire::Error>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "a field of type `{Self}` cannot hold an attribute of kind `{K}`",
    label = "this type does not match the attribute kind",
    note = "see the table of kinds and field types in the nlwire-derive documentation"
)]
pub trait Field<K>: Sized + 'static {
    /// The decoded, borrowed form.
    type View<'a>: Copy + fmt::Debug + PartialEq;
    /// Policy kind.
    const KIND: AttrKind;
    /// Default payload bounds (before annotations).
    const LEN: (u32, u32) = Self::KIND.default_len();
    /// Big-endian integer.
    const BIG_ENDIAN: bool = false;

    /// Appends the value as attribute `ty` (`ty` may carry `NLA_F_NESTED`).
    fn put(&self, buf: &mut MsgBuf<'_>, ty: u16) -> Result<()>;

    /// Decodes attribute `a`. Error paths include `a` itself.
    fn get<'a>(a: Attr<'a>, cx: &mut DecodeCx) -> Result<Self::View<'a>>;

    /// The owned form of a view.
    fn from_view(view: Self::View<'_>) -> Self;

    /// The value as an integer, for range and mask checks (`None` for non-integers).
    #[inline]
    fn int_of(view: &Self::View<'_>) -> Option<i128> {
        let _ = view;
        None
    }

    /// An arbitrary value within the policy entry's bounds.
    #[cfg(feature = "arbitrary")]
    fn arbitrary_field(u: &mut Unstructured<'_>, p: &AttrPolicy) -> arbitrary::Result<Self>;
}

#[inline]
fn exact_bytes<const N: usize>(a: &Attr<'_>) -> Result<[u8; N]> {
    a.payload().try_into().map_err(|_| Error::BadLength {
        path: AttrPath::root().child(a.ty()),
        len: a.len(),
        min: N,
        max: N,
    })
}

#[cfg(feature = "arbitrary")]
fn arbitrary_int(
    u: &mut Unstructured<'_>,
    p: &AttrPolicy,
    lo: i128,
    hi: i128,
) -> arbitrary::Result<i128> {
    let (mut min, mut max) = (lo, hi);
    if let Some(r) = p.range {
        min = min.max(r.min);
        max = max.min(r.max);
    }
    if min > max {
        return Err(arbitrary::Error::IncorrectFormat);
    }
    let mut v = u.int_in_range(min..=max)?;
    if let Some(mask) = p.flags_mask {
        let masked = v & mask as i128;
        v = if (min..=max).contains(&masked) {
            masked
        } else {
            min & mask as i128
        };
    }
    Ok(v)
}

macro_rules! int_fields {
    ($($k:ident, $t:ty, $kind:ident, $be:literal, |$v:ident| $to:expr, |$b:ident| $from:expr;)*) => {$(
        impl Field<kind::$k> for $t {
            type View<'a> = $t;
            const KIND: AttrKind = AttrKind::$kind;
            const BIG_ENDIAN: bool = $be;
            #[inline]
            fn put(&self, buf: &mut MsgBuf<'_>, ty: u16) -> Result<()> {
                let $v = *self;
                put_attr_fast(buf, ty, &$to)
            }
            #[inline]
            fn get<'a>(a: Attr<'a>, _cx: &mut DecodeCx) -> Result<$t> {
                let $b = exact_bytes(&a)?;
                Ok($from)
            }
            #[inline]
            fn from_view(view: $t) -> Self {
                view
            }
            #[inline]
            fn int_of(view: &$t) -> Option<i128> {
                Some(*view as i128)
            }
            #[cfg(feature = "arbitrary")]
            fn arbitrary_field(u: &mut Unstructured<'_>, p: &AttrPolicy) -> arbitrary::Result<Self> {
                arbitrary_int(u, p, <$t>::MIN as i128, <$t>::MAX as i128).map(|v| v as $t)
            }
        }
    )*};
}

int_fields! {
    U8, u8, U8, false, |v| [v], |b| u8::from_ne_bytes(b);
    U16, u16, U16, false, |v| v.to_ne_bytes(), |b| u16::from_ne_bytes(b);
    U32, u32, U32, false, |v| v.to_ne_bytes(), |b| u32::from_ne_bytes(b);
    U64, u64, U64, false, |v| v.to_ne_bytes(), |b| u64::from_ne_bytes(b);
    S8, i8, S8, false, |v| v.to_ne_bytes(), |b| i8::from_ne_bytes(b);
    S16, i16, S16, false, |v| v.to_ne_bytes(), |b| i16::from_ne_bytes(b);
    S32, i32, S32, false, |v| v.to_ne_bytes(), |b| i32::from_ne_bytes(b);
    S64, i64, S64, false, |v| v.to_ne_bytes(), |b| i64::from_ne_bytes(b);
    Be16, u16, U16, true, |v| v.to_be_bytes(), |b| u16::from_be_bytes(b);
    Be32, u32, U32, true, |v| v.to_be_bytes(), |b| u32::from_be_bytes(b);
    Be64, u64, U64, true, |v| v.to_be_bytes(), |b| u64::from_be_bytes(b);
    Le16, u16, U16, false, |v| v.to_le_bytes(), |b| u16::from_le_bytes(b);
    Le32, u32, U32, false, |v| v.to_le_bytes(), |b| u32::from_le_bytes(b);
    Le64, u64, U64, false, |v| v.to_le_bytes(), |b| u64::from_le_bytes(b);
}

impl Field<kind::U128> for u128 {
    type View<'a> = u128;
    const KIND: AttrKind = AttrKind::Binary;
    const LEN: (u32, u32) = (16, 16);
    #[inline]
    fn put(&self, buf: &mut MsgBuf<'_>, ty: u16) -> Result<()> {
        put_attr_fast(buf, ty, &self.to_ne_bytes())
    }
    #[inline]
    fn get<'a>(a: Attr<'a>, _cx: &mut DecodeCx) -> Result<u128> {
        Ok(u128::from_ne_bytes(exact_bytes(&a)?))
    }
    #[inline]
    fn from_view(view: u128) -> Self {
        view
    }
    #[cfg(feature = "arbitrary")]
    fn arbitrary_field(u: &mut Unstructured<'_>, _p: &AttrPolicy) -> arbitrary::Result<Self> {
        u.arbitrary()
    }
}

impl Field<kind::Uint> for u64 {
    type View<'a> = u64;
    const KIND: AttrKind = AttrKind::Uint;
    #[inline]
    fn put(&self, buf: &mut MsgBuf<'_>, ty: u16) -> Result<()> {
        match u32::try_from(*self) {
            Ok(small) => put_attr_fast(buf, ty, &small.to_ne_bytes()),
            Err(_) => put_attr_fast(buf, ty, &self.to_ne_bytes()),
        }
    }
    #[inline]
    fn get<'a>(a: Attr<'a>, _cx: &mut DecodeCx) -> Result<u64> {
        a.get_uint()
    }
    #[inline]
    fn from_view(view: u64) -> Self {
        view
    }
    #[inline]
    fn int_of(view: &u64) -> Option<i128> {
        Some(i128::from(*view))
    }
    #[cfg(feature = "arbitrary")]
    fn arbitrary_field(u: &mut Unstructured<'_>, p: &AttrPolicy) -> arbitrary::Result<Self> {
        arbitrary_int(u, p, 0, i128::from(u64::MAX)).map(|v| v as u64)
    }
}

impl Field<kind::Sint> for i64 {
    type View<'a> = i64;
    const KIND: AttrKind = AttrKind::Sint;
    #[inline]
    fn put(&self, buf: &mut MsgBuf<'_>, ty: u16) -> Result<()> {
        match i32::try_from(*self) {
            Ok(small) => put_attr_fast(buf, ty, &small.to_ne_bytes()),
            Err(_) => put_attr_fast(buf, ty, &self.to_ne_bytes()),
        }
    }
    #[inline]
    fn get<'a>(a: Attr<'a>, _cx: &mut DecodeCx) -> Result<i64> {
        a.get_sint()
    }
    #[inline]
    fn from_view(view: i64) -> Self {
        view
    }
    #[inline]
    fn int_of(view: &i64) -> Option<i128> {
        Some(i128::from(*view))
    }
    #[cfg(feature = "arbitrary")]
    fn arbitrary_field(u: &mut Unstructured<'_>, p: &AttrPolicy) -> arbitrary::Result<Self> {
        arbitrary_int(u, p, i128::from(i64::MIN), i128::from(i64::MAX)).map(|v| v as i64)
    }
}

/// An arbitrary string without NUL whose payload (with its NUL) fits the policy bounds.
#[cfg(feature = "arbitrary")]
fn arbitrary_text(u: &mut Unstructured<'_>, p: &AttrPolicy) -> arbitrary::Result<String> {
    let max_chars = (p.max_len.min(64) as usize).saturating_sub(1);
    let min_chars = (p.min_len as usize).saturating_sub(1);
    let n = u.int_in_range(min_chars.min(max_chars)..=max_chars)?;
    let mut s = String::with_capacity(n);
    for _ in 0..n {
        let c = u.int_in_range(0x20u8..=0x7e)?;
        s.push(char::from(c));
    }
    Ok(s)
}

/// An arbitrary byte vector within the policy bounds (capped at 64 bytes).
#[cfg(feature = "arbitrary")]
fn arbitrary_bytes(u: &mut Unstructured<'_>, p: &AttrPolicy) -> arbitrary::Result<Vec<u8>> {
    let max = (p.max_len as usize).min((p.min_len as usize).max(64));
    let n = u.int_in_range((p.min_len as usize).min(max)..=max)?;
    Ok(u.bytes(n)
        .map(<[u8]>::to_vec)
        .unwrap_or_else(|_| vec![0; n]))
}

impl Field<kind::Str> for String {
    type View<'a> = &'a str;
    const KIND: AttrKind = AttrKind::String;
    #[inline]
    fn put(&self, buf: &mut MsgBuf<'_>, ty: u16) -> Result<()> {
        put_str_fast(buf, ty, self)
    }
    #[inline]
    fn get<'a>(a: Attr<'a>, _cx: &mut DecodeCx) -> Result<&'a str> {
        a.get_str()
    }
    #[inline]
    fn from_view(view: &str) -> Self {
        view.to_owned()
    }
    #[cfg(feature = "arbitrary")]
    fn arbitrary_field(u: &mut Unstructured<'_>, p: &AttrPolicy) -> arbitrary::Result<Self> {
        arbitrary_text(u, p)
    }
}

impl Field<kind::Str> for CString {
    type View<'a> = &'a CStr;
    const KIND: AttrKind = AttrKind::String;
    #[inline]
    fn put(&self, buf: &mut MsgBuf<'_>, ty: u16) -> Result<()> {
        put_attr_fast(buf, ty, self.to_bytes_with_nul())
    }
    #[inline]
    fn get<'a>(a: Attr<'a>, _cx: &mut DecodeCx) -> Result<&'a CStr> {
        a.get_cstr()
    }
    #[inline]
    fn from_view(view: &CStr) -> Self {
        view.to_owned()
    }
    #[cfg(feature = "arbitrary")]
    fn arbitrary_field(u: &mut Unstructured<'_>, p: &AttrPolicy) -> arbitrary::Result<Self> {
        let s = arbitrary_text(u, p)?;
        CString::new(s).map_err(|_| arbitrary::Error::IncorrectFormat)
    }
}

impl Field<kind::StrUnterminated> for String {
    type View<'a> = &'a str;
    const KIND: AttrKind = AttrKind::StringUnterminated;
    #[inline]
    fn put(&self, buf: &mut MsgBuf<'_>, ty: u16) -> Result<()> {
        put_str_fast(buf, ty, self)
    }
    #[inline]
    fn get<'a>(a: Attr<'a>, _cx: &mut DecodeCx) -> Result<&'a str> {
        a.get_str_lossy_end()
    }
    #[inline]
    fn from_view(view: &str) -> Self {
        view.to_owned()
    }
    #[cfg(feature = "arbitrary")]
    fn arbitrary_field(u: &mut Unstructured<'_>, p: &AttrPolicy) -> arbitrary::Result<Self> {
        arbitrary_text(u, p)
    }
}

impl Field<kind::Bytes> for Vec<u8> {
    type View<'a> = &'a [u8];
    const KIND: AttrKind = AttrKind::Binary;
    #[inline]
    fn put(&self, buf: &mut MsgBuf<'_>, ty: u16) -> Result<()> {
        put_attr_fast(buf, ty, self)
    }
    #[inline]
    fn get<'a>(a: Attr<'a>, _cx: &mut DecodeCx) -> Result<&'a [u8]> {
        Ok(a.payload())
    }
    #[inline]
    fn from_view(view: &[u8]) -> Self {
        view.to_vec()
    }
    #[cfg(feature = "arbitrary")]
    fn arbitrary_field(u: &mut Unstructured<'_>, p: &AttrPolicy) -> arbitrary::Result<Self> {
        arbitrary_bytes(u, p)
    }
}

/// A fixed wire type: a zerocopy struct viewable in place at any offset, with `Copy`,
/// `Debug` and `PartialEq`. `#[nlwire::wire]` implements it; it is also implemented for
/// single bytes, zerocopy's byte-order integers, arrays of wire types and nlwire's own
/// headers. A hand-written zerocopy struct opts in with one line:
///
/// ```
/// use nlwire::zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};
/// #[derive(Clone, Copy, Debug, PartialEq, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
/// #[repr(C)]
/// struct Port { no: [u8; 4] }
/// impl nlwire::derive_support::WireType for Port {}
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a fixed wire type",
    label = "not a fixed wire type",
    note = "lay the struct out with `#[nlwire::wire]`, or implement \
            `nlwire::derive_support::WireType` for a hand-written zerocopy struct"
)]
pub trait WireType:
    FromBytes
    + IntoBytes
    + KnownLayout
    + Immutable
    + Unaligned
    + Copy
    + fmt::Debug
    + PartialEq
    + 'static
{
}

impl WireType for u8 {}
impl WireType for i8 {}
impl<T: WireType, const N: usize> WireType for [T; N] {}

macro_rules! wire_byteorder {
    ($($t:ident),*) => {$(
        impl<O: zerocopy::byteorder::ByteOrder + 'static> WireType for zerocopy::byteorder::$t<O> {}
    )*};
}
wire_byteorder!(U16, U32, U64, U128, I16, I32, I64, I128, F32, F64);

impl WireType for crate::header::NlMsgHdr {}
impl WireType for crate::header::GenlMsgHdr {}
impl WireType for crate::header::NlAttrHdr {}
impl WireType for crate::header::NlMsgErr {}
impl WireType for crate::header::OvsHeader {}

impl<T: WireType> Field<kind::Fixed> for T {
    type View<'a> = &'a T;
    const KIND: AttrKind = AttrKind::Binary;
    const LEN: (u32, u32) = (size_of::<T>() as u32, size_of::<T>() as u32);
    #[inline]
    fn put(&self, buf: &mut MsgBuf<'_>, ty: u16) -> Result<()> {
        put_attr_fast(buf, ty, self.as_bytes())
    }
    #[inline]
    fn get<'a>(a: Attr<'a>, _cx: &mut DecodeCx) -> Result<&'a T> {
        a.get_struct()
    }
    #[inline]
    fn from_view(view: &T) -> Self {
        *view
    }
    #[cfg(feature = "arbitrary")]
    fn arbitrary_field(u: &mut Unstructured<'_>, _p: &AttrPolicy) -> arbitrary::Result<Self> {
        arbitrary_wire(u)
    }
}

/// An arbitrary value of a fixed wire type, read from the next `size_of::<T>()` bytes.
///
/// ```
/// use nlwire::arbitrary::Unstructured;
/// let v: [u8; 2] = nlwire::derive_support::arbitrary_wire(&mut Unstructured::new(&[1, 2]))?;
/// assert_eq!(v, [1, 2]);
/// # Ok::<(), nlwire::arbitrary::Error>(())
/// ```
#[cfg(feature = "arbitrary")]
pub fn arbitrary_wire<T: FromBytes>(u: &mut Unstructured<'_>) -> arbitrary::Result<T> {
    let n = size_of::<T>();
    match u.bytes(n) {
        Ok(b) => T::read_from_bytes(b).map_err(|_| arbitrary::Error::IncorrectFormat),
        Err(_) => Ok(T::new_zeroed()),
    }
}

impl<E: WireType> Field<kind::Array> for Vec<E> {
    type View<'a> = &'a [E];
    const KIND: AttrKind = AttrKind::Binary;
    #[inline]
    fn put(&self, buf: &mut MsgBuf<'_>, ty: u16) -> Result<()> {
        put_attr_fast(buf, ty, self.as_slice().as_bytes())
    }
    #[inline]
    fn get<'a>(a: Attr<'a>, _cx: &mut DecodeCx) -> Result<&'a [E]> {
        a.get_slice()
    }
    #[inline]
    fn from_view(view: &[E]) -> Self {
        view.to_vec()
    }
    #[cfg(feature = "arbitrary")]
    fn arbitrary_field(u: &mut Unstructured<'_>, p: &AttrPolicy) -> arbitrary::Result<Self> {
        let size = size_of::<E>().max(1);
        let max = (p.max_len as usize / size).min(8);
        let min = (p.min_len as usize).div_ceil(size).min(max);
        let n = u.int_in_range(min..=max)?;
        (0..n).map(|_| arbitrary_wire(u)).collect()
    }
}

impl<T: AttrSet> Field<kind::Nested> for T {
    type View<'a> = T::View<'a>;
    const KIND: AttrKind = T::KIND;
    #[inline]
    fn put(&self, buf: &mut MsgBuf<'_>, ty: u16) -> Result<()> {
        let nest = nest_start(buf, ty);
        self.encode(buf)?;
        nest_end(buf, nest)
    }
    #[inline]
    fn get<'a>(a: Attr<'a>, cx: &mut DecodeCx) -> Result<T::View<'a>> {
        decode_nested::<T>(a.payload(), cx).map_err(|e| e.within(a.ty()))
    }
    #[inline]
    fn from_view(view: T::View<'_>) -> Self {
        T::from_view(view)
    }
    #[cfg(feature = "arbitrary")]
    fn arbitrary_field(u: &mut Unstructured<'_>, _p: &AttrPolicy) -> arbitrary::Result<Self> {
        let _guard = ArbitraryDepth::enter();
        T::arbitrary_set(u)
    }
}

/// Decodes a nested payload one level down (paths relative to the payload).
///
/// ```
/// use nlwire::{Limits, derive_support::{DecodeCx, decode_nested}};
/// #[derive(nlwire::AttrSet)]
/// struct Port { #[nla(type = 1, u32)] no: Option<u32> }
/// let v = decode_nested::<Port>(&[8, 0, 1, 0, 3, 0, 0, 0], &mut DecodeCx::new(&Limits::DEFAULT))?;
/// assert_eq!(v.no, Some(3));
/// # Ok::<(), nlwire::Error>(())
/// ```
#[inline]
pub fn decode_nested<'a, T: AttrSet>(payload: &'a [u8], cx: &mut DecodeCx) -> Result<T::View<'a>> {
    cx.enter()?;
    let v = T::decode_in(payload, cx);
    cx.leave();
    v
}

/// `struct nla_bitfield32`: `value` bits, and which of them (`selector`) are meaningful.
///
/// ```
/// use nlwire::derive_support::{Bitfield32, Field, kind};
/// let mut buf = nlwire::MsgBuf::new();
/// Field::<kind::Bitfield32>::put(&Bitfield32 { value: 1, selector: 3 }, &mut buf, 2)?;
/// assert_eq!(buf.len(), 12);
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
        put_attr_fast(buf, ty, &b)
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

impl<T, K, const BASE: u16> Field<kind::IndexedArray<K, BASE>> for Vec<T>
where
    T: Field<K>,
{
    type View<'a> = Indexed<'a, T, K>;
    const KIND: AttrKind = match T::KIND {
        AttrKind::Nested => AttrKind::NestedArray,
        _ => AttrKind::Nested,
    };
    #[inline]
    fn put(&self, buf: &mut MsgBuf<'_>, ty: u16) -> Result<()> {
        let nest = nest_start(buf, ty);
        for (i, v) in self.iter().enumerate() {
            let index = u16::try_from(i)
                .ok()
                .and_then(|i| i.checked_add(BASE))
                .filter(|i| *i <= crate::consts::NLA_TYPE_MASK)
                .ok_or(Error::AttrTooLarge { ty, len: i })?;
            v.put(buf, index)?;
        }
        nest_end(buf, nest)
    }
    fn get<'a>(a: Attr<'a>, cx: &mut DecodeCx) -> Result<Indexed<'a, T, K>> {
        if !cx.is_trusted() {
            validate_items(a.payload(), cx, |item, cx| T::get(item, cx).map(drop))
                .map_err(|e| e.within(a.ty()))?;
        }
        Ok(Indexed {
            bytes: a.payload(),
            _t: PhantomData,
        })
    }
    fn from_view(view: Indexed<'_, T, K>) -> Self {
        view.iter().map(T::from_view).collect()
    }
    #[cfg(feature = "arbitrary")]
    fn arbitrary_field(u: &mut Unstructured<'_>, _p: &AttrPolicy) -> arbitrary::Result<Self> {
        let inner = AttrPolicy::new("item", 0, T::KIND);
        arbitrary_vec(u, |u| T::arbitrary_field(u, &inner))
    }
}

/// Walks the items of a list payload one level down, counting each and checking it with
/// `f` (paths relative to the payload).
#[inline]
fn validate_items(
    payload: &[u8],
    cx: &mut DecodeCx,
    mut f: impl FnMut(Attr<'_>, &mut DecodeCx) -> Result<()>,
) -> Result<()> {
    cx.enter()?;
    let mut n = 0;
    for a in AttrCursor::new(payload) {
        n += 1;
        f(a?, cx)?;
    }
    cx.count_n(n)?;
    cx.leave();
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Lists, lazy nests and repeated attributes
// ---------------------------------------------------------------------------------------

macro_rules! copy_clone {
    ($name:ident <$($g:ident),*>) => {
        impl<'a, $($g),*> Clone for $name<'a, $($g),*> {
            fn clone(&self) -> Self {
                *self
            }
        }
        impl<'a, $($g),*> Copy for $name<'a, $($g),*> {}
    };
}

/// The view of a list of attributes (`Vec<E>` with `E: AttrUnion`): the validated payload,
/// decoded item by item when iterated. Copying it is free; iterating never allocates.
/// Attributes of a type `E` does not know are skipped.
///
/// ```
/// use nlwire::{AttrSet, MsgBuf};
/// #[derive(Debug, PartialEq, nlwire::AttrSet)]
/// enum Act { #[nla(type = 1, u32)] Output(u32) }
/// let mut b = MsgBuf::new();
/// b.put_attr_u32(1, 4)?;
/// b.put_attr_u32(1, 5)?;
/// let list = <Vec<Act>>::decode(b.as_slice())?;
/// assert_eq!(list.iter().count(), 2);
/// assert!(!list.is_empty());
/// # Ok::<(), nlwire::Error>(())
/// ```
pub struct AttrList<'a, E> {
    bytes: &'a [u8],
    _e: PhantomData<fn() -> E>,
}

copy_clone!(AttrList<E>);

impl<'a, E: AttrUnion> AttrList<'a, E> {
    /// Validates `bytes` as a list of `E` (every item decoded once, under
    /// [`Limits::DEFAULT`]) and keeps them for iteration; bytes that do not decode are the
    /// decoder's error.
    ///
    /// ```
    /// use nlwire::derive_support::AttrList;
    /// #[derive(Debug, PartialEq, nlwire::AttrSet)]
    /// enum Act { #[nla(type = 1, u32)] Output(u32) }
    /// let l = AttrList::<Act>::new(&[8, 0, 1, 0, 2, 0, 0, 0])?;
    /// assert_eq!(l.iter().next(), Some(ActView::Output(2)));
    /// // An output action two bytes long is refused here, not while iterating.
    /// assert!(AttrList::<Act>::new(&[6, 0, 1, 0, 2, 0]).is_err());
    /// # Ok::<(), nlwire::Error>(())
    /// ```
    pub fn new(bytes: &'a [u8]) -> Result<Self> {
        <Vec<E> as AttrSet>::decode_in(bytes, &mut DecodeCx::new(&Limits::DEFAULT))
    }

    /// A list over `bytes` that this crate's decoder has just validated.
    pub(crate) fn new_validated(bytes: &'a [u8]) -> Self {
        AttrList {
            bytes,
            _e: PhantomData,
        }
    }

    /// Iterates the items in order (also what `for x in list` does).
    ///
    /// ```
    /// use nlwire::{AttrSet, derive_support::AttrList};
    /// #[derive(Debug, PartialEq, nlwire::AttrSet)]
    /// enum Act { #[nla(type = 1, u32)] Output(u32) }
    /// let list: AttrList<'_, Act> = <Vec<Act>>::decode(&[8, 0, 1, 0, 2, 0, 0, 0])?;
    /// assert_eq!(list.iter().count(), 1);
    /// # Ok::<(), nlwire::Error>(())
    /// ```
    #[inline]
    pub fn iter(&self) -> AttrListIter<'a, E> {
        AttrListIter {
            attrs: AttrCursor::new(self.bytes),
            _e: PhantomData,
        }
    }

    /// The raw payload.
    ///
    /// ```
    /// #[derive(Debug, PartialEq, nlwire::AttrSet)]
    /// enum Act { #[nla(type = 5)] PopVlan }
    /// let l = nlwire::derive_support::AttrList::<Act>::new(&[4, 0, 5, 0])?;
    /// assert_eq!(l.bytes().len(), 4);
    /// # Ok::<(), nlwire::Error>(())
    /// ```
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// True when the list holds no attribute.
    ///
    /// ```
    /// #[derive(Debug, PartialEq, nlwire::AttrSet)]
    /// enum Act { #[nla(type = 5)] PopVlan }
    /// assert!(nlwire::derive_support::AttrList::<Act>::new(&[])?.is_empty());
    /// # Ok::<(), nlwire::Error>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}

impl<'a, E: AttrUnion> IntoIterator for AttrList<'a, E> {
    type Item = E::View<'a>;
    type IntoIter = AttrListIter<'a, E>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<E: AttrUnion> fmt::Debug for AttrList<'_, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<E: AttrUnion> PartialEq for AttrList<'_, E> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

/// Iterator over an [`AttrList`] (see [`AttrList::iter`]).
pub struct AttrListIter<'a, E> {
    attrs: AttrCursor<'a>,
    _e: PhantomData<fn() -> E>,
}

impl<'a, E: AttrUnion> Iterator for AttrListIter<'a, E> {
    type Item = E::View<'a>;
    #[inline]
    fn next(&mut self) -> Option<E::View<'a>> {
        loop {
            let a = self.attrs.next()?.ok()?;
            match E::decode_attr(a, &mut DecodeCx::trusted()) {
                Ok(Some(v)) => return Some(v),
                Ok(None) => continue,
                Err(_) => return validated_failed(),
            }
        }
    }
}

/// Re-decoding bytes that were validated cannot fail; if it does (a bug), stop the
/// iteration instead of panicking on input.
#[inline]
fn validated_failed<T>() -> Option<T> {
    debug_assert!(false, "re-decoding validated bytes failed");
    None
}

impl<E: AttrUnion> Encode for Vec<E> {
    #[inline]
    fn encode(&self, buf: &mut MsgBuf<'_>) -> Result<()> {
        for e in self {
            e.encode_attr(buf)?;
        }
        Ok(())
    }
}

impl<E: AttrUnion> AttrSet for Vec<E> {
    type View<'a> = AttrList<'a, E>;
    const POLICY: &'static Policy = E::LIST_POLICY;
    const KIND: AttrKind = E::LIST_KIND;

    fn decode_in<'a>(bytes: &'a [u8], cx: &mut DecodeCx) -> Result<AttrList<'a, E>> {
        if !cx.is_trusted() {
            let mut n = 0;
            for a in AttrCursor::new(bytes) {
                n += 1;
                E::decode_attr(a?, cx)?;
            }
            cx.count_n(n)?;
        }
        Ok(AttrList::new_validated(bytes))
    }

    fn from_view(view: AttrList<'_, E>) -> Self {
        view.iter().map(E::from_view).collect()
    }

    #[cfg(feature = "arbitrary")]
    fn arbitrary_set(u: &mut Unstructured<'_>) -> arbitrary::Result<Self> {
        arbitrary_vec(u, E::arbitrary_union)
    }
}

/// Type-keyed entries (YNL `nest-type-value`, and lists whose outer type is ignored): each
/// entry is a nested attribute whose *type* is data.
///
/// ```
/// use nlwire::{AttrSet, Encode};
/// #[derive(Debug, PartialEq, nlwire::AttrSet)]
/// struct Band { #[nla(type = 2, u32)] rate: Option<u32> }
/// let bands: Vec<(u16, Band)> = vec![(0, Band { rate: Some(10) })];
/// let bytes = bands.encode_to_vec()?;
/// assert_eq!(<Vec<(u16, Band)>>::decode_owned(&bytes)?, bands);
/// # Ok::<(), nlwire::Error>(())
/// ```
impl<T: AttrSet> AttrUnion for (u16, T) {
    type View<'a> = (u16, T::View<'a>);
    const LIST_POLICY: &'static Policy = match T::KIND {
        AttrKind::Nested => T::POLICY,
        _ => &TYPE_VALUE_POLICY,
    };
    const LIST_KIND: AttrKind = match T::KIND {
        AttrKind::Nested => AttrKind::NestedArray,
        _ => AttrKind::Nested,
    };

    #[inline]
    fn encode_attr(&self, buf: &mut MsgBuf<'_>) -> Result<()> {
        self.1.put(buf, self.0)
    }

    #[inline]
    fn decode_attr<'a>(a: Attr<'a>, cx: &mut DecodeCx) -> Result<Option<Self::View<'a>>> {
        Ok(Some((a.ty(), <T as Field<kind::Nested>>::get(a, cx)?)))
    }

    fn from_view(view: Self::View<'_>) -> Self {
        (view.0, T::from_view(view.1))
    }

    #[cfg(feature = "arbitrary")]
    fn arbitrary_union(u: &mut Unstructured<'_>) -> arbitrary::Result<Self> {
        let ty = u.int_in_range(0..=crate::consts::NLA_TYPE_MASK)?;
        let _guard = ArbitraryDepth::enter();
        Ok((ty, T::arbitrary_set(u)?))
    }
}

/// The policy of type-keyed entries whose contents are themselves type-keyed.
static TYPE_VALUE_POLICY: Policy = Policy::new("type-value", &[]);

/// A nested set decoded on demand ([`Box<T>`]'s view): the validated payload. Use it for
/// recursive sets (OVS `ENCAP` inside a flow key) and for nests most readers skip.
///
/// ```
/// use nlwire::{AttrSet, Encode};
/// #[derive(Debug, PartialEq, nlwire::AttrSet)]
/// struct Key {
///     #[nla(type = 3, u32)] in_port: Option<u32>,
///     #[nla(type = 1, nested)] encap: Option<Box<Key>>,
/// }
/// let k = Key { in_port: Some(1), encap: Some(Box::new(Key { in_port: Some(2), encap: None })) };
/// let bytes = k.encode_to_vec()?;
/// let v = Key::decode(&bytes)?;
/// assert_eq!(v.encap.unwrap().get().in_port, Some(2));
/// # Ok::<(), nlwire::Error>(())
/// ```
pub struct Lazy<'a, T> {
    bytes: &'a [u8],
    _t: PhantomData<fn() -> T>,
}

copy_clone!(Lazy<T>);

impl<'a, T: AttrSet> Lazy<'a, T> {
    /// Validates `bytes` as the payload of a `T` (under [`Limits::DEFAULT`]) and keeps
    /// them for decoding on demand; bytes that do not decode are the decoder's error.
    ///
    /// ```
    /// #[derive(nlwire::AttrSet)]
    /// struct Port { #[nla(type = 1, u32)] no: Option<u32> }
    /// let l = nlwire::derive_support::Lazy::<Port>::new(&[8, 0, 1, 0, 3, 0, 0, 0])?;
    /// assert_eq!(l.get().no, Some(3));
    /// assert_eq!(l.bytes().len(), 8);
    /// // A u32 attribute two bytes long is refused here, not when read.
    /// assert!(nlwire::derive_support::Lazy::<Port>::new(&[6, 0, 1, 0, 3, 0]).is_err());
    /// # Ok::<(), nlwire::Error>(())
    /// ```
    pub fn new(bytes: &'a [u8]) -> Result<Self> {
        T::decode_in(bytes, &mut DecodeCx::new(&Limits::DEFAULT))?;
        Ok(Self::new_validated(bytes))
    }

    /// A lazy view over `bytes` that this crate's decoder has just validated.
    pub(crate) fn new_validated(bytes: &'a [u8]) -> Self {
        Lazy {
            bytes,
            _t: PhantomData,
        }
    }

    /// Decodes the set (cheap: the bytes were validated, lists inside are not walked).
    /// See [`Lazy::new`] for an example.
    #[inline]
    pub fn get(&self) -> T::View<'a> {
        // The first pass decoded these very bytes with the same code; a trusted pass only
        // skips limit counters and list walks, so it cannot fail.
        T::decode_in(self.bytes, &mut DecodeCx::trusted())
            .unwrap_or_else(|_| unreachable_view::<T>())
    }

    /// The raw payload (see [`Lazy::new`]).
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }
}

#[cold]
fn unreachable_view<'a, T: AttrSet>() -> T::View<'a> {
    // Only reachable when a set with required attributes fails to re-decode validated
    // bytes, which the first pass rules out.
    unreachable!("validated bytes failed to decode twice")
}

impl<T: AttrSet> fmt::Debug for Lazy<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.get().fmt(f)
    }
}

impl<T: AttrSet> PartialEq for Lazy<'_, T> {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl<T: AttrSet> Encode for Box<T> {
    #[inline]
    fn encode(&self, buf: &mut MsgBuf<'_>) -> Result<()> {
        (**self).encode(buf)
    }
}

impl<T: AttrSet> AttrSet for Box<T> {
    type View<'a> = Lazy<'a, T>;
    const POLICY: &'static Policy = T::POLICY;
    const KIND: AttrKind = T::KIND;

    fn decode_in<'a>(bytes: &'a [u8], cx: &mut DecodeCx) -> Result<Lazy<'a, T>> {
        if !cx.is_trusted() {
            T::decode_in(bytes, cx)?;
        }
        Ok(Lazy::new_validated(bytes))
    }

    fn from_view(view: Lazy<'_, T>) -> Self {
        Box::new(T::from_view(view.get()))
    }

    #[cfg(feature = "arbitrary")]
    fn arbitrary_set(u: &mut Unstructured<'_>) -> arbitrary::Result<Self> {
        T::arbitrary_set(u).map(Box::new)
    }
}

/// The view of a repeated attribute (YNL `multi-attr`): every attribute of one type in the
/// enclosing set, decoded as iterated. Validated by the one decoding pass.
///
/// ```
/// use nlwire::{AttrSet, Encode};
/// #[derive(Debug, PartialEq, nlwire::AttrSet)]
/// struct Pids { #[nla(type = 1, u32, multi)] pid: Vec<u32> }
/// let bytes = Pids { pid: vec![3, 4] }.encode_to_vec()?;
/// let v = Pids::decode(&bytes)?;
/// assert_eq!(v.pid.len(), 2);
/// assert_eq!(v.pid.iter().collect::<Vec<_>>(), [3, 4]);
/// # Ok::<(), nlwire::Error>(())
/// ```
pub struct Multi<'a, T, K> {
    bytes: &'a [u8],
    ty: u16,
    count: u32,
    _t: PhantomData<fn() -> (T, K)>,
}

copy_clone!(Multi<T, K>);

impl<'a, T: Field<K>, K> Multi<'a, T, K> {
    /// No occurrences.
    ///
    /// ```
    /// use nlwire::derive_support::{Multi, kind};
    /// let m = Multi::<u32, kind::U32>::empty();
    /// assert!(m.is_empty() && m.len() == 0 && m.iter().next().is_none());
    /// ```
    #[inline]
    pub fn empty() -> Self {
        Multi {
            bytes: &[],
            ty: 0,
            count: 0,
            _t: PhantomData,
        }
    }

    /// Records one validated occurrence of type `ty` in `set` (the whole enclosing
    /// payload), found at byte `offset`.
    ///
    /// ```
    /// use nlwire::derive_support::{Multi, kind};
    /// let set = [8u8, 0, 1, 0, 3, 0, 0, 0, 8, 0, 2, 0, 4, 0, 0, 0, 8, 0, 1, 0, 5, 0, 0, 0];
    /// let mut m = Multi::<u32, kind::U32>::empty();
    /// m.push(&set, 1, 0);
    /// m.push(&set, 1, 16);
    /// assert_eq!(m.iter().collect::<Vec<_>>(), [3, 5]);
    /// assert_eq!(m.len(), 2);
    /// ```
    #[inline]
    pub fn push(&mut self, set: &'a [u8], ty: u16, offset: usize) {
        if self.count == 0 {
            self.bytes = set.get(offset..).unwrap_or(&[]);
            self.ty = ty;
        }
        self.count += 1;
    }

    /// Number of occurrences (see [`Multi::push`]).
    #[inline]
    pub fn len(&self) -> usize {
        self.count as usize
    }

    /// True when the attribute did not occur (see [`Multi::empty`]).
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Iterates the occurrences in order (see [`Multi::push`]).
    #[inline]
    pub fn iter(&self) -> MultiIter<'a, T, K> {
        MultiIter {
            attrs: AttrCursor::new(self.bytes),
            ty: self.ty,
            left: self.count,
            _t: PhantomData,
        }
    }
}

impl<'a, T: Field<K>, K> IntoIterator for Multi<'a, T, K> {
    type Item = T::View<'a>;
    type IntoIter = MultiIter<'a, T, K>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<T: Field<K>, K> fmt::Debug for Multi<'_, T, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<T: Field<K>, K> PartialEq for Multi<'_, T, K> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

/// Iterator over a [`Multi`] (see [`Multi::iter`]).
pub struct MultiIter<'a, T, K> {
    attrs: AttrCursor<'a>,
    ty: u16,
    left: u32,
    _t: PhantomData<fn() -> (T, K)>,
}

impl<'a, T: Field<K>, K> Iterator for MultiIter<'a, T, K> {
    type Item = T::View<'a>;
    #[inline]
    fn next(&mut self) -> Option<T::View<'a>> {
        if self.left == 0 {
            return None;
        }
        loop {
            let a = self.attrs.next()?.ok()?;
            if a.ty() == self.ty {
                self.left -= 1;
                return match T::get(a, &mut DecodeCx::trusted()) {
                    Ok(v) => Some(v),
                    Err(_) => validated_failed(),
                };
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left as usize, Some(self.left as usize))
    }
}

impl<T: Field<K>, K> ExactSizeIterator for MultiIter<'_, T, K> {}

/// The view of an indexed array (YNL `indexed-array`): entries decoded as iterated.
///
/// ```
/// use nlwire::AttrSet;
/// #[derive(nlwire::AttrSet)]
/// struct Ops { #[nla(type = 6, indexed_array(u32, base = 1))] ids: Option<Vec<u32>> }
/// let bytes = [20u8, 0, 6, 0, 8, 0, 1, 0, 10, 0, 0, 0, 8, 0, 2, 0, 20, 0, 0, 0];
/// let ids = Ops::decode(&bytes)?.ids.unwrap();
/// assert_eq!(ids.iter().collect::<Vec<_>>(), [10, 20]);
/// assert_eq!(ids.indexed().collect::<Vec<_>>(), [(1, 10), (2, 20)]);
/// assert!(!ids.is_empty());
/// # Ok::<(), nlwire::Error>(())
/// ```
pub struct Indexed<'a, T, K> {
    bytes: &'a [u8],
    _t: PhantomData<fn() -> (T, K)>,
}

copy_clone!(Indexed<T, K>);

impl<'a, T: Field<K>, K> Indexed<'a, T, K> {
    /// Iterates the entries in order (see [`Indexed`]).
    #[inline]
    pub fn iter(&self) -> IndexedIter<'a, T, K> {
        IndexedIter {
            attrs: AttrCursor::new(self.bytes),
            _t: PhantomData,
        }
    }

    /// Iterates `(index, entry)` pairs (the index is the entry's attribute type; see
    /// [`Indexed`]).
    pub fn indexed(&self) -> impl Iterator<Item = (u16, T::View<'a>)> + 'a {
        let mut attrs = AttrCursor::new(self.bytes);
        core::iter::from_fn(move || {
            let a = attrs.next()?.ok()?;
            match T::get(a, &mut DecodeCx::trusted()) {
                Ok(v) => Some((a.ty(), v)),
                Err(_) => validated_failed(),
            }
        })
    }

    /// True when the array has no entry (see [`Indexed`]).
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}

impl<'a, T: Field<K>, K> IntoIterator for Indexed<'a, T, K> {
    type Item = T::View<'a>;
    type IntoIter = IndexedIter<'a, T, K>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<T: Field<K>, K> fmt::Debug for Indexed<'_, T, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<T: Field<K>, K> PartialEq for Indexed<'_, T, K> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

/// Iterator over an [`Indexed`] (see [`Indexed::iter`]).
pub struct IndexedIter<'a, T, K> {
    attrs: AttrCursor<'a>,
    _t: PhantomData<fn() -> (T, K)>,
}

impl<'a, T: Field<K>, K> Iterator for IndexedIter<'a, T, K> {
    type Item = T::View<'a>;
    #[inline]
    fn next(&mut self) -> Option<T::View<'a>> {
        let a = self.attrs.next()?.ok()?;
        match T::get(a, &mut DecodeCx::trusted()) {
            Ok(v) => Some(v),
            Err(_) => validated_failed(),
        }
    }
}

/// Bookkeeping carried by every derived view: how many attributes of unknown types the
/// decoder skipped. (Also gives the view its lifetime when no field borrows.)
///
/// ```
/// let m = nlwire::derive_support::ViewMeta::new(2);
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

// ---------------------------------------------------------------------------------------
// Unknown attributes kept as raw
// ---------------------------------------------------------------------------------------

/// An attribute kept as it came (an `#[nla(unknown)]` enum variant): its type and payload.
///
/// ```
/// let raw = nlwire::derive_support::RawAttr { ty: 40, payload: vec![1, 2] };
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
    /// nlwire::derive_support::RawAttr { ty: 40, payload: vec![1] }.put(&mut b)?;
    /// assert_eq!(b.as_slice(), &[5, 0, 40, 0, 1, 0, 0, 0]);
    /// # Ok::<(), nlwire::Error>(())
    /// ```
    #[inline]
    pub fn put(&self, buf: &mut MsgBuf<'_>) -> Result<()> {
        put_attr_fast(buf, self.ty, &self.payload)
    }

    /// The owned form of a received attribute.
    ///
    /// ```
    /// use nlwire::{Attr, derive_support::RawAttr};
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
    /// use nlwire::{arbitrary::Unstructured, derive_support::RawAttr};
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

// ---------------------------------------------------------------------------------------
// Sub-message selectors
// ---------------------------------------------------------------------------------------

/// The value of a selector attribute: text (rt-link `kind`) or a number.
///
/// ```
/// use nlwire::derive_support::{AsSelector, Selector};
/// assert_eq!(Some("vlan").as_selector(), Some(Selector::Str("vlan")));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Selector<'s> {
    /// A string selector.
    Str(&'s str),
    /// An integer selector.
    Int(u64),
}

/// A field (or field view) usable as a sub-message selector.
///
/// ```
/// use nlwire::derive_support::{AsSelector, Selector};
/// assert_eq!("vlan".as_selector(), Some(Selector::Str("vlan")));
/// assert_eq!(7u8.as_selector(), Some(Selector::Int(7)));
/// ```
pub trait AsSelector {
    /// The selector value, if it has one.
    fn as_selector(&self) -> Option<Selector<'_>>;
}

/// A field whose value can be set from a selector (so generated `Arbitrary` impls keep the
/// selector and the sub-message consistent).
///
/// ```
/// use nlwire::derive_support::{Selector, SetSelector};
/// let mut kind: Option<String> = None;
/// kind.set_selector(Selector::Str("vlan"));
/// assert_eq!(kind.as_deref(), Some("vlan"));
/// ```
pub trait SetSelector {
    /// Sets the field to `s` if it can hold it.
    fn set_selector(&mut self, s: Selector<'_>);
}

impl AsSelector for &str {
    fn as_selector(&self) -> Option<Selector<'_>> {
        Some(Selector::Str(self))
    }
}

impl AsSelector for &CStr {
    fn as_selector(&self) -> Option<Selector<'_>> {
        self.to_str().ok().map(Selector::Str)
    }
}

impl AsSelector for String {
    fn as_selector(&self) -> Option<Selector<'_>> {
        Some(Selector::Str(self))
    }
}

impl AsSelector for CString {
    fn as_selector(&self) -> Option<Selector<'_>> {
        self.to_str().ok().map(Selector::Str)
    }
}

impl<T: AsSelector> AsSelector for Option<T> {
    fn as_selector(&self) -> Option<Selector<'_>> {
        self.as_ref().and_then(T::as_selector)
    }
}

impl SetSelector for String {
    fn set_selector(&mut self, s: Selector<'_>) {
        if let Selector::Str(v) = s {
            v.clone_into(self);
        }
    }
}

impl SetSelector for CString {
    fn set_selector(&mut self, s: Selector<'_>) {
        if let Selector::Str(v) = s
            && let Ok(c) = CString::new(v)
        {
            *self = c;
        }
    }
}

impl<T: SetSelector + Default> SetSelector for Option<T> {
    fn set_selector(&mut self, s: Selector<'_>) {
        self.get_or_insert_with(T::default).set_selector(s);
    }
}

macro_rules! int_selectors {
    ($($t:ty),*) => {$(
        impl AsSelector for $t {
            fn as_selector(&self) -> Option<Selector<'_>> {
                Some(Selector::Int(u64::from(*self)))
            }
        }
        impl SetSelector for $t {
            fn set_selector(&mut self, s: Selector<'_>) {
                if let Selector::Int(v) = s
                    && let Ok(v) = <$t>::try_from(v)
                {
                    *self = v;
                }
            }
        }
    )*};
}

int_selectors!(u8, u16, u32, u64);

/// Decodes a sub-message attribute after its set's pass, with the selector's value.
/// `Ok(None)` when the selector is absent or names no known format (the attribute then
/// counts as unknown).
///
/// ```
/// use nlwire::{Attr, Limits, derive_support::{DecodeCx, Selector, decode_sub_message}};
/// #[derive(Debug, PartialEq, nlwire::SubMessage)]
/// enum Data { #[nla(value = "dummy")] Dummy }
/// let mut cx = DecodeCx::new(&Limits::DEFAULT);
/// let a = Attr::new(2, &[]);
/// assert_eq!(decode_sub_message::<Data>(a, Some(Selector::Str("dummy")), &mut cx)?, Some(DataView::Dummy));
/// assert_eq!(decode_sub_message::<Data>(a, Some(Selector::Str("other")), &mut cx)?, None);
/// assert_eq!(decode_sub_message::<Data>(a, None, &mut cx)?, None);
/// # Ok::<(), nlwire::Error>(())
/// ```
#[inline]
pub fn decode_sub_message<'a, T: SubMessage>(
    a: Attr<'a>,
    selector: Option<Selector<'_>>,
    cx: &mut DecodeCx,
) -> Result<Option<T::View<'a>>> {
    let Some(sel) = selector else {
        return Ok(None);
    };
    cx.enter().map_err(|e| e.within(a.ty()))?;
    let v = T::decode_payload(sel, a.payload(), cx).map_err(|e| e.within(a.ty()));
    cx.leave();
    v
}

/// Appends a sub-message attribute: `ty` (with `NLA_F_NESTED` if asked) around the
/// variant's payload.
///
/// ```
/// #[derive(Debug, PartialEq, nlwire::SubMessage)]
/// enum Data { #[nla(value = "dummy")] Dummy }
/// let mut b = nlwire::MsgBuf::new();
/// nlwire::derive_support::put_sub_message(&Data::Dummy, &mut b, 2)?;
/// assert_eq!(b.as_slice(), &[4, 0, 2, 0]);
/// # Ok::<(), nlwire::Error>(())
/// ```
#[inline]
pub fn put_sub_message<T: SubMessage>(v: &T, buf: &mut MsgBuf<'_>, ty: u16) -> Result<()> {
    let nest = nest_start(buf, ty);
    v.encode_payload(buf)?;
    nest_end(buf, nest)
}

/// Splits a fixed header from the front of a sub-message payload: the header (the payload
/// may be longer, as kernel structs grow) and the attributes after it, which start at the
/// header size rounded up to 4 bytes.
///
/// ```
/// use nlwire::derive_support::split_fixed;
/// let payload = [1u8, 2, 3, 0, 4, 0, 1, 0];
/// let (h, rest) = split_fixed::<[u8; 3]>(&payload, "hdr")?;
/// assert_eq!((h, rest), (&[1, 2, 3], &payload[4..]));
/// # Ok::<(), nlwire::Error>(())
/// ```
#[inline]
pub fn split_fixed<'a, H: WireType>(
    payload: &'a [u8],
    what: &'static str,
) -> Result<(&'a H, &'a [u8])> {
    let (h, _) = crate::header::view_prefix::<H>(payload, what)?;
    let rest = payload
        .get(crate::consts::align(size_of::<H>())..)
        .unwrap_or(&[]);
    Ok((h, rest))
}

/// Appends a fixed header and zeroes up to the next 4-byte boundary (so attributes after
/// it are aligned).
///
/// ```
/// let mut b = nlwire::MsgBuf::new();
/// nlwire::derive_support::put_fixed(&mut b, &[1u8, 2, 3]);
/// assert_eq!(b.as_slice(), &[1, 2, 3, 0]);
/// ```
#[inline]
pub fn put_fixed<H: WireType>(buf: &mut MsgBuf<'_>, h: &H) {
    buf.put(h.as_bytes());
    let pad = crate::consts::align(size_of::<H>()) - size_of::<H>();
    buf.put_zeros(pad);
}

// ---------------------------------------------------------------------------------------
// Checks used by generated decoders
// ---------------------------------------------------------------------------------------

/// Checks a flag attribute: it carries no payload.
///
/// ```
/// use nlwire::{Attr, derive_support::check_flag};
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
/// use nlwire::{Attr, AttrKind, AttrPolicy, derive_support::check_len};
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
/// use nlwire::{AttrKind, AttrPolicy, derive_support::check_int};
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
///     nlwire::derive_support::missing("pid", 1).to_string(),
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
/// let e = nlwire::derive_support::duplicate(3);
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
/// let e = nlwire::derive_support::not_exactly_one(2);
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
/// use nlwire::{Limits, derive_support::{DecodeCx, decode_exactly_one}};
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
/// use nlwire::{Msg, MsgBuf, OvsHeader, derive_support::split_genl};
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
/// use nlwire::{Limits, derive_support::check_size};
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
/// use nlwire::derive_support::{entry, kind};
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

// ---------------------------------------------------------------------------------------
// Arbitrary helpers
// ---------------------------------------------------------------------------------------

/// Nesting depth of the arbitrary generator; past [`ArbitraryDepth::LIMIT`] optional
/// fields come out `None` and lists empty, so recursive sets stay within decode limits.
///
/// ```
/// use nlwire::derive_support::ArbitraryDepth;
/// let guards: Vec<_> = (0..ArbitraryDepth::LIMIT).map(|_| ArbitraryDepth::enter()).collect();
/// assert!(ArbitraryDepth::exhausted());
/// drop(guards);
/// assert!(!ArbitraryDepth::exhausted());
/// ```
#[cfg(feature = "arbitrary")]
pub struct ArbitraryDepth(());

#[cfg(feature = "arbitrary")]
std::thread_local! {
    static ARB_DEPTH: core::cell::Cell<usize> = const { core::cell::Cell::new(0) };
}

#[cfg(feature = "arbitrary")]
impl ArbitraryDepth {
    /// Deepest nesting generated (see [`ArbitraryDepth`]).
    pub const LIMIT: usize = 8;

    /// Goes one level down until the guard drops (see [`ArbitraryDepth`]).
    pub fn enter() -> Self {
        ARB_DEPTH.with(|d| d.set(d.get() + 1));
        ArbitraryDepth(())
    }

    /// True once the generator is at [`Self::LIMIT`] (see [`ArbitraryDepth`]).
    pub fn exhausted() -> bool {
        ARB_DEPTH.with(|d| d.get() >= Self::LIMIT)
    }
}

#[cfg(feature = "arbitrary")]
impl Drop for ArbitraryDepth {
    fn drop(&mut self) {
        ARB_DEPTH.with(|d| d.set(d.get().saturating_sub(1)));
    }
}

/// An arbitrary optional field: `None` past the depth limit.
///
/// ```
/// use nlwire::arbitrary::Unstructured;
/// let mut u = Unstructured::new(&[1, 7]);
/// let v = nlwire::derive_support::arbitrary_option(&mut u, |u| u.arbitrary::<u8>())?;
/// assert_eq!(v, Some(7));
/// # Ok::<(), nlwire::arbitrary::Error>(())
/// ```
#[cfg(feature = "arbitrary")]
pub fn arbitrary_option<T>(
    u: &mut Unstructured<'_>,
    f: impl FnOnce(&mut Unstructured<'_>) -> arbitrary::Result<T>,
) -> arbitrary::Result<Option<T>> {
    if ArbitraryDepth::exhausted() || !u.arbitrary::<bool>()? {
        return Ok(None);
    }
    f(u).map(Some)
}

/// An arbitrary list of up to 4 items (empty past the depth limit).
///
/// ```
/// use nlwire::arbitrary::Unstructured;
/// let v = nlwire::derive_support::arbitrary_vec(&mut Unstructured::new(&[9; 8]), |u| u.arbitrary::<u8>())?;
/// assert!(v.len() <= 4);
/// # Ok::<(), nlwire::arbitrary::Error>(())
/// ```
#[cfg(feature = "arbitrary")]
pub fn arbitrary_vec<T>(
    u: &mut Unstructured<'_>,
    mut f: impl FnMut(&mut Unstructured<'_>) -> arbitrary::Result<T>,
) -> arbitrary::Result<Vec<T>> {
    if ArbitraryDepth::exhausted() {
        return Ok(Vec::new());
    }
    let n = u.int_in_range(0..=4usize)?;
    (0..n).map(|_| f(u)).collect()
}

/// An arbitrary list of at least one item (for `required` repeated attributes).
///
/// ```
/// use nlwire::arbitrary::Unstructured;
/// let v = nlwire::derive_support::arbitrary_vec1(&mut Unstructured::new(&[]), |u| u.arbitrary::<u8>())?;
/// assert_eq!(v.len(), 1);
/// # Ok::<(), nlwire::arbitrary::Error>(())
/// ```
#[cfg(feature = "arbitrary")]
pub fn arbitrary_vec1<T>(
    u: &mut Unstructured<'_>,
    mut f: impl FnMut(&mut Unstructured<'_>) -> arbitrary::Result<T>,
) -> arbitrary::Result<Vec<T>> {
    let mut v = arbitrary_vec(u, &mut f)?;
    if v.is_empty() {
        v.push(f(u)?);
    }
    Ok(v)
}

/// An arbitrary field of kind `K`, within the policy entry's bounds.
///
/// ```
/// use nlwire::{AttrKind, AttrPolicy, arbitrary::Unstructured, derive_support::{arbitrary_field, kind}};
/// const P: AttrPolicy = AttrPolicy::new("level", 1, AttrKind::U8).range(1, 3);
/// let v = arbitrary_field::<u8, kind::U8>(&mut Unstructured::new(&[200]), &P)?;
/// assert!((1..=3).contains(&v));
/// # Ok::<(), nlwire::arbitrary::Error>(())
/// ```
#[cfg(feature = "arbitrary")]
#[inline]
pub fn arbitrary_field<T: Field<K>, K>(
    u: &mut Unstructured<'_>,
    p: &AttrPolicy,
) -> arbitrary::Result<T> {
    T::arbitrary_field(u, p)
}

/// Picks a variant index in `0..n`.
///
/// ```
/// use nlwire::arbitrary::Unstructured;
/// assert!(nlwire::derive_support::arbitrary_variant(&mut Unstructured::new(&[5]), 3)? < 3);
/// # Ok::<(), nlwire::arbitrary::Error>(())
/// ```
#[cfg(feature = "arbitrary")]
pub fn arbitrary_variant(u: &mut Unstructured<'_>, n: usize) -> arbitrary::Result<usize> {
    if n == 0 {
        return Err(arbitrary::Error::IncorrectFormat);
    }
    u.choose_index(n).or(Ok(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_guard_restores() {
        let mut cx = DecodeCx::new(&Limits {
            max_depth: 1,
            ..Limits::DEFAULT
        });
        cx.enter().unwrap();
        assert!(matches!(cx.enter(), Err(Error::TooDeep { limit: 1, .. })));
        assert_eq!(cx.depth(), 1);
        cx.leave();
        assert_eq!(cx.depth(), 0);
    }

    #[test]
    fn trusted_has_no_limits() {
        let mut cx = DecodeCx::trusted();
        for _ in 0..10 {
            cx.count().unwrap();
            cx.enter().unwrap();
        }
        assert_eq!(cx.depth(), 10);
    }

    #[test]
    fn scalar_fields_round_trip() {
        let mut b = MsgBuf::new();
        Field::<kind::Be32>::put(&0x0a00_0001u32, &mut b, 7).unwrap();
        Field::<kind::Uint>::put(&(1u64 << 40), &mut b, 8).unwrap();
        let mut it = AttrCursor::new(b.as_slice());
        let mut cx = DecodeCx::trusted();
        let a = it.next().unwrap().unwrap();
        assert_eq!(a.payload(), &[10, 0, 0, 1]);
        assert_eq!(
            <u32 as Field<kind::Be32>>::get(a, &mut cx).unwrap(),
            0x0a00_0001
        );
        let a = it.next().unwrap().unwrap();
        assert_eq!(
            <u64 as Field<kind::Uint>>::get(a, &mut cx).unwrap(),
            1 << 40
        );
    }

    #[test]
    fn checks_name_the_attribute() {
        const P: AttrPolicy = AttrPolicy::new("x", 4, AttrKind::U32).flags_mask(0xf);
        let e = check_int(Some(0x10), &P).unwrap_err();
        assert_eq!(e.path().unwrap().types(), &[4]);
        assert_eq!(
            check_flag(&Attr::new(3, &[0]))
                .unwrap_err()
                .path()
                .unwrap()
                .types(),
            &[3]
        );
    }

    #[test]
    fn selectors() {
        let mut s = String::new();
        s.set_selector(Selector::Str("vlan"));
        assert_eq!(s, "vlan");
        let mut n: Option<u16> = None;
        n.set_selector(Selector::Int(5));
        assert_eq!(n, Some(5));
        assert_eq!(Some("x").as_selector(), Some(Selector::Str("x")));
    }
}
