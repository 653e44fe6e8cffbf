//! Parsing `#[nla(...)]` annotations into plain data. Every mistake is a `syn::Error` with
//! the span of the offending token; nothing here panics.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote};
use syn::spanned::Spanned;
use syn::{Attribute, Expr, Ident, Lit, LitInt, LitStr, Path, Result, Type};

/// The integer kinds: annotation keyword, marker type in `__private::kind`.
pub const INT_KINDS: &[(&str, &str)] = &[
    ("u8", "U8"),
    ("u16", "U16"),
    ("u32", "U32"),
    ("u64", "U64"),
    ("s8", "S8"),
    ("s16", "S16"),
    ("s32", "S32"),
    ("s64", "S64"),
    ("be16", "Be16"),
    ("be32", "Be32"),
    ("be64", "Be64"),
    ("le16", "Le16"),
    ("le32", "Le32"),
    ("le64", "Le64"),
    ("uint", "Uint"),
    ("sint", "Sint"),
];

/// Every kind keyword, for error messages.
pub const KIND_LIST: &str = "u8, u16, u32, u64, u128, s8, s16, s32, s64, uint, sint, be16, be32, \
     be64, le16, le32, le64, flag, string, bytes (binary), fixed, array, nested, \
     nest_type_value, indexed_array(..), bitfield32, sub_message";

/// The wire kind of one attribute.
#[derive(Clone)]
pub enum Kind {
    /// An integer kind; the marker type name.
    Int(&'static str),
    /// `u128` (an OVS UFID): 16 bytes, host order.
    U128,
    /// Zero-length attribute; a `bool` field.
    Flag,
    /// NUL-terminated string (`unterminated_ok` makes it `StrUnterminated`).
    Str,
    /// Opaque bytes.
    Bytes,
    /// A fixed zerocopy struct.
    Fixed,
    /// A packed array of fixed elements.
    Array,
    /// A nested set.
    Nested,
    /// `struct nla_bitfield32`.
    Bitfield32,
    /// YNL indexed-array with entries of `sub` numbered from `base`.
    Indexed { sub: Box<Kind>, base: u16 },
    /// A sub-message whose format the `selector` field picks.
    SubMessage { selector: Ident },
}

impl Kind {
    /// The keyword as written.
    pub fn keyword(&self) -> String {
        match self {
            Kind::Int(m) => INT_KINDS
                .iter()
                .find(|(_, mk)| mk == m)
                .map_or("int", |(k, _)| k)
                .to_owned(),
            Kind::U128 => "u128".into(),
            Kind::Flag => "flag".into(),
            Kind::Str => "string".into(),
            Kind::Bytes => "bytes".into(),
            Kind::Fixed => "fixed".into(),
            Kind::Array => "array".into(),
            Kind::Nested => "nested".into(),
            Kind::Bitfield32 => "bitfield32".into(),
            Kind::Indexed { .. } => "indexed_array".into(),
            Kind::SubMessage { .. } => "sub_message".into(),
        }
    }

