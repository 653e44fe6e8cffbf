//! The per-file report of `tests/specs.rs` and `tests/kernel_specs.rs`: each spec loads and
//! checks (IR), generates code that parses as Rust, and has a module in this crate (so rustc
//! and the derives compiled it when the crate was built).

use std::path::{Path, PathBuf};

/// The `*.yaml` files of a directory, sorted.
pub fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

/// Counts of what one spec generated.
#[derive(Default)]
struct Counts {
    structs: usize,
    enums: usize,
    consts: usize,
    messages: usize,
}

fn count(items: &[syn::Item], c: &mut Counts, in_msg: bool) {
    for it in items {
        match it {
            syn::Item::Struct(_) if in_msg => c.messages += 1,
            syn::Item::Struct(_) => c.structs += 1,
            syn::Item::Enum(_) => c.enums += 1,
            syn::Item::Const(_) => c.consts += 1,
            syn::Item::Impl(i) => {
                c.consts += i
                    .items
                    .iter()
                    .filter(|x| matches!(x, syn::ImplItem::Const(_)))
                    .count();
            }
            syn::Item::Mod(m) => {
                if let Some((_, inner)) = &m.content {
                    count(inner, c, m.ident == "msg");
                }
            }
            _ => {}
        }
    }
}

/// Loads, generates and parses every file, prints one line per file, and fails the test
/// naming every file that fails a step. `module` gives the module compiled from a file, or
/// `Err(why)` when the crate has none (a file without one fails too, so that a new spec
/// cannot be skipped silently).
pub fn check_all(files: &[PathBuf], module: impl Fn(&Path) -> Result<String, String>) {
    let mut failures = Vec::new();
    for path in files {
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let f = match nlwire_schema::load(path) {
            Ok(f) => f,
            Err(e) => {
                println!("FAIL {file}: load\n{e}");
                failures.push(format!("{file} (load)"));
                continue;
            }
        };
        let tokens = match nlwire_schema::codegen::to_tokens(&f, &Default::default()) {
            Ok(t) => t,
            Err(e) => {
                println!("FAIL {file}: generate: {e}");
                failures.push(format!("{file} (generate)"));
                continue;
            }
        };
        let parsed: syn::File = match syn::parse2(tokens) {
            Ok(p) => p,
            Err(e) => {
                println!("FAIL {file}: generated code does not parse: {e}");
                failures.push(format!("{file} (parse)"));
                continue;
            }
        };
        let mut c = Counts::default();
        count(&parsed.items, &mut c, false);
        let module = match module(path) {
            Ok(m) => m,
            Err(why) => {
                println!("FAIL {file}: {why}, so rustc never saw it");
                failures.push(format!("{file} (not compiled)"));
                continue;
            }
        };
        let lines = nlwire_schema::codegen::to_string(&f).lines().count();
        println!(
            "ok   {file:<20} {:<16} {:<16} {:>3} sets, {:>2} sub-msgs, {:>3} defs, {:>2} ops -> \
             {:>3} structs, {:>2} enums, {:>4} consts, {:>3} messages, {lines:>5} lines; module `{module}`",
            f.name,
            f.protocol.as_str(),
            f.attr_sets.len(),
            f.sub_messages.len(),
            f.definitions.len(),
            f.ops.list.len(),
            c.structs,
            c.enums,
            c.consts,
            c.messages,
        );
    }
    println!("{} spec files, {} failed", files.len(), failures.len());
    assert!(
        failures.is_empty(),
        "specs that fail: {}",
        failures.join(", ")
    );
}
