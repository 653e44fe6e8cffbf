//! The flow requests the dpif API builds have dpif-netlink's shape (ovs-netlink.md §2.11):
//! `nlmsghdr`, `genlmsghdr` (version 1), `ovs_header`, then UFID, KEY, MASK and ACTIONS
//! (each once, in the generated `FlowAttrs` order; the kernel does not depend on the
//! order), an empty ACTIONS nest for a drop flow, the put mode in command and flags.
#![cfg(feature = "ovs")]

use nlwire::consts::{NLM_F_CREATE, NLM_F_REQUEST};
use nlwire::{AttrSet, Attrs, Encode, Msg, MsgBuf, OvsHeader};
use nlwire_families::ovs::attrs::*;
use nlwire_families::ovs::flow::encode_put;
use nlwire_families::ovs::{FlowPut, PutMode, odp};

fn put_bytes(p: &FlowPut) -> Vec<u8> {
    let mut b = MsgBuf::new();
    encode_put(&mut b, 0x1d, 7, p).unwrap();
    b.to_vec()
}

/// A put carries what dpif-netlink's carries: `ovs_header`, then UFID (16 bytes), KEY,
/// MASK and ACTIONS (an empty nest for a drop flow), each exactly once and each with the
/// put's contents. dpif-netlink writes them as UFID, KEY, MASK, ACTIONS; the request is
/// the generated `ovs_flow::msg::NewRequest`, which writes them in the order the spec
/// declares them (KEY 1, ACTIONS 2, MASK 7, UFID 9). The kernel does not depend on the
/// order (it indexes attributes by type), so the generated order is the one asserted.
#[test]
fn put_has_dpif_netlink_layout() {
    let m =
        odp::parse_key("in_port(1),eth(),eth_type(0x0800),ipv4(src=10.0.0.0/255.0.0.0,frag=no)")
            .unwrap();
    let p = FlowPut::from_match(m, vec![]).with_ufid(Ufid::from_u128(0x42));
    let bytes = put_bytes(&p);
    let msg = Msg::parse(&bytes).unwrap();
    assert_eq!(msg.ty(), 0x1d);
    assert_eq!(msg.flags(), NLM_F_REQUEST | NLM_F_CREATE);
    let (g, h, attrs) = msg.genl_fixed::<OvsHeader>("ovs_header").unwrap();
    assert_eq!((g.cmd, g.version, h.dp_ifindex.get()), (1, 1, 7));
    let all: Vec<(u16, &[u8])> = Attrs::new(attrs)
        .map(|a| a.unwrap())
        .map(|a| (a.ty(), a.payload()))
        .collect();
    // Each attribute of the put once, nothing else, in the generated order.
    let types: Vec<u16> = all.iter().map(|a| a.0).collect();
    assert_eq!(types, [1, 2, 7, 9], "KEY, ACTIONS, MASK, UFID");
    let payload = |ty: u16| all.iter().find(|a| a.0 == ty).unwrap().1;
    // Each payload is the put's own, byte for byte.
    assert_eq!(
        payload(9),
        Ufid::from_u128(0x42).to_array(),
        "UFID: 16 bytes"
    );
    assert_eq!(payload(1), p.key.encode_to_vec().unwrap(), "KEY");
    assert_eq!(
        payload(7),
        p.mask.as_ref().unwrap().encode_to_vec().unwrap(),
        "MASK"
    );
    assert_eq!(payload(2), [0u8; 0], "drop: an empty ACTIONS nest");
    // It decodes back to what was put.
    let f = FlowAttrs::decode(attrs).unwrap();
    assert_eq!(f.ufid.and_then(Ufid::from_bytes), p.ufid);
    assert_eq!(f.key.map(KeyAttrs::from_view), Some(p.key.clone()));
    assert_eq!(f.mask.map(KeyAttrs::from_view), p.mask);
    assert_eq!(f.actions.map(<Vec<ActionAttrs>>::from_view), Some(vec![]));
}

#[test]
fn put_modes_pick_command_and_flags() {
    let base = FlowPut::new(
        KeyAttrs {
            in_port: Some(1),
            ..Default::default()
        },
        vec![ActionAttrs::Output(2)],
    );
    for (mode, cmd, flags) in [
        (PutMode::Create, 1, NLM_F_REQUEST | NLM_F_CREATE),
        (PutMode::CreateOrModify, 1, NLM_F_REQUEST),
        (PutMode::Modify, 4, NLM_F_REQUEST),
    ] {
        let bytes = put_bytes(&base.clone().with_mode(mode));
        let msg = Msg::parse(&bytes).unwrap();
        assert_eq!(
            (msg.genl().unwrap().0.cmd, msg.flags()),
            (cmd, flags),
            "{mode:?}"
        );
    }
    // Without a mask or UFID: KEY and ACTIONS only.
    let bytes = put_bytes(&base);
    let msg = Msg::parse(&bytes).unwrap();
    let (_, _, attrs) = msg.genl_fixed::<OvsHeader>("ovs_header").unwrap();
    let types: Vec<u16> = Attrs::new(attrs).map(|a| a.unwrap().ty()).collect();
    assert_eq!(types, [1, 2]);
}

#[test]
fn nested_actions_encode_and_decode() {
    let acts = odp::parse_actions(
        "sample(sample=50.0%,actions(userspace(pid=7,userdata(0102030405060708)))),ct(commit,zone=5,mark=0x1/0xff),\
         set(eth(src=00:aa:bb:00:00:00/ff:ff:ff:00:00:00)),clone(push_vlan(vid=7,pcp=0),1),\
         check_pkt_len(size=200,gt(1),le(userspace(pid=7))),set(tunnel(tun_id=0x5,src=192.168.0.1,dst=192.168.0.2,ttl=64,flags(df|key)))",
    )
    .unwrap();
    let p = FlowPut::new(KeyAttrs::default(), acts.clone());
    let bytes = put_bytes(&p);
    let msg = Msg::parse(&bytes).unwrap();
    let (_, _, attrs) = msg.genl_fixed::<OvsHeader>("ovs_header").unwrap();
    let f = FlowAttrs::decode(attrs).unwrap();
    let back: Vec<ActionAttrs> = f.actions.map(<Vec<ActionAttrs>>::from_view).unwrap();
    assert_eq!(back, acts);
    assert_eq!(odp::format_actions(&back), odp::format_actions(&acts));
}
