//! The resolved form of a spec: every number assigned, every reference an index.
//!
//! The IR is read-only once loaded: the loader builds the lookup tables, so code that edits the
//! public vectors must not expect the `*_by_*` lookups to follow.
//!
//! Names and C prefixes keep the spec's spelling (`ovs-flow-attr-`); generators case them.

mod attrs;
mod compare;
mod defs;
mod ops;

use std::collections::HashMap;
use std::ops::Index;

pub use self::attrs::*;
pub use self::defs::*;
pub use self::ops::*;
pub use crate::error::Pos;

/// `NETLINK_GENERIC`, the protocol number of every genetlink family.
///
/// ```
/// // `protocol:` left out means genetlink.
/// let f = nlwire_schema::load_str("name: x\ndoc: x\nattribute-sets: []\noperations: {list: []}\n", "x.yaml").unwrap();
/// assert_eq!(f.protocol, nlwire_schema::Protocol::Genetlink);
/// assert_eq!(f.netlink_protocol(), nlwire_schema::NETLINK_GENERIC);
/// ```
pub const NETLINK_GENERIC: u32 = 16;

/// Index of a definition in [`Family::definitions`].
///
/// ```
/// let f = nlwire_schema::load_str("name: x\ndoc: x\ndefinitions: [{name: c, type: const, value: 3}]\nattribute-sets: []\noperations: {list: []}\n", "x.yaml").unwrap();
/// let id = f.def_id("c").unwrap();
/// assert_eq!(f[id].name, "c");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DefId(pub usize);

/// Index of an attribute set in [`Family::attr_sets`].
///
/// ```
/// let f = nlwire_schema::load_str("name: x\ndoc: x\nattribute-sets: [{name: a, attributes: []}]\noperations: {list: []}\n", "x.yaml").unwrap();
/// assert_eq!(f[f.set_id("a").unwrap()].name, "a");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SetId(pub usize);

/// Index of a sub-message in [`Family::sub_messages`].
///
/// ```
/// # let f = nlwire_schema::load_str("name: x\ndoc: x\nprotocol: netlink-raw\nprotonum: 0\nattribute-sets: []\nsub-messages: [{name: m, formats: [{value: a}]}]\noperations: {list: []}\n", "x.yaml").unwrap();
/// let id = f.sub_message_id("m").unwrap();
/// assert_eq!(f[id].formats[0].value, "a");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SubMsgId(pub usize);

/// Index of an op in [`Operations::list`].
///
/// ```
/// let f = nlwire_schema::load_str("name: x\ndoc: x\nattribute-sets: []\noperations: {list: [{name: nop, doc: x}]}\n", "x.yaml").unwrap();
/// assert_eq!(f[f.op_id("nop").unwrap()].req_value, Some(1));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OpId(pub usize);

/// Index of a multicast group in [`Family::mcast_groups`].
///
/// ```
/// let f = nlwire_schema::load_str("name: x\ndoc: x\nattribute-sets: []\noperations: {list: []}\nmcast-groups: {list: [{name: g}]}\n", "x.yaml").unwrap();
/// assert_eq!(f[f.mcast_group_id("g").unwrap()].name, "g");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct McastId(pub usize);

/// Compatibility level of a spec.
///
/// ```
/// use nlwire_schema::Protocol;
/// assert!(Protocol::GenetlinkLegacy.is_genetlink());
/// assert_eq!(Protocol::NetlinkRaw.as_str(), "netlink-raw");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Protocol {
    /// `genetlink`, the default.
    Genetlink,
    /// `genetlink-c`.
    GenetlinkC,
    /// `genetlink-legacy`.
    GenetlinkLegacy,
    /// `netlink-raw`.
    NetlinkRaw,
}

impl Protocol {
    /// The spelling in specs.
    ///
    /// ```
    /// assert_eq!(nlwire_schema::Protocol::Genetlink.as_str(), "genetlink");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Genetlink => "genetlink",
            Self::GenetlinkC => "genetlink-c",
            Self::GenetlinkLegacy => "genetlink-legacy",
            Self::NetlinkRaw => "netlink-raw",
        }
    }

    /// True for the three genetlink levels.
    ///
    /// ```
    /// assert!(!nlwire_schema::Protocol::NetlinkRaw.is_genetlink());
    /// ```
    pub fn is_genetlink(self) -> bool {
        self != Self::NetlinkRaw
    }
}