    /// The marker type `__private::kind::*` for kinds that go through `Field`.
    pub fn marker(&self, krate: &TokenStream, unterminated: bool) -> Option<TokenStream> {
        let k = quote!(#krate::__private::kind);
        Some(match self {
            Kind::Int(m) => {
                let id = Ident::new(m, Span::call_site());
                quote!(#k::#id)
            }
            Kind::U128 => quote!(#k::U128),
            Kind::Str if unterminated => quote!(#k::StrUnterminated),
            Kind::Str => quote!(#k::Str),
            Kind::Bytes => quote!(#k::Bytes),
            Kind::Fixed => quote!(#k::Fixed),
            Kind::Array => quote!(#k::Array),
            Kind::Nested => quote!(#k::Nested),
            Kind::Bitfield32 => quote!(#k::Bitfield32),
            Kind::Indexed { sub, base } => {
                let sub = sub.marker(krate, false)?;
                quote!(#k::IndexedArray<#sub, #base>)
            }
            Kind::Flag | Kind::SubMessage { .. } => return None,
        })
    }

    /// Integer kinds take `min`/`max`/`flags_mask` checks.
    pub fn is_int(&self) -> bool {
        matches!(self, Kind::Int(_) | Kind::Bitfield32)
    }

    /// Kinds whose payload length is variable and takes `min_len`/`max_len`/`exact_len`.
    pub fn takes_len(&self) -> bool {
        matches!(self, Kind::Str | Kind::Bytes | Kind::Array)
    }

    /// Kinds written as a nest (take `flagged`).
    pub fn is_nest(&self) -> bool {
        matches!(
            self,
            Kind::Nested | Kind::Indexed { .. } | Kind::SubMessage { .. }
        )
    }
}

/// Options of one `#[nla(...)]`-annotated field or variant.
#[derive(Default)]
pub struct AttrOpts {
    /// Span of the first `nla` attribute (for errors about what is missing).
    pub span: Option<Span>,
    /// `type = N`.
    pub ty: Option<(u16, Span)>,
    /// The kind keyword.
    pub kind: Option<(Kind, Span)>,
    /// `name = "..."`.
    pub name: Option<LitStr>,
    /// `required`.
    pub required: Option<Span>,
    /// `multi`.
    pub multi: Option<Span>,
    /// `reject_duplicate`.
    pub reject_duplicate: Option<Span>,
    /// `flagged` (set NLA_F_NESTED).
    pub flagged: Option<Span>,
    /// `unterminated_ok`.
    pub unterminated_ok: Option<Span>,
    /// `min_len = E`.
    pub min_len: Option<Expr>,
    /// `max_len = E`.
    pub max_len: Option<Expr>,
    /// `exact_len = E`.
    pub exact_len: Option<Expr>,
    /// `min = E`.
    pub min: Option<Expr>,
    /// `max = E`.
    pub max: Option<Expr>,
    /// `flags_mask = E`.
    pub flags_mask: Option<Expr>,
    /// `unknown` (enum variant keeping unknown attributes).
    pub unknown: Option<Span>,
    /// `value = "..."` or `value = N` (sub-message variant).
    pub value: Option<Lit>,
    /// `header` (message field).
    pub header: Option<Span>,
    /// `attrs` (message field).
    pub attrs: Option<Span>,
}

impl AttrOpts {
    /// True when a check annotation is present.
    pub fn has_len_check(&self) -> bool {
        self.min_len.is_some() || self.max_len.is_some() || self.exact_len.is_some()
    }

    /// True when an integer check is present.
    pub fn has_int_check(&self) -> bool {
        self.min.is_some() || self.max.is_some() || self.flags_mask.is_some()
    }

    /// The first check annotation's tokens (for error spans).
    pub fn first_check(&self) -> Option<Span> {
        [
            &self.min_len,
            &self.max_len,
            &self.exact_len,
            &self.min,
            &self.max,
            &self.flags_mask,
        ]
        .into_iter()
        .flatten()
        .next()
        .map(Spanned::span)
    }
}

fn set_once<T>(slot: &mut Option<T>, v: T, span: Span, what: &str) -> Result<()> {
    if slot.is_some() {
        return Err(syn::Error::new(span, format!("`{what}` is given twice")));
    }
    *slot = Some(v);
    Ok(())
}

fn parse_u16(lit: &LitInt, what: &str) -> Result<u16> {
    lit.base10_parse::<u16>().map_err(|_| {
        syn::Error::new(
            lit.span(),
            format!("`{what}` must be an integer in 0..=65535"),
        )
    })
}

/// Parses an int kind keyword.
fn int_kind(name: &str) -> Option<&'static str> {
    INT_KINDS.iter().find(|(k, _)| *k == name).map(|(_, m)| *m)
}

/// Parses a kind keyword from a nested-meta path (`indexed_array(...)` and
/// `sub_message(...)` read their own parentheses).
fn parse_kind(meta: &syn::meta::ParseNestedMeta<'_>, name: &str) -> Result<Option<Kind>> {
    Ok(Some(match name {
        "u128" => Kind::U128,
        "flag" => Kind::Flag,
        "string" | "str" => Kind::Str,
        "bytes" | "binary" => Kind::Bytes,
        "fixed" => Kind::Fixed,
        "array" => Kind::Array,
        "nested" | "nest" | "nest_type_value" => Kind::Nested,
        "bitfield32" => Kind::Bitfield32,
        "indexed_array" => {
            let mut sub = None;
            let mut base = 0u16;
            meta.parse_nested_meta(|inner| {
                let n = path_name(&inner.path);
                if n == "base" {
                    let lit: LitInt = inner.value()?.parse()?;
                    base = parse_u16(&lit, "base")?;
                    return Ok(());
                }
                match parse_kind(&inner, &n)? {
                    Some(Kind::Indexed { .. } | Kind::SubMessage { .. } | Kind::Flag) => {
                        Err(inner.error("indexed_array entries cannot be of this kind"))
                    }
                    Some(k) => set_once(&mut sub, k, inner.path.span(), "entry kind"),
                    None => match int_kind(&n) {
                        Some(m) => {
                            set_once(&mut sub, Kind::Int(m), inner.path.span(), "entry kind")
                        }
                        None => Err(inner.error(format!(
                            "unknown indexed_array entry kind `{n}`; expected a kind such as \
                             `nested` or `u32`, and optionally `base = N`"
                        ))),
                    },
                }
            })
            .map_err(|e| {
                syn::Error::new(
                    e.span(),
                    format!(
                        "{e} (write `indexed_array(nested)` or `indexed_array(u32, base = 1)`)"
                    ),
                )
            })?;
            let sub = sub.ok_or_else(|| {
                meta.error("indexed_array needs an entry kind: `indexed_array(nested)`")
            })?;
            Kind::Indexed {
                sub: Box::new(sub),
                base,
            }
        }
        "sub_message" => Kind::SubMessage {
            selector: Ident::new("__none", Span::call_site()),
        },
        other => match int_kind(other) {
            Some(m) => Kind::Int(m),
            None => return Ok(None),
        },
    }))
}

fn path_name(p: &Path) -> String {
    p.segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect::<Vec<_>>()
        .join("::")
}

/// Parses every `#[nla(...)]` of a field or variant.
pub fn parse_attr_opts(attrs: &[Attribute]) -> Result<AttrOpts> {
    let mut o = AttrOpts::default();
    let mut selector: Option<Ident> = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("nla")) {
        o.span.get_or_insert(attr.span());
        attr.parse_nested_meta(|meta| {
            let span = meta.path.span();
            let name = path_name(&meta.path);
            let flag = |slot: &mut Option<Span>| set_once(slot, span, span, &name);
            match name.as_str() {
                "type" => {
                    let lit: LitInt = meta.value()?.parse().map_err(|e| {
                        syn::Error::new(e.span(), "`type` must be an integer literal: `type = 3`")
                    })?;
                    let v = parse_u16(&lit, "type")?;
                    if v > 0x3fff {
                        return Err(syn::Error::new(
                            lit.span(),
                            "attribute type must fit in 14 bits (0..=16383); the top two \
                             bits are NLA_F_NESTED and NLA_F_NET_BYTEORDER",
                        ));
                    }
                    set_once(&mut o.ty, (v, lit.span()), lit.span(), "type")
                }
                "name" => {
                    let s: LitStr = meta.value()?.parse()?;
                    set_once(&mut o.name, s, span, "name")
                }
                "required" => flag(&mut o.required),
                "multi" | "multi_attr" => flag(&mut o.multi),
                "reject_duplicate" => flag(&mut o.reject_duplicate),
                "flagged" => flag(&mut o.flagged),
                "unterminated_ok" => flag(&mut o.unterminated_ok),
                "unknown" => flag(&mut o.unknown),
                "header" => flag(&mut o.header),
                "attrs" => flag(&mut o.attrs),
                "min_len" => set_once(&mut o.min_len, meta.value()?.parse()?, span, &name),
                "max_len" => set_once(&mut o.max_len, meta.value()?.parse()?, span, &name),
                "exact_len" | "len" => {
                    set_once(&mut o.exact_len, meta.value()?.parse()?, span, "exact_len")
                }
                "min" => set_once(&mut o.min, meta.value()?.parse()?, span, &name),
                "max" => set_once(&mut o.max, meta.value()?.parse()?, span, &name),
                "flags_mask" => set_once(&mut o.flags_mask, meta.value()?.parse()?, span, &name),
                "value" => set_once(&mut o.value, meta.value()?.parse()?, span, &name),
                "selector" => {
                    let v = meta.value()?;
                    let id: Ident = if v.peek(LitStr) {
                        let s: LitStr = v.parse()?;
                        s.parse()?
                    } else {
                        v.parse()?
                    };
                    set_once(&mut selector, id, span, "selector")
                }
                _ => match parse_kind(&meta, &name)? {
                    Some(k) => {
                        if let Some((prev, _)) = &o.kind {
                            return Err(syn::Error::new(
                                span,
                                format!(
                                    "an attribute has one kind; `{}` is already given",
                                    prev.keyword()
                                ),
                            ));
                        }
                        o.kind = Some((k, span));
                        Ok(())
                    }
                    None => Err(syn::Error::new(
                        span,
                        format!(
                            "unknown attribute kind or option `{name}`; kinds are: {KIND_LIST}; \
                             options are: type, name, required, multi, reject_duplicate, \
                             flagged, unterminated_ok, min, max, flags_mask, min_len, max_len, \
                             exact_len, selector"
                        ),
                    )),
                },
            }
        })?;
    }
    match (&mut o.kind, selector) {
        (Some((Kind::SubMessage { selector: s }, _)), Some(sel)) => *s = sel,
        (Some((Kind::SubMessage { .. }, span)), None) => {
            return Err(syn::Error::new(
                *span,
                "a sub_message needs the field that selects its format: \
                 `sub_message, selector = kind`",
            ));
        }
        (_, Some(sel)) => {
            return Err(syn::Error::new(
                sel.span(),
                "`selector` applies to `sub_message` attributes only",
            ));
        }
        _ => {}
    }
    Ok(o)
}

/// Options of the annotated struct or enum itself.
pub struct ContainerOpts {
    /// Path to the runtime crate (`crate = "..."`), default `::nlwire`.
    pub krate: TokenStream,
    /// `name = "..."`.
    pub name: Option<LitStr>,
    /// `view = Ident`.
    pub view: Option<Ident>,
    /// `pad = N` entries.
    pub pads: Vec<(u16, Span)>,
    /// `cmd = N`.
    pub cmd: Option<(u8, Span)>,
    /// `version = N`.
    pub version: Option<(u8, Span)>,
    /// `msg_type = N`: a netlink-raw message's `nlmsg_type` (instead of `cmd`).
    pub msg_type: Option<(u16, Span)>,
    /// `family = "name"`: the generic netlink family a request message is sent to.
    pub family: Option<LitStr>,
    /// `reply = Type`: the message the kernel answers a request with.
    pub reply: Option<Type>,
}

fn parse_u8(lit: &LitInt, what: &str) -> Result<u8> {
    lit.base10_parse::<u8>().map_err(|_| {
        syn::Error::new(
            lit.span(),
            format!("`{what}` must be an integer in 0..=255"),
        )
    })
}

/// Parses the container-level `#[nla(...)]` attributes.
pub fn parse_container_opts(attrs: &[Attribute], allowed: &[&str]) -> Result<ContainerOpts> {
    let mut o = ContainerOpts {
        krate: quote!(::nlwire),
        name: None,
        view: None,
        pads: Vec::new(),
        cmd: None,
        version: None,
        msg_type: None,
        family: None,
        reply: None,
    };
    let mut krate_set = false;
    for attr in attrs.iter().filter(|a| a.path().is_ident("nla")) {
        attr.parse_nested_meta(|meta| {
            let span = meta.path.span();
            let name = path_name(&meta.path);
            if !allowed.contains(&name.as_str()) {
                return Err(syn::Error::new(
                    span,
                    format!(
                        "unknown option `{name}` here; expected one of: {}",
                        allowed.join(", ")
                    ),
                ));
            }
            match name.as_str() {
                "crate" => {
                    let s: LitStr = meta.value()?.parse()?;
                    let p: Path = s.parse()?;
                    if krate_set {
                        return Err(syn::Error::new(span, "`crate` is given twice"));
                    }
                    krate_set = true;
                    o.krate = p.to_token_stream();
                    Ok(())
                }
                "name" => {
                    let s: LitStr = meta.value()?.parse()?;
                    set_once(&mut o.name, s, span, "name")
                }
                "view" => {
                    let v = meta.value()?;
                    let id: Ident = if v.peek(LitStr) {
                        v.parse::<LitStr>()?.parse()?
                    } else {
                        v.parse()?
                    };
                    set_once(&mut o.view, id, span, "view")
                }
                "pad" => {
                    let lit: LitInt = meta.value()?.parse()?;
                    let v = parse_u16(&lit, "pad")?;
                    o.pads.push((v, lit.span()));
                    Ok(())
                }
                "cmd" => {
                    let lit: LitInt = meta.value()?.parse()?;
                    let v = parse_u8(&lit, "cmd")?;
                    set_once(&mut o.cmd, (v, lit.span()), span, "cmd")
                }
                "version" => {
                    let lit: LitInt = meta.value()?.parse()?;
                    let v = parse_u8(&lit, "version")?;
                    set_once(&mut o.version, (v, lit.span()), span, "version")
                }
                "msg_type" => {
                    let lit: LitInt = meta.value()?.parse()?;
                    let v = parse_u16(&lit, "msg_type")?;
                    set_once(&mut o.msg_type, (v, lit.span()), span, "msg_type")
                }
                "family" => {
                    let s: LitStr = meta.value()?.parse()?;
                    set_once(&mut o.family, s, span, "family")
                }
                "reply" => {
                    let v = meta.value()?;
                    let ty: Type = if v.peek(LitStr) {
                        v.parse::<LitStr>()?.parse()?
                    } else {
                        v.parse()?
                    };
                    set_once(&mut o.reply, ty, span, "reply")
                }
                _ => Err(syn::Error::new(span, format!("unknown option `{name}`"))),
            }
        })?;
    }
    Ok(o)
}

/// `FlowKey` → `flow-key`; `in_port` → `in-port`.
pub fn kebab(s: &str) -> String {
    let s = s.strip_prefix("r#").unwrap_or(s);
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

// ---------------------------------------------------------------------------------------
// Type shapes
// ---------------------------------------------------------------------------------------

/// The single generic argument of `Wrapper<T>` when the last path segment is `wrapper`.
pub fn generic_inner<'t>(ty: &'t Type, wrapper: &str) -> Option<&'t Type> {
    let Type::Path(p) = ty else { return None };
    if p.qself.is_some() {
        return None;
    }
    let seg = p.path.segments.last()?;
    if seg.ident != wrapper {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &seg.arguments else {
        return None;
    };
    if args.args.len() != 1 {
        return None;
    }
    match args.args.first()? {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    }
}

/// True for the path type `bool`.
pub fn is_bool(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.qself.is_none() && p.path.is_ident("bool"))
}

/// `T` of `(u16, T)`.
pub fn keyed_inner(ty: &Type) -> Option<&Type> {
    let Type::Tuple(t) = ty else { return None };
    if t.elems.len() != 2 {
        return None;
    }
    let first = t.elems.first()?;
    if !matches!(first, Type::Path(p) if p.path.is_ident("u16")) {
        return None;
    }
    t.elems.iter().nth(1)
}

/// Whether a type is a plain path with no `Option`/`Vec`/`Box` wrapper (a derived type).
fn is_plain_path(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.qself.is_none())
        && generic_inner(ty, "Vec").is_none()
        && generic_inner(ty, "Box").is_none()
        && generic_inner(ty, "Option").is_none()
}

/// The expression naming the nested policy of a `nested` field of type `ty`, from the
/// type's shape (statics cannot reach policies through trait constants when sets are
/// recursive, so generated tables call the inherent `const fn`s the derives emit).
/// `Ok(None)`: the shape has no single policy (type-keyed entries of type-keyed entries).
pub fn nested_policy(ty: &Type) -> Result<Option<TokenStream>> {
    if let Some(inner) = generic_inner(ty, "Box") {
        return nested_policy(inner);
    }
    if let Some(elem) = generic_inner(ty, "Vec") {
        if let Some(t) = keyed_inner(elem) {
            if generic_inner(t, "Vec").is_some() {
                return Ok(None);
            }
            return nested_policy(t);
        }
        if is_plain_path(elem) {
            return Ok(Some(quote!(<#elem>::__nlwire_list_policy())));
        }
        return Err(syn::Error::new_spanned(
            elem,
            "a nested list is `Vec<E>` where `E` is an enum deriving `AttrSet`, or \
             `Vec<(u16, T)>` for type-keyed entries",
        ));
    }
    if is_plain_path(ty) {
        return Ok(Some(quote!(<#ty>::__nlwire_policy())));
    }
    Err(syn::Error::new_spanned(
        ty,
        "a nested attribute holds a type deriving `AttrSet` (a path such as `FlowKey`), \
         `Vec<E>` (a list of enum `E`), `Vec<(u16, T)>` or `Box<T>`",
    ))
}
