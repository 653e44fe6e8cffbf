//! The OVS wire types the dpif API speaks: the schema-generated attribute sets and
//! structs of [`ovs_flow`](crate::ovs_flow), [`ovs_datapath`](crate::ovs_datapath),
//! [`ovs_vport`](crate::ovs_vport) and [`ovs_meter`](crate::ovs_meter), re-exported here,
//! plus the few sets this module composes itself with the derive:
//!
//! - [`Packet`]: the `ovs_packet` attributes with the *flow* family's key, action and
//!   tunnel types, so that an upcall's key is the same [`KeyAttrs`] a flow has (the
//!   generated `ovs_packet` module carries its own copy of those types);
//! - [`CtLimit`]: zone limits as a packed array of [`OvsZoneLimit`] (the kernel sends
//!   several in one attribute);
//! - [`Ufid`]: a flow id as OVS uses it (`u32[4]` host order, printed as a UUID).
//!
//! Everything else in [`ovs`](super) takes its wire types from here, so following the
//! generated modules is a change of this file.
//!
//! ```
//! use nlwire::{AttrSet, Encode};
//! use nlwire_families::ovs::attrs::*;
//!
//! let key = KeyAttrs {
//!     in_port: Some(1),
//!     ethertype: Some(0x0800),
//!     ipv4: Some(OvsKeyIpv4 { ipv4_src: 0x0a00_0001.into(), ipv4_ttl: 64, ..Default::default() }),
//!     ..Default::default()
//! };
//! let bytes = key.encode_to_vec()?;
//! let view = KeyAttrs::decode(&bytes)?; // borrows `bytes`
//! assert_eq!(view.ipv4.unwrap().ipv4_src.get(), 0x0a00_0001);
//! assert_eq!(view.into_owned(), key);
//! # Ok::<(), nlwire::Error>(())
//! ```

pub use crate::ovs_datapath::{Datapath, DatapathView, OvsDpMegaflowStats, OvsDpStats};
pub use crate::ovs_flow::{
    ActionAttrs, ActionAttrsView, CheckPktLenAttrs, CtAttrs, DecTtlAttrs, ErspanMetadata,
    FlowAttrs, FlowAttrsView, KeyAttrs, KeyAttrsView, MaskedKeyAttrs, MaskedNshKeyAttrs, NatAttrs,
    NshKeyAttrs, OvsActionAddMpls, OvsActionHash, OvsActionPushEth, OvsActionPushMpls,
    OvsActionPushVlan, OvsActionTrunc, OvsFlowStats, OvsKeyArp, OvsKeyArpMasked, OvsKeyCtLabels,
    OvsKeyCtLabelsMasked, OvsKeyCtTupleIpv4, OvsKeyCtTupleIpv6, OvsKeyEthernet,
    OvsKeyEthernetMasked, OvsKeyIcmp, OvsKeyIcmpMasked, OvsKeyIcmpv6, OvsKeyIcmpv6Masked,
    OvsKeyIpv4, OvsKeyIpv4Masked, OvsKeyIpv6, OvsKeyIpv6Exthdrs, OvsKeyIpv6Masked, OvsKeyMpls,
    OvsKeyMplsMasked, OvsKeyNd, OvsKeyNdExtensions, OvsKeyNdExtensionsMasked, OvsKeyNdMasked,
    OvsKeySctp, OvsKeySctpMasked, OvsKeyTcp, OvsKeyTcpMasked, OvsKeyUdp, OvsKeyUdpMasked,
    OvsNshKeyBase, OvsNshKeyBaseMasked, OvsNshKeyMd1, OvsNshKeyMd1Masked, PsampleAttrs,
    SampleAttrs, TunnelKeyAttrs, U32Masked, UserspaceAttrs, VxlanExtAttrs,
};
pub use crate::ovs_meter::{Band, Meter, MeterView};
pub use crate::ovs_vport::{OvsVportStats, Vport, VportOptions, VportView, VxlanExt};

