//! Field kinds: how one attribute's payload encodes, decodes and is checked.

use core::ffi::CStr;
use core::fmt;
use std::ffi::CString;

use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use crate::attr::Attr;
use crate::buf::MsgBuf;
use crate::error::{AttrPath, Error, Result};
use crate::policy::AttrKind;

#[cfg(feature = "arbitrary")]
use crate::policy::AttrPolicy;
#[cfg(feature = "arbitrary")]
use arbitrary::Unstructured;

use crate::__private::*;
use crate::traits::*;
use crate::view::*;

/// Marker types naming the wire kind of a field: the `K` of [`Field<K>`].
///
/// ```
/// use nlwire::__private::{Field, kind};
/// assert_eq!(<u16 as Field<kind::Be16>>::KIND, nlwire::AttrKind::U16);
/// ```
pub mod kind {
    use core::marker::PhantomData;
    macro_rules! kinds {
        ($($name:ident => $doc:literal,)*) => {$(
            #[doc = $doc]
            #[derive(Clone, Copy, Debug)]
            pub struct $name;
        )*};
    }
    kinds! {
        U8 => "`u8`.",
        U16 => "`u16`, host order.",
        U32 => "`u32`, host order.",
        U64 => "`u64`, host order (4-byte aligned on the wire).",
        U128 => "`u128`, host order (16 bytes, an OVS UFID).",
        S8 => "`i8`.",
        S16 => "`i16`, host order.",
        S32 => "`i32`, host order.",
        S64 => "`i64`, host order.",
        Be16 => "`u16`, network order.",
        Be32 => "`u32`, network order.",
        Be64 => "`u64`, network order.",
        Le16 => "`u16`, little-endian.",
        Le32 => "`u32`, little-endian.",
        Le64 => "`u64`, little-endian.",
        Uint => "Variable-width unsigned (4 or 8 bytes).",
        Sint => "Variable-width signed (4 or 8 bytes).",
        Str => "NUL-terminated string.",
        StrUnterminated => "String whose NUL may be missing (YNL `unterminated-ok`).",
        Bytes => "Opaque bytes.",
        Fixed => "A fixed zerocopy struct.",
        Array => "A packed array of fixed zerocopy elements.",
        Nested => "A nested attribute set.",
        Bitfield32 => "`struct nla_bitfield32`.",
    }

    /// YNL `indexed-array`: entries of kind `K` whose attribute type is their index,
    /// numbered from `BASE` when encoding.
    ///
    /// ```
    /// use nlwire::__private::{Field, kind};
    /// let mut b = nlwire::MsgBuf::new();
    /// Field::<kind::IndexedArray<kind::U32, 1>>::put(&vec![7u32], &mut b, 5)?;
    /// assert_eq!(b.as_slice(), &[12, 0, 5, 0, 8, 0, 1, 0, 7, 0, 0, 0]);
    /// # Ok::<(), nlwire::Error>(())
    /// ```
    #[derive(Clone, Copy, Debug)]
    pub struct IndexedArray<K, const BASE: u16>(PhantomData<K>);
}

