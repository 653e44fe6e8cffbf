//! The Open vSwitch kernel datapath's flow family (`ovs_flow`), described by hand with
//! nlwire's derives: fixed key structs laid out on zerocopy, the flow, key, mask and
//! action attribute sets, and the `OVS_FLOW_CMD_*` messages.
//!
//! Numbers and layouts follow `include/linux/openvswitch.h` (see the ABI dump in the
//! project's reference notes). The schema compiler emits this same annotated shape from
//! `ovs_flow.yaml`; this crate is the hand-written check of that contract.
//!
//! ```
//! use nlwire::{Message, MsgBuf, consts::*};
//! use ovs_handwritten::*;
//!
//! let req = FlowNew {
//!     header: nlwire::OvsHeader::new(3),
//!     flow: Flow {
//!         key: Some(FlowKey { in_port: Some(1), eth_type: Some(0x0800), ..FlowKey::default() }),
//!         actions: Some(vec![Action::Output(2)]),
//!         ..Flow::default()
//!     },
//! };
//! let mut buf = MsgBuf::new();
//! req.encode(&mut buf, 0x1e, NLM_F_REQUEST | NLM_F_CREATE)?;
//! let view = FlowNew::decode(buf.as_slice())?;
//! let key = view.flow.key.unwrap();
//! assert_eq!((key.in_port, key.eth_type), (Some(1), Some(0x0800)));
//! assert_eq!(view.into_owned(), req);
//! # Ok::<(), nlwire::Error>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub use nlwire::OvsHeader;
use nlwire::view::RawAttr;

/// Generic netlink family name of the flow family.
pub const OVS_FLOW_FAMILY: &str = "ovs_flow";
/// `OVS_FLOW_VERSION`.
pub const OVS_FLOW_VERSION: u8 = 1;

/// `OVS_FLOW_CMD_*`.
pub mod cmd {
    /// Create a flow.
    pub const NEW: u8 = 1;
    /// Delete a flow (all flows without key/UFID).
    pub const DEL: u8 = 2;
    /// Get (or dump) flows.
    pub const GET: u8 = 3;
    /// Modify a flow.
    pub const SET: u8 = 4;
}

// ---------------------------------------------------------------------------------------
// Fixed payload structs (sizes from the ABI dump, including C tail padding)
// ---------------------------------------------------------------------------------------

/// `struct ovs_key_ethernet`.
#[nlwire::wire(size = 12)]
pub struct OvsKeyEthernet {
    /// Source MAC.
    pub eth_src: [u8; 6],
    /// Destination MAC.
    pub eth_dst: [u8; 6],
}

/// `struct ovs_key_ipv4`.
#[nlwire::wire(size = 12)]
pub struct OvsKeyIpv4 {
    /// Source address.
    #[be]
    pub ipv4_src: u32,
    /// Destination address.
    #[be]
    pub ipv4_dst: u32,
    /// IP protocol.
    pub ipv4_proto: u8,
    /// TOS.
    pub ipv4_tos: u8,
    /// TTL.
    pub ipv4_ttl: u8,
    /// `OVS_FRAG_TYPE_*`.
    pub ipv4_frag: u8,
}

/// `struct ovs_key_ipv6`.
#[nlwire::wire(size = 40)]
pub struct OvsKeyIpv6 {
    /// Source address.
    #[be]
    pub ipv6_src: [u32; 4],
    /// Destination address.
    #[be]
    pub ipv6_dst: [u32; 4],
    /// Flow label (20 low bits).
    #[be]
    pub ipv6_label: u32,
    /// Next header.
    pub ipv6_proto: u8,
    /// Traffic class.
    pub ipv6_tclass: u8,
    /// Hop limit.
    pub ipv6_hlimit: u8,
    /// `OVS_FRAG_TYPE_*`.
    pub ipv6_frag: u8,
}

/// `struct ovs_key_tcp`.
#[nlwire::wire(size = 4)]
pub struct OvsKeyTcp {
    /// Source port.
    #[be]
    pub tcp_src: u16,
    /// Destination port.
    #[be]
    pub tcp_dst: u16,
}

/// `struct ovs_key_udp`.
#[nlwire::wire(size = 4)]
pub struct OvsKeyUdp {
    /// Source port.
    #[be]
    pub udp_src: u16,
    /// Destination port.
    #[be]
    pub udp_dst: u16,
}

