//! Which nests must be boxed: a generated type that holds itself by value, directly or
//! through other types, has no size. Edges through `Vec` (lists, `multi-attr`, indexed
//! arrays, nest-type-value) are indirect already; by-value edges inside one strongly
//! connected component are boxed.

use std::collections::{HashMap, HashSet};

use super::Gen;
use super::sets;
use crate::ir::{SetId, SubMsgId};

/// A generated type that can hold others by value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Node {
    /// An attribute set (struct or list enum).
    Set(SetId),
    /// A sub-message enum.
    Sub(SubMsgId),
}

/// The by-value edges of the family's types.
fn edges(g: &Gen<'_>) -> HashMap<Node, Vec<Node>> {
    let mut out: HashMap<Node, Vec<Node>> = HashMap::new();
    // Only generated types hold others; an extern type cannot hold ours.
    for (i, set) in g.f.attr_sets.iter().enumerate() {
        if !g.emits_set(SetId(i)) {
            continue;
        }
        let from = Node::Set(SetId(i));
        let list = g.list_sets[i];
        for a in &set.attrs {
            match sets::by_value_target(g, SetId(i), a, list) {
                Some(Node::Set(t)) if !g.emits_set(t) => {}
                Some(to) => out.entry(from).or_default().push(to),
                None => {}
            }
        }
    }
    for (i, m) in g.f.sub_messages.iter().enumerate() {
        let from = Node::Sub(SubMsgId(i));
        for fmt in &m.formats {
            if let Some(s) = fmt.attr_set
                && !g.list_sets[s.0]
                && g.emits_set(s)
            {
                out.entry(from).or_default().push(Node::Set(s));
            }
        }
    }
    out
}

/// Tarjan's strongly connected components, iteratively (no recursion on hostile depth).
fn components(nodes: &[Node], edges: &HashMap<Node, Vec<Node>>) -> HashMap<Node, usize> {
    let mut index: HashMap<Node, usize> = HashMap::new();
    let mut low: HashMap<Node, usize> = HashMap::new();
    let mut on_stack: HashSet<Node> = HashSet::new();
    let mut stack: Vec<Node> = Vec::new();
    let mut comp: HashMap<Node, usize> = HashMap::new();
    let mut next = 0usize;
    let mut ncomp = 0usize;
    let none: Vec<Node> = Vec::new();
    for &root in nodes {
        if index.contains_key(&root) {
            continue;
        }
        // (node, next edge to visit)
        let mut work: Vec<(Node, usize)> = vec![(root, 0)];
        while let Some(&mut (v, ref mut ei)) = work.last_mut() {
            if *ei == 0 && !index.contains_key(&v) {
                index.insert(v, next);
                low.insert(v, next);
                next += 1;
                stack.push(v);
                on_stack.insert(v);
            }
            let succ = edges.get(&v).unwrap_or(&none);
            if let Some(&w) = succ.get(*ei) {
                *ei += 1;
                if !index.contains_key(&w) {
                    work.push((w, 0));
                } else if on_stack.contains(&w) {
                    let lw = index[&w].min(low[&v]);
                    low.insert(v, lw);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                let lp = low[&parent].min(low[&v]);
                low.insert(parent, lp);
            }
            if low[&v] == index[&v] {
                while let Some(w) = stack.pop() {
                    on_stack.remove(&w);
                    comp.insert(w, ncomp);
                    if w == v {
                        break;
                    }
                }
                ncomp += 1;
            }
        }
    }
    comp
}

/// The by-value edges that close a cycle.
pub(crate) fn boxed_edges(g: &Gen<'_>) -> HashSet<(Node, Node)> {
    let edges = edges(g);
    let nodes: Vec<Node> = (0..g.f.attr_sets.len())
        .map(|i| Node::Set(SetId(i)))
        .chain((0..g.f.sub_messages.len()).map(|i| Node::Sub(SubMsgId(i))))
        .collect();
    let comp = components(&nodes, &edges);
    let mut out = HashSet::new();
    for (from, tos) in &edges {
        for to in tos {
            if comp.get(from) == comp.get(to) {
                out.insert((*from, *to));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycles_are_found() {
        let a = Node::Set(SetId(0));
        let b = Node::Set(SetId(1));
        let c = Node::Set(SetId(2));
        let d = Node::Sub(SubMsgId(0));
        let mut e: HashMap<Node, Vec<Node>> = HashMap::new();
        e.insert(a, vec![a, b]);
        e.insert(b, vec![c]);
        e.insert(c, vec![b, d]);
        let comp = components(&[a, b, c, d], &e);
        assert_ne!(comp[&a], comp[&b]);
        assert_eq!(comp[&b], comp[&c]);
        assert_ne!(comp[&c], comp[&d]);
    }
}
