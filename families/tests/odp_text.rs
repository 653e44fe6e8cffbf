//! ODP text on the host: OVS's own formatting corpus (tests/odp.at of OVS 3.1, the
//! `ovs-dpctl` in the VM) parsed and printed back, wire round trips of what was parsed,
//! normalization, and `ovs-dpctl` output parsing.
#![cfg(feature = "ovs")]

use nlwire::{AttrSet, Encode};
use nlwire_families::ovs::attrs::*;
use nlwire_families::ovs::{dpctl, odp};

/// Exact keys from odp.at ("valid forms"), in the order the kernel emits attributes.
const EXACT_KEYS: &[&str] = &[
    "in_port(1),eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15)",
    "in_port(1),eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15),eth_type(0x1234)",
    "in_port(1),eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15),eth_type(0x0800),ipv4(src=35.8.2.41,dst=172.16.0.20,proto=5,tos=0x80,ttl=128,frag=no)",
    "in_port(1),eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15),eth_type(0x0800),ipv4(src=35.8.2.41,dst=172.16.0.20,proto=5,tos=0x81,ttl=128,frag=first)",
    "in_port(1),eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15),eth_type(0x0800),ipv4(src=35.8.2.41,dst=172.16.0.20,proto=5,tos=0x80,ttl=128,frag=later)",
    "in_port(1),eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15),eth_type(0x0800),ipv4(src=35.8.2.41,dst=172.16.0.20,proto=6,tos=0,ttl=128,frag=no),tcp(src=80,dst=8080)",
    "in_port(1),eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15),eth_type(0x0800),ipv4(src=35.8.2.41,dst=172.16.0.20,proto=17,tos=0,ttl=128,frag=no),udp(src=81,dst=6632)",
    "in_port(1),eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15),eth_type(0x0800),ipv4(src=35.8.2.41,dst=172.16.0.20,proto=1,tos=0,ttl=128,frag=no),icmp(type=1,code=2)",
    "in_port(1),eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15),eth_type(0x86dd),ipv6(src=::1,dst=::2,label=0,proto=10,tclass=0x70,hlimit=128,frag=no)",
    "in_port(1),eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15),eth_type(0x86dd),ipv6(src=::1,dst=::2,label=0,proto=6,tclass=0,hlimit=128,frag=no),tcp(src=80,dst=8080)",
    "in_port(1),eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15),eth_type(0x86dd),ipv6(src=::1,dst=::2,label=0,proto=58,tclass=0,hlimit=128,frag=no),icmpv6(type=136,code=0),nd(target=::3,sll=00:05:06:07:08:09,tll=00:0a:0b:0c:0d:0e)",
    "in_port(1),eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15),eth_type(0x0806),arp(sip=1.2.3.4,tip=5.6.7.8,op=1,sha=00:0f:10:11:12:13,tha=00:14:15:16:17:18)",
    "in_port(1),eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15),eth_type(0x8847),mpls(label=100,tc=3,ttl=64,bos=1)",
    "in_port(1),eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15),eth_type(0x8848),mpls(label=1000,tc=4,ttl=200,bos=0)",
    "recirc_id(0),dp_hash(0),skb_priority(0),tunnel(tun_id=0x7f10354,src=10.10.10.10,dst=20.20.20.20,ttl=64,flags(csum|key)),in_port(1),skb_mark(0x1234),eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15),eth_type(0x0800),ipv4(src=35.8.2.41,dst=172.16.0.20,proto=6,tos=0,ttl=128,frag=no),tcp(src=80,dst=8080)",
    "skb_priority(0x1234),in_port(1),eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15),eth_type(0x8100),vlan(vid=99,pcp=7),encap(eth_type(0x0800),ipv4(src=35.8.2.41,dst=172.16.0.20,proto=17,tos=0,ttl=128,frag=no),udp(src=81,dst=6632))",
    "in_port(1),skb_mark(0),ct_mark(0x12345678),ct_label(0x1234567890abcdef1234567890abcdef),eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15),eth_type(0x1234)",
    "in_port(1),eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15),eth_type(0x0800),ipv4(src=35.8.2.41,dst=172.16.0.20,proto=6,tos=0,ttl=64,frag=no),tcp(src=1234,dst=80),tcp_flags(0)",
    "in_port(2),eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15),eth_type(0x0800),ipv4(src=35.8.2.41,dst=172.16.0.20,proto=6,tos=0,ttl=64,frag=no),tcp(src=1234,dst=80),tcp_flags(syn|ack)",
];

