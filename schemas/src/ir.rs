//! The resolved form of a spec: every number assigned, every reference an index.
//!
//! The IR is read-only once loaded: the loader builds the lookup tables, so code that edits the
//! public vectors must not expect the `*_by_*` lookups to follow.
//!
//! Names and C prefixes keep the spec's spelling (`ovs-flow-attr-`); generators case them.

use std::collections::HashMap;
use std::ops::Index;

pub use crate::error::Pos;

/// `NETLINK_GENERIC`, the protocol number of every genetlink family.
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
/// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/nlctrl.yaml")).unwrap();
/// assert_eq!(f.name, "nlctrl");
/// let set = f.set("ctrl-attrs").unwrap();
/// assert_eq!(set.attr("family-id").unwrap().value, 1);
/// assert_eq!(f.op("getfamily").unwrap().req_value, Some(3));
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
    /// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/rt-link.yaml")).unwrap();
    /// assert_eq!(f.netlink_protocol(), 0);
    /// ```
    pub fn netlink_protocol(&self) -> u32 {
        self.protonum.unwrap_or(NETLINK_GENERIC)
    }

    /// Id of a definition by name.
    ///
    /// ```
    /// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/ovs_flow.yaml")).unwrap();
    /// assert!(f.def_id("ovs-header").is_some());
    /// ```
    pub fn def_id(&self, name: &str) -> Option<DefId> {
        self.index.defs.get(name).copied()
    }

    /// A definition by name.
    ///
    /// ```
    /// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/ovs_flow.yaml")).unwrap();
    /// assert_eq!(f.def("ovs-header").unwrap().as_struct().unwrap().size, 4);
    /// ```
    pub fn def(&self, name: &str) -> Option<&Definition> {
        self.def_id(name).map(|id| &self[id])
    }

    /// Id of an attribute set by name.
    ///
    /// ```
    /// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/ovs_flow.yaml")).unwrap();
    /// assert!(f.set_id("key-attrs").is_some());
    /// ```
    pub fn set_id(&self, name: &str) -> Option<SetId> {
        self.index.sets.get(name).copied()
    }

    /// An attribute set by name.
    ///
    /// ```
    /// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/ovs_flow.yaml")).unwrap();
    /// assert_eq!(f.set("flow-attrs").unwrap().attr("key").unwrap().value, 1);
    /// ```
    pub fn set(&self, name: &str) -> Option<&AttrSet> {
        self.set_id(name).map(|id| &self[id])
    }

    /// Id of a sub-message by name.
    ///
    /// ```
    /// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/tc.yaml")).unwrap();
    /// assert!(f.sub_message_id("options-msg").is_some());
    /// ```
    pub fn sub_message_id(&self, name: &str) -> Option<SubMsgId> {
        self.index.sub_messages.get(name).copied()
    }

    /// A sub-message by name.
    ///
    /// ```
    /// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/tc.yaml")).unwrap();
    /// assert!(f.sub_message("options-msg").unwrap().format("netem").is_some());
    /// ```
    pub fn sub_message(&self, name: &str) -> Option<&SubMessage> {
        self.sub_message_id(name).map(|id| &self[id])
    }

    /// Id of an op by name.
    ///
    /// ```
    /// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/ovs_flow.yaml")).unwrap();
    /// assert!(f.op_id("get").is_some());
    /// ```
    pub fn op_id(&self, name: &str) -> Option<OpId> {
        self.index.ops.get(name).copied()
    }

    /// An op by name.
    ///
    /// ```
    /// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/ovs_flow.yaml")).unwrap();
    /// assert_eq!(f.op("get").unwrap().req_value, Some(3));
    /// ```
    pub fn op(&self, name: &str) -> Option<&Op> {
        self.op_id(name).map(|id| &self[id])
    }

    /// Ops whose requests carry message id `value`, in spec order.
    ///
    /// ```
    /// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/nlctrl.yaml")).unwrap();
    /// assert_eq!(f.ops_by_request_value(3).next().unwrap().name, "getfamily");
    /// ```
    pub fn ops_by_request_value(&self, value: u16) -> impl Iterator<Item = &Op> {
        self.ops
            .list
            .iter()
            .filter(move |op| op.req_value == Some(value))
    }

    /// Ops whose replies or notifications carry message id `value`, in spec order.
    ///
    /// Several ops can share a reply id: in rt-link, `getlink` replies and `newlink-ntf`
    /// notifications are both `RTM_NEWLINK`.
    ///
    /// ```
    /// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/nlctrl.yaml")).unwrap();
    /// assert_eq!(f.ops_by_reply_value(1).next().unwrap().name, "getfamily");
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
    /// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/ovs_flow.yaml")).unwrap();
    /// assert!(f.mcast_group_id("ovs_flow").is_some());
    /// ```
    pub fn mcast_group_id(&self, name: &str) -> Option<McastId> {
        self.index.mcast_groups.get(name).copied()
    }

    /// A multicast group by name.
    ///
    /// ```
    /// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/rt-link.yaml")).unwrap();
    /// assert_eq!(f.mcast_group("rtnlgrp-link").unwrap().value, Some(1));
    /// ```
    pub fn mcast_group(&self, name: &str) -> Option<&McastGroup> {
        self.mcast_group_id(name).map(|id| &self[id])
    }

    /// The attributes an op's message carries: `request`/`reply` of `do` or `dump`, the
    /// event's list, or for a notification the reply of the op it names (`do`, else `dump`).
    ///
    /// ```
    /// use nlwire_schema::{Direction, Mode};
    /// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/ovs_flow.yaml")).unwrap();
    /// let get = f.op("get").unwrap();
    /// let set = &f[get.attr_set.unwrap()];
    /// let names: Vec<_> = f.msg_attrs(get, Mode::Do, Direction::Request).unwrap()
    ///     .iter().map(|&i| set.attrs[i].name.as_str()).collect();
    /// assert_eq!(names, ["key", "ufid", "ufid-flags"]);
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

