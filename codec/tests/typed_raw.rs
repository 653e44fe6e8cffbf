//! Typed netlink-raw messages (`#[nla(msg_type = N)]`): rtnetlink's RTM_GETLINK declared
//! with the derive, sent in one call and dumped as typed views from the live kernel, and
//! compared with the links `ip -j link show` reports (the independent witness).

use std::process::Command;

use nlwire::consts::NETLINK_ROUTE;
use nlwire::sock::Socket;
use nlwire::{Message, MsgBuf};

/// `struct ifinfomsg`.
#[nlwire::wire(size = 16)]
pub struct IfInfoMsg {
    pub family: u8,
    pub pad: u8,
    pub ty: nlwire::zerocopy::byteorder::native_endian::U16,
    pub index: nlwire::zerocopy::byteorder::native_endian::I32,
    pub flags: nlwire::zerocopy::byteorder::native_endian::U32,
    pub change: nlwire::zerocopy::byteorder::native_endian::U32,
}

#[derive(Clone, Debug, Default, PartialEq, nlwire::AttrSet)]
pub struct Link {
    #[nla(type = 3, string)]
    pub ifname: Option<String>,
    #[nla(type = 4, u32)]
    pub mtu: Option<u32>,
}

/// RTM_NEWLINK (16): the answer to RTM_GETLINK.
#[derive(Clone, Debug, PartialEq, nlwire::Message)]
#[nla(msg_type = 16, family = "rt-link")]
pub struct NewLink {
    #[nla(header)]
    pub header: IfInfoMsg,
    #[nla(attrs)]
    pub attrs: Link,
}

/// RTM_GETLINK (18).
#[derive(Clone, Debug, PartialEq, nlwire::Message)]
#[nla(msg_type = 18, family = "rt-link", reply = NewLink)]
pub struct GetLink {
    #[nla(header)]
    pub header: IfInfoMsg,
    #[nla(attrs)]
    pub attrs: Link,
}

#[test]
fn raw_messages_encode_without_a_genl_header() {
    assert_eq!(GetLink::ATTRS_AT, 16 + 16);
    assert_eq!(<GetLink as nlwire::Request>::FAMILY, "rt-link");
    let req = GetLink {
        header: IfInfoMsg {
            index: 1.into(),
            ..Default::default()
        },
        attrs: Link::default(),
    };
    let mut b = MsgBuf::new();
    req.encode(&mut b, 0x1234, 0).unwrap();
    assert_eq!(b.len(), 32);
    assert_eq!(
        u16::from_ne_bytes([b.as_slice()[4], b.as_slice()[5]]),
        18,
        "nlmsg_type"
    );
    let v = GetLink::decode(b.as_slice()).unwrap();
    assert_eq!(v.header.index.get(), 1);
    // The reply type refuses the request's type.
    assert!(NewLink::decode(b.as_slice()).is_err());
}

#[test]
fn getlink_in_one_call_and_as_a_typed_dump() {
    let mut sock = Socket::open(NETLINK_ROUTE).unwrap();
    let lo = sock
        .request(&GetLink {
            header: IfInfoMsg {
                index: 1.into(),
                ..Default::default()
            },
            attrs: Link::default(),
        })
        .unwrap();
    assert_eq!(lo.header.index.get(), 1);
    assert_eq!(lo.attrs.ifname, Some("lo"));
    assert_eq!(lo.attrs.mtu, Some(65536));

    let req = GetLink {
        header: IfInfoMsg::default(),
        attrs: Link::default(),
    };
    let mut names = Vec::new();
    let mut dump = sock.dump_typed(&req).unwrap();
    while let Some(link) = dump.next() {
        names.push(link.unwrap().attrs.ifname.unwrap().to_owned());
    }
    drop(dump);
    names.sort();

    let out = Command::new("ip")
        .args(["-j", "link", "show"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let json = String::from_utf8(out.stdout).unwrap();
    let mut witness: Vec<String> = json
        .split("\"ifname\":\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_owned())
        .collect();
    witness.sort();
    assert_eq!(names, witness);
}
