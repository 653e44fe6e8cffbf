//! What can go wrong talking to the kernel, said so that a person can act on it.

use std::fmt;
use std::io;

use crate::error::AttrPath;
use crate::msg::ExtAck;
use crate::path_at_offset;
use crate::policy::Policy;
use crate::reported_policy::ReportedPolicy;

/// An error the kernel returned (`NLMSG_ERROR` with a negative code, or an `NLMSG_DONE`
/// that ends a dump with one), with its extended ack resolved against the request.
///
/// ```
/// use nlwire::sock::{Error, KernelError};
/// let e = Error::Kernel(Box::new(KernelError::new(22)));
/// assert_eq!(e.errno(), Some(22));
/// assert!(e.to_string().starts_with("kernel refused the request: EINVAL"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KernelError {
    /// Positive errno.
    pub errno: i32,
    /// The extended-ack message (`NLMSGERR_ATTR_MSG`), if the kernel gave one.
    pub msg: Option<String>,
    /// Offset of the offending attribute in the request (`NLMSGERR_ATTR_OFFS`).
    pub offset: Option<u32>,
    /// The offending attribute, found at `offset` in the request and named from the policy
    /// attached to it (numbers without one). `None` when there is no offset or the
    /// request's attribute start is unknown.
    pub path: Option<AttrPath>,
    /// The attribute the kernel said is missing (`NLMSGERR_ATTR_MISS_TYPE` inside the
    /// nest at `NLMSGERR_ATTR_MISS_NEST`).
    pub missing: Option<AttrPath>,
    /// The policy the offending attribute broke (`NLMSGERR_ATTR_POLICY`), which kernels
    /// send when the request set `NETLINK_EXT_ACK`; `None` when absent or malformed.
    pub policy: Option<ReportedPolicy>,
    /// The opaque cookie (`NLMSGERR_ATTR_COOKIE`) some operations return.
    pub cookie: Option<Vec<u8>>,
}

impl KernelError {
    /// An error with only an errno.
    ///
    /// ```
    /// let k = nlwire::sock::KernelError::new(libc::EPERM);
    /// assert_eq!(k.to_string(), "EPERM (Operation not permitted)");
    /// ```
    pub fn new(errno: i32) -> Self {
        KernelError {
            errno,
            msg: None,
            offset: None,
            path: None,
            missing: None,
            policy: None,
            cookie: None,
        }
    }

    /// Builds the error from an extended ack and the request it answers. `attrs_at` is
    /// where the request's attributes start (20 for plain generic netlink); `policy` names
    /// them.
    ///
    /// ```
    /// use nlwire::{ExtAck, MsgBuf};
    /// use nlwire::sock::KernelError;
    /// let mut b = MsgBuf::new();
    /// let m = b.start_genl_msg(0x10, 1, 3, 1);
    /// b.put_attr_str(2, "x").unwrap();
    /// b.end_msg(m).unwrap();
    /// let ack = ExtAck { msg: Some("bad name"), offset: Some(20), ..ExtAck::default() };
    /// let e = KernelError::from_ext_ack(22, &ack, b.as_slice(), Some(20), None);
    /// assert_eq!(e.path.unwrap().to_string(), "#2");
    /// ```
    pub fn from_ext_ack(
        errno: i32,
        ack: &ExtAck<'_>,
        request: &[u8],
        attrs_at: Option<usize>,
        policy: Option<&'static Policy>,
    ) -> Self {
        let path = match (ack.offset, attrs_at) {
            (Some(off), Some(at)) => path_at_offset(request, at, off as usize, policy),
            _ => None,
        };
        let missing = match (ack.miss_type, attrs_at) {
            (Some(ty), Some(at)) => {
                let nest = match ack.miss_nest {
                    Some(off) => path_at_offset(request, at, off as usize, policy),
                    None => Some(match policy {
                        Some(p) => AttrPath::root().with_policy(p),
                        None => AttrPath::root(),
                    }),
                };
                nest.map(|p| p.child(ty as u16))
            }
            (Some(ty), None) if ack.miss_nest.is_none() => Some(AttrPath::root().child(ty as u16)),
            _ => None,
        };
        KernelError {
            errno,
            msg: ack.msg.map(str::to_owned),
            offset: ack.offset,
            path,
            missing,
            policy: ack.policy.and_then(|p| ReportedPolicy::parse(p).ok()),
            cookie: ack.cookie.map(<[u8]>::to_vec),
        }
    }
}