/// A `definitions:` entry.
///
/// ```
/// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/handshake.yaml")).unwrap();
/// assert_eq!(f.def("max-errno").unwrap().as_const_int(), Some(4095));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Definition {
    /// Name.
    pub name: String,
    /// Documentation.
    pub doc: Option<String>,
    /// C header that already defines it.
    pub header: Option<String>,
    /// Where C renders it.
    pub scope: Scope,
    /// Where it is written.
    pub pos: Pos,
    /// What it defines.
    pub kind: DefKind,
}

impl Definition {
    /// The enum or flags, if it is one.
    ///
    /// ```
    /// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/nlctrl.yaml")).unwrap();
    /// assert!(f.def("op-flags").unwrap().as_enum().unwrap().flags);
    /// ```
    pub fn as_enum(&self) -> Option<&EnumDef> {
        match &self.kind {
            DefKind::Enum(e) => Some(e),
            _ => None,
        }
    }

    /// The struct, if it is one.
    ///
    /// ```
    /// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/ovs_flow.yaml")).unwrap();
    /// assert_eq!(f.def("ovs-flow-stats").unwrap().as_struct().unwrap().size, 16);
    /// ```
    pub fn as_struct(&self) -> Option<&StructDef> {
        match &self.kind {
            DefKind::Struct(s) => Some(s),
            _ => None,
        }
    }

    /// The value of an integer const.
    ///
    /// ```
    /// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/team.yaml")).unwrap();
    /// assert_eq!(f.def("string-max-len").unwrap().as_const_int(), Some(32));
    /// ```
    pub fn as_const_int(&self) -> Option<i128> {
        match &self.kind {
            DefKind::Const(ConstValue::Int(v)) => Some(*v),
            _ => None,
        }
    }

    /// `const`, `enum`, `flags` or `struct`.
    ///
    /// ```
    /// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/nlctrl.yaml")).unwrap();
    /// assert_eq!(f.def("op-flags").unwrap().kind_name(), "flags");
    /// ```
    pub fn kind_name(&self) -> &'static str {
        match &self.kind {
            DefKind::Const(_) => "const",
            DefKind::Enum(e) if e.flags => "flags",
            DefKind::Enum(_) => "enum",
            DefKind::Struct(_) => "struct",
        }
    }
}

