/// xorshift64*: a deterministic generator, so property and hostile-input tests check the
/// same inputs on every run without a crate. Not for anything but tests.
///
/// The sequence for a seed is fixed (the tests' expectations and regression seeds rely on
/// it): each step is `x ^= x >> 12; x ^= x << 25; x ^= x >> 27`, and the output is
/// `x * 0x2545_f491_4f6c_dd1d`.
///
/// ```
/// use nlwire_testkit::XorShift;
/// let mut a = XorShift::new(7);
/// let mut b = XorShift::new(7);
/// assert_eq!(a.next_u64(), b.next_u64());
/// // Bytes for `arbitrary::Unstructured`: 16 to 1515 of them.
/// let len = 16 + a.below(1500);
/// let bytes = a.bytes(len);
/// assert!((16..1516).contains(&bytes.len()));
/// ```
#[derive(Debug, Clone)]
pub struct XorShift {
    state: u64,
}

impl XorShift {
    /// A generator seeded with `seed`.
    ///
    /// # Panics
    /// If `seed` is 0 (xorshift's fixed point: it would yield 0 forever).
    ///
    /// ```
    /// let rng = nlwire_testkit::XorShift::new(0x9e37_79b9_7f4a_7c15);
    /// # let _ = rng;
    /// ```
    pub fn new(seed: u64) -> Self {
        assert_ne!(seed, 0, "xorshift needs a non-zero seed");
        XorShift { state: seed }
    }

    /// The next 64 random bits.
    ///
    /// ```
    /// let mut rng = nlwire_testkit::XorShift::new(1);
    /// assert_ne!(rng.next_u64(), rng.next_u64());
    /// ```
    pub fn next_u64(&mut self) -> u64 {
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        self.state.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n` (`next_u64() % n`; 0 when `n` is 0).
    ///
    /// ```
    /// let mut rng = nlwire_testkit::XorShift::new(1);
    /// assert!(rng.below(10) < 10);
    /// assert_eq!(rng.below(0), 0);
    /// ```
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// One byte (the low byte of [`next_u64`](Self::next_u64)).
    ///
    /// ```
    /// let mut rng = nlwire_testkit::XorShift::new(1);
    /// let _b: u8 = rng.byte();
    /// ```
    pub fn byte(&mut self) -> u8 {
        self.next_u64() as u8
    }

    /// `len` bytes, one [`byte`](Self::byte) each.
    ///
    /// ```
    /// let mut rng = nlwire_testkit::XorShift::new(1);
    /// assert_eq!(rng.bytes(5).len(), 5);
    /// ```
    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.byte()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_sequence_as_the_copies_it_replaces() {
        // The generator the tests used before (xorshift64* on a bare u64).
        let mut state = 0x5eed_f10a_u64;
        let mut old = || {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            state.wrapping_mul(0x2545_f491_4f6c_dd1d)
        };
        let mut rng = XorShift::new(0x5eed_f10a);
        for _ in 0..1000 {
            assert_eq!(rng.next_u64(), old());
        }
    }

    #[test]
    #[should_panic(expected = "non-zero seed")]
    fn zero_seed_is_refused() {
        XorShift::new(0);
    }
}
