//! Transactions: one request, its reply, batched sends with per-request results.
//!
//! # How a batch is resolved
//!
//! [`Socket::transact_multiple`] sends the requests of a batch in **one** `sendmsg`, one
//! iovec per request, with consecutive sequence numbers. The kernel handles every message
//! of a datagram synchronously inside `sendmsg`, in order, so when `sendmsg` returns all
//! its replies are queued (OVS relies on the same fact). The engine then receives without
//! blocking until the queue is empty (`EAGAIN`) or every request is settled, matching
//! replies to requests by sequence number; anything else (stale replies on a reused
//! socket, forged sequence numbers) is ignored and counted.
//!
//! A request is settled by:
//! - `NLMSG_ERROR` with code 0 (an ACK) → success ([`ReplyKind::Ack`], or
//!   [`ReplyKind::Data`] when data came first);
//! - `NLMSG_ERROR` with a negative code → [`Error::Kernel`] carrying the errno, the
//!   extended-ack message and the offending attribute's path (resolved in the request
//!   with the [`Policy`] attached by [`Transaction::set_policy`]);
//! - a data message → [`ReplyKind::Data`] at once when the request did not ask for an
//!   ACK; with `NLM_F_ACK` the engine waits for the ACK; with `NLM_F_MULTI` for
//!   `NLMSG_DONE` (whose error code, if any, becomes the result).
//!
//! **No reply.** When the queue runs dry, a request that got nothing is a success
//! ([`ReplyKind::NoReply`]) **only if it asked for no reply** (neither `NLM_F_ACK` nor
//! `NLM_F_ECHO`): the kernel answers such a request only when it fails, and it would have
//! answered already. A request that asked for a reply and got none fails with
//! [`Error::MissingReply`] rather than being called a success. This differs from OVS,
//! which marks *every* unanswered request before an answered one as successful: that is
//! sound for the kernel only while no reply was dropped, and it turns a lost ACK (a
//! socket with `NETLINK_NO_ENOBUFS`, a family that ignores `NLM_F_ECHO`, a peer that
//! misbehaves) into a false success. The rule needs no ordering assumption, so replies
//! that arrive out of order (possible with a [`FakePeer`](super::FakePeer) or a user-space
//! peer) still match. A data reply whose requested ACK never comes counts as success with
//! the data (the data shows the request was carried out).
//!
//! **ENOBUFS.** When the receive queue overflowed, the kernel dropped replies; it says so
//! with `ENOBUFS` before the replies still queued. Replies are queued in order and, the
//! queue being full, every reply after the first dropped one is dropped too. So the engine
//! drains the queue, settles each request up to the last one that got a message (a
//! request before it that asked for nothing and got nothing succeeded; one whose data
//! came but whose ACK was dropped succeeded with its data), and **sends the rest again**
//! with fresh sequence numbers, so that late replies to the first attempt are ignored.
//! Like OVS this re-executes those requests: make them idempotent, or expect `EEXIST`
//! and the like on a resend. Unlike OVS, the next batches are cut to the number of
//! requests that were settled (what the buffer held) and doubled after each round without
//! overrun, so a small buffer does not make a long batch execute again and again. Each round settles at least one request when the queue
//! starts empty; [`Error::Overrun`] ends the batch if rounds stop making progress.
//!
//! **Batch size** (as OVS): at most `max(rcvbuf / 4096, 1)` requests, at most 128
//! iovecs, and at most one page minus 512 bytes of requests (one request always goes);
//! [`Socket::set_max_batch`] overrides it.

use std::io::IoSlice;

use super::buf::RecvBuf;
use super::error::{Error, KernelError};
use super::socket::{RecvErr, Socket};
use super::transport::Transport;
use crate::MsgBuf;
use crate::attr_put::set_seq_pid;
use crate::consts::{
    NLM_F_ACK, NLM_F_ECHO, NLM_F_MULTI, NLM_F_REQUEST, NLMSG_HDRLEN, NLMSG_MIN_TYPE, align,
};
use crate::msg::{Messages, Msg, MsgKind};
use crate::policy::Policy;

/// The kernel's limit on iovecs per `sendmsg` (`UIO_MAXIOV`).
pub(crate) const UIO_MAXIOV: usize = 1024;
/// OVS clamps the iovec count to 16..=128.
const DEFAULT_MAX_IOVS: usize = 128;
/// Reply buffer a transaction starts with unless told otherwise.
///
/// ```
/// assert_eq!(nlwire::sock::Transaction::new().reply_capacity(), 0); // reserved when first sent
/// ```
pub const DEFAULT_REPLY_CAPACITY: usize = 1024;
/// Resend rounds without progress before [`Error::Overrun`].
const MAX_STALLED_ROUNDS: u32 = 8;

