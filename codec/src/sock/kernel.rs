//! The real transport: an `AF_NETLINK` / `SOCK_RAW` socket, through rustix (and
//! [`super::sys`] for the `SOL_NETLINK` options).

use std::io::{self, IoSlice, IoSliceMut};
use std::num::NonZeroU32;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};

use rustix::net::netlink::SocketAddrNetlink;
use rustix::net::{
    AddressFamily, Protocol, RecvAncillaryBuffer, RecvFlags, ReturnFlags, SendAncillaryBuffer,
    SendFlags, SocketFlags, SocketType, sockopt,
};

use super::sys;
use super::transport::{Received, Transport};
use crate::consts::{
    NETLINK_ADD_MEMBERSHIP, NETLINK_CAP_ACK, NETLINK_DROP_MEMBERSHIP, NETLINK_EXT_ACK,
    NETLINK_GET_STRICT_CHK, NETLINK_LISTEN_ALL_NSID, NETLINK_NO_ENOBUFS, NETLINK_ROUTE,
    SOL_NETLINK,
};

/// Receive buffer asked for by default (OVS asks for 4 MiB with `SO_RCVBUFFORCE`).
///
/// ```
/// assert_eq!(nlwire::sock::DEFAULT_RCVBUF, 4 << 20);
/// ```
pub const DEFAULT_RCVBUF: usize = 4 << 20;

/// How to open a kernel netlink socket. Every field has the default described on its
/// setter; [`SocketOptions::new`] takes the protocol.
///
/// ```no_run
/// use nlwire::consts::NETLINK_ROUTE;
/// use nlwire::sock::SocketOptions;
/// let sock = SocketOptions::new(NETLINK_ROUTE).rcvbuf(1 << 20).no_enobufs(false).open()?;
/// assert_ne!(sock.port_id(), 0);
/// # Ok::<(), nlwire::sock::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SocketOptions {
    pub(crate) protocol: i32,
    pub(crate) rcvbuf: Option<usize>,
    pub(crate) ext_ack: bool,
    pub(crate) cap_ack: bool,
    pub(crate) strict_chk: Option<bool>,
    pub(crate) no_enobufs: bool,
    pub(crate) listen_all_nsid: bool,
    pub(crate) connect: bool,
    pub(crate) netns: super::NetNs,
}

impl SocketOptions {
    /// Defaults for `protocol` (`NETLINK_ROUTE`, `NETLINK_GENERIC`, ... or any number).
    ///
    /// ```
    /// let o = nlwire::sock::SocketOptions::new(nlwire::consts::NETLINK_GENERIC);
    /// assert_eq!(o.protocol(), 16);
    /// ```
    pub fn new(protocol: i32) -> Self {
        SocketOptions {
            protocol,
            rcvbuf: Some(DEFAULT_RCVBUF),
            ext_ack: true,
            cap_ack: true,
            strict_chk: None,
            no_enobufs: false,
            listen_all_nsid: false,
            connect: true,
            netns: super::NetNs::Current,
        }
    }

    /// The protocol.
    ///
    /// ```
    /// assert_eq!(nlwire::sock::SocketOptions::new(0).protocol(), 0);
    /// ```
    pub fn protocol(&self) -> i32 {
        self.protocol
    }

    /// Receive buffer size to ask for (default 4 MiB). It is set with `SO_RCVBUFFORCE`,
    /// falling back to `SO_RCVBUF` (capped by `net.core.rmem_max`) without
    /// `CAP_NET_ADMIN`; the kernel doubles the value and enforces a small minimum.
    ///
    /// ```
    /// let o = nlwire::sock::SocketOptions::new(16).rcvbuf(64 << 10);
    /// # let _ = o;
    /// ```
    pub fn rcvbuf(mut self, bytes: usize) -> Self {
        self.rcvbuf = Some(bytes);
        self
    }

    /// Keep the system default receive buffer.
    ///
    /// ```
    /// let o = nlwire::sock::SocketOptions::new(16).default_rcvbuf();
    /// # let _ = o;
    /// ```
    pub fn default_rcvbuf(mut self) -> Self {
        self.rcvbuf = None;
        self
    }

