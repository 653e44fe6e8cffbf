//! The kernel spec conformance corpus: a directory of YNL specs named by
//! `NLWIRE_KERNEL_SPECS` (a kernel tree's `Documentation/netlink/specs`,
//! `/usr/share/ynl/specs`; CI points it at the corpus beside its checkout). Never a build input.

use std::ffi::OsStr;
use std::path::PathBuf;

/// The environment variable naming the corpus directory.
///
/// ```
/// assert_eq!(nlwire_testkit_probe::specs::KERNEL_SPECS_ENV, "NLWIRE_KERNEL_SPECS");
/// ```
pub const KERNEL_SPECS_ENV: &str = "NLWIRE_KERNEL_SPECS";

/// Why a `kernel_specs` test is ignored (the `#[ignore = "..."]` text).
///
/// ```
/// assert!(nlwire_testkit_probe::specs::IGNORE_REASON.contains("NLWIRE_KERNEL_SPECS"));
/// ```
pub const IGNORE_REASON: &str = "kernel spec conformance corpus: set NLWIRE_KERNEL_SPECS to a \
     directory of YNL specs (a kernel tree's Documentation/netlink/specs, /usr/share/ynl/specs) \
     and rebuild";

/// The corpus directory from the variable's value: `Ok(dir)` when it names an existing
/// directory, else why not.
///
/// ```
/// use nlwire_testkit_probe::specs::check_dir;
/// let tmp = std::env::temp_dir();
/// assert_eq!(check_dir(Some(tmp.as_os_str())).unwrap(), tmp);
/// assert!(check_dir(None).unwrap_err().contains("not set"));
/// assert!(check_dir(Some("/nonexistent/specs".as_ref())).unwrap_err().contains("not a directory"));
/// ```
pub fn check_dir(value: Option<&OsStr>) -> Result<PathBuf, String> {
    match value.filter(|v| !v.is_empty()) {
        None => Err(format!("{KERNEL_SPECS_ENV} is not set")),
        Some(v) => {
            let dir = PathBuf::from(v);
            if dir.is_dir() {
                Ok(dir)
            } else {
                Err(format!(
                    "{KERNEL_SPECS_ENV}={} is not a directory",
                    dir.display()
                ))
            }
        }
    }
}

/// [`check_dir`] on this process's `NLWIRE_KERNEL_SPECS`.
///
/// ```
/// match nlwire_testkit_probe::specs::from_env() {
///     Ok(dir) => println!("kernel specs in {}", dir.display()),
///     Err(why) => println!("no corpus: {why}"),
/// }
/// ```
pub fn from_env() -> Result<PathBuf, String> {
    check_dir(std::env::var_os(KERNEL_SPECS_ENV).as_deref())
}
