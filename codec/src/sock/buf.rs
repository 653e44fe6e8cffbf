//! Growable receive buffers.

/// A growable receive buffer: received datagrams are appended to it, and replies are
/// views into it. Its storage is kept when it is cleared, so a buffer that has seen its
/// largest datagram no longer allocates.
///
/// ```
/// let mut b = nlwire::sock::RecvBuf::with_capacity(64);
/// assert_eq!((b.len(), b.capacity()), (0, 64));
/// b.extend_from_slice(&[1, 2, 3]);
/// assert_eq!(b.as_slice(), &[1, 2, 3]);
/// b.clear();
/// assert!(b.is_empty() && b.capacity() >= 64);
/// ```
#[derive(Clone, Default)]
pub struct RecvBuf {
    /// Initialised storage; `storage.len()` is the capacity.
    storage: Vec<u8>,
    len: usize,
}

impl RecvBuf {
    /// An empty buffer that allocates on first use.
    ///
    /// ```
    /// let b = nlwire::sock::RecvBuf::new();
    /// assert_eq!(b.capacity(), 0);
    /// ```
    pub const fn new() -> Self {
        RecvBuf {
            storage: Vec::new(),
            len: 0,
        }
    }

    /// A buffer with room for `capacity` bytes before its first growth.
    ///
    /// ```
    /// assert_eq!(nlwire::sock::RecvBuf::with_capacity(128).capacity(), 128);
    /// ```
    pub fn with_capacity(capacity: usize) -> Self {
        RecvBuf {
            storage: vec![0; capacity],
            len: 0,
        }
    }

    /// The bytes received.
    ///
    /// ```
    /// let mut b = nlwire::sock::RecvBuf::new();
    /// b.extend_from_slice(b"abc");
    /// assert_eq!(b.as_slice(), b"abc");
    /// ```
    pub fn as_slice(&self) -> &[u8] {
        &self.storage[..self.len]
    }

    /// Bytes in use.
    ///
    /// ```
    /// let mut b = nlwire::sock::RecvBuf::with_capacity(8);
    /// b.extend_from_slice(&[1, 2]);
    /// assert_eq!(b.len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when nothing is held.
    ///
    /// ```
    /// assert!(nlwire::sock::RecvBuf::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes the buffer can hold before it grows.
    ///
    /// ```
    /// let mut b = nlwire::sock::RecvBuf::with_capacity(4);
    /// b.extend_from_slice(&[0; 5]);
    /// assert!(b.capacity() >= 8); // grows geometrically
    /// ```
    pub fn capacity(&self) -> usize {
        self.storage.len()
    }

    /// Forgets the contents, keeping the storage.
    ///
    /// ```
    /// let mut b = nlwire::sock::RecvBuf::new();
    /// b.extend_from_slice(&[1]);
    /// b.clear();
    /// assert!(b.is_empty() && b.capacity() > 0);
    /// ```
    pub fn clear(&mut self) {
        self.len = 0;
    }

    /// Makes room for at least `n` bytes in total (no effect if it has them).
    ///
    /// ```
    /// let mut b = nlwire::sock::RecvBuf::new();
    /// b.reserve_total(4096);
    /// assert_eq!(b.capacity(), 4096);
    /// ```
    pub fn reserve_total(&mut self, n: usize) {
        if self.storage.len() < n {
            self.storage.resize(n, 0);
        }
    }

    /// Appends a copy of `bytes`, growing geometrically.
    ///
    /// ```
    /// let mut b = nlwire::sock::RecvBuf::new();
    /// b.extend_from_slice(b"ab");
    /// b.extend_from_slice(b"cd");
    /// assert_eq!(b.as_slice(), b"abcd");
    /// ```
    pub fn extend_from_slice(&mut self, bytes: &[u8]) {
        let need = self.len + bytes.len();
        if need > self.storage.len() {
            let cap = need.max(self.storage.len() * 2);
            self.storage.resize(cap, 0);
        }
        self.storage[self.len..need].copy_from_slice(bytes);
        self.len = need;
    }

    /// Shortens the contents to `n` bytes.
    pub(crate) fn truncate(&mut self, n: usize) {
        self.len = self.len.min(n);
    }

    /// The free storage after the contents.
    pub(crate) fn spare_mut(&mut self) -> &mut [u8] {
        &mut self.storage[self.len..]
    }

    /// Marks `n` more bytes of the spare storage as received.
    pub(crate) fn commit(&mut self, n: usize) {
        self.len = (self.len + n).min(self.storage.len());
    }
}

impl core::fmt::Debug for RecvBuf {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RecvBuf")
            .field("len", &self.len)
            .field("capacity", &self.capacity())
            .finish()
    }
}

impl AsRef<[u8]> for RecvBuf {
    fn as_ref(&self) -> &[u8] {
        self.as_slice()
    }
}
