//! The live-kernel workloads do what they claim, on a small scale (root only: skipped
//! otherwise). Transport: every client gets nlctrl's id for every transaction. Routes:
//! nlwire installs routes that `ip` then sees, and its dump finds them all.

use nlwire_benches::routes::*;
use nlwire_benches::transport::*;

fn root() -> bool {
    unsafe { libc::geteuid() == 0 }
}

#[test]
fn transport_clients_get_every_reply() {
    if !root() {
        eprintln!("skipped: not root");
        return;
    }
    let n = 300;
    let id = nlwire::consts::GENL_ID_CTRL as u64;
    let mut c = nlwire_t::Client::open(128);
    assert_eq!(c.sequential(n), n as u64 * id);
    assert_eq!(c.batched(n), n as u64 * id);
    let mut s = sys_t::Client::open();
    assert_eq!(s.sequential(n), n as u64 * id);
    assert_eq!(s.batched(n, 128), n as u64 * id);
    let mut ne = neli_t::Client::open();
    assert_eq!(ne.sequential(50), 50 * id);
}

#[test]
fn routes_installed_by_nlwire_and_ip_are_dumped() {
    if !root() {
        eprintln!("skipped: not root");
        return;
    }
    let n = 1000;
    let ns = Netns::create();
    let oif = ns.ifindex();
    let mut sock = ns.socket();
    let mut txns: Vec<_> = (0..256).map(|_| nlwire::sock::Transaction::new()).collect();
    nlwire_install(&mut sock, &mut txns, n, oif);
    assert_eq!(ns.count_routes(), n);
    assert_eq!(nlwire_dump(&mut sock, oif).0, n);
    ns.reset_link();
    let oif = ns.ifindex();
    let f = std::env::temp_dir().join("nlwire-bench-live-test.batch");
    write_batch_file(&f, n);
    ip_batch(&f);
    let mut sock = ns.socket();
    assert_eq!(nlwire_dump(&mut sock, oif).0, n);
    let _ = std::fs::remove_file(f);
}
