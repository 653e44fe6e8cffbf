//! Definitions: consts, enums and flags as newtypes with named values, packed structs as
//! `#[nlwire::wire]` structs.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::Gen;
use super::docs::Doc;
use super::names::{self, Names, ident};
use crate::ir::{
    ByteOrder, ConstValue, DefKind, Definition, DisplayHint, EnumDef, IntType, MemberType,
    StructDef,
};

/// Every definition, in spec order.
pub(crate) fn definitions(g: &Gen<'_>) -> TokenStream {
    let items =
        g.f.definitions
            .iter()
            .enumerate()
            .filter(|(i, _)| g.kept.defs[*i])
            .map(|(i, d)| match &d.kind {
                DefKind::Const(v) => {
                    let name = g.def_consts[i].as_deref().unwrap_or("_");
                    constant(d, name, v)
                }
                DefKind::Enum(e) => {
                    let name = g.def_types[i].as_deref().unwrap_or("_");
                    if e.flags {
                        flags(g, d, name, e)
                    } else {
                        enumeration(g, d, name, e)
                    }
                }
                DefKind::Struct(s) => {
                    let name = g.def_types[i].as_deref().unwrap_or("_");
                    structure(g, d, name, s)
                }
            });
    quote!(#(#items)*)
}

/// A signed literal (`-5` as a negated literal, so every parser accepts it).
pub(crate) fn int_lit(v: i128) -> TokenStream {
    if v < 0 {
        let l = Literal::u128_unsuffixed(v.unsigned_abs());
        quote!(-#l)
    } else {
        let l = Literal::u128_unsuffixed(v.unsigned_abs());
        quote!(#l)
    }
}

fn constant(d: &Definition, name: &str, v: &ConstValue) -> TokenStream {
    let id = ident(name);
    let doc = Doc::spec(d.doc.as_deref())
        .para(format!("Spec constant `{}`.", d.name))
        .tokens();
    match v {
        ConstValue::Int(n) => {
            let ty = if (0..=i128::from(u32::MAX)).contains(n) {
                quote!(u32)
            } else if (i128::from(i64::MIN)..=i128::from(i64::MAX)).contains(n) {
                quote!(i64)
            } else if (0..=i128::from(u64::MAX)).contains(n) {
                quote!(u64)
            } else {
                quote!(i128)
            };
            let lit = int_lit(*n);
            quote!(#doc pub const #id: #ty = #lit;)
        }
        ConstValue::Str(s) => quote!(#doc pub const #id: &str = #s;),
    }
}

/// The integer type of an enum's values: `u32` when all fit, else `i64` (or `u64`).
fn enum_repr(values: impl Iterator<Item = i128> + Clone) -> (TokenStream, bool) {
    let fits = |lo: i128, hi: i128| values.clone().all(|v| (lo..=hi).contains(&v));
    if fits(0, i128::from(u32::MAX)) {
        (quote!(u32), false)
    } else if fits(i128::from(i64::MIN), i128::from(i64::MAX)) {
        (quote!(i64), true)
    } else {
        (quote!(u64), false)
    }
}

/// Names of the associated consts of an enum or flags type: entries first, in spec order;
/// an entry that collides with a helper (`ENTRIES`, `ALL`, `MAX`) gets a trailing `_`.
fn entry_names(e: &EnumDef, helpers: &[&str]) -> Vec<String> {
    let mut n = Names::with_reserved(helpers);
    e.entries
        .iter()
        .map(|en| n.claim(&names::shouty(&en.name), "_", &[]))
        .collect()
}

fn enumeration(g: &Gen<'_>, d: &Definition, name: &str, e: &EnumDef) -> TokenStream {
    let id = ident(name);
    let (repr, _) = enum_repr(e.entries.iter().map(|en| i128::from(en.value)));
    let render_max = e.render_max && !e.entries.is_empty();
    let helpers: &[&str] = if render_max {
        &["ENTRIES", "MAX"]
    } else {
        &["ENTRIES"]
    };
    let consts = entry_names(e, helpers);
    let entries = e.entries.iter().zip(&consts).map(|(en, c)| {
        let cid = ident(c);
        let lit = int_lit(i128::from(en.value));
        let doc = Doc::spec(en.doc.as_deref())
            .para(format!(
                "`{}` = {}.",
                names::c_name(&e.name_prefix, &en.name),
                en.value
            ))
            .tokens();
        quote!(#doc pub const #cid: Self = Self(#lit);)
    });
    let table = e.entries.iter().zip(&consts).map(|(en, c)| {
        let cid = ident(c);
        let n = &en.name;
        quote!((#n, Self::#cid),)
    });
    let max = render_max.then(|| {
        let m = e.entries.iter().map(|en| en.value).max().unwrap_or(0);
        let lit = int_lit(i128::from(m));
        quote! {
            /// The largest value (`render-max`).
            pub const MAX: Self = Self(#lit);
        }
    });
    let doc = Doc::spec(d.doc.as_deref())
        .para(format!(
            "Enum `{}`: a newtype over the value, with one associated const per entry; values \
             the spec does not list are kept (see `known`).",
            d.name
        ))
        .tokens();
    let _ = g;
    quote! {
        #doc
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub struct #id(pub #repr);

        impl #id {
            #(#entries)*
            #max
            /// Every entry: its spec name and value, in spec order.
            pub const ENTRIES: &'static [(&'static str, Self)] = &[#(#table)*];

            /// The spec name of the value, if it has one.
            pub fn name(self) -> Option<&'static str> {
                Self::ENTRIES.iter().find(|e| e.1 == self).map(|e| e.0)
            }

            /// The value of a spec name.
            pub fn from_name(name: &str) -> Option<Self> {
                Self::ENTRIES.iter().find(|e| e.0 == name).map(|e| e.1)
            }

            /// `Some` for values the spec lists.
            pub fn known(value: #repr) -> Option<Self> {
                let v = Self(value);
                v.name().map(|_| v)
            }
        }

        impl From<#repr> for #id {
            fn from(v: #repr) -> Self {
                Self(v)
            }
        }

        impl From<#id> for #repr {
            fn from(v: #id) -> Self {
                v.0
            }
        }

        impl ::core::fmt::Debug for #id {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                match self.name() {
                    Some(n) => f.write_str(n),
                    None => write!(f, "{}", self.0),
                }
            }
        }
    }
}

fn flags(g: &Gen<'_>, d: &Definition, name: &str, e: &EnumDef) -> TokenStream {
    let _ = g;
    let id = ident(name);
    let wide = e.entries.iter().any(|en| en.value >= 32);
    let repr = if wide { quote!(u64) } else { quote!(u32) };
    let consts = entry_names(e, &["ENTRIES", "ALL"]);
    let entries = e.entries.iter().zip(&consts).map(|(en, c)| {
        let cid = ident(c);
        let bit = Literal::u32_unsuffixed(u32::try_from(en.value).unwrap_or(0));
        let doc = Doc::spec(en.doc.as_deref())
            .para(format!(
                "`{}` = `1 << {}`.",
                names::c_name(&e.name_prefix, &en.name),
                en.value
            ))
            .tokens();
        quote!(#doc pub const #cid: Self = Self(1 << #bit);)
    });
    let table = e.entries.iter().zip(&consts).map(|(en, c)| {
        let cid = ident(c);
        let n = &en.name;
        quote!((#n, Self::#cid),)
    });
    let mask = e.mask();
    let mask_lit = if wide {
        Literal::u64_unsuffixed(mask)
    } else {
        Literal::u32_unsuffixed(u32::try_from(mask).unwrap_or(u32::MAX))
    };
    let doc = Doc::spec(d.doc.as_deref())
        .para(format!(
            "Flags `{}`: a bit set; each associated const is one bit, `ALL` every bit the spec \
             names.",
            d.name
        ))
        .tokens();
    quote! {
        #doc
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub struct #id(pub #repr);

        impl #id {
            #(#entries)*
            /// Every bit the spec names.
            pub const ALL: Self = Self(#mask_lit);
            /// Every entry: its spec name and bit, in spec order.
            pub const ENTRIES: &'static [(&'static str, Self)] = &[#(#table)*];

            /// The raw bits.
            pub const fn bits(self) -> #repr {
                self.0
            }

            /// True when every bit of `other` is set.
            pub const fn contains(self, other: Self) -> bool {
                self.0 & other.0 == other.0
            }

            /// True when no bit is set.
            pub const fn is_empty(self) -> bool {
                self.0 == 0
            }

            /// The spec names of the bits that are set (bits the spec does not name are
            /// skipped).
            pub fn names(self) -> impl Iterator<Item = &'static str> {
                Self::ENTRIES
                    .iter()
                    .filter(move |e| self.contains(e.1))
                    .map(|e| e.0)
            }

            /// The bit of a spec name.
            pub fn from_name(name: &str) -> Option<Self> {
                Self::ENTRIES.iter().find(|e| e.0 == name).map(|e| e.1)
            }
        }

        impl From<#repr> for #id {
            fn from(v: #repr) -> Self {
                Self(v)
            }
        }

        impl From<#id> for #repr {
            fn from(v: #id) -> Self {
                v.0
            }
        }

        impl ::core::ops::BitOr for #id {
            type Output = Self;
            fn bitor(self, rhs: Self) -> Self {
                Self(self.0 | rhs.0)
            }
        }

        impl ::core::ops::BitOrAssign for #id {
            fn bitor_assign(&mut self, rhs: Self) {
                self.0 |= rhs.0;
            }
        }

        impl ::core::ops::BitAnd for #id {
            type Output = Self;
            fn bitand(self, rhs: Self) -> Self {
                Self(self.0 & rhs.0)
            }
        }

        impl ::core::fmt::Debug for #id {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                let mut first = true;
                for n in self.names() {
                    if !first {
                        f.write_str(" | ")?;
                    }
                    f.write_str(n)?;
                    first = false;
                }
                let rest = self.0 & !Self::ALL.0;
                if rest != 0 || first {
                    if !first {
                        f.write_str(" | ")?;
                    }
                    write!(f, "{rest:#x}")?;
                }
                Ok(())
            }
        }
    }
}

