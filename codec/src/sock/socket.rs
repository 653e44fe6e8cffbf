//! The socket: sequence numbers, the receive path (overflow area, sender filtering,
//! truncation), statistics and options. Transactions, dumps and notifications build on it
//! in their own modules.

use std::io::IoSliceMut;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};

use super::buf::RecvBuf;
use super::error::Error;
use super::kernel::{Kernel, SocketOptions};
use super::transport::{Received, Transport};

/// Size of the overflow area that catches the part of a datagram that does not fit the
/// caller's buffer (OVS's 64 KiB tail iovec), so one `recvmsg` reads every reply whole.
pub const OVERFLOW_LEN: usize = 64 << 10;

/// Counters a [`Socket`] keeps; read them with [`Socket::stats`].
///
/// ```
/// let sock = nlwire::sock::FakePeer::new(|_, _| {}).into_socket();
/// assert_eq!(sock.stats().foreign_sender_dropped, 0);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Datagrams dropped because their sender (from `sockaddr_nl`) was not the kernel:
    /// another process trying to inject replies.
    pub foreign_sender_dropped: u64,
    /// Messages ignored because their sequence number belonged to no request in flight
    /// (stale replies on a reused socket, forged guesses, notifications).
    pub foreign_seq_ignored: u64,
    /// Receive-queue overruns (`ENOBUFS`) seen.
    pub overruns: u64,
    /// Requests sent again after an overrun lost their replies.
    pub resent: u64,
    /// Datagrams truncated (longer than the buffer plus the overflow area).
    pub truncated: u64,
}

/// Why a receive did not produce a datagram.
pub(crate) enum RecvErr {
    /// Nothing queued (non-blocking receive, or `SO_RCVTIMEO` expired).
    WouldBlock,
    /// `ENOBUFS`: the kernel dropped datagrams because the receive queue was full.
    Overrun,
    /// Anything else.
    Fatal(Error),
}

/// The part of a socket the receive path needs, apart from the buffers it fills.
pub(crate) struct Core<T> {
    pub(crate) t: T,
    next_seq: u32,
    overflow: Vec<u8>,
    pub(crate) stats: Stats,
}

impl<T: Transport> Core<T> {
    /// Allocates `n` consecutive sequence numbers (OVS `nl_sock_allocate_seq`): never 0,
    /// back to 1 once past `u32::MAX / 2`.
    pub(crate) fn alloc_seq(&mut self, n: u32) -> u32 {
        let seq = self.next_seq;
        self.next_seq = seq.wrapping_add(n);
        if self.next_seq >= u32::MAX / 2 || self.next_seq == 0 {
            self.next_seq = 1;
        }
        seq
    }

    /// Receives one datagram from the kernel and appends it to `buf`, in one `recvmsg`:
    /// the buffer's free space plus the overflow area, whose part is then appended (the
    /// buffer grows). Datagrams from any sender but the kernel are dropped and counted.
    pub(crate) fn recv_into(&mut self, buf: &mut RecvBuf, wait: bool) -> Result<Received, RecvErr> {
        if self.overflow.is_empty() {
            self.overflow = vec![0; OVERFLOW_LEN];
        }
        loop {
            let spare = buf.spare_mut();
            let spare_len = spare.len();
            let mut iov = [IoSliceMut::new(spare), IoSliceMut::new(&mut self.overflow)];
            let r = self.t.recv(&mut iov, wait);
            let got = match r {
                Ok(got) => got,
                Err(e) => {
                    return Err(match e.raw_os_error() {
                        Some(libc::EINTR) => continue,
                        Some(libc::ENOBUFS) => {
                            self.stats.overruns += 1;
                            RecvErr::Overrun
                        }
                        Some(libc::EAGAIN) => RecvErr::WouldBlock,
                        _ if e.kind() == std::io::ErrorKind::WouldBlock => RecvErr::WouldBlock,
                        _ => RecvErr::Fatal(Error::io("recvmsg", e)),
                    });
                }
            };
            if got.sender != Some(0) {
                self.stats.foreign_sender_dropped += 1;
                continue;
            }
            let capacity = spare_len + self.overflow.len();
            if got.truncated || got.len > capacity {
                self.stats.truncated += 1;
                return Err(RecvErr::Fatal(Error::Truncated {
                    len: got.len,
                    capacity,
                }));
            }
            if got.len <= spare_len {
                buf.commit(got.len);
            } else {
                buf.commit(spare_len);
                buf.extend_from_slice(&self.overflow[..got.len - spare_len]);
            }
            return Ok(got);
        }
    }
}

