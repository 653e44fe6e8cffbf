//! Golden bytes: OVS flow requests built through the derives, compared byte for byte with
//! hex written down by hand from the kernel ABI — struct layouts and sizes from
//! ovs-abi-dump.txt (nlmsghdr 16 B, genlmsghdr 4 B, ovs_header 4 B, nlattr 4 B + payload
//! padded to 4; ovs_key_ethernet 12, ovs_key_ipv4 12, ovs_key_tcp 4, ovs_action_push_vlan
//! 4), attribute numbers from ovs-netlink.md §2 (FLOW_ATTR KEY 1, ACTIONS 2, MASK 7, UFID 9;
//! KEY_ATTR IN_PORT 3, ETHERNET 4, ETHERTYPE 6, IPV4 7, TCP 9, SKB_MARK 15; ACTION_ATTR
//! OUTPUT 1, USERSPACE 2, SET 3, PUSH_VLAN 4; USERSPACE_ATTR PID 1, USERDATA 2). Host
//! order is little-endian (x86-64, where these were written); big-endian fields are the
//! `__be*` members.

use nlwire::consts::{NLM_F_CREATE, NLM_F_ECHO, NLM_F_REQUEST};
use nlwire::{AttrSet, Encode, Message, MsgBuf, OvsHeader};
use ovs_handwritten::*;

/// Parses hex written with comments: on each line, the bytes come before `//`.
fn hex(s: &str) -> Vec<u8> {
    let digits: String = s
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .flat_map(str::split_whitespace)
        .collect();
    assert!(digits.len().is_multiple_of(2), "odd number of hex digits");
    (0..digits.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&digits[i..i + 2], 16).unwrap())
        .collect()
}

const FAMILY: u16 = 0x22;

fn new_flow_request() -> FlowNew {
    FlowNew {
        header: OvsHeader::new(3),
        flow: Flow {
            key: Some(FlowKey {
                in_port: Some(2),
                ethernet: Some(OvsKeyEthernet {
                    eth_src: [0x52, 0x54, 0x00, 0x12, 0x34, 0x56],
                    eth_dst: [0xff; 6],
                }),
                eth_type: Some(0x0800),
                ipv4: Some(OvsKeyIpv4 {
                    ipv4_src: u32::from_be_bytes([192, 168, 1, 10]).into(),
                    ipv4_dst: u32::from_be_bytes([10, 0, 0, 1]).into(),
                    ipv4_proto: 6,
                    ipv4_tos: 0,
                    ipv4_ttl: 64,
                    ipv4_frag: 0,
                }),
                tcp: Some(OvsKeyTcp {
                    tcp_src: 40000.into(),
                    tcp_dst: 443.into(),
                }),
                ..FlowKey::default()
            }),
            actions: Some(vec![Action::Output(4)]),
            ..Flow::default()
        },
    }
}

