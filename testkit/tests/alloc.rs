//! The counting allocator, installed as a test binary installs it.

use std::sync::atomic::{AtomicUsize, Ordering};

use nlwire_testkit::alloc::{CountingAlloc, allocations_in, measure, thread_allocations};

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

#[test]
fn counts_this_threads_allocations() {
    assert_eq!(allocations_in(|| drop(Box::new(1u32))), 1);
    assert_eq!(allocations_in(|| ()), 0);
    let mut v: Vec<u8> = Vec::with_capacity(1);
    // A growing Vec reallocates: each realloc counts one.
    let n = allocations_in(|| v.extend_from_slice(&[0; 100]));
    assert_eq!(n, 1);
    // Another thread's allocations are not counted (handshake by atomics: no allocation).
    let step = AtomicUsize::new(0);
    std::thread::scope(|s| {
        s.spawn(|| {
            while step.load(Ordering::SeqCst) != 1 {
                std::thread::yield_now();
            }
            drop(std::hint::black_box(vec![0u8; 100]));
            step.store(2, Ordering::SeqCst);
        });
        let n = allocations_in(|| {
            step.store(1, Ordering::SeqCst);
            while step.load(Ordering::SeqCst) != 2 {
                std::thread::yield_now();
            }
        });
        assert_eq!(n, 0);
    });
}

#[test]
fn between_two_points() {
    let before = thread_allocations();
    let s = String::from("x");
    let v = vec![1u64; 3];
    assert_eq!(thread_allocations() - before, 2);
    drop((s, v));
}

#[test]
fn peak_is_what_was_live_at_once() {
    let ((), u) = measure(|| {
        let a = vec![0u8; 1000];
        let b = vec![0u8; 2000];
        drop((a, b));
        let c = vec![0u8; 500];
        drop(c);
    });
    assert_eq!(u.allocs, 3);
    assert!(u.peak_bytes >= 3000 && u.peak_bytes < 3500, "{u:?}");
}