/// What a successful request got back.
///
/// ```
/// use nlwire::consts::*;
/// use nlwire::sock::{FakePeer, ReplyKind, Transaction};
/// let mut sock = FakePeer::new(|req, out| {
///     let d = out.msg(req.ty(), 0, b"data");
///     let a = out.ack_msg();
///     out.send(vec![d, a]);
/// })
/// .into_socket();
/// let mut t = Transaction::new();
/// let m = t.request_mut().start_msg(0x20, NLM_F_ACK);
/// t.request_mut().end_msg(m)?;
/// assert_eq!(sock.transact(&mut t).unwrap().kind(), ReplyKind::Data);
/// # Ok::<(), nlwire::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplyKind {
    /// Nothing: the request asked for no reply and the kernel sent none, which means
    /// success.
    NoReply,
    /// An acknowledgement (`NLMSG_ERROR` with code 0) and no data.
    Ack,
    /// One or more data messages (and an ACK if one was asked for).
    Data,
}

#[derive(Clone, Debug)]
enum State {
    /// Not sent (yet, or again after an overrun).
    Idle,
    /// Sent; nothing received.
    Pending,
    /// Data received; waiting for the ACK the request asked for.
    AwaitAck,
    /// Multi-part data received; waiting for `NLMSG_DONE`.
    AwaitDone { interrupted: bool, messages: usize },
    /// Settled.
    Done(Result<ReplyKind, Error>),
}

/// One request and, once run, its result and reply. Build the request in
/// [`request_mut`](Self::request_mut), run it with [`Socket::transact`] or
/// [`Socket::transact_multiple`], read [`result`](Self::result). Reuse it with
/// [`clear`](Self::clear): its request and reply buffers keep their storage, so a warm
/// batch of transactions allocates nothing.
///
/// The reply is received into a buffer the transaction owns, and [`Reply`] views it in
/// place. Within a batch, reply buffers may be swapped between transactions (as OVS does)
/// so that a datagram is received directly where it belongs; each transaction always
/// owns exactly one.
///
/// ```
/// use nlwire::consts::*;
/// use nlwire::sock::{FakePeer, ReplyKind, Transaction};
///
/// let mut sock = FakePeer::new(|_req, out| out.ack()).into_socket();
/// let mut txn = Transaction::new();
/// let b = txn.request_mut();
/// let m = b.start_genl_msg(0x20, NLM_F_REQUEST | NLM_F_ACK, 1, 1);
/// b.end_msg(m)?;
/// assert_eq!(sock.transact(&mut txn)?.kind(), ReplyKind::Ack);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Transaction {
    request: MsgBuf<'static>,
    reply: RecvBuf,
    reply_capacity: usize,
    policy: Option<&'static Policy>,
    attrs_at: Option<usize>,
    seq: u32,
    state: State,
}

impl Default for Transaction {
    fn default() -> Self {
        Self::new()
    }
}

impl Transaction {
    /// An empty transaction.
    ///
    /// ```
    /// let t = nlwire::sock::Transaction::new();
    /// assert!(t.request().is_empty());
    /// ```
    pub fn new() -> Self {
        Transaction {
            request: MsgBuf::new(),
            reply: RecvBuf::new(),
            reply_capacity: DEFAULT_REPLY_CAPACITY,
            policy: None,
            attrs_at: None,
            seq: 0,
            state: State::Idle,
        }
    }

    /// A transaction for a request already built.
    ///
    /// ```
    /// let mut b = nlwire::MsgBuf::new();
    /// let m = b.start_msg(0x12, nlwire::consts::NLM_F_REQUEST);
    /// b.end_msg(m).unwrap();
    /// let t = nlwire::sock::Transaction::with_request(b);
    /// assert_eq!(t.request().len(), 16);
    /// ```
    pub fn with_request(request: MsgBuf<'static>) -> Self {
        Transaction {
            request,
            ..Self::new()
        }
    }

