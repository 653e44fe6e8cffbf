//! Attribute sets (derived structs, or attribute enums for list sets) and sub-messages.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::Gen;
use super::defs::{attr_enum_note, hint_note, int_lit, value_type};
use super::docs::Doc;
use super::graph::Node;
use super::names::{self, Names, ident};
use super::nested_flag;
use crate::ir::{Attr, AttrSet, AttrType, ByteOrder, IntType, SetId, SubMsgId};

/// How an integer attribute is written in annotations.
struct IntMap {
    /// The derive's kind keyword (`u16`, `be32`, ...), or `None` when the derive has no
    /// kind for it (signed integers with an explicit byte order): then `fixed` with the
    /// zerocopy type.
    kind: Option<&'static str>,
    /// The plain Rust type of a value.
    prim: TokenStream,
    /// The zerocopy byte-order type (arrays, the `fixed` fallback).
    wire: TokenStream,
}

fn int_map(g: &Gen<'_>, t: IntType, order: ByteOrder) -> IntMap {
    let k = &g.krate;
    let (prim, zc_name) = match t {
        IntType::U8 => (quote!(u8), None),
        IntType::S8 => (quote!(i8), None),
        IntType::U16 => (quote!(u16), Some(quote!(U16))),
        IntType::U32 => (quote!(u32), Some(quote!(U32))),
        IntType::U64 => (quote!(u64), Some(quote!(U64))),
        IntType::S16 => (quote!(i16), Some(quote!(I16))),
        IntType::S32 => (quote!(i32), Some(quote!(I32))),
        IntType::S64 => (quote!(i64), Some(quote!(I64))),
    };
    let module = match order {
        ByteOrder::Host => quote!(native_endian),
        ByteOrder::BigEndian => quote!(network_endian),
        ByteOrder::LittleEndian => quote!(little_endian),
    };
    let wire = match &zc_name {
        Some(n) => quote!(#k::zerocopy::#module::#n),
        None => prim.clone(),
    };
    let kind = match (t, order) {
        (IntType::U8, _) => Some("u8"),
        (IntType::S8, _) => Some("s8"),
        (IntType::U16, ByteOrder::Host) => Some("u16"),
        (IntType::U32, ByteOrder::Host) => Some("u32"),
        (IntType::U64, ByteOrder::Host) => Some("u64"),
        (IntType::S16, ByteOrder::Host) => Some("s16"),
        (IntType::S32, ByteOrder::Host) => Some("s32"),
        (IntType::S64, ByteOrder::Host) => Some("s64"),
        (IntType::U16, ByteOrder::BigEndian) => Some("be16"),
        (IntType::U32, ByteOrder::BigEndian) => Some("be32"),
        (IntType::U64, ByteOrder::BigEndian) => Some("be64"),
        (IntType::U16, ByteOrder::LittleEndian) => Some("le16"),
        (IntType::U32, ByteOrder::LittleEndian) => Some("le32"),
        (IntType::U64, ByteOrder::LittleEndian) => Some("le64"),
        _ => None,
    };
    IntMap { kind, prim, wire }
}

/// Which checks a kind takes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Checks {
    /// `min`, `max`, `flags_mask`.
    Int,
    /// `flags_mask`.
    Mask,
    /// `min_len`, `max_len`, `exact_len`.
    Len,
    /// `unterminated_ok` and the length checks.
    Str,
    /// None.
    None,
}

/// One attribute as a field or variant.
struct Plan {
    /// The kind annotation (`u32`, `nested`, `indexed_array(nested)`, ...).
    kind: TokenStream,
    /// The type of one value.
    ty: TokenStream,
    /// Extra annotation options (`selector = kind`).
    extra: Vec<TokenStream>,
    checks: Checks,
    /// `flag`: a `bool` field, a unit variant.
    flag: bool,
    /// Doc notes (representation choices).
    notes: Vec<String>,
    /// Lints to allow on the field (`clippy::type_complexity` for nest-type-value).
    allow: Option<TokenStream>,
    /// Written as a nest the derive can flag with `NLA_F_NESTED` (nested, indexed_array,
    /// sub_message).
    nest: bool,
    /// Written with `NLA_F_NESTED`.
    flagged: bool,
}

impl Plan {
    fn new(kind: TokenStream, ty: TokenStream, checks: Checks) -> Self {
        Plan {
            kind,
            ty,
            extra: Vec::new(),
            checks,
            flag: false,
            notes: Vec::new(),
            allow: None,
            nest: false,
            flagged: false,
        }
    }

