//! The run-time encoder writes the bytes the generated code writes: the same requests,
//! built from JSON through the CLI's codec and from the generated `nlwire-families`
//! types, are equal byte for byte, `NLA_F_NESTED` included (both take it from
//! `nlwire_schema::rules::NestedFlags`).
//!
//! `nlwire-families` is not a dependency of this crate, so the generated code's bytes
//! are written here as hex. They were printed by this program against
//! `nlwire-families` (features `ovs_flow`, `ovs_vport`, `ovs_meter`, `ovs_packet`,
//! `nlctrl`); run it again to regenerate them:
//!
//! ```text
//! use nlwire::{Message, MsgBuf};
//! use nlwire_families::{nlctrl, ovs_flow as flow, ovs_meter as meter, ovs_packet as packet, ovs_vport as vport};
//! fn show<M: Message>(name: &str, m: &M) {
//!     let mut b = MsgBuf::new();
//!     m.encode(&mut b, 0x20, 1).unwrap();
//!     println!("{name} {}", b.as_slice().iter().map(|x| format!("{x:02x}")).collect::<String>());
//! }
//! let key = flow::KeyAttrs {
//!     in_port: Some(2),
//!     ethernet: Some(flow::OvsKeyEthernet {
//!         eth_src: [0, 0x11, 0x22, 0x33, 0x44, 0x55],
//!         eth_dst: [0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb],
//!     }),
//!     ethertype: Some(0x0800),
//!     tunnel: Some(flow::TunnelKeyAttrs { id: Some(0x1234), ipv4_dst: Some(0x0a000002), ..Default::default() }),
//!     ..Default::default()
//! };
//! show("ovs_flow.new", &flow::msg::NewRequest {
//!     header: flow::OvsHeader { dp_ifindex: 7.into() },
//!     attrs: flow::FlowAttrs {
//!         key: Some(key.clone()),
//!         actions: Some(vec![
//!             flow::ActionAttrs::Output(3),
//!             flow::ActionAttrs::Sample(flow::SampleAttrs {
//!                 probability: Some(0xffff_ffff),
//!                 actions: Some(vec![flow::ActionAttrs::Output(4)]),
//!                 ..Default::default()
//!             }),
//!             flow::ActionAttrs::Psample(flow::PsampleAttrs { group: Some(9), cookie: Some(vec![1, 2, 3, 4]) }),
//!             flow::ActionAttrs::Clone(vec![flow::ActionAttrs::Output(5)]),
//!         ]),
//!         ufid: Some(vec![0xab; 16]),
//!         ..Default::default()
//!     },
//! });
//! show("ovs_vport.new", &vport::msg::NewRequest {
//!     header: vport::OvsHeader { dp_ifindex: 7.into() },
//!     attrs: vport::Vport {
//!         type_: Some(4),
//!         name: Some("vx0".into()),
//!         options: Some(vport::VportOptions {
//!             dst_port: Some(4789),
//!             extension: Some(vport::VxlanExt { gbp: true, gpe: false }),
//!         }),
//!         upcall_pid: Some(vec![1.into(), 2.into()]),
//!         ..Default::default()
//!     },
//! });
//! show("ovs_meter.set", &meter::msg::SetRequest {
//!     header: meter::OvsHeader { dp_ifindex: 7.into() },
//!     attrs: meter::Meter {
//!         id: Some(1),
//!         kbps: true,
//!         bands: Some(vec![
//!             meter::Band { type_: Some(1), rate: Some(1000), burst: Some(10), ..Default::default() },
//!             meter::Band { type_: Some(1), rate: Some(2000), ..Default::default() },
//!         ]),
//!         ..Default::default()
//!     },
//! });
//! show("ovs_packet.execute", &packet::msg::ExecuteRequest {
//!     header: packet::OvsHeader { dp_ifindex: 7.into() },
//!     attrs: packet::Packet {
//!         packet: Some(vec![0xde, 0xad, 0xbe, 0xef, 0x01]),
//!         key: Some(key),
//!         actions: Some(vec![flow::ActionAttrs::Output(3)]),
//!         ..Default::default()
//!     },
//! });
//! show("nlctrl.getfamily", &nlctrl::msg::GetfamilyRequest {
//!     attrs: nlctrl::CtrlAttrs {
//!         family_name: Some("nlctrl".into()),
//!         family_id: Some(0x10),
//!         ops: Some(vec![
//!             nlctrl::OpAttrs { id: Some(3), flags: Some(0x0e) },
//!             nlctrl::OpAttrs { id: Some(10), flags: Some(0x0c) },
//!         ]),
//!         mcast_groups: Some(vec![nlctrl::McastGroupAttrs { name: Some("notify".into()), id: Some(16) }]),
//!         ..Default::default()
//!     },
//! });
//! show("nlctrl.getpolicy", &nlctrl::msg::GetpolicyRequest {
//!     attrs: nlctrl::CtrlAttrs { family_name: Some("ovs_flow".into()), op: Some(1), ..Default::default() },
//! });
//! ```

