//! ODP text: OVS's datapath flow syntax, as `ovs-dpctl` prints and parses it.
//!
//! - [`format_key`] / [`format_actions`] print keys, masks and actions the way
//!   `ovs-dpctl dump-flows` does (`lib/odp-util.c`: fields whose mask is zero are left
//!   out, partial masks are printed as `value/mask`, output actions as port numbers).
//! - [`parse_key`] / [`parse_actions`] read that text back into the wire types of
//!   [`attrs`](super::attrs): a [`FlowMatch`] (key and mask) and a list of actions. A field
//!   given without a mask is exact; a field not given is wildcarded.
//! - [`FlowMatch::normalized`] and [`normalize_actions`] make structured values
//!   comparable: bits outside the mask cleared, wildcarded attributes dropped, a masked
//!   set with a full mask turned into a plain set. Two descriptions of one flow — the
//!   kernel's reply decoded by nlwire and `ovs-dpctl`'s text — are then equal as values,
//!   whatever order the text lists fields in and whatever it leaves out.
//!
//! The syntax covered is what the datapath tests use and a bit more: keys `in_port`,
//! `eth`, `eth_type`, `vlan`, `encap`, `ipv4`, `ipv6`, `tcp`, `udp`, `sctp`,
//! `tcp_flags`, `icmp`, `icmpv6`, `arp`, `nd`, `mpls`, `recirc_id`, `dp_hash`,
//! `skb_priority`, `skb_mark`, `ct_state`, `ct_zone`, `ct_mark`, `ct_label`, `tunnel`,
//! `keyN(hex)`; actions: port numbers, `push_vlan`, `pop_vlan`, `set(...)` (plain and
//! masked), `userspace`, `sample`, `ct` (with `nat`), `ct_clear`, `clone`,
//! `check_pkt_len`, `recirc`, `hash`, `trunc`, `meter`, `push_eth`, `pop_eth`,
//! `push_mpls`, `pop_mpls`, `drop`.
//!
//! ```
//! use nlwire_families::ovs::odp;
//!
//! let m = odp::parse_key("in_port(1),eth_type(0x0800),ipv4(src=10.0.0.0/255.255.255.0,frag=no)")?;
//! assert_eq!(m.key.in_port, Some(1));
//! let text = odp::format_key(&m.key, m.mask.as_ref(), false);
//! assert_eq!(text, "in_port(1),eth_type(0x0800),ipv4(src=10.0.0.0/255.255.255.0,frag=no)");
//!
//! let acts = odp::parse_actions("push_vlan(vid=10,pcp=0),2")?;
//! assert_eq!(odp::format_actions(&acts), "push_vlan(vid=10,pcp=0),2");
//! # Ok::<(), odp::ParseError>(())
//! ```

mod format;
mod normalize;
mod parse;

pub use format::{format_actions, format_key};
pub use normalize::normalize_actions;
pub use parse::{parse_actions, parse_key, parse_ufid, probability};

use super::attrs::{KeyAttrs, MaskedKeyAttrs, NshKeyAttrs};
use nlwire::zerocopy::network_endian::U32 as BeU32;

/// A flow match: the key and, unless every field of the key is exact, the mask.
///
/// ```
/// use nlwire_families::ovs::{odp::FlowMatch, attrs::KeyAttrs};
/// let exact = FlowMatch { key: KeyAttrs { in_port: Some(3), ..Default::default() }, mask: None };
/// let with_mask = FlowMatch {
///     key: exact.key.clone(),
///     mask: Some(KeyAttrs { in_port: Some(u32::MAX), recirc_id: Some(0), ..Default::default() }),
/// };
/// assert_eq!(exact.normalized(), with_mask.normalized());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FlowMatch {
    /// Values of the fields (bits outside the mask are meaningless).
    pub key: KeyAttrs,
    /// `None`: every attribute of the key is matched exactly.
    pub mask: Option<KeyAttrs>,
}

