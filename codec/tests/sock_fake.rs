//! `nlwire::sock` against the scripted `FakePeer`: sequence matching (out of order,
//! foreign, forged), the ACK / no-ACK inference rule, errors with ext-ack paths, ENOBUFS
//! recovery, batching limits, truncation and overflow, dumps and listeners. The fake
//! runs through the same transaction engine as the kernel socket.

#![cfg(target_os = "linux")]

use std::sync::{Arc, Mutex};

use nlwire::consts::*;
use nlwire::sock::{Error, FakePeer, Listener, ReplyKind, Socket, Transaction};
use nlwire::{AttrKind, AttrPolicy, MsgBuf, Policy};

const FAMILY: u16 = 0x20;
const ACK: u16 = NLM_F_ACK;

/// A generic netlink request with one u32 attribute (type 1) holding `tag`.
fn req(flags: u16, tag: u32) -> Transaction {
    let mut t = Transaction::new();
    let b = t.request_mut();
    let m = b.start_genl_msg(FAMILY, flags, 1, 1);
    b.put_attr_u32(1, tag).unwrap();
    b.end_msg(m).unwrap();
    t
}

fn tag_of(req: &nlwire::Msg<'_>) -> u32 {
    let (_, attrs) = req.genl().unwrap();
    nlwire::Attrs::new(attrs)
        .find(1)
        .unwrap()
        .unwrap()
        .get_u32()
        .unwrap()
}

#[test]
fn seqs_start_at_1_are_consecutive_and_wrap_at_half_range() {
    let mut sock = FakePeer::new(|_, out| out.ack()).into_socket();
    assert_eq!(sock.next_seq(), 1);
    let mut txns: Vec<_> = (0..3).map(|i| req(ACK, i)).collect();
    sock.transact_multiple(&mut txns).unwrap();
    let seqs: Vec<u32> = txns.iter().map(Transaction::seq).collect();
    assert_eq!(seqs, [1, 2, 3]);
    assert_eq!(sock.next_seq(), 4);

    sock.set_next_seq(u32::MAX / 2 - 2);
    let mut txns: Vec<_> = (0..4).map(|i| req(ACK, i)).collect();
    sock.transact_multiple(&mut txns).unwrap();
    assert!(txns.iter().all(|t| t.result().unwrap().is_ack()));
    assert_eq!(sock.next_seq(), 1, "wraps to 1, never 0");
    // Every message the peer saw carried our port id.
    let sent = sock.transport().sent();
    for d in sent {
        for m in nlwire::Messages::new(d) {
            let m = m.unwrap();
            assert_eq!(m.pid(), FakePeer::DEFAULT_PORT);
            assert_ne!(m.seq(), 0);
            assert!(m.flags() & NLM_F_REQUEST != 0);
        }
    }
}

#[test]
fn out_of_order_replies_still_match() {
    // The peer holds the answer to each even request and sends it after the next one.
    let held: Arc<Mutex<Option<Vec<u8>>>> = Arc::default();
    let h = held.clone();
    let mut sock = FakePeer::new(move |r, out| {
        let tag = tag_of(&r);
        let data = out.msg(r.ty(), 0, &tag.to_ne_bytes());
        let ack = out.ack_msg();
        if tag.is_multiple_of(2) {
            *h.lock().unwrap() = Some([data, ack].concat());
        } else {
            out.send(vec![data, ack]);
            if let Some(prev) = h.lock().unwrap().take() {
                out.send(vec![prev]);
            }
        }
    })
    .into_socket();
    let mut txns: Vec<_> = (0..6).map(|i| req(ACK, i)).collect();
    sock.transact_multiple(&mut txns).unwrap();
    for (i, t) in txns.iter().enumerate() {
        let r = t.result().unwrap();
        assert_eq!(r.kind(), ReplyKind::Data);
        let m = r.first().unwrap();
        assert_eq!(m.payload(), &(i as u32).to_ne_bytes(), "txn {i}");
        assert_eq!(r.messages().count(), 1);
    }
}