/// Wildcarded keys from odp.at ("wildcarded key parsing").
const MASKED_KEYS: &[&str] = &[
    "in_port(1/0xff),eth(src=00:01:02:03:04:05/ff:ff:ff:ff:ff:f0,dst=10:11:12:13:14:15/ff:ff:ff:ff:ff:f0)",
    "in_port(1),eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15),eth_type(0x1234/0xfff0)",
    "in_port(1),eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15),eth_type(0x0800),ipv4(src=35.8.2.41/255.255.255.0,dst=172.16.0.20/255.255.255.0,proto=5/0xf0,tos=0x80/0xf0,ttl=128/0xf0,frag=no)",
    "in_port(1),eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15),eth_type(0x0800),ipv4(src=35.8.2.41,dst=172.16.0.20,proto=6,tos=0,ttl=128,frag=no),tcp(src=80/0xff00,dst=8080/0xff)",
    "in_port(1),eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15),eth_type(0x0800),ipv4(src=35.8.2.41,dst=172.16.0.20,proto=1,tos=0,ttl=128,frag=no),icmp(type=1/0xf0,code=2)",
    "in_port(1),eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15),eth_type(0x86dd),ipv6(src=::1/::255,dst=::2/::255,label=0/0xf0,proto=10/0xf0,tclass=0x70/0xf0,hlimit=128/0xf0,frag=no)",
    "in_port(1),eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15),eth_type(0x86dd),ipv6(src=::1,dst=::2,label=0,proto=58,tclass=0,hlimit=128,frag=no),icmpv6(type=135,code=0),nd(target=::3/::250,sll=00:05:06:07:08:09/ff:ff:ff:ff:ff:00)",
    "in_port(1),eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15),eth_type(0x0806),arp(sip=1.2.3.4/255.255.255.250,tip=5.6.7.8/255.255.255.250,op=1/0xf0,sha=00:0f:10:11:12:13/ff:ff:ff:ff:ff:00,tha=00:14:15:16:17:18/ff:ff:ff:ff:ff:00)",
    "tunnel(tun_id=0x7f10354/0xff,src=10.10.10.10/255.255.255.0,dst=20.20.20.20/255.255.255.0,ttl=64,flags(-df-csum+key)),in_port(1),eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15)",
    "in_port(1),ct_state(-new+trk),ct_zone(0x5),ct_mark(0x1/0xff),eth(),eth_type(0x0800),ipv4(dst=10.0.0.0/255.0.0.0,frag=no),tcp_flags(+syn-ack)",
    "in_port(3),eth(),eth_type(0x86dd),ipv6(src=2001:db8::1,frag=no),key32(00 00/00 00)",
];

