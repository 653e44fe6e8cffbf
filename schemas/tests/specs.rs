//! Every spec file loads and checks without error: the kernel's own specs (test data in
//! /work/shared/ynl-specs) and the project's specs in schemas/specs.

use std::path::{Path, PathBuf};

fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
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

#[test]
fn kernel_specs_load() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/ynl-specs");
    let files = yaml_files(&dir);
    assert!(!files.is_empty(), "no spec files in {}", dir.display());
    let failures = load_all(&files);
    assert!(
        failures.is_empty(),
        "specs that failed: {}",
        failures.join(", ")
    );
}

#[test]
fn project_specs_load() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("specs");
    let failures = load_all(&yaml_files(&dir));
    assert!(
        failures.is_empty(),
        "specs that failed: {}",
        failures.join(", ")
    );
}