/// Every failure of [`nlwire::sock`](super). Match on the variant; print it for a person.
///
/// ```
/// use nlwire::sock::Error;
/// let e = Error::LostEvents;
/// assert_eq!(e.errno(), Some(libc::ENOBUFS));
/// assert!(e.to_string().contains("dump"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A system call failed.
    Io {
        /// Which operation (`"sendmsg"`, `"recvmsg"`, `"socket setup"`, ...).
        op: &'static str,
        /// Positive errno.
        errno: i32,
    },
    /// The kernel refused the request.
    Kernel(Box<KernelError>),
    /// A datagram was longer than the receive buffer plus the 64 KiB overflow area; its
    /// tail was lost (`MSG_TRUNC`).
    Truncated {
        /// The datagram's real length.
        len: usize,
        /// Bytes that could be received.
        capacity: usize,
    },
    /// The data changed while the kernel dumped it (`NLM_F_DUMP_INTR`): the messages
    /// already delivered are a mix of before and after. Dump again (see
    /// [`Socket::dump_retry`](super::Socket::dump_retry)).
    DumpInterrupted {
        /// Messages delivered by the interrupted dump.
        messages: usize,
        /// Dump attempts made (1 without retry).
        attempts: u32,
    },
    /// Notifications were dropped because the receive buffer was full (`ENOBUFS` on a
    /// [`Listener`](super::Listener)); the state they described must be re-read.
    LostEvents,
    /// Replies kept overflowing the receive buffer (`ENOBUFS`) and resending made no
    /// progress, or (`rounds: 0`) a dump lost messages.
    Overrun {
        /// Resend rounds tried; 0 for a dump.
        rounds: u32,
    },
    /// A request asked for a reply (`NLM_F_ACK` or `NLM_F_ECHO`) and none came, although
    /// the peer answered later requests or had nothing more queued.
    MissingReply {
        /// The request's sequence number.
        seq: u32,
    },
    /// A dump or multi-part reply ended without `NLMSG_DONE`.
    Incomplete {
        /// The request's sequence number.
        seq: u32,
    },
    /// A reply that does not parse.
    Malformed(crate::Error),
    /// A typed request that does not encode or breaks its own policy (a string longer
    /// than its `max-len`, a value out of range): nothing was sent. The codec's error
    /// names the field and the rule.
    InvalidRequest(crate::Error),
    /// A request that cannot be sent.
    BadRequest {
        /// Why.
        reason: &'static str,
    },
    /// A generic netlink family or multicast group that does not exist.
    NotFound {
        /// `"family"` or `"multicast group"`.
        what: &'static str,
        /// The name looked up.
        name: String,
    },
}

impl Error {
    /// An [`Error::Io`] from an I/O error (non-OS errors map to their closest errno).
    ///
    /// ```
    /// let e = nlwire::sock::Error::io("recvmsg", std::io::Error::from_raw_os_error(libc::EINTR));
    /// assert_eq!(e.errno(), Some(libc::EINTR));
    /// ```
    pub fn io(op: &'static str, e: io::Error) -> Self {
        Error::Io {
            op,
            errno: errno_of(&e),
        }
    }

    /// The errno this error stands for, if any.
    ///
    /// ```
    /// use nlwire::sock::Error;
    /// assert_eq!(Error::Io { op: "recvmsg", errno: 4 }.errno(), Some(4));
    /// assert_eq!(Error::BadRequest { reason: "x" }.errno(), None);
    /// ```
    pub fn errno(&self) -> Option<i32> {
        match self {
            Error::Io { errno, .. } => Some(*errno),
            Error::Kernel(k) => Some(k.errno),
            Error::LostEvents | Error::Overrun { .. } => Some(libc::ENOBUFS),
            Error::Truncated { .. } => Some(libc::EMSGSIZE),
            _ => None,
        }
    }

