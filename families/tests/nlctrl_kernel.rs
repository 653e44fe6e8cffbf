//! The generated `nlctrl` types against real kernel bytes: a recorded `CTRL_CMD_GETFAMILY`
//! dump of a host (committed by the benchmarks in `benches/data`), and live GETFAMILY and
//! GETPOLICY dumps from the running kernel (nlctrl is always there). Indexed arrays (ops,
//! multicast groups), nest-type-value (policies) and the directional command ids all come
//! from the spec.

use nlwire::consts::NETLINK_GENERIC;
use nlwire::sock::Socket;
use nlwire::{Limits, Message, Messages, MsgBuf};
use nlwire_families::nlctrl::{self, msg};

/// `[u32 length (LE)][datagram]...`, as `benches/src/rawsock.rs` writes recordings.
fn read_recording(bytes: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut p = 0;
    while p + 4 <= bytes.len() {
        let n = u32::from_le_bytes(bytes[p..p + 4].try_into().unwrap()) as usize;
        out.push(&bytes[p + 4..p + 4 + n]);
        p += 4 + n;
    }
    out
}

/// Checks one GETFAMILY reply; returns the family name.
fn check_family(v: &msg::GetfamilyReplyView<'_>) -> String {
    let a = &v.attrs;
    let name = a.family_name.expect("every family has a name");
    assert!(a.family_id.is_some(), "{name}: no id");
    if name == "nlctrl" {
        assert_eq!(a.family_id, Some(nlwire::consts::GENL_ID_CTRL));
        let ops = a.ops.expect("nlctrl lists its ops");
        // The kernel numbers the entries from 1; the view keeps the index.
        let ids: Vec<(u16, Option<u32>)> = ops.indexed().map(|(i, op)| (i, op.id)).collect();
        assert_eq!(ids[0].0, 1);
        assert!(
            ids.iter()
                .any(|&(_, id)| id == Some(u32::from(nlctrl::cmd::GETFAMILY)))
        );
        let groups: Vec<&str> = a
            .mcast_groups
            .unwrap()
            .iter()
            .filter_map(|g| g.name)
            .collect();
        assert_eq!(groups, [nlctrl::mcgrp::NOTIFY]);
    }
    name.to_owned()
}

#[test]
fn recorded_getfamily_dump_decodes() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../benches/data/nlctrl-getfamily.bin"
    );
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut names = Vec::new();
    for dg in read_recording(&bytes) {
        for m in Messages::new(dg) {
            let m = m.unwrap();
            if m.ty() != nlwire::consts::GENL_ID_CTRL {
                continue; // NLMSG_DONE
            }
            let v = msg::GetfamilyReply::decode_msg(m, &Limits::DEFAULT).unwrap();
            assert_eq!(v.genl.cmd, nlctrl::reply::GETFAMILY);
            assert_eq!(v.attrs.unknown(), 0, "an attribute the spec does not know");
            names.push(check_family(&v));
        }
    }
    assert!(names.iter().any(|n| n == "nlctrl"), "{names:?}");
    assert!(names.len() > 3, "{names:?}");
}

#[test]
fn live_getfamily_and_getpolicy_dumps_decode() {
    let mut sock = Socket::open(NETLINK_GENERIC).expect("a generic netlink socket");
    let mut buf = MsgBuf::new();

    // GETFAMILY dump: every registered family, each an NEWFAMILY (1) reply.
    msg::GetfamilyRequest {
        attrs: Default::default(),
    }
    .encode(&mut buf, nlwire::consts::GENL_ID_CTRL, 0)
    .unwrap();
    let mut names = Vec::new();
    {
        let mut dump = sock.dump(buf.as_slice()).unwrap();
        while let Some(m) = dump.next_msg() {
            let v = msg::GetfamilyReply::decode_msg(m.unwrap(), &Limits::DEFAULT).unwrap();
            names.push(check_family(&v));
        }
    }
    let known: Vec<String> = sock
        .genl_families()
        .unwrap()
        .into_iter()
        .map(|f| f.name)
        .collect();
    assert_eq!(
        names, known,
        "the generated types see what the sock layer sees"
    );

    // GETPOLICY dump for nlctrl itself: op policies and nest-type-value policy tables.
    buf.clear();
    msg::GetpolicyRequest {
        attrs: nlctrl::CtrlAttrs {
            family_name: Some("nlctrl".into()),
            ..Default::default()
        },
    }
    .encode(&mut buf, nlwire::consts::GENL_ID_CTRL, 0)
    .unwrap();
    let (mut op_policies, mut attr_policies) = (0, 0);
    let mut dump = sock.dump(buf.as_slice()).unwrap();
    while let Some(m) = dump.next_msg() {
        let v = msg::GetpolicyReply::decode_msg(m.unwrap(), &Limits::DEFAULT).unwrap();
        assert_eq!(v.attrs.family_id, Some(nlwire::consts::GENL_ID_CTRL));
        if let Some(ops) = v.attrs.op_policy {
            op_policies += ops.iter().count();
        }
        if let Some(policy) = v.attrs.policy {
            for (_policy_idx, attrs) in policy.iter() {
                for (attr_ty, p) in attrs.iter() {
                    let ty = p.type_.expect("every policy entry has a type");
                    assert!(
                        ty.name().is_some(),
                        "attr {attr_ty}: unknown NL_ATTR_TYPE {ty:?}"
                    );
                    attr_policies += 1;
                }
            }
        }
    }
    assert!(op_policies > 0 && attr_policies > 0);
}
