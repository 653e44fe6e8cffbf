//! Runs one case in a loop, for callgrind (instruction counts) and perf:
//! `prof <group> <peer> <iterations>`; `prof --list` prints the cases.
//! The loop is `measured`, so `valgrind --tool=callgrind --toggle-collect=*measured*`
//! counts only the operations (see callgrind.sh).

use nlwire_benches::workloads::{Case, codec_cases};

#[inline(never)]
fn measured(case: &mut Case, iters: u64) -> u64 {
    let mut acc = 0u64;
    for _ in 0..iters {
        acc = acc.wrapping_add((case.run)());
    }
    acc
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let cases = codec_cases();
    if args.get(1).map(String::as_str) == Some("--list") {
        for c in &cases {
            println!("{}\t{}", c.group, c.peer);
        }
        return;
    }
    let (group, peer, iters) = (&args[1], &args[2], args[3].parse::<u64>().unwrap());
    let mut case = cases
        .into_iter()
        .find(|c| c.group == group && c.peer == peer)
        .expect("no such case");
    (case.run)(); // warm-up: buffers reach their size outside the measured loop
    println!("{}", measured(&mut case, iters));
}
