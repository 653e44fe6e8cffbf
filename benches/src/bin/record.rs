//! Records the live kernel's replies that the decode benches replay:
//! - data/nlctrl-getfamily.bin: the CTRL_CMD_GETFAMILY dump of this host;
//! - data/rtnl-getlink.bin: an RTM_GETLINK dump in a namespace made for it, holding
//!   lo, a bridge and veth pairs enslaved to it (this host has no `dummy` module).
//! Each file holds the reply datagrams, each preceded by its length (u32 LE).
//! Run as root from benches/: `cargo run --release --bin record`.

use std::process::Command;

use nlwire::MsgBuf;
use nlwire::consts::*;
use nlwire_benches::rawsock::{RawSock, dump, in_netns, write_recording};

const NETNS: &str = "nlwire-bench-rec";

fn ip(args: &[&str]) {
    let st = Command::new("ip").args(args).status().expect("run ip");
    assert!(st.success(), "ip {args:?} failed");
}

fn main() -> std::io::Result<()> {
    std::fs::create_dir_all("data")?;

    // nlctrl: every generic netlink family of this kernel.
    let s = RawSock::open(NETLINK_GENERIC)?;
    let mut b = MsgBuf::new();
    let m = b.start_genl_msg(GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_DUMP, 3, 2);
    b.end_msg(m).unwrap();
    nlwire::attr_put::set_seq_pid(b.as_mut_slice(), 1, 0);
    let dgs = dump(&s, b.as_slice())?;
    std::fs::write("data/nlctrl-getfamily.bin", write_recording(&dgs))?;
    let n: usize = dgs.iter().map(|d| nlwire::Messages::new(d).count()).sum();
    println!(
        "nlctrl: {} datagrams, {} bytes, {n} messages (DONE included)",
        dgs.len(),
        dgs.iter().map(Vec::len).sum::<usize>()
    );

    // rtnetlink links in a fresh namespace.
    let _ = Command::new("ip")
        .args(["netns", "del", NETNS])
        .stderr(std::process::Stdio::null())
        .status();
    ip(&["netns", "add", NETNS]);
    ip(&["-n", NETNS, "link", "set", "lo", "up"]);
    ip(&["-n", NETNS, "link", "add", "br0", "type", "bridge"]);
    for i in 0..8 {
        let (a, p) = (format!("veth{i}"), format!("veth{i}p"));
        ip(&[
            "-n", NETNS, "link", "add", &a, "type", "veth", "peer", "name", &p,
        ]);
        ip(&["-n", NETNS, "link", "set", &a, "master", "br0"]);
        ip(&["-n", NETNS, "link", "set", &a, "up"]);
        ip(&["-n", NETNS, "link", "set", &p, "up"]);
    }
    ip(&["-n", NETNS, "link", "set", "br0", "up"]);
    let dgs = in_netns(
        &format!("/var/run/netns/{NETNS}"),
        || -> std::io::Result<Vec<Vec<u8>>> {
            let s = RawSock::open(NETLINK_ROUTE)?;
            let mut b = MsgBuf::new();
            let m = b.start_msg(libc::RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP);
            b.put(&[0u8; 16]); // struct ifinfomsg, AF_UNSPEC
            b.end_msg(m).unwrap();
            nlwire::attr_put::set_seq_pid(b.as_mut_slice(), 1, 0);
            dump(&s, b.as_slice())
        },
    )??;
    ip(&["netns", "del", NETNS]);
    std::fs::write("data/rtnl-getlink.bin", write_recording(&dgs))?;
    let n: usize = dgs.iter().map(|d| nlwire::Messages::new(d).count()).sum();
    println!(
        "rtnl links: {} datagrams, {} bytes, {n} messages (DONE included)",
        dgs.len(),
        dgs.iter().map(Vec::len).sum::<usize>()
    );
    Ok(())
}
