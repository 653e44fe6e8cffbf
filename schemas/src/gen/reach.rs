//! Which items a family generates when some of its sets are extern (taken from another
//! module, see `Options::extern_set`): an extern set is not generated, and neither is a
//! set, sub-message, enum or struct that only extern sets lead to. Everything else is
//! kept: what an op, a kept set or a kept struct uses, and every item that nothing in the
//! family uses (a standalone enum, say). Consts are always kept. With no extern set,
//! everything is kept.

use std::collections::HashSet;

use crate::ir::{DefId, DefKind, Family, SetId, SubMsgId};

/// An item that can be left out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Item {
    Set(usize),
    Sub(usize),
    Def(usize),
}

/// The items `item` refers to.
fn uses(f: &Family, item: Item) -> Vec<Item> {
    let mut out = Vec::new();
    let def = |d: Option<DefId>| d.map(|d| Item::Def(d.0));
    match item {
        Item::Set(i) => {
            for a in &f.attr_sets[i].attrs {
                out.extend(a.nested.map(|SetId(s)| Item::Set(s)));
                out.extend(a.sub_message.map(|SubMsgId(m)| Item::Sub(m)));
                out.extend(def(a.struct_));
                out.extend(def(a.enum_));
                out.extend(def(a.checks.flags_mask));
            }
            out.extend(f.attr_sets[i].subset_of.map(|SetId(s)| Item::Set(s)));
        }
        Item::Sub(i) => {
            for fmt in &f.sub_messages[i].formats {
                out.extend(fmt.attr_set.map(|SetId(s)| Item::Set(s)));
                out.extend(def(fmt.fixed_header));
            }
        }
        Item::Def(i) => {
            if let DefKind::Struct(s) = &f.definitions[i].kind {
                for m in &s.members {
                    out.extend(def(m.struct_));
                    out.extend(def(m.enum_));
                }
            }
        }
    }
    out
}

/// Everything reachable from `from` without entering `stop` (the `from` items included,
/// unless they are in `stop`).
fn reach(f: &Family, from: impl IntoIterator<Item = Item>, stop: &HashSet<Item>) -> HashSet<Item> {
    let mut seen = HashSet::new();
    let mut work: Vec<Item> = from.into_iter().filter(|i| !stop.contains(i)).collect();
    while let Some(i) = work.pop() {
        if !seen.insert(i) {
            continue;
        }
        work.extend(uses(f, i).into_iter().filter(|u| !stop.contains(u)));
    }
    seen
}

/// What to generate: per set, sub-message and definition, whether it is emitted.
pub(crate) struct Kept {
    pub(crate) sets: Vec<bool>,
    pub(crate) subs: Vec<bool>,
    pub(crate) defs: Vec<bool>,
}

/// The items to generate, given which sets are extern.
pub(crate) fn kept(f: &Family, extern_sets: &[bool]) -> Kept {
    let all: Vec<Item> = (0..f.attr_sets.len())
        .map(Item::Set)
        .chain((0..f.sub_messages.len()).map(Item::Sub))
        .chain((0..f.definitions.len()).map(Item::Def))
        .collect();
    let ext: HashSet<Item> = (0..f.attr_sets.len())
        .filter(|&i| extern_sets[i])
        .map(Item::Set)
        .collect();
    // Items only the extern sets lead to are dropped, unless a root leads to them too.
    let behind_extern = reach(f, ext.iter().flat_map(|&e| uses(f, e)), &HashSet::new());
    let ops = f.ops.list.iter().flat_map(|op| {
        op.attr_set
            .map(|SetId(s)| Item::Set(s))
            .into_iter()
            .chain(op.fixed_header.map(|d| Item::Def(d.0)))
    });
    let roots = all
        .iter()
        .copied()
        .filter(|i| !behind_extern.contains(i))
        .chain(ops);
    let keep = reach(f, roots, &ext);
    let is_const = |i: usize| matches!(f.definitions[i].kind, DefKind::Const(_));
    Kept {
        sets: (0..f.attr_sets.len())
            .map(|i| keep.contains(&Item::Set(i)))
            .collect(),
        subs: (0..f.sub_messages.len())
            .map(|i| keep.contains(&Item::Sub(i)))
            .collect(),
        defs: (0..f.definitions.len())
            .map(|i| is_const(i) || keep.contains(&Item::Def(i)))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = "
name: t
doc: T.
protocol: genetlink-legacy
definitions:
  - {name: hdr, type: struct, members: [{name: a, type: u32}]}
  - {name: inner-s, type: struct, members: [{name: b, type: u32, enum: e}]}
  - {name: e, type: enum, entries: [x, y]}
  - {name: lone, type: enum, entries: [z]}
  - {name: c, type: const, value: 1}
attribute-sets:
  - name: top
    attributes:
      - {name: key, type: nest, nested-attributes: key}
      - {name: both, type: nest, nested-attributes: shared}
  - name: key
    attributes:
      - {name: deep, type: nest, nested-attributes: deep}
      - {name: shared, type: nest, nested-attributes: shared}
      - {name: self, type: nest, nested-attributes: key}
  - name: deep
    attributes:
      - {name: s, type: binary, struct: inner-s}
      - {name: back, type: nest, nested-attributes: deep2}
  - name: deep2
    attributes:
      - {name: back, type: nest, nested-attributes: deep}
  - name: shared
    attributes: [{name: v, type: u8}]
  - name: orphan
    attributes: [{name: w, type: u8}]
operations:
  fixed-header: hdr
  list:
    - {name: get, doc: Get., attribute-set: top, do: {request: {attributes: [key]}}}
";

    #[test]
    fn only_what_extern_sets_alone_lead_to_is_dropped() {
        let f = crate::load_str(SPEC, "t.yaml").unwrap();
        let set = |n: &str| f.set_id(n).unwrap().0;
        let def = |n: &str| f.def_id(n).unwrap().0;
        let none = kept(&f, &vec![false; f.attr_sets.len()]);
        assert!(
            none.sets
                .iter()
                .chain(&none.defs)
                .chain(&none.subs)
                .all(|k| *k)
        );

        let mut ext = vec![false; f.attr_sets.len()];
        ext[set("key")] = true;
        let k = kept(&f, &ext);
        for (name, want) in [
            ("top", true),
            ("key", false),
            // Only `key` leads to these, a cycle among them included.
            ("deep", false),
            ("deep2", false),
            // `top` uses it too.
            ("shared", true),
            // Nothing uses it: a root.
            ("orphan", true),
        ] {
            assert_eq!(k.sets[set(name)], want, "{name}");
        }
        for (name, want) in [
            ("hdr", true),
            ("inner-s", false),
            ("e", false),
            ("lone", true),
            ("c", true),
        ] {
            assert_eq!(k.defs[def(name)], want, "{name}");
        }
    }
}
