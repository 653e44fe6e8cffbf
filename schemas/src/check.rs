//! Checks that need the whole resolved family: unique values, selector scopes.

use std::collections::{HashMap, HashSet};

use crate::error::{ErrorKind, Pos};
use crate::ir::{AttrSet, DefKind, EnumModel, Family};
use crate::resolve::{Ctx, Here};

fn at(pos: Pos) -> Here {
    Here { pos, used_at: None }
}

/// Reports the second and later items that share a value.
fn unique<'a>(
    cx: &mut Ctx,
    what: &'static str,
    items: impl IntoIterator<Item = (i128, &'a str, Pos, String)>,
) {
    let mut seen: HashMap<i128, (&str, u32)> = HashMap::new();
    for (value, name, pos, context) in items {
        if let Some(&(other, other_line)) = seen.get(&value) {
            let kind = ErrorKind::DuplicateValue {
                what,
                value,
                other: other.to_owned(),
                other_line,
            };
            cx.err(at(pos), &context, kind);
            continue;
        }
        seen.insert(value, (name, pos.line));
    }
}

/// Reports the second and later items that share a name.
fn unique_names<'a>(
    cx: &mut Ctx,
    what: &'static str,
    items: impl IntoIterator<Item = (&'a str, Pos, String)>,
) {
    let mut seen: HashMap<&str, u32> = HashMap::new();
    for (name, pos, context) in items {
        if let Some(&first_line) = seen.get(name) {
            let kind = ErrorKind::DuplicateName {
                what,
                name: name.to_owned(),
                first_line,
            };
            cx.err(at(pos), &context, kind);
            continue;
        }
        seen.insert(name, pos.line);
    }
}

/// Runs every family-wide check.
pub(crate) fn check(cx: &mut Ctx, f: &Family) {
    attr_values(cx, f);
    definitions(cx, f);
    op_values(cx, f);
    let groups = f.mcast_groups.iter().filter_map(|g| {
        Some((
            g.value?.into(),
            g.name.as_str(),
            g.pos,
            format!("mcast-group \"{}\"", g.name),
        ))
    });
    unique(cx, "multicast group value", groups);
    selectors(cx, f);
}

fn attr_values(cx: &mut Ctx, f: &Family) {
    for s in f.attr_sets.iter().filter(|s| s.subset_of.is_none()) {
        let items = s.attrs.iter().map(|a| {
            let context = format!("attribute-set \"{}\" attribute \"{}\"", s.name, a.name);
            (a.value.into(), a.name.as_str(), a.pos, context)
        });
        unique(cx, "attribute value", items);
    }
}

fn definitions(cx: &mut Ctx, f: &Family) {
    for d in &f.definitions {
        let context = format!("definition \"{}\"", d.name);
        match &d.kind {
            DefKind::Enum(e) => {
                let items = e
                    .entries
                    .iter()
                    .map(|x| (x.name.as_str(), x.pos, context.clone()));
                unique_names(cx, "entry", items);
                let what = if e.flags { "bit" } else { "entry value" };
                let items = e
                    .entries
                    .iter()
                    .map(|x| (x.value.into(), x.name.as_str(), x.pos, context.clone()));
                unique(cx, what, items);
            }
            DefKind::Struct(s) => {
                let items = s
                    .members
                    .iter()
                    .map(|m| (m.name.as_str(), m.pos, context.clone()));
                unique_names(cx, "member", items);
            }
            DefKind::Const(_) => {}
        }
    }
}

/// Request ids are unique in both models; in the unified model every op owns its id. Reply ids
/// repeat legitimately in the directional model (a `get` reply and a `new` notification).
fn op_values(cx: &mut Ctx, f: &Family) {
    let what = match f.ops.enum_model {
        EnumModel::Unified => "op value",
        EnumModel::Directional => "request value",
    };
    let items = f.ops.list.iter().filter_map(|op| {
        let context = format!("op \"{}\"", op.name);
        Some((op.req_value?.into(), op.name.as_str(), op.pos, context))
    });
    unique(cx, what, items);
}

/// Sets that nest each set, directly or as a sub-message format.
fn parents(f: &Family) -> Vec<Vec<usize>> {
    let mut parents = vec![Vec::new(); f.attr_sets.len()];
    for (i, s) in f.attr_sets.iter().enumerate() {
        for a in &s.attrs {
            if let Some(n) = a.nested {
                parents[n.0].push(i);
            }
            let formats = a
                .sub_message
                .map(|m| f[m].formats.as_slice())
                .unwrap_or_default();
            for fmt in formats {
                if let Some(n) = fmt.attr_set {
                    parents[n.0].push(i);
                }
            }
        }
    }
    parents
}

/// The selector of a sub-message attribute must be in its set or a set that nests it.
fn selectors(cx: &mut Ctx, f: &Family) {
    let parents = parents(f);
    for (i, s) in f.attr_sets.iter().enumerate() {
        for a in &s.attrs {
            let Some(sel) = &a.selector else { continue };
            if !in_scope(f, &parents, i, sel) {
                let kind = ErrorKind::UnknownSelector {
                    name: sel.clone(),
                    set: s.name.clone(),
                };
                let context = format!("attribute-set \"{}\" attribute \"{}\"", s.name, a.name);
                cx.err(at(a.pos), &context, kind);
            }
        }
    }
}

fn in_scope(f: &Family, parents: &[Vec<usize>], start: usize, name: &str) -> bool {
    let has = |s: &AttrSet| s.attr(name).is_some();
    let mut seen = HashSet::from([start]);
    let mut todo = vec![start];
    while let Some(i) = todo.pop() {
        if has(&f.attr_sets[i]) {
            return true;
        }
        for &p in &parents[i] {
            if seen.insert(p) {
                todo.push(p);
            }
        }
    }
    false
}