    /// `NETLINK_EXT_ACK` (default on): errors carry a message and the offending
    /// attribute's offset.
    ///
    /// ```
    /// let o = nlwire::sock::SocketOptions::new(16).ext_ack(false);
    /// # let _ = o;
    /// ```
    pub fn ext_ack(mut self, on: bool) -> Self {
        self.ext_ack = on;
        self
    }

    /// `NETLINK_CAP_ACK` (default on): errors echo only the request's header, not the
    /// whole request (the transport keeps the request to name the offending attribute).
    ///
    /// ```
    /// let o = nlwire::sock::SocketOptions::new(16).cap_ack(false);
    /// # let _ = o;
    /// ```
    pub fn cap_ack(mut self, on: bool) -> Self {
        self.cap_ack = on;
        self
    }

    /// `NETLINK_GET_STRICT_CHK`: the kernel validates dump requests and honours their
    /// filters. Default: on for `NETLINK_ROUTE` (as OVS does), off otherwise.
    ///
    /// ```
    /// let o = nlwire::sock::SocketOptions::new(0).strict_chk(false);
    /// # let _ = o;
    /// ```
    pub fn strict_chk(mut self, on: bool) -> Self {
        self.strict_chk = Some(on);
        self
    }

    /// `NETLINK_NO_ENOBUFS` (default off): the kernel drops what does not fit the receive
    /// buffer without telling. Leave it off for transactions: the batch engine resends on
    /// `ENOBUFS`, and with it on a lost reply is only noticed when the request asked for one.
    ///
    /// ```
    /// let o = nlwire::sock::SocketOptions::new(16).no_enobufs(true);
    /// # let _ = o;
    /// ```
    pub fn no_enobufs(mut self, on: bool) -> Self {
        self.no_enobufs = on;
        self
    }

    /// `NETLINK_LISTEN_ALL_NSID` (default off): receive notifications from every network
    /// namespace that has an id in ours; each [`Datagram`](super::Datagram) then says which.
    ///
    /// ```
    /// let o = nlwire::sock::SocketOptions::new(0).listen_all_nsid(true);
    /// # let _ = o;
    /// ```
    pub fn listen_all_nsid(mut self, on: bool) -> Self {
        self.listen_all_nsid = on;
        self
    }

    /// `connect()` the socket to the kernel (port 0), the default: the kernel then refuses
    /// unicast datagrams from any other port (`ECONNREFUSED` at the sender). With or
    /// without it, the socket drops and counts datagrams whose sender is not the kernel.
    ///
    /// ```
    /// let o = nlwire::sock::SocketOptions::new(16).connect(false);
    /// # let _ = o;
    /// ```
    pub fn connect(mut self, on: bool) -> Self {
        self.connect = on;
        self
    }

    /// The network namespace to open the socket in (default: the caller's). The socket is
    /// created on a short-lived thread that enters the namespace, so the calling thread
    /// stays where it is; the socket keeps talking to that namespace for its life.
    ///
    /// ```no_run
    /// use nlwire::sock::{NetNs, SocketOptions};
    /// let sock = SocketOptions::new(nlwire::consts::NETLINK_ROUTE).netns(NetNs::named("blue")).open()?;
    /// # Ok::<(), nlwire::sock::Error>(())
    /// ```
    pub fn netns(mut self, ns: super::NetNs) -> Self {
        self.netns = ns;
        self
    }

    /// Opens the socket.
    ///
    /// ```no_run
    /// let sock = nlwire::sock::SocketOptions::new(nlwire::consts::NETLINK_GENERIC).open()?;
    /// # Ok::<(), nlwire::sock::Error>(())
    /// ```
    pub fn open(&self) -> Result<super::Socket<Kernel>, super::Error> {
        Kernel::open(self)
            .map(super::Socket::with_transport)
            .map_err(|e| super::Error::io("socket setup", e))
    }
}

/// A kernel netlink socket: the [`Transport`] behind [`Socket`](super::Socket) by default.
///
/// ```no_run
/// use nlwire::sock::{Kernel, SocketOptions, Transport};
/// let k = Kernel::open(&SocketOptions::new(nlwire::consts::NETLINK_GENERIC))?;
/// assert_ne!(k.port_id(), 0);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct Kernel {
    fd: OwnedFd,
    protocol: i32,
    port: u32,
    rcvbuf: usize,
    listen_all_nsid: bool,
    ext_ack: bool,
    cap_ack: bool,
}