/// Where a C generator renders a definition.
///
/// ```
/// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/nlctrl.yaml")).unwrap();
/// assert_eq!(f.def("op-flags").unwrap().scope, nlwire_schema::Scope::Uapi);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Scope {
    /// uAPI header (the default).
    #[default]
    Uapi,
    /// Kernel-only header.
    Kernel,
    /// User-space-only header.
    User,
}

/// What a definition defines.
///
/// ```
/// use nlwire_schema::DefKind;
/// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/ovs_flow.yaml")).unwrap();
/// assert!(matches!(f.def("ovs-header").unwrap().kind, DefKind::Struct(_)));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DefKind {
    /// `const`.
    Const(ConstValue),
    /// `enum` or `flags`.
    Enum(EnumDef),
    /// `struct`.
    Struct(StructDef),
}

/// Value of a `const` definition.
///
/// ```
/// use nlwire_schema::ConstValue;
/// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/team.yaml")).unwrap();
/// assert_eq!(f.def("genl-change-event-mc-grp-name").unwrap().kind, nlwire_schema::DefKind::Const(ConstValue::Str("change_event".into())));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConstValue {
    /// Integer.
    Int(i128),
    /// String.
    Str(String),
}

/// An `enum` or `flags` definition with its entries numbered.
///
/// ```
/// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/nlctrl.yaml")).unwrap();
/// let e = f.def("op-flags").unwrap().as_enum().unwrap();
/// assert_eq!(e.entry("cmd-cap-do").unwrap().value, 1);
/// assert_eq!(e.user_value(e.entry("cmd-cap-do").unwrap()), 2);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnumDef {
    /// `flags`: entry values are bit positions.
    pub flags: bool,
    /// Entries in spec order.
    pub entries: Vec<EnumEntry>,
    /// C entry prefix (default `<family>-<name>-`).
    pub name_prefix: String,
    /// C enum type name; `None` when not given or given as null.
    pub enum_name: Option<String>,
    /// `render-max`.
    pub render_max: bool,
    /// `enum-cnt-name`.
    pub enum_cnt_name: Option<String>,
}

impl EnumDef {
    /// An entry by name.
    ///
    /// ```
    /// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/nlctrl.yaml")).unwrap();
    /// assert_eq!(f.def("attr-type").unwrap().as_enum().unwrap().entry("u8").unwrap().value, 2);
    /// ```
    pub fn entry(&self, name: &str) -> Option<&EnumEntry> {
        self.entries.iter().find(|e| e.name == name)
    }

    /// The first entry whose raw value (bit position for flags) is `value`.
    ///
    /// ```
    /// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/nlctrl.yaml")).unwrap();
    /// assert_eq!(f.def("attr-type").unwrap().as_enum().unwrap().entry_by_value(2).unwrap().name, "u8");
    /// ```
    pub fn entry_by_value(&self, value: i64) -> Option<&EnumEntry> {
        self.entries.iter().find(|e| e.value == value)
    }

    /// The value on the wire: the raw value for enums, `1 << value` for flags.
    ///
    /// ```
    /// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/nlctrl.yaml")).unwrap();
    /// let e = f.def("op-flags").unwrap().as_enum().unwrap();
    /// assert_eq!(e.user_value(e.entry("uns-admin-perm").unwrap()), 16);
    /// ```
    pub fn user_value(&self, entry: &EnumEntry) -> i128 {
        if self.flags {
            1i128 << entry.value
        } else {
            entry.value.into()
        }
    }

    /// OR of every entry taken as a bit position (for flags, or for an enum used with `enum-as-flags`).
    ///
    /// ```
    /// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/nlctrl.yaml")).unwrap();
    /// assert_eq!(f.def("op-flags").unwrap().as_enum().unwrap().mask(), 0x1f);
    /// ```
    pub fn mask(&self) -> u64 {
        self.entries
            .iter()
            .filter(|e| (0..64).contains(&e.value))
            .fold(0, |m, e| m | (1u64 << e.value))
    }

