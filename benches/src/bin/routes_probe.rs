//! Quick check of the route workload (not a benchmark): `routes_probe <n>`.
use nlwire_benches::routes::*;
use std::time::Instant;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse().unwrap())
        .unwrap_or(10_000);
    let ns = Netns::create();
    let oif = ns.ifindex();
    let mut sock = ns.socket();
    let mut txns: Vec<_> = (0..256).map(|_| nlwire::sock::Transaction::new()).collect();
    let t = Instant::now();
    nlwire_install(&mut sock, &mut txns, n, oif);
    println!(
        "nlwire install {n}: {:?}; ip counts {}",
        t.elapsed(),
        ns.count_routes()
    );
    let t = Instant::now();
    let (k, _) = nlwire_dump(&mut sock, oif);
    println!(
        "nlwire dump: {:?}, {k} routes through veth0 in main",
        t.elapsed()
    );
    let t = Instant::now();
    ip_route_show();
    println!("ip route show: {:?}", t.elapsed());
    ns.reset_link();
    let oif = ns.ifindex();
    let f = std::env::temp_dir().join("nlwire-routes.batch");
    write_batch_file(&f, n);
    let t = Instant::now();
    ip_batch(&f);
    println!(
        "ip -batch {n}: {:?}; ip counts {} (oif {oif})",
        t.elapsed(),
        ns.count_routes()
    );
}