/// Why ODP text did not parse: what was expected and the text where it failed.
///
/// ```
/// let e = nlwire_families::ovs::odp::parse_key("ipv4(src=1.2.3)").unwrap_err();
/// assert!(e.to_string().contains("1.2.3"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// What went wrong.
    pub msg: String,
    /// The text being parsed when it went wrong.
    pub near: String,
}

impl ParseError {
    pub(crate) fn new(msg: impl Into<String>, near: &str) -> Self {
        let near: String = near.chars().take(80).collect();
        ParseError {
            msg: msg.into(),
            near,
        }
    }
}

impl core::fmt::Display for ParseError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "ODP syntax: {} (at {:?})", self.msg, self.near)
    }
}

impl std::error::Error for ParseError {}

/// TCP flag names as OVS prints them (`packet_tcp_flag_to_string`), by bit.
pub(crate) const TCP_FLAG_NAMES: &[(u32, &str)] = &[
    (0x001, "fin"),
    (0x002, "syn"),
    (0x004, "rst"),
    (0x008, "psh"),
    (0x010, "ack"),
    (0x020, "urg"),
    (0x040, "ece"),
    (0x080, "cwr"),
    (0x100, "ns"),
    (0x200, "[200]"),
    (0x400, "[400]"),
    (0x800, "[800]"),
];

/// Conntrack state names (`odp_ct_state_to_string`), by bit.
pub(crate) const CT_STATE_NAMES: &[(u32, &str)] = &[
    (0x01, "new"),
    (0x02, "est"),
    (0x04, "rel"),
    (0x08, "rpl"),
    (0x10, "inv"),
    (0x20, "trk"),
    (0x40, "snat"),
    (0x80, "dnat"),
];

/// Tunnel flag bits as OVS's flow layer numbers them (`FLOW_TNL_F_*`) and names them.
pub(crate) const TUN_FLAG_NAMES: &[(u32, &str)] = &[(1, "oam"), (2, "df"), (4, "csum"), (8, "key")];
/// `FLOW_TNL_F_OAM`.
pub(crate) const TNL_F_OAM: u32 = 1;
/// `FLOW_TNL_F_DONT_FRAGMENT`.
pub(crate) const TNL_F_DF: u32 = 2;
/// `FLOW_TNL_F_CSUM`.
pub(crate) const TNL_F_CSUM: u32 = 4;
/// `FLOW_TNL_F_KEY`.
pub(crate) const TNL_F_KEY: u32 = 8;

/// The TCP flags bits a mask can cover (`TCP_FLAGS()`: 12 bits).
pub(crate) const TCP_FLAGS_MASK: u16 = 0x0fff;
/// `VLAN_CFI`.
pub(crate) const VLAN_CFI: u16 = 0x1000;
/// `OVS_FRAG_TYPE_*` names.
pub(crate) const FRAG_NAMES: &[(u8, &str)] = &[(0, "no"), (1, "first"), (2, "later")];