    /// Smallest and largest raw value, or `None` without entries.
    ///
    /// ```
    /// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/nlctrl.yaml")).unwrap();
    /// assert_eq!(f.def("attr-type").unwrap().as_enum().unwrap().range(), Some((0, 17)));
    /// ```
    pub fn range(&self) -> Option<(i64, i64)> {
        let min = self.entries.iter().map(|e| e.value).min()?;
        let max = self.entries.iter().map(|e| e.value).max()?;
        Some((min, max))
    }
}

/// One enum or flags entry.
///
/// ```
/// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/nlctrl.yaml")).unwrap();
/// let e = &f.def("attr-type").unwrap().as_enum().unwrap().entries[0];
/// assert_eq!((e.name.as_str(), e.value), ("invalid", 0));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnumEntry {
    /// Name.
    pub name: String,
    /// Raw value: the number for enums, the bit position for flags.
    pub value: i64,
    /// Documentation.
    pub doc: Option<String>,
    /// Where it is written.
    pub pos: Pos,
}

/// A packed C struct (no implicit padding), with member offsets computed.
///
/// ```
/// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/ovs_flow.yaml")).unwrap();
/// let s = f.def("ovs-key-ethernet").unwrap().as_struct().unwrap();
/// assert_eq!((s.size, s.members[1].offset), (12, 6));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StructDef {
    /// Members in layout order.
    pub members: Vec<Member>,
    /// Total size in bytes.
    pub size: u32,
}

impl StructDef {
    /// A member by name.
    ///
    /// ```
    /// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/ovs_flow.yaml")).unwrap();
    /// assert_eq!(f.def("ovs-header").unwrap().as_struct().unwrap().member("dp-ifindex").unwrap().size, 4);
    /// ```
    pub fn member(&self, name: &str) -> Option<&Member> {
        self.members.iter().find(|m| m.name == name)
    }
}

/// One struct member.
///
/// ```
/// use nlwire_schema::{ByteOrder, IntType, MemberType};
/// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/ovs_flow.yaml")).unwrap();
/// let m = &f.def("ovs-key-mpls").unwrap().as_struct().unwrap().members[0];
/// assert_eq!((m.ty, m.byte_order), (MemberType::Int(IntType::U32), ByteOrder::BigEndian));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    /// Name.
    pub name: String,
    /// Type.
    pub ty: MemberType,
    /// `len` of binary, string and pad members.
    pub len: Option<u32>,
    /// Byte order of integers.
    pub byte_order: ByteOrder,
    /// Documentation.
    pub doc: Option<String>,
    /// Enum of the value.
    pub enum_: Option<DefId>,
    /// Take the enum's entries as bit positions.
    pub enum_as_flags: bool,
    /// Formatting hint.
    pub display_hint: Option<DisplayHint>,
    /// Nested struct of a binary member.
    pub struct_: Option<DefId>,
    /// Offset in the struct.
    pub offset: u32,
    /// Size in bytes.
    pub size: u32,
    /// Where it is written.
    pub pos: Pos,
}

/// Fixed-width integer types.
///
/// ```
/// use nlwire_schema::IntType;
/// assert_eq!(IntType::S16.width(), 2);
/// assert!(IntType::S16.signed());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IntType {
    /// `u8`.
    U8,
    /// `u16`.
    U16,
    /// `u32`.
    U32,
    /// `u64`.
    U64,
    /// `s8`.
    S8,
    /// `s16`.
    S16,
    /// `s32`.
    S32,
    /// `s64`.
    S64,
}