/// Actions from odp.at ("actions parsing and formatting - valid forms"), minus the
/// userspace cookies and tunnel-push forms this parser leaves out.
const ACTIONS: &[&str] = &[
    "1,2,3",
    "userspace(pid=1234567,userdata(0102030405060708090a0b0c0d0e0f),actions)",
    "userspace(pid=1234567,userdata(0102030405060708090a0b0c0d0e0f),tunnel_out_port=10)",
    "set(in_port(2))",
    "set(eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15))",
    "set(eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15/ff:ff:ff:00:00:00))",
    "set(eth_type(0x1234))",
    "set(ipv4(src=35.8.2.41,dst=172.16.0.20,proto=5,tos=0x80,ttl=128,frag=no))",
    "set(ipv4(src=35.8.2.41,dst=172.16.0.20,proto=5,ttl=128,frag=no))",
    "set(ipv4(src=35.8.2.41/255.255.255.0,dst=172.16.0.20,proto=5,tos=0x80,ttl=128,frag=no))",
    "set(ipv4(src=35.8.2.41/255.255.255.0,tos=0x80,ttl=128,frag=no))",
    "set(ipv4(tos=0/0x3))",
    "set(ipv4(tos=0x80/0xfc))",
    "set(ipv4(ttl=128,frag=no))",
    "set(ipv4(frag=no))",
    "set(tcp(src=80,dst=8080))",
    "set(tcp(src=80/0xff00,dst=8080))",
    "set(tcp(src=80))",
    "set(udp(src=81/0xff00,dst=6632))",
    "set(sctp(dst=6632))",
    "set(ipv6(src=::1,dst=::2,label=0,proto=10,tclass=0x70,hlimit=128,frag=no))",
    "set(ipv6(src=::1,dst=::2))",
    "set(ipv6(label=0,proto=10,hlimit=128))",
    "set(ipv6(label=0/0xfff,proto=10,tclass=0x70/0x70))",
    "set(ipv6(label=0))",
    "push_vlan(vid=12,pcp=0)",
    "push_vlan(vid=13,pcp=5,cfi=0)",
    "push_vlan(tpid=0x9100,vid=13,pcp=5)",
    "push_vlan(tpid=0x9100,vid=13,pcp=5,cfi=0)",
    "pop_vlan",
    "sample(sample=9.7%,actions(1,2,3,push_vlan(vid=1,pcp=2)))",
    "set(tunnel(tun_id=0xabcdef1234567890,src=1.1.1.1,dst=2.2.2.2,ttl=64,flags(df|csum|key)))",
    "set(tunnel(tun_id=0xabcdef1234567890,src=1.1.1.1,dst=2.2.2.2,ttl=64,flags(key)))",
    "tnl_pop(4)",
    "ct",
    "ct(commit)",
    "ct(commit,zone=5)",
    "ct(commit,mark=0xa0a0a0a0/0xfefefefe)",
    "ct(commit,label=0x1234567890abcdef1234567890abcdef/0xf1f2f3f4f5f6f7f8f9f0fafbfcfdfeff)",
    "ct(commit,helper=ftp)",
    "ct(commit,timeout=ovs_tp_1_tcp4)",
    "ct(nat)",
    "ct(commit,nat(src))",
    "ct(commit,timeout=ovs_tp_1_tcp4,nat(dst))",
    "ct(commit,nat(src=10.0.0.240,random))",
    "ct(commit,nat(src=10.0.0.240:32768-65535,random))",
    "ct(commit,nat(dst=10.0.0.128-10.0.0.254,hash))",
    "ct(commit,nat(src=10.0.0.240-10.0.0.254:32768-65535,persistent))",
    "ct(commit,nat(src=fe80::20c:29ff:fe88:a18b,random))",
    "ct(commit,nat(src=fe80::20c:29ff:fe88:1-fe80::20c:29ff:fe88:a18b,random))",
    "ct(commit,nat(src=[fe80::20c:29ff:fe88:1]-[fe80::20c:29ff:fe88:a18b]:255-4096,random))",
    "ct(commit,helper=ftp,nat(src=10.1.1.240-10.1.1.255))",
    "ct(force_commit,zone=5)",
    "ct_clear",
    "trunc(100)",
    "clone(1)",
    "clone(clone(push_vlan(vid=12,pcp=0),2),1)",
    "check_pkt_len(size=200,gt(4),le(5))",
    "check_pkt_len(size=200,gt(drop),le(5))",
    "check_pkt_len(size=200,gt(ct(nat)),le(drop))",
    "check_pkt_len(size=200,gt(set(eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15))),le(set(eth(src=00:01:02:03:04:06,dst=10:11:12:13:14:16))))",
    "lb_output(1)",
    "add_mpls(label=200,tc=7,ttl=64,bos=1,eth_type=0x8847)",
    "recirc(0x1)",
    "hash(l4(0))",
    "meter(5)",
    "push_eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15)",
    "pop_eth",
    "push_mpls(label=10,tc=0,ttl=64,bos=1,eth_type=0x8847)",
    "pop_mpls(eth_type=0x800)",
    "userspace(pid=7),drop",
];

#[test]
fn exact_keys_print_back_as_ovs_prints_them() {
    for line in EXACT_KEYS {
        let m = odp::parse_key(line).unwrap_or_else(|e| panic!("{line}: {e}"));
        assert_eq!(&odp::format_key(&m.key, m.mask.as_ref(), false), line);
        // With no mask at all (everything exact) the text is the same.
        assert_eq!(&odp::format_key(&m.key, None, false), line, "no mask");
        assert_eq!(
            m.normalized(),
            odp::FlowMatch {
                key: m.key.clone(),
                mask: None
            }
            .normalized()
        );
    }
}

#[test]
fn masked_keys_print_back_as_ovs_prints_them() {
    for line in MASKED_KEYS {
        let m = odp::parse_key(line).unwrap_or_else(|e| panic!("{line}: {e}"));
        let printed = odp::format_key(&m.key, m.mask.as_ref(), false);
        assert_eq!(&printed, line);
        let again = odp::parse_key(&printed).unwrap();
        assert_eq!(again.normalized(), m.normalized(), "{line}");
    }
}

