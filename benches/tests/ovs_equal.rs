//! Every peer decodes the same values from the same OVS flow-dump datagram, and every
//! peer's flow-put encoding decodes back to the flows it was given.

use nlwire_benches::ovs::{flowgen, model::Flow, wire_mnl, wire_nlwire};

fn collect(f: impl FnOnce(&mut dyn FnMut(&Flow))) -> Vec<Flow> {
    let mut v = Vec::new();
    f(&mut |fl: &Flow| v.push(*fl));
    v
}

#[test]
fn c_layouts_match() {
    assert!(wire_mnl::layouts_match());
}

#[test]
fn nlwire_decodes_what_was_generated() {
    let flows = flowgen::flows(100);
    let dg = flowgen::dump_datagram(&flows);
    let got = collect(|s| assert_eq!(wire_nlwire::decode_dump(&dg, s).unwrap(), 100));
    for (i, (g, w)) in got.iter().zip(&flows).enumerate() {
        assert_eq!(g, w, "flow {i}");
    }
}

#[test]
fn libmnl_decodes_the_same() {
    let flows = flowgen::flows(100);
    let dg = flowgen::dump_datagram(&flows);
    let got = collect(|s| assert_eq!(wire_mnl::decode_dump(&dg, s), Some(100)));
    assert_eq!(got, flows);
}

#[test]
fn netlink_bindings_decodes_the_same() {
    let flows = flowgen::flows(100);
    let dg = flowgen::dump_datagram(&flows);
    let got = collect(|s| {
        assert_eq!(
            nlwire_benches::ovs::wire_nb::decode_dump(&dg, s).unwrap(),
            100
        )
    });
    assert_eq!(got, flows);
}

/// What a flow put carries: no stats, used or tcp_flags.
fn put_view(f: &Flow) -> Flow {
    use nlwire_benches::ovs::model::flow_attr::*;
    Flow {
        attrs: 1 << UFID | 1 << KEY | 1 << MASK | 1 << ACTIONS,
        n_packets: 0,
        n_bytes: 0,
        used: 0,
        tcp_flags: 0,
        ..*f
    }
}

fn check_puts(name: &str, bytes: &[u8], flows: &[Flow]) {
    let got = collect(|s| {
        assert_eq!(
            wire_nlwire::decode_dump(bytes, s).unwrap(),
            flows.len(),
            "{name}"
        )
    });
    let want: Vec<Flow> = flows.iter().map(put_view).collect();
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        assert_eq!(g, w, "{name}: flow {i}");
    }
    // Every message carries seq i+1 and the same length as nlwire's.
    let mut reference = nlwire::MsgBuf::new();
    wire_nlwire::encode_puts(&mut reference, flows);
    assert_eq!(bytes.len(), reference.len(), "{name}: total length");
    for (i, (a, b)) in nlwire::Messages::new(bytes)
        .zip(nlwire::Messages::new(reference.as_slice()))
        .enumerate()
    {
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(
            (a.ty(), a.flags(), a.seq(), a.bytes().len()),
            (b.ty(), b.flags(), b.seq(), b.bytes().len()),
            "{name}: msg {i}"
        );
    }
}

#[test]
fn every_encoder_produces_the_flows() {
    let flows = flowgen::flows(100);
    let mut b = nlwire::MsgBuf::new();
    wire_nlwire::encode_puts(&mut b, &flows);
    check_puts("nlwire", b.as_slice(), &flows);

    let mut v = Vec::new();
    let n = wire_mnl::encode_puts(&mut v, &flows, 1 << 17);
    check_puts("libmnl", &v[..n], &flows);

    let mut v = Vec::new();
    nlwire_benches::ovs::wire_nb::encode_puts(&mut v, &flows);
    check_puts("netlink-bindings", &v, &flows);
}

#[test]
fn neli_decodes_the_same() {
    let flows = flowgen::flows(100);
    let dg = flowgen::dump_datagram(&flows);
    let got = collect(|s| {
        assert_eq!(
            nlwire_benches::ovs::wire_neli::decode_dump(&dg, s).unwrap(),
            100
        )
    });
    assert_eq!(got, flows);
}

#[test]
fn neli_encodes_the_flows() {
    let flows = flowgen::flows(100);
    let mut c = std::io::Cursor::new(Vec::new());
    nlwire_benches::ovs::wire_neli::encode_puts(&mut c, &flows).unwrap();
    check_puts("neli", c.get_ref(), &flows);
}

#[test]
fn rust_netlink_decodes_the_same() {
    let flows = flowgen::flows(100);
    let dg = flowgen::dump_datagram(&flows);
    let got = collect(|s| {
        assert_eq!(
            nlwire_benches::ovs::wire_rtnl::decode_dump(&dg, s).unwrap(),
            100
        )
    });
    assert_eq!(got, flows);
}

#[test]
fn rust_netlink_encodes_the_flows() {
    let flows = flowgen::flows(100);
    let mut v = Vec::new();
    nlwire_benches::ovs::wire_rtnl::encode_puts(&mut v, &flows);
    check_puts("rust-netlink", &v, &flows);
}

#[test]
fn netlink_bindings_accessors_decode_the_same() {
    let flows = flowgen::flows(100);
    let dg = flowgen::dump_datagram(&flows);
    let got = collect(|s| {
        assert_eq!(
            nlwire_benches::ovs::wire_nb::decode_dump_getters(&dg, s).unwrap(),
            100
        )
    });
    assert_eq!(got, flows);
}

#[test]
fn c_inline_walk_decodes_the_same() {
    let flows = flowgen::flows(100);
    let dg = flowgen::dump_datagram(&flows);
    let got = collect(|s| assert_eq!(wire_mnl::c_decode_dump(&dg, s), Some(100)));
    assert_eq!(got, flows);
}

#[test]
fn nlwire_typed_decodes_and_encodes_the_same() {
    use nlwire_benches::ovs::wire_typed;
    let flows = flowgen::flows(100);
    let dg = flowgen::dump_datagram(&flows);
    let got = collect(|s| assert_eq!(wire_typed::decode_dump(&dg, s).unwrap(), 100));
    assert_eq!(got, flows);
    let mut b = nlwire::MsgBuf::new();
    wire_typed::encode_puts(&mut b, &flows);
    check_puts("nlwire (typed)", b.as_slice(), &flows);
    let kept: Vec<_> = flows.iter().map(wire_typed::put_msg).collect();
    let mut k = nlwire::MsgBuf::new();
    wire_typed::encode_owned(&mut k, &kept);
    assert_eq!(k.as_slice(), b.as_slice(), "nlwire (typed, kept)");
}
