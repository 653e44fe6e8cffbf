//! Per-file report over the kernel spec conformance corpus (the directory named by
//! `NLWIRE_KERNEL_SPECS`; ignored without it): each file loads and checks (IR), generates
//! code that parses as Rust, and has a module in `nlwire_schema_compile_tests::kernel` (which
//! `build.rs` writes when the variable is set, so rustc and the derives compiled it when this
//! crate was built). A file that fails any step fails the test; a file without a module fails
//! it too, so a spec added to the directory cannot be skipped silently.

mod report;

use std::path::{Path, PathBuf};

/// The corpus directory and the (file, module) pairs this crate was compiled with.
#[cfg(nlwire_kernel_specs)]
fn compiled() -> Option<(&'static str, &'static [(&'static str, &'static str)])> {
    use nlwire_schema_compile_tests::kernel;
    Some((kernel::DIR, kernel::FILES))
}

#[cfg(not(nlwire_kernel_specs))]
fn compiled() -> Option<(&'static str, &'static [(&'static str, &'static str)])> {
    None
}

fn canonical(p: &Path) -> PathBuf {
    p.canonicalize().unwrap_or_else(|_| p.to_owned())
}

#[nlwire_testkit::test(kernel_specs)]
fn every_kernel_spec_checks_generates_and_compiles() {
    let dir = nlwire_testkit::kernel_specs_dir();
    let Some((built_dir, modules)) = compiled() else {
        panic!(
            "this crate was built without the kernel spec corpus (build.rs found no directory \
             in NLWIRE_KERNEL_SPECS); rebuild it with NLWIRE_KERNEL_SPECS={}",
            dir.display()
        );
    };
    assert_eq!(
        canonical(&dir),
        canonical(Path::new(built_dir)),
        "the corpus the crate was built with is not the one the test runs with"
    );
    let files = report::yaml_files(&dir);
    assert!(!files.is_empty(), "no spec files in {}", dir.display());
    report::check_all(&files, |path| {
        let file = path.file_name().unwrap().to_string_lossy();
        modules
            .iter()
            .find(|(f, _)| *f == file)
            .map(|(_, m)| format!("kernel::{m}"))
            .ok_or_else(|| "no module in the build (rebuild: the directory changed)".into())
    });
}
