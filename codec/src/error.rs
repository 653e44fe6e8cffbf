//! The crate's one error type, and the attribute path it carries.
//!
//! Nothing here allocates: an [`AttrPath`] keeps its segments inline, so decoding
//! stays allocation-free even when it fails, and the error stays small.

use core::fmt;

use crate::policy::Policy;

/// Most segments an [`AttrPath`] keeps; deeper paths keep the innermost ones.
pub const PATH_SEGMENTS: usize = 8;

/// Where in a message an error happened: the attribute types from the outermost in,
/// plus the policy they belong to, which names them when printed (e.g. `flow.key.ipv4`).
/// Without a policy the types print as numbers (`#1.#7`). It stays small and `Copy`, so
/// errors carry it without allocating.
///
/// ```
/// use nlwire::{AttrKind, AttrPath, AttrPolicy, Policy};
/// static KEY: Policy = Policy::new("key", &[AttrPolicy::new("ipv4", 7, AttrKind::Binary)]);
/// static FLOW: Policy = Policy::new("flow", &[AttrPolicy::new("key", 1, AttrKind::Nested).nested(&KEY)]);
/// let p = AttrPath::root().child(1).child(7);
/// assert_eq!(p.to_string(), "#1.#7");
/// assert_eq!(p.with_policy(&FLOW).to_string(), "key.ipv4");
/// ```
#[derive(Clone, Copy)]
pub struct AttrPath {
    types: [u16; PATH_SEGMENTS],
    len: u8,
    dropped: bool,
    policy: Option<&'static Policy>,
}

/// Paths are equal when they hold the same attribute types; the naming policy is
/// presentation only.
impl PartialEq for AttrPath {
    fn eq(&self, other: &Self) -> bool {
        self.types() == other.types() && self.dropped == other.dropped
    }
}

impl Eq for AttrPath {}

impl AttrPath {
    /// The empty path (the message's top-level attributes).
    pub const fn root() -> Self {
        AttrPath {
            types: [0; PATH_SEGMENTS],
            len: 0,
            dropped: false,
            policy: None,
        }
    }

    /// This path with attribute type `ty` appended; past [`PATH_SEGMENTS`] the outermost
    /// segment is dropped.
    #[must_use]
    pub fn child(mut self, ty: u16) -> Self {
        if (self.len as usize) < PATH_SEGMENTS {
            self.types[self.len as usize] = ty;
            self.len += 1;
        } else {
            self.types.copy_within(1.., 0);
            self.types[PATH_SEGMENTS - 1] = ty;
            self.dropped = true;
        }
        self
    }

    /// This path with attribute type `ty` put in front (as an error travels outwards).
    /// Past [`PATH_SEGMENTS`] the new outer segment is dropped instead.
    #[must_use]
    pub fn parent(mut self, ty: u16) -> Self {
        if (self.len as usize) < PATH_SEGMENTS {
            self.types.copy_within(0..self.len as usize, 1);
            self.types[0] = ty;
            self.len += 1;
        } else {
            self.dropped = true;
        }
        self
    }

    /// The same path, named from `policy` (the policy of its outermost set), unless it
    /// already has one.
    #[must_use]
    pub fn with_policy(mut self, policy: &'static Policy) -> Self {
        if self.policy.is_none() && !self.dropped {
            self.policy = Some(policy);
        }
        self
    }

    /// The attribute types, outermost first.
    pub fn types(&self) -> &[u16] {
        &self.types[..self.len as usize]
    }

    /// The policy naming the path, if known.
    pub fn policy(&self) -> Option<&'static Policy> {
        self.policy
    }

    /// True for the top level.
    pub fn is_root(&self) -> bool {
        self.len == 0
    }
}

impl Default for AttrPath {
    fn default() -> Self {
        Self::root()
    }
}

impl fmt::Display for AttrPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_root() {
            return f.write_str("<top>");
        }
        if self.dropped {
            f.write_str("…")?;
        }
        let mut policy = self.policy;
        let mut index_next = false;
        for (i, ty) in self.types().iter().enumerate() {
            if index_next {
                write!(f, "[{ty}]")?;
                index_next = false;
                continue;
            }
            if i > 0 || self.dropped {
                f.write_str(".")?;
            }
            match policy.and_then(|p| p.get(*ty)) {
                Some(e) => {
                    f.write_str(e.name)?;
                    index_next = e.kind == crate::policy::AttrKind::NestedArray;
                    policy = e.nested;
                }
                None => {
                    write!(f, "#{ty}")?;
                    policy = None;
                }
            }
        }
        Ok(())
    }
}

impl fmt::Debug for AttrPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AttrPath({self})")
    }
}

