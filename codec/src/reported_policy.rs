//! An attribute's policy as the kernel reports it: in policy dumps
//! (`CTRL_CMD_GETPOLICY`) and in the `NLMSGERR_ATTR_POLICY` field of an extended ack,
//! both a nest of `NL_POLICY_TYPE_ATTR_*` attributes.

use std::fmt;

use crate::attr::Attrs;
use crate::error::Result;

/// `NL_POLICY_TYPE_ATTR_*` numbers (include/uapi/linux/netlink.h). `PAD` is 11 and
/// `MASK` 12 in the kernel; the kernel's own nlctrl.yaml lists them the other way round.
pub mod attr {
    /// Kind of the attribute: an `NL_ATTR_TYPE_*` number (u32).
    pub const TYPE: u16 = 1;
    /// Smallest allowed signed value (s64).
    pub const MIN_VALUE_S: u16 = 2;
    /// Largest allowed signed value (s64).
    pub const MAX_VALUE_S: u16 = 3;
    /// Smallest allowed unsigned value (u64).
    pub const MIN_VALUE_U: u16 = 4;
    /// Largest allowed unsigned value (u64).
    pub const MAX_VALUE_U: u16 = 5;
    /// Smallest allowed payload length (u32).
    pub const MIN_LENGTH: u16 = 6;
    /// Largest allowed payload length (u32).
    pub const MAX_LENGTH: u16 = 7;
    /// Index of the nested policy in the same dump (u32).
    pub const POLICY_IDX: u16 = 8;
    /// Highest attribute type of the nested policy (u32).
    pub const POLICY_MAXTYPE: u16 = 9;
    /// Valid bits of a bitfield32 (u32).
    pub const BITFIELD32_MASK: u16 = 10;
    /// Alignment padding.
    pub const PAD: u16 = 11;
    /// Valid bits of an unsigned integer (u64).
    pub const MASK: u16 = 12;
}

/// Names of the kernel's `NL_ATTR_TYPE_*` values, indexed by number.
pub const KERNEL_TYPE_NAMES: [&str; 18] = [
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

/// One attribute's policy as the kernel describes it. Every bound is optional: the
/// kernel reports only what its policy entry sets.
///
/// ```
/// use nlwire::{MsgBuf, ReportedPolicy};
/// use nlwire::reported_policy::attr;
/// let mut b = MsgBuf::new();
/// b.put_attr_u32(attr::TYPE, 4)?; // NL_ATTR_TYPE_U32
/// b.put_attr_u64(attr::MIN_VALUE_U, 1)?;
/// b.put_attr_u64(attr::MAX_VALUE_U, 7)?;
/// let p = ReportedPolicy::parse(b.as_slice())?;
/// assert_eq!(p.range(), Some((1, 7)));
/// assert_eq!(p.to_string(), "u32 in 1..=7");
/// # Ok::<(), nlwire::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReportedPolicy {
    /// `NL_ATTR_TYPE_*` (0 when the kernel did not say).
    pub kind: u32,
    /// Smallest allowed signed value.
    pub min_s: Option<i64>,
    /// Largest allowed signed value.
    pub max_s: Option<i64>,
    /// Smallest allowed unsigned value.
    pub min_u: Option<u64>,
    /// Largest allowed unsigned value.
    pub max_u: Option<u64>,
    /// Smallest allowed payload length.
    pub min_len: Option<u32>,
    /// Largest allowed payload length.
    pub max_len: Option<u32>,
    /// Index of the nested policy (policy dumps only).
    pub policy_idx: Option<u32>,
    /// Highest attribute type of the nested policy.
    pub max_type: Option<u32>,
    /// Valid bits of a bitfield32.
    pub bitfield32_mask: Option<u32>,
    /// Valid bits of an unsigned integer.
    pub mask: Option<u64>,
}

