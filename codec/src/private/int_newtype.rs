//! Integer newtypes as attribute values: the schema compiler's enum and flags types
//! (`pub struct Color(pub u32)`) become fields of any integer kind whose every value they
//! can hold, through the integer's own [`Field`] impl.

use core::fmt;

use crate::attr::Attr;
use crate::buf::MsgBuf;
use crate::error::{AttrPath, Error, Result};
use crate::policy::AttrKind;

#[cfg(feature = "arbitrary")]
use crate::policy::AttrPolicy;
#[cfg(feature = "arbitrary")]
use arbitrary::Unstructured;

use crate::__private::*;

/// A newtype over an integer (`Repr`) that holds a value of an integer attribute: an enum
/// or flags type the schema compiler generates.
///
/// Implementing it makes the type a field of every integer kind whose values `Repr` holds
/// without loss (`Repr: From<W>` for the kind's integer `W`): `u8` to `u32` and the
/// big- and little-endian kinds for a `u32` newtype, everything unsigned for `u64`,
/// everything signed (and unsigned up to 32 bits) for `i64`. Encoding, decoding, checks
/// and arbitrary values are the integer kind's own; the newtype only wraps and unwraps.
/// Values no name is known for decode like any other (a newer kernel may send them).
/// Encoding a value the attribute's width cannot hold (`Color(300)` as a `u8`) is
/// [`Error::OutOfRange`]. Such a type is also a sub-message selector.
///
/// ```
/// use nlwire::{AttrSet, Encode};
///
/// #[derive(Clone, Copy, Debug, Default, PartialEq)]
/// pub struct Color(pub u32);
/// impl nlwire::__private::IntNewtype for Color {
///     type Repr = u32;
///     fn from_repr(v: u32) -> Self { Color(v) }
///     fn to_repr(self) -> u32 { self.0 }
/// }
///
/// #[derive(Debug, PartialEq, nlwire::AttrSet)]
/// struct Paint {
///     #[nla(type = 1, u8)] color: Option<Color>,
///     #[nla(type = 2, be16)] shade: Option<Color>,
/// }
///
/// let p = Paint { color: Some(Color(2)), shade: Some(Color(0x102)) };
/// let bytes = p.encode_to_vec()?;
/// assert_eq!(bytes, [5, 0, 1, 0, 2, 0, 0, 0, 6, 0, 2, 0, 1, 2, 0, 0]);
/// assert_eq!(Paint::decode(&bytes)?.color, Some(Color(2)));
/// assert_eq!(Paint::decode_owned(&bytes)?, p);
/// let too_wide = Paint { color: Some(Color(300)), shade: None };
/// assert!(matches!(too_wide.encode_to_vec(), Err(nlwire::Error::OutOfRange { value: 300, .. })));
/// # Ok::<(), nlwire::Error>(())
/// ```
pub trait IntNewtype: Copy + fmt::Debug + PartialEq + 'static {
    /// The integer inside.
    type Repr: Copy;
    /// Wraps a value.
    fn from_repr(v: Self::Repr) -> Self;
    /// The value inside.
    fn to_repr(self) -> Self::Repr;
}

macro_rules! newtype_fields {
    ($($k:ident => $w:ty,)*) => {$(
        impl<T> Field<kind::$k> for T
        where
            T: IntNewtype,
            T::Repr: From<$w> + TryInto<$w> + Into<i128>,
        {
            type View<'a> = T;
            const KIND: AttrKind = <$w as Field<kind::$k>>::KIND;
            const LEN: (u32, u32) = <$w as Field<kind::$k>>::LEN;
            const BIG_ENDIAN: bool = <$w as Field<kind::$k>>::BIG_ENDIAN;

            #[inline]
            fn put(&self, buf: &mut MsgBuf<'_>, ty: u16) -> Result<()> {
                let r = self.to_repr();
                let v: $w = r.try_into().map_err(|_| Error::OutOfRange {
                    path: AttrPath::root().child(ty & crate::consts::NLA_TYPE_MASK),
                    value: r.into(),
                    min: i128::from(<$w>::MIN),
                    max: i128::from(<$w>::MAX),
                })?;
                <$w as Field<kind::$k>>::put(&v, buf, ty)
            }

            #[inline]
            fn get<'a>(a: Attr<'a>, cx: &mut DecodeCx) -> Result<T> {
                <$w as Field<kind::$k>>::get(a, cx).map(|v| T::from_repr(v.into()))
            }

            #[inline]
            fn from_view(view: T) -> Self {
                view
            }

            #[inline]
            fn int_of(view: &T) -> Option<i128> {
                Some(view.to_repr().into())
            }

            #[cfg(feature = "arbitrary")]
            fn arbitrary_field(u: &mut Unstructured<'_>, p: &AttrPolicy) -> arbitrary::Result<Self> {
                <$w as Field<kind::$k>>::arbitrary_field(u, p).map(|v| T::from_repr(v.into()))
            }
        }
    )*};
}

newtype_fields! {
    U8 => u8,
    U16 => u16,
    U32 => u32,
    U64 => u64,
    S8 => i8,
    S16 => i16,
    S32 => i32,
    S64 => i64,
    Be16 => u16,
    Be32 => u32,
    Be64 => u64,
    Le16 => u16,
    Le32 => u32,
    Le64 => u64,
    Uint => u64,
    Sint => i64,
}

impl<T> AsSelector for T
where
    T: IntNewtype,
    T::Repr: TryInto<u64>,
{
    fn as_selector(&self) -> Option<Selector<'_>> {
        self.to_repr().try_into().ok().map(Selector::Int)
    }
}

impl<T> SetSelector for T
where
    T: IntNewtype,
    T::Repr: TryFrom<u64>,
{
    fn set_selector(&mut self, s: Selector<'_>) {
        if let Selector::Int(v) = s
            && let Ok(v) = T::Repr::try_from(v)
        {
            *self = T::from_repr(v);
        }
    }
}