/// How a Rust type holds one attribute of kind `K`: encode, decode (into a borrowed view),
/// convert back to owned, and default policy bounds. Implemented here for every supported
/// (type, kind) pair; derived code only names them.
///
/// ```
/// use nlwire::__private::{Field, kind};
/// let mut buf = nlwire::MsgBuf::new();
/// Field::<kind::Be16>::put(&0x0800u16, &mut buf, 6)?;
/// assert_eq!(buf.as_slice(), &[6, 0, 6, 0, 0x08, 0x00, 0, 0]);
/// # Ok::<(), nlwire::Error>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "a field of type `{Self}` cannot hold an attribute of kind `{K}`",
    label = "this type does not match the attribute kind",
    note = "see the table of kinds and field types in the nlwire-derive documentation"
)]
pub trait Field<K>: Sized + 'static {
    /// The decoded, borrowed form.
    type View<'a>: Copy + fmt::Debug + PartialEq;
    /// Policy kind.
    const KIND: AttrKind;
    /// Default payload bounds (before annotations).
    const LEN: (u32, u32) = Self::KIND.default_len();
    /// Big-endian integer.
    const BIG_ENDIAN: bool = false;

    /// Appends the value as attribute `ty` (`ty` may carry `NLA_F_NESTED`).
    fn put(&self, buf: &mut MsgBuf<'_>, ty: u16) -> Result<()>;

    /// Decodes attribute `a`. Error paths include `a` itself.
    fn get<'a>(a: Attr<'a>, cx: &mut DecodeCx) -> Result<Self::View<'a>>;

    /// Checks attribute `a` as [`get`](Self::get) would, without building the view (what a
    /// list view runs over its items before they are decoded on iteration).
    #[inline]
    fn check(a: Attr<'_>, cx: &mut DecodeCx) -> Result<()> {
        Self::get(a, cx).map(drop)
    }

    /// The owned form of a view.
    fn from_view(view: Self::View<'_>) -> Self;

    /// The value as an integer, for range and mask checks (`None` for non-integers).
    #[inline]
    fn int_of(view: &Self::View<'_>) -> Option<i128> {
        let _ = view;
        None
    }

    /// An arbitrary value within the policy entry's bounds.
    #[cfg(feature = "arbitrary")]
    fn arbitrary_field(u: &mut Unstructured<'_>, p: &AttrPolicy) -> arbitrary::Result<Self>;
}

#[inline]
pub(crate) fn exact_bytes<const N: usize>(a: &Attr<'_>) -> Result<[u8; N]> {
    a.payload().try_into().map_err(|_| Error::BadLength {
        path: AttrPath::root().child(a.ty()),
        len: a.len(),
        min: N,
        max: N,
    })
}

#[cfg(feature = "arbitrary")]
pub(crate) fn arbitrary_int(
    u: &mut Unstructured<'_>,
    p: &AttrPolicy,
    lo: i128,
    hi: i128,
) -> arbitrary::Result<i128> {
    let (mut min, mut max) = (lo, hi);
    if let Some(r) = p.range {
        min = min.max(r.min);
        max = max.min(r.max);
    }
    if min > max {
        return Err(arbitrary::Error::IncorrectFormat);
    }
    let mut v = u.int_in_range(min..=max)?;
    if let Some(mask) = p.flags_mask {
        let masked = v & mask as i128;
        v = if (min..=max).contains(&masked) {
            masked
        } else {
            min & mask as i128
        };
    }
    Ok(v)
}

macro_rules! int_fields {
    ($($k:ident, $t:ty, $kind:ident, $be:literal, |$v:ident| $to:expr, |$b:ident| $from:expr;)*) => {$(
        impl Field<kind::$k> for $t {
            type View<'a> = $t;
            const KIND: AttrKind = AttrKind::$kind;
            const BIG_ENDIAN: bool = $be;
            #[inline]
            fn put(&self, buf: &mut MsgBuf<'_>, ty: u16) -> Result<()> {
                let $v = *self;
                buf.put_attr(ty, &$to)
            }
            #[inline]
            fn get<'a>(a: Attr<'a>, _cx: &mut DecodeCx) -> Result<$t> {
                let $b = exact_bytes(&a)?;
                Ok($from)
            }
            #[inline]
            fn from_view(view: $t) -> Self {
                view
            }
            #[inline]
            fn int_of(view: &$t) -> Option<i128> {
                Some(*view as i128)
            }
            #[cfg(feature = "arbitrary")]
            fn arbitrary_field(u: &mut Unstructured<'_>, p: &AttrPolicy) -> arbitrary::Result<Self> {
                arbitrary_int(u, p, <$t>::MIN as i128, <$t>::MAX as i128).map(|v| v as $t)
            }
        }
    )*};
}

int_fields! {
    U8, u8, U8, false, |v| [v], |b| u8::from_ne_bytes(b);
    U16, u16, U16, false, |v| v.to_ne_bytes(), |b| u16::from_ne_bytes(b);
    U32, u32, U32, false, |v| v.to_ne_bytes(), |b| u32::from_ne_bytes(b);
    U64, u64, U64, false, |v| v.to_ne_bytes(), |b| u64::from_ne_bytes(b);
    S8, i8, S8, false, |v| v.to_ne_bytes(), |b| i8::from_ne_bytes(b);
    S16, i16, S16, false, |v| v.to_ne_bytes(), |b| i16::from_ne_bytes(b);
    S32, i32, S32, false, |v| v.to_ne_bytes(), |b| i32::from_ne_bytes(b);
    S64, i64, S64, false, |v| v.to_ne_bytes(), |b| i64::from_ne_bytes(b);
    Be16, u16, U16, true, |v| v.to_be_bytes(), |b| u16::from_be_bytes(b);
    Be32, u32, U32, true, |v| v.to_be_bytes(), |b| u32::from_be_bytes(b);
    Be64, u64, U64, true, |v| v.to_be_bytes(), |b| u64::from_be_bytes(b);
    Le16, u16, U16, false, |v| v.to_le_bytes(), |b| u16::from_le_bytes(b);
    Le32, u32, U32, false, |v| v.to_le_bytes(), |b| u32::from_le_bytes(b);
    Le64, u64, U64, false, |v| v.to_le_bytes(), |b| u64::from_le_bytes(b);
}

