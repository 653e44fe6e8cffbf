//! `nlwire gen`: print the Rust code the schema compiler generates for a spec (the same
//! annotated structs, enums and messages the `schema!` macro and build scripts produce).

use nlwire_schema::codegen::{Options, to_string_with};

use crate::args::GenArgs;
use crate::error::{CliError, Result};
use crate::output::emit;
use crate::specs::{resolve, search_dirs};

/// Loads the spec (schema errors come with file and line) and prints its generated code.
pub fn run(a: &GenArgs) -> Result<()> {
    let fam = resolve(&a.file, &search_dirs(&a.dirs.spec_dirs))?;
    let mut opts = Options::new();
    if let Some(p) = &a.crate_path {
        opts = opts.crate_path(p.clone());
    }
    for s in &a.list_sets {
        opts = opts.list_set(s.clone());
    }
    let code = to_string_with(&fam, &opts)
        .map_err(|e| CliError::usage(format!("cannot generate code for {}: {e}", fam.name)))?;
    emit(code.trim_end());
    Ok(())
}
