//! `#[derive(SubMessage)]`: an enum whose variant (payload format) a selector attribute
//! picks (YNL `sub-message`).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::spanned::Spanned;
use syn::{DeriveInput, Fields, Ident, Lit, Result, Type};

use crate::model::docs;
use crate::opts::{Kind, parse_attr_opts, parse_container_opts};

#[allow(clippy::large_enum_variant)] // a handful per derive, short-lived
enum Payload {
    /// No payload.
    Empty,
    /// An attribute set.
    Set(Type),
    /// A fixed struct only.
    Fixed(Type),
    /// A fixed header followed by an attribute set.
    HeaderSet(Type, Type),
}

struct Variant<'v> {
    ident: &'v Ident,
    docs: Vec<&'v syn::Attribute>,
    value: Lit,
    payload: Payload,
}

fn parse_variant(v: &syn::Variant) -> Result<Variant<'_>> {
    let o = parse_attr_opts(&v.attrs)?;
    let ident = &v.ident;
    let Some(value) = o.value.clone() else {
        return Err(syn::Error::new(
            o.span.unwrap_or_else(|| ident.span()),
            format!(
                "variant `{ident}` needs the selector value that picks it: \
                 `#[nla(value = \"name\")]` or `#[nla(value = 3)]`"
            ),
        ));
    };
    if !matches!(value, Lit::Str(_) | Lit::Int(_)) {
        return Err(syn::Error::new(
            value.span(),
            "a selector value is a string or an integer literal",
        ));
    }
    if let Some((_, s)) = o.ty {
        return Err(syn::Error::new(
            s,
            "sub-message variants have no type number; the selector picks them",
        ));
    }
    if o.has_len_check() || o.has_int_check() || o.required.is_some() || o.multi.is_some() {
        return Err(syn::Error::new(
            o.span.unwrap_or_else(|| ident.span()),
            "sub-message variants take `value` and optionally `fixed` only",
        ));
    }
    let fixed = match &o.kind {
        None | Some((Kind::Nested, _)) => false,
        Some((Kind::Fixed, _)) => true,
        Some((k, s)) => {
            return Err(syn::Error::new(
                *s,
                format!(
                    "a sub-message payload is an attribute set (default) or `fixed`, not `{}`",
                    k.keyword()
                ),
            ));
        }
    };
    let payload = match &v.fields {
        Fields::Unit => Payload::Empty,
        Fields::Unnamed(u) if u.unnamed.len() == 1 => {
            let t = u.unnamed[0].ty.clone();
            if fixed {
                Payload::Fixed(t)
            } else {
                Payload::Set(t)
            }
        }
        Fields::Unnamed(u) if u.unnamed.len() == 2 && !fixed => {
            Payload::HeaderSet(u.unnamed[0].ty.clone(), u.unnamed[1].ty.clone())
        }
        other => {
            return Err(syn::Error::new(
                other.span(),
                "a sub-message variant is `Name` (empty), `Name(Set)`, `#[nla(fixed)] Name(Struct)` \
                 or `Name(FixedHeader, Set)`",
            ));
        }
    };
    Ok(Variant {
        ident,
        docs: docs(&v.attrs),
        value,
        payload,
    })
}