/// A netlink socket: sequence numbers, batched transactions with per-request results,
/// dumps, and the receive path that keeps out other senders and never truncates a
/// reply. Generic over its [`Transport`] so that [`FakePeer`](super::FakePeer) runs the
/// same logic without a kernel.
///
/// ```no_run
/// use nlwire::consts::*;
/// use nlwire::sock::{Socket, Transaction};
///
/// let mut sock = Socket::open(NETLINK_GENERIC)?;
/// let mut txn = Transaction::new();
/// let b = txn.request_mut();
/// let m = b.start_genl_msg(GENL_ID_CTRL, NLM_F_REQUEST, 3, 1); // CTRL_CMD_GETFAMILY
/// b.put_attr_str(2, "nlctrl")?;
/// b.end_msg(m)?;
/// let reply = sock.transact(&mut txn)?;
/// assert_eq!(reply.first().unwrap().ty(), GENL_ID_CTRL);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Socket<T: Transport = Kernel> {
    pub(crate) core: Core<T>,
    pub(crate) dump_buf: RecvBuf,
    pub(crate) dump_req: Vec<u8>,
    pub(crate) max_batch: Option<usize>,
    /// Options or state changed since it was opened: not fit for a pool.
    pub(crate) dirty: bool,
    /// The transaction of [`Socket::request`], kept warm between calls.
    pub(crate) typed_txn: Option<super::txn::Transaction>,
    /// Where [`Socket::dump_typed`] encodes its request.
    pub(crate) typed_dump_req: crate::MsgBuf<'static>,
    /// The transactions of [`Socket::batch`], kept warm between batches.
    pub(crate) batch_txns: Vec<super::txn::Transaction>,
}

impl Socket<Kernel> {
    /// Opens a kernel socket for `protocol` with the default [`SocketOptions`]: 4 MiB
    /// receive buffer (forced when privileged), extended and capped acks, strict checking
    /// for `NETLINK_ROUTE`, connected to the kernel, kernel-assigned port id.
    ///
    /// ```no_run
    /// let sock = nlwire::sock::Socket::open(nlwire::consts::NETLINK_ROUTE)?;
    /// println!("port id {}", sock.port_id());
    /// # Ok::<(), nlwire::sock::Error>(())
    /// ```
    pub fn open(protocol: i32) -> Result<Self, Error> {
        SocketOptions::new(protocol).open()
    }

    /// Turns `NETLINK_GET_STRICT_CHK` on or off.
    ///
    /// ```no_run
    /// let mut s = nlwire::sock::Socket::open(0)?;
    /// s.set_strict_chk(false)?;
    /// # Ok::<(), nlwire::sock::Error>(())
    /// ```
    pub fn set_strict_chk(&mut self, on: bool) -> Result<(), Error> {
        self.set_option(crate::consts::NETLINK_GET_STRICT_CHK, on)
    }

    /// Turns `NETLINK_NO_ENOBUFS` on or off (see [`SocketOptions::no_enobufs`]).
    ///
    /// ```no_run
    /// let mut s = nlwire::sock::Socket::open(0)?;
    /// s.set_no_enobufs(true)?;
    /// # Ok::<(), nlwire::sock::Error>(())
    /// ```
    pub fn set_no_enobufs(&mut self, on: bool) -> Result<(), Error> {
        self.set_option(crate::consts::NETLINK_NO_ENOBUFS, on)
    }

    /// Turns `NETLINK_LISTEN_ALL_NSID` on or off (see [`SocketOptions::listen_all_nsid`]).
    ///
    /// ```no_run
    /// let mut s = nlwire::sock::Socket::open(0)?;
    /// s.set_listen_all_nsid(true)?;
    /// # Ok::<(), nlwire::sock::Error>(())
    /// ```
    pub fn set_listen_all_nsid(&mut self, on: bool) -> Result<(), Error> {
        self.set_option(crate::consts::NETLINK_LISTEN_ALL_NSID, on)
    }

