//! The generic netlink controller (nlctrl) as the CLI needs it without any spec:
//! family descriptions from `CTRL_CMD_NEWFAMILY` messages, and the constants of
//! include/uapi/linux/genetlink.h.

use nlwire::{Attrs, Result as WireResult};
use serde_json::{Map, Value, json};

/// `CTRL_CMD_NEWFAMILY`: the reply to GETFAMILY, and the notification of a new family.
pub const CTRL_CMD_NEWFAMILY: u8 = 1;
/// `CTRL_CMD_GETFAMILY`.
pub const CTRL_CMD_GETFAMILY: u8 = 3;
/// `CTRL_CMD_GETPOLICY`.
pub const CTRL_CMD_GETPOLICY: u8 = 10;

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
/// `CTRL_ATTR_OPS` (nested array of op nests).
pub const CTRL_ATTR_OPS: u16 = 6;
/// `CTRL_ATTR_MCAST_GROUPS` (nested array of group nests).
pub const CTRL_ATTR_MCAST_GROUPS: u16 = 7;
/// `CTRL_ATTR_POLICY` (nested: policy index, attribute type, `NL_POLICY_TYPE_ATTR_*`).
pub const CTRL_ATTR_POLICY: u16 = 8;
/// `CTRL_ATTR_OP_POLICY` (nested: op, `CTRL_ATTR_POLICY_DO`/`DUMP`).
pub const CTRL_ATTR_OP_POLICY: u16 = 9;
/// `CTRL_ATTR_OP` (u32).
pub const CTRL_ATTR_OP: u16 = 10;

/// `CTRL_ATTR_OP_ID` (u32).
pub const CTRL_ATTR_OP_ID: u16 = 1;
/// `CTRL_ATTR_OP_FLAGS` (u32).
pub const CTRL_ATTR_OP_FLAGS: u16 = 2;
/// `CTRL_ATTR_MCAST_GRP_NAME` (string).
pub const CTRL_ATTR_MCAST_GRP_NAME: u16 = 1;
/// `CTRL_ATTR_MCAST_GRP_ID` (u32).
pub const CTRL_ATTR_MCAST_GRP_ID: u16 = 2;

/// The op flags (`GENL_ADMIN_PERM` ... `GENL_UNS_ADMIN_PERM`) with short names.
pub const OP_FLAGS: [(u32, &str); 5] = [
    (0x01, "admin-perm"),
    (0x02, "do"),
    (0x04, "dump"),
    (0x08, "has-policy"),
    (0x10, "uns-admin-perm"),
];

/// One op of a family.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OpInfo {
    /// Command number.
    pub id: u32,
    /// `GENL_*` flags.
    pub flags: u32,
}

impl OpInfo {
    /// The flag names set in `flags`, unknown bits in hex.
    pub fn flag_names(&self) -> Vec<String> {
        let mut names: Vec<String> = OP_FLAGS
            .iter()
            .filter(|(bit, _)| self.flags & bit != 0)
            .map(|(_, n)| n.to_string())
            .collect();
        let rest = self.flags & !0x1f;
        if rest != 0 {
            names.push(format!("{rest:#x}"));
        }
        names
    }
}

/// A genetlink family as nlctrl describes it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FamilyInfo {
    /// Family id (the `nlmsg_type` of its messages).
    pub id: u16,
    /// Name.
    pub name: String,
    /// Interface version.
    pub version: u32,
    /// Size of its fixed header after `genlmsghdr`.
    pub hdrsize: u32,
    /// Highest attribute type of its policy.
    pub maxattr: u32,
    /// Ops.
    pub ops: Vec<OpInfo>,
    /// Multicast groups: name and id.
    pub groups: Vec<(String, u32)>,
}

impl FamilyInfo {
    /// Reads the attributes of a `CTRL_CMD_NEWFAMILY` message.
    pub fn parse(attrs: &[u8]) -> WireResult<Self> {
        let mut f = FamilyInfo::default();
        for a in Attrs::new(attrs) {
            let a = a?;
            match a.ty() {
                CTRL_ATTR_FAMILY_ID => f.id = a.get_u16()?,
                CTRL_ATTR_FAMILY_NAME => f.name = a.get_str()?.to_string(),
                CTRL_ATTR_VERSION => f.version = a.get_u32()?,
                CTRL_ATTR_HDRSIZE => f.hdrsize = a.get_u32()?,
                CTRL_ATTR_MAXATTR => f.maxattr = a.get_u32()?,
                CTRL_ATTR_OPS => {
                    for entry in a.nested() {
                        let mut op = OpInfo::default();
                        for x in entry?.nested() {
                            let x = x?;
                            match x.ty() {
                                CTRL_ATTR_OP_ID => op.id = x.get_u32()?,
                                CTRL_ATTR_OP_FLAGS => op.flags = x.get_u32()?,
                                _ => {}
                            }
                        }
                        f.ops.push(op);
                    }
                }
                CTRL_ATTR_MCAST_GROUPS => {
                    for entry in a.nested() {
                        let (mut name, mut id) = (String::new(), 0);
                        for x in entry?.nested() {
                            let x = x?;
                            match x.ty() {
                                CTRL_ATTR_MCAST_GRP_NAME => name = x.get_str()?.to_string(),
                                CTRL_ATTR_MCAST_GRP_ID => id = x.get_u32()?,
                                _ => {}
                            }
                        }
                        f.groups.push((name, id));
                    }
                }
                _ => {}
            }
        }
        Ok(f)
    }

    /// The JSON form printed by `families -o json`.
    pub fn to_json(&self) -> Value {
        let ops: Vec<Value> = self
            .ops
            .iter()
            .map(|o| json!({"id": o.id, "flags": o.flag_names(), "raw-flags": o.flags}))
            .collect();
        let mut groups = Map::new();
        for (n, id) in &self.groups {
            groups.insert(n.clone(), Value::from(*id));
        }
        json!({
            "id": self.id,
            "name": self.name,
            "version": self.version,
            "hdrsize": self.hdrsize,
            "maxattr": self.maxattr,
            "ops": ops,
            "mcast-groups": groups,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_newfamily_message() {
        let mut b = nlwire::MsgBuf::new();
        b.put_attr_u16(CTRL_ATTR_FAMILY_ID, 0x10).unwrap();
        b.put_attr_str(CTRL_ATTR_FAMILY_NAME, "nlctrl").unwrap();
        b.put_attr_u32(CTRL_ATTR_VERSION, 2).unwrap();
        let ops = b.start_nested(CTRL_ATTR_OPS);
        let op = b.start_nested(1);
        b.put_attr_u32(CTRL_ATTR_OP_ID, 3).unwrap();
        b.put_attr_u32(CTRL_ATTR_OP_FLAGS, 0x0e).unwrap();
        b.end_nested(op).unwrap();
        b.end_nested(ops).unwrap();
        let g = b.start_nested(CTRL_ATTR_MCAST_GROUPS);
        let e = b.start_nested(1);
        b.put_attr_str(CTRL_ATTR_MCAST_GRP_NAME, "notify").unwrap();
        b.put_attr_u32(CTRL_ATTR_MCAST_GRP_ID, 16).unwrap();
        b.end_nested(e).unwrap();
        b.end_nested(g).unwrap();
        let f = FamilyInfo::parse(b.as_slice()).unwrap();
        assert_eq!((f.id, f.name.as_str(), f.version), (0x10, "nlctrl", 2));
        assert_eq!(f.ops[0].flag_names(), ["do", "dump", "has-policy"]);
        assert_eq!(f.groups, [("notify".to_string(), 16)]);
    }
}
