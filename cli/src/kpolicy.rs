//! The kernel's own attribute policies of a genetlink family (`CTRL_CMD_GETPOLICY`),
//! read without any spec.
//!
//! Numbers from include/uapi/linux/genetlink.h (`CTRL_ATTR_POLICY` 8, `CTRL_ATTR_OP_POLICY`
//! 9, `CTRL_ATTR_OP` 10, `CTRL_ATTR_POLICY_DO` 1, `CTRL_ATTR_POLICY_DUMP` 2) and
//! include/uapi/linux/netlink.h (`NL_POLICY_TYPE_ATTR_*` and `NL_ATTR_TYPE_*`). Note that
//! in the kernel `PAD` is 11 and `MASK` 12, the reverse of the order in the kernel's
//! nlctrl.yaml.

use std::collections::{BTreeMap, HashMap};

use nlwire::consts::{GENL_ID_CTRL, NETLINK_GENERIC, NLM_F_REQUEST};
use nlwire::{Attrs, MsgBuf, Result as WireResult};

use crate::error::{CliError, Result};
use crate::genl::{
    CTRL_ATTR_FAMILY_NAME, CTRL_ATTR_OP, CTRL_ATTR_OP_POLICY, CTRL_ATTR_POLICY, CTRL_CMD_GETPOLICY,
};

/// `CTRL_ATTR_POLICY_DO`.
pub const CTRL_ATTR_POLICY_DO: u16 = 1;
/// `CTRL_ATTR_POLICY_DUMP`.
pub const CTRL_ATTR_POLICY_DUMP: u16 = 2;

/// `NL_POLICY_TYPE_ATTR_*`.
#[allow(dead_code)]
pub mod attr {
    /// Type (`NL_ATTR_TYPE_*`, u32).
    pub const TYPE: u16 = 1;
    /// Smallest signed value (s64).
    pub const MIN_VALUE_S: u16 = 2;
    /// Largest signed value (s64).
    pub const MAX_VALUE_S: u16 = 3;
    /// Smallest unsigned value (u64).
    pub const MIN_VALUE_U: u16 = 4;
    /// Largest unsigned value (u64).
    pub const MAX_VALUE_U: u16 = 5;
    /// Smallest length (u32).
    pub const MIN_LENGTH: u16 = 6;
    /// Largest length (u32).
    pub const MAX_LENGTH: u16 = 7;
    /// Index of the nested policy (u32).
    pub const POLICY_IDX: u16 = 8;
    /// Highest attribute type of the nested policy (u32).
    pub const POLICY_MAXTYPE: u16 = 9;
    /// Valid bits of a bitfield32 (u32).
    pub const BITFIELD32_MASK: u16 = 10;
    /// Padding.
    pub const PAD: u16 = 11;
    /// Valid bits of an unsigned integer (u64).
    pub const MASK: u16 = 12;
}

/// `NL_ATTR_TYPE_*` names, indexed by number.
pub const TYPE_NAMES: [&str; 18] = [
    "invalid",
    "flag",
    "u8",
    "u16",
    "u32",
    "u64",
    "s8",
    "s16",
    "s32",
    "s64",
    "binary",
    "string",
    "nul-string",
    "nested",
    "nested-array",
    "bitfield32",
    "sint",
    "uint",
];

/// The policy of one attribute as the kernel reports it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KAttr {
    /// `NL_ATTR_TYPE_*`.
    pub ty: u32,
    /// Signed range.
    pub min_s: Option<i64>,
    /// Signed range.
    pub max_s: Option<i64>,
    /// Unsigned range.
    pub min_u: Option<u64>,
    /// Unsigned range.
    pub max_u: Option<u64>,
    /// Length bounds.
    pub min_len: Option<u32>,
    /// Length bounds.
    pub max_len: Option<u32>,
    /// Nested policy.
    pub policy_idx: Option<u32>,
    /// Nested policy's highest type.
    pub maxtype: Option<u32>,
    /// bitfield32 valid bits.
    pub bitfield_mask: Option<u32>,
    /// Valid bits.
    pub mask: Option<u64>,
}

impl KAttr {
    /// The type's name (`u32`, `nul-string`, ...).
    pub fn type_name(&self) -> String {
        TYPE_NAMES
            .get(self.ty as usize)
            .map_or_else(|| format!("type-{}", self.ty), |s| s.to_string())
    }

    /// Integer range as (min, max), whichever signedness the kernel reported.
    pub fn range(&self) -> Option<(i128, i128)> {
        match (self.min_u, self.max_u, self.min_s, self.max_s) {
            (Some(a), Some(b), _, _) => Some((a.into(), b.into())),
            (_, _, Some(a), Some(b)) => Some((a.into(), b.into())),
            _ => None,
        }
    }

    /// A short description: `u32 1..4294967295`, `nul-string len ..15`.
    pub fn describe(&self) -> String {
        let mut s = self.type_name();
        if let Some((a, b)) = self.range() {
            s.push_str(&format!(" {a}..{b}"));
        }
        if let Some(m) = self.mask {
            s.push_str(&format!(" mask {m:#x}"));
        }
        if let Some(m) = self.bitfield_mask {
            s.push_str(&format!(" mask {m:#x}"));
        }
        if self.min_len.is_some() || self.max_len.is_some() {
            s.push_str(&format!(
                " len {}..{}",
                self.min_len.map(|v| v.to_string()).unwrap_or_default(),
                self.max_len.map(|v| v.to_string()).unwrap_or_default()
            ));
        }
        s
    }