fn type_name(t: &Type) -> String {
    quote!(#t).to_string().replace(' ', "")
}

pub fn expand(input: &DeriveInput) -> Result<TokenStream> {
    let syn::Data::Enum(data) = &input.data else {
        return Err(syn::Error::new(
            input.ident.span(),
            "#[derive(SubMessage)] applies to enums (one variant per format)",
        ));
    };
    if !input.generics.params.is_empty() {
        return Err(syn::Error::new(
            input.generics.span(),
            "sub-message enums cannot be generic",
        ));
    }
    let c = parse_container_opts(&input.attrs, &["crate", "view"])?;
    let k = &c.krate;
    let ident = &input.ident;
    let vis = &input.vis;
    let view = c
        .view
        .clone()
        .unwrap_or_else(|| format_ident!("{}View", ident));
    let variants = data
        .variants
        .iter()
        .map(parse_variant)
        .collect::<Result<Vec<_>>>()?;
    if variants.is_empty() {
        return Err(syn::Error::new(
            ident.span(),
            "a sub-message needs variants",
        ));
    }
    let strings = variants
        .iter()
        .filter(|v| matches!(v.value, Lit::Str(_)))
        .count();
    if strings != 0 && strings != variants.len() {
        return Err(syn::Error::new(
            ident.span(),
            "selector values are all strings or all integers",
        ));
    }
    let mut seen: Vec<String> = Vec::new();
    for v in &variants {
        let key = match &v.value {
            Lit::Str(s) => format!("{:?}", s.value()),
            Lit::Int(i) => i.base10_digits().to_owned(),
            _ => String::new(),
        };
        if seen.contains(&key) {
            return Err(syn::Error::new(
                v.value.span(),
                format!("selector value {key} picks two variants"),
            ));
        }
        seen.push(key);
    }

    let selector_of = |v: &Variant<'_>| -> Result<TokenStream> {
        Ok(match &v.value {
            Lit::Str(s) => quote!(#k::__private::Selector::Str(#s)),
            Lit::Int(i) => {
                let n: u64 = i.base10_parse()?;
                quote!(#k::__private::Selector::Int(#n))
            }
            _ => unreachable!("checked above"),
        })
    };

    let borrows = variants
        .iter()
        .any(|v| !matches!(v.payload, Payload::Empty));
    let set_view = |t: &Type| quote!(<#t as #k::__private::AttrSet>::View<'a>);
    let view_variants = variants.iter().map(|v| {
        let (vid, vdocs) = (v.ident, &v.docs);
        match &v.payload {
            Payload::Empty => quote!(#(#vdocs)* #vid,),
            Payload::Set(t) => {
                let vt = set_view(t);
                quote!(#(#vdocs)* #vid(#vt),)
            }
            Payload::Fixed(t) => quote!(#(#vdocs)* #vid(&'a #t),),
            Payload::HeaderSet(h, t) => {
                let vt = set_view(t);
                quote!(#(#vdocs)* #vid(&'a #h, #vt),)
            }
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

    let enc_arms = variants.iter().map(|v| {
        let vid = v.ident;
        match &v.payload {
            Payload::Empty => quote!(#ident::#vid => {}),
            Payload::Set(t) => {
                quote!(#ident::#vid(s) => <#t as #k::__private::Encode>::encode(s, buf)?,)
            }
            Payload::Fixed(_) => {
                quote!(#ident::#vid(h) => #k::__private::put_fixed(buf, h),)
            }
            Payload::HeaderSet(_, t) => quote!(#ident::#vid(h, s) => {
                #k::__private::put_fixed(buf, h);
                <#t as #k::__private::Encode>::encode(s, buf)?;
            }),
        }
    });
    let dec_arms = variants
        .iter()
        .map(|v| {
            let vid = v.ident;
            let sel = selector_of(v)?;
            let body = match &v.payload {
                Payload::Empty => quote!(#view::#vid),
                Payload::Set(t) => {
                    quote!(#view::#vid(<#t as #k::__private::AttrSet>::decode_in(payload, cx)?))
                }
                Payload::Fixed(t) => {
                    let name = type_name(t);
                    quote!(#view::#vid(#k::__private::split_fixed::<#t>(payload, #name)?.0))
                }
                Payload::HeaderSet(h, t) => {
                    let name = type_name(h);
                    quote!({
                        let (h, rest) = #k::__private::split_fixed::<#h>(payload, #name)?;
                        #view::#vid(h, <#t as #k::__private::AttrSet>::decode_in(rest, cx)?)
                    })
                }
            };
            Ok(quote!(#sel => #body,))
        })
        .collect::<Result<Vec<_>>>()?;
    let own_arms = variants.iter().map(|v| {
        let vid = v.ident;
        match &v.payload {
            Payload::Empty => quote!(#view::#vid => #ident::#vid,),
            Payload::Set(t) => {
                quote!(#view::#vid(s) => #ident::#vid(<#t as #k::__private::AttrSet>::from_view(s)),)
            }
            Payload::Fixed(_) => quote!(#view::#vid(h) => #ident::#vid(*h),),
            Payload::HeaderSet(_, t) => quote!(#view::#vid(h, s) =>
                #ident::#vid(*h, <#t as #k::__private::AttrSet>::from_view(s)),),
        }
    });
    let sel_arms = variants
        .iter()
        .map(|v| {
            let vid = v.ident;
            let sel = selector_of(v)?;
            let pat = match &v.payload {
                Payload::Empty => quote!(#ident::#vid),
                _ => quote!(#ident::#vid(..)),
            };
            Ok(quote!(#pat => #sel,))
        })
        .collect::<Result<Vec<_>>>()?;
    let n = variants.len();
    let arb_arms = variants.iter().enumerate().map(|(i, v)| {
        let vid = v.ident;
        let pat = if i + 1 == n { quote!(_) } else { quote!(#i) };
        let set = |t: &Type| {
            quote!({
                let _guard = #k::__private::ArbitraryDepth::enter();
                <#t as #k::__private::AttrSet>::arbitrary_set(u)?
            })
        };
        match &v.payload {
            Payload::Empty => quote!(#pat => #ident::#vid,),
            Payload::Set(t) => {
                let s = set(t);
                quote!(#pat => #ident::#vid(#s),)
            }
            Payload::Fixed(_) => {
                quote!(#pat => #ident::#vid(#k::__private::arbitrary_wire(u)?),)
            }
            Payload::HeaderSet(_, t) => {
                let s = set(t);
                quote!(#pat => #ident::#vid(#k::__private::arbitrary_wire(u)?, #s),)
            }
        }
    });
    let view_doc = format!(
        "Zero-copy view of a [`{ident}`] payload (generated by `#[derive(nlwire::SubMessage)]`)."
    );

    let view_owned = crate::model::view_owned(k, ident, &view, vis, "SubMessage", quote!());
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

            #[automatically_derived]
    #[allow(clippy::pedantic, clippy::nursery)]
            impl #k::__private::SubMessage for #ident {
                type View<'a> = #view<'a>;

                #[inline]
                fn encode_payload(&self, buf: &mut #k::MsgBuf<'_>) -> #k::Result<()> {
                    match self {
                        #(#enc_arms)*
                    }
                    ::core::result::Result::Ok(())
                }

                #[inline]
                fn decode_payload<'a>(
                    selector: #k::__private::Selector<'_>,
                    payload: &'a [u8],
                    cx: &mut #k::__private::DecodeCx,
                ) -> #k::Result<::core::option::Option<#view<'a>>> {
                    let _ = (&payload, &cx);
                    ::core::result::Result::Ok(::core::option::Option::Some(match selector {
                        #(#dec_arms)*
                        _ => return ::core::result::Result::Ok(::core::option::Option::None),
                    }))
                }

                #[inline]
                fn from_view(view: #view<'_>) -> Self {
                    match view {
                        #(#own_arms)*
                        #phantom_arm
                    }
                }

                fn selector(&self) -> #k::__private::Selector<'static> {
                    match self {
                        #(#sel_arms)*
                    }
                }

                #k::__if_arbitrary! {
                    fn arbitrary_sub(
                        u: &mut #k::arbitrary::Unstructured<'_>,
                    ) -> #k::arbitrary::Result<Self> {
                        ::core::result::Result::Ok(
                            match #k::__private::arbitrary_variant(u, #n)? {
                                #(#arb_arms)*
                            },
                        )
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
                        <#ident as #k::__private::SubMessage>::arbitrary_sub(u)
                    }
                }
            }
        })
}
