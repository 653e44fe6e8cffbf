//! Deterministic, realistic OVS megaflows, and the kernel's dump reply built from them
//! with nlwire (attribute order, PAD attributes and flags as `ovs_flow_cmd_fill_info`
//! emits them).

use super::model::*;
use super::wire_nlwire::{put_actions, put_key};
use nlwire::consts::{NLM_F_MULTI, NLMSG_HDRLEN};
use nlwire::{MsgBuf, OvsHeader};

/// The dp_ifindex every generated message carries.
pub const DP_IFINDEX: u32 = 7;
/// The netlink port id the replies are addressed to.
pub const PORTID: u32 = 0x0bad_cafe;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn u32(&mut self) -> u32 {
        (self.next() >> 16) as u32
    }
    fn u16(&mut self) -> u16 {
        (self.next() >> 24) as u16
    }
    fn u8(&mut self) -> u8 {
        (self.next() >> 32) as u8
    }
    fn bytes<const N: usize>(&mut self) -> [u8; N] {
        let mut b = [0u8; N];
        for x in &mut b {
            *x = self.u8();
        }
        b
    }
}

fn bit(t: u16) -> u32 {
    1 << t
}

fn tunnel_value(r: &mut Rng) -> TunnelKey {
    use tun_attr::*;
    TunnelKey {
        id: r.u32() as u64 & 0x00ff_ffff,
        ipv4_src: 0xc0a8_0000 | r.u16() as u32,
        ipv4_dst: 0xc0a8_0000 | r.u16() as u32,
        tp_src: 49152 + (r.u16() & 0x3fff),
        tp_dst: 4789,
        tos: 0,
        ttl: 64,
        present: [
            ID,
            IPV4_SRC,
            IPV4_DST,
            TOS,
            TTL,
            DONT_FRAGMENT,
            TP_SRC,
            TP_DST,
        ]
        .iter()
        .fold(0, |a, t| a | (1 << t)),
    }
}

fn tunnel_mask(v: &TunnelKey) -> TunnelKey {
    use tun_attr::*;
    TunnelKey {
        id: u64::MAX,
        ipv4_src: 0,
        ipv4_dst: u32::MAX,
        tp_src: 0,
        tp_dst: u16::MAX,
        tos: 0,
        ttl: 0,
        present: v.present & !(1 << CSUM),
    }
}