    /// The request buffer, to build the message into (one message: start it with
    /// [`MsgBuf::start_msg`] or [`MsgBuf::start_genl_msg`], close it with
    /// [`MsgBuf::end_msg`]). The transport fills in `nlmsg_seq`, `nlmsg_pid` and
    /// `NLM_F_REQUEST`.
    ///
    /// ```
    /// let mut t = nlwire::sock::Transaction::new();
    /// let b = t.request_mut();
    /// let m = b.start_genl_msg(0x10, nlwire::consts::NLM_F_ACK, 3, 1);
    /// b.put_attr_str(2, "nlctrl")?;
    /// b.end_msg(m)?;
    /// # Ok::<(), nlwire::Error>(())
    /// ```
    pub fn request_mut(&mut self) -> &mut MsgBuf<'static> {
        &mut self.request
    }

    /// The request bytes (with the header as last sent).
    ///
    /// ```
    /// use nlwire::consts::*;
    /// use nlwire::sock::{FakePeer, ReplyKind, Transaction};
    /// let mut sock = FakePeer::new(|req, out| {
    ///     let d = out.msg(req.ty(), 0, b"data");
    ///     let a = out.ack_msg();
    ///     out.send(vec![d, a]);
    /// })
    /// .into_socket();
    /// let mut t = Transaction::new();
    /// let m = t.request_mut().start_msg(0x20, NLM_F_ACK);
    /// t.request_mut().end_msg(m)?;
    /// sock.transact(&mut t).unwrap();
    /// assert_eq!(&t.request()[8..12], &1u32.to_ne_bytes()); // seq filled in
    /// # Ok::<(), nlwire::Error>(())
    /// ```
    pub fn request(&self) -> &[u8] {
        self.request.as_slice()
    }

    /// Attaches the policy of the request's top-level attributes, which start `attrs_at`
    /// bytes into the message (20 for generic netlink without a family header, 16 plus the
    /// fixed header for rtnetlink): a kernel error's offending attribute is then reported
    /// by name.
    ///
    /// ```
    /// use nlwire::{AttrKind, AttrPolicy, Policy};
    /// static P: Policy = Policy::new("ctrl", &[AttrPolicy::new("family-name", 2, AttrKind::String)]);
    /// let mut t = nlwire::sock::Transaction::new();
    /// t.set_policy(&P, 20);
    /// ```
    pub fn set_policy(&mut self, policy: &'static Policy, attrs_at: usize) -> &mut Self {
        self.policy = Some(policy);
        self.attrs_at = Some(attrs_at);
        self
    }

    /// Says where the request's attributes start, without a policy: a kernel error's
    /// offending attribute is then reported by type numbers.
    ///
    /// ```
    /// let mut t = nlwire::sock::Transaction::new();
    /// t.set_attrs_at(16 + 16);
    /// ```
    pub fn set_attrs_at(&mut self, attrs_at: usize) -> &mut Self {
        self.attrs_at = Some(attrs_at);
        self
    }

    /// Sets the reply buffer's initial capacity (default 1 KiB). A larger reply still
    /// arrives whole, through the overflow area, and the buffer keeps the larger size.
    ///
    /// ```
    /// let mut t = nlwire::sock::Transaction::new();
    /// t.set_reply_capacity(64);
    /// ```
    pub fn set_reply_capacity(&mut self, bytes: usize) -> &mut Self {
        self.reply_capacity = bytes;
        self.reply = RecvBuf::with_capacity(bytes);
        self
    }

    /// The capacity of the reply buffer now held.
    ///
    /// ```
    /// let mut t = nlwire::sock::Transaction::new();
    /// t.set_reply_capacity(64);
    /// assert_eq!(t.reply_capacity(), 64);
    /// ```
    pub fn reply_capacity(&self) -> usize {
        self.reply.capacity()
    }

    /// Empties the request and the reply and forgets the result, keeping the buffers'
    /// storage and the attached policy.
    ///
    /// ```
    /// let mut t = nlwire::sock::Transaction::new();
    /// t.request_mut().put(&[0; 16]);
    /// t.clear();
    /// assert!(t.request().is_empty());
    /// ```
    pub fn clear(&mut self) {
        self.request.clear();
        self.reply.clear();
        self.state = State::Idle;
    }

    /// The sequence number the request was last sent with (0 before it is sent).
    ///
    /// ```
    /// use nlwire::consts::*;
    /// use nlwire::sock::{FakePeer, ReplyKind, Transaction};
    /// let mut sock = FakePeer::new(|req, out| {
    ///     let d = out.msg(req.ty(), 0, b"data");
    ///     let a = out.ack_msg();
    ///     out.send(vec![d, a]);
    /// })
    /// .into_socket();
    /// let mut t = Transaction::new();
    /// let m = t.request_mut().start_msg(0x20, NLM_F_ACK);
    /// t.request_mut().end_msg(m)?;
    /// sock.transact(&mut t).unwrap();
    /// assert_eq!(t.seq(), 1);
    /// # Ok::<(), nlwire::Error>(())
    /// ```
    pub fn seq(&self) -> u32 {
        self.seq
    }

    /// True once the transaction has a result.
    ///
    /// ```
    /// use nlwire::consts::*;
    /// use nlwire::sock::{FakePeer, ReplyKind, Transaction};
    /// let mut sock = FakePeer::new(|req, out| {
    ///     let d = out.msg(req.ty(), 0, b"data");
    ///     let a = out.ack_msg();
    ///     out.send(vec![d, a]);
    /// })
    /// .into_socket();
    /// let mut t = Transaction::new();
    /// let m = t.request_mut().start_msg(0x20, NLM_F_ACK);
    /// t.request_mut().end_msg(m)?;
    /// assert!(!t.is_done());
    /// sock.transact(&mut t).unwrap();
    /// assert!(t.is_done());
    /// # Ok::<(), nlwire::Error>(())
    /// ```
    pub fn is_done(&self) -> bool {
        matches!(self.state, State::Done(_))
    }

    /// The result: the reply, viewed in place, or the error.
    ///
    /// ```
    /// let t = nlwire::sock::Transaction::new();
    /// assert!(t.result().is_err()); // not run yet
    /// ```
    pub fn result(&self) -> Result<Reply<'_>, Error> {
        match &self.state {
            State::Done(Ok(kind)) => Ok(Reply {
                bytes: self.reply.as_slice(),
                seq: self.seq,
                kind: *kind,
            }),
            State::Done(Err(e)) => Err(e.clone()),
            _ => Err(Error::BadRequest {
                reason: "the transaction has not been run",
            }),
        }
    }

    /// The error, if the transaction failed.
    ///
    /// ```
    /// let mut sock = nlwire::sock::FakePeer::new(|_, out| out.error(libc::EBUSY)).into_socket();
    /// let mut t = nlwire::sock::Transaction::new();
    /// let m = t.request_mut().start_msg(0x20, 0);
    /// t.request_mut().end_msg(m)?;
    /// let _ = sock.transact(&mut t);
    /// assert_eq!(t.error().unwrap().errno(), Some(libc::EBUSY));
    /// # Ok::<(), nlwire::Error>(())
    /// ```
    pub fn error(&self) -> Option<&Error> {
        match &self.state {
            State::Done(Err(e)) => Some(e),
            _ => None,
        }
    }

    fn flags(&self) -> u16 {
        request_flags(&self.request)
    }

    /// Settles the transaction with `e` without running it.
    pub(crate) fn fail(&mut self, e: Error) {
        self.state = State::Done(Err(e));
    }

    fn owes_reply(&self) -> bool {
        self.flags() & (NLM_F_ACK | NLM_F_ECHO) != 0
    }

    fn check(&self) -> Result<(), Error> {
        let len = self.request.len();
        if len < NLMSG_HDRLEN {
            return Err(Error::BadRequest {
                reason: "the request is shorter than a netlink header",
            });
        }
        if u32::try_from(len).is_err() {
            return Err(Error::BadRequest {
                reason: "the request is longer than 4 GiB",
            });
        }
        let b = self.request.as_slice();
        let hdr_len = u32::from_ne_bytes([b[0], b[1], b[2], b[3]]) as usize;
        if hdr_len != 0 && hdr_len != len {
            return Err(Error::BadRequest {
                reason: "the request buffer does not hold exactly one message \
                         (nlmsg_len differs from its length)",
            });
        }
        Ok(())
    }

    /// Writes length, flags, sequence number and port id into the header.
    fn prepare(&mut self, seq: u32, port: u32) {
        let len = self.request.len() as u32;
        let flags = self.flags() | NLM_F_REQUEST;
        let b = self.request.as_mut_slice();
        b[0..4].copy_from_slice(&len.to_ne_bytes());
        b[6..8].copy_from_slice(&flags.to_ne_bytes());
        set_seq_pid(b, seq, port);
        self.seq = seq;
        self.reply.clear();
        if self.reply.capacity() == 0 {
            self.reply.reserve_total(self.reply_capacity);
        }
        self.state = State::Pending;
    }

    fn in_flight(&self) -> bool {
        in_flight(&self.state)
    }

    /// Applies one message addressed to this request.
    fn apply(&mut self, msg: &Msg<'_>) {
        let Transaction {
            request,
            policy,
            attrs_at,
            state,
            ..
        } = self;
        apply(
            state,
            &Ctx {
                request,
                policy: *policy,
                attrs_at: *attrs_at,
            },
            msg,
        );
    }

    /// Settles the request once no more replies will come (`EAGAIN`).
    fn settle_at_end(&mut self) {
        self.state = match &self.state {
            State::Pending if self.owes_reply() => {
                State::Done(Err(Error::MissingReply { seq: self.seq }))
            }
            State::Pending => State::Done(Ok(ReplyKind::NoReply)),
            State::AwaitAck => State::Done(Ok(ReplyKind::Data)),
            State::AwaitDone { .. } => State::Done(Err(Error::Incomplete { seq: self.seq })),
            s => s.clone(),
        };
    }
}

