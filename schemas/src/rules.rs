//! The wire rules that the compile-time path (the generated code, through the derives)
//! and the run-time path (the `nlwire` CLI, which interprets the IR) both follow, so the
//! two write the same bytes and check the same things.
//!
//! - [`NestedFlags`]: which nests carry `NLA_F_NESTED`.
//! - [`indexed_entry_type`]: the type number of an indexed array's entry.
//! - [`policy`]: the policy-table entry of an attribute ([`PolicyRule`], in the terms of
//!   `nlwire::AttrPolicy`, which this crate does not depend on); [`shape`], the part of
//!   it the wire shape alone demands.
//!
//! Names need no rule of their own here: the run-time path uses the spec's names as
//! they are, and only the generator cases them (see [`codegen`](crate::codegen)).

use std::collections::HashSet;

use crate::ir::{Attr, AttrType, ByteOrder, Checks, Family, IntType, SetId, SubMsgFormat};

/// Which nests are written with `NLA_F_NESTED`.
///
/// The kernel demands the flag where it validates strictly: a genetlink op validates its
/// request strictly unless the spec's `dont-validate` relaxes it (`strict` for `do`,
/// `dump` or `dump-strict` for `dump`), and strict validation rejects a nest without the
/// flag at every level its policy reaches. Liberal validation ignores the flag, so writing
/// it is always safe; leaving it out keeps the bytes of families whose own userspace never
/// writes it (OVS) identical to theirs. So a set's nests carry the flag when:
///
/// - the family is `netlink-raw`: the spec says nothing of validation, and YNL's encoders
///   set the flag on every nest;
/// - a strictly validated request reaches the set (through nests and sub-messages from
///   the op's attribute set);
/// - no request reaches the set at all (replies and notifications only): YNL's default.
///
/// A nest the kernel parses strictly by hand (OVS's psample action, inside liberally
/// validated actions) says so with the `[nla-f-nested]` doc tag
/// ([`Attr::needs_nested_flag`]), and carries the flag wherever it is.
///
/// The flag goes on the header of the attribute that is written as a nest (`nest`,
/// `indexed-array`, `sub-message`), never on the entries of an indexed array (see
/// [`indexed_entry_type`]); a sub-message carries it only in a format that holds
/// attributes ([`NestedFlags::sub_message`]).
///
/// ```
/// let f = nlwire_schema::builtin::load("ovs_flow").unwrap()?;
/// let flags = nlwire_schema::rules::NestedFlags::new(&f);
/// let actions = f.set_id("action-attrs").unwrap();
/// // OVS validates its requests liberally: no flag, but on psample (tagged).
/// assert!(!flags.set(actions));
/// assert!(!flags.attr(actions, f[actions].attr("sample").unwrap()));
/// assert!(flags.attr(actions, f[actions].attr("psample").unwrap()));
///
/// let f = nlwire_schema::builtin::load("nlctrl").unwrap()?;
/// let flags = nlwire_schema::rules::NestedFlags::new(&f);
/// // getpolicy's dump is validated strictly and reaches ctrl-attrs.
/// assert!(flags.set(f.set_id("ctrl-attrs").unwrap()));
/// # Ok::<(), nlwire_schema::SchemaError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NestedFlags {
    /// Per set: are its nests flagged?
    sets: Vec<bool>,
}

