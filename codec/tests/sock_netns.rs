//! `nlwire::sock` with rtnetlink, each test in a fresh network namespace made by
//! `unshare(CLONE_NEWNET)` in a thread of its own (`nlwire_testkit::netns::in_new_netns`:
//! sockets opened in that thread live in the namespace, which disappears with its last
//! socket: nothing to clean up). Needs root: the tests are
//! `#[nlwire_testkit::test(root)]`, so built as another user they are listed as
//! `ignored, needs root ...` (with `NLWIRE_REQUIRE_ROOT=1` at build time they are never
//! ignored, and fail without root).
//!
//! Links are bridges: this CI kernel has no `dummy` module; `bridge`, `veth` and `ifb` are
//! built in.

#![cfg(target_os = "linux")]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};

use nlwire::consts::*;
use nlwire::sock::{Error, Listener, ReplyKind, Socket, SocketOptions, Transaction};
use nlwire::zerocopy::native_endian::{I32, U16, U32};
use nlwire::zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};
use nlwire::{AttrIndex, AttrKind, AttrPolicy, MsgBuf, Policy};
use nlwire_testkit::netns::{enter_new_netns, in_new_netns};

// --- rtnetlink, the few pieces these tests need -------------------------------------

const RTM_NEWLINK: u16 = 16;
const RTM_DELLINK: u16 = 17;
const RTM_GETLINK: u16 = 18;
const RTM_NEWADDR: u16 = 20;
const RTM_DELADDR: u16 = 21;
const RTM_GETADDR: u16 = 22;
const RTM_NEWNSID: u16 = 88;
const IFLA_IFNAME: u16 = 3;
const IFLA_MTU: u16 = 4;
const IFLA_LINKINFO: u16 = 18;
const IFLA_INFO_KIND: u16 = 1;
const IFA_ADDRESS: u16 = 1;
const IFA_LOCAL: u16 = 2;
const NETNSA_NSID: u16 = 1;
const NETNSA_PID: u16 = 2;
const RTNLGRP_LINK: u32 = 1;
const RTNLGRP_IPV4_IFADDR: u32 = 5;
const AF_INET: u8 = 2;

/// `struct ifinfomsg` (16 bytes).
#[derive(Clone, Copy, Default, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
struct IfInfoMsg {
    family: u8,
    pad: u8,
    ty: U16,
    index: I32,
    flags: U32,
    change: U32,
}

/// `struct ifaddrmsg` (8 bytes).
#[derive(Clone, Copy, Default, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
struct IfAddrMsg {
    family: u8,
    prefixlen: u8,
    flags: u8,
    scope: u8,
    index: U32,
}

const _: () = assert!(size_of::<IfInfoMsg>() == 16 && size_of::<IfAddrMsg>() == 8);

static LINKINFO: Policy = Policy::new(
    "linkinfo",
    &[
        AttrPolicy::new("kind", 1, AttrKind::String),
        AttrPolicy::new("data", 2, AttrKind::Nested),
    ],
);
static LINK: Policy = Policy::new(
    "link",
    &[
        AttrPolicy::new("ifname", IFLA_IFNAME, AttrKind::String),
        AttrPolicy::new("mtu", IFLA_MTU, AttrKind::U32),
        AttrPolicy::new("linkinfo", IFLA_LINKINFO, AttrKind::Nested).nested(&LINKINFO),
    ],
);
const LINK_ATTRS_AT: usize = 16 + 16;

fn link_msg(t: &mut Transaction, ty: u16, flags: u16, index: i32) -> &mut MsgBuf<'static> {
    t.clear();
    t.set_policy(&LINK, LINK_ATTRS_AT);
    let b = t.request_mut();
    let _ = b.start_msg(ty, flags);
    b.put(
        IfInfoMsg {
            index: index.into(),
            ..Default::default()
        }
        .as_bytes(),
    );
    b
}

fn finish(t: &mut Transaction) {
    let len = t.request().len() as u32;
    t.request_mut().as_mut_slice()[..4].copy_from_slice(&len.to_ne_bytes());
}