impl core::fmt::Debug for Transaction {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Transaction")
            .field("request_len", &self.request.len())
            .field("seq", &self.seq)
            .field("state", &self.state)
            .field("reply", &self.reply)
            .finish()
    }
}

/// A successful request's reply: a view of the messages received for it, in the
/// transaction's own buffer.
///
/// ```
/// use nlwire::consts::*;
/// use nlwire::sock::{FakePeer, Transaction};
///
/// let mut sock = FakePeer::new(|req, out| {
///     out.data(req.ty(), 0, &[1, 0, 0, 0]);
/// })
/// .into_socket();
/// let mut t = Transaction::new();
/// let m = t.request_mut().start_msg(0x20, NLM_F_REQUEST);
/// t.request_mut().end_msg(m)?;
/// let reply = sock.transact(&mut t)?;
/// assert_eq!(reply.messages().count(), 1);
/// assert_eq!(reply.first().unwrap().payload(), &[1, 0, 0, 0]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Reply<'a> {
    bytes: &'a [u8],
    seq: u32,
    kind: ReplyKind,
}

impl<'a> Reply<'a> {
    /// What came back.
    ///
    /// ```
    /// use nlwire::consts::*;
    /// use nlwire::sock::{FakePeer, ReplyKind, Transaction};
    /// let mut sock = FakePeer::new(|req, out| {
    ///     let d = out.msg(req.ty(), 0, b"data");
    ///     let a = out.ack_msg();
    ///     out.send(vec![d, a]);
    /// })
    /// .into_socket();
    /// let mut t = Transaction::new();
    /// let m = t.request_mut().start_msg(0x20, NLM_F_ACK);
    /// t.request_mut().end_msg(m)?;
    /// assert_eq!(sock.transact(&mut t).unwrap().kind(), ReplyKind::Data);
    /// # Ok::<(), nlwire::Error>(())
    /// ```
    pub fn kind(&self) -> ReplyKind {
        self.kind
    }