#[test]
fn parsed_keys_survive_the_wire() {
    for line in EXACT_KEYS.iter().chain(MASKED_KEYS) {
        let m = odp::parse_key(line).unwrap();
        for set in [&m.key, m.mask.as_ref().unwrap()] {
            let bytes = set.encode_to_vec().unwrap();
            let view = KeyAttrs::decode(&bytes).unwrap();
            assert_eq!(&view.into_owned(), set, "{line}");
        }
    }
}

#[test]
fn actions_print_back_as_ovs_prints_them() {
    for line in ACTIONS {
        let acts = odp::parse_actions(line).unwrap_or_else(|e| panic!("{line}: {e}"));
        let printed = odp::format_actions(&acts);
        assert_eq!(&printed, line);
        let bytes = acts.encode_to_vec().unwrap();
        assert_eq!(
            <Vec<ActionAttrs>>::decode_owned(&bytes).unwrap(),
            acts,
            "{line}"
        );
    }
}

#[test]
fn set_is_plain_when_exact_and_masked_otherwise() {
    let plain = odp::parse_actions("set(tcp(src=80,dst=8080))").unwrap();
    assert!(matches!(&plain[0], ActionAttrs::Set(k) if k.tcp.is_some()));
    let masked = odp::parse_actions("set(tcp(src=80/0xff00,dst=8080))").unwrap();
    let ActionAttrs::SetMasked(m) = &masked[0] else {
        panic!("{masked:?}")
    };
    let t = m.tcp.unwrap();
    assert_eq!((t.value.tcp_src.get(), t.mask.tcp_src.get()), (80, 0xff00));
    // A masked set with a full mask is the plain set, once normalized.
    let full = ActionAttrs::SetMasked(MaskedKeyAttrs {
        tcp: Some(OvsKeyTcpMasked {
            value: OvsKeyTcp {
                tcp_src: 80.into(),
                tcp_dst: 8080.into(),
            },
            mask: OvsKeyTcp {
                tcp_src: 0xffff.into(),
                tcp_dst: 0xffff.into(),
            },
        }),
        ..Default::default()
    });
    assert_eq!(
        odp::normalize_actions(&[full]),
        odp::normalize_actions(&plain)
    );
}

#[test]
fn sample_probability_round_trips_through_the_percentage() {
    for pct in ["0.0", "9.7", "50.0", "99.9", "100.0"] {
        let s = format!("sample(sample={pct}%,actions(1))");
        let a = odp::parse_actions(&s).unwrap();
        assert_eq!(odp::format_actions(&a), s);
    }
    assert_eq!(odp::probability(100.0), u32::MAX);
}

#[test]
fn normalization_ignores_order_and_omitted_wildcards() {
    // What ovs-dpctl prints (kernel order, wildcards left out, eth() for a wildcarded
    // Ethernet header) against what a program put (different order, explicit zero masks).
    let printed = odp::parse_key(
        "recirc_id(0),in_port(1),eth(),eth_type(0x0800),ipv4(src=10.0.0.0/255.255.255.0,frag=no)",
    )
    .unwrap();
    let put = odp::FlowMatch {
        key: KeyAttrs {
            ethertype: Some(0x0800),
            in_port: Some(1),
            recirc_id: Some(0),
            ipv4: Some(OvsKeyIpv4 {
                ipv4_src: 0x0a00_0007.into(),
                ipv4_ttl: 9,
                ..Default::default()
            }),
            tcp: Some(OvsKeyTcp {
                tcp_src: 5.into(),
                tcp_dst: 6.into(),
            }),
            ..Default::default()
        },
        mask: Some(KeyAttrs {
            ethertype: Some(0xffff),
            in_port: Some(u32::MAX),
            recirc_id: Some(u32::MAX),
            ipv4: Some(OvsKeyIpv4 {
                ipv4_src: 0xffff_ff00.into(),
                ipv4_frag: 0xff,
                ..Default::default()
            }),
            tcp: Some(OvsKeyTcp::default()),
            priority: Some(0),
            ..Default::default()
        }),
    };
    assert_eq!(printed.normalized(), put.normalized());
    let other = odp::parse_key("in_port(2),eth_type(0x0800)").unwrap();
    assert_ne!(other.normalized(), put.normalized());
}

