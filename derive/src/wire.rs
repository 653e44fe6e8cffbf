//! `#[wire]`: lays a struct out as a fixed wire struct on zerocopy — `#[repr(C)]`, the
//! zerocopy derives through the runtime crate's re-export, byte-order types for multi-byte
//! integers, and a compile-time size check.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote};
use syn::spanned::Spanned;
use syn::{Fields, ItemStruct, LitInt, LitStr, Path, Result, Type};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Order {
    Native,
    Big,
    Little,
}

impl Order {
    fn module(self) -> &'static str {
        match self {
            Order::Native => "native_endian",
            Order::Big => "network_endian",
            Order::Little => "little_endian",
        }
    }
}

/// Multi-byte primitive → zerocopy byte-order type name.
fn byteorder_name(prim: &str) -> Option<&'static str> {
    Some(match prim {
        "u16" => "U16",
        "u32" => "U32",
        "u64" => "U64",
        "u128" => "U128",
        "i16" => "I16",
        "i32" => "I32",
        "i64" => "I64",
        "i128" => "I128",
        "f32" => "F32",
        "f64" => "F64",
        _ => return None,
    })
}

/// The wire type of a field type under byte order `order` (`explicit`: the order was
/// written as `#[be]`/`#[le]`).
fn map_ty(ty: &Type, order: Order, explicit: bool, zc: &TokenStream) -> Result<Type> {
    match ty {
        Type::Array(a) => {
            let mut a = a.clone();
            a.elem = Box::new(map_ty(&a.elem, order, explicit, zc)?);
            Ok(Type::Array(a))
        }
        Type::Path(p) if p.qself.is_none() && p.path.get_ident().is_some() => {
            let id = p
                .path
                .get_ident()
                .map(ToString::to_string)
                .unwrap_or_default();
            if let Some(name) = byteorder_name(&id) {
                let m = syn::Ident::new(order.module(), Span::call_site());
                let n = syn::Ident::new(name, Span::call_site());
                return Ok(syn::parse_quote_spanned!(ty.span()=> #zc::#m::#n));
            }
            match id.as_str() {
                "u8" | "i8" if explicit => Err(syn::Error::new(
                    ty.span(),
                    "byte order (`#[be]`, `#[le]`) has no meaning for single bytes",
                )),
                "u8" | "i8" => Ok(ty.clone()),
                "bool" | "char" => Err(syn::Error::new(
                    ty.span(),
                    format!(
                        "`{id}` is not a wire type (not every bit pattern is valid); use u8 or u32"
                    ),
                )),
                "usize" | "isize" => Err(syn::Error::new(
                    ty.span(),
                    format!("`{id}` has no fixed wire size; use u32 or u64"),
                )),
                _ if explicit => Err(syn::Error::new(
                    ty.span(),
                    "byte order (`#[be]`, `#[le]`) applies to integer fields and arrays of them",
                )),
                _ => Ok(ty.clone()),
            }
        }
        Type::Path(_) if explicit => Err(syn::Error::new(
            ty.span(),
            "byte order (`#[be]`, `#[le]`) applies to integer fields and arrays of them",
        )),
        Type::Path(_) => Ok(ty.clone()),
        other => Err(syn::Error::new(
            other.span(),
            "a wire struct field is an integer, an array, or another wire struct",
        )),
    }
}

pub fn expand(args: TokenStream, item: TokenStream) -> Result<TokenStream> {
    let mut size: Option<LitInt> = None;
    let mut krate: TokenStream = quote!(::nlwire);
    let parser = syn::meta::parser(|meta| {
        if meta.path.is_ident("size") {
            if size.is_some() {
                return Err(meta.error("`size` is given twice"));
            }
            size = Some(meta.value()?.parse()?);
            Ok(())
        } else if meta.path.is_ident("crate") {
            let s: LitStr = meta.value()?.parse()?;
            let p: Path = s.parse()?;
            krate = p.to_token_stream();
            Ok(())
        } else {
            Err(meta.error("unknown `wire` option; expected `size = N` or `crate = \"path\"`"))
        }
    });
    syn::parse::Parser::parse2(parser, args)?;
    let mut s: ItemStruct = syn::parse2(item)
        .map_err(|e| syn::Error::new(e.span(), "#[nlwire::wire] applies to a struct"))?;
    if !s.generics.params.is_empty() {
        return Err(syn::Error::new(
            s.generics.span(),
            "wire structs cannot be generic",
        ));
    }
    let zc = quote!(#krate::zerocopy);
    let fields: Vec<&mut syn::Field> = match &mut s.fields {
        Fields::Named(n) => n.named.iter_mut().collect(),
        Fields::Unnamed(u) => u.unnamed.iter_mut().collect(),
        Fields::Unit => Vec::new(),
    };
    let mut errors: Option<syn::Error> = None;
    for f in fields {
        let mut order = Order::Native;
        let mut explicit = false;
        let mut kept = Vec::new();
        for a in f.attrs.drain(..) {
            let o = if a.path().is_ident("be") {
                Some(Order::Big)
            } else if a.path().is_ident("le") {
                Some(Order::Little)
            } else {
                None
            };
            match o {
                Some(o) => {
                    if explicit {
                        let e = syn::Error::new(a.span(), "one byte order per field");
                        match &mut errors {
                            Some(all) => all.combine(e),
                            None => errors = Some(e),
                        }
                    }
                    if let Err(e) = a.meta.require_path_only() {
                        match &mut errors {
                            Some(all) => all.combine(e),
                            None => errors = Some(e),
                        }
                    }
                    order = o;
                    explicit = true;
                }
                None => kept.push(a),
            }
        }
        f.attrs = kept;
        match map_ty(&f.ty, order, explicit, &zc) {
            Ok(t) => f.ty = t,
            Err(e) => match &mut errors {
                Some(all) => all.combine(e),
                None => errors = Some(e),
            },
        }
    }
    if let Some(e) = errors {
        return Err(e);
    }

    let ident = &s.ident;
    let has_repr = s.attrs.iter().any(|a| a.path().is_ident("repr"));
    let repr = (!has_repr).then(|| quote!(#[repr(C)]));
    let zc_str = zc.to_string().replace(' ', "");
    let size_check = match &size {
        Some(n) => {
            let v: usize = n.base10_parse()?;
            let msg = format!(
                "`{ident}` is declared `size = {v}` but its fields occupy a different number of bytes"
            );
            Some(quote! {
                const _: () = ::core::assert!(::core::mem::size_of::<#ident>() == #v, #msg);
            })
        }
        None => None,
    };
    let arb = quote! {
            #krate::__if_arbitrary! {
                #[automatically_derived]
    #[allow(clippy::pedantic, clippy::nursery)]
                impl<'__u> #krate::arbitrary::Arbitrary<'__u> for #ident {
                    fn arbitrary(
                        u: &mut #krate::arbitrary::Unstructured<'__u>,
                    ) -> #krate::arbitrary::Result<Self> {
                        #krate::__private::arbitrary_wire(u)
                    }
                }
            }
        };
    Ok(quote! {
            #[derive(
                ::core::clone::Clone,
                ::core::marker::Copy,
                ::core::fmt::Debug,
                ::core::cmp::PartialEq,
                ::core::cmp::Eq,
                ::core::hash::Hash,
                #zc::FromBytes,
                #zc::IntoBytes,
                #zc::KnownLayout,
                #zc::Immutable,
                #zc::Unaligned,
            )]
            #[zerocopy(crate = #zc_str)]
            #repr
            #s

            #size_check

            #[automatically_derived]
    #[allow(clippy::pedantic, clippy::nursery)]
            impl #krate::__private::WireType for #ident {}

            #[automatically_derived]
    #[allow(clippy::pedantic, clippy::nursery)]
            impl ::core::default::Default for #ident {
                /// All bytes zero.
                #[inline]
                fn default() -> Self {
                    <Self as #zc::FromZeros>::new_zeroed()
                }
            }

            #arb
        })
}
