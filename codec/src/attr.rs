//! Reading attributes in place: a validated iterator and typed payload getters.
//!
//! Nothing here copies or allocates. Scalars are assembled from their bytes, so a `u64`
//! that sits only 4-byte aligned (as netlink guarantees) is read without undefined
//! behaviour.

use core::ffi::CStr;

use zerocopy::{FromBytes, Immutable, KnownLayout, Unaligned};

use crate::consts::{NLA_F_NESTED, NLA_F_NET_BYTEORDER, NLA_HDRLEN, NLA_TYPE_MASK, align};
use crate::error::{AttrPath, Error, Result, StringFault};

/// One attribute: its type (flags masked off), its flag bits and a view of its payload.
///
/// ```
/// let bytes = [8u8, 0, 3, 0, 42, 0, 0, 0];
/// let a = nlwire::Attrs::new(&bytes).next().unwrap().unwrap();
/// assert_eq!(a.ty(), 3);
/// assert_eq!(a.get_u32().unwrap(), 42);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attr<'a> {
    raw_type: u16,
    payload: &'a [u8],
}

#[inline]
fn exact<const N: usize>(a: &Attr<'_>) -> Result<[u8; N]> {
    a.payload.try_into().map_err(|_| a.len_error(N, N))
}

macro_rules! scalar_gets {
    ($($name:ident, $t:ty, $from:ident, $doc:literal;)*) => {$(
        #[doc = concat!("The payload as ", $doc, "; its length must be exactly the type's size.")]
        #[inline]
        pub fn $name(&self) -> Result<$t> {
            Ok(<$t>::$from(exact(self)?))
        }
    )*};
}

impl<'a> Attr<'a> {
    /// An attribute with the given raw type (flag bits included) and payload.
    #[inline]
    pub fn new(raw_type: u16, payload: &'a [u8]) -> Self {
        Attr { raw_type, payload }
    }

    /// The type with `NLA_F_NESTED` and `NLA_F_NET_BYTEORDER` masked off (14 bits).
    #[inline]
    pub fn ty(&self) -> u16 {
        self.raw_type & NLA_TYPE_MASK
    }

    /// The type as written on the wire, flag bits included.
    #[inline]
    pub fn raw_type(&self) -> u16 {
        self.raw_type
    }

    /// True when the sender set `NLA_F_NESTED`.
    pub fn is_nested_flagged(&self) -> bool {
        self.raw_type & NLA_F_NESTED != 0
    }

    /// True when the sender set `NLA_F_NET_BYTEORDER`.
    pub fn is_net_byteorder(&self) -> bool {
        self.raw_type & NLA_F_NET_BYTEORDER != 0
    }

