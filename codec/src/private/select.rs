//! Sub-message selectors.

use core::ffi::CStr;
use std::ffi::CString;

use crate::attr::Attr;
use crate::error::Result;

use crate::__private::*;
use crate::traits::*;

/// The value of a selector attribute: text (rt-link `kind`) or a number.
///
/// ```
/// use nlwire::__private::{AsSelector, Selector};
/// assert_eq!(Some("vlan").as_selector(), Some(Selector::Str("vlan")));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Selector<'s> {
    /// A string selector.
    Str(&'s str),
    /// An integer selector.
    Int(u64),
}

/// A field (or field view) usable as a sub-message selector.
///
/// ```
/// use nlwire::__private::{AsSelector, Selector};
/// assert_eq!("vlan".as_selector(), Some(Selector::Str("vlan")));
/// assert_eq!(7u8.as_selector(), Some(Selector::Int(7)));
/// ```
pub trait AsSelector {
    /// The selector value, if it has one.
    fn as_selector(&self) -> Option<Selector<'_>>;
}

/// A field whose value can be set from a selector (so generated `Arbitrary` impls keep the
/// selector and the sub-message consistent).
///
/// ```
/// use nlwire::__private::{Selector, SetSelector};
/// let mut kind: Option<String> = None;
/// kind.set_selector(Selector::Str("vlan"));
/// assert_eq!(kind.as_deref(), Some("vlan"));
/// ```
pub trait SetSelector {
    /// Sets the field to `s` if it can hold it.
    fn set_selector(&mut self, s: Selector<'_>);
}

impl AsSelector for &str {
    fn as_selector(&self) -> Option<Selector<'_>> {
        Some(Selector::Str(self))
    }
}

impl AsSelector for &CStr {
    fn as_selector(&self) -> Option<Selector<'_>> {
        self.to_str().ok().map(Selector::Str)
    }
}

impl AsSelector for String {
    fn as_selector(&self) -> Option<Selector<'_>> {
        Some(Selector::Str(self))
    }
}

impl AsSelector for CString {
    fn as_selector(&self) -> Option<Selector<'_>> {
        self.to_str().ok().map(Selector::Str)
    }
}

impl<T: AsSelector> AsSelector for Option<T> {
    fn as_selector(&self) -> Option<Selector<'_>> {
        self.as_ref().and_then(T::as_selector)
    }
}

impl SetSelector for String {
    fn set_selector(&mut self, s: Selector<'_>) {
        if let Selector::Str(v) = s {
            v.clone_into(self);
        }
    }
}

impl SetSelector for CString {
    fn set_selector(&mut self, s: Selector<'_>) {
        if let Selector::Str(v) = s
            && let Ok(c) = CString::new(v)
        {
            *self = c;
        }
    }
}

impl<T: SetSelector + Default> SetSelector for Option<T> {
    fn set_selector(&mut self, s: Selector<'_>) {
        self.get_or_insert_with(T::default).set_selector(s);
    }
}

macro_rules! int_selectors {
    ($($t:ty),*) => {$(
        impl AsSelector for $t {
            fn as_selector(&self) -> Option<Selector<'_>> {
                Some(Selector::Int(u64::from(*self)))
            }
        }
        impl SetSelector for $t {
            fn set_selector(&mut self, s: Selector<'_>) {
                if let Selector::Int(v) = s
                    && let Ok(v) = <$t>::try_from(v)
                {
                    *self = v;
                }
            }
        }
    )*};
}

int_selectors!(u8, u16, u32, u64);

/// Decodes a sub-message attribute after its set's pass, with the selector's value.
/// `Ok(None)` when the selector is absent or names no known format (the attribute then
/// counts as unknown).
///
/// ```
/// use nlwire::{Attr, Limits, __private::{DecodeCx, Selector, decode_sub_message}};
/// #[derive(Debug, PartialEq, nlwire::SubMessage)]
/// enum Data { #[nla(value = "dummy")] Dummy }
/// let mut cx = DecodeCx::new(&Limits::DEFAULT);
/// let a = Attr::new(2, &[]);
/// assert_eq!(decode_sub_message::<Data>(a, Some(Selector::Str("dummy")), &mut cx)?, Some(DataView::Dummy));
/// assert_eq!(decode_sub_message::<Data>(a, Some(Selector::Str("other")), &mut cx)?, None);
/// assert_eq!(decode_sub_message::<Data>(a, None, &mut cx)?, None);
/// # Ok::<(), nlwire::Error>(())
/// ```
#[inline]
pub fn decode_sub_message<'a, T: SubMessage>(
    a: Attr<'a>,
    selector: Option<Selector<'_>>,
    cx: &mut DecodeCx,
) -> Result<Option<T::View<'a>>> {
    let Some(sel) = selector else {
        return Ok(None);
    };
    cx.enter().map_err(|e| e.within(a.ty()))?;
    let v = T::decode_payload(sel, a.payload(), cx).map_err(|e| e.within(a.ty()));
    cx.leave();
    v
}

/// Splits a fixed header from the front of a sub-message payload: the header (the payload
/// may be longer, as kernel structs grow) and the attributes after it, which start at the
/// header size rounded up to 4 bytes.
///
/// ```
/// use nlwire::__private::split_fixed;
/// let payload = [1u8, 2, 3, 0, 4, 0, 1, 0];
/// let (h, rest) = split_fixed::<[u8; 3]>(&payload, "hdr")?;
/// assert_eq!((h, rest), (&[1, 2, 3], &payload[4..]));
/// # Ok::<(), nlwire::Error>(())
/// ```
#[inline]
pub fn split_fixed<'a, H: WireType>(
    payload: &'a [u8],
    what: &'static str,
) -> Result<(&'a H, &'a [u8])> {
    let (h, _) = crate::header::view_prefix::<H>(payload, what)?;
    let rest = payload
        .get(crate::consts::align(size_of::<H>())..)
        .unwrap_or(&[]);
    Ok((h, rest))
}
