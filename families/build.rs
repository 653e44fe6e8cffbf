//! Generates one module per enabled family from its YNL spec with `nlwire-schema`, into
//! `OUT_DIR/<family>.rs` (readable, formatted code; `src/lib.rs` includes it).
//!
//! The specs are the project's own schemas, embedded in `nlwire-schema`
//! (`nlwire_schema::builtin`), so this crate builds from its package with nothing beside
//! it; a change to a spec rebuilds `nlwire-schema` and so reruns this script.
//!
//! `ovs_packet` takes the key, action and tunnel-key sets from `ovs_flow` instead of
//! generating its own copies (its spec repeats them; the build fails if the copies differ).

use std::env;
use std::path::{Path, PathBuf};

/// How one family is generated.
struct Family {
    /// Spec file stem; the module is named after it with `_` for `-`.
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
    // rtnetlink (modules rt_link, ...): constants, structs, sets and sub-messages.
    Family {
        name: "rt-link",
        lists: &[],
        externs: &[],
    },
    Family {
        name: "rt-addr",
        lists: &[],
        externs: &[],
    },
    Family {
        name: "rt-route",
        lists: &[],
        externs: &[],
    },
    Family {
        name: "rt-neigh",
        lists: &[],
        externs: &[],
    },
    Family {
        name: "rt-rule",
        lists: &[],
        externs: &[],
    },
    Family {
        name: "tc",
        lists: &[],
        externs: &[],
    },
];

fn write_if_changed(path: &Path, code: &str) {
    if std::fs::read_to_string(path).ok().as_deref() != Some(code) {
        std::fs::write(path, code).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}

fn load(name: &str) -> (nlwire_schema::Family, &'static str) {
    let spec = nlwire_schema::builtin::get(name)
        .unwrap_or_else(|| panic!("nlwire-schema embeds no spec named `{name}`"));
    let family = nlwire_schema::builtin::load(name)
        .expect("found above")
        .unwrap_or_else(|e| panic!("\n{e}\n"));
    (family, spec.file)
}

fn main() {
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("run by cargo"));
    println!("cargo:rerun-if-changed=build.rs");

    for fam in FAMILIES {
        let name = fam.name;
        // Spec names may have dashes (`rt-link`); modules, features and files do not.
        let module = name.replace('-', "_");
        let feature = format!("CARGO_FEATURE_{}", module.to_uppercase());
        if env::var_os(feature).is_none() {
            continue;
        }
        let (family, file) = load(name);
        let mut opts = nlwire_schema::codegen::Options::new();
        for set in fam.lists.iter().filter(|s| family.set_id(s).is_some()) {
            opts = opts.list_set(*set);
        }
        for (set, from, path) in fam.externs {
            let (other, _) = load(from);
            if let Err(why) = family.compare_set(set, &other) {
                panic!(
                    "{file}: set `{set}` must be {from}'s (its type is {path}), but differs: {why}"
                );
            }
            opts = opts.extern_set(*set, *path);
        }
        let code = nlwire_schema::codegen::to_string_with(&family, &opts)
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        write_if_changed(&out.join(format!("{module}.rs")), &code);
    }
}
