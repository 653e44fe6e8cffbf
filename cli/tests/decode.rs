//! `nlwire decode` on captures recorded here from the live kernel: real request and
//! reply datagrams (nlctrl, netdev, rtnetlink, and an ext-ack error), sent and received
//! through the project's transport, written into pcap and pcapng files with nlmon
//! headers, then decoded by the binary with the built-in specs and the test specs of
//! `tests/specs` (or, in the `kernel_specs` test, the kernel's own). Also: truncated and
//! corrupted captures.

mod common;

use std::io::IoSlice;

use common::{nlwire, stderr, stdout, test_specs, tmp};
use nlwire::MsgBuf;
use nlwire::consts::*;
use nlwire::sock::{RecvBuf, Socket, Transport};
use serde_json::Value;

/// One captured packet: netlink protocol and the datagram.
struct Packet {
    proto: u16,
    data: Vec<u8>,
}

/// Sends `request` (seq 1.., pid 0) and records it and every reply datagram until the
/// request is answered (ACK, error, or DONE).
fn exchange(sock: &mut Socket, proto: u16, mut request: Vec<u8>, seq: u32, out: &mut Vec<Packet>) {
    request[8..12].copy_from_slice(&seq.to_ne_bytes());
    sock.transport_mut()
        .send(&[IoSlice::new(&request)])
        .expect("send");
    out.push(Packet {
        proto,
        data: request,
    });
    let mut buf = RecvBuf::with_capacity(64 << 10);
    loop {
        buf.clear();
        sock.recv_raw(&mut buf, true)
            .expect("recv")
            .expect("a datagram");
        let dg = buf.as_slice().to_vec();
        let done = nlwire::Messages::new(&dg)
            .flatten()
            .any(|m| m.seq() == seq && matches!(m.ty(), NLMSG_ERROR | NLMSG_DONE));
        out.push(Packet { proto, data: dg });
        if done {
            break;
        }
    }
}