    /// The payload bytes.
    #[inline]
    pub fn payload(&self) -> &'a [u8] {
        self.payload
    }

    /// The payload length.
    pub fn len(&self) -> usize {
        self.payload.len()
    }

    /// True for an empty payload.
    pub fn is_empty(&self) -> bool {
        self.payload.is_empty()
    }

    fn path(&self) -> AttrPath {
        AttrPath::root().child(self.ty())
    }

    fn len_error(&self, min: usize, max: usize) -> Error {
        Error::BadLength {
            path: self.path(),
            len: self.len(),
            min,
            max,
        }
    }

    scalar_gets! {
        get_u8, u8, from_ne_bytes, "a `u8`";
        get_u16, u16, from_ne_bytes, "a host-order `u16`";
        get_u32, u32, from_ne_bytes, "a host-order `u32`";
        get_u64, u64, from_ne_bytes, "a host-order `u64` (4-byte alignment is enough)";
        get_u128, u128, from_ne_bytes, "a host-order `u128`";
        get_s8, i8, from_ne_bytes, "an `i8`";
        get_s16, i16, from_ne_bytes, "a host-order `i16`";
        get_s32, i32, from_ne_bytes, "a host-order `i32`";
        get_s64, i64, from_ne_bytes, "a host-order `i64`";
        get_be16, u16, from_be_bytes, "a network-order `u16`";
        get_be32, u32, from_be_bytes, "a network-order `u32`";
        get_be64, u64, from_be_bytes, "a network-order `u64`";
    }

    /// The payload as the kernel's variable-width `uint`: 4 or 8 bytes, host order.
    ///
    /// ```
    /// let a = nlwire::Attr::new(1, &[7, 0, 0, 0]);
    /// assert_eq!(a.get_uint().unwrap(), 7);
    /// assert!(nlwire::Attr::new(1, &[7, 0, 0]).get_uint().is_err());
    /// ```
    pub fn get_uint(&self) -> Result<u64> {
        match self.len() {
            4 => self.get_u32().map(u64::from),
            8 => self.get_u64(),
            _ => Err(self.len_error(4, 8)),
        }
    }

    /// The payload as the kernel's variable-width `sint`: 4 or 8 bytes, host order.
    pub fn get_sint(&self) -> Result<i64> {
        match self.len() {
            4 => self.get_s32().map(i64::from),
            8 => self.get_s64(),
            _ => Err(self.len_error(4, 8)),
        }
    }

    /// The payload as a NUL-terminated C string: exactly one NUL, in the last byte.
    ///
    /// ```
    /// let a = nlwire::Attr::new(2, b"eth0\0");
    /// assert_eq!(a.get_cstr().unwrap().to_bytes(), b"eth0");
    /// assert!(nlwire::Attr::new(2, b"eth0").get_cstr().is_err());
    /// assert!(nlwire::Attr::new(2, b"et\0h0\0").get_cstr().is_err());
    /// ```
    pub fn get_cstr(&self) -> Result<&'a CStr> {
        if let Ok(c) = CStr::from_bytes_with_nul(self.payload) {
            return Ok(c);
        }
        let reason = match self.payload.iter().position(|b| *b == 0) {
            None => StringFault::NoNul,
            Some(_) => StringFault::InteriorNul,
        };
        Err(Error::BadString {
            path: self.path(),
            reason,
        })
    }

    /// The payload as UTF-8 text without its NUL (same rules as [`get_cstr`](Self::get_cstr)).
    ///
    /// ```
    /// assert_eq!(nlwire::Attr::new(2, b"nlctrl\0").get_str().unwrap(), "nlctrl");
    /// ```
    pub fn get_str(&self) -> Result<&'a str> {
        let c = self.get_cstr()?;
        c.to_str().map_err(|_| Error::BadString {
            path: self.path(),
            reason: StringFault::NotUtf8,
        })
    }

    /// The payload as UTF-8 text that may lack its NUL (`unterminated-ok`): stops at the
    /// first NUL if there is one.
    pub fn get_str_lossy_end(&self) -> Result<&'a str> {
        let end = self
            .payload
            .iter()
            .position(|b| *b == 0)
            .unwrap_or(self.len());
        core::str::from_utf8(&self.payload[..end]).map_err(|_| Error::BadString {
            path: self.path(),
            reason: StringFault::NotUtf8,
        })
    }

    /// The payload as a reference to a fixed wire struct; the length must be exactly
    /// `size_of::<T>()`.
    ///
    /// ```
    /// let a = nlwire::Attr::new(1, &[3, 1, 0, 0]);
    /// let g: &nlwire::GenlMsgHdr = a.get_struct().unwrap();
    /// assert_eq!(g.cmd, 3);
    /// ```
    #[inline]
    pub fn get_struct<T>(&self) -> Result<&'a T>
    where
        T: FromBytes + KnownLayout + Immutable + Unaligned,
    {
        let n = core::mem::size_of::<T>();
        T::ref_from_bytes(self.payload).map_err(|_| self.len_error(n, n))
    }

    /// The payload as a slice of fixed wire structs (an array payload such as OVS's
    /// MPLS labels or per-CPU PIDs); the length must be a multiple of the struct size.
    pub fn get_slice<T>(&self) -> Result<&'a [T]>
    where
        T: FromBytes + Immutable + Unaligned,
    {
        <[T]>::ref_from_bytes(self.payload).map_err(|_| Error::BadArrayLength {
            path: self.path(),
            len: self.len(),
            elem: core::mem::size_of::<T>(),
        })
    }

    /// The payload read as nested attributes.
    ///
    /// ```
    /// let bytes = [12u8, 0, 1, 0, 8, 0, 2, 0, 5, 0, 0, 0];
    /// let outer = nlwire::Attrs::new(&bytes).next().unwrap().unwrap();
    /// let inner = outer.nested().next().unwrap().unwrap();
    /// assert_eq!((inner.ty(), inner.get_u32().unwrap()), (2, 5));
    /// ```
    #[inline]
    pub fn nested(&self) -> Attrs<'a> {
        Attrs::new(self.payload)
    }
}