impl NestedFlags {
    /// The decision for every set of `f`.
    pub fn new(f: &Family) -> Self {
        if !f.protocol.is_genetlink() {
            return NestedFlags {
                sets: vec![true; f.attr_sets.len()],
            };
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
        NestedFlags {
            sets: (0..f.attr_sets.len())
                .map(|i| strict.contains(&i) || !any.contains(&i))
                .collect(),
        }
    }

    /// Are the nests of `set` flagged (strictly validated, or reached by no request)?
    pub fn set(&self, set: SetId) -> bool {
        self.sets.get(set.0).copied().unwrap_or(true)
    }

    /// Is attribute `a` of `set`, written as a nest, flagged?
    pub fn attr(&self, set: SetId, a: &Attr) -> bool {
        attr_flagged(self.set(set), a)
    }

    /// Is sub-message attribute `a` of `set`, written in `format`, flagged? Only a format
    /// that holds attributes says so (YNL's encoders); a fixed header alone is not a nest.
    ///
    /// The derive writes one type number per field, whatever the format, so generated
    /// code flags every format of a flagged sub-message (the kernel parses such payloads,
    /// tc's fixed-header-only qdisc options, without looking at the flag).
    pub fn sub_message(&self, set: SetId, a: &Attr, format: &SubMsgFormat) -> bool {
        self.attr(set, a) && format.attr_set.is_some()
    }
}

/// Is attribute `a`, in a set whose nests are flagged when `set_flagged`, written with
/// `NLA_F_NESTED` (when it is written as a nest)? The set's rule, or the attribute's
/// `[nla-f-nested]` tag.
///
/// ```
/// let f = nlwire_schema::builtin::load("ovs_flow").unwrap()?;
/// let psample = f.set("action-attrs").unwrap().attr("psample").unwrap();
/// assert!(nlwire_schema::rules::attr_flagged(false, psample));
/// # Ok::<(), nlwire_schema::SchemaError>(())
/// ```
pub fn attr_flagged(set_flagged: bool, a: &Attr) -> bool {
    set_flagged || a.needs_nested_flag()
}

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

/// The largest attribute type number (`NLA_TYPE_MASK`: the two top bits are
/// `NLA_F_NESTED` and `NLA_F_NET_BYTEORDER`).
pub const NLA_TYPE_MASK: u16 = 0x3fff;

/// The type number of entry `index` (counted from 0) of an indexed array: the index
/// itself, without `NLA_F_NESTED` whatever the entry holds; `None` past
/// [`NLA_TYPE_MASK`]. The kernel checks an `NLA_NESTED_ARRAY` entry by its payload, not
/// its header, and the derive writes entries so.
///
/// ```
/// use nlwire_schema::rules::indexed_entry_type;
/// assert_eq!(indexed_entry_type(0), Some(0));
/// assert_eq!(indexed_entry_type(0x4000), None);
/// ```
pub fn indexed_entry_type(index: usize) -> Option<u16> {
    u16::try_from(index).ok().filter(|t| *t <= NLA_TYPE_MASK)
}

/// An attribute's wire kind: the kinds of `nlwire::AttrKind`, by the same names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum WireKind {
    Flag,
    U8,
    U16,
    U32,
    U64,
    S8,
    S16,
    S32,
    S64,
    Uint,
    Sint,
    Binary,
    String,
    StringUnterminated,
    Nested,
    NestedArray,
    Bitfield32,
    Pad,
}

/// The policy-table entry of one attribute: what `nlwire::AttrPolicy` holds, apart from
/// the name and type number (the attribute's) and the presence rules (YNL has none).
/// Lengths and ranges the spec does not state are `None`: the kind's own apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PolicyRule {
    /// Wire kind.
    pub kind: WireKind,
    /// Smallest payload length, when the spec or a struct sets it (a string's counts its
    /// NUL, as `nlwire::AttrPolicy` does).
    pub min_len: Option<u32>,
    /// Largest payload length, likewise.
    pub max_len: Option<u32>,
    /// Inclusive value range (an integer's `checks: {min, max}`).
    pub range: Option<(i128, i128)>,
    /// Bits a value may set (`checks: {flags-mask}`).
    pub flags_mask: Option<u64>,
    /// Big-endian integer.
    pub big_endian: bool,
    /// The set of the nested attributes (nests, and indexed arrays of nests).
    pub nested: Option<SetId>,
}

impl PolicyRule {
    fn new(kind: WireKind) -> Self {
        PolicyRule {
            kind,
            min_len: None,
            max_len: None,
            range: None,
            flags_mask: None,
            big_endian: false,
            nested: None,
        }
    }

    fn exact(mut self, n: u32) -> Self {
        self.min_len = Some(n);
        self.max_len = Some(n);
        self
    }

    /// The spec's length checks (`exact-len` over `min-len`/`max-len`); `nul` counts a
    /// string's NUL.
    fn lens(mut self, c: &Checks, nul: u32) -> Self {
        if let Some(n) = c.exact_len {
            return self.exact(n.saturating_add(nul));
        }
        self.min_len = c.min_len.map(|n| n.saturating_add(nul));
        self.max_len = c.max_len.map(|n| n.saturating_add(nul));
        self
    }

    /// The spec's value checks.
    fn ints(mut self, f: &Family, c: &Checks) -> Self {
        if c.min.is_some() || c.max.is_some() {
            self.range = Some((c.min.unwrap_or(i128::MIN), c.max.unwrap_or(i128::MAX)));
        }
        self.mask(f, c)
    }