    fn nest(mut self) -> Self {
        self.nest = true;
        self
    }
}

/// The derive's default attribute name for a field or variant identifier.
fn kebab(s: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in s.chars() {
        if c == '_' {
            out.push('-');
            prev_lower = false;
        } else if c.is_uppercase() {
            if prev_lower {
                out.push('-');
            }
            out.extend(c.to_lowercase());
            prev_lower = false;
        } else {
            out.push(c);
            prev_lower = c.is_lowercase() || c.is_ascii_digit();
        }
    }
    out
}

/// True for the unsigned integer and string attributes the derive accepts as selectors.
fn selector_kind(a: &Attr) -> Option<bool> {
    if a.multi {
        return None;
    }
    match a.ty {
        AttrType::String => Some(false),
        AttrType::Int(t) if !t.signed() => Some(true),
        AttrType::Uint => Some(true),
        _ => None,
    }
}

/// For each sub-message: are its selector values integers? (Only when every value parses
/// and every selector that picks it is an integer; string otherwise.)
pub(crate) fn submsg_value_kinds(g: &Gen<'_>) -> Vec<bool> {
    g.f.sub_messages
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let all_int =
                !m.formats.is_empty() && m.formats.iter().all(|f| parse_int(&f.value).is_some());
            let mut selectors = g.f.attr_sets.iter().flat_map(|s| {
                s.attrs
                    .iter()
                    .filter(|a| a.sub_message == Some(SubMsgId(i)))
                    .map(move |a| {
                        a.selector
                            .as_deref()
                            .and_then(|n| s.attr(n))
                            .and_then(selector_kind)
                    })
            });
            let mut any = false;
            let ints = selectors.all(|k| {
                any = true;
                k == Some(true)
            });
            all_int && any && ints
        })
        .collect()
}

fn parse_int(s: &str) -> Option<u64> {
    match s.strip_prefix("0x") {
        Some(h) => u64::from_str_radix(h, 16).ok(),
        None => s.parse().ok(),
    }
}

/// The sub-message of attribute `a` when the derive can model it: the selector is an
/// attribute of the same set, a single unsigned integer or string, matching the
/// sub-message's value kind; and the set is a struct.
fn submsg_ok<'s>(
    g: &Gen<'_>,
    set: &'s AttrSet,
    a: &Attr,
    in_list: bool,
) -> Option<(SubMsgId, &'s Attr)> {
    if in_list || a.multi {
        return None;
    }
    let m = a.sub_message?;
    let sel = set.attr(a.selector.as_deref()?)?;
    (selector_kind(sel)? == g.submsg_int[m.0]).then_some((m, sel))
}

/// The type an attribute holds by value (not through a `Vec`), for the recursion analysis.
pub(crate) fn by_value_target(g: &Gen<'_>, set: SetId, a: &Attr, in_list: bool) -> Option<Node> {
    if a.multi {
        return None;
    }
    match a.ty {
        AttrType::Nest => {
            let t = a.nested?;
            (!g.list_sets[t.0]).then_some(Node::Set(t))
        }
        AttrType::SubMessage => submsg_ok(g, &g.f[set], a, in_list).map(|(m, _)| Node::Sub(m)),
        _ => None,
    }
}