fn genl_request(
    family: u16,
    flags: u16,
    cmd: u8,
    put: impl FnOnce(&mut MsgBuf<'static>),
) -> Vec<u8> {
    let mut b = MsgBuf::new();
    let m = b.start_genl_msg(family, NLM_F_REQUEST | flags, cmd, 1);
    put(&mut b);
    b.end_msg(m).unwrap();
    b.to_vec()
}

/// Records the exchanges: nlctrl getfamily netdev, netdev dev-get dump, netdev dev-get
/// with ifindex 0 (rejected with an ext-ack offset), rtnetlink getlink dump.
fn record() -> Vec<Packet> {
    let mut out = Vec::new();
    let mut g = Socket::open(NETLINK_GENERIC).unwrap();
    let getfamily = genl_request(GENL_ID_CTRL, NLM_F_ACK, 3, |b| {
        b.put_attr_str(2, "netdev").unwrap()
    });
    exchange(&mut g, 16, getfamily, 1, &mut out);
    let netdev = g.resolve_family("netdev").unwrap().id;
    exchange(
        &mut g,
        16,
        genl_request(netdev, NLM_F_DUMP, 1, |_| {}),
        2,
        &mut out,
    );
    let bad = genl_request(netdev, NLM_F_ACK, 1, |b| b.put_attr_u32(1, 0).unwrap());
    exchange(&mut g, 16, bad, 3, &mut out);
    let mut r = Socket::open(NETLINK_ROUTE).unwrap();
    let mut b = MsgBuf::new();
    let m = b.start_msg(18, NLM_F_REQUEST | NLM_F_DUMP); // RTM_GETLINK
    b.put(&[0u8; 16]); // struct ifinfomsg
    b.end_msg(m).unwrap();
    exchange(&mut r, 0, b.to_vec(), 1, &mut out);
    out
}

/// The 16-byte nlmon header: pkttype, ARPHRD_NETLINK, 10 unused bytes, protocol.
fn nlmon(p: &Packet) -> Vec<u8> {
    let mut v = vec![0, 4];
    v.extend(824u16.to_be_bytes());
    v.extend([0; 10]);
    v.extend(p.proto.to_be_bytes());
    v.extend(&p.data);
    v
}

fn pcap(packets: &[Packet]) -> Vec<u8> {
    let mut f = Vec::new();
    f.extend(0xa1b2c3d4u32.to_le_bytes());
    f.extend(2u16.to_le_bytes());
    f.extend(4u16.to_le_bytes());
    f.extend(0i32.to_le_bytes());
    f.extend(0u32.to_le_bytes());
    f.extend(262144u32.to_le_bytes());
    f.extend(253u32.to_le_bytes());
    for (i, p) in packets.iter().enumerate() {
        let d = nlmon(p);
        f.extend((1_700_000_000u32 + i as u32).to_le_bytes());
        f.extend(0u32.to_le_bytes());
        f.extend((d.len() as u32).to_le_bytes());
        f.extend((d.len() as u32).to_le_bytes());
        f.extend(d);
    }
    f
}

fn block(ty: u32, body: &[u8]) -> Vec<u8> {
    let len = 12 + body.len().div_ceil(4) * 4;
    let mut b = Vec::new();
    b.extend(ty.to_le_bytes());
    b.extend((len as u32).to_le_bytes());
    b.extend(body);
    b.resize(len - 4, 0);
    b.extend((len as u32).to_le_bytes());
    b
}

fn pcapng(packets: &[Packet]) -> Vec<u8> {
    let mut shb = Vec::new();
    shb.extend(0x1a2b3c4du32.to_le_bytes());
    shb.extend(1u16.to_le_bytes());
    shb.extend(0u16.to_le_bytes());
    shb.extend((-1i64).to_le_bytes());
    let mut f = block(0x0a0d0d0a, &shb);
    let mut idb = Vec::new();
    idb.extend(253u16.to_le_bytes());
    idb.extend(0u16.to_le_bytes());
    idb.extend(262144u32.to_le_bytes());
    f.extend(block(1, &idb));
    for p in packets {
        f.extend(epb(&nlmon(p)));
    }
    f
}

fn epb(d: &[u8]) -> Vec<u8> {
    let mut e = Vec::new();
    e.extend(0u32.to_le_bytes()); // interface
    e.extend(0u32.to_le_bytes());
    e.extend(0u32.to_le_bytes());
    e.extend((d.len() as u32).to_le_bytes());
    e.extend((d.len() as u32).to_le_bytes());
    e.extend(d);
    block(6, &e)
}

/// Runs `decode -o json` with the test specs and returns the status and one JSON value per
/// line.
fn decode(file: &std::path::Path, extra: &[&str]) -> (std::process::Output, Vec<Value>) {
    decode_with(file, &test_specs(), extra)
}

/// [`decode`] with the specs of `dir`.
fn decode_with(
    file: &std::path::Path,
    dir: &std::path::Path,
    extra: &[&str],
) -> (std::process::Output, Vec<Value>) {
    let dir = dir.display().to_string();
    let mut args = vec![
        "decode",
        file.to_str().unwrap(),
        "-o",
        "json",
        "--spec-dir",
        &dir,
        "--offline",
    ];
    args.extend(extra);
    let o = nlwire(&args);
    let lines = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    (o, lines)
}

fn check_full_decode(lines: &[Value], packets: &[Packet]) {
    let total: usize = packets
        .iter()
        .map(|p| nlwire::Messages::new(&p.data).count())
        .sum();
    assert_eq!(lines.len(), total, "one line per message");
    for l in lines {
        assert!(l.get("errors").is_none(), "problem in {l}");
        assert!(l.get("kind").is_some(), "no kind: {l}");
    }
    let find = |pred: &dyn Fn(&Value) -> bool| lines.iter().find(|l| pred(l)).cloned();
    // nlctrl's reply, decoded with the nlctrl spec, names netdev and its id.
    let nl = find(&|l| l["family"] == "nlctrl" && l["kind"] == "reply").expect("nlctrl reply");
    assert_eq!(nl["op"], "getfamily");
    assert_eq!(nl["attrs"]["family-name"], "netdev");
    let netdev_id = nl["attrs"]["family-id"].as_u64().unwrap();
    // netdev's dump replies, resolved through that id.
    let dev = find(&|l| l["family"] == "netdev" && l["kind"] == "reply").expect("netdev reply");
    assert_eq!(dev["op"], "dev-get");
    assert!(dev["attrs"]["ifindex"].as_u64().unwrap() >= 1);
    let req = find(&|l| l["family"] == "netdev" && l["kind"] == "request").unwrap();
    assert_eq!(req["flags"], serde_json::json!(["request", "dump"]));
    assert!(lines.iter().any(|l| l["kind"] == "done"));
    // The kernel's ext-ack, with the offending attribute named from the captured request.
    let err = find(&|l| l["kind"] == "error").expect("error");
    assert_eq!(err["errno"], 34);
    assert_eq!(err["ext-ack-msg"], "integer out of range");
    assert_eq!(err["offending-attribute"], "ifindex");
    assert_eq!(err["request"]["type"], netdev_id);
    // rtnetlink, matched to rt-link by message type, fixed header and all.
    let lo = find(&|l| l["protocol"] == "route" && l["attrs"]["ifname"] == "lo").expect("lo");
    assert_eq!(lo["family"], "rt-link");
    assert_eq!(lo["attrs"]["ifi-index"], 1);
}

#[test]
fn pcap_and_pcapng_of_real_exchanges_decode_every_message() {
    let packets = record();
    let p = tmp("real.pcap");
    std::fs::write(&p, pcap(&packets)).unwrap();
    let (o, lines) = decode(&p, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    check_full_decode(&lines, &packets);

    let p = tmp("real.pcapng");
    std::fs::write(&p, pcapng(&packets)).unwrap();
    let (o, lines) = decode(&p, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    check_full_decode(&lines, &packets);

    // The tree form (what a terminal shows) decodes the same capture.
    let dir = test_specs().display().to_string();
    let o = nlwire(&[
        "decode",
        p.to_str().unwrap(),
        "-o",
        "tree",
        "--spec-dir",
        &dir,
        "--offline",
    ]);
    assert!(o.status.success());
    let text = stdout(&o);
    assert!(text.contains("generic nlctrl getfamily reply"), "{text}");
    assert!(text.contains("  offending-attribute: ifindex"), "{text}");
}

/// Conformance corpus: the same capture decoded with the kernel's own specs.
#[nlwire_testkit::test(kernel_specs)]
fn real_exchanges_decode_with_the_kernel_specs() {
    let packets = record();
    let p = tmp("real-kernel-specs.pcapng");
    std::fs::write(&p, pcapng(&packets)).unwrap();
    let (o, lines) = decode_with(&p, &nlwire_testkit::kernel_specs_dir(), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    check_full_decode(&lines, &packets);
}

#[test]
fn truncated_pcap_reports_the_bad_record_and_keeps_the_rest() {
    let packets = record();
    let full = pcap(&packets);
    let cut = &full[..full.len() - 10];
    let p = tmp("truncated.pcap");
    std::fs::write(&p, cut).unwrap();
    let (o, lines) = decode(&p, &[]);
    assert_eq!(o.status.code(), Some(1));
    let n = packets.len();
    let err = stderr(&o);
    assert!(
        err.contains(&format!("record {n} (byte "))
            && err.contains("truncated record: its header says"),
        "{err}"
    );
    let bad = lines.last().unwrap();
    assert_eq!(bad["record"], n);
    assert!(
        bad["error"].as_str().unwrap().contains("the file holds"),
        "{bad}"
    );
    // Every record before it was decoded.
    let decoded: usize = packets[..n - 1]
        .iter()
        .map(|p| nlwire::Messages::new(&p.data).count())
        .sum();
    assert_eq!(lines.len() - 1, decoded);
    assert!(lines[..decoded].iter().all(|l| l.get("errors").is_none()));
}

#[test]
fn corrupt_pcapng_block_is_skipped_and_decoding_continues() {
    let packets = record();
    let mut f = Vec::new();
    let whole = pcapng(&packets);
    // SHB + IDB, one good packet, a block whose caplen runs past its end, the rest,
    // then a block cut by the end of the file.
    let head_len = {
        let shb = u32::from_le_bytes(whole[4..8].try_into().unwrap()) as usize;
        let idb = u32::from_le_bytes(whole[shb + 4..shb + 8].try_into().unwrap()) as usize;
        shb + idb
    };
    f.extend(&whole[..head_len]);
    f.extend(epb(&nlmon(&packets[0])));
    let mut bad = epb(&nlmon(&packets[1]));
    bad[20..24].copy_from_slice(&0xffffu32.to_le_bytes()); // caplen
    f.extend(bad);
    for p in &packets[2..] {
        f.extend(epb(&nlmon(p)));
    }
    let tail = epb(&nlmon(&packets[0]));
    f.extend(&tail[..tail.len() / 2]);
    let p = tmp("corrupt.pcapng");
    std::fs::write(&p, &f).unwrap();
    let (o, lines) = decode(&p, &[]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("record 2 (byte ") && err.contains("malformed block"),
        "{err}"
    );
    assert!(err.contains("truncated block: its header says"), "{err}");
    let errors: Vec<&Value> = lines
        .iter()
        .filter(|l| l.get("error").is_some() && l.get("kind").is_none())
        .collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    // Packets after the bad block were decoded.
    let last_good: usize = nlwire::Messages::new(&packets.last().unwrap().data).count();
    let n = packets.len();
    assert!(
        lines
            .iter()
            .filter(|l| l["record"] == n && l.get("kind").is_some())
            .count()
            == last_good,
        "{lines:?}"
    );
}

#[test]
fn malformed_messages_are_flagged_with_the_codec_error() {
    let packets = record();
    // The first netdev dev-get reply with its ifindex cut to 3 bytes, and a message
    // whose nlmsg_len runs past the datagram.
    let reply = packets
        .iter()
        .filter(|p| p.proto == 16)
        .find(|p| {
            nlwire::Messages::new(&p.data)
                .flatten()
                .any(|m| m.ty() > GENL_ID_CTRL && m.flags() & NLM_F_REQUEST == 0)
        })
        .unwrap();
    let m = nlwire::Messages::new(&reply.data).next().unwrap().unwrap();
    let mut msg = m.bytes().to_vec();
    // First attribute after nlmsghdr + genlmsghdr: ifindex (len 8) → len 7.
    assert_eq!(u16::from_ne_bytes([msg[22], msg[23]]) & 0x3fff, 1);
    msg[20] = 7;
    let mut broken = msg.clone();
    let mut overlong = msg.clone();
    overlong[0] = 0xff;
    overlong[1] = 0x0f;
    broken.extend(overlong);
    let pk = [Packet {
        proto: 16,
        data: broken,
    }];
    let p = tmp("malformed.pcap");
    std::fs::write(&p, pcap(&pk)).unwrap();
    let (o, lines) = decode(&p, &[]);
    assert_eq!(o.status.code(), Some(1));
    // Family ids come from the live kernel here (no nlctrl messages in this capture).
    let (o, lines2) = {
        let dir = test_specs().display().to_string();
        let o = nlwire(&[
            "decode",
            p.to_str().unwrap(),
            "-o",
            "json",
            "--spec-dir",
            &dir,
        ]);
        let l: Vec<Value> = stdout(&o)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        (o, l)
    };
    assert_eq!(o.status.code(), Some(1));
    assert!(lines.len() == 2 && lines2.len() == 2);
    let first = &lines2[0];
    assert_eq!(first["family"], "netdev");
    assert_eq!(
        first["attrs"]["ifindex"]["!malformed"],
        "length 3, expected 4"
    );
    assert_eq!(first["errors"][0], "ifindex: length 3, expected 4");
    let second = &lines2[1];
    let e = second["errors"][0].as_str().unwrap();
    assert!(
        e.starts_with(&format!(
            "message at offset {} has nlmsg_len 4095",
            msg.len()
        )),
        "{e}"
    );
}

#[test]
fn not_a_capture_is_a_clear_error() {
    let p = tmp("garbage.bin");
    std::fs::write(&p, b"this is not a capture file at all").unwrap();
    let o = nlwire(&["decode", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("not a pcap or pcapng file"),
        "{}",
        stderr(&o)
    );
}

/// A dump request as tools before iproute2 3.9 sent it: `struct nlmsghdr` and `struct
/// rtgenmsg { unsigned char rtgen_family; }`, nothing else (`nlmsg_len` 17), or padded
/// to 4 as `sizeof` of the C struct makes it (`nlmsg_len` 20), or padded and followed
/// by attributes (iproute2's old `rtnl_wilddump_req_filter`: an `__u16 align_rta`, then
/// IFLA_EXT_MASK).
fn legacy_dump(ty: u16, family: u8, padded: bool, attrs: &[u8]) -> Vec<u8> {
    let mut payload = vec![family];
    if padded || !attrs.is_empty() {
        payload.extend([0, 0, 0]);
    }
    payload.extend(attrs);
    let mut m = Vec::new();
    m.extend(((16 + payload.len()) as u32).to_ne_bytes());
    m.extend(ty.to_ne_bytes());
    m.extend((NLM_F_REQUEST | NLM_F_DUMP).to_ne_bytes());
    m.extend(0u32.to_ne_bytes()); // seq, set by `exchange`
    m.extend(0u32.to_ne_bytes());
    m.extend(payload);
    m
}

/// The legacy dump requests of every built-in rtnetlink spec, exchanged with this kernel
/// on a socket without NETLINK_GET_STRICT_CHK (with it, the kernel insists on the full
/// header): (type, family, padded, attributes).
fn record_legacy() -> Vec<Packet> {
    let mut ext_mask = Vec::new();
    ext_mask.extend(8u16.to_ne_bytes());
    ext_mask.extend(29u16.to_ne_bytes()); // IFLA_EXT_MASK
    ext_mask.extend(1u32.to_ne_bytes()); // RTEXT_FILTER_VF
    let requests: Vec<Vec<u8>> = vec![
        legacy_dump(18, 0, false, &[]),      // RTM_GETLINK, AF_UNSPEC, 1 byte
        legacy_dump(18, 0, true, &ext_mask), // RTM_GETLINK as old iproute2 sent it
        legacy_dump(22, 2, false, &[]),      // RTM_GETADDR, AF_INET
        legacy_dump(22, 10, true, &[]),      // RTM_GETADDR, AF_INET6, padded
        legacy_dump(26, 2, true, &[]),       // RTM_GETROUTE
        legacy_dump(30, 0, false, &[]),      // RTM_GETNEIGH
        legacy_dump(34, 2, true, &[]),       // RTM_GETRULE
        legacy_dump(38, 0, true, &[]),       // RTM_GETQDISC
    ];
    let mut r = nlwire::sock::SocketOptions::new(NETLINK_ROUTE)
        .strict_chk(false)
        .open()
        .unwrap();
    let mut out = Vec::new();
    for (i, req) in requests.into_iter().enumerate() {
        exchange(&mut r, 0, req, 100 + i as u32, &mut out);
    }
    out
}

#[test]
fn legacy_rtgenmsg_dump_requests_decode_as_the_kernel_reads_them() {
    let packets = record_legacy();
    let p = tmp("legacy-rtgenmsg.pcap");
    std::fs::write(&p, pcap(&packets)).unwrap();
    let (o, lines) = decode(&p, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("0 problem(s)"), "{}", stderr(&o));
    let total: usize = packets
        .iter()
        .map(|p| nlwire::Messages::new(&p.data).count())
        .sum();
    assert_eq!(lines.len(), total);
    for l in &lines {
        assert!(l.get("errors").is_none(), "problem in {l}");
    }
    // Every request: its spec and op, the family byte, marked as the legacy header.
    let requests: Vec<&Value> = lines.iter().filter(|l| l["kind"] == "request").collect();
    let expected = [
        ("rt-link", "getlink", 0),
        ("rt-link", "getlink", 0),
        ("rt-addr", "getaddr", 2),
        ("rt-addr", "getaddr", 10),
        ("rt-route", "getroute", 2),
        ("rt-neigh", "getneigh", 0),
        ("rt-rule", "getrule", 2),
        ("tc", "getqdisc", 0),
    ];
    assert_eq!(requests.len(), expected.len());
    for (r, (family, op, af)) in requests.iter().zip(expected) {
        assert_eq!(
            (r["family"].as_str(), r["op"].as_str()),
            (Some(family), Some(op)),
            "{r}"
        );
        assert_eq!(r["legacy-header"], "rtgenmsg", "{r}");
        assert_eq!(r["attrs"]["rtgen-family"], af, "{r}");
        assert_eq!(r["flags"], serde_json::json!(["request", "dump"]), "{r}");
    }
    // The attribute after the padded header is read where the kernel reads it.
    assert!(
        requests[1]["attrs"].get("ext-mask").is_some(),
        "{}",
        requests[1]
    );
    // Every rtnetlink message typed: replies by their spec and op.
    for l in lines.iter().filter(|l| l["kind"] == "reply") {
        assert!(
            l["family"].is_string() && l["op"].is_string(),
            "untyped: {l}"
        );
    }
    // The kernel honoured the family byte: the AF_INET address dump holds only IPv4
    // addresses, the AF_INET6 one only IPv6.
    let addr_replies = |seq: u64| -> Vec<&Value> {
        lines
            .iter()
            .filter(|l| l["kind"] == "reply" && l["seq"] == seq)
            .collect()
    };
    let v4 = addr_replies(102);
    assert!(!v4.is_empty());
    assert!(v4.iter().all(|l| l["attrs"]["ifa-family"] == 2), "{v4:?}");
    assert!(
        v4.iter().any(|l| l["attrs"]["local"] == "127.0.0.1"),
        "{v4:?}"
    );
    assert!(
        addr_replies(103)
            .iter()
            .all(|l| l["attrs"]["ifa-family"] == 10)
    );
    // The tree form names it too.
    let dir = test_specs().display().to_string();
    let o = nlwire(&[
        "decode",
        p.to_str().unwrap(),
        "--spec-dir",
        &dir,
        "--offline",
        "-o",
        "tree",
    ]);
    let text = stdout(&o);
    assert!(
        text.contains("route rt-link getlink request seq=100 pid=0 [request,dump]\n  legacy-header: rtgenmsg\n  attrs:\n    rtgen-family: 0"),
        "{text}"
    );
}

/// The same requests with a full header decode with the header's members, not as
/// legacy ones; a short header on a request that is not a dump stays a problem.
#[test]
fn only_short_dump_requests_are_legacy() {
    let packets = vec![
        Packet {
            proto: 0,
            data: {
                let mut m = legacy_dump(22, 2, true, &[]);
                m.extend([0, 0, 0, 0]); // now a whole ifaddrmsg
                m[0] = 24;
                m
            },
        },
        Packet {
            proto: 0,
            data: {
                let mut m = legacy_dump(18, 0, true, &[]);
                m[6..8].copy_from_slice(&NLM_F_REQUEST.to_ne_bytes()); // a do, not a dump
                m
            },
        },
    ];
    let p = tmp("legacy-not.pcap");
    std::fs::write(&p, pcap(&packets)).unwrap();
    let (o, lines) = decode(&p, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(lines[0]["attrs"]["ifa-family"], 2, "{}", lines[0]);
    assert!(lines[0].get("legacy-header").is_none());
    assert!(lines[0].get("errors").is_none());
    assert!(lines[1].get("legacy-header").is_none());
    let e = lines[1]["errors"][0].as_str().unwrap();
    assert!(
        e.starts_with("<fixed header>: length 4, expected 16"),
        "{e}"
    );
}
