//! Dumps (`NLM_F_DUMP`): a lending iterator of zero-copy messages.

use std::io::IoSlice;

use super::error::{Error, KernelError};
use super::socket::{RecvErr, Socket};
use super::transport::Transport;
use crate::attr_put::set_seq_pid;
use crate::consts::{NLM_F_DUMP, NLM_F_REQUEST, NLMSG_HDRLEN, align};
use crate::msg::{ExtAck, Msg, MsgKind};
use crate::policy::Policy;

/// Receive buffer a socket reserves for dumps: the kernel sizes dump datagrams up to
/// 32 KiB when the reader offers that much.
const DUMP_BUF: usize = 32 << 10;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DumpState {
    Running,
    Finished,
}

/// A dump in progress: call [`next_msg`](Self::next_msg) until it returns `None`. Each
/// message is a view into the socket's dump buffer, valid until the next call (a lending
/// iterator, which stable Rust cannot express as `Iterator`).
///
/// - Several messages per datagram, and `NLMSG_DONE` in the same datagram as data, are
///   handled; messages with another sequence number are ignored.
/// - `NLMSG_ERROR` anywhere, or an `NLMSG_DONE` carrying an error code, ends the dump with
///   [`Error::Kernel`] (an ACK, code 0, is skipped).
/// - If any message carried `NLM_F_DUMP_INTR`, the dump ends with
///   [`Error::DumpInterrupted`] after every message was delivered: the caller has the
///   partial results and knows they are inconsistent. [`Socket::dump_retry`] restarts it.
/// - The queue running dry before `NLMSG_DONE` ends it with [`Error::Incomplete`], and an
///   overrun (`ENOBUFS`, messages lost) with [`Error::Overrun`].
/// - Dropping an unfinished dump drains its remaining datagrams, so the socket is ready for
///   the next request (the kernel refuses a second dump on a socket while one runs).
///
/// ```
/// use nlwire::consts::*;
/// use nlwire::sock::FakePeer;
///
/// let mut sock = FakePeer::new(|req, out| out.dump(req.ty(), &[b"a\0\0\0", b"b\0\0\0"], 1))
///     .into_socket();
/// let mut req = nlwire::MsgBuf::new();
/// let m = req.start_msg(0x20, 0);
/// req.end_msg(m)?;
/// let mut dump = sock.dump(req.as_slice())?;
/// let mut n = 0;
/// while let Some(msg) = dump.next_msg() {
///     let msg = msg?;
///     assert_eq!(msg.payload().len(), 4);
///     n += 1;
/// }
/// assert_eq!(n, 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Dump<'s, T: Transport> {
    sock: &'s mut Socket<T>,
    seq: u32,
    pos: usize,
    state: DumpState,
    interrupted: bool,
    delivered: usize,
    pub(crate) attempts: u32,
    policy: Option<&'static Policy>,
    attrs_at: Option<usize>,
    warning: Option<String>,
}

