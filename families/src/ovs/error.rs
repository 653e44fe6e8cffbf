//! The error type of the dpif API.

use nlwire::sock;

/// What went wrong in a datapath operation.
///
/// ```
/// use nlwire_families::ovs::Error;
/// let e = Error::from(nlwire::sock::Error::Io { op: "recvmsg", errno: libc_enoent() });
/// assert_eq!(e.errno(), Some(2));
/// assert!(e.is_not_found());
/// # fn libc_enoent() -> i32 { 2 }
/// ```
///
/// A request that breaks its own policy is not sent; the codec's error says which
/// attribute and which rule:
///
/// ```
/// use nlwire_families::ovs::Error;
/// use nlwire_families::ovs_datapath::{Datapath, OvsHeader, msg::GetRequest};
/// let name = Some("a-name-of-twenty-chars".into()); // at most 15
/// let req = GetRequest { header: OvsHeader::default(), attrs: Datapath { name, ..Default::default() } };
/// let e = Error::from(nlwire::sock::Transaction::new().set_request(&req, 0x20, 0).unwrap_err());
/// assert!(matches!(e, Error::InvalidRequest(_)), "{e}");
/// assert!(e.to_string().contains("name"), "{e}");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The transport failed or the kernel refused the request (errno and extended-ack
    /// message inside).
    Netlink(sock::Error),
    /// The request was not sent: it breaks its own policy or does not fit a netlink
    /// message. The codec's error names the attribute and the rule (`key.ipv4: length 8,
    /// expected 12`).
    InvalidRequest(nlwire::Error),
    /// A reply arrived but did not carry what the operation needs.
    BadReply(&'static str),
    /// The request cannot be built (an argument out of range, a payload too big).
    BadRequest(&'static str),
}

impl Error {
    /// The errno, when the kernel or a system call gave one.
    ///
    /// ```
    /// use nlwire_families::ovs::Error;
    /// assert_eq!(Error::BadReply("x").errno(), None);
    /// ```
    pub fn errno(&self) -> Option<i32> {
        match self {
            Error::Netlink(e) => e.errno(),
            _ => None,
        }
    }

    /// `ENOENT` or `ENODEV`: no such flow (`ENOENT`), datapath or port (`ENODEV`).
    ///
    /// ```
    /// use nlwire_families::ovs::Error;
    /// let e = Error::from(nlwire::sock::Error::Io { op: "x", errno: 19 }); // ENODEV
    /// assert!(e.is_not_found());
    /// ```
    pub fn is_not_found(&self) -> bool {
        matches!(self.errno(), Some(2 | 19))
    }

    /// `EEXIST`: it exists already.
    ///
    /// ```
    /// use nlwire_families::ovs::Error;
    /// assert!(Error::from(nlwire::sock::Error::Io { op: "x", errno: 17 }).is_exists());
    /// ```
    pub fn is_exists(&self) -> bool {
        self.errno() == Some(17)
    }

    /// `EOPNOTSUPP`: the kernel does not support the request (a feature, an action).
    ///
    /// ```
    /// use nlwire_families::ovs::Error;
    /// assert!(Error::from(nlwire::sock::Error::Io { op: "x", errno: 95 }).is_not_supported());
    /// ```
    pub fn is_not_supported(&self) -> bool {
        self.errno() == Some(95)
    }
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Error::Netlink(e) => write!(f, "{e}"),
            Error::InvalidRequest(e) => write!(f, "invalid request: {e}"),
            Error::BadReply(what) => write!(f, "unexpected reply: {what}"),
            Error::BadRequest(what) => write!(f, "bad request: {what}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Netlink(e) => Some(e),
            Error::InvalidRequest(e) => Some(e),
            _ => None,
        }
    }
}

impl From<sock::Error> for Error {
    fn from(e: sock::Error) -> Self {
        match e {
            sock::Error::InvalidRequest(e) => Error::InvalidRequest(e),
            e => Error::Netlink(e),
        }
    }
}

impl From<nlwire::Error> for Error {
    fn from(e: nlwire::Error) -> Self {
        Error::Netlink(sock::Error::Malformed(e))
    }
}

/// `Result` with [`Error`].
///
/// ```
/// fn f() -> nlwire_families::ovs::Result<u32> { Ok(1) }
/// assert_eq!(f().unwrap(), 1);
/// ```
pub type Result<T> = core::result::Result<T, Error>;