/// `struct ovs_key_icmp`.
#[nlwire::wire(size = 2)]
pub struct OvsKeyIcmp {
    /// ICMP type.
    pub icmp_type: u8,
    /// ICMP code.
    pub icmp_code: u8,
}

/// `struct ovs_key_mpls` (an MPLS label stack entry).
#[nlwire::wire(size = 4)]
pub struct OvsKeyMpls {
    /// Label stack entry.
    #[be]
    pub mpls_lse: u32,
}

/// `struct ovs_key_ct_tuple_ipv4` (13 bytes of fields, 3 of tail padding).
#[nlwire::wire(size = 16)]
pub struct OvsKeyCtTupleIpv4 {
    /// Source address.
    #[be]
    pub ipv4_src: u32,
    /// Destination address.
    #[be]
    pub ipv4_dst: u32,
    /// Source port.
    #[be]
    pub src_port: u16,
    /// Destination port.
    #[be]
    pub dst_port: u16,
    /// IP protocol.
    pub ipv4_proto: u8,
    /// C tail padding.
    pub pad: [u8; 3],
}

/// `struct ovs_flow_stats` (64-bit counters, host order, only 4-byte aligned on the wire).
#[nlwire::wire(size = 16)]
pub struct OvsFlowStats {
    /// Packets matched.
    pub n_packets: u64,
    /// Bytes matched.
    pub n_bytes: u64,
}

/// `struct ovs_action_push_vlan`.
#[nlwire::wire(size = 4)]
pub struct OvsActionPushVlan {
    /// Tag protocol identifier (0x8100).
    #[be]
    pub vlan_tpid: u16,
    /// Tag control information (CFI bit set).
    #[be]
    pub vlan_tci: u16,
}

/// `struct ovs_action_hash`.
#[nlwire::wire(size = 8)]
pub struct OvsActionHash {
    /// `OVS_HASH_ALG_*`.
    pub hash_alg: u32,
    /// Basis.
    pub hash_basis: u32,
}

/// The CT `MARK` payload: value and mask.
#[nlwire::wire(size = 8)]
pub struct CtMark {
    /// Mark value.
    pub value: u32,
    /// Bits of `value` to set.
    pub mask: u32,
}

// ---------------------------------------------------------------------------------------
// Attribute sets
// ---------------------------------------------------------------------------------------

