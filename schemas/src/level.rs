//! Per-protocol rules of the JSON schemas: which keys each level has, and the name patterns.
//!
//! The raw model accepts the union of the four schemas; this module rejects what the spec's
//! own level does not have (a `struct` definition in a `genetlink` spec, `sub-messages` outside
//! `netlink-raw`, ...).

use crate::error::ErrorKind;
use crate::ir::Protocol;
use crate::raw::{RawAttr, RawDefinition, RawFamily, RawOp, Sp};
use crate::resolve::{Ctx, Here, here};

const G: u8 = 1;
const C: u8 = 2;
const L: u8 = 4;
const R: u8 = 8;

fn bit(p: Protocol) -> u8 {
    match p {
        Protocol::Genetlink => G,
        Protocol::GenetlinkC => C,
        Protocol::GenetlinkLegacy => L,
        Protocol::NetlinkRaw => R,
    }
}

fn levels(mask: u8) -> String {
    [
        (G, "genetlink"),
        (C, "genetlink-c"),
        (L, "genetlink-legacy"),
        (R, "netlink-raw"),
    ]
    .iter()
    .filter(|(b, _)| mask & b != 0)
    .map(|(_, n)| *n)
    .collect::<Vec<_>>()
    .join(", ")
}

/// Reports `key` when present and not part of the spec's level.
fn gate(cx: &mut Ctx, at: Option<Here>, key: &'static str, allowed: u8, context: &str) {
    let Some(at) = at else { return };
    if allowed & bit(cx.protocol) != 0 {
        return;
    }
    let why = format!(
        "{} specs do not have it (only {})",
        cx.protocol.as_str(),
        levels(allowed)
    );
    cx.err(at, context, ErrorKind::NotAllowed { key, why });
}

fn at<T>(v: &Option<Sp<T>>) -> Option<Here> {
    v.as_ref().map(here)
}

const LOWER: &str = "^[0-9a-z-]+$";
const CAPS: &str = "^[0-9a-zA-Z-]+$";

fn name(cx: &mut Ctx, n: &Sp<String>, checked_in: u8, caps: bool, context: &str) {
    if checked_in & bit(cx.protocol) == 0 {
        return;
    }
    let ok = n.value.bytes().all(|b| {
        b.is_ascii_digit()
            || b.is_ascii_lowercase()
            || b == b'-'
            || (caps && b.is_ascii_uppercase())
    });
    if ok && !n.value.is_empty() {
        return;
    }
    let pattern = if caps { CAPS } else { LOWER };
    let kind = ErrorKind::BadName {
        name: n.value.clone(),
        pattern,
    };
    cx.err(here(n), context, kind);
}

/// Checks the whole raw spec against its level.
pub(crate) fn check(cx: &mut Ctx, raw: &RawFamily) {
    name(cx, &raw.name, G, false, "");
    gate(cx, at(&raw.protonum), "protonum", R, "");
    gate(cx, at(&raw.version), "version", L, "");
    gate(cx, at(&raw.kernel_policy), "kernel-policy", L | R, "");
    gate(cx, at(&raw.kernel_family), "kernel-family", G | C | L, "");
    let c_keys = [
        ("c-family-name", at(&raw.c_family_name)),
        ("c-version-name", at(&raw.c_version_name)),
        ("max-by-define", at(&raw.max_by_define)),
        ("cmd-max-name", at(&raw.cmd_max_name)),
        ("cmd-cnt-name", at(&raw.cmd_cnt_name)),
    ];
    for (key, present) in c_keys {
        gate(cx, present, key, C | L | R, "");
    }
    if let Some(first) = raw.sub_messages.first() {
        gate(cx, Some(here(first)), "sub-messages", R, "");
    }
    for d in &raw.definitions {
        definition(cx, &d.value);
    }
    for s in &raw.attribute_sets.value {
        let s = &s.value;
        let context = format!("attribute-set \"{}\"", s.name.value);
        name(cx, &s.name, G | L | R, false, &context);
        let c_keys = [
            ("attr-cnt-name", at(&s.attr_cnt_name)),
            ("attr-max-name", at(&s.attr_max_name)),
            ("header", at(&s.header)),
        ];
        for (key, present) in c_keys {
            gate(cx, present, key, C | L | R, &context);
        }
        for a in &s.attributes {
            let acx = format!("{context} attribute \"{}\"", a.value.name.value);
            attribute(cx, &a.value, &acx);
        }
    }
    let ops = &raw.operations.value;
    if let Some(m) = &ops.enum_model
        && m.value == "directional"
    {
        gate(
            cx,
            Some(here(m)),
            "enum-model: directional",
            L | R,
            "operations",
        );
    }
    gate(
        cx,
        at(&ops.fixed_header),
        "fixed-header",
        L | R,
        "operations",
    );
    for op in &ops.list {
        operation(cx, &op.value);
    }
    if let Some(groups) = &raw.mcast_groups {
        for g in &groups.value.list {
            let g = &g.value;
            let context = format!("mcast-group \"{}\"", g.name.value);
            name(cx, &g.name, G, false, &context);
            gate(
                cx,
                at(&g.c_define_name),
                "c-define-name",
                C | L | R,
                &context,
            );
            gate(cx, at(&g.value), "value", R, &context);
            for f in &g.flags {
                if f.value == "uns-admin-perm" {
                    gate(cx, Some(here(f)), "flags: uns-admin-perm", G | L, &context);
                }
            }
        }
    }
}