    fn set_option(&mut self, name: i32, on: bool) -> Result<(), Error> {
        self.dirty = true;
        self.core
            .t
            .set_netlink_option(name, on)
            .map_err(|e| Error::io("setsockopt", e))
    }

    /// Sets the receive buffer (`SO_RCVBUFFORCE`, falling back to `SO_RCVBUF`) and returns
    /// the size the kernel granted (about twice the request, at least ~4.5 KiB).
    ///
    /// ```no_run
    /// let mut s = nlwire::sock::Socket::open(16)?;
    /// assert!(s.set_rcvbuf(1 << 20)? >= 1 << 20);
    /// # Ok::<(), nlwire::sock::Error>(())
    /// ```
    pub fn set_rcvbuf(&mut self, bytes: usize) -> Result<usize, Error> {
        self.dirty = true;
        self.core
            .t
            .set_rcvbuf(bytes)
            .map_err(|e| Error::io("setsockopt(SO_RCVBUF)", e))
    }

    /// Sets `SO_RCVTIMEO`, which bounds the blocking receive of a
    /// [`Listener`](super::Listener) (it then fails with `EAGAIN`).
    ///
    /// ```no_run
    /// let mut s = nlwire::sock::Socket::open(0)?;
    /// s.set_read_timeout(Some(std::time::Duration::from_secs(1)))?;
    /// # Ok::<(), nlwire::sock::Error>(())
    /// ```
    pub fn set_read_timeout(&mut self, timeout: Option<std::time::Duration>) -> Result<(), Error> {
        self.dirty = true;
        self.core
            .t
            .set_read_timeout(timeout)
            .map_err(|e| Error::io("setsockopt(SO_RCVTIMEO)", e))
    }

    /// The netlink protocol.
    ///
    /// ```no_run
    /// let s = nlwire::sock::Socket::open(nlwire::consts::NETLINK_ROUTE)?;
    /// assert_eq!(s.protocol(), 0);
    /// # Ok::<(), nlwire::sock::Error>(())
    /// ```
    pub fn protocol(&self) -> i32 {
        self.core.t.protocol()
    }
}

impl<T: Transport> Socket<T> {
    /// A socket over any [`Transport`], such as a [`FakePeer`](super::FakePeer).
    ///
    /// ```
    /// use nlwire::sock::{FakePeer, Socket};
    /// let sock = Socket::with_transport(FakePeer::new(|_, _| {}));
    /// assert_eq!(sock.next_seq(), 1);
    /// ```
    pub fn with_transport(t: T) -> Self {
        Socket {
            core: Core {
                t,
                next_seq: 1,
                overflow: Vec::new(),
                stats: Stats::default(),
            },
            dump_buf: RecvBuf::new(),
            dump_req: Vec::new(),
            max_batch: None,
            dirty: false,
            typed_txn: None,
            typed_dump_req: crate::MsgBuf::new(),
            batch_txns: Vec::new(),
        }
    }

    /// Our port id (the kernel assigns it at bind time).
    ///
    /// ```
    /// let sock = nlwire::sock::FakePeer::new(|_, _| {}).with_rcvbuf(8192).into_socket();
    /// assert_eq!(sock.port_id(), nlwire::sock::FakePeer::DEFAULT_PORT);
    /// ```
    pub fn port_id(&self) -> u32 {
        self.core.t.port_id()
    }

    /// The receive buffer size as read back from the kernel.
    ///
    /// ```
    /// let sock = nlwire::sock::FakePeer::new(|_, _| {}).with_rcvbuf(8192).into_socket();
    /// assert_eq!(sock.rcvbuf(), 8192);
    /// ```
    pub fn rcvbuf(&self) -> usize {
        self.core.t.rcvbuf()
    }

