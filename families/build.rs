//! Generates one module per enabled family from its YNL spec with `nlwire-schema`, into
//! `OUT_DIR/<family>.rs` (readable, formatted code; `src/lib.rs` includes it).
//!
//! Specs come from the project's `schemas/specs/<family>.yaml`. Until a family's spec lands
//! there, the kernel's copy is used when one exists (`$NLWIRE_KERNEL_SPECS`, default
//! `../shared/ynl-specs` beside the repository), with a build warning; a family with
//! neither gets an empty module and a warning.
//!
//! `ovs_packet` takes the key, action and tunnel-key sets from `ovs_flow` instead of
//! generating its own copies (its spec repeats them; the build fails if the copies differ).

use std::env;
use std::path::{Path, PathBuf};

/// How one family is generated.
struct Family {
    /// Module name (and spec file stem).
    name: &'static str,
    /// Sets that are ordered lists of attributes.
    lists: &'static [&'static str],
    /// Sets taken from another family: (set, family, Rust path).
    externs: &'static [(&'static str, &'static str, &'static str)],
}

const FAMILIES: &[Family] = &[
    Family {
        name: "ovs_datapath",
        lists: &[],
        externs: &[],
    },
    Family {
        name: "ovs_vport",
        lists: &[],
        externs: &[],
    },
    // OVS actions repeat and run in order: `Vec<ActionAttrs>`, not a struct.
    Family {
        name: "ovs_flow",
        lists: &["action-attrs"],
        externs: &[],
    },
    // An upcall's key is a flow key: the same Rust types.
    Family {
        name: "ovs_packet",
        lists: &["action-attrs"],
        externs: &[
            ("key-attrs", "ovs_flow", "crate::ovs_flow::KeyAttrs"),
            ("action-attrs", "ovs_flow", "crate::ovs_flow::ActionAttrs"),
            (
                "tunnel-key-attrs",
                "ovs_flow",
                "crate::ovs_flow::TunnelKeyAttrs",
            ),
        ],
    },
    Family {
        name: "ovs_meter",
        lists: &[],
        externs: &[],
    },
    Family {
        name: "ovs_ct_limit",
        lists: &[],
        externs: &[],
    },
    Family {
        name: "nlctrl",
        lists: &[],
        externs: &[],
    },
];

fn write_if_changed(path: &Path, code: &str) {
    if std::fs::read_to_string(path).ok().as_deref() != Some(code) {
        std::fs::write(path, code).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}

fn main() {
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("run by cargo"));
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("run by cargo"));
    let project = manifest.join("../schemas/specs");
    let kernel = env::var_os("NLWIRE_KERNEL_SPECS")
        .map_or_else(|| manifest.join("../../shared/ynl-specs"), PathBuf::from);
    // Watch the directory that will hold the project's specs (or its parent until it
    // exists), so that a spec landing there is picked up.
    let watch = if project.is_dir() {
        project.clone()
    } else {
        manifest.join("../schemas")
    };
    println!("cargo:rerun-if-changed={}", watch.display());
    println!("cargo:rerun-if-env-changed=NLWIRE_KERNEL_SPECS");
    println!("cargo:rerun-if-changed=build.rs");

    for fam in FAMILIES {
        let name = fam.name;
        let feature = format!("CARGO_FEATURE_{}", name.to_uppercase());
        if env::var_os(feature).is_none() {
            continue;
        }
        let target = out.join(format!("{name}.rs"));
        let own = project.join(format!("{name}.yaml"));
        let spec = if own.is_file() {
            own
        } else {
            let k = kernel.join(format!("{name}.yaml"));
            if k.is_file() {
                println!(
                    "cargo:warning=nlwire-families: schemas/specs/{name}.yaml is missing; \
                     generating `{name}` from the kernel's spec {}",
                    k.display()
                );
                k
            } else {
                println!(
                    "cargo:warning=nlwire-families: no spec for `{name}` (schemas/specs/{name}.yaml); \
                     its module is empty"
                );
                write_if_changed(
                    &target,
                    &format!(
                        "// No spec for `{name}` yet: schemas/specs/{name}.yaml is missing.\n"
                    ),
                );
                continue;
            }
        };
        println!("cargo:rerun-if-changed={}", spec.display());
        let family = nlwire_schema::load(&spec).unwrap_or_else(|e| panic!("\n{e}\n"));
        let mut opts = nlwire_schema::codegen::Options::new();
        for set in fam.lists.iter().filter(|s| family.set_id(s).is_some()) {
            opts = opts.list_set(*set);
        }
        for (set, from, path) in fam.externs {
            let other = project.join(format!("{from}.yaml"));
            let other = nlwire_schema::load(&other).unwrap_or_else(|e| panic!("\n{e}\n"));
            if let Err(why) = family.compare_set(set, &other) {
                panic!(
                    "{}: set `{set}` must be {from}'s (its type is {path}), but differs: {why}",
                    spec.display()
                );
            }
            opts = opts.extern_set(*set, *path);
        }
        let code = nlwire_schema::codegen::to_string_with(&family, &opts)
            .unwrap_or_else(|e| panic!("{}: {e}", spec.display()));
        write_if_changed(&target, &code);
    }
}
