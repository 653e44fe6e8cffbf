//! The traits derived types implement: [`Encode`], [`AttrSet`], [`AttrUnion`],
//! [`SubMessage`] and [`Message`].

use core::fmt;

use crate::attr::Attr;
use crate::buf::MsgBuf;
use crate::error::{Error, Result};
use crate::limits::Limits;
use crate::msg::{Msg, MsgKind};
use crate::policy::{AttrKind, Policy};

#[cfg(feature = "arbitrary")]
use arbitrary::Unstructured;

use crate::__private::*;

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

    /// Checks the attributes in `bytes` as [`decode_in`](Self::decode_in) would, with the
    /// same errors in the same order, without building the view: what a list view runs over
    /// its items before handing them out (they are decoded when iterated). Derived sets
    /// generate it; the default decodes and drops the view.
    #[inline]
    fn check_in(bytes: &[u8], cx: &mut DecodeCx) -> Result<()> {
        Self::decode_in(bytes, cx).map(drop)
    }

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
        limits.check_size(bytes)?;
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

    /// Checks one attribute as [`decode_attr`](Self::decode_attr) would, without building
    /// the view (see [`AttrSet::check_in`]).
    #[inline]
    fn check_attr(a: Attr<'_>, cx: &mut DecodeCx) -> Result<()> {
        Self::decode_attr(a, cx).map(drop)
    }

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
/// use nlwire::__private::{Selector, SubMessage};
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
    /// [`decode`](Self::decode) (0 for a netlink-raw message).
    const CMD: u8;

    /// For a netlink-raw family (rtnetlink, nftables): the message's own `nlmsg_type`
    /// (`RTM_GETLINK`), with the fixed header right after `nlmsghdr` and no
    /// `genlmsghdr`. `None` for generic netlink, whose `nlmsg_type` is the family id.
    const RAW_TYPE: Option<u16> = None;

    /// `genlmsghdr.version` written by [`encode`](Self::encode).
    const VERSION: u8;

    /// The policy of the message's attribute set.
    const POLICY: &'static Policy;

    /// Length of the fixed family header after `genlmsghdr` (4 for OVS's `ovs_header`, 0
    /// without one), or after `nlmsghdr` for a netlink-raw message (16 for `ifinfomsg`).
    const HEADER_LEN: usize;

    /// Where the attributes start in an encoded message: `nlmsghdr`, `genlmsghdr` (not
    /// for netlink-raw) and the fixed header. Extended-ack offsets are resolved to
    /// attribute paths from here.
    const ATTRS_AT: usize = crate::consts::NLMSG_HDRLEN
        + if Self::RAW_TYPE.is_some() {
            0
        } else {
            crate::consts::GENL_HDRLEN
        }
        + Self::HEADER_LEN;

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
        if let Some(ty) = Self::RAW_TYPE {
            if msg.ty() != ty {
                return Err(Error::Unexpected {
                    expected: "the message's nlmsg_type",
                    found: u32::from(msg.ty()),
                });
            }
            return Self::decode_body(msg, limits);
        }
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
