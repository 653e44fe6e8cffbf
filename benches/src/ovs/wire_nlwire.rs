//! nlwire's side of the OVS workloads, written against the raw codec API
//! (`MsgBuf`, `Messages`, `AttrIndex`, `Attrs`, zerocopy wire structs): what a user
//! writes until the derive/schema-generated `ovs_flow` types exist.

use super::model::*;
use nlwire::consts::{NLM_F_CREATE, NLM_F_REQUEST};
use nlwire::zerocopy::native_endian::U64 as Ne64;
use nlwire::zerocopy::network_endian::{U16 as Be16, U32 as Be32};
use nlwire::zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};
use nlwire::{AttrIndex, Attrs, Error, Messages, MsgBuf, MsgKind, OvsHeader, Result};

/// `struct ovs_key_ethernet`.
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
pub struct OvsKeyEthernet {
    pub eth_src: [u8; 6],
    pub eth_dst: [u8; 6],
}

/// `struct ovs_key_ipv4`.
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
pub struct OvsKeyIpv4 {
    pub src: Be32,
    pub dst: Be32,
    pub proto: u8,
    pub tos: u8,
    pub ttl: u8,
    pub frag: u8,
}

/// `struct ovs_key_ipv6`.
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
pub struct OvsKeyIpv6 {
    pub src: [u8; 16],
    pub dst: [u8; 16],
    pub label: Be32,
    pub proto: u8,
    pub tclass: u8,
    pub hlimit: u8,
    pub frag: u8,
}

/// `struct ovs_key_tcp` / `ovs_key_udp`.
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
pub struct OvsKeyPorts {
    pub src: Be16,
    pub dst: Be16,
}

/// `struct ovs_flow_stats` (u64s only 4-byte aligned on the wire).
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
pub struct OvsFlowStats {
    pub n_packets: Ne64,
    pub n_bytes: Ne64,
}

/// `struct ovs_action_push_vlan`.
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
pub struct OvsActionPushVlan {
    pub tpid: Be16,
    pub tci: Be16,
}

// ---------------------------------------------------------------- encode

fn has(present: u32, t: u16) -> bool {
    present & (1 << t) != 0
}

/// Appends the `OVS_TUNNEL_KEY_ATTR_*` of `t`.
pub fn put_tunnel(b: &mut MsgBuf<'_>, t: &TunnelKey) {
    use tun_attr::*;
    let p = t.present as u32;
    if has(p, ID) {
        b.put_attr_be64(ID, t.id).unwrap();
    }
    if has(p, IPV4_SRC) {
        b.put_attr_be32(IPV4_SRC, t.ipv4_src).unwrap();
    }
    if has(p, IPV4_DST) {
        b.put_attr_be32(IPV4_DST, t.ipv4_dst).unwrap();
    }
    if has(p, TOS) {
        b.put_attr_u8(TOS, t.tos).unwrap();
    }
    if has(p, TTL) {
        b.put_attr_u8(TTL, t.ttl).unwrap();
    }
    if has(p, DONT_FRAGMENT) {
        b.put_attr_flag(DONT_FRAGMENT).unwrap();
    }
    if has(p, CSUM) {
        b.put_attr_flag(CSUM).unwrap();
    }
    if has(p, TP_SRC) {
        b.put_attr_be16(TP_SRC, t.tp_src).unwrap();
    }
    if has(p, TP_DST) {
        b.put_attr_be16(TP_DST, t.tp_dst).unwrap();
    }
}

