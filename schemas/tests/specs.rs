//! Every spec file loads and checks without error: the project's specs (`specs/`), the test
//! specs (`tests/specs/`) and, opt-in, the kernel's own specs (the conformance corpus in the
//! directory named by `NLWIRE_KERNEL_SPECS`).

use std::path::{Path, PathBuf};

fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

/// Loads every file, prints one status line per file, and lists every failure.
fn load_all(files: &[PathBuf]) -> Vec<String> {
    let mut failures = Vec::new();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        match nlwire_schema::load(path) {
            Ok(f) => {
                let attrs: usize = f.attr_sets.iter().map(|s| s.attrs.len()).sum();
                println!(
                    "ok   {name}: {} ({}), {} definitions, {} sets, {attrs} attributes, {} sub-messages, {} ops",
                    f.name,
                    f.protocol.as_str(),
                    f.definitions.len(),
                    f.attr_sets.len(),
                    f.sub_messages.len(),
                    f.ops.list.len()
                );
            }
            Err(e) => {
                println!("FAIL {name}:\n{e}");
                failures.push(format!("{name} ({} errors)", e.errors.len()));
            }
        }
    }
    failures
}

fn assert_all_load(dir: &Path, at_least: usize) {
    let files = yaml_files(dir);
    assert!(
        files.len() >= at_least,
        "{} spec files in {}, expected at least {at_least}",
        files.len(),
        dir.display()
    );
    let failures = load_all(&files);
    assert!(
        failures.is_empty(),
        "specs that failed: {}",
        failures.join(", ")
    );
}

#[nlwire_testkit::test(kernel_specs)]
fn kernel_specs_load() {
    assert_all_load(&nlwire_testkit::kernel_specs_dir(), 1);
}

#[test]
fn project_specs_load() {
    assert_all_load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("specs"), 7);
}

#[test]
fn test_specs_load() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/specs");
    assert_all_load(&dir, 4);
    // Every test spec says what it covers, under the SPDX line every YNL spec starts with.
    for path in yaml_files(&dir) {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.display();
        assert!(
            text.starts_with("# SPDX-License-Identifier: "),
            "{name}: no SPDX line"
        );
        assert!(text.contains("\n# Corner covered: "), "{name}: no header");
    }
}