/// `OVS_PACKET_ATTR_*`: an upcall (kernel to userspace: `MISS`, `ACTION`) or an
/// `EXECUTE` request, with the flow family's key, action and tunnel types.
///
/// ```
/// use nlwire::{AttrSet, Encode};
/// use nlwire_families::ovs::attrs::{KeyAttrs, Packet};
/// let p = Packet {
///     packet: Some(vec![0; 60]),
///     key: Some(KeyAttrs { in_port: Some(2), ..Default::default() }),
///     ..Default::default()
/// };
/// let bytes = p.encode_to_vec()?;
/// let v = Packet::decode(&bytes)?;
/// assert_eq!(v.packet.unwrap().len(), 60); // a slice of `bytes`
/// # Ok::<(), nlwire::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, nlwire::AttrSet)]
#[nla(name = "packet")]
pub struct Packet {
    /// The frame, from its Ethernet header.
    #[nla(type = 1, bytes)]
    pub packet: Option<Vec<u8>>,
    /// The flow key extracted from the packet (upcalls); metadata to run with (execute).
    #[nla(type = 2, nested)]
    pub key: Option<KeyAttrs>,
    /// The actions to run (execute; upcalls of `userspace(...,actions)`).
    #[nla(type = 3, nested)]
    pub actions: Option<Vec<ActionAttrs>>,
    /// The `userspace` action's userdata.
    #[nla(type = 4, bytes)]
    pub userdata: Option<Vec<u8>>,
    /// The egress tunnel of an `ACTION` upcall.
    #[nla(type = 5, nested)]
    pub egress_tun_key: Option<TunnelKeyAttrs>,
    /// Do not log errors (probing).
    #[nla(type = 8, flag)]
    pub probe: bool,
    /// Maximum received fragment size.
    #[nla(type = 9, u16)]
    pub mru: Option<u16>,
    /// Length before truncation.
    #[nla(type = 10, u32)]
    pub len: Option<u32>,
    /// The skb hash.
    #[nla(type = 11, u64)]
    pub hash: Option<u64>,
    /// Execute: the port id upcalls of this packet go to (newer than Linux 6.1).
    #[nla(type = 12, u32)]
    pub upcall_pid: Option<u32>,
}

/// `struct ovs_zone_limit`.
///
/// ```
/// use nlwire_families::ovs::attrs::OvsZoneLimit;
/// let z = OvsZoneLimit { zone_id: (-1).into(), limit: 10.into(), count: 0.into() };
/// assert_eq!(nlwire::zerocopy::IntoBytes::as_bytes(&z).len(), 12);
/// ```
#[nlwire::wire(size = 12)]
pub struct OvsZoneLimit {
    /// Zone, or -1 (`OVS_ZONE_LIMIT_DEFAULT_ZONE`) for the default limit.
    pub zone_id: i32,
    /// Most connections (0: unlimited).
    pub limit: u32,
    /// Connections counted in the zone (in replies).
    pub count: u32,
}

/// `OVS_CT_LIMIT_ATTR_*`.
///
/// ```
/// use nlwire::{AttrSet, Encode};
/// use nlwire_families::ovs::attrs::{CtLimit, OvsZoneLimit};
/// let l = CtLimit { zone_limit: Some(vec![
///     OvsZoneLimit { zone_id: (-1).into(), limit: 10.into(), count: 0.into() },
///     OvsZoneLimit { zone_id: 5.into(), limit: 3.into(), count: 0.into() },
/// ]) };
/// let bytes = l.encode_to_vec()?;
/// assert_eq!(bytes.len(), 4 + 24);
/// assert_eq!(CtLimit::decode_owned(&bytes)?, l);
/// # Ok::<(), nlwire::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, nlwire::AttrSet)]
#[nla(name = "ct-limit")]
pub struct CtLimit {
    /// A packed array of `struct ovs_zone_limit`: not attributes, despite the kernel's
    /// "nested" policy.
    #[nla(type = 1, array)]
    pub zone_limit: Option<Vec<OvsZoneLimit>>,
}

