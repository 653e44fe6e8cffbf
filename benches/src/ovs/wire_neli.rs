//! neli 0.7.5: messages parsed with `Nlmsghdr::from_bytes` into owned
//! `Genlmsghdr` + `GenlBuffer` (every attribute payload a `Vec<u8>`), nested sets
//! re-parsed with `get_attr_handle`, scalars read with `get_payload_as`.
//! Encoding builds `Nlattr` trees with the builders and `nest()`, then `to_bytes`.

use std::io::Cursor;

use super::model::*;
use neli::attr::Attribute;
use neli::consts::nl::NlmF;
use neli::err::{DeError, SerError};
use neli::genl::{AttrTypeBuilder, Genlmsghdr, GenlmsghdrBuilder, Nlattr, NlattrBuilder};
use neli::nl::{NlPayload, Nlmsghdr, NlmsghdrBuilder};
use neli::types::{Buffer, GenlBuffer};
use neli::{BeU64, FromBytes, Size, ToBytes, TypeSize};

/// `struct ovs_header` as a neli user header.
#[derive(Clone, Debug, PartialEq, Eq, neli::Size, neli::ToBytes, neli::FromBytes)]
pub struct NeliOvsHeader {
    pub dp_ifindex: u32,
}

impl TypeSize for NeliOvsHeader {
    fn type_size() -> usize {
        4
    }
}

type Attr = Nlattr<u16, Buffer>;
type FlowMsg = Nlmsghdr<u16, Genlmsghdr<u8, u16, NeliOvsHeader>>;