fn create_bridge(sock: &mut Socket, name: &str) -> Result<(), Error> {
    let mut t = Transaction::new();
    let b = link_msg(
        &mut t,
        RTM_NEWLINK,
        NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL,
        0,
    );
    b.put_attr_str(IFLA_IFNAME, name).unwrap();
    let li = b.start_nested(IFLA_LINKINFO);
    b.put_attr_str(IFLA_INFO_KIND, "bridge").unwrap();
    b.end_nested(li).unwrap();
    finish(&mut t);
    let r = sock.transact(&mut t)?;
    assert_eq!(r.kind(), ReplyKind::Ack);
    Ok(())
}

/// (index, name, mtu) of every link, by dump.
fn links(sock: &mut Socket) -> Vec<(i32, String, u32)> {
    let mut req = MsgBuf::new();
    let m = req.start_msg(RTM_GETLINK, 0);
    req.put(IfInfoMsg::default().as_bytes());
    req.end_msg(m).unwrap();
    sock.dump_retry(req.as_slice(), 5, |d| {
        let mut out = Vec::new();
        while let Some(m) = d.next_msg() {
            let m = m?;
            let (ifi, attrs) = IfInfoMsg::ref_from_prefix(m.payload()).unwrap();
            let idx = AttrIndex::<64>::parse(attrs)?;
            out.push((
                ifi.index.get(),
                idx.require(IFLA_IFNAME, "ifname")?.get_str()?.to_owned(),
                idx.require(IFLA_MTU, "mtu")?.get_u32()?,
            ));
        }
        Ok(out)
    })
    .unwrap()
}

fn index_of(sock: &mut Socket, name: &str) -> i32 {
    links(sock)
        .into_iter()
        .find(|l| l.1 == name)
        .unwrap_or_else(|| panic!("{name} missing"))
        .0
}

fn addr_txn(t: &mut Transaction, ty: u16, index: u32, addr: [u8; 4]) {
    t.clear();
    let b = t.request_mut();
    let m = b.start_msg(
        ty,
        NLM_F_ACK
            | if ty == RTM_NEWADDR {
                NLM_F_CREATE | NLM_F_EXCL
            } else {
                0
            },
    );
    b.put(
        IfAddrMsg {
            family: AF_INET,
            prefixlen: 32,
            index: index.into(),
            ..Default::default()
        }
        .as_bytes(),
    );
    b.put_attr(IFA_LOCAL, &addr).unwrap();
    b.put_attr(IFA_ADDRESS, &addr).unwrap();
    b.end_msg(m).unwrap();
}

fn addr_of(i: u32) -> [u8; 4] {
    [10, 1, (i >> 8) as u8, i as u8]
}

/// Adds addresses 10.1.x.y/32 for `0..n` to link `index`, in batches.
fn add_addresses(sock: &mut Socket, index: u32, n: u32) {
    let mut txns: Vec<Transaction> = (0..n)
        .map(|i| {
            let mut t = Transaction::new();
            addr_txn(&mut t, RTM_NEWADDR, index, addr_of(i));
            t
        })
        .collect();
    sock.transact_multiple(&mut txns).unwrap();
    for (i, t) in txns.iter().enumerate() {
        assert!(
            t.result()
                .unwrap_or_else(|e| panic!("address {i}: {e}"))
                .is_ack()
        );
    }
}

fn addr_dump_request(index: u32) -> Vec<u8> {
    let mut req = MsgBuf::new();
    let m = req.start_msg(RTM_GETADDR, 0);
    req.put(
        IfAddrMsg {
            family: AF_INET,
            index: index.into(),
            ..Default::default()
        }
        .as_bytes(),
    );
    req.end_msg(m).unwrap();
    req.to_vec()
}

/// Counts the 10.1/16 addresses of `index` in one dump attempt.
fn count_addresses(
    d: &mut nlwire::sock::Dump<'_, nlwire::sock::Kernel>,
    index: u32,
    pause: bool,
) -> Result<usize, Error> {
    let mut n = 0;
    let mut seen = 0usize;
    while let Some(m) = d.next_msg() {
        let m = m?;
        seen += 1;
        if pause && seen % 200 == 1 {
            // Give a concurrent writer room between two dump datagrams.
            std::thread::sleep(std::time::Duration::from_micros(300));
        }
        let (ifa, attrs) = IfAddrMsg::ref_from_prefix(m.payload()).unwrap();
        let local = AttrIndex::<16>::parse(attrs)?
            .require(IFA_LOCAL, "local")?
            .payload();
        if ifa.index.get() == index && local[..2] == [10, 1] {
            n += 1;
        }
    }
    Ok(n)
}