/// Layout of the kernel's input policies (`kernel-policy`).
///
/// ```
/// let f = nlwire_schema::load_str("name: x\ndoc: x\nattribute-sets: []\noperations: {list: []}\n", "x.yaml").unwrap();
/// assert_eq!(f.kernel_policy, nlwire_schema::KernelPolicy::Split);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum KernelPolicy {
    /// Per-do and per-dump policies (the default).
    #[default]
    Split,
    /// One policy per op.
    PerOp,
    /// One policy for the family.
    Global,
}

/// C naming overrides that only C generators use; kept so that nothing in a spec is lost.
///
/// ```
/// let f = nlwire_schema::load_str("name: x\ndoc: x\nprotocol: genetlink-c\nc-family-name: X_NAME\nattribute-sets: []\noperations: {list: []}\n", "x.yaml").unwrap();
/// assert_eq!(f.c_names.family_name.as_deref(), Some("X_NAME"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CNames {
    /// `c-family-name`.
    pub family_name: Option<String>,
    /// `c-version-name`.
    pub version_name: Option<String>,
    /// `max-by-define`.
    pub max_by_define: bool,
    /// `cmd-max-name`.
    pub cmd_max_name: Option<String>,
    /// `cmd-cnt-name`.
    pub cmd_cnt_name: Option<String>,
}

/// A resolved spec.
///
/// ```
/// let f = nlwire_schema::builtin::load("nlctrl").unwrap()?;
/// assert_eq!(f.name, "nlctrl");
/// let set = f.set("ctrl-attrs").unwrap();
/// assert_eq!(set.attr("family-id").unwrap().value, 1);
/// assert_eq!(f.op("getfamily").unwrap().req_value, Some(3));
/// # Ok::<(), nlwire_schema::SchemaError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Family {
    /// Family name (for genetlink, the name resolved through nlctrl).
    pub name: String,
    /// Documentation.
    pub doc: String,
    /// Compatibility level.
    pub protocol: Protocol,
    /// Netlink protocol number given by the spec (netlink-raw only).
    pub protonum: Option<u32>,
    /// Family version (`version`, default 1); genetlink runtimes send 1 in the header regardless.
    pub version: u32,
    /// uAPI header path (default `linux/<name>.h`).
    pub uapi_header: String,
    /// Kernel policy layout.
    pub kernel_policy: KernelPolicy,
    /// C naming overrides.
    pub c_names: CNames,
    /// Constants, enums, flags and structs, in spec order.
    pub definitions: Vec<Definition>,
    /// Attribute sets, in spec order.
    pub attr_sets: Vec<AttrSet>,
    /// Sub-messages, in spec order.
    pub sub_messages: Vec<SubMessage>,
    /// Operations.
    pub ops: Operations,
    /// Multicast groups, in spec order.
    pub mcast_groups: Vec<McastGroup>,
    pub(crate) index: FamilyIndex,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct FamilyIndex {
    pub(crate) defs: HashMap<String, DefId>,
    pub(crate) sets: HashMap<String, SetId>,
    pub(crate) sub_messages: HashMap<String, SubMsgId>,
    pub(crate) ops: HashMap<String, OpId>,
    pub(crate) mcast_groups: HashMap<String, McastId>,
}

impl Family {
    /// The protocol number to open the socket with: `protonum`, or `NETLINK_GENERIC` for genetlink.
    ///
    /// ```
    /// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/specs/corner-link.yaml")).unwrap();
    /// assert_eq!(f.netlink_protocol(), 0);
    /// ```
    pub fn netlink_protocol(&self) -> u32 {
        self.protonum.unwrap_or(NETLINK_GENERIC)
    }

    /// Id of a definition by name.
    ///
    /// ```
    /// let f = nlwire_schema::builtin::load("ovs_flow").unwrap()?;
    /// assert!(f.def_id("ovs-header").is_some());
    /// # Ok::<(), nlwire_schema::SchemaError>(())
    /// ```
    pub fn def_id(&self, name: &str) -> Option<DefId> {
        self.index.defs.get(name).copied()
    }

