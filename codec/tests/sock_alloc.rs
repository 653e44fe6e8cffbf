//! A warm batch allocates nothing: reply buffers belong to the transactions and are
//! reused (counted by a global allocator that tallies the current thread's allocations).
//! Runs against the host kernel's nlctrl.

#![cfg(target_os = "linux")]

use nlwire::consts::*;
use nlwire::sock::genl::{self, CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME};
use nlwire::sock::{FakePeer, Socket, Transaction};
use nlwire::{AttrIndex, MsgBuf};

use nlwire_testkit::alloc::{CountingAlloc, allocations_in};

#[global_allocator]
static GLOBAL: CountingAlloc = CountingAlloc;

fn fill(t: &mut Transaction, name: &str) {
    t.clear();
    genl::put_getfamily(t.request_mut(), Some(name)).unwrap();
}

#[test]
fn warm_batch_of_lookups_allocates_nothing() {
    let mut sock = Socket::open(NETLINK_GENERIC).unwrap();
    let names = ["nlctrl", "netdev", "ethtool", "tcp_metrics"];
    let mut txns: Vec<Transaction> = (0..40).map(|_| Transaction::new()).collect();
    let mut run = |txns: &mut Vec<Transaction>| {
        for (i, t) in txns.iter_mut().enumerate() {
            fill(t, names[i % names.len()]);
        }
        sock.transact_multiple(txns).unwrap();
        let mut ids = 0u32;
        for (i, t) in txns.iter().enumerate() {
            let r = t.result().unwrap();
            let m = r.first().unwrap();
            let (_, attrs) = m.genl().unwrap();
            let idx = AttrIndex::<8>::parse(attrs).unwrap();
            let name = idx.get(CTRL_ATTR_FAMILY_NAME).unwrap().get_str().unwrap();
            assert_eq!(name, names[i % names.len()]);
            ids += u32::from(idx.get(CTRL_ATTR_FAMILY_ID).unwrap().get_u16().unwrap());
        }
        assert!(ids > 0);
    };
    run(&mut txns); // cold: buffers grow to their replies
    run(&mut txns); // settle any buffer that moved
    let n = allocations_in(|| run(&mut txns));
    assert_eq!(n, 0, "a warm batch of 40 transactions allocated {n} times");
}

#[test]
fn warm_dump_allocates_nothing() {
    let mut sock = Socket::open(NETLINK_GENERIC).unwrap();
    let mut req = MsgBuf::new();
    genl::put_getfamily(&mut req, None).unwrap();
    let dump_all = |sock: &mut Socket| {
        let mut d = sock.dump(req.as_slice()).unwrap();
        let mut n = 0;
        while let Some(m) = d.next_msg() {
            m.unwrap();
            n += 1;
        }
        assert!(n > 3);
    };
    dump_all(&mut sock);
    let n = allocations_in(|| dump_all(&mut sock));
    assert_eq!(n, 0, "a warm dump allocated {n} times");
}

#[test]
fn fake_peer_batches_reuse_reply_buffers() {
    // The fake allocates its own queue entries; what matters is that reply buffers are
    // not allocated per call: capacities stay put once warm.
    let mut sock = FakePeer::new(|r, out| {
        let d = out.msg(r.ty(), 0, &[7; 300]);
        let a = out.ack_msg();
        out.send(vec![d, a]);
    })
    .into_socket();
    let mut txns: Vec<Transaction> = (0..10).map(|_| Transaction::new()).collect();
    let mut caps = Vec::new();
    for round in 0..3 {
        for t in txns.iter_mut() {
            t.clear();
            let m = t.request_mut().start_msg(0x20, NLM_F_ACK);
            t.request_mut().end_msg(m).unwrap();
        }
        sock.transact_multiple(&mut txns).unwrap();
        let now: Vec<usize> = txns.iter().map(Transaction::reply_capacity).collect();
        if round > 0 {
            assert_eq!(now, caps);
        }
        caps = now;
    }
}