// --- tests ---------------------------------------------------------------------------

#[nlwire_testkit::test(root)]
fn link_create_dump_mtu_delete() {
    in_new_netns(|| {
        let mut sock = Socket::open(NETLINK_ROUTE).unwrap();
        create_bridge(&mut sock, "nlw-br0").unwrap();
        // Creating it again: EEXIST from the kernel.
        let err = create_bridge(&mut sock, "nlw-br0").unwrap_err();
        assert_eq!(err.errno(), Some(libc::EEXIST), "{err}");

        let all = links(&mut sock);
        let (index, _, mtu) = all.iter().find(|l| l.1 == "nlw-br0").cloned().unwrap();
        assert_eq!(mtu, 1500);
        assert!(all.iter().any(|l| l.1 == "lo"));

        // Change the MTU, read it back with a GETLINK transaction.
        let mut t = Transaction::new();
        let b = link_msg(&mut t, RTM_NEWLINK, NLM_F_ACK, index);
        b.put_attr_u32(IFLA_MTU, 1400).unwrap();
        finish(&mut t);
        assert!(sock.transact(&mut t).unwrap().is_ack());
        let mut g = Transaction::new();
        link_msg(&mut g, RTM_GETLINK, 0, index);
        finish(&mut g);
        let r = sock.transact(&mut g).unwrap();
        let m = r.first().unwrap();
        let (_, attrs) = IfInfoMsg::ref_from_prefix(m.payload()).unwrap();
        assert_eq!(
            AttrIndex::<64>::parse(attrs)
                .unwrap()
                .get(IFLA_MTU)
                .unwrap()
                .get_u32()
                .unwrap(),
            1400
        );

        // An MTU the bridge refuses: the kernel's message (no attribute offset here).
        let b = link_msg(&mut t, RTM_NEWLINK, NLM_F_ACK, index);
        b.put_attr_u32(IFLA_MTU, 70_000).unwrap();
        finish(&mut t);
        let err = sock.transact(&mut t).unwrap_err();
        let k = err.kernel().unwrap();
        assert_eq!(k.errno, libc::EINVAL);
        assert!(
            k.msg.as_deref().unwrap_or_default().contains("mtu"),
            "{err}"
        );

        // An over-long name fails ifla_policy: the ext-ack offset resolves to its name.
        let b = link_msg(&mut t, RTM_NEWLINK, NLM_F_ACK, index);
        b.put_attr_str(IFLA_IFNAME, "a-name-longer-than-ifnamsiz")
            .unwrap();
        finish(&mut t);
        let err = sock.transact(&mut t).unwrap_err();
        println!("{err}");
        let k = err.kernel().unwrap();
        assert_eq!(
            k.path.map(|p| p.to_string()).as_deref(),
            Some("ifname"),
            "{err}"
        );

        // Delete it.
        let mut d = Transaction::new();
        link_msg(&mut d, RTM_DELLINK, NLM_F_ACK, index);
        finish(&mut d);
        assert!(sock.transact(&mut d).unwrap().is_ack());
        assert!(links(&mut sock).iter().all(|l| l.1 != "nlw-br0"));
        assert_eq!(sock.stats().foreign_sender_dropped, 0);
    });
}