    fn parse(bytes: &[u8]) -> WireResult<KAttr> {
        let mut k = KAttr::default();
        for a in Attrs::new(bytes) {
            let a = a?;
            match a.ty() {
                attr::TYPE => k.ty = a.get_u32()?,
                attr::MIN_VALUE_S => k.min_s = Some(a.get_s64()?),
                attr::MAX_VALUE_S => k.max_s = Some(a.get_s64()?),
                attr::MIN_VALUE_U => k.min_u = Some(a.get_u64()?),
                attr::MAX_VALUE_U => k.max_u = Some(a.get_u64()?),
                attr::MIN_LENGTH => k.min_len = Some(a.get_u32()?),
                attr::MAX_LENGTH => k.max_len = Some(a.get_u32()?),
                attr::POLICY_IDX => k.policy_idx = Some(a.get_u32()?),
                attr::POLICY_MAXTYPE => k.maxtype = Some(a.get_u32()?),
                attr::BITFIELD32_MASK => k.bitfield_mask = Some(a.get_u32()?),
                attr::MASK => k.mask = Some(a.get_u64()?),
                _ => {}
            }
        }
        Ok(k)
    }
}

/// A family's policies: the per-op map and the policies it points at.
#[derive(Clone, Debug, Default)]
pub struct KPolicies {
    /// Op (command) to its do and dump policy indexes.
    pub ops: BTreeMap<u32, (Option<u32>, Option<u32>)>,
    /// Policy index to attribute type to policy.
    pub policies: HashMap<u32, BTreeMap<u16, KAttr>>,
}

impl KPolicies {
    /// Adds the content of one `CTRL_CMD_GETPOLICY` reply.
    pub fn add_message(&mut self, attrs: &[u8]) -> WireResult<()> {
        for a in Attrs::new(attrs) {
            let a = a?;
            match a.ty() {
                CTRL_ATTR_OP_POLICY => {
                    for op in a.nested() {
                        let op = op?;
                        let entry = self.ops.entry(op.ty().into()).or_default();
                        for x in op.nested() {
                            let x = x?;
                            match x.ty() {
                                CTRL_ATTR_POLICY_DO => entry.0 = Some(x.get_u32()?),
                                CTRL_ATTR_POLICY_DUMP => entry.1 = Some(x.get_u32()?),
                                _ => {}
                            }
                        }
                    }
                }
                CTRL_ATTR_POLICY => {
                    for pol in a.nested() {
                        let pol = pol?;
                        let map = self.policies.entry(pol.ty().into()).or_default();
                        for at in pol.nested() {
                            let at = at?;
                            map.insert(at.ty(), KAttr::parse(at.payload())?);
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// The policies of one op of family `name`, asked op by op (`CTRL_ATTR_OP`): `None`
/// when the kernel has no such op. The full dump cannot be used for this: the kernel
/// (at least up to 6.18) files the policy of a dump-only split op under op 0, because
/// `ctrl_dumppolicy_put_op()` nests it under `doit->cmd`, which is zeroed for such ops;
/// asked for one op, it still writes 0, but then there is no doubt which op it is.
pub fn fetch_op(name: &str, cmd: u32) -> Result<Option<OpPolicy>> {
    let mut sock = crate::net::open(NETLINK_GENERIC as u32)?;
    let mut req = MsgBuf::new();
    let m = req.start_genl_msg(GENL_ID_CTRL, NLM_F_REQUEST, CTRL_CMD_GETPOLICY, 1);
    req.put_attr_str(CTRL_ATTR_FAMILY_NAME, name)?;
    req.put_attr_u32(CTRL_ATTR_OP, cmd)?;
    req.end_msg(m)?;
    let r = sock.dump_retry(req.as_slice(), 3, |dump| {
        let mut p = KPolicies::default();
        while let Some(m) = dump.next_msg() {
            let m = m?;
            let (_, attrs) = m.genl()?;
            p.add_message(attrs)?;
        }
        Ok(p)
    });
    match r {
        Ok(p) => {
            let (doit, dumpit) = p
                .ops
                .get(&cmd)
                .or_else(|| p.ops.get(&0))
                .copied()
                .unwrap_or_default();
            Ok(Some(OpPolicy {
                doit,
                dumpit,
                policies: p,
            }))
        }
        // ENODATA: the op exists and has no policy.
        Err(e) if e.errno() == Some(61) => Ok(Some(OpPolicy::default())),
        // EOPNOTSUPP (or ENOENT on old kernels): no such op.
        Err(e)
            if matches!(e.errno(), Some(95) | Some(2))
                && e.kernel().is_some_and(|k| k.offset.is_some()) =>
        {
            Ok(None)
        }
        Err(e) if e.errno() == Some(2) => Err(CliError::failure(format!(
            "the running kernel has no generic netlink family {name:?}"
        ))),
        Err(e) if e.errno() == Some(95) => Ok(None),
        Err(e) => Err(CliError::failure(format!(
            "policy dump of {name} op {cmd} failed: {e}"
        ))),
    }
}

/// The kernel's policies of one op.
#[derive(Clone, Debug, Default)]
pub struct OpPolicy {
    /// Policy index of the do handler.
    pub doit: Option<u32>,
    /// Policy index of the dump handler.
    pub dumpit: Option<u32>,
    /// The policies (indexes are local to this op's dump).
    pub policies: KPolicies,
}
