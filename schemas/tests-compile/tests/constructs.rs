//! Values through the compiled modules, one test per construct that only some specs use:
//! sub-messages with attribute sets and with fixed headers, indexed arrays (of big-endian
//! scalars and of nests), bitfield32, `sint`, `unterminated-ok` strings, checks,
//! nest-type-value, extern sets. The test specs in `schemas/tests/specs/` carry the
//! corners the project's own specs do not have.

use nlwire::{AttrSet, Encode};
use nlwire_schema_compile_tests as k;

#[test]
fn sub_message_follows_its_selector() {
    use k::corner_link::{LinkinfoAttrs, LinkinfoAttrsView, LinkinfoDataMsg, LinkinfoDataMsgView};
    use k::corner_link::{Tunnel6Attrs, VlanAttrs};
    let info = LinkinfoAttrs {
        kind: Some("vlan".into()),
        data: Some(LinkinfoDataMsg::Vlan(VlanAttrs {
            id: Some(42),
            protocol: Some(0x88a8),
            ..Default::default()
        })),
    };
    let bytes = info.encode_to_vec().unwrap();
    let v: LinkinfoAttrsView<'_> = LinkinfoAttrs::decode(&bytes).unwrap();
    assert!(matches!(v.data, Some(LinkinfoDataMsgView::Vlan(d)) if d.id == Some(42)));
    assert_eq!(LinkinfoAttrs::decode_owned(&bytes).unwrap(), info);
    // The big-endian protocol: 802.1ad in network order.
    let vlan = VlanAttrs {
        protocol: Some(0x88a8),
        ..Default::default()
    };
    assert_eq!(&vlan.encode_to_vec().unwrap()[4..6], &[0x88, 0xa8]);

    // Another selector value, another set: the subset with 32-bit flags.
    let tunnel = LinkinfoAttrs {
        kind: Some("ip6tnl".into()),
        data: Some(LinkinfoDataMsg::Ip6tnl(Tunnel6Attrs {
            flags: Some(0x1_0000),
            ..Default::default()
        })),
    };
    let bytes = tunnel.encode_to_vec().unwrap();
    assert_eq!(LinkinfoAttrs::decode_owned(&bytes).unwrap(), tunnel);

    // A format with no payload.
    let dummy = LinkinfoAttrs {
        kind: Some("dummy".into()),
        data: Some(LinkinfoDataMsg::Dummy),
    };
    let bytes = dummy.encode_to_vec().unwrap();
    assert_eq!(LinkinfoAttrs::decode_owned(&bytes).unwrap(), dummy);
}

#[test]
fn indexed_array_of_big_endian_u32() {
    use k::corner_link::BondAttrs;
    let bond = BondAttrs {
        arp_ip_target: Some(vec![0x0a00_0001, 0x0a00_0002]),
        ..Default::default()
    };
    let bytes = bond.encode_to_vec().unwrap();
    // The array's header, then the first entry's header (type = index), then its value
    // in network order.
    assert_eq!(&bytes[2..4], &(8u16 | 0x8000).to_ne_bytes());
    assert_eq!(&bytes[8..12], &[10, 0, 0, 1]);
    let got: Vec<u32> = BondAttrs::decode(&bytes)
        .unwrap()
        .arp_ip_target
        .unwrap()
        .iter()
        .collect();
    assert_eq!(got, [0x0a00_0001, 0x0a00_0002]);
}

#[test]
fn indexed_array_of_nests() {
    use k::corner_genl::{Dev, Queue};
    let dev = Dev {
        queues: Some(vec![
            Queue {
                id: Some(0),
                type_: Some(k::corner_genl::Lane::RX),
                depth: Some(1 << 40),
            },
            Queue {
                id: Some(1),
                type_: Some(k::corner_genl::Lane::TX),
                depth: Some(64),
            },
        ]),
        vlans: Some(vec![10, 20, 30]),
        ..Default::default()
    };
    let bytes = dev.encode_to_vec().unwrap();
    assert_eq!(Dev::decode_owned(&bytes).unwrap(), dev);
}

