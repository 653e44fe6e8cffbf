//! Resolution state and the lookups and parsers every part of the resolver shares.

use serde_saphyr::Location;

use crate::error::{Diagnostic, ErrorKind, Pos};
use crate::ir::{
    ByteOrder, DefId, DisplayHint, FamilyIndex, McastId, PermFlags, Protocol, SetId, SubMsgId,
};
use crate::raw::Sp;

/// Where a diagnostic points: the text, and the alias that reached it.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Here {
    pub(crate) pos: Pos,
    pub(crate) used_at: Option<Pos>,
}

fn pos_of(l: &Location) -> Pos {
    Pos {
        line: u32::try_from(l.line()).unwrap_or(u32::MAX),
        column: u32::try_from(l.column()).unwrap_or(u32::MAX),
    }
}

/// The place a spanned value is written, and where it was used if that differs.
pub(crate) fn here<T>(s: &Sp<T>) -> Here {
    let used = pos_of(&s.referenced);
    let defined = pos_of(&s.defined);
    if defined.line == 0 {
        return Here {
            pos: used,
            used_at: None,
        };
    }
    Here {
        pos: defined,
        used_at: (used.line != 0 && used.line != defined.line).then_some(used),
    }
}

/// The value of an optional spanned key.
pub(crate) fn val<T: Clone>(s: &Option<Sp<T>>) -> Option<T> {
    s.as_ref().map(|s| s.value.clone())
}

/// A C enum name: absent and `null` both give `None`.
pub(crate) fn enum_name(s: &Option<Sp<Option<String>>>) -> Option<String> {
    s.as_ref().and_then(|s| s.value.clone())
}

/// Resolution state: the file name, the name tables, and the errors found so far.
pub(crate) struct Ctx<'a> {
    pub(crate) file: &'a str,
    pub(crate) family: String,
    pub(crate) protocol: Protocol,
    pub(crate) index: FamilyIndex,
    /// `const`, `enum`, `flags` or `struct` of each definition, by [`DefId`].
    pub(crate) def_kinds: Vec<&'static str>,
    pub(crate) errors: Vec<Diagnostic>,
}

impl Ctx<'_> {
    /// Records an error.
    pub(crate) fn err(&mut self, at: Here, context: &str, kind: ErrorKind) {
        self.errors.push(Diagnostic {
            file: self.file.to_owned(),
            pos: at.pos,
            used_at: at.used_at,
            context: context.to_owned(),
            kind,
        });
    }

    /// Looks up an attribute set named by `key`.
    pub(crate) fn set_ref(
        &mut self,
        name: &Sp<String>,
        key: &'static str,
        cx: &str,
    ) -> Option<SetId> {
        let id = self.index.sets.get(&name.value).copied();
        if id.is_none() {
            let kind = ErrorKind::UnknownAttrSet {
                key,
                name: name.value.clone(),
            };
            self.err(here(name), cx, kind);
        }
        id
    }

    /// Looks up a definition named by `key` that must be of one of the `accept` kinds.
    pub(crate) fn def_ref(
        &mut self,
        name: &Sp<String>,
        key: &'static str,
        cx: &str,
        accept: &[&str],
        expected: &'static str,
    ) -> Option<DefId> {
        let Some(id) = self.index.defs.get(&name.value).copied() else {
            let kind = ErrorKind::UnknownDefinition {
                key,
                name: name.value.clone(),
            };
            self.err(here(name), cx, kind);
            return None;
        };
        let found = self.def_kinds.get(id.0).copied().unwrap_or("definition");
        if accept.contains(&found) {
            return Some(id);
        }
        let kind = ErrorKind::WrongDefinitionKind {
            key,
            name: name.value.clone(),
            expected,
            found,
        };
        self.err(here(name), cx, kind);
        None
    }

    /// Looks up a sub-message named by `key`.
    pub(crate) fn sub_message_ref(
        &mut self,
        name: &Sp<String>,
        key: &'static str,
        cx: &str,
    ) -> Option<SubMsgId> {
        let id = self.index.sub_messages.get(&name.value).copied();
        if id.is_none() {
            let kind = ErrorKind::UnknownSubMessage {
                key,
                name: name.value.clone(),
            };
            self.err(here(name), cx, kind);
        }
        id
    }

    /// Looks up a multicast group named by `key`.
    pub(crate) fn mcast_ref(
        &mut self,
        name: &Sp<String>,
        key: &'static str,
        cx: &str,
    ) -> Option<McastId> {
        let id = self.index.mcast_groups.get(&name.value).copied();
        if id.is_none() {
            let kind = ErrorKind::UnknownMcastGroup {
                key,
                name: name.value.clone(),
            };
            self.err(here(name), cx, kind);
        }
        id
    }

    /// Parses one of a fixed list of names.
    pub(crate) fn choice<T: Copy>(
        &mut self,
        s: &Sp<String>,
        key: &'static str,
        cx: &str,
        table: &[(&str, T)],
        expected: &'static str,
    ) -> Option<T> {
        let found = table.iter().find(|(n, _)| *n == s.value).map(|(_, v)| *v);
        if found.is_none() {
            let kind = ErrorKind::BadValue {
                key,
                value: s.value.clone(),
                expected,
            };
            self.err(here(s), cx, kind);
        }
        found
    }

    /// Parses `byte-order`.
    pub(crate) fn byte_order(&mut self, s: Option<&Sp<String>>, cx: &str) -> ByteOrder {
        const T: &[(&str, ByteOrder)] = &[
            ("little-endian", ByteOrder::LittleEndian),
            ("big-endian", ByteOrder::BigEndian),
        ];
        s.and_then(|s| self.choice(s, "byte-order", cx, T, "little-endian, big-endian"))
            .unwrap_or_default()
    }

    /// Parses `display-hint`.
    pub(crate) fn display_hint(&mut self, s: Option<&Sp<String>>, cx: &str) -> Option<DisplayHint> {
        const T: &[(&str, DisplayHint)] = &[
            ("hex", DisplayHint::Hex),
            ("mac", DisplayHint::Mac),
            ("fddi", DisplayHint::Fddi),
            ("ipv4", DisplayHint::Ipv4),
            ("ipv6", DisplayHint::Ipv6),
            ("ipv4-or-v6", DisplayHint::Ipv4OrV6),
            ("uuid", DisplayHint::Uuid),
        ];
        const E: &str = "hex, mac, fddi, ipv4, ipv6, ipv4-or-v6, uuid";
        s.and_then(|s| self.choice(s, "display-hint", cx, T, E))
    }

    /// Parses op or multicast group `flags`.
    pub(crate) fn perm_flags(&mut self, flags: &[Sp<String>], cx: &str) -> PermFlags {
        let mut out = PermFlags::default();
        for f in flags {
            match f.value.as_str() {
                "admin-perm" => out.admin_perm = true,
                "uns-admin-perm" => out.uns_admin_perm = true,
                _ => {
                    let kind = ErrorKind::BadValue {
                        key: "flags",
                        value: f.value.clone(),
                        expected: "admin-perm, uns-admin-perm",
                    };
                    self.err(here(f), cx, kind);
                }
            }
        }
        out
    }

    /// Checks that a number fits `min..=max`.
    pub(crate) fn in_range(
        &mut self,
        value: i128,
        (min, max): (i128, i128),
        key: &'static str,
        at: Here,
        cx: &str,
    ) -> Option<i128> {
        if (min..=max).contains(&value) {
            return Some(value);
        }
        let kind = ErrorKind::OutOfRange {
            key,
            value,
            min,
            max,
        };
        self.err(at, cx, kind);
        None
    }
}