    fn mask(mut self, f: &Family, c: &Checks) -> Self {
        self.flags_mask = c.flags_mask.and_then(|d| f[d].as_enum()).map(|e| e.mask());
        self
    }
}

/// The policy entry the generated code holds for attribute `a` (`None` for `unused`):
/// the kind of its representation, its struct's size, and the spec's `checks` where the
/// kind takes them. No range is implied by an enum (newer kernels add entries), the
/// entries of an indexed array are not checked, a signed integer with an explicit byte
/// order is checked by its length alone (the codec has no big-endian signed kinds), and
/// a sub-message is opaque at its own level.
///
/// ```
/// use nlwire_schema::rules::{WireKind, policy};
/// let f = nlwire_schema::builtin::load("ovs_vport").unwrap()?;
/// let name = policy(&f, f.set("vport").unwrap().attr("name").unwrap()).unwrap();
/// // `max-len: 15`, and the NUL.
/// assert_eq!((name.kind, name.max_len), (WireKind::String, Some(16)));
/// # Ok::<(), nlwire_schema::SchemaError>(())
/// ```
pub fn policy(f: &Family, a: &Attr) -> Option<PolicyRule> {
    rule(f, a, &a.checks)
}

/// The part of [`policy`] the wire shape of attribute `a` demands, without the spec's
/// `checks` (values and stated lengths: what the kernel accepts as input): the kind's
/// lengths, a struct's size, a string's terminator unless `unterminated-ok`. What a
/// decoder of any message, requests the kernel refused included, can insist on.
///
/// ```
/// use nlwire_schema::rules::{WireKind, shape};
/// let f = nlwire_schema::builtin::load("ovs_vport").unwrap()?;
/// let name = shape(&f, f.set("vport").unwrap().attr("name").unwrap()).unwrap();
/// assert_eq!((name.kind, name.max_len), (WireKind::String, None));
/// # Ok::<(), nlwire_schema::SchemaError>(())
/// ```
pub fn shape(f: &Family, a: &Attr) -> Option<PolicyRule> {
    let c = Checks {
        unterminated_ok: a.checks.unterminated_ok,
        ..Checks::default()
    };
    rule(f, a, &c)
}

/// [`policy`] with the checks `c`.
fn rule(f: &Family, a: &Attr, c: &Checks) -> Option<PolicyRule> {
    use WireKind as K;
    let bytes = || PolicyRule::new(K::Binary).lens(c, 0);
    Some(match a.ty {
        AttrType::Unused => return None,
        AttrType::Pad => PolicyRule::new(K::Pad),
        AttrType::Flag => PolicyRule::new(K::Flag),
        AttrType::Int(t) if t.signed() && t.width() > 1 && a.byte_order != ByteOrder::Host => {
            PolicyRule::new(K::Binary).exact(t.width())
        }
        AttrType::Int(t) => PolicyRule {
            big_endian: a.byte_order == ByteOrder::BigEndian && t.width() > 1,
            ..PolicyRule::new(int_kind(t)).ints(f, c)
        },
        AttrType::Uint => PolicyRule::new(K::Uint).ints(f, c),
        AttrType::Sint => PolicyRule::new(K::Sint).ints(f, c),
        AttrType::String if c.unterminated_ok => PolicyRule::new(K::StringUnterminated).lens(c, 1),
        AttrType::String => PolicyRule::new(K::String).lens(c, 1),
        AttrType::Bitfield32 => PolicyRule::new(K::Bitfield32).mask(f, c),
        AttrType::Binary => match (a.struct_, a.sub_type) {
            (Some(_), Some(AttrType::Binary)) => bytes(),
            (Some(s), _) => match f[s].as_struct() {
                Some(d) => PolicyRule::new(K::Binary).exact(d.size),
                None => bytes(),
            },
            _ => bytes(),
        },
        AttrType::Nest => match a.nested {
            Some(set) => PolicyRule {
                nested: Some(set),
                ..PolicyRule::new(K::Nested)
            },
            None => bytes(),
        },
        AttrType::IndexedArray => match (a.sub_type, a.nested) {
            (Some(AttrType::Nest), Some(set)) => PolicyRule {
                nested: Some(set),
                ..PolicyRule::new(K::NestedArray)
            },
            (Some(AttrType::Nest), None) => bytes(),
            (
                Some(
                    AttrType::Int(_)
                    | AttrType::Uint
                    | AttrType::Sint
                    | AttrType::String
                    | AttrType::Binary,
                ),
                _,
            ) => PolicyRule::new(K::Nested),
            _ => bytes(),
        },
        // Type-keyed entries: a list of nests at one level, a nest of such lists at more.
        AttrType::NestTypeValue => match a.nested {
            Some(_) if a.type_value.len() <= 1 => PolicyRule::new(K::NestedArray),
            Some(_) => PolicyRule::new(K::Nested),
            None => bytes(),
        },
        AttrType::SubMessage => PolicyRule::new(K::Binary),
    })
}

