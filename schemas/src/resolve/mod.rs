//! Raw model → IR: numbering, defaults and name references turned into ids.
//!
//! Every problem found on the way is recorded in [`Ctx`] and resolution goes on, so that one
//! load reports every error; fields whose reference does not resolve are left `None`.

mod ctx;
mod defs;
mod limits;
mod ops;
mod sets;
mod shape;
mod submsg;

use std::collections::HashMap;

pub(crate) use self::ctx::{Ctx, Here, enum_name, here, val};
use crate::error::{Diagnostic, ErrorKind};
use crate::ir::{
    CNames, DefId, Family, FamilyIndex, KernelPolicy, McastGroup, McastId, OpId, Protocol, SetId,
    SubMsgId,
};
use crate::raw::{RawFamily, Sp};

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
    let sub_messages = submsg::resolve(&mut cx, &raw.sub_messages);
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