#[nlwire_testkit::test(root)]
fn thousand_addresses_in_batches_counted_back_by_dump() {
    in_new_netns(|| {
        let mut sock = Socket::open(NETLINK_ROUTE).unwrap();
        create_bridge(&mut sock, "nlw-addr").unwrap();
        let index = index_of(&mut sock, "nlw-addr") as u32;
        add_addresses(&mut sock, index, 1000);
        let req = addr_dump_request(index);
        let n = sock
            .dump_retry(&req, 5, |d| count_addresses(d, index, false))
            .unwrap();
        assert_eq!(n, 1000);
        // Adding them again: every one fails with EEXIST, each reported on its own.
        let mut again: Vec<Transaction> = (0..1000)
            .map(|i| {
                let mut t = Transaction::new();
                addr_txn(&mut t, RTM_NEWADDR, index, addr_of(i));
                t
            })
            .collect();
        sock.transact_multiple(&mut again).unwrap();
        assert!(
            again
                .iter()
                .all(|t| t.result().unwrap_err().errno() == Some(libc::EEXIST))
        );
        assert_eq!(sock.stats().overruns, 0);
    });
}

#[nlwire_testkit::test(root)]
fn dump_interrupted_by_concurrent_changes_and_retry() {
    in_new_netns(|| {
        let mut sock = Socket::open(NETLINK_ROUTE).unwrap();
        create_bridge(&mut sock, "nlw-intr").unwrap();
        let index = index_of(&mut sock, "nlw-intr") as u32;
        add_addresses(&mut sock, index, 1000);
        // Unfiltered: the kernel's per-device address dump (ifa_index set) never flags
        // NLM_F_DUMP_INTR, the full dump does.
        let req = addr_dump_request(0);

        // A writer in the same namespace (threads inherit it) adds and removes an address
        // in a loop until told to stop.
        let start_writer = || {
            let run = Arc::new(AtomicBool::new(true));
            let (done_tx, done_rx) = mpsc::channel();
            let mut w = Socket::open(NETLINK_ROUTE).unwrap();
            let r = run.clone();
            std::thread::spawn(move || {
                let mut t = Transaction::new();
                while r.load(Ordering::Relaxed) {
                    for ty in [RTM_NEWADDR, RTM_DELADDR] {
                        addr_txn(&mut t, ty, index, [192, 168, 77, 1]);
                        w.transact(&mut t).unwrap();
                    }
                }
                done_tx.send(()).unwrap();
            });
            (run, done_rx)
        };

        // 1. A plain dump until one is interrupted: every message is still delivered,
        //    then the dump ends with DumpInterrupted.
        let (run, done) = start_writer();
        let mut observed = None;
        for attempt in 1..=100 {
            let mut d = sock.dump(&req).unwrap();
            match count_addresses(&mut d, index, true) {
                Ok(n) => assert_eq!(n, 1000),
                Err(Error::DumpInterrupted { messages, .. }) => {
                    assert!(d.is_interrupted());
                    observed = Some((attempt, messages));
                    break;
                }
                Err(e) => panic!("{e}"),
            }
        }
        let (attempt, messages) = observed.expect(
            "NLM_F_DUMP_INTR never observed in 100 address dumps racing a writer; \
             the kernel may no longer flag inconsistent address dumps",
        );
        assert!(messages >= 1000, "partial results delivered: {messages}");
        println!("DUMP_INTR observed on attempt {attempt} after {messages} messages");

        // 2. dump_retry restarts an interrupted dump: the writer stops once an attempt
        //    was interrupted, and the retry then completes consistently.
        let mut proven = false;
        let mut writer = Some((run, done));
        for _ in 0..100 {
            if writer.is_none() {
                writer = Some(start_writer());
            }
            let mut interrupted = 0;
            let mut attempts = 0;
            let n = sock
                .dump_retry(&req, 10, |d| {
                    attempts += 1;
                    let r = count_addresses(d, index, true);
                    if matches!(r, Err(Error::DumpInterrupted { .. })) {
                        interrupted += 1;
                        if let Some((run, done)) = writer.take() {
                            run.store(false, Ordering::Relaxed);
                            done.recv().unwrap();
                        }
                    }
                    r
                })
                .unwrap();
            assert_eq!(n, 1000);
            if interrupted > 0 {
                assert!(attempts > interrupted, "a clean attempt followed");
                proven = true;
                break;
            }
        }
        if let Some((run, done)) = writer.take() {
            run.store(false, Ordering::Relaxed);
            done.recv().unwrap();
        }
        assert!(
            proven,
            "no dump_retry call saw an interrupted attempt in 100 tries"
        );
    });
}

