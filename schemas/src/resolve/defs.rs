//! `definitions:` → consts, numbered enums and flags, laid-out structs.

use super::limits::Consts;
use super::{Ctx, Here, enum_name, here, val};
use crate::error::ErrorKind;
use crate::ir::{
    ConstValue, DefKind, Definition, EnumDef, EnumEntry, IntType, Member, MemberType, Scope,
    StructDef,
};
use crate::raw::{IntOrStr, RawDefinition, RawEntry, RawMember, Sp};

/// Structs may nest this deep.
const MAX_STRUCT_DEPTH: usize = 32;

pub(super) fn resolve(cx: &mut Ctx, consts: &Consts, raw: &[Sp<RawDefinition>]) -> Vec<Definition> {
    let mut defs: Vec<Definition> = raw.iter().map(|d| definition(cx, consts, d)).collect();
    layout(cx, &mut defs);
    defs
}

fn definition(cx: &mut Ctx, consts: &Consts, d: &Sp<RawDefinition>) -> Definition {
    let d = &d.value;
    let context = format!("definition \"{}\"", d.name.value);
    const SCOPES: &[(&str, Scope)] = &[
        ("uapi", Scope::Uapi),
        ("kernel", Scope::Kernel),
        ("user", Scope::User),
    ];
    let scope = d
        .scope
        .as_ref()
        .and_then(|s| cx.choice(s, "scope", &context, SCOPES, "uapi, kernel, user"))
        .unwrap_or_default();
    let kind = match d.ty.value.as_str() {
        "const" => DefKind::Const(const_value(cx, d, &context)),
        "enum" => DefKind::Enum(enumeration(cx, consts, d, false, &context)),
        "flags" => DefKind::Enum(enumeration(cx, consts, d, true, &context)),
        "struct" => DefKind::Struct(structure(cx, consts, d, &context)),
        _ => {
            let kind = ErrorKind::BadValue {
                key: "type",
                value: d.ty.value.clone(),
                expected: "const, enum, flags, struct",
            };
            cx.err(here(&d.ty), &context, kind);
            DefKind::Const(ConstValue::Int(0))
        }
    };
    Definition {
        name: d.name.value.clone(),
        doc: d.doc.clone(),
        header: d.header.clone(),
        scope,
        pos: here(&d.name).pos,
        kind,
    }
}

fn not_for(cx: &mut Ctx, at: Here, key: &'static str, ty: &str, context: &str) {
    let why = format!("a {ty} definition does not take it");
    cx.err(at, context, ErrorKind::NotAllowed { key, why });
}

fn const_value(cx: &mut Ctx, d: &RawDefinition, context: &str) -> ConstValue {
    reject_enum_keys(cx, d, "const", context);
    reject_struct_keys(cx, d, "const", context);
    match &d.value {
        Some(v) => match &v.value {
            IntOrStr::Int(i) => ConstValue::Int(*i),
            IntOrStr::Str(s) => ConstValue::Str(s.clone()),
        },
        None => {
            let kind = ErrorKind::Missing {
                key: "value",
                why: "a const needs a value",
            };
            cx.err(here(&d.name), context, kind);
            ConstValue::Int(0)
        }
    }
}

fn reject_enum_keys(cx: &mut Ctx, d: &RawDefinition, ty: &str, context: &str) {
    if let Some(v) = &d.value_start {
        not_for(cx, here(v), "value-start", ty, context);
    }
    if d.entries.is_some() {
        not_for(cx, here(&d.name), "entries", ty, context);
    }
    if d.render_max.is_some() {
        not_for(cx, here(&d.name), "render-max", ty, context);
    }
}

fn reject_struct_keys(cx: &mut Ctx, d: &RawDefinition, ty: &str, context: &str) {
    if let Some(m) = &d.members {
        not_for(cx, here(m), "members", ty, context);
    }
}

