//! Encode workloads: every peer encodes the same flows into a buffer it reuses.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use nlwire_benches::ovs::{flowgen, wire_mnl, wire_nb, wire_neli, wire_nlwire, wire_rtnl};

fn ovs_flow_puts(c: &mut Criterion) {
    let flows = flowgen::flows(100);
    let mut g = c.benchmark_group("encode_ovs_flow_put_100");
    g.throughput(Throughput::Elements(100));
    let mut buf = nlwire::MsgBuf::new();
    g.bench_function("nlwire", |b| {
        b.iter(|| {
            wire_nlwire::encode_puts(&mut buf, black_box(&flows));
            buf.len()
        })
    });
    let mut v = Vec::new();
    g.bench_function("libmnl", |b| b.iter(|| wire_mnl::encode_puts(&mut v, black_box(&flows), 1 << 17)));
    let mut v = Vec::new();
    g.bench_function("netlink-bindings", |b| {
        b.iter(|| {
            wire_nb::encode_puts(&mut v, black_box(&flows));
            v.len()
        })
    });
    let mut cur = std::io::Cursor::new(Vec::new());
    g.bench_function("neli", |b| {
        b.iter(|| {
            wire_neli::encode_puts(&mut cur, black_box(&flows)).unwrap();
            cur.get_ref().len()
        })
    });
    let mut v = Vec::new();
    g.bench_function("rust-netlink", |b| {
        b.iter(|| {
            wire_rtnl::encode_puts(&mut v, black_box(&flows));
            v.len()
        })
    });
    g.finish();
}

criterion_group!(benches, ovs_flow_puts);
criterion_main!(benches);
