//! Runs one workload/peer in a loop, for `perf stat` / `perf record` / callgrind:
//! `prof <workload> <peer> <iterations>`.
use std::hint::black_box;

use nlwire_benches::ovs::{flowgen, model::fold, wire_mnl, wire_nb, wire_neli, wire_nlwire, wire_rtnl};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (work, peer, iters) = (args[1].as_str(), args[2].as_str(), args[3].parse::<u64>().unwrap());
    let flows = flowgen::flows(100);
    let dg = flowgen::dump_datagram(&flows);
    let mut acc = 0u64;
    match work {
        "decode_ovs" => {
            for _ in 0..iters {
                let dg = black_box(&dg[..]);
                let mut s = |f: &nlwire_benches::ovs::model::Flow| acc = fold(acc, f);
                match peer {
                    "nlwire" => drop(wire_nlwire::decode_dump(dg, &mut s).unwrap()),
                    "libmnl" => drop(wire_mnl::decode_dump(dg, &mut s).unwrap()),
                    "netlink-bindings" => drop(wire_nb::decode_dump(dg, &mut s).unwrap()),
                    "neli" => drop(wire_neli::decode_dump(dg, &mut s).unwrap()),
                    "rust-netlink" => drop(wire_rtnl::decode_dump(dg, &mut s).unwrap()),
                    _ => panic!("peer"),
                }
            }
        }
        _ => panic!("workload"),
    }
    println!("{acc}");
}
