//! The decode context: limits and the counters kept against them.

use crate::error::{AttrPath, Error, Result};
use crate::limits::Limits;

/// The state one decode carries down the nesting: [`Limits`] and the counters kept
/// against them.
///
/// A context made by [`DecodeCx::trusted`] re-decodes bytes an earlier pass has already
/// checked (the lazy list iterators use it): it has no limits and does not walk into lists
/// again.
///
/// ```
/// use nlwire::{Limits, __private::DecodeCx};
/// let mut cx = DecodeCx::new(&Limits { max_depth: 2, ..Limits::DEFAULT });
/// cx.enter().unwrap();
/// cx.enter().unwrap();
/// assert!(cx.enter().is_err());
/// ```
#[derive(Clone, Debug)]
pub struct DecodeCx {
    max_depth: usize,
    max_attrs: usize,
    depth: usize,
    attrs: usize,
    trusted: bool,
}

impl DecodeCx {
    /// A fresh context under `limits`, at depth 0 (the top-level set enters depth 1).
    ///
    /// ```
    /// let cx = nlwire::__private::DecodeCx::new(&nlwire::Limits::DEFAULT);
    /// assert_eq!((cx.depth(), cx.attrs(), cx.is_trusted()), (0, 0, false));
    /// ```
    #[inline]
    pub fn new(limits: &Limits) -> Self {
        DecodeCx {
            max_depth: limits.depth(),
            max_attrs: limits.max_attrs,
            depth: 0,
            attrs: 0,
            trusted: false,
        }
    }

    /// A context for bytes an earlier pass has validated: no limits, and lists are not
    /// walked again.
    ///
    /// ```
    /// assert!(nlwire::__private::DecodeCx::trusted().is_trusted());
    /// ```
    #[inline]
    pub const fn trusted() -> Self {
        DecodeCx {
            max_depth: usize::MAX,
            max_attrs: usize::MAX,
            depth: 0,
            attrs: 0,
            trusted: true,
        }
    }

    /// True for a [`trusted`](Self::trusted) context.
    ///
    /// ```
    /// use nlwire::__private::DecodeCx;
    /// assert!(!DecodeCx::new(&nlwire::Limits::DEFAULT).is_trusted());
    /// ```
    #[inline]
    pub fn is_trusted(&self) -> bool {
        self.trusted
    }

    /// Goes one nesting level down; fails with [`Error::TooDeep`] (path at the root) past
    /// the limit.
    ///
    /// ```
    /// use nlwire::{Limits, __private::DecodeCx};
    /// let mut cx = DecodeCx::new(&Limits { max_depth: 1, ..Limits::DEFAULT });
    /// assert!(cx.enter().is_ok());
    /// assert!(matches!(cx.enter(), Err(nlwire::Error::TooDeep { limit: 1, .. })));
    /// ```
    #[inline]
    pub fn enter(&mut self) -> Result<()> {
        self.depth += 1;
        if self.depth > self.max_depth {
            self.depth -= 1;
            return Err(Error::TooDeep {
                path: AttrPath::root(),
                limit: self.max_depth,
            });
        }
        Ok(())
    }

    /// Comes back up one nesting level.
    ///
    /// ```
    /// let mut cx = nlwire::__private::DecodeCx::new(&nlwire::Limits::DEFAULT);
    /// cx.enter()?;
    /// cx.leave();
    /// assert_eq!(cx.depth(), 0);
    /// # Ok::<(), nlwire::Error>(())
    /// ```
    #[inline]
    pub fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// Counts one attribute against [`Limits::max_attrs`].
    ///
    /// ```
    /// use nlwire::{Limits, __private::DecodeCx};
    /// let mut cx = DecodeCx::new(&Limits { max_attrs: 1, ..Limits::DEFAULT });
    /// assert!(cx.count().is_ok());
    /// assert_eq!(cx.count(), Err(nlwire::Error::TooManyAttrs { limit: 1 }));
    /// ```
    #[inline(always)]
    pub fn count(&mut self) -> Result<()> {
        self.count_n(1)
    }

    /// Counts `n` attributes at once against [`Limits::max_attrs`]: generated decoders count
    /// an attribute set's attributes in a local and add them when the set has been walked,
    /// so the walk keeps its counter in a register. The walk before the check is bounded by
    /// the set's bytes, so the limit still bounds the work of a decode.
    ///
    /// ```
    /// use nlwire::{Limits, __private::DecodeCx};
    /// let mut cx = DecodeCx::new(&Limits { max_attrs: 3, ..Limits::DEFAULT });
    /// assert!(cx.count_n(3).is_ok());
    /// assert_eq!(cx.count_n(1), Err(nlwire::Error::TooManyAttrs { limit: 3 }));
    /// ```
    #[inline(always)]
    pub fn count_n(&mut self, n: usize) -> Result<()> {
        // A trusted context has no limit (max_attrs = usize::MAX), so no branch on it here.
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
    ///
    /// ```
    /// let mut cx = nlwire::__private::DecodeCx::new(&nlwire::Limits::DEFAULT);
    /// cx.enter()?;
    /// assert_eq!(cx.depth(), 1);
    /// # Ok::<(), nlwire::Error>(())
    /// ```
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// Attributes counted so far.
    ///
    /// ```
    /// let mut cx = nlwire::__private::DecodeCx::new(&nlwire::Limits::DEFAULT);
    /// cx.count()?;
    /// assert_eq!(cx.attrs(), 1);
    /// # Ok::<(), nlwire::Error>(())
    /// ```
    pub fn attrs(&self) -> usize {
        self.attrs
    }
}

static REDECODE_FAILURES: core::sync::atomic::AtomicUsize = core::sync::atomic::AtomicUsize::new(0);

/// Counts a failed re-decode of validated bytes (a bug in this crate, never input's fault).
pub(crate) fn note_redecode_failure() {
    REDECODE_FAILURES.fetch_add(1, core::sync::atomic::Ordering::Relaxed);
}

/// How many times re-decoding validated bytes has failed in this process: always 0 unless
/// this crate has a bug. Views stop iterating instead of panicking when it happens; tests
/// assert this stays 0.
///
/// ```
/// assert_eq!(nlwire::__private::redecode_failures(), 0);
/// ```
pub fn redecode_failures() -> usize {
    REDECODE_FAILURES.load(core::sync::atomic::Ordering::Relaxed)
}
