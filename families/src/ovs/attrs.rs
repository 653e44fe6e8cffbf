//! The OVS wire types the dpif API speaks: the schema-generated attribute sets and
//! structs of [`ovs_flow`](crate::ovs_flow), [`ovs_packet`](crate::ovs_packet),
//! [`ovs_datapath`](crate::ovs_datapath), [`ovs_vport`](crate::ovs_vport),
//! [`ovs_meter`](crate::ovs_meter) and [`ovs_ct_limit`](crate::ovs_ct_limit), re-exported
//! here, plus [`Ufid`], a flow id as OVS uses it (`u32[4]` host order, printed as a UUID).
//!
//! [`Packet`] (upcalls, execute) holds the flow family's own [`KeyAttrs`],
//! [`ActionAttrs`] and [`TunnelKeyAttrs`]: `ovs_packet` is generated with those sets taken
//! from `ovs_flow`, so an upcall's key is a flow key. [`CtLimit`] carries zone limits as a
//! packed array of [`OvsZoneLimit`] (`Vec` to encode, a `&[OvsZoneLimit]` view decoded).
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
//!
//! // The key of an upcall is this very type.
//! let p = Packet { key: Some(key.clone()), ..Default::default() };
//! let bytes = p.encode_to_vec()?;
//! assert_eq!(Packet::decode(&bytes)?.key.unwrap().into_owned(), key);
//! # Ok::<(), nlwire::Error>(())
//! ```

pub use crate::ovs_ct_limit::{CtLimit, CtLimitView, OvsZoneLimit};
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
pub use crate::ovs_packet::{Packet, PacketView};
pub use crate::ovs_vport::{OvsVportStats, Vport, VportOptions, VportView, VxlanExt};

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