#[test]
fn foreign_seqs_and_forged_senders_are_ignored() {
    let mut sock = FakePeer::new(|r, out| {
        // Stale reply (seq far away), a forgery from port 99 with the right seq, then the
        // real answer.
        let stale = out.msg_with_seq(r.seq().wrapping_add(1000), r.ty(), 0, b"old\0");
        out.send(vec![stale]);
        let forged = out.error_msg(0, None, None);
        out.send_from(99, vec![forged]);
        out.error(libc::EPERM);
    })
    .into_socket();
    let mut t = req(ACK, 7);
    let err = sock.transact(&mut t).unwrap_err();
    assert_eq!(
        err.errno(),
        Some(libc::EPERM),
        "the forged ACK must not win: {err}"
    );
    let st = sock.stats();
    assert_eq!(st.foreign_sender_dropped, 1);
    assert_eq!(st.foreign_seq_ignored, 1);

    // A forged datagram injected before the request is dropped too (plus the handler's
    // own forgery for this request).
    sock.transport_mut()
        .inject(4242, b"garbage that would not even parse".to_vec());
    let mut t = req(ACK, 8);
    assert_eq!(
        sock.transact(&mut t).unwrap_err().errno(),
        Some(libc::EPERM)
    );
    assert_eq!(sock.stats().foreign_sender_dropped, 3);
}

/// The peer: tag 0 → silent, 1 → ACK when asked, 2 → error, 3 → data (+ ACK when asked).
fn scripted() -> Socket<FakePeer> {
    FakePeer::new(|r, out| {
        let wants_ack = r.flags() & NLM_F_ACK != 0;
        match tag_of(&r) {
            0 => {}
            1 if wants_ack => out.ack(),
            1 => {}
            2 => out.error(libc::EEXIST),
            _ => {
                let d = out.msg(r.ty(), 0, b"data");
                let mut msgs = vec![d];
                if wants_ack {
                    msgs.push(out.ack_msg());
                }
                out.send(msgs);
            }
        }
    })
    .into_socket()
}

#[test]
fn no_reply_is_success_only_when_none_was_asked_for() {
    let mut sock = scripted();
    let cases: [(u16, u32); 9] = [
        (0, 0),          // silent, asked nothing: success without reply
        (ACK, 0),        // silent, asked for an ACK: MissingReply
        (NLM_F_ECHO, 0), // silent, asked for an echo: MissingReply
        (0, 1),          // success without ACK
        (ACK, 1),        // ACK
        (0, 2),          // error without ACK: still reported
        (ACK, 2),        // error with ACK
        (0, 3),          // data
        (ACK, 3),        // data + ACK in one datagram
    ];
    let mut txns: Vec<_> = cases.iter().map(|&(f, tag)| req(f, tag)).collect();
    sock.transact_multiple(&mut txns).unwrap();
    let got: Vec<String> = txns
        .iter()
        .map(|t| match t.result() {
            Ok(r) => format!("{:?}", r.kind()),
            Err(Error::MissingReply { .. }) => "Missing".into(),
            Err(e) => format!("errno {}", e.errno().unwrap()),
        })
        .collect();
    assert_eq!(
        got,
        [
            "NoReply", "Missing", "Missing", "NoReply", "Ack", "errno 17", "errno 17", "Data",
            "Data"
        ]
    );
    // The silent request with an ACK flag sitting before answered ones is not marked a
    // success (OVS would), and the message says why.
    let e = txns[1].result().unwrap_err().to_string();
    assert!(e.contains("NLM_F_ACK"), "{e}");
}

#[test]
fn the_rule_holds_in_any_order_within_a_batch() {
    // A silent ACK-request last (nothing after it) and first (answers after it).
    let mut sock = scripted();
    let mut txns = vec![req(ACK, 0), req(ACK, 1), req(0, 0), req(ACK, 0)];
    sock.transact_multiple(&mut txns).unwrap();
    assert!(matches!(txns[0].result(), Err(Error::MissingReply { .. })));
    assert!(txns[1].result().unwrap().is_ack());
    assert_eq!(txns[2].result().unwrap().kind(), ReplyKind::NoReply);
    assert!(matches!(txns[3].result(), Err(Error::MissingReply { .. })));
}

static KEY: Policy = Policy::new(
    "key",
    &[
        AttrPolicy::new("in-port", 3, AttrKind::U32),
        AttrPolicy::new("eth", 4, AttrKind::Binary),
    ],
);
static FLOW: Policy = Policy::new(
    "flow",
    &[
        AttrPolicy::new("key", 1, AttrKind::Nested).nested(&KEY),
        AttrPolicy::new("ufid", 2, AttrKind::Binary),
    ],
);

