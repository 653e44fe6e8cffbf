//! The decode context: limits and the counters kept against them.

/// The state one decode carries down the nesting: the crate's one limit
/// [`Budget`](crate::limits::Budget), the same type [`Policy::validate`](crate::Policy::validate)
/// keeps. The name stays for generated code.
///
/// ```
/// use nlwire::{Limits, __private::DecodeCx};
/// let mut cx = DecodeCx::new(&Limits { max_depth: 2, ..Limits::DEFAULT });
/// cx.enter().unwrap();
/// cx.enter().unwrap();
/// assert!(cx.enter().is_err());
/// ```
pub type DecodeCx = crate::limits::Budget;

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