impl<T: Transport> Socket<T> {
    /// Starts a dump: sends `request` (copied; `NLM_F_REQUEST | NLM_F_DUMP` are set, and
    /// the sequence number and port id) and returns the [`Dump`] to read it with.
    ///
    /// ```no_run
    /// use nlwire::consts::*;
    /// let mut sock = nlwire::sock::Socket::open(NETLINK_GENERIC)?;
    /// let mut req = nlwire::MsgBuf::new();
    /// let m = req.start_genl_msg(GENL_ID_CTRL, 0, 3, 1); // CTRL_CMD_GETFAMILY
    /// req.end_msg(m)?;
    /// let mut dump = sock.dump(req.as_slice())?;
    /// while let Some(family) = dump.next_msg() {
    ///     println!("{:?}", family?.genl()?.0);
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn dump(&mut self, request: &[u8]) -> Result<Dump<'_, T>, Error> {
        self.dump_req.clear();
        self.dump_req.extend_from_slice(request);
        self.start_dump()
    }

    /// Sends the request already in `dump_req` as a dump and returns its reader.
    pub(crate) fn start_dump(&mut self) -> Result<Dump<'_, T>, Error> {
        if self.dump_req.len() < NLMSG_HDRLEN || u32::try_from(self.dump_req.len()).is_err() {
            return Err(Error::BadRequest {
                reason: "the dump request is shorter than a netlink header",
            });
        }
        let seq = self.core.alloc_seq(1);
        let port = self.core.t.port_id();
        let req = &mut self.dump_req;
        let len = req.len() as u32;
        let flags = u16::from_ne_bytes([req[6], req[7]]) | NLM_F_REQUEST | NLM_F_DUMP;
        req[0..4].copy_from_slice(&len.to_ne_bytes());
        req[6..8].copy_from_slice(&flags.to_ne_bytes());
        set_seq_pid(req, seq, port);
        self.core
            .t
            .send(&[IoSlice::new(req)])
            .map_err(|e| Error::io("sendmsg", e))?;
        self.dump_buf.clear();
        self.dump_buf.reserve_total(DUMP_BUF);
        Ok(Dump {
            sock: self,
            seq,
            pos: 0,
            state: DumpState::Running,
            interrupted: false,
            delivered: 0,
            attempts: 1,
            policy: None,
            attrs_at: None,
            warning: None,
        })
    }

    /// Dumps with up to `attempts` tries: `f` reads one attempt's [`Dump`] and builds its
    /// result; when it returns [`Error::DumpInterrupted`] or [`Error::Overrun`] (or leaves
    /// a dump that turns out interrupted), the dump is started again and `f` runs afresh,
    /// so its partial results are simply dropped. Other errors are returned at once.
    ///
    /// ```
    /// use nlwire::sock::{Error, FakePeer};
    /// // A peer whose first dump is interrupted.
    /// let mut first = true;
    /// let mut sock = FakePeer::new(move |req, out| {
    ///     out.dump_with(req.ty(), &[b"x\0\0\0"], 1, std::mem::take(&mut first));
    /// })
    /// .into_socket();
    /// let mut req = nlwire::MsgBuf::new();
    /// let m = req.start_msg(0x20, 0);
    /// req.end_msg(m)?;
    /// let n = sock.dump_retry(req.as_slice(), 3, |dump| {
    ///     let mut n = 0;
    ///     while let Some(m) = dump.next_msg() {
    ///         m?;
    ///         n += 1;
    ///     }
    ///     Ok(n)
    /// })?;
    /// assert_eq!(n, 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn dump_retry<R>(
        &mut self,
        request: &[u8],
        attempts: u32,
        mut f: impl FnMut(&mut Dump<'_, T>) -> Result<R, Error>,
    ) -> Result<R, Error> {
        let attempts = attempts.max(1);
        let mut attempt = 1;
        loop {
            let mut dump = self.dump(request)?;
            dump.attempts = attempt;
            let r = f(&mut dump).and_then(|r| dump.finish().map(|()| r));
            match r {
                Err(e) if e.is_retryable() && attempt < attempts => attempt += 1,
                r => return r,
            }
        }
    }
}

impl<'s, T: Transport> Dump<'s, T> {
    /// Names the offending attribute of a kernel error by `policy` (the request's
    /// attributes start `attrs_at` bytes into it).
    ///
    /// ```
    /// use nlwire::{AttrKind, AttrPolicy, Policy};
    /// static P: Policy = Policy::new("ctrl", &[AttrPolicy::new("family-id", 1, AttrKind::U16)]);
    /// let mut sock = nlwire::sock::FakePeer::new(|_, out| out.done()).into_socket();
    /// let dump = sock.dump(&[16, 0, 0, 0, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])?.policy(&P, 20);
    /// # drop(dump);
    /// # Ok::<(), nlwire::sock::Error>(())
    /// ```
    pub fn policy(mut self, policy: &'static Policy, attrs_at: usize) -> Self {
        self.policy = Some(policy);
        self.attrs_at = Some(attrs_at);
        self
    }

    /// The dump's sequence number.
    ///
    /// ```
    /// let mut sock = nlwire::sock::FakePeer::new(|r, out| out.dump_with(r.ty(), &[b"abcd"], 1, true))
    ///     .into_socket();
    /// let mut d = sock.dump(&[16, 0, 0, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])?;
    /// assert_eq!(d.seq(), 1);
    /// # Ok::<(), nlwire::sock::Error>(())
    /// ```
    pub fn seq(&self) -> u32 {
        self.seq
    }