fn flow_request() -> Transaction {
    let mut t = Transaction::new();
    let b = t.request_mut();
    let m = b.start_genl_msg(FAMILY, ACK, 1, 1);
    b.put(&0i32.to_ne_bytes()); // a 4-byte family header (like ovs_header)
    b.put_attr(2, &[0; 16]).unwrap();
    let k = b.start_nested(1);
    b.put_attr_u32(3, 1).unwrap();
    b.put_attr(4, &[0; 12]).unwrap();
    b.end_nested(k).unwrap();
    b.end_msg(m).unwrap();
    t.set_policy(&FLOW, 24);
    t
}

#[test]
fn kernel_error_names_the_offending_nested_attribute() {
    // Offsets: attrs at 24; ufid 24..44; key at 44, in-port at 48, eth at 56.
    let mut sock = FakePeer::new(|_, out| out.error_ext(libc::EINVAL, "Invalid eth key", Some(56)))
        .into_socket();
    let mut t = flow_request();
    let err = sock.transact(&mut t).unwrap_err();
    let k = err.kernel().unwrap();
    assert_eq!(k.path.unwrap().to_string(), "key.eth");
    assert_eq!(k.msg.as_deref(), Some("Invalid eth key"));
    assert_eq!(
        err.to_string(),
        "kernel refused the request: EINVAL (Invalid argument): \"Invalid eth key\"; \
         offending attribute key.eth (offset 56)"
    );

    // A missing attribute inside the nest at offset 44.
    let mut sock = FakePeer::new(|_, out| {
        let m = out.missing_attr_msg(libc::EINVAL, 3, Some(44));
        out.send(vec![m]);
    })
    .into_socket();
    let err = sock.transact(&mut t).unwrap_err();
    assert_eq!(
        err.kernel().unwrap().missing.unwrap().to_string(),
        "key.in-port"
    );
    assert!(
        err.to_string().contains("missing attribute key.in-port"),
        "{err}"
    );

    // Without a policy, the path is in numbers.
    let mut t2 = Transaction::with_request({
        let mut b = MsgBuf::new();
        b.put(flow_request().request());
        b
    });
    t2.set_attrs_at(24);
    let mut sock = FakePeer::new(|_, out| out.error_ext(libc::EINVAL, "x", Some(48))).into_socket();
    let err = sock.transact(&mut t2).unwrap_err();
    assert_eq!(err.kernel().unwrap().path.unwrap().to_string(), "#1.#3");
}

#[test]
fn ack_warning_is_available_on_success() {
    // Error code 0 with extended-ack TLVs: a warning on success.
    let mut sock = FakePeer::new(|_, out| {
        let m = out.error_msg(0, Some("deprecated attribute"), None);
        out.send(vec![m]);
    })
    .into_socket();
    let mut t = req(ACK, 1);
    let r = sock.transact(&mut t).unwrap();
    assert!(r.is_ack());
    assert_eq!(r.warning(), Some("deprecated attribute"));
}

