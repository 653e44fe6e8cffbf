//! # nlwire — a zero-copy netlink codec
//!
//! Netlink messages as typed values: a request knows its family, command and reply type,
//! so one call sends it and returns the reply as a view into the receive buffer, with
//! policy checks that name the attribute that failed and why.
//!
//! The types come from a family's YNL spec (the `nlwire-families` crate holds the
//! project's families; `nlwire::schema!`, feature `schema`, or `nlwire-schema` in a build
//! script makes them for any spec):
//!
//! ```text
//! use nlwire_families::nlctrl::{CtrlAttrs, msg::GetfamilyRequest};
//! let mut sock = nlwire::sock::Socket::open(nlwire::consts::NETLINK_GENERIC)?;
//! let req = GetfamilyRequest { attrs: CtrlAttrs { family_name: Some("nlctrl".into()), ..Default::default() } };
//! let reply = sock.request(&req)?;
//! assert_eq!(reply.attrs.family_id, Some(nlwire::consts::GENL_ID_CTRL));
//! ```
//!
//! or from a few annotated structs of your own (the derives write the encoder, the view
//! and the policy):
//!
//! ```
//! # #[cfg(all(feature = "socket", feature = "derive"))] {
//! #[derive(Debug, Default, nlwire::AttrSet)]
//! struct Ctrl {
//!     #[nla(type = 1, u16)]
//!     family_id: Option<u16>,
//!     #[nla(type = 2, string, max_len = 15)]
//!     family_name: Option<String>,
//! }
//! #[derive(Debug, nlwire::Message)]
//! #[nla(cmd = 1, version = 2)]
//! struct NewFamily { #[nla(attrs)] attrs: Ctrl }
//! #[derive(Debug, nlwire::Message)]
//! #[nla(cmd = 3, version = 2, family = "nlctrl", reply = NewFamily)]
//! struct GetFamily { #[nla(attrs)] attrs: Ctrl }
//!
//! let mut sock = nlwire::sock::Socket::open(nlwire::consts::NETLINK_GENERIC)?;
//! let req = GetFamily { attrs: Ctrl { family_name: Some("nlctrl".into()), ..Default::default() } };
//! let reply = sock.request(&req)?;
//! assert_eq!(reply.attrs.family_id, Some(nlwire::consts::GENL_ID_CTRL));
//! # }
//! # Ok::<(), nlwire::sock::Error>(())
//! ```
//!
//! Dumps ([`sock::Socket::dump_typed`]) and batches ([`sock::Socket::batch`]) work the
//! same way; see [`sock`].
//!
//! Underneath is the raw layer, for those who want no types: encode once into a reusable
//! buffer with headroom and tailroom, and decode as views into the bytes.
//!
//! ```
//! use nlwire::{consts::*, Attrs, Messages, MsgBuf};
//!
//! // CTRL_CMD_GETFAMILY for "nlctrl", built into a stack stub.
//! let mut stub = [0u8; 128];
//! let mut buf = MsgBuf::with_stub(&mut stub);
//! let msg = buf.start_genl_msg(GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK, 3, 1);
//! buf.put_attr_str(2, "nlctrl")?;
//! buf.end_msg(msg)?;
//!
//! // Decode it back without copying.
//! let m = Messages::new(buf.as_slice()).next().unwrap()?;
//! let (genl, attrs) = m.genl()?;
//! let name = Attrs::new(attrs).find(2)?.unwrap().get_str()?;
//! assert_eq!((genl.cmd, name), (3, "nlctrl"));
//! # Ok::<(), nlwire::Error>(())
//! ```
//!
//! Modules, one job each: [`buf`] (the buffer), [`attr_put`] (writing attributes and
//! headers), [`attr`] (reading attributes), [`index`] (one-pass attribute index),
//! [`policy`] (policy tables and validation), [`request`] (what a message knows of its
//! exchange), [`reported_policy`] (policies as the kernel reports them), [`msg`]
//! (datagram framing, errors, ext-ack), [`header`] (wire headers), [`consts`], [`limits`],
//! [`error`]; `sock` (feature `socket`) the transport.
// Unsafe code is denied everywhere; `sock::sys` (the SOL_NETLINK syscall layer) is the one
// module allowed to use it.
#![deny(unsafe_code)]
#![warn(missing_docs)]

#[doc(hidden)]
#[path = "private/mod.rs"]
pub mod __private;
pub mod attr;
pub mod attr_put;
pub mod buf;
pub mod consts;
pub mod error;
pub mod header;
pub mod index;
pub mod limits;
pub mod msg;
pub mod policy;
pub mod reported_policy;
pub mod request;
#[cfg(all(feature = "socket", target_os = "linux"))]
pub mod sock;
mod traits;
pub mod view;

pub use __private::WireType;
pub use attr::{Attr, Attrs};
pub use attr_put::{MsgStart, Nest};
pub use buf::MsgBuf;
pub use error::{AttrPath, Error, Result, StringFault};
pub use header::{GenlMsgHdr, NlAttrHdr, NlMsgErr, NlMsgHdr, OvsHeader};
pub use index::AttrIndex;
pub use limits::Limits;
pub use msg::{DoneMsg, ErrorMsg, ExtAck, Messages, Msg, MsgKind, path_at_offset};
pub use policy::{AttrKind, AttrPolicy, Policy, ValueRange};
pub use reported_policy::ReportedPolicy;
pub use request::{Request, Response};
pub use traits::{AttrSet, AttrUnion, Encode, Message, SubMessage};

/// zerocopy, re-exported so derived code and users name the same version.
pub use zerocopy;

/// The schema compiler as a macro, `nlwire::schema!("spec.yaml")` (feature `schema`).
#[cfg(feature = "schema")]
pub use nlwire_derive::schema;
/// The derive macros (`#[derive(nlwire::AttrSet)]`, `#[derive(nlwire::Message)]`,
/// `#[derive(nlwire::SubMessage)]`, `#[nlwire::wire]`); see the `nlwire-derive` crate for
/// the annotation language.
#[cfg(feature = "derive")]
pub use nlwire_derive::{AttrSet, Message, SubMessage, wire};

/// arbitrary, re-exported so derived `Arbitrary` impls name the same version.
#[cfg(feature = "arbitrary")]
pub use arbitrary;