impl Field<kind::U128> for u128 {
    type View<'a> = u128;
    const KIND: AttrKind = AttrKind::Binary;
    const LEN: (u32, u32) = (16, 16);
    #[inline]
    fn put(&self, buf: &mut MsgBuf<'_>, ty: u16) -> Result<()> {
        buf.put_attr(ty, &self.to_ne_bytes())
    }
    #[inline]
    fn get<'a>(a: Attr<'a>, _cx: &mut DecodeCx) -> Result<u128> {
        Ok(u128::from_ne_bytes(exact_bytes(&a)?))
    }
    #[inline]
    fn from_view(view: u128) -> Self {
        view
    }
    #[cfg(feature = "arbitrary")]
    fn arbitrary_field(u: &mut Unstructured<'_>, _p: &AttrPolicy) -> arbitrary::Result<Self> {
        u.arbitrary()
    }
}

impl Field<kind::Uint> for u64 {
    type View<'a> = u64;
    const KIND: AttrKind = AttrKind::Uint;
    #[inline]
    fn put(&self, buf: &mut MsgBuf<'_>, ty: u16) -> Result<()> {
        match u32::try_from(*self) {
            Ok(small) => buf.put_attr(ty, &small.to_ne_bytes()),
            Err(_) => buf.put_attr(ty, &self.to_ne_bytes()),
        }
    }
    #[inline]
    fn get<'a>(a: Attr<'a>, _cx: &mut DecodeCx) -> Result<u64> {
        a.get_uint()
    }
    #[inline]
    fn from_view(view: u64) -> Self {
        view
    }
    #[inline]
    fn int_of(view: &u64) -> Option<i128> {
        Some(i128::from(*view))
    }
    #[cfg(feature = "arbitrary")]
    fn arbitrary_field(u: &mut Unstructured<'_>, p: &AttrPolicy) -> arbitrary::Result<Self> {
        arbitrary_int(u, p, 0, i128::from(u64::MAX)).map(|v| v as u64)
    }
}

impl Field<kind::Sint> for i64 {
    type View<'a> = i64;
    const KIND: AttrKind = AttrKind::Sint;
    #[inline]
    fn put(&self, buf: &mut MsgBuf<'_>, ty: u16) -> Result<()> {
        match i32::try_from(*self) {
            Ok(small) => buf.put_attr(ty, &small.to_ne_bytes()),
            Err(_) => buf.put_attr(ty, &self.to_ne_bytes()),
        }
    }
    #[inline]
    fn get<'a>(a: Attr<'a>, _cx: &mut DecodeCx) -> Result<i64> {
        a.get_sint()
    }
    #[inline]
    fn from_view(view: i64) -> Self {
        view
    }
    #[inline]
    fn int_of(view: &i64) -> Option<i128> {
        Some(i128::from(*view))
    }
    #[cfg(feature = "arbitrary")]
    fn arbitrary_field(u: &mut Unstructured<'_>, p: &AttrPolicy) -> arbitrary::Result<Self> {
        arbitrary_int(u, p, i128::from(i64::MIN), i128::from(i64::MAX)).map(|v| v as i64)
    }
}

/// An arbitrary string without NUL whose payload (with its NUL) fits the policy bounds.
#[cfg(feature = "arbitrary")]
pub(crate) fn arbitrary_text(
    u: &mut Unstructured<'_>,
    p: &AttrPolicy,
) -> arbitrary::Result<String> {
    let max_chars = (p.max_len.min(64) as usize).saturating_sub(1);
    let min_chars = (p.min_len as usize).saturating_sub(1);
    let n = u.int_in_range(min_chars.min(max_chars)..=max_chars)?;
    let mut s = String::with_capacity(n);
    for _ in 0..n {
        let c = u.int_in_range(0x20u8..=0x7e)?;
        s.push(char::from(c));
    }
    Ok(s)
}

