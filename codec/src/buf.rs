//! A message buffer with headroom and tailroom, in the manner of Open vSwitch's `ofpbuf`.
//!
//! Bytes live in `storage[head..head + len]`. Appending (`put*`) moves the tail cursor,
//! prepending (`push*`) moves the head cursor into the headroom; neither touches the
//! bytes already written. Storage is a caller-provided stub first (often an array on the
//! stack) and moves to the heap only when it must grow; growth doubles, so a buffer that
//! is cleared and reused stops allocating once it has seen its largest message.

use core::fmt;

/// Smallest heap allocation made when a buffer first grows.
const MIN_HEAP: usize = 256;

enum Storage<'s> {
    Stub(&'s mut [u8]),
    Heap(Vec<u8>),
}

impl Storage<'_> {
    #[inline]
    fn bytes(&self) -> &[u8] {
        match self {
            Storage::Stub(s) => s,
            Storage::Heap(v) => v,
        }
    }
    #[inline]
    fn bytes_mut(&mut self) -> &mut [u8] {
        match self {
            Storage::Stub(s) => s,
            Storage::Heap(v) => v,
        }
    }
}

/// A growable byte buffer with headroom (for `push`) and tailroom (for `put`).
///
/// ```
/// use nlwire::MsgBuf;
/// let mut stub = [0u8; 64];
/// let mut buf = MsgBuf::with_stub(&mut stub);
/// buf.reserve_headroom(4);
/// buf.put(b"body");
/// buf.push(b"hdr:");
/// assert_eq!(buf.as_slice(), b"hdr:body");
/// assert!(!buf.is_heap());
/// ```
pub struct MsgBuf<'s> {
    storage: Storage<'s>,
    head: usize,
    len: usize,
    /// Headroom the user asked for; `clear` restores it and compaction keeps it.
    reserved: usize,
}

impl MsgBuf<'static> {
    /// An empty heap buffer; allocates on first use.
    ///
    /// ```
    /// let mut b = nlwire::MsgBuf::new();
    /// b.put(&[1, 2, 3]);
    /// assert_eq!(b.len(), 3);
    /// ```
    pub fn new() -> Self {
        MsgBuf {
            storage: Storage::Heap(Vec::new()),
            head: 0,
            len: 0,
            reserved: 0,
        }
    }

    /// A heap buffer with room for `capacity` bytes.
    ///
    /// ```
    /// let b = nlwire::MsgBuf::with_capacity(4096);
    /// assert!(b.tailroom() >= 4096);
    /// ```
    pub fn with_capacity(capacity: usize) -> Self {
        MsgBuf {
            storage: Storage::Heap(vec![0; capacity]),
            head: 0,
            len: 0,
            reserved: 0,
        }
    }

    /// A heap buffer with `headroom` bytes reserved in front and `capacity` after.
    ///
    /// ```
    /// let b = nlwire::MsgBuf::with_headroom(1024, 32);
    /// assert_eq!(b.headroom(), 32);
    /// ```
    pub fn with_headroom(capacity: usize, headroom: usize) -> Self {
        MsgBuf {
            storage: Storage::Heap(vec![0; capacity + headroom]),
            head: headroom,
            len: 0,
            reserved: headroom,
        }
    }
}

impl Default for MsgBuf<'static> {
    fn default() -> Self {
        Self::new()
    }
}

impl<'s> MsgBuf<'s> {
    /// A buffer that writes into `stub` until it needs more room, then moves to the heap.
    ///
    /// ```
    /// let mut stub = [0u8; 8];
    /// let mut b = nlwire::MsgBuf::with_stub(&mut stub);
    /// b.put(&[0; 8]);
    /// assert!(!b.is_heap());
    /// b.put(&[1]);
    /// assert!(b.is_heap());
    /// ```
    pub fn with_stub(stub: &'s mut [u8]) -> Self {
        MsgBuf {
            storage: Storage::Stub(stub),
            head: 0,
            len: 0,
            reserved: 0,
        }
    }

    /// Bytes in use.
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when no bytes are in use.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Free bytes in front of the data.
    pub fn headroom(&self) -> usize {
        self.head
    }

    /// Free bytes after the data.
    #[inline]
    pub fn tailroom(&self) -> usize {
        self.capacity() - self.head - self.len
    }

