//! Every peer decodes the same values from the recorded nlctrl and link dumps.

use nlwire_benches::rawsock::read_recording;
use nlwire_benches::{ctrl, link};

fn recording(name: &str) -> Vec<Vec<u8>> {
    read_recording(&std::fs::read(format!("{}/data/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap())
}

#[test]
fn nlctrl_all_peers_agree() {
    assert!(ctrl::mnl_impl::layout_matches());
    let d = recording("nlctrl-getfamily.bin");
    let mut want = Vec::new();
    let n = ctrl::nlwire_impl::decode(&d, |f| want.push(*f)).unwrap();
    assert!(n >= 3, "only {n} families");
    assert!(
        want.iter()
            .any(|f| &f.name[..6] == b"nlctrl" && f.n_mcgrps == 1 && f.n_ops > 0)
    );
    let mut got = Vec::new();
    ctrl::typed_impl::decode(&d, |f| got.push(*f)).unwrap();
    assert_eq!(got, want, "nlwire (typed)");
    got.clear();
    ctrl::mnl_impl::decode(&d, |f| got.push(*f)).unwrap();
    assert_eq!(got, want, "libmnl");
    got.clear();
    ctrl::nb_impl::decode(&d, |f| got.push(*f)).unwrap();
    assert_eq!(got, want, "netlink-bindings");
    got.clear();
    ctrl::neli_impl::decode(&d, |f| got.push(*f)).unwrap();
    assert_eq!(got, want, "neli");
    got.clear();
    ctrl::rtnl_impl::decode(&d, |f| got.push(*f)).unwrap();
    assert_eq!(got, want, "rust-netlink");
}

#[test]
fn links_all_peers_agree() {
    assert!(link::mnl_impl::layout_matches());
    let d = recording("rtnl-getlink.bin");
    let mut want = Vec::new();
    let n = link::nlwire_impl::decode(&d, |l| want.push(*l)).unwrap();
    assert!(n >= 10, "only {n} links");
    assert!(want.iter().any(|l| &l.kind[..6] == b"bridge"));
    assert!(want.iter().filter(|l| &l.kind[..4] == b"veth").count() >= 2);
    assert!(
        want.iter()
            .all(|l| l.present & (1 << link::ifla::STATS64) != 0)
    );
    let mut got = Vec::new();
    link::mnl_impl::decode(&d, |l| got.push(*l)).unwrap();
    assert_eq!(got, want, "libmnl");
    got.clear();
    link::nb_impl::decode(&d, |l| got.push(*l)).unwrap();
    assert_eq!(got, want, "netlink-bindings");
    got.clear();
    link::neli_impl::decode(&d, |l| got.push(*l)).unwrap();
    assert_eq!(got, want, "neli");
    got.clear();
    link::rtnl_impl::decode(&d, |l| got.push(*l)).unwrap();
    assert_eq!(got, want, "rust-netlink");
}