/// An arbitrary byte vector within the policy bounds (capped at 64 bytes).
#[cfg(feature = "arbitrary")]
pub(crate) fn arbitrary_bytes(
    u: &mut Unstructured<'_>,
    p: &AttrPolicy,
) -> arbitrary::Result<Vec<u8>> {
    let max = (p.max_len as usize).min((p.min_len as usize).max(64));
    let n = u.int_in_range((p.min_len as usize).min(max)..=max)?;
    Ok(u.bytes(n)
        .map(<[u8]>::to_vec)
        .unwrap_or_else(|_| vec![0; n]))
}

impl Field<kind::Str> for String {
    type View<'a> = &'a str;
    const KIND: AttrKind = AttrKind::String;
    #[inline]
    fn put(&self, buf: &mut MsgBuf<'_>, ty: u16) -> Result<()> {
        buf.put_attr_str(ty, self)
    }
    #[inline]
    fn get<'a>(a: Attr<'a>, _cx: &mut DecodeCx) -> Result<&'a str> {
        a.get_str()
    }
    #[inline]
    fn from_view(view: &str) -> Self {
        view.to_owned()
    }
    #[cfg(feature = "arbitrary")]
    fn arbitrary_field(u: &mut Unstructured<'_>, p: &AttrPolicy) -> arbitrary::Result<Self> {
        arbitrary_text(u, p)
    }
}

impl Field<kind::Str> for CString {
    type View<'a> = &'a CStr;
    const KIND: AttrKind = AttrKind::String;
    #[inline]
    fn put(&self, buf: &mut MsgBuf<'_>, ty: u16) -> Result<()> {
        buf.put_attr(ty, self.to_bytes_with_nul())
    }
    #[inline]
    fn get<'a>(a: Attr<'a>, _cx: &mut DecodeCx) -> Result<&'a CStr> {
        a.get_cstr()
    }
    #[inline]
    fn from_view(view: &CStr) -> Self {
        view.to_owned()
    }
    #[cfg(feature = "arbitrary")]
    fn arbitrary_field(u: &mut Unstructured<'_>, p: &AttrPolicy) -> arbitrary::Result<Self> {
        let s = arbitrary_text(u, p)?;
        CString::new(s).map_err(|_| arbitrary::Error::IncorrectFormat)
    }
}

impl Field<kind::StrUnterminated> for String {
    type View<'a> = &'a str;
    const KIND: AttrKind = AttrKind::StringUnterminated;
    #[inline]
    fn put(&self, buf: &mut MsgBuf<'_>, ty: u16) -> Result<()> {
        buf.put_attr_str(ty, self)
    }
    #[inline]
    fn get<'a>(a: Attr<'a>, _cx: &mut DecodeCx) -> Result<&'a str> {
        a.get_str_lossy_end()
    }
    #[inline]
    fn from_view(view: &str) -> Self {
        view.to_owned()
    }
    #[cfg(feature = "arbitrary")]
    fn arbitrary_field(u: &mut Unstructured<'_>, p: &AttrPolicy) -> arbitrary::Result<Self> {
        arbitrary_text(u, p)
    }
}

impl Field<kind::Bytes> for Vec<u8> {
    type View<'a> = &'a [u8];
    const KIND: AttrKind = AttrKind::Binary;
    #[inline]
    fn put(&self, buf: &mut MsgBuf<'_>, ty: u16) -> Result<()> {
        buf.put_attr(ty, self)
    }
    #[inline]
    fn get<'a>(a: Attr<'a>, _cx: &mut DecodeCx) -> Result<&'a [u8]> {
        Ok(a.payload())
    }
    #[inline]
    fn from_view(view: &[u8]) -> Self {
        view.to_vec()
    }
    #[cfg(feature = "arbitrary")]
    fn arbitrary_field(u: &mut Unstructured<'_>, p: &AttrPolicy) -> arbitrary::Result<Self> {
        arbitrary_bytes(u, p)
    }
}