    /// A definition by name.
    ///
    /// ```
    /// let f = nlwire_schema::builtin::load("ovs_flow").unwrap()?;
    /// assert_eq!(f.def("ovs-header").unwrap().as_struct().unwrap().size, 4);
    /// # Ok::<(), nlwire_schema::SchemaError>(())
    /// ```
    pub fn def(&self, name: &str) -> Option<&Definition> {
        self.def_id(name).map(|id| &self[id])
    }

    /// Id of an attribute set by name.
    ///
    /// ```
    /// let f = nlwire_schema::builtin::load("ovs_flow").unwrap()?;
    /// assert!(f.set_id("key-attrs").is_some());
    /// # Ok::<(), nlwire_schema::SchemaError>(())
    /// ```
    pub fn set_id(&self, name: &str) -> Option<SetId> {
        self.index.sets.get(name).copied()
    }

    /// An attribute set by name.
    ///
    /// ```
    /// let f = nlwire_schema::builtin::load("ovs_flow").unwrap()?;
    /// assert_eq!(f.set("flow-attrs").unwrap().attr("key").unwrap().value, 1);
    /// # Ok::<(), nlwire_schema::SchemaError>(())
    /// ```
    pub fn set(&self, name: &str) -> Option<&AttrSet> {
        self.set_id(name).map(|id| &self[id])
    }

    /// Id of a sub-message by name.
    ///
    /// ```
    /// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/specs/corner-qdisc.yaml")).unwrap();
    /// assert!(f.sub_message_id("options-msg").is_some());
    /// ```
    pub fn sub_message_id(&self, name: &str) -> Option<SubMsgId> {
        self.index.sub_messages.get(name).copied()
    }

    /// A sub-message by name.
    ///
    /// ```
    /// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/specs/corner-qdisc.yaml")).unwrap();
    /// assert!(f.sub_message("options-msg").unwrap().format("netem").is_some());
    /// ```
    pub fn sub_message(&self, name: &str) -> Option<&SubMessage> {
        self.sub_message_id(name).map(|id| &self[id])
    }

    /// Id of an op by name.
    ///
    /// ```
    /// let f = nlwire_schema::builtin::load("ovs_flow").unwrap()?;
    /// assert!(f.op_id("get").is_some());
    /// # Ok::<(), nlwire_schema::SchemaError>(())
    /// ```
    pub fn op_id(&self, name: &str) -> Option<OpId> {
        self.index.ops.get(name).copied()
    }

    /// An op by name.
    ///
    /// ```
    /// let f = nlwire_schema::builtin::load("ovs_flow").unwrap()?;
    /// assert_eq!(f.op("get").unwrap().req_value, Some(3));
    /// # Ok::<(), nlwire_schema::SchemaError>(())
    /// ```
    pub fn op(&self, name: &str) -> Option<&Op> {
        self.op_id(name).map(|id| &self[id])
    }

    /// Ops whose requests carry message id `value`, in spec order.
    ///
    /// ```
    /// let f = nlwire_schema::builtin::load("nlctrl").unwrap()?;
    /// assert_eq!(f.ops_by_request_value(3).next().unwrap().name, "getfamily");
    /// # Ok::<(), nlwire_schema::SchemaError>(())
    /// ```
    pub fn ops_by_request_value(&self, value: u16) -> impl Iterator<Item = &Op> {
        self.ops
            .list
            .iter()
            .filter(move |op| op.req_value == Some(value))
    }

    /// Ops whose replies or notifications carry message id `value`, in spec order.
    ///
    /// Several ops can share a reply id: in rtnetlink, `getlink` replies and `newlink`
    /// notifications are both `RTM_NEWLINK`; in nlctrl, `getfamily` replies and `newfamily`
    /// notifications are both `CTRL_CMD_NEWFAMILY`.
    ///
    /// ```
    /// let f = nlwire_schema::builtin::load("nlctrl").unwrap()?;
    /// let names: Vec<_> = f.ops_by_reply_value(1).map(|op| op.name.as_str()).collect();
    /// assert_eq!(names, ["getfamily", "newfamily"]);
    /// # Ok::<(), nlwire_schema::SchemaError>(())
    /// ```
    pub fn ops_by_reply_value(&self, value: u16) -> impl Iterator<Item = &Op> {
        self.ops
            .list
            .iter()
            .filter(move |op| op.rsp_value == Some(value))
    }