/// `OVS_KEY_ATTR_*`: a flow key (and, with the same attributes, a mask).
#[derive(Clone, Debug, Default, PartialEq, nlwire::AttrSet)]
#[nla(name = "key")]
pub struct FlowKey {
    /// `OVS_KEY_ATTR_ENCAP`: the inner key after a VLAN header (recursive, decoded lazily).
    #[nla(type = 1, nested)]
    pub encap: Option<Box<FlowKey>>,
    /// `OVS_KEY_ATTR_PRIORITY`.
    #[nla(type = 2, u32)]
    pub priority: Option<u32>,
    /// `OVS_KEY_ATTR_IN_PORT`.
    #[nla(type = 3, u32)]
    pub in_port: Option<u32>,
    /// `OVS_KEY_ATTR_ETHERNET`.
    #[nla(type = 4, fixed)]
    pub ethernet: Option<OvsKeyEthernet>,
    /// `OVS_KEY_ATTR_VLAN`: TCI.
    #[nla(type = 5, be16)]
    pub vlan: Option<u16>,
    /// `OVS_KEY_ATTR_ETHERTYPE`.
    #[nla(type = 6, be16)]
    pub eth_type: Option<u16>,
    /// `OVS_KEY_ATTR_IPV4`.
    #[nla(type = 7, fixed)]
    pub ipv4: Option<OvsKeyIpv4>,
    /// `OVS_KEY_ATTR_IPV6`.
    #[nla(type = 8, fixed)]
    pub ipv6: Option<OvsKeyIpv6>,
    /// `OVS_KEY_ATTR_TCP`.
    #[nla(type = 9, fixed)]
    pub tcp: Option<OvsKeyTcp>,
    /// `OVS_KEY_ATTR_UDP`.
    #[nla(type = 10, fixed)]
    pub udp: Option<OvsKeyUdp>,
    /// `OVS_KEY_ATTR_ICMP`.
    #[nla(type = 11, fixed)]
    pub icmp: Option<OvsKeyIcmp>,
    /// `OVS_KEY_ATTR_SKB_MARK`.
    #[nla(type = 15, u32)]
    pub skb_mark: Option<u32>,
    /// `OVS_KEY_ATTR_TUNNEL`.
    #[nla(type = 16, nested)]
    pub tunnel: Option<TunnelKey>,
    /// `OVS_KEY_ATTR_TCP_FLAGS`.
    #[nla(type = 18, be16)]
    pub tcp_flags: Option<u16>,
    /// `OVS_KEY_ATTR_DP_HASH`.
    #[nla(type = 19, u32)]
    pub dp_hash: Option<u32>,
    /// `OVS_KEY_ATTR_RECIRC_ID`.
    #[nla(type = 20, u32)]
    pub recirc_id: Option<u32>,
    /// `OVS_KEY_ATTR_MPLS`: the label stack, an array of fixed structs in one payload.
    #[nla(type = 21, array)]
    pub mpls: Option<Vec<OvsKeyMpls>>,
    /// `OVS_KEY_ATTR_CT_STATE`: `OVS_CS_F_*` bits.
    #[nla(type = 22, u32, flags_mask = 0xff)]
    pub ct_state: Option<u32>,
    /// `OVS_KEY_ATTR_CT_ZONE`.
    #[nla(type = 23, u16)]
    pub ct_zone: Option<u16>,
    /// `OVS_KEY_ATTR_CT_MARK`.
    #[nla(type = 24, u32)]
    pub ct_mark: Option<u32>,
    /// `OVS_KEY_ATTR_CT_LABELS`: 16 octets.
    #[nla(type = 25, fixed)]
    pub ct_labels: Option<[u8; 16]>,
    /// `OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV4`.
    #[nla(type = 26, fixed)]
    pub ct_orig_tuple_ipv4: Option<OvsKeyCtTupleIpv4>,
}

/// `OVS_TUNNEL_KEY_ATTR_*` (numbered from 0: `ID` is type 0).
#[derive(Clone, Debug, Default, PartialEq, nlwire::AttrSet)]
#[nla(name = "tunnel-key", pad = 14)]
pub struct TunnelKey {
    /// `ID`: tunnel id, network order.
    #[nla(type = 0, be64)]
    pub id: Option<u64>,
    /// `IPV4_SRC`.
    #[nla(type = 1, be32)]
    pub ipv4_src: Option<u32>,
    /// `IPV4_DST`.
    #[nla(type = 2, be32)]
    pub ipv4_dst: Option<u32>,
    /// `TOS`.
    #[nla(type = 3, u8)]
    pub tos: Option<u8>,
    /// `TTL`.
    #[nla(type = 4, u8)]
    pub ttl: Option<u8>,
    /// `DONT_FRAGMENT`.
    #[nla(type = 5, flag)]
    pub dont_fragment: bool,
    /// `CSUM`.
    #[nla(type = 6, flag)]
    pub csum: bool,
    /// `OAM`.
    #[nla(type = 7, flag)]
    pub oam: bool,
    /// `GENEVE_OPTS`: packed options.
    #[nla(type = 8, bytes, max_len = 252)]
    pub geneve_opts: Option<Vec<u8>>,
    /// `TP_SRC`.
    #[nla(type = 9, be16)]
    pub tp_src: Option<u16>,
    /// `TP_DST`.
    #[nla(type = 10, be16)]
    pub tp_dst: Option<u16>,
    /// `IPV6_SRC`.
    #[nla(type = 12, fixed)]
    pub ipv6_src: Option<[u8; 16]>,
    /// `IPV6_DST`.
    #[nla(type = 13, fixed)]
    pub ipv6_dst: Option<[u8; 16]>,
}

/// `OVS_USERSPACE_ATTR_*`: send the packet to userspace.
#[derive(Clone, Debug, Default, PartialEq, nlwire::AttrSet)]
#[nla(name = "userspace")]
pub struct Userspace {
    /// `PID`: the Netlink port to send to.
    #[nla(type = 1, u32, required)]
    pub pid: u32,
    /// `USERDATA`.
    #[nla(type = 2, bytes)]
    pub userdata: Option<Vec<u8>>,
    /// `EGRESS_TUN_PORT`.
    #[nla(type = 3, u32)]
    pub egress_tun_port: Option<u32>,
    /// `ACTIONS`: include the actions in the upcall.
    #[nla(type = 4, flag)]
    pub actions: bool,
}