/// A fixed wire type: a zerocopy struct viewable in place at any offset, with `Copy`,
/// `Debug` and `PartialEq`. `#[nlwire::wire]` implements it; it is also implemented for
/// single bytes, zerocopy's byte-order integers, arrays of wire types and nlwire's own
/// headers. A hand-written zerocopy struct opts in with one line:
///
/// ```
/// use nlwire::zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};
/// #[derive(Clone, Copy, Debug, PartialEq, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
/// #[repr(C)]
/// struct Port { no: [u8; 4] }
/// impl nlwire::WireType for Port {}
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a fixed wire type",
    label = "not a fixed wire type",
    note = "lay the struct out with `#[nlwire::wire]`, or implement \
            `nlwire::WireType` for a hand-written zerocopy struct"
)]
pub trait WireType:
    FromBytes
    + IntoBytes
    + KnownLayout
    + Immutable
    + Unaligned
    + Copy
    + fmt::Debug
    + PartialEq
    + 'static
{
}

impl WireType for u8 {}
impl WireType for i8 {}
impl<T: WireType, const N: usize> WireType for [T; N] {}

macro_rules! wire_byteorder {
    ($($t:ident),*) => {$(
        impl<O: zerocopy::byteorder::ByteOrder + 'static> WireType for zerocopy::byteorder::$t<O> {}
    )*};
}
wire_byteorder!(U16, U32, U64, U128, I16, I32, I64, I128, F32, F64);

impl WireType for crate::header::NlMsgHdr {}
impl WireType for crate::header::GenlMsgHdr {}
impl WireType for crate::header::NlAttrHdr {}
impl WireType for crate::header::NlMsgErr {}
impl WireType for crate::header::OvsHeader {}

impl<T: WireType> Field<kind::Fixed> for T {
    type View<'a> = &'a T;
    const KIND: AttrKind = AttrKind::Binary;
    const LEN: (u32, u32) = (size_of::<T>() as u32, size_of::<T>() as u32);
    #[inline]
    fn put(&self, buf: &mut MsgBuf<'_>, ty: u16) -> Result<()> {
        buf.put_attr(ty, self.as_bytes())
    }
    #[inline]
    fn get<'a>(a: Attr<'a>, _cx: &mut DecodeCx) -> Result<&'a T> {
        a.get_struct()
    }
    #[inline]
    fn from_view(view: &T) -> Self {
        *view
    }
    #[cfg(feature = "arbitrary")]
    fn arbitrary_field(u: &mut Unstructured<'_>, _p: &AttrPolicy) -> arbitrary::Result<Self> {
        arbitrary_wire(u)
    }
}

/// An arbitrary value of a fixed wire type, read from the next `size_of::<T>()` bytes.
///
/// ```
/// use nlwire::arbitrary::Unstructured;
/// let v: [u8; 2] = nlwire::__private::arbitrary_wire(&mut Unstructured::new(&[1, 2]))?;
/// assert_eq!(v, [1, 2]);
/// # Ok::<(), nlwire::arbitrary::Error>(())
/// ```
#[cfg(feature = "arbitrary")]
pub fn arbitrary_wire<T: FromBytes>(u: &mut Unstructured<'_>) -> arbitrary::Result<T> {
    let n = size_of::<T>();
    match u.bytes(n) {
        Ok(b) => T::read_from_bytes(b).map_err(|_| arbitrary::Error::IncorrectFormat),
        Err(_) => Ok(T::new_zeroed()),
    }
}

impl<E: WireType> Field<kind::Array> for Vec<E> {
    type View<'a> = &'a [E];
    const KIND: AttrKind = AttrKind::Binary;
    #[inline]
    fn put(&self, buf: &mut MsgBuf<'_>, ty: u16) -> Result<()> {
        buf.put_attr(ty, self.as_slice().as_bytes())
    }
    #[inline]
    fn get<'a>(a: Attr<'a>, _cx: &mut DecodeCx) -> Result<&'a [E]> {
        a.get_slice()
    }
    #[inline]
    fn from_view(view: &[E]) -> Self {
        view.to_vec()
    }
    #[cfg(feature = "arbitrary")]
    fn arbitrary_field(u: &mut Unstructured<'_>, p: &AttrPolicy) -> arbitrary::Result<Self> {
        let size = size_of::<E>().max(1);
        let max = (p.max_len as usize / size).min(8);
        let min = (p.min_len as usize).div_ceil(size).min(max);
        let n = u.int_in_range(min..=max)?;
        (0..n).map(|_| arbitrary_wire(u)).collect()
    }
}