fn definition(cx: &mut Ctx, d: &RawDefinition) {
    let context = format!("definition \"{}\"", d.name.value);
    name(cx, &d.name, G | L | R, false, &context);
    if d.ty.value == "struct" {
        gate(cx, Some(here(&d.ty)), "type: struct", L | R, &context);
    }
    gate(cx, at(&d.enum_name), "enum-name", C | L | R, &context);
    gate(cx, at(&d.name_prefix), "name-prefix", C | L | R, &context);
    gate(cx, at(&d.enum_cnt_name), "enum-cnt-name", C | L, &context);
    gate(cx, at(&d.members), "members", L | R, &context);
    for e in d.entries.iter().flatten() {
        if e.value.mapping {
            let ecx = format!("{context} entry \"{}\"", e.value.name);
            let n = Sp::new(e.value.name.clone(), e.referenced, e.defined);
            name(cx, &n, G | L | R, false, &ecx);
        }
    }
    for m in d.members.iter().flat_map(|m| &m.value) {
        let m = &m.value;
        let mcx = format!("{context} member \"{}\"", m.name.value);
        name(cx, &m.name, L, false, &mcx);
        name(cx, &m.name, R, true, &mcx);
        if m.ty.value == "pad" {
            gate(cx, Some(here(&m.ty)), "type: pad", R, &mcx);
        }
        gate(cx, at(&m.enum_as_flags), "enum-as-flags", R, &mcx);
    }
}

fn attribute(cx: &mut Ctx, a: &RawAttr, context: &str) {
    name(cx, &a.name, G | L | R, false, context);
    if let Some(t) = &a.ty {
        match t.value.as_str() {
            "bitfield32" => gate(cx, Some(here(t)), "type: bitfield32", L | R, context),
            "sub-message" => gate(cx, Some(here(t)), "type: sub-message", R, context),
            _ => {}
        }
    }
    gate(cx, at(&a.name_prefix), "name-prefix", C | L | R, context);
    gate(cx, at(&a.struct_), "struct", L | R, context);
    if let Some(c) = &a.checks
        && c.value.unterminated_ok.is_some()
    {
        gate(cx, Some(here(c)), "unterminated-ok", C | L | R, context);
    }
}

fn operation(cx: &mut Ctx, op: &RawOp) {
    let context = format!("op \"{}\"", op.name.value);
    name(cx, &op.name, G | L | R, false, &context);
    gate(cx, at(&op.fixed_header), "fixed-header", L | R, &context);
    gate(cx, at(&op.config_cond), "config-cond", G | C | L, &context);
    for f in &op.flags {
        if f.value == "uns-admin-perm" {
            gate(cx, Some(here(f)), "flags: uns-admin-perm", G | L, &context);
        }
    }
    for v in &op.dont_validate {
        if v.value == "dump-strict" {
            gate(
                cx,
                Some(here(v)),
                "dont-validate: dump-strict",
                G | C | L,
                &context,
            );
        }
    }
}
