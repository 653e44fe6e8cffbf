//! Operations and their messages.

use super::{DefId, McastId, OpId, Pos, SetId};

/// How op message ids are assigned.
///
/// ```
/// let f = nlwire_schema::builtin::load("nlctrl").unwrap()?;
/// assert_eq!(f.ops.enum_model, nlwire_schema::EnumModel::Directional);
/// # Ok::<(), nlwire_schema::SchemaError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum EnumModel {
    /// One id per op for requests, replies and notifications.
    #[default]
    Unified,
    /// Separate request and reply numbering.
    Directional,
}

/// The `operations:` section.
///
/// ```
/// let f = nlwire_schema::builtin::load("ovs_flow").unwrap()?;
/// assert_eq!(f[f.ops.fixed_header.unwrap()].name, "ovs-header");
/// # Ok::<(), nlwire_schema::SchemaError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operations {
    /// Numbering model.
    pub enum_model: EnumModel,
    /// C op prefix (default `<family>-cmd-`).
    pub name_prefix: String,
    /// C prefix of notifications, when they go to their own enum.
    pub async_prefix: Option<String>,
    /// C op enum type name.
    pub enum_name: Option<String>,
    /// C notification enum type name.
    pub async_enum: Option<String>,
    /// Family-wide fixed header.
    pub fixed_header: Option<DefId>,
    /// Ops in spec order.
    pub list: Vec<Op>,
}

/// Permission flags of an op or multicast group.
///
/// ```
/// let f = nlwire_schema::builtin::load("ovs_flow").unwrap()?;
/// assert!(!f.op("get").unwrap().flags.admin_perm);
/// # Ok::<(), nlwire_schema::SchemaError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct PermFlags {
    /// `admin-perm`: CAP_NET_ADMIN in the initial namespace.
    pub admin_perm: bool,
    /// `uns-admin-perm`: CAP_NET_ADMIN in the user namespace.
    pub uns_admin_perm: bool,
}

/// `dont-validate` of an op.
///
/// ```
/// let f = nlwire_schema::builtin::load("nlctrl").unwrap()?;
/// let relaxed = f.op("getfamily").unwrap().dont_validate;
/// assert!(relaxed.strict && relaxed.dump && !relaxed.dump_strict);
/// assert!(f.op("getpolicy").unwrap().dont_validate.is_empty());
/// # Ok::<(), nlwire_schema::SchemaError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct DontValidate {
    /// `strict`.
    pub strict: bool,
    /// `dump`.
    pub dump: bool,
    /// `dump-strict`.
    pub dump_strict: bool,
}

impl DontValidate {
    /// True when nothing is relaxed.
    ///
    /// ```
    /// assert!(nlwire_schema::DontValidate::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// An op: a call (`do`, `dump`), a notification (`notify`), an event, or a reserved id.
///
/// ```
/// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/specs/corner-link.yaml")).unwrap();
/// let get = f.op("getlink").unwrap();
/// assert_eq!((get.req_value, get.rsp_value), (Some(18), Some(16)));
/// assert!(get.is_call());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Op {
    /// Name.
    pub name: String,
    /// Documentation.
    pub doc: Option<String>,
    /// Message id of requests, `None` for notifications (directional model).
    pub req_value: Option<u16>,
    /// Message id of replies and notifications, `None` when there are none (directional model).
    pub rsp_value: Option<u16>,
    /// Set of the top-level attributes (for a notification, inherited from its target).
    pub attr_set: Option<SetId>,
    /// Fixed header: the op's own or the family-wide one.
    pub fixed_header: Option<DefId>,
    /// Permission flags.
    pub flags: PermFlags,
    /// Kernel validation relaxations.
    pub dont_validate: DontValidate,
    /// Kernel config option gating the op.
    pub config_cond: Option<String>,
    /// `do` handler.
    pub do_: Option<OpMode>,
    /// `dump` handler.
    pub dump: Option<OpMode>,
    /// Op whose reply this notification carries.
    pub notify: Option<OpId>,
    /// Event attributes.
    pub event: Option<OpMsg>,
    /// Multicast group of a notification or event.
    pub mcgrp: Option<McastId>,
    /// Where it is written.
    pub pos: Pos,
}

impl Op {
    /// Has `do` or `dump`.
    ///
    /// ```
    /// let f = nlwire_schema::builtin::load("ovs_flow").unwrap()?;
    /// assert!(f.op("new").unwrap().is_call());
    /// # Ok::<(), nlwire_schema::SchemaError>(())
    /// ```
    pub fn is_call(&self) -> bool {
        self.do_.is_some() || self.dump.is_some()
    }

    /// Is a notification or an event.
    ///
    /// ```
    /// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/specs/corner-link.yaml")).unwrap();
    /// assert!(f.op("newlink-ntf").unwrap().is_async());
    /// assert!(!f.op("getlink").unwrap().is_async());
    /// ```
    pub fn is_async(&self) -> bool {
        self.notify.is_some() || self.event.is_some()
    }

    /// Only reserves an id.
    ///
    /// ```
    /// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/specs/corner-genl.yaml")).unwrap();
    /// let unspec = f.op("unspec").unwrap();
    /// assert!(unspec.is_reserved());
    /// assert_eq!(unspec.value(), Some(0));
    /// ```
    pub fn is_reserved(&self) -> bool {
        !self.is_call() && !self.is_async()
    }

    /// The single id of requests and replies, when they are the same.
    ///
    /// ```
    /// let f = nlwire_schema::builtin::load("ovs_flow").unwrap()?;
    /// assert_eq!(f.op("new").unwrap().value(), Some(1));
    /// # Ok::<(), nlwire_schema::SchemaError>(())
    /// ```
    pub fn value(&self) -> Option<u16> {
        if self.req_value == self.rsp_value {
            self.req_value
        } else {
            None
        }
    }
}

/// Which handler of an op.
///
/// ```
/// let _ = nlwire_schema::Mode::Dump;
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mode {
    /// `do`.
    Do,
    /// `dump`.
    Dump,
}

/// Request or reply.
///
/// ```
/// let _ = nlwire_schema::Direction::Reply;
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    /// To the kernel.
    Request,
    /// From the kernel.
    Reply,
}

/// `do:` or `dump:` of an op.
///
/// ```
/// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/specs/corner-legacy.yaml")).unwrap();
/// assert!(f.op("info-set").unwrap().do_.as_ref().unwrap().reply.is_none());
/// assert!(f.op("info-get").unwrap().do_.as_ref().unwrap().reply.is_some());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpMode {
    /// Request attributes.
    pub request: Option<OpMsg>,
    /// Reply attributes.
    pub reply: Option<OpMsg>,
    /// Kernel hook run before.
    pub pre: Option<String>,
    /// Kernel hook run after.
    pub post: Option<String>,
}

/// Attributes of one message, as indices into the op's attribute set.
///
/// ```
/// let f = nlwire_schema::builtin::load("ovs_flow").unwrap()?;
/// let new = f.op("new").unwrap();
/// let first = new.do_.as_ref().unwrap().request.as_ref().unwrap().attrs[0];
/// assert_eq!(f[new.attr_set.unwrap()].attrs[first].name, "key");
/// # Ok::<(), nlwire_schema::SchemaError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OpMsg {
    /// Indices into the op's [`AttrSet::attrs`](super::AttrSet::attrs).
    pub attrs: Vec<usize>,
}
