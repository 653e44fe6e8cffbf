//! Drift-robust timing: criterion measures one case after another, so on a shared
//! machine whose load changes over minutes, two peers of one workload can be measured
//! under different loads. This runs the peers of a workload in alternation instead:
//! many short rounds, each timing every peer once (in a rotating order), and reports
//! each peer's median over the rounds. Writes target/interleaved.tsv
//! (group, peer, median ns/op, min ns/op, rounds).
//! Usage: `cargo run --release --bin interleave [--transport]`; `-- --only <text>` times
//! only the codec groups whose name contains the text (and writes no file).

use std::time::{Duration, Instant};

use nlwire_benches::workloads::{
    Case, decode_links, decode_nlctrl, decode_ovs, encode_ovs, transport_cases,
};

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn run_group(mut cases: Vec<Case>, rounds: usize, slice: Duration, out: &mut String) {
    // Warm up and calibrate: iterations per timed slice.
    let iters: Vec<u64> = cases
        .iter_mut()
        .map(|c| {
            (c.run)();
            let t = Instant::now();
            let mut n = 0u64;
            while t.elapsed() < slice / 4 {
                std::hint::black_box((c.run)());
                n += 1;
            }
            (n * 4).max(1)
        })
        .collect();
    let mut samples = vec![Vec::with_capacity(rounds); cases.len()];
    for r in 0..rounds {
        for k in 0..cases.len() {
            let i = (k + r) % cases.len();
            let c = &mut cases[i];
            let t = Instant::now();
            for _ in 0..iters[i] {
                std::hint::black_box((c.run)());
            }
            samples[i].push(t.elapsed().as_nanos() as f64 / iters[i] as f64);
        }
    }
    for (c, s) in cases.iter().zip(samples.iter_mut()) {
        let min = s.iter().cloned().fold(f64::INFINITY, f64::min);
        let med = median(s);
        println!(
            "{:<32} {:<26} median {:>12.0} ns/op  min {:>12.0}",
            c.group, c.peer, med, min
        );
        out.push_str(&format!(
            "{}\t{}\t{med}\t{min}\t{rounds}\n",
            c.group, c.peer
        ));
    }
}

fn main() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/target/interleaved.tsv");
    let args: Vec<String> = std::env::args().collect();
    let transport = args.iter().any(|a| a == "--transport");
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1));
    let mut out = String::new();
    if transport {
        // Keep the codec results of an earlier run.
        if let Ok(old) = std::fs::read_to_string(path) {
            out.extend(
                old.lines()
                    .filter(|l| !l.starts_with("transport_"))
                    .map(|l| format!("{l}\n")),
            );
        }
        run_group(transport_cases(), 9, Duration::from_millis(1), &mut out);
    } else {
        for g in [decode_ovs(), decode_nlctrl(), decode_links(), encode_ovs()] {
            if only.is_some_and(|o| !g[0].group.contains(o.as_str())) {
                continue;
            }
            run_group(g, 41, Duration::from_millis(20), &mut out);
        }
        if only.is_some() {
            return;
        }
    }
    std::fs::create_dir_all(concat!(env!("CARGO_MANIFEST_DIR"), "/target")).unwrap();
    std::fs::write(path, out).unwrap();
}
