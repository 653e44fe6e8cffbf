//! Records seed inputs for the fuzz targets from real netlink traffic:
//!
//! ```sh
//! NLWIRE_RECORD_SEEDS=/tmp/seeds cargo test -p nlwire-families --test ovs_vm record_fuzz_seeds
//! cargo run -p nlwire-fuzz --example record_seeds -- /tmp/seeds
//! ```
//!
//! The first command writes the OVS requests and replies of the VM tests (and nlctrl's
//! answers naming the OVS families) to `/tmp/seeds/*.bin`. This program adds exchanges
//! with the running kernel as `/tmp/seeds/host-*.bin`: nlctrl GETFAMILY and GETPOLICY,
//! an nlctrl request the kernel rejects with an extended ACK, and rtnetlink GETLINK of
//! the loopback device. Then it writes nlmon captures of all of them, as the kernel's
//! nlmon device would show them, to `/tmp/seeds/captures/` (pcap, pcapng, big-endian
//! pcap). Datagrams are cut at a message boundary to at most 8 KiB so the seeds stay
//! small.

use std::collections::BTreeMap;
use std::io::IoSlice;
use std::path::{Path, PathBuf};

use nlwire::consts::*;
use nlwire::sock::{RecvBuf, Socket, Transport as _};
use nlwire::{Messages, MsgBuf};

/// Largest datagram kept as a seed.
const MAX_SEED: usize = 8 << 10;

fn main() {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .expect("usage: record_seeds <dir>  (the NLWIRE_RECORD_SEEDS directory)"),
    );
    std::fs::create_dir_all(&dir).expect("create the seed directory");
    let host = record_host();
    for (name, _, bytes) in &host {
        std::fs::write(dir.join(format!("host-{name}.bin")), bytes).expect("write a seed");
    }
    let captures = dir.join("captures");
    std::fs::create_dir_all(&captures).expect("create the capture directory");
    let host_packets: Vec<(u16, Vec<u8>)> = host.iter().map(|(_, p, b)| (*p, b.clone())).collect();
    write_captures(&captures, "host", &host_packets);
    for (test, packets) in vm_tests(&dir) {
        write_captures(&captures, &test, &packets);
    }
    eprintln!(
        "recorded {} host datagrams; captures in {}",
        host.len(),
        captures.display()
    );
}

/// One request and its reply datagrams: (name, protocol, bytes) each.
type Exchange = Vec<(String, u16, Vec<u8>)>;

fn record_host() -> Exchange {
    let mut out = Vec::new();
    let mut g = Socket::open(NETLINK_GENERIC).expect("generic netlink socket");
    let genl = |flags: u16, cmd: u8, put: &dyn Fn(&mut MsgBuf<'static>)| {
        let mut b = MsgBuf::new();
        let m = b.start_genl_msg(GENL_ID_CTRL, NLM_F_REQUEST | flags, cmd, 1);
        put(&mut b);
        b.end_msg(m).expect("a small request");
        b.to_vec()
    };
    let name = |b: &mut MsgBuf<'static>| b.put_attr_str(2, "nlctrl").expect("attr");
    exchange(
        &mut g,
        16,
        "nlctrl-getfamily-nlctrl",
        genl(NLM_F_ACK, 3, &name),
        1,
        &mut out,
    );
    exchange(
        &mut g,
        16,
        "nlctrl-getfamily-dump",
        genl(NLM_F_DUMP, 3, &|_| {}),
        2,
        &mut out,
    );
    exchange(
        &mut g,
        16,
        "nlctrl-getpolicy-nlctrl",
        genl(NLM_F_DUMP, 10, &name),
        3,
        &mut out,
    );
    // family-id is a u16; one byte of it is refused with an extended ACK naming it.
    let bad = genl(NLM_F_ACK, 3, &|b| b.put_attr(1, &[7]).expect("attr"));
    exchange(&mut g, 16, "nlctrl-getfamily-bad-id", bad, 4, &mut out);
    let mut r = Socket::open(NETLINK_ROUTE).expect("rtnetlink socket");
    let mut b = MsgBuf::new();
    let m = b.start_msg(18, NLM_F_REQUEST | NLM_F_ACK); // RTM_GETLINK
    let mut ifinfomsg = [0u8; 16];
    ifinfomsg[4..8].copy_from_slice(&1i32.to_ne_bytes()); // ifi_index 1: lo
    b.put(&ifinfomsg);
    b.end_msg(m).expect("a small request");
    exchange(&mut r, 0, "rtnl-getlink-lo", b.to_vec(), 5, &mut out);
    out
}

/// Sends `request` with sequence number `seq` and records it and the reply datagrams
/// until the answer ends (ACK, error or DONE); at most three datagrams of a dump.
fn exchange(
    sock: &mut Socket,
    proto: u16,
    name: &str,
    mut request: Vec<u8>,
    seq: u32,
    out: &mut Exchange,
) {
    request[8..12].copy_from_slice(&seq.to_ne_bytes());
    sock.transport_mut()
        .send(&[IoSlice::new(&request)])
        .expect("send");
    out.push((format!("{name}-req"), proto, request));
    let mut buf = RecvBuf::with_capacity(64 << 10);
    let mut kept = 0;
    loop {
        buf.clear();
        sock.recv_raw(&mut buf, true)
            .expect("recv")
            .expect("a datagram");
        let dg = buf.as_slice();
        let done = Messages::new(dg)
            .flatten()
            .any(|m| m.seq() == seq && matches!(m.ty(), NLMSG_ERROR | NLMSG_DONE));
        if kept < 3 || done {
            kept += 1;
            out.push((format!("{name}-rep{kept}"), proto, cut(dg)));
        }
        if done {
            return;
        }
    }
}

