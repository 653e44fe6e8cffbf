//! A counting global allocator: forwards to [`System`] and tallies, **per thread**, the
//! allocations (`alloc`, `alloc_zeroed` and `realloc` each count one) and the live heap
//! bytes with their peak. Per thread, so the test harness's own threads, which allocate at
//! times of their choosing, do not disturb a count.
//!
//! A test binary installs it once:
//!
//! ```
//! use nlwire_testkit::alloc::{CountingAlloc, allocations_in};
//!
//! #[global_allocator]
//! static ALLOC: CountingAlloc = CountingAlloc;
//!
//! # fn main() {
//! let v: Vec<u8> = Vec::with_capacity(64);
//! assert_eq!(allocations_in(|| assert_eq!(v.capacity(), 64)), 0);
//! assert_eq!(allocations_in(|| drop(vec![1u8; 10])), 1);
//! # }
//! ```
//!
//! The counting functions panic when [`CountingAlloc`] is not the binary's global allocator
//! (a count of 0 would then prove nothing).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};

/// The allocator; install it with `#[global_allocator]` (see the [module](self) docs).
#[derive(Debug, Default, Clone, Copy)]
pub struct CountingAlloc;

thread_local! {
    // Const-initialised, no destructor: safe to touch from inside the allocator.
    static ALLOCS: Cell<usize> = const { Cell::new(0) };
    static LIVE: Cell<usize> = const { Cell::new(0) };
    static PEAK: Cell<usize> = const { Cell::new(0) };
}

/// Set by the first allocation through [`CountingAlloc`].
static INSTALLED: AtomicBool = AtomicBool::new(false);

fn note_alloc(size: usize) {
    if !INSTALLED.load(Ordering::Relaxed) {
        INSTALLED.store(true, Ordering::Relaxed);
    }
    // `try_with`: a thread being torn down may still allocate; it is just not counted.
    let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
    let _ = LIVE.try_with(|l| {
        let live = l.get() + size;
        l.set(live);
        let _ = PEAK.try_with(|p| p.set(p.get().max(live)));
    });
}

fn note_free(size: usize) {
    let _ = LIVE.try_with(|l| l.set(l.get().saturating_sub(size)));
}

// SAFETY: forwards every call to the system allocator with the caller's arguments; the
// bookkeeping touches only const-initialised thread-locals and an atomic, never the heap.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note_alloc(layout.size());
        // SAFETY: same contract as ours.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note_alloc(layout.size());
        // SAFETY: same contract as ours.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        note_free(layout.size());
        // SAFETY: `ptr` came from `System` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // Counted as a new block before the old one is freed, as the default `realloc`
        // (alloc, copy, dealloc) would: the peak is an upper bound.
        note_alloc(new_size);
        note_free(layout.size());
        // SAFETY: same contract as ours.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

fn assert_installed() {
    if INSTALLED.load(Ordering::Relaxed) {
        return;
    }
    // Anything allocated through it sets the flag (the harness has allocated long before a
    // test runs; this makes sure). Only until the first success, so it is never counted.
    drop(std::hint::black_box(Box::new(0u64)));
    assert!(
        INSTALLED.load(Ordering::Relaxed),
        "nlwire_testkit::alloc::CountingAlloc is not this binary's allocator: add \
         `#[global_allocator] static ALLOC: nlwire_testkit::alloc::CountingAlloc = \
         nlwire_testkit::alloc::CountingAlloc;` to the test file"
    );
}

/// How many allocations this thread has made so far: read it at two points and subtract
/// to count what happened in between.
///
/// # Panics
/// When [`CountingAlloc`] is not the global allocator.
///
/// ```
/// # #[global_allocator]
/// # static ALLOC: nlwire_testkit::alloc::CountingAlloc = nlwire_testkit::alloc::CountingAlloc;
/// # fn main() {
/// use nlwire_testkit::alloc::thread_allocations;
/// let before = thread_allocations();
/// let s = String::from("on the heap");
/// assert_eq!(thread_allocations() - before, 1);
/// # drop(s);
/// # }
/// ```
pub fn thread_allocations() -> usize {
    assert_installed();
    ALLOCS.with(Cell::get)
}

/// How many allocations this thread made while running `f`.
///
/// # Panics
/// When [`CountingAlloc`] is not the global allocator.
///
/// ```
/// # #[global_allocator]
/// # static ALLOC: nlwire_testkit::alloc::CountingAlloc = nlwire_testkit::alloc::CountingAlloc;
/// # fn main() {
/// let mut buf = Vec::with_capacity(16);
/// let n = nlwire_testkit::alloc::allocations_in(|| buf.extend_from_slice(b"fits"));
/// assert_eq!(n, 0);
/// # }
/// ```
pub fn allocations_in(f: impl FnOnce()) -> usize {
    measure(f).1.allocs
}

/// What [`measure`] saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Usage {
    /// Allocations made by this thread.
    pub allocs: usize,
    /// Most heap bytes this thread had live at once during the call, above what was live
    /// before it.
    pub peak_bytes: usize,
}

/// Runs `f` and returns its result with this thread's allocations and peak heap growth
/// during the call.
///
/// # Panics
/// When [`CountingAlloc`] is not the global allocator.
///
/// ```
/// # #[global_allocator]
/// # static ALLOC: nlwire_testkit::alloc::CountingAlloc = nlwire_testkit::alloc::CountingAlloc;
/// # fn main() {
/// let (len, u) = nlwire_testkit::alloc::measure(|| vec![0u8; 4096].len());
/// assert_eq!((len, u.allocs), (4096, 1));
/// assert!(u.peak_bytes >= 4096);
/// # }
/// ```
pub fn measure<T>(f: impl FnOnce() -> T) -> (T, Usage) {
    assert_installed();
    let allocs = ALLOCS.with(Cell::get);
    let live = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(live));
    let r = f();
    let usage = Usage {
        allocs: ALLOCS.with(Cell::get) - allocs,
        peak_bytes: PEAK.with(Cell::get).saturating_sub(live),
    };
    (r, usage)
}
