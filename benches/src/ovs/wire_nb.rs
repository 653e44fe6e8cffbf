//! netlink-bindings 0.3.5 (`ovs_flow` module, generated from the kernel's YNL spec).
//!
//! Decoding walks each `Iterable*Attrs` once with a `match` (one pass per attribute
//! set; calling the `get_*` accessors instead would re-scan the set per field).
//! Framing (nlmsghdr, genlmsghdr) uses the crate's `builtin` header structs, as
//! netlink-socket2 does.

use super::model::*;
use netlink_bindings::builtin::Nlmsghdr;
use netlink_bindings::ovs_flow::{
    ActionAttrs, CtAttrs, FlowAttrs, IterableKeyAttrs, IterableTunnelKeyAttrs, KeyAttrs, OpGetDump,
    OpNewDo, OvsActionPushVlan, OvsHeader, OvsKeyEthernet, OvsKeyIpv4, OvsKeyIpv6, OvsKeyTcp,
    OvsKeyUdp, PushActionAttrs, PushKeyAttrs, PushTunnelKeyAttrs, TunnelKeyAttrs, UserspaceAttrs,
};
use netlink_bindings::traits::{NetlinkRequest, Pusher};
use netlink_bindings::utils::ErrorContext;

#[derive(Debug)]
pub enum NbError {
    Framing(&'static str),
    Attr(ErrorContext),
}

impl From<ErrorContext> for NbError {
    fn from(e: ErrorContext) -> Self {
        NbError::Attr(e)
    }
}

type R<T> = Result<T, NbError>;

fn decode_tunnel(it: IterableTunnelKeyAttrs<'_>, t: &mut TunnelKey) -> R<()> {
    use tun_attr::*;
    for a in it {
        let ty = match a? {
            TunnelKeyAttrs::Id(v) => {
                t.id = v;
                ID
            }
            TunnelKeyAttrs::Ipv4Src(v) => {
                t.ipv4_src = v;
                IPV4_SRC
            }
            TunnelKeyAttrs::Ipv4Dst(v) => {
                t.ipv4_dst = v;
                IPV4_DST
            }
            TunnelKeyAttrs::Tos(v) => {
                t.tos = v;
                TOS
            }
            TunnelKeyAttrs::Ttl(v) => {
                t.ttl = v;
                TTL
            }
            TunnelKeyAttrs::DontFragment(()) => DONT_FRAGMENT,
            TunnelKeyAttrs::Csum(()) => CSUM,
            TunnelKeyAttrs::TpSrc(v) => {
                t.tp_src = v;
                TP_SRC
            }
            TunnelKeyAttrs::TpDst(v) => {
                t.tp_dst = v;
                TP_DST
            }
            _ => continue,
        };
        t.present |= 1 << ty;
    }
    Ok(())
}

fn decode_key(it: IterableKeyAttrs<'_>, k: &mut FlowKey) -> R<()> {
    use key_attr::*;
    for a in it {
        let ty = match a? {
            KeyAttrs::Priority(v) => {
                k.priority = v;
                PRIORITY
            }
            KeyAttrs::InPort(v) => {
                k.in_port = v;
                IN_PORT
            }
            KeyAttrs::SkbMark(v) => {
                k.skb_mark = v;
                SKB_MARK
            }
            KeyAttrs::RecircId(v) => {
                k.recirc_id = v;
                RECIRC_ID
            }
            KeyAttrs::DpHash(v) => {
                k.dp_hash = v;
                DP_HASH
            }
            KeyAttrs::CtState(v) => {
                k.ct_state = v;
                CT_STATE
            }
            KeyAttrs::CtZone(v) => {
                k.ct_zone = v;
                CT_ZONE
            }
            KeyAttrs::CtMark(v) => {
                k.ct_mark = v;
                CT_MARK
            }
            KeyAttrs::CtLabels(v) => {
                k.ct_labels = v
                    .try_into()
                    .map_err(|_| NbError::Framing("ct_labels length"))?;
                CT_LABELS
            }
            KeyAttrs::Ethernet(e) => {
                k.eth_src = e.eth_src;
                k.eth_dst = e.eth_dst;
                ETHERNET
            }
            KeyAttrs::Vlan(v) => {
                k.vlan_tci = v;
                VLAN
            }
            KeyAttrs::Ethertype(v) => {
                k.eth_type = v;
                ETHERTYPE
            }
            KeyAttrs::Ipv4(ip) => {
                k.ipv4_src = ip.ipv4_src();
                k.ipv4_dst = ip.ipv4_dst();
                k.ip_proto = ip.ipv4_proto;
                k.ip_tos = ip.ipv4_tos;
                k.ip_ttl = ip.ipv4_ttl;
                k.ip_frag = ip.ipv4_frag;
                IPV4
            }
            KeyAttrs::Ipv6(ip) => {
                k.ipv6_src = ip.ipv6_src;
                k.ipv6_dst = ip.ipv6_dst;
                k.ipv6_label = ip.ipv6_label();
                k.ip_proto = ip.ipv6_proto;
                k.ip_tos = ip.ipv6_tclass;
                k.ip_ttl = ip.ipv6_hlimit;
                k.ip_frag = ip.ipv6_frag;
                IPV6
            }
            KeyAttrs::Tcp(p) => {
                k.tp_src = p.tcp_src();
                k.tp_dst = p.tcp_dst();
                TCP
            }
            KeyAttrs::Udp(p) => {
                k.tp_src = p.udp_src();
                k.tp_dst = p.udp_dst();
                UDP
            }
            KeyAttrs::TcpFlags(v) => {
                k.tcp_flags = v;
                TCP_FLAGS
            }
            KeyAttrs::Tunnel(t) => {
                decode_tunnel(t, &mut k.tunnel)?;
                TUNNEL
            }
            _ => continue,
        };
        k.present |= 1 << ty;
    }
    Ok(())
}

fn decode_actions(it: netlink_bindings::ovs_flow::IterableActionAttrs<'_>, f: &mut Flow) -> R<()> {
    use action_attr::*;
    for a in it {
        let act = match a? {
            ActionAttrs::Output(p) => Action {
                kind: OUTPUT,
                sub: 0,
                arg: p,
            },
            ActionAttrs::Recirc(id) => Action {
                kind: RECIRC,
                sub: 0,
                arg: id,
            },
            ActionAttrs::PopVlan(()) => Action {
                kind: POP_VLAN,
                sub: 0,
                arg: 0,
            },
            ActionAttrs::PushVlan(v) => Action {
                kind: PUSH_VLAN,
                sub: v.vlan_tpid(),
                arg: v.vlan_tci() as u32,
            },
            ActionAttrs::Userspace(us) => {
                let mut act = Action {
                    kind: USERSPACE,
                    sub: 0,
                    arg: 0,
                };
                for u in us {
                    match u? {
                        UserspaceAttrs::Pid(p) => act.arg = p,
                        UserspaceAttrs::Userdata(d) => {
                            f.set_userdata(d);
                        }
                        UserspaceAttrs::Actions(()) => act.sub |= 1,
                        _ => {}
                    }
                }
                f.upcall_pid = act.arg;
                act
            }
            ActionAttrs::Set(mut inner) => {
                let Some(k) = inner.next() else { continue };
                let sub = match k? {
                    KeyAttrs::Tunnel(t) => {
                        decode_tunnel(t, &mut f.set_tunnel)?;
                        key_attr::TUNNEL
                    }
                    _ => 0,
                };
                Action {
                    kind: SET,
                    sub,
                    arg: 0,
                }
            }
            ActionAttrs::Ct(ct) => {
                let mut act = Action {
                    kind: CT,
                    sub: 0,
                    arg: 0,
                };
                for c in ct {
                    match c? {
                        CtAttrs::Commit(()) => act.sub |= 1,
                        CtAttrs::Zone(z) => act.arg = z as u32,
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
    let mut pos = 0;
    while pos < datagram.len() {
        let rest = &datagram[pos..];
        if rest.len() < Nlmsghdr::len() {
            return Err(NbError::Framing("short nlmsghdr"));
        }
        let h = Nlmsghdr::new_from_zeroed(&rest[..Nlmsghdr::len()]);
        let len = h.len as usize;
        if len < Nlmsghdr::len() || len > rest.len() {
            return Err(NbError::Framing("bad nlmsg_len"));
        }
        pos += (len + 3) & !3;
        match h.r#type {
            1 => continue, // NLMSG_NOOP
            2 => return Err(NbError::Framing("NLMSG_ERROR")),
            3 => break, // NLMSG_DONE
            _ => {}
        }
        let payload = &rest[Nlmsghdr::len()..len];
        if payload.len() < 4 + OvsHeader::len() {
            return Err(NbError::Framing("short genl/ovs header"));
        }
        let (hdr, attrs) = OpGetDump::decode_reply(&payload[4..]);
        let mut f = Flow {
            dp_ifindex: hdr.dp_ifindex,
            ..Flow::default()
        };
        for a in attrs {
            let t = match a? {
                FlowAttrs::Ufid(u) => {
                    f.ufid = u.try_into().map_err(|_| NbError::Framing("ufid length"))?;
                    flow_attr::UFID
                }
                FlowAttrs::Key(k) => {
                    decode_key(k, &mut f.key)?;
                    flow_attr::KEY
                }
                FlowAttrs::Mask(k) => {
                    decode_key(k, &mut f.mask)?;
                    flow_attr::MASK
                }
                FlowAttrs::Stats(s) => {
                    f.n_packets = s.n_packets;
                    f.n_bytes = s.n_bytes;
                    flow_attr::STATS
                }
                FlowAttrs::Used(u) => {
                    f.used = u;
                    flow_attr::USED
                }
                FlowAttrs::TcpFlags(t) => {
                    f.tcp_flags = t;
                    flow_attr::TCP_FLAGS
                }
                FlowAttrs::Actions(acts) => {
                    decode_actions(acts, &mut f)?;
                    flow_attr::ACTIONS
                }
                _ => continue,
            };
            f.attrs |= 1 << t;
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

fn push_tunnel<P: Pusher>(mut b: PushTunnelKeyAttrs<P>, t: &TunnelKey) -> PushTunnelKeyAttrs<P> {
    use tun_attr::*;
    let p = t.present as u32;
    if has(p, ID) {
        b = b.push_id(t.id);
    }
    if has(p, IPV4_SRC) {
        b = b.push_ipv4_src(t.ipv4_src);
    }
    if has(p, IPV4_DST) {
        b = b.push_ipv4_dst(t.ipv4_dst);
    }
    if has(p, TOS) {
        b = b.push_tos(t.tos);
    }
    if has(p, TTL) {
        b = b.push_ttl(t.ttl);
    }
    if has(p, DONT_FRAGMENT) {
        b = b.push_dont_fragment(());
    }
    if has(p, CSUM) {
        b = b.push_csum(());
    }
    if has(p, TP_SRC) {
        b = b.push_tp_src(t.tp_src);
    }
    if has(p, TP_DST) {
        b = b.push_tp_dst(t.tp_dst);
    }
    b
}

fn push_key<P: Pusher>(mut b: PushKeyAttrs<P>, k: &FlowKey) -> PushKeyAttrs<P> {
    use key_attr::*;
    let p = k.present;
    if has(p, RECIRC_ID) {
        b = b.push_recirc_id(k.recirc_id);
    }
    if has(p, DP_HASH) {
        b = b.push_dp_hash(k.dp_hash);
    }
    if has(p, PRIORITY) {
        b = b.push_priority(k.priority);
    }
    if has(p, TUNNEL) {
        b = push_tunnel(b.nested_tunnel(), &k.tunnel).end_nested();
    }
    if has(p, IN_PORT) {
        b = b.push_in_port(k.in_port);
    }
    if has(p, SKB_MARK) {
        b = b.push_skb_mark(k.skb_mark);
    }
    if has(p, CT_STATE) {
        b = b.push_ct_state(k.ct_state);
    }
    if has(p, CT_ZONE) {
        b = b.push_ct_zone(k.ct_zone);
    }
    if has(p, CT_MARK) {
        b = b.push_ct_mark(k.ct_mark);
    }
    if has(p, CT_LABELS) {
        b = b.push_ct_labels(&k.ct_labels);
    }
    if has(p, ETHERNET) {
        b = b.push_ethernet(OvsKeyEthernet {
            eth_src: k.eth_src,
            eth_dst: k.eth_dst,
        });
    }
    if has(p, VLAN) {
        b = b.push_vlan(k.vlan_tci);
    }
    if has(p, ETHERTYPE) {
        b = b.push_ethertype(k.eth_type);
    }
    if has(p, IPV4) {
        let mut ip = OvsKeyIpv4::new();
        ip.set_ipv4_src(k.ipv4_src);
        ip.set_ipv4_dst(k.ipv4_dst);
        ip.ipv4_proto = k.ip_proto;
        ip.ipv4_tos = k.ip_tos;
        ip.ipv4_ttl = k.ip_ttl;
        ip.ipv4_frag = k.ip_frag;
        b = b.push_ipv4(ip);
    }
    if has(p, IPV6) {
        let mut ip = OvsKeyIpv6::new();
        ip.ipv6_src = k.ipv6_src;
        ip.ipv6_dst = k.ipv6_dst;
        ip.set_ipv6_label(k.ipv6_label);
        ip.ipv6_proto = k.ip_proto;
        ip.ipv6_tclass = k.ip_tos;
        ip.ipv6_hlimit = k.ip_ttl;
        ip.ipv6_frag = k.ip_frag;
        b = b.push_ipv6(ip);
    }
    if has(p, TCP) {
        let mut t = OvsKeyTcp::new();
        t.set_tcp_src(k.tp_src);
        t.set_tcp_dst(k.tp_dst);
        b = b.push_tcp(t);
    }
    if has(p, UDP) {
        let mut u = OvsKeyUdp::new();
        u.set_udp_src(k.tp_src);
        u.set_udp_dst(k.tp_dst);
        b = b.push_udp(u);
    }
    if has(p, TCP_FLAGS) {
        b = b.push_tcp_flags(k.tcp_flags);
    }
    b
}

fn push_actions<P: Pusher>(mut b: PushActionAttrs<P>, f: &Flow) -> PushActionAttrs<P> {
    use action_attr::*;
    for a in f.actions() {
        b = match a.kind {
            OUTPUT => b.push_output(a.arg),
            RECIRC => b.push_recirc(a.arg),
            POP_VLAN => b.push_pop_vlan(()),
            PUSH_VLAN => {
                let mut v = OvsActionPushVlan::new();
                v.set_vlan_tpid(a.sub);
                v.set_vlan_tci(a.arg as u16);
                b.push_push_vlan(v)
            }
            USERSPACE => {
                let mut u = b
                    .nested_userspace()
                    .push_pid(a.arg)
                    .push_userdata(&f.userdata[..f.userdata_len as usize]);
                if a.sub & 1 != 0 {
                    u = u.push_actions(());
                }
                u.end_nested()
            }
            SET => push_tunnel(b.nested_set().nested_tunnel(), &f.set_tunnel)
                .end_nested()
                .end_nested(),
            CT => {
                let mut c = b.nested_ct();
                if a.sub & 1 != 0 {
                    c = c.push_commit(());
                }
                c.push_zone(a.arg as u16).end_nested()
            }
            _ => unreachable!(),
        };
    }
    b
}

/// Encodes one OVS_FLOW_CMD_NEW per flow, back to back, into `buf` (cleared first).
/// The nlmsghdr and genlmsghdr are written by hand: netlink-bindings leaves them to
/// netlink-socket2, which prepends them with `writev` at send time.
pub fn encode_puts(buf: &mut Vec<u8>, flows: &[Flow]) {
    buf.clear();
    for (i, f) in flows.iter().enumerate() {
        let start = buf.len();
        let mut h = Nlmsghdr::new();
        h.r#type = OVS_FLOW_FAMILY;
        h.flags = (nlwire::consts::NLM_F_REQUEST | nlwire::consts::NLM_F_CREATE) as u16;
        h.seq = i as u32 + 1;
        buf.extend_from_slice(h.as_slice());
        buf.extend_from_slice(&[OVS_FLOW_CMD_NEW, OVS_FLOW_VERSION, 0, 0]);
        let mut hdr = OvsHeader::new();
        hdr.dp_ifindex = f.dp_ifindex;
        let p = OpNewDo::encode_request(buf, &hdr).push_ufid(&f.ufid);
        let p = push_key(p.nested_key(), &f.key).end_nested();
        let p = push_key(p.nested_mask(), &f.mask).end_nested();
        let p = push_actions(p.nested_actions(), f).end_nested();
        drop(p);
        let pad = (4 - buf.len() % 4) % 4;
        buf.extend_from_slice(&[0u8; 3][..pad]);
        let len = (buf.len() - start) as u32;
        buf[start..start + 4].copy_from_slice(&len.to_ne_bytes());
    }
}

// ---------------------------------------------------------------- accessor style

fn tunnel_by_getters(t: &IterableTunnelKeyAttrs<'_>, out: &mut TunnelKey) {
    use tun_attr::*;
    macro_rules! g {
        ($get:ident, $f:ident, $ty:expr) => {
            if let Ok(v) = t.$get() {
                out.$f = v;
                out.present |= 1 << $ty;
            }
        };
    }
    g!(get_id, id, ID);
    g!(get_ipv4_src, ipv4_src, IPV4_SRC);
    g!(get_ipv4_dst, ipv4_dst, IPV4_DST);
    g!(get_tos, tos, TOS);
    g!(get_ttl, ttl, TTL);
    if t.get_dont_fragment().is_ok() {
        out.present |= 1 << DONT_FRAGMENT;
    }
    if t.get_csum().is_ok() {
        out.present |= 1 << CSUM;
    }
    g!(get_tp_src, tp_src, TP_SRC);
    g!(get_tp_dst, tp_dst, TP_DST);
}

fn key_by_getters(k: &IterableKeyAttrs<'_>, out: &mut FlowKey) -> R<()> {
    use key_attr::*;
    macro_rules! g {
        ($get:ident, $f:ident, $ty:expr) => {
            if let Ok(v) = k.$get() {
                out.$f = v;
                out.present |= 1 << $ty;
            }
        };
    }
    g!(get_priority, priority, PRIORITY);
    g!(get_in_port, in_port, IN_PORT);
    g!(get_skb_mark, skb_mark, SKB_MARK);
    g!(get_recirc_id, recirc_id, RECIRC_ID);
    g!(get_dp_hash, dp_hash, DP_HASH);
    g!(get_ct_state, ct_state, CT_STATE);
    g!(get_ct_zone, ct_zone, CT_ZONE);
    g!(get_ct_mark, ct_mark, CT_MARK);
    g!(get_vlan, vlan_tci, VLAN);
    g!(get_ethertype, eth_type, ETHERTYPE);
    g!(get_tcp_flags, tcp_flags, TCP_FLAGS);
    if let Ok(v) = k.get_ct_labels() {
        out.ct_labels = v
            .try_into()
            .map_err(|_| NbError::Framing("ct_labels length"))?;
        out.present |= 1 << CT_LABELS;
    }
    if let Ok(e) = k.get_ethernet() {
        out.eth_src = e.eth_src;
        out.eth_dst = e.eth_dst;
        out.present |= 1 << ETHERNET;
    }
    if let Ok(ip) = k.get_ipv4() {
        out.ipv4_src = ip.ipv4_src();
        out.ipv4_dst = ip.ipv4_dst();
        out.ip_proto = ip.ipv4_proto;
        out.ip_tos = ip.ipv4_tos;
        out.ip_ttl = ip.ipv4_ttl;
        out.ip_frag = ip.ipv4_frag;
        out.present |= 1 << IPV4;
    }
    if let Ok(ip) = k.get_ipv6() {
        out.ipv6_src = ip.ipv6_src;
        out.ipv6_dst = ip.ipv6_dst;
        out.ipv6_label = ip.ipv6_label();
        out.ip_proto = ip.ipv6_proto;
        out.ip_tos = ip.ipv6_tclass;
        out.ip_ttl = ip.ipv6_hlimit;
        out.ip_frag = ip.ipv6_frag;
        out.present |= 1 << IPV6;
    }
    if let Ok(p) = k.get_tcp() {
        out.tp_src = p.tcp_src();
        out.tp_dst = p.tcp_dst();
        out.present |= 1 << TCP;
    }
    if let Ok(p) = k.get_udp() {
        out.tp_src = p.udp_src();
        out.tp_dst = p.udp_dst();
        out.present |= 1 << UDP;
    }
    if let Ok(t) = k.get_tunnel() {
        tunnel_by_getters(&t, &mut out.tunnel);
        out.present |= 1 << TUNNEL;
    }
    Ok(())
}

/// The same decode through the generated `get_*` accessors that the crate documents
/// for replies (each re-scans its attribute set from the start); the action list is
/// still walked once, since its order matters.
pub fn decode_dump_getters(datagram: &[u8], mut sink: impl FnMut(&Flow)) -> R<usize> {
    let mut n = 0;
    let mut pos = 0;
    while pos < datagram.len() {
        let rest = &datagram[pos..];
        if rest.len() < Nlmsghdr::len() {
            return Err(NbError::Framing("short nlmsghdr"));
        }
        let h = Nlmsghdr::new_from_zeroed(&rest[..Nlmsghdr::len()]);
        let len = h.len as usize;
        if len < Nlmsghdr::len() || len > rest.len() {
            return Err(NbError::Framing("bad nlmsg_len"));
        }
        pos += (len + 3) & !3;
        match h.r#type {
            1 => continue,
            2 => return Err(NbError::Framing("NLMSG_ERROR")),
            3 => break,
            _ => {}
        }
        let payload = &rest[Nlmsghdr::len()..len];
        if payload.len() < 4 + OvsHeader::len() {
            return Err(NbError::Framing("short genl/ovs header"));
        }
        let (hdr, attrs) = OpGetDump::decode_reply(&payload[4..]);
        let mut f = Flow {
            dp_ifindex: hdr.dp_ifindex,
            ..Flow::default()
        };
        if let Ok(u) = attrs.get_ufid() {
            f.ufid = u.try_into().map_err(|_| NbError::Framing("ufid length"))?;
            f.attrs |= 1 << flow_attr::UFID;
        }
        if let Ok(k) = attrs.get_key() {
            key_by_getters(&k, &mut f.key)?;
            f.attrs |= 1 << flow_attr::KEY;
        }
        if let Ok(k) = attrs.get_mask() {
            key_by_getters(&k, &mut f.mask)?;
            f.attrs |= 1 << flow_attr::MASK;
        }
        if let Ok(s) = attrs.get_stats() {
            f.n_packets = s.n_packets;
            f.n_bytes = s.n_bytes;
            f.attrs |= 1 << flow_attr::STATS;
        }
        if let Ok(u) = attrs.get_used() {
            f.used = u;
            f.attrs |= 1 << flow_attr::USED;
        }
        if let Ok(t) = attrs.get_tcp_flags() {
            f.tcp_flags = t;
            f.attrs |= 1 << flow_attr::TCP_FLAGS;
        }
        if let Ok(a) = attrs.get_actions() {
            decode_actions(a, &mut f)?;
            f.attrs |= 1 << flow_attr::ACTIONS;
        }
        sink(&f);
        n += 1;
    }
    Ok(n)
}
