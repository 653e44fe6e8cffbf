//! The Linux netlink transport (feature `socket`).
//!
//! A thin, synchronous layer over `AF_NETLINK` sockets, built on the codec:
//!
//! - [`Socket`]: any protocol; kernel-assigned port id; 4 MiB `SO_RCVBUFFORCE`;
//!   `NETLINK_EXT_ACK` and `NETLINK_CAP_ACK` on; options for `NETLINK_GET_STRICT_CHK`,
//!   `NETLINK_NO_ENOBUFS` and `NETLINK_LISTEN_ALL_NSID` ([`SocketOptions`]); `AsFd` for
//!   event loops.
//! - Receiving takes one `recvmsg`, no `MSG_PEEK`: the caller's buffer plus a 64 KiB
//!   overflow area appended into it, so no reply is truncated; `MSG_TRUNC` beyond that is
//!   [`Error::Truncated`]. Datagrams whose sender is not the kernel (port 0, from the
//!   `sockaddr_nl`) are dropped and counted in [`Stats::foreign_sender_dropped`]: another
//!   process cannot inject replies.
//! - Sequence numbers per socket from 1, never 0, back to 1 past `u32::MAX / 2`; replies
//!   with foreign sequence numbers are ignored.
//! - [`Socket::transact`] and [`Socket::transact_multiple`]: batched sends, one result
//!   per request, `ENOBUFS` recovery, the no-reply rule: see [`txn`].
//! - [`Socket::dump`]: a lending iterator of zero-copy messages, `NLM_F_DUMP_INTR` as
//!   [`Error::DumpInterrupted`], [`Socket::dump_retry`] to restart.
//! - [`Listener`]: multicast groups and notifications; `ENOBUFS` is
//!   [`Error::LostEvents`].
//! - [`genl`]: family and multicast-group ids from `nlctrl`, cached per process.
//! - [`pool`]: idle sockets per protocol, like OVS's `nl_pool`.
//! - [`FakePeer`]: a scripted in-process peer for tests without a kernel, run through the
//!   same code as the kernel socket.
//!
//! ```no_run
//! use nlwire::consts::*;
//! use nlwire::sock::{genl, Socket};
//!
//! let mut sock = Socket::open(NETLINK_GENERIC)?;
//! let ctrl = sock.resolve_family("nlctrl")?;
//! assert_eq!(ctrl.id, GENL_ID_CTRL);
//! let names: Vec<String> = sock.genl_families()?.into_iter().map(|f| f.name).collect();
//! assert!(names.iter().any(|n| n == "nlctrl"));
//! let ethtool = genl::family("ethtool")?; // cached from now on
//! # let _ = ethtool;
//! # Ok::<(), nlwire::sock::Error>(())
//! ```
//!
//! `unsafe` is confined to the private `sock::sys` module (`setsockopt` for the
//! `SOL_NETLINK` options and the `recvmsg` that reads the `NETLINK_LISTEN_ALL_NSID`
//! control message, which rustix lacks); every other system call goes through rustix's
//! safe API.

mod buf;
mod dump;
mod error;
mod fake;
pub mod genl;
mod kernel;
mod listen;
mod netns;
pub mod pool;
mod socket;
mod sys;
mod transport;
pub mod txn;
mod typed;

pub use buf::RecvBuf;
pub use dump::Dump;
pub use error::{Error, KernelError, errno_name};
pub use fake::{FakePeer, Replies};
pub use kernel::{DEFAULT_RCVBUF, Kernel, SocketOptions};
pub use listen::{Datagram, Listener};
pub use netns::{NETNS_RUN_DIR, NetNs};
pub use socket::{OVERFLOW_LEN, Socket, Stats};
pub use transport::{Received, Transport};
pub use txn::{Reply, ReplyKind, ReplyMessages, Transaction};
pub use typed::{Answers, Batch, Ticket, TypedDump};
