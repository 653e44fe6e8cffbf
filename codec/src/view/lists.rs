//! Lists, lazy nests, repeated and indexed attributes: views decoded as they are read.

use core::fmt;
use core::marker::PhantomData;

use crate::attr::Attr;
use crate::buf::MsgBuf;
use crate::error::Result;
use crate::limits::Limits;
use crate::policy::{AttrKind, Policy};

#[cfg(feature = "arbitrary")]
use arbitrary::Unstructured;

use crate::__private::*;

macro_rules! copy_clone {
    ($name:ident <$($g:ident),*>) => {
        impl<'a, $($g),*> Clone for $name<'a, $($g),*> {
            fn clone(&self) -> Self {
                *self
            }
        }
        impl<'a, $($g),*> Copy for $name<'a, $($g),*> {}
    };
}

/// The view of a list of attributes (`Vec<E>` with `E: AttrUnion`): the validated payload,
/// decoded item by item when iterated. Copying it is free; iterating never allocates.
/// Attributes of a type `E` does not know are skipped.
///
/// ```
/// use nlwire::{AttrSet, MsgBuf};
/// #[derive(Debug, PartialEq, nlwire::AttrSet)]
/// enum Act { #[nla(type = 1, u32)] Output(u32) }
/// let mut b = MsgBuf::new();
/// b.put_attr_u32(1, 4)?;
/// b.put_attr_u32(1, 5)?;
/// let list = <Vec<Act>>::decode(b.as_slice())?;
/// assert_eq!(list.iter().count(), 2);
/// assert!(!list.is_empty());
/// # Ok::<(), nlwire::Error>(())
/// ```
pub struct AttrList<'a, E> {
    bytes: &'a [u8],
    _e: PhantomData<fn() -> E>,
}

copy_clone!(AttrList<E>);

impl<'a, E: AttrUnion> AttrList<'a, E> {
    /// Validates `bytes` as a list of `E` (every item decoded once, under
    /// [`Limits::DEFAULT`]) and keeps them for iteration; bytes that do not decode are the
    /// decoder's error.
    ///
    /// ```
    /// use nlwire::view::AttrList;
    /// #[derive(Debug, PartialEq, nlwire::AttrSet)]
    /// enum Act { #[nla(type = 1, u32)] Output(u32) }
    /// let l = AttrList::<Act>::new(&[8, 0, 1, 0, 2, 0, 0, 0])?;
    /// assert_eq!(l.iter().next(), Some(ActView::Output(2)));
    /// // An output action two bytes long is refused here, not while iterating.
    /// assert!(AttrList::<Act>::new(&[6, 0, 1, 0, 2, 0]).is_err());
    /// # Ok::<(), nlwire::Error>(())
    /// ```
    pub fn new(bytes: &'a [u8]) -> Result<Self> {
        <Vec<E> as AttrSet>::decode_in(bytes, &mut DecodeCx::new(&Limits::DEFAULT))
    }

    /// A list over `bytes` that this crate's decoder has just validated.
    pub(crate) fn new_validated(bytes: &'a [u8]) -> Self {
        AttrList {
            bytes,
            _e: PhantomData,
        }
    }

    /// Iterates the items in order (also what `for x in list` does).
    ///
    /// ```
    /// use nlwire::{AttrSet, view::AttrList};
    /// #[derive(Debug, PartialEq, nlwire::AttrSet)]
    /// enum Act { #[nla(type = 1, u32)] Output(u32) }
    /// let list: AttrList<'_, Act> = <Vec<Act>>::decode(&[8, 0, 1, 0, 2, 0, 0, 0])?;
    /// assert_eq!(list.iter().count(), 1);
    /// # Ok::<(), nlwire::Error>(())
    /// ```
    #[inline]
    pub fn iter(&self) -> AttrListIter<'a, E> {
        AttrListIter {
            attrs: AttrCursor::new(self.bytes),
            _e: PhantomData,
        }
    }

    /// The raw payload.
    ///
    /// ```
    /// #[derive(Debug, PartialEq, nlwire::AttrSet)]
    /// enum Act { #[nla(type = 5)] PopVlan }
    /// let l = nlwire::view::AttrList::<Act>::new(&[4, 0, 5, 0])?;
    /// assert_eq!(l.bytes().len(), 4);
    /// # Ok::<(), nlwire::Error>(())
    /// ```
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// True when the list holds no attribute.
    ///
    /// ```
    /// #[derive(Debug, PartialEq, nlwire::AttrSet)]
    /// enum Act { #[nla(type = 5)] PopVlan }
    /// assert!(nlwire::view::AttrList::<Act>::new(&[])?.is_empty());
    /// # Ok::<(), nlwire::Error>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}

