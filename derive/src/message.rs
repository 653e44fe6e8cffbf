//! `#[derive(Message)]`: a generic netlink message — nlmsghdr, genlmsghdr (command,
//! version), an optional fixed family header and an attribute set — or a netlink-raw one
//! (`msg_type = N`): nlmsghdr with its own type, the fixed header and the attributes.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::spanned::Spanned;
use syn::{DeriveInput, Fields, Ident, Result, Type, Visibility};

use crate::model::docs;
use crate::opts::{kebab, parse_attr_opts, parse_container_opts};

struct Part<'f> {
    ident: &'f Ident,
    vis: &'f Visibility,
    ty: &'f Type,
    docs: Vec<&'f syn::Attribute>,
}

pub fn expand(input: &DeriveInput) -> Result<TokenStream> {
    let syn::Data::Struct(data) = &input.data else {
        return Err(syn::Error::new(
            input.ident.span(),
            "#[derive(Message)] applies to structs with a `#[nla(attrs)]` field and optionally \
             a `#[nla(header)]` field",
        ));
    };
    if !input.generics.params.is_empty() {
        return Err(syn::Error::new(
            input.generics.span(),
            "messages cannot be generic",
        ));
    }
    let c = parse_container_opts(
        &input.attrs,
        &[
            "crate", "cmd", "version", "view", "name", "family", "reply", "msg_type",
        ],
    )?;
    let k = &c.krate;
    let ident = &input.ident;
    let vis = &input.vis;
    let (cmd, version, raw) = match (c.cmd, c.msg_type) {
        (Some((cmd, _)), None) => (cmd, c.version.map_or(1, |(v, _)| v), None),
        (None, Some((ty, _))) => {
            if let Some((_, span)) = c.version {
                return Err(syn::Error::new(
                    span,
                    "a netlink-raw message (`msg_type`) has no genlmsghdr, so no `version`",
                ));
            }
            (0, 0, Some(ty))
        }
        (Some(_), Some((_, span))) => {
            return Err(syn::Error::new(
                span,
                "`cmd` (generic netlink) and `msg_type` (netlink-raw) exclude each other",
            ));
        }
        (None, None) => {
            return Err(syn::Error::new(
                ident.span(),
                "a message needs its genl command: `#[nla(cmd = 1)]` (and `version = N`, \
                 default 1), or a netlink-raw `nlmsg_type`: `#[nla(msg_type = 18)]`",
            ));
        }
    };
    let view = c
        .view
        .clone()
        .unwrap_or_else(|| format_ident!("{}View", ident));
    let Fields::Named(named) = &data.fields else {
        return Err(syn::Error::new(
            data.fields.span(),
            "a message has named fields: `#[nla(header)] hdr: OvsHeader, #[nla(attrs)] body: Set`",
        ));
    };

    let mut header: Option<Part<'_>> = None;
    let mut attrs: Option<Part<'_>> = None;
    for f in &named.named {
        let Some(fid) = f.ident.as_ref() else {
            continue;
        };
        if fid == "nlmsg" || fid == "genl" {
            return Err(syn::Error::new(
                fid.span(),
                format!("`{fid}` is reserved: the message view has a `{fid}` header field"),
            ));
        }
        let o = parse_attr_opts(&f.attrs)?;
        let part = Part {
            ident: fid,
            vis: &f.vis,
            ty: &f.ty,
            docs: docs(&f.attrs),
        };
        match (o.header, o.attrs) {
            (Some(s), None) => {
                if header.is_some() {
                    return Err(syn::Error::new(s, "a message has one fixed header"));
                }
                header = Some(part);
            }
            (None, Some(s)) => {
                if attrs.is_some() {
                    return Err(syn::Error::new(s, "a message has one attribute set"));
                }
                attrs = Some(part);
            }
            _ => {
                return Err(syn::Error::new(
                    fid.span(),
                    format!(
                        "message field `{fid}` must be marked `#[nla(header)]` (a fixed struct \
                         such as OvsHeader) or `#[nla(attrs)]` (an attribute set)"
                    ),
                ));
            }
        }
    }

    let view_header = header.as_ref().map(|p| {
        let (fid, fvis, ty, d) = (p.ident, p.vis, p.ty, &p.docs);
        quote!(#(#d)* #fvis #fid: &'a #ty,)
    });
    let view_attrs = attrs.as_ref().map(|p| {
        let (fid, fvis, ty, d) = (p.ident, p.vis, p.ty, &p.docs);
        quote!(#(#d)* #fvis #fid: <#ty as #k::__private::AttrSet>::View<'a>,)
    });
    let policy = match &attrs {
        Some(p) => {
            let ty = p.ty;
            quote!(<#ty as #k::__private::AttrSet>::POLICY)
        }
        None => {
            let name = c
                .name
                .as_ref()
                .map_or_else(|| kebab(&ident.to_string()), syn::LitStr::value);
            quote!({
                static POLICY: #k::Policy = #k::Policy::new(#name, &[]);
                &POLICY
            })
        }
    };
    let put_header = header.as_ref().map(|p| {
        let fid = p.ident;
        quote!(buf.put(#k::zerocopy::IntoBytes::as_bytes(&self.#fid));)
    });
    let put_attrs = attrs.as_ref().map(|p| {
        let (fid, ty) = (p.ident, p.ty);
        quote! {
            if let ::core::result::Result::Err(e) =
                <#ty as #k::__private::Encode>::encode(&self.#fid, buf)
            {
                buf.truncate(start);
                return ::core::result::Result::Err(e);
            }
        }
    });
    let split = match (&header, raw) {
        (Some(p), None) => {
            let (fid, ty) = (p.ident, p.ty);
            let name = quote!(#ty).to_string().replace(' ', "");
            quote! {
                let (nlmsg, genl, #fid, body) =
                    #k::__private::split_genl::<#ty>(&msg, #name)?;
            }
        }
        (None, None) => quote! {
            let nlmsg = msg.header();
            let (genl, body) = msg.genl()?;
        },
        (Some(p), Some(_)) => {
            let (fid, ty) = (p.ident, p.ty);
            let name = quote!(#ty).to_string().replace(' ', "");
            quote! {
                let (nlmsg, #fid, body) = #k::__private::split_raw::<#ty>(&msg, #name)?;
            }
        }
        (None, Some(_)) => quote! {
            let nlmsg = msg.header();
            let body = msg.payload();
        },
    };
    let (genl_field, genl_init, start, raw_type) = match raw {
        None => (
            quote! {
                /// The generic netlink header (command, version).
                #vis genl: &'a #k::GenlMsgHdr,
            },
            quote!(genl,),
            quote!(buf.start_genl_msg(family, flags, Self::CMD, Self::VERSION)),
            quote!(),
        ),
        Some(ty) => (
            quote!(),
            quote!(),
            quote!({
                let _ = family;
                buf.start_msg(#ty, flags)
            }),
            quote!(const RAW_TYPE: ::core::option::Option<u16> = ::core::option::Option::Some(#ty);),
        ),
    };
    let decode_attrs = match &attrs {
        Some(p) => {
            let (fid, ty) = (p.ident, p.ty);
            quote! {
                limits.check_size(body)?;
                let mut cx = #k::__private::DecodeCx::new(limits);
                let #fid = cx
                    .enter()
                    .and_then(|()| <#ty as #k::__private::AttrSet>::decode_in(body, &mut cx))
                    .map_err(|e| e.named_by(<Self as #k::__private::Message>::POLICY))?;
            }
        }
        None => quote!(let _ = (body, limits);),
    };
    let build_fields: Vec<_> = header
        .iter()
        .chain(attrs.iter())
        .map(|p| {
            let fid = p.ident;
            quote!(#fid,)
        })
        .collect();
    let own_header = header.as_ref().map(|p| {
        let fid = p.ident;
        quote!(#fid: *view.#fid,)
    });
    let own_attrs = attrs.as_ref().map(|p| {
        let (fid, ty) = (p.ident, p.ty);
        quote!(#fid: <#ty as #k::__private::AttrSet>::from_view(view.#fid),)
    });
    let arb_header = header.as_ref().map(|p| {
        let fid = p.ident;
        quote!(#fid: #k::__private::arbitrary_wire(u)?,)
    });
    let arb_attrs = attrs.as_ref().map(|p| {
        let (fid, ty) = (p.ident, p.ty);
        quote!(#fid: <#ty as #k::__private::AttrSet>::arbitrary_set(u)?,)
    });
    let header_len = match &header {
        Some(p) => {
            let ty = p.ty;
            quote!(::core::mem::size_of::<#ty>())
        }
        None => quote!(0),
    };
    let request = request_impl(k, ident, c.family.as_ref(), c.reply.as_ref())?;
    let view_doc = format!(
        "Zero-copy view of a [`{ident}`] message: headers as references into the received \
         bytes, attributes decoded in one pass (generated by `#[derive(nlwire::Message)]`)."
    );

    let view_owned = crate::model::view_owned(k, ident, &view, vis, "Message", quote!());
    Ok(quote! {
            #[doc = #view_doc]
            #[allow(clippy::pedantic, clippy::nursery)]
            #[derive(Clone, Copy, Debug, PartialEq)]
            #[allow(dead_code)]
            #vis struct #view<'a> {
                /// The netlink header (length, type, flags, seq, pid).
                #vis nlmsg: &'a #k::NlMsgHdr,
                #genl_field
                #view_header
                #view_attrs
            }

            #view_owned

            #[automatically_derived]
    #[allow(clippy::pedantic, clippy::nursery)]
            impl #k::__private::Message for #ident {
                type View<'a> = #view<'a>;
                const CMD: u8 = #cmd;
                const VERSION: u8 = #version;
                #raw_type
                const POLICY: &'static #k::Policy = #policy;
                const HEADER_LEN: usize = #header_len;

                #[inline]
                fn encode(
                    &self,
                    buf: &mut #k::MsgBuf<'_>,
                    family: u16,
                    flags: u16,
                ) -> #k::Result<()> {
                    let m = #start;
                    let start = m.offset();
                    #put_header
                    #put_attrs
                    let _ = start;
                    buf.end_msg(m)
                }

                #[inline]
                fn decode_body<'a>(
                    msg: #k::Msg<'a>,
                    limits: &#k::Limits,
                ) -> #k::Result<#view<'a>> {
                    #split
                    #decode_attrs
                    ::core::result::Result::Ok(#view { nlmsg, #genl_init #(#build_fields)* })
                }

                #[inline]
                fn from_view(view: #view<'_>) -> Self {
                    let _ = &view;
                    #ident { #own_header #own_attrs }
                }
            }

            #request

            #k::__if_arbitrary! {
                #[automatically_derived]
    #[allow(clippy::pedantic, clippy::nursery)]
                impl<'__u> #k::arbitrary::Arbitrary<'__u> for #ident {
                    fn arbitrary(
                        u: &mut #k::arbitrary::Unstructured<'__u>,
                    ) -> #k::arbitrary::Result<Self> {
                        let _ = &u;
                        ::core::result::Result::Ok(#ident { #arb_header #arb_attrs })
                    }
                }
            }
        })
}

/// `impl Request` when the message names its family (`family = "..."`, and the answer's
/// type with `reply = Type`; an acknowledgement, `()`, without it).
fn request_impl(
    k: &TokenStream,
    ident: &Ident,
    family: Option<&syn::LitStr>,
    reply: Option<&Type>,
) -> Result<TokenStream> {
    let Some(family) = family else {
        if let Some(r) = reply {
            return Err(syn::Error::new(
                r.span(),
                "`reply = ...` needs the request's family: `#[nla(family = \"name\", reply = ...)]`",
            ));
        }
        return Ok(quote!());
    };
    let reply = reply.map_or_else(|| quote!(()), |r| quote!(#r));
    Ok(quote! {
        #[automatically_derived]
        impl #k::Request for #ident {
            const FAMILY: &'static str = #family;
            type Reply = #reply;
        }
    })
}
