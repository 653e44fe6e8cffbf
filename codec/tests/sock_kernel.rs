//! `nlwire::sock` against the host kernel's generic netlink (nlctrl, netdev, ethtool):
//! resolution, dumps, big replies, forged replies from another socket, ENOBUFS recovery,
//! the family cache and the socket pool. Needs Linux; the forgery and forced-rcvbuf tests
//! need root (CAP_NET_ADMIN), as in CI: `#[nlwire_testkit::test(root)]`, so built as
//! another user they are listed as `ignored, needs root ...` (with `NLWIRE_REQUIRE_ROOT=1`
//! at build time they are never ignored, and fail without root).

#![cfg(target_os = "linux")]

use nlwire::consts::*;
use nlwire::sock::genl::{self, CTRL_ATTR_FAMILY_NAME, Family};
use nlwire::sock::{Error, ReplyKind, Socket, SocketOptions, Transaction, pool};
use nlwire::{Messages, MsgBuf, MsgKind};

fn getfamily(name: &str) -> Transaction {
    let mut t = Transaction::new();
    genl::put_getfamily(t.request_mut(), Some(name)).unwrap();
    t.set_policy(&genl::CTRL_POLICY, genl::CTRL_ATTRS_AT);
    t
}

#[test]
fn resolve_nlctrl_and_dump_all_families() {
    let mut sock = Socket::open(NETLINK_GENERIC).unwrap();
    assert_ne!(sock.port_id(), 0);
    let ctrl = sock.resolve_family("nlctrl").unwrap();
    assert_eq!(ctrl.id, GENL_ID_CTRL);
    assert!(ctrl.mcast_group("notify").is_some(), "{ctrl:?}");

    let families = sock.genl_families().unwrap();
    let names: Vec<&str> = families.iter().map(|f| f.name.as_str()).collect();
    for want in ["nlctrl", "netdev", "ethtool"] {
        assert!(names.contains(&want), "{want} missing from {names:?}");
    }
    assert_eq!(sock.stats().foreign_sender_dropped, 0);
}

/// As root, SO_RCVBUFFORCE takes the receive buffer past net.core.rmem_max.
#[nlwire_testkit::test(root)]
fn rcvbuf_is_forced_to_4_mib_as_root() {
    let sock = Socket::open(NETLINK_GENERIC).unwrap();
    assert!(sock.rcvbuf() >= 4 << 20, "rcvbuf {}", sock.rcvbuf());
}

#[test]
fn unknown_family_is_not_found_with_the_kernel_message() {
    let mut sock = Socket::open(NETLINK_GENERIC).unwrap();
    let err = sock.resolve_family("no-such-family").unwrap_err();
    assert!(
        matches!(err, Error::NotFound { what: "family", .. }),
        "{err}"
    );

    // The raw transaction shows the kernel's errno and extended ack.
    let mut t = getfamily("no-such-family");
    let err = sock.transact(&mut t).unwrap_err();
    let k = err.kernel().expect("a kernel error");
    assert_eq!(k.errno, libc::ENOENT);
    println!("{err}");
}

#[test]
fn invalid_attribute_is_named_by_the_policy() {
    // CTRL_ATTR_FAMILY_ID must be a u16: send 1 byte. The kernel's ext-ack offset points at
    // the attribute, which the attached policy names.
    let mut sock = Socket::open(NETLINK_GENERIC).unwrap();
    let mut t = Transaction::new();
    let b = t.request_mut();
    let m = b.start_genl_msg(GENL_ID_CTRL, NLM_F_ACK, genl::CTRL_CMD_GETFAMILY, 1);
    b.put_attr_u8(genl::CTRL_ATTR_FAMILY_ID, 1).unwrap();
    b.end_msg(m).unwrap();
    t.set_policy(&genl::CTRL_POLICY, genl::CTRL_ATTRS_AT);
    let err = sock.transact(&mut t).unwrap_err();
    println!("{err}");
    let k = err.kernel().expect("a kernel error");
    // Too short for its fixed size: ERANGE ("attribute too short"), EINVAL on strict policies.
    assert!([libc::EINVAL, libc::ERANGE].contains(&k.errno), "{err}");
    assert_eq!(k.offset, Some(20), "{err}");
    assert_eq!(k.path.unwrap().to_string(), "family-id", "{err}");
    assert!(k.msg.is_some(), "ext-ack message expected: {err}");
    let text = err.to_string();
    assert!(text.contains("family-id"), "{text}");
}

