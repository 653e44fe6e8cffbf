//! Limits a hostile peer cannot push a decoder past, and the [`Budget`] one decode or
//! validation keeps against them.

use crate::error::{AttrPath, Error, Result};

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

impl Limits {
    /// Checks a region's size against `max_bytes`.
    ///
    /// ```
    /// let small = nlwire::Limits { max_bytes: 4, ..nlwire::Limits::DEFAULT };
    /// assert!(small.check_size(&[0; 4]).is_ok());
    /// assert!(small.check_size(&[0; 5]).is_err());
    /// ```
    #[inline]
    pub fn check_size(&self, bytes: &[u8]) -> Result<()> {
        if bytes.len() > self.max_bytes {
            return Err(Error::TooLarge {
                len: bytes.len(),
                limit: self.max_bytes,
            });
        }
        Ok(())
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// What one decode or validation may still spend under [`Limits`]: the nesting depth it
/// is at and the attributes it has walked. [`Policy::validate`](crate::Policy::validate)
/// and generated decoders (as `__private::DecodeCx`) keep the same budget, so a limit
/// means the same thing to both.
///
/// A budget made by [`Budget::trusted`] is for bytes an earlier pass has already checked
/// (the lazy list views re-decode with it): it has no limits, and decoders do not walk
/// into lists again under it.
///
/// ```
/// use nlwire::{Limits, limits::Budget};
/// let mut b = Budget::new(&Limits { max_depth: 2, max_attrs: 3, ..Limits::DEFAULT });
/// b.enter()?;
/// b.enter()?;
/// assert!(b.enter().is_err());
/// b.count_n(3)?;
/// assert_eq!(b.count_n(1), Err(nlwire::Error::TooManyAttrs { limit: 3 }));
/// # Ok::<(), nlwire::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Budget {
    max_depth: usize,
    max_attrs: usize,
    depth: usize,
    attrs: usize,
    trusted: bool,
}

impl Budget {
    /// A fresh budget under `limits`, at depth 0 (the top-level set enters depth 1).
    ///
    /// ```
    /// let b = nlwire::limits::Budget::new(&nlwire::Limits::DEFAULT);
    /// assert_eq!((b.depth(), b.attrs(), b.is_trusted()), (0, 0, false));
    /// ```
    #[inline]
    pub fn new(limits: &Limits) -> Self {
        Budget {
            max_depth: limits.depth(),
            max_attrs: limits.max_attrs,
            depth: 0,
            attrs: 0,
            trusted: false,
        }
    }

    /// A budget for bytes an earlier pass has validated: no limits, and lists are not
    /// walked again.
    ///
    /// ```
    /// assert!(nlwire::limits::Budget::trusted().is_trusted());
    /// ```
    #[inline]
    pub const fn trusted() -> Self {
        Budget {
            max_depth: usize::MAX,
            max_attrs: usize::MAX,
            depth: 0,
            attrs: 0,
            trusted: true,
        }
    }

    /// True for a [`trusted`](Self::trusted) budget.
    #[inline]
    pub fn is_trusted(&self) -> bool {
        self.trusted
    }

    /// Goes one nesting level down; fails with [`Error::TooDeep`] (path at the root) past
    /// the limit.
    ///
    /// ```
    /// use nlwire::{Limits, limits::Budget};
    /// let mut b = Budget::new(&Limits { max_depth: 1, ..Limits::DEFAULT });
    /// assert!(b.enter().is_ok());
    /// assert!(matches!(b.enter(), Err(nlwire::Error::TooDeep { limit: 1, .. })));
    /// ```
    #[inline]
    pub fn enter(&mut self) -> Result<()> {
        self.depth += 1;
        if self.depth > self.max_depth {
            self.depth -= 1;
            return Err(self.too_deep());
        }
        Ok(())
    }

    #[cold]
    #[inline(never)]
    fn too_deep(&self) -> Error {
        Error::TooDeep {
            path: AttrPath::root(),
            limit: self.max_depth,
        }
    }

    /// Comes back up one nesting level.
    ///
    /// ```
    /// let mut b = nlwire::limits::Budget::new(&nlwire::Limits::DEFAULT);
    /// b.enter()?;
    /// b.leave();
    /// assert_eq!(b.depth(), 0);
    /// # Ok::<(), nlwire::Error>(())
    /// ```
    #[inline]
    pub fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// Counts one attribute against [`Limits::max_attrs`].
    #[inline(always)]
    pub fn count(&mut self) -> Result<()> {
        self.count_n(1)
    }

    /// Counts `n` attributes at once against [`Limits::max_attrs`]. Generated decoders
    /// count a set's attributes in a local and add them when the set has been walked (the
    /// walk before the check is bounded by the set's bytes, so the limit still bounds the
    /// work); the validator counts each attribute as it comes.
    #[inline(always)]
    pub fn count_n(&mut self, n: usize) -> Result<()> {
        // A trusted budget has no limit (max_attrs = usize::MAX), so no branch on it here.
        self.attrs = self.attrs.saturating_add(n);
        if self.attrs > self.max_attrs {
            return Err(self.too_many());
        }
        Ok(())
    }

    #[cold]
    #[inline(never)]
    fn too_many(&self) -> Error {
        Error::TooManyAttrs {
            limit: self.max_attrs,
        }
    }

    /// Current nesting depth.
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// Attributes counted so far.
    pub fn attrs(&self) -> usize {
        self.attrs
    }
}