impl<'a, E: AttrUnion> IntoIterator for AttrList<'a, E> {
    type Item = E::View<'a>;
    type IntoIter = AttrListIter<'a, E>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<E: AttrUnion> fmt::Debug for AttrList<'_, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<E: AttrUnion> PartialEq for AttrList<'_, E> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

/// Iterator over an [`AttrList`] (see [`AttrList::iter`]).
pub struct AttrListIter<'a, E> {
    attrs: AttrCursor<'a>,
    _e: PhantomData<fn() -> E>,
}

impl<'a, E: AttrUnion> Iterator for AttrListIter<'a, E> {
    type Item = E::View<'a>;
    #[inline]
    fn next(&mut self) -> Option<E::View<'a>> {
        loop {
            let a = self.attrs.next()?.ok()?;
            match E::decode_attr(a, &mut DecodeCx::trusted()) {
                Ok(Some(v)) => return Some(v),
                Ok(None) => continue,
                Err(_) => return validated_failed(),
            }
        }
    }
}

/// Re-decoding bytes that were validated cannot fail; if it does (a bug), the iteration
/// stops instead of panicking, and the failure is counted for the tests
/// (`__private::redecode_failures`).
#[inline]
fn validated_failed<T>() -> Option<T> {
    note_redecode_failure();
    None
}

impl<E: AttrUnion> Encode for Vec<E> {
    #[inline]
    fn encode(&self, buf: &mut MsgBuf<'_>) -> Result<()> {
        for e in self {
            e.encode_attr(buf)?;
        }
        Ok(())
    }
}

impl<E: AttrUnion> AttrSet for Vec<E> {
    type View<'a> = AttrList<'a, E>;
    const POLICY: &'static Policy = E::LIST_POLICY;
    const KIND: AttrKind = E::LIST_KIND;

    fn decode_in<'a>(bytes: &'a [u8], cx: &mut DecodeCx) -> Result<AttrList<'a, E>> {
        if !cx.is_trusted() {
            let mut n = 0;
            for a in AttrCursor::new(bytes) {
                n += 1;
                E::check_attr(a?, cx)?;
            }
            cx.count_n(n)?;
        }
        Ok(AttrList::new_validated(bytes))
    }

    fn from_view(view: AttrList<'_, E>) -> Self {
        view.iter().map(E::from_view).collect()
    }

    #[cfg(feature = "arbitrary")]
    fn arbitrary_set(u: &mut Unstructured<'_>) -> arbitrary::Result<Self> {
        arbitrary_vec(u, E::arbitrary_union)
    }
}

/// Type-keyed entries (YNL `nest-type-value`, and lists whose outer type is ignored): each
/// entry is a nested attribute whose *type* is data.
///
/// ```
/// use nlwire::{AttrSet, Encode};
/// #[derive(Debug, PartialEq, nlwire::AttrSet)]
/// struct Band { #[nla(type = 2, u32)] rate: Option<u32> }
/// let bands: Vec<(u16, Band)> = vec![(0, Band { rate: Some(10) })];
/// let bytes = bands.encode_to_vec()?;
/// assert_eq!(<Vec<(u16, Band)>>::decode_owned(&bytes)?, bands);
/// # Ok::<(), nlwire::Error>(())
/// ```
impl<T: AttrSet> AttrUnion for (u16, T) {
    type View<'a> = (u16, T::View<'a>);
    const LIST_POLICY: &'static Policy = match T::KIND {
        AttrKind::Nested => T::POLICY,
        _ => &TYPE_VALUE_POLICY,
    };
    const LIST_KIND: AttrKind = match T::KIND {
        AttrKind::Nested => AttrKind::NestedArray,
        _ => AttrKind::Nested,
    };

    #[inline]
    fn encode_attr(&self, buf: &mut MsgBuf<'_>) -> Result<()> {
        self.1.put(buf, self.0)
    }

    #[inline]
    fn decode_attr<'a>(a: Attr<'a>, cx: &mut DecodeCx) -> Result<Option<Self::View<'a>>> {
        Ok(Some((a.ty(), <T as Field<kind::Nested>>::get(a, cx)?)))
    }

    #[inline]
    fn check_attr(a: Attr<'_>, cx: &mut DecodeCx) -> Result<()> {
        <T as Field<kind::Nested>>::check(a, cx)
    }

    fn from_view(view: Self::View<'_>) -> Self {
        (view.0, T::from_view(view.1))
    }

    #[cfg(feature = "arbitrary")]
    fn arbitrary_union(u: &mut Unstructured<'_>) -> arbitrary::Result<Self> {
        let ty = u.int_in_range(0..=crate::consts::NLA_TYPE_MASK)?;
        let _guard = ArbitraryDepth::enter();
        Ok((ty, T::arbitrary_set(u)?))
    }
}