    /// The counters: datagrams dropped from foreign senders, stale replies ignored,
    /// overruns and resends.
    ///
    /// ```
    /// let sock = nlwire::sock::FakePeer::new(|_, _| {}).with_rcvbuf(8192).into_socket();
    /// assert_eq!(sock.stats(), nlwire::sock::Stats::default());
    /// ```
    pub fn stats(&self) -> Stats {
        self.core.stats
    }

    /// The sequence number the next request will get.
    ///
    /// ```
    /// let sock = nlwire::sock::FakePeer::new(|_, _| {}).with_rcvbuf(8192).into_socket();
    /// assert_eq!(sock.next_seq(), 1);
    /// ```
    pub fn next_seq(&self) -> u32 {
        self.core.next_seq
    }

    /// Sets the next sequence number (0 becomes 1). For tests of wrap-around and for
    /// avoiding a range a peer is known to reuse.
    ///
    /// ```
    /// let mut s = nlwire::sock::FakePeer::new(|_, _| {}).into_socket();
    /// s.set_next_seq(0);
    /// assert_eq!(s.next_seq(), 1);
    /// ```
    pub fn set_next_seq(&mut self, seq: u32) {
        self.core.next_seq = seq.max(1);
    }

    /// Overrides the batch size limit of [`transact_multiple`](Self::transact_multiple).
    /// `None` (the default) applies OVS's limits: at most `rcvbuf / 4096` requests (at
    /// least 1), 128 iovecs and one page minus 512 bytes of requests. `Some(n)` sends up
    /// to `n` requests (at most 1024, the kernel's `UIO_MAXIOV`) regardless of size.
    ///
    /// ```
    /// let mut s = nlwire::sock::FakePeer::new(|_, _| {}).into_socket();
    /// s.set_max_batch(Some(500));
    /// ```
    pub fn set_max_batch(&mut self, max: Option<usize>) {
        self.max_batch = max.map(|n| n.clamp(1, super::txn::UIO_MAXIOV));
    }

    /// The transport.
    ///
    /// ```
    /// let sock = nlwire::sock::FakePeer::new(|_, _| {}).with_rcvbuf(8192).into_socket();
    /// assert!(sock.transport().sent().is_empty());
    /// ```
    pub fn transport(&self) -> &T {
        &self.core.t
    }

    /// The transport, writable (the socket is then no longer returned to a pool).
    ///
    /// ```
    /// let mut sock = nlwire::sock::FakePeer::new(|_, _| {}).into_socket();
    /// sock.transport_mut().inject_overrun();
    /// ```
    pub fn transport_mut(&mut self) -> &mut T {
        self.dirty = true;
        &mut self.core.t
    }

    /// Receives one datagram from the kernel into `buf` (appended; the buffer grows to
    /// hold it whole), without waiting when `wait` is false (`Ok(None)` when nothing is
    /// queued). Datagrams from other senders are dropped and counted. This is the raw
    /// receive under transactions, dumps and listeners; prefer those.
    ///
    /// ```
    /// use nlwire::sock::{FakePeer, RecvBuf};
    /// let mut s = FakePeer::new(|_, _| {}).into_socket();
    /// let mut buf = RecvBuf::with_capacity(64);
    /// assert!(s.recv_raw(&mut buf, false)?.is_none());
    /// # Ok::<(), nlwire::sock::Error>(())
    /// ```
    pub fn recv_raw(&mut self, buf: &mut RecvBuf, wait: bool) -> Result<Option<Received>, Error> {
        match self.core.recv_into(buf, wait) {
            Ok(r) => Ok(Some(r)),
            Err(RecvErr::WouldBlock) => Ok(None),
            Err(RecvErr::Overrun) => Err(Error::Io {
                op: "recvmsg",
                errno: libc::ENOBUFS,
            }),
            Err(RecvErr::Fatal(e)) => Err(e),
        }
    }
}

impl<T: Transport> core::fmt::Debug for Socket<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Socket")
            .field("port_id", &self.port_id())
            .field("next_seq", &self.core.next_seq)
            .field("stats", &self.core.stats)
            .finish()
    }
}

impl AsFd for Socket<Kernel> {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.core.t.as_fd()
    }
}

impl AsRawFd for Socket<Kernel> {
    fn as_raw_fd(&self) -> RawFd {
        self.core.t.as_raw_fd()
    }
}
