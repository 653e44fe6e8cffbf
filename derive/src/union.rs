//! `#[derive(AttrSet)]` on an enum: each variant one attribute. The enum is an
//! `AttrUnion` (one attribute of several kinds; a `Vec` of it is an ordered list) and an
//! "exactly one of" `AttrSet`.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::spanned::Spanned;
use syn::{DeriveInput, Fields, Ident, Result};

use crate::model::{NlaAttr, check_unique_types, chk_ident, docs};
use crate::opts::{Kind, kebab, parse_attr_opts, parse_container_opts};

enum VariantKind {
    /// Unit variant: a flag.
    Flag,
    /// One field holding a value of the attribute's kind.
    Value,
    /// `#[nla(unknown)]`: keeps attributes of any other type.
    Unknown,
}

struct Variant<'v> {
    ident: &'v Ident,
    docs: Vec<&'v syn::Attribute>,
    vk: VariantKind,
    attr: Option<NlaAttr>,
}

fn parse_variant<'v>(v: &'v syn::Variant, krate: &TokenStream) -> Result<Variant<'v>> {
    let o = parse_attr_opts(&v.attrs)?;
    let ident = &v.ident;
    let Some(attr_span) = o.span else {
        return Err(syn::Error::new(
            ident.span(),
            format!("variant `{ident}` needs an annotation such as `#[nla(type = 1, u32)]`"),
        ));
    };
    for (what, s) in [
        ("required", o.required),
        ("multi", o.multi),
        ("reject_duplicate", o.reject_duplicate),
        ("header", o.header),
        ("attrs", o.attrs),
    ] {
        if let Some(s) = s {
            return Err(syn::Error::new(
                s,
                format!("`{what}` does not apply to enum variants (each variant is one attribute)"),
            ));
        }
    }
    if let Some(v) = &o.value {
        return Err(syn::Error::new(
            v.span(),
            "`value` applies to `#[derive(SubMessage)]` variants",
        ));
    }
    if let Some(s) = o.unknown {
        let one = matches!(&v.fields, Fields::Unnamed(u) if u.unnamed.len() == 1);
        if !one || o.ty.is_some() || o.kind.is_some() {
            return Err(syn::Error::new(
                s,
                "an `unknown` variant is `#[nla(unknown)] Other(nlwire::__private::RawAttr)` \
                 with no type or kind",
            ));
        }
        return Ok(Variant {
            ident,
            docs: docs(&v.attrs),
            vk: VariantKind::Unknown,
            attr: None,
        });
    }
    let Some((nla_ty, _)) = o.ty else {
        return Err(syn::Error::new(
            attr_span,
            format!("variant `{ident}` needs `type = N`"),
        ));
    };
    let (vk, kind, inner) = match &v.fields {
        Fields::Unit => {
            match &o.kind {
                None | Some((Kind::Flag, _)) => {}
                Some((k, s)) => {
                    return Err(syn::Error::new(
                        *s,
                        format!(
                            "a unit variant is a flag (no payload); a `{}` attribute needs a \
                             field: `{ident}(T)`",
                            k.keyword()
                        ),
                    ));
                }
            }
            (VariantKind::Flag, Kind::Flag, syn::parse_quote!(bool))
        }
        Fields::Unnamed(u) if u.unnamed.len() == 1 => {
            let Some((kind, _)) = o.kind.clone() else {
                return Err(syn::Error::new(
                    attr_span,
                    format!(
                        "variant `{ident}` needs a kind, e.g. `#[nla(type = {nla_ty}, u32)]`; \
                         kinds are: {}",
                        crate::opts::KIND_LIST
                    ),
                ));
            };
            if matches!(kind, Kind::Flag) {
                return Err(syn::Error::new(
                    u.span(),
                    "a flag variant carries no value: write it as a unit variant",
                ));
            }
            if matches!(kind, Kind::SubMessage { .. }) {
                return Err(syn::Error::new(
                    attr_span,
                    "sub_message needs a selector attribute of the same set; use it in a struct",
                ));
            }
            let field_ty = &u.unnamed.first().map(|f| f.ty.clone());
            let Some(inner) = field_ty.clone() else {
                unreachable!("one field")
            };
            (VariantKind::Value, kind, inner)
        }
        other => {
            return Err(syn::Error::new(
                other.span(),
                "an attribute variant is a unit variant (flag) or has exactly one unnamed field",
            ));
        }
    };
    let name = o
        .name
        .as_ref()
        .map_or_else(|| kebab(&ident.to_string()), syn::LitStr::value);
    let attr = NlaAttr {
        name,
        nla_ty,
        kind,
        inner,
        chk: chk_ident(&ident.to_string()),
        opts: o,
        krate: krate.clone(),
    };
    attr.check_opts()?;
    attr.check_type()?;
    Ok(Variant {
        ident,
        docs: docs(&v.attrs),
        vk,
        attr: Some(attr),
    })
}