impl ReportedPolicy {
    /// Decodes a nest payload of `NL_POLICY_TYPE_ATTR_*` attributes. Unknown attributes
    /// are skipped (newer kernels add them); a known one of the wrong size is an error.
    ///
    /// ```
    /// let p = nlwire::ReportedPolicy::parse(&[8, 0, 1, 0, 12, 0, 0, 0])?;
    /// assert_eq!(p.kind_name(), "nul-string");
    /// assert!(nlwire::ReportedPolicy::parse(&[6, 0, 1, 0, 12, 0, 0, 0]).is_err());
    /// # Ok::<(), nlwire::Error>(())
    /// ```
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        let mut p = ReportedPolicy::default();
        for a in Attrs::new(bytes) {
            let a = a?;
            let field = match a.ty() {
                attr::TYPE => a.get_u32().map(|v| p.kind = v),
                attr::MIN_VALUE_S => a.get_s64().map(|v| p.min_s = Some(v)),
                attr::MAX_VALUE_S => a.get_s64().map(|v| p.max_s = Some(v)),
                attr::MIN_VALUE_U => a.get_u64().map(|v| p.min_u = Some(v)),
                attr::MAX_VALUE_U => a.get_u64().map(|v| p.max_u = Some(v)),
                attr::MIN_LENGTH => a.get_u32().map(|v| p.min_len = Some(v)),
                attr::MAX_LENGTH => a.get_u32().map(|v| p.max_len = Some(v)),
                attr::POLICY_IDX => a.get_u32().map(|v| p.policy_idx = Some(v)),
                attr::POLICY_MAXTYPE => a.get_u32().map(|v| p.max_type = Some(v)),
                attr::BITFIELD32_MASK => a.get_u32().map(|v| p.bitfield32_mask = Some(v)),
                attr::MASK => a.get_u64().map(|v| p.mask = Some(v)),
                _ => Ok(()),
            };
            field.map_err(|e| e.within(a.ty()))?;
        }
        Ok(p)
    }

    /// The kind's name as the kernel's headers spell it (`u32`, `nul-string`, ...), or
    /// `type-N` for a number this crate does not know.
    ///
    /// ```
    /// let p = nlwire::ReportedPolicy { kind: 13, ..Default::default() };
    /// assert_eq!(p.kind_name(), "nested");
    /// ```
    pub fn kind_name(&self) -> std::borrow::Cow<'static, str> {
        match KERNEL_TYPE_NAMES.get(self.kind as usize) {
            Some(n) => (*n).into(),
            None => format!("type-{}", self.kind).into(),
        }
    }

    /// The allowed value range `(min, max)`, whichever signedness the kernel reported.
    ///
    /// ```
    /// let p = nlwire::ReportedPolicy { min_s: Some(-1), max_s: Some(5), ..Default::default() };
    /// assert_eq!(p.range(), Some((-1, 5)));
    /// ```
    pub fn range(&self) -> Option<(i128, i128)> {
        match (self.min_u, self.max_u, self.min_s, self.max_s) {
            (Some(a), Some(b), _, _) => Some((a.into(), b.into())),
            (_, _, Some(a), Some(b)) => Some((a.into(), b.into())),
            _ => None,
        }
    }
}

/// `u32 in 1..=7`, `nul-string, length ..=15`, `u64 mask 0xff`.
impl fmt::Display for ReportedPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.kind_name())?;
        if let Some((a, b)) = self.range() {
            write!(f, " in {a}..={b}")?;
        }
        if let Some(m) = self.mask {
            write!(f, " mask {m:#x}")?;
        }
        if let Some(m) = self.bitfield32_mask {
            write!(f, " mask {m:#x}")?;
        }
        match (self.min_len, self.max_len) {
            (None, None) => {}
            (Some(a), Some(b)) if a == b => write!(f, ", length {a}")?,
            (a, b) => {
                let a = a.map(|v| v.to_string()).unwrap_or_default();
                let b = b.map(|v| format!("={v}")).unwrap_or_default();
                write!(f, ", length {a}..{b}")?;
            }
        }
        if let Some(m) = self.max_type {
            write!(f, ", nested types up to {m}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MsgBuf;

    #[test]
    fn every_field_decodes() {
        let mut b = MsgBuf::new();
        b.put_attr_u32(attr::TYPE, 17).unwrap();
        b.put_attr_u64(attr::MIN_VALUE_S, (-3i64) as u64).unwrap();
        b.put_attr_u64(attr::MAX_VALUE_S, 9).unwrap();
        b.put_attr_u32(attr::MIN_LENGTH, 4).unwrap();
        b.put_attr_u32(attr::MAX_LENGTH, 8).unwrap();
        b.put_attr_u32(attr::POLICY_IDX, 2).unwrap();
        b.put_attr_u32(attr::POLICY_MAXTYPE, 30).unwrap();
        b.put_attr_u32(attr::BITFIELD32_MASK, 0x3).unwrap();
        b.put_attr_u64(attr::MASK, 0xf0).unwrap();
        b.put_attr_u32(99, 1).unwrap();
        let p = ReportedPolicy::parse(b.as_slice()).unwrap();
        assert_eq!(
            p,
            ReportedPolicy {
                kind: 17,
                min_s: Some(-3),
                max_s: Some(9),
                min_u: None,
                max_u: None,
                min_len: Some(4),
                max_len: Some(8),
                policy_idx: Some(2),
                max_type: Some(30),
                bitfield32_mask: Some(3),
                mask: Some(0xf0),
            }
        );
        assert_eq!(
            p.to_string(),
            "uint in -3..=9 mask 0xf0 mask 0x3, length 4..=8, nested types up to 30"
        );
    }

    #[test]
    fn wrong_size_names_the_field() {
        let mut b = MsgBuf::new();
        b.put_attr_u16(attr::MAX_LENGTH, 8).unwrap();
        let e = ReportedPolicy::parse(b.as_slice()).unwrap_err();
        assert!(e.to_string().contains("#7"), "{e}");
    }

    #[test]
    fn lengths_render_as_ranges() {
        let only_max = ReportedPolicy {
            kind: 12,
            max_len: Some(15),
            ..Default::default()
        };
        assert_eq!(only_max.to_string(), "nul-string, length ..=15");
        let exact = ReportedPolicy {
            kind: 10,
            min_len: Some(6),
            max_len: Some(6),
            ..Default::default()
        };
        assert_eq!(exact.to_string(), "binary, length 6");
        let unknown = ReportedPolicy {
            kind: 40,
            ..Default::default()
        };
        assert_eq!(unknown.to_string(), "type-40");
    }
}