impl IntType {
    /// Parses `u8` ... `s64`.
    ///
    /// ```
    /// assert_eq!(nlwire_schema::IntType::parse("u64"), Some(nlwire_schema::IntType::U64));
    /// ```
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "u8" => Self::U8,
            "u16" => Self::U16,
            "u32" => Self::U32,
            "u64" => Self::U64,
            "s8" => Self::S8,
            "s16" => Self::S16,
            "s32" => Self::S32,
            "s64" => Self::S64,
            _ => return None,
        })
    }

    /// Width in bytes.
    ///
    /// ```
    /// assert_eq!(nlwire_schema::IntType::U64.width(), 8);
    /// ```
    pub fn width(self) -> u32 {
        match self {
            Self::U8 | Self::S8 => 1,
            Self::U16 | Self::S16 => 2,
            Self::U32 | Self::S32 => 4,
            Self::U64 | Self::S64 => 8,
        }
    }

    /// True for `s*`.
    ///
    /// ```
    /// assert!(!nlwire_schema::IntType::U8.signed());
    /// ```
    pub fn signed(self) -> bool {
        matches!(self, Self::S8 | Self::S16 | Self::S32 | Self::S64)
    }

    /// Smallest and largest value.
    ///
    /// ```
    /// assert_eq!(nlwire_schema::IntType::S8.bounds(), (-128, 127));
    /// ```
    pub fn bounds(self) -> (i128, i128) {
        let bits = self.width() * 8;
        if self.signed() {
            (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
        } else {
            (0, (1i128 << bits) - 1)
        }
    }

    /// The spelling in specs.
    ///
    /// ```
    /// assert_eq!(nlwire_schema::IntType::S32.as_str(), "s32");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Self::U8 => "u8",
            Self::U16 => "u16",
            Self::U32 => "u32",
            Self::U64 => "u64",
            Self::S8 => "s8",
            Self::S16 => "s16",
            Self::S32 => "s32",
            Self::S64 => "s64",
        }
    }
}

/// Type of a struct member.
///
/// ```
/// use nlwire_schema::MemberType;
/// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/ovs_flow.yaml")).unwrap();
/// assert_eq!(f.def("ovs-key-ethernet").unwrap().as_struct().unwrap().members[0].ty, MemberType::Binary);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MemberType {
    /// A fixed-width integer.
    Int(IntType),
    /// A fixed-size char array.
    String,
    /// Bytes (`len`) or a nested struct.
    Binary,
    /// Padding bytes.
    Pad,
}

/// Type of an attribute (or the `sub-type` of one).
///
/// ```
/// use nlwire_schema::{AttrType, IntType};
/// assert_eq!(AttrType::parse("u16"), Some(AttrType::Int(IntType::U16)));
/// assert_eq!(AttrType::parse("indexed-array"), Some(AttrType::IndexedArray));
/// assert_eq!(AttrType::Sint.as_str(), "sint");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AttrType {
    /// Reserved id, never sent.
    Unused,
    /// Alignment padding, skipped.
    Pad,
    /// Zero-length; presence is the value.
    Flag,
    /// Fixed-width integer.
    Int(IntType),
    /// Unsigned integer of 4 or 8 bytes.
    Uint,
    /// Signed integer of 4 or 8 bytes.
    Sint,
    /// NUL-terminated string.
    String,
    /// Bytes, a struct or a C array.
    Binary,
    /// `struct nla_bitfield32`.
    Bitfield32,
    /// Nested attributes.
    Nest,
    /// Nested entries whose type field is the index.
    IndexedArray,
    /// Nesting levels whose type fields carry values (nlctrl policies).
    NestTypeValue,
    /// Payload whose format a selector attribute picks.
    SubMessage,
}

impl AttrType {
    /// Parses a type name.
    ///
    /// ```
    /// assert!(nlwire_schema::AttrType::parse("array-nest").is_none());
    /// ```
    pub fn parse(s: &str) -> Option<Self> {
        if let Some(t) = IntType::parse(s) {
            return Some(Self::Int(t));
        }
        Some(match s {
            "unused" => Self::Unused,
            "pad" => Self::Pad,
            "flag" => Self::Flag,
            "uint" => Self::Uint,
            "sint" => Self::Sint,
            "string" => Self::String,
            "binary" => Self::Binary,
            "bitfield32" => Self::Bitfield32,
            "nest" => Self::Nest,
            "indexed-array" => Self::IndexedArray,
            "nest-type-value" => Self::NestTypeValue,
            "sub-message" => Self::SubMessage,
            _ => return None,
        })
    }