    /// True for an acknowledgement without data.
    ///
    /// ```
    /// use nlwire::consts::*;
    /// use nlwire::sock::{FakePeer, ReplyKind, Transaction};
    /// let mut sock = FakePeer::new(|req, out| {
    ///     let d = out.msg(req.ty(), 0, b"data");
    ///     let a = out.ack_msg();
    ///     out.send(vec![d, a]);
    /// })
    /// .into_socket();
    /// let mut t = Transaction::new();
    /// let m = t.request_mut().start_msg(0x20, NLM_F_ACK);
    /// t.request_mut().end_msg(m)?;
    /// assert!(!sock.transact(&mut t).unwrap().is_ack()); // data came first
    /// # Ok::<(), nlwire::Error>(())
    /// ```
    pub fn is_ack(&self) -> bool {
        self.kind == ReplyKind::Ack
    }

    /// The data messages (not the ACK or `NLMSG_DONE`), in order.
    ///
    /// ```
    /// use nlwire::consts::*;
    /// use nlwire::sock::{FakePeer, ReplyKind, Transaction};
    /// let mut sock = FakePeer::new(|req, out| {
    ///     let d = out.msg(req.ty(), 0, b"data");
    ///     let a = out.ack_msg();
    ///     out.send(vec![d, a]);
    /// })
    /// .into_socket();
    /// let mut t = Transaction::new();
    /// let m = t.request_mut().start_msg(0x20, NLM_F_ACK);
    /// t.request_mut().end_msg(m)?;
    /// let r = sock.transact(&mut t).unwrap();
    /// assert_eq!(r.messages().map(|m| m.payload().len()).collect::<Vec<_>>(), [4]);
    /// # Ok::<(), nlwire::Error>(())
    /// ```
    pub fn messages(&self) -> ReplyMessages<'a> {
        ReplyMessages {
            inner: Messages::new(self.bytes),
            seq: self.seq,
        }
    }

    /// The first data message.
    ///
    /// ```
    /// use nlwire::consts::*;
    /// use nlwire::sock::{FakePeer, ReplyKind, Transaction};
    /// let mut sock = FakePeer::new(|req, out| {
    ///     let d = out.msg(req.ty(), 0, b"data");
    ///     let a = out.ack_msg();
    ///     out.send(vec![d, a]);
    /// })
    /// .into_socket();
    /// let mut t = Transaction::new();
    /// let m = t.request_mut().start_msg(0x20, NLM_F_ACK);
    /// t.request_mut().end_msg(m)?;
    /// assert_eq!(sock.transact(&mut t).unwrap().first().unwrap().payload(), b"data");
    /// # Ok::<(), nlwire::Error>(())
    /// ```
    pub fn first(&self) -> Option<Msg<'a>> {
        self.messages().next()
    }

    /// The warning the kernel attached to its ACK, or to the `NLMSG_DONE` ending a
    /// multi-part reply (an extended ack with error code 0), if any.
    ///
    /// ```
    /// use nlwire::consts::*;
    /// use nlwire::sock::{FakePeer, ReplyKind, Transaction};
    /// let mut sock = FakePeer::new(|req, out| {
    ///     let d = out.msg(req.ty(), 0, b"data");
    ///     let a = out.ack_msg();
    ///     out.send(vec![d, a]);
    /// })
    /// .into_socket();
    /// let mut t = Transaction::new();
    /// let m = t.request_mut().start_msg(0x20, NLM_F_ACK);
    /// t.request_mut().end_msg(m)?;
    /// assert_eq!(sock.transact(&mut t).unwrap().warning(), None);
    /// # Ok::<(), nlwire::Error>(())
    /// ```
    pub fn warning(&self) -> Option<&'a str> {
        Messages::new(self.bytes)
            .filter_map(Result::ok)
            .filter(|m| m.seq() == self.seq)
            .find_map(|m| match m.kind() {
                Ok(MsgKind::Error(e)) if e.errno == 0 => e.ext_ack.msg,
                Ok(MsgKind::Done(d)) if d.errno == 0 => d.ext_ack.msg,
                _ => None,
            })
    }

    /// Every datagram received for the request, as received.
    ///
    /// ```
    /// use nlwire::consts::*;
    /// use nlwire::sock::{FakePeer, ReplyKind, Transaction};
    /// let mut sock = FakePeer::new(|req, out| {
    ///     let d = out.msg(req.ty(), 0, b"data");
    ///     let a = out.ack_msg();
    ///     out.send(vec![d, a]);
    /// })
    /// .into_socket();
    /// let mut t = Transaction::new();
    /// let m = t.request_mut().start_msg(0x20, NLM_F_ACK);
    /// t.request_mut().end_msg(m)?;
    /// assert_eq!(sock.transact(&mut t).unwrap().bytes().len(), 20 + 36); // data, then the ACK
    /// # Ok::<(), nlwire::Error>(())
    /// ```
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }
}