#[test]
fn ufids_print_as_ovs_does() {
    let u = odp::parse_ufid("ufid:d3b2f1e8-6a47-4c39-9f0e-5b7d2a1c8e44").unwrap();
    assert_eq!(u.to_string(), "ufid:d3b2f1e8-6a47-4c39-9f0e-5b7d2a1c8e44");
    assert_eq!(Ufid::from_bytes(&u.to_bytes()), Some(u));
    assert!(odp::parse_ufid("ufid:d3b2f1e8-6a47").is_err());
}

#[test]
fn dpctl_dump_flows_lines_parse() {
    let text = "\
ufid:d3b2f1e8-6a47-4c39-9f0e-5b7d2a1c8e44, recirc_id(0),dp_hash(0/0),skb_priority(0/0),in_port(1),skb_mark(0/0),ct_state(0/0),ct_zone(0/0),ct_mark(0/0),ct_label(0/0),eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15),eth_type(0x0800),ipv4(src=10.0.0.1,dst=10.0.0.2,proto=6,tos=0,ttl=64,frag=no),tcp(src=1234,dst=80),tcp_flags(0), packets:0, bytes:0, used:never, dp:ovs, actions:2
in_port(2),eth(),eth_type(0x0806),arp(op=1), packets:12, bytes:720, used:1.234s, flags:S., actions:push_vlan(vid=10,pcp=0),1
";
    let flows = dpctl::parse_dump_flows(text).unwrap();
    assert_eq!(flows.len(), 2);
    assert_eq!(
        flows[0].ufid.unwrap().to_string(),
        "ufid:d3b2f1e8-6a47-4c39-9f0e-5b7d2a1c8e44"
    );
    assert_eq!(flows[0].actions, vec![ActionAttrs::Output(2)]);
    assert_eq!(flows[0].matched.key.tcp.unwrap().tcp_dst.get(), 80);
    // The verbose zero masks normalize away.
    let terse = odp::parse_key(
        "recirc_id(0),in_port(1),eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15),eth_type(0x0800),ipv4(src=10.0.0.1,dst=10.0.0.2,proto=6,tos=0,ttl=64,frag=no),tcp(src=1234,dst=80),tcp_flags(0)",
    )
    .unwrap();
    assert_eq!(flows[0].matched.normalized(), terse.normalized());
    assert_eq!(
        (flows[1].packets, flows[1].bytes, flows[1].used.as_str()),
        (12, 720, "1.234s")
    );
}

#[test]
fn dpctl_show_parses() {
    let text = "system@dp0:
  lookups: hit:5 missed:2 lost:0
  flows: 4
  masks: hit:9 total:2 hit/pkt:1.29
  cache: hit:3 hit-rate:42.86%
  caches:
    masks-cache: size:256
  port 0: dp0 (internal)
  port 1: vp1 (internal)
  port 2: eth9
  port 3: vx (vxlan: dst_port=4789)
";
    let dps = dpctl::parse_show(text).unwrap();
    assert_eq!(dps.len(), 1);
    let d = &dps[0];
    assert_eq!((d.dp_type.as_str(), d.name.as_str()), ("system", "dp0"));
    assert_eq!(
        (d.hit, d.missed, d.lost, d.flows, d.masks),
        (Some(5), Some(2), Some(0), Some(4), Some(2))
    );
    let ports: Vec<(u32, &str, &str)> = d
        .ports
        .iter()
        .map(|p| (p.port_no, p.name.as_str(), p.port_type.as_str()))
        .collect();
    assert_eq!(
        ports,
        [
            (0, "dp0", "internal"),
            (1, "vp1", "internal"),
            (2, "eth9", ""),
            (3, "vx", "vxlan: dst_port=4789")
        ]
    );
}

#[test]
fn garbage_is_an_error_not_a_panic() {
    for bad in [
        "in_port(",
        "ipv4(src=1.2.3)",
        "eth(src=zz:01:02:03:04:05)",
        "tcp(src=99999)",
        "nosuch(1)",
        "in_port(1))",
        "",
    ] {
        let _ = odp::parse_key(bad);
    }
    assert!(odp::parse_key("ipv4(src=1.2.3)").is_err());
    assert!(odp::parse_actions("set(").is_err());
    assert!(odp::parse_actions("userspace(pid=1,sFlow(vid=1,pcp=0,output=2))").is_err());
}
