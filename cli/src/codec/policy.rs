//! The codec's policy types for the run-time codec: an attribute is checked by
//! [`nlwire::Policy::validate`] against the entry [`nlwire_schema::rules`] gives for it,
//! the entry the generated code holds, so both paths accept the same wire shapes and say
//! why in the same words.
//!
//! The decoder checks the shape ([`nlwire_schema::rules::shape`]: the kind's lengths, a
//! struct's size, a string's terminator), not the spec's `checks`: those say what the
//! kernel accepts as input, and a decoded message is shown as it was sent (a captured
//! request the kernel refused, its verdict beside it in the NLMSG_ERROR). It accepts two
//! things more, because kernels send them:
//! NUL padding after a string's terminator (fixed-size kernel buffers), and a struct
//! longer than the schema's (kernel structs grow; the members the schema knows are
//! decoded). Nests are checked level by level as the decoder walks into them, so one
//! broken inner attribute does not hide its neighbours.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use nlwire::{AttrKind, AttrPolicy, Policy};
use nlwire_schema::rules::{self, PolicyRule, WireKind};
use nlwire_schema::{Attr as IrAttr, Family};

use super::wire_message;

/// The codec's kind for a schema rule's kind.
pub fn attr_kind(k: WireKind) -> AttrKind {
    match k {
        WireKind::Flag => AttrKind::Flag,
        WireKind::U8 => AttrKind::U8,
        WireKind::U16 => AttrKind::U16,
        WireKind::U32 => AttrKind::U32,
        WireKind::U64 => AttrKind::U64,
        WireKind::S8 => AttrKind::S8,
        WireKind::S16 => AttrKind::S16,
        WireKind::S32 => AttrKind::S32,
        WireKind::S64 => AttrKind::S64,
        WireKind::Uint => AttrKind::Uint,
        WireKind::Sint => AttrKind::Sint,
        WireKind::Binary => AttrKind::Binary,
        WireKind::String => AttrKind::String,
        WireKind::StringUnterminated => AttrKind::StringUnterminated,
        WireKind::Nested => AttrKind::Nested,
        WireKind::NestedArray => AttrKind::NestedArray,
        WireKind::Bitfield32 => AttrKind::Bitfield32,
        WireKind::Pad => AttrKind::Pad,
    }
}

/// The codec's policy entry for a schema rule (without a nested policy), named `name`.
///
/// ```
/// use nlwire_schema::rules;
/// let f = nlwire_schema::builtin::load("ovs_vport").unwrap()?;
/// let rule = rules::policy(&f, f.set("vport").unwrap().attr("name").unwrap()).unwrap();
/// let p = nlwire_cli::codec::policy::attr_policy("name", 3, &rule);
/// assert_eq!((p.kind, p.min_len, p.max_len), (nlwire::AttrKind::String, 1, 16));
/// # Ok::<(), nlwire_schema::SchemaError>(())
/// ```
pub fn attr_policy(name: &'static str, ty: u16, r: &PolicyRule) -> AttrPolicy {
    let mut p = AttrPolicy::new(name, ty, attr_kind(r.kind));
    if let Some(n) = r.min_len {
        p = p.min_len(n);
    }
    if let Some(n) = r.max_len {
        p = p.max_len(n);
    }
    if let Some((lo, hi)) = r.range {
        p = p.range(lo, hi);
    }
    if let Some(m) = r.flags_mask {
        p = p.flags_mask(m);
    }
    if r.big_endian {
        p = p.big_endian();
    }
    p
}

/// The type number a checked attribute is given (errors are reported without it: the
/// decoder names the attribute by its schema path).
const TY: u16 = 1;

/// A one-entry policy for `rule`, made once per distinct rule (`Policy::validate` takes
/// `'static` tables; the schemas a process loads hold few distinct rules).
fn interned(rule: PolicyRule) -> &'static Policy {
    static POLICIES: OnceLock<Mutex<HashMap<PolicyRule, &'static Policy>>> = OnceLock::new();
    let mut map = POLICIES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    map.entry(rule).or_insert_with(|| {
        let entries: &'static [AttrPolicy] =
            Box::leak(Box::new([attr_policy("attribute", TY, &rule)]));
        Box::leak(Box::new(Policy::new("attribute", entries)))
    })
}

/// The rule the decoder checks attribute `ir` by (`None`: nothing to check at this
/// level): its shape, with a struct's length left open at the top.
fn decode_rule(fam: &Family, ir: &IrAttr) -> Option<PolicyRule> {
    let mut rule = rules::shape(fam, ir)?;
    match rule.kind {
        WireKind::Nested | WireKind::NestedArray | WireKind::Pad => return None,
        _ => {}
    }
    if ir.struct_.is_some() && ir.struct_array().is_none() {
        rule.max_len = None;
    }
    rule.nested = None;
    Some(rule)
}

/// Checks the payload of attribute `ir` through the codec's policy; the error is the
/// codec's description of the broken rule (`length 3, expected 4`,
/// `string does not end in NUL`).
///
/// ```
/// let f = nlwire_schema::builtin::load("ovs_vport").unwrap()?;
/// let name = f.set("vport").unwrap().attr("name").unwrap();
/// use nlwire_cli::codec::policy::check;
/// assert_eq!(check(&f, name, b"vport0\0"), Ok(()));
/// assert_eq!(check(&f, name, b"vport0\0\0\0\0"), Ok(()));
/// assert_eq!(check(&f, name, b"vport0"), Err("string does not end in NUL".into()));
/// let port = f.set("vport").unwrap().attr("port-no").unwrap();
/// assert_eq!(check(&f, port, &[1, 0]), Err("length 2, expected 4".into()));
/// # Ok::<(), nlwire_schema::SchemaError>(())
/// ```
pub fn check(fam: &Family, ir: &IrAttr, payload: &[u8]) -> Result<(), String> {
    let Some(rule) = decode_rule(fam, ir) else {
        return Ok(());
    };
    let mut payload = payload;
    if rule.kind == WireKind::String
        && let Some(nul) = payload.iter().position(|c| *c == 0)
        && payload[nul..].iter().all(|c| *c == 0)
    {
        payload = &payload[..=nul];
    }
    let len = u16::try_from(4 + payload.len()).map_err(|_| "attribute too long".to_string())?;
    let mut tlv = Vec::with_capacity(usize::from(len).next_multiple_of(4));
    tlv.extend(len.to_ne_bytes());
    tlv.extend(TY.to_ne_bytes());
    tlv.extend(payload);
    tlv.resize(tlv.len().next_multiple_of(4), 0);
    interned(rule).validate(&tlv).map_err(|e| wire_message(&e))
}