#[test]
fn out_of_range_value_carries_the_kernels_policy() {
    // netdev's DEV_GET requires ifindex >= 1 (NLA_POLICY_MIN): the kernel's extended ack
    // names the attribute and attaches the policy it broke (NLMSGERR_ATTR_POLICY).
    let mut sock = Socket::open(NETLINK_GENERIC).unwrap();
    let netdev = sock.resolve_family("netdev").unwrap();
    let mut t = Transaction::new();
    let b = t.request_mut();
    let m = b.start_genl_msg(netdev.id, NLM_F_ACK, 1, 1); // NETDEV_CMD_DEV_GET
    b.put_attr_u32(1, 0).unwrap(); // NETDEV_A_DEV_IFINDEX
    b.end_msg(m).unwrap();
    t.set_attrs_at(GENL_HDRLEN + NLMSG_HDRLEN);
    let err = sock.transact(&mut t).unwrap_err();
    println!("{err}");
    let k = err.kernel().expect("a kernel error");
    assert_eq!(k.errno, libc::ERANGE, "{err}");
    assert_eq!(k.offset, Some(20), "{err}");
    let p = k
        .policy
        .expect("the kernel attaches the policy of a range failure");
    assert_eq!(p.kind_name(), "u32", "{p:?}");
    assert_eq!(p.min_u, Some(1), "{p:?}");
    assert!(
        err.to_string()
            .contains("the kernel's policy for it: u32 in 1..="),
        "{err}"
    );
}

static ETHTOOL_HEADER: nlwire::Policy = nlwire::Policy::new(
    "header",
    &[
        nlwire::AttrPolicy::new("dev-index", 1, nlwire::AttrKind::U32),
        nlwire::AttrPolicy::new("dev-name", 2, nlwire::AttrKind::String),
    ],
);
static ETHTOOL_LINKINFO: nlwire::Policy = nlwire::Policy::new(
    "linkinfo",
    &[nlwire::AttrPolicy::new("header", 1, nlwire::AttrKind::Nested).nested(&ETHTOOL_HEADER)],
);

#[test]
fn nested_invalid_attribute_is_named_by_its_path() {
    // ethtool validates its request header strictly: a 1-byte dev-index inside the
    // header nest is refused, and the ext-ack offset points into the nest.
    let ethtool = genl::family("ethtool").unwrap();
    let mut sock = Socket::open(NETLINK_GENERIC).unwrap();
    let mut t = Transaction::new();
    let b = t.request_mut();
    let m = b.start_genl_msg(ethtool.id, NLM_F_ACK, 2, 1); // ETHTOOL_MSG_LINKINFO_GET
    let h = b.start_nested_flagged(1); // ETHTOOL_A_LINKINFO_HEADER
    b.put_attr_u8(1, 1).unwrap(); // ETHTOOL_A_HEADER_DEV_INDEX, should be u32
    b.end_nested(h).unwrap();
    b.end_msg(m).unwrap();
    t.set_policy(&ETHTOOL_LINKINFO, genl::CTRL_ATTRS_AT);
    let err = sock.transact(&mut t).unwrap_err();
    println!("{err}");
    let k = err.kernel().unwrap();
    assert_eq!(k.offset, Some(24), "{err}");
    assert_eq!(k.path.unwrap().to_string(), "header.dev-index", "{err}");
}

#[test]
fn reply_bigger_than_the_buffer_arrives_whole() {
    let mut sock = Socket::open(NETLINK_GENERIC).unwrap();
    let mut t = getfamily("ethtool");
    t.set_reply_capacity(64);
    let reply = sock.transact(&mut t).unwrap();
    assert_eq!(reply.kind(), ReplyKind::Data);
    let msg = reply.first().unwrap();
    assert!(
        msg.bytes().len() > 64,
        "reply of {} bytes",
        msg.bytes().len()
    );
    let fam = Family::parse(&msg).unwrap();
    assert_eq!(fam.name, "ethtool");
    assert!(fam.ops > 10, "{fam:?}");
    let len = msg.bytes().len();
    assert!(t.reply_capacity() >= len);
}

#[test]
fn a_whole_dump_datagram_arrives_through_the_overflow_area() {
    // A dump into a 64-byte buffer: every datagram (up to 32 KiB) overflows.
    let mut sock = Socket::open(NETLINK_GENERIC).unwrap();
    let mut buf = nlwire::sock::RecvBuf::with_capacity(64);
    let mut req = MsgBuf::new();
    genl::put_getfamily(&mut req, None).unwrap();
    let mut dump = sock.dump(req.as_slice()).unwrap();
    let mut n = 0;
    while let Some(m) = dump.next_msg() {
        Family::parse(&m.unwrap()).unwrap();
        n += 1;
    }
    drop(dump);
    assert!(n >= 3);
    // The raw receive path with a tiny buffer: send the dump request by hand.
    let mut t = Transaction::new();
    genl::put_getfamily(t.request_mut(), None).unwrap();
    let flags = NLM_F_REQUEST | NLM_F_DUMP;
    t.request_mut().as_mut_slice()[6..8].copy_from_slice(&flags.to_ne_bytes());
    let reply = sock.transact(&mut t).unwrap();
    assert_eq!(reply.messages().count(), n);
    let _ = sock.recv_raw(&mut buf, false).unwrap();
}

