//! Which nests the generated encoders write with `NLA_F_NESTED`.
//!
//! The kernel demands the flag where it validates strictly: a genetlink op validates its
//! request strictly unless the spec's `dont-validate` relaxes it (`strict` for `do`, `dump`
//! or `dump-strict` for `dump`), and strict validation rejects a nest without the flag at
//! every level its policy reaches. Liberal validation ignores the flag, so writing it
//! is always safe; leaving it out keeps the bytes of families whose own userspace never
//! writes it (OVS) identical to theirs. So a set's nests carry the flag when:
//!
//! - the family is `netlink-raw`: the spec says nothing of validation, and YNL's encoders
//!   set the flag on every nest;
//! - a strictly validated request reaches the set (through nests and sub-messages from
//!   the op's attribute set);
//! - no request reaches the set at all (replies and notifications only): YNL's default.
//!
//! A nest the kernel parses strictly by hand (OVS's psample action, inside liberally
//! validated actions) says so with the `[nla-f-nested]` doc tag, and carries the flag
//! wherever it is.

use std::collections::HashSet;

use crate::ir::{Attr, Family, SetId};

/// The sets reached from `from`, through nests and sub-message formats.
fn reach(f: &Family, from: impl IntoIterator<Item = SetId>) -> HashSet<usize> {
    let mut seen = HashSet::new();
    let mut work: Vec<usize> = from.into_iter().map(|s| s.0).collect();
    while let Some(i) = work.pop() {
        if !seen.insert(i) {
            continue;
        }
        for a in &f.attr_sets[i].attrs {
            work.extend(a.nested.map(|s| s.0));
            if let Some(m) = a.sub_message {
                work.extend(f[m].formats.iter().filter_map(|x| x.attr_set.map(|s| s.0)));
            }
        }
    }
    seen
}

/// Per set: are its nests written with `NLA_F_NESTED`?
pub(crate) fn strict_sets(f: &Family) -> Vec<bool> {
    if !f.protocol.is_genetlink() {
        return vec![true; f.attr_sets.len()];
    }
    let mut strict = Vec::new();
    let mut any = Vec::new();
    for op in &f.ops.list {
        let Some(set) = op.attr_set else { continue };
        let dv = op.dont_validate;
        if op.do_.is_some() {
            any.push(set);
            if !dv.strict {
                strict.push(set);
            }
        }
        if op.dump.is_some() {
            any.push(set);
            if !(dv.dump || dv.dump_strict) {
                strict.push(set);
            }
        }
    }
    let strict = reach(f, strict);
    let any = reach(f, any);
    (0..f.attr_sets.len())
        .map(|i| strict.contains(&i) || !any.contains(&i))
        .collect()
}

/// Is attribute `a` of a set whose strictness is `strict` written with `NLA_F_NESTED` (when
/// the generated kind is a nest)?
pub(crate) fn flagged(strict: bool, a: &Attr) -> bool {
    strict || a.needs_nested_flag()
}
