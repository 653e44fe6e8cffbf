//! Bytes laid out by hand from the OVS ABI (`struct ovs_zone_limit`, the `OVS_*_ATTR_*`
//! numbers of `<linux/openvswitch.h>`) against the generated OVS types: conntrack zone
//! limits as a packed array of structs, upcalls whose key is the flow family's own key
//! type, and the psample action written with `NLA_F_NESTED`.

use nlwire::{AttrSet, Encode, Error, Message, MsgBuf};
use nlwire_families::{ovs_ct_limit as ct, ovs_flow as flow, ovs_packet as packet};

/// An attribute: `nla_len`, `nla_type`, payload, padding to 4 bytes.
fn nla(ty: u16, payload: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    v.extend(u16::try_from(4 + payload.len()).unwrap().to_ne_bytes());
    v.extend(ty.to_ne_bytes());
    v.extend(payload);
    v.resize(v.len().next_multiple_of(4), 0);
    v
}

/// A generic netlink message of family id 0x20: `nlmsghdr`, `genlmsghdr`, `ovs_header`
/// (`dp_ifindex`), attributes.
fn genl_msg(cmd: u8, version: u8, dp_ifindex: i32, attrs: &[u8]) -> Vec<u8> {
    let len = 16 + 4 + 4 + attrs.len();
    let mut m = Vec::new();
    m.extend(u32::try_from(len).unwrap().to_ne_bytes());
    m.extend(0x20u16.to_ne_bytes());
    m.extend([0u8; 10]); // flags, seq, pid
    m.extend([cmd, version, 0, 0]);
    m.extend(dp_ifindex.to_ne_bytes());
    m.extend(attrs);
    m
}

/// `struct ovs_zone_limit { int zone_id; __u32 limit; __u32 count; }`: offsets 0, 4, 8,
/// size 12 (ovs-abi-dump.txt), host order.
fn zone_limit(zone_id: i32, limit: u32, count: u32) -> Vec<u8> {
    [
        zone_id.to_ne_bytes(),
        limit.to_ne_bytes(),
        count.to_ne_bytes(),
    ]
    .concat()
}

fn zl(zone_id: i32, limit: u32, count: u32) -> ct::OvsZoneLimit {
    ct::OvsZoneLimit {
        zone_id: zone_id.into(),
        limit: limit.into(),
        count: count.into(),
    }
}

#[test]
fn zone_limits_encode_as_packed_structs() {
    let limits = ct::CtLimit {
        zone_limit: Some(vec![zl(-1, 1000, 0), zl(5, 10, 0)]),
    };
    // OVS_CT_LIMIT_ATTR_ZONE_LIMIT = 1: two 12-byte structs, no attribute headers inside.
    let want = nla(1, &[zone_limit(-1, 1000, 0), zone_limit(5, 10, 0)].concat());
    assert_eq!(limits.encode_to_vec().unwrap(), want);
    assert_eq!(want.len(), 4 + 24);

    // The SET request around it: cmd 1, version 1, dp_ifindex 0.
    let req = ct::msg::SetRequest {
        header: ct::OvsHeader::default(),
        attrs: limits,
    };
    let mut b = MsgBuf::new();
    req.encode(&mut b, 0x20, 0).unwrap();
    assert_eq!(b.as_slice(), genl_msg(1, 1, 0, &want).as_slice());
}

#[test]
fn kernel_get_reply_decodes_to_a_view_of_zone_limits() {
    // What ovs_ct_limit_cmd_get writes: the default zone first, then each zone asked for,
    // each with its current count.
    let body = [
        zone_limit(-1, 1000, 0),
        zone_limit(5, 10, 7),
        zone_limit(65535, 0, 1),
    ]
    .concat();
    let bytes = genl_msg(3, 1, 0, &nla(1, &body));
    let v = ct::msg::GetReply::decode(&bytes).unwrap();
    assert_eq!(v.genl.cmd, ct::cmd::GET);
    // A slice of the receive buffer, one element per struct.
    let zones: &[ct::OvsZoneLimit] = v.attrs.zone_limit.unwrap();
    let got: Vec<(i32, u32, u32)> = zones
        .iter()
        .map(|z| (z.zone_id.get(), z.limit.get(), z.count.get()))
        .collect();
    assert_eq!(got, [(-1, 1000, 0), (5, 10, 7), (65535, 0, 1)]);
    assert_eq!(
        ct::CtLimit::from_view(v.attrs).zone_limit.unwrap()[1],
        zl(5, 10, 7)
    );

    // An empty array decodes as no zones.
    let empty = nla(1, &[]);
    let v = ct::CtLimit::decode(&empty).unwrap();
    assert_eq!(v.zone_limit, Some(&[][..]));
}

#[test]
fn a_trailing_partial_zone_limit_is_a_typed_error() {
    for extra in [1usize, 4, 11] {
        let mut body = zone_limit(5, 10, 0);
        body.extend(&zone_limit(6, 20, 0)[..extra]);
        let e = ct::CtLimit::decode(&nla(1, &body)).unwrap_err();
        assert!(
            matches!(e, Error::BadArrayLength { len, elem: 12, .. } if len == 12 + extra),
            "{extra}: {e:?}"
        );
        assert!(e.to_string().contains("zone-limit"), "{e}");
        // Inside a whole reply too.
        let bytes = genl_msg(3, 1, 0, &nla(1, &body));
        assert!(matches!(
            ct::msg::GetReply::decode(&bytes),
            Err(Error::BadArrayLength { elem: 12, .. })
        ));
    }
}