    /// Id of a multicast group by name.
    ///
    /// ```
    /// let f = nlwire_schema::builtin::load("ovs_flow").unwrap()?;
    /// assert!(f.mcast_group_id("ovs_flow").is_some());
    /// # Ok::<(), nlwire_schema::SchemaError>(())
    /// ```
    pub fn mcast_group_id(&self, name: &str) -> Option<McastId> {
        self.index.mcast_groups.get(name).copied()
    }

    /// A multicast group by name.
    ///
    /// ```
    /// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/specs/corner-link.yaml")).unwrap();
    /// assert_eq!(f.mcast_group("link").unwrap().value, Some(1));
    /// ```
    pub fn mcast_group(&self, name: &str) -> Option<&McastGroup> {
        self.mcast_group_id(name).map(|id| &self[id])
    }

    /// The attributes an op's message carries: `request`/`reply` of `do` or `dump`, the
    /// event's list, or for a notification the reply of the op it names (`do`, else `dump`).
    ///
    /// ```
    /// use nlwire_schema::{Direction, Mode};
    /// let f = nlwire_schema::builtin::load("ovs_flow").unwrap()?;
    /// let get = f.op("get").unwrap();
    /// let set = &f[get.attr_set.unwrap()];
    /// let names: Vec<_> = f.msg_attrs(get, Mode::Do, Direction::Request).unwrap()
    ///     .iter().map(|&i| set.attrs[i].name.as_str()).collect();
    /// assert_eq!(names, ["key", "ufid", "ufid-flags", "probe"]);
    /// # Ok::<(), nlwire_schema::SchemaError>(())
    /// ```
    pub fn msg_attrs<'a>(&'a self, op: &'a Op, mode: Mode, dir: Direction) -> Option<&'a [usize]> {
        if let Some(target) = op.notify {
            let t = &self[target];
            let m = t.do_.as_ref().or(t.dump.as_ref())?;
            return m.reply.as_ref().map(|r| r.attrs.as_slice());
        }
        if let Some(ev) = &op.event {
            return Some(&ev.attrs);
        }
        let m = match mode {
            Mode::Do => op.do_.as_ref(),
            Mode::Dump => op.dump.as_ref(),
        }?;
        let msg = match dir {
            Direction::Request => m.request.as_ref(),
            Direction::Reply => m.reply.as_ref(),
        }?;
        Some(&msg.attrs)
    }
}

impl Index<DefId> for Family {
    type Output = Definition;
    fn index(&self, id: DefId) -> &Definition {
        &self.definitions[id.0]
    }
}

impl Index<SetId> for Family {
    type Output = AttrSet;
    fn index(&self, id: SetId) -> &AttrSet {
        &self.attr_sets[id.0]
    }
}

impl Index<SubMsgId> for Family {
    type Output = SubMessage;
    fn index(&self, id: SubMsgId) -> &SubMessage {
        &self.sub_messages[id.0]
    }
}

impl Index<OpId> for Family {
    type Output = Op;
    fn index(&self, id: OpId) -> &Op {
        &self.ops.list[id.0]
    }
}

impl Index<McastId> for Family {
    type Output = McastGroup;
    fn index(&self, id: McastId) -> &McastGroup {
        &self.mcast_groups[id.0]
    }
}

/// A multicast group.
///
/// ```
/// let f = nlwire_schema::builtin::load("ovs_flow").unwrap()?;
/// assert_eq!(f.mcast_groups[0].value, None);
/// # Ok::<(), nlwire_schema::SchemaError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct McastGroup {
    /// Name (for genetlink, resolved through nlctrl at run time).
    pub name: String,
    /// Fixed group number (netlink-raw).
    pub value: Option<u32>,
    /// C define name.
    pub c_define_name: Option<String>,
    /// Permission flags.
    pub flags: PermFlags,
    /// Where it is written.
    pub pos: Pos,
}
