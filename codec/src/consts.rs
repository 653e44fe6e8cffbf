//! Netlink wire constants (Linux uapi `netlink.h`, `genetlink.h`).

/// Alignment of messages and attributes.
pub const NLMSG_ALIGNTO: usize = 4;
/// Size of `struct nlmsghdr`.
pub const NLMSG_HDRLEN: usize = 16;
/// Size of `struct genlmsghdr`.
pub const GENL_HDRLEN: usize = 4;
/// Size of `struct nlattr`.
pub const NLA_HDRLEN: usize = 4;
/// Largest attribute payload: a 16-bit `nla_len` minus the header.
pub const NLA_MAX_PAYLOAD: usize = u16::MAX as usize - NLA_HDRLEN;

/// Rounds `len` up to the 4-byte netlink alignment.
///
/// ```
/// assert_eq!(nlwire::consts::align(5), 8);
/// ```
pub const fn align(len: usize) -> usize {
    (len + NLMSG_ALIGNTO - 1) & !(NLMSG_ALIGNTO - 1)
}

/// Message types below [`NLMSG_MIN_TYPE`] are control messages.
pub const NLMSG_NOOP: u16 = 1;
/// An error or, with error 0, an acknowledgement.
pub const NLMSG_ERROR: u16 = 2;
/// End of a multipart (dump) reply.
pub const NLMSG_DONE: u16 = 3;
/// Data lost.
pub const NLMSG_OVERRUN: u16 = 4;
/// First message type free for families.
pub const NLMSG_MIN_TYPE: u16 = 0x10;

/// A request.
pub const NLM_F_REQUEST: u16 = 0x1;
/// Part of a multipart reply.
pub const NLM_F_MULTI: u16 = 0x2;
/// Ask for an acknowledgement.
pub const NLM_F_ACK: u16 = 0x4;
/// Echo the request back.
pub const NLM_F_ECHO: u16 = 0x8;
/// The dump was inconsistent because the data changed while it ran.
pub const NLM_F_DUMP_INTR: u16 = 0x10;
/// The dump was filtered as requested.
pub const NLM_F_DUMP_FILTERED: u16 = 0x20;
/// GET: return the whole table.
pub const NLM_F_ROOT: u16 = 0x100;
/// GET: return all matching entries.
pub const NLM_F_MATCH: u16 = 0x200;
/// GET: atomic snapshot.
pub const NLM_F_ATOMIC: u16 = 0x400;
/// GET: a dump (`ROOT | MATCH`).
pub const NLM_F_DUMP: u16 = NLM_F_ROOT | NLM_F_MATCH;
/// NEW: replace an existing object.
pub const NLM_F_REPLACE: u16 = 0x100;
/// NEW: fail if the object exists.
pub const NLM_F_EXCL: u16 = 0x200;
/// NEW: create if it does not exist.
pub const NLM_F_CREATE: u16 = 0x400;
/// NEW: add to the end of a list.
pub const NLM_F_APPEND: u16 = 0x800;
/// DELETE: delete without recursion.
pub const NLM_F_NONREC: u16 = 0x100;
/// DELETE: delete in bulk.
pub const NLM_F_BULK: u16 = 0x200;
/// ACK: the echoed request was cut to its header.
pub const NLM_F_CAPPED: u16 = 0x100;
/// ACK: extended-ack TLVs follow.
pub const NLM_F_ACK_TLVS: u16 = 0x200;

/// The attribute carries nested attributes.
pub const NLA_F_NESTED: u16 = 1 << 15;
/// The payload is in network byte order.
pub const NLA_F_NET_BYTEORDER: u16 = 1 << 14;
/// The bits of `nla_type` that hold the type.
pub const NLA_TYPE_MASK: u16 = !(NLA_F_NESTED | NLA_F_NET_BYTEORDER);

/// Routing and link protocol (rtnetlink).
pub const NETLINK_ROUTE: i32 = 0;
/// Socket monitoring.
pub const NETLINK_SOCK_DIAG: i32 = 4;
/// Netfilter.
pub const NETLINK_NETFILTER: i32 = 12;
/// Generic netlink.
pub const NETLINK_GENERIC: i32 = 16;

/// `SOL_NETLINK` socket option level.
pub const SOL_NETLINK: i32 = 270;
/// Join a multicast group.
pub const NETLINK_ADD_MEMBERSHIP: i32 = 1;
/// Leave a multicast group.
pub const NETLINK_DROP_MEMBERSHIP: i32 = 2;
/// Do not report ENOBUFS.
pub const NETLINK_NO_ENOBUFS: i32 = 5;
/// Receive notifications from all network namespaces.
pub const NETLINK_LISTEN_ALL_NSID: i32 = 8;
/// Echo only the request header in acknowledgements.
pub const NETLINK_CAP_ACK: i32 = 10;
/// Extended acknowledgements.
pub const NETLINK_EXT_ACK: i32 = 11;
/// Strict checking of dump requests.
pub const NETLINK_GET_STRICT_CHK: i32 = 12;

/// Extended-ack TLV: unused.
pub const NLMSGERR_ATTR_UNUSED: u16 = 0;
/// Extended-ack TLV: error or warning message (string).
pub const NLMSGERR_ATTR_MSG: u16 = 1;
/// Extended-ack TLV: offset of the offending attribute in the request (u32).
pub const NLMSGERR_ATTR_OFFS: u16 = 2;
/// Extended-ack TLV: cookie (binary).
pub const NLMSGERR_ATTR_COOKIE: u16 = 3;
/// Extended-ack TLV: the policy the offending attribute broke (nested).
pub const NLMSGERR_ATTR_POLICY: u16 = 4;
/// Extended-ack TLV: type of a missing attribute (u32).
pub const NLMSGERR_ATTR_MISS_TYPE: u16 = 5;
/// Extended-ack TLV: offset of the nest that lacks an attribute (u32).
pub const NLMSGERR_ATTR_MISS_NEST: u16 = 6;

/// Message type of the generic netlink controller ("nlctrl").
pub const GENL_ID_CTRL: u16 = 0x10;
