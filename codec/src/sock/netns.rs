//! Which network namespace a socket lives in. A netlink socket belongs to the namespace of
//! the thread that created it, for good; [`NetNs`] lets [`SocketOptions::netns`] create
//! it on a short-lived thread that enters the namespace, so the calling thread never
//! moves.
//!
//! [`SocketOptions::netns`]: super::SocketOptions::netns

use std::fmt;
use std::fs::File;
use std::io;
use std::os::fd::{AsFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustix::thread::{LinkNameSpaceType, move_into_link_name_space};

/// Where `ip netns add NAME` puts the namespace's handle.
pub const NETNS_RUN_DIR: &str = "/run/netns";

/// A network namespace to open sockets in: the caller's own, or one named by a path
/// (`/run/netns/NAME`, `/proc/PID/ns/net`) or held by a file descriptor. Entering another
/// namespace takes `CAP_SYS_ADMIN`.
///
/// ```
/// use nlwire::sock::NetNs;
/// assert_eq!(NetNs::named("blue"), NetNs::path("/run/netns/blue"));
/// assert!(NetNs::current().is_current());
/// ```
#[derive(Clone, Default)]
pub enum NetNs {
    /// The namespace of the thread that opens the socket.
    #[default]
    Current,
    /// The namespace whose handle is this file.
    Path(PathBuf),
    /// The namespace this descriptor refers to.
    Fd(Arc<OwnedFd>),
}

impl NetNs {
    /// The caller's own namespace.
    pub fn current() -> Self {
        NetNs::Current
    }

    /// The namespace `ip netns add NAME` made: `/run/netns/NAME`.
    pub fn named(name: &str) -> Self {
        NetNs::Path(Path::new(NETNS_RUN_DIR).join(name))
    }

    /// The namespace whose handle is the file at `path` (`/proc/PID/ns/net`, a bind mount).
    pub fn path(path: impl Into<PathBuf>) -> Self {
        NetNs::Path(path.into())
    }

    /// The namespace `fd` refers to (an open namespace file, a pidfd).
    pub fn fd(fd: OwnedFd) -> Self {
        NetNs::Fd(Arc::new(fd))
    }

    /// True for [`NetNs::Current`].
    pub fn is_current(&self) -> bool {
        matches!(self, NetNs::Current)
    }

    /// Runs `f` on a new thread that has entered this namespace, and returns its result;
    /// for [`NetNs::Current`], runs it here. What `f` creates (sockets) stays in the
    /// namespace; the calling thread's own namespace never changes.
    ///
    /// ```no_run
    /// use nlwire::sock::NetNs;
    /// let links = NetNs::named("blue").run(|| std::fs::read_to_string("/proc/net/dev"))?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn run<T: Send>(&self, f: impl FnOnce() -> io::Result<T> + Send) -> io::Result<T> {
        let handle: OwnedFd = match self {
            NetNs::Current => return f(),
            NetNs::Path(p) => File::open(p)
                .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", p.display())))?
                .into(),
            NetNs::Fd(fd) => fd.try_clone()?,
        };
        std::thread::scope(|s| {
            s.spawn(move || {
                move_into_link_name_space(handle.as_fd(), Some(LinkNameSpaceType::Network))?;
                f()
            })
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the namespace thread panicked")))
        })
    }
}

impl fmt::Debug for NetNs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NetNs::Current => f.write_str("NetNs::Current"),
            NetNs::Path(p) => write!(f, "NetNs::Path({})", p.display()),
            NetNs::Fd(fd) => write!(f, "NetNs::Fd({fd:?})"),
        }
    }
}

/// Namespaces are equal when they are named the same way (the same path, or the same
/// shared descriptor); two paths to one namespace compare unequal.
impl PartialEq for NetNs {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (NetNs::Current, NetNs::Current) => true,
            (NetNs::Path(a), NetNs::Path(b)) => a == b,
            (NetNs::Fd(a), NetNs::Fd(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl Eq for NetNs {}
