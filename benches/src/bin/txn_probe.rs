//! Quick check of the transport clients (not a benchmark): `txn_probe <n>`.
use nlwire_benches::transport::*;
use std::time::Instant;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse().unwrap())
        .unwrap_or(1000);
    let mut c = nlwire_t::Client::open(128);
    let t = Instant::now();
    let a = c.sequential(n);
    println!(
        "nlwire transact: {:?} per txn (sum {a})",
        t.elapsed() / n as u32
    );
    let t = Instant::now();
    let a = c.batched(n);
    println!(
        "nlwire transact_multiple: {:?} per txn (sum {a})",
        t.elapsed() / n as u32
    );
    let mut c = sys_t::Client::open();
    let t = Instant::now();
    let a = c.sequential(n);
    println!(
        "netlink-sys sequential: {:?} per txn (sum {a})",
        t.elapsed() / n as u32
    );
    let t = Instant::now();
    let a = c.batched(n, 50);
    println!(
        "netlink-sys batched(50): {:?} per txn (sum {a})",
        t.elapsed() / n as u32
    );
    let mut c = neli_t::Client::open();
    let t = Instant::now();
    let a = c.sequential(n);
    println!(
        "neli sequential: {:?} per txn (sum {a})",
        t.elapsed() / n as u32
    );
}
