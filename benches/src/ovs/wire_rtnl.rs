//! rust-netlink (netlink-packet-core 0.9 + netlink-packet-generic 0.5).
//!
//! rust-netlink has no OVS family, so this module is what a user of it writes, in the
//! style of netlink-packet-generic's `ctrl` module and netlink-packet-route: a
//! `GenlFamily` payload type, owned `Nla` enums per attribute set (`Vec` of nested
//! enums, `DefaultNla` for the rest), `Parseable` over `NlaBuffer`/`NlasIterator`,
//! and the two-pass `buffer_len` + `emit` encoder.

use super::model::*;
use netlink_packet_core::{
    DecodeError, DefaultNla, Emitable, NLM_F_CREATE, NLM_F_REQUEST, NetlinkHeader, NetlinkMessage,
    NetlinkPayload, Nla, NlaBuffer, NlasIterator, Parseable, ParseableParametrized, emit_u16,
    emit_u16_be, emit_u32, emit_u32_be, emit_u64, emit_u64_be, parse_u8, parse_u16, parse_u16_be,
    parse_u32, parse_u32_be, parse_u64, parse_u64_be,
};
use netlink_packet_generic::{GenlFamily, GenlHeader, GenlMessage};

fn fixed<const N: usize>(v: &[u8]) -> Result<[u8; N], DecodeError> {
    v.try_into()
        .map_err(|_| DecodeError::invalid_number(N, v.len()))
}

fn parse_nested<T>(buf: &[u8]) -> Result<Vec<T>, DecodeError>
where
    T: for<'a> Parseable<NlaBuffer<&'a [u8]>>,
{
    NlasIterator::new(buf)
        .map(|nla| nla.and_then(|nla| T::parse(&nla)))
        .collect()
}

// ------------------------------------------------------------------ tunnel

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TunnelNla {
    Id(u64),
    Ipv4Src(u32),
    Ipv4Dst(u32),
    Tos(u8),
    Ttl(u8),
    DontFragment,
    Csum,
    TpSrc(u16),
    TpDst(u16),
    Other(DefaultNla),
}

impl Nla for TunnelNla {
    fn value_len(&self) -> usize {
        use TunnelNla::*;
        match self {
            Id(_) => 8,
            Ipv4Src(_) | Ipv4Dst(_) => 4,
            Tos(_) | Ttl(_) => 1,
            DontFragment | Csum => 0,
            TpSrc(_) | TpDst(_) => 2,
            Other(n) => n.value_len(),
        }
    }
    fn kind(&self) -> u16 {
        use TunnelNla::*;
        match self {
            Id(_) => tun_attr::ID,
            Ipv4Src(_) => tun_attr::IPV4_SRC,
            Ipv4Dst(_) => tun_attr::IPV4_DST,
            Tos(_) => tun_attr::TOS,
            Ttl(_) => tun_attr::TTL,
            DontFragment => tun_attr::DONT_FRAGMENT,
            Csum => tun_attr::CSUM,
            TpSrc(_) => tun_attr::TP_SRC,
            TpDst(_) => tun_attr::TP_DST,
            Other(n) => n.kind(),
        }
    }
    fn emit_value(&self, b: &mut [u8]) {
        use TunnelNla::*;
        match self {
            Id(v) => emit_u64_be(b, *v).unwrap(),
            Ipv4Src(v) | Ipv4Dst(v) => emit_u32_be(b, *v).unwrap(),
            Tos(v) | Ttl(v) => b[0] = *v,
            DontFragment | Csum => {}
            TpSrc(v) | TpDst(v) => emit_u16_be(b, *v).unwrap(),
            Other(n) => n.emit_value(b),
        }
    }
}

impl<'a, T: AsRef<[u8]> + ?Sized> Parseable<NlaBuffer<&'a T>> for TunnelNla {
    fn parse(buf: &NlaBuffer<&'a T>) -> Result<Self, DecodeError> {
        let v = buf.value();
        Ok(match buf.kind() {
            tun_attr::ID => TunnelNla::Id(parse_u64_be(v)?),
            tun_attr::IPV4_SRC => TunnelNla::Ipv4Src(parse_u32_be(v)?),
            tun_attr::IPV4_DST => TunnelNla::Ipv4Dst(parse_u32_be(v)?),
            tun_attr::TOS => TunnelNla::Tos(parse_u8(v)?),
            tun_attr::TTL => TunnelNla::Ttl(parse_u8(v)?),
            tun_attr::DONT_FRAGMENT => TunnelNla::DontFragment,
            tun_attr::CSUM => TunnelNla::Csum,
            tun_attr::TP_SRC => TunnelNla::TpSrc(parse_u16_be(v)?),
            tun_attr::TP_DST => TunnelNla::TpDst(parse_u16_be(v)?),
            _ => TunnelNla::Other(DefaultNla::parse(buf)?),
        })
    }
}

