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
