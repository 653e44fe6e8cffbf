//! stub
use crate::error::{CliError, Result};
#[allow(missing_docs)]
pub fn run(_a: &crate::args::DecodeArgs) -> Result<()> {
    Err(CliError::failure("not yet"))
}