/// Appends the `OVS_KEY_ATTR_*` of `k` in the kernel's order.
pub fn put_key(b: &mut MsgBuf<'_>, k: &FlowKey) {
    use key_attr::*;
    let p = k.present;
    if has(p, RECIRC_ID) {
        b.put_attr_u32(RECIRC_ID, k.recirc_id).unwrap();
    }
    if has(p, DP_HASH) {
        b.put_attr_u32(DP_HASH, k.dp_hash).unwrap();
    }
    if has(p, PRIORITY) {
        b.put_attr_u32(PRIORITY, k.priority).unwrap();
    }
    if has(p, TUNNEL) {
        let n = b.start_nested(TUNNEL);
        put_tunnel(b, &k.tunnel);
        b.end_nested(n).unwrap();
    }
    if has(p, IN_PORT) {
        b.put_attr_u32(IN_PORT, k.in_port).unwrap();
    }
    if has(p, SKB_MARK) {
        b.put_attr_u32(SKB_MARK, k.skb_mark).unwrap();
    }
    if has(p, CT_STATE) {
        b.put_attr_u32(CT_STATE, k.ct_state).unwrap();
    }
    if has(p, CT_ZONE) {
        b.put_attr_u16(CT_ZONE, k.ct_zone).unwrap();
    }
    if has(p, CT_MARK) {
        b.put_attr_u32(CT_MARK, k.ct_mark).unwrap();
    }
    if has(p, CT_LABELS) {
        b.put_attr(CT_LABELS, &k.ct_labels).unwrap();
    }
    if has(p, ETHERNET) {
        let e = OvsKeyEthernet {
            eth_src: k.eth_src,
            eth_dst: k.eth_dst,
        };
        b.put_attr_struct(ETHERNET, &e).unwrap();
    }
    if has(p, VLAN) {
        b.put_attr_be16(VLAN, k.vlan_tci).unwrap();
    }
    if has(p, ETHERTYPE) {
        b.put_attr_be16(ETHERTYPE, k.eth_type).unwrap();
    }
    if has(p, IPV4) {
        let ip = OvsKeyIpv4 {
            src: k.ipv4_src.into(),
            dst: k.ipv4_dst.into(),
            proto: k.ip_proto,
            tos: k.ip_tos,
            ttl: k.ip_ttl,
            frag: k.ip_frag,
        };
        b.put_attr_struct(IPV4, &ip).unwrap();
    }
    if has(p, IPV6) {
        let ip = OvsKeyIpv6 {
            src: k.ipv6_src,
            dst: k.ipv6_dst,
            label: k.ipv6_label.into(),
            proto: k.ip_proto,
            tclass: k.ip_tos,
            hlimit: k.ip_ttl,
            frag: k.ip_frag,
        };
        b.put_attr_struct(IPV6, &ip).unwrap();
    }
    let ports = OvsKeyPorts {
        src: k.tp_src.into(),
        dst: k.tp_dst.into(),
    };
    if has(p, TCP) {
        b.put_attr_struct(TCP, &ports).unwrap();
    }
    if has(p, UDP) {
        b.put_attr_struct(UDP, &ports).unwrap();
    }
    if has(p, TCP_FLAGS) {
        b.put_attr_be16(TCP_FLAGS, k.tcp_flags).unwrap();
    }
}

/// Appends the `OVS_ACTION_ATTR_*` of `f`.
pub fn put_actions(b: &mut MsgBuf<'_>, f: &Flow) {
    use action_attr::*;
    for a in f.actions() {
        match a.kind {
            OUTPUT => b.put_attr_u32(OUTPUT, a.arg).unwrap(),
            RECIRC => b.put_attr_u32(RECIRC, a.arg).unwrap(),
            POP_VLAN => b.put_attr_flag(POP_VLAN).unwrap(),
            PUSH_VLAN => {
                let v = OvsActionPushVlan {
                    tpid: a.sub.into(),
                    tci: (a.arg as u16).into(),
                };
                b.put_attr_struct(PUSH_VLAN, &v).unwrap()
            }
            USERSPACE => {
                let n = b.start_nested(USERSPACE);
                b.put_attr_u32(userspace_attr::PID, a.arg).unwrap();
                b.put_attr(
                    userspace_attr::USERDATA,
                    &f.userdata[..f.userdata_len as usize],
                )
                .unwrap();
                if a.sub & 1 != 0 {
                    b.put_attr_flag(userspace_attr::ACTIONS).unwrap();
                }
                b.end_nested(n).unwrap();
            }
            SET => {
                let n = b.start_nested(SET);
                let t = b.start_nested(key_attr::TUNNEL);
                put_tunnel(b, &f.set_tunnel);
                b.end_nested(t).unwrap();
                b.end_nested(n).unwrap();
            }
            CT => {
                let n = b.start_nested(CT);
                if a.sub & 1 != 0 {
                    b.put_attr_flag(ct_attr::COMMIT).unwrap();
                }
                b.put_attr_u16(ct_attr::ZONE, a.arg as u16).unwrap();
                b.end_nested(n).unwrap();
            }
            _ => unreachable!("generator emits no other action"),
        }
    }
}

