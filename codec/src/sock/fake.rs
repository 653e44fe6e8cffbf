//! An in-process fake kernel for tests: it scripts replies to requests, and the
//! [`Socket`] over it runs the very same sequence matching, batching, dump and listener
//! code as over the kernel.

use std::collections::VecDeque;
use std::io::{self, IoSlice, IoSliceMut};

use zerocopy::IntoBytes;

use super::socket::Socket;
use super::transport::{Received, Transport};
use crate::MsgBuf;
use crate::consts::{
    NLM_F_ACK_TLVS, NLM_F_CAPPED, NLM_F_DUMP_INTR, NLM_F_MULTI, NLMSG_DONE, NLMSG_ERROR,
    NLMSGERR_ATTR_MISS_NEST, NLMSGERR_ATTR_MISS_TYPE, NLMSGERR_ATTR_MSG, NLMSGERR_ATTR_OFFS,
};
use crate::header::NlMsgHdr;
use crate::msg::{Messages, Msg};

type Handler = Box<dyn FnMut(Msg<'_>, &mut Replies) + Send>;

struct Queued {
    sender: u32,
    nsid: Option<i32>,
    bytes: Vec<u8>,
}

/// A scripted netlink peer (in the manner of Go's `nltest`): for every request message
/// the socket sends, it calls a handler that answers through [`Replies`]. Replies are
/// queued while the request is sent, as the kernel does, so the transport logic under
/// test sees what it would see from the kernel. It can also emulate a small receive
/// buffer ([`with_rcvbuf`](Self::with_rcvbuf): datagrams past it are dropped and the next
/// receive fails with `ENOBUFS`), inject datagrams from any sender, and records every
/// datagram sent.
///
/// ```
/// use nlwire::consts::*;
/// use nlwire::sock::{FakePeer, Transaction};
///
/// // Answer every request with an error carrying an extended ack.
/// let mut sock = FakePeer::new(|_req, out| out.error_ext(libc::EINVAL, "bad key", Some(20)))
///     .into_socket();
/// let mut t = Transaction::new();
/// let b = t.request_mut();
/// let m = b.start_genl_msg(0x20, NLM_F_ACK, 1, 1);
/// b.put_attr_u32(7, 1)?;
/// b.end_msg(m)?;
/// t.set_attrs_at(20);
/// let err = sock.transact(&mut t).unwrap_err();
/// let k = err.kernel().unwrap();
/// assert_eq!((k.errno, k.msg.as_deref()), (libc::EINVAL, Some("bad key")));
/// assert_eq!(k.path.unwrap().types(), &[7]);
/// assert_eq!(sock.transport().sent().len(), 1);
/// # Ok::<(), nlwire::Error>(())
/// ```
pub struct FakePeer {
    port: u32,
    handler: Handler,
    queue: VecDeque<Queued>,
    queued_bytes: usize,
    rcvbuf: usize,
    overrun: bool,
    sent: Vec<Vec<u8>>,
    groups: Vec<u32>,
}

impl FakePeer {
    /// Port id the fake assigns to the socket.
    ///
    /// ```
    /// use nlwire::sock::{FakePeer, Transport};
    /// assert_eq!(FakePeer::new(|_, _| {}).port_id(), FakePeer::DEFAULT_PORT);
    /// ```
    pub const DEFAULT_PORT: u32 = 0x1000;

    /// A peer that answers each request message with `handler`.
    ///
    /// ```
    /// use nlwire::sock::FakePeer;
    /// // A peer that acknowledges everything.
    /// let peer = FakePeer::new(|_req, out| out.ack());
    /// # drop(peer);
    /// ```
    pub fn new(handler: impl FnMut(Msg<'_>, &mut Replies) + Send + 'static) -> Self {
        FakePeer {
            port: Self::DEFAULT_PORT,
            handler: Box::new(handler),
            queue: VecDeque::new(),
            queued_bytes: 0,
            rcvbuf: super::kernel::DEFAULT_RCVBUF,
            overrun: false,
            sent: Vec::new(),
            groups: Vec::new(),
        }
    }

    /// Uses `port` as the socket's port id.
    ///
    /// ```
    /// use nlwire::sock::{FakePeer, Transport};
    /// assert_eq!(FakePeer::new(|_, _| {}).with_port(77).port_id(), 77);
    /// ```
    pub fn with_port(mut self, port: u32) -> Self {
        self.port = port;
        self
    }

    /// Emulates a receive buffer of `bytes`: as in the kernel, a datagram is queued only
    /// while the queued bytes do not exceed it; otherwise it is dropped and the next
    /// receive fails with `ENOBUFS`. Also what [`Transport::rcvbuf`] reports.
    ///
    /// ```
    /// use nlwire::sock::{FakePeer, Transport};
    /// assert_eq!(FakePeer::new(|_, _| {}).with_rcvbuf(4096).rcvbuf(), 4096);
    /// ```
    pub fn with_rcvbuf(mut self, bytes: usize) -> Self {
        self.rcvbuf = bytes;
        self
    }

    /// A [`Socket`] over this peer.
    ///
    /// ```
    /// let sock = nlwire::sock::FakePeer::new(|_, _| {}).into_socket();
    /// assert_eq!(sock.port_id(), nlwire::sock::FakePeer::DEFAULT_PORT);
    /// ```
    pub fn into_socket(self) -> Socket<FakePeer> {
        Socket::with_transport(self)
    }

    /// Every datagram the socket sent, in order.
    ///
    /// ```
    /// let mut sock = nlwire::sock::FakePeer::new(|_, _| {}).into_socket();
    /// let mut t = nlwire::sock::Transaction::new();
    /// let m = t.request_mut().start_msg(0x20, 0);
    /// t.request_mut().end_msg(m)?;
    /// sock.transact(&mut t).unwrap();
    /// assert_eq!(sock.transport().sent()[0].len(), 16);
    /// # Ok::<(), nlwire::Error>(())
    /// ```
    pub fn sent(&self) -> &[Vec<u8>] {
        &self.sent
    }

    /// The multicast groups joined.
    ///
    /// ```
    /// let mut l = nlwire::sock::Listener::new(nlwire::sock::FakePeer::new(|_, _| {}).into_socket());
    /// l.join(4)?;
    /// assert_eq!(l.socket().transport().groups(), &[4]);
    /// # Ok::<(), nlwire::sock::Error>(())
    /// ```
    pub fn groups(&self) -> &[u32] {
        &self.groups
    }

    /// Datagrams waiting to be received.
    ///
    /// ```
    /// let mut p = nlwire::sock::FakePeer::new(|_, _| {});
    /// p.inject(0, vec![0; 16]);
    /// assert_eq!(p.queued(), 1);
    /// ```
    pub fn queued(&self) -> usize {
        self.queue.len()
    }

    /// Queues a datagram from port `sender` (0 is the kernel): a notification, a stale
    /// reply, or a forgery from another process.
    ///
    /// ```
    /// let mut p = nlwire::sock::FakePeer::new(|_, _| {});
    /// p.inject(1234, vec![0; 16]); // a forgery: the socket will drop it
    /// let mut sock = p.into_socket();
    /// let mut buf = nlwire::sock::RecvBuf::new();
    /// assert!(sock.recv_raw(&mut buf, false)?.is_none());
    /// assert_eq!(sock.stats().foreign_sender_dropped, 1);
    /// # Ok::<(), nlwire::sock::Error>(())
    /// ```
    pub fn inject(&mut self, sender: u32, bytes: Vec<u8>) {
        self.enqueue(sender, None, bytes);
    }

    /// Queues a datagram from the kernel that came from network namespace `nsid`.
    ///
    /// ```
    /// let mut p = nlwire::sock::FakePeer::new(|_, _| {});
    /// p.inject_from_nsid(3, vec![16, 0, 0, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    /// let mut l = nlwire::sock::Listener::new(p.into_socket());
    /// assert_eq!(l.recv()?.nsid(), Some(3));
    /// # Ok::<(), nlwire::sock::Error>(())
    /// ```
    pub fn inject_from_nsid(&mut self, nsid: i32, bytes: Vec<u8>) {
        self.enqueue(0, Some(nsid), bytes);
    }

    /// Makes the next receive fail with `ENOBUFS`, as after a receive-queue overrun.
    ///
    /// ```
    /// let mut p = nlwire::sock::FakePeer::new(|_, _| {});
    /// p.inject_overrun();
    /// let mut l = nlwire::sock::Listener::new(p.into_socket());
    /// assert!(matches!(l.recv(), Err(nlwire::sock::Error::LostEvents)));
    /// ```
    pub fn inject_overrun(&mut self) {
        self.overrun = true;
    }

    fn enqueue(&mut self, sender: u32, nsid: Option<i32>, bytes: Vec<u8>) {
        if self.queued_bytes > self.rcvbuf {
            self.overrun = true;
            return;
        }
        self.queued_bytes += bytes.len();
        self.queue.push_back(Queued {
            sender,
            nsid,
            bytes,
        });
    }
}

impl core::fmt::Debug for FakePeer {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("FakePeer")
            .field("port", &self.port)
            .field("queued", &self.queue.len())
            .field("sent", &self.sent.len())
            .finish()
    }
}

impl Transport for FakePeer {
    fn port_id(&self) -> u32 {
        self.port
    }

    fn send(&mut self, iov: &[IoSlice<'_>]) -> io::Result<usize> {
        let datagram: Vec<u8> = iov.iter().flat_map(|s| s.iter().copied()).collect();
        let mut out = Replies {
            port: self.port,
            request: NlMsgHdr::new(0, 0, 0, 0, 0),
            datagrams: Vec::new(),
            overrun: false,
        };
        for m in Messages::new(&datagram) {
            let Ok(m) = m else { break };
            out.request = *m.header();
            (self.handler)(m, &mut out);
        }
        let Replies {
            datagrams, overrun, ..
        } = out;
        for (sender, bytes) in datagrams {
            self.enqueue(sender, None, bytes);
        }
        if overrun {
            self.overrun = true;
        }
        let len = datagram.len();
        self.sent.push(datagram);
        Ok(len)
    }

    fn recv(&mut self, iov: &mut [IoSliceMut<'_>], wait: bool) -> io::Result<Received> {
        if std::mem::take(&mut self.overrun) {
            return Err(io::Error::from_raw_os_error(libc::ENOBUFS));
        }
        let Some(q) = self.queue.pop_front() else {
            return Err(if wait {
                io::Error::new(
                    io::ErrorKind::TimedOut,
                    "fake peer: nothing queued, a kernel socket would block forever",
                )
            } else {
                io::Error::from_raw_os_error(libc::EAGAIN)
            });
        };
        self.queued_bytes -= q.bytes.len();
        let mut rest = &q.bytes[..];
        for s in iov.iter_mut() {
            let n = rest.len().min(s.len());
            s[..n].copy_from_slice(&rest[..n]);
            rest = &rest[n..];
        }
        Ok(Received {
            len: q.bytes.len(),
            truncated: !rest.is_empty(),
            sender: Some(q.sender),
            nsid: q.nsid,
        })
    }

    fn rcvbuf(&self) -> usize {
        self.rcvbuf
    }

    fn set_membership(&mut self, group: u32, join: bool) -> io::Result<()> {
        if join {
            if !self.groups.contains(&group) {
                self.groups.push(group);
            }
        } else {
            self.groups.retain(|g| *g != group);
        }
        Ok(())
    }
}

/// What a [`FakePeer`] handler answers with. Builders (`*_msg`) make one message
/// addressed to the current request (its sequence number, our port id); `send` queues
/// messages as one datagram; the shortcuts build and send in one go.
///
/// ```
/// use nlwire::sock::FakePeer;
/// let peer = FakePeer::new(|req, out| {
///     // Data and ACK in one datagram, then a stale reply with another seq.
///     let data = out.msg(req.ty(), 0, b"ok\0\0");
///     let ack = out.ack_msg();
///     out.send(vec![data, ack]);
///     let stale = out.msg_with_seq(req.seq().wrapping_add(100), req.ty(), 0, &[]);
///     out.send(vec![stale]);
/// });
/// # drop(peer);
/// ```
pub struct Replies {
    port: u32,
    request: NlMsgHdr,
    datagrams: Vec<(u32, Vec<u8>)>,
    overrun: bool,
}

impl Replies {
    /// The header of the request being answered.
    ///
    /// ```
    /// nlwire::sock::FakePeer::new(|req, out| {
    ///     assert_eq!(out.request().seq(), req.seq());
    /// });
    /// ```
    pub fn request(&self) -> &NlMsgHdr {
        &self.request
    }

    /// The socket's port id.
    ///
    /// ```
    /// nlwire::sock::FakePeer::new(|req, out| {
    ///     assert_eq!(out.port(), req.pid());
    /// });
    /// ```
    pub fn port(&self) -> u32 {
        self.port
    }

    /// A message of type `ty` with `flags` and `payload` (padded), addressed to the request.
    ///
    /// ```
    /// nlwire::sock::FakePeer::new(|req, out| {
    ///     let m = out.msg(req.ty(), 0, b"hi\0");
    ///     assert_eq!(m.len(), 20); // header + padded payload
    ///     out.send(vec![m]);
    /// });
    /// ```
    pub fn msg(&self, ty: u16, flags: u16, payload: &[u8]) -> Vec<u8> {
        self.msg_with_seq(self.request.seq(), ty, flags, payload)
    }

    /// A message with an arbitrary sequence number.
    ///
    /// ```
    /// nlwire::sock::FakePeer::new(|req, out| {
    ///     // A reply the socket must ignore: wrong sequence number.
    ///     let stale = out.msg_with_seq(req.seq() + 7, req.ty(), 0, &[]);
    ///     out.send(vec![stale]);
    /// });
    /// ```
    pub fn msg_with_seq(&self, seq: u32, ty: u16, flags: u16, payload: &[u8]) -> Vec<u8> {
        let mut b = MsgBuf::new();
        let m = b.start_msg(ty, flags);
        b.put(payload);
        // The length always fits: payloads here are test data.
        let _ = b.end_msg(m);
        let mut v = b.to_vec();
        crate::attr_put::set_seq_pid(&mut v, seq, self.port);
        v
    }

    /// An ACK (`NLMSG_ERROR`, code 0, request header echoed as with `NETLINK_CAP_ACK`).
    ///
    /// ```
    /// nlwire::sock::FakePeer::new(|req, out| {
    ///     let ack = out.ack_msg();
    ///     assert_eq!(ack.len(), 16 + 4 + 16);
    ///     out.send(vec![ack]);
    /// });
    /// ```
    pub fn ack_msg(&self) -> Vec<u8> {
        self.error_msg(0, None, None)
    }

    /// An `NLMSG_ERROR` with `-errno`, and extended-ack TLVs when `text` or `offset` is
    /// given.
    ///
    /// ```
    /// nlwire::sock::FakePeer::new(|req, out| {
    ///     let e = out.error_msg(libc::EINVAL, Some("bad value"), Some(20));
    ///     out.send(vec![e]);
    /// });
    /// ```
    pub fn error_msg(&self, errno: i32, text: Option<&str>, offset: Option<u32>) -> Vec<u8> {
        let mut body = MsgBuf::new();
        body.put(&(-errno).to_ne_bytes());
        body.put(self.request.as_bytes());
        if let Some(t) = text {
            let _ = body.put_attr_str(NLMSGERR_ATTR_MSG, t);
        }
        if let Some(o) = offset {
            let _ = body.put_attr_u32(NLMSGERR_ATTR_OFFS, o);
        }
        let tlvs = if text.is_some() || offset.is_some() {
            NLM_F_ACK_TLVS
        } else {
            0
        };
        self.msg(NLMSG_ERROR, NLM_F_CAPPED | tlvs, body.as_slice())
    }

    /// An `NLMSG_ERROR` saying attribute `ty` is missing, inside the nest at `nest_offset`
    /// (top level when `None`).
    ///
    /// ```
    /// nlwire::sock::FakePeer::new(|req, out| {
    ///     // Attribute 3 is missing at the top level.
    ///     let e = out.missing_attr_msg(libc::EINVAL, 3, None);
    ///     out.send(vec![e]);
    /// });
    /// ```
    pub fn missing_attr_msg(&self, errno: i32, ty: u32, nest_offset: Option<u32>) -> Vec<u8> {
        let mut body = MsgBuf::new();
        body.put(&(-errno).to_ne_bytes());
        body.put(self.request.as_bytes());
        let _ = body.put_attr_u32(NLMSGERR_ATTR_MISS_TYPE, ty);
        if let Some(o) = nest_offset {
            let _ = body.put_attr_u32(NLMSGERR_ATTR_MISS_NEST, o);
        }
        self.msg(NLMSG_ERROR, NLM_F_CAPPED | NLM_F_ACK_TLVS, body.as_slice())
    }

    /// An `NLMSG_ERROR` with `-errno` (0 for an ACK) followed by the extended-ack
    /// attributes `tlvs` as given (`NLM_F_ACK_TLVS` is set when there are any): for
    /// replies the other helpers cannot express, such as `NLMSGERR_ATTR_POLICY`.
    ///
    /// ```
    /// use nlwire::consts::NLMSGERR_ATTR_MSG;
    /// nlwire::sock::FakePeer::new(|req, out| {
    ///     let mut tlvs = nlwire::MsgBuf::new();
    ///     tlvs.put_attr_str(NLMSGERR_ATTR_MSG, "deprecated attribute").unwrap();
    ///     let warning = out.error_msg_tlvs(0, tlvs.as_slice());
    ///     out.send(vec![warning]);
    /// });
    /// ```
    pub fn error_msg_tlvs(&self, errno: i32, tlvs: &[u8]) -> Vec<u8> {
        let mut body = MsgBuf::new();
        body.put(&(-errno).to_ne_bytes());
        body.put(self.request.as_bytes());
        body.put(tlvs);
        let flags = if tlvs.is_empty() { 0 } else { NLM_F_ACK_TLVS };
        self.msg(NLMSG_ERROR, NLM_F_CAPPED | flags, body.as_slice())
    }

    /// An `NLMSG_DONE` with error code `-errno` followed by the extended-ack attributes
    /// `tlvs` (`NLM_F_MULTI`, and `NLM_F_ACK_TLVS` when there are any): how a dump ends
    /// with a warning or with an explained error.
    ///
    /// ```
    /// use nlwire::consts::NLMSGERR_ATTR_MSG;
    /// nlwire::sock::FakePeer::new(|req, out| {
    ///     let mut tlvs = nlwire::MsgBuf::new();
    ///     tlvs.put_attr_str(NLMSGERR_ATTR_MSG, "filter ignored").unwrap();
    ///     let done = out.done_msg_tlvs(0, tlvs.as_slice());
    ///     out.send(vec![done]);
    /// });
    /// ```
    pub fn done_msg_tlvs(&self, errno: i32, tlvs: &[u8]) -> Vec<u8> {
        let mut body = MsgBuf::new();
        body.put(&(-errno).to_ne_bytes());
        body.put(tlvs);
        let flags = if tlvs.is_empty() { 0 } else { NLM_F_ACK_TLVS };
        self.msg(NLMSG_DONE, NLM_F_MULTI | flags, body.as_slice())
    }

    /// An `NLMSG_DONE` with error code `-errno` and `flags` (`NLM_F_MULTI` is added).
    ///
    /// ```
    /// nlwire::sock::FakePeer::new(|req, out| {
    ///     let part = out.msg(req.ty(), nlwire::consts::NLM_F_MULTI, b"x\0\0\0");
    ///     let done = out.done_msg(0, 0);
    ///     out.send(vec![part, done]); // NLMSG_DONE in the same datagram, as kernels >= 6.9 do
    /// });
    /// ```
    pub fn done_msg(&self, errno: i32, flags: u16) -> Vec<u8> {
        self.msg(NLMSG_DONE, flags | NLM_F_MULTI, &(-errno).to_ne_bytes())
    }

    /// Queues `msgs` as one datagram from the kernel.
    ///
    /// ```
    /// nlwire::sock::FakePeer::new(|req, out| {
    ///     let (a, b) = (out.msg(req.ty(), 0, b"one\0"), out.ack_msg());
    ///     out.send(vec![a, b]);
    /// });
    /// ```
    pub fn send(&mut self, msgs: Vec<Vec<u8>>) {
        self.send_from(0, msgs);
    }

    /// Queues `msgs` as one datagram from port `sender` (not the kernel: a forgery).
    ///
    /// ```
    /// nlwire::sock::FakePeer::new(|req, out| {
    ///     let forged = out.ack_msg();
    ///     out.send_from(4321, vec![forged]); // dropped and counted by the socket
    ///     out.error(libc::EPERM);
    /// });
    /// ```
    pub fn send_from(&mut self, sender: u32, msgs: Vec<Vec<u8>>) {
        self.datagrams.push((sender, msgs.concat()));
    }

    /// Makes the socket's next receive fail with `ENOBUFS` (queued datagrams stay).
    ///
    /// ```
    /// nlwire::sock::FakePeer::new(|req, out| {
    ///     out.overrun(); // the reply "was dropped": the socket resends the request
    ///     out.ack();
    /// });
    /// ```
    pub fn overrun(&mut self) {
        self.overrun = true;
    }

    /// Sends an ACK.
    ///
    /// ```
    /// nlwire::sock::FakePeer::new(|req, out| {
    ///     out.ack();
    /// });
    /// ```
    pub fn ack(&mut self) {
        let m = self.ack_msg();
        self.send(vec![m]);
    }

    /// Sends an error.
    ///
    /// ```
    /// nlwire::sock::FakePeer::new(|req, out| {
    ///     out.error(libc::ENODEV);
    /// });
    /// ```
    pub fn error(&mut self, errno: i32) {
        let m = self.error_msg(errno, None, None);
        self.send(vec![m]);
    }

    /// Sends an error with an extended-ack message and offending-attribute offset.
    ///
    /// ```
    /// nlwire::sock::FakePeer::new(|req, out| {
    ///     out.error_ext(libc::EINVAL, "unknown key", Some(24));
    /// });
    /// ```
    pub fn error_ext(&mut self, errno: i32, text: &str, offset: Option<u32>) {
        let m = self.error_msg(errno, Some(text), offset);
        self.send(vec![m]);
    }

    /// Sends one data message.
    ///
    /// ```
    /// nlwire::sock::FakePeer::new(|req, out| {
    ///     out.data(req.ty(), 0, b"payload\0");
    /// });
    /// ```
    pub fn data(&mut self, ty: u16, flags: u16, payload: &[u8]) {
        let m = self.msg(ty, flags, payload);
        self.send(vec![m]);
    }

    /// Sends a dump: one `NLM_F_MULTI` message of type `ty` per payload, `per_datagram`
    /// to a datagram, `NLMSG_DONE` in the last one.
    ///
    /// ```
    /// nlwire::sock::FakePeer::new(|req, out| {
    ///     out.dump(req.ty(), &[b"a\0\0\0", b"b\0\0\0", b"c\0\0\0"], 2);
    /// });
    /// ```
    pub fn dump(&mut self, ty: u16, payloads: &[&[u8]], per_datagram: usize) {
        self.dump_with(ty, payloads, per_datagram, false);
    }

    /// Sends a dump whose messages after the first carry `NLM_F_DUMP_INTR` when
    /// `interrupted` (as the kernel flags a dump whose data changed), `NLMSG_DONE` too.
    ///
    /// ```
    /// nlwire::sock::FakePeer::new(|req, out| {
    ///     out.dump_with(req.ty(), &[b"a\0\0\0", b"b\0\0\0"], 1, true);
    /// });
    /// ```
    pub fn dump_with(
        &mut self,
        ty: u16,
        payloads: &[&[u8]],
        per_datagram: usize,
        interrupted: bool,
    ) {
        let intr = |i: usize| {
            if interrupted && i > 0 {
                NLM_F_DUMP_INTR
            } else {
                0
            }
        };
        let mut msgs: Vec<Vec<u8>> = payloads
            .iter()
            .enumerate()
            .map(|(i, p)| self.msg(ty, NLM_F_MULTI | intr(i), p))
            .collect();
        msgs.push(self.done_msg(0, if interrupted { NLM_F_DUMP_INTR } else { 0 }));
        let per = per_datagram.max(1);
        let mut it = msgs.into_iter().peekable();
        while it.peek().is_some() {
            let chunk: Vec<Vec<u8>> = it.by_ref().take(per).collect();
            self.send(chunk);
        }
    }

    /// Sends `NLMSG_DONE` (an empty, successful dump).
    ///
    /// ```
    /// nlwire::sock::FakePeer::new(|req, out| {
    ///     out.done();
    /// });
    /// ```
    pub fn done(&mut self) {
        let m = self.done_msg(0, 0);
        self.send(vec![m]);
    }
}

impl core::fmt::Debug for Replies {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Replies")
            .field("request", &self.request)
            .field("datagrams", &self.datagrams.len())
            .finish()
    }
}