// ------------------------------------------------------------------ key

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyNla {
    Priority(u32),
    InPort(u32),
    SkbMark(u32),
    RecircId(u32),
    DpHash(u32),
    CtState(u32),
    CtZone(u16),
    CtMark(u32),
    CtLabels([u8; 16]),
    Ethernet {
        src: [u8; 6],
        dst: [u8; 6],
    },
    Vlan(u16),
    Ethertype(u16),
    Ipv4 {
        src: u32,
        dst: u32,
        proto: u8,
        tos: u8,
        ttl: u8,
        frag: u8,
    },
    Ipv6 {
        src: [u8; 16],
        dst: [u8; 16],
        label: u32,
        proto: u8,
        tclass: u8,
        hlimit: u8,
        frag: u8,
    },
    Tcp {
        src: u16,
        dst: u16,
    },
    Udp {
        src: u16,
        dst: u16,
    },
    TcpFlags(u16),
    Tunnel(Vec<TunnelNla>),
    Other(DefaultNla),
}

impl Nla for KeyNla {
    fn value_len(&self) -> usize {
        use KeyNla::*;
        match self {
            Priority(_) | InPort(_) | SkbMark(_) | RecircId(_) | DpHash(_) | CtState(_)
            | CtMark(_) => 4,
            CtZone(_) | Vlan(_) | Ethertype(_) | TcpFlags(_) => 2,
            CtLabels(_) => 16,
            Ethernet { .. } | Ipv4 { .. } => 12,
            Ipv6 { .. } => 40,
            Tcp { .. } | Udp { .. } => 4,
            Tunnel(t) => t.as_slice().buffer_len(),
            Other(n) => n.value_len(),
        }
    }
    fn kind(&self) -> u16 {
        use key_attr::*;
        match self {
            KeyNla::Priority(_) => PRIORITY,
            KeyNla::InPort(_) => IN_PORT,
            KeyNla::SkbMark(_) => SKB_MARK,
            KeyNla::RecircId(_) => RECIRC_ID,
            KeyNla::DpHash(_) => DP_HASH,
            KeyNla::CtState(_) => CT_STATE,
            KeyNla::CtZone(_) => CT_ZONE,
            KeyNla::CtMark(_) => CT_MARK,
            KeyNla::CtLabels(_) => CT_LABELS,
            KeyNla::Ethernet { .. } => ETHERNET,
            KeyNla::Vlan(_) => VLAN,
            KeyNla::Ethertype(_) => ETHERTYPE,
            KeyNla::Ipv4 { .. } => IPV4,
            KeyNla::Ipv6 { .. } => IPV6,
            KeyNla::Tcp { .. } => TCP,
            KeyNla::Udp { .. } => UDP,
            KeyNla::TcpFlags(_) => TCP_FLAGS,
            KeyNla::Tunnel(_) => TUNNEL,
            KeyNla::Other(n) => n.kind(),
        }
    }
    fn emit_value(&self, b: &mut [u8]) {
        use KeyNla::*;
        match self {
            Priority(v) | InPort(v) | SkbMark(v) | RecircId(v) | DpHash(v) | CtState(v)
            | CtMark(v) => emit_u32(b, *v).unwrap(),
            CtZone(v) => emit_u16(b, *v).unwrap(),
            Vlan(v) | Ethertype(v) | TcpFlags(v) => emit_u16_be(b, *v).unwrap(),
            CtLabels(l) => b[..16].copy_from_slice(l),
            Ethernet { src, dst } => {
                b[..6].copy_from_slice(src);
                b[6..12].copy_from_slice(dst);
            }
            Ipv4 {
                src,
                dst,
                proto,
                tos,
                ttl,
                frag,
            } => {
                emit_u32_be(&mut b[0..4], *src).unwrap();
                emit_u32_be(&mut b[4..8], *dst).unwrap();
                b[8..12].copy_from_slice(&[*proto, *tos, *ttl, *frag]);
            }
            Ipv6 {
                src,
                dst,
                label,
                proto,
                tclass,
                hlimit,
                frag,
            } => {
                b[0..16].copy_from_slice(src);
                b[16..32].copy_from_slice(dst);
                emit_u32_be(&mut b[32..36], *label).unwrap();
                b[36..40].copy_from_slice(&[*proto, *tclass, *hlimit, *frag]);
            }
            Tcp { src, dst } | Udp { src, dst } => {
                emit_u16_be(&mut b[0..2], *src).unwrap();
                emit_u16_be(&mut b[2..4], *dst).unwrap();
            }
            Tunnel(t) => t.as_slice().emit(b),
            Other(n) => n.emit_value(b),
        }
    }
}

