//! Generic netlink: family and multicast-group resolution through `nlctrl`, with a
//! per-process cache.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

use super::error::Error;
use super::socket::Socket;
use super::transport::Transport;
use super::txn::Transaction;
use crate::MsgBuf;
use crate::consts::{
    GENL_HDRLEN, GENL_ID_CTRL, NETLINK_GENERIC, NLM_F_ACK, NLM_F_REQUEST, NLMSG_HDRLEN,
};
use crate::index::AttrIndex;
use crate::msg::Msg;
use crate::policy::{AttrKind, AttrPolicy, Policy};

/// `CTRL_CMD_NEWFAMILY`: the reply to `CTRL_CMD_GETFAMILY`.
pub const CTRL_CMD_NEWFAMILY: u8 = 1;
/// `CTRL_CMD_GETFAMILY`.
pub const CTRL_CMD_GETFAMILY: u8 = 3;
/// `CTRL_ATTR_FAMILY_ID` (u16).
pub const CTRL_ATTR_FAMILY_ID: u16 = 1;
/// `CTRL_ATTR_FAMILY_NAME` (string).
pub const CTRL_ATTR_FAMILY_NAME: u16 = 2;
/// `CTRL_ATTR_VERSION` (u32).
pub const CTRL_ATTR_VERSION: u16 = 3;
/// `CTRL_ATTR_HDRSIZE` (u32).
pub const CTRL_ATTR_HDRSIZE: u16 = 4;
/// `CTRL_ATTR_MAXATTR` (u32).
pub const CTRL_ATTR_MAXATTR: u16 = 5;
/// `CTRL_ATTR_OPS` (nested array).
pub const CTRL_ATTR_OPS: u16 = 6;
/// `CTRL_ATTR_MCAST_GROUPS` (nested array of groups).
pub const CTRL_ATTR_MCAST_GROUPS: u16 = 7;
/// `CTRL_ATTR_MCAST_GRP_NAME` (string).
pub const CTRL_ATTR_MCAST_GRP_NAME: u16 = 1;
/// `CTRL_ATTR_MCAST_GRP_ID` (u32).
pub const CTRL_ATTR_MCAST_GRP_ID: u16 = 2;
/// Where a `nlctrl` request's attributes start.
///
/// ```
/// assert_eq!(nlwire::sock::genl::CTRL_ATTRS_AT, 20); // nlmsghdr + genlmsghdr
/// ```
pub const CTRL_ATTRS_AT: usize = NLMSG_HDRLEN + GENL_HDRLEN;

/// Policy of a multicast group entry.
///
/// ```
/// assert_eq!(nlwire::sock::genl::CTRL_MCAST_GRP_POLICY.get(2).unwrap().name, "id");
/// ```
pub static CTRL_MCAST_GRP_POLICY: Policy = Policy::new(
    "mcast-group",
    &[
        AttrPolicy::new("name", CTRL_ATTR_MCAST_GRP_NAME, AttrKind::String),
        AttrPolicy::new("id", CTRL_ATTR_MCAST_GRP_ID, AttrKind::U32),
    ],
);

/// Policy of `nlctrl`'s family attributes (names errors in getfamily requests).
///
/// ```
/// use nlwire::sock::{genl, Transaction};
/// let mut t = Transaction::new();
/// genl::put_getfamily(t.request_mut(), Some("nlctrl"))?;
/// t.set_policy(&genl::CTRL_POLICY, genl::CTRL_ATTRS_AT); // errors name "family-name"
/// # Ok::<(), nlwire::Error>(())
/// ```
pub static CTRL_POLICY: Policy = Policy::new(
    "ctrl",
    &[
        AttrPolicy::new("family-id", CTRL_ATTR_FAMILY_ID, AttrKind::U16),
        AttrPolicy::new("family-name", CTRL_ATTR_FAMILY_NAME, AttrKind::String).max_len(16),
        AttrPolicy::new("version", CTRL_ATTR_VERSION, AttrKind::U32),
        AttrPolicy::new("hdrsize", CTRL_ATTR_HDRSIZE, AttrKind::U32),
        AttrPolicy::new("maxattr", CTRL_ATTR_MAXATTR, AttrKind::U32),
        AttrPolicy::new("ops", CTRL_ATTR_OPS, AttrKind::NestedArray),
        AttrPolicy::new(
            "mcast-groups",
            CTRL_ATTR_MCAST_GROUPS,
            AttrKind::NestedArray,
        )
        .nested(&CTRL_MCAST_GRP_POLICY),
    ],
);