/// `n` flows: about 60% IPv4/TCP behind conntrack, 20% IPv4/UDP received from a VXLAN
/// tunnel, 20% IPv6/TCP; actions mix output, ct+recirc, push_vlan, pop_vlan,
/// set(tunnel(...)) and userspace.
pub fn flows(n: usize) -> Vec<Flow> {
    use key_attr::*;
    let mut r = Rng(0x9e37_79b9_7f4a_7c15);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let mut f = Flow {
            dp_ifindex: DP_IFINDEX,
            ufid: r.bytes(),
            ..Flow::default()
        };
        let class = i % 10;
        let (ipv6, udp, tunnel) = (
            class == 8 || class == 9,
            class == 6 || class == 7,
            class == 6 || class == 7,
        );
        let k = &mut f.key;
        let m = &mut f.mask;
        k.present = [
            RECIRC_ID, DP_HASH, PRIORITY, IN_PORT, SKB_MARK, CT_STATE, CT_ZONE, CT_MARK, CT_LABELS,
            ETHERNET, ETHERTYPE,
        ]
        .iter()
        .fold(0, |a, t| a | bit(*t));
        k.recirc_id = if i % 3 == 0 { 0 } else { 1 + (i as u32 % 7) };
        k.dp_hash = 0;
        k.priority = 0;
        k.in_port = 1 + (i as u32 % 12);
        k.skb_mark = 0;
        k.ct_state = if k.recirc_id != 0 { 0x22 } else { 0 };
        k.ct_zone = if k.recirc_id != 0 { 5 } else { 0 };
        k.ct_mark = r.u32() & 0xff;
        k.ct_labels = [0; 16];
        k.ct_labels[15] = (i & 0xff) as u8;
        k.eth_src = [0x52, 0x54, 0x00, r.u8(), r.u8(), r.u8()];
        k.eth_dst = [0x52, 0x54, 0x00, r.u8(), r.u8(), r.u8()];
        *m = FlowKey {
            present: k.present,
            recirc_id: u32::MAX,
            in_port: u32::MAX,
            ct_state: 0x3f,
            ct_zone: u16::MAX,
            eth_type: u16::MAX,
            eth_dst: [0xff; 6],
            ..FlowKey::default()
        };
        if tunnel {
            k.present |= bit(TUNNEL);
            m.present |= bit(TUNNEL);
            k.tunnel = tunnel_value(&mut r);
            m.tunnel = tunnel_mask(&k.tunnel);
        }
        if ipv6 {
            k.eth_type = 0x86dd;
            k.present |= bit(IPV6);
            k.ipv6_src = [0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, r.u8(), r.u8()];
            k.ipv6_dst = [0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, r.u8(), r.u8()];
            k.ipv6_label = r.u32() & 0x000f_ffff;
            k.ip_ttl = 64;
            m.present |= bit(IPV6);
            m.ipv6_dst = [0xff; 16];
            m.ipv6_src = [
                0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0,
            ];
        } else {
            k.eth_type = 0x0800;
            k.present |= bit(IPV4);
            k.ipv4_src = 0x0a00_0000 | (r.u32() & 0xffff);
            k.ipv4_dst = 0x0a01_0000 | (r.u32() & 0xffff);
            k.ip_tos = if i % 5 == 0 { 0x10 } else { 0 };
            k.ip_ttl = 64;
            m.present |= bit(IPV4);
            m.ipv4_src = 0xffff_ff00;
            m.ipv4_dst = u32::MAX;
        }
        k.ip_frag = 0;
        m.ip_proto = 0xff;
        m.ip_frag = 0xff;
        if udp {
            k.ip_proto = 17;
            k.present |= bit(UDP);
            m.present |= bit(UDP);
        } else {
            k.ip_proto = 6;
            k.present |= bit(TCP) | bit(TCP_FLAGS);
            m.present |= bit(TCP) | bit(TCP_FLAGS);
            k.tcp_flags = 0x0010;
        }
        k.tp_src = 32768 + (r.u16() & 0x7fff);
        k.tp_dst = [80, 443, 22, 8080, 53][i % 5];
        m.tp_dst = u16::MAX;

        // Stats: most flows have seen packets.
        if i % 11 != 10 {
            f.attrs |= 1 << flow_attr::STATS | 1 << flow_attr::USED;
            f.n_packets = 1 + (r.u32() as u64 % 1_000_000);
            f.n_bytes = f.n_packets * (64 + (r.u32() as u64 % 1400));
            f.used = 4_294_000_000 + r.u32() as u64;
            if !udp {
                f.attrs |= 1 << flow_attr::TCP_FLAGS;
                f.tcp_flags = 0x1b;
            }
        }
        f.attrs |= 1 << flow_attr::UFID
            | 1 << flow_attr::KEY
            | 1 << flow_attr::MASK
            | 1 << flow_attr::ACTIONS;

        // Actions.
        use action_attr::*;
        let port = 1 + (r.u32() % 12);
        match i % 7 {
            0 if f.key.recirc_id == 0 => {
                f.push_action(Action {
                    kind: CT,
                    sub: 1,
                    arg: 5,
                });
                f.push_action(Action {
                    kind: RECIRC,
                    sub: 0,
                    arg: 1 + (i as u32 % 7),
                });
            }
            1 | 4 => {
                f.set_tunnel = tunnel_value(&mut r);
                f.set_tunnel.present &= !(1 << tun_attr::TP_SRC);
                f.set_tunnel.tp_src = 0;
                f.push_action(Action {
                    kind: SET,
                    sub: TUNNEL,
                    arg: 0,
                });
                f.push_action(Action {
                    kind: OUTPUT,
                    sub: 0,
                    arg: 100,
                });
            }
            2 => {
                f.push_action(Action {
                    kind: PUSH_VLAN,
                    sub: 0x8100,
                    arg: 0x1000 | (i as u32 % 4000),
                });
                f.push_action(Action {
                    kind: OUTPUT,
                    sub: 0,
                    arg: port,
                });
            }
            3 => {
                f.upcall_pid = 0x1000 + r.u32() % 64;
                let ud: [u8; 8] = r.bytes();
                f.set_userdata(&ud);
                f.push_action(Action {
                    kind: USERSPACE,
                    sub: 1,
                    arg: f.upcall_pid,
                });
            }
            5 => {
                f.push_action(Action {
                    kind: POP_VLAN,
                    sub: 0,
                    arg: 0,
                });
                f.push_action(Action {
                    kind: OUTPUT,
                    sub: 0,
                    arg: port,
                });
                f.push_action(Action {
                    kind: OUTPUT,
                    sub: 0,
                    arg: port + 1,
                });
            }
            _ => {
                f.push_action(Action {
                    kind: OUTPUT,
                    sub: 0,
                    arg: port,
                });
            }
        }
        out.push(f);
    }
    out
}