/// A validated iterator over the attributes in a byte region.
///
/// It yields `Err` once and then stops when an attribute's `nla_len` is below 4 or runs
/// past the region (or the region ends in 1..=3 stray bytes). A final attribute without
/// its padding is accepted.
///
/// ```
/// let bytes = [5u8, 0, 1, 0, 9, 0, 0, 0, 4, 0, 2, 0];
/// let types: Vec<u16> = nlwire::Attrs::new(&bytes).map(|a| a.unwrap().ty()).collect();
/// assert_eq!(types, [1, 2]);
/// ```
#[derive(Clone, Debug)]
pub struct Attrs<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Attrs<'a> {
    /// Iterates the attributes in `bytes`.
    #[inline]
    pub fn new(bytes: &'a [u8]) -> Self {
        Attrs { bytes, pos: 0 }
    }

    /// Offset of the next attribute within the region (the region's length once the
    /// iterator has ended, after the last attribute or after an error).
    pub fn offset(&self) -> usize {
        self.pos
    }

    /// The bytes not yet iterated.
    pub fn remaining(&self) -> &'a [u8] {
        &self.bytes[self.pos.min(self.bytes.len())..]
    }

    /// Checks every attribute in the region and returns how many there are.
    ///
    /// ```
    /// assert_eq!(nlwire::Attrs::new(&[4, 0, 1, 0, 4, 0, 2, 0]).validate().unwrap(), 2);
    /// assert!(nlwire::Attrs::new(&[4, 0, 1, 0, 4]).validate().is_err());
    /// ```
    pub fn validate(self) -> Result<usize> {
        let mut n = 0;
        for a in self {
            a?;
            n += 1;
        }
        Ok(n)
    }

    /// The first attribute of type `ty`, checking the attributes before it.
    pub fn find(self, ty: u16) -> Result<Option<Attr<'a>>> {
        for a in self {
            let a = a?;
            if a.ty() == ty {
                return Ok(Some(a));
            }
        }
        Ok(None)
    }
}

impl<'a> Iterator for Attrs<'a> {
    type Item = Result<Attr<'a>>;

    #[inline(always)]
    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.bytes.len() {
            return None;
        }
        let rest = &self.bytes[self.pos..];
        if rest.len() >= NLA_HDRLEN {
            let len = u16::from_ne_bytes([rest[0], rest[1]]) as usize;
            if len >= NLA_HDRLEN && len <= rest.len() {
                self.pos += align(len).min(rest.len());
                return Some(Ok(Attr {
                    raw_type: u16::from_ne_bytes([rest[2], rest[3]]),
                    payload: &rest[NLA_HDRLEN..len],
                }));
            }
        }
        Some(Err(self.fail()))
    }
}

impl Attrs<'_> {
    /// The error for the malformed attribute at `pos`; the iterator ends after it.
    #[inline]
    fn fail(&mut self) -> Error {
        let rest = &self.bytes[self.pos..];
        let offset = self.pos;
        self.pos = self.bytes.len();
        match *rest {
            [l0, l1, _, _, ..] => Error::BadAttrLen {
                path: AttrPath::root(),
                offset,
                nla_len: u16::from_ne_bytes([l0, l1]),
                remaining: rest.len(),
            },
            _ => Error::TrailingBytes {
                path: AttrPath::root(),
                offset,
                len: rest.len(),
            },
        }
    }
}

