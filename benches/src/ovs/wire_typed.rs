//! nlwire's typed layer: the OVS flow family as `nlwire-families` generates it from
//! `schemas/specs/ovs_flow.yaml` (the code users ship). Decoding yields zero-copy views
//! (`NewRequest::decode_msg`); encoding goes from the owned form (`NewRequest::encode`),
//! which the caller builds from its own flow record.

use super::model::*;
use nlwire::consts::{NLM_F_CREATE, NLM_F_REQUEST};
use nlwire::{Error, Limits, Message, Messages, MsgBuf, MsgKind, Result};
use nlwire_families::ovs_flow as oh;
use oh::msg::NewRequest;

fn tunnel_into(t: &oh::TunnelKeyAttrsView<'_>, out: &mut TunnelKey) {
    use tun_attr::*;
    let mut p = 0u16;
    if let Some(v) = t.id {
        out.id = v;
        p |= 1 << ID;
    }
    if let Some(v) = t.ipv4_src {
        out.ipv4_src = v;
        p |= 1 << IPV4_SRC;
    }
    if let Some(v) = t.ipv4_dst {
        out.ipv4_dst = v;
        p |= 1 << IPV4_DST;
    }
    if let Some(v) = t.tos {
        out.tos = v;
        p |= 1 << TOS;
    }
    if let Some(v) = t.ttl {
        out.ttl = v;
        p |= 1 << TTL;
    }
    if t.dont_fragment {
        p |= 1 << DONT_FRAGMENT;
    }
    if t.csum {
        p |= 1 << CSUM;
    }
    if let Some(v) = t.tp_src {
        out.tp_src = v;
        p |= 1 << TP_SRC;
    }
    if let Some(v) = t.tp_dst {
        out.tp_dst = v;
        p |= 1 << TP_DST;
    }
    out.present |= p;
}

fn key_into(k: &oh::KeyAttrsView<'_>, out: &mut FlowKey) {
    use key_attr::*;
    let mut p = 0u32;
    macro_rules! scalar {
        ($f:ident, $o:ident, $t:expr) => {
            if let Some(v) = k.$f {
                out.$o = v;
                p |= 1 << $t;
            }
        };
    }
    scalar!(priority, priority, PRIORITY);
    scalar!(in_port, in_port, IN_PORT);
    scalar!(skb_mark, skb_mark, SKB_MARK);
    scalar!(recirc_id, recirc_id, RECIRC_ID);
    scalar!(dp_hash, dp_hash, DP_HASH);
    if let Some(v) = k.ct_state {
        out.ct_state = u32::from(v);
        p |= 1 << CT_STATE;
    }
    scalar!(ct_zone, ct_zone, CT_ZONE);
    scalar!(ct_mark, ct_mark, CT_MARK);
    scalar!(vlan, vlan_tci, VLAN);
    scalar!(ethertype, eth_type, ETHERTYPE);
    scalar!(tcp_flags, tcp_flags, TCP_FLAGS);
    if let Some(l) = k.ct_labels {
        out.ct_labels = l.ct_labels;
        p |= 1 << CT_LABELS;
    }
    if let Some(e) = k.ethernet {
        out.eth_src = e.eth_src;
        out.eth_dst = e.eth_dst;
        p |= 1 << ETHERNET;
    }
    if let Some(ip) = k.ipv4 {
        out.ipv4_src = ip.ipv4_src.get();
        out.ipv4_dst = ip.ipv4_dst.get();
        out.ip_proto = ip.ipv4_proto;
        out.ip_tos = ip.ipv4_tos;
        out.ip_ttl = ip.ipv4_ttl;
        out.ip_frag = ip.ipv4_frag;
        p |= 1 << IPV4;
    }
    if let Some(ip) = k.ipv6 {
        out.ipv6_src = ip.ipv6_src;
        out.ipv6_dst = ip.ipv6_dst;
        out.ipv6_label = ip.ipv6_label.get();
        out.ip_proto = ip.ipv6_proto;
        out.ip_tos = ip.ipv6_tclass;
        out.ip_ttl = ip.ipv6_hlimit;
        out.ip_frag = ip.ipv6_frag;
        p |= 1 << IPV6;
    }
    if let Some(t) = k.tcp {
        out.tp_src = t.tcp_src.get();
        out.tp_dst = t.tcp_dst.get();
        p |= 1 << TCP;
    }
    if let Some(u) = k.udp {
        out.tp_src = u.udp_src.get();
        out.tp_dst = u.udp_dst.get();
        p |= 1 << UDP;
    }
    if let Some(t) = k.tunnel {
        tunnel_into(&t, &mut out.tunnel);
        p |= 1 << TUNNEL;
    }
    out.present |= p;
}