impl<'a, T: AsRef<[u8]> + ?Sized> Parseable<NlaBuffer<&'a T>> for KeyNla {
    fn parse(buf: &NlaBuffer<&'a T>) -> Result<Self, DecodeError> {
        use key_attr::*;
        let v = buf.value();
        Ok(match buf.kind() {
            PRIORITY => KeyNla::Priority(parse_u32(v)?),
            IN_PORT => KeyNla::InPort(parse_u32(v)?),
            SKB_MARK => KeyNla::SkbMark(parse_u32(v)?),
            RECIRC_ID => KeyNla::RecircId(parse_u32(v)?),
            DP_HASH => KeyNla::DpHash(parse_u32(v)?),
            CT_STATE => KeyNla::CtState(parse_u32(v)?),
            CT_ZONE => KeyNla::CtZone(parse_u16(v)?),
            CT_MARK => KeyNla::CtMark(parse_u32(v)?),
            CT_LABELS => KeyNla::CtLabels(fixed(v)?),
            ETHERNET => {
                let e: [u8; 12] = fixed(v)?;
                KeyNla::Ethernet {
                    src: e[..6].try_into().unwrap(),
                    dst: e[6..].try_into().unwrap(),
                }
            }
            VLAN => KeyNla::Vlan(parse_u16_be(v)?),
            ETHERTYPE => KeyNla::Ethertype(parse_u16_be(v)?),
            IPV4 => {
                let p: [u8; 12] = fixed(v)?;
                KeyNla::Ipv4 {
                    src: parse_u32_be(&p[0..4])?,
                    dst: parse_u32_be(&p[4..8])?,
                    proto: p[8],
                    tos: p[9],
                    ttl: p[10],
                    frag: p[11],
                }
            }
            IPV6 => {
                let p: [u8; 40] = fixed(v)?;
                KeyNla::Ipv6 {
                    src: p[0..16].try_into().unwrap(),
                    dst: p[16..32].try_into().unwrap(),
                    label: parse_u32_be(&p[32..36])?,
                    proto: p[36],
                    tclass: p[37],
                    hlimit: p[38],
                    frag: p[39],
                }
            }
            TCP | UDP => {
                let p: [u8; 4] = fixed(v)?;
                let (src, dst) = (parse_u16_be(&p[0..2])?, parse_u16_be(&p[2..4])?);
                if buf.kind() == TCP {
                    KeyNla::Tcp { src, dst }
                } else {
                    KeyNla::Udp { src, dst }
                }
            }
            TCP_FLAGS => KeyNla::TcpFlags(parse_u16_be(v)?),
            TUNNEL => KeyNla::Tunnel(parse_nested(v)?),
            _ => KeyNla::Other(DefaultNla::parse(buf)?),
        })
    }
}

// ------------------------------------------------------------------ actions

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UserspaceNla {
    Pid(u32),
    Userdata(Vec<u8>),
    Actions,
    Other(DefaultNla),
}

impl Nla for UserspaceNla {
    fn value_len(&self) -> usize {
        match self {
            UserspaceNla::Pid(_) => 4,
            UserspaceNla::Userdata(d) => d.len(),
            UserspaceNla::Actions => 0,
            UserspaceNla::Other(n) => n.value_len(),
        }
    }
    fn kind(&self) -> u16 {
        match self {
            UserspaceNla::Pid(_) => userspace_attr::PID,
            UserspaceNla::Userdata(_) => userspace_attr::USERDATA,
            UserspaceNla::Actions => userspace_attr::ACTIONS,
            UserspaceNla::Other(n) => n.kind(),
        }
    }
    fn emit_value(&self, b: &mut [u8]) {
        match self {
            UserspaceNla::Pid(v) => emit_u32(b, *v).unwrap(),
            UserspaceNla::Userdata(d) => b[..d.len()].copy_from_slice(d),
            UserspaceNla::Actions => {}
            UserspaceNla::Other(n) => n.emit_value(b),
        }
    }
}