    /// The kernel's error, if this is one.
    ///
    /// ```
    /// use nlwire::sock::{Error, KernelError};
    /// let e = Error::Kernel(Box::new(KernelError::new(17)));
    /// assert_eq!(e.kernel().unwrap().errno, 17);
    /// assert!(Error::LostEvents.kernel().is_none());
    /// ```
    pub fn kernel(&self) -> Option<&KernelError> {
        match self {
            Error::Kernel(k) => Some(k),
            _ => None,
        }
    }

    /// True for errors that a fresh dump can cure: [`Error::DumpInterrupted`] and
    /// [`Error::Overrun`].
    ///
    /// ```
    /// let e = nlwire::sock::Error::DumpInterrupted { messages: 3, attempts: 1 };
    /// assert!(e.is_retryable());
    /// ```
    pub fn is_retryable(&self) -> bool {
        matches!(self, Error::DumpInterrupted { .. } | Error::Overrun { .. })
    }
}

fn errno_of(e: &io::Error) -> i32 {
    e.raw_os_error().unwrap_or(match e.kind() {
        io::ErrorKind::WouldBlock => libc::EAGAIN,
        io::ErrorKind::TimedOut => libc::ETIMEDOUT,
        io::ErrorKind::Interrupted => libc::EINTR,
        io::ErrorKind::InvalidInput => libc::EINVAL,
        io::ErrorKind::PermissionDenied => libc::EPERM,
        io::ErrorKind::NotFound => libc::ENOENT,
        _ => libc::EIO,
    })
}

/// The symbolic name of common errno values (`EINVAL`), or `None`.
///
/// ```
/// assert_eq!(nlwire::sock::errno_name(2), Some("ENOENT"));
/// ```
pub fn errno_name(errno: i32) -> Option<&'static str> {
    Some(match errno {
        libc::EPERM => "EPERM",
        libc::ENOENT => "ENOENT",
        libc::ESRCH => "ESRCH",
        libc::EINTR => "EINTR",
        libc::EIO => "EIO",
        libc::ENXIO => "ENXIO",
        libc::E2BIG => "E2BIG",
        libc::EBADF => "EBADF",
        libc::EAGAIN => "EAGAIN",
        libc::ENOMEM => "ENOMEM",
        libc::EACCES => "EACCES",
        libc::EFAULT => "EFAULT",
        libc::EBUSY => "EBUSY",
        libc::EEXIST => "EEXIST",
        libc::ENODEV => "ENODEV",
        libc::ENOTDIR => "ENOTDIR",
        libc::EINVAL => "EINVAL",
        libc::ENFILE => "ENFILE",
        libc::EMFILE => "EMFILE",
        libc::EFBIG => "EFBIG",
        libc::ENOSPC => "ENOSPC",
        libc::ERANGE => "ERANGE",
        libc::EDEADLK => "EDEADLK",
        libc::ENOSYS => "ENOSYS",
        libc::ENOTEMPTY => "ENOTEMPTY",
        libc::ELOOP => "ELOOP",
        libc::ENODATA => "ENODATA",
        libc::EPROTO => "EPROTO",
        libc::EOVERFLOW => "EOVERFLOW",
        libc::EMSGSIZE => "EMSGSIZE",
        libc::EPROTONOSUPPORT => "EPROTONOSUPPORT",
        libc::EOPNOTSUPP => "EOPNOTSUPP",
        libc::EAFNOSUPPORT => "EAFNOSUPPORT",
        libc::EADDRINUSE => "EADDRINUSE",
        libc::EADDRNOTAVAIL => "EADDRNOTAVAIL",
        libc::ENETDOWN => "ENETDOWN",
        libc::ENETUNREACH => "ENETUNREACH",
        libc::ENOBUFS => "ENOBUFS",
        libc::ECONNREFUSED => "ECONNREFUSED",
        libc::ETIMEDOUT => "ETIMEDOUT",
        libc::EHOSTUNREACH => "EHOSTUNREACH",
        libc::EALREADY => "EALREADY",
        libc::EINPROGRESS => "EINPROGRESS",
        _ => return None,
    })
}