/// The longest run of whole messages from the front of `dg` within [`MAX_SEED`] bytes
/// (at least the first message).
fn cut(dg: &[u8]) -> Vec<u8> {
    let mut end = 0;
    for m in Messages::new(dg).flatten() {
        let next = (end + m.bytes().len()).next_multiple_of(4).min(dg.len());
        if end > 0 && next > MAX_SEED {
            break;
        }
        end = next;
    }
    dg[..end].to_vec()
}

/// The VM seeds (`<test>-<family>-cmd<N>-<req|rep>-<n>.bin`, `nlctrl-getfamily-*.bin`,
/// `upcalls-ovs_packet-*.bin`) grouped by test, each group led by the nlctrl answers that
/// name the OVS families, in file-name order with each request before its replies.
fn vm_tests(dir: &Path) -> BTreeMap<String, Vec<(u16, Vec<u8>)>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read the seed directory")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "bin"))
        .collect();
    let stem = |p: &Path| {
        p.file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("")
            .to_string()
    };
    // A request before its replies.
    files.sort_by_key(|p| stem(p).replace("-req", "-0req").replace("-rep", "-1rep"));
    let names: Vec<Vec<u8>> = files
        .iter()
        .filter(|p| stem(p).starts_with("nlctrl-getfamily-ovs"))
        .map(|p| std::fs::read(p).expect("read a seed"))
        .collect();
    let mut out: BTreeMap<String, Vec<(u16, Vec<u8>)>> = BTreeMap::new();
    for p in &files {
        let s = stem(p);
        if s.starts_with("nlctrl-") || s.starts_with("host-") {
            continue;
        }
        let test = s.split('-').next().unwrap_or("").to_string();
        let group = out
            .entry(format!("vm-{test}"))
            .or_insert_with(|| names.iter().map(|b| (16, b.clone())).collect());
        group.push((16, std::fs::read(p).expect("read a seed")));
    }
    out
}

/// Writes `name.pcap`, `name.pcapng` and `name-be.pcap` holding `packets` behind nlmon
/// headers.
fn write_captures(dir: &Path, name: &str, packets: &[(u16, Vec<u8>)]) {
    let frames: Vec<Vec<u8>> = packets.iter().map(|(p, b)| nlmon(*p, b)).collect();
    let write = |file: String, bytes: Vec<u8>| {
        std::fs::write(dir.join(file), bytes).expect("write a capture");
    };
    write(format!("{name}.pcap"), pcap(&frames, false));
    write(format!("{name}-be.pcap"), pcap(&frames, true));
    write(format!("{name}.pcapng"), pcapng(&frames));
}

/// nlmon's 16-byte header (pkttype, ARPHRD_NETLINK, 10 unused bytes, protocol; all
/// big-endian) and the datagram.
fn nlmon(proto: u16, datagram: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(16 + datagram.len());
    v.extend(4u16.to_be_bytes());
    v.extend(824u16.to_be_bytes());
    v.extend([0; 10]);
    v.extend(proto.to_be_bytes());
    v.extend(datagram);
    v
}

fn pcap(frames: &[Vec<u8>], big_endian: bool) -> Vec<u8> {
    let w32 = |v: u32| {
        if big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let w16 = |v: u16| {
        if big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let mut f = Vec::new();
    f.extend(w32(0xa1b2_c3d4));
    f.extend(w16(2));
    f.extend(w16(4));
    f.extend([0; 8]);
    f.extend(w32(262_144));
    f.extend(w32(253));
    for (i, d) in frames.iter().enumerate() {
        f.extend(w32(1_700_000_000 + i as u32));
        f.extend(w32(0));
        f.extend(w32(d.len() as u32));
        f.extend(w32(d.len() as u32));
        f.extend(d);
    }
    f
}

fn block(ty: u32, body: &[u8]) -> Vec<u8> {
    let len = 12 + body.len().next_multiple_of(4);
    let mut b = Vec::with_capacity(len);
    b.extend(ty.to_le_bytes());
    b.extend((len as u32).to_le_bytes());
    b.extend(body);
    b.resize(len - 4, 0);
    b.extend((len as u32).to_le_bytes());
    b
}

fn pcapng(frames: &[Vec<u8>]) -> Vec<u8> {
    let mut shb = Vec::new();
    shb.extend(0x1a2b_3c4du32.to_le_bytes());
    shb.extend(1u16.to_le_bytes());
    shb.extend(0u16.to_le_bytes());
    shb.extend((-1i64).to_le_bytes());
    let mut f = block(0x0a0d_0d0a, &shb);
    let mut idb = Vec::new();
    idb.extend(253u16.to_le_bytes());
    idb.extend(0u16.to_le_bytes());
    idb.extend(262_144u32.to_le_bytes());
    f.extend(block(1, &idb));
    for d in frames {
        let mut e = Vec::new();
        e.extend(0u32.to_le_bytes());
        e.extend([0; 8]);
        e.extend((d.len() as u32).to_le_bytes());
        e.extend((d.len() as u32).to_le_bytes());
        e.extend(d);
        f.extend(block(6, &e));
    }
    f
}
