//! Helpers of the derived `arbitrary::Arbitrary` impls.

use crate::policy::AttrPolicy;

#[cfg(feature = "arbitrary")]
use arbitrary::Unstructured;

use crate::__private::*;

/// Nesting depth of the arbitrary generator; past [`ArbitraryDepth::LIMIT`] optional
/// fields come out `None` and lists empty, so recursive sets stay within decode limits.
///
/// ```
/// use nlwire::__private::ArbitraryDepth;
/// let guards: Vec<_> = (0..ArbitraryDepth::LIMIT).map(|_| ArbitraryDepth::enter()).collect();
/// assert!(ArbitraryDepth::exhausted());
/// drop(guards);
/// assert!(!ArbitraryDepth::exhausted());
/// ```
#[cfg(feature = "arbitrary")]
pub struct ArbitraryDepth(());

#[cfg(feature = "arbitrary")]
std::thread_local! {
    static ARB_DEPTH: core::cell::Cell<usize> = const { core::cell::Cell::new(0) };
}

#[cfg(feature = "arbitrary")]
impl ArbitraryDepth {
    /// Deepest nesting generated (see [`ArbitraryDepth`]).
    pub const LIMIT: usize = 8;

    /// Goes one level down until the guard drops (see [`ArbitraryDepth`]).
    pub fn enter() -> Self {
        ARB_DEPTH.with(|d| d.set(d.get() + 1));
        ArbitraryDepth(())
    }

    /// True once the generator is at [`Self::LIMIT`] (see [`ArbitraryDepth`]).
    pub fn exhausted() -> bool {
        ARB_DEPTH.with(|d| d.get() >= Self::LIMIT)
    }
}

#[cfg(feature = "arbitrary")]
impl Drop for ArbitraryDepth {
    fn drop(&mut self) {
        ARB_DEPTH.with(|d| d.set(d.get().saturating_sub(1)));
    }
}

/// An arbitrary optional field: `None` past the depth limit.
///
/// ```
/// use nlwire::arbitrary::Unstructured;
/// let mut u = Unstructured::new(&[1, 7]);
/// let v = nlwire::__private::arbitrary_option(&mut u, |u| u.arbitrary::<u8>())?;
/// assert_eq!(v, Some(7));
/// # Ok::<(), nlwire::arbitrary::Error>(())
/// ```
#[cfg(feature = "arbitrary")]
pub fn arbitrary_option<T>(
    u: &mut Unstructured<'_>,
    f: impl FnOnce(&mut Unstructured<'_>) -> arbitrary::Result<T>,
) -> arbitrary::Result<Option<T>> {
    if ArbitraryDepth::exhausted() || !u.arbitrary::<bool>()? {
        return Ok(None);
    }
    f(u).map(Some)
}

/// An arbitrary list of up to 4 items (empty past the depth limit).
///
/// ```
/// use nlwire::arbitrary::Unstructured;
/// let v = nlwire::__private::arbitrary_vec(&mut Unstructured::new(&[9; 8]), |u| u.arbitrary::<u8>())?;
/// assert!(v.len() <= 4);
/// # Ok::<(), nlwire::arbitrary::Error>(())
/// ```
#[cfg(feature = "arbitrary")]
pub fn arbitrary_vec<T>(
    u: &mut Unstructured<'_>,
    mut f: impl FnMut(&mut Unstructured<'_>) -> arbitrary::Result<T>,
) -> arbitrary::Result<Vec<T>> {
    if ArbitraryDepth::exhausted() {
        return Ok(Vec::new());
    }
    let n = u.int_in_range(0..=4usize)?;
    (0..n).map(|_| f(u)).collect()
}

/// An arbitrary list of at least one item (for `required` repeated attributes).
///
/// ```
/// use nlwire::arbitrary::Unstructured;
/// let v = nlwire::__private::arbitrary_vec1(&mut Unstructured::new(&[]), |u| u.arbitrary::<u8>())?;
/// assert_eq!(v.len(), 1);
/// # Ok::<(), nlwire::arbitrary::Error>(())
/// ```
#[cfg(feature = "arbitrary")]
pub fn arbitrary_vec1<T>(
    u: &mut Unstructured<'_>,
    mut f: impl FnMut(&mut Unstructured<'_>) -> arbitrary::Result<T>,
) -> arbitrary::Result<Vec<T>> {
    let mut v = arbitrary_vec(u, &mut f)?;
    if v.is_empty() {
        v.push(f(u)?);
    }
    Ok(v)
}

/// An arbitrary field of kind `K`, within the policy entry's bounds.
///
/// ```
/// use nlwire::{AttrKind, AttrPolicy, arbitrary::Unstructured, __private::{arbitrary_field, kind}};
/// const P: AttrPolicy = AttrPolicy::new("level", 1, AttrKind::U8).range(1, 3);
/// let v = arbitrary_field::<u8, kind::U8>(&mut Unstructured::new(&[200]), &P)?;
/// assert!((1..=3).contains(&v));
/// # Ok::<(), nlwire::arbitrary::Error>(())
/// ```
#[cfg(feature = "arbitrary")]
#[inline]
pub fn arbitrary_field<T: Field<K>, K>(
    u: &mut Unstructured<'_>,
    p: &AttrPolicy,
) -> arbitrary::Result<T> {
    T::arbitrary_field(u, p)
}

/// Picks a variant index in `0..n`.
///
/// ```
/// use nlwire::arbitrary::Unstructured;
/// assert!(nlwire::__private::arbitrary_variant(&mut Unstructured::new(&[5]), 3)? < 3);
/// # Ok::<(), nlwire::arbitrary::Error>(())
/// ```
#[cfg(feature = "arbitrary")]
pub fn arbitrary_variant(u: &mut Unstructured<'_>, n: usize) -> arbitrary::Result<usize> {
    if n == 0 {
        return Err(arbitrary::Error::IncorrectFormat);
    }
    u.choose_index(n).or(Ok(0))
}