    /// The spelling in specs.
    ///
    /// ```
    /// assert_eq!(nlwire_schema::AttrType::NestTypeValue.as_str(), "nest-type-value");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Int(t) => t.as_str(),
            Self::Unused => "unused",
            Self::Pad => "pad",
            Self::Flag => "flag",
            Self::Uint => "uint",
            Self::Sint => "sint",
            Self::String => "string",
            Self::Binary => "binary",
            Self::Bitfield32 => "bitfield32",
            Self::Nest => "nest",
            Self::IndexedArray => "indexed-array",
            Self::NestTypeValue => "nest-type-value",
            Self::SubMessage => "sub-message",
        }
    }

    /// True for integer types: fixed-width, `uint` and `sint`.
    ///
    /// ```
    /// assert!(nlwire_schema::AttrType::Uint.is_integer());
    /// ```
    pub fn is_integer(self) -> bool {
        matches!(self, Self::Int(_) | Self::Uint | Self::Sint)
    }

    /// True for types whose payload is nested attributes.
    ///
    /// ```
    /// assert!(nlwire_schema::AttrType::Nest.is_nested());
    /// ```
    pub fn is_nested(self) -> bool {
        matches!(self, Self::Nest | Self::IndexedArray | Self::NestTypeValue)
    }
}

/// Byte order of an integer.
///
/// ```
/// assert_eq!(nlwire_schema::ByteOrder::default(), nlwire_schema::ByteOrder::Host);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum ByteOrder {
    /// Host order (no `byte-order` key).
    #[default]
    Host,
    /// `little-endian`.
    LittleEndian,
    /// `big-endian`.
    BigEndian,
}

/// `display-hint` values.
///
/// ```
/// use nlwire_schema::DisplayHint;
/// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/ovs_flow.yaml")).unwrap();
/// assert_eq!(f.set("flow-attrs").unwrap().attr("ufid").unwrap().display_hint, Some(DisplayHint::Uuid));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DisplayHint {
    /// `hex`.
    Hex,
    /// `mac`.
    Mac,
    /// `fddi`.
    Fddi,
    /// `ipv4`.
    Ipv4,
    /// `ipv6`.
    Ipv6,
    /// `ipv4-or-v6`.
    Ipv4OrV6,
    /// `uuid`.
    Uuid,
}

/// An attribute set.
///
/// ```
/// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/ovs_flow.yaml")).unwrap();
/// let s = f.set("tunnel-key-attrs").unwrap();
/// assert_eq!(s.attr_by_value(0).unwrap().name, "id");
/// assert_eq!(s.name_prefix, "ovs-tunnel-key-attr-");
/// ```
#[derive(Clone, Debug)]
pub struct AttrSet {
    /// Name.
    pub name: String,
    /// Documentation.
    pub doc: Option<String>,
    /// C enum prefix: `name-prefix`, the superset's, or `<family>-a-[<set>-]`.
    pub name_prefix: String,
    /// C enum type name; `None` when not given or given as null.
    pub enum_name: Option<String>,
    /// `attr-cnt-name`.
    pub attr_cnt_name: Option<String>,
    /// `attr-max-name`.
    pub attr_max_name: Option<String>,
    /// C header that already defines it.
    pub header: Option<String>,
    /// The superset, for a subset.
    pub subset_of: Option<SetId>,
    /// Attributes in spec order.
    pub attrs: Vec<Attr>,
    /// Where it is written.
    pub pos: Pos,
    pub(crate) by_name: HashMap<String, usize>,
    pub(crate) by_value: HashMap<u16, usize>,
}

impl AttrSet {
    /// An attribute by name.
    ///
    /// ```
    /// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/nlctrl.yaml")).unwrap();
    /// assert_eq!(f.set("ctrl-attrs").unwrap().attr("version").unwrap().value, 3);
    /// ```
    pub fn attr(&self, name: &str) -> Option<&Attr> {
        self.position(name).map(|i| &self.attrs[i])
    }

