//! Codec workloads (decode and encode), every peer on the same bytes / the same flows.
//! The cases live in `nlwire_benches::workloads`, shared with the allocation and
//! instruction counters.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use nlwire_benches::workloads::{Case, decode_links, decode_nlctrl, decode_ovs, encode_ovs};

fn run(c: &mut Criterion, cases: Vec<Case>) {
    let group = cases[0].group;
    let mut g = c.benchmark_group(group);
    for mut case in cases {
        g.throughput(Throughput::Elements(case.elements));
        g.bench_function(case.peer, |b| b.iter(&mut case.run));
    }
    g.finish();
}

fn codec(c: &mut Criterion) {
    run(c, decode_ovs());
    run(c, decode_nlctrl());
    run(c, decode_links());
    run(c, encode_ovs());
}

criterion_group!(benches, codec);
criterion_main!(benches);