impl<T: AttrSet> Field<kind::Nested> for T {
    type View<'a> = T::View<'a>;
    const KIND: AttrKind = T::KIND;
    #[inline]
    fn put(&self, buf: &mut MsgBuf<'_>, ty: u16) -> Result<()> {
        let nest = buf.start_nested(ty);
        self.encode(buf)?;
        buf.end_nested(nest)
    }
    #[inline]
    fn get<'a>(a: Attr<'a>, cx: &mut DecodeCx) -> Result<T::View<'a>> {
        decode_nested::<T>(a.payload(), cx).map_err(|e| e.within(a.ty()))
    }
    #[inline]
    fn check(a: Attr<'_>, cx: &mut DecodeCx) -> Result<()> {
        check_nested::<T>(a.payload(), cx).map_err(|e| e.within(a.ty()))
    }
    #[inline]
    fn from_view(view: T::View<'_>) -> Self {
        T::from_view(view)
    }
    #[cfg(feature = "arbitrary")]
    fn arbitrary_field(u: &mut Unstructured<'_>, _p: &AttrPolicy) -> arbitrary::Result<Self> {
        let _guard = ArbitraryDepth::enter();
        T::arbitrary_set(u)
    }
}

/// Checks a nested payload one level down as [`decode_nested`] would, without building
/// the view (paths relative to the payload).
#[inline]
pub fn check_nested<T: AttrSet>(payload: &[u8], cx: &mut DecodeCx) -> Result<()> {
    cx.enter()?;
    T::check_in(payload, cx)?;
    cx.leave();
    Ok(())
}

/// Decodes a nested payload one level down (paths relative to the payload).
///
/// ```
/// use nlwire::{Limits, __private::{DecodeCx, decode_nested}};
/// #[derive(nlwire::AttrSet)]
/// struct Port { #[nla(type = 1, u32)] no: Option<u32> }
/// let v = decode_nested::<Port>(&[8, 0, 1, 0, 3, 0, 0, 0], &mut DecodeCx::new(&Limits::DEFAULT))?;
/// assert_eq!(v.no, Some(3));
/// # Ok::<(), nlwire::Error>(())
/// ```
#[inline]
pub fn decode_nested<'a, T: AttrSet>(payload: &'a [u8], cx: &mut DecodeCx) -> Result<T::View<'a>> {
    cx.enter()?;
    let v = T::decode_in(payload, cx);
    cx.leave();
    v
}

impl<T, K, const BASE: u16> Field<kind::IndexedArray<K, BASE>> for Vec<T>
where
    T: Field<K>,
{
    type View<'a> = Indexed<'a, T, K>;
    const KIND: AttrKind = match T::KIND {
        AttrKind::Nested => AttrKind::NestedArray,
        _ => AttrKind::Nested,
    };
    #[inline]
    fn put(&self, buf: &mut MsgBuf<'_>, ty: u16) -> Result<()> {
        let nest = buf.start_nested(ty);
        for (i, v) in self.iter().enumerate() {
            let index = u16::try_from(i)
                .ok()
                .and_then(|i| i.checked_add(BASE))
                .filter(|i| *i <= crate::consts::NLA_TYPE_MASK)
                .ok_or(Error::AttrTooLarge { ty, len: i })?;
            v.put(buf, index)?;
        }
        buf.end_nested(nest)
    }
    fn get<'a>(a: Attr<'a>, cx: &mut DecodeCx) -> Result<Indexed<'a, T, K>> {
        if !cx.is_trusted() {
            validate_items(a.payload(), cx, T::check).map_err(|e| e.within(a.ty()))?;
        }
        Ok(Indexed::new_validated(a.payload()))
    }
    fn from_view(view: Indexed<'_, T, K>) -> Self {
        view.iter().map(T::from_view).collect()
    }
    #[cfg(feature = "arbitrary")]
    fn arbitrary_field(u: &mut Unstructured<'_>, _p: &AttrPolicy) -> arbitrary::Result<Self> {
        let inner = AttrPolicy::new("item", 0, T::KIND);
        arbitrary_vec(u, |u| T::arbitrary_field(u, &inner))
    }
}

/// Walks the items of a list payload one level down, counting each and checking it with
/// `f` (paths relative to the payload).
#[inline]
fn validate_items(
    payload: &[u8],
    cx: &mut DecodeCx,
    mut f: impl FnMut(Attr<'_>, &mut DecodeCx) -> Result<()>,
) -> Result<()> {
    cx.enter()?;
    let mut n = 0;
    for a in AttrCursor::new(payload) {
        n += 1;
        f(a?, cx)?;
    }
    cx.count_n(n)?;
    cx.leave();
    Ok(())
}