fn new_flow_golden() -> Vec<u8> {
    hex("
        60000000       // nlmsghdr.nlmsg_len = 96
        2200           // nlmsg_type = family id 0x22 (ovs_flow, resolved at run time)
        0904           // nlmsg_flags = REQUEST 0x1 | ECHO 0x8 | CREATE 0x400
        00000000       // nlmsg_seq = 0 (the transport fills it in)
        00000000       // nlmsg_pid = 0
        01 01 0000     // genlmsghdr: cmd OVS_FLOW_CMD_NEW (1), version 1, reserved
        03000000       // ovs_header.dp_ifindex = 3
        3c00 0100      // nlattr len 60, OVS_FLOW_ATTR_KEY (1): 56 bytes of nested attributes
        0800 0300        // len 8, OVS_KEY_ATTR_IN_PORT (3)
        02000000           // u32 in_port 2
        1000 0400        // len 16, OVS_KEY_ATTR_ETHERNET (4): ovs_key_ethernet, 12 bytes
        525400123456       // eth_src @0 52:54:00:12:34:56
        ffffffffffff       // eth_dst @6 ff:ff:ff:ff:ff:ff
        0600 0600        // len 6, OVS_KEY_ATTR_ETHERTYPE (6)
        0800 0000          // be16 0x0800 + 2 bytes of padding
        1000 0700        // len 16, OVS_KEY_ATTR_IPV4 (7): ovs_key_ipv4, 12 bytes
        c0a8010a           // ipv4_src @0 192.168.1.10 (be32)
        0a000001           // ipv4_dst @4 10.0.0.1 (be32)
        06 00 40 00        // proto @8 6 (TCP), tos @9 0, ttl @10 64, frag @11 none
        0800 0900        // len 8, OVS_KEY_ATTR_TCP (9): ovs_key_tcp, 4 bytes
        9c40 01bb          // tcp_src @0 40000, tcp_dst @2 443 (be16)
        0c00 0200      // nlattr len 12, OVS_FLOW_ATTR_ACTIONS (2)
        0800 0100        // len 8, OVS_ACTION_ATTR_OUTPUT (1)
        04000000           // u32 port 4
    ")
}

#[test]
fn ovs_flow_cmd_new_matches_the_abi() {
    let want = new_flow_golden();
    assert_eq!(want.len(), 96);
    let mut buf = MsgBuf::new();
    new_flow_request()
        .encode(&mut buf, FAMILY, NLM_F_REQUEST | NLM_F_ECHO | NLM_F_CREATE)
        .unwrap();
    assert_eq!(buf.as_slice(), &want[..]);
}

#[test]
fn ovs_flow_cmd_new_golden_decodes_to_the_request() {
    let bytes = new_flow_golden();
    let v = FlowNew::decode(&bytes).unwrap();
    assert_eq!(v.nlmsg.ty(), FAMILY);
    assert_eq!((v.genl.cmd, v.genl.version), (1, 1));
    assert_eq!(v.header.dp_ifindex.get(), 3);
    let key = v.flow.key.unwrap();
    assert_eq!(key.in_port, Some(2));
    assert_eq!(key.eth_type, Some(0x0800));
    assert_eq!(key.ipv4.unwrap().ipv4_ttl, 64);
    assert_eq!(key.tcp.unwrap().tcp_dst.get(), 443);
    let actions: Vec<_> = v.flow.actions.unwrap().iter().collect();
    assert_eq!(actions, [ActionView::Output(4)]);
    assert_eq!(v.into_owned(), new_flow_request());
}

fn actions_golden() -> Vec<u8> {
    hex("
        0800 0400      // len 8, OVS_ACTION_ATTR_PUSH_VLAN (4): ovs_action_push_vlan
        8100 1064        // vlan_tpid 0x8100, vlan_tci 0x1064 (CFI set, VID 100) (be16)
        1400 0300      // len 20, OVS_ACTION_ATTR_SET (3): exactly one key attribute
        1000 0400        // len 16, OVS_KEY_ATTR_ETHERNET (4)
        020000000001       // eth_src 02:00:00:00:00:01
        020000000002       // eth_dst 02:00:00:00:00:02
        1800 0200      // len 24, OVS_ACTION_ATTR_USERSPACE (2)
        0800 0100        // len 8, OVS_USERSPACE_ATTR_PID (1)
        07000000           // u32 7
        0c00 0200        // len 12, OVS_USERSPACE_ATTR_USERDATA (2)
        0102030405060708   // 8 bytes of cookie
        0800 0100      // len 8, OVS_ACTION_ATTR_OUTPUT (1)
        01000000         // u32 port 1
    ")
}

fn actions_value() -> Vec<Action> {
    vec![
        Action::PushVlan(OvsActionPushVlan {
            vlan_tpid: 0x8100.into(),
            vlan_tci: 0x1064.into(),
        }),
        Action::Set(SetKey::Ethernet(OvsKeyEthernet {
            eth_src: [2, 0, 0, 0, 0, 1],
            eth_dst: [2, 0, 0, 0, 0, 2],
        })),
        Action::Userspace(Userspace {
            pid: 7,
            userdata: Some(vec![1, 2, 3, 4, 5, 6, 7, 8]),
            ..Userspace::default()
        }),
        Action::Output(1),
    ]
}

#[test]
fn action_list_with_set_and_userspace_matches_the_abi() {
    let want = actions_golden();
    assert_eq!(actions_value().encode_to_vec().unwrap(), want);
    let list = <Vec<Action>>::decode(&want).unwrap();
    let kinds: Vec<_> = list
        .iter()
        .map(|a| match a {
            ActionView::PushVlan(p) => format!("push_vlan({:#x})", p.vlan_tci.get()),
            ActionView::Set(SetKeyView::Ethernet(e)) => format!("set(eth_dst={:?})", e.eth_dst),
            ActionView::Userspace(u) => format!("userspace(pid={})", u.pid),
            ActionView::Output(p) => format!("output({p})"),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "push_vlan(0x1064)",
            "set(eth_dst=[2, 0, 0, 0, 0, 2])",
            "userspace(pid=7)",
            "output(1)"
        ]
    );
    assert_eq!(<Vec<Action>>::decode_owned(&want).unwrap(), actions_value());
}

#[test]
fn set_action_must_hold_exactly_one_key_attribute() {
    // SET (3) holding two key attributes: SKB_MARK (15) twice.
    let two = hex("
        1400 0300      // len 20, OVS_ACTION_ATTR_SET
        0800 0f00 01000000  // SKB_MARK 1
        0800 0f00 02000000  // SKB_MARK 2
    ");
    let e = <Vec<Action>>::decode(&two).unwrap_err();
    assert_eq!(
        e.to_string(),
        "set: expected exactly one attribute, found 2"
    );
    let empty = hex("0400 0300  // len 4, OVS_ACTION_ATTR_SET, empty");
    let e = <Vec<Action>>::decode(&empty).unwrap_err();
    assert_eq!(
        e.to_string(),
        "set: expected exactly one attribute, found 0"
    );
}

#[test]
fn errors_name_the_attribute_path() {
    // KEY (1) holding IPV4 (7) with 8 bytes instead of 12.
    let short = hex("
        1000 0100      // len 16, OVS_FLOW_ATTR_KEY
        0c00 0700      // len 12, OVS_KEY_ATTR_IPV4: 8 bytes
        0a000001 0a000002
    ");
    let e = Flow::decode(&short).unwrap_err();
    assert_eq!(e.to_string(), "key.ipv4: length 8, expected 12");
    assert_eq!(e.path().unwrap().types(), &[1, 7]);

    // ACTIONS (2) > SAMPLE (6) > ACTIONS (2) > OUTPUT (1) with a 2-byte payload.
    let deep = hex("
        1c00 0200          // len 28, OVS_FLOW_ATTR_ACTIONS
        1800 0600            // len 24, OVS_ACTION_ATTR_SAMPLE
        0800 0100 ffffffff     // OVS_SAMPLE_ATTR_PROBABILITY: always
        0c00 0200              // len 12, OVS_SAMPLE_ATTR_ACTIONS
        0600 0100 0100 0000      // OUTPUT with a 2-byte payload + 2 bytes of padding
    ");
    let e = Flow::decode(&deep).unwrap_err();
    assert_eq!(
        e.to_string(),
        "actions.sample.actions.output: length 2, expected 4"
    );

    // UFID_FLAGS (10) with a bit outside OMIT_KEY|OMIT_MASK|OMIT_ACTIONS.
    let flags = hex("0800 0a00 08000000  // UFID_FLAGS 0x8");
    let e = Flow::decode(&flags).unwrap_err();
    assert_eq!(
        e.to_string(),
        "ufid-flags: value 0x8 has bits outside mask 0x7"
    );

    // Userspace without its required PID.
    let no_pid = hex("
        0c00 0200      // len 12, OVS_FLOW_ATTR_ACTIONS
        0800 0200        // len 8, USERSPACE
        0400 0400          // ACTIONS flag only
    ");
    let e = Flow::decode(&no_pid).unwrap_err();
    assert_eq!(
        e.to_string(),
        "actions.userspace: required attribute pid (type 1) is missing"
    );
}

#[test]
fn unknown_attributes_are_skipped_and_counted() {
    let bytes = hex("
        0800 0300 05000000  // IN_PORT 5
        0800 6400 00000000  // type 100, unknown
        0400 6500           // type 101, unknown, empty
    ");
    let k = FlowKey::decode(&bytes).unwrap();
    assert_eq!((k.in_port, k.unknown()), (Some(5), 2));
}

#[test]
fn policy_table_mirrors_the_annotations() {
    let p = Flow::POLICY;
    assert_eq!(p.name, "flow");
    let ufid = p.get(9).unwrap();
    assert_eq!((ufid.name, ufid.min_len, ufid.max_len), ("ufid", 1, 16));
    assert_eq!(p.get(10).unwrap().flags_mask, Some(0x7));
    assert_eq!(p.get(11).unwrap().kind, nlwire::AttrKind::Pad);
    let key = p.get(1).unwrap().nested.unwrap();
    assert_eq!(key.name, "key");
    let eth = key.get(4).unwrap();
    assert_eq!(
        (eth.kind, eth.min_len, eth.max_len),
        (nlwire::AttrKind::Binary, 12, 12)
    );
    assert!(key.get(6).unwrap().big_endian);
    // ENCAP points back at the key policy itself; ACTIONS at the action list policy.
    assert!(core::ptr::eq(key.get(1).unwrap().nested.unwrap(), key));
    let actions = p.get(2).unwrap().nested.unwrap();
    assert!(actions.get(1).unwrap().multi);
    let set = actions.get(3).unwrap().nested.unwrap();
    assert!(set.exactly_one);
    let clone = actions.get(20).unwrap().nested.unwrap();
    assert!(core::ptr::eq(clone, actions));
    // The generic validator agrees with the derived decoder on the golden message.
    let golden = new_flow_golden();
    Flow::POLICY.validate(&golden[24..]).unwrap();
}