impl<'a, T: AsRef<[u8]> + ?Sized> Parseable<NlaBuffer<&'a T>> for UserspaceNla {
    fn parse(buf: &NlaBuffer<&'a T>) -> Result<Self, DecodeError> {
        let v = buf.value();
        Ok(match buf.kind() {
            userspace_attr::PID => UserspaceNla::Pid(parse_u32(v)?),
            userspace_attr::USERDATA => UserspaceNla::Userdata(v.to_vec()),
            userspace_attr::ACTIONS => UserspaceNla::Actions,
            _ => UserspaceNla::Other(DefaultNla::parse(buf)?),
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CtNla {
    Commit,
    Zone(u16),
    Other(DefaultNla),
}

impl Nla for CtNla {
    fn value_len(&self) -> usize {
        match self {
            CtNla::Commit => 0,
            CtNla::Zone(_) => 2,
            CtNla::Other(n) => n.value_len(),
        }
    }
    fn kind(&self) -> u16 {
        match self {
            CtNla::Commit => ct_attr::COMMIT,
            CtNla::Zone(_) => ct_attr::ZONE,
            CtNla::Other(n) => n.kind(),
        }
    }
    fn emit_value(&self, b: &mut [u8]) {
        match self {
            CtNla::Commit => {}
            CtNla::Zone(z) => emit_u16(b, *z).unwrap(),
            CtNla::Other(n) => n.emit_value(b),
        }
    }
}

impl<'a, T: AsRef<[u8]> + ?Sized> Parseable<NlaBuffer<&'a T>> for CtNla {
    fn parse(buf: &NlaBuffer<&'a T>) -> Result<Self, DecodeError> {
        Ok(match buf.kind() {
            ct_attr::COMMIT => CtNla::Commit,
            ct_attr::ZONE => CtNla::Zone(parse_u16(buf.value())?),
            _ => CtNla::Other(DefaultNla::parse(buf)?),
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ActionNla {
    Output(u32),
    Userspace(Vec<UserspaceNla>),
    Set(Vec<KeyNla>),
    PushVlan { tpid: u16, tci: u16 },
    PopVlan,
    Recirc(u32),
    Ct(Vec<CtNla>),
    Other(DefaultNla),
}

impl Nla for ActionNla {
    fn value_len(&self) -> usize {
        use ActionNla::*;
        match self {
            Output(_) | Recirc(_) | PushVlan { .. } => 4,
            PopVlan => 0,
            Userspace(v) => v.as_slice().buffer_len(),
            Set(v) => v.as_slice().buffer_len(),
            Ct(v) => v.as_slice().buffer_len(),
            Other(n) => n.value_len(),
        }
    }
    fn kind(&self) -> u16 {
        use action_attr::*;
        match self {
            ActionNla::Output(_) => OUTPUT,
            ActionNla::Userspace(_) => USERSPACE,
            ActionNla::Set(_) => SET,
            ActionNla::PushVlan { .. } => PUSH_VLAN,
            ActionNla::PopVlan => POP_VLAN,
            ActionNla::Recirc(_) => RECIRC,
            ActionNla::Ct(_) => CT,
            ActionNla::Other(n) => n.kind(),
        }
    }
    fn emit_value(&self, b: &mut [u8]) {
        use ActionNla::*;
        match self {
            Output(v) | Recirc(v) => emit_u32(b, *v).unwrap(),
            PushVlan { tpid, tci } => {
                emit_u16_be(&mut b[0..2], *tpid).unwrap();
                emit_u16_be(&mut b[2..4], *tci).unwrap();
            }
            PopVlan => {}
            Userspace(v) => v.as_slice().emit(b),
            Set(v) => v.as_slice().emit(b),
            Ct(v) => v.as_slice().emit(b),
            Other(n) => n.emit_value(b),
        }
    }
}

impl<'a, T: AsRef<[u8]> + ?Sized> Parseable<NlaBuffer<&'a T>> for ActionNla {
    fn parse(buf: &NlaBuffer<&'a T>) -> Result<Self, DecodeError> {
        use action_attr::*;
        let v = buf.value();
        Ok(match buf.kind() {
            OUTPUT => ActionNla::Output(parse_u32(v)?),
            RECIRC => ActionNla::Recirc(parse_u32(v)?),
            POP_VLAN => ActionNla::PopVlan,
            PUSH_VLAN => {
                let p: [u8; 4] = fixed(v)?;
                ActionNla::PushVlan {
                    tpid: parse_u16_be(&p[0..2])?,
                    tci: parse_u16_be(&p[2..4])?,
                }
            }
            USERSPACE => ActionNla::Userspace(parse_nested(v)?),
            SET => ActionNla::Set(parse_nested(v)?),
            CT => ActionNla::Ct(parse_nested(v)?),
            _ => ActionNla::Other(DefaultNla::parse(buf)?),
        })
    }
}

// ------------------------------------------------------------------ flow

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FlowNla {
    Ufid([u8; 16]),
    Key(Vec<KeyNla>),
    Mask(Vec<KeyNla>),
    Stats { n_packets: u64, n_bytes: u64 },
    Used(u64),
    TcpFlags(u8),
    Actions(Vec<ActionNla>),
    Other(DefaultNla),
}

impl Nla for FlowNla {
    fn value_len(&self) -> usize {
        use FlowNla::*;
        match self {
            Ufid(_) | Stats { .. } => 16,
            Used(_) => 8,
            TcpFlags(_) => 1,
            Key(v) | Mask(v) => v.as_slice().buffer_len(),
            Actions(v) => v.as_slice().buffer_len(),
            Other(n) => n.value_len(),
        }
    }
    fn kind(&self) -> u16 {
        use flow_attr::*;
        match self {
            FlowNla::Ufid(_) => UFID,
            FlowNla::Key(_) => KEY,
            FlowNla::Mask(_) => MASK,
            FlowNla::Stats { .. } => STATS,
            FlowNla::Used(_) => USED,
            FlowNla::TcpFlags(_) => TCP_FLAGS,
            FlowNla::Actions(_) => ACTIONS,
            FlowNla::Other(n) => n.kind(),
        }
    }
    fn emit_value(&self, b: &mut [u8]) {
        use FlowNla::*;
        match self {
            Ufid(u) => b[..16].copy_from_slice(u),
            Stats { n_packets, n_bytes } => {
                emit_u64(&mut b[0..8], *n_packets).unwrap();
                emit_u64(&mut b[8..16], *n_bytes).unwrap();
            }
            Used(v) => emit_u64(b, *v).unwrap(),
            TcpFlags(v) => b[0] = *v,
            Key(v) | Mask(v) => v.as_slice().emit(b),
            Actions(v) => v.as_slice().emit(b),
            Other(n) => n.emit_value(b),
        }
    }
}

impl<'a, T: AsRef<[u8]> + ?Sized> Parseable<NlaBuffer<&'a T>> for FlowNla {
    fn parse(buf: &NlaBuffer<&'a T>) -> Result<Self, DecodeError> {
        use flow_attr::*;
        let v = buf.value();
        Ok(match buf.kind() {
            UFID => FlowNla::Ufid(fixed(v)?),
            KEY => FlowNla::Key(parse_nested(v)?),
            MASK => FlowNla::Mask(parse_nested(v)?),
            STATS => {
                let p: [u8; 16] = fixed(v)?;
                FlowNla::Stats {
                    n_packets: parse_u64(&p[..8])?,
                    n_bytes: parse_u64(&p[8..])?,
                }
            }
            USED => FlowNla::Used(parse_u64(v)?),
            TCP_FLAGS => FlowNla::TcpFlags(parse_u8(v)?),
            ACTIONS => FlowNla::Actions(parse_nested(v)?),
            _ => FlowNla::Other(DefaultNla::parse(buf)?),
        })
    }
}

/// The ovs_flow family payload: ovs_header plus attributes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OvsFlowMessage {
    pub cmd: u8,
    pub dp_ifindex: u32,
    pub nlas: Vec<FlowNla>,
}

impl GenlFamily for OvsFlowMessage {
    fn family_name() -> &'static str {
        "ovs_flow"
    }
    fn command(&self) -> u8 {
        self.cmd
    }
    fn version(&self) -> u8 {
        OVS_FLOW_VERSION
    }
}

impl Emitable for OvsFlowMessage {
    fn buffer_len(&self) -> usize {
        4 + self.nlas.as_slice().buffer_len()
    }
    fn emit(&self, buffer: &mut [u8]) {
        emit_u32(&mut buffer[..4], self.dp_ifindex).unwrap();
        self.nlas.as_slice().emit(&mut buffer[4..]);
    }
}

impl ParseableParametrized<[u8], GenlHeader> for OvsFlowMessage {
    fn parse_with_param(buf: &[u8], header: GenlHeader) -> Result<Self, DecodeError> {
        if buf.len() < 4 {
            return Err(DecodeError::invalid_number(4, buf.len()));
        }
        Ok(OvsFlowMessage {
            cmd: header.cmd,
            dp_ifindex: parse_u32(&buf[..4])?,
            nlas: parse_nested(&buf[4..])?,
        })
    }
}

// ------------------------------------------------------------------ decode

fn tunnel_into(nlas: &[TunnelNla], t: &mut TunnelKey) {
    use tun_attr::*;
    for n in nlas {
        let ty = match n {
            TunnelNla::Id(v) => {
                t.id = *v;
                ID
            }
            TunnelNla::Ipv4Src(v) => {
                t.ipv4_src = *v;
                IPV4_SRC
            }
            TunnelNla::Ipv4Dst(v) => {
                t.ipv4_dst = *v;
                IPV4_DST
            }
            TunnelNla::Tos(v) => {
                t.tos = *v;
                TOS
            }
            TunnelNla::Ttl(v) => {
                t.ttl = *v;
                TTL
            }
            TunnelNla::DontFragment => DONT_FRAGMENT,
            TunnelNla::Csum => CSUM,
            TunnelNla::TpSrc(v) => {
                t.tp_src = *v;
                TP_SRC
            }
            TunnelNla::TpDst(v) => {
                t.tp_dst = *v;
                TP_DST
            }
            TunnelNla::Other(_) => continue,
        };
        t.present |= 1 << ty;
    }
}

fn key_into(nlas: &[KeyNla], k: &mut FlowKey) {
    use key_attr::*;
    for n in nlas {
        let ty = match n {
            KeyNla::Priority(v) => {
                k.priority = *v;
                PRIORITY
            }
            KeyNla::InPort(v) => {
                k.in_port = *v;
                IN_PORT
            }
            KeyNla::SkbMark(v) => {
                k.skb_mark = *v;
                SKB_MARK
            }
            KeyNla::RecircId(v) => {
                k.recirc_id = *v;
                RECIRC_ID
            }
            KeyNla::DpHash(v) => {
                k.dp_hash = *v;
                DP_HASH
            }
            KeyNla::CtState(v) => {
                k.ct_state = *v;
                CT_STATE
            }
            KeyNla::CtZone(v) => {
                k.ct_zone = *v;
                CT_ZONE
            }
            KeyNla::CtMark(v) => {
                k.ct_mark = *v;
                CT_MARK
            }
            KeyNla::CtLabels(v) => {
                k.ct_labels = *v;
                CT_LABELS
            }
            KeyNla::Ethernet { src, dst } => {
                k.eth_src = *src;
                k.eth_dst = *dst;
                ETHERNET
            }
            KeyNla::Vlan(v) => {
                k.vlan_tci = *v;
                VLAN
            }
            KeyNla::Ethertype(v) => {
                k.eth_type = *v;
                ETHERTYPE
            }
            KeyNla::Ipv4 {
                src,
                dst,
                proto,
                tos,
                ttl,
                frag,
            } => {
                k.ipv4_src = *src;
                k.ipv4_dst = *dst;
                k.ip_proto = *proto;
                k.ip_tos = *tos;
                k.ip_ttl = *ttl;
                k.ip_frag = *frag;
                IPV4
            }
            KeyNla::Ipv6 {
                src,
                dst,
                label,
                proto,
                tclass,
                hlimit,
                frag,
            } => {
                k.ipv6_src = *src;
                k.ipv6_dst = *dst;
                k.ipv6_label = *label;
                k.ip_proto = *proto;
                k.ip_tos = *tclass;
                k.ip_ttl = *hlimit;
                k.ip_frag = *frag;
                IPV6
            }
            KeyNla::Tcp { src, dst } => {
                k.tp_src = *src;
                k.tp_dst = *dst;
                TCP
            }
            KeyNla::Udp { src, dst } => {
                k.tp_src = *src;
                k.tp_dst = *dst;
                UDP
            }
            KeyNla::TcpFlags(v) => {
                k.tcp_flags = *v;
                TCP_FLAGS
            }
            KeyNla::Tunnel(t) => {
                tunnel_into(t, &mut k.tunnel);
                TUNNEL
            }
            KeyNla::Other(_) => continue,
        };
        k.present |= 1 << ty;
    }
}

fn actions_into(nlas: &[ActionNla], f: &mut Flow) {
    use action_attr::*;
    for n in nlas {
        let act = match n {
            ActionNla::Output(p) => Action {
                kind: OUTPUT,
                sub: 0,
                arg: *p,
            },
            ActionNla::Recirc(id) => Action {
                kind: RECIRC,
                sub: 0,
                arg: *id,
            },
            ActionNla::PopVlan => Action {
                kind: POP_VLAN,
                sub: 0,
                arg: 0,
            },
            ActionNla::PushVlan { tpid, tci } => Action {
                kind: PUSH_VLAN,
                sub: *tpid,
                arg: *tci as u32,
            },
            ActionNla::Userspace(us) => {
                let mut act = Action {
                    kind: USERSPACE,
                    sub: 0,
                    arg: 0,
                };
                for u in us {
                    match u {
                        UserspaceNla::Pid(p) => act.arg = *p,
                        UserspaceNla::Userdata(d) => {
                            f.set_userdata(d);
                        }
                        UserspaceNla::Actions => act.sub |= 1,
                        UserspaceNla::Other(_) => {}
                    }
                }
                f.upcall_pid = act.arg;
                act
            }
            ActionNla::Set(keys) => {
                let Some(k) = keys.first() else { continue };
                if let KeyNla::Tunnel(t) = k {
                    tunnel_into(t, &mut f.set_tunnel);
                }
                Action {
                    kind: SET,
                    sub: k.kind(),
                    arg: 0,
                }
            }
            ActionNla::Ct(ct) => {
                let mut act = Action {
                    kind: CT,
                    sub: 0,
                    arg: 0,
                };
                for c in ct {
                    match c {
                        CtNla::Commit => act.sub |= 1,
                        CtNla::Zone(z) => act.arg = *z as u32,
                        CtNla::Other(_) => {}
                    }
                }
                act
            }
            ActionNla::Other(_) => continue,
        };
        f.push_action(act);
    }
}

/// Copies a parsed message into the common record.
pub fn flow_from(m: &OvsFlowMessage) -> Flow {
    let mut f = Flow {
        dp_ifindex: m.dp_ifindex,
        ..Flow::default()
    };
    for n in &m.nlas {
        let t = match n {
            FlowNla::Ufid(u) => {
                f.ufid = *u;
                flow_attr::UFID
            }
            FlowNla::Key(k) => {
                key_into(k, &mut f.key);
                flow_attr::KEY
            }
            FlowNla::Mask(k) => {
                key_into(k, &mut f.mask);
                flow_attr::MASK
            }
            FlowNla::Stats { n_packets, n_bytes } => {
                f.n_packets = *n_packets;
                f.n_bytes = *n_bytes;
                flow_attr::STATS
            }
            FlowNla::Used(u) => {
                f.used = *u;
                flow_attr::USED
            }
            FlowNla::TcpFlags(t) => {
                f.tcp_flags = *t;
                flow_attr::TCP_FLAGS
            }
            FlowNla::Actions(a) => {
                actions_into(a, &mut f);
                flow_attr::ACTIONS
            }
            FlowNla::Other(_) => continue,
        };
        f.attrs |= 1 << t;
    }
    f
}

/// Decodes every flow of a dump-reply datagram (one `NetlinkMessage::deserialize` per
/// message, as netlink-proto does), handing each to `sink`.
pub fn decode_dump(datagram: &[u8], mut sink: impl FnMut(&Flow)) -> Result<usize, DecodeError> {
    let mut n = 0;
    let mut pos = 0;
    while pos < datagram.len() {
        let m = NetlinkMessage::<GenlMessage<OvsFlowMessage>>::deserialize(&datagram[pos..])?;
        pos += (m.header.length as usize + 3) & !3;
        match m.payload {
            NetlinkPayload::InnerMessage(g) => {
                sink(&flow_from(&g.payload));
                n += 1;
            }
            NetlinkPayload::Done(_) => break,
            NetlinkPayload::Error(e) => return Err(DecodeError::from(format!("{e}"))),
            _ => {}
        }
    }
    Ok(n)
}

// ------------------------------------------------------------------ encode

fn has(present: u32, t: u16) -> bool {
    present & (1 << t) != 0
}

fn tunnel_nlas(t: &TunnelKey) -> Vec<TunnelNla> {
    use tun_attr::*;
    let p = t.present as u32;
    let mut v = Vec::new();
    if has(p, ID) {
        v.push(TunnelNla::Id(t.id));
    }
    if has(p, IPV4_SRC) {
        v.push(TunnelNla::Ipv4Src(t.ipv4_src));
    }
    if has(p, IPV4_DST) {
        v.push(TunnelNla::Ipv4Dst(t.ipv4_dst));
    }
    if has(p, TOS) {
        v.push(TunnelNla::Tos(t.tos));
    }
    if has(p, TTL) {
        v.push(TunnelNla::Ttl(t.ttl));
    }
    if has(p, DONT_FRAGMENT) {
        v.push(TunnelNla::DontFragment);
    }
    if has(p, CSUM) {
        v.push(TunnelNla::Csum);
    }
    if has(p, TP_SRC) {
        v.push(TunnelNla::TpSrc(t.tp_src));
    }
    if has(p, TP_DST) {
        v.push(TunnelNla::TpDst(t.tp_dst));
    }
    v
}

fn key_nlas(k: &FlowKey) -> Vec<KeyNla> {
    use key_attr::*;
    let p = k.present;
    let mut v = Vec::new();
    if has(p, RECIRC_ID) {
        v.push(KeyNla::RecircId(k.recirc_id));
    }
    if has(p, DP_HASH) {
        v.push(KeyNla::DpHash(k.dp_hash));
    }
    if has(p, PRIORITY) {
        v.push(KeyNla::Priority(k.priority));
    }
    if has(p, TUNNEL) {
        v.push(KeyNla::Tunnel(tunnel_nlas(&k.tunnel)));
    }
    if has(p, IN_PORT) {
        v.push(KeyNla::InPort(k.in_port));
    }
    if has(p, SKB_MARK) {
        v.push(KeyNla::SkbMark(k.skb_mark));
    }
    if has(p, CT_STATE) {
        v.push(KeyNla::CtState(k.ct_state));
    }
    if has(p, CT_ZONE) {
        v.push(KeyNla::CtZone(k.ct_zone));
    }
    if has(p, CT_MARK) {
        v.push(KeyNla::CtMark(k.ct_mark));
    }
    if has(p, CT_LABELS) {
        v.push(KeyNla::CtLabels(k.ct_labels));
    }
    if has(p, ETHERNET) {
        v.push(KeyNla::Ethernet {
            src: k.eth_src,
            dst: k.eth_dst,
        });
    }
    if has(p, VLAN) {
        v.push(KeyNla::Vlan(k.vlan_tci));
    }
    if has(p, ETHERTYPE) {
        v.push(KeyNla::Ethertype(k.eth_type));
    }
    if has(p, IPV4) {
        v.push(KeyNla::Ipv4 {
            src: k.ipv4_src,
            dst: k.ipv4_dst,
            proto: k.ip_proto,
            tos: k.ip_tos,
            ttl: k.ip_ttl,
            frag: k.ip_frag,
        });
    }
    if has(p, IPV6) {
        v.push(KeyNla::Ipv6 {
            src: k.ipv6_src,
            dst: k.ipv6_dst,
            label: k.ipv6_label,
            proto: k.ip_proto,
            tclass: k.ip_tos,
            hlimit: k.ip_ttl,
            frag: k.ip_frag,
        });
    }
    if has(p, TCP) {
        v.push(KeyNla::Tcp {
            src: k.tp_src,
            dst: k.tp_dst,
        });
    }
    if has(p, UDP) {
        v.push(KeyNla::Udp {
            src: k.tp_src,
            dst: k.tp_dst,
        });
    }
    if has(p, TCP_FLAGS) {
        v.push(KeyNla::TcpFlags(k.tcp_flags));
    }
    v
}

fn action_nlas(f: &Flow) -> Vec<ActionNla> {
    use action_attr::*;
    f.actions()
        .iter()
        .map(|a| match a.kind {
            OUTPUT => ActionNla::Output(a.arg),
            RECIRC => ActionNla::Recirc(a.arg),
            POP_VLAN => ActionNla::PopVlan,
            PUSH_VLAN => ActionNla::PushVlan {
                tpid: a.sub,
                tci: a.arg as u16,
            },
            USERSPACE => {
                let mut u = vec![
                    UserspaceNla::Pid(a.arg),
                    UserspaceNla::Userdata(f.userdata[..f.userdata_len as usize].to_vec()),
                ];
                if a.sub & 1 != 0 {
                    u.push(UserspaceNla::Actions);
                }
                ActionNla::Userspace(u)
            }
            SET => ActionNla::Set(vec![KeyNla::Tunnel(tunnel_nlas(&f.set_tunnel))]),
            CT => {
                let mut c = Vec::new();
                if a.sub & 1 != 0 {
                    c.push(CtNla::Commit);
                }
                c.push(CtNla::Zone(a.arg as u16));
                ActionNla::Ct(c)
            }
            _ => unreachable!(),
        })
        .collect()
}

/// Builds the typed OVS_FLOW_CMD_NEW message for `f`.
pub fn put_msg(f: &Flow, seq: u32) -> NetlinkMessage<GenlMessage<OvsFlowMessage>> {
    let payload = OvsFlowMessage {
        cmd: OVS_FLOW_CMD_NEW,
        dp_ifindex: f.dp_ifindex,
        nlas: vec![
            FlowNla::Ufid(f.ufid),
            FlowNla::Key(key_nlas(&f.key)),
            FlowNla::Mask(key_nlas(&f.mask)),
            FlowNla::Actions(action_nlas(f)),
        ],
    };
    let mut genl = GenlMessage::from_payload(payload);
    genl.set_resolved_family_id(OVS_FLOW_FAMILY);
    let mut header = NetlinkHeader::default();
    header.flags = NLM_F_REQUEST | NLM_F_CREATE;
    header.sequence_number = seq;
    let mut m = NetlinkMessage::new(header, NetlinkPayload::from(genl));
    m.finalize();
    m
}

/// Encodes one OVS_FLOW_CMD_NEW per flow, back to back, into `buf` (cleared first):
/// build the typed message, `buffer_len()`, grow the buffer, `serialize()`.
pub fn encode_puts(buf: &mut Vec<u8>, flows: &[Flow]) {
    buf.clear();
    for (i, f) in flows.iter().enumerate() {
        let m = put_msg(f, i as u32 + 1);
        let start = buf.len();
        let len = m.buffer_len();
        buf.resize(start + len, 0);
        m.serialize(&mut buf[start..]);
    }
}