    /// Total storage size.
    #[inline]
    pub fn capacity(&self) -> usize {
        self.storage.bytes().len()
    }

    /// True once the data has moved from the stub to the heap (or started there).
    pub fn is_heap(&self) -> bool {
        matches!(self.storage, Storage::Heap(_))
    }

    /// The bytes in use.
    #[inline]
    pub fn as_slice(&self) -> &[u8] {
        &self.storage.bytes()[self.head..self.head + self.len]
    }

    /// The bytes in use, writable.
    pub fn as_mut_slice(&mut self) -> &mut [u8] {
        let (h, l) = (self.head, self.len);
        &mut self.storage.bytes_mut()[h..h + l]
    }

    /// Bytes `off..off + n` of the data, if they are all in use.
    ///
    /// ```
    /// let mut b = nlwire::MsgBuf::new();
    /// b.put(b"abcdef");
    /// assert_eq!(b.at(2, 3), Some(&b"cde"[..]));
    /// assert_eq!(b.at(4, 3), None);
    /// ```
    pub fn at(&self, off: usize, n: usize) -> Option<&[u8]> {
        let end = off.checked_add(n)?;
        self.as_slice().get(off..end)
    }

    /// Writable bytes `off..off + n` of the data, if they are all in use.
    pub fn at_mut(&mut self, off: usize, n: usize) -> Option<&mut [u8]> {
        let end = off.checked_add(n)?;
        self.as_mut_slice().get_mut(off..end)
    }

    /// Makes the headroom at least `n` bytes, moving the data if needed.
    ///
    /// ```
    /// let mut b = nlwire::MsgBuf::new();
    /// b.reserve_headroom(16);
    /// assert_eq!(b.headroom(), 16);
    /// ```
    pub fn reserve_headroom(&mut self, n: usize) {
        self.reserved = n;
        if self.head >= n {
            return;
        }
        if self.capacity() - self.len >= n {
            self.move_data(n);
        } else {
            self.regrow(n, self.tailroom(), false);
        }
    }

    /// Moves the data so that it starts at `new_head` (which must leave room for it).
    fn move_data(&mut self, new_head: usize) {
        let (h, l) = (self.head, self.len);
        self.storage.bytes_mut().copy_within(h..h + l, new_head);
        self.head = new_head;
    }

    /// Makes the tailroom at least `n` bytes.
    ///
    /// ```
    /// let mut b = nlwire::MsgBuf::new();
    /// b.reserve_tailroom(100);
    /// assert!(b.tailroom() >= 100);
    /// ```
    #[inline]
    pub fn reserve_tailroom(&mut self, n: usize) {
        if self.tailroom() < n {
            self.make_tailroom(n);
        }
    }

    /// The slow half of [`reserve_tailroom`](Self::reserve_tailroom), kept out of line so
    /// the common no-growth path stays a compare and a branch.
    #[cold]
    #[inline(never)]
    fn make_tailroom(&mut self, n: usize) {
        let keep = self.head.min(self.reserved);
        if self.capacity() - self.len >= n + keep && self.head > keep {
            self.move_data(keep);
        } else {
            self.regrow(keep, n, false);
        }
    }

    /// Moves the data to a new heap allocation with at least `headroom` in front and
    /// `tailroom` after it, at least doubling the capacity. With `spread`, half the spare
    /// room goes in front (a buffer growing by `push` then stays amortised).
    fn regrow(&mut self, headroom: usize, tailroom: usize, spread: bool) {
        let need = headroom + self.len + tailroom;
        let cap = need.max(self.capacity().saturating_mul(2)).max(MIN_HEAP);
        let extra_front = (cap - need) / 2;
        let new_head = if spread {
            headroom + extra_front
        } else {
            headroom
        };
        let (h, l) = (self.head, self.len);
        match &mut self.storage {
            Storage::Heap(v) if new_head == h => v.resize(cap, 0),
            _ => {
                let mut v = vec![0u8; cap];
                v[new_head..new_head + l].copy_from_slice(&self.storage.bytes()[h..h + l]);
                self.storage = Storage::Heap(v);
            }
        }
        self.head = new_head;
    }