/// The data messages of a [`Reply`].
///
/// ```
/// use nlwire::consts::*;
/// use nlwire::sock::{FakePeer, ReplyKind, Transaction};
/// let mut sock = FakePeer::new(|req, out| {
///     let d = out.msg(req.ty(), 0, b"data");
///     let a = out.ack_msg();
///     out.send(vec![d, a]);
/// })
/// .into_socket();
/// let mut t = Transaction::new();
/// let m = t.request_mut().start_msg(0x20, NLM_F_ACK);
/// t.request_mut().end_msg(m)?;
/// let r = sock.transact(&mut t).unwrap();
/// let mut msgs = r.messages();
/// assert!(msgs.next().is_some() && msgs.next().is_none());
/// # Ok::<(), nlwire::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct ReplyMessages<'a> {
    inner: Messages<'a>,
    seq: u32,
}

impl<'a> Iterator for ReplyMessages<'a> {
    type Item = Msg<'a>;

    fn next(&mut self) -> Option<Msg<'a>> {
        loop {
            let m = self.inner.next()?.ok()?;
            if m.seq() == self.seq && m.ty() >= NLMSG_MIN_TYPE {
                return Some(m);
            }
        }
    }
}

/// How a round ended short of settling every request.
enum RoundEnd {
    /// The first `usize` requests are settled; the rest must be sent again.
    Overrun(usize),
    /// The batch cannot go on.
    Fatal(Error),
}