#[test]
fn dropping_an_unfinished_dump_drains_it() {
    // The family dump spans several datagrams. Stop after one message: the drop drains
    // the rest, so the kernel (which refuses a second dump on a socket while one runs,
    // EBUSY) accepts the next dump and no stale reply reaches the next transaction.
    let mut sock = Socket::open(NETLINK_GENERIC).unwrap();
    let mut req = MsgBuf::new();
    genl::put_getfamily(&mut req, None).unwrap();
    for _ in 0..3 {
        let mut d = sock.dump(req.as_slice()).unwrap();
        d.next_msg().unwrap().unwrap();
    }
    assert!(sock.genl_families().unwrap().len() > 3);
    assert_eq!(sock.resolve_family("nlctrl").unwrap().id, GENL_ID_CTRL);
    assert_eq!(sock.stats().foreign_seq_ignored, 0);
}

#[test]
fn transact_multiple_resolves_each_request() {
    let mut sock = Socket::open(NETLINK_GENERIC).unwrap();
    let names = ["nlctrl", "bogus-family", "netdev", "ethtool", "also-bogus"];
    let mut txns: Vec<Transaction> = names.iter().map(|n| getfamily(n)).collect();
    sock.transact_multiple(&mut txns).unwrap();
    for (name, t) in names.iter().zip(&txns) {
        match t.result() {
            Ok(r) => {
                let f = Family::parse(&r.first().unwrap()).unwrap();
                assert_eq!(&f.name, name);
            }
            Err(e) => {
                assert!(name.contains("bogus"), "{name}: {e}");
                assert_eq!(e.errno(), Some(libc::ENOENT));
            }
        }
    }
}

/// Forged replies from a second user-space netlink socket to our port id (root: unicast
/// from one netlink socket to another port needs CAP_NET_ADMIN).
#[nlwire_testkit::test(root)]
fn forged_replies_from_another_socket_are_dropped_and_counted() {
    // Unconnected: the kernel delivers the forgeries; the socket must drop them.
    let mut sock = SocketOptions::new(NETLINK_GENERIC)
        .connect(false)
        .open()
        .unwrap();
    let mut attacker = Socket::open(NETLINK_GENERIC).unwrap();
    let target = sock.port_id();
    let seq = sock.next_seq();
    // A forged ACK for a lookup that will fail, and a forged "family" reply.
    let forged_ack = forged_msg(NLMSG_ERROR, seq, &ack_body(seq));
    let mut fam = MsgBuf::new();
    let m = fam.start_genl_msg(GENL_ID_CTRL, 0, genl::CTRL_CMD_NEWFAMILY, 1);
    fam.put_attr_u16(genl::CTRL_ATTR_FAMILY_ID, 0x7777).unwrap();
    fam.put_attr_str(CTRL_ATTR_FAMILY_NAME, "evil").unwrap();
    fam.end_msg(m).unwrap();
    let mut forged_family = fam.to_vec();
    nlwire::attr_put::set_seq_pid(&mut forged_family, seq, target);
    for d in [&forged_ack, &forged_family] {
        send_to(&mut attacker, target, d).expect("unicast to another port (needs root)");
    }
    let mut t = getfamily("no-such-family");
    let err = sock.transact(&mut t).unwrap_err();
    assert_eq!(err.errno(), Some(libc::ENOENT), "{err}");
    assert_eq!(sock.stats().foreign_sender_dropped, 2);

    // Again with a real answer behind the forgery.
    let seq = sock.next_seq();
    let mut forged_family = fam.to_vec();
    nlwire::attr_put::set_seq_pid(&mut forged_family, seq, target);
    send_to(&mut attacker, target, &forged_family).unwrap();
    let mut t = getfamily("nlctrl");
    let r = sock.transact(&mut t).unwrap();
    assert_eq!(Family::parse(&r.first().unwrap()).unwrap().name, "nlctrl");
    assert_eq!(sock.stats().foreign_sender_dropped, 3);

    // Connected (the default): the kernel itself refuses the forgery.
    let connected = Socket::open(NETLINK_GENERIC).unwrap();
    let err = send_to(&mut attacker, connected.port_id(), &forged_family).unwrap_err();
    assert_eq!(err.raw_os_error(), Some(libc::ECONNREFUSED));
}

fn ack_body(seq: u32) -> Vec<u8> {
    let mut b = (0i32).to_ne_bytes().to_vec();
    b.extend_from_slice(nlwire::zerocopy::IntoBytes::as_bytes(
        &nlwire::NlMsgHdr::new(32, GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK, seq, 0),
    ));
    b
}