/// "EINVAL (Invalid argument)".
struct Errno(i32);

impl fmt::Display for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let desc = io::Error::from_raw_os_error(self.0).to_string();
        let desc = desc
            .strip_suffix(&format!(" (os error {})", self.0))
            .unwrap_or(&desc)
            .to_owned();
        match errno_name(self.0) {
            Some(n) => write!(f, "{n} ({desc})"),
            None => write!(f, "errno {} ({desc})", self.0),
        }
    }
}

impl fmt::Display for KernelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", Errno(self.errno))?;
        if let Some(m) = &self.msg {
            write!(f, ": \"{m}\"")?;
        }
        match (&self.path, self.offset) {
            (Some(p), Some(o)) => write!(f, "; offending attribute {p} (offset {o})")?,
            (None, Some(o)) => write!(f, "; offending attribute at request offset {o}")?,
            _ => {}
        }
        if let Some(m) = &self.missing {
            write!(f, "; missing attribute {m}")?;
        }
        if let Some(p) = &self.policy {
            write!(f, "; the kernel's policy for it: {p}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { op, errno } => write!(f, "netlink {op} failed: {}", Errno(*errno)),
            Error::Kernel(k) => write!(f, "kernel refused the request: {k}"),
            Error::Truncated { len, capacity } => write!(
                f,
                "a {len}-byte datagram did not fit the {capacity}-byte receive area and was \
                 truncated (MSG_TRUNC); the reply is lost, retry the request"
            ),
            Error::DumpInterrupted { messages, attempts } => write!(
                f,
                "the dump was interrupted by concurrent changes (NLM_F_DUMP_INTR) after \
                 {messages} message(s) in {attempts} attempt(s); its results are inconsistent, \
                 dump again"
            ),
            Error::LostEvents => f.write_str(
                "notifications were lost (ENOBUFS: receive buffer full); re-read the state \
                 with a dump, and consider a larger receive buffer",
            ),
            Error::Overrun { rounds: 0 } => f.write_str(
                "the dump lost messages to a receive-buffer overrun (ENOBUFS); dump again \
                 (Socket::dump_retry does) or raise SO_RCVBUF",
            ),
            Error::Overrun { rounds } => write!(
                f,
                "replies overflowed the receive buffer (ENOBUFS) and {rounds} resend round(s) \
                 made no progress; raise SO_RCVBUF or send smaller batches"
            ),
            Error::MissingReply { seq } => write!(
                f,
                "no reply to request seq {seq}, which asked for one (NLM_F_ACK/NLM_F_ECHO): \
                 the family may ignore NLM_F_ECHO, or the reply was dropped with \
                 NETLINK_NO_ENOBUFS set"
            ),
            Error::Incomplete { seq } => write!(
                f,
                "the multi-part reply to request seq {seq} ended without NLMSG_DONE"
            ),
            Error::Malformed(e) => write!(f, "malformed netlink reply: {e}"),
            Error::InvalidRequest(e) => write!(f, "invalid request, not sent: {e}"),
            Error::BadRequest { reason } => write!(f, "cannot send request: {reason}"),
            Error::NotFound { what, name } => write!(f, "no generic netlink {what} \"{name}\""),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Malformed(e) | Error::InvalidRequest(e) => Some(e),
            _ => None,
        }
    }
}

impl From<crate::Error> for Error {
    fn from(e: crate::Error) -> Self {
        Error::Malformed(e)
    }
}

impl From<Error> for io::Error {
    fn from(e: Error) -> Self {
        match e {
            Error::Io { errno, .. } => io::Error::from_raw_os_error(errno),
            other => io::Error::other(other),
        }
    }
}
