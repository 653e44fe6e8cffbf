//! The kernel's own attribute policies of a genetlink family (`CTRL_CMD_GETPOLICY`),
//! read without any spec.
//!
//! Numbers from include/uapi/linux/genetlink.h (`CTRL_ATTR_POLICY` 8, `CTRL_ATTR_OP_POLICY`
//! 9, `CTRL_ATTR_OP` 10, `CTRL_ATTR_POLICY_DO` 1, `CTRL_ATTR_POLICY_DUMP` 2) and
//! include/uapi/linux/netlink.h; each attribute's policy is decoded by
//! [`nlwire::ReportedPolicy`].

use std::collections::{BTreeMap, HashMap};

use nlwire::consts::{GENL_ID_CTRL, NETLINK_GENERIC, NLM_F_REQUEST};
use nlwire::{Attrs, MsgBuf, ReportedPolicy, Result as WireResult};

use crate::error::{CliError, Result};
use crate::genl::{
    CTRL_ATTR_FAMILY_NAME, CTRL_ATTR_OP, CTRL_ATTR_OP_POLICY, CTRL_ATTR_POLICY, CTRL_CMD_GETPOLICY,
};

/// `CTRL_ATTR_POLICY_DO`.
pub const CTRL_ATTR_POLICY_DO: u16 = 1;
/// `CTRL_ATTR_POLICY_DUMP`.
pub const CTRL_ATTR_POLICY_DUMP: u16 = 2;

/// The compact form the policy-check table prints: `u32 1..4294967295`,
/// `nul-string len ..15` (the spec column uses the same shape).
pub fn describe(k: &ReportedPolicy) -> String {
    let mut s = k.kind_name().into_owned();
    if let Some((a, b)) = k.range() {
        s.push_str(&format!(" {a}..{b}"));
    }
    if let Some(m) = k.mask {
        s.push_str(&format!(" mask {m:#x}"));
    }
    if let Some(m) = k.bitfield32_mask {
        s.push_str(&format!(" mask {m:#x}"));
    }
    if k.min_len.is_some() || k.max_len.is_some() {
        s.push_str(&format!(
            " len {}..{}",
            k.min_len.map(|v| v.to_string()).unwrap_or_default(),
            k.max_len.map(|v| v.to_string()).unwrap_or_default()
        ));
    }
    s
}

/// A family's policies: the per-op map and the policies it points at.
#[derive(Clone, Debug, Default)]
pub struct KPolicies {
    /// Op (command) to its do and dump policy indexes.
    pub ops: BTreeMap<u32, (Option<u32>, Option<u32>)>,
    /// Policy index to attribute type to policy.
    pub policies: HashMap<u32, BTreeMap<u16, ReportedPolicy>>,
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
                            map.insert(at.ty(), ReportedPolicy::parse(at.payload())?);
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