/// The policy of type-keyed entries whose contents are themselves type-keyed.
static TYPE_VALUE_POLICY: Policy = Policy::new("type-value", &[]);

/// A nested set decoded on demand ([`Box<T>`]'s view): the validated payload. Use it for
/// recursive sets (OVS `ENCAP` inside a flow key) and for nests most readers skip.
///
/// ```
/// use nlwire::{AttrSet, Encode};
/// #[derive(Debug, PartialEq, nlwire::AttrSet)]
/// struct Key {
///     #[nla(type = 3, u32)] in_port: Option<u32>,
///     #[nla(type = 1, nested)] encap: Option<Box<Key>>,
/// }
/// let k = Key { in_port: Some(1), encap: Some(Box::new(Key { in_port: Some(2), encap: None })) };
/// let bytes = k.encode_to_vec()?;
/// let v = Key::decode(&bytes)?;
/// assert_eq!(v.encap.unwrap().get().in_port, Some(2));
/// # Ok::<(), nlwire::Error>(())
/// ```
pub struct Lazy<'a, T> {
    bytes: &'a [u8],
    _t: PhantomData<fn() -> T>,
}

copy_clone!(Lazy<T>);

impl<'a, T: AttrSet> Lazy<'a, T> {
    /// Validates `bytes` as the payload of a `T` (under [`Limits::DEFAULT`]) and keeps
    /// them for decoding on demand; bytes that do not decode are the decoder's error.
    ///
    /// ```
    /// #[derive(nlwire::AttrSet)]
    /// struct Port { #[nla(type = 1, u32)] no: Option<u32> }
    /// let l = nlwire::view::Lazy::<Port>::new(&[8, 0, 1, 0, 3, 0, 0, 0])?;
    /// assert_eq!(l.get().no, Some(3));
    /// assert_eq!(l.bytes().len(), 8);
    /// // A u32 attribute two bytes long is refused here, not when read.
    /// assert!(nlwire::view::Lazy::<Port>::new(&[6, 0, 1, 0, 3, 0]).is_err());
    /// # Ok::<(), nlwire::Error>(())
    /// ```
    pub fn new(bytes: &'a [u8]) -> Result<Self> {
        T::decode_in(bytes, &mut DecodeCx::new(&Limits::DEFAULT))?;
        Ok(Self::new_validated(bytes))
    }

    /// A lazy view over `bytes` that this crate's decoder has just validated.
    pub(crate) fn new_validated(bytes: &'a [u8]) -> Self {
        Lazy {
            bytes,
            _t: PhantomData,
        }
    }

    /// Decodes the set (cheap: the bytes were validated, lists inside are not walked).
    /// See [`Lazy::new`] for an example.
    #[inline]
    pub fn get(&self) -> T::View<'a> {
        // The first pass decoded these very bytes with the same code; a trusted pass only
        // skips limit counters and list walks, so it cannot fail.
        T::decode_in(self.bytes, &mut DecodeCx::trusted())
            .unwrap_or_else(|_| unreachable_view::<T>())
    }

    /// The raw payload (see [`Lazy::new`]).
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }
}

#[cold]
fn unreachable_view<'a, T: AttrSet>() -> T::View<'a> {
    // Only reachable when a set with required attributes fails to re-decode validated
    // bytes, which the first pass rules out.
    unreachable!("validated bytes failed to decode twice")
}

impl<T: AttrSet> fmt::Debug for Lazy<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.get().fmt(f)
    }
}

