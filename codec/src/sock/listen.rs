//! Multicast notifications.

use super::buf::RecvBuf;
use super::error::Error;
use super::kernel::{Kernel, SocketOptions};
use super::socket::{RecvErr, Socket};
use super::transport::Transport;
use crate::msg::Messages;

/// Receive buffer a listener starts with.
const LISTEN_BUF: usize = 32 << 10;

/// A socket subscribed to multicast groups, receiving notifications.
///
/// Kept apart from [`Socket`] on purpose (as OVS advises): a socket that receives
/// notifications should not run transactions, whose receive loop would consume them.
/// When the receive buffer overflows, the kernel drops notifications and says so once;
/// [`recv`](Self::recv) reports that as [`Error::LostEvents`] instead of hiding it: the
/// state must then be re-read with a dump.
///
/// ```
/// use nlwire::sock::{FakePeer, Listener};
/// let mut peer = FakePeer::new(|_, _| {});
/// peer.inject(0, vec![16, 0, 0, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
/// let mut l = Listener::new(peer.into_socket());
/// l.join(1)?;
/// let dg = l.recv()?;
/// assert_eq!(dg.messages().next().unwrap()?.ty(), 0x20);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Listener<T: Transport = Kernel> {
    sock: Socket<T>,
    buf: RecvBuf,
}

/// One datagram of notifications, viewed in the listener's buffer.
///
/// ```
/// let mut p = nlwire::sock::FakePeer::new(|_, _| {});
/// p.inject(0, vec![16, 0, 0, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
/// let mut l = nlwire::sock::Listener::new(p.into_socket());
/// let d = l.recv()?;
/// assert_eq!(d.bytes().len(), 16);
/// # Ok::<(), nlwire::sock::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Datagram<'a> {
    bytes: &'a [u8],
    nsid: Option<i32>,
}

impl<'a> Datagram<'a> {
    /// The messages it holds.
    ///
    /// ```
    /// let mut p = nlwire::sock::FakePeer::new(|_, _| {});
    /// p.inject(0, vec![16, 0, 0, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    /// let mut l = nlwire::sock::Listener::new(p.into_socket());
    /// assert_eq!(l.recv()?.messages().count(), 1);
    /// # Ok::<(), nlwire::sock::Error>(())
    /// ```
    pub fn messages(&self) -> Messages<'a> {
        Messages::new(self.bytes)
    }

    /// The raw bytes.
    ///
    /// ```
    /// let mut p = nlwire::sock::FakePeer::new(|_, _| {});
    /// p.inject(0, vec![16, 0, 0, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    /// let mut l = nlwire::sock::Listener::new(p.into_socket());
    /// assert_eq!(l.recv()?.bytes()[4], 0x20);
    /// # Ok::<(), nlwire::sock::Error>(())
    /// ```
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The id of the network namespace it came from (with `NETLINK_LISTEN_ALL_NSID`, for
    /// namespaces other than ours that have an id).
    ///
    /// ```
    /// let mut p = nlwire::sock::FakePeer::new(|_, _| {});
    /// p.inject(0, vec![16, 0, 0, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    /// let mut l = nlwire::sock::Listener::new(p.into_socket());
    /// assert_eq!(l.recv()?.nsid(), None); // our own namespace
    /// # Ok::<(), nlwire::sock::Error>(())
    /// ```
    pub fn nsid(&self) -> Option<i32> {
        self.nsid
    }
}

impl Listener<Kernel> {
    /// Opens a kernel socket for `protocol` (default options) to listen on.
    ///
    /// ```no_run
    /// use nlwire::sock::Listener;
    /// let mut l = Listener::open(nlwire::consts::NETLINK_ROUTE)?;
    /// l.join(1)?; // RTNLGRP_LINK
    /// # Ok::<(), nlwire::sock::Error>(())
    /// ```
    pub fn open(protocol: i32) -> Result<Self, Error> {
        SocketOptions::new(protocol).open().map(Listener::new)
    }
}

impl<T: Transport> Listener<T> {
    /// Listens on `sock`.
    ///
    /// ```
    /// let l = nlwire::sock::Listener::new(nlwire::sock::FakePeer::new(|_, _| {}).into_socket());
    /// # drop(l);
    /// ```
    pub fn new(sock: Socket<T>) -> Self {
        Listener {
            sock,
            buf: RecvBuf::with_capacity(LISTEN_BUF),
        }
    }