/// Appends an OVS_FLOW_CMD_NEW request for `f` (what `dpif_netlink_flow_put` sends:
/// UFID, KEY, MASK, ACTIONS).
pub fn encode_put(b: &mut MsgBuf<'_>, f: &Flow, seq: u32) -> Result<()> {
    let m = b.start_genl_msg(
        OVS_FLOW_FAMILY,
        NLM_F_REQUEST | NLM_F_CREATE,
        OVS_FLOW_CMD_NEW,
        OVS_FLOW_VERSION,
    );
    let off = m.offset();
    b.put(OvsHeader::new(f.dp_ifindex as i32).as_bytes());
    b.put_attr(flow_attr::UFID, &f.ufid)?;
    let n = b.start_nested(flow_attr::KEY);
    put_key(b, &f.key);
    b.end_nested(n)?;
    let n = b.start_nested(flow_attr::MASK);
    put_key(b, &f.mask);
    b.end_nested(n)?;
    let n = b.start_nested(flow_attr::ACTIONS);
    put_actions(b, f);
    b.end_nested(n)?;
    b.end_msg(m)?;
    nlwire::attr_put::set_seq_pid(&mut b.as_mut_slice()[off..], seq, 0);
    Ok(())
}

/// Encodes one OVS_FLOW_CMD_NEW per flow, back to back, into `b` (cleared first).
pub fn encode_puts(b: &mut MsgBuf<'_>, flows: &[Flow]) {
    b.clear();
    for (i, f) in flows.iter().enumerate() {
        encode_put(b, f, i as u32 + 1).unwrap();
    }
}

// ---------------------------------------------------------------- decode

fn decode_tunnel(bytes: &[u8], t: &mut TunnelKey) -> Result<()> {
    use tun_attr::*;
    for a in Attrs::new(bytes) {
        let a = a?;
        let ty = a.ty();
        match ty {
            ID => t.id = a.get_be64()?,
            IPV4_SRC => t.ipv4_src = a.get_be32()?,
            IPV4_DST => t.ipv4_dst = a.get_be32()?,
            TOS => t.tos = a.get_u8()?,
            TTL => t.ttl = a.get_u8()?,
            DONT_FRAGMENT | CSUM => {
                if !a.is_empty() {
                    return Err(bad_len(ty, a.len()));
                }
            }
            TP_SRC => t.tp_src = a.get_be16()?,
            TP_DST => t.tp_dst = a.get_be16()?,
            _ => continue,
        }
        t.present |= 1 << ty;
    }
    Ok(())
}

fn bad_len(ty: u16, len: usize) -> Error {
    Error::BadLength {
        path: nlwire::AttrPath::root().child(ty),
        len,
        min: 0,
        max: 0,
    }
}

/// Decodes nested `OVS_KEY_ATTR_*` into `k`.
pub fn decode_key(bytes: &[u8], k: &mut FlowKey) -> Result<()> {
    use key_attr::*;
    for a in Attrs::new(bytes) {
        let a = a?;
        let ty = a.ty();
        match ty {
            PRIORITY => k.priority = a.get_u32()?,
            IN_PORT => k.in_port = a.get_u32()?,
            SKB_MARK => k.skb_mark = a.get_u32()?,
            RECIRC_ID => k.recirc_id = a.get_u32()?,
            DP_HASH => k.dp_hash = a.get_u32()?,
            CT_STATE => k.ct_state = a.get_u32()?,
            CT_ZONE => k.ct_zone = a.get_u16()?,
            CT_MARK => k.ct_mark = a.get_u32()?,
            CT_LABELS => k.ct_labels = *a.get_struct::<[u8; 16]>()?,
            ETHERNET => {
                let e: &OvsKeyEthernet = a.get_struct()?;
                k.eth_src = e.eth_src;
                k.eth_dst = e.eth_dst;
            }
            VLAN => k.vlan_tci = a.get_be16()?,
            ETHERTYPE => k.eth_type = a.get_be16()?,
            IPV4 => {
                let ip: &OvsKeyIpv4 = a.get_struct()?;
                k.ipv4_src = ip.src.get();
                k.ipv4_dst = ip.dst.get();
                k.ip_proto = ip.proto;
                k.ip_tos = ip.tos;
                k.ip_ttl = ip.ttl;
                k.ip_frag = ip.frag;
            }
            IPV6 => {
                let ip: &OvsKeyIpv6 = a.get_struct()?;
                k.ipv6_src = ip.src;
                k.ipv6_dst = ip.dst;
                k.ipv6_label = ip.label.get();
                k.ip_proto = ip.proto;
                k.ip_tos = ip.tclass;
                k.ip_ttl = ip.hlimit;
                k.ip_frag = ip.frag;
            }
            TCP | UDP => {
                let p: &OvsKeyPorts = a.get_struct()?;
                k.tp_src = p.src.get();
                k.tp_dst = p.dst.get();
            }
            TCP_FLAGS => k.tcp_flags = a.get_be16()?,
            TUNNEL => decode_tunnel(a.payload(), &mut k.tunnel)?,
            _ => continue,
        }
        k.present |= 1 << ty;
    }
    Ok(())
}