/// A doc fragment naming an integer's enum or flags.
pub(crate) fn enum_note(g: &Gen<'_>, def: crate::ir::DefId, as_flags: bool) -> String {
    let d = &g.f[def];
    let ty = g.def_types[def.0].as_deref().unwrap_or("?");
    match &d.kind {
        DefKind::Enum(e) if e.flags => format!("Flags: `{ty}` (`{}`).", d.name),
        _ if as_flags => format!(
            "Bits numbered by enum `{ty}` (`{}`): bit `1 << v` for entry value `v`.",
            d.name
        ),
        _ => format!("Values: `{ty}` (`{}`).", d.name),
    }
}

pub(crate) fn hint_note(h: DisplayHint) -> &'static str {
    match h {
        DisplayHint::Hex => "Displayed as hex.",
        DisplayHint::Mac => "Displayed as a MAC address.",
        DisplayHint::Fddi => "Displayed as an FDDI address.",
        DisplayHint::Ipv4 => "Displayed as an IPv4 address.",
        DisplayHint::Ipv6 => "Displayed as an IPv6 address.",
        DisplayHint::Ipv4OrV6 => "Displayed as an IPv4 or IPv6 address.",
        DisplayHint::Uuid => "Displayed as a UUID.",
    }
}

/// The Rust type of an integer and the `#[be]`/`#[le]` marker of a wire-struct member.
fn member_int(t: IntType, order: ByteOrder) -> (TokenStream, TokenStream) {
    let ty = match t {
        IntType::U8 => quote!(u8),
        IntType::U16 => quote!(u16),
        IntType::U32 => quote!(u32),
        IntType::U64 => quote!(u64),
        IntType::S8 => quote!(i8),
        IntType::S16 => quote!(i16),
        IntType::S32 => quote!(i32),
        IntType::S64 => quote!(i64),
    };
    let mark = match (t.width(), order) {
        (1, _) | (_, ByteOrder::Host) => quote!(),
        (_, ByteOrder::BigEndian) => quote!(#[be]),
        (_, ByteOrder::LittleEndian) => quote!(#[le]),
    };
    (ty, mark)
}

fn structure(g: &Gen<'_>, d: &Definition, name: &str, s: &StructDef) -> TokenStream {
    let id = ident(name);
    let mut fields = Names::default();
    let members = s.members.iter().map(|m| {
        let fid = ident(&fields.claim(&names::snake(&m.name), "_", &[]));
        let (ty, mark) = match m.ty {
            MemberType::Int(t) => member_int(t, m.byte_order),
            MemberType::Binary if m.struct_.is_some() => {
                let sid = m
                    .struct_
                    .and_then(|x| g.def_types[x.0].as_deref())
                    .unwrap_or("_");
                let sid = ident(sid);
                (quote!(#sid), quote!())
            }
            MemberType::Binary | MemberType::String | MemberType::Pad => {
                let n = Literal::usize_unsuffixed(m.size as usize);
                (quote!([u8; #n]), quote!())
            }
        };
        let mut doc = Doc::spec(m.doc.as_deref());
        doc = match m.ty {
            MemberType::Pad => doc.or("Padding."),
            MemberType::String => doc.or(format!("`{}`: a NUL-padded string.", m.name)),
            _ => doc.or(format!("`{}`.", m.name)),
        };
        if let Some(e) = m.enum_ {
            doc = doc.para(enum_note(g, e, m.enum_as_flags));
        }
        if let Some(h) = m.display_hint {
            doc = doc.para(hint_note(h));
        }
        if m.byte_order == ByteOrder::BigEndian && !matches!(m.ty, MemberType::Int(_)) {
            doc = doc.para("Big-endian.");
        }
        let doc = doc.tokens();
        quote!(#doc #mark pub #fid: #ty,)
    });
    let size = Literal::u32_unsuffixed(s.size);
    let doc = Doc::spec(d.doc.as_deref())
        .para(format!(
            "Struct `{}` ({} bytes, packed): a fixed wire struct, viewed in place.",
            d.name, s.size
        ))
        .tokens();
    let k = &g.krate;
    let krate = g.krate_opt.as_ref().map(|p| quote!(, crate = #p));
    quote! {
        #doc
        #[#k::wire(size = #size #krate)]
        pub struct #id {
            #(#members)*
        }
    }
}