fn forged_msg(ty: u16, seq: u32, body: &[u8]) -> Vec<u8> {
    let mut b = MsgBuf::new();
    let m = b.start_msg(ty, 0);
    b.put(body);
    b.end_msg(m).unwrap();
    let mut v = b.to_vec();
    nlwire::attr_put::set_seq_pid(&mut v, seq, 0);
    v
}

/// Sends `bytes` from `from` to netlink port `port` (sendto with a sockaddr_nl).
fn send_to(from: &mut Socket, port: u32, bytes: &[u8]) -> std::io::Result<()> {
    use rustix::net::netlink::SocketAddrNetlink;
    rustix::net::sendto(
        &*from,
        bytes,
        rustix::net::SendFlags::empty(),
        &SocketAddrNetlink::new(port, 0),
    )?;
    Ok(())
}

#[test]
fn enobufs_resends_the_unresolved_tail_and_every_request_completes() {
    // The smallest receive buffer the kernel allows (~4.5 KiB) and one batch of 64
    // lookups, each answered with a family description (~1-6 KiB) and an ACK.
    let mut sock = SocketOptions::new(NETLINK_GENERIC)
        .rcvbuf(1)
        .open()
        .unwrap();
    assert!(sock.rcvbuf() < 16 << 10, "rcvbuf {}", sock.rcvbuf());
    sock.set_max_batch(Some(64));
    let names = ["nlctrl", "netdev", "ethtool", "tcp_metrics"];
    let mut txns: Vec<Transaction> = (0..64).map(|i| getfamily(names[i % names.len()])).collect();
    sock.transact_multiple(&mut txns).unwrap();
    for (i, t) in txns.iter().enumerate() {
        let r = t.result().unwrap_or_else(|e| panic!("txn {i}: {e}"));
        let f = Family::parse(&r.first().unwrap()).unwrap();
        assert_eq!(f.name, names[i % names.len()]);
    }
    let st = sock.stats();
    assert!(st.overruns > 0, "no ENOBUFS was provoked: {st:?}");
    assert!(st.resent > 0, "{st:?}");
    println!("{st:?}");
}

#[test]
fn family_cache_and_pool() {
    genl::forget_family("netdev");
    assert!(!genl::is_cached("netdev"));
    let id = genl::family_id("netdev").unwrap();
    assert!(genl::is_cached("netdev"));
    assert_eq!(genl::family("netdev").unwrap().id, id);
    // Failures are not cached.
    assert!(genl::family("nlwire-missing").is_err());
    assert!(!genl::is_cached("nlwire-missing"));
    assert!(matches!(
        genl::mcast_group("nlctrl", "no-such-group"),
        Err(Error::NotFound {
            what: "multicast group",
            ..
        })
    ));
    assert!(genl::mcast_group("nlctrl", "notify").is_ok());

    // The pool keeps sockets and hands them out again.
    {
        let a = pool::socket(NETLINK_GENERIC).unwrap();
        let b = pool::socket(NETLINK_GENERIC).unwrap();
        assert_ne!(a.port_id(), b.port_id());
    }
    assert!(pool::idle(NETLINK_GENERIC) >= 2);
    let mut t = getfamily("nlctrl");
    let r = pool::transact(NETLINK_GENERIC, &mut t).unwrap();
    assert_eq!(r.first().unwrap().ty(), GENL_ID_CTRL);
    // A socket whose options changed is not returned.
    let before = pool::idle(NETLINK_GENERIC);
    {
        let mut s = pool::socket(NETLINK_GENERIC).unwrap();
        s.set_no_enobufs(true).unwrap();
    }
    assert!(pool::idle(NETLINK_GENERIC) <= before);
}

#[test]
fn ack_on_request_and_no_reply_inference_against_the_kernel() {
    // nlctrl answers GETFAMILY with data whether or not an ACK is asked for; with the ACK
    // the reply kind is still Data (the ACK follows the data).
    let mut sock = Socket::open(NETLINK_GENERIC).unwrap();
    let mut t = Transaction::new();
    let b = t.request_mut();
    let m = b.start_genl_msg(GENL_ID_CTRL, 0, genl::CTRL_CMD_GETFAMILY, 1);
    b.put_attr_str(CTRL_ATTR_FAMILY_NAME, "nlctrl").unwrap();
    b.end_msg(m).unwrap();
    assert_eq!(sock.transact(&mut t).unwrap().kind(), ReplyKind::Data);
    let raw = t.result().unwrap().bytes().to_vec();
    let kinds: Vec<bool> = Messages::new(&raw)
        .map(|m| matches!(m.unwrap().kind().unwrap(), MsgKind::Error(_)))
        .collect();
    assert_eq!(kinds, [false], "no ACK without NLM_F_ACK");
}