fn enumeration(
    cx: &mut Ctx,
    consts: &Consts,
    d: &RawDefinition,
    flags: bool,
    context: &str,
) -> EnumDef {
    let ty = if flags { "flags" } else { "enum" };
    reject_struct_keys(cx, d, ty, context);
    if let Some(v) = &d.value {
        not_for(cx, here(v), "value", ty, context);
    }
    let start = d
        .value_start
        .as_ref()
        .and_then(|v| cx.limit(consts, v, "value-start", context))
        .unwrap_or(0);
    let range: (i128, i128) = if flags {
        (0, 63)
    } else {
        (i64::MIN.into(), i64::MAX.into())
    };
    let Some(raw_entries) = &d.entries else {
        let kind = ErrorKind::Missing {
            key: "entries",
            why: "an enum or flags definition lists its entries",
        };
        cx.err(here(&d.name), context, kind);
        return enum_def(cx, d, flags, Vec::new());
    };
    let mut entries = Vec::with_capacity(raw_entries.len());
    let mut next = start;
    for e in raw_entries {
        let at = entry_here(e);
        let (value, key) = match &e.value.value {
            Some(v) => (i128::from(v.value), "value"),
            None if entries.is_empty() => (next, "value-start"),
            None => (next, "value"),
        };
        let ecx = format!("{context} entry \"{}\"", e.value.name);
        let value = cx.in_range(value, range, key, at, &ecx).unwrap_or(0);
        next = value + 1;
        entries.push(EnumEntry {
            name: e.value.name.clone(),
            value: value as i64,
            doc: e.value.doc.clone(),
            pos: at.pos,
        });
    }
    enum_def(cx, d, flags, entries)
}

fn entry_here(e: &Sp<RawEntry>) -> Here {
    e.value.value.as_ref().map_or_else(|| here(e), here)
}

fn enum_def(cx: &Ctx, d: &RawDefinition, flags: bool, entries: Vec<EnumEntry>) -> EnumDef {
    EnumDef {
        flags,
        entries,
        name_prefix: val(&d.name_prefix)
            .unwrap_or_else(|| format!("{}-{}-", cx.family, d.name.value)),
        enum_name: enum_name(&d.enum_name),
        render_max: d.render_max.unwrap_or(false),
        enum_cnt_name: val(&d.enum_cnt_name),
    }
}

fn structure(cx: &mut Ctx, consts: &Consts, d: &RawDefinition, context: &str) -> StructDef {
    reject_enum_keys(cx, d, "struct", context);
    if let Some(v) = &d.value {
        not_for(cx, here(v), "value", "struct", context);
    }
    let members = d
        .members
        .iter()
        .flat_map(|m| &m.value)
        .map(|m| member(cx, consts, m, context))
        .collect();
    StructDef { members, size: 0 }
}

fn member_type(cx: &mut Ctx, ty: &Sp<String>, context: &str) -> MemberType {
    if let Some(t) = IntType::parse(&ty.value) {
        return MemberType::Int(t);
    }
    match ty.value.as_str() {
        "string" => MemberType::String,
        "binary" => MemberType::Binary,
        "pad" => MemberType::Pad,
        _ => {
            let kind = ErrorKind::UnknownType {
                key: "type",
                name: ty.value.clone(),
            };
            cx.err(here(ty), context, kind);
            MemberType::Pad
        }
    }
}