/// A masked set's payload as a key and a mask (attributes in both where set).
///
/// ```
/// use nlwire_families::ovs::{attrs::*, odp};
/// let m = MaskedKeyAttrs {
///     skb_mark: Some(U32Masked { value: 5.into(), mask: 0xff.into() }),
///     ..Default::default()
/// };
/// let (k, mask) = odp::split_masked(&m);
/// assert_eq!((k.skb_mark, mask.skb_mark), (Some(5), Some(0xff)));
/// assert_eq!(odp::join_masked(&k, &mask), m);
/// ```
pub fn split_masked(m: &MaskedKeyAttrs) -> (KeyAttrs, KeyAttrs) {
    let mut k = KeyAttrs::default();
    let mut x = KeyAttrs::default();
    macro_rules! copy {
        ($($f:ident),*) => {$(
            if let Some(v) = &m.$f {
                k.$f = Some(v.value);
                x.$f = Some(v.mask);
            }
        )*};
    }
    copy!(
        ethernet,
        ipv4,
        ipv6,
        tcp,
        udp,
        icmp,
        icmpv6,
        arp,
        nd,
        sctp,
        ct_labels,
        nd_extensions
    );
    macro_rules! copy32 {
        ($($f:ident),*) => {$(
            if let Some(v) = &m.$f {
                k.$f = Some(v.value.get());
                x.$f = Some(v.mask.get());
            }
        )*};
    }
    copy32!(priority, skb_mark, ct_mark);
    if let Some(v) = &m.mpls {
        k.mpls = Some(vec![BeU32::new(v.value.mpls_lse.get())]);
        x.mpls = Some(vec![BeU32::new(v.mask.mpls_lse.get())]);
    }
    if let Some(n) = &m.nsh {
        k.nsh = Some(NshKeyAttrs {
            base: n.base.map(|b| b.value),
            md1: n.md1.map(|b| b.value),
            md2: None,
        });
        x.nsh = Some(NshKeyAttrs {
            base: n.base.map(|b| b.mask),
            md1: n.md1.map(|b| b.mask),
            md2: None,
        });
    }
    (k, x)
}

/// The inverse of [`split_masked`]: the attributes a masked set can carry, from a key
/// and a mask (a mask attribute that is missing counts as zero).
///
/// ```
/// use nlwire_families::ovs::{attrs::*, odp};
/// let k = KeyAttrs { skb_mark: Some(1), ..Default::default() };
/// let m = odp::join_masked(&k, &KeyAttrs::default()); // no mask given: zero
/// assert_eq!(m.skb_mark.unwrap().mask.get(), 0);
/// ```
pub fn join_masked(k: &KeyAttrs, x: &KeyAttrs) -> MaskedKeyAttrs {
    use super::attrs::*;
    let mut m = MaskedKeyAttrs::default();
    macro_rules! copy {
        ($($f:ident: $t:ident),*) => {$(
            if let Some(v) = k.$f {
                m.$f = Some($t { value: v, mask: x.$f.unwrap_or_default() });
            }
        )*};
    }
    copy!(ethernet: OvsKeyEthernetMasked, ipv4: OvsKeyIpv4Masked, ipv6: OvsKeyIpv6Masked,
          tcp: OvsKeyTcpMasked, udp: OvsKeyUdpMasked, icmp: OvsKeyIcmpMasked,
          icmpv6: OvsKeyIcmpv6Masked, arp: OvsKeyArpMasked, nd: OvsKeyNdMasked,
          sctp: OvsKeySctpMasked, ct_labels: OvsKeyCtLabelsMasked,
          nd_extensions: OvsKeyNdExtensionsMasked);
    macro_rules! copy32 {
        ($($f:ident),*) => {$(
            if let Some(v) = k.$f {
                m.$f = Some(U32Masked { value: v.into(), mask: x.$f.unwrap_or(0).into() });
            }
        )*};
    }
    copy32!(priority, skb_mark, ct_mark);
    if let Some(v) = k.mpls.as_ref().and_then(|s| s.first()) {
        let mm = x
            .mpls
            .as_ref()
            .and_then(|s| s.first())
            .map_or(0, |e| e.get());
        m.mpls = Some(OvsKeyMplsMasked {
            value: OvsKeyMpls {
                mpls_lse: v.get().into(),
            },
            mask: OvsKeyMpls {
                mpls_lse: mm.into(),
            },
        });
    }
    if let Some(n) = &k.nsh {
        let xn = x.nsh.clone().unwrap_or_default();
        m.nsh = Some(MaskedNshKeyAttrs {
            base: n.base.map(|b| OvsNshKeyBaseMasked {
                value: b,
                mask: xn.base.unwrap_or_default(),
            }),
            md1: n.md1.map(|b| OvsNshKeyMd1Masked {
                value: b,
                mask: xn.md1.unwrap_or_default(),
            }),
        });
    }
    m
}