    /// Appends `n` bytes and returns them without clearing them (they hold whatever the
    /// storage held: the `put_uninit` of this buffer, safe because storage is always
    /// initialised).
    #[inline]
    pub fn put_slot(&mut self, n: usize) -> &mut [u8] {
        self.reserve_tailroom(n);
        let start = self.head + self.len;
        self.len += n;
        &mut self.storage.bytes_mut()[start..start + n]
    }

    /// Appends `n` zero bytes and returns them.
    ///
    /// ```
    /// let mut b = nlwire::MsgBuf::new();
    /// b.put_zeros(3)[0] = 9;
    /// assert_eq!(b.as_slice(), &[9, 0, 0]);
    /// ```
    #[inline]
    pub fn put_zeros(&mut self, n: usize) -> &mut [u8] {
        let s = self.put_slot(n);
        s.fill(0);
        s
    }

    /// Appends a copy of `bytes`.
    #[inline]
    pub fn put(&mut self, bytes: &[u8]) -> &mut [u8] {
        let s = self.put_slot(bytes.len());
        s.copy_from_slice(bytes);
        s
    }

    /// Prepends `n` bytes into the headroom and returns them without clearing them.
    pub fn push_slot(&mut self, n: usize) -> &mut [u8] {
        if self.head < n {
            let free = self.capacity() - self.len;
            if free >= 2 * n {
                self.move_data(n + (free - n) / 2);
            } else {
                self.regrow(n, self.tailroom(), true);
            }
        }
        self.head -= n;
        self.len += n;
        let h = self.head;
        &mut self.storage.bytes_mut()[h..h + n]
    }

    /// Prepends `n` zero bytes.
    pub fn push_zeros(&mut self, n: usize) -> &mut [u8] {
        let s = self.push_slot(n);
        s.fill(0);
        s
    }

    /// Prepends a copy of `bytes`.
    ///
    /// ```
    /// let mut b = nlwire::MsgBuf::new();
    /// b.put(b"world");
    /// b.push(b"hello ");
    /// assert_eq!(b.as_slice(), b"hello world");
    /// ```
    pub fn push(&mut self, bytes: &[u8]) -> &mut [u8] {
        let s = self.push_slot(bytes.len());
        s.copy_from_slice(bytes);
        s
    }

    /// Removes `n` bytes from the front and returns them, or `None` (and changes nothing)
    /// when fewer are in use. The bytes become headroom.
    ///
    /// ```
    /// let mut b = nlwire::MsgBuf::new();
    /// b.put(b"abc");
    /// assert_eq!(b.pull(1), Some(&b"a"[..]));
    /// assert_eq!(b.pull(5), None);
    /// assert_eq!(b.as_slice(), b"bc");
    /// ```
    pub fn pull(&mut self, n: usize) -> Option<&[u8]> {
        if n > self.len {
            return None;
        }
        let h = self.head;
        self.head += n;
        self.len -= n;
        Some(&self.storage.bytes()[h..h + n])
    }

    /// Shortens the data to `n` bytes; longer values change nothing.
    pub fn truncate(&mut self, n: usize) {
        self.len = self.len.min(n);
    }

    /// Empties the buffer, keeping its storage for reuse and restoring the headroom last
    /// asked for with [`reserve_headroom`](Self::reserve_headroom) or
    /// [`with_headroom`](MsgBuf::with_headroom) (so a buffer reused message after message
    /// never moves its body to make room for headers).
    ///
    /// ```
    /// let mut b = nlwire::MsgBuf::with_headroom(64, 16);
    /// b.put(b"body");
    /// b.push(b"hdr");
    /// b.clear();
    /// assert_eq!((b.len(), b.headroom()), (0, 16));
    /// ```
    pub fn clear(&mut self) {
        self.head = self.reserved.min(self.capacity());
        self.len = 0;
    }

    /// Copies the data out into a `Vec`.
    pub fn to_vec(&self) -> Vec<u8> {
        self.as_slice().to_vec()
    }
}

impl AsRef<[u8]> for MsgBuf<'_> {
    fn as_ref(&self) -> &[u8] {
        self.as_slice()
    }
}

