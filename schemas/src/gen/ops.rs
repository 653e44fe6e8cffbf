//! Family metadata, message ids, multicast groups and (genetlink) message structs.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::Gen;
use super::docs::Doc;
use super::names::{self, Names, ident};
use crate::ir::{Direction, Mode, Op};

/// `FAMILY_NAME`, `VERSION`, `PROTOCOL`.
pub(crate) fn family_consts(g: &Gen<'_>) -> TokenStream {
    let f = g.f;
    let name = &f.name;
    let version = Literal::u8_unsuffixed(u8::try_from(f.version).unwrap_or(u8::MAX));
    let proto = Literal::u32_unsuffixed(f.netlink_protocol());
    let name_doc = Doc::spec(Some(&f.doc))
        .para(format!(
            "Family `{name}` (protocol level `{}`){}.",
            f.protocol.as_str(),
            if f.protocol.is_genetlink() {
                ": the generic netlink family name to resolve through nlctrl"
            } else {
                ""
            }
        ))
        .tokens();
    let version_doc = Doc::default()
        .para(format!(
            "Family version (`version`, default 1){}.",
            if f.protocol.is_genetlink() {
                ": written in `genlmsghdr.version` by the generated messages"
            } else {
                ""
            }
        ))
        .tokens();
    let proto_doc = Doc::default()
        .para(if f.protocol.is_genetlink() {
            "Netlink protocol to open the socket with: `NETLINK_GENERIC`.".to_owned()
        } else {
            "Netlink protocol to open the socket with (`protonum`).".to_owned()
        })
        .tokens();
    quote! {
        #name_doc
        pub const FAMILY_NAME: &str = #name;
        #version_doc
        pub const VERSION: u8 = #version;
        #proto_doc
        pub const PROTOCOL: u32 = #proto;
    }
}

/// The type of message ids: `u8` commands for genetlink, `u16` message types otherwise.
fn id_ty(g: &Gen<'_>) -> TokenStream {
    if g.f.protocol.is_genetlink() {
        quote!(u8)
    } else {
        quote!(u16)
    }
}

fn id_lit(g: &Gen<'_>, v: u16) -> Literal {
    if g.f.protocol.is_genetlink() {
        Literal::u8_unsuffixed(u8::try_from(v).unwrap_or(u8::MAX))
    } else {
        Literal::u16_unsuffixed(v)
    }
}

/// First line of an op's doc, for constant docs.
fn first_line(op: &Op) -> Option<String> {
    op.doc
        .as_deref()
        .and_then(|d| d.lines().map(str::trim).find(|l| !l.is_empty()))
        .map(str::to_owned)
}

/// The attribute names of one message of an op, for docs.
fn msg_attr_list(g: &Gen<'_>, op: &Op, mode: Mode, dir: Direction) -> Option<String> {
    let set = &g.f[op.attr_set?];
    let attrs = g.f.msg_attrs(op, mode, dir)?;
    Some(
        attrs
            .iter()
            .filter_map(|&i| set.attrs.get(i))
            .map(|a| format!("`{}`", a.name))
            .collect::<Vec<_>>()
            .join(", "),
    )
}

