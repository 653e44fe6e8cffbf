//! Every measured case, as a closure that performs one operation: the criterion
//! benches, the allocation counter and the instruction counter all run these, so they
//! measure the same thing.

use std::hint::black_box;

use crate::ovs::{
    flowgen, model, wire_mnl, wire_nb, wire_neli, wire_nlwire, wire_rtnl, wire_typed,
};
use crate::rawsock::read_recording;
use crate::{ctrl, link};

/// One measured case: `run` performs one operation and returns a value that depends
/// on all of its work.
pub struct Case {
    pub group: &'static str,
    pub peer: &'static str,
    /// Elements (flows, families, links, messages) per operation.
    pub elements: u64,
    pub run: Box<dyn FnMut() -> u64>,
}

fn case(
    group: &'static str,
    peer: &'static str,
    elements: u64,
    run: impl FnMut() -> u64 + 'static,
) -> Case {
    Case {
        group,
        peer,
        elements,
        run: Box::new(run),
    }
}

pub fn recording(name: &str) -> Vec<Vec<u8>> {
    read_recording(&std::fs::read(format!("{}/data/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap())
}

pub const OVS_FLOWS: usize = 100;

/// Decoding an OVS flow-dump datagram of 100 flows.
pub fn decode_ovs() -> Vec<Case> {
    let g = "decode_ovs_flow_dump_100";
    let dg = flowgen::dump_datagram(&flowgen::flows(OVS_FLOWS));
    let e = OVS_FLOWS as u64;
    macro_rules! c {
        ($peer:literal, $f:path) => {{
            let dg = dg.clone();
            case(g, $peer, e, move || {
                let mut acc = 0;
                $f(black_box(&dg), |f| acc = model::fold(acc, f)).unwrap();
                acc
            })
        }};
    }
    vec![
        c!("nlwire", wire_nlwire::decode_dump),
        c!("nlwire (typed)", wire_typed::decode_dump),
        c!("libmnl", wire_mnl::decode_dump),
        c!("C (inline walk)", wire_mnl::c_decode_dump),
        c!("netlink-bindings", wire_nb::decode_dump),
        c!("netlink-bindings (get_*)", wire_nb::decode_dump_getters),
        c!("neli", wire_neli::decode_dump),
        c!("rust-netlink", wire_rtnl::decode_dump),
    ]
}

/// Decoding the recorded nlctrl GETFAMILY dump.
pub fn decode_nlctrl() -> Vec<Case> {
    use ctrl::*;
    let g = "decode_nlctrl_getfamily_dump";
    let d = recording("nlctrl-getfamily.bin");
    let e = nlwire_impl::decode(&d, |_| {}).unwrap() as u64;
    macro_rules! c {
        ($peer:literal, $f:path) => {{
            let d = d.clone();
            case(g, $peer, e, move || {
                let mut acc = 0;
                $f(black_box(&d), |f| acc = fold(acc, f)).unwrap();
                acc
            })
        }};
    }
    vec![
        c!("nlwire", nlwire_impl::decode),
        c!("nlwire (typed)", typed_impl::decode),
        c!("libmnl", mnl_impl::decode),
        c!("netlink-bindings", nb_impl::decode),
        c!("neli", neli_impl::decode),
        c!("rust-netlink", rtnl_impl::decode),
    ]
}

/// Decoding the recorded rtnetlink link dump.
pub fn decode_links() -> Vec<Case> {
    use link::*;
    let g = "decode_rtnl_link_dump";
    let d = recording("rtnl-getlink.bin");
    let e = nlwire_impl::decode(&d, |_| {}).unwrap() as u64;
    macro_rules! c {
        ($peer:literal, $f:path) => {{
            let d = d.clone();
            case(g, $peer, e, move || {
                let mut acc = 0;
                $f(black_box(&d), |l| acc = fold(acc, l)).unwrap();
                acc
            })
        }};
    }
    vec![
        c!("nlwire", nlwire_impl::decode),
        c!("nlwire (Attrs loop)", nlwire_impl::decode_loop),
        c!("libmnl", mnl_impl::decode),
        c!("netlink-bindings", nb_impl::decode),
        c!("neli", neli_impl::decode),
        c!("rust-netlink", rtnl_impl::decode),
    ]
}

/// Encoding 100 OVS_FLOW_CMD_NEW requests into a reused buffer.
pub fn encode_ovs() -> Vec<Case> {
    let g = "encode_ovs_flow_put_100";
    let flows = flowgen::flows(OVS_FLOWS);
    let e = OVS_FLOWS as u64;
    let f1 = flows.clone();
    let mut b = nlwire::MsgBuf::new();
    let f2 = flows.clone();
    let mut v2 = Vec::new();
    let f3 = flows.clone();
    let mut v3 = Vec::new();
    let f4 = flows.clone();
    let mut c4 = std::io::Cursor::new(Vec::new());
    let f5 = flows.clone();
    let mut v5 = Vec::new();
    let kept: Vec<_> = flows.iter().map(wire_typed::put_msg).collect();
    let mut b7 = nlwire::MsgBuf::new();
    let f6 = flows;
    let mut b6 = nlwire::MsgBuf::new();
    vec![
        case(g, "nlwire", e, move || {
            wire_nlwire::encode_puts(&mut b, black_box(&f1));
            b.len() as u64
        }),
        case(g, "nlwire (typed)", e, move || {
            wire_typed::encode_puts(&mut b6, black_box(&f6));
            b6.len() as u64
        }),
        case(g, "nlwire (typed, kept)", e, move || {
            wire_typed::encode_owned(&mut b7, black_box(&kept));
            b7.len() as u64
        }),
        case(g, "libmnl", e, move || {
            wire_mnl::encode_puts(&mut v2, black_box(&f2), 1 << 17) as u64
        }),
        case(g, "netlink-bindings", e, move || {
            wire_nb::encode_puts(&mut v3, black_box(&f3));
            v3.len() as u64
        }),
        case(g, "neli", e, move || {
            wire_neli::encode_puts(&mut c4, black_box(&f4)).unwrap();
            c4.get_ref().len() as u64
        }),
        case(g, "rust-netlink", e, move || {
            wire_rtnl::encode_puts(&mut v5, black_box(&f5));
            v5.len() as u64
        }),
    ]
}

/// Every codec case (no sockets).
pub fn codec_cases() -> Vec<Case> {
    let mut v = decode_ovs();
    v.extend(decode_nlctrl());
    v.extend(decode_links());
    v.extend(encode_ovs());
    v
}

/// The transport cases (live kernel): one operation is `transport::TXNS` transactions.
pub fn transport_cases() -> Vec<Case> {
    use crate::transport::{TXNS, neli_t, nlwire_t, sys_t};
    let g = "transport_getfamily_10000";
    let e = TXNS as u64;
    let mut a = nlwire_t::Client::open(128);
    let mut b = nlwire_t::Client::open(128);
    let mut c = sys_t::Client::open();
    let mut d = sys_t::Client::open();
    let mut n = neli_t::Client::open();
    vec![
        case(g, "nlwire transact", e, move || a.sequential(TXNS)),
        case(g, "nlwire transact_multiple", e, move || b.batched(TXNS)),
        case(g, "netlink-sys sequential", e, move || c.sequential(TXNS)),
        case(g, "netlink-sys batched", e, move || d.batched(TXNS, 128)),
        case(g, "neli sequential", e, move || n.sequential(TXNS)),
    ]
}
