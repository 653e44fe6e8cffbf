//! The subcommands, one module each.

pub mod decode;
pub mod families;
pub mod generate;
pub mod monitor;
pub mod policy;
pub mod request;
pub mod specs;