/// A multicast group of a family.
///
/// ```
/// let g = nlwire::sock::genl::McastGroup { name: "notify".into(), id: 2 };
/// assert_eq!(g.id, 2);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct McastGroup {
    /// Its name.
    pub name: String,
    /// The id to join.
    pub id: u32,
}

/// A generic netlink family as `nlctrl` describes it.
///
/// ```
/// use nlwire::sock::genl::Family;
/// let f = Family { name: "x".into(), id: 30, version: 1, hdrsize: 0, maxattr: 3, ops: 2,
///                  mcast_groups: vec![nlwire::sock::genl::McastGroup { name: "events".into(), id: 9 }] };
/// assert_eq!(f.mcast_group("events"), Some(9));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Family {
    /// Name (`CTRL_ATTR_FAMILY_NAME`).
    pub name: String,
    /// Id: the `nlmsg_type` of its messages.
    pub id: u16,
    /// Interface version.
    pub version: u32,
    /// Size of its fixed header after the `genlmsghdr`.
    pub hdrsize: u32,
    /// Highest attribute type.
    pub maxattr: u32,
    /// Number of operations it declares.
    pub ops: usize,
    /// Its multicast groups.
    pub mcast_groups: Vec<McastGroup>,
}

impl Family {
    /// Decodes a `CTRL_CMD_NEWFAMILY` message.
    ///
    /// ```
    /// use nlwire::consts::*;
    /// use nlwire::sock::genl::*;
    /// let mut b = nlwire::MsgBuf::new();
    /// let m = b.start_genl_msg(GENL_ID_CTRL, 0, CTRL_CMD_NEWFAMILY, 2);
    /// b.put_attr_u16(CTRL_ATTR_FAMILY_ID, 0x10)?;
    /// b.put_attr_str(CTRL_ATTR_FAMILY_NAME, "nlctrl")?;
    /// b.end_msg(m)?;
    /// let msg = nlwire::Msg::parse(b.as_slice())?;
    /// let f = Family::parse(&msg).unwrap();
    /// assert_eq!((f.name.as_str(), f.id), ("nlctrl", 0x10));
    /// # Ok::<(), nlwire::Error>(())
    /// ```
    pub fn parse(msg: &Msg<'_>) -> Result<Family, Error> {
        let (_, attrs) = msg.genl()?;
        let idx = AttrIndex::<8>::parse(attrs)?;
        let u32_of = |ty| idx.map(ty, |a| a.get_u32()).map(Option::unwrap_or_default);
        let mut mcast_groups = Vec::new();
        if let Some(groups) = idx.get(CTRL_ATTR_MCAST_GROUPS) {
            for g in groups.nested() {
                let g = g?;
                let gi = AttrIndex::<3>::parse(g.payload())?;
                mcast_groups.push(McastGroup {
                    name: gi
                        .require(CTRL_ATTR_MCAST_GRP_NAME, "name")?
                        .get_str()?
                        .to_owned(),
                    id: gi.require(CTRL_ATTR_MCAST_GRP_ID, "id")?.get_u32()?,
                });
            }
        }
        let ops = match idx.get(CTRL_ATTR_OPS) {
            Some(a) => a.nested().count(),
            None => 0,
        };
        Ok(Family {
            name: idx
                .require(CTRL_ATTR_FAMILY_NAME, "family-name")?
                .get_str()?
                .to_owned(),
            id: idx.require(CTRL_ATTR_FAMILY_ID, "family-id")?.get_u16()?,
            version: u32_of(CTRL_ATTR_VERSION)?,
            hdrsize: u32_of(CTRL_ATTR_HDRSIZE)?,
            maxattr: u32_of(CTRL_ATTR_MAXATTR)?,
            ops,
            mcast_groups,
        })
    }

