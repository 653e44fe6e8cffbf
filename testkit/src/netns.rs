//! Test network namespaces, made by `unshare(CLONE_NEWNET)`: nothing is named or mounted,
//! so there is nothing to clean up. A namespace lives as long as a thread is in it or a
//! socket opened in it is open, and disappears with the last of them.
//!
//! - [`in_new_netns`]: create, enter and (on return) drop a namespace around a closure,
//!   in a thread of its own; what the closure opens lives in the namespace;
//! - [`enter_new_netns`]: move the calling thread into a new namespace (for a second
//!   namespace inside a test, or a helper thread);
//! - [`command`]: a child process in a new namespace (`unshare -n`).
//!
//! All need root (CAP_SYS_ADMIN): mark the test `#[nlwire_testkit::test(root)]`.
//!
//! ```no_run
//! #[nlwire_testkit::test(root)]
//! fn bridge_in_a_fresh_netns() {
//!     let links = nlwire_testkit::netns::in_new_netns(|| {
//!         // Sockets opened here see only this namespace's links (just `lo`).
//!         std::fs::read_dir("/sys/class/net").unwrap().count()
//!     });
//!     assert!(links >= 1);
//! }
//! ```

use std::process::Command;

/// Runs `f` in a new thread inside a new network namespace and returns what it returns.
/// The namespace goes away when the thread ends and the sockets it opened are closed. A
/// panic in `f` is passed on unchanged.
///
/// # Panics
/// When the namespace cannot be made (not root), or when `f` panics.
///
/// ```no_run
/// let lo_only = nlwire_testkit::netns::in_new_netns(|| {
///     std::fs::read_dir("/sys/class/net").unwrap().count() == 1
/// });
/// # let _ = lo_only;
/// ```
pub fn in_new_netns<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    std::thread::scope(|s| {
        s.spawn(|| {
            enter_new_netns();
            f()
        })
        .join()
        .unwrap_or_else(|payload| std::panic::resume_unwind(payload))
    })
}

/// Moves the calling thread (only it: threads it spawns afterwards inherit the namespace)
/// into a new network namespace. Use it in a thread of its own: the thread cannot go back.
///
/// # Panics
/// When `unshare(CLONE_NEWNET)` fails (not root: CAP_SYS_ADMIN is needed).
///
/// ```no_run
/// std::thread::spawn(|| {
///     nlwire_testkit::netns::enter_new_netns();
///     // this thread is now alone in a fresh namespace
/// })
/// .join()
/// .unwrap();
/// ```
pub fn enter_new_netns() {
    // SAFETY: CLONE_NEWNET changes only this thread's network namespace; no descriptor
    // table is unshared, so no thread can observe a descriptor from another table.
    unsafe { rustix::thread::unshare_unsafe(rustix::thread::UnshareFlags::NEWNET) }.unwrap_or_else(
        |e| {
            panic!(
                "unshare(CLONE_NEWNET): {e}; creating a network namespace needs root \
                 (CAP_SYS_ADMIN): run the tests as root"
            )
        },
    );
}

/// A command that runs `program` in a new network namespace of its own (`unshare -n
/// program`, util-linux). Add arguments and run it as usual.
///
/// ```no_run
/// let out = nlwire_testkit::netns::command("ip").args(["link", "show"]).output().unwrap();
/// assert!(String::from_utf8_lossy(&out.stdout).contains("lo"));
/// ```
pub fn command(program: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut c = Command::new("unshare");
    c.arg("-n").arg(program);
    c
}
