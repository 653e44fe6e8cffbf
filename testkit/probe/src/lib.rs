//! # nlwire-testkit-probe — what a test needs from the machine, probed without side effects
//!
//! One place for the questions "am I root?", "can the qemu VM run here?" and "is there a
//! kernel spec corpus?". Three users ask them:
//!
//! - `nlwire-testkit-macros` at **build** time, to decide whether
//!   `#[nlwire_testkit::test(root | vm | kernel_specs)]` emits `#[ignore = "..."]`;
//! - `nlwire-testkit` at **run** time, to fail a test that was not ignored but whose
//!   requirement is missing;
//! - the VM harness (`nlwire-vm`), whose `VmConfig::check` is [`vm::Prerequisites::check`].
//!
//! Std only and free of side effects (files are looked at, never written or run), so a
//! proc-macro can call it cheaply.
//!
//! ```
//! use nlwire_testkit_probe as probe;
//! if !probe::root::is_root() {
//!     println!("not root: {}", probe::root::IGNORE_REASON);
//! }
//! if let Err(missing) = probe::vm::Prerequisites::from_env().check() {
//!     println!("no VM here: {missing}");
//! }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod root;
pub mod specs;
pub mod vm;

/// When `1` at build time, `#[nlwire_testkit::test(root)]` is never ignored: a test run
/// without root fails (CI sets it).
///
/// ```
/// assert_eq!(nlwire_testkit_probe::REQUIRE_ROOT_ENV, "NLWIRE_REQUIRE_ROOT");
/// ```
pub const REQUIRE_ROOT_ENV: &str = "NLWIRE_REQUIRE_ROOT";

/// When `1` at build time, `#[nlwire_testkit::test(vm)]` is never ignored, and at run time
/// a missing VM prerequisite fails the test (CI sets it).
///
/// ```
/// assert_eq!(nlwire_testkit_probe::REQUIRE_VM_ENV, "NLWIRE_REQUIRE_VM");
/// ```
pub const REQUIRE_VM_ENV: &str = "NLWIRE_REQUIRE_VM";

/// Set to `1` in the VM guest's environment by the VM harness.
///
/// ```
/// assert_eq!(nlwire_testkit_probe::IN_VM_ENV, "NLWIRE_IN_VM");
/// ```
pub const IN_VM_ENV: &str = "NLWIRE_IN_VM";

/// True when an environment variable's value means "required": `1` (surrounding spaces
/// allowed). Anything else, or unset, is false.
///
/// ```
/// use nlwire_testkit_probe::is_one;
/// assert!(is_one(Some("1")) && is_one(Some(" 1\n")));
/// assert!(!is_one(Some("0")) && !is_one(Some("yes")) && !is_one(None));
/// ```
pub fn is_one(value: Option<&str>) -> bool {
    value.is_some_and(|v| v.trim() == "1")
}

/// True when the environment variable `name` is `1` in this process (see [`is_one`]).
///
/// ```
/// let ci = nlwire_testkit_probe::env_is_one(nlwire_testkit_probe::REQUIRE_VM_ENV);
/// # let _ = ci;
/// ```
pub fn env_is_one(name: &str) -> bool {
    is_one(std::env::var(name).ok().as_deref())
}