/// Plans attribute `a` of `set`; `None` for `unused` and `pad`.
fn plan(
    g: &Gen<'_>,
    set_id: SetId,
    a: &Attr,
    in_list: bool,
    fields: &[(String, String)],
) -> Option<Plan> {
    let k = &g.krate;
    let set = &g.f[set_id];
    let boxed = |target: Node, ty: TokenStream| {
        if !a.multi && g.boxed.contains(&(Node::Set(set_id), target)) {
            quote!(Box<#ty>)
        } else {
            ty
        }
    };
    let bytes = || Plan::new(quote!(bytes), quote!(Vec<u8>), Checks::Len);
    // The enum or flags newtype an integer with an `enum:` holds, else the integer.
    let value = |int: TokenStream| value_type(g, a).unwrap_or(int);
    let mut p = match a.ty {
        AttrType::Unused | AttrType::Pad => return None,
        AttrType::Flag => {
            let mut p = Plan::new(quote!(flag), quote!(bool), Checks::None);
            p.flag = true;
            p
        }
        AttrType::Int(t) => {
            let m = int_map(g, t, a.byte_order);
            match m.kind {
                Some(kw) => {
                    let kw = ident(kw);
                    Plan::new(quote!(#kw), value(m.prim), Checks::Int)
                }
                None => {
                    let mut p = Plan::new(quote!(fixed), m.wire, Checks::None);
                    p.notes.push(
                        "A signed integer with an explicit byte order: held as its zerocopy \
                         byte-order type."
                            .into(),
                    );
                    p
                }
            }
        }
        AttrType::Uint => Plan::new(quote!(uint), value(quote!(u64)), Checks::Int),
        AttrType::Sint => Plan::new(quote!(sint), value(quote!(i64)), Checks::Int),
        AttrType::String => Plan::new(quote!(string), quote!(String), Checks::Str),
        AttrType::Bitfield32 => Plan::new(
            quote!(bitfield32),
            quote!(#k::__private::Bitfield32),
            Checks::Mask,
        ),
        AttrType::Binary => match (a.struct_, a.sub_type) {
            (Some(s), Some(AttrType::Binary)) => {
                let sid = ident(g.def_types[s.0].as_deref().unwrap_or("_"));
                let mut p = Plan::new(quote!(array), quote!(Vec<#sid>), Checks::Len);
                let size = g.f[s].as_struct().map_or(0, |d| d.size);
                p.notes.push(format!(
                    "A packed array of `{}` ({size} bytes each, no attribute headers); \
                     decoding a payload that is not a whole number of elements fails.",
                    g.f[s].name
                ));
                p
            }
            (Some(s), _) => {
                let sid = ident(g.def_types[s.0].as_deref().unwrap_or("_"));
                Plan::new(quote!(fixed), quote!(#sid), Checks::None)
            }
            (None, Some(AttrType::Int(t))) => {
                let m = int_map(g, t, a.byte_order);
                let w = m.wire;
                Plan::new(quote!(array), quote!(Vec<#w>), Checks::Len)
            }
            _ => bytes(),
        },
        AttrType::Nest => match a.nested {
            Some(t) => {
                let ty = boxed(Node::Set(t), g.set_ty(t, &quote!()));
                Plan::new(quote!(nested), ty, Checks::None).nest()
            }
            None => bytes(),
        },
        AttrType::IndexedArray => {
            let entry: Option<(TokenStream, TokenStream)> = match (a.sub_type, a.nested) {
                (Some(AttrType::Nest), Some(t)) => Some((quote!(nested), g.set_ty(t, &quote!()))),
                (Some(AttrType::Int(t)), _) => {
                    let m = int_map(g, t, a.byte_order);
                    Some(match m.kind {
                        Some(kw) => {
                            let kw = ident(kw);
                            (quote!(#kw), m.prim)
                        }
                        None => (quote!(fixed), m.wire),
                    })
                }
                (Some(AttrType::Uint), _) => Some((quote!(uint), quote!(u64))),
                (Some(AttrType::Sint), _) => Some((quote!(sint), quote!(i64))),
                (Some(AttrType::String), _) => Some((quote!(string), quote!(String))),
                (Some(AttrType::Binary), _) => Some(match a.struct_ {
                    Some(s) => {
                        let sid = ident(g.def_types[s.0].as_deref().unwrap_or("_"));
                        (quote!(fixed), quote!(#sid))
                    }
                    None => (quote!(bytes), quote!(Vec<u8>)),
                }),
                _ => None,
            };
            match entry {
                Some((kind, ty)) => {
                    let mut p =
                        Plan::new(quote!(indexed_array(#kind)), quote!(Vec<#ty>), Checks::None)
                            .nest();
                    if !a.checks.is_empty() {
                        p.notes.push(
                            "The spec's checks apply to each entry; the derive does not check \
                             indexed-array entries."
                                .into(),
                        );
                    }
                    p
                }
                None => {
                    let mut p = bytes();
                    p.notes.push("An indexed array of an entry type the derive does not model: kept as bytes.".into());
                    p
                }
            }
        }
        AttrType::NestTypeValue => match a.nested {
            Some(t) => {
                let mut ty = g.set_ty(t, &quote!());
                for _ in 0..a.type_value.len().max(1) {
                    ty = quote!(Vec<(u16, #ty)>);
                }
                let mut p = Plan::new(quote!(nest_type_value), ty, Checks::None);
                if a.type_value.len() > 1 {
                    p.allow = Some(quote!(#[allow(clippy::type_complexity)]));
                }
                if !a.type_value.is_empty() {
                    p.notes.push(format!(
                        "Nesting levels whose attribute types carry data, outermost first: {}.",
                        a.type_value
                            .iter()
                            .map(|v| format!("`{v}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
                p
            }
            None => bytes(),
        },
        AttrType::SubMessage => match submsg_ok(g, set, a, in_list) {
            Some((m, sel)) => {
                let ty = boxed(Node::Sub(m), g.submsg_ty(m));
                let sel_field = fields
                    .iter()
                    .find(|(n, _)| *n == sel.name)
                    .map_or("_", |(_, f)| f.as_str());
                let sel_id = ident(sel_field);
                let mut p = Plan::new(quote!(sub_message), ty, Checks::None).nest();
                p.extra.push(quote!(selector = #sel_id));
                p
            }
            None => {
                let mut p = bytes();
                let sel = a.selector.as_deref().unwrap_or("?");
                let why = if in_list {
                    "in an attribute list".to_owned()
                } else if a.multi {
                    "that repeats".to_owned()
                } else if set.attr(sel).is_none() {
                    format!("whose selector `{sel}` is in an enclosing set (an external selector)")
                } else {
                    format!(
                        "whose selector `{sel}` is not a single unsigned integer or string of the sub-message's value kind"
                    )
                };
                p.notes.push(format!(
                    "A sub-message {why}: the derive cannot pick its format, so the payload is kept as bytes (decode it with `{}` and the selector's value).",
                    a.sub_message.map_or_else(String::new, |m| g.submsg_types[m.0].clone())
                ));
                p
            }
        },
    };
    if a.byte_order == ByteOrder::BigEndian
        && matches!(a.ty, AttrType::Binary)
        && a.sub_type.is_none()
    {
        p.notes.push("Big-endian.".into());
    }
    if p.nest && nested_flag::flagged(g.strict_sets[set_id.0], a) {
        p.flagged = true;
        p.notes.push(if a.needs_nested_flag() {
            "Written with `NLA_F_NESTED`: the kernel parses this nest strictly (the spec's \
             `[nla-f-nested]` tag)."
                .into()
        } else {
            "Written with `NLA_F_NESTED` (strictly validated, or no request carries it).".into()
        });
    }
    Some(p)
}

/// The annotation options for checks that fit the kind.
fn check_opts(g: &Gen<'_>, a: &Attr, checks: Checks) -> Vec<TokenStream> {
    let c = &a.checks;
    let mut out = Vec::new();
    let len = |v: u32| Literal::u32_unsuffixed(v);
    match checks {
        Checks::Int => {
            if let Some(v) = c.min {
                let l = int_lit(v);
                out.push(quote!(min = #l));
            }
            if let Some(v) = c.max {
                let l = int_lit(v);
                out.push(quote!(max = #l));
            }
        }
        Checks::Len | Checks::Str => {
            if let Some(v) = c.exact_len {
                let l = len(v);
                out.push(quote!(exact_len = #l));
            } else {
                if let Some(v) = c.min_len {
                    let l = len(v);
                    out.push(quote!(min_len = #l));
                }
                if let Some(v) = c.max_len {
                    let l = len(v);
                    out.push(quote!(max_len = #l));
                }
            }
            if checks == Checks::Str && c.unterminated_ok {
                out.push(quote!(unterminated_ok));
            }
        }
        Checks::Mask | Checks::None => {}
    }
    if matches!(checks, Checks::Int | Checks::Mask)
        && let Some(d) = c.flags_mask
        && let Some(e) = g.f[d].as_enum()
    {
        let l = Literal::u64_unsuffixed(e.mask());
        out.push(quote!(flags_mask = #l));
    }
    out
}

/// The doc of one attribute: spec prose, then its C name, number and notes.
fn attr_doc(g: &Gen<'_>, set: &AttrSet, a: &Attr, p: &Plan) -> TokenStream {
    let prefix = a.name_prefix.as_deref().unwrap_or(&set.name_prefix);
    let mut d = Doc::spec(a.doc.as_deref()).para(format!(
        "`{}` (type {}, `{}`).",
        names::c_name(prefix, &a.name),
        a.value,
        a.ty.as_str()
    ));
    if let Some(note) = attr_enum_note(g, a) {
        d = d.para(note);
    }
    if let Some(h) = a.display_hint {
        d = d.para(hint_note(h));
    }
    for n in &p.notes {
        d = d.para(n.clone());
    }
    d.tokens()
}

/// `, flagged` when the attribute is a nest written with `NLA_F_NESTED`.
fn flagged(p: &Plan) -> Option<TokenStream> {
    p.flagged.then(|| quote!(, flagged))
}

/// Every attribute set, in spec order.
pub(crate) fn attr_sets(g: &Gen<'_>) -> TokenStream {
    let items = (0..g.f.attr_sets.len())
        .filter(|&i| g.emits_set(SetId(i)))
        .map(|i| {
            if g.list_sets[i] {
                list_set(g, SetId(i))
            } else {
                struct_set(g, SetId(i))
            }
        });
    quote!(#(#items)*)
}

fn set_doc(g: &Gen<'_>, set: &AttrSet, list: bool) -> TokenStream {
    let mut d = Doc::spec(set.doc.as_deref()).para(format!(
        "Attribute set `{}` (`{}*`).",
        set.name,
        names::c_name(&set.name_prefix, "")
    ));
    if let Some(sup) = set.subset_of {
        d = d.para(format!(
            "A subset of `{}` (`{}`): same numbers, fewer attributes.",
            g.f[sup].name, g.set_types[sup.0]
        ));
    }
    if list {
        d = d.para(
            "One attribute of the set; a `Vec` of it is an ordered list in which attributes \
             repeat (modelled as a list by the generator's options). Attributes of other types \
             are kept in `Other`.",
        );
    }
    d.tokens()
}

fn struct_set(g: &Gen<'_>, id: SetId) -> TokenStream {
    let k = &g.krate;
    let set = &g.f[id];
    let ty = ident(&g.set_types[id.0]);
    let mut fnames = Names::default();
    let fields: Vec<(String, String)> = set
        .attrs
        .iter()
        .filter(|a| !matches!(a.ty, AttrType::Unused | AttrType::Pad))
        .map(|a| {
            (
                a.name.clone(),
                fnames.claim(&names::snake(&a.name), "_", &[]),
            )
        })
        .collect();
    let pads = set
        .attrs
        .iter()
        .filter(|a| a.ty == AttrType::Pad)
        .map(|a| {
            let v = Literal::u16_unsuffixed(a.value);
            quote!(pad = #v,)
        })
        .collect::<Vec<_>>();
    // The derive takes one `pad = N` per pad attribute; clippy reads repeats as duplicates.
    let dup = (pads.len() > 1).then(|| quote!(#[allow(clippy::duplicated_attributes)]));
    let items = set.attrs.iter().filter_map(|a| {
        let p = plan(g, id, a, false, &fields)?;
        let fname = fields
            .iter()
            .find(|(n, _)| *n == a.name)
            .map_or("_", |(_, f)| f.as_str());
        let fid = ident(fname);
        let doc = attr_doc(g, set, a, &p);
        let v = Literal::u16_unsuffixed(a.value);
        let kind = &p.kind;
        let name = (kebab(fname) != a.name).then(|| {
            let n = &a.name;
            quote!(, name = #n)
        });
        let multi = (a.multi && !p.flag).then(|| quote!(, multi));
        let nested_flag = flagged(&p);
        let extra = p.extra.iter().map(|e| quote!(, #e));
        let checks = check_opts(g, a, p.checks);
        let checks = checks.iter().map(|c| quote!(, #c));
        let inner = &p.ty;
        let fty = if p.flag {
            quote!(bool)
        } else if a.multi {
            quote!(Vec<#inner>)
        } else {
            quote!(Option<#inner>)
        };
        let allow = &p.allow;
        Some(quote! {
            #doc
            #allow
            #[nla(type = #v, #kind #name #multi #nested_flag #(#extra)* #(#checks)*)]
            pub #fid: #fty,
        })
    });
    let doc = set_doc(g, set, false);
    let name = &set.name;
    let krate = g.nla_crate();
    quote! {
        #doc
        #[derive(Clone, Debug, Default, PartialEq, Eq, #k::AttrSet)]
        #[nla(#krate name = #name, #(#pads)*)]
        #dup
        pub struct #ty {
            #(#items)*
        }
    }
}

fn list_set(g: &Gen<'_>, id: SetId) -> TokenStream {
    let k = &g.krate;
    let set = &g.f[id];
    let ty = ident(&g.set_types[id.0]);
    let mut vnames = Names::default();
    let variants: Vec<(&Attr, String)> = set
        .attrs
        .iter()
        .filter(|a| !matches!(a.ty, AttrType::Unused | AttrType::Pad))
        .map(|a| (a, vnames.claim(&names::camel(&a.name), "Attr", &[])))
        .collect();
    let other = ident(&vnames.claim("Other", "Attr", &[]));
    let items = variants.iter().filter_map(|(a, vname)| {
        let p = plan(g, id, a, true, &[])?;
        let vid = ident(vname);
        let doc = attr_doc(g, set, a, &p);
        let v = Literal::u16_unsuffixed(a.value);
        let name = (kebab(vname) != a.name).then(|| {
            let n = &a.name;
            quote!(, name = #n)
        });
        if p.flag {
            return Some(quote! {
                #doc
                #[nla(type = #v #name)]
                #vid,
            });
        }
        let kind = &p.kind;
        let nested_flag = flagged(&p);
        let checks = check_opts(g, a, p.checks);
        let checks = checks.iter().map(|c| quote!(, #c));
        let inner = &p.ty;
        let allow = &p.allow;
        Some(quote! {
            #doc
            #allow
            #[nla(type = #v, #kind #name #nested_flag #(#checks)*)]
            #vid(#inner),
        })
    });
    let doc = set_doc(g, set, true);
    let name = &set.name;
    let krate = g.nla_crate();
    quote! {
        #doc
        #[derive(Clone, Debug, PartialEq, Eq, #k::AttrSet)]
        #[nla(#krate name = #name)]
        #[allow(clippy::large_enum_variant)]
        pub enum #ty {
            #(#items)*
            /// An attribute of a type this set does not list, kept as it came.
            #[nla(unknown)]
            #other(#k::__private::RawAttr),
        }
    }
}

/// Every sub-message, in spec order.
pub(crate) fn sub_messages(g: &Gen<'_>) -> TokenStream {
    let k = &g.krate;
    let kept =
        g.f.sub_messages
            .iter()
            .enumerate()
            .filter(|(i, _)| g.kept.subs[*i]);
    let items = kept.map(|(i, m)| {
        let ty = ident(&g.submsg_types[i]);
        let int = g.submsg_int[i];
        let mut vnames = Names::default();
        let variants = m.formats.iter().map(|f| {
            let vid = ident(&vnames.claim(&names::camel(&f.value), "Format", &[]));
            let value = if int {
                let l = Literal::u64_unsuffixed(parse_int(&f.value).unwrap_or(0));
                quote!(#l)
            } else {
                let s = &f.value;
                quote!(#s)
            };
            let set_ty = f.attr_set.map(|s| {
                let t = g.set_ty(s, &quote!());
                if g.boxed.contains(&(Node::Sub(SubMsgId(i)), Node::Set(s))) {
                    quote!(Box<#t>)
                } else {
                    t
                }
            });
            let hdr = f
                .fixed_header
                .map(|h| ident(g.def_types[h.0].as_deref().unwrap_or("_")));
            let mut doc = Doc::default().para(format!("Format `{}`.", f.value));
            doc = match (&hdr, &f.attr_set) {
                (Some(_), Some(s)) => doc.para(format!(
                    "Fixed header `{}`, then attribute set `{}`.",
                    g.f[f.fixed_header.unwrap_or(crate::ir::DefId(0))].name,
                    g.f[*s].name
                )),
                (Some(_), None) => doc.para(format!(
                    "Fixed header `{}` only.",
                    g.f[f.fixed_header.unwrap_or(crate::ir::DefId(0))].name
                )),
                (None, Some(s)) => doc.para(format!("Attribute set `{}`.", g.f[*s].name)),
                (None, None) => doc.para("No payload."),
            };
            let doc = doc.tokens();
            match (hdr, set_ty) {
                (Some(h), Some(s)) => quote!(#doc #[nla(value = #value)] #vid(#h, #s),),
                (Some(h), None) => quote!(#doc #[nla(value = #value, fixed)] #vid(#h),),
                (None, Some(s)) => quote!(#doc #[nla(value = #value)] #vid(#s),),
                (None, None) => quote!(#doc #[nla(value = #value)] #vid,),
            }
        });
        let doc = Doc::default()
            .para(format!(
                "Sub-message `{}`: the payload format is picked by the value of a selector attribute.",
                m.name
            ))
            .tokens();
        let krate = g.nla_crate().map(|c| quote!(#[nla(#c)]));
        quote! {
            #doc
            #[derive(Clone, Debug, PartialEq, Eq, #k::SubMessage)]
            #krate
            #[allow(clippy::large_enum_variant)]
            pub enum #ty {
                #(#variants)*
            }
        }
    });
    quote!(#(#items)*)
}
