//! Limits a hostile peer cannot push a decoder past.

/// Bounds on what one decode may walk. Every decoder and validator in the crate takes
/// them; [`Limits::DEFAULT`] applies when none are given.
///
/// ```
/// let strict = nlwire::Limits { max_depth: 8, ..nlwire::Limits::DEFAULT };
/// assert_eq!(strict.max_attrs, 65_536);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Deepest nesting of attributes, counting the top level as depth 1. Default 32,
    /// as OVS's `MAX_ODP_NESTED` and the kernel's `MAX_POLICY_RECURSION_DEPTH` area.
    pub max_depth: usize,
    /// Most attributes walked in one decode, at every level together. Default 65,536:
    /// a full 64 KiB datagram of empty attributes holds 16,384.
    pub max_attrs: usize,
    /// Most payload bytes one decode may cover. Default 16 MiB.
    pub max_bytes: usize,
}

impl Limits {
    /// The defaults described on each field.
    pub const DEFAULT: Limits = Limits {
        max_depth: 32,
        max_attrs: 65_536,
        max_bytes: 16 << 20,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}
