//! Every generated family round-trips: for the attribute sets and messages of each module,
//! `decode(encode(x)) == x` over arbitrary values (the derives' `Arbitrary` impls respect
//! the spec's checks), and the generic policy validator accepts what was encoded. Plus the
//! helpers generated for enums and flags.

use std::fmt::Debug;

use nlwire::arbitrary::{Arbitrary, Unstructured};
use nlwire::consts::NLM_F_REQUEST;
use nlwire::{AttrSet, Message, MsgBuf};
use nlwire_families::*;
use nlwire_testkit::XorShift;

const CASES: usize = 1500;

/// 16 to 1515 deterministic bytes for `Unstructured`.
fn rng_bytes(rng: &mut XorShift) -> Vec<u8> {
    let len = 16 + rng.below(1500);
    rng.bytes(len)
}

fn set<T>(seed: u64)
where
    T: AttrSet + for<'a> Arbitrary<'a> + PartialEq + Debug,
{
    let mut rng = XorShift::new(seed);
    let mut buf = MsgBuf::new();
    let mut n = 0;
    for _ in 0..CASES {
        let bytes = rng_bytes(&mut rng);
        let Ok(x) = T::arbitrary(&mut Unstructured::new(&bytes)) else {
            continue;
        };
        buf.clear();
        x.encode(&mut buf).unwrap();
        let view = T::decode(buf.as_slice())
            .unwrap_or_else(|e| panic!("decode failed: {e}\nvalue: {x:?}"));
        assert_eq!(T::from_view(view), x);
        T::POLICY
            .validate(buf.as_slice())
            .unwrap_or_else(|e| panic!("policy rejects encoder output: {e}\nvalue: {x:?}"));
        n += 1;
    }
    assert!(n > CASES / 2, "only {n} of {CASES} generated");
}

fn msg<T>(seed: u64)
where
    T: Message + for<'a> Arbitrary<'a> + PartialEq + Debug,
{
    let mut rng = XorShift::new(seed);
    let mut buf = MsgBuf::new();
    let mut n = 0;
    for _ in 0..CASES / 3 {
        let bytes = rng_bytes(&mut rng);
        let Ok(x) = T::arbitrary(&mut Unstructured::new(&bytes)) else {
            continue;
        };
        buf.clear();
        x.encode(&mut buf, 0x20, NLM_F_REQUEST).unwrap();
        let view = T::decode(buf.as_slice())
            .unwrap_or_else(|e| panic!("decode failed: {e}\nvalue: {x:?}"));
        assert_eq!(T::from_view(view), x);
        n += 1;
    }
    assert!(n > CASES / 6, "only {n} generated");
}

#[test]
fn ovs_flow() {
    set::<ovs_flow::FlowAttrs>(1);
    set::<ovs_flow::KeyAttrs>(2);
    set::<Vec<ovs_flow::ActionAttrs>>(3);
    msg::<ovs_flow::msg::NewRequest>(4);
    msg::<ovs_flow::msg::GetReply>(5);
}

#[test]
fn ovs_datapath_vport_packet() {
    set::<ovs_datapath::Datapath>(6);
    msg::<ovs_datapath::msg::GetRequest>(7);
    set::<ovs_vport::Vport>(8);
    msg::<ovs_vport::msg::NewRequest>(9);
    set::<ovs_packet::Packet>(10);
    msg::<ovs_packet::msg::Miss>(11);
}

#[test]
fn ovs_meter_ct_limit() {
    set::<ovs_meter::Meter>(12);
    msg::<ovs_meter::msg::SetRequest>(13);
    set::<ovs_ct_limit::CtLimit>(14);
    msg::<ovs_ct_limit::msg::GetRequest>(15);
}

#[test]
fn nlctrl() {
    set::<nlctrl::CtrlAttrs>(16);
    msg::<nlctrl::msg::GetfamilyReply>(17);
    msg::<nlctrl::msg::GetpolicyRequest>(18);
}

#[test]
fn enums_and_flags_have_names() {
    use ovs_flow::{CtStateFlags, OvsFragType};
    assert_eq!(OvsFragType::ANY.0, 255);
    assert_eq!(OvsFragType::from_name("later"), Some(OvsFragType::LATER));
    assert_eq!(OvsFragType::LATER.name(), Some("later"));
    assert_eq!(OvsFragType::known(7), None);
    assert_eq!(format!("{:?}", OvsFragType::FIRST), "first");
    assert_eq!(format!("{:?}", OvsFragType(7)), "7");
    assert_eq!(u32::from(OvsFragType::from(2)), 2);

    let f = CtStateFlags::NEW | CtStateFlags::TRACKED;
    assert!(f.contains(CtStateFlags::NEW) && !f.contains(CtStateFlags::INVALID));
    assert_eq!(f.names().collect::<Vec<_>>(), ["new", "tracked"]);
    assert_eq!(format!("{f:?}"), "new | tracked");
    assert_eq!(format!("{:?}", CtStateFlags(1 << 31)), "0x80000000");
    assert_eq!(
        CtStateFlags::from_name("established"),
        Some(CtStateFlags::ESTABLISHED)
    );
    assert_eq!(
        CtStateFlags::ALL.bits().count_ones() as usize,
        CtStateFlags::ENTRIES.len()
    );
}

#[test]
fn family_metadata() {
    assert_eq!(ovs_flow::FAMILY_NAME, "ovs_flow");
    assert_eq!(ovs_datapath::VERSION, 2);
    assert_eq!(nlctrl::PROTOCOL, nlwire::consts::NETLINK_GENERIC as u32);
    assert_eq!((nlctrl::cmd::GETFAMILY, nlctrl::reply::GETFAMILY), (3, 1));
    assert_eq!(ovs_flow::mcgrp::OVS_FLOW, "ovs_flow");
}