impl Kernel {
    /// Creates (in [`SocketOptions::netns`]), configures, binds (kernel-assigned port id)
    /// and optionally connects a socket. `NETLINK_EXT_ACK` and `NETLINK_CAP_ACK` failures are tolerated (old
    /// kernels; see [`ext_ack`](Self::ext_ack)); every other option asked for must succeed.
    ///
    /// ```no_run
    /// use nlwire::sock::{Kernel, SocketOptions, Transport};
    /// let k = Kernel::open(&SocketOptions::new(nlwire::consts::NETLINK_ROUTE))?;
    /// assert!(k.rcvbuf() > 0);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn open(opts: &SocketOptions) -> io::Result<Self> {
        opts.netns.run(|| Self::open_here(opts))
    }

    /// [`open`](Self::open) in the calling thread's namespace.
    fn open_here(opts: &SocketOptions) -> io::Result<Self> {
        let proto = NonZeroU32::new(opts.protocol as u32).map(Protocol::from_raw);
        let fd = rustix::net::socket_with(
            AddressFamily::NETLINK,
            SocketType::RAW,
            SocketFlags::CLOEXEC,
            proto,
        )?;
        let ext_ack = opts.ext_ack && set_bool(fd.as_fd(), NETLINK_EXT_ACK, true).is_ok();
        let cap_ack = opts.cap_ack && set_bool(fd.as_fd(), NETLINK_CAP_ACK, true).is_ok();
        let strict = opts.strict_chk.unwrap_or(opts.protocol == NETLINK_ROUTE);
        if strict {
            set_bool(fd.as_fd(), NETLINK_GET_STRICT_CHK, true)?;
        }
        if opts.no_enobufs {
            set_bool(fd.as_fd(), NETLINK_NO_ENOBUFS, true)?;
        }
        if opts.listen_all_nsid {
            set_bool(fd.as_fd(), NETLINK_LISTEN_ALL_NSID, true)?;
        }
        if let Some(n) = opts.rcvbuf {
            set_rcvbuf(fd.as_fd(), n)?;
        }
        rustix::net::bind(&fd, &SocketAddrNetlink::new(0, 0))?;
        if opts.connect {
            rustix::net::connect(&fd, &SocketAddrNetlink::new(0, 0))?;
        }
        let port = SocketAddrNetlink::try_from(rustix::net::getsockname(&fd)?)?.pid();
        let rcvbuf = sockopt::socket_recv_buffer_size(&fd)?;
        Ok(Kernel {
            fd,
            protocol: opts.protocol,
            port,
            rcvbuf,
            listen_all_nsid: opts.listen_all_nsid,
            ext_ack,
            cap_ack,
        })
    }

    /// The netlink protocol.
    ///
    /// ```no_run
    /// use nlwire::sock::{Kernel, SocketOptions};
    /// let mut k = Kernel::open(&SocketOptions::new(nlwire::consts::NETLINK_GENERIC))?;
    /// assert_eq!(k.protocol(), 16);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn protocol(&self) -> i32 {
        self.protocol
    }

    /// Whether `NETLINK_EXT_ACK` is on.
    ///
    /// ```no_run
    /// use nlwire::sock::{Kernel, SocketOptions};
    /// let mut k = Kernel::open(&SocketOptions::new(nlwire::consts::NETLINK_GENERIC))?;
    /// assert!(k.ext_ack());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn ext_ack(&self) -> bool {
        self.ext_ack
    }

    /// Whether `NETLINK_CAP_ACK` is on.
    ///
    /// ```no_run
    /// use nlwire::sock::{Kernel, SocketOptions};
    /// let mut k = Kernel::open(&SocketOptions::new(nlwire::consts::NETLINK_GENERIC))?;
    /// assert!(k.cap_ack());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn cap_ack(&self) -> bool {
        self.cap_ack
    }

    /// Sets a boolean `SOL_NETLINK` option (`NETLINK_GET_STRICT_CHK`, ...).
    ///
    /// ```no_run
    /// use nlwire::sock::{Kernel, SocketOptions};
    /// let mut k = Kernel::open(&SocketOptions::new(nlwire::consts::NETLINK_GENERIC))?;
    /// k.set_netlink_option(nlwire::consts::NETLINK_NO_ENOBUFS, true)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn set_netlink_option(&mut self, name: i32, on: bool) -> io::Result<()> {
        set_bool(self.fd.as_fd(), name, on)?;
        if name == NETLINK_LISTEN_ALL_NSID {
            self.listen_all_nsid = on;
        }
        Ok(())
    }

    /// Sets the receive buffer (`SO_RCVBUFFORCE`, else `SO_RCVBUF`) and reads it back.
    ///
    /// ```no_run
    /// use nlwire::sock::{Kernel, SocketOptions};
    /// let mut k = Kernel::open(&SocketOptions::new(nlwire::consts::NETLINK_GENERIC))?;
    /// assert!(k.set_rcvbuf(1 << 20)? >= 1 << 20);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn set_rcvbuf(&mut self, bytes: usize) -> io::Result<usize> {
        set_rcvbuf(self.fd.as_fd(), bytes)?;
        self.rcvbuf = sockopt::socket_recv_buffer_size(&self.fd)?;
        Ok(self.rcvbuf)
    }

    /// Sets `SO_RCVTIMEO`: a blocking receive fails with `EAGAIN` after `timeout`.
    ///
    /// ```no_run
    /// use nlwire::sock::{Kernel, SocketOptions};
    /// let mut k = Kernel::open(&SocketOptions::new(nlwire::consts::NETLINK_GENERIC))?;
    /// k.set_read_timeout(Some(std::time::Duration::from_millis(100)))?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn set_read_timeout(&mut self, timeout: Option<std::time::Duration>) -> io::Result<()> {
        sockopt::set_socket_timeout(&self.fd, sockopt::Timeout::Recv, timeout)?;
        Ok(())
    }
}