impl<T: AttrSet> PartialEq for Lazy<'_, T> {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl<T: AttrSet> Encode for Box<T> {
    #[inline]
    fn encode(&self, buf: &mut MsgBuf<'_>) -> Result<()> {
        (**self).encode(buf)
    }
}

impl<T: AttrSet> AttrSet for Box<T> {
    type View<'a> = Lazy<'a, T>;
    const POLICY: &'static Policy = T::POLICY;
    const KIND: AttrKind = T::KIND;

    fn decode_in<'a>(bytes: &'a [u8], cx: &mut DecodeCx) -> Result<Lazy<'a, T>> {
        if !cx.is_trusted() {
            T::check_in(bytes, cx)?;
        }
        Ok(Lazy::new_validated(bytes))
    }

    fn from_view(view: Lazy<'_, T>) -> Self {
        Box::new(T::from_view(view.get()))
    }

    #[cfg(feature = "arbitrary")]
    fn arbitrary_set(u: &mut Unstructured<'_>) -> arbitrary::Result<Self> {
        T::arbitrary_set(u).map(Box::new)
    }
}

/// The view of a repeated attribute (YNL `multi-attr`): every attribute of one type in the
/// enclosing set, decoded as iterated. Validated by the one decoding pass.
///
/// ```
/// use nlwire::{AttrSet, Encode};
/// #[derive(Debug, PartialEq, nlwire::AttrSet)]
/// struct Pids { #[nla(type = 1, u32, multi)] pid: Vec<u32> }
/// let bytes = Pids { pid: vec![3, 4] }.encode_to_vec()?;
/// let v = Pids::decode(&bytes)?;
/// assert_eq!(v.pid.len(), 2);
/// assert_eq!(v.pid.iter().collect::<Vec<_>>(), [3, 4]);
/// # Ok::<(), nlwire::Error>(())
/// ```
pub struct Multi<'a, T, K> {
    bytes: &'a [u8],
    ty: u16,
    count: u32,
    _t: PhantomData<fn() -> (T, K)>,
}

copy_clone!(Multi<T, K>);

impl<'a, T: Field<K>, K> Multi<'a, T, K> {
    /// No occurrences.
    ///
    /// ```
    /// use nlwire::{__private::kind, view::Multi};
    /// let m = Multi::<u32, kind::U32>::empty();
    /// assert!(m.is_empty() && m.len() == 0 && m.iter().next().is_none());
    /// ```
    #[doc(hidden)]
    #[inline]
    pub fn empty() -> Self {
        Multi {
            bytes: &[],
            ty: 0,
            count: 0,
            _t: PhantomData,
        }
    }

    /// Records one validated occurrence of type `ty` in `set` (the whole enclosing
    /// payload), found at byte `offset`.
    ///
    /// ```
    /// use nlwire::{__private::kind, view::Multi};
    /// let set = [8u8, 0, 1, 0, 3, 0, 0, 0, 8, 0, 2, 0, 4, 0, 0, 0, 8, 0, 1, 0, 5, 0, 0, 0];
    /// let mut m = Multi::<u32, kind::U32>::empty();
    /// m.push(&set, 1, 0);
    /// m.push(&set, 1, 16);
    /// assert_eq!(m.iter().collect::<Vec<_>>(), [3, 5]);
    /// assert_eq!(m.len(), 2);
    /// ```
    #[doc(hidden)]
    #[inline]
    pub fn push(&mut self, set: &'a [u8], ty: u16, offset: usize) {
        if self.count == 0 {
            self.bytes = set.get(offset..).unwrap_or(&[]);
            self.ty = ty;
        }
        self.count += 1;
    }

    /// Number of occurrences (see [`Multi::push`]).
    #[inline]
    pub fn len(&self) -> usize {
        self.count as usize
    }

    /// True when the attribute did not occur (see [`Multi::empty`]).
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Iterates the occurrences in order (see [`Multi::push`]).
    #[inline]
    pub fn iter(&self) -> MultiIter<'a, T, K> {
        MultiIter {
            attrs: AttrCursor::new(self.bytes),
            ty: self.ty,
            left: self.count,
            _t: PhantomData,
        }
    }
}