/// `cmd`, `reply`, `mcgrp` and `msg` modules.
pub(crate) fn operations(g: &Gen<'_>) -> TokenStream {
    let ids = id_modules(g);
    let groups = mcast_groups(g);
    let msgs = messages(g);
    quote!(#ids #groups #msgs)
}

fn id_modules(g: &Gen<'_>) -> TokenStream {
    let f = g.f;
    let ty = id_ty(g);
    let mut req_names = Names::default();
    let mut rsp_names = Names::default();
    let prefix = &f.ops.name_prefix;
    let mut reqs = Vec::new();
    let mut rsps = Vec::new();
    for op in &f.ops.list {
        let base = names::shouty(&op.name);
        let c = names::c_name(prefix, &op.name);
        if let Some(v) = op.req_value {
            let id = ident(&req_names.claim(&base, "_", &[]));
            let lit = id_lit(g, v);
            let mut d = Doc::default();
            if let Some(l) = first_line(op) {
                d = Doc::spec(Some(&l));
            }
            let doc = d.para(format!("`{c}`: op `{}`.", op.name)).tokens();
            reqs.push(quote!(#doc pub const #id: #ty = #lit;));
        }
        if let Some(v) = op.rsp_value {
            let id = ident(&rsp_names.claim(&base, "_", &[]));
            let lit = id_lit(g, v);
            let what = if op.is_async() {
                "notifications"
            } else {
                "replies"
            };
            let doc = Doc::default()
                .para(format!("Id of the {what} of op `{}`.", op.name))
                .tokens();
            rsps.push(quote!(#doc pub const #id: #ty = #lit;));
        }
    }
    let which = if f.protocol.is_genetlink() {
        "`genlmsghdr.cmd`"
    } else {
        "`nlmsghdr.nlmsg_type`"
    };
    let cmd = (!reqs.is_empty()).then(|| {
        let doc = format!(" Request message ids ({which}), one per op that takes requests.");
        quote! {
            #[doc = #doc]
            pub mod cmd {
                #(#reqs)*
            }
        }
    });
    let reply = (!rsps.is_empty()).then(|| {
        let doc = format!(
            " Reply and notification message ids ({which}); the same as the request ids unless \
             the family numbers directions separately."
        );
        quote! {
            #[doc = #doc]
            pub mod reply {
                #(#rsps)*
            }
        }
    });
    quote!(#cmd #reply)
}

fn mcast_groups(g: &Gen<'_>) -> TokenStream {
    let f = g.f;
    if f.mcast_groups.is_empty() {
        return quote!();
    }
    let mut n = Names::default();
    let items = f.mcast_groups.iter().map(|m| {
        let id = ident(&n.claim(&names::shouty(&m.name), "_", &[]));
        let name = &m.name;
        match m.value {
            Some(v) => {
                let lit = Literal::u32_unsuffixed(v);
                let doc = Doc::default()
                    .para(format!("Group `{name}`: its number."))
                    .tokens();
                quote!(#doc pub const #id: u32 = #lit;)
            }
            None => {
                let doc = Doc::default()
                    .para(format!(
                        "Group `{name}`: the name to resolve (the id comes from nlctrl at run time)."
                    ))
                    .tokens();
                quote!(#doc pub const #id: &str = #name;)
            }
        }
    });
    quote! {
        /// Multicast groups.
        pub mod mcgrp {
            #(#items)*
        }
    }
}

/// The generic netlink message structs, one per distinct (op, direction).
fn messages(g: &Gen<'_>) -> TokenStream {
    let f = g.f;
    let k = &g.krate;
    let mut n = Names::types();
    let version = Literal::u8_unsuffixed(u8::try_from(f.version).unwrap_or(u8::MAX));
    let mut items = Vec::new();
    let krate = g.nla_crate();
    let family = &f.name;
    let claim = |n: &mut Names, name: &str, suffix: &str| {
        ident(&n.claim(&format!("{}{suffix}", names::camel(name)), "Msg", &["View"]))
    };
    // `request`: the reply type of a request message (`Some(None)`: only acknowledged).
    let message = |id: &proc_macro2::Ident,
                   cmd: u16,
                   doc: Doc,
                   op: &Op,
                   request: Option<Option<&proc_macro2::Ident>>| {
        // Generic netlink: the command and version in genlmsghdr; netlink-raw: the
        // message's own nlmsg_type.
        let id_opts = if f.protocol.is_genetlink() {
            let cmd = Literal::u8_unsuffixed(u8::try_from(cmd).unwrap_or(u8::MAX));
            quote!(cmd = #cmd, version = #version)
        } else {
            let ty = Literal::u16_unsuffixed(cmd);
            quote!(msg_type = #ty)
        };
        let exchange = request.map(|reply| match reply {
            Some(r) => quote!(, family = #family, reply = #r),
            None => quote!(, family = #family),
        });
        let header = op.fixed_header.map(|h| {
            let t = ident(g.def_types[h.0].as_deref().unwrap_or("_"));
            let hdoc = Doc::default()
                .para(format!("Fixed header `{}`.", f[h].name))
                .tokens();
            quote!(#hdoc #[nla(header)] pub header: super::#t,)
        });
        let attrs = op.attr_set.map(|s| {
            let t = g.set_ty(s, &quote!(super::));
            let adoc = Doc::default()
                .para(format!("Attribute set `{}`.", f[s].name))
                .tokens();
            quote!(#adoc #[nla(attrs)] pub attrs: #t,)
        });
        let doc = doc.tokens();
        quote! {
            #doc
            #[derive(Clone, Debug, PartialEq, Eq, #k::Message)]
            #[nla(#krate #id_opts #exchange)]
            pub struct #id {
                #header
                #attrs
            }
        }
    };
    for op in &f.ops.list {
        if op.is_reserved() {
            continue;
        }
        let c = names::c_name(&f.ops.name_prefix, &op.name);
        let base = Doc::spec(op.doc.as_deref());
        if op.is_call() {
            let mut req_doc = base_doc(&base);
            let mut rsp_doc = base_doc(&base);
            for (mode, m) in [(Mode::Do, &op.do_), (Mode::Dump, &op.dump)] {
                let Some(m) = m else { continue };
                let mode_s = if mode == Mode::Do { "do" } else { "dump" };
                if let Some(l) = msg_attr_list(g, op, mode, Direction::Request) {
                    req_doc = req_doc.para(format!("Request attributes ({mode_s}): {l}."));
                } else {
                    req_doc = req_doc.para(format!("Request ({mode_s}): no attributes."));
                }
                if m.reply.is_some()
                    && let Some(l) = msg_attr_list(g, op, mode, Direction::Reply)
                {
                    rsp_doc = rsp_doc.para(format!("Reply attributes ({mode_s}): {l}."));
                }
            }
            let has_reply = [&op.do_, &op.dump]
                .into_iter()
                .flatten()
                .any(|m| m.reply.is_some());
            let req_id = op.req_value.map(|_| claim(&mut n, &op.name, "Request"));
            // The reply's own struct, when its command or layout differs from the request's.
            let rsp = op.rsp_value.filter(|_| has_reply);
            let same_layout = rsp.is_some() && op.req_value == rsp;
            let rsp_id = rsp
                .filter(|_| !same_layout || req_id.is_none())
                .map(|_| claim(&mut n, &op.name, "Reply"));
            if let (Some(v), Some(id)) = (op.req_value, &req_id) {
                let doc = req_doc.para(format!("Request of op `{}` (`{c}`).", op.name));
                let reply = if same_layout {
                    Some(id)
                } else {
                    rsp_id.as_ref()
                };
                items.push(message(id, v, doc, op, Some(reply)));
            }
            if let Some(v) = rsp {
                match (&rsp_id, &req_id) {
                    (Some(id), _) => {
                        let doc = rsp_doc.para(format!("Reply of op `{}`.", op.name));
                        items.push(message(id, v, doc, op, None));
                    }
                    (None, Some(req)) => {
                        let alias = ident(&n.claim(
                            &format!("{}Reply", names::camel(&op.name)),
                            "Msg",
                            &[],
                        ));
                        let doc = rsp_doc
                            .para(format!(
                                "Reply of op `{}`: the same command and layout as the request.",
                                op.name
                            ))
                            .tokens();
                        items.push(quote!(#doc pub type #alias = #req;));
                    }
                    (None, None) => {}
                }
            }
        } else if let Some(v) = op.rsp_value {
            let mut doc = base_doc(&base);
            if let Some(l) = msg_attr_list(g, op, Mode::Do, Direction::Reply) {
                doc = doc.para(format!("Attributes: {l}."));
            }
            let kind = if op.notify.is_some() {
                "Notification"
            } else {
                "Event"
            };
            let doc = doc.para(format!("{kind} `{}` (`{c}`).", op.name));
            let id = claim(&mut n, &op.name, "");
            items.push(message(&id, v, doc, op, None));
        }
    }
    if items.is_empty() {
        return quote!();
    }
    quote! {
        /// Messages: the op's message id (`genlmsghdr` command and family version, or the
        /// netlink-raw `nlmsg_type`), its fixed header and its attribute set
        /// (`#[derive(nlwire::Message)]`).
        pub mod msg {
            #(#items)*
        }
    }
}

fn base_doc(d: &Doc) -> Doc {
    d.clone()
}
