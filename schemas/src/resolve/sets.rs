//! `attribute-sets:` → numbered attributes with resolved references; subsets built on their
//! superset's attributes.

use std::collections::HashMap;

use super::limits::Consts;
use super::shape::{overrides_shape, shape};
use super::{Ctx, enum_name, here, val};
use crate::error::{ErrorKind, Pos};
use crate::ir::{Attr, AttrSet, AttrType, ByteOrder, Checks, SetId};
use crate::raw::{RawAttr, RawAttrSet, RawChecks, Sp};

/// Largest attribute id: the type field has 14 bits, the top two are flags.
const MAX_ATTR_VALUE: i128 = 0x3fff;

/// Subsets of subsets may chain this deep.
const MAX_SUBSET_DEPTH: usize = 16;

pub(super) fn resolve(cx: &mut Ctx, consts: &Consts, raw: &[Sp<RawAttrSet>]) -> Vec<AttrSet> {
    let supersets: Vec<Option<SetId>> = raw.iter().map(|s| superset(cx, s)).collect();
    let depths = subset_depths(cx, raw, &supersets);
    let mut order: Vec<usize> = (0..raw.len()).collect();
    order.sort_by_key(|&i| depths[i]);
    let mut done: Vec<Option<AttrSet>> = (0..raw.len()).map(|_| None).collect();
    for i in order {
        let base = depths[i]
            .and(supersets[i])
            .and_then(|s| done.get(s.0).and_then(Option::as_ref));
        let set = attr_set(cx, consts, &raw[i], base, supersets[i]);
        done[i] = Some(set);
    }
    done.into_iter().flatten().collect()
}

fn superset(cx: &mut Ctx, s: &Sp<RawAttrSet>) -> Option<SetId> {
    let s = &s.value;
    let name = s.subset_of.as_ref()?;
    let context = format!("attribute-set \"{}\"", s.name.value);
    cx.set_ref(name, "subset-of", &context)
}

/// Length of each set's `subset-of` chain; `None` for roots and for chains that loop.
fn subset_depths(
    cx: &mut Ctx,
    raw: &[Sp<RawAttrSet>],
    supersets: &[Option<SetId>],
) -> Vec<Option<usize>> {
    let mut depths = Vec::with_capacity(raw.len());
    for (i, s) in raw.iter().enumerate() {
        let mut depth = 0;
        let mut cur = supersets[i];
        while let Some(next) = cur {
            depth += 1;
            if depth > MAX_SUBSET_DEPTH || next.0 == i {
                let kind = ErrorKind::Cycle {
                    key: "subset-of",
                    name: s.value.name.value.clone(),
                };
                let at = s.value.subset_of.as_ref().map_or_else(|| here(s), here);
                cx.err(
                    at,
                    &format!("attribute-set \"{}\"", s.value.name.value),
                    kind,
                );
                depth = 0;
                break;
            }
            cur = supersets[next.0];
        }
        depths.push((depth > 0).then_some(depth));
    }
    depths
}

fn attr_set(
    cx: &mut Ctx,
    consts: &Consts,
    s: &Sp<RawAttrSet>,
    base: Option<&AttrSet>,
    subset_of: Option<SetId>,
) -> AttrSet {
    let s = &s.value;
    let context = format!("attribute-set \"{}\"", s.name.value);
    let mut attrs = Vec::with_capacity(s.attributes.len());
    let mut by_name = HashMap::new();
    let mut next: i128 = 1;
    for a in &s.attributes {
        let name = &a.value.name;
        let attr = match base {
            Some(sup) => subset_attr(cx, consts, a, sup, &context),
            None => {
                if let Some(v) = &a.value.value {
                    next = v.value.into();
                }
                let at = a.value.value.as_ref().map_or_else(|| here(name), here);
                let acx = format!("{context} attribute \"{}\"", name.value);
                let value = cx.in_range(next, (0, MAX_ATTR_VALUE), "value", at, &acx);
                next += 1;
                Some(attribute(
                    cx,
                    consts,
                    a,
                    None,
                    value.unwrap_or(0) as u16,
                    &context,
                ))
            }
        };
        let Some(attr) = attr else { continue };
        if let Some(&first) = by_name.get(&attr.name) {
            let first: &Attr = &attrs[first];
            let kind = ErrorKind::DuplicateName {
                what: "attribute",
                name: attr.name.clone(),
                first_line: first.pos.line,
            };
            cx.err(here(name), &context, kind);
            continue;
        }
        by_name.insert(attr.name.clone(), attrs.len());
        attrs.push(attr);
    }
    let mut by_value = HashMap::new();
    for (i, a) in attrs.iter().enumerate() {
        by_value.entry(a.value).or_insert(i);
    }
    let name_prefix = match (base, &s.name_prefix) {
        (Some(sup), Some(p)) => {
            let why = "a subset takes the name-prefix of its superset".to_owned();
            let kind = ErrorKind::NotAllowed {
                key: "name-prefix",
                why,
            };
            cx.err(here(p), &context, kind);
            sup.name_prefix.clone()
        }
        (Some(sup), None) => sup.name_prefix.clone(),
        (None, Some(p)) => p.value.clone(),
        (None, None) if s.name.value == cx.family => format!("{}-a-", cx.family),
        (None, None) => format!("{}-a-{}-", cx.family, s.name.value),
    };
    AttrSet {
        name: s.name.value.clone(),
        doc: s.doc.clone(),
        name_prefix,
        enum_name: enum_name(&s.enum_name),
        attr_cnt_name: val(&s.attr_cnt_name),
        attr_max_name: val(&s.attr_max_name),
        header: val(&s.header),
        subset_of,
        attrs,
        pos: here(&s.name).pos,
        by_name,
        by_value,
    }
}

