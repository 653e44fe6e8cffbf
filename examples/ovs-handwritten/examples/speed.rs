//! Rough timing of derived decode/encode against a hand-written loop over nlwire's raw
//! attribute reader, on a 100-flow dump-like datagram. Not a benchmark suite (that is
//! `benches/`, with criterion and the peers); a check that generated code costs no more
//! than writing it by hand. Run with `cargo run --release --example speed`.

use std::hint::black_box;
use std::time::Instant;

use nlwire::consts::NLM_F_MULTI;
use nlwire::{Attrs, Message, Messages, MsgBuf, OvsHeader};
use ovs_handwritten::*;

fn flow(i: u32) -> FlowNew {
    let key = FlowKey {
        in_port: Some(i % 8),
        ethernet: Some(OvsKeyEthernet {
            eth_src: [2, 0, 0, 0, 0, i as u8],
            eth_dst: [2, 0, 0, 0, 1, 0],
        }),
        eth_type: Some(0x0800),
        ipv4: Some(OvsKeyIpv4 {
            ipv4_src: (0x0a00_0000 + i).into(),
            ipv4_dst: 0x0a00_0001.into(),
            ipv4_proto: 6,
            ipv4_tos: 0,
            ipv4_ttl: 64,
            ipv4_frag: 0,
        }),
        tcp: Some(OvsKeyTcp {
            tcp_src: (1000 + i as u16).into(),
            tcp_dst: 443.into(),
        }),
        recirc_id: Some(0),
        dp_hash: Some(0),
        skb_mark: Some(0),
        ..FlowKey::default()
    };
    FlowNew {
        header: OvsHeader::new(1),
        flow: Flow {
            ufid: Some(vec![i as u8; 16]),
            mask: Some(key.clone()),
            key: Some(key),
            actions: Some(vec![
                Action::Set(SetKey::SkbMark(i)),
                Action::PushVlan(OvsActionPushVlan {
                    vlan_tpid: 0x8100.into(),
                    vlan_tci: 0x1064.into(),
                }),
                Action::Output(i % 4),
            ]),
            stats: Some(OvsFlowStats {
                n_packets: u64::from(i).into(),
                n_bytes: u64::from(i * 100).into(),
            }),
            used: Some(u64::from(i)),
            ..Flow::default()
        },
    }
}

fn derived(datagram: &[u8]) -> u64 {
    let mut acc = 0u64;
    for m in Messages::new(datagram) {
        let v = FlowNew::decode_msg(m.unwrap(), &nlwire::Limits::DEFAULT).unwrap();
        let f = v.flow;
        let k = f.key.unwrap();
        acc += u64::from(k.in_port.unwrap()) + u64::from(k.tcp.unwrap().tcp_src.get());
        acc += f.stats.unwrap().n_packets.get() + f.ufid.unwrap()[0] as u64;
        for a in f.actions.unwrap() {
            acc += match a {
                ActionView::Output(p) => u64::from(p),
                ActionView::Set(SetKeyView::SkbMark(m)) => u64::from(m),
                _ => 1,
            };
        }
    }
    acc
}

/// The same work written by hand over `Attrs` (no policy, no views): the floor.
fn by_hand(datagram: &[u8]) -> u64 {
    let mut acc = 0u64;
    for m in Messages::new(datagram) {
        let m = m.unwrap();
        let (_, _, attrs) = m.genl_fixed::<OvsHeader>("ovs_header").unwrap();
        for a in Attrs::new(attrs) {
            let a = a.unwrap();
            match a.ty() {
                1 => {
                    for k in a.nested() {
                        let k = k.unwrap();
                        match k.ty() {
                            3 => acc += u64::from(k.get_u32().unwrap()),
                            9 => {
                                acc +=
                                    u64::from(u16::from_be_bytes([k.payload()[0], k.payload()[1]]))
                            }
                            _ => {}
                        }
                    }
                }
                2 => {
                    for act in a.nested() {
                        let act = act.unwrap();
                        acc += match act.ty() {
                            1 => u64::from(act.get_u32().unwrap()),
                            3 => {
                                u64::from(act.nested().next().unwrap().unwrap().get_u32().unwrap())
                            }
                            _ => 1,
                        };
                    }
                }
                3 => acc += u64::from_ne_bytes(a.payload()[..8].try_into().unwrap()),
                9 => acc += u64::from(a.payload()[0]),
                _ => {}
            }
        }
    }
    acc
}

fn time(name: &str, n: usize, mut f: impl FnMut() -> u64) {
    let start = Instant::now();
    let mut acc = 0;
    for _ in 0..n {
        acc += black_box(f());
    }
    let per = start.elapsed() / n as u32;
    println!("{name:28} {per:?} per datagram (checksum {acc})");
}

fn main() {
    let flows: Vec<FlowNew> = (0..100).map(flow).collect();
    let mut buf = MsgBuf::with_capacity(64 << 10);
    for f in &flows {
        f.encode(&mut buf, 0x1e, NLM_F_MULTI).unwrap();
    }
    let datagram = buf.to_vec();
    println!("100 flows, {} bytes", datagram.len());
    assert_eq!(derived(&datagram), by_hand(&datagram));
    // `speed decode` runs only the derived decode (for callgrind).
    if std::env::args().nth(1).as_deref() == Some("decode") {
        let rounds: usize = std::env::args()
            .nth(2)
            .and_then(|n| n.parse().ok())
            .unwrap_or(10);
        let mut acc = 0;
        for _ in 0..rounds {
            acc += derived(black_box(&datagram));
        }
        println!("checksum {acc}");
        return;
    }
    let n = 20_000;
    time("decode: derived views", n, || derived(black_box(&datagram)));
    time("decode: by hand over Attrs", n, || {
        by_hand(black_box(&datagram))
    });
    time("encode: derived", n, || {
        buf.clear();
        for f in &flows {
            f.encode(&mut buf, 0x1e, NLM_F_MULTI).unwrap();
        }
        buf.len() as u64
    });
}