fn actions_into(list: nlwire::view::AttrList<'_, oh::ActionAttrs>, f: &mut Flow) {
    use action_attr::*;
    for a in list {
        let act = match a {
            oh::ActionAttrsView::Output(p) => Action {
                kind: OUTPUT,
                sub: 0,
                arg: p,
            },
            oh::ActionAttrsView::Recirc(id) => Action {
                kind: RECIRC,
                sub: 0,
                arg: id,
            },
            oh::ActionAttrsView::PopVlan => Action {
                kind: POP_VLAN,
                sub: 0,
                arg: 0,
            },
            oh::ActionAttrsView::PushVlan(v) => Action {
                kind: PUSH_VLAN,
                sub: v.vlan_tpid.get(),
                arg: v.vlan_tci.get() as u32,
            },
            oh::ActionAttrsView::Userspace(u) => {
                if let Some(d) = u.userdata {
                    f.set_userdata(d);
                }
                let pid = u.pid.unwrap_or(0);
                f.upcall_pid = pid;
                Action {
                    kind: USERSPACE,
                    sub: u.actions as u16,
                    arg: pid,
                }
            }
            oh::ActionAttrsView::Set(k) => {
                let Some(t) = k.tunnel else { continue };
                tunnel_into(&t, &mut f.set_tunnel);
                Action {
                    kind: SET,
                    sub: key_attr::TUNNEL,
                    arg: 0,
                }
            }
            oh::ActionAttrsView::Ct(ct) => Action {
                kind: CT,
                sub: ct.commit as u16,
                arg: ct.zone.unwrap_or(0) as u32,
            },
            _ => continue,
        };
        f.push_action(act);
    }
}

/// Decodes every flow of a dump-reply datagram through the derived views.
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
        let v = NewRequest::decode_msg(m, &Limits::DEFAULT)?;
        let fl = v.attrs;
        let mut f = Flow {
            dp_ifindex: v.header.dp_ifindex.get() as u32,
            ..Flow::default()
        };
        if let Some(u) = fl.ufid {
            f.ufid = u.try_into().map_err(|_| Error::Unexpected {
                expected: "a 16-byte ufid",
                found: u.len() as u32,
            })?;
            f.attrs |= 1 << flow_attr::UFID;
        }
        if let Some(k) = fl.key {
            key_into(&k, &mut f.key);
            f.attrs |= 1 << flow_attr::KEY;
        }
        if let Some(k) = fl.mask {
            key_into(&k, &mut f.mask);
            f.attrs |= 1 << flow_attr::MASK;
        }
        if let Some(s) = fl.stats {
            f.n_packets = s.n_packets.get();
            f.n_bytes = s.n_bytes.get();
            f.attrs |= 1 << flow_attr::STATS;
        }
        if let Some(u) = fl.used {
            f.used = u;
            f.attrs |= 1 << flow_attr::USED;
        }
        if let Some(t) = fl.tcp_flags {
            f.tcp_flags = t;
            f.attrs |= 1 << flow_attr::TCP_FLAGS;
        }
        if let Some(a) = fl.actions {
            actions_into(a, &mut f);
            f.attrs |= 1 << flow_attr::ACTIONS;
        }
        sink(&f);
        n += 1;
    }
    Ok(n)
}

// ---------------------------------------------------------------- encode

fn has(present: u32, t: u16) -> bool {
    present & (1 << t) != 0
}

fn opt<T>(present: u32, t: u16, v: impl FnOnce() -> T) -> Option<T> {
    has(present, t).then(v)
}

fn to_tunnel(t: &TunnelKey) -> oh::TunnelKeyAttrs {
    use tun_attr::*;
    let p = t.present as u32;
    oh::TunnelKeyAttrs {
        id: opt(p, ID, || t.id),
        ipv4_src: opt(p, IPV4_SRC, || t.ipv4_src),
        ipv4_dst: opt(p, IPV4_DST, || t.ipv4_dst),
        tos: opt(p, TOS, || t.tos),
        ttl: opt(p, TTL, || t.ttl),
        dont_fragment: has(p, DONT_FRAGMENT),
        csum: has(p, CSUM),
        tp_src: opt(p, TP_SRC, || t.tp_src),
        tp_dst: opt(p, TP_DST, || t.tp_dst),
        ..oh::TunnelKeyAttrs::default()
    }
}