pub fn expand(input: &DeriveInput) -> Result<TokenStream> {
    let syn::Data::Enum(data) = &input.data else {
        unreachable!("dispatched on the data kind")
    };
    if !input.generics.params.is_empty() {
        return Err(syn::Error::new(
            input.generics.span(),
            "attribute enums cannot be generic (the derive emits static policy tables)",
        ));
    }
    let c = parse_container_opts(&input.attrs, &["crate", "name", "view"])?;
    let k = &c.krate;
    let ident = &input.ident;
    let vis = &input.vis;
    let view = c
        .view
        .clone()
        .unwrap_or_else(|| format_ident!("{}View", ident));
    let set_name = c
        .name
        .as_ref()
        .map_or_else(|| kebab(&ident.to_string()), syn::LitStr::value);
    if data.variants.is_empty() {
        return Err(syn::Error::new(
            ident.span(),
            "an attribute enum needs at least one variant",
        ));
    }

    let mut variants = Vec::new();
    let mut errors: Option<syn::Error> = None;
    for v in &data.variants {
        match parse_variant(v, k) {
            Ok(pv) => variants.push(pv),
            Err(e) => match &mut errors {
                Some(all) => all.combine(e),
                None => errors = Some(e),
            },
        }
    }
    if let Some(e) = errors {
        return Err(e);
    }
    let unknowns: Vec<_> = variants
        .iter()
        .filter(|v| matches!(v.vk, VariantKind::Unknown))
        .collect();
    if unknowns.len() > 1 {
        return Err(syn::Error::new(
            unknowns[1].ident.span(),
            "only one variant can be `unknown`",
        ));
    }
    let numbers: Vec<(u16, Span, String)> = variants
        .iter()
        .filter_map(|v| {
            let a = v.attr.as_ref()?;
            Some((
                a.nla_ty,
                a.opts.ty.map_or_else(Span::call_site, |(_, s)| s),
                v.ident.to_string(),
            ))
        })
        .collect();
    check_unique_types(&numbers)?;
    let known: Vec<u16> = numbers.iter().map(|(t, _, _)| *t).collect();
    let owner = quote!(#ident);

    // ---- view enum
    let borrows = variants.iter().any(|v| !matches!(v.vk, VariantKind::Flag));
    let view_variants = variants.iter().map(|v| {
        let (vid, vdocs) = (v.ident, &v.docs);
        match (&v.vk, &v.attr) {
            (VariantKind::Flag, _) => quote!(#(#vdocs)* #vid,),
            (VariantKind::Unknown, _) => quote!(#(#vdocs)* #vid(#k::Attr<'a>),),
            (VariantKind::Value, Some(a)) => {
                let vt = a.view_ty();
                quote!(#(#vdocs)* #vid(#vt),)
            }
            (VariantKind::Value, None) => unreachable!("value variants carry an attribute"),
        }
    });
    let phantom = (!borrows).then(|| {
        quote! {
            #[doc(hidden)]
            __NlwirePhantom(::core::convert::Infallible, ::core::marker::PhantomData<&'a ()>),
        }
    });
    let phantom_arm =
        (!borrows).then(|| quote!(#view::__NlwirePhantom(never, _) => match never {},));
    let view_doc = format!(
        "Zero-copy view of one [`{ident}`] attribute (generated by `#[derive(nlwire::AttrSet)]`)."
    );

    // ---- encode_attr
    let enc_arms = variants.iter().map(|v| {
        let vid = v.ident;
        match (&v.vk, &v.attr) {
            (VariantKind::Flag, Some(a)) => {
                let put = a.put(quote!(()));
                quote!(#ident::#vid => { #put })
            }
            (VariantKind::Unknown, _) => quote!(#ident::#vid(raw) => raw.put(buf)?,),
            (VariantKind::Value, Some(a)) => {
                let put = a.put(quote!(v));
                quote!(#ident::#vid(v) => { #put })
            }
            _ => unreachable!("variants carry attributes"),
        }
    });

    // ---- decode_attr
    let dec_arms = variants.iter().filter_map(|v| {
        let vid = v.ident;
        let a = v.attr.as_ref()?;
        let ty = a.nla_ty;
        Some(match v.vk {
            VariantKind::Flag => {
                let chk = crate::model::flag_check(&owner, &a.chk);
                quote!(#ty => {
                    #chk
                    ::core::result::Result::Ok(::core::option::Option::Some(#view::#vid))
                })
            }
            _ => {
                let get = a.get(&owner);
                quote!(#ty => ::core::result::Result::Ok(::core::option::Option::Some(#view::#vid(#get))),)
            }
        })
    });
    let check_arms = variants.iter().filter_map(|v| {
        let a = v.attr.as_ref()?;
        let ty = a.nla_ty;
        Some(match v.vk {
            VariantKind::Flag => {
                let chk = crate::model::flag_check(&owner, &a.chk);
                quote!(#ty => { #chk })
            }
            _ => {
                let check = a.check(&owner);
                quote!(#ty => { #check })
            }
        })
    });
    let fallback = match unknowns.first() {
        Some(v) => {
            let vid = v.ident;
            quote!(_ => ::core::result::Result::Ok(::core::option::Option::Some(#view::#vid(a))),)
        }
        None => quote!(_ => ::core::result::Result::Ok(::core::option::Option::None),),
    };

    // ---- from_view
    let own_arms = variants.iter().map(|v| {
        let vid = v.ident;
        match (&v.vk, &v.attr) {
            (VariantKind::Flag, _) => quote!(#view::#vid => #ident::#vid,),
            (VariantKind::Unknown, _) => {
                quote!(#view::#vid(a) => #ident::#vid(#k::__private::RawAttr::from_attr(a)),)
            }
            (VariantKind::Value, Some(a)) => {
                let conv = a.owned_expr(quote!(x));
                quote!(#view::#vid(x) => #ident::#vid(#conv),)
            }
            _ => unreachable!("variants carry attributes"),
        }
    });

    // ---- policies
    let mut sorted: Vec<&NlaAttr> = variants.iter().filter_map(|v| v.attr.as_ref()).collect();
    sorted.sort_by_key(|a| a.nla_ty);
    let one_entries = sorted
        .iter()
        .map(|a| a.policy_entry(false, false))
        .collect::<Result<Vec<_>>>()?;
    let list_entries = sorted
        .iter()
        .map(|a| a.policy_entry(false, true))
        .collect::<Result<Vec<_>>>()?;
    let chk_consts = variants
        .iter()
        .filter_map(|v| v.attr.as_ref())
        .map(NlaAttr::chk_const);

    // ---- arbitrary
    let n_variants = variants.len();
    let arb_arms = variants.iter().enumerate().map(|(i, v)| {
        let vid = v.ident;
        let pat = if i + 1 == n_variants {
            quote!(_)
        } else {
            quote!(#i)
        };
        match (&v.vk, &v.attr) {
            (VariantKind::Flag, _) => quote!(#pat => #ident::#vid,),
            (VariantKind::Unknown, _) => quote!(#pat => #ident::#vid(
                #k::__private::RawAttr::arbitrary_unknown(u, &[#(#known),*])?),),
            (VariantKind::Value, Some(a)) => {
                let arb = a.arbitrary(&owner);
                quote!(#pat => #ident::#vid(#arb),)
            }
            _ => unreachable!("variants carry attributes"),
        }
    });
    let view_owned = crate::model::view_owned(k, ident, &view, vis, "AttrUnion", quote!());
    Ok(quote! {
            #[doc = #view_doc]
            #[allow(clippy::pedantic, clippy::nursery)]
            #[derive(Clone, Copy, Debug, PartialEq)]
            #[allow(dead_code)]
            #vis enum #view<'a> {
                #(#view_variants)*
                #phantom
            }

            #view_owned

            #[allow(clippy::pedantic, clippy::nursery)]

            impl #ident {
                #(#chk_consts)*

                #[doc(hidden)]
                pub const fn __nlwire_policy() -> &'static #k::Policy {
                    static POLICY: #k::Policy =
                        #k::Policy::new(#set_name, &[#(#one_entries),*]).exactly_one();
                    &POLICY
                }

                #[doc(hidden)]
                pub const fn __nlwire_list_policy() -> &'static #k::Policy {
                    static POLICY: #k::Policy = #k::Policy::new(#set_name, &[#(#list_entries),*]);
                    &POLICY
                }
            }

            #[automatically_derived]
    #[allow(clippy::pedantic, clippy::nursery)]
            impl #k::__private::AttrUnion for #ident {
                type View<'a> = #view<'a>;
                const LIST_POLICY: &'static #k::Policy = #ident::__nlwire_list_policy();

                #[inline]
                fn encode_attr(&self, buf: &mut #k::MsgBuf<'_>) -> #k::Result<()> {
                    match self {
                        #(#enc_arms)*
                    }
                    ::core::result::Result::Ok(())
                }

                #[inline]
                fn decode_attr<'a>(
                    a: #k::Attr<'a>,
                    cx: &mut #k::__private::DecodeCx,
                ) -> #k::Result<::core::option::Option<#view<'a>>> {
                    let _ = &cx;
                    match a.ty() {
                        #(#dec_arms)*
                        #fallback
                    }
                }

                #[inline]
                #[allow(clippy::match_single_binding)]
                fn check_attr(
                    a: #k::Attr<'_>,
                    cx: &mut #k::__private::DecodeCx,
                ) -> #k::Result<()> {
                    let _ = &cx;
                    match a.ty() {
                        #(#check_arms)*
                        _ => {}
                    }
                    ::core::result::Result::Ok(())
                }

                #[inline]
                fn from_view(view: #view<'_>) -> Self {
                    match view {
                        #(#own_arms)*
                        #phantom_arm
                    }
                }

                #k::__if_arbitrary! {
                    fn arbitrary_union(
                        u: &mut #k::arbitrary::Unstructured<'_>,
                    ) -> #k::arbitrary::Result<Self> {
                        ::core::result::Result::Ok(
                            match #k::__private::arbitrary_variant(u, #n_variants)? {
                                #(#arb_arms)*
                            },
                        )
                    }
                }
            }

            #[automatically_derived]
    #[allow(clippy::pedantic, clippy::nursery)]
            impl #k::__private::Encode for #ident {
                #[inline]
                fn encode(&self, buf: &mut #k::MsgBuf<'_>) -> #k::Result<()> {
                    <Self as #k::__private::AttrUnion>::encode_attr(self, buf)
                }
            }

            #[automatically_derived]
    #[allow(clippy::pedantic, clippy::nursery)]
            impl #k::__private::AttrSet for #ident {
                type View<'a> = #view<'a>;
                const POLICY: &'static #k::Policy = #ident::__nlwire_policy();

                #[inline]
                fn decode_in<'a>(
                    bytes: &'a [u8],
                    cx: &mut #k::__private::DecodeCx,
                ) -> #k::Result<#view<'a>> {
                    #k::__private::decode_exactly_one::<Self>(bytes, cx)
                }

                #[inline]
                fn from_view(view: #view<'_>) -> Self {
                    <Self as #k::__private::AttrUnion>::from_view(view)
                }

                #k::__if_arbitrary! {
                    fn arbitrary_set(
                        u: &mut #k::arbitrary::Unstructured<'_>,
                    ) -> #k::arbitrary::Result<Self> {
                        <Self as #k::__private::AttrUnion>::arbitrary_union(u)
                    }
                }
            }

            #k::__if_arbitrary! {
                #[automatically_derived]
    #[allow(clippy::pedantic, clippy::nursery)]
                impl<'__u> #k::arbitrary::Arbitrary<'__u> for #ident {
                    fn arbitrary(
                        u: &mut #k::arbitrary::Unstructured<'__u>,
                    ) -> #k::arbitrary::Result<Self> {
                        <#ident as #k::__private::AttrUnion>::arbitrary_union(u)
                    }
                }
            }
        })
}