/// A flow's unique identifier as OVS uses it: 128 bits carried as four `u32` in host
/// order (`ovs_u128`), printed as a UUID (`ufid:` + `UUID_FMT`).
///
/// ```
/// use nlwire_families::ovs::attrs::Ufid;
/// let u = Ufid::from_u128(0x0123_4567_89ab_cdef_0011_2233_4455_6677);
/// let s = u.to_string();
/// assert_eq!(s.parse::<Ufid>().unwrap(), u);
/// assert_eq!(Ufid::from_bytes(&u.to_bytes()), Some(u));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ufid(pub [u32; 4]);

impl Ufid {
    /// Parts from a number: part `i` is bits `32*i..32*i+32` (least significant first,
    /// the way `ovs_u128` lays out on little-endian machines).
    ///
    /// ```
    /// use nlwire_families::ovs::attrs::Ufid;
    /// assert_eq!(Ufid::from_u128(1 << 32).0, [0, 1, 0, 0]);
    /// ```
    pub fn from_u128(v: u128) -> Ufid {
        Ufid([0, 1, 2, 3].map(|i| (v >> (32 * i)) as u32))
    }

    /// The inverse of [`from_u128`](Self::from_u128).
    ///
    /// ```
    /// use nlwire_families::ovs::attrs::Ufid;
    /// assert_eq!(Ufid([1, 0, 0, 2]).as_u128(), 1 | (2 << 96));
    /// ```
    pub fn as_u128(&self) -> u128 {
        self.0
            .iter()
            .enumerate()
            .fold(0, |acc, (i, p)| acc | (u128::from(*p) << (32 * i)))
    }

    /// The 16 wire bytes (each part in host order).
    ///
    /// ```
    /// use nlwire_families::ovs::attrs::Ufid;
    /// assert_eq!(Ufid([1, 2, 3, 4]).to_bytes().len(), 16);
    /// ```
    pub fn to_bytes(&self) -> Vec<u8> {
        self.to_array().to_vec()
    }

    /// The 16 wire bytes, without allocating.
    ///
    /// ```
    /// use nlwire_families::ovs::attrs::Ufid;
    /// assert_eq!(Ufid([1, 0, 0, 0]).to_array()[..4], 1u32.to_ne_bytes());
    /// ```
    pub fn to_array(&self) -> [u8; 16] {
        let mut out = [0u8; 16];
        for (o, p) in out.chunks_exact_mut(4).zip(self.0) {
            o.copy_from_slice(&p.to_ne_bytes());
        }
        out
    }

    /// From the wire bytes; `None` unless exactly 16.
    ///
    /// ```
    /// use nlwire_families::ovs::attrs::Ufid;
    /// assert_eq!(Ufid::from_bytes(&[0; 15]), None);
    /// assert_eq!(Ufid::from_bytes(&[0; 16]), Some(Ufid::default()));
    /// ```
    pub fn from_bytes(b: &[u8]) -> Option<Ufid> {
        let b: &[u8; 16] = b.try_into().ok()?;
        let p = |i: usize| u32::from_ne_bytes([b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3]]);
        Some(Ufid([p(0), p(1), p(2), p(3)]))
    }
}

impl core::fmt::Display for Ufid {
    /// `ufid:xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, as OVS prints it.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let p = self.0;
        write!(
            f,
            "ufid:{:08x}-{:04x}-{:04x}-{:04x}-{:04x}{:08x}",
            p[0],
            p[1] >> 16,
            p[1] & 0xffff,
            p[2] >> 16,
            p[2] & 0xffff,
            p[3]
        )
    }
}

impl core::str::FromStr for Ufid {
    type Err = super::odp::ParseError;
    fn from_str(s: &str) -> Result<Ufid, Self::Err> {
        super::odp::parse_ufid(s)
    }
}
