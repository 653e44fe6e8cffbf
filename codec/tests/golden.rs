//! Golden bytes: requests built with the codec compared byte for byte with hex written
//! down from the kernel ABI (struct nlmsghdr/genlmsghdr/ovs_header/nlattr layouts,
//! CTRL_* and OVS_* numbers from the uAPI headers, linux/genetlink.h and linux/openvswitch.h).

use nlwire::consts::*;
use nlwire::zerocopy::network_endian::{U16, U32};
use nlwire::zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};
use nlwire::{Attrs, Messages, MsgBuf, OvsHeader};

fn hex(s: &str) -> Vec<u8> {
    let digits: String = s.split_whitespace().collect();
    (0..digits.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&digits[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn ctrl_cmd_getfamily_request() {
    let want = hex("20000000 1000 0500 01000000 00000000   \
         03 01 0000                             \
         0b00 0200 6e6c6374726c00 00");
    // nlmsghdr: len 32, type GENL_ID_CTRL, flags REQUEST|ACK, seq 1, pid 0
    // genlmsghdr: cmd CTRL_CMD_GETFAMILY (3), version 1
    // nlattr: len 11, CTRL_ATTR_FAMILY_NAME (2), "nlctrl\0" + 1 byte of padding
    let mut b = MsgBuf::new();
    let m = b.start_genl_msg(GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK, 3, 1);
    b.put_attr_str(2, "nlctrl").unwrap();
    b.end_msg(m).unwrap();
    nlwire::attr_put::set_seq_pid(b.as_mut_slice(), 1, 0);
    assert_eq!(b.as_slice(), &want[..]);
}

#[test]
fn ctrl_cmd_getfamily_built_body_first_with_push() {
    let mut b = MsgBuf::with_headroom(64, 32);
    b.put_attr_str(2, "nlctrl").unwrap();
    b.push_genl_headers(GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK, 3, 1)
        .unwrap();
    nlwire::attr_put::set_seq_pid(b.as_mut_slice(), 1, 0);
    assert_eq!(&b.as_slice()[..4], &32u32.to_ne_bytes());
    assert_eq!(b.as_slice()[16..20], [3, 1, 0, 0]);
    assert_eq!(b.len(), 32);
}

#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
struct OvsKeyEthernet {
    eth_src: [u8; 6],
    eth_dst: [u8; 6],
}

#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
struct OvsKeyIpv4 {
    ipv4_src: U32,
    ipv4_dst: U32,
    ipv4_proto: u8,
    ipv4_tos: u8,
    ipv4_ttl: u8,
    ipv4_frag: u8,
}

#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
struct OvsKeyTcp {
    tcp_src: U16,
    tcp_dst: U16,
}

const OVS_FLOW_CMD_NEW: u8 = 1;
const OVS_FLOW_ATTR_KEY: u16 = 1;
const OVS_FLOW_ATTR_ACTIONS: u16 = 2;
const OVS_KEY_ATTR_IN_PORT: u16 = 3;
const OVS_KEY_ATTR_ETHERNET: u16 = 4;
const OVS_KEY_ATTR_ETHERTYPE: u16 = 6;
const OVS_KEY_ATTR_IPV4: u16 = 7;
const OVS_KEY_ATTR_TCP: u16 = 9;
const OVS_ACTION_ATTR_OUTPUT: u16 = 1;

fn ovs_flow_new_golden() -> Vec<u8> {
    hex("
        60000000 1e00 0904 07000000 00000000    nlmsghdr: len 96, family 0x1e, REQUEST|ECHO|CREATE, seq 7
        01 01 0000                              genlmsghdr: OVS_FLOW_CMD_NEW, version 1
        05000000                                ovs_header: dp_ifindex 5
        3c00 0100                               OVS_FLOW_ATTR_KEY, len 60
          0800 0300 01000000                      IN_PORT u32 1
          1000 0400 000102030405 101112131415     ETHERNET src, dst
          0600 0600 0800 0000                     ETHERTYPE be16 0x0800 + pad
          1000 0700 0a000001 0a000002 06 00 40 00 IPV4 src, dst, proto 6, tos 0, ttl 64, frag no
          0800 0900 04d2 0050                     TCP src 1234, dst 80
        0c00 0200                               OVS_FLOW_ATTR_ACTIONS, len 12
          0800 0100 02000000                      OUTPUT u32 2
    "
    .lines()
    .map(|l| l.split_whitespace().take_while(|w| w.chars().all(|c| c.is_ascii_hexdigit())).collect::<String>())
    .collect::<String>()
    .as_str())
}

fn build_ovs_flow_new(b: &mut MsgBuf<'_>) {
    let m = b.start_genl_msg(
        0x1e,
        NLM_F_REQUEST | NLM_F_ECHO | NLM_F_CREATE,
        OVS_FLOW_CMD_NEW,
        1,
    );
    b.put(OvsHeader::new(5).as_bytes());
    let key = b.start_nested(OVS_FLOW_ATTR_KEY);
    b.put_attr_u32(OVS_KEY_ATTR_IN_PORT, 1).unwrap();
    let eth = OvsKeyEthernet {
        eth_src: [0, 1, 2, 3, 4, 5],
        eth_dst: [0x10, 0x11, 0x12, 0x13, 0x14, 0x15],
    };
    b.put_attr_struct(OVS_KEY_ATTR_ETHERNET, &eth).unwrap();
    b.put_attr_be16(OVS_KEY_ATTR_ETHERTYPE, 0x0800).unwrap();
    let ip = OvsKeyIpv4 {
        ipv4_src: 0x0a00_0001.into(),
        ipv4_dst: 0x0a00_0002.into(),
        ipv4_proto: 6,
        ipv4_tos: 0,
        ipv4_ttl: 64,
        ipv4_frag: 0,
    };
    b.put_attr_struct(OVS_KEY_ATTR_IPV4, &ip).unwrap();
    b.put_attr_struct(
        OVS_KEY_ATTR_TCP,
        &OvsKeyTcp {
            tcp_src: 1234.into(),
            tcp_dst: 80.into(),
        },
    )
    .unwrap();
    b.end_nested(key).unwrap();
    let acts = b.start_nested(OVS_FLOW_ATTR_ACTIONS);
    b.put_attr_u32(OVS_ACTION_ATTR_OUTPUT, 2).unwrap();
    b.end_nested(acts).unwrap();
    b.end_msg(m).unwrap();
    nlwire::attr_put::set_seq_pid(b.as_mut_slice(), 7, 0);
}

#[test]
fn ovs_flow_cmd_new_request() {
    let want = ovs_flow_new_golden();
    assert_eq!(want.len(), 96);
    let mut b = MsgBuf::new();
    build_ovs_flow_new(&mut b);
    assert_eq!(b.as_slice(), &want[..]);
}

#[test]
fn ovs_flow_cmd_new_decodes_back() {
    let want = ovs_flow_new_golden();
    let msg = Messages::new(&want).next().unwrap().unwrap();
    let (genl, ovs, attrs) = msg.genl_fixed::<OvsHeader>("ovs_header").unwrap();
    assert_eq!((genl.cmd, ovs.dp_ifindex.get()), (OVS_FLOW_CMD_NEW, 5));
    let idx = nlwire::AttrIndex::<12>::parse(attrs).unwrap();
    let key =
        nlwire::AttrIndex::<32>::parse(idx.require(OVS_FLOW_ATTR_KEY, "key").unwrap().payload())
            .unwrap();
    assert_eq!(key.get(OVS_KEY_ATTR_IN_PORT).unwrap().get_u32().unwrap(), 1);
    let ip: &OvsKeyIpv4 = key.get(OVS_KEY_ATTR_IPV4).unwrap().get_struct().unwrap();
    assert_eq!((ip.ipv4_dst.get(), ip.ipv4_ttl), (0x0a00_0002, 64));
    let tcp: &OvsKeyTcp = key.get(OVS_KEY_ATTR_TCP).unwrap().get_struct().unwrap();
    assert_eq!(tcp.tcp_src.get(), 1234);
    let out = Attrs::new(idx.get(OVS_FLOW_ATTR_ACTIONS).unwrap().payload())
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(
        (out.ty(), out.get_u32().unwrap()),
        (OVS_ACTION_ATTR_OUTPUT, 2)
    );
}