    /// The id of multicast group `name`.
    ///
    /// ```
    /// use nlwire::sock::genl::{Family, McastGroup};
    /// let f = Family { name: "f".into(), id: 30, version: 1, hdrsize: 0, maxattr: 0, ops: 0,
    ///                  mcast_groups: vec![McastGroup { name: "g".into(), id: 5 }] };
    /// assert_eq!((f.mcast_group("g"), f.mcast_group("h")), (Some(5), None));
    /// ```
    pub fn mcast_group(&self, name: &str) -> Option<u32> {
        self.mcast_groups
            .iter()
            .find(|g| g.name == name)
            .map(|g| g.id)
    }
}

/// Builds a `CTRL_CMD_GETFAMILY` request into `buf`: for `name`, or a dump of every family
/// when `None`.
///
/// ```
/// let mut b = nlwire::MsgBuf::new();
/// nlwire::sock::genl::put_getfamily(&mut b, Some("nlctrl"))?;
/// assert_eq!(b.len(), 16 + 4 + 12);
/// # Ok::<(), nlwire::Error>(())
/// ```
pub fn put_getfamily(buf: &mut MsgBuf<'_>, name: Option<&str>) -> crate::Result<()> {
    let flags = if name.is_some() {
        NLM_F_REQUEST | NLM_F_ACK
    } else {
        NLM_F_REQUEST
    };
    let m = buf.start_genl_msg(GENL_ID_CTRL, flags, CTRL_CMD_GETFAMILY, 1);
    if let Some(n) = name {
        buf.put_attr_str(CTRL_ATTR_FAMILY_NAME, n)?;
    }
    buf.end_msg(m)
}

impl<T: Transport> Socket<T> {
    /// Asks `nlctrl` for family `name` on this socket (no cache; see [`family`] for the
    /// cached lookup). A family the kernel does not know is [`Error::NotFound`].
    ///
    /// ```no_run
    /// let mut sock = nlwire::sock::Socket::open(nlwire::consts::NETLINK_GENERIC)?;
    /// let f = sock.resolve_family("nlctrl")?;
    /// assert_eq!(f.id, nlwire::consts::GENL_ID_CTRL);
    /// # Ok::<(), nlwire::sock::Error>(())
    /// ```
    pub fn resolve_family(&mut self, name: &str) -> Result<Family, Error> {
        let mut txn = Transaction::new();
        txn.set_policy(&CTRL_POLICY, CTRL_ATTRS_AT);
        put_getfamily(txn.request_mut(), Some(name)).map_err(|_| Error::BadRequest {
            reason: "a family name must not contain NUL",
        })?;
        match self.transact(&mut txn) {
            Ok(reply) => match reply.first() {
                Some(m) => Family::parse(&m),
                None => Err(Error::NotFound {
                    what: "family",
                    name: name.to_owned(),
                }),
            },
            Err(e) if e.errno() == Some(libc::ENOENT) => Err(Error::NotFound {
                what: "family",
                name: name.to_owned(),
            }),
            Err(e) => Err(e),
        }
    }

    /// The id of generic netlink family `name`: `nlctrl`'s fixed id, or the per-process
    /// cache (see [`family`]), or asked on this socket and then cached. A family the kernel
    /// does not know is [`Error::NotFound`].
    ///
    /// ```
    /// let mut sock = nlwire::sock::FakePeer::new(|_, _| {}).into_socket();
    /// assert_eq!(sock.family_id("nlctrl")?, nlwire::consts::GENL_ID_CTRL);
    /// # Ok::<(), nlwire::sock::Error>(())
    /// ```
    pub fn family_id(&mut self, name: &str) -> Result<u16, Error> {
        if name == "nlctrl" {
            return Ok(GENL_ID_CTRL);
        }
        if let Some(f) = cache().get(name) {
            return Ok(f.id);
        }
        let f = Arc::new(self.resolve_family(name)?);
        let id = f.id;
        cache().insert(name.to_owned(), f);
        Ok(id)
    }