impl<T: Transport> Socket<T> {
    /// Sends one request and returns its reply (see [`transact_multiple`] for the rules).
    ///
    /// ```
    /// use nlwire::consts::*;
    /// use nlwire::sock::{FakePeer, Transaction};
    /// let mut sock = FakePeer::new(|_req, out| out.error(libc::ENOENT)).into_socket();
    /// let mut t = Transaction::new();
    /// let m = t.request_mut().start_msg(0x20, NLM_F_ACK);
    /// t.request_mut().end_msg(m)?;
    /// assert_eq!(sock.transact(&mut t).unwrap_err().errno(), Some(libc::ENOENT));
    /// # Ok::<(), nlwire::Error>(())
    /// ```
    ///
    /// [`transact_multiple`]: Self::transact_multiple
    pub fn transact<'t>(&mut self, txn: &'t mut Transaction) -> Result<Reply<'t>, Error> {
        self.transact_multiple(core::slice::from_mut(txn))?;
        txn.result()
    }

    /// Runs a batch of requests, as few `sendmsg` calls as the limits allow (one iovec per
    /// request), and gives each its own result: read them with [`Transaction::result`].
    /// The rules (matching, the no-reply inference, `ENOBUFS` resends, batch size) are in
    /// the [module documentation](super::txn).
    ///
    /// Returns `Err` only when the transport failed (a send or receive error, a truncated
    /// or malformed datagram); the same error is then the result of every request not yet
    /// settled. Kernel errors of single requests are in their results.
    ///
    /// ```
    /// use nlwire::consts::*;
    /// use nlwire::sock::{FakePeer, ReplyKind, Transaction};
    /// // A peer that ACKs what asks for it and is silent otherwise.
    /// let mut sock = FakePeer::new(|req, out| {
    ///     if req.flags() & NLM_F_ACK != 0 { out.ack() }
    /// })
    /// .into_socket();
    /// let mut txns: Vec<Transaction> = [NLM_F_ACK, 0]
    ///     .iter()
    ///     .map(|&flags| {
    ///         let mut t = Transaction::new();
    ///         let m = t.request_mut().start_msg(0x20, flags);
    ///         t.request_mut().end_msg(m).unwrap();
    ///         t
    ///     })
    ///     .collect();
    /// sock.transact_multiple(&mut txns)?;
    /// assert_eq!(txns[0].result()?.kind(), ReplyKind::Ack);
    /// assert_eq!(txns[1].result()?.kind(), ReplyKind::NoReply);
    /// # Ok::<(), nlwire::sock::Error>(())
    /// ```
    pub fn transact_multiple(&mut self, txns: &mut [Transaction]) -> Result<(), Error> {
        for t in txns.iter_mut() {
            t.state = match t.check() {
                Ok(()) => State::Idle,
                Err(e) => State::Done(Err(e)),
            };
        }
        let mut start = 0;
        let mut stalled = 0;
        let mut rounds = 0;
        // After an overrun, batches are cut to what the receive buffer held and grow back
        // (doubling) as rounds succeed: fewer requests are executed twice.
        let mut cap: Option<usize> = None;
        loop {
            while start < txns.len() && txns[start].is_done() {
                start += 1;
            }
            if start == txns.len() {
                return Ok(());
            }
            let n = self.batch_len(&txns[start..], cap);
            let batch = &mut txns[start..start + n];
            match self.round(batch) {
                Ok(()) => {
                    start += n;
                    stalled = 0;
                    cap = cap.map(|c| c.saturating_mul(2));
                }
                Err(RoundEnd::Overrun(settled)) => {
                    rounds += 1;
                    let unsettled = batch.iter().filter(|t| !t.is_done()).count();
                    self.core.stats.resent += unsettled as u64;
                    if settled == 0 {
                        stalled += 1;
                        if stalled >= MAX_STALLED_ROUNDS {
                            let e = Error::Overrun { rounds };
                            fail_rest(&mut txns[start..], &e);
                            return Err(e);
                        }
                    } else {
                        stalled = 0;
                    }
                    start += settled;
                    cap = Some(settled.max(1));
                }
                Err(RoundEnd::Fatal(e)) => {
                    self.dirty = true;
                    fail_rest(&mut txns[start..], &e);
                    return Err(e);
                }
            }
        }
    }

    /// How many of `txns` (from the first) go in one `sendmsg`.
    fn batch_len(&self, txns: &[Transaction], cap: Option<usize>) -> usize {
        let (max_n, max_bytes) = match self.max_batch {
            Some(n) => (n, usize::MAX),
            None => {
                let by_rcvbuf = (self.core.t.rcvbuf() / 4096).max(1);
                let page = rustix::param::page_size();
                (by_rcvbuf.min(DEFAULT_MAX_IOVS), page.saturating_sub(512))
            }
        };
        let max_n = cap.map_or(max_n, |c| c.min(max_n));
        let mut bytes = 0;
        let mut n = 0;
        for t in txns {
            bytes += t.request.len();
            if n > 0 && (n == max_n || bytes > max_bytes) {
                break;
            }
            n += 1;
        }
        n.max(1)
    }

    /// Sends one batch and receives until every request is settled or the queue is empty.
    fn round(&mut self, batch: &mut [Transaction]) -> Result<(), RoundEnd> {
        let n = batch.len();
        let base = self.core.alloc_seq(n as u32);
        let port = self.core.t.port_id();
        for (i, t) in batch.iter_mut().enumerate() {
            if matches!(t.state, State::Idle) {
                t.prepare(base.wrapping_add(i as u32), port);
            }
        }
        {
            let mut iov = [IoSlice::new(&[]); UIO_MAXIOV];
            let mut k = 0;
            for t in batch.iter().filter(|t| matches!(t.state, State::Pending)) {
                iov[k] = IoSlice::new(t.request.as_slice());
                k += 1;
            }
            if k == 0 {
                return Ok(());
            }
            self.core
                .t
                .send(&iov[..k])
                .map_err(|e| RoundEnd::Fatal(Error::io("sendmsg", e)))?;
        }
        let mut overrun = false;
        let mut last_seen: Option<usize> = None;
        loop {
            let Some(cur) = batch.iter().position(Transaction::in_flight) else {
                return Ok(());
            };
            let mark = batch[cur].reply.len();
            match self.core.recv_into(&mut batch[cur].reply, false) {
                Ok(_) => {}
                Err(RecvErr::WouldBlock) => break,
                Err(RecvErr::Overrun) => {
                    overrun = true;
                    continue;
                }
                Err(RecvErr::Fatal(e)) => return Err(RoundEnd::Fatal(e)),
            }
            self.dispatch(batch, cur, mark, base, &mut last_seen)?;
        }
        if !overrun {
            batch.iter_mut().for_each(Transaction::settle_at_end);
            return Ok(());
        }
        // Overrun: replies after the first dropped one were all dropped. Settle up to the
        // last request that got a message; the rest goes again.
        let Some(k) = last_seen else {
            reset_unsettled(batch);
            return Err(RoundEnd::Overrun(0));
        };
        for (i, t) in batch.iter_mut().enumerate().take(k + 1) {
            match t.state {
                State::Pending if i < k => t.settle_at_end(),
                State::AwaitAck => t.settle_at_end(),
                State::AwaitDone { .. } if i < k => t.settle_at_end(),
                _ => {}
            }
        }
        let settled = batch.iter().position(|t| !t.is_done()).unwrap_or(n);
        reset_unsettled(batch);
        Err(RoundEnd::Overrun(settled))
    }

    /// Matches the messages of the datagram just received into `batch[cur].reply` (from
    /// `mark`) to their requests, then leaves the bytes with the request they answer.
    fn dispatch(
        &mut self,
        batch: &mut [Transaction],
        cur: usize,
        mark: usize,
        base: u32,
        last_seen: &mut Option<usize>,
    ) -> Result<(), RoundEnd> {
        let n = batch.len();
        let end = batch[cur].reply.len();
        let mut owner: Option<usize> = None;
        let mut several = false;
        let mut pos = mark;
        while pos < end {
            let (seq, len) = match Msg::parse(&batch[cur].reply.as_slice()[pos..end]) {
                Ok(m) => (m.seq(), m.bytes().len()),
                Err(e) => {
                    batch[cur].reply.truncate(mark);
                    return Err(RoundEnd::Fatal(Error::Malformed(e)));
                }
            };
            let range = pos..pos + len;
            pos = (pos + align(len)).min(end);
            let i = seq.wrapping_sub(base) as usize;
            if i >= n || !batch[i].in_flight() && !batch[i].is_done() || batch[i].seq != seq {
                self.core.stats.foreign_seq_ignored += 1;
                continue;
            }
            if i == cur {
                let Transaction {
                    request,
                    reply,
                    policy,
                    attrs_at,
                    state,
                    ..
                } = &mut batch[cur];
                if let Ok(m) = Msg::parse(&reply.as_slice()[range]) {
                    let ctx = Ctx {
                        request,
                        policy: *policy,
                        attrs_at: *attrs_at,
                    };
                    apply(state, &ctx, &m);
                }
            } else if let Ok([a, b]) = batch.get_disjoint_mut([cur, i])
                && let Ok(m) = Msg::parse(&a.reply.as_slice()[range])
            {
                b.apply(&m);
            }
            *last_seen = Some(last_seen.map_or(i, |l| l.max(i)));
            match owner {
                None => owner = Some(i),
                Some(o) if o != i => several = true,
                _ => {}
            }
        }
        match owner {
            None => batch[cur].reply.truncate(mark),
            Some(o) if o == cur && !several => {}
            Some(o) if !several => {
                if let Ok([a, b]) = batch.get_disjoint_mut([cur, o]) {
                    if mark == 0 && b.reply.is_empty() {
                        core::mem::swap(&mut a.reply, &mut b.reply);
                    } else {
                        b.reply.extend_from_slice(&a.reply.as_slice()[mark..end]);
                        a.reply.truncate(mark);
                    }
                }
            }
            Some(_) => {
                // Messages for several requests in one datagram (never from the kernel):
                // each owner gets a copy; its reply view filters by sequence number.
                let owners: Vec<usize> = Messages::new(&batch[cur].reply.as_slice()[mark..end])
                    .filter_map(Result::ok)
                    .map(|m| m.seq().wrapping_sub(base) as usize)
                    .filter(|&i| i < n && batch[i].seq == base.wrapping_add(i as u32))
                    .collect();
                let mut cur_owns = false;
                for (k, &o) in owners.iter().enumerate() {
                    if owners[..k].contains(&o) {
                        continue;
                    }
                    if o == cur {
                        cur_owns = true;
                    } else if let Ok([a, b]) = batch.get_disjoint_mut([cur, o]) {
                        b.reply.extend_from_slice(&a.reply.as_slice()[mark..end]);
                    }
                }
                if !cur_owns {
                    batch[cur].reply.truncate(mark);
                }
            }
        }
        Ok(())
    }
}

