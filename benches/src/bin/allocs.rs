//! Allocations per operation for every case, counted by a global allocator.
//! Each case runs once to warm up (buffers reach their size), then `N` more times;
//! the table shows allocations (alloc + realloc calls) and bytes per operation.
//! Writes target/allocs.tsv. Usage: `cargo run --release --bin allocs`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use nlwire_benches::workloads::{codec_cases, transport_cases};

struct Counting;
static ALLOCS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        BYTES.fetch_add(l.size() as u64, Relaxed);
        unsafe { System.alloc(l) }
    }
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        BYTES.fetch_add(l.size() as u64, Relaxed);
        unsafe { System.alloc_zeroed(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        BYTES.fetch_add(n as u64, Relaxed);
        unsafe { System.realloc(p, l, n) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const N: u64 = 10;

fn main() {
    let mut out = String::new();
    println!(
        "{:<32} {:<26} {:>12} {:>12}",
        "case", "peer", "allocs/op", "bytes/op"
    );
    for mut c in codec_cases() {
        (c.run)();
        let (a0, b0) = (ALLOCS.load(Relaxed), BYTES.load(Relaxed));
        for _ in 0..N {
            std::hint::black_box((c.run)());
        }
        let (a, b) = (
            (ALLOCS.load(Relaxed) - a0) as f64 / N as f64,
            (BYTES.load(Relaxed) - b0) as f64 / N as f64,
        );
        println!("{:<32} {:<26} {:>12} {:>12}", c.group, c.peer, a, b);
        out.push_str(&format!("{}\t{}\t{}\t{}\n", c.group, c.peer, a, b));
    }
    // Live-kernel workloads (root only): transport cases as they are, and nlwire's side of
    // the route workload counted around the install and the dump alone (the `ip`
    // commands that reset the namespace allocate in this process too).
    if unsafe { libc::geteuid() } == 0 {
        for mut c in transport_cases() {
            (c.run)();
            let a0 = ALLOCS.load(Relaxed);
            let b0 = BYTES.load(Relaxed);
            std::hint::black_box((c.run)());
            let (a, b) = (ALLOCS.load(Relaxed) - a0, BYTES.load(Relaxed) - b0);
            println!("{:<32} {:<26} {:>12} {:>12}", c.group, c.peer, a, b);
            out.push_str(&format!("{}\t{}\t{a}\t{b}\n", c.group, c.peer));
        }
        use nlwire_benches::routes::*;
        let ns = Netns::create();
        let mut txns: Vec<nlwire::sock::Transaction> =
            (0..256).map(|_| nlwire::sock::Transaction::new()).collect();
        let mut counted = |group: &str, peer: &str, f: &mut dyn FnMut()| {
            let (a0, b0) = (ALLOCS.load(Relaxed), BYTES.load(Relaxed));
            f();
            let (a, b) = (ALLOCS.load(Relaxed) - a0, BYTES.load(Relaxed) - b0);
            println!("{group:<32} {peer:<26} {a:>12} {b:>12}");
            out.push_str(&format!("{group}\t{peer}\t{a}\t{b}\n"));
        };
        // Warm-up install (the transactions' buffers grow once), then a counted one.
        let oif = ns.ifindex();
        let mut sock = ns.socket();
        nlwire_install(&mut sock, &mut txns, ROUTES, oif);
        ns.reset_link();
        let oif = ns.ifindex();
        let mut sock = ns.socket();
        counted(
            "routes_install_100000",
            "nlwire transact_multiple",
            &mut || nlwire_install(&mut sock, &mut txns, ROUTES, oif),
        );
        nlwire_dump(&mut sock, oif);
        counted("routes_dump_100000", "nlwire dump", &mut || {
            std::hint::black_box(nlwire_dump(&mut sock, oif));
        });
    }
    std::fs::create_dir_all("target").unwrap();
    std::fs::write(
        concat!(env!("CARGO_MANIFEST_DIR"), "/target/allocs.tsv"),
        out,
    )
    .unwrap();
}
