//! The `nlwire` command-line tool as a library: the binary (`src/main.rs`) parses the
//! arguments and runs a subcommand from [`cmd`]; the capture reader ([`capture`]) and
//! the capture decoder ([`cmd::decode::Decoder`]) are also driven by the fuzz targets.
//!
//! The run-time codec that turns JSON into attributes and back from a schema IR lives
//! in [`codec`].
//!
//! ```
//! use nlwire_cli::capture::{CaptureError, records};
//! assert_eq!(records(b"not a capture").unwrap_err(), CaptureError::TooShort { len: 13 });
//! ```
#![forbid(unsafe_code)]

pub mod args;
pub mod capture;
pub mod cmd;
pub mod codec;
pub mod error;
pub mod extack;
pub mod genl;
pub mod kpolicy;
pub mod net;
pub mod output;
pub mod specs;
pub mod tree;
