//! Which nests the generated encoders write with `NLA_F_NESTED`: the rule is
//! [`crate::rules::NestedFlags`], which the run-time codec (the `nlwire` CLI) follows too.

use crate::ir::{Attr, Family, SetId};
use crate::rules::{self, NestedFlags};

/// Per set: are its nests written with `NLA_F_NESTED`?
pub(crate) fn strict_sets(f: &Family) -> Vec<bool> {
    let flags = NestedFlags::new(f);
    (0..f.attr_sets.len())
        .map(|i| flags.set(SetId(i)))
        .collect()
}

/// Is attribute `a` of a set whose strictness is `strict` written with `NLA_F_NESTED` (when
/// the generated kind is a nest)?
pub(crate) fn flagged(strict: bool, a: &Attr) -> bool {
    rules::attr_flagged(strict, a)
}