    /// Index in [`AttrSet::attrs`] of an attribute by name.
    ///
    /// ```
    /// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/nlctrl.yaml")).unwrap();
    /// assert_eq!(f.set("ctrl-attrs").unwrap().position("version"), Some(2));
    /// ```
    pub fn position(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }

    /// An attribute by id; the first one in spec order if ids repeat.
    ///
    /// ```
    /// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/nlctrl.yaml")).unwrap();
    /// assert_eq!(f.set("ctrl-attrs").unwrap().attr_by_value(1).unwrap().name, "family-id");
    /// ```
    pub fn attr_by_value(&self, value: u16) -> Option<&Attr> {
        self.by_value.get(&value).map(|&i| &self.attrs[i])
    }

    /// Largest attribute id (0 for an empty set).
    ///
    /// ```
    /// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/nlctrl.yaml")).unwrap();
    /// assert_eq!(f.set("ctrl-attrs").unwrap().max_value(), 10);
    /// ```
    pub fn max_value(&self) -> u16 {
        self.attrs.iter().map(|a| a.value).max().unwrap_or(0)
    }
}

/// One attribute.
///
/// ```
/// use nlwire_schema::AttrType;
/// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/ovs_flow.yaml")).unwrap();
/// let key = f.set("flow-attrs").unwrap().attr("key").unwrap();
/// assert_eq!(key.ty, AttrType::Nest);
/// assert_eq!(f[key.nested.unwrap()].name, "key-attrs");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attr {
    /// Name.
    pub name: String,
    /// Documentation.
    pub doc: Option<String>,
    /// Attribute id (type field).
    pub value: u16,
    /// Type.
    pub ty: AttrType,
    /// Element type of an indexed-array, or of a C array in a binary.
    pub sub_type: Option<AttrType>,
    /// May repeat (`multi-attr`).
    pub multi: bool,
    /// Set of the nested attributes (nest, indexed-array of nests, nest-type-value).
    pub nested: Option<SetId>,
    /// Struct of a binary payload.
    pub struct_: Option<DefId>,
    /// Enum or flags of the value.
    pub enum_: Option<DefId>,
    /// Take the enum's entries as bit positions.
    pub enum_as_flags: bool,
    /// Sub-message of a sub-message attribute.
    pub sub_message: Option<SubMsgId>,
    /// Name of the attribute whose value picks the sub-message format; it is looked up in
    /// this set first, then in the sets that nest it.
    pub selector: Option<String>,
    /// Byte order of an integer payload.
    pub byte_order: ByteOrder,
    /// Formatting hint.
    pub display_hint: Option<DisplayHint>,
    /// Kernel input validation.
    pub checks: Checks,
    /// Names of the values carried in the type fields of a nest-type-value.
    pub type_value: Vec<String>,
    /// C enum prefix of this attribute alone.
    pub name_prefix: Option<String>,
    /// Where it is written.
    pub pos: Pos,
}

/// Kernel input validation of an attribute, with const names and type limits resolved.
///
/// ```
/// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/netdev.yaml")).unwrap();
/// let c = &f.set("dev").unwrap().attr("ifindex").unwrap().checks;
/// assert_eq!(c.min, Some(1));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Checks {
    /// Lower bound.
    pub min: Option<i128>,
    /// Upper bound.
    pub max: Option<i128>,
    /// Minimum length.
    pub min_len: Option<u32>,
    /// Maximum length (excluding the NUL of strings).
    pub max_len: Option<u32>,
    /// Exact length.
    pub exact_len: Option<u32>,
    /// Strings need not be NUL-terminated.
    pub unterminated_ok: bool,
    /// Flags definition whose bits are the allowed mask.
    pub flags_mask: Option<DefId>,
}