/// Every failure of the codec, with enough detail to act on. Match on the variant;
/// print it for a person.
///
/// ```
/// use nlwire::{Attrs, Error};
/// assert!(core::mem::size_of::<Error>() <= 96);
/// // nla_len = 2 is shorter than the attribute header itself.
/// let bytes = [2u8, 0, 1, 0];
/// let err = Attrs::new(&bytes).next().unwrap().unwrap_err();
/// assert!(matches!(err, Error::BadAttrLen { nla_len: 2, .. }));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// Fewer bytes than a fixed header or struct needs.
    Truncated {
        /// What was being read (`"nlmsghdr"`, `"genlmsghdr"`, a struct name).
        what: &'static str,
        /// Bytes needed.
        need: usize,
        /// Bytes present.
        have: usize,
    },
    /// An attribute header whose `nla_len` is below 4 or past the bytes that remain.
    BadAttrLen {
        /// Where the attribute sits.
        path: AttrPath,
        /// Byte offset of the attribute header within its enclosing payload.
        offset: usize,
        /// The `nla_len` read.
        nla_len: u16,
        /// Bytes left from the header to the end of the enclosing payload.
        remaining: usize,
    },
    /// A message header whose `nlmsg_len` is below 16 or past the end of the datagram.
    BadMsgLen {
        /// Byte offset of the message within the datagram.
        offset: usize,
        /// The `nlmsg_len` read.
        nlmsg_len: u32,
        /// Bytes left in the datagram from that offset.
        remaining: usize,
    },
    /// Bytes after the last attribute that do not form an attribute.
    TrailingBytes {
        /// The attribute set holding them.
        path: AttrPath,
        /// Offset of the first stray byte.
        offset: usize,
        /// How many stray bytes.
        len: usize,
    },
    /// An attribute payload whose length breaks its rule.
    BadLength {
        /// The attribute.
        path: AttrPath,
        /// Payload length found.
        len: usize,
        /// Smallest allowed payload.
        min: usize,
        /// Largest allowed payload.
        max: usize,
    },
    /// An array payload (packed fixed-size elements) that is not a whole number of them.
    BadArrayLength {
        /// The attribute.
        path: AttrPath,
        /// Payload length found.
        len: usize,
        /// Size of one element.
        elem: usize,
    },
    /// A string attribute without its terminating NUL, or with a NUL before the end.
    BadString {
        /// The attribute.
        path: AttrPath,
        /// What is wrong with it.
        reason: StringFault,
    },
    /// An integer outside the range the policy allows.
    OutOfRange {
        /// The attribute.
        path: AttrPath,
        /// The value read (sign-extended for signed kinds).
        value: i128,
        /// Inclusive minimum.
        min: i128,
        /// Inclusive maximum.
        max: i128,
    },
    /// Bits set outside the policy's flags mask.
    BadFlags {
        /// The attribute.
        path: AttrPath,
        /// The value read.
        value: u64,
        /// The allowed bits.
        mask: u64,
    },
    /// A required attribute is absent.
    Missing {
        /// The set that should hold it.
        path: AttrPath,
        /// Its name.
        name: &'static str,
        /// Its type number.
        ty: u16,
    },
    /// An attribute that may appear once appeared again.
    Duplicate {
        /// The attribute.
        path: AttrPath,
    },
    /// A "one of" set held zero or several attributes.
    NotExactlyOne {
        /// The set.
        path: AttrPath,
        /// How many it held.
        found: usize,
    },
    /// Nesting deeper than the configured limit.
    TooDeep {
        /// The attribute at which the limit was crossed.
        path: AttrPath,
        /// The limit in force.
        limit: usize,
    },
    /// More attributes than the configured limit.
    TooManyAttrs {
        /// The limit in force.
        limit: usize,
    },
    /// More decoded bytes than the configured limit.
    TooLarge {
        /// Bytes seen.
        len: usize,
        /// The limit in force.
        limit: usize,
    },
    /// An attribute payload above 65531 bytes cannot be encoded (nla_len is 16 bits).
    AttrTooLarge {
        /// The attribute type being written.
        ty: u16,
        /// Its payload length.
        len: usize,
    },
    /// A message above `u32::MAX` bytes cannot be encoded.
    MsgTooLarge {
        /// Its length.
        len: usize,
    },
    /// A message or attribute of a kind this call does not expect.
    Unexpected {
        /// What was expected.
        expected: &'static str,
        /// The type or command number found.
        found: u32,
    },
    /// A nested-attribute token that does not belong to this buffer state.
    BadNest {
        /// The offset recorded by the token.
        offset: usize,
    },
    /// The kernel answered with an error (NLMSG_ERROR with a negative code).
    Kernel {
        /// The positive errno.
        errno: i32,
    },
}

