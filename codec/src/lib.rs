//! # nlwire — a zero-copy netlink codec
//!
//! Encode netlink messages once into a reusable buffer with headroom and tailroom, and
//! decode them as views into the receive buffer, with policy validation that names the
//! attribute that failed and why.
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
//! [`policy`] (policy tables and validation), [`reported_policy`] (policies as the kernel
//! reports them), [`msg`] (datagram framing, errors, ext-ack),
//! [`header`] (wire headers), [`consts`], [`limits`], [`error`].
// Unsafe code is denied everywhere; `sock::sys` (the SOL_NETLINK syscall layer) is the one
// module allowed to use it.
#![deny(unsafe_code)]
#![warn(missing_docs)]

pub mod attr;
pub mod attr_put;
pub mod buf;
pub mod consts;
pub mod derive_support;
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

pub use attr::{Attr, Attrs};
pub use attr_put::{MsgStart, Nest};
pub use buf::MsgBuf;
pub use derive_support::{AttrSet, AttrUnion, Encode, Message, SubMessage};
pub use error::{AttrPath, Error, Result, StringFault};
pub use header::{GenlMsgHdr, NlAttrHdr, NlMsgErr, NlMsgHdr, OvsHeader};
pub use index::AttrIndex;
pub use limits::Limits;
pub use msg::{DoneMsg, ErrorMsg, ExtAck, Messages, Msg, MsgKind, path_at_offset};
pub use policy::{AttrKind, AttrPolicy, Policy, ValueRange};
pub use reported_policy::ReportedPolicy;
pub use request::{Request, Response};

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

/// The top-level README's Rust examples, compiled and run as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeExamples;