/// `OVS_SAMPLE_ATTR_*`.
#[derive(Clone, Debug, Default, PartialEq, nlwire::AttrSet)]
#[nla(name = "sample")]
pub struct Sample {
    /// `PROBABILITY` (`u32::MAX` = always).
    #[nla(type = 1, u32, required)]
    pub probability: u32,
    /// `ACTIONS`: nested actions.
    #[nla(type = 2, nested, required)]
    pub actions: Vec<Action>,
}

/// `OVS_NAT_ATTR_*`.
#[derive(Clone, Debug, Default, PartialEq, nlwire::AttrSet)]
#[nla(name = "nat")]
pub struct Nat {
    /// `SRC`.
    #[nla(type = 1, flag)]
    pub src: bool,
    /// `DST`.
    #[nla(type = 2, flag)]
    pub dst: bool,
    /// `IP_MIN`: 4 or 16 bytes.
    #[nla(type = 3, bytes, min_len = 4, max_len = 16)]
    pub ip_min: Option<Vec<u8>>,
    /// `IP_MAX`: 4 or 16 bytes.
    #[nla(type = 4, bytes, min_len = 4, max_len = 16)]
    pub ip_max: Option<Vec<u8>>,
    /// `PROTO_MIN`.
    #[nla(type = 5, u16)]
    pub proto_min: Option<u16>,
    /// `PROTO_MAX`.
    #[nla(type = 6, u16)]
    pub proto_max: Option<u16>,
    /// `PERSISTENT`.
    #[nla(type = 7, flag)]
    pub persistent: bool,
    /// `PROTO_HASH`.
    #[nla(type = 8, flag)]
    pub proto_hash: bool,
    /// `PROTO_RANDOM`.
    #[nla(type = 9, flag)]
    pub proto_random: bool,
}

/// `OVS_CT_ATTR_*`: send to conntrack.
#[derive(Clone, Debug, Default, PartialEq, nlwire::AttrSet)]
#[nla(name = "ct")]
pub struct Ct {
    /// `COMMIT`.
    #[nla(type = 1, flag)]
    pub commit: bool,
    /// `ZONE`.
    #[nla(type = 2, u16)]
    pub zone: Option<u16>,
    /// `MARK`: value and mask.
    #[nla(type = 3, fixed)]
    pub mark: Option<CtMark>,
    /// `HELPER`: at most 15 characters.
    #[nla(type = 5, string, max_len = 15)]
    pub helper: Option<String>,
    /// `NAT`.
    #[nla(type = 6, nested)]
    pub nat: Option<Nat>,
    /// `FORCE_COMMIT`.
    #[nla(type = 7, flag)]
    pub force_commit: bool,
    /// `EVENTMASK`.
    #[nla(type = 8, u32)]
    pub eventmask: Option<u32>,
    /// `TIMEOUT`: timeout policy name, at most 31 characters.
    #[nla(type = 9, string, max_len = 31)]
    pub timeout: Option<String>,
}

/// The payload of `OVS_ACTION_ATTR_SET`: exactly one key attribute.
#[derive(Clone, Debug, PartialEq, nlwire::AttrSet)]
#[nla(name = "set")]
pub enum SetKey {
    /// `OVS_KEY_ATTR_PRIORITY`.
    #[nla(type = 2, u32)]
    Priority(u32),
    /// `OVS_KEY_ATTR_ETHERNET`.
    #[nla(type = 4, fixed)]
    Ethernet(OvsKeyEthernet),
    /// `OVS_KEY_ATTR_IPV4`.
    #[nla(type = 7, fixed)]
    Ipv4(OvsKeyIpv4),
    /// `OVS_KEY_ATTR_TCP`.
    #[nla(type = 9, fixed)]
    Tcp(OvsKeyTcp),
    /// `OVS_KEY_ATTR_SKB_MARK`.
    #[nla(type = 15, u32)]
    SkbMark(u32),
    /// `OVS_KEY_ATTR_TUNNEL`.
    #[nla(type = 16, nested)]
    Tunnel(TunnelKey),
}

