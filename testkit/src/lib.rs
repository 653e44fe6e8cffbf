//! # nlwire-testkit — the helpers nlwire's tests share (dev-only, never published)
//!
//! - [`test`]: `#[nlwire_testkit::test(root)]`, `(vm)`, `(kernel_specs)` (combinable): a
//!   `#[test]` that libtest reports as `ignored, <reason>` when the machine that compiles
//!   the test crate lacks root, the qemu VM or the kernel spec corpus;
//! - [`XorShift`]: a deterministic generator (xorshift64*) for property and hostile-input
//!   tests;
//! - [`alloc`]: a counting global allocator and ways to count a closure's allocations;
//! - root detection ([`is_root`], [`require_root`]) and [`netns`]: a test in a fresh network
//!   namespace;
//! - [`kernel_specs_dir`]: where the kernel's YNL specs are, for `kernel_specs` tests.
//!
//! Add it as a path-only dev-dependency (`nlwire-testkit = { path = "../testkit" }`):
//! `cargo package` strips those, so published crates do not depend on it.
//!
//! ```
//! let mut rng = nlwire_testkit::XorShift::new(42);
//! let n = 16 + rng.below(100);
//! assert_eq!(rng.bytes(n).len(), n);
//! ```

pub mod alloc;
pub mod netns;
mod rng;

use std::path::PathBuf;

pub use nlwire_testkit_macros::test;
pub use nlwire_testkit_probe::specs::KERNEL_SPECS_ENV;
pub use nlwire_testkit_probe::{REQUIRE_ROOT_ENV, REQUIRE_VM_ENV};
pub use rng::XorShift;

/// True when the effective uid is 0 (read from `/proc/self/status`).
///
/// ```
/// if !nlwire_testkit::is_root() {
///     println!("not root: the netns tests are ignored");
/// }
/// ```
pub fn is_root() -> bool {
    nlwire_testkit_probe::root::is_root()
}

/// This process's effective uid (`None` if `/proc/self/status` cannot be read).
///
/// ```
/// let uid = nlwire_testkit::effective_uid();
/// assert_eq!(uid == Some(0), nlwire_testkit::is_root());
/// ```
pub fn effective_uid() -> Option<u32> {
    nlwire_testkit_probe::root::effective_uid()
}

/// Panics, naming `what`, unless running as root. For a test that is root-only in part:
/// the whole-test form is `#[nlwire_testkit::test(root)]`, which checks this for you.
///
/// ```no_run
/// nlwire_testkit::require_root("creating a network namespace");
/// ```
pub fn require_root(what: &str) {
    let euid = effective_uid();
    if euid != Some(0) {
        panic!(
            "{what} needs root (network namespaces, CAP_SYS_ADMIN/CAP_NET_ADMIN) but runs as {}.\n\
             fix: run the tests as root.",
            nlwire_testkit_probe::root::describe_uid(euid)
        );
    }
}

/// The kernel spec corpus directory, from `NLWIRE_KERNEL_SPECS` at run time. For tests
/// marked `#[nlwire_testkit::test(kernel_specs)]`, which are ignored unless the variable
/// named a directory when they were built.
///
/// # Panics
/// When the variable is unset or does not name a directory (run the test with the same
/// `NLWIRE_KERNEL_SPECS` it was built with).
///
/// ```no_run
/// #[nlwire_testkit::test(kernel_specs)]
/// fn every_kernel_spec_loads() {
///     for e in std::fs::read_dir(nlwire_testkit::kernel_specs_dir()).unwrap() {
///         let _path = e.unwrap().path();
///     }
/// }
/// ```
pub fn kernel_specs_dir() -> PathBuf {
    nlwire_testkit_probe::specs::from_env().unwrap_or_else(|why| {
        panic!(
            "{why}: this test needs the kernel spec conformance corpus; set {KERNEL_SPECS_ENV} \
             to a directory of YNL specs (a kernel tree's Documentation/netlink/specs, \
             /usr/share/ynl/specs) when building and running it"
        )
    })
}

/// What `#[nlwire_testkit::test]` expands to calls; not an API.
#[doc(hidden)]
pub mod __private {
    /// A `root` test that was not ignored: it was built as root or with
    /// `NLWIRE_REQUIRE_ROOT=1`.
    pub fn require_root(test: &str) {
        let euid = super::effective_uid();
        if euid != Some(0) {
            panic!(
                "{test} needs root (network namespaces, CAP_SYS_ADMIN/CAP_NET_ADMIN) but runs as {}.\n\
                 fix: run the tests as root. (It is not ignored because its crate was built as \
                 root or with {}=1; `cargo clean -p <crate>` makes the next build probe again.)",
                nlwire_testkit_probe::root::describe_uid(euid),
                super::REQUIRE_ROOT_ENV,
            );
        }
    }

    /// A `kernel_specs` test that was not ignored.
    pub fn require_kernel_specs(test: &str) {
        if let Err(why) = nlwire_testkit_probe::specs::from_env() {
            panic!(
                "{test}: {why}, but the test was built with it: run it with the same {} \
                 (a directory of YNL specs)",
                super::KERNEL_SPECS_ENV
            );
        }
    }
}