fn member(cx: &mut Ctx, consts: &Consts, m: &Sp<RawMember>, context: &str) -> Member {
    let m = &m.value;
    let context = format!("{context} member \"{}\"", m.name.value);
    let ty = member_type(cx, &m.ty, &context);
    let len = m
        .len
        .as_ref()
        .and_then(|l| cx.length(consts, l, "len", &context));
    let struct_ = m
        .struct_
        .as_ref()
        .and_then(|s| cx.def_ref(s, "struct", &context, &["struct"], "struct"));
    let enum_ = m
        .enum_
        .as_ref()
        .and_then(|e| cx.def_ref(e, "enum", &context, &["enum", "flags"], "enum or flags"));
    match ty {
        MemberType::Binary if m.len.is_none() && m.struct_.is_none() => {
            let why = "a binary member needs len or struct to have a size";
            cx.err(
                here(&m.name),
                &context,
                ErrorKind::Missing { key: "len", why },
            );
        }
        MemberType::String | MemberType::Pad if m.len.is_none() => {
            let why = "string and pad members need a size";
            cx.err(
                here(&m.name),
                &context,
                ErrorKind::Missing { key: "len", why },
            );
        }
        MemberType::Int(_) if m.len.is_some() => {
            let why = "an integer member has the size of its type".to_owned();
            let at = m.len.as_ref().map_or_else(|| here(&m.name), here);
            cx.err(at, &context, ErrorKind::NotAllowed { key: "len", why });
        }
        _ => {}
    }
    if let Some(s) = &m.struct_
        && ty != MemberType::Binary
    {
        let why = "only binary members hold a struct".to_owned();
        cx.err(
            here(s),
            &context,
            ErrorKind::NotAllowed { key: "struct", why },
        );
    }
    Member {
        name: m.name.value.clone(),
        ty,
        len,
        byte_order: cx.byte_order(m.byte_order.as_ref(), &context),
        doc: m.doc.clone(),
        enum_,
        enum_as_flags: val(&m.enum_as_flags).unwrap_or(false),
        display_hint: cx.display_hint(m.display_hint.as_ref(), &context),
        struct_,
        offset: 0,
        size: 0,
        pos: here(&m.name).pos,
    }
}

#[derive(Clone, Copy)]
enum Layout {
    Todo,
    InProgress,
    Done(u32),
}

/// Computes member offsets and struct sizes, nested structs first.
fn layout(cx: &mut Ctx, defs: &mut [Definition]) {
    let mut state = vec![Layout::Todo; defs.len()];
    for i in 0..defs.len() {
        size_of(cx, defs, &mut state, i, 0);
    }
}

fn size_of(
    cx: &mut Ctx,
    defs: &mut [Definition],
    state: &mut [Layout],
    i: usize,
    depth: usize,
) -> u32 {
    match state[i] {
        Layout::Done(size) => return size,
        Layout::InProgress => {
            cycle(cx, &defs[i]);
            return 0;
        }
        Layout::Todo if depth > MAX_STRUCT_DEPTH => {
            cycle(cx, &defs[i]);
            state[i] = Layout::Done(0);
            return 0;
        }
        Layout::Todo => {}
    }
    let nested: Vec<Option<usize>> = match &defs[i].kind {
        DefKind::Struct(s) => s.members.iter().map(|m| m.struct_.map(|d| d.0)).collect(),
        _ => Vec::new(),
    };
    state[i] = Layout::InProgress;
    let nested_sizes: Vec<Option<u32>> = nested
        .into_iter()
        .map(|n| n.map(|n| size_of(cx, defs, state, n, depth + 1)))
        .collect();
    let mut offset: u32 = 0;
    if let DefKind::Struct(s) = &mut defs[i].kind {
        for (m, nested) in s.members.iter_mut().zip(nested_sizes) {
            m.offset = offset;
            m.size = match (m.ty, m.len, nested) {
                (MemberType::Int(t), _, _) => t.width(),
                (_, Some(len), _) => len,
                (_, None, Some(n)) => n,
                (_, None, None) => 0,
            };
            offset = offset.saturating_add(m.size);
        }
        s.size = offset;
    }
    state[i] = Layout::Done(offset);
    offset
}

fn cycle(cx: &mut Ctx, d: &Definition) {
    let kind = ErrorKind::Cycle {
        key: "struct",
        name: d.name.clone(),
    };
    let at = Here {
        pos: d.pos,
        used_at: None,
    };
    cx.err(at, &format!("definition \"{}\"", d.name), kind);
}