/// What settling a request needs besides its state: the request itself (for the
/// offending attribute's path) and its policy.
struct Ctx<'r> {
    request: &'r MsgBuf<'static>,
    policy: Option<&'static Policy>,
    attrs_at: Option<usize>,
}

impl Ctx<'_> {
    fn flags(&self) -> u16 {
        request_flags(self.request)
    }

    fn kernel_error(&self, errno: i32, ack: &crate::ExtAck<'_>) -> Error {
        Error::Kernel(Box::new(KernelError::from_ext_ack(
            errno,
            ack,
            self.request.as_slice(),
            self.attrs_at,
            self.policy,
        )))
    }
}

fn request_flags(request: &MsgBuf<'_>) -> u16 {
    request
        .at(6, 2)
        .map_or(0, |b| u16::from_ne_bytes([b[0], b[1]]))
}

fn in_flight(state: &State) -> bool {
    matches!(
        state,
        State::Pending | State::AwaitAck | State::AwaitDone { .. }
    )
}

/// Moves a request's state on by one message addressed to it.
fn apply(state: &mut State, ctx: &Ctx<'_>, msg: &Msg<'_>) {
    if !in_flight(state) {
        return;
    }
    let kind = match msg.kind() {
        Ok(k) => k,
        Err(e) => {
            *state = State::Done(Err(Error::Malformed(e)));
            return;
        }
    };
    let had_data = !matches!(state, State::Pending);
    *state = match (kind, &*state) {
        (MsgKind::Error(e), _) if e.errno == 0 => State::Done(Ok(if had_data {
            ReplyKind::Data
        } else {
            ReplyKind::Ack
        })),
        (MsgKind::Error(e), _) => State::Done(Err(ctx.kernel_error(e.errno, &e.ext_ack))),
        (MsgKind::Done(d), _) if d.errno != 0 => {
            State::Done(Err(ctx.kernel_error(d.errno, &d.ext_ack)))
        }
        (
            MsgKind::Done(_),
            State::AwaitDone {
                interrupted,
                messages,
            },
        ) if *interrupted || msg.is_dump_interrupted() => {
            State::Done(Err(Error::DumpInterrupted {
                messages: *messages,
                attempts: 1,
            }))
        }
        (MsgKind::Done(_), _) => State::Done(Ok(ReplyKind::Data)),
        (MsgKind::Noop | MsgKind::Overrun, s) => s.clone(),
        (
            MsgKind::Data,
            State::AwaitDone {
                interrupted,
                messages,
            },
        ) => State::AwaitDone {
            interrupted: *interrupted || msg.is_dump_interrupted(),
            messages: messages + 1,
        },
        (MsgKind::Data, _) if msg.flags() & NLM_F_MULTI != 0 => State::AwaitDone {
            interrupted: msg.is_dump_interrupted(),
            messages: 1,
        },
        (MsgKind::Data, _) if ctx.flags() & NLM_F_ACK != 0 => State::AwaitAck,
        (MsgKind::Data, _) => State::Done(Ok(ReplyKind::Data)),
    };
}

fn reset_unsettled(batch: &mut [Transaction]) {
    for t in batch.iter_mut().filter(|t| !t.is_done()) {
        t.state = State::Idle;
        t.reply.clear();
    }
}

fn fail_rest(txns: &mut [Transaction], e: &Error) {
    for t in txns.iter_mut().filter(|t| !t.is_done()) {
        t.state = State::Done(Err(e.clone()));
    }
}
