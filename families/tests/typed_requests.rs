//! Typed requests against the live kernel in one call each: the generated nlctrl messages
//! (`nlwire_families::nlctrl::msg`) sent with `Socket::request`, dumped with
//! `Socket::dump_typed`, and batched with `Socket::batch`, checked against the raw path
//! (`Socket::genl_families`) as an independent witness. The batch mixes families and
//! holds a request the kernel refuses, whose error keeps the ext-ack path.

use nlwire::consts::{GENL_ID_CTRL, NETLINK_GENERIC};
use nlwire::sock::{Error, Socket};
use nlwire_families::nlctrl::{CtrlAttrs, msg::GetfamilyRequest};

const ENOENT: i32 = 2;
const ERANGE: i32 = 34;

fn get(name: &str) -> GetfamilyRequest {
    GetfamilyRequest {
        attrs: CtrlAttrs {
            family_name: Some(name.into()),
            ..Default::default()
        },
    }
}

#[test]
fn getfamily_in_one_call() {
    let mut sock = Socket::open(NETLINK_GENERIC).unwrap();
    let reply = sock.request(&get("nlctrl")).unwrap();
    assert_eq!(reply.attrs.family_id, Some(GENL_ID_CTRL));
    assert_eq!(reply.attrs.family_name, Some("nlctrl"));
    let ops: Vec<_> = reply.attrs.ops.unwrap().iter().collect();
    assert!(!ops.is_empty());

    // The id of another family, as the raw path reads it.
    let raw = sock.resolve_family("netdev").unwrap();
    let typed = sock.request(&get("netdev")).unwrap();
    assert_eq!(typed.attrs.family_id, Some(raw.id));
    assert_eq!(typed.attrs.version, Some(raw.version));
}

#[test]
fn unknown_family_is_the_kernels_enoent() {
    let mut sock = Socket::open(NETLINK_GENERIC).unwrap();
    let e = sock.request(&get("no-such-family")).unwrap_err();
    assert_eq!(e.errno(), Some(ENOENT), "{e}");
    // The socket goes on working.
    assert!(sock.request(&get("nlctrl")).is_ok());
}

#[test]
fn a_request_that_breaks_its_policy_is_not_sent() {
    let mut sock = Socket::open(NETLINK_GENERIC).unwrap();
    let seq = sock.next_seq();
    let e = sock
        .request(&get("a-family-name-longer-than-genl-namsiz"))
        .unwrap_err();
    let Error::InvalidRequest(codec) = &e else {
        panic!("expected InvalidRequest, got {e}");
    };
    assert_eq!(
        codec.path().map(ToString::to_string).as_deref(),
        Some("family-name"),
        "{e}"
    );
    assert_eq!(sock.next_seq(), seq, "nothing was sent");
}

#[test]
fn typed_dump_agrees_with_the_raw_dump() {
    let mut sock = Socket::open(NETLINK_GENERIC).unwrap();
    let mut raw: Vec<(String, u16)> = sock
        .genl_families()
        .unwrap()
        .into_iter()
        .map(|f| (f.name, f.id))
        .collect();
    let mut typed = sock
        .dump_typed_retry(
            &GetfamilyRequest {
                attrs: CtrlAttrs::default(),
            },
            3,
            |d| {
                let mut out = Vec::new();
                while let Some(f) = d.next() {
                    let f = f?;
                    out.push((
                        f.attrs.family_name.unwrap().to_owned(),
                        f.attrs.family_id.unwrap(),
                    ));
                }
                Ok(out)
            },
        )
        .unwrap();
    raw.sort();
    typed.sort();
    assert!(
        typed
            .iter()
            .any(|(n, id)| n == "nlctrl" && *id == GENL_ID_CTRL)
    );
    assert_eq!(typed, raw);
}

/// netdev's device request, declared here with the derive: `ifindex` carries no range
/// check on our side, so the kernel's own policy (`min: 1`) is what refuses 0.
mod netdev {
    #[derive(Clone, Debug, Default, PartialEq, nlwire::AttrSet)]
    pub struct Dev {
        #[nla(type = 1, u32)]
        pub ifindex: Option<u32>,
    }
    #[derive(Clone, Debug, PartialEq, nlwire::Message)]
    #[nla(cmd = 1, version = 1, family = "netdev", reply = DevGet)]
    pub struct DevGet {
        #[nla(attrs)]
        pub attrs: Dev,
    }
}

#[test]
fn a_batch_gives_one_typed_result_each_and_keeps_the_ext_ack_path() {
    let mut sock = Socket::open(NETLINK_GENERIC).unwrap();
    let dev = |ifindex| netdev::DevGet {
        attrs: netdev::Dev {
            ifindex: Some(ifindex),
        },
    };
    for round in 0..2 {
        let mut batch = sock.batch();
        let ctrl = batch.push(&get("nlctrl")).unwrap();
        let lo = batch.push(&dev(1)).unwrap();
        let zero = batch.push(&dev(0)).unwrap();
        let gone = batch.push(&get("no-such-family")).unwrap();
        let answers = batch.run().unwrap();
        assert_eq!(answers.len(), 4);
        assert_eq!(
            answers.get(ctrl).unwrap().attrs.family_id,
            Some(GENL_ID_CTRL)
        );
        assert_eq!(answers.get(lo).unwrap().attrs.ifindex, Some(1));
        let e = answers.get(zero).unwrap_err();
        let Error::Kernel(k) = &e else {
            panic!("round {round}: expected the kernel's refusal, got {e}");
        };
        assert_eq!(k.errno, ERANGE, "{e}");
        assert_eq!(
            k.path.as_ref().map(ToString::to_string).as_deref(),
            Some("ifindex"),
            "{e}"
        );
        assert_eq!(k.offset, Some(20), "{e}");
        assert!(k.msg.is_some() && k.policy.is_some(), "{e}");
        assert_eq!(answers.get(gone).unwrap_err().errno(), Some(ENOENT));
    }
}