    /// Dumps every generic netlink family (retrying an interrupted dump up to 3 times).
    ///
    /// ```no_run
    /// let mut sock = nlwire::sock::Socket::open(nlwire::consts::NETLINK_GENERIC)?;
    /// for f in sock.genl_families()? {
    ///     println!("{} = {}", f.name, f.id);
    /// }
    /// # Ok::<(), nlwire::sock::Error>(())
    /// ```
    pub fn genl_families(&mut self) -> Result<Vec<Family>, Error> {
        let mut req = MsgBuf::new();
        put_getfamily(&mut req, None)?;
        self.dump_retry(req.as_slice(), 3, |dump| {
            let mut out = Vec::new();
            while let Some(m) = dump.next_msg() {
                out.push(Family::parse(&m?)?);
            }
            Ok(out)
        })
    }
}

static CACHE: LazyLock<Mutex<HashMap<String, Arc<Family>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

fn cache() -> std::sync::MutexGuard<'static, HashMap<String, Arc<Family>>> {
    CACHE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Family `name`, from the per-process cache or resolved through `nlctrl` on a pooled
/// socket. Only successes are cached: a failed lookup (a module not loaded yet) is asked
/// again on the next call. Family ids are the same in every network namespace.
///
/// ```no_run
/// let f = nlwire::sock::genl::family("ethtool")?;
/// println!("ethtool is family {}", f.id);
/// # Ok::<(), nlwire::sock::Error>(())
/// ```
pub fn family(name: &str) -> Result<Arc<Family>, Error> {
    if let Some(f) = cache().get(name) {
        return Ok(f.clone());
    }
    refresh(name)
}

fn refresh(name: &str) -> Result<Arc<Family>, Error> {
    let mut sock = super::pool::socket(NETLINK_GENERIC)?;
    let f = Arc::new(sock.resolve_family(name)?);
    cache().insert(name.to_owned(), f.clone());
    Ok(f)
}

/// The id of family `name` (cached, see [`family`]).
///
/// ```no_run
/// assert_eq!(nlwire::sock::genl::family_id("nlctrl")?, 0x10);
/// # Ok::<(), nlwire::sock::Error>(())
/// ```
pub fn family_id(name: &str) -> Result<u16, Error> {
    family(name).map(|f| f.id)
}

/// The id of multicast group `group` of family `family` (cached; a group missing from the
/// cached entry is looked up once more, in case it was registered since).
///
/// ```no_run
/// let id = nlwire::sock::genl::mcast_group("nlctrl", "notify")?;
/// # let _ = id;
/// # Ok::<(), nlwire::sock::Error>(())
/// ```
pub fn mcast_group(family_name: &str, group: &str) -> Result<u32, Error> {
    if let Some(id) = family(family_name)?.mcast_group(group) {
        return Ok(id);
    }
    refresh(family_name)?
        .mcast_group(group)
        .ok_or_else(|| Error::NotFound {
            what: "multicast group",
            name: format!("{family_name}/{group}"),
        })
}

/// Drops family `name` from the cache (after the module that registers it was reloaded,
/// or a request failed with `ENOENT` for its id).
///
/// ```
/// nlwire::sock::genl::forget_family("ovs_flow");
/// ```
pub fn forget_family(name: &str) {
    cache().remove(name);
}

/// True when family `name` is in the cache.
///
/// ```
/// nlwire::sock::genl::forget_family("nlctrl");
/// assert!(!nlwire::sock::genl::is_cached("nlctrl"));
/// ```
pub fn is_cached(name: &str) -> bool {
    cache().contains_key(name)
}