impl core::iter::FusedIterator for Attrs<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    fn attr(len: u16, ty: u16, payload: &[u8]) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend(len.to_ne_bytes());
        v.extend(ty.to_ne_bytes());
        v.extend(payload);
        v
    }

    #[test]
    fn nla_len_below_header_is_rejected_for_0_to_3() {
        for l in 0..4u16 {
            let b = attr(l, 1, &[0; 4]);
            let e = Attrs::new(&b).next().unwrap().unwrap_err();
            assert_eq!(
                e,
                Error::BadAttrLen {
                    path: AttrPath::root(),
                    offset: 0,
                    nla_len: l,
                    remaining: 8
                },
                "nla_len {l}"
            );
        }
    }

    #[test]
    fn nla_len_past_end_is_rejected_and_iteration_stops() {
        let mut b = attr(8, 1, &[1, 0, 0, 0]);
        b.extend(attr(20, 2, &[0; 4]));
        let mut it = Attrs::new(&b);
        assert!(it.next().unwrap().is_ok());
        assert_eq!(
            it.next().unwrap().unwrap_err(),
            Error::BadAttrLen {
                path: AttrPath::root(),
                offset: 8,
                nla_len: 20,
                remaining: 8
            }
        );
        assert!(it.next().is_none());
        assert_eq!((it.offset(), it.remaining()), (b.len(), &[][..]));
    }

    #[test]
    fn type_is_masked_to_14_bits() {
        let b = attr(4, 0xC000 | 25, &[]);
        let a = Attrs::new(&b).next().unwrap().unwrap();
        assert_eq!(a.ty(), 25);
        assert!(a.is_nested_flagged() && a.is_net_byteorder());
    }

    #[test]
    fn unpadded_final_attribute_is_accepted() {
        let mut b = attr(8, 1, &[1, 0, 0, 0]);
        b.extend(attr(5, 2, &[7]));
        let v: Vec<_> = Attrs::new(&b).collect::<Result<_>>().unwrap();
        assert_eq!(v[1].payload(), &[7]);
    }

    #[test]
    fn stray_trailing_bytes_are_an_error() {
        let mut b = attr(4, 1, &[]);
        b.extend([0, 0]);
        let e = Attrs::new(&b).validate().unwrap_err();
        assert_eq!(
            e,
            Error::TrailingBytes {
                path: AttrPath::root(),
                offset: 4,
                len: 2
            }
        );
    }

    #[test]
    fn u64_at_offset_4_reads_correctly() {
        let b = attr(12, 5, &0x1122334455667788u64.to_ne_bytes());
        let a = Attrs::new(&b).next().unwrap().unwrap();
        assert_eq!(a.get_u64().unwrap(), 0x1122334455667788);
    }

    #[test]
    fn scalar_length_must_be_exact() {
        let a = Attr::new(3, &[1, 2, 3, 4, 5]);
        assert!(matches!(
            a.get_u32(),
            Err(Error::BadLength {
                len: 5,
                min: 4,
                max: 4,
                ..
            })
        ));
        assert_eq!(
            a.get_u32().unwrap_err().to_string(),
            "#3: length 5, expected 4"
        );
    }

    #[test]
    fn string_rules() {
        assert_eq!(
            Attr::new(1, b"").get_str().unwrap_err(),
            Error::BadString {
                path: AttrPath::root().child(1),
                reason: StringFault::NoNul
            }
        );
        assert!(matches!(
            Attr::new(1, b"\xff\0").get_str(),
            Err(Error::BadString {
                reason: StringFault::NotUtf8,
                ..
            })
        ));
        assert_eq!(Attr::new(1, b"ab").get_str_lossy_end().unwrap(), "ab");
    }

    #[test]
    fn struct_and_slice_views() {
        use zerocopy::network_endian::U32;
        let a = Attr::new(21, &[0, 0, 0, 1, 0, 0, 0, 2]);
        let s: &[U32] = a.get_slice().unwrap();
        assert_eq!(s.iter().map(|v| v.get()).collect::<Vec<_>>(), [1, 2]);
        assert!(Attr::new(21, &[0; 7]).get_slice::<U32>().is_err());
        assert!(
            Attr::new(1, &[0; 5])
                .get_struct::<crate::GenlMsgHdr>()
                .is_err()
        );
    }
}