impl fmt::Debug for MsgBuf<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MsgBuf")
            .field("len", &self.len)
            .field("headroom", &self.head)
            .field("tailroom", &self.tailroom())
            .field("heap", &self.is_heap())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn put_push_pull_truncate_clear() {
        let mut b = MsgBuf::with_headroom(8, 4);
        b.put(b"1234");
        b.push(b"ab");
        assert_eq!(b.as_slice(), b"ab1234");
        assert_eq!(b.headroom(), 2);
        b.push(b"xyz");
        assert_eq!(b.as_slice(), b"xyzab1234");
        assert_eq!(b.pull(3), Some(&b"xyz"[..]));
        b.truncate(4);
        assert_eq!(b.as_slice(), b"ab12");
        b.truncate(100);
        assert_eq!(b.len(), 4);
        b.clear();
        assert!(b.is_empty());
        assert_eq!(b.headroom(), 4);
    }

    #[test]
    fn stub_moves_to_heap_only_on_growth_and_keeps_data() {
        let mut stub = [0u8; 16];
        let mut b = MsgBuf::with_stub(&mut stub);
        b.reserve_headroom(4);
        b.put(&[7; 12]);
        assert!(!b.is_heap());
        b.push(&[1; 4]);
        assert!(!b.is_heap());
        b.put(&[9]);
        assert!(b.is_heap());
        let mut want = vec![1; 4];
        want.extend([7; 12]);
        want.push(9);
        assert_eq!(b.as_slice(), &want[..]);
    }

    #[test]
    fn growth_is_geometric() {
        let mut b = MsgBuf::new();
        let mut caps = Vec::new();
        for _ in 0..10_000 {
            b.put(&[0]);
            if caps.last() != Some(&b.capacity()) {
                caps.push(b.capacity());
            }
        }
        assert!(caps.len() <= 8, "too many reallocations: {caps:?}");
    }

    #[test]
    fn push_past_headroom_grows_in_front() {
        let mut b = MsgBuf::new();
        b.put(b"tail");
        for _ in 0..100 {
            b.push(b"h");
        }
        assert_eq!(b.len(), 104);
        assert!(b.as_slice().ends_with(b"hhhhtail"));
    }

    #[test]
    fn put_slot_reuses_without_zeroing_but_put_zeros_zeroes() {
        let mut b = MsgBuf::new();
        b.put(&[5; 8]);
        b.clear();
        assert_eq!(b.put_slot(4), &[5; 4]);
        b.clear();
        assert_eq!(b.put_zeros(4), &[0; 4]);
    }

    #[test]
    fn reserve_headroom_moves_existing_data() {
        let mut b = MsgBuf::with_capacity(32);
        b.put(b"data");
        b.reserve_headroom(8);
        assert_eq!(b.headroom(), 8);
        assert_eq!(b.as_slice(), b"data");
        b.reserve_headroom(64);
        assert!(b.headroom() >= 64);
        assert_eq!(b.as_slice(), b"data");
    }

    #[test]
    fn at_is_bounds_checked() {
        let mut b = MsgBuf::new();
        b.put(b"abc");
        assert_eq!(b.at(usize::MAX, 2), None);
        assert_eq!(b.at(3, 0), Some(&b""[..]));
    }
}

#[cfg(test)]
mod reuse_tests {
    use super::*;

    #[test]
    fn regression_fuzz_oom_push_after_clear_doubled_capacity() {
        let mut b = MsgBuf::new();
        b.push(&[1; 100]);
        let cap = b.capacity();
        for _ in 0..100 {
            b.clear();
            b.push(&[2; 100]);
        }
        assert_eq!(b.capacity(), cap);
    }

    #[test]
    fn regression_pull_then_put_queue_grew_without_bound() {
        let mut b = MsgBuf::new();
        for i in 0..10_000u32 {
            b.put(&i.to_ne_bytes());
            if b.len() > 64 {
                b.pull(32);
            }
        }
        assert!(b.capacity() <= 512, "capacity grew to {}", b.capacity());
    }

    #[test]
    fn clear_restores_reserved_headroom() {
        let mut b = MsgBuf::new();
        b.reserve_headroom(16);
        b.put(&[0; 40]);
        b.push(&[0; 16]);
        b.clear();
        assert_eq!(b.headroom(), 16);
    }
}
