//! Fixed wire headers as zerocopy types.
//!
//! Every field is an unaligned byte-order type, so a header can be viewed in place at
//! any offset of a received buffer.

use zerocopy::native_endian::{I32, U16, U32};
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use crate::error::{Error, Result};

/// `struct nlmsghdr` (16 bytes, host byte order).
///
/// ```
/// use nlwire::NlMsgHdr;
/// use zerocopy::IntoBytes;
/// let h = NlMsgHdr::new(16, 0x10, nlwire::consts::NLM_F_REQUEST, 1, 0);
/// assert_eq!(h.as_bytes().len(), 16);
/// assert_eq!(h.len(), 16);
/// ```
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned,
)]
#[repr(C)]
pub struct NlMsgHdr {
    /// Length of the message including this header.
    pub nlmsg_len: U32,
    /// Message type: a control type, a family id or an rtnetlink type.
    pub nlmsg_type: U16,
    /// `NLM_F_*` flags.
    pub nlmsg_flags: U16,
    /// Sequence number.
    pub nlmsg_seq: U32,
    /// Sending port id (0 for the kernel).
    pub nlmsg_pid: U32,
}

impl NlMsgHdr {
    /// A header with the given fields.
    pub fn new(len: u32, ty: u16, flags: u16, seq: u32, pid: u32) -> Self {
        NlMsgHdr {
            nlmsg_len: len.into(),
            nlmsg_type: ty.into(),
            nlmsg_flags: flags.into(),
            nlmsg_seq: seq.into(),
            nlmsg_pid: pid.into(),
        }
    }
    /// `nlmsg_len`.
    pub fn len(&self) -> u32 {
        self.nlmsg_len.get()
    }
    /// True when `nlmsg_len` is 0.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// `nlmsg_type`.
    pub fn ty(&self) -> u16 {
        self.nlmsg_type.get()
    }
    /// `nlmsg_flags`.
    pub fn flags(&self) -> u16 {
        self.nlmsg_flags.get()
    }
    /// `nlmsg_seq`.
    pub fn seq(&self) -> u32 {
        self.nlmsg_seq.get()
    }
    /// `nlmsg_pid`.
    pub fn pid(&self) -> u32 {
        self.nlmsg_pid.get()
    }
}

/// `struct genlmsghdr` (4 bytes).
///
/// ```
/// let g = nlwire::GenlMsgHdr::new(3, 1);
/// assert_eq!((g.cmd, g.version), (3, 1));
/// ```
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned,
)]
#[repr(C)]
pub struct GenlMsgHdr {
    /// Command.
    pub cmd: u8,
    /// Family interface version.
    pub version: u8,
    /// Reserved, zero.
    pub reserved: U16,
}

impl GenlMsgHdr {
    /// A header for `cmd` at `version`.
    pub fn new(cmd: u8, version: u8) -> Self {
        GenlMsgHdr {
            cmd,
            version,
            reserved: 0.into(),
        }
    }
}

/// `struct ovs_header` (4 bytes): the fixed header of every Open vSwitch family.
///
/// ```
/// let h = nlwire::OvsHeader::new(7);
/// assert_eq!(h.dp_ifindex.get(), 7);
/// ```
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned,
)]
#[repr(C)]
pub struct OvsHeader {
    /// Datapath interface index; 0 when not datapath-specific.
    pub dp_ifindex: I32,
}

impl OvsHeader {
    /// A header for datapath `dp_ifindex`.
    pub fn new(dp_ifindex: i32) -> Self {
        OvsHeader {
            dp_ifindex: dp_ifindex.into(),
        }
    }
}

/// `struct nlattr` (4 bytes).
///
/// ```
/// let a = nlwire::NlAttrHdr::new(8, 3);
/// assert_eq!((a.nla_len.get(), a.nla_type.get()), (8, 3));
/// ```
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned,
)]
#[repr(C)]
pub struct NlAttrHdr {
    /// Header plus unpadded payload length.
    pub nla_len: U16,
    /// Type, with the `NLA_F_NESTED` and `NLA_F_NET_BYTEORDER` bits.
    pub nla_type: U16,
}

impl NlAttrHdr {
    /// A header with the given length and raw type.
    pub fn new(len: u16, ty: u16) -> Self {
        NlAttrHdr {
            nla_len: len.into(),
            nla_type: ty.into(),
        }
    }
}

/// `struct nlmsgerr` (20 bytes): an error code and the echoed request header.
///
/// ```
/// use zerocopy::IntoBytes;
/// let e = nlwire::NlMsgErr { error: (-22).into(), msg: nlwire::NlMsgHdr::new(16, 0x10, 1, 5, 0) };
/// assert_eq!(e.as_bytes().len(), 20);
/// ```
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned,
)]
#[repr(C)]
pub struct NlMsgErr {
    /// Negative errno, or 0 for an acknowledgement.
    pub error: I32,
    /// The header of the request this answers.
    pub msg: NlMsgHdr,
}

/// Views a fixed wire struct at the front of `bytes`, or says it is too short.
///
/// ```
/// let bytes = [3u8, 1, 0, 0, 0xff];
/// let (g, rest) = nlwire::header::view_prefix::<nlwire::GenlMsgHdr>(&bytes, "genlmsghdr").unwrap();
/// assert_eq!(g.cmd, 3);
/// assert_eq!(rest, &[0xff]);
/// ```
pub fn view_prefix<'a, T>(bytes: &'a [u8], what: &'static str) -> Result<(&'a T, &'a [u8])>
where
    T: FromBytes + KnownLayout + Immutable + Unaligned,
{
    T::ref_from_prefix(bytes).map_err(|_| Error::Truncated {
        what,
        need: core::mem::size_of::<T>(),
        have: bytes.len(),
    })
}

const _: () = assert!(core::mem::size_of::<NlMsgHdr>() == 16);
const _: () = assert!(core::mem::size_of::<GenlMsgHdr>() == 4);
const _: () = assert!(core::mem::size_of::<OvsHeader>() == 4);
const _: () = assert!(core::mem::size_of::<NlAttrHdr>() == 4);
const _: () = assert!(core::mem::size_of::<NlMsgErr>() == 20);