#[test]
fn kernel_error_carries_policy_and_cookie() {
    use nlwire::reported_policy::attr;
    let mut sock = FakePeer::new(|_, out| {
        let mut tlvs = MsgBuf::new();
        tlvs.put_attr_str(NLMSGERR_ATTR_MSG, "integer out of range")
            .unwrap();
        tlvs.put_attr_u32(NLMSGERR_ATTR_OFFS, 48).unwrap();
        let n = tlvs.start_nested(NLMSGERR_ATTR_POLICY);
        tlvs.put_attr_u32(attr::TYPE, 4).unwrap();
        tlvs.put_attr_u64(attr::MIN_VALUE_U, 1).unwrap();
        tlvs.put_attr_u64(attr::MAX_VALUE_U, 65535).unwrap();
        tlvs.end_nested(n).unwrap();
        tlvs.put_attr(NLMSGERR_ATTR_COOKIE, &[1, 2, 3, 4]).unwrap();
        let m = out.error_msg_tlvs(libc::EINVAL, tlvs.as_slice());
        out.send(vec![m]);
    })
    .into_socket();
    let mut t = flow_request();
    let err = sock.transact(&mut t).unwrap_err();
    let k = err.kernel().unwrap();
    assert_eq!(k.path.unwrap().to_string(), "key.in-port");
    assert_eq!(k.policy.unwrap().range(), Some((1, 65535)));
    assert_eq!(k.cookie.as_deref(), Some(&[1u8, 2, 3, 4][..]));
    assert_eq!(
        err.to_string(),
        "kernel refused the request: EINVAL (Invalid argument): \"integer out of range\"; \
         offending attribute key.in-port (offset 48); the kernel's policy for it: u32 in 1..=65535"
    );

    // A malformed policy nest is dropped, not an error of its own: the errno still counts.
    let mut sock = FakePeer::new(|_, out| {
        let mut tlvs = MsgBuf::new();
        let n = tlvs.start_nested(NLMSGERR_ATTR_POLICY);
        tlvs.put_attr_u16(attr::TYPE, 4).unwrap();
        tlvs.end_nested(n).unwrap();
        let m = out.error_msg_tlvs(libc::EPERM, tlvs.as_slice());
        out.send(vec![m]);
    })
    .into_socket();
    let err = sock.transact(&mut flow_request()).unwrap_err();
    assert_eq!(err.errno(), Some(libc::EPERM));
    assert_eq!(err.kernel().unwrap().policy, None);
}

#[test]
fn done_warning_is_available_on_dumps_and_multipart_replies() {
    let peer = || {
        FakePeer::new(|req, out| {
            let part = out.msg(req.ty(), NLM_F_MULTI, b"abcd");
            let mut tlvs = MsgBuf::new();
            tlvs.put_attr_str(NLMSGERR_ATTR_MSG, "filter attribute ignored")
                .unwrap();
            let done = out.done_msg_tlvs(0, tlvs.as_slice());
            out.send(vec![part, done]);
        })
        .into_socket()
    };
    let mut sock = peer();
    let mut dump = sock.dump(req(0, 1).request()).unwrap();
    assert_eq!(dump.warning(), None);
    let mut n = 0;
    while let Some(m) = dump.next_msg() {
        m.unwrap();
        n += 1;
    }
    assert_eq!(n, 1);
    assert_eq!(dump.warning(), Some("filter attribute ignored"));

    let mut sock = peer();
    let mut t = req(0, 1);
    let r = sock.transact(&mut t).unwrap();
    assert_eq!(r.warning(), Some("filter attribute ignored"));

    // A plain NLMSG_DONE has no warning.
    let mut sock = FakePeer::new(|req, out| out.dump(req.ty(), &[b"abcd"], 1)).into_socket();
    let mut dump = sock.dump(req(0, 1).request()).unwrap();
    while let Some(m) = dump.next_msg() {
        m.unwrap();
    }
    assert_eq!(dump.warning(), None);
}

#[test]
fn enobufs_with_an_emulated_small_buffer_completes_every_request() {
    // Every reply is ~40 bytes; the peer's queue takes ~200 bytes before dropping.
    let calls = Arc::new(Mutex::new(Vec::new()));
    let c = calls.clone();
    let mut sock = FakePeer::new(move |r, out| {
        c.lock().unwrap().push(tag_of(&r));
        let d = out.msg(r.ty(), 0, &tag_of(&r).to_ne_bytes());
        out.send(vec![d]);
        out.ack();
    })
    .with_rcvbuf(200)
    .into_socket();
    sock.set_max_batch(Some(100));
    let mut txns: Vec<_> = (0..100).map(|i| req(ACK, i)).collect();
    sock.transact_multiple(&mut txns).unwrap();
    for (i, t) in txns.iter().enumerate() {
        let r = t.result().unwrap_or_else(|e| panic!("txn {i}: {e}"));
        assert_eq!(r.first().unwrap().payload(), &(i as u32).to_ne_bytes());
    }
    let st = sock.stats();
    assert!(st.overruns > 0 && st.resent > 0, "{st:?}");
    // Each request ran at least once; resends are bounded by the shrinking batches.
    let calls = calls.lock().unwrap();
    assert!(
        calls.len() < 100 * 3,
        "{} executions for 100 requests",
        calls.len()
    );
    for i in 0..100 {
        assert!(calls.contains(&i));
    }
}

