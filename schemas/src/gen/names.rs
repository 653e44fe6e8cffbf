//! Rust names for spec names: cased with heck, keywords and leading digits escaped, and
//! every clash inside one namespace resolved deterministically.

use std::collections::HashSet;

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};

/// Strict and reserved keywords of Rust 2024 (raw identifiers are avoided: `self`, `Self`,
/// `super` and `crate` cannot be raw, and a trailing `_` reads better in docs).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Names of the Rust prelude (and of primitive-like std types) that a generated type must
/// not shadow in the module it is emitted into.
const PRELUDE: &[&str] = &[
    "AsMut",
    "AsRef",
    "Box",
    "Clone",
    "Copy",
    "Debug",
    "Default",
    "DoubleEndedIterator",
    "Drop",
    "Eq",
    "Err",
    "ExactSizeIterator",
    "Extend",
    "Fn",
    "FnMut",
    "FnOnce",
    "From",
    "FromIterator",
    "Hash",
    "Into",
    "IntoIterator",
    "Iterator",
    "None",
    "Ok",
    "Option",
    "Ord",
    "PartialEq",
    "PartialOrd",
    "Result",
    "Self",
    "Send",
    "Sized",
    "Some",
    "String",
    "Sync",
    "ToOwned",
    "ToString",
    "TryFrom",
    "TryInto",
    "Unpin",
    "Vec",
];

fn fix_start(mut s: String) -> String {
    if s.is_empty() {
        s.push('_');
    } else if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    if KEYWORDS.contains(&s.as_str()) {
        s.push('_');
    }
    s
}

/// `ovs-key-ethernet` → `OvsKeyEthernet`; `8021q` → `_8021q`.
pub(crate) fn camel(name: &str) -> String {
    fix_start(name.to_upper_camel_case())
}

/// `in-port` → `in_port`; `type` → `type_`; `6rd-prefix` → `n6rd_prefix` (not `_6rd_prefix`:
/// the derive names locals `__f_<field>`, and a double underscore is not snake case).
pub(crate) fn snake(name: &str) -> String {
    let s = name.to_snake_case();
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        return format!("n{s}");
    }
    fix_start(s)
}

/// `in-port` → `IN_PORT`.
pub(crate) fn shouty(name: &str) -> String {
    fix_start(name.to_shouty_snake_case())
}

/// `ovs-flow-attr-` + `key` → `OVS_FLOW_ATTR_KEY` (the C name, for docs).
pub(crate) fn c_name(prefix: &str, name: &str) -> String {
    format!("{prefix}{name}").to_uppercase().replace('-', "_")
}

/// An identifier at the call site.
pub(crate) fn ident(s: &str) -> Ident {
    Ident::new(s, Span::call_site())
}

/// One namespace: hands out unique names.
#[derive(Default)]
pub(crate) struct Names {
    taken: HashSet<String>,
}

impl Names {
    /// A namespace whose `reserved` names are never handed out.
    pub(crate) fn with_reserved(reserved: &[&str]) -> Self {
        Names {
            taken: reserved.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// A namespace of type names: the prelude is reserved.
    pub(crate) fn types() -> Self {
        Self::with_reserved(PRELUDE)
    }

    /// True when `name` is handed out or reserved.
    pub(crate) fn is_taken(&self, name: &str) -> bool {
        self.taken.contains(name)
    }

    /// Reserves `name` (no check).
    pub(crate) fn reserve(&mut self, name: &str) {
        self.taken.insert(name.to_owned());
    }

    /// `base` if free, else `base` + `suffix`, else `base` + `suffix` + a number. Each
    /// `companion(name)` (such as the derive's `<Name>View`) must be free as well and is
    /// reserved with it.
    pub(crate) fn claim(&mut self, base: &str, suffix: &str, companions: &[&str]) -> String {
        let free = |names: &Self, n: &str| {
            !names.is_taken(n)
                && companions
                    .iter()
                    .all(|c| !names.is_taken(&format!("{n}{c}")))
        };
        let mut candidates = vec![base.to_owned()];
        if !suffix.is_empty() {
            candidates.push(format!("{base}{suffix}"));
        }
        let chosen = candidates
            .into_iter()
            .find(|n| free(self, n))
            .unwrap_or_else(|| {
                (2..)
                    .map(|i| format!("{base}{suffix}{i}"))
                    .find(|n| free(self, n))
                    .unwrap_or_default()
            });
        self.reserve(&chosen);
        for c in companions {
            self.reserve(&format!("{chosen}{c}"));
        }
        chosen
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn casing_and_escapes() {
        assert_eq!(camel("ovs-key-ethernet"), "OvsKeyEthernet");
        assert_eq!(camel("8021q"), "_8021q");
        assert_eq!(snake("type"), "type_");
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("6rd-prefix"), "n6rd_prefix");
        assert_eq!(snake("max-P"), "max_p");
        assert_eq!(shouty("in-port"), "IN_PORT");
        assert_eq!(shouty("8021ad"), "_8021AD");
        assert_eq!(c_name("ovs-flow-attr-", "key"), "OVS_FLOW_ATTR_KEY");
    }

    #[test]
    fn clashes_get_suffixes() {
        let mut n = Names::types();
        assert_eq!(n.claim("String", "Attrs", &[]), "StringAttrs");
        assert_eq!(n.claim("Dev", "Attrs", &["View"]), "Dev");
        assert!(n.is_taken("DevView"));
        assert_eq!(n.claim("Dev", "Attrs", &["View"]), "DevAttrs");
        assert_eq!(n.claim("Dev", "Attrs", &["View"]), "DevAttrs2");
        // A name whose companion is taken moves on.
        assert_eq!(n.claim("DevAttrs2", "", &[]), "DevAttrs22");
    }
}
