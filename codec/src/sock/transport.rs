//! The boundary between the transaction engine and the thing that carries datagrams: the
//! kernel ([`Kernel`](super::Kernel)) or an in-process fake ([`FakePeer`](super::FakePeer)).

use std::io::{self, IoSlice, IoSliceMut};

/// What one receive call read.
///
/// ```
/// let mut p = nlwire::sock::FakePeer::new(|_, _| {});
/// p.inject(0, vec![0; 16]);
/// let mut sock = p.into_socket();
/// let mut buf = nlwire::sock::RecvBuf::new();
/// let r = sock.recv_raw(&mut buf, false)?.unwrap();
/// assert_eq!((r.len, r.sender, r.truncated), (16, Some(0), false));
/// # Ok::<(), nlwire::sock::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Received {
    /// Length of the whole datagram, even when it did not fit (as `MSG_TRUNC` reports it).
    pub len: usize,
    /// The datagram was longer than the buffers and its tail was lost.
    pub truncated: bool,
    /// Port id of the sender from its `sockaddr_nl` (0 is the kernel), `None` if unknown.
    pub sender: Option<u32>,
    /// Network namespace id of the sender (only with `NETLINK_LISTEN_ALL_NSID`).
    pub nsid: Option<i32>,
}

/// A datagram carrier for [`Socket`](super::Socket).
///
/// The socket does everything else (sequence numbers, batching, reply matching, dumps,
/// sender filtering), so a carrier only moves bytes. Two exist: [`Kernel`](super::Kernel)
/// and [`FakePeer`](super::FakePeer); implement it yourself to put netlink over something
/// else (a recorded trace, a proxy).
///
/// ```
/// use nlwire::sock::{FakePeer, Transport};
/// let peer = FakePeer::new(|_req, _out| {});
/// assert_ne!(peer.port_id(), 0);
/// ```
pub trait Transport {
    /// The port id the peer addresses our replies to (`nlmsg_pid` of requests).
    fn port_id(&self) -> u32;

    /// Sends one datagram made of the concatenation of `iov`; returns the bytes sent.
    /// A peer like the kernel processes every message of it before returning.
    fn send(&mut self, iov: &[IoSlice<'_>]) -> io::Result<usize>;

    /// Receives one datagram scattered over `iov`. Without `wait`, returns
    /// `ErrorKind::WouldBlock` when nothing is queued. A receive-queue overrun is reported
    /// as the OS error `ENOBUFS`, once, before the datagrams still queued.
    fn recv(&mut self, iov: &mut [IoSliceMut<'_>], wait: bool) -> io::Result<Received>;

    /// The receive buffer size in bytes (`SO_RCVBUF` as read back), which bounds batches.
    fn rcvbuf(&self) -> usize;

    /// Joins (`join`) or leaves a multicast group.
    fn set_membership(&mut self, group: u32, join: bool) -> io::Result<()>;
}