    /// True once a message of this dump carried `NLM_F_DUMP_INTR`.
    ///
    /// ```
    /// let mut sock = nlwire::sock::FakePeer::new(|r, out| out.dump_with(r.ty(), &[b"abcd"], 1, true))
    ///     .into_socket();
    /// let mut d = sock.dump(&[16, 0, 0, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])?;
    /// d.next_msg().unwrap()?;
    /// assert!(!d.is_interrupted()); // the first message is clean
    /// assert!(d.next_msg().unwrap().is_err()); // NLMSG_DONE carries NLM_F_DUMP_INTR
    /// assert!(d.is_interrupted());
    /// # Ok::<(), nlwire::sock::Error>(())
    /// ```
    pub fn is_interrupted(&self) -> bool {
        self.interrupted
    }

    /// Data messages delivered so far.
    ///
    /// ```
    /// let mut sock = nlwire::sock::FakePeer::new(|r, out| out.dump_with(r.ty(), &[b"abcd"], 1, true))
    ///     .into_socket();
    /// let mut d = sock.dump(&[16, 0, 0, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])?;
    /// d.next_msg().unwrap()?;
    /// assert_eq!(d.delivered(), 1);
    /// # Ok::<(), nlwire::sock::Error>(())
    /// ```
    pub fn delivered(&self) -> usize {
        self.delivered
    }

