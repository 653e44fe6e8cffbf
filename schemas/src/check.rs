//! Checks that need the whole resolved family: unique values, selector scopes.

use std::collections::{HashMap, HashSet};

use crate::error::{ErrorKind, Pos};
use crate::ir::{DefKind, EnumModel, Family};
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

/// Nodes of the nesting graph: attribute sets by index, then sub-messages after them.
/// `parents[n]` lists the nodes whose payload can hold node `n`.
fn parents(f: &Family) -> Vec<Vec<usize>> {
    let sets = f.attr_sets.len();
    let mut parents = vec![Vec::new(); sets + f.sub_messages.len()];
    for (i, s) in f.attr_sets.iter().enumerate() {
        for a in &s.attrs {
            if let Some(n) = a.nested {
                parents[n.0].push(i);
            }
            if let Some(m) = a.sub_message {
                parents[sets + m.0].push(i);
            }
        }
    }
    for (m, msg) in f.sub_messages.iter().enumerate() {
        for fmt in &msg.formats {
            if let Some(n) = fmt.attr_set {
                parents[n.0].push(sets + m);
            }
        }
    }
    for p in &mut parents {
        p.sort_unstable();
        p.dedup();
    }
    parents
}

/// Graph nodes the selector searches may visit in all; past it the remaining selectors are
/// not checked (only specs built to be slow come near it).
const SELECTOR_BUDGET: usize = 1_000_000;

/// The selector of a sub-message attribute must be in its set or a set that nests it.
fn selectors(cx: &mut Ctx, f: &Family) {
    let parents = parents(f);
    let mut budget = SELECTOR_BUDGET;
    for (i, s) in f.attr_sets.iter().enumerate() {
        for a in &s.attrs {
            let Some(sel) = &a.selector else { continue };
            match in_scope(f, &parents, i, sel, &mut budget) {
                Some(true) => {}
                Some(false) => {
                    let kind = ErrorKind::UnknownSelector {
                        name: sel.clone(),
                        set: s.name.clone(),
                    };
                    let context = format!("attribute-set \"{}\" attribute \"{}\"", s.name, a.name);
                    cx.err(at(a.pos), &context, kind);
                }
                None => return,
            }
        }
    }
}

/// Whether `name` is an attribute of set `start` or of a set that nests it; `None` when the
/// budget runs out.
fn in_scope(
    f: &Family,
    parents: &[Vec<usize>],
    start: usize,
    name: &str,
    budget: &mut usize,
) -> Option<bool> {
    let mut seen = HashSet::from([start]);
    let mut todo = vec![start];
    while let Some(i) = todo.pop() {
        *budget = budget.checked_sub(1)?;
        if f.attr_sets.get(i).is_some_and(|s| s.attr(name).is_some()) {
            return Some(true);
        }
        for &p in &parents[i] {
            if seen.insert(p) {
                todo.push(p);
            }
        }
    }
    Some(false)
}
