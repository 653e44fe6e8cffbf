//! A pool of idle kernel sockets per protocol (OVS `nl_pool`): transactions borrow one
//! instead of opening a socket each time.

use std::collections::HashMap;
use std::ops::{Deref, DerefMut};
use std::sync::{LazyLock, Mutex, PoisonError};

use super::error::Error;
use super::kernel::Kernel;
use super::socket::Socket;
use super::txn::{Reply, Transaction};

/// Most idle sockets kept per protocol and network namespace.
pub const MAX_IDLE: usize = 16;

/// Sockets belong to the network namespace of the thread that opened them, so the pool
/// is keyed by protocol and namespace (device and inode of `/proc/thread-self/ns/net`).
type Key = (i32, u64, u64);

static POOL: LazyLock<Mutex<HashMap<Key, Vec<Socket<Kernel>>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

fn pool() -> std::sync::MutexGuard<'static, HashMap<Key, Vec<Socket<Kernel>>>> {
    POOL.lock().unwrap_or_else(PoisonError::into_inner)
}

fn key(protocol: i32) -> Option<Key> {
    let st = rustix::fs::stat("/proc/thread-self/ns/net").ok()?;
    Some((protocol, st.st_dev, st.st_ino))
}

/// A socket borrowed from the pool; it goes back when dropped, unless its options were
/// changed or a transport error left it in doubt (then it is closed).
///
/// ```no_run
/// let mut sock = nlwire::sock::pool::socket(nlwire::consts::NETLINK_GENERIC)?;
/// let f = sock.resolve_family("nlctrl")?;
/// # let _ = f;
/// # Ok::<(), nlwire::sock::Error>(())
/// ```
#[derive(Debug)]
pub struct Pooled {
    sock: Option<Socket<Kernel>>,
    key: Option<Key>,
}

impl Deref for Pooled {
    type Target = Socket<Kernel>;
    fn deref(&self) -> &Socket<Kernel> {
        // Only `drop` takes the socket out.
        self.sock.as_ref().unwrap_or_else(|| unreachable!())
    }
}

impl DerefMut for Pooled {
    fn deref_mut(&mut self) -> &mut Socket<Kernel> {
        self.sock.as_mut().unwrap_or_else(|| unreachable!())
    }
}

impl Drop for Pooled {
    fn drop(&mut self) {
        let (Some(sock), Some(key)) = (self.sock.take(), self.key) else {
            return;
        };
        if sock.dirty {
            return;
        }
        let mut p = pool();
        let idle = p.entry(key).or_default();
        if idle.len() < MAX_IDLE {
            idle.push(sock);
        }
    }
}

/// Takes an idle socket for `protocol` in the calling thread's network namespace, or
/// opens one with the default options.
///
/// ```no_run
/// let mut sock = nlwire::sock::pool::socket(nlwire::consts::NETLINK_ROUTE)?;
/// println!("borrowed port {}", sock.port_id());
/// # Ok::<(), nlwire::sock::Error>(())
/// ```
pub fn socket(protocol: i32) -> Result<Pooled, Error> {
    let key = key(protocol);
    if let Some(sock) = key.and_then(|k| pool().get_mut(&k).and_then(Vec::pop)) {
        return Ok(Pooled {
            sock: Some(sock),
            key,
        });
    }
    Ok(Pooled {
        sock: Some(Socket::open(protocol)?),
        key,
    })
}

/// Idle sockets for `protocol` in the calling thread's network namespace.
///
/// ```no_run
/// drop(nlwire::sock::pool::socket(nlwire::consts::NETLINK_GENERIC)?);
/// assert!(nlwire::sock::pool::idle(nlwire::consts::NETLINK_GENERIC) >= 1);
/// # Ok::<(), nlwire::sock::Error>(())
/// ```
pub fn idle(protocol: i32) -> usize {
    key(protocol).map_or(0, |k| pool().get(&k).map_or(0, Vec::len))
}

/// Runs one transaction on a pooled socket.
///
/// ```no_run
/// use nlwire::consts::*;
/// let mut t = nlwire::sock::Transaction::new();
/// nlwire::sock::genl::put_getfamily(t.request_mut(), Some("nlctrl"))?;
/// let reply = nlwire::sock::pool::transact(NETLINK_GENERIC, &mut t)?;
/// # let _ = reply;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn transact(protocol: i32, txn: &mut Transaction) -> Result<Reply<'_>, Error> {
    let mut sock = socket(protocol)?;
    sock.transact_multiple(core::slice::from_mut(txn))?;
    drop(sock);
    txn.result()
}

/// Runs a batch on a pooled socket (see [`Socket::transact_multiple`]). If no socket can
/// be had, every transaction gets that error.
///
/// ```no_run
/// use nlwire::sock::{genl, pool, Transaction};
/// let mut txns: Vec<Transaction> = ["nlctrl", "ethtool"].iter().map(|n| {
///     let mut t = Transaction::new();
///     genl::put_getfamily(t.request_mut(), Some(n)).unwrap();
///     t
/// }).collect();
/// pool::transact_multiple(nlwire::consts::NETLINK_GENERIC, &mut txns)?;
/// # Ok::<(), nlwire::sock::Error>(())
/// ```
pub fn transact_multiple(protocol: i32, txns: &mut [Transaction]) -> Result<(), Error> {
    let mut sock = match socket(protocol) {
        Ok(s) => s,
        Err(e) => {
            for t in txns.iter_mut() {
                t.fail(e.clone());
            }
            return Err(e);
        }
    };
    sock.transact_multiple(txns)
}