    /// The next data message, `None` at the end, or the error that ended the dump (once;
    /// `None` after it).
    ///
    /// ```
    /// let mut sock = nlwire::sock::FakePeer::new(|r, out| out.dump(r.ty(), &[b"abcd", b"efgh"], 2))
    ///     .into_socket();
    /// let mut d = sock.dump(&[16, 0, 0, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])?;
    /// while let Some(m) = d.next_msg() {
    ///     assert_eq!(m?.payload().len(), 4);
    /// }
    /// # Ok::<(), nlwire::sock::Error>(())
    /// ```
    pub fn next_msg(&mut self) -> Option<Result<Msg<'_>, Error>> {
        let (start, len) = loop {
            if self.state != DumpState::Running {
                return None;
            }
            if self.pos >= self.sock.dump_buf.len() {
                if let Err(e) = self.refill() {
                    self.state = DumpState::Finished;
                    return Some(Err(e));
                }
                continue;
            }
            let bytes = &self.sock.dump_buf.as_slice()[self.pos..];
            let m = match Msg::parse(bytes) {
                Ok(m) => m,
                Err(e) => {
                    self.state = DumpState::Finished;
                    return Some(Err(Error::Malformed(e)));
                }
            };
            let start = self.pos;
            let len = m.bytes().len();
            self.pos += align(len).min(bytes.len());
            if m.seq() != self.seq {
                self.sock.core.stats.foreign_seq_ignored += 1;
                continue;
            }
            if m.is_dump_interrupted() {
                self.interrupted = true;
            }
            let kind = match m.kind() {
                Ok(k) => k,
                Err(e) => {
                    self.state = DumpState::Finished;
                    return Some(Err(Error::Malformed(e)));
                }
            };
            match kind {
                MsgKind::Data => break (start, len),
                MsgKind::Error(e) if e.errno == 0 => {}
                MsgKind::Noop | MsgKind::Overrun => {}
                MsgKind::Error(e) => {
                    let err = self.kernel_error(e.errno, &e.ext_ack);
                    self.state = DumpState::Finished;
                    return Some(Err(err));
                }
                MsgKind::Done(d) => {
                    self.state = DumpState::Finished;
                    if d.errno != 0 {
                        return Some(Err(self.kernel_error(d.errno, &d.ext_ack)));
                    }
                    self.warning = d.ext_ack.msg.map(str::to_owned);
                    if self.interrupted {
                        return Some(Err(Error::DumpInterrupted {
                            messages: self.delivered,
                            attempts: self.attempts,
                        }));
                    }
                    return None;
                }
            }
        };
        self.delivered += 1;
        Some(
            Msg::parse(&self.sock.dump_buf.as_slice()[start..start + len])
                .map_err(Error::Malformed),
        )
    }

    /// The warning the kernel attached to the `NLMSG_DONE` that ended the dump (an
    /// extended ack with error code 0), once the dump has ended; `None` before that and
    /// when there was none.
    ///
    /// ```
    /// use nlwire::consts::NLMSGERR_ATTR_MSG;
    /// let mut sock = nlwire::sock::FakePeer::new(|req, out| {
    ///     let part = out.msg(req.ty(), nlwire::consts::NLM_F_MULTI, b"abcd");
    ///     let mut tlvs = nlwire::MsgBuf::new();
    ///     tlvs.put_attr_str(NLMSGERR_ATTR_MSG, "filter ignored").unwrap();
    ///     let done = out.done_msg_tlvs(0, tlvs.as_slice());
    ///     out.send(vec![part, done]);
    /// })
    /// .into_socket();
    /// let mut dump = sock.dump(&[16, 0, 0, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])?;
    /// while let Some(m) = dump.next_msg() {
    ///     m?;
    /// }
    /// assert_eq!(dump.warning(), Some("filter ignored"));
    /// # Ok::<(), nlwire::sock::Error>(())
    /// ```
    pub fn warning(&self) -> Option<&str> {
        self.warning.as_deref()
    }

    /// Reads the rest of the dump, discarding its messages, and returns how it ended:
    /// `Ok` for a complete, consistent dump.
    ///
    /// ```
    /// let mut sock = nlwire::sock::FakePeer::new(|req, out| out.dump(req.ty(), &[b"abcd"], 1))
    ///     .into_socket();
    /// let dump = sock.dump(&[16, 0, 0, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])?;
    /// dump.finish()?;
    /// # Ok::<(), nlwire::sock::Error>(())
    /// ```
    pub fn finish(mut self) -> Result<(), Error> {
        while let Some(m) = self.next_msg() {
            m?;
        }
        Ok(())
    }

    fn kernel_error(&self, errno: i32, ack: &ExtAck<'_>) -> Error {
        Error::Kernel(Box::new(KernelError::from_ext_ack(
            errno,
            ack,
            &self.sock.dump_req,
            self.attrs_at,
            self.policy,
        )))
    }

    /// Receives the next datagram into the (cleared) dump buffer.
    fn refill(&mut self) -> Result<(), Error> {
        let sock = &mut *self.sock;
        sock.dump_buf.clear();
        self.pos = 0;
        match sock.core.recv_into(&mut sock.dump_buf, false) {
            Ok(_) => Ok(()),
            Err(RecvErr::WouldBlock) => Err(Error::Incomplete { seq: self.seq }),
            Err(RecvErr::Overrun) => Err(Error::Overrun { rounds: 0 }),
            Err(RecvErr::Fatal(e)) => Err(e),
        }
    }

    /// True when the rest of the current datagram holds the end of this dump.
    fn end_in_buffer(&self) -> bool {
        let buf = self.sock.dump_buf.as_slice();
        let mut pos = self.pos;
        while pos < buf.len() {
            let Ok(m) = Msg::parse(&buf[pos..]) else {
                return false;
            };
            pos += align(m.bytes().len());
            if m.seq() == self.seq {
                match m.kind() {
                    Ok(MsgKind::Done(_)) => return true,
                    Ok(MsgKind::Error(e)) if e.errno != 0 => return true,
                    _ => {}
                }
            }
        }
        false
    }
}

impl<T: Transport> Drop for Dump<'_, T> {
    /// Drains an unfinished dump: reads (without waiting) until its end, an empty queue
    /// or an error.
    fn drop(&mut self) {
        if self.state != DumpState::Running {
            return;
        }
        self.state = DumpState::Finished;
        while !self.end_in_buffer() {
            if self.refill().is_err() {
                break;
            }
        }
        self.sock.dump_buf.clear();
    }
}

impl<T: Transport> core::fmt::Debug for Dump<'_, T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Dump")
            .field("seq", &self.seq)
            .field("state", &self.state)
            .field("interrupted", &self.interrupted)
            .field("delivered", &self.delivered)
            .finish()
    }
}