fn int_kind(t: IntType) -> WireKind {
    match t {
        IntType::U8 => WireKind::U8,
        IntType::U16 => WireKind::U16,
        IntType::U32 => WireKind::U32,
        IntType::U64 => WireKind::U64,
        IntType::S8 => WireKind::S8,
        IntType::S16 => WireKind::S16,
        IntType::S32 => WireKind::S32,
        IntType::S64 => WireKind::S64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What one `#[nla(...)]` field annotation of the generated code says.
    #[derive(Default)]
    struct Annotation {
        ty: Option<u16>,
        kind: Option<String>,
        entry: Option<String>,
        flagged: bool,
        unterminated: bool,
        opts: Vec<(String, i128)>,
    }

    fn annotation(attr: &syn::Attribute) -> Option<Annotation> {
        if !attr.path().is_ident("nla") {
            return None;
        }
        let mut a = Annotation::default();
        attr.parse_nested_meta(|m| {
            let name = m
                .path
                .get_ident()
                .map(ToString::to_string)
                .unwrap_or_default();
            if m.input.peek(syn::Token![=]) {
                let v: syn::Expr = m.value()?.parse()?;
                let n = match v {
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Int(i),
                        ..
                    }) => i.base10_parse::<i128>().ok(),
                    syn::Expr::Unary(syn::ExprUnary {
                        op: syn::UnOp::Neg(_),
                        expr,
                        ..
                    }) => match *expr {
                        syn::Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Int(i),
                            ..
                        }) => i.base10_parse::<i128>().ok().map(|n| -n),
                        _ => None,
                    },
                    _ => None,
                };
                match (name.as_str(), n) {
                    ("type", Some(n)) => a.ty = u16::try_from(n).ok(),
                    (_, Some(n)) => a.opts.push((name, n)),
                    _ => {}
                }
            } else if m.input.peek(syn::token::Paren) {
                m.parse_nested_meta(|inner| {
                    if a.entry.is_none() {
                        a.entry = inner.path.get_ident().map(ToString::to_string);
                    }
                    if inner.input.peek(syn::Token![=]) {
                        let _: syn::Expr = inner.value()?.parse()?;
                    }
                    Ok(())
                })?;
                a.kind = Some(name);
            } else {
                match name.as_str() {
                    "flagged" => a.flagged = true,
                    "unterminated_ok" => a.unterminated = true,
                    "multi" | "required" | "reject_duplicate" | "unknown" => {}
                    _ => a.kind = Some(name),
                }
            }
            Ok(())
        })
        .ok()?;
        Some(a)
    }

    /// The policy entry the derive builds from an annotation (`fixed`: exact, of a size
    /// the annotation does not say, so taken from `want`).
    fn derived(a: &Annotation, levels: usize, want: &PolicyRule) -> PolicyRule {
        use WireKind as K;
        let kind = a.kind.as_deref().unwrap_or("?");
        let (k, be) = match kind {
            "u8" => (K::U8, false),
            "u16" | "le16" => (K::U16, false),
            "u32" | "le32" => (K::U32, false),
            "u64" | "le64" => (K::U64, false),
            "be16" => (K::U16, true),
            "be32" => (K::U32, true),
            "be64" => (K::U64, true),
            "s8" => (K::S8, false),
            "s16" => (K::S16, false),
            "s32" => (K::S32, false),
            "s64" => (K::S64, false),
            "uint" => (K::Uint, false),
            "sint" => (K::Sint, false),
            "flag" => (K::Flag, false),
            "bitfield32" => (K::Bitfield32, false),
            "string" if a.unterminated => (K::StringUnterminated, false),
            "string" => (K::String, false),
            "bytes" | "array" | "fixed" | "sub_message" => (K::Binary, false),
            "nested" => (K::Nested, false),
            "indexed_array" if a.entry.as_deref() == Some("nested") => (K::NestedArray, false),
            "indexed_array" => (K::Nested, false),
            "nest_type_value" if levels <= 1 => (K::NestedArray, false),
            "nest_type_value" => (K::Nested, false),
            other => panic!("unknown kind `{other}`"),
        };
        let mut p = PolicyRule::new(k);
        p.big_endian = be;
        let nul = u32::from(kind == "string");
        let opt = |n: &str| a.opts.iter().find(|(o, _)| o == n).map(|(_, v)| *v);
        let len = |n: &str| opt(n).map(|v| v as u32 + nul);
        p.min_len = len("exact_len").or(len("min_len"));
        p.max_len = len("exact_len").or(len("max_len"));
        if kind == "fixed" {
            (p.min_len, p.max_len) = (want.min_len, want.max_len);
            assert_eq!(want.min_len, want.max_len, "a fixed value has one length");
        }
        if opt("min").is_some() || opt("max").is_some() {
            p.range = Some((
                opt("min").unwrap_or(i128::MIN),
                opt("max").unwrap_or(i128::MAX),
            ));
        }
        p.flags_mask = opt("flags_mask").map(|m| m as u64);
        p.nested = want
            .nested
            .filter(|_| matches!(kind, "nested" | "indexed_array"));
        p
    }

    /// Every attribute the generator writes for `f` has the policy [`policy`] gives and
    /// the `NLA_F_NESTED` decision [`NestedFlags`] gives. Returns the number compared.
    fn agrees_with_generator(f: &Family) -> usize {
        let tokens = crate::codegen::to_tokens(f, &crate::codegen::Options::new())
            .unwrap_or_else(|e| panic!("{}: {e}", f.name));
        let file: syn::File = syn::parse2(tokens).unwrap();
        let flags = NestedFlags::new(f);
        let mut n = 0;
        for item in &file.items {
            let syn::Item::Struct(s) = item else { continue };
            let set_name = s.attrs.iter().find_map(|at| {
                if !at.path().is_ident("nla") {
                    return None;
                }
                let mut name = None;
                let _ = at.parse_nested_meta(|m| {
                    if m.path.is_ident("name") {
                        let v: syn::LitStr = m.value()?.parse()?;
                        name = Some(v.value());
                    } else if m.input.peek(syn::Token![=]) {
                        let _: syn::Expr = m.value()?.parse()?;
                    }
                    Ok(())
                });
                name
            });
            let Some(set_id) = set_name.and_then(|name| f.set_id(&name)) else {
                continue;
            };
            for field in &s.fields {
                let Some(ann) = field.attrs.iter().find_map(annotation) else {
                    continue;
                };
                let Some(ty) = ann.ty else { continue };
                let a = f[set_id].attr_by_value(ty).unwrap();
                let what = format!("{}: {}.{}", f.name, f[set_id].name, a.name);
                let want = policy(f, a).unwrap_or_else(|| panic!("{what}: no policy"));
                assert_eq!(derived(&ann, a.type_value.len(), &want), want, "{what}");
                if ann.flagged {
                    assert!(flags.attr(set_id, a), "{what}: flagged");
                } else if matches!(ann.kind.as_deref(), Some("nested" | "indexed_array")) {
                    assert!(!flags.attr(set_id, a), "{what}: not flagged");
                }
                n += 1;
            }
        }
        n
    }

    #[test]
    fn policies_and_nested_flags_are_the_generators() {
        let mut n = 0;
        for s in crate::builtin::SPECS {
            let f = crate::load_str(s.text, s.file).unwrap();
            n += agrees_with_generator(&f);
        }
        for name in [
            "corner-genl",
            "corner-legacy",
            "corner-link",
            "corner-qdisc",
        ] {
            let path = format!("{}/tests/specs/{name}.yaml", env!("CARGO_MANIFEST_DIR"));
            n += agrees_with_generator(&crate::load(path).unwrap());
        }
        assert!(n > 300, "only {n} attributes compared");
    }

    /// Conformance corpus: the same over every kernel spec that generates.
    #[nlwire_testkit::test(kernel_specs)]
    fn kernel_specs_policies_and_nested_flags_are_the_generators() {
        let dir = nlwire_testkit::kernel_specs_dir();
        let mut paths: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
            .collect();
        paths.sort();
        let mut n = 0;
        for p in paths {
            if let Ok(f) = crate::load(&p) {
                n += agrees_with_generator(&f);
            }
        }
        assert!(n > 1000, "only {n} attributes compared");
    }
}
