//! Finding a spec: the built-in ones (the project's own schemas, embedded in
//! `nlwire-schema` as [`nlwire_schema::builtin`]), a YNL file given by path, or a family name looked up in spec directories
//! (`--spec-dir`, `$NLWIRE_SPEC_DIR`, then the kernel's install location
//! `/usr/share/ynl/specs`).

use std::path::{Path, PathBuf};

use nlwire_schema::Family;
use nlwire_schema::builtin::{BuiltinSpec, SPECS as BUILTIN_SPECS};

use crate::error::{CliError, Result};

/// Where the kernel's `make install` in tools/net/ynl puts the specs.
pub const SYSTEM_SPEC_DIR: &str = "/usr/share/ynl/specs";

/// The spec directories to search, in order.
pub fn search_dirs(extra: &[PathBuf]) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = extra.to_vec();
    if let Some(d) = std::env::var_os("NLWIRE_SPEC_DIR") {
        dirs.extend(std::env::split_paths(&d));
    }
    dirs.push(PathBuf::from(SYSTEM_SPEC_DIR));
    dirs
}

/// The top-level `key: value` of a spec, read from its text without parsing it all.
fn top_key<'t>(text: &'t str, key: &str) -> Option<&'t str> {
    text.lines().find_map(|l| {
        let rest = l.strip_prefix(key)?.strip_prefix(':')?;
        let v = rest
            .split('#')
            .next()?
            .trim()
            .trim_matches(|c| c == '"' || c == '\'');
        (!v.is_empty()).then_some(v)
    })
}

/// The family name a spec declares.
pub fn family_name(text: &str) -> Option<&str> {
    top_key(text, "name")
}

/// Loads a spec from its text; `origin` names it in diagnostics.
fn load_text(text: &str, origin: &str) -> Result<Family> {
    nlwire_schema::load_str(text, origin)
        .map_err(|e| CliError::usage(format!("spec {origin} does not load:\n{e}")))
}

/// Loads a spec file.
pub fn load_file(path: &Path) -> Result<Family> {
    nlwire_schema::load(path)
        .map_err(|e| CliError::usage(format!("spec {} does not load:\n{e}", path.display())))
}

fn looks_like_path(arg: &str) -> bool {
    arg.contains('/') || arg.ends_with(".yaml") || arg.ends_with(".yml")
}

fn same_name(a: &str, b: &str) -> bool {
    a.replace('_', "-") == b.replace('_', "-")
}

/// Every built-in spec, sorted by name.
pub fn builtins() -> &'static [BuiltinSpec] {
    BUILTIN_SPECS
}

/// A built-in spec by file stem or family name.
pub fn builtin(name: &str) -> Option<&'static BuiltinSpec> {
    BUILTIN_SPECS
        .iter()
        .find(|s| same_name(s.name, name))
        .or_else(|| {
            BUILTIN_SPECS
                .iter()
                .find(|s| family_name(s.text).is_some_and(|n| same_name(n, name)))
        })
}

/// Loads a built-in spec; diagnostics name it `<built-in NAME.yaml>`.
fn load_builtin(s: &BuiltinSpec) -> Result<Family> {
    load_text(s.text, &format!("<built-in {}.yaml>", s.name))
}

/// Spec files in `dirs`, in order, each with its text.
fn dir_specs(dirs: &[PathBuf]) -> impl Iterator<Item = (PathBuf, String)> + '_ {
    dirs.iter().flat_map(|d| {
        let mut files: Vec<PathBuf> = std::fs::read_dir(d)
            .map(|rd| {
                rd.filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        files
            .into_iter()
            .filter_map(|f| std::fs::read_to_string(&f).ok().map(|t| (f, t)))
    })
}

/// Resolves `--spec`: a path to a YNL file, a built-in spec (`nlctrl`, `ovs_flow`), or
/// a family name found in `dirs`.
pub fn resolve(arg: &str, dirs: &[PathBuf]) -> Result<Family> {
    if looks_like_path(arg) || Path::new(arg).is_file() {
        return load_file(Path::new(arg));
    }
    if let Some(s) = builtin(arg) {
        return load_builtin(s);
    }
    if let Some(f) = find_in_dirs(arg, dirs)? {
        return Ok(f);
    }
    let names: Vec<&str> = BUILTIN_SPECS.iter().map(|s| s.name).collect();
    Err(CliError::usage(format!(
        "no spec {arg:?}: not a file, not built in (built-in: {}), not in {}; \
         pass the kernel's YNL file by path (e.g. Documentation/netlink/specs/{arg}.yaml) or add --spec-dir",
        if names.is_empty() {
            "none".to_string()
        } else {
            names.join(", ")
        },
        dirs.iter()
            .map(|d| d.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    )))
}

/// A spec for family `name` in `dirs` (by file stem or declared name), loaded.
pub fn find_in_dirs(name: &str, dirs: &[PathBuf]) -> Result<Option<Family>> {
    for (path, text) in dir_specs(dirs) {
        let stem_match = path
            .file_stem()
            .and_then(|s| s.to_str())
            .is_some_and(|s| same_name(s, name));
        if stem_match || family_name(&text).is_some_and(|n| same_name(n, name)) {
            return load_text(&text, &path.display().to_string()).map(Some);
        }
    }
    Ok(None)
}

/// A spec for genetlink family `name`: built in first, then `dirs`. Errors loading a
/// found file are returned; `Ok(None)` means none exists.
pub fn for_family(name: &str, dirs: &[PathBuf]) -> Result<Option<Family>> {
    if let Some(s) = builtin(name) {
        return load_builtin(s).map(Some);
    }
    find_in_dirs(name, dirs)
}

/// Every netlink-raw spec with protocol number `proto`, built in first, then from `dirs`
/// (one per family name).
pub fn raw_specs(proto: u32, dirs: &[PathBuf]) -> Vec<Family> {
    let mut out: Vec<Family> = Vec::new();
    let builtins = BUILTIN_SPECS
        .iter()
        .map(|s| (format!("<built-in {}.yaml>", s.name), s.text.to_string()));
    let files = dir_specs(dirs).map(|(p, t)| (p.display().to_string(), t));
    for (origin, text) in builtins.chain(files) {
        if top_key(&text, "protocol") != Some("netlink-raw") {
            continue;
        }
        if top_key(&text, "protonum").and_then(|v| v.parse::<u32>().ok()) != Some(proto) {
            continue;
        }
        if family_name(&text).is_some_and(|n| out.iter().any(|f| f.name == n)) {
            continue;
        }
        if let Ok(f) = nlwire_schema::load_str(&text, &origin) {
            out.push(f);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_keys_are_read_without_parsing() {
        let t = "# c\n---\nname: rt-link\nprotocol: netlink-raw # x\nprotonum: 0\n";
        assert_eq!(family_name(t), Some("rt-link"));
        assert_eq!(top_key(t, "protocol"), Some("netlink-raw"));
        assert_eq!(top_key(t, "protonum"), Some("0"));
        assert_eq!(top_key("  name: nested\n", "name"), None);
    }

    #[test]
    fn names_match_across_dash_and_underscore() {
        assert!(same_name("tcp_metrics", "tcp-metrics"));
        assert!(!same_name("netdev", "ethtool"));
    }
}