impl Checks {
    /// True when no check is given.
    ///
    /// ```
    /// assert!(nlwire_schema::Checks::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// A sub-message: payload formats picked by a selector value.
///
/// ```
/// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/rt-link.yaml")).unwrap();
/// let m = f.sub_message("linkinfo-data-msg").unwrap();
/// let vlan = m.format("vlan").unwrap();
/// assert_eq!(f[vlan.attr_set.unwrap()].name, "linkinfo-vlan-attrs");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubMessage {
    /// Name.
    pub name: String,
    /// Formats in spec order.
    pub formats: Vec<SubMsgFormat>,
    /// Where it is written.
    pub pos: Pos,
}

impl SubMessage {
    /// The format for a selector value.
    ///
    /// ```
    /// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/tc.yaml")).unwrap();
    /// let netem = f.sub_message("options-msg").unwrap().format("netem").unwrap();
    /// assert_eq!(f[netem.fixed_header.unwrap()].name, "tc-netem-qopt");
    /// ```
    pub fn format(&self, value: &str) -> Option<&SubMsgFormat> {
        self.formats.iter().find(|f| f.value == value)
    }
}

/// One sub-message format: `[fixed header][attributes]`.
///
/// ```
/// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/tc.yaml")).unwrap();
/// assert!(f.sub_message("options-msg").unwrap().format("bfifo").unwrap().attr_set.is_none());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubMsgFormat {
    /// Selector value.
    pub value: String,
    /// Fixed header struct.
    pub fixed_header: Option<DefId>,
    /// Attribute set after the header.
    pub attr_set: Option<SetId>,
    /// Where it is written.
    pub pos: Pos,
}

/// How op message ids are assigned.
///
/// ```
/// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/ethtool.yaml")).unwrap();
/// assert_eq!(f.ops.enum_model, nlwire_schema::EnumModel::Directional);
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
/// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/ovs_flow.yaml")).unwrap();
/// assert_eq!(f[f.ops.fixed_header.unwrap()].name, "ovs-header");
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
/// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/ovs_flow.yaml")).unwrap();
/// assert!(!f.op("get").unwrap().flags.admin_perm);
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
/// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/nlctrl.yaml")).unwrap();
/// assert!(f.op("getfamily").unwrap().dont_validate.is_empty());
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
/// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/rt-link.yaml")).unwrap();
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
    /// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/ovs_flow.yaml")).unwrap();
    /// assert!(f.op("new").unwrap().is_call());
    /// ```
    pub fn is_call(&self) -> bool {
        self.do_.is_some() || self.dump.is_some()
    }

    /// Is a notification or an event.
    ///
    /// ```
    /// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/rt-link.yaml")).unwrap();
    /// assert!(f.op("newlink-ntf").unwrap().is_async());
    /// ```
    pub fn is_async(&self) -> bool {
        self.notify.is_some() || self.event.is_some()
    }

    /// Only reserves an id.
    ///
    /// ```
    /// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/fou.yaml")).unwrap();
    /// assert!(f.op("unspec").unwrap().is_reserved());
    /// ```
    pub fn is_reserved(&self) -> bool {
        !self.is_call() && !self.is_async()
    }

    /// The single id of requests and replies, when they are the same.
    ///
    /// ```
    /// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/ovs_flow.yaml")).unwrap();
    /// assert_eq!(f.op("new").unwrap().value(), Some(1));
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
/// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/ovs_flow.yaml")).unwrap();
/// assert!(f.op("new").unwrap().do_.as_ref().unwrap().reply.is_none());
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
/// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/ovs_flow.yaml")).unwrap();
/// let new = f.op("new").unwrap();
/// let first = new.do_.as_ref().unwrap().request.as_ref().unwrap().attrs[0];
/// assert_eq!(f[new.attr_set.unwrap()].attrs[first].name, "key");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OpMsg {
    /// Indices into the op's [`AttrSet::attrs`].
    pub attrs: Vec<usize>,
}

/// A multicast group.
///
/// ```
/// let f = nlwire_schema::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ynl-specs/ovs_flow.yaml")).unwrap();
/// assert_eq!(f.mcast_groups[0].value, None);
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
