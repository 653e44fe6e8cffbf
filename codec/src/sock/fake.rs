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
    pub const DEFAULT_PORT: u32 = 0x1000;

    /// A peer that answers each request message with `handler`.
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
    pub fn into_socket(self) -> Socket<FakePeer> {
        Socket::with_transport(self)
    }

    /// Every datagram the socket sent, in order.
    pub fn sent(&self) -> &[Vec<u8>] {
        &self.sent
    }

    /// The multicast groups joined.
    pub fn groups(&self) -> &[u32] {
        &self.groups
    }

    /// Datagrams waiting to be received.
    pub fn queued(&self) -> usize {
        self.queue.len()
    }

    /// Queues a datagram from port `sender` (0 is the kernel): a notification, a stale
    /// reply, or a forgery from another process.
    pub fn inject(&mut self, sender: u32, bytes: Vec<u8>) {
        self.enqueue(sender, None, bytes);
    }

    /// Queues a datagram from the kernel that came from network namespace `nsid`.
    pub fn inject_from_nsid(&mut self, nsid: i32, bytes: Vec<u8>) {
        self.enqueue(0, Some(nsid), bytes);
    }

    /// Makes the next receive fail with `ENOBUFS`, as after a receive-queue overrun.
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
    pub fn request(&self) -> &NlMsgHdr {
        &self.request
    }

    /// The socket's port id.
    pub fn port(&self) -> u32 {
        self.port
    }

    /// A message of type `ty` with `flags` and `payload` (padded), addressed to the request.
    pub fn msg(&self, ty: u16, flags: u16, payload: &[u8]) -> Vec<u8> {
        self.msg_with_seq(self.request.seq(), ty, flags, payload)
    }

    /// A message with an arbitrary sequence number.
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
    pub fn ack_msg(&self) -> Vec<u8> {
        self.error_msg(0, None, None)
    }

    /// An `NLMSG_ERROR` with `-errno`, and extended-ack TLVs when `text` or `offset` is
    /// given.
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

    /// An `NLMSG_DONE` with error code `-errno` and `flags` (`NLM_F_MULTI` is added).
    pub fn done_msg(&self, errno: i32, flags: u16) -> Vec<u8> {
        self.msg(NLMSG_DONE, flags | NLM_F_MULTI, &(-errno).to_ne_bytes())
    }

    /// Queues `msgs` as one datagram from the kernel.
    pub fn send(&mut self, msgs: Vec<Vec<u8>>) {
        self.send_from(0, msgs);
    }

    /// Queues `msgs` as one datagram from port `sender` (not the kernel: a forgery).
    pub fn send_from(&mut self, sender: u32, msgs: Vec<Vec<u8>>) {
        self.datagrams.push((sender, msgs.concat()));
    }

    /// Makes the socket's next receive fail with `ENOBUFS` (queued datagrams stay).
    pub fn overrun(&mut self) {
        self.overrun = true;
    }

    /// Sends an ACK.
    pub fn ack(&mut self) {
        let m = self.ack_msg();
        self.send(vec![m]);
    }

    /// Sends an error.
    pub fn error(&mut self, errno: i32) {
        let m = self.error_msg(errno, None, None);
        self.send(vec![m]);
    }

    /// Sends an error with an extended-ack message and offending-attribute offset.
    pub fn error_ext(&mut self, errno: i32, text: &str, offset: Option<u32>) {
        let m = self.error_msg(errno, Some(text), offset);
        self.send(vec![m]);
    }

    /// Sends one data message.
    pub fn data(&mut self, ty: u16, flags: u16, payload: &[u8]) {
        let m = self.msg(ty, flags, payload);
        self.send(vec![m]);
    }

    /// Sends a dump: one `NLM_F_MULTI` message of type `ty` per payload, `per_datagram`
    /// to a datagram, `NLMSG_DONE` in the last one.
    pub fn dump(&mut self, ty: u16, payloads: &[&[u8]], per_datagram: usize) {
        self.dump_with(ty, payloads, per_datagram, false);
    }

    /// Sends a dump whose messages after the first carry `NLM_F_DUMP_INTR` when
    /// `interrupted` (as the kernel flags a dump whose data changed), `NLMSG_DONE` too.
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
