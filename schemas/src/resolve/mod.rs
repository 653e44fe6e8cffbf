//! Raw model → IR: numbering, defaults and name references turned into ids.
//!
//! Every problem found on the way is recorded in [`Ctx`] and resolution goes on, so that one
//! load reports every error; fields whose reference does not resolve are left `None`.

mod defs;
mod limits;
mod ops;
mod sets;

use std::collections::HashMap;

use serde_saphyr::Location;

use crate::error::{Diagnostic, ErrorKind, Pos};
use crate::ir::{
    ByteOrder, CNames, DefId, DisplayHint, Family, FamilyIndex, KernelPolicy, McastGroup, McastId,
    OpId, PermFlags, Protocol, SetId, SubMsgId,
};
use crate::raw::{RawFamily, Sp};

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

/// Builds one name table, reporting repeated names.
fn name_table<T, Id>(
    cx: &mut Ctx,
    items: &[Sp<T>],
    what: &'static str,
    name: impl Fn(&T) -> &Sp<String>,
    id: impl Fn(usize) -> Id,
) -> HashMap<String, Id> {
    let mut table = HashMap::new();
    let mut first_line: HashMap<&str, u32> = HashMap::new();
    for (i, item) in items.iter().enumerate() {
        let n = name(&item.value);
        let at = here(n);
        if let Some(&first) = first_line.get(n.value.as_str()) {
            let kind = ErrorKind::DuplicateName {
                what,
                name: n.value.clone(),
                first_line: first,
            };
            cx.err(at, "", kind);
            continue;
        }
        first_line.insert(&n.value, at.pos.line);
        table.insert(n.value.clone(), id(i));
    }
    table
}

fn def_kind(ty: &str) -> &'static str {
    match ty {
        "const" => "const",
        "enum" => "enum",
        "flags" => "flags",
        "struct" => "struct",
        _ => "definition",
    }
}

fn protocol(cx: &mut Ctx, raw: &RawFamily) -> Protocol {
    const T: &[(&str, Protocol)] = &[
        ("genetlink", Protocol::Genetlink),
        ("genetlink-c", Protocol::GenetlinkC),
        ("genetlink-legacy", Protocol::GenetlinkLegacy),
        ("netlink-raw", Protocol::NetlinkRaw),
    ];
    const E: &str = "genetlink, genetlink-c, genetlink-legacy, netlink-raw";
    raw.protocol
        .as_ref()
        .and_then(|p| cx.choice(p, "protocol", "", T, E))
        .unwrap_or(Protocol::Genetlink)
}

fn kernel_policy(cx: &mut Ctx, raw: &RawFamily) -> KernelPolicy {
    const T: &[(&str, KernelPolicy)] = &[
        ("split", KernelPolicy::Split),
        ("per-op", KernelPolicy::PerOp),
        ("global", KernelPolicy::Global),
    ];
    raw.kernel_policy
        .as_ref()
        .and_then(|p| cx.choice(p, "kernel-policy", "", T, "split, per-op, global"))
        .unwrap_or_default()
}

fn mcast_groups(cx: &mut Ctx, raw: &RawFamily) -> Vec<McastGroup> {
    let Some(groups) = &raw.mcast_groups else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for g in &groups.value.list {
        let g = &g.value;
        let context = format!("mcast-group \"{}\"", g.name.value);
        let value = g.value.as_ref().and_then(|v| {
            cx.in_range(
                v.value.into(),
                (0, u32::MAX.into()),
                "value",
                here(v),
                &context,
            )
        });
        out.push(McastGroup {
            name: g.name.value.clone(),
            value: value.map(|v| v as u32),
            c_define_name: val(&g.c_define_name),
            flags: cx.perm_flags(&g.flags, &context),
            pos: here(&g.name).pos,
        });
    }
    out
}

/// Resolves a parsed spec into the IR, or returns every error found.
pub(crate) fn resolve(raw: &RawFamily, file: &str) -> Result<Family, Vec<Diagnostic>> {
    let mut cx = Ctx {
        file,
        family: raw.name.value.clone(),
        protocol: Protocol::Genetlink,
        index: FamilyIndex::default(),
        def_kinds: raw
            .definitions
            .iter()
            .map(|d| def_kind(&d.value.ty.value))
            .collect(),
        errors: Vec::new(),
    };
    cx.protocol = protocol(&mut cx, raw);
    cx.index.defs = name_table(&mut cx, &raw.definitions, "definition", |d| &d.name, DefId);
    cx.index.sets = name_table(
        &mut cx,
        &raw.attribute_sets.value,
        "attribute-set",
        |s| &s.name,
        SetId,
    );
    cx.index.sub_messages = name_table(
        &mut cx,
        &raw.sub_messages,
        "sub-message",
        |m| &m.name,
        SubMsgId,
    );
    cx.index.ops = name_table(&mut cx, &raw.operations.value.list, "op", |o| &o.name, OpId);
    if let Some(g) = &raw.mcast_groups {
        cx.index.mcast_groups =
            name_table(&mut cx, &g.value.list, "mcast-group", |g| &g.name, McastId);
    }
    crate::level::check(&mut cx, raw);

    let consts = limits::Consts::from_raw(&raw.definitions);
    let definitions = defs::resolve(&mut cx, &consts, &raw.definitions);
    let attr_sets = sets::resolve(&mut cx, &consts, &raw.attribute_sets.value);
    let sub_messages = sets::resolve_sub_messages(&mut cx, &raw.sub_messages);
    let mcast_groups = mcast_groups(&mut cx, raw);
    let ops = ops::resolve(&mut cx, &raw.operations, &attr_sets);

    let protonum = raw.protonum.as_ref().and_then(|p| {
        cx.in_range(p.value.into(), (0, 31), "protonum", here(p), "")
            .map(|v| v as u32)
    });
    if cx.protocol == Protocol::NetlinkRaw && raw.protonum.is_none() {
        let kind = ErrorKind::Missing {
            key: "protonum",
            why: "netlink-raw families open their socket with it",
        };
        cx.err(here(&raw.name), "", kind);
    }
    let version = raw.version.as_ref().map_or(1, |v| {
        cx.in_range(v.value.into(), (1, 255), "version", here(v), "")
            .unwrap_or(1) as u32
    });
    let kernel_policy = kernel_policy(&mut cx, raw);
    let family = Family {
        uapi_header: raw
            .uapi_header
            .clone()
            .unwrap_or_else(|| format!("linux/{}.h", raw.name.value.replace('-', "_"))),
        name: raw.name.value.clone(),
        doc: raw.doc.clone().unwrap_or_default(),
        protocol: cx.protocol,
        protonum,
        version,
        kernel_policy,
        c_names: CNames {
            family_name: val(&raw.c_family_name),
            version_name: val(&raw.c_version_name),
            max_by_define: val(&raw.max_by_define).unwrap_or(false),
            cmd_max_name: val(&raw.cmd_max_name),
            cmd_cnt_name: val(&raw.cmd_cnt_name),
        },
        definitions,
        attr_sets,
        sub_messages,
        ops,
        mcast_groups,
        index: std::mem::take(&mut cx.index),
    };
    crate::check::check(&mut cx, &family);
    if cx.errors.is_empty() {
        Ok(family)
    } else {
        Err(cx.errors)
    }
}
