//! Per-file report over the in-repo specs: the project's (`schemas/specs/`) and the test specs
//! (`schemas/tests/specs/`). Each loads and checks, generates code that parses, and has a
//! module in `src/lib.rs`.

mod report;

use std::path::Path;

/// The module of `src/lib.rs` that compiles `<dir>/<file>` (`dir` as the path is written
/// there, from this crate's directory).
fn module_in_lib(dir: &str, path: &Path) -> Result<String, String> {
    let lib = include_str!("../src/lib.rs");
    let file = path.file_name().unwrap().to_string_lossy();
    let invocation = format!("nlwire::schema!(\"{dir}/{file}\");");
    let at = lib
        .find(&invocation)
        .ok_or_else(|| format!("no `{invocation}` in src/lib.rs"))?;
    let module = lib[..at]
        .rsplit_once("pub mod ")
        .and_then(|(_, m)| m.split_once(' '))
        .map(|(m, _)| m.to_owned())
        .ok_or("no module around it")?;
    Ok(module)
}

#[test]
fn every_project_spec_checks_generates_and_compiles() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let files = report::yaml_files(&dir);
    assert!(files.len() >= 7, "{} project specs", files.len());
    report::check_all(&files, |p| module_in_lib("../specs", p));
}

#[test]
fn every_test_spec_checks_generates_and_compiles() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/specs");
    let files = report::yaml_files(&dir);
    assert!(files.len() >= 4, "{} test specs", files.len());
    report::check_all(&files, |p| module_in_lib("../tests/specs", p));
}