fn decode_actions(bytes: &[u8], f: &mut Flow) -> Result<()> {
    use action_attr::*;
    for a in Attrs::new(bytes) {
        let a = a?;
        let act = match a.ty() {
            OUTPUT => Action {
                kind: OUTPUT,
                sub: 0,
                arg: a.get_u32()?,
            },
            RECIRC => Action {
                kind: RECIRC,
                sub: 0,
                arg: a.get_u32()?,
            },
            POP_VLAN => Action {
                kind: POP_VLAN,
                sub: 0,
                arg: 0,
            },
            PUSH_VLAN => {
                let v: &OvsActionPushVlan = a.get_struct()?;
                Action {
                    kind: PUSH_VLAN,
                    sub: v.tpid.get(),
                    arg: v.tci.get() as u32,
                }
            }
            USERSPACE => {
                let mut act = Action {
                    kind: USERSPACE,
                    sub: 0,
                    arg: 0,
                };
                for u in a.nested() {
                    let u = u?;
                    match u.ty() {
                        userspace_attr::PID => act.arg = u.get_u32()?,
                        userspace_attr::USERDATA => {
                            f.set_userdata(u.payload());
                        }
                        userspace_attr::ACTIONS => act.sub |= 1,
                        _ => {}
                    }
                }
                f.upcall_pid = act.arg;
                act
            }
            SET => {
                let Some(inner) = a.nested().next() else {
                    continue;
                };
                let inner = inner?;
                if inner.ty() == key_attr::TUNNEL {
                    decode_tunnel(inner.payload(), &mut f.set_tunnel)?;
                }
                Action {
                    kind: SET,
                    sub: inner.ty(),
                    arg: 0,
                }
            }
            CT => {
                let mut act = Action {
                    kind: CT,
                    sub: 0,
                    arg: 0,
                };
                for c in a.nested() {
                    let c = c?;
                    match c.ty() {
                        ct_attr::COMMIT => act.sub |= 1,
                        ct_attr::ZONE => act.arg = c.get_u16()? as u32,
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

/// Decodes one OVS flow message's attributes (after the ovs_header) into `f`.
pub fn decode_flow_attrs(attrs: &[u8], f: &mut Flow) -> Result<()> {
    use flow_attr::*;
    let idx = AttrIndex::<12>::parse(attrs)?;
    if let Some(a) = idx.get(UFID) {
        f.ufid = *a.get_struct::<[u8; 16]>()?;
        f.attrs |= 1 << UFID;
    }
    if let Some(a) = idx.get(KEY) {
        decode_key(a.payload(), &mut f.key)?;
        f.attrs |= 1 << KEY;
    }
    if let Some(a) = idx.get(MASK) {
        decode_key(a.payload(), &mut f.mask)?;
        f.attrs |= 1 << MASK;
    }
    if let Some(a) = idx.get(STATS) {
        let s: &OvsFlowStats = a.get_struct()?;
        f.n_packets = s.n_packets.get();
        f.n_bytes = s.n_bytes.get();
        f.attrs |= 1 << STATS;
    }
    if let Some(a) = idx.get(USED) {
        f.used = a.get_u64()?;
        f.attrs |= 1 << USED;
    }
    if let Some(a) = idx.get(TCP_FLAGS) {
        f.tcp_flags = a.get_u8()?;
        f.attrs |= 1 << TCP_FLAGS;
    }
    if let Some(a) = idx.get(ACTIONS) {
        decode_actions(a.payload(), f)?;
        f.attrs |= 1 << ACTIONS;
    }
    Ok(())
}

/// Decodes every flow of a dump-reply datagram, handing each to `sink`.
/// Returns how many flows were decoded.
pub fn decode_dump(datagram: &[u8], mut sink: impl FnMut(&Flow)) -> Result<usize> {
    let mut n = 0;
    for m in Messages::new(datagram) {
        let m = m?;
        match m.kind()? {
            MsgKind::Data => {}
            MsgKind::Done(_) => break,
            MsgKind::Error(e) if e.errno != 0 => {
                return Err(Error::Unexpected {
                    expected: "a flow",
                    found: e.errno as u32,
                });
            }
            _ => continue,
        }
        let (_genl, ovs, attrs) = m.genl_fixed::<OvsHeader>("ovs_header")?;
        let mut f = Flow {
            dp_ifindex: ovs.dp_ifindex.get() as u32,
            ..Flow::default()
        };
        decode_flow_attrs(attrs, &mut f)?;
        sink(&f);
        n += 1;
    }
    Ok(n)
}