/// The flow key of an ARP packet from port 2, as the kernel puts it in an upcall:
/// IN_PORT (3, u32), ETHERNET (4, `ovs_key_ethernet`: src then dst), ETHERTYPE (6, be16).
fn arp_key_bytes() -> Vec<u8> {
    let mut eth = vec![0x02, 0, 0, 0, 0, 1];
    eth.extend([0xff; 6]);
    [
        nla(3, &2u32.to_ne_bytes()),
        nla(4, &eth),
        nla(6, &0x0806u16.to_be_bytes()),
    ]
    .concat()
}

fn arp_key() -> flow::KeyAttrs {
    flow::KeyAttrs {
        in_port: Some(2),
        ethernet: Some(flow::OvsKeyEthernet {
            eth_src: [0x02, 0, 0, 0, 0, 1],
            eth_dst: [0xff; 6],
        }),
        ethertype: Some(0x0806),
        ..Default::default()
    }
}

/// Takes the flow family's key type: a packet's key is passed to it as it is.
fn flow_key_in_port(k: &flow::KeyAttrs) -> Option<u32> {
    k.in_port
}

#[test]
fn upcall_keys_are_flow_keys() {
    // OVS_PACKET_CMD_MISS (1), version 1, dp_ifindex 3: PACKET (1), KEY (2).
    let frame = [&[0xff; 6][..], &[0x02, 0, 0, 0, 0, 1], &[0x08, 0x06]].concat();
    let attrs = [nla(1, &frame), nla(2, &arp_key_bytes())].concat();
    let bytes = genl_msg(1, 1, 3, &attrs);
    let v = packet::msg::Miss::decode(&bytes).unwrap();
    assert_eq!(v.header.dp_ifindex.get(), 3);
    assert_eq!(v.attrs.packet, Some(&frame[..]));
    // The view is ovs_flow's, and so is the owned key.
    let view: flow::KeyAttrsView<'_> = v.attrs.key.unwrap();
    let key: flow::KeyAttrs = flow::KeyAttrs::from_view(view);
    assert_eq!(key, arp_key());
    let owned = packet::msg::Miss::from_view(v);
    assert_eq!(flow_key_in_port(owned.attrs.key.as_ref().unwrap()), Some(2));
    // A flow put of that key (OVS_FLOW_ATTR_KEY 1) and an EXECUTE (OVS_PACKET_ATTR_KEY
    // 2) carry the same key bytes: the kernel's.
    let put = flow::FlowAttrs {
        key: Some(key.clone()),
        ..Default::default()
    };
    let exec = packet::Packet {
        key: Some(key),
        ..Default::default()
    };
    assert_eq!(put.encode_to_vec().unwrap(), nla(1, &arp_key_bytes()));
    assert_eq!(exec.encode_to_vec().unwrap(), nla(2, &arp_key_bytes()));
}

/// `OVS_ACTION_ATTR_OUTPUT` (1), `OVS_ACTION_ATTR_PSAMPLE` (25) and
/// `OVS_ACTION_ATTR_SAMPLE` (6).
fn psample_and_sample() -> Vec<flow::ActionAttrs> {
    vec![
        flow::ActionAttrs::Output(1),
        flow::ActionAttrs::Psample(flow::PsampleAttrs {
            group: Some(7),
            cookie: Some(vec![1, 2, 3, 4]),
        }),
        flow::ActionAttrs::Sample(flow::SampleAttrs {
            probability: Some(u32::MAX),
            actions: Some(vec![]),
        }),
    ]
}

/// The actions above as the kernel wants them: psample's nest with NLA_F_NESTED (0x8000,
/// validate_psample parses it with nla_parse_nested), every other nest without it (as OVS
/// userspace writes them).
fn psample_and_sample_bytes() -> Vec<u8> {
    let psample = [nla(1, &7u32.to_ne_bytes()), nla(2, &[1, 2, 3, 4])].concat();
    let sample = [nla(1, &u32::MAX.to_ne_bytes()), nla(2, &[])].concat();
    [
        nla(1, &1u32.to_ne_bytes()),
        nla(25 | 0x8000, &psample),
        nla(6, &sample),
    ]
    .concat()
}

#[test]
fn psample_is_written_with_nla_f_nested() {
    let want = psample_and_sample_bytes();
    assert_eq!(&want[8..12], [20, 0, 0x19, 0x80]);
    // In a flow's ACTIONS (OVS_FLOW_ATTR_ACTIONS 2, itself without the flag) ...
    let f = flow::FlowAttrs {
        actions: Some(psample_and_sample()),
        ..Default::default()
    };
    let bytes = f.encode_to_vec().unwrap();
    assert_eq!(bytes, nla(2, &want));
    // ... and in an EXECUTE's (OVS_PACKET_ATTR_ACTIONS 3): the same action type.
    let p = packet::Packet {
        actions: Some(psample_and_sample()),
        ..Default::default()
    };
    assert_eq!(p.encode_to_vec().unwrap(), nla(3, &want));
    // Decoders read the type with the flag masked off.
    assert_eq!(
        flow::FlowAttrs::decode_owned(&bytes).unwrap().actions,
        Some(psample_and_sample())
    );
    // Without the flag (an older writer) it decodes just the same.
    let mut plain = want.clone();
    plain[11] = 0;
    let back = <Vec<flow::ActionAttrs> as AttrSet>::decode_owned(&plain).unwrap();
    assert_eq!(back, psample_and_sample());
}
