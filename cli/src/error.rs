//! The CLI's error type: a message for the user and the process exit code.

use std::fmt;

/// Exit code for a usage or input problem (bad spec, bad JSON, unknown op).
pub const EXIT_USAGE: i32 = 2;
/// Exit code when the kernel rejects a request or a check finds a mismatch.
pub const EXIT_FAILURE: i32 = 1;

/// A failure to report: the text printed after `error: ` and the exit code.
#[derive(Debug)]
pub struct CliError {
    /// What went wrong, ready to print (may span several lines).
    pub message: String,
    /// Process exit code.
    pub code: i32,
}

impl CliError {
    /// A usage or input error (exit code 2).
    pub fn usage(message: impl Into<String>) -> Self {
        CliError {
            message: message.into(),
            code: EXIT_USAGE,
        }
    }

    /// A run-time failure (exit code 1).
    pub fn failure(message: impl Into<String>) -> Self {
        CliError {
            message: message.into(),
            code: EXIT_FAILURE,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CliError {}

impl From<nlwire::Error> for CliError {
    fn from(e: nlwire::Error) -> Self {
        CliError::failure(e.to_string())
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError::failure(e.to_string())
    }
}

/// The CLI's result type.
pub type Result<T, E = CliError> = std::result::Result<T, E>;

/// The text of an errno without Rust's " (os error N)" suffix, e.g. "No such device".
///
/// ```
/// use nlwire_cli::error::strerror;
/// assert_eq!(strerror(19), "No such device");
/// ```
pub fn strerror(errno: i32) -> String {
    let s = std::io::Error::from_raw_os_error(errno).to_string();
    match s.rfind(" (os error ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}
