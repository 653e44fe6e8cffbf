//! `#[derive(AttrSet)]` on a struct: each field one attribute.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::spanned::Spanned;
use syn::{DeriveInput, Fields, Ident, Result, Type, Visibility};

use crate::model::{NlaAttr, check_unique_types, chk_ident, docs};
use crate::opts::{Kind, generic_inner, is_bool, kebab, parse_attr_opts, parse_container_opts};

/// How a field holds its attribute.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// `Option<T>`.
    Optional,
    /// `T` with `required`.
    Required,
    /// `bool` flag.
    Flag,
    /// `Vec<T>` with `multi`.
    Multi,
}

struct SetField<'f> {
    ident: &'f Ident,
    vis: &'f Visibility,
    docs: Vec<&'f syn::Attribute>,
    shape: Shape,
    attr: NlaAttr,
    local: Ident,
}

fn field_error<T>(span: Span, msg: impl std::fmt::Display) -> Result<T> {
    Err(syn::Error::new(span, msg))
}

fn parse_field<'f>(f: &'f syn::Field, krate: &TokenStream) -> Result<SetField<'f>> {
    let ident = f
        .ident
        .as_ref()
        .ok_or_else(|| syn::Error::new(f.span(), "attribute sets need named fields"))?;
    let o = parse_attr_opts(&f.attrs)?;
    let Some(attr_span) = o.span else {
        return field_error(
            ident.span(),
            format!("field `{ident}` needs an annotation such as `#[nla(type = 1, u32)]`"),
        );
    };
    for (what, s) in [
        ("unknown", o.unknown),
        ("header", o.header),
        ("attrs", o.attrs),
    ] {
        if let Some(s) = s {
            return field_error(
                s,
                format!("`{what}` does not apply to attribute-set fields"),
            );
        }
    }
    if let Some(v) = &o.value {
        return field_error(v.span(), "`value` applies to sub-message variants");
    }
    let Some((nla_ty, _)) = o.ty else {
        return field_error(attr_span, format!("field `{ident}` needs `type = N`"));
    };
    let Some((kind, kind_span)) = o.kind.clone() else {
        return field_error(
            attr_span,
            format!(
                "field `{ident}` needs a kind, e.g. `#[nla(type = {nla_ty}, u32)]`; kinds are: {}",
                crate::opts::KIND_LIST
            ),
        );
    };
    let ty = &f.ty;
    let (shape, inner): (Shape, Type) = if matches!(kind, Kind::Flag) {
        if !is_bool(ty) {
            return field_error(
                ty.span(),
                "a `flag` attribute is a `bool` field (present = true)",
            );
        }
        for (what, s) in [("required", o.required), ("multi", o.multi)] {
            if let Some(s) = s {
                return field_error(s, format!("a flag cannot be `{what}`"));
            }
        }
        (Shape::Flag, ty.clone())
    } else if let Some(s) = o.multi {
        if matches!(kind, Kind::SubMessage { .. }) {
            return field_error(s, "a sub_message cannot be `multi`");
        }
        let Some(elem) = generic_inner(ty, "Vec") else {
            return field_error(
                ty.span(),
                "a `multi` attribute (it may repeat) is a `Vec<T>` field",
            );
        };
        (Shape::Multi, elem.clone())
    } else if let Some(inner) = generic_inner(ty, "Option") {
        if let Some(s) = o.required {
            return field_error(
                s,
                "a `required` attribute is always present: drop the `Option<..>` around the type",
            );
        }
        (Shape::Optional, inner.clone())
    } else if o.required.is_some() {
        (Shape::Required, ty.clone())
    } else {
        return field_error(
            ty.span(),
            format!(
                "`{ident}` may be absent on the wire: make it `Option<{}>`, or mark it `required`",
                quote!(#ty)
            ),
        );
    };
    let _ = kind_span;
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
    Ok(SetField {
        ident,
        vis: &f.vis,
        docs: docs(&f.attrs),
        shape,
        local: format_ident!("__f_{}", ident),
        attr,
    })
}

