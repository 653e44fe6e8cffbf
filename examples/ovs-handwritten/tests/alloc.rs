//! Decoding a view allocates nothing, and encoding into a reused buffer allocates nothing
//! once the buffer has grown to the message size. Counted with a global allocator that
//! counts only the allocations of the thread that asked (the test harness's own threads
//! allocate at times of their choosing).

use nlwire::consts::{NLM_F_CREATE, NLM_F_REQUEST};
use nlwire::{AttrSet, Message, MsgBuf, OvsHeader};
use nlwire_testkit::alloc::{CountingAlloc, allocations_in as allocations};
use ovs_handwritten::*;

#[global_allocator]
static GLOBAL: CountingAlloc = CountingAlloc;

fn busy_flow() -> FlowNew {
    let inner = FlowKey {
        eth_type: Some(0x0800),
        ipv4: Some(OvsKeyIpv4 {
            ipv4_src: 0x0a00_0001.into(),
            ipv4_dst: 0x0a00_0002.into(),
            ipv4_proto: 17,
            ipv4_tos: 0,
            ipv4_ttl: 64,
            ipv4_frag: 0,
        }),
        udp: Some(OvsKeyUdp {
            udp_src: 53.into(),
            udp_dst: 5353.into(),
        }),
        ..FlowKey::default()
    };
    FlowNew {
        header: OvsHeader::new(7),
        flow: Flow {
            ufid: Some(vec![0xab; 16]),
            key: Some(FlowKey {
                in_port: Some(3),
                ethernet: Some(OvsKeyEthernet {
                    eth_src: [2, 0, 0, 0, 0, 1],
                    eth_dst: [2, 0, 0, 0, 0, 2],
                }),
                vlan: Some(0x1064),
                eth_type: Some(0x8100),
                encap: Some(Box::new(inner.clone())),
                mpls: Some(vec![OvsKeyMpls {
                    mpls_lse: 0x1234_5000.into(),
                }]),
                tunnel: Some(TunnelKey {
                    id: Some(42),
                    ipv4_dst: Some(0xc0a8_0001),
                    ttl: Some(64),
                    csum: true,
                    ..TunnelKey::default()
                }),
                ..FlowKey::default()
            }),
            mask: Some(inner),
            actions: Some(vec![
                Action::PushVlan(OvsActionPushVlan {
                    vlan_tpid: 0x8100.into(),
                    vlan_tci: 0x1064.into(),
                }),
                Action::Set(SetKey::SkbMark(9)),
                Action::Ct(Ct {
                    commit: true,
                    zone: Some(5),
                    helper: Some("ftp".into()),
                    nat: Some(Nat {
                        src: true,
                        ip_min: Some(vec![10, 0, 0, 1]),
                        ..Nat::default()
                    }),
                    ..Ct::default()
                }),
                Action::Sample(Sample {
                    probability: u32::MAX,
                    actions: vec![
                        Action::Userspace(Userspace {
                            pid: 77,
                            userdata: Some(vec![1; 8]),
                            ..Userspace::default()
                        }),
                        Action::Clone(vec![Action::PopVlan, Action::Output(9)]),
                    ],
                }),
                Action::Output(2),
            ]),
            stats: Some(OvsFlowStats {
                n_packets: 10.into(),
                n_bytes: 1000.into(),
            }),
            used: Some(123_456),
            ..Flow::default()
        },
    }
}

/// Touches every part of a decoded view, including lazy lists and the lazy ENCAP key.
fn walk(view: &FlowNewView<'_>) -> usize {
    let mut n = view.header.dp_ifindex.get() as usize;
    let key = view.flow.key.unwrap();
    n += key.in_port.unwrap() as usize;
    n += key.encap.unwrap().get().udp.unwrap().udp_dst.get() as usize;
    n += key.mpls.unwrap().len();
    n += usize::from(key.tunnel.unwrap().csum);
    fn actions(list: nlwire::view::AttrList<'_, Action>) -> usize {
        let mut n = 0;
        for a in list {
            n += match a {
                ActionView::Output(p) => p as usize,
                ActionView::Sample(s) => actions(s.actions),
                ActionView::Clone(l) => actions(l),
                ActionView::Ct(ct) => {
                    ct.helper.unwrap().len() + ct.nat.unwrap().ip_min.unwrap().len()
                }
                ActionView::Userspace(u) => u.userdata.unwrap().len(),
                _ => 1,
            };
        }
        n
    }
    n + actions(view.flow.actions.unwrap())
}

#[test]
fn decode_and_encode_do_not_allocate() {
    // The counter sees this thread's allocations.
    assert!(allocations(|| drop(std::hint::black_box(vec![1u8; 10]))) >= 1);

    let msg = busy_flow();
    let mut buf = MsgBuf::with_capacity(64);
    // Warm-up: the buffer grows to the message size once.
    for _ in 0..2 {
        buf.clear();
        msg.encode(&mut buf, 0x1e, NLM_F_REQUEST | NLM_F_CREATE)
            .unwrap();
    }
    let n = allocations(|| {
        for _ in 0..100 {
            buf.clear();
            msg.encode(&mut buf, 0x1e, NLM_F_REQUEST | NLM_F_CREATE)
                .unwrap();
        }
    });
    assert_eq!(n, 0, "encoding into a reused buffer allocated {n} times");

    let bytes = buf.to_vec();
    let mut total = 0;
    let n = allocations(|| {
        for _ in 0..100 {
            let view = FlowNew::decode(&bytes).unwrap();
            total += walk(&view);
            let flow = Flow::decode(&bytes[24..]).unwrap();
            total += flow.unknown();
        }
    });
    assert_eq!(n, 0, "decoding a view allocated {n} times");
    assert!(total > 0);

    // Decoding errors allocate nothing either (the path lives inline in the error).
    let mut bad = bytes.clone();
    bad[24] = 3; // the first attribute's nla_len (3 is shorter than its header)
    let n = allocations(|| {
        for _ in 0..100 {
            assert!(FlowNew::decode(&bad).is_err());
        }
    });
    assert_eq!(n, 0, "a failed decode allocated {n} times");

    // Sanity: the owned form does allocate (strings, vectors) and equals the original.
    assert_eq!(FlowNew::decode_owned(&bytes).unwrap(), msg);
}
