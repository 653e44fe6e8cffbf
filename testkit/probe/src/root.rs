//! Root detection: the effective uid, read from `/proc/self/status` (no libc call).

/// Why a root test is ignored (the `#[ignore = "..."]` text): what is missing, then how to
/// run it.
///
/// ```
/// assert!(nlwire_testkit_probe::root::IGNORE_REASON.starts_with("needs root"));
/// ```
pub const IGNORE_REASON: &str =
    "needs root (network namespaces, CAP_NET_ADMIN); run the tests as root";

/// The effective uid in the text of `/proc/<pid>/status` (the second number of its
/// `Uid:` line), or `None` when there is no such line.
///
/// ```
/// use nlwire_testkit_probe::root::euid_from_status;
/// let status = "Name:\tcargo\nUid:\t1000\t0\t1000\t1000\nGid:\t1000\t1000\t1000\t1000\n";
/// assert_eq!(euid_from_status(status), Some(0));
/// assert_eq!(euid_from_status("Name:\tx\n"), None);
/// ```
pub fn euid_from_status(status: &str) -> Option<u32> {
    status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|u| u.parse::<u32>().ok())
}

/// This process's effective uid, or `None` when `/proc/self/status` cannot be read.
///
/// ```
/// if let Some(uid) = nlwire_testkit_probe::root::effective_uid() {
///     println!("running as uid {uid}");
/// }
/// ```
pub fn effective_uid() -> Option<u32> {
    euid_from_status(&std::fs::read_to_string("/proc/self/status").ok()?)
}

/// True when the effective uid is 0.
///
/// ```
/// if !nlwire_testkit_probe::root::is_root() {
///     println!("network namespace tests need root");
/// }
/// ```
pub fn is_root() -> bool {
    effective_uid() == Some(0)
}

/// How the effective uid reads in a message: `uid 1000`, or `an unknown uid`.
///
/// ```
/// use nlwire_testkit_probe::root::describe_uid;
/// assert_eq!(describe_uid(Some(1000)), "uid 1000");
/// assert_eq!(describe_uid(None), "an unknown uid (/proc/self/status unreadable)");
/// ```
pub fn describe_uid(euid: Option<u32>) -> String {
    match euid {
        Some(u) => format!("uid {u}"),
        None => "an unknown uid (/proc/self/status unreadable)".to_string(),
    }
}