use nlwire::consts::{NLA_F_NESTED, NLM_F_REQUEST};
use nlwire_cli::codec::encode::Encoder;
use nlwire_cli::codec::message::build_request;
use nlwire_schema::rules::NestedFlags;
use nlwire_schema::{AttrType, Family};
use serde_json::{Value, json};

/// A built-in spec.
fn builtin(name: &str) -> Family {
    nlwire_schema::builtin::load(name)
        .unwrap_or_else(|| panic!("{name} is not built in"))
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The request of `op` built by the CLI's run-time encoder (family id 0x20, flags
/// NLM_F_REQUEST, as the generated code was given).
fn cli_bytes(family: &str, op: &str, input: Value) -> Vec<u8> {
    let fam = builtin(family);
    let op = fam.op(op).unwrap();
    build_request(&fam, op, 0x20, NLM_F_REQUEST, input.as_object().unwrap())
        .unwrap_or_else(|e| panic!("{family} {}: {e}", op.name))
        .bytes
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The `nla_type` (flags included) at byte offset `at`.
fn nla_type(b: &[u8], at: usize) -> u16 {
    u16::from_ne_bytes([b[at + 2], b[at + 3]])
}

/// The key both OVS messages carry: plain nests (a tunnel inside the key) in a family
/// whose requests are validated liberally.
fn ovs_key() -> Value {
    json!({
        "in-port": 2,
        "ethernet": {"eth-src": "00:11:22:33:44:55", "eth-dst": "66:77:88:99:aa:bb"},
        "ethertype": 2048,
        "tunnel": {"id": 4660, "ipv4-dst": "10.0.0.2"}
    })
}

#[test]
fn ovs_flow_new_is_the_generated_codes_bytes() {
    let b = cli_bytes(
        "ovs_flow",
        "new",
        json!({
            "dp-ifindex": 7,
            "key": ovs_key(),
            "actions": {
                "output": 3,
                "sample": {"probability": 4294967295u32, "actions": {"output": 4}},
                "psample": {"group": 9, "cookie": "01020304"},
                "clone": {"output": 5}
            },
            "ufid": "abababababababababababababababab"
        }),
    );
    assert_eq!(
        hex(&b),
        "ac00000020000100000000000000000001010000070000003c00010008000300020000001000040000\
         112233445566778899aabb0600060008000000180010000c0000000000000000001234080002000a00\
         00024400020008000100030000001800060008000100ffffffff0c0002000800010004000000140019\
         80080001000900000008000200010203040c001400080001000500000014000900ababababababababa\
         bababababababab"
    );
    // OVS writes no NLA_F_NESTED (key at 24, actions at 84, sample at 96, clone at 140),
    // but on psample (at 120), which the kernel parses strictly.
    assert_eq!(nla_type(&b, 24), 1);
    assert_eq!(nla_type(&b, 84), 2);
    assert_eq!(nla_type(&b, 96), 6);
    assert_eq!(nla_type(&b, 120), 25 | NLA_F_NESTED);
    assert_eq!(nla_type(&b, 140), 20);
}

#[test]
fn ovs_vport_new_is_the_generated_codes_bytes() {
    let b = cli_bytes(
        "ovs_vport",
        "new",
        json!({
            "dp-ifindex": 7,
            "type": 4,
            "name": "vx0",
            "options": {"dst-port": 4789, "extension": {"gbp": true}},
            "upcall-pid": [1, 2]
        }),
    );
    assert_eq!(
        hex(&b),
        "480000002000010000000000000000000101000007000000080002000400000008000300767830001400\
         040006000100b512000008000200040001000c0005000100000002000000"
    );
}

#[test]
fn ovs_meter_bands_are_the_generated_codes_bytes() {
    let b = cli_bytes(
        "ovs_meter",
        "set",
        json!({
            "dp-ifindex": 7,
            "id": 1,
            "kbps": true,
            "bands": [{"type": 1, "rate": 1000, "burst": 10}, {"type": 1, "rate": 2000}]
        }),
    );
    assert_eq!(
        hex(&b),
        "580000002000010000000000000000000201000007000000080001000100000004000200340004001c00\
         0000080001000100000008000200e8030000080003000a00000014000100080001000100000008000200\
         d0070000"
    );
    // An indexed array's entries carry their index alone.
    assert_eq!(
        (nla_type(&b, 36), nla_type(&b, 40), nla_type(&b, 68)),
        (4, 0, 1)
    );
}

#[test]
fn ovs_packet_execute_is_the_generated_codes_bytes() {
    let b = cli_bytes(
        "ovs_packet",
        "execute",
        json!({
            "dp-ifindex": 7,
            "packet": "deadbeef01",
            "key": ovs_key(),
            "actions": {"output": 3}
        }),
    );
    assert_eq!(
        hex(&b),
        "6c000000200001000000000000000000030100000700000009000100deadbeef010000003c0002000800\
         0300020000001000040000112233445566778899aabb0600060008000000180010000c00000000000000\
         00001234080002000a0000020c0003000800010003000000"
    );
}

#[test]
fn nlctrl_requests_are_the_generated_codes_bytes() {
    let b = cli_bytes(
        "nlctrl",
        "getfamily",
        json!({
            "family-id": 16,
            "family-name": "nlctrl",
            "ops": [{"id": 3, "flags": 14}, {"id": 10, "flags": 12}],
            "mcast-groups": [{"name": "notify", "id": 16}]
        }),
    );
    assert_eq!(
        hex(&b),
        "700000002000010000000000000000000302000006000100100000000b0002006e6c6374726c00002c00\
         0680140000000800010003000000080002000e00000014000100080001000a000000080002000c000000\
         1c000780180000000b0001006e6f7469667900000800020010000000"
    );
    // getpolicy validates ctrl-attrs strictly: its nests carry NLA_F_NESTED (ops at 40,
    // mcast-groups at 84), their entries (at 44, 64, 88) their index alone.
    assert_eq!(nla_type(&b, 40), 6 | NLA_F_NESTED);
    assert_eq!(nla_type(&b, 84), 7 | NLA_F_NESTED);
    assert_eq!(
        (nla_type(&b, 44), nla_type(&b, 64), nla_type(&b, 88)),
        (0, 1, 0)
    );

    let b = cli_bytes(
        "nlctrl",
        "getpolicy",
        json!({"family-name": "ovs_flow", "op": 1}),
    );
    assert_eq!(
        hex(&b),
        "2c0000002000010000000000000000000a0200000d0002006f76735f666c6f770000000008000a000100\
         0000"
    );
}

/// Every nest and indexed array of every built-in genetlink spec is written with the
/// flag [`NestedFlags`] gives, the decision the generator writes into its annotations.
#[test]
fn every_nest_of_the_built_in_specs_follows_the_shared_rule() {
    let mut checked = 0;
    for s in nlwire_schema::builtin::SPECS {
        let fam = nlwire_schema::load_str(s.text, s.file).unwrap();
        let flags = NestedFlags::new(&fam);
        for (i, set) in fam.attr_sets.iter().enumerate() {
            let id = nlwire_schema::SetId(i);
            for a in &set.attrs {
                let value = match (a.ty, a.nested) {
                    (AttrType::Nest, Some(_)) => json!({}),
                    (AttrType::IndexedArray, Some(_)) => json!([{}]),
                    _ => continue,
                };
                let mut buf = nlwire::MsgBuf::new();
                let input = json!({ &a.name: value });
                Encoder::new(&fam, &mut buf)
                    .encode_set(id, input.as_object().unwrap(), "", &|_| false)
                    .unwrap_or_else(|e| panic!("{}: {}.{}: {e}", fam.name, set.name, a.name));
                let b = buf.as_slice();
                let want = a.value | if flags.attr(id, a) { NLA_F_NESTED } else { 0 };
                assert_eq!(
                    nla_type(b, 0),
                    want,
                    "{}: {}.{}",
                    fam.name,
                    set.name,
                    a.name
                );
                if a.ty == AttrType::IndexedArray {
                    assert_eq!(
                        nla_type(b, 4),
                        0,
                        "{}: {}.{}[0]",
                        fam.name,
                        set.name,
                        a.name
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 50, "only {checked} nests");
}
