//! Route install and dump in a namespace made by the bench (see `nlwire_benches::routes`).
//! Each install starts from an empty table (the veth is re-created outside the timing).

use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use nlwire::sock::Transaction;
use nlwire_benches::routes::*;

fn routes(c: &mut Criterion) {
    let ns = Netns::create();
    let batch_file = std::env::temp_dir().join("nlwire-bench-routes.batch");
    write_batch_file(&batch_file, ROUTES);

    let mut g = c.benchmark_group("routes_install_100000");
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_millis(1));
    g.throughput(Throughput::Elements(ROUTES as u64));
    let mut txns: Vec<Transaction> = (0..256).map(|_| Transaction::new()).collect();
    g.bench_function("nlwire transact_multiple", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                ns.reset_link();
                let oif = ns.ifindex();
                let mut sock = ns.socket();
                let t = Instant::now();
                nlwire_install(&mut sock, &mut txns, ROUTES, oif);
                total += t.elapsed();
                assert_eq!(ns.count_routes(), ROUTES);
            }
            total
        })
    });
    g.bench_function("ip -batch", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                ns.reset_link();
                let t = Instant::now();
                ip_batch(&batch_file);
                total += t.elapsed();
                assert_eq!(ns.count_routes(), ROUTES);
            }
            total
        })
    });
    g.finish();

    // The table now holds ROUTES routes (from the last `ip -batch`).
    let oif = ns.ifindex();
    let mut sock = ns.socket();
    assert_eq!(nlwire_dump(&mut sock, oif).0, ROUTES);
    let mut g = c.benchmark_group("routes_dump_100000");
    g.sampling_mode(SamplingMode::Flat).sample_size(10);
    g.throughput(Throughput::Elements(ROUTES as u64));
    g.bench_function("nlwire dump", |b| b.iter(|| nlwire_dump(&mut sock, oif)));
    g.bench_function("ip route show", |b| b.iter(ip_route_show));
    g.finish();
    let _ = std::fs::remove_file(&batch_file);
}

criterion_group!(benches, routes);
criterion_main!(benches);