#[test]
fn enobufs_without_progress_ends_in_overrun() {
    let mut sock = FakePeer::new(|_, out| {
        out.overrun();
    })
    .into_socket();
    let mut txns: Vec<_> = (0..3).map(|i| req(ACK, i)).collect();
    let err = sock.transact_multiple(&mut txns).unwrap_err();
    assert!(matches!(err, Error::Overrun { .. }), "{err}");
    assert!(
        txns.iter()
            .all(|t| matches!(t.result(), Err(Error::Overrun { .. })))
    );
    assert!(err.to_string().contains("SO_RCVBUF"));
}

#[test]
fn batches_respect_rcvbuf_page_and_override() {
    let mut sock = FakePeer::new(|_, out| out.ack())
        .with_rcvbuf(4096 * 5)
        .into_socket();
    let mut txns: Vec<_> = (0..12).map(|i| req(ACK, i)).collect();
    sock.transact_multiple(&mut txns).unwrap();
    let sizes: Vec<usize> = sock
        .transport()
        .sent()
        .iter()
        .map(|d| nlwire::Messages::new(d).count())
        .collect();
    assert_eq!(sizes, [5, 5, 2], "rcvbuf/4096 requests per sendmsg");

    // Large requests: one page minus 512 bytes per batch (at least one request).
    let mut sock = FakePeer::new(|_, out| out.ack()).into_socket();
    let page = rustix::param::page_size();
    let mut big: Vec<_> = (0..4)
        .map(|_| {
            let mut t = Transaction::new();
            let b = t.request_mut();
            let m = b.start_msg(FAMILY, ACK);
            b.put_attr(1, &vec![0; page / 3]).unwrap();
            b.end_msg(m).unwrap();
            t
        })
        .collect();
    sock.transact_multiple(&mut big).unwrap();
    let sizes: Vec<usize> = sock
        .transport()
        .sent()
        .iter()
        .map(|d| nlwire::Messages::new(d).count())
        .collect();
    assert_eq!(sizes, [2, 2]);

    let mut sock = FakePeer::new(|_, out| out.ack()).into_socket();
    sock.set_max_batch(Some(500));
    let mut txns: Vec<_> = (0..300).map(|i| req(ACK, i)).collect();
    sock.transact_multiple(&mut txns).unwrap();
    assert_eq!(sock.transport().sent().len(), 1);
}

#[test]
fn bad_requests_fail_alone() {
    let mut sock = FakePeer::new(|_, out| out.ack()).into_socket();
    let mut short = Transaction::new();
    short.request_mut().put(&[1, 2, 3]);
    let mut two = Transaction::new();
    for _ in 0..2 {
        let m = two.request_mut().start_msg(FAMILY, 0);
        two.request_mut().end_msg(m).unwrap();
    }
    let mut txns = vec![short, req(ACK, 1), two];
    sock.transact_multiple(&mut txns).unwrap();
    assert!(matches!(txns[0].result(), Err(Error::BadRequest { .. })));
    assert!(txns[1].result().unwrap().is_ack());
    assert!(matches!(txns[2].result(), Err(Error::BadRequest { .. })));
}

#[test]
fn big_reply_through_the_overflow_and_truncation_beyond_it() {
    let mut sock = FakePeer::new(|r, out| {
        let n = tag_of(&r) as usize;
        out.data(r.ty(), 0, &vec![0xab; n]);
    })
    .into_socket();
    let mut t = req(0, 10_000);
    t.set_reply_capacity(64);
    let r = sock.transact(&mut t).unwrap();
    assert_eq!(r.first().unwrap().payload().len(), 10_000);

    let mut t = req(0, 70_000);
    t.set_reply_capacity(64);
    let err = sock.transact(&mut t).unwrap_err();
    assert!(
        matches!(err, Error::Truncated { len, .. } if len == 70_016),
        "{err}"
    );
    assert_eq!(sock.stats().truncated, 1);
    // The socket works afterwards.
    let mut t = req(0, 4);
    assert!(sock.transact(&mut t).is_ok());
}