fn to_key(k: &FlowKey) -> oh::KeyAttrs {
    use key_attr::*;
    let p = k.present;
    oh::KeyAttrs {
        priority: opt(p, PRIORITY, || k.priority),
        in_port: opt(p, IN_PORT, || k.in_port),
        ethernet: opt(p, ETHERNET, || oh::OvsKeyEthernet {
            eth_src: k.eth_src,
            eth_dst: k.eth_dst,
        }),
        vlan: opt(p, VLAN, || k.vlan_tci),
        ethertype: opt(p, ETHERTYPE, || k.eth_type),
        ipv4: opt(p, IPV4, || oh::OvsKeyIpv4 {
            ipv4_src: k.ipv4_src.into(),
            ipv4_dst: k.ipv4_dst.into(),
            ipv4_proto: k.ip_proto,
            ipv4_tos: k.ip_tos,
            ipv4_ttl: k.ip_ttl,
            ipv4_frag: k.ip_frag,
        }),
        ipv6: opt(p, IPV6, || oh::OvsKeyIpv6 {
            ipv6_src: k.ipv6_src,
            ipv6_dst: k.ipv6_dst,
            ipv6_label: k.ipv6_label.into(),
            ipv6_proto: k.ip_proto,
            ipv6_tclass: k.ip_tos,
            ipv6_hlimit: k.ip_ttl,
            ipv6_frag: k.ip_frag,
        }),
        tcp: opt(p, TCP, || oh::OvsKeyTcp {
            tcp_src: k.tp_src.into(),
            tcp_dst: k.tp_dst.into(),
        }),
        udp: opt(p, UDP, || oh::OvsKeyUdp {
            udp_src: k.tp_src.into(),
            udp_dst: k.tp_dst.into(),
        }),
        skb_mark: opt(p, SKB_MARK, || k.skb_mark),
        tunnel: opt(p, TUNNEL, || to_tunnel(&k.tunnel)),
        tcp_flags: opt(p, TCP_FLAGS, || k.tcp_flags),
        dp_hash: opt(p, DP_HASH, || k.dp_hash),
        recirc_id: opt(p, RECIRC_ID, || k.recirc_id),
        ct_state: opt(p, CT_STATE, || k.ct_state.into()),
        ct_zone: opt(p, CT_ZONE, || k.ct_zone),
        ct_mark: opt(p, CT_MARK, || k.ct_mark),
        ct_labels: opt(p, CT_LABELS, || oh::OvsKeyCtLabels {
            ct_labels: k.ct_labels,
        }),
        ..oh::KeyAttrs::default()
    }
}

fn to_actions(f: &Flow) -> Vec<oh::ActionAttrs> {
    use action_attr::*;
    f.actions()
        .iter()
        .map(|a| match a.kind {
            OUTPUT => oh::ActionAttrs::Output(a.arg),
            RECIRC => oh::ActionAttrs::Recirc(a.arg),
            POP_VLAN => oh::ActionAttrs::PopVlan,
            PUSH_VLAN => oh::ActionAttrs::PushVlan(oh::OvsActionPushVlan {
                vlan_tpid: a.sub.into(),
                vlan_tci: (a.arg as u16).into(),
            }),
            USERSPACE => oh::ActionAttrs::Userspace(oh::UserspaceAttrs {
                pid: Some(a.arg),
                userdata: Some(f.userdata[..f.userdata_len as usize].to_vec()),
                egress_tun_port: None,
                actions: a.sub & 1 != 0,
            }),
            SET => oh::ActionAttrs::Set(oh::KeyAttrs {
                tunnel: Some(to_tunnel(&f.set_tunnel)),
                ..oh::KeyAttrs::default()
            }),
            CT => oh::ActionAttrs::Ct(oh::CtAttrs {
                commit: a.sub & 1 != 0,
                zone: Some(a.arg as u16),
                ..oh::CtAttrs::default()
            }),
            _ => unreachable!(),
        })
        .collect()
}

/// The owned typed message for a flow put.
pub fn put_msg(f: &Flow) -> NewRequest {
    NewRequest {
        header: oh::OvsHeader {
            dp_ifindex: (f.dp_ifindex as i32).into(),
        },
        attrs: oh::FlowAttrs {
            ufid: Some(f.ufid.to_vec()),
            key: Some(to_key(&f.key)),
            mask: Some(to_key(&f.mask)),
            actions: Some(to_actions(f)),
            ..oh::FlowAttrs::default()
        },
    }
}

/// Encodes one OVS_FLOW_CMD_NEW per flow (built into the owned typed form, then
/// `NewRequest::encode`), back to back, into `b` (cleared first).
pub fn encode_puts(b: &mut MsgBuf<'_>, flows: &[Flow]) {
    b.clear();
    for (i, f) in flows.iter().enumerate() {
        let off = b.len();
        put_msg(f)
            .encode(b, OVS_FLOW_FAMILY, NLM_F_REQUEST | NLM_F_CREATE)
            .unwrap();
        nlwire::attr_put::set_seq_pid(&mut b.as_mut_slice()[off..], i as u32 + 1, 0);
    }
}

/// Encodes flows already held in the owned typed form (what a caller that keeps its
/// flows as `NewRequest` values does).
pub fn encode_owned(b: &mut MsgBuf<'_>, msgs: &[NewRequest]) {
    b.clear();
    for (i, m) in msgs.iter().enumerate() {
        let off = b.len();
        m.encode(b, OVS_FLOW_FAMILY, NLM_F_REQUEST | NLM_F_CREATE)
            .unwrap();
        nlwire::attr_put::set_seq_pid(&mut b.as_mut_slice()[off..], i as u32 + 1, 0);
    }
}
