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
    /// Deepest nesting of attributes, counting the top level as depth 1. Default 32, as
    /// OVS's `MAX_ODP_NESTED`. Values above [`Limits::DEPTH_CEILING`] act as the ceiling,
    /// so no setting lets a peer drive recursion into a stack overflow.
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

    /// The hard ceiling on nesting depth, whatever `max_depth` says: deep enough for every
    /// real family (the kernel itself stops at 10 policy levels, OVS at 32), shallow enough
    /// that recursive decoders stay far from the end of a 2 MiB thread stack in debug builds.
    pub const DEPTH_CEILING: usize = 64;

    /// The nesting limit in force: `max_depth`, capped at [`Limits::DEPTH_CEILING`].
    ///
    /// ```
    /// let l = nlwire::Limits { max_depth: 1_000_000, ..nlwire::Limits::DEFAULT };
    /// assert_eq!(l.depth(), 64);
    /// ```
    pub const fn depth(&self) -> usize {
        if self.max_depth < Self::DEPTH_CEILING {
            self.max_depth
        } else {
            Self::DEPTH_CEILING
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}