#[nlwire_testkit::test(root)]
fn link_notifications_and_lost_events() {
    in_new_netns(|| {
        let mut sock = Socket::open(NETLINK_ROUTE).unwrap();
        let mut l = Listener::open(NETLINK_ROUTE).unwrap();
        l.join(RTNLGRP_LINK).unwrap();
        create_bridge(&mut sock, "nlw-note").unwrap();
        let mut found = false;
        while let Some(d) = l.try_recv().unwrap() {
            for m in d.messages() {
                let m = m.unwrap();
                let (_, attrs) = IfInfoMsg::ref_from_prefix(m.payload()).unwrap();
                let idx = AttrIndex::<64>::parse(attrs).unwrap();
                found |= m.ty() == RTM_NEWLINK
                    && idx.get(IFLA_IFNAME).unwrap().get_str().unwrap() == "nlw-note";
            }
        }
        assert!(found, "no RTM_NEWLINK notification for nlw-note");

        // A tiny receive buffer and 300 address events nobody reads: LostEvents.
        let mut small = Listener::new(SocketOptions::new(NETLINK_ROUTE).rcvbuf(1).open().unwrap());
        small.join(RTNLGRP_IPV4_IFADDR).unwrap();
        let index = index_of(&mut sock, "nlw-note") as u32;
        add_addresses(&mut sock, index, 300);
        let mut lost = false;
        let mut received = 0;
        loop {
            match small.try_recv() {
                Ok(Some(_)) => received += 1,
                Ok(None) => break,
                Err(Error::LostEvents) => lost = true,
                Err(e) => panic!("{e}"),
            }
        }
        assert!(
            lost,
            "no ENOBUFS after 300 events into a tiny buffer ({received} received)"
        );
        assert!(received < 300);
        assert!(small.socket().stats().overruns >= 1);
    });
}

#[nlwire_testkit::test(root)]
fn listen_all_nsid_reports_the_peer_namespace() {
    // Namespace A listens with NETLINK_LISTEN_ALL_NSID; namespace B (another thread) gets
    // id 7 in A and creates a link; A's listener sees the notification with nsid 7. This
    // exercises the libc recvmsg path that reads the control message.
    in_new_netns(|| {
        let mut l = Listener::new(
            SocketOptions::new(NETLINK_ROUTE)
                .listen_all_nsid(true)
                .open()
                .unwrap(),
        );
        l.join(RTNLGRP_LINK).unwrap();
        let mut sock_a = Socket::open(NETLINK_ROUTE).unwrap();
        let (tid_tx, tid_rx) = mpsc::channel();
        let (go_tx, go_rx) = mpsc::channel::<()>();
        let b = std::thread::spawn(move || {
            enter_new_netns();
            tid_tx
                .send(rustix::thread::gettid().as_raw_nonzero().get())
                .unwrap();
            go_rx.recv().unwrap();
            let mut sock_b = Socket::open(NETLINK_ROUTE).unwrap();
            create_bridge(&mut sock_b, "nlw-peer").unwrap();
            go_rx.recv().unwrap(); // keep the namespace alive until A has read
        });
        let tid = tid_rx.recv().unwrap();
        // RTM_NEWNSID: id 7 for the namespace of thread `tid`.
        let mut t = Transaction::new();
        let req = t.request_mut();
        let m = req.start_msg(RTM_NEWNSID, NLM_F_ACK);
        req.put(&[0u8; 4]); // struct rtgenmsg, padded
        req.put_attr_u32(NETNSA_NSID, 7).unwrap();
        req.put_attr_u32(NETNSA_PID, tid as u32).unwrap();
        req.end_msg(m).unwrap();
        assert!(sock_a.transact(&mut t).unwrap().is_ack());
        go_tx.send(()).unwrap();
        let mut nsid = None;
        while nsid.is_none() {
            let d = l.recv().unwrap();
            for m in d.messages() {
                if m.unwrap().ty() == RTM_NEWLINK {
                    nsid = Some(d.nsid());
                }
            }
        }
        go_tx.send(()).unwrap();
        b.join().unwrap();
        assert_eq!(nsid, Some(Some(7)));
    });
}