impl<'a, T: Field<K>, K> IntoIterator for Multi<'a, T, K> {
    type Item = T::View<'a>;
    type IntoIter = MultiIter<'a, T, K>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<T: Field<K>, K> fmt::Debug for Multi<'_, T, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<T: Field<K>, K> PartialEq for Multi<'_, T, K> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

/// Iterator over a [`Multi`] (see [`Multi::iter`]).
pub struct MultiIter<'a, T, K> {
    attrs: AttrCursor<'a>,
    ty: u16,
    left: u32,
    _t: PhantomData<fn() -> (T, K)>,
}

impl<'a, T: Field<K>, K> Iterator for MultiIter<'a, T, K> {
    type Item = T::View<'a>;
    #[inline]
    fn next(&mut self) -> Option<T::View<'a>> {
        if self.left == 0 {
            return None;
        }
        loop {
            let a = self.attrs.next()?.ok()?;
            if a.ty() == self.ty {
                self.left -= 1;
                return match T::get(a, &mut DecodeCx::trusted()) {
                    Ok(v) => Some(v),
                    Err(_) => validated_failed(),
                };
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left as usize, Some(self.left as usize))
    }
}

impl<T: Field<K>, K> ExactSizeIterator for MultiIter<'_, T, K> {}

/// The view of an indexed array (YNL `indexed-array`): entries decoded as iterated.
///
/// ```
/// use nlwire::AttrSet;
/// #[derive(nlwire::AttrSet)]
/// struct Ops { #[nla(type = 6, indexed_array(u32, base = 1))] ids: Option<Vec<u32>> }
/// let bytes = [20u8, 0, 6, 0, 8, 0, 1, 0, 10, 0, 0, 0, 8, 0, 2, 0, 20, 0, 0, 0];
/// let ids = Ops::decode(&bytes)?.ids.unwrap();
/// assert_eq!(ids.iter().collect::<Vec<_>>(), [10, 20]);
/// assert_eq!(ids.indexed().collect::<Vec<_>>(), [(1, 10), (2, 20)]);
/// assert!(!ids.is_empty());
/// # Ok::<(), nlwire::Error>(())
/// ```
pub struct Indexed<'a, T, K> {
    bytes: &'a [u8],
    _t: PhantomData<fn() -> (T, K)>,
}

copy_clone!(Indexed<T, K>);

impl<'a, T: Field<K>, K> Indexed<'a, T, K> {
    /// A view over entries this crate's decoder has just validated.
    pub(crate) fn new_validated(bytes: &'a [u8]) -> Self {
        Indexed {
            bytes,
            _t: PhantomData,
        }
    }

    /// Iterates the entries in order (see [`Indexed`]).
    #[inline]
    pub fn iter(&self) -> IndexedIter<'a, T, K> {
        IndexedIter {
            attrs: AttrCursor::new(self.bytes),
            _t: PhantomData,
        }
    }

    /// Iterates `(index, entry)` pairs (the index is the entry's attribute type; see
    /// [`Indexed`]).
    pub fn indexed(&self) -> impl Iterator<Item = (u16, T::View<'a>)> + 'a {
        let mut attrs = AttrCursor::new(self.bytes);
        core::iter::from_fn(move || {
            let a = attrs.next()?.ok()?;
            match T::get(a, &mut DecodeCx::trusted()) {
                Ok(v) => Some((a.ty(), v)),
                Err(_) => validated_failed(),
            }
        })
    }

    /// True when the array has no entry (see [`Indexed`]).
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}

impl<'a, T: Field<K>, K> IntoIterator for Indexed<'a, T, K> {
    type Item = T::View<'a>;
    type IntoIter = IndexedIter<'a, T, K>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<T: Field<K>, K> fmt::Debug for Indexed<'_, T, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<T: Field<K>, K> PartialEq for Indexed<'_, T, K> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

/// Iterator over an [`Indexed`] (see [`Indexed::iter`]).
pub struct IndexedIter<'a, T, K> {
    attrs: AttrCursor<'a>,
    _t: PhantomData<fn() -> (T, K)>,
}

impl<'a, T: Field<K>, K> Iterator for IndexedIter<'a, T, K> {
    type Item = T::View<'a>;
    #[inline]
    fn next(&mut self) -> Option<T::View<'a>> {
        let a = self.attrs.next()?.ok()?;
        match T::get(a, &mut DecodeCx::trusted()) {
            Ok(v) => Some(v),
            Err(_) => validated_failed(),
        }
    }
}
