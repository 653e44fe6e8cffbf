//! What a message type knows about its exchange: the family it is addressed to and the
//! message the kernel answers with. [`Request`] is what the one-call socket methods
//! (`Socket::request`, `Socket::dump_typed`, `Socket::batch`, feature `socket`) take;
//! [`Response`] is what they decode the answer as.
//!
//! Both are derived: the schema compiler emits `#[nla(family = "…", reply = …)]` on every
//! request message it generates, and a hand-written message says the same:
//!
//! ```
//! use nlwire::{Message, Request, Response};
//! #[derive(Debug, PartialEq, nlwire::AttrSet)]
//! struct Ctrl { #[nla(type = 2, string)] family_name: Option<String> }
//! #[derive(Debug, PartialEq, nlwire::Message)]
//! #[nla(cmd = 1, version = 2)]
//! struct NewFamily { #[nla(attrs)] attrs: Ctrl }
//! #[derive(Debug, PartialEq, nlwire::Message)]
//! #[nla(cmd = 3, version = 2, family = "nlctrl", reply = NewFamily)]
//! struct GetFamily { #[nla(attrs)] attrs: Ctrl }
//!
//! assert_eq!(<GetFamily as Request>::FAMILY, "nlctrl");
//! assert_eq!(<GetFamily as Message>::ATTRS_AT, 20); // nlmsghdr + genlmsghdr
//! fn reply_cmd<R: Request>() -> u8 where R::Reply: Message { <R::Reply as Message>::CMD }
//! assert_eq!(reply_cmd::<GetFamily>(), 1);
//! ```

use crate::error::{Error, Result};
use crate::limits::Limits;
use crate::msg::Msg;
use crate::traits::Message;

/// A message that can be sent on its own: it names its generic netlink family (resolved
/// to an id, and cached, when first sent) and the type of its answer.
///
/// Derived with `#[derive(nlwire::Message)]` and `#[nla(family = "name")]`, plus
/// `reply = Type` when the kernel answers with a message (without it the answer is an
/// acknowledgement, `Reply = ()`).
pub trait Request: Message {
    /// The generic netlink family name (`"nlctrl"`, `"ovs_datapath"`).
    const FAMILY: &'static str;
    /// What the kernel answers with: a [`Message`], or `()` for an acknowledgement.
    type Reply: Response;
}

/// What an answer is decoded as: every [`Message`] (its view), and `()` for requests the
/// kernel only acknowledges.
///
/// ```
/// use nlwire::{Limits, Msg, Response};
/// // `()` accepts any answer, data or none.
/// assert_eq!(<() as Response>::decode_response(None, &Limits::DEFAULT), Ok(()));
/// ```
pub trait Response {
    /// The decoded form, borrowing the received bytes.
    type View<'a>;
    /// True when the answer is a message: requests then ask for it with `NLM_F_ECHO` as
    /// well as `NLM_F_ACK`, since some families (OVS among them) send their reply only as a
    /// notification echoed to the sender.
    const IS_MESSAGE: bool;
    /// Decodes the first data message of an answer (`None` when the kernel sent only an
    /// acknowledgement).
    fn decode_response<'a>(msg: Option<Msg<'a>>, limits: &Limits) -> Result<Self::View<'a>>;
}

impl<M: Message> Response for M {
    type View<'a> = M::View<'a>;
    const IS_MESSAGE: bool = true;

    fn decode_response<'a>(msg: Option<Msg<'a>>, limits: &Limits) -> Result<M::View<'a>> {
        match msg {
            Some(m) => M::decode_msg(m, limits),
            None => Err(Error::Unexpected {
                expected: "a reply message, not only an acknowledgement (NLMSG_ERROR 0)",
                found: u32::from(crate::consts::NLMSG_ERROR),
            }),
        }
    }
}

impl Response for () {
    type View<'a> = ();
    const IS_MESSAGE: bool = false;

    fn decode_response(_: Option<Msg<'_>>, _: &Limits) -> Result<()> {
        Ok(())
    }
}