fn subset_attr(
    cx: &mut Ctx,
    consts: &Consts,
    a: &Sp<RawAttr>,
    sup: &AttrSet,
    set_cx: &str,
) -> Option<Attr> {
    let name = &a.value.name;
    let Some(base) = sup.attr(&name.value) else {
        let kind = ErrorKind::NotInSuperset {
            name: name.value.clone(),
            superset: sup.name.clone(),
        };
        cx.err(
            here(name),
            &format!("{set_cx} attribute \"{}\"", name.value),
            kind,
        );
        return None;
    };
    if let Some(v) = &a.value.value
        && i128::from(v.value) != i128::from(base.value)
    {
        let why = format!(
            "a subset attribute has the value of its superset attribute ({})",
            base.value
        );
        let acx = format!("{set_cx} attribute \"{}\"", name.value);
        cx.err(here(v), &acx, ErrorKind::NotAllowed { key: "value", why });
    }
    Some(attribute(
        cx,
        consts,
        a,
        Some(base.clone()),
        base.value,
        set_cx,
    ))
}

fn blank(name: &str, value: u16, pos: Pos) -> Attr {
    Attr {
        name: name.to_owned(),
        doc: None,
        value,
        ty: AttrType::Unused,
        sub_type: None,
        multi: false,
        nested: None,
        struct_: None,
        enum_: None,
        enum_as_flags: false,
        sub_message: None,
        selector: None,
        byte_order: ByteOrder::Host,
        display_hint: None,
        checks: Checks::default(),
        type_value: Vec::new(),
        name_prefix: None,
        pos,
    }
}

fn attr_type(cx: &mut Ctx, t: &Sp<String>, key: &'static str, context: &str) -> Option<AttrType> {
    let ty = AttrType::parse(&t.value);
    if ty.is_none() {
        let kind = ErrorKind::UnknownType {
            key,
            name: t.value.clone(),
        };
        cx.err(here(t), context, kind);
    }
    ty
}

/// Builds one attribute: a fresh one, or a subset's copy of its superset attribute with the
/// subset's own keys laid over it.
fn attribute(
    cx: &mut Ctx,
    consts: &Consts,
    a: &Sp<RawAttr>,
    base: Option<Attr>,
    value: u16,
    set_cx: &str,
) -> Attr {
    let r = &a.value;
    let context = format!("{set_cx} attribute \"{}\"", r.name.value);
    let pos = here(&r.name).pos;
    let inherited = base.is_some();
    let mut at = base.unwrap_or_else(|| blank(&r.name.value, value, pos));
    at.pos = pos;
    match &r.ty {
        Some(t) => at.ty = attr_type(cx, t, "type", &context).unwrap_or(AttrType::Unused),
        None if !inherited => {
            let why = "only subset attributes inherit their type";
            cx.err(
                here(&r.name),
                &context,
                ErrorKind::Missing { key: "type", why },
            );
        }
        None => {}
    }
    if let Some(d) = &r.doc {
        at.doc = Some(d.clone());
    }
    if let Some(t) = &r.sub_type {
        at.sub_type = attr_type(cx, t, "sub-type", &context);
    }
    if let Some(m) = r.multi_attr {
        at.multi = m;
    }
    if let Some(n) = &r.nested_attributes {
        at.nested = cx.set_ref(n, "nested-attributes", &context);
    }
    if let Some(s) = &r.struct_ {
        at.struct_ = cx.def_ref(s, "struct", &context, &["struct"], "struct");
    }
    if let Some(e) = &r.enum_ {
        at.enum_ = cx.def_ref(e, "enum", &context, &["enum", "flags"], "enum or flags");
    }
    if let Some(f) = r.enum_as_flags {
        at.enum_as_flags = f;
    }
    if let Some(m) = &r.sub_message {
        at.sub_message = cx.sub_message_ref(m, "sub-message", &context);
    }
    if let Some(s) = &r.selector {
        at.selector = Some(s.value.clone());
    }
    if r.byte_order.is_some() {
        at.byte_order = cx.byte_order(r.byte_order.as_ref(), &context);
    }
    if r.display_hint.is_some() {
        at.display_hint = cx.display_hint(r.display_hint.as_ref(), &context);
    }
    if let Some(c) = &r.checks {
        at.checks = checks(cx, consts, c, &context);
    }
    if let Some(tv) = &r.type_value {
        at.type_value = tv.clone();
    }
    if let Some(p) = &r.name_prefix {
        at.name_prefix = Some(p.value.clone());
    }
    if !inherited || overrides_shape(r) {
        shape(cx, &at, r, &context);
    }
    at
}

fn checks(cx: &mut Ctx, consts: &Consts, c: &Sp<RawChecks>, context: &str) -> Checks {
    let c = &c.value;
    Checks {
        min: c
            .min
            .as_ref()
            .and_then(|v| cx.limit(consts, v, "min", context)),
        max: c
            .max
            .as_ref()
            .and_then(|v| cx.limit(consts, v, "max", context)),
        min_len: c
            .min_len
            .as_ref()
            .and_then(|v| cx.length(consts, v, "min-len", context)),
        max_len: c
            .max_len
            .as_ref()
            .and_then(|v| cx.length(consts, v, "max-len", context)),
        exact_len: c
            .exact_len
            .as_ref()
            .and_then(|v| cx.length(consts, v, "exact-len", context)),
        unterminated_ok: c.unterminated_ok.unwrap_or(false),
        flags_mask: c
            .flags_mask
            .as_ref()
            .and_then(|f| cx.def_ref(f, "flags-mask", context, &["flags"], "flags")),
    }
}