pub fn expand(input: &DeriveInput) -> Result<TokenStream> {
    let syn::Data::Struct(data) = &input.data else {
        unreachable!("dispatched on the data kind")
    };
    if !input.generics.params.is_empty() {
        return field_error(
            input.generics.span(),
            "attribute sets cannot be generic (the derive emits a static policy table)",
        );
    }
    let c = parse_container_opts(&input.attrs, &["crate", "name", "view", "pad"])?;
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
    let named = match &data.fields {
        Fields::Named(n) => n.named.iter().collect::<Vec<_>>(),
        Fields::Unit => Vec::new(),
        Fields::Unnamed(u) => {
            return field_error(u.span(), "attribute sets need named fields");
        }
    };

    let mut fields = Vec::new();
    let mut errors: Option<syn::Error> = None;
    for f in &named {
        match parse_field(f, k) {
            Ok(sf) => fields.push(sf),
            Err(e) => match &mut errors {
                Some(all) => all.combine(e),
                None => errors = Some(e),
            },
        }
    }
    if let Some(e) = errors {
        return Err(e);
    }

    let mut numbers: Vec<(u16, Span, String)> = Vec::new();
    for (ty, span) in &c.pads {
        numbers.push((*ty, *span, "pad".into()));
    }
    for f in &fields {
        let span = f.attr.opts.ty.map_or_else(Span::call_site, |(_, s)| s);
        numbers.push((f.attr.nla_ty, span, f.ident.to_string()));
    }
    check_unique_types(&numbers)?;

    // Sub-message selectors must name a scalar or string field of this set.
    for f in &fields {
        if let Kind::SubMessage { selector } = &f.attr.kind {
            let Some(sel) = fields.iter().find(|g| g.ident == selector) else {
                return field_error(
                    selector.span(),
                    format!("`selector = {selector}` names no field of this set"),
                );
            };
            if !matches!(sel.attr.kind, Kind::Int(_) | Kind::Str)
                || !matches!(sel.shape, Shape::Optional | Shape::Required)
            {
                return field_error(
                    selector.span(),
                    "a selector is a single string or integer attribute of the same set",
                );
            }
        }
    }

    let owner = quote!(#ident);
    let has_multi = fields.iter().any(|f| f.shape == Shape::Multi);

    // ---- view struct
    let view_fields = fields.iter().map(|f| {
        let (fid, fvis, fdocs) = (f.ident, f.vis, &f.docs);
        let vt = f.attr.view_ty();
        let inner = &f.attr.inner;
        let ty = match f.shape {
            Shape::Optional => quote!(::core::option::Option<#vt>),
            Shape::Required | Shape::Flag => vt,
            Shape::Multi => {
                let m = f.attr.marker();
                crate::model::respan(quote!(#k::__private::Multi<'a, #inner, #m>), inner.span())
            }
        };
        quote!(#(#fdocs)* #fvis #fid: #ty,)
    });
    let debug_fields = fields.iter().map(|f| {
        let fid = f.ident;
        let name = fid.to_string();
        quote!(.field(#name, &self.#fid))
    });
    let eq_fields = fields.iter().map(|f| {
        let fid = f.ident;
        quote!(&& self.#fid == other.#fid)
    });
    let view_doc = format!(
        "Zero-copy view of [`{ident}`]: decoded in one pass, borrowing the received bytes \
         (generated by `#[derive(nlwire::AttrSet)]`)."
    );

    // ---- decode
    let decls = fields.iter().map(|f| {
        let l = &f.local;
        let vt = f.attr.view_ty();
        match (&f.attr.kind, f.shape) {
            (Kind::SubMessage { .. }, _) => {
                quote!(let mut #l: ::core::option::Option<#k::Attr<'a>> = ::core::option::Option::None;)
            }
            (_, Shape::Flag) => quote!(let mut #l = false;),
            (_, Shape::Multi) => {
                let inner = &f.attr.inner;
                let m = f.attr.marker();
                let multi = crate::model::respan(
                    quote!(#k::__private::Multi::<'a, #inner, #m>),
                    inner.span(),
                );
                quote!(let mut #l = #multi::empty();)
            }
            _ => quote!(let mut #l: ::core::option::Option<#vt> = ::core::option::Option::None;),
        }
    });
    let arms = fields.iter().map(|f| {
        let l = &f.local;
        let ty = f.attr.nla_ty;
        let dup = f.attr.opts.reject_duplicate.is_some().then(|| {
            quote!(if #l.is_some() { return ::core::result::Result::Err(#k::__private::duplicate(#ty)); })
        });
        match (&f.attr.kind, f.shape) {
            (Kind::SubMessage { .. }, _) => quote!(#ty => { #dup #l = ::core::option::Option::Some(a); }),
            (_, Shape::Flag) => {
                let dup = f.attr.opts.reject_duplicate.is_some().then(|| {
                    quote!(if #l { return ::core::result::Result::Err(#k::__private::duplicate(#ty)); })
                });
                let chk = crate::model::flag_check(&owner, &f.attr.chk);
                quote!(#ty => { #chk #dup #l = true; })
            }
            (_, Shape::Multi) => {
                let check = f.attr.check(&owner);
                quote!(#ty => {
                    if !cx.is_trusted() {
                        #check
                    }
                    #l.push(bytes, #ty, __off);
                })
            }
            _ => {
                let get = f.attr.get(&owner);
                quote!(#ty => { #dup #l = ::core::option::Option::Some(#get); })
            }
        }
    });
    let pad_arms = c.pads.iter().map(|(t, _)| quote!(#t => {}));
    let off = has_multi.then(|| quote!(let __off = __it.offset();));
    let subs = fields.iter().filter_map(|f| {
        let Kind::SubMessage { selector } = &f.attr.kind else {
            return None;
        };
        let l = &f.local;
        let sel_local = format_ident!("__f_{}", selector);
        let inner = &f.attr.inner;
        Some(quote! {
            let #l = match #l {
                ::core::option::Option::Some(a) => {
                    let v = #k::__private::decode_sub_message::<#inner>(
                        a,
                        #k::__private::AsSelector::as_selector(&#sel_local),
                        cx,
                    )?;
                    if v.is_none() {
                        __unknown += 1;
                    }
                    v
                }
                ::core::option::Option::None => ::core::option::Option::None,
            };
        })
    });
    let requires = fields.iter().filter_map(|f| {
        let l = &f.local;
        let (name, ty) = (&f.attr.name, f.attr.nla_ty);
        match f.shape {
            Shape::Required => Some(quote! {
                let #l = match #l {
                    ::core::option::Option::Some(v) => v,
                    ::core::option::Option::None => {
                        return ::core::result::Result::Err(#k::__private::missing(#name, #ty));
                    }
                };
            }),
            Shape::Multi if f.attr.opts.required.is_some() => Some(quote! {
                if #l.is_empty() {
                    return ::core::result::Result::Err(#k::__private::missing(#name, #ty));
                }
            }),
            _ => None,
        }
    });
    let build = fields.iter().map(|f| {
        let (fid, l) = (f.ident, &f.local);
        quote!(#fid: #l,)
    });

    // ---- check_in: the decoder's walk and checks, building nothing (only presence bits
    // for required and no-duplicate fields). A set with sub-messages decodes instead: their
    // checks need the selector's value.
    let has_sub = fields
        .iter()
        .any(|f| matches!(f.attr.kind, Kind::SubMessage { .. }));
    let check_in = (!has_sub).then(|| {
        let seen = |f: &SetField<'_>| format_ident!("__seen_{}", f.ident);
        let tracked = |f: &SetField<'_>| {
            f.attr.opts.reject_duplicate.is_some()
                || f.shape == Shape::Required
                || (f.shape == Shape::Multi && f.attr.opts.required.is_some())
        };
        let seen_decls = fields.iter().filter(|f| tracked(f)).map(|f| {
            let s = seen(f);
            quote!(let mut #s = false;)
        });
        let check_arms = fields.iter().map(|f| {
            let ty = f.attr.nla_ty;
            let s = seen(f);
            let dup = f.attr.opts.reject_duplicate.is_some().then(|| {
                quote!(if #s { return ::core::result::Result::Err(#k::__private::duplicate(#ty)); })
            });
            let mark = tracked(f).then(|| quote!(#s = true;));
            // The decoder's order: a flag is checked before the repeat test, a value after.
            match f.shape {
                Shape::Flag => {
                    let check = crate::model::flag_check(&owner, &f.attr.chk);
                    quote!(#ty => { #check #dup #mark })
                }
                _ => {
                    let check = f.attr.check(&owner);
                    quote!(#ty => { #dup #check #mark })
                }
            }
        });
        let pad_arms = c.pads.iter().map(|(t, _)| quote!(#t => {}));
        let check_requires = fields.iter().filter_map(|f| {
            let s = seen(f);
            let (name, ty) = (&f.attr.name, f.attr.nla_ty);
            let required = f.shape == Shape::Required
                || (f.shape == Shape::Multi && f.attr.opts.required.is_some());
            required.then(|| {
                quote! {
                    if !#s {
                        return ::core::result::Result::Err(#k::__private::missing(#name, #ty));
                    }
                }
            })
        });
        quote! {
            #[inline]
            #[allow(unused_mut, clippy::match_single_binding)]
            fn check_in(bytes: &[u8], cx: &mut #k::__private::DecodeCx) -> #k::Result<()> {
                #(#seen_decls)*
                let mut __n: usize = 0;
                for a in #k::__private::AttrCursor::new(bytes) {
                    let a = a?;
                    __n += 1;
                    match a.ty() {
                        #(#check_arms)*
                        #(#pad_arms)*
                        _ => {}
                    }
                }
                cx.count_n(__n)?;
                #(#check_requires)*
                ::core::result::Result::Ok(())
            }
        }
    });

    // ---- from_view
    let owned = fields.iter().map(|f| {
        let fid = f.ident;
        let conv = f.attr.owned_expr(quote!(x));
        match f.shape {
            Shape::Optional => quote!(#fid: view.#fid.map(|x| #conv),),
            Shape::Required => {
                let conv = f.attr.owned_expr(quote!(view.#fid));
                quote!(#fid: #conv,)
            }
            Shape::Flag => quote!(#fid: view.#fid,),
            Shape::Multi => quote!(#fid: view.#fid.iter().map(|x| #conv).collect(),),
        }
    });

    // ---- encode
    let encodes = fields.iter().map(|f| {
        let fid = f.ident;
        match f.shape {
            Shape::Optional => {
                let put = f.attr.put(quote!(v));
                quote!(if let ::core::option::Option::Some(v) = &self.#fid { #put })
            }
            Shape::Required => {
                let put = f.attr.put(quote!(&self.#fid));
                quote!(#put)
            }
            Shape::Flag => {
                let put = f.attr.put(quote!(()));
                quote!(if self.#fid { #put })
            }
            Shape::Multi => {
                let put = f.attr.put(quote!(v));
                quote!(for v in &self.#fid { #put })
            }
        }
    });

    // ---- policy
    let mut entries: Vec<(u16, TokenStream)> = Vec::new();
    for (t, _) in &c.pads {
        entries.push((
            *t,
            quote!(#k::AttrPolicy::new("pad", #t, #k::AttrKind::Pad)),
        ));
    }
    for f in &fields {
        let required = f.shape == Shape::Required
            || (f.shape == Shape::Multi && f.attr.opts.required.is_some());
        entries.push((
            f.attr.nla_ty,
            f.attr.policy_entry(required, f.shape == Shape::Multi)?,
        ));
    }
    entries.sort_by_key(|(t, _)| *t);
    let entries = entries.iter().map(|(_, e)| e);
    let chk_consts = fields.iter().map(|f| f.attr.chk_const());

    // ---- arbitrary
    let arb_lets = fields.iter().map(|f| {
        let l = &f.local;
        let arb = f.attr.arbitrary(&owner);
        let res = f.attr.arbitrary_result(&owner);
        match f.shape {
            Shape::Optional => {
                quote!(let mut #l = #k::__private::arbitrary_option(u, |u| #res)?;)
            }
            Shape::Required | Shape::Flag => quote!(let mut #l = #arb;),
            Shape::Multi if f.attr.opts.required.is_some() => {
                quote!(let mut #l = #k::__private::arbitrary_vec1(u, |u| #res)?;)
            }
            Shape::Multi => {
                quote!(let mut #l = #k::__private::arbitrary_vec(u, |u| #res)?;)
            }
        }
    });
    // Sub-messages decide their selector: the first one present sets it; a later one that
    // shares the selector but picks another format is dropped (it would not decode back).
    let mut selectors: Vec<&Ident> = Vec::new();
    for f in &fields {
        if let Kind::SubMessage { selector } = &f.attr.kind
            && !selectors.contains(&selector)
        {
            selectors.push(selector);
        }
    }
    let arb_sel_flags = selectors.iter().map(|sel| {
        let flag = Ident::new(&format!("__sel_set_{sel}"), Span::call_site());
        quote!(let mut #flag = false;)
    });
    let arb_fixups = fields.iter().filter_map(|f| {
        let Kind::SubMessage { selector } = &f.attr.kind else {
            return None;
        };
        let l = &f.local;
        let sel_local = format_ident!("__f_{}", selector);
        let flag = Ident::new(&format!("__sel_set_{selector}"), Span::call_site());
        let inner = &f.attr.inner;
        let ds = quote!(#k::__private);
        Some(match f.shape {
            Shape::Required => quote! {
                let s = <#inner as #ds::SubMessage>::selector(&#l);
                if !#flag {
                    #ds::SetSelector::set_selector(&mut #sel_local, s);
                    #flag = true;
                }
            },
            _ => quote! {
                if let ::core::option::Option::Some(v) = &#l {
                    let s = <#inner as #ds::SubMessage>::selector(v);
                    if !#flag {
                        #ds::SetSelector::set_selector(&mut #sel_local, s);
                        #flag = true;
                    } else if #ds::AsSelector::as_selector(&#sel_local)
                        != ::core::option::Option::Some(s)
                    {
                        #l = ::core::option::Option::None;
                    }
                }
            },
        })
    });
    let arb_build = fields.iter().map(|f| {
        let (fid, l) = (f.ident, &f.local);
        quote!(#fid: #l,)
    });

    let view_owned = crate::model::view_owned(
        k,
        ident,
        &view,
        vis,
        "AttrSet",
        quote! {
                    /// How many attributes of types this set does not declare were skipped.
                    #[inline]
                    #vis fn unknown(&self) -> usize {
                        self.__nlwire.unknown()
                    }
        },
    );
    Ok(quote! {
            #[doc = #view_doc]
            #[allow(clippy::pedantic, clippy::nursery)]
            #[derive(Clone, Copy)]
            #vis struct #view<'a> {
                #(#view_fields)*
                __nlwire: #k::__private::ViewMeta<'a>,
            }

            #[automatically_derived]
    #[allow(clippy::pedantic, clippy::nursery)]
            impl ::core::fmt::Debug for #view<'_> {
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    f.debug_struct(::core::stringify!(#view))
                        #(#debug_fields)*
                        .finish()
                }
            }

            #[automatically_derived]
    #[allow(clippy::pedantic, clippy::nursery)]
            impl ::core::cmp::PartialEq for #view<'_> {
                fn eq(&self, other: &Self) -> bool {
                    let _ = other;
                    true #(#eq_fields)*
                }
            }

            #view_owned

            #[allow(clippy::pedantic, clippy::nursery)]

            impl #ident {
                #(#chk_consts)*

                #[doc(hidden)]
                pub const fn __nlwire_policy() -> &'static #k::Policy {
                    static POLICY: #k::Policy = #k::Policy::new(#set_name, &[#(#entries),*]);
                    &POLICY
                }
            }

            #[automatically_derived]
    #[allow(clippy::pedantic, clippy::nursery)]
            impl #k::__private::Encode for #ident {
                #[inline]
                fn encode(&self, buf: &mut #k::MsgBuf<'_>) -> #k::Result<()> {
                    let _ = &buf;
                    #(#encodes)*
                    ::core::result::Result::Ok(())
                }
            }

            #[automatically_derived]
    #[allow(clippy::pedantic, clippy::nursery)]
            impl #k::__private::AttrSet for #ident {
                type View<'a> = #view<'a>;
                const POLICY: &'static #k::Policy = #ident::__nlwire_policy();

                #[inline]
                #[allow(unused_mut, clippy::match_single_binding)]
                fn decode_in<'a>(
                    bytes: &'a [u8],
                    cx: &mut #k::__private::DecodeCx,
                ) -> #k::Result<#view<'a>> {
                    #(#decls)*
                    let mut __unknown: u32 = 0;
                    let mut __n: usize = 0;
                    let mut __it = #k::__private::AttrCursor::new(bytes);
                    loop {
                        #off
                        let a = match __it.next() {
                            ::core::option::Option::Some(a) => a?,
                            ::core::option::Option::None => break,
                        };
                        __n += 1;
                        match a.ty() {
                            #(#arms)*
                            #(#pad_arms)*
                            _ => __unknown += 1,
                        }
                    }
                    cx.count_n(__n)?;
                    #(#subs)*
                    #(#requires)*
                    ::core::result::Result::Ok(#view {
                        #(#build)*
                        __nlwire: #k::__private::ViewMeta::new(__unknown),
                    })
                }

                #check_in

                #[inline]
                fn from_view(view: #view<'_>) -> Self {
                    let _ = &view;
                    #ident { #(#owned)* }
                }

                #k::__if_arbitrary! {
                    #[allow(unused_mut)]
                    fn arbitrary_set(
                        u: &mut #k::arbitrary::Unstructured<'_>,
                    ) -> #k::arbitrary::Result<Self> {
                        let _ = &u;
                        #(#arb_lets)*
                        #(#arb_sel_flags)*
                        #(#arb_fixups)*
                        ::core::result::Result::Ok(#ident { #(#arb_build)* })
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
                        <#ident as #k::__private::AttrSet>::arbitrary_set(u)
                    }
                }
            }
        })
}