/// What is wrong with a string attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StringFault {
    /// The last payload byte is not NUL.
    NoNul,
    /// A NUL appears before the last payload byte.
    InteriorNul,
    /// The bytes before the NUL are not UTF-8.
    NotUtf8,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Truncated { what, need, have } => {
                write!(f, "truncated {what}: need {need} bytes, have {have}")
            }
            Error::BadAttrLen {
                path,
                offset,
                nla_len,
                remaining,
            } => write!(
                f,
                "{path}: attribute at offset {offset} has nla_len {nla_len}, \
                 must be 4..={remaining} (4-byte header, {remaining} bytes left)"
            ),
            Error::BadMsgLen {
                offset,
                nlmsg_len,
                remaining,
            } => write!(
                f,
                "message at offset {offset} has nlmsg_len {nlmsg_len}, must be 16..={remaining}"
            ),
            Error::TrailingBytes { path, offset, len } => write!(
                f,
                "{path}: {len} stray byte(s) at offset {offset} after the last attribute"
            ),
            Error::BadLength {
                path,
                len,
                min,
                max,
            } => {
                if min == max {
                    write!(f, "{path}: length {len}, expected {min}")
                } else if *max == usize::MAX {
                    write!(f, "{path}: length {len}, expected at least {min}")
                } else {
                    write!(f, "{path}: length {len}, expected {min}..={max}")
                }
            }
            Error::BadArrayLength { path, len, elem } => write!(
                f,
                "{path}: length {len} is not a multiple of the {elem}-byte element"
            ),
            Error::BadString { path, reason } => match reason {
                StringFault::NoNul => write!(f, "{path}: string does not end in NUL"),
                StringFault::InteriorNul => write!(f, "{path}: string has a NUL before its end"),
                StringFault::NotUtf8 => write!(f, "{path}: string is not UTF-8"),
            },
            Error::OutOfRange {
                path,
                value,
                min,
                max,
            } => {
                write!(f, "{path}: value {value} outside {min}..={max}")
            }
            Error::BadFlags { path, value, mask } => {
                write!(
                    f,
                    "{path}: value {value:#x} has bits outside mask {mask:#x}"
                )
            }
            Error::Missing { path, name, ty } => {
                write!(
                    f,
                    "{path}: required attribute {name} (type {ty}) is missing"
                )
            }
            Error::Duplicate { path } => write!(f, "{path}: attribute appears more than once"),
            Error::NotExactlyOne { path, found } => {
                write!(f, "{path}: expected exactly one attribute, found {found}")
            }
            Error::TooDeep { path, limit } => {
                write!(f, "{path}: nesting deeper than the limit of {limit}")
            }
            Error::TooManyAttrs { limit } => write!(f, "more than {limit} attributes"),
            Error::TooLarge { len, limit } => {
                write!(f, "{len} bytes exceed the decode limit of {limit}")
            }
            Error::AttrTooLarge { ty, len } => write!(
                f,
                "attribute type {ty}: payload of {len} bytes exceeds the netlink maximum of 65531"
            ),
            Error::MsgTooLarge { len } => {
                write!(
                    f,
                    "message of {len} bytes exceeds the netlink maximum of {}",
                    u32::MAX
                )
            }
            Error::Unexpected { expected, found } => {
                write!(f, "expected {expected}, found {found}")
            }
            Error::BadNest { offset } => {
                write!(
                    f,
                    "nested attribute token at offset {offset} does not match the buffer"
                )
            }
            Error::Kernel { errno } => write!(f, "kernel error: errno {errno}"),
        }
    }
}

impl std::error::Error for Error {}

impl Error {
    /// The same error with attribute type `ty` put in front of its path.
    #[must_use]
    pub fn within(mut self, ty: u16) -> Self {
        if let Some(p) = self.path_mut() {
            *p = p.parent(ty);
        }
        self
    }

    /// The same error with its path named from `policy` (the outermost set's policy).
    #[must_use]
    pub fn named_by(mut self, policy: &'static Policy) -> Self {
        if let Some(p) = self.path_mut() {
            *p = p.with_policy(policy);
        }
        self
    }

    /// The attribute path the error carries, if it has one.
    pub fn path(&self) -> Option<&AttrPath> {
        match self {
            Error::BadAttrLen { path, .. }
            | Error::TrailingBytes { path, .. }
            | Error::BadLength { path, .. }
            | Error::BadArrayLength { path, .. }
            | Error::BadString { path, .. }
            | Error::OutOfRange { path, .. }
            | Error::BadFlags { path, .. }
            | Error::Missing { path, .. }
            | Error::Duplicate { path }
            | Error::NotExactlyOne { path, .. }
            | Error::TooDeep { path, .. } => Some(path),
            _ => None,
        }
    }

    fn path_mut(&mut self) -> Option<&mut AttrPath> {
        match self {
            Error::BadAttrLen { path, .. }
            | Error::TrailingBytes { path, .. }
            | Error::BadLength { path, .. }
            | Error::BadArrayLength { path, .. }
            | Error::BadString { path, .. }
            | Error::OutOfRange { path, .. }
            | Error::BadFlags { path, .. }
            | Error::Missing { path, .. }
            | Error::Duplicate { path }
            | Error::NotExactlyOne { path, .. }
            | Error::TooDeep { path, .. } => Some(path),
            _ => None,
        }
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = core::result::Result<T, E>;