fn set_bool(fd: BorrowedFd<'_>, name: i32, on: bool) -> io::Result<()> {
    sys::set_int_option(fd, SOL_NETLINK, name, i32::from(on))
}

fn set_rcvbuf(fd: BorrowedFd<'_>, bytes: usize) -> io::Result<()> {
    match sockopt::set_socket_recv_buffer_size_force(fd, bytes) {
        Ok(()) => Ok(()),
        Err(rustix::io::Errno::PERM) => {
            sockopt::set_socket_recv_buffer_size(fd, bytes).map_err(Into::into)
        }
        Err(e) => Err(e.into()),
    }
}

impl Transport for Kernel {
    fn port_id(&self) -> u32 {
        self.port
    }

    fn send(&mut self, iov: &[IoSlice<'_>]) -> io::Result<usize> {
        loop {
            match rustix::net::sendmsg(
                &self.fd,
                iov,
                &mut SendAncillaryBuffer::default(),
                SendFlags::empty(),
            ) {
                Err(rustix::io::Errno::INTR) => continue,
                r => return r.map_err(Into::into),
            }
        }
    }

    fn recv(&mut self, iov: &mut [IoSliceMut<'_>], wait: bool) -> io::Result<Received> {
        if self.listen_all_nsid {
            let r = sys::recvmsg_nsid(self.fd.as_fd(), iov, !wait)?;
            return Ok(Received {
                len: r.len,
                truncated: r.truncated,
                sender: r.sender,
                nsid: r.nsid,
            });
        }
        let mut flags = RecvFlags::TRUNC;
        if !wait {
            flags |= RecvFlags::DONTWAIT;
        }
        let r = rustix::net::recvmsg(&self.fd, iov, &mut RecvAncillaryBuffer::default(), flags)?;
        let sender = r
            .address
            .and_then(|a| SocketAddrNetlink::try_from(a).ok())
            .map(|a| a.pid());
        Ok(Received {
            len: r.bytes,
            truncated: r.flags.contains(ReturnFlags::TRUNC),
            sender,
            nsid: None,
        })
    }

    fn rcvbuf(&self) -> usize {
        self.rcvbuf
    }

    fn set_membership(&mut self, group: u32, join: bool) -> io::Result<()> {
        let name = if join {
            NETLINK_ADD_MEMBERSHIP
        } else {
            NETLINK_DROP_MEMBERSHIP
        };
        sys::set_int_option(self.fd.as_fd(), SOL_NETLINK, name, group as i32)
    }
}

impl AsFd for Kernel {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

impl AsRawFd for Kernel {
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}
