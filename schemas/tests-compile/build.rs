//! The kernel spec conformance corpus, opt-in: when `NLWIRE_KERNEL_SPECS` names a directory,
//! writes `$OUT_DIR/kernel_specs.rs` with one `pub mod <name> { nlwire::schema!("<absolute
//! path>"); }` per `*.yaml` in it (and `FILES`, the file of each module), and sets the cfg
//! `nlwire_kernel_specs`, under which `src/lib.rs` includes that file. Without the variable
//! nothing outside the repository is read.
//!
//! A relative value is taken from the workspace root (where cargo runs rustc, so the
//! `#[nlwire_testkit::test(kernel_specs)]` probe sees the same directory); an absolute one is
//! safest.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

const ENV: &str = "NLWIRE_KERNEL_SPECS";
const CFG: &str = "nlwire_kernel_specs";

fn main() {
    println!("cargo::rustc-check-cfg=cfg({CFG})");
    println!("cargo::rerun-if-env-changed={ENV}");
    println!("cargo::rerun-if-changed=build.rs");
    let Some(value) = std::env::var_os(ENV).filter(|v| !v.is_empty()) else {
        return;
    };
    let dir = workspace_root().join(PathBuf::from(&value));
    if !dir.is_dir() {
        println!(
            "cargo::warning={ENV}={} is not a directory: the kernel spec corpus is not compiled",
            dir.display()
        );
        return;
    }
    // The directory's listing: a spec added or removed rebuilds the crate.
    println!("cargo::rerun-if-changed={}", dir.display());
    let dir = dir.canonicalize().unwrap_or(dir);

    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{ENV}={}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml") && p.is_file())
        .collect();
    files.sort();

    let mut out = String::new();
    let mut table = String::new();
    let mut taken = Vec::new();
    let dir_str = utf8(&dir);
    for path in &files {
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let module = module_name(&file, &taken);
        taken.push(module.clone());
        let full = utf8(path);
        writeln!(
            out,
            "/// `{file}` of the kernel spec corpus.\npub mod {module} {{\n    \
             nlwire::schema!({full:?});\n}}\n"
        )
        .unwrap();
        writeln!(table, "    ({file:?}, {module:?}),").unwrap();
    }
    write!(
        out,
        "/// The corpus directory the modules were compiled from.\n\
         pub const DIR: &str = {dir_str:?};\n\n\
         /// Every spec file of the corpus (its name in [`DIR`]) and the module compiled from \
         it.\n\
         pub const FILES: &[(&str, &str)] = &[\n{table}];\n"
    )
    .unwrap();

    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    let target = out_dir.join("kernel_specs.rs");
    if std::fs::read_to_string(&target).ok().as_deref() != Some(out.as_str()) {
        std::fs::write(&target, out).unwrap_or_else(|e| panic!("{}: {e}", target.display()));
    }
    println!("cargo::rustc-cfg={CFG}");
}

/// The first ancestor of this package whose `Cargo.toml` has a `[workspace]` table.
fn workspace_root() -> PathBuf {
    let manifest =
        PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .find(|d| {
            std::fs::read_to_string(d.join("Cargo.toml"))
                .is_ok_and(|t| t.lines().any(|l| l.trim() == "[workspace]"))
        })
        .unwrap_or(&manifest)
        .to_path_buf()
}

fn utf8(path: &Path) -> &str {
    path.to_str()
        .unwrap_or_else(|| panic!("{ENV}: {} is not UTF-8", path.display()))
}

/// A Rust module name for a spec file: the stem with every other character as `_`, a `_` in
/// front of a leading digit, a `_` after a keyword, and a number after a name already taken.
fn module_name(file: &str, taken: &[String]) -> String {
    let stem = file.trim_end_matches(".yaml");
    let mut name: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    const KEYWORDS: &[&str] = &[
        "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum",
        "extern", "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod",
        "move", "mut", "pub", "ref", "return", "self", "static", "struct", "super", "trait",
        "true", "try", "type", "unsafe", "use", "where", "while", "abstract", "become", "box",
        "do", "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "_",
    ];
    if KEYWORDS.contains(&name.as_str()) {
        name.push('_');
    }
    let base = name.clone();
    let mut n = 2;
    while taken.contains(&name) || name == "DIR" || name == "FILES" {
        name = format!("{base}_{n}");
        n += 1;
    }
    name
}
