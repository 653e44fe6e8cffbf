//! 10,000 CTRL_CMD_GETFAMILY("nlctrl") transactions with ACK against the live kernel,
//! one at a time and batched (see `nlwire_benches::transport`).

use std::time::Duration;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use nlwire_benches::transport::{TXNS, neli_t, nlwire_t, sys_t};

fn transport(c: &mut Criterion) {
    let mut g = c.benchmark_group("transport_getfamily_10000");
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1));
    g.throughput(Throughput::Elements(TXNS as u64));
    let mut nl = nlwire_t::Client::open(128);
    g.bench_function("nlwire transact", |b| b.iter(|| nl.sequential(TXNS)));
    g.bench_function("nlwire transact_multiple", |b| b.iter(|| nl.batched(TXNS)));
    let mut sys = sys_t::Client::open();
    g.bench_function("netlink-sys sequential", |b| {
        b.iter(|| sys.sequential(TXNS))
    });
    g.bench_function("netlink-sys batched", |b| b.iter(|| sys.batched(TXNS, 128)));
    let mut neli = neli_t::Client::open();
    g.bench_function("neli sequential", |b| b.iter(|| neli.sequential(TXNS)));
    g.finish();
}

criterion_group!(benches, transport);
criterion_main!(benches);