#[test]
fn replies_in_one_datagram_for_several_requests_are_split() {
    // Never done by the kernel, but a peer may: one datagram answering three requests.
    let pending = Arc::new(Mutex::new(Vec::new()));
    let p = pending.clone();
    let mut sock = FakePeer::new(move |r, out| {
        let d = out.msg(r.ty(), 0, &tag_of(&r).to_ne_bytes());
        p.lock().unwrap().push(d);
        if tag_of(&r) == 2 {
            let all = std::mem::take(&mut *p.lock().unwrap());
            out.send(all);
        }
    })
    .into_socket();
    let mut txns: Vec<_> = (0..3).map(|i| req(0, i)).collect();
    sock.transact_multiple(&mut txns).unwrap();
    for (i, t) in txns.iter().enumerate() {
        let r = t.result().unwrap();
        let msgs: Vec<_> = r.messages().collect();
        assert_eq!(msgs.len(), 1, "txn {i}");
        assert_eq!(msgs[0].payload(), &(i as u32).to_ne_bytes());
    }
}

fn dump_req() -> Vec<u8> {
    let mut b = MsgBuf::new();
    let m = b.start_genl_msg(FAMILY, 0, 2, 1);
    b.end_msg(m).unwrap();
    b.to_vec()
}

#[test]
fn dump_with_several_messages_per_datagram_and_done_inline() {
    let payloads: Vec<Vec<u8>> = (0..10u32).map(|i| i.to_ne_bytes().to_vec()).collect();
    let p = payloads.clone();
    let mut sock = FakePeer::new(move |r, out| {
        assert!(r.flags() & NLM_F_DUMP == NLM_F_DUMP);
        let refs: Vec<&[u8]> = p.iter().map(Vec::as_slice).collect();
        out.dump(r.ty(), &refs, 4);
    })
    .into_socket();
    let mut dump = sock.dump(&dump_req()).unwrap();
    let mut got = Vec::new();
    while let Some(m) = dump.next_msg() {
        got.push(m.unwrap().payload().to_vec());
    }
    assert_eq!(got, payloads);
    assert!(dump.next_msg().is_none());
    drop(dump);
    assert_eq!(sock.transport().queued(), 0);
}

#[test]
fn dump_errors_error_mid_datagram_and_done_with_code() {
    // NLMSG_ERROR in the middle of a datagram.
    let mut sock = FakePeer::new(|r, out| {
        let a = out.msg(r.ty(), NLM_F_MULTI, b"one\0");
        let e = out.error_msg(libc::EBUSY, Some("dump already running"), None);
        out.send(vec![a, e]);
    })
    .into_socket();
    let mut dump = sock.dump(&dump_req()).unwrap();
    assert!(dump.next_msg().unwrap().is_ok());
    let err = dump.next_msg().unwrap().unwrap_err();
    assert_eq!(err.errno(), Some(libc::EBUSY));
    assert_eq!(
        err.kernel().unwrap().msg.as_deref(),
        Some("dump already running")
    );
    assert!(dump.next_msg().is_none());

    // NLMSG_DONE carrying an error code.
    let mut sock = FakePeer::new(|r, out| {
        let a = out.msg(r.ty(), NLM_F_MULTI, b"one\0");
        let d = out.done_msg(libc::EMSGSIZE, 0);
        out.send(vec![a, d]);
    })
    .into_socket();
    let mut dump = sock.dump(&dump_req()).unwrap();
    assert!(dump.next_msg().unwrap().is_ok());
    assert_eq!(
        dump.next_msg().unwrap().unwrap_err().errno(),
        Some(libc::EMSGSIZE)
    );

    // No NLMSG_DONE at all.
    let mut sock = FakePeer::new(|r, out| out.data(r.ty(), NLM_F_MULTI, b"one\0")).into_socket();
    let mut dump = sock.dump(&dump_req()).unwrap();
    assert!(dump.next_msg().unwrap().is_ok());
    assert!(matches!(
        dump.next_msg().unwrap(),
        Err(Error::Incomplete { .. })
    ));
}

