//! The project's own family schemas, embedded in this crate (`specs/*.yaml` beside its
//! `Cargo.toml`), so that what is generated from them builds from a packaged crate.
//!
//! `nlwire-families` generates its modules from these texts in its build script, and the
//! `nlwire` CLI offers them as its built-in specs.
//!
//! ```
//! let spec = nlwire_schema::builtin::get("nlctrl").unwrap();
//! assert_eq!(spec.file, "specs/nlctrl.yaml");
//! let f = nlwire_schema::builtin::load("nlctrl").unwrap()?;
//! assert_eq!(f.name, "nlctrl");
//! assert!(nlwire_schema::builtin::load("no-such-family").is_none());
//! # Ok::<(), nlwire_schema::SchemaError>(())
//! ```

use crate::{Family, SchemaError};

/// One embedded schema file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuiltinSpec {
    /// The file's stem, which is also the family's name (`ovs_flow`).
    pub name: &'static str,
    /// The file's path inside this crate, used in diagnostics (`specs/ovs_flow.yaml`).
    pub file: &'static str,
    /// The YAML text.
    pub text: &'static str,
}

macro_rules! specs {
    ($($name:literal),* $(,)?) => {
        /// Every embedded schema, sorted by name.
        pub static SPECS: &[BuiltinSpec] = &[$(BuiltinSpec {
            name: $name,
            file: concat!("specs/", $name, ".yaml"),
            text: include_str!(concat!("../specs/", $name, ".yaml")),
        }),*];
    };
}

specs!(
    "nlctrl",
    "ovs_ct_limit",
    "ovs_datapath",
    "ovs_flow",
    "ovs_meter",
    "ovs_packet",
    "ovs_vport",
    "rt-addr",
    "rt-link",
    "rt-neigh",
    "rt-route",
    "rt-rule",
    "tc",
);

/// The embedded schema named `name` (a file stem such as `ovs_flow`).
pub fn get(name: &str) -> Option<&'static BuiltinSpec> {
    SPECS.iter().find(|s| s.name == name)
}

/// Loads, resolves and checks the embedded schema named `name`; `None` when there is no
/// such schema.
pub fn load(name: &str) -> Option<Result<Family, SchemaError>> {
    get(name).map(|s| crate::load_str(s.text, s.file))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spec_file_is_embedded_and_loads() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("specs");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| {
                let p = e.unwrap().path();
                (p.extension()? == "yaml").then(|| p.file_stem()?.to_str().map(String::from))?
            })
            .collect();
        on_disk.sort();
        let embedded: Vec<&str> = SPECS.iter().map(|s| s.name).collect();
        assert_eq!(embedded, on_disk, "specs/*.yaml and builtin::SPECS differ");
        for s in SPECS {
            let f = load(s.name).unwrap().unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(
                f.name, s.name,
                "{}: the family is named after its file",
                s.file
            );
        }
    }
}