#[test]
fn fixed_header_sub_message_and_bitfield32() {
    use k::corner_qdisc::{FifoQopt, NetemAttrs, NetemQopt, OptionsMsg, QdiscAttrs};
    let qdisc = QdiscAttrs {
        kind: Some("netem".into()),
        options: Some(OptionsMsg::Netem(
            NetemQopt {
                latency: 1000.into(),
                limit: 10.into(),
                ..Default::default()
            },
            NetemAttrs {
                delay_dist: Some(vec![(-3).into(), 4.into()]),
                latency64: Some(-1),
                ..Default::default()
            },
        )),
        dump_flags: Some(nlwire::view::Bitfield32 {
            value: 1,
            selector: 1,
        }),
        ..Default::default()
    };
    let bytes = qdisc.encode_to_vec().unwrap();
    assert_eq!(QdiscAttrs::decode_owned(&bytes).unwrap(), qdisc);
    let v = QdiscAttrs::decode(&bytes).unwrap();
    assert_eq!(v.dump_flags.unwrap().selector, 1);

    // A fixed header alone, and a format without payload.
    let fifo = QdiscAttrs {
        kind: Some("bfifo".into()),
        options: Some(OptionsMsg::Bfifo(FifoQopt { limit: 1500.into() })),
        ..Default::default()
    };
    let bytes = fifo.encode_to_vec().unwrap();
    // kind (a 4-byte header and "bfifo\0", padded to 12 bytes), then options: a 4-byte
    // header and the struct.
    assert_eq!(&bytes[12..14], &8u16.to_ne_bytes());
    assert_eq!(&bytes[16..20], &1500u32.to_ne_bytes());
    assert_eq!(QdiscAttrs::decode_owned(&bytes).unwrap(), fifo);
    let ingress = QdiscAttrs {
        kind: Some("ingress".into()),
        options: Some(OptionsMsg::Ingress),
        ..Default::default()
    };
    let bytes = ingress.encode_to_vec().unwrap();
    assert_eq!(QdiscAttrs::decode_owned(&bytes).unwrap(), ingress);
}

#[test]
fn sint_unterminated_strings_and_checks() {
    use k::corner_genl::Dev;
    // A `sint` is 4 or 8 bytes on the wire.
    let dev = Dev {
        offset: Some(-5),
        ..Default::default()
    };
    let bytes = dev.encode_to_vec().unwrap();
    assert_eq!(bytes.len(), 8);
    assert_eq!(Dev::decode(&bytes).unwrap().offset, Some(-5));

    // `unterminated-ok` strings decode without a NUL.
    let raw = [8u8, 0, 1, 0, b'a', b'b', b'c', b'd'];
    assert_eq!(
        k::corner_legacy::OptionAttrs::decode(&raw).unwrap().name,
        Some("abcd")
    );

    // `checks: min: 1` on ifindex rejects 0 on decode.
    let zero = Dev {
        ifindex: Some(0),
        ..Default::default()
    }
    .encode_to_vec()
    .unwrap();
    assert!(Dev::decode(&zero).is_err());
    // `exact-len: 6` on a MAC address rejects 5 bytes.
    let short = Dev {
        mac: Some(vec![0; 5]),
        ..Default::default()
    }
    .encode_to_vec()
    .unwrap();
    assert!(Dev::decode(&short).is_err());
}

#[test]
fn nlctrl_nest_type_value() {
    use k::nlctrl::{CtrlAttrs, PolicyAttrs};
    let attrs = CtrlAttrs {
        policy: Some(vec![(
            0,
            vec![(
                3,
                PolicyAttrs {
                    type_: Some(k::nlctrl::AttrType::U32),
                    ..Default::default()
                },
            )],
        )]),
        ..Default::default()
    };
    let bytes = attrs.encode_to_vec().unwrap();
    assert_eq!(CtrlAttrs::decode_owned(&bytes).unwrap(), attrs);
}

#[test]
fn extern_sets_hold_the_other_modules_types() {
    let key = k::ovs_flow::KeyAttrs {
        in_port: Some(4),
        ethertype: Some(0x0800),
        ..Default::default()
    };
    let shared = k::ovs_flow_shared_keys::FlowAttrs {
        key: Some(key.clone()),
        ..Default::default()
    };
    let own = k::ovs_flow::FlowAttrs {
        key: Some(key.clone()),
        ..Default::default()
    };
    let bytes = shared.encode_to_vec().unwrap();
    assert_eq!(bytes, own.encode_to_vec().unwrap());
    let v = k::ovs_flow_shared_keys::FlowAttrs::decode(&bytes).unwrap();
    let back: k::ovs_flow::KeyAttrs = k::ovs_flow::KeyAttrs::from_view(v.key.unwrap());
    assert_eq!(back, key);
}