#[test]
fn dump_interrupted_delivers_everything_then_the_error_and_retry_restarts() {
    let attempt = Arc::new(Mutex::new(0));
    let a = attempt.clone();
    let mut sock = FakePeer::new(move |r, out| {
        let mut n = a.lock().unwrap();
        *n += 1;
        out.dump_with(r.ty(), &[b"a\0\0\0", b"b\0\0\0", b"c\0\0\0"], 2, *n <= 2);
    })
    .into_socket();
    // Plain dump: three messages, then DumpInterrupted.
    let mut dump = sock.dump(&dump_req()).unwrap();
    let mut n = 0;
    let end = loop {
        match dump.next_msg() {
            Some(Ok(_)) => n += 1,
            Some(Err(e)) => break e,
            None => panic!("DUMP_INTR not surfaced"),
        }
    };
    assert_eq!(n, 3);
    assert!(dump.is_interrupted());
    assert!(
        matches!(
            end,
            Error::DumpInterrupted {
                messages: 3,
                attempts: 1
            }
        ),
        "{end}"
    );
    assert!(end.is_retryable());
    drop(dump);

    // Retry: attempt 2 is interrupted too, attempt 3 is clean.
    let mut tries = 0;
    let msgs = sock
        .dump_retry(&dump_req(), 5, |d| {
            tries += 1;
            let mut v = Vec::new();
            while let Some(m) = d.next_msg() {
                v.push(m?.payload()[0]);
            }
            Ok(v)
        })
        .unwrap();
    assert_eq!(msgs, b"abc");
    assert_eq!(tries, 2);

    // Retries exhausted.
    *attempt.lock().unwrap() = 0;
    let err = sock
        .dump_retry(&dump_req(), 2, |d| {
            d.next_msg().map_or(Ok(()), |m| m.map(drop))
        })
        .unwrap_err();
    assert!(
        matches!(err, Error::DumpInterrupted { attempts: 2, .. }),
        "{err}"
    );
}

#[test]
fn dropping_an_unfinished_dump_drains_it() {
    let mut sock = FakePeer::new(|r, out| {
        if r.flags() & NLM_F_DUMP == NLM_F_DUMP {
            let p: Vec<Vec<u8>> = (0..50u32).map(|i| i.to_ne_bytes().to_vec()).collect();
            let refs: Vec<&[u8]> = p.iter().map(Vec::as_slice).collect();
            out.dump(r.ty(), &refs, 3);
        } else {
            out.ack();
        }
    })
    .into_socket();
    let mut dump = sock.dump(&dump_req()).unwrap();
    dump.next_msg().unwrap().unwrap();
    drop(dump);
    assert_eq!(sock.transport().queued(), 0, "drained");
    let mut t = req(ACK, 1);
    assert!(sock.transact(&mut t).unwrap().is_ack());
    assert_eq!(sock.stats().foreign_seq_ignored, 0);
}

#[test]
fn a_dump_inside_transact_collects_all_parts() {
    let mut sock =
        FakePeer::new(|r, out| out.dump(r.ty(), &[b"a\0\0\0", b"b\0\0\0"], 1)).into_socket();
    let mut t = Transaction::with_request({
        let mut b = MsgBuf::new();
        b.put(&dump_req());
        b
    });
    let r = sock.transact(&mut t).unwrap();
    assert_eq!(r.messages().count(), 2);
}

#[test]
fn listener_reports_lost_events_and_nsid() {
    let mut peer = FakePeer::new(|_, _| {});
    let note = |seq: u32| {
        let mut b = MsgBuf::new();
        let m = b.start_msg(FAMILY, 0);
        b.put_attr_u32(1, seq).unwrap();
        b.end_msg(m).unwrap();
        b.to_vec()
    };
    peer.inject(0, note(0));
    peer.inject(77, note(0)); // not from the kernel: dropped
    peer.inject_overrun();
    peer.inject_from_nsid(5, note(0));
    let mut l = Listener::new(peer.into_socket());
    l.join(3).unwrap();
    l.join(3).unwrap();
    assert_eq!(l.socket().transport().groups(), &[3]);
    // The overrun is reported first, as the kernel does.
    assert!(matches!(l.recv(), Err(Error::LostEvents)));
    let d = l.recv().unwrap();
    assert_eq!(d.messages().count(), 1);
    assert_eq!(d.nsid(), None);
    let d = l.recv().unwrap();
    assert_eq!(d.nsid(), Some(5));
    assert!(l.try_recv().unwrap().is_none());
    assert_eq!(l.socket().stats().foreign_sender_dropped, 1);
    l.leave(3).unwrap();
    assert!(l.socket().transport().groups().is_empty());
}
