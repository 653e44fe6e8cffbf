//! Decode workloads: every peer decodes every field a consumer reads from the same bytes.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use nlwire_benches::rawsock::read_recording;
use nlwire_benches::ovs::{flowgen, model::fold, wire_mnl, wire_nb, wire_neli, wire_nlwire, wire_rtnl};

fn ovs_flow_dump(c: &mut Criterion) {
    let flows = flowgen::flows(100);
    let dg = flowgen::dump_datagram(&flows);
    let mut g = c.benchmark_group("decode_ovs_flow_dump_100");
    g.throughput(Throughput::Elements(100));
    g.bench_function("nlwire", |b| {
        b.iter(|| {
            let mut acc = 0;
            wire_nlwire::decode_dump(black_box(&dg), |f| acc = fold(acc, f)).unwrap();
            acc
        })
    });
    g.bench_function("libmnl", |b| {
        b.iter(|| {
            let mut acc = 0;
            wire_mnl::decode_dump(black_box(&dg), |f| acc = fold(acc, f)).unwrap();
            acc
        })
    });
    g.bench_function("netlink-bindings", |b| {
        b.iter(|| {
            let mut acc = 0;
            wire_nb::decode_dump(black_box(&dg), |f| acc = fold(acc, f)).unwrap();
            acc
        })
    });
    g.bench_function("neli", |b| {
        b.iter(|| {
            let mut acc = 0;
            wire_neli::decode_dump(black_box(&dg), |f| acc = fold(acc, f)).unwrap();
            acc
        })
    });
    g.bench_function("rust-netlink", |b| {
        b.iter(|| {
            let mut acc = 0;
            wire_rtnl::decode_dump(black_box(&dg), |f| acc = fold(acc, f)).unwrap();
            acc
        })
    });
    g.finish();
}

fn recording(name: &str) -> Vec<Vec<u8>> {
    read_recording(&std::fs::read(format!("{}/data/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap())
}

fn nlctrl_dump(c: &mut Criterion) {
    use nlwire_benches::ctrl::*;
    let d = recording("nlctrl-getfamily.bin");
    let n = nlwire_impl::decode(&d, |_| {}).unwrap();
    let mut g = c.benchmark_group("decode_nlctrl_getfamily_dump");
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function("nlwire", |b| b.iter(|| { let mut acc = 0; nlwire_impl::decode(black_box(&d), |f| acc = fold(acc, f)).unwrap(); acc }));
    g.bench_function("libmnl", |b| b.iter(|| { let mut acc = 0; mnl_impl::decode(black_box(&d), |f| acc = fold(acc, f)).unwrap(); acc }));
    g.bench_function("netlink-bindings", |b| b.iter(|| { let mut acc = 0; nb_impl::decode(black_box(&d), |f| acc = fold(acc, f)).unwrap(); acc }));
    g.bench_function("neli", |b| b.iter(|| { let mut acc = 0; neli_impl::decode(black_box(&d), |f| acc = fold(acc, f)).unwrap(); acc }));
    g.bench_function("rust-netlink", |b| b.iter(|| { let mut acc = 0; rtnl_impl::decode(black_box(&d), |f| acc = fold(acc, f)).unwrap(); acc }));
    g.finish();
}

fn rtnl_link_dump(c: &mut Criterion) {
    use nlwire_benches::link::*;
    let d = recording("rtnl-getlink.bin");
    let n = nlwire_impl::decode(&d, |_| {}).unwrap();
    let mut g = c.benchmark_group("decode_rtnl_link_dump");
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function("nlwire", |b| b.iter(|| { let mut acc = 0; nlwire_impl::decode(black_box(&d), |l| acc = fold(acc, l)).unwrap(); acc }));
    g.bench_function("libmnl", |b| b.iter(|| { let mut acc = 0; mnl_impl::decode(black_box(&d), |l| acc = fold(acc, l)).unwrap(); acc }));
    g.bench_function("netlink-bindings", |b| b.iter(|| { let mut acc = 0; nb_impl::decode(black_box(&d), |l| acc = fold(acc, l)).unwrap(); acc }));
    g.bench_function("neli", |b| b.iter(|| { let mut acc = 0; neli_impl::decode(black_box(&d), |l| acc = fold(acc, l)).unwrap(); acc }));
    g.bench_function("rust-netlink", |b| b.iter(|| { let mut acc = 0; rtnl_impl::decode(black_box(&d), |l| acc = fold(acc, l)).unwrap(); acc }));
    g.finish();
}

criterion_group!(benches, ovs_flow_dump, nlctrl_dump, rtnl_link_dump);
criterion_main!(benches);