/// Puts an `OVS_FLOW_ATTR_PAD` when the next u64 payload would not be 8-aligned
/// (the kernel's `nla_put_64bit`).
fn pad_for_u64(b: &mut MsgBuf<'_>) {
    if (b.len() + 4) % 8 != 0 {
        b.put_attr_flag(flow_attr::PAD).unwrap();
    }
}

/// Appends one flow as the kernel writes it into a dump reply.
pub fn put_dump_msg(b: &mut MsgBuf<'_>, f: &Flow, seq: u32) {
    let m = b.start_genl_msg(
        OVS_FLOW_FAMILY,
        NLM_F_MULTI,
        OVS_FLOW_CMD_NEW,
        OVS_FLOW_VERSION,
    );
    b.put(nlwire::zerocopy::IntoBytes::as_bytes(&OvsHeader::new(
        f.dp_ifindex as i32,
    )));
    b.put_attr(flow_attr::UFID, &f.ufid).unwrap();
    let n = b.start_nested(flow_attr::KEY);
    put_key(b, &f.key);
    b.end_nested(n).unwrap();
    let n = b.start_nested(flow_attr::MASK);
    put_key(b, &f.mask);
    b.end_nested(n).unwrap();
    if f.attrs & (1 << flow_attr::USED) != 0 {
        pad_for_u64(b);
        b.put_attr_u64(flow_attr::USED, f.used).unwrap();
    }
    if f.attrs & (1 << flow_attr::STATS) != 0 {
        pad_for_u64(b);
        let mut s = [0u8; 16];
        s[..8].copy_from_slice(&f.n_packets.to_ne_bytes());
        s[8..].copy_from_slice(&f.n_bytes.to_ne_bytes());
        b.put_attr(flow_attr::STATS, &s).unwrap();
    }
    if f.attrs & (1 << flow_attr::TCP_FLAGS) != 0 {
        b.put_attr_u8(flow_attr::TCP_FLAGS, f.tcp_flags).unwrap();
    }
    let n = b.start_nested(flow_attr::ACTIONS);
    put_actions(b, f);
    b.end_nested(n).unwrap();
    let off = m.offset();
    b.end_msg(m).unwrap();
    let bytes = b.as_mut_slice();
    bytes[off + 8..off + 12].copy_from_slice(&seq.to_ne_bytes());
    bytes[off + 12..off + 16].copy_from_slice(&PORTID.to_ne_bytes());
}

/// One dump-reply datagram holding every flow in `flows`.
pub fn dump_datagram(flows: &[Flow]) -> Vec<u8> {
    let mut b = MsgBuf::with_capacity(64 * 1024);
    for f in flows {
        put_dump_msg(&mut b, f, 1);
    }
    debug_assert!(b.len() > NLMSG_HDRLEN);
    b.to_vec()
}