    /// Joins multicast group `group` (`NETLINK_ADD_MEMBERSHIP`; idempotent).
    ///
    /// ```
    /// let mut l = nlwire::sock::Listener::new(nlwire::sock::FakePeer::new(|_, _| {}).into_socket());
    /// l.join(1)?;
    /// # Ok::<(), nlwire::sock::Error>(())
    /// ```
    pub fn join(&mut self, group: u32) -> Result<(), Error> {
        self.sock
            .core
            .t
            .set_membership(group, true)
            .map_err(|e| Error::io("setsockopt(NETLINK_ADD_MEMBERSHIP)", e))
    }

    /// Leaves multicast group `group`. Notifications already queued stay readable.
    ///
    /// ```
    /// let mut l = nlwire::sock::Listener::new(nlwire::sock::FakePeer::new(|_, _| {}).into_socket());
    /// l.join(1)?;
    /// l.leave(1)?;
    /// assert!(l.socket().transport().groups().is_empty());
    /// # Ok::<(), nlwire::sock::Error>(())
    /// ```
    pub fn leave(&mut self, group: u32) -> Result<(), Error> {
        self.sock
            .core
            .t
            .set_membership(group, false)
            .map_err(|e| Error::io("setsockopt(NETLINK_DROP_MEMBERSHIP)", e))
    }

    /// Waits for the next datagram of notifications. Fails with [`Error::LostEvents`] when
    /// the kernel dropped some since the last call.
    ///
    /// ```no_run
    /// let mut l = nlwire::sock::Listener::open(nlwire::consts::NETLINK_ROUTE)?;
    /// l.join(1)?; // RTNLGRP_LINK
    /// loop {
    ///     match l.recv() {
    ///         Ok(d) => for m in d.messages() { println!("link event {}", m?.ty()) },
    ///         Err(nlwire::sock::Error::LostEvents) => { /* re-dump the links */ }
    ///         Err(e) => return Err(e.into()),
    ///     }
    /// }
    /// # #[allow(unreachable_code)] Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn recv(&mut self) -> Result<Datagram<'_>, Error> {
        match self.receive(true)? {
            Some(d) => Ok(d),
            None => Err(Error::Io {
                op: "recvmsg",
                errno: libc::EAGAIN,
            }),
        }
    }

    /// The next datagram if one is queued (`Ok(None)` otherwise): for event loops that
    /// poll the socket's descriptor.
    ///
    /// ```
    /// let mut l = nlwire::sock::Listener::new(nlwire::sock::FakePeer::new(|_, _| {}).into_socket());
    /// assert!(l.try_recv()?.is_none());
    /// # Ok::<(), nlwire::sock::Error>(())
    /// ```
    pub fn try_recv(&mut self) -> Result<Option<Datagram<'_>>, Error> {
        self.receive(false)
    }

    fn receive(&mut self, wait: bool) -> Result<Option<Datagram<'_>>, Error> {
        self.buf.clear();
        match self.sock.core.recv_into(&mut self.buf, wait) {
            Ok(r) => Ok(Some(Datagram {
                bytes: self.buf.as_slice(),
                nsid: r.nsid,
            })),
            Err(RecvErr::WouldBlock) => Ok(None),
            Err(RecvErr::Overrun) => Err(Error::LostEvents),
            Err(RecvErr::Fatal(e)) => Err(e),
        }
    }

    /// The socket (port id, statistics).
    ///
    /// ```
    /// let l = nlwire::sock::Listener::new(nlwire::sock::FakePeer::new(|_, _| {}).into_socket());
    /// assert_eq!(l.socket().stats().overruns, 0);
    /// ```
    pub fn socket(&self) -> &Socket<T> {
        &self.sock
    }

    /// The socket, writable (options, the transport).
    ///
    /// ```
    /// let mut l = nlwire::sock::Listener::new(nlwire::sock::FakePeer::new(|_, _| {}).into_socket());
    /// l.socket_mut().transport_mut().inject_overrun();
    /// assert!(l.recv().is_err());
    /// ```
    pub fn socket_mut(&mut self) -> &mut Socket<T> {
        &mut self.sock
    }

    /// Gives the socket back.
    ///
    /// ```
    /// let l = nlwire::sock::Listener::new(nlwire::sock::FakePeer::new(|_, _| {}).into_socket());
    /// let sock = l.into_socket();
    /// # drop(sock);
    /// ```
    pub fn into_socket(self) -> Socket<T> {
        self.sock
    }
}

impl std::os::fd::AsFd for Listener<Kernel> {
    fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        self.sock.as_fd()
    }
}

impl std::os::fd::AsRawFd for Listener<Kernel> {
    fn as_raw_fd(&self) -> std::os::fd::RawFd {
        std::os::fd::AsRawFd::as_raw_fd(&self.sock)
    }
}

impl<T: Transport> core::fmt::Debug for Listener<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Listener")
            .field("sock", &self.sock)
            .finish()
    }
}