#[derive(Debug)]
pub enum NeliError {
    De(DeError),
    Ser(SerError),
    Build(String),
    Framing(&'static str),
}

impl From<DeError> for NeliError {
    fn from(e: DeError) -> Self {
        NeliError::De(e)
    }
}
impl From<SerError> for NeliError {
    fn from(e: SerError) -> Self {
        NeliError::Ser(e)
    }
}

type R<T> = Result<T, NeliError>;

fn ty(a: &Attr) -> u16 {
    *a.nla_type().nla_type()
}

fn be16(a: &Attr) -> R<u16> {
    Ok(u16::from_be(a.get_payload_as::<u16>()?))
}

fn be32(a: &Attr) -> R<u32> {
    Ok(u32::from_be(a.get_payload_as::<u32>()?))
}

fn bytes<const N: usize>(a: &Attr) -> R<&[u8; N]> {
    a.nla_payload()
        .as_ref()
        .try_into()
        .map_err(|_| NeliError::Framing("struct length"))
}

fn decode_tunnel(nest: &Attr, t: &mut TunnelKey) -> R<()> {
    use tun_attr::*;
    let h = nest.get_attr_handle::<u16>()?;
    for a in h.iter() {
        let k = ty(a);
        match k {
            ID => t.id = a.get_payload_as::<BeU64>()?.as_ne_u64(),
            IPV4_SRC => t.ipv4_src = be32(a)?,
            IPV4_DST => t.ipv4_dst = be32(a)?,
            TOS => t.tos = a.get_payload_as::<u8>()?,
            TTL => t.ttl = a.get_payload_as::<u8>()?,
            DONT_FRAGMENT | CSUM => {}
            TP_SRC => t.tp_src = be16(a)?,
            TP_DST => t.tp_dst = be16(a)?,
            _ => continue,
        }
        t.present |= 1 << k;
    }
    Ok(())
}

fn decode_key(nest: &Attr, k: &mut FlowKey) -> R<()> {
    use key_attr::*;
    let h = nest.get_attr_handle::<u16>()?;
    for a in h.iter() {
        let t = ty(a);
        match t {
            PRIORITY => k.priority = a.get_payload_as::<u32>()?,
            IN_PORT => k.in_port = a.get_payload_as::<u32>()?,
            SKB_MARK => k.skb_mark = a.get_payload_as::<u32>()?,
            RECIRC_ID => k.recirc_id = a.get_payload_as::<u32>()?,
            DP_HASH => k.dp_hash = a.get_payload_as::<u32>()?,
            CT_STATE => k.ct_state = a.get_payload_as::<u32>()?,
            CT_ZONE => k.ct_zone = a.get_payload_as::<u16>()?,
            CT_MARK => k.ct_mark = a.get_payload_as::<u32>()?,
            CT_LABELS => k.ct_labels = *bytes::<16>(a)?,
            ETHERNET => {
                let p = bytes::<12>(a)?;
                k.eth_src.copy_from_slice(&p[..6]);
                k.eth_dst.copy_from_slice(&p[6..]);
            }
            VLAN => k.vlan_tci = be16(a)?,
            ETHERTYPE => k.eth_type = be16(a)?,
            IPV4 => {
                let p = bytes::<12>(a)?;
                k.ipv4_src = u32::from_be_bytes(p[0..4].try_into().unwrap());
                k.ipv4_dst = u32::from_be_bytes(p[4..8].try_into().unwrap());
                k.ip_proto = p[8];
                k.ip_tos = p[9];
                k.ip_ttl = p[10];
                k.ip_frag = p[11];
            }
            IPV6 => {
                let p = bytes::<40>(a)?;
                k.ipv6_src.copy_from_slice(&p[0..16]);
                k.ipv6_dst.copy_from_slice(&p[16..32]);
                k.ipv6_label = u32::from_be_bytes(p[32..36].try_into().unwrap());
                k.ip_proto = p[36];
                k.ip_tos = p[37];
                k.ip_ttl = p[38];
                k.ip_frag = p[39];
            }
            TCP | UDP => {
                let p = bytes::<4>(a)?;
                k.tp_src = u16::from_be_bytes([p[0], p[1]]);
                k.tp_dst = u16::from_be_bytes([p[2], p[3]]);
            }
            TCP_FLAGS => k.tcp_flags = be16(a)?,
            TUNNEL => decode_tunnel(a, &mut k.tunnel)?,
            _ => continue,
        }
        k.present |= 1 << t;
    }
    Ok(())
}

fn decode_actions(nest: &Attr, f: &mut Flow) -> R<()> {
    use action_attr::*;
    let h = nest.get_attr_handle::<u16>()?;
    for a in h.iter() {
        let act = match ty(a) {
            OUTPUT => Action {
                kind: OUTPUT,
                sub: 0,
                arg: a.get_payload_as::<u32>()?,
            },
            RECIRC => Action {
                kind: RECIRC,
                sub: 0,
                arg: a.get_payload_as::<u32>()?,
            },
            POP_VLAN => Action {
                kind: POP_VLAN,
                sub: 0,
                arg: 0,
            },
            PUSH_VLAN => {
                let p = bytes::<4>(a)?;
                Action {
                    kind: PUSH_VLAN,
                    sub: u16::from_be_bytes([p[0], p[1]]),
                    arg: u16::from_be_bytes([p[2], p[3]]) as u32,
                }
            }
            USERSPACE => {
                let mut act = Action {
                    kind: USERSPACE,
                    sub: 0,
                    arg: 0,
                };
                let us = a.get_attr_handle::<u16>()?;
                for u in us.iter() {
                    match ty(u) {
                        userspace_attr::PID => act.arg = u.get_payload_as::<u32>()?,
                        userspace_attr::USERDATA => {
                            f.set_userdata(u.nla_payload().as_ref());
                        }
                        userspace_attr::ACTIONS => act.sub |= 1,
                        _ => {}
                    }
                }
                f.upcall_pid = act.arg;
                act
            }
            SET => {
                let inner = a.get_attr_handle::<u16>()?;
                let Some(k) = inner.iter().next() else {
                    continue;
                };
                if ty(k) == key_attr::TUNNEL {
                    decode_tunnel(k, &mut f.set_tunnel)?;
                }
                Action {
                    kind: SET,
                    sub: ty(k),
                    arg: 0,
                }
            }
            CT => {
                let mut act = Action {
                    kind: CT,
                    sub: 0,
                    arg: 0,
                };
                let ct = a.get_attr_handle::<u16>()?;
                for c in ct.iter() {
                    match ty(c) {
                        ct_attr::COMMIT => act.sub |= 1,
                        ct_attr::ZONE => act.arg = c.get_payload_as::<u16>()? as u32,
                        _ => {}
                    }
                }
                act
            }
            _ => continue,
        };
        f.push_action(act);
    }
    Ok(())
}

/// Decodes every flow of a dump-reply datagram, handing each to `sink`.
pub fn decode_dump(datagram: &[u8], mut sink: impl FnMut(&Flow)) -> R<usize> {
    let mut n = 0;
    let mut cur = Cursor::new(datagram);
    while (cur.position() as usize) < datagram.len() {
        let m = FlowMsg::from_bytes(&mut cur)?;
        let g = match m.nl_payload() {
            NlPayload::Payload(g) => g,
            NlPayload::Err(_) => return Err(NeliError::Framing("NLMSG_ERROR")),
            NlPayload::DumpExtAck(_) | NlPayload::Ack(_) => break,
            NlPayload::Empty => {
                if *m.nl_type() == 3 {
                    break;
                }
                continue;
            }
        };
        let mut f = Flow {
            dp_ifindex: g.header().dp_ifindex,
            ..Flow::default()
        };
        for a in g.attrs().iter() {
            let t = ty(a);
            match t {
                flow_attr::UFID => f.ufid = *bytes::<16>(a)?,
                flow_attr::KEY => decode_key(a, &mut f.key)?,
                flow_attr::MASK => decode_key(a, &mut f.mask)?,
                flow_attr::STATS => {
                    let p = bytes::<16>(a)?;
                    f.n_packets = u64::from_ne_bytes(p[..8].try_into().unwrap());
                    f.n_bytes = u64::from_ne_bytes(p[8..].try_into().unwrap());
                }
                flow_attr::USED => f.used = a.get_payload_as::<u64>()?,
                flow_attr::TCP_FLAGS => f.tcp_flags = a.get_payload_as::<u8>()?,
                flow_attr::ACTIONS => decode_actions(a, &mut f)?,
                _ => continue,
            }
            f.attrs |= 1 << t;
        }
        sink(&f);
        n += 1;
    }
    Ok(n)
}

// ---------------------------------------------------------------- encode

fn attr<P: Size + ToBytes>(t: u16, p: P) -> R<Attr> {
    NlattrBuilder::default()
        .nla_type(
            AttrTypeBuilder::default()
                .nla_type(t)
                .build()
                .map_err(|e| NeliError::Build(e.to_string()))?,
        )
        .nla_payload(p)
        .build()
        .map_err(|e| NeliError::Build(e.to_string()))
}

fn nest(t: u16) -> R<Attr> {
    attr(t, Buffer::new())
}

fn has(present: u32, t: u16) -> bool {
    present & (1 << t) != 0
}

fn tunnel_attr(t_ty: u16, t: &TunnelKey) -> R<Attr> {
    use tun_attr::*;
    let p = t.present as u32;
    let mut n = nest(t_ty)?;
    if has(p, ID) {
        n = n.nest(&attr(ID, BeU64::new(t.id))?)?;
    }
    if has(p, IPV4_SRC) {
        n = n.nest(&attr(IPV4_SRC, t.ipv4_src.to_be())?)?;
    }
    if has(p, IPV4_DST) {
        n = n.nest(&attr(IPV4_DST, t.ipv4_dst.to_be())?)?;
    }
    if has(p, TOS) {
        n = n.nest(&attr(TOS, t.tos)?)?;
    }
    if has(p, TTL) {
        n = n.nest(&attr(TTL, t.ttl)?)?;
    }
    if has(p, DONT_FRAGMENT) {
        n = n.nest(&nest(DONT_FRAGMENT)?)?;
    }
    if has(p, CSUM) {
        n = n.nest(&nest(CSUM)?)?;
    }
    if has(p, TP_SRC) {
        n = n.nest(&attr(TP_SRC, t.tp_src.to_be())?)?;
    }
    if has(p, TP_DST) {
        n = n.nest(&attr(TP_DST, t.tp_dst.to_be())?)?;
    }
    Ok(n)
}

fn key_attr(kt: u16, k: &FlowKey) -> R<Attr> {
    use key_attr::*;
    let p = k.present;
    let mut n = nest(kt)?;
    if has(p, RECIRC_ID) {
        n = n.nest(&attr(RECIRC_ID, k.recirc_id)?)?;
    }
    if has(p, DP_HASH) {
        n = n.nest(&attr(DP_HASH, k.dp_hash)?)?;
    }
    if has(p, PRIORITY) {
        n = n.nest(&attr(PRIORITY, k.priority)?)?;
    }
    if has(p, TUNNEL) {
        n = n.nest(&tunnel_attr(TUNNEL, &k.tunnel)?)?;
    }
    if has(p, IN_PORT) {
        n = n.nest(&attr(IN_PORT, k.in_port)?)?;
    }
    if has(p, SKB_MARK) {
        n = n.nest(&attr(SKB_MARK, k.skb_mark)?)?;
    }
    if has(p, CT_STATE) {
        n = n.nest(&attr(CT_STATE, k.ct_state)?)?;
    }
    if has(p, CT_ZONE) {
        n = n.nest(&attr(CT_ZONE, k.ct_zone)?)?;
    }
    if has(p, CT_MARK) {
        n = n.nest(&attr(CT_MARK, k.ct_mark)?)?;
    }
    if has(p, CT_LABELS) {
        n = n.nest(&attr(CT_LABELS, &k.ct_labels[..])?)?;
    }
    if has(p, ETHERNET) {
        let mut e = [0u8; 12];
        e[..6].copy_from_slice(&k.eth_src);
        e[6..].copy_from_slice(&k.eth_dst);
        n = n.nest(&attr(ETHERNET, &e[..])?)?;
    }
    if has(p, VLAN) {
        n = n.nest(&attr(VLAN, k.vlan_tci.to_be())?)?;
    }
    if has(p, ETHERTYPE) {
        n = n.nest(&attr(ETHERTYPE, k.eth_type.to_be())?)?;
    }
    if has(p, IPV4) {
        let mut ip = [0u8; 12];
        ip[0..4].copy_from_slice(&k.ipv4_src.to_be_bytes());
        ip[4..8].copy_from_slice(&k.ipv4_dst.to_be_bytes());
        ip[8..].copy_from_slice(&[k.ip_proto, k.ip_tos, k.ip_ttl, k.ip_frag]);
        n = n.nest(&attr(IPV4, &ip[..])?)?;
    }
    if has(p, IPV6) {
        let mut ip = [0u8; 40];
        ip[0..16].copy_from_slice(&k.ipv6_src);
        ip[16..32].copy_from_slice(&k.ipv6_dst);
        ip[32..36].copy_from_slice(&k.ipv6_label.to_be_bytes());
        ip[36..].copy_from_slice(&[k.ip_proto, k.ip_tos, k.ip_ttl, k.ip_frag]);
        n = n.nest(&attr(IPV6, &ip[..])?)?;
    }
    let mut ports = [0u8; 4];
    ports[..2].copy_from_slice(&k.tp_src.to_be_bytes());
    ports[2..].copy_from_slice(&k.tp_dst.to_be_bytes());
    if has(p, TCP) {
        n = n.nest(&attr(TCP, &ports[..])?)?;
    }
    if has(p, UDP) {
        n = n.nest(&attr(UDP, &ports[..])?)?;
    }
    if has(p, TCP_FLAGS) {
        n = n.nest(&attr(TCP_FLAGS, k.tcp_flags.to_be())?)?;
    }
    Ok(n)
}

fn actions_attr(f: &Flow) -> R<Attr> {
    use action_attr::*;
    let mut n = nest(flow_attr::ACTIONS)?;
    for a in f.actions() {
        let act = match a.kind {
            OUTPUT => attr(OUTPUT, a.arg)?,
            RECIRC => attr(RECIRC, a.arg)?,
            POP_VLAN => nest(POP_VLAN)?,
            PUSH_VLAN => {
                let mut v = [0u8; 4];
                v[..2].copy_from_slice(&a.sub.to_be_bytes());
                v[2..].copy_from_slice(&(a.arg as u16).to_be_bytes());
                attr(PUSH_VLAN, &v[..])?
            }
            USERSPACE => {
                let mut u = nest(USERSPACE)?
                    .nest(&attr(userspace_attr::PID, a.arg)?)?
                    .nest(&attr(
                        userspace_attr::USERDATA,
                        &f.userdata[..f.userdata_len as usize],
                    )?)?;
                if a.sub & 1 != 0 {
                    u = u.nest(&nest(userspace_attr::ACTIONS)?)?;
                }
                u
            }
            SET => nest(SET)?.nest(&tunnel_attr(key_attr::TUNNEL, &f.set_tunnel)?)?,
            CT => {
                let mut c = nest(CT)?;
                if a.sub & 1 != 0 {
                    c = c.nest(&nest(ct_attr::COMMIT)?)?;
                }
                c.nest(&attr(ct_attr::ZONE, a.arg as u16)?)?
            }
            _ => unreachable!(),
        };
        n = n.nest(&act)?;
    }
    Ok(n)
}

/// Builds one OVS_FLOW_CMD_NEW message for `f`.
pub fn put_msg(f: &Flow, seq: u32) -> R<FlowMsg> {
    let attrs: GenlBuffer<u16, Buffer> = [
        attr(flow_attr::UFID, &f.ufid[..])?,
        key_attr(flow_attr::KEY, &f.key)?,
        key_attr(flow_attr::MASK, &f.mask)?,
        actions_attr(f)?,
    ]
    .into_iter()
    .collect();
    let genl = GenlmsghdrBuilder::default()
        .cmd(OVS_FLOW_CMD_NEW)
        .version(OVS_FLOW_VERSION)
        .header(NeliOvsHeader {
            dp_ifindex: f.dp_ifindex,
        })
        .attrs(attrs)
        .build_with_header()
        .map_err(|e| NeliError::Build(e.to_string()))?;
    NlmsghdrBuilder::default()
        .nl_type(OVS_FLOW_FAMILY)
        .nl_flags(NlmF::REQUEST | NlmF::CREATE)
        .nl_seq(seq)
        .nl_payload(NlPayload::Payload(genl))
        .build()
        .map_err(|e| NeliError::Build(e.to_string()))
}

/// Encodes one OVS_FLOW_CMD_NEW per flow, back to back, into `buf` (cleared first),
/// the way `NlSocketHandle::send` serialises: `to_bytes` into a `Cursor<Vec<u8>>`.
pub fn encode_puts(buf: &mut Cursor<Vec<u8>>, flows: &[Flow]) -> R<()> {
    buf.get_mut().clear();
    buf.set_position(0);
    for (i, f) in flows.iter().enumerate() {
        put_msg(f, i as u32 + 1)?.to_bytes(buf)?;
    }
    Ok(())
}