/// `OVS_ACTION_ATTR_*`: one action. A flow's actions are a `Vec<Action>`, applied in order.
#[derive(Clone, Debug, PartialEq, nlwire::AttrSet)]
#[nla(name = "action")]
pub enum Action {
    /// `OUTPUT`: send to a port.
    #[nla(type = 1, u32)]
    Output(u32),
    /// `USERSPACE`: send to userspace.
    #[nla(type = 2, nested)]
    Userspace(Userspace),
    /// `SET`: replace one key field.
    #[nla(type = 3, nested)]
    Set(SetKey),
    /// `PUSH_VLAN`.
    #[nla(type = 4, fixed)]
    PushVlan(OvsActionPushVlan),
    /// `POP_VLAN`.
    #[nla(type = 5)]
    PopVlan,
    /// `SAMPLE`: run nested actions with some probability.
    #[nla(type = 6, nested)]
    Sample(Sample),
    /// `RECIRC`.
    #[nla(type = 7, u32)]
    Recirc(u32),
    /// `HASH`.
    #[nla(type = 8, fixed)]
    Hash(OvsActionHash),
    /// `CT`: conntrack.
    #[nla(type = 12, nested)]
    Ct(Ct),
    /// `CT_CLEAR`.
    #[nla(type = 16)]
    CtClear,
    /// `METER`.
    #[nla(type = 19, u32)]
    Meter(u32),
    /// `CLONE`: nested actions on a copy of the packet.
    #[nla(type = 20, nested)]
    Clone(Vec<Action>),
    /// An action this crate does not model, kept as it came.
    #[nla(unknown)]
    Other(RawAttr),
}

/// `OVS_FLOW_ATTR_*`.
#[derive(Clone, Debug, Default, PartialEq, nlwire::AttrSet)]
#[nla(name = "flow", pad = 11)]
pub struct Flow {
    /// `UFID`: 1 to 16 opaque bytes.
    #[nla(type = 9, bytes, min_len = 1, max_len = 16)]
    pub ufid: Option<Vec<u8>>,
    /// `UFID_FLAGS`: `OVS_UFID_F_OMIT_*`.
    #[nla(type = 10, u32, flags_mask = 0x7)]
    pub ufid_flags: Option<u32>,
    /// `KEY`.
    #[nla(type = 1, nested)]
    pub key: Option<FlowKey>,
    /// `MASK`.
    #[nla(type = 7, nested)]
    pub mask: Option<FlowKey>,
    /// `ACTIONS`: an empty list clears the actions.
    #[nla(type = 2, nested)]
    pub actions: Option<Vec<Action>>,
    /// `STATS`.
    #[nla(type = 3, fixed)]
    pub stats: Option<OvsFlowStats>,
    /// `TCP_FLAGS`.
    #[nla(type = 4, u8)]
    pub tcp_flags: Option<u8>,
    /// `USED`: milliseconds, monotonic.
    #[nla(type = 5, u64)]
    pub used: Option<u64>,
    /// `CLEAR`.
    #[nla(type = 6, flag)]
    pub clear: bool,
    /// `PROBE`.
    #[nla(type = 8, flag)]
    pub probe: bool,
}

// ---------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------

/// `OVS_FLOW_CMD_NEW`.
#[derive(Clone, Debug, PartialEq, nlwire::Message)]
#[nla(cmd = 1, version = 1)]
pub struct FlowNew {
    /// The datapath.
    #[nla(header)]
    pub header: OvsHeader,
    /// The flow.
    #[nla(attrs)]
    pub flow: Flow,
}

/// `OVS_FLOW_CMD_DEL`.
#[derive(Clone, Debug, PartialEq, nlwire::Message)]
#[nla(cmd = 2, version = 1)]
pub struct FlowDel {
    /// The datapath.
    #[nla(header)]
    pub header: OvsHeader,
    /// Key or UFID of the flow (none: all flows).
    #[nla(attrs)]
    pub flow: Flow,
}

/// `OVS_FLOW_CMD_GET`.
#[derive(Clone, Debug, PartialEq, nlwire::Message)]
#[nla(cmd = 3, version = 1)]
pub struct FlowGet {
    /// The datapath.
    #[nla(header)]
    pub header: OvsHeader,
    /// Key or UFID of the flow.
    #[nla(attrs)]
    pub flow: Flow,
}
